"""Shared helpers of the command line: turning user mistakes into one line and exit code 2."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

import typer

from sim.errors import AccountingError, InputError

F = TypeVar("F", bound=Callable)


def user_errors(func: F) -> F:
    """Turn :class:`InputError` into one line on stderr and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        except AccountingError as exc:
            typer.echo(f"model error: {exc}", err=True)
            raise typer.Exit(3) from None

    return wrapper  # type: ignore[return-value]
