"""Typos: the one edit distance of the course layer and its "did you mean"."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons.spelling import closest, osa_distance, similarity


def _reference_osa(a: str, b: str) -> int:
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


@settings(max_examples=300, deadline=None)
@given(st.text("abcd", max_size=9), st.text("abcd", max_size=9), st.integers(0, 3))
def test_banded_edit_distance_matches_the_full_table(a: str, b: str, limit: int) -> None:
    assert osa_distance(a, b, limit) == min(_reference_osa(a, b), limit + 1)


@pytest.mark.parametrize(
    ("word", "options", "expected"),
    [
        ("defintion", ["term", "definition", "notes"], "definition"),  # a missing letter
        ("rcx", ["rcu", "wcu", "partitions"], "rcu"),  # the first of equals
        ("alias", ["aliases", "added"], "aliases"),
        ("tpye", ["type", "kind"], "type"),  # swapped letters are one typo
        ("xyz", ["term", "notes"], None),  # nothing close enough
        ("", ["a"], None),
    ],
)
def test_closest_finds_the_name_meant(word: str, options: list[str], expected: str | None) -> None:
    assert closest(word, options) == expected


@settings(max_examples=200, deadline=None)
@given(st.text("abcd", max_size=8), st.lists(st.text("abcd", max_size=8), max_size=6), st.floats(0.3, 1.0))
def test_closest_is_the_most_similar_option_above_the_cutoff(word: str, options: list[str], cutoff: float) -> None:
    found = closest(word, options, cutoff=cutoff)
    scores = [similarity(word, option) for option in options if option or word]
    if found is None:
        assert all(score < cutoff for score in scores)
    else:
        assert similarity(word, found) == max(scores)
        assert similarity(word, found) >= cutoff
