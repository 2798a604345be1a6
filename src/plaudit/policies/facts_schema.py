"""Validation of the facts document (docs/facts.md) against its shipped JSON Schema.

The schema (`input.schema.json`, draft 2020-12, version "1") is the contract between the scanners that
build the document and the policies that read it; a producer that drifts from it fails here, in one
readable line, rather than as a silently empty policy result.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

__all__ = ["FACTS_SCHEMA_VERSION", "facts_schema", "validate_facts"]

FACTS_SCHEMA_VERSION = "1"


@cache
def facts_schema() -> dict[str, Any]:
    """The JSON Schema of the facts document, as shipped in the package."""
    text = resources.files("plaudit.policies").joinpath("input.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator() -> Draft202012Validator:
    schema = facts_schema()
    Draft202012Validator.check_schema(schema)
    # The schema has no recursion, so its `$ref`s can be inlined: jsonschema then skips reference
    # resolution per array item, which halves the time on a 100,000-column document.
    defs = schema.get("$defs", {})
    inlined = {k: _inline(v, defs) for k, v in schema.items() if k != "$defs"}
    return Draft202012Validator(inlined)


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        if "$ref" in node:
            target = dict(defs[node["$ref"].rsplit("/", 1)[-1]])
            target.update({k: v for k, v in node.items() if k != "$ref"})
            return _inline(target, defs)
        return {k: _inline(v, defs) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


def validate_facts(facts: Any) -> None:
    """Raise `ValueError("$.columns[3].protection: 'plain' is not one of [...]")` on the first problem.

    "First" is in path order (keys alphabetically, array items by index), so the same document always
    reports the same problem.
    """
    errors = list(_validator().iter_errors(facts))
    if not errors:
        return
    first = min(errors, key=_document_order)
    raise ValueError(f"{first.json_path}: {first.message}")


def _document_order(error: ValidationError) -> tuple[Any, ...]:
    # Integers (array indexes) sort numerically; keys as text; a shorter path (the parent) comes first.
    return tuple((0, p, "") if isinstance(p, int) else (1, 0, str(p)) for p in error.absolute_path)
