"""Catalog loading and validation, driven by cases/catalog_load.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from plaudit.catalog.loader import load_catalog
from plaudit.errors import CatalogError

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "catalog_load.yaml").read_text(encoding="utf-8"))


def _write(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_catalog_case(case: dict[str, Any], tmp_path: Path) -> None:
    folder = _write(tmp_path, case["files"])
    if "error" in case:
        with pytest.raises(CatalogError) as info:
            load_catalog([folder])
        err = info.value
        assert case["error"] in err.message, str(err)
        if "line" in case:
            assert err.line == case["line"], str(err)
        assert err.path is not None
        assert Path(err.path).name == case.get("path", next(iter(case["files"])))
        return
    catalog = load_catalog([folder])
    tables = list(catalog.tables())
    assert len(tables) == case["expect"]["tables"]
    assert sum(len(t.columns) for t in tables) == case["expect"]["columns"]
    for key, level in case["expect"].get("category_level", {}).items():
        assert catalog.taxonomy[key].level == level


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="does not exist"):
        load_catalog([tmp_path / "nope.yaml"])


def test_binary_and_non_utf8_files_are_errors(tmp_path: Path) -> None:
    (tmp_path / "bin.yaml").write_bytes(b"\x00\x01\x02tables:")
    with pytest.raises(CatalogError, match="binary"):
        load_catalog([tmp_path / "bin.yaml"])
    (tmp_path / "gbk.yaml").write_bytes("tables:\n  客户: {}\n".encode("gbk"))
    with pytest.raises(CatalogError, match="UTF-8") as info:
        load_catalog([tmp_path / "gbk.yaml"])
    assert info.value.line == 2


def test_lookup_prefers_qualified_entries(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "c.yaml": "dataset: d\nmatch: {schemas: [public, crm]}\n"
            "tables:\n  public.customer: {purposes: [a]}\n  customer: {purposes: [b]}\n"
        },
    )
    catalog = load_catalog([tmp_path])
    assert catalog.lookup("public", "CUSTOMER").purposes == ["a"]  # type: ignore[union-attr]
    assert catalog.lookup("crm", "customer").purposes == ["b"]  # type: ignore[union-attr]
    assert catalog.lookup("other", "customer") is None
    assert catalog.dataset_for("public") == "d"


def test_waivers_and_digest(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "c.yaml": "tables: {}\nexceptions:\n"
            "  - {rule: untagged_pii, resource: 'a.*', reason: legacy table,"
            " owner: me@example.com, expires: 2027-01-31}\n"
        },
    )
    first = load_catalog([tmp_path])
    assert first.waivers[0].expires == "2027-01-31"
    assert first.waivers[0].location is not None and first.waivers[0].location.line == 3
    assert load_catalog([tmp_path]).digest == first.digest
    (tmp_path / "c.yaml").write_text("tables: {}\n", encoding="utf-8")
    assert load_catalog([tmp_path]).digest != first.digest
