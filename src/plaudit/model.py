"""The shared vocabulary of every room: schema objects, classifications, violations, runs.

No I/O lives here. Scanners build a `SchemaModel` (mutable while statements are replayed into it);
the catalog room classifies its columns; the pipeline turns both into the facts document that the
policies judge; reports render the resulting `Run` (its JSON form is SPEC §6).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Severity(enum.StrEnum):
    """Violation severity, ordered from the most to the least serious."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        """4 for critical down to 1 for low: compare with `>=` against a fail level."""
        return {"critical": 4, "high": 3, "medium": 2, "low": 1}[self.value]


#: Violation kinds of SPEC §5. A policy may add rule ids, never kinds outside this list.
KINDS: tuple[str, ...] = (
    "untagged_pii",
    "catalog_stale",
    "unencrypted_sensitive",
    "plaintext_in_protected_column",
    "weak_protection",
    "prohibited_storage",
    "unmasked_exposure",
    "excessive_access",
    "retention_undeclared",
    "retention_exceeded",
    "retention_floor_violated",
    "pii_in_logs",
    "missing_purpose_or_basis",
    "cross_border_transfer",
    "transport_unencrypted",
)


@dataclass(frozen=True)
class Location:
    """Where something was declared: a file and 1-based line, or a database object."""

    path: str
    line: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line}

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(slots=True)  # created for every column of every scanned table
class Column:
    """A column as a scanner found it. `type` is the SQL type as written, lower-cased (`varchar(32)`)."""

    name: str
    type: str = ""
    comment: str | None = None
    nullable: bool = True
    location: Location | None = None


@dataclass
class Table:
    """A table or view. Column order is declaration order (dicts keep insertion order).

    Column keys are lower-cased names; `Column.name` keeps the spelling of the source.
    """

    name: str
    schema: str | None = None
    columns: dict[str, Column] = field(default_factory=dict)
    comment: str | None = None
    kind: str = "table"  # table | view
    view_sql: str | None = None
    location: Location | None = None
    # Indexes, UNIQUE constraints and primary keys: (key columns, unique, where declared). An index keeps
    # a second copy of its keys' values; the index rules judge the ones on sensitive columns.
    keys: list[tuple[tuple[str, ...], bool, Location | None]] = field(default_factory=list)

    @property
    def qualified(self) -> str:
        """`schema.table`, or `table` when the source named no schema (SPEC §6 resource rule)."""
        return f"{self.schema}.{self.name}" if self.schema else self.name


@dataclass(frozen=True)
class Grant:
    """A privilege on a table (or some of its columns) given to a grantee (`PUBLIC` for everyone)."""

    privilege: str
    table: str
    grantee: str
    schema: str | None = None
    columns: tuple[str, ...] = ()
    location: Location | None = None


@dataclass(frozen=True)
class ScanError:
    """A problem with one input object; the scan records it and goes on (SPEC §9)."""

    path: str
    message: str
    line: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "message": self.message}


@dataclass(slots=True)  # not frozen: a frozen __init__ costs more, and the scan records thousands
class Operation:
    """A statement that copies, exports or destroys data, kept for the migration rules.

    (Indexes live on their table, `Table.keys`; the facts present them as `index` operations.)
    `op` is one of:
    - `copy`: `INSERT INTO table [(columns)] SELECT …` or `CREATE TABLE table AS SELECT …`; `query` is the
      whole INSERT statement or the CTAS query as written (parsed only when judged), whose lineage says
      which source columns land in which target column;
    - `export`: a bulk export (`COPY … TO`, `\\copy … to`, `SELECT … INTO OUTFILE`, `UNLOAD`,
      `EXPORT DATA`) of the table (`columns`, or all of them) or of `query`; `statement` names the form;
    - `truncate`, `drop`: the table's rows are destroyed;
    - `delete`: `DELETE FROM table WHERE anchor < now() - older_than_days`.
    `approval` is the ticket of a `-- plaudit: approved ticket="…"` annotation on the statement.
    """

    op: str
    table: str
    schema: str | None = None
    columns: tuple[str, ...] = ()
    unique: bool = False
    query: str | None = None
    statement: str | None = None
    anchor: str | None = None
    older_than_days: int | None = None
    approval: str | None = None
    location: Location | None = None


@dataclass
class SchemaModel:
    """Everything a scanner learned about one target.

    Tables are keyed by lower-cased `(schema or "", name)` so that replayed statements find the table
    whatever case they spell it in.
    """

    tables: dict[tuple[str, str], Table] = field(default_factory=dict)
    grants: list[Grant] = field(default_factory=list)
    errors: list[ScanError] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    dialect: str | None = None
    operations: list[Operation] = field(default_factory=list)
    # Where a table or column stopped existing under its name (renamed or dropped), keyed like
    # `column_keys` with "" as the column of a table: a stale catalog entry points at that statement.
    removed: dict[tuple[str, str, str], Location] = field(default_factory=dict)
    # A pre-merge check's head: (schema, table, column), lower-cased, of the columns the base lacks.
    added_columns: frozenset[tuple[str, str, str]] | None = None

    def column_keys(self) -> set[tuple[str, str, str]]:
        """(schema, table, column), lower-cased, of every column of every base table."""
        return {
            (key[0], key[1], name)
            for key, table in self.tables.items()
            if table.kind == "table"
            for name in table.columns
        }

    @staticmethod
    def key(schema: str | None, name: str) -> tuple[str, str]:
        return ((schema or "").lower(), name.lower())

    def get(self, schema: str | None, name: str) -> Table | None:
        return self.tables.get(self.key(schema, name))

    def add(self, table: Table) -> None:
        self.tables[self.key(table.schema, table.name)] = table


@dataclass(frozen=True)
class Evidence:
    """One reason behind a classification: where it came from and what it said.

    `source` is one of name | comment | type | table | value | catalog. `weight` is signed: negative
    evidence (a `*_time` suffix, a foreign-key `*_id`) lowers confidence.
    """

    source: str
    detail: str
    weight: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "detail": self.detail}


@dataclass(frozen=True)
class Classification:
    """The verdict on one column. `category` is None for a column that holds no personal information."""

    category: str | None
    confidence: float
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Waiver:
    """A governed exception from the catalog's `exceptions:` (SPEC §3)."""

    rule: str  # a rule id or a kind
    resource: str  # exact resource, or a glob (`lending.public.customer.*`)
    reason: str
    owner: str
    expires: str  # ISO date
    location: Location | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "resource": self.resource,
            "reason": self.reason,
            "owner": self.owner,
            "expires": self.expires,
        }


