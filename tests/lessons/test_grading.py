"""Fair grading: a table of accepted and rejected answers per type, and properties."""

from __future__ import annotations

import math
import string

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from lessons.grading import Grade, grade, is_acronym, parse_bool, parse_number, typo_allowance
from lessons.model import Question

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

ACRONYMS = {
    "ENI": ("Elastic Network Interface",),
    "RCU": ("Read Capacity Unit",),
    "SQS": "Simple Queue Service",
}
TERMS = ("Canary", "Linear", "Canara", "A record", "AAAA record", "ENI", "Elastic Network Interface")


def make(kind: str, answer, *, choices=(), accept=(), tolerance=0.0, prompt="A question?") -> Question:
    return Question(
        id="demo/q/x",
        slug="x",
        topic_id="demo",
        origin="curated",
        type=kind,
        prompt=prompt,
        choices=tuple(choices),
        answer=answer,
        accept=tuple(accept),
        tolerance=tolerance,
        explain="Because.",
        entry_id="demo/e",
        lines=(1,),
    )


SINGLE = make("single", "PurgeQueue", choices=["PurgeQueue", "DeleteQueue", "DeleteMessage", "ReceiveMessage"])
SINGLE_CODE = make("single", "`PurgeQueue`", choices=["`PurgeQueue`", "`DeleteQueue`"])
MULTI = make("multi", ("SQS", "Lambda", "HTTP / HTTPS"), choices=["SQS", "Lambda", "HTTP / HTTPS", "EBS", "CloudTrail"])
TRUE = make("truefalse", True)
FALSE = make("truefalse", False)
API = make("typed", "ChangeMessageVisibility", accept=["ChangeMessageVisibilityBatch"])
ACRONYM = make("typed", "ENI", prompt="What is the acronym for Elastic Network Interface?")
EXPAND = make("typed", "Elastic Network Interface", prompt="What does ENI stand for?")
READS = make("typed", "RCU", prompt="Which unit measures DynamoDB read throughput?")
SECONDS = make("typed", "30 seconds", prompt="What is the default visibility timeout?")
THOUSAND_ITEMS = make("typed", "1,000 items")
SHORT = make("typed", "Tag")
CANARY = make("typed", "Canary")
A_RECORD = make("typed", "A record")
PRODUCERS = make("typed", "Producers", accept=["producer"])
SSE_KMS = make("typed", "SSE-KMS", accept=["KMS"], prompt="Which server-side encryption uses keys managed by KMS?")
CI_CD = make("typed", "CI/CD")
STS_FULL = make(
    "typed",
    "Security Token Service",
    accept=["AWS Security Token Service", "AWS STS"],
    prompt="Which service, known by the acronym STS, grants temporary access? Give its full name.",
)
NUMERIC = make("numeric", 1000.0)
TRACES = make("numeric", 3.8, tolerance=0.05)
RCU_24 = make("numeric", 24.0)

