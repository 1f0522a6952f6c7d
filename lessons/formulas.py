"""The course's formulas: the capacity numbers the exam expects you to work out by hand.

Each formula is a pure function returning a :class:`Result`: the value, its
unit, the worked steps written the way the notes write them (ASCII ``*`` and
``/``, so they show on any terminal: ``"(16 / 2) * (12 / 4) = 24 RCU"``) and any
warnings. Invalid input (a negative, NaN or infinite number, zero where zero
means nothing, something absurdly large, a size beyond a hard AWS limit, an
unknown choice) raises :class:`FormulaError` with a one-line message.

:data:`FORMULAS` describes every formula (command-line name, title, parameters
with label, type, default, choices, help and realistic sample values, the
function, the unit and the course entry it belongs to), so the calculator panel
can build its forms and the quiz can ask numeric questions generically::

    formula = FORMULAS["rcu"]
    args = formula.sample(rng)        # {"item_kb": 6, "reads": 10, "per": "second", ...}
    formula.question(args)            # "How many RCU do you need for 10 strongly ..."
    formula(**args).value             # 20
    formula(**formula.coerce({"item_kb": "6", "reads": "10"}))  # text from a form

Arithmetic is exact (fractions), so roundings never suffer from binary
floating point: ``4.5 KB`` rounds up to 5 KB, ``120 / 60 * 2`` is exactly 4.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from lessons.numerals import format_step, simplest

if TYPE_CHECKING:
    import random

#: The largest number any formula accepts: far beyond any real table, stream or
#: bucket, small enough that every step stays readable.
MAX_INPUT = 10**12

ITEM_MAX_KB = 400  # DynamoDB item size limit (notes line 998; again for batches, line 1052)
LAMBDA_TIMEOUT_MS = 900_000  # maximum execution time, 900 seconds (notes line 973)
LAMBDA_CONCURRENCY_LIMIT = 1000  # default concurrent executions per account and region (notes lines 942, 976)
BATCH_MAX_KB = 16 * 1024  # BatchWriteItem and BatchGetItem: up to 16 MB per call (notes lines 1051, 1061)


class FormulaError(ValueError):
    """Input a formula cannot work with; the message is one user-facing line."""


@dataclass(frozen=True, slots=True)
class Result:
    """A formula's answer: ``value`` in ``unit``, the worked ``steps`` (the last one is the
    calculation itself) and ``warnings`` (a soft limit exceeded, say)."""

    value: int | float
    unit: str
    steps: list[str]
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of ``awstutor calc --json``: warnings only when there are any."""
        data: dict[str, Any] = {"result": self.value, "unit": self.unit, "steps": list(self.steps)}
        if self.warnings:
            data["warnings"] = list(self.warnings)
        return data

    @property
    def text(self) -> str:
        """The value with its unit: ``"24 RCU"``."""
        return f"{format_step(Fraction(str(self.value)))} {_unit(self.value, self.unit)}"


# ------------------------------------------------------------------ input checks


def _fraction(value: object, label: str) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | float | Fraction | Decimal):
        raise FormulaError(f"{label} must be a number, not {value!r}")
    if isinstance(value, float):
        if math.isnan(value):
            raise FormulaError(f"{label} must be a number, not NaN")
        if math.isinf(value):
            raise FormulaError(f"{label} must be a finite number")
        return Fraction(repr(value))  # the decimal the user wrote: 4.1, not 4.0999999999999996447...
    if isinstance(value, Decimal):
        if value.is_nan():
            raise FormulaError(f"{label} must be a number, not NaN")
        if value.is_infinite():
            raise FormulaError(f"{label} must be a finite number")
        if abs(value.adjusted()) > 100:
            raise FormulaError(f"{label} is out of range (got {value:.3g})")
    return Fraction(value)


def _number(
    value: object,
    label: str,
    *,
    positive: bool = False,
    whole: bool = False,
    at_most: int = MAX_INPUT,
) -> Fraction:
    """``value`` as an exact fraction, checked: not negative (not zero if ``positive``), at most ``at_most``."""
    x = _fraction(value, label)
    got = f" (got {format_step(x)})" if abs(x) <= MAX_INPUT else ""
    if x < 0:
        raise FormulaError(f"{label} cannot be negative{got}")
    if positive and x == 0:
        raise FormulaError(f"{label} must be more than 0")
    if x > at_most:
        raise FormulaError(f"{label} is too large (at most {at_most:,})")
    if whole and x.denominator != 1:
        raise FormulaError(f"{label} must be a whole number{got}")
    return x


