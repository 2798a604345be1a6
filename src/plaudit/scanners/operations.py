"""Statements the migration rules judge, recognised from their text before anything is parsed.

The SQL scanner replays schema changes; these helpers spot the other statements a pre-merge review
cares about (RULES.md R25, R36, R43 and the index / copy rules): indexes and UNIQUE constraints,
`INSERT … SELECT`, bulk exports (`COPY … TO`, psql `\\copy … to`, `SELECT … INTO OUTFILE`, Redshift
`UNLOAD`, BigQuery `EXPORT DATA`), `TRUNCATE`, and `DELETE` purges with an age predicate.

Each recogniser is an anchored regular expression that fails within a few characters on the statements
it does not want: dumps hold hundreds of thousands of `INSERT … VALUES` rows, and the scan must stay
within a small factor of parsing the DDL alone. Only what matches is handed to sqlglot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlglot import exp

__all__ = [
    "ExportMatch",
    "IndexMatch",
    "age_days",
    "alter_indexes",
    "approval",
    "create_index",
    "export",
    "insert_select_head",
    "key_columns",
    "may_insert_select",
    "purge_target",
    "split_qname",
    "truncated_tables",
]

_IDENT = r'(?:"[^"\n]+"|`[^`\n]+`|\[[^\]\n]+\]|[A-Za-z_][\w$]*)'
_QNAME = rf"{_IDENT}(?:\s*\.\s*{_IDENT}){{0,2}}"
_QUOTES = '"`[]'


_IDENT_RE = re.compile(_IDENT)
_STRING = re.compile(r"'(?:[^']|'')*'")


def split_qname(raw: str) -> tuple[str | None, str]:
    """(schema, name) of `db.schema.table`, `schema.table` or `table`, quotes removed."""
    parts = [p.strip().strip(_QUOTES) for p in _IDENT_RE.findall(raw)]
    if not parts:
        return None, raw.strip(_QUOTES)
    return (parts[-2] if len(parts) > 1 else None), parts[-1]


def _closing(text: str, open_at: int) -> int:
    """Index of the parenthesis closing the one at `open_at` (quotes respected), or -1."""
    depth = 0
    quote: str | None = None
    for i in range(open_at, len(text)):
        ch = text[i]
        if quote is not None:
            if ch == quote:
                quote = None
        elif ch in "'\"`":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
    return -1


def _top_level_items(body: str) -> list[str]:
    items: list[str] = []
    depth = 0
    start = 0
    for i, ch in enumerate(body):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            items.append(body[start:i])
            start = i + 1
    items.append(body[start:])
    return items


# Words inside an index key list that are not column names.
_KEY_WORDS = frozenset(
    {
        "asc",
        "desc",
        "nulls",
        "first",
        "last",
        "collate",
        "using",
        "with",
        "where",
        "include",
        "and",
        "or",
        "not",
        "null",
        "is",
        "true",
        "false",
    }
)
# A name followed by `(` is a function, unless the parentheses hold a MySQL prefix length: `name(10)`.
_KEY_IDENT = re.compile(r'"([^"]+)"|`([^`]+)`|\[([^\]]+)\]|([A-Za-z_][\w$]*)\b(?!\s*\((?!\s*\d+\s*\)))')


def key_columns(body: str) -> tuple[str, ...]:
    """Column names of an index key list: `a, lower(email), b(10) DESC` gives a, email, b.

    A functional index stores the function of its columns, so the columns inside count: an index on
    `lower(email)` keeps every e-mail address in the index.
    """
    out: list[str] = []
    for item in _top_level_items(body):
        item = _STRING.sub(" ", item)
        for m in _KEY_IDENT.finditer(item):
            name = next(g for g in m.groups() if g is not None)
            if name.lower() not in _KEY_WORDS and not name.isdigit() and name not in out:
                out.append(name)
    return tuple(out)


# A key list of plain names (`a, "b" DESC, c`) up to its closing parenthesis: the common case, split
# without the general tokenizer above.
_PLAIN_KEYS = re.compile(r'[\s\w$`"\[\],]*\)')


def _keys_after(text: str, open_at: int) -> tuple[str, ...] | None:
    """Key columns of the list whose `(` is at `open_at`, or None when it never closes."""
    m = _PLAIN_KEYS.match(text, open_at + 1)
    if m is not None:
        out: list[str] = []
        for part in text[open_at + 1 : m.end() - 1].split(","):
            words = part.split()
            if words:
                name = words[0].strip(_QUOTES)
                if name and name not in out and name.lower() not in _KEY_WORDS:
                    out.append(name)
        return tuple(out)
    close = _closing(text, open_at)
    return None if close < 0 else key_columns(text[open_at + 1 : close])


@dataclass(frozen=True)
class IndexMatch:
    table: str
    columns: tuple[str, ...]
    unique: bool


_CREATE_INDEX = re.compile(
    r"CREATE\s+(?P<unique>UNIQUE\s+)?(?:(?:CLUSTERED|NONCLUSTERED|FULLTEXT|SPATIAL|BITMAP)\s+)?INDEX\s+"
    rf"(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?(?:{_QNAME}\s+)?"
    rf"(?:USING\s+\w+\s+)?ON\s+(?:ONLY\s+)?(?P<table>{_QNAME})\s*(?:USING\s+\w+\s*)?\(",
    re.I,
)


def create_index(text: str) -> IndexMatch | None:
    """`CREATE [UNIQUE] INDEX … ON table (keys)` (PostgreSQL, MySQL, SQLite, SQL Server forms)."""
    m = _CREATE_INDEX.match(text)
    if m is None:
        return None
    keys = _keys_after(text, m.end() - 1)
    return None if keys is None else IndexMatch(m.group("table"), keys, bool(m.group("unique")))


_ALTER_HEAD = re.compile(rf"ALTER\s+TABLE\s+(?:ONLY\s+)?(?:IF\s+EXISTS\s+)?(?P<table>{_QNAME})", re.I)
_ADD_KEY = re.compile(
    rf"\bADD\s+(?:CONSTRAINT\s+{_IDENT}\s+)?"
    r"(?P<kind>UNIQUE(?:\s+(?:INDEX|KEY))?|PRIMARY\s+KEY|(?:FULLTEXT\s+|SPATIAL\s+)?(?:INDEX|KEY))"
    rf"\s*(?:(?!USING\b){_IDENT}\s*)?(?:USING\s+\w+\s*)?\(",
    re.I,
)
# Foreign keys are the common ALTER in migrations; they make no index of their own, so they must not
# cost the full match.
_HAS_KEY_WORD = re.compile(r"\b(?:UNIQUE|INDEX|PRIMARY\s+KEY|ADD\s+(?:FULLTEXT\s+|SPATIAL\s+)?KEY)\b", re.I)


def _may_add_key(text: str) -> bool:
    """Substring tests on the lower-cased text, an order of magnitude faster than a case-insensitive
    regex search; a foreign key is the one KEY that makes no index worth judging."""
    t = text.lower()
    return "unique" in t or "index" in t or "primary" in t or t.count("key") > t.count("foreign key")


def alter_indexes(text: str) -> list[IndexMatch]:
    """Indexes and UNIQUE / PRIMARY KEY constraints an `ALTER TABLE … ADD …` creates."""
    if not _may_add_key(text) or not _HAS_KEY_WORD.search(text):
        return []
    head = _ALTER_HEAD.match(text)
    if head is None:
        return []
    found: list[IndexMatch] = []
    for m in _ADD_KEY.finditer(text, head.end()):
        keys = _keys_after(text, m.end() - 1)
        if keys is None:
            continue
        unique = m.group("kind")[:1] in "uUpP"  # UNIQUE … or PRIMARY KEY
        found.append(IndexMatch(head.group("table"), keys, unique))
    return found


_INSERT_SELECT = re.compile(
    r"(?:INSERT|REPLACE)\s+(?:(?:LOW_PRIORITY|DELAYED|HIGH_PRIORITY|IGNORE|OR\s+\w+)\s+)*(?:INTO\s+)?"
    rf"(?:TABLE\s+)?(?P<table>{_QNAME})\s*(?:\([^()]*\)\s*)?(?:(?:SELECT|WITH)\b|\(\s*SELECT\b)",
    re.I,
)


def may_insert_select(text: str) -> bool:
    """False for an `INSERT … VALUES` (the VALUES keyword comes before any SELECT in its head), in a
    fraction of the time of the full pattern; True when the full pattern must decide."""
    head = text[:600].lower()
    values = head.find("values")
    select = head.find("select")
    if select < 0 and head.find("with") < 0:
        return values < 0  # no keyword at all in the head: a very long column list, let the pattern decide
    return not (0 <= values < select or (values >= 0 and select < 0))


def insert_select_head(text: str) -> str | None:
    """The target of `INSERT INTO t [(cols)] SELECT|WITH …`, or None (VALUES rows fail within a few
    characters of the column list)."""
    m = _INSERT_SELECT.match(text)
    return m.group("table") if m else None


@dataclass(frozen=True)
class ExportMatch:
    """A bulk export: of a table (and maybe some of its columns) or of a query's result."""

    statement: str  # COPY TO | \\copy to | SELECT INTO OUTFILE | UNLOAD | EXPORT DATA
    table: str | None = None
    columns: tuple[str, ...] = ()
    query: str | None = None


