"""Assemble the facts document (docs/facts.md) from a scanned schema, the catalog and the classifier.

This is where the catalog's word and the scanners' observations meet: for every column it records the
effective category (the catalog's when listed, else the classifier's), the declared or observed
protection, and for every catalog entry whether the scan found it. It decides nothing: the policies do.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from plaudit.catalog.classify import Classifier
from plaudit.catalog.loader import Catalog
from plaudit.catalog.taxonomy import Taxonomy, level_rank
from plaudit.model import (
    Classification,
    Column,
    ColumnTarget,
    DataCheck,
    Evidence,
    Operation,
    SchemaModel,
    Table,
    TableTarget,
)
from plaudit.scanners.lineage import Flow, query_flows, view_flows

FACTS_VERSION = "1"

# Names, types and comments that say a column holds ciphertext or a digest rather than the clear value.
_CIPHER_NAME = re.compile(r"(^|_)(enc|encrypt(ed)?|cipher(text)?|crypt(ed)?|sm4|aes|secured?)($|_)", re.I)
_HASH_NAME = re.compile(r"(^|_)(hash(ed)?|digest|md5|sha1|sha256|sha512|sm3|bcrypt|argon2|hmac)($|_)", re.I)
_CIPHER_COMMENT = re.compile(r"加密|密文|encrypt|cipher", re.I)
_HASH_COMMENT = re.compile(r"哈希|散列|摘要|hash|digest|bcrypt|md5|sha", re.I)
_BINARY_TYPE = re.compile(r"^(bytea|blob|longblob|mediumblob|varbinary|binary)", re.I)


@dataclass
class ClassifiedColumn:
    """A scanned column with its resource name and classification, as reports show it."""

    resource: str
    dataset: str | None
    table: Table
    column: Column
    detected: Classification
    category: str | None
    level: str | None
    confidence: float
    in_catalog: bool
    evidence: list[Evidence] = field(default_factory=list)

    def to_report(self) -> dict[str, Any]:
        return {
            "resource": self.resource,
            "table": self.table.name,
            "column": self.column.name,
            "category": self.category,
            "level": self.level,
            "confidence": round(self.confidence, 2),
            "in_catalog": self.in_catalog,
            "evidence": [e.to_json() for e in self.evidence],
        }


def resource_name(dataset: str | None, schema: str | None, *parts: str) -> str:
    """`[dataset.]schema.table[.column]`, or `table[.column]` when no schema is known (SPEC §6)."""
    return ".".join(p for p in (dataset, schema, *parts) if p)


def observed_protection(column: Column, category: str | None) -> tuple[str | None, str | None]:
    """(method, marker) guessed from name, type and comment; (None, None) when nothing says so."""
    name = column.name
    comment = column.comment or ""
    marker: str | None = None
    method: str | None = None
    if _HASH_NAME.search(name) or _HASH_COMMENT.search(comment):
        method, marker = "kdf_hash", "hash"
    elif _CIPHER_NAME.search(name) or _CIPHER_COMMENT.search(comment):
        method, marker = "encrypted", "cipher"
    elif _BINARY_TYPE.match(column.type or "") and category not in ("media.photo", "auth.biometric"):
        method, marker = "encrypted", "binary type"
    # `encrypted_password` / `crypted_password` name the bcrypt-style digest of most web frameworks;
    # sampling (data checks) tells a real KDF from a reversible one.
    if method == "encrypted" and category == "auth.password":
        method = "kdf_hash"
    return method, marker


def classify_model(
    model: SchemaModel, catalog: Catalog, classifier: Classifier, target: str | None = None
) -> list[ClassifiedColumn]:
    """Classify every column of every table, merging the catalog's declarations in."""
    taxonomy = catalog.taxonomy
    out: list[ClassifiedColumn] = []
    for table in model.tables.values():
        entry = catalog.lookup(table.schema, table.name, target)
        dataset = entry.dataset if entry else catalog.dataset_for(table.schema, target)
        verdicts = classifier.classify_table(table)
        for key, column in table.columns.items():
            detected = verdicts.get(key) or Classification(None, 0.0)
            declared = entry.columns.get(key) if entry else None
            evidence = list(detected.evidence)
            if declared is not None:
                category = declared.category
                confidence = 1.0
                where = f" ({declared.location})" if declared.location else ""
                evidence.insert(
                    0, Evidence("catalog", f"catalog lists it as {category or 'not personal'}{where}", 1.0)
                )
            else:
                category = detected.category
                confidence = detected.confidence if category else 0.0
            cat = taxonomy.get(category)
            level = (declared.level if declared and declared.level else None) or (cat.level if cat else None)
            out.append(
                ClassifiedColumn(
                    resource=resource_name(dataset, table.schema, table.name, column.name),
                    dataset=dataset,
                    table=table,
                    column=column,
                    detected=detected,
                    category=category,
                    level=level,
                    confidence=confidence,
                    in_catalog=declared is not None,
                    evidence=evidence,
                )
            )
    return out


