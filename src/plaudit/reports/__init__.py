"""Room 4, reports: one module per output format, each rendering the canonical JSON report (SPEC §6).

A format is a module in this package that defines `FORMAT` (its name) and
`render(report: dict, *, color: bool = False) -> str`. Adding a format is adding a file: `formats()`
finds it, and the CLI offers it, with no registration and no if/elif chain.

Two optional extensions of that protocol:

- a renderer that also takes `context: ReportContext` receives what the report alone does not hold
  (the language, the policy pack's rules, the stored run history, the owners the catalog names);
  renderers without the parameter are called exactly as before;
- a module with `BINARY = True` renders bytes with `render_bytes(report, *, context)` (PDF). Binary
  formats are listed by `binary_formats()`, not by `formats()`, so commands that print text never
  offer them.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

Renderer = Callable[..., str]
BinaryRenderer = Callable[..., bytes]

#: Languages the officer-facing formats (HTML, CSV, PDF) are written in.
LANGUAGES = ("en", "zh")


@dataclass(frozen=True)
class ReportContext:
    """What a report is rendered with besides the report itself.

    `rules`: every rule's metadata (`PolicySet.rules`), so rules without findings still show as passed
    or not evaluated; empty means "the built-in pack". `trend`: stored runs of the same target, oldest
    first, each `{"id", "started_at", "open": {severity: n}, "waived", "new", "fixed"}` (`new`/`fixed`
    are None for the first stored run). `owners`: `dataset.table` (lower case) or `table` -> owner, from
    the catalog, for reports whose violations do not carry an owner. `trend_note`: why `trend` is empty.
    `policy_digest`: the digest of the pack `rules` come from, to say when the run was judged by another.
    """

    lang: str = "en"
    rules: tuple[Mapping[str, Any], ...] = ()
    trend: tuple[Mapping[str, Any], ...] = ()
    owners: Mapping[str, str] = field(default_factory=dict)
    trend_note: str | None = None
    policy_digest: str | None = None


@lru_cache(maxsize=1)
def _modules() -> tuple[Any, ...]:
    found = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if getattr(module, "FORMAT", None):
            found.append(module)
    return tuple(found)


@lru_cache(maxsize=1)
def formats() -> dict[str, Renderer]:
    """Text formats by name (what `--format` offers on every command)."""
    return {m.FORMAT: m.render for m in _modules() if not getattr(m, "BINARY", False)}


@lru_cache(maxsize=1)
def binary_formats() -> dict[str, BinaryRenderer]:
    """Formats that render bytes (PDF), offered where a file is written: `plaudit report --out`."""
    return {m.FORMAT: m.render_bytes for m in _modules() if getattr(m, "BINARY", False)}


@cache
def _takes_context(renderer: Renderer) -> bool:
    return "context" in inspect.signature(renderer).parameters


def render(
    report: dict[str, Any], fmt: str, *, color: bool = False, context: ReportContext | None = None
) -> str:
    renderer = formats()[fmt]
    if context is not None and _takes_context(renderer):
        return renderer(report, color=color, context=context)
    return renderer(report, color=color)


def render_bytes(report: dict[str, Any], fmt: str, *, context: ReportContext | None = None) -> bytes:
    """Any format as bytes: binary formats as they are, text formats encoded as UTF-8."""
    if fmt in binary_formats():
        return binary_formats()[fmt](report, context=context or ReportContext())
    return render(report, fmt, context=context).encode("utf-8")


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
