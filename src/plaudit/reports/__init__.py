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


def waiver_note(waiver: dict[str, Any]) -> str:
    """How a waived violation was waived, in one line, for every format.

    Catalog waivers have an owner and an expiry; inline suppressions and baseline entries have neither,
    and say where they come from instead.
    """
    reason = waiver.get("reason") or "no reason given"
    source = waiver.get("source")
    if source == "inline":
        loc = waiver.get("location") or {}
        where = f" at {loc.get('path')}:{loc.get('line')}" if loc.get("path") else ""
        return f"suppressed inline{where}: {reason}"
    if source == "baseline":
        return "accepted in the baseline"
    return f"waived by {waiver.get('owner') or '?'} until {waiver.get('expires') or '?'}: {reason}"
