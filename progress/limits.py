"""What the store accepts: the range of times and the size of values.

* **Times** are stored as timezone-aware UTC ISO-8601 strings with
  microseconds (``2026-11-27T19:02:11.000000+00:00``), so they also sort as
  text, and kept within 1970-01-02 and 2199-12-31 UTC (:data:`MIN_TIME`,
  :data:`MAX_TIME`): within 1970-2200 in any local time zone, so no local-time
  computation overflows (nor fails on systems without dates before 1970). An
  import refuses a time outside; a stored one outside (only a hand-edited file
  holds one) reads as the nearest bound (:func:`parse_time`).
* **Values** (a setting, a card state, any text) are held to
  :func:`value_problem`: nested at most :data:`MAX_DEPTH` deep, whole numbers
  within 64 bits, finite numbers, text of at most :data:`MAX_TEXT` characters
  (:data:`MAX_ID` for ids and names).
* **Checks of what callers hand the store** (``check_id``...), raising
  ``ValueError`` or ``TypeError``.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

MIN_TIME = datetime(1970, 1, 2, tzinfo=UTC)
MAX_TIME = datetime(2199, 12, 31, tzinfo=UTC)
MAX_DEPTH = 20  # levels of nesting inside one value (a setting, a card state)
MAX_INT = 2**63 - 1
MAX_TEXT = 10_000  # characters in one string
MAX_ID = 500  # characters in one id or name
MAX_COUNT = 1_000_000  # a quiz score or question count
MAX_SECONDS = 10_000_000.0  # time spent on one answer


def format_time(moment: datetime) -> str:
    """The one stored form of a time: aware UTC, ISO-8601, microseconds."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"time {moment!r} has no timezone")
    try:
        return moment.astimezone(UTC).isoformat(timespec="microseconds")
    except OverflowError:
        raise ValueError(f"time {moment!r} is out of range") from None


def _aware(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"time {text!r} has no timezone")
    return moment


def is_time(value: Any) -> bool:
    """Whether ``value`` is an aware ISO-8601 time (in range or not)."""
    if not isinstance(value, str):
        return False
    try:
        _aware(value)
    except ValueError:
        return False
    return True


def parse_time(text: str) -> datetime:
    """A stored time as an aware UTC datetime (raises ValueError if it is not one).

    A time outside :data:`MIN_TIME`..:data:`MAX_TIME` (only a hand-edited file
    holds one) reads as the nearest bound, so no reader ever overflows.
    """
    moment = _aware(text)
    if moment.tzinfo is not UTC:
        try:
            moment = moment.astimezone(UTC)
        except OverflowError:
            return MIN_TIME if moment.year < 5000 else MAX_TIME
    return MIN_TIME if moment < MIN_TIME else MAX_TIME if moment > MAX_TIME else moment


def parse_time_or(text: str, default: datetime) -> datetime:
    """:func:`parse_time`, or ``default`` for text that is not a time (a reader that must not fail)."""
    try:
        return parse_time(text)
    except ValueError:
        return default


def time_in_range(text: Any) -> bool:
    """Whether ``text`` is an aware ISO-8601 time within :data:`MIN_TIME`..:data:`MAX_TIME`."""
    if not isinstance(text, str) or len(text) > 64:
        return False
    try:
        moment = _aware(text).astimezone(UTC)
    except (ValueError, OverflowError):
        return False
    return MIN_TIME <= moment <= MAX_TIME


def in_range_text(text: str) -> str:
    """A stored time as it is, or (outside the range) as its nearest bound in the stored form."""
    return text if time_in_range(text) else format_time(parse_time(text))


# ---------------------------------------------------------------- values


def _scalar_problem(item: Any) -> str | None:
    """What puts a scalar beyond the limits; ``""`` for a container (to be walked); None when it is fine."""
    kind = type(item)
    if kind is str:
        if len(item) > MAX_TEXT:
            return f"holds text longer than {MAX_TEXT:,} characters"
        if not item.isascii() and not is_unicode(item):
            return "holds text that is not valid Unicode"
    elif kind is int:
        if not -MAX_INT <= item <= MAX_INT:
            return "holds a whole number beyond 64 bits"
    elif kind is float:
        if not math.isfinite(item):
            return "holds a number that is not finite"
    elif kind is dict or kind is list:
        return ""
    elif item is not None and kind is not bool:
        return f"holds a {kind.__name__}, not JSON"
    return None


def value_problem(value: Any) -> str | None:
    """What puts a JSON value beyond the limits (None when it is within them). Iterative: any depth."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        problem = _scalar_problem(item)
        if problem is None:
            continue
        if problem:
            return problem
        if depth >= MAX_DEPTH:
            return f"is nested more than {MAX_DEPTH} deep"
        if type(item) is dict:
            for key, inner in item.items():
                if type(key) is not str or len(key) > MAX_ID or not (key.isascii() or is_unicode(key)):
                    return "has a name that is not short text"
                problem = _scalar_problem(inner)
                if problem:
                    return problem
                if problem is not None:
                    stack.append((inner, depth + 1))
        else:
            for inner in item:
                problem = _scalar_problem(inner)
                if problem:
                    return problem
                if problem is not None:
                    stack.append((inner, depth + 1))
    return None


def is_unicode(text: str) -> bool:
    """Whether ``text`` can be written as UTF-8 (no lone surrogate, which JSON's ``\\ud800`` can carry)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def show(value: Any, width: int = 40) -> str:
    """A value quoted for a one-line message: short, control characters escaped."""
    text = value if isinstance(value, str) else type(value).__name__
    return repr(text[:width]) + ("..." if len(text) > width else "")


# ---------------------------------------------------------------- what callers hand the store


def check_id(value: Any, what: str) -> None:
    if (
        not isinstance(value, str)
        or not value
        or value != value.strip()
        or len(value) > MAX_ID
        or not is_unicode(value)
    ):
        raise ValueError(f"{what} must be non-empty text without surrounding spaces, not {show(value)}")


def check_text(value: Any, what: str) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be text")
    if len(value) > MAX_TEXT:
        raise ValueError(f"{what} must be at most {MAX_TEXT:,} characters")
    if not is_unicode(value):
        raise ValueError(f"{what} must be valid Unicode text")


def check_value(value: Any, what: str) -> None:
    problem = value_problem(value)
    if problem:
        raise (TypeError if problem.endswith("not JSON") else ValueError)(f"{what} must be a JSON value: it {problem}")


def check_card(state: Any) -> None:
    if not isinstance(state, dict):
        raise TypeError("a card state must be a dict")
    due = state.get("due")
    if not time_in_range(due):
        raise ValueError(f"a card state needs 'due' as an ISO-8601 time with a timezone in 1970-2200, not {show(due)}")
    check_value(state, "a card state")
