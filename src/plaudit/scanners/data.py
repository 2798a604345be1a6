"""Data-level verification on a bounded sample: do the values match what the catalog declares?

    checks = run_data_checks(engine, columns, tables, sample=1000, now=now, errors=errors)

`engine` comes from `scanners.database.create_readonly_engine` (read-only, time-bounded sessions).
Great Expectations (the `plaudit[data]` extra) runs with an ephemeral context on a SQL data source
whose every connection is lent from that engine, so its statements run in the same guarded sessions.

How each check runs (the same on SQLite, PostgreSQL and MySQL/MariaDB):

- one bounded sample query per table, naming only the target columns: `LIMIT n`, and on PostgreSQL
  `TABLESAMPLE SYSTEM (p) REPEATABLE (seed)` first when `pg_class.reltuples` says the table is large;
- `password_format`: GE `expect_column_values_to_match_regex` per format over that query (in the DB);
- `detectors`, `plaintext`, `ciphertext`, `log_pii`: at most `sample` values per column fetched once
  into memory, run through `catalog.detectors` (checksums GE cannot express); only counts are kept;
- `retention`: one `COUNT` / `SUM(CASE ...)` statement for expired, held and soft-deleted rows, and the
  oldest anchor through GE `expect_column_min_to_be_between` on the table.

Every GE validation uses `result_format` SUMMARY with `partial_unexpected_count: 0` (counts, never the
unexpected values GE returns by default). Nothing returned holds a sampled value except through
`detectors.mask()`. A table that cannot be read (permission, timeout, missing) yields `DataCheck`s with
`error` set (and a `ScanError` in `errors` when a list is passed); the run goes on with the others.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, exc
from sqlalchemy.engine import Connection, Engine

from plaudit.catalog.detectors import DETECTORS, mask
from plaudit.errors import MissingExtraError
from plaudit.model import ColumnTarget, DataCheck, ScanError, TableTarget
from plaudit.scanners import data_values as dv
from plaudit.scanners import quiet_logger

__all__ = ["PROTECTED_METHODS", "fetch_sample", "parse_period", "run_data_checks"]

#: Declared protection methods under which sampled values must not read as plaintext.
PROTECTED_METHODS = frozenset({"encrypted", "kdf_hash", "keyed_hash", "tokenized", "masked"})
_DETECTOR_CATEGORIES = ("identity.national_id", "account.bank_card", "contact.phone", "contact.email")
_TEXT_TYPE = re.compile(r"char|text|clob|string|json|enum|^$", re.IGNORECASE)
_SAMPLE_SEED = 20_251_125  # REPEATABLE: GE and the in-memory fetch see the same PostgreSQL blocks
_GX_FORMAT = {"result_format": "SUMMARY", "partial_unexpected_count": 0}
_QUOTED_LITERAL = re.compile(r"'[^']*'")


# ---------------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------------


def run_data_checks(
    engine: Engine,
    columns: Sequence[ColumnTarget],
    tables: Sequence[TableTarget],
    *,
    sample: int = 1000,
    now: dt.datetime,
    progress: Callable[[str], None] | None = None,
    errors: list[ScanError] | None = None,
    gx_results: list[dict[str, Any]] | None = None,
    statement_timeout: float = 30.0,
) -> list[DataCheck]:
    """Run every applicable check on every target; see the module docstring for how.

    `sample` bounds the rows read per table. `errors`, when given, also receives one `ScanError` per
    failed table. `gx_results`, when given, receives every GE validation result as JSON (an audit
    trail of what GE computed; it holds counts only). `statement_timeout` should be the engine's: SQLite
    enforces it per statement in Python, and GE's statements are armed with it too.
    Raises `MissingExtraError` without GE.
    """
    gx = _import_gx()
    sample = max(1, int(sample))
    report = progress or (lambda _msg: None)
    out: list[DataCheck] = []
    with _GxSession(gx, engine, gx_results, statement_timeout) as session:
        for key, group in _by_table(columns).items():
            report(f"sampling {'.'.join(p for p in key if p)}")
            planned = [(check, col.resource) for col in group for check in _checks_for(col)]
            out.extend(_guarded(partial(_column_checks, session, key, group, sample), planned, errors))
        for target in tables:
            if target.retention_period and target.retention_anchor:
                report(f"retention {target.resource}")
                planned = [("retention", target.resource)]
                out.extend(_guarded(partial(_retention_check, session, target, now), planned, errors))
            if target.is_log:
                report(f"log contents {target.resource}")
                planned = [("log_pii", target.resource)]
                out.extend(_guarded(partial(_log_check, session, target, sample), planned, errors))
    return out


def _import_gx() -> Any:
    try:
        import great_expectations as gx
    except ImportError:
        raise MissingExtraError(
            "data checks need Great Expectations, which is not installed",
            hint="pip install 'plaudit[data]'",
        ) from None
    return gx


def _by_table(columns: Sequence[ColumnTarget]) -> dict[tuple[str, str], list[ColumnTarget]]:
    grouped: dict[tuple[str, str], list[ColumnTarget]] = {}
    for col in columns:
        if _checks_for(col):
            grouped.setdefault((col.schema or "", col.table), []).append(col)
    return grouped


def _checks_for(col: ColumnTarget) -> list[str]:
    """Which column checks apply: by category, declared protection and type."""
    checks: list[str] = []
    category = col.category
    if dv.category_detectors(category) or (category is None and _TEXT_TYPE.search(col.type or "")):
        checks.append("detectors")
    if col.declared_protection in PROTECTED_METHODS:
        checks.append("plaintext")
    if col.declared_protection == "encrypted":
        checks.append("ciphertext")
    if category and (category == "auth.password" or category.startswith("auth.password.")):
        checks.append("password_format")
    return checks


def _guarded(
    run: Callable[[], list[DataCheck]], planned: list[tuple[str, str]], errors: list[ScanError] | None
) -> list[DataCheck]:
    """Run one table's checks; on failure every planned check of it carries the reason instead."""
    try:
        return run()
    except (exc.SQLAlchemyError, _GxError, ValueError) as err:
        message = _reason(err)
        if errors is not None:
            for resource in sorted({r for _, r in planned}):
                errors.append(ScanError(resource, f"data check failed: {message}"))
        return [DataCheck(check=check, resource=resource, error=message) for check, resource in planned]


