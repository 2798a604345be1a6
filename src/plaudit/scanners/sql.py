"""Static SQL scanner: replay DDL files and migration folders into one `SchemaModel`.

`sqlsplit` cuts each file into statements without parsing (data is skipped for the price of a regex
pass); only the statements that change the schema are handed to sqlglot, one at a time, and replayed
in order: CREATE/ALTER/DROP/RENAME TABLE, CREATE VIEW, COMMENT ON, GRANT/REVOKE. A statement that
does not parse becomes a `ScanError` with its file and line, and the scan goes on (SPEC §9).

>>> model = scan_text("CREATE TABLE customer (id_no varchar(18) NOT NULL COMMENT '身份证号');")
>>> col = model.get(None, "customer").columns["id_no"]
>>> (col.type, col.comment, col.nullable, col.location.line)
('varchar(18)', '身份证号', False, 1)
"""

from __future__ import annotations

import contextlib
import functools
import gc
import re
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from os import PathLike
from pathlib import Path

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import SqlglotError
from sqlglot.parser import Parser
from sqlglot.tokens import Token, Tokenizer

from plaudit.model import Column, Grant, Location, Operation, ScanError, SchemaModel, Table
from plaudit.scanners import operations as ops
from plaudit.scanners import quiet_logger
from plaudit.scanners.sqlsplit import (
    Statement,
    collect_sql_files,
    decode_sql,
    detect_dialect,
    neutralise_templates,
    split_statements,
    unwrap_mysql_conditionals,
    version_key,
)

__all__ = ["Statement", "iter_sql_files", "scan_paths", "scan_text", "split_statements", "version_key"]

DIALECTS = ("mysql", "postgres", "sqlite")
#: Tried in this order, statement by statement, when a file gives no hint of its dialect.
FALLBACK_DIALECTS = ("postgres", "mysql")

_DIALECT_CACHE: dict[str, Dialect] = {}
# A tokenizer and a parser per dialect and thread, reused: building them for every statement (what
# `Dialect.parse` does) costs about a tenth of parsing a typical CREATE TABLE.
_LOCAL = threading.local()


def _dialect(name: str) -> Dialect:
    d = _DIALECT_CACHE.get(name)
    if d is None:
        d = _DIALECT_CACHE[name] = Dialect.get_or_raise(name)
    return d


def _engines(dialect: str) -> tuple[Tokenizer, Parser]:
    cache: dict[str, tuple[Tokenizer, Parser]] | None = getattr(_LOCAL, "engines", None)
    if cache is None:
        cache = _LOCAL.engines = {}
    pair = cache.get(dialect)
    if pair is None:
        d = _dialect(dialect)
        pair = cache[dialect] = (d.tokenizer(), d.parser())
    return pair


def _parse(sql: str, dialect: str) -> exp.Expr | None:
    """The one place that hands a statement to sqlglot (the benchmark records what goes through)."""
    tokenizer, parser = _engines(dialect)
    for node in parser.parse(tokenizer.tokenize(sql), sql):
        if node is not None:
            return node
    return None


def _tokenize(sql: str, dialect: str) -> list[Token]:
    return _engines(dialect)[0].tokenize(sql)


def _quiet_sqlglot() -> contextlib.AbstractContextManager[None]:
    # sqlglot logs a warning for every statement it keeps as an opaque Command; we report those
    # ourselves where they matter, so the log would only be noise.
    return quiet_logger("sqlglot")


#: Allocations between young-generation collections during a scan (CPython's default is 700).
_GC_YOUNG = 10_000
_GC_LOCK = threading.Lock()
_gc_scans = 0  # scans running now, in any thread
_gc_saved = (700, 10, 10)  # the thresholds to restore when the last of them ends


@contextlib.contextmanager
def _gc_tuned() -> Iterator[None]:
    """Collect garbage less often while a scan runs; the thresholds are restored afterwards.

    Each parsed statement leaves a tree of expressions that point to their parents (cycles that only
    the collector frees), and the model grows by thousands of long-lived objects. With the default
    threshold the young generation fills up in the middle of many trees, which then get promoted and
    examined again by the older generations along with what the model holds (about 20 ms of a
    0.6 s corpus scan). Collections still run and cyclic garbage is still freed, in larger batches.
    Nested and concurrent scans share one saved setting, restored when the last of them ends.
    """
    global _gc_scans, _gc_saved
    with _GC_LOCK:
        if _gc_scans == 0:
            _gc_saved = gc.get_threshold()
            if 0 < _gc_saved[0] < _GC_YOUNG:  # 0 means automatic collection is off: leave it so
                gc.set_threshold(_GC_YOUNG, _gc_saved[1], _gc_saved[2])
            # Everything alive before the scan (modules, sqlglot's tables, the caller's data) cannot
            # become garbage because of it: keep the older generations from walking it again and again.
            gc.freeze()
        _gc_scans += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _gc_scans -= 1
            if _gc_scans == 0:
                gc.set_threshold(*_gc_saved)
                gc.unfreeze()


# --------------------------------------------------------------------------- public API


def iter_sql_files(paths: Sequence[str | PathLike[str]]) -> list[Path]:
    """The SQL files under `paths`, in replay order (see `sqlsplit.collect_sql_files`).

    `*.sql` files, plus extension-less versioned migrations that look like SQL; `*.down.sql` and
    Flyway undo (`U1__x.sql`) files are left out. Paths that do not exist are left out too.
    """
    return collect_sql_files(paths)[0]


def scan_paths(paths: Sequence[str | PathLike[str]], dialect: str | None = None) -> SchemaModel:
    """Replay every SQL file under `paths` into one model; problems become `model.errors`.

    `dialect` is `mysql`, `postgres`, `sqlite` or None to detect it file by file.
    """
    if dialect is not None and dialect not in DIALECTS:
        raise ValueError(f"unknown SQL dialect {dialect!r}; expected one of {', '.join(DIALECTS)}")
    model = SchemaModel()
    files, missing = collect_sql_files(paths)
    for raw in missing:
        model.errors.append(ScanError(raw, "no such file or directory"))
    used: Counter[str] = Counter()
    names = _name_index(model)
    with _quiet_sqlglot(), _gc_tuned():
        for path in files:
            name = str(path)
            try:
                with open(name, "rb") as fh:  # what Path.read_bytes does, minus two layers of pathlib
                    data = fh.read()
            except OSError as err:
                model.errors.append(ScanError(name, f"cannot read file: {err.strerror or err}"))
                continue
            text, problem = decode_sql(data)
            if text is None:
                model.errors.append(ScanError(name, problem or "unreadable file"))
                continue
            if problem:
                model.errors.append(ScanError(name, problem))
            _Replayer(model, name, dialect, used, names).run(text)
    if used:
        model.dialect = used.most_common(1)[0][0]
    elif dialect is not None:
        model.dialect = dialect
    return model


