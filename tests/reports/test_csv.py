"""The CSV report: the officer's working list, one row per violation, in the report's language."""

from __future__ import annotations

import copy
import csv
import io
import json
from pathlib import Path

from plaudit.reports import ReportContext, render

GOLDEN = Path(__file__).parent / "golden"
REPORT = json.loads((GOLDEN / "report.json").read_text(encoding="utf-8"))
RULES = tuple(json.loads((GOLDEN / "html" / "rules.json").read_text(encoding="utf-8"))["rules"])


def rows(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")  # spreadsheet programs read it as UTF-8, Chinese included
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_one_row_per_violation_with_what_an_officer_acts_on() -> None:
    got = rows(render(REPORT, "csv", context=ReportContext(rules=RULES)))
    assert len(got) == len(REPORT["violations"])
    assert got[0]["Severity"] == "critical"  # worst first
    by_fp = {r["Fingerprint"]: r for r in got}
    for v in REPORT["violations"]:
        row = by_fp[v["fingerprint"]]
        assert row["Rule"] == v["rule"] and row["Resource"] == v["resource"]
        assert row["References"] == "; ".join(v["references"])
        assert row["Status"] == ("waived" if v["waived"] else "open")
    waived = next(r for r in got if r["Status"] == "waived")
    assert waived["Waiver"].startswith("waived by dpo@example.com until 2099-12-31")


def test_chinese_headers_and_rule_texts() -> None:
    got = rows(render(REPORT, "csv", context=ReportContext(lang="zh", rules=RULES)))
    first = got[0]
    assert list(first)[:3] == ["严重程度", "状态", "规则"]
    zh = {r["rule"]: r for r in RULES}
    row = next(r for r in got if r["规则"] == "PCI331-SAD-NEVER-STORED")
    assert row["控制项"] == zh["PCI331-SAD-NEVER-STORED"]["title_zh"]
    assert row["整改建议"] == zh["PCI331-SAD-NEVER-STORED"]["remediation_zh"]
    assert row["严重程度"] == "critical"  # values stay filterable the same way in either language


def test_cells_a_spreadsheet_would_run_as_formulas_are_defused() -> None:
    report = copy.deepcopy(REPORT)
    report["violations"][0]["message"] = '=HYPERLINK("http://example.invalid","x")'
    report["violations"][0]["resource"] = "+cmd"
    got = rows(render(report, "csv", context=ReportContext(rules=RULES)))
    row = next(
        r
        for r in got
        if r["Fingerprint"] == report["violations"][0]["fingerprint"] and r["Resource"] == "'+cmd"
    )
    assert row["Evidence"].startswith("'=HYPERLINK")
