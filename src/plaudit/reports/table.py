"""A readable terminal summary: violations by severity, then what was classified, then errors."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from plaudit.reports import waiver_note

if TYPE_CHECKING:  # rich is imported when a table is rendered, not by every command that lists formats
    from rich.console import Console

FORMAT = "table"

_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan"}


def render(report: dict[str, Any], *, color: bool = False) -> str:
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(
        file=buffer, width=140, force_terminal=color, color_system="standard" if color else None
    )
    if "violations" in report:
        _violations(console, report)
    else:
        _columns(console, report)
    _errors(console, report)
    _summary(console, report)
    # Rich pads wrapped lines to the console width; trailing blanks only get in the way of diffs and logs.
    return "\n".join(line.rstrip() for line in buffer.getvalue().split("\n"))


def _violations(console: Console, report: dict[str, Any]) -> None:
    from rich.padding import Padding
    from rich.text import Text

    """One block per violation, most severe first, in the style of a linter: rule and resource on the
    first line, the message and the fix below, and the file:line when the finding comes from a file."""
    rows = report["violations"]
    if not rows:
        console.print("No violations.")
        return
    console.print(f"[bold]Violations ({len(rows)})[/bold]\n")
    for v in rows:
        style = _STYLE.get(v["severity"], "")
        label = v["severity"].upper() + (" waived" if v.get("waived") else "")
        console.print(
            f"[{style}]{label:<13}[/{style}] [bold]{v['rule']}[/bold]  {v['resource']}", highlight=False
        )
        console.print(Padding(Text(v["message"]), (0, 0, 0, 14), expand=False))
        loc = v.get("location") or {}
        path = loc.get("path") or ""
        # A database object's location repeats the resource; only files are worth a line of their own.
        if path and "#" not in path:
            where = f"{path}:{loc['line']}" if loc.get("line") else path
            console.print(Padding(Text(f"at {where}", style="dim"), (0, 0, 0, 14), expand=False))
        if v.get("waived") and v.get("waiver"):
            w = v["waiver"]
            note = waiver_note(w)
            console.print(Padding(Text(note, style="dim"), (0, 0, 0, 14), expand=False))
    console.print()


def _columns(console: Console, report: dict[str, Any]) -> None:
    from rich.table import Table

    rows = [c for c in report["columns"] if c.get("category")]
    table = Table(title=f"Personal information ({len(rows)} of {len(report['columns'])} columns)")
    for header in ("resource", "category", "level", "conf.", "catalog", "why"):
        table.add_column(header, overflow="fold")
    for c in rows:
        why = "; ".join(e["detail"] for e in c.get("evidence", [])[:2])
        table.add_row(
            c["resource"], c["category"], c.get("level") or "", f"{c['confidence']:.2f}",
            "yes" if c.get("in_catalog") else "no", why,
        )  # fmt: skip
    console.print(table)


def _errors(console: Console, report: dict[str, Any]) -> None:
    errors = report.get("errors") or []
    if not errors:
        return
    console.print(f"\n{len(errors)} input problem(s) recorded; the scan went on:")
    for e in errors[:20]:
        where = f"{e['path']}:{e['line']}" if e.get("line") else e["path"]
        console.print(f"  {where}: {e['message']}", markup=False, highlight=False)
    if len(errors) > 20:
        console.print(f"  … and {len(errors) - 20} more (see the JSON report)")


def _summary(console: Console, report: dict[str, Any]) -> None:
    summary = report.get("summary")
    if not summary:
        return
    v = summary["violations"]
    console.print(
        f"\n{summary['columns']} columns, {summary['classified']} personal; violations: "
        f"{v['critical']} critical, {v['high']} high, {v['medium']} medium, {v['low']} low; "
        f"{summary['waived']} waived."
    )
    expired = [w for w in report.get("waivers", []) if w.get("status") == "expired"]
    for w in expired:
        console.print(
            f"Expired waiver (suppresses nothing): {w['rule']} on {w['resource']}, "
            f"expired {w['expires']}, owner {w['owner']}"
        )
