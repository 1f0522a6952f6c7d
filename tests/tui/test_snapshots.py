"""What a user sees first, as SVG snapshots (reviewed by eye before accepting).

Update with ``pytest tests/tui/test_snapshots.py --snapshot-update`` and look at
the report before committing the new SVGs.
"""

from __future__ import annotations

import pytest


def test_main_screen_80x24(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), terminal_size=(80, 24))


def test_main_screen_120x40(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), terminal_size=(120, 40), press=["n", "n", "n"])


def test_help_screen(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), terminal_size=(80, 24), press=["question_mark"])


def test_main_screen_no_color(snap_compare, make_app, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(make_app(), terminal_size=(80, 24), press=["t", "down", "down"])


def test_lesson_with_update_callout(snap_compare, make_app, store) -> None:
    store.save_position("lambda", "lambda/lambda-memory")
    store.set_setting("welcomed", True)
    assert snap_compare(make_app(), terminal_size=(80, 24))
