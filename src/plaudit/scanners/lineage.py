"""Column lineage of views: which base-table columns each view column shows, and through which mask.

Every view of the model (`kind == "view"` with `view_sql`) is parsed with sqlglot, its table names are
resolved against the model (the view's own schema first, as the database would), and the query is
qualified with a schema built from the model, which expands `SELECT *` and ties every column to the
source it comes from. Each projection is then evaluated as a small taint analysis: a column reference
carries its base column in clear; CTEs, subqueries, UNION branches and views of views are followed to
base tables; functions keep the taint of their arguments; and a recognised mask (RULES.md §4) turns clear
into masked, with the number of leading and trailing characters it still reveals when the SQL says so.

Only what a view *projects* flows: a column used in WHERE, JOIN ON, GROUP BY or inside a predicate
(`CASE WHEN id_no = ...`, `x IS NULL`) or counted (`count(x)`, `length(x)`) leaves no value in the
output. One `Flow` is produced per output column and exposure: `COALESCE(mask_phone(a), b)` yields a
masked flow of `a` and a clear flow of `b`, so a rule judges each source by how it is really shown.

>>> from plaudit.scanners.sql import scan_text
>>> model = scan_text(
...     "CREATE TABLE c (mobile varchar(11), id_no varchar(18));"
...     "CREATE VIEW v AS SELECT mobile, LEFT(id_no, 6) || '********' || RIGHT(id_no, 4) AS id FROM c;"
... )
>>> [(f.output_column, f.sources, f.masked, f.revealed_left, f.revealed_right) for f in view_flows(model)]
[('mobile', ['c.mobile'], False, None, None), ('id', ['c.id_no'], True, 6, 4)]
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlglot import exp
from sqlglot.errors import OptimizeError, SqlglotError
from sqlglot.optimizer.qualify import qualify
from sqlglot.optimizer.scope import Scope, build_scope
from sqlglot.schema import MappingSchema

from plaudit.model import Column, Location, ScanError, SchemaModel, Table

__all__ = ["Flow", "query_flows", "view_flows"]


@dataclass(frozen=True)
class Flow:
    """One output column of a view and the base-table columns whose values it shows.

    `sources` are `schema.table.column` (`table.column` without a schema) spelled as the model names
    them. `masked` is true when every path from these sources passes a recognised mask (a hash counts:
    `hashed` tells it apart). `revealed_left` / `revealed_right` are the leading and trailing characters
    the mask still shows, None when the SQL does not say (a `mask_*` function, a computed position).
    """

    view: str
    output_column: str
    sources: list[str]
    masked: bool
    mask: str | None
    revealed_left: int | None
    revealed_right: int | None
    location: Location | None
    hashed: bool = False


# --------------------------------------------------------------------------- exposures


@dataclass(frozen=True)
class _Exposure:
    """How one source column reaches a value: in clear, masked (with what it reveals) or hashed.

    `width` is how many characters of the source the value holds in total (None: all or unknown); a
    concatenation uses it to place a piece left or right of the mask filler. `positional` marks the
    truncations (LEFT, RIGHT, SUBSTR) whose widths a concatenation recomputes from their position.
    """

    state: str  # clear | masked | hashed
    mask: str | None = None
    left: int | None = None
    right: int | None = None
    width: int | None = None
    positional: bool = False


_CLEAR = _Exposure("clear")
_RANK = {"clear": 3, "masked": 2, "hashed": 1}


@dataclass
class _Value:
    """The taint of an expression: source key -> exposure; `filler` for a mask literal like '****'."""

    exposures: dict[str, _Exposure] = field(default_factory=dict)
    filler: bool = False


_NOTHING = _Value()


def _widest(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else max(a, b)


def _either(a: _Exposure, b: _Exposure) -> _Exposure:
    """The exposure when the value may come from either path (CASE, COALESCE, UNION): the weaker one."""
    if a == b:
        return a
    if _RANK[a.state] != _RANK[b.state]:
        return a if _RANK[a.state] > _RANK[b.state] else b
    if a.state == "clear":
        return _CLEAR
    return _Exposure(
        a.state,
        a.mask if a.mask == b.mask else (a.mask or b.mask),
        _widest(a.left, b.left),
        _widest(a.right, b.right),
        _widest(a.width, b.width),
        a.positional and b.positional,
    )


def _union(values: Iterable[_Value]) -> _Value:
    out: dict[str, _Exposure] = {}
    for value in values:
        for key, e in value.exposures.items():
            out[key] = _either(out[key], e) if key in out else e
    return _Value(out)


def _apply(value: _Value, exposure: _Exposure) -> _Value:
    """Pass every clear source of `value` through a mask; sources already masked or hashed stay so."""
    return _Value({k: exposure if e.state == "clear" else e for k, e in value.exposures.items()})


def _hashed(value: _Value, name: str) -> _Value:
    return _Value({k: _Exposure("hashed", name, 0, 0, 0) for k in value.exposures})


# --------------------------------------------------------------------------- recognised masks

#: Characters a mask fills the hidden positions with.
_FILL_CHARS = frozenset("*#xX•●")
_HASH_NAME = re.compile(
    r"^(md5\w*|sha\w*|hmac\w*|digest|sm3|crc32|crypt|bcrypt|hash\w*|\w*hash\d*|xxhash\w*|murmur\w*"
    r"|farm_fingerprint|standardhash)$",
    re.I,
)
_MASK_NAME = re.compile(
    r"^(mask|mask_\w+|\w*_mask|desensiti[sz]\w*|partial|anon\.\w+|tuomin\w*|tm_\w+)$", re.I
)
# What counts as a count of values rather than the values.
_NO_VALUE_FUNCS = (exp.Count, exp.Length, exp.Exists)
_SUBSTRING_NAMES = {"mid", "substr", "substring"}


def _is_filler(node: exp.Expression) -> bool:
    if isinstance(node, exp.Literal) and node.is_string:
        text = node.this.strip()
        return bool(text) and all(ch in _FILL_CHARS for ch in text)
    return False


def _int(node: exp.Expression | None) -> int | None:
    """The integer a literal (or a negated literal) spells, None for anything computed."""
    if isinstance(node, exp.Paren):
        return _int(node.this)
    if isinstance(node, exp.Neg):
        inner = _int(node.this)
        return -inner if inner is not None else None
    if isinstance(node, exp.Literal) and not node.is_string:
        try:
            return int(node.this)
        except ValueError:
            return None
    return None


_RE_ATOM = re.compile(r"\\[dDwWsS]|\\.|\[(?:\\.|[^\]])*\]|\.|[^()\\|?*+{}^$]")
_RE_GROUP_REF = re.compile(r"\\(\d)|\$(\d)|\$\{(\d)\}")


def _regex_group_widths(pattern: str) -> dict[int, int | None] | None:
    """Widths of the capture groups of a simple fixed-width pattern such as `(\\d{3})\\d{4}(\\d{4})`.

    None when the pattern is not a flat sequence of atoms and groups; a group whose width varies
    (`+`, `*`, `{3,4}`) maps to None.
    """
    widths: dict[int, int | None] = {}
    i, group, depth, current = 0, 0, 0, 0
    width: int | None = 0
    pattern = pattern.removeprefix("^").removesuffix("$")
    while i < len(pattern):
        ch = pattern[i]
        if ch == "(":
            if depth:
                return None
            depth, group, current, width = 1, group + 1, group + 1, 0
            if pattern.startswith("?:", i + 1):
                return None
            i += 1
            continue
        if ch == ")":
            if not depth:
                return None
            widths[current] = width
            depth = 0
            i += 1
            continue
        m = _RE_ATOM.match(pattern, i)
        if m is None:
            return None
        i = m.end()
        count: int | None = 1
        q = re.match(r"\{(\d+)\}|[?*+]|\{\d*,\d*\}", pattern[i:])
        if q:
            count = int(q.group(1)) if q.group(1) else None
            i += q.end()
        if depth:
            width = None if width is None or count is None else width + count
    return widths if not depth else None


def _regex_reveal(pattern: str, replacement: str) -> tuple[int | None, int | None]:
    """Characters a regexp replacement keeps before the first and after the last filler character."""
    groups = _regex_group_widths(pattern)
    left: int | None = 0
    right: int | None = 0
    seen_fill = False
    pos = 0
    for m in [*_RE_GROUP_REF.finditer(replacement), None]:
        literal = replacement[pos : m.start() if m else len(replacement)]
        if any(ch in _FILL_CHARS for ch in literal):
            seen_fill, right = True, 0
        if m is None:
            break
        pos = m.end()
        n = int(next(g for g in m.groups() if g))
        w = groups.get(n) if groups is not None else None
        if seen_fill:
            right = None if right is None or w is None else right + w
        else:
            left = None if left is None or w is None else left + w
    return left, right


# --------------------------------------------------------------------------- the analysis


def _dialect_name(name: str | None) -> str | None:
    if not name:
        return None
    name = name.lower()
    return {"postgresql": "postgres", "mariadb": "mysql"}.get(name, name)


_NO_SCHEMA = "_plaudit_no_schema"
_WITH_DATA = re.compile(r"\s+WITH\s+(NO\s+)?DATA$", re.I)


class _Lineage:
    def __init__(self, model: SchemaModel, mask_functions: Sequence[str]) -> None:
        self.model = model
        self.dialect = _dialect_name(model.dialect)
        self.masks = [m.lower() for m in mask_functions]
        self.by_name: dict[str, list[Table]] = {}
        for table in model.tables.values():
            self.by_name.setdefault(table.name.lower(), []).append(table)
        self.schema = MappingSchema(
            {
                db: {table.name.lower(): {key: "text" for key in table.columns} for table in tables}
                for db, tables in _group_by_db(model).items()
            },
            normalize=False,
        )
        self.outputs: dict[int, list[tuple[str, _Value]] | None] = {}
        self.running: set[int] = set()
        # Keyed by id() of objects the current query's tree keeps alive; reset for every view.
        self.scopes: dict[int, Scope] = {}
        self.scope_outputs: dict[int, list[tuple[str, _Value]]] = {}
        self.lengths: dict[str, int] = {}

    @staticmethod
    def db_key(table: Table) -> str:
        return (table.schema or _NO_SCHEMA).lower()

    # ---------------------------------------------------------------- tables

    def resolve(self, schema: str | None, name: str, home: str | None) -> Table | None:
        """The model table a query names: as qualified, else in the view's schema, else unique by name."""
        if schema:
            return self.model.get(schema, name)
        for candidate in (home, None, "public", "dbo", "main"):
            table = self.model.get(candidate, name)
            if table is not None:
                return table
        found = self.by_name.get(name.lower(), [])
        return found[0] if len(found) == 1 else None

    # ---------------------------------------------------------------- views

    def view(self, table: Table) -> list[tuple[str, _Value]] | None:
        """(output column, value) of a view in projection order; None when its SQL cannot be read."""
        key = id(table)
        if key in self.outputs:
            return self.outputs[key]
        if key in self.running:  # a view defined through itself: no lineage rather than a loop
            return None
        self.running.add(key)
        # Scopes are per query: a nested view gets its own, and the caller's come back afterwards.
        saved = self.scopes, self.scope_outputs
        self.scopes, self.scope_outputs = {}, {}
        try:
            result = self._view(table)
        finally:
            self.running.discard(key)
            self.scopes, self.scope_outputs = saved
        self.outputs[key] = result
        return result

    def error(self, table: Table, message: str) -> None:
        if table.kind != "view":
            # A copy or export ran against the schema of its day, which later migrations may have
            # changed; lineage follows what still resolves, and the rest is no problem of the files.
            return
        loc = table.location
        self.model.errors.append(
            ScanError(
                loc.path if loc else table.qualified,
                f"view {table.qualified}: {message}",
                loc.line if loc else None,
            )
        )

    def _view(self, table: Table) -> list[tuple[str, _Value]] | None:
        # A materialized view's definition may end with WITH [NO] DATA, which is not part of the query.
        sql = _WITH_DATA.sub("", (table.view_sql or "").strip().rstrip(";").rstrip())
        try:
            tree = exp.maybe_parse(sql, dialect=self.dialect) if sql else None
        except SqlglotError as err:
            self.error(table, f"could not parse the query for column lineage: {_first_line(err)}")
            return None
        if isinstance(tree, exp.Insert):  # a copy: its column list names the outputs, in order
            into = tree.this
            if isinstance(into, exp.Schema) and into.expressions:
                table.columns = {e.name.lower(): Column(e.name) for e in into.expressions if e.name}
            tree = tree.expression
        elif isinstance(tree, exp.Create):  # sqlite and MySQL report the whole CREATE VIEW statement
            tree = tree.expression
        if not isinstance(tree, exp.Query):
            self.error(table, "the view's definition is not a query; no column lineage")
            return None
        self.prepare(tree, table.schema)
        try:
            tree = qualify(tree, schema=self.schema, dialect=self.dialect, quote_identifiers=False)
        except (OptimizeError, SqlglotError) as err:
            # Record it, then follow what can be followed: a column the model does not know must not
            # hide the sensitive columns the view does project.
            self.error(table, f"could not resolve every column for lineage: {_first_line(err)}")
            try:
                tree = qualify(
                    tree,
                    schema=self.schema,
                    dialect=self.dialect,
                    quote_identifiers=False,
                    validate_qualify_columns=False,
                )
            except (OptimizeError, SqlglotError):
                return None
        root = build_scope(tree)
        if root is None:
            self.error(table, "could not build the query's scopes for lineage")
            return None
        self.scopes = {id(s.expression): s for s in root.traverse()}
        outputs = self.scope_values(root)
        names = list(table.columns.values())
        if len(names) == len(outputs):  # CREATE VIEW v (a, b) renames by position; keeps model spelling
            outputs = [(col.name, value) for col, (_, value) in zip(names, outputs, strict=True)]
        return outputs

    def prepare(self, tree: exp.Expression, home: str | None) -> None:
        """Lower-case identifiers (the model keys are) and qualify table names as the model knows them."""
        for ident in tree.find_all(exp.Identifier):
            ident.set("this", ident.this.lower())
        ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
        for node in tree.find_all(exp.Table):
            if not node.name or (not node.db and node.name in ctes):
                continue
            found = self.resolve(node.db or None, node.name, home)
            if found is not None:
                node.set("db", exp.to_identifier(self.db_key(found)))
                node.set("catalog", None)

    # ---------------------------------------------------------------- scopes

    def scope_values(self, scope: Scope) -> list[tuple[str, _Value]]:
        key = id(scope)
        cached = self.scope_outputs.get(key)
        if cached is not None:
            return cached
        self.scope_outputs[key] = []  # a recursive CTE reads itself: the first pass sees nothing
        node = scope.expression
        out: list[tuple[str, _Value]] = []
        if isinstance(node, exp.SetOperation) and len(scope.set_operation_scopes) == 2:
            left = self.scope_values(scope.set_operation_scopes[0])
            right = self.scope_values(scope.set_operation_scopes[1])
            for i, (name, value) in enumerate(left):
                out.append((name, _union([value, right[i][1]]) if i < len(right) else value))
        elif isinstance(node, exp.Select):
            for projection in node.expressions:
                if isinstance(projection, exp.Star) or (
                    isinstance(projection, exp.Column) and isinstance(projection.this, exp.Star)
                ):
                    continue  # a star qualify could not expand: a table the model does not know
                out.append((projection.alias_or_name, self.value(projection, scope)))
        self.scope_outputs[key] = out
        return out

    def column(self, node: exp.Column, scope: Scope) -> _Value:
        name = node.name
        table = node.table
        current: Scope | None = scope
        while current is not None:  # correlated subqueries read columns of the enclosing query
            sources = current.sources
            if table in sources or (not table and len(sources) == 1):
                source = sources[table] if table else next(iter(sources.values()))
                return self.source_column(source, name)
            current = current.parent
        return _NOTHING

    def source_column(self, source: object, name: str) -> _Value:
        if isinstance(source, Scope):
            for out_name, value in self.scope_values(source):
                if out_name == name:
                    return value
            return _NOTHING
        if isinstance(source, exp.Table):
            db = source.db
            table = self.model.get(None if db == _NO_SCHEMA else db, source.name)
            if table is None:
                return _NOTHING
            if table.kind == "view" and table.view_sql:
                outputs = self.view(table) or []
                for out_name, value in outputs:
                    if out_name.lower() == name:
                        return value
                return _NOTHING
            column = table.columns.get(name)
            if column is None:
                return _NOTHING
            key = f"{table.qualified}.{column.name}"
            length = _type_length(column.type)
            if length is not None:
                self.lengths[key] = length
            return _Value({key: _CLEAR})
        return _NOTHING

    # ---------------------------------------------------------------- expressions

    def value(self, node: exp.Expression | None, scope: Scope) -> _Value:
        if node is None:
            return _NOTHING
        if isinstance(node, (exp.Alias, exp.Paren)):
            return self.value(node.this, scope)
        if isinstance(node, exp.Column):
            return self.column(node, scope)
        if isinstance(node, exp.Literal):
            return _Value(filler=True) if _is_filler(node) else _NOTHING
        if isinstance(node, exp.Or) and not any(
            isinstance(p, (exp.Predicate, exp.Connector, exp.Not, exp.Boolean)) for p in _concat_pieces(node)
        ):
            # MySQL reads `a || b` as OR; between strings it is a concatenation written for another
            # engine (or for PIPES_AS_CONCAT), and a mask like LEFT(x, 3) || '****' must be seen as one.
            return self.concat(node, scope)
        if isinstance(node, (exp.Predicate, exp.Connector, exp.Not, *_NO_VALUE_FUNCS)):
            return _NOTHING  # a truth value or a count: the values themselves do not leave
        if isinstance(node, exp.Subquery):
            inner = self.scopes.get(id(node.this)) or self.scopes.get(id(node))
            if inner is None:
                return _NOTHING
            values = self.scope_values(inner)
            return values[0][1] if values else _NOTHING
        if isinstance(node, (exp.Select, exp.SetOperation)):
            return _NOTHING
        if isinstance(node, exp.Case):
            branches = [i.args.get("true") for i in node.args.get("ifs") or []] + [node.args.get("default")]
            return _union(self.value(b, scope) for b in branches)
        if isinstance(node, exp.If):
            return _union(
                [self.value(node.args.get("true"), scope), self.value(node.args.get("false"), scope)]
            )
        if isinstance(node, exp.Nullif):
            return self.value(node.this, scope)
        if isinstance(node, exp.Window):
            return self.value(node.this, scope)
        if isinstance(node, exp.Dot) and isinstance(node.expression, exp.Func):
            return self.function(node.expression, f"{node.this.name}.{_func_name(node.expression)}", scope)
        if isinstance(node, (exp.DPipe, exp.Concat, exp.ConcatWs)):
            return self.concat(node, scope)
        if isinstance(node, exp.Func):
            return self.function(node, _func_name(node), scope)
        return _union(self.value(child, scope) for child in node.iter_expressions())

    def concat(self, node: exp.Expression, scope: Scope) -> _Value:
        pieces = [self.value(p, scope) for p in _concat_pieces(node)]
        fills = [i for i, p in enumerate(pieces) if p.filler]
        keys = {k for p in pieces for k in p.exposures}
        out: dict[str, _Exposure] = {}
        for key in keys:
            own = [(i, p.exposures[key]) for i, p in enumerate(pieces) if key in p.exposures]
            states = {e.state for _, e in own}
            if "clear" in states:
                out[key] = _CLEAR
            elif states == {"hashed"}:
                out[key] = own[0][1]
            elif len(own) == 1 and not own[0][1].positional:
                out[key] = own[0][1]  # a mask function's result, framed by other text
            else:
                out[key] = _concat_reveal(own, fills)
        return _Value(out, filler=bool(fills) and not keys and len(fills) == len(pieces))

    def function(self, node: exp.Func, name: str, scope: Scope) -> _Value:
        lname = name.lower()
        args = _args(node)
        if self.user_mask(lname):
            return _apply(self._first(node, scope), _Exposure("masked", name))
        if _HASH_NAME.match(lname) or _HASH_NAME.match(type(node).__name__):
            return _hashed(_union(self.value(a, scope) for a in args), name)
        if _MASK_NAME.match(lname) or _MASK_NAME.match(lname.rsplit(".", 1)[-1]):
            return _apply(self._first(node, scope), _named_mask(name, args))
        if isinstance(node, (exp.Left, exp.Right)):
            n = _int(node.expression)
            if isinstance(node, exp.Left):
                e = _Exposure("masked", "left", n, 0 if n is not None else None, n, True)
            else:
                e = _Exposure("masked", "right", 0 if n is not None else None, n, n, True)
            return _apply(self.value(node.this, scope), e)
        if isinstance(node, exp.Substring) or (isinstance(node, exp.Anonymous) and lname in _SUBSTRING_NAMES):
            subject, start, length = (
                (node.this, node.args.get("start"), node.args.get("length"))
                if isinstance(node, exp.Substring)
                else (
                    args[0] if args else None,
                    args[1] if len(args) > 1 else None,
                    args[2] if len(args) > 2 else None,
                )
            )
            return _apply(self.value(subject, scope), _substring(lname, _int(start), length))
        if isinstance(node, exp.Repeat):
            if _is_filler(node.this):
                return _Value(filler=True)
            return _union(self.value(a, scope) for a in args)
        if isinstance(node, exp.Pad):
            inner = self.value(node.this, scope)
            fill = node.args.get("fill_pattern")
            if fill is not None and _is_filler(fill) and inner.exposures:
                # Padding a truncated value with '*' is the mask; padding a clear value hides nothing.
                return inner
            return _union([inner, self.value(fill, scope)])
        if isinstance(node, (exp.Stuff, exp.Overlay)):
            return self.overlay(node, name, scope)
        if isinstance(node, exp.RegexpReplace):
            subject = self.value(node.this, scope)
            pattern, replacement = node.expression, node.args.get("replacement")
            if (
                isinstance(replacement, exp.Literal)
                and replacement.is_string
                and any(ch in _FILL_CHARS for ch in replacement.this)
            ):
                left, right = (
                    _regex_reveal(pattern.this, replacement.this)
                    if isinstance(pattern, exp.Literal)
                    else (None, None)
                )
                return _apply(subject, _Exposure("masked", "regexp_replace", left, right))
            return subject
        # Any other function (UPPER, CAST, COALESCE, MAX, STRING_AGG...) shows what its arguments show.
        return _union(self.value(a, scope) for a in args)

    def overlay(self, node: exp.Func, name: str, scope: Scope) -> _Value:
        """MySQL INSERT(x, p, l, '****') and PostgreSQL OVERLAY(x PLACING '****' FROM p FOR l)."""
        if isinstance(node, exp.Stuff):
            start, length, text = node.args.get("start"), node.args.get("length"), node.expression
        else:
            start, length, text = node.args.get("from_"), node.args.get("for_"), node.expression
        subject = self.value(node.this, scope)
        if not _is_filler(text):
            return _union([subject, self.value(text, scope)])
        p, n = _int(start), _int(length)
        out: dict[str, _Exposure] = {}
        for key, e in subject.exposures.items():
            if e.state != "clear":
                out[key] = e
                continue
            total = self.lengths.get(key)
            left = p - 1 if p is not None and p >= 1 else None
            right = (
                max(total - (p - 1 + n), 0) if total is not None and p is not None and n is not None else None
            )
            out[key] = _Exposure(
                "masked", "insert" if isinstance(node, exp.Stuff) else "overlay", left, right
            )
        return _Value(out)

    def _first(self, node: exp.Func, scope: Scope) -> _Value:
        args = _args(node)
        return self.value(args[0], scope) if args else _NOTHING

    def user_mask(self, name: str) -> bool:
        short = name.rsplit(".", 1)[-1]
        return any(fnmatch.fnmatchcase(name, m) or fnmatch.fnmatchcase(short, m) for m in self.masks)