def build_facts(
    model: SchemaModel,
    catalog: Catalog,
    columns: list[ClassifiedColumn],
    *,
    mode: str,
    target: str,
    now: dt.datetime,
    data_checks: Sequence[DataCheck] = (),
    mask_functions: Sequence[str] = (),
) -> dict[str, Any]:
    """The policy input document (version 1, docs/facts.md).

    `mask_functions` names the deployment's own SQL mask functions for view lineage (`flows`).
    """
    taxonomy = catalog.taxonomy
    by_table: dict[int, list[ClassifiedColumn]] = {}
    for col in columns:
        by_table.setdefault(id(col.table), []).append(col)

    tables_facts: list[dict[str, Any]] = []
    column_facts: list[dict[str, Any]] = []
    matched_files: set[int] = set()
    found: set[tuple[int, str | None]] = set()
    scanned_name: dict[int, str] = {}  # catalog entry -> resource of the table the scan found for it
    row_security: dict[str, bool] = model.settings.get("row_security") or {}
    table_resources: dict[int, str] = {}

    for table in model.tables.values():
        entry = catalog.lookup(table.schema, table.name, target)
        cols = by_table.get(id(table), [])
        dataset = (
            cols[0].dataset
            if cols
            else (entry.dataset if entry else catalog.dataset_for(table.schema, target))
        )
        if entry is not None:
            found.add((id(entry), None))
            scanned_name[id(entry)] = resource_name(dataset, table.schema, table.name)
            if entry.file is not None:
                matched_files.add(id(entry.file))
        elif any(True for _ in catalog.files_for(table.schema, target)):
            for cfile in catalog.files_for(table.schema, target):
                if cfile.schemas and table.schema:
                    matched_files.add(id(cfile))
        pi = [c for c in cols if c.category]
        qualified = f"{table.schema}.{table.name}" if table.schema else table.name
        max_level = max((c.level for c in pi if c.level), key=level_rank, default=None)
        table_resources[id(table)] = resource_name(dataset, table.schema, table.name)
        tables_facts.append(
            {
                "resource": resource_name(dataset, table.schema, table.name),
                "dataset": dataset,
                "schema": table.schema,
                "table": table.name,
                "kind": table.kind,
                "location": table.location.to_json() if table.location else None,
                "in_catalog": entry is not None,
                "catalog": entry.to_facts() if entry else None,
                "columns": [c.column.name for c in cols],
                "pi_columns": [c.column.name for c in pi],
                "max_level": max_level,
                "row_security": bool(row_security.get(qualified)),
                "is_log": is_log_table(table.name),
            }
        )
        for col in cols:
            declared = entry.columns.get(col.column.name.lower()) if entry else None
            if declared is not None and entry is not None:
                found.add((id(entry), col.column.name.lower()))
            column_facts.append(_column_facts(col, declared, taxonomy))

    if model.added_columns is not None:  # a pre-merge check: which columns the change adds
        for col, fact in zip(columns, column_facts, strict=True):
            key = model.key(col.table.schema, col.table.name)
            fact["added"] = (key[0], key[1], col.column.name.lower()) in model.added_columns

    return {
        "schema_version": FACTS_VERSION,
        "run": {"mode": mode, "now": now.isoformat().replace("+00:00", "Z"), "target": target},
        "taxonomy": taxonomy.to_json(),
        "tables": tables_facts,
        "columns": column_facts,
        "catalog_entries": _catalog_entries(catalog, matched_files, found, scanned_name, model),
        "waivers": [
            {
                **w.to_json(),
                "expired": _expired(w.expires, now),
                "location": w.location.to_json() if w.location else None,
            }
            for w in catalog.waivers
        ],
        "grants": [
            {
                "privilege": g.privilege,
                "schema": g.schema,
                "table": g.table,
                "columns": list(g.columns),
                "grantee": g.grantee,
                "location": g.location.to_json() if g.location else None,
            }
            for g in model.grants
        ],
        "settings": {k: v for k, v in model.settings.items() if k != "row_security"},
        "data_checks": [check.to_json() for check in data_checks],
        "flows": _flow_facts(view_flows(model, mask_functions), model, columns, table_resources, taxonomy),
        "operations": _operation_facts(
            model, catalog, columns, table_resources, taxonomy, target=target, mask_functions=mask_functions
        ),
    }


