"""A loopback Open Policy Agent server for tests, backed by the real Go OPA engine.

The `opa` binary cannot be installed on our machines, but `opa-golib-python-bindings` embeds Go OPA
(v1.20.2) as a library. `OpaTestServer` wraps it in the parts of OPA's REST API that
opa-python-client uses, with OPA's status codes and error bodies:

- `GET /health`: 200 `{}`; `GET /v1/policies`: 200 `{"result": [{"id", "raw"}, ...]}`;
- `PUT /v1/policies/{id}` (text): 200 `{}`, or 400 `{"code": "invalid_parameter", "errors": [...]}`
  when the module set no longer compiles; `GET`/`DELETE`: 200, or 404 `resource_not_found`;
- `PUT /v1/data/{path}` (JSON): 204, or 400 on malformed JSON or a path a bundle owns;
- `GET /v1/data/{path}`, `POST /v1/data/{path}` `{"input": ...}`: 200 `{"result": ...}`, or `{}`
  when the document is undefined; 500 `{"code": "internal_error", ...}` on an evaluation error.

A bundle (`.tar.gz`, as `plaudit policy bundle` writes it) can be loaded at start; its roots are then
read-only, as in OPA. `fail()` injects faults (a status, a raw body, a delay) to test the client side.
With `token=`, requests without `Authorization: Bearer <token>` get OPA's 401.

    with OpaTestServer(bundle=path) as server:
        evaluate_opa(policies, facts, {}, OpaOptions(server.url, mode="bundle"))
"""

from __future__ import annotations

import copy
import json
import re
import tarfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from opa_bindings import OpaEngine, OpaError, OpaUndefinedError

from plaudit.policies.engine import PolicySet, normalise_violations

__all__ = ["OpaTestServer", "go_engine", "go_evaluate", "read_bundle"]

# `file.rego:12: rego_type_error: message` inside a Go OPA error text.
_GO_ERROR_RE = re.compile(r"(?P<file>[^\s:]+\.rego):(?P<row>\d+): (?P<code>\w+_error): (?P<message>[^\n]*)")


# ------------------------------------------------------------------------------ the engine, in process


def go_engine(modules: Iterable[tuple[str, str]], data: dict[str, Any]) -> Any:
    """A Go OPA engine holding `modules` (id, text) and the `data` document."""
    engine = OpaEngine()
    for module_id, text in modules:
        engine.add_policy(module_id, text)
    if data:
        engine.add_data(data)
    return engine


