"""The command line as a user meets it: exit codes, outputs, and errors without tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from plaudit.cli import cli

FIXTURES = Path(__file__).parent / "fixtures"
SQL = FIXTURES / "lending_v1.sql"
CATALOG = FIXTURES / "lending_catalog.yaml"

SPEC_TOP_KEYS = {"plaudit_version", "run", "columns", "violations", "errors", "summary"}
SPEC_RUN_KEYS = {"id", "mode", "target", "started_at", "finished_at", "policy_digest", "catalog_digest"}
SPEC_VIOLATION_KEYS = {
    "rule", "kind", "severity", "resource", "location", "message", "remediation",
    "references", "fingerprint", "waived", "waiver",
}  # fmt: skip


def run(*args: str) -> Any:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output + (result.stderr or "")
    return result


def scan_json(*extra: str) -> tuple[int, dict[str, Any]]:
    result = run("scan", "sql", str(SQL), "--format", "json", *extra)
    return result.exit_code, json.loads(result.stdout)


def by_rule(report: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(v["rule"], v["resource"]): v for v in report["violations"]}


def test_report_has_exactly_the_spec_shape() -> None:
    _, report = scan_json()
    assert set(report) >= SPEC_TOP_KEYS
    assert set(report["run"]) == SPEC_RUN_KEYS
    assert report["run"]["mode"] == "scan-sql"
    assert report["run"]["policy_digest"].startswith("sha256:")
    for v in report["violations"]:
        assert set(v) == SPEC_VIOLATION_KEYS
    for c in report["columns"]:
        assert {
            "resource",
            "table",
            "column",
            "category",
            "level",
            "confidence",
            "in_catalog",
            "evidence",
        } <= set(c)
    unwaived = [v for v in report["violations"] if not v["waived"]]
    assert sum(report["summary"]["violations"].values()) == len(unwaived)
    assert report["summary"]["columns"] == len(report["columns"])


def test_sensitive_columns_found_without_catalog() -> None:
    code, report = scan_json()
    categories = {c["resource"]: c["category"] for c in report["columns"]}
    assert categories["customer.id_card_no"] == "identity.national_id"
    assert categories["customer.mobile"] == "contact.phone"
    assert categories["bank_card.card_no"] == "account.bank_card"
    assert categories["bank_card.cvv2"] == "auth.card_verification"
    assert categories["customer.created_at"] is None
    assert categories["product.product_name"] is None
    rules = {rule for rule, _ in by_rule(report)}
    assert {"PCI331-SAD-NEVER-STORED", "PCI351-PAN-UNREADABLE", "DSL21-CLASSIFY-COVERAGE"} <= rules
    assert code == 1
    evidence = next(c for c in report["columns"] if c["resource"] == "customer.id_card_no")["evidence"]
    assert evidence and all(e["detail"] for e in evidence)


def test_fail_level_decides_the_exit_code() -> None:
    code, report = scan_json("--fail-level", "critical")
    assert code == 1  # CVV and clear PAN are critical
    assert any(v["severity"] == "critical" and not v["waived"] for v in report["violations"])


def test_catalog_waivers_and_drift() -> None:
    _, report = scan_json("--catalog", str(CATALOG))
    found = by_rule(report)
    active = found[("JRT0171-STORE-C2-PROTECT", "lending.customer.id_card_no")]
    assert active["waived"] is True and active["waiver"]["owner"] == "dpo@example.com"
    # The expired waiver suppresses nothing and is reported as expired.
    sad = found[("PCI331-SAD-NEVER-STORED", "lending.bank_card.cvv2")]
    assert sad["waived"] is False and sad["waiver"] is None
    statuses = {w["rule"]: w["status"] for w in report["waivers"]}
    assert statuses == {"JRT0171-STORE-C2-PROTECT": "active", "prohibited_storage": "expired"}
    # A column the catalog lists but the schema lacks is stale; declared non-PI stays unclassified.
    assert ("PLAUDIT-CATALOG-STALE", "lending.customer.nickname") in found
    columns = {c["resource"]: c for c in report["columns"]}
    assert columns["lending.product.product_name"]["category"] is None
    assert columns["lending.customer.mobile"]["in_catalog"] is True
    assert ("JRT0171-STORE-C2-PROTECT", "lending.customer.mobile") not in found  # declared encrypted
    assert report["summary"]["waived"] == 1


def test_classify_json_and_table(tmp_path: Path) -> None:
    sql = tmp_path / "kh.sql"
    sql.write_text(
        "create table kh (khxm varchar(32), sfzh varchar(18), sjhm varchar(11), bz varchar(200));\n"
    )
    result = run("classify", str(sql), "--format", "json")
    assert result.exit_code == 0
    columns = {c["column"]: c["category"] for c in json.loads(result.stdout)["columns"]}
    assert columns["sfzh"] == "identity.national_id"
    assert columns["sjhm"] == "contact.phone"
    assert columns["khxm"] == "identity.name"
    table = run("classify", str(sql), "--format", "table")
    assert table.exit_code == 0 and "identity.national_id" in table.stdout


@pytest.mark.parametrize(
    ("catalog_text", "expected"),
    [
        (
            "tables:\n  customer:\n    columns: {id_card_no: {category: identity.idcard}}\n",
            "unknown category",
        ),
        ("tables:\n  customer: [\n", "invalid YAML"),
        ("tables:\n  customer: {}\n  customer: {}\n", "duplicate key"),
    ],
)
def test_bad_catalog_is_one_line_and_exit_2(tmp_path: Path, catalog_text: str, expected: str) -> None:
    bad = tmp_path / "catalog.yaml"
    bad.write_text(catalog_text)
    result = run("scan", "sql", str(SQL), "--catalog", str(bad), "--format", "json")
    assert result.exit_code == 2
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"plaudit: error: {bad}:") and expected in first
    assert result.stdout == ""


def test_missing_input_is_exit_2(tmp_path: Path) -> None:
    result = run("scan", "sql", str(tmp_path / "nope.sql"))
    assert result.exit_code == 2 and "no input found" in result.stderr
    (tmp_path / "notes.txt").write_text("nothing here")
    result = run("scan", "sql", str(tmp_path))
    assert result.exit_code == 2 and "no SQL files found" in result.stderr


def test_bad_sql_files_are_recorded_and_the_scan_goes_on(tmp_path: Path) -> None:
    (tmp_path / "V1__init.sql").write_text(SQL.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "V2__garbage.sql").write_text(
        "CREATE TABLE ((( this is not sql;\nALTER TABLE customer ADD COLUMN email VARCHAR(64);\n"
    )
    (tmp_path / "V3__binary.sql").write_bytes(b"\x00\xff\x00garbage")
    (tmp_path / "V4__gbk.sql").write_bytes(
        "ALTER TABLE customer ADD COLUMN addr VARCHAR(200) COMMENT '家庭住址';\n".encode("gbk")
    )
    (tmp_path / "V5__empty.sql").write_text("")
    result = run("scan", "sql", str(tmp_path), "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    error_paths = {Path(e["path"]).name for e in report["errors"]}
    assert {"V2__garbage.sql", "V3__binary.sql"} <= error_paths
    assert all(e.get("line") for e in report["errors"] if e["path"].endswith("V2__garbage.sql"))
    columns = {c["resource"]: c["category"] for c in report["columns"]}
    assert columns["customer.email"] == "contact.email"  # statement after the bad one still applied
    assert columns["customer.addr"] == "contact.address"  # GBK comment decoded


def test_policy_test_and_list() -> None:
    result = run("policy", "test")
    assert result.exit_code == 0, result.stdout
    assert "PASS:" in result.stdout and "FAIL" not in result.stdout
    listed = json.loads(run("policy", "list", "--format", "json").stdout)
    rules = {r["rule"]: r for r in listed["rules"]}
    assert {"JRT0171-STORE-C3-ENC", "JRT0171-STORE-C2-PROTECT", "PCI331-SAD-NEVER-STORED"} <= set(rules)
    assert all(r["kind"] and r["severity"] and r["title"] for r in rules.values())


def test_failing_user_policy_test_exits_1(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "mine_test.rego").write_text(
        "package plaudit.rules.custom.mine_test\n\nimport rego.v1\n\ntest_always_false if {\n\t1 == 2\n}\n"
    )
    result = run("policy", "test", str(folder))
    assert result.exit_code == 1
    assert "test_always_false" in result.stdout


def test_connection_error_redacts_password() -> None:
    result = run("scan", "db", "postgresql://auditor:s3cr3t-pw@127.0.0.1:1/lending", "--format", "json")
    assert result.exit_code == 2
    assert "s3cr3t-pw" not in result.stdout + result.stderr
    assert "plaudit: error:" in result.stderr


def test_missing_sqlite_file_is_not_created(tmp_path: Path) -> None:
    target = tmp_path / "missing.db"
    result = run("scan", "db", f"sqlite:///{target}")
    assert result.exit_code == 2
    assert not target.exists()


def test_real_process_prints_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "c.yaml"
    bad.write_text("tables: [")
    proc = subprocess.run(
        [sys.executable, "-m", "plaudit.cli", "scan", "sql", str(SQL), "--catalog", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) <= 2


def test_config_declares_the_organisations_mask_functions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "s.sql").write_text(
        "CREATE TABLE customer (id INT, mobile VARCHAR(11) COMMENT '手机号');\n"
        "CREATE VIEW v AS SELECT corp_hide(mobile) AS m FROM customer;\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    before = json.loads(run("scan", "sql", "s.sql", "--format", "json").stdout)
    assert any(v["rule"] == "JRT0171-DISPLAY-MASK-C2" for v in before["violations"])
    (tmp_path / "plaudit.yaml").write_text("policy: {mask_functions: [corp_hide]}\n", encoding="utf-8")
    after = json.loads(run("scan", "sql", "s.sql", "--format", "json").stdout)
    assert not any(v["rule"] == "JRT0171-DISPLAY-MASK-C2" for v in after["violations"])
