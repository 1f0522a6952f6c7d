"""Shared fixtures: no test ever touches the real home folder."""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTES = ROOT.parent / "shared" / "seeds" / "000_a5ba8783813dd316.txt"


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every awstutor location at a fresh temporary folder."""
    for kind in ("data", "config", "cache"):
        folder = tmp_path / f"awstutor-{kind}"
        monkeypatch.setenv(f"AWSTUTOR_{kind.upper()}_DIR", str(folder))
    monkeypatch.delenv("NO_COLOR", raising=False)
    # The app's look depends on the colours the terminal has (tui.themes): tests get 24-bit
    # colour, whatever TERM the machine running them has (a test asks for fewer itself).
    monkeypatch.setenv("COLORTERM", "truecolor")
    return tmp_path


class FakeClock:
    """A clock the test moves by hand (aware UTC datetimes)."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock_at():
    """``clock_at(datetime)``: a :class:`FakeClock` starting then."""
    return FakeClock


@pytest.fixture
def clock(clock_at) -> FakeClock:
    return clock_at(datetime(2026, 11, 27, 19, 2, 11, tzinfo=UTC))


@pytest.fixture
def cli(private_dirs: Path):
    """Run ``python -m tui ARGS`` in a subprocess, as a user would (no TTY)."""
    import subprocess

    def run(*args: str, env: dict[str, str] | None = None, input: str | None = None, timeout: float = 60):
        full_env = dict(os.environ)
        full_env.pop("NO_COLOR", None)
        full_env.update(env or {})
        return subprocess.run(
            [sys.executable, "-m", "tui", *args],
            capture_output=True,
            text=True,
            env=full_env,
            cwd=ROOT,
            input=input,
            timeout=timeout,
        )

    return run


@pytest.fixture
def notes_text() -> str:
    """The original study notes; tests that need them skip on a user's clone."""
    if not NOTES.is_file():
        pytest.skip(f"the original notes are not at {NOTES} (only in the course authors' workspace)")
    return NOTES.read_text(encoding="utf-8")