def scan_text(
    text: str, path: str = "<string>", dialect: str | None = None, model: SchemaModel | None = None
) -> SchemaModel:
    """Replay one script into `model` (a new one by default) and return the model."""
    if dialect is not None and dialect not in DIALECTS:
        raise ValueError(f"unknown SQL dialect {dialect!r}; expected one of {', '.join(DIALECTS)}")
    if model is None:
        model = SchemaModel()
    used: Counter[str] = Counter()
    if "\ufeff" in text:
        text = text.replace("\ufeff", "")
    with _quiet_sqlglot():
        _Replayer(model, path, dialect, used).run(text)
    if model.dialect is None:
        model.dialect = used.most_common(1)[0][0] if used else dialect
    return model


# --------------------------------------------------------------------------- source-text helpers

_PARAMS = r"\s*\((?:[^()'\"]|'(?:[^']|'')*'|\"[^\"]*\"|\([^()]*\))*\)"
_TYPE_RE = re.compile(
    r"\s*((?:(?:national|long)\s+)?(?:\"[^\"]+\"|`[^`]+`|[^\W\d][\w$]*)(?:\.(?:\"[^\"]+\"|[^\W\d][\w$]*))?"
    rf"(?:{_PARAMS})?"
    r"(?:\s+(?:varying|precision|unsigned|signed|zerofill|with(?:out)?\s+(?:local\s+)?time\s+zone)\b"
    rf"(?:{_PARAMS})?)*"
    r"(?:\s*\[\s*\d*\s*\])*)",
    re.I,
)
_WS = re.compile(r"\s+")
_SPACE_PAREN = re.compile(r"\s*([(,])\s*|\s*(\))")


@functools.lru_cache(maxsize=4096)
def _normalise_type(raw: str) -> str:
    # Cached: the same few hundred spellings come back thousands of times in a corpus, and the two
    # substitutions cost more than the lookup.
    t = _WS.sub(" ", raw.strip().lower()).replace('"', "").replace("`", "")
    return _SPACE_PAREN.sub(lambda m: m.group(1) or m.group(2), t)


# `name(10)` or `name(10, 2)`, then a character that cannot continue a type: `character varying`,
# `double precision`, `int unsigned`, `time with time zone`, arrays, qualified names, quoted or
# spaced parameters all go to `_TYPE_RE`. Atomic and possessive so that a failing tail does not make
# the engine settle for a shorter word (`varcha` + `r(`): the match is the greedy one or nothing.
_SIMPLE_TYPE = re.compile(
    r"\s*+(?>([^\W\d]\w*+)(?:\s*+(\(\s*+\d++\s*+(?:,\s*+\d++\s*+)?\)))?+)\s*+(?![vVpPuUsSzZwW\[.(])"
)
# Results of the simple form keyed by the `_TYPE_WINDOW` characters at the position. A simple match
# reads nothing past the character after it (see `_type_after`), so when that character lies inside
# the window the window alone decides the result. Column types repeat a lot (`varchar(255) NOT N`):
# over the corpus about four lookups in five hit.
_TYPE_WINDOW = 16
_TYPE_CACHE: dict[str, str] = {}
_TYPE_CACHE_MAX = 8192


def _type_after(text: str, pos: int) -> str | None:
    """The column type written at `pos` (after the column name), lower-cased and without spaces."""
    key = text[pos : pos + _TYPE_WINDOW]
    found = _TYPE_CACHE.get(key)
    if found is not None:
        return found
    m = _SIMPLE_TYPE.match(text, pos)
    if m is not None:
        base, params = m.groups()
        found = base.lower() + params.replace(" ", "") if params else base.lower()
        # The regex examined text[pos : m.end() + 1] and nothing else: a failed attempt at the
        # parameters stops at the first character after the spaces, which is text[m.end()] unless it
        # is "(", and "(" rejects the whole match.
        if m.end() < pos + _TYPE_WINDOW:
            if len(_TYPE_CACHE) >= _TYPE_CACHE_MAX:
                _TYPE_CACHE.clear()
            _TYPE_CACHE[key] = found
        return found
    m = _TYPE_RE.match(text, pos)
    return _normalise_type(m.group(1)) if m else None


_NO_META: dict[str, int] = {}


def _line_of(ident: exp.Expr | None, base: int) -> int:
    if ident is not None:
        rel = ident.meta.get("line")
        if rel:
            return base + int(rel) - 1
    return base


def _literal(node: exp.Expr | None) -> str | None:
    if node is None or isinstance(node, exp.Null):
        return None
    if isinstance(node, exp.Literal):
        return str(node.this)
    return node.sql()


def _error_text(err: SqlglotError) -> tuple[str, int | None]:
    """A one-line reason and the statement-relative line from a sqlglot error."""
    details = getattr(err, "errors", None)
    if details:
        first = details[0]
        reason = str(first.get("description") or "syntax error").rstrip(".")
        near = str(first.get("highlight") or "").strip()
        if near:
            reason += f" near {near[:40]!r}"
        line = first.get("line")
        return reason, int(line) if line else None
    msg = str(err).splitlines()[0] if str(err) else type(err).__name__
    if msg.startswith("Error tokenizing"):
        msg = "unterminated string, quoted name or comment"
    return msg[:160], None


_HEAD_WORDS = re.compile(r"\s*(\w+)(?:\s+(\w+))?")


def _what(stmt: str) -> str:
    m = _HEAD_WORDS.match(stmt)
    if not m:
        return "statement"
    first, second = m.groups()
    return f"{first} {second}".upper() if second else first.upper()


