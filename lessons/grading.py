"""Fair grading of quiz answers.

:func:`grade` takes a :class:`~lessons.model.Question` and what the learner gave
and returns a :class:`Grade`. It never raises on a learner's input: anything it
cannot read is simply wrong, with a note saying why.

Rules, per question type:

- ``single``: the chosen choice text (case, spacing and markup ignored).
- ``multi``: a set or list of choice texts; right only for exactly the right set.
- ``truefalse``: a bool, or text such as ``true/false/t/f/yes/no/y/n``.
- ``typed``: case, spacing, punctuation and markup are ignored, and so is a
  leading "the/a/an". The question's ``accept`` list is accepted too, and an
  acronym for its full form and the reverse ("ENI" for "Elastic Network
  Interface") when an acronym map is given, unless the question itself shows it. A small typo is forgiven
  (:func:`lessons.spelling.osa_distance` 1 for answers of 4-8 letters, 2 for longer
  ones, a swap of two neighbouring letters counting as one; none for shorter
  answers or acronyms; the first letter must be right;
  never when the answer given is exactly another term of the course), and the
  note says so. Numbers
  must match exactly: "3 seconds" is not "30 seconds". Strict where it matters: a
  part of an acronym answer is not the acronym ("KMS" for "SSE-KMS"), even if an
  accept list has it, and a question asking for a full form does not accept the
  acronym its prompt shows, with or without "AWS" in front ("AWS STS").
- ``numeric``: "1,000", "1000", "1e3", "1 000", "24 RCU", "2k" are read as
  numbers; the answer must be exact unless the question has a ``tolerance``
  (an absolute difference). Text that is not a number is wrong.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from lessons import markup
from lessons.model import Question
from lessons.numerals import format_number
from lessons.spelling import osa_distance

__all__ = [
    "Grade",
    "grade",
    "is_acronym",
    "key",
    "parse_bool",
    "parse_number",
    "typo_allowance",
]


@dataclass(frozen=True, slots=True)
class Grade:
    """The verdict on one answer: shown to the learner and recorded."""

    correct: bool
    expected: str  # the right answer, as shown to the learner
    given: str  # what the learner answered, as text
    note: str | None = None  # e.g. "Accepted with a typo" or "Not a number"


# --------------------------------------------------------------------------- normalising

_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_NUMBER_IN_TEXT = re.compile(r"\d+(?:[.,]\d+)*")
# Two capitals or a capital and a digit, nothing lower case: "ENI", "S3", "SSE-KMS", "CI/CD".
_ACRONYM = re.compile(r"^(?=(?:[^A-Z]*[A-Z]){2}|[^A-Z]*[A-Z].*\d|\d.*[A-Z])[A-Z0-9][A-Z0-9&/.-]*[A-Z0-9]$")
_TRUE = {"true", "t", "yes", "y"}
_FALSE = {"false", "f", "no", "n"}


def _clean(text: str) -> str:
    """Markup removed, Unicode folded, outer spaces dropped."""
    return unicodedata.normalize("NFKC", markup.plain(str(text))).strip()


def key(text: str) -> str:
    """What two typed answers must share to be the same: letters and digits only, case
    and Unicode folded. Stricter than :func:`lessons.markup.fold` (choices and names) on
    purpose: a learner typing "sse kms" or "ci cd" means "SSE-KMS" and "CI/CD"."""
    return "".join(ch for ch in _clean(text).casefold() if ch.isalnum())


def _response_keys(text: str) -> list[str]:
    """The keys of a typed answer: as written, and without a leading "the/a/an"."""
    keys = [key(text)]
    bare = _ARTICLE.sub("", _clean(text))
    if bare != _clean(text) and key(bare):
        keys.append(key(bare))
    return keys


def _numbers(text: str) -> list[str]:
    """The numbers written in a text, thousands separators dropped ("1,000" -> "1000")."""
    found = []
    for match in _NUMBER_IN_TEXT.finditer(markup.plain(str(text))):
        raw = match.group(0)
        if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", raw):
            raw = raw.replace(",", "")
        found.append(raw)
    return found


def is_acronym(text: str) -> bool:
    """True for an acronym such as "ENI", "EC2", "SSE-KMS" or "CI/CD" (no typo forgiven)."""
    return bool(_ACRONYM.match(markup.plain(text).strip()))


def typo_allowance(answer: str) -> int:
    """How many edits a typed answer may be off by and still count."""
    if is_acronym(answer):
        return 0
    size = len(key(answer))
    if size < 4:
        return 0
    if size <= 8:
        return 1
    return 2


def parse_bool(response: object) -> bool | None:
    """A true/false answer from a bool or text; None when it is neither."""
    if isinstance(response, bool):
        return response
    if isinstance(response, str):
        word = response.strip().strip(".!?").strip().casefold()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    return None


_NUMERIC = re.compile(
    r"""^(?P<sign>[-+\u2212]?)\s*
    (?P<num>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)
    (?:[eE](?P<exp>[-+]?\d{1,4}))?
    \s*(?P<rest>.*)$""",
    re.VERBOSE,
)
_MULTIPLIERS = {"k": 1e3, "thousand": 1e3, "million": 1e6}
_MAX_NUMBER_TEXT = 80


def parse_number(response: object) -> float | None:
    """A number from a learner's answer ("1,000", "1e3", "24 RCU", "2k"), or None."""
    if isinstance(response, bool):
        return None
    if isinstance(response, (int, float)):
        value = float(response)
        return value if math.isfinite(value) else None
    if not isinstance(response, str) or len(response) > _MAX_NUMBER_TEXT:
        return None
    text = _clean(response)
    # "1 000" and "1_000": a space or underscore between digit groups is a separator.
    text = re.sub(r"(?<=\d)[ _](?=\d{3}(?!\d))", "", text)
    match = _NUMERIC.match(text)
    if not match:
        return None
    rest = match.group("rest").strip().rstrip(".").strip()
    if any(ch.isdigit() for ch in rest):
        return None  # "24 or 25", "1,5": not one number
    try:
        value = float(match.group("num").replace(",", ""))
        if match.group("exp"):
            value *= 10.0 ** int(match.group("exp"))
    except (ValueError, OverflowError):
        return None
    first = rest.split()[0].casefold() if rest else ""
    if first in _MULTIPLIERS:  # "2k", "3 million" ("5 KB" and "5 minutes" stay 5)
        value *= _MULTIPLIERS[first]
    if match.group("sign") in ("-", "\u2212"):
        value = -value
    return value if math.isfinite(value) else None


