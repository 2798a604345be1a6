"""Golden tests: every report format renders the canonical report in `golden/report.json` exactly as its
golden file shows. Rebuild the golden files after an intended change with PLAUDIT_UPDATE_GOLDEN=1."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from plaudit.reports import formats, render

GOLDEN = Path(__file__).parent / "golden"
REPORT = json.loads((GOLDEN / "report.json").read_text(encoding="utf-8"))
SUFFIX = {
    "json": "json",
    "table": "txt",
    "sarif": "sarif",
    "junit": "junit.xml",
    "markdown": "md",
    "csv": "csv",
}


@pytest.mark.parametrize("fmt", sorted(formats()))
def test_format_matches_golden(fmt: str) -> None:
    if fmt == "html":
        pytest.skip("the HTML report has structure goldens (test_html.py): its bytes change with every rule")
    assert fmt in SUFFIX, f"add a golden file for the new format {fmt!r}"
    expected_path = GOLDEN / fmt / f"report.{SUFFIX[fmt]}"
    text = render(REPORT, fmt)
    if os.environ.get("PLAUDIT_UPDATE_GOLDEN"):
        expected_path.parent.mkdir(exist_ok=True)
        expected_path.write_text(text, encoding="utf-8")
    assert text == expected_path.read_text(encoding="utf-8")


def test_json_round_trips() -> None:
    assert json.loads(render(REPORT, "json")) == REPORT


def test_table_tells_what_an_officer_needs() -> None:
    text = render(REPORT, "table")
    assert "CRITICAL" in text and "PCI331-SAD-NEVER-STORED" in text
    assert "waived by dpo@example.com" in text
    assert "Expired waiver (suppresses nothing)" in text
    assert "migrations/V2__bad.sql:3" in text  # input problems are listed with file and line
    assert "at tests/cli/fixtures/lending_catalog.yaml:" in text  # a file location is shown


@pytest.mark.parametrize("fmt", ["table", "markdown", "junit"])
def test_inline_and_baseline_waivers_say_where_they_come_from(fmt: str) -> None:
    report = json.loads(json.dumps(REPORT))
    waived = [v for v in report["violations"] if v["waived"]]
    waived[0]["waiver"] = {
        "rule": waived[0]["rule"], "resource": waived[0]["resource"], "owner": None, "expires": None,
        "reason": "legacy column, migration 42 drops it", "source": "inline",
        "location": {"path": "migrations/V3__kyc.sql", "line": 7},
    }  # fmt: skip
    text = render(report, fmt)
    assert "suppressed inline at migrations/V3" in text  # Markdown escapes the underscores
    assert "None" not in text.replace("\\u", "")


def test_sarif_names_rules_by_their_titles_when_the_pack_is_known() -> None:
    from plaudit.reports import ReportContext

    rule = REPORT["violations"][0]["rule"]
    context = ReportContext(rules=({"rule": rule, "title": "A readable rule title"},))
    sarif = json.loads(render(REPORT, "sarif", context=context))
    described = {r["id"]: r["shortDescription"]["text"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert described[rule] == "A readable rule title"
