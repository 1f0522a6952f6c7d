"""What the progress files hold: layout, schema versions, times, limits, validation.

The layout (schema 3, the only one: no release wrote another). Each file is a
TinyDB database whose ``meta`` table holds one document ``{"schema": N,
"kind": ...}``:

* ``progress.json`` (kind ``main``): ``entries`` (``entry, first_seen,
  last_seen``), ``sessions`` (``id, mode, topics, started, ended, score,
  total``), ``position`` (``topic, entry``), ``settings`` (``key, value``);
* ``cards/<topic>.json`` (kind ``cards``): ``cards`` (``card, state``), the
  scheduler cards whose id starts with ``<topic>/`` (or is ``<topic>``); see
  :func:`shard_name` for topic ids that are not plain slugs. A shard holding a
  card of another topic is of the wrong shape;
* ``attempts/000001.json``... (kind ``attempts``): ``attempts`` (``id, at,
  question, answer, correct, seconds, mode, session``), append-only segments;
  a segment is sealed when the next one exists;
* ``marks/000001.json``... (kind ``marks``): ``marks`` (``id, at, entry,
  mark``), segmented like attempts.

Each kind of file carries its own schema number (:data:`FILE_VERSIONS`: a kind
keeps its number until its own layout changes); :data:`SCHEMA_VERSION` is the
version of the layout as a whole. A file stamped with another number for its
kind is not read: it is moved aside as ``newer-schema-vN`` or
``older-schema-vN`` and the user is told.

Times and the size of values are :mod:`progress.limits`' business: a file is
checked for its shape only (a time must be an aware time, in range or not), so
one odd value never sets a whole file aside; an import is held to every limit
(:func:`check_export`, one line naming the record that fails).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from progress.errors import BadFile, InvalidImport
from progress.limits import (
    MAX_COUNT,
    MAX_ID,
    MAX_SECONDS,
    MAX_TEXT,
    format_time,
    in_range_text,
    is_time,
    is_unicode,
    parse_time,
    show,
    time_in_range,
    value_problem,
)

__all__ = ["InvalidImport", "check_export", "format_time", "in_range_text", "load_export", "parse_time"]

SCHEMA_VERSION = 3
# The schema each kind of file is written with (and the only one read).
FILE_VERSIONS = {"main": 2, "attempts": 2, "marks": 2, "cards": 3}

MAIN_FILE = "progress.json"
CARDS_DIR = "cards"
ATTEMPTS_DIR = "attempts"
MARKS_DIR = "marks"
SEGMENT = re.compile(r"^(\d{6,})\.json$")
SHARD = re.compile(r"^(?:[a-z0-9][a-z0-9-]*|_[0-9a-f]{16})\.json$")

MARKS = ("got", "again")
EXPORT_FORMAT = "awstutor-progress"
EXPORT_VERSION = 2  # the shape of an export (imports take any version up to SCHEMA_VERSION: the shape is the same)
MAX_IMPORT_BYTES = 512 * 2**20


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


def topic_of(record_id: str) -> str:
    """``"dynamodb/q/x"`` -> ``"dynamodb"``: the topic is the part before the first ``/``."""
    return record_id.split("/", 1)[0]


def under(record_id: str, prefix: str) -> bool:
    """Whether ``record_id`` is ``prefix`` itself or lies under it (``prefix/...``)."""
    return record_id == prefix or record_id.startswith(prefix + "/")


# ---------------------------------------------------------------- document shapes


class Shape(Exception):
    """One document or table that is not what it should be (inside validation)."""


def _is_id(value: Any) -> bool:
    return isinstance(value, str) and bool(value) and value == value.strip()


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _opt(check: Callable[[Any], bool]) -> Callable[[Any], bool]:
    return lambda value: value is None or check(value)


def _is_str(value: Any) -> bool:
    return isinstance(value, str)


def _is_topics(value: Any) -> bool:
    return isinstance(value, list) and all(_is_id(t) for t in value)


def _is_card_state(value: Any) -> bool:
    return isinstance(value, dict) and is_time(value.get("due")) and value_problem(value) is None


# field: (check, what it must be)
FIELDS: dict[str, dict[str, tuple[Callable[[Any], bool], str]]] = {
    "attempt": {
        "id": (_is_id, "an id"),
        "at": (is_time, "a time with a timezone"),
        "question": (_is_id, "a question id"),
        "answer": (_is_str, "text"),
        "correct": (lambda v: isinstance(v, bool), "true or false"),
        "seconds": (lambda v: _is_number(v) and v >= 0, "a number of seconds"),
        "mode": (_is_str, "text"),
        "session": (_opt(_is_id), "a session id or null"),
    },
    "mark": {
        "id": (_is_id, "an id"),
        "at": (is_time, "a time with a timezone"),
        "entry": (_is_id, "an entry id"),
        "mark": (lambda v: v in MARKS, "'got' or 'again'"),
    },
    "entry": {
        "entry": (_is_id, "an entry id"),
        "first_seen": (_opt(is_time), "a time or null"),
        "last_seen": (_opt(is_time), "a time or null"),
    },
    "session": {
        "id": (_is_id, "an id"),
        "mode": (_is_str, "text"),
        "topics": (_is_topics, "a list of topic ids"),
        "started": (is_time, "a time with a timezone"),
        "ended": (_opt(is_time), "a time or null"),
        "score": (_opt(_is_int), "a whole number or null"),
        "total": (_opt(_is_int), "a whole number or null"),
    },
    "position": {
        "topic": (_is_id, "a topic id"),
        "entry": (_is_id, "an entry id"),
    },
    "setting": {
        "key": (_is_id, "a setting name"),
        "value": (lambda v: True, "a JSON value"),  # held to the limits when read (see ProgressStore.settings)
    },
    "card": {
        "card": (_is_id, "a card id"),
        "state": (_is_card_state, "a card state with a 'due' time, within the limits"),
    },
    "meta": {
        "schema": (_is_int, "a schema number"),
    },
}

# Fields a document may lack.
OPTIONAL_FIELDS = {
    "attempt": {"session": None},
    "session": {"ended": None, "score": None, "total": None},
    "entry": {"first_seen": None, "last_seen": None},
}

_PLANS: dict[str, list[tuple[str, Callable[[Any], bool], str, bool]]] = {
    kind: [(name, check, what, name in OPTIONAL_FIELDS.get(kind, {})) for name, (check, what) in fields.items()]
    for kind, fields in FIELDS.items()
}


def _a(noun: str) -> str:
    """ "an attempt", "a mark": the article a message needs."""
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"


def check_doc(kind: str, doc: Any) -> None:
    """Raise :class:`Shape` if ``doc`` is not a good ``kind`` document."""
    if not isinstance(doc, dict):
        raise Shape(f"{_a(kind)} is not an object")
    for name, check, what, optional in _PLANS[kind]:
        if name not in doc:
            if optional:
                continue
            raise Shape(f"{_a(kind)} has no '{name}'")
        if not check(doc[name]):
            raise Shape(f"{_a(kind)}'s '{name}' is not {what}")


# ---------------------------------------------------------------- whole files

# table -> check of one document, per file kind
_TABLES: dict[str, dict[str, Callable[[Any], None]]] = {
    "main": {
        "entries": lambda d: check_doc("entry", d),
        "sessions": lambda d: check_doc("session", d),
        "position": lambda d: check_doc("position", d),
        "settings": lambda d: check_doc("setting", d),
    },
    "cards": {"cards": lambda d: check_doc("card", d)},
    "attempts": {"attempts": lambda d: check_doc("attempt", d)},
    "marks": {"marks": lambda d: check_doc("mark", d)},
}


def _wrong(detail: str) -> BadFile:
    return BadFile("wrong-shape", f"did not hold awstutor progress ({detail})")


def schema_of(data: Any, kind: str) -> int:
    """The schema version a file's data says it has, if it is the current one for ``kind``.

    Raises :class:`BadFile`: ``older-schema-vN`` / ``newer-schema-vN`` for
    another version (a main file without a ``meta`` table is schema 1),
    ``wrong-shape`` for a frame that is not a progress file of ``kind``.
    """
    if not isinstance(data, dict):
        raise _wrong(f"a JSON {type(data).__name__.replace('dict', 'object').replace('list', 'array')}, not an object")
    meta = data.get("meta")
    if meta is None:
        if kind == "main":
            version = 1  # the first layout wrote no version
        else:
            raise _wrong("no meta table")
    else:
        if not isinstance(meta, dict) or len(meta) != 1:
            raise _wrong("the meta table is not one document")
        (doc,) = meta.values()
        try:
            check_doc("meta", doc)
        except Shape as shape:
            raise _wrong(str(shape)) from None
        version = doc["schema"]
        if not 1 <= version <= 9999:
            raise _wrong("its schema number is not a version")
        if version == FILE_VERSIONS[kind] and doc.get("kind", kind) != kind:
            raise _wrong(f"it holds {show(doc.get('kind'))}, not '{kind}'")
    current = FILE_VERSIONS[kind]
    if version > current:
        raise BadFile(f"newer-schema-v{version}", f"is from a newer awstutor (schema v{version})")
    if version < current:
        raise BadFile(
            f"older-schema-v{version}", f"is from an older awstutor (schema v{version}), which this one does not read"
        )
    return version


def validate(data: Any, kind: str) -> int:
    """Check a whole file's data; return its schema version or raise :class:`BadFile`."""
    version = schema_of(data, kind)
    tables = _TABLES[kind]
    for name, table in data.items():
        if name == "meta":
            continue
        if not isinstance(table, dict):
            raise _wrong(f"table {show(name)} is not an object")
        check = tables.get(name)
        if check is None:
            if table:
                raise _wrong(f"unknown table {show(name)}")
            continue
        for doc_id, doc in table.items():
            if not doc_id.isdigit() or len(doc_id) > 18:
                raise _wrong(f"table '{name}' has document id {show(doc_id)}")
            try:
                check(doc)
            except Shape as shape:
                raise _wrong(f"table '{name}', document {doc_id}: {shape}") from None
    return version