# --------------------------------------------------------------------------- grading


def grade(
    question: Question,
    response: object,
    *,
    acronyms: Mapping[str, str | Iterable[str]] | None = None,
    terms: Collection[str] = (),
) -> Grade:
    """Grade ``response`` to ``question``.

    ``acronyms`` maps an acronym to its full form(s) (``{"ENI": "Elastic Network
    Interface"}``; :attr:`lessons.bank.QuestionBank.acronyms` builds it from the
    course). ``terms`` are other names of the course: a typed answer that is
    exactly one of them is never accepted as a typo of the expected answer.
    """
    kind = question.type
    if kind == "single":
        return _grade_single(question, response)
    if kind == "multi":
        return _grade_multi(question, response)
    if kind == "truefalse":
        return _grade_truefalse(question, response)
    if kind == "numeric":
        return _grade_numeric(question, response)
    if kind == "typed":
        return _grade_typed(question, response, acronyms or {}, terms)
    raise ValueError(f"unknown question type {kind!r}")


def _given_text(response: object) -> str:
    if response is None:
        return ""
    if isinstance(response, bool):
        return "True" if response else "False"
    if isinstance(response, (set, frozenset, list, tuple)):
        return "; ".join(markup.plain(str(r)) for r in response)
    return markup.plain(str(response)).strip()


def _grade_single(question: Question, response: object) -> Grade:
    expected = markup.plain(str(question.answer))
    given = _given_text(response)
    if not isinstance(response, str) or not response.strip():
        return Grade(False, expected, given, "No answer given.")
    right = markup.fold(response) == markup.fold(str(question.answer))
    if not right and not any(markup.fold(response) == markup.fold(c) for c in question.choices):
        return Grade(False, expected, given, "That is not one of the choices.")
    return Grade(right, expected, given)


def _grade_multi(question: Question, response: object) -> Grade:
    answers = tuple(str(a) for a in question.answer)  # type: ignore[union-attr]
    expected = "; ".join(markup.plain(a) for a in answers)
    if isinstance(response, str):
        picked: list[str] = [response] if response.strip() else []
    elif isinstance(response, Iterable):
        picked = [str(r) for r in response]
    else:
        picked = []
    given = "; ".join(markup.plain(p) for p in picked)
    if not picked:
        return Grade(False, expected, given, "No answer given.")
    want = {markup.fold(a) for a in answers}
    got = {markup.fold(p) for p in picked}
    if got == want:
        return Grade(True, expected, given)
    hits = len(got & want)
    wrong = len(got - want)
    parts = [f"{hits} of {len(want)} right choices picked"]
    if wrong:
        parts.append(f"{wrong} wrong one{'s' if wrong > 1 else ''} picked")
    return Grade(False, expected, given, "; ".join(parts) + ".")


def _grade_truefalse(question: Question, response: object) -> Grade:
    expected = "True" if question.answer else "False"
    value = parse_bool(response)
    if value is None:
        return Grade(False, expected, _given_text(response), "Answer true or false.")
    return Grade(value == bool(question.answer), expected, "True" if value else "False")


