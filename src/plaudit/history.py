"""Run history: every run is stored, so a violation is known as new or still open, and fixes are listed.

The store keeps report fields only (rule, kind, severity, resource, fingerprint, waived, digests, counts);
the report carries no sampled value (SPEC §6), so neither does the store. A run is matched to the previous
run of the same `run.target` and `run.mode`; violations are matched by their stable `fingerprint`.

Use from a command::

    store = RunStore.open(store_url)          # None: .plaudit/history.db in the working directory
    annotate(report, store)                   # adds status / first_seen / fixed / history
    code = exit_code_for(report, fail_level, fail_on)
    store.record(report, code)

`track` does those three steps in one call. One `RunStore` (one engine) may be shared by threads that
record different targets side by side.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, exc
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.pool import StaticPool

from plaudit.errors import ConfigError, PlauditError
from plaudit.model import Severity
from plaudit.scanners.database import redact_url

__all__ = [
    "DEFAULT_STORE",
    "FAIL_ON",
    "SCHEMA_VERSION",
    "RunStore",
    "annotate",
    "exit_code_for",
    "track",
]

#: Where the history lives when `--store` is not given, relative to the working directory.
DEFAULT_STORE = Path(".plaudit") / "history.db"
#: Bump with a migration in `_MIGRATIONS` whenever the tables change.
SCHEMA_VERSION = 1
#: Values of `--fail-on`.
FAIL_ON = ("any", "new")

# Long enough to wait out another run's write (a few hundred rows), short enough to fail a stuck cron job.
_SQLITE_BUSY_TIMEOUT = 30.0
_CONNECT_TIMEOUT = 10
_CREATE_ATTEMPTS = 3
_WRITE_ATTEMPTS = 3
# The drivers plaudit's extras install (SPEC §10), for URLs that name none.
_DEFAULT_DRIVER = {
    "postgresql": "postgresql+psycopg",
    "postgres": "postgresql+psycopg",
    "mysql": "mysql+pymysql",
    "mariadb": "mariadb+pymysql",
}
_EXTRA = {"postgresql": "postgres", "mysql": "mysql", "mariadb": "mysql"}
_STORE_HINT = (
    "check the --store URL (sqlite:///PATH or postgresql://USER@HOST/DB), or leave --store out "
    "to use the local file .plaudit/history.db"
)
_FILE_HINT = (
    "give --store sqlite:///PATH a file in a writable folder, or leave --store out to use "
    ".plaudit/history.db in the working directory"
)
_SERVER_HINT = (
    "check that the server is up and that host, port, database and user in --store are right; "
    "or leave --store out to use the local file .plaudit/history.db"
)
# Shorter strings are scrubbed from nothing: replacing them would mangle words and reveal little.
_MIN_SECRET = 4


class _UTCDateTime(sa.TypeDecorator[dt.datetime]):
    """Timestamps in UTC on every backend: SQLite keeps no offset, so values are stored naive-UTC there."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: sa.Dialect) -> dt.datetime | None:
        if value is None:
            return None
        value = value.astimezone(dt.UTC) if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: sa.Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


_metadata = sa.MetaData()

_meta = sa.Table(
    "plaudit_meta",
    _metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.String(256), nullable=False),
)

_runs = sa.Table(
    "plaudit_runs",
    _metadata,
    # `seq` orders runs as they were recorded (two runs may start in the same second); `id` is the
    # report's `run.id`, the name users see.
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("id", sa.String(64), nullable=False, unique=True),
    sa.Column("target", sa.Text, nullable=False),
    # Targets can be long (many paths, long URLs); a digest keeps the lookup index small on every backend.
    sa.Column("target_key", sa.String(64), nullable=False),
    sa.Column("mode", sa.String(32), nullable=False),
    sa.Column("started_at", _UTCDateTime, nullable=False),
    sa.Column("finished_at", _UTCDateTime, nullable=True),
    sa.Column("policy_digest", sa.String(128), nullable=True),
    sa.Column("catalog_digest", sa.String(128), nullable=True),
    sa.Column("plaudit_version", sa.String(32), nullable=True),
    sa.Column("summary", sa.JSON, nullable=False),
    sa.Column("exit_code", sa.Integer, nullable=False),
    sa.Index("ix_plaudit_runs_target", "target_key", "mode", "seq"),
)

