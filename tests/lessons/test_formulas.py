"""The course's formulas: the notes' worked examples, their properties, the registry."""

from __future__ import annotations

import inspect
import json
import math
import random
import re
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons.capacity import (
    FormulaError,
    Result,
    batch_get_calls,
    batch_write_calls,
    kinesis_shards,
    lambda_concurrency,
    partitions,
    rcu,
    s3_prefixes,
    stream_concurrency,
    wcu,
    xray_traces,
)
from lessons.formulas import FORMULAS, Formula, find
from lessons.loader import load_course

# ------------------------------------------------------------------ golden: the notes' worked examples

# (notes line, the notes' calculation, formula, arguments, result)
NOTES_EXAMPLES = [
    (1014, "2 * 10 = 20 WCU", wcu, {"item_kb": 2, "writes": 10}, 20),
    (1015, "6 * 5 = 30 WCU", wcu, {"item_kb": 4.5, "writes": 6}, 30),
    (1016, "120 / 60 * 2 = 4 WCU", wcu, {"item_kb": 2, "writes": 120, "per": "minute"}, 4),
    (1024, "10 * 4 KB / 4 KB = 10 RCU", rcu, {"item_kb": 4, "reads": 10}, 10),
    (1025, "(16 / 2) * (12 / 4) = 24 RCU", rcu, {"item_kb": 12, "reads": 16, "consistency": "eventual"}, 24),
    (1026, "10 * 8 KB / 4 = 20 RCU", rcu, {"item_kb": 6, "reads": 10}, 20),
]
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _numbers(text: str) -> list[str]:
    return _NUMBER.findall(text)


@pytest.mark.parametrize(
    ("line", "calculation", "formula", "args", "expected"),
    NOTES_EXAMPLES,
    ids=[f"line-{example[0]}" for example in NOTES_EXAMPLES],
)
def test_the_notes_worked_examples(line, calculation, formula, args, expected) -> None:
    result = formula(**args)
    assert result.value == expected
    assert result.unit == calculation.split()[-1]
    final = result.steps[-1]
    # The same numbers as the notes' calculation (the notes write example 1 as
    # "2 * 10", size first; every other example puts the rate first).
    assert sorted(_numbers(final)) == sorted(_numbers(calculation)), final
    assert final.endswith(f"= {expected} {result.unit}")


@pytest.mark.parametrize(
    "line",
    [1015, 1016, 1024, 1025],
)
def test_the_steps_read_as_the_notes_write_them(line: int) -> None:
    _, calculation, formula, args, _ = next(e for e in NOTES_EXAMPLES if e[0] == line)
    assert formula(**args).steps[-1] == calculation


def test_the_brief_example_step() -> None:
    assert rcu(12, 16, consistency="eventual").steps[-1] == "(16 / 2) * (12 / 4) = 24 RCU"


def test_the_rounding_the_notes_point_out() -> None:
    assert "4.5 KB rounds up to the next KB: 5 KB" in wcu(4.5, 6).steps[0]
    assert "6 KB rounds up to the next multiple of 4 KB: 8 KB" in rcu(6, 10).steps[0]


def test_golden_examples_match_the_notes_text(notes_text: str) -> None:
    lines = notes_text.splitlines()
    for line, calculation, *_ in NOTES_EXAMPLES:
        text = lines[line - 1].replace("\\text{ KB}", " KB").replace("\\text{ RCU}", " RCU").replace("$", "")
        match = re.search(r"We need\s*(.*?(?:WCU|RCU))", text)
        assert match, (line, text)
        assert _numbers(match.group(1)) == _numbers(calculation), (line, match.group(1))


def test_partitions_as_the_notes_put_it() -> None:
    result = partitions(1000, 500, 25)
    assert result.value == 3
    assert result.steps[-1] == "Total partitions = CEILING(MAX(~0.8333, 2.5)) = 3"


# ------------------------------------------------------------------ each formula


