"""Fixtures for app tests: the real course, a store in tmp_path, a fake clock.

Every app is built by ``tui.app.create_app``, the same factory the command uses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lessons.loader import load_course
from lessons.model import Course
from progress.store import ProgressStore


@pytest.fixture(scope="session")
def course() -> Course:
    result = load_course()
    assert not result.problems, [str(p) for p in result.problems]
    return result.course


@pytest.fixture
def clock(clock_at):
    """Morning UTC: the dashboard and review dates in snapshots depend on it."""
    return clock_at(datetime(2026, 11, 27, 9, 0, 0, tzinfo=UTC))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "awstutor-data"


@pytest.fixture
def open_store(data_dir: Path, clock) -> Iterator[Callable[..., ProgressStore]]:
    opened: list[ProgressStore] = []

    def opener(**kwargs) -> ProgressStore:
        kwargs.setdefault("clock", clock)
        kwargs.setdefault("tz", UTC)
        store = ProgressStore.open(data_dir, **kwargs)
        opened.append(store)
        return store

    yield opener
    for store in opened:
        store.close()


@pytest.fixture
def store(open_store) -> ProgressStore:
    return open_store()


@pytest.fixture
def make_app(course: Course, store: ProgressStore, clock):
    """``make_app(**kwargs)``: the app as the command builds it, on the test's store and clock."""
    from tui.app import create_app

    def maker(**kwargs):
        kwargs.setdefault("clock", clock)
        return create_app(kwargs.pop("course", course), kwargs.pop("store", store), **kwargs)

    return maker


async def settle(pilot, predicate, timeout: float = 10.0) -> None:
    """Pause until ``predicate()`` holds (screens mount in the background on a busy CI box)."""
    import asyncio
    import time

    deadline = time.monotonic() + timeout
    while True:
        await pilot.pause()
        try:
            if predicate():
                return
        except Exception:  # noqa: BLE001 - not mounted yet
            pass
        if time.monotonic() > deadline:
            raise AssertionError("the app did not reach the expected state in time")
        await asyncio.sleep(0.02)


@pytest.fixture
def until():
    return settle
