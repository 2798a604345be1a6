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

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from plaudit.config import load_config
from plaudit.errors import ConfigError
from plaudit.guard import guarded
from plaudit.history import DEFAULT_STORE, TREND_RUNS, RunStore, report_from_store, trend_points
from plaudit.reports import LANGUAGES, ReportContext, binary_formats, formats, render, render_bytes
from plaudit.reports.i18n import strings

F = TypeVar("F", bound=Callable[..., Any])

#: Stored runs shown in the trends, at most.


# The store's tables as docs/history.md documents them; read with plain SQL so reports need no private API.
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
    default=TREND_RUNS,
    show_default=True,
    help="Stored runs shown in the trends.",
)
@click.option(
    "--catalog", "catalog", multiple=True, type=click.Path(), help="Catalog YAML (owners of datasets)."
)
@click.option("--policies", "policies", multiple=True, type=click.Path(), help="Extra policy folder.")
@click.option("--no-builtin-policies", is_flag=True, help="Do not list the built-in rules.")
@click.option("--config", "config_path", type=click.Path(), help="Config file.")
@guarded
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
            data = redacted(report_from_store(history, target, policy_set.rules))
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
