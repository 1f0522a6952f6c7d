"""The progress store: what the learner did, kept safe on disk.

One :class:`ProgressStore` per data folder (``Locations.resolve(...).data``)::

    progress.json         entries seen, quiz sessions, position, settings
    cards/<topic>.json    scheduler cards (FSRS state) of one topic, keyed by card id
    attempts/000001.json  answers, append-only segments of ``segment_size``
    marks/000001.json     "got it" / "again" marks, segmented the same way
    .lock                 the cross-process lock

Every file is a TinyDB database written through
:class:`~progress.storage.AtomicJSONStorage` (atomic, fsynced, stat-checked).

* **Write-through**: a recording call returns once its file is on disk.
* **Two sessions at once**: each read-modify-write holds a ``filelock`` on
  ``.lock`` and first reloads any file another process replaced (detected by
  stat: inode, mtime_ns, size).
* **Fast at scale**: an answer rewrites only the open (last) segment, never the
  history; rating a card rewrites only its topic's cards (``cards/<topic>.json``,
  created with the topic's first card; every shard is read at open, and a
  listing of ``cards/`` finds shards another process created since). A segment
  is sealed when the next one exists; sealed segments do not
  change (except by :meth:`ProgressStore.reset`), so their summary (per
  question counts and last result, marks per entry, activity per quarter hour)
  is folded once and kept in memory and in ``summaries.json`` beside them,
  keyed by the sealed segments' stat signatures. Aggregates then read only the
  open segment and any segment sealed since; a changed sealed segment (a reset)
  makes the fold start over.
* **Bad files** are moved aside (``progress.corrupt-<UTC time>.json``,
  ``progress.newer-schema-v9-<UTC time>.json``, ``cards/s3.truncated-...``)
  with a line in :attr:`ProgressStore.notices`, and the store starts that file
  fresh (a bad sealed segment: goes on without its records). Schema 1 and 2
  folders are migrated at open (see :mod:`progress.schema`): schema 2's
  ``cards.json`` is merged into the shards, then kept as
  ``cards.schema-v2-backup.json``.

Nothing here imports Textual, ``tui`` or ``lessons``; ``filelock`` is imported
only when a store is opened.
"""

from __future__ import annotations

import copy
import json
import math
import os
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import Any

from tinydb.table import Document

from progress import schema
from progress.locations import ensure_private_dir
from progress.schema import (
    ATTEMPTS_DIR,
    CARDS_DIR,
    MAIN_FILE,
    MARKS_DIR,
    SEGMENT,
    SHARD,
    V2_CARDS_FILE,
    format_time,
    parse_time,
    segment_name,
    under,
)
from progress.storage import (
    AtomicJSONStorage,
    BadFile,
    ProgressDB,
    ProgressError,
    Signature,
    atomic_write_bytes,
    dumps,
    fsync_folder,
    move_aside,
    parse_json_bytes,
    remove_stale_temp_files,
    stat_signature,
)

__all__ = [
    "Attempt",
    "EntryState",
    "ImportResult",
    "ProgressError",
    "ProgressStore",
    "QuestionStats",
    "Session",
    "data_files",
    "moved_aside_files",
]

# Records per segment. Each answer rewrites its segment, so the cost of a write
# grows with this number, while aggregates read one file per segment: see
# bench/progress_store.py --sweep for the measurement behind the choice.
DEFAULT_SEGMENT_SIZE = 250
LOCK_FILE = ".lock"
SUMMARIES_FILE = "summaries.json"
POSITION_SPAN = 1_000_000_000  # document ids within one segment stay far below this
BUCKET_SECONDS = 900  # activity is summed per quarter hour: every timezone offset is a multiple of it
Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


# ---------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class Attempt:
    id: str
    at: datetime
    question_id: str
    answer: str
    correct: bool
    seconds: float
    mode: str
    session_id: str | None = None

    @property
    def topic(self) -> str:
        return schema.topic_of(self.question_id)

    @classmethod
    def from_doc(cls, doc: dict) -> Attempt:
        return cls(
            id=doc["id"],
            at=parse_time(doc["at"]),
            question_id=doc["question"],
            answer=doc["answer"],
            correct=doc["correct"],
            seconds=doc["seconds"],
            mode=doc["mode"],
            session_id=doc.get("session"),
        )


@dataclass(frozen=True, slots=True)
class EntryState:
    seen_at: datetime | None  # last time the entry was shown
    marks: list[tuple[datetime, str]]  # ("got" | "again"), oldest first
    learned: bool  # the latest mark is "got"
    first_seen: datetime | None = None


@dataclass(frozen=True, slots=True)
class QuestionStats:
    attempts: int
    correct: int
    last_correct: bool
    last_at: datetime


@dataclass(frozen=True, slots=True)
class Session:
    id: str
    mode: str
    topics: tuple[str, ...]
    started: datetime
    ended: datetime | None = None
    score: int | None = None
    total: int | None = None


@dataclass
class ImportResult:
    """What an import added (and updated) per kind of record."""

    added: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    already: int = 0  # records that were there already

    @property
    def changed(self) -> int:
        return sum(self.added.values()) + sum(self.updated.values())

    def describe(self) -> str:
        parts = [f"{n} {kind}" for kind, n in self.added.items() if n]
        text = "added " + ", ".join(parts) if parts else "added nothing"
        updated = [f"{n} {kind}" for kind, n in self.updated.items() if n]
        if updated:
            text += "; updated " + ", ".join(updated)
        if self.already:
            text += f" ({self.already} already present)"
        return text


# ---------------------------------------------------------------- file listing


def _segments(folder: Path) -> list[int]:
    try:
        names = os.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return []
    return sorted(int(m.group(1)) for m in map(SEGMENT.match, names) if m)


def _shards(folder: Path) -> list[str]:
    try:
        names = os.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return []
    return sorted(name for name in names if SHARD.match(name))


def data_files(data_dir: Path) -> list[Path]:
    """The progress files in ``data_dir`` (read-only: creates nothing).

    A schema-2 ``cards.json`` not migrated yet is listed too."""
    data_dir = Path(data_dir)
    found = [data_dir / name for name in (MAIN_FILE, V2_CARDS_FILE) if (data_dir / name).is_file()]
    found += [data_dir / CARDS_DIR / name for name in _shards(data_dir / CARDS_DIR)]
    for folder in (ATTEMPTS_DIR, MARKS_DIR):
        found += [data_dir / folder / segment_name(n) for n in _segments(data_dir / folder)]
    return found


