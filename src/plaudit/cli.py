"""The command line (SPEC §2). The only module that prints or exits.

Exit codes: 0 no unwaived violation at or above the fail level; 1 there are; 2 usage, configuration,
catalog, policy, connection or internal error. A user never sees a traceback (set PLAUDIT_DEBUG=1 to).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import click

from plaudit import __version__
from plaudit.baseline import DEFAULT_BASELINE
from plaudit.config import Config, load_config, split_patterns
from plaudit.errors import EXIT_ERROR, EXIT_OK, ConfigError, PlauditError
from plaudit.guard import guarded
from plaudit.model import SchemaModel
from plaudit.pipeline import (
    Options,
    audit,
    classify_only,
    exit_code,
    failing,
    prepare,
    utcnow,
)
from plaudit.policies.engine import RulePattern, Selection
from plaudit.reports import formats, render
from plaudit.scanners.suppressions import InlineSuppressions

F = TypeVar("F", bound=Callable[..., Any])

SEVERITIES = ("critical", "high", "medium", "low")


def _input_decorators() -> list[Callable[[F], F]]:
    return [
        click.option(
            "--catalog",
            "catalog",
            multiple=True,
            type=click.Path(),
            help="Catalog YAML file or folder (repeatable).",
        ),
        click.option(
            "--policies",
            "policies",
            multiple=True,
            type=click.Path(),
            help="Extra policy folder (repeatable).",
        ),
        click.option("--no-builtin-policies", is_flag=True, help="Do not load the built-in policy pack."),
    ]


def _config_decorator() -> Callable[[F], F]:
    return click.option(
        "--config",
        "config_path",
        type=click.Path(),
        help="Config file (default: plaudit.yaml or [tool.plaudit], searched upward).",
    )


#: SQL dialect of the files a command reads; detected per file when not given.
dialect_option = click.option(
    "--dialect",
    type=click.Choice(["mysql", "postgres", "sqlite"]),
    default=None,
    help="SQL dialect (default: detected per file).",
)


def common_options(func: F) -> F:
    """Options every scanning command takes (SPEC §2 "Common options")."""
    decorators = [
        *_input_decorators(),
        click.option(
            "--format",
            "fmt",
            type=click.Choice(sorted(formats())),
            default=None,
            help="Output format (default: table on a terminal, json otherwise).",
        ),
        click.option("--out", "out", type=click.Path(dir_okay=False), help="Write the report to this file."),
        click.option(
            "--fail-level",
            type=click.Choice(SEVERITIES),
            default=None,
            help="Lowest severity that makes the exit code 1 (default: high).",
        ),
        _config_decorator(),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def input_options(func: F) -> F:
    """The common options that choose what to judge with, without the report ones (`baseline create`
    writes a baseline, not a report)."""
    for decorator in reversed([*_input_decorators(), _config_decorator()]):
        func = decorator(func)
    return func


def judge_options(func: F) -> F:
    """Which rules judge, and where (`scan sql`, `scan db`, `check`)."""
    decorators = [
        click.option(
            "--rules",
            "rules",
            multiple=True,
            metavar="PATTERNS",
            help="Only these rules: ids, globs (PCI*) or kinds; repeatable, comma lists allowed.",
        ),
        click.option(
            "--skip-rules",
            "skip_rules",
            multiple=True,
            metavar="PATTERNS",
            help="Not these rules: ids, globs or kinds; repeatable, comma lists allowed.",
        ),
        click.option(
            "--opa-url",
            "opa_url",
            metavar="URL",
            default=None,
            help="Evaluate on this Open Policy Agent server instead of in-process (needs plaudit[opa]).",
        ),
        click.option(
            "--opa-timeout",
            "opa_timeout",
            type=click.FloatRange(min=0.1),
            default=None,
            help="Seconds per request to the OPA server (default 30).",
        ),
        click.option(
            "--opa-mode",
            "opa_mode",
            type=click.Choice(["push", "bundle"]),
            default="push",
            show_default=True,
            help="push: upload the policies first; bundle: the server already runs `plaudit policy bundle`.",
        ),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def _opa(url: str | None, timeout: float | None, mode: str) -> Any:
    """The `OpaOptions` of `--opa-url`, or None for the in-process engine."""
    if url is None:
        return None
    from plaudit.policies.opa import OpaOptions

    return OpaOptions(url=url, mode=mode, **({"timeout": timeout} if timeout is not None else {}))  # type: ignore[arg-type]


def baseline_option(func: F) -> F:
    return click.option(
        "--baseline",
        "baseline",
        type=click.Path(dir_okay=False),
        default=None,
        help="Baseline file: violations whose fingerprint it lists are waived (plaudit baseline create).",
    )(func)


def _options(
    config: Config,
    catalog: tuple[str, ...],
    policies: tuple[str, ...],
    no_builtin: bool,
    *,
    rules: Sequence[str] = (),
    skip_rules: Sequence[str] = (),
    opa: Any = None,
) -> Options:
    return Options(
        catalog=list(catalog) or config.catalog,
        policies=list(policies) + config.policies,
        builtin_policies=config.builtin_policies and not no_builtin,
        params=config.params,
        threshold=config.threshold,
        inline_suppressions=config.inline_suppressions,
        forbid_suppression_levels=tuple(config.forbid_suppression_levels),
        selection=_selection(config, rules, skip_rules),
        severity=config.severity,
        rule_fail_levels=config.rule_fail_levels,
        overrides=config.overrides,
        opa=opa,
    )


def _selection(config: Config, rules: Sequence[str], skip_rules: Sequence[str]) -> Selection:
    """`--rules` replaces the config's `policy.rules` (the command line narrows a run); `--skip-rules`
    adds to `policy.skip_rules` (a rule the organisation skips stays skipped)."""
    given = [RulePattern(p, "--rules") for p in split_patterns(rules)]
    skipped = [RulePattern(p, "--skip-rules") for p in split_patterns(skip_rules)]
    return Selection(rules=tuple(given or config.rules), skip=tuple([*config.skip_rules, *skipped]))


def _with_baseline(options: Options, baseline: str | None) -> Options:
    if baseline is not None:
        from plaudit.baseline import load_baseline

        options.baseline = load_baseline(baseline)
        options.baseline_path = baseline
    return options


def _collect_suppressions(paths: Sequence[str], dialect: str | None) -> InlineSuppressions:
    """The inline suppressions of the SQL files `scan sql` reads, named as it names them."""
    from plaudit.scanners.sql import iter_sql_files
    from plaudit.scanners.suppressions import collect_files

    def read() -> Iterator[tuple[str, bytes]]:
        for path in iter_sql_files(list(paths)):
            with contextlib.suppress(OSError):  # the scanner reports an unreadable file
                yield str(path), path.read_bytes()

    return collect_files(read(), dialect)


def _emit(report: dict[str, Any], fmt: str | None, out: str | None, rules: Sequence[Any] = ()) -> None:
    """Render and write (or print) a report; `rules` (the pack's metadata) give formats the rules' titles."""
    from plaudit.reports import ReportContext

    fmt = fmt or ("table" if sys.stdout.isatty() and not out else "json")
    context = ReportContext(rules=tuple(rules)) if rules else None
    text = render(report, fmt, color=sys.stdout.isatty() and not out, context=context)
    if out:
        path = Path(out)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot write the report: {exc.strerror}", path=str(path)) from None
        summary = report.get("summary", {})
        click.echo(f"report written to {path} ({summary.get('columns', 0)} columns)", err=True)
    else:
        click.echo(text, nl=False)


class _Commands(click.Group):
    """The command group, with `plaudit report` imported only when it is asked for: it pulls in the
    run store and the HTML templates, and every pre-merge check would pay for them at start-up."""

    _lazy: ClassVar[dict[str, str]] = {"report": "plaudit.report_command"}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self._lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self._lazy and cmd_name not in self.commands:
            import importlib

            command = getattr(importlib.import_module(self._lazy[cmd_name]), cmd_name)
            self.add_command(command)
        return super().get_command(ctx, cmd_name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="plaudit")
def cli() -> None:
    """plaudit: where is your customers' personal information, who can read it, is it protected,
    and when is it deleted? Compliance policy-as-code for personal financial information."""


# --------------------------------------------------------------------------------------------- scan


@cli.group()
def scan() -> None:
    """Scan SQL files or a live database and judge them against the policies."""


@scan.command("sql")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@dialect_option
@baseline_option
@judge_options
@common_options
@guarded
def scan_sql(paths: tuple[str, ...], dialect: str | None, baseline: str | None, **common: Any) -> None:
    """Scan SQL files and folders (DDL, migrations, views) replayed in version order.

    Inline suppressions: -- plaudit: ignore RULE[,RULE2] reason="why"
    """
    _run_scan("scan-sql", *_sql_scan(paths, dialect), baseline=baseline, **common)


def _sql_scan(
    paths: tuple[str, ...], dialect: str | None, *, baseline: bool = False
) -> tuple[Callable[[Config], tuple[SchemaModel, str]], Callable[[Config], InlineSuppressions]]:
    """What `scan sql` and `baseline create|check` read: the model, and the inline suppressions.

    For a baseline every column counts as added, as at a check's base: the shift-left findings a
    check would raise on today's columns are accepted with the rest (and are not stale afterwards).
    """
    from plaudit.scanners.sql import scan_paths

    def scan(config: Config) -> tuple[SchemaModel, str]:
        _require_inputs(paths)
        model = scan_paths(list(paths), dialect=dialect or config.dialect)
        if baseline:
            model.added_columns = frozenset(model.column_keys())
        return model, " ".join(paths)

    def suppress(config: Config) -> InlineSuppressions:
        return _collect_suppressions(paths, dialect or config.dialect)

    return scan, suppress


@scan.command("db")
@click.argument("urls", nargs=-1, metavar="[URL]...")
@click.option("--include", multiple=True, help="Only schema.table matching this glob (repeatable).")
@click.option("--exclude", multiple=True, help="Skip schema.table matching this glob (repeatable).")
@click.option(
    "--statement-timeout",
    type=click.FloatRange(min=0.1),
    default=None,
    help="Seconds per query (default 30).",
)
@click.option("--no-data", is_flag=True, help="Metadata only: do not sample any data.")
@click.option(
    "--sample", type=click.IntRange(min=1), default=None, help="Rows sampled per table (default 1000)."
)
@click.option(
    "--jobs", type=click.IntRange(min=1), default=1, show_default=True, help="Targets scanned side by side."
)
@click.option("--store", default=None, help="Run-history store URL (default: .plaudit/history.db).")
@click.option("--no-store", is_flag=True, help="Do not record this run in the history.")
@click.option(
    "--fail-on",
    type=click.Choice(["new", "any"]),
    default="any",
    show_default=True,
    help="Fail on new violations only, or on any.",
)
@judge_options
@common_options
@guarded
def scan_db(
    urls: tuple[str, ...],
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    statement_timeout: float | None,
    no_data: bool,
    sample: int | None,
    jobs: int,
    store: str | None,
    no_store: bool,
    fail_on: str,
    catalog: tuple[str, ...],
    policies: tuple[str, ...],
    no_builtin_policies: bool,
    fmt: str | None,
    out: str | None,
    fail_level: str | None,
    config_path: str | None,
    rules: tuple[str, ...],
    skip_rules: tuple[str, ...],
    opa_url: str | None,
    opa_timeout: float | None,
    opa_mode: str,
) -> None:
    """Scan live databases (SQLAlchemy URLs, or the config's `targets:` when none is given): read-only
    inventory, classification, bounded data sampling, policies; every run is kept in the history."""
    from concurrent.futures import ThreadPoolExecutor

    from plaudit.history import RunStore
    from plaudit.pipeline import DbTarget, Observed, judge, observe_database

    config = load_config(config_path)
    options = _options(
        config,
        catalog,
        policies,
        no_builtin_policies,
        rules=rules,
        skip_rules=skip_rules,
        opa=_opa(opa_url, opa_timeout, opa_mode),
    )
    prepared = prepare(options)
    if urls:
        targets = [DbTarget(url, include=include, exclude=exclude) for url in urls]
    else:
        targets = [
            DbTarget(t.url, name=t.name, include=include or t.include, exclude=exclude or t.exclude)
            for t in config.targets
        ]
    if not targets:
        raise ConfigError("no database to scan", hint="give a URL, or list `targets:` in plaudit.yaml")
    if len(targets) > 1 and out and Path(out).suffix:
        raise ConfigError("several targets write several reports", path=out, hint="give --out a folder")
    # Open the store first: a wrong store URL must fail before a long scan, not after it.
    history = None if no_store else RunStore.open(store or config.store)
    level = fail_level or config.fail_level
    timeout = statement_timeout or config.statement_timeout

    def observe(target: DbTarget, progress: Callable[[str], None] | None) -> Observed | PlauditError:
        try:
            return observe_database(
                target,
                options=options,
                prepared=prepared,
                data=not no_data,
                sample=sample or config.sample,
                statement_timeout=timeout,
                progress=progress,
            )
        except PlauditError as err:
            if len(targets) == 1:
                raise
            return err

    try:
        # Reading databases runs side by side; judging stays on this thread (the Rego engine is bound
        # to the thread that compiled it).
        with _progress() as progress:
            if jobs == 1 or len(targets) == 1:
                observed = [observe(t, progress) for t in targets]
            else:
                with ThreadPoolExecutor(max_workers=min(jobs, len(targets))) as pool:
                    observed = list(pool.map(lambda t: observe(t, progress), targets))
        codes = []
        for index, (target, result) in enumerate(zip(targets, observed, strict=True)):
            if isinstance(result, PlauditError):
                # One unreachable database must not hide the others: report it and go on (exit 2).
                click.echo(f"plaudit: error: {result}", err=True)
                if result.hint:
                    click.echo(f"  hint: {result.hint}", err=True)
                codes.append(EXIT_ERROR)
                continue
            report = judge(result, options=options, prepared=prepared)
            if history is None:
                codes.append(exit_code(report, level, options.rule_fail_levels))
            else:
                codes.append(_track(report, history, options, fail_level=level, fail_on=fail_on))
            destination = out
            if out and len(targets) > 1:
                destination = str(Path(out) / f"{target.name or f'target-{index + 1}'}.json")
            _emit(report, fmt, destination, prepared[1].rules)
    finally:
        if history is not None:
            history.close()
    sys.exit(max(codes))


def _track(report: dict[str, Any], history: Any, options: Options, *, fail_level: str, fail_on: str) -> int:
    """`history.track` with `policy.fail_level` deciding per rule (findings of rules this run did not
    evaluate are neither fixed nor forgotten: `history.annotate` and `RunStore.record` see to that)."""
    from plaudit.history import annotate, exit_code_for

    annotate(report, history)
    # Each violation is already held to its own rule's level; `fail_on` then picks new or any.
    code = exit_code_for(
        {"violations": failing(report, fail_level, options.rule_fail_levels)}, "low", fail_on
    )
    history.record(report, code)
    return int(code)


@contextlib.contextmanager
def _progress() -> Iterator[Callable[[str], None] | None]:
    """A spinner with the current step on a terminal; nothing at all when stderr is not a TTY (cron, CI)."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console

    console = Console(stderr=True)
    with console.status("starting") as status:
        yield lambda text: status.update(text)


def _run_scan(
    mode: str,
    scan: Callable[[Config], tuple[SchemaModel, str]],
    suppress: Callable[[Config], InlineSuppressions] | None = None,
    *,
    catalog: tuple[str, ...],
    policies: tuple[str, ...],
    no_builtin_policies: bool,
    fmt: str | None,
    out: str | None,
    fail_level: str | None,
    config_path: str | None,
    baseline: str | None = None,
    only_new: bool = False,
    rules: tuple[str, ...] = (),
    skip_rules: tuple[str, ...] = (),
    opa_url: str | None = None,
    opa_timeout: float | None = None,
    opa_mode: str = "push",
) -> None:
    """What every scan command does around its scanner: configuration, catalog, policies and baseline
    first (so a bad one fails before any input is read), then audit, report and exit code."""
    config = load_config(config_path)
    options = _options(
        config,
        catalog,
        policies,
        no_builtin_policies,
        rules=rules,
        skip_rules=skip_rules,
        opa=_opa(opa_url, opa_timeout, opa_mode),
    )
    options = _with_baseline(options, baseline)
    started = utcnow()
    prepared = prepare(options)
    model, target = scan(config)
    if suppress is not None:
        options.suppressions = suppress(config)
    report = audit(model, mode=mode, target=target, options=options, prepared=prepared, started=started)
    if only_new and options.baseline is not None:
        from plaudit.baseline import only_new as drop_accepted

        report = drop_accepted(report, options.baseline)
    _emit(report, fmt, out, prepared[1].rules)
    sys.exit(exit_code(report, fail_level or config.fail_level, options.rule_fail_levels))


def _require_inputs(paths: tuple[str, ...]) -> None:
    """Nothing to scan is a usage error, not a clean report: a typo in CI must not pass silently."""
    from plaudit.scanners.sql import iter_sql_files

    missing = [p for p in paths if not Path(p).exists()]
    if len(missing) == len(paths):
        raise ConfigError(
            "no input found", path=", ".join(missing), hint="pass SQL files or folders that exist"
        )
    if not iter_sql_files(list(paths)):
        raise ConfigError(
            "no SQL files found",
            path=", ".join(paths),
            hint="plaudit reads *.sql files and migration folders",
        )


# -------------------------------------------------------------------------------------------- check


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--base",
    "base",
    metavar="REF",
    default=None,
    help="Compare with the merge base of REF and HEAD (default: main, master, origin/main, origin/master).",
)
@dialect_option
@baseline_option
@judge_options
@common_options
@guarded
def check(
    paths: tuple[str, ...],
    base: str | None,
    dialect: str | None,
    baseline: str | None,
    catalog: tuple[str, ...],
    policies: tuple[str, ...],
    no_builtin_policies: bool,
    fmt: str | None,
    out: str | None,
    fail_level: str | None,
    config_path: str | None,
    rules: tuple[str, ...],
    skip_rules: tuple[str, ...],
    opa_url: str | None,
    opa_timeout: float | None,
    opa_mode: str,
) -> None:
    """Pre-merge check: only the violations the working tree introduces since the base branch.

    PATH: SQL files or migration folders (default: the whole repository).
    """
    from plaudit.check import run_check

    config = load_config(config_path)
    options = _options(
        config,
        catalog,
        policies,
        no_builtin_policies,
        rules=rules,
        skip_rules=skip_rules,
        opa=_opa(opa_url, opa_timeout, opa_mode),
    )
    options = _with_baseline(options, baseline)
    prepared = prepare(options)
    report = run_check(
        list(paths),
        base=base,
        repo=Path.cwd(),
        options=options,
        prepared=prepared,
        dialect=dialect or config.dialect,
    )
    _emit(report, fmt, out, prepared[1].rules)
    sys.exit(exit_code(report, fail_level or config.fail_level, options.rule_fail_levels))


# ----------------------------------------------------------------------------------------- baseline


@cli.group()
def baseline() -> None:
    """Accept today's violations by fingerprint, so that only new ones fail the build."""


@baseline.command("create")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False),
    default=DEFAULT_BASELINE,
    show_default=True,
    help="Baseline file to write.",
)
@dialect_option
@input_options
@guarded
def baseline_create(
    paths: tuple[str, ...],
    out: str,
    dialect: str | None,
    catalog: tuple[str, ...],
    policies: tuple[str, ...],
    no_builtin_policies: bool,
    config_path: str | None,
) -> None:
    """Run `scan sql` on PATH... and write the open violations' fingerprints to the baseline file."""
    from plaudit.baseline import entries_of, write_baseline

    config = load_config(config_path)
    options = _options(config, catalog, policies, no_builtin_policies)
    started = utcnow()
    prepared = prepare(options)
    scan, suppress = _sql_scan(paths, dialect, baseline=True)
    model, target = scan(config)
    options.suppressions = suppress(config)
    report = audit(model, mode="scan-sql", target=target, options=options, prepared=prepared, started=started)
    entries = entries_of(report)
    changed = write_baseline(Path(out), entries)
    click.echo(
        f"baseline {out}: {len(entries)} accepted fingerprints" + ("" if changed else " (unchanged)"),
        err=True,
    )
    sys.exit(EXIT_OK)


