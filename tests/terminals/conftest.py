"""A pseudo-terminal harness: the real ``awstutor`` command in a pty, as a user's terminal sees it.

:class:`PtyTerminal` starts the command with a given ``TERM``, locale, ``NO_COLOR`` and
size in a temporary data folder, sends keys, and keeps every byte the app writes
(with the time it arrived) and a rendered screen (pyte, a VT100 emulator), so a
test can assert on both: "no byte above 0x7f", "no colour SGR", "nothing written
for 3 s", "the screen shows ...".

``bench/terminals.py`` loads this file too, to record longer sessions.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Keys as a terminal sends them.
KEYS = {
    "enter": b"\r",
    "escape": b"\x1b",
    "tab": b"\t",
    "backspace": b"\x7f",
    "up": b"\x1b[A",
    "down": b"\x1b[B",
    "right": b"\x1b[C",
    "left": b"\x1b[D",
    "home": b"\x1b[H",
    "end": b"\x1b[F",
    "ctrl+p": b"\x10",
    "ctrl+q": b"\x11",
    "ctrl+t": b"\x14",
    "ctrl+d": b"\x04",
}

# Control sequences a test asks about.
SGR = re.compile(rb"\x1b\[([0-9;:]*)m")
CURSOR_ADDRESSING = re.compile(rb"\x1b\[[0-9;]*[HfABCDGd]|\x1b7|\x1b8")
ALTERNATE_SCREEN = re.compile(rb"\x1b\[\?(1049|1047|47)h")


def colour_codes(data: bytes) -> list[str]:
    """The colour parameters of every SGR in ``data`` (30-49, 90-107, 38;5;n / 48;2;r;g;b...)."""
    found: list[str] = []
    for match in SGR.finditer(data):
        params = [p for p in re.split(rb"[;:]", match.group(1)) if p] or [b"0"]
        i = 0
        while i < len(params):
            n = int(params[i])
            if n in (38, 48, 58):
                width = 3 if i + 1 < len(params) and params[i + 1] == b"5" else 5
                found.append(";".join(p.decode() for p in params[i : i + width]))
                i += width
                continue
            if 30 <= n <= 37 or n == 39 or 40 <= n <= 47 or n == 49 or 90 <= n <= 97 or 100 <= n <= 107:
                found.append(str(n))
            i += 1
    return found


def command() -> list[str]:
    """The installed ``awstutor`` script beside this Python, else ``python -m tui``."""
    script = Path(sys.executable).with_name("awstutor")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "tui"]


class PtyTerminal:
    """``awstutor ARGS`` in a pseudo-terminal of ``size`` columns x rows."""

    def __init__(
        self,
        args: list[str],
        *,
        env: Mapping[str, str],
        size: tuple[int, int] = (80, 24),
        stdin_tty: bool = True,
    ) -> None:
        import pyte

        self.columns, self.rows = size
        self.screen = pyte.Screen(self.columns, self.rows)
        self.stream = pyte.ByteStream(self.screen)
        self.chunks: list[tuple[float, bytes]] = []
        self._lock = threading.Lock()
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", self.rows, self.columns, 0, 0))
        self.master = master
        self.process = subprocess.Popen(
            [*command(), *args],
            stdin=slave if stdin_tty else subprocess.PIPE,
            stdout=slave,
            stderr=slave,
            env=dict(env),
            cwd=ROOT,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    # ------------------------------------------------------------------ output

    def _read(self) -> None:
        while True:
            try:
                ready, _, _ = select.select([self.master], [], [], 0.2)
                if not ready:
                    if self.process.poll() is not None:
                        # Drain what is left, then stop.
                        ready, _, _ = select.select([self.master], [], [], 0.05)
                        if not ready:
                            return
                    continue
                data = os.read(self.master, 65536)
            except OSError:  # EIO: the child closed the terminal
                return
            if not data:
                return
            with self._lock:
                self.chunks.append((time.monotonic(), data))
                self.stream.feed(data)

    @property
    def output(self) -> bytes:
        with self._lock:
            return b"".join(data for _, data in self.chunks)

    def mark(self) -> int:
        """A position in the output, for :meth:`since`."""
        with self._lock:
            return len(self.chunks)

    def since(self, mark: int) -> bytes:
        with self._lock:
            return b"".join(data for _, data in self.chunks[mark:])

    def display(self) -> str:
        with self._lock:
            return "\n".join(self.screen.display)

    def wait_for(self, predicate: str | Callable[[str], bool], timeout: float = 15.0) -> str:
        """Wait until the screen shows ``predicate`` (a text, or a test of the whole screen)."""
        test = (lambda shown: predicate in shown) if isinstance(predicate, str) else predicate
        deadline = time.monotonic() + timeout
        while True:
            shown = self.display()
            if test(shown):
                return shown
            if time.monotonic() > deadline:
                raise AssertionError(f"the screen never showed {predicate!r}; it shows:\n{shown}")
            if self.process.poll() is not None and not self._reader.is_alive():
                raise AssertionError(
                    f"awstutor exited ({self.process.returncode}) before showing {predicate!r}:\n{shown}"
                )
            time.sleep(0.05)

    def wait_quiet(self, quiet: float = 0.5, timeout: float = 15.0, *, strict: bool = True) -> None:
        """Wait until nothing has been written for ``quiet`` seconds (a redraw is complete);
        after ``timeout``, fail (``strict``) or just go on."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                last = self.chunks[-1][0] if self.chunks else 0.0
            if time.monotonic() - last >= quiet:
                return
            time.sleep(0.05)
        if strict:
            raise AssertionError("the app never stopped writing")

    def idle_bytes(self, seconds: float) -> bytes:
        """Everything written during ``seconds`` with no key pressed."""
        start = self.mark()
        time.sleep(seconds)
        return self.since(start)

    def resize(self, columns: int, rows: int) -> None:
        """The window resized, as a terminal does it: new size, then SIGWINCH."""
        import signal

        with self._lock:
            self.columns, self.rows = columns, rows
            self.screen.resize(rows, columns)
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        os.killpg(self.process.pid, signal.SIGWINCH)

    # ------------------------------------------------------------------ input

    def press(self, *keys: str, pause: float = 0.15) -> None:
        """Keys by name (``enter``, ``down``, ``ctrl+p``) or as text to type."""
        for key in keys:
            data = KEYS.get(key, key.encode())
            if self.process.stdin is not None:
                self.process.stdin.write(data)
                self.process.stdin.flush()
            else:
                os.write(self.master, data)
            # A key right after a lone Escape would read as alt+key (an escape sequence).
            time.sleep(max(pause, 0.35) if data == b"\x1b" else pause)

    def type_line(self, text: str) -> None:
        """Line mode: one line of input (Enter included)."""
        self.press(text, "enter")

    # ------------------------------------------------------------------ the end

    def close(self, timeout: float = 10.0) -> int:
        if self.process.poll() is None:
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self._reader.join(timeout=2)
        try:
            os.close(self.master)
        except OSError:
            pass
        return self.process.returncode

    def quit(self) -> int:
        """ctrl+q, as a user quits the app."""
        self.press("ctrl+q")
        return self.close()


