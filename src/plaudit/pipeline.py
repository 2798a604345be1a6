"""The one flow of plaudit: catalog -> scanners -> facts -> policies -> report.

Commands in `cli.py` call `scan_sql`, `scan_db` or `classify` here; each returns the canonical JSON
report (SPEC §6) as a dict that every output format renders.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plaudit import __version__
from plaudit.catalog.classify import Classifier
from plaudit.catalog.loader import Catalog, load_catalog
from plaudit.catalog.taxonomy import level_rank
from plaudit.errors import EXIT_OK, EXIT_VIOLATIONS
from plaudit.facts import ClassifiedColumn, apply_value_evidence, build_facts, classify_model
from plaudit.model import DataCheck, SchemaModel, Severity
from plaudit.policies.engine import (
    PolicySet,
    RulePattern,
    Selection,
    check_patterns,
    evaluate,
    load_policies,
)
from plaudit.scanners.suppressions import SYNTAX, InlineSuppressions

#: Samples a target's data once its columns are classified; returns counts-only results.
DataStep = Callable[[SchemaModel, Catalog, list[ClassifiedColumn]], Iterable[DataCheck]]


#: A rule pattern (id, glob or kind) and the level it sets, in the order the user wrote them.
LevelRules = tuple[tuple[RulePattern, str], ...]


@dataclass(frozen=True)
class Override:
    """One `policy.overrides` entry of the config: what it does to the violations it matches.

    A violation matches when every selector given matches: its location path one of `paths` (a glob
    without a leading `/` matches at any depth), its dataset one of `datasets`, its resource one of
    `resources` (globs). Matching violations of `skip_rules` are dropped; `severity` re-levels them.
    """

    paths: tuple[str, ...] = ()
    datasets: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    skip_rules: tuple[RulePattern, ...] = ()
    severity: LevelRules = ()
    #: Where the entry is written (`plaudit.yaml:12`), for the report's `selection.overridden`.
    origin: str = ""

    def applies(self, violation: Mapping[str, Any], dataset: str | None) -> bool:
        if self.paths:
            path = str((violation.get("location") or {}).get("path") or "")
            if not path or not any(_path_matches(path, p) for p in self.paths):
                return False
        if self.datasets and (dataset or "").lower() not in {d.lower() for d in self.datasets}:
            return False
        resource = str(violation.get("resource") or "").lower()
        return not self.resources or any(fnmatch.fnmatchcase(resource, r.lower()) for r in self.resources)

    def patterns(self) -> list[RulePattern]:
        return [*self.skip_rules, *(p for p, _ in self.severity)]


def _path_matches(path: str, pattern: str) -> bool:
    path = path.replace("\\", "/").removeprefix("./")
    pattern = pattern.replace("\\", "/").removeprefix("./")
    if fnmatch.fnmatchcase(path, pattern):
        return True
    # Like .gitignore: `migrations/legacy/*` also matches where the scan named the file from a parent
    # folder or with an absolute path.
    return not pattern.startswith("/") and fnmatch.fnmatchcase(path, "*/" + pattern)


def level_for(rules: LevelRules, violation: Mapping[str, Any]) -> str | None:
    """The level the first pattern naming the violation's rule sets; a pattern that is exactly the
    rule id wins over globs and kinds, whatever the order."""
    rule = str(violation.get("rule") or "")
    for pattern, level in rules:
        if pattern.text.strip().upper() == rule.upper():
            return level
    for pattern, level in rules:
        if pattern.matches(violation):
            return level
    return None


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
    #: `--rules` / `--skip-rules` and `policy.rules` / `policy.skip_rules`: which rules are evaluated.
    selection: Selection = field(default_factory=Selection)
    #: `policy.severity`: severity overrides by rule id, glob or kind.
    severity: LevelRules = ()
    #: `policy.fail_level`: the fail level of some rules, instead of `--fail-level`.
    rule_fail_levels: LevelRules = ()
    #: `policy.overrides`: per path, dataset or resource skips and severities.
    overrides: tuple[Override, ...] = ()
    #: `--opa-url` and its options (`plaudit.policies.opa.OpaOptions`); None: the in-process engine.
    opa: Any = None

    def policy_key(self) -> str:
        """What, beyond the policies and parameters, changes the violations a judgement returns (a
        cache of judged reports must key on it)."""
        parts = [
            [(p.text, lvl) for p, lvl in self.severity],
            [
                (o.paths, o.datasets, o.resources, [p.text for p in o.skip_rules],
                 [(p.text, lvl) for p, lvl in o.severity])
                for o in self.overrides
            ],
            [p.text for p in self.selection.rules],
            [p.text for p in self.selection.skip],
        ]  # fmt: skip
        return repr(parts)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _rfc3339(moment: dt.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def prepare(options: Options) -> tuple[Catalog, PolicySet, Classifier]:
    """Load what a scan needs before it touches any input, so bad configuration fails fast (exit 2)."""
    catalog = load_catalog(options.catalog) if options.catalog else Catalog()
    policies = load_policies(
        [Path(p) for p in options.policies],
        builtin=options.builtin_policies,
        selection=options.selection,
    )
    # Every rule pattern must name a rule, skipped or not: a typo must not silently do nothing.
    check_patterns(
        [
            *(p for p, _ in options.severity),
            *(p for p, _ in options.rule_fail_levels),
            *(p for o in options.overrides for p in o.patterns()),
        ],
        policies.all_rules,
    )
    classifier = Classifier(taxonomy_keys=catalog.taxonomy.keys(), threshold=options.threshold)
    return catalog, policies, classifier


def policy_params(options: Options, catalog: Catalog) -> dict[str, Any]:
    """`data.plaudit.params`: the catalog files' `policy:` parameters, under the config's (which win)."""
    return {**(getattr(catalog, "params", None) or {}), **options.params}


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
    params = policy_params(options, catalog)
    facts = build_facts(
        model, catalog, observed.columns, mode=observed.mode, target=observed.target, now=now,
        data_checks=observed.checks,
        # Masking functions the organisation wrote itself (`policy: {mask_functions: [...]}` in the config).
        mask_functions=tuple(params.get("mask_functions") or ()),
    )  # fmt: skip
    if options.opa is not None:
        from plaudit.policies.opa import evaluate_opa

        violations = evaluate_opa(policies, facts, params, options.opa)
    else:
        violations = evaluate(policies, facts, params=params)  # each carries its stable fingerprint
    if policies.skipped:
        # A server preloaded with the whole pack (`--opa-mode bundle`) evaluates skipped rules too.
        skipped = {m["rule"] for m in policies.skipped.values()}
        violations = [v for v in violations if v["rule"] not in skipped]
    overridden = tune(violations, options, facts)
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
        overridden=overridden,
    )


def tune(
    violations: list[dict[str, Any]], options: Options, facts: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Apply `policy.severity` and `policy.overrides` to `violations` in place; return the violations
    an override dropped (each with the `override` that dropped it), so that the report can say so and
    the history never takes them for fixed."""
    if not options.severity and not options.overrides:
        return []
    datasets = _datasets(facts)
    kept: list[dict[str, Any]] = []
    dropped: list[dict[str, Any]] = []
    for v in violations:
        level = level_for(options.severity, v)
        skipped_by: Override | None = None
        for override in options.overrides:
            if not override.applies(v, _dataset_of(str(v.get("resource") or ""), datasets)):
                continue
            if any(p.matches(v) for p in override.skip_rules):
                skipped_by = override
                break
            level = level_for(override.severity, v) or level
        if skipped_by is not None:
            dropped.append({**v, "override": skipped_by.origin})
            continue
        if level is not None:
            v["severity"] = level
        kept.append(v)
    rank = {s.value: s.rank for s in Severity}
    kept.sort(key=lambda v: (-rank[v["severity"]], v["rule"], v["resource"], v["message"]))
    violations[:] = kept
    return dropped


