"""The remote judge: evaluate the policies on an Open Policy Agent server (`--opa-url`).

Organisations that run OPA centrally send the same facts document there instead of evaluating in
process (SPEC §7); both engines must return the same violations. Two ways to get plaudit's policies
onto the server:

- `mode="push"`: every `.rego` file of the `PolicySet` goes through OPA's Policy API (ids
  `plaudit/<name>`), the rule METADATA and the run's parameters through the Data API
  (`data.plaudit.metadata`, `data.plaudit.params`), then the facts are queried. Modules a previous
  push left under `plaudit/` that the pack no longer has are deleted, so a removed rule stops firing.
- `mode="bundle"`: the server was started with plaudit's bundle (`plaudit policy bundle`, see
  `bundle.py`); plaudit only queries, and sends the run's parameters as `input.params`. A parameter
  the bundle itself sets (`data.plaudit.params`) wins over the run's (lib/params.rego).

Every failure — no server, DNS, TLS, timeout, an HTTP error, a body that is not OPA's, a server
without the plaudit pack — raises a `PlauditError` (exit 2) naming the URL with its credentials
hidden; a partial answer is never turned into a report.

    >>> options = OpaOptions("http://opa.internal:8181", timeout=60)
    >>> violations = evaluate_opa(load_policies(), facts, {"min_confidence": 0.7}, options)
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import quote, unquote, urlsplit

from plaudit.errors import ConfigError, MissingExtraError, PlauditError, PolicyError, ScanConnectionError
from plaudit.policies.engine import ENTRYPOINT, PolicyFile, PolicySet, normalise_violations

__all__ = ["DEFAULT_TIMEOUT", "TOKEN_ENV", "OpaOptions", "evaluate_opa", "redact"]

#: Environment variable holding the bearer token sent to the OPA server (never printed).
TOKEN_ENV = "PLAUDIT_OPA_TOKEN"
#: Seconds to wait for each HTTP exchange. opa-python-client's own default (1.5 s) is far too short
#: for the input of a large database.
DEFAULT_TIMEOUT = 30.0
#: Policy ids plaudit owns on the server; nothing outside this prefix is ever replaced or deleted.
POLICY_PREFIX = "plaudit/"

Mode = Literal["push", "bundle"]
_MODES = ("push", "bundle")
_DATA_REF_RE = re.compile(r"\bdata\.([A-Za-z_][\w.]*)")
_ERRNO_RE = re.compile(r"\[Errno -?\d+\] ([^'\")\]]+)")
_SUMMARY_LIMIT = 300


def _token_from_env() -> str | None:
    return os.environ.get(TOKEN_ENV) or None


@dataclass(frozen=True)
class OpaOptions:
    """Where and how to reach the OPA server.

    `url` is the server's base URL (`http://opa:8181`; a path prefix such as `https://gw/opa` is kept).
    `timeout` bounds each HTTP exchange in seconds. `token` defaults to `$PLAUDIT_OPA_TOKEN` and is
    sent as `Authorization: Bearer`; it never appears in `repr()` or in any message.
    """

    url: str
    timeout: float = DEFAULT_TIMEOUT
    mode: Mode = "push"
    token: str | None = field(default_factory=_token_from_env, repr=False)

    def __post_init__(self) -> None:
        if self.mode not in _MODES:
            raise ConfigError(
                f"unknown OPA mode {self.mode!r}",
                hint="use `push` (plaudit uploads its policies) or `bundle` (OPA runs plaudit's bundle)",
            )
        if not isinstance(self.timeout, int | float) or isinstance(self.timeout, bool) or self.timeout <= 0:
            raise ConfigError(f"OPA timeout must be a positive number of seconds, got {self.timeout!r}")
        parts = _split(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(
                f"--opa-url must be an http:// or https:// URL, got {redact(self.url)}",
                hint="e.g. --opa-url http://opa.internal:8181",
            )

    @property
    def shown_url(self) -> str:
        """The URL as messages show it: any password in it replaced by `***`."""
        return redact(self.url)


def redact(url: str) -> str:
    """`url` with the password of its user-info replaced by `***` (for messages and logs).

    >>> redact("https://plaudit:s3cret@opa.internal:8443/")
    'https://plaudit:***@opa.internal:8443/'
    """
    parts = _split(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.netloc.rsplit("@", 1)[1]
    return parts._replace(netloc=f"{user}:***@{host}").geturl()


def _split(url: str) -> Any:
    try:
        parts = urlsplit(url.strip())
        _ = parts.port  # raises on a port that is not a number
    except ValueError:
        raise ConfigError(
            "--opa-url is not a valid URL", hint="e.g. --opa-url http://opa.internal:8181"
        ) from None
    return parts


# ---------------------------------------------------------------------------------------- evaluating


def evaluate_opa(
    policies: PolicySet, facts: dict[str, Any], params: dict[str, Any] | None, options: OpaOptions
) -> list[dict[str, Any]]:
    """Judge `facts` on the OPA server; return exactly what `engine.evaluate` returns for them.

    Raises `ScanConnectionError` (unreachable, timeout, refused credentials), `PolicyError` (the
    server rejects a policy, fails evaluating, or has no plaudit pack) or `MissingExtraError`
    (opa-python-client is not installed); all exit 2.
    """
    client = _client(options)
    try:
        if options.mode == "push":
            _push(client, policies, params or {}, options)
            query_input = facts
        else:
            # Only when there are parameters: the input then stays byte-identical to the in-process one.
            query_input = {**facts, "params": params} if params else facts
        with _guarded(options, "evaluating the policies"):
            answer = client.query_rule(
                input_data=query_input, package_path="plaudit.main", rule_name="violations"
            )
    finally:
        client.close_connection()
    return normalise_violations(_result(answer, options))


def _result(answer: Any, options: OpaOptions) -> list[Any]:
    if not isinstance(answer, dict):
        raise PolicyError(
            f"OPA server {options.shown_url} answered with {type(answer).__name__}, not a JSON object",
            hint="check that --opa-url points at an OPA server (its /v1/data API)",
        )
    if "result" not in answer:
        # OPA answers `{}` for an undefined document: the server does not have the plaudit pack.
        hint = (
            "start OPA with plaudit's bundle (`plaudit policy bundle`, then "
            "`opa run --server -b plaudit.tar.gz`) or use push mode"
            if options.mode == "bundle"
            else "a policy of the pack did not load; run `plaudit policy check` and see the OPA server's log"
        )
        raise PolicyError(
            f"OPA server {options.shown_url} has no plaudit policies ({ENTRYPOINT} is undefined)", hint=hint
        )
    found = answer["result"]
    if not isinstance(found, list):
        raise PolicyError(
            f"OPA server {options.shown_url} returned {type(found).__name__} for {ENTRYPOINT}, "
            "expected a list",
            hint="another policy on the server defines package plaudit.main; remove it or use another OPA",
        )
    return found


# ------------------------------------------------------------------------------------------- pushing


def _push(client: Any, policies: PolicySet, params: dict[str, Any], options: OpaOptions) -> None:
    with _guarded(options, "uploading the rule metadata"):
        client.update_or_create_data(policies.metadata, "plaudit/metadata")
    with _guarded(options, "uploading the policy parameters"):
        client.update_or_create_data(params, "plaudit/params")

    wanted = {POLICY_PREFIX + f.name: f for f in policies.files}
    _upload(client, [(POLICY_PREFIX + f.name, f) for f in _dependency_order(policies.files)], options)
    with _guarded(options, "listing the policies on the server"):
        present = client.get_policies_list()
    stale = sorted(
        p for p in present if isinstance(p, str) and p.startswith(POLICY_PREFIX) and p not in wanted
    )
    for policy_id in stale:
        with _guarded(options, f"deleting the stale policy {policy_id}"):
            client.delete_policy(quote(policy_id, safe="/"))


def _dependency_order(files: Sequence[PolicyFile]) -> list[PolicyFile]:
    """Files ordered so that a package comes after the packages it refers to (`data.<package>`).

    OPA compiles the whole module set on every upload and rejects a call to a function it does not
    know yet, so libraries go first and the router, which walks every rule, last.
    """
    packages = {f.package for f in files}
    needs: dict[str, set[str]] = {}
    for f in files:
        refs = {m.group(1) for m in _DATA_REF_RE.finditer(f.text)}
        needs[f.name] = {
            p for p in packages if p != f.package and any(r == p or r.startswith(p + ".") for r in refs)
        }
        if f.package == "plaudit.main":
            needs[f.name] |= {p for p in packages if p.startswith("plaudit.rules.")}
    ordered: list[PolicyFile] = []
    placed: set[str] = set()
    remaining = sorted(files, key=lambda f: f.name)
    while remaining:
        ready = [f for f in remaining if needs[f.name] <= placed] or remaining[:1]  # a cycle: OPA decides
        for f in ready:
            ordered.append(f)
        placed |= {f.package for f in ready}
        remaining = [f for f in remaining if f not in ready]
    return ordered


def _upload(client: Any, pending: list[tuple[str, PolicyFile]], options: OpaOptions) -> None:
    """PUT every module; one refused because a module it needs is still missing is retried later."""
    while pending:
        refused: list[tuple[str, PolicyFile, PolicyError]] = []
        for policy_id, f in pending:
            try:
                with _guarded(options, f"uploading {f.name}", policy=f):
                    client.update_policy_from_string(f.text, quote(policy_id, safe="/"), rego_compat=False)
            except PolicyError as exc:
                refused.append((policy_id, f, exc))
        if len(refused) == len(pending):
            raise refused[0][2]
        pending = [(policy_id, f) for policy_id, f, _ in refused]


# ------------------------------------------------------------------------------------------- talking


def _client(options: OpaOptions) -> Any:
    try:
        from opa_client import OpaClient
    except ImportError:
        raise MissingExtraError(
            "--opa-url needs opa-python-client, which is not installed", hint="pip install 'plaudit[opa]'"
        ) from None
    parts = _split(options.url)
    https = parts.scheme == "https"
    headers: dict[str, str] = {}
    if parts.username is not None and not options.token:
        basic = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        headers["Authorization"] = "Basic " + base64.b64encode(basic.encode()).decode()
    client = OpaClient(
        host=parts.hostname,
        port=parts.port or (443 if https else 80),
        ssl=https,
        headers=headers or None,
        token=options.token,
        timeout=float(options.timeout),
    )
    prefix = parts.path.rstrip("/")
    if prefix:
        # The client knows only host and port; an OPA behind a gateway path keeps its prefix here.
        client.root_url = f"{client.schema}{client.host}:{client.port}{prefix}/{client.version}"
    return client


@contextmanager
def _guarded(options: OpaOptions, action: str, *, policy: PolicyFile | None = None) -> Iterator[None]:
    """Turn whatever the HTTP exchange raises into one actionable `PlauditError`."""
    import requests
    from opa_client.errors import RegoParseError

    where = f"OPA server {options.shown_url}"
    try:
        yield
    except PlauditError:
        raise
    except requests.exceptions.Timeout:
        raise ScanConnectionError(
            f"{where} did not answer within {options.timeout:g} s while {action}",
            hint="raise the OPA timeout (large inputs take long to send and evaluate) or check the server",
        ) from None
    except requests.exceptions.SSLError:
        raise ScanConnectionError(
            f"TLS handshake with {where} failed while {action}",
            hint="check the server's certificate (REQUESTS_CA_BUNDLE names a private CA) or the URL's scheme",
        ) from None
    except requests.exceptions.ConnectionError as exc:
        found = _ERRNO_RE.search(str(exc))
        reason = found.group(1).strip().lower() if found else "connection failed"
        raise ScanConnectionError(
            f"cannot reach {where} while {action}: {reason}",
            hint="check --opa-url and that OPA is running (`opa run --server`)",
        ) from None
    except requests.exceptions.HTTPError as exc:
        response = exc.response
        status = response.status_code if response is not None else 0
        raise _http_error(options, action, status, _body(response), policy) from None
    except RegoParseError as exc:
        body = {"code": exc.expression, "message": exc.message, "errors": exc.errors}
        raise _http_error(options, action, None, body, policy) from None
    except ValueError:  # a body that is not JSON (requests' JSONDecodeError is also a RequestException)
        raise PolicyError(
            f"{where} answered with a body that is not JSON while {action}",
            hint="check that --opa-url points at an OPA server and not at a proxy's error page",
        ) from None
    except requests.exceptions.RequestException as exc:
        raise ScanConnectionError(
            f"request to {where} failed while {action}: {type(exc).__name__}",
            hint="check --opa-url",
        ) from None


def _body(response: Any) -> Any:
    if response is None:
        return None
    try:
        return response.json()
    except ValueError:
        return None


def _http_error(
    options: OpaOptions, action: str, status: int | None, body: Any, policy: PolicyFile | None
) -> PlauditError:
    where = f"OPA server {options.shown_url}"
    code, summary, location = _summary(body)
    answered = f"answered {status}" if status else "refused the request"
    if status in (401, 403) or code == "unauthorized":
        return ScanConnectionError(
            f"{where} {answered} while {action}: {summary or 'not authorised'}",
            hint=f"set {TOKEN_ENV} to a bearer token the server accepts",
        )
    if policy is not None and (status == 400 or code == "invalid_parameter"):
        line = location[1] if location and location[0] in (None, "", POLICY_PREFIX + policy.name) else None
        return PolicyError(
            f"{where} could not compile this policy: {summary}",
            path=policy.path,
            line=line,
            hint="OPA compiles stricter than the in-process engine (type checks); fix the policy, "
            "then `plaudit policy test`",
        )
    if "is owned by bundle" in summary:
        hint = "this server runs a bundle that holds plaudit's policies: evaluate in bundle mode"
    elif (status and status >= 500) or code == "internal_error":
        hint = "see the OPA server's log; an evaluation error names the policy file and line"
    elif status == 404:
        hint = "check the path of --opa-url: it should be the server's base URL, without /v1"
    else:
        hint = "check --opa-url and the server's configuration"
    return PolicyError(f"{where} {answered} while {action}: {summary or 'no error message'}", hint=hint)


def _summary(body: Any) -> tuple[str | None, str, tuple[str | None, int | None] | None]:
    """(code, one-line message, (file, row) of the first detailed error) from OPA's error body."""
    if not isinstance(body, dict):
        return None, "", None
    code = body.get("code") if isinstance(body.get("code"), str) else None
    message = str(body.get("message") or "").strip()
    location: tuple[str | None, int | None] | None = None
    details = [e for e in body.get("errors") or [] if isinstance(e, dict)]
    if details:
        first = details[0]
        raw_loc = first.get("location")
        loc: dict[str, Any] = raw_loc if isinstance(raw_loc, dict) else {}
        row = loc.get("row") if isinstance(loc.get("row"), int) else None
        location = (loc.get("file"), row)
        detail = str(first.get("message") or "").strip()
        where = f"line {row}: " if row else ""
        message = f"{first.get('code') or code}: {where}{detail}" if detail else message
        if len(details) > 1:
            message += f" (and {len(details) - 1} more)"
    elif code and message:
        message = f"{code}: {message}"
    message = " ".join(message.split())  # one line, whatever the server sent
    if len(message) > _SUMMARY_LIMIT:
        message = message[: _SUMMARY_LIMIT - 1] + "…"
    return code, message, location
