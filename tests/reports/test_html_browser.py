"""The HTML report in a real headless Chromium: no console error, no network request, the filters and the
sorting work, the page still shows everything without script, and a screenshot is kept for people.

Chromium is Debian's `chromium` package; the test installs it when it is missing and it runs as root.
The browser is driven over the Chrome DevTools Protocol on a loopback port, with a small WebSocket client
written here (the protocol needs no more than text frames).

Screenshots: build/screenshots/report.{en,zh}.png (PLAUDIT_SCREENSHOTS=DIR to put them elsewhere).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from plaudit.reports import ReportContext, render

GOLDEN = Path(__file__).parent / "golden"
REPORT = json.loads((GOLDEN / "report.json").read_text(encoding="utf-8"))
RULES = tuple(json.loads((GOLDEN / "html" / "rules.json").read_text(encoding="utf-8"))["rules"])
TREND = tuple(
    {
        "id": f"run-{i}",
        "started_at": f"2025-12-{i + 1:02d}T02:00:00Z",
        "open": {"critical": 2 + (i % 3 == 0), "high": 12 - i // 3, "medium": 1},
        "waived": 1,
        "new": None if i == 0 else i % 3,
        "fixed": None if i == 0 else (i % 4) // 2 + 1,
    }
    for i in range(30)
)
SCREENSHOTS = Path(
    os.environ.get("PLAUDIT_SCREENSHOTS") or Path(__file__).resolve().parents[2] / "build" / "screenshots"
)
CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-quic",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--window-size=1280,900",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
]

pytestmark = pytest.mark.slow


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium() -> str:
    if not Path(CHROMIUM).exists() and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = ["apt-get", "install", "-y", "--no-install-recommends", "chromium"]
        if subprocess.run(install, env=env, capture_output=True, timeout=1200, check=False).returncode:
            # A fresh machine may have no package lists yet.
            subprocess.run(["apt-get", "update"], env=env, capture_output=True, timeout=600, check=False)
            subprocess.run(install, env=env, capture_output=True, timeout=1200, check=False)
    if not Path(CHROMIUM).exists():
        _unavailable("Chromium is missing: apt-get install chromium (as root)")
    return CHROMIUM


# ------------------------------------------------------------------------------------------ WebSocket


class _Socket:
    """A WebSocket client for the DevTools protocol: masked text frames out, whole messages in."""

    def __init__(self, url: str) -> None:
        parts = urllib.parse.urlparse(url)
        assert parts.hostname in ("127.0.0.1", "localhost")
        self.sock = socket.create_connection((parts.hostname, parts.port or 80), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (
                f"GET {parts.path} HTTP/1.1\r\nHost: {parts.hostname}:{parts.port}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        head = b""
        while not head.endswith(b"\r\n\r\n"):  # byte by byte: the first frame may follow at once
            head += self._exactly(1)
        assert b" 101 " in head.split(b"\r\n", 1)[0], head

    def _exactly(self, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("DevTools closed the connection")
            data += chunk
        return data

    def send(self, message: dict[str, Any]) -> None:
        data = json.dumps(message).encode()
        header = bytearray([0x81])
        if len(data) < 126:
            header.append(0x80 | len(data))
        elif len(data) < 1 << 16:
            header += bytes([0x80 | 126]) + len(data).to_bytes(2, "big")
        else:
            header += bytes([0x80 | 127]) + len(data).to_bytes(8, "big")
        mask = os.urandom(4)
        self.sock.sendall(bytes(header) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def receive(self) -> dict[str, Any]:
        message = b""
        while True:
            first, second = self._exactly(2)
            size = second & 0x7F
            if size == 126:
                size = int.from_bytes(self._exactly(2), "big")
            elif size == 127:
                size = int.from_bytes(self._exactly(8), "big")
            payload = self._exactly(size)
            opcode = first & 0x0F
            if opcode == 0x8:
                raise ConnectionError("DevTools closed the connection")
            if opcode in (0x9, 0xA):
                continue
            message += payload
            if first & 0x80:
                return dict(json.loads(message))

    def close(self) -> None:
        self.sock.close()


class Page:
    """One browser tab over CDP; every event received is kept in `events`."""

    def __init__(self, url: str) -> None:
        self.ws = _Socket(url)
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        self.ws.send({"id": self.next_id, "method": method, "params": params})
        while True:
            message = self.ws.receive()
            if message.get("id") == self.next_id:
                assert "error" not in message, message
                return dict(message.get("result") or {})
            if "method" in message:
                self.events.append(message)

    def wait_for(self, event: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not any(e["method"] == event for e in self.events):
            assert time.monotonic() < deadline, f"no {event}"
            message = self.ws.receive()
            if "method" in message:
                self.events.append(message)

    def js(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        assert "exceptionDetails" not in result, result
        return result["result"].get("value")


@contextlib.contextmanager
def browser(binary: str, profile: Path) -> Iterator[Page]:
    process = subprocess.Popen(
        [binary, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    page = None
    try:
        active = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not (active.exists() and active.read_text().count("\n") >= 1):
            assert process.poll() is None, "Chromium exited at start"
            assert time.monotonic() < deadline, "Chromium did not open its DevTools port"
            time.sleep(0.1)
        port = int(active.read_text().splitlines()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=30) as response:
            targets = json.load(response)
        page = Page(next(t for t in targets if t["type"] == "page")["webSocketDebuggerUrl"])
        yield page
    finally:
        if page is not None:
            page.ws.close()
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def open_report(page: Page, path: Path, *, script: bool = True) -> None:
    for domain in ("Runtime", "Log", "Network", "Page"):
        page.call(f"{domain}.enable")
    if not script:
        page.call("Emulation.setScriptExecutionDisabled", value=True)
    page.call("Page.navigate", url=path.as_uri())
    page.wait_for("Page.loadEventFired")
    time.sleep(0.3)  # let late console messages arrive
    page.call("Runtime.evaluate", expression="1")  # flushes pending events into page.events


def problems(page: Page) -> tuple[list[str], list[str]]:
    """(console errors and warnings, requests to anything but the file itself)."""
    console = []
    requests = []
    for e in page.events:
        p = e.get("params", {})
        if e["method"] == "Runtime.exceptionThrown":
            console.append(json.dumps(p["exceptionDetails"])[:300])
        elif e["method"] == "Runtime.consoleAPICalled" and p.get("type") in ("error", "warning", "assert"):
            console.append(json.dumps(p.get("args"))[:300])
        elif e["method"] == "Log.entryAdded" and p["entry"]["level"] in ("error", "warning"):
            console.append(p["entry"].get("text", "")[:300])
        elif e["method"] == "Network.requestWillBeSent":
            url = p["request"]["url"]
            if not url.startswith("file://"):
                requests.append(url)
    return console, requests


def screenshot(page: Page, name: str) -> Path:
    height = int(page.js("document.documentElement.scrollHeight"))
    page.call(
        "Emulation.setDeviceMetricsOverride",
        width=1280,
        height=min(height, 16000),
        deviceScaleFactor=1,
        mobile=False,
    )
    data = page.call("Page.captureScreenshot", format="png")["data"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    path.write_bytes(base64.b64decode(data))
    return path


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_in_chromium(chromium: str, tmp_path: Path, lang: str) -> None:
    report = tmp_path / f"report.{lang}.html"
    report.write_text(
        render(REPORT, "html", context=ReportContext(lang=lang, rules=RULES, trend=TREND)), encoding="utf-8"
    )
    with browser(chromium, tmp_path / "profile") as page:
        open_report(page, report)
        console, requests = problems(page)
        assert console == []
        assert requests == []
        assert page.js("document.title").startswith(
            "Personal information" if lang == "en" else "个人信息保护合规报告"
        )

        # The filters appear with the script, and narrow the violations to what is chosen.
        assert page.js("document.getElementById('filters').hidden") is False
        shown = (
            "Array.from(document.querySelectorAll('article.group tbody tr')).filter(r => !r.hidden).length"
        )
        total = sum(1 for _ in REPORT["violations"])
        assert page.js(shown) == total
        critical = sum(1 for v in REPORT["violations"] if v["severity"] == "critical")
        set_value = "var f = document.getElementById('{}'); f.value = '{}'; f.dispatchEvent(new Event('{}'))"
        page.js(set_value.format("f-sev", "5", "change"))  # 5: critical, the sort key of the column
        assert page.js(shown) == critical
        assert page.js("document.getElementById('f-count').textContent") == f"{critical} / {total}"
        page.js(set_value.format("f-sev", "", "change"))
        page.js(set_value.format("f-text", "nickname", "input"))
        time.sleep(0.4)  # the text filter waits for typing to pause
        assert page.js(shown) == sum(
            1 for v in REPORT["violations"] if "nickname" in v["resource"] or "nickname" in v["message"]
        )
        page.js(set_value.format("f-text", "", "input"))
        time.sleep(0.4)

        # Sorting: the rules table by its "open" column, most first on the second click.
        column = "document.querySelectorAll('#rules thead th')[5]"
        page.js(f"{column}.click(); {column}.click()")
        rows = "Array.from(document.querySelectorAll('#rules tbody tr'))"
        opens = page.js(rows + ".map(r => Number(r.cells[5].textContent))")
        assert opens == sorted(opens, reverse=True) and opens[0] > 0

        path = screenshot(page, f"report.{lang}.png")
        assert path.stat().st_size > 20_000
        assert problems(page) == ([], [])


def test_without_script_every_row_shows(chromium: str, tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    report.write_text(render(REPORT, "html", context=ReportContext(rules=RULES)), encoding="utf-8")
    with browser(chromium, tmp_path / "profile") as page:
        open_report(page, report, script=False)
        # Script is off for the page; the test's own evaluation still runs.
        assert page.js("getComputedStyle(document.getElementById('filters')).display") == "none"
        visible = (
            "Array.from(document.querySelectorAll('article.group tbody tr')).filter(r => r.offsetParent)"
        )
        rows = page.js(visible + ".length")
        assert rows == len(REPORT["violations"])
        assert problems(page) == ([], [])