class _GxError(Exception):
    """A GE validation that raised instead of returning counts."""


def _reason(err: BaseException) -> str:
    # The driver's first line, quoted literals blanked: a cast error could echo a stored value.
    orig = getattr(err, "orig", None) or err
    text = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    return _QUOTED_LITERAL.sub("'…'", text)[:300]


# ---------------------------------------------------------------------------------------------------
# Great Expectations session: every GE connection is a read-only session lent by the engine
# ---------------------------------------------------------------------------------------------------


@dataclass
class _GxSession:
    gx: Any
    engine: Engine
    results: list[dict[str, Any]] | None
    statement_timeout: float
    _lent: list[Any] = field(default_factory=list)
    _deadlines: dict[int, Any] = field(default_factory=dict)
    _source: Any = None
    _assets: int = 0

    def __enter__(self) -> _GxSession:
        from great_expectations.data_context.types.base import (
            DataContextConfig,
            InMemoryStoreBackendDefaults,
            ProgressBarsConfig,
        )

        config = DataContextConfig(
            store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
            analytics_enabled=False,  # a scan never talks to the network
            progress_bars=ProgressBarsConfig(globally=False),  # progress is the caller's to show
        )
        with _quiet_gx():
            context = self.gx.get_context(mode="ephemeral", project_config=config)
            # The URL only picks the dialect: connections come from `creator`, so GE holds no password.
            self._source = context.data_sources.add_sql(
                name="plaudit",
                connection_string=self.engine.url.render_as_string(hide_password=True),
                create_temp_table=False,  # read-only sessions cannot create tables
                kwargs={"creator": self._lend},
            )
        for gx_engine in (self._source.get_engine(), self._source.get_execution_engine().engine):
            event.listen(gx_engine, "before_cursor_execute", self._arm)
        return self

    def __exit__(self, *_exc: object) -> None:
        # Each lent connection leaves plaudit's pool for good (detach), and GE's pools close it, once.
        for fairy in self._lent:
            with contextlib.suppress(Exception):
                fairy.detach()
        self._lent.clear()
        source, self._source = self._source, None
        if source is not None:
            with contextlib.suppress(Exception):
                source.get_execution_engine().engine.dispose()
            with contextlib.suppress(Exception):
                source.get_engine().dispose()

    def _lend(self) -> Any:
        fairy = self.engine.raw_connection()
        self._lent.append(fairy)
        # SQLite's statement deadline lives on plaudit's connection record; arm it for GE too.
        self._deadlines[id(fairy.driver_connection)] = fairy.info.get("plaudit_deadline")
        return fairy.driver_connection

    def _arm(self, conn: Connection, *_args: Any) -> None:
        deadline = self._deadlines.get(id(conn.connection.driver_connection))
        if deadline is not None:
            deadline[0] = time.monotonic() + self.statement_timeout

    def batch(self, query: str | None = None, *, table: str | None = None, schema: str | None = None) -> Any:
        self._assets += 1
        name = f"a{self._assets}"
        with _quiet_gx():
            if query is not None:
                asset = self._source.add_query_asset(name=name, query=query)
            else:
                asset = self._source.add_table_asset(name=name, table_name=table, schema_name=schema)
            return asset.add_batch_definition_whole_table("whole").get_batch()

    def validate(self, batch: Any, expectation: Any, result_format: Any = None) -> dict[str, Any]:
        with _quiet_gx():
            result = batch.validate(expectation, result_format=result_format or _GX_FORMAT)
        payload = result.to_json_dict()
        if self.results is not None:
            self.results.append(payload)
        info = payload.get("exception_info") or {}
        if info.get("raised_exception"):
            raise _GxError(_reason(Exception(info.get("exception_message") or "GE validation failed")))
        return result.result or {}


