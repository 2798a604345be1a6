"""The migration rules (issue: pre-merge checks, item 3), judged by `plaudit check` in real git repositories.

Each test commits a base to `main`, writes a feature migration in the working tree and asserts that
exactly the problems the feature introduces are reported, at the line of the statement that introduces
them, and that the statements a reviewer would accept (approved exports, masked copies) are not.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from plaudit.cli import cli

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

BASE_SQL = """\
CREATE TABLE customer (
  id BIGINT PRIMARY KEY,
  mobile VARCHAR(20) COMMENT '手机号',
  full_name VARCHAR(50) COMMENT '姓名',
  login_pwd VARCHAR(64) COMMENT '登录密码',
  closed_at TIMESTAMP NULL
);
CREATE TABLE kyc_record (
  id BIGINT PRIMARY KEY,
  id_card_no VARCHAR(18) COMMENT '身份证号',
  created_at TIMESTAMP NOT NULL
);
CREATE TABLE app_event_log (id BIGINT PRIMARY KEY, detail VARCHAR(200));
"""

CATALOG = """\
tables:
  customer:
    purposes: [account_servicing]
    legal_basis: contract
    retention: {period: 5y, anchor: closed_at}
    columns:
      mobile: {category: contact.phone, protection: {method: encrypted, algorithm: SM4-GCM, key_ref: "kms://k"}}
      full_name: {category: identity.name}
      login_pwd: {category: auth.password, protection: {method: kdf_hash, algorithm: bcrypt}}
  kyc_record:
    purposes: [aml_kyc]
    legal_basis: legal_obligation
    retention: {period: 10y, anchor: created_at, legal_floor: 10y}
    columns:
      id_card_no:
        category: identity.national_id
        protection: {method: encrypted, algorithm: SM4-GCM, key_ref: "kms://k"}
