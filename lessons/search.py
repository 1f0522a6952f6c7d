"""The search index behind ``awstutor lookup``, the app's search box and its
command palette.

One *document* per entry (sub-entries included). Each document knows its words
with a weight that says where they occur::

    term 10 > full form, aliases 8 > definition, sub-entry terms 3
      > notes, update callouts 2 > questions that test the entry 1.5 > topic title 1

Words are cut at anything that is not a letter or digit (``lambda@edge``,
``!Ref``, ``s3:ObjectCreated``), lower-cased and lightly stemmed (plurals);
the course side also indexes camel-case parts (``ChangeMessageVisibility``)
and words joined across punctuation (``sse-kms`` → ``ssekms``). Query words
(stop words dropped; ``5pm``, ``4kb`` read as a number and its unit) match the
vocabulary exactly, as a prefix (``visib``), as their family (``scaling`` for
``scale``, ``retried`` for ``retry``: see :func:`family`), as an everyday
synonym (``whole`` ~ ``entire``: :data:`SYNONYMS`, word to word only), or
with typos: one for words of 4-7 letters, two from 8 (``visiblity``,
``dynamdb``), measured as optimal-string-alignment distance over the words of
about the same length whose letter sets differ by at most two per edit.

A document scores the sum, over query words, of its best ``match quality ×
field weight`` times the word's weight, times the square of the (weighted)
share of query words it matched. A word weighs less the more entries it
matches (``RARE_DOCS``, ``RARE_FLOOR``): in a problem-shaped query
(``delete old items automatically``) the rare word decides, not ``item``.
A query word that names a topic (its title's names: ``dynamodb``, ``sqs``,
``api gateway``, ``xray``, ``route53``) counts at least ``W_CONTEXT`` for that
topic's entries, and it may complete a name the other words spell out:
``dynamodb rcu`` is the name ``RCU`` in the topic DynamoDB (an exact-name bonus
``B_CONTEXT`` below ``rcu`` alone), so RCU ranks first rather than the entries
named "DynamoDB ..." that mention RCU; ``s3 cors`` and ``api gateway cors``
find each topic's CORS. A *name* of the entry (term, full form, alias) that
the query spells out, in any order, adds a bonus: exact (more for the term
itself) > typo or prefix > part of the name. Top-level entries win ties over
sub-entries. Acronyms work both
ways: full forms, aliases and the ``Words In Full (WIF)`` patterns of the
course text give an acronym map, and the query is also scored with an acronym
expanded (or an expansion abbreviated); each document keeps its best score.

How well this finds what a learner means is measured on an evaluation set of
learner queries (``tests/lessons/search_queries.toml``; ``bench/search_eval.py``
prints recall@1 and recall@3). Aliases in the course carry the names and
phrasings learners type; nothing maps a query to an entry in code.

Hand-made rather than a fuzzy matching library: importing rapidfuzz costs ~30 ms,
more than the whole rest of a lookup, and a vocabulary of ~3,000 words needs no
more than a length-and-letters filter and the banded edit distance of
:mod:`lessons.spelling` (a typo query takes 1-3 ms, most queries well under 1 ms).

The index is a handful of plain lists and dicts, so it is cached with
:mod:`marshal` (see :meth:`SearchIndex.load_or_build`): a lookup with a valid
cache reads one file and never parses the course's TOML. Plain Python; importing
this module costs next to nothing (no dataclasses, no pathlib, no Textual).
"""

from __future__ import annotations

import marshal
import os
import re
import sys
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

from lessons.folders import code_signature, folder_signature
from lessons.markup import plain
from lessons.spelling import osa_distance

if TYPE_CHECKING:  # pragma: no cover
    from lessons.model import Course, Entry, Topic

INDEX_FORMAT = 2
CACHE_NAME = "search-index.marshal"

