"""Run history: new / open / fixed across runs, the --fail-on gate, SQLite and PostgreSQL stores, errors."""

from __future__ import annotations

import copy
import hashlib
import os
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from plaudit.errors import ConfigError
from plaudit.history import SCHEMA_VERSION, RunStore, annotate, exit_code_for, track
from plaudit.pipeline import Options, audit
from plaudit.pipeline import exit_code as pipeline_exit_code
from plaudit.scanners.sql import scan_text

SECRET = "Sup3r-S3cret!pw"


def violation(rule: str, resource: str, severity: str = "high", *, waived: bool = False) -> dict[str, Any]:
    """A violation shaped like `pipeline._report` output, with the pipeline's fingerprint."""
    return {
        "rule": rule,
        "kind": "unencrypted_sensitive",
        "severity": severity,
        "resource": resource,
        "location": {"path": "a.sql", "line": 1},
        "message": "...",
        "remediation": "...",
        "references": [],
        "fingerprint": hashlib.sha256(f"{rule}\0{resource}".encode()).hexdigest()[:32],
        "waived": waived,
        "waiver": {"rule": rule, "resource": resource} if waived else None,
    }


def report(
    violations: list[dict[str, Any]],
    *,
    target: str = "sqlite:///shop.db",
    mode: str = "scan-db",
    started: str = "2026-03-01T02:00:00Z",
) -> dict[str, Any]:
    return {
        "plaudit_version": "0.1.0",
        "run": {
            "id": str(uuid.uuid4()),
            "mode": mode,
            "target": target,
            "started_at": started,
            "finished_at": started,
            "policy_digest": "sha256:" + "a" * 64,
            "catalog_digest": "sha256:" + "b" * 64,
        },
        "columns": [],
        "violations": copy.deepcopy(violations),
        "errors": [],
        "summary": {
            "columns": 0,
            "classified": 0,
            "violations": {"critical": 0, "high": len(violations), "medium": 0, "low": 0},
            "waived": 0,
        },
        "waivers": [],
    }


ID_NO = violation("JRT0171-STORE-C2-PROTECT", "lending.public.customer.id_no")
MOBILE = violation("JRT0171-STORE-C2-PROTECT", "lending.public.customer.mobile", "medium")
CVV = violation("PCI331-SAD-NEVER-STORED", "lending.public.card.cvv", "critical")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[RunStore]:
    with RunStore.open(f"sqlite:///{tmp_path / 'history.db'}") as opened:
        yield opened


def run(store: RunStore, rep: dict[str, Any], *, fail_on: str = "new") -> dict[str, Any]:
    track(rep, store, fail_level="low", fail_on=fail_on)
    return rep


