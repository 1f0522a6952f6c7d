"""Numbers written out for the learner, and exact values turned into plain ones.

Two ways of writing a number, on purpose:

- :func:`format_number` writes an answer or a result: whole numbers in full, others
  to 12 significant digits. ``grouped`` puts "," between thousands ("1,000") where a
  learner only reads the number (the expected answer of a question); the calculator
  leaves it out, because a result may be typed back in and the calculator reads ","
  as the separator of a function's arguments.
- :func:`format_step` writes a number inside a formula's worked steps: the exact
  decimal when it has at most six places ("4.5", "0.05"), else "~" and a short
  approximation ("~0.8333"), so that a step stays readable and never looks exact
  when it is not.

:func:`simplest` turns an exact value into the ``int`` or ``float`` a result carries.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

__all__ = ["format_number", "format_step", "simplest"]

_EXACT_PLACES = 6  # format_step: an exact decimal with more places is shown approximately


def format_number(value: int | float, *, grouped: bool = False) -> str:
    """``value`` as a person writes it: ``24``, ``3.8``, ``0.333333333333``;
    ``1,000`` when ``grouped``. A float is written whole below 10^15."""
    if isinstance(value, int):
        return f"{value:,}" if grouped else str(value)
    if value.is_integer() and abs(value) < 1e15:
        return format_number(int(value), grouped=grouped)
    return f"{value:,.12g}" if grouped else f"{value:.12g}"


def format_step(x: Fraction) -> str:
    """A number in a worked step: ``8``, ``4.5``, ``0.05``; ``~0.8333`` when it has no short exact decimal."""
    if x.denominator == 1:
        return str(x.numerator)
    d = x.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    if d == 1:
        exact = format((Decimal(x.numerator) / Decimal(x.denominator)).normalize(), "f")
        if len(exact.partition(".")[2]) <= _EXACT_PLACES:
            return exact
    approx = float(x)
    if abs(approx) < 1:
        return "~" + f"{approx:.4g}"
    return "~" + f"{approx:.3f}".rstrip("0").rstrip(".")


def simplest(value: Fraction | float) -> int | float:
    """An exact fraction (or a float) as an ``int`` when it is whole, else a ``float``.
    A float beyond 2^53 stays a float: it is no longer exact to the unit."""
    if isinstance(value, Fraction):
        return int(value) if value.denominator == 1 else float(value)
    if isinstance(value, int):  # typed float, but an int is welcome (and has no is_integer before 3.12)
        return value
    if value == 0:
        return 0
    if value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value