def moved_aside_files(data_dir: Path) -> list[Path]:
    """Files moved aside as bad (and the migration backups), oldest name first."""
    data_dir = Path(data_dir)
    reasons = (".truncated-", ".corrupt-", ".wrong-shape-", ".newer-schema-v", schema.V1_BACKUP, schema.V2_CARDS_BACKUP)
    found = []
    for folder in (data_dir, data_dir / CARDS_DIR, data_dir / ATTEMPTS_DIR, data_dir / MARKS_DIR):
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        found += [folder / n for n in names if n.endswith(".json") and any(r in n for r in reasons)]
    return found


# ---------------------------------------------------------------- summaries of segments


_DAYS: dict[str, int] = {}  # "2026-11-27" -> days since 1970-01-01


def _bucket(at: str) -> int:
    """The quarter hour (UTC epoch seconds // 900) of a stored time."""
    if len(at) == 32 and at.endswith("+00:00"):  # the stored form: read the fields, no datetime needed
        day = _DAYS.get(at[:10])
        if day is None:
            day = _DAYS[at[:10]] = (date.fromisoformat(at[:10]) - date(1970, 1, 1)).days
        return day * 96 + int(at[11:13]) * 4 + int(at[14:16]) // 15
    return int(parse_time(at).timestamp()) // BUCKET_SECONDS


def _position(number: int, doc: Document) -> int:
    """Where a record sits in its log: later segments, then later documents, come after."""
    return number * POSITION_SPAN + doc.doc_id


def _attempt_summary(number: int, docs: list[Document]) -> dict:
    """``n``; per question ``[attempts, correct, last_correct, last_at, last_position]``;
    per bucket ``[attempts, correct]``. "Last" is the latest time, then the later in the log."""
    questions: dict[str, list] = {}
    buckets: dict[str, list[int]] = {}
    for doc in docs:
        at, ok = doc["at"], doc["correct"]
        position = _position(number, doc)
        row = questions.get(doc["question"])
        if row is None:
            questions[doc["question"]] = [1, int(ok), ok, at, position]
        else:
            row[0] += 1
            row[1] += ok
            if (at, position) > (row[3], row[4]):
                row[2], row[3], row[4] = ok, at, position
        counts = buckets.setdefault(str(_bucket(at)), [0, 0])
        counts[0] += 1
        counts[1] += ok
    return {"n": len(docs), "q": questions, "b": buckets}


def _mark_summary(number: int, docs: list[Document]) -> dict:
    """``n``; per entry every mark ``[at, mark, position]``, oldest first; per bucket the number of marks."""
    entries: dict[str, list] = {}
    buckets: dict[str, int] = {}
    for doc in sorted(docs, key=lambda d: (d["at"], d.doc_id)):
        entries.setdefault(doc["entry"], []).append([doc["at"], doc["mark"], _position(number, doc)])
        bucket = str(_bucket(doc["at"]))
        buckets[bucket] = buckets.get(bucket, 0) + 1
    return {"n": len(docs), "e": entries, "b": buckets}


def _add_attempts(acc: dict, summary: dict) -> None:
    """Fold ``summary`` into ``acc``: only rows ``acc`` owns are changed, ``summary`` is not."""
    acc["n"] += summary["n"]
    questions = acc["q"]
    for qid, row in summary["q"].items():
        have = questions.get(qid)
        if have is None:
            questions[qid] = list(row)
        else:
            have[0] += row[0]
            have[1] += row[1]
            if (row[3], row[4]) > (have[3], have[4]):
                have[2], have[3], have[4] = row[2], row[3], row[4]
    buckets = acc["b"]
    for key, (n, ok) in summary["b"].items():
        have = buckets.get(key)
        if have is None:
            buckets[key] = [n, ok]
        else:
            have[0] += n
            have[1] += ok


def _add_marks(acc: dict, summary: dict) -> None:
    acc["n"] += summary["n"]
    entries = acc["e"]
    for entry, marks in summary["e"].items():
        have = entries.get(entry)
        if have is None:
            entries[entry] = list(marks)
            continue
        in_order = not marks or (have[-1][0], have[-1][2]) <= (marks[0][0], marks[0][2])
        have.extend(marks)
        if not in_order:
            have.sort(key=lambda m: (m[0], m[2]))
    buckets = acc["b"]
    for key, n in summary["b"].items():
        buckets[key] = buckets.get(key, 0) + n


def _empty(kind: str) -> dict:
    return {"n": 0, "q" if kind == "attempts" else "e": {}, "b": {}}


def _fold(kind: str, summaries: Iterable[dict]) -> dict:
    acc = _empty(kind)
    add = _add_attempts if kind == "attempts" else _add_marks
    for summary in summaries:
        add(acc, summary)
    return acc


def _overlay(kind: str, base: dict, top: dict) -> dict:
    """``base`` plus ``top``, leaving ``base`` as it is: copies only the rows ``top`` touches."""
    rows = "q" if kind == "attempts" else "e"
    result = {"n": base["n"], rows: dict(base[rows]), "b": dict(base["b"])}
    for part in (rows, "b"):
        mine = result[part]
        for key in top[part]:
            if key in mine and isinstance(mine[key], list):
                mine[key] = list(mine[key])
    (_add_attempts if kind == "attempts" else _add_marks)(result, top)
    return result


def _summary_ok(kind: str, summary: Any) -> bool:
    """A loose check of a summary read back from the cache file."""
    try:
        if not isinstance(summary["n"], int):
            return False
        if kind == "attempts":
            rows_ok = all(
                isinstance(r, list) and len(r) == 5 and isinstance(r[3], str) and isinstance(r[4], int)
                for r in summary["q"].values()
            )
            return rows_ok and all(isinstance(v, list) and len(v) == 2 for v in summary["b"].values())
        rows_ok = all(
            isinstance(marks, list)
            and all(isinstance(m, list) and len(m) == 3 and isinstance(m[2], int) for m in marks)
            for marks in summary["e"].values()
        )
        return rows_ok and all(isinstance(v, int) for v in summary["b"].values())
    except (KeyError, TypeError, AttributeError):
        return False


