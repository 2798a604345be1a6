"""Inline suppressions: `-- plaudit: ignore RULE[,RULE2] reason="why"` in SQL files."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from plaudit.cli import cli
from plaudit.scanners.suppressions import SYNTAX, collect_text

COVERAGE = "DSL21-CLASSIFY-COVERAGE"
C2 = "JRT0171-STORE-C2-PROTECT"

TABLE = """\
CREATE TABLE customer (
  id BIGINT PRIMARY KEY,
  id_card_no VARCHAR(18) COMMENT '身份证号'{inside}
);
"""


def scan(tmp_path: Path, sql: str, *extra: str) -> tuple[int, dict[str, Any]]:
    path = tmp_path / "schema.sql"
    path.write_text(sql, encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["scan", "sql", str(path), "--format", "json", *extra], catch_exceptions=False
    )
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.stdout)


def waived(report: dict[str, Any]) -> set[tuple[str, str]]:
    return {(v["rule"], v["resource"]) for v in report["violations"] if v["waived"]}


def open_rules(report: dict[str, Any]) -> set[tuple[str, str]]:
    return {(v["rule"], v["resource"]) for v in report["violations"] if not v["waived"]}


@pytest.fixture(autouse=True)
def _no_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Config discovery searches upward from the working directory: keep it inside the test's folder.
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize(
    ("where", "sql"),
    [
        (
            "line above",
            f'-- plaudit: ignore {COVERAGE} reason="tagged next sprint"\n' + TABLE.format(inside=""),
        ),
        (
            "above, past a comment and a blank line",
            f'-- plaudit: ignore {COVERAGE} reason="tagged next sprint"\n-- KYC\n\n'
            + TABLE.format(inside=""),
        ),
        (
            "same line as the statement",
            f"CREATE TABLE customer (id BIGINT, id_card_no VARCHAR(18) COMMENT '身份证号'); "
            f'-- plaudit: ignore {COVERAGE} reason="tagged next sprint"\n',
        ),
        (
            "inside a multi-line CREATE TABLE",
            TABLE.format(inside=f', -- plaudit: ignore {COVERAGE} reason="tagged next sprint"'),
        ),
        (
            "by kind",
            '-- plaudit: ignore untagged_pii reason="tagged next sprint"\n' + TABLE.format(inside=""),
        ),
        (
            "several rules, single-quoted reason",
            f"-- plaudit: ignore {C2}, {COVERAGE} reason='tagged next sprint'\n" + TABLE.format(inside=""),
        ),
    ],
)
def test_a_valid_suppression_waives_its_statement(tmp_path: Path, where: str, sql: str) -> None:
    _, report = scan(tmp_path, sql)
    assert (COVERAGE, "customer.id_card_no") in waived(report), where
    v = next(v for v in report["violations"] if v["rule"] == COVERAGE)
    assert v["waiver"]["source"] == "inline"
    assert v["waiver"]["reason"] == "tagged next sprint"
    assert v["waiver"]["owner"] is None and v["waiver"]["expires"] is None
    assert v["waiver"]["location"]["path"].endswith("schema.sql")
    assert report["errors"] == []
    assert report["summary"]["waived"] == len(waived(report))


def test_only_the_named_rule_is_suppressed(tmp_path: Path) -> None:
    sql = f'-- plaudit: ignore {COVERAGE} reason="tagged next sprint"\n' + TABLE.format(inside="")
    _, report = scan(tmp_path, sql)
    assert (C2, "customer.id_card_no") in open_rules(report)


def test_a_suppression_covers_only_its_own_statement(tmp_path: Path) -> None:
    sql = (
        f'-- plaudit: ignore {COVERAGE} reason="tagged next sprint"\n'
        "CREATE TABLE branch (id BIGINT);\n" + TABLE.format(inside="")
    )
    _, report = scan(tmp_path, sql)
    assert (COVERAGE, "customer.id_card_no") in open_rules(report)


def test_the_wrong_rule_id_suppresses_nothing_and_is_reported(tmp_path: Path) -> None:
    sql = '-- plaudit: ignore DSL21-CLASIFY-COVERAGE reason="typo in the id"\n' + TABLE.format(inside="")
    code, report = scan(tmp_path, sql)
    assert code == 1
    assert waived(report) == set()
    [error] = report["errors"]
    assert error["line"] == 1 and error["path"].endswith("schema.sql")
    assert "unknown rule id or kind DSL21-CLASIFY-COVERAGE" in error["message"]


@pytest.mark.parametrize(
    ("comment", "says"),
    [
        (f"-- plaudit: ignore {COVERAGE}", "a reason is mandatory"),
        (f'-- plaudit: ignore {COVERAGE} reason=""', "at least 3 characters"),
        (f'-- plaudit: ignore {COVERAGE} reason="ok"', "at least 3 characters"),
        (f'-- plaudit: ignroe {COVERAGE} reason="tagged next sprint"', "unknown directive 'ignroe'"),
        ('-- plaudit: ignore reason="tagged next sprint"', "no rule id or kind"),
        (f"-- plaudit: ignore {COVERAGE} reason=tagged", "malformed"),
        (f'-- plaudit: ignore {COVERAGE} reason="tagged" and more', "malformed"),
        ("-- plaudit:", "empty directive"),
        ('-- plaudit: ignore A,,B reason="double comma"', "malformed"),
    ],
)
def test_a_malformed_suppression_is_reported_with_file_and_line(
    tmp_path: Path, comment: str, says: str
) -> None:
    sql = "-- header\n" + comment + "\n" + TABLE.format(inside="")
    code, report = scan(tmp_path, sql)
    assert code == 1  # nothing was suppressed, and the exit code is the violations' one
    assert waived(report) == set()
    [error] = report["errors"]
    assert (Path(error["path"]).name, error["line"]) == ("schema.sql", 2)
    assert says in error["message"] and SYNTAX in error["message"]


def test_a_suppression_next_to_no_statement_is_reported(tmp_path: Path) -> None:
    sql = TABLE.format(inside="") + "\n" + f'-- plaudit: ignore {COVERAGE} reason="dangling at the end"\n'
    _, report = scan(tmp_path, sql)
    assert (COVERAGE, "customer.id_card_no") in open_rules(report)
    assert "not on, inside or directly above a statement" in report["errors"][0]["message"]


def test_inline_false_ignores_every_suppression(tmp_path: Path) -> None:
    (tmp_path / "plaudit.yaml").write_text("suppressions:\n  inline: false\n", encoding="utf-8")
    sql = f'-- plaudit: ignore {COVERAGE} reason="tagged next sprint"\n' + TABLE.format(inside="")
    _, report = scan(tmp_path, sql)
    assert waived(report) == set()
    [error] = report["errors"]
    assert error["line"] == 1 and "inline suppressions are disabled" in error["message"]


PASSWORD = """\
CREATE TABLE app_user (
  id BIGINT,
  login_password VARCHAR(64) COMMENT '登录密码', -- plaudit: ignore {rules} reason="hashed by the app"
  mobile VARCHAR(11) COMMENT '手机号'
);
"""


def test_c3_data_cannot_be_suppressed_inline(tmp_path: Path) -> None:
    _, report = scan(tmp_path, PASSWORD.format(rules="untagged_pii"))
    # The C2 column of the same statement is suppressed, the C3 one is refused and reported.
    assert (COVERAGE, "app_user.mobile") in waived(report)
    assert (COVERAGE, "app_user.login_password") in open_rules(report)
    [error] = report["errors"]
    assert error["line"] == 3
    assert "refused" in error["message"] and "C3" in error["message"]


def test_the_forbidden_levels_come_from_the_config(tmp_path: Path) -> None:
    (tmp_path / "plaudit.yaml").write_text("suppressions:\n  forbid_for_levels: []\n", encoding="utf-8")
    _, report = scan(tmp_path, PASSWORD.format(rules="untagged_pii"))
    assert (COVERAGE, "app_user.login_password") in waived(report)
    assert report["errors"] == []


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ("suppressions:\n  inline: maybe\n", "suppressions.inline"),
        ("suppressions:\n  forbid_for_levels: [c3]\n", "suppressions.forbid_for_levels.0"),
        ("suppressions:\n  inlined: true\n", "suppressions"),
    ],
)
def test_a_bad_suppressions_config_is_exit_2(tmp_path: Path, config: str, field: str) -> None:
    (tmp_path / "plaudit.yaml").write_text(config, encoding="utf-8")
    (tmp_path / "schema.sql").write_text(TABLE.format(inside=""), encoding="utf-8")
    result = CliRunner().invoke(cli, ["scan", "sql", str(tmp_path / "schema.sql")])
    assert result.exit_code == 2
    assert f"field '{field}'" in result.output


def test_collect_text_maps_each_suppression_to_its_statement() -> None:
    text = (
        "CREATE TABLE a (id int);\n"
        '-- plaudit: ignore R1 reason="first"\n'
        "CREATE TABLE b (\n"
        '  x int -- plaudit: ignore R2,R3 reason="second"\n'
        ");\n"
    )
    found = collect_text(text, "f.sql")
    assert found.problems == []
    assert [(s.line, s.rules, s.start, s.end) for s in found.suppressions] == [
        (2, ("R1",), 3, 5),
        (4, ("R2", "R3"), 3, 5),
    ]


# --------------------------------------------------------------------------------- plaudit check


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, capture_output=True, check=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_check_honours_a_suppression_added_in_the_branch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    (repo / "migrations").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "Test")
    git(repo, "config", "user.email", "test@example.com")
    git(repo, "config", "commit.gpgsign", "false")
    (repo / "migrations" / "001_init.sql").write_text("CREATE TABLE branch (id BIGINT);\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    git(repo, "checkout", "-q", "-b", "feature")
    monkeypatch.chdir(repo)
    feature = repo / "migrations" / "002_kyc.sql"

    def check() -> tuple[int, dict[str, Any]]:
        result = CliRunner().invoke(cli, ["check", "--format", "json"], catch_exceptions=False)
        return result.exit_code, json.loads(result.stdout)

    feature.write_text(TABLE.format(inside=""), encoding="utf-8")
    code, report = check()
    assert code == 1
    assert (COVERAGE, "customer.id_card_no") in open_rules(report)

    rules = "untagged_pii,unencrypted_sensitive,retention_undeclared,missing_purpose_or_basis"
    feature.write_text(
        f'-- plaudit: ignore {rules} reason="pilot table, dropped in Q3"\n' + TABLE.format(inside="")
    )
    code, report = check()
    assert open_rules(report) == set(), report["violations"]
    assert code == 0
    assert (COVERAGE, "customer.id_card_no") in waived(report)
    assert {v["waiver"]["source"] for v in report["violations"]} == {"inline"}