def _choice(value: object, label: str, choices: tuple[str, ...]) -> str:
    text = value.strip().lower() if isinstance(value, str) else None
    if text not in choices:
        raise FormulaError(f"{label} must be one of {', '.join(choices)} (got {value!r})")
    return text


def _flag(value: object, label: str) -> bool:
    if not isinstance(value, bool):
        raise FormulaError(f"{label} must be true or false (got {value!r})")
    return value


def _item_kb(value: object) -> Fraction:
    size = _number(value, "item size (KB)", positive=True)
    if size > ITEM_MAX_KB:
        raise FormulaError(f"a DynamoDB item is at most {ITEM_MAX_KB} KB (got {format_step(size)} KB)")
    return size


# ------------------------------------------------------------------ step text


def _rounded_up(raw: Fraction, unit: str) -> tuple[int, str]:
    """The whole number at or above ``raw`` and the end of a step: ``"= 24 RCU"`` or ``"= 7.5, rounded up to 8 RCU"``."""
    value = math.ceil(raw)
    unit = _unit(value, unit)
    if raw == value:
        return value, f"= {value} {unit}"
    return value, f"= {format_step(raw)}, rounded up to {value} {unit}"


def _ceiling(expression: str, quotient: Fraction) -> tuple[int, str]:
    """``CEILING(2500 / 1000) = CEILING(2.5) = 3`` as (value, text)."""
    value = math.ceil(quotient)
    if quotient == value:
        return value, f"CEILING({expression}) = {value}"
    return value, f"CEILING({expression}) = CEILING({format_step(quotient)}) = {value}"


_SINGULAR = {
    "calls": "call",
    "shards": "shard",
    "partitions": "partition",
    "prefixes": "prefix",
    "concurrent executions": "concurrent execution",
}


def _unit(value: float, unit: str) -> str:
    """``unit`` as it reads after ``value``: "1 shard", "2 shards"."""
    return _SINGULAR.get(unit, unit) if value == 1 else unit


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


# ------------------------------------------------------------------ DynamoDB


def rcu(item_kb: float, reads: float, per: str = "second", consistency: str = "strong") -> Result:
    """DynamoDB read capacity units (notes lines 1021-1026; transactional 2x, line 1101).

    The item size rounds up to the next 4 KB; a per-minute rate is divided by
    60; one RCU serves one strongly consistent read, or two eventually
    consistent reads, per second of up to 4 KB; a transactional read costs twice
    a strongly consistent one. The total rounds up to a whole unit.
    """
    size = _item_kb(item_kb)
    count = _number(reads, "reads")
    per = _choice(per, "per", ("second", "minute"))
    consistency = _choice(consistency, "consistency", ("strong", "eventual", "transactional"))

    units = math.ceil(size / 4)
    kb = units * 4
    steps = []
    if kb != size:
        steps.append(f"Item size: {format_step(size)} KB rounds up to the next multiple of 4 KB: {kb} KB")
    else:
        steps.append(f"Item size: {kb} KB = {_plural(units, 'unit', 'units')} of 4 KB")
    rate = count
    shown = format_step(count)
    if per == "minute":
        rate = count / 60
        steps.append(f"Rate: {shown} reads per minute / 60 = {format_step(rate)} reads per second")
        shown = f"{shown} / 60"
    if consistency == "strong":
        steps.append("Strongly consistent: 1 RCU = 1 read per second of up to 4 KB")
        raw, expression = rate * units, f"{shown} * {kb} KB / 4 KB"
    elif consistency == "eventual":
        steps.append("Eventually consistent: 1 RCU = 2 reads per second of up to 4 KB, so halve the reads")
        raw, expression = rate / 2 * units, f"({shown} / 2) * ({kb} / 4)"
    else:
        steps.append("Transactional: 2x the RCU of strongly consistent reads")
        raw, expression = 2 * rate * units, f"2 * ({shown} * {kb} KB / 4 KB)"
    value, total = _rounded_up(raw, "RCU")
    steps.append(f"{expression} {total}")
    return Result(value, "RCU", steps)


