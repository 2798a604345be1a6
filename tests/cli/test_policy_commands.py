"""`plaudit policy test|list|explain|check|bundle`, and a user policy from write to run (docs/policies.md)."""

from __future__ import annotations

import json
import re
import shutil
import tarfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from plaudit.cli import cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "policies"
EXAMPLE_RULE = "ACME-MKT-MOBILE-CONSENT"

RULE = """\
# METADATA
# title: Probe
# custom:
#   rule: {rule}
#   kind: {kind}
#   severity: low
#   references: [PIPL Art. 51]
#   remediation: Fix it.
package plaudit.rules.custom.{name}

import rego.v1

deny contains {{"resource": c.resource, "message": "probe"}} if {{
\tsome c in input.columns
\tc.column == "probe"
}}
"""

TEST = """\
package plaudit.rules.custom.{name}_test

import rego.v1

import data.plaudit.rules.custom.{name}

test_finds_the_probe if {{
\tcount({name}.deny) == 1 with input as {{"columns": [{{"resource": "t.probe", "column": "probe"}}]}}
}}
"""


def run(*args: str) -> Any:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output + (result.stderr or "")
    return result


def write_policy(folder: Path, name: str, *, rule: str = "X-PROBE", kind: str = "pii_in_logs",
                 test: bool = True, text: str | None = None) -> Path:  # fmt: skip
    where = folder / name
    where.mkdir(parents=True, exist_ok=True)
    path = where / f"{name}.rego"
    path.write_text(text or RULE.format(rule=rule, kind=kind, name=name), encoding="utf-8")
    if test:
        (where / f"{name}_test.rego").write_text(TEST.format(name=name), encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------- test


def test_policy_test_verbose_prints_like_opa_test() -> None:
    result = run("policy", "test", str(EXAMPLE), "-v")
    assert result.exit_code == 0, result.stdout
    lines = result.stdout.splitlines()
    assert lines[0].endswith("marketing_mobile_consent_test.rego:")
    test_lines = [line for line in lines if line.startswith("data.")]
    assert len(test_lines) >= 5
    pattern = re.compile(
        r"^data\.plaudit\.rules\.company\.marketing_mobile_consent_test\.test_\w+: PASS \([\d.]+(ms|µs|s)\)$"
    )
    assert all(pattern.match(line) for line in test_lines), test_lines
    assert lines[-2] == "-" * 80
    assert lines[-1] == f"PASS: {len(test_lines)}/{len(test_lines)}"


def test_policy_test_failure_names_the_file_and_line_and_exits_1(tmp_path: Path) -> None:
    write_policy(tmp_path, "probe")
    test_file = tmp_path / "probe" / "probe_test.rego"
    test_file.write_text(
        test_file.read_text(encoding="utf-8")
        + '\ntest_wrong if {\n\tcount(probe.deny) == 2 with input as {"columns": []}\n}\n',
        encoding="utf-8",
    )
    quiet = run("policy", "test", str(tmp_path))
    assert quiet.exit_code == 1
    # Without -v only the failure is listed, under its file, with the line of the test.
    assert "test_finds_the_probe" not in quiet.stdout
    assert "data.plaudit.rules.custom.probe_test.test_wrong: FAIL (" in quiet.stdout
    assert (
        f"probe_test.rego:{test_file.read_text().splitlines().index('test_wrong if {') + 1}:" in quiet.stdout
    )
    assert quiet.stdout.rstrip().endswith("PASS: 1/2\nFAIL: 1/2")


def test_policy_test_compile_error_exits_2_with_file_and_line(tmp_path: Path) -> None:
    write_policy(tmp_path, "probe")
    (tmp_path / "probe" / "probe_test.rego").write_text(
        "package plaudit.rules.custom.probe_test\n\nimport rego.v1\n\ntest_x if {\n\tcount( == 1\n}\n"
    )
    result = run("policy", "test", str(tmp_path))
    assert result.exit_code == 2
    first = result.stderr.splitlines()[0]
    assert first.startswith("plaudit: error: ") and "probe_test.rego:6:" in first


# --------------------------------------------------------------------------------------------- list


def test_policy_list_json_has_the_spec_keys_and_sources() -> None:
    result = run("policy", "list", "--format", "json", "--policies", str(EXAMPLE))
    assert result.exit_code == 0
    rules = {r["rule"]: r for r in json.loads(result.stdout)["rules"]}
    for r in rules.values():
        assert {"rule", "kind", "severity", "title", "references", "source"} <= set(r)
    assert rules["JRT0171-STORE-C2-PROTECT"]["source"] == "builtin"
    mine = rules[EXAMPLE_RULE]
    assert mine["source"] == "user"
    assert mine["kind"] == "missing_purpose_or_basis"
    assert mine["title_zh"] == "营销表中的客户手机号须有同意"
    assert "PIPL Art. 13(1)" in mine["references"]


def test_policy_list_table_and_filter() -> None:
    result = run("policy", "list", "--rules", "PCI*")
    assert result.exit_code == 0
    rows = [line.split()[0] for line in result.stdout.splitlines()[1:] if line and not line.startswith(" ")]
    assert rows and all(r.startswith("PCI") for r in rows)
    assert "PCI331-SAD-NEVER-STORED" in rows
    assert result.stdout.splitlines()[0].split()[:4] == ["RULE", "KIND", "SEVERITY", "SOURCE"]
    zh = run("policy", "list", "--policies", str(EXAMPLE), "--lang", "zh", "--rules", "ACME-*")
    assert "营销表中的客户手机号须有同意" in zh.stdout


def test_policy_list_without_builtin_pack_lists_only_user_rules() -> None:
    result = run("policy", "list", "--format", "json", "--no-builtin-policies", "--policies", str(EXAMPLE))
    assert [r["rule"] for r in json.loads(result.stdout)["rules"]] == [EXAMPLE_RULE]


# ------------------------------------------------------------------------------------------ explain


def test_policy_explain_shows_everything_a_reader_needs() -> None:
    result = run("policy", "explain", "pci341-pan-mask-width")  # any case
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert text.startswith("PCI341-PAN-MASK-WIDTH: ")
    for expected in ("kind:        unmasked_exposure", "severity:", "references:", "remediation:", "file:"):
        assert expected in text
    # The parameters it reads, with their defaults, found in its source.
    assert "pan_max_left (default 6)" in text and "pan_max_right (default 4)" in text
    assert "pan_mask_width.rego" in text


def test_policy_explain_user_rule_in_json_with_chinese() -> None:
    result = run("policy", "explain", EXAMPLE_RULE, "--policies", str(EXAMPLE), "--format", "json")
    doc = json.loads(result.stdout)
    assert doc["source"] == "user"
    assert doc["remediation_zh"].startswith("收集营销同意")
    assert doc["parameters"] == [{"name": "marketing_schemas", "default": '["marketing"]'}]
    assert Path(doc["path"]).name == "marketing_mobile_consent.rego"
    text = run("policy", "explain", "company.marketing_mobile_consent", "--policies", str(EXAMPLE)).stdout
    assert "remediation (zh):" in text and "营销表中的客户手机号须有同意" in text


def test_policy_explain_unknown_rule_suggests_close_ones() -> None:
    result = run("policy", "explain", "PCI351-PAN-UNREADBLE")
    assert result.exit_code == 2
    assert "no rule 'PCI351-PAN-UNREADBLE'" in result.stderr
    assert "PCI351-PAN-UNREADABLE" in result.stderr


# -------------------------------------------------------------------------------------------- check


def test_policy_check_accepts_the_worked_example() -> None:
    result = run("policy", "check", str(EXAMPLE))
    assert result.exit_code == 0, result.stdout
    assert result.stdout == ""
    assert "no problems" in result.stderr


def test_policy_check_reports_every_problem_with_file_and_line(tmp_path: Path) -> None:
    write_policy(tmp_path, "good")
    # Parse error on line 3.
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "broken.rego").write_text(
        "package plaudit.rules.custom.broken\n\nimport rego.v1\ndeny contains x if {\n\tx := \n}\n"
    )
    # No METADATA, and no test beside it.
    write_policy(
        tmp_path,
        "bare",
        test=False,
        text="package plaudit.rules.custom.bare\n\nimport rego.v1\n\ndeny := set()\n",
    )
    # A kind outside the vocabulary.
    write_policy(tmp_path, "oddkind", rule="X-ODD", kind="leaky_bucket")
    # A rule id the built-in pack already uses.
    write_policy(tmp_path, "dupe", rule="PCI331-SAD-NEVER-STORED")
    # Package not plaudit.rules.<area>.<name>.
    write_policy(tmp_path, "deep", text=RULE.format(rule="X-DEEP", kind="pii_in_logs", name="deep").replace(
        "plaudit.rules.custom.deep", "plaudit.rules.custom.deep.er"))  # fmt: skip

    result = run("policy", "check", str(tmp_path))
    assert result.exit_code == 2
    lines = result.stdout.splitlines()
    assert all(re.match(r"^\S+\.rego:\d+: ", line) for line in lines), lines

    def problem(file: str, text: str) -> str:
        hits = [line for line in lines if f"/{file}:" in "/" + line and text in line]
        assert hits, f"no problem {text!r} for {file} in:\n" + "\n".join(lines)
        return hits[0]

    assert re.search(r"broken\.rego:[56]: ", problem("broken.rego", ""))
    assert "bare.rego:1:" in problem("bare.rego", "no `# METADATA` block")
    problem("bare.rego", "no bare_test.rego beside this rule")
    problem("oddkind.rego", "unknown kind 'leaky_bucket'")
    problem("dupe.rego", "PCI331-SAD-NEVER-STORED is already used by the built-in pack")
    problem("deep.rego", "must be named plaudit.rules.<area>.<name>")
    assert not any("good.rego" in line for line in lines)
    assert "problem(s)" in result.stderr


