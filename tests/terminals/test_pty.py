"""The README's promises about terminals, checked where the user sees them: the real
``awstutor`` in a pseudo-terminal (see conftest.py), its bytes and its screen.

Few and short on purpose: each test starts the app once (about 2 s).
"""

from __future__ import annotations

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
    assert colour_codes(written) == [] and b"\x1b" not in written
    assert b"Bye. Your progress is saved." in written
