"""The progress store: what the learner did, kept safe on disk. Open with :meth:`ProgressStore.open`.

One store per data folder (``Locations.resolve(...).data``)::

    progress.json         entries seen, quiz sessions, position, settings
    cards/<topic>.json    scheduler cards (FSRS state) of one topic      (progress.cards)
    attempts/000001.json  answers, append-only segments                   (progress.log)
    marks/000001.json     "got it" / "again" marks, segmented the same way
    .lock                 the cross-process lock

Every file is a TinyDB database on :class:`~progress.storage.AtomicJSONStorage`
(atomic, fsynced, stat-checked, never through a link); :mod:`progress.schema`
says what each holds.

* **Write-through**: a recording call returns once its file is on disk; a
  write that cannot be saved raises :class:`StoreWriteError` and changes nothing.
* **Two sessions at once**: every read-modify-write (a card rating through
  :meth:`ProgressStore.update_card`, marks, settings, sessions) holds a
  ``filelock`` on ``.lock`` and works on fresh data: a file another process
  replaced is read again (detected by stat: inode, mtime_ns, size). Readers
  are fresh the same way; :meth:`ProgressStore.fingerprint` says cheaply
  whether anything changed.
* **Bad files** (not JSON, wrong shape, another schema, a link, not a regular
  file) are moved aside as themselves (``progress.corrupt-<UTC time>.json``,
  ``cards/s3.symlink-...``) with a line in :attr:`ProgressStore.notices`,
  found at open or later (:meth:`ProgressStore.new_notices`); the store starts
  that file fresh (a bad sealed segment: goes on without its records).
* **Folders**: the data folder is created 0700 when created here; an existing
  one's mode is never changed (a notice says when others can read it). A data
  folder that cannot be written opens read-only (:attr:`ProgressStore.read_only`).

Nothing here imports Textual, ``tui`` or ``lessons``; ``filelock`` is imported
only when a store is opened.
"""

from __future__ import annotations

import copy
import math
import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tinydb.table import Document

from progress import activity
from progress.errors import ProgressError, StoreWriteError
from progress.folder import data_files, moved_aside_files
from progress.guard import DEFAULT_SEGMENT_SIZE, GuardedFiles
from progress.limits import (
    MAX_COUNT,
    MIN_TIME,
    check_card,
    check_id,
    check_text,
    check_value,
    format_time,
    parse_time,
    parse_time_or,
    show,
    value_problem,
)
from progress.records import Attempt, EntryState, QuestionStats, Session
from progress.schema import MARKS, check_export

if TYPE_CHECKING:
    from progress import transfer

__all__ = [
    "DEFAULT_SEGMENT_SIZE",
    "Attempt",
    "EntryState",
    "ProgressError",
    "ProgressStore",
    "QuestionStats",
    "Session",
    "StoreWriteError",
    "data_files",
    "moved_aside_files",
]


