"""JUnit XML, for the test-report views of GitLab merge requests, Jenkins and most CI systems.

One `testsuite` per rule and one `testcase` per rule × resource (classname = rule, name = resource), so CI
histories track each finding as the same test across runs. An unwaived violation is a `failure` whose
type is its severity; a waived one is `skipped` with the waiver's reason. Input problems (files that did
not parse, objects that could not be read) are `error` test cases in a suite of their own.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import Any

from plaudit.reports import waiver_note

FORMAT = "junit"

INPUT_SUITE = "plaudit input problems"

# XML 1.0 forbids most control characters even escaped; ElementTree would write them as they are and
# produce a file no parser accepts.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def render(report: dict[str, Any], *, color: bool = False) -> str:
    root = ET.Element("testsuites", name="plaudit")
    groups: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for v in report.get("violations") or []:
        groups[v["rule"]][v["resource"]].append(v)
    timestamp = _clean((report.get("run") or {}).get("started_at") or "")
    for rule in sorted(groups):
        suite = ET.SubElement(root, "testsuite", name=_clean(rule))
        if timestamp:
            suite.set("timestamp", timestamp)
        for resource in sorted(groups[rule]):
            _testcase(suite, rule, resource, groups[rule][resource])
        _count(suite)
    errors = report.get("errors") or []
    if errors:
        suite = ET.SubElement(root, "testsuite", name=INPUT_SUITE)
        for e in errors:
            where = _where(e)
            case = ET.SubElement(suite, "testcase", classname=INPUT_SUITE, name=_clean(where), time="0")
            _file_attrs(case, e.get("path"), e.get("line"))
            error = ET.SubElement(case, "error", message=_clean(e.get("message") or ""), type="input")
            error.text = _clean(f"{where}: {e.get('message') or ''}")
        _count(suite)
    _count(root)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _testcase(suite: ET.Element, rule: str, resource: str, found: list[dict[str, Any]]) -> None:
    case = ET.SubElement(suite, "testcase", classname=_clean(rule), name=_clean(resource), time="0")
    located = next((v["location"] for v in found if _is_file(v.get("location"))), None)
    if located:
        _file_attrs(case, located.get("path"), located.get("line"))
    open_ = [v for v in found if not v.get("waived")]
    if open_:
        first = open_[0]
        failure = ET.SubElement(
            case, "failure", message=_clean(first["message"]), type=_clean(first["severity"])
        )
        failure.text = _clean("\n\n".join(_body(v) for v in open_))
    else:
        waiver = found[0].get("waiver") or {}
        ET.SubElement(case, "skipped", message=_clean(waiver_note(waiver)))


def _body(v: dict[str, Any]) -> str:
    lines = [f"{v['severity'].upper()} {v['rule']}: {v['message']}"]
    loc = v.get("location") or {}
    if loc.get("path"):
        lines.append(f"Location: {_where(loc)}")
    if v.get("status"):
        lines.append(f"Status: {v['status']}")
    if v.get("remediation"):
        lines.append(f"Fix: {v['remediation']}")
    if v.get("references"):
        lines.append("References: " + "; ".join(v["references"]))
    lines.append(f"Fingerprint: {v['fingerprint']}")
    return "\n".join(lines)


def _count(element: ET.Element) -> None:
    """Set tests/failures/errors/skipped on a testsuite (from its testcases) or on testsuites (the sums)."""
    if element.tag == "testsuites":
        totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
        for suite in element:
            for key in totals:
                totals[key] += int(suite.get(key, "0"))
    else:
        cases = element.findall("testcase")
        totals = {
            "tests": len(cases),
            "failures": sum(1 for c in cases if c.find("failure") is not None),
            "errors": sum(1 for c in cases if c.find("error") is not None),
            "skipped": sum(1 for c in cases if c.find("skipped") is not None),
        }
    for key, value in totals.items():
        element.set(key, str(value))
    element.set("time", "0")


def _is_file(loc: dict[str, Any] | None) -> bool:
    # Database objects are located as `<masked URL>#schema.table`: not a file a CI view can open.
    path = (loc or {}).get("path") or ""
    return bool(path) and "#" not in path and "://" not in path


def _file_attrs(case: ET.Element, path: str | None, line: int | None) -> None:
    if path and _is_file({"path": path}):
        case.set("file", _clean(path.replace("\\", "/")))
        if isinstance(line, int) and line >= 1:
            case.set("line", str(line))


def _where(loc: dict[str, Any]) -> str:
    return f"{loc['path']}:{loc['line']}" if loc.get("line") else str(loc.get("path") or "")


def _clean(text: str) -> str:
    return _ILLEGAL.sub("\ufffd", str(text))
