"""Spaced repetition: FSRS for the long term, a short-term queue for the session.

Every entry and every question is a *card*, keyed by its id (``dynamodb/rcu``,
``dynamodb/q/optimistic-locking``). A card exists once it has been rated; its
FSRS state lives in the progress store (``store.save_card``), always with a
timezone-aware UTC ``due``.

Ratings:

* "got it" in a guided lesson -> Good; "again" -> Again (the entry's card);
* a quiz answer rates the question's card: wrong -> Again; right -> Good, or
  Easy when fast, or Hard when slow. *Fast* and *slow* depend on the kind of
  question (reading four choices takes longer than a true/false):

  ==========  =========  =========
  type        fast (s)   slow (s)
  ==========  =========  =========
  truefalse   <= 5       >= 20
  single      <= 8       >= 30
  multi       <= 12      >= 45
  typed       <= 10      >= 45
  numeric     <= 20      >= 90
  ==========  =========  =========

FSRS (the ``fsrs`` package) schedules every card. "Again" means soon: a card
rated Again comes back after :data:`LEARNING_STEP` (10 minutes: FSRS's single
learning step for a new card, its relearning step for a known one), so the due
list offers it again in the same study session; Hard on a new card means 15
minutes. Good and Easy go to FSRS's long-term schedule (days), as before.
Within a review session, :class:`ReviewQueue` also brings a failed card back
after a few others.

Rating is a read-modify-write of the card under the store's lock
(:meth:`~progress.store.ProgressStore.update_card`): two processes rating one
card at once keep both reviews.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from progress.limits import parse_time
from progress.schema import topic_of

if TYPE_CHECKING:
    from progress.store import ProgressStore

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
RATING_NAMES = {AGAIN: "again", HARD: "hard", GOOD: "good", EASY: "easy"}

# (fast, slow) thresholds in seconds per question type; see the module docstring.
THRESHOLDS: dict[str, tuple[float, float]] = {
    "truefalse": (5, 20),
    "single": (8, 30),
    "multi": (12, 45),
    "typed": (10, 45),
    "numeric": (20, 90),
}
REQUEUE_GAP = 3  # a failed card comes back after this many other cards (or at the end)
LEARNING_STEP = timedelta(minutes=10)  # when a card rated Again is due again


def rating_for_answer(correct: bool, seconds: float | None, question_type: str = "single") -> int:
    """The FSRS rating of a quiz answer (see the table in the module docstring)."""
    if not correct:
        return AGAIN
    fast, slow = THRESHOLDS.get(question_type, THRESHOLDS["single"])
    if seconds is None:
        return GOOD
    if seconds <= fast:
        return EASY
    if seconds >= slow:
        return HARD
    return GOOD


def rating_for_mark(mark: str) -> int:
    """ "got" -> Good, "again" -> Again."""
    return GOOD if mark == "got" else AGAIN


class Scheduler:
    """Rates cards and answers what is due, on an injectable clock."""

    def __init__(self, store: ProgressStore, *, clock: Callable[[], datetime] | None = None, fuzz: bool = True) -> None:
        self.store = store
        self._clock = clock
        self._fuzz = fuzz
        self._fsrs: Any = None

    @property
    def fsrs(self) -> Any:
        """The FSRS scheduler, imported on first rating (~40 ms: counting what is due needs none)."""
        if self._fsrs is None:
            from fsrs import Scheduler as FSRS

            steps = (LEARNING_STEP,)
            self._fsrs = FSRS(learning_steps=steps, relearning_steps=steps, enable_fuzzing=self._fuzz)
        return self._fsrs

    def now(self) -> datetime:
        moment = self._clock() if self._clock is not None else self.store.now()
        if moment.tzinfo is None:
            raise ValueError("the scheduler's clock must return timezone-aware times")
        return moment.astimezone(UTC)

    # ------------------------------------------------------------ rating

    def rate(self, card_id: str, rating: int, *, seconds: float | None = None) -> dict[str, Any]:
        """Rate a card now; the new state is on disk when this returns.

        The card is read, reviewed and written under the store's lock, so a
        rating made meanwhile by another process is built on, never lost."""
        from fsrs import Rating

        _ = self.fsrs  # imported before the lock is taken
        duration = int(seconds * 1000) if seconds is not None else None

        def review(state: dict[str, Any] | None) -> dict[str, Any]:
            card = self._review(card_id, state, Rating(rating), self.now(), duration)
            return {
                "due": card.due.astimezone(UTC).isoformat(),
                "fsrs": card.to_dict(),
                "reviews": _whole((state or {}).get("reviews")) + 1,
                "lapses": _whole((state or {}).get("lapses")) + (1 if rating == AGAIN else 0),
                "last_rating": RATING_NAMES[rating],
            }

        return self.store.update_card(card_id, review)

    def _review(
        self, card_id: str, state: dict[str, Any] | None, rating: Any, now: datetime, duration: int | None
    ) -> Any:
        """FSRS's review of the stored card; a stored FSRS state it cannot use (hand-edited,
        out of range) is started afresh rather than failing the rating."""
        from fsrs import Card

        if state and isinstance(state.get("fsrs"), dict):
            try:
                card = Card.from_dict(state["fsrs"])
                return self.fsrs.review_card(card, rating, review_datetime=now, review_duration=duration)[0]
            except (KeyError, TypeError, ValueError, OverflowError):
                pass
        # fsrs makes a time-based id (and sleeps 1 ms) when given none: derive a stable one.
        card = Card(card_id=int.from_bytes(hashlib.blake2b(card_id.encode(), digest_size=6).digest(), "big"))
        return self.fsrs.review_card(card, rating, review_datetime=now, review_duration=duration)[0]

    def rate_answer(self, question_id: str, question_type: str, correct: bool, seconds: float | None) -> int:
        rating = rating_for_answer(correct, seconds, question_type)
        self.rate(question_id, rating, seconds=seconds)
        return rating

    def rate_mark(self, entry_id: str, mark: str) -> int:
        rating = rating_for_mark(mark)
        self.rate(entry_id, rating)
        return rating

    # ------------------------------------------------------------ what is due

    def _dues(self) -> list[tuple[datetime, str]]:
        out: list[tuple[datetime, str]] = []
        for card_id, state in self.store.cards().items():
            try:
                out.append((parse_time(state["due"]), card_id))
            except (KeyError, TypeError, ValueError):
                continue
        out.sort()
        return out

    def due_now(self, topics: Iterable[str] | None = None) -> list[str]:
        """Card ids due at or before now, most overdue first."""
        now = self.now()
        wanted = set(topics) if topics else None
        return [card for due, card in self._dues() if due <= now and (wanted is None or topic_of(card) in wanted)]

    def due_by_topic(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for card in self.due_now():
            topic = topic_of(card)
            counts[topic] = counts.get(topic, 0) + 1
        return counts

    def next_due(self) -> datetime | None:
        """When the next card falls due (None when there are no cards)."""
        now = self.now()
        future = [due for due, _ in self._dues() if due > now]
        return future[0] if future else None

    def forecast(self, days: int, today: date, tz: tzinfo | None = None) -> list[tuple[date, int]]:
        """Cards falling due on each local day from ``today`` (overdue ones count today)."""
        counts = {today + timedelta(days=n): 0 for n in range(days)}
        last = today + timedelta(days=days - 1)
        for due, _ in self._dues():
            local = due.astimezone(tz).date() if tz is not None else due.astimezone().date()
            day = max(local, today)
            if day <= last:
                counts[day] += 1
        return sorted(counts.items())


def _whole(value: Any) -> int:
    """A stored count (0 when missing or not a sane whole number)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**9 else 0


@dataclass
class ReviewQueue:
    """The short-term queue of a review session.

    Starts with what is due; a card rated Again comes back after
    :data:`REQUEUE_GAP` other cards (or at the end), until it is passed.
    """

    cards: list[str]
    gap: int = REQUEUE_GAP
    done: list[str] = field(default_factory=list)
    failed: dict[str, int] = field(default_factory=dict)  # card -> times failed this session

    @property
    def current(self) -> str | None:
        return self.cards[0] if self.cards else None

    @property
    def remaining(self) -> int:
        return len(self.cards)

    def answer(self, rating: int) -> None:
        """Record the rating of the current card and move on."""
        if not self.cards:
            return
        card = self.cards.pop(0)
        if rating == AGAIN:
            self.failed[card] = self.failed.get(card, 0) + 1
            self.cards.insert(min(self.gap, len(self.cards)), card)
        else:
            self.done.append(card)