def validator(kind: str) -> Callable[[Any], None]:
    """A storage validator that accepts only current-schema files of ``kind``."""

    def check(data: Any) -> None:
        validate(data, kind)

    return check


def shard_validator(name: str) -> Callable[[Any], None]:
    """The validator of the card shard ``name``: a current cards file holding only its own topic's cards."""

    def check(data: Any) -> None:
        validate(data, "cards")
        for doc in (data.get("cards") or {}).values():
            if card_shard(doc["card"]) != name:
                raise _wrong(f"card {show(doc['card'])} belongs in {CARDS_DIR}/{card_shard(doc['card'])}")

    return check


def stamp(kind: str) -> tuple[str, dict[str, Any]]:
    return ("meta", {"schema": FILE_VERSIONS[kind], "kind": kind})


# ---------------------------------------------------------------- exports

# Per kind of record: the fields that are times, ids, free text, and counts (held to the limits on import).
_TIMES = {"attempt": ("at",), "mark": ("at",), "entry": ("first_seen", "last_seen"), "session": ("started", "ended")}
_IDS = {
    "attempt": ("id", "question", "session"),
    "mark": ("id", "entry"),
    "entry": ("entry",),
    "session": ("id",),
    "position": ("topic", "entry"),
}
_TEXTS = {"attempt": ("answer", "mode"), "session": ("mode",)}
_COUNTS = {"session": ("score", "total")}