_SUMMARIZE = {"attempts": _attempt_summary, "marks": _mark_summary}


# ---------------------------------------------------------------- a segmented log


class _Log:
    """An append-only log of records in TinyDB segment files ``NNNNNN.json``."""

    def __init__(self, store: ProgressStore, folder: Path, kind: str, size: int) -> None:
        self.store = store
        self.folder = folder
        self.kind = kind  # also the table name
        self.size = size
        self._number: int | None = None
        self._db: ProgressDB | None = None
        self._sealed_key: tuple | None = None
        self._sealed: dict = _empty(kind)
        self._top: tuple[tuple[int, Signature | None], dict] | None = None
        self._merged_key: tuple | None = None
        self._merged: dict = self._sealed

    # -- files

    def path(self, number: int) -> Path:
        return self.folder / segment_name(number)

    def numbers(self) -> list[int]:
        return _segments(self.folder)

    def _open_db(self, number: int, *, pin: bool) -> ProgressDB:
        return ProgressDB(
            self.path(number),
            storage=AtomicJSONStorage,
            stamp=schema.stamp(self.kind),
            validate=schema.validator(self.kind),
            on_bad=self.store._on_bad,
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

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
        self._db = None
        self._number = None

    def invalidate(self) -> None:
        if self._db is not None:
            self._db.atomic_storage.invalidate()

    def check(self) -> None:
        """Read (and so validate) the open segment now."""
        self._active()[1].storage.read()

    # -- writing

    def append(self, docs: list[dict]) -> None:
        """Add records at the end, opening new segments as each fills (under the lock)."""
        if not docs:
            return
        ensure_private_dir(self.folder)
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

    def remove_where(self, predicate: Callable[[dict], bool]) -> int:
        """Delete matching records in every segment (under the lock)."""
        removed = 0
        numbers = self.numbers()
        active = self._active()[0] if numbers else None
        for number in numbers:
            db = self._db if number == active and self._db is not None else self._open_db(number, pin=False)
            table = db.table(self.kind)
            ids = [doc.doc_id for doc in table if predicate(doc)]
            if ids:
                table.remove(doc_ids=ids)
                removed += len(ids)
            if db is not self._db:
                db.close()
        return removed  # an emptied segment stays (empty): segment numbers keep no gaps

    def delete_all(self) -> int:
        """Remove every segment (under the lock); returns how many records they held."""
        count = self.merged()["n"]
        self.close()
        for number in self.numbers():
            try:
                os.unlink(self.path(number))
            except FileNotFoundError:
                pass
        try:
            os.unlink(self.folder / SUMMARIES_FILE)
        except FileNotFoundError:
            pass
        self._forget()
        return count

    def _forget(self) -> None:
        self._sealed_key = None
        self._sealed = _empty(self.kind)
        self._top = None
        self._merged_key = None
        self._merged = self._sealed

    # -- reading

    def read(self, number: int) -> list[dict]:
        """The records of one segment (validated; a bad segment is moved aside and reads empty)."""
        return self._read(number)[0]

    def _read(self, number: int) -> tuple[list[dict], Signature | None]:
        """Records of a segment and the signature of the file they came from."""
        with self.store._mutex:
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

    def merged(self) -> dict:
        """All records summarised (see ``_attempt_summary`` / ``_mark_summary``).

        Sealed segments are folded once (and the fold is kept in
        ``summaries.json`` for the next process, keyed by their signatures); a
        newly sealed segment is folded in on top. The open segment is
        summarised again only when its file changed.
        """
        with self.store._mutex:
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
                    self._top = ((numbers[-1], read_sig), _SUMMARIZE[self.kind](numbers[-1], docs))
                    top_sig = read_sig
            key = (self._sealed_key, (numbers[-1], top_sig) if numbers and top_sig else None)
            if key != self._merged_key:
                has_top = key[1] is not None and self._top is not None
                self._merged = _overlay(self.kind, self._sealed, self._top[1]) if has_top else self._sealed
                self._merged_key = key
            return self._merged

    def _fold_sealed(self, sealed_key: tuple) -> tuple[dict, tuple]:
        """Fold the sealed segments, starting from the longest cached fold that still matches."""
        base_key: tuple = ()
        base = _empty(self.kind)
        for candidate_key, candidate in ((self._sealed_key, self._sealed), self._load_fold()):
            if (
                candidate_key is not None
                and candidate is not None
                and len(candidate_key) > len(base_key)
                and sealed_key[: len(candidate_key)] == candidate_key
            ):
                base_key, base = candidate_key, candidate
        acc = _fold(self.kind, [base])  # a copy: folds already handed out stay as they are
        key = list(base_key)
        for name, _ in sealed_key[len(base_key) :]:
            match = SEGMENT.match(name)
            assert match is not None
            docs, sig = self._read(int(match.group(1)))
            if sig is None:
                continue  # moved aside as bad (or removed) meanwhile
            summary = _SUMMARIZE[self.kind](int(match.group(1)), docs)
            (_add_attempts if self.kind == "attempts" else _add_marks)(acc, summary)
            key.append((name, sig))
        result_key = tuple(key)
        if len(result_key) > len(base_key) or (not result_key and base_key):
            self._save_fold(result_key, acc)
        return acc, result_key

    def _load_fold(self) -> tuple[tuple | None, dict | None]:
        try:
            data = json.loads((self.folder / SUMMARIES_FILE).read_bytes())
            if data.get("version") != 3 or data.get("kind") != self.kind or not _summary_ok(self.kind, data["fold"]):
                return None, None
            key = tuple((str(name), (int(a), int(b), int(c))) for name, a, b, c in data["sealed"])
            return key, data["fold"]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None, None  # a cache: rebuilt from the segments

    def _save_fold(self, key: tuple, fold: dict) -> None:
        data = {"version": 3, "kind": self.kind, "sealed": [[name, *sig] for name, sig in key], "fold": fold}
        try:
            atomic_write_bytes(self.folder / SUMMARIES_FILE, dumps(data))
        except OSError:
            pass  # a cache: not worth failing a read for


# ---------------------------------------------------------------- scheduler cards, one file per topic


class _Cards:
    """The card shards ``cards/<name>.json`` (see :func:`progress.schema.shard_name`).

    One TinyDB per shard, made on first use and kept (so each keeps its stat
    check and its cache); a shard's file is created by its first card.
    """

    def __init__(self, store: ProgressStore, folder: Path) -> None:
        self.store = store
        self.folder = folder
        self._dbs: dict[str, ProgressDB] = {}

    def db(self, name: str) -> ProgressDB:
        db = self._dbs.get(name)
        if db is None:
            db = self._dbs[name] = ProgressDB(
                self.folder / name,
                storage=AtomicJSONStorage,
                stamp=schema.stamp("cards"),
                validate=schema.shard_validator(name),
                on_bad=self.store._on_bad,
            )
        return db

    def of(self, card_id: str) -> ProgressDB:
        """The shard that holds (or would hold) ``card_id``."""
        return self.db(schema.card_shard(card_id))

    def existing(self) -> list[ProgressDB]:
        """The shards on disk now, including any another process created (one listing)."""
        return [self.db(name) for name in _shards(self.folder)]

    def docs(self) -> list[Document]:
        """Every card document, shard by shard (in name order)."""
        with self.store._mutex:
            return [doc for db in self.existing() for doc in db.table("cards").all()]

    def check(self) -> None:
        """Read (and so validate) every shard now."""
        for db in self.existing():
            db.storage.read()

    def delete_all(self) -> int:
        """Remove every shard file (under the lock); returns how many cards they held."""
        count = 0
        for name in _shards(self.folder):
            db = self.db(name)
            count += len(db.table("cards"))
            try:
                os.unlink(self.folder / name)
            except FileNotFoundError:
                pass
            db.atomic_storage.invalidate()
        fsync_folder(self.folder)
        return count

    def invalidate(self) -> None:
        for db in self._dbs.values():
            db.atomic_storage.invalidate()

    def close(self) -> None:
        for db in self._dbs.values():
            db.close()


# ---------------------------------------------------------------- the store


class ProgressStore:
    """Progress on disk; see the module docstring. Open with :meth:`open`."""

    def __init__(self, data_dir: Path, *, clock: Clock, tz: tzinfo | None, segment_size: int, lock: Any) -> None:
        self.data_dir = data_dir
        self.segment_size = segment_size
        self.notices: list[str] = []
        self._clock = clock
        self._tz = tz
        self._lock = lock
        self._mutex = threading.RLock()
        self._depth = 0
        self._main: ProgressDB | None = None
        self._cards = _Cards(self, data_dir / CARDS_DIR)
        self._attempts = _Log(self, data_dir / ATTEMPTS_DIR, "attempts", segment_size)
        self._marks = _Log(self, data_dir / MARKS_DIR, "marks", segment_size)
        self._index_cache: dict[tuple[str, str], tuple[int, dict[str, int]]] = {}
        self._derived: dict[str, tuple[object, Any]] = {}  # figures worked out from a merged summary

    # ------------------------------------------------------------ opening

    @classmethod
    def open(
        cls,
        data_dir: str | os.PathLike,
        *,
        clock: Clock | None = None,
        tz: tzinfo | None = None,
        segment_size: int | None = None,
        lock_timeout: float = 15.0,
        migration_hook: Callable[[str], None] | None = None,
    ) -> ProgressStore:
        """Open (creating if needed) the store in ``data_dir``.

        Never raises for bad files: they are moved aside and told in
        :attr:`notices`. Raises :class:`ProgressError` only when the folder
        cannot be used at all (not writable, locked for ``lock_timeout`` s).
        ``clock`` returns aware datetimes (default: now in UTC); ``tz`` is the
        local timezone for "days" (default: the system's).
        """
        data_dir = Path(data_dir).expanduser()
        size = segment_size or DEFAULT_SEGMENT_SIZE
        if size < 1:
            raise ValueError("segment_size must be at least 1")
        try:
            ensure_private_dir(data_dir)
            for folder in (CARDS_DIR, ATTEMPTS_DIR, MARKS_DIR):
                ensure_private_dir(data_dir / folder)
        except OSError as error:
            raise ProgressError(f"cannot use the progress folder {data_dir}: {error.strerror or error}") from error
        import filelock  # ~50 ms: only when a store is opened

        lock = filelock.FileLock(
            str(data_dir / LOCK_FILE), timeout=lock_timeout, mode=0o600, thread_local=False, poll_interval=0.002
        )
        store = cls(data_dir, clock=clock or _utc_now, tz=tz, segment_size=size, lock=lock)
        store._start(migration_hook)
        return store

    def _start(self, migration_hook: Callable[[str], None] | None) -> None:
        with self._writing():
            for folder in (self.data_dir, *(self.data_dir / name for name in (CARDS_DIR, ATTEMPTS_DIR, MARKS_DIR))):
                remove_stale_temp_files(folder)
            self._check_main(migration_hook)
            self._main = self._db(MAIN_FILE, "main")
            self._main.storage.read()
            self._cards.check()
            self._migrate_v2_cards(migration_hook)
            self._attempts.check()
            self._marks.check()

    def _db(self, name: str, kind: str) -> ProgressDB:
        return ProgressDB(
            self.data_dir / name,
            storage=AtomicJSONStorage,
            stamp=schema.stamp(kind),
            validate=schema.validator(kind),
            on_bad=self._on_bad,
        )

    def _read_valid(self, path: Path, kind: str) -> tuple[bytes, Any, int] | None:
        """``(raw bytes, data, schema version)`` of a file that validates as ``kind``;
        None when it is absent, or bad (then moved aside and told). Under the lock."""
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise ProgressError(f"cannot read {path}: {error.strerror or error}") from error
        sig = stat_signature(path) or (0, 0, 0)
        try:
            data = parse_json_bytes(raw)
            version = schema.validate(data, kind)
        except BadFile as bad:
            self._on_bad(path, bad, sig)
            return None
        return raw, data, version

    def _check_main(self, migration_hook: Callable[[str], None] | None) -> None:
        """Migrate a schema-1 ``progress.json``; move a bad or newer one aside (under the lock)."""
        path = self.data_dir / MAIN_FILE
        found = self._read_valid(path, "main")
        if found is None:
            return
        raw, data, version = found
        if version == 1:
            backup = schema.migrate_v1(self.data_dir, raw, data, segment_size=self.segment_size, hook=migration_hook)
            self.notices.append(
                f"progress: updated {MAIN_FILE} from schema 1 to {schema.SCHEMA_VERSION} "
                f"(the old file is kept as {backup})"
            )

    def _migrate_v2_cards(self, hook: Callable[[str], None] | None) -> None:
        """Merge a schema-2 ``cards.json`` into the shards, then keep it as a backup (under the lock).

        ``cards.json`` is removed last, so a run killed half way is run again
        at the next open; merging (:func:`~progress.schema.merge_cards`) what is
        already in a shard changes nothing, so the re-run ends with the same
        shards. Shards are read (validated) before, so a bad one is moved aside
        first, never written over.
        """
        path = self.data_dir / V2_CARDS_FILE
        found = self._read_valid(path, "cards")
        if found is None:
            return
        raw, data, _ = found
        step = hook or (lambda name: None)
        backup = schema.backup_copy(self.data_dir, schema.V2_CARDS_BACKUP, raw)
        step("backup")
        ensure_private_dir(self._cards.folder)
        for name, docs in sorted(schema.cards_by_shard(schema.docs_of(data, "cards")).items()):
            db = self._cards.db(name)
            have = [{"card": d["card"], "state": d["state"]} for d in db.table("cards")]
            merged = schema.merge_cards(have, docs)
            if merged is not have:
                db.storage.write(schema.tinydb_tables("cards", {"cards": merged}))
            step("shard")
        os.unlink(path)
        fsync_folder(self.data_dir)
        step("done")
        self.notices.append(
            f"progress: moved the scheduler cards from {V2_CARDS_FILE} into {CARDS_DIR}/, one file per topic "
            f"(schema 2 to {schema.SCHEMA_VERSION}; the old file is kept as {backup})"
        )

    def _on_bad(self, path: Path, bad: BadFile, sig: Signature) -> None:
        """Move a bad file aside and say so (unless it changed since it was read)."""
        with self._writing():
            if stat_signature(path) != sig:
                return  # replaced meanwhile: the caller reads the new one
            target = move_aside(path, bad.reason, self._now().astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"))
            name = path.relative_to(self.data_dir) if path.is_relative_to(self.data_dir) else path
            # a file that holds all of its kind starts fresh; a segment, or a schema-2 cards.json
            # (the shards hold the rest), leaves the others as they are
            whole = path.parent in (self.data_dir, self.data_dir / CARDS_DIR) and path.name != V2_CARDS_FILE
            outcome = "started fresh" if whole else "went on without its records"
            self.notices.append(f"progress: {name} {bad.detail}; moved it to {target} and {outcome}")

    def close(self) -> None:
        with self._mutex:
            if self._main is not None:
                self._main.close()
            self._cards.close()
            self._attempts.close()
            self._marks.close()

    def __enter__(self) -> ProgressStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ plumbing

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the thread mutex and the cross-process lock (re-entrant)."""
        with self._mutex:
            if self._depth == 0:
                self._acquire()
            self._depth += 1
            try:
                yield
            except BaseException:
                self._invalidate()
                raise
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self._lock.release()

    def _acquire(self) -> None:
        import filelock

        try:
            self._lock.acquire()
        except filelock.Timeout:
            raise ProgressError(
                f"progress in {self.data_dir} is locked by another awstutor process; try again"
            ) from None
        except OSError as error:
            raise ProgressError(f"cannot lock {self.data_dir / LOCK_FILE}: {error.strerror or error}") from error

    @contextmanager
    def _writing(self) -> Iterator[None]:
        with self._locked():
            try:
                yield
            except OSError as error:
                raise ProgressError(f"could not save progress in {self.data_dir}: {error.strerror or error}") from error

    def _invalidate(self) -> None:
        if self._main is not None:
            self._main.atomic_storage.invalidate()
        self._cards.invalidate()
        self._attempts.invalidate()
        self._marks.invalidate()

    @property
    def _main_db(self) -> ProgressDB:
        assert self._main is not None, "store is not open"
        return self._main

    def _index(self, db: ProgressDB, table: str, key: str) -> dict[str, int]:
        """``{doc[key]: doc_id}`` for a small table, rebuilt when its file changed."""
        db.storage.read()  # reload if another process replaced the file
        generation = db.atomic_storage.generation
        cache_key = (str(db.atomic_storage.path), table)
        cached = self._index_cache.get(cache_key)
        if cached is not None and cached[0] == generation:
            return cached[1]
        index = {doc[key]: doc.doc_id for doc in db.table(table)}
        self._index_cache[cache_key] = (db.atomic_storage.generation, index)
        return index

    def _docs(self, db: ProgressDB, table: str) -> list[Document]:
        with self._mutex:
            return db.table(table).all()

    def _upsert(self, db: ProgressDB, table: str, key: str, doc: dict) -> None:
        doc_id = self._index(db, table, key).get(doc[key])
        if doc_id is None:
            db.table(table).insert(doc)
        else:
            db.table(table).update(doc, doc_ids=[doc_id])

    def _now(self) -> datetime:
        moment = self._clock()
        if moment.tzinfo is None:
            raise ValueError("the clock must return timezone-aware datetimes")
        return moment

    def now(self) -> datetime:
        """The store's clock (UTC)."""
        return self._now().astimezone(UTC)

    def today(self) -> date:
        """Today in the store's local timezone."""
        return self.local(self._now()).date()

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self._tz) if self._tz is not None else moment.astimezone()

    @property
    def tz(self) -> tzinfo | None:
        return self._tz

    # ------------------------------------------------------------ entries

    def mark_seen(self, entry_id: str) -> None:
        _check_id(entry_id, "entry id")
        now = format_time(self._now())
        with self._writing():
            db = self._main_db
            doc_id = self._index(db, "entries", "entry").get(entry_id)
            if doc_id is None:
                db.table("entries").insert({"entry": entry_id, "first_seen": now, "last_seen": now})
            else:
                db.table("entries").update({"last_seen": now}, doc_ids=[doc_id])

    def mark_entry(self, entry_id: str, mark: str) -> None:
        """Record "got" (got it) or "again" for an entry."""
        _check_id(entry_id, "entry id")
        if mark not in schema.MARKS:
            raise ValueError(f"mark must be 'got' or 'again', not {mark!r}")
        doc = {"id": uuid.uuid4().hex, "at": format_time(self._now()), "entry": entry_id, "mark": mark}
        with self._writing():
            self._marks.append([doc])

    def entry_state(self, entry_id: str) -> EntryState:
        with self._mutex:
            doc_id = self._index(self._main_db, "entries", "entry").get(entry_id)
            seen = self._main_db.table("entries").get(doc_id=doc_id) if doc_id is not None else None
            marks = list(self._marks.merged()["e"].get(entry_id, []))
        return EntryState(
            seen_at=parse_time(seen["last_seen"]) if seen and seen.get("last_seen") else None,
            marks=[(parse_time(at), mark) for at, mark, _ in marks],
            learned=bool(marks) and marks[-1][1] == "got",
            first_seen=parse_time(seen["first_seen"]) if seen and seen.get("first_seen") else None,
        )

    def latest_marks(self) -> dict[str, str]:
        """Entry id -> its latest mark ("got" or "again"), for every marked entry (one read)."""
        return {entry: marks[-1][1] for entry, marks in self._marks.merged()["e"].items() if marks}

    def learned_entries(self) -> set[str]:
        """Entries whose latest mark is "got"."""
        return {entry for entry, marks in self._marks.merged()["e"].items() if marks and marks[-1][1] == "got"}

    def seen_entries(self) -> dict[str, datetime]:
        """Entry id -> last time seen."""
        return {
            d["entry"]: parse_time(d["last_seen"]) for d in self._docs(self._main_db, "entries") if d.get("last_seen")
        }

    # ------------------------------------------------------------ attempts

    def record_attempt(
        self,
        question_id: str,
        *,
        answer: str,
        correct: bool,
        seconds: float,
        mode: str,
        session_id: str | None = None,
    ) -> Attempt:
        """Record one answer; returns once it is on disk."""
        _check_id(question_id, "question id")
        if not isinstance(answer, str) or not isinstance(mode, str):
            raise TypeError("answer and mode must be text")
        seconds = float(seconds)
        if not math.isfinite(seconds) or seconds < 0:
            raise ValueError(f"seconds must be a number >= 0, not {seconds!r}")
        if session_id is not None:
            _check_id(session_id, "session id")
        moment = self._now()
        doc = {
            "id": uuid.uuid4().hex,
            "at": format_time(moment),
            "question": question_id,
            "answer": answer,
            "correct": bool(correct),
            "seconds": seconds,
            "mode": mode,
            "session": session_id,
        }
        with self._writing():
            self._attempts.append([doc])
        return Attempt.from_doc(doc)

    def attempts(self, question_id: str | None = None) -> Iterator[Attempt]:
        """Every attempt (or one question's), oldest segment first; streams one segment at a time."""
        for number in self._attempts.numbers():
            for doc in self._attempts.read(number):
                if question_id is None or doc["question"] == question_id:
                    yield Attempt.from_doc(doc)

    def attempt_count(self) -> int:
        return self._attempts.merged()["n"]

    def question_stats(self) -> dict[str, QuestionStats]:
        """Per question: attempts, correct, and the latest result and time."""
        merged = self._attempts.merged()
        cached = self._derived.get("question_stats")
        if cached is None or cached[0] is not merged:
            stats = {
                qid: QuestionStats(attempts=n, correct=ok, last_correct=last, last_at=parse_time(at))
                for qid, (n, ok, last, at, _) in merged["q"].items()
            }
            cached = self._derived["question_stats"] = (merged, stats)
        return dict(cached[1])

    def last_results(self) -> dict[str, bool]:
        """Latest correctness per question (for "my mistakes")."""
        return {qid: row[2] for qid, row in self._attempts.merged()["q"].items()}

    # ------------------------------------------------------------ sessions

    def start_session(self, mode: str, topics: list[str] | tuple[str, ...]) -> str:
        topics = list(topics)
        for topic in topics:
            _check_id(topic, "topic id")
        session_id = uuid.uuid4().hex
        doc = {
            "id": session_id,
            "mode": str(mode),
            "topics": topics,
            "started": format_time(self._now()),
            "ended": None,
            "score": None,
            "total": None,
        }
        with self._writing():
            self._main_db.table("sessions").insert(doc)
        return session_id

    def finish_session(self, session_id: str, score: int, total: int) -> bool:
        """Close a session; False if there is no such session (e.g. reset meanwhile)."""
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (score, total)):
            raise TypeError("score and total must be whole numbers")
        now = format_time(self._now())
        with self._writing():
            doc_id = self._index(self._main_db, "sessions", "id").get(session_id)
            if doc_id is None:
                return False
            self._main_db.table("sessions").update({"ended": now, "score": score, "total": total}, doc_ids=[doc_id])
        return True

    def sessions(self) -> list[Session]:
        docs = sorted(self._docs(self._main_db, "sessions"), key=lambda d: (d["started"], d["id"]))
        return [
            Session(
                id=d["id"],
                mode=d["mode"],
                topics=tuple(d["topics"]),
                started=parse_time(d["started"]),
                ended=parse_time(d["ended"]) if d.get("ended") else None,
                score=d.get("score"),
                total=d.get("total"),
            )
            for d in docs
        ]

    # ------------------------------------------------------------ position and settings

    def save_position(self, topic_id: str, entry_id: str) -> None:
        _check_id(topic_id, "topic id")
        _check_id(entry_id, "entry id")
        with self._writing():
            self._main_db.table("position").upsert(Document({"topic": topic_id, "entry": entry_id}, doc_id=1))

    def position(self) -> tuple[str, str] | None:
        docs = self._docs(self._main_db, "position")
        return (docs[-1]["topic"], docs[-1]["entry"]) if docs else None

    def get_setting(self, key: str, default: Any = None) -> Any:
        with self._mutex:
            doc_id = self._index(self._main_db, "settings", "key").get(key)
            if doc_id is None:
                return default
            doc = self._main_db.table("settings").get(doc_id=doc_id)
            return copy.deepcopy(doc["value"]) if doc is not None else default

    def set_setting(self, key: str, value: Any) -> None:
        _check_id(key, "setting name")
        _check_json(value, f"setting {key!r}")
        with self._writing():
            self._upsert(self._main_db, "settings", "key", {"key": key, "value": copy.deepcopy(value)})

    def settings(self) -> dict[str, Any]:
        return {d["key"]: copy.deepcopy(d["value"]) for d in self._docs(self._main_db, "settings")}

    # ------------------------------------------------------------ scheduler cards

    def card(self, card_id: str) -> dict | None:
        with self._mutex:
            db = self._cards.of(card_id)
            doc_id = self._index(db, "cards", "card").get(card_id)
            if doc_id is None:
                return None
            doc = db.table("cards").get(doc_id=doc_id)
            return copy.deepcopy(doc["state"]) if doc is not None else None

    def save_card(self, card_id: str, state: dict) -> None:
        """Store a card's state (a JSON dict with ``"due"``, an ISO-8601 time with a timezone).

        Rewrites only the card's topic file (``cards/<topic>.json``)."""
        _check_id(card_id, "card id")
        _check_card(state)
        with self._writing():
            self._upsert(self._cards.of(card_id), "cards", "card", {"card": card_id, "state": copy.deepcopy(state)})

    def cards(self) -> dict[str, dict]:
        return {d["card"]: copy.deepcopy(d["state"]) for d in self._cards.docs()}

    def due_cards(self, now: datetime | None = None) -> list[str]:
        """Card ids whose ``due`` is at or before ``now`` (default: the clock)."""
        moment = now or self._now()
        return [d["card"] for d in self._cards.docs() if parse_time(d["state"]["due"]) <= moment]

    # ------------------------------------------------------------ activity

    def daily_activity(self, days: int) -> list[tuple[date, int, int, int]]:
        """``(local date, attempts, correct, reviews)`` for the last ``days`` days, today last.

        Reviews are entry marks ("got it" / "again").
        """
        from progress import stats

        attempt_days, mark_days = self._per_day()
        return stats.daily_activity(attempt_days, mark_days, today=self.today(), days=days)

    def streak_days(self) -> int:
        """Consecutive local days with an attempt or a mark, ending today (or yesterday)."""
        from progress import stats

        return stats.streak(stats.active_days(*self._per_day()), self.today())

    def _per_day(self) -> tuple[dict[date, list[int]], dict[date, list[int]]]:
        from progress import stats

        attempts, marks = self._attempts.merged(), self._marks.merged()
        cached = self._derived.get("per_day")
        if cached is None or cached[0] != (id(attempts), id(marks), self._tz):
            days = (stats.per_day(attempts["b"], self._tz), stats.per_day(marks["b"], self._tz))
            # keep the merged summaries alive with the key, so their ids cannot be reused
            cached = self._derived["per_day"] = ((id(attempts), id(marks), self._tz), (days, attempts, marks))
        return cached[1][0]

    # ------------------------------------------------------------ export, import, reset

    def export(self) -> dict:
        """Everything, as plain JSON data (what ``awstutor progress export`` writes)."""
        with self._mutex:
            main = self._main_db
            position = self.position()
            return {
                "format": schema.EXPORT_FORMAT,
                "schema": schema.EXPORT_VERSION,
                "exported_at": format_time(self._now()),
                "entries": [dict(d) for d in main.table("entries")],
                "marks": [dict(d) for n in self._marks.numbers() for d in self._marks.read(n)],
                "attempts": [dict(d) for n in self._attempts.numbers() for d in self._attempts.read(n)],
                "sessions": [dict(d) for d in main.table("sessions")],
                "position": {"topic": position[0], "entry": position[1]} if position else None,
                "settings": self.settings(),
                "cards": self.cards(),
            }

    def import_data(self, data: dict) -> ImportResult:
        """Merge an export. Validated first (:class:`~progress.schema.InvalidImport`,
        a :class:`ProgressError`); records carry ids, so importing twice adds nothing."""
        layout = schema.check_export(data)
        result = ImportResult()
        with self._writing():
            result.added["attempts"], already = self._import_log(self._attempts, layout.attempts)
            result.already += already
            result.added["marks"], already = self._import_log(self._marks, layout.marks)
            result.already += already
            self._import_entries(layout.entries, result)
            self._import_sessions(layout.sessions, result)
            self._import_cards(layout.cards, result)
            main = self._main_db
            index = self._index(main, "settings", "key")
            new_settings = [s for s in layout.settings if s["key"] not in index]
            if new_settings:
                main.table("settings").insert_multiple(new_settings)
            result.added["settings"] = len(new_settings)
            result.already += len(layout.settings) - len(new_settings)
            result.added["position"] = 0
            if layout.position is not None:
                if self.position() is None:
                    main.table("position").upsert(Document(layout.position, doc_id=1))
                    result.added["position"] = 1
                else:
                    result.already += 1
        return result

    def _import_log(self, log: _Log, docs: list[dict]) -> tuple[int, int]:
        known = {d["id"] for n in log.numbers() for d in log.read(n)}
        new = []
        for doc in docs:
            if doc["id"] not in known:
                known.add(doc["id"])
                new.append(doc)
        new.sort(key=lambda d: (d["at"], d["id"]))
        log.append(new)
        return len(new), len(docs) - len(new)

    def _import_entries(self, entries: list[dict], result: ImportResult) -> None:
        table = self._main_db.table("entries")
        index = self._index(self._main_db, "entries", "entry")
        incoming: dict[str, dict] = {}
        for doc in entries:
            have = incoming.get(doc["entry"])
            incoming[doc["entry"]] = _merge_seen(have, doc) if have else doc
        changes: dict[int, dict] = {}  # doc id -> merged document
        for entry, doc in incoming.items():
            doc_id = index.get(entry)
            current = table.get(doc_id=doc_id) if doc_id is not None else None
            if doc_id is None or current is None:
                continue
            merged = _merge_seen(dict(current), doc)
            if merged != dict(current):
                changes[doc_id] = merged
        if changes:
            by_entry = {doc["entry"]: doc for doc in changes.values()}
            table.update(lambda d: d.update(by_entry[d["entry"]]), doc_ids=list(changes))
        new = [doc for entry, doc in incoming.items() if entry not in index]
        if new:
            table.insert_multiple(new)
        result.added["entries"] = len(new)
        result.updated["entries"] = len(changes)
        result.already += len(incoming) - len(new) - len(changes)

    def _import_sessions(self, sessions: list[dict], result: ImportResult) -> None:
        table = self._main_db.table("sessions")
        index = self._index(self._main_db, "sessions", "id")
        new, finished = [], {}
        for doc in sessions:
            doc_id = index.get(doc["id"])
            if doc_id is None:
                if doc["id"] not in {d["id"] for d in new}:
                    new.append(doc)
                continue
            current = table.get(doc_id=doc_id)
            if current is not None and current.get("ended") is None and doc.get("ended") is not None:
                finished[doc_id] = {"ended": doc["ended"], "score": doc.get("score"), "total": doc.get("total")}
            else:
                result.already += 1
        for doc_id, fields in finished.items():
            table.update(fields, doc_ids=[doc_id])
        if new:
            table.insert_multiple(new)
        result.added["sessions"] = len(new)
        result.updated["sessions"] = len(finished)

    def _import_cards(self, cards: list[dict], result: ImportResult) -> None:
        result.added["cards"] = result.updated["cards"] = 0
        by_shard: dict[str, list[dict]] = {}
        for doc in cards:
            by_shard.setdefault(schema.card_shard(doc["card"]), []).append(doc)
        if by_shard:
            ensure_private_dir(self._cards.folder)
        for name in sorted(by_shard):
            self._import_shard(self._cards.db(name), by_shard[name], result)

    def _import_shard(self, db: ProgressDB, cards: list[dict], result: ImportResult) -> None:
        table = db.table("cards")
        index = self._index(db, "cards", "card")
        new, newer = [], {}
        for doc in cards:
            doc_id = index.get(doc["card"])
            if doc_id is None:
                new.append(doc)
                continue
            current = table.get(doc_id=doc_id)
            if current is not None and _later_review(doc["state"], current["state"]):
                newer[doc_id] = doc["state"]
            else:
                result.already += 1
        if newer:
            by_card = {doc["card"]: doc["state"] for doc in cards if index.get(doc["card"]) in newer}
            table.update(lambda d: d.update(state=by_card[d["card"]]), doc_ids=list(newer))
        if new:
            table.insert_multiple(new)
        result.added["cards"] += len(new)
        result.updated["cards"] += len(newer)

    def reset(self, prefix: str | None = None) -> dict[str, int]:
        """Delete progress: everything (``None``), or what lies under ``prefix`` (a topic id,
        or any id: ``"dynamodb"`` matches ``"dynamodb/..."``). Settings are kept.
        Returns how many records of each kind were deleted."""
        removed: dict[str, int] = {}
        with self._writing():
            main = self._main_db
            if prefix is None:
                removed["attempts"] = self._attempts.delete_all()
                removed["marks"] = self._marks.delete_all()
                for name in ("entries", "sessions", "position"):
                    removed[name] = len(main.table(name))
                    if removed[name]:
                        main.table(name).truncate()
                removed["cards"] = self._cards.delete_all()
                return removed
            removed["attempts"] = self._attempts.remove_where(lambda d: under(d["question"], prefix))
            removed["marks"] = self._marks.remove_where(lambda d: under(d["entry"], prefix))
            removed["entries"] = _remove(main.table("entries"), lambda d: under(d["entry"], prefix))
            removed["sessions"] = _remove(
                main.table("sessions"), lambda d: bool(d["topics"]) and all(under(t, prefix) for t in d["topics"])
            )
            removed["position"] = _remove(
                main.table("position"), lambda d: under(d["topic"], prefix) or under(d["entry"], prefix)
            )
            # every card under a prefix is in the prefix's topic shard
            removed["cards"] = _remove(self._cards.of(prefix).table("cards"), lambda d: under(d["card"], prefix))
        return removed

    # ------------------------------------------------------------ files

    def files(self) -> list[Path]:
        """The data files that exist now."""
        return data_files(self.data_dir)

    def moved_aside(self) -> list[Path]:
        return moved_aside_files(self.data_dir)


