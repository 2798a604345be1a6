"""Data checks on planted data: counts per check, bounded sampling, and that no sampled value leaks.

The same planted schema runs on a SQLite file (always) and on the real PostgreSQL and MariaDB servers
(`db` marker). Every planted value is collected and searched for in the results, their JSON, the
`ScanError`s and the Great Expectations validation results.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import random
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from stdnum.cn import ric

from plaudit.model import ColumnTarget, DataCheck, ScanError, TableTarget
from plaudit.scanners import data as data_mod
from plaudit.scanners.data import parse_period, run_data_checks
from plaudit.scanners.database import create_readonly_engine
from servers import SERVERS, server_engine

pytest.importorskip("great_expectations")

NOW = dt.datetime(2026, 6, 1, 12, 0, 0)
ROWS = 20


def _resident_id(i: int) -> str:
    born = dt.date(1970, 1, 1) + dt.timedelta(days=173 * (i % 100))
    body = f"110105{born:%Y%m%d}{i % 900 + 100:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum takes the 18-character form


def _bcrypt(rng: random.Random) -> str:
    alphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return "$2b$12$" + "".join(rng.choice(alphabet) for _ in range(53))


@dataclass
class Planted:
    """Everything written into the database, to search the results for."""

    values: set[str] = field(default_factory=set)

    def add(self, *values: str) -> None:
        self.values.update(v for v in values if v)


def _rows(planted: Planted) -> dict[str, list[dict[str, Any]]]:
    rng = random.Random(7)
    customers = []
    for i in range(ROWS):
        rid = _resident_id(i)
        mobile = f"1381234{i:04d}"
        cipher = base64.b64encode(rng.randbytes(32)).decode()
        mobile_b64 = base64.b64encode(mobile.encode()).decode()
        other_id = _resident_id(i + 500)
        old = i < 6  # six rows past a 5-year retention; the first is on legal hold
        created = dt.datetime(2015, 1, 1 + i) if old else dt.datetime(2025, 1, 1 + i)
        customers.append(
            {
                "id": i + 1,
                "id_no_enc": rid,  # declared encrypted, stored in clear
                "mobile_enc": mobile_b64,  # "ciphertext" that is base64 of a mobile
                "card_enc": cipher,  # real-looking ciphertext
                "ext2": other_id,  # unclassified column full of ID numbers
                "created_at": created.strftime("%Y-%m-%d %H:%M:%S"),
                "legal_hold": i == 0,
                "deleted_at": "2026-01-01 00:00:00" if i in (10, 11) else None,
            }
        )
        planted.add(rid, mobile, cipher, mobile_b64, other_id)
    passwords = [_bcrypt(rng) for _ in range(5)]
    passwords += [rng.randbytes(16).hex() for _ in range(3)]  # unsalted md5-shaped
    passwords += ["hunter2", "123456a"]  # plaintext
    planted.add(*passwords)
    users = [{"id": i + 1, "login_pwd": p} for i, p in enumerate(passwords)]
    messages = [
        "login ok user=42 phone 13812345678 channel=app",
        "kyc verified id 11010519491231002X by ocr",
        "retry password=hunter2 from 10.0.0.1",
        "nothing personal here",
    ]
    planted.add(*messages, "13812345678", "11010519491231002X")
    logs = [{"id": i + 1, "message": m} for i, m in enumerate(messages)]
    return {"customer": customers, "users": users, "app_log": logs}


DDL = {
    "customer": "id INTEGER PRIMARY KEY, id_no_enc VARCHAR(64), mobile_enc VARCHAR(64), card_enc VARCHAR(64),"
    " ext2 VARCHAR(32), created_at {ts}, legal_hold {bool}, deleted_at {ts}",
    "users": "id INTEGER PRIMARY KEY, login_pwd VARCHAR(80)",
    "app_log": "id INTEGER PRIMARY KEY, message VARCHAR(200)",
    "big": "id INTEGER PRIMARY KEY, ext2 VARCHAR(32)",
}
TYPES = {
    "sqlite": {"ts": "TEXT", "bool": "INTEGER"},
    "postgresql": {"ts": "TIMESTAMP", "bool": "BOOLEAN"},
    "mariadb": {"ts": "DATETIME", "bool": "BOOLEAN"},
}


def _plant(rw: Engine, kind: str, schema: str | None, planted: Planted, big_rows: int = 0) -> None:
    prefix = f"{schema}." if schema else ""
    with rw.begin() as conn:
        for table, cols in DDL.items():
            conn.execute(text(f"CREATE TABLE {prefix}{table} ({cols.format(**TYPES[kind])})"))
        for table, rows in _rows(planted).items():
            names = list(rows[0])
            params = ", ".join(":" + n for n in names)
            sql = f"INSERT INTO {prefix}{table} ({', '.join(names)}) VALUES ({params})"
            conn.execute(text(sql), rows)
        if big_rows:
            rows = [{"id": i, "ext2": _resident_id(i % 1000)} for i in range(big_rows)]
            conn.execute(text(f"INSERT INTO {prefix}big (id, ext2) VALUES (:id, :ext2)"), rows)
    if kind == "postgresql" and big_rows:
        with rw.connect() as conn:
            conn.execute(text(f"ANALYZE {prefix}big"))
            conn.commit()


def _targets(schema: str | None, dataset: str = "t") -> tuple[list[ColumnTarget], list[TableTarget]]:
    def res(*parts: str) -> str:
        return ".".join([dataset, *(p for p in (schema, *parts) if p)])

    def col(
        table: str, column: str, category: str | None, protection: str | None, type_: str
    ) -> ColumnTarget:
        return ColumnTarget(schema, table, column, res(table, column), category, protection, type_)

    columns = [
        col("customer", "id_no_enc", "identity.national_id", "encrypted", "varchar(64)"),
        col("customer", "mobile_enc", "contact.phone", "encrypted", "varchar(64)"),
        col("customer", "card_enc", "account.bank_card", "encrypted", "varchar(64)"),
        col("customer", "ext2", None, None, "varchar(32)"),
        col("users", "login_pwd", "auth.password", "kdf_hash", "varchar(80)"),
    ]
    tables = [
        TableTarget(
            schema,
            "customer",
            res("customer"),
            retention_period="5y",
            retention_anchor="created_at",
            legal_hold="legal_hold",
            soft_delete="deleted_at",
            columns=("id_no_enc", "ext2"),
        ),
        TableTarget(schema, "app_log", res("app_log"), is_log=True),
    ]
    return columns, tables


def _assert_counts(checks: list[DataCheck], schema: str | None) -> None:
    assert [c for c in checks if c.error] == []
    got = {(c.check, c.resource.split(".", 1)[1]): c for c in checks}  # without the dataset
    p = f"{schema}." if schema else ""

    det = got[("detectors", f"{p}customer.id_no_enc")]
    assert det.sampled == ROWS and det.details["resident_id"] == {"matched": ROWS, "rate": 1.0}
    assert det.details["masked_exemplar"].startswith("110") and "*" in det.details["masked_exemplar"]

    drift = got[("detectors", f"{p}customer.ext2")]
    assert drift.matched == ROWS and drift.details["resident_id"]["rate"] == 1.0

    assert got[("plaintext", f"{p}customer.id_no_enc")].matched == ROWS
    assert got[("plaintext", f"{p}customer.mobile_enc")].matched == 0  # base64 is not a mobile as text
    assert got[("plaintext", f"{p}customer.card_enc")].matched == 0

    clear = got[("ciphertext", f"{p}customer.id_no_enc")].details
    assert clear["verdict"] == "plaintext" and clear["raw_plaintext"] == ROWS
    encoded = got[("ciphertext", f"{p}customer.mobile_enc")]
    assert encoded.details["base64_of_plaintext"] == ROWS and encoded.details["verdict"] == "plaintext"
    strong = got[("ciphertext", f"{p}customer.card_enc")].details
    assert strong["verdict"] == "strong" and strong["duplicate_rate"] == 0.0
    assert strong["entropy_bits_per_byte"] > 7.0 and strong["envelopes"] == {"base64": ROWS}

    pwd = got[("password_format", f"{p}users.login_pwd")]
    assert pwd.details["formats"] == {
        "bcrypt": 5, "argon2": 0, "scrypt": 0, "pbkdf2": 0,
        "md5_hex": 3, "sha1_hex": 0, "sha256_hex": 0, "other": 2,
    }  # fmt: skip
    assert (pwd.sampled, pwd.matched) == (10, 5)
    assert got[("plaintext", f"{p}users.login_pwd")].matched == 2

    ret = got[("retention", f"{p}customer")]
    assert ret.details["expired_rows"] == 5 and ret.details["held_rows"] == 1
    assert ret.details["cutoff"] == "2021-06-01"
    assert ret.details["oldest_age_days"] == (NOW - dt.datetime(2015, 1, 1)).days
    assert ret.details["soft_deleted_with_pi"] == 2
    assert (ret.sampled, ret.matched) == (ROWS, 5)

    log = got[("log_pii", f"{p}app_log")]
    assert log.details["kinds"] == {"mobile": 1, "resident_id": 1, "secret_kv": 1}
    assert (log.sampled, log.matched) == (4, 3)
    assert log.details["masked_exemplars"]["secret_kv"] == "password=***"


def _assert_no_leak(
    planted: Planted, checks: list[DataCheck], errors: list[ScanError], gx: list[Any]
) -> None:
    blobs = [
        repr(checks),
        json.dumps([c.to_json() for c in checks], ensure_ascii=False),
        repr(errors),
        json.dumps(gx, ensure_ascii=False, default=str),
    ]
    leaked = sorted(v for v in planted.values for blob in blobs if v in blob)
    assert leaked == []
    assert gx, "Great Expectations ran no validation"


def _run(engine: Engine, schema: str | None, **kw: Any) -> tuple[list[DataCheck], list[ScanError], list[Any]]:
    columns, tables = _targets(schema)
    errors: list[ScanError] = []
    gx: list[Any] = []
    checks = run_data_checks(engine, columns, tables, now=NOW, errors=errors, gx_results=gx, **kw)
    return checks, errors, gx


# -- SQLite --------------------------------------------------------------------------------------------


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[tuple[str, Planted]]:
    path = tmp_path / "planted.db"
    planted = Planted()
    rw = create_engine(f"sqlite:///{path}")
    _plant(rw, "sqlite", None, planted)
    rw.dispose()
    yield f"sqlite:///{path}", planted


def test_sqlite_counts_and_no_leak(sqlite_db: tuple[str, Planted]) -> None:
    url, planted = sqlite_db
    engine, _ = create_readonly_engine(url)
    try:
        checks, errors, gx = _run(engine, None)
    finally:
        engine.dispose()
    _assert_counts(checks, None)
    assert errors == []
    _assert_no_leak(planted, checks, errors, gx)


def test_policies_judge_the_checks_and_messages_stay_masked(sqlite_db: tuple[str, Planted]) -> None:
    from plaudit.policies.engine import evaluate, load_policies

    url, planted = sqlite_db
    engine, _ = create_readonly_engine(url)
    try:
        checks, _, _ = _run(engine, None)
    finally:
        engine.dispose()
    columns, tables = _targets(None)
    levels = {
        "identity.national_id": "C2",
        "contact.phone": "C2",
        "account.bank_card": "C2",
        "auth.password": "C3",
    }
    facts = {
        "columns": [
            {
                "resource": c.resource,
                "column": c.column,
                "category": c.category,
                "level": levels.get(c.category or ""),
                "pci": "PAN" if c.category == "account.bank_card" else None,
                "protection": c.declared_protection or "none",
                "location": None,
            }
            for c in columns
        ],
        "tables": [
            {"resource": t.resource, "table": t.table, "kind": "table", "max_level": "C3", "location": None}
            for t in tables
        ],
        "data_checks": [c.to_json() for c in checks],
    }
    found = {
        (v["rule"], v["resource"].split(".", 1)[1], v["severity"]) for v in evaluate(load_policies(), facts)
    }
    assert {
        ("PLAUDIT-PLAINTEXT-IN-PROTECTED", "customer.id_no_enc", "high"),
        ("PLAUDIT-PLAINTEXT-IN-PROTECTED", "users.login_pwd", "critical"),
        ("CRYPTO-WEAK-CIPHERTEXT", "customer.mobile_enc", "high"),
        ("JRT0171-CLASS-DRIFT", "customer.ext2", "high"),
        ("STORE-AUTH-SECRET-KDF", "users.login_pwd", "critical"),
        ("PIPL19-RETENTION-EXCEEDED", "customer", "critical"),
        ("LOG-NO-CLEAR-PFI", "app_log", "critical"),
    } <= found
    assert not any(rule == "CRYPTO-WEAK-CIPHERTEXT" and res == "customer.card_enc" for rule, res, _ in found)
    messages = json.dumps(evaluate(load_policies(), facts), ensure_ascii=False)
    assert sorted(v for v in planted.values if v in messages) == []


def test_default_ge_result_format_would_leak(sqlite_db: tuple[str, Planted]) -> None:
    # The leak check has teeth: GE's default result_format returns raw unexpected values.
    import great_expectations as gx

    url, planted = sqlite_db
    context = gx.get_context(mode="ephemeral")
    source = context.data_sources.add_sqlite(name="s", connection_string=url)
    batch = (
        source.add_table_asset(name="u", table_name="users").add_batch_definition_whole_table("b").get_batch()
    )
    result = batch.validate(
        gx.expectations.ExpectColumnValuesToMatchRegex(column="login_pwd", regex=r"^\$2b\$")
    )
    blob = json.dumps(result.to_json_dict(), default=str)
    assert "hunter2" in blob and "hunter2" in planted.values


def test_failing_table_is_an_error_and_the_run_goes_on(sqlite_db: tuple[str, Planted]) -> None:
    url, _ = sqlite_db
    engine, _ = create_readonly_engine(url)
    columns, tables = _targets(None)
    missing = ColumnTarget(
        None, "no_such_table", "x", "t.no_such_table.x", "identity.national_id", "encrypted"
    )
    bad_period = TableTarget(
        None, "customer", "t.customer", retention_period="soon", retention_anchor="created_at"
    )
    errors: list[ScanError] = []
    try:
        checks = run_data_checks(engine, [missing, *columns], [bad_period, *tables], now=NOW, errors=errors)
    finally:
        engine.dispose()
    failed = {(c.check, c.resource) for c in checks if c.error}
    assert failed == {
        ("detectors", "t.no_such_table.x"),
        ("plaintext", "t.no_such_table.x"),
        ("ciphertext", "t.no_such_table.x"),
        ("retention", "t.customer"),
    }
    assert {e.path for e in errors} == {"t.no_such_table.x", "t.customer"}
    assert any("no such table" in (c.error or "") for c in checks)
    _assert_counts([c for c in checks if not c.error], None)


def test_sampling_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE big (id INTEGER PRIMARY KEY, ext2 VARCHAR(32))")
    conn.executemany("INSERT INTO big VALUES (?, ?)", ((i, _resident_id(i % 1000)) for i in range(50_000)))
    conn.commit()
    conn.close()
    seen = _count_fetches(monkeypatch)
    engine, _ = create_readonly_engine(f"sqlite:///{path}")
    try:
        target = ColumnTarget(None, "big", "ext2", "t.big.ext2", None, None, "varchar(32)")
        checks = run_data_checks(engine, [target], [], sample=100, now=NOW)
    finally:
        engine.dispose()
    assert seen == [100]
    assert checks[0].sampled == 100 and checks[0].details["sampling"] == "limit"


def _count_fetches(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    seen: list[int] = []
    original = data_mod.fetch_sample

    def counting(conn: Any, query: str, limit: int) -> list[tuple[Any, ...]]:
        rows = original(conn, query, limit)
        seen.append(len(rows))
        return rows

    monkeypatch.setattr(data_mod, "fetch_sample", counting)
    return seen


def test_missing_great_expectations_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    from plaudit.errors import MissingExtraError

    real_import = builtins.__import__

    def no_gx(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("great_expectations"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_gx)
    with pytest.raises(MissingExtraError) as info:
        run_data_checks(create_engine("sqlite://"), [], [], now=NOW)
    assert info.value.hint == "pip install 'plaudit[data]'"


@pytest.mark.parametrize(
    ("period", "cutoff"),
    [("5y", "2021-06-01"), ("6m", "2025-12-01"), ("30d", "2026-05-02"), ("2w", "2026-05-18")],
)
def test_parse_period(period: str, cutoff: str) -> None:
    assert parse_period(period, NOW).date().isoformat() == cutoff
    assert parse_period("1y", dt.datetime(2024, 2, 29)).date() == dt.date(2023, 2, 28)
    with pytest.raises(ValueError):
        parse_period("forever", NOW)


# -- real servers ----------------------------------------------------------------------------------------


@pytest.mark.db
@pytest.mark.parametrize("kind", sorted(SERVERS))
def test_real_server_counts_bounds_and_no_leak(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    rw, url = server_engine(kind)
    schema = f"plaudit_data_{uuid.uuid4().hex[:8]}"
    with rw.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    planted = Planted()
    try:
        _plant(rw, kind, schema, planted, big_rows=50_000)
        engine, _ = create_readonly_engine(url)
        try:
            checks, errors, gx = _run(engine, schema)
            _assert_counts(checks, schema)
            assert errors == []
            _assert_no_leak(planted, checks, errors, gx)

            seen = _count_fetches(monkeypatch)
            big = ColumnTarget(schema, "big", "ext2", f"t.{schema}.big.ext2", None, None, "varchar(32)")
            (check,) = run_data_checks(engine, [big], [], sample=100, now=NOW)
            assert seen and all(n <= 100 for n in seen) and check.sampled == seen[-1] >= 50
            assert check.details["resident_id"]["rate"] == 1.0
            assert check.details["sampling"] == ("tablesample" if kind == "postgresql" else "limit")
        finally:
            engine.dispose()
    finally:
        with rw.begin() as conn:
            conn.execute(
                text(f"DROP SCHEMA {schema} CASCADE" if kind == "postgresql" else f"DROP SCHEMA {schema}")
            )
        rw.dispose()
