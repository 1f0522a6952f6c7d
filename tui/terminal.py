"""What the terminal can show: UTF-8 or only ASCII, colour or none, full screen or lines.

:func:`detect` reads the environment once (``LC_ALL``/``LC_CTYPE``/``LANG`` as the C
library does, ``NO_COLOR``, ``TERM``, ``AWSTUTOR_ASCII``) into a :class:`Terminal`;
the command line, the app and the line mode all follow it. :func:`to_ascii`
transliterates text for a terminal that is not UTF-8 (``–`` to ``-``, ``×`` to ``x``,
``…`` to ``...``) and :func:`ascii_cells` does the same cell for cell, for the
app's line filter (:mod:`tui.filters`), which may not change a line's width.

No Textual and no rich here: ``awstutor lookup`` and the line mode use it too.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TextIO

# ------------------------------------------------------------------ detection

# Python's own fix-up of a C locale (PEP 538) sets LC_CTYPE to one of these in its
# environment; the terminal still is what the user's locale says.
_COERCED = frozenset({"C.UTF-8", "C.utf8", "UTF-8"})
_NO_FULL_SCREEN = frozenset({"", "dumb", "unknown"})


@dataclass(frozen=True)
class Terminal:
    """What to write: ``ascii`` (no byte above 0x7f), ``color`` (any SGR colour at all),
    and ``line_mode``, why the full-screen app cannot run (None when it can)."""

    ascii: bool = False
    color: bool = True
    line_mode: str | None = None


def detect(environ: Mapping[str, str] | None = None, *, ascii: bool = False, plain: bool = False) -> Terminal:
    """The terminal of ``environ`` (default: this process, with Python's locale coercion undone);
    ``ascii`` and ``plain`` are the ``--ascii`` and ``--plain`` flags."""
    env = _user_environment() if environ is None else environ
    want_ascii = ascii or _flag(env.get("AWSTUTOR_ASCII", "")) or not utf8_locale(env)
    term = env.get("TERM", "").strip()
    color = "NO_COLOR" not in env and term != "dumb"
    if plain:
        reason: str | None = "--plain"
    elif term.lower() in _NO_FULL_SCREEN:
        reason = f"TERM={term or '(unset)'}: this terminal cannot place the cursor"
    else:
        reason = None
    return Terminal(ascii=want_ascii, color=color, line_mode=reason)


def utf8_locale(environ: Mapping[str, str]) -> bool:
    """Does the locale of ``environ`` encode characters as UTF-8? The first of ``LC_ALL``,
    ``LC_CTYPE`` and ``LANG`` that is set and not empty decides, as in the C library;
    none at all is the C locale (ASCII)."""
    for name in ("LC_ALL", "LC_CTYPE", "LANG"):
        value = environ.get(name, "")
        if value:
            break
    else:
        return False
    codeset = value.partition(".")[2].partition("@")[0]
    return codeset.replace("-", "").replace("_", "").lower() == "utf8" or value in ("UTF-8", "utf8")


def _user_environment() -> dict[str, str]:
    """``os.environ`` as the user set it. Python changes ``LC_CTYPE`` from ``C`` to ``C.UTF-8``
    for itself (PEP 538) and then runs in UTF-8 mode; the terminal is still a C-locale one."""
    env = dict(os.environ)
    coerced = (
        not env.get("LC_ALL") and env.get("LC_CTYPE") in _COERCED and sys.flags.utf8_mode and "PYTHONUTF8" not in env
    )
    if coerced:
        env.pop("LC_CTYPE")
    return env


def _flag(value: str) -> bool:
    return value.strip().lower() not in ("", "0", "no", "false", "off")


# ------------------------------------------------------------------ transliteration

# One cell for one cell (what the app's line filter may do).
_CELL: dict[str, str] = {
    "\u2026": "~",  # … (Textual's ellipsis for cut text; course text gets "...")
    "\u00b7": "-",  # ·
    "\u2022": "*",  # •
    "\u2219": "-",  # ∙
    "\u25cf": "*",  # ●
    "\u25cb": "o",  # ○
    "\u25c9": "*",  # ◉
    "\u00d7": "x",  # ×
    "\u00f7": "/",  # ÷
    "\u2212": "-",  # −
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",  # –
    "\u2014": "-",  # —
    "\u2015": "-",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2039": "<",
    "\u203a": ">",
    "\u2192": ">",  # →
    "\u2190": "<",  # ←
    "\u2191": "^",  # ↑
    "\u2193": "v",  # ↓
    "\u2194": "-",  # ↔
    "\u21d2": ">",  # ⇒
    "\u23ce": "<",  # ⏎
    "\u232b": "<",  # ⌫
    "\u25b6": ">",
    "\u25b8": ">",
    "\u25ba": ">",
    "\u25b7": ">",
    "\u25c0": "<",
    "\u25c2": "<",
    "\u25c4": "<",
    "\u25c1": "<",
    "\u25b2": "^",
    "\u25b4": "^",
    "\u25b3": "^",
    "\u25bc": "v",
    "\u25be": "v",
    "\u25bd": "v",
    "\u2713": "+",  # ✓
    "\u2714": "+",  # ✔
    "\u2717": "x",  # ✗
    "\u2718": "x",  # ✘
    "\u2264": "<",  # ≤
    "\u2265": ">",  # ≥
    "\u2260": "#",  # ≠
    "\u00b1": "+",  # ±
    "\u00b0": "o",  # °
    "\u00b5": "u",  # µ
    "\u00a0": " ",
    "\u2007": " ",
    "\u2009": " ",
    "\u202f": " ",
    "\U0001f50e": "> ",  # 🔎 (two cells): the command palette's search icon
    "\U0001f50d": "> ",  # 🔍
}

# Where a character may become several (course text, printed lines).
_TEXT: dict[str, str] = {
    **_CELL,
    "\u2026": "...",
    "\u2022": "-",
    "\u2192": "->",
    "\u2190": "<-",
    "\u2194": "<->",
    "\u21d2": "=>",
    "\u2264": "<=",
    "\u2265": ">=",
    "\u2260": "!=",
    "\u00b1": "+/-",
    "\u00a9": "(c)",
    "\u00ae": "(R)",
    "\u2122": "(TM)",
    "\u00bd": "1/2",
    "\u00bc": "1/4",
    "\u00be": "3/4",
    "\U0001f50e": ">",
    "\U0001f50d": ">",
}

# Block elements: the share of the cell painted in the foreground colour.
BLOCK_SHARE: dict[str, float] = {
    "\u2580": 0.5,  # ▀
    **{chr(0x2581 + i): (i + 1) / 8 for i in range(8)},  # ▁ .. █
    **{chr(0x2589 + i): (7 - i) / 8 for i in range(7)},  # ▉ .. ▏
    "\u2590": 0.5,  # ▐
    "\u2591": 0.25,  # ░
    "\u2592": 0.5,  # ▒
    "\u2593": 0.75,  # ▓
    "\u2594": 0.125,  # ▔
    "\u2595": 0.125,  # ▕
    "\u2596": 0.25,
    "\u2597": 0.25,
    "\u2598": 0.25,
    "\u2599": 0.75,
    "\u259a": 0.5,
    "\u259b": 0.75,
    "\u259c": 0.75,
    "\u259d": 0.25,
    "\u259e": 0.5,
    "\u259f": 0.75,
}


def _box(char: str) -> str | None:
    """A box-drawing character as ``+``, ``-``, ``=`` (heavy or double lines) or ``|``."""
    if not "\u2500" <= char <= "\u257f":
        return None
    name = unicodedata.name(char, "")
    if "DIAGONAL" in name:
        return {"\u2571": "/", "\u2572": "\\"}.get(char, "X")
    across = "HORIZONTAL" in name or "LEFT" in name or "RIGHT" in name
    down = "VERTICAL" in name or " UP" in name or "DOWN" in name
    if "ARC" in name or (across and down):
        return "+"
    if across:
        return "=" if ("HEAVY" in name or "DOUBLE" in name) and "DASH" not in name else "-"
    return "|"


@lru_cache(maxsize=4096)
def ascii_cells(char: str) -> str:
    """``char`` as ASCII in the same number of cells (the line filter's rule); a block
    element becomes a space (see :data:`BLOCK_SHARE` for how the filter colours it)."""
    if char.isascii():
        return char
    if char in _CELL:
        return _CELL[char]
    box = _box(char)
    if box is not None:
        return box
    if char in BLOCK_SHARE:
        return " "
    width = _cells(char)
    if width == 0:
        return ""
    decomposed = _decompose(char)
    if decomposed and len(decomposed) <= width:
        return decomposed.ljust(width)
    return "?" * width


@lru_cache(maxsize=4096)
def _text_char(char: str) -> str:
    if char in _TEXT:
        return _TEXT[char]
    box = _box(char)
    if box is not None:
        return box
    if char in BLOCK_SHARE:
        return "#" if BLOCK_SHARE[char] >= 0.5 else " "
    if unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return ""  # combining marks, zero-width joiners, variation selectors
    return _decompose(char) or "?"


def to_ascii(text: str) -> str:
    """``text`` in ASCII: typography to its ASCII spelling (``“`` to ``"``, ``…`` to ``...``),
    accented letters to their base letter, anything else to ``?``."""
    if text.isascii():
        return text
    return "".join(ch if ch.isascii() else _text_char(ch) for ch in text)


def _decompose(char: str) -> str:
    """The ASCII letters of a character's compatibility decomposition (``é`` -> ``e``)."""
    return "".join(c for c in unicodedata.normalize("NFKD", char) if c.isascii() and c.isprintable())


def _cells(char: str) -> int:
    if unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


# ------------------------------------------------------------------ the course and printed text


def ascii_copy(value: Any) -> Any:
    """A copy of course objects (dataclasses, tuples, strings) with every text in ASCII.
    Unchanged parts are the same objects; ids are ASCII already, so nothing is renamed."""
    if isinstance(value, str):
        return to_ascii(value)
    if isinstance(value, tuple):
        copied = tuple(ascii_copy(item) for item in value)
        return value if all(a is b for a, b in zip(copied, value, strict=True)) else copied
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for f in dataclasses.fields(value):
            if not f.init:
                continue
            old = getattr(value, f.name)
            if isinstance(old, dict):
                continue  # the course's lookups: rebuilt from the topics
            new = ascii_copy(old)
            if new is not old:
                changes[f.name] = new
        return dataclasses.replace(value, **changes) if changes else value
    return value


def ascii_course(course: Any) -> Any:
    """The course with every text in ASCII (a new :class:`~lessons.model.Course`)."""
    return type(course)(topics=ascii_copy(course.topics))


class AsciiIndex:
    """A search index whose hits and records read in ASCII (the cached index keeps the course's text)."""

    def __init__(self, index: Any) -> None:
        self._index = index

    def search(self, query: str, limit: int | None = 10) -> list[Any]:
        return [
            hit._replace(
                topic_title=to_ascii(hit.topic_title),
                term=to_ascii(hit.term),
                full_form=to_ascii(hit.full_form) if hit.full_form else hit.full_form,
                summary=to_ascii(hit.summary),
            )
            for hit in self._index.search(query, limit)
        ]

    def suggest(self, query: str, n: int = 5) -> list[str]:
        return [to_ascii(term) for term in self._index.suggest(query, n)]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._index, name)


class AsciiWriter:
    """A text stream that writes everything through :func:`to_ascii` (stdout on a C locale)."""

    def __init__(self, stream: TextIO) -> None:
        self.wraps = stream

    def write(self, text: str) -> int:
        self.wraps.write(to_ascii(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.wraps, name)