_NAME_PART = r"(?:`(?:[^`]|``)+`|\"(?:[^\"]|\"\")+\"|[\w$]+)"
_QNAME = rf"{_NAME_PART}(?:\s*\.\s*{_NAME_PART})?"
_RENAME_PAIR = re.compile(rf"({_QNAME})\s+TO\s+({_QNAME})", re.I)
_AS_WORD = re.compile(r"\bAS\b", re.I)
_FIRST_WORD = re.compile(r"[A-Za-z_]+")
# `CREATE SCHEMA`, whatever comes between: its nested CREATE TABLE / VIEW elements are replayed one by one.
_CREATE_SCHEMA = re.compile(r"\s*CREATE\s+\w*SCHEMA", re.I)
_EXPORT_WORDS = frozenset({"COPY", "\\COPY", "SELECT", "WITH", "UNLOAD", "EXPORT"})
_SCHEMA_HEAD = re.compile(
    rf"CREATE\s+SCHEMA\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:AUTHORIZATION\s+({_NAME_PART})|({_NAME_PART}))"
    rf"(?:\s+AUTHORIZATION\s+{_NAME_PART})?",
    re.I,
)
# The elements of a CREATE SCHEMA start at a CREATE outside parentheses, strings and comments.
_SCHEMA_PARTS = re.compile(r"'(?:[^']|'')*'|\"[^\"]*\"|--[^\n]*|/\*.*?\*/|[()]|\bCREATE\b", re.I | re.S)
_ALTER_ADD_GROUP = re.compile(
    rf"\s*ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?({_QNAME})\s+ADD\s+(?:COLUMN\s+)?\(", re.I
)
# Length-preserving rewrites of syntax sqlglot does not know, tried when a statement fails, so that
# offsets (lines, column types) still point into the original text.
_REPAIRS = (
    (
        re.compile(r"(\bGENERATED\b[^;]*?\))(\s*)VIRTUAL\b", re.I | re.S),
        lambda m: m.group(1) + m.group(2) + "STORED ",
    ),
    (re.compile(r"\bWITH\s+(?:NO\s+)?DATA\s*$", re.I), lambda m: " " * len(m.group())),
)


def _repair(sql: str) -> str:
    for pattern, fix in _REPAIRS:
        sql = pattern.sub(fix, sql)
    return sql


def _name_index(model: SchemaModel) -> dict[str, set[tuple[str, str]]]:
    names: dict[str, set[tuple[str, str]]] = {}
    for key in model.tables:
        names.setdefault(key[1], set()).add(key)
    return names


def _split_qname(raw: str) -> tuple[str | None, str]:
    parts = [p.strip() for p in re.findall(_NAME_PART, raw)]
    parts = [p[1:-1] if p[:1] in '`"' else p for p in parts]
    return (parts[-2] if len(parts) > 1 else None), parts[-1]


# --------------------------------------------------------------------------- replay


