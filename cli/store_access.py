"""Options and error reporting shared by the commands that open the store."""
from __future__ import annotations

import functools
import sys

import click

from screening import store


def _set_wait(ctx: click.Context, param: click.Parameter, value: float | None) -> None:
    store.set_lock_wait(value)  # None (no --wait) also clears a value left by an earlier in-process command


wait_option = click.option(
    "--wait", type=click.FloatRange(0), metavar="SECONDS", expose_value=False, callback=_set_wait,
    help=f"How long to wait for another process holding the store (default: env {store.LOCK_WAIT_ENV}, "
         f"else {store.DEFAULT_LOCK_WAIT:g} s).")


def store_errors(func):
    """One line on stderr instead of a traceback: exit 2 when there is no store (or the lock
    wait setting is not a number), 1 when another process kept it locked past the wait."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except store.StoreMissing as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)
        except store.StoreBusy as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
        except store.LockWaitError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)
    return wrapper