# Field weights: where a word occurs in a document.
W_TERM, W_NAME, W_DEFINITION, W_CHILD, W_NOTES, W_QUESTION, W_TOPIC = 10.0, 8.0, 3.0, 3.0, 2.0, 1.5, 1.0
# Match qualities: how a query word matched a vocabulary word.
Q_EXACT, Q_FAMILY, Q_TYPO1, Q_TYPO2 = 1.0, 0.8, 0.7, 0.55
# Bonuses for a name (term, full form, alias) the query spells out.
B_EXACT_NAME, B_TERM, B_FUZZY_NAME, B_PART_NAME, B_TOP_LEVEL = 30.0, 5.0, 15.0, 2.0, 0.5
# A query word that names the entry's topic ("dynamodb" in "dynamodb rcu") counts
# at least this much for the topic's entries, and may complete a name the other
# words spell out, for a bonus this much below the name typed on its own.
W_CONTEXT, B_CONTEXT = 3.0, 3.0
# Rare words weigh more: a query word found in ``df`` documents weighs
# ``RARE_FLOOR + (1 - RARE_FLOOR) * RARE_DOCS / (RARE_DOCS + df)``.
RARE_DOCS, RARE_FLOOR = 30.0, 0.3
# A document's score shrinks with the share of the query it misses, to this power.
COVERAGE_POWER = 2
VARIANT_FACTOR = 0.98  # an acronym-rewritten query scores a shade below the literal one
MAX_PREFIX = 200  # vocabulary words one prefix may expand to
MAX_VARIANTS = 6
WEIGHT_SCALE = 2  # weights are packed as whole numbers: weight × 2
SUGGEST_CUTOFF = 0.4
_ARRAY_TYPE = "I"  # native unsigned 32-bit ints

STOP_WORDS = frozenset(
    "a an and are as at be by can do does did for from how i in is it its me my of on or "
    "s should stand stands t that the this to was what whats when where which who why will with "
    "you your".split()
)

# Endings a word sheds to find its family (see :func:`family`), longest first.
FAMILY_ENDINGS = tuple("ation ating ated ator ate ment able ible ing ion ied ies ed er or e y".split())
# Everyday words a learner types for the course's words (each matches the
# others of its group a shade below itself): word to word, never to an entry.
SYNONYMS = (
    ("several", "multiple", "many"),
    ("whole", "entire"),
    ("link", "url"),
    ("login", "signin", "logon"),
    ("another", "other"),
    ("db", "database"),
    ("remove", "delete"),
    ("recover", "restore"),
)
# Words of topic titles that do not name the topic on their own.
TITLE_FILLER = frozenset("advanced amazon aws elastic fundamentals group messaging on serverless".split())
# A one-word topic name must be this topic's in at least this share of the entries that have the word.
CONTEXT_SHARE = 0.2

_RUN = re.compile(r"[^\W_]+")
_CAMEL_HINT = re.compile(r"[a-z][A-Z]")
# Used only when building (or on rare words): compiled on first use by re's cache.
_CAMEL_1 = r"([a-z0-9])([A-Z])"
_CAMEL_2 = r"([A-Z]+)([A-Z][a-z])"
_ACRONYM_TERM = r"^[A-Z][A-Za-z0-9]{0,2}[A-Z0-9][A-Za-z0-9]{0,4}s?$"
_PAREN = r"\(([^()]{2,80})\)"
_SENTENCE_END = r"(?<=[.!?])\s"


_SYNONYM_OF = {w: tuple(o for o in group if o != w) for group in SYNONYMS for w in group}


class Hit(NamedTuple):
    """One search result, best first."""

    id: str
    topic_id: str
    topic_number: int
    topic_title: str
    term: str
    full_form: str | None
    summary: str  # one line, markup removed
    score: float  # higher is better
    matched: list[str]  # words of the entry the query matched (lower case, stemmed)


# --------------------------------------------------------------------------- words


def stem(run: str) -> str:
    """Lower-case a word and strip a plural (``policies`` → ``policy``, ``APIs`` → ``api``).

    Deliberately tiny: the same function runs on the course and on the query,
    so all it has to be is consistent.
    """
    if len(run) >= 3 and run[-1] == "s" and run[:-1].isupper():
        return run[:-1].lower()  # ACLs, AZs, ENIs
    word = run.lower()
    n = len(word)
    if n > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if n > 4 and word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if n > 3 and word[-1] == "s" and word[-2] not in "su" and not word[-2].isdigit():
        if not (word[-2] == "i" and n > 4):  # kinesis, redis, analysis
            return word[:-1]
    return word


