"""Grants, row-level security and server settings of live databases, and the policies that judge them.

Every server test builds its own uniquely named schema, roles and users, and drops them in `finally`, so
tests can run in parallel against the shared servers of SPEC §8.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import exc, text
from sqlalchemy.engine import Engine

from plaudit.errors import ScanConnectionError
from plaudit.model import SchemaModel
from plaudit.pipeline import Options, audit
from plaudit.scanners import database
from plaudit.scanners.database import create_readonly_engine, redact_url, scan_database
from servers import server_engine

SECRET = "n0t-a-real-passw0rd"


def _run(engine: Engine, statements: list[str]) -> None:
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))


def _quiet_run(engine: Engine, statements: list[str]) -> None:
    """Cleanup: every statement on its own, so one failure does not leave the rest behind."""
    for statement in statements:
        with contextlib.suppress(exc.SQLAlchemyError):
            _run(engine, [statement])


def _name(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def _grants(model: SchemaModel, table: str) -> set[tuple[str, str, tuple[str, ...]]]:
    return {(g.privilege, g.grantee, g.columns) for g in model.grants if g.table == table}


# -- PostgreSQL -----------------------------------------------------------------------------------------


@pytest.fixture
def pg_schema() -> Iterator[tuple[Engine, str, str, str]]:
    """A schema with a PI table (customer, RLS on, SELECT to PUBLIC, a column grant to a role) and a
    table without PI (branch, SELECT to PUBLIC)."""
    engine, url = server_engine("postgresql")
    schema, role = _name("plaudit_acl"), _name("plaudit_reader")
    try:
        _run(
            engine,
            [
                f"CREATE SCHEMA {schema}",
                f"CREATE ROLE {role} NOLOGIN",
                f"CREATE TABLE {schema}.customer (id INTEGER PRIMARY KEY, id_no VARCHAR(18),"
                " mobile VARCHAR(11), full_name VARCHAR(32), note TEXT)",
                f"COMMENT ON COLUMN {schema}.customer.id_no IS '身份证号'",
                f"COMMENT ON COLUMN {schema}.customer.mobile IS '手机号'",
                f"COMMENT ON COLUMN {schema}.customer.full_name IS '客户姓名'",
                f"CREATE TABLE {schema}.branch (id INTEGER PRIMARY KEY, opened_on DATE)",
                f"GRANT SELECT ON {schema}.customer TO PUBLIC",
                f"GRANT SELECT ON {schema}.branch TO PUBLIC",
                f"GRANT SELECT (id, mobile) ON {schema}.customer TO {role}",
                f"GRANT INSERT ON {schema}.customer TO {role}",
                f"ALTER TABLE {schema}.customer ENABLE ROW LEVEL SECURITY",
            ],
        )
        yield engine, url, schema, role
    finally:
        _quiet_run(engine, [f"DROP SCHEMA IF EXISTS {schema} CASCADE", f"DROP ROLE IF EXISTS {role}"])
        engine.dispose()


@pytest.mark.db
def test_postgresql_grants_row_security_and_settings(pg_schema: tuple[Engine, str, str, str]) -> None:
    _, url, schema, role = pg_schema
    model = scan_database(url, include=[f"{schema}.*"])
    assert model.errors == []
    assert _grants(model, "customer") == {
        ("SELECT", "PUBLIC", ()),
        ("INSERT", role, ()),
        ("SELECT", role, ("id", "mobile")),
    }
    assert _grants(model, "branch") == {("SELECT", "PUBLIC", ())}
    # The owner's own privileges are not grants to anyone else.
    assert not [g for g in model.grants if g.grantee == "postgres"]
    public = next(g for g in model.grants if g.table == "customer" and g.grantee == "PUBLIC")
    assert public.schema == schema
    assert public.location is not None and public.location.path.endswith(f"#{schema}.customer")

    settings = model.settings
    assert settings["dialect"] == "postgresql"
    assert settings["row_security"] == {f"{schema}.customer": True}
    assert settings["row_security_forced"] == {}
    for key in ("ssl", "log_statement", "log_connections", "server_version", "shared_preload_libraries"):
        assert isinstance(settings[key], str), key
    assert settings["ssl"] in ("on", "off")
    assert isinstance(settings["pgaudit_loaded"], bool)
    assert ("pgaudit.log" in settings) == settings["pgaudit_loaded"]


@pytest.mark.db
def test_postgresql_include_limits_grants_and_row_security(pg_schema: tuple[Engine, str, str, str]) -> None:
    _, url, schema, _ = pg_schema
    model = scan_database(url, include=[f"{schema}.branch"])
    assert {g.table for g in model.grants} == {"branch"}
    assert model.settings["row_security"] == {}


@pytest.mark.db
def test_postgresql_unreadable_setting_is_absent_not_an_error(
    pg_schema: tuple[Engine, str, str, str],
) -> None:
    engine, url, schema, _ = pg_schema
    login = _name("plaudit_auditor")
    _run(engine, [f"CREATE ROLE {login} LOGIN", f"GRANT USAGE ON SCHEMA {schema} TO {login}"])
    try:
        # shared_preload_libraries needs pg_read_all_settings; a plain account does not see it.
        model = scan_database(url.replace("postgres@", f"{login}@"), include=[f"{schema}.*"])
        assert model.errors == []
        assert "shared_preload_libraries" not in model.settings
        assert "pgaudit_loaded" not in model.settings
        assert model.settings["ssl"] in ("on", "off")
        assert ("SELECT", "PUBLIC", ()) in _grants(model, "customer")
    finally:
        _quiet_run(engine, [f"REVOKE USAGE ON SCHEMA {schema} FROM {login}", f"DROP ROLE IF EXISTS {login}"])


@pytest.mark.db
def test_failed_catalog_query_is_recorded_and_the_scan_goes_on(
    pg_schema: tuple[Engine, str, str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, url, schema, role = pg_schema
    monkeypatch.setattr(
        database.PostgreSQLSupport, "_TABLE_GRANTS", "SELECT * FROM pg_catalog.no_such_catalog_view"
    )
    # Trust authentication ignores the password, which must still never reach a message.
    secret_url = url.replace("postgres@", f"postgres:{SECRET}@")
    model = scan_database(secret_url, include=[f"{schema}.*"])
    assert [e.path for e in model.errors] == [f"{redact_url(secret_url)}#pg_catalog.pg_class"]
    assert "cannot read table grants" in model.errors[0].message
    assert all(SECRET not in e.path + e.message for e in model.errors)
    # Everything after the failed query is still collected.
    assert _grants(model, "customer") == {("SELECT", role, ("id", "mobile"))}
    assert model.settings["row_security"] == {f"{schema}.customer": True}
    assert "ssl" in model.settings
    assert model.get(schema, "customer") is not None


@pytest.mark.db
def test_public_grant_on_pi_table_is_reported_end_to_end(pg_schema: tuple[Engine, str, str, str]) -> None:
    _, url, schema, role = pg_schema
    model = scan_database(url, include=[f"{schema}.*"])
    report = audit(model, mode="scan-db", target=redact_url(url), options=Options())
    least = [v for v in report["violations"] if v["rule"] == "MLPS-DB-LEAST-PRIVILEGE"]
    assert [v["resource"] for v in least] == [f"{schema}.customer"]
    (violation,) = least
    assert violation["kind"] == "excessive_access"
    assert violation["severity"] == "high"  # customer holds C2 identifiers, no C3
    assert "PUBLIC holds SELECT" in violation["message"]
    assert "id_no" in violation["message"] and "mobile" in violation["message"]
    # branch is readable by PUBLIC too, but holds no personal information.
    assert not [v for v in report["violations"] if v["resource"].endswith(".branch")]
    # The role's column grant is not judged without an allow-list; with one, it is.
    assert role not in violation["message"]
    listed = audit(
        model, mode="scan-db", target=redact_url(url), options=Options(params={"allowed_readers": ["app"]})
    )
    (judged,) = [v for v in listed["violations"] if v["rule"] == "MLPS-DB-LEAST-PRIVILEGE"]
    assert f"{role} holds SELECT on (id, mobile), exposing mobile" in judged["message"]

    transport = [v for v in report["violations"] if v["rule"] == "JRT0171-TRANS-ENC"]
    if model.settings["ssl"] == "off":
        assert [(v["resource"], v["severity"]) for v in transport] == [(redact_url(url), "high")]
    else:
        assert transport == []


# -- MariaDB / MySQL ------------------------------------------------------------------------------------


@pytest.mark.db
def test_mariadb_grants_and_settings() -> None:
    engine, url = server_engine("mariadb")
    schema = _name("plaudit_acl")
    app, clerk, bi = _name("plaudit_app"), _name("plaudit_clerk"), _name("plaudit_bi")
    try:
        _run(
            engine,
            [
                f"CREATE DATABASE {schema}",
                f"CREATE TABLE {schema}.customer (id INT PRIMARY KEY,"
                " id_no VARCHAR(18) COMMENT '身份证号', mobile VARCHAR(11) COMMENT '手机号码',"
                " full_name VARCHAR(32) COMMENT '客户姓名', note TEXT) COMMENT = '客户'",
                f"CREATE TABLE {schema}.branch (id INT PRIMARY KEY, opened_on DATE)",
                f"CREATE USER '{app}'@'%'",
                f"CREATE USER '{clerk}'@'10.%'",
                f"CREATE USER '{bi}'@'localhost'",
                f"GRANT SELECT, INSERT ON {schema}.customer TO '{app}'@'%'",
                f"GRANT SELECT (id, mobile), UPDATE (mobile) ON {schema}.customer TO '{clerk}'@'10.%'",
                f"GRANT SELECT ON {schema}.* TO '{bi}'@'localhost'",
            ],
        )
        model = scan_database(url, include=[f"{schema}.*"])
        assert model.errors == []
        customer = model.get(schema, "customer")
        assert customer is not None and customer.columns["id_no"].comment == "身份证号"
        assert _grants(model, "customer") == {
            ("SELECT", f"'{app}'@'%'", ()),
            ("INSERT", f"'{app}'@'%'", ()),
            ("SELECT", f"'{clerk}'@'10.%'", ("id", "mobile")),
            ("UPDATE", f"'{clerk}'@'10.%'", ("mobile",)),
        }
        # A database-level grant reaches every table of the schema: table "*".
        assert _grants(model, "*") == {("SELECT", f"'{bi}'@'localhost'", ())}
        assert {g.schema for g in model.grants} == {schema}

        settings = model.settings
        assert settings["dialect"] == "mysql"
        assert isinstance(settings["audit_plugin"], bool)
        for key in ("require_secure_transport", "have_ssl", "version"):
            assert isinstance(settings[key], str), key
        assert "row_security" not in settings

        report = audit(model, mode="scan-db", target=redact_url(url), options=Options())
        assert not [v for v in report["violations"] if v["rule"] == "MLPS-DB-LEAST-PRIVILEGE"]
        listed = audit(
            model, mode="scan-db", target=redact_url(url), options=Options(params={"allowed_readers": [app]})
        )
        (least,) = [v for v in listed["violations"] if v["rule"] == "MLPS-DB-LEAST-PRIVILEGE"]
        assert least["resource"] == f"{schema}.customer"
        assert f"'{clerk}'@'10.%' holds SELECT on (id, mobile), exposing mobile" in least["message"]
        assert f"'{bi}'@'localhost' holds SELECT" in least["message"]
        assert f"'{app}'@'%'" not in least["message"]
        transport = [v for v in report["violations"] if v["rule"] == "JRT0171-TRANS-ENC"]
        assert bool(transport) == (settings["require_secure_transport"].upper() in ("OFF", "0"))
    finally:
        _quiet_run(
            engine,
            [
                f"DROP DATABASE IF EXISTS {schema}",
                f"DROP USER IF EXISTS '{app}'@'%'",
                f"DROP USER IF EXISTS '{clerk}'@'10.%'",
                f"DROP USER IF EXISTS '{bi}'@'localhost'",
            ],
        )
        engine.dispose()


# -- SQLite and DuckDB files ----------------------------------------------------------------------------


def test_sqlite_has_no_grants_only_its_dialect(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "shop.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE customer (id INTEGER PRIMARY KEY, id_no CHAR(18))")
    conn.close()
    model = scan_database(f"sqlite:///{path}")
    assert model.grants == []
    assert model.settings == {"dialect": "sqlite"}


@pytest.fixture
def duckdb_file(tmp_path: Path) -> Path:
    duckdb = pytest.importorskip("duckdb")
    pytest.importorskip("duckdb_engine")
    path = tmp_path / "lake.duckdb"
    conn = duckdb.connect(str(path))
    conn.execute(
        "CREATE SCHEMA lending;"
        "CREATE TABLE lending.customer (id INTEGER, id_no VARCHAR NOT NULL, mobile VARCHAR);"
        "COMMENT ON TABLE lending.customer IS '客户';"
        "COMMENT ON COLUMN lending.customer.id_no IS '身份证号';"
        "CREATE TABLE main.events (id INTEGER, happened_at TIMESTAMP);"
        "CREATE VIEW lending.v_customer AS SELECT id FROM lending.customer;"
    )
    conn.close()
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_duckdb_inventory_read_only(duckdb_file: Path) -> None:
    before = _digest(duckdb_file)
    url = f"duckdb:///{duckdb_file}"
    model = scan_database(url)
    assert model.errors == []
    assert model.dialect == "duckdb"
    assert model.settings == {"dialect": "duckdb"}
    assert model.grants == []
    # The file's own catalog name is not part of schema names (resources read lending.customer).
    assert sorted(model.tables) == [("lending", "customer"), ("lending", "v_customer"), ("main", "events")]
    customer = model.get("lending", "customer")
    assert customer is not None and customer.kind == "table"
    assert customer.comment == "客户"
    assert list(customer.columns) == ["id", "id_no", "mobile"]
    assert customer.columns["id_no"].comment == "身份证号"
    assert customer.columns["id_no"].type == "varchar"
    assert customer.columns["id_no"].nullable is False
    assert customer.location is not None and customer.location.path == f"{url}#lending.customer"
    view = model.get("lending", "v_customer")
    assert view is not None and view.kind == "view" and view.view_sql
    assert {n for _, n in scan_database(url, include=["lending.cust*"]).tables} == {"customer"}

    assert _digest(duckdb_file) == before
    assert sorted(p.name for p in duckdb_file.parent.iterdir()) == [duckdb_file.name]


def test_duckdb_sessions_cannot_write(duckdb_file: Path) -> None:
    engine, _ = create_readonly_engine(f"duckdb:///{duckdb_file}")
    try:
        with engine.connect() as conn, pytest.raises(exc.DBAPIError):
            conn.execute(text("CREATE TABLE intruder (x INTEGER)"))
    finally:
        engine.dispose()


def test_duckdb_statement_timeout_interrupts_a_long_statement(duckdb_file: Path) -> None:
    engine, _ = create_readonly_engine(f"duckdb:///{duckdb_file}", statement_timeout=0.5)
    try:
        with engine.connect() as conn:
            started = time.monotonic()
            with pytest.raises(exc.DBAPIError):
                conn.execute(text("SELECT count(*) FROM range(1000000000000) a, range(10) b"))
            assert time.monotonic() - started < 10
            conn.rollback()
            time.sleep(0.7)  # past the first deadline: a timer left armed would interrupt what follows
            assert conn.execute(text("SELECT 1")).scalar() == 1
    finally:
        engine.dispose()


def test_duckdb_missing_file_is_not_created(tmp_path: Path) -> None:
    pytest.importorskip("duckdb_engine")
    path = tmp_path / "missing.duckdb"
    with pytest.raises(ScanConnectionError, match="does not exist"):
        scan_database(f"duckdb:///{path}")
    assert list(tmp_path.iterdir()) == []