def test_policy_check_ids_unique_among_user_files_and_names_resolve(tmp_path: Path) -> None:
    write_policy(tmp_path / "a", "one", rule="X-SAME")
    write_policy(tmp_path / "b", "two", rule="X-SAME")
    first = run("policy", "check", str(tmp_path))
    assert first.exit_code == 2
    assert "rule id X-SAME is already used by" in first.stdout
    shutil.rmtree(tmp_path / "b")
    path = write_policy(tmp_path / "a", "one", rule="X-SAME")
    path.write_text(path.read_text().replace('c.column == "probe"', "no_such_function(c.column)"))
    second = run("policy", "check", str(tmp_path))
    assert second.exit_code == 2
    assert "one.rego:" in second.stdout and "no_such_function" in second.stdout


def test_policy_check_without_a_folder_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("policy", "check")
    assert result.exit_code == 2 and "no policy folder to check" in result.stderr


# ------------------------------------------------------------------------------------------- bundle


def test_policy_bundle_writes_an_opa_bundle(tmp_path: Path) -> None:
    pytest.importorskip("plaudit.policies.bundle", reason="the bundle writer is not installed")
    (tmp_path / "plaudit.yaml").write_text(
        f"policies: [{EXAMPLE}]\npolicy: {{params: {{marketing_schemas: [crm]}}}}\n", encoding="utf-8"
    )
    out = tmp_path / "dist" / "plaudit.tar.gz"
    result = run("policy", "bundle", "--out", str(out), "--config", str(tmp_path / "plaudit.yaml"))
    assert result.exit_code == 0, result.stderr
    assert f"bundle written to {out}" in result.stderr
    with tarfile.open(out) as tar:
        names = tar.getnames()
        data_name = next(n for n in names if n.endswith("data.json"))
        data = json.load(tar.extractfile(data_name))  # type: ignore[arg-type]
    assert any(n.endswith("marketing_mobile_consent.rego") for n in names)
    assert not any(n.endswith("_test.rego") for n in names)
    plaudit_data = data.get("plaudit", data)
    assert plaudit_data["params"] == {"marketing_schemas": ["crm"]}
    assert "company.marketing_mobile_consent" in plaudit_data["metadata"]