def wcu(item_kb: float, writes: float, per: str = "second", transactional: bool = False) -> Result:
    """DynamoDB write capacity units (notes lines 1011-1016; transactional 2x, line 1101).

    The item size rounds up to the next 1 KB; a per-minute rate is divided by
    60; one WCU serves one write per second of up to 1 KB; a transactional write
    costs twice a standard one. The total rounds up to a whole unit.
    """
    size = _item_kb(item_kb)
    count = _number(writes, "writes")
    per = _choice(per, "per", ("second", "minute"))
    transactional = _flag(transactional, "transactional")

    units = math.ceil(size)
    steps = []
    if units != size:
        steps.append(f"Item size: {format_step(size)} KB rounds up to the next KB: {units} KB")
    else:
        steps.append(f"Item size: {units} KB = {_plural(units, 'unit', 'units')} of 1 KB")
    rate = count
    shown = format_step(count)
    if per == "minute":
        rate = count / 60
        steps.append(f"Rate: {shown} writes per minute / 60 = {format_step(rate)} writes per second")
        shown = f"{shown} / 60"
    if transactional:
        steps.append("Transactional: 2x the WCU of standard writes")
        raw, expression = 2 * rate * units, f"2 * ({shown} * {units})"
    else:
        steps.append("Standard writes: 1 WCU = 1 write per second of up to 1 KB")
        raw, expression = rate * units, f"{shown} * {units}"
    value, total = _rounded_up(raw, "WCU")
    steps.append(f"{expression} {total}")
    return Result(value, "WCU", steps)


def partitions(rcu: float, wcu: float, size_gb: float) -> Result:
    """DynamoDB partitions (notes lines 1029-1030): ``CEILING(MAX(RCU / 3000 + WCU / 1000, size / 10 GB))``, at least 1."""
    reads = _number(rcu, "RCU")
    writes = _number(wcu, "WCU")
    size = _number(size_gb, "table size (GB)")
    capacity = reads / 3000 + writes / 1000
    by_size = size / 10
    raw = max(capacity, by_size)
    value = max(1, math.ceil(raw))
    steps = [
        f"By capacity: ({format_step(reads)} / 3000) + ({format_step(writes)} / 1000) = {format_step(capacity)}",
        f"By size: {format_step(size)} GB / 10 GB = {format_step(by_size)}",
    ]
    total = f"Total partitions = CEILING(MAX({format_step(capacity)}, {format_step(by_size)})) = {math.ceil(raw)}"
    if math.ceil(raw) < 1:
        total += ", but a table has at least 1 partition"
    steps.append(total)
    return Result(value, "partitions", steps)


def batch_write_calls(items: int, item_kb: float = 1) -> Result:
    """BatchWriteItem calls needed (notes lines 1050-1052): up to 25 items and 16 MB per call."""
    return _batch("BatchWriteItem", 25, items, item_kb)


def batch_get_calls(items: int, item_kb: float = 1) -> Result:
    """BatchGetItem calls needed (notes line 1061): up to 100 items and 16 MB per call."""
    return _batch("BatchGetItem", 100, items, item_kb)


def _batch(api: str, limit: int, items: object, item_kb: object) -> Result:
    count = _number(items, "items", whole=True)
    size = _item_kb(item_kb)
    by_size = math.floor(BATCH_MAX_KB / size)
    per_call = min(limit, by_size)
    steps = [
        f"{api}: up to {limit} items and up to 16 MB per call",
        f"By size: FLOOR(16 MB / {format_step(size)} KB) = FLOOR({BATCH_MAX_KB} KB / {format_step(size)} KB) = {by_size} items",
        f"Items per call = MIN({limit}, {by_size}) = {per_call}",
    ]
    value, text = _ceiling(f"{format_step(count)} / {per_call}", count / per_call)
    steps.append(f"Calls = {text} {_unit(value, 'calls')}")
    return Result(value, "calls", steps)


# ------------------------------------------------------------------ other services


