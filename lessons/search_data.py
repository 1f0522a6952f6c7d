"""The search index's data: what each entry contributes, packed for a cache.

One *document* per entry (sub-entries included). Each document knows its words
with a weight that says where they occur::

    term 10 > full form, aliases 8 > definition, sub-entry terms 3
      > notes, update callouts 2 > questions that test the entry 1.5 > topic title 1

and its *names* (term, full form, aliases, in every form they can be typed), the
display record of the entry, and the acronyms the course spells out.
:func:`build_data` turns a course into a handful of plain lists, dicts and packed
``uint32`` arrays, so that :mod:`lessons.search` can cache it with :mod:`marshal`:
a lookup with a valid cache (:func:`signature`, :func:`valid`) reads one file and
never parses the course's TOML.
"""

from __future__ import annotations

import marshal
import os
import re
import sys
from array import array
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from lessons.folders import code_signature, folder_signature
from lessons.markup import plain
from lessons.search_words import (
    RUN,
    acronyms_in_text,
    index_words,
    looks_like_acronym,
    name_forms,
    one_line,
    query_words,
    spelled_out,
    words,
)

if TYPE_CHECKING:  # pragma: no cover
    from lessons.model import Course, Entry, Topic

INDEX_FORMAT = 2

# Field weights: where a word occurs in a document.
W_TERM, W_NAME, W_DEFINITION, W_CHILD, W_NOTES, W_QUESTION, W_TOPIC = 10.0, 8.0, 3.0, 3.0, 2.0, 1.5, 1.0
WEIGHT_SCALE = 2  # weights are packed as whole numbers: weight × 2
ARRAY_TYPE = "I"  # native unsigned 32-bit ints


def _record(entry: Entry, topic: Topic, course: Course, depth: int) -> dict[str, Any]:
    parent = course.entries.get(entry.parent_id) if entry.parent_id else None
    if entry.definition:
        summary = one_line(entry.definition)
    elif entry.notes:
        summary = one_line(entry.notes[0])
    elif entry.full_form:
        summary = entry.full_form
    elif entry.children:
        summary = one_line("Covers: " + ", ".join(c.term for c in entry.children) + ".", 200)
    else:
        summary = ""
    return {
        "id": entry.id,
        "topic_id": topic.id,
        "topic_number": topic.number,
        "topic_title": topic.title,
        "term": entry.term,
        "full_form": entry.full_form,
        "kind": entry.kind,
        "definition": entry.definition,
        "notes": list(entry.notes),
        "updates": [
            {"note": u.note, "current": u.current, "since": u.since, "source": u.source, "kind": u.kind}
            for u in entry.updates
        ],
        "sources": list(entry.sources),
        "unverified": entry.unverified,
        "task": entry.task,
        "children": [{"id": c.id, "term": c.term} for c in entry.children],
        "related": [{"id": r, "term": course.entries[r].term} for r in entry.related if r in course.entries],
        "aliases": list(entry.aliases),
        "added": entry.added,
        "parent_id": entry.parent_id,
        "parent_term": parent.term if parent else None,
        "depth": depth,
        "summary": summary,
    }


def _adder(weights: dict[str, float], memo: dict[str, tuple[str, ...]]) -> Callable[[str | None, float], None]:
    """Record the words of a text at a weight (the best weight wins)."""

    def add(text: str | None, weight: float) -> None:
        if not text:
            return
        for word in index_words(plain(text), memo):
            if weights.get(word, 0.0) < weight:
                weights[word] = weight

    return add