@baseline.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(dir_okay=False),
    default=DEFAULT_BASELINE,
    show_default=True,
    help="Baseline file written by `plaudit baseline create`.",
)
@dialect_option
@common_options
@guarded
def baseline_check(paths: tuple[str, ...], baseline_file: str, dialect: str | None, **common: Any) -> None:
    """Run `scan sql` on PATH... and report only the violations the baseline does not accept."""
    _run_scan(
        "scan-sql", *_sql_scan(paths, dialect, baseline=True), baseline=baseline_file, only_new=True, **common
    )


# ----------------------------------------------------------------------------------------- classify


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--db", "db_url", help="Classify the columns of a live database instead of SQL files.")
@dialect_option
@click.option(
    "--catalog", "catalog", multiple=True, type=click.Path(), help="Catalog YAML file or folder (repeatable)."
)
@click.option("--format", "fmt", type=click.Choice(["json", "table"]), default=None)
@click.option("--out", "out", type=click.Path(dir_okay=False))
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1),
    default=None,
    help="Lowest confidence reported as personal (default 0.5).",
)
@click.option("--config", "config_path", type=click.Path())
@guarded
def classify(
    paths: tuple[str, ...],
    db_url: str | None,
    dialect: str | None,
    catalog: tuple[str, ...],
    fmt: str | None,
    out: str | None,
    threshold: float | None,
    config_path: str | None,
) -> None:
    """Classify columns (names, comments, types, table context); no policies are run."""
    config = load_config(config_path)
    options = _options(config, catalog, (), True)
    if threshold is not None:
        options.threshold = threshold
    if bool(paths) == bool(db_url):
        raise ConfigError(
            "give SQL paths or --db URL (one of them)", hint="plaudit classify migrations/ --format json"
        )
    if db_url:
        from plaudit.scanners.database import redact_url, scan_database

        model = scan_database(db_url)
        target = redact_url(db_url)
    else:
        from plaudit.scanners.sql import scan_paths

        _require_inputs(paths)
        model = scan_paths(list(paths), dialect=dialect or config.dialect)
        target = " ".join(paths)
    columns = classify_only(model, target=target, options=options)
    report = {
        "columns": [c.to_report() for c in columns],
        "errors": [e.to_json() for e in model.errors],
    }
    _emit(report, fmt, out)
    sys.exit(EXIT_OK)


