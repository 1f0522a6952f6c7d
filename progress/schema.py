"""What the progress files hold: layout, schema versions, validation, migration.

Schema 1 (the first layout): everything in one plain TinyDB file
``progress.json``, default TinyDB table layout (``{table: {doc_id: doc}}``):

==========  =====================================================================
table       one document per
==========  =====================================================================
meta        ``{"schema": 1}`` (a file without a meta table is schema 1 too)
entries     entry: ``entry, first_seen, last_seen, marks: [{at, mark}]``
attempts    answer: ``id, at, question, answer, correct, seconds, mode, session``
sessions    quiz session: ``id, mode, topics, started, ended, score, total``
position    the learner's place: ``topic, entry`` (one document)
settings    setting: ``key, value``
cards       scheduler card: ``card, state`` (``state["due"]`` is ISO-8601)
==========  =====================================================================

Schema 2 split the files so that a write rewrites one small file; each file
is a TinyDB with a ``meta`` table ``{"schema": N, "kind": ...}``:

* ``progress.json`` (kind ``main``): ``entries`` (``entry, first_seen,
  last_seen``), ``sessions``, ``position``, ``settings``;
* ``cards.json`` (kind ``cards``): ``cards``, every scheduler card;
* ``attempts/000001.json``... (kind ``attempts``): ``attempts``, append-only
  segments; a segment is sealed when the next one exists;
* ``marks/000001.json``... (kind ``marks``): ``marks`` (``id, at, entry, mark``),
  segmented like attempts.

Schema 3 (this version) splits the cards by topic, so that rating a card
rewrites one topic's cards, not all of them:

* ``cards/<topic>.json`` (kind ``cards``, stamped 3): ``cards``, the cards whose
  id starts with ``<topic>/`` (or is ``<topic>``); see :func:`shard_name` for
  topic ids that are not plain slugs. A shard holding a card of another topic
  is of the wrong shape. ``cards.json`` is gone (migrated, see
  :func:`merge_cards`; the old file is kept as ``cards.schema-v2-backup.json``).

The other kinds did not change, so their files keep stamp 2 (see
:data:`FILE_VERSIONS`): a folder of schema 3 is one without ``cards.json``, and
an older awstutor still reads everything but the cards in it.
:data:`SCHEMA_VERSION` is the version of the layout as a whole. Exports did not
change either (``cards`` is one flat mapping, as before): they say
:data:`EXPORT_VERSION`, so an older awstutor can import them.

All times are timezone-aware UTC ISO-8601 strings with microseconds
(``2026-11-27T19:02:11.000000+00:00``), so they also sort as text.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from progress.storage import BadFile, ProgressError, atomic_write_bytes, atomic_write_json, dumps

SCHEMA_VERSION = 3
# The schema each kind of file is written with (and the newest one read): a kind
# keeps its number until its own layout changes.
FILE_VERSIONS = {"main": 2, "attempts": 2, "marks": 2, "cards": 3}

MAIN_FILE = "progress.json"
CARDS_DIR = "cards"
V2_CARDS_FILE = "cards.json"  # schema 2: every card in one file
ATTEMPTS_DIR = "attempts"
MARKS_DIR = "marks"
SEGMENT = re.compile(r"^(\d{6,})\.json$")
SHARD = re.compile(r"^(?:[a-z0-9][a-z0-9-]*|_[0-9a-f]{16})\.json$")
V1_BACKUP = "progress.schema-v1-backup"
V2_CARDS_BACKUP = "cards.schema-v2-backup"

MARKS = ("got", "again")
EXPORT_FORMAT = "awstutor-progress"
EXPORT_VERSION = 2  # the shape of an export: unchanged by schema 3 (imports take any version up to SCHEMA_VERSION)


def segment_name(number: int) -> str:
    return f"{number:06d}.json"


_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
# Names Windows reserves in every folder, whatever the extension.
_DEVICES = {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))}


def shard_name(topic: str) -> str:
    """The file (in ``cards/``) that holds a topic's cards: ``"s3"`` -> ``"s3.json"``.

    Topic ids are slugs; anything else (other characters, a leading ``-``,
    more than 64 characters, a name Windows reserves) gets a name made from
    a hash of it, ``_0123456789abcdef.json``, which no slug can take. The
    file name need not be read back: every card in it carries its whole id.
    """
    if _SLUG.fullmatch(topic) and topic not in _DEVICES:
        return f"{topic}.json"
    digest = hashlib.sha256(topic.encode("utf-8", "surrogatepass")).hexdigest()
    return f"_{digest[:16]}.json"


def card_shard(card_id: str) -> str:
    """The shard file of a card: that of its topic (see :func:`topic_of`)."""
    return shard_name(topic_of(card_id))


# ---------------------------------------------------------------- times


def format_time(moment: datetime) -> str:
    """The one stored form of a time: aware UTC, ISO-8601, microseconds."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"time {moment!r} has no timezone")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def parse_time(text: str) -> datetime:
    """A stored time back as an aware datetime (raises ValueError)."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"time {text!r} has no timezone")
    return moment


def normal_time(text: Any) -> str:
    """Any aware ISO-8601 time as the stored form (raises ValueError)."""
    if not isinstance(text, str):
        raise ValueError("not a time")
    return format_time(parse_time(text))


# ---------------------------------------------------------------- document shapes


class Shape(Exception):
    """One document or table that is not what it should be (inside validation)."""


def _is_time(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        parse_time(value)
    except ValueError:
        return False
    return True


def _is_id(value: Any) -> bool:
    return isinstance(value, str) and bool(value) and value == value.strip()


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _opt(check: Callable[[Any], bool]) -> Callable[[Any], bool]:
    return lambda value: value is None or check(value)


def _is_str(value: Any) -> bool:
    return isinstance(value, str)


def _is_topics(value: Any) -> bool:
    return isinstance(value, list) and all(_is_id(t) for t in value)


def _is_card_state(value: Any) -> bool:
    return isinstance(value, dict) and _is_time(value.get("due"))


def _is_json(value: Any) -> bool:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        return False
    return True


_ANY = _is_json

# field: (check, what it must be)
FIELDS: dict[str, dict[str, tuple[Callable[[Any], bool], str]]] = {
    "attempt": {
        "id": (_is_id, "an id"),
        "at": (_is_time, "a time with a timezone"),
        "question": (_is_id, "a question id"),
        "answer": (_is_str, "text"),
        "correct": (lambda v: isinstance(v, bool), "true or false"),
        "seconds": (lambda v: _is_number(v) and v >= 0, "a number of seconds"),
        "mode": (_is_str, "text"),
        "session": (_opt(_is_id), "a session id or null"),
    },
    "mark": {
        "id": (_is_id, "an id"),
        "at": (_is_time, "a time with a timezone"),
        "entry": (_is_id, "an entry id"),
        "mark": (lambda v: v in MARKS, "'got' or 'again'"),
    },
    "entry": {
        "entry": (_is_id, "an entry id"),
        "first_seen": (_opt(_is_time), "a time or null"),
        "last_seen": (_opt(_is_time), "a time or null"),
    },
    "session": {
        "id": (_is_id, "an id"),
        "mode": (_is_str, "text"),
        "topics": (_is_topics, "a list of topic ids"),
        "started": (_is_time, "a time with a timezone"),
        "ended": (_opt(_is_time), "a time or null"),
        "score": (_opt(_is_int), "a whole number or null"),
        "total": (_opt(_is_int), "a whole number or null"),
    },
    "position": {
        "topic": (_is_id, "a topic id"),
        "entry": (_is_id, "an entry id"),
    },
    "setting": {
        "key": (_is_id, "a setting name"),
        "value": (_ANY, "a JSON value"),
    },
    "card": {
        "card": (_is_id, "a card id"),
        "state": (_is_card_state, "a card state with a 'due' time"),
    },
    "v1 mark": {
        "at": (_is_time, "a time with a timezone"),
        "mark": (lambda v: v in MARKS, "'got' or 'again'"),
    },
    "meta": {
        "schema": (_is_int, "a schema number"),
    },
}

# Fields a document may lack (filled in on read or migration).
OPTIONAL_FIELDS = {
    "attempt": {"session": None},
    "session": {"ended": None, "score": None, "total": None},
    "entry": {"first_seen": None, "last_seen": None},
    "v1 entry": {"first_seen": None, "last_seen": None, "marks": []},
    "v1 attempt": {"session": None},
}


_PLANS: dict[str, list[tuple[str, Callable[[Any], bool], str, bool]]] = {
    kind: [(name, check, what, name in OPTIONAL_FIELDS.get(kind, {})) for name, (check, what) in fields.items()]
    for kind, fields in FIELDS.items()
}


def check_doc(kind: str, doc: Any, *, extra_ok: bool = True) -> None:
    """Raise :class:`Shape` if ``doc`` is not a good ``kind`` document."""
    if not isinstance(doc, dict):
        raise Shape(f"a {kind} is not an object")
    for name, check, what, optional in _PLANS[kind]:
        if name not in doc:
            if optional:
                continue
            raise Shape(f"a {kind} has no '{name}'")
        if not check(doc[name]):
            raise Shape(f"a {kind}'s '{name}' is not {what}")
    if not extra_ok:
        unknown = set(doc) - set(FIELDS[kind])
        if unknown:
            raise Shape(f"a {kind} has unknown field '{sorted(unknown)[0]}'")


def _v1_entry(doc: Any) -> None:
    check_doc("entry", doc)
    marks = doc.get("marks", [])
    if not isinstance(marks, list):
        raise Shape("an entry's 'marks' is not a list")
    for mark in marks:
        check_doc("v1 mark", mark)


# table -> check of one document, per file kind and version
_TABLES: dict[tuple[int, str], dict[str, Callable[[Any], None]]] = {
    (2, "main"): {
        "entries": lambda d: check_doc("entry", d),
        "sessions": lambda d: check_doc("session", d),
        "position": lambda d: check_doc("position", d),
        "settings": lambda d: check_doc("setting", d),
    },
    (2, "cards"): {"cards": lambda d: check_doc("card", d)},
    (3, "cards"): {"cards": lambda d: check_doc("card", d)},
    (2, "attempts"): {"attempts": lambda d: check_doc("attempt", d)},
    (2, "marks"): {"marks": lambda d: check_doc("mark", d)},
    (1, "main"): {
        "entries": _v1_entry,
        "attempts": lambda d: check_doc("attempt", d),
        "sessions": lambda d: check_doc("session", d),
        "position": lambda d: check_doc("position", d),
        "settings": lambda d: check_doc("setting", d),
        "cards": lambda d: check_doc("card", d),
    },
}


def _wrong(detail: str) -> BadFile:
    return BadFile("wrong-shape", f"did not hold awstutor progress ({detail})")


def schema_of(data: Any, kind: str) -> int:
    """The schema version a file's data says it has (checks only the frame)."""
    if not isinstance(data, dict):
        raise _wrong(f"a JSON {type(data).__name__.replace('dict', 'object').replace('list', 'array')}, not an object")
    meta = data.get("meta")
    if meta is None:
        if kind == "main":
            return 1  # before versions were written down
        raise _wrong("no meta table")
    if not isinstance(meta, dict) or len(meta) != 1:
        raise _wrong("the meta table is not one document")
    (doc,) = meta.values()
    try:
        check_doc("meta", doc)
    except Shape as shape:
        raise _wrong(str(shape)) from None
    version = doc["schema"]
    if version > FILE_VERSIONS[kind]:
        raise BadFile(f"newer-schema-v{version}", f"is from a newer awstutor (schema v{version})")
    if version < 1 or (version == 1 and kind != "main") or (version, kind) not in _TABLES:
        raise _wrong(f"unknown schema {version}")
    if version >= 2 and doc.get("kind", kind) != kind:
        raise _wrong(f"it holds '{doc.get('kind')}', not '{kind}'")
    return version


