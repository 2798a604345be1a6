"""The nightly scan against the real PostgreSQL and MariaDB servers, end to end through the CLI.

Each test creates its own database, loads a small lending schema with planted problems (Chinese comments,
ID numbers in clear in a column the catalog says is encrypted, an `ext2` column full of ID numbers, rows
past retention, phone numbers in a log table, a grant to PUBLIC), scans it and asserts the findings — and
that none of the planted values appears in any output.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from stdnum.cn import ric

from plaudit.cli import cli

pytestmark = pytest.mark.db
pytest.importorskip("great_expectations", reason="data checks need the `data` extra")

SERVERS = {
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:5432/{db}",
    "mariadb": "mysql+pymysql://root@127.0.0.1:3306/{db}",
}
CATALOG = """
dataset: lending
tables:
  customer:
    purposes: [credit_underwriting]
    legal_basis: consent
    retention: {period: 1y, anchor: created_at}
    columns:
      khxm: {category: identity.name}
      sfzh: {category: identity.national_id, protection: {method: encrypted, algorithm: SM4-GCM, key_ref: "kms://k"}}
      sjhm: {category: contact.phone, protection: {method: none}}
"""


def _resident_id(n: int) -> str:
    body = f"110105{1970 + n % 30}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    return body + ric.calc_check_digit(body)


ROWS = [(i, f"客户{i}", _resident_id(i), f"139{i:08d}", _resident_id(i + 500)) for i in range(1, 41)]


@pytest.fixture(params=sorted(SERVERS))
def database(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    kind = request.param
    name = f"plaudit_e2e_{uuid.uuid4().hex[:8]}"
    admin_url = SERVERS[kind].format(db="test")
    try:
        admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f"CREATE DATABASE {name}"))
    except Exception as err:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"{kind} not available: {type(err).__name__}")
    url = SERVERS[kind].format(db=name)
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            _load(conn, kind)
        yield kind, url
    finally:
        engine.dispose()
        with admin.connect() as conn:
            if kind == "postgresql":
                conn.execute(sa.text(f"DROP DATABASE {name} WITH (FORCE)"))
            else:
                conn.execute(sa.text(f"DROP DATABASE {name}"))
        admin.dispose()


def _load(conn: sa.Connection, kind: str) -> None:
    if kind == "mariadb":
        conn.execute(sa.text(
            "CREATE TABLE customer (id INT PRIMARY KEY, khxm VARCHAR(32) COMMENT '客户姓名',"
            " sfzh VARCHAR(64) COMMENT '身份证号（密文）', sjhm VARCHAR(11) COMMENT '手机号码',"
            " ext2 VARCHAR(32) COMMENT '扩展字段2', created_at DATETIME) COMMENT='客户信息'"
        ))  # fmt: skip
        conn.execute(
            sa.text("CREATE TABLE op_log (id INT PRIMARY KEY, detail VARCHAR(500) COMMENT '操作详情')")
        )
    else:
        conn.execute(sa.text(
            "CREATE TABLE customer (id INT PRIMARY KEY, khxm VARCHAR(32), sfzh VARCHAR(64), sjhm VARCHAR(11),"
            " ext2 VARCHAR(32), created_at TIMESTAMP)"
        ))  # fmt: skip
        conn.execute(sa.text("COMMENT ON COLUMN customer.khxm IS '客户姓名'"))
        conn.execute(sa.text("COMMENT ON COLUMN customer.sjhm IS '手机号码'"))
        conn.execute(sa.text("CREATE TABLE op_log (id INT PRIMARY KEY, detail TEXT)"))
        conn.execute(sa.text("GRANT SELECT ON customer TO PUBLIC"))
    for i, name, id_no, mobile, ext2 in ROWS:
        # Every other row is four years old: past the one-year retention the catalog declares.
        created = "2021-01-01 00:00:00" if i % 2 else "2099-01-01 00:00:00"
        conn.execute(
            sa.text("INSERT INTO customer VALUES (:i, :n, :s, :m, :e, :c)"),
            {"i": i, "n": name, "s": id_no, "m": mobile, "e": ext2, "c": created},
        )
        conn.execute(
            sa.text("INSERT INTO op_log VALUES (:i, :d)"),
            {"i": i, "d": f"user updated mobile to {mobile} and id {id_no}"},
        )


def test_nightly_scan_finds_planted_problems(database: tuple[str, str], tmp_path: Path) -> None:
    kind, url = database
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(CATALOG, encoding="utf-8")
    out = tmp_path / "report.json"
    store = f"sqlite:///{tmp_path / 'history.db'}"
    args = [
        "scan",
        "db",
        url,
        "--catalog",
        str(catalog),
        "--store",
        store,
        "--out",
        str(out),
        "--sample",
        "100",
    ]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 1, result.stderr
    report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    found = {(v["rule"], v["resource"].rsplit(".", 1)[-1]) for v in report["violations"]}

    assert ("PLAUDIT-PLAINTEXT-IN-PROTECTED", "sfzh") in found
    assert ("PIPL19-RETENTION-EXCEEDED", "customer") in found
    assert ("LOG-NO-CLEAR-PFI", "op_log") in found
    assert ("JRT0171-STORE-C2-PROTECT", "sjhm") in found
    if kind == "postgresql":
        assert ("MLPS-DB-LEAST-PRIVILEGE", "customer") in found
    columns = {c["column"]: c for c in report["columns"]}
    assert columns["ext2"]["category"] == "identity.national_id"  # raised by the values
    assert any(e["source"] == "value" for e in columns["ext2"]["evidence"])
    assert report["history"]["new"] == len(report["violations"])

    texts = [out.read_text(encoding="utf-8"), result.stdout, result.stderr]
    planted = {value for row in ROWS for value in row[2:]}
    assert not [value for value in planted if any(value in text for text in texts)]


def test_unreadable_table_is_recorded_and_the_scan_goes_on(tmp_path: Path) -> None:
    """The nightly account often lacks a grant on some table: that table is an error, the rest is scanned."""
    name = f"plaudit_e2e_{uuid.uuid4().hex[:8]}"
    role = f"plaudit_reader_{uuid.uuid4().hex[:8]}"
    try:
        admin = sa.create_engine(SERVERS["postgresql"].format(db="test"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f"CREATE DATABASE {name}"))
            conn.execute(sa.text(f"CREATE ROLE {role} LOGIN"))
    except Exception as err:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"postgresql not available: {type(err).__name__}")
    owner = sa.create_engine(SERVERS["postgresql"].format(db=name))
    try:
        with owner.begin() as conn:
            conn.execute(sa.text("CREATE TABLE readable (id INT, mobile VARCHAR(11))"))
            conn.execute(sa.text("CREATE TABLE secret (id INT, id_no VARCHAR(18))"))
            conn.execute(sa.text("INSERT INTO readable VALUES (1, '13900000001'), (2, '13900000002')"))
            conn.execute(sa.text("INSERT INTO secret VALUES (1, :v)"), {"v": _resident_id(7)})
            conn.execute(sa.text(f"GRANT SELECT ON readable TO {role}"))
        url = f"postgresql://{role}@127.0.0.1:5432/{name}"
        result = CliRunner().invoke(
            cli, ["scan", "db", url, "--no-store", "--format", "json"], catch_exceptions=False
        )
        assert result.exit_code in (0, 1), result.stderr
        report = json.loads(result.stdout)
        assert any("secret" in e["path"] and e["message"] for e in report["errors"])
        checked = {c["resource"].rsplit(".", 1)[0] for c in report["data_checks"] if not c["error"]}
        assert any(r.endswith("readable") for r in checked)
        assert _resident_id(7) not in result.stdout + result.stderr
    finally:
        owner.dispose()
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE {name} WITH (FORCE)"))
            conn.execute(sa.text(f"DROP ROLE {role}"))
        admin.dispose()
