"""Fixtures for the progress store tests: private folders, a fake clock, stores that get closed."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from progress.store import ProgressStore

ROOT = Path(__file__).resolve().parents[2]
WRITER = Path(__file__).resolve().parent / "writer.py"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "awstutor-data"


@pytest.fixture
def open_store(data_dir: Path) -> Iterator[Callable[..., ProgressStore]]:
    """``open_store(**kwargs)`` opens a ProgressStore on ``data_dir`` (or ``path=``); all are closed after."""
    opened: list[ProgressStore] = []

    def opener(path: Path | None = None, **kwargs: Any) -> ProgressStore:
        store = ProgressStore.open(path or data_dir, **kwargs)
        opened.append(store)
        return store

    yield opener
    for store in opened:
        store.close()


@pytest.fixture
def spawn_writer() -> Iterator[Callable[..., subprocess.Popen]]:
    """``spawn_writer(*args)`` starts ``writer.py ARGS`` (see there); every child is ended after the test."""
    children: list[subprocess.Popen] = []
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")

    def spawn(*args: object) -> subprocess.Popen:
        child = subprocess.Popen(
            [sys.executable, str(WRITER), *map(str, args)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        children.append(child)
        return child

    yield spawn
    for child in children:
        if child.poll() is None:
            child.kill()
        child.wait()
        for stream in (child.stdout, child.stderr):
            if stream is not None:
                stream.close()
