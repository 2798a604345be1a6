"""Suite-wide rules.

Under `CI=true` a database test may not skip: a skipped `db` test there means the servers were not up and
the suite proved nothing about them, so it is turned into a failure. On a user's machine without the
servers those tests skip with the reason.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, None, None]:
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") == "true" and report.skipped and item.get_closest_marker("db") is not None:
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.longrepr = f"database test skipped under CI=true: {reason}"
