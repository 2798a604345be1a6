"""How long `plaudit check` takes on a pull request against a large migration history.

    python benchmarks/check.py [MIGRATIONS_DIR] [--runs N]

Copies the fineract migrations (404 Flyway files) into a temporary git repository, commits them on
`main`, creates a branch that adds 3 migrations, then measures:

* in-process (calling `run_check`, `scan_paths` and `audit`; policies compiled once beforehand):
  the check cold (empty cache), the check warm (best of N), and a full `scan sql` of the same tree;
* as a subprocess (`python -m plaudit.cli ...`, what CI runs: interpreter start, imports and policy
  compilation included): the same three.

Prints the times and the ratio warm check / full scan. Target: warm check <= 1 s wall as a subprocess.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from plaudit.check import run_check
from plaudit.pipeline import Options, audit, prepare
from plaudit.scanners.sql import scan_paths, version_key

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
DEFAULT_MIGRATIONS = CORPUS / "fineract" / "migrations" / "core_db"
TARGET_SECONDS = 1.0
FOLDER = "db/migration"

# What a typical pull request adds: a column of personal data, a new table, a view over both.
BRANCH_MIGRATIONS = (
    "ALTER TABLE `m_client` ADD COLUMN `id_card_no` VARCHAR(18) NULL COMMENT '身份证号';\n",
    "CREATE TABLE `m_client_kyc_document` (\n"
    "  `id` BIGINT NOT NULL AUTO_INCREMENT,\n"
    "  `client_id` BIGINT NOT NULL,\n"
    "  `passport_no` VARCHAR(20) NULL COMMENT '护照号码',\n"
    "  `face_photo` LONGBLOB NULL COMMENT '人脸照片',\n"
    "  PRIMARY KEY (`id`)\n"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n",
    "CREATE VIEW `v_client_kyc` AS SELECT c.`id`, c.`id_card_no`, k.`passport_no`\n"
    "  FROM `m_client` c JOIN `m_client_kyc_document` k ON k.`client_id` = c.`id`;\n",
)


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def build_repo(migrations: Path, root: Path) -> Path:
    repo = root / "repo"
    target = repo / FOLDER
    shutil.copytree(migrations, target)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "Benchmark")
    git(repo, "config", "user.email", "bench@example.com")
    git(repo, "config", "commit.gpgsign", "false")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    git(repo, "checkout", "-q", "-b", "feature")
    last = max(
        (version_key(p.name)[1] for p in target.glob("V*__*.sql") if version_key(p.name)[0] == 0),
        default=(0,),
    )
    first = int(last[0]) + 1 if last else 1
    for offset, sql in enumerate(BRANCH_MIGRATIONS):
        (target / f"V{first + offset}__kyc_step_{offset + 1}.sql").write_text(sql, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "kyc")
    return repo


def clear_cache(repo: Path) -> None:
    shutil.rmtree(repo / ".plaudit", ignore_errors=True)


def timed(func: object) -> tuple[float, object]:
    start = time.perf_counter()
    result = func()  # type: ignore[operator]
    return time.perf_counter() - start, result


def in_process(repo: Path, runs: int) -> tuple[float, float, float, dict]:
    options = Options()
    prepared = prepare(options)

    def check() -> dict:
        return run_check([FOLDER], base="main", repo=repo, options=options, prepared=prepared, dialect=None)

    def full() -> dict:
        model = scan_paths([str(repo / FOLDER)])
        return audit(model, mode="scan-sql", target=FOLDER, options=options, prepared=prepared)

    clear_cache(repo)
    cold, report = timed(check)
    warm = min(timed(check)[0] for _ in range(runs))
    scan = min(timed(full)[0] for _ in range(runs))
    return cold, warm, scan, report  # type: ignore[return-value]


def subprocess_times(repo: Path, runs: int) -> tuple[float, float, float]:
    base = [sys.executable, "-m", "plaudit.cli"]
    env = {**os.environ, "PLAUDIT_DEBUG": ""}

    def run(*args: str) -> float:
        start = time.perf_counter()
        done = subprocess.run([*base, *args], cwd=repo, capture_output=True, env=env)
        elapsed = time.perf_counter() - start
        if done.returncode not in (0, 1):
            raise SystemExit(f"plaudit {' '.join(args)} failed: {done.stderr.decode().strip()}")
        return elapsed

    clear_cache(repo)
    cold = run("check", "--format", "json", FOLDER)
    warm = min(run("check", "--format", "json", FOLDER) for _ in range(runs))
    scan = min(run("scan", "sql", "--format", "json", FOLDER) for _ in range(runs))
    return cold, warm, scan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("migrations", nargs="?", type=Path, default=DEFAULT_MIGRATIONS)
    parser.add_argument("--runs", type=int, default=3, help="warm runs and full scans; the best counts")
    args = parser.parse_args()
    if not args.migrations.is_dir():
        raise SystemExit(f"no migrations at {args.migrations}")
    files = len(list(args.migrations.glob("*.sql")))
    with tempfile.TemporaryDirectory(prefix="plaudit-check-bench-") as tmp:
        repo = build_repo(args.migrations, Path(tmp))
        cold, warm, scan, report = in_process(repo, args.runs)
        s_cold, s_warm, s_scan = subprocess_times(repo, args.runs)
    new = len(report["violations"])
    rules = sorted({v["rule"] for v in report["violations"]})
    print(f"corpus: {args.migrations} ({files} files on main, {len(BRANCH_MIGRATIONS)} added on the branch)")
    print(f"new violations: {new} ({', '.join(rules)}); fixed: {len(report['fixed'])}")
    print(f"{'':<14}{'check cold':>12}{'check warm':>12}{'full scan':>12}{'warm/full':>11}")
    print(f"{'in-process':<14}{cold:>11.3f}s{warm:>11.3f}s{scan:>11.3f}s{warm / scan:>11.2f}")
    print(f"{'subprocess':<14}{s_cold:>11.3f}s{s_warm:>11.3f}s{s_scan:>11.3f}s{s_warm / s_scan:>11.2f}")
    verdict = "OK" if s_warm <= TARGET_SECONDS else "OVER"
    print(f"target: warm check <= {TARGET_SECONDS:.1f} s as a subprocess: {verdict} ({s_warm:.3f} s)")


if __name__ == "__main__":
    main()