def test_transactional_costs_twice() -> None:
    assert rcu(4, 10, consistency="transactional").value == 20
    assert wcu(1, 10, transactional=True).value == 20
    assert "2x" in wcu(1, 10, transactional=True).steps[-2]


def test_totals_round_up_to_a_whole_unit() -> None:
    result = rcu(6, 15, per="minute", consistency="eventual")  # 15 / 60 / 2 * 2 = 0.25
    assert result.value == 1
    assert result.steps[-1] == "(15 / 60 / 2) * (8 / 4) = 0.25, rounded up to 1 RCU"
    assert wcu(2, 100, per="minute").steps[-1] == "100 / 60 * 2 = ~3.333, rounded up to 4 WCU"


def test_exact_decimals() -> None:
    # Inputs are read as the decimals they were written as, and the arithmetic
    # is exact: in binary floating point 1.1 * 100 is 110.00000000000001.
    assert wcu(100, 1.1).value == 110  # 1.1 writes/s of 100 KB; a float product would round up to 111
    assert lambda_concurrency(0.07, 100_000).value == 7
    assert wcu(4.1, 1).value == 5
    assert rcu(4, 120, per="minute").value == 2
    assert rcu(4, 90, per="minute").steps[1] == "Rate: 90 reads per minute / 60 = 1.5 reads per second"


def test_partitions_at_least_one() -> None:
    assert partitions(0, 0, 0).value == 1
    assert partitions(3000, 1000, 0).value == 2
    assert partitions(0, 0, 101).value == 11


def test_kinesis_shards() -> None:
    result = kinesis_shards(3, 2500, 5)
    assert (result.value, result.unit) == (3, "shards")
    assert result.steps[1:4] == [
        "Writes by volume: CEILING(3 MB/s / 1 MB/s) = 3",
        "Writes by records: CEILING(2500 records/s / 1000 records/s) = CEILING(2.5) = 3",
        "Reads: CEILING(5 MB/s / 2 MB/s) = CEILING(2.5) = 3",
    ]
    assert kinesis_shards(0, 0, 0).value == 1
    assert kinesis_shards(1, 4001, 1).value == 5


def test_s3_prefixes() -> None:
    assert s3_prefixes(12000, 4000).value == 3
    assert s3_prefixes(5500, 3500).value == 1
    assert s3_prefixes(0, 7001).value == 3


def test_xray_default_rule() -> None:
    assert xray_traces(50).value == pytest.approx(3.45)
    assert xray_traces(1).value == 1
    assert xray_traces(0).value == 0
    assert xray_traces(0.5).value == 0.5
    assert xray_traces(21).value == 2
    assert xray_traces(50).steps[-1] == "Traces = 1 + 2.45 = 3.45 traces per second"


def test_lambda_concurrency_and_the_limit() -> None:
    result = lambda_concurrency(100, 500)
    assert (result.value, result.warnings) == (50, [])
    assert lambda_concurrency(3, 250).value == 1  # 0.75 rounds up
    busy = lambda_concurrency(3000, 1250)
    assert busy.value == 3750
    assert len(busy.warnings) == 1
    assert "1000" in busy.warnings[0]
    assert lambda_concurrency(1000, 1000).warnings == []
    assert lambda_concurrency(1001, 1000).warnings


def test_lambda_duration_is_at_most_the_timeout() -> None:
    assert lambda_concurrency(1, 900_000).value == 900
    with pytest.raises(FormulaError, match="900,000"):
        lambda_concurrency(1, 900_001)


def test_batches() -> None:
    assert batch_write_calls(60, 4).value == 3
    assert batch_write_calls(25).value == 1
    assert batch_write_calls(0).value == 0
    assert batch_get_calls(250, 300).value == 5  # 16 MB / 300 KB = 54 items per call
    assert batch_get_calls(100, 1).value == 1
    assert batch_get_calls(101, 1).value == 2


def test_stream_concurrency() -> None:
    assert stream_concurrency(4).value == 4
    assert stream_concurrency(4, 10).value == 40
    assert stream_concurrency(200, 10).warnings
    with pytest.raises(FormulaError):
        stream_concurrency(4, 11)
    with pytest.raises(FormulaError):
        stream_concurrency(0)


