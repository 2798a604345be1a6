"""Loading, validating and evaluating policies with the in-process engine."""

from __future__ import annotations

import copy
import textwrap
from pathlib import Path
from typing import Any

import pytest

from plaudit.errors import ConfigError, PolicyError
from plaudit.model import KINDS
from plaudit.policies.engine import (
    PolicySet,
    RulePattern,
    Selection,
    evaluate,
    fingerprint,
    lint_policies,
    load_policies,
    parameters_read,
    run_tests,
)
from plaudit.policies.facts_schema import validate_facts

# ------------------------------------------------------------------------------------------ helpers

RULE_TEMPLATE = """\
# METADATA
# title: Probe
# description: A test policy.
# custom:
#   rule: {rule}
#   kind: {kind}
#   severity: {severity}
#   references: [PIPL Art. 51(3)]
#   remediation: Fix it.
package plaudit.rules.custom.{name}

import rego.v1

deny contains {{"resource": c.resource, "message": "probe"}} if {{
    some c in input.columns
    c.column == "probe"
}}
"""


def write_rule(folder: Path, name: str, *, rule: str = "X-PROBE", kind: str = "pii_in_logs",
               severity: str = "low", text: str | None = None) -> Path:  # fmt: skip
    path = folder / name / f"{name}.rego"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text or RULE_TEMPLATE.format(rule=rule, kind=kind, severity=severity, name=name))
    return path


TAXONOMY = {
    "identity.national_id": {
        "level": "C2",
        "pipl_sensitive": True,
        "pci": None,
        "title": "ID document number",
    },
    "account.bank_card": {"level": "C2", "pipl_sensitive": True, "pci": "PAN", "title": "Bank card number"},
    "contact.phone": {"level": "C2", "pipl_sensitive": False, "pci": None, "title": "Phone number"},
    "auth.password": {"level": "C3", "pipl_sensitive": True, "pci": None, "title": "Password or PIN"},
}


def column(table: str, name: str, category: str | None, protection: str = "none", *, line: int = 5,
           in_catalog: bool = True) -> dict[str, Any]:  # fmt: skip
    cat = TAXONOMY.get(category or "", {})
    return {
        "resource": f"lending.public.{table}.{name}",
        "dataset": "lending",
        "schema": "public",
        "table": table,
        "column": name,
        "type": "varchar(64)",
        "comment": None,
        "location": {"path": "migrations/V1__init.sql", "line": line},
        "category": category,
        "level": cat.get("level"),
        "pipl_sensitive": cat.get("pipl_sensitive", False),
        "pci": cat.get("pci"),
        "confidence": 1.0 if in_catalog else 0.9,
        "in_catalog": in_catalog,
        "detected": {"category": category, "confidence": 0.9} if category else None,
        "catalog": {"category": category, "level": cat.get("level"), "protection": {"method": protection}}
        if in_catalog
        else None,
        "protection": protection,
        "observed": {"encryption_marker": False, "marker": None},
    }


