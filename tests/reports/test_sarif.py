"""SARIF output: valid against the SARIF 2.1.0 JSON schema, and accepted by Microsoft's SARIF validator
(the SARIF SDK's multitool, with its GitHub ingestion rules) when node and npm are available.

`schema/sarif-schema-2.1.0.json` is the SARIF 2.1.0 schema as shipped by the npm package
`@microsoft/sarif-multitool-linux` 5.7.0 (file `sarif-2.1.0.json`, sha256 1c49a0f2b604...798c), the SARIF
SDK's copy of the OASIS schema (https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/),
declared as JSON Schema draft 2020-12.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from test_formats import REPORT

from plaudit.reports import render
from plaudit.reports.sarif import artifact_uri

SCHEMA = json.loads((Path(__file__).parent / "schema" / "sarif-schema-2.1.0.json").read_text("utf-8"))
MULTITOOL = "@microsoft/sarif-multitool@5.7.0"

# The schema's `uri`, `uri-reference` and `date-time` formats are checked only when optional packages
# are installed; these checks make them count here regardless.
_CHECKER = jsonschema.FormatChecker()
_URI_REF = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*:)?([A-Za-z0-9\-._~!$&'()*+,;=:@/?#\[\]]|%[0-9A-Fa-f]{2})*$")


@_CHECKER.checks("uri-reference")
def _is_uri_reference(value: object) -> bool:
    return not isinstance(value, str) or bool(_URI_REF.match(value))


@_CHECKER.checks("uri")
def _is_uri(value: object) -> bool:
    return not isinstance(value, str) or (bool(_URI_REF.match(value)) and ":" in value)


@_CHECKER.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    return not isinstance(value, str) or datetime.fromisoformat(value).tzinfo is not None


def sarif(report: dict[str, Any]) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(render(report, "sarif"))
    return log


def assert_valid(log: dict[str, Any]) -> None:
    validator = jsonschema.Draft202012Validator(SCHEMA, format_checker=_CHECKER)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])
    # What the schema cannot say: every result names a rule of the driver at the index it gives.
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["locations"], "GitHub rejects a whole upload with a result that has no location"


def database_report() -> dict[str, Any]:
    """The canonical report as a database scan would locate it: `url#schema.table[.column]`."""
    report = copy.deepcopy(REPORT)
    report["run"]["mode"] = "scan-db"
    for v in report["violations"]:
        parts = v["resource"].split(".")[1:]
        v["location"] = {"path": "sqlite:///lending.db#main." + ".".join(parts), "line": None}
    report["violations"][-1]["location"] = None
    report["errors"] = [{"path": "sqlite:///lending.db#main.loan", "line": None, "message": "unreadable"}]
    return report


def history_report() -> dict[str, Any]:
    report = copy.deepcopy(REPORT)
    for i, v in enumerate(report["violations"]):
        v["status"] = "new" if i % 2 else "open"
    report["fixed"] = [
        {"fingerprint": "f" * 32, "rule": "PIPL6-COLLECT-PURPOSE", "kind": "missing_purpose_or_basis",
         "severity": "high", "resource": "lending.loan", "first_seen": "2025-12-01T00:00:00Z"}
    ]  # fmt: skip
    report["history"] = {"previous_run": "run-1", "new": 4, "open": 5, "fixed": 1}
    return report


@pytest.mark.parametrize(
    "make", [lambda: REPORT, database_report, history_report], ids=["sql", "db", "history"]
)
def test_sarif_is_valid_against_the_schema(make: Any) -> None:
    assert_valid(sarif(make()))


def test_an_empty_report_is_valid() -> None:
    report = {**copy.deepcopy(REPORT), "violations": [], "errors": []}
    log = sarif(report)
    assert_valid(log)
    assert log["runs"][0]["results"] == [] and log["runs"][0]["tool"]["driver"]["rules"] == []


def test_the_schema_catches_what_it_should() -> None:
    """The validator used above is not vacuous: a wrong level or an unknown property fails it."""
    log = sarif(REPORT)
    log["runs"][0]["results"][0]["level"] = "fatal"
    log["runs"][0]["results"][1]["bogus"] = 1
    log["runs"][0]["results"][2]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "a b\\c"
    with pytest.raises(AssertionError) as failed:
        assert_valid(log)
    for expected in ("'fatal' is not one of", "'bogus' was unexpected", "is not a 'uri-reference'"):
        assert expected in str(failed.value)


def test_rules_are_specific_and_described() -> None:
    run = sarif(REPORT)["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "plaudit" and driver["version"] == "0.1.0" and driver["informationUri"]
    ids = [r["id"] for r in driver["rules"]]
    assert ids == sorted({v["rule"] for v in REPORT["violations"]})  # one per distinct rule, no generic id
    pci = driver["rules"][ids.index("PCI331-SAD-NEVER-STORED")]
    assert pci["defaultConfiguration"]["level"] == "error"
    assert pci["shortDescription"]["text"] == "prohibited_storage"  # no title in the report: the kind
    assert "Drop the column" in pci["help"]["text"] and "PCI DSS v4.0 3.3.1" in pci["help"]["markdown"]
    assert {"prohibited_storage", "PCI DSS v4.0 3.3.1"} <= set(pci["properties"]["tags"])
    stale = driver["rules"][ids.index("PLAUDIT-CATALOG-STALE")]
    assert stale["defaultConfiguration"]["level"] == "warning"


def test_a_title_in_the_violation_names_the_rule() -> None:
    report = copy.deepcopy(REPORT)
    for v in report["violations"]:
        v["title"] = f"Title of {v['rule']}"
    rule = sarif(report)["runs"][0]["tool"]["driver"]["rules"][0]
    assert rule["shortDescription"]["text"] == f"Title of {rule['id']}"


def test_results_carry_location_fingerprint_and_severity() -> None:
    results = sarif(REPORT)["runs"][0]["results"]
    assert len(results) == len(REPORT["violations"])
    first = results[0]
    assert first["ruleId"] == "PCI331-SAD-NEVER-STORED" and first["level"] == "error"
    assert first["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "tests/cli/fixtures/lending_v1.sql"},
        "region": {"startLine": 16},
    }
    assert first["partialFingerprints"] == {"plaudit/v1": "68b1f2bc06939d418a591ed01b479edd"}
    assert first["properties"]["severity"] == "critical"
    assert first["properties"]["resource"] == "lending.bank_card.cvv2"
    assert "suppressions" not in first


def test_waived_violations_are_suppressed_with_the_reason() -> None:
    results = sarif(REPORT)["runs"][0]["results"]
    waived = [r for r in results if "suppressions" in r]
    assert len(waived) == 1 == REPORT["summary"]["waived"]
    assert waived[0]["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": "legacy column, tokenisation planned for Q1",
            "properties": {"owner": "dpo@example.com", "expires": "2099-12-31"},
        }
    ]


def test_database_objects_are_logical_locations() -> None:
    results = sarif(database_report())["runs"][0]["results"]
    column = results[0]["locations"][0]
    assert "physicalLocation" not in column
    assert column["logicalLocations"] == [
        {"name": "cvv2", "fullyQualifiedName": "lending.bank_card.cvv2", "kind": "column"}
    ]
    table = next(r for r in results if r["properties"]["resource"] == "lending.bank_card")
    assert table["locations"][0]["logicalLocations"][0]["kind"] == "table"
    # No location at all still gets one, naming the resource (a result without any is rejected).
    assert results[-1]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == (
        "lending.customer.nickname"
    )


def test_input_errors_are_tool_notifications() -> None:
    invocation = sarif(REPORT)["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is True
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and "could not parse" in note["message"]["text"]
    assert note["locations"][0]["physicalLocation"]["region"] == {"startLine": 3}


def test_history_becomes_baseline_state() -> None:
    run = sarif(history_report())["runs"][0]
    assert [r["baselineState"] for r in run["results"][:2]] == ["unchanged", "new"]
    assert run["properties"]["history"]["fixed"] == 1
    assert run["properties"]["fixed"][0]["fingerprint"] == "f" * 32


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("migrations/V1__init.sql", "migrations/V1__init.sql"),
        ("./migrations/V1__init.sql", "migrations/V1__init.sql"),
        ("migrations\\V1__init.sql", "migrations/V1__init.sql"),
        ("db/my migrations/V1 #x.sql", "db/my%20migrations/V1%20%23x.sql"),
        ("迁移/V1.sql", "%E8%BF%81%E7%A7%BB/V1.sql"),
    ],
)
def test_artifact_uris_are_relative_with_forward_slashes(path: str, uri: str) -> None:
    assert artifact_uri(path) == uri


def test_absolute_paths_become_relative_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert artifact_uri(str(tmp_path / "sql" / "a.sql")) == "sql/a.sql"
    outside = Path("/elsewhere/b.sql")
    assert artifact_uri(str(outside)) == outside.resolve().as_uri()  # absolute file URI, still valid


def test_output_is_deterministic() -> None:
    assert render(REPORT, "sarif") == render(copy.deepcopy(REPORT), "sarif")


# --------------------------------------------------------------------- Microsoft's SARIF validator


def _multitool(tmp: Path) -> Path:
    """Install the SARIF multitool with npm and return its native binary, or skip (fail under CI)."""
    npm, node = shutil.which("npm"), shutil.which("node")
    if not npm or not node:
        if os.environ.get("CI") == "true":
            pytest.fail("node and npm are needed to run the SARIF multitool under CI=true")
        pytest.skip("node/npm not installed: the SARIF multitool check needs them (CI=true makes this fail)")
    install = subprocess.run(
        [npm, "install", "--prefix", str(tmp), "--no-audit", "--no-fund", "--silent", MULTITOOL],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert install.returncode == 0, f"npm install {MULTITOOL} failed:\n{install.stderr[-2000:]}"
    # The wrapper's bin.js runs the binary through a shell, which would split `Sarif;Gh`; resolve the
    # platform binary the way the wrapper does and run it directly.
    wrapper = tmp / "node_modules" / "@microsoft" / "sarif-multitool"
    found = subprocess.run(
        [node, "-p", "require(process.argv[1])", str(wrapper)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    binary = Path(found.stdout.strip())
    binary.chmod(0o755)  # its postinstall does this, but npm may hold install scripts back
    return binary


def test_sarif_multitool_accepts_the_output(tmp_path: Path) -> None:
    binary = _multitool(tmp_path / "npm")
    logs = {"sql": REPORT, "db": database_report(), "history": history_report()}
    for name, report in logs.items():
        (tmp_path / f"{name}.sarif").write_text(render(report, "sarif"), encoding="utf-8")
    # A control the validator must flag (SARIF2005: a driver without version), so a silent pass counts.
    flawed = sarif(REPORT)
    del flawed["runs"][0]["tool"]["driver"]["version"], flawed["runs"][0]["tool"]["driver"]["semanticVersion"]
    (tmp_path / "flawed.sarif").write_text(json.dumps(flawed), encoding="utf-8")
    assert _validate(binary, tmp_path, "flawed") == ["SARIF2005"]
    for name in logs:
        assert _validate(binary, tmp_path, name) == [], name


def _validate(binary: Path, tmp_path: Path, name: str) -> list[str]:
    """The rule ids of the validator's errors and warnings for `<name>.sarif`, GitHub's rules included."""
    out = tmp_path / f"{name}.validation.sarif"
    ran = subprocess.run(
        [str(binary), "validate", str(tmp_path / f"{name}.sarif"), "--output", str(out),
         "--log", "ForceOverwrite", "--rule-kind", "Sarif;Gh", "--level", "Error;Warning"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stdout + ran.stderr
    validation = json.loads(out.read_text(encoding="utf-8-sig"))
    assert validation["runs"][0]["invocations"][0]["executionSuccessful"] is True, ran.stdout
    return sorted({r["ruleId"] for r in validation["runs"][0].get("results", [])})
