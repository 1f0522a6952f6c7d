"""The light markup of course text.

``{{256 KB}}``  a number that matters (limit, default, size): the UI highlights it.
```!Ref```      code: a command, API, header or file name.

Both are kept deliberately tiny so course files stay readable as plain text.
:func:`plain` and :func:`fold` are the one way the course layer takes markup off a
text and compares texts. Plain ``re``: ``awstutor lookup`` imports this.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal

SpanKind = Literal["text", "number", "code"]

_TOKEN = re.compile(r"\{\{(.+?)\}\}|`([^`]+)`")


def spans(text: str) -> Iterator[tuple[SpanKind, str]]:
    """Split marked-up text into ``(kind, text)`` pieces, in order."""
    pos = 0
    for match in _TOKEN.finditer(text):
        if match.start() > pos:
            yield "text", text[pos : match.start()]
        if match.group(1) is not None:
            yield "number", match.group(1)
        else:
            yield "code", match.group(2)
        pos = match.end()
    if pos < len(text):
        yield "text", text[pos:]


def plain(text: str) -> str:
    """The text with its markup removed (most texts have none: returned as they are)."""
    if "{{" not in text and "`" not in text:
        return text
    return _TOKEN.sub(_unmarked, text)


def _unmarked(match: re.Match[str]) -> str:
    return match.group(1) or match.group(2)


def fold(text: str) -> str:
    """What two texts share when they say the same thing: markup removed, case folded,
    spaces made single ("Elastic  Network {{Interface}}" -> "elastic network interface").

    Choices, names and definitions compare this way; typed answers compare by the
    stricter :func:`lessons.grading.key`, which drops punctuation too.
    """
    return " ".join(plain(text).casefold().split())


def key_numbers(text: str) -> list[str]:
    """The marked numbers of a text (``{{...}}``), in order."""
    return [piece for kind, piece in spans(text) if kind == "number"]


def unbalanced(text: str) -> str | None:
    """Describe broken markup in ``text``, or None when it is well formed."""
    stripped = _TOKEN.sub("", text)
    if "{{" in stripped or "}}" in stripped:
        return "unbalanced {{ }} number mark"
    if stripped.count("`") % 2:
        return "unbalanced ` code mark"
    return None


def update_heading(since: str, kind: str = "update") -> str:
    """``Update (since Dec 2020)``, plain ``Update`` when the date is not known, or
    ``Correction`` where the notes were wrong rather than outdated."""
    if kind == "correction":
        return "Correction"
    since = since.strip()
    return f"Update (since {since})" if since and since not in {"-", "\u2014", "\u2013", "?"} else "Update"
