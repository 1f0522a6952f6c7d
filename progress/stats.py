"""Figures drawn from the progress store: per-topic summary, daily activity, streak.

Pure functions over plain data (and a store's read methods). Definitions:

* an entry is *learned* when its latest mark is "got it";
* *accuracy* is correct / attempts;
* *due* counts cards whose ``due`` is at or before now, per topic by card-id
  prefix (the part before the first ``/``);
* the *streak* is the number of consecutive local days with any activity (an
  attempt or a mark) ending today, or ending yesterday if there is none yet
  today; a day without activity breaks it.

Activity comes as counts per quarter hour (UTC epoch seconds // 900). Every
timezone offset in use is a multiple of 15 minutes, so each quarter hour falls
within one local day, whatever the timezone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from progress.schema import parse_time, topic_of

if TYPE_CHECKING:
    from progress.store import ProgressStore

BUCKET_SECONDS = 900
TopicSpec = tuple[str, str, Sequence[str]]  # (topic id, title, entry ids)


@lru_cache(maxsize=65536)
def local_date(bucket: int, tz: tzinfo | None) -> date:
    """The local date of a quarter-hour bucket (``tz`` None: the system's timezone)."""
    moment = datetime.fromtimestamp(bucket * BUCKET_SECONDS, UTC)
    return (moment.astimezone(tz) if tz is not None else moment.astimezone()).date()


def per_day(buckets: Mapping[str, Any], tz: tzinfo | None) -> dict[date, list[int]]:
    """Quarter-hour counts (an int or a list of ints each) summed per local day."""
    days: dict[date, list[int]] = {}
    for bucket, value in buckets.items():
        day = local_date(int(bucket), tz)
        counts = value if isinstance(value, list | tuple) else [value]
        row = days.get(day)
        if row is None:
            days[day] = list(counts)
        else:
            for i, n in enumerate(counts):
                row[i] += n
    return days


def daily_activity(
    attempt_days: Mapping[date, Sequence[int]],
    mark_days: Mapping[date, Sequence[int]],
    *,
    today: date,
    days: int,
) -> list[tuple[date, int, int, int]]:
    """``(date, attempts, correct, reviews)`` for ``days`` local days ending ``today``."""
    rows = []
    for back in range(days - 1, -1, -1):
        day = today - timedelta(days=back)
        n, ok = attempt_days.get(day, (0, 0))
        rows.append((day, n, ok, mark_days.get(day, (0,))[0]))
    return rows


def active_days(attempt_days: Mapping[date, Sequence[int]], mark_days: Mapping[date, Sequence[int]]) -> set[date]:
    """Days with any attempt or mark."""
    return {day for day, counts in attempt_days.items() if counts[0]} | {
        day for day, counts in mark_days.items() if counts[0]
    }


def streak(days: Iterable[date], today: date) -> int:
    """Consecutive days in ``days`` ending today, or yesterday if today has none yet."""
    active = set(days)
    day = today if today in active else today - timedelta(days=1)
    count = 0
    while day in active:
        count += 1
        day -= timedelta(days=1)
    return count


def _accuracy(correct: int, attempts: int) -> float | None:
    return round(100 * correct / attempts, 1) if attempts else None


def summarize(store: ProgressStore, topics: Iterable[TopicSpec]) -> dict:
    """The data of ``awstutor progress --json``.

    ``topics`` is plain data: ``[(topic_id, title, [entry_ids])]``. Progress
    under a topic id that is not listed (a course folder no longer loaded, say)
    gets a row of its own, titled with its id, so the totals add up.
    """
    learned = store.learned_entries()
    stats = store.question_stats()
    now = store.now()
    due_by_topic: dict[str, int] = {}
    for card_id, state in store.cards().items():
        try:
            if parse_time(state["due"]) <= now:
                topic = topic_of(card_id)
                due_by_topic[topic] = due_by_topic.get(topic, 0) + 1
        except (KeyError, TypeError, ValueError):
            continue
    attempts_by_topic: dict[str, list[int]] = {}
    for qid, row in stats.items():
        counts = attempts_by_topic.setdefault(topic_of(qid), [0, 0])
        counts[0] += row.attempts
        counts[1] += row.correct
    learned_by_topic: dict[str, set[str]] = {}
    for entry in learned:
        learned_by_topic.setdefault(topic_of(entry), set()).add(entry)

    rows = []
    listed = set()
    for topic_id, title, entry_ids in topics:
        listed.add(topic_id)
        entries = set(entry_ids)
        n, ok = attempts_by_topic.get(topic_id, [0, 0])
        rows.append(
            {
                "id": topic_id,
                "title": title,
                "entries": len(entries),
                "learned": len(learned_by_topic.get(topic_id, set()) & entries),
                "attempts": n,
                "correct": ok,
                "accuracy": _accuracy(ok, n),
                "due": due_by_topic.get(topic_id, 0),
            }
        )
    others = (set(attempts_by_topic) | set(due_by_topic) | set(learned_by_topic)) - listed
    for topic_id in sorted(others):
        n, ok = attempts_by_topic.get(topic_id, [0, 0])
        rows.append(
            {
                "id": topic_id,
                "title": topic_id,
                "entries": 0,
                "learned": len(learned_by_topic.get(topic_id, set())),
                "attempts": n,
                "correct": ok,
                "accuracy": _accuracy(ok, n),
                "due": due_by_topic.get(topic_id, 0),
                "unknown": True,
            }
        )
    totals = {key: sum(row[key] for row in rows) for key in ("entries", "learned", "attempts", "correct", "due")}
    totals["accuracy"] = _accuracy(totals["correct"], totals["attempts"])
    return {"topics": rows, "totals": totals, "streak_days": store.streak_days()}