_findings = sa.Table(
    "plaudit_findings",
    _metadata,
    sa.Column("run_id", sa.String(64), sa.ForeignKey("plaudit_runs.id"), primary_key=True),
    sa.Column("fingerprint", sa.String(64), primary_key=True),
    sa.Column("rule", sa.String(128), nullable=False),
    sa.Column("kind", sa.String(64), nullable=True),
    sa.Column("severity", sa.String(16), nullable=False),
    sa.Column("resource", sa.Text, nullable=False),
    sa.Column("waived", sa.Boolean, nullable=False),
    sa.Column("first_seen_run", sa.String(64), nullable=False),
    sa.Column("first_seen_at", _UTCDateTime, nullable=False),
)

# version -> step that upgrades a store from that version to the next; run inside the opening transaction.
_MIGRATIONS: dict[int, Callable[[Connection], None]] = {}


@dataclass(frozen=True)
class _Finding:
    fingerprint: str
    rule: str
    kind: str | None
    severity: str
    resource: str
    waived: bool
    first_seen_run: str
    first_seen_at: dt.datetime


def _rfc3339(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _parse_time(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(f"the report's run time {value!r} is not an RFC 3339 timestamp") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _target_key(target: str) -> str:
    return hashlib.sha256(target.encode("utf-8")).hexdigest()


def _short(text: str, secrets: list[str]) -> str:
    """First line of a driver message, with any credential scrubbed (drivers sometimes echo the DSN)."""
    line = (text.strip().splitlines() or [""])[0].strip()
    for secret in secrets:
        if len(secret) >= _MIN_SECRET:
            line = line.replace(secret, "***")
    return line[:300]


class RunStore:
    """The run history, in a SQLite file or a shared database, over SQLAlchemy Core.

    Holds one engine; safe to share between threads recording different targets. Every method that
    touches the database raises `ConfigError` (URL redacted, with a hint) instead of a driver error.
    """

    def __init__(self, engine: Engine, display: str, secrets: list[str]) -> None:
        self.engine = engine
        #: The store URL with its password hidden: the only form that appears in messages.
        self.display = display
        self._secrets = secrets
        self._hint = _FILE_HINT if engine.dialect.name == "sqlite" else _SERVER_HINT

    # -- opening ------------------------------------------------------------------------------------

    @classmethod
    def open(cls, url: str | None = None) -> RunStore:
        """Open (and create, when missing) the store at `url`.

        `None` is the local SQLite file `.plaudit/history.db`; `sqlite:///PATH` another file;
        `postgresql://USER@HOST/DB` a shared store (psycopg 3 unless a driver is named).
        """
        if url is None:
            parsed = URL.create("sqlite", database=str(DEFAULT_STORE))
        else:
            try:
                parsed = make_url(url)
            except (exc.ArgumentError, ValueError, TypeError):
                raise ConfigError(
                    f"--store {redact_url(url)} is not a database URL", hint=_STORE_HINT
                ) from None
        parsed = parsed.set(drivername=_DEFAULT_DRIVER.get(parsed.drivername, parsed.drivername))
        display = redact_url(parsed)
        secrets = [parsed.password] if isinstance(parsed.password, str) and parsed.password else []
        if url is not None and url not in secrets:
            secrets.append(url)  # a driver echoing the whole DSN would echo the password with it
        store = cls._connect(parsed, display, secrets)
        try:
            store._ensure_schema()
        except BaseException:
            store.close()
            raise
        return store

    @classmethod
    def _connect(cls, url: URL, display: str, secrets: list[str]) -> RunStore:
        failure: tuple[str, str] | None = None
        try:
            engine = cls._create_engine(url)
        except OSError as err:
            folder = Path(url.database or "").parent
            why = "a file of that name exists" if folder.is_file() else (err.strerror or type(err).__name__)
            failure = (f"cannot create folder {folder} ({why})", _FILE_HINT)
        except (exc.NoSuchModuleError, ModuleNotFoundError):
            backend = url.get_backend_name()
            # The extra installs the default driver only; another named driver is the user's to install.
            extra = _EXTRA.get(backend) if _DEFAULT_DRIVER.get(backend) == url.drivername else None
            failure = (
                f"no database driver for {url.drivername}",
                f"install it with `pip install 'plaudit[{extra}]'`"
                if extra
                else f"install the driver {url.drivername} names, or use a sqlite:/// or postgresql:// store",
            )
        except exc.ArgumentError as err:
            failure = (f"invalid URL ({_short(str(err), secrets)})", _STORE_HINT)
        if failure is not None:
            # Raised outside the `except` so no driver exception (which might hold the DSN) is chained.
            raise ConfigError(f"run history store {display}: {failure[0]}", hint=failure[1])
        return cls(engine, display, secrets)

    @staticmethod
    def _create_engine(url: URL) -> Engine:
        if url.get_backend_name() != "sqlite":
            args: dict[str, Any] = {}
            if url.get_backend_name() == "postgresql":
                args["connect_timeout"] = _CONNECT_TIMEOUT
            # pre_ping: a nightly scan can hold the store open for hours between reading and recording.
            return sa.create_engine(url, pool_pre_ping=True, connect_args=args)

        database = url.database or ""
        memory = database in ("", ":memory:")
        if not memory and not url.query.get("uri"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(
            url,
            connect_args={"timeout": _SQLITE_BUSY_TIMEOUT, "check_same_thread": False},
            # An in-memory store lives in one connection; share it, or each thread would see its own.
            **({"poolclass": StaticPool} if memory else {}),
        )

        # The driver's deferred BEGIN lets two writers both read and then fail on the upgrade to a write
        # lock without waiting; BEGIN IMMEDIATE takes the write lock up front, so the busy timeout applies.
        @event.listens_for(engine, "connect")
        def _autocommit_driver(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin_immediate(connection: Connection) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine

    def read_error(self, err: Exception) -> ConfigError:
        """A failed read, as the user sees it; the driver's message is left out (it can quote the URL)."""
        return ConfigError(
            f"run history store {self.display}: cannot read the runs ({type(err).__name__})",
            hint="check that --store points at a store plaudit wrote (plaudit scan db --store URL)",
        )

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> RunStore:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _guard(self, action: str) -> Iterator[None]:
        """Turn any database or file error into one `ConfigError` line with the URL redacted."""
        failure: str | None = None
        try:
            yield
        except PlauditError:
            raise
        except exc.DBAPIError as err:
            failure = _short(str(err.orig), self._secrets)
        except (exc.SQLAlchemyError, OSError, sqlite3.Error) as err:
            failure = _short(str(err), self._secrets) or type(err).__name__
        if failure is not None:
            raise ConfigError(
                f"run history store {self.display}: cannot {action}: {failure}", hint=self._hint
            )

    def _ensure_schema(self) -> None:
        with self._guard("open the store"):
            # Runs started together may create a fresh shared store at once; the losers of that race see
            # "already exists" or a duplicate key, and on a retry find the tables. Connecting is outside the
            # retry so an unreachable server fails at once.
            for attempt in range(_CREATE_ATTEMPTS):
                with self.engine.connect() as conn:
                    try:
                        with conn.begin():
                            self._create_or_migrate(conn)
                        return
                    except (exc.IntegrityError, exc.OperationalError, exc.ProgrammingError):
                        if attempt == _CREATE_ATTEMPTS - 1:
                            raise
                time.sleep(0.05 * (attempt + 1))

    def _create_or_migrate(self, conn: Connection) -> None:
        version: int | None = None
        if sa.inspect(conn).has_table(_meta.name):
            raw = conn.execute(
                sa.select(_meta.c.value).where(_meta.c.key == "schema_version")
            ).scalar_one_or_none()
            if raw is not None:
                try:
                    version = int(raw)
                except ValueError:
                    raise ConfigError(
                        f"run history store {self.display}: schema_version {raw!r} is not a number",
                        hint="point --store at a store plaudit created",
                    ) from None
        # Checked before anything is created, so an older plaudit never adds its tables to a newer store.
        if version is not None and version > SCHEMA_VERSION:
            raise ConfigError(
                f"run history store {self.display} was created by a newer plaudit "
                f"(schema version {version}; this plaudit knows up to {SCHEMA_VERSION})",
                hint="upgrade plaudit, or point --store at another store",
            )
        _metadata.create_all(conn, checkfirst=True)
        if version is None:
            conn.execute(sa.insert(_meta).values(key="schema_version", value=str(SCHEMA_VERSION)))
            return
        while version < SCHEMA_VERSION:
            _MIGRATIONS[version](conn)
            version += 1
            conn.execute(sa.update(_meta).where(_meta.c.key == "schema_version").values(value=str(version)))

    # -- reading ------------------------------------------------------------------------------------

    def previous(self, report: Mapping[str, Any]) -> tuple[str | None, dict[str, _Finding]]:
        """The id and findings (by fingerprint) of the last recorded run of this report's target and mode."""
        run = report["run"]
        with self._guard("read the previous run"), self.engine.connect() as conn:
            return self._previous(conn, run["target"], run["mode"], exclude=run["id"])

    @staticmethod
    def _previous(
        conn: Connection, target: str, mode: str, *, exclude: str
    ) -> tuple[str | None, dict[str, _Finding]]:
        prev = conn.execute(
            sa.select(_runs.c.id)
            .where(_runs.c.target_key == _target_key(target), _runs.c.mode == mode, _runs.c.id != exclude)
            .order_by(_runs.c.seq.desc())
            .limit(1)
        ).scalar_one_or_none()
        if prev is None:
            return None, {}
        rows = conn.execute(
            sa.select(
                _findings.c.fingerprint,
                _findings.c.rule,
                _findings.c.kind,
                _findings.c.severity,
                _findings.c.resource,
                _findings.c.waived,
                _findings.c.first_seen_run,
                _findings.c.first_seen_at,
            ).where(_findings.c.run_id == prev)
        )
        return prev, {row.fingerprint: _Finding(**row._mapping) for row in rows}

    def runs(self, target: str | None = None, *, limit: int = 50) -> list[dict[str, Any]]:
        """Recorded runs, newest first (all targets, or one): for trend reports and for inspection."""
        query = sa.select(
            _runs.c.id,
            _runs.c.target,
            _runs.c.mode,
            _runs.c.started_at,
            _runs.c.finished_at,
            _runs.c.policy_digest,
            _runs.c.catalog_digest,
            _runs.c.summary,
            _runs.c.exit_code,
        ).order_by(_runs.c.seq.desc())
        if target is not None:
            query = query.where(_runs.c.target_key == _target_key(target))
        with self._guard("list runs"), self.engine.connect() as conn:
            rows = conn.execute(query.limit(limit)).mappings().all()
        return [
            {
                **row,
                "started_at": _rfc3339(row["started_at"]),
                "finished_at": _rfc3339(row["finished_at"]) if row["finished_at"] else None,
            }
            for row in rows
        ]

    # -- writing ------------------------------------------------------------------------------------

    def record(self, report: Mapping[str, Any], exit_code: int) -> None:
        """Save the run and its findings in one transaction.

        First-seen times are carried over from the previous run of the same target, as `annotate`
        reports them. Recording the same run id again replaces it.
        """
        run = report["run"]
        started = _parse_time(run["started_at"])
        finished = _parse_time(run["finished_at"]) if run.get("finished_at") else None
        run_row = {
            "id": run["id"],
            "target": run["target"],
            "target_key": _target_key(run["target"]),
            "mode": run["mode"],
            "started_at": started,
            "finished_at": finished,
            "policy_digest": run.get("policy_digest"),
            "catalog_digest": run.get("catalog_digest"),
            "plaudit_version": report.get("plaudit_version"),
            "summary": report.get("summary", {}),
            "exit_code": exit_code,
        }
        # Servers may pick one of two concurrent transactions as a deadlock victim (InnoDB does, on index
        # gaps); the transaction is whole, so running it again is safe. SQLite serialises writers instead.
        attempts = 1 if self.engine.dialect.name == "sqlite" else _WRITE_ATTEMPTS
        with self._guard("record the run"):
            for attempt in range(attempts):
                try:
                    with self.engine.begin() as conn:
                        self._write(conn, run_row, report["violations"], _unjudged(report))
                    return
                except exc.OperationalError:
                    if attempt == attempts - 1:
                        raise
                time.sleep(0.05 * (attempt + 1))

    def _write(
        self,
        conn: Connection,
        run: dict[str, Any],
        violations: list[dict[str, Any]],
        unjudged: tuple[set[str], set[str]],
    ) -> None:
        exists = conn.execute(sa.select(_runs.c.seq).where(_runs.c.id == run["id"])).first()
        if exists:  # only when needed: a DELETE of a missing key takes gap locks that collide with inserts
            conn.execute(sa.delete(_findings).where(_findings.c.run_id == run["id"]))
            conn.execute(sa.delete(_runs).where(_runs.c.id == run["id"]))
        _, before = self._previous(conn, run["target"], run["mode"], exclude=run["id"])
        conn.execute(sa.insert(_runs).values(**run))
        rows: dict[str, dict[str, Any]] = {}
        for v in violations:
            fp = v["fingerprint"]
            if fp in rows:
                continue  # same rule on the same resource twice: one finding
            seen = before.get(fp)
            rows[fp] = {
                "run_id": run["id"],
                "fingerprint": fp,
                "rule": v["rule"],
                "kind": v.get("kind"),
                "severity": v["severity"],
                "resource": v["resource"],
                "waived": bool(v.get("waived")),
                "first_seen_run": seen.first_seen_run if seen else run["id"],
                "first_seen_at": seen.first_seen_at if seen else run["started_at"],
            }
        # Findings of rules this run did not judge (--skip-rules, overrides) are carried over as they
        # were: a later full run must see them as open, not new, and this one must not call them fixed.
        skipped, dropped = unjudged
        for fp, f in before.items():
            if fp not in rows and (f.rule in skipped or fp in dropped):
                rows[fp] = {
                    "run_id": run["id"],
                    "fingerprint": fp,
                    "rule": f.rule,
                    "kind": f.kind,
                    "severity": f.severity,
                    "resource": f.resource,
                    "waived": f.waived,
                    "first_seen_run": f.first_seen_run,
                    "first_seen_at": f.first_seen_at,
                }
        if rows:
            conn.execute(sa.insert(_findings), list(rows.values()))


def _unjudged(report: Mapping[str, Any]) -> tuple[set[str], set[str]]:
    """(rules skipped, fingerprints dropped by overrides) of a run with a rule selection."""
    selection = report.get("selection") or {}
    skipped = {str(r) for r in selection.get("skipped_rules") or ()}
    dropped = {str(o.get("fingerprint")) for o in selection.get("overridden") or () if isinstance(o, dict)}
    return skipped, dropped


def annotate(report: dict[str, Any], store: RunStore) -> dict[str, Any]:
    """Mark each violation `new` or `open` against the previous run of the same target, list what was fixed.

    Extends `report` in place and returns it. Each violation gains `status`, `first_seen` (RFC 3339; kept
    from the run that first saw it) and `previously_waived` (waived in the previous run: a lapsed waiver
    counts as new for `--fail-on new`). The report gains `fixed` (findings of the previous run that are
    gone, leaving out those of rules this run did not judge: `report["selection"]`) and `history`
    (`previous_run` and the three counts). Nothing is written: `record` does that.
    """
    previous_run, before = store.previous(report)
    started = _rfc3339(_parse_time(report["run"]["started_at"]))
    present: set[str] = set()
    counts = {"new": 0, "open": 0}
    for v in report["violations"]:
        fp = v["fingerprint"]
        seen = before.get(fp)
        v["status"] = "open" if seen else "new"
        v["first_seen"] = _rfc3339(seen.first_seen_at) if seen else started
        v["previously_waived"] = bool(seen and seen.waived)
        if fp not in present:  # a duplicated fingerprint is one finding, as in the store
            counts[v["status"]] += 1
            present.add(fp)
    skipped, dropped = _unjudged(report)
    gone = sorted(
        (f for fp, f in before.items() if fp not in present and f.rule not in skipped and fp not in dropped),
        key=lambda f: (-_rank(f.severity), f.rule, f.resource),
    )
    report["fixed"] = [
        {
            "fingerprint": f.fingerprint,
            "rule": f.rule,
            "kind": f.kind,
            "severity": f.severity,
            "resource": f.resource,
            "first_seen": _rfc3339(f.first_seen_at),
        }
        for f in gone
    ]
    report["history"] = {"previous_run": previous_run, **counts, "fixed": len(gone)}
    return report


def _rank(severity: str) -> int:
    try:
        return Severity(severity).rank
    except ValueError:
        return 0


def exit_code_for(report: Mapping[str, Any], fail_level: str, fail_on: str) -> int:
    """1 when an unwaived violation at or above `fail_level` should fail the run, else 0 (SPEC §2).

    `fail_on="any"`: every such violation counts. `fail_on="new"`: only those `annotate` marked `new`, or
    whose waiver lapsed since the previous run; a report that was never annotated counts as all new.

    >>> v = {"severity": "high", "waived": False, "status": "open", "previously_waived": False}
    >>> exit_code_for({"violations": [v]}, "high", "any"), exit_code_for({"violations": [v]}, "high", "new")
    (1, 0)
    """
    if fail_on not in FAIL_ON:
        raise ConfigError(f"--fail-on {fail_on!r} is not one of: {', '.join(FAIL_ON)}")
    try:
        floor = Severity(fail_level).rank
    except ValueError:
        levels = ", ".join(s.value for s in Severity)
        raise ConfigError(f"--fail-level {fail_level!r} is not one of: {levels}") from None
    for v in report["violations"]:
        if v.get("waived") or Severity(v["severity"]).rank < floor:
            continue
        if fail_on == "any" or v.get("status", "new") == "new" or v.get("previously_waived"):
            return 1
    return 0


def track(report: dict[str, Any], store: RunStore, *, fail_level: str, fail_on: str) -> int:
    """Annotate `report`, decide its exit code, record the run; returns the exit code."""
    annotate(report, store)
    code = exit_code_for(report, fail_level, fail_on)
    store.record(report, code)
    return code


# ------------------------------------------------------------------------------ reading for reports

#: Runs a trend shows by default (`plaudit report --runs`).
TREND_RUNS = 30


def trend_points(
    store: RunStore, report: Mapping[str, Any], *, limit: int = TREND_RUNS
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
        raise store.read_error(err) from None

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
        "started_at": _as_rfc3339(started) or "",
        "open": dict(summary.get("violations") or {}),
        "waived": int(summary.get("waived") or 0),
        "new": None if previous is None else len(current - previous),
        "fixed": None if previous is None else len(previous - current),
    }


def _as_rfc3339(value: Any) -> str | None:
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
        raise store.read_error(err) from None
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
                "first_seen": _as_rfc3339(f["first_seen_at"]),
            }
        )
    return {
        "plaudit_version": row["plaudit_version"],
        "run": {
            "id": row["id"],
            "mode": row["mode"],
            "target": row["target"],
            "started_at": _as_rfc3339(row["started_at"]),
            "finished_at": _as_rfc3339(row["finished_at"]),
            "policy_digest": row["policy_digest"],
            "catalog_digest": row["catalog_digest"],
        },
        "columns": [],
        "violations": violations,
        "errors": [],
        "summary": summary,
        "waivers": [],
    }