def _datasets(facts: Mapping[str, Any]) -> tuple[dict[str, str], set[str]]:
    by_resource: dict[str, str] = {}
    for item in [*(facts.get("tables") or []), *(facts.get("columns") or [])]:
        if item.get("dataset"):
            by_resource[str(item["resource"]).lower()] = str(item["dataset"])
    return by_resource, {d.lower() for d in by_resource.values()}


def _dataset_of(resource: str, datasets: tuple[dict[str, str], set[str]]) -> str | None:
    by_resource, names = datasets
    found = by_resource.get(resource.lower())
    if found:
        return found
    # A resource the scan did not see (a stale catalog entry) starts with its dataset, if it has one.
    head = resource.split(".", 1)[0]
    return head if head.lower() in names else None


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
    # Rules a selection skipped are still known: naming one is not a typo.
    every = policies.all_rules
    known = {str(r.get("rule")) for r in every} | {str(r.get("kind")) for r in every}
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
    overridden: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    counts = {s.value: 0 for s in Severity}
    waived = 0
    for v in violations:
        if v.get("waived"):
            waived += 1
        else:
            counts[v["severity"]] = counts.get(v["severity"], 0) + 1
    overridden = overridden or []
    # A waiver of a violation an override dropped still matched something: it is not unused.
    used = {
        (v["waiver"]["rule"], v["waiver"]["resource"]) for v in [*violations, *overridden] if v.get("waiver")
    }
    active_names = {str(r["rule"]) for r in policies.rules} | {str(r["kind"]) for r in policies.rules}
    skipped = sorted({str(m["rule"]) for m in policies.skipped.values()})

    def status(w: dict[str, Any]) -> str:
        if w["expired"]:
            return "expired"
        if (w["rule"], w["resource"]) in used:
            return "active"
        # Its rule did not run: whether it still matches anything is unknown, not "unused".
        return "unused" if w["rule"] in active_names or not skipped else "not_evaluated"

    report = {
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
                "status": status(w),
            }
            for w in waivers
        ],
        # Extension of SPEC §6: what sampling found, as counts, rates and masked exemplars only.
        "data_checks": data_checks,
    }
    if skipped or overridden:
        # Extension of SPEC §6: what this run did not judge, so that neither a reader nor the run
        # history takes a skipped rule's findings for fixed.
        report["selection"] = {
            "skipped_rules": skipped,
            "overridden": [
                {k: v.get(k) for k in ("rule", "resource", "fingerprint", "severity", "override")}
                for v in overridden
            ],
        }
    return report


def failing(report: Mapping[str, Any], fail_level: str, rule_levels: LevelRules = ()) -> list[dict[str, Any]]:
    """The unwaived violations at or above their fail level: the rule's own (`policy.fail_level`)
    when it has one, else `fail_level`."""
    out = []
    for v in report["violations"]:
        if v.get("waived"):
            continue
        floor = Severity(level_for(rule_levels, v) or fail_level).rank
        if Severity(v["severity"]).rank >= floor:
            out.append(v)
    return out


def exit_code(report: Mapping[str, Any], fail_level: str, rule_levels: LevelRules = ()) -> int:
    """0 when no unwaived violation reaches its fail level, else 1 (SPEC §2)."""
    return EXIT_VIOLATIONS if failing(report, fail_level, rule_levels) else EXIT_OK


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
