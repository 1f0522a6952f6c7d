"""The course's caches on disk: the parsed course and the search index.

Both live in the user's private cache folder as ``marshal`` data, a format that
holds only plain values and never runs code (unlike ``pickle``). They are used
only from a folder that is the user's own and closed to others, written
atomically, and rebuilt on any doubt: a cache is never a reason to fail.

Plain ``os`` and ``marshal``: ``awstutor lookup`` reads the index through here.
"""

from __future__ import annotations

import marshal
import os
import stat
from typing import Any

MAX_CACHE_BYTES = 64 * 1024 * 1024  # far above the real size (~2 MB): anything bigger is not ours


def _private(st: os.stat_result) -> bool:
    """Owned by this user and writable by nobody else."""
    owner_ok = not hasattr(os, "getuid") or st.st_uid == os.getuid()
    return owner_ok and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def folder_ok(folder: str | os.PathLike[str]) -> bool:
    """Is ``folder`` a real folder (not a link) of this user that others cannot write to?"""
    try:
        st = os.lstat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and _private(st)


def read(folder: str | os.PathLike[str] | None, name: str) -> Any:
    """The value cached as ``name`` in ``folder``, or None (missing, foreign, damaged, too big)."""
    if folder is None or not folder_ok(folder):
        return None
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(os.path.join(folder, name), flags)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or not _private(st) or st.st_size > MAX_CACHE_BYTES:
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return marshal.loads(handle.read())
    except Exception:  # noqa: BLE001 - a damaged cache is rebuilt, whatever the damage
        return None
    finally:
        os.close(fd)


def write(folder: str | os.PathLike[str] | None, name: str, value: Any) -> bool:
    """Store ``value`` as ``name`` in ``folder`` (created 0700); False when that is not possible.

    Temp file in the same folder, then ``os.replace``: a reader sees the old cache or
    the new one, never half of one. A folder that is not the user's own is left alone.
    """
    if folder is None:
        return False
    try:
        payload = marshal.dumps(value)
        os.makedirs(folder, mode=0o700, exist_ok=True)
        if not folder_ok(folder):
            return False
        target = os.path.join(folder, name)
        temp = f"{target}.{os.getpid()}.tmp"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
            os.replace(temp, target)
        except BaseException:
            try:
                os.unlink(temp)
            except OSError:
                pass
            raise
        return True
    except (OSError, ValueError):
        return False