def build_data(course: Course, notices: Iterable[str] = ()) -> dict[str, Any]:
    """The compact, marshal-friendly form of the index for a course."""
    questions: dict[str, list[str]] = {}
    for question in course.questions.values():
        texts = [question.prompt, question.explain]
        answer = question.answer
        if isinstance(answer, str):
            texts.append(answer)
        elif isinstance(answer, tuple):
            texts.extend(answer)
        texts.extend(question.accept)
        questions.setdefault(question.entry_id, []).extend(texts)

    records: list[dict[str, Any]] = []
    doc_words: list[dict[str, float]] = []
    doc_names: list[list[tuple[bool, tuple[str, ...]]]] = []  # (is the term, words)
    acronyms: dict[str, list[tuple[str, ...]]] = {}
    memo: dict[str, tuple[str, ...]] = {}

    def add_acronym(acronym: str, expansion: str) -> None:
        key = words(acronym)
        phrase = tuple(query_words(expansion))
        if len(key) != 1 or len(phrase) < 2 or key[0] in phrase:
            return
        known = acronyms.setdefault(key[0], [])
        if phrase not in known:
            known.append(phrase)

    for topic in course.topics:
        depth_of: dict[str, int] = {}
        for entry in topic.walk():
            depth = depth_of[entry.parent_id] + 1 if entry.parent_id in depth_of else 0
            depth_of[entry.id] = depth
            records.append(_record(entry, topic, course, depth))
            weights: dict[str, float] = {}
            add = _adder(weights, memo)
            add(topic.title, W_TOPIC)
            for text in questions.get(entry.id, ()):
                add(text, W_QUESTION)
            for text in entry.notes:
                add(text, W_NOTES)
            for update in entry.updates:
                add(update.note, W_NOTES)
                add(update.current, W_NOTES)
            add(entry.definition, W_DEFINITION)
            for child in entry.children:
                add(child.term, W_CHILD)
                add(child.full_form, W_CHILD)
            names: list[tuple[bool, tuple[str, ...]]] = []
            term = [(entry.term, W_TERM)]
            short = re.sub(r"^(?:AWS|Amazon)\s+", "", entry.term)
            if short != entry.term and short.strip():
                term.append((short, W_TERM))  # "AWS Lambda" is also just "Lambda"
            for text, weight in [*term, (entry.full_form, W_NAME), *((a, W_NAME) for a in entry.aliases)]:
                if not text:
                    continue
                add(text, weight)
                for form in name_forms(text):
                    if all(form != known for _, known in names):
                        names.append((weight == W_TERM, form))
                    if len(form) == 1 and weights.get(form[0], 0.0) < weight:
                        weights[form[0]] = weight  # the all-joined form ("cloudfront")
            doc_words.append(weights)
            doc_names.append(names)

            # Acronyms: term or alias with the full form, and the text's own "Words (WA)".
            if entry.full_form:
                for text in (entry.term, *entry.aliases):
                    if looks_like_acronym(text):
                        add_acronym(text, entry.full_form)
            if not entry.full_form:
                for alias in entry.aliases:
                    if looks_like_acronym(alias):
                        phrase = spelled_out(alias, RUN.findall(plain(entry.term)))
                        if phrase:
                            add_acronym(alias, phrase)  # "Lambda Event Source Mapping" + ESM
            for text in (entry.term, entry.definition or "", *entry.notes, *entry.aliases):
                for acronym, expansion in acronyms_in_text(text):
                    add_acronym(acronym, expansion)

    vocab = sorted(
        {w for weights in doc_words for w in weights} | {w for names in doc_names for _, f in names for w in f}
    )
    ids = {w: i for i, w in enumerate(vocab)}
    lists: list[list[int]] = [[] for _ in vocab]
    for doc, weights in enumerate(doc_words):
        for word, weight in weights.items():
            lists[ids[word]] += (doc, round(weight * WEIGHT_SCALE))
    postings, post_at = _pack(lists)
    # Per document: [count, then per name: length, is-the-term flag, word ids...]
    packed_names, names_at = _pack(
        [
            [len(forms), *(x for is_term, form in forms for x in (len(form), int(is_term), *(ids[w] for w in form)))]
            for forms in doc_names
        ]
    )
    topic_rows: list[tuple[str, int, str]] = []
    topic_index: dict[str, int] = {}
    heads: list[tuple[str, int, str, str | None, str, int]] = []
    for record in records:
        key = record["topic_id"]
        if key not in topic_index:
            topic_index[key] = len(topic_rows)
            topic_rows.append((key, record["topic_number"], record["topic_title"]))
        heads.append(
            (record["id"], topic_index[key], record["term"], record["full_form"], record["summary"], record["depth"])
        )
    return {
        "format": INDEX_FORMAT,
        "topics": topic_rows,
        "heads": heads,
        "records": [marshal.dumps(record) for record in records],
        "vocab": vocab,
        "postings": postings,
        "post_at": post_at,
        "names": packed_names,
        "names_at": names_at,
        "acronyms": {k: list(v) for k, v in acronyms.items()},
        "notices": list(notices),
    }


def _pack(rows: list[list[int]]) -> tuple[bytes, list[int]]:
    """Rows of small ints as one native ``uint32`` array plus row offsets."""
    flat = array(ARRAY_TYPE)
    at = [0]
    for row in rows:
        flat.extend(row)
        at.append(len(flat))
    return flat.tobytes(), at


# --------------------------------------------------------------------------- cache


def signature(folders: Iterable[str | os.PathLike], version: str | None = None) -> list[Any]:
    """What the cache is keyed on: every course file of the folders (name, size,
    mtime_ns), the caller's ``version``, the index format, the code of the
    ``lessons`` package, and the Python version and byte order (marshal and the
    packed arrays are Python's and the machine's)."""
    sig: list[Any] = [
        INDEX_FORMAT,
        version,
        [sys.version_info[0], sys.version_info[1], marshal.version, sys.byteorder],
        code_signature(),
    ]
    sig.extend(folder_signature(folder) for folder in folders)
    return sig


_PARTS: dict[str, type] = {
    "topics": list,
    "heads": list,
    "records": list,
    "vocab": list,
    "postings": bytes,
    "post_at": list,
    "names": bytes,
    "names_at": list,
    "acronyms": dict,
    "notices": list,
}


def valid(data: Any, sig: list[Any]) -> bool:
    """Is a loaded cache ours, current and whole?"""
    if not isinstance(data, dict) or data.get("format") != INDEX_FORMAT or data.get("signature") != sig:
        return False
    if not all(isinstance(data.get(key), kind) for key, kind in _PARTS.items()):
        return False
    size = array(ARRAY_TYPE).itemsize
    return (
        len(data["post_at"]) == len(data["vocab"]) + 1
        and len(data["heads"]) == len(data["records"]) == len(data["names_at"]) - 1
        and data["post_at"][-1] * size == len(data["postings"])
        and data["names_at"][-1] * size == len(data["names"])
    )
