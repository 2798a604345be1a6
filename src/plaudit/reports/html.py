"""The compliance officer's report: one self-contained HTML file, in Chinese or English (SPEC §1, job 3).

Sections: executive summary (status per regulation), control coverage (each clause and rule: pass, fail,
waived or not evaluated, with the evidence count), violations (by severity, kind, dataset and owner, each
with resource, evidence, remediation and references), inventory of personal data, waivers and their
expiry, trends over the stored runs, and the run's provenance.

The file fetches nothing: CSS, SVG charts and a few lines of script are inline; the script only sorts and
filters tables, and without it every row is simply shown. Everything the report says comes from the
canonical JSON report (which never holds a sampled value) plus a `ReportContext`; all text goes through
Jinja2's autoescaping.

`build_view` is the language-independent model; the CSV and PDF formats render from it too.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from plaudit.reports import ReportContext
from plaudit.reports.i18n import Strings, strings

FORMAT = "html"

SEVERITIES = ("critical", "high", "medium", "low")
LEVELS = ("C3", "C2", "C1")
#: A rule's status in the coverage matrix, worst first: a regulation or clause takes its worst rule's.
RULE_STATUSES = ("fail", "not_evaluated", "waived", "pass")

#: The regulations of SPEC §1, in the order the executive summary lists them, and how a violation's
#: `references` entry names each.
REGULATIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("jrt0171", re.compile(r"^\s*JR/?T\s*0171", re.I)),
    ("pipl", re.compile(r"^\s*(PIPL|个人信息保护法)", re.I)),
    ("gbt35273", re.compile(r"^\s*GB/?T\s*35273", re.I)),
    ("gbt22239", re.compile(r"^\s*GB/?T\s*22239", re.I)),
    ("pcidss", re.compile(r"^\s*PCI(\s*DSS)?\b", re.I)),
    ("gdpr", re.compile(r"^\s*GDPR\b", re.I)),
)
_OTHER = "other"

#: What a rule needs besides the schema, by the area of its package (`plaudit.rules.<area>.<name>`):
#: the `data` area judges sampled data checks; these areas read grants and server settings, which only
#: a live database scan reports. A rule's METADATA may say it itself with `custom.requires`.
_AREA_NEEDS: dict[str, frozenset[str]] = {
    "data": frozenset({"data"}),
    "access": frozenset({"database"}),
    "transport": frozenset({"database"}),
    "logging": frozenset({"database"}),
}
_DATABASE_MODES = frozenset({"scan-db", "demo"})

#: SVG fills as attributes, not only CSS: PDF renderers do not all style SVG from the page's stylesheet.
_COLORS = {
    "critical": "#a4161a",
    "high": "#e5383b",
    "medium": "#f4a259",
    "low": "#8ab17d",
    "new": "#c0392b",
    "fixed": "#2a9d8f",
    "bar": "#4a6fa5",
}
#: Breakdown charts show this many bars; the rest are summed into one.
_TOP = 12
#: Waivers expiring within this many days count as waiver debt due soon.
WAIVER_SOON_DAYS = 30


# ------------------------------------------------------------------------------------------- the view


@dataclass
class RuleRow:
    rule: str
    title: str
    remediation: str
    severity: str
    kind: str
    references: list[str]
    status: str = "pass"
    open: int = 0
    waived: int = 0
    needs: frozenset[str] = frozenset()
    missing: list[str] = field(default_factory=list)  # inputs this run lacked (why not evaluated)
    by_severity: Counter[str] = field(default_factory=Counter)

    @property
    def evidence(self) -> int:
        return self.open + self.waived


@dataclass
class ViolationRow:
    rule: str
    severity: str
    kind: str
    status: str  # new | open | waived
    resource: str
    dataset: str
    owner: str
    message: str
    where: str
    waiver: str
    first_seen: str
    fingerprint: str
    references: list[str]
    remediation: str
    title: str


@dataclass
class View:
    """Everything the officer-facing formats show, already in the report's language."""

    lang: str
    t: Strings
    report: Mapping[str, Any]
    run: dict[str, Any]
    as_of: dt.date | None
    rules: list[RuleRow]
    regulations: list[dict[str, Any]]
    violations: list[ViolationRow]
    groups: list[dict[str, Any]]
    breakdowns: dict[str, list[tuple[str, int]]]
    inventory: dict[str, Any]
    waivers: list[dict[str, Any]]
    waiver_debt: dict[str, int]
    trend: list[dict[str, Any]]
    trend_note: str | None
    notes: list[str]
    counts: dict[str, Any]
    errors: list[dict[str, str]]
    datasets: list[str]
    owners: list[str]
    kinds: list[str]
    available: frozenset[str]


