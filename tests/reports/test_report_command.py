"""`plaudit report`: from a JSON report or the run history, to HTML, CSV, Markdown or PDF, in zh or en."""

from __future__ import annotations

import contextlib
import copy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from plaudit.history import RunStore, track
from plaudit.report_command import report

GOLDEN = Path(__file__).parent / "golden"
REPORT = json.loads((GOLDEN / "report.json").read_text(encoding="utf-8"))


def run(*args: str, cwd: Path | None = None) -> Result:
    with contextlib.chdir(cwd or Path.cwd()):  # the default history store is looked up here
        result = CliRunner().invoke(report, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output + (result.stderr or "")
    return result


def one_line_error(result: Result) -> str:
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("plaudit: error: ") and len(lines) <= 2
    return result.stderr


def write(tmp_path: Path, data: dict[str, Any], name: str = "run.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_html_from_a_json_report(tmp_path: Path) -> None:
    out = tmp_path / "out" / "report.html"
    result = run(str(write(tmp_path, REPORT)), "--lang", "zh", "--out", str(out), cwd=tmp_path)
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "个人信息保护合规报告" in html
    assert "report written to" in result.stderr
    # No history was given and none exists in the working directory: the report says so, creates none.
    assert "趋势从第二次记录的运行开始" in html
    assert not (tmp_path / ".plaudit").exists()


@pytest.mark.parametrize(
    ("fmt", "marker"), [("markdown", "## plaudit compliance report"), ("csv", "Severity,Status")]
)
def test_other_formats_print_to_stdout(tmp_path: Path, fmt: str, marker: str) -> None:
    result = run(str(write(tmp_path, REPORT)), "--format", fmt)
    assert result.exit_code == 0 and marker in result.stdout


def test_trends_and_new_vs_fixed_from_the_store(tmp_path: Path) -> None:
    store_url = f"sqlite:///{tmp_path / 'history.db'}"
    runs = _three_runs()
    with RunStore.open(store_url) as store:
        for r in runs:
            track(r, store, fail_level="high", fail_on="any")
    # The second run's report: the trend stops at it, and the third run is not shown.
    second = write(tmp_path, runs[1])
    out = tmp_path / "r.html"
    assert run(str(second), "--store", store_url, "--out", str(out)).exit_code == 0
    rows = _trend_rows(out.read_text(encoding="utf-8"))
    assert [r[1] for r in rows] == ["run-1", "run-2"]
    assert rows[0][-2:] == ["—", "—"]  # the first stored run has nothing to compare with
    assert rows[1][-2:] == ["1", "2"]  # run 2 added one finding and fixed two
    # The latest run, and --runs keeps the newest ones.
    third = write(tmp_path, runs[2], "third.json")
    assert run(str(third), "--store", store_url, "--runs", "2", "--out", str(out)).exit_code == 0
    rows = _trend_rows(out.read_text(encoding="utf-8"))
    assert [r[1] for r in rows] == ["run-2", "run-3"] and rows[0][-2:] == ["1", "2"]
    # A report that was never recorded is added after the stored runs.
    fourth = copy.deepcopy(runs[2])
    fourth["run"]["id"] = "run-4"
    fourth["violations"] = fourth["violations"][:1]
    assert run(str(write(tmp_path, fourth, "4.json")), "--store", store_url, "--out", str(out)).exit_code == 0
    rows = _trend_rows(out.read_text(encoding="utf-8"))
    assert [r[1] for r in rows][-2:] == ["run-3", "run-4"] and rows[-1][-2:] == [
        "0",
        str(len(runs[2]["violations"]) - 1),
    ]


def test_latest_stored_run_without_a_json_report(tmp_path: Path) -> None:
    store_url = f"sqlite:///{tmp_path / 'history.db'}"
    runs = _three_runs()
    with RunStore.open(store_url) as store:
        for r in runs:
            track(r, store, fail_level="high", fail_on="any")
    out = tmp_path / "latest.csv"
    assert run("--store", store_url, "--format", "csv", "--out", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8-sig")
    assert len(text.strip().splitlines()) == 1 + len(runs[2]["violations"])
    assert all(v["resource"] in text for v in runs[2]["violations"])
    missing = run("--store", store_url, "--target", "no-such-target")
    assert "has no run of target 'no-such-target'" in one_line_error(missing)


def test_errors_are_one_line_and_exit_2(tmp_path: Path) -> None:
    assert "no such report file" in one_line_error(run(str(tmp_path / "nope.json")))
    bad = tmp_path / "bad.json"
    bad.write_text('{"run": \n', encoding="utf-8")
    assert "bad.json:2: not JSON" in one_line_error(run(str(bad)))
    assert "not a plaudit JSON report" in one_line_error(run(str(write(tmp_path, {"a": 1}, "x.json"))))
    assert "writes a binary file" in one_line_error(run(str(write(tmp_path, REPORT)), "--format", "pdf"))
    assert "nothing to report" in one_line_error(run(cwd=tmp_path))
    store = "postgresql://auditor:Sup3rSecretPw@127.0.0.1:1/nowhere"
    error = one_line_error(run(str(write(tmp_path, REPORT)), "--store", store))
    assert "Sup3rSecretPw" not in error and "***" in error


def test_pdf_needs_its_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(__import__("sys").modules, "weasyprint", None)  # as if the extra were not installed
    result = run(str(write(tmp_path, REPORT)), "--format", "pdf", "--out", str(tmp_path / "r.pdf"))
    assert "plaudit[pdf]" in one_line_error(result)
    assert not (tmp_path / "r.pdf").exists()


def _three_runs() -> list[dict[str, Any]]:
    base = copy.deepcopy(REPORT)
    base["violations"] = [v for v in base["violations"] if not v["waived"]]
    runs = []
    for i, keep in enumerate((slice(0, 6), slice(2, 7), slice(2, 8)), start=1):
        r = copy.deepcopy(base)
        r["run"]["id"] = f"run-{i}"
        r["run"]["started_at"] = f"2026-01-0{i}T02:00:00Z"
        r["run"]["finished_at"] = f"2026-01-0{i}T02:05:00Z"
        r["violations"] = [{**v, "fingerprint": f"fp-{n}"} for n, v in enumerate(base["violations"])][keep]
        runs.append(r)
    return runs


def _trend_rows(html: str) -> list[list[str]]:
    from test_html import parse  # tests/reports is on sys.path when pytest collects it

    table = parse(html).find("table", id="trend-table")
    return [[td.text() for td in tr.find_all("td")] for tr in table.find("tbody").find_all("tr")]