def _limits(kind: str, doc: dict[str, Any]) -> str | None:
    """What in a (well-shaped) record is beyond the limits of an import."""
    for name in _IDS.get(kind, ()):
        if isinstance(doc.get(name), str) and len(doc[name]) > MAX_ID:
            return f"'{name}' is longer than {MAX_ID} characters"
    for name in _TEXTS.get(kind, ()):
        if len(doc[name]) > MAX_TEXT:
            return f"'{name}' is longer than {MAX_TEXT:,} characters"
    if not all(is_unicode(v) for v in doc.values() if isinstance(v, str)) or not all(
        is_unicode(t) for t in doc.get("topics") or ()
    ):
        return "holds text that is not valid Unicode"
    for name in _TIMES.get(kind, ()):
        if doc.get(name) is not None and not time_in_range(doc[name]):
            return f"'{name}' is not within 1970-2200"
    for name in _COUNTS.get(kind, ()):
        if doc.get(name) is not None and not 0 <= doc[name] <= MAX_COUNT:
            return f"'{name}' is not between 0 and {MAX_COUNT:,}"
    if kind == "attempt" and doc["seconds"] > MAX_SECONDS:
        return "'seconds' is more than 10,000,000"
    if kind == "session" and (len(doc["topics"]) > 1000 or any(len(t) > MAX_ID for t in doc["topics"])):
        return "'topics' is too long"
    return None


