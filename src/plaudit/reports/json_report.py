"""The canonical JSON report of SPEC §6; every other format is rendered from the same dict."""

from __future__ import annotations

import json
from typing import Any

FORMAT = "json"


def render(report: dict[str, Any], *, color: bool = False) -> str:
    # ensure_ascii=False keeps Chinese comments and evidence readable in the file.
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"
