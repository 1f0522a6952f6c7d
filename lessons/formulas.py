"""The course's formulas as the calculator panel, ``awstutor calc`` and the quiz see them.

:data:`FORMULAS` describes every calculation of :mod:`lessons.capacity`
(command-line name, title, parameters with label, type, default, choices, help and
realistic sample values, the function, the unit and the course entry it belongs
to), so the calculator panel can build its forms and the quiz can ask numeric
questions generically::

    formula = FORMULAS["rcu"]
    args = formula.sample(rng)        # {"item_kb": 6, "reads": 10, "per": "second", ...}
    formula.question(args)            # "How many RCU do you need for 10 strongly ..."
    formula(**args).value             # 20
    formula(**formula.coerce({"item_kb": "6", "reads": "10"}))  # text from a form

A formula returns a :class:`~lessons.capacity.Result` and refuses bad input with a
:class:`~lessons.capacity.FormulaError` (both importable from here too).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from lessons.capacity import (
    MAX_INPUT,
    FormulaError,
    Result,
    batch_get_calls,
    batch_write_calls,
    choice_of,
    kinesis_shards,
    lambda_concurrency,
    partitions,
    rcu,
    s3_prefixes,
    stream_concurrency,
    wcu,
    xray_traces,
)
from lessons.numerals import format_step, simplest

if TYPE_CHECKING:
    import random

__all__ = ["FORMULAS", "Formula", "FormulaError", "Param", "Result", "find"]

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
            return choice_of(text, self.label, self.choices) if self.choices else text
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