def facts(columns: list[dict[str, Any]], waivers: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    catalog = {
        "purposes": ["credit_underwriting"],
        "legal_basis": "contract",
        "retention": {"period": "5y", "anchor": "closed_at", "legal_floor": None, "purge_job": None},
        "zone": "secure",
        "region": "cn-east-1",
        "owner": "credit-risk-data",
        "location": {"path": "catalog/lending.yaml", "line": 3},
    }
    tables = sorted({c["table"] for c in columns})
    return {
        "schema_version": "1",
        "run": {"mode": "scan-sql", "now": "2026-11-25T16:00:00Z", "target": "migrations/"},
        "taxonomy": TAXONOMY,
        "tables": [
            {
                "resource": f"lending.public.{t}",
                "dataset": "lending",
                "schema": "public",
                "table": t,
                "kind": "table",
                "location": {"path": "migrations/V1__init.sql", "line": 1},
                "in_catalog": True,
                "catalog": catalog,
                "pi_columns": [c["column"] for c in columns if c["table"] == t and c["category"]],
                "max_level": "C2",
            }
            for t in tables
        ],
        "columns": columns,
        "catalog_entries": [],
        "waivers": waivers or [],
        "grants": [],
        "settings": {},
        "data_checks": [],
    }


def waiver(rule: str, resource: str, *, expired: bool = False) -> dict[str, Any]:
    return {"rule": rule, "resource": resource, "reason": "collection letters", "owner": "dpo@example.com",
            "expires": "2027-03-31", "expired": expired}  # fmt: skip


CUSTOMER = [
    column("customer", "id", None),
    column("customer", "closed_at", None),
    column("customer", "id_no", "identity.national_id", "none", line=5),
    column("customer", "mobile", "contact.phone", "encrypted", line=6),
]


@pytest.fixture(scope="module")
def builtin() -> PolicySet:
    return load_policies()


#: The rules the evaluation tests reason about. The pack keeps growing; selecting these keeps each
#: test about the engine (sorting, waivers, overrides, parameters) rather than about the pack's size.
STORAGE_RULES = (
    "JRT0171-STORE-C2-PROTECT", "JRT0171-STORE-C3-ENC", "PCI351-PAN-UNREADABLE",
    "PCI331-SAD-NEVER-STORED", "STORE-AUTH-SECRET-KDF", "DSL21-CLASSIFY-COVERAGE",
)  # fmt: skip


@pytest.fixture(scope="module")
def storage() -> PolicySet:
    return load_policies(selection=Selection(rules=tuple(RulePattern(r) for r in STORAGE_RULES)))


def rules_of(violations: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(v["rule"], v["resource"]) for v in violations]


# ------------------------------------------------------------------------------------------ loading


def test_builtin_pack_loads_with_valid_metadata(builtin: PolicySet) -> None:
    rules = {r["rule"]: r for r in builtin.rules}
    assert {
        "DSL21-CLASSIFY-COVERAGE", "PLAUDIT-CATALOG-STALE", "JRT0171-STORE-C3-ENC",
        "JRT0171-STORE-C2-PROTECT", "PCI351-PAN-UNREADABLE", "PCI331-SAD-NEVER-STORED",
        "STORE-AUTH-SECRET-KDF", "PIPL19-RETENTION-DECLARED", "PIPL6-COLLECT-PURPOSE",
        "PIPL29-SPI-SEPARATE-CONSENT",
    } <= set(rules)  # fmt: skip
    c2 = rules["JRT0171-STORE-C2-PROTECT"]
    assert c2["kind"] == "unencrypted_sensitive"
    assert c2["severity"] == "high"
    assert c2["package"] == "plaudit.rules.storage.c2_protect"
    assert "JR/T 0171-2020 6.1.3 (unverified)" in c2["references"]
    assert c2["title"] and c2["remediation"]
    assert all(r["kind"] in KINDS for r in builtin.rules)
    assert not any(f.is_test for f in builtin.files)
    assert builtin.tests


def test_digest_is_stable_and_tracks_content(tmp_path: Path, builtin: PolicySet) -> None:
    assert builtin.digest.startswith("sha256:")
    assert load_policies().digest == builtin.digest
    write_rule(tmp_path, "probe")
    assert load_policies([tmp_path]).digest != builtin.digest
    (tmp_path / "probe" / "probe_test.rego").write_text("package plaudit.rules.custom.probe_test\n")
    with_test = load_policies([tmp_path])
    assert with_test.digest == load_policies([tmp_path]).digest  # tests do not count


def test_user_policy_joins_the_router_without_registration(tmp_path: Path, builtin: PolicySet) -> None:
    write_rule(tmp_path, "probe")
    policies = load_policies([tmp_path])
    found = evaluate(policies, facts([column("t", "probe", None)]))
    assert [(v["rule"], v["kind"], v["severity"]) for v in found] == [("X-PROBE", "pii_in_logs", "low")]
    assert found[0]["title"] == "Probe"
    assert found[0]["references"] == ["PIPL Art. 51(3)"]
    only_user = load_policies([tmp_path], builtin=False)
    assert [r["rule"] for r in only_user.rules] == ["X-PROBE"]


def test_a_folder_inside_the_builtin_pack_is_not_loaded_twice(builtin: PolicySet) -> None:
    main = next(f for f in builtin.files if f.name == "builtin/main.rego")
    inside = Path(main.path).parent / "rules" / "storage"
    assert inside.is_dir()
    again = load_policies([inside, inside])
    assert again.rules == builtin.rules
    assert again.digest == builtin.digest


def test_missing_metadata_is_an_error(tmp_path: Path) -> None:
    text = RULE_TEMPLATE.format(rule="X-PROBE", kind="pii_in_logs", severity="low", name="probe")
    path = write_rule(tmp_path, "probe", text=text[text.index("package") :])
    with pytest.raises(PolicyError, match="has no `# METADATA` block") as err:
        load_policies([tmp_path])
    assert err.value.path == str(path)
    assert err.value.line == 1
    assert err.value.hint


def test_metadata_must_sit_directly_above_package(tmp_path: Path) -> None:
    text = RULE_TEMPLATE.format(rule="X-PROBE", kind="pii_in_logs", severity="low", name="probe")
    write_rule(tmp_path, "probe", text=text.replace("package", "\npackage", 1))
    with pytest.raises(PolicyError, match="no `# METADATA` block"):
        load_policies([tmp_path])


def test_unknown_kind_is_an_error(tmp_path: Path) -> None:
    path = write_rule(tmp_path, "probe", kind="data_leak")
    with pytest.raises(PolicyError, match="unknown kind 'data_leak'") as err:
        load_policies([tmp_path])
    assert err.value.path == str(path)
    assert err.value.line == 1
    assert "untagged_pii" in (err.value.hint or "")


def test_unknown_severity_is_an_error(tmp_path: Path) -> None:
    write_rule(tmp_path, "probe", severity="urgent")
    with pytest.raises(PolicyError, match="unknown severity 'urgent'"):
        load_policies([tmp_path])


def test_invalid_metadata_yaml_reports_its_line(tmp_path: Path) -> None:
    text = RULE_TEMPLATE.format(rule="X-PROBE", kind="pii_in_logs", severity="low", name="probe")
    path = write_rule(tmp_path, "probe", text=text.replace("#   kind: pii_in_logs", "#   kind: [pii_in_logs"))
    with pytest.raises(PolicyError, match="not valid YAML") as err:
        load_policies([tmp_path])
    assert err.value.path == str(path)
    assert err.value.line is not None and 5 <= err.value.line <= 10


def test_duplicate_rule_id_is_an_error(tmp_path: Path) -> None:
    write_rule(tmp_path, "one", rule="X-SAME")
    write_rule(tmp_path, "two", rule="X-SAME")
    with pytest.raises(PolicyError, match="rule id X-SAME is already used by"):
        load_policies([tmp_path])


def test_duplicate_of_a_builtin_rule_id_is_an_error(tmp_path: Path) -> None:
    write_rule(tmp_path, "mine", rule="JRT0171-STORE-C2-PROTECT")
    with pytest.raises(PolicyError, match="JRT0171-STORE-C2-PROTECT is already used"):
        load_policies([tmp_path])


def test_rule_package_must_have_area_and_name(tmp_path: Path) -> None:
    text = RULE_TEMPLATE.format(rule="X-PROBE", kind="pii_in_logs", severity="low", name="probe")
    write_rule(tmp_path, "probe", text=text.replace("plaudit.rules.custom.probe", "plaudit.rules.probe"))
    with pytest.raises(PolicyError, match=r"plaudit.rules.<area>.<name>"):
        load_policies([tmp_path])


def test_syntax_error_names_file_and_line_without_backtrace(tmp_path: Path) -> None:
    text = RULE_TEMPLATE.format(rule="X-PROBE", kind="pii_in_logs", severity="low", name="probe")
    path = write_rule(tmp_path, "probe", text=text.replace('c.column == "probe"', 'c.column == = "probe"'))
    with pytest.raises(PolicyError) as err:
        load_policies([tmp_path])
    assert err.value.path == str(path)
    assert err.value.line == 16
    text_of_error = str(err.value)
    assert text_of_error.startswith(f"{path}:16: ")
    assert "backtrace" not in text_of_error.lower()
    assert "\n" not in text_of_error


def test_unknown_function_is_an_error_with_file_and_line(tmp_path: Path) -> None:
    text = RULE_TEMPLATE.format(rule="X-PROBE", kind="pii_in_logs", severity="low", name="probe")
    path = write_rule(tmp_path, "probe", text=text.replace('c.column == "probe"', "no_such_function(c)"))
    policies = load_policies([tmp_path], builtin=False)
    with pytest.raises(PolicyError, match="could not find function no_such_function") as err:
        evaluate(policies, facts([column("t", "probe", None)]))
    assert err.value.path == str(path)
    assert err.value.line == 16
    assert "backtrace" not in str(err.value).lower()


def test_missing_policy_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="not found"):
        load_policies([tmp_path / "nope"])


