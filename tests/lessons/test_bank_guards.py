"""The guards that keep trivial or garbled questions out of the bank (issue 15).

Two levels: properties of the pure guard functions of :mod:`lessons.guards`, and a
property of the generator itself: whatever course it is given (random entries
built from a small vocabulary, so names and definitions share words often), no
generated question gives its answer away or is a fragment.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lessons import markup
from lessons.bank import QuestionBank
from lessons.guards import gives_away, initials, is_fragment, same_form, spelled_by_initials, stems
from lessons.loader import load_course, parse_topic_text
from lessons.model import GENERATED, Course

PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Capitalised words of AWS-like names; several share an initial, several are reused in
# definitions below, so overlaps between names, definitions and distractors are common.
NAME_WORDS = [
    "Elastic", "Event", "Encryption", "Network", "Notification", "Name", "Interface", "Identity",
    "Index", "Simple", "Storage", "Service", "Secure", "Queue", "Quota", "Container", "Compute",
    "Cloud", "Control", "Access", "Application", "Gateway", "Global", "Block", "Balancer", "Load",
]  # fmt: skip
SMALL_WORDS = ["a", "the", "of", "to", "and", "in"]
name_word = st.sampled_from(NAME_WORDS)
full_form = st.lists(name_word, min_size=2, max_size=4, unique=True).map(" ".join)


def words_to_text(words: list[str]) -> str:
    return " ".join(words)


# --------------------------------------------------------------------------- pure guards


@PROPERTY
@given(st.lists(name_word, min_size=2, max_size=5, unique=True), st.sampled_from(["", "and", "of"]))
def test_an_acronym_made_of_the_initials_is_spelled_by_them(words: list[str], connector: str) -> None:
    full = " ".join(words[:1] + ([connector] if connector else []) + words[1:])
    plain_initials = "".join(w[0] for w in words)
    assert spelled_by_initials(plain_initials, full)
    assert spelled_by_initials(plain_initials.lower(), full)  # case does not matter
    assert spelled_by_initials("-".join([plain_initials[:1], plain_initials[1:]]), full)  # nor punctuation
    # A digit or a letter that is no initial ("EC2", "S3", "DAX") makes it a real question.
    assert not spelled_by_initials(plain_initials + "2", full)
    assert not spelled_by_initials(plain_initials[:-1] + "X", full) or plain_initials[-1] == "X"


@PROPERTY
@given(full_form, st.data())
def test_same_form_is_an_equivalence_of_initials(answer: str, data) -> None:
    other = data.draw(full_form)
    assert same_form(answer, answer)
    assert same_form(answer, other) == same_form(other, answer)
    assert same_form(answer, other) == (initials(answer, connectors=False) == initials(other, connectors=False))
    # Swapping one word for another with the same initial keeps the form; another initial breaks it.
    words = answer.split()
    index = data.draw(st.integers(0, len(words) - 1))
    same_initial = [w for w in NAME_WORDS if w[0] == words[index][0]]
    swapped = words[:index] + [data.draw(st.sampled_from(same_initial))] + words[index + 1 :]
    assert same_form(answer, " ".join(swapped))
    other_initial = [w for w in NAME_WORDS if w[0] != words[index][0]]
    broken = words[:index] + [data.draw(st.sampled_from(other_initial))] + words[index + 1 :]
    assert not same_form(answer, " ".join(broken))


@PROPERTY
@given(st.lists(st.sampled_from(NAME_WORDS + SMALL_WORDS), min_size=0, max_size=3))
def test_fewer_than_four_words_is_a_fragment(words: list[str]) -> None:
    assert is_fragment(words_to_text(words).capitalize() + ".")


@PROPERTY
@given(st.lists(name_word, min_size=4, max_size=10), st.integers(1, 99_999))
def test_a_sentence_of_four_words_stands_alone_unless_it_leads_with_a_number(words: list[str], n: int) -> None:
    sentence = words_to_text(words).capitalize() + "."
    assert not is_fragment(sentence)
    assert is_fragment(f"{{{{{n:,}}}}} ({sentence})")  # "1,000 (can be increased)."
    assert is_fragment(f"{n} {sentence}")
    assert is_fragment(sentence.rstrip(".") + ":")  # it announces something it doesn't show
    assert is_fragment(sentence.rstrip(".") + " in this order.")
    # Numbers and code are not words: "{{900 seconds}} ({{15 minutes}})." is a fragment.
    assert is_fragment(" ".join(f"{{{{{i} seconds}}}}" for i in range(len(words))) + ".")
    assert is_fragment(f"`{sentence}`")


@PROPERTY
@given(st.lists(name_word, min_size=1, max_size=3, unique=True), st.data())
def test_a_prompt_gives_the_answer_away_when_it_matches_its_words_best(answer_words: list[str], data) -> None:
    answer = "".join(answer_words)  # a CamelCase name: "QueueService"
    others = [w for w in NAME_WORDS if w not in answer_words]
    distractors = data.draw(st.lists(st.sampled_from(others), min_size=3, max_size=3, unique=True))
    filler = data.draw(st.lists(st.sampled_from(SMALL_WORDS), min_size=2, max_size=4))
    prompt = " ".join(filler + [w.lower() for w in answer_words]).capitalize() + "."
    assert gives_away(answer, prompt, distractors)
    # Distractors sharing as many of the prompt's words make it fair again.
    fair = [answer_words[0] + d for d in distractors] if len(answer_words) == 1 else [answer] * 3
    assert not gives_away(answer, prompt, fair)
    # A prompt sharing no word with the answer never gives it away.
    assert not gives_away(answer, " ".join(filler).capitalize() + ".", distractors)


@PROPERTY
@given(st.lists(name_word, min_size=1, max_size=4, unique=True))
def test_stems_ignore_case_and_how_a_name_is_written(words: list[str]) -> None:
    assert stems("".join(words)) == stems(" ".join(words)) == stems(" ".join(w.lower() for w in words))
    assert stems("AWS " + " ".join(words)) == stems(" ".join(words))  # "AWS" says nothing


# --------------------------------------------------------------------------- the generator


@st.composite
def random_topic(draw) -> str:
    """A topic file of random entries: names, acronyms, definitions and numbers."""
    lines = ['id = "rand"', "number = 1", 'title = "Random"', "lines = [1]", ""]
    used: set[str] = set()
    for n in range(draw(st.integers(4, 12))):
        words = draw(st.lists(name_word, min_size=2, max_size=3, unique=True))
        full = " ".join(words)
        acronym = "".join(w[0] for w in words) + draw(st.sampled_from(["", "", "2", "X"]))
        term = acronym if draw(st.booleans()) else full
        if term in used:
            continue
        used.add(term)
        definition_words = draw(st.lists(st.sampled_from(NAME_WORDS + SMALL_WORDS), min_size=1, max_size=8))
        definition = " ".join(definition_words).capitalize()
        if draw(st.booleans()):
            definition = f"{{{{{draw(st.integers(1, 5000))} seconds}}}} " + definition
        lines += [
            "[[entries]]",
            f'id = "e{n}"',
            f'term = "{term}"',
            f'full_form = "{full}"' if term != full else "",
            f'kind = "{draw(st.sampled_from(["feature", "service", "api", "type"]))}"',
            f'definition = "{definition}."',
            f'notes = ["The limit is {{{{{draw(st.integers(2, 900))} seconds}}}} for {full}."]',
            f"lines = [{n + 2}]",
            "",
        ]
    return "\n".join(lines)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_topic())
def test_the_generator_never_makes_a_trivial_or_fragment_question(text: str) -> None:
    course = Course((parse_topic_text(text, "rand.toml"),))
    bank = QuestionBank.build(course)
    for q in bank.questions:
        if q.origin != GENERATED:
            continue
        kind = q.slug.split("-", 1)[0]
        assert_sound(kind, q)


def assert_sound(kind: str, q) -> None:
    if kind == "acronym":
        full = q.prompt.removeprefix("What is the acronym for ").removesuffix("?")
        assert not spelled_by_initials(str(q.answer), full), q
    elif kind == "expand":
        acronym = q.prompt.removeprefix("What does ").removesuffix(" stand for?")
        assert not re.search(rf"\b{re.escape(acronym)}\b", str(q.answer), re.IGNORECASE), q
    elif kind == "pick":
        assert len(q.choices) == 4, q
        assert len({c.casefold() for c in q.choices}) == 4, q
        assert all(same_form(str(q.answer), c) for c in q.choices), q
    elif kind == "define":
        shown = q.prompt.removeprefix('Which term is defined as: "').removesuffix('"?')
        assert not is_fragment(shown), q
        assert not gives_away(str(q.answer), shown, [c for c in q.choices if c != q.answer]), q
        assert markup.unbalanced(shown) is None


def test_the_real_course_has_no_trivial_or_fragment_question() -> None:
    bank = QuestionBank.build(load_course().course)
    for q in bank.questions:
        if q.origin == GENERATED:
            assert_sound(q.slug.split("-", 1)[0], q)
    # The fragments named in issue 15 are gone.
    prompts = {q.prompt for q in bank.questions if q.origin == GENERATED}
    for fragment in ("Limits per region.", "1,000 (can be increased).", "The main graph."):
        assert not any(f'"{fragment}"' in p for p in prompts), fragment


def test_ambiguous_distractors_are_replaced() -> None:
    """A distractor that is also a defensible answer is never offered (issue 15)."""
    bank = QuestionBank.build(load_course().course)
    pairs = {
        "lambda/gen/define-lambda-timeout": "Maximum execution time",
        "lambda/gen/define-account-concurrency-limit": "Concurrent executions",
        "messaging/gen/define-sqs-access-controls": "SQS Access Policies",
    }
    for question_id, ambiguous in pairs.items():
        q = bank.get(question_id)
        assert q is None or ambiguous not in q.choices, q
    # The rule behind it: no define question offers a term linked to its answer.
    course = bank.course
    for q in bank.questions:
        if q.origin == GENERATED and q.slug.startswith("define-"):
            entry = course.entries[q.entry_id]
            linked = {course.entries[r].term for r in entry.related if r in course.entries}
            linked |= {e.term for e in course.entries.values() if entry.id in e.related}
            assert not linked & set(q.choices[1:]), q.id