class _Replayer:
    """Replays the statements of one file into a model."""

    def __init__(
        self,
        model: SchemaModel,
        path: str,
        dialect: str | None,
        used: Counter[str],
        names: dict[str, set[tuple[str, str]]] | None = None,
    ) -> None:
        self.model = model
        # Keys of `model.tables` by lower-cased table name, so that `find` does not walk every table
        # for each unqualified name (DROP TABLE IF EXISTS before each CREATE made that quadratic).
        # Shared by the replayers of one scan; kept in step by `add` and `remove`, the only writers.
        self.names = _name_index(model) if names is None else names
        self.path = path
        self.forced = dialect
        self.dialect: str | None = dialect
        self.used = used
        self.locations: dict[int, Location] = {}
        self.text = ""
        self.lines: list[str] | None = None  # the file's lines, split only when an annotation is looked up
        self.annotated = False
        self.unique: list[str] = []  # columns declared UNIQUE inline by the last `column()` calls

    # ----------------------------------------------------------------- driver

    def run(self, text: str) -> None:
        text = neutralise_templates(text)
        if self.forced is None:
            self.dialect = detect_dialect(text)
        if self.dialect == "mysql":
            text = unwrap_mysql_conditionals(text)
        self.text, self.lines = text, None
        # Approvals are comments addressed to plaudit; most files have none, and then no statement needs
        # the file split into lines to look for one.
        self.annotated = "plaudit" in text or "PLAUDIT" in text or "Plaudit" in text
        try:
            for st in split_statements(text, self.dialect):
                kind = st.kind
                if kind == "ddl" or kind == "grant":
                    self.statement(st)
                    if kind == "ddl" and st.text[:1] in "aA":
                        self.alter_keys(st)
                elif kind == "data" and st.text[:1] in "iIrR":
                    # Dumps hold thousands of `INSERT … VALUES`: rule them out before any call or match.
                    if ops.may_insert_select(st.text):
                        self.insert_select(st)
                elif kind == "data" or kind == "other" or kind == "psql":
                    self.operation(st)
        except Exception as err:  # never let one odd file end the scan
            self.error(f"internal error while scanning this file: {type(err).__name__}: {err}", None)

    def error(self, message: str, line: int | None) -> None:
        self.model.errors.append(ScanError(self.path, message, line))

    def statement(self, st: Statement) -> None:
        if st.kind == "grant":
            self.grant(st)
            return
        text = st.text
        # The head words are read only for the two statements dispatched on them and for error messages:
        # this runs for every schema statement of a scan.
        first = text[:1]
        if first in "rR" and _what(text).startswith("RENAME"):
            self.rename_tables(st)
            return
        if first in "cC" and _CREATE_SCHEMA.match(text):
            self.create_schema(st)
            return
        node = self.parse(text, st.line)
        if node is not None:
            self.apply(node, st.text, st.line, None)

    def parse(self, sql: str, line: int) -> exp.Expr | None:
        """Parse with the file's dialect (or the fallbacks); report failures; None if unusable."""
        node, err = self.try_parse(sql)
        if node is None or isinstance(node, exp.Command):
            head = _what(sql)
            repaired = _repair(sql)
            if repaired != sql:
                fixed, _ = self.try_parse(repaired)
                if fixed is not None and not isinstance(fixed, exp.Command):
                    return fixed
            if head == "ALTER TABLE" and self.alter_add_group(sql, line):
                return None
        if node is None:
            if err is not None:
                reason, rel = _error_text(err)
                self.error(f"could not parse {head}: {reason}; statement skipped", line + (rel or 1) - 1)
            return None
        if isinstance(node, exp.Command):
            self.error(f"unsupported {head} syntax, statement skipped", line)
            return None
        return node

    def try_parse(self, sql: str) -> tuple[exp.Expr | None, SqlglotError | None]:
        candidates = (self.dialect,) if self.dialect else FALLBACK_DIALECTS
        first_err: SqlglotError | None = None
        node: exp.Expr | None = None
        for d in candidates:
            assert d is not None
            try:
                node = _parse(sql, d)
            except SqlglotError as err:
                first_err = first_err or err
                continue
            except Exception as err:  # a crash inside the parser must not end the scan
                return None, SqlglotError(f"sqlglot failed ({type(err).__name__})")
            if isinstance(node, exp.Command) and d != candidates[-1]:
                continue
            self.used[d] += 1
            return node, None
        return node, first_err

    def alter_add_group(self, sql: str, line: int) -> bool:
        """MySQL `ALTER TABLE t ADD [COLUMN] (a int, b text)`, which sqlglot does not parse.

        The column list is re-parsed as the body of a CREATE TABLE written over the same offsets, so
        that lines and types still point into the original text.
        """
        m = _ALTER_ADD_GROUP.match(sql)
        if m is None:
            return False
        open_at = m.end() - 1
        depth, close_at = 0, -1
        for i in range(open_at, len(sql)):
            if sql[i] == "(":
                depth += 1
            elif sql[i] == ")":
                depth -= 1
                if depth == 0:
                    close_at = i
                    break
        if close_at < 0:
            return False
        prefix = re.sub(r"[^\n]", " ", sql[:open_at])
        head = "CREATE TABLE _t "
        first_line = prefix.split("\n", 1)[0]
        # The CREATE head overwrites the ALTER head; when it does not fit on that line, lines shift.
        prefix = head if len(first_line) < len(head) else head + prefix[len(head) :]
        node, _ = self.try_parse(prefix + sql[open_at : close_at + 1])
        if not isinstance(node, exp.Create) or not isinstance(node.this, exp.Schema):
            return False
        schema, name = _split_qname(m.group(1))
        alter = exp.Alter(
            this=exp.Table(this=exp.to_identifier(name), db=exp.to_identifier(schema) if schema else None),
            kind="TABLE",
            actions=[e for e in node.this.expressions if isinstance(e, exp.ColumnDef)],
        )
        self.alter(alter, prefix + sql[open_at:], line)
        return True

    def apply(self, node: exp.Expr, text: str, line: int, default_schema: str | None) -> None:
        if isinstance(node, exp.Create):
            kind = str(node.args.get("kind") or "").upper()
            if kind == "TABLE":
                self.create_table(node, text, line, default_schema)
            elif kind == "VIEW":
                self.create_view(node, text, line, default_schema)
        elif isinstance(node, exp.Alter):
            self.alter(node, text, line)
        elif isinstance(node, exp.Drop):
            self.drop(node, text, line)
        elif isinstance(node, exp.Comment):
            self.comment(node)

    # ----------------------------------------------------------------- lookups

    def find(self, schema: str | None, name: str) -> Table | None:
        """A table by name, tolerating a missing or extra schema qualifier when it is unambiguous."""
        table = self.model.get(schema, name)
        if table is not None:
            return table
        if schema:
            return self.model.get(None, name)
        keys = self.names.get(name.lower())
        if keys is not None and len(keys) == 1:
            return self.model.tables.get(next(iter(keys)))
        return None

    def add(self, table: Table) -> None:
        self.model.add(table)
        key = self.model.key(table.schema, table.name)
        self.names.setdefault(key[1], set()).add(key)

    def remove(self, key: tuple[str, str]) -> None:
        if self.model.tables.pop(key, None) is not None:
            self.names[key[1]].discard(key)

    def loc(self, line: int) -> Location:
        found = self.locations.get(line)
        if found is None:
            found = self.locations[line] = Location(self.path, line)
        return found

    # ----------------------------------------------------------------- CREATE TABLE / VIEW / SCHEMA

    def column(self, cd: exp.ColumnDef, text: str, line: int) -> Column:
        # Runs for every column definition of the corpus (the hottest replay code): args are read
        # once, and the type comes from the source text (see `_type_after`), not from `.sql()`.
        args = cd.args
        ident = args.get("this")
        if isinstance(ident, exp.Identifier):
            name, meta = ident.this, ident.meta
        else:
            name, meta = cd.name, _NO_META
        kind = args.get("kind")
        typ = ""
        if kind is not None:
            end = meta.get("end")
            found = _type_after(text, end + 1) if end is not None else None
            typ = found or _normalise_type(kind.sql(dialect=self.dialect or "postgres"))
        rel = meta.get("line")
        col = Column(name, typ, None, True, self.loc(line + rel - 1 if rel else line))
        for cons in args.get("constraints") or ():
            k = cons.args.get("kind")
            t = type(k)
            if t is exp.NotNullColumnConstraint:
                col.nullable = bool(k.args.get("allow_null"))
            elif t is exp.PrimaryKeyColumnConstraint:
                col.nullable = False
                self.unique.append(col.name)
            elif t is exp.CommentColumnConstraint:
                col.comment = _literal(k.this)
            elif t is exp.UniqueColumnConstraint:
                self.unique.append(col.name)
        return col

    def create_table(self, node: exp.Create, text: str, line: int, default_schema: str | None) -> None:
        target = node.this
        body = target if isinstance(target, exp.Schema) else None
        tbl = body.this if body is not None else target
        if not isinstance(tbl, exp.Table) or not tbl.name:
            return
        schema = tbl.db or default_schema or None
        if node.args.get("exists") and self.model.get(schema, tbl.name) is not None:
            return
        table = Table(name=tbl.name, schema=schema, location=self.loc(line))
        props = node.args.get("properties")
        for prop in props.expressions if props is not None else ():
            if isinstance(prop, exp.SchemaCommentProperty):
                table.comment = _literal(prop.this)
            elif isinstance(prop, (exp.LikeProperty, exp.PartitionedOfProperty)):
                self.copy_columns(prop.this, table, line)
        pk: list[str] = []
        self.unique = []
        keys = table.keys
        loc = table.location
        for item in body.expressions if body is not None else ():
            if isinstance(item, exp.ColumnDef):
                col = self.column(item, text, line)
                table.columns[col.name.lower()] = col
            elif isinstance(item, exp.LikeProperty):
                self.copy_columns(item.this, table, line)
            elif isinstance(item, (exp.PrimaryKey, exp.Constraint)):
                for key in [item] if isinstance(item, exp.PrimaryKey) else item.expressions:
                    if isinstance(key, exp.UniqueColumnConstraint):
                        keys.append((_key_names(key.this), True, loc))
                    if not isinstance(key, exp.PrimaryKey):
                        continue
                    for part in key.expressions:
                        ident = part if isinstance(part, exp.Identifier) else part.find(exp.Identifier)
                        if ident is not None:
                            pk.append(ident.name.lower())
            elif isinstance(item, exp.UniqueColumnConstraint):
                keys.append((_key_names(item.this), True, loc))
            elif isinstance(item, exp.IndexColumnConstraint):
                keys.append((_key_names(item), False, loc))
        for name in pk:
            if name in table.columns:
                table.columns[name].nullable = False
        query = node.expression
        if isinstance(query, exp.Query) and not table.columns:
            for col in self.projected_columns(query, line, schema):
                table.columns.setdefault(col.name.lower(), col)
        self.add(table)
        self.recreated(table)
        if pk:
            keys.append((tuple(pk), True, loc))
        for name in self.unique:
            keys.append(((name,), True, loc))
        if isinstance(query, exp.Query):
            source = self.view_source(text, tbl)
            if source:
                self.record_copy(table.schema, table.name, source, "CREATE TABLE AS", line)

    def copy_columns(self, source: exp.Expr | None, table: Table, line: int) -> None:
        if not isinstance(source, exp.Table):
            return
        src = self.find(source.db or None, source.name)
        if src is None:
            return
        for key, col in src.columns.items():
            table.columns[key] = Column(col.name, col.type, col.comment, col.nullable, self.loc(line))

    def projected_columns(self, query: exp.Query, line: int, default_schema: str | None) -> list[Column]:
        """Output columns of a query, with type and comment when they come straight from a known table."""
        select = query
        while isinstance(select, exp.SetOperation):
            select = select.this
        if not isinstance(select, exp.Select):
            return []
        sources: dict[str, Table] = {}
        order: list[Table] = []
        from_ = select.args.get("from_") or select.args.get("from")
        refs = [from_.this] if from_ is not None else []
        refs += [j.this for j in select.args.get("joins") or ()]
        for ref in refs:
            if isinstance(ref, exp.Table) and ref.name:
                found = self.find(ref.db or default_schema or None, ref.name)
                if found is not None:
                    sources[ref.alias_or_name.lower()] = found
                    order.append(found)
        out: list[Column] = []

        def copy(src: Column, name: str | None = None) -> None:
            out.append(Column(name or src.name, src.type, src.comment, src.nullable, self.loc(line)))

        for proj in select.expressions:
            if isinstance(proj, exp.Star):
                for t in order:
                    for c in t.columns.values():
                        copy(c)
                continue
            inner = proj.this if isinstance(proj, exp.Alias) else proj
            if isinstance(inner, exp.Column) and isinstance(inner.this, exp.Star):
                star_of = sources.get(inner.table.lower())
                for c in star_of.columns.values() if star_of is not None else ():
                    copy(c)
                continue
            name = proj.alias_or_name
            if not name:
                continue
            src_col = None
            if isinstance(inner, exp.Column):
                cands = [sources[inner.table.lower()]] if inner.table.lower() in sources else order
                for t in cands:
                    src_col = t.columns.get(inner.name.lower())
                    if src_col is not None:
                        break
            if src_col is not None:
                copy(src_col, name)
            else:
                out.append(Column(name, location=self.loc(line)))
        return out

    def create_view(self, node: exp.Create, text: str, line: int, default_schema: str | None) -> None:
        target = node.this
        names: list[str] = []
        if isinstance(target, exp.Schema):
            names = [e.name for e in target.expressions if e.name]
            target = target.this
        if not isinstance(target, exp.Table) or not target.name:
            return
        schema = target.db or default_schema or None
        query = node.expression
        view = Table(name=target.name, schema=schema, kind="view", location=self.loc(line))
        if isinstance(query, exp.Query):
            cols = self.projected_columns(query, line, schema)
            if names:  # CREATE VIEW v (a, b) AS ...: the list renames the projections in order
                cols = [
                    Column(n, cols[i].type, cols[i].comment, cols[i].nullable, self.loc(line))
                    if i < len(cols)
                    else Column(n, location=self.loc(line))
                    for i, n in enumerate(names)
                ]
            for c in cols:
                view.columns.setdefault(c.name.lower(), c)
            view.view_sql = self.view_source(text, target) or query.sql(dialect=self.dialect or "postgres")
        self.add(view)

    @staticmethod
    def view_source(text: str, target: exp.Table) -> str | None:
        """The query of a CREATE VIEW as written: the text after the first AS that follows the name."""
        end = target.this.meta.get("end") if isinstance(target.this, exp.Identifier) else None
        if end is None:
            return None
        m = _AS_WORD.search(text, int(end) + 1)
        return text[m.end() :].strip() if m else None

    def create_schema(self, st: Statement) -> None:
        """PostgreSQL `CREATE SCHEMA s CREATE TABLE a (...) CREATE VIEW ...`: one statement per element."""
        text = st.text
        head = _SCHEMA_HEAD.match(text)
        if head is None:
            self.error("could not parse CREATE SCHEMA; statement skipped", st.line)
            return
        schema = _split_qname(head.group(1) or head.group(2))[1]
        depth = 0
        starts: list[int] = []
        for m in _SCHEMA_PARTS.finditer(text, head.end()):
            tok = m.group()
            if tok == "(":
                depth += 1
            elif tok == ")":
                depth -= 1
            elif depth == 0 and tok[:1] in "cC":
                starts.append(m.start())
        for i, start in enumerate(starts):
            stop = starts[i + 1] if i + 1 < len(starts) else len(text)
            sub = text[start:stop]
            line = st.line + text.count("\n", 0, start)
            node = self.parse(sub, line)
            if node is not None:
                self.apply(node, sub, line, schema)

    # ----------------------------------------------------------------- ALTER / DROP / RENAME / COMMENT

    def alter(self, node: exp.Alter, text: str, line: int) -> None:
        if str(node.args.get("kind") or "TABLE").upper() != "TABLE":
            return
        tbl = node.this
        if not isinstance(tbl, exp.Table):
            return
        schema = tbl.db or None
        table = self.find(schema, tbl.name)
        if table is None and node.args.get("exists"):
            return
        for opt in node.args.get("options") or ():
            if isinstance(opt, exp.SchemaCommentProperty) and table is not None:
                table.comment = _literal(opt.this)
        for action in node.args.get("actions") or ():
            if isinstance(action, exp.ColumnDef):
                if table is None:
                    # Migrations may alter a table created before the files we were given.
                    table = Table(name=tbl.name, schema=schema, location=self.loc(line))
                    self.add(table)
                if action.args.get("exists") and action.name.lower() in table.columns:
                    continue
                self.unique = []
                col = self.column(action, text, line)
                _put_column(table, col, None, action.args.get("position"))
                for name in self.unique:
                    table.keys.append(((name,), True, self.loc(line)))
            elif table is None:
                continue
            elif isinstance(action, exp.ModifyColumn):
                cd = action.this
                if isinstance(cd, exp.ColumnDef):
                    old = action.args.get("rename_from")
                    if old is not None and old.name.lower() != cd.name.lower():
                        self.tombstone(table, old.name, line)
                    col = self.column(cd, text, line)
                    _put_column(table, col, old.name if old is not None else cd.name, cd.args.get("position"))
            elif isinstance(action, exp.Drop):
                if str(action.args.get("kind") or "COLUMN").upper() == "COLUMN":
                    for dropped in action.args.get("tables") or ():
                        if table.columns.pop(dropped.name.lower(), None) is not None:
                            self.tombstone(table, dropped.name, line)
            elif isinstance(action, exp.RenameColumn):
                old_name, new = action.this, action.args.get("to")
                current = table.columns.get(old_name.name.lower()) if old_name is not None else None
                if current is not None and new is not None:
                    self.tombstone(table, old_name.name, line)
                    # Under its new name the column is declared here: a pre-merge check points at the
                    # rename, which is what left the catalog behind.
                    renamed = Column(
                        new.name, current.type, current.comment, current.nullable, self.loc(line)
                    )
                    _put_column(table, renamed, current.name, None)
            elif isinstance(action, exp.AlterColumn):
                self.alter_column(table, action, text)
            elif isinstance(action, exp.AlterRename):
                self.rename(table, action.this, line)

    def alter_column(self, table: Table, action: exp.AlterColumn, text: str) -> None:
        col = table.columns.get(action.name.lower())
        if col is None:
            return
        dtype = action.args.get("dtype")
        if dtype is not None:
            m = re.search(r"\bTYPE\b", text[int(action.this.meta.get("end", 0)) :], re.I)
            start = int(action.this.meta.get("end", 0)) + (m.end() if m else 0)
            found = _type_after(text, start) if m else None
            col.type = found or _normalise_type(dtype.sql(dialect=self.dialect or "postgres"))
        if "allow_null" in action.args and action.args["allow_null"] is not None:
            col.nullable = bool(action.args["allow_null"])
        if action.args.get("comment") is not None:
            col.comment = _literal(action.args["comment"])

    def rename(self, table: Table, new: exp.Expr | None, line: int | None = None) -> None:
        if not isinstance(new, exp.Table) or not new.name:
            return
        if line is not None:
            self.tombstone(table, "", line)
        self.remove(self.model.key(table.schema, table.name))
        table.name = new.name
        if new.db:
            table.schema = new.db
        self.add(table)

    def rename_tables(self, st: Statement) -> None:
        """MySQL `RENAME TABLE a TO b, c TO d` (sqlglot keeps it as an opaque command)."""
        pairs = list(_RENAME_PAIR.finditer(st.text))
        if not pairs:
            self.error("could not parse RENAME TABLE; statement skipped", st.line)
        for m in pairs:
            table = self.find(*_split_qname(m.group(1)))
            if table is not None:
                schema, name = _split_qname(m.group(2))
                new = exp.Table(this=exp.to_identifier(name), db=exp.to_identifier(schema))
                self.rename(table, new, st.line)

    def drop(self, node: exp.Drop, text: str, line: int) -> None:
        kind = str(node.args.get("kind") or "").upper()
        for tbl in node.args.get("tables") or ():
            if not isinstance(tbl, exp.Table):
                continue
            if kind == "SCHEMA":
                gone = (tbl.db or tbl.name).lower()
                for key in [k for k in self.model.tables if k[0] == gone]:
                    self.record_drop(self.model.tables[key], text, line)
                    self.remove(key)
            elif kind in ("TABLE", "VIEW"):
                table = self.find(tbl.db or None, tbl.name)
                if table is not None:
                    self.record_drop(table, text, line)
                    self.remove(self.model.key(table.schema, table.name))

    def tombstone(self, table: Table, column: str, line: int) -> None:
        key = self.model.key(table.schema, table.name)
        self.model.removed[(key[0], key[1], column.lower())] = self.loc(line)

    def recreated(self, table: Table) -> None:
        """`DROP TABLE IF EXISTS t; CREATE TABLE t (...)` in one file is how dumps and schema scripts
        (re)build a table, not a migration that destroys its records: the drop is not judged."""
        ops = self.model.operations
        for i in range(len(ops) - 1, max(len(ops) - 8, -1), -1):
            op = ops[i]
            if (
                op.op == "drop"
                and op.location is not None
                and op.location.path == self.path
                and op.table.lower() == table.name.lower()
                and (op.schema or "").lower() == (table.schema or "").lower()
            ):
                del ops[i]
                return

    def record_drop(self, table: Table, text: str, line: int) -> None:
        self.tombstone(table, "", line)
        if table.kind == "table":
            self.model.operations.append(
                Operation(
                    "drop",
                    table.name,
                    table.schema,
                    columns=tuple(c.name for c in table.columns.values()),
                    approval=self.approval(text, line),
                    location=self.loc(line),
                )
            )

    # ----------------------------------------------------------------- operations (migration rules)

    def approval(self, text: str, line: int) -> str | None:
        if not self.annotated:
            return None
        if self.lines is None:
            self.lines = self.text.split("\n")
        return ops.approval(text, self.lines, line)

    def record_index(
        self, schema: str | None, name: str, columns: tuple[str, ...], unique: bool, line: int
    ) -> None:
        table = self.find(schema, name)
        if table is not None and columns:  # an index on a table the scan does not know judges nothing
            table.keys.append((columns, unique, self.loc(line)))

    def alter_keys(self, st: Statement) -> None:
        """`ALTER TABLE … ADD UNIQUE / INDEX / KEY / PRIMARY KEY (…)`, whatever else the statement does."""
        for found in ops.alter_indexes(st.text):
            self.record_index(*ops.split_qname(found.table), found.columns, found.unique, st.line)

    def operation(self, st: Statement) -> None:
        """Statements other than schema changes that the migration rules judge; the rest cost one match."""
        text = st.text
        if st.kind == "psql":
            word = "\\COPY" if text[1:5].upper() == "COPY" else ""
            text = text[1:] if word else text
        else:
            m = _FIRST_WORD.match(text)
            word = m.group().upper() if m else ""
        if word == "CREATE":
            index = ops.create_index(text)
            if index is not None:
                self.record_index(*ops.split_qname(index.table), index.columns, index.unique, st.line)
        elif word == "ALTER":
            self.alter_keys(st)
        elif word == "INSERT" or word == "REPLACE":
            self.insert_select(st)
        elif word == "TRUNCATE":
            ticket = self.approval(text, st.line)
            for raw in ops.truncated_tables(text):
                schema, name = ops.split_qname(raw)
                table = self.find(schema, name)
                if table is not None:
                    schema, name = table.schema, table.name
                self.model.operations.append(
                    Operation("truncate", name, schema, approval=ticket, location=self.loc(st.line))
                )
        elif word == "DELETE":
            if ops.purge_target(text) is not None:
                self.purge(st)
        elif word in _EXPORT_WORDS:
            found = ops.export(("\\" + text) if word == "\\COPY" else text, word)
            if found is not None:
                self.export(found, st)

    def insert_select(self, st: Statement) -> None:
        # Parsed when the facts are built (`lineage.query_flows`): most copies never meet a sensitive
        # column, and the scan stays a split plus the DDL parse.
        target = ops.insert_select_head(st.text)
        if target is None:
            return
        schema, name = ops.split_qname(target)
        self.record_copy(schema, name, st.text, "INSERT SELECT", st.line)

    def record_copy(self, schema: str | None, name: str, query: str, statement: str, line: int) -> None:
        table = self.find(schema, name)
        if table is not None:
            schema, name = table.schema, table.name
        self.model.operations.append(
            Operation("copy", name, schema, query=query, statement=statement, location=self.loc(line))
        )

    def export(self, found: ops.ExportMatch, st: Statement) -> None:
        schema, name = ops.split_qname(found.table) if found.table else (None, "")
        if found.table:
            table = self.find(schema, name)
            if table is not None:
                schema, name = table.schema, table.name
        self.model.operations.append(
            Operation(
                "export",
                name,
                schema,
                columns=found.columns,
                query=found.query,
                statement=found.statement,
                approval=self.approval(st.text, st.line),
                location=self.loc(st.line),
            )
        )

    def purge(self, st: Statement) -> None:
        node, _ = self.try_parse(st.text)
        if not isinstance(node, exp.Delete):
            return
        target = node.this
        if not isinstance(target, exp.Table) or not target.name:
            return
        age = ops.age_days(node.args.get("where"))
        if age is None:
            return
        schema, name = target.db or None, target.name
        table = self.find(schema, name)
        if table is not None:
            schema, name = table.schema, table.name
        self.model.operations.append(
            Operation(
                "delete",
                name,
                schema,
                anchor=age[0],
                older_than_days=age[1],
                approval=self.approval(st.text, st.line),
                location=self.loc(st.line),
            )
        )

    def comment(self, node: exp.Comment) -> None:
        kind = str(node.args.get("kind") or "").upper()
        text = _literal(node.args.get("expression"))
        target = node.this
        if kind == "COLUMN" and isinstance(target, exp.Column):
            table = self.find(target.db or None, target.table)
            col = table.columns.get(target.name.lower()) if table is not None else None
            if col is not None:
                col.comment = text
        elif isinstance(target, exp.Table):
            table = self.find(target.db or None, target.name)
            if table is not None:
                table.comment = text

    # ----------------------------------------------------------------- GRANT / REVOKE

    def grant(self, st: Statement) -> None:
        """GRANT/REVOKE on tables, from tokens (sqlglot keeps MySQL and multi-table grants as Commands)."""
        try:
            tokens = _tokenize(st.text, self.dialect or "postgres")
        except SqlglotError as err:
            reason, _ = _error_text(err)
            self.error(f"could not parse {_what(st.text)}: {reason}; statement skipped", st.line)
            return
        parsed = _parse_grant(tokens)
        if parsed is None:
            return  # a role grant or a grant on something other than tables
        revoke, privileges, objects, grantees = parsed
        loc = self.loc(st.line)
        for schema, table in objects:
            for grantee in grantees:
                for priv, cols in privileges:
                    if revoke:
                        self.revoke(priv, schema, table, grantee, cols)
                    else:
                        self.model.grants.append(Grant(priv, table, grantee, schema, cols, loc))

    def revoke(self, priv: str, schema: str | None, table: str, grantee: str, cols: tuple[str, ...]) -> None:
        kept: list[Grant] = []
        for g in self.model.grants:
            same = (
                g.table.lower() == table.lower()
                and (g.schema or "").lower() == (schema or "").lower()
                and g.grantee.lower() == grantee.lower()
                and (priv == "ALL" or g.privilege == priv)
            )
            if not same:
                kept.append(g)
            elif cols and g.columns:
                left = tuple(c for c in g.columns if c.lower() not in {x.lower() for x in cols})
                if left:
                    kept.append(Grant(g.privilege, g.table, g.grantee, g.schema, left, g.location))
            elif cols and not g.columns:
                kept.append(g)  # revoking a column privilege leaves the table-wide one in place
        self.model.grants[:] = kept


