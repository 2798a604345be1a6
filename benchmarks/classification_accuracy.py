"""Measure the column classifier against the hand-labelled corpus columns in tests/catalog/labels/.

Usage: python benchmarks/classification_accuracy.py [--labels DIR] [--errors] [--sources a,b] [--exclude a,b]

`--labels DIR` reads another folder of labelled CSVs, e.g. the blind second labelling in
tests/catalog/labels_blind/ (default: tests/catalog/labels/).

A true positive needs the labelled category exactly; "detection" figures only ask whether a sensitive
column was flagged at all. Columns are grouped by source and table so that table context (the table
name, sibling columns) is available, as it is in a real scan.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from plaudit.catalog.classify import Classifier
from plaudit.model import Column, Table

LABELS = Path(__file__).resolve().parent.parent / "tests" / "catalog" / "labels"
BLIND_LABELS = LABELS.parent / "labels_blind"


@dataclass
class Row:
    source: str
    table: str
    column: str
    type: str
    comment: str
    category: str | None


@dataclass
class Score:
    tp: int = 0  # flagged with the right category
    fp: int = 0  # flagged, but not sensitive or another category
    fn: int = 0  # sensitive, but missed or another category
    det_tp: int = 0
    det_fp: int = 0
    det_fn: int = 0
    n: int = 0
    errors: list[str] = field(default_factory=list)

    @staticmethod
    def _ratio(a: int, b: int) -> float:
        return a / b if b else 1.0

    @property
    def precision(self) -> float:
        return self._ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return self._ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def det_precision(self) -> float:
        return self._ratio(self.det_tp, self.det_tp + self.det_fp)

    @property
    def det_recall(self) -> float:
        return self._ratio(self.det_tp, self.det_tp + self.det_fn)

    def add(self, other: Score) -> None:
        for name in ("tp", "fp", "fn", "det_tp", "det_fp", "det_fn", "n"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors.extend(other.errors)


def load_rows(directory: Path = LABELS) -> list[Row]:
    rows: list[Row] = []
    for path in sorted(directory.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                rows.append(
                    Row(
                        r["source"],
                        r["table"],
                        r["column"],
                        r["type"],
                        r["comment"],
                        r["category"].strip() or None,
                    )
                )
    return rows


def build_tables(rows: list[Row]) -> dict[tuple[str, str], tuple[Table, list[Row]]]:
    tables: dict[tuple[str, str], tuple[Table, list[Row]]] = {}
    for row in rows:
        key = (row.source, row.table)
        if key not in tables:
            tables[key] = (Table(name=row.table), [])
        table, members = tables[key]
        table.columns[row.column.lower()] = Column(
            name=row.column, type=row.type, comment=row.comment or None
        )
        members.append(row)
    return tables


def evaluate(rows: list[Row], classifier: Classifier | None = None) -> tuple[dict[str, Score], float]:
    classifier = classifier or Classifier()
    tables = build_tables(rows)
    per_source: dict[str, Score] = defaultdict(Score)
    classifier.classify_table(Table(name="warmup", columns={"x": Column("x")}))  # loads dictionaries
    started = time.perf_counter()
    verdicts = {key: classifier.classify_table(table) for key, (table, _) in tables.items()}
    elapsed = time.perf_counter() - started
    for key, (_, members) in tables.items():
        got = verdicts[key]
        for row in members:
            s = per_source[row.source]
            s.n += 1
            pred = got[row.column.lower()].category
            want = row.category
            if pred is not None and want is not None:
                s.det_tp += 1
            elif pred is not None:
                s.det_fp += 1
            elif want is not None:
                s.det_fn += 1
            if pred == want:
                if want is not None:
                    s.tp += 1
                continue
            if pred is not None:
                s.fp += 1
            if want is not None:
                s.fn += 1
            conf = got[row.column.lower()].confidence
            s.errors.append(
                f"{row.source}.{row.table}.{row.column} [{row.type}] "
                f"{('«' + row.comment + '» ') if row.comment else ''}want={want} got={pred} ({conf:.2f})"
            )
    return dict(per_source), elapsed


def report(per_source: dict[str, Score], elapsed: float, show_errors: bool, out=sys.stdout) -> Score:
    total = Score()
    print(f"{'source':<20}{'cols':>6}{'P':>8}{'R':>8}{'F1':>8}{'detP':>8}{'detR':>8}", file=out)
    for source in sorted(per_source):
        s = per_source[source]
        total.add(s)
        print(
            f"{source:<20}{s.n:>6}{s.precision:>8.3f}{s.recall:>8.3f}{s.f1:>8.3f}"
            f"{s.det_precision:>8.3f}{s.det_recall:>8.3f}",
            file=out,
        )
    print(
        f"{'OVERALL':<20}{total.n:>6}{total.precision:>8.3f}{total.recall:>8.3f}{total.f1:>8.3f}"
        f"{total.det_precision:>8.3f}{total.det_recall:>8.3f}",
        file=out,
    )
    print(f"sensitive columns: {total.tp + total.fn}, tp={total.tp} fp={total.fp} fn={total.fn}", file=out)
    print(f"classified {total.n} columns in {elapsed:.3f}s", file=out)
    if show_errors:
        print("\nerrors:", file=out)
        for e in total.errors:
            print("  " + e, file=out)
    return total


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--labels",
        type=Path,
        default=LABELS,
        metavar="DIR",
        help="folder of labelled CSVs (default: %(default)s)",
    )
    ap.add_argument("--errors", action="store_true", help="list every misclassified column")
    ap.add_argument("--sources", help="only these sources (comma-separated)")
    ap.add_argument("--exclude", help="leave these sources out (comma-separated)")
    ap.add_argument("--threshold", type=float, default=0.5)
    args = ap.parse_args(argv)
    rows = load_rows(args.labels)
    if args.sources:
        keep = set(args.sources.split(","))
        rows = [r for r in rows if r.source in keep]
    if args.exclude:
        drop = set(args.exclude.split(","))
        rows = [r for r in rows if r.source not in drop]
    per_source, elapsed = evaluate(rows, Classifier(threshold=args.threshold))
    report(per_source, elapsed, args.errors)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
