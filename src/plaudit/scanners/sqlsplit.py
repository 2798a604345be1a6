"""Reading SQL text before sqlglot sees it: decoding, templates, dialect, statements, file order.

Everything here is pure text work and stays linear in the size of the input, so that a dump with
thousands of INSERTs costs a regex pass, not a parse. `sql.py` replays what this module finds.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

__all__ = [
    "Statement",
    "classify",
    "collect_sql_files",
    "decode_sql",
    "detect_dialect",
    "neutralise_templates",
    "split_statements",
    "unwrap_mysql_conditionals",
    "version_key",
]


class Statement(NamedTuple):
    """One statement of a script: its text (without the delimiter), 1-based start line and kind.

    `kind` is `ddl` (CREATE/ALTER/DROP/RENAME TABLE or VIEW, COMMENT ON, CREATE SCHEMA with nested
    tables), `grant` (GRANT/REVOKE), `data` (INSERT, REPLACE, COPY, UPDATE, DELETE ...), `psql` (a
    `\\copy` meta-command line) or `other`.
    """

    text: str
    line: int
    kind: str


# --------------------------------------------------------------------------- statement splitting

_ESCAPING = "mysql"  # string literals where a backslash escapes the next character


def _char_class(chars: str, negate: bool) -> str:
    body = "".join("\\" + c if c in "\\]^-[" else c for c in sorted(set(chars)))
    return f"[{'^' if negate else ''}{body}]"


@functools.lru_cache(maxsize=32)
def _body_re(delimiter: str, mysql: bool) -> re.Pattern[str]:
    return re.compile(_body_pattern(delimiter, mysql), re.S)


@functools.lru_cache(maxsize=32)
def _statement_re(delimiter: str, mysql: bool) -> re.Pattern[str]:
    """Whitespace and comments, then (group 1) a statement body, in one call instead of two.

    The body is left empty at a backslash or a d/D: psql meta-commands and `DELIMITER` lines are
    handled apart, and scanning them as a body first could cost a pass to the next delimiter each.
    """
    skip = _SKIP_MYSQL if mysql else _SKIP_STD
    return re.compile(f"{skip.pattern}((?![\\\\dD]){_body_pattern(delimiter, mysql)}|)", re.S)


def _body_pattern(delimiter: str, mysql: bool) -> str:
    """A pattern that consumes one statement body up to (not including) `delimiter` or the end.

    Every alternative is possessive, so a truncated statement or an unbalanced quote costs one pass
    and never backtracks. The loops are unrolled, `plain*+ (?:special plain*+)*+`, and so are the
    quoted parts (`'[^']*+(?:''[^']*+)*+'`): the engine takes one step for a quoted value and the
    plain text after it instead of one for each run, which matters because this pattern runs over
    every byte of every file, dumps included.
    """
    specials = "'\"`-/" + delimiter[0] + ("#" if mysql else "$")
    plain = _char_class(specials, negate=True) + "*+"
    alts: list[str] = []
    backtick = r"`[^`]*+(?:``[^`]*+)*+`"
    if mysql:
        alts += [
            backtick,  # first: MySQL DDL quotes every name
            r"'[^'\\]*+(?:(?:\\.|'')[^'\\]*+)*+'",
            r'"[^"\\]*+(?:(?:\\.|"")[^"\\]*+)*+"',
            r"\#[^\n]*+",
        ]
    else:
        # E'...' strings escape with backslashes; standard strings do not (standard_conforming_strings).
        alts += [
            r"(?<=(?<!\w)[Ee])'[^'\\]*+(?:(?:\\.|'')[^'\\]*+)*+'",
            r"'[^']*+(?:''[^']*+)*+'",
            r'"[^"]*+(?:""[^"]*+)*+"',
            r"(?<![\w$])\$(?P<tag>(?:[^\W\d]\w*)?)\$.*?\$(?P=tag)\$",
            backtick,
        ]
    alts += [r"--[^\n]*+", r"/\*.*?\*/"]
    if delimiter == ";":
        alts.append(_char_class(specials.replace(";", ""), negate=False))
    else:
        alts.append("(?!" + re.escape(delimiter) + ")" + _char_class(specials, negate=False))
    return plain + "(?:(?:" + "|".join(alts) + ")" + plain + ")*+"


_SKIP_STD = re.compile(r"(?:\s++|--[^\n]*+|/\*.*?\*/)*+", re.S)
_SKIP_MYSQL = re.compile(r"(?:\s++|--[^\n]*+|/\*.*?\*/|\#[^\n]*+)*+", re.S)
_DELIMITER = re.compile(r"delimiter[ \t]+(\S+)[^\n]*", re.I)
_FROM_STDIN = re.compile(r"\bFROM\s+STDIN\b", re.I)
_COPY_END = re.compile(r"^\\\.[ \t\r]*$", re.M)


def split_statements(text: str, dialect: str | None = None) -> Iterator[Statement]:
    """Split a script into statements, with the line where each starts and a rough kind.

    Understands quotes (single, double, backtick; backslash escapes in MySQL and in PostgreSQL
    `E'...'`), `$tag$` dollar quoting, `--`, `#` (MySQL) and `/* */` comments, MySQL client
    `DELIMITER` changes, psql meta-commands (`\\connect`, `\\copy`, ... lines, skipped) and
    `COPY ... FROM stdin` data blocks (skipped up to the `\\.` line). Never raises on any text.

    >>> [(s.line, s.kind) for s in split_statements("CREATE TABLE t (a int);\\nINSERT INTO t VALUES (1);")]
    [(1, 'ddl'), (2, 'data')]
    """
    mysql = dialect == _ESCAPING
    # Bound methods in locals: this loop runs once per statement of every file.
    delimiter = ";"
    scan = _statement_re(delimiter, mysql).match
    body = _body_re(delimiter, mysql).match
    count = text.count
    n = len(text)
    pos = 0
    line = 1
    counted = 0  # text[:counted] has been folded into `line`
    while pos < n:
        pos, end = scan(text, pos).span(1)  # type: ignore[union-attr]  # matches the empty string
        if pos >= n:
            break
        first = text[pos]
        if pos == end:  # the body was not scanned (see `_statement_re`), or a lone delimiter
            if first == "\\":  # psql meta-command: the rest of the line belongs to psql
                eol = text.find("\n", pos)
                if text[pos + 1 : pos + 5].lower() == "copy":  # `\copy … to` is a bulk export
                    line += count("\n", counted, pos)
                    counted = pos
                    yield Statement(text[pos : n if eol < 0 else eol], line, "psql")
                pos = n if eol < 0 else eol + 1
                continue
            if first == "d" or first == "D":
                m = _DELIMITER.match(text, pos)
                if m:
                    delimiter = m.group(1)
                    scan = _statement_re(delimiter, mysql).match
                    body = _body_re(delimiter, mysql).match
                    pos = m.end()
                    continue
                end = body(text, pos).end()  # type: ignore[union-attr]  # matches the empty string
        nxt = end + len(delimiter) if text.startswith(delimiter, end) else end
        if end == pos:  # a lone delimiter
            pos = max(nxt, pos + 1)
            continue
        stmt = text[pos:end]
        line += count("\n", counted, pos)
        counted = pos
        kind = classify(stmt)
        yield Statement(stmt, line, kind)
        if kind == "data" and first in "cC" and _FROM_STDIN.search(stmt):
            m = _COPY_END.search(text, nxt)
            nxt = n if m is None else m.end()
        pos = nxt


# --------------------------------------------------------------------------- classification

_FIRST_WORD = re.compile(r"[A-Za-z_]+")
_DATA_WORDS = frozenset(
    {"INSERT", "REPLACE", "COPY", "UPDATE", "DELETE", "MERGE", "UPSERT", "LOAD", "TRUNCATE", "VALUES"}
)
_CREATE = re.compile(
    r"CREATE\s+(?:OR\s+REPLACE\s+|(?P<temp>TEMP(?:ORARY)?\s+)|UNLOGGED\s+|GLOBAL\s+|LOCAL\s+"
    r"|MATERIALIZED\s+|RECURSIVE\s+|FOREIGN\s+|ALGORITHM\s*=\s*\w+\s+|DEFINER\s*=\s*\S+\s+"
    r"|SQL\s+SECURITY\s+\w+\s+)*(?P<obj>TABLE|VIEW|SCHEMA)\b",
    re.I,
)
_NESTED_CREATE = re.compile(r"\bCREATE\s+(?:TABLE|VIEW)\b", re.I)
_ALTER_TABLE = re.compile(r"ALTER\s+TABLE\b", re.I)
_ALTER_RELEVANT = re.compile(
    r"\b(?:ADD\b(?!\s+(?:CONSTRAINT|PRIMARY|FOREIGN|UNIQUE|INDEX|KEY|CHECK|FULLTEXT|SPATIAL|PARTITION"
    r"|EXCLUDE)\b)|DROP\b(?!\s+(?:CONSTRAINT|PRIMARY|FOREIGN|INDEX|KEY|CHECK|DEFAULT|PARTITION|IDENTITY"
    r"|EXPRESSION)\b)|RENAME\b|CHANGE\b|MODIFY\b|TYPE\b|COMMENT\b|NOT\s+NULL\b)",
    re.I,
)
_DROP = re.compile(r"DROP\s+(?:TEMPORARY\s+)?(?:MATERIALIZED\s+)?(?:TABLE|VIEW|SCHEMA)\b", re.I)
_RENAME = re.compile(r"RENAME\s+TABLES?\b", re.I)
_COMMENT_ON = re.compile(r"COMMENT\s+ON\s+(?:TABLE|COLUMN|VIEW|MATERIALIZED\s+VIEW)\b", re.I)


def classify(stmt: str) -> str:
    """The kind of a statement from its leading keywords (see `Statement`), without parsing it."""
    m = _FIRST_WORD.match(stmt)
    if m is None:
        return "other"
    word = m.group().upper()
    if word in _DATA_WORDS:
        return "data"
    if word == "CREATE":
        c = _CREATE.match(stmt)
        if c is None or c.group("temp"):
            return "other"
        if c.group("obj").upper() == "SCHEMA":
            return "ddl" if _NESTED_CREATE.search(stmt, c.end()) else "other"
        return "ddl"
    if word == "ALTER":
        a = _ALTER_TABLE.match(stmt)
        return "ddl" if a and _ALTER_RELEVANT.search(stmt, a.end()) else "other"
    if word == "DROP":
        return "ddl" if _DROP.match(stmt) else "other"
    if word == "RENAME":
        return "ddl" if _RENAME.match(stmt) else "other"
    if word == "COMMENT":
        return "ddl" if _COMMENT_ON.match(stmt) else "other"
    if word in ("GRANT", "REVOKE"):
        return "grant"
    return "other"


# --------------------------------------------------------------------------- text preparation


def decode_sql(data: bytes) -> tuple[str | None, str | None]:
    """Decode a SQL file: `(text, None)`, `(text, warning)` or `(None, reason)` for binary input.

    UTF-8 first (byte-order marks are dropped wherever they sit: some files carry one in the middle),
    then GB18030 (a superset of GBK, common for Chinese schemas), then latin-1, which never fails.
    """
    warning = None
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = data.decode("utf-16", errors="replace")
    elif b"\x00" in data:
        return None, "binary file, skipped"
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError:
                text = data.decode("latin-1")
                if re.search("[\x80-\x9f]", text):
                    warning = (
                        "warning: file is neither UTF-8 nor GB18030; read as latin-1, "
                        "some characters may be wrong"
                    )
    if "\ufeff" in text:
        text = text.replace("\ufeff", "")
    if "\ufffd" in text and warning is None:
        warning = "warning: undecodable bytes replaced with U+FFFD"
    return text, warning


_TPL_GO_SCHEMA = re.compile(r"\{\{[^\n]{0,300}?\}\}\s*\.(?=\s*[\"`\[\w])")
# Starts with a literal `@` so that the regex engine can jump between candidates (e-mail addresses
# in INSERT data make this pass run over whole dumps).
_TPL_AT_SCHEMA = re.compile(r"@(?<![\w@'\".]@)[A-Za-z_]\w*\s*\.(?=\s*[\"`\[A-Za-z_])")
# Each pattern starts with a literal so that the regex engine skips ahead with a fast string search.
_TPL_DOLLAR = re.compile(r"\$\{[^}\n]{0,200}\}")
_TPL_BRACE = re.compile(r"\{(?:\{[^\n]{0,300}?\}\}|%[^\n]{0,500}?%\}|#[^\n]{0,500}?#\})")


def neutralise_templates(text: str) -> str:
    """Replace template placeholders so that the SQL around them still parses.

    A placeholder used as a schema qualifier (Go `{{ index .Options "Namespace" }}.users`, SqlRender
    `@cdmDatabaseSchema.person`) is dropped, leaving an unqualified name; any other placeholder
    (`${fineract.tenant.password}`, Jinja `{{ ref('x') }}`) becomes the identifier `__tpl__`. Line
    breaks are kept so that line numbers stay true.
    """
    if "{" in text:
        if "{{" in text:
            text = _TPL_GO_SCHEMA.sub(lambda m: "\n" * m.group().count("\n"), text)
        text = _TPL_DOLLAR.sub("__tpl__", text)
        text = _TPL_BRACE.sub(lambda m: "__tpl__" + "\n" * m.group().count("\n"), text)
    if "@" in text:
        text = _TPL_AT_SCHEMA.sub(lambda m: "\n" * m.group().count("\n"), text)
    return text


_MYSQL_COND = re.compile(r"/\*!(\d{5,6})?(.*?)\*/", re.S)


def unwrap_mysql_conditionals(text: str) -> str:
    """Turn MySQL `/*!40101 ... */` executable comments into plain SQL, keeping every offset.

    mysqldump wraps views (`/*!50001 CREATE ... VIEW */`) and session settings in them.
    """
    if "/*!" not in text:
        return text

    def repl(m: re.Match[str]) -> str:
        head = 3 + len(m.group(1) or "")
        return " " * head + m.group(2) + "  "

    return _MYSQL_COND.sub(repl, text)


# Plain substrings of the lower-cased head: str.count is an order of magnitude faster than a regex,
# and this runs on every file, so the list is kept to the most telling hints.
_MYSQL_HINTS = ("`", "engine", "auto_increment", " comment '", "unsigned", "/*!", "charset")  # fmt: skip
_PG_HINTS = (
    "::", "comment on ", "$$", "serial", "create schema", "owner to", "search_path", "character varying",
    "time zone", "\n\\",
)  # fmt: skip
_SQLITE_HINTS = ("autoincrement", "pragma ", "without rowid")


def detect_dialect(text: str) -> str | None:
    """Guess `mysql`, `postgres` or `sqlite` from tell-tale syntax; None when nothing tells.

    Only the head of the file is read (4 KiB, or 64 KiB when that is not decisive): a dump's DDL
    comes before its data, and this runs on every file of a scan.
    """
    for window in (4096, 65536):
        count = text[:window].lower().count
        my = sum(map(count, _MYSQL_HINTS))
        pg = sum(map(count, _PG_HINTS))
        lite = sum(map(count, _SQLITE_HINTS))
        if lite > my and lite > pg:
            return "sqlite"
        if my > pg:
            return "mysql"
        if pg > my:
            return "postgres"
        if len(text) <= window:
            break
    return None


# --------------------------------------------------------------------------- file order

_FLYWAY = re.compile(r"^([VvRrUu])(\d+(?:[._]\d+)*)__(.*)$")
_NUMBERED = re.compile(r"^(\d+)(?:[._](\d+))*[_\-.](.*)$")
_DIGITS = re.compile(r"(\d+)")


def _natural(s: str) -> tuple[str | int, ...]:
    parts = _DIGITS.split(s.lower())
    return tuple(int(p) if i % 2 else p for i, p in enumerate(parts))


def version_key(name: str) -> tuple[object, ...]:
    """Sort key of a migration file name: versioned files by version, repeatable (`R__`) ones last.

    Flyway `V1__a` < `V1_2__b` == `V1.2__b` < `V9__c` < `V10__d`; numbered `001_init`, timestamps
    `20240802193726_x.up.sql`; anything else in natural order between the two.

    >>> sorted(["V10__b.sql", "V9__a.sql", "R__v.sql", "V1_2__c.sql"], key=version_key)
    ['V1_2__c.sql', 'V9__a.sql', 'V10__b.sql', 'R__v.sql']
    """
    m = _FLYWAY.match(name)
    if m:
        prefix = m.group(1).upper()
        if prefix == "R":
            return (2, (), _natural(m.group(3)))
        numbers = tuple(int(p) for p in re.split(r"[._]", m.group(2)))
        return (0, numbers, _natural(m.group(3)))
    m = _NUMBERED.match(name)
    if m:
        numbers = tuple(int(p) for p in re.findall(r"\d+", name[: m.start(3)]))
        return (0, numbers, _natural(m.group(3)))
    return (1, (), _natural(name))


def _is_versioned(name: str) -> bool:
    return version_key(name)[0] != 1


_FLYWAY_UNDO = re.compile(r"u\d+(?:[._]\d+)*__")


def _is_skipped(name: str) -> bool:
    """Down migrations undo the up files; Flyway `U` files are undo migrations too."""
    lower = name.lower()
    parts = lower.split(".")
    return "down" in parts[1:] or _FLYWAY_UNDO.match(lower) is not None


_SQLISH = re.compile(r"\b(?:CREATE|ALTER|INSERT|UPDATE|DELETE|DROP|GRANT|SELECT|SET)\b", re.I)


def _looks_like_sql(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    return b"\x00" not in head and bool(_SQLISH.search(head.decode("latin-1")))


def _dir_files(root: Path) -> list[Path]:
    found: list[tuple[tuple[object, ...], Path]] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        folder = Path(dirpath)
        rel = tuple(_natural(p) for p in folder.relative_to(root).parts)  # once per folder
        for name in filenames:
            if name.startswith(".") or _is_skipped(name):
                continue
            path = folder / name
            if name.lower().endswith(".sql"):
                pass
            elif "." not in name and _is_versioned(name) and _looks_like_sql(path):
                pass  # e.g. Flyway files that lost their extension
            else:
                continue
            key = (rel, version_key(name))
            found.append((key, path))
    found.sort(key=lambda kp: kp[0])
    return [p for _, p in found]


def collect_sql_files(paths: Sequence[str | os.PathLike[str]]) -> tuple[list[Path], list[str]]:
    """Expand files and folders into the replay order; also return the paths that do not exist.

    Folders are walked recursively and sorted by (sub-folder, version); a run of file arguments that
    are all versioned migrations is sorted by (folder, version) too (a shell glob sorts `V10` before
    `V9`); other file arguments keep the order they were given in.
    """
    if isinstance(paths, (str, os.PathLike)):  # one path given where a list was expected
        paths = [paths]
    files: list[Path] = []
    missing: list[str] = []
    run: list[Path] = []

    def flush() -> None:
        if run and all(_is_versioned(p.name) for p in run):
            run.sort(key=lambda p: (_natural(str(p.parent)), version_key(p.name)))
        files.extend(run)
        run.clear()

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            flush()
            files.extend(_dir_files(path))
        elif path.is_file():
            run.append(path)
        else:
            flush()
            missing.append(str(raw))
    flush()
    return files, missing