def _flow_facts(
    flows: list[Flow],
    model: SchemaModel,
    columns: list[ClassifiedColumn],
    table_resources: dict[int, str],
    taxonomy: Taxonomy,
) -> list[dict[str, Any]]:
    """The view flows that carry personal information, named the way `columns` names things.

    Lineage names a source `schema.table.column` as the model spells it; the classified column with that
    spelling gives its resource (dataset included) and category. Flows of unclassified columns only are
    left out: no policy judges them.
    """
    by_source = {f"{c.table.qualified}.{c.column.name}": c for c in columns}
    out: list[dict[str, Any]] = []
    for flow in flows:
        sources = [by_source[s] for s in flow.sources if s in by_source]
        personal = [c for c in sources if c.category]
        if not personal:
            continue
        view = model.tables.get(_view_key(flow.view, model))
        categories = sorted({c.category for c in personal if c.category})
        pci = {cat.pci for cat in (taxonomy.get(c.category) for c in personal) if cat is not None and cat.pci}
        out.append(
            {
                "view": table_resources.get(id(view), flow.view) if view is not None else flow.view,
                "column": flow.output_column,
                "sources": [c.resource for c in sources],
                "categories": categories,
                "max_level": max((c.level for c in personal if c.level), key=level_rank, default=None),
                # PAN wins over other PCI roles: the display rules judge card numbers by it.
                "pci": "PAN" if "PAN" in pci else (sorted(pci)[0] if pci else None),
                "masked": flow.masked,
                "hashed": flow.hashed,
                "mask": flow.mask,
                "revealed_left": flow.revealed_left,
                "revealed_right": flow.revealed_right,
                "location": flow.location.to_json() if flow.location else None,
            }
        )
    return out


