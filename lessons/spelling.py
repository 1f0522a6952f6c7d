"""Typos: how far apart two spellings are, and the closest of a list of names.

:func:`osa_distance` is the one edit distance of the course layer: search uses it to
match a mistyped query word, grading to forgive a typo in a typed answer, and
:func:`closest` ("did you mean ...?") for an unknown key of a course file, a
formula name on the command line and the fidelity check's words. How many typos
each forgives is its own decision: search is generous (a wrong guess only ranks an
entry lower), grading strict (a wrong guess marks a wrong answer right).

Optimal string alignment: insertions, deletions, substitutions and swaps of two
neighbouring letters, each letter edited at most once. Pure Python and tiny
(``awstutor lookup`` imports it): only the diagonal band that can stay within the
limit is computed, so a check against a limit of 1 or 2 costs next to nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["closest", "osa_distance", "similarity"]


def osa_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (typos, swapped letters included),
    or ``limit + 1`` as soon as it must exceed ``limit``. Only the diagonal
    band of width ``2 × limit + 1`` is computed."""
    if a == b:
        return 0
    la, lb = len(a), len(b)
    if abs(la - lb) > limit:
        return limit + 1
    over = limit + 1
    previous2: list[int] = []
    previous = [j if j <= limit else over for j in range(lb + 1)]
    for i in range(1, la + 1):
        current = [over] * (lb + 1)
        if i <= limit:
            current[0] = i
        ca = a[i - 1]
        best = current[0]
        for j in range(max(1, i - limit), min(lb, i + limit) + 1):
            cb = b[j - 1]
            value = previous[j - 1] if ca == cb else previous[j - 1] + 1
            if previous[j] + 1 < value:
                value = previous[j] + 1
            if current[j - 1] + 1 < value:
                value = current[j - 1] + 1
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb and previous2[j - 2] + 1 < value:
                value = previous2[j - 2] + 1
            if value > over:
                value = over
            current[j] = value
            if value < best:
                best = value
        if best > limit:
            return over
        previous2, previous = previous, current
    return min(previous[lb], over)


def similarity(a: str, b: str) -> float:
    """1.0 for the same spelling, down to 0.0: the share of the longer one that needs no edit."""
    longest = max(len(a), len(b))
    if not longest:
        return 1.0
    return 1.0 - osa_distance(a, b, longest) / longest


def closest(word: str, options: Iterable[str], *, cutoff: float = 0.6) -> str | None:
    """The option most like ``word`` (the first of equals), if its :func:`similarity` is
    at least ``cutoff``; else None. ``"defintion"`` -> ``"definition"``, ``"rcx"`` -> ``"rcu"``."""
    letters = frozenset(word)
    best, best_score = None, cutoff
    for option in options:
        longest = max(len(word), len(option))
        if not longest:
            continue
        limit = int(longest * (1.0 - cutoff) + 1e-9)  # the most edits that still reach the cutoff
        # Each edit changes the length by at most one and the set of letters by at most two.
        if abs(len(word) - len(option)) > limit or len(letters ^ frozenset(option)) > 2 * limit:
            continue
        distance = osa_distance(word, option, limit)
        if distance > limit:
            continue
        score = 1.0 - distance / longest
        if best is None or score > best_score:
            best, best_score = option, score
    return best
