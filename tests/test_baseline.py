"""Baselines: `plaudit baseline create|check` and `--baseline` on `scan sql` and `check`."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from plaudit.cli import cli

OLD = """\
CREATE TABLE customer (
  id BIGINT PRIMARY KEY,
  id_card_no VARCHAR(18) COMMENT '身份证号'
);
"""
NEW = "ALTER TABLE customer ADD COLUMN mobile VARCHAR(11) COMMENT '手机号';\n"


@pytest.fixture
def sql(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # config discovery and the default baseline name are relative to it
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "001_init.sql").write_text(OLD, encoding="utf-8")
    return folder


def run(*args: str) -> Result:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def report_of(result: Result) -> dict[str, Any]:
    return json.loads(result.stdout)


def test_create_writes_sorted_fingerprints(sql: Path) -> None:
    result = run("baseline", "create", str(sql))
    assert result.exit_code == 0, result.output
    doc = json.loads(Path("plaudit-baseline.json").read_text(encoding="utf-8"))
    assert doc["version"] == 1 and doc["created_at"].endswith("Z")
    entries = doc["fingerprints"]
    assert entries and all(e["reason"] == "baseline" for e in entries)
    assert set(entries[0]) == {"fingerprint", "rule", "resource", "reason"}
    assert entries == sorted(entries, key=lambda e: (e["rule"], e["resource"], e["fingerprint"]))
    full = report_of(run("scan", "sql", str(sql), "--format", "json"))
    accepted = {e["fingerprint"] for e in entries}
    assert accepted >= {v["fingerprint"] for v in full["violations"]}
    # Beyond what `scan sql` reports, only the shift-left findings `check` would raise on today's
    # columns (a baseline accepts the tree as it is).
    extra = {
        e["rule"] for e in entries if e["fingerprint"] not in {v["fingerprint"] for v in full["violations"]}
    }
    assert extra <= {"GDPR25-SHIFT-LEFT-MIGRATION"}


def test_recreating_an_unchanged_baseline_leaves_the_file_alone(sql: Path) -> None:
    run("baseline", "create", str(sql), "--out", "b.json")
    before = Path("b.json").read_text(encoding="utf-8")
    result = run("baseline", "create", str(sql), "--out", "b.json")
    assert "unchanged" in result.output
    assert Path("b.json").read_text(encoding="utf-8") == before


def test_check_after_create_reports_nothing(sql: Path) -> None:
    run("baseline", "create", str(sql))
    result = run("baseline", "check", str(sql), "--format", "json")
    assert result.exit_code == 0
    report = report_of(result)
    assert report["violations"] == []
    assert report["baseline"]["accepted"] > 0 and report["baseline"]["stale"] == 0
    assert report["summary"]["waived"] == 0


def test_a_new_violation_after_the_baseline_is_reported(sql: Path) -> None:
    run("baseline", "create", str(sql))
    (sql / "002_mobile.sql").write_text(NEW, encoding="utf-8")
    result = run("baseline", "check", str(sql), "--format", "json")
    assert result.exit_code == 1
    report = report_of(result)
    assert {v["resource"] for v in report["violations"]} == {"customer.mobile"}
    assert all(not v["waived"] for v in report["violations"])


def test_a_fixed_violation_makes_baseline_entries_stale(sql: Path) -> None:
    run("baseline", "create", str(sql))
    (sql / "001_init.sql").write_text("CREATE TABLE customer (id BIGINT PRIMARY KEY);\n", encoding="utf-8")
    report = report_of(run("baseline", "check", str(sql), "--format", "json"))
    assert report["baseline"]["stale"] > 0


@pytest.mark.parametrize("command", [("scan", "sql"), ("baseline", "check")])
@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "baseline file does not exist"),
        ("{", "not valid JSON"),
        ('{"version": 2, "fingerprints": []}', "not a plaudit baseline"),
        ('{"version": 1, "fingerprints": [{"rule": "X"}]}', "entry 1 has no fingerprint"),
    ],
)
def test_a_missing_or_malformed_baseline_is_exit_2(
    sql: Path, command: tuple[str, str], content: str | None, says: str
) -> None:
    if content is not None:
        Path("bad.json").write_text(content, encoding="utf-8")
    result = run(*command, str(sql), "--baseline", "bad.json")
    assert result.exit_code == 2
    assert "bad.json" in result.output and says in result.output and "hint:" in result.output


def test_scan_sql_marks_baselined_violations_waived(sql: Path) -> None:
    run("baseline", "create", str(sql))
    (sql / "002_mobile.sql").write_text(NEW, encoding="utf-8")
    result = run("scan", "sql", str(sql), "--baseline", "plaudit-baseline.json", "--format", "json")
    report = report_of(result)
    assert result.exit_code == 1  # the new column is not in the baseline
    old = [v for v in report["violations"] if v["resource"] != "customer.mobile"]
    assert old and all(v["waived"] and v["waiver"]["source"] == "baseline" for v in old)
    assert all(not v["waived"] for v in report["violations"] if v["resource"] == "customer.mobile")
    assert report["summary"]["waived"] == len(old)


def test_inline_suppressed_violations_stay_out_of_the_baseline(sql: Path) -> None:
    (sql / "001_init.sql").write_text(
        '-- plaudit: ignore untagged_pii reason="tagged next sprint"\n' + OLD, encoding="utf-8"
    )
    run("baseline", "create", str(sql))
    doc = json.loads(Path("plaudit-baseline.json").read_text(encoding="utf-8"))
    assert "DSL21-CLASSIFY-COVERAGE" not in {e["rule"] for e in doc["fingerprints"]}


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_check_accepts_a_baseline(sql: Path, tmp_path: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, capture_output=True, check=True)

    git("init", "-q", "-b", "main")
    git("config", "user.name", "Test")
    git("config", "user.email", "test@example.com")
    git("config", "commit.gpgsign", "false")
    git("add", "-A")
    git("commit", "-q", "-m", "base")
    git("checkout", "-q", "-b", "feature")
    (sql / "002_mobile.sql").write_text(NEW, encoding="utf-8")
    assert run("check", "--format", "json").exit_code == 1
    run("baseline", "create", str(sql))
    result = run("check", "--baseline", "plaudit-baseline.json", "--format", "json")
    assert result.exit_code == 0
    new = report_of(result)["violations"]
    assert new and all(v["waiver"]["source"] == "baseline" for v in new)


def test_entries_of_a_skipped_rule_are_not_stale() -> None:
    from plaudit.baseline import Accepted, only_new

    accepted = Accepted({"fp-skipped": "PCI331-SAD-NEVER-STORED", "fp-gone": "DSL21-CLASSIFY-COVERAGE"})
    report = {
        "violations": [],
        "summary": {"waived": 0},
        "selection": {"skipped_rules": ["PCI331-SAD-NEVER-STORED"], "overridden": []},
    }
    # The card rule did not run: its accepted finding may still be there. The other one is gone.
    assert only_new(report, accepted)["baseline"] == {"accepted": 0, "stale": 1}