# --------------------------------------------------------------------------------------- evaluating


def test_evaluate_returns_full_violations(storage: PolicySet) -> None:
    found = evaluate(storage, facts(CUSTOMER))
    assert rules_of(found) == [("JRT0171-STORE-C2-PROTECT", "lending.public.customer.id_no")]
    v = found[0]
    assert list(v) == [
        "rule", "kind", "severity", "resource", "location", "message", "remediation", "references",
        "title", "fingerprint", "waived", "waiver",
    ]  # fmt: skip
    assert v["kind"] == "unencrypted_sensitive"
    assert v["severity"] == "high"
    assert v["location"] == {"path": "migrations/V1__init.sql", "line": 5}
    assert "lending.public.customer.id_no" in v["message"]
    assert v["remediation"]
    assert "PIPL Art. 51(3)" in v["references"]
    assert v["fingerprint"] == fingerprint("JRT0171-STORE-C2-PROTECT", "lending.public.customer.id_no")
    assert v["waived"] is False and v["waiver"] is None


def test_violations_are_sorted_by_severity_rule_resource(storage: PolicySet) -> None:
    cols = [
        column("b", "phone", "contact.phone"),
        column("a", "phone", "contact.phone"),
        column("a", "card_no", "account.bank_card"),
        column("a", "pwd", "auth.password", "encrypted"),
        column("a", "closed_at", None),
        column("b", "closed_at", None),
    ]
    found = evaluate(storage, facts(cols))
    assert rules_of(found) == [
        ("PCI351-PAN-UNREADABLE", "lending.public.a.card_no"),
        ("JRT0171-STORE-C2-PROTECT", "lending.public.a.phone"),
        ("JRT0171-STORE-C2-PROTECT", "lending.public.b.phone"),
        ("STORE-AUTH-SECRET-KDF", "lending.public.a.pwd"),
    ]
    assert evaluate(storage, facts(list(reversed(cols)))) == found


