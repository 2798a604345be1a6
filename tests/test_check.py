"""`plaudit check`: only what a branch introduces since its base, in real git repositories."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from plaudit.check import run_check
from plaudit.cli import cli
from plaudit.pipeline import Options, prepare
from plaudit.scanners.sql import scan_paths

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

NEW_RULES = {"DSL21-CLASSIFY-COVERAGE", "JRT0171-STORE-C2-PROTECT"}

BASE_SQL = """\
CREATE TABLE customer (
  id BIGINT PRIMARY KEY,
  mobile VARCHAR(20) COMMENT '手机号',
  full_name VARCHAR(50) COMMENT '姓名'
) ENGINE=InnoDB;
"""
FEATURE_SQL = """\
-- KYC: the ID card number is needed to open an account
ALTER TABLE customer ADD COLUMN id_card_no VARCHAR(18) COMMENT '身份证号';
"""
PLAIN_SQL = "CREATE TABLE branch_office (id BIGINT PRIMARY KEY, city VARCHAR(40));\n"

# (folder, base files, the feature's migration) per migration naming style.
STYLES = {
    "flyway": ("db/migration", ["V1__init.sql", "V2__branches.sql"], "V3__kyc.sql"),
    "numbered": ("migrations", ["001_init.sql", "002_branches.sql"], "003_kyc.sql"),
    "timestamped": (
        "migrations",
        ["20240101120000_init.up.sql", "20240102090000_branches.up.sql"],
        "20240301101500_kyc.up.sql",
    ),
}


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)
    return done.stdout


def make_repo(root: Path, style: str) -> tuple[Path, str, str]:
    """A repository whose main holds the base migrations, checked out on a `feature` branch."""
    folder, base_files, feature_file = STYLES[style]
    repo = root / style
    (repo / folder).mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "Test")
    git(repo, "config", "user.email", "test@example.com")
    git(repo, "config", "commit.gpgsign", "false")
    (repo / folder / base_files[0]).write_text(BASE_SQL, encoding="utf-8")
    (repo / folder / base_files[1]).write_text(PLAIN_SQL, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    git(repo, "checkout", "-q", "-b", "feature")
    return repo, folder, feature_file


def check(repo: Path, *args: str) -> tuple[int, dict[str, Any]]:
    cwd = Path.cwd()
    os.chdir(repo)
    try:
        result = CliRunner().invoke(cli, ["check", "--format", "json", *args], catch_exceptions=False)
    finally:
        os.chdir(cwd)
    return result.exit_code, json.loads(result.stdout)


def rules_at(report: dict[str, Any]) -> set[tuple[str, str, int]]:
    return {(v["rule"], v["location"]["path"], v["location"]["line"]) for v in report["violations"]}


@pytest.mark.parametrize("style", sorted(STYLES))
def test_only_the_introduced_problems_are_reported(tmp_path: Path, style: str) -> None:
    repo, folder, feature_file = make_repo(tmp_path, style)
    (repo / folder / feature_file).write_text(FEATURE_SQL, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "kyc")

    code, report = check(repo)

    assert code == 1
    assert report["run"]["mode"] == "check"
    assert report["base"]["ref"] == "main"
    assert report["base"]["commit"] == git(repo, "rev-parse", "main").strip()
    assert report["changed"] == [f"{folder}/{feature_file}"]
    at_line_2 = {(v[0], v[1], v[2]) for v in rules_at(report) if v[1].endswith(feature_file)}
    assert {(rule, f"{folder}/{feature_file}", 2) for rule in NEW_RULES} <= at_line_2
    # Nothing about the columns the base already had: their problems are not this branch's.
    resources = {v["resource"] for v in report["violations"]}
    assert not any(r.endswith((".mobile", ".full_name")) for r in resources)
    assert {v["resource"] for v in report["violations"] if v["rule"] in NEW_RULES} == {"customer.id_card_no"}
    assert report["fixed"] == []
    assert report["summary"]["violations"]["high"] >= 1


def test_the_same_tree_as_the_base_reports_nothing(tmp_path: Path) -> None:
    repo, folder, _ = make_repo(tmp_path, "flyway")
    code, report = check(repo)
    assert code == 0
    assert report["violations"] == []
    assert report["fixed"] == []
    assert report["changed"] == []
    # The base's problems exist: a full scan reports them, the check does not.
    full = scan_paths([str(repo / folder)])
    assert "customer" in {name for _, name in full.tables}


def test_moved_lines_do_not_make_old_violations_new(tmp_path: Path) -> None:
    repo, folder, _ = make_repo(tmp_path, "flyway")
    init = repo / folder / "V1__init.sql"
    init.write_text(
        "\n\n\n-- reformatted\n\n" + BASE_SQL, encoding="utf-8"
    )  # not committed: the working tree is the head
    code, report = check(repo)
    assert code == 0
    assert report["violations"] == []
    assert report["changed"] == [f"{folder}/V1__init.sql"]


def test_a_fix_shows_in_fixed(tmp_path: Path) -> None:
    repo, folder, _ = make_repo(tmp_path, "numbered")
    (repo / folder / "003_encrypt_mobile.sql").write_text(
        "ALTER TABLE customer DROP COLUMN mobile;\n"
        "ALTER TABLE customer ADD COLUMN mobile_enc VARBINARY(64) COMMENT '手机号密文';\n",
        encoding="utf-8",
    )
    code, report = check(repo)
    fixed = {(v["rule"], v["resource"]) for v in report["fixed"]}
    assert ("JRT0171-STORE-C2-PROTECT", "customer.mobile") in fixed
    assert all(v["location"]["path"] == f"{folder}/001_init.sql" for v in report["fixed"])
    assert not any(v["resource"] == "customer.mobile" for v in report["violations"])
    assert code == (1 if report["summary"]["violations"]["high"] else 0)


def test_untracked_and_uncommitted_files_are_the_head(tmp_path: Path) -> None:
    repo, folder, feature_file = make_repo(tmp_path, "timestamped")
    (repo / folder / feature_file).write_text(FEATURE_SQL, encoding="utf-8")  # untracked
    code, report = check(repo, folder)
    assert code == 1
    assert report["changed"] == [f"{folder}/{feature_file}"]
    assert {rule for rule, path, _ in rules_at(report) if path.endswith(feature_file)} >= NEW_RULES


def test_explicit_base_and_a_feature_built_on_main(tmp_path: Path) -> None:
    repo, folder, feature_file = make_repo(tmp_path, "flyway")
    (repo / folder / feature_file).write_text(FEATURE_SQL, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "kyc")
    # main moves on after the branch was cut: its new migration is not the feature's doing.
    git(repo, "checkout", "-q", "main")
    (repo / folder / "V4__hotfix.sql").write_text(
        "CREATE TABLE contact (id BIGINT, email VARCHAR(80) COMMENT '邮箱');\n", encoding="utf-8"
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "hotfix")
    git(repo, "checkout", "-q", "feature")
    git(repo, "branch", "-q", "release", "main~1")

    code, report = check(repo, "--base", "release")
    assert report["base"]["ref"] == "release"
    assert {v["resource"] for v in report["violations"] if v["rule"] in NEW_RULES} == {"customer.id_card_no"}
    assert code == 1


def test_catalog_changes_in_the_branch_are_judged_at_both_ends(tmp_path: Path) -> None:
    repo, folder, feature_file = make_repo(tmp_path, "flyway")
    catalog = repo / "catalog" / "lending.yaml"
    catalog.parent.mkdir()
    catalog.write_text("tables:\n  customer:\n    columns:\n      mobile: {category: contact.phone}\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "catalog")
    git(repo, "branch", "-q", "-f", "main", "HEAD")
    (repo / folder / feature_file).write_text(FEATURE_SQL, encoding="utf-8")
    catalog.write_text(
        "tables:\n  customer:\n    columns:\n      mobile: {category: contact.phone}\n"
        "      id_card_no: {category: identity.national_id}\n"
    )
    code, report = check(repo, "--catalog", "catalog")
    assert "catalog/lending.yaml" in report["changed"]
    rules = {v["rule"] for v in report["violations"] if v["resource"] == "customer.id_card_no"}
    assert "JRT0171-STORE-C2-PROTECT" in rules
    assert "DSL21-CLASSIFY-COVERAGE" not in rules  # the branch catalogued the column it adds
    assert code == 1


def test_a_waiver_removed_by_the_branch_makes_its_violation_new(tmp_path: Path) -> None:
    repo, _, _ = make_repo(tmp_path, "flyway")
    catalog = repo / "catalog.yaml"
    entry = "tables:\n  customer:\n    columns:\n      mobile: {category: contact.phone}\n"
    waiver = (
        "exceptions:\n  - rule: JRT0171-STORE-C2-PROTECT\n    resource: customer.mobile\n"
        "    reason: masked by the application\n    owner: dpo@example.com\n    expires: 2999-12-31\n"
    )
    catalog.write_text(entry + waiver, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "catalog")
    git(repo, "branch", "-q", "-f", "main", "HEAD")
    code, report = check(repo, "--catalog", "catalog.yaml")
    assert code == 0 and report["violations"] == []
    catalog.write_text(entry, encoding="utf-8")
    code, report = check(repo, "--catalog", "catalog.yaml")
    assert ("JRT0171-STORE-C2-PROTECT", "customer.mobile") in {
        (v["rule"], v["resource"]) for v in report["violations"]
    }
    assert code == 1


def test_warm_run_matches_cold_run_and_uses_the_cache(tmp_path: Path) -> None:
    repo, folder, feature_file = make_repo(tmp_path, "flyway")
    (repo / folder / feature_file).write_text(FEATURE_SQL, encoding="utf-8")
    options = Options()
    prepared = prepare(options)
    kwargs: dict[str, Any] = {"base": None, "repo": repo, "options": options, "prepared": prepared}
    cold = run_check([], dialect=None, **kwargs)
    cache = repo / ".plaudit" / "cache"
    assert any(cache.rglob("*.pickle"))
    assert "?? .plaudit" not in git(repo, "status", "--porcelain")  # the cache ignores itself
    warm = run_check([], dialect=None, **kwargs)
    strip = ("run",)
    assert {k: v for k, v in cold.items() if k not in strip} == {
        k: v for k, v in warm.items() if k not in strip
    }


def test_the_head_model_is_the_one_scan_sql_builds(tmp_path: Path) -> None:
    repo, folder, feature_file = make_repo(tmp_path, "flyway")
    (repo / folder / feature_file).write_text(FEATURE_SQL, encoding="utf-8")
    options = Options()
    prepared = prepare(options)
    cwd = Path.cwd()
    os.chdir(repo)
    try:
        full = scan_paths([folder])
    finally:
        os.chdir(cwd)
    expected = {
        (f"{t.name}.{c.name}", c.type, c.comment, c.location.path if c.location else None)
        for t in full.tables.values()
        for c in t.columns.values()
    }
    for _ in range(2):  # cold, then from the cached snapshots
        report = run_check([folder], base="main", repo=repo, options=options, prepared=prepared, dialect=None)
        assert {c["resource"] for c in report["columns"]} == {e[0] for e in expected}
        locations = {(v["resource"], v["location"]["path"]) for v in report["violations"]}
        assert ("customer.id_card_no", f"{folder}/{feature_file}") in locations


# ---------------------------------------------------------------------------------------- errors


def _one_line_error(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert lines[0].startswith("plaudit: error: ")
    assert all(line.startswith("  hint: ") for line in lines[1:])
    assert len(lines) <= 2
    return lines[0]


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "plaudit.cli", "check", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "PLAUDIT_DEBUG": ""},
    )


def test_outside_a_repository_is_exit_2(tmp_path: Path) -> None:
    folder = tmp_path / "not-a-repo"
    folder.mkdir()
    (folder / "V1__init.sql").write_text(BASE_SQL)
    env_ceiling = {"GIT_CEILING_DIRECTORIES": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-m", "plaudit.cli", "check"],
        cwd=folder,
        capture_output=True,
        text=True,
        env={**os.environ, **env_ceiling},
    )
    assert "not inside a git repository" in _one_line_error(proc)


def test_unknown_ref_is_exit_2(tmp_path: Path) -> None:
    repo, _, _ = make_repo(tmp_path, "flyway")
    assert "unknown git ref 'no-such-branch'" in _one_line_error(_run(repo, "--base", "no-such-branch"))


def test_no_default_base_is_exit_2(tmp_path: Path) -> None:
    repo, _, _ = make_repo(tmp_path, "flyway")
    git(repo, "branch", "-q", "-m", "main", "trunk")
    assert "no main or master branch" in _one_line_error(_run(repo))


def test_a_path_outside_the_repository_is_exit_2(tmp_path: Path) -> None:
    repo, _, _ = make_repo(tmp_path, "flyway")
    assert "outside the git repository" in _one_line_error(_run(repo, str(tmp_path)))
