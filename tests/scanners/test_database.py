"""Live database scanner on SQLite files: inventory, filters, errors, and that it cannot write."""

from __future__ import annotations

import hashlib
import sqlite3
import uuid
from pathlib import Path

import pytest
from sqlalchemy import exc, text

from plaudit.errors import ConfigError, PlauditError, ScanConnectionError
from plaudit.scanners.database import create_readonly_engine, redact_url, scan_database
from servers import SERVERS, server_engine

DDL = """
CREATE TABLE customer (
    id        INTEGER PRIMARY KEY,
    full_name VARCHAR(32) NOT NULL,
    id_no     CHAR(18),
    balance   NUMERIC(12, 2),
    note      TEXT,
    untyped
);
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customer (id), amount REAL);
CREATE TABLE audit_log (id INTEGER PRIMARY KEY, detail TEXT);
CREATE VIEW v_customer AS SELECT id, substr(id_no, 1, 3) || '***' AS id_masked, full_name FROM customer;
INSERT INTO customer (full_name, id_no) VALUES ('张三', '11010519491231002X');
"""


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "shop.db"
    conn = sqlite3.connect(path)
    conn.executescript(DDL)
    conn.close()
    return path


def _url(path: Path) -> str:
    return f"sqlite:///{path}"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_inventories_tables_columns_types_and_views(db: Path) -> None:
    model = scan_database(_url(db))
    assert model.dialect == "sqlite"
    assert model.errors == []
    assert sorted(model.tables) == [("main", n) for n in ("audit_log", "customer", "orders", "v_customer")]

    customer = model.get("main", "customer")
    assert customer is not None and customer.kind == "table"
    assert list(customer.columns) == ["id", "full_name", "id_no", "balance", "note", "untyped"]
    cols = customer.columns
    assert cols["full_name"].type == "varchar(32)" and cols["full_name"].nullable is False
    assert cols["id_no"].type == "char(18)" and cols["id_no"].nullable is True
    assert cols["balance"].type == "numeric(12, 2)"
    assert cols["untyped"].type == ""
    assert customer.location is not None and customer.location.path == f"{_url(db)}#main.customer"
    assert cols["id_no"].location is not None and cols["id_no"].location.path.endswith("#main.customer.id_no")

    view = model.get("main", "v_customer")
    assert view is not None and view.kind == "view"
    assert view.view_sql is not None and "substr(id_no, 1, 3)" in view.view_sql
    assert list(view.columns) == ["id", "id_masked", "full_name"]


@pytest.mark.parametrize(
    ("include", "exclude", "expected"),
    [
        ((), (), {"audit_log", "customer", "orders", "v_customer"}),
        (("main.customer",), (), {"customer"}),
        (("main.*",), ("*.v_*", "main.audit_log"), {"customer", "orders"}),
        (("MAIN.CUST*",), (), {"customer"}),  # case-insensitive
        (("orders",), (), {"orders"}),  # no dot: the table name alone
        (("other.*",), (), set()),
    ],
)
def test_include_and_exclude_globs(
    db: Path, include: tuple[str, ...], exclude: tuple[str, ...], expected: set[str]
) -> None:
    model = scan_database(_url(db), include=include, exclude=exclude)
    assert {name for _, name in model.tables} == expected


def test_unreadable_object_is_recorded_and_the_scan_goes_on(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("CREATE VIEW v_broken AS SELECT * FROM table_dropped_last_year")
    conn.close()
    model = scan_database(_url(db))
    assert model.get("main", "v_broken") is None
    assert [e.path for e in model.errors] == [f"{_url(db)}#main.v_broken"]
    assert "table_dropped_last_year" in model.errors[0].message
    assert {name for _, name in model.tables} == {"audit_log", "customer", "orders", "v_customer"}


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:///{path}",
        "sqlite:///file:{path}?mode=rwc&uri=true",  # a URI asking for create mode is still opened read-only
    ],
)
def test_missing_file_is_a_connection_error_and_is_not_created(tmp_path: Path, url: str) -> None:
    path = tmp_path / "missing.db"
    with pytest.raises(ScanConnectionError) as info:
        scan_database(url.format(path=path))
    assert "does not exist" in str(info.value)
    assert info.value.hint
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []


def test_scan_does_not_change_the_file(db: Path) -> None:
    before = _digest(db), db.stat().st_mtime_ns, sorted(p.name for p in db.parent.iterdir())
    scan_database(_url(db))
    after = _digest(db), db.stat().st_mtime_ns, sorted(p.name for p in db.parent.iterdir())
    assert before == after


