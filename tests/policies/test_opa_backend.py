"""`--opa-url`: the facts judged on an OPA server through opa-python-client, end to end.

The server is `tests/opa_server.py`: OPA's REST API over the real Go OPA engine. Whatever goes wrong
on the way (no server, timeout, HTTP errors, a server without the pack) must end in one
`PlauditError` naming the server, never in a report that looks complete.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import tarfile
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("opa_client", reason="opa-python-client is not installed (pip install 'plaudit[opa]')")
pytest.importorskip("opa_bindings", reason="opa-golib-python-bindings is not installed (see the Makefile)")

from opa_server import OpaTestServer, read_bundle
from plaudit.catalog.classify import Classifier
from plaudit.catalog.loader import load_catalog
from plaudit.errors import ConfigError, MissingExtraError, PolicyError, ScanConnectionError
from plaudit.facts import build_facts, classify_model
from plaudit.policies.bundle import DATA_PATH, write_bundle
from plaudit.policies.engine import PolicySet, evaluate, load_policies
from plaudit.policies.opa import TOKEN_ENV, OpaOptions, evaluate_opa
from plaudit.scanners.sql import scan_paths

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
# A parameter that changes the decisions on the demo schema, so passing it is observable.
PARAMS = {"min_confidence": 0.95, "pan_max_left": 4}

USER_RULE = """\
# METADATA
# title: Remarks column
# custom:
#   rule: CORP-REMARK
#   kind: pii_in_logs
#   severity: low
#   references: [corp policy 7]
#   remediation: Drop free-text remark columns.
package plaudit.rules.corp.remark

import rego.v1

