"""Configuration discovery: `--config FILE`, else `plaudit.yaml` or `[tool.plaudit]` in `pyproject.toml`,
searched from the working directory upward. Command-line options always win over the file."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plaudit.catalog.yamlread import read_yaml
from plaudit.errors import ConfigError
from plaudit.pipeline import LevelRules, Override
from plaudit.policies.engine import RulePattern

CONFIG_NAMES = ("plaudit.yaml", "plaudit.yml")

_LEVEL: dict[str, Any] = {"enum": ["critical", "high", "medium", "low"]}
_STRINGS: dict[str, Any] = {
    "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string", "minLength": 1}}]
}
_LEVELS: dict[str, Any] = {"type": "object", "additionalProperties": _LEVEL}
#: Keys of `policy:` that tune the policies; every other key there is a parameter (data.plaudit.params),
#: as before `policy.params` existed.
POLICY_KEYS = ("params", "rules", "skip_rules", "severity", "fail_level", "overrides")
_POLICY: dict[str, Any] = {
    "type": "object",
    "description": "policy parameters (data.plaudit.params) and rule selection, severities, fail levels",
    "properties": {
        "params": {"type": "object"},
        "rules": _STRINGS,
        "skip_rules": _STRINGS,
        "severity": _LEVELS,
        "fail_level": _LEVELS,
        "overrides": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "paths": _STRINGS,
                    "datasets": _STRINGS,
                    "resources": _STRINGS,
                    "skip_rules": _STRINGS,
                    "severity": _LEVELS,
                },
            },
        },
    },
}

_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "catalog": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
        "policies": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
        "builtin_policies": {"type": "boolean"},
        "fail_level": {"enum": ["critical", "high", "medium", "low"]},
        "dialect": {"enum": ["mysql", "postgres", "sqlite"]},
        "threshold": {"type": "number", "minimum": 0, "maximum": 1},
        "policy": _POLICY,
        "store": {"type": "string", "description": "run-history store URL (default: .plaudit/history.db)"},
        "sample": {"type": "integer", "minimum": 1},
        "statement_timeout": {"type": "number", "exclusiveMinimum": 0},
        "suppressions": {
            "type": "object",
            "description": "inline `-- plaudit: ignore` comments: allowed at all, and for which levels not",
            "additionalProperties": False,
            "properties": {
                "inline": {"type": "boolean"},
                "forbid_for_levels": {"type": "array", "items": {"enum": ["C1", "C2", "C3"]}},
            },
        },
        "targets": {
            "type": "array",
            "description": "databases `plaudit scan db` scans when no URL is given",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["url"],
                "properties": {
                    "name": {"type": "string", "pattern": "^[A-Za-z0-9_.-]+$"},
                    "url": {"type": "string"},
                    "include": {"type": "array", "items": {"type": "string"}},
                    "exclude": {"type": "array", "items": {"type": "string"}},
                    "catalog": {
                        "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
                    },
                },
            },
        },
    },
}


@dataclass
class Target:
    """One database of a nightly run. URLs may hold `${ENV}` references so passwords stay out of files."""

    url: str
    name: str = ""
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    catalog: list[str] = field(default_factory=list)


@dataclass
class Config:
    path: Path | None = None
    catalog: list[str] = field(default_factory=list)
    policies: list[str] = field(default_factory=list)
    builtin_policies: bool = True
    fail_level: str = "high"
    dialect: str | None = None
    threshold: float = 0.5
    params: dict[str, Any] = field(default_factory=dict)
    store: str | None = None
    sample: int = 1000
    statement_timeout: float = 30.0
    targets: list[Target] = field(default_factory=list)
    #: `suppressions.inline`: false ignores every inline suppression (a central lockdown, like
    #: sqlfluff's `disable_noqa`), so that only reviewed waivers and the baseline remain.
    inline_suppressions: bool = True
    #: `suppressions.forbid_for_levels`: data levels a developer may not waive inline (ANCHORS §3.5).
    forbid_suppression_levels: list[str] = field(default_factory=lambda: ["C3"])
    #: `policy.rules` / `policy.skip_rules`: which rules run (the command line's `--rules` replaces
    #: `rules`; `--skip-rules` adds to `skip_rules`).
    rules: list[RulePattern] = field(default_factory=list)
    skip_rules: list[RulePattern] = field(default_factory=list)
    #: `policy.severity` and `policy.fail_level`: by rule id, glob or kind.
    severity: LevelRules = ()
    rule_fail_levels: LevelRules = ()
    #: `policy.overrides`: per path, dataset or resource.
    overrides: tuple[Override, ...] = ()


def find_config(start: Path | None = None) -> Path | None:
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        for name in CONFIG_NAMES:
            if (folder / name).is_file():
                return folder / name
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _tool_section(pyproject) is not None:
            return pyproject
    return None


def _tool_section(pyproject: Path) -> dict[str, Any] | None:
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    section = data.get("tool", {}).get("plaudit")
    return section if isinstance(section, dict) else None


def load_config(explicit: str | Path | None = None) -> Config:
    path = Path(explicit) if explicit else find_config()
    if path is None:
        return Config()
    if not path.is_file():
        raise ConfigError("config file does not exist", path=str(path))
    if path.name == "pyproject.toml":
        try:
            raw: Any = tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {}).get("plaudit", {})
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"invalid TOML: {exc}", path=str(path)) from None
        line_of = None
    else:
        doc = read_yaml(path, ConfigError)
        raw = doc.data or {}
        line_of = doc.line_of
    if not isinstance(raw, dict):
        raise ConfigError("the configuration must be a mapping", path=str(path), line=1)
    import jsonschema  # here, not at the top: a run without plaudit.yaml never needs it

    error = next(iter(jsonschema.Draft202012Validator(_SCHEMA).iter_errors(raw)), None)
    if error is not None:
        where = tuple(error.absolute_path)
        dotted = ".".join(str(p) for p in where) or "(top level)"
        raise ConfigError(
            f"field '{dotted}': {error.message}",
            path=str(path),
            line=line_of(where) if line_of else None,
            hint="known fields: " + ", ".join(_SCHEMA["properties"]),
        )
    base = path.parent

    def paths(value: Any) -> list[str]:
        items = [value] if isinstance(value, str) else list(value or [])
        return [str((base / item).resolve()) if not Path(item).is_absolute() else item for item in items]

    section = _PolicySection(raw.get("policy") or {}, str(path), line_of)
    return Config(
        path=path,
        catalog=paths(raw.get("catalog")),
        policies=paths(raw.get("policies")),
        builtin_policies=raw.get("builtin_policies", True),
        fail_level=raw.get("fail_level", "high"),
        dialect=raw.get("dialect"),
        threshold=float(raw.get("threshold", 0.5)),
        params=section.params(),
        rules=section.patterns("rules"),
        skip_rules=section.patterns("skip_rules"),
        severity=section.levels(("severity",)),
        rule_fail_levels=section.levels(("fail_level",)),
        overrides=section.overrides(),
        store=raw.get("store"),
        sample=int(raw.get("sample", 1000)),
        statement_timeout=float(raw.get("statement_timeout", 30.0)),
        inline_suppressions=bool((raw.get("suppressions") or {}).get("inline", True)),
        forbid_suppression_levels=list((raw.get("suppressions") or {}).get("forbid_for_levels", ["C3"])),
        targets=[
            Target(
                url=os.path.expandvars(t["url"]),
                name=t.get("name", ""),
                include=list(t.get("include") or []),
                exclude=list(t.get("exclude") or []),
                catalog=paths(t.get("catalog")),
            )
            for t in raw.get("targets") or []
        ],
    )


def split_patterns(values: Any) -> list[str]:
    """`PCI*,JRT*` or `[PCI*, JRT*]` as a list of patterns: comma lists are accepted wherever one
    pattern is, on the command line and in the config."""
    items = [values] if isinstance(values, str) else list(values or [])
    return [part.strip() for item in items for part in str(item).split(",") if part.strip()]


class _PolicySection:
    """The `policy:` section, read with the line of every pattern, so a pattern that names no rule
    is reported at its line once the policies are loaded."""

    def __init__(self, raw: dict[str, Any], path: str, line_of: Any) -> None:
        self.raw = raw
        self.path = path
        self.line_of = line_of

    def _line(self, *where: str | int) -> int | None:
        return self.line_of(("policy", *where)) if self.line_of else None

    def params(self) -> dict[str, Any]:
        loose = {k: v for k, v in self.raw.items() if k not in POLICY_KEYS}
        return {**loose, **(self.raw.get("params") or {})}

    def patterns(self, key: str, within: tuple[str | int, ...] = ()) -> list[RulePattern]:
        node: Any = self.raw
        for step in (*within, key):
            node = node.get(step) if isinstance(node, dict) else node[step]
        if node is None:
            return []
        items = [node] if isinstance(node, str) else list(node)
        out = []
        for i, item in enumerate(items):
            where = (*within, key) if isinstance(node, str) else (*within, key, i)
            for text in split_patterns(item):
                out.append(
                    RulePattern(text, "policy." + ".".join(map(str, where)), self.path, self._line(*where))
                )
        return out

    def levels(self, where: tuple[str | int, ...]) -> LevelRules:
        node: Any = self.raw
        for step in where:
            if isinstance(node, dict):
                node = node.get(step)
            elif isinstance(node, list) and isinstance(step, int):
                node = node[step]
        out: list[tuple[RulePattern, str]] = []
        for key, level in (node or {}).items():
            line = self._line(*where, key)
            label = "policy." + ".".join(map(str, where))
            out.extend((RulePattern(text, label, self.path, line), level) for text in split_patterns(key))
        return tuple(out)

    def overrides(self) -> tuple[Override, ...]:
        out = []
        for i, entry in enumerate(self.raw.get("overrides") or []):
            line = self._line("overrides", i)
            if not any(entry.get(k) for k in ("paths", "datasets", "resources")):
                raise ConfigError(
                    f"field 'policy.overrides.{i}': says nothing about which violations it applies to",
                    path=self.path,
                    line=line,
                    hint="give `paths:`, `datasets:` or `resources:` (globs)",
                )
            if not entry.get("skip_rules") and not entry.get("severity"):
                raise ConfigError(
                    f"field 'policy.overrides.{i}': does nothing",
                    path=self.path,
                    line=line,
                    hint="give `skip_rules:` (rule ids, globs or kinds) or `severity: {RULE: level}`",
                )
            out.append(
                Override(
                    paths=tuple(split_patterns(entry.get("paths"))),
                    datasets=tuple(split_patterns(entry.get("datasets"))),
                    resources=tuple(split_patterns(entry.get("resources"))),
                    skip_rules=tuple(self.patterns("skip_rules", ("overrides", i)))
                    if entry.get("skip_rules")
                    else (),
                    severity=self.levels(("overrides", i, "severity")),
                    origin=f"{self.path}:{line}" if line else self.path,
                )
            )
        return tuple(out)