def build_view(report: Mapping[str, Any], context: ReportContext | None = None) -> View:
    """The report as the officer-facing formats show it (see the module docstring)."""
    ctx = context or ReportContext()
    t = strings(ctx.lang)
    run = dict(report.get("run") or {})
    run["target"] = _redacted(str(run.get("target") or ""))
    as_of = _date(run.get("finished_at") or run.get("started_at"))
    metas = {str(m["rule"]): m for m in (ctx.rules or builtin_rules())}
    places = _Places(report.get("columns") or [], ctx.owners, t.unassigned)

    rules = {rid: _rule_row(m, ctx.lang) for rid, m in metas.items()}
    violations: list[ViolationRow] = []
    for v in report.get("violations") or []:
        rid = str(v.get("rule") or "?")
        row = rules.get(rid)
        if row is None:  # a rule of a policy folder this rendering did not load: known by its findings
            row = rules[rid] = RuleRow(
                rule=rid,
                title=rid,
                remediation=str(v.get("remediation") or ""),
                severity=str(v.get("severity") or "low"),
                kind=str(v.get("kind") or ""),
                references=list(v.get("references") or []),
            )
        waived = bool(v.get("waived"))
        severity = str(v.get("severity") or row.severity)
        if waived:
            row.waived += 1
        else:
            row.open += 1
            row.by_severity[severity] += 1
        dataset, owner = places.of(str(v.get("resource") or ""), v)
        remediation = row.remediation if ctx.lang != "en" or not v.get("remediation") else v["remediation"]
        violations.append(
            ViolationRow(
                rule=rid,
                severity=severity,
                kind=str(v.get("kind") or row.kind),
                status="waived" if waived else str(v.get("status") or "open"),
                resource=str(v.get("resource") or ""),
                dataset=dataset,
                owner=owner,
                message=str(v.get("message") or ""),
                where=_file_where(v.get("location")),
                waiver=_waiver_text(v.get("waiver"), t) if waived else "",
                first_seen=str(v.get("first_seen") or ""),
                fingerprint=str(v.get("fingerprint") or ""),
                references=list(v.get("references") or row.references),
                remediation=str(remediation or ""),
                title=row.title,
            )
        )

    available = _available_inputs(report, run)
    for row in rules.values():
        row.missing = sorted(row.needs - available)
        if row.open:
            row.status = "fail"
        elif row.waived:
            row.status = "waived"
        elif row.missing:
            row.status = "not_evaluated"
    rule_rows = sorted(
        rules.values(), key=lambda r: (RULE_STATUSES.index(r.status), -_rank(r.severity), r.rule)
    )

    open_rows = [v for v in violations if v.status != "waived"]
    notes = _notes(rule_rows, available, run, ctx, t)
    waivers, debt = _waivers(report, as_of, t)
    return View(
        lang=ctx.lang,
        t=t,
        report=report,
        run=run,
        as_of=as_of,
        rules=rule_rows,
        regulations=_regulations(rule_rows),
        violations=violations,
        groups=_groups(violations, rules),
        breakdowns={
            "severity": [(s, sum(1 for v in open_rows if v.severity == s)) for s in SEVERITIES],
            "kind": _top(Counter(v.kind for v in open_rows), t),
            "dataset": _top(Counter(v.dataset for v in open_rows), t),
            "owner": _top(Counter(v.owner for v in open_rows), t),
        },
        inventory=_inventory(report.get("columns") or [], places),
        waivers=waivers,
        waiver_debt=debt,
        trend=_trend(ctx.trend),
        trend_note=ctx.trend_note,
        notes=notes,
        counts=_counts(report, violations, rule_rows),
        errors=[
            {"where": _where(e), "message": str(e.get("message") or "")} for e in report.get("errors") or []
        ],
        datasets=sorted({v.dataset for v in violations}),
        owners=sorted({v.owner for v in violations}),
        kinds=sorted({v.kind for v in violations}),
        available=available,
    )


@lru_cache(maxsize=1)
def builtin_rules() -> tuple[Mapping[str, Any], ...]:
    """The built-in pack's rule metadata, for renderings given no rules (`scan --format html`)."""
    from plaudit.policies.engine import load_policies

    return tuple(load_policies().rules)


