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

import hashlib
import json
import re
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import regorus
import yaml

from plaudit.errors import PolicyError
from plaudit.model import KINDS, Severity

__all__ = [
    "ENTRYPOINT",
    "PolicyFile",
    "PolicySet",
    "TestResult",
    "evaluate",
    "fingerprint",
    "load_policies",
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

    __test__ = False  # not a pytest test class, despite the name


@dataclass
class PolicySet:
    """The loaded, validated policies. Build it with `load_policies`; it compiles once, lazily."""

    files: tuple[PolicyFile, ...]
    tests: tuple[PolicyFile, ...]
    metadata: dict[str, dict[str, Any]]
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
        """Every rule's metadata, sorted by rule id (`plaudit policy list`)."""
        return sorted((dict(m) for m in self.metadata.values()), key=lambda m: m["rule"])

    def engine(self) -> Any:
        """The compiled engine with policies and metadata loaded; callers `clone()` it before use."""
        engine = getattr(self._engines, "engine", None)
        if engine is None:
            engine = self._engines.engine = _compile(self.files, self.metadata)
        return engine


# ------------------------------------------------------------------------------------------- loading


def load_policies(extra_dirs: Sequence[Path] = (), builtin: bool = True) -> PolicySet:
    """Load the built-in pack and every `.rego` under `extra_dirs` (folders or single files).

    With `builtin=False` only the router and its libraries (`main.rego`, `lib/`) of the pack load,
    not its rules.

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
    metadata = _collect_metadata(production)
    policy_set = PolicySet(files=production, tests=tests, metadata=metadata)
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


def _collect_metadata(files: Sequence[PolicyFile]) -> dict[str, dict[str, Any]]:
    """Parse and validate the METADATA of every rule package, keyed `<area>.<name>`."""
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
        data = yaml.safe_load("\n".join(body))
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
    return {
        "rule": rule,
        "kind": kind,
        "severity": severity,
        "title": title.strip(),
        "description": str(description).strip(),
        "references": list(references),
        "remediation": remediation.strip(),
        "package": f.package,
    }


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
    violations = [_violation(v) for v in found]
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
        for name in _TEST_RULE_RE.findall(f.text):
            if (f.package, name) in seen:
                continue  # a test with several bodies is one test
            seen.add((f.package, name))
            results.append(_run_one(engine, f, name))
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


def _run_one(engine: Any, f: PolicyFile, name: str) -> TestResult:
    started = time.perf_counter()
    error: str | None = None
    passed = False
    try:
        passed = engine.eval_rule(f"data.{f.package}.{name}") is True
    except RuntimeError as exc:
        path, line, message = clean_engine_message(str(exc))
        error = f"{path}:{line}: {message}" if path else message
    duration = (time.perf_counter() - started) * 1000
    return TestResult(f.package, name, passed, error, duration, f.path)
