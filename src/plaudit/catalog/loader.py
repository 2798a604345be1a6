"""Load and validate the data catalog (SPEC §3): one or more YAML files, or folders of them.

The catalog says which fields are sensitive and how they must be protected. Every file is checked
against the JSON Schema shipped in `schema/catalog.schema.json`; an invalid catalog is a `CatalogError`
that names the file, the line and the field.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # jsonschema is imported when a catalog is validated: most checks name none
    import jsonschema

from plaudit.catalog.taxonomy import Taxonomy, builtin_taxonomy
from plaudit.catalog.yamlread import YamlDocument, read_yaml
from plaudit.errors import CatalogError
from plaudit.model import Location, Waiver

YAML_SUFFIXES = (".yaml", ".yml")


@dataclass
class ColumnEntry:
    name: str
    category: str | None
    level: str | None = None
    protection: dict[str, Any] | None = None
    purposes: list[str] = field(default_factory=list)
    location: Location | None = None


@dataclass
class TableEntry:
    """One table of the catalog. `schema` is set when the catalog key was qualified (`public.customer`)."""

    name: str
    schema: str | None
    dataset: str | None
    purposes: list[str] | None = None
    legal_basis: str | None = None
    retention: dict[str, Any] | None = None
    zone: str | None = None
    region: str | None = None
    owner: str | None = None
    role: str | None = None
    copy_of: str | None = None
    automated_decision: bool = False
    pia: dict[str, Any] | None = None
    sharing: list[dict[str, Any]] = field(default_factory=list)
    columns: dict[str, ColumnEntry] = field(default_factory=dict)
    location: Location | None = None
    file: CatalogFile | None = None

    def to_facts(self) -> dict[str, Any]:
        """The table's catalog entry as policies read it (`tables[].catalog`, docs/facts.md)."""
        return {
            "purposes": self.purposes or [],
            "legal_basis": self.legal_basis,
            "retention": self.retention,
            "zone": self.zone,
            "region": self.region,
            "owner": self.owner,
            "role": self.role,
            "copy_of": self.copy_of,
            "automated_decision": self.automated_decision,
            "pia": self.pia,
            "sharing": self.sharing,
            "location": self.location.to_json() if self.location else None,
        }


@dataclass
class CatalogFile:
    path: str
    dataset: str | None
    schemas: list[str] | None
    targets: list[str] | None
    tables: list[TableEntry] = field(default_factory=list)

    def matches_schema(self, schema: str | None) -> bool:
        """A file without `match.schemas` describes any schema; SQL files often name none at all."""
        if schema is None or not self.schemas:
            return True
        return schema.lower() in {s.lower() for s in self.schemas}

    def matches_target(self, target: str | None) -> bool:
        if not self.targets or target is None:
            return True
        return any(fnmatch.fnmatch(target, pattern) for pattern in self.targets)