def terminal_env(tmp: Path, *, term: str = "xterm-256color", lang: str = "C.UTF-8", **extra: str) -> dict[str, str]:
    """A clean environment: only what a login shell on a remote box would have, plus a private data folder."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp),
        "TERM": term,
        "LANG": lang,
        "AWSTUTOR_DATA_DIR": str(tmp / "data"),
        "AWSTUTOR_CONFIG_DIR": str(tmp / "config"),
        "AWSTUTOR_CACHE_DIR": str(tmp / "cache"),
    }
    env.update(extra)
    return env


def welcome(data_dir: Path) -> None:
    """A data folder whose learner has seen the welcome already."""
    from progress.store import ProgressStore

    store = ProgressStore.open(data_dir)
    try:
        store.set_setting("welcomed", True)
    finally:
        store.close()


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Callable[..., PtyTerminal]]:
    """``terminal(*args, term=..., lang=..., size=(80, 24), NO_COLOR="1")``: awstutor in a pty
    (``welcomed=False``: a learner who has not seen the welcome yet). Every process it
    starts is ended after the test."""
    started: list[PtyTerminal] = []

    def start(
        *args: str,
        term: str = "xterm-256color",
        lang: str = "C.UTF-8",
        size: tuple[int, int] = (80, 24),
        stdin_tty: bool = True,
        welcomed: bool = True,
        **extra: str,
    ) -> PtyTerminal:
        env = terminal_env(tmp_path, term=term, lang=lang, **extra)
        if welcomed:  # no welcome toast (it would go away in the middle of an idle measure)
            welcome(Path(env["AWSTUTOR_DATA_DIR"]))
        session = PtyTerminal(list(args), env=env, size=size, stdin_tty=stdin_tty)
        started.append(session)
        return session

    yield start
    for session in started:
        if session.process.poll() is None:
            session.process.kill()
        session.close(timeout=5)