@contextlib.contextmanager
def _quiet_gx() -> Iterator[None]:
    # GE warns that a generic SQL data source could be a dialect-specific one; that is intended here.
    with warnings.catch_warnings(), quiet_logger("great_expectations"):
        warnings.simplefilter("ignore")
        yield


# ---------------------------------------------------------------------------------------------------
# Bounded sampling
# ---------------------------------------------------------------------------------------------------


def fetch_sample(conn: Connection, query: str, limit: int) -> list[tuple[Any, ...]]:
    """Run a bounded sample query and return at most `limit` rows (the query has its own LIMIT too)."""
    return [tuple(row) for row in conn.execute(sa.text(query)).fetchmany(limit)]


def _qualified(engine: Engine, schema: str | None, table: str) -> str:
    prep = engine.dialect.identifier_preparer
    return f"{prep.quote_schema(schema)}.{prep.quote(table)}" if schema else prep.quote(table)


def _bounded_sample(
    conn: Connection, engine: Engine, schema: str | None, table: str, names: Sequence[str], limit: int
) -> tuple[str, str, list[tuple[Any, ...]]]:
    """(SQL, method, rows): the target columns of at most `limit` rows, never the whole table.

    On a large PostgreSQL table, `TABLESAMPLE SYSTEM` spreads the sample over the table instead of
    reading its first pages; SYSTEM picks whole pages, so a small sample of a small-paged table can
    come back short, and then a plain `LIMIT` (still bounded) is used instead.
    """
    prep = engine.dialect.identifier_preparer
    select = f"SELECT {', '.join(prep.quote(n) for n in names)} FROM {_qualified(engine, schema, table)}"
    plain = f"{select} LIMIT {int(limit)}"
    if engine.dialect.name == "postgresql":
        stats = conn.execute(
            sa.text(
                "SELECT c.reltuples, c.relpages FROM pg_class c JOIN pg_namespace n"
                " ON n.oid = c.relnamespace WHERE n.nspname = :schema AND c.relname = :table"
            ),
            {"schema": schema or "public", "table": table},
        ).first()
        rows, pages = (float(stats[0] or 0), float(stats[1] or 0)) if stats else (0.0, 0.0)
        if rows > max(10 * limit, 10_000) and pages > 0:
            # About three times the rows needed, and never fewer than 16 pages, LIMIT trims.
            percent = min(100.0, max(300.0 * limit / rows, 1600.0 / pages))
            sampler = f"TABLESAMPLE SYSTEM ({percent:.4f}) REPEATABLE ({_SAMPLE_SEED})"
            query = f"{select} {sampler} LIMIT {int(limit)}"
            found = fetch_sample(conn, query, limit)
            if len(found) * 2 >= limit:
                return query, "tablesample", found
    return plain, "limit", fetch_sample(conn, plain, limit)


