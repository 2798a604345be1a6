"""Markdown for a PR comment: summary, severity sections, waivers, input problems, history, and a cut
that keeps the text under GitHub's comment limit."""

from __future__ import annotations

import copy
from typing import Any

from test_formats import REPORT

from plaudit.reports import markdown, render


def many(n: int) -> dict[str, Any]:
    report = copy.deepcopy(REPORT)
    template = report["violations"][0]
    report["violations"] = [
        {**template, "resource": f"lending.t{i:05}.cvv2", "fingerprint": f"{i:032x}"} for i in range(n)
    ]
    return report


def test_summary_and_sections_in_severity_order() -> None:
    text = render(REPORT, "markdown")
    assert "**8 violations**: 2 critical, 5 high, 1 medium, 0 low; 1 waived; 1 input problem." in text
    positions = [text.index(f"### {s} (") for s in ("Critical", "High", "Medium")]
    assert positions == sorted(positions)
    assert "### Low" not in text  # no empty sections
    assert "`tests/cli/fixtures/lending_v1.sql:16`" in text  # file:line as a code span
    assert "**Fix:** Drop the column" in text


def test_waivers_expired_waivers_and_input_problems() -> None:
    text = render(REPORT, "markdown")
    details = text[text.index("<details>") :]
    assert "<summary>1 waived violation</summary>" in details
    assert "waived by dpo@example.com until 2099-12-31" in details
    assert "> [!WARNING]" in text and "**Expired waiver** (suppresses nothing)" in text
    assert text.index("Expired waiver") < text.index("### Critical")  # called out before the findings
    assert "### Input problems (1)" in text and "`migrations/V2__bad.sql:3`: could not parse" in text


def test_history_counts_and_new_markers() -> None:
    report = copy.deepcopy(REPORT)
    report["violations"][0]["status"] = "new"
    report["history"] = {"previous_run": "r1", "new": 1, "open": 7, "fixed": 1}
    report["fixed"] = [{"rule": "PIPL6-COLLECT-PURPOSE", "resource": "lending.loan", "severity": "high"}]
    text = render(report, "markdown")
    assert "Since the previous run: **1 new**, 7 still open, 1 fixed." in text
    assert text.count("— **new**") == 1
    assert "<summary>1 fixed since the previous run</summary>" in text
    assert "Since the previous run" not in render(REPORT, "markdown")


def test_text_is_escaped_but_code_spans_kept() -> None:
    report = copy.deepcopy(REPORT)
    report["violations"][0]["message"] = "a <script> tag, *stars*, _x_ and `code <kept>`\nnext line"
    report["violations"][0]["resource"] = "odd`name"
    text = render(report, "markdown")
    assert "a &lt;script&gt; tag, \\*stars\\*, \\_x\\_ and `code <kept>` next line" in text
    assert "`` odd`name ``" in text


def test_long_reports_are_cut_under_the_limit_with_a_note() -> None:
    report = many(2000)
    text = markdown.render(report)
    assert len(text) <= markdown.MAX_CHARS
    assert "entries left out** to stay under GitHub's 65,536-character comment limit" in text
    shown = text.count("- **`PCI331-SAD-NEVER-STORED`**")
    total = 2000 + len(REPORT["errors"]) + 1  # violations, input problems, the expired waiver
    assert f"**{total - 1 - shown} of {total} entries left out**" in text
    assert "### Critical (2000)" in text  # the heading still tells the full count
    assert text.index("Expired waiver") < text.index("### Critical")  # priorities kept


def test_cut_to_a_small_limit_and_no_cut_when_it_fits() -> None:
    text = markdown.render(many(50), limit=3000)
    assert len(text) <= 3000 and "entries left out" in text
    assert "entries left out" not in render(REPORT, "markdown")


def test_a_huge_field_is_clipped() -> None:
    report = copy.deepcopy(REPORT)
    report["violations"][0]["message"] = "x" * 100_000
    text = render(report, "markdown")
    assert len(text) < markdown.MAX_CHARS and ("x" * (markdown.MAX_FIELD - 1) + "…") in text


def test_empty_report() -> None:
    text = render({**REPORT, "violations": [], "errors": [], "waivers": []}, "markdown")
    assert "**0 violations**: 0 critical, 0 high, 0 medium, 0 low; 0 waived." in text
    assert "###" not in text
