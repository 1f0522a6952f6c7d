"""What the app writes to a terminal: non-ASCII bytes, colour codes, idle traffic, line mode.

Runs the real ``awstutor`` in a pseudo-terminal (the harness of ``tests/terminals``)
through the topic tree, the command palette, search, the calculator and a topic
quiz, under ``LANG=C TERM=screen`` and under ``NO_COLOR=1``, then in line mode
under ``TERM=dumb`` (an entry, a search and a topic quiz typed in), and prints for
each the bytes written, the bytes above 0x7f, the colour SGR codes, the
cursor-addressing and alternate-screen sequences; then the bytes written over
10 s idle on the main screen and with the palette open.

    .venv/bin/python bench/terminals.py [--idle SECONDS]

Takes about a minute.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
spec = importlib.util.spec_from_file_location("pty_harness", HERE.parent / "tests" / "terminals" / "conftest.py")
assert spec is not None
assert spec.loader is not None
harness = importlib.util.module_from_spec(spec)
sys.modules["pty_harness"] = harness
spec.loader.exec_module(harness)


def session(term: str, lang: str, **extra: str) -> bytes:
    """A short session through tree, palette, search, calculator and a quiz; every byte written."""
    with tempfile.TemporaryDirectory() as tmp:
        env = harness.terminal_env(Path(tmp), term=term, lang=lang, **extra)
        t = harness.PtyTerminal([], env=env, size=(80, 24))
        try:
            t.wait_for("Region")
            t.wait_quiet(timeout=3, strict=False)
            t.press("t", "down", "down", "enter")  # the tree: topic 1 expanded
            t.press("down", "down", "enter")  # an entry opened
            t.wait_quiet(timeout=3, strict=False)
            t.press("ctrl+p")  # the palette
            t.press(*"visibility", pause=0.05)
            t.wait_quiet(1.0, timeout=3, strict=False)
            t.press("escape")
            t.press("/")  # search
            t.press(*"dynamodb rcu", pause=0.05)
            t.wait_quiet(1.0, timeout=3, strict=False)
            t.press("enter")
            t.wait_quiet(timeout=3, strict=False)
            t.press("=")  # the calculator
            t.press(*"ceil(12 KB / 4 KB) * 16", pause=0.05)
            t.press("enter")
            t.wait_quiet(timeout=3, strict=False)
            t.press("escape")
            t.press("q")  # a topic quiz: two questions
            t.wait_quiet(1.0, timeout=3, strict=False)
            for _ in range(2):
                t.press("1", "enter")
                t.wait_quiet(timeout=3, strict=False)
                t.press("escape", "enter")
                t.wait_quiet(timeout=3, strict=False)
            t.press("l")
            t.wait_quiet(timeout=3, strict=False)
            t.quit()
        finally:
            t.close(timeout=5)
        return t.output


def line_mode() -> bytes:
    """TERM=dumb: the line mode, reading an entry, searching, and a topic quiz typed in."""
    with tempfile.TemporaryDirectory() as tmp:
        env = harness.terminal_env(Path(tmp), term="dumb", lang="C.UTF-8")
        t = harness.PtyTerminal([], env=env, size=(80, 24))
        try:
            t.wait_for("] >")
            for line in ("n", "t", "18", "/visibility timeout", "1", "q"):
                t.type_line(line)
                t.wait_quiet(0.3, timeout=5, strict=False)
            for _ in range(10):
                t.type_line("1")
                t.wait_quiet(0.3, timeout=5, strict=False)
            t.press("ctrl+d")
        finally:
            t.close(timeout=5)
        return t.output


def idle(seconds: float, palette: bool) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        env = harness.terminal_env(Path(tmp), term="xterm-256color", lang="C.UTF-8")
        harness.welcome(Path(env["AWSTUTOR_DATA_DIR"]))  # no welcome toast going away mid-measure
        t = harness.PtyTerminal([], env=env, size=(80, 24))
        try:
            t.wait_for("Region")
            t.wait_quiet(timeout=3, strict=False)
            if palette:
                t.press("ctrl+p")
                t.wait_quiet(1.0, timeout=3, strict=False)
            written = len(t.idle_bytes(seconds))
            t.quit()
        finally:
            t.close(timeout=5)
        return written


def describe(name: str, data: bytes) -> None:
    high = sum(1 for b in data if b > 0x7F)
    colours = harness.colour_codes(data)
    addressing = len(harness.CURSOR_ADDRESSING.findall(data))
    alternate = len(harness.ALTERNATE_SCREEN.findall(data))
    print(
        f"{name:<24} {len(data):>8} bytes  {high:>6} above 0x7f  {len(colours):>6} colour SGR codes  "
        f"{addressing:>5} cursor moves  {alternate} alternate screen"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of idle to measure (default 10)")
    args = parser.parse_args()
    describe("LANG=C TERM=screen", session("screen", "C"))
    describe("NO_COLOR=1 TERM=screen", session("screen", "C.UTF-8", NO_COLOR="1"))
    describe("TERM=dumb (line mode)", line_mode())
    print(f"idle {args.idle:g} s, main screen: {idle(args.idle, palette=False)} bytes")
    print(f"idle {args.idle:g} s, palette open: {idle(args.idle, palette=True)} bytes")


if __name__ == "__main__":
    main()
