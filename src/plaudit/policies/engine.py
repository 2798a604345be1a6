"""The in-process judge: load Rego policies, evaluate them over a facts document, run their tests.

Policies are Rego v1 files: the built-in pack (`plaudit/policies/rego/`, package data) plus any folders
the user adds. Each rule package `plaudit.rules.<area>.<name>` carries a `# METADATA` block (title,
description, `custom: {rule, kind, severity, references, remediation}`); the engine (regorus) has no
`rego.metadata.chain()`, so this module parses those blocks and passes them as
`data.plaudit.metadata["<area>.<name>"]`. The router `data.plaudit.main.violations` does the rest.

    >>> policies = load_policies()
    >>> violations = evaluate(policies, facts, params={"min_confidence": 0.7})
"""

from __future__ import annotations

import difflib
import fnmatch
import hashlib
import json
import re
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import regorus
import yaml

from plaudit.errors import ConfigError, PolicyError
from plaudit.model import KINDS, Severity

__all__ = [
    "ENTRYPOINT",
    "LintProblem",
    "PolicyFile",
    "PolicySet",
    "RulePattern",
    "Selection",
    "TestResult",
    "check_patterns",
    "evaluate",
    "fingerprint",
    "lint_policies",
    "load_policies",
    "parameters_read",
    "rule_matches",
    "run_tests",
]

#: The query every engine answers (SPEC §7).
ENTRYPOINT = "data.plaudit.main.violations"

SEVERITIES: tuple[str, ...] = tuple(s.value for s in Severity)
_RANK = {s.value: s.rank for s in Severity}

_TEST_SUFFIX = "_test.rego"
_RULES_PREFIX = "plaudit.rules."
_PACKAGE_RE = re.compile(r"^package[ \t]+([A-Za-z_][\w.]*)", re.MULTILINE)
_TEST_RULE_RE = re.compile(r"^(test_\w+)\b", re.MULTILINE)
_RULE_PACKAGE_RE = re.compile(r"^plaudit\.rules\.([A-Za-z_]\w*)\.([A-Za-z_]\w*)$")
_RULE_ID_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]*[A-Z0-9]$")
_TRANSLATED = ("title_zh", "description_zh", "remediation_zh")
_REQUIREMENTS = frozenset({"data", "database"})
# libyaml when PyYAML has it: every command parses the METADATA of every rule, and the pure-Python
# loader spent a fifth of a warm pre-merge check on it.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PARAM_RE = re.compile(r'params\.value\(\s*"(?P<name>[^"]+)"\s*,\s*(?P<default>.*)\)')
_ENGINE_LOCATION_RE = re.compile(r"^-->\s*(?P<path>.+?):(?P<line>\d+):(?P<col>\d+)\s*$")


@dataclass(frozen=True)
class PolicyFile:
    """One `.rego` file. `name` is stable across machines (it feeds the digest); `path` is for people."""

    name: str
    path: str
    text: str
    package: str
    builtin: bool

    @property
    def is_test(self) -> bool:
        return self.name.endswith(_TEST_SUFFIX)


@dataclass(frozen=True)
class TestResult:
    """The outcome of one `test_*` rule, as `opa test` reports it."""

    package: str
    name: str
    passed: bool
    error: str | None
    duration_ms: float
    path: str = ""
    #: Line of the test's first body in `path` (None when unknown).
    line: int | None = None

    __test__ = False  # not a pytest test class, despite the name


@dataclass(frozen=True)
class RulePattern:
    """A rule id, a glob of rule ids (`PCI*`) or a kind (`unmasked_exposure`), with where it was
    written, so that a pattern matching nothing can be reported at its option or config line."""

    text: str
    origin: str = "--rules"
    path: str | None = None
    line: int | None = None

    def matches(self, rule: Mapping[str, Any]) -> bool:
        return rule_matches(self.text, rule.get("rule"), rule.get("kind"))


def rule_matches(pattern: str, rule: Any, kind: Any) -> bool:
    """Does `pattern` name this rule? Rule ids compare case-insensitively (`pci*` is `PCI*`); kinds
    are lower-case names, globs allowed (`retention_*`)."""
    text = pattern.strip()
    return fnmatch.fnmatchcase(str(rule).upper(), text.upper()) or fnmatch.fnmatchcase(
        str(kind), text.lower()
    )


