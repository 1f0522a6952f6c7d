"""The question bank: the course's own questions plus questions generated from its entries.

``QuestionBank.build(course)`` gathers, as :class:`~lessons.model.Question` objects:

- every question of the course files (``origin`` "notes" or "curated"), unchanged;
- questions generated from the entries (``origin`` "generated"), each with a stable
  id ``"<topic>/gen/<kind>-<entry-slug>[-n]"`` (progress keys on it: the same course
  always yields the same ids and content):

  ``expand-``  "What does ENI stand for?" (typed, the full form)
  ``acronym-`` "What is the acronym for Elastic Compute Cloud?" (typed; only where the
               acronym is not just the full form's initials: "EC2", not "ENI")
  ``pick-``    "What does ENI stand for?" (single choice among full forms with the
               answer's initials, so the letters alone don't tell)
  ``define-``  "Which term is defined as: '...'?" (single choice among terms; never a
               fragment, a prompt that matches the answer's words, or a distractor
               that is also a defensible answer)
  ``fact-``    a sentence of the notes holding a marked number (true)
  ``twin-``    the same sentence with that number changed plausibly (false)

  Every generated question passes the guards (:func:`spelled_by_initials`,
  :func:`same_form`, :func:`is_fragment`, :func:`gives_away`) whatever rule made it.

- one numeric template per formula of :mod:`lessons.formulas` (``"<topic>/gen/calc-<name>"``);
  :meth:`QuestionBank.numeric_variant` makes a fresh question with random realistic
  parameters (a quiz draws them from its seeded rng). Templates are not counted as
  questions of the bank (see :meth:`QuestionBank.counts`).

Questions that test the same fact share a *fact group* (:meth:`QuestionBank.fact`):
a quiz takes at most one question of a group (never "ENI -> full form" and "full
form -> ENI" together).

Generated questions never test a number an update changed: entries with updates are
left out of the number and definition questions, and so is any sentence holding a
number that one of the topic's updates mentions. Entries with an ``unverified`` note
are left out of them too: a doubtful fact is shown, never quizzed.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from lessons import markup
from lessons.grading import Grade, grade, is_acronym, key
from lessons.model import Course, Entry, Question
from lessons.numerals import format_number

__all__ = [
    "QuestionBank",
    "NumericTemplate",
    "acronym_of",
    "GENERATED",
    "gives_away",
    "initials",
    "is_fragment",
    "same_form",
    "spelled_by_initials",
    "stems",
]

GENERATED = "generated"

# --------------------------------------------------------------------------- helpers


def _stable(*parts: str) -> int:
    """A hash that is the same on every run and machine (``hash()`` is salted)."""
    digest = hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def _stable_order(items: Iterable[Any], salt: str, name=lambda x: str(x)) -> list[Any]:
    return sorted(items, key=lambda item: _stable(salt, name(item)))


def _rotated(items: Sequence[Any], salt: str) -> list[Any]:
    """``items`` started at a place that depends on ``salt`` (cheap, stable variety)."""
    if not items:
        return []
    at = _stable(salt) % len(items)
    return list(items[at:]) + list(items[:at])


def _plain_numbers(text: str) -> str:
    """Number marks removed (``{{30 seconds}}`` -> ``30 seconds``); code marks kept."""
    return re.sub(r"\{\{(.+?)\}\}", r"\1", text)


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z][A-Za-z'-]*", markup.plain(text))


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "_-"


def _find_names(text: str, name: str) -> list[tuple[int, int]]:
    """Where ``name`` (or its plural) stands in ``text`` as a whole word or phrase, case ignored."""
    low, want = text.casefold(), name.casefold()
    found: list[tuple[int, int]] = []
    start = 0
    while want and (at := low.find(want, start)) >= 0:
        end = at + len(want)
        for suffix in ("es", "s", ""):
            if low.startswith(suffix, end):
                stop = end + len(suffix)
                if (at == 0 or not _word_char(low[at - 1])) and (stop == len(low) or not _word_char(low[stop])):
                    found.append((at, stop))
                    break
        start = found[-1][1] if found and found[-1][0] == at else at + 1
    return found


def _mentions(text: str, name: str) -> bool:
    """``name`` appears in ``text`` as a whole word or phrase (case ignored)."""
    name = markup.plain(name).strip()
    return len(name) >= 2 and bool(_find_names(markup.plain(text), name))


def _initials(full_form: str) -> str:
    return "".join(w[0] for w in re.split(r"[\s/,()–-]+", full_form) if w and w[0].isalpha()).upper()


def _is_subsequence(small: str, big: str) -> bool:
    it = iter(big)
    return all(ch in it for ch in small)


def acronym_of(entry: Entry) -> str | None:
    """The acronym an entry's full form spells out ("ENI"), or None.

    The term itself when it is an acronym ("ENI", "AWS CLI" -> "CLI"), else an alias
    that is an acronym of the full form ("EBS Volume" has the alias "EBS").
    """
    if not entry.full_form:
        return None
    candidates = [entry.term]
    for prefix in ("AWS ", "Amazon "):
        if entry.term.startswith(prefix):
            candidates.append(entry.term[len(prefix) :])
    for candidate in candidates:
        if is_acronym(candidate) and markup.fold(candidate) != markup.fold(entry.full_form):
            return candidate
    initials = _initials(entry.full_form)
    for alias in entry.aliases:
        letters = "".join(ch for ch in alias if ch.isalpha())
        if is_acronym(alias) and len(letters) >= 2 and _is_subsequence(letters.upper(), initials):
            return alias
    return None


def _full_form_variants(full_form: str) -> list[str]:
    """Other fair spellings of a full form: without "and"/"&"/"of", with "AWS"/"Amazon" before it."""
    plain = markup.plain(full_form)
    variants = [f"AWS {plain}", f"Amazon {plain}"] if not plain.startswith(("AWS ", "Amazon ")) else []
    for connector in (r"\band\b", "&", r"\bof\b", r"\bfor\b"):
        shorter = " ".join(re.sub(connector, " ", plain, flags=re.IGNORECASE).split())
        if shorter != plain and shorter not in variants:
            variants.append(shorter)
    return variants


# --------------------------------------------------------------------------- guards

# A generated question must neither give its answer away nor be a fragment. These
# checks are pure functions of the question's text, so they are tested on their own
# (tests/lessons/test_bank_guards.py) and every generated question passes through
# them (:meth:`_Generator._sound`) whatever rule produced it.

_CONNECTORS = frozenset({"and", "of", "for", "the", "to", "on", "in", "a", "an", "with", "by", "&"})
_SPLIT_NAME = re.compile(r"[\s/,()\u2013\u2014:-]+")
# Not a sentence that stands alone: it points at something the prompt doesn't show.
_INCOMPLETE = re.compile(r"\b(?:this order|as follows|the following|below)\b|[:;,]\s*$", re.IGNORECASE)
_STEM_SKIP = {
    "aws", "amazon", "and", "the", "for", "with", "from", "into", "your", "that", "this", "are", "can",
    "its", "has", "have", "use", "used", "uses", "not", "all", "any", "per",
}  # fmt: skip
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def initials(name: str, *, connectors: bool = True) -> str:
    """The first letters of a name's words, upper case: "Identity and Access Management"
    -> "IAAM" (or "IAM" without ``connectors``)."""
    words = [w for w in _SPLIT_NAME.split(markup.plain(name)) if w]
    if not connectors:
        words = [w for w in words if w.casefold() not in _CONNECTORS]
    return "".join(w[0] for w in words if w[0].isalnum()).upper()


def spelled_by_initials(acronym: str, full_form: str) -> bool:
    """True when ``acronym`` is just the initials of ``full_form`` ("ENI", "IAM", "CI/CD"):
    asking for one given the other reads the answer off the question. "EC2", "S3" or
    "DAX" are not spelled by their full forms' initials."""
    letters = "".join(ch for ch in acronym.upper() if ch.isalnum())
    return bool(letters) and letters in {initials(full_form), initials(full_form, connectors=False)}


