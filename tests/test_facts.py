"""The facts document: what the policies are told about a scan (docs/facts.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from plaudit.catalog.classify import Classifier
from plaudit.catalog.loader import load_catalog
from plaudit.facts import build_facts, classify_model, observed_protection
from plaudit.model import Column
from plaudit.policies.facts_schema import validate_facts
from plaudit.scanners.sql import scan_text

SQL = """
CREATE TABLE customer (
  id BIGINT PRIMARY KEY,
  full_name VARCHAR(64) COMMENT '客户姓名',
  id_no VARCHAR(18) COMMENT '身份证号',
  id_no_cipher VARCHAR(128) COMMENT '身份证号密文',
  login_pwd_hash CHAR(60) COMMENT '登录密码',
  remark VARCHAR(200) COMMENT '备注'
);
CREATE TABLE audit_note (id BIGINT, body TEXT);
"""

CATALOG = """
dataset: crm
tables:
  customer:
    purposes: [account_servicing]
    retention: {period: 5y, anchor: closed_at}
    columns:
      id_no: {category: identity.national_id, protection: {method: encrypted, algorithm: SM4-GCM, key_ref: k}}
      remark: {category: null}
      gone: {category: contact.email}
  vanished_table: {}
exceptions:
  - {rule: untagged_pii, resource: "crm.customer.*", reason: review, owner: a@b.c, expires: 2026-11-25}
  - {rule: untagged_pii, resource: "crm.customer.*", reason: review, owner: a@b.c, expires: 2026-11-24}
"""

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def facts(tmp_path: Path) -> dict:
    (tmp_path / "c.yaml").write_text(CATALOG, encoding="utf-8")
    catalog = load_catalog([tmp_path / "c.yaml"])
    model = scan_text(SQL, path="schema.sql", dialect="mysql")
    columns = classify_model(model, catalog, Classifier())
    return build_facts(model, catalog, columns, mode="scan-sql", target="schema.sql", now=NOW)


def test_facts_follow_their_schema(facts: dict) -> None:
    validate_facts(facts)
    assert facts["schema_version"] == "1"
    assert facts["run"]["now"] == "2026-11-25T09:00:00Z"


def test_catalog_wins_over_the_classifier(facts: dict) -> None:
    cols = {c["column"]: c for c in facts["columns"]}
    assert cols["id_no"]["in_catalog"] and cols["id_no"]["protection"] == "encrypted"
    assert cols["id_no"]["confidence"] == 1.0 and cols["id_no"]["pipl_sensitive"] is True
    assert cols["remark"]["category"] is None and cols["remark"]["in_catalog"]  # declared not personal
    assert cols["full_name"]["category"] == "identity.name" and not cols["full_name"]["in_catalog"]
    assert cols["full_name"]["detected"]["category"] == "identity.name"
    assert cols["full_name"]["protection"] == "none"
    # Name and comment markers are observed protection, never a catalog claim.
    assert cols["id_no_cipher"]["observed"] == {"encryption_marker": True, "marker": "cipher"}
    assert cols["login_pwd_hash"]["protection"] == "kdf_hash"


def test_tables_carry_catalog_and_pi_columns(facts: dict) -> None:
    tables = {t["table"]: t for t in facts["tables"]}
    customer = tables["customer"]
    assert customer["resource"] == "crm.customer"
    assert customer["catalog"]["purposes"] == ["account_servicing"]
    assert {"full_name", "id_no"} <= set(customer["pi_columns"]) and "remark" not in customer["pi_columns"]
    assert customer["max_level"] in {"C2", "C3"}
    assert tables["audit_note"]["in_catalog"] is False and tables["audit_note"]["catalog"] is None


def test_catalog_entries_found_and_stale(facts: dict) -> None:
    entries = {e["resource"]: e["found"] for e in facts["catalog_entries"]}
    assert entries["crm.customer"] is True
    assert entries["crm.customer.id_no"] is True
    assert entries["crm.customer.gone"] is False
    assert entries["crm.vanished_table"] is False


def test_waiver_is_valid_through_its_expiry_day(facts: dict) -> None:
    assert [w["expired"] for w in facts["waivers"]] == [False, True]


@pytest.mark.parametrize(
    ("name", "type_", "comment", "category", "expected"),
    [
        ("mobile_enc", "varchar(128)", None, "contact.phone", "encrypted"),
        ("id_card_sm4", "varchar(64)", None, "identity.national_id", "encrypted"),
        ("card_no", "varbinary(64)", None, "account.bank_card", "encrypted"),
        ("encrypted_password", "varchar(255)", None, "auth.password", "kdf_hash"),
        ("mobile", "varchar(11)", "手机号（AES加密存储）", "contact.phone", "encrypted"),
        ("face_image", "blob", None, "media.photo", None),
        ("mobile", "varchar(11)", "手机号", "contact.phone", None),
        ("encoding", "varchar(11)", None, None, None),
    ],
)
def test_observed_protection(
    name: str, type_: str, comment: str | None, category: str | None, expected: str | None
) -> None:
    assert observed_protection(Column(name, type_, comment), category)[0] == expected


def test_value_evidence_raises_and_lowers(tmp_path: Path) -> None:
    from plaudit.catalog.taxonomy import builtin_taxonomy
    from plaudit.facts import apply_value_evidence
    from plaudit.model import DataCheck

    model = scan_text(
        "CREATE TABLE t (ext2 VARCHAR(32), card_no VARCHAR(19), note VARCHAR(32));",
        path="t.sql",
        dialect="mysql",
    )
    catalog = load_catalog([_catalog(tmp_path)])
    columns = classify_model(model, catalog, Classifier())
    by_name = {c.column.name: c for c in columns}
    assert by_name["ext2"].category is None and by_name["card_no"].category == "account.bank_card"
    checks = [
        DataCheck(
            "detectors", by_name["ext2"].resource, 200, 170, {"resident_id": {"matched": 170, "rate": 0.85}}
        ),
        DataCheck(
            "detectors", by_name["card_no"].resource, 200, 0, {"bank_card": {"matched": 0, "rate": 0.0}}
        ),
        DataCheck("detectors", by_name["note"].resource, 10, 1, {"mobile": {"matched": 1, "rate": 0.1}}),
    ]
    apply_value_evidence(columns, checks, builtin_taxonomy())
    assert by_name["ext2"].category == "identity.national_id"
    assert by_name["ext2"].evidence[-1].source == "value"
    assert by_name["card_no"].confidence < 0.6 and by_name["card_no"].evidence[-1].weight < 0
    assert by_name["note"].category is None  # one mobile-like value in ten is not a phone column
    facts = build_facts(model, catalog, columns, mode="scan-db", target="t", now=NOW, data_checks=checks)
    ext2 = next(c for c in facts["columns"] if c["column"] == "ext2")
    assert ext2["detected"]["category"] == "identity.national_id" and not ext2["in_catalog"]


def _catalog(tmp_path: Path) -> Path:
    path = tmp_path / "empty.yaml"
    path.write_text("tables: {}\n", encoding="utf-8")
    return path
