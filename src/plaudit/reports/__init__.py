"""Room 4, reports: one module per output format, each rendering the canonical JSON report (SPEC §6).

A format is a module in this package that defines `FORMAT` (its name) and
`render(report: dict, *, color: bool = False) -> str`. Adding a format is adding a file: `formats()`
finds it, and the CLI offers it, with no registration and no if/elif chain.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from functools import lru_cache
from typing import Any

Renderer = Callable[..., str]


@lru_cache(maxsize=1)
def formats() -> dict[str, Renderer]:
    found: dict[str, Renderer] = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        name = getattr(module, "FORMAT", None)
        if name:
            found[name] = module.render
    return found


def render(report: dict[str, Any], fmt: str, *, color: bool = False) -> str:
    return formats()[fmt](report, color=color)
