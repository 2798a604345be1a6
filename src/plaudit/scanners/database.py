"""Live database scanner: inventory schemas, tables, columns, comments and views over SQLAlchemy.

Safety first (SPEC §9): every connection is read-only and every statement bounded by a timeout;
a missing SQLite file is an error, never a new empty database; a URL is redacted before it appears
in anything this module returns or raises. An object that cannot be read becomes a `ScanError` and
the scan goes on with the rest.

Reflection goes through `sqlalchemy.inspect`, with the batched `get_multi_*` calls where a dialect
implements them (one query per schema on PostgreSQL and MariaDB instead of one per table). What a
dialect adds beyond the inspector (session guards, grants, row-level security and server settings)
lives in a `DialectSupport` subclass, chosen by the URL's backend name.

What `collect()` stores in `SchemaModel.settings` (a key is absent when the account may not read it):

- every dialect: `dialect` (postgresql, mysql, sqlite, duckdb);
- postgresql: `ssl`, `log_statement`, `log_connections`, `shared_preload_libraries`, `pgaudit_loaded`,
  `pgaudit.log`, `server_version`, `row_security` and `row_security_forced` (`{"schema.table": true}`);
- mysql / mariadb: `require_secure_transport`, `have_ssl`, `version`, `audit_plugin`.
"""

from __future__ import annotations

import contextlib
import fnmatch
import math
import os
import re
import threading
import time
import urllib.parse
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy import event, exc
from sqlalchemy.engine import URL, Connection, Engine, Inspector, make_url
from sqlalchemy.engine.reflection import ObjectKind
from sqlalchemy.types import NullType

from plaudit.errors import ConfigError, MissingExtraError, ScanConnectionError
from plaudit.model import Column, Grant, Location, ScanError, SchemaModel, Table

__all__ = ["DialectSupport", "create_readonly_engine", "redact_url", "scan_database"]

# Query-string keys that carry credentials (`?password=`, `?sslpassword=`, `?token=`).
_SECRET_QUERY_KEY = re.compile(r"pass|pwd|secret|token|credential", re.IGNORECASE)
_REDACTED = "***"


def redact_url(url: str | URL) -> str:
    """The URL with its password (and any credential in the query string) replaced by `***`.

    >>> redact_url("postgresql://app:s3cret@db:5432/lending")
    'postgresql://app:***@db:5432/lending'
    """
    try:
        parsed = make_url(url)
    except (exc.ArgumentError, ValueError, TypeError):
        # Unparseable: echoing it could print a password, so say only what it was meant to be.
        return "<unparseable database URL>"
    placeholder = "PLAUDITREDACTED"  # survives URL quoting, unlike "***"
    secret_keys = [key for key in parsed.query if _SECRET_QUERY_KEY.search(key)]
    if secret_keys:
        parsed = parsed.update_query_dict(dict.fromkeys(secret_keys, placeholder))
    return parsed.render_as_string(hide_password=True).replace(placeholder, _REDACTED)


def _secrets(url: URL) -> list[str]:
    """Raw credential strings of a URL, to scrub from driver messages that might echo them."""
    found = [url.password] if isinstance(url.password, str) and url.password else []
    for key, value in url.query.items():
        if _SECRET_QUERY_KEY.search(key):
            found.extend(v for v in ([value] if isinstance(value, str) else value) if v)
    return found


# ---------------------------------------------------------------------------------------------------
# Dialect support
# ---------------------------------------------------------------------------------------------------


class DialectSupport:
    """What one database family needs beyond SQLAlchemy's inspector.

    Subclasses make sessions read-only and time-bounded, hide system schemas, and collect grants,
    row-level security and server settings into the model.
    """

    backends: ClassVar[tuple[str, ...]] = ()
    #: `settings["dialect"]`: one name per family (MariaDB is `mysql`); None: the engine's own name.
    family: ClassVar[str | None] = None
    system_schemas: ClassVar[frozenset[str]] = frozenset({"information_schema"})
    extra: ClassVar[str | None] = None  # the plaudit extra that installs the driver
    #: A first statement proving the target is a database at all (SQLite opens any file lazily).
    probe_sql: ClassVar[str | None] = None

    def prepare_url(self, url: URL, target: str) -> URL:
        """Rewrite the URL before connecting (read-only flags, driver options)."""
        return url

    def engine_options(self, statement_timeout: float) -> dict[str, Any]:
        return {}

    def install(self, engine: Engine, statement_timeout: float) -> None:
        """Attach event listeners that guard every new session of `engine`."""

    def schemas(self, inspector: Inspector) -> list[str]:
        return [s for s in inspector.get_schema_names() if s.lower() not in self.system_schemas]

    def label(self, conn: Connection, schema: str) -> str:
        """The schema's name in resources and `--include` patterns (the inspector's name by default)."""
        return schema

    def columns(
        self, conn: Connection, schema: str, names: list[str]
    ) -> dict[str, list[dict[str, Any]]] | None:
        """Columns of `names` in the inspector's shape, or None to ask the inspector."""
        return None

    def collect(self, scan: _Scan) -> None:
        """Grants, row-level security and server settings of this database family: none by default.

        `scan.rows()` runs one catalog query and turns its failure into a `ScanError`, so that an
        unreadable catalog view costs only the facts it would have given.
        """


