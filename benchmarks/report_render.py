"""Benchmark: the officer's report of a large run with a long history (issue target: 10,000 violations over
30 stored runs rendered in under 5 s, the HTML under 5 MB).

Builds a synthetic report (violations spread over the built-in rules, 3 datasets, 600 tables), records 30
runs of the same target in a fresh SQLite history (each fixing some findings and adding others), then times
what `plaudit report RUN.json --store URL --format html` does after reading its input: the trend query
over the stored runs, the view, and the HTML in each language; CSV too. Prints the figures and the sizes.

    .venv/bin/python benchmarks/report_render.py
    .venv/bin/python benchmarks/report_render.py --violations 20000 --runs 60
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from plaudit.history import RunStore, trend_points
from plaudit.policies.engine import fingerprint, load_policies
from plaudit.report_command import report as report_command
from plaudit.reports import ReportContext, render

TARGET_SECONDS = 5.0
TARGET_BYTES = 5 * 1024 * 1024
CATEGORIES = [
    ("identity.national_id", "C2"), ("contact.phone", "C2"), ("identity.name", "C2"),
    ("account.bank_card", "C2"), ("auth.password", "C3"), ("financial.transaction", "C2"),
    ("network.ip_address", "C1"), (None, None),
]  # fmt: skip


def synthetic_report(rules: list[dict[str, Any]], violations: int, seed: int = 7) -> dict[str, Any]:
    rng = random.Random(seed)
    datasets = ["lending", "payments", "collections"]
    columns = []
    for t in range(600):
        dataset = datasets[t % 3]
        for c in range(8):
            category, level = CATEGORIES[(t + c) % len(CATEGORIES)]
            columns.append(
                {
                    "resource": f"{dataset}.public.table_{t:04d}.column_{c}",
                    "table": f"table_{t:04d}",
                    "column": f"column_{c}",
                    "category": category,
                    "level": level,
                    "confidence": 0.9 if category else 0.0,
                    "in_catalog": c % 3 != 0,
                    "evidence": [
                        {"source": "name", "detail": f"name 'column_{c}' contains a term of {category}"}
                    ]
                    if category
                    else [],
                }
            )
    found = []
    seen = set()
    while len(found) < violations:
        rule = rng.choice(rules)
        column = rng.choice(columns)
        key = (rule["rule"], column["resource"])
        if key in seen:
            continue
        seen.add(key)
        found.append(
            {
                "rule": rule["rule"],
                "kind": rule["kind"],
                "severity": rule["severity"],
                "resource": column["resource"],
                "location": {
                    "path": f"migrations/V{rng.randint(1, 400)}__change.sql",
                    "line": rng.randint(1, 900),
                },
                "message": f"Column {column['resource']} holds {column['category'] or 'personal'} data that "
                f"{rule['title'].lower()} requires to be handled otherwise (protection 'none').",
                "remediation": rule["remediation"],
                "references": rule["references"],
                "fingerprint": fingerprint(rule["rule"], column["resource"]),
                "waived": rng.random() < 0.03,
                "waiver": None,
            }
        )
    for v in found:
        if v["waived"]:
            v["waiver"] = {"rule": v["rule"], "resource": v["resource"], "owner": "dpo@example.com",
                           "reason": "compensating control", "expires": "2027-03-31"}  # fmt: skip
    counts = {s: 0 for s in ("critical", "high", "medium", "low")}
    for v in found:
        if not v["waived"]:
            counts[v["severity"]] += 1
    return {
        "plaudit_version": "bench",
        "run": {
            "id": "run-final",
            "mode": "scan-db",
            "target": "postgresql://auditor@db:5432/lending",
            "started_at": "2026-03-31T02:00:00Z",
            "finished_at": "2026-03-31T02:20:00Z",
            "policy_digest": "sha256:" + "0" * 64,
            "catalog_digest": "sha256:" + "1" * 64,
        },
        "columns": columns,
        "violations": found,
        "errors": [],
        "summary": {
            "columns": len(columns),
            "classified": sum(1 for c in columns if c["category"]),
            "violations": counts,
            "waived": sum(1 for v in found if v["waived"]),
        },
        "waivers": [
            {
                "rule": "JRT0171-STORE-C2-PROTECT",
                "resource": f"lending.public.table_{i:04d}.column_1",
                "owner": "dpo@example.com",
                "reason": "vendor dialler",
                "expires": f"2026-0{1 + i % 9}-15",
                "location": {"path": "catalog/lending.yaml", "line": 10 + i},
                "status": "active",
            }
            for i in range(40)
        ],
        "data_checks": [
            {"check": "detectors", "resource": columns[0]["resource"], "sampled": 1000, "matched": 0}
        ],
    }


def record_history(store: RunStore, final: dict[str, Any], runs: int, seed: int = 11) -> None:
    """`runs` stored runs before the final one: each has most of the final findings and a few others."""
    rng = random.Random(seed)
    for i in range(runs):
        past = copy.deepcopy(final)
        past["run"]["id"] = f"run-{i:03d}"
        day = 1 + i
        past["run"]["started_at"] = (
            f"2026-03-{day:02d}T02:00:00Z" if day <= 30 else f"2026-04-{day - 30:02d}T02:00:00Z"
        )
        past["run"]["finished_at"] = past["run"]["started_at"]
        keep = [v for v in past["violations"] if rng.random() < 0.97]
        past["violations"] = keep
        counts = {s: 0 for s in ("critical", "high", "medium", "low")}
        for v in keep:
            if not v["waived"]:
                counts[v["severity"]] += 1
        past["summary"] = {**past["summary"], "violations": counts}
        store.record(past, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--violations", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30, help="stored runs shown in the trends")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    policies = load_policies()
    rules = policies.rules
    report = synthetic_report(rules, args.violations)
    with tempfile.TemporaryDirectory() as folder:
        store_url = f"sqlite:///{Path(folder) / 'history.db'}"
        started = time.perf_counter()
        with RunStore.open(store_url) as store:
            record_history(store, report, args.runs - 1)
            print(f"history: {args.runs - 1} runs recorded in {time.perf_counter() - started:.1f} s (setup)")
            timings: dict[str, list[float]] = {"trend query": [], "html en": [], "html zh": [], "csv": []}
            sizes: dict[str, int] = {}
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                trend = trend_points(store, report, limit=args.runs)
                timings["trend query"].append(time.perf_counter() - t0)
                for lang in ("en", "zh"):
                    context = ReportContext(
                        lang=lang, rules=tuple(rules), trend=tuple(trend), policy_digest=policies.digest
                    )
                    t0 = time.perf_counter()
                    html = render(report, "html", context=context)
                    timings[f"html {lang}"].append(time.perf_counter() - t0)
                    sizes[f"html {lang}"] = len(html.encode("utf-8"))
                t0 = time.perf_counter()
                text = render(report, "csv", context=ReportContext(rules=tuple(rules)))
                timings["csv"].append(time.perf_counter() - t0)
                sizes["csv"] = len(text.encode("utf-8"))
        # The whole command as a user runs it: read RUN.json, load the rules, query the history, write HTML.
        run_json = Path(folder) / "run.json"
        run_json.write_text(json.dumps(report), encoding="utf-8")
        timings["command"] = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            result = CliRunner().invoke(
                report_command,
                [str(run_json), "--store", store_url, "--lang", "zh", "--out", str(Path(folder) / "r.html")],
            )
            timings["command"].append(time.perf_counter() - t0)
            assert result.exit_code == 0, result.output
    assert len(trend) == args.runs, len(trend)
    print(
        f"report: {len(report['violations']):,} violations, {len(report['columns']):,} columns, "
        f"{len(trend)} runs in the trends"
    )
    for name, values in timings.items():
        size = f", {sizes[name] / 1024 / 1024:.2f} MB" if name in sizes else ""
        print(f"{name:<12} median {statistics.median(values):.3f} s (min {min(values):.3f}){size}")
    command = statistics.median(timings["command"])
    print(f"plaudit report RUN.json --store URL --lang zh --out r.html: {command:.2f} s end to end")
    rendering = max(
        statistics.median(timings["trend query"]) + statistics.median(timings[f"html {lang}"])
        for lang in ("en", "zh")
    )
    worst = max(command, rendering)
    biggest = max(sizes["html en"], sizes["html zh"])
    print(
        f"plaudit report --format html: {worst:.2f} s (target < {TARGET_SECONDS:.0f} s), "
        f"{biggest / 1024 / 1024:.2f} MB (target < {TARGET_BYTES / 1024 / 1024:.0f} MB): "
        + ("OK" if worst < TARGET_SECONDS and biggest < TARGET_BYTES else "OVER TARGET")
    )


if __name__ == "__main__":
    main()
