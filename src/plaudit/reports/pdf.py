"""The HTML report as PDF, through WeasyPrint (the `pdf` extra): the document an officer files.

It is the same HTML, laid out by its print stylesheet (A4, one section per page). Chinese needs a CJK
font that fontconfig can find (Debian: `fonts-wqy-microhei`); without one the text would print as empty
boxes, so that is an error rather than a bad PDF. Nothing is fetched: every URL is refused.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from typing import Any, NoReturn

from plaudit.errors import ConfigError, MissingExtraError
from plaudit.reports import ReportContext
from plaudit.reports.html import render as render_html

FORMAT = "pdf"
BINARY = True


def render_bytes(report: dict[str, Any], *, context: ReportContext | None = None) -> bytes:
    context = context or ReportContext()
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: the package is there but Pango is not
        raise MissingExtraError(
            f"PDF reports need WeasyPrint ({type(exc).__name__})",
            hint="pip install 'plaudit[pdf]' (WeasyPrint also needs Pango: apt-get install libpango-1.0-0)",
        ) from None
    if context.lang == "zh":
        _require_cjk_font()
    # WeasyPrint warns about every CSS property it does not lay out (sticky headers, grid); the PDF does
    # not need them, and the warnings would bury the one line a user should read.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    html = render_html(report, context=context)
    document = weasyprint.HTML(string=html, url_fetcher=_refuse)
    return bytes(document.write_pdf())


def _refuse(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise ValueError("the report fetches nothing")


def _require_cjk_font() -> None:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return  # no fontconfig tools to ask; WeasyPrint will use what it finds
    try:
        found = subprocess.run(
            [fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=30, check=False
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return
    if not found:
        raise ConfigError(
            "no Chinese font is installed, so a --lang zh PDF would show empty boxes",
            hint="install one (Debian/Ubuntu: apt-get install fonts-wqy-microhei), or use --lang en",
        )
