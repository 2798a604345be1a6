"""Conformance with real OPA: the pack must mean the same on Go OPA as on the in-process engine.

The oracle is Go OPA v1.20.2 embedded by `opa-golib-python-bindings` (the `opa` binary is not
installable on our machines; where it is on PATH, `opa run --server` is tested too). Two checks:

- every `test_*` rule of the built-in pack passes on Go OPA, and Go OPA sees no test the in-process
  runner misses;
- the violations for realistic facts documents (the demo database with its data checks, the public
  schemas of `../shared/corpus`, the benchmark's synthetic document with waivers) are identical.

A difference found and not yet fixed in the rule files is listed in `KNOWN_DIVERGENCES` with its
cause; those tests are strict xfails, so the fix turns them into failures until the entry is removed.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("opa_bindings", reason="opa-golib-python-bindings is not installed (see the Makefile)")

from opa_server import go_engine, go_evaluate, read_bundle
from plaudit.catalog.classify import Classifier
from plaudit.catalog.loader import Catalog
from plaudit.facts import build_facts, classify_model
from plaudit.policies.bundle import write_bundle
from plaudit.policies.engine import (
    PolicyFile,
    PolicySet,
    TestResult,
    evaluate,
    load_policies,
    normalise_violations,
    run_tests,
)
from plaudit.policies.opa import OpaOptions
from plaudit.scanners.sql import scan_paths

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"
NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
PARAMS = {"min_confidence": 0.95, "pan_max_left": 4, "allowed_readers": ["report_ro"]}

#: Test id (or a package prefix ending in ".") -> why Go OPA disagrees. Fix the rule, then remove it.
KNOWN_DIVERGENCES: dict[str, str] = {}

#: Corpus source -> why its violations differ on Go OPA.
CORPUS_DIVERGENCES: dict[str, str] = {}

# `file.rego:12: rego_type_error: ...` in Go OPA's compile errors.
_GO_FILE_RE = re.compile(r"([^\s:]+\.rego):\d+: \w+_error")


def _known(test_id: str) -> str | None:
    for key, reason in KNOWN_DIVERGENCES.items():
        if test_id == key or (key.endswith(".") and test_id.startswith(key)):
            return reason
    return None


# ----------------------------------------------------------------------------------- the unit tests


def _go_test_results(policies: PolicySet) -> tuple[dict[str, tuple[bool, str | None]], set[str]]:
    """(test id -> (passed, error)) and every `test_*` name Go OPA evaluated, per `opa test` rules:
    a test passes when it is true. A test file Go OPA cannot compile fails all its tests, alone."""
    data = {"plaudit": {"metadata": policies.metadata, "params": {}}}
    production = [(f.name, f.text) for f in policies.files]
    excluded: dict[str, str] = {}
    tests = list(policies.tests)
    while True:
        engine = go_engine([*production, *((f.name, f.text) for f in tests)], data)
        try:
            engine.eval_query("true")  # compiles every module
            break
        except Exception as exc:  # opa_bindings.OpaError
            culprits = {name for name in _GO_FILE_RE.findall(str(exc)) if name in {f.name for f in tests}}
            if not culprits:
                raise
            excluded.update(dict.fromkeys(culprits, str(exc).splitlines()[0]))
            tests = [f for f in tests if f.name not in culprits]
    results: dict[str, tuple[bool, str | None]] = {}
    seen: set[str] = set()
    for f in policies.tests:
        names = _test_names(f)
        if f.name in excluded:
            results.update({f"{f.package}.{n}": (False, excluded[f.name]) for n in names})
            continue
        try:
            document = engine.eval_document(f.package)
        except Exception:  # one test raises: evaluate them one by one to say which
            document = {}
            for n in names:
                try:
                    document[n] = engine.eval_document(f"{f.package}.{n}")
                except Exception as exc:
                    results[f"{f.package}.{n}"] = (False, str(exc).splitlines()[0])
        seen |= {f"{f.package}.{k}" for k in document if k.startswith("test_")}
        for n in names:
            results.setdefault(f"{f.package}.{n}", (document.get(n) is True, None))
    return results, seen


def _test_names(f: PolicyFile) -> list[str]:
    return list(dict.fromkeys(re.findall(r"^(test_\w+)\b", f.text, re.MULTILINE)))


_POLICIES = load_policies()
_REGORUS: dict[str, TestResult] = {f"{r.package}.{r.name}": r for r in run_tests(_POLICIES)}
_GO, _GO_SEEN = _go_test_results(_POLICIES)


def test_go_opa_runs_the_same_tests() -> None:
    assert set(_GO) == set(_REGORUS)
    assert _GO_SEEN - set(_REGORUS) == set(), "Go OPA evaluates test rules the in-process runner misses"
    assert len(_REGORUS) >= 100


@pytest.mark.parametrize(
    "test_id",
    [
        pytest.param(t, marks=pytest.mark.xfail(strict=True, reason=_known(t) or "")) if _known(t) else t
        for t in sorted(_REGORUS)
    ],
)
def test_rego_test_passes_on_go_opa(test_id: str) -> None:
    passed, error = _GO[test_id]
    assert error is None, f"{_REGORUS[test_id].path}: {error}"
    assert passed, f"{test_id} ({_REGORUS[test_id].path}) is false or undefined on Go OPA"


# ------------------------------------------------------------------------------ realistic documents


@pytest.fixture(scope="module")
def policies() -> PolicySet:
    return _POLICIES


@pytest.fixture(scope="module")
def demo_facts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The demo database (SPEC §8) scanned like the nightly job, data checks included when the
    `data` extra is installed: the fullest facts document plaudit produces."""
    from plaudit.demo.generate import build_demo_database
    from plaudit.pipeline import DbTarget, Options, observe_database, prepare

    db = tmp_path_factory.mktemp("demo") / "lending.db"
    build_demo_database(db)
    with resources.as_file(resources.files("plaudit.demo").joinpath("catalog.yaml")) as catalog_path:
        options = Options(catalog=[catalog_path], now=NOW)
        prepared = prepare(options)
        data = importlib.util.find_spec("great_expectations") is not None
        observed = observe_database(
            DbTarget(f"sqlite:///{db}"), options=options, prepared=prepared, data=data, mode="demo"
        )
    return build_facts(
        observed.model, prepared[0], observed.columns, mode="demo", target="demo", now=NOW,
        data_checks=observed.checks,
    )  # fmt: skip


