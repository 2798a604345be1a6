"""The PDF report (the `pdf` extra): the same HTML laid out for print, Chinese text in a real CJK font."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from plaudit.reports import ReportContext, render_bytes

GOLDEN = Path(__file__).parent / "golden"
REPORT = json.loads((GOLDEN / "report.json").read_text(encoding="utf-8"))
RULES = tuple(json.loads((GOLDEN / "html" / "rules.json").read_text(encoding="utf-8"))["rules"])

pytest.importorskip("weasyprint", reason="PDF reports need the `pdf` extra")


def _unavailable(reason: str) -> None:
    # With the extra installed, CI must also have what the PDF is checked with.
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        _unavailable(f"{tool} is missing (Debian package poppler-utils)")
    assert path is not None
    return path


def require_cjk_font() -> None:
    fc_list = shutil.which("fc-list")
    found = (
        subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True, check=False).stdout
        if fc_list
        else ""
    )
    if not found.strip():
        _unavailable("no Chinese font (Debian package fonts-wqy-microhei)")


@pytest.mark.slow
def test_chinese_pdf_has_the_sections_in_a_cjk_font(tmp_path: Path) -> None:
    require_cjk_font()
    pdf = render_bytes(REPORT, "pdf", context=ReportContext(lang="zh", rules=RULES))
    assert pdf.startswith(b"%PDF-")
    path = tmp_path / "report.zh.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        [poppler("pdftotext"), "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for heading in ("个人信息保护合规报告", "执行摘要", "控制项覆盖", "违规项", "豁免", "运行溯源"):
        assert heading in text
    assert "敏感鉴别数据一律不得存储" in text  # a rule title from METADATA title_zh
    fonts = subprocess.run(
        [poppler("pdffonts"), str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert any(name in fonts for name in ("WenQuanYi", "Noto", "Source Han", "Droid Sans Fallback")), fonts
    pages = subprocess.run([poppler("pdfinfo"), str(path)], capture_output=True, text=True, check=True).stdout
    # Print CSS starts each section on its own page.
    assert int(next(line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:"))) >= 7


@pytest.mark.slow
def test_english_pdf_holds_the_evidence(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(render_bytes(REPORT, "pdf", context=ReportContext(rules=RULES)))
    text = subprocess.run(
        [poppler("pdftotext"), str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Personal information protection compliance report" in text
    assert "PCI331-SAD-NEVER-STORED" in text and "lending.bank_card.cvv2" in text
