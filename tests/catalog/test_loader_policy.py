"""Catalog fields for sharing, impact assessments, table roles and policy parameters.

They feed the transfer, PIA, vault, copy and audit rules (docs/policies-parameters.md); a wrong field is
a catalog error naming the file and line, and a right one reaches the policies through the facts.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from plaudit.catalog.classify import Classifier
from plaudit.catalog.loader import load_catalog
from plaudit.errors import CatalogError
from plaudit.facts import build_facts, classify_model
from plaudit.policies.engine import evaluate, load_policies
from plaudit.policies.facts_schema import validate_facts
from plaudit.scanners.sql import scan_text

GOOD = """\
dataset: lending
region: cn-north-1
pia: {id: PIA-2026-01, date: 2026-06-01}
policy:
  permitted_regions: [cn-*]
  audit_roles: [audit_admin]
tables:
  customer:
    zone: secure
    sharing:
      - recipient: acme-collections
        relationship: entrusted
        agreement_id: DPA-7
        columns: [mobile]
      - {recipient: group-risk-sg, region: ap-southeast-1, mechanism: standard_contract}
    columns:
      mobile: {category: contact.phone}
  card_token_vault:
    role: token_vault
    pia: {id: PIA-2026-09, date: 2026-09-30}
  customer_bak:
    copy_of: customer
    role: backup
    automated_decision: false
    retention: {period: 1y, ttl: 12h, anchor: created_at}
"""


def _load(tmp_path: Path, **files: str):
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return load_catalog([tmp_path])


def _error(tmp_path: Path, **files: str) -> CatalogError:
    with pytest.raises(CatalogError) as info:
        _load(tmp_path, **files)
    return info.value


def test_new_fields_reach_the_table_facts(tmp_path: Path) -> None:
    catalog = _load(tmp_path, **{"a.yaml": GOOD})
    tables = {t.name: t.to_facts() for t in catalog.tables()}
    customer = tables["customer"]
    assert [s["recipient"] for s in customer["sharing"]] == ["acme-collections", "group-risk-sg"]
    # each sharing entry and impact assessment says where it is written, for the findings about it
    assert customer["sharing"][0]["location"]["line"] == 11
    assert customer["sharing"][1]["location"]["line"] == 15
    assert customer["pia"]["id"] == "PIA-2026-01"  # the file's assessment covers the table
    assert customer["pia"]["location"]["line"] == 3
    assert tables["card_token_vault"]["role"] == "token_vault"
    assert tables["card_token_vault"]["pia"]["id"] == "PIA-2026-09"  # the table's own wins
    bak = tables["customer_bak"]
    assert (bak["copy_of"], bak["role"], bak["automated_decision"]) == ("customer", "backup", False)
    assert bak["retention"]["ttl"] == "12h"
    assert customer["sharing"] and tables["card_token_vault"]["sharing"] == []


def test_policy_sections_merge_over_files(tmp_path: Path) -> None:
    catalog = _load(
        tmp_path,
        **{
            "a.yaml": GOOD,
            "b.yaml": "policy:\n  audit_roles: [audit_admin]\n  otp_max: 3min\ntables: {}\n",
        },
    )
    assert catalog.params == {
        "permitted_regions": ["cn-*"],
        "audit_roles": ["audit_admin"],
        "otp_max": "3min",
    }


def test_a_parameter_set_differently_in_two_files_is_an_error(tmp_path: Path) -> None:
    err = _error(tmp_path, **{"a.yaml": GOOD, "b.yaml": "tables: {}\npolicy:\n  permitted_regions: [eu-*]\n"})
    assert err.path is not None and Path(err.path).name == "b.yaml"
    assert err.line == 3
    assert "policy.permitted_regions" in err.message and "a.yaml:5" in err.message


SHARE = "tables:\n  t:\n    sharing:\n      - "


@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        (SHARE + "{recipient: x, mechanism: contract}\n", 4, "tables.t.sharing.0.mechanism"),
        (SHARE + "{agreement_id: A-1}\n", 4, "tables.t.sharing.0"),
        (SHARE + "{recipient: x, relation: entrusted}\n", 4, "tables.t.sharing.0"),
        (SHARE + "{recipient: x, relationship: vendor}\n", 4, "relationship"),
        ("pia: {id: P-1}\ntables: {}\n", 1, "'pia'"),
        ("tables:\n  t:\n    pia: {id: P-1, date: 30/06/2026}\n", 3, "tables.t.pia.date"),
        ("tables:\n  t:\n    role: vault\n", 3, "tables.t.role"),
        ("tables:\n  t:\n    retention: {ttl: 5m}\n", 3, "tables.t.retention.ttl"),
        ("tables:\n  t:\n    automated_decision: sometimes\n", 3, "tables.t.automated_decision"),
        ("policy:\n  Permitted-Regions: [cn-*]\ntables: {}\n", 1, "policy"),
        ("policy: [permitted_regions]\ntables: {}\n", 1, "policy"),
    ],
)
def test_a_wrong_field_names_file_line_and_field(tmp_path: Path, text: str, line: int, field: str) -> None:
    err = _error(tmp_path, **{"c.yaml": text})
    assert err.path is not None and Path(err.path).name == "c.yaml"
    assert err.line == line, str(err)
    assert field in err.message, str(err)
    assert "\n" not in str(err)


SQL = """
CREATE TABLE customer (id BIGINT, mobile VARCHAR(11) COMMENT '手机号', id_no VARCHAR(18) COMMENT '身份证号');
"""


def test_a_cross_border_flow_in_the_catalog_is_judged(tmp_path: Path) -> None:
    catalog = _load(tmp_path, **{"a.yaml": GOOD})
    model = scan_text(SQL, path="schema.sql", dialect="mysql")
    columns = classify_model(model, catalog, Classifier())
    now = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
    facts = build_facts(model, catalog, columns, mode="scan-sql", target="schema.sql", now=now)
    validate_facts(facts)
    found = {v["rule"]: v for v in evaluate(load_policies(), facts, params=catalog.params)}
    transfer = found["PIPL38-CROSS-BORDER"]
    assert transfer["resource"] == "lending.customer"
    assert transfer["location"]["line"] == 15  # the sharing entry, where the fix goes
    assert "separate_consent_ref" in transfer["message"] and "pia_id" in transfer["message"]
    assert "mechanism" not in transfer["message"].split("without")[1]
    # the entrusted flow is complete, so the sharing-basis rule names only the overseas recipient
    assert "acme-collections" not in found["PIPL23-SHARING-BASIS"]["message"]
    assert "PIPL55-PIA-REQUIRED" not in found  # the file's assessment is current
