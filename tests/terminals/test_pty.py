"""The README's promises about terminals, checked where the user sees them: the real
``awstutor`` in a pseudo-terminal (see conftest.py), its bytes and its screen.

Few and short on purpose: each test starts the app once (about 2 s).
"""

from __future__ import annotations

import re
import sys

import pytest

from .conftest import ALTERNATE_SCREEN, CURSOR_ADDRESSING, colour_codes

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")

IDLE = 3.0  # seconds of nobody typing


def test_silent_when_idle_on_the_main_screen_and_with_the_palette_open(terminal) -> None:
    app = terminal(term="screen", lang="C.UTF-8")
    app.wait_for("Region")
    app.wait_quiet(1.0)
    assert app.idle_bytes(IDLE) == b""
    app.press("ctrl+p")
    app.wait_for("Search for commands")
    app.wait_quiet(1.0)
    assert app.idle_bytes(IDLE) == b""  # no blinking cursor
    assert app.quit() == 0


def test_term_dumb_gets_the_line_mode_and_a_quiz_taken_by_typing(terminal) -> None:
    app = terminal(term="dumb", lang="C.UTF-8")
    app.wait_for("[1 IAM and EC2 | 1 of 19] >")
    app.type_line("q")
    app.wait_for("Question 1 of 10")
    for n in range(1, 11):
        app.wait_for(lambda screen: screen.rstrip().endswith("answer>"))
        app.type_line("1")
        if n < 10:
            app.wait_for(f"Question {n + 1} of 10")
    app.wait_for("Back in the lessons")
    assert b"Topic quiz: results. Score:" in app.output
    app.press("ctrl+d")
    assert app.close() == 0
    written = app.output
    assert CURSOR_ADDRESSING.findall(written) == []
    assert ALTERNATE_SCREEN.findall(written) == []
    assert colour_codes(written) == []
    assert b"\x1b" not in written
    assert b"Bye. Your progress is saved." in written


def walk(app) -> list[str]:
    """Tree, palette, search, calculator and two quiz questions, waiting for each to show;
    returns the screens seen on the way."""
    seen: list[str] = []
    app.wait_for("Region")
    app.press("t")
    app.wait_for("2 ELB and Auto Scaling")
    app.press("down", "down", "enter")
    app.wait_for("entry 3 of 19")
    app.press("ctrl+p")
    app.wait_for("Search for commands")
    app.press(*"visibility", pause=0.03)
    seen.append(app.wait_for("SQS Visibility Timeout"))
    app.press("escape")
    app.press("/")
    app.wait_for("typos are fine")
    app.press(*"dynamodb rcu", pause=0.03)
    app.wait_for("result")
    app.press("enter")
    app.wait_for("18 DynamoDB")
    app.press("=")
    app.wait_for("Calculator")
    app.press(*"ceil(12 KB / 4 KB) * 16", pause=0.03)
    seen.append(app.wait_for("= 48"))
    app.press("escape")
    app.press("q")
    app.wait_for("Topic quiz | question 1 of")
    for n in (1, 2):
        app.press("1", "enter")  # choice 1, or "1" typed into the answer box
        app.wait_for(lambda screen, n=n: re.search(rf"score \d+/{n}\b", screen.splitlines()[0]) is not None)
        app.press("enter")
        app.wait_for(f"question {n + 1} of")
    app.press("escape", "l")  # out of an answer box (if any), back to the lessons
    app.wait_for("18 DynamoDB")
    app.wait_quiet(0.5)
    return seen


def test_ascii_only_on_a_c_locale_and_no_colour_under_no_color(terminal) -> None:
    """One session for both promises (each is a filter of its own, independent of the other):
    LANG=C gets no byte above 0x7f, NO_COLOR no colour code, through every kind of screen."""
    app = terminal(term="screen", lang="C", NO_COLOR="1")
    palette, calculator = walk(app)
    assert app.quit() == 0
    written = app.output
    high = sorted({b for b in written if b > 0x7F})
    assert high == [], f"{sum(b > 0x7F for b in written)} bytes above 0x7f: {bytes(high)!r}"
    assert "+-----" in palette
    assert "+=====" in calculator
    assert colour_codes(written) == []
    assert b"\x1b[1;7m" in written  # reverse video shows the cursors and the status line
