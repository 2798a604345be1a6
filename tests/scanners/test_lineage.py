"""View column lineage: table-driven cases from `cases/lineage.yaml`, then the rules end to end."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from plaudit.cli import cli
from plaudit.model import Location, SchemaModel, Table
from plaudit.scanners.lineage import Flow, view_flows
from plaudit.scanners.sql import scan_paths, scan_text

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "lineage.yaml").read_text(encoding="utf-8"))
CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"

DEFAULT_SCHEMA = """
CREATE TABLE customer (customer_id int, full_name varchar(40), id_no char(18), mobile varchar(11));
CREATE TABLE card (card_id int, customer_id int, pan varchar(19), cvv char(3));
"""


def _flows(case: dict[str, Any]) -> tuple[SchemaModel, list[Flow]]:
    sql = (case.get("schema") or DEFAULT_SCHEMA) + "\n" + case["views"]
    model = scan_text(sql, path="case.sql", dialect=case.get("dialect", "postgres"))
    return model, view_flows(model, case.get("mask_functions", ()))


def _shape(flow: Flow) -> dict[str, Any]:
    out: dict[str, Any] = {"sources": flow.sources, "masked": flow.masked}
    if flow.masked:
        out.update(mask=flow.mask, left=flow.revealed_left, right=flow.revealed_right)
    if flow.hashed:
        out["hashed"] = True
    return out


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(case: dict[str, Any]) -> None:
    model, flows = _flows(case)
    got: dict[str, list[dict[str, Any]]] = {}
    for flow in flows:
        got.setdefault(f"{flow.view}.{flow.output_column}", []).append(_shape(flow))
    for key in got:
        got[key].sort(key=lambda f: f["sources"])
    expected: dict[str, list[dict[str, Any]]] = {}
    for key, wanted in case["flows"].items():
        # A case lists only what it asserts: fields it leaves out are taken from what was found.
        found = {tuple(f["sources"]): f for f in got.get(key, [])}
        expected[key] = sorted(
            ({**found.get(tuple(w["sources"]), {}), **w} for w in wanted), key=lambda f: f["sources"]
        )
    assert got == expected
    assert len(model.errors) == case.get("errors", 0), [e.message for e in model.errors]


def test_every_flow_carries_the_view_location() -> None:
    model, flows = _flows({"views": "CREATE VIEW v AS\nSELECT mobile FROM customer;"})
    assert [f.location for f in flows] == [Location("case.sql", 5)]
    assert model.errors == []


def test_unparsable_view_is_an_error_with_its_location() -> None:
    model = scan_text(DEFAULT_SCHEMA, path="s.sql")
    model.add(Table("broken", kind="view", view_sql="SELECT (((", location=Location("views.sql", 7)))
    model.add(
        Table("fine", kind="view", view_sql="SELECT mobile FROM customer", location=Location("views.sql", 9))
    )
    flows = view_flows(model)
    assert [(f.view, f.output_column) for f in flows] == [("fine", "mobile")]
    [error] = model.errors
    assert (error.path, error.line) == ("views.sql", 7)
    assert "broken" in error.message


def test_full_create_view_text_from_a_database_is_read() -> None:
    # SQLite and MySQL report a view's definition as the whole CREATE VIEW statement.
    model = scan_text(DEFAULT_SCHEMA, dialect="sqlite")
    model.add(
        Table("v", kind="view", view_sql="CREATE VIEW v AS SELECT substr(mobile, 1, 3) AS m FROM customer")
    )
    [flow] = view_flows(model)
    assert (flow.sources, flow.masked, flow.revealed_left) == (["customer.mobile"], True, 3)


def test_self_referencing_views_do_not_loop() -> None:
    model = scan_text(DEFAULT_SCHEMA)
    model.add(Table("a", kind="view", view_sql="SELECT x FROM b"))
    model.add(Table("b", kind="view", view_sql="SELECT x FROM a"))
    assert view_flows(model) == []


@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus not available")
def test_corpus_views_resolve_cleanly() -> None:
    # Speed is measured by benchmarks, not asserted here.
    for name, views in (("adventureworks-pg", 80), ("pagila", 7)):
        model = scan_paths([CORPUS / name])
        before = len(model.errors)
        assert sum(1 for t in model.tables.values() if t.kind == "view" and t.view_sql) >= views
        flows = view_flows(model)
        assert len(model.errors) == before, [e.message for e in model.errors[before:]]
        assert len({f.view for f in flows}) >= views


# --------------------------------------------------------------------------- end to end

SCHEMA = """
CREATE TABLE customer (
    customer_id int PRIMARY KEY,
    mobile varchar(11),
    id_no char(18),
    cvv char(3)
);
"""
VIEWS = """
CREATE VIEW v_clear AS SELECT customer_id, mobile FROM customer;
CREATE VIEW v_masked AS SELECT customer_id, CONCAT(LEFT(mobile, 3), '****', RIGHT(mobile, 4)) AS mobile,
    CONCAT(LEFT(id_no, 6), '********', RIGHT(id_no, 4)) AS id_no FROM customer;
