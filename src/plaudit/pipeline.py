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
from plaudit.facts import ClassifiedColumn, apply_value_evidence, build_facts, classify_model
from plaudit.model import DataCheck, SchemaModel, Severity
from plaudit.policies.engine import PolicySet, evaluate, load_policies

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
    return _report(
        mode=observed.mode,
        target=observed.target,
        started=observed.started,
        catalog=catalog,
        policies=policies,
        columns=observed.columns,
        violations=violations,
        errors=[e.to_json() for e in model.errors],
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