# ---------------------------------------------------------------------------------------------------
# Column checks
# ---------------------------------------------------------------------------------------------------


def _column_checks(
    session: _GxSession, key: tuple[str, str], group: list[ColumnTarget], sample: int
) -> list[DataCheck]:
    schema, table = key[0] or None, key[1]
    engine = session.engine
    names = list(dict.fromkeys(col.column for col in group))
    with engine.connect() as conn:
        query, method, rows = _bounded_sample(conn, engine, schema, table, names, sample)
    values = {name: [row[i] for row in rows] for i, name in enumerate(names)}
    out: list[DataCheck] = []
    batch = None
    for col in group:
        raw = [v for v in values[col.column] if v is not None]
        texts = [t for t in (dv.as_text(v) for v in raw) if t is not None]
        base = {"sampling": method, "rows_read": len(rows)}
        for check in _checks_for(col):
            if check == "detectors":
                matched, details = dv.detector_counts(texts, col.category)
                out.append(DataCheck("detectors", col.resource, len(texts), matched, {**base, **details}))
            elif check == "plaintext":
                out.append(_plaintext(col, texts, base))
            elif check == "ciphertext":
                matched, details = dv.analyse_ciphertext(raw, col.category)
                out.append(DataCheck("ciphertext", col.resource, len(raw), matched, {**base, **details}))
            elif check == "password_format":
                if batch is None:
                    batch = session.batch(query)
                out.append(_password_formats(session, batch, col, base))
    return out


def _plaintext(col: ColumnTarget, texts: list[str], base: dict[str, Any]) -> DataCheck:
    reasons: dict[str, int] = {}
    exemplar = None
    for text in texts:
        why = dv.looks_plaintext(text, col.category)
        if why:
            reasons[why] = reasons.get(why, 0) + 1
            if exemplar is None and why in DETECTORS:
                exemplar = mask(text, why)
    details = {
        **base,
        "declared": col.declared_protection,
        "category": col.category,
        "reasons": dict(sorted(reasons.items())),
        "masked_exemplar": exemplar,  # only detector hits: a masked password still leaks its ends
    }
    return DataCheck("plaintext", col.resource, len(texts), sum(reasons.values()), details)


