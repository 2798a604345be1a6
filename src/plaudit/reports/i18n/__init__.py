"""Every user-facing string of the officer-facing reports (HTML, CSV, PDF), in English and Chinese.

One module per language holds a `STRINGS` dict with the same keys; a test holds them equal. Placeholders
are `str.format` fields (`{n}`). Rule titles and remediations are not here: they come from each rule's
METADATA (`title_zh`, `remediation_zh`), and category names from the taxonomy.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from functools import cache
from typing import Any

from plaudit.errors import ConfigError

LANGUAGES = ("en", "zh")


class Strings:
    """The strings of one language: `t.title`, `t["title"]`; a missing key is an error, never blank text."""

    def __init__(self, lang: str, table: Mapping[str, Any]) -> None:
        self.lang = lang
        self._table = table

    def __getitem__(self, key: str) -> Any:
        return self._table[key]

    def __getattr__(self, key: str) -> Any:
        if key.startswith("_"):
            raise AttributeError(key)
        try:
            return self._table[key]
        except KeyError:
            raise AttributeError(f"no report string {key!r} in {self.lang}") from None

    def keys(self) -> list[str]:
        return list(self._table)


@cache
def strings(lang: str) -> Strings:
    """The strings of `lang` (`en` or `zh`)."""
    if lang not in LANGUAGES:
        raise ConfigError(
            f"unknown report language {lang!r}", hint="use --lang " + " or --lang ".join(LANGUAGES)
        )
    module = importlib.import_module(f"{__name__}.{lang}")
    return Strings(lang, module.STRINGS)