@dataclass(frozen=True)
class Selection:
    """Which rules run: those matching any of `rules` (all when empty) and none of `skip`."""

    rules: tuple[RulePattern, ...] = ()
    skip: tuple[RulePattern, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.rules or self.skip)

    def keeps(self, rule: Mapping[str, Any]) -> bool:
        if self.rules and not any(p.matches(rule) for p in self.rules):
            return False
        return not any(p.matches(rule) for p in self.skip)


def check_patterns(patterns: Iterable[RulePattern], rules: Sequence[Mapping[str, Any]]) -> None:
    """Raise `ConfigError` for the first pattern that names no rule: a typo in `--skip-rules` would
    otherwise skip nothing, and one in `--rules` would run nothing, both silently."""
    for pattern in patterns:
        if any(pattern.matches(r) for r in rules):
            continue
        raise ConfigError(
            f"{pattern.origin} {pattern.text!r} matches no rule id or kind",
            path=pattern.path,
            line=pattern.line,
            hint=_close_matches(pattern.text, rules),
        )


def _close_matches(text: str, rules: Sequence[Mapping[str, Any]]) -> str:
    ids = sorted({str(r.get("rule")) for r in rules})
    kinds = sorted({str(r.get("kind")) for r in rules})
    stem = re.split(r"[*?\[]", text.strip(), maxsplit=1)[0]
    near: list[str] = []
    if stem and stem != text.strip():  # a glob: the ids and kinds that start like it
        near = [n for n in (*ids, *kinds) if n.upper().startswith(stem.upper()[: max(1, len(stem) - 2)])]
    near += difflib.get_close_matches(stem.upper() or text.upper(), ids, n=3, cutoff=0.5)
    near += difflib.get_close_matches((stem or text).lower(), kinds, n=2, cutoff=0.6)
    unique = list(dict.fromkeys(near))[:5]
    listing = "`plaudit policy list` shows every rule id and kind"
    return f"did you mean {', '.join(unique)}? {listing}" if unique else listing


