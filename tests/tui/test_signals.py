"""A killed or hung-up app gives the terminal back: the real command in a pseudo-terminal."""

from __future__ import annotations

import os
import pty
import select
import signal
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def read_for(fd: int, seconds: float, until: bytes | None = None) -> bytes:
    out = b""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
            if until is not None and until in out:
                break
    return out


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP"])
def test_a_signal_restores_the_terminal(name: str, private_dirs: Path) -> None:
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="80", LINES="24", PYTHONPATH=str(ROOT))
    pid, fd = pty.fork()
    if pid == 0:  # the child: the real command, in the pty
        os.execve(sys.executable, [sys.executable, "-m", "tui"], env)
    try:
        started = read_for(fd, 30, until=b"Quit")  # the footer is drawn: the app runs
        assert b"\x1b[?1049h" in started  # it switched to the alternate screen
        os.kill(pid, getattr(signal, name))
        after = read_for(fd, 10)
        _, status = os.waitpid(pid, 0)
    finally:
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 128 + getattr(signal, name)
    assert b"\x1b[?1049l" in after  # back from the alternate screen
    assert b"\x1b[?25h" in after  # the cursor shown again
    assert b"\x1b[?1000l" in after  # mouse tracking off
