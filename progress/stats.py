"""The per-topic summary of ``awstutor progress``, drawn from a store's read methods.

Definitions:

* an entry is *learned* when its latest mark is "got it";
* *accuracy* is correct / attempts;
* *due* counts cards whose ``due`` is at or before now, per topic by card-id
  prefix (the part before the first ``/``);
* the *streak*: see :mod:`progress.activity`.

This module uses the store; the store never uses it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from progress.limits import parse_time
from progress.schema import topic_of

if TYPE_CHECKING:
    from progress.store import ProgressStore

TopicSpec = tuple[str, str, Sequence[str]]  # (topic id, title, entry ids)


def _accuracy(correct: int, attempts: int) -> float | None:
    return round(100 * correct / attempts, 1) if attempts else None


def summarize(store: ProgressStore, topics: Iterable[TopicSpec]) -> dict[str, Any]:
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
    totals: dict[str, Any] = {
        key: sum(row[key] for row in rows) for key in ("entries", "learned", "attempts", "correct", "due")
    }
    totals["accuracy"] = _accuracy(totals["correct"], totals["attempts"])
    return {"topics": rows, "totals": totals, "streak_days": store.streak_days()}