def _operation_facts(
    model: SchemaModel,
    catalog: Catalog,
    columns: list[ClassifiedColumn],
    table_resources: dict[int, str],
    taxonomy: Taxonomy,
    *,
    target: str,
    mask_functions: Sequence[str],
) -> list[dict[str, Any]]:
    """The statements the migration rules judge (docs/facts.md, "Operations"), those that touch
    personal information or a table the catalog describes; the rest would only make the input larger.
    """
    by_table: dict[int, dict[str, ClassifiedColumn]] = {}
    for col in columns:
        by_table.setdefault(id(col.table), {})[col.column.name.lower()] = col
    by_key = {id(c): f"{c.table.qualified}.{c.column.name}" for c in columns}
    by_source = {by_key[id(c)]: c for c in columns}

    def table_facts(op: Operation) -> dict[str, Any]:
        table = model.get(op.schema, op.table)
        entry = catalog.lookup(op.schema, op.table, target)
        if table is not None and id(table) in table_resources:
            resource = table_resources[id(table)]
        else:
            dataset = entry.dataset if entry else catalog.dataset_for(op.schema, target)
            resource = resource_name(dataset, op.schema, op.table)
        personal = [c for c in by_table.get(id(table), {}).values() if c.category] if table else []
        return {
            "op": op.op,
            "statement": op.statement,
            "resource": resource,
            "schema": op.schema,
            "table": op.table,
            "is_log": is_log_table(op.table),
            "catalog": entry.to_facts() if entry else None,
            "categories": sorted({c.category for c in personal if c.category}),
            "max_level": max((c.level for c in personal if c.level), key=level_rank, default=None),
            "approval": op.approval,
            "location": op.location.to_json() if op.location else None,
        }

    def column_brief(col: ClassifiedColumn) -> dict[str, Any]:
        cat = taxonomy.get(col.category)
        declared = catalog.lookup(col.table.schema, col.table.name, target)
        entry_col = declared.columns.get(col.column.name.lower()) if declared else None
        method = (entry_col.protection or {}).get("method") if entry_col is not None else None
        return {
            "resource": col.resource,
            "column": col.column.name,
            "category": col.category,
            "level": col.level,
            "pci": cat.pci if cat else None,
            "protection": method or observed_protection(col.column, col.category)[0] or "none",
        }

    def flow_brief(flow: Flow) -> dict[str, Any] | None:
        personal = [by_source[s] for s in flow.sources if s in by_source and by_source[s].category]
        if not personal:
            return None
        pci = {cat.pci for cat in (taxonomy.get(c.category) for c in personal) if cat is not None and cat.pci}
        return {
            "column": flow.output_column,
            "sources": [c.resource for c in personal],
            # Every source is stored encrypted, hashed or tokenized: what moves is not the clear value.
            "protected": all(column_brief(c)["protection"] in _PROTECTED_AT_REST for c in personal),
            "categories": sorted({c.category for c in personal if c.category}),
            "max_level": max((c.level for c in personal if c.level), key=level_rank, default=None),
            "pci": "PAN" if "PAN" in pci else (sorted(pci)[0] if pci else None),
            "masked": flow.masked,
            "hashed": flow.hashed,
        }

    # A copy or export whose text names no personal column (and selects no `*`) carries none: its
    # query need not be parsed. Data migrations are many, and most move reference data.
    personal_names = {c.column.name.lower() for c in columns if c.category}

    def may_carry(query: str) -> bool:
        text = query.lower()
        return "*" in text or any(name in text for name in personal_names)

    out: list[dict[str, Any]] = []
    for table in model.tables.values():
        cols = by_table.get(id(table), {})
        for names, unique, loc in table.keys if cols else ():
            keyed = [c for name in names if (c := cols.get(name.lower())) is not None and c.category]
            if keyed:
                fact = table_facts(Operation("index", table.name, table.schema, location=loc))
                fact["unique"] = unique
                fact["columns"] = [column_brief(c) for c in keyed]
                out.append(fact)
    queries: list[tuple[int, Table, str]] = []
    for op in model.operations:
        if op.op in ("copy", "export"):
            fact = table_facts(op)
            into = model.get(op.schema, op.table)
            if op.query and not may_carry(op.query):
                continue
            if op.query:
                stand_in = Table(
                    name=f"{op.statement} at {op.location}" if op.location else str(op.statement),
                    schema=op.schema,
                    kind="query",
                    location=op.location,
                    # An INSERT without a column list fills the target's columns in order.
                    columns=dict(into.columns) if op.op == "copy" and into is not None else {},
                )
                queries.append((len(out), stand_in, op.query))
                fact["flows"] = []
            else:  # a whole table (or some of its columns) exported as it is stored
                cols = by_table.get(id(into), {})
                chosen = [cols[c.lower()] for c in op.columns if c.lower() in cols] or list(cols.values())
                stored = (
                    Flow("", c.column.name, [by_key[id(c)]], False, None, None, None, None) for c in chosen
                )
                fact["flows"] = [b for f in stored if (b := flow_brief(f)) is not None]
            out.append(fact)
        else:  # truncate, drop, delete: judged against the table's legal retention floor
            fact = table_facts(op)
            if op.op == "delete":
                fact["anchor"] = op.anchor
                fact["older_than_days"] = op.older_than_days
            if fact["catalog"] is not None or fact["categories"]:
                out.append(fact)
    if queries:
        results = query_flows(model, [(t, sql) for _, t, sql in queries], mask_functions)
        for (index, _, _), flows in zip(queries, results, strict=True):
            out[index]["flows"] = [b for f in flows if (b := flow_brief(f)) is not None]
    kept = [f for f in out if f["op"] not in ("copy", "export") or f["flows"]]
    for fact in kept:
        if not fact["table"]:  # an export of a query names the tables it reads
            fact["resource"] = sorted({s.rsplit(".", 1)[0] for f in fact["flows"] for s in f["sources"]})[0]
    return kept


_PROTECTED_AT_REST = frozenset({"encrypted", "kdf_hash", "keyed_hash", "tokenized", "truncated"})


def _view_key(qualified: str, model: SchemaModel) -> tuple[str, str]:
    schema, _, name = qualified.rpartition(".")
    return model.key(schema or None, name)