def same_form(answer: str, other: str) -> bool:
    """Two full forms a learner cannot tell apart by their initials alone."""
    return initials(answer, connectors=False) == initials(other, connectors=False)


def is_fragment(definition: str) -> bool:
    """A definition that cannot stand alone as a "which term is defined as" prompt: fewer
    than four words outside its numbers and code ("The main graph.", "Limits per region.",
    "1,000 (can be increased)."), led by a number, or pointing at what it doesn't show
    ("The CLI looks for credentials in this order.")."""
    pieces = list(markup.spans(definition))
    words = [
        w
        for kind, piece in pieces
        if kind == "text"
        for w in re.findall(r"[A-Za-z][A-Za-z'-]*", piece)
        if len(w) > 1 and w != "___"
    ]
    plain = markup.plain(definition).strip()
    leading = next((kind for kind, piece in pieces if piece.strip()), "text")
    if not plain or leading == "number" or plain[:1].isdigit():
        return True
    return len(words) < 4 or bool(_INCOMPLETE.search(plain.rstrip(".").rstrip()))


@functools.lru_cache(maxsize=8192)
def stems(text: str) -> frozenset[str]:
    """The content words of a text or a name, cut to five letters: "DeleteQueue" ->
    {"delet", "queue"}; "Deletes a queue." -> {"delet", "queue"}."""
    words = (w.casefold() for w in _CAMEL.findall(markup.plain(text).replace("_", " ")))
    return frozenset(w[:5] for w in words if len(w) >= 3 and not w.isdigit() and w not in _STEM_SKIP)


def gives_away(answer: str, prompt: str, distractors: Sequence[str]) -> bool:
    """The prompt shares more words with the answer than with any distractor: the
    learner can match words instead of knowing the term ("Deletes a queue." ->
    DeleteQueue among PurgeQueue, DeleteMessage...)."""
    words = stems(prompt)
    own = len(stems(answer) & words)
    return own > 0 and all(len(stems(d) & words) < own for d in distractors)


# --------------------------------------------------------------------------- marked numbers

_GENERIC_WORDS = {"aws", "amazon", "and", "the", "for", "with", "know", "to", "of", "in", "on", "a", "an"}
_WORD_NUMBERS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12,
}  # fmt: skip
_NUMBER_WORDS = {v: k for k, v in _WORD_NUMBERS.items()}
_MARK_NUMBER = re.compile(
    r"^(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<sep>\s+|-|(?=[%x]))(?P<unit>.*)$|^(?P<num2>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)$"
)
_PLURALS = {
    "second": "seconds", "minute": "minutes", "hour": "hours", "day": "days", "year": "years",
    "request": "requests", "message": "messages", "node": "nodes", "item": "items",
    "batch": "batches", "operation": "operations", "AZ": "AZs", "time": "times",
    "unit": "units", "call": "calls", "shard": "shards", "version": "versions",
}  # fmt: skip
_SINGULARS = {v: k for k, v in _PLURALS.items()}

