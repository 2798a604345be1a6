"""How every command fails: one actionable line on stderr and exit code 2, never a traceback.

`plaudit` (cli.py) and `plaudit report` (report_command.py, loaded only when asked for) both wrap their
commands with `guarded`.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from plaudit.errors import EXIT_ERROR, PlauditError

F = TypeVar("F", bound=Callable[..., Any])


def _fail(err: PlauditError) -> None:
    click.echo(f"plaudit: error: {err}", err=True)
    if err.hint:
        click.echo(f"  hint: {err.hint}", err=True)
    sys.exit(EXIT_ERROR)


def guarded(func: F) -> F:
    """Turn every failure into one actionable line and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PlauditError as err:
            _fail(err)
        except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            # The reader (`| head`) went away: stop quietly instead of reporting an internal error.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(EXIT_ERROR)
        except Exception as exc:  # an internal error must still not show a traceback
            _internal(exc)
        except BaseException as exc:  # a panic in a native extension arrives as a BaseException
            if isinstance(exc, GeneratorExit):
                raise
            _internal(exc)

    return wrapper  # type: ignore[return-value]


def _internal(exc: BaseException) -> None:
    if os.environ.get("PLAUDIT_DEBUG"):
        raise exc
    first = (str(exc).strip().splitlines() or [""])[0]
    click.echo(f"plaudit: internal error: {type(exc).__name__}: {first}", err=True)
    click.echo("  hint: rerun with PLAUDIT_DEBUG=1 for details, and report it", err=True)
    sys.exit(EXIT_ERROR)