# ---------------------------------------------------------------------------------------------- demo


@cli.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="plaudit-demo", show_default=True)
@guarded
def demo(out_dir: str) -> None:
    """Build a synthetic consumer-finance SQLite database, scan it with the bundled catalog, report."""
    from plaudit.demo.run import run_demo

    with _progress() as progress:
        summary = run_demo(Path(out_dir), color=sys.stdout.isatty(), progress=progress)
    click.echo(summary, nl=False)
    sys.exit(EXIT_OK)


# -------------------------------------------------------------------------------------------- policy


@cli.group()
def policy() -> None:
    """Work with the Rego policies."""


def _policy_sources(func: F) -> F:
    """Which policies a `policy` subcommand reads: the built-in pack, `--policies` and the config's."""
    decorators = [
        click.option(
            "--policies",
            "policies",
            multiple=True,
            type=click.Path(),
            help="Extra policy folder (repeatable).",
        ),
        click.option("--no-builtin-policies", is_flag=True, help="Do not load the built-in policy pack."),
        _config_decorator(),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def _shown_path(path: str | None) -> str:
    """A path relative to the working directory when it is below it (shorter, and what a user typed)."""
    if not path:
        return ""
    with contextlib.suppress(ValueError, OSError):
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    return path


def _duration(ms: float) -> str:
    if ms >= 1000:
        return f"{ms / 1000:.2f}s"
    return f"{ms:.1f}ms" if ms >= 1 else f"{ms * 1000:.0f}µs"


@policy.command("test")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("-v", "--verbose", is_flag=True, help="List every test, not only failures.")
@guarded
def policy_test(paths: tuple[str, ...], verbose: bool) -> None:
    """Run the Rego unit tests (test_* rules), like `opa test`.

    PATH: folders or files of user policies and their tests (default: the built-in pack). Exit 1 when
    a test fails, 2 when a policy does not compile.
    """
    from plaudit.policies.engine import load_policies, run_tests

    extra = [Path(p) for p in paths]
    policy_set = load_policies(extra, builtin=True)
    results = run_tests(policy_set, extra)
    counts = {"PASS": 0, "FAIL": 0, "ERROR": 0}
    last_file = None
    printed = False
    for result in results:
        status = "PASS" if result.passed else ("ERROR" if result.error else "FAIL")
        counts[status] += 1
        if not (verbose or status != "PASS"):
            continue
        # Grouped by file as `opa test` does, so a failure says where its test is.
        if result.path != last_file:
            if last_file is not None:
                click.echo("")
            click.echo(f"{_shown_path(result.path)}:")
            last_file = result.path
        click.echo(f"data.{result.package}.{result.name}: {status} ({_duration(result.duration_ms)})")
        if result.error:
            click.echo(f"  {result.error}")
        elif status == "FAIL":
            click.echo(
                f"  {_shown_path(result.path)}:{result.line or 1}: {result.name} is false or undefined"
            )
        printed = True
    if printed:
        click.echo("-" * 80)
    total = len(results)
    for status, count in counts.items():
        if count or (status == "PASS" and not total):
            click.echo(f"{status}: {count}/{total}")
    sys.exit(1 if counts["FAIL"] or counts["ERROR"] else EXIT_OK)


def _load_for_listing(policies: tuple[str, ...], no_builtin_policies: bool, config_path: str | None) -> Any:
    from plaudit.policies.engine import load_policies

    config = load_config(config_path)
    extra = [Path(p) for p in policies] + [Path(p) for p in config.policies]
    return load_policies(extra, builtin=config.builtin_policies and not no_builtin_policies)


#: What `policy list --format json` gives per rule: SPEC §2's keys first, then plaudit's additions.
_LIST_KEYS = ("rule", "kind", "severity", "title", "references", "title_zh", "source", "package")


@policy.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option(
    "--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True, help="Title language."
)
@click.option(
    "--rules",
    "rules",
    multiple=True,
    metavar="PATTERNS",
    help="Only rules matching these (ids, globs, kinds).",
)
@_policy_sources
@guarded
def policy_list(
    fmt: str,
    lang: str,
    rules: tuple[str, ...],
    policies: tuple[str, ...],
    no_builtin_policies: bool,
    config_path: str | None,
) -> None:
    """List the rules: id, kind, severity, title, references and where each comes from."""
    import json

    from plaudit.policies.engine import check_patterns

    listed = _load_for_listing(policies, no_builtin_policies, config_path).rules
    patterns = [RulePattern(p, "--rules") for p in split_patterns(rules)]
    check_patterns(patterns, listed)
    if patterns:
        listed = [r for r in listed if any(p.matches(r) for p in patterns)]
    if fmt == "json":
        out = [{k: r.get(k) for k in _LIST_KEYS if k in r or k != "title_zh"} for r in listed]
        click.echo(json.dumps({"rules": out}, ensure_ascii=False, indent=2))
        return
    width = max([len(r["rule"]) for r in listed] + [4])
    kind_width = max([len(r["kind"]) for r in listed] + [4])
    click.echo(
        f"{'RULE':<{width}}  {'KIND':<{kind_width}}  {'SEVERITY':<8}  {'SOURCE':<7}  TITLE / REFERENCES"
    )
    for r in listed:
        title = (r.get("title_zh") if lang == "zh" else None) or r["title"]
        click.echo(
            f"{r['rule']:<{width}}  {r['kind']:<{kind_width}}  {r['severity']:<8}  {r['source']:<7}  {title}"
        )
        if r["references"]:
            click.echo(f"{'':<{width + kind_width + 23}}  {'; '.join(r['references'])}")
    click.echo(f"{len(listed)} rules", err=True)


@policy.command("explain")
@click.argument("rule")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_policy_sources
@guarded
def policy_explain(
    rule: str, fmt: str, policies: tuple[str, ...], no_builtin_policies: bool, config_path: str | None
) -> None:
    """One rule in full: what it checks, why, how to fix (English and Chinese), the parameters it
    reads and the file it lives in. RULE: a rule id (any case) or its package (`storage.c2_protect`)."""
    import json

    from plaudit.policies.engine import parameters_read

    policy_set = _load_for_listing(policies, no_builtin_policies, config_path)
    every = policy_set.rules
    wanted = rule.strip()
    meta = next(
        (
            r
            for r in every
            if wanted.upper() == r["rule"].upper()
            or wanted in (r["package"], r["package"].removeprefix("plaudit.rules."))
        ),
        None,
    )
    if meta is None:
        from plaudit.policies.engine import _close_matches

        raise ConfigError(f"no rule {wanted!r}", hint=_close_matches(wanted, every))
    params = parameters_read(policy_set, meta["package"])
    if fmt == "json":
        doc = {k: v for k, v in meta.items()}
        doc["parameters"] = [{"name": n, "default": d} for n, d in params]
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    lines = [f"{meta['rule']}: {meta['title']}"]
    if meta.get("title_zh"):
        lines.append(f"{' ' * len(meta['rule'])}  {meta['title_zh']}")
    lines += [
        "",
        f"kind:        {meta['kind']}",
        f"severity:    {meta['severity']}",
        f"package:     {meta['package']}",
        f"source:      {meta['source']}",
        f"file:        {_shown_path(meta['path'])}",
        "references:  " + ("\n             ".join(meta["references"]) or "(none)"),
    ]
    for label, key in (
        ("description", "description"),
        ("description (zh)", "description_zh"),
        ("remediation", "remediation"),
        ("remediation (zh)", "remediation_zh"),
    ):
        if meta.get(key):
            lines += ["", f"{label}:", *(f"  {t}" for t in _wrap(meta[key]))]
    lines += ["", "parameters (plaudit.yaml `policy: {params: ...}`):"]
    lines += [f"  {n} (default {d})" for n, d in params] or ["  (none)"]
    click.echo("\n".join(lines))


def _wrap(text: str) -> list[str]:
    import textwrap

    # Chinese has no spaces to break at: leave it to the terminal.
    return textwrap.wrap(text, 100) if text.isascii() else [text]


@policy.command("check")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--no-builtin-policies", is_flag=True, help="Do not check rule ids against the built-in pack.")
@_config_decorator()
@guarded
def policy_check(paths: tuple[str, ...], no_builtin_policies: bool, config_path: str | None) -> None:
    """Lint user policies: parse errors, METADATA (title, kind, severity, references, remediation),
    rule ids unique (also against the built-in pack), package naming, a `_test.rego` beside each
    rule. Prints `path:line: message` per problem; exit 2 when there is any.

    PATH: policy folders or files (default: the config's `policies:`).
    """
    from plaudit.policies.engine import lint_policies

    config = load_config(config_path)
    folders = [Path(p) for p in paths] or [Path(p) for p in config.policies]
    if not folders:
        raise ConfigError(
            "no policy folder to check",
            hint="plaudit policy check policies/ (or list `policies:` in plaudit.yaml)",
        )
    problems, files = lint_policies(folders, builtin=not no_builtin_policies)
    for problem in problems:
        click.echo(f"{_shown_path(problem.path)}:{problem.line or 1}: {problem.message}")
    if problems:
        click.echo(f"plaudit: {len(problems)} problem(s) in {files} policy file(s)", err=True)
        sys.exit(EXIT_ERROR)
    click.echo(f"{files} policy file(s) checked: no problems", err=True)
    sys.exit(EXIT_OK)


@policy.command("bundle")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False),
    default="plaudit-bundle.tar.gz",
    show_default=True,
    help="Bundle file to write.",
)
@input_options
@guarded
def policy_bundle(
    out: str,
    catalog: tuple[str, ...],
    policies: tuple[str, ...],
    no_builtin_policies: bool,
    config_path: str | None,
) -> None:
    """Write an OPA bundle (.tar.gz) of the policies and their parameters, for an OPA server that
    plaudit then queries with `--opa-url URL --opa-mode bundle`."""
    from plaudit.pipeline import policy_params
    from plaudit.policies.bundle import write_bundle

    config = load_config(config_path)
    options = _options(config, catalog, policies, no_builtin_policies)
    catalog_, policy_set, _ = prepare(options)
    path = write_bundle(policy_set, policy_params(options, catalog_), Path(out))
    click.echo(
        f"bundle written to {path} ({len(policy_set.rules)} rules, revision {policy_set.digest})", err=True
    )
    sys.exit(EXIT_OK)


def main() -> None:
    cli(prog_name="plaudit")


if __name__ == "__main__":
    main()