# ---------------------------------------------------------------- small helpers


def _check_id(value: Any, what: str) -> None:
    if not isinstance(value, str) or not value or value != value.strip():
        raise ValueError(f"{what} must be non-empty text without surrounding spaces, not {value!r}")


def _check_json(value: Any, what: str) -> None:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{what} must be a JSON value: {error}") from None


def _check_card(state: Any) -> None:
    if not isinstance(state, dict):
        raise TypeError("a card state must be a dict")
    due = state.get("due")
    try:
        if not isinstance(due, str):
            raise ValueError
        parse_time(due)
    except ValueError:
        raise ValueError(f"a card state needs 'due' as an ISO-8601 time with a timezone, not {due!r}") from None
    _check_json(state, "a card state")


def _merge_seen(a: dict | None, b: dict) -> dict:
    if a is None:
        return dict(b)
    firsts = [t for t in (a.get("first_seen"), b.get("first_seen")) if t]
    lasts = [t for t in (a.get("last_seen"), b.get("last_seen")) if t]
    return {
        "entry": a["entry"],
        "first_seen": min(firsts) if firsts else None,
        "last_seen": max(lasts) if lasts else None,
    }


def _later_review(new: dict, old: dict) -> bool:
    """Whether an imported card state is from a later review than the one stored."""
    try:
        new_at, old_at = new.get("last_review"), old.get("last_review")
        if not new_at:
            return False
        if not old_at:
            return True
        return parse_time(new_at) > parse_time(old_at)
    except (TypeError, ValueError):
        return False


def _remove(table: Any, predicate: Callable[[dict], bool]) -> int:
    ids = [doc.doc_id for doc in table if predicate(doc)]
    if ids:
        table.remove(doc_ids=ids)
    return len(ids)
