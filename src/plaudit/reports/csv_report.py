"""Violations as CSV, one row per violation, for a spreadsheet: the officer's working list.

Headers and rule titles and remediations are in the report's language (`--lang`); severities, kinds and
statuses stay as the JSON report spells them, so the sheet can be filtered the same way in either
language. The file starts with a UTF-8 byte-order mark so that spreadsheet programs read Chinese text
correctly, and a cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`) is prefixed with `'`.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from plaudit.reports import ReportContext
from plaudit.reports.html import build_view

FORMAT = "csv"

_COLUMNS = (
    ("col_severity", "severity"),
    ("col_status", "status"),
    ("col_rule", "rule"),
    ("col_title", "title"),
    ("col_kind", "kind"),
    ("col_resource", "resource"),
    ("col_dataset", "dataset"),
    ("col_owner", "owner"),
    ("col_location", "where"),
    ("col_message", "message"),
    ("col_remediation", "remediation"),
    ("col_references", "references"),
    ("col_waiver", "waiver"),
    ("col_first_seen", "first_seen"),
    ("col_fingerprint", "fingerprint"),
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def render(report: dict[str, Any], *, color: bool = False, context: ReportContext | None = None) -> str:
    view = build_view(report, context)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([view.t[key] for key, _ in _COLUMNS])
    for group in view.groups:
        for v in group["rows"]:
            row = []
            for _, attr in _COLUMNS:
                value = getattr(v, attr)
                row.append(_cell("; ".join(value) if isinstance(value, list) else str(value)))
            writer.writerow(row)
    return out.getvalue()


def _cell(text: str) -> str:
    text = "" if text == "—" else text
    return "'" + text if text.startswith(_FORMULA_START) else text
