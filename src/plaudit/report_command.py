"""`plaudit report`: render a run for a compliance officer (SPEC §1, job 3), from its JSON report or from
the run history.

    plaudit report RUN.json --format html --lang zh --out report.html   # trends from the default store
    plaudit report RUN.json --store postgresql://plaudit@audit-db/plaudit --format pdf --out report.pdf
    plaudit report --store sqlite:///history.db --target 'postgresql://auditor@db/lending'

With RUN.json the report is that run's; the run history only adds trends. With `--store` alone it is the
latest stored run (of `--target`, when given): the store keeps rule, resource, severity and waived flag of
each finding but no evidence text, columns or waiver details, and the report says so.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click
import sqlalchemy as sa
from sqlalchemy import exc

from plaudit.config import load_config
from plaudit.errors import ConfigError, PlauditError
from plaudit.history import DEFAULT_STORE, RunStore
from plaudit.reports import LANGUAGES, ReportContext, binary_formats, formats, render, render_bytes
from plaudit.reports.i18n import strings

F = TypeVar("F", bound=Callable[..., Any])

#: Stored runs shown in the trends, at most.
DEFAULT_RUNS = 30
_EXIT_ERROR = 2

# The store's tables as docs/history.md documents them; read with plain SQL so reports need no private API.
_runs = sa.table(
    "plaudit_runs",
    sa.column("seq"),
    sa.column("id"),
    sa.column("target"),
    sa.column("mode"),
    sa.column("started_at"),
    sa.column("finished_at"),
    sa.column("policy_digest"),
    sa.column("catalog_digest"),
    sa.column("plaudit_version"),
    sa.column("summary", sa.JSON),
)
_findings = sa.table(
    "plaudit_findings",
    sa.column("run_id"),
    sa.column("fingerprint"),
    sa.column("rule"),
    sa.column("kind"),
    sa.column("severity"),
    sa.column("resource"),
    sa.column("waived"),
    sa.column("first_seen_run"),
    sa.column("first_seen_at"),
)


def _guarded(func: F) -> F:
    """One actionable line and exit code 2 for every failure, as every plaudit command does."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PlauditError as err:
            click.echo(f"plaudit: error: {err}", err=True)
            if err.hint:
                click.echo(f"  hint: {err.hint}", err=True)
            sys.exit(_EXIT_ERROR)
        except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:  # an internal error must still not show a traceback
            if os.environ.get("PLAUDIT_DEBUG"):
                raise
            first = (str(exc).strip().splitlines() or [""])[0]
            click.echo(f"plaudit: internal error: {type(exc).__name__}: {first}", err=True)
            click.echo("  hint: rerun with PLAUDIT_DEBUG=1 for details, and report it", err=True)
            sys.exit(_EXIT_ERROR)

    return wrapper  # type: ignore[return-value]


@click.command("report")
@click.argument("run_json", required=False, metavar="[RUN.json]", type=click.Path(dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted([*formats(), *binary_formats()])),
    default="html",
    show_default=True,
    help="Output format; pdf needs the pdf extra and --out.",
)
@click.option(
    "--lang", type=click.Choice(LANGUAGES), default="en", show_default=True, help="Report language."
)
@click.option("--out", "out", type=click.Path(dir_okay=False), help="Write the report to this file.")
@click.option(
    "--store",
    default=None,
    help="Run-history store URL, for trends (default: the config's store, or .plaudit/history.db if it "
    "exists); without RUN.json, the latest stored run is reported.",
)
@click.option("--target", default=None, help="Without RUN.json: report the latest stored run of this target.")
@click.option(
    "--runs",
    "max_runs",
    type=click.IntRange(min=2, max=1000),
    default=DEFAULT_RUNS,
    show_default=True,
    help="Stored runs shown in the trends.",
)
@click.option(
    "--catalog", "catalog", multiple=True, type=click.Path(), help="Catalog YAML (owners of datasets)."
)
@click.option("--policies", "policies", multiple=True, type=click.Path(), help="Extra policy folder.")
@click.option("--no-builtin-policies", is_flag=True, help="Do not list the built-in rules.")
@click.option("--config", "config_path", type=click.Path(), help="Config file.")
@_guarded
def report(
    run_json: str | None,
    fmt: str,
    lang: str,
    out: str | None,
    store: str | None,
    target: str | None,
    max_runs: int,
    catalog: tuple[str, ...],
    policies: tuple[str, ...],
    no_builtin_policies: bool,
    config_path: str | None,
) -> None:
    """Render a run for a compliance officer: HTML (charts, clause coverage, evidence, waivers, trends),
    Markdown, CSV, PDF and the other formats, in Chinese or English."""
    from plaudit.policies.engine import load_policies
    from plaudit.reports.html import catalog_owners

    config = load_config(config_path)
    if fmt in binary_formats() and not out:
        raise ConfigError(f"--format {fmt} writes a binary file", hint=f"add --out report.{fmt}")
    if run_json is None and store is None:
        raise ConfigError(
            "nothing to report",
            hint="give a JSON report (plaudit report RUN.json) or a run history (--store URL)",
        )
    policy_set = load_policies(
        [Path(p) for p in [*policies, *config.policies]],
        builtin=config.builtin_policies and not no_builtin_policies,
    )
    owners: dict[str, str] = {}
    catalog_paths = list(catalog) or config.catalog
    if catalog_paths:
        from plaudit.catalog.loader import load_catalog

        owners = catalog_owners(load_catalog(catalog_paths))

    history = _open_store(store, config.store, required=run_json is None)
    try:
        if run_json is not None:
            data = read_report(Path(run_json))
        else:
            assert history is not None
            data = report_from_store(history, target, policy_set.rules)
        trend: list[dict[str, Any]] = []
        if history is not None:
            trend = trend_points(history, data, limit=max_runs)
    finally:
        if history is not None:
            history.close()
    note = None
    if history is None:
        note = strings(lang).no_trend
    context = ReportContext(
        lang=lang,
        rules=tuple(policy_set.rules),
        trend=tuple(trend),
        owners=owners,
        trend_note=note,
        policy_digest=policy_set.digest,
    )
    if out:
        path = Path(out)
        payload = render_bytes(data, fmt, context=context)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(payload)
        except OSError as err:
            raise ConfigError(f"cannot write the report: {err.strerror}", path=str(path)) from None
        click.echo(f"report written to {path} ({fmt}, {lang}, {len(payload):,} bytes)", err=True)
    else:
        click.echo(render(data, fmt, context=context), nl=False)


