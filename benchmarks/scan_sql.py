"""How much the static SQL scanner costs on top of sqlglot itself.

    python benchmarks/scan_sql.py [CORPUS_DIR] [--runs N] [--profile]

Measures, best of N rounds, (a) `scan_paths` over the whole corpus (reading, decoding, splitting,
classifying, parsing and replaying every file) and (b) sqlglot alone parsing exactly the statements
the scanner hands to it, with the same dialects, through `sqlglot.parse(sql, read=dialect)`. The
statements are recorded during an untimed warm-up scan, so (b) is a fair baseline. Target: a/b <= 1.3.
Also printed: the "strict" ratio against (c) the same statements through one reused tokenizer and
parser per dialect, which is how the scanner drives sqlglot; a/c isolates everything that is not
parsing (reading, decoding, splitting, classifying, replaying). (a), (b) and (c) take turns within
each round, so that load from other processes weighs on both sides of a ratio alike.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import pstats
import sys
import time
from collections.abc import Callable
from pathlib import Path

import sqlglot
from sqlglot.expressions import Expr

from plaudit.scanners import sql as sqlscan

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
TARGET = 1.3


def record_parse_jobs(corpus: Path) -> list[tuple[str, str]]:
    """Run one scan with the parse hook wrapped, returning every (sql, dialect) given to sqlglot."""
    jobs: list[tuple[str, str]] = []
    original = sqlscan._parse

    def recording(sql: str, dialect: str) -> Expr | None:
        jobs.append((sql, dialect))
        return original(sql, dialect)

    sqlscan._parse = recording
    try:
        sqlscan.scan_paths([corpus])
    finally:
        sqlscan._parse = original
    return jobs


def sqlglot_alone(jobs: list[tuple[str, str]]) -> None:
    """sqlglot's public entry point, as anyone parsing these statements would call it."""
    for sql, d in jobs:
        with contextlib.suppress(Exception):  # the scanner sees the same failures at the same cost
            sqlglot.parse(sql, read=d)


def sqlglot_reused(jobs: list[tuple[str, str]]) -> None:
    """The cheapest way to drive sqlglot: a tokenizer and parser per dialect, reused (as the scanner does)."""
    engines = {d: (sqlscan._dialect(d).tokenizer(), sqlscan._dialect(d).parser()) for _, d in jobs}
    for sql, d in jobs:
        tokenizer, parser = engines[d]
        with contextlib.suppress(Exception):
            parser.parse(tokenizer.tokenize(sql), sql)


def best_of(runs: int, fns: list[Callable[[], object]]) -> list[float]:
    """Best time of each function over `runs` rounds, the functions taking turns within a round.

    Interleaved rather than one block per function, so that a burst of load from other processes
    slows every measurement of the round alike instead of skewing one side of the ratio.
    """
    best = [float("inf")] * len(fns)
    for _ in range(runs):
        for i, fn in enumerate(fns):
            start = time.perf_counter()
            fn()
            best[i] = min(best[i], time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--profile", action="store_true", help="print a cProfile of one scan")
    args = ap.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"corpus folder not found: {args.corpus}", file=sys.stderr)
        return 2

    files = sqlscan.iter_sql_files([args.corpus])
    size = sum(f.stat().st_size for f in files)
    jobs = record_parse_jobs(args.corpus)

    def quiet(fn: Callable[[list[tuple[str, str]]], None]) -> Callable[[], None]:
        def run() -> None:
            with sqlscan._quiet_sqlglot():
                fn(jobs)

        return run

    alone, reused = quiet(sqlglot_alone), quiet(sqlglot_reused)
    alone()  # warm up every path (imports, caches) before timing
    reused()
    t_base, t_reused, t_scan = best_of(args.runs, [alone, reused, lambda: sqlscan.scan_paths([args.corpus])])
    model = sqlscan.scan_paths([args.corpus])
    ratio = t_scan / t_base if t_base else float("inf")
    strict = t_scan / t_reused if t_reused else float("inf")

    print(f"corpus:        {args.corpus} ({len(files)} files, {size / 1e6:.2f} MB)")
    print(f"model:         {len(model.tables)} tables, {len(model.errors)} errors")
    print(f"statements:    {len(jobs)} handed to sqlglot ({sum(len(s) for s, _ in jobs) / 1e6:.2f} MB)")
    print(f"scan_paths:    {t_scan * 1000:8.1f} ms  (best of {args.runs})")
    print(f"sqlglot alone: {t_base * 1000:8.1f} ms  (best of {args.runs}; sqlglot.parse(sql, read=dialect))")
    print(
        f"sqlglot reused:{t_reused * 1000:8.1f} ms  (best of {args.runs}; one tokenizer+parser per dialect)"
    )
    print(f"ratio:         {ratio:8.2f}  (scan / sqlglot alone; target <= {TARGET})")
    print(f"strict ratio:  {strict:8.2f}  (scan / sqlglot reused: everything that is not parsing)")

    if args.profile:
        prof = cProfile.Profile()
        prof.runcall(sqlscan.scan_paths, [args.corpus])
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