def kinesis_shards(in_mb: float, in_records: float, out_mb: float) -> Result:
    """Kinesis Data Streams shards (added: the notes' Kinesis passage is illegible, line 833).

    Per shard: 1 MB/s or 1,000 records/s in, 2 MB/s out; the stream needs
    enough shards for each of the three, and at least one.
    """
    volume = _number(in_mb, "incoming MB/s")
    records = _number(in_records, "incoming records/s")
    reads = _number(out_mb, "outgoing MB/s")
    a, by_volume = _ceiling(f"{format_step(volume)} MB/s / 1 MB/s", volume)
    b, by_records = _ceiling(f"{format_step(records)} records/s / 1000 records/s", records / 1000)
    c, by_reads = _ceiling(f"{format_step(reads)} MB/s / 2 MB/s", reads / 2)
    value = max(1, a, b, c)
    total = f"Shards = MAX({a}, {b}, {c}) = {_plural(max(a, b, c), 'shard', 'shards')}"
    if max(a, b, c) < 1:
        total += "; a stream has at least 1 shard"
    steps = [
        "Each shard takes 1 MB/s or 1000 records/s in, and serves 2 MB/s out",
        f"Writes by volume: {by_volume}",
        f"Writes by records: {by_records}",
        f"Reads: {by_reads}",
        total,
    ]
    return Result(value, "shards", steps)


def s3_prefixes(gets: float, puts: float) -> Result:
    """S3 prefixes needed (notes line 294): 5,500 GET/HEAD and 3,500 PUT/COPY/POST/DELETE per second per prefix."""
    g = _number(gets, "GET/HEAD requests per second")
    p = _number(puts, "PUT/COPY/POST/DELETE requests per second")
    a, by_gets = _ceiling(f"{format_step(g)} / 5500", g / 5500)
    b, by_puts = _ceiling(f"{format_step(p)} / 3500", p / 3500)
    value = max(1, a, b)
    total = f"Prefixes = MAX({a}, {b}) = {_plural(max(a, b), 'prefix', 'prefixes')}"
    if max(a, b) < 1:
        total += "; every key has at least 1 prefix"
    steps = [
        "Each prefix serves at least 5500 GET/HEAD and 3500 PUT/COPY/POST/DELETE requests per second",
        f"GET/HEAD: {by_gets}",
        f"PUT/COPY/POST/DELETE: {by_puts}",
        total,
    ]
    return Result(value, "prefixes", steps)


def xray_traces(rps: float) -> Result:
    """Traces per second X-Ray records with the default rule (notes lines 705-707).

    The first request each second (the reservoir) plus 5% of the additional
    requests (the rate): ``MIN(rps, 1) + 0.05 * MAX(rps - 1, 0)``.
    """
    rate = _number(rps, "requests per second")
    reservoir = min(rate, Fraction(1))
    extra = max(rate - 1, Fraction(0))
    sampled = extra / 20
    total = reservoir + sampled
    steps = [
        f"Reservoir, the first request each second: MIN({format_step(rate)}, 1) = {format_step(reservoir)}",
        f"Rate, 5% of the additional requests: 0.05 * MAX({format_step(rate)} - 1, 0) = {format_step(sampled)}",
        f"Traces = {format_step(reservoir)} + {format_step(sampled)} = {format_step(total)} traces per second",
    ]
    return Result(simplest(total), "traces/s", steps)


def lambda_concurrency(rps: float, duration_ms: float) -> Result:
    """Concurrent Lambda executions (notes lines 947-948; limit 1,000, lines 942 and 976).

    Concurrency = requests per second * duration in seconds, rounded up; a
    warning above the default account limit of 1,000. The duration is at most
    the 900-second timeout (line 973).
    """
    rate = _number(rps, "requests per second")
    duration = _number(duration_ms, "duration (ms)", positive=True, at_most=LAMBDA_TIMEOUT_MS)
    value, total = _rounded_up(rate * duration / 1000, "concurrent executions")
    steps = [
        "Concurrency = requests per second * duration in seconds",
        f"{format_step(rate)} * {format_step(duration)} ms / 1000 {total}",
    ]
    return Result(value, "concurrent executions", steps, _over_limit(value))