def go_evaluate(
    policies: PolicySet, facts: dict[str, Any], params: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """What `engine.evaluate` returns, computed by Go OPA from the same files, metadata and params."""
    data = {"plaudit": {"metadata": policies.metadata, "params": params or {}}}
    engine = go_engine(((f.name, f.text) for f in policies.files), data)
    try:
        return normalise_violations(engine.eval_document("plaudit.main.violations", facts))
    finally:
        engine.close()


def read_bundle(path: Path) -> tuple[dict[str, str], dict[str, Any], list[str], str | None]:
    """(modules by id, data, roots, revision) of an OPA bundle, read the way OPA reads it: every
    `.rego` file is a module, a `data.json` is mounted at the data path of its folder."""
    modules: dict[str, str] = {}
    data: dict[str, Any] = {}
    manifest: dict[str, Any] = {}
    with tarfile.open(path, mode="r:gz") as tar:
        for member in tar.getmembers():
            if not member.isfile():
                continue
            handle = tar.extractfile(member)
            assert handle is not None
            payload = handle.read()
            name = PurePosixPath(member.name.lstrip("/"))
            if name.name == ".manifest":
                manifest = json.loads(payload)
            elif name.suffix == ".rego":
                modules[f"bundle/{name}"] = payload.decode("utf-8")
            elif name.name == "data.json":
                node = data
                for part in name.parent.parts:
                    node = node.setdefault(part, {})
                _merge(node, json.loads(payload))
    roots = [r for r in manifest.get("roots", [""]) if isinstance(r, str)]
    return modules, data, roots, manifest.get("revision")


def _merge(into: dict[str, Any], value: dict[str, Any]) -> None:
    for key, item in value.items():
        if isinstance(item, dict) and isinstance(into.get(key), dict):
            _merge(into[key], item)
        else:
            into[key] = item


def _go_errors(text: str) -> list[dict[str, Any]]:
    found = [
        {
            "code": m["code"],
            "message": m["message"].strip(),
            "location": {"file": m["file"], "row": int(m["row"]), "col": 1},
        }
        for m in _GO_ERROR_RE.finditer(text)
    ]
    return found or [{"code": "rego_compile_error", "message": text.strip()}]


# ------------------------------------------------------------------------------------------ the server


@dataclass
class _Fault:
    method: str
    prefix: str
    status: int | None
    body: bytes | None
    delay: float
    times: int | None


class OpaTestServer:
    """OPA's REST API on 127.0.0.1 (a free port), evaluated by Go OPA. Use as a context manager."""

    def __init__(self, *, bundle: Path | None = None, token: str | None = None) -> None:
        self.policies: dict[str, str] = {}
        self.data: dict[str, Any] = {}
        self.roots: list[str] = []
        self.revision: str | None = None
        self.bundle_name = ""
        self.token = token
        #: (method, path) of every request received, in order.
        self.requests: list[tuple[str, str]] = []
        self._faults: list[_Fault] = []
        self._lock = threading.RLock()
        self._engine: Any = None
        if bundle is not None:
            self.policies, self.data, self.roots, self.revision = read_bundle(bundle)
            self.bundle_name = str(bundle)
            self._engine = self._compiled(self.policies, self.data)
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="opa-test-server", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> OpaTestServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def fail(
        self,
        method: str,
        prefix: str,
        *,
        status: int | None = None,
        body: Any = None,
        delay: float = 0.0,
        times: int | None = None,
    ) -> None:
        """Answer requests `method prefix...` with `status` and `body` (JSON, or bytes sent as they
        are) after `delay` seconds; without `status`, only delay them. `times=None`: every request."""
        raw = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
        self._faults.append(_Fault(method, prefix, status, raw, delay, times))

    # -- state --------------------------------------------------------------------------------------

    def _compiled(self, policies: dict[str, str], data: dict[str, Any]) -> Any:
        """A compiled engine for this module set; raises OpaError when it does not compile."""
        engine = go_engine(policies.items(), data)
        engine.eval_query("true")  # preparing a query compiles every module, as OPA does on upload
        return engine

    def _owned(self, path: str) -> dict[str, Any] | None:
        """OPA's 400 body for a write under a root of the loaded bundle, else None."""
        segments = [s for s in path.split("/") if s]
        for root in self.roots:
            root_parts = [s for s in root.split("/") if s]
            if segments[: len(root_parts)] == root_parts or root_parts[: len(segments)] == segments:
                message = f'path {"/".join(segments)} is owned by bundle "{self.bundle_name}"'
                return {"code": "invalid_parameter", "message": message}
        return None

    def _package_path(self, text: str) -> str:
        match = re.search(r"^package\s+([\w.]+)", text, re.MULTILINE)
        return match.group(1).replace(".", "/") if match else ""

    def put_policy(self, policy_id: str, text: str) -> tuple[int, Any]:
        owned = self._owned(self._package_path(text))
        if owned:
            return 400, owned
        with self._lock:
            if self.policies.get(policy_id) == text:
                return 200, {}  # OPA skips recompiling a module uploaded again unchanged
            candidate = {**self.policies, policy_id: text}
            try:
                engine = self._compiled(candidate, self.data)
            except OpaError as exc:
                return 400, {
                    "code": "invalid_parameter",
                    "message": "error(s) occurred while compiling module(s)",
                    "errors": _go_errors(exc.message),
                }
            self.policies, self._engine = candidate, engine
        return 200, {}

    def delete_policy(self, policy_id: str) -> tuple[int, Any]:
        with self._lock:
            if policy_id not in self.policies:
                return 404, _not_found(policy_id)
            candidate = {k: v for k, v in self.policies.items() if k != policy_id}
            try:
                engine = self._compiled(candidate, self.data)
            except OpaError as exc:
                return 400, {
                    "code": "invalid_parameter",
                    "message": "error(s) occurred while compiling module(s)",
                    "errors": _go_errors(exc.message),
                }
            self.policies, self._engine = candidate, engine
        return 200, {}

    def put_data(self, path: str, value: Any) -> tuple[int, Any]:
        owned = self._owned(path)
        if owned:
            return 400, owned
        with self._lock:
            data = copy.deepcopy(self.data)
            segments = [s for s in path.split("/") if s]
            if not segments:
                if not isinstance(value, dict):
                    return 400, {"code": "invalid_parameter", "message": "root must be object"}
                data = value
            else:
                node = data
                for part in segments[:-1]:
                    child = node.get(part)
                    if not isinstance(child, dict):
                        child = node[part] = {}
                    node = child
                node[segments[-1]] = value
            try:
                engine = self._compiled(self.policies, data)
            except OpaError as exc:
                return 400, {"code": "invalid_parameter", "message": exc.message}
            self.data, self._engine = data, engine
        return 204, None

    def query(self, path: str, input_doc: Any, with_input: bool) -> tuple[int, Any]:
        with self._lock:
            engine = self._engine or self._compiled(self.policies, self.data)
            self._engine = engine
        dotted = ".".join(s for s in path.split("/") if s)
        try:
            value = engine.eval_document(dotted, input_doc if with_input else None)
        except OpaUndefinedError:
            return 200, {}
        except OpaError as exc:
            return 500, {"code": "internal_error", "message": exc.message}
        return 200, {"result": value}


def _not_found(policy_id: str) -> dict[str, Any]:
    return {"code": "resource_not_found", "message": f'storage_not_found_error: policy id "{policy_id}"'}


def _handler(server: OpaTestServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _send(self, status: int, body: Any, raw: bytes | None = None) -> None:
            payload = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test); nothing to answer

        def _body(self) -> bytes:
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _dispatch(self, method: str) -> None:
            path = unquote(urlsplit(self.path).path)
            body = self._body()
            server.requests.append((method, path))
            for fault in server._faults:
                if fault.method == method and path.startswith(fault.prefix) and fault.times != 0:
                    if fault.times is not None:
                        fault.times -= 1
                    time.sleep(fault.delay)
                    if fault.status is not None:
                        self._send(fault.status, None, raw=fault.body or b"")
                        return
                    break
            if server.token and self.headers.get("Authorization") != f"Bearer {server.token}":
                self._send(
                    401, {"code": "unauthorized", "message": "request rejected by administrative policy"}
                )
                return
            self._send(*self._route(method, path, body))

        def _route(self, method: str, path: str, body: bytes) -> tuple[int, Any]:
            if path == "/health" and method == "GET":
                return 200, {}
            if path.rstrip("/") == "/v1/policies" and method == "GET":
                return 200, {"result": [{"id": k, "raw": v} for k, v in sorted(server.policies.items())]}
            if path.startswith("/v1/policies/"):
                policy_id = path[len("/v1/policies/") :]
                if method == "PUT":
                    try:
                        text = body.decode("utf-8")
                    except UnicodeDecodeError:
                        return 400, {"code": "invalid_parameter", "message": "policy is not UTF-8"}
                    return server.put_policy(policy_id, text)
                if method == "GET":
                    if policy_id not in server.policies:
                        return 404, _not_found(policy_id)
                    return 200, {"result": {"id": policy_id, "raw": server.policies[policy_id]}}
                if method == "DELETE":
                    return server.delete_policy(policy_id)
            if path == "/v1/data" or path.startswith("/v1/data/"):
                data_path = path[len("/v1/data") :]
                if method == "GET":
                    return server.query(data_path, None, with_input=False)
                try:
                    parsed = json.loads(body) if body.strip() else None
                except ValueError as exc:
                    return 400, {
                        "code": "invalid_parameter",
                        "message": f"body contains malformed JSON: {exc}",
                    }
                if method == "PUT":
                    return server.put_data(data_path, parsed)
                if method == "POST":
                    if isinstance(parsed, dict) and "input" in parsed:
                        return server.query(data_path, parsed["input"], with_input=True)
                    return server.query(data_path, None, with_input=False)
            return 404, {"code": "resource_not_found", "message": f"{method} {path} is not an OPA API"}

        def do_GET(self) -> None:
            self._dispatch("GET")

        def do_PUT(self) -> None:
            self._dispatch("PUT")

        def do_POST(self) -> None:
            self._dispatch("POST")

        def do_DELETE(self) -> None:
            self._dispatch("DELETE")

    return Handler
