"""Malformed input end to end: truncated, corrupted and random files never crash a scan.

Each file is scanned through the CLI as a user would; the run must finish with exit 0 or 1 (never 2 for
bad SQL, which is recorded in `errors`), print valid JSON and no traceback.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from plaudit.cli import cli

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
SAMPLES = ["roncoo-pay/database.sql", "ruoyi/ry_20260319.sql", "pagila/pagila-schema.sql", "mall/mall.sql"]


def _mangled(rng: random.Random, data: bytes) -> list[tuple[str, bytes]]:
    cut = rng.randrange(1, len(data))
    flipped = bytearray(data[:20_000])
    for _ in range(200):
        flipped[rng.randrange(len(flipped))] = rng.randrange(256)
    return [
        ("truncated.sql", data[:cut]),  # may end inside a string, a comment or a UTF-8 sequence
        ("flipped.sql", bytes(flipped)),
        ("noise.sql", bytes(rng.randrange(256) for _ in range(5_000))),
        ("gbk.sql", data[:30_000].decode("utf-8", "ignore").encode("gbk", "ignore")),
        ("unterminated.sql", b"CREATE TABLE t (id INT, note VARCHAR(10) COMMENT 'never closed\n" * 50),
    ]


@pytest.mark.parametrize("sample", SAMPLES)
def test_mangled_corpus_files_never_crash(sample: str, tmp_path: Path) -> None:
    source = CORPUS / sample
    if not source.exists():
        pytest.skip(f"corpus file {source} not present (the shared corpus sits beside the repository)")
    rng = random.Random(sample)
    for name, blob in _mangled(rng, source.read_bytes()):
        (tmp_path / name).write_bytes(blob)
    result = CliRunner().invoke(
        cli, ["scan", "sql", str(tmp_path), "--format", "json"], catch_exceptions=False
    )
    assert result.exit_code in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    assert all(e["path"] and e["message"] for e in report["errors"])
    assert any(Path(e["path"]).name == "noise.sql" for e in report["errors"])