def _column_facts(col: ClassifiedColumn, declared: Any, taxonomy: Taxonomy) -> dict[str, Any]:
    cat = taxonomy.get(col.category)
    method, marker = observed_protection(col.column, col.category)
    declared_method = (declared.protection or {}).get("method") if declared is not None else None
    return {
        "resource": col.resource,
        "dataset": col.dataset,
        "schema": col.table.schema,
        "table": col.table.name,
        "column": col.column.name,
        "type": col.column.type,
        "comment": col.column.comment,
        "location": col.column.location.to_json() if col.column.location else None,
        "category": col.category,
        "level": col.level,
        "pipl_sensitive": bool(cat.pipl_sensitive) if cat else False,
        "pci": cat.pci if cat else None,
        "confidence": round(col.confidence, 3),
        "in_catalog": col.in_catalog,
        "detected": _detected(col),
        "catalog": (
            {"category": declared.category, "level": declared.level, "protection": declared.protection}
            if declared is not None
            else None
        ),
        "protection": declared_method or method or "none",
        "observed": {"encryption_marker": marker is not None, "marker": marker},
    }


def _detected(col: ClassifiedColumn) -> dict[str, Any] | None:
    """plaudit's own verdict: for a column outside the catalog it includes value evidence; for a listed
    column it is the name/comment verdict, which the policies compare with the catalog's word."""
    if not col.in_catalog:
        return {"category": col.category, "confidence": round(col.confidence, 3)} if col.category else None
    if col.detected.category:
        return {"category": col.detected.category, "confidence": round(col.detected.confidence, 3)}
    return None


def _catalog_entries(
    catalog: Catalog,
    matched_files: set[int],
    found: set[tuple[int, str | None]],
    scanned_name: dict[int, str],
    model: SchemaModel,
) -> list[dict[str, Any]]:
    """Every table and column of the catalog files that describe this target, found or not.

    A catalog file none of whose tables or schemas appear in the scan describes another database; its
    entries are left out rather than all reported stale.
    """
    entries: list[dict[str, Any]] = []
    for cfile in catalog.files:
        if id(cfile) not in matched_files:
            continue
        for table in cfile.tables:
            # Name entries the way the scan names the table, so a stale column reads like its siblings;
            # a table never found gets the schema its file is matched to, when that is a single one.
            schema = table.schema or (cfile.schemas[0] if cfile.schemas and len(cfile.schemas) == 1 else None)
            table_res = scanned_name.get(id(table)) or resource_name(table.dataset, schema, table.name)
            table_found = (id(table), None) in found
            entry: dict[str, Any] = {
                "resource": table_res,
                "kind": "table",
                "found": table_found,
                "location": table.location.to_json() if table.location else None,
            }
            if not table_found:
                _mark_removed(entry, model, schema, table.name, "")
            entries.append(entry)
            if not table_found:
                continue
            for key, column in table.columns.items():
                entry = {
                    "resource": f"{table_res}.{column.name}",
                    "kind": "column",
                    "found": (id(table), key) in found,
                    "location": column.location.to_json() if column.location else None,
                }
                if not entry["found"]:
                    _mark_removed(entry, model, schema, table.name, key)
                entries.append(entry)
    return entries


def _mark_removed(
    entry: dict[str, Any], model: SchemaModel, schema: str | None, table: str, column: str
) -> None:
    """`removed_at`: the statement that renamed or dropped what a stale entry describes, if scanned."""
    if not model.removed:
        return
    key = model.key(schema, table)
    loc = model.removed.get((key[0], key[1], column.lower()))
    if loc is None and not schema:  # a catalog key without a schema matches the table in any schema
        loc = next((v for (_, t, c), v in model.removed.items() if t == key[1] and c == column.lower()), None)
    if loc is not None:
        entry["removed_at"] = loc.to_json()


def _expired(expires: str, now: dt.datetime) -> bool:
    """A waiver is valid through its expiry date and expired from the next day on."""
    try:
        return dt.date.fromisoformat(expires) < now.date()
    except ValueError:
        return True


# Tables whose rows are copies or traces rather than the record itself: personal data found there is
# `pii_in_logs` (RULES.md R41, R38). Matched on whole name parts, so `catalog` or `dialog` never match.
_LOG_TABLE = re.compile(
    r"(^|_)(log|logs|audit|audits|trace|traces|journal|tmp|temp|bak|backup|backups|copy|archive|dump)(_|$|\d)",
    re.I,
)


def is_log_table(name: str) -> bool:
    return bool(_LOG_TABLE.search(name))


