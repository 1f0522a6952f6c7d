"""Atomic, cached JSON storage for TinyDB, and the file moves around it.

TinyDB's own ``JSONStorage`` rewrites its file in place: a crash half way leaves
a broken file, and every read parses the whole file again. This storage:

* writes atomically: a temp file in the same folder, write, flush, fsync,
  ``os.replace``, then fsync the folder (where the platform allows), so a kill at
  any moment leaves the old file or the new one, never a broken one; every write
  is on disk when :meth:`AtomicJSONStorage.write` returns;
* caches what it read or wrote, keyed by the file's stat signature
  (inode, mtime_ns, size): a read costs one ``stat`` unless another process
  replaced the file, in which case it is read again. On POSIX the storage keeps
  the last file it read or wrote open, so that inode cannot be freed and reused
  by a later replacement: a replaced file always shows a new inode;
* validates what it reads through a callback, and hands a bad file (not JSON,
  wrong shape, newer schema) to another callback instead of raising.

Nothing here knows what progress is: :mod:`progress.schema` says what a good
file looks like, :mod:`progress.store` decides what to do with a bad one.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

Signature = tuple[int, int, int]  # (st_ino, st_mtime_ns, st_size)
_POSIX = os.name == "posix"
_TEMP = re.compile(r"^\..+\.[0-9a-f]{16}\.tmp$")


class ProgressError(Exception):
    """What the progress layer cannot recover from, as one line for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadFile(Exception):
    """A data file that cannot be used as it is.

    ``reason`` goes into the name the file is moved aside under
    (``truncated``, ``corrupt``, ``wrong-shape``, ``newer-schema-v9``);
    ``detail`` is the human half of the notice (``was not valid JSON``).
    """

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def signature(st: os.stat_result) -> Signature:
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def stat_signature(path: Path) -> Signature | None:
    try:
        return signature(os.stat(path))
    except FileNotFoundError:
        return None


def _oserror_text(error: OSError) -> str:
    return error.strerror or str(error)


# ---------------------------------------------------------------- atomic writes


def fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX only; elsewhere a no-op)."""
    if not _POSIX:
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:  # some filesystems refuse fsync on a folder: nothing more to do
        pass
    finally:
        os.close(fd)


def temp_name(path: Path) -> Path:
    """A temp file beside ``path``, with a name :func:`remove_stale_temp_files` knows."""
    return path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")


def atomic_write_bytes(path: Path, data: bytes, *, keep_open: bool = False) -> tuple[Signature, int | None]:
    """Replace ``path`` with ``data`` atomically and durably; the file is 0600.

    Returns the new file's signature and, with ``keep_open``, a read-only
    descriptor on it (the caller closes it) that pins its inode.
    """
    temp = temp_name(path)
    fd = os.open(temp, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
        sig = signature(os.fstat(fd))
        if not keep_open or not _POSIX:
            os.close(fd)
            fd = -1
        os.replace(temp, path)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
    fsync_folder(path.parent)
    return sig, (fd if fd >= 0 else None)


def atomic_write_json(path: Path, data: Any) -> Signature:
    sig, _ = atomic_write_bytes(path, dumps(data))
    return sig


def dumps(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def remove_stale_temp_files(folder: Path) -> list[Path]:
    """Delete temp files left by a killed writer. Call only while holding the store lock."""
    removed = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        if _TEMP.match(name):
            try:
                os.unlink(folder / name)
                removed.append(folder / name)
            except OSError:
                pass
    return removed


# ---------------------------------------------------------------- reading


def parse_json_bytes(raw: bytes) -> Any:
    """Parse a data file's bytes, or raise :class:`BadFile` saying what is wrong."""
    if not raw.strip():
        raise BadFile("truncated", "was empty")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadFile("corrupt", "was not valid JSON (not UTF-8 text)") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        if error.pos >= len(text.rstrip()) or error.msg.startswith("Unterminated string"):
            raise BadFile("truncated", "was cut short (not valid JSON)") from None
        raise BadFile("corrupt", "was not valid JSON") from None
    except RecursionError:
        raise BadFile("corrupt", "was not valid JSON (nested too deeply)") from None