def test_sessions_cannot_write(db: Path) -> None:
    before = _digest(db)
    engine, _ = create_readonly_engine(_url(db))
    try:
        for statement in (
            "CREATE TABLE intruder (x INTEGER)",
            "INSERT INTO customer (full_name) VALUES ('x')",
            "DELETE FROM customer",
        ):
            with (
                engine.connect() as conn,
                pytest.raises(exc.OperationalError, match=r"readonly|read-only|query_only"),
            ):
                conn.execute(text(statement))
                conn.commit()
    finally:
        engine.dispose()
    assert _digest(db) == before


def test_uri_url_that_asks_for_write_mode_is_still_read_only(db: Path) -> None:
    engine, _ = create_readonly_engine(f"sqlite:///file:{db}?mode=rw&uri=true")
    try:
        with engine.connect() as conn, pytest.raises(exc.OperationalError):
            conn.execute(text("CREATE TABLE intruder (x INTEGER)"))
    finally:
        engine.dispose()


def test_statement_timeout_interrupts_a_long_statement(db: Path) -> None:
    engine, _ = create_readonly_engine(_url(db), statement_timeout=0.05)
    endless = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
    try:
        with engine.connect() as conn, pytest.raises(exc.OperationalError, match="interrupt"):
            conn.execute(text(endless))
        with engine.connect() as conn:  # the next statement gets a fresh deadline
            assert conn.execute(text("SELECT count(*) FROM customer")).scalar() == 1
    finally:
        engine.dispose()


def test_scans_the_demo_database(tmp_path: Path) -> None:
    from plaudit.demo.generate import build_demo_database

    path = tmp_path / "demo.db"
    counts = build_demo_database(path, rows=20)
    model = scan_database(_url(path))
    assert model.errors == []
    tables = {name for _, name in model.tables}
    assert tables == set(counts) | {"v_collection_worklist", "v_portfolio_monthly"}
    customer = model.get("main", "customer")
    assert customer is not None
    assert {"khxm", "sfzh", "sjhm", "ethnicity"} <= set(customer.columns)
    assert customer.columns["sfzh"].type == "char(18)"
    card = model.get("main", "bank_card")
    assert card is not None and card.columns["yhkh"].type == "varchar(19)"


SECRET = "Sup3r-S3cret!pw"


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://app:{SECRET}@127.0.0.1:1/lending",
        f"mysql+pymysql://app:{SECRET}@127.0.0.1:1/lending",
        f"sqlite://app:{SECRET}@/tmp/x.db",
        f"postgresql://app@127.0.0.1:1/lending?password={SECRET}",
        f"nosuchdb://app:{SECRET}@host/db",
    ],
)
def test_password_never_appears_in_errors(url: str) -> None:
    with pytest.raises(PlauditError) as info:
        scan_database(url, statement_timeout=2)
    err = info.value
    for rendered in (
        str(err),
        repr(err),
        err.hint or "",
        err.path or "",
        repr(err.__cause__),
        repr(err.__context__),
    ):
        assert SECRET not in rendered
        assert "S3cret" not in rendered


def test_unparseable_url_is_not_echoed() -> None:
    with pytest.raises(ConfigError) as info:
        scan_database(f"::not a url {SECRET}")
    assert SECRET not in str(info.value)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://app:s3cret@db:5432/lending", "postgresql://app:***@db:5432/lending"),
        ("mysql+pymysql://root@127.0.0.1:3306/test", "mysql+pymysql://root@127.0.0.1:3306/test"),
        (
            "postgresql://app@db/lending?password=s3cret&sslmode=require",
            "postgresql://app@db/lending?password=***&sslmode=require",
        ),
        ("sqlite:////var/data/app.db", "sqlite:////var/data/app.db"),
        ("not a url", "<unparseable database URL>"),
    ],
)
def test_redact_url(url: str, expected: str) -> None:
    assert redact_url(url) == expected


def test_a_file_that_is_not_a_database_is_a_connection_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("just some text, long enough to fill a page header " * 10)
    before = _digest(path)
    with pytest.raises(ScanConnectionError, match="not a database"):
        scan_database(_url(path))
    assert _digest(path) == before


# -- real servers (SPEC §8: PostgreSQL and MariaDB on 127.0.0.1) ---------------------------------------