@dataclass
class PolicySet:
    """The loaded, validated policies. Build it with `load_policies`; it compiles once, lazily."""

    files: tuple[PolicyFile, ...]
    tests: tuple[PolicyFile, ...]
    metadata: dict[str, dict[str, Any]]
    #: The file holding each rule package's METADATA, by `<area>.<name>` (kept and skipped rules).
    sources: dict[str, PolicyFile] = field(default_factory=dict)
    #: Metadata of the rules a `Selection` left out: not compiled, not evaluated, still known (an
    #: inline suppression or waiver naming one is not a typo).
    skipped: dict[str, dict[str, Any]] = field(default_factory=dict)
    # The compiled engine is not `Send` across threads (the binding panics when another thread touches
    # it), so each thread compiles and caches its own; `scan db --jobs N` evaluates in N threads.
    _engines: threading.local = field(default_factory=threading.local, repr=False, compare=False)

    @property
    def digest(self) -> str:
        """`sha256:<hex>` of the production policies (names and contents), for `run.policy_digest`."""
        h = hashlib.sha256()
        for f in sorted(self.files, key=lambda f: f.name):
            h.update(f.name.encode())
            h.update(b"\x00")
            h.update(f.text.encode())
            h.update(b"\x00")
        return "sha256:" + h.hexdigest()

    @property
    def rules(self) -> list[dict[str, Any]]:
        """Every evaluated rule's metadata, sorted by rule id (`plaudit policy list`), with `source`
        (builtin or user) and `path` (the file holding its METADATA)."""
        return self._described(self.metadata)

    @property
    def all_rules(self) -> list[dict[str, Any]]:
        """`rules` plus the rules a selection skipped."""
        return self._described({**self.metadata, **self.skipped})

    def _described(self, metadata: Mapping[str, dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for key, meta in metadata.items():
            source = self.sources.get(key)
            described = dict(meta)
            described["source"] = "user" if source is not None and not source.builtin else "builtin"
            described["path"] = source.path if source is not None else None
            out.append(described)
        return sorted(out, key=lambda m: m["rule"])

    def package_files(self, package: str) -> list[PolicyFile]:
        """The production files of one package (a package may span several files)."""
        return [f for f in self.files if f.package == package] or [
            f for f in self.sources.values() if f.package == package
        ]

    def engine(self) -> Any:
        """The compiled engine with policies and metadata loaded; callers `clone()` it before use."""
        engine = getattr(self._engines, "engine", None)
        if engine is None:
            engine = self._engines.engine = _compile(self.files, self.metadata)
        return engine


# ------------------------------------------------------------------------------------------- loading


def load_policies(
    extra_dirs: Sequence[Path] = (), builtin: bool = True, selection: Selection | None = None
) -> PolicySet:
    """Load the built-in pack and every `.rego` under `extra_dirs` (folders or single files).

    With `builtin=False` only the router and its libraries (`main.rego`, `lib/`) of the pack load,
    not its rules. With a `selection`, the rule packages it leaves out are neither compiled nor
    evaluated (their metadata stays in `PolicySet.skipped`); a pattern naming no rule raises
    `ConfigError`.

    Raises `PolicyError` (file and line) for a syntax error, a missing or invalid METADATA block, a
    kind outside SPEC §5, an unknown severity or a rule id used twice.
    """
    # The router and its libraries always load: `builtin=False` drops only the built-in rules.
    files: list[PolicyFile] = [
        f for f in _builtin_files() if builtin or not f.name.startswith("builtin/rules/")
    ]
    # A folder given twice, or one inside the built-in pack, must not load a file twice: its package
    # would then carry METADATA in "two" files.
    seen = {_resolved(f.path) for f in files}
    for directory in extra_dirs:
        for f in _user_files(Path(directory)):
            if _resolved(f.path) not in seen:
                seen.add(_resolved(f.path))
                files.append(f)

    production = tuple(f for f in files if not f.is_test)
    tests = tuple(f for f in files if f.is_test)
    sources: dict[str, PolicyFile] = {}
    metadata = _collect_metadata(production, sources)
    skipped: dict[str, dict[str, Any]] = {}
    if selection:
        check_patterns((*selection.rules, *selection.skip), list(metadata.values()))
        skipped = {k: m for k, m in metadata.items() if not selection.keeps(m)}
        metadata = {k: m for k, m in metadata.items() if k not in skipped}
        dropped = {m["package"] for m in skipped.values()}
        production = tuple(f for f in production if f.package not in dropped)
    policy_set = PolicySet(files=production, tests=tests, metadata=metadata, sources=sources, skipped=skipped)
    # Compile now, so that a broken policy fails before any scan starts. regorus resolves a function
    # name only when evaluation reaches the call, so such a mistake deep in a rule body surfaces at the
    # first `evaluate()` instead, still as a PolicyError with file and line.
    policy_set.engine()
    return policy_set


def _resolved(path: str) -> str:
    try:
        return str(Path(path).resolve())
    except OSError:  # a pack inside a zip has no real path; its name is unique anyway
        return path


def _builtin_files() -> Iterator[PolicyFile]:
    root = resources.files("plaudit.policies").joinpath("rego")
    for rel, node in sorted(_walk(root, ""), key=lambda item: item[0]):
        yield _policy_file(f"builtin/{rel}", str(node), node.read_text(encoding="utf-8"), builtin=True)


def _walk(node: Traversable, prefix: str) -> Iterator[tuple[str, Traversable]]:
    for child in node.iterdir():
        rel = f"{prefix}{child.name}"
        if child.is_dir():
            if not child.name.startswith((".", "__")):
                yield from _walk(child, rel + "/")
        elif child.name.endswith(".rego"):
            yield rel, child


def _user_files(directory: Path) -> Iterator[PolicyFile]:
    if directory.is_file():
        candidates = [directory]
        base = directory.parent
    elif directory.is_dir():
        candidates = sorted(
            p
            for p in directory.rglob("*.rego")
            if not any(part.startswith(".") for part in p.relative_to(directory).parts)
        )
        base = directory
    else:
        raise PolicyError(
            "policy folder not found", path=str(directory), hint="check the --policies path or plaudit.yaml"
        )
    for path in candidates:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise PolicyError(f"cannot read policy file: {exc}", path=str(path)) from exc
        yield _policy_file(f"user/{path.relative_to(base).as_posix()}", str(path), text, builtin=False)


def _policy_file(name: str, path: str, text: str, *, builtin: bool) -> PolicyFile:
    match = _PACKAGE_RE.search(text)
    if match is None:
        raise PolicyError("no `package` declaration", path=path, hint="start the file with `package <name>`")
    return PolicyFile(name=name, path=path, text=text, package=match.group(1), builtin=builtin)


def _collect_metadata(
    files: Sequence[PolicyFile], sources: dict[str, PolicyFile] | None = None
) -> dict[str, dict[str, Any]]:
    """Parse and validate the METADATA of every rule package, keyed `<area>.<name>`; `sources`
    receives the file each package's METADATA came from."""
    found: dict[str, tuple[PolicyFile, dict[str, Any]]] = {}
    packages: dict[str, PolicyFile] = {}
    for f in files:
        if not f.package.startswith(_RULES_PREFIX):
            continue
        if not _RULE_PACKAGE_RE.match(f.package):
            raise PolicyError(
                f"rule package `{f.package}` must be named plaudit.rules.<area>.<name>",
                path=f.path,
                line=_package_line(f.text),
                hint="the router walks exactly two levels below plaudit.rules",
            )
        packages.setdefault(f.package, f)
        block = _metadata_block(f)
        if block is None:
            continue
        if f.package in found:
            raise PolicyError(
                f"package `{f.package}` has METADATA in two files (also {found[f.package][0].path})",
                path=f.path,
                line=_package_line(f.text),
            )
        found[f.package] = (f, block)

    metadata: dict[str, dict[str, Any]] = {}
    owners: dict[str, PolicyFile] = {}
    for package, f in sorted(packages.items()):
        if package not in found:
            raise PolicyError(
                f"rule package `{package}` has no `# METADATA` block",
                path=f.path,
                line=_package_line(f.text),
                hint="add `# METADATA` comments directly above `package` with title and "
                "custom: {rule, kind, severity, references, remediation}",
            )
        meta_file, block = found[package]
        meta = _validate_metadata(meta_file, block)
        if meta["rule"] in owners:
            raise PolicyError(
                f"rule id {meta['rule']} is already used by {owners[meta['rule']].path}",
                path=meta_file.path,
                line=_package_line(meta_file.text),
                hint="rule ids are stable and unique: waivers and baselines name them",
            )
        owners[meta["rule"]] = meta_file
        area_name = package[len(_RULES_PREFIX) :]
        metadata[area_name] = meta
        if sources is not None:
            sources[area_name] = meta_file
    return metadata


def _package_line(text: str) -> int | None:
    match = _PACKAGE_RE.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _metadata_block(f: PolicyFile) -> dict[str, Any] | None:
    """The YAML of the `# METADATA` comment block directly above `package`, or None if there is none."""
    lines = f.text.splitlines()
    package_index = (_package_line(f.text) or 1) - 1
    start = package_index
    while start > 0 and lines[start - 1].lstrip().startswith("#"):
        start -= 1
    comment = lines[start:package_index]
    marker = None
    for i, comment_line in enumerate(comment):
        if comment_line.strip() == "# METADATA":
            marker = i
    if marker is None:
        return None
    body = []
    for text_line in comment[marker + 1 :]:
        stripped = text_line.lstrip()[1:]
        body.append(stripped[1:] if stripped.startswith(" ") else stripped)
    first_line = start + marker + 2  # 1-based line of the first YAML line
    try:
        data = yaml.load("\n".join(body), Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        error_line = first_line + mark.line if mark is not None else first_line - 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise PolicyError(f"METADATA is not valid YAML: {problem}", path=f.path, line=error_line) from None
    if not isinstance(data, dict):
        raise PolicyError("METADATA must be a YAML mapping", path=f.path, line=first_line - 1)
    data["_line"] = first_line - 1
    return data


def _validate_metadata(f: PolicyFile, block: dict[str, Any]) -> dict[str, Any]:
    line = block.get("_line")

    def fail(message: str, hint: str | None = None) -> PolicyError:
        return PolicyError(f"METADATA of `{f.package}`: {message}", path=f.path, line=line, hint=hint)

    custom = block.get("custom")
    if not isinstance(custom, dict):
        raise fail("missing `custom:` with rule, kind, severity, references and remediation")
    title = block.get("title")
    if not isinstance(title, str) or not title.strip():
        raise fail("missing `title`")
    rule = custom.get("rule")
    if not isinstance(rule, str) or not _RULE_ID_RE.match(rule):
        raise fail(f"`custom.rule` must be an id like JRT0171-STORE-C3-ENC, got {rule!r}")
    kind = custom.get("kind")
    if kind not in KINDS:
        raise fail(f"unknown kind {kind!r}", hint="use one of the kinds of SPEC §5: " + ", ".join(KINDS))
    severity = custom.get("severity")
    if severity not in SEVERITIES:
        raise fail(f"unknown severity {severity!r}", hint="use one of " + ", ".join(SEVERITIES))
    references = custom.get("references", [])
    if not isinstance(references, list) or not all(isinstance(r, str) for r in references):
        raise fail("`custom.references` must be a list of strings")
    remediation = custom.get("remediation")
    if not isinstance(remediation, str) or not remediation.strip():
        raise fail("missing `custom.remediation` (how to fix a violation)")
    description = block.get("description") or ""
    meta = {
        "rule": rule,
        "kind": kind,
        "severity": severity,
        "title": title.strip(),
        "description": str(description).strip(),
        "references": list(references),
        "remediation": remediation.strip(),
        "package": f.package,
    }
    # Chinese texts for reports and `policy explain`: optional (a user rule may have none), but a
    # present one must be text, or a report would print a YAML structure to a regulator.
    for key in _TRANSLATED:
        value = custom.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip():
            raise fail(f"`custom.{key}` must be a non-empty string")
        meta[key] = value.strip()
    # What evidence the rule needs beyond SQL (`data`: sampled values, `database`: a live server), so a
    # report can say "not evaluated" instead of "pass" on a run that had none.
    requires = custom.get("requires")
    if requires is not None:
        if not isinstance(requires, list) or not set(requires) <= _REQUIREMENTS:
            raise fail("`custom.requires` must be a list of " + " / ".join(sorted(_REQUIREMENTS)))
        meta["requires"] = sorted(set(requires))
    return meta


# ----------------------------------------------------------------------------------------- compiling


def _new_engine(files: Sequence[PolicyFile], metadata: dict[str, dict[str, Any]]) -> Any:
    engine = regorus.Engine()
    for f in files:
        try:
            engine.add_policy(f.path, f.text)
        except RuntimeError as exc:
            raise engine_error(exc) from None
    engine.add_data_json(json.dumps({"plaudit": {"metadata": metadata}}))
    return engine


def _compile(files: Sequence[PolicyFile], metadata: dict[str, dict[str, Any]]) -> Any:
    """Parse every file, then evaluate each package once on an empty input.

    regorus resolves names (unknown functions, unsafe variables) only when a rule is first evaluated;
    doing it here turns those mistakes into load-time errors instead of failures mid-scan.
    """
    engine = _new_engine(files, metadata)
    probe = engine.clone()
    probe.set_input_json("{}")
    for package in sorted({f.package for f in files}):
        try:
            probe.eval_query_as_json(f"data.{package}")
        except RuntimeError as exc:
            raise engine_error(exc) from None
    return engine


def engine_error(exc: BaseException) -> PolicyError:
    """A `PolicyError` from a regorus error: its file:line and message, never the Rust backtrace."""
    path, line, message = clean_engine_message(str(exc))
    return PolicyError(message, path=path, line=line)


def clean_engine_message(text: str) -> tuple[str | None, int | None, str]:
    """(path, line, message) from a regorus error text; the message keeps the column when known."""
    text = text.split("Stack backtrace:", 1)[0]
    path: str | None = None
    line: int | None = None
    column: str | None = None
    message: str | None = None
    for raw in text.splitlines():
        stripped = raw.strip()
        location = _ENGINE_LOCATION_RE.match(stripped)
        if location and path is None:
            path, line, column = location["path"], int(location["line"]), location["col"]
        elif stripped.startswith("error:") and message is None:
            message = stripped[len("error:") :].strip()
    if message is None:
        message = next((s.strip() for s in text.splitlines() if s.strip()), "policy engine error")
    if column is not None:
        message = f"{message} (column {column})"
    return path, line, message


# ---------------------------------------------------------------------------------------- evaluating


def fingerprint(rule: str, resource: str) -> str:
    """Stable id of a violation: the same rule on the same resource, whatever line it moved to."""
    return hashlib.sha256(f"{rule}\x00{resource}".encode()).hexdigest()[:32]


def evaluate(
    policies: PolicySet, facts: dict[str, Any], params: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Judge one facts document; return its violations, most severe first, then by rule and resource.

    `params` become `data.plaudit.params` (thresholds such as `min_confidence`). Each violation has
    rule, kind, severity, resource, location, message, remediation, references, title, fingerprint,
    waived and waiver.
    """
    engine = policies.engine().clone()
    engine.add_data_json(json.dumps({"plaudit": {"params": params or {}}}))
    engine.set_input_json(json.dumps(facts))
    try:
        raw = engine.eval_rule_as_json(ENTRYPOINT)
    except RuntimeError as exc:
        raise engine_error(exc) from None
    found = json.loads(raw)
    if not isinstance(found, list):  # "<undefined>": the router itself is missing
        raise PolicyError(f"{ENTRYPOINT} is undefined", hint="load the built-in pack or define plaudit.main")
    return normalise_violations(found)


def normalise_violations(found: list[Any]) -> list[dict[str, Any]]:
    """The engine-independent part of judging (in-process or on an OPA server): validate, fingerprint
    and sort the router's raw findings."""
    violations = []
    for v in found:
        if not isinstance(v, dict):
            raise PolicyError(f"{ENTRYPOINT} holds {type(v).__name__} values instead of violation objects")
        violations.append(_violation(v))
    violations.sort(key=lambda v: (-_RANK[v["severity"]], v["rule"], v["resource"], v["message"]))
    return violations


def _violation(v: dict[str, Any]) -> dict[str, Any]:
    rule = v.get("rule")
    if v.get("kind") not in KINDS or v.get("severity") not in SEVERITIES:
        raise PolicyError(
            f"rule {rule} produced kind {v.get('kind')!r} / severity {v.get('severity')!r}",
            hint="a finding may override kind and severity only with values from SPEC §5 and "
            + ", ".join(SEVERITIES),
        )
    if not isinstance(v.get("resource"), str) or not isinstance(v.get("message"), str):
        raise PolicyError(f"rule {rule} produced a finding without a string resource and message")
    return {
        "rule": rule,
        "kind": v["kind"],
        "severity": v["severity"],
        "resource": v["resource"],
        "location": v.get("location"),
        "message": v["message"],
        "remediation": v.get("remediation") or "",
        "references": list(v.get("references") or []),
        "title": v.get("title") or rule,
        "fingerprint": fingerprint(str(rule), v["resource"]),
        "waived": bool(v.get("waived")),
        "waiver": v.get("waiver"),
    }


# ------------------------------------------------------------------------------------------- testing


def run_tests(policies: PolicySet, paths: Sequence[Path] = ()) -> list[TestResult]:
    """Run every `test_*` rule of the `*_test.rego` files, like `opa test`.

    Without `paths`, the tests loaded with the policy set (built-in pack and user folders) run; with
    `paths`, only the test files under them (files or folders). Policies the tests exercise must be in
    `policies` (load user folders with `load_policies(extra_dirs=...)`). An undefined or false test
    fails; one that raises reports the engine's message in `error`.
    """
    tests = list(policies.tests) if not paths else _tests_under(policies, paths)
    engine = _new_engine([*policies.files, *tests], policies.metadata)
    engine.add_data_json(json.dumps({"plaudit": {"params": {}}}))
    results: list[TestResult] = []
    seen: set[tuple[str, str]] = set()
    for f in tests:
        for match in _TEST_RULE_RE.finditer(f.text):
            name = match.group(1)
            if (f.package, name) in seen:
                continue  # a test with several bodies is one test
            seen.add((f.package, name))
            results.append(_run_one(engine, f, name, f.text.count("\n", 0, match.start()) + 1))
    return results


def _tests_under(policies: PolicySet, paths: Sequence[Path]) -> list[PolicyFile]:
    known = {Path(f.path).resolve(): f for f in policies.tests}
    chosen: dict[Path, PolicyFile] = {}
    for given in paths:
        given = Path(given)
        if given.is_dir():
            candidates = sorted(given.rglob("*" + _TEST_SUFFIX))
        elif given.is_file() and given.name.endswith(_TEST_SUFFIX):
            candidates = [given]
        elif given.exists():
            continue  # a production file: its tests come from the folder it was loaded with
        else:
            raise PolicyError("test path not found", path=str(given))
        for path in candidates:
            resolved = path.resolve()
            if resolved in chosen:
                continue
            chosen[resolved] = known.get(resolved) or _policy_file(
                f"user/{path.name}", str(path), path.read_text(encoding="utf-8"), builtin=False
            )
    return list(chosen.values())


def _run_one(engine: Any, f: PolicyFile, name: str, line: int | None = None) -> TestResult:
    started = time.perf_counter()
    error: str | None = None
    passed = False
    try:
        passed = engine.eval_rule(f"data.{f.package}.{name}") is True
    except RuntimeError as exc:
        path, line, message = clean_engine_message(str(exc))
        error = f"{path}:{line}: {message}" if path else message
    duration = (time.perf_counter() - started) * 1000
    return TestResult(f.package, name, passed, error, duration, f.path, line)


# -------------------------------------------------------------------------------------- explaining


def parameters_read(policies: PolicySet, package: str) -> list[tuple[str, str]]:
    """The parameters a rule package reads through `params.value("name", default)`, with the
    default as written in the Rego source, in the order they appear."""
    found: dict[str, str] = {}
    for f in policies.package_files(package):
        for match in _PARAM_RE.finditer(f.text):
            found.setdefault(match["name"], match["default"].strip())
    return list(found.items())


# --------------------------------------------------------------------------------------------- lint


@dataclass(frozen=True)
class LintProblem:
    """One problem `plaudit policy check` reports, printed `path:line: message`."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line or 1}: {self.message}"


def lint_policies(paths: Sequence[Path], builtin: bool = True) -> tuple[list[LintProblem], int]:
    """Check user policy folders the way `load_policies` would judge them, but report every problem
    instead of stopping at the first: parse errors, package naming, METADATA present and valid (kind
    in SPEC §5, severity, references, remediation), rule ids unique (also against the built-in pack
    unless `builtin` is False), a `deny` set, a `_test.rego` beside each rule with `test_*` rules,
    and names that resolve. Returns the problems (by file and line) and how many files were read.
    """
    problems: list[LintProblem] = []
    user: list[PolicyFile] = []
    for directory in paths:
        for path in _rego_paths(Path(directory)):
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                problems.append(LintProblem(str(path), None, f"cannot read policy file: {exc}"))
                continue
            match = _PACKAGE_RE.search(text)
            if match is None:
                problems.append(LintProblem(str(path), 1, "no `package` declaration"))
                continue
            user.append(PolicyFile(f"user/{path.name}", str(path), text, match.group(1), builtin=False))
    parsed = [f for f in user if _parses(f, problems)]
    base = [
        f for f in _builtin_files() if not f.is_test and (builtin or not f.name.startswith("builtin/rules/"))
    ]
    builtin_packages = {f.package for f in base}
    owners: dict[str, str] = {}
    for f in base:
        block = _metadata_block(f) if f.package.startswith(_RULES_PREFIX) else None
        if block is not None:
            owners[str((block.get("custom") or {}).get("rule"))] = f"the built-in pack ({f.package})"
    production = [f for f in parsed if not f.is_test]
    tests = [f for f in parsed if f.is_test]
    by_package: dict[str, list[PolicyFile]] = {}
    for f in production:
        if f.package in builtin_packages:
            problems.append(
                LintProblem(
                    f.path, _package_line(f.text), f"package `{f.package}` redefines a built-in package"
                )
            )
            continue
        if f.package.startswith(_RULES_PREFIX) or f.package == "plaudit.rules":
            by_package.setdefault(f.package, []).append(f)
    for package, files in sorted(by_package.items()):
        problems += _lint_package(package, files, tests, owners)
    if not problems:
        problems += _lint_names(base, production, tests)
    problems.sort(key=lambda p: (p.path, p.line or 0, p.message))
    return problems, len(user)


def _rego_paths(directory: Path) -> list[Path]:
    if directory.is_file():
        return [directory]
    if not directory.is_dir():
        raise PolicyError("policy folder not found", path=str(directory), hint="pass a folder of .rego files")
    return sorted(
        p
        for p in directory.rglob("*.rego")
        if not any(part.startswith(".") for part in p.relative_to(directory).parts)
    )


def _parses(f: PolicyFile, problems: list[LintProblem]) -> bool:
    try:
        regorus.Engine().add_policy(f.path, f.text)
    except RuntimeError as exc:
        path, line, message = clean_engine_message(str(exc))
        problems.append(LintProblem(path or f.path, line, message))
        return False
    return True


def _lint_package(
    package: str, files: list[PolicyFile], tests: list[PolicyFile], owners: dict[str, str]
) -> list[LintProblem]:
    first = files[0]
    line = _package_line(first.text)
    out: list[LintProblem] = []
    parts = _RULE_PACKAGE_RE.match(package)
    if parts is None:
        return [
            LintProblem(
                first.path, line, f"rule package `{package}` must be named plaudit.rules.<area>.<name>"
            )
        ]
    name = parts.group(2)
    blocks: list[tuple[PolicyFile, dict[str, Any]]] = []
    for f in files:
        try:
            block = _metadata_block(f)
        except PolicyError as err:
            out.append(LintProblem(f.path, err.line, err.message))
            continue
        if block is not None:
            blocks.append((f, block))
    if not blocks and not out:
        out.append(
            LintProblem(
                first.path, line, f"rule package `{package}` has no `# METADATA` block above `package`"
            )
        )
    for f, _ in blocks[1:]:
        out.append(
            LintProblem(
                f.path,
                _package_line(f.text),
                f"package `{package}` has METADATA in two files (also {blocks[0][0].path})",
            )
        )
    if blocks:
        meta_file, block = blocks[0]
        try:
            meta = _validate_metadata(meta_file, block)
        except PolicyError as err:
            out.append(
                LintProblem(meta_file.path, err.line, err.message + (f" ({err.hint})" if err.hint else ""))
            )
        else:
            if meta["rule"] in owners:
                out.append(
                    LintProblem(
                        meta_file.path,
                        block.get("_line"),
                        f"rule id {meta['rule']} is already used by {owners[meta['rule']]}",
                    )
                )
            owners.setdefault(meta["rule"], meta_file.path)
    if not any(re.search(r"^deny\b", f.text, re.MULTILINE) for f in files):
        out.append(
            LintProblem(
                first.path, line, f"rule package `{package}` defines no `deny` set (the router reads `deny`)"
            )
        )
    for f in files:
        if Path(f.path).stem != name:
            out.append(
                LintProblem(
                    f.path,
                    _package_line(f.text),
                    f"name the file {name}.rego after its package `{package}` "
                    f"(rules/<area>/{name}/{name}.rego)",
                )
            )
    folder = Path(first.path).parent
    beside = [t for t in tests if Path(t.path).parent == folder]
    if not beside:
        out.append(
            LintProblem(
                first.path,
                line,
                f"no {name}{_TEST_SUFFIX} beside this rule: write tests with passing and failing cases",
            )
        )
    for t in beside:
        if not _TEST_RULE_RE.search(t.text):
            out.append(LintProblem(t.path, _package_line(t.text), "no `test_*` rule in this test file"))
    return out


def _lint_names(
    base: Sequence[PolicyFile], production: Sequence[PolicyFile], tests: Sequence[PolicyFile]
) -> list[LintProblem]:
    """Names regorus resolves only on evaluation (unknown functions, unsafe variables): probe each
    user package on an empty input, with the pack's libraries loaded as a scan would, then run the
    user's tests and report the ones that stop on an engine error (a plain failure is `policy
    test`'s business). A body no test reaches stays unchecked, as it would in a scan."""
    out: list[LintProblem] = []
    try:
        engine = _new_engine([*base, *production], {})
    except PolicyError as err:  # a conflict only visible with every file loaded
        return [LintProblem(err.path or "?", err.line, err.message)]
    probe = engine.clone()
    probe.set_input_json("{}")
    for package in sorted({f.package for f in production}):
        try:
            probe.eval_query_as_json(f"data.{package}")
        except RuntimeError as exc:
            path, line, message = clean_engine_message(str(exc))
            owner = next(f.path for f in production if f.package == package)
            out.append(LintProblem(path or owner, line, message))
    if out or not tests:
        return out
    try:
        for f in tests:
            engine.add_policy(f.path, f.text)
    except RuntimeError as exc:
        return [LintProblem(*_located(str(exc)))]
    engine.add_data_json(json.dumps({"plaudit": {"params": {}}}))
    seen: set[tuple[str, int | None, str]] = set()
    for f in tests:
        for name in dict.fromkeys(_TEST_RULE_RE.findall(f.text)):
            try:
                engine.eval_rule(f"data.{f.package}.{name}")
            except RuntimeError as exc:
                found, line, message = clean_engine_message(str(exc))
                path = found or f.path
                if (path, line, message) not in seen:
                    seen.add((path, line, message))
                    out.append(LintProblem(path, line, message))
    return out


def _located(text: str) -> tuple[str, int | None, str]:
    path, line, message = clean_engine_message(text)
    return path or "?", line, message