# --------------------------------------------------------------------------- helpers


def _group_by_db(model: SchemaModel) -> dict[str, list[Table]]:
    groups: dict[str, list[Table]] = {}
    for table in model.tables.values():
        groups.setdefault(_Lineage.db_key(table), []).append(table)
    return groups


def _first_line(err: Exception) -> str:
    text = str(err).strip().splitlines()
    return (text[0] if text else type(err).__name__)[:200]


def _func_name(node: exp.Func) -> str:
    if isinstance(node, exp.Anonymous):
        return str(node.name)
    return node.sql_name().lower()


def _args(node: exp.Func) -> list[exp.Expression]:
    if isinstance(node, exp.Anonymous):
        return list(node.expressions)
    out: list[exp.Expression] = []
    for value in node.args.values():
        if isinstance(value, exp.Expression):
            out.append(value)
        elif isinstance(value, list):
            out.extend(v for v in value if isinstance(v, exp.Expression))
    return out


def _concat_pieces(node: exp.Expression) -> list[exp.Expression]:
    """The operands of `a || b || c`, CONCAT(a, b, c) or CONCAT_WS(sep, a, b), in order."""
    if isinstance(node, (exp.DPipe, exp.Or)):
        return [*_concat_pieces(node.this), *_concat_pieces(node.expression)]
    if isinstance(node, exp.ConcatWs):
        return list(node.expressions[1:])
    if isinstance(node, exp.Concat):
        out: list[exp.Expression] = []
        for piece in node.expressions:
            out.extend(_concat_pieces(piece) if isinstance(piece, (exp.DPipe, exp.Concat)) else [piece])
        return out
    if isinstance(node, exp.Paren):
        return _concat_pieces(node.this)
    return [node]