@dataclass
class Layout:
    """An export's records, checked and normalised (cards as ``{card, state}`` documents)."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    sessions: list[dict[str, Any]] = field(default_factory=list)
    position: dict[str, Any] | None = None
    settings: list[dict[str, Any]] = field(default_factory=list)
    cards: list[dict[str, Any]] = field(default_factory=list)
    attempts: list[dict[str, Any]] = field(default_factory=list)
    marks: list[dict[str, Any]] = field(default_factory=list)


def load_export(raw: bytes) -> Any:
    """The JSON data of an export file's bytes; raises :class:`InvalidImport` (one line)."""
    if len(raw) > MAX_IMPORT_BYTES:
        raise InvalidImport(f"larger than {MAX_IMPORT_BYTES // 2**20} MB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidImport("not UTF-8 text") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidImport(f"not valid JSON (line {error.lineno}: {error.msg})") from None
    except RecursionError:
        raise InvalidImport("not valid JSON (nested too deeply)") from None
    except ValueError:  # a number of more than 4,300 digits
        raise InvalidImport("not valid JSON (a number with too many digits)") from None


def _name(section: str, index: int, doc: Any) -> str:
    """``'attempts' item 3 (id 'abc')``: which record a message is about."""
    hint = ""
    if isinstance(doc, dict):
        for key in ("id", "entry", "card"):
            if isinstance(doc.get(key), str):
                hint = f" ({key} {show(doc[key])})"
                break
    return f"'{section}' item {index + 1}{hint}"


def _section(data: dict[str, Any], name: str, kind: str) -> list[dict[str, Any]]:
    value = data.get(name, [])
    if not isinstance(value, list):
        raise InvalidImport(f"'{name}' is not a list")
    for index, doc in enumerate(value):
        try:
            check_doc(kind, doc)
        except Shape as shape:
            raise InvalidImport(f"{_name(name, index, doc)}: {shape}") from None
        problem = _limits(kind, doc)
        if problem:
            raise InvalidImport(f"{_name(name, index, doc)}: {problem}")
    return value


def _stored(text: str) -> str:
    return format_time(parse_time(text))


def check_export(data: Any) -> Layout:
    """Validate an export (see :func:`progress.transfer.export`) and normalise it.

    Raises :class:`InvalidImport` with a one-line reason naming the record.
    Anything that passes is within the limits (times 1970-2200, values at most
    :data:`MAX_DEPTH` deep, 64-bit integers, bounded text).
    """
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise InvalidImport(f'not an awstutor progress export (no "format": "{EXPORT_FORMAT}")')
    version = data.get("schema")
    if not _is_int(version) or version < 1:
        raise InvalidImport("no schema version")
    if version > SCHEMA_VERSION:
        number = f"v{version}" if version < 10**6 else "number out of range"
        raise InvalidImport(f"made by a newer awstutor (schema {number}); update awstutor to import it")
    out = Layout()
    for doc in _section(data, "entries", "entry"):
        first, last = doc.get("first_seen") or doc.get("last_seen"), doc.get("last_seen") or doc.get("first_seen")
        if first and last:
            out.entries.append({"entry": doc["entry"], "first_seen": _stored(first), "last_seen": _stored(last)})
    out.marks = [
        {"id": d["id"], "at": _stored(d["at"]), "entry": d["entry"], "mark": d["mark"]}
        for d in _section(data, "marks", "mark")
    ]
    out.attempts = [
        {**{k: d.get(k) for k in FIELDS["attempt"]}, "at": _stored(d["at"])}
        for d in _section(data, "attempts", "attempt")
    ]
    out.sessions = [
        {
            **{k: d.get(k) for k in FIELDS["session"]},
            "topics": list(d["topics"]),
            "started": _stored(d["started"]),
            "ended": _stored(d["ended"]) if d.get("ended") else None,
        }
        for d in _section(data, "sessions", "session")
    ]
    position = data.get("position")
    if position is not None:
        try:
            check_doc("position", position)
        except Shape as shape:
            raise InvalidImport(f"'position': {shape}") from None
        problem = _limits("position", position)
        if problem:
            raise InvalidImport(f"'position': {problem}")
        out.position = {"topic": position["topic"], "entry": position["entry"]}
    settings = data.get("settings", {})
    if not isinstance(settings, dict):
        raise InvalidImport("'settings' is not an object")
    for key, value in settings.items():
        if not _is_id(key) or len(key) > MAX_ID or not is_unicode(key):
            raise InvalidImport(f"setting {show(key)}: not a setting name")
        problem = value_problem(value)
        if problem:
            raise InvalidImport(f"setting {show(key)}: its value {problem}")
        out.settings.append({"key": key, "value": value})
    cards = data.get("cards", {})
    if not isinstance(cards, dict):
        raise InvalidImport("'cards' is not an object")
    for card_id, state in cards.items():
        if not _is_id(card_id) or len(card_id) > MAX_ID or not is_unicode(card_id):
            raise InvalidImport(f"card {show(card_id)}: not a card id")
        if not isinstance(state, dict) or not is_time(state.get("due")):
            raise InvalidImport(f"card {show(card_id)} has no valid 'due' time")
        problem = value_problem(state)
        if problem:
            raise InvalidImport(f"card {show(card_id)}: its state {problem}")
        if not time_in_range(state["due"]):
            raise InvalidImport(f"card {show(card_id)}: 'due' is not within 1970-2200")
        out.cards.append({"card": card_id, "state": state})
    return out
