"""Baselines: the violations a team accepted on the day it adopted plaudit, by stable fingerprint.

`plaudit baseline create` writes them; `--baseline FILE` (on `scan sql`, `check` and `baseline
check`) waives exactly those fingerprints, so only what is introduced later fails the build. A
fingerprint is rule + resource, blind to line moves, so editing the file around an accepted
violation does not bring it back. The file is meant to be committed and reviewed like a waiver file:

    {"version": 1, "created_at": "...Z",
     "fingerprints": [{"fingerprint": "...", "rule": "...", "resource": "...", "reason": "baseline"}]}
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from plaudit.errors import ConfigError
from plaudit.pipeline import utcnow

__all__ = ["DEFAULT_BASELINE", "VERSION", "entries_of", "load_baseline", "only_new", "write_baseline"]

DEFAULT_BASELINE = "plaudit-baseline.json"
VERSION = 1
_HINT = "create it with `plaudit baseline create PATH... --out FILE`, or fix the JSON"


def entries_of(report: dict[str, Any]) -> list[dict[str, str]]:
    """The baseline entries for a report: its open violations, one per fingerprint, in a stable order
    (rule, resource, fingerprint) so that a re-created baseline diffs cleanly in review. Violations
    already waived are governed elsewhere (a waiver, an inline suppression) and are left out."""
    seen: dict[str, dict[str, str]] = {}
    for v in report.get("violations") or []:
        if v.get("waived") or not v.get("fingerprint"):
            continue
        seen.setdefault(
            v["fingerprint"],
            {
                "fingerprint": v["fingerprint"],
                "rule": v["rule"],
                "resource": v["resource"],
                "reason": "baseline",
            },
        )
    return sorted(seen.values(), key=lambda e: (e["rule"], e["resource"], e["fingerprint"]))


def write_baseline(path: Path, entries: list[dict[str, str]]) -> bool:
    """Write the baseline file; False when it already holds exactly these entries (left untouched,
    so that `created_at` does not churn in git)."""
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(old, dict) and old.get("version") == VERSION and old.get("fingerprints") == entries:
            return False
    except (OSError, ValueError):
        pass
    doc = {
        "version": VERSION,
        "created_at": utcnow().isoformat().replace("+00:00", "Z"),
        "fingerprints": entries,
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write the baseline: {exc.strerror}", path=str(path)) from None
    return True


class Accepted(frozenset[str]):
    """The accepted fingerprints, remembering each one's rule (a run that skipped a rule cannot tell
    whether its accepted findings are still there, so they are not stale)."""

    rule_of: dict[str, str]

    def __new__(cls, rules: dict[str, str]) -> Accepted:
        accepted = super().__new__(cls, rules)
        accepted.rule_of = dict(rules)
        return accepted


def load_baseline(path: str | Path) -> Accepted:
    """The accepted fingerprints; a missing or malformed file is a configuration error (exit 2): a
    baseline that silently accepted nothing would fail every build, one that accepted everything
    would pass them all."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("baseline file does not exist", path=str(path), hint=_HINT) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the baseline: {exc}", path=str(path), hint=_HINT) from None
    try:
        doc = json.loads(raw)
    except ValueError as exc:
        line = getattr(exc, "lineno", None)
        raise ConfigError(
            f"the baseline is not valid JSON: {exc}", path=str(path), line=line, hint=_HINT
        ) from None
    if (
        not isinstance(doc, dict)
        or doc.get("version") != VERSION
        or not isinstance(doc.get("fingerprints"), list)
    ):
        raise ConfigError(
            f'not a plaudit baseline: expected {{"version": {VERSION}, "fingerprints": [...]}}',
            path=str(path),
            hint=_HINT,
        )
    found: dict[str, str] = {}
    for i, entry in enumerate(doc["fingerprints"]):
        fp = entry.get("fingerprint") if isinstance(entry, dict) else None
        if not isinstance(fp, str) or not fp:
            raise ConfigError(f"baseline entry {i + 1} has no fingerprint", path=str(path), hint=_HINT)
        found[fp] = str(entry.get("rule") or "")
    return Accepted(found)


def only_new(report: dict[str, Any], accepted: frozenset[str]) -> dict[str, Any]:
    """The report without the violations the baseline waived, with how many were left out and how
    many baseline entries no longer match anything (fixed since: the baseline can shrink)."""
    kept = [v for v in report["violations"] if (v.get("waiver") or {}).get("source") != "baseline"]
    dropped = len(report["violations"]) - len(kept)
    seen = {v.get("fingerprint") for v in report["violations"]}
    skipped = set((report.get("selection") or {}).get("skipped_rules") or ())
    rule_of = getattr(accepted, "rule_of", {})
    stale = [fp for fp in accepted - seen if rule_of.get(fp) not in skipped]
    out = dict(report)
    out["violations"] = kept
    out["summary"] = {**report["summary"], "waived": report["summary"].get("waived", 0) - dropped}
    # Extension of SPEC §6 for `baseline check`.
    out["baseline"] = {"accepted": dropped, "stale": len(stale)}
    return out