def _concat_reveal(own: list[tuple[int, _Exposure]], fills: list[int]) -> _Exposure:
    """Leading and trailing characters a concatenation of truncations reveals.

    Pieces before the first filler count to the left, pieces after the last one to the right, and
    pieces between fillers to the left (a middle reveal is still a reveal). Without a filler each
    truncation keeps its own side.
    """
    left: int | None = 0
    right: int | None = 0
    for i, e in own:
        if e.state == "hashed":
            continue
        if not fills:
            add_left, add_right = e.left, e.right
        elif i > fills[-1]:
            add_left, add_right = 0, e.width
        else:
            add_left, add_right = e.width, 0
        left = None if left is None or add_left is None else left + add_left
        right = None if right is None or add_right is None else right + add_right
    masks = {e.mask for _, e in own if e.state == "masked"}
    return _Exposure("masked", "concat" if fills or len(own) > 1 else masks.pop(), left, right)


def _substring(name: str, start: int | None, length_node: exp.Expression | None) -> _Exposure:
    length = _int(length_node)
    if start is None or (length_node is not None and length is None):
        return _Exposure("masked", name, None, None, None, True)
    if start < 0:  # SUBSTR(x, -4): the last four
        shown = -start if length is None else min(length, -start)
        return _Exposure("masked", name, 0, shown, shown, True)
    if length is None:  # SUBSTR(x, 4): everything from the fourth character on
        return _Exposure("masked", name, 0, None, None, True)
    first = max(start, 1)
    # A reveal from the middle: standing alone it is measured to its last character, the
    # conservative reading; in a concatenation its position decides (see `_concat_reveal`).
    return _Exposure("masked", name, first - 1 + length, 0, length, True)


