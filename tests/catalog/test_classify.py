"""Table-driven tests of the column classifier (cases in cases/classify.yaml) and its API contract."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from plaudit.catalog.classify import Classifier, builtin_keys, split_words, type_class
from plaudit.model import Column, Table

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "classify.yaml").read_text(encoding="utf-8"))[
    "cases"
]


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier()


def _table(case: dict[str, Any]) -> tuple[Table, Column]:
    table = Table(name=case["table"], comment=case.get("table_comment"))
    for sib in case.get("siblings") or ():
        table.columns[sib["name"].lower()] = Column(sib["name"], sib.get("type", ""), sib.get("comment"))
    col = Column(case["column"], case.get("type", ""), case.get("comment"))
    table.columns[col.name.lower()] = col
    return table, col


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(case: dict[str, Any], classifier: Classifier) -> None:
    clf = Classifier(threshold=case["threshold"]) if "threshold" in case else classifier
    table, col = _table(case)
    got = clf.classify(table, col)
    why = "; ".join(f"{e.source}: {e.detail} ({e.weight:+})" for e in got.evidence)
    assert got.category == case["expect"], f"got {got.category} ({got.confidence}) because {why}"
    assert 0.0 <= got.confidence <= 1.0
    if case["expect"] is not None:
        assert got.evidence, "a flagged column must say why"
        assert got.confidence >= clf.threshold
    if "evidence" in case:
        assert any(e.source == case["evidence"] for e in got.evidence), why


def test_split_words() -> None:
    assert split_words("customerEmail") == ["customer", "email"]
    assert split_words("FirstName") == ["first", "name"]
    assert split_words("mobile_no2") == ["mobile", "no", "2"]
    assert split_words("NationalIDNumber") == ["national", "id", "number"]


def test_type_class() -> None:
    assert type_class("varchar(32)") == "string"
    assert type_class("timestamp with time zone") == "datetime"
    assert type_class("tinyint(1)") == "bool"
    assert type_class("decimal(19, 6)") == "numeric"
    assert type_class("inet") == "inet"
    assert type_class("bytea") == "binary"
    assert type_class("public.user_status_enum") == "enum"


def test_pinyin_abbreviations_are_derived_not_listed() -> None:
    terms = "".join(
        p.read_text(encoding="utf-8") for p in (Path(__file__).parents[2] / "src").rglob("terms/*.yaml")
    )
    for abbr in ("khsjhm", "frsfzh", "sfzh", "zjhm", "yhkh", "khxm"):
        assert abbr not in terms  # the match below comes from pypinyin, not from a list


def test_below_threshold_keeps_evidence(classifier: Classifier) -> None:
    table = Table("things", columns={"name": Column("name", "varchar(50)")})
    got = classifier.classify(table, table.columns["name"])
    assert got.category is None
    assert got.evidence and got.confidence > 0


def test_negative_evidence_is_reported(classifier: Classifier) -> None:
    table = Table("users", columns={"phone_type": Column("phone_type", "varchar(10)")})
    got = classifier.classify(table, table.columns["phone_type"])
    assert got.category is None
    assert any(e.weight < 0 and "type" in e.detail for e in got.evidence)


def test_classify_table_uses_siblings(classifier: Classifier) -> None:
    table = Table(
        "accounts",
        columns={
            "name": Column("name", "varchar(100)"),
            "email": Column("email", "varchar(128)"),
            "city": Column("city", "varchar(50)"),
            "address1": Column("address1", "varchar(100)"),
            "state_or_province": Column("state_or_province", "varchar(50)"),
        },
    )
    got = classifier.classify_table(table)
    assert set(got) == set(table.columns)
    assert got["name"].category == "identity.name"
    assert got["city"].category == "contact.address"
    assert got["state_or_province"].category == "contact.address"


def test_taxonomy_keys_restrict_answers() -> None:
    clf = Classifier(
        taxonomy_keys=[k for k in builtin_keys() if k != "contact.email"] + ["contact.phone.work"]
    )
    table = Table("users", columns={"email": Column("email", "varchar(100)")})
    got = clf.classify(table, table.columns["email"])
    assert got.category is None
    assert set(builtin_keys()) >= {"contact.email", "media.photo", "credit.record"}


def test_only_known_keys(classifier: Classifier) -> None:
    keys = set(builtin_keys())
    table = Table("t", columns={n: Column(n, "varchar(64)") for n in ("a", "email", "sfzh", "token", "gps")})
    for c in classifier.classify_table(table).values():
        assert c.category is None or c.category in keys