deny contains {"resource": c.resource, "message": sprintf("%s is free text", [c.resource])} if {
\tsome c in input.columns
\tc.column == "note"
}
"""


@pytest.fixture(scope="module")
def policies() -> PolicySet:
    return load_policies()


@pytest.fixture(scope="module")
def facts() -> dict[str, Any]:
    """The demo schema scanned as SQL with the demo catalog: every kind of static finding, waivers."""
    root = resources.files("plaudit.demo")
    with (
        resources.as_file(root.joinpath("schema.sql")) as schema,
        resources.as_file(root.joinpath("catalog.yaml")) as catalog_path,
    ):
        catalog = load_catalog([catalog_path])
        model = scan_paths([schema], dialect="sqlite")
        columns = classify_model(model, catalog, Classifier())
        return build_facts(model, catalog, columns, mode="scan-sql", target="schema.sql", now=NOW)


@pytest.fixture(scope="module")
def push_server() -> Any:
    with OpaTestServer() as server:
        yield server


@pytest.fixture(scope="module")
def bundle(policies: PolicySet, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_bundle(policies, {}, tmp_path_factory.mktemp("bundle") / "plaudit.tar.gz")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ------------------------------------------------------------------------------- same decisions


def test_push_mode_decides_like_the_in_process_engine(
    policies: PolicySet, facts: dict[str, Any], push_server: OpaTestServer
) -> None:
    expected = evaluate(policies, facts, PARAMS)
    assert expected != evaluate(policies, facts), "PARAMS must change the decisions"
    got = evaluate_opa(policies, facts, PARAMS, OpaOptions(push_server.url))
    assert got == expected
    assert len({v["kind"] for v in got}) >= 4
    assert push_server.data["plaudit"]["params"] == PARAMS
    assert all(p.startswith("plaudit/") for p in push_server.policies)


def test_a_second_push_replaces_params_and_drops_removed_policies(
    facts: dict[str, Any], push_server: OpaTestServer, tmp_path: Path
) -> None:
    (tmp_path / "remark.rego").write_text(USER_RULE, encoding="utf-8")
    with_user = load_policies([tmp_path])
    got = evaluate_opa(with_user, facts, {}, OpaOptions(push_server.url))
    assert got == evaluate(with_user, facts)
    assert any(v["rule"] == "CORP-REMARK" for v in got)

    builtin_only = load_policies()
    got = evaluate_opa(builtin_only, facts, {}, OpaOptions(push_server.url))
    assert got == evaluate(builtin_only, facts)
    assert not any(v["rule"] == "CORP-REMARK" for v in got)
    assert "plaudit/user/remark.rego" not in push_server.policies


def test_bundle_mode_decides_like_the_in_process_engine(
    policies: PolicySet, facts: dict[str, Any], bundle: Path
) -> None:
    with OpaTestServer(bundle=bundle) as server:
        got = evaluate_opa(policies, facts, PARAMS, OpaOptions(server.url, mode="bundle"))
        methods = {method for method, _ in server.requests}
    assert got == evaluate(policies, facts, PARAMS)
    assert methods == {"POST"}, "bundle mode only queries"


def test_bundle_holds_the_pack_its_metadata_and_params(policies: PolicySet, tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "remark.rego").write_text(USER_RULE, encoding="utf-8")
    (tmp_path / "rules" / "remark_test.rego").write_text(
        "package plaudit.rules.corp.remark_test\n\nimport rego.v1\n\ntest_x if true\n", encoding="utf-8"
    )
    with_user = load_policies([tmp_path])
    path = write_bundle(with_user, {"min_confidence": 0.8}, tmp_path / "out" / "plaudit.tar.gz")
    modules, data, roots, revision = read_bundle(path)
    with tarfile.open(path) as tar:
        names = tar.getnames()
    assert revision == with_user.digest and roots == ["plaudit"]
    assert DATA_PATH in names and ".manifest" in names
    assert not any(n.endswith("_test.rego") for n in names)
    assert "bundle/user/rules/remark.rego" in modules and "bundle/builtin/main.rego" in modules
    assert data == {"plaudit": {"metadata": with_user.metadata, "params": {"min_confidence": 0.8}}}
    # Same input, same bytes: a bundle service sees no new revision without a change.
    again = write_bundle(with_user, {"min_confidence": 0.8}, tmp_path / "again.tar.gz")
    assert again.read_bytes() == path.read_bytes()


def test_params_inside_the_bundle_apply_without_run_params(
    policies: PolicySet, facts: dict[str, Any], tmp_path: Path
) -> None:
    path = write_bundle(policies, PARAMS, tmp_path / "plaudit.tar.gz")
    with OpaTestServer(bundle=path) as server:
        got = evaluate_opa(policies, facts, {}, OpaOptions(server.url, mode="bundle"))
    assert got == evaluate(policies, facts, PARAMS)


def test_bearer_token_comes_from_the_environment_and_is_never_shown(
    policies: PolicySet, facts: dict[str, Any], bundle: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "tok-3f9a-never-print-me"
    with OpaTestServer(bundle=bundle, token=secret) as server:
        monkeypatch.delenv(TOKEN_ENV, raising=False)
        with pytest.raises(ScanConnectionError) as refused:
            evaluate_opa(policies, facts, {}, OpaOptions(server.url, mode="bundle"))
        assert "401" in str(refused.value) and TOKEN_ENV in (refused.value.hint or "")

        monkeypatch.setenv(TOKEN_ENV, secret)
        options = OpaOptions(server.url, mode="bundle")
        assert evaluate_opa(policies, facts, {}, options) == evaluate(policies, facts)
        assert secret not in repr(options)


# ------------------------------------------------------------------------------------- failures


def test_unreachable_server_is_a_connection_error(policies: PolicySet, facts: dict[str, Any]) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(ScanConnectionError) as err:
        evaluate_opa(policies, facts, {}, OpaOptions(url, mode="bundle"))
    message = str(err.value)
    assert url in message and "connection refused" in message and "\n" not in message
    assert "opa run --server" in (err.value.hint or "")


def test_unknown_host_is_a_connection_error(policies: PolicySet, facts: dict[str, Any]) -> None:
    with pytest.raises(ScanConnectionError) as err:
        evaluate_opa(policies, facts, {}, OpaOptions("http://opa.invalid:8181", mode="bundle", timeout=5))
    assert "opa.invalid" in str(err.value)


def test_password_in_the_url_is_redacted(policies: PolicySet, facts: dict[str, Any]) -> None:
    url = f"http://plaudit:hunter2@127.0.0.1:{free_port()}"
    with pytest.raises(ScanConnectionError) as err:
        evaluate_opa(policies, facts, {}, OpaOptions(url, mode="bundle"))
    assert "hunter2" not in str(err.value) and "plaudit:***@127.0.0.1" in str(err.value)


def test_server_error_on_the_query_names_opas_message(
    policies: PolicySet, facts: dict[str, Any], bundle: Path
) -> None:
    with OpaTestServer(bundle=bundle) as server:
        server.fail(
            "POST",
            "/v1/data/plaudit/main",
            status=500,
            body={
                "code": "internal_error",
                "message": "1 error occurred: x.rego:3: eval_conflict_error: boom",
            },
        )
        with pytest.raises(PolicyError) as err:
            evaluate_opa(policies, facts, {}, OpaOptions(server.url, mode="bundle"))
    assert "answered 500" in str(err.value) and "eval_conflict_error: boom" in str(err.value)
    assert server.url in str(err.value)


def test_policy_that_opa_cannot_compile_names_the_file_and_line(
    facts: dict[str, Any], tmp_path: Path
) -> None:
    # The in-process engine accepts this rule; Go OPA's type checker knows the object has no `b`.
    bad = USER_RULE.replace('c.column == "note"', 'c.column == "note"\n\t{"a": 1}.b == 1')
    (tmp_path / "remark.rego").write_text(bad, encoding="utf-8")
    with_user = load_policies([tmp_path])
    with OpaTestServer() as server, pytest.raises(PolicyError) as err:
        evaluate_opa(with_user, facts, {}, OpaOptions(server.url))
    bad_line = bad.splitlines().index('\t{"a": 1}.b == 1') + 1
    assert err.value.path == str(tmp_path / "remark.rego") and err.value.line == bad_line
    assert "rego_type_error" in str(err.value) and "could not compile" in str(err.value)
    assert not any(method == "POST" for method, _ in server.requests), "never queried a broken pack"


def test_timeout_is_a_connection_error_naming_the_limit(
    policies: PolicySet, facts: dict[str, Any], bundle: Path
) -> None:
    with OpaTestServer(bundle=bundle) as server:
        server.fail("POST", "/v1/data/", delay=2.0)
        with pytest.raises(ScanConnectionError) as err:
            evaluate_opa(policies, facts, {}, OpaOptions(server.url, mode="bundle", timeout=0.3))
    assert "did not answer within 0.3 s" in str(err.value) and "timeout" in (err.value.hint or "")


def test_server_without_the_pack_is_an_error_not_an_empty_report(
    policies: PolicySet, facts: dict[str, Any]
) -> None:
    with OpaTestServer() as server, pytest.raises(PolicyError) as err:
        evaluate_opa(policies, facts, {}, OpaOptions(server.url, mode="bundle"))
    assert "has no plaudit policies" in str(err.value) and "plaudit policy bundle" in (err.value.hint or "")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"<html>502 Bad Gateway</html>", "not JSON"),
        (json.dumps({"result": {"a": 1}}).encode(), "expected a list"),
        (json.dumps({"result": [1, 2]}).encode(), "instead of violation objects"),
        (json.dumps({"result": [{"rule": "X", "kind": "nope", "severity": "high"}]}).encode(), "kind 'nope'"),
    ],
)
def test_malformed_answers_are_errors(
    policies: PolicySet, facts: dict[str, Any], bundle: Path, body: bytes, expected: str
) -> None:
    with OpaTestServer(bundle=bundle) as server:
        server.fail("POST", "/v1/data/", status=200, body=body)
        with pytest.raises(PolicyError) as err:
            evaluate_opa(policies, facts, {}, OpaOptions(server.url, mode="bundle"))
    assert expected in str(err.value)


def test_push_to_a_server_running_the_bundle_says_to_use_bundle_mode(
    policies: PolicySet, facts: dict[str, Any], bundle: Path
) -> None:
    with OpaTestServer(bundle=bundle) as server, pytest.raises(PolicyError) as err:
        evaluate_opa(policies, facts, {}, OpaOptions(server.url, mode="push"))
    assert "is owned by bundle" in str(err.value) and "bundle mode" in (err.value.hint or "")


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"url": "opa:8181"}, "http:// or https://"),
        ({"url": "ftp://opa"}, "http:// or https://"),
        ({"url": "http://opa:port"}, "not a valid URL"),
        ({"url": "http://opa", "timeout": 0}, "positive number"),
        ({"url": "http://opa", "mode": "pull"}, "unknown OPA mode"),
    ],
)
def test_bad_options_are_configuration_errors(kwargs: dict[str, Any], expected: str) -> None:
    with pytest.raises(ConfigError, match=expected):
        OpaOptions(**kwargs)


def test_missing_client_names_the_extra(
    policies: PolicySet, facts: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(
        __import__("sys").modules, "opa_client", None
    )  # what an uninstalled package looks like
    with pytest.raises(MissingExtraError) as err:
        evaluate_opa(policies, facts, {}, OpaOptions("http://127.0.0.1:8181"))
    assert "plaudit[opa]" in (err.value.hint or "")