def by_resource(rep: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {v["resource"]: v for v in rep["violations"]}


# -- new, open, fixed -----------------------------------------------------------------------------------


def test_first_run_is_all_new_and_nothing_fixed(store: RunStore) -> None:
    rep = run(store, report([ID_NO, MOBILE]))
    assert [v["status"] for v in rep["violations"]] == ["new", "new"]
    assert {v["first_seen"] for v in rep["violations"]} == {"2026-03-01T02:00:00Z"}
    assert rep["fixed"] == []
    assert rep["history"] == {"previous_run": None, "new": 2, "open": 0, "fixed": 0}


def test_second_run_marks_open_new_and_fixed(store: RunStore) -> None:
    first = run(store, report([ID_NO, MOBILE], started="2026-03-01T02:00:00Z"))
    second = run(store, report([ID_NO, CVV], started="2026-03-02T02:00:00Z"))

    seen = by_resource(second)
    assert seen["lending.public.customer.id_no"]["status"] == "open"
    assert seen["lending.public.customer.id_no"]["first_seen"] == "2026-03-01T02:00:00Z"
    assert seen["lending.public.card.cvv"]["status"] == "new"
    assert seen["lending.public.card.cvv"]["first_seen"] == "2026-03-02T02:00:00Z"
    assert second["fixed"] == [
        {
            "fingerprint": MOBILE["fingerprint"],
            "rule": "JRT0171-STORE-C2-PROTECT",
            "kind": "unencrypted_sensitive",
            "severity": "medium",
            "resource": "lending.public.customer.mobile",
            "first_seen": "2026-03-01T02:00:00Z",
        }
    ]
    assert second["history"] == {"previous_run": first["run"]["id"], "new": 1, "open": 1, "fixed": 1}

    # The original first-seen time survives any number of runs.
    third = run(store, report([ID_NO], started="2026-03-03T02:00:00Z"))
    assert third["violations"][0]["first_seen"] == "2026-03-01T02:00:00Z"
    assert [f["resource"] for f in third["fixed"]] == ["lending.public.card.cvv"]
    assert third["history"]["previous_run"] == second["run"]["id"]


def test_findings_of_rules_a_run_skipped_are_neither_fixed_nor_new_later(store: RunStore) -> None:
    run(store, report([ID_NO, CVV], started="2026-03-01T02:00:00Z"))
    partial = report([ID_NO], started="2026-03-02T02:00:00Z")
    partial["selection"] = {"skipped_rules": ["PCI331-SAD-NEVER-STORED"], "overridden": []}
    partial = run(store, partial)
    assert partial["fixed"] == []  # the card rule did not run: its finding is not fixed
    full = run(store, report([ID_NO, CVV], started="2026-03-03T02:00:00Z"))
    cvv = by_resource(full)["lending.public.card.cvv"]
    assert cvv["status"] == "open" and cvv["first_seen"] == "2026-03-01T02:00:00Z"


def test_canonical_keys_are_kept_and_only_extended(store: RunStore) -> None:
    rep = report([ID_NO])
    before = copy.deepcopy(rep)
    returned = annotate(rep, store)
    assert returned is rep
    assert set(rep) == set(before) | {"fixed", "history"}
    for key in before:
        if key != "violations":
            assert rep[key] == before[key]
    added = set(rep["violations"][0]) - set(before["violations"][0])
    assert added == {"status", "first_seen", "previously_waived"}
    assert {k: rep["violations"][0][k] for k in before["violations"][0]} == before["violations"][0]


def test_a_fixed_violation_that_comes_back_is_new_again(store: RunStore) -> None:
    run(store, report([ID_NO], started="2026-03-01T02:00:00Z"))
    run(store, report([], started="2026-03-02T02:00:00Z"))
    back = run(store, report([ID_NO], started="2026-03-03T02:00:00Z"))
    assert back["violations"][0]["status"] == "new"
    assert back["violations"][0]["first_seen"] == "2026-03-03T02:00:00Z"


def test_other_targets_and_modes_do_not_interfere(store: RunStore) -> None:
    run(store, report([ID_NO, MOBILE], target="sqlite:///shop.db"))
    other = run(store, report([CVV], target="postgresql://app:***@db/lending"))
    assert other["history"] == {"previous_run": None, "new": 1, "open": 0, "fixed": 0}
    as_sql = run(store, report([ID_NO], target="sqlite:///shop.db", mode="scan-sql"))
    assert as_sql["history"]["previous_run"] is None

    again = run(store, report([ID_NO], target="sqlite:///shop.db"))
    assert again["violations"][0]["status"] == "open"
    assert [f["resource"] for f in again["fixed"]] == ["lending.public.customer.mobile"]


def test_runs_in_the_same_second_follow_recording_order(store: RunStore) -> None:
    same = "2026-03-01T02:00:00Z"
    first = run(store, report([ID_NO], started=same))
    second = run(store, report([MOBILE], started=same))
    third = run(store, report([MOBILE], started=same))
    assert second["history"]["previous_run"] == first["run"]["id"]
    assert third["history"]["previous_run"] == second["run"]["id"]
    assert third["history"]["open"] == 1


def test_recording_a_run_twice_replaces_it(store: RunStore) -> None:
    first = run(store, report([ID_NO]))
    store.record(first, 1)
    rep = run(store, report([ID_NO], started="2026-03-02T02:00:00Z"))
    assert rep["history"]["previous_run"] == first["run"]["id"]
    assert len(store.runs()) == 2


def test_the_store_holds_report_fields_only(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    with RunStore.open(f"sqlite:///{path}") as store:
        run(store, report([ID_NO, CVV]), fail_on="any")
    conn = sqlite3.connect(path)
    columns = {
        table: [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    assert columns["plaudit_findings"] == [
        "run_id", "fingerprint", "rule", "kind", "severity", "resource",
        "waived", "first_seen_run", "first_seen_at",
    ]  # fmt: skip
    assert conn.execute("SELECT value FROM plaudit_meta WHERE key = 'schema_version'").fetchone() == (
        str(SCHEMA_VERSION),
    )
    (exit_code, summary) = conn.execute("SELECT exit_code, summary FROM plaudit_runs").fetchone()
    assert exit_code == 1 and '"critical": 0' in summary
    conn.close()
    # No message or remediation text, only the fields above.
    assert b"..." not in path.read_bytes()


def test_runs_lists_newest_first(store: RunStore) -> None:
    a = run(store, report([ID_NO], started="2026-03-01T02:00:00Z"), fail_on="any")
    b = run(store, report([], target="other", started="2026-03-02T02:00:00Z"))
    assert [r["id"] for r in store.runs()] == [b["run"]["id"], a["run"]["id"]]
    (only,) = store.runs("sqlite:///shop.db")
    assert only["started_at"] == "2026-03-01T02:00:00Z" and only["exit_code"] == 1
    assert only["summary"]["violations"]["high"] == 1


# -- waivers and the --fail-on gate ---------------------------------------------------------------------


def test_waived_violations_are_tracked_but_do_not_fail_new(store: RunStore) -> None:
    waived = violation("JRT0171-STORE-C2-PROTECT", "lending.public.customer.full_name", waived=True)
    first = report([waived])
    annotate(first, store)
    assert first["violations"][0]["status"] == "new"
    assert exit_code_for(first, "low", "new") == 0
    store.record(first, 0)

    second = run(store, report([waived], started="2026-03-02T02:00:00Z"))
    assert second["violations"][0]["status"] == "open"
    assert second["violations"][0]["first_seen"] == "2026-03-01T02:00:00Z"


def test_a_lapsed_waiver_fails_new(store: RunStore) -> None:
    waived = violation("JRT0171-STORE-C2-PROTECT", "lending.public.customer.full_name", waived=True)
    run(store, report([waived]))
    lapsed = report([{**waived, "waived": False, "waiver": None}], started="2026-04-01T02:00:00Z")
    annotate(lapsed, store)
    v = lapsed["violations"][0]
    assert (v["status"], v["previously_waived"]) == ("open", True)
    assert v["first_seen"] == "2026-03-01T02:00:00Z"
    assert exit_code_for(lapsed, "low", "new") == 1


def v_(severity: str, status: str | None, *, waived: bool = False, lapsed: bool = False) -> dict[str, Any]:
    v: dict[str, Any] = {"severity": severity, "waived": waived}
    if status is not None:
        v |= {"status": status, "previously_waived": lapsed}
    return v


@pytest.mark.parametrize(
    ("violations", "fail_level", "fail_on", "expected"),
    [
        ([], "low", "any", 0),
        ([], "low", "new", 0),
        ([v_("high", "open")], "high", "any", 1),
        ([v_("high", "open")], "high", "new", 0),
        ([v_("high", "new")], "high", "new", 1),
        ([v_("medium", "new")], "high", "new", 0),  # below the fail level
        ([v_("medium", "new")], "high", "any", 0),
        ([v_("critical", "new")], "high", "new", 1),  # above it
        ([v_("low", "new")], "low", "new", 1),
        ([v_("critical", "new", waived=True)], "low", "new", 0),
        ([v_("critical", "open", waived=True)], "low", "any", 0),
        ([v_("high", "open", lapsed=True)], "high", "new", 1),
        ([v_("high", "open", waived=True, lapsed=True)], "high", "new", 0),
        ([v_("high", "open"), v_("low", "new")], "medium", "new", 0),
        ([v_("high", "open"), v_("low", "new")], "low", "new", 1),
        ([v_("high", None)], "high", "new", 1),  # never annotated: everything counts as new
    ],
)
def test_exit_code_for(
    violations: list[dict[str, Any]], fail_level: str, fail_on: str, expected: int
) -> None:
    rep = {"violations": violations}
    assert exit_code_for(rep, fail_level, fail_on) == expected
    if fail_on == "any":
        assert pipeline_exit_code(rep, fail_level) == expected


@pytest.mark.parametrize(("fail_level", "fail_on"), [("high", "changed"), ("severe", "any")])
def test_exit_code_for_rejects_unknown_options(fail_level: str, fail_on: str) -> None:
    with pytest.raises(ConfigError):
        exit_code_for({"violations": []}, fail_level, fail_on)


def test_real_pipeline_report_through_two_runs(store: RunStore) -> None:
    def scan(sql: str) -> dict[str, Any]:
        model = scan_text(sql, path="schema.sql")
        return audit(model, mode="scan-sql", target="schema.sql", options=Options())

    first = scan("CREATE TABLE customer (id int, id_no char(18), cvv char(3));")
    assert track(first, store, fail_level="high", fail_on="new") == 1
    second = scan("CREATE TABLE customer (id int, id_no char(18), mobile varchar(11));")
    code = track(second, store, fail_level="high", fail_on="new")

    statuses = {(v["rule"], v["resource"]): v["status"] for v in second["violations"]}
    opened = {r for (_, r), s in statuses.items() if s == "open"}
    assert "customer.id_no" in opened and "customer.mobile" not in opened
    assert {r for (_, r), s in statuses.items() if s == "new"} == {"customer.mobile"}
    assert "customer.cvv" in {f["resource"] for f in second["fixed"]}
    assert not {f["resource"] for f in second["fixed"]} & opened
    assert code == (1 if any(s == "new" for s in statuses.values()) else 0)
    assert second["history"]["previous_run"] == first["run"]["id"]


# -- concurrency ----------------------------------------------------------------------------------------


def test_threads_record_different_targets_at_once(store: RunStore, tmp_path: Path) -> None:
    # A second store object on the same file stands for another process: only the busy timeout helps there.
    other = RunStore.open(f"sqlite:///{tmp_path / 'history.db'}")
    failures: list[BaseException] = []

    def nightly(n: int) -> None:
        try:
            for day in range(1, 6):
                rep = report(
                    [ID_NO, MOBILE][: 1 + day % 2], target=f"db-{n}", started=f"2026-03-0{day}T02:00:00Z"
                )
                run(store if n % 2 else other, rep)
        except BaseException as err:
            failures.append(err)

    threads = [threading.Thread(target=nightly, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    other.close()
    assert failures == []
    assert len(store.runs(limit=100)) == 40
    for n in range(8):
        last = store.runs(f"db-{n}", limit=1)[0]
        assert last["started_at"] == "2026-03-05T02:00:00Z"


# -- opening and errors ---------------------------------------------------------------------------------


def test_default_store_is_a_local_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with RunStore.open(None) as store:
        assert store.display == "sqlite:///.plaudit/history.db"
        run(store, report([ID_NO]))
    assert (tmp_path / ".plaudit" / "history.db").is_file()
    with RunStore.open(None) as store:
        assert run(store, report([ID_NO]))["violations"][0]["status"] == "open"


def test_in_memory_store_is_shared_between_threads() -> None:
    with RunStore.open("sqlite://") as store:
        run(store, report([ID_NO]))
        results: list[dict[str, Any]] = []
        t = threading.Thread(target=lambda: results.append(run(store, report([ID_NO]))))
        t.start()
        t.join()
        assert results[0]["violations"][0]["status"] == "open"


def test_unwritable_sqlite_path_is_a_config_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    with pytest.raises(ConfigError) as info:
        RunStore.open(f"sqlite:///{blocker / 'history.db'}")
    assert "run history store" in str(info.value) and info.value.hint
    assert info.value.__context__ is None and info.value.__cause__ is None


def test_read_only_store_file_is_a_config_error_on_record(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    RunStore.open(f"sqlite:///{path}").close()
    with RunStore.open(f"sqlite:///file:{path}?mode=ro&uri=true") as store:
        rep = report([ID_NO])
        annotate(rep, store)
        with pytest.raises(ConfigError, match="cannot record the run"):
            store.record(rep, 0)


def test_a_file_that_is_not_a_database_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("just some text, long enough to fill a page header " * 10)
    with pytest.raises(ConfigError, match="cannot open the store"):
        RunStore.open(f"sqlite:///{path}")


def test_a_store_from_a_newer_plaudit_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE plaudit_meta (key VARCHAR(64) PRIMARY KEY, value VARCHAR(256) NOT NULL)")
    conn.execute("INSERT INTO plaudit_meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION + 1),))
    conn.commit()
    conn.close()
    with pytest.raises(ConfigError, match="newer plaudit") as info:
        RunStore.open(f"sqlite:///{path}")
    assert "upgrade plaudit" in (info.value.hint or "")
    conn = sqlite3.connect(path)
    assert [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")] == [
        "plaudit_meta"
    ]
    conn.close()


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://app:{SECRET}@127.0.0.1:1/history",
        f"postgresql://app@127.0.0.1:1/history?password={SECRET}",
        f"nosuchdb://app:{SECRET}@host/history",
        f"::not a url {SECRET}",
    ],
)
def test_password_never_appears_in_errors(url: str) -> None:
    with pytest.raises(ConfigError) as info:
        RunStore.open(url)
    err = info.value
    assert err.hint
    for rendered in (str(err), repr(err), err.hint or "", err.path or "", repr(err.__context__)):
        assert SECRET not in rendered
        assert "S3cret" not in rendered


def test_refused_connection_names_the_redacted_url() -> None:
    with pytest.raises(ConfigError) as info:
        RunStore.open(f"postgresql://app:{SECRET}@127.0.0.1:1/history")
    assert "postgresql+psycopg://app:***@127.0.0.1:1/history" in str(info.value)


# -- shared stores on real servers (SPEC §8: PostgreSQL and MariaDB on 127.0.0.1) ---------------------

SERVERS = {
    # kind: (driver module, admin URL, bare store URL without its database, driver plaudit must pick)
    "postgresql": (
        "psycopg",
        "postgresql+psycopg://postgres@127.0.0.1:5432/test",
        "postgresql://postgres@127.0.0.1:5432",
        "psycopg",
    ),
    "mariadb": (
        "pymysql",
        "mysql+pymysql://root@127.0.0.1:3306/test",
        "mysql://root@127.0.0.1:3306",
        "pymysql",
    ),
}


def _server_engine(kind: str) -> Engine:
    module, url, _, _ = SERVERS[kind]
    try:
        __import__(module)
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect():
            pass
    except Exception as err:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"{kind} not available: {type(err).__name__}")
    return engine


@pytest.fixture(params=sorted(SERVERS))
def server_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A dedicated database on the server, created for the test and dropped after it."""
    kind: str = request.param
    server = _server_engine(kind)
    name = f"plaudit_history_{uuid.uuid4().hex[:8]}"
    with server.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield f"{SERVERS[kind][2]}/{name}"  # bare scheme: must pick the driver plaudit installs
    finally:
        force = " WITH (FORCE)" if kind == "postgresql" else ""
        with server.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name}{force}"))
        server.dispose()


@pytest.mark.db
def test_server_store(server_url: str) -> None:
    kind = "postgresql" if server_url.startswith("postgresql") else "mariadb"
    with RunStore.open(server_url) as store:
        assert store.engine.dialect.driver == SERVERS[kind][3]
        first = run(store, report([ID_NO, MOBILE], started="2026-03-01T02:00:00+08:00"))
        assert first["violations"][0]["first_seen"] == "2026-02-28T18:00:00Z"
    with RunStore.open(server_url) as store:  # reopening finds the tables and the version
        second = run(store, report([ID_NO, CVV], started="2026-03-02T02:00:00Z"))
        assert by_resource(second)["lending.public.customer.id_no"]["status"] == "open"
        assert by_resource(second)["lending.public.customer.id_no"]["first_seen"] == "2026-02-28T18:00:00Z"
        assert [f["resource"] for f in second["fixed"]] == ["lending.public.customer.mobile"]
        assert second["history"]["previous_run"] == first["run"]["id"]

        failures: list[BaseException] = []

        def nightly(n: int) -> None:
            try:
                for _ in range(3):
                    run(store, report([ID_NO], target=f"server-{n}"))
            except BaseException as err:
                failures.append(err)

        threads = [threading.Thread(target=nightly, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert failures == []
        assert len(store.runs(limit=100)) == 14


@pytest.mark.db
def test_server_stores_opened_at_once_create_the_tables_once(server_url: str) -> None:
    stores: list[RunStore] = []
    failures: list[BaseException] = []

    def open_store() -> None:
        try:
            stores.append(RunStore.open(server_url))
        except BaseException as err:
            failures.append(err)

    threads = [threading.Thread(target=open_store) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s in stores:
        s.close()
    assert failures == []


def test_an_older_store_is_migrated_in_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import plaudit.history as history

    url = f"sqlite:///{tmp_path / 'history.db'}"
    with RunStore.open(url) as store:
        first = run(store, report([ID_NO]))
    steps: list[int] = []
    monkeypatch.setattr(history, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setitem(history._MIGRATIONS, SCHEMA_VERSION, lambda conn: steps.append(SCHEMA_VERSION))
    with RunStore.open(url) as store:
        assert steps == [SCHEMA_VERSION]
        assert run(store, report([ID_NO]))["history"]["previous_run"] == first["run"]["id"]
    with RunStore.open(url):
        assert steps == [SCHEMA_VERSION]  # a migrated store is not migrated again
    conn = sqlite3.connect(tmp_path / "history.db")
    assert conn.execute("SELECT value FROM plaudit_meta").fetchone() == (str(SCHEMA_VERSION + 1),)
    conn.close()
