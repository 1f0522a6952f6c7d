"""Guards against trivial and garbled generated questions.

A generated question must neither give its answer away nor be a fragment: an
acronym asked for by its own initials ("ENI" for "Elastic Network Interface"), a
choice a learner tells apart by its initials alone, a definition that cannot stand
alone ("Limits per region."), a prompt sharing more words with the answer than
with any distractor. These checks are pure functions of the question's text, so
they are tested on their own (tests/lessons/test_bank_guards.py), and every
generated question passes through them (``QuestionGenerator._sound`` in
:mod:`lessons.generate`) whatever rule produced it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from lessons import markup

__all__ = [
    "CONNECTORS",
    "SPLIT_NAME",
    "find_names",
    "gives_away",
    "initials",
    "is_fragment",
    "same_form",
    "spelled_by_initials",
    "stems",
    "words_of",
]

#: A word of course text: letters, with inner hyphens and apostrophes ("read-only", "AWS's").
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
#: Little words a name joins its words with ("Identity and Access Management").
CONNECTORS = frozenset({"and", "of", "for", "the", "to", "on", "in", "a", "an", "with", "by", "&"})
#: Where a name splits into words.
SPLIT_NAME = re.compile(r"[\s/,()\u2013\u2014:-]+")
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
    words = [w for w in SPLIT_NAME.split(markup.plain(name)) if w]
    if not connectors:
        words = [w for w in words if w.casefold() not in CONNECTORS]
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
    words = [w for kind, piece in pieces if kind == "text" for w in _WORD.findall(piece) if len(w) > 1 and w != "___"]
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


def words_of(text: str) -> list[str]:
    """The words of a text, markup removed."""
    return _WORD.findall(markup.plain(text))


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "_-"


def find_names(text: str, name: str) -> list[tuple[int, int]]:
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