def _named_mask(name: str, args: list[exp.Expression]) -> _Exposure:
    """Widths of the mask functions whose arguments say them."""
    short = name.lower().rsplit(".", 1)[-1]
    nums = [_int(a) for a in args[1:]]
    if short == "partial" and len(args) >= 4:  # anon.partial(x, 2, '*', 3), DDM partial(2, '*', 3)
        return _Exposure("masked", name, nums[0], nums[2])
    if short == "mask_inner" and len(args) >= 3:  # MySQL: keep m1 leading and m2 trailing characters
        return _Exposure("masked", name, nums[0], nums[1])
    if short == "mask_pan":
        return _Exposure("masked", name, 0, 4)
    if short == "mask_pan_relaxed":
        return _Exposure("masked", name, 6, 4)
    return _Exposure("masked", name)


_LENGTH = re.compile(
    r"^(?:var)?char(?:acter)?(?: varying)?\((\d+)\)$|^varchar2?\((\d+)\)$|^nvarchar\((\d+)\)$"
)


def _type_length(type_: str) -> int | None:
    m = _LENGTH.match(type_ or "")
    return int(next(g for g in m.groups() if g)) if m else None


# --------------------------------------------------------------------------- public API


def view_flows(model: SchemaModel, mask_functions: Sequence[str] = ()) -> list[Flow]:
    """The flows of every view of `model` whose query is known; problems go to `model.errors`.

    `mask_functions` are the names (or globs, `util.mask_*`) of the deployment's own mask functions,
    on top of the names RULES.md §4 recognises.
    """
    lineage = _Lineage(model, mask_functions)
    flows: list[Flow] = []
    for table in model.tables.values():
        if table.kind == "view" and table.view_sql:
            flows.extend(_flows(table, lineage.view(table) or []))
    return flows


