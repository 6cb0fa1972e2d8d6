"""Headless Chromium (Debian's package) driven over the DevTools protocol, for the report tests.

``python -m tests.browser REPORT_HTML PNG [HEIGHT] [ELEMENT_ID]`` saves a screenshot of a report, from its top
(docs/report.png is made so) or of one element of it (docs/latency.png: ``0 latency``, the latency section).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
         "--remote-debugging-port=0", "--window-size=1280,1000")


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class Page:
    """One tab: call DevTools methods, and keep every event seen."""

    socket: Any
    events: list[dict[str, Any]] = field(default_factory=list)
    _next: int = 0

    def call(self, method: str, timeout_s: float = 30, **params: Any) -> dict[str, Any]:
        self._next += 1
        self.socket.send(json.dumps({"id": self._next, "method": method, "params": params}))
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            message = json.loads(self.socket.recv())
            if message.get("id") == self._next:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return dict(message.get("result") or {})
            self.events.append(message)
        raise TimeoutError(method)

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(str(result["exceptionDetails"]))
        return result["result"].get("value")

    def wait_until(self, expression: str, timeout_s: float = 20) -> Any:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.2)
        raise TimeoutError(expression)

    def console_errors(self) -> list[str]:
        """Console errors, uncaught exceptions and error log entries, up to now."""
        time.sleep(0.3)
        self.evaluate("0")  # a round trip: every event sent before it has been read
        errors = []
        for event in self.events:
            params = event.get("params", {})
            if event.get("method") == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                errors.append(" ".join(str(a.get("value", a.get("description"))) for a in params.get("args", [])))
            elif event.get("method") == "Runtime.exceptionThrown":
                errors.append(str(params.get("exceptionDetails", {}).get("exception", {}).get("description")))
            elif event.get("method") == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                errors.append(str(params["entry"].get("text")))
        return errors

    def requested_urls(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events if e.get("method") == "Network.requestWillBeSent"]

    def screenshot(self, path: Path, height: int | None = None, element_id: str | None = None) -> Path:
        size = self.call("Page.getLayoutMetrics")["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": min(height or size["height"], size["height"]),
                "scale": 1}
        if element_id:
            box = self.evaluate(f"(() => {{ const r = document.getElementById({json.dumps(element_id)})"
                                ".getBoundingClientRect(); return [r.left + scrollX, r.top + scrollY, r.width, "
                                "r.height]; })()")
            clip = {"x": box[0], "y": box[1], "width": box[2], "height": box[3], "scale": 1}
        shot = self.call("Page.captureScreenshot", format="png", clip=clip, captureBeyondViewport=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))
        return path


def _devtools_port(profile: Path, proc: subprocess.Popen[bytes], timeout_s: float = 20) -> int:
    marker = profile / "DevToolsActivePort"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and proc.poll() is None:
        if marker.exists() and marker.read_text().strip():
            return int(marker.read_text().split()[0])
        time.sleep(0.1)
    raise RuntimeError(f"chromium did not open its DevTools port (exit code {proc.poll()})")


def _page_socket(port: int) -> Any:
    import websocket

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as response:
        targets = json.load(response)
    url = next(t["webSocketDebuggerUrl"] for t in targets if t.get("type") == "page")
    return websocket.create_connection(url, timeout=30, suppress_origin=True, max_size=None)


def _stop_group(proc: subprocess.Popen[bytes], timeout_s: float = 10) -> None:
    """Stop Chromium and every helper it forked (renderer, zygote, crash handler): they write to the profile."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            proc.poll()
            try:
                os.killpg(proc.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)
    proc.wait()


@contextmanager
def open_page(url: str) -> Iterator[Page]:
    """A fresh headless Chromium (own profile, own process group) with one tab loaded at ``url``."""
    binary = chromium()
    if binary is None:
        raise RuntimeError("chromium is not installed")
    with tempfile.TemporaryDirectory(prefix="harness-chromium-") as profile:
        proc = subprocess.Popen([binary, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            socket = _page_socket(_devtools_port(Path(profile), proc))
            page = Page(socket)
            for domain in ("Runtime", "Log", "Network", "Page"):
                page.call(f"{domain}.enable")
            page.call("Page.navigate", url=url)
            page.wait_until("document.readyState === 'complete'")
            yield page
            socket.close()
        finally:
            _stop_group(proc)

if __name__ == "__main__":
    html, png = Path(sys.argv[1]).resolve(), Path(sys.argv[2])
    with open_page(html.as_uri()) as tab:
        tab.wait_until("document.querySelectorAll('.js-plotly-plot .main-svg').length > 0")
        time.sleep(1)
        tab.screenshot(png, int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[3] != "0" else None,
                       sys.argv[4] if len(sys.argv) > 4 else None)
    print(png)
