"""The SQL scanner on the real-world corpus in `../shared/corpus` (see its SOURCES.md).

SOURCES.md's Summary table counts *distinct* table and table.column names over all files of a source
(CREATE TABLE plus ALTER TABLE ... ADD). The scanner *replays* the files, so tables and columns that a
later migration drops or renames are gone from its model: its counts may be lower than SOURCES for
migration folders, and slightly higher where a migration recreates a renamed table. `EXPECTED` keeps
the SOURCES numbers, what the scanner finds today, and the reason for any difference; the test allows
the SOURCES number minus a fraction `drop` (replayed drops) up to plus `extra_*` (explained surplus).
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest

from plaudit.model import SchemaModel
from plaudit.scanners.sql import scan_paths

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


class Expected(NamedTuple):
    tables: int  # SOURCES.md Summary "tables"
    columns: int  # SOURCES.md Summary "columns"
    dialect: str
    drop: float = 0.0  # fraction SOURCES may exceed the replayed model by (dropped by later migrations)
    extra_tables: int = 0  # tables the model may have beyond SOURCES (explained per source)
    extra_columns: int = 0


EXPECTED: dict[str, Expected] = {
    # 235 distinct tables in all files; migrations drop 11 and many columns on the way to the final
    # schema (model: 224 tables, 2,110 columns). One CREATE TABLE in 0001a is missing a comma.
    "fineract": Expected(235, 2343, "mysql", drop=0.12),
    "roncoo-pay": Expected(28, 523, "mysql"),
    # Two columns are dropped by payment/invoice migrations (model: 856 columns).
    "killbill": Expected(63, 858, "mysql", drop=0.01),
    "mall": Expected(76, 669, "mysql"),
    "ruoyi": Expected(21, 232, "mysql"),
    # `film` has a PostgreSQL 18 `GENERATED ... VIRTUAL` column that plain sqlglot rejects (so SOURCES
    # misses it); the scanner retries it as STORED: +1 table, +15 columns. Views are not counted.
    "pagila": Expected(70, 464, "postgres", extra_tables=1, extra_columns=15),
    "chinook/Chinook_MySql.sql": Expected(11, 64, "mysql"),
    "chinook/Chinook_PostgreSql.sql": Expected(11, 64, "postgres"),
    # 13 `ALTER TABLE ... DROP COLUMN` in install.sql (model: 456 columns); its 89 views are not counted.
    "adventureworks-pg": Expected(68, 469, "postgres", drop=0.03),
    "openstreetmap": Expected(57, 391, "postgres"),
    # sso_sessions is created, then dropped by 20221215195900_remove_sso_sessions (model: 22, 228).
    "supabase-auth": Expected(23, 237, "postgres", drop=0.05),
    # postgresql_migration.sql renames cdm_source and vocabulary to *_v53 and recreates them: +2 tables
    # and their 16 columns.
    "omop-cdm": Expected(39, 432, "postgres", extra_tables=2, extra_columns=16),
}

#: Statements in the corpus that are really broken (a database would reject them too).
KNOWN_BAD = {
    ("fineract/0001a-mifosplatform-core-ddl-latest.sql", 619),  # no comma between two CONSTRAINTs
}

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not found at {CORPUS}")

_cache: dict[str, SchemaModel] = {}


def _scan(source: str) -> SchemaModel:
    if source not in _cache:
        _cache[source] = scan_paths([CORPUS / source])
    return _cache[source]


@pytest.mark.parametrize("source", sorted(EXPECTED))
def test_counts_close_to_sources(source: str) -> None:
    want = EXPECTED[source]
    model = _scan(source)
    tables = [t for t in model.tables.values() if t.kind == "table"]
    columns = sum(len(t.columns) for t in tables)
    assert model.dialect == want.dialect
    low_t, high_t = int(want.tables * (1 - want.drop)), want.tables + want.extra_tables
    assert low_t <= len(tables) <= high_t, f"{len(tables)} tables, SOURCES says {want.tables}"
    low_c, high_c = int(want.columns * (1 - want.drop)), want.columns + want.extra_columns
    assert low_c <= columns <= high_c, f"{columns} columns, SOURCES says {want.columns}"
    # every table has columns, a location and plausible column names
    for table in tables:
        assert table.location is not None and table.location.line
        assert table.columns, f"{table.qualified} has no columns"
        for col in table.columns.values():
            assert col.name and col.location is not None and col.location.line


@pytest.mark.parametrize("source", sorted(EXPECTED))
def test_errors_are_only_the_known_bad_statements(source: str) -> None:
    model = _scan(source)
    found = {(Path(e.path).relative_to(CORPUS).as_posix(), e.line) for e in model.errors}
    assert found == {bad for bad in KNOWN_BAD if bad[0].startswith(source.split("/")[0] + "/")}
    for err in model.errors:
        assert Path(err.path).is_file() and err.line is not None and err.line > 0 and err.message


def test_whole_corpus_never_raises() -> None:
    model = scan_paths([CORPUS])
    assert len(model.tables) > 700
    assert {(Path(e.path).relative_to(CORPUS).as_posix(), e.line) for e in model.errors} == KNOWN_BAD


def test_jaffle_shop_models_are_queries_not_tables() -> None:
    model = _scan("jaffle_shop")
    assert model.tables == {} and model.errors == []


def test_known_facts_of_the_corpus() -> None:
    """Spot checks a reviewer can verify by opening the files."""
    roncoo = _scan("roncoo-pay")
    card = roncoo.get(None, "rp_user_bank_account")
    assert card is not None and "bank_account_no" in card.columns
    ruoyi = _scan("ruoyi")
    user = ruoyi.get(None, "sys_user")
    assert user is not None and user.columns["phonenumber"].comment == "手机号码"
    osm = _scan("openstreetmap")
    users = osm.get("public", "users")
    assert users is not None and users.columns["creation_address"].type == "inet"
    aw = _scan("adventureworks-pg")
    person = aw.get("person", "person")
    assert person is not None and person.location is not None and (person.location.line or 0) > 70
    supa = _scan("supabase-auth")
    users = supa.get(None, "users")
    assert users is not None and "encrypted_password" in users.columns and "phone" in users.columns