class ProgressStore(GuardedFiles):
    """Progress on disk; see the module docstring. Open with :meth:`open`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._derived: dict[str, tuple[object, Any]] = {}  # figures worked out from a merged summary

    # ------------------------------------------------------------ entries

    def mark_seen(self, entry_id: str) -> None:
        check_id(entry_id, "entry id")
        now = format_time(self._now())
        with self._writing():
            db = self._main
            doc_id = self._index(db, "entries", "entry").get(entry_id)
            if doc_id is None:
                db.table("entries").insert({"entry": entry_id, "first_seen": now, "last_seen": now})
            else:
                db.table("entries").update({"last_seen": now}, doc_ids=[doc_id])

    def mark_entry(self, entry_id: str, mark: str) -> None:
        """Record "got" (got it) or "again" for an entry."""
        check_id(entry_id, "entry id")
        if mark not in MARKS:
            raise ValueError(f"mark must be 'got' or 'again', not {mark!r}")
        doc = {"id": uuid.uuid4().hex, "at": format_time(self._now()), "entry": entry_id, "mark": mark}
        with self._writing():
            self._marks.append([doc])

    def entry_state(self, entry_id: str) -> EntryState:
        with self._mutex:
            doc_id = self._index(self._main, "entries", "entry").get(entry_id)
            seen = self._main.table("entries").get(doc_id=doc_id) if doc_id is not None else None
            marks = list(self._marks.merged()["e"].get(entry_id, []))
        return EntryState(
            seen_at=parse_time(seen["last_seen"]) if seen and seen.get("last_seen") else None,
            marks=[(parse_time_or(at, MIN_TIME), mark) for at, mark, _ in marks],
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
        return {d["entry"]: parse_time(d["last_seen"]) for d in self._docs(self._main, "entries") if d.get("last_seen")}

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
        check_id(question_id, "question id")
        check_text(answer, "answer")
        check_text(mode, "mode")
        seconds = float(seconds)
        if not math.isfinite(seconds) or seconds < 0:
            raise ValueError(f"seconds must be a number >= 0, not {seconds!r}")
        if session_id is not None:
            check_id(session_id, "session id")
        doc = {
            "id": uuid.uuid4().hex,
            "at": format_time(self._now()),
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
        for doc in self._attempts.records():
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
                qid: QuestionStats(attempts=n, correct=ok, last_correct=last, last_at=parse_time_or(at, MIN_TIME))
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
        check_text(mode, "mode")
        for topic in topics:
            check_id(topic, "topic id")
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
            self._main.table("sessions").insert(doc)
        return session_id

    def finish_session(self, session_id: str, score: int, total: int) -> bool:
        """Close a session; False if there is no such session (e.g. reset meanwhile)."""
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (score, total)):
            raise TypeError("score and total must be whole numbers")
        if not (0 <= score <= MAX_COUNT and 0 <= total <= MAX_COUNT):
            raise ValueError(f"score and total must be between 0 and {MAX_COUNT:,}")
        now = format_time(self._now())
        with self._writing():
            doc_id = self._index(self._main, "sessions", "id").get(session_id)
            if doc_id is None:
                return False
            self._main.table("sessions").update({"ended": now, "score": score, "total": total}, doc_ids=[doc_id])
        return True

    def sessions(self) -> list[Session]:
        docs = sorted(self._docs(self._main, "sessions"), key=lambda d: (d["started"], d["id"]))
        return [Session.from_doc(d) for d in docs]

    # ------------------------------------------------------------ position and settings

    def save_position(self, topic_id: str, entry_id: str) -> None:
        check_id(topic_id, "topic id")
        check_id(entry_id, "entry id")
        with self._writing():
            self._main.table("position").upsert(Document({"topic": topic_id, "entry": entry_id}, doc_id=1))

    def position(self) -> tuple[str, str] | None:
        docs = self._docs(self._main, "position")
        return (docs[-1]["topic"], docs[-1]["entry"]) if docs else None

    def _value(self, doc: dict[str, Any] | None) -> tuple[bool, Any]:
        """``(True, a copy of the value)`` of a setting document, or ``(False, None)`` when it is beyond the limits."""
        if doc is None:
            return False, None
        problem = value_problem(doc["value"])
        if problem:
            once = ("setting", doc["key"], problem)
            if once not in self._reported:
                self._reported.add(once)
                self._notify(f"progress: the setting {show(doc['key'])} {problem}; it is ignored")
            return False, None
        return True, copy.deepcopy(doc["value"])

    def get_setting(self, key: str, default: Any = None) -> Any:
        with self._mutex:
            doc_id = self._index(self._main, "settings", "key").get(key)
            if doc_id is None:
                return default
            found, value = self._value(self._main.table("settings").get(doc_id=doc_id))
            return value if found else default

    def set_setting(self, key: str, value: Any) -> None:
        check_id(key, "setting name")
        check_value(value, f"setting {key!r}")
        with self._writing():
            self._upsert(self._main, "settings", "key", {"key": key, "value": copy.deepcopy(value)})

    def update_setting(self, key: str, change: Callable[[Any], Any], default: Any = None) -> Any:
        """Read-modify-write of one setting under the lock, on fresh data: ``change(value or default)``
        returns the new value, which is stored and returned."""
        check_id(key, "setting name")
        with self._writing():
            value = change(self.get_setting(key, default))
            check_value(value, f"setting {key!r}")
            self._upsert(self._main, "settings", "key", {"key": key, "value": copy.deepcopy(value)})
        return copy.deepcopy(value)

    def settings(self) -> dict[str, Any]:
        with self._mutex:
            values = {d["key"]: self._value(d) for d in self._docs(self._main, "settings")}
        return {key: value for key, (found, value) in values.items() if found}

    # ------------------------------------------------------------ scheduler cards

    def card(self, card_id: str) -> dict[str, Any] | None:
        with self._mutex:
            db = self._cards.of(card_id)
            doc_id = self._index(db, "cards", "card").get(card_id)
            if doc_id is None:
                return None
            doc = db.table("cards").get(doc_id=doc_id)
            return copy.deepcopy(doc["state"]) if doc is not None else None

    def save_card(self, card_id: str, state: dict[str, Any]) -> None:
        """Store a card's state (a JSON dict with ``"due"``, an ISO-8601 time with a timezone).

        Rewrites only the card's topic file (``cards/<topic>.json``)."""
        self.update_card(card_id, lambda _old: state)

    def update_card(self, card_id: str, change: Callable[[dict[str, Any] | None], dict[str, Any]]) -> dict[str, Any]:
        """Read-modify-write of one card under the lock, on fresh data.

        ``change(current state or None)`` returns the new state, which is
        stored (rewriting only the card's topic file) and returned. Two
        processes updating one card at once each see the other's change."""
        check_id(card_id, "card id")
        with self._writing():
            self._cards.writable()
            state = change(self.card(card_id))
            check_card(state)
            self._upsert(self._cards.of(card_id), "cards", "card", {"card": card_id, "state": copy.deepcopy(state)})
        return copy.deepcopy(state)

    def cards(self) -> dict[str, dict[str, Any]]:
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
        attempt_days, mark_days = self._per_day()
        return activity.daily_activity(attempt_days, mark_days, today=self.today(), days=days)

    def streak_days(self) -> int:
        """Consecutive local days with an attempt or a mark, ending today (or yesterday)."""
        return activity.streak(activity.active_days(*self._per_day()), self.today())

    def _per_day(self) -> tuple[dict[date, list[int]], dict[date, list[int]]]:
        attempts, marks = self._attempts.merged(), self._marks.merged()
        cached = self._derived.get("per_day")
        if cached is None or cached[0] != (id(attempts), id(marks), self._tz):
            days = (activity.per_day(attempts["b"], self._tz), activity.per_day(marks["b"], self._tz))
            # keep the merged summaries alive with the key, so their ids cannot be reused
            cached = self._derived["per_day"] = ((id(attempts), id(marks), self._tz), (days, attempts, marks))
        return cached[1][0]

    # ------------------------------------------------------------ export, import, reset

    def export(self) -> dict[str, Any]:
        """Everything, as plain JSON data (what ``awstutor progress export`` writes; it imports again)."""
        with self._mutex:
            from progress import transfer

            return transfer.export_data(
                main=self._main,
                attempts=self._attempts,
                marks=self._marks,
                settings=self.settings(),
                cards=self.cards(),
                position=self.position(),
                exported_at=format_time(self._now()),
            )

    def import_data(self, data: Any) -> transfer.ImportResult:
        """Merge an export. Checked first (:class:`~progress.errors.InvalidImport`, one line naming
        the record); records carry ids, so importing twice adds nothing."""
        layout = check_export(data)
        with self._writing():
            from progress import transfer

            return transfer.import_layout(
                layout, main=self._main, attempts=self._attempts, marks=self._marks, cards=self._cards
            )

    def reset(self, prefix: str | None = None) -> dict[str, int]:
        """Delete progress: everything (``None``), or what lies under ``prefix`` (a topic id,
        or any id: ``"dynamodb"`` matches ``"dynamodb/..."``). Settings are kept.
        Returns how many records of each kind were deleted."""
        with self._writing():
            from progress import transfer

            return transfer.reset(
                prefix, main=self._main, attempts=self._attempts, marks=self._marks, cards=self._cards
            )

    # ------------------------------------------------------------ files

    def files(self) -> list[Path]:
        """The data files that exist now."""
        return data_files(self.data_dir)

    def moved_aside(self) -> list[Path]:
        return moved_aside_files(self.data_dir)
