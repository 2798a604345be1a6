"""SARIF 2.1.0, for GitHub code scanning and any other SARIF consumer (Azure DevOps, IDE viewers).

One run; `tool.driver.rules` holds each rule id the report names, so every result keeps its own rule
identity (a generic `deny` id for every finding loses it: conftest #1396). Waived violations stay in the
log but carry an accepted `suppressions` entry with the waiver's reason, so consumers show them as
dismissed instead of as open findings (checkov #7104 reported skipped checks as failures).

Locations: a file becomes a `physicalLocation` with a relative, forward-slash URI and the line; a database
object (`url#schema.table[.column]`) is no file, so it becomes a `logicalLocations` entry naming the
resource. GitHub code scanning rejects a whole upload in which any result lacks a physical location, so
upload the SARIF of file-based runs (`scan sql`, `check`); database scans are for other consumers.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Mapping
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

if TYPE_CHECKING:
    from plaudit.reports import ReportContext

FORMAT = "sarif"

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://plaudit.dev/"
FINGERPRINT_KEY = "plaudit/v1"

_RANK = {"critical": 4, "high": 3, "medium": 2, "low": 1}
_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
# GitHub sorts security alerts by this CVSS-like score; its bands are critical >= 9.0, high >= 7.0,
# medium >= 4.0, low below that.
_SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}


def render(report: dict[str, Any], *, color: bool = False, context: ReportContext | None = None) -> str:
    # The report's violations carry no rule titles (SPEC §6 keys only): the pack's metadata has them, and
    # GitHub lists alerts by the rule's short description.
    titles = {str(r.get("rule")): str(r["title"]) for r in context.rules if r.get("title")} if context else {}
    # sort_keys makes the bytes depend on the report alone, never on dict construction order.
    return json.dumps(to_sarif(report, titles), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def to_sarif(report: dict[str, Any], titles: Mapping[str, str] | None = None) -> dict[str, Any]:
    violations = report.get("violations") or []
    columns = {c["resource"] for c in report.get("columns") or []}
    rule_ids = sorted({v["rule"] for v in violations})
    index = {rule: i for i, rule in enumerate(rule_ids)}
    rules = [
        _rule(rule, [v for v in violations if v["rule"] == rule], (titles or {}).get(rule))
        for rule in rule_ids
    ]
    version = str(report.get("plaudit_version") or "0.0.0")
    run_info = report.get("run") or {}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "plaudit",
                "version": version,
                "semanticVersion": version,
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }
        },
        "invocations": [_invocation(report, columns)],
        "results": [_result(v, index[v["rule"]], columns) for v in violations],
        "columnKind": "unicodeCodePoints",
        "properties": _run_properties(report),
    }
    if run_info.get("mode"):
        # GitHub replaces the previous analysis with the same id: a `check` upload must not close the
        # alerts of a `scan sql` upload.
        run["automationDetails"] = {"id": f"plaudit/{run_info['mode']}/"}
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _rule(rule: str, found: list[dict[str, Any]], title: str | None = None) -> dict[str, Any]:
    first = found[0]
    severity = max((v["severity"] for v in found), key=lambda s: _RANK.get(s, 0))
    title = title or first.get("title") or first.get("kind") or rule
    references = _unique(r for v in found for r in v.get("references") or [])
    remediation = (first.get("remediation") or "").strip()
    full = f"{title} ({first.get('kind')}, {severity})."
    if references:
        full += " References: " + "; ".join(references) + "."
    help_text = remediation or "No remediation recorded."
    help_md = f"**Fix:** {remediation}" if remediation else "No remediation recorded."
    if references:
        help_text += "\n\nReferences:\n" + "\n".join(f"- {r}" for r in references)
        help_md += "\n\n**References**\n\n" + "\n".join(f"- {r}" for r in references)
    return {
        "id": rule,
        # SARIF wants a friendly Pascal-case name distinct from the opaque id (its SARIF1001/2012 checks).
        "name": "".join(part.capitalize() for part in re.split(r"[^0-9A-Za-z]+", rule) if part),
        "shortDescription": {"text": title},
        "fullDescription": {"text": full},
        "help": {"text": help_text, "markdown": help_md},
        "defaultConfiguration": {"level": _LEVEL.get(severity, "warning")},
        "properties": {
            # "security" makes GitHub file the alerts under security and honour security-severity.
            "tags": _unique(["security", "compliance", str(first.get("kind")), *references]),
            "security-severity": _SECURITY_SEVERITY.get(severity, "5.5"),
            "severity": severity,
            "kind": first.get("kind"),
        },
    }


def _result(v: dict[str, Any], rule_index: int, columns: set[str]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": v["rule"],
        "ruleIndex": rule_index,
        "level": _LEVEL.get(v["severity"], "warning"),
        "message": {"text": v["message"]},
        "locations": [_location(v.get("location"), v["resource"], columns)],
        "partialFingerprints": {FINGERPRINT_KEY: v["fingerprint"]},
        "properties": {"severity": v["severity"], "resource": v["resource"], "kind": v.get("kind")},
    }
    if v.get("status"):
        result["properties"]["status"] = v["status"]
        result["baselineState"] = "new" if v["status"] == "new" else "unchanged"
    if v.get("waived"):
        waiver = v.get("waiver") or {}
        suppression: dict[str, Any] = {
            "kind": "external",
            "status": "accepted",
            "justification": waiver.get("reason") or "waived",
        }
        extra = {k: waiver[k] for k in ("owner", "expires") if waiver.get(k)}
        if extra:
            suppression["properties"] = extra
        result["suppressions"] = [suppression]
    return result


def _location(loc: dict[str, Any] | None, resource: str, columns: set[str]) -> dict[str, Any]:
    path = (loc or {}).get("path") or ""
    if path and not _is_database(path):
        physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(path)}}
        line = (loc or {}).get("line")
        if isinstance(line, int) and line >= 1:
            physical["region"] = {"startLine": line}
        return {"physicalLocation": physical}
    if path:
        # The scanner's `url#schema.table[.column]`: three names after `#` is a column.
        kind = "column" if len(path.split("#", 1)[1].split(".")) >= 3 else "table"
    else:
        kind = "column" if resource in columns else "table"
    logical = {"name": resource.rsplit(".", 1)[-1], "fullyQualifiedName": resource, "kind": kind}
    return {"logicalLocations": [logical]}


def _is_database(path: str) -> bool:
    # The database scanner locates objects as `<masked URL>#schema.table`; no file path has either mark.
    return "#" in path or "://" in path


def artifact_uri(path: str) -> str:
    """A URI reference for a file path: relative to the working directory when it can be (GitHub resolves
    relative URIs against the repository root), forward slashes, percent-encoded where a URI needs it."""
    windows = PureWindowsPath(path)
    if windows.drive or "\\" in path:
        path = windows.as_posix()
    posix = PurePosixPath(path)
    if posix.is_absolute() or windows.drive:
        try:
            path = Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
        except ValueError:
            return Path(path).resolve().as_uri()
    path = posixpath.normpath(path)
    while path.startswith("./"):
        path = path[2:]
    return quote(path, safe="/-._~!$&'()*+,;=@")


def _invocation(report: dict[str, Any], columns: set[str]) -> dict[str, Any]:
    run = report.get("run") or {}
    invocation: dict[str, Any] = {
        # Input problems are recorded and the scan goes on (SPEC §2): the run itself succeeded.
        "executionSuccessful": True,
        "toolExecutionNotifications": [_notification(e, columns) for e in report.get("errors") or []],
    }
    for key, field in (("startTimeUtc", "started_at"), ("endTimeUtc", "finished_at")):
        if run.get(field):
            invocation[key] = run[field]
    return invocation


def _notification(error: dict[str, Any], columns: set[str]) -> dict[str, Any]:
    path = error.get("path") or ""
    note: dict[str, Any] = {
        "level": "error",
        "message": {"text": error.get("message") or "input error"},
        "descriptor": {"id": "plaudit/input-error"},
    }
    if path:
        loc = {"path": path, "line": error.get("line")}
        resource = path.split("#", 1)[1] if "#" in path else path
        note["locations"] = [_location(loc, resource, columns)]
    return note


def _run_properties(report: dict[str, Any]) -> dict[str, Any]:
    run = report.get("run") or {}
    props: dict[str, Any] = {
        k: run[k] for k in ("id", "mode", "target", "policy_digest", "catalog_digest") if run.get(k)
    }
    if report.get("summary"):
        props["summary"] = report["summary"]
    if report.get("history") is not None:
        props["history"] = report["history"]
    if report.get("fixed"):
        # Fixed findings have no result (nothing is wrong any more); their fingerprints let a consumer
        # close what it still shows.
        props["fixed"] = [
            {k: f.get(k) for k in ("rule", "resource", "severity", "fingerprint")} for f in report["fixed"]
        ]
    return props


def _unique(items: Any) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(str(item), None)
    return list(seen)