def family(word: str) -> str:
    """What the words of one family share once their endings are shed, so that
    ``scale``, ``scaled``, ``scaling`` and ``scalable`` meet (``scal``), and
    ``deploy``/``deployment``/``deployed`` (``deploi``), ``retry``/``retried``,
    ``trigger``/``triggering``, ``encrypt``/``encryption``. Rough, and used
    only to let a query word match its family a shade below itself."""
    base = word
    for _ in range(2):
        for ending in FAMILY_ENDINGS:
            y = ending in ("ied", "ies", "y")
            if base.endswith(ending) and len(base) - len(ending) >= (3 if y else 4):
                base = base[: -len(ending)]
                if y:
                    base += "i"  # deny, denied -> deni
                elif base[-1] == base[-2] and base[-1] not in "ls":
                    base = base[:-1]  # stopped -> stop, logging -> log
                break
        else:
            break
    return base


def camel_parts(run: str) -> list[str]:
    """``ChangeMessageVisibility`` → ``[Change, Message, Visibility]`` (else ``[]``)."""
    if not _CAMEL_HINT.search(run):
        return []
    return re.sub(_CAMEL_2, r"\1 \2", re.sub(_CAMEL_1, r"\1 \2", run)).split()


def words(text: str) -> list[str]:
    """The stemmed, lower-case words of a text, as a query sees them."""
    return [stem(run) for run in _RUN.findall(text)]


def content_words(runs: list[str]) -> list[str]:
    """Stemmed words without stop words (``what does OAI stand for`` → ``[oai]``),
    unless nothing else is left."""
    kept = [r for r in runs if r.lower() not in STOP_WORDS]
    return [stem(r) for r in (kept or runs)]


def query_words(text: str) -> list[str]:
    """The words of a query that count."""
    return content_words(_RUN.findall(text))


def index_words(text: str, memo: dict[str, tuple[str, ...]] | None = None) -> set[str]:
    """Every vocabulary word a text offers: words, camel-case parts, and words
    joined across punctuation (``sse-kms`` also gives ``ssekms``). ``memo``
    remembers chunks already seen (building the index repeats many)."""
    found: set[str] = set()
    for chunk in text.split():
        known = memo.get(chunk) if memo is not None else None
        if known is None:
            runs = _RUN.findall(chunk)
            parts = [stem(run) for run in runs]
            for run in runs:
                parts.extend(stem(part) for part in camel_parts(run))
            if len(runs) > 1:
                parts.append(stem("".join(runs)))
            known = tuple(parts)
            if memo is not None:
                memo[chunk] = known
        found.update(known)
    return found


def name_forms(text: str) -> list[tuple[str, ...]]:
    """The ways a name can be typed: word by word, camel-case split, all joined."""
    runs = _RUN.findall(plain(text))
    if not runs:
        return []
    forms = [tuple(content_words(runs))]
    split = [p for r in runs for p in (camel_parts(r) or [r])]
    if len(split) != len(runs):
        forms.append(tuple(content_words(split)))
    if 1 < len(runs) <= 4:
        forms.append((stem("".join(runs)),))
    unique: list[tuple[str, ...]] = []
    for form in forms:
        if form and form not in unique:
            unique.append(form)
    return unique


def _bigrams(word: str) -> set[str]:
    padded = f"^{word}$"
    return {padded[i : i + 2] for i in range(len(padded) - 1)}