def read_json_file(path: Path) -> tuple[Any, Signature, int] | None:
    """``(data, signature, fd)`` of ``path``, or None when it does not exist.

    The descriptor is still open (the caller keeps or closes it), so the data and
    the signature are of the same file even if it is replaced meanwhile.
    Raises :class:`BadFile` for a file that is not JSON.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        return None
    try:
        sig = signature(os.fstat(fd))
        chunks = []
        while True:
            chunk = os.read(fd, max(sig[2] + 1, 65536))
            if not chunk:
                break
            chunks.append(chunk)
        return parse_json_bytes(b"".join(chunks)), sig, fd
    except BaseException:
        os.close(fd)
        raise


# ---------------------------------------------------------------- moving bad files aside


def aside_name(path: Path, reason: str, stamp: str) -> Path:
    """``progress.json`` -> ``progress.corrupt-20261127T190211Z.json`` (or ``...Z-2.json``)."""
    base = path.name[: -len(path.suffix)] if path.suffix else path.name
    suffix = path.suffix or ".json"
    candidate = path.with_name(f"{base}.{reason}-{stamp}{suffix}")
    counter = 2
    while os.path.lexists(candidate):
        candidate = path.with_name(f"{base}.{reason}-{stamp}-{counter}{suffix}")
        counter += 1
    return candidate


def move_aside(path: Path, reason: str, stamp: str) -> Path:
    """Move ``path`` to a name that says why, never overwriting anything."""
    while True:
        target = aside_name(path, reason, stamp)
        try:
            os.link(path, target)  # fails if target exists: nothing is ever overwritten
        except FileExistsError:
            continue
        except OSError:
            # No hard links here (some network or FAT file systems): rename, after the check above.
            os.rename(path, target)
            break
        os.unlink(path)
        break
    try:
        os.chmod(target, 0o600)
    except OSError:
        pass
    fsync_folder(path.parent)
    return target


# ---------------------------------------------------------------- the TinyDB storage

Validator = Callable[[Any], None]  # raises BadFile
OnBad = Callable[[Path, BadFile, Signature], None]  # moves the file aside (or leaves it if it changed)


class AtomicJSONStorage(Storage):
    """A TinyDB storage: atomic durable writes, stat-checked cache, validation.

    ``stamp`` (a table name and a document) is added to every write that lacks
    it: each file says which schema and kind it holds. ``validate`` checks data
    read from disk; a file it rejects (or that is not JSON) goes to ``on_bad``
    and then reads as empty. ``pin`` keeps the last file open (POSIX) so that
    change detection by inode is exact.
    """

    def __init__(
        self,
        path: str | os.PathLike,
        *,
        stamp: tuple[str, Mapping[str, Any]] | None = None,
        validate: Validator | None = None,
        on_bad: OnBad | None = None,
        pin: bool = True,
    ) -> None:
        super().__init__()
        self.path = Path(path)
        self._stamp = stamp
        self._validate = validate
        self._on_bad = on_bad
        self._pin = pin and _POSIX
        self._data: dict | None = None
        self._sig: Signature | None = None
        self._fd: int | None = None
        self.generation = 0  # bumped whenever the cached data is replaced

    # -- Storage API

    def read(self) -> dict[str, dict[str, Any]] | None:
        sig = stat_signature(self.path)
        if sig is not None and sig == self._sig:
            return dict(self._data) if self._data is not None else None
        return self._load()

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        if self._stamp is not None and not data.get(self._stamp[0]):
            data = dict(data)
            data[self._stamp[0]] = {"1": dict(self._stamp[1])}
        try:
            sig, fd = atomic_write_bytes(self.path, dumps(data), keep_open=self._pin)
        except OSError as error:
            self.invalidate()
            raise ProgressError(f"could not save progress to {self.path}: {_oserror_text(error)}") from error
        self._set(data, sig, fd)

    def close(self) -> None:
        self._set(None, None, None)

    # -- extras

    def invalidate(self) -> None:
        """Forget the cache: the next read goes to disk."""
        self._set(None, None, None)

    @property
    def signature(self) -> Signature | None:
        return self._sig

    def __del__(self) -> None:  # pragma: no cover - best effort at interpreter exit
        try:
            if self._fd is not None:
                os.close(self._fd)
        except Exception:
            pass

    def _set(self, data: dict | None, sig: Signature | None, fd: int | None) -> None:
        if self._fd is not None and self._fd != fd:
            try:
                os.close(self._fd)
            except OSError:
                pass
        self._fd = fd if self._pin else None
        if fd is not None and not self._pin:
            os.close(fd)
        self._data, self._sig = data, sig
        self.generation += 1

    def _load(self) -> dict | None:
        for _ in range(3):
            try:
                found = read_json_file(self.path)
            except BadFile as bad:
                self._bad(bad)
                continue
            except OSError as error:
                raise ProgressError(f"cannot read {self.path}: {_oserror_text(error)}") from error
            if found is None:
                self._set(None, None, None)
                return None
            data, sig, fd = found
            try:
                if self._validate is not None:
                    self._validate(data)
            except BadFile as bad:
                os.close(fd)
                self._bad(bad, sig)
                continue
            self._set(data, sig, fd)
            return dict(data)
        # A file that keeps going bad under us: treat it as empty this time.
        self._set(None, None, None)
        return None

    def _bad(self, bad: BadFile, sig: Signature | None = None) -> None:
        self._set(None, None, None)
        if self._on_bad is None:
            raise bad
        self._on_bad(self.path, bad, sig or stat_signature(self.path) or (0, 0, 0))


class FreshTable(Table):
    """A TinyDB table that trusts nothing it remembered between calls.

    Another process may have written the file since the last call: the next
    document id is worked out again from the data at each insert (one pass over
    a small file), and the query cache is off (its results could be stale).
    """

    def __init__(self, storage: Storage, name: str, cache_size: int = 0, persist_empty: bool = False) -> None:
        super().__init__(storage, name, cache_size=cache_size, persist_empty=persist_empty)

    def insert(self, document: Mapping) -> int:
        self._next_id = None
        return super().insert(document)

    def insert_multiple(self, documents) -> list[int]:
        self._next_id = None
        return super().insert_multiple(documents)


class ProgressDB(TinyDB):
    """TinyDB with :class:`FreshTable` tables (use with :class:`AtomicJSONStorage`)."""

    table_class = FreshTable

    @property
    def atomic_storage(self) -> AtomicJSONStorage:
        storage = self.storage
        assert isinstance(storage, AtomicJSONStorage)
        return storage