_LADDERS = {
    "seconds": [1, 2, 3, 5, 10, 15, 20, 30, 45, 60, 90, 120, 300, 600, 900, 1800, 3600, 7200],
    "minutes": [1, 2, 3, 5, 10, 15, 20, 30, 45, 60, 90, 120],
    "hours": [1, 2, 3, 4, 5, 6, 8, 12, 24, 36, 48, 72, 96],
    "days": [1, 2, 3, 4, 5, 7, 10, 14, 21, 30, 60, 90, 120, 180, 365],
    "years": [1, 2, 3, 4, 5, 10, 20],
    "size": [0.5, 1, 2, 4, 5, 8, 10, 16, 20, 25, 32, 50, 64, 100, 128, 200, 250, 256, 400, 500, 512, 1000, 1024],
    "percent": [1, 2, 5, 10, 15, 20, 25, 30, 40, 50, 54, 60, 70, 75, 80, 90, 95, 99, 99.9, 99.99, 99.999],
    "status": [400, 401, 403, 404, 429, 500, 502, 503, 504],
    "port": [22, 80, 443, 3306, 5432, 8080, 8443],
    "count": [1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 100, 120, 150, 200, 250, 300, 500,
              1000, 1500, 2000, 2500, 3000, 4000, 5000, 5500, 10000, 20000, 50000, 100000],
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Mark:
    """A marked number of a sentence: ``{{30 seconds}}`` -> 30.0, "", "seconds"."""

    text: str  # inside the braces
    value: float
    sep: str
    unit: str
    words: bool  # written as a word ("five")

    @property
    def family(self) -> str:
        unit = self.unit.strip()
        first = unit.split()[0].casefold() if unit else ""
        first = first.rstrip(".,;:)")
        if unit.startswith("%"):
            return "percent"
        if first in ("second", "seconds", "sec", "s"):
            return "seconds"
        if first in ("minute", "minutes", "min"):
            return "minutes"
        if first in ("hour", "hours", "h"):
            return "hours"
        if first in ("day", "days"):
            return "days"
        if first in ("year", "years"):
            return "years"
        if re.match(r"^(?:[kmgtp]i?b)(?:/s)?$", first):
            return "size"
        return "count"


def _parse_mark(text: str) -> _Mark | None:
    raw = text.strip()
    word = raw.split(" ", 1)
    if word[0].casefold() in _WORD_NUMBERS:
        unit = word[1] if len(word) > 1 else ""
        return _Mark(raw, float(_WORD_NUMBERS[word[0].casefold()]), " " if unit else "", unit, True)
    match = _MARK_NUMBER.match(raw)
    if not match:
        return None
    number = match.group("num") or match.group("num2")
    return _Mark(
        raw,
        float(number.replace(",", "")),
        match.group("sep") or "",
        match.group("unit") or "",
        False,
    )


def _numbers_of(text: str) -> set[float]:
    """Every number written in a text (digits or small number words)."""
    plain = markup.plain(text)
    found = {float(n.replace(",", "")) for n in re.findall(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?", plain)}
    for word in re.findall(r"[A-Za-z]+", plain):
        if word.casefold() in _WORD_NUMBERS:
            found.add(float(_WORD_NUMBERS[word.casefold()]))
    return found


def _format_value(value: float, like: _Mark) -> str:
    if like.words and value == int(value) and int(value) in _NUMBER_WORDS:
        return _NUMBER_WORDS[int(value)]
    return format_number(value, grouped=value.is_integer() and ("," in like.text or value >= 10000))


def _twin_text(mark: _Mark, value: float) -> str:
    number = _format_value(value, mark)
    unit = mark.unit
    if unit and mark.sep.strip() == "" and mark.sep:  # "30 seconds": fix singular / plural
        first, _, rest = unit.partition(" ")
        if value == 1 and first in _SINGULARS:
            first = _SINGULARS[first]
        elif value != 1 and first in _PLURALS:
            first = _PLURALS[first]
        unit = f"{first} {rest}".rstrip() if rest else first
    return f"{number}{mark.sep}{unit}"


def _twin_candidates(mark: _Mark, sentence: str) -> list[float]:
    value = mark.value
    family = mark.family
    if family == "count" and not mark.unit:
        if value in _LADDERS["status"] and re.search(
            r"error|status|http|too many|throttl|exception|returns", markup.plain(sentence), re.IGNORECASE
        ):
            family = "status"
        elif re.search(r"\bports?\b", markup.plain(sentence), re.IGNORECASE):
            family = "port"
    ladder = _LADDERS[family]
    below = [v for v in ladder if v < value]
    above = [v for v in ladder if v > value]
    ordered: list[float] = []
    if family in ("status", "port"):
        ordered = below[-1:] + above[:1] + below[-2:-1] + above[1:2]
    else:
        ordered = [value * 2, value / 2] + below[-1:] + above[:1] + [value * 10, value / 10] + below[-2:-1] + above[1:2]
        if value == 0:
            ordered = above[:3]
    result: list[float] = []
    for candidate in ordered:
        if candidate <= 0 or candidate == value or candidate in result:
            continue
        if value == int(value) and candidate != int(candidate):
            continue
        if family == "percent" and candidate > 100:
            continue
        if mark.words and candidate not in _NUMBER_WORDS:
            continue
        result.append(float(candidate))
    return result


def _twinnable(mark: _Mark, sentence: str) -> bool:
    if mark.family == "count" and not mark.unit and 1900 <= mark.value <= 2100:
        return False  # a year: not an exam fact
    if mark.value == 1 and not mark.unit:
        return False  # "{{one}} SSL certificate": the noun after it would need a plural
    if mark.family == "percent" and mark.value >= 100:
        return False  # "until 100%": all of it, not a figure to learn
    text = mark.text.replace(",", "")
    if "." in text and len(text.split(".")[1].split()[0].rstrip("%")) > 3:
        return False  # 99.999999999%: changing it is not a fair question
    if mark.unit.strip().startswith(("to ", "-", "–", "or ")):
        return False  # a range ("1 to 3 years")
    return True


# --------------------------------------------------------------------------- the bank


@dataclass(frozen=True, slots=True)
class NumericTemplate:
    """A formula of :mod:`lessons.formulas` the bank makes numeric questions from."""

    name: str  # the formula's registry name ("rcu")
    question_id: str  # stable id of its template question
    topic_id: str
    entry_id: str
    lines: tuple[int, ...] = ()
    source_file: str = ""
    source_line: int = 0


@dataclass
class QuestionBank:
    """Every question of a course, by id and by topic, with their fact groups."""

    course: Course
    questions: tuple[Question, ...]  # all of them, numeric templates included, course order
    by_id: dict[str, Question] = field(default_factory=dict)
    by_topic: dict[str, tuple[Question, ...]] = field(default_factory=dict)
    facts: dict[str, str] = field(default_factory=dict)  # question id -> fact group
    templates: dict[str, NumericTemplate] = field(default_factory=dict)  # question id -> template
    acronyms: dict[str, tuple[str, ...]] = field(default_factory=dict)  # "ENI" -> ("Elastic Network Interface",)
    terms: frozenset[str] = frozenset()  # every name of the course (terms, aliases, acronyms)
    seed: int = 0

    # -- building ------------------------------------------------------------

    @classmethod
    def build(cls, course: Course, *, seed: int = 0) -> QuestionBank:
        """All questions of ``course``: deterministic; ``seed`` only picks the example
        parameters shown by the numeric templates."""
        maker = _Generator(course)
        questions: list[Question] = []
        facts: dict[str, str] = {}
        for topic in course.topics:
            for question in topic.questions:
                questions.append(question)
                facts[question.id] = question.id
            for question, fact in maker.topic(topic.id):
                if question.id in facts:  # "fact-wcu-2" of entry "wcu" vs entry "wcu-2": keep the first
                    continue
                questions.append(question)
                facts[question.id] = fact
        templates: dict[str, NumericTemplate] = {}
        for template, question in _numeric_templates(course, seed):
            questions.append(question)
            facts[question.id] = question.id
            templates[question.id] = template
        order = {t.id: i for i, t in enumerate(course.topics)}
        questions.sort(key=lambda q: order.get(q.topic_id, len(order)))  # stable: file order kept
        by_topic: dict[str, list[Question]] = defaultdict(list)
        for question in questions:
            by_topic[question.topic_id].append(question)
        return cls(
            course=course,
            questions=tuple(questions),
            by_id={q.id: q for q in questions},
            by_topic={t.id: tuple(by_topic.get(t.id, ())) for t in course.topics},
            facts=facts,
            templates=templates,
            acronyms=maker.acronyms,
            terms=frozenset(maker.terms),
            seed=seed,
        )

    # -- reading -------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.questions)

    def __iter__(self) -> Iterator[Question]:
        return iter(self.questions)

    def get(self, question_id: str) -> Question | None:
        return self.by_id.get(question_id)

    def fact(self, question_id: str) -> str:
        """The fact group of a question (questions of one group never share a quiz)."""
        return self.facts.get(question_id, question_id)

    def is_template(self, question_id: str) -> bool:
        return question_id in self.templates

    def domains(self) -> dict[str, int]:
        """Question id -> its DVA-C02 domain, for every question of the blueprint (plain data
        for the progress layer, which does not know the course)."""
        return {q.id: q.domain for q in self.questions if q.domain is not None}

    def topic_questions(self, topic_id: str, *, templates: bool = True) -> tuple[Question, ...]:
        found = self.by_topic.get(topic_id, ())
        if templates:
            return found
        return tuple(q for q in found if q.id not in self.templates)

    def grade(self, question: Question, response: object) -> Grade:
        """Grade with the course's acronyms and terms (see :func:`lessons.grading.grade`)."""
        return grade(question, response, acronyms=self.acronyms, terms=self.terms)

    def numeric_variant(self, name: str, rng: random.Random) -> Question:
        """A fresh numeric question for formula ``name``, parameters drawn from ``rng``."""
        template = next((t for t in self.templates.values() if t.name == name), None)
        if template is None:
            raise KeyError(f"no numeric template for formula {name!r}")
        return _make_numeric(template, rng)

    def counts(self) -> dict[str, Any]:
        """Questions per topic, per type and per origin (numeric templates counted apart)."""
        real = [q for q in self.questions if q.id not in self.templates]
        per_topic: dict[str, dict[str, Any]] = {}
        for topic in self.course.topics:
            mine = [q for q in real if q.topic_id == topic.id]
            per_topic[topic.id] = {
                "total": len(mine),
                "by_type": dict(Counter(q.type for q in mine)),
                "by_origin": dict(Counter(q.origin for q in mine)),
                "templates": sum(1 for t in self.templates.values() if t.topic_id == topic.id),
            }
        return {
            "total": len(real),
            "by_type": dict(Counter(q.type for q in real)),
            "by_origin": dict(Counter(q.origin for q in real)),
            "by_kind": dict(Counter(_kind(q) for q in real)),
            "templates": len(self.templates),
            "by_topic": per_topic,
        }


def _kind(question: Question) -> str:
    """The kind of a question: its origin, or for a generated one its generator ("define")."""
    if question.origin != GENERATED:
        return question.origin
    return question.slug.split("-", 1)[0]


# --------------------------------------------------------------------------- generation


class _Generator:
    def __init__(self, course: Course) -> None:
        self.course = course
        self.entries = list(course.entries.values())
        self.acronym: dict[str, str] = {}  # entry id -> acronym
        for entry in self.entries:
            found = acronym_of(entry)
            if found:
                self.acronym[entry.id] = found
        acronyms: dict[str, list[str]] = defaultdict(list)
        for entry_id, acronym in self.acronym.items():
            full = self.course.entries[entry_id].full_form or ""
            if all(markup.fold(f) != markup.fold(full) for f in acronyms[acronym]):
                acronyms[acronym].append(full)
        self.acronyms = {a: tuple(f) for a, f in acronyms.items()}
        terms: set[str] = set()
        for entry in self.entries:
            terms.add(entry.term)
            terms.update(entry.aliases)
            if entry.full_form:
                terms.add(entry.full_form)
        terms.update(self.acronym.values())
        self.terms = terms
        # Definitions that more than one entry shares (or shares but for a number: "SSD
        # volume.", "A v2 load balancer (2016)") cannot tell a term apart.
        shape = Counter(self._definition_shape(e) for e in self.entries if e.definition)
        self.ambiguous = {s for s, n in shape.items() if n > 1}
        # Normalised names, computed once: (term, definition, full form, aliases).
        self.norm = {
            e.id: (
                markup.fold(e.term),
                markup.fold(e.definition or ""),
                markup.fold(e.full_form or ""),
                tuple(markup.fold(a) for a in e.aliases),
            )
            for e in self.entries
        }
        self.acronym_key = {entry_id: key(a) for entry_id, a in self.acronym.items()}
        self.full_form_words = {e: set(re.findall(r"[a-z]{3,}", self.norm[e][2])) for e in self.acronym}
        self.by_kind: dict[str, list[Entry]] = defaultdict(list)
        self.by_kind_topic: dict[tuple[str, str], list[Entry]] = defaultdict(list)
        self.children_of: dict[str, list[Entry]] = defaultdict(list)
        for entry in self.entries:
            self.by_kind[entry.kind].append(entry)
            self.by_kind_topic[(entry.kind, entry.topic_id)].append(entry)
            if entry.parent_id:
                self.children_of[entry.parent_id].append(entry)
        # Capitalised words of the course's full forms ("Elastic", "Notification"...), by
        # first letter: material for pick distractors that keep the answer's initials.
        vocabulary: dict[str, set[str]] = defaultdict(set)
        for entry in self.entries:
            for word in _SPLIT_NAME.split(markup.plain(entry.full_form or "")):
                if len(word) > 3 and word[:1].isupper() and word[1:].islower() and word.isalpha():
                    vocabulary[word[0]].add(word)
        self.vocabulary = {letter: sorted(words) for letter, words in vocabulary.items()}
        self.names = {markup.fold(n) for n in terms}
        self.stale_numbers: dict[str, set[float]] = defaultdict(set)
        for entry in self.entries:
            for update in entry.updates:
                self.stale_numbers[entry.topic_id] |= _numbers_of(update.note)

    @staticmethod
    def _definition_shape(entry: Entry) -> str:
        return re.sub(r"\d+", "#", markup.fold(entry.definition or ""))

    def topic(self, topic_id: str) -> Iterator[tuple[Question, str]]:
        for entry in self.course.by_topic[topic_id].walk():
            for question, fact in itertools.chain(
                self.acronym_questions(entry), self.definition_question(entry), self.number_questions(entry)
            ):
                if self._sound(question):
                    yield question, fact

    @staticmethod
    def _sound(question: Question) -> bool:
        """The last check of every generated question (see the guards above): no
        question whose wording gives its answer away, no fragment as a prompt."""
        kind = _kind(question)
        answer = str(question.answer)
        if kind == "acronym":
            full = question.prompt.removeprefix("What is the acronym for ").removesuffix("?")
            return not spelled_by_initials(answer, full)
        if kind == "expand":
            acronym = question.prompt.removeprefix("What does ").removesuffix(" stand for?")
            return not _find_names(answer, acronym)
        if kind == "pick":
            return all(same_form(answer, choice) for choice in question.choices)
        if kind == "define":
            shown = question.prompt.removeprefix('Which term is defined as: "').removesuffix('"?')
            others = [c for c in question.choices if c != answer]
            return not is_fragment(shown) and not gives_away(answer, shown, others)
        return True

    def _question(self, entry: Entry, kind: str, n: int, **fields: Any) -> Question:
        slug = f"{kind}-{entry.slug}" + (f"-{n}" if n > 1 else "")
        fields.setdefault("choices", ())
        fields.setdefault("accept", ())
        fields.setdefault("tolerance", 0.0)
        return Question(
            id=f"{entry.topic_id}/gen/{slug}",
            slug=slug,
            topic_id=entry.topic_id,
            origin=GENERATED,
            entry_id=entry.id,
            lines=entry.lines,
            source_file=entry.source_file,
            source_line=entry.source_line,
            **fields,
        )

    # -- acronyms ------------------------------------------------------------

    def acronym_questions(self, entry: Entry) -> Iterator[tuple[Question, str]]:
        acronym = self.acronym.get(entry.id)
        if not acronym or not entry.full_form:
            return
        full = entry.full_form
        fact = f"{entry.id}#acronym"
        explain = f"{acronym} stands for {full}."
        if entry.definition:
            explain += f" {entry.term}: {entry.definition}"
        # "Server-Side Encryption (S3-managed keys)" is no fair thing to type, and a full
        # form holding the acronym itself ("SSE-C ...") would echo the question.
        if "(" not in full and not _find_names(full, acronym):
            yield (
                self._question(
                    entry,
                    "expand",
                    1,
                    type="typed",
                    prompt=f"What does {acronym} stand for?",
                    answer=full,
                    accept=tuple(_full_form_variants(full)),
                    explain=explain,
                ),
                fact,
            )
        # Other spellings: a name that holds the acronym ("AWS CLI", "EBS Volume"); never a
        # part of it ("KMS" does not answer "SSE-KMS").
        accept = [a for a in (entry.term, *entry.aliases) if key(a) != key(acronym) and _find_names(a, acronym)]
        # An acronym that is just the initials of the full form is read off the question.
        if not spelled_by_initials(acronym, full):
            yield (
                self._question(
                    entry,
                    "acronym",
                    1,
                    type="typed",
                    prompt=f"What is the acronym for {full}?",
                    answer=acronym,
                    accept=tuple(dict.fromkeys(accept)),
                    explain=explain,
                ),
                fact,
            )
        distractors = self._full_form_distractors(entry, acronym)
        if len(distractors) >= 3:
            choices = (full, *distractors[:3])
            yield (
                self._question(
                    entry,
                    "pick",
                    1,
                    type="single",
                    prompt=f"What does {acronym} stand for?",
                    choices=choices,
                    answer=full,
                    explain=explain,
                ),
                fact,
            )

    def _full_form_distractors(self, entry: Entry, acronym: str) -> list[str]:
        """Three full forms a learner cannot tell from the answer by their initials: other
        full forms of the course with the same initials, else the answer with one word
        swapped for a word of the course starting with the same letter ("Elastic Network
        Interface" -> "Elastic Notification Interface")."""
        full = entry.full_form or ""
        own = key(acronym)
        same, other = [], []
        for entry_id in self.acronym:
            if entry_id == entry.id or self.acronym_key[entry_id] == own:
                continue
            candidate = self.course.entries[entry_id]
            if not same_form(full, candidate.full_form or ""):
                continue
            (same if candidate.topic_id == entry.topic_id else other).append(candidate)
        # Other topics: full forms sharing a word with the answer first ("Simple Queue
        # Service" for SNS), so the choice is not given away.
        words = self.full_form_words[entry.id]
        other = _rotated(other, f"{entry.id}#pick")
        other.sort(key=lambda e: -len(words & self.full_form_words[e.id]))
        picked: list[str] = []
        seen = {self.norm[entry.id][2]}
        for tier in (_rotated(same, f"{entry.id}#pick"), other):
            for candidate in tier:
                form = self.norm[candidate.id][2]
                if form in seen:
                    continue
                seen.add(form)
                picked.append(candidate.full_form or "")
                if len(picked) == 3:
                    return picked
        for variant in self._variants(entry):
            if markup.fold(variant) not in seen:
                seen.add(markup.fold(variant))
                picked.append(variant)
                if len(picked) == 3:
                    break
        return picked

    def _variants(self, entry: Entry) -> Iterator[str]:
        """The full form with one word replaced by a word of another full form with the
        same initial ("Elastic Network Interface" -> "Elastic Name Interface"), positions
        and words in a stable order that depends on the entry."""
        full = entry.full_form or ""
        words = re.split(r"([^A-Za-z0-9]+)", full)
        own = {w.casefold() for w in words}
        slots = [
            i
            for i, w in enumerate(words)
            if len(w) > 2 and w[0].isupper() and w.isalpha() and w.casefold() not in _CONNECTORS
        ]
        choices = []  # (rank at its position, position, word): one swap per position first
        for i in slots:
            pool = [w for w in self.vocabulary.get(words[i][0], ()) if w.casefold() not in own]
            for rank, word in enumerate(_stable_order(pool, f"{entry.id}#variant#{i}")[:4]):
                choices.append((rank, i, word))
        choices.sort(key=lambda c: (c[0], _stable(entry.id, str(c[1]))))
        for _, i, word in choices:
            variant = "".join(word if j == i else w for j, w in enumerate(words))
            if key(variant) == key(full) or markup.fold(variant) in self.names:
                continue  # a real name of the course: maybe right for another reading
            yield variant

    # -- definition -> term --------------------------------------------------

    def _good_definition(self, entry: Entry) -> bool:
        definition = entry.definition
        if not definition or entry.updates or entry.unverified:
            return False
        plain = markup.plain(definition).strip()
        if is_fragment(definition):
            return False
        if re.match(r"^(?:similar to|same as|example\b|e\.g\.)", plain, re.IGNORECASE):
            return False
        if re.search(r"\bexample\b", entry.term, re.IGNORECASE):
            return False
        if self._definition_shape(entry) in self.ambiguous:
            return False
        return True

    def _hide(self, entry: Entry, text: str) -> str:
        """The definition with the entry's own name blanked out (code left alone)."""
        names = {entry.term}
        if entry.full_form:
            names.add(entry.full_form)
        if entry.id in self.acronym:
            names.add(self.acronym[entry.id])
        for prefix in ("AWS ", "Amazon "):
            if entry.term.startswith(prefix):
                names.add(entry.term[len(prefix) :])
        ordered = sorted((n for n in names if len(n) >= 2), key=len, reverse=True)
        pieces = []
        for kind, piece in markup.spans(text):
            if kind == "text":
                for name in ordered:
                    for at, stop in reversed(_find_names(piece, name)):
                        piece = piece[:at] + "___" + piece[stop:]
                pieces.append(piece)
            else:
                pieces.append("{{" + piece + "}}" if kind == "number" else f"`{piece}`")
        return "".join(pieces)

    def definition_question(self, entry: Entry) -> Iterator[tuple[Question, str]]:
        if not self._good_definition(entry):
            return
        definition = entry.definition or ""
        hidden = self._hide(entry, definition)
        if len([w for w in _words(hidden.replace("___", " ")) if len(w) > 1]) < 2:
            return
        shown = _plain_numbers(hidden)
        distractors = self._term_distractors(entry, shown)
        if len(distractors) < 3 or is_fragment(hidden) or gives_away(entry.term, shown, distractors[:3]):
            return
        prompt = f'Which term is defined as: "{shown}"?'
        explain = f"{entry.term}: {definition}"
        if entry.full_form:
            explain = f"{entry.term} ({entry.full_form}): {definition}"
        yield (
            self._question(
                entry,
                "define",
                1,
                type="single",
                prompt=prompt,
                choices=(entry.term, *distractors[:3]),
                answer=entry.term,
                explain=explain,
            ),
            f"{entry.id}#define",
        )

    def _ambiguous(self, entry: Entry, candidate: Entry, prompt: str) -> bool:
        """A distractor that is also a defensible answer: linked to the entry, stating
        the same figure, named after the same idea ("Concurrent executions" for the
        "Concurrency limit in Lambda"), or fitting the prompt's words better than the
        answer does ("SQS Access Policies" for "IAM policies to regulate access to the
        SQS API")."""
        if candidate.id in entry.related or entry.id in candidate.related:
            return True
        numbers = set(markup.key_numbers(entry.definition or ""))
        if numbers & set(markup.key_numbers(" ".join([candidate.definition or "", *candidate.notes]))):
            return True
        shown = stems(prompt)
        if len(stems(candidate.term) & shown) > len(stems(entry.term) & shown):
            return True
        named = {"api", "command", "type"}
        if entry.kind in named and candidate.kind in named:
            return False  # DeleteQueue / DeleteItem, gp2 / gp3: variants meant to be told apart
        context = set(stems(self.course.by_topic[entry.topic_id].title))
        if entry.parent_id and entry.parent_id == candidate.parent_id:
            context |= stems(self.course.entries[entry.parent_id].term)  # siblings share their parent's words
        long_words = {s for s in stems(entry.term) if len(s) == 5} - context
        return bool(long_words & stems(candidate.term))

    def _term_distractors(self, entry: Entry, prompt: str = "") -> list[str]:
        term, definition, full_form, aliases = self.norm[entry.id]
        own_names = {term, *aliases} | ({full_form} if full_form else set())
        same_kind = self.by_kind_topic
        siblings = [c for c in self.children_of.get(entry.parent_id or "", ()) if c.kind == entry.kind]
        sibling_ids = {c.id for c in siblings}

        def tier(entries: Sequence[Entry], salt: str) -> Iterator[Entry]:
            # Entries with a definition of their own are real terms: prefer them.
            rotated = _rotated(entries, salt)
            yield from (e for e in rotated if e.definition is not None)
            yield from (e for e in rotated if e.definition is None)

        salt = f"{entry.id}#define"
        candidates = itertools.chain(
            tier(siblings, salt),
            (c for c in tier(same_kind.get((entry.kind, entry.topic_id), ()), salt) if c.id not in sibling_ids),
            (c for c in tier(self.by_kind[entry.kind], salt) if c.topic_id != entry.topic_id),
        )
        picked: list[str] = []
        seen = set(own_names)
        for candidate in candidates:
            if candidate.id in (entry.id, entry.parent_id) or candidate.parent_id == entry.id:
                continue
            other_term, other_definition, _, other_aliases = self.norm[candidate.id]
            if other_term in seen or (definition and other_definition == definition):
                continue
            if "example" in other_term or own_names.intersection(other_aliases):
                continue
            if self._ambiguous(entry, candidate, prompt):
                continue
            seen.add(other_term)
            picked.append(candidate.term)
            if len(picked) == 40:
                break
        # When the prompt shares words with the answer, terms sharing as many come first:
        # otherwise matching words would give the answer away (see gives_away).
        shown = stems(prompt)
        own = len(stems(entry.term) & shown)
        if own:
            picked.sort(key=lambda other: len(stems(other) & shown) != own)
        return picked[:3]

    # -- numbers: true statement and false twin --------------------------------

    def number_questions(self, entry: Entry) -> Iterator[tuple[Question, str]]:
        if entry.updates or entry.unverified or entry.kind == "practice":
            return
        texts = ([entry.definition] if entry.definition else []) + list(entry.notes)
        if not any("{{" in text for text in texts):
            return
        entry_numbers = _numbers_of(" ".join([entry.term, *texts]))
        stale = self.stale_numbers.get(entry.topic_id, set())
        n = 0
        for sentence in texts:
            if "{{" not in sentence:
                continue
            if re.search(r"\bexamples?\b|\be\.g\.", sentence, re.IGNORECASE):
                continue
            pieces = list(markup.spans(sentence))
            marks = [(i, _parse_mark(text)) for i, (kind, text) in enumerate(pieces) if kind == "number"]
            if any(m is None for _, m in marks):
                continue
            if any(m.value in stale for _, m in marks if m is not None):
                continue
            twin = self._twin(entry, sentence, pieces, marks, entry_numbers)
            if twin is None:
                continue
            n += 1
            label = self._label(entry)
            statement = sentence if self._names_entry(entry, sentence) else f"{label}: {sentence}"
            fact = f"{entry.id}#number-{n}"
            cite = f"{label}: {sentence}"
            yield (
                self._question(
                    entry,
                    "fact",
                    n,
                    type="truefalse",
                    prompt=_plain_numbers(statement),
                    answer=True,
                    explain=f"True. From the notes: {cite}",
                ),
                fact,
            )
            twin_sentence, original, changed = twin
            twin_statement = twin_sentence if statement == sentence else f"{label}: {twin_sentence}"
            yield (
                self._question(
                    entry,
                    "twin",
                    n,
                    type="truefalse",
                    prompt=_plain_numbers(twin_statement),
                    answer=False,
                    explain=f"False: {original}, not {changed}. From the notes: {cite}",
                ),
                fact,
            )

    def _label(self, entry: Entry) -> str:
        """The entry's term, led by its parent's unless the term already shares a word with
        both the parent and the topic ("Lambda execution limits – Environment variables size")."""
        if not entry.parent_id:
            return entry.term
        parent = self.course.entries[entry.parent_id].term

        def stems(text: str) -> set[str]:
            words = re.findall(r"[a-z0-9][a-z0-9-]+", markup.plain(text).casefold())
            return {w.rstrip("s") for w in words if w not in _GENERIC_WORDS}

        own = stems(entry.term)
        if own & stems(parent) and own & stems(self.course.by_topic[entry.topic_id].title):
            return entry.term
        return f"{parent} – {entry.term}"

    def _names_entry(self, entry: Entry, sentence: str) -> bool:
        names = [entry.term]
        if entry.full_form:
            names.append(entry.full_form)
        if entry.id in self.acronym:
            names.append(self.acronym[entry.id])
        return any(_mentions(sentence, n) for n in names if len(n) >= 3)

    def _twin(
        self,
        entry: Entry,
        sentence: str,
        pieces: Sequence[tuple[str, str]],
        marks: Sequence[tuple[int, _Mark | None]],
        entry_numbers: set[float],
    ) -> tuple[str, str, str] | None:
        """The sentence with one marked number changed: (sentence, old, new)."""
        # "{{900 seconds}} ({{15 minutes}})": two spellings of one value; change neither.
        paired: set[int] = set()
        for (i, _), (j, _) in zip(marks, marks[1:], strict=False):
            between = "".join(text for _, text in pieces[i + 1 : j])
            if j == i + 2 and between.strip() == "(":
                paired |= {i, j}
        options = [(i, m) for i, m in marks if m is not None and i not in paired and _twinnable(m, sentence)]
        for _, mark in _stable_order(options, f"{entry.id}#{sentence}", lambda x: str(x[0])):
            values = [v for v in _twin_candidates(mark, sentence) if v not in entry_numbers]
            if not values:
                continue
            value = values[_stable(entry.id, sentence, "value") % min(2, len(values))]
            new_text = _twin_text(mark, value)
            rebuilt = "".join(
                ("{{" + (new_text if text == mark.text else text) + "}}")
                if kind == "number"
                else (f"`{text}`" if kind == "code" else text)
                for kind, text in pieces
            )
            return rebuilt, "{{" + mark.text + "}}", "{{" + new_text + "}}"
        return None


# --------------------------------------------------------------------------- numeric templates


def _numeric_templates(course: Course, seed: int) -> Iterator[tuple[NumericTemplate, Question]]:
    """One template question per formula of :mod:`lessons.formulas` whose entry is in the course."""
    from lessons.formulas import FORMULAS

    for name, formula in FORMULAS.items():
        entry = course.entries.get(formula.entry)
        if entry is None:
            continue  # a course without that topic (e.g. a user's own lessons only)
        template = NumericTemplate(
            name=name,
            question_id=f"{entry.topic_id}/gen/calc-{name}",
            topic_id=entry.topic_id,
            entry_id=entry.id,
            lines=tuple(formula.lines) or entry.lines,
            source_file=entry.source_file,
            source_line=entry.source_line,
        )
        yield template, _make_numeric(template, random.Random(_stable(str(seed), name)))


def _make_numeric(template: NumericTemplate, rng: random.Random) -> Question:
    """A numeric question of ``template``'s formula with parameters drawn from ``rng``."""
    from lessons.formulas import FORMULAS, FormulaError

    formula = FORMULAS[template.name]
    for _ in range(50):
        args = formula.sample(rng)
        try:
            result = formula(**args)
        except FormulaError:  # a combination the formula refuses (e.g. too big for a batch)
            continue
        break
    else:  # pragma: no cover - every formula has workable samples
        args = formula.defaults()
        result = formula(**args)
    value = float(result.value)
    prompt = formula.question(args)
    tolerance = 0.0
    if round(value, 2) != value:
        prompt += " (to 2 decimal places)"
        tolerance = 0.005
    explain = "\n".join([*result.steps, *result.warnings])
    if formula.added:
        explain += "\n(Added, not from the original notes.)"
    return Question(
        id=template.question_id,
        slug=template.question_id.rsplit("/", 1)[1],
        topic_id=template.topic_id,
        origin=GENERATED,
        type="numeric",
        prompt=prompt,
        choices=(),
        answer=value,
        accept=(),
        tolerance=tolerance,
        explain=explain,
        entry_id=template.entry_id,
        lines=template.lines,
        source_file=template.source_file,
        source_line=template.source_line,
    )