def _flows(table: Table, outputs: list[tuple[str, _Value]]) -> list[Flow]:
    """One flow per output column and distinct exposure of its sources."""
    flows: list[Flow] = []
    for name, value in outputs:
        groups: dict[_Exposure, list[str]] = {}
        for key, e in value.exposures.items():
            groups.setdefault(e, []).append(key)
        for e, keys in groups.items():
            flows.append(
                Flow(
                    view=table.qualified,
                    output_column=name,
                    sources=sorted(keys),
                    masked=e.state != "clear",
                    mask=e.mask,
                    revealed_left=e.left if e.state != "clear" else None,
                    revealed_right=e.right if e.state != "clear" else None,
                    location=table.location,
                    hashed=e.state == "hashed",
                )
            )
    return flows


def query_flows(
    model: SchemaModel, queries: Sequence[tuple[Table, str]], mask_functions: Sequence[str] = ()
) -> list[list[Flow]]:
    """The flows of queries that are not views: `INSERT … SELECT`, `CREATE TABLE … AS`, exports.

    Each query comes with a `Table` standing for its result (`kind` "query", `name` saying what it is,
    `location` the statement's, `schema` where unqualified names resolve first, `columns` the target
    columns when the statement lists them, in order); the result has one list of flows per query,
    named after that table. Problems go to `model.errors`.
    """
    lineage = _Lineage(model, mask_functions)
    out: list[list[Flow]] = []
    for stand_in, sql in queries:
        stand_in.view_sql = sql
        out.append(_flows(stand_in, lineage.view(stand_in) or []))
    return out
