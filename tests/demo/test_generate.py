"""The demo database: it builds, its identifiers are checksum-valid, it is reproducible, and its
bundled catalog describes it, gaps included."""

from __future__ import annotations

import hashlib
import sqlite3
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml
from stdnum.cn import ric

from plaudit.catalog.detectors import DETECTORS, card_scheme, detect
from plaudit.catalog.taxonomy import builtin_taxonomy
from plaudit.demo.generate import build_demo_database, schema_sql

#: The one entry of the bundled catalog that deliberately names a column the database no longer has.
STALE = {("customer", "wechat_openid")}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    return path, build_demo_database(path)


def _column(path: Path, table: str, column: str) -> list[Any]:
    with sqlite3.connect(path) as conn:
        return [row[0] for row in conn.execute(f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL")]


def _content_hash(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


def _catalog() -> dict[str, Any]:
    text = resources.files("plaudit.demo").joinpath("catalog.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def _schema_columns() -> dict[str, set[str]]:
    conn = sqlite3.connect(":memory:")
    try:
        conn.executescript(schema_sql())
        tables = [
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
        ]
        return {t: {r[1] for r in conn.execute(f"PRAGMA table_info({t})")} for t in tables}
    finally:
        conn.close()


def test_builds_every_table_with_rows(demo: tuple[Path, dict[str, int]]) -> None:
    path, counts = demo
    assert path.is_file()
    tables = {t for t, cols in _schema_columns().items() if not t.startswith("v_")}
    assert set(counts) == tables
    assert 10 <= len(tables) <= 14
    assert all(n > 0 for n in counts.values()), counts
    assert counts["customer"] == 200
    with sqlite3.connect(path) as conn:
        for table, n in counts.items():
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == n
        # The views run on the data (the collection work list needs overdue contracts).
        assert conn.execute("SELECT count(*) FROM v_collection_worklist").fetchone()[0] > 0
        assert conn.execute("SELECT count(*) FROM v_portfolio_monthly").fetchone()[0] > 0


def test_resident_ids_are_checksum_valid(demo: tuple[Path, dict[str, int]]) -> None:
    ids = _column(demo[0], "customer", "sfzh")
    assert sum(map(ric.is_valid, ids)) / len(ids) >= 0.99
    assert detect(ids, ["resident_id"])["resident_id"].rate >= 0.99
    assert len(set(ids)) == len(ids)


def test_id_number_agrees_with_birth_date_and_gender(demo: tuple[Path, dict[str, int]]) -> None:
    with sqlite3.connect(demo[0]) as conn:
        rows = conn.execute("SELECT sfzh, birth_date, gender FROM customer").fetchall()
    for sfzh, born, gender in rows:
        assert ric.get_birth_date(sfzh).isoformat() == born
        assert gender == ("M" if int(sfzh[16]) % 2 else "F")


def test_card_numbers_are_unionpay_and_luhn_valid(demo: tuple[Path, dict[str, int]]) -> None:
    cards = _column(demo[0], "bank_card", "yhkh")
    assert {card_scheme(c) for c in cards} == {"unionpay"}
    assert {len(c) for c in cards} == {16, 19}


def test_mobiles_emails_and_ips_validate(demo: tuple[Path, dict[str, int]]) -> None:
    path = demo[0]
    for table, column, detector in [
        ("customer", "sjhm", "mobile"),
        ("bank_card", "reserved_mobile", "mobile"),
        ("sms_verification_code", "mobile", "mobile"),
        ("collection_record", "called_phone", "mobile"),
        ("customer", "email", "email"),
        ("device_fingerprint", "ip_address", "ip"),
        ("user_account", "last_login_ip", "ip"),
        ("loan_application", "employer_uscc", "uscc"),
    ]:
        values = _column(path, table, column)
        assert values, (table, column)
        assert all(DETECTORS[detector].validate(v) for v in values), (table, column)


def test_planted_problems_are_in_the_data(demo: tuple[Path, dict[str, int]]) -> None:
    path = demo[0]
    # Hashes have the bcrypt format; the payment password and CVV are plain digits.
    hashes = _column(path, "user_account", "login_password_hash")
    assert all(h.startswith("$2b$12$") and len(h) == 60 for h in hashes)
    pay = _column(path, "bank_card", "pay_password")
    assert pay and all(p.isdigit() and len(p) == 6 for p in pay)
    assert all(c.isdigit() and len(c) == 3 for c in _column(path, "bank_card", "cvv"))
    # Ciphertext columns hold base64, never a detectable identifier.
    for table, column in [("customer", "sfzh_cipher"), ("emergency_contact", "contact_phone_enc")]:
        stats = detect(_column(path, table, column))
        assert all(s.matched == 0 for s in stats.values()), (table, column)
    # The operation log's free text carries mobile numbers.
    details = _column(path, "operation_log", "detail")
    assert any(DETECTORS["mobile"].validate(word) for d in details for word in d.split())
    # Rows older than the declared retention exist (sms codes: 30 days; customers closed > 5 years ago).
    with sqlite3.connect(path) as conn:
        assert conn.execute(
            "SELECT count(*) FROM sms_verification_code WHERE sent_at < '2025-01-01'"
        ).fetchone()[0]
        assert conn.execute("SELECT count(*) FROM customer WHERE closed_at < '2020-06-30'").fetchone()[0]


def test_same_seed_same_content(tmp_path: Path) -> None:
    first, second, other = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "c.db"
    assert build_demo_database(first, rows=40) == build_demo_database(second, rows=40)
    build_demo_database(other, rows=40, seed=7)
    assert _content_hash(first) == _content_hash(second)
    assert _content_hash(first) != _content_hash(other)


def test_rebuild_replaces_the_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    path.write_text("not a database")
    counts = build_demo_database(path, rows=5)
    assert counts["customer"] == 5
    assert [p.name for p in tmp_path.iterdir()] == ["demo.db"]


def test_catalog_categories_are_taxonomy_keys() -> None:
    catalog = _catalog()
    taxonomy = builtin_taxonomy()
    assert catalog["dataset"] == "demo"
    assert catalog["match"] == {"schemas": ["main"]}
    for table in catalog["tables"].values():
        for column in (table.get("columns") or {}).values():
            assert column["category"] in taxonomy, column


def test_catalog_names_only_existing_columns_except_the_stale_one() -> None:
    schema = _schema_columns()
    missing = set()
    for table, spec in _catalog()["tables"].items():
        assert table in schema, table
        for column in spec.get("columns") or {}:
            if column not in schema[table]:
                missing.add((table, column))
    assert missing == STALE


def test_catalog_keeps_its_deliberate_gaps() -> None:
    catalog = _catalog()
    tables = catalog["tables"]
    assert "retention" not in tables["collection_record"]
    assert "purposes" not in tables["loan_application"]
    assert "device_fingerprint" not in tables
    assert "ethnicity" not in tables["customer"]["columns"]
    assert "pay_password" not in tables["bank_card"]["columns"]
    assert tables["customer"]["columns"]["sfzh"]["protection"] == {"method": "none"}
    assert tables["bank_card"]["columns"]["cvv"]["category"] == "auth.card_verification"
    expiries = sorted(str(w["expires"]) for w in catalog["exceptions"])
    assert expiries == ["2025-06-30", "2027-12-31"]
    assert all(w["owner"] and w["reason"] for w in catalog["exceptions"])


def test_catalog_passes_the_catalog_loader() -> None:
    from plaudit.catalog.loader import load_catalog

    path = resources.files("plaudit.demo").joinpath("catalog.yaml")
    catalog = load_catalog([str(path)])
    assert len(catalog.waivers) == 2


def test_missing_faker_says_which_extra_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "faker", None)  # makes `import faker` raise ImportError
    with pytest.raises(ImportError, match=r"pip install 'plaudit\[demo\]'"):
        build_demo_database(tmp_path / "demo.db")
    assert not (tmp_path / "demo.db").exists()