def validate(data: Any, kind: str) -> int:
    """Check a whole file's data; return its schema version or raise :class:`BadFile`."""
    version = schema_of(data, kind)
    tables = _TABLES[(version, kind)]
    for name, table in data.items():
        if name == "meta":
            continue
        if not isinstance(table, dict):
            raise _wrong(f"table '{name}' is not an object")
        check = tables.get(name)
        if check is None:
            if table:
                raise _wrong(f"unknown table '{name}'")
            continue
        for doc_id, doc in table.items():
            if not doc_id.isdigit():
                raise _wrong(f"table '{name}' has document id '{doc_id}'")
            try:
                check(doc)
            except Shape as shape:
                raise _wrong(f"table '{name}', document {doc_id}: {shape}") from None
    return version


def validator(kind: str) -> Callable[[Any], None]:
    """A storage validator that accepts only current-schema files of ``kind``."""
    expected = FILE_VERSIONS[kind]

    def check(data: Any) -> None:
        version = validate(data, kind)
        if version != expected:
            raise _wrong(f"schema {version} where {expected} was expected")

    return check


def shard_validator(name: str) -> Callable[[Any], None]:
    """The validator of the card shard ``name``: a current cards file holding only its own topic's cards."""
    check_cards = validator("cards")

    def check(data: Any) -> None:
        check_cards(data)
        for doc in (data.get("cards") or {}).values():
            if card_shard(doc["card"]) != name:
                raise _wrong(f"card '{doc['card']}' belongs in {CARDS_DIR}/{card_shard(doc['card'])}")

    return check