def read_report(path: Path) -> dict[str, Any]:
    """A JSON report written by plaudit (SPEC §6), or a ConfigError saying what is wrong with the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            "no such report file", path=str(path), hint="give the JSON a scan wrote with --out"
        ) from None
    except (OSError, UnicodeDecodeError) as err:
        why = getattr(err, "strerror", None) or type(err).__name__
        raise ConfigError(f"cannot read the report: {why}", path=str(path)) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise ConfigError(
            f"not JSON: {err.msg}",
            path=str(path),
            line=err.lineno,
            hint="give the JSON report of a scan (--format json --out RUN.json)",
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("violations"), list) or "run" not in data:
        raise ConfigError(
            "not a plaudit JSON report (no `run` and `violations`)",
            path=str(path),
            hint="give the JSON report of a scan (--format json --out RUN.json)",
        )
    return redacted(data)


def redacted(data: dict[str, Any]) -> dict[str, Any]:
    """The report with every database URL's password hidden again, for every format.

    plaudit's own reports are already redacted; a report written by hand, by an older tool or edited
    after the fact may not be, and a report is what gets handed around.
    """
    run = data.get("run")
    if isinstance(run, dict) and isinstance(run.get("target"), str):
        run["target"] = _redact_text(run["target"])
    for key in ("violations", "errors", "waivers", "fixed"):
        for item in data.get(key) or []:
            location = item.get("location") if isinstance(item, dict) else None
            if isinstance(location, dict) and isinstance(location.get("path"), str):
                location["path"] = _redact_text(location["path"])
    return data


def _redact_text(text: str) -> str:
    if "://" not in text:
        return text
    from plaudit.scanners.database import redact_url

    url, sep, rest = text.partition("#")  # database locations are `URL#schema.table`
    if " " in url:  # several paths, not one URL
        return text
    return redact_url(url) + sep + rest


def _open_store(url: str | None, configured: str | None, *, required: bool) -> RunStore | None:
    """The store named by --store or the config; the default file only when it exists (a report must not
    create an empty history as a side effect)."""
    if url or configured:
        return RunStore.open(url or configured)
    if DEFAULT_STORE.exists():
        return RunStore.open(None)
    if required:
        raise ConfigError("no run history found", path=str(DEFAULT_STORE), hint="give --store URL")
    return None


def _store_error(store: RunStore, err: Exception) -> ConfigError:
    # The driver's message is left out: it can quote the connection string.
    return ConfigError(
        f"run history store {store.display}: cannot read the runs ({type(err).__name__})",
        hint="check that --store points at a store plaudit wrote (plaudit scan db --store URL)",
    )


def trend_points(
    store: RunStore, report: Mapping[str, Any], *, limit: int = DEFAULT_RUNS
) -> list[dict[str, Any]]:
    """The stored runs of the report's target and mode up to the report's run, oldest first, with open
    violations per severity and what was new and fixed in each (`ReportContext.trend`).

    A report whose run is not in the store is added as the last point, compared with the last stored run.
    """
    run = report.get("run") or {}
    try:
        with store.engine.connect() as conn:
            rows = conn.execute(
                sa.select(_runs.c.seq, _runs.c.id, _runs.c.started_at, _runs.c.summary)
                .where(_runs.c.target == run.get("target"), _runs.c.mode == run.get("mode"))
                .order_by(_runs.c.seq.desc())
            ).all()
            ids = [r.id for r in rows]
            own = run.get("id") not in ids
            if not own:
                rows = rows[ids.index(run["id"]) :]
            # One run more than is shown: the oldest shown run's new and fixed are counted against it.
            rows = list(reversed(rows[: limit if own else limit + 1]))
            fingerprints: dict[str, set[str]] = {r.id: set() for r in rows}
            if rows:
                found = conn.execute(
                    sa.select(_findings.c.run_id, _findings.c.fingerprint).where(
                        _findings.c.run_id.in_(list(fingerprints))
                    )
                )
                for run_id, fingerprint in found:
                    fingerprints[run_id].add(fingerprint)
    except exc.SQLAlchemyError as err:
        raise _store_error(store, err) from None

    points: list[dict[str, Any]] = []
    previous: set[str] | None = None
    for row in rows:
        current = fingerprints[row.id]
        summary = row.summary if isinstance(row.summary, Mapping) else json.loads(row.summary or "{}")
        points.append(_point(row.id, row.started_at, summary, current, previous))
        previous = current
    if own:
        current = {str(v.get("fingerprint")) for v in report.get("violations") or []}
        points.append(
            _point(run.get("id"), run.get("started_at"), report.get("summary") or {}, current, previous)
        )
    return points[-limit:]


def _point(
    run_id: Any, started: Any, summary: Mapping[str, Any], current: set[str], previous: set[str] | None
) -> dict[str, Any]:
    return {
        "id": str(run_id or ""),
        "started_at": _rfc3339(started) or "",
        "open": dict(summary.get("violations") or {}),
        "waived": int(summary.get("waived") or 0),
        "new": None if previous is None else len(current - previous),
        "fixed": None if previous is None else len(previous - current),
    }


def _rfc3339(value: Any) -> str | None:
    """A stored time as RFC 3339 UTC; SQLite hands back naive UTC text, servers aware datetimes."""
    if value is None or value == "":
        return None
    moment = value
    if not isinstance(moment, dt.datetime):
        try:
            moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            return str(value)
    moment = moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def report_from_store(
    store: RunStore, target: str | None, rules: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """The latest stored run (of `target`) as a JSON report, with what the store keeps: no evidence text."""
    meta = {str(r["rule"]): r for r in rules}
    try:
        with store.engine.connect() as conn:
            query = sa.select(_runs).order_by(_runs.c.seq.desc()).limit(1)
            if target:
                query = query.where(_runs.c.target == target)
            row = conn.execute(query).mappings().first()
            if row is None:
                raise ConfigError(
                    f"run history store {store.display} has no run"
                    + (f" of target {target!r}" if target else ""),
                    hint="record runs with plaudit scan db --store URL; --target takes the run's target "
                    "as the report shows it",
                )
            findings = (
                conn.execute(sa.select(_findings).where(_findings.c.run_id == row["id"])).mappings().all()
            )
    except exc.SQLAlchemyError as err:
        raise _store_error(store, err) from None
    summary = row["summary"] if isinstance(row["summary"], Mapping) else json.loads(row["summary"] or "{}")

    violations = []
    for f in sorted(findings, key=lambda f: (f["rule"], f["resource"])):
        m = meta.get(f["rule"], {})
        violations.append(
            {
                "rule": f["rule"],
                "kind": f["kind"] or m.get("kind"),
                "severity": f["severity"],
                "resource": f["resource"],
                "location": None,
                "message": "",
                "remediation": m.get("remediation") or "",
                "references": list(m.get("references") or []),
                "fingerprint": f["fingerprint"],
                "waived": bool(f["waived"]),
                "waiver": None,
                "status": "new" if f["first_seen_run"] == row["id"] else "open",
                "first_seen": _rfc3339(f["first_seen_at"]),
            }
        )
    return redacted(
        {
            "plaudit_version": row["plaudit_version"],
            "run": {
                "id": row["id"],
                "mode": row["mode"],
                "target": row["target"],
                "started_at": _rfc3339(row["started_at"]),
                "finished_at": _rfc3339(row["finished_at"]),
                "policy_digest": row["policy_digest"],
                "catalog_digest": row["catalog_digest"],
            },
            "columns": [],
            "violations": violations,
            "errors": [],
            "summary": summary,
            "waivers": [],
        }
    )