# (question, response, accepted)
TABLE = [
    # single: the chosen choice text
    (SINGLE, "PurgeQueue", True),
    (SINGLE, "purgequeue", True),
    (SINGLE, "  PurgeQueue ", True),
    (SINGLE, "DeleteQueue", False),
    (SINGLE, "Something else", False),
    (SINGLE, "", False),
    (SINGLE, None, False),
    (SINGLE_CODE, "PurgeQueue", True),
    (SINGLE_CODE, "`DeleteQueue`", False),
    # multi: exactly the right set
    (MULTI, {"SQS", "Lambda", "HTTP / HTTPS"}, True),
    (MULTI, ["HTTP / HTTPS", "SQS", "Lambda"], True),
    (MULTI, ("sqs", "LAMBDA", "http / https"), True),
    (MULTI, {"SQS", "Lambda"}, False),
    (MULTI, {"SQS", "Lambda", "HTTP / HTTPS", "EBS"}, False),
    (MULTI, "SQS", False),
    (MULTI, set(), False),
    (MULTI, None, False),
    # true / false
    (TRUE, True, True),
    (TRUE, "true", True),
    (TRUE, "T", True),
    (TRUE, " Yes. ", True),
    (TRUE, "y", True),
    (TRUE, False, False),
    (TRUE, "no", False),
    (TRUE, "maybe", False),
    (TRUE, 1, False),
    (FALSE, "false", True),
    (FALSE, "F", True),
    (FALSE, "n", True),
    (FALSE, "NO!", True),
    (FALSE, True, False),
    (FALSE, None, False),
    # typed: case, spacing, punctuation, accept list, typos
    (API, "ChangeMessageVisibility", True),
    (API, "changemessagevisibility", True),
    (API, "Change Message Visibility.", True),
    (API, "  change-message-visibility  ", True),
    (API, "ChangeMesageVisibility", True),  # one letter missing
    (API, "ChangeMssageVisbility", True),  # two edits on a long answer
    (API, "ChangeMsgVisibility", False),  # too far
    (API, "ChangeMessageVisibilityBatch", True),  # the accept list
    (API, "DeleteMessage", False),
    (API, "", False),
    (API, None, False),
    # acronym <-> full form
    (ACRONYM, "ENI", True),
    (ACRONYM, "e.n.i.", True),
    (ACRONYM, "ENA", False),  # no typo forgiven in an acronym
    (ACRONYM, "Elastic Network Interface", False),  # only copies the question
    (EXPAND, "elastic network interface", True),
    (EXPAND, "Elastic Network Interfase", True),  # a typo
    (EXPAND, "ENI", False),  # only copies the question
    (EXPAND, "Elastic Block Store", False),
    (READS, "RCU", True),
    (READS, "Read Capacity Unit", True),  # the full form of the acronym
    (READS, "read capacity units", True),  # the full form with a typo
    (READS, "WCU", False),
    # strict where it matters: a part of an acronym is not the acronym...
    (SSE_KMS, "SSE-KMS", True),
    (SSE_KMS, "sse kms", True),
    (SSE_KMS, "KMS", False),  # even though the accept list has it
    (SSE_KMS, "SSE", False),
    (CI_CD, "CICD", True),
    (CI_CD, "CI", False),
    # ...and a full name is not the acronym the question shows, with or without "AWS"
    (STS_FULL, "Security Token Service", True),
    (STS_FULL, "security token servce", True),  # still one typo forgiven
    (STS_FULL, "AWS Security Token Service", True),
    (STS_FULL, "AWS STS", False),
    (STS_FULL, "STS", False),
    # numbers in typed answers must match exactly
    (SECONDS, "30 seconds", True),
    (SECONDS, "30 Seconds!", True),
    (SECONDS, "3 seconds", False),
    (SECONDS, "300 seconds", False),
    (SECONDS, "30 secondz", True),  # a typo in the word, not the number
    (THOUSAND_ITEMS, "1000 items", True),
    (THOUSAND_ITEMS, "100 items", False),
    # short answers: no typo; 4-8 letters: one typo
    (SHORT, "tag", True),
    (SHORT, "Tags", False),
    (CANARY, "Canery", True),
    (CANARY, "Cnaery", False),
    (CANARY, "Canara", False),  # another term of the course, not a typo
    (A_RECORD, "A record", True),
    (A_RECORD, "AAAA record", False),
    (A_RECORD, "record", False),
    (PRODUCERS, "the producers", True),
    (PRODUCERS, "producer", True),
    # numeric
    (NUMERIC, "1000", True),
    (NUMERIC, "1,000", True),
    (NUMERIC, "1e3", True),
    (NUMERIC, "1 000", True),
    (NUMERIC, "1000 RCU", True),
    (NUMERIC, "1k", True),
    (NUMERIC, 1000, True),
    (NUMERIC, 1000.0, True),
    (NUMERIC, "999", False),
    (NUMERIC, "10000", False),
    (NUMERIC, "1,00", False),
    (NUMERIC, "one thousand", False),
    (NUMERIC, "1000 or 2000", False),
    (NUMERIC, "", False),
    (NUMERIC, None, False),
    (NUMERIC, True, False),
    (NUMERIC, "nan", False),
    (NUMERIC, "inf", False),
    (NUMERIC, "1e999", False),
    (TRACES, "3.8", True),
    (TRACES, "3.84", True),
    (TRACES, "3.9", False),
    (RCU_24, "24 RCU", True),
    (RCU_24, "-24", False),
]