def test_finding_severity_and_kind_override_metadata(storage: PolicySet) -> None:
    cols = [
        column("a", "pwd_enc", "auth.password", "encrypted"),
        column("a", "pwd", "auth.password", "none"),
        column("a", "closed_at", None),
    ]
    kdf = {v["resource"]: v for v in evaluate(storage, facts(cols)) if v["rule"] == "STORE-AUTH-SECRET-KDF"}
    weak, clear = kdf["lending.public.a.pwd_enc"], kdf["lending.public.a.pwd"]
    assert (weak["kind"], weak["severity"]) == ("weak_protection", "high")  # the finding's override
    assert (clear["kind"], clear["severity"]) == ("prohibited_storage", "critical")  # the METADATA's


def test_fingerprint_is_stable_when_the_location_moves(storage: PolicySet) -> None:
    moved = copy.deepcopy(CUSTOMER)
    moved[2]["location"] = {"path": "migrations/V7__moved.sql", "line": 88}
    before = evaluate(storage, facts(CUSTOMER))[0]
    after = evaluate(storage, facts(moved))[0]
    assert before["location"] != after["location"]
    assert before["fingerprint"] == after["fingerprint"]
    assert len(before["fingerprint"]) == 32
    assert fingerprint("R", "a.b") != fingerprint("R", "a.c") != fingerprint("S", "a.b")


def test_active_waiver_waives(storage: PolicySet) -> None:
    w = waiver("JRT0171-STORE-C2-PROTECT", "lending.public.customer.id_no")
    (v,) = evaluate(storage, facts(CUSTOMER, [w]))
    assert v["waived"] is True
    assert v["waiver"] == {k: w[k] for k in ("rule", "resource", "owner", "reason", "expires")}


def test_expired_waiver_waives_nothing(storage: PolicySet) -> None:
    w = waiver("JRT0171-STORE-C2-PROTECT", "lending.public.customer.id_no", expired=True)
    (v,) = evaluate(storage, facts(CUSTOMER, [w]))
    assert v["waived"] is False
    assert v["waiver"] is None


@pytest.mark.parametrize(
    ("rule", "pattern", "waived"),
    [
        ("unencrypted_sensitive", "lending.public.customer.*", True),
        ("JRT0171-STORE-C2-PROTECT", "lending.**", True),
        ("JRT0171-STORE-C2-PROTECT", "lending.public.*.id_*", True),
        ("JRT0171-STORE-C2-PROTECT", "lending.public.*", False),
        ("JRT0171-STORE-C2-PROTECT", "billing.**", False),
        ("PCI351-PAN-UNREADABLE", "lending.**", False),
    ],
)
def test_waiver_globs(storage: PolicySet, rule: str, pattern: str, waived: bool) -> None:
    (v,) = evaluate(storage, facts(CUSTOMER, [waiver(rule, pattern)]))
    assert v["waived"] is waived