@dataclass(frozen=True)
class ColumnTarget:
    """A column the data checks should sample, with what the catalog and classifier say of it."""

    schema: str | None
    table: str
    column: str
    resource: str
    category: str | None  # effective category (catalog first, then classifier); None for unclassified
    declared_protection: str | None = None  # catalog protection.method, None when not declared
    type: str = ""


@dataclass(frozen=True)
class TableTarget:
    """A table the data checks look at as a whole: retention age and personal data in log tables."""

    schema: str | None
    table: str
    resource: str
    retention_period: str | None = None  # e.g. "5y", "30d"
    retention_anchor: str | None = None  # the column whose age counts
    legal_hold: str | None = None  # boolean column: rows on hold are exempt
    soft_delete: str | None = None  # column set when a row is soft-deleted
    is_log: bool = False  # a log / audit / temp / backup table by name or catalog zone
    columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class DataCheck:
    """The result of one check on sampled values: counts, rates and masked exemplars only, never values.

    `check` is one of detectors | plaintext | ciphertext | password_format | retention | log_pii.
    `resource` names the column (or the table for retention and log checks).
    """

    check: str
    resource: str
    sampled: int = 0
    matched: int = 0
    details: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    @property
    def rate(self) -> float:
        return self.matched / self.sampled if self.sampled else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "resource": self.resource,
            "sampled": self.sampled,
            "matched": self.matched,
            "rate": round(self.rate, 4),
            "details": self.details,
            "error": self.error,
        }