def catalog_owners(catalog: Any) -> dict[str, str]:
    """`ReportContext.owners` from a loaded catalog: `dataset.table` and bare `table` -> owner."""
    owners: dict[str, str] = {}
    for entry in catalog.tables():
        if not entry.owner:
            continue
        if entry.dataset:
            owners.setdefault(f"{entry.dataset}.{entry.name}".lower(), entry.owner)
        owners.setdefault(entry.name.lower(), entry.owner)
    return owners


def localized(meta: Mapping[str, Any], key: str, lang: str) -> str:
    """A rule's `title` or `remediation` in `lang` (`title_zh` from METADATA), English when it has none."""
    if lang != "en":
        custom = meta.get("custom") if isinstance(meta.get("custom"), Mapping) else {}
        text = meta.get(f"{key}_{lang}") or (custom or {}).get(f"{key}_{lang}")
        if isinstance(text, str) and text.strip():
            return text.strip()
    return str(meta.get(key) or "")


def _rule_row(meta: Mapping[str, Any], lang: str) -> RuleRow:
    return RuleRow(
        rule=str(meta["rule"]),
        title=localized(meta, "title", lang) or str(meta["rule"]),
        remediation=localized(meta, "remediation", lang),
        severity=str(meta.get("severity") or "low"),
        kind=str(meta.get("kind") or ""),
        references=list(meta.get("references") or []),
        needs=_needs(meta),
    )


def _needs(meta: Mapping[str, Any]) -> frozenset[str]:
    declared = meta.get("requires")
    if isinstance(declared, list | tuple):
        return frozenset(str(x) for x in declared)
    parts = str(meta.get("package") or "").split(".")
    area = parts[2] if len(parts) == 4 and parts[:2] == ["plaudit", "rules"] else ""
    return _AREA_NEEDS.get(area, frozenset())


def _available_inputs(report: Mapping[str, Any], run: Mapping[str, Any]) -> frozenset[str]:
    """What this run could show the rules besides the schema: a live database, sampled data."""
    found = set()
    if run.get("mode") in _DATABASE_MODES:
        found.add("database")
    sampled = run.get("data_sampled")
    # An empty `data_checks` is read as "no data was sampled": a data rule that saw no check proved
    # nothing, so it is reported as not evaluated rather than passed.
    if sampled is True or (sampled is None and report.get("data_checks")):
        found.add("data")
    return frozenset(found)


def _rank(severity: str) -> int:
    return len(SEVERITIES) - SEVERITIES.index(severity) if severity in SEVERITIES else 0


def _regulation_of(reference: str) -> str:
    for key, pattern in REGULATIONS:
        if pattern.match(reference):
            return key
    return _OTHER


def _worst(statuses: Iterable[str]) -> str:
    found = set(statuses)
    return next((s for s in RULE_STATUSES if s in found), "not_covered")


def _regulations(rules: Sequence[RuleRow]) -> list[dict[str, Any]]:
    """One entry per regulation: its status, its rules by status, open findings, and its clauses."""
    by_reg: dict[str, dict[str, list[RuleRow]]] = {key: {} for key, _ in REGULATIONS}
    for row in rules:
        for ref in row.references:
            by_reg.setdefault(_regulation_of(ref), {}).setdefault(ref, []).append(row)
    out = []
    for key, clauses in by_reg.items():
        members = {r.rule: r for rows in clauses.values() for r in rows}
        statuses = Counter(r.status for r in members.values())
        severity: Counter[str] = Counter()
        for r in members.values():
            severity.update(r.by_severity)
        out.append(
            {
                "key": key,
                "status": _worst(statuses),
                "rules": len(members),
                "statuses": statuses,
                "open": sum(r.open for r in members.values()),
                "waived": sum(r.waived for r in members.values()),
                "severity": severity,
                "clauses": [
                    {
                        "clause": clause,
                        "status": _worst(r.status for r in rows),
                        "rules": sorted(rows, key=lambda r: r.rule),
                        "open": sum(r.open for r in rows),
                        "waived": sum(r.waived for r in rows),
                    }
                    for clause, rows in sorted(clauses.items(), key=lambda kv: _clause_key(kv[0]))
                ],
            }
        )
    return [r for r in out if r["key"] != _OTHER or r["rules"]]


def _clause_key(clause: str) -> list[Any]:
    # "Art. 9" before "Art. 51": numbers compare as numbers.
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", clause)]