def test_params_reach_the_policies(storage: PolicySet) -> None:
    untagged = [
        column("c", "sfzh", "identity.national_id", "encrypted", in_catalog=False),
        column("c", "closed_at", None),
    ]
    untagged[0]["detected"]["confidence"] = 0.7
    assert "DSL21-CLASSIFY-COVERAGE" in {v["rule"] for v in evaluate(storage, facts(untagged))}
    raised = evaluate(storage, facts(untagged), params={"min_confidence": 0.8})
    assert "DSL21-CLASSIFY-COVERAGE" not in {v["rule"] for v in raised}


def test_policy_emitting_an_unknown_kind_is_an_error(tmp_path: Path) -> None:
    text = RULE_TEMPLATE.format(rule="X-PROBE", kind="pii_in_logs", severity="low", name="probe")
    write_rule(
        tmp_path, "probe", text=text.replace('"message": "probe"', '"message": "probe", "kind": "oops"')
    )
    policies = load_policies([tmp_path], builtin=False)
    with pytest.raises(PolicyError, match="X-PROBE produced kind 'oops'"):
        evaluate(policies, facts([column("t", "probe", None)]))


def test_scale_twenty_thousand_columns(storage: PolicySet) -> None:
    cols = []
    for i in range(20_000):
        table = f"t{i // 20}"
        if i % 20 == 0:
            cols.append(column(table, "closed_at", None))
        elif i % 4 == 0:
            cols.append(column(table, f"c{i}", "identity.national_id", "none"))
        elif i % 4 == 1:
            cols.append(column(table, f"c{i}", "account.bank_card", "tokenized"))
        else:
            cols.append(column(table, f"c{i}", None))
    t1_waiver = waiver("unencrypted_sensitive", "lending.public.t1.*")
    found = evaluate(storage, facts(cols, [t1_waiver]))
    national_ids = sum(1 for c in cols if c["category"] == "identity.national_id")
    assert len(found) == national_ids
    assert sum(v["waived"] for v in found) == sum(
        1 for c in cols if c["table"] == "t1" and c["category"] == "identity.national_id"
    )


# ------------------------------------------------------------------------------------------ testing


def test_run_tests_reports_pass_fail_and_error(tmp_path: Path) -> None:
    write_rule(tmp_path, "probe")
    (tmp_path / "probe" / "probe_test.rego").write_text(textwrap.dedent("""\
        package plaudit.rules.custom.probe_test

        import rego.v1

        import data.plaudit.rules.custom.probe

        test_passes if {
            count(probe.deny) == 1 with input as {"columns": [{"resource": "r", "column": "probe"}]}
        }

        test_fails if {
            count(probe.deny) == 2 with input as {"columns": [{"resource": "r", "column": "probe"}]}
        }

        test_raises if {
            to_number("not a number") == 1
        }
        """))  # fmt: skip
    policies = load_policies([tmp_path])
    results = {r.name: r for r in run_tests(policies, [tmp_path])}
    assert set(results) == {"test_passes", "test_fails", "test_raises"}
    assert results["test_passes"].passed and results["test_passes"].error is None
    assert not results["test_fails"].passed and results["test_fails"].error is None
    assert not results["test_raises"].passed
    assert "probe_test.rego:16" in (results["test_raises"].error or "")
    assert "backtrace" not in (results["test_raises"].error or "").lower()
    assert all(
        r.package == "plaudit.rules.custom.probe_test" and r.duration_ms >= 0 for r in results.values()
    )
    # Without paths, the built-in tests run too.
    assert len(run_tests(policies)) > len(results)


# ------------------------------------------------------------------------------------ facts schema


def test_validate_facts_accepts_a_good_document() -> None:
    validate_facts(facts(CUSTOMER, [waiver("JRT0171-STORE-C2-PROTECT", "lending.**")]))


def test_validate_facts_allows_unknown_top_level_fields() -> None:
    document = facts(CUSTOMER)
    document["lineage"] = []
    validate_facts(document)


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (lambda d: d.pop("columns"), r"^\$: 'columns' is a required property"),
        (lambda d: d.update(schema_version="2"), r"^\$\.schema_version: "),
        (lambda d: d["columns"][2].update(protection="plain"), r"^\$\.columns\[2\]\.protection: 'plain'"),
        (lambda d: d["columns"][3].pop("in_catalog"), r"^\$\.columns\[3\]: 'in_catalog' is a required"),
        (lambda d: d["tables"][0].update(kind="index"), r"^\$\.tables\[0\]\.kind: "),
        (
            lambda d: d["tables"][0]["catalog"].update(retention="5y"),
            r"^\$\.tables\[0\]\.catalog\.retention: ",
        ),
        (lambda d: d["waivers"].append({"rule": "X"}), r"^\$\.waivers\[0\]: 'resource' is a required"),
    ],
)
def test_validate_facts_names_the_first_problem(mutate, where: str) -> None:
    document = facts(copy.deepcopy(CUSTOMER))
    mutate(document)
    with pytest.raises(ValueError, match=where):
        validate_facts(document)


