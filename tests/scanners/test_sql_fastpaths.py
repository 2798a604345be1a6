"""The fast paths of the SQL scanner agree with the plain versions they replaced.

`sqlsplit` and `sql` were tuned for speed (unrolled patterns, one regex call per statement, a cache
of column types, an index of table names, in-place column updates). The reference implementations
below are the straightforward versions from before; random inputs must give the same results.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator

from hypothesis import given, settings
from hypothesis import strategies as st

from plaudit.scanners import sql as sqlscan
from plaudit.scanners import sqlsplit
from plaudit.scanners.sql import scan_text
from plaudit.scanners.sqlsplit import Statement, classify, split_statements

# --------------------------------------------------------------------------- reference splitter


def _ref_body_re(delimiter: str, mysql: bool) -> re.Pattern[str]:
    specials = "'\"`-/" + delimiter[0] + ("#" if mysql else "$")
    alts = [sqlsplit._char_class(specials, negate=True) + "++"]
    if mysql:
        alts += [r"'(?:[^'\\]++|\\.|'')*+'", r'"(?:[^"\\]++|\\.|"")*+"', r"\#[^\n]*+"]
    else:
        alts += [
            r"(?<=(?<!\w)[Ee])'(?:[^'\\]++|\\.|'')*+'",
            r"'(?:[^']++|'')*+'",
            r'"(?:[^"]++|"")*+"',
            r"(?<![\w$])\$(?P<tag>(?:[^\W\d]\w*)?)\$.*?\$(?P=tag)\$",
        ]
    alts += [r"`(?:[^`]++|``)*+`", r"--[^\n]*+", r"/\*.*?\*/"]
    if delimiter == ";":
        alts.append(sqlsplit._char_class(specials.replace(";", ""), negate=False))
    else:
        alts.append("(?!" + re.escape(delimiter) + ")" + sqlsplit._char_class(specials, negate=False))
    return re.compile("(?:" + "|".join(alts) + ")*+", re.S)


def _ref_split(text: str, dialect: str | None) -> Iterator[Statement]:
    mysql = dialect == "mysql"
    skip = sqlsplit._SKIP_MYSQL if mysql else sqlsplit._SKIP_STD
    delimiter = ";"
    body = _ref_body_re(delimiter, mysql)
    n, pos, line, counted = len(text), 0, 1, 0
    while pos < n:
        pos = skip.match(text, pos).end()  # type: ignore[union-attr,unused-ignore]
        if pos >= n:
            break
        first = text[pos]
        if first == "\\":
            eol = text.find("\n", pos)
            if text[pos + 1 : pos + 5].lower() == "copy":  # psql `\copy` lines are bulk exports to judge
                line += text.count("\n", counted, pos)
                counted = pos
                yield Statement(text[pos : n if eol < 0 else eol], line, "psql")
            pos = n if eol < 0 else eol + 1
            continue
        if first in "dD":
            m = sqlsplit._DELIMITER.match(text, pos)
            if m:
                delimiter = m.group(1)
                body = _ref_body_re(delimiter, mysql)
                pos = m.end()
                continue
        end = body.match(text, pos).end()  # type: ignore[union-attr,unused-ignore]
        stmt = text[pos:end]
        nxt = end + len(delimiter) if text.startswith(delimiter, end) else end
        if end == pos:
            pos = max(nxt, pos + 1)
            continue
        line += text.count("\n", counted, pos)
        counted = pos
        kind = classify(stmt)
        yield Statement(stmt, line, kind)
        if kind == "data" and first in "cC" and sqlsplit._FROM_STDIN.search(stmt):
            m = sqlsplit._COPY_END.search(text, nxt)
            nxt = n if m is None else m.end()
        pos = nxt


_PIECES = [
    "a", "b1", " ", "\n", ";", "'", "''", '"', "`", "``", "\\", "\\'", "-", "--", "/", "/*", "*/", "#",
    "$", "$$", "$x$", "E'", "e", "(", ")", "d", "D", "DELIMITER //\n", "delimiter ;\n", "//", "\\.\n",
    "\\connect db\n", "\\copy t to 'x.csv'\n", "CREATE TABLE t (a int)", "INSERT INTO t VALUES ('x;y')",
    "COPY t FROM stdin;\n",
    "drop table t", "ALTER TABLE t ADD b text", "中文",
]  # fmt: skip
_SCRIPTS = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(_SCRIPTS, st.sampled_from([None, "mysql", "postgres"]))
def test_split_matches_reference(text: str, dialect: str | None) -> None:
    assert list(split_statements(text, dialect)) == list(_ref_split(text, dialect))


@settings(max_examples=300, deadline=None)
@given(_SCRIPTS, st.sampled_from([";", "//", "$$"]), st.booleans(), st.integers(0, 30))
def test_body_pattern_matches_reference(text: str, delimiter: str, mysql: bool, pos: int) -> None:
    pos = min(pos, len(text))
    new = sqlsplit._body_re(delimiter, mysql).match(text, pos)
    ref = _ref_body_re(delimiter, mysql).match(text, pos)
    assert new is not None and ref is not None and new.end() == ref.end()


# --------------------------------------------------------------------------- column types

_REF_SIMPLE = re.compile(r"\s*([^\W\d]\w*)(?:\s*(\(\s*\d+\s*(?:,\s*\d+\s*)?\)))?\s*")
_REF_MAY_CONTINUE = frozenset("vVpPuUsSzZwW[.(")


def _ref_type_after(text: str, pos: int) -> str | None:
    m = _REF_SIMPLE.match(text, pos)
    if m is not None and text[m.end() : m.end() + 1] not in _REF_MAY_CONTINUE:
        params = m.group(2)
        base = m.group(1).lower()
        return base + params.replace(" ", "") if params else base
    m = sqlscan._TYPE_RE.match(text, pos)
    return sqlscan._normalise_type(m.group(1)) if m else None


_TYPE_PIECES = [
    " ", "  ", "\n", "int", "VARCHAR", "varchar", "(", ")", "10", " 2", ",", "unsigned", " varying",
    "precision", "with time zone", "[]", ".", '"', "`", "x", "NOT NULL", "COMMENT 'a'", "1", "é",
]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_TYPE_PIECES), max_size=12).map("".join), st.integers(0, 3))
def test_type_after_matches_reference(text: str, pos: int) -> None:
    pos = min(pos, len(text))
    expected = _ref_type_after(text, pos)
    assert sqlscan._type_after(text, pos) == expected
    assert sqlscan._type_after(text, pos) == expected  # again, now possibly from the cache


def test_type_cache_key_covers_what_decides() -> None:
    # Same first 16 characters, different outcome past them: the longer one must not be cached.
    a = " varchar(255)   x"
    b = " varchar(255)   (3)"
    assert sqlscan._type_after(a, 0) == _ref_type_after(a, 0) == "varchar(255)"
    assert sqlscan._type_after(b, 0) == _ref_type_after(b, 0)


# --------------------------------------------------------------------------- replay bookkeeping


def test_unqualified_lookup_follows_renames_and_drops() -> None:
    model = scan_text(
        "CREATE TABLE a.t (x int); CREATE TABLE b.u (y int);"
        "ALTER TABLE a.t RENAME TO a.v; COMMENT ON COLUMN v.x IS 'moved';"
        "CREATE TABLE b.v (z int); COMMENT ON COLUMN v.x IS 'ambiguous';"
        "DROP TABLE b.v; COMMENT ON TABLE v IS 'unique again';",
        dialect="postgres",
    )
    v = model.get("a", "v")
    assert v is not None and v.comment == "unique again"
    assert v.columns["x"].comment == "moved"


def test_scan_text_into_existing_model_finds_its_tables() -> None:
    model = scan_text("CREATE TABLE s.t (x int);", dialect="postgres")
    scan_text("COMMENT ON COLUMN t.x IS 'hi';", dialect="postgres", model=model)
    t = model.get("s", "t")
    assert t is not None and t.columns["x"].comment == "hi"


def test_alter_keeps_column_order() -> None:
    model = scan_text(
        "CREATE TABLE t (a int, b int, c int);"
        "ALTER TABLE t MODIFY b bigint; ALTER TABLE t ADD d int; ALTER TABLE t ADD e int FIRST;"
        "ALTER TABLE t ADD f int AFTER a; ALTER TABLE t CHANGE c cc text;",
        dialect="mysql",
    )
    t = model.get(None, "t")
    assert t is not None
    assert [(k, c.type) for k, c in t.columns.items()] == [
        ("e", "int"), ("a", "int"), ("f", "int"), ("b", "bigint"), ("cc", "text"), ("d", "int"),
    ]  # fmt: skip


def test_gc_thresholds_restored_after_nested_scans() -> None:
    before = gc.get_threshold()
    with sqlscan._gc_tuned():
        with sqlscan._gc_tuned():
            assert gc.get_threshold()[0] >= sqlscan._GC_YOUNG or before[0] == 0
        assert gc.get_threshold()[0] >= sqlscan._GC_YOUNG or before[0] == 0
        assert gc.get_freeze_count() > 0  # what existed before the scan is left out of collections
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0  # and handed back to the collector afterwards