# ------------------------------------------------------------------ invalid input

_BAD = [-1, float("nan"), float("inf"), -float("inf"), True, "3", None, 10**13, -(10**40)]


def _valid(formula: Formula) -> dict:
    return {p.name: p.samples[0] for p in formula.params}


@pytest.mark.parametrize("name", list(FORMULAS))
def test_bad_numbers_are_refused_in_one_line(name: str) -> None:
    formula = FORMULAS[name]
    for param in formula.params:
        if param.type not in (int, float):
            continue
        for bad in _BAD:
            with pytest.raises(FormulaError) as caught:
                formula(**{**_valid(formula), param.name: bad})
            message = str(caught.value)
            assert message
            assert "\n" not in message, message
            assert len(message) < 200, message


@pytest.mark.parametrize(
    ("function", "args"),
    [
        (rcu, {"item_kb": 0, "reads": 1}),
        (wcu, {"item_kb": 0, "writes": 1}),
        (rcu, {"item_kb": 401, "reads": 1}),
        (wcu, {"item_kb": 400.5, "writes": 1}),
        (batch_write_calls, {"items": 1, "item_kb": 0}),
        (batch_get_calls, {"items": 1.5}),
        (lambda_concurrency, {"rps": 1, "duration_ms": 0}),
        (stream_concurrency, {"shards": 0}),
        (stream_concurrency, {"shards": 1, "parallelization": 0}),
        (rcu, {"item_kb": 4, "reads": 1, "per": "hour"}),
        (rcu, {"item_kb": 4, "reads": 1, "consistency": "weak"}),
        (rcu, {"item_kb": 4, "reads": 1, "consistency": 1}),
        (wcu, {"item_kb": 4, "writes": 1, "transactional": "yes"}),
    ],
)
def test_meaningless_input_is_refused(function, args) -> None:
    with pytest.raises(FormulaError):
        function(**args)


def test_item_size_limit_names_the_limit() -> None:
    with pytest.raises(FormulaError, match="at most 400 KB"):
        rcu(500, 1)


# ------------------------------------------------------------------ properties

sizes = st.floats(min_value=0.001, max_value=400, allow_nan=False, allow_infinity=False)
rates = st.floats(min_value=0, max_value=1e7, allow_nan=False, allow_infinity=False)
counts = st.integers(min_value=0, max_value=10**7)
pers = st.sampled_from(["second", "minute"])
modes = st.sampled_from(["strong", "eventual", "transactional"])
fast = settings(max_examples=150, deadline=None)


@fast
@given(sizes, sizes, rates, rates, pers, modes)
def test_rcu_never_decreases_when_size_or_rate_grows(s1, s2, r1, r2, per, mode) -> None:
    (s1, s2), (r1, r2) = sorted((s1, s2)), sorted((r1, r2))
    assert rcu(s1, r1, per, mode).value <= rcu(s2, r1, per, mode).value <= rcu(s2, r2, per, mode).value


@fast
@given(sizes, sizes, rates, rates, pers, st.booleans())
def test_wcu_never_decreases_when_size_or_rate_grows(s1, s2, r1, r2, per, tx) -> None:
    (s1, s2), (r1, r2) = sorted((s1, s2)), sorted((r1, r2))
    assert wcu(s1, r1, per, tx).value <= wcu(s2, r1, per, tx).value <= wcu(s2, r2, per, tx).value


@fast
@given(sizes, rates, pers)
def test_eventual_strong_transactional_order(size, rate, per) -> None:
    eventual, strong, transactional = (rcu(size, rate, per, m).value for m in ("eventual", "strong", "transactional"))
    assert eventual <= strong <= transactional <= 2 * strong
    assert strong <= 2 * eventual


@fast
@given(sizes, rates, modes)
def test_per_minute_is_never_more_than_per_second(size, rate, mode) -> None:
    assert rcu(size, rate, "minute", mode).value <= rcu(size, rate, "second", mode).value
    assert wcu(size, rate, "minute").value <= wcu(size, rate, "second").value