def stamp(kind: str) -> tuple[str, dict[str, Any]]:
    return ("meta", {"schema": FILE_VERSIONS[kind], "kind": kind})


def tinydb_tables(kind: str, tables: dict[str, list[dict]]) -> dict[str, dict[str, dict]]:
    """Plain data as a TinyDB file's content (doc ids from 1), stamped with meta."""
    name, meta = stamp(kind)
    content: dict[str, dict[str, dict]] = {name: {"1": meta}}
    for table, docs in tables.items():
        content[table] = {str(i): doc for i, doc in enumerate(docs, start=1)}
    return content


def docs_of(data: dict, table: str) -> list[dict]:
    """A TinyDB table's documents in doc-id order."""
    raw = data.get(table) or {}
    return [raw[key] for key in sorted(raw, key=int)]


# ---------------------------------------------------------------- ids


def content_id(prefix: str, *parts: Any) -> str:
    """A stable id for a record that had none (the same input gives the same id)."""
    digest = hashlib.sha1(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
    return f"{prefix}{digest[:24]}"


# ---------------------------------------------------------------- migration 1 -> 3


@dataclass
class Layout:
    """Current content, before it is written to files (cards as ``{card, state}`` documents)."""

    entries: list[dict] = field(default_factory=list)
    sessions: list[dict] = field(default_factory=list)
    position: dict | None = None
    settings: list[dict] = field(default_factory=list)
    cards: list[dict] = field(default_factory=list)
    attempts: list[dict] = field(default_factory=list)
    marks: list[dict] = field(default_factory=list)


def _normal_attempt(doc: dict) -> dict:
    return {
        "id": doc["id"],
        "at": normal_time(doc["at"]),
        "question": doc["question"],
        "answer": doc["answer"],
        "correct": doc["correct"],
        "seconds": doc["seconds"],
        "mode": doc["mode"],
        "session": doc.get("session"),
    }


def _normal_session(doc: dict) -> dict:
    return {
        "id": doc["id"],
        "mode": doc["mode"],
        "topics": list(doc["topics"]),
        "started": normal_time(doc["started"]),
        "ended": normal_time(doc["ended"]) if doc.get("ended") else None,
        "score": doc.get("score"),
        "total": doc.get("total"),
    }


def v1_to_v2(data: dict) -> Layout:
    """Every record of a (validated) schema-1 file, in schema-2 form."""
    out = Layout()
    for doc in docs_of(data, "entries"):
        first, last = doc.get("first_seen"), doc.get("last_seen")
        if first or last:
            out.entries.append(
                {
                    "entry": doc["entry"],
                    "first_seen": normal_time(first or last),
                    "last_seen": normal_time(last or first),
                }
            )
        for index, mark in enumerate(doc.get("marks", [])):
            at = normal_time(mark["at"])
            out.marks.append(
                {
                    "id": content_id("m1-", doc["entry"], at, mark["mark"], index),
                    "at": at,
                    "entry": doc["entry"],
                    "mark": mark["mark"],
                }
            )
    out.marks.sort(key=lambda m: m["at"])  # stable: marks at the same time keep their order
    seen: set[str] = set()
    for doc in docs_of(data, "attempts"):
        if doc["id"] not in seen:
            seen.add(doc["id"])
            out.attempts.append(_normal_attempt(doc))
    out.sessions = [_normal_session(doc) for doc in docs_of(data, "sessions")]
    positions = docs_of(data, "position")
    if positions:
        out.position = {"topic": positions[-1]["topic"], "entry": positions[-1]["entry"]}
    settings: dict[str, Any] = {}
    for doc in docs_of(data, "settings"):
        settings[doc["key"]] = doc["value"]
    out.settings = [{"key": k, "value": v} for k, v in settings.items()]
    cards: dict[str, dict] = {}
    for doc in docs_of(data, "cards"):
        cards[doc["card"]] = doc["state"]
    out.cards = [{"card": k, "state": v} for k, v in cards.items()]
    return out


def main_tables(layout: Layout) -> dict[str, list[dict]]:
    return {
        "entries": layout.entries,
        "sessions": layout.sessions,
        "position": [layout.position] if layout.position else [],
        "settings": layout.settings,
    }


def write_segments(folder: Path, kind: str, docs: list[dict], size: int) -> list[Path]:
    """Write ``docs`` as full segments 1..n of ``size`` records; drop any higher ones."""
    from progress.locations import ensure_private_dir

    ensure_private_dir(folder)
    written = []
    chunks = [docs[i : i + size] for i in range(0, len(docs), size)]
    for number, chunk in enumerate(chunks, start=1):
        path = folder / segment_name(number)
        atomic_write_json(path, tinydb_tables(kind, {kind: chunk}))
        written.append(path)
    for name in os.listdir(folder):
        match = SEGMENT.match(name)
        if match and int(match.group(1)) > len(chunks):
            os.unlink(folder / name)  # left by an earlier, interrupted run of this same migration
    return written


def cards_by_shard(docs: list[dict]) -> dict[str, list[dict]]:
    """Card documents grouped by the shard file that holds them (a later document of a card wins)."""
    latest: dict[str, dict] = {}
    for doc in docs:
        latest[doc["card"]] = doc
    shards: dict[str, list[dict]] = {}
    for doc in latest.values():
        shards.setdefault(card_shard(doc["card"]), []).append({"card": doc["card"], "state": doc["state"]})
    return shards


def write_card_shards(folder: Path, docs: list[dict]) -> list[Path]:
    """Write ``docs`` (card documents) as the shard files in ``folder``; drop any other shard."""
    from progress.locations import ensure_private_dir

    ensure_private_dir(folder)
    shards = cards_by_shard(docs)
    written = []
    for name in sorted(shards):
        atomic_write_json(folder / name, tinydb_tables("cards", {"cards": shards[name]}))
        written.append(folder / name)
    for name in os.listdir(folder):
        if SHARD.match(name) and name not in shards:
            os.unlink(folder / name)  # left by an earlier, interrupted run of this same migration
    return written


def backup_v1(data_dir: Path, raw: bytes) -> Path:
    """Keep the schema-1 file as it was (once: a re-run finds the same copy)."""
    return backup_copy(data_dir, V1_BACKUP, raw)


def backup_copy(data_dir: Path, base: str, raw: bytes) -> Path:
    """Keep ``raw`` as ``<base>.json`` (``<base>-2.json``... if taken), once: a re-run finds the same copy."""
    number = 1
    while True:
        suffix = "" if number == 1 else f"-{number}"
        path = data_dir / f"{base}{suffix}.json"
        try:
            if path.read_bytes() == raw:
                return path
        except FileNotFoundError:
            atomic_write_bytes(path, raw)
            return path
        number += 1


def migrate_v1(
    data_dir: Path,
    raw: bytes,
    data: dict,
    *,
    segment_size: int,
    hook: Callable[[str], None] | None = None,
) -> Path:
    """Turn a schema-1 ``progress.json`` into the current (schema-3) files.

    Every step writes whole files atomically from the schema-1 data, and
    ``progress.json`` (the file saying schema 1 is in force) is
    replaced last. A run killed half way leaves schema 1 in force; the next
    open runs the migration again from the start and writes the same files:
    nothing is lost or counted twice. Call while holding the store lock.
    Returns where the schema-1 file is kept.
    """
    step = hook or (lambda name: None)
    layout = v1_to_v2(data)
    backup = backup_v1(data_dir, raw)
    step("backup")
    write_card_shards(data_dir / CARDS_DIR, layout.cards)
    step("cards")
    write_segments(data_dir / ATTEMPTS_DIR, "attempts", layout.attempts, segment_size)
    step("attempts")
    write_segments(data_dir / MARKS_DIR, "marks", layout.marks, segment_size)
    step("marks")
    atomic_write_bytes(data_dir / MAIN_FILE, dumps(tinydb_tables("main", main_tables(layout))))
    step("done")
    return backup


# ---------------------------------------------------------------- migration 2 -> 3


def review_time(state: dict) -> datetime | None:
    """When a card state was last reviewed (``last_review``, top level or FSRS's), if it says."""
    for holder in (state, state.get("fsrs")):
        if isinstance(holder, dict) and isinstance(holder.get("last_review"), str):
            try:
                return parse_time(holder["last_review"])
            except ValueError:
                continue
    return None


def merge_cards(have: list[dict], incoming: list[dict]) -> list[dict]:
    """A shard's cards ``have`` with the schema-2 cards ``incoming`` (of the same shard) merged in.

    A card only in ``incoming`` is added (at the end, in its order); a card in
    both keeps the state in ``have`` unless ``incoming`` was reviewed later.
    So merging the same cards again changes nothing (a migration re-run after
    a kill writes the same files), and a ``cards.json`` written by an older
    awstutor after the migration adds its cards and later reviews, taking
    nothing away. The result is ``have`` itself when nothing changes.
    """
    index = {doc["card"]: i for i, doc in enumerate(have)}
    merged = list(have)
    changed = False
    for doc in incoming:
        i = index.get(doc["card"])
        if i is None:
            index[doc["card"]] = len(merged)
            merged.append({"card": doc["card"], "state": doc["state"]})
            changed = True
            continue
        new_at, old_at = review_time(doc["state"]), review_time(merged[i]["state"])
        if new_at is not None and (old_at is None or new_at > old_at) and doc["state"] != merged[i]["state"]:
            merged[i] = {"card": doc["card"], "state": doc["state"]}
            changed = True
    return merged if changed else have


# ---------------------------------------------------------------- export / import


class InvalidImport(ProgressError):
    """A file given to import that is not an awstutor progress export."""


def _section(data: dict, name: str, kind: str) -> list[dict]:
    value = data.get(name, [])
    if not isinstance(value, list):
        raise InvalidImport(f"'{name}' is not a list")
    for index, doc in enumerate(value):
        try:
            check_doc(kind, doc)
        except Shape as shape:
            raise InvalidImport(f"'{name}' item {index + 1}: {shape}") from None
    return value


def check_export(data: Any) -> Layout:
    """Validate an export (see :meth:`ProgressStore.export`) and normalise it.

    Raises :class:`InvalidImport` with a one-line reason.
    """
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise InvalidImport(f'not an awstutor progress export (no "format": "{EXPORT_FORMAT}")')
    version = data.get("schema")
    if not _is_int(version) or version < 1:
        raise InvalidImport("no schema version")
    if version > SCHEMA_VERSION:
        raise InvalidImport(f"made by a newer awstutor (schema v{version}); update awstutor to import it")
    out = Layout()
    try:
        for doc in _section(data, "entries", "entry"):
            first, last = doc.get("first_seen"), doc.get("last_seen")
            if first or last:
                out.entries.append(
                    {
                        "entry": doc["entry"],
                        "first_seen": normal_time(first or last),
                        "last_seen": normal_time(last or first),
                    }
                )
        out.marks = [
            {"id": d["id"], "at": normal_time(d["at"]), "entry": d["entry"], "mark": d["mark"]}
            for d in _section(data, "marks", "mark")
        ]
        out.attempts = [_normal_attempt(d) for d in _section(data, "attempts", "attempt")]
        out.sessions = [_normal_session(d) for d in _section(data, "sessions", "session")]
    except ValueError as error:  # a time that parsed once but not twice: should not happen
        raise InvalidImport(str(error)) from None
    position = data.get("position")
    if position is not None:
        try:
            check_doc("position", position)
        except Shape as shape:
            raise InvalidImport(f"'position': {shape}") from None
        out.position = {"topic": position["topic"], "entry": position["entry"]}
    settings = data.get("settings", {})
    if not isinstance(settings, dict) or not _is_json(settings):
        raise InvalidImport("'settings' is not an object of JSON values")
    out.settings = [{"key": k, "value": v} for k, v in settings.items() if _is_id(k)]
    cards = data.get("cards", {})
    if not isinstance(cards, dict):
        raise InvalidImport("'cards' is not an object")
    for card_id, state in cards.items():
        if not _is_id(card_id) or not _is_card_state(state) or not _is_json(state):
            raise InvalidImport(f"card '{card_id}' has no valid 'due' time")
        out.cards.append({"card": card_id, "state": state})
    return out


def topic_of(record_id: str) -> str:
    """``"dynamodb/q/x"`` -> ``"dynamodb"``: the topic is the part before the first ``/``."""
    return record_id.split("/", 1)[0]


def under(record_id: str, prefix: str) -> bool:
    """Whether ``record_id`` is ``prefix`` itself or lies under it (``prefix/...``)."""
    return record_id == prefix or record_id.startswith(prefix + "/")
