"""Scheduler cards, one file per topic: ``cards/<topic>.json`` (see :func:`progress.schema.shard_name`).

Rating a card rewrites only its topic's file (~25 KB), never every card. One
TinyDB per shard, made on first use and kept (so each keeps its stat check and
its cache); a shard's file is created by its first card; a listing of
``cards/`` finds shards another process created since.

Like :class:`progress.log.Log`, :class:`Cards` does no locking of its own.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from progress.files import fsync_folder, names_in, stat_signature, writable_folder
from progress.schema import SHARD, card_shard, shard_validator, stamp
from progress.storage import AtomicJSONStorage, OnBad, ProgressDB


def shard_names(folder: Path) -> list[str]:
    """The shard files in ``folder``, by name (none when it is absent or a link)."""
    return sorted(name for name in names_in(folder) if SHARD.match(name))


class Cards:
    """The card shards in ``folder``."""

    def __init__(self, folder: Path, *, mutex: threading.RLock, on_bad: OnBad) -> None:
        self.folder = folder
        self._mutex = mutex
        self._on_bad = on_bad
        self._dbs: dict[str, ProgressDB] = {}

    def db(self, name: str) -> ProgressDB:
        db = self._dbs.get(name)
        if db is None:
            db = self._dbs[name] = ProgressDB(
                self.folder / name,
                storage=AtomicJSONStorage,
                stamp=stamp("cards"),
                validate=shard_validator(name),
                on_bad=self._on_bad,
            )
        return db

    def of(self, card_id: str) -> ProgressDB:
        """The shard that holds (or would hold) ``card_id``."""
        return self.db(card_shard(card_id))

    def existing(self) -> list[ProgressDB]:
        """The shards on disk now, including any another process created (one listing)."""
        return [self.db(name) for name in shard_names(self.folder)]

    def docs(self) -> list[Any]:
        """Every card document, shard by shard (in name order)."""
        with self._mutex:
            return [doc for db in self.existing() for doc in db.table("cards").all()]

    def check(self) -> None:
        """Read (and so validate) every shard now."""
        for db in self.existing():
            db.storage.read()

    def writable(self) -> None:
        """Before a write (under the lock): ``cards/`` is a real folder (created if absent)."""
        writable_folder(self.folder)

    def signatures(self) -> tuple[tuple[str, Any], ...]:
        """The stat signature of every shard (one listing and a stat each, no read)."""
        return tuple((name, stat_signature(self.folder / name)) for name in shard_names(self.folder))

    def delete_all(self) -> int:
        """Remove every shard file (under the lock); returns how many cards they held."""
        count = 0
        names = shard_names(self.folder)
        for name in names:
            db = self.db(name)
            count += len(db.table("cards"))
            try:
                os.unlink(self.folder / name)
            except FileNotFoundError:
                pass
            db.atomic_storage.invalidate()
        if names:
            fsync_folder(self.folder)
        return count

    def invalidate(self) -> None:
        for db in self._dbs.values():
            db.atomic_storage.invalidate()

    def close(self) -> None:
        for db in self._dbs.values():
            db.close()
