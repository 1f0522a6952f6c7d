"""Marked numbers of the notes and their plausible false twins.

A sentence holding a marked number (``{{30 seconds}}``) makes a true statement; the
same sentence with that number changed to a neighbour on a realistic ladder (10,
15, 20, 30, 45, 60 seconds...; HTTP statuses; ports) makes its false twin. Years,
ranges, "one" before a singular noun and precise figures such as 99.999999999% are
never changed, nor are two spellings of one value ("{{900 seconds}} ({{15 minutes}})").
The values are picked by :mod:`lessons.stable`, so the same course gives the same twins.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from lessons import markup
from lessons.numerals import format_number
from lessons.stable import stable_hash, stable_order

__all__ = ["Mark", "numbers_of", "parse_mark", "twin"]

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
class Mark:
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


def parse_mark(text: str) -> Mark | None:
    raw = text.strip()
    word = raw.split(" ", 1)
    if word[0].casefold() in _WORD_NUMBERS:
        unit = word[1] if len(word) > 1 else ""
        return Mark(raw, float(_WORD_NUMBERS[word[0].casefold()]), " " if unit else "", unit, True)
    match = _MARK_NUMBER.match(raw)
    if not match:
        return None
    number = match.group("num") or match.group("num2")
    return Mark(
        raw,
        float(number.replace(",", "")),
        match.group("sep") or "",
        match.group("unit") or "",
        False,
    )


def numbers_of(text: str) -> set[float]:
    """Every number written in a text (digits or small number words)."""
    plain = markup.plain(text)
    found = {float(n.replace(",", "")) for n in re.findall(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?", plain)}
    for word in re.findall(r"[A-Za-z]+", plain):
        if word.casefold() in _WORD_NUMBERS:
            found.add(float(_WORD_NUMBERS[word.casefold()]))
    return found


def _format_value(value: float, like: Mark) -> str:
    if like.words and value == int(value) and int(value) in _NUMBER_WORDS:
        return _NUMBER_WORDS[int(value)]
    return format_number(value, grouped=value.is_integer() and ("," in like.text or value >= 10000))


def _twin_text(mark: Mark, value: float) -> str:
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


def _twin_candidates(mark: Mark, sentence: str) -> list[float]:
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


def _twinnable(mark: Mark, sentence: str) -> bool:
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


def twin(
    entry_id: str,
    sentence: str,
    pieces: Sequence[tuple[str, str]],
    marks: Sequence[tuple[int, Mark | None]],
    entry_numbers: set[float],
) -> tuple[str, str, str] | None:
    """``sentence`` (of entry ``entry_id``, split into ``pieces``) with one of its marked
    numbers changed plausibly, never to a number the entry states: (sentence, old, new)."""
    # "{{900 seconds}} ({{15 minutes}})": two spellings of one value; change neither.
    paired: set[int] = set()
    for (i, _), (j, _) in zip(marks, marks[1:], strict=False):
        between = "".join(text for _, text in pieces[i + 1 : j])
        if j == i + 2 and between.strip() == "(":
            paired |= {i, j}
    options = [(i, m) for i, m in marks if m is not None and i not in paired and _twinnable(m, sentence)]
    for _, mark in stable_order(options, f"{entry_id}#{sentence}", lambda x: str(x[0])):
        values = [v for v in _twin_candidates(mark, sentence) if v not in entry_numbers]
        if not values:
            continue
        value = values[stable_hash(entry_id, sentence, "value") % min(2, len(values))]
        new_text = _twin_text(mark, value)
        rebuilt = "".join(
            ("{{" + (new_text if text == mark.text else text) + "}}")
            if kind == "number"
            else (f"`{text}`" if kind == "code" else text)
            for kind, text in pieces
        )
        return rebuilt, "{{" + mark.text + "}}", "{{" + new_text + "}}"
    return None
