"""Every `test_*` rule of the built-in pack's `_test.rego` files, one pytest case each.

A failing Rego test fails pytest under its own name (`plaudit.rules.storage.c2_protect_test.test_...`),
so `pytest -k c2_protect` runs one policy's tests.
"""

from __future__ import annotations

import pytest

from plaudit.policies.engine import TestResult, load_policies, run_tests

_RESULTS = {f"{r.package}.{r.name}": r for r in run_tests(load_policies())}


def test_every_rule_package_has_tests() -> None:
    policies = load_policies()
    tested = {r.package.removesuffix("_test") for r in _RESULTS.values()}
    untested = sorted(m["package"] for m in policies.metadata.values() if m["package"] not in tested)
    assert untested == []
    for meta in policies.metadata.values():
        count = sum(1 for r in _RESULTS.values() if r.package == meta["package"] + "_test")
        assert count >= 3, f"{meta['package']} has {count} tests; write at least 3"


@pytest.mark.parametrize("test_id", sorted(_RESULTS))
def test_rego(test_id: str) -> None:
    result: TestResult = _RESULTS[test_id]
    assert result.error is None, f"{result.path}: {result.error}"
    assert result.passed, f"{test_id} ({result.path}) is false or undefined"