_COPY = re.compile(
    rf"(?P<meta>\\)?COPY\s+(?:(?P<table>{_QNAME})\s*(?:\((?P<cols>[^()]*)\))?|(?P<q>\())", re.I
)
_DIRECTION = re.compile(r"\s*(?P<dir>TO|FROM)\b", re.I)
_OUTFILE = re.compile(r"\bINTO\s+(?:OUTFILE|DUMPFILE)\s+'(?:[^'\\]|\\.)*'", re.I)
_FROM_WORD = re.compile(r"\bFROM\b", re.I)
_UNLOAD = re.compile(r"UNLOAD\s*\(\s*'(?P<q>(?:[^']|'')*)'\s*\)\s*TO\b", re.I)
_EXPORT_DATA = re.compile(r"EXPORT\s+DATA\b.*?\bAS\s*\(?\s*(?=(?:SELECT|WITH)\b)", re.I | re.S)


def export(text: str, first_word: str) -> ExportMatch | None:
    """A bulk export statement (`first_word` is its upper-cased first word, `\\COPY` for psql)."""
    if first_word in ("COPY", "\\COPY"):
        m = _COPY.match(text)
        if m is None:
            return None
        label = "\\copy to" if m.group("meta") else "COPY TO"
        if m.group("q"):
            close = _closing(text, m.start("q"))
            if close < 0:
                return None
            d = _DIRECTION.match(text, close + 1)
            if d is None or d.group("dir").upper() != "TO":
                return None
            return ExportMatch(label, query=text[m.start("q") + 1 : close])
        d = _DIRECTION.match(text, m.end())
        if d is None or d.group("dir").upper() != "TO":
            return None
        cols = key_columns(m.group("cols")) if m.group("cols") else ()
        return ExportMatch(label, table=m.group("table"), columns=cols)
    if first_word in ("SELECT", "WITH"):
        o = _OUTFILE.search(text)
        if o is None:
            return None
        # MySQL puts INTO OUTFILE before FROM or at the very end; the query is the rest.
        rest = text[o.end() :]
        f = _FROM_WORD.search(rest)
        query = text[: o.start()] + (" " + rest[f.start() :] if f else "")
        return ExportMatch("SELECT INTO OUTFILE", query=query)
    if first_word == "UNLOAD":
        u = _UNLOAD.match(text)
        return ExportMatch("UNLOAD", query=u.group("q").replace("''", "'")) if u else None
    if first_word == "EXPORT":
        e = _EXPORT_DATA.match(text)
        if e is None:
            return None
        query = text[e.end() :].rstrip()
        if text[: e.end()].rstrip().endswith("(") and query.endswith(")"):
            query = query[:-1]
        return ExportMatch("EXPORT DATA", query=query)
    return None


