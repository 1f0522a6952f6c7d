"""``awstutor serve`` as a user runs it: a real server process, real app processes, a real browser.

The server is started as ``python -m tui --data-dir DIR serve --port 0`` (a data folder whose name
has spaces and a quote: the app is not run through a shell). Requests are made with aiohttp (a
dependency of textual-serve) and, for the one browser test, with the system Chromium driven by
Playwright. App processes are found by the marker the server puts in their environment, so one that
outlived its server would be found too.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import selectors
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from progress.store import ProgressStore
from tui.serve_cli import SERVED_ENV, app_command, is_loopback
from tui.web_server import Guard

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")  # Debian's package; never `playwright install`
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
LINUX_PROC = Path("/proc/self/environ").exists()
needs_proc = pytest.mark.skipif(not LINUX_PROC, reason="finds app processes through /proc (Linux)")


def origin_of(url: str) -> str:
    """``http://host:port`` of a URL."""
    match = re.match(r"http://[^/]+", url)
    assert match is not None, url
    return match.group(0)


def screen_text(frames: list[bytes]) -> str:
    """What the app wrote so far, escape sequences removed (the page draws it on a canvas)."""
    return ANSI.sub(b"", b"".join(frames)).decode("utf-8", "replace")


@dataclass
class Served:
    process: subprocess.Popen
    url: str
    data: Path
    log: Path

    @property
    def origin(self) -> str:
        return origin_of(self.url)

    @property
    def port(self) -> int:
        return int(self.origin.rsplit(":", 1)[1])

    @property
    def token(self) -> str:
        return self.url.split("token=", 1)[1]

    def socket_url(self, token: str | None = None) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/{token or self.token}?width=100&height=30"

    def apps(self) -> list[int]:
        """Every live process started as one of this server's apps, wherever it was reparented."""
        marker = f"{SERVED_ENV}={self.process.pid}".encode()
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                environ = (entry / "environ").read_bytes()
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if marker in environ.split(b"\0") and state != "Z":
                found.append(int(entry.name))
        return found

    def stderr(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def start_server(tmp_path: Path, *args: str) -> Served:
    tmp_path.mkdir(parents=True, exist_ok=True)
    data = tmp_path / "data dir, it's 'quoted'"
    log = tmp_path / "serve.log"
    env = dict(os.environ)
    env.pop("NO_COLOR", None)
    with open(log, "wb") as errors:
        process = subprocess.Popen(
            [sys.executable, "-m", "tui", "--data-dir", str(data), "serve", *(args or ("--port", "0"))],
            stdout=subprocess.PIPE,
            stderr=errors,
            cwd=ROOT,
            env=env,
        )
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + 30
    line = b""
    while not line.endswith(b"\n") and time.monotonic() < deadline:
        if selector.select(timeout=0.5):
            chunk = os.read(process.stdout.fileno(), 4096)
            if not chunk:
                break
            line += chunk
    match = re.search(r"http://\S+\?token=\S+", line.decode())
    assert match, f"no address printed: {line!r}; stderr: {log.read_text()}"
    return Served(process, match.group(0), data, log)


def stop(served: Served) -> None:
    """End the server if a test left it running, and any app that survived it (a failed test must not leak)."""
    if served.process.poll() is None:
        served.process.send_signal(signal.SIGTERM)
        try:
            served.process.wait(5)
        except subprocess.TimeoutExpired:
            served.process.kill()
            served.process.wait()
    if LINUX_PROC:
        for pid in served.apps():
            os.kill(pid, signal.SIGKILL)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    server = start_server(tmp_path)
    yield server
    stop(server)


def wait_until(condition, timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


async def open_tab(
    session: aiohttp.ClientSession, served: Served
) -> tuple[aiohttp.ClientWebSocketResponse, list[bytes]]:
    """A websocket as the page opens it; returns once the app has drawn its main screen."""
    ws = await session.ws_connect(served.socket_url(), origin=served.origin)
    frames: list[bytes] = []
    deadline = time.monotonic() + 60
    while "Got it" not in screen_text(frames):
        message = await ws.receive(timeout=max(0.1, deadline - time.monotonic()))
        assert message.type == aiohttp.WSMsgType.BINARY, (message, served.stderr())
        frames.append(message.data)
    return ws, frames


# ------------------------------------------------------------------ who may connect


def test_guard_accepts_only_this_machines_names_and_its_own_origin() -> None:
    guard = Guard(token="right-token")
    assert guard.token_ok("right-token")
    assert not guard.token_ok(None)
    assert not guard.token_ok("")
    assert not guard.token_ok("right-tokeN")
    assert not guard.token_ok("right-token\u00e9")  # not ASCII: refused, not an exception
    for host in ("127.0.0.1:8000", "localhost:9000", "[::1]:8000", "127.0.0.1", "10.1.2.3:8000"):
        assert guard.host_ok(host), host
    for host in (None, "", "evil.example", "evil.example:8000", "localhost.evil.example", "[::1"):
        assert not guard.host_ok(host), host
    assert Guard(names=frozenset({"mybox"})).host_ok("mybox:8000")
    # ssh -L 9000:127.0.0.1:8000: the browser's Host and Origin both say 9000, and agree.
    assert Guard.origin_ok("http://127.0.0.1:9000", "127.0.0.1:9000", required=True)
    assert Guard.origin_ok(None, "127.0.0.1:9000", required=False)
    for origin in (None, "null", "https://evil.example", "http://127.0.0.1:9001", "file://", "http://localhost:9000"):
        assert not Guard.origin_ok(origin, "127.0.0.1:9000", required=True), origin


def test_loopback_hosts() -> None:
    assert all(map(is_loopback, ("127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]")))
    assert not any(map(is_loopback, ("0.0.0.0", "::", "10.0.0.1", "example.com")))


def test_the_app_command_is_an_argv_not_a_shell_line(tmp_path: Path) -> None:
    import argparse

    data = tmp_path / "my data; rm -rf ~ 'x'"
    argv = app_command(argparse.Namespace(lessons=[str(tmp_path / "more lessons")]), data)
    assert argv[:3] == [sys.executable, "-m", "tui"]
    assert argv[3:] == ["--data-dir", str(data), "--lessons", str(tmp_path / "more lessons")]


@needs_proc
async def test_without_the_token_or_from_a_foreign_origin_nothing_is_served(served: Served) -> None:
    base = served.origin
    async with aiohttp.ClientSession() as session:
        for path in ("/", "/?token=", "/?token=wrong", "/static/js/textual.js", "/static/css/xterm.css?token=x"):
            async with session.get(base + path) as response:
                assert response.status == 403, path
                assert "token" in await response.text()
                assert "<html" not in await response.text()
        async with session.get(served.url, headers={"Host": "evil.example:8000"}) as response:
            assert response.status == 403  # DNS rebinding: a page on evil.example resolved to 127.0.0.1
        refused = [
            (served.socket_url("wrong-token"), {"origin": served.origin}),
            (served.socket_url(), {}),  # no Origin at all
            (served.socket_url(), {"origin": "https://evil.example"}),
            (served.socket_url(), {"origin": "null"}),
            (served.socket_url(), {"origin": "http://evil.example:8000", "headers": {"Host": "evil.example:8000"}}),
        ]
        for url, options in refused:
            with pytest.raises(aiohttp.WSServerHandshakeError) as error:
                await session.ws_connect(url, **options)
            assert error.value.status == 403, (url, options)
        await asyncio.sleep(0.5)
        assert served.apps() == []
        assert "tab opened" not in served.stderr()
        # The same requests with the token and the page's own Origin are answered: the 403s above are the guard.
        async with session.get(served.url) as response:
            assert response.status == 200
            page = await response.text()
            assert "default-src 'none'" in response.headers["Content-Security-Policy"]
        async with session.get(f"{base}/static/js/textual.js?token={served.token}") as response:
            assert response.status == 200
    assert "fonts.googleapis" not in page
    assert "https://" not in page
    assert "ws://" not in page  # the page builds the websocket address from its own location


# ------------------------------------------------------------------ lifecycle


@needs_proc
async def test_sigterm_with_a_tab_open_stops_server_and_app_within_2_s(served: Served) -> None:
    async with aiohttp.ClientSession() as session:
        ws, _ = await open_tab(session, served)
        apps = served.apps()
        assert len(apps) == 1
        app_stat = Path(f"/proc/{apps[0]}/stat").read_text().rsplit(")", 1)[1].split()
        assert int(app_stat[1]) == served.process.pid
        assert int(app_stat[3]) == apps[0]
        began = time.monotonic()
        served.process.send_signal(signal.SIGTERM)
        code = await asyncio.get_running_loop().run_in_executor(None, served.process.wait, 10)
        took = time.monotonic() - began
        await ws.close()
    assert code == 0, served.stderr()
    assert took < 2.0, f"stopping took {took:.2f} s"
    assert wait_until(lambda: served.apps() == [], 0.5), "an app outlived its server"
    assert "exit code 0" in served.stderr()  # the app quit when asked, not killed


@needs_proc
async def test_no_app_outlives_a_killed_server(served: Served) -> None:
    async with aiohttp.ClientSession() as session:
        ws, _ = await open_tab(session, served)
        apps = served.apps()
        assert len(apps) == 1
        served.process.kill()
        served.process.wait()
        assert wait_until(lambda: served.apps() == [], 5), f"orphans: {served.apps()}"
        await ws.close()


async def test_closing_the_tab_ends_its_app(served: Served) -> None:
    async with aiohttp.ClientSession() as session:
        ws, _ = await open_tab(session, served)
        await ws.close()
        assert await asyncio.get_running_loop().run_in_executor(
            None, wait_until, lambda: "tab closed" in served.stderr(), 5
        ), served.stderr()
    if LINUX_PROC:
        assert served.apps() == []


@contextlib.asynccontextmanager
async def in_process(server):
    """``server`` (a :class:`TutorServer`) on a free loopback port inside the test's own event loop."""
    from aiohttp import web

    listener = server.listen_tcp("127.0.0.1", 0)
    runner = web.AppRunner(server.make_app())
    await runner.setup()
    await web.SockSite(runner, listener.sock).start()
    try:
        yield listener.url
    finally:
        await runner.cleanup()


async def test_a_failure_to_start_shows_in_the_browser(tmp_path: Path) -> None:
    """The app's error goes to the tab (and the server's terminal); the tab stays open to show it."""
    from tui.web_server import TutorServer

    failing = [sys.executable, "-c", "import sys; sys.exit('progress: cannot use the progress folder /x: Read-only')"]
    server = TutorServer(failing, cwd=tmp_path)
    async with in_process(server) as url, aiohttp.ClientSession() as session:
        origin = origin_of(url)
        ws = await session.ws_connect(f"{origin.replace('http', 'ws')}/ws/{server.guard.token}", origin=origin)
        shown = b""
        while b"Fix the cause" not in shown:
            message = await ws.receive(timeout=30)
            assert message.type == aiohttp.WSMsgType.BINARY, message
            shown += message.data
        text = shown.decode()
        assert "awstutor could not start" in text
        assert "(exit code 1)" in text
        assert "cannot use the progress folder /x: Read-only" in text
        with pytest.raises(asyncio.TimeoutError):
            await ws.receive(timeout=0.5)  # not closed: the "Session ended" box would hide the message
        await ws.close()


async def test_tabs_beyond_the_limit_get_a_message_and_no_app(tmp_path: Path, monkeypatch) -> None:
    from tui import web_server

    monkeypatch.setattr(web_server, "MAX_TABS", 2)
    waiting = [sys.executable, "-c", "import time; time.sleep(60)"]  # an app that never gets going
    server = web_server.TutorServer(waiting, cwd=tmp_path)
    async with in_process(server) as url, aiohttp.ClientSession() as session:
        origin = origin_of(url)
        address = f"{origin.replace('http', 'ws')}/ws/{server.guard.token}"
        tabs = [await session.ws_connect(address, origin=origin) for _ in range(2)]
        for _ in range(100):
            if len(server.tabs) == 2 and all(app.pid for app in server.tabs):
                break
            await asyncio.sleep(0.05)
        pids = {app.pid for app in server.tabs}
        extra = await session.ws_connect(address, origin=origin)
        message = await extra.receive(timeout=10)
        assert b"2 tabs are open already" in message.data
        assert {app.pid for app in server.tabs} == pids
        for ws in (*tabs, extra):
            await ws.close()


def test_unix_socket_is_private_and_removed_on_exit(tmp_path: Path) -> None:
    path = tmp_path / "tutor socket"
    server = start_server(tmp_path, "--socket", str(path))
    try:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_ISSOCK(path.stat().st_mode)
        assert "ssh -L 8000:" in server.stderr()
        for target, status in ((server.url, 200), (server.url.split("?")[0], 403)):
            with socket.socket(socket.AF_UNIX) as client:
                client.connect(str(path))
                client.sendall(f"GET {target.split('8000', 1)[1]} HTTP/1.0\r\nHost: 127.0.0.1:8000\r\n\r\n".encode())
                assert re.match(rf"HTTP/1\.\d {status} ".encode(), client.recv(64)), target
        taken = subprocess.run(
            [sys.executable, "-m", "tui", "--data-dir", str(tmp_path / "d"), "serve", "--socket", str(path)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=60,
        )
        assert taken.returncode == 1
        assert "in use" in taken.stderr
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(10) == 0
        assert not path.exists()
    finally:
        stop(server)


def test_bad_arguments_are_one_line(cli, tmp_path: Path) -> None:
    for args, words in (
        (("serve", "--port", "70000"), "a port is 0 to 65535"),
        (("serve", "--socket", str(tmp_path / "s"), "--port", "9000"), "--socket replaces --host and --port"),
    ):
        result = cli(*args)
        assert result.returncode == 2, result.stderr
        assert words in result.stderr
        assert result.stderr.count("\n") == 1, result.stderr
    (tmp_path / "file").write_text("not a socket")
    result = cli("serve", "--socket", str(tmp_path / "file"))
    assert result.returncode == 1
    assert "is not a socket" in result.stderr
    assert (tmp_path / "file").read_text() == "not a socket"


def test_port_in_use_is_one_line(cli) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = cli("serve", "--port", str(taken.getsockname()[1]))
    assert result.returncode == 1
    assert "try --port N" in result.stderr
    assert result.stderr.count("\n") == 1


def test_another_host_needs_the_flag_and_warns(tmp_path: Path) -> None:
    server = start_server(tmp_path, "--host", "0.0.0.0", "--port", "0")
    try:
        warnings = [line for line in server.stderr().splitlines() if "warning" in line]
        assert len(warnings) == 1
        assert "0.0.0.0" in warnings[0]
        assert "not 127.0.0.1" in warnings[0]
    finally:
        stop(server)
    default = start_server(tmp_path / "default")
    try:
        assert default.url.startswith("http://127.0.0.1:")
        assert "warning" not in default.stderr()
    finally:
        stop(default)


def test_the_server_imports_neither_textual_nor_rich(tmp_path: Path) -> None:
    code = (
        "import sys\nfrom pathlib import Path\nfrom tui.cli import build_parser\nfrom tui import web_server\n"
        "build_parser()\nweb_server.TutorServer(['x'], cwd=Path('.')).make_app()\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'rich', 'jinja2'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "[]", out.stderr


# ------------------------------------------------------------------ in a real browser


class Forwarder:
    """``ssh -L NEW:127.0.0.1:PORT`` in miniature: a local TCP port that relays to the server's."""

    def __init__(self, target: int) -> None:
        self.target = target
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.port = 0
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        self.ready.wait(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(asyncio.start_server(self._relay, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self.ready.set()
        self.loop.run_forever()

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target)
        except OSError:
            writer.close()
            return

        async def pump(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            except OSError:
                pass
            finally:
                sink.close()

        await asyncio.gather(pump(reader, up_writer), pump(up_reader, writer))

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


def chromium_or_skip() -> None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("the browser test needs playwright (pip install '.[test]')")
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium, so CI runs the browser test")
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install chromium to run the browser test")


@needs_proc
def test_in_a_browser_through_a_forwarded_port_n_and_g_reach_the_disk(served: Served) -> None:
    """Chromium opens the printed address through another port (as over ``ssh -L 9000:127.0.0.1:8000``),
    waits for the main screen in the websocket frames, presses n and g; the mark is on disk."""
    chromium_or_skip()
    from playwright.sync_api import sync_playwright

    forwarder = Forwarder(served.port)
    url = served.url.replace(f":{served.port}/", f":{forwarder.port}/")
    frames: list[bytes] = []
    requests: list[str] = []
    problems: list[str] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1200, "height": 800})
                page.on("request", lambda request: requests.append(request.url))
                page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
                page.on(
                    "websocket",
                    lambda ws: ws.on(
                        "framereceived", lambda f: frames.append(f if isinstance(f, bytes) else f.encode())
                    ),
                )
                began = time.monotonic()
                page.goto(url)
                while "Got it" not in screen_text(frames) and time.monotonic() - began < 60:
                    page.wait_for_timeout(50)
                loaded = time.monotonic() - began
                assert "Got it" in screen_text(frames), screen_text(frames)[-2000:] + served.stderr()
                print(f"page load to main screen: {loaded:.2f} s")
                assert "1 IAM and EC2" in screen_text(frames)
                page.wait_for_timeout(300)
                page.focus("textarea.xterm-helper-textarea")  # where xterm.js takes the keyboard
                page.keyboard.press("n")
                page.keyboard.press("g")

                def marked() -> dict[str, str]:
                    store = ProgressStore.open(served.data)
                    try:
                        return store.latest_marks()
                    finally:
                        store.close()

                deadline = time.monotonic() + 20
                while "got" not in marked().values() and time.monotonic() < deadline:
                    page.wait_for_timeout(100)
                assert list(marked().values()) == ["got"], served.stderr()
            finally:
                browser.close()
    finally:
        forwarder.close()
    origin = f"http://127.0.0.1:{forwarder.port}/"
    assert requests
    assert all(r.startswith(origin) or r.startswith("data:") for r in requests), requests
    assert not problems, problems  # no CSP violation, no 403 for a file the page needs