# ---------------------------------------------------------------------------------------- selection


def test_selection_leaves_rules_out_of_the_engine(tmp_path: Path, builtin: PolicySet) -> None:
    selection = Selection(
        rules=(RulePattern("JRT0171-STORE-*"), RulePattern("prohibited_storage")),
        skip=(RulePattern("jrt0171-store-c3-enc"),),  # rule ids compare in any case
    )
    chosen = load_policies(selection=selection)
    kept = {r["rule"] for r in chosen.rules}
    assert "JRT0171-STORE-C2-PROTECT" in kept and "PCI331-SAD-NEVER-STORED" in kept
    assert "JRT0171-STORE-C3-ENC" not in kept and "DSL21-CLASSIFY-COVERAGE" not in kept
    assert {r["rule"] for r in chosen.all_rules} == {r["rule"] for r in builtin.rules}
    # The skipped packages are not compiled: the digest says which policies judged.
    assert not any(f.package == "plaudit.rules.governance.untagged_pii" for f in chosen.files)
    assert chosen.digest != builtin.digest
    found = evaluate(chosen, facts(CUSTOMER))
    assert {v["rule"] for v in found} <= kept
    assert ("JRT0171-STORE-C2-PROTECT", "lending.public.customer.id_no") in rules_of(found)


def test_a_pattern_naming_no_rule_is_a_config_error_with_its_origin(tmp_path: Path) -> None:
    pattern = RulePattern("PCI351-PAN-UNREADBLE", "policy.skip_rules", "plaudit.yaml", 7)
    with pytest.raises(ConfigError) as info:
        load_policies(selection=Selection(skip=(pattern,)))
    assert str(info.value).startswith(
        "plaudit.yaml:7: policy.skip_rules 'PCI351-PAN-UNREADBLE' matches no rule"
    )
    assert info.value.hint and "PCI351-PAN-UNREADABLE" in info.value.hint


def test_chinese_metadata_passes_through_and_must_be_text(tmp_path: Path) -> None:
    text = RULE_TEMPLATE.format(rule="X-PROBE", kind="pii_in_logs", severity="low", name="probe").replace(
        "#   remediation: Fix it.\n",
        "#   remediation: Fix it.\n#   title_zh: 探针\n#   remediation_zh: 修复它。\n",
    )
    write_rule(tmp_path, "probe", text=text)
    (rule,) = load_policies([tmp_path], builtin=False).rules
    assert (rule["title_zh"], rule["remediation_zh"], rule["source"]) == ("探针", "修复它。", "user")
    write_rule(tmp_path, "probe", text=text.replace("#   title_zh: 探针", "#   title_zh: [探针]"))
    with pytest.raises(PolicyError, match=r"custom\.title_zh"):
        load_policies([tmp_path], builtin=False)


def test_parameters_read_lists_names_and_defaults(builtin: PolicySet) -> None:
    assert parameters_read(builtin, "plaudit.rules.display.pan_mask_width") == [
        ("pan_max_left", "6"),
        ("pan_max_right", "4"),
    ]
    assert parameters_read(builtin, "plaudit.rules.storage.c2_protect") == []


def test_lint_collects_every_problem_instead_of_stopping(tmp_path: Path) -> None:
    write_rule(tmp_path, "one", rule="X-ONE", kind="no_such_kind")
    write_rule(tmp_path, "two", rule="X-ONE")
    write_rule(
        tmp_path, "three", rule="X-THREE", text="package plaudit.rules.custom.three\n\ndeny := set()\n"
    )
    problems, files = lint_policies([tmp_path])
    assert files == 3
    messages = [(Path(p.path).name, p.message) for p in problems]
    assert any(name == "one.rego" and "unknown kind 'no_such_kind'" in m for name, m in messages)
    assert any(name == "three.rego" and "no `# METADATA` block" in m for name, m in messages)
    # Every rule lacks its test file: one problem each.
    assert sum("_test.rego beside this rule" in m for _, m in messages) == 3
    assert all(str(p).startswith(p.path + ":") for p in problems)
