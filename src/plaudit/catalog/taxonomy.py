"""The taxonomy of personal information: category keys with their JR/T 0171 class, PIPL and PCI roles.

The built-in categories live in `taxonomy.yaml` beside this module; a catalog may add keys (usually
children such as `identity.national_id.hk_permit`), which inherit what they do not say from their parent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

# The C loader (libyaml) reads the dictionaries several times faster; both are safe loaders.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

LEVELS = ("C1", "C2", "C3")


@dataclass(frozen=True)
class Category:
    key: str
    level: str
    pipl_sensitive: bool
    pci: str | None = None
    title: str = ""
    title_zh: str = ""
    description: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "pipl_sensitive": self.pipl_sensitive,
            "pci": self.pci,
            "title": self.title,
        }


def level_rank(level: str | None) -> int:
    """0 for no level, 1..3 for C1..C3: lets callers take the highest class of a set of columns."""
    return LEVELS.index(level) + 1 if level in LEVELS else 0


class Taxonomy:
    """A mapping of category key to `Category`, built-in keys first, then the catalog's additions."""

    def __init__(self, categories: Mapping[str, Category]) -> None:
        self._categories = dict(categories)

    def __contains__(self, key: object) -> bool:
        return key in self._categories

    def __getitem__(self, key: str) -> Category:
        return self._categories[key]

    def get(self, key: str | None) -> Category | None:
        return self._categories.get(key) if key else None

    def keys(self) -> list[str]:
        return list(self._categories)

    def parent_of(self, key: str) -> str | None:
        """The nearest ancestor key that exists (`a.b.c` -> `a.b`), or None."""
        parts = key.split(".")
        while len(parts) > 1:
            parts.pop()
            candidate = ".".join(parts)
            if candidate in self._categories:
                return candidate
        return None

    def extended(self, additions: Mapping[str, Mapping[str, Any]]) -> Taxonomy:
        """A new taxonomy with `additions`; an addition inherits unset fields from its nearest parent."""
        merged = dict(self._categories)
        # Parents before children, so that a child of a new key inherits from it.
        for key in sorted(additions, key=lambda k: k.count(".")):
            spec = additions[key] or {}
            parent = Taxonomy(merged).parent_of(key)
            base = merged.get(parent) if parent else None
            merged[key] = _category(key, spec, base)
        return Taxonomy(merged)

    def to_json(self) -> dict[str, Any]:
        return {key: cat.to_json() for key, cat in self._categories.items()}


def _category(key: str, spec: Mapping[str, Any], base: Category | None) -> Category:
    title = spec.get("title", "")
    title_en, title_zh = (
        (title.get("en", ""), title.get("zh", "")) if isinstance(title, Mapping) else (title, "")
    )
    return Category(
        key=key,
        level=spec.get("level") or (base.level if base else "C1"),
        pipl_sensitive=bool(spec.get("pipl_sensitive", base.pipl_sensitive if base else False)),
        pci=spec.get("pci", base.pci if base else None),
        title=title_en or (base.title if base else key),
        title_zh=title_zh or (base.title_zh if base else ""),
        description=spec.get("description", ""),
    )


@lru_cache(maxsize=1)
def builtin_taxonomy() -> Taxonomy:
    """The taxonomy shipped with plaudit (SPEC §4)."""
    text = resources.files("plaudit.catalog").joinpath("taxonomy.yaml").read_text(encoding="utf-8")
    raw = yaml.load(text, Loader=_LOADER)["categories"]
    return Taxonomy({key: _category(key, spec, None) for key, spec in raw.items()})


def builtin_keys() -> Iterable[str]:
    return builtin_taxonomy().keys()
