"""TinyDB on atomic, cached, validated JSON files.

TinyDB's own ``JSONStorage`` rewrites its file in place: a crash half way leaves
a broken file, and every read parses the whole file again. This storage:

* writes atomically and durably through :func:`progress.files.atomic_write_bytes`;
  every write is on disk when :meth:`AtomicJSONStorage.write` returns, and a
  write that fails raises :class:`~progress.errors.StoreWriteError` with the
  old file left as it was;
* caches what it read or wrote, keyed by the file's stat signature (inode,
  mtime_ns, size): a read costs one ``lstat`` unless another process replaced
  the file, in which case it is read again. On POSIX the storage keeps the last
  file it read or wrote open, so that inode cannot be freed and reused by a
  later replacement: a replaced file always shows a new inode;
* reads without following links (:func:`progress.files.read_json_file`) and
  validates what it reads through a callback; a bad file (not JSON, wrong
  shape, another schema, a link) goes to another callback instead of raising.

Nothing here knows what progress is: :mod:`progress.schema` says what a good
file looks like, :mod:`progress.store` decides what to do with a bad one.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from progress.errors import BadFile, ProgressError, StoreWriteError
from progress.files import (
    POSIX,
    Signature,
    atomic_write_bytes,
    dumps,
    oserror_text,
    read_json_file,
    stat_signature,
)

__all__ = ["AtomicJSONStorage", "FreshTable", "OnBad", "ProgressDB", "Validator", "atomic_write_bytes"]

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
        path: str | os.PathLike[str],
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
        self._pin = pin and POSIX
        self._data: dict[str, Any] | None = None
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
            raise StoreWriteError(f"could not save progress to {self.path}: {oserror_text(error)}") from error
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

    def _set(self, data: dict[str, Any] | None, sig: Signature | None, fd: int | None) -> None:
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

    def _load(self) -> dict[str, Any] | None:
        for _ in range(3):
            try:
                found = read_json_file(self.path)
            except BadFile as bad:
                self._bad(bad)
                continue
            except OSError as error:
                raise ProgressError(f"cannot read {self.path}: {oserror_text(error)}") from error
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
        # A file that keeps going bad under us (or that could not be moved aside): empty this time.
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

    def insert(self, document: Mapping[Any, Any]) -> int:
        self._next_id = None
        return super().insert(document)

    def insert_multiple(self, documents: Iterable[Mapping[Any, Any]]) -> list[int]:
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
