"""Words of course text and of what a learner types, as search sees them.

Words are cut at anything that is not a letter or digit (``lambda@edge``,
``!Ref``, ``s3:ObjectCreated``), lower-cased and lightly stemmed (plurals:
:func:`stem`). The course side also gives camel-case parts
(``ChangeMessageVisibility``) and words joined across punctuation (``sse-kms`` ->
``ssekms``): :func:`index_words`. A query drops its stop words
(:func:`query_words`). :func:`family` finds what ``scale``, ``scaled`` and
``scaling`` share; :data:`SYNONYMS` are everyday words for the course's words.
Acronyms are found in ``Words In Full (WIF)`` patterns (:func:`acronyms_in_text`).

Used on both sides of :mod:`lessons.search` (the index built by
:mod:`lessons.search_data`, and the query), so the two always agree. Plain ``re``:
``awstutor lookup`` imports this.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lessons.markup import plain

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
#: The other words of a word's synonym group.
SYNONYM_OF = {w: tuple(o for o in group if o != w) for group in SYNONYMS for w in group}

#: A run of letters and digits: one word as typed.
RUN = re.compile(r"[^\W_]+")
_CAMEL_HINT = re.compile(r"[a-z][A-Z]")
# Used only when building (or on rare words): compiled on first use by re's cache.
_CAMEL_1 = r"([a-z0-9])([A-Z])"
_CAMEL_2 = r"([A-Z]+)([A-Z][a-z])"
_ACRONYM_TERM = r"^[A-Z][A-Za-z0-9]{0,2}[A-Z0-9][A-Za-z0-9]{0,4}s?$"
_PAREN = r"\(([^()]{2,80})\)"
_SENTENCE_END = r"(?<=[.!?])\s"


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
    return [stem(run) for run in RUN.findall(text)]


def content_words(runs: list[str]) -> list[str]:
    """Stemmed words without stop words (``what does OAI stand for`` → ``[oai]``),
    unless nothing else is left."""
    kept = [r for r in runs if r.lower() not in STOP_WORDS]
    return [stem(r) for r in (kept or runs)]


def query_words(text: str) -> list[str]:
    """The words of a query that count."""
    return content_words(RUN.findall(text))


def index_words(text: str, memo: dict[str, tuple[str, ...]] | None = None) -> set[str]:
    """Every vocabulary word a text offers: words, camel-case parts, and words
    joined across punctuation (``sse-kms`` also gives ``ssekms``). ``memo``
    remembers chunks already seen (building the index repeats many)."""
    found: set[str] = set()
    for chunk in text.split():
        known = memo.get(chunk) if memo is not None else None
        if known is None:
            runs = RUN.findall(chunk)
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
    runs = RUN.findall(plain(text))
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


def looks_like_acronym(text: str) -> bool:
    """``ENI``, ``RCU``, ``ACLs``, ``IAM``: short and mostly capitals."""
    return bool(re.match(_ACRONYM_TERM, text)) and sum(c.isupper() for c in text) >= 2


def _initials_match(acronym: str, phrase_words: list[str]) -> bool:
    letters = [c for c in acronym.lower() if c.isalpha()]
    initials = [w[0].lower() for w in phrase_words if w.lower() not in ("of", "and", "for", "the", "to", "a")]
    return len(letters) >= 2 and letters == initials


def spelled_out(acronym: str, phrase_words: list[str]) -> str | None:
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


def one_line(text: str, width: int = 200) -> str:
    """The first sentence of a text, markup removed, at most ``width`` characters."""
    flat = " ".join(plain(text).split())
    first = re.split(_SENTENCE_END, flat, maxsplit=1)[0]
    if len(first) > width:
        first = first[: width - 1].rstrip() + "…"
    return first
