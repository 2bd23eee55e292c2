"""Shared helpers of the command line: turning user mistakes into one line and exit code 2."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

import typer

from sim.errors import AccountingError, InputError

F = TypeVar("F", bound=Callable)

# Optional dependencies and the extra of pyproject.toml that brings each.
EXTRA_OF_MODULE = {
    "matplotlib": "report",
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


def user_errors(func: F) -> F:
    """Turn a user's mistake into one line on stderr and an exit code, never a traceback.

    :class:`InputError` (a bad scenario, data folder or argument) and a missing optional package
    exit with code 2; an :class:`AccountingError` (a model failure) with code 3.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        except ModuleNotFoundError as exc:
            message = missing_extra_message(exc)
            if message is None:
                raise
            typer.echo(message, err=True)
            raise typer.Exit(2) from None
        except AccountingError as exc:
            typer.echo(f"model error: {exc}", err=True)
            raise typer.Exit(3) from None

    return wrapper  # type: ignore[return-value]
