"""The capacity calculations the exam expects you to work out by hand.

Each is a pure function returning a :class:`Result`: the value, its unit, the
worked steps written the way the notes write them (ASCII ``*`` and ``/``, so they
show on any terminal: ``"(16 / 2) * (12 / 4) = 24 RCU"``) and any warnings.
Invalid input (a negative, NaN or infinite number, zero where zero means nothing,
something absurdly large, a size beyond a hard AWS limit, an unknown choice)
raises :class:`FormulaError` with a one-line message.

Arithmetic is exact (fractions), so roundings never suffer from binary floating
point: ``4.5 KB`` rounds up to 5 KB, ``120 / 60 * 2`` is exactly 4. How each one is
offered to the calculator panel, the command line and the quiz is
:mod:`lessons.formulas`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from lessons.numerals import format_step, simplest

__all__ = [
    "BATCH_MAX_KB",
    "ITEM_MAX_KB",
    "LAMBDA_CONCURRENCY_LIMIT",
    "LAMBDA_TIMEOUT_MS",
    "MAX_INPUT",
    "FormulaError",
    "Result",
    "batch_get_calls",
    "batch_write_calls",
    "choice_of",
    "kinesis_shards",
    "lambda_concurrency",
    "partitions",
    "rcu",
    "s3_prefixes",
    "stream_concurrency",
    "wcu",
    "xray_traces",
]

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


def choice_of(value: object, label: str, choices: tuple[str, ...]) -> str:
    """``value`` as one of ``choices`` (case and outer spaces ignored)."""
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


def _size_units(size: Fraction, block: int, steps: list[str]) -> int:
    """How many units of ``block`` KB an item of ``size`` KB takes (rounded up), and a step saying so."""
    units = math.ceil(size / block)
    kb = units * block
    if kb != size:
        to = "the next KB" if block == 1 else f"the next multiple of {block} KB"
        steps.append(f"Item size: {format_step(size)} KB rounds up to {to}: {kb} KB")
    else:
        steps.append(f"Item size: {kb} KB = {_plural(units, 'unit', 'units')} of {block} KB")
    return units


def _rounded_result(raw: Fraction, expression: str, unit: str, steps: list[str]) -> Result:
    """The last step, ``expression`` worked out and rounded up to whole ``unit``s, and the result."""
    value, total = _rounded_up(raw, unit)
    steps.append(f"{expression} {total}")
    return Result(value, unit, steps)


def _per_second(count: Fraction, per: str, what: str, steps: list[str]) -> tuple[Fraction, str]:
    """A rate per second and how a step writes it: a per-minute rate is divided by 60
    (and a step says so)."""
    shown = format_step(count)
    if per != "minute":
        return count, shown
    rate = count / 60
    steps.append(f"Rate: {shown} {what} per minute / 60 = {format_step(rate)} {what} per second")
    return rate, f"{shown} / 60"


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
    per = choice_of(per, "per", ("second", "minute"))
    consistency = choice_of(consistency, "consistency", ("strong", "eventual", "transactional"))

    steps: list[str] = []
    units = _size_units(size, 4, steps)
    kb = units * 4
    rate, shown = _per_second(count, per, "reads", steps)
    if consistency == "strong":
        steps.append("Strongly consistent: 1 RCU = 1 read per second of up to 4 KB")
        raw, expression = rate * units, f"{shown} * {kb} KB / 4 KB"
    elif consistency == "eventual":
        steps.append("Eventually consistent: 1 RCU = 2 reads per second of up to 4 KB, so halve the reads")
        raw, expression = rate / 2 * units, f"({shown} / 2) * ({kb} / 4)"
    else:
        steps.append("Transactional: 2x the RCU of strongly consistent reads")
        raw, expression = 2 * rate * units, f"2 * ({shown} * {kb} KB / 4 KB)"
    return _rounded_result(raw, expression, "RCU", steps)


def wcu(item_kb: float, writes: float, per: str = "second", transactional: bool = False) -> Result:
    """DynamoDB write capacity units (notes lines 1011-1016; transactional 2x, line 1101).

    The item size rounds up to the next 1 KB; a per-minute rate is divided by
    60; one WCU serves one write per second of up to 1 KB; a transactional write
    costs twice a standard one. The total rounds up to a whole unit.
    """
    size = _item_kb(item_kb)
    count = _number(writes, "writes")
    per = choice_of(per, "per", ("second", "minute"))
    transactional = _flag(transactional, "transactional")

    steps: list[str] = []
    units = _size_units(size, 1, steps)
    rate, shown = _per_second(count, per, "writes", steps)
    if transactional:
        steps.append("Transactional: 2x the WCU of standard writes")
        raw, expression = 2 * rate * units, f"2 * ({shown} * {units})"
    else:
        steps.append("Standard writes: 1 WCU = 1 write per second of up to 1 KB")
        raw, expression = rate * units, f"{shown} * {units}"
    return _rounded_result(raw, expression, "WCU", steps)


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
