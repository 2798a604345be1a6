"""`plaudit demo`: the nightly job of SPEC §1 on an embedded database that needs no server."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path

from plaudit.demo.generate import build_demo_database
from plaudit.pipeline import DbTarget, Options, judge, observe_database, prepare, utcnow
from plaudit.reports import ReportContext, formats, render
from plaudit.reports.html import catalog_owners

# File name per format; formats with no file here (the terminal table) are printed instead.
_FILES = {"json": "report.json", "markdown": "report.md", "sarif": "report.sarif", "html": "report.html",
          "junit": "report.junit.xml", "csv": "report.csv"}  # fmt: skip
#: The officer's report in the other language, beside `report.html` (English).
_TRANSLATED = {"zh": "report.zh.html"}


def run_demo(out_dir: Path, *, color: bool = False, progress: Callable[[str], None] | None = None) -> str:
    """Build the demo database in `out_dir`, scan it with the bundled catalog, write the reports.

    Returns the terminal summary. The database is rebuilt on every run so the demo is reproducible.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    db_path = out_dir / "lending.db"
    if db_path.exists():
        db_path.unlink()
    started = utcnow()
    rows = build_demo_database(db_path)
    catalog = resources.files("plaudit.demo").joinpath("catalog.yaml")
    with resources.as_file(catalog) as catalog_path:
        options = Options(catalog=[catalog_path], now=started)
        prepared = prepare(options)
        # The whole nightly job, data checks included: the demo database plants problems that only
        # sampling finds (ID numbers in clear in a column declared encrypted, rows past retention).
        observed = observe_database(
            DbTarget(f"sqlite:///{db_path}"),
            options=options,
            prepared=prepared,
            mode="demo",
            progress=progress,
        )
        report = judge(observed, options=options, prepared=prepared)
    loaded_catalog, policies, _ = prepared
    # The demo run is not recorded in a history, so its report has no trends; it says so.
    context = ReportContext(
        rules=tuple(policies.rules), owners=catalog_owners(loaded_catalog), policy_digest=policies.digest
    )
    written = []
    for fmt in formats():
        name = _FILES.get(fmt)
        if name:
            (out_dir / name).write_text(render(report, fmt, context=context), encoding="utf-8")
            written.append(str(out_dir / name))
    for lang, name in _TRANSLATED.items():
        translated = ReportContext(**{**vars(context), "lang": lang})
        (out_dir / name).write_text(render(report, "html", context=translated), encoding="utf-8")
        written.append(str(out_dir / name))
    header = (
        f"plaudit demo: built {db_path} ({len(rows)} tables, {sum(rows.values())} rows of synthetic "
        "customers, cards and loans) and scanned it with the bundled catalog.\n\n"
    )
    footer = "\nReports: " + ", ".join(written) + "\n"
    return header + render(report, "table", color=color) + footer
