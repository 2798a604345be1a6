"""Benchmark: the built-in policy pack over a synthetic facts document.

Times `plaudit.policies.engine.evaluate()` (JSON encoding, engine clone, evaluation, decoding,
validation, fingerprints, sorting) against the bare engine answering the same query on the same
prepared input, in the same process, and prints both and their ratio. When the OPA oracle
(opa-golib-python-bindings, Go OPA) is installed, the same input is also evaluated there and its
time printed beside the in-process engine's (`--opa-url` adds HTTP to the OPA figure).

    .venv/bin/python benchmarks/policy_eval.py               # 100,000 columns
    .venv/bin/python benchmarks/policy_eval.py --columns 20000 --repeat 5
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from typing import Any

from plaudit.policies.engine import ENTRYPOINT, PolicySet, evaluate, load_policies, normalise_violations

# (category, level, pipl_sensitive, pci, protection): a mix that trips every storage rule sometimes.
_PROFILES: list[tuple[str | None, str | None, bool, str | None, str]] = [
    (None, None, False, None, "none"),
    (None, None, False, None, "none"),
    (None, None, False, None, "none"),
    ("identity.national_id", "C2", True, None, "encrypted"),
    ("identity.national_id", "C2", True, None, "none"),
    ("contact.phone", "C2", False, None, "masked"),
    ("identity.name", "C2", False, None, "none"),
    ("account.bank_card", "C2", True, "PAN", "tokenized"),
    ("account.bank_card", "C2", True, "PAN", "none"),
    ("auth.password", "C3", True, None, "kdf_hash"),
    ("auth.password", "C3", True, None, "encrypted"),
    ("auth.card_verification", "C3", True, "SAD", "encrypted"),
    ("network.ip_address", "C1", False, None, "none"),
    ("financial.transaction", "C2", True, None, "none"),
]
_COLUMNS_PER_TABLE = 10


def synthetic_facts(n_columns: int) -> dict[str, Any]:
    """A facts document (docs/facts.md) with `n_columns` columns over n/10 tables."""
    taxonomy = {
        cat: {"level": level, "pipl_sensitive": spi, "pci": pci, "title": cat}
        for cat, level, spi, pci, _ in _PROFILES
        if cat
    }
    tables: list[dict[str, Any]] = []
    columns: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    for t in range(max(1, n_columns // _COLUMNS_PER_TABLE)):
        table_res = f"lending.s{t % 7}.t{t}"
        catalogued = t % 3 != 0
        pi: list[str] = []
        levels: list[str] = []
        for c in range(_COLUMNS_PER_TABLE):
            if len(columns) >= n_columns:
                break
            category, level, spi, pci, protection = _PROFILES[(t + c) % len(_PROFILES)]
            name = f"c{c}" if c else "closed_at"
            in_catalog = catalogued and c % 2 == 0
            if category:
                pi.append(name)
                levels.append(level or "C1")
            columns.append(
                {
                    "resource": f"{table_res}.{name}",
                    "dataset": "lending",
                    "schema": f"s{t % 7}",
                    "table": f"t{t}",
                    "column": name,
                    "type": "varchar(64)",
                    "comment": None,
                    "location": {"path": f"migrations/V{t}.sql", "line": c + 2},
                    "category": category,
                    "level": level,
                    "pipl_sensitive": spi,
                    "pci": pci,
                    "confidence": 1.0 if in_catalog else 0.8,
                    "in_catalog": in_catalog,
                    "detected": {"category": category, "confidence": 0.8} if category else None,
                    "catalog": {"category": category, "level": level, "protection": {"method": protection}}
                    if in_catalog
                    else None,
                    "protection": protection,
                    "observed": {"encryption_marker": False, "marker": None},
                }
            )
        catalog = None
        if catalogued:
            catalog = {
                "purposes": ["credit_underwriting"] if t % 4 else [],
                "legal_basis": "contract" if t % 5 else None,
                "retention": {"period": "5y", "anchor": "closed_at" if t % 6 else "closed_time"},
                "zone": "secure",
                "region": "cn-east-1",
                "owner": "data",
                "location": {"path": "catalog/lending.yaml", "line": t + 1},
            }
            entries.append(
                {"resource": f"{table_res}.gone", "kind": "column", "found": t % 10 != 1, "location": None}
            )
        tables.append(
            {
                "resource": table_res,
                "dataset": "lending",
                "schema": f"s{t % 7}",
                "table": f"t{t}",
                "kind": "view" if t % 17 == 0 else "table",
                "location": {"path": f"migrations/V{t}.sql", "line": 1},
                "in_catalog": catalogued,
                "catalog": catalog,
                "pi_columns": pi,
                "max_level": max(levels) if levels else None,
            }
        )
    return {
        "schema_version": "1",
        "run": {"mode": "scan-db", "now": "2026-11-25T16:00:00Z", "target": "benchmark"},
        "taxonomy": taxonomy,
        "tables": tables,
        "columns": columns,
        "catalog_entries": entries,
        "waivers": [
            {
                "rule": "unencrypted_sensitive",
                "resource": "lending.s1.**",
                "reason": "benchmark",
                "owner": "dpo@example.com",
                "expires": "2027-03-31",
                "expired": False,
            },
            {
                "rule": "JRT0171-STORE-C2-PROTECT",
                "resource": "lending.s2.*.c5",
                "reason": "benchmark",
                "owner": "dpo@example.com",
                "expires": "2025-03-31",
                "expired": True,
            },
        ],
        "grants": [],
        "settings": {},
        "data_checks": [],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--columns", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each; the median is shown")
    args = parser.parse_args()

    facts = synthetic_facts(args.columns)
    policies = load_policies()
    print(f"facts: {len(facts['columns']):,} columns, {len(facts['tables']):,} tables")

    evaluate(policies, facts)  # warm-up: compile and touch every rule once
    api: list[float] = []
    violations: list[dict[str, Any]] = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        violations = evaluate(policies, facts)
        api.append(time.perf_counter() - started)

    # The bare engine: input already serialised and set, data already loaded; only the query is timed.
    raw_engine = policies.engine().clone()
    raw_engine.add_data_json(json.dumps({"plaudit": {"params": {}}}))
    raw_engine.set_input_json(json.dumps(facts))
    raw: list[float] = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        raw_engine.eval_query_as_json(ENTRYPOINT)
        raw.append(time.perf_counter() - started)

    api_s, raw_s = statistics.median(api), statistics.median(raw)
    waived = sum(1 for v in violations if v["waived"])
    print(f"violations: {len(violations):,} ({waived:,} waived)")
    print(f"evaluate():             {api_s:8.3f} s  (median of {args.repeat})")
    print(f"raw engine eval_query:  {raw_s:8.3f} s  (median of {args.repeat})")
    print(f"ratio evaluate/raw:     {api_s / raw_s:8.2f}x")
    _opa_oracle(policies, facts, violations, args.repeat, raw_s)


def _opa_oracle(
    policies: PolicySet, facts: dict[str, Any], expected: list[dict[str, Any]], repeat: int, raw_s: float
) -> None:
    """The same query on Go OPA (the conformance oracle, opa-golib-python-bindings), if installed.

    Timed: handing the input to the engine and evaluating (what an OPA server does per request,
    without HTTP), then plaudit's normalisation of the answer (what `evaluate_opa` adds).
    """
    try:
        from opa_bindings import OpaEngine
    except ImportError:
        print("OPA oracle:             not installed (pip install --no-deps --ignore-requires-python "
              "opa-golib-python-bindings==0.4.4)")  # fmt: skip
        return
    engine = OpaEngine()
    for f in policies.files:
        engine.add_policy(f.name, f.text)
    engine.add_data({"plaudit": {"metadata": policies.metadata, "params": {}}})
    path = ENTRYPOINT.removeprefix("data.")
    engine.eval_document(path, {})  # warm-up: compile once, as a server does at load
    go: list[float] = []
    total: list[float] = []
    decided: list[dict[str, Any]] = []
    for _ in range(repeat):
        started = time.perf_counter()
        found = engine.eval_document(path, facts)
        go.append(time.perf_counter() - started)
        decided = normalise_violations(found)
        total.append(time.perf_counter() - started)
    go_s, total_s = statistics.median(go), statistics.median(total)
    same = "identical" if decided == expected else "DIFFERENT"
    print(
        f"OPA oracle eval:        {go_s:8.3f} s  (Go OPA in process, median of {repeat}; {same} violations)"
    )
    print(f"OPA oracle + normalise: {total_s:8.3f} s  (ratio to OPA eval {total_s / go_s:.2f}x, "
          f"OPA eval / raw engine {go_s / raw_s:.2f}x)")  # fmt: skip


if __name__ == "__main__":
    main()
