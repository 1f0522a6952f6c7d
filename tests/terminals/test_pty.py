"""The README's promises about terminals, checked where the user sees them: the real
``awstutor`` in a pseudo-terminal (see conftest.py), its bytes and its screen.

Few and short on purpose: each test starts the app once (about 2 s).
"""

from __future__ import annotations

import sys

import pytest

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