@pytest.mark.parametrize(("question", "response", "accepted"), TABLE)
def test_grading_table(question: Question, response, accepted: bool) -> None:
    result = grade(question, response, acronyms=ACRONYMS, terms=TERMS)
    assert isinstance(result, Grade)
    assert result.correct is accepted, result


def test_the_table_is_big_enough() -> None:
    assert len(TABLE) >= 40
    assert {q.type for q, _, _ in TABLE} == {"single", "multi", "truefalse", "typed", "numeric"}


def test_notes_say_why() -> None:
    assert "typo" in (grade(API, "ChangeMesageVisibility").note or "")
    assert grade(API, "ChangeMessageVisibility").note is None
    assert "another name" in (grade(READS, "Read Capacity Unit", acronyms=ACRONYMS).note or "")
    assert grade(NUMERIC, "lots").note == "Not a number."
    assert grade(TRUE, "maybe").note
    assert "numbers" in (grade(SECONDS, "3 seconds").note or "")
    assert "2 of 3" in (grade(MULTI, {"SQS", "Lambda"}).note or "")


def test_expected_and_given_are_shown_as_text() -> None:
    result = grade(NUMERIC, "1e3")
    assert (result.expected, result.given) == ("1,000", "1e3")
    assert grade(TRACES, "4").expected == "3.8 (\u00b10.05)"
    assert grade(TRUE, "y").given == "True"
    assert grade(SINGLE_CODE, "PurgeQueue").expected == "PurgeQueue"
    assert grade(MULTI, ["SQS"]).expected == "SQS; Lambda; HTTP / HTTPS"


def test_helpers() -> None:
    assert parse_bool("Yes") is True
    assert parse_bool("f") is False
    assert parse_bool(0) is None
    assert parse_number("24 RCU") == 24
    assert parse_number("2.5k") == 2500
    assert parse_number("x") is None
    assert parse_number("5 KB") == 5
    assert parse_number("-3") == -3
    assert parse_number("1_000") == 1000
    assert is_acronym("ENI")
    assert is_acronym("S3")
    assert is_acronym("CI/CD")
    assert not is_acronym("gp2")
    assert [typo_allowance(a) for a in ("ENI", "Tag", "Canary", "ChangeMessageVisibility")] == [0, 0, 1, 2]


def test_unknown_type_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown question type 'essay'"):
        grade(make("essay", "x"), "x")


# --------------------------------------------------------------------------- properties

answers = st.text(alphabet=string.ascii_letters + string.digits + " -/", min_size=1, max_size=30).filter(
    lambda s: any(ch.isalnum() for ch in s)
)


@PROPERTY
@given(
    answer=answers,
    flips=st.lists(st.booleans(), min_size=30, max_size=30),
    pad=st.integers(0, 3),
    tail=st.sampled_from(["", ".", "!", "?", " .", ";", "..."]),
)
def test_typed_answer_always_accepted_in_any_case_spacing_and_punctuation(answer, flips, pad, tail) -> None:
    question = make("typed", answer)
    cased = "".join(ch.upper() if flip else ch.lower() for ch, flip in zip(answer, flips, strict=False))
    spaced = " " * pad + cased.replace(" ", " " * (pad + 1)) + tail + " " * pad
    assert grade(question, spaced).correct


