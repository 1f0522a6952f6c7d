"""An append-only log of records (answers, or marks) in segment files ``NNNNNN.json``.

Each answer rewrites only the open (last) segment, never the history. A segment
is sealed when the next one exists; sealed segments do not change (except by a
reset), so their summary (:mod:`progress.summaries`) is folded once and kept in
memory and in ``summaries.json``. Aggregates then read only the open segment and
any segment sealed since; a changed sealed segment (a reset, or a file broken
and moved aside) makes the fold start over from the longest prefix that still
matches.

A :class:`Log` does no locking of its own: the store calls its writing methods
under the cross-process lock and its reading methods under the thread mutex it
passes in.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from progress import summaries
from progress.files import Signature, is_linked_folder, names_in, stat_signature, writable_folder
from progress.schema import SEGMENT, segment_name, stamp, validator
from progress.storage import AtomicJSONStorage, OnBad, ProgressDB
from progress.summaries import SealedKey, Summary


def segment_numbers(folder: Path) -> list[int]:
    """The segment numbers in ``folder``, in order (none when it is absent or a link)."""
    return sorted(int(m.group(1)) for m in map(SEGMENT.match, names_in(folder)) if m)


class Log:
    """The segments of one kind (``"attempts"`` or ``"marks"``, also the table name) in ``folder``."""

    def __init__(self, folder: Path, kind: str, size: int, *, mutex: threading.RLock, on_bad: OnBad) -> None:
        self.folder = folder
        self.kind = kind
        self.size = size
        self._mutex = mutex
        self._on_bad = on_bad
        self._number: int | None = None
        self._db: ProgressDB | None = None
        self._sealed_key: SealedKey | None = None
        self._sealed: Summary = summaries.empty(kind)
        self._top: tuple[tuple[int, Signature | None], Summary] | None = None
        self._merged_key: tuple[Any, ...] | None = None
        self._merged: Summary = self._sealed
        self._held: dict[str, int] = {}  # segment name -> records it held when last read

    # -- files

    def path(self, number: int) -> Path:
        return self.folder / segment_name(number)

    def numbers(self) -> list[int]:
        return segment_numbers(self.folder)

    def held(self, name: str) -> int | None:
        """How many records the segment ``name`` held when last read (or as the cache says), if known."""
        if self._top is not None and segment_name(self._top[0][0]) == name:
            return self._top[1]["n"]
        return self._held.get(name)

    def _open_db(self, number: int, *, pin: bool) -> ProgressDB:
        return ProgressDB(
            self.path(number),
            storage=AtomicJSONStorage,
            stamp=stamp(self.kind),
            validate=validator(self.kind),
            on_bad=self._on_bad,
            pin=pin,
        )

    def _active(self) -> tuple[int, ProgressDB]:
        """The last segment (call under the lock): notices segments others added or removed.

        Two stats, not a listing (which grows with history): segments are
        numbered without gaps, as only a whole reset removes them. (A bad
        segment moved aside leaves one; a writer that had an earlier segment
        open may then fill that one first: records stay whole and counted.)
        """
        number = self._number
        if number is None or not self.path(number).exists():
            number = max(self.numbers(), default=1)
        while self.path(number + 1).exists():
            number += 1
        if self._db is None or number != self._number:
            self.close()
            self._db = self._open_db(number, pin=True)
            self._number = number
        assert self._db is not None
        return number, self._db

    def signatures(self) -> tuple[tuple[int, Signature | None], ...]:
        """The stat signature of every segment (one listing and a stat each, no read)."""
        return tuple((number, stat_signature(self.path(number))) for number in self.numbers())

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
        self._db = None
        self._number = None

    def invalidate(self) -> None:
        if self._db is not None:
            self._db.atomic_storage.invalidate()

    def check(self) -> None:
        """Read (and so validate) the open segment now, and any sealed one that changed since it was summarised.

        Stats only while every sealed segment matches the cache's signatures;
        otherwise the fold is brought up to date (each changed segment read
        once), so a broken segment is found, and told, at open."""
        self._active()[1].storage.read()
        header = summaries.load_header(self.folder, self.kind) if self._sealed_key is None else None
        known = dict(header[0]) if header else dict(self._sealed_key or ())
        if header:
            for name, n in header[1].items():
                self._held.setdefault(name, n)
        sealed = self.numbers()[:-1]
        if any(known.get(segment_name(n)) != stat_signature(self.path(n)) for n in sealed):
            self.merged()

    # -- writing (under the lock)

    def append(self, docs: list[dict[str, Any]]) -> None:
        """Add records at the end, opening new segments as each fills."""
        if not docs:
            return
        writable_folder(self.folder)
        number, db = self._active()
        remaining = docs
        while remaining:
            table = db.table(self.kind)
            room = self.size - len(table)
            if room <= 0:
                self.close()
                number += 1
                db = self._open_db(number, pin=True)
                self._db, self._number = db, number
                continue
            chunk, remaining = remaining[:room], remaining[room:]
            if len(chunk) == 1:
                table.insert(chunk[0])
            else:
                table.insert_multiple(chunk)

    def remove_where(self, predicate: Callable[[dict[str, Any]], bool]) -> int:
        """Delete matching records in every segment."""
        removed = 0
        numbers = self.numbers()
        active = self._active()[0] if numbers else None
        for number in numbers:
            db = self._db if number == active and self._db is not None else self._open_db(number, pin=False)
            table = db.table(self.kind)
            ids = [doc.doc_id for doc in table if predicate(doc)]
            if ids:
                writable_folder(self.folder)
                table.remove(doc_ids=ids)
                removed += len(ids)
            if db is not self._db:
                db.close()
        return removed  # an emptied segment stays (empty): segment numbers keep no gaps

    def delete_all(self) -> int:
        """Remove every segment; returns how many records they held."""
        count = self.merged()["n"]
        self.close()
        if not is_linked_folder(self.folder):
            for number in self.numbers():
                try:
                    os.unlink(self.path(number))
                except FileNotFoundError:
                    pass
            try:
                os.unlink(self.folder / summaries.SUMMARIES_FILE)
            except FileNotFoundError:
                pass
        self._forget()
        return count

    def _forget(self) -> None:
        self._sealed_key = None
        self._sealed = summaries.empty(self.kind)
        self._top = None
        self._merged_key = None
        self._merged = self._sealed

    # -- reading

    def read(self, number: int) -> list[dict[str, Any]]:
        """The records of one segment (validated; a bad segment is moved aside and reads empty)."""
        return self._read(number)[0]

    def records(self) -> Iterator[dict[str, Any]]:
        """Every record, oldest segment first (one segment in memory at a time)."""
        for number in self.numbers():
            yield from self.read(number)

    def _read(self, number: int) -> tuple[list[Any], Signature | None]:
        """Records of a segment and the signature of the file they came from."""
        with self._mutex:
            if number == self._number and self._db is not None:
                docs = list(self._db.table(self.kind))
                return docs, self._db.atomic_storage.signature
            if not self.path(number).exists():
                return [], None
            db = self._open_db(number, pin=False)
            try:
                docs = list(db.table(self.kind))
                return docs, db.atomic_storage.signature
            finally:
                db.close()

    def merged(self) -> Summary:
        """All records summarised (see :mod:`progress.summaries`).

        Sealed segments are folded once (and the fold is kept in
        ``summaries.json`` for the next process, keyed by their signatures); a
        newly sealed segment is folded in on top. The open segment is
        summarised again only when its file changed.
        """
        with self._mutex:
            numbers = self.numbers()
            sealed_key = tuple(
                (segment_name(n), sig) for n in numbers[:-1] if (sig := stat_signature(self.path(n))) is not None
            )
            if sealed_key != self._sealed_key:
                self._sealed, self._sealed_key = self._fold_sealed(sealed_key)
            top_sig = None
            if numbers:
                top_sig = stat_signature(self.path(numbers[-1]))
                if top_sig is not None and (self._top is None or self._top[0] != (numbers[-1], top_sig)):
                    docs, read_sig = self._read(numbers[-1])
                    self._top = ((numbers[-1], read_sig), summaries.summarize(self.kind, numbers[-1], docs))
                    top_sig = read_sig
            key = (self._sealed_key, (numbers[-1], top_sig) if numbers and top_sig else None)
            if key != self._merged_key:
                top = self._top[1] if key[1] is not None and self._top is not None else None
                self._merged = summaries.overlay(self.kind, self._sealed, top) if top else self._sealed
                self._merged_key = key
            return self._merged

    def _fold_sealed(self, sealed_key: SealedKey) -> tuple[Summary, SealedKey]:
        """Fold the sealed segments, starting from the longest cached fold that still matches."""
        base_key: SealedKey = ()
        base = summaries.empty(self.kind)
        cached = summaries.load_cache(self.folder, self.kind) if sealed_key else None
        candidates: list[tuple[SealedKey | None, Summary]] = [(self._sealed_key, self._sealed)]
        if cached is not None:
            candidates.append((cached[0], cached[1]))
            for name, n in cached[2].items():
                self._held.setdefault(name, n)
        for candidate_key, candidate in candidates:
            if (
                candidate_key is not None
                and len(candidate_key) > len(base_key)
                and sealed_key[: len(candidate_key)] == candidate_key
            ):
                base_key, base = candidate_key, candidate
        # a fold already handed out stays as it is: add to a copy (one just read from the cache is nobody's yet)
        acc = base if cached is not None and base is cached[1] else summaries.fold(self.kind, [base])
        key = list(base_key)
        for name, _ in sealed_key[len(base_key) :]:
            match = SEGMENT.match(name)
            assert match is not None
            number = int(match.group(1))
            docs, sig = self._read(number)
            if sig is None:
                continue  # moved aside as bad (or removed) meanwhile
            summary = summaries.summarize(self.kind, number, docs)
            self._held[name] = summary["n"]
            summaries.add(self.kind, acc, summary)
            key.append((name, sig))
        result_key = tuple(key)
        if len(result_key) > len(base_key) or (not result_key and base_key):
            summaries.save_cache(self.folder, self.kind, result_key, self._held, acc)
        return acc, result_key