def stream_concurrency(shards: int, parallelization: int = 1) -> Result:
    """Concurrent Lambda invocations reading a Kinesis or DynamoDB stream (notes lines 889-890).

    One invocation per shard at a time; with a parallelization factor, up to 10
    batches per shard at once: ``shards * parallelization``.
    """
    count = _number(shards, "shards", positive=True, whole=True)
    factor = _number(parallelization, "parallelization factor", positive=True, whole=True, at_most=10)
    value = int(count * factor)
    steps = [
        "One Lambda invocation per shard at a time; a parallelization factor (1 to 10) processes that many batches per shard at once",
        f"{format_step(count)} * {format_step(factor)} = {value} {_unit(value, 'concurrent executions')}",
    ]
    return Result(value, "concurrent executions", steps, _over_limit(value))


def _over_limit(value: int) -> list[str]:
    if value <= LAMBDA_CONCURRENCY_LIMIT:
        return []
    return [
        f"{value} concurrent executions is above the default limit of {LAMBDA_CONCURRENCY_LIMIT} per account "
        "and region: ask AWS for an increase, or expect throttling"
    ]


# ------------------------------------------------------------------ registry

_DECIMAL = re.compile(r"[+-]?(?:[0-9]{1,30}(?:\.[0-9]{0,30})?|\.[0-9]{1,30})(?:[eE][+-]?[0-9]{1,3})?")
_TRUE = ("true", "yes", "on", "1", "y")
_FALSE = ("false", "no", "off", "0", "n", "")


@dataclass(frozen=True, slots=True)
class Param:
    """One input of a formula, as a form or the command line asks for it."""

    name: str  # keyword argument of the function: "item_kb"
    label: str  # form label: "Item size (KB)"
    type: type  # float, int, str or bool
    default: Any = None  # None: required
    choices: tuple[str, ...] = ()  # for type str
    help: str = ""
    samples: tuple[Any, ...] = ()  # realistic values for generated questions

    @property
    def required(self) -> bool:
        return self.default is None

    @property
    def option(self) -> str:
        """The command-line option: ``--item-kb``."""
        return "--" + self.name.replace("_", "-")

    def parse(self, raw: object) -> Any:
        """Text typed into a form or on the command line as this parameter's type.

        Range checks are the function's job; this only reads the text. Numbers
        may be written with thousands separators (``1,000`` or ``1_000``).
        """
        if not isinstance(raw, str):
            return raw
        text = raw.strip()
        if self.type is bool:
            if text.lower() in _TRUE:
                return True
            if text.lower() in _FALSE:
                return False
            raise FormulaError(f"{self.label} must be yes or no (got {raw!r})")
        if self.type is str:
            return _choice(text, self.label, self.choices) if self.choices else text
        plain = text.replace(",", "").replace("_", "")
        if not _DECIMAL.fullmatch(plain):
            if plain.lower().lstrip("+-") in ("nan", "inf", "infinity"):
                raise FormulaError(f"{self.label} must be a finite number (got {raw!r})")
            raise FormulaError(f"{self.label} must be a number (got {raw!r})")
        number = Fraction(plain)
        if self.type is int and number.denominator != 1:
            raise FormulaError(f"{self.label} must be a whole number (got {raw!r})")
        if abs(number) > MAX_INPUT:
            raise FormulaError(f"{self.label} is too large (at most {MAX_INPUT:,}; got {raw.strip()})")
        return simplest(number)


