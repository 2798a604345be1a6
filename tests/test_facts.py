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