_TRUNCATE = re.compile(
    rf"TRUNCATE\s+(?:TABLE\s+)?(?:ONLY\s+)?(?P<names>{_QNAME}\s*\*?(?:\s*,\s*(?:ONLY\s+)?{_QNAME}\s*\*?)*)",
    re.I,
)


def truncated_tables(text: str) -> list[str]:
    m = _TRUNCATE.match(text)
    if m is None:
        return []
    return [n.strip().rstrip("*").strip() for n in _top_level_items(m.group("names")) if n.strip()]


_DELETE = re.compile(rf"DELETE\s+(?:FROM\s+)?(?P<table>{_QNAME})", re.I)
# A purge compares a date with "now minus a period": without one of these words, no parse is needed.
_AGE_HINT = re.compile(
    r"\b(?:interval|date_sub|datediff|date_add|dateadd|add_months|now|sysdate|getdate|current_date"
    r"|current_timestamp|localtimestamp|julianday)\b",
    re.I,
)


def purge_target(text: str) -> str | None:
    """The table of a `DELETE` whose WHERE clause may be an age predicate, or None."""
    m = _DELETE.match(text)
    if m is None or not _AGE_HINT.search(text, m.end()):
        return None
    return m.group("table")


_UNIT_DAYS = {
    "day": 1,
    "days": 1,
    "d": 1,
    "week": 7,
    "weeks": 7,
    "w": 7,
    "month": 30,
    "months": 30,
    "mon": 30,
    "mons": 30,
    "m": 30,
    "year": 365,
    "years": 365,
    "y": 365,
    "yr": 365,
    "yrs": 365,
    "quarter": 91,
    "quarters": 91,
}
_INTERVAL_TEXT = re.compile(r"^\s*(\d+)\s*([A-Za-z]+)?\s*$")