def _groups(violations: Sequence[ViolationRow], rules: Mapping[str, RuleRow]) -> list[dict[str, Any]]:
    """Violations grouped by rule, worst first: remediation and references are said once per rule."""
    by_rule: dict[str, list[ViolationRow]] = {}
    for v in violations:
        by_rule.setdefault(v.rule, []).append(v)
    groups: list[dict[str, Any]] = []
    for rid, rows in by_rule.items():
        rows.sort(key=lambda v: (v.status == "waived", -_rank(v.severity), v.status != "new", v.resource))
        open_rows = [v for v in rows if v.status != "waived"]
        worst = max((_rank(v.severity) for v in open_rows or rows), default=0)
        rule = rules[rid]
        remediation = rule.remediation or (rows[0].remediation if rows else "")
        groups.append(
            {
                "rule": rule,
                "rows": rows,
                "open": len(open_rows),
                "worst": worst,
                "worst_severity": SEVERITIES[len(SEVERITIES) - worst] if worst else "low",
                "remediation": remediation,
            }
        )
    groups.sort(key=lambda g: (-bool(g["open"]), -g["worst"], -g["open"], g["rule"].rule))
    return groups


def _top(counter: Counter[str], t: Strings) -> list[tuple[str, int]]:
    items = counter.most_common()
    if len(items) <= _TOP:
        return items
    rest = sum(n for _, n in items[_TOP - 1 :])
    return [*items[: _TOP - 1], (t.others.format(n=len(items) - _TOP + 1), rest)]


class _Places:
    """Dataset and owner of a resource, from the report's columns and the catalog's owners."""

    def __init__(self, columns: Sequence[Mapping[str, Any]], owners: Mapping[str, str], nobody: str) -> None:
        self.owners = owners
        self.nobody = nobody
        self.tables: dict[str, tuple[str, str]] = {}  # resource of a column or table -> (dataset, table)
        for c in columns:
            resource, table, column = str(c.get("resource") or ""), c.get("table"), c.get("column")
            if not (table and column) or not resource.endswith(f"{table}.{column}"):
                continue
            prefix = resource[: -len(f"{table}.{column}")].rstrip(".")
            parts = prefix.split(".") if prefix else []
            place = (str(c.get("dataset") or (parts[0] if len(parts) >= 2 else "")), str(table))
            self.tables[resource] = place
            self.tables[f"{prefix}.{table}" if prefix else str(table)] = place

    def of(self, resource: str, violation: Mapping[str, Any]) -> tuple[str, str]:
        dataset, table = self.tables.get(resource, ("", ""))
        if not table:
            parts = resource.split(".")
            if len(parts) >= 4:
                dataset, table = parts[0], parts[2]
        dataset = str(violation.get("dataset") or dataset)
        owner = violation.get("owner")
        if not owner and table:
            owner = self.owners.get(f"{dataset}.{table}".lower()) or self.owners.get(table.lower())
        return dataset or "—", str(owner or self.nobody)


def _inventory(columns: Sequence[Mapping[str, Any]], places: _Places) -> dict[str, Any]:
    personal = [c for c in columns if c.get("category")]
    cells: Counter[tuple[str, str, str]] = Counter()
    for c in personal:
        dataset, _ = places.of(str(c.get("resource") or ""), c)
        cells[(str(c.get("level") or "?"), str(c["category"]), dataset)] += 1
    datasets = sorted({d for _, _, d in cells})
    rows = sorted({(lvl, cat) for lvl, cat, _ in cells}, key=lambda r: (_level_rank(r[0]), r[1]))
    peak = max(cells.values(), default=1)
    heat = [
        {
            "level": lvl,
            "category": cat,
            "cells": [(cells[(lvl, cat, d)], _heat(cells[(lvl, cat, d)], peak)) for d in datasets],
            "total": sum(cells[(lvl, cat, d)] for d in datasets),
        }
        for lvl, cat in rows
    ]
    drift = sorted(
        (c for c in personal if not c.get("in_catalog")),
        key=lambda c: (_level_rank(str(c.get("level"))), str(c.get("resource"))),
    )
    return {
        "columns": len(columns),
        "personal": len(personal),
        "in_catalog": sum(1 for c in personal if c.get("in_catalog")),
        "by_level": Counter(str(c.get("level") or "?") for c in personal),
        "datasets": datasets,
        "heat": heat,
        "drift": [
            {
                "resource": str(c.get("resource") or ""),
                "category": str(c.get("category") or ""),
                "level": str(c.get("level") or ""),
                "confidence": float(c.get("confidence") or 0.0),
                "evidence": "; ".join(str(e.get("detail") or "") for e in c.get("evidence") or []),
            }
            for c in drift
        ],
    }


