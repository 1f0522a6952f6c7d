"""Export, import and reset: progress as one JSON document, merged back, or deleted.

* :func:`export_data`: everything as plain JSON data (what ``awstutor progress
  export`` writes). What is stored is written so that it imports again: a time
  outside 1970-2200 (only a hand-edited file holds one) as its nearest bound, a
  quiz score beyond any real quiz as unknown (settings and cards come through
  the store's readers, which leave out a value beyond the limits).
* :func:`import_layout`: merge an export checked by
  :func:`progress.schema.check_export`. Records carry ids, so importing twice
  adds nothing; a card is replaced only by a later review of it.
* :func:`reset`: delete everything, or what lies under a prefix; settings stay.

The store calls these under its lock, handing over its files.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tinydb.table import Document

from progress.cards import Cards
from progress.limits import in_range_text, parse_time
from progress.log import Log
from progress.records import Session
from progress.schema import EXPORT_FORMAT, EXPORT_VERSION, Layout, card_shard, under
from progress.storage import ProgressDB

__all__ = ["ImportResult", "export_data", "import_layout", "reset"]


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


# ---------------------------------------------------------------- export


def _times(doc: dict[str, Any], *names: str) -> dict[str, Any]:
    out = dict(doc)
    for name in names:
        if out.get(name) is not None:
            out[name] = in_range_text(out[name])
    return out


def _session(doc: dict[str, Any]) -> dict[str, Any]:
    out = _times(doc, "started", "ended")
    record = Session.from_doc(doc)
    out["score"], out["total"] = record.score, record.total
    return out


def export_data(
    *,
    main: ProgressDB,
    attempts: Log,
    marks: Log,
    settings: dict[str, Any],
    cards: dict[str, dict[str, Any]],
    position: tuple[str, str] | None,
    exported_at: str,
) -> dict[str, Any]:
    """Everything, as plain JSON data that :func:`progress.schema.check_export` accepts."""
    return {
        "format": EXPORT_FORMAT,
        "schema": EXPORT_VERSION,
        "exported_at": exported_at,
        "entries": [_times(d, "first_seen", "last_seen") for d in main.table("entries")],
        "marks": [_times(d, "at") for d in marks.records()],
        "attempts": [_times(d, "at") for d in attempts.records()],
        "sessions": [_session(d) for d in main.table("sessions")],
        "position": {"topic": position[0], "entry": position[1]} if position else None,
        "settings": settings,
        "cards": {card: _times(state, "due") for card, state in cards.items()},
    }


# ---------------------------------------------------------------- import


def _index(db: ProgressDB, table: str, key: str) -> dict[str, int]:
    return {doc[key]: doc.doc_id for doc in db.table(table)}


def import_layout(layout: Layout, *, main: ProgressDB, attempts: Log, marks: Log, cards: Cards) -> ImportResult:
    """Merge checked records into the store's files (under the lock)."""
    result = ImportResult()
    result.added["attempts"], already = _import_log(attempts, layout.attempts)
    result.already += already
    result.added["marks"], already = _import_log(marks, layout.marks)
    result.already += already
    _import_entries(main, layout.entries, result)
    _import_sessions(main, layout.sessions, result)
    _import_cards(cards, layout.cards, result)
    index = _index(main, "settings", "key")
    new_settings = [s for s in layout.settings if s["key"] not in index]
    if new_settings:
        main.table("settings").insert_multiple(new_settings)
    result.added["settings"] = len(new_settings)
    result.already += len(layout.settings) - len(new_settings)
    result.added["position"] = 0
    if layout.position is not None:
        if not main.table("position").all():
            main.table("position").upsert(Document(layout.position, doc_id=1))
            result.added["position"] = 1
        else:
            result.already += 1
    return result


def _import_log(log: Log, docs: list[dict[str, Any]]) -> tuple[int, int]:
    known = {d["id"] for d in log.records()}
    new = []
    for doc in docs:
        if doc["id"] not in known:
            known.add(doc["id"])
            new.append(doc)
    new.sort(key=lambda d: (d["at"], d["id"]))
    log.append(new)
    return len(new), len(docs) - len(new)


