"""Shared helpers of the command line: turning user mistakes into one line and exit code 2."""

from __future__ import annotations

import errno
import functools
import os
from collections.abc import Callable
from typing import TypeVar

import typer
from pydantic import ValidationError

from sim.errors import AccountingError, InputError

F = TypeVar("F", bound=Callable)

USER_ERRNOS = {
    errno.ENOENT,
    errno.ENOTDIR,
    errno.EISDIR,
    errno.EEXIST,
    errno.EACCES,
    errno.EPERM,
    errno.ELOOP,
    errno.ENAMETOOLONG,
    errno.EROFS,
    errno.ENOTEMPTY,
    errno.EINVAL,
}
"""OS errors that a path the user named explains (the others, such as a full disk, are not theirs)."""

# Optional dependencies and the extra of pyproject.toml that brings each.
EXTRA_OF_MODULE = {
    "matplotlib": "report",
    "jinja2": "report",
    "dask": "cluster",
    "distributed": "cluster",
    "SALib": "sensitivity",
    "ema_workbench": "ema",
    "pymrio": "mrio",
    "solara": "viz",
    "ipyvuetify": "viz",
    "altair": "viz",
    "boario": "bench",
}


def missing_extra_message(exc: ModuleNotFoundError) -> str | None:
    """One line naming the missing optional package and the extra to install, or None."""
    module = (exc.name or "").split(".")[0]
    extra = EXTRA_OF_MODULE.get(module)
    if extra is None:
        return None
    return f"error: this command needs the optional package '{module}': pip install 'growthsim[{extra}]'"


EXIT_USER = 2
"""Exit code of a user's mistake: a bad scenario, data folder, argument or path."""
EXIT_MODEL = 3
"""Exit code of a model failure (an accounting identity broke) or an internal error."""
TRACEBACK_ENV = "GROWTHSIM_TRACEBACK"
"""Set this environment variable to 1 to see the traceback of an internal error."""


def one_line(text: object, limit: int = 500) -> str:
    """A message on one line: newlines escaped, cut to ``limit`` characters."""
    line = " ".join(str(text).split("\n")).replace("\r", " ")
    return line if len(line) <= limit else f"{line[: limit - 3]}..."


def os_error_message(exc: OSError) -> str:
    """One line for an OS error on a path: the path(s) and the system's reason."""
    paths = [p for p in (exc.filename, exc.filename2) if p is not None]
    where = " -> ".join(str(p) for p in paths) or "path"
    return f"{where}: {exc.strerror or exc}"


def user_errors(func: F) -> F:
    """Turn every failure of a command into one line on stderr and an exit code, never a traceback.

    :class:`InputError` (a bad scenario, data folder or argument), an OS error on a path the user
    named (missing, a loop, permission denied, a file where a folder was expected) and a missing
    optional package exit with code 2; an :class:`AccountingError` (a model failure), running out
    of memory and any unexpected error (a bug: set ``GROWTHSIM_TRACEBACK=1`` to see it) with code 3.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except InputError as exc:
            typer.echo(one_line(f"error: {exc}"), err=True)
            raise typer.Exit(EXIT_USER) from None
        except ValidationError as exc:
            first = exc.errors()[0]
            key = ".".join(str(p) for p in first["loc"]) or exc.title
            typer.echo(one_line(f"error: {exc.title}: {key}: {first['msg']}"), err=True)
            raise typer.Exit(EXIT_USER) from None
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError, PermissionError, FileExistsError) as exc:
            typer.echo(one_line(f"error: {os_error_message(exc)}"), err=True)
            raise typer.Exit(EXIT_USER) from None
        except OSError as exc:
            if exc.errno in USER_ERRNOS:
                typer.echo(one_line(f"error: {os_error_message(exc)}"), err=True)
                raise typer.Exit(EXIT_USER) from None
            typer.echo(one_line(f"error: {os_error_message(exc)}"), err=True)
            raise typer.Exit(EXIT_MODEL) from None
        except MemoryError:
            typer.echo("error: out of memory (see growthsim --limit to lower the sizes allowed)", err=True)
            raise typer.Exit(EXIT_MODEL) from None
        except ModuleNotFoundError as exc:
            message = missing_extra_message(exc)
            if message is None:
                raise
            typer.echo(message, err=True)
            raise typer.Exit(2) from None
        except AccountingError as exc:
            typer.echo(one_line(f"model error: {exc}"), err=True)
            raise typer.Exit(EXIT_MODEL) from None
        except Exception as exc:
            if os.environ.get(TRACEBACK_ENV) == "1":
                raise
            typer.echo(
                one_line(
                    f"internal error: {type(exc).__name__}: {exc} (a bug: please report it; "
                    f"{TRACEBACK_ENV}=1 shows the traceback)"
                ),
                err=True,
            )
            raise typer.Exit(EXIT_MODEL) from None

    return wrapper  # type: ignore[return-value]
