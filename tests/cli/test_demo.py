"""`plaudit demo` end to end: builds the database, finds real problems of several kinds, exits 0."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from plaudit.cli import cli


def test_demo_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "demo-out"
    result = CliRunner().invoke(cli, ["demo", "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["run"]["mode"] == "demo"

    kinds = {v["kind"] for v in report["violations"] if not v["waived"]}
    # The demo plants problems of several kinds; each must be found.
    assert {"untagged_pii", "catalog_stale", "unencrypted_sensitive", "prohibited_storage"} <= kinds
    assert {"retention_undeclared", "missing_purpose_or_basis"} & kinds
    # Problems only sampling can find: the demo runs the data checks too.
    assert {"plaintext_in_protected_column", "retention_exceeded"} <= kinds
    assert report["data_checks"]
    exemplars = [c["details"].get("masked_exemplar") for c in report["data_checks"]]
    assert all("*" in e for e in exemplars if isinstance(e, str))

    # The auditor never leaks what it audits: no identifier held in the database appears in any output.
    texts = [result.output] + [p.read_text(encoding="utf-8") for p in out.iterdir() if p.suffix != ".db"]
    db = sqlite3.connect(out / "lending.db")
    try:
        secrets: set[str] = set()
        for table, column in _identifier_columns(report):
            rows = db.execute(f'SELECT "{column}" FROM "{table}" WHERE length("{column}") >= 8 LIMIT 50')
            secrets.update(str(value) for (value,) in rows if value is not None)
    finally:
        db.close()
    assert len(secrets) > 100
    leaked = [s for s in secrets if any(s in text for text in texts)]
    assert leaked == []


IDENTIFIERS = {
    "identity.national_id", "identity.name", "contact.phone", "contact.email", "contact.address",
    "account.bank_card", "account.bank_account", "auth.password", "auth.card_verification",
}  # fmt: skip


def _identifier_columns(report: dict) -> list[tuple[str, str]]:
    """(table, column) of every column the report itself classified as a direct identifier."""
    return [(c["table"], c["column"]) for c in report["columns"] if c["category"] in IDENTIFIERS]