@dataclass(frozen=True, slots=True)
class Formula:
    """A formula as the calculator panel, the quiz and ``awstutor calc`` see it."""

    name: str  # command-line name: "kinesis-shards"
    title: str
    summary: str  # the rule in one line
    function: Callable[..., Result]
    params: tuple[Param, ...]
    unit: str
    entry: str  # full id of the course entry: "dynamodb/rcu"
    lines: tuple[int, ...]  # notes lines the formula rests on (empty when added)
    ask: Callable[[Mapping[str, Any]], str]  # question text for given arguments
    added: bool = False  # not in the original notes

    def __call__(self, **kwargs: Any) -> Result:
        unknown = sorted(set(kwargs) - {p.name for p in self.params})
        if unknown:
            raise FormulaError(f"{self.name} has no parameter {unknown[0]!r}")
        missing = [p.label for p in self.params if p.required and p.name not in kwargs]
        if missing:
            raise FormulaError(f"{self.name} needs {missing[0]}")
        return self.function(**kwargs)

    def param(self, name: str) -> Param:
        return next(p for p in self.params if p.name == name)

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params if not p.required}

    def coerce(self, raw: Mapping[str, object]) -> dict[str, Any]:
        """Keyword arguments from text (a form's fields, options): parsed, defaults filled in.

        An empty or missing field takes the default; a missing required one is
        a :class:`FormulaError`, as is an unknown name.
        """
        unknown = sorted(set(raw) - {p.name for p in self.params})
        if unknown:
            raise FormulaError(f"{self.name} has no parameter {unknown[0]!r}")
        args: dict[str, Any] = {}
        for p in self.params:
            value = raw.get(p.name)
            if value is None or (isinstance(value, str) and not value.strip() and p.type is not bool):
                if p.required:
                    raise FormulaError(f"{p.label} is required")
                args[p.name] = p.default
            else:
                args[p.name] = p.parse(value)
        return args

    def sample(self, rng: random.Random | None = None) -> dict[str, Any]:
        """Realistic random arguments (each parameter drawn from its ``samples``)."""
        if rng is None:
            import random

            rng = random.Random()
        return {p.name: rng.choice(p.samples) for p in self.params}

    def question(self, args: Mapping[str, Any]) -> str:
        """The question these arguments ask, in the notes' words: "How many WCU ...?"."""
        return self.ask({**self.defaults(), **args})


def _q(value: Any) -> str:
    """A number as a question shows it: 4.5, 1000."""
    return format_step(Fraction(str(value))) if not isinstance(value, Fraction) else format_step(value)


def _ask_rcu(a: Mapping[str, Any]) -> str:
    mode = {"strong": "strongly consistent", "eventual": "eventually consistent", "transactional": "transactional"}
    return (
        f"How many RCU do you need for {_q(a['reads'])} {mode[a['consistency']]} reads per {a['per']} "
        f"of {_q(a['item_kb'])} KB each?"
    )


def _ask_wcu(a: Mapping[str, Any]) -> str:
    kind = " in transactions" if a["transactional"] else ""
    return f"We write {_q(a['writes'])} objects per {a['per']} of {_q(a['item_kb'])} KB each{kind}. How many WCU do we need?"


_PER = ("second", "minute")
_RATES = (5, 10, 16, 20, 25, 30, 40, 50, 60, 80, 100, 120, 150, 200, 300, 600, 1200)

