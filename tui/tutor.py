"""The tutor service: the course and the learner's progress, as every screen needs them.

One :class:`Tutor` per app (the app factory builds it; screens receive it). It
joins the two plain layers, ``lessons`` (course, question bank, quiz sessions) and
``progress`` (store, scheduler), and imports no Textual, so the command line and
a line-mode front end can use it too.

Writes are write-through: an answer or a mark is on disk when the call returns.
When a write fails (a full disk, a read-only data folder), the call raises
:class:`SaveFailed` with one line for the learner and keeps the answers in
memory; the next write retries them first.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from lessons.model import Course, Entry, Question
from progress.scheduler import AGAIN, Scheduler
from progress.store import ProgressError, ProgressStore

if TYPE_CHECKING:
    from lessons.bank import QuestionBank
    from lessons.quiz import Quiz, QuizItem
    from lessons.search import SearchIndex
    from lessons.session import Attempt, QuizSession

QUIZ_SETTING = "quiz_in_progress"  # the unfinished quiz, for a resume after a dropped session
THEME_SETTING = "theme"


class SaveFailed(Exception):
    """A write to the progress store failed; ``message`` is one line for the learner."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Tutor:
    """Course, store, scheduler, question bank, marks and the search index, with no UI."""

    def __init__(
        self,
        course: Course,
        store: ProgressStore,
        *,
        clock: Callable[[], datetime] | None = None,
        search_loader: Callable[[], SearchIndex] | None = None,
    ) -> None:
        self.course = course
        self.store = store
        self.clock = clock
        self.scheduler = Scheduler(store, clock=clock)
        self.calc_history: list[Any] = []  # the session's calculations, shared by every screen
        self._search_loader = search_loader
        self._index: SearchIndex | None = None
        self._bank: QuestionBank | None = None
        self._marks: dict[str, str] = store.latest_marks()
        self._fingerprint = store.fingerprint()
        self.notices: list[str] = list(store.notices)  # what the store had to say, this session
        self._seen: set[str] = set()
        self._due: dict[str, int] | None = None
        self._pending: list[tuple[Attempt, str, str | None, bool]] = []  # answers not yet on disk

    # ------------------------------------------------------------------ time

    def now_seconds(self) -> float:
        """Seconds on the tutor's clock (a fake clock in tests), for quiz timing."""
        if self.clock is not None:
            return self.clock().timestamp()
        return time.monotonic()

    def describe_when(self, moment: datetime) -> str:
        """'in 3 days (Mon 30 Nov, 10:04)' in the learner's local time."""
        from progress.dashboard import describe_when

        now = self.scheduler.now()
        return describe_when(moment, now, self.store.local(now).tzinfo)

    # ------------------------------------------------------------------ marks and position

    def mark_of(self, entry_id: str) -> str | None:
        return self._marks.get(entry_id)

    def marks_summary(self) -> tuple[set[str], set[str]]:
        """(learned, again): entries whose latest mark is "got" / "again"."""
        learned = {e for e, m in self._marks.items() if m == "got"}
        again = {e for e, m in self._marks.items() if m == "again"}
        return learned, again

    def learned_in(self, entries: Iterable[Entry]) -> int:
        return sum(1 for e in entries if self._marks.get(e.id) == "got")

    def mark_entry(self, entry_id: str, mark: str) -> None:
        """ "got it" / "again": stored, and the entry's card rated (Good / Again)."""
        with self._saving("mark"):
            self.store.mark_entry(entry_id, mark)
            self._marks[entry_id] = mark
            self.scheduler.rate_mark(entry_id, mark)
        self._due = None

    def review_entry(self, entry_id: str, rating: int) -> None:
        """An entry flashcard rated in a review: a got-it / again mark and the card's schedule."""
        mark = "again" if rating == AGAIN else "got"
        with self._saving("rating"):
            self.store.mark_entry(entry_id, mark)
            self._marks[entry_id] = mark
            self.scheduler.rate(entry_id, rating)
        self._due = None

    def resume_position(self) -> str | None:
        position = self.store.position()
        return position[1] if position else None

    def remember_position(self, topic_id: str, entry_id: str) -> None:
        """Where the learner is (to resume there) and that the entry was seen (once a session).
        Losing this to a failed write costs nothing worth interrupting the learner for."""
        try:
            self.store.save_position(topic_id, entry_id)
            if entry_id not in self._seen:
                self.store.mark_seen(entry_id)
                self._seen.add(entry_id)
        except (ProgressError, OSError):
            pass

    # ------------------------------------------------------------------ what is due

    def due_by_topic(self) -> dict[str, int]:
        if self._due is None:
            self._due = self.scheduler.due_by_topic()
        return self._due

    def due_count(self) -> int:
        return sum(self.due_by_topic().values())

    def due_cards(self) -> list[str]:
        """Due cards that exist in the loaded course (entries or questions), most overdue first."""
        bank = self.bank()
        return [c for c in self.scheduler.due_now() if c in self.course.entries or bank.get(c) is not None]

    def next_due_text(self) -> str:
        nxt = self.scheduler.next_due()
        return self.describe_when(nxt) if nxt else "once you have marked entries or answered questions"

    def reload(self) -> None:
        """Read marks and due cards again (another process may have written them)."""
        self._fingerprint = self.store.fingerprint()
        self._marks = self.store.latest_marks()
        self._due = None

    def refresh(self) -> bool:
        """Catch up with the world: another process's writes (only when the store's files
        changed: a stat of each, no read) and cards that fell due since. True when what the
        screens show (marks, due counts) is different now."""
        marks, due = self._marks, self.due_by_topic()
        fingerprint = self.store.fingerprint()
        if fingerprint != self._fingerprint:
            self._fingerprint = fingerprint
            self._marks = self.store.latest_marks()
        self._due = None
        return self._marks != marks or self.due_by_topic() != due

    def new_notices(self) -> list[str]:
        """What the store found since it opened (a damaged file moved aside...), once each;
        kept in :attr:`notices` too, for the dashboard."""
        found = self.store.new_notices()
        self.notices.extend(found)
        return found

    @property
    def read_only(self) -> bool:
        return self.store.read_only

    # ------------------------------------------------------------------ quizzes

    def bank(self) -> QuestionBank:
        """The question bank, built on first use (the first screen does not need it)."""
        if self._bank is None:
            from lessons.bank import QuestionBank

            self._bank = QuestionBank.build(self.course)
        return self._bank

    def build_quiz(
        self,
        mode: str,
        topics: Iterable[str] = (),
        count: int | None = None,
        seed: int | None = None,
        *,
        domain: int | None = None,
    ) -> Quiz:
        """A quiz for ``mode``; raises :class:`lessons.quiz.QuizError` with one line when there is none."""
        from lessons.quiz import QuizSpec, build_quiz

        spec = QuizSpec(mode=mode, topics=list(topics), count=count, seed=seed, domain=domain)
        return build_quiz(self.bank(), spec, last_results=self.store.last_results())

    def quiz_item(self, question: Question, rng: Any) -> QuizItem:
        """A question as a quiz asks it: choices shuffled, numeric parameters drawn."""
        from lessons.quiz import QuizSpec, build_quiz

        spec = QuizSpec(mode="due", topics=[question.topic_id])
        return build_quiz(self.bank(), spec, due_ids=[question.id], rng=rng).items[0]

    def start_session(self, quiz: Quiz) -> QuizSession:
        """A new quiz session, its record in the store, and its resumable state saved."""
        session_id: str | None = None
        try:
            session_id = self.store.start_session(quiz.spec.mode, [str(t) for t in quiz.spec.topics])
        except (ProgressError, OSError):
            pass  # the quiz still runs; its summary row is what is lost
        from lessons.session import QuizSession

        session = QuizSession(quiz, started=self.now_seconds(), session_id=session_id)
        self.save_quiz(session)
        return session

    def saved_quiz(self) -> QuizSession | None:
        """The unfinished quiz an earlier session left, if it can be rebuilt."""
        data = self.store.get_setting(QUIZ_SETTING)
        if not data:
            return None
        from lessons.session import QuizSession

        return QuizSession.restore(data, self.bank(), self.now_seconds())

    def saved_quiz_summary(self) -> tuple[int, int] | None:
        """(answered, total) of the saved unfinished quiz, without building the bank."""
        data = self.store.get_setting(QUIZ_SETTING)
        if not isinstance(data, dict):
            return None
        responses, items = data.get("responses"), data.get("items")
        if not isinstance(responses, dict) or not isinstance(items, list) or not responses:
            return None
        return len(responses), len(items)

    def save_quiz(self, session: QuizSession) -> None:
        """Keep the unfinished quiz in the store, so a dropped session can resume it."""
        try:
            self.store.set_setting(QUIZ_SETTING, None if session.finished else session.snapshot(self.now_seconds()))
        except (ProgressError, OSError):
            pass  # the answers themselves are kept (and retried) by record()

    def record(
        self, attempts: Iterable[Attempt], *, mode: str, session_id: str | None, rate: bool = True
    ) -> int | None:
        """Write the attempts (and rate their cards), oldest pending first.

        Returns the rating of the last attempt. Raises :class:`SaveFailed` when the
        store cannot be written; the attempts stay pending and are retried by the
        next call (or :meth:`retry_pending`).
        """
        self._pending.extend((a, mode, session_id, rate) for a in attempts)
        return self.retry_pending()

    def retry_pending(self) -> int | None:
        rating: int | None = None
        while self._pending:
            attempt, mode, session_id, rate = self._pending[0]
            with self._saving("answer"):
                self.store.record_attempt(
                    attempt.question.id,
                    answer=attempt.grade.given,
                    correct=attempt.grade.correct,
                    seconds=round(attempt.seconds, 2),
                    mode=mode,
                    session_id=session_id,
                )
                self._pending.pop(0)
                if rate:
                    question = attempt.question
                    rating = self.scheduler.rate_answer(
                        question.id, question.type, attempt.grade.correct, attempt.seconds
                    )
                    self._due = None
        return rating

    @property
    def pending(self) -> int:
        """Answers given but not yet on disk (a write failed)."""
        return len(self._pending)

    def failure_text(self, error: SaveFailed) -> str:
        """What to tell the learner when a write failed: the reason, and what is kept."""
        n = len(self._pending)
        if not n:
            return error.message
        return f"{error.message} {n} answer{'s' if n != 1 else ''} kept in memory; retried on the next save."

    def finish_quiz(self, session: QuizSession) -> None:
        """End a quiz: an exam's final answers recorded and rated, the summary row closed."""
        attempts = session.finish()
        try:
            self.store.set_setting(QUIZ_SETTING, None)
        except (ProgressError, OSError):
            pass
        self.record(attempts, mode=session.quiz.spec.mode, session_id=session.session_id)
        if session.session_id:
            score = session.score()
            with self._saving("quiz result"):
                self.store.finish_session(session.session_id, score.correct, score.total)

    # ------------------------------------------------------------------ settings

    def setting(self, key: str, default: Any = None) -> Any:
        try:
            return self.store.get_setting(key, default)
        except (ProgressError, OSError):
            return default

    def set_setting(self, key: str, value: Any) -> None:
        """A preference (theme, welcomed): not worth interrupting the learner when it cannot be saved."""
        try:
            if self.store.get_setting(key) != value:
                self.store.set_setting(key, value)
        except (ProgressError, OSError):
            pass

    # ------------------------------------------------------------------ search

    def search_index(self) -> SearchIndex:
        """The search index (from ``awstutor lookup``'s cache when the command gave a loader)."""
        if self._index is None:
            if self._search_loader is not None:
                self._index = self._search_loader()
            else:
                from lessons.search import SearchIndex

                self._index = SearchIndex.build(self.course)
        return self._index

    # ------------------------------------------------------------------ internals

    def _saving(self, what: str) -> _Saving:
        return _Saving(what)


class _Saving:
    """Turns a failed store write into :class:`SaveFailed` with one line for the learner."""

    def __init__(self, what: str) -> None:
        self.what = what

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: Any) -> bool:
        if error is None:
            return False
        if isinstance(error, ProgressError):
            raise SaveFailed(f"Could not save the {self.what}: {error.message}") from None
        if isinstance(error, OSError):
            reason = error.strerror or str(error)
            raise SaveFailed(f"Could not save the {self.what}: {reason}") from None
        return False