_NOT_TABLES = frozenset(
    {
        "SEQUENCE", "SEQUENCES", "FUNCTION", "FUNCTIONS", "PROCEDURE", "PROCEDURES", "ROUTINE", "ROUTINES",
        "SCHEMA", "DATABASE", "TYPE", "DOMAIN", "LANGUAGE", "FOREIGN", "LARGE", "TABLESPACE", "PARAMETER",
    }
)  # fmt: skip
_GRANTEE_STOP = frozenset({"WITH", "GRANTED", "CASCADE", "RESTRICT", "IDENTIFIED", "REQUIRE", "AS"})


def _split_commas(tokens: list[Token]) -> list[list[Token]]:
    groups: list[list[Token]] = [[]]
    depth = 0
    for tok in tokens:
        if tok.text == "(":
            depth += 1
        elif tok.text == ")":
            depth -= 1
        if tok.text == "," and depth == 0:
            groups.append([])
        else:
            groups[-1].append(tok)
    return [g for g in groups if g]


def _parse_grant(
    tokens: list[Token],
) -> tuple[bool, list[tuple[str, tuple[str, ...]]], list[tuple[str | None, str]], list[str]] | None:
    """(revoke?, [(privilege, columns)], [(schema, table)], grantees), or None when not about tables."""
    if not tokens:
        return None
    revoke = tokens[0].text.upper() == "REVOKE"
    upper = [t.text.upper() for t in tokens]
    depth = 0
    on = to = None
    for i, word in enumerate(upper):
        if tokens[i].text == "(":
            depth += 1
        elif tokens[i].text == ")":
            depth -= 1
        elif depth == 0 and word == "ON" and on is None:
            on = i
        elif depth == 0 and on is not None and word == ("FROM" if revoke else "TO"):
            to = i
            break
    if on is None or to is None:
        return None
    start = 1
    if revoke and upper[1:4] == ["GRANT", "OPTION", "FOR"]:
        start = 4
    privileges: list[tuple[str, tuple[str, ...]]] = []
    for group in _split_commas(tokens[start:on]):
        words, cols, inside = [], [], False
        for tok in group:
            if tok.text == "(":
                inside = True
            elif tok.text == ")":
                inside = False
            elif inside:
                if tok.text != ",":
                    cols.append(tok.text)
            else:
                words.append(tok.text.upper())
        priv = " ".join(words)
        privileges.append(("ALL" if priv in ("ALL", "ALL PRIVILEGES") else priv, tuple(cols)))
    target = tokens[on + 1 : to]
    first = target[0].text.upper() if target else ""
    objects: list[tuple[str | None, str]] = []
    if first == "ALL" and len(target) > 3 and target[1].text.upper() == "TABLES":
        # ON ALL TABLES IN SCHEMA a, b: every table of those schemas, recorded as table "*"
        objects = [(g[0].text, "*") for g in _split_commas(target[4:])]
    elif first in _NOT_TABLES:
        return None
    else:
        if first == "TABLE":
            target = target[1:]
        for group in _split_commas(target):
            parts = [t.text for t in group if t.text != "."]
            if not parts:
                continue
            objects.append((parts[-2] if len(parts) > 1 else None, parts[-1]))
    grantees: list[str] = []
    for group in _split_commas(tokens[to + 1 :]):
        words = []
        for tok in group:
            word = tok.text.upper()
            if word in _GRANTEE_STOP:
                break
            if word in ("GROUP", "ROLE", "USER") and not words:
                continue
            words.append(tok.text)
        if words:
            name = "".join(words)
            grantees.append("PUBLIC" if name.upper() == "PUBLIC" else name)
    if not privileges or not objects or not grantees:
        return None
    return revoke, privileges, objects, grantees