"""


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "app"
    (repo / "db" / "migration").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "Test")
    git(repo, "config", "user.email", "test@example.com")
    git(repo, "config", "commit.gpgsign", "false")
    (repo / "db" / "migration" / "V1__init.sql").write_text(BASE_SQL, encoding="utf-8")
    (repo / "catalog.yaml").write_text(CATALOG, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    git(repo, "checkout", "-q", "-b", "feature")
    return repo


def check(repo: Path) -> tuple[int, dict[str, Any]]:
    cwd = Path.cwd()
    os.chdir(repo)
    try:
        result = CliRunner().invoke(
            cli, ["check", "--catalog", "catalog.yaml", "--format", "json"], catch_exceptions=False
        )
    finally:
        os.chdir(cwd)
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def feature(repo: Path, sql: str) -> str:
    path = repo / "db" / "migration" / "V2__feature.sql"
    path.write_text(sql, encoding="utf-8")
    return "db/migration/V2__feature.sql"


def found(report: dict[str, Any], rule: str) -> set[tuple[str, int]]:
    return {(v["resource"], v["location"]["line"]) for v in report["violations"] if v["rule"] == rule}


def test_a_new_personal_column_needs_its_catalog_entry_in_the_same_change(repo: Path) -> None:
    path = feature(
        repo, "-- marketing\nALTER TABLE customer ADD COLUMN wechat_openid VARCHAR(64) COMMENT '微信号';\n"
    )
    code, report = check(repo)
    assert code == 1
    assert found(report, "GDPR25-SHIFT-LEFT-MIGRATION") == {("customer.wechat_openid", 2)}
    v = next(v for v in report["violations"] if v["rule"] == "GDPR25-SHIFT-LEFT-MIGRATION")
    assert v["location"]["path"] == path and v["kind"] == "untagged_pii"
    # The same change catalogues it: the shift-left rule is satisfied (the table has purposes and
    # retention already).
    (repo / "catalog.yaml").write_text(
        CATALOG.replace(
            "      login_pwd:", "      wechat_openid: {category: account.username}\n      login_pwd:"
        ),
        encoding="utf-8",
    )
    _, report = check(repo)
    assert found(report, "GDPR25-SHIFT-LEFT-MIGRATION") == set()


def test_reformatting_an_old_migration_adds_no_column(repo: Path) -> None:
    init = repo / "db" / "migration" / "V1__init.sql"
    init.write_text(
        "-- reformatted\n\n" + BASE_SQL.replace("closed_at TIMESTAMP NULL", "closed_at TIMESTAMP")
    )
    code, report = check(repo)
    assert found(report, "GDPR25-SHIFT-LEFT-MIGRATION") == set()
    assert code == 0, report["violations"]


def test_plaintext_index_on_c3_and_pan(repo: Path) -> None:
    feature(
        repo,
        "ALTER TABLE customer ADD COLUMN pay_pin VARCHAR(6) COMMENT '支付密码';\n"
        "CREATE UNIQUE INDEX ux_pay_pin ON customer (pay_pin);\n"
        "CREATE INDEX ix_pwd ON customer (login_pwd);\n"  # a bcrypt digest: protected, may be indexed
        "ALTER TABLE kyc_record ADD UNIQUE KEY uk_id (id_card_no);\n",  # C2, encrypted: not this rule
    )
    _, report = check(repo)
    assert found(report, "JRT0171-STORE-C3-INDEX") == {("customer.pay_pin", 2)}


def test_copying_identifiers_into_a_log_table(repo: Path) -> None:
    feature(
        repo,
        "INSERT INTO app_event_log (id, detail)\n"
        "SELECT c.id, c.full_name FROM customer c;\n"
        "INSERT INTO app_event_log (id, detail)\n"  # stored encrypted: the log gets ciphertext
        "SELECT k.id, k.id_card_no FROM kyc_record k;\n"
        "INSERT INTO app_event_log (id, detail)\n"
        "SELECT c.id, CONCAT(LEFT(c.mobile, 3), '****', RIGHT(c.mobile, 4)) FROM customer c;\n",
    )
    _, report = check(repo)
    assert found(report, "PLAUDIT-COPY-TO-LOG-ANALYTICS") == {("app_event_log.detail", 1)}
    v = next(v for v in report["violations"] if v["rule"] == "PLAUDIT-COPY-TO-LOG-ANALYTICS")
    assert v["kind"] == "pii_in_logs" and "customer.full_name" in v["message"]


def test_create_table_as_into_an_analytics_schema(repo: Path) -> None:
    feature(
        repo, "CREATE TABLE dw.customer_snapshot AS\nSELECT id, full_name, mobile, closed_at FROM customer;\n"
    )
    _, report = check(repo)
    assert found(report, "PLAUDIT-COPY-TO-LOG-ANALYTICS") == {("dw.customer_snapshot.full_name", 1)}


def test_bulk_exports_need_an_approval(repo: Path) -> None:
    feature(
        repo,
        "COPY customer TO '/tmp/customers.csv' CSV;\n"
        '-- plaudit: approved ticket="DATA-42"\n'
        "COPY kyc_record (id, id_card_no) TO '/tmp/kyc.csv' CSV;\n"
        "SELECT id, full_name INTO OUTFILE '/tmp/m.csv' FROM customer;\n"
        "COPY (SELECT md5(full_name) FROM customer) TO '/tmp/hashed.csv';\n"  # a hash is not the value
        "COPY (SELECT id, mobile FROM customer) TO '/tmp/enc.csv';\n",  # stored encrypted: ciphertext
    )
    _, report = check(repo)
    assert found(report, "GBT35273-71-BULK-EXPORT") == {("customer", 1), ("customer", 4)}
    first = next(v for v in report["violations"] if v["location"]["line"] == 1)
    assert "full_name" in first["message"] and "mobile" not in first["message"]


def test_a_malformed_approval_approves_nothing_and_is_reported(repo: Path) -> None:
    feature(repo, "-- plaudit: approved\nCOPY customer TO '/tmp/c.csv';\n")
    _, report = check(repo)
    assert ("customer", 2) in found(report, "GBT35273-71-BULK-EXPORT")
    assert any("invalid plaudit approval" in e["message"] and e["line"] == 1 for e in report["errors"])


def test_grant_to_public_on_a_sensitive_table(repo: Path) -> None:
    feature(repo, "CREATE TABLE branch (id BIGINT);\nGRANT SELECT ON customer TO PUBLIC;\n")
    _, report = check(repo)
    rows = [v for v in report["violations"] if v["rule"] == "MLPS-DB-LEAST-PRIVILEGE"]
    assert rows and all(v["location"]["line"] == 2 for v in rows)


def test_truncating_or_purging_records_under_the_aml_floor(repo: Path) -> None:
    feature(
        repo,
        "TRUNCATE TABLE kyc_record;\n"
        "DELETE FROM kyc_record WHERE created_at < NOW() - INTERVAL '3 years';\n"
        "DELETE FROM customer WHERE closed_at < NOW() - INTERVAL '5 years';\n",  # no floor declared
    )
    _, report = check(repo)
    assert found(report, "AML-RETENTION-FLOOR") >= {("kyc_record", 1)}
    messages = [v["message"] for v in report["violations"] if v["rule"] == "AML-RETENTION-FLOOR"]
    assert any("older than 1095 days" in m for m in messages)


def test_a_rename_that_leaves_the_catalog_stale(repo: Path) -> None:
    feature(repo, "ALTER TABLE customer RENAME COLUMN mobile TO mobile_no;\n")
    _, report = check(repo)
    stale = [v for v in report["violations"] if v["rule"] == "PLAUDIT-CATALOG-STALE"]
    assert [v["resource"] for v in stale] == ["customer.mobile"]
    assert stale[0]["location"] == {"path": "db/migration/V2__feature.sql", "line": 1}
    # The renamed column is the change's: its findings point at the rename too.
    renamed = {
        v["rule"]: v["location"]["line"]
        for v in report["violations"]
        if v["resource"] == "customer.mobile_no"
    }
    assert renamed.get("GDPR25-SHIFT-LEFT-MIGRATION") == 1