@dataclass
class Catalog:
    files: list[CatalogFile] = field(default_factory=list)
    taxonomy: Taxonomy = field(default_factory=builtin_taxonomy)
    waivers: list[Waiver] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    """Policy parameters set by the files' `policy:` sections, merged (docs/policies-parameters.md)."""
    digest: str = "sha256:" + hashlib.sha256(b"").hexdigest()

    @property
    def empty(self) -> bool:
        return not self.files

    def tables(self) -> Iterable[TableEntry]:
        for file in self.files:
            yield from file.tables

    def files_for(self, schema: str | None, target: str | None = None) -> list[CatalogFile]:
        return [f for f in self.files if f.matches_schema(schema) and f.matches_target(target)]

    def lookup(self, schema: str | None, table: str, target: str | None = None) -> TableEntry | None:
        """The catalog entry describing a scanned table, qualified keys before bare ones."""
        name = table.lower()
        candidates = self.files_for(schema, target)
        for file in candidates:
            for entry in file.tables:
                if (
                    entry.name.lower() == name
                    and entry.schema
                    and schema
                    and entry.schema.lower() == schema.lower()
                ):
                    return entry
        for file in candidates:
            for entry in file.tables:
                if entry.name.lower() == name and (entry.schema is None or schema is None):
                    return entry
        return None

    def dataset_for(self, schema: str | None, target: str | None = None) -> str | None:
        """The dataset a scanned schema belongs to: the first matching file that names one."""
        for file in self.files_for(schema, target):
            if file.dataset and (file.schemas or schema is None or len(self.files) == 1):
                return file.dataset
        return None


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    import jsonschema

    text = resources.files("plaudit.catalog").joinpath("schema/catalog.schema.json").read_text("utf-8")
    schema = json.loads(text)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def catalog_files(paths: Sequence[str | Path]) -> list[Path]:
    """Expand files and folders into the YAML files they hold, in a stable order."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if p.suffix.lower() in YAML_SUFFIXES and p.is_file())
            )
        elif path.is_file():
            found.append(path)
        else:
            raise CatalogError(
                "catalog path does not exist", path=str(path), hint="pass a YAML file or a folder of them"
            )
    return found


def load_catalog(paths: Sequence[str | Path]) -> Catalog:
    """Load, validate and merge catalog files. Raises `CatalogError` on the first problem found."""
    files = catalog_files(paths)
    if paths and not files:
        raise CatalogError(
            "no catalog files found",
            path=", ".join(str(p) for p in paths),
            hint="a catalog folder must hold *.yaml files",
        )
    docs = [read_yaml(p, CatalogError) for p in files]
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())

    taxonomy = builtin_taxonomy()
    for doc in docs:
        _validate(doc)
        additions = (doc.data or {}).get("taxonomy") or {}
        if additions:
            taxonomy = taxonomy.extended(additions)

    catalog = Catalog(taxonomy=taxonomy, digest="sha256:" + digest.hexdigest())
    seen_tables: dict[tuple[str, str], Location] = {}
    param_origin: dict[str, Location] = {}
    for doc in docs:
        _merge_params(catalog.params, param_origin, doc)
        cfile = _build_file(doc, taxonomy)
        for entry in cfile.tables:
            key = ((entry.dataset or "").lower(), ((entry.schema or "") + "." + entry.name).lower())
            if key in seen_tables:
                first = seen_tables[key]
                raise CatalogError(
                    f"table '{entry.name}' is described twice (first at {first})",
                    path=doc.path,
                    line=entry.location.line if entry.location else None,
                    hint="keep one entry per table; split datasets with `dataset:` and `match:`",
                )
            seen_tables[key] = entry.location or Location(doc.path)
        catalog.files.append(cfile)
        catalog.waivers.extend(_waivers(doc))
    return catalog


def _merge_params(params: dict[str, Any], origin: dict[str, Location], doc: YamlDocument) -> None:
    """Add one file's `policy:` section. Two files giving one parameter different values is an error:
    which of them holds would depend on the order of the files."""
    for name, value in ((doc.data or {}).get("policy") or {}).items():
        where = Location(doc.path, doc.line_of(("policy", name)))
        if name in params and params[name] != value:
            raise CatalogError(
                f"field 'policy.{name}': set to a different value at {origin[name]}",
                path=doc.path,
                line=where.line,
                hint="set each policy parameter in one catalog file (or in plaudit.yaml)",
            )
        params[name] = value
        origin.setdefault(name, where)


def _validate(doc: YamlDocument) -> None:
    data = doc.data
    if data is None:
        raise CatalogError("empty catalog file", path=doc.path, hint="add at least `tables:`")
    if not isinstance(data, dict):
        raise CatalogError("a catalog file must be a mapping (dataset:, tables:, ...)", path=doc.path, line=1)
    _stringify_dates(data)
    errors = sorted(_validator().iter_errors(data), key=lambda e: doc.line_of(tuple(e.absolute_path)) or 0)
    if errors:
        err = errors[0]
        where = tuple(err.absolute_path)
        dotted = ".".join(str(p) for p in where) or "(top level)"
        raise CatalogError(
            f"field '{dotted}': {_short(err)}",
            path=doc.path,
            line=doc.line_of(where),
            hint="see SPEC §3 for the catalog format",
        )


def _short(err: jsonschema.ValidationError) -> str:
    if err.validator == "additionalProperties":
        return err.message.replace("Additional properties are not allowed", "unknown field")
    if err.validator == "required":
        return err.message.replace("is a required property", "is required")
    return err.message


def _stringify_dates(value: Any) -> None:
    """YAML reads `2027-03-31` as a date; the schema and the facts speak ISO strings."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dt.date):
                value[key] = item.isoformat()
            else:
                _stringify_dates(item)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dt.date):
                value[index] = item.isoformat()
            else:
                _stringify_dates(item)