@fast
@given(sizes, rates, pers)
def test_wcu_transactional_is_twice_before_rounding(size, rate, per) -> None:
    standard, transactional = wcu(size, rate, per).value, wcu(size, rate, per, True).value
    assert standard <= transactional <= 2 * standard


@fast
@given(sizes, counts, pers, modes)
def test_rcu_matches_an_independent_computation(size, reads, per, mode) -> None:
    units = math.ceil(Fraction(repr(size)) / 4)
    rate = Fraction(reads, 60 if per == "minute" else 1)
    factor = {"strong": Fraction(1), "eventual": Fraction(1, 2), "transactional": Fraction(2)}[mode]
    assert rcu(size, reads, per, mode).value == math.ceil(rate * units * factor)


@fast
@given(sizes, counts, pers)
def test_wcu_matches_an_independent_computation(size, writes, per) -> None:
    rate = Fraction(writes, 60 if per == "minute" else 1)
    assert wcu(size, writes, per).value == math.ceil(rate * math.ceil(Fraction(repr(size))))


@fast
@given(rates, rates, rates, rates, rates, rates)
def test_partitions_never_decrease_and_are_at_least_one(r1, r2, w1, w2, g1, g2) -> None:
    (r1, r2), (w1, w2), (g1, g2) = sorted((r1, r2)), sorted((w1, w2)), sorted((g1, g2))
    low, high = partitions(r1, w1, g1).value, partitions(r2, w2, g2).value
    assert 1 <= low <= high
    assert high == max(
        1, math.ceil(max(Fraction(repr(r2)) / 3000 + Fraction(repr(w2)) / 1000, Fraction(repr(g2)) / 10))
    )


@fast
@given(rates, rates, rates, st.floats(min_value=0, max_value=1e6))
def test_kinesis_and_s3_never_decrease(a, b, c, more) -> None:
    base = kinesis_shards(a, b, c).value
    assert base >= 1
    assert kinesis_shards(a + more, b, c).value >= base
    assert kinesis_shards(a, b + more, c).value >= base
    assert kinesis_shards(a, b, c + more).value >= base
    prefixes = s3_prefixes(a, b).value
    assert 1 <= prefixes <= s3_prefixes(a + more, b + more).value


@fast
@given(rates, rates)
def test_xray_traces_grow_with_requests_and_stay_within_bounds(r1, r2) -> None:
    r1, r2 = sorted((r1, r2))
    t1, t2 = xray_traces(r1).value, xray_traces(r2).value
    assert t1 <= t2
    assert min(r1, 1) - 1e-9 <= t1 <= r1 + 1e-9


@fast
@given(rates, st.floats(min_value=0.001, max_value=900_000))
def test_lambda_concurrency_covers_the_load(rps, duration) -> None:
    result = lambda_concurrency(rps, duration)
    assert result.value >= Fraction(repr(rps)) * Fraction(repr(duration)) / 1000
    assert result.value - 1 < Fraction(repr(rps)) * Fraction(repr(duration)) / 1000 or result.value == 0
    assert bool(result.warnings) == (result.value > 1000)


@fast
@given(st.integers(0, 10**6), sizes)
def test_batches_cover_every_item(items, size) -> None:
    for function, limit in ((batch_write_calls, 25), (batch_get_calls, 100)):
        calls = function(items, size).value
        per_call = min(limit, math.floor(16 * 1024 / Fraction(repr(size))))
        assert calls * per_call >= items > (calls - 1) * per_call or items == calls == 0


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(list(FORMULAS)), st.randoms(use_true_random=False))
def test_every_formula_gives_ascii_steps_for_realistic_input(name, rng) -> None:
    formula = FORMULAS[name]
    args = formula.sample(rng)
    result = formula(**args)
    assert isinstance(result, Result)
    assert result.unit == formula.unit
    assert result.value >= 0
    assert result.steps
    assert all(step.isascii() and "\n" not in step for step in result.steps)
    assert all(w.isascii() for w in result.warnings)
    question = formula.question(args)
    assert question.endswith("?")
    assert "{" not in question
    json.dumps(result.as_dict())