def _password_formats(session: _GxSession, batch: Any, col: ColumnTarget, base: dict[str, Any]) -> DataCheck:
    """Counts of each stored password format, computed by GE inside the database."""
    formats: dict[str, int] = {}
    nonnull = 0
    for name, pattern in dv.PASSWORD_FORMATS.items():
        expectation = session.gx.expectations.ExpectColumnValuesToMatchRegex(column=col.column, regex=pattern)
        summary = session.validate(batch, expectation)
        elements = int(summary.get("element_count") or 0)
        missing = int(summary.get("missing_count") or 0)
        unexpected = int(summary.get("unexpected_count") or 0)
        nonnull = elements - missing
        formats[name] = max(0, nonnull - unexpected)
    # A value matches at most one format (they are disjoint), so the rest is `other`.
    formats["other"] = max(0, nonnull - sum(formats.values()))
    slow = sum(formats[f] for f in dv.SLOW_HASH_FORMATS)
    fast = sum(formats[f] for f in dv.FAST_HASH_FORMATS)
    details = {
        **base,
        "engine": "great_expectations",
        "formats": formats,
        "slow_salted": slow,
        "unsalted_fast_hash": fast,
        "plaintext_like": formats["other"],
    }
    return DataCheck("password_format", col.resource, nonnull, fast + formats["other"], details)


# ---------------------------------------------------------------------------------------------------
# Table checks
# ---------------------------------------------------------------------------------------------------

_PERIOD = re.compile(r"^\s*(\d+)\s*(d|days?|w|weeks?|m|mo|months?|y|yr|years?)\s*$", re.IGNORECASE)


def parse_period(period: str, now: dt.datetime) -> dt.datetime:
    """The cutoff `period` before `now` (`30d`, `6m`, `5y`; months and years are calendar ones).

    >>> parse_period("5y", dt.datetime(2026, 2, 28)).date()
    datetime.date(2021, 2, 28)
    """
    match = _PERIOD.match(period)
    if not match:
        raise ValueError(f"retention period '{period}' is not a number of days, weeks, months or years")
    n, unit = int(match.group(1)), match.group(2).lower()[0]
    if unit == "d":
        return now - dt.timedelta(days=n)
    if unit == "w":
        return now - dt.timedelta(weeks=n)
    months = n * 12 if unit == "y" else n
    year, month = divmod(now.year * 12 + now.month - 1 - months, 12)
    month += 1
    day = min(now.day, _days_in_month(year, month))
    return now.replace(year=year, month=month, day=day)


def _days_in_month(year: int, month: int) -> int:
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return (nxt - dt.timedelta(days=1)).day


def _retention_check(session: _GxSession, target: TableTarget, now: dt.datetime) -> list[DataCheck]:
    assert target.retention_period and target.retention_anchor
    cutoff = parse_period(target.retention_period, now)
    engine = session.engine
    prep = engine.dialect.identifier_preparer
    anchor = prep.quote(target.retention_anchor)
    held = "FALSE"
    if target.legal_hold:
        hold = prep.quote(target.legal_hold)
        # PostgreSQL has a real boolean; SQLite and MySQL store 0/1.
        held = (
            f"COALESCE(CAST({hold} AS BOOLEAN), FALSE)"
            if engine.dialect.name == "postgresql"
            else f"({hold} IS NOT NULL AND {hold} <> 0)"
        )
    expired = f"{anchor} < :cutoff" + (f" AND NOT {held}" if target.legal_hold else "")
    parts = [
        "COUNT(*)",
        f"SUM(CASE WHEN {expired} THEN 1 ELSE 0 END)",
        f"SUM(CASE WHEN {anchor} < :cutoff AND {held} THEN 1 ELSE 0 END)" if target.legal_hold else "0",
    ]
    soft = _soft_deleted_predicate(engine, target)
    parts.append(f"SUM(CASE WHEN {soft} THEN 1 ELSE 0 END)" if soft else "0")
    sql = f"SELECT {', '.join(parts)} FROM {_qualified(engine, target.schema, target.table)}"
    cutoff_param: Any = cutoff.replace(tzinfo=None)
    if engine.dialect.name == "sqlite":
        cutoff_param = cutoff_param.isoformat(sep=" ")  # SQLite stores dates as ISO text
    with engine.connect() as conn:
        total, expired_rows, held_rows, soft_rows = conn.execute(sa.text(sql), {"cutoff": cutoff_param}).one()
    oldest = _oldest(session, target)
    age = (now.replace(tzinfo=None) - oldest).days if oldest is not None else None
    details: dict[str, Any] = {
        "period": target.retention_period,
        "anchor": target.retention_anchor,
        "cutoff": cutoff.date().isoformat(),
        "oldest_age_days": age,
        "expired_rows": int(expired_rows or 0),
        "held_rows": int(held_rows or 0),
        "method": "count",
    }
    if target.soft_delete:
        details["soft_deleted_with_pi"] = int(soft_rows or 0)
    return [DataCheck("retention", target.resource, int(total or 0), int(expired_rows or 0), details)]