# --------------------------------------------------------------------------------- the worked example


def test_worked_example_runs_in_a_scan(tmp_path: Path) -> None:
    (tmp_path / "V1__leads.sql").write_text(
        "CREATE TABLE marketing.lead (id INT PRIMARY KEY, mobile VARCHAR(11) COMMENT '手机号');\n"
        "CREATE TABLE lending.customer (id INT PRIMARY KEY, mobile VARCHAR(11) COMMENT '手机号');\n",
        encoding="utf-8",
    )
    result = run("scan", "sql", str(tmp_path), "--policies", str(EXAMPLE), "--format", "json")
    found = [v for v in json.loads(result.stdout)["violations"] if v["rule"] == EXAMPLE_RULE]
    assert [(v["resource"], v["kind"], v["severity"]) for v in found] == [
        ("marketing.lead.mobile", "missing_purpose_or_basis", "high")
    ]
    assert found[0]["location"]["line"] == 1
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(
        "tables:\n  lead:\n    legal_basis: consent\n    purposes: [marketing]\n"
        "    columns: {mobile: {category: contact.phone}}\n",
        encoding="utf-8",
    )
    consented = run("scan", "sql", str(tmp_path), "--policies", str(EXAMPLE), "--catalog", str(catalog),
                    "--format", "json")  # fmt: skip
    assert not [v for v in json.loads(consented.stdout)["violations"] if v["rule"] == EXAMPLE_RULE]
