"""Numbers written out: one rule for answers and results, one for worked steps."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lessons.calc import evaluate
from lessons.numerals import format_number, format_step, simplest


@pytest.mark.parametrize(
    ("value", "grouped", "text"),
    [
        (1000, True, "1,000"),
        (1000, False, "1000"),
        (1000.0, True, "1,000"),  # a whole float is written whole
        (3.8, True, "3.8"),
        (0.005, True, "0.005"),
        (1 / 3, False, "0.333333333333"),  # 12 significant digits
        (1234567.5, True, "1,234,567.5"),
        (2.0**60, False, "1.15292150461e+18"),  # a float beyond 10^15 is not written out in full
        (2**60, False, "1152921504606846976"),  # an int always is
    ],
)
def test_format_number(value: float, grouped: bool, text: str) -> None:
    assert format_number(value, grouped=grouped) == text


@given(
    st.integers(-(10**15), 10**15)
    | st.floats(-1e12, 1e12, allow_nan=False).filter(lambda x: x == 0 or abs(x) > 1e-200)  # the calculator's range
)
def test_the_calculator_reads_back_what_it_writes(value: float) -> None:
    text = format_number(value)
    assert "," not in text
    assert float(evaluate(text).value) == pytest.approx(value, rel=1e-11, abs=1e-300)


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (Fraction(8), "8"),
        (Fraction(9, 2), "4.5"),
        (Fraction(1, 20), "0.05"),
        (Fraction(5, 6), "~0.8333"),  # no exact short decimal: marked as approximate
        (Fraction(25, 3), "~8.333"),
        (Fraction(1, 2**10), "~0.0009766"),  # exact, but more than six places
    ],
)
def test_format_step(x: Fraction, text: str) -> None:
    assert format_step(x) == text


def test_simplest() -> None:
    assert simplest(Fraction(6, 2)) == 3
    assert isinstance(simplest(Fraction(6, 2)), int)
    assert simplest(Fraction(7, 2)) == 3.5
    assert isinstance(simplest(4.0), int)
    assert isinstance(simplest(2.0**60), float)  # no longer exact to the unit
    assert simplest(5) == 5
