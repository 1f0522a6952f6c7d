"""Shared fixtures: no test ever touches the real home folder."""

from __future__ import annotations

import os
import sys
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
    return tmp_path


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