def _run_on_connect(engine: Engine, statements: Callable[[], Iterable[str]], *, commit: bool) -> None:
    @event.listens_for(engine, "connect")
    def _guard(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        try:
            for statement in statements():
                cursor.execute(statement)
        finally:
            cursor.close()
        if commit:
            # PostgreSQL's SET is transactional: without a commit the pool's reset would undo it.
            dbapi_conn.commit()


class SQLiteSupport(DialectSupport):
    backends = ("sqlite",)
    family = "sqlite"
    system_schemas = frozenset({"temp"})
    probe_sql = "SELECT count(*) FROM sqlite_master"

    def prepare_url(self, url: URL, target: str) -> URL:
        database = url.database or ""
        if database in ("", ":memory:") or database.startswith("file::memory:"):
            return url
        if database.startswith("file:"):
            raw = urllib.parse.urlsplit(database).path if database.startswith("file://") else database[5:]
            path = urllib.parse.unquote(raw.split("?", 1)[0])
        else:
            path = database
        path = os.path.abspath(path)
        if not os.path.isfile(path):
            # Opening a missing file would create it: an audit must never leave a new database behind.
            raise ScanConnectionError(
                "SQLite database file does not exist",
                path=target,
                hint="check the path in the URL; plaudit opens databases read-only and never creates them",
            )
        query = {k: v for k, v in url.query.items() if k not in ("mode", "uri", "immutable")}
        query.update({"mode": "ro", "uri": "true"})
        return url.set(database="file:" + urllib.parse.quote(path), query=query)

    def engine_options(self, statement_timeout: float) -> dict[str, Any]:
        # `timeout` is how long to wait on a writer's lock before giving up.
        return {"connect_args": {"timeout": statement_timeout}}

    def install(self, engine: Engine, statement_timeout: float) -> None:
        # SQLite has no statement timeout; a progress handler aborts a statement past its deadline.
        @event.listens_for(engine, "connect")
        def _guard(dbapi_conn: Any, record: Any) -> None:
            deadline = [math.inf]
            record.info["plaudit_deadline"] = deadline
            dbapi_conn.set_progress_handler(lambda: 1 if time.monotonic() > deadline[0] else 0, 10_000)
            # A second lock on the door besides mode=ro: refuse writes at the SQL level too.
            dbapi_conn.execute("PRAGMA query_only = ON")

        @event.listens_for(engine, "before_cursor_execute")
        def _arm(conn: Connection, *_args: Any) -> None:
            deadline = conn.connection.info.get("plaudit_deadline")
            if deadline is not None:
                deadline[0] = time.monotonic() + statement_timeout


class PostgreSQLSupport(DialectSupport):
    backends = ("postgresql",)
    family = "postgresql"
    system_schemas = frozenset({"information_schema", "pg_catalog", "pg_toast"})
    extra = "postgres"

    # Table and view privileges from the ACL itself: information_schema.role_table_grants hides grants
    # to PUBLIC in some versions and shows only what the current role may see. Grantee 0 is PUBLIC.
    # The owner's own (implicit) privileges say nothing about who else can read.
    _TABLE_GRANTS = """
        SELECT n.nspname, c.relname, a.privilege_type,
               CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(a.grantee) END
        FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        CROSS JOIN LATERAL pg_catalog.aclexplode(c.relacl) a
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND c.relacl IS NOT NULL
          AND n.nspname = ANY(%(schemas)s) AND a.grantee <> c.relowner
        ORDER BY 1, 2, 4, 3
    """
    # Column privileges live in pg_attribute.attacl, apart from the table's: a table-wide grant is
    # not repeated there (information_schema.column_privileges would repeat it for every column).
    _COLUMN_GRANTS = """
        SELECT n.nspname, c.relname, a.privilege_type,
               CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(a.grantee) END,
               att.attname
        FROM pg_catalog.pg_attribute att
        JOIN pg_catalog.pg_class c ON c.oid = att.attrelid
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        CROSS JOIN LATERAL pg_catalog.aclexplode(att.attacl) a
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND att.attacl IS NOT NULL
          AND att.attnum > 0 AND NOT att.attisdropped
          AND n.nspname = ANY(%(schemas)s) AND a.grantee <> c.relowner
        ORDER BY 1, 2, 4, 3, att.attnum
    """
    _ROW_SECURITY = """
        SELECT n.nspname, c.relname, c.relforcerowsecurity
        FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND c.relrowsecurity AND n.nspname = ANY(%(schemas)s)
        ORDER BY 1, 2
    """
    # pg_settings leaves out what the role may not read (shared_preload_libraries needs
    # pg_read_all_settings), where current_setting() would fail: absent, not an error.
    _SETTINGS = """
        SELECT name, setting FROM pg_catalog.pg_settings
        WHERE name IN ('ssl', 'log_statement', 'log_connections', 'shared_preload_libraries',
                       'pgaudit.log', 'server_version')
    """

    def install(self, engine: Engine, statement_timeout: float) -> None:
        ms = max(1, int(statement_timeout * 1000))
        _run_on_connect(
            engine,
            lambda: (
                "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
                f"SET statement_timeout = {ms}",
            ),
            commit=True,
        )

    def schemas(self, inspector: Inspector) -> list[str]:
        return [s for s in super().schemas(inspector) if not s.lower().startswith("pg_temp")]

    def collect(self, scan: _Scan) -> None:
        model = scan.model
        params = {"schemas": list(scan.schemas)}
        rows = scan.rows(self._TABLE_GRANTS, params, "pg_catalog.pg_class", doing="cannot read table grants")
        for schema, table, privilege, grantee in rows or ():
            if scan.in_scope(schema, table):
                model.grants.append(
                    Grant(privilege.upper(), table, grantee, schema, (), scan.loc(schema, table))
                )
        rows = scan.rows(
            self._COLUMN_GRANTS, params, "pg_catalog.pg_attribute", doing="cannot read column grants"
        )
        scan.add_column_grants(
            (schema, table, privilege.upper(), grantee, column)
            for schema, table, privilege, grantee, column in rows or ()
        )
        rows = scan.rows(self._ROW_SECURITY, params, "pg_catalog.pg_class", doing="cannot read row security")
        if rows is not None:
            selected = [(s, t, forced) for s, t, forced in rows if scan.in_scope(s, t)]
            model.settings["row_security"] = {f"{s}.{t}": True for s, t, _ in selected}
            model.settings["row_security_forced"] = {f"{s}.{t}": True for s, t, forced in selected if forced}
        rows = scan.rows(self._SETTINGS, None, "pg_catalog.pg_settings", doing="cannot read server settings")
        for name, value in rows or ():
            model.settings[name] = value
        libraries = model.settings.get("shared_preload_libraries")
        if isinstance(libraries, str):
            loaded = {lib.strip().strip('"').lower() for lib in libraries.split(",")}
            model.settings["pgaudit_loaded"] = "pgaudit" in loaded


class MySQLSupport(DialectSupport):
    backends = ("mysql", "mariadb")
    family = "mysql"
    system_schemas = frozenset({"information_schema", "mysql", "performance_schema", "sys"})
    extra = "mysql"

    # information_schema shows every account's grants to an account that may read mysql.*, and only
    # its own to others: a partial answer, never an error. GRANTEE reads 'app'@'%'.
    _TABLE_GRANTS = """
        SELECT TABLE_SCHEMA, TABLE_NAME, PRIVILEGE_TYPE, GRANTEE
        FROM information_schema.TABLE_PRIVILEGES ORDER BY 1, 2, 4, 3
    """
    _COLUMN_GRANTS = """
        SELECT TABLE_SCHEMA, TABLE_NAME, PRIVILEGE_TYPE, GRANTEE, COLUMN_NAME
        FROM information_schema.COLUMN_PRIVILEGES ORDER BY 1, 2, 4, 3
    """
    _SCHEMA_GRANTS = """
        SELECT TABLE_SCHEMA, PRIVILEGE_TYPE, GRANTEE
        FROM information_schema.SCHEMA_PRIVILEGES ORDER BY 1, 3, 2
    """
    # SHOW VARIABLES needs no privilege and answers on MySQL and MariaDB alike.
    _SETTINGS = """
        SHOW GLOBAL VARIABLES
        WHERE Variable_name IN ('require_secure_transport', 'have_ssl', 'version')
    """
    _AUDIT_PLUGINS = """
        SELECT PLUGIN_NAME FROM information_schema.PLUGINS
        WHERE LOCATE('audit', LOWER(PLUGIN_NAME)) > 0 AND PLUGIN_STATUS = 'ACTIVE'
    """

    def install(self, engine: Engine, statement_timeout: float) -> None:
        @event.listens_for(engine, "connect")
        def _guard(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            try:
                cursor.execute("SET SESSION TRANSACTION READ ONLY")
                try:  # MariaDB: seconds, every statement
                    cursor.execute(f"SET SESSION max_statement_time = {float(statement_timeout)}")
                except Exception:  # MySQL: milliseconds, SELECT only
                    cursor.execute(
                        f"SET SESSION max_execution_time = {max(1, int(statement_timeout * 1000))}"
                    )
            finally:
                cursor.close()

    def collect(self, scan: _Scan) -> None:
        model = scan.model
        where = "information_schema"
        rows = scan.rows(
            self._TABLE_GRANTS, None, f"{where}.TABLE_PRIVILEGES", doing="cannot read table grants"
        )
        for schema, table, privilege, grantee in rows or ():
            if scan.in_scope(schema, table):
                model.grants.append(
                    Grant(
                        privilege.upper(), table, _mysql_grantee(grantee), schema, (), scan.loc(schema, table)
                    )
                )
        rows = scan.rows(
            self._COLUMN_GRANTS, None, f"{where}.COLUMN_PRIVILEGES", doing="cannot read column grants"
        )
        scan.add_column_grants(
            (schema, table, privilege.upper(), _mysql_grantee(grantee), column)
            for schema, table, privilege, grantee, column in rows or ()
        )
        rows = scan.rows(
            self._SCHEMA_GRANTS, None, f"{where}.SCHEMA_PRIVILEGES", doing="cannot read schema grants"
        )
        # A database-level grant reaches every table of the schema, now and later: table "*". Only
        # schemas this scan looked at (it means something only through their tables). Its name is a
        # LIKE pattern (`app\_%`.* covers app_prod and app_test).
        scanned = sorted({t.schema for t in model.tables.values() if t.schema})
        for pattern, privilege, grantee in rows or ():
            for schema in scanned:
                if _like(pattern, schema):
                    model.grants.append(
                        Grant(privilege.upper(), "*", _mysql_grantee(grantee), schema, (), scan.loc(schema))
                    )
        rows = scan.rows(self._SETTINGS, None, "global variables", doing="cannot read server settings")
        for name, value in rows or ():
            model.settings[str(name).lower()] = value
        rows = scan.rows(self._AUDIT_PLUGINS, None, f"{where}.PLUGINS", doing="cannot read plugins")
        if rows is not None:
            model.settings["audit_plugin"] = bool(rows)


def _mysql_grantee(grantee: str) -> str:
    """`'app'@'%'` stays as MySQL prints it; MariaDB 11's PUBLIC role reads `PUBLIC` like PostgreSQL's."""
    bare = grantee.replace("'", "").replace("`", "")
    return "PUBLIC" if bare.upper() in ("PUBLIC", "PUBLIC@") else grantee


def _like(pattern: str, name: str) -> bool:
    """MySQL's LIKE on a database-grant name: `%` any run, `_` one character, `\\` escapes.

    Database names compare case-sensitively on Linux servers (lower_case_table_names=0), as here.
    """
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "%" else "." if ch == "_" else re.escape(ch))
        i += 1
    return re.fullmatch("".join(out), name, re.DOTALL) is not None


class DuckDBSupport(DialectSupport):
    """DuckDB files through duckdb-engine, opened with `read_only` (a second writer is refused too).

    duckdb-engine names schemas `<catalog>.<schema>` and its column reflection breaks on
    SQLAlchemy 2.1 (it queries pg_collation, which DuckDB lacks), so columns come from
    duckdb_columns() and the file's own catalog prefix is dropped from schema names.
    """

    backends = ("duckdb",)
    family = "duckdb"
    extra = "duckdb"
    _system_catalogs = frozenset({"system", "temp"})
    _system_schemas = frozenset({"information_schema", "pg_catalog"})

    def __init__(self) -> None:
        self._catalog: str | None = None

    def prepare_url(self, url: URL, target: str) -> URL:
        database = url.database or ""
        if database in ("", ":memory:") or database.startswith(("md:", "motherduck:")):
            return url
        if not os.path.isfile(os.path.abspath(database)):
            # DuckDB creates a missing file on connect: an audit must never leave a new database behind.
            raise ScanConnectionError(
                "DuckDB database file does not exist",
                path=target,
                hint="check the path in the URL; plaudit opens databases read-only and never creates them",
            )
        return url

    def engine_options(self, statement_timeout: float) -> dict[str, Any]:
        return {"connect_args": {"read_only": True}}

    def install(self, engine: Engine, statement_timeout: float) -> None:
        # DuckDB has no statement timeout; a timer interrupts a statement past its deadline.
        @event.listens_for(engine, "before_cursor_execute")
        def _arm(conn: Connection, *_args: Any) -> None:
            dbapi = conn.connection.dbapi_connection
            if dbapi is None:
                return
            timer = threading.Timer(statement_timeout, dbapi.interrupt)
            timer.daemon = True
            conn.info["plaudit_timer"] = timer
            timer.start()

        def _disarm(conn: Connection | None) -> None:
            timer = conn.info.pop("plaudit_timer", None) if conn is not None else None
            if timer is not None:
                timer.cancel()

        event.listen(engine, "after_cursor_execute", lambda conn, *_args: _disarm(conn))
        event.listen(engine, "handle_error", lambda context: _disarm(context.connection))

    def schemas(self, inspector: Inspector) -> list[str]:
        found = []
        for name in inspector.get_schema_names():
            catalog, _, schema = name.rpartition(".")
            if catalog.lower() not in self._system_catalogs and schema.lower() not in self._system_schemas:
                found.append(name)
        return found

    def catalog(self, conn: Connection) -> str:
        if self._catalog is None:
            self._catalog = str(conn.exec_driver_sql("SELECT current_database()").scalar())
        return self._catalog

    def label(self, conn: Connection, schema: str) -> str:
        catalog, _, name = schema.rpartition(".")
        return name if catalog == self.catalog(conn) else schema

    def columns(
        self, conn: Connection, schema: str, names: list[str]
    ) -> dict[str, list[dict[str, Any]]] | None:
        catalog, _, name = schema.rpartition(".")
        rows = conn.exec_driver_sql(
            "SELECT table_name, column_name, data_type, is_nullable, comment FROM duckdb_columns() "
            "WHERE database_name = ? AND schema_name = ? ORDER BY table_name, column_index",
            (catalog or self.catalog(conn), name),
        )
        wanted = set(names)
        found: dict[str, list[dict[str, Any]]] = {}
        for table, column, type_, nullable, comment in rows:
            if table in wanted:
                found.setdefault(table, []).append(
                    {"name": column, "type": type_, "nullable": nullable, "comment": comment or None}
                )
        return found


_SUPPORT: tuple[type[DialectSupport], ...] = (SQLiteSupport, PostgreSQLSupport, MySQLSupport, DuckDBSupport)
_EXTRA_FOR_DRIVER = {"psycopg": "postgres", "psycopg2": "postgres", "pymysql": "mysql", "duckdb": "duckdb"}


# The drivers plaudit's extras install. A bare `mysql://` would make SQLAlchemy look for mysqlclient,
# which `plaudit[mysql]` does not bring; users write the bare form, so the installed driver is named.
_DEFAULT_DRIVER = {
    "postgresql": "postgresql+psycopg",
    "postgres": "postgresql+psycopg",
    "mysql": "mysql+pymysql",
    "mariadb": "mariadb+pymysql",
}


def _with_default_driver(url: URL) -> URL:
    return url.set(drivername=_DEFAULT_DRIVER.get(url.drivername, url.drivername))


def _support_for(url: URL) -> DialectSupport:
    backend = url.get_backend_name()
    for cls in _SUPPORT:
        if backend in cls.backends:
            return cls()
    return DialectSupport()


# ---------------------------------------------------------------------------------------------------
# Engine
# ---------------------------------------------------------------------------------------------------


def create_readonly_engine(
    url: str | URL, *, statement_timeout: float = 30.0
) -> tuple[Engine, DialectSupport]:
    """An engine whose every session is read-only and time-bounded, with its dialect support.

    Raises `ConfigError` for a malformed URL or unknown dialect, `MissingExtraError` when the driver
    is not installed, `ScanConnectionError` for a missing SQLite file. Messages hold the redacted URL.
    """
    target = redact_url(url)
    try:
        parsed = _with_default_driver(make_url(url))
    except (exc.ArgumentError, ValueError, TypeError):
        raise ConfigError(
            "not a valid database URL",
            hint="use a SQLAlchemy URL such as postgresql://user@host:5432/db or sqlite:///path/to.db",
        ) from None
    support = _support_for(parsed)
    prepared = support.prepare_url(parsed, target)
    try:
        engine = sa.create_engine(prepared, **support.engine_options(statement_timeout))
    except exc.NoSuchModuleError:
        raise ConfigError(
            f"unknown database dialect '{parsed.drivername}'",
            path=target,
            hint="plaudit speaks sqlite, postgresql, mysql/mariadb and duckdb URLs",
        ) from None
    except ImportError as err:
        extra = _EXTRA_FOR_DRIVER.get((err.name or "").split(".")[0]) or support.extra
        raise MissingExtraError(
            f"the database driver for '{parsed.drivername}' is not installed",
            path=target,
            hint=f"pip install 'plaudit[{extra}]'" if extra else "install the driver SQLAlchemy names",
        ) from None
    except exc.ArgumentError as err:
        raise ConfigError(_scrub(str(err), parsed, target), path=target) from None
    support.install(engine, statement_timeout)
    return engine, support


def _scrub(text: str, url: URL, target: str) -> str:
    """Remove credentials (and the unredacted URL) from a driver's message."""
    text = text.replace(url.render_as_string(hide_password=False), target)
    for secret in _secrets(url):
        text = text.replace(secret, _REDACTED)
        quoted = urllib.parse.quote(secret, safe="")
        if quoted != secret:
            text = text.replace(quoted, _REDACTED)
    return text


def _reason(err: BaseException, url: URL, target: str) -> str:
    # The DBAPI message, not SQLAlchemy's wrapper (which repeats the SQL and a help link).
    orig = getattr(err, "orig", None) or err
    return _scrub(
        str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__, url, target
    )


# ---------------------------------------------------------------------------------------------------
# Scan
# ---------------------------------------------------------------------------------------------------


def scan_database(
    url: str,
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    statement_timeout: float = 30.0,
) -> SchemaModel:
    """Inventory a live database into a `SchemaModel`.

    `include` / `exclude` are `fnmatch` globs on `schema.table` (case-insensitive; a pattern
    without a dot matches the table name alone). Empty `include` means every table and view.

    Raises `ScanConnectionError` when the database cannot be opened; every later failure on a
    single object is recorded in `model.errors` and the scan continues.
    """
    target = redact_url(url)
    engine, support = create_readonly_engine(url, statement_timeout=statement_timeout)
    parsed = make_url(url)
    model = SchemaModel(dialect=engine.dialect.name)
    try:
        try:
            conn = engine.connect()
            if support.probe_sql:
                try:
                    conn.exec_driver_sql(support.probe_sql)
                except BaseException:
                    conn.close()
                    raise
        except exc.SQLAlchemyError as err:
            raise ScanConnectionError(
                f"cannot connect: {_reason(err, parsed, target)}",
                path=target,
                hint="check host, port, database name and credentials; the scan needs only read access",
            ) from None
        with conn:
            scan = _Scan(conn, support, model, target, parsed, include, exclude)
            scan.run()
    finally:
        engine.dispose()
    return model


class _Scan:
    def __init__(
        self,
        conn: Connection,
        support: DialectSupport,
        model: SchemaModel,
        target: str,
        url: URL,
        include: Sequence[str],
        exclude: Sequence[str],
    ) -> None:
        self.conn = conn
        self.support = support
        self.model = model
        self.target = target
        self.url = url
        self.include = [p.lower() for p in include]
        self.exclude = [p.lower() for p in exclude]
        self.inspector: Inspector = sa.inspect(conn)
        #: The schemas walked, as the database names them (what `collect()` queries filter on).
        self.schemas: list[str] = []

    # -- helpers ------------------------------------------------------------------------------

    def where(self, *parts: str) -> str:
        return f"{self.target}#{'.'.join(parts)}"

    def loc(self, *parts: str) -> Location:
        return Location(self.where(*parts))

    def rows(self, sql: str, params: Any, *parts: str, doing: str) -> list[Any] | None:
        """All rows of one catalog query, or None (recorded as a `ScanError` on `parts`) if it fails."""
        try:
            return list(self.conn.exec_driver_sql(sql, params) if params else self.conn.exec_driver_sql(sql))
        except exc.SQLAlchemyError as err:
            self.record(err, *parts, doing=doing)
            return None

    def add_column_grants(self, rows: Iterable[tuple[str, str, str, str, str]]) -> None:
        """One `Grant` per (schema, table, privilege, grantee) from per-column rows, columns in the
        table's declaration order where the scan knows the table."""
        grouped: dict[tuple[str, str, str, str], list[str]] = {}
        for schema, table, privilege, grantee, column in rows:
            if self.in_scope(schema, table):
                grouped.setdefault((schema, table, privilege, grantee), []).append(column)
        for (schema, table, privilege, grantee), columns in grouped.items():
            known = self.model.get(schema, table)
            order = {name: i for i, name in enumerate(known.columns)} if known else {}
            columns.sort(key=lambda c: (order.get(c.lower(), len(order)), c))
            self.model.grants.append(
                Grant(privilege, table, grantee, schema, tuple(columns), self.loc(schema, table))
            )

    def record(self, err: BaseException, *parts: str, doing: str) -> None:
        self.model.errors.append(
            ScanError(self.where(*parts), f"{doing}: {_reason(err, self.url, self.target)}")
        )
        # PostgreSQL refuses every later statement of an aborted transaction; start a fresh one.
        with contextlib.suppress(exc.SQLAlchemyError):  # the connection itself is gone
            self.conn.rollback()
        self.inspector.clear_cache()

    def in_scope(self, schema: str, name: str) -> bool:
        """A grant or setting on `schema.name` belongs to this scan: a walked schema, a selected table."""
        return schema in self.schemas and self.selected(schema, name)

    def selected(self, schema: str, name: str) -> bool:
        qualified = f"{schema}.{name}".lower()

        def hit(pattern: str) -> bool:
            return fnmatch.fnmatchcase(qualified, pattern) or (
                "." not in pattern and fnmatch.fnmatchcase(name.lower(), pattern)
            )

        if self.include and not any(hit(p) for p in self.include):
            return False
        return not any(hit(p) for p in self.exclude)

    def render_type(self, type_: Any) -> str:
        if type_ is None or isinstance(type_, NullType):
            return ""  # an untyped SQLite column, or a computed view column
        if isinstance(type_, str):
            return type_.lower()  # a dialect's own column query (DialectSupport.columns)
        try:
            return str(type_.compile(dialect=self.conn.dialect)).lower()
        except exc.SQLAlchemyError:
            return str(type_).lower()

    # -- walk ---------------------------------------------------------------------------------

    def run(self) -> None:
        try:
            schemas = self.support.schemas(self.inspector)
        except exc.SQLAlchemyError as err:
            self.record(err, "*", doing="cannot list schemas")
            return
        self.model.settings["dialect"] = self.support.family or self.conn.dialect.name
        for schema in schemas:
            self.scan_schema(schema)
        self.schemas = schemas
        try:
            self.support.collect(self)
        except exc.SQLAlchemyError as err:  # each query records its own; this is a safety net
            self.record(err, "*", doing="cannot read grants or settings")

    def names(self, schema: str, label: str, lister: Callable[..., list[str]], what: str) -> list[str]:
        try:
            return [n for n in lister(schema=schema) if self.selected(label, n)]
        except NotImplementedError:
            return []
        except exc.SQLAlchemyError as err:
            self.record(err, label, doing=f"cannot list {what}")
            return []

    def scan_schema(self, schema: str) -> None:
        try:
            label = self.support.label(self.conn, schema)
        except exc.SQLAlchemyError as err:
            self.record(err, schema, doing="cannot name schema")
            return
        tables = self.names(schema, label, self.inspector.get_table_names, "tables")
        views = self.names(schema, label, self.inspector.get_view_names, "views")
        views += [
            v
            for v in self.names(
                schema, label, self.inspector.get_materialized_view_names, "materialized views"
            )
            if v not in views
        ]
        if not tables and not views:
            return
        objects = tables + views
        try:
            own = self.support.columns(self.conn, schema, objects)
        except exc.SQLAlchemyError as err:
            self.record(err, label, doing="cannot read columns")
            return
        columns = (
            own
            if own is not None
            else self.batched(
                schema, label, objects, self.inspector.get_multi_columns, self.inspector.get_columns
            )
        )
        comments = self.batched(
            schema,
            label,
            tables,
            self.inspector.get_multi_table_comment,
            self.inspector.get_table_comment,
            quiet=True,
        )
        keys = self.keys(schema, label, tables)
        for name in objects:
            if name not in columns:
                continue  # unreadable: already recorded as a ScanError
            is_view = name in views
            table = Table(
                name=name,
                schema=label,
                kind="view" if is_view else "table",
                comment=(comments.get(name) or {}).get("text"),
                location=self.loc(label, name),
            )
            for col in columns[name]:
                table.columns[col["name"].lower()] = Column(
                    name=col["name"],
                    type=self.render_type(col.get("type")),
                    comment=col.get("comment"),
                    nullable=bool(col.get("nullable", True)),
                    location=self.loc(label, name, col["name"]),
                )
            table.keys = [(cols, unique, self.loc(label, name)) for cols, unique in keys.get(name, ())]
            if is_view:
                try:
                    table.view_sql = self.inspector.get_view_definition(name, schema=schema)
                except NotImplementedError:
                    pass
                except exc.SQLAlchemyError as err:
                    self.record(err, label, name, doing="cannot read view definition")
            self.model.add(table)

    def keys(
        self, schema: str, label: str, tables: list[str]
    ) -> dict[str, list[tuple[tuple[str, ...], bool]]]:
        """Indexes, UNIQUE constraints and primary keys per table: (key columns, unique). An index keeps
        a copy of its keys, and the index rules judge those on sensitive columns. One batched query per
        kind and schema; a database that cannot tell (or an unreadable table) just has no keys."""
        found: dict[str, list[tuple[tuple[str, ...], bool]]] = {}
        reflect = (
            (self.inspector.get_multi_indexes, self.inspector.get_indexes, None),
            (self.inspector.get_multi_unique_constraints, self.inspector.get_unique_constraints, True),
            (self.inspector.get_multi_pk_constraint, self.inspector.get_pk_constraint, True),
        )
        for multi, single, unique in reflect:
            with warnings.catch_warnings():  # drivers that cannot reflect indexes say so on stderr
                warnings.simplefilter("ignore")
                reflected = self.batched(schema, label, tables, multi, single, quiet=True)
            for name, value in reflected.items():
                for entry in value if isinstance(value, list) else [value]:
                    if not isinstance(entry, dict):
                        continue
                    # Expression indexes list None for the expression's place; its columns are unknown.
                    cols = tuple(
                        c for c in entry.get("column_names") or entry.get("constrained_columns") or () if c
                    )
                    if cols:
                        found.setdefault(name, []).append((cols, bool(unique or entry.get("unique"))))
        return found

    def batched(
        self,
        schema: str,
        label: str,
        names: list[str],
        multi: Callable[..., dict[Any, Any]],
        single: Callable[..., Any],
        *,
        quiet: bool = False,
    ) -> dict[str, Any]:
        """One batched reflection call for a schema; per object when the batch fails, so that a
        single unreadable object costs only itself. `quiet`: missing support is not an error."""
        if not names:
            return {}
        try:
            found = multi(schema=schema, filter_names=names, kind=ObjectKind.ANY)
            return {key[1]: value for key, value in found.items()}
        except NotImplementedError:
            if quiet:
                return {}
        except exc.SQLAlchemyError:
            self.conn.rollback()
            self.inspector.clear_cache()
        result: dict[str, Any] = {}
        for name in names:
            try:
                result[name] = single(name, schema=schema)
            except NotImplementedError:
                if quiet:
                    return {}
                raise
            except exc.SQLAlchemyError as err:
                if not quiet:
                    self.record(err, label, name, doing="cannot read columns")
                else:  # nothing to report, but the failed statement must not abort what follows
                    with contextlib.suppress(exc.SQLAlchemyError):
                        self.conn.rollback()
                    self.inspector.clear_cache()
        return result
