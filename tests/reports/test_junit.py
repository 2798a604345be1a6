"""JUnit XML: well-formed, one suite per rule and one case per rule × resource, counts that add up."""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET

from test_formats import REPORT

from plaudit.reports import render
from plaudit.reports.junit import INPUT_SUITE


def parse(report: dict) -> ET.Element:
    return ET.fromstring(render(report, "junit").encode("utf-8"))


def test_suites_cases_and_counts_match_the_report() -> None:
    root = parse(REPORT)
    violations = REPORT["violations"]
    rule_suites = [s for s in root.findall("testsuite") if s.get("name") != INPUT_SUITE]
    assert [s.get("name") for s in rule_suites] == sorted({v["rule"] for v in violations})
    pairs = {(v["rule"], v["resource"]) for v in violations}
    cases = [(c.get("classname"), c.get("name")) for s in rule_suites for c in s.findall("testcase")]
    assert sorted(cases) == sorted(pairs)
    unwaived = {(v["rule"], v["resource"]) for v in violations if not v["waived"]}
    assert sum(int(s.get("failures", "0")) for s in rule_suites) == len(unwaived)
    assert sum(int(s.get("skipped", "0")) for s in rule_suites) == REPORT["summary"]["waived"]
    for suite in root.findall("testsuite"):
        assert int(suite.get("tests", "0")) == len(suite.findall("testcase"))
        assert int(suite.get("failures", "0")) == len(suite.findall("testcase/failure"))
        assert int(suite.get("skipped", "0")) == len(suite.findall("testcase/skipped"))
        assert int(suite.get("errors", "0")) == len(suite.findall("testcase/error"))
    for key in ("tests", "failures", "errors", "skipped"):
        assert root.get(key) == str(sum(int(s.get(key, "0")) for s in root.findall("testsuite")))
    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) == (
        "10", "8", "1", "1",
    )  # fmt: skip


def test_failure_carries_severity_message_location_and_fix() -> None:
    root = parse(REPORT)
    case = root.find("testsuite[@name='PCI331-SAD-NEVER-STORED']/testcase")
    assert case is not None
    assert case.get("file") == "tests/cli/fixtures/lending_v1.sql" and case.get("line") == "16"
    failure = case.find("failure")
    assert failure is not None and failure.get("type") == "critical"
    assert failure.get("message", "").startswith("Column lending.bank_card.cvv2 stores")
    body = failure.text or ""
    assert "Location: tests/cli/fixtures/lending_v1.sql:16" in body
    assert "Fix: Drop the column" in body and "PCI DSS v4.0 3.3.1" in body


def test_waived_violation_is_skipped_with_the_reason() -> None:
    skipped = parse(REPORT).find("testsuite[@name='JRT0171-STORE-C2-PROTECT']/testcase/skipped")
    assert skipped is not None
    assert skipped.get("message") == (
        "waived by dpo@example.com until 2099-12-31: legacy column, tokenisation planned for Q1"
    )


def test_input_errors_are_error_cases() -> None:
    suite = parse(REPORT).find(f"testsuite[@name='{INPUT_SUITE}']")
    assert suite is not None and suite.get("errors") == "1"
    case = suite.find("testcase")
    assert case is not None and case.get("name") == "migrations/V2__bad.sql:3"
    error = case.find("error")
    assert error is not None and "could not parse" in error.get("message", "")


def test_markup_and_control_characters_stay_well_formed() -> None:
    report = copy.deepcopy(REPORT)
    report["violations"][0]["message"] = 'a <b> & "c" ]]> \x00\x1b end'
    report["violations"][0]["resource"] = 'weird.<t>&"q"'
    root = parse(report)  # raises on malformed XML
    failure = root.find(".//testcase[@name='weird.<t>&\"q\"']/failure")
    assert failure is not None and failure.get("message") == 'a <b> & "c" ]]> \ufffd\ufffd end'


def test_database_locations_are_not_files_and_empty_reports_are_valid() -> None:
    report = copy.deepcopy(REPORT)
    for v in report["violations"]:
        v["location"] = {"path": "sqlite:///x.db#main.t", "line": None}
    assert all(c.get("file") is None for c in parse(report).iter("testcase") if c.find("error") is None)
    empty = parse({**REPORT, "violations": [], "errors": []})
    assert empty.get("tests") == "0" and empty.findall("testsuite") == []