@pytest.mark.parametrize("params", [{}, PARAMS], ids=["defaults", "params"])
def test_demo_database_decisions_are_identical(
    policies: PolicySet, demo_facts: dict[str, Any], params: dict[str, Any]
) -> None:
    expected = evaluate(policies, demo_facts, params)
    assert len(expected) >= 20 and any(v["waived"] for v in expected)
    assert go_evaluate(policies, demo_facts, params) == expected


_SOURCES = {
    "fineract": "mysql",
    "roncoo-pay": "mysql",
    "killbill": "mysql",
    "mall": "mysql",
    "ruoyi": "mysql",
    "pagila": "postgres",
    "chinook/Chinook_PostgreSql.sql": "postgres",
    "adventureworks-pg": "postgres",
    "openstreetmap": "postgres",
    "supabase-auth": "postgres",
    "omop-cdm": "postgres",
}


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(s, marks=pytest.mark.xfail(strict=True, reason=CORPUS_DIVERGENCES[s]))
        if s in CORPUS_DIVERGENCES
        else s
        for s in sorted(_SOURCES)
    ],
)
def test_corpus_decisions_are_identical(policies: PolicySet, source: str) -> None:
    path = CORPUS / source
    if not path.exists():
        pytest.skip(f"corpus not found at {path} (see ../shared/corpus/SOURCES.md)")
    model = scan_paths([path], dialect=_SOURCES[source])
    catalog = Catalog()
    columns = classify_model(model, catalog, Classifier())
    facts = build_facts(model, catalog, columns, mode="scan-sql", target=source, now=NOW)
    expected = evaluate(policies, facts, PARAMS)
    assert expected, f"{source} should give findings without a catalog"
    assert go_evaluate(policies, facts, PARAMS) == expected


def test_synthetic_document_with_waivers_is_identical(policies: PolicySet) -> None:
    spec = importlib.util.spec_from_file_location("policy_eval", REPO / "benchmarks" / "policy_eval.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    facts = bench.synthetic_facts(3_000)
    expected = evaluate(policies, facts)
    assert sum(v["waived"] for v in expected) > 10
    assert go_evaluate(policies, facts) == expected


def test_bundle_on_go_opa_decides_like_the_in_process_engine(
    policies: PolicySet, demo_facts: dict[str, Any], tmp_path: Path
) -> None:
    modules, data, _, _ = read_bundle(write_bundle(policies, PARAMS, tmp_path / "plaudit.tar.gz"))
    engine = go_engine(modules.items(), data)
    found = normalise_violations(engine.eval_document("plaudit.main.violations", demo_facts))
    assert found == evaluate(policies, demo_facts, PARAMS)


# ---------------------------------------------------------------------------------- `opa run --server`


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def opa_binary_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[OpaOptions]:
    """`opa run --server` on a free port: with plaudit's bundle (bundle mode) or empty (push mode)."""
    opa = shutil.which("opa")
    if opa is None:
        pytest.skip("no `opa` binary on PATH; the Go OPA library covers the same engine")
    mode = request.param
    port = _free_port()
    command = [opa, "run", "--server", "--addr", f"127.0.0.1:{port}"]
    if mode == "bundle":
        command += ["--bundle", str(write_bundle(_POLICIES, {}, tmp_path / "plaudit.tar.gz"))]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail(f"`opa run --server` did not start (exit {process.poll()})")
                time.sleep(0.1)
        yield OpaOptions(f"http://127.0.0.1:{port}", mode=mode, timeout=60)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize("opa_binary_server", ["push", "bundle"], indirect=True)
def test_opa_binary_decides_like_the_in_process_engine(
    policies: PolicySet, demo_facts: dict[str, Any], opa_binary_server: OpaOptions
) -> None:
    from plaudit.policies.opa import evaluate_opa

    pytest.importorskip("opa_client", reason="opa-python-client is not installed")
    got = evaluate_opa(policies, demo_facts, PARAMS, opa_binary_server)
    assert got == evaluate(policies, demo_facts, PARAMS)