def _build_file(doc: YamlDocument, taxonomy: Taxonomy) -> CatalogFile:
    data: dict[str, Any] = doc.data
    match = data.get("match") or {}
    cfile = CatalogFile(
        path=doc.path,
        dataset=data.get("dataset"),
        schemas=match.get("schemas"),
        targets=match.get("targets"),
    )
    for key, spec in (data.get("tables") or {}).items():
        spec = spec or {}
        schema, _, name = str(key).rpartition(".")
        entry = TableEntry(
            name=name,
            schema=schema or None,
            dataset=cfile.dataset,
            purposes=spec.get("purposes"),
            legal_basis=spec.get("legal_basis"),
            retention=spec.get("retention"),
            zone=spec.get("zone", data.get("zone")),
            region=spec.get("region", data.get("region")),
            owner=spec.get("owner", data.get("owner")),
            role=spec.get("role"),
            copy_of=spec.get("copy_of"),
            automated_decision=bool(spec.get("automated_decision", False)),
            pia=_located(doc, ("tables", key, "pia"), spec.get("pia"))
            or _located(doc, ("pia",), data.get("pia")),
            sharing=[
                _located(doc, ("tables", key, "sharing", index), item)
                for index, item in enumerate(spec.get("sharing") or [])
            ],
            location=Location(doc.path, doc.line_of(("tables", key))),
            file=cfile,
        )
        for col_name, col_spec in (spec.get("columns") or {}).items():
            col_spec = col_spec or {}
            category = col_spec.get("category")
            where = ("tables", key, "columns", col_name)
            if category is not None and category not in taxonomy:
                raise CatalogError(
                    f"field 'tables.{key}.columns.{col_name}.category': unknown category '{category}'",
                    path=doc.path,
                    line=doc.line_of((*where, "category")),
                    hint="use a key of the built-in taxonomy (`plaudit classify --help` lists them) "
                    "or declare it under `taxonomy:`",
                )
            entry.columns[str(col_name).lower()] = ColumnEntry(
                name=str(col_name),
                category=category,
                level=col_spec.get("level"),
                protection=col_spec.get("protection"),
                purposes=col_spec.get("purposes") or [],
                location=Location(doc.path, doc.line_of(where)),
            )
        cfile.tables.append(entry)
    return cfile


def _located(doc: YamlDocument, where: tuple[str | int, ...], spec: Any) -> Any:
    """A copy of a catalog mapping with its `location`, so a finding about it can point at the line."""
    if not isinstance(spec, dict):
        return spec
    return {**spec, "location": Location(doc.path, doc.line_of(where)).to_json()}


def _waivers(doc: YamlDocument) -> list[Waiver]:
    waivers = []
    for index, spec in enumerate(doc.data.get("exceptions") or []):
        waivers.append(
            Waiver(
                rule=spec["rule"],
                resource=spec["resource"],
                reason=spec["reason"],
                owner=spec["owner"],
                expires=spec["expires"],
                location=Location(doc.path, doc.line_of(("exceptions", index))),
            )
        )
    return waivers
