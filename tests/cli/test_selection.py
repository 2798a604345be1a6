"""Which rules judge a run, and how their findings count: `--rules` / `--skip-rules`, the config's
`policy:` section (parameters, severities, fail levels, per-path overrides), and `--opa-url`."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from plaudit.cli import cli

FIXTURES = Path(__file__).parent / "fixtures"
SQL = FIXTURES / "lending_v1.sql"
CATALOG = FIXTURES / "lending_catalog.yaml"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "policies"


def run(*args: str) -> Any:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output + (result.stderr or "")
    return result


def scan(*extra: str, sql: Path = SQL) -> tuple[int, dict[str, Any]]:
    result = run("scan", "sql", str(sql), "--format", "json", *extra)
    assert result.exit_code in (0, 1), result.stderr
    return result.exit_code, json.loads(result.stdout)


def rules_of(report: dict[str, Any]) -> set[str]:
    return {v["rule"] for v in report["violations"]}


@pytest.fixture(scope="module")
def full() -> dict[str, Any]:
    return scan()[1]


# ----------------------------------------------------------------------------------- --rules / skip


def test_rules_take_ids_globs_and_kinds_repeatable_and_comma_separated(full: dict[str, Any]) -> None:
    assert {"PCI331-SAD-NEVER-STORED", "PCI351-PAN-UNREADABLE", "JRT0171-STORE-C2-PROTECT"} <= rules_of(full)
    _, report = scan("--rules", "pci3*", "--rules", "retention_undeclared,DSL21-CLASSIFY-COVERAGE")
    kinds = {v["rule"]: v["kind"] for v in full["violations"]}
    expected = {r for r, k in kinds.items() if r.startswith("PCI3") or k == "retention_undeclared"}
    expected.add("DSL21-CLASSIFY-COVERAGE")
    assert rules_of(report) == expected
    # The report says what did not run, so nobody reads the absence of a finding as a pass.
    assert "JRT0171-STORE-C2-PROTECT" in report["selection"]["skipped_rules"]
    assert "PCI331-SAD-NEVER-STORED" not in report["selection"]["skipped_rules"]
    assert sum(report["summary"]["violations"].values()) == len(report["violations"])


def test_skip_rules_remove_exactly_what_they_name(full: dict[str, Any]) -> None:
    _, report = scan("--skip-rules", "PCI331-SAD-NEVER-STORED,unencrypted_sensitive")
    kinds = {v["rule"]: v["kind"] for v in full["violations"]}
    assert rules_of(report) == {
        r for r, k in kinds.items() if r != "PCI331-SAD-NEVER-STORED" and k != "unencrypted_sensitive"
    }
    assert "selection" not in full  # a full run has nothing to say about selection


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (["--rules", "PCI9*"], "PCI331-SAD-NEVER-STORED"),
        (["--skip-rules", "unencrypted_sensitiv"], "unencrypted_sensitive"),
        (["--skip-rules", "JRT0171-STORE-C2-PROTEKT"], "JRT0171-STORE-C2-PROTECT"),
    ],
)
def test_a_pattern_matching_no_rule_is_exit_2_with_close_matches(args: list[str], hint: str) -> None:
    result = run("scan", "sql", str(SQL), "--format", "json", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    first, second = result.stderr.splitlines()[:2]
    assert first.startswith(f"plaudit: error: {args[0]} '{args[1]}' matches no rule id or kind")
    assert second.startswith("  hint: did you mean") and hint in second


def test_check_and_scan_db_take_the_same_options(tmp_path: Path) -> None:
    db = tmp_path / "app.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE customer (id INTEGER PRIMARY KEY, id_card_no TEXT, mobile TEXT)")
    url = f"sqlite:///{db}"
    bad = run("scan", "db", url, "--no-data", "--no-store", "--rules", "NOPE-*")
    assert bad.exit_code == 2 and "'NOPE-*' matches no rule" in bad.stderr
    result = run("scan", "db", url, "--no-data", "--no-store", "--format", "json", "--rules", "retention_*")
    report = json.loads(result.stdout)
    assert rules_of(report) == {"PIPL19-RETENTION-DECLARED"}
    check = run("check", str(tmp_path), "--rules", "PCI0*")
    assert check.exit_code == 2 and "'PCI0*' matches no rule" in check.stderr


def test_a_skipped_rule_is_not_even_evaluated(tmp_path: Path) -> None:
    # A user rule that stops the engine when it runs: skipping it must keep the scan whole.
    folder = tmp_path / "policies" / "broken"
    folder.mkdir(parents=True)
    (folder / "broken.rego").write_text(
        "# METADATA\n# title: Broken\n# custom:\n#   rule: X-BROKEN\n#   kind: pii_in_logs\n"
        "#   severity: low\n#   references: []\n#   remediation: none\n"
        "package plaudit.rules.custom.broken\n\nimport rego.v1\n\n"
        'deny contains {"resource": c.resource, "message": "x"} if {\n'
        "\tsome c in input.columns\n\tno_such_function(c)\n}\n"
    )
    policies = str(tmp_path / "policies")
    broken = run("scan", "sql", str(SQL), "--policies", policies, "--format", "json")
    assert broken.exit_code == 2 and "no_such_function" in broken.stderr
    code, report = scan("--policies", policies, "--skip-rules", "X-BROKEN")
    assert code == 1 and report["selection"]["skipped_rules"] == ["X-BROKEN"]


def test_a_waiver_of_a_skipped_rule_is_not_evaluated_rather_than_unused() -> None:
    _, report = scan("--catalog", str(CATALOG), "--skip-rules", "JRT0171-STORE-C2-PROTECT")
    statuses = {w["rule"]: w["status"] for w in report["waivers"]}
    assert statuses["JRT0171-STORE-C2-PROTECT"] == "not_evaluated"
    assert statuses["prohibited_storage"] == "expired"


def test_an_inline_suppression_naming_a_skipped_rule_is_not_a_typo(tmp_path: Path) -> None:
    sql = tmp_path / "V1__kyc.sql"
    sql.write_text(
        '-- plaudit: ignore JRT0171-STORE-C2-PROTECT reason="tokenised in the next release"\n'
        "CREATE TABLE kyc (id INT, id_card_no VARCHAR(18) COMMENT '身份证号码');\n",
        encoding="utf-8",
    )
    _, report = scan("--skip-rules", "JRT0171-STORE-C2-PROTECT", sql=sql)
    assert not [e for e in report["errors"] if "unknown rule" in e["message"]]
    _, typo = scan("--skip-rules", "JRT0171-STORE-C2-PROTECT", sql=sql.parent)
    assert "JRT0171-STORE-C2-PROTECT" not in rules_of(typo)


# ------------------------------------------------------------------------------------------- config


def write_config(folder: Path, text: str) -> Path:
    path = folder / "plaudit.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_config_severity_and_fail_levels_decide_the_exit_code(tmp_path: Path, full: dict[str, Any]) -> None:
    critical = {v["rule"] for v in full["violations"] if v["severity"] == "critical"}
    assert critical  # the fixture stores a CVV and a clear PAN
    # Lower every critical rule to medium: nothing reaches the default fail level (high) but the others.
    config = write_config(
        tmp_path,
        "policy:\n"
        "  severity: {" + ", ".join(f"{r}: medium" for r in sorted(critical)) + "}\n"
        "  fail_level: {'*': critical}\n",
    )
    code, report = scan("--config", str(config))
    assert {v["severity"] for v in report["violations"] if v["rule"] in critical} == {"medium"}
    assert code == 0  # every rule now fails only at critical, and none is critical any more
    assert report["summary"]["violations"]["critical"] == 0
    # A rule's own fail level wins over a glob's, whatever the order.
    config = write_config(
        tmp_path, "policy:\n  fail_level: {'*': critical, JRT0171-STORE-C2-PROTECT: high}\n"
    )
    code, _ = scan("--config", str(config), "--skip-rules", ",".join(sorted(critical)))
    assert code == 1
    code, _ = scan("--config", str(config), "--skip-rules", ",".join(sorted(critical | {"JRT0171-*"})))
    assert code == 0


def test_config_rules_and_skip_rules_combine_with_the_command_line(tmp_path: Path) -> None:
    config = write_config(tmp_path, "policy:\n  rules: [PCI*]\n  skip_rules: PCI331-SAD-NEVER-STORED\n")
    _, report = scan("--config", str(config))
    assert rules_of(report) == {"PCI351-PAN-UNREADABLE"}
    # --rules replaces the config's `rules`; `skip_rules` from the config still holds.
    _, report = scan("--config", str(config), "--rules", "prohibited_storage,PCI351-PAN-UNREADABLE")
    assert "PCI331-SAD-NEVER-STORED" not in rules_of(report)
    assert "PCI351-PAN-UNREADABLE" in rules_of(report)


def test_overrides_apply_per_path_dataset_and_resource(tmp_path: Path) -> None:
    legacy = tmp_path / "sql" / "legacy"
    legacy.mkdir(parents=True)
    (legacy / "V1__old.sql").write_text(
        "CREATE TABLE old_customer (id INT, id_card_no VARCHAR(18) COMMENT '身份证号码');\n", encoding="utf-8"
    )
    (tmp_path / "sql" / "V2__new.sql").write_text(
        "CREATE TABLE customer (id INT, id_card_no VARCHAR(18) COMMENT '身份证号码', mobile VARCHAR(11));\n",
        encoding="utf-8",
    )
    config = write_config(
        tmp_path,
        "policy:\n"
        "  overrides:\n"
        "    - paths: ['legacy/*.sql']\n"
        "      skip_rules: [unencrypted_sensitive]\n"
        "    - resources: ['customer.mobile']\n"
        "      severity: {JRT0171-STORE-C2-PROTECT: low}\n",
    )
    _, report = scan("--config", str(config), sql=tmp_path / "sql")
    c2 = {
        v["resource"]: v["severity"] for v in report["violations"] if v["rule"] == "JRT0171-STORE-C2-PROTECT"
    }
    assert c2 == {"customer.id_card_no": "high", "customer.mobile": "low"}
    dropped = report["selection"]["overridden"]
    assert {(d["rule"], d["resource"]) for d in dropped} == {
        ("JRT0171-STORE-C2-PROTECT", "old_customer.id_card_no")
    }
    assert dropped[0]["override"] == f"{config}:3"
    # Other rules still judge the legacy file.
    assert any(v["resource"].startswith("old_customer") for v in report["violations"])


def test_overrides_by_dataset(tmp_path: Path) -> None:
    config = write_config(
        tmp_path, "policy:\n  overrides:\n    - datasets: [lending]\n      skip_rules: [PCI*]\n"
    )
    _, with_catalog = scan("--config", str(config), "--catalog", str(CATALOG))
    assert not any(r.startswith("PCI") for r in rules_of(with_catalog))
    _, without = scan("--config", str(config))  # no catalog: no dataset, the override does not apply
    assert any(r.startswith("PCI") for r in rules_of(without))


def test_config_pattern_typo_is_reported_at_its_line(tmp_path: Path) -> None:
    config = write_config(tmp_path, "fail_level: high\npolicy:\n  severity:\n    PCI351-PAN-UNREADBLE: low\n")
    result = run("scan", "sql", str(SQL), "--config", str(config))
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"plaudit: error: {config}:4: policy.severity 'PCI351-PAN-UNREADBLE' matches no rule id or kind"
    )
    assert "PCI351-PAN-UNREADABLE" in result.stderr


def test_catalog_parameters_sit_under_the_config_ones(tmp_path: Path) -> None:
    sql = tmp_path / "V1__crm.sql"
    sql.write_text("CREATE TABLE crm.lead (id INT, mobile VARCHAR(11) COMMENT '手机号');\n", encoding="utf-8")
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text("policy:\n  marketing_schemas: [crm]\ntables: {}\n", encoding="utf-8")
    args = ("--policies", str(EXAMPLE), "--rules", "ACME-*", "--catalog", str(catalog))
    _, from_catalog = scan(*args, sql=sql)
    assert rules_of(from_catalog) == {"ACME-MKT-MOBILE-CONSENT"}
    config = write_config(tmp_path, "policy:\n  params: {marketing_schemas: [marketing]}\n")
    _, config_wins = scan(*args, "--config", str(config), sql=sql)
    assert rules_of(config_wins) == set()


# ------------------------------------------------------------------------------------------ history


def test_a_run_with_skipped_rules_does_not_mark_their_findings_fixed(tmp_path: Path) -> None:
    db = tmp_path / "app.db"
    with sqlite3.connect(db) as conn:
        conn.execute(
            "CREATE TABLE customer (id INTEGER PRIMARY KEY, id_card_no TEXT, mobile TEXT, cvv2 TEXT)"
        )
    store = f"sqlite:///{tmp_path / 'history.db'}"
    base = ["scan", "db", f"sqlite:///{db}", "--no-data", "--store", store, "--format", "json"]
    first = json.loads(run(*base).stdout)
    assert {"PCI331-SAD-NEVER-STORED", "PIPL19-RETENTION-DECLARED"} <= rules_of(first)
    partial = json.loads(run(*base, "--skip-rules", "PCI331-SAD-NEVER-STORED,retention_undeclared").stdout)
    assert not {f["rule"] for f in partial["fixed"]} & {
        "PCI331-SAD-NEVER-STORED",
        "PIPL19-RETENTION-DECLARED",
    }
    assert partial["history"]["fixed"] == len(partial["fixed"])


# ---------------------------------------------------------------------------------------------- OPA


def test_unreachable_opa_server_is_exit_2_and_no_report(tmp_path: Path) -> None:
    pytest.importorskip("opa_client", reason="--opa-url needs the `opa` extra")
    out = tmp_path / "report.json"
    result = run(
        "scan", "sql", str(SQL), "--opa-url", "http://127.0.0.1:9", "--opa-timeout", "2", "--out", str(out)
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("plaudit: error: ") and "127.0.0.1:9" in result.stderr
    assert not out.exists() and result.stdout == ""


def test_opa_server_gives_the_same_report_as_in_process(tmp_path: Path) -> None:
    pytest.importorskip("opa_client", reason="--opa-url needs the `opa` extra")
    pytest.importorskip("opa_bindings", reason="the test OPA server needs opa-golib-python-bindings")
    from opa_server import OpaTestServer

    def comparable(report: dict[str, Any]) -> list[tuple[Any, ...]]:
        return [
            (v["rule"], v["resource"], v["severity"], v["waived"], v["fingerprint"])
            for v in report["violations"]
        ]

    args = ("--catalog", str(CATALOG), "--skip-rules", "DSL21-CLASSIFY-COVERAGE")
    _, local = scan(*args)
    with OpaTestServer() as server:
        _, pushed = scan(*args, "--opa-url", server.url)
    assert comparable(pushed) == comparable(local)
    # A bundle of the whole pack: the skipped rule runs on the server, and its findings are dropped.
    bundle = tmp_path / "plaudit.tar.gz"
    assert run("policy", "bundle", "--out", str(bundle)).exit_code == 0
    with OpaTestServer(bundle=bundle) as server:
        _, bundled = scan(*args, "--opa-url", server.url, "--opa-mode", "bundle")
    assert comparable(bundled) == comparable(local)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_check_judges_the_base_and_the_head_with_the_same_choices(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, capture_output=True, check=True)

    git("init", "-q", "-b", "main")
    git("config", "user.email", "t@example.com")
    git("config", "user.name", "T")
    git("config", "commit.gpgsign", "false")
    (tmp_path / "V1__init.sql").write_text("CREATE TABLE product (id INT, name VARCHAR(20));\n")
    git("add", "-A")
    git("commit", "-q", "-m", "base")
    (tmp_path / "V2__cards.sql").write_text(
        "CREATE TABLE card (id INT, card_no VARCHAR(19) COMMENT '银行卡号',\n"
        "  cvv2 VARCHAR(4) COMMENT '安全码');\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    every = run("check", "--format", "json")
    assert {"PCI331-SAD-NEVER-STORED", "PCI351-PAN-UNREADABLE"} <= rules_of(json.loads(every.stdout))
    only = run("check", "--format", "json", "--rules", "PCI351-PAN-UNREADABLE")
    report = json.loads(only.stdout)
    assert rules_of(report) == {"PCI351-PAN-UNREADABLE"}
    assert only.exit_code == 1 and report["fixed"] == []
    skipped = run("check", "--format", "json", "--skip-rules", "PCI*,prohibited_storage")
    assert not any(r.startswith("PCI") for r in rules_of(json.loads(skipped.stdout)))