@PROPERTY
@given(
    answer=st.booleans(),
    text=st.sampled_from(["true", "false", "t", "f", "yes", "no", "y", "n"]),
    upper=st.booleans(),
    pad=st.integers(0, 3),
)
def test_truefalse_words(answer: bool, text: str, upper: bool, pad: int) -> None:
    said = text in ("true", "t", "yes", "y")
    response = " " * pad + (text.upper() if upper else text) + " " * pad
    assert grade(make("truefalse", answer), response).correct is (said == answer)


choice_lists = st.lists(
    st.text(alphabet=string.ascii_letters + " ", min_size=1, max_size=20).filter(str.strip),
    min_size=2,
    max_size=6,
    unique_by=lambda s: " ".join(s.casefold().split()),
)


@PROPERTY
@given(choices=choice_lists, data=st.data())
def test_single_choice_right_one_right_and_any_other_wrong(choices, data) -> None:
    answer = data.draw(st.sampled_from(choices))
    question = make("single", answer, choices=choices)
    assert grade(question, answer).correct
    other = data.draw(st.sampled_from([c for c in choices if c != answer]))
    assert not grade(question, other).correct


@PROPERTY
@given(choices=choice_lists, data=st.data())
def test_multi_choice_only_the_exact_set(choices, data) -> None:
    answer = data.draw(st.lists(st.sampled_from(choices), min_size=1, unique=True))
    picked = data.draw(st.lists(st.sampled_from(choices), min_size=1, unique=True))
    question = make("multi", tuple(answer), choices=choices)
    assert grade(question, picked).correct is (set(picked) == set(answer))


finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)


@PROPERTY
@given(answer=finite, given_value=finite, tolerance=st.floats(min_value=0, max_value=1e3, allow_nan=False))
def test_numeric_correct_iff_within_tolerance(answer: float, given_value: float, tolerance: float) -> None:
    gap = abs(given_value - answer)
    assume(abs(gap - tolerance) > 1e-6 * max(1.0, abs(answer), tolerance))  # not on the float edge
    question = make("numeric", answer, tolerance=tolerance)
    assert grade(question, given_value).correct is (gap <= tolerance)
    assert grade(question, repr(given_value)).correct is (gap <= tolerance)


@PROPERTY
@given(value=st.integers(min_value=0, max_value=10**12))
def test_numeric_any_way_of_writing_a_whole_number(value: int) -> None:
    question = make("numeric", float(value))
    for text in (str(value), f"{value:,}", f"{value:,} RCU", f"{value / 1000!r}e3"):
        assert grade(question, text).correct, text


@PROPERTY
@given(text=st.text(max_size=120))
def test_any_text_is_graded_never_raised(text: str) -> None:
    for question in (SINGLE, MULTI, TRUE, API, ACRONYM, NUMERIC, TRACES):
        result = grade(question, text, acronyms=ACRONYMS, terms=TERMS)
        assert isinstance(result.correct, bool)
    value = parse_number(text)
    assert value is None or math.isfinite(value)


@PROPERTY
@given(
    parts=st.lists(
        st.text(alphabet=string.ascii_uppercase, min_size=2, max_size=4), min_size=2, max_size=3, unique=True
    ),
    joiner=st.sampled_from(["-", "/"]),
    which=st.integers(0, 2),
)
def test_a_part_of_an_acronym_is_never_the_acronym(parts: list[str], joiner: str, which: int) -> None:
    acronym = joiner.join(parts)
    part = parts[which % len(parts)]
    question = make("typed", acronym, accept=[part])  # even a careless accept list
    assert grade(question, acronym).correct
    assert grade(question, acronym.lower().replace(joiner, " ")).correct
    assert not grade(question, part).correct
    assert "only part of" in (grade(question, part).note or "")


@pytest.mark.parametrize(("answer", "typed"), [("AN-AA", "an aa"), ("THE-XY", "the xy"), ("A/BC", "a bc")])
def test_an_acronym_that_starts_like_an_article_is_still_whole(answer: str, typed: str) -> None:
    assert grade(make("typed", answer), typed).correct  # found by hypothesis: "an" read as an article
