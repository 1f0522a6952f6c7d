"""The store's files under guard: opening, the lock, fresh reads, bad files, notices, read-only.

:class:`GuardedFiles` is what :class:`~progress.store.ProgressStore` is built
on: it opens the data folder (:mod:`progress.folder`), holds the files
(``progress.json``, the card shards, the two logs), and gives the store's
methods what they need to be safe:

* ``_writing()``: the thread mutex and the cross-process lock around a change,
  on fresh data (every file another process replaced is read again: TinyDB
  reads go through the storage's stat check), and one
  :class:`~progress.errors.StoreWriteError` for any failure; in a read-only
  store it refuses at once;
* ``_on_bad``: a bad file is moved aside as itself and told, once, in
  :attr:`GuardedFiles.notices` (which :meth:`GuardedFiles.new_notices` hands
  out as they come, for the app to show while it runs);
* :meth:`GuardedFiles.fingerprint`: whether anything changed, from stats only.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import Any, Self

from progress import folder
from progress.cards import Cards
from progress.errors import BadFile, ProgressError, StoreWriteError
from progress.files import Signature, move_aside, oserror_text, stat_signature
from progress.log import Log
from progress.schema import ATTEMPTS_DIR, CARDS_DIR, MAIN_FILE, MARKS_DIR, stamp, validator
from progress.storage import AtomicJSONStorage, ProgressDB

# Records per segment. Each answer rewrites its segment, so the cost of a write
# grows with this number, while aggregates read one file per segment: see
# bench/progress_store.py --sweep for the measurement behind the choice.
DEFAULT_SEGMENT_SIZE = 250
Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class GuardedFiles:
    """The files of a data folder, the lock over them and what was found wrong with them."""

    def __init__(self, data_dir: Path, *, clock: Clock, tz: tzinfo | None, segment_size: int, lock: Any) -> None:
        self.data_dir = data_dir
        self.segment_size = segment_size
        self.notices: list[str] = []  # one line each, for the user (the CLI prints them on stderr)
        self.read_only = False
        self._read_only_why = ""
        self._told = 0  # notices handed out by new_notices()
        self._reported: set[tuple[object, ...]] = set()  # problems already told, not to be told again
        self._clock = clock
        self._tz = tz
        self._lock = lock
        self._mutex = threading.RLock()
        self._depth = 0
        self._main = self._db(MAIN_FILE, "main")
        self._cards = Cards(data_dir / CARDS_DIR, mutex=self._mutex, on_bad=self._on_bad)
        self._attempts = Log(data_dir / ATTEMPTS_DIR, "attempts", segment_size, mutex=self._mutex, on_bad=self._on_bad)
        self._marks = Log(data_dir / MARKS_DIR, "marks", segment_size, mutex=self._mutex, on_bad=self._on_bad)
        self._index_cache: dict[tuple[str, str], tuple[int, dict[str, int]]] = {}

    # ------------------------------------------------------------ opening

    @classmethod
    def open(
        cls,
        data_dir: str | os.PathLike[str],
        *,
        clock: Clock | None = None,
        tz: tzinfo | None = None,
        segment_size: int | None = None,
        lock_timeout: float = 15.0,
    ) -> Self:
        """Open (creating if needed) the store in ``data_dir``.

        Never raises for bad files: they are moved aside and told in
        :attr:`notices`. A folder that cannot be written (read-only, full, not
        ours) opens :attr:`read_only`, with a notice. Raises
        :class:`ProgressError` only when the folder cannot be used at all (not
        a folder, cannot be created, locked for ``lock_timeout`` s). ``clock``
        returns aware datetimes (default: now in UTC); ``tz`` is the local
        timezone for "days" (default: the system's).
        """
        data_dir = Path(data_dir).expanduser()
        size = segment_size or DEFAULT_SEGMENT_SIZE
        if size < 1:
            raise ValueError("segment_size must be at least 1")
        notices: list[str] = []
        folder.open_data_folder(data_dir, notices.append)
        import filelock  # ~50 ms: only when a store is opened

        lock = filelock.FileLock(
            str(data_dir / folder.LOCK_FILE), timeout=lock_timeout, mode=0o600, thread_local=False, poll_interval=0.002
        )
        store = cls(data_dir, clock=clock or _utc_now, tz=tz, segment_size=size, lock=lock)
        store.notices.extend(notices)
        store._start()
        store._told = len(store.notices)
        return store

    def _start(self) -> None:
        folder.clear_lock_path(self.data_dir, self._stamp, self._notify)
        try:
            with self._locked():
                folder.prepare_subfolders(self.data_dir, self._stamp, self._notify)
                self._check_files()
            return
        except StoreWriteError as error:
            cause = error.__cause__
            if not (isinstance(cause, OSError) and cause.errno in folder.UNWRITABLE):
                raise ProgressError(error.message) from cause
            self.read_only, self._read_only_why = True, oserror_text(cause)
        self._notify(f"progress: {self.data_dir} cannot be written ({self._read_only_why}): opened read-only")
        folder.check_subfolders(self.data_dir)
        self._check_files()

    def _check_files(self) -> None:
        """Read (and so validate) every file now; a sealed segment only if it changed since it was summarised."""
        self._main.storage.read()
        self._cards.check()
        self._attempts.check()
        self._marks.check()

    def _db(self, name: str, kind: str) -> ProgressDB:
        return ProgressDB(
            self.data_dir / name,
            storage=AtomicJSONStorage,
            stamp=stamp(kind),
            validate=validator(kind),
            on_bad=self._on_bad,
        )

    def _stamp(self) -> str:
        return self._now().astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")

    def _on_bad(self, path: Path, bad: BadFile, sig: Signature) -> None:
        """Move a bad file aside and say so (unless it changed since it was read)."""
        name = path.relative_to(self.data_dir).as_posix() if path.is_relative_to(self.data_dir) else str(path)
        once = (str(path), sig, bad.reason)
        with self._mutex:
            if self.read_only:
                if once not in self._reported:
                    self._reported.add(once)
                    self._notify(f"progress: {name} {bad.detail}; read as empty (the folder is read-only)")
                return
            try:
                with self._locked():
                    if stat_signature(path) != sig:
                        return  # replaced meanwhile: the caller reads the new one
                    target = move_aside(path, bad.reason, self._stamp())
            except (OSError, StoreWriteError) as error:
                if once not in self._reported:
                    self._reported.add(once)
                    why = oserror_text(error) if isinstance(error, OSError) else error.message
                    self._notify(f"progress: {name} {bad.detail}; could not move it aside ({why}): read as empty")
                return
            log = {self._attempts.folder: self._attempts, self._marks.folder: self._marks}.get(path.parent)
            if log is None:
                outcome = "started fresh"  # a file that holds all of its kind
            else:
                held = log.held(path.name)
                what = "answer" if log is self._attempts else "mark"
                count = f"{held} {what}{'s' if held != 1 else ''}" if held else f"{what}s"
                outcome = f"went on without its {count}"
            self._notify(f"progress: {name} {bad.detail}; moved it to {target} and {outcome}")

    def _notify(self, text: str) -> None:
        with self._mutex:
            self.notices.append(text)

    def new_notices(self) -> list[str]:
        """Notices found since the last call (the first call: since open; those of the open are in :attr:`notices`)."""
        with self._mutex:
            fresh = self.notices[self._told :]
            self._told = len(self.notices)
            return fresh

    def close(self) -> None:
        with self._mutex:
            self._main.close()
            self._cards.close()
            self._attempts.close()
            self._marks.close()

    def __enter__(self) -> Self:
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
            raise StoreWriteError(
                f"progress in {self.data_dir} is locked by another awstutor process; try again"
            ) from None
        except OSError as error:
            raise StoreWriteError(f"cannot lock {self.data_dir / folder.LOCK_FILE}: {oserror_text(error)}") from error

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Around every change: the lock, fresh data, and one :class:`StoreWriteError` for any failure."""
        if self.read_only:
            raise StoreWriteError(
                f"progress in {self.data_dir} is read-only ({self._read_only_why}); nothing was saved"
            )
        with self._locked():
            try:
                yield
            except StoreWriteError:
                raise
            except ProgressError as error:
                raise StoreWriteError(error.message) from error
            except OSError as error:
                raise StoreWriteError(f"could not save progress in {self.data_dir}: {oserror_text(error)}") from error

    def _invalidate(self) -> None:
        self._main.atomic_storage.invalidate()
        self._cards.invalidate()
        self._attempts.invalidate()
        self._marks.invalidate()

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

    def _docs(self, db: ProgressDB, table: str) -> list[Any]:
        with self._mutex:
            return db.table(table).all()

    def _upsert(self, db: ProgressDB, table: str, key: str, doc: dict[str, Any]) -> None:
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

    def fingerprint(self) -> tuple[object, ...]:
        """A value that changes whenever a data file changes, in any process: stats only, no reads.

        Compare it with the last one to know whether to read again. It is the
        stat signature (inode, mtime, size) of ``progress.json``, of every card
        file and of every segment (a listing of three folders and an ``lstat``
        per file: about a millisecond at 50,000 answers). Reading never
        changes it (the summaries cache is not part of it).
        """
        with self._mutex:
            return (
                stat_signature(self.data_dir / MAIN_FILE),
                self._cards.signatures(),
                self._attempts.signatures(),
                self._marks.signatures(),
            )
