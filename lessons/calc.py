"""A safe calculator for the arithmetic of capacity questions.

``evaluate("ceil(6 KB / 4 KB) * 10")`` reads the text with its own tokenizer and
recursive-descent parser and computes only what the grammar below allows. User
text is never handed to ``eval``, ``exec``, ``compile`` or ``ast``: there is no
way to reach a Python name, an attribute or a string.

Grammar (lowest precedence first)::

    expression := term (("+" | "-") term)*
    term       := unary (("*" | "/" | "//" | "%") unary)*
    unary      := ("+" | "-") unary | power
    power      := sized ("**" unary)?          # right-associative; "^" means "**"
    sized      := atom UNIT?                   # "4 KB", "4KB", "(1 + 2) GB"
    atom       := NUMBER | UNIT | "(" expression ")" | FUNCTION "(" arguments ")"

``×`` and ``÷`` (and the Unicode minus sign) are read as ``*``, ``/`` and ``-``.
Functions: ``ceil`` (also ``ceiling``, as the notes write it), ``floor``,
``round(x)`` / ``round(x, digits)`` (halves round away from zero, as taught at
school, not Python's half-to-even), ``min`` and ``max``; names are not case
sensitive, so the notes' ``CEILING(MAX(a, b))`` works as written.

Units. Sizes are binary, as DynamoDB counts them: **1 KB = 1024 bytes**,
1 MB = 1024 KB, and so on (``KiB``, ``MiB``... are accepted as the same units;
unit names are not case sensitive and ``B`` is always a byte, never a bit).
A size divided by a size is a plain number (``16 MB / 400 KB``), a size times
or divided by a number is a size, size ``//`` size is a whole number and size
``%`` size a size. Adding a size and a plain number, multiplying two sizes or
raising a size to a power is an error. A size result is shown in the largest
unit it reaches (``61440 B`` is shown as ``60 KB``).

Numbers are exact fractions, so ``ceil(1.1 * 100)`` is 110 and ``0.1 + 0.2``
is 0.3; only a fractional power (``2 ** 0.5``) gives a floating-point value,
shown to 12 significant digits. No answer is silently wrong: a power that can be
neither worked out exactly nor to those 12 digits (``(1 + 1/10**99) ** 10**99``)
is refused, never rounded to something else.

Limits, all checked before the work is done and reported as one-line
:class:`CalcError` messages: at most :data:`MAX_LENGTH` characters, at most
:data:`MAX_DEPTH` levels of nesting, no number or result beyond
:data:`MAX_MAGNITUDE` (10^100) in size (so ``9**9**9`` is refused at once
rather than computed) and none but zero below :data:`MIN_MAGNITUDE` (10^-300),
and division by zero.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

from lessons.numerals import format_number, simplest

MAX_LENGTH = 500
MAX_DEPTH = 50
MAX_MAGNITUDE = 10**100
MIN_MAGNITUDE = Fraction(1, 10**300)
_FLOAT_EXPONENT_LIMIT = 1000  # a float power of an inexact base is good to 12 digits below this
_MAX_LOG10 = 100
_MAX_EXACT_BITS = 4096  # a power whose exact value needs more bits is computed in floating point
_MAX_ROUND_DIGITS = 100

#: Size units and their value in bytes (binary: 1 KB = 1024 B).
UNITS: dict[str, int] = {
    "B": 1,
    "KB": 1024,
    "MB": 1024**2,
    "GB": 1024**3,
    "TB": 1024**4,
    "PB": 1024**5,
}
_UNIT_NAMES: dict[str, str] = {
    "b": "B",
    "byte": "B",
    "bytes": "B",
    **{name.lower(): name for name in UNITS},
    **{name[0].lower() + "ib": name for name in UNITS if name != "B"},
}
#: Functions a calculation may call (aliases map to their canonical name).
FUNCTIONS: tuple[str, ...] = ("ceil", "floor", "round", "min", "max")
_FUNCTION_NAMES = {name: name for name in FUNCTIONS} | {"ceiling": "ceil"}

Number = Fraction | float


class CalcError(ValueError):
    """An expression the calculator refuses; the message is one user-facing line."""


@dataclass(frozen=True, slots=True)
class CalcResult:
    """The value of an expression; ``unit`` is a size unit (``"KB"``) or None for a plain number."""

    value: int | float
    unit: str | None
    text: str  # how to show it: "24", "1.5 MB"

    def __str__(self) -> str:
        return self.text


def evaluate(text: str) -> CalcResult:
    """Compute ``text`` (see the module help for what it may contain) or raise :class:`CalcError`."""
    if not isinstance(text, str):
        raise CalcError("the expression must be text")
    if len(text) > MAX_LENGTH:
        raise CalcError(f"the expression is too long ({len(text)} characters; at most {MAX_LENGTH})")
    if not text.strip():
        raise CalcError("empty expression")
    try:
        tree = _Parser(_tokenize(text)).parse()
        return _finish(_eval(tree))
    except (RecursionError, MemoryError):
        raise CalcError("the expression is too complex") from None
    except ZeroDivisionError:  # pragma: no cover - every division is checked first
        raise CalcError("division by zero") from None
    except OverflowError:  # pragma: no cover - every power is checked first
        raise CalcError("the result is too large (the limit is 10^100)") from None


# ------------------------------------------------------------------ tokens

_NUMBER = re.compile(r"([0-9][0-9_]*)?(?:\.([0-9][0-9_]*)?)?(?:[eE]([+-]?[0-9]+))?")
_TRANSLATE = str.maketrans({"×": "*", "÷": "/", "−": "-"})
_OPERATORS = ("**", "//", "+", "-", "*", "/", "%", "(", ")", ",")


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "num", "name", "op", "end"
    text: str
    column: int  # 1-based
    value: Fraction | None = None
    raw: str = ""  # as typed, when it differs ("×" for "*")


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        column = i + 1
        if ch.isspace():
            i += 1
            continue
        if ch == "^":  # power, like "**"
            tokens.append(_Token("op", "**", column, raw="^"))
            i += 1
            continue
        ch = ch.translate(_TRANSLATE)
        if ch in "0123456789" or (ch == "." and i + 1 < n and text[i + 1] in "0123456789"):
            match = _NUMBER.match(text, i)
            assert match is not None
            assert match.end() > i
            tokens.append(_Token("num", match.group(), column, _number(match, column)))
            i = match.end()
            continue
        if ch.isalpha() or ch == "_":
            j = i + 1
            while j < n and (text[j].isalnum() or text[j] == "_"):
                j += 1
            tokens.append(_Token("name", text[i:j], column))
            i = j
            continue
        if ch == ".":
            if tokens and (tokens[-1].kind == "name" or tokens[-1].text == ")"):
                raise CalcError(f"attribute access is not allowed ('.' at column {column})")
            raise CalcError(f"unexpected '.' at column {column}")
        if ch in "'\"":
            raise CalcError(f"text in quotes is not allowed (column {column})")
        two = text[i : i + 2]
        if two in ("**", "//"):
            tokens.append(_Token("op", two, column))
            i += 2
            continue
        if ch in _OPERATORS:
            tokens.append(_Token("op", ch, column, raw=text[i]))
            i += 1
            continue
        raise CalcError(f"unexpected character {text[i]!r} at column {column}")
    tokens.append(_Token("end", "", len(text) + 1))
    return tokens


def _number(match: re.Match[str], column: int) -> Fraction:
    whole, fraction, exponent = match.group(1) or "", match.group(2) or "", match.group(3)
    for part in (whole, fraction):
        if part.endswith("_") or "__" in part:
            raise CalcError(f"badly placed '_' in the number {match.group()!r} (column {column})")
    whole, fraction = whole.replace("_", ""), fraction.replace("_", "")
    power = int(exponent) if exponent else 0
    digits = (whole + fraction).lstrip("0")
    if digits and len(whole.lstrip("0")) + power > _MAX_LOG10 + 1:
        raise CalcError(f"the number {match.group()} is too large (the limit is 10^100)")
    if abs(power) > 4 * MAX_LENGTH:
        # Only a mantissa of zeros can get here with a huge exponent; and a huge
        # negative exponent is a number too small to be worth computing exactly.
        if not digits:
            return Fraction(0)
        raise CalcError(f"the number {match.group()} is too small to work with")
    value = Fraction(int(whole + fraction or "0"), 10 ** len(fraction)) * Fraction(10) ** power
    if abs(value) > MAX_MAGNITUDE:
        raise CalcError(f"the number {match.group()} is too large (the limit is 10^100)")
    return value


# ------------------------------------------------------------------ parser

# Nodes are tuples: ("num", Fraction), ("unit", "KB"), ("neg", node), ("pos", node),
# ("op", "+", left, right), ("call", "ceil", [args], column), ("sized", node, "KB").
Node = tuple


class _Parser:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.i = 0
        self.depth = 0

    @property
    def token(self) -> _Token:
        return self.tokens[self.i]

    def take(self) -> _Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def at(self, *ops: str) -> bool:
        return self.token.kind == "op" and self.token.text in ops

    def parse(self) -> Node:
        node = self.expression()
        if self.token.kind != "end":
            raise self.unexpected()
        return node

    def unexpected(self) -> CalcError:
        token = self.token
        if token.kind == "end":
            return CalcError("the expression ends too early")
        return CalcError(f"unexpected {token.raw or token.text!r} at column {token.column}")

    def expression(self) -> Node:
        node = self.term()
        while self.at("+", "-"):
            op = self.take().text
            node = ("op", op, node, self.term())
        return node

    def term(self) -> Node:
        node = self.unary()
        while self.at("*", "/", "//", "%"):
            op = self.take().text
            node = ("op", op, node, self.unary())
        return node

    def unary(self) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise CalcError(f"the expression is nested too deeply (at most {MAX_DEPTH} levels)")
        try:
            if self.at("-", "+"):
                op = self.take().text
                return ("neg" if op == "-" else "pos", self.unary())
            return self.power()
        finally:
            self.depth -= 1

    def power(self) -> Node:
        node = self.sized()
        if self.at("**"):
            self.take()
            node = ("op", "**", node, self.unary())
        return node

    def sized(self) -> Node:
        node = self.atom()
        token = self.token
        if token.kind == "name" and token.text.lower() in _UNIT_NAMES:
            self.take()
            node = ("sized", node, _UNIT_NAMES[token.text.lower()])
        return node

    def atom(self) -> Node:
        token = self.token
        if token.kind == "num":
            self.take()
            return ("num", token.value)
        if self.at("("):
            self.take()
            node = self.expression()
            if not self.at(")"):
                raise self.unexpected() if self.token.kind != "end" else CalcError("a '(' is never closed")
            self.take()
            return node
        if token.kind == "name":
            self.take()
            key = token.text.lower()
            if key in _UNIT_NAMES:
                return ("unit", _UNIT_NAMES[key])
            if key in _FUNCTION_NAMES:
                if not self.at("("):
                    raise CalcError(f"{token.text} needs its arguments in parentheses, e.g. {key}(4.5)")
                self.take()
                args: list[Node] = []
                if not self.at(")"):
                    args.append(self.expression())
                    while self.at(","):
                        self.take()
                        args.append(self.expression())
                if not self.at(")"):
                    raise self.unexpected() if self.token.kind != "end" else CalcError("a '(' is never closed")
                self.take()
                return ("call", _FUNCTION_NAMES[key], args, token.column)
            what = "function" if self.at("(") else "name"
            raise CalcError(
                f"unknown {what} {token.text!r} (functions: {', '.join(FUNCTIONS)}; units: {', '.join(UNITS)})"
            )
        raise self.unexpected()


# ------------------------------------------------------------------ evaluation


@dataclass(frozen=True, slots=True)
class _Quantity:
    mag: Number  # plain value, or the size in bytes
    size: bool = False


def _check(value: Number) -> Number:
    if isinstance(value, float) and not math.isfinite(value) or abs(value) > MAX_MAGNITUDE:
        raise CalcError("the result is too large (the limit is 10^100)")
    return value


def _plain(q: _Quantity, what: str) -> Number:
    if q.size:
        raise CalcError(f"{what} takes a plain number, not a size (divide by a unit first, e.g. 6 KB / 1 KB)")
    return q.mag


def _eval(node: Node) -> _Quantity:
    kind = node[0]
    if kind == "num":
        return _Quantity(node[1])
    if kind == "unit":
        return _Quantity(Fraction(UNITS[node[1]]), True)
    if kind == "sized":
        inner = _eval(node[1])
        if inner.size:
            raise CalcError(f"this already is a size; it cannot take another unit ({node[2]})")
        return _Quantity(_check(inner.mag * UNITS[node[2]]), True)
    if kind == "neg":
        inner = _eval(node[1])
        return _Quantity(-inner.mag, inner.size)
    if kind == "pos":
        return _eval(node[1])
    if kind == "op":
        return _binary(node[1], _eval(node[2]), _eval(node[3]))
    if kind == "call":
        return _call(node[1], [_eval(arg) for arg in node[2]])
    raise AssertionError(f"unknown node {kind}")  # pragma: no cover


def _binary(op: str, a: _Quantity, b: _Quantity) -> _Quantity:
    if op in ("+", "-"):
        if a.size != b.size:
            verb = "add" if op == "+" else "subtract"
            raise CalcError(f"cannot {verb} a size and a plain number (give both a unit, e.g. 4 KB + 1 KB)")
        return _Quantity(_check(a.mag + b.mag if op == "+" else a.mag - b.mag), a.size)
    if op == "*":
        if a.size and b.size:
            raise CalcError("cannot multiply two sizes (a size times a number is a size)")
        return _Quantity(_check(a.mag * b.mag), a.size or b.size)
    if op in ("/", "//", "%"):
        if b.size and not a.size:
            raise CalcError("cannot divide a plain number by a size")
        if op == "%" and a.size != b.size:
            raise CalcError("% takes two sizes or two plain numbers")
        if b.mag == 0:
            raise CalcError("division by zero")
        size = a.size and not b.size if op != "%" else a.size
        if op == "/":
            return _Quantity(_check(a.mag / b.mag), size)
        if op == "//":
            return _Quantity(Fraction(math.floor(_check(a.mag / b.mag))), size)
        return _Quantity(_check(a.mag % b.mag), size)
    if op == "**":
        if a.size or b.size:
            raise CalcError("cannot raise a size to a power, or use a size as a power")
        return _Quantity(_power(a.mag, b.mag))
    raise AssertionError(f"unknown operator {op}")  # pragma: no cover


def _log10(value: Number) -> float:
    """log10 of ``|value|`` (not 0), also for fractions too big for a float."""
    if isinstance(value, Fraction):
        return math.log10(abs(value.numerator)) - math.log10(value.denominator)
    return math.log10(abs(value))


def _power(base: Number, exponent: Number) -> Number:
    if base == 0:
        if exponent < 0:
            raise CalcError("division by zero (0 to a negative power)")
        return Fraction(1) if exponent == 0 else Fraction(0)
    whole = isinstance(exponent, Fraction) and exponent.denominator == 1
    if not whole and base < 0:
        raise CalcError("a negative number to a fractional power is not a real number")
    if abs(base) == 1 and whole:
        return Fraction(base) ** int(exponent)
    estimate = float(exponent) * _log10(base)  # log10 of the result's size
    if estimate > _MAX_LOG10 + 1e-9:
        raise CalcError("the result is too large (the limit is 10^100)")
    if estimate < -300:
        raise CalcError("the result is too small (the limit is 10^-300)")
    if whole and isinstance(base, Fraction):
        bits = abs(int(exponent)) * max(base.numerator.bit_length(), base.denominator.bit_length())
        if bits <= _MAX_EXACT_BITS:
            return _check(base ** int(exponent))
    low = float(base)
    exact_base = isinstance(base, float) or Fraction(low) == base
    if not exact_base and abs(float(exponent)) >= _FLOAT_EXPONENT_LIMIT:
        # A float is off by 1 part in 10^16; raised to this power the error swamps the answer.
        raise CalcError("this power cannot be worked out exactly (the exponent is too large for this base)")
    return _check(low ** float(exponent))


def _call(name: str, args: list[_Quantity]) -> _Quantity:
    if name in ("min", "max"):
        if not args:
            raise CalcError(f"{name}() needs at least one value")
        if len({q.size for q in args}) > 1:
            raise CalcError(f"{name}() cannot compare sizes with plain numbers")
        pick = min if name == "min" else max
        return _Quantity(pick(q.mag for q in args), args[0].size)
    if name in ("ceil", "floor"):
        if len(args) != 1:
            raise CalcError(f"{name}() takes exactly one value")
        value = _plain(args[0], f"{name}()")
        return _Quantity(Fraction(math.ceil(value) if name == "ceil" else math.floor(value)))
    # round(x) or round(x, digits)
    if len(args) not in (1, 2):
        raise CalcError("round() takes a value and, optionally, a number of digits")
    value = Fraction(_plain(args[0], "round()"))
    digits = 0
    if len(args) == 2:
        d = _plain(args[1], "round()")
        if d != int(d) or abs(d) > _MAX_ROUND_DIGITS:
            raise CalcError(f"round()'s digits must be a whole number from -{_MAX_ROUND_DIGITS} to {_MAX_ROUND_DIGITS}")
        digits = int(d)
    scale = Fraction(10) ** digits
    rounded = math.floor(abs(value) * scale + Fraction(1, 2)) / scale
    return _Quantity(_check(rounded if value >= 0 else -rounded))


# ------------------------------------------------------------------ result


def _finish(q: _Quantity) -> CalcResult:
    if q.mag != 0 and abs(q.mag) < MIN_MAGNITUDE:
        raise CalcError("the result is too small (the limit is 10^-300)")
    unit: str | None = None
    amount: Number = q.mag
    if q.size:
        unit = "B"
        for name, factor in UNITS.items():
            if abs(q.mag) >= factor:
                unit = name
        amount = q.mag / UNITS[unit]
    value = simplest(amount)
    text = format_number(value)  # no "," between thousands: a result can be typed back in
    return CalcResult(value, unit, f"{text} {unit}" if unit else text)
