"""Markdown for a pull/merge-request comment: a summary line, expired waivers called out, violations by
severity (critical first) with rule, resource, `file:line`, message and fix, input problems, waived
violations in a collapsed block, and what changed since the previous run when the report has `history`.

GitHub rejects a comment body over 65,536 characters, so the text is cut to fit: the most important
entries are kept (in the order above) and a note says how many were left out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from plaudit.reports import waiver_note

FORMAT = "markdown"

#: GitHub's limit on an issue or pull-request comment body, in characters.
MAX_CHARS = 65_536
#: No single field may eat the comment: a message or fix longer than this is clipped.
MAX_FIELD = 1_500

SEVERITIES = ("critical", "high", "medium", "low")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.S)


@dataclass(frozen=True)
class _Section:
    key: str
    wrap: Callable[[str], str]  # turns the section's rendered items into its final text


def render(report: dict[str, Any], *, color: bool = False, limit: int = MAX_CHARS) -> str:
    head = _head(report)
    sections, items = _sections(report)
    # Entries are kept in priority order; the largest prefix that fits is found by bisection, since the
    # text only grows with the number of entries kept.
    low, high = 0, len(items)
    while low < high:
        mid = (low + high + 1) // 2
        if len(_assemble(head, sections, items, mid)) <= limit:
            low = mid
        else:
            high = mid - 1
    return _assemble(head, sections, items, low)


def _assemble(head: str, sections: list[_Section], items: list[tuple[str, str]], keep: int) -> str:
    kept: dict[str, list[str]] = {}
    for key, text in items[:keep]:
        kept.setdefault(key, []).append(text)
    parts = [head]
    for section in sections:
        if section.key in kept:
            parts.append(section.wrap("\n".join(kept[section.key])))
    left = len(items) - keep
    if left:
        parts.append(
            f"> **{left} of {len(items)} entries left out** to stay under GitHub's {MAX_CHARS:,}-character "
            "comment limit; the JSON or SARIF report has them all."
        )
    return "\n\n".join(parts) + "\n"


def _head(report: dict[str, Any]) -> str:
    violations = report.get("violations") or []
    open_ = [v for v in violations if not v.get("waived")]
    counts = {s: sum(1 for v in open_ if v["severity"] == s) for s in SEVERITIES}
    waived = len(violations) - len(open_)
    errors = len(report.get("errors") or [])
    line = (
        f"**{len(open_)} violation{'s' if len(open_) != 1 else ''}**: "
        + ", ".join(f"{counts[s]} {s}" for s in SEVERITIES)
        + f"; {waived} waived"
    )
    if errors:
        line += f"; {errors} input problem{'s' if errors != 1 else ''}"
    lines = ["## plaudit compliance report", "", line + "."]
    history = report.get("history")
    if history is not None:
        lines += [
            "",
            f"Since the previous run: **{history.get('new', 0)} new**, {history.get('open', 0)} still open, "
            f"{history.get('fixed', 0)} fixed.",
        ]
    run = report.get("run") or {}
    if run.get("target"):
        lines += ["", f"<sub>{_text(run.get('mode') or 'scan')} of {_code(run['target'])}</sub>"]
    return "\n".join(lines)


def _sections(report: dict[str, Any]) -> tuple[list[_Section], list[tuple[str, str]]]:
    """The sections in display order and every entry as (section key, text), most important first."""
    violations = report.get("violations") or []
    sections: list[_Section] = []
    items: list[tuple[str, str]] = []

    expired = [w for w in report.get("waivers") or [] if w.get("status") == "expired"]
    if expired:
        sections.append(_Section("expired", lambda body: "> [!WARNING]\n" + _quote(body)))
        items += [("expired", _expired(w)) for w in expired]

    for severity in SEVERITIES:
        found = [v for v in violations if v["severity"] == severity and not v.get("waived")]
        if found:
            title = f"### {severity.capitalize()} ({len(found)})"
            sections.append(_Section(severity, _titled(title)))
            items += [(severity, _violation(v)) for v in found]

    errors = report.get("errors") or []
    if errors:
        title = f"### Input problems ({len(errors)})\n\nThese inputs were not fully read; the scan went on."
        sections.append(_Section("errors", _titled(title)))
        items += [("errors", f"- {_code(_where(e))}: {_text(e.get('message') or '')}") for e in errors]

    waived = [v for v in violations if v.get("waived")]
    if waived:
        summary = f"{len(waived)} waived violation{'s' if len(waived) != 1 else ''}"
        sections.append(_Section("waived", _details(summary)))
        items += [("waived", _waived(v)) for v in waived]

    fixed = report.get("fixed") or []
    if fixed:
        summary = f"{len(fixed)} fixed since the previous run"
        sections.append(_Section("fixed", _details(summary)))
        items += [
            ("fixed", f"- {_code(f['rule'])} on {_code(f['resource'])} ({_text(f.get('severity') or '')})")
            for f in fixed
        ]
    return sections, items


def _titled(title: str) -> Callable[[str], str]:
    return lambda body: f"{title}\n\n{body}"


def _details(summary: str) -> Callable[[str], str]:
    # Blank lines around the body let GitHub render Markdown inside the HTML block.
    return lambda body: f"<details>\n<summary>{summary}</summary>\n\n{body}\n\n</details>"


def _quote(body: str) -> str:
    return "\n".join("> " + line if line else ">" for line in body.split("\n"))


def _violation(v: dict[str, Any]) -> str:
    first = f"- **{_code(v['rule'])}** on {_code(v['resource'])}"
    where = _file_where(v.get("location"))
    if where:
        first += f" at {_code(where)}"
    if v.get("status") == "new":
        first += " — **new**"
    lines = [first, f"  {_text(v['message'])}"]
    if v.get("remediation"):
        lines.append(f"  **Fix:** {_text(v['remediation'])}")
    if v.get("references"):
        lines.append("  <sub>" + _text("; ".join(v["references"])) + "</sub>")
    # A backslash before the newline is CommonMark's hard line break: each part on a line of its own.
    return "\\\n".join(lines)


def _waived(v: dict[str, Any]) -> str:
    w = v.get("waiver") or {}
    line = f"- {_code(v['rule'])} on {_code(v['resource'])} ({_text(v['severity'])})"
    where = _file_where(v.get("location"))
    if where:
        line += f" at {_code(where)}"
    return line + ": " + _text(waiver_note(w))


def _expired(w: dict[str, Any]) -> str:
    return (
        f"- **Expired waiver** (suppresses nothing): {_code(w['rule'])} on {_code(w['resource'])}, "
        f"expired {_text(w.get('expires') or '?')}, owner {_text(w.get('owner') or '?')}"
        + (f", at {_code(_where(w['location']))}" if w.get("location") else "")
        + ". Renew it with a reason or remove it."
    )


def _file_where(loc: dict[str, Any] | None) -> str:
    # A database object's location repeats the resource (`url#schema.table`); only files get a place.
    path = (loc or {}).get("path") or ""
    if not path or "#" in path or "://" in path:
        return ""
    return _where(loc or {})


def _where(loc: dict[str, Any]) -> str:
    return f"{loc['path']}:{loc['line']}" if loc.get("line") else str(loc.get("path") or "")


def _clip(text: str) -> str:
    text = " ".join(str(text).split())  # one line: a newline would end the list item or the quote
    return text if len(text) <= MAX_FIELD else text[: MAX_FIELD - 1] + "…"


def _text(text: str) -> str:
    """Free text as Markdown: code spans kept, everything else escaped so `<e.g. 5y>` is not swallowed as
    an HTML tag and a stray `*` or `_` starts no emphasis."""
    text = _clip(text)
    out, pos = [], 0
    for match in _CODE_SPAN.finditer(text):
        out.append(_escape(text[pos : match.start()]))
        out.append(match.group(0))
        pos = match.end()
    out.append(_escape(text[pos:]))
    return "".join(out)


def _escape(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = re.sub(r"([\\*\[\]|#])", r"\\\1", text)
    # An underscore inside a word (`bank_card`) starts no emphasis in GFM; only those at a word's edge do.
    return re.sub(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])", r"\\_", text)


def _code(text: str) -> str:
    """A code span that holds any text, backticks included (CommonMark: a longer fence, padded)."""
    text = _clip(text)
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if longest or text.startswith(" ") or text.endswith(" ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"
