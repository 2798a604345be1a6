"""The HTML report: golden tests of its structure (sections, tables, statuses, counts) in both languages,
and what an officer relies on: honest "not evaluated", waiver expiry, escaping, nothing fetched.

Rebuild the golden files after an intended change with PLAUDIT_UPDATE_GOLDEN=1.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

import pytest

from plaudit.reports import ReportContext, render
from plaudit.reports.i18n import LANGUAGES, strings

GOLDEN = Path(__file__).parent / "golden"
REPORT = json.loads((GOLDEN / "report.json").read_text(encoding="utf-8"))
RULES = tuple(json.loads((GOLDEN / "html" / "rules.json").read_text(encoding="utf-8"))["rules"])
OWNERS = {"bank_card": "payments@example.com"}  # as `catalog_owners` builds them


def context(lang: str = "en", **more: Any) -> ReportContext:
    return ReportContext(lang=lang, rules=RULES, owners=OWNERS, **more)


# --------------------------------------------------------------------------------------- a tiny DOM


class Node:
    def __init__(self, tag: str, attrs: dict[str, str], parent: Node | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    def text(self) -> str:
        return " ".join("".join(c if isinstance(c, str) else c.text() for c in self.children).split())

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Node]:
        found = []
        for child in self.children:
            if isinstance(child, Node):
                if (tag is None or child.tag == tag) and all(
                    child.attrs.get(k.rstrip("_")) == v for k, v in attrs.items()
                ):
                    found.append(child)
                found.extend(child.find_all(tag, **attrs))
        return found

    def find(self, tag: str | None = None, **attrs: str) -> Node:
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag} {attrs}>"
        return found[0]


class _Builder(HTMLParser):
    VOID: ClassVar[set[str]] = {"meta", "br", "input", "link", "img", "hr", "rect", "line", "path"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.here = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, self.here)
        self.here.children.append(node)
        if tag not in self.VOID:
            self.here = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.here.children.append(Node(tag, {k: v or "" for k, v in attrs}, self.here))

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.here
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.here = node.parent

    def handle_data(self, data: str) -> None:
        self.here.children.append(data)


def parse(html: str) -> Node:
    builder = _Builder()
    builder.feed(html)
    return builder.root


def structure(html: str) -> dict[str, Any]:
    """What the golden file pins: every section, heading, table header, status and count; no styling."""
    dom = parse(html)
    sections = []
    for section in dom.find_all("section"):
        tables = []
        for table in section.find_all("table"):
            head = table.find("thead")
            body = table.find("tbody")
            tables.append(
                {
                    "id": table.attrs.get("id", ""),
                    "headers": [th.text() for th in head.find_all("th")],
                    "rows": [
                        [td.text() for td in tr.children if isinstance(td, Node)]
                        for tr in body.find_all("tr")
                    ],
                }
            )
        sections.append(
            {
                "id": section.attrs["id"],
                "h2": section.find("h2").text(),
                "h3": [h.text() for h in section.find_all("h3")],
                "tables": tables,
                "charts": [f.attrs.get("id", "") for f in section.find_all("figure")],
                "notes": [p.text() for p in section.find_all("p", class_="note")],
            }
        )
    return {"lang": dom.find("html").attrs["lang"], "title": dom.find("h1").text(), "sections": sections}


# ------------------------------------------------------------------------------------------ golden


@pytest.mark.parametrize("lang", LANGUAGES)
def test_structure_matches_golden(lang: str) -> None:
    got = structure(render(REPORT, "html", context=context(lang)))
    path = GOLDEN / "html" / f"structure.{lang}.json"
    if os.environ.get("PLAUDIT_UPDATE_GOLDEN"):
        path.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert got == json.loads(path.read_text(encoding="utf-8"))


# ------------------------------------------------------------------------------------- behaviour


def rule_status(html: str, rule: str) -> str:
    row = parse(html).find("tr", id=f"rule-{rule}")
    return row.attrs["data-status"]


def test_sections_an_officer_needs_are_all_there() -> None:
    dom = parse(render(REPORT, "html", context=context()))
    ids = [s.attrs["id"] for s in dom.find_all("section")]
    assert ids == ["summary", "coverage", "violations", "inventory", "waivers", "trends", "provenance"]
    regulations = [
        tr.attrs["data-reg"]
        for tr in dom.find("table", id="regulations").find_all("tr")
        if "data-reg" in tr.attrs
    ]
    assert regulations[:6] == ["jrt0171", "pipl", "gbt35273", "gbt22239", "pcidss", "gdpr"]


def test_statuses_are_honest_on_a_sql_scan() -> None:
    html = render(REPORT, "html", context=context())
    assert rule_status(html, "PCI331-SAD-NEVER-STORED") == "fail"
    assert rule_status(html, "JRT0171-STORE-C2-PROTECT") == "waived"  # its only finding is waived
    assert rule_status(html, "JRT0171-STORE-C3-ENC") == "pass"  # ran on the schema, found nothing
    # A SQL scan sees no grants, settings or data: those rules did not run, so they did not pass.
    assert rule_status(html, "MLPS-DB-LEAST-PRIVILEGE") == "not_evaluated"
    assert rule_status(html, "JRT0171-TRANS-ENC") == "not_evaluated"
    assert rule_status(html, "PIPL19-RETENTION-EXCEEDED") == "not_evaluated"
    notes = " ".join(p.text() for p in parse(html).find_all("p", class_="note"))
    assert "MLPS-DB-LEAST-PRIVILEGE" in notes and "PIPL19-RETENTION-EXCEEDED" in notes


def test_database_scan_without_data_evaluates_grants_but_not_data_rules() -> None:
    report = copy.deepcopy(REPORT)
    report["run"]["mode"] = "scan-db"
    report["data_checks"] = []  # --no-data
    html = render(report, "html", context=context())
    assert rule_status(html, "MLPS-DB-LEAST-PRIVILEGE") == "pass"
    assert rule_status(html, "PIPL19-RETENTION-EXCEEDED") == "not_evaluated"
    report["data_checks"] = [
        {"check": "retention", "resource": "lending.customer", "sampled": 10, "matched": 0}
    ]
    assert rule_status(render(report, "html", context=context()), "PIPL19-RETENTION-EXCEEDED") == "pass"


def test_a_failing_rule_is_failed_even_when_the_run_lacked_its_input() -> None:
    report = copy.deepcopy(REPORT)
    report["violations"].append(
        {
            **report["violations"][0],
            "rule": "MLPS-DB-LEAST-PRIVILEGE",
            "kind": "excessive_access",
            "fingerprint": "x",
        }
    )
    assert rule_status(render(report, "html", context=context()), "MLPS-DB-LEAST-PRIVILEGE") == "fail"


def test_chinese_uses_rule_titles_from_metadata_and_falls_back_to_english() -> None:
    html = render(REPORT, "html", context=context("zh"))
    dom = parse(html)
    assert dom.find("html").attrs["lang"] == "zh-CN"
    assert dom.find("h1").text() == "个人信息保护合规报告"
    titles = {
        tr.attrs["id"]: tr.find_all("td")[1].text()
        for tr in dom.find("table", id="rules").find_all("tr")
        if "id" in tr.attrs
    }
    zh = {r["rule"]: r for r in RULES}
    assert titles["rule-PCI331-SAD-NEVER-STORED"] == zh["PCI331-SAD-NEVER-STORED"]["title_zh"]
    assert titles["rule-PIPL6-COLLECT-PURPOSE"] == zh["PIPL6-COLLECT-PURPOSE"]["title"]  # no title_zh
    group = dom.find("article", id="v-PCI331-SAD-NEVER-STORED")
    assert zh["PCI331-SAD-NEVER-STORED"]["remediation_zh"] in group.find("p", class_="fix").text()
    # Every section heading is Chinese: none of the English headings leaks through.
    english = strings("en")
    for key in ("sec_summary", "sec_coverage", "sec_violations", "sec_waivers", "sec_trends"):
        assert english[key] not in html


def test_both_languages_have_every_string() -> None:
    en, zh = strings("en"), strings("zh")
    assert sorted(en.keys()) == sorted(zh.keys())
    for key in en.keys():  # noqa: SIM118 (Strings is not a dict)
        if isinstance(en[key], dict):
            assert sorted(en[key]) == sorted(zh[key]), key
            assert all(zh[key][k] != en[key][k] or k in ("pcidss",) for k in en[key] if k != "C3"), key
        else:
            assert re.findall(r"{\w+}", en[key]) == re.findall(r"{\w+}", zh[key]), key


def test_waivers_show_days_to_expiry_from_the_run_date_and_flag_expired_ones() -> None:
    dom = parse(render(REPORT, "html", context=context()))
    rows = dom.find("table", id="waiver-table").find("tbody").find_all("tr")
    expired, active = rows  # expired first: that is the debt to act on
    assert "w-expired" in expired.attrs["class"]
    assert expired.find_all("td")[1].text() == "expired 2162 days ago"  # 2020-01-31 -> run on 2026-01-01
    assert active.find_all("td")[1].attrs["data-v"] == str((dt.date(2099, 12, 31) - dt.date(2026, 1, 1)).days)
    assert active.find_all("td")[5].text() == "dpo@example.com"


def test_violations_carry_resource_owner_evidence_remediation_and_references() -> None:
    dom = parse(render(REPORT, "html", context=context()))
    group = dom.find("article", id="v-PIPL19-RETENTION-DECLARED")
    row = group.find("tbody").find("tr")
    cells = [td.text() for td in row.find_all("td")]
    violation = next(v for v in REPORT["violations"] if v["rule"] == "PIPL19-RETENTION-DECLARED")
    assert cells[1] == violation["resource"]
    assert violation["message"] in cells[5]
    assert group.find("p", class_="fix").text().endswith(violation["remediation"])
    assert all(ref in group.find("p", class_="refs").text() for ref in violation["references"])
    owners = {
        tr.find_all("td")[1].text(): tr.find_all("td")[3].text()
        for tr in dom.find_all("tr", **{"data-st": "open"})
    }
    assert owners["lending.bank_card.cvv2"] == "payments@example.com"  # from the catalog's owners
    assert owners["lending.customer.nickname"] == "(no owner in the catalog)"


def test_text_is_escaped() -> None:
    report = copy.deepcopy(REPORT)
    report["violations"][0]["resource"] = "lending.x.<script>alert(1)</script>"
    report["violations"][0]["message"] = 'a "quoted" <b>tag</b> & more'
    html = render(report, "html", context=context())
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert "<b>tag</b>" not in html


def test_nothing_is_fetched() -> None:
    html = render(REPORT, "html", context=context())
    dom = parse(html)
    assert [n for n in dom.find_all() if n.tag in ("link", "img", "iframe", "object", "embed")] == []
    assert [s for s in dom.find_all("script") if "src" in s.attrs] == []
    assert all(a.attrs["href"].startswith("#") for a in dom.find_all("a"))
    assert "url(" not in html and "@import" not in html
    assert (
        "default-src 'none'" in dom.find("meta", **{"http-equiv": "Content-Security-Policy"}).attrs["content"]
    )


def test_trends_from_stored_runs() -> None:
    trend = (
        {
            "id": "r1",
            "started_at": "2025-12-30T02:00:00Z",
            "open": {"high": 9, "critical": 2},
            "waived": 1,
            "new": None,
            "fixed": None,
        },
        {
            "id": "r2",
            "started_at": "2025-12-31T02:00:00Z",
            "open": {"high": 8, "critical": 2},
            "waived": 1,
            "new": 1,
            "fixed": 2,
        },
        {
            "id": "r3",
            "started_at": "2026-01-01T00:00:00Z",
            "open": {"high": 6, "critical": 2, "medium": 1},
            "waived": 1,
            "new": 0,
            "fixed": 3,
        },
    )
    dom = parse(render(REPORT, "html", context=context(trend=trend)))
    section = dom.find("section", id="trends")
    assert [f.attrs["id"] for f in section.find_all("figure")] == ["chart-trend-open", "chart-trend-change"]
    rows = [
        [td.text() for td in tr.find_all("td")]
        for tr in section.find("table", id="trend-table").find("tbody").find_all("tr")
    ]
    assert rows[0][-2:] == ["—", "—"] and rows[1][-2:] == ["1", "2"] and rows[2][2:6] == ["2", "6", "1", "0"]
    bars = section.find("figure", id="chart-trend-open").find_all("rect")
    assert len(bars) == 2 + 2 + 3  # one bar per severity present in each run
    without = parse(render(REPORT, "html", context=context()))
    assert without.find("section", id="trends").find_all("figure") == []