def _key_names(node: exp.Expr | None) -> tuple[str, ...]:
    """Column names of a key list (`UNIQUE (a, b)`, MySQL `KEY idx (a(10))`), expressions skipped."""
    if node is None:
        return ()
    items = node.expressions if isinstance(node, (exp.Schema, exp.IndexColumnConstraint)) else [node]
    names: list[str] = []
    for item in items:
        while isinstance(item, (exp.Ordered, exp.Paren)):
            item = item.this
        if isinstance(item, (exp.Identifier, exp.Column)) and item.name and item.name not in names:
            names.append(item.name)
    return tuple(names)


def _put_column(table: Table, col: Column, replaces: str | None, position: exp.Expr | None) -> None:
    """Add or redefine a column, keeping declaration order (MySQL AFTER x / FIRST honoured)."""
    old_key = (replaces or col.name).lower()
    new_key = col.name.lower()
    if old_key == new_key and not isinstance(position, exp.ColumnPosition):
        # The common ALTER ... ADD/MODIFY: a new column goes last, a redefined one stays where it
        # was, which is what assigning the key does; no need to rebuild the dict.
        table.columns[new_key] = col
        return
    items = [(k, c) for k, c in table.columns.items() if k != old_key and k != col.name.lower()]
    at = len(items)
    if old_key in table.columns:
        at = list(table.columns).index(old_key)
        at = min(at, len(items))
    if isinstance(position, exp.ColumnPosition):
        where = str(position.args.get("position") or "").upper()
        if where == "FIRST":
            at = 0
        elif where == "AFTER" and position.this is not None:
            keys = [k for k, _ in items]
            anchor = position.this.name.lower()
            if anchor in keys:
                at = keys.index(anchor) + 1
    items.insert(at, (col.name.lower(), col))
    table.columns = dict(items)