@pytest.mark.db
@pytest.mark.parametrize("kind", sorted(SERVERS))
def test_real_server_inventory_comments_and_read_only(kind: str) -> None:
    engine, url = server_engine(kind)
    schema = f"plaudit_scan_{uuid.uuid4().hex[:8]}"
    setup = [
        f"CREATE SCHEMA {schema}",
        f"CREATE TABLE {schema}.customer (id INTEGER PRIMARY KEY, id_no VARCHAR(32) NOT NULL, note TEXT)",
        f"CREATE VIEW {schema}.v_customer AS SELECT id FROM {schema}.customer",
    ]
    if kind == "postgresql":
        setup += [
            f"COMMENT ON TABLE {schema}.customer IS '客户'",
            f"COMMENT ON COLUMN {schema}.customer.id_no IS '身份证号'",
        ]
    else:
        setup += [
            f"ALTER TABLE {schema}.customer COMMENT = '客户'",
            f"ALTER TABLE {schema}.customer MODIFY id_no VARCHAR(32) NOT NULL COMMENT '身份证号'",
        ]
    with engine.begin() as conn:
        for statement in setup:
            conn.execute(text(statement))
    try:
        model = scan_database(url, include=[f"{schema}.*"])
        assert model.errors == []
        assert sorted(model.tables) == [(schema, "customer"), (schema, "v_customer")]
        customer = model.get(schema, "customer")
        assert customer is not None
        assert customer.comment == "客户"
        assert customer.columns["id_no"].type == "varchar(32)"
        assert customer.columns["id_no"].comment == "身份证号"
        assert customer.columns["id_no"].nullable is False
        view = model.get(schema, "v_customer")
        assert view is not None and view.kind == "view" and view.view_sql

        ro, _ = create_readonly_engine(url)
        try:
            with ro.connect() as conn, pytest.raises(exc.DBAPIError):
                conn.execute(text(f"CREATE TABLE {schema}.intruder (x INTEGER)"))
        finally:
            ro.dispose()
    finally:
        with engine.begin() as conn:
            conn.execute(
                text(f"DROP SCHEMA {schema} CASCADE" if kind == "postgresql" else f"DROP SCHEMA {schema}")
            )
        engine.dispose()


@pytest.mark.db
@pytest.mark.parametrize("kind", sorted(SERVERS))
def test_real_server_indexes_on_clear_passwords_are_found(kind: str) -> None:
    """A planted UNIQUE index on a plaintext password column (and a harmless one on a foreign key)."""
    from plaudit.pipeline import Options, audit

    engine, url = server_engine(kind)
    schema = f"plaudit_keys_{uuid.uuid4().hex[:8]}"
    setup = [
        f"CREATE SCHEMA {schema}",
        f"CREATE TABLE {schema}.app_user (id INTEGER PRIMARY KEY, branch_id INTEGER, "
        "login_pwd VARCHAR(64), nickname VARCHAR(40))",
        f"CREATE UNIQUE INDEX ux_pwd ON {schema}.app_user (login_pwd)",
        f"CREATE INDEX ix_branch ON {schema}.app_user (branch_id)",
    ]
    with engine.begin() as conn:
        for statement in setup:
            conn.execute(text(statement))
    try:
        model = scan_database(url, include=[f"{schema}.*"])
        table = model.get(schema, "app_user")
        assert table is not None
        keyed = {(cols, unique) for cols, unique, _ in table.keys}
        assert {(("login_pwd",), True), (("branch_id",), False), (("id",), True)} <= keyed
        report = audit(model, mode="scan-db", target=redact_url(url), options=Options())
        found = [v for v in report["violations"] if v["rule"] == "JRT0171-STORE-C3-INDEX"]
        assert [v["resource"] for v in found] == [f"{schema}.app_user.login_pwd"]
        assert found[0]["location"]["path"].endswith(f"#{schema}.app_user")
    finally:
        with engine.begin() as conn:
            conn.execute(
                text(f"DROP SCHEMA {schema} CASCADE" if kind == "postgresql" else f"DROP SCHEMA {schema}")
            )
        engine.dispose()


@pytest.mark.db
@pytest.mark.parametrize("kind", sorted(SERVERS))
def test_real_server_refused_connection_hides_password(kind: str) -> None:
    module, url = SERVERS[kind]
    pytest.importorskip(module)
    bad = url.replace("127.0.0.1:", f"app:{SECRET}@127.0.0.1:").replace("postgres@", "").replace("root@", "")
    bad = bad.replace(":5432/", ":1/").replace(":3306/", ":1/")
    with pytest.raises(ScanConnectionError) as info:
        scan_database(bad, statement_timeout=2)
    assert "cannot connect" in str(info.value)
    assert SECRET not in str(info.value) and "app:***@" in str(info.value)


@pytest.mark.db
@pytest.mark.parametrize(
    ("kind", "bare_url"),
    [
        ("mariadb", "mysql://root@127.0.0.1:3306/test"),
        ("postgresql", "postgresql://postgres@127.0.0.1:5432/test"),
    ],
)
def test_bare_urls_use_the_driver_plaudit_installs(kind: str, bare_url: str) -> None:
    # Users write `mysql://` and `postgresql://`; the extras install PyMySQL and psycopg 3, not the
    # SQLAlchemy defaults (mysqlclient, psycopg2).
    server_engine(kind)[0].dispose()
    model = scan_database(bare_url, include=["nothing_matches_this.*"])
    assert model.errors == []