def _soft_deleted_predicate(engine: Engine, target: TableTarget) -> str | None:
    """Rows marked deleted whose personal columns are still filled (RULES.md R37)."""
    if not target.soft_delete:
        return None
    prep = engine.dialect.identifier_preparer
    marker = prep.quote(target.soft_delete)
    columns = sa.inspect(engine).get_columns(target.table, schema=target.schema)
    kind = next((c["type"] for c in columns if c["name"].lower() == target.soft_delete.lower()), None)
    is_flag = isinstance(kind, sa.Boolean | sa.Integer) or "bool" in str(kind).lower()
    if is_flag:
        marked = f"COALESCE(CAST({marker} AS INTEGER), 0) <> 0"
        if engine.dialect.name == "mysql":
            marked = f"COALESCE({marker}, 0) <> 0"
    else:
        marked = f"{marker} IS NOT NULL"
    pi = [c for c in target.columns if c.lower() not in {target.soft_delete.lower()}]
    if not pi:
        return marked  # the table holds personal data; a kept row keeps it
    filled = " OR ".join(f"{prep.quote(c)} IS NOT NULL" for c in pi)
    return f"{marked} AND ({filled})"


def _oldest(session: _GxSession, target: TableTarget) -> dt.datetime | None:
    """The oldest anchor value, computed by GE (`expect_column_min_to_be_between`) in the database."""
    batch = session.batch(table=target.table, schema=target.schema)
    expectation = session.gx.expectations.ExpectColumnMinToBeBetween(column=target.retention_anchor)
    observed = session.validate(batch, expectation, "BASIC").get("observed_value")
    return _as_datetime(observed)


def _as_datetime(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    try:
        return dt.datetime.fromisoformat(str(value).strip()).replace(tzinfo=None)
    except ValueError:
        return None


def _log_check(session: _GxSession, target: TableTarget, sample: int) -> list[DataCheck]:
    engine = session.engine
    names = list(target.columns)
    if not names:
        names = [
            c["name"]
            for c in sa.inspect(engine).get_columns(target.table, schema=target.schema)
            if isinstance(c["type"], sa.String | sa.Text | sa.JSON) or _TEXT_TYPE.search(str(c["type"]))
        ]
    if not names:
        return [DataCheck("log_pii", target.resource, 0, 0, {"columns": {}, "kinds": {}})]
    with engine.connect() as conn:
        _, method, rows = _bounded_sample(conn, engine, target.schema, target.table, names, sample)
    per_column: dict[str, dict[str, int]] = {}
    all_hits: list[dict[str, str]] = []
    scanned = 0
    for i, name in enumerate(names):
        hits = [dv.log_hits(t) for t in (dv.as_text(row[i]) for row in rows) if t is not None]
        scanned += len(hits)
        _, kinds, _ = dv.summarise_log_hits(hits)
        if kinds:
            per_column[name] = kinds
        all_hits.extend(hits)
    matched, kinds, exemplars = dv.summarise_log_hits(all_hits)
    details = {"sampling": method, "rows_read": len(rows), "kinds": kinds, "columns": per_column}
    details["masked_exemplars"] = exemplars
    return [DataCheck("log_pii", target.resource, scanned, matched, details)]
