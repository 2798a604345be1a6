"""The one flow of plaudit: catalog -> scanners -> facts -> policies -> report.

Commands in `cli.py` call `scan_sql`, `scan_db` or `classify` here; each returns the canonical JSON
report (SPEC §6) as a dict that every output format renders.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plaudit import __version__
from plaudit.catalog.classify import Classifier
from plaudit.catalog.loader import Catalog, load_catalog
from plaudit.catalog.taxonomy import level_rank
from plaudit.facts import ClassifiedColumn, apply_value_evidence, build_facts, classify_model
from plaudit.model import DataCheck, SchemaModel, Severity
from plaudit.policies.engine import PolicySet, evaluate, load_policies
from plaudit.scanners.suppressions import SYNTAX, InlineSuppressions

#: Samples a target's data once its columns are classified; returns counts-only results.
DataStep = Callable[[SchemaModel, Catalog, list[ClassifiedColumn]], Iterable[DataCheck]]

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_ERROR = 2


@dataclass
class Options:
    """What every scanning command shares (SPEC §2 common options)."""

    catalog: Sequence[str | Path] = ()
    policies: Sequence[str | Path] = ()
    builtin_policies: bool = True
    params: dict[str, Any] = field(default_factory=dict)
    threshold: float = 0.5
    now: dt.datetime | None = None
    #: Inline `-- plaudit: ignore` comments of the scanned files (None: not collected, e.g. `scan db`).
    suppressions: InlineSuppressions | None = None
    #: `suppressions.inline: false` in the config: every inline suppression is ignored and reported.
    inline_suppressions: bool = True
    #: Data levels no inline suppression may waive (`suppressions.forbid_for_levels`).
    forbid_suppression_levels: Sequence[str] = ("C3",)
    #: Accepted fingerprints of a baseline file (`--baseline`) and that file's name.
    baseline: frozenset[str] | None = None
    baseline_path: str | None = None


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _rfc3339(moment: dt.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def prepare(options: Options) -> tuple[Catalog, PolicySet, Classifier]:
    """Load what a scan needs before it touches any input, so bad configuration fails fast (exit 2)."""
    catalog = load_catalog(options.catalog) if options.catalog else Catalog()
    policies = load_policies([Path(p) for p in options.policies], builtin=options.builtin_policies)
    classifier = Classifier(taxonomy_keys=catalog.taxonomy.keys(), threshold=options.threshold)
    return catalog, policies, classifier


@dataclass
class Observed:
    """Everything learned about one target before judging it: the work that may run in a worker thread.

    Judging (`judge`) stays on the calling thread: the in-process Rego engine may only be used, and
    dropped, by the thread that built it.
    """

    model: SchemaModel
    mode: str
    target: str
    started: dt.datetime
    columns: list[ClassifiedColumn]
    checks: list[DataCheck]


def observe(
    model: SchemaModel,
    *,
    mode: str,
    target: str,
    options: Options,
    prepared: tuple[Catalog, PolicySet, Classifier],
    started: dt.datetime | None = None,
    data_step: DataStep | None = None,
) -> Observed:
    """Classify a scanned target and, when `data_step` is given, sample its data (the nightly job of
    SPEC §1); data checks return counts only and record per-object failures in `model.errors`."""
    catalog, _, classifier = prepared
    columns = classify_model(model, catalog, classifier, target)
    checks = list(data_step(model, catalog, columns)) if data_step else []
    apply_value_evidence(columns, checks, catalog.taxonomy, options.threshold)
    return Observed(model, mode, target, started or utcnow(), columns, checks)


def judge(
    observed: Observed, *, options: Options, prepared: tuple[Catalog, PolicySet, Classifier]
) -> dict[str, Any]:
    """Build the facts, evaluate the policies and assemble the report."""
    catalog, policies, _ = prepared
    model = observed.model
    now = options.now or observed.started
    facts = build_facts(
        model, catalog, observed.columns, mode=observed.mode, target=observed.target, now=now,
        data_checks=observed.checks,
        # Masking functions the organisation wrote itself (`policy: {mask_functions: [...]}` in the config).
        mask_functions=tuple(options.params.get("mask_functions") or ()),
    )  # fmt: skip
    violations = evaluate(policies, facts, params=options.params)  # each carries its stable fingerprint
    errors = [e.to_json() for e in model.errors]
    # Central waivers (applied by the policies) come first; inline suppressions and the baseline
    # only waive what is still open, so a violation names the most governed reason it is accepted.
    if options.suppressions is not None:
        errors += apply_inline(violations, options, policies, _levels(observed.columns))
    if options.baseline is not None:
        apply_baseline(violations, options.baseline, options.baseline_path or "baseline")
    return _report(
        mode=observed.mode,
        target=observed.target,
        started=observed.started,
        catalog=catalog,
        policies=policies,
        columns=observed.columns,
        violations=violations,
        errors=errors,
        waivers=facts["waivers"],
        data_checks=facts["data_checks"],
    )


def audit(
    model: SchemaModel,
    *,
    mode: str,
    target: str,
    options: Options,
    prepared: tuple[Catalog, PolicySet, Classifier] | None = None,
    started: dt.datetime | None = None,
    data_step: DataStep | None = None,
) -> dict[str, Any]:
    """Classify, sample (optionally), judge and report one scanned target."""
    prepared = prepared or prepare(options)
    observed = observe(
        model,
        mode=mode,
        target=target,
        options=options,
        prepared=prepared,
        started=started,
        data_step=data_step,
    )
    return judge(observed, options=options, prepared=prepared)


def _levels(columns: list[ClassifiedColumn]) -> dict[str, str]:
    """Data level by resource: a column's own, and for a table the highest of its columns (so a
    table-wide violation on a table holding C3 data counts as C3)."""
    levels: dict[str, str] = {}
    for c in columns:
        if not c.level:
            continue
        levels[c.resource] = c.level
        table = c.resource.rsplit(".", 1)[0]
        if table not in levels or level_rank(c.level) > level_rank(levels[table]):
            levels[table] = c.level
    return levels


def _problem(path: str, line: int, message: str) -> dict[str, Any]:
    return {"path": path, "line": line, "message": message}


def apply_inline(
    violations: list[dict[str, Any]],
    options: Options,
    policies: PolicySet,
    levels: dict[str, str],
) -> list[dict[str, Any]]:
    """Waive the violations inline suppressions cover; return every problem as a report error.

    A suppression covers a violation when the violation is located in the suppression's statement
    and its rule id or kind is named. It is refused, and reported, when inline suppressions are off
    in the config, when it names an unknown rule or kind (a typo must not pass silently), or when the
    violation's resource holds data of a forbidden level: that needs a reviewed central waiver.
    """
    found = options.suppressions
    assert found is not None
    problems = [e.to_json() for e in found.problems]
    if not options.inline_suppressions:
        for s in found.suppressions:
            message = (
                "inline suppressions are disabled (suppressions.inline: false in the config); "
                "this one is ignored: use a central waiver"
            )
            problems.append(_problem(s.path, s.line, message))
        return problems
    known = {str(r.get("rule")) for r in policies.rules} | {str(r.get("kind")) for r in policies.rules}
    forbidden = set(options.forbid_suppression_levels)
    for s in found.suppressions:
        unknown = [r for r in s.rules if r not in known]
        if unknown:
            message = (
                f"invalid plaudit suppression: unknown rule id or kind {', '.join(unknown)}; it "
                f"suppresses nothing (see `plaudit policy list`; syntax: {SYNTAX})"
            )
            problems.append(_problem(s.path, s.line, message))
            continue
        for v in violations:
            loc = v.get("location") or {}
            if v.get("waived") or not s.covers(loc.get("path"), loc.get("line")):
                continue
            if v.get("rule") not in s.rules and v.get("kind") not in s.rules:
                continue
            level = levels.get(str(v.get("resource")))
            if level in forbidden:
                message = (
                    f"inline suppression refused: {v['rule']} on {v['resource']} concerns {level} data "
                    "(suppressions.forbid_for_levels); add a reviewed waiver to the catalog instead"
                )
                problems.append(_problem(s.path, s.line, message))
                continue
            v["waived"] = True
            v["waiver"] = {
                "rule": v["rule"], "resource": v["resource"], "owner": None, "reason": s.reason,
                "expires": None, "source": "inline", "location": s.location(),
            }  # fmt: skip
    # In file and line order, whichever check found the problem.
    return sorted(problems, key=lambda p: (p["path"], p["line"] or 0))


def apply_baseline(violations: list[dict[str, Any]], accepted: frozenset[str], path: str) -> None:
    """Waive the open violations whose fingerprint the baseline accepted."""
    for v in violations:
        if not v.get("waived") and v.get("fingerprint") in accepted:
            v["waived"] = True
            v["waiver"] = {
                "rule": v["rule"], "resource": v["resource"], "owner": None, "reason": "baseline",
                "expires": None, "source": "baseline", "location": {"path": path, "line": None},
            }  # fmt: skip


def classify_only(
    model: SchemaModel, *, target: str, options: Options, catalog: Catalog | None = None
) -> list[ClassifiedColumn]:
    catalog = (
        catalog if catalog is not None else (load_catalog(options.catalog) if options.catalog else Catalog())
    )
    classifier = Classifier(taxonomy_keys=catalog.taxonomy.keys(), threshold=options.threshold)
    return classify_model(model, catalog, classifier, target)


_VIOLATION_KEYS = (
    "rule", "kind", "severity", "resource", "location", "message", "remediation",
    "references", "fingerprint", "waived", "waiver",
)  # fmt: skip


def _report(
    *,
    mode: str,
    target: str,
    started: dt.datetime,
    catalog: Catalog,
    policies: PolicySet,
    columns: list[ClassifiedColumn],
    violations: list[dict[str, Any]],
    errors: list[dict[str, Any]],
    waivers: list[dict[str, Any]],
    data_checks: list[dict[str, Any]],
) -> dict[str, Any]:
    counts = {s.value: 0 for s in Severity}
    waived = 0
    for v in violations:
        if v.get("waived"):
            waived += 1
        else:
            counts[v["severity"]] = counts.get(v["severity"], 0) + 1
    used = {(v["waiver"]["rule"], v["waiver"]["resource"]) for v in violations if v.get("waiver")}
    return {
        "plaudit_version": __version__,
        "run": {
            "id": str(uuid.uuid4()),
            "mode": mode,
            "target": target,
            "started_at": _rfc3339(started),
            "finished_at": _rfc3339(utcnow()),
            "policy_digest": policies.digest,
            "catalog_digest": catalog.digest,
        },
        "columns": [c.to_report() for c in columns],
        "violations": [{k: v.get(k) for k in _VIOLATION_KEYS} for v in violations],
        "errors": errors,
        "summary": {
            "columns": len(columns),
            "classified": sum(1 for c in columns if c.category),
            "violations": counts,
            "waived": waived,
        },
        # Extension of SPEC §6: every waiver with its state, so expired ones are never silent.
        "waivers": [
            {
                **{k: w[k] for k in ("rule", "resource", "owner", "reason", "expires", "location")},
                "status": "expired"
                if w["expired"]
                else ("active" if (w["rule"], w["resource"]) in used else "unused"),
            }
            for w in waivers
        ],
        # Extension of SPEC §6: what sampling found, as counts, rates and masked exemplars only.
        "data_checks": data_checks,
    }


def exit_code(report: dict[str, Any], fail_level: str) -> int:
    """0 when no unwaived violation reaches `fail_level`, else 1 (SPEC §2)."""
    floor = Severity(fail_level).rank
    for v in report["violations"]:
        if not v.get("waived") and Severity(v["severity"]).rank >= floor:
            return EXIT_VIOLATIONS
    return EXIT_OK


@dataclass
class DbTarget:
    """One database of a `scan db` run (from the command line or the config's `targets:`)."""

    url: str
    name: str = ""
    include: Sequence[str] = ()
    exclude: Sequence[str] = ()


def observe_database(
    target: DbTarget,
    *,
    options: Options,
    prepared: tuple[Catalog, PolicySet, Classifier],
    data: bool = True,
    sample: int = 1000,
    statement_timeout: float = 30.0,
    progress: Callable[[str], None] | None = None,
    mode: str = "scan-db",
) -> Observed:
    """The nightly job for one database up to judging: inventory, classify, sample (unless `data` is
    off). Safe in a worker thread; pass the result to `judge` on the main thread."""
    from plaudit.scanners.database import create_readonly_engine, redact_url, scan_database

    started = utcnow()
    shown = redact_url(target.url)
    if progress:
        progress(f"{shown}: reading the schema")
    model = scan_database(
        target.url, include=target.include, exclude=target.exclude, statement_timeout=statement_timeout
    )
    data_step: DataStep | None = None
    if data:
        # Imported here: the data checks pull in Great Expectations (the `data` extra), which
        # metadata-only scans and pre-merge checks must never need.
        from plaudit.facts import plan_data_checks
        from plaudit.scanners.data import run_data_checks

        def data_step(
            model: SchemaModel, catalog: Catalog, columns: list[ClassifiedColumn]
        ) -> list[DataCheck]:
            column_targets, table_targets = plan_data_checks(model, catalog, columns, shown)
            engine, _ = create_readonly_engine(target.url, statement_timeout=statement_timeout)
            try:
                return run_data_checks(
                    engine,
                    column_targets,
                    table_targets,
                    sample=sample,
                    now=options.now or started,
                    progress=(lambda text: progress(f"{shown}: {text}")) if progress else None,
                    errors=model.errors,
                    statement_timeout=statement_timeout,
                )
            finally:
                engine.dispose()

    return observe(
        model,
        mode=mode,
        target=shown,
        options=options,
        prepared=prepared,
        started=started,
        data_step=data_step,
    )
