"""Scanners: read SQL files, live databases and data, and report facts into a `SchemaModel`."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator


@contextlib.contextmanager
def quiet_logger(name: str) -> Iterator[None]:
    """Silence a library's warnings for the duration of a block, restoring its level afterwards.

    The libraries scanners drive (sqlglot, Great Expectations) log what plaudit reports itself, with
    file and line, in the report's `errors`; their own log lines would only be noise on a terminal.
    """
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)