def plan_data_checks(
    model: SchemaModel, catalog: Catalog, columns: list[ClassifiedColumn], target: str | None = None
) -> tuple[list[ColumnTarget], list[TableTarget]]:
    """What the data checks should sample: every text-like or classified column of base tables, and
    every table with a declared retention or a log-like name."""
    column_targets: list[ColumnTarget] = []
    for col in columns:
        if col.table.kind != "table":
            continue
        entry = catalog.lookup(col.table.schema, col.table.name, target)
        declared = entry.columns.get(col.column.name.lower()) if entry else None
        method = (declared.protection or {}).get("method") if declared is not None else None
        column_targets.append(
            ColumnTarget(
                schema=col.table.schema,
                table=col.table.name,
                column=col.column.name,
                resource=col.resource,
                category=col.category,
                declared_protection=method,
                type=col.column.type,
            )
        )
    table_targets: list[TableTarget] = []
    seen: set[int] = set()
    for col in columns:
        table = col.table
        if table.kind != "table" or id(table) in seen:
            continue
        seen.add(id(table))
        entry = catalog.lookup(table.schema, table.name, target)
        retention = (entry.retention if entry else None) or {}
        log = is_log_table(table.name) or bool(entry and entry.zone == "edge")
        if not (retention.get("period") and retention.get("anchor")) and not log:
            continue
        table_targets.append(
            TableTarget(
                schema=table.schema,
                table=table.name,
                resource=resource_name(col.dataset, table.schema, table.name),
                retention_period=retention.get("period"),
                retention_anchor=retention.get("anchor"),
                legal_hold=retention.get("legal_hold"),
                soft_delete=retention.get("soft_delete"),
                is_log=log,
                columns=tuple(c.name for c in table.columns.values()),
            )
        )
    return column_targets, table_targets


# Detectors with a checksum (or a format no other data has) can name a column's content by themselves;
# the others (mobile, e-mail, IP) need most of the sample to agree before they overrule the name.
_CHECKSUMMED = {"resident_id", "bank_card", "track"}
_RAISE_RATE = {"checksummed": 0.05, "plain": 0.5}
_LOWER_MIN_SAMPLED = 20


def apply_value_evidence(
    columns: list[ClassifiedColumn], checks: Sequence[DataCheck], taxonomy: Taxonomy, threshold: float = 0.5
) -> None:
    """Let sampled values raise or lower the classification of columns the catalog does not describe.

    A column named `ext2` whose values are valid resident ID numbers becomes an ID column; a column named
    like a card number whose values are never Luhn-valid card numbers loses confidence. The catalog's word
    is never changed: drift between the catalog and the data is for the policies (JRT0171-CLASS-DRIFT).
    """
    from plaudit.catalog.detectors import DETECTORS

    by_resource = {c.resource: c for c in checks if c.check == "detectors" and not c.error and c.sampled}
    for col in columns:
        check = by_resource.get(col.resource)
        if check is None or col.in_catalog:
            continue
        rates = {
            name: float(stats.get("rate", 0.0))
            for name, stats in check.details.items()
            if isinstance(stats, dict) and name in DETECTORS and not DETECTORS[name].context_only
        }
        best = max(
            (n for n in rates if DETECTORS[n].category),
            key=lambda n: (n in _CHECKSUMMED, rates[n]),
            default=None,
        )
        if best is not None:
            rate = rates[best]
            category = DETECTORS[best].category
            needed = _RAISE_RATE["checksummed" if best in _CHECKSUMMED else "plain"]
            if category and rate >= needed and category in taxonomy:
                detail = f"{rate:.0%} of {check.sampled} sampled values pass the {best} validator"
                if col.category != category:
                    col.category = category
                    col.level = taxonomy[category].level
                    col.confidence = min(0.99, 0.6 + 0.4 * rate)
                else:
                    col.confidence = max(col.confidence, min(0.99, 0.8 + 0.2 * rate))
                col.evidence.append(Evidence("value", detail, rate))
                continue
        # Lower only what a validator could have confirmed, and only for values that are not protected:
        # ciphertext and masked values never validate, and that is the point of protecting them.
        expected = [n for n, d in DETECTORS.items() if d.category == col.category and not d.context_only]
        if (
            col.category
            and expected
            and check.sampled >= _LOWER_MIN_SAMPLED
            and all(rates.get(n, 0.0) == 0.0 for n in expected)
            and observed_protection(col.column, col.category)[0] is None
        ):
            col.confidence *= 0.5
            col.evidence.append(
                Evidence(
                    "value",
                    f"none of {check.sampled} sampled values passes the {expected[0]} validator",
                    -0.5,
                )
            )
            if col.confidence < threshold:
                col.category, col.level = None, None