CREATE VIEW v_wide AS SELECT LEFT(id_no, 14) AS id_head FROM customer;
CREATE VIEW v_check AS SELECT customer_id, md5(cvv) AS cvv_digest FROM customer WHERE cvv IS NOT NULL;
"""
CATALOG = """
tables:
  customer:
    columns:
      mobile: {category: contact.phone}
      id_no: {category: identity.national_id}
      cvv: {category: auth.card_verification}
"""


def _scan(tmp_path: Path, *extra: str) -> dict[str, Any]:
    (tmp_path / "sql").mkdir()
    (tmp_path / "sql" / "V1__schema.sql").write_text(SCHEMA, encoding="utf-8")
    (tmp_path / "sql" / "V2__views.sql").write_text(VIEWS, encoding="utf-8")
    (tmp_path / "catalog.yaml").write_text(CATALOG, encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        [
            "scan",
            "sql",
            str(tmp_path / "sql"),
            "--catalog",
            str(tmp_path / "catalog.yaml"),
            "--format",
            "json",
            *extra,
        ],
        catch_exceptions=False,
    )
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def _display(report: dict[str, Any]) -> set[tuple[str, str]]:
    return {(v["rule"], v["resource"]) for v in report["violations"] if v["kind"] == "unmasked_exposure"}


def test_scan_sql_reports_the_unmasked_mobile_only(tmp_path: Path) -> None:
    report = _scan(tmp_path)
    found = _display(report)
    assert ("JRT0171-DISPLAY-MASK-C2", "v_clear.mobile") in found
    assert ("JRT0171-DISPLAY-MASK-C2", "v_masked.mobile") not in found
    assert ("JRT0171-DISPLAY-MASK-C2", "v_masked.id_no") not in found
    # LEFT(id_no, 14) reveals the birth date: more than the 6+4 profile.
    assert ("JRT0171-DISPLAY-MASK-C2", "v_wide.id_head") in found
    # A digest of the CVV is a verification result, not a display of it.
    assert not any(rule == "JRT0171-DISPLAY-C3-NEVER" for rule, _ in found)
    [clear] = [v for v in report["violations"] if v["resource"] == "v_clear.mobile"]
    assert clear["location"]["path"].endswith("V2__views.sql") and clear["location"]["line"] == 2
    assert report["errors"] == []


def test_demo_reports_the_collection_worklist(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["demo", "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    found = _display(report)
    assert ("JRT0171-DISPLAY-MASK-C2", "demo.main.v_collection_worklist.mobile") in found
    assert ("JRT0171-DISPLAY-MASK-C2", "demo.main.v_collection_worklist.customer_name") in found
    # The ID number is masked to its first 3 and last 4 characters: within the profile.
    assert ("JRT0171-DISPLAY-MASK-C2", "demo.main.v_collection_worklist.id_no_masked") not in found
