"""``awstutor serve`` in a real browser: load time, memory, stopping, orphans.

    .venv/bin/python bench/serve.py [--runs 5]

Needs Debian's Chromium at /usr/bin/chromium and the ``playwright`` package
(``pip install '.[test]'``; never ``playwright install``). Linux only (/proc).

What it measures, with a fresh data folder in a temporary directory:

* page load to main screen: from ``page.goto(address)`` in headless Chromium
  until the app's websocket frames (escape sequences removed) contain the main
  screen's footer key "Got it" (Textual paints the footer last). A new browser
  context each run, so each run is a new tab and a new app process; the first
  run (the store created, the welcome shown) is reported apart. Goal: 3 s.
* memory: the server's resident set idle and with tabs open; each tab's app
  process (RSS, and PSS, which splits shared pages fairly between processes).
* stopping: SIGTERM to the server with a tab open, until the server has exited
  and no app process is left. Goal: 2 s.
* orphans: SIGKILL to the server with a tab open, until no app process is left
  (app processes are found by the marker in their environment, wherever they
  were reparented). Goal: none left after 2 s.

Exit status: 0 when every goal is met, 1 when one is not.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ANSI = re.compile(rb"\x1b\[[0-9;?<>=$ ]*[A-Za-z~@]|\x1b[\]P_^][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b.")
LOAD_GOAL, STOP_GOAL, ORPHAN_WAIT = 3.0, 2.0, 2.0


def start(folder: Path) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", "--data-dir", str(folder / "data"), "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
    )
    assert process.stdout is not None
    url = re.search(r"http://\S+", process.stdout.readline())
    if url is None:
        sys.exit("the server printed no address")
    return process, url.group(0)


def apps(server: int) -> list[int]:
    marker = f"AWSTUTOR_SERVED={server}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker in (entry / "environ").read_bytes().split(b"\0"):
                    state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
                    if state != "Z":
                        found.append(int(entry.name))
            except OSError:
                continue
    return found


def memory(pid: int) -> tuple[float, float]:
    """(RSS, PSS) in MiB."""
    rss = pss = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1])
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            pss = int(line.split()[1])
    return rss / 1024, pss / 1024


def until(condition, timeout: float) -> float | None:
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        if condition():
            return time.monotonic() - began
        time.sleep(0.01)
    return None


class Tab:
    """One browser context (a tab of its own) at the address; ``wait()`` returns the load time."""

    def __init__(self, browser, url: str) -> None:
        self.context = browser.new_context(viewport={"width": 1200, "height": 800})
        self.page = self.context.new_page()
        self.frames: list[bytes] = []
        self.page.on(
            "websocket",
            lambda ws: ws.on("framereceived", lambda f: self.frames.append(f if isinstance(f, bytes) else f.encode())),
        )
        self.began = time.monotonic()
        self.page.goto(url)

    def wait(self, timeout: float = 60) -> float:
        while b"Got it" not in ANSI.sub(b"", b"".join(self.frames)):
            if time.monotonic() - self.began > timeout:
                sys.exit("the main screen never appeared")
            self.page.wait_for_timeout(10)
        return time.monotonic() - self.began

    def close(self) -> None:
        self.context.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    ok = True
    with tempfile.TemporaryDirectory() as temp, sync_playwright() as playwright:
        folder = Path(temp)
        for kind in ("config", "cache"):
            os.environ[f"AWSTUTOR_{kind.upper()}_DIR"] = str(folder / kind)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        server, url = start(folder)
        time.sleep(1)
        idle = memory(server.pid)

        tab = Tab(browser, url)
        first = tab.wait()
        tab.close()
        until(lambda: not apps(server.pid), 5)
        loads = []
        for _ in range(args.runs):
            tab = Tab(browser, url)
            loads.append(tab.wait())
            tab.close()
            until(lambda: not apps(server.pid), 5)
        median = statistics.median(loads)
        ok &= median < LOAD_GOAL
        print(f"page load to main screen: first run {first:.2f} s; then median {median:.2f} s", end="")
        print(f" (min {min(loads):.2f}, max {max(loads):.2f}, {len(loads)} runs; goal {LOAD_GOAL:.0f} s)")

        tabs = [Tab(browser, url) for _ in range(3)]
        for tab in tabs:
            tab.wait()
        time.sleep(1)
        per_app = [memory(pid) for pid in apps(server.pid)]
        busy = memory(server.pid)
        print(f"server: {idle[0]:.0f} MiB RSS idle, {busy[0]:.0f} MiB with {len(tabs)} tabs open")
        print(
            "per tab (its app process): "
            + ", ".join(f"{rss:.0f} MiB RSS / {pss:.0f} MiB PSS" for rss, pss in per_app)
            + f"; mean PSS {statistics.mean(p for _, p in per_app):.0f} MiB"
        )
        for tab in tabs[1:]:
            tab.close()

        server.send_signal(signal.SIGTERM)
        began = time.monotonic()
        server.wait(30)
        stopped = time.monotonic() - began
        left = until(lambda: not apps(server.pid), 5)
        tabs[0].close()
        ok &= stopped < STOP_GOAL and left is not None
        print(
            f"SIGTERM with a tab open: server exited in {stopped:.2f} s (goal {STOP_GOAL:.0f} s), exit code "
            f"{server.returncode}; app processes left: {len(apps(server.pid))}"
        )

        server, url = start(folder)
        tab = Tab(browser, url)
        tab.wait()
        before = apps(server.pid)
        server.kill()
        server.wait()
        gone = until(lambda: not apps(server.pid), ORPHAN_WAIT)
        survivors = apps(server.pid)
        for pid in survivors:
            os.kill(pid, signal.SIGKILL)
        tab.close()
        ok &= gone is not None
        print(
            f"SIGKILL with a tab open: {len(before)} app process(es); "
            + (
                f"all gone {gone:.2f} s later"
                if gone is not None
                else f"ORPHANS after {ORPHAN_WAIT:.0f} s: {survivors}"
            )
        )
        browser.close()
    print(f"load {os.getloadavg()[0]:.1f} (1-minute load average of this {os.cpu_count()}-core machine)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
