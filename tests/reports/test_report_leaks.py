"""The officer-facing formats never leak what the auditor saw: no sampled value in HTML, CSV, Markdown or
PDF, whether rendered from the JSON report or from the run history, and no password of a target URL."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from plaudit.cli import cli
from plaudit.demo.generate import build_demo_database
from plaudit.report_command import report

pytest.importorskip("great_expectations", reason="data checks need the `data` extra")

DEMO_CATALOG = Path(__file__).resolve().parents[2] / "src" / "plaudit" / "demo" / "catalog.yaml"
PASSWORD = "Pl4ntedPassw0rd"


def invoke(command: object, *args: str) -> str:
    result = CliRunner().invoke(command, list(args), catch_exceptions=False)  # type: ignore[arg-type]
    assert "Traceback" not in result.output + (result.stderr or "")
    return result.stdout + result.stderr


@pytest.mark.slow
def test_reports_leak_no_sampled_value_and_no_password(tmp_path: Path) -> None:
    db = tmp_path / "lending.db"
    build_demo_database(db)
    store = f"sqlite:///{tmp_path / 'history.db'}"
    run_json = tmp_path / "run.json"
    outputs: list[str] = []
    for _ in range(2):  # the second run has history: statuses, fixed, trends
        outputs.append(
            invoke(
                cli,
                "scan",
                "db",
                f"sqlite:///{db}",
                "--catalog",
                str(DEMO_CATALOG),
                "--store",
                store,
                "--out",
                str(run_json),
            )
        )
    data = json.loads(run_json.read_text(encoding="utf-8"))
    assert data["data_checks"] and any(c["details"].get("masked_exemplar") for c in data["data_checks"])

    # A report from a tool that did not redact: the target and locations carry a password.
    leaky = json.loads(json.dumps(data))
    url = f"postgresql://auditor:{PASSWORD}@db:5432/lending"
    leaky["run"]["target"] = url
    for v in leaky["violations"]:
        if v.get("location") and "#" in str(v["location"].get("path")):
            v["location"]["path"] = url + "#" + v["location"]["path"].split("#", 1)[1]
    leaky_json = tmp_path / "leaky.json"
    leaky_json.write_text(json.dumps(leaky), encoding="utf-8")

    files = []
    for source in (run_json, leaky_json):
        for fmt in ("html", "csv", "markdown"):
            for lang in ("en", "zh"):
                out = tmp_path / f"{source.stem}.{lang}.{fmt}"
                outputs.append(
                    invoke(
                        report,
                        str(source),
                        "--store",
                        store,
                        "--format",
                        fmt,
                        "--lang",
                        lang,
                        "--out",
                        str(out),
                    )
                )
                files.append(out)
    for fmt in ("html", "csv"):
        out = tmp_path / f"from-store.{fmt}"
        outputs.append(invoke(report, "--store", store, "--format", fmt, "--lang", "zh", "--out", str(out)))
        files.append(out)
    texts = [*outputs, *(f.read_text(encoding="utf-8") for f in files)]
    if shutil.which("pdftotext"):
        try:
            import weasyprint  # noqa: F401
        except ImportError:
            pass
        else:
            pdf = tmp_path / "leaky.pdf"
            outputs.append(invoke(report, str(leaky_json), "--format", "pdf", "--out", str(pdf)))
            texts.append(
                subprocess.run(
                    ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
                ).stdout
            )

    values = _planted_values(db)
    assert len(values) > 100
    leaked = sorted(v for v in values if any(v in text for text in texts))
    assert leaked == []
    assert not any(PASSWORD in text for text in texts)
    assert any("postgresql://auditor:***@db:5432/lending" in text for text in texts)


def _planted_values(db: Path) -> set[str]:
    """Every identifier-like text value in the demo database (ID numbers, cards, phones, e-mails...)."""
    conn = sqlite3.connect(db)
    try:
        values: set[str] = set()
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            for _cid, column, col_type, *_ in conn.execute(f'PRAGMA table_info("{table}")'):
                if "CHAR" not in (col_type or "").upper() and "TEXT" not in (col_type or "").upper():
                    continue
                rows = conn.execute(f'SELECT DISTINCT "{column}" FROM "{table}" LIMIT 200')
                values.update(
                    str(v)
                    for (v,) in rows
                    if isinstance(v, str) and len(v) >= 8 and any(ch.isdigit() for ch in v)
                )
        return values
    finally:
        conn.close()
