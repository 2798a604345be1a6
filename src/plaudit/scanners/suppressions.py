"""Inline suppressions in SQL files: `-- plaudit: ignore RULE[,RULE2] reason="why"`.

(`-- plaudit: approved ticket="…"` is the other directive: it records the approval of a bulk export or
a purge, which the scanner reads with the statement; here only its form is checked.)

A suppression covers one statement: the one whose lines it sits on (same line or inside it), else
the statement that starts right below it (only blank or comment lines between them). It names rule
ids or rule kinds; the reason is mandatory. Every comment that starts with `plaudit:` is checked: one
that is malformed, has no reason or is not next to a statement suppresses nothing and becomes a
problem with its file and line, so a typo never passes silently (unlike squawk #974).

This module only reads text; deciding which violations a suppression covers, and whether it is
allowed at all, is the pipeline's job (`pipeline.apply_inline`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from plaudit.model import ScanError
from plaudit.scanners.sqlsplit import (
    decode_sql,
    detect_dialect,
    neutralise_templates,
    split_statements,
    unwrap_mysql_conditionals,
)

__all__ = ["SYNTAX", "InlineSuppressions", "Suppression", "collect_files", "collect_text"]

SYNTAX = '-- plaudit: ignore RULE[,RULE2] reason="why this is acceptable"'
MIN_REASON = 3

# Any comment addressed to plaudit; the strict grammar below decides whether it is well formed.
_MARKER = re.compile(r"--[ \t]*plaudit[ \t]*:(?P<body>[^\n]*)", re.I)
_IGNORE = re.compile(
    r"""\s*ignore\s+(?P<rules>[A-Za-z0-9_.\-]+(?:\s*,\s*[A-Za-z0-9_.\-]+)*)"""
    r"""\s+reason\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)')\s*$""",
    re.I,
)
_COMMENT_OR_BLANK = re.compile(r"\s*(?:--.*)?$")
APPROVAL = '-- plaudit: approved ticket="TICKET-ID"'
_APPROVED_WORD = re.compile(r"\s*approved?\b", re.I)
_APPROVED = re.compile(
    r"""\s*approved\s+ticket\s*=\s*(?:"[^"\n]+"|'[^'\n]+'|[^\s"']+)(?:\s+reason\s*=\s*(?:"[^"]*"|'[^']*'))?\s*$""",
    re.I,
)


@dataclass(frozen=True)
class Suppression:
    """One well-formed suppression and the lines (inclusive) of the statement it covers."""

    path: str
    line: int
    rules: tuple[str, ...]
    reason: str
    start: int
    end: int

    def covers(self, path: str | None, line: int | None) -> bool:
        return path == self.path and line is not None and self.start <= line <= self.end

    def location(self) -> dict[str, object]:
        return {"path": self.path, "line": self.line}


@dataclass
class InlineSuppressions:
    """What a set of files says: the valid suppressions and the malformed ones, as problems."""

    suppressions: list[Suppression] = field(default_factory=list)
    problems: list[ScanError] = field(default_factory=list)

    def extend(self, other: InlineSuppressions) -> None:
        self.suppressions.extend(other.suppressions)
        self.problems.extend(other.problems)


def _spans(text: str, dialect: str | None) -> list[tuple[int, int]]:
    """(first line, last line) of every statement, prepared as the scanner prepares the text so that
    both see the same statements (both rewrites keep line breaks)."""
    text = neutralise_templates(text)
    dialect = dialect or detect_dialect(text)
    if dialect == "mysql":
        text = unwrap_mysql_conditionals(text)
    return [(st.line, st.line + st.text.count("\n")) for st in split_statements(text, dialect)]


def _problem(path: str, line: int, what: str) -> ScanError:
    return ScanError(
        path, f"invalid plaudit suppression: {what}; it suppresses nothing (syntax: {SYNTAX})", line
    )


def collect_text(text: str, path: str, dialect: str | None = None) -> InlineSuppressions:
    """The suppressions of one file's text."""
    found = InlineSuppressions()
    if "plaudit" not in text.lower():  # the common case costs one pass and no split
        return found
    lines = text.split("\n")
    spans: list[tuple[int, int]] | None = None
    for number, raw in enumerate(lines, start=1):
        m = _MARKER.search(raw)
        if m is None:
            continue
        body = m.group("body")
        if _APPROVED_WORD.match(body):
            # An approval of a bulk export or purge (the scanner reads it with the statement): only
            # its form is checked here, so that a typo does not silently leave the statement unapproved.
            if not _APPROVED.match(body):
                found.problems.append(
                    ScanError(
                        path, f"invalid plaudit approval; it approves nothing (syntax: {APPROVAL})", number
                    )
                )
            continue
        parsed = _IGNORE.match(body)
        if parsed is None:
            if not re.match(r"\s*ignore\b", body, re.I):
                what = (
                    f"unknown directive {body.strip().split(' ')[0]!r}" if body.strip() else "empty directive"
                )
            elif not re.search(r"\breason\s*=", body, re.I):
                what = "a reason is mandatory"
            elif not re.match(r"\s*ignore\s+(?!reason\s*=)[A-Za-z0-9_.\-]", body, re.I):
                what = "no rule id or kind given"
            else:
                what = "malformed rule list or reason (quote the reason, nothing may follow it)"
            found.problems.append(_problem(path, number, what))
            continue
        reason = (parsed.group("dq") if parsed.group("dq") is not None else parsed.group("sq") or "").strip()
        if len(reason) < MIN_REASON:
            found.problems.append(
                _problem(path, number, f"the reason must have at least {MIN_REASON} characters")
            )
            continue
        if spans is None:
            spans = _spans(text, dialect)
        span = _statement_for(number, spans, lines)
        if span is None:
            found.problems.append(_problem(path, number, "not on, inside or directly above a statement"))
            continue
        rules = tuple(r.strip() for r in parsed.group("rules").split(","))
        found.suppressions.append(Suppression(path, number, rules, reason, span[0], span[1]))
    return found


def _statement_for(line: int, spans: list[tuple[int, int]], lines: list[str]) -> tuple[int, int] | None:
    for start, end in spans:
        if start <= line <= end:
            return start, end
        if start > line:
            # The next statement, when only blank lines and comments separate it from the suppression.
            between = lines[line : start - 1]
            if all(_COMMENT_OR_BLANK.match(b) for b in between):
                return start, end
            return None
    return None


def collect_files(files: Iterable[tuple[str, bytes]], dialect: str | None = None) -> InlineSuppressions:
    """The suppressions of several files given as (name as the scanner names it, contents)."""
    found = InlineSuppressions()
    for name, data in files:
        if b"plaudit" not in data.lower():
            continue
        text, _ = decode_sql(data)  # an undecodable file is already reported by the scanner
        if text is not None:
            found.extend(collect_text(text.replace("\ufeff", ""), name, dialect))
    return found
