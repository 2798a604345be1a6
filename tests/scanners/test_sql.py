"""The static SQL scanner: table-driven cases from `cases/sql.yaml`, then bad input and the splitter."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from plaudit.model import SchemaModel, Table
from plaudit.scanners.sql import iter_sql_files, scan_paths, scan_text, split_statements, version_key
from plaudit.scanners.sqlsplit import decode_sql

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "sql.yaml").read_text(encoding="utf-8"))


def _table(model: SchemaModel, qualified: str) -> Table | None:
    schema, _, name = qualified.rpartition(".")
    return model.get(schema or None, name)


def _run_case(case: dict[str, Any], tmp_path: Path) -> SchemaModel:
    if "files" in case:
        for name, sql in case["files"].items():
            (tmp_path / name).write_text(sql, encoding="utf-8")
        return scan_paths([tmp_path], dialect=case.get("dialect"))
    return scan_text(case["sql"], path="case.sql", dialect=case.get("dialect"))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(case: dict[str, Any], tmp_path: Path) -> None:
    model = _run_case(case, tmp_path)
    expect = case["expect"]
    errors = [(e.line, e.message) for e in model.errors]
    wanted_errors = expect.get("errors", [])
    assert len(errors) == len(wanted_errors), errors
    for (line, message), want in zip(errors, wanted_errors, strict=True):
        assert want["contains"] in message
        assert line == want["line"], message
    if "dialect" in expect:
        assert model.dialect == expect["dialect"]
    for name in expect.get("absent", []):
        assert _table(model, name) is None, f"{name} should not exist"
    for name, want in (expect.get("tables") or {}).items():
        table = _table(model, name)
        assert table is not None, f"missing table {name}; have {sorted(model.tables)}"
        assert table.location is not None and table.location.path.endswith(".sql")
        for key in ("kind", "comment"):
            if key in want:
                assert getattr(table, key) == want[key], f"{name}.{key}"
        if "line" in want:
            assert table.location.line == want["line"], f"{name} line"
        if "view_sql" in want:
            assert table.view_sql is not None and " ".join(table.view_sql.split()) == want["view_sql"]
        if "columns_exact" in want:
            assert [c.name.lower() for c in table.columns.values()] == want["columns_exact"]
        for col_name, col_want in (want.get("columns") or {}).items():
            col = table.columns.get(col_name)
            assert col is not None, f"missing column {name}.{col_name}; have {list(table.columns)}"
            for key in ("type", "comment", "nullable"):
                if key in col_want:
                    assert getattr(col, key) == col_want[key], f"{name}.{col_name}.{key}"
            if "line" in col_want:
                assert col.location is not None and col.location.line == col_want["line"], f"{col_name} line"
    if "grants" in expect:
        got = [
            {
                "privilege": g.privilege,
                "table": g.table,
                "schema": g.schema,
                "grantee": g.grantee,
                "columns": list(g.columns),
            }
            for g in model.grants
        ]
        assert got == expect["grants"]


# --------------------------------------------------------------------------- bad input


def test_empty_file_gives_empty_model(tmp_path: Path) -> None:
    (tmp_path / "empty.sql").write_bytes(b"")
    model = scan_paths([tmp_path / "empty.sql"])
    assert model.tables == {} and model.errors == []


def test_binary_file_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "blob.sql"
    path.write_bytes(b"CREATE TABLE x (a int);\x00\x01\x02\xff" * 10)
    model = scan_paths([path])
    assert [(e.path, e.message) for e in model.errors] == [(str(path), "binary file, skipped")]
    assert model.tables == {}


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    model = scan_paths([tmp_path / "nope.sql"])
    assert len(model.errors) == 1 and "no such file" in model.errors[0].message


def test_gbk_file_with_chinese_comments(tmp_path: Path) -> None:
    sql = (
        "CREATE TABLE `user` (\n  `sfzh` varchar(18) COMMENT '身份证号',\n"
        "  `sjhm` varchar(11) COMMENT '手机号码'\n) COMMENT='用户';\n"
    )
    path = tmp_path / "gbk.sql"
    path.write_bytes(sql.encode("gbk"))
    model = scan_paths([path])
    table = model.get(None, "user")
    assert table is not None and table.comment == "用户"
    assert table.columns["sfzh"].comment == "身份证号"
    assert table.columns["sjhm"].location is not None and table.columns["sjhm"].location.line == 3
    assert model.errors == []


def test_latin1_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "latin1.sql"
    path.write_bytes("CREATE TABLE caf\xe9 (na\xefve int);".encode("latin-1"))
    model = scan_paths([path])
    assert model.get(None, "café") is not None


def test_bom_at_start_and_in_the_middle(tmp_path: Path) -> None:
    body = "-- licence header\n\ufeffCREATE TABLE a (x int);\n\ufeffCREATE TABLE b (y int);\n"
    path = tmp_path / "bom.sql"
    path.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    model = scan_paths([path])
    assert model.errors == []
    assert model.get(None, "a") is not None
    b = model.get(None, "b")
    assert b is not None and b.location is not None and b.location.line == 3


def test_truncated_file(tmp_path: Path) -> None:
    path = tmp_path / "trunc.sql"
    path.write_text("CREATE TABLE a (x int);\nCREATE TABLE b (\n  y int,\n  z varch", encoding="utf-8")
    model = scan_paths([path])
    assert model.get(None, "a") is not None
    assert len(model.errors) == 1 and model.errors[0].line is not None and model.errors[0].line >= 2


def test_garbage_text_never_raises(tmp_path: Path) -> None:
    path = tmp_path / "junk.sql"
    path.write_text("CREATE TABLE ((( ;; ALTER TABLE ;\n' \" ` $$ /* -- \\\n GRANT ON TO ;", encoding="utf-8")
    model = scan_paths([path])
    assert all(e.path == str(path) for e in model.errors)


@pytest.mark.slow
def test_huge_insert_file_scans_fast(tmp_path: Path) -> None:
    """50 MB of INSERTs are skipped by the splitter; only the trailing CREATE TABLE is parsed."""
    row = "INSERT INTO `t` VALUES (1,'it''s; a value','13800138000','a@b.c',-1.5,'2024-01-01');\n"
    chunk = row * 1000
    path = tmp_path / "big.sql"
    with path.open("w", encoding="utf-8") as fh:
        while fh.tell() < 50_000_000:
            fh.write(chunk)
        fh.write("CREATE TABLE `after_data` (`mobile` varchar(11) COMMENT '手机号');\n")
    start = time.perf_counter()
    model = scan_paths([path])
    elapsed = time.perf_counter() - start
    table = model.get(None, "after_data")
    assert table is not None and table.columns["mobile"].comment == "手机号"
    assert model.errors == []
    assert elapsed < 30, f"{elapsed:.1f}s for 50 MB"  # generous: a loaded CI runner, not a benchmark


def test_a_single_path_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "one.sql").write_text("CREATE TABLE a (x int);")
    model = scan_paths(str(tmp_path / "one.sql"))  # a str is a Sequence too: not one path per character
    assert model.get(None, "a") is not None and model.errors == []


def test_scan_text_into_existing_model() -> None:
    model = scan_text("CREATE TABLE a (x int);", path="one.sql")
    scan_text("ALTER TABLE a ADD COLUMN y text;", path="two.sql", model=model)
    table = model.get(None, "a")
    assert table is not None and list(table.columns) == ["x", "y"]
    assert table.columns["y"].location is not None and table.columns["y"].location.path == "two.sql"


def test_unknown_dialect_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown SQL dialect"):
        scan_text("SELECT 1", dialect="oracle")


def test_decode_reports_undecodable_bytes_as_a_warning() -> None:
    text, problem = decode_sql(b"CREATE TABLE t (a int) -- \x80\x81\xfe\n")
    assert text is not None and text.startswith("CREATE TABLE t")
    assert problem is not None and problem.startswith("warning:")


# --------------------------------------------------------------------------- file order


def test_version_order() -> None:
    names = [
        "R__views.sql",
        "V10__ten.sql",
        "V9__nine.sql",
        "V1_2__one_two.sql",
        "V1.1__one_one.sql",
        "V1__one.sql",
        "V111_1__set default",
    ]
    assert sorted(names, key=version_key) == [
        "V1__one.sql",
        "V1.1__one_one.sql",
        "V1_2__one_two.sql",
        "V9__nine.sql",
        "V10__ten.sql",
        "V111_1__set default",
        "R__views.sql",
    ]
    stamps = [
        "20240802193726_b.up.sql",
        "00_init.up.sql",
        "20210710035447_a.up.sql",
        "002_x.sql",
        "010_y.sql",
    ]
    assert sorted(stamps, key=version_key) == [
        "00_init.up.sql",
        "002_x.sql",
        "010_y.sql",
        "20210710035447_a.up.sql",
        "20240802193726_b.up.sql",
    ]


def test_iter_sql_files_walks_folders_in_order(tmp_path: Path) -> None:
    (tmp_path / "mod" / "migration").mkdir(parents=True)
    (tmp_path / "mod" / "ddl.sql").write_text("CREATE TABLE a (x int);")
    (tmp_path / "mod" / "migration" / "V2__b.sql").write_text("SELECT 1;")
    (tmp_path / "mod" / "migration" / "V10__c.sql").write_text("SELECT 1;")
    (tmp_path / "mod" / "migration" / "V3__d.down.sql").write_text("SELECT 1;")
    (tmp_path / "mod" / "migration" / "V111_1__set").write_text("UPDATE x SET y = 1;")
    (tmp_path / "mod" / "migration" / "V5__notes").write_bytes(b"\x00\x01 binary")
    (tmp_path / "mod" / "README.md").write_text("# not sql")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.sql").write_text("SELECT 1;")
    got = [p.relative_to(tmp_path).as_posix() for p in iter_sql_files([tmp_path])]
    assert got == [
        "mod/ddl.sql",
        "mod/migration/V2__b.sql",
        "mod/migration/V10__c.sql",
        "mod/migration/V111_1__set",
    ]


def test_file_arguments_that_are_migrations_are_sorted(tmp_path: Path) -> None:
    for name in ("V10__b.sql", "V9__a.sql"):
        (tmp_path / name).write_text("SELECT 1;")
    got = iter_sql_files([tmp_path / "V10__b.sql", tmp_path / "V9__a.sql"])
    assert [p.name for p in got] == ["V9__a.sql", "V10__b.sql"]


# --------------------------------------------------------------------------- splitter


@pytest.mark.parametrize(
    ("sql", "dialect", "expected"),
    [
        ("SELECT 'a;b'; SELECT 2", None, [("SELECT 'a;b'", 1), ("SELECT 2", 1)]),
        ("SELECT 'it''s;'\n;\nSELECT 1;", None, [("SELECT 'it''s;'\n", 1), ("SELECT 1", 3)]),
        ("SELECT E'\\';'; SELECT 1", "postgres", [("SELECT E'\\';'", 1), ("SELECT 1", 1)]),
        ("SELECT 'a\\';b'; SELECT 1", "mysql", [("SELECT 'a\\';b'", 1), ("SELECT 1", 1)]),
        ("SELECT $$;$$; SELECT $f$ $$ ; $f$;", "postgres", [("SELECT $$;$$", 1), ("SELECT $f$ $$ ; $f$", 1)]),
        ("-- c;\n/* ; */ SELECT `a;b` # x;\n;", "mysql", [("SELECT `a;b` # x;\n", 2)]),
        ("\\set x 1\nSELECT 1;\n\\connect db\n", "postgres", [("SELECT 1", 2)]),
        ("SELECT 1", None, [("SELECT 1", 1)]),
        (";;;\n\n;", None, []),
    ],
)
def test_split_statements(sql: str, dialect: str | None, expected: list[tuple[str, int]]) -> None:
    assert [(s.text, s.line) for s in split_statements(sql, dialect)] == expected


@pytest.mark.parametrize(
    ("sql", "kind"),
    [
        ("CREATE TABLE t (a int)", "ddl"),
        ("create or replace view v as select 1", "ddl"),
        ("CREATE TEMPORARY TABLE tmp (a int)", "other"),
        ("CREATE INDEX i ON t (a)", "other"),
        ("CREATE FUNCTION f() RETURNS TABLE (a int) AS $$ $$", "other"),
        ("CREATE SCHEMA s", "other"),
        ("CREATE SCHEMA s CREATE TABLE t (a int)", "ddl"),
        ("ALTER TABLE t ADD COLUMN a int", "ddl"),
        ("ALTER TABLE ONLY t ADD CONSTRAINT pk PRIMARY KEY (a)", "other"),
        ("ALTER TABLE t OWNER TO postgres", "other"),
        ("ALTER TABLE t ALTER COLUMN a SET DEFAULT 1", "other"),
        ("DROP TABLE IF EXISTS t", "ddl"),
        ("DROP INDEX i", "other"),
        ("RENAME TABLE a TO b", "ddl"),
        ("COMMENT ON COLUMN t.a IS 'x'", "ddl"),
        ("COMMENT ON FUNCTION f() IS 'x'", "other"),
        ("GRANT SELECT ON t TO PUBLIC", "grant"),
        ("INSERT INTO t VALUES (1)", "data"),
        ("REPLACE INTO t VALUES (1)", "data"),
        ("SET search_path = public", "other"),
    ],
)
def test_classify(sql: str, kind: str) -> None:
    assert [s.kind for s in split_statements(sql + ";")] == [kind]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [*"ab;'\"`$\\-/*#\n ()eE", "$$", "--", "/*", "*/", "\\.", "DELIMITER //\n", "COPY t FROM stdin;"]
        )
    ).map("".join)
)
def test_splitter_never_raises_and_keeps_order(text: str) -> None:
    for dialect in (None, "mysql", "postgres"):
        lines = [s.line for s in split_statements(text, dialect)]
        assert lines == sorted(lines)
        assert all(1 <= line <= text.count("\n") + 1 for line in lines)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_scan_text_never_raises(text: str) -> None:
    model = scan_text(text)
    assert all(e.path == "<string>" for e in model.errors)
