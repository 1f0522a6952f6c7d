"""Where awstutor keeps things: the one module that knows the paths.

Each location is the platform's user folder (platformdirs), unless overridden by
a command-line flag or an environment variable:

=========  ==========================  ================================
what       environment variable        holds
=========  ==========================  ================================
data       ``AWSTUTOR_DATA_DIR``       progress (answers, marks, cards)
config     ``AWSTUTOR_CONFIG_DIR``     ``lessons/`` with extra course files
cache      ``AWSTUTOR_CACHE_DIR``      the search index (rebuilt at will)
=========  ==========================  ================================

Folders are created lazily (by whoever writes), with mode 0700 (remote boxes are
shared); a folder that exists keeps its mode (see :func:`ensure_private_dir`).

This module is on the path of every command, ``awstutor lookup`` included, so it
stays cheap: on Linux the XDG base directories are read directly (exactly what
platformdirs answers there, checked by a test); elsewhere platformdirs decides.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP = "awstutor"
_XDG = {
    "data": ("XDG_DATA_HOME", ".local/share"),
    "config": ("XDG_CONFIG_HOME", ".config"),
    "cache": ("XDG_CACHE_HOME", ".cache"),
}


def _platform(kind: str) -> Path:
    if sys.platform.startswith("linux"):
        variable, default = _XDG[kind]
        base = os.environ.get(variable, "").strip() or os.path.expanduser(f"~/{default}")
        return Path(base) / APP
    import platformdirs  # macOS, Windows, BSDs: ~10 ms, only when no override is set

    getter = {
        "data": platformdirs.user_data_dir,
        "config": platformdirs.user_config_dir,
        "cache": platformdirs.user_cache_dir,
    }[kind]
    return Path(getter(APP, appauthor=False))


def _resolve(kind: str, override: str | os.PathLike | None) -> Path:
    if override:
        return Path(override).expanduser()
    env = os.environ.get(f"AWSTUTOR_{kind.upper()}_DIR")
    if env:
        return Path(env).expanduser()
    return _platform(kind)


class Locations:
    """The three folders in use (a plain class: dataclasses costs ~10 ms to import)."""

    __slots__ = ("data", "config", "cache")

    def __init__(self, data: Path, config: Path, cache: Path) -> None:
        self.data = data
        self.config = config
        self.cache = cache

    def __repr__(self) -> str:
        return f"Locations(data={self.data!r}, config={self.config!r}, cache={self.cache!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Locations) and (self.data, self.config, self.cache) == (
            other.data,
            other.config,
            other.cache,
        )

    @classmethod
    def resolve(cls, data_dir: str | os.PathLike | None = None) -> Locations:
        return cls(
            data=_resolve("data", data_dir),
            config=_resolve("config", None),
            cache=_resolve("cache", None),
        )

    @property
    def lessons(self) -> Path:
        """The user's own course folder (loaded after the built-in course)."""
        return self.config / "lessons"


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) if needed, the leaf with mode 0700.

    A folder that exists keeps its mode: it may be shared on purpose (never
    ``chmod`` what awstutor did not create). Raises ``OSError`` when ``path``
    cannot be created, or is a link or a file.
    """
    from progress.errors import BadFile
    from progress.files import make_folder

    try:
        make_folder(path, parents=True)
    except BadFile as bad:
        raise NotADirectoryError(f"{path} {bad.detail}") from None
    return path