FORMULAS: dict[str, Formula] = {
    f.name: f
    for f in (
        Formula(
            name="rcu",
            title="DynamoDB read capacity units (RCU)",
            summary="reads per second * item size in 4 KB units (rounded up); eventual halves it, transactional doubles it",
            function=rcu,
            params=(
                Param(
                    "item_kb",
                    "Item size (KB)",
                    float,
                    help="size of one item, up to 400 KB",
                    samples=(0.5, 1, 2, 3, 4, 4.5, 5, 6, 7, 8, 10, 12, 16, 20, 24, 32),
                ),
                Param("reads", "Reads", float, help="number of reads per second (or per minute)", samples=_RATES),
                Param("per", "Per", str, "second", _PER, "reads per second or per minute", _PER),
                Param(
                    "consistency",
                    "Consistency",
                    str,
                    "strong",
                    ("strong", "eventual", "transactional"),
                    "strongly consistent, eventually consistent or transactional reads",
                    ("strong", "eventual", "transactional"),
                ),
            ),
            unit="RCU",
            entry="dynamodb/rcu",
            lines=(1021, 1022, 1023, 1024, 1025, 1026, 1101),
            ask=_ask_rcu,
        ),
        Formula(
            name="wcu",
            title="DynamoDB write capacity units (WCU)",
            summary="writes per second * item size in KB (rounded up); transactional doubles it",
            function=wcu,
            params=(
                Param(
                    "item_kb",
                    "Item size (KB)",
                    float,
                    help="size of one item, up to 400 KB",
                    samples=(0.5, 1, 1.5, 2, 2.5, 3, 4, 4.5, 5, 6, 8, 10, 12),
                ),
                Param("writes", "Writes", float, help="number of writes per second (or per minute)", samples=_RATES),
                Param("per", "Per", str, "second", _PER, "writes per second or per minute", _PER),
                Param(
                    "transactional",
                    "Transactional",
                    bool,
                    False,
                    help="transactional writes (2x WCU)",
                    samples=(False, True),
                ),
            ),
            unit="WCU",
            entry="dynamodb/wcu",
            lines=(1011, 1012, 1013, 1014, 1015, 1016, 1101),
            ask=_ask_wcu,
        ),
        Formula(
            name="partitions",
            title="DynamoDB partitions",
            summary="CEILING(MAX(RCU / 3000 + WCU / 1000, size / 10 GB)), at least 1",
            function=partitions,
            params=(
                Param(
                    "rcu",
                    "Total RCU",
                    float,
                    help="provisioned read capacity units",
                    samples=(0, 500, 1000, 1500, 3000, 4500, 6000, 9000, 12000),
                ),
                Param(
                    "wcu",
                    "Total WCU",
                    float,
                    help="provisioned write capacity units",
                    samples=(0, 100, 500, 1000, 2000, 3000, 5000),
                ),
                Param(
                    "size_gb",
                    "Table size (GB)",
                    float,
                    help="total size of the table",
                    samples=(1, 5, 10, 25, 40, 50, 100, 250),
                ),
            ),
            unit="partitions",
            entry="dynamodb/partitions",
            lines=(1029, 1030),
            ask=lambda a: (
                f"A DynamoDB table has {_q(a['rcu'])} RCU, {_q(a['wcu'])} WCU and {_q(a['size_gb'])} GB of data. "
                "How many partitions does it have?"
            ),
        ),
        Formula(
            name="batch-write",
            title="DynamoDB BatchWriteItem calls",
            summary="CEILING(items / MIN(25, FLOOR(16 MB / item size)))",
            function=batch_write_calls,
            params=(
                Param(
                    "items",
                    "Items",
                    int,
                    help="number of items to put or delete",
                    samples=(10, 25, 26, 50, 60, 100, 110, 250, 1000),
                ),
                Param(
                    "item_kb",
                    "Item size (KB)",
                    float,
                    1,
                    help="size of one item, up to 400 KB",
                    samples=(1, 2, 4, 10, 100, 400),
                ),
            ),
            unit="calls",
            entry="dynamodb/batchwriteitem",
            lines=(1050, 1051, 1052),
            ask=lambda a: (
                f"How many BatchWriteItem calls does it take to write {_q(a['items'])} items of {_q(a['item_kb'])} KB?"
            ),
        ),
        Formula(
            name="batch-get",
            title="DynamoDB BatchGetItem calls",
            summary="CEILING(items / MIN(100, FLOOR(16 MB / item size)))",
            function=batch_get_calls,
            params=(
                Param("items", "Items", int, help="number of items to read", samples=(50, 100, 101, 250, 500, 1000)),
                Param(
                    "item_kb",
                    "Item size (KB)",
                    float,
                    1,
                    help="size of one item, up to 400 KB",
                    samples=(1, 4, 10, 100, 200, 300, 400),
                ),
            ),
            unit="calls",
            entry="dynamodb/batchgetitem",
            lines=(1061,),
            ask=lambda a: (
                f"How many BatchGetItem calls does it take to read {_q(a['items'])} items of {_q(a['item_kb'])} KB?"
            ),
        ),
        Formula(
            name="kinesis-shards",
            title="Kinesis Data Streams shards",
            summary="MAX(CEILING(MB/s in / 1), CEILING(records/s in / 1000), CEILING(MB/s out / 2)), at least 1",
            function=kinesis_shards,
            params=(
                Param(
                    "in_mb",
                    "Incoming MB/s",
                    float,
                    help="data written to the stream, MB per second",
                    samples=(0.5, 1, 2, 3, 4.5, 5, 8, 10),
                ),
                Param(
                    "in_records",
                    "Incoming records/s",
                    float,
                    help="records written per second",
                    samples=(100, 500, 1000, 2500, 4000, 6000, 10000),
                ),
                Param(
                    "out_mb",
                    "Outgoing MB/s",
                    float,
                    help="data read from the stream, MB per second",
                    samples=(1, 2, 3, 5, 8, 10, 16, 20),
                ),
            ),
            unit="shards",
            entry="messaging/kinesis-shard-capacity",
            lines=(),
            added=True,
            ask=lambda a: (
                f"Producers write {_q(a['in_mb'])} MB/s in {_q(a['in_records'])} records/s to a Kinesis data stream "
                f"and consumers read {_q(a['out_mb'])} MB/s. How many shards does the stream need?"
            ),
        ),
        Formula(
            name="s3-prefixes",
            title="S3 prefixes for a request rate",
            summary="MAX(CEILING(GET/s / 5500), CEILING(PUT/s / 3500)), at least 1",
            function=s3_prefixes,
            params=(
                Param(
                    "gets",
                    "GET/HEAD per second",
                    float,
                    help="GET and HEAD requests per second",
                    samples=(1000, 5000, 5500, 8000, 11000, 12000, 20000, 30000),
                ),
                Param(
                    "puts",
                    "PUT/COPY/POST/DELETE per second",
                    float,
                    help="PUT, COPY, POST and DELETE requests per second",
                    samples=(1000, 3000, 3500, 5000, 7000, 10000, 14000),
                ),
            ),
            unit="prefixes",
            entry="s3-advanced/baseline-performance",
            lines=(294,),
            ask=lambda a: (
                f"An application sends {_q(a['gets'])} GET and {_q(a['puts'])} PUT requests per second to one S3 bucket. "
                "Over how many prefixes must it spread its keys, at least?"
            ),
        ),
        Formula(
            name="xray",
            title="X-Ray traces with the default sampling rule",
            summary="MIN(rps, 1) + 0.05 * MAX(rps - 1, 0) traces per second",
            function=xray_traces,
            params=(
                Param(
                    "rps",
                    "Requests per second",
                    float,
                    help="requests the service serves per second",
                    samples=(1, 2, 10, 21, 50, 101, 200, 1001),
                ),
            ),
            unit="traces/s",
            entry="monitoring/xray-sampling-rules",
            lines=(705, 706, 707),
            ask=lambda a: (
                f"A service serves {_q(a['rps'])} requests per second. With the default sampling rule, "
                "how many traces per second does the X-Ray SDK record?"
            ),
        ),
        Formula(
            name="lambda-concurrency",
            title="Lambda concurrent executions",
            summary="requests per second * duration in seconds, rounded up (default limit 1000)",
            function=lambda_concurrency,
            params=(
                Param(
                    "rps",
                    "Requests per second",
                    float,
                    help="invocations per second",
                    samples=(10, 50, 100, 200, 500, 1000, 2000),
                ),
                Param(
                    "duration_ms",
                    "Duration (ms)",
                    float,
                    help="average duration of one invocation, up to 900000 ms",
                    samples=(100, 200, 250, 500, 1000, 2000, 3000, 5000),
                ),
            ),
            unit="concurrent executions",
            entry="lambda/concurrency",
            lines=(942, 947, 948, 976),
            ask=lambda a: (
                f"A Lambda function is invoked {_q(a['rps'])} times per second and each invocation takes "
                f"{_q(a['duration_ms'])} ms. How many concurrent executions does it need?"
            ),
        ),
        Formula(
            name="stream-concurrency",
            title="Lambda invocations reading a stream",
            summary="shards * parallelization factor (1 to 10)",
            function=stream_concurrency,
            params=(
                Param(
                    "shards",
                    "Shards",
                    int,
                    help="shards of the Kinesis or DynamoDB stream",
                    samples=(1, 2, 3, 4, 5, 10, 20),
                ),
                Param(
                    "parallelization",
                    "Parallelization factor",
                    int,
                    1,
                    help="batches per shard at once, 1 to 10",
                    samples=tuple(range(1, 11)),
                ),
            ),
            unit="concurrent executions",
            entry="lambda/esm-streams",
            lines=(889, 890),
            ask=lambda a: (
                f"A Lambda function reads a stream of {_q(a['shards'])} shards with a parallelization factor of "
                f"{_q(a['parallelization'])}. How many invocations can run at once?"
            ),
        ),
    )
}


def find(name: str) -> Formula | None:
    """A formula by command-line name, forgiving case and ``_`` for ``-`` (``"Kinesis_Shards"``, ``"x-ray"``)."""
    key = name.strip().lower().replace("_", "-")
    return FORMULAS.get({"x-ray": "xray"}.get(key, key))
