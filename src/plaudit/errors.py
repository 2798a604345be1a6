"""Errors a user can act on: what went wrong, where, and how to fix it.

Every error that should end a run with exit code 2 derives from `PlauditError`; the CLI prints
`str(err)` (one line, plus a hint line) and never a traceback.
"""

from __future__ import annotations

# SPEC §2 exit codes: nothing else is ever returned.
EXIT_OK = 0
EXIT_VIOLATIONS = 1  # unwaived violations at or above the fail level
EXIT_ERROR = 2  # usage, configuration, catalog, policy-compile, connection or internal error


class PlauditError(Exception):
    """Base of all user-facing errors.

    `path`/`line` say where (a file and line, or a redacted database object); `hint` says how to fix.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.hint = hint

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return f"{where}{self.message}"


class CatalogError(PlauditError):
    """The catalog is unreadable or does not follow its schema."""


class ConfigError(PlauditError):
    """A command-line option or the configuration file is wrong."""


class PolicyError(PlauditError):
    """A policy does not compile or its METADATA is invalid."""


class ScanConnectionError(PlauditError):
    """A database could not be reached or opened. The message never holds a password."""


class MissingExtraError(PlauditError):
    """A command needs an optional dependency that is not installed."""