# ------------------------------------------------------------------ the registry


@pytest.fixture(scope="module")
def course():
    return load_course().course


@pytest.mark.parametrize("name", list(FORMULAS))
def test_registry_matches_the_functions(name: str) -> None:
    formula = FORMULAS[name]
    assert formula.name == name
    signature = inspect.signature(formula.function)
    assert [p.name for p in formula.params] == list(signature.parameters)
    for param in formula.params:
        default = signature.parameters[param.name].default
        if param.required:
            assert default is inspect.Parameter.empty
        else:
            assert default == param.default
        assert param.type in (int, float, str, bool)
        assert param.label
        assert param.help
        assert param.samples
        assert param.option == "--" + param.name.replace("_", "-")
        if param.choices:
            assert param.type is str
            assert param.default in param.choices
            assert set(param.samples) <= set(param.choices)


@pytest.mark.parametrize("name", list(FORMULAS))
def test_each_formula_belongs_to_a_course_entry(name: str, course) -> None:
    formula = FORMULAS[name]
    entry = course.entry(formula.entry)
    assert entry is not None, formula.entry
    claimed = {line for e in course.entries.values() for line in e.lines}
    assert set(formula.lines) <= claimed
    assert formula.added == (not formula.lines)
    if formula.added:
        assert entry.added  # the course marks the entry as not from the notes, too


def test_coerce_reads_form_text() -> None:
    formula = FORMULAS["rcu"]
    args = formula.coerce({"item_kb": " 6 ", "reads": "1,000", "per": "Minute", "consistency": ""})
    assert args == {"item_kb": 6, "reads": 1000, "per": "minute", "consistency": "strong"}
    assert formula(**args).value == 34  # 1000 / 60 * 2 = 33.3...
    assert FORMULAS["wcu"].coerce({"item_kb": "4.5", "writes": "6", "transactional": "yes"})["transactional"] is True
    assert FORMULAS["wcu"].coerce({"item_kb": "4.5", "writes": "6", "transactional": ""})["transactional"] is False
    for bad in ({"reads": "10"}, {"item_kb": "abc", "reads": "1"}, {"item_kb": "1e999999", "reads": "1"},
                {"item_kb": "inf", "reads": "1"}, {"item_kb": "4", "reads": "1", "colour": "red"},
                {"item_kb": "4", "reads": "1", "per": "hour"}):  # fmt: skip
        with pytest.raises(FormulaError):
            formula.coerce(bad)
    with pytest.raises(FormulaError, match="whole number"):
        FORMULAS["stream-concurrency"].coerce({"shards": "2.5"})


def test_calling_a_formula_checks_names() -> None:
    with pytest.raises(FormulaError):
        FORMULAS["xray"](rps=1, colour="red")
    with pytest.raises(FormulaError):
        FORMULAS["xray"]()
    assert FORMULAS["xray"](rps=50).value == pytest.approx(3.45)


def test_find_is_forgiving() -> None:
    assert find("Kinesis_Shards") is FORMULAS["kinesis-shards"]
    assert find("x-ray") is FORMULAS["xray"]
    assert find("nope") is None


def test_samples_are_reproducible() -> None:
    formula = FORMULAS["rcu"]
    assert formula.sample(random.Random(7)) == formula.sample(random.Random(7))
    assert set(formula.sample()) == {"item_kb", "reads", "per", "consistency"}


def test_json_shape() -> None:
    assert set(rcu(4, 10).as_dict()) == {"result", "unit", "steps"}
    assert set(lambda_concurrency(5000, 1000).as_dict()) == {"result", "unit", "steps", "warnings"}
    assert rcu(4, 10).text == "10 RCU"
    assert batch_write_calls(10).text == "1 call"
    assert kinesis_shards(2, 0, 0).text == "2 shards"