def _interval_days(node: exp.Expr | None) -> int | None:
    """Days of `INTERVAL '3 years'`, `INTERVAL 3 YEAR`, or a bare number of days."""
    if isinstance(node, exp.Interval):
        unit = node.args.get("unit")
        amount = node.this
        raw = amount.name if isinstance(amount, exp.Literal) else None
        if raw is None:
            return None
        m = _INTERVAL_TEXT.match(raw)
        if m is None:
            return None
        word = (unit.name if unit is not None else m.group(2) or "day").lower()
        per = _UNIT_DAYS.get(word)
        return int(m.group(1)) * per if per else None
    if isinstance(node, exp.Literal) and not node.is_string and node.name.isdigit():
        return int(node.name)
    return None


def _clock(node: exp.Expr | None) -> bool:
    """`now()`, `current_date` and friends: an expression with no column in it."""
    return node is not None and node.find(exp.Column) is None


def _older_than(value: exp.Expr | None) -> int | None:
    """Days of `now() - INTERVAL …`, `DATE_SUB(NOW(), INTERVAL n UNIT)`, `CURRENT_DATE - n`."""
    if isinstance(value, exp.Sub) and _clock(value.this):
        return _interval_days(value.expression)
    if isinstance(value, exp.DateSub) and _clock(value.this):
        unit = value.args.get("unit")
        amount = value.expression
        if isinstance(amount, exp.Interval):
            return _interval_days(amount)
        if isinstance(amount, exp.Literal) and amount.name.isdigit():
            per = _UNIT_DAYS.get((unit.name if unit is not None else "day").lower())
            return int(amount.name) * per if per else None
    return None


def age_days(where: exp.Expr | None) -> tuple[str, int] | None:
    """(anchor column, days) of the youngest age condition in a purge's WHERE clause.

    `created_at < now() - INTERVAL '3 years'` gives ("created_at", 1095); `DATEDIFF(NOW(), created_at)
    > 365` gives ("created_at", 365). With several, the smallest age wins: it is what the purge
    deletes soonest.
    """
    if where is None:
        return None
    best: tuple[str, int] | None = None
    for cmp in where.find_all(exp.LT, exp.LTE, exp.GT, exp.GTE):
        left, right = cmp.this, cmp.expression
        found: tuple[str, int] | None = None
        if isinstance(cmp, (exp.LT, exp.LTE)) and isinstance(left, exp.Column):
            days = _older_than(right)
            found = (left.name, days) if days is not None else None
        elif isinstance(cmp, (exp.GT, exp.GTE)) and isinstance(right, exp.Column):
            days = _older_than(left)
            found = (right.name, days) if days is not None else None
        elif isinstance(cmp, (exp.GT, exp.GTE)) and isinstance(left, exp.DateDiff):
            col = left.expression
            if isinstance(col, exp.Column) and _clock(left.this):
                days = _interval_days(right)
                found = (col.name, days) if days is not None else None
        if found is not None and (best is None or found[1] < best[1]):
            best = found
    return best


_APPROVED = re.compile(
    r"--[ \t]*plaudit[ \t]*:[ \t]*approved\s+ticket\s*=\s*"
    r"(?:\"(?P<dq>[^\"\n]+)\"|'(?P<sq>[^'\n]+)'|(?P<bare>[^\s\"']+))",
    re.I,
)
_COMMENT_LINE = re.compile(r"\s*(?:--.*)?$")


def approval(statement: str, lines: list[str], first_line: int) -> str | None:
    """The ticket of `-- plaudit: approved ticket="…"` in the statement or in the comment lines right
    above it (`lines` is the file, `first_line` the statement's 1-based first line)."""
    m = _APPROVED.search(statement)
    i = first_line - 2
    while m is None and i >= 0 and _COMMENT_LINE.match(lines[i]):
        m = _APPROVED.search(lines[i])
        i -= 1
    if m is None:
        return None
    return (m.group("dq") or m.group("sq") or m.group("bare") or "").strip() or None