def _level_rank(level: str) -> int:
    return LEVELS.index(level) if level in LEVELS else len(LEVELS)


def _heat(count: int, peak: int) -> int:
    """Shade 0 (none) to 5 (the busiest cell)."""
    if count <= 0:
        return 0
    return max(1, min(5, round(5 * count / max(peak, 1))))


def _waivers(
    report: Mapping[str, Any], as_of: dt.date | None, t: Strings
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Every catalog waiver with its days to expiry at the time of the run, and the debt they add up to."""
    rows = []
    for w in report.get("waivers") or []:
        expires = _date(w.get("expires"))
        days = (expires - as_of).days if expires and as_of else None
        status = str(w.get("status") or ("expired" if days is not None and days < 0 else "active"))
        rows.append(
            {
                "rule": str(w.get("rule") or ""),
                "resource": str(w.get("resource") or ""),
                "owner": str(w.get("owner") or "—"),
                "reason": str(w.get("reason") or ""),
                "expires": str(w.get("expires") or ""),
                "days": days,
                "status": status,
                "soon": status != "expired" and days is not None and days <= WAIVER_SOON_DAYS,
                "where": _where(w["location"]) if w.get("location") else "",
            }
        )
    rows.sort(key=lambda w: (w["status"] != "expired", w["days"] if w["days"] is not None else 10**9))
    undated = [
        v
        for v in report.get("violations") or []
        if v.get("waived") and (v.get("waiver") or {}).get("source") in ("inline", "baseline")
    ]
    debt = {
        "total": len(rows),
        "expired": sum(1 for w in rows if w["status"] == "expired"),
        "soon": sum(1 for w in rows if w["soon"]),
        "unused": sum(1 for w in rows if w["status"] == "unused"),
        "inline": sum(1 for v in undated if v["waiver"].get("source") == "inline"),
        "baseline": sum(1 for v in undated if v["waiver"].get("source") == "baseline"),
    }
    return rows, debt


def _trend(points: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for p in points:
        open_ = {s: int((p.get("open") or {}).get(s, 0) or 0) for s in SEVERITIES}
        out.append(
            {
                "id": str(p.get("id") or ""),
                "date": str(p.get("started_at") or "")[:16].replace("T", " "),
                "open": open_,
                "total": sum(open_.values()),
                "waived": int(p.get("waived") or 0),
                "new": p.get("new"),
                "fixed": p.get("fixed"),
            }
        )
    return out


def _counts(
    report: Mapping[str, Any], violations: Sequence[ViolationRow], rules: Sequence[RuleRow]
) -> dict[str, Any]:
    open_rows = [v for v in violations if v.status != "waived"]
    history = report.get("history") if isinstance(report.get("history"), Mapping) else None
    return {
        "open": len(open_rows),
        "waived": len(violations) - len(open_rows),
        "severity": Counter(v.severity for v in open_rows),
        "new": (history or {}).get("new") if history else None,
        "fixed": len(report.get("fixed") or []) if history else None,
        "rules": Counter(r.status for r in rules),
        "fixed_rows": list(report.get("fixed") or []),
    }


def _notes(
    rules: Sequence[RuleRow],
    available: frozenset[str],
    run: Mapping[str, Any],
    ctx: ReportContext,
    t: Strings,
) -> list[str]:
    """What the reader must know to trust the statuses: what this run could not see."""
    notes = []
    for need in ("database", "data"):
        skipped = [r.rule for r in rules if r.status == "not_evaluated" and need in r.missing]
        if skipped:
            notes.append(t[f"note_no_{need}"].format(n=len(skipped), rules=", ".join(skipped)))
    digest = run.get("policy_digest")
    if ctx.rules and ctx.policy_digest and digest and ctx.policy_digest != digest:
        notes.append(t.note_digest.format(run=_short_digest(digest), now=_short_digest(ctx.policy_digest)))
    return notes


def _short_digest(digest: str) -> str:
    return digest.split(":", 1)[-1][:12]


def _date(value: Any) -> dt.date | None:
    if not value:
        return None
    text = str(value)
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def _redacted(target: str) -> str:
    """The target as shown: a URL is redacted again, in case a report was written by hand or an old tool."""
    if "://" not in target or " " in target:
        return target
    from plaudit.scanners.database import redact_url

    return redact_url(target)


def _file_where(loc: Any) -> str:
    # A database object's location repeats the resource (`url#schema.table`); only files get a place.
    if not isinstance(loc, Mapping):
        return ""
    path = str(loc.get("path") or "")
    if not path or "#" in path or "://" in path:
        return ""
    return _where(loc)


def _where(loc: Mapping[str, Any]) -> str:
    path = str(loc.get("path") or "")
    if "://" in path:
        path = _redacted(path.split("#", 1)[0]) + ("#" + path.split("#", 1)[1] if "#" in path else "")
    return f"{path}:{loc['line']}" if loc.get("line") else path


def _waiver_text(waiver: Any, t: Strings) -> str:
    w = waiver if isinstance(waiver, Mapping) else {}
    reason = str(w.get("reason") or t.no_reason)
    source = w.get("source")
    if source == "inline":
        loc = w.get("location") or {}
        where = _where(loc) if loc.get("path") else ""
        return t.waived_inline.format(where=where, reason=reason)
    if source == "baseline":
        return t.waived_baseline
    return t.waived_by.format(owner=w.get("owner") or "?", expires=w.get("expires") or "?", reason=reason)


# -------------------------------------------------------------------------------------------- charts


def trend_geometry(trend: Sequence[Mapping[str, Any]], width: int = 720, height: int = 200) -> dict[str, Any]:
    """Stacked bars of open violations per severity and paired new / fixed bars, one slot per run."""
    n = max(len(trend), 1)
    left, bottom, top = 44, 24, 10
    slot = (width - left - 8) / n
    bar = max(2.0, slot * 0.7)
    peak = max((p["total"] for p in trend), default=0) or 1
    peak_change = max((max(p["new"] or 0, p["fixed"] or 0) for p in trend), default=0) or 1
    plot = height - bottom - top
    runs = []
    label_every = max(1, round(n / 8))
    for i, p in enumerate(trend):
        x = left + i * slot + (slot - bar) / 2
        y = float(height - bottom)
        stack = []
        for s in reversed(SEVERITIES):
            h = plot * p["open"][s] / peak
            if h > 0:
                y -= h
                stack.append({"severity": s, "y": round(y, 1), "h": round(h, 1), "n": p["open"][s]})
        half = bar / 2
        change = []
        for j, key in enumerate(("new", "fixed")):
            value = p[key] or 0
            h = plot * value / peak_change
            top_y = round(height - bottom - h, 1)
            change.append(
                {"key": key, "x": round(x + j * half, 1), "y": top_y, "h": round(h, 1), "w": round(half, 1),
                 "n": value}
            )  # fmt: skip
        runs.append(
            {
                "x": round(x, 1),
                "w": round(bar, 1),
                "cx": round(x + bar / 2, 1),
                "stack": stack,
                "change": change,
                "label": p["date"][5:10] if i % label_every == 0 else "",
                "point": p,
            }
        )
    return {
        "width": width,
        "height": height,
        "left": left,
        "base": height - bottom,
        "top": top,
        "peak": peak,
        "peak_change": peak_change,
        "runs": runs,
    }


# ------------------------------------------------------------------------------------------ rendering


def render(report: dict[str, Any], *, color: bool = False, context: ReportContext | None = None) -> str:
    """The report as one HTML document in `context.lang` (English by default)."""
    view = build_view(report, context)
    return _template().render(
        v=view,
        t=view.t,
        severities=SEVERITIES,
        trend_chart=trend_geometry(view.trend),
        cat=lambda key: category_title(key, view.lang),
        colors=_COLORS,
    )


def category_title(key: str, lang: str) -> str:
    """A category's name from the built-in taxonomy (a child takes its parent's), or the key itself."""
    from plaudit.catalog.taxonomy import builtin_taxonomy

    taxonomy = builtin_taxonomy()
    probe: str | None = key
    while probe:
        found = taxonomy.get(probe)
        if found is not None:
            title = found.title_zh if lang == "zh" and found.title_zh else found.title
            return title or key
        probe = probe.rpartition(".")[0]
    return key


@lru_cache(maxsize=1)
def _template() -> Any:
    import jinja2

    folder = resources.files("plaudit.reports").joinpath("templates")

    def load(name: str) -> str:
        return folder.joinpath(name).read_text(encoding="utf-8")

    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(load),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("report.html.j2")