def _grade_numeric(question: Question, response: object) -> Grade:
    answer = float(question.answer)  # type: ignore[arg-type]
    expected = format_number(answer, grouped=True)
    if question.tolerance:
        expected += f" (\u00b1{format_number(question.tolerance, grouped=True)})"
    given = _given_text(response)
    value = parse_number(response)
    if value is None:
        note = "No answer given." if not given else "Not a number."
        return Grade(False, expected, given, note)
    return Grade(within(value, answer, question.tolerance), expected, given)


def within(value: float, answer: float, tolerance: float = 0.0) -> bool:
    """``value`` equals ``answer`` up to ``tolerance`` (plus float rounding noise)."""
    slack = tolerance + 1e-9 * max(1.0, abs(answer), tolerance)
    return abs(value - answer) <= slack


def _expansions(text: str, acronyms: Mapping[str, str | Iterable[str]]) -> list[str]:
    """Other accepted spellings of ``text``: its full form if it is an acronym, and the reverse."""
    want = key(text)
    if not want:
        return []
    found: list[str] = []
    for acronym, forms in acronyms.items():
        forms = (forms,) if isinstance(forms, str) else tuple(forms)
        if key(acronym) == want:
            found.extend(forms)
        elif any(key(f) == want for f in forms):
            found.append(acronym)
    return found


def _shown_in(text: str, prompt: str) -> bool:
    words = " ".join(re.findall(r"[a-z0-9]+", markup.plain(text).casefold()))
    return (
        bool(words) and f" {words} " in " " + " ".join(re.findall(r"[a-z0-9]+", markup.plain(prompt).casefold())) + " "
    )


_VENDOR = re.compile(r"^(?:AWS|Amazon)\s+", re.IGNORECASE)


def _shown_acronym(text: str, prompt: str) -> bool:
    """``text`` is an acronym the prompt shows, alone or behind "AWS" / "Amazon"."""
    bare = _VENDOR.sub("", _clean(text))
    return is_acronym(bare) and _shown_in(bare, prompt)


def _acronym_part(answer: str, got_keys: list[str]) -> str | None:
    """The part of an acronym answer the response gives instead of the whole ("KMS" for
    "SSE-KMS", "CI" for "CI/CD"), or None."""
    if not is_acronym(answer):
        return None
    whole = key(answer)
    for piece in re.split(r"[-/\s]+", markup.plain(answer)):
        if key(piece) and key(piece) != whole and key(piece) in got_keys:
            return piece
    return None


def _grade_typed(
    question: Question,
    response: object,
    acronyms: Mapping[str, str | Iterable[str]],
    terms: Collection[str],
) -> Grade:
    expected = markup.plain(str(question.answer)).strip()
    given = _given_text(response)
    if not isinstance(response, str) or not key(response):
        return Grade(False, expected, given, "No answer given.")
    got_keys, got_numbers = _response_keys(response), _numbers(response)
    # Strict where it matters: a part of an acronym is not the acronym ("KMS" does not
    # answer "SSE-KMS"), whatever the accept list says.
    # ("AN-AA" typed as "an aa" is the whole answer: its leading "an" is not an article.)
    part = None if key(str(question.answer)) in got_keys else _acronym_part(str(question.answer), got_keys)
    if part:
        return Grade(False, expected, given, f"{part} is only part of {expected}.")
    main = [str(question.answer), *question.accept]
    # "ENI" answers "What does ENI stand for?" only by copying the question: an
    # acronym or full form the prompt itself shows is not accepted in its place, and
    # neither is that acronym behind "AWS" when the full form is asked ("AWS STS").
    if not is_acronym(str(question.answer)):
        main = main[:1] + [a for a in main[1:] if not _shown_acronym(a, question.prompt)]
    extra = [x for c in main for x in _expansions(c, acronyms) if not _shown_in(x, question.prompt)]
    candidates = list(dict.fromkeys(main + extra))

    number_mismatch = False
    for candidate in candidates:
        if key(candidate) in got_keys:
            if _numbers(candidate) != got_numbers:
                number_mismatch = True
                continue
            note = None
            if candidate in extra and candidate not in main:
                note = f"Accepted: {markup.plain(candidate)} is another name for {expected}."
            return Grade(True, expected, given, note)

    # A small typo, unless the answer is too short, an acronym, holds other
    # numbers, or is exactly another term of the course.
    known = {key(t) for t in terms} - {key(c) for c in candidates}
    if not known.intersection(got_keys):
        for candidate in candidates:
            allowed = typo_allowance(candidate)
            if not allowed or _numbers(candidate) != got_numbers:
                continue
            want = key(candidate)
            # Same first letter: a slip of the finger, not a missing word ("record" for "A record").
            if any(got[:1] == want[:1] and osa_distance(got, want, allowed) <= allowed for got in got_keys):
                return Grade(True, expected, given, f"Accepted with a typo: the answer is {expected}.")
    if number_mismatch or (_numbers(expected) and _numbers(expected) != got_numbers and got_numbers):
        return Grade(False, expected, given, "The numbers do not match.")
    return Grade(False, expected, given)