def _merge_seen(a: dict[str, Any] | None, b: dict[str, Any]) -> dict[str, Any]:
    if a is None:
        return dict(b)
    firsts = [t for t in (a.get("first_seen"), b.get("first_seen")) if t]
    lasts = [t for t in (a.get("last_seen"), b.get("last_seen")) if t]
    return {
        "entry": a["entry"],
        "first_seen": min(firsts) if firsts else None,
        "last_seen": max(lasts) if lasts else None,
    }


def _import_entries(main: ProgressDB, entries: list[dict[str, Any]], result: ImportResult) -> None:
    table = main.table("entries")
    index = _index(main, "entries", "entry")
    incoming: dict[str, dict[str, Any]] = {}
    for doc in entries:
        have = incoming.get(doc["entry"])
        incoming[doc["entry"]] = _merge_seen(have, doc) if have else doc
    changes: dict[int, dict[str, Any]] = {}  # doc id -> merged document
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


def _import_sessions(main: ProgressDB, sessions: list[dict[str, Any]], result: ImportResult) -> None:
    table = main.table("sessions")
    index = _index(main, "sessions", "id")
    new: list[dict[str, Any]] = []
    finished: dict[int, dict[str, Any]] = {}
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


def _later_review(new: dict[str, Any], old: dict[str, Any]) -> bool:
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


def _import_cards(cards: Cards, docs: list[dict[str, Any]], result: ImportResult) -> None:
    result.added["cards"] = result.updated["cards"] = 0
    by_shard: dict[str, list[dict[str, Any]]] = {}
    for doc in docs:
        by_shard.setdefault(card_shard(doc["card"]), []).append(doc)
    if by_shard:
        cards.writable()
    for name in sorted(by_shard):
        _import_shard(cards.db(name), by_shard[name], result)


def _import_shard(db: ProgressDB, docs: list[dict[str, Any]], result: ImportResult) -> None:
    table = db.table("cards")
    index = _index(db, "cards", "card")
    new, newer = [], {}
    for doc in docs:
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
        by_card = {doc["card"]: doc["state"] for doc in docs if index.get(doc["card"]) in newer}
        table.update(lambda d: d.update(state=by_card[d["card"]]), doc_ids=list(newer))
    if new:
        table.insert_multiple(new)
    result.added["cards"] += len(new)
    result.updated["cards"] += len(newer)


# ---------------------------------------------------------------- reset


def _remove(table: Any, predicate: Callable[[dict[str, Any]], bool]) -> int:
    ids = [doc.doc_id for doc in table if predicate(doc)]
    if ids:
        table.remove(doc_ids=ids)
    return len(ids)


def reset(prefix: str | None, *, main: ProgressDB, attempts: Log, marks: Log, cards: Cards) -> dict[str, int]:
    """Delete progress: everything (``None``) or what lies under ``prefix``; settings are kept (under the lock).

    Returns how many records of each kind were deleted."""
    removed: dict[str, int] = {}
    if prefix is None:
        # The one rewrite first (on a full disk it fails and nothing is gone), then the removals.
        counts = {name: len(main.table(name)) for name in ("entries", "sessions", "position")}
        if any(counts.values()):
            main.storage.write({k: v for k, v in (main.storage.read() or {}).items() if k not in counts})
        removed["attempts"] = attempts.delete_all()
        removed["marks"] = marks.delete_all()
        removed.update(counts)
        removed["cards"] = cards.delete_all()
        return {k: removed[k] for k in ("attempts", "marks", "entries", "sessions", "position", "cards")}
    removed["attempts"] = attempts.remove_where(lambda d: under(d["question"], prefix))
    removed["marks"] = marks.remove_where(lambda d: under(d["entry"], prefix))
    removed["entries"] = _remove(main.table("entries"), lambda d: under(d["entry"], prefix))
    removed["sessions"] = _remove(
        main.table("sessions"), lambda d: bool(d["topics"]) and all(under(t, prefix) for t in d["topics"])
    )
    removed["position"] = _remove(
        main.table("position"), lambda d: under(d["topic"], prefix) or under(d["entry"], prefix)
    )
    # every card under a prefix is in the prefix's topic shard
    removed["cards"] = _remove(cards.of(prefix).table("cards"), lambda d: under(d["card"], prefix))
    return removed