def _dice(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def looks_like_acronym(text: str) -> bool:
    """``ENI``, ``RCU``, ``ACLs``, ``IAM``: short and mostly capitals."""
    return bool(re.match(_ACRONYM_TERM, text)) and sum(c.isupper() for c in text) >= 2


def _initials_match(acronym: str, phrase_words: list[str]) -> bool:
    letters = [c for c in acronym.lower() if c.isalpha()]
    initials = [w[0].lower() for w in phrase_words if w.lower() not in ("of", "and", "for", "the", "to", "a")]
    return len(letters) >= 2 and letters == initials


def _spelled_out(acronym: str, phrase_words: list[str]) -> str | None:
    """The run of ``phrase_words`` whose initials spell ``acronym``, if any."""
    for start in range(len(phrase_words)):
        for end in range(len(phrase_words), start, -1):
            if _initials_match(acronym, phrase_words[start:end]):
                return " ".join(phrase_words[start:end])
    return None


def acronyms_in_text(text: str) -> Iterable[tuple[str, str]]:
    """``(acronym, expansion)`` pairs a text spells out: ``Words In Full (WIF)`` or ``WIF (Words In Full)``."""
    text = plain(text)
    for match in re.finditer(_PAREN, text):
        inside = match.group(1).strip()
        before = text[: match.start()].rstrip()
        if looks_like_acronym(inside):
            candidates = re.findall(r"[A-Za-z][A-Za-z0-9'-]*", before)[-8:]
            acronym = inside[:-1] if inside.endswith("s") and inside[:-1].isupper() else inside
            letters = sum(c.isalpha() for c in acronym)
            for size in range(letters, min(len(candidates), letters + 3) + 1):
                phrase = candidates[-size:]
                if _initials_match(acronym, phrase):
                    yield acronym, " ".join(phrase)
                    break
        else:
            head = re.search(r"([A-Z][A-Za-z0-9]{1,7})\s*$", before)
            if head and looks_like_acronym(head.group(1)):
                phrase = re.findall(r"[A-Za-z][A-Za-z0-9'-]*", inside)
                if _initials_match(head.group(1), phrase):
                    yield head.group(1), " ".join(phrase)


def mark(text: str, matched: Iterable[str]) -> list[tuple[str, bool]]:
    """Split plain text into ``(piece, is_match)`` pieces: the words whose stem
    (or a camel-case part's) is in ``matched`` (:attr:`Hit.matched`), for highlighting."""
    wanted = matched if isinstance(matched, (set, frozenset)) else set(matched)
    if not wanted:
        return [(text, False)] if text else []
    out: list[tuple[str, bool]] = []
    pos = 0
    for match in _RUN.finditer(text):
        run = match.group()
        if stem(run) in wanted or any(stem(part) in wanted for part in camel_parts(run)):
            if match.start() > pos:
                out.append((text[pos : match.start()], False))
            out.append((run, True))
            pos = match.end()
    if pos < len(text):
        out.append((text[pos:], False))
    return out


def one_line(text: str, width: int = 200) -> str:
    """The first sentence of a text, markup removed, at most ``width`` characters."""
    flat = " ".join(plain(text).split())
    first = re.split(_SENTENCE_END, flat, maxsplit=1)[0]
    if len(first) > width:
        first = first[: width - 1].rstrip() + "…"
    return first


# --------------------------------------------------------------------------- building


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
                        phrase = _spelled_out(alias, _RUN.findall(plain(entry.term)))
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
    names, names_at = _pack(
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
        "names": names,
        "names_at": names_at,
        "acronyms": {k: list(v) for k, v in acronyms.items()},
        "notices": list(notices),
    }


def _pack(rows: list[list[int]]) -> tuple[bytes, list[int]]:
    """Rows of small ints as one native ``uint32`` array plus row offsets."""
    flat = array(_ARRAY_TYPE)
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


def _valid(data: Any, sig: list[Any]) -> bool:
    """Is a loaded cache ours, current and whole?"""
    if not isinstance(data, dict) or data.get("format") != INDEX_FORMAT or data.get("signature") != sig:
        return False
    if not all(isinstance(data.get(key), kind) for key, kind in _PARTS.items()):
        return False
    size = array(_ARRAY_TYPE).itemsize
    return (
        len(data["post_at"]) == len(data["vocab"]) + 1
        and len(data["heads"]) == len(data["records"]) == len(data["names_at"]) - 1
        and data["post_at"][-1] * size == len(data["postings"])
        and data["names_at"][-1] * size == len(data["names"])
    )


# --------------------------------------------------------------------------- the index


class SearchIndex:
    """Search over the entries of a course. Build once; query on every keystroke."""

    def __init__(self, data: dict[str, Any], *, from_cache: bool = False) -> None:
        self.topics: list[tuple[str, int, str]] = data["topics"]
        self.heads: list[tuple[str, int, str, str | None, str, int]] = data["heads"]
        self.vocab: list[str] = data["vocab"]
        self.acronyms: dict[str, list[tuple[str, ...]]] = data["acronyms"]
        self.notices: list[str] = list(data["notices"])
        self.from_cache = from_cache  # True when read from the cache file
        self._records: list[bytes] = data["records"]
        self._postings = memoryview(data["postings"]).cast(_ARRAY_TYPE)
        self._post_at: list[int] = data["post_at"]
        self._names = memoryview(data["names"]).cast(_ARRAY_TYPE)
        self._names_at: list[int] = data["names_at"]
        self._ids = {w: i for i, w in enumerate(self.vocab)}
        self._by_id = {head[0]: n for n, head in enumerate(self.heads)}
        self._by_length: dict[int, list[tuple[int, frozenset[str]]]] | None = None
        self._phrases: dict[str, list[tuple[tuple[str, ...], str]]] | None = None
        self._forms: dict[int, list[tuple[bool, tuple[int, ...]]]] = {}
        self._memo: dict[str, dict[int, tuple[float, int]]] = {}
        self._title_names: list[tuple[tuple[str, ...], tuple[int, ...]]] | None = None

    # -- construction ---------------------------------------------------------

    @classmethod
    def build(cls, course: Course, notices: Iterable[str] = ()) -> SearchIndex:
        """The index of a course, in memory."""
        return cls(build_data(course, notices))

    @classmethod
    def load_or_build(
        cls,
        cache_dir: str | os.PathLike | None,
        course_dirs: Iterable[str | os.PathLike],
        build: Callable[[], Any],
        *,
        version: str | None = None,
    ) -> SearchIndex:
        """The index from ``cache_dir`` when it matches the files of
        ``course_dirs`` (see :func:`signature`); else from ``build()`` (a
        :class:`~lessons.model.Course`, or a load result with ``.course`` and
        ``.problems``), stored for next time.

        The cache never makes this fail: a missing, unreadable, corrupt or stale
        file, or a folder that cannot be written, only means building in memory.
        Problems of the load are kept as :attr:`notices`, so a lookup from the
        cache can repeat them.
        """
        from lessons import cache

        sig = signature(course_dirs, version)
        data = cache.read(cache_dir, CACHE_NAME)
        try:
            if _valid(data, sig):
                return cls(data, from_cache=True)
        except Exception:  # noqa: BLE001 - a damaged cache is rebuilt, whatever the damage
            pass
        built = build()
        course = getattr(built, "course", built)
        notices: list[str] = []
        problems = getattr(built, "problems", None)
        if problems:
            from lessons.loader import describe

            notices = describe(problems)
        data = build_data(course, notices)
        cache.write(cache_dir, CACHE_NAME, {**data, "signature": sig})  # not written: built again next time
        return cls(data)

    # -- data -----------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.heads)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._by_id

    @property
    def ids(self) -> list[str]:
        """Every entry id, in course order."""
        return [head[0] for head in self.heads]

    def record(self, entry_id: str) -> dict[str, Any]:
        """Display data of one entry (raises ``KeyError`` for an unknown id):
        ``id, topic_id, topic_number, topic_title, term, full_form, kind,
        definition, notes, updates [{note, current, since, source, kind}], sources, unverified, task, children
        [{id, term}], related [{id, term}], aliases, added, parent_id,
        parent_term, depth, summary``.
        Texts keep their markup (``{{...}}``, backticks)."""
        return marshal.loads(self._records[self._by_id[entry_id]])

    def _hit(self, doc: int, score: float, matched: list[str]) -> Hit:
        entry_id, topic, term, full_form, summary, _depth = self.heads[doc]
        topic_id, number, title = self.topics[topic]
        return Hit(entry_id, topic_id, number, title, term, full_form, summary, round(score, 3), matched)

    def _name_forms(self, doc: int) -> list[tuple[bool, tuple[int, ...]]]:
        """The names of a document: ``(is the term, word ids)``."""
        forms = self._forms.get(doc)
        if forms is None:
            flat = self._names[self._names_at[doc] : self._names_at[doc + 1]].tolist()
            forms, at = [], 1
            for _ in range(flat[0]):
                size = flat[at]
                forms.append((bool(flat[at + 1]), tuple(flat[at + 2 : at + 2 + size])))
                at += 2 + size
            self._forms[doc] = forms
        return forms

    # -- matching -------------------------------------------------------------

    def _matches(self, word: str) -> dict[int, tuple[float, int]]:
        """The vocabulary a query word matches: ``{word id: (quality, kind)}``
        with kind 0 exact, 1 prefix, 2 typo."""
        found = self._memo.get(word)
        if found is not None:
            return found
        found = {}
        exact = self._ids.get(word)
        if exact is not None:
            found[exact] = (Q_EXACT, 0)
        letters = not word.isdigit()
        if letters and len(word) >= 2:
            vocab = self.vocab
            start = bisect_left(vocab, word)
            for i in range(start, min(start + MAX_PREFIX, len(vocab))):
                candidate = vocab[i]
                if not candidate.startswith(word):
                    break
                if i != exact:
                    found[i] = (0.4 + 0.4 * len(word) / len(candidate), 1)
            # Its family ("scaling" for "scale"), a shade below the word itself.
            key = family(word)
            start = bisect_left(vocab, key)
            for i in range(start, min(start + MAX_PREFIX, len(vocab))):
                candidate = vocab[i]
                if not candidate.startswith(key):
                    break
                if i != exact and found.get(i, (0.0,))[0] < Q_FAMILY and family(candidate) == key:
                    found[i] = (Q_FAMILY, 1)
        for other in _SYNONYM_OF.get(word, ()):
            i = self._ids.get(other)
            if i is not None and found.get(i, (0.0,))[0] < Q_FAMILY:
                found[i] = (Q_FAMILY, 1)
        if letters and len(word) >= 4 and (exact is None or not self._is_name_word(exact)):
            # A word the course lacks, or has only in passing: perhaps a typo of a name.
            for i, distance in self._typos(word):
                if i not in found and (exact is None or self._is_name_word(i)):
                    found[i] = (Q_TYPO1 if distance == 1 else Q_TYPO2, 2)
        if len(self._memo) > 1024:
            self._memo.clear()
        self._memo[word] = found
        return found

    def _is_name_word(self, vid: int) -> bool:
        """Is the word part of some entry's term, full form or alias?"""
        weights = self._postings[self._post_at[vid] + 1 : self._post_at[vid + 1] : 2]
        return max(weights, default=0) >= W_NAME * WEIGHT_SCALE

    def _typos(self, word: str) -> list[tuple[int, int]]:
        """Vocabulary words within 1 typo (2 for words of 8 letters or more)."""
        if self._by_length is None:
            by_length: dict[int, list[tuple[int, frozenset[str]]]] = {}
            for i, w in enumerate(self.vocab):
                by_length.setdefault(len(w), []).append((i, frozenset(w)))
            self._by_length = by_length
        limit = 1 if len(word) < 8 else 2
        letters = frozenset(word)
        vocab = self.vocab
        close = []
        for size in range(len(word) - limit, len(word) + limit + 1):
            for i, other in self._by_length.get(size, ()):
                # Each edit changes the set of letters by at most two.
                if len(letters ^ other) <= 2 * limit:
                    distance = osa_distance(word, vocab[i], limit)
                    if distance <= limit:
                        close.append((i, distance))
        return close

    def _variants(self, query: list[str]) -> list[tuple[list[str], list[float], float]]:
        """The query as typed, then with an acronym expanded or an expansion
        abbreviated: ``(words, weight of each word, factor)``. The words of an
        expansion share the weight of the acronym they stand for, and the other
        way round, so a rewrite never counts for more words than were typed."""
        ones = [1.0] * len(query)
        variants: list[tuple[list[str], list[float], float]] = [(query, ones, 1.0)]
        if self._phrases is None:
            phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
            for acronym, expansions in self.acronyms.items():
                for expansion in expansions:
                    phrases.setdefault(expansion[0], []).append((tuple(expansion), acronym))
            self._phrases = phrases
        for i, word in enumerate(query):
            for expansion in self.acronyms.get(word, ()):
                share = [1.0 / len(expansion)] * len(expansion)
                variants.append(
                    (query[:i] + list(expansion) + query[i + 1 :], ones[:i] + share + ones[i + 1 :], VARIANT_FACTOR)
                )
            for phrase, acronym in self._phrases.get(word, ()):
                if tuple(query[i : i + len(phrase)]) == phrase:
                    end = i + len(phrase)
                    variants.append(
                        (
                            query[:i] + [acronym] + query[end:],
                            ones[:i] + [float(len(phrase))] + ones[end:],
                            VARIANT_FACTOR,
                        )
                    )
        return variants[:MAX_VARIANTS]

    def _topic_names(self) -> list[tuple[tuple[str, ...], tuple[int, ...]]]:
        """The names a topic's title gives it, as query words, and the topics
        (indexes) they name: ``DynamoDB``, ``SQS``, ``API Gateway``, ``X-Ray``
        (also typed ``xray``), ``Route 53`` (``route53``). Title segments split
        at ``:``, ``,``, ``and`` and brackets, filler words dropped; a one-word
        name counts only if at least :data:`CONTEXT_SHARE` of the entries that
        have the word are in its topic (``encryption`` but not ``policies``)."""
        if self._title_names is None:
            topics_of: dict[tuple[str, ...], set[int]] = {}
            for n, (_id, _number, title) in enumerate(self.topics):
                for segment in re.split(r"[:,()]|\band\b", title):
                    runs = [r for r in _RUN.findall(segment) if r.lower() not in TITLE_FILLER]
                    if not runs:
                        continue
                    forms = [tuple(stem(r) for r in runs)]
                    if len(runs) > 1:
                        forms.append((stem("".join(runs)),))
                    for form in forms:
                        topics_of.setdefault(form, set()).add(n)
            names: list[tuple[tuple[str, ...], tuple[int, ...]]] = []
            for form, topics in topics_of.items():
                if len(form) == 1:
                    vid = self._ids.get(form[0])
                    if vid is None:
                        continue
                    docs = self._postings[self._post_at[vid] : self._post_at[vid + 1] : 2].tolist()
                    inside = sum(1 for doc in docs if self.heads[doc][1] in topics)
                    if inside < CONTEXT_SHARE * len(docs):
                        continue
                names.append((form, tuple(sorted(topics))))
            self._title_names = names
        return self._title_names

    def _context(self, query: list[str]) -> dict[int, int]:
        """Topic index -> the query words (bits) that name it."""
        around: dict[int, int] = {}
        positions: dict[str, int] = {}
        for bit, word in enumerate(query):
            positions[word] = positions.get(word, 0) | (1 << bit)
        for form, topics in self._topic_names():
            bits = 0
            for word in form:
                at = positions.get(word)
                if at is None:
                    break
                bits |= at
            else:
                for topic in topics:
                    around[topic] = around.get(topic, 0) | bits
        return around

    def _score(
        self, query: list[str], shares: list[float], factor: float
    ) -> tuple[dict[int, float], dict[int, list[tuple[int, int, int]]]]:
        """Scores of the documents one query variant matches, and what matched
        in each: ``{doc: [(query word index, word id, kind)]}``."""
        per_word = [self._matches(word) for word in query]
        best: list[dict[int, float]] = []
        found: dict[int, list[tuple[int, int, int]]] = {}
        postings, post_at = self._postings, self._post_at
        for n, matches in enumerate(per_word):
            top: dict[int, float] = {}
            for vid, (quality, kind) in matches.items():
                scaled = quality / WEIGHT_SCALE
                flat = postings[post_at[vid] : post_at[vid + 1]].tolist()
                for doc, weight in zip(flat[0::2], flat[1::2], strict=True):
                    value = scaled * weight
                    if value > top.get(doc, 0.0):
                        top[doc] = value
                    seen = found.get(doc)
                    if seen is None:
                        found[doc] = [(n, vid, kind)]
                    else:
                        seen.append((n, vid, kind))
            best.append(top)
        # Each word weighs its share of the query times its rarity; a word of a
        # topic's title gives that topic's entries a context to stand on.
        weights = [
            share * (RARE_FLOOR + (1.0 - RARE_FLOOR) * RARE_DOCS / (RARE_DOCS + len(top)))
            for share, top in zip(shares, best, strict=True)
        ]
        context = self._context(query)
        useful = sum(w for w, matches in zip(weights, per_word, strict=True) if matches) or 1.0
        quality: dict[int, float] = {}
        mask: dict[int, int] = {}
        for bit, matches in enumerate(per_word):
            for vid, (q, _kind) in matches.items():
                if q > quality.get(vid, 0.0):
                    quality[vid] = q
                mask[vid] = mask.get(vid, 0) | (1 << bit)
        full = sum(1 << bit for bit, matches in enumerate(per_word) if matches)
        scores: dict[int, float] = {}
        heads = self.heads
        for doc in found:
            total = 0.0
            covered = 0.0
            strong = False
            around = context.get(heads[doc][1], 0)  # the query words that name this entry's topic
            for bit, (weight, top) in enumerate(zip(weights, best, strict=True)):
                value = top.get(doc, 0.0)
                if around >> bit & 1 and value < W_CONTEXT:
                    value = W_CONTEXT
                if value:
                    total += value * weight
                    covered += weight
                    if value >= 0.4 * W_NAME:
                        strong = True
            score = total * (covered / useful) ** COVERAGE_POWER
            if strong:
                score += self._name_bonus(doc, quality, mask, full, around)
            if heads[doc][5] == 0:
                score += B_TOP_LEVEL
            scores[doc] = score * factor
        return scores, found

    def _name_bonus(self, doc: int, quality: dict[int, float], mask: dict[int, int], full: int, around: int) -> float:
        """A name (term, full form, alias) the query spells out: exact > typo or
        prefix > part. ``quality``: best match quality of each word id;
        ``mask``: which query words matched it (bits); ``full``: all of them;
        ``around``: the words the entry's topic title has, which may complete
        a name the other words spell out (``dynamodb rcu``: RCU in DynamoDB)."""
        bonus = 0.0
        for is_term, form in self._name_forms(doc):
            bits = 0
            for vid in form:
                bits |= mask.get(vid, 0)
            if not bits:
                continue
            qualities = [quality.get(vid, 0.0) for vid in form]
            whole_name = 0.0 not in qualities
            completed = bits != full and (bits | around) == full and bits & ~around
            if whole_name and (bits == full or completed):
                low = min(qualities)
                value = B_EXACT_NAME + (B_TERM if is_term else 0.0) if low >= Q_EXACT else B_FUZZY_NAME + 10.0 * low
                if completed:
                    value -= B_CONTEXT
            elif bits == full or completed:
                value = B_PART_NAME * (len(qualities) - qualities.count(0.0)) / len(form)
            elif whole_name:
                value = B_PART_NAME * bin(bits).count("1") / bin(full).count("1")
            else:
                continue
            if value > bonus:
                bonus = value
        return bonus

    # -- the API --------------------------------------------------------------

    def search(self, query: str, limit: int | None = 10) -> list[Hit]:
        """The entries matching ``query``, best first (``limit=None``: all)."""
        stems = []
        for word in query_words(query):
            unit = re.fullmatch(r"(\d+)([a-z]+)", word) if word not in self._ids else None
            stems.extend(unit.groups() if unit else (word,))  # 5pm, 4kb: a number and its unit
        if not stems:
            return []
        scores: dict[int, float] = {}
        found: dict[int, list[list[tuple[int, int, int]]]] = {}
        for variant, shares, factor in self._variants(stems):
            variant_scores, variant_found = self._score(variant, shares, factor)
            for doc, score in variant_scores.items():
                if score > scores.get(doc, 0.0):
                    scores[doc] = score
                found.setdefault(doc, []).append(variant_found[doc])
        heads = self.heads
        ranked = sorted(scores, key=lambda doc: (-scores[doc], heads[doc][5], doc))
        if limit is not None:
            ranked = ranked[: max(0, limit)]
        return [self._hit(doc, scores[doc], self._matched(found[doc])) for doc in ranked]

    def _matched(self, variants: list[list[tuple[int, int, int]]]) -> list[str]:
        """The document's words that matched: for each query word its exact
        matches, or (only when there are none) its prefix and typo matches."""
        words_: set[int] = set()
        for triples in variants:
            exact = {n for n, _vid, kind in triples if kind == 0}
            words_.update(vid for n, vid, kind in triples if kind == 0 or n not in exact)
        return sorted(self.vocab[vid] for vid in words_)

    def suggest(self, query: str, n: int = 5) -> list[str]:
        """Up to ``n`` terms closest to ``query`` in spelling, for a "no match" message."""
        wanted = words(query)
        if not wanted:
            return []
        wanted_grams = [_bigrams(w) for w in wanted]
        joined = _bigrams("".join(wanted))
        scored: dict[str, float] = {}
        for _id, _topic, term, full_form, _summary, _depth in self.heads:
            for name in (term, full_form):
                name_words = words(plain(name)) if name else []
                if not name_words:
                    continue
                name_grams = [_bigrams(w) for w in name_words]
                per_word = sum(max(_dice(g, h) for h in name_grams) for g in wanted_grams) / len(wanted_grams)
                score = max(per_word, _dice(joined, _bigrams("".join(name_words))))
                if score >= SUGGEST_CUTOFF and score > scored.get(term, 0.0):
                    scored[term] = score
        ranked = sorted(scored, key=lambda term: (-scored[term], len(term), term))
        return ranked[: max(0, n)]
