"""The question bank: the course's questions plus generated ones, checked rule by rule."""

from __future__ import annotations

import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from lessons import markup
from lessons.bank import QuestionBank
from lessons.errors import LessonError
from lessons.formulas import FORMULAS
from lessons.generate import acronym_of
from lessons.guards import initials
from lessons.loader import load_course, parse_topic_text
from lessons.model import ALL_QUESTION_ORIGINS, GENERATED, QUESTION_ORIGINS, QUESTION_TYPES, Course

ROOT = Path(__file__).resolve().parents[2]
GEN_ID = re.compile(
    r"^(?P<topic>[a-z0-9-]+)/gen/(?P<kind>expand|acronym|pick|define|fact|twin|calc)-(?P<rest>[a-z0-9-]+)$"
)


@pytest.fixture(scope="module")
def course() -> Course:
    result = load_course()
    assert not result.problems, result.problems
    return result.course


@pytest.fixture(scope="module")
def bank(course: Course) -> QuestionBank:
    return QuestionBank.build(course)


def fold(text: str) -> str:
    return " ".join(markup.plain(text).casefold().split())


def shape(text: str) -> str:
    """A sentence with its numbers blanked and plurals dropped."""
    text = re.sub(r"\d[\d,.]*|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve)\b", "#", text)
    return re.sub(r"(?<=[a-z])s\b", "", text)


def generated(bank: QuestionBank, kind: str) -> list:
    return [q for q in bank.questions if q.origin == GENERATED and q.slug.startswith(kind + "-")]


# --------------------------------------------------------------------------- the real course


def test_minimums_per_topic_and_in_all(bank: QuestionBank, course: Course) -> None:
    counts = bank.counts()
    assert counts["total"] >= 400
    for topic in course.topics:
        assert counts["by_topic"][topic.id]["total"] >= 12, topic.id
    real = [q for q in bank.questions if not bank.is_template(q.id)]
    assert counts["total"] == len(real) == sum(t["total"] for t in counts["by_topic"].values())
    assert sum(counts["by_type"].values()) == sum(counts["by_origin"].values()) == counts["total"]
    assert counts["templates"] == len(bank.templates) == sum(t["templates"] for t in counts["by_topic"].values())
    assert set(counts["by_origin"]) <= set(ALL_QUESTION_ORIGINS)


def test_every_question_is_sound(bank: QuestionBank, course: Course) -> None:
    assert len({q.id for q in bank.questions}) == len(bank.questions)
    for q in bank.questions:
        assert q.type in QUESTION_TYPES, q.id
        assert q.origin in ALL_QUESTION_ORIGINS, q.id
        assert q.prompt.strip(), q.id
        assert q.explain.strip(), q.id
        assert q.entry_id in course.entries, q.id
        assert q.topic_id in course.by_topic, q.id
        assert markup.unbalanced(q.prompt) is None, q.id
        assert markup.unbalanced(q.explain) is None, q.id
        if q.type in ("single", "multi"):
            folded = [fold(c) for c in q.choices]
            assert len(set(folded)) == len(folded), f"duplicate choices in {q.id}"
            assert 2 <= len(q.choices) <= 6, q.id
            assert all(c in q.choices for c in q.correct_choices), q.id
        else:
            assert not q.choices, q.id
        if q.type == "truefalse":
            assert isinstance(q.answer, bool), q.id
        if q.type == "numeric":
            assert isinstance(q.answer, float), q.id


def test_every_expected_answer_grades_correct(bank: QuestionBank) -> None:
    for q in bank.questions:
        if q.type == "single":
            responses = [q.answer]
        elif q.type == "multi":
            responses = [set(q.correct_choices)]
        elif q.type == "truefalse":
            responses = [q.answer, "true" if q.answer else "false"]
        elif q.type == "typed":
            responses = [q.answer, *q.accept, str(q.answer).upper()]
        else:
            responses = [q.answer, f"{q.answer:g}"]
        for response in responses:
            assert bank.grade(q, response).correct, (q.id, response)


def test_every_question_of_the_course_files_is_there_unchanged(bank: QuestionBank, course: Course) -> None:
    for topic in course.topics:
        for question in topic.questions:
            assert bank.get(question.id) is question
    notes = [q for q in course.questions.values() if q.origin == "notes"]
    assert notes
    assert all(bank.get(q.id) == q for q in notes)
    from_files = [q for q in bank.questions if q.origin != GENERATED]
    assert len(from_files) == len(course.questions)


def test_generated_ids_are_stable_and_well_formed(bank: QuestionBank, course: Course) -> None:
    again = QuestionBank.build(course, seed=12345)
    assert [q.id for q in again.questions] == [q.id for q in bank.questions]
    for first, second in zip(bank.questions, again.questions, strict=True):
        if not bank.is_template(first.id):
            assert first == second  # whatever the seed: progress keys on these
    for q in bank.questions:
        if q.origin != GENERATED:
            # From the files: "topic/q/slug", and scenario questions "topic/s/slug".
            assert q.id.startswith(f"{q.topic_id}/{'s' if q.origin == 'scenario' else 'q'}/"), q.id
            continue
        match = GEN_ID.match(q.id)
        assert match, q.id
        assert match["topic"] == q.topic_id == course.entries[q.entry_id].topic_id, q.id
        if match["kind"] != "calc":
            slug = course.entries[q.entry_id].slug
            assert re.fullmatch(rf"{re.escape(slug)}(?:-\d+)?", match["rest"]), q.id


def test_each_kind_is_generated(bank: QuestionBank) -> None:
    kinds = bank.counts()["by_kind"]
    for kind in ("expand", "pick", "define", "fact", "twin"):
        assert kinds.get(kind, 0) >= 20, kinds
    # Most acronyms are just the initials of their full forms ("ENI"): only the others
    # ("EC2", "S3", "DAX"...) make a fair "what is the acronym" question.
    assert kinds.get("acronym", 0) >= 5, kinds


def test_nothing_generated_from_stale_facts(bank: QuestionBank, course: Course) -> None:
    stale: dict[str, set[str]] = {}
    for entry in course.entries.values():
        for update in entry.updates:
            # Numbers standing alone: the 3 of "S3" or the 2 of "EC2" is part of a name.
            stale.setdefault(entry.id, set()).update(re.findall(r"(?<![A-Za-z])\d[\d,.]*", update.note))
    for q in generated(bank, "fact") + generated(bank, "twin") + generated(bank, "define"):
        entry = course.entries[q.entry_id]
        assert not entry.updates, q.id
        assert not q.uses_update, q.id
    for q in generated(bank, "fact"):
        entry = course.entries[q.entry_id]
        # A stale figure repeated next door: the entry's parent, children and linked entries.
        near = {entry.id, *(c.id for c in entry.children), *entry.related}
        if entry.parent_id:
            near.add(entry.parent_id)
        figures = {n.replace(",", "").rstrip(".") for e in near for n in stale.get(e, set())}
        numbers = {n.replace(",", "") for n in re.findall(r"(?<![A-Za-z])\d[\d,]*(?:\.\d+)?", q.prompt)}
        assert not numbers & figures, q.id


def test_true_statement_and_false_twin(bank: QuestionBank, course: Course) -> None:
    twins = generated(bank, "twin")
    assert twins
    for twin in twins:
        fact = bank.get(twin.id.replace("/gen/twin-", "/gen/fact-"))
        assert fact is not None, twin.id
        assert fact.answer is True
        assert twin.answer is False
        assert bank.fact(fact.id) == bank.fact(twin.id)
        assert fact.prompt != twin.prompt
        # Only a number changed (and the plural after it), never to a value the entry mentions.
        assert shape(fact.prompt) == shape(twin.prompt), twin.id
        entry = course.entries[twin.entry_id]
        old = re.findall(r"\{\{(.+?)\}\}", twin.explain)
        assert len(old) >= 2, twin.id
        new_value = old[1]
        entry_text = " ".join([entry.term, entry.definition or "", *entry.notes])
        new_number = re.match(r"[\d,.]+", new_value)
        if new_number:
            assert new_number.group(0).replace(",", "") not in {
                n.replace(",", "") for n in re.findall(r"\d[\d,]*(?:\.\d+)?", markup.plain(entry_text))
            }, twin.id
        assert "Example" not in fact.prompt
        assert "e.g." not in fact.prompt


def test_definition_questions_hide_the_term(bank: QuestionBank, course: Course) -> None:
    for q in generated(bank, "define"):
        entry = course.entries[q.entry_id]
        assert q.answer == entry.term
        assert len(q.choices) == 4
        quoted = q.prompt.split(': "', 1)[1]
        assert not re.search(rf"(?<![\w-]){re.escape(entry.term)}(?![\w-])", markup.plain(quoted), re.IGNORECASE), q.id
        for choice in q.choices[1:]:
            others = [e for e in course.entries.values() if e.term == choice]
            assert others
            assert all(o.id != entry.id for o in others)
            assert any(o.kind == entry.kind for o in others), (q.id, choice)


def test_acronym_questions_share_one_fact(bank: QuestionBank, course: Course) -> None:
    for q in generated(bank, "acronym"):
        entry = course.entries[q.entry_id]
        group = {bank.fact(q.id)}
        for kind in ("expand", "pick"):
            other = bank.get(q.id.replace("/gen/acronym-", f"/gen/{kind}-"))
            if other is not None:
                group.add(bank.fact(other.id))
        assert len(group) == 1, q.id
        assert q.answer == acronym_of(entry)
        assert bank.acronyms[q.answer]


def test_numeric_templates_one_per_formula(bank: QuestionBank, course: Course) -> None:
    names = {t.name for t in bank.templates.values()}
    assert names == {name for name, f in FORMULAS.items() if f.entry in course.entries}
    assert {"rcu", "wcu", "partitions", "kinesis-shards", "s3-prefixes", "xray", "lambda-concurrency"} <= names
    for question_id, template in bank.templates.items():
        assert question_id == f"{course.entries[FORMULAS[template.name].entry].topic_id}/gen/calc-{template.name}"
        assert bank.by_id[question_id].type == "numeric"


def test_numeric_variants_are_fresh_and_reproducible(bank: QuestionBank) -> None:
    for name, formula in FORMULAS.items():
        if not any(t.name == name for t in bank.templates.values()):
            continue
        made = [bank.numeric_variant(name, random.Random(seed)) for seed in range(12)]
        assert len({q.prompt for q in made}) >= 2, name
        assert bank.numeric_variant(name, random.Random(3)) == made[3]
        for q in made:
            assert q.type == "numeric"
            assert q.origin == GENERATED
            assert q.id.endswith(f"/gen/calc-{name}")
            assert q.explain
            assert q.entry_id == formula.entry
            assert bank.grade(q, str(q.answer)).correct
    with pytest.raises(KeyError):
        bank.numeric_variant("no-such-formula", random.Random(0))


def test_numeric_variant_answer_is_the_formulas_value(bank: QuestionBank) -> None:
    rng = random.Random(7)
    args = FORMULAS["rcu"].sample(random.Random(7))
    expected = FORMULAS["rcu"](**args)
    question = bank.numeric_variant("rcu", rng)
    assert question.answer == float(expected.value)
    assert question.prompt.startswith(FORMULAS["rcu"].question(args))
    assert question.explain.splitlines()[: len(expected.steps)] == expected.steps


def test_generated_origin_is_for_the_bank_only() -> None:
    assert GENERATED in ALL_QUESTION_ORIGINS
    assert GENERATED not in QUESTION_ORIGINS
    text = TOPIC_A.replace('origin = "curated"', 'origin = "generated"')
    with pytest.raises(LessonError, match="origin"):
        parse_topic_text(text, "a.toml")


def test_lessons_never_import_textual() -> None:
    code = (
        "import sys; import lessons.bank, lessons.quiz, lessons.grading\n"
        "from lessons.loader import load_course\n"
        "from lessons.bank import QuestionBank\n"
        "from lessons.quiz import QuizSpec, build_quiz\n"
        "bank = QuestionBank.build(load_course().course)\n"
        "build_quiz(bank, QuizSpec('exam', seed=1))\n"
        "print('textual' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


# --------------------------------------------------------------------------- rules, on a small course

TOPIC_A = """\
id = "net"
number = 1
title = "Networking"
lines = [1]

[[entries]]
id = "eni"
term = "ENI"
full_form = "Elastic Network Interface"
kind = "feature"
definition = "An ENI is a virtual network card of an instance."
lines = [2]

[[entries]]
id = "igw"
term = "IGW"
full_form = "Internet Gateway"
kind = "feature"
definition = "Connects a VPC to the internet."
lines = [3]

[[entries]]
id = "nat"
term = "NAT"
full_form = "Network Address Translation"
kind = "feature"
definition = "Lets a private subnet reach the internet."
lines = [4]

[[entries]]
id = "nacl"
term = "NACL"
full_form = "Network Access Control List"
kind = "feature"
definition = "A firewall for a subnet."
lines = [5]

[[entries]]
id = "sg"
term = "Security Group"
kind = "feature"
definition = "Similar to a NACL."
notes = ["All inbound traffic is blocked by default."]
lines = [6]

[[entries]]
id = "visibility"
term = "Visibility Timeout"
kind = "setting"
notes = [
  "By default, the visibility timeout is {{30 seconds}}.",
  "The maximum is {{12 hours}}.",
  "Example: set it to {{60 seconds}} for slow consumers.",
]
lines = [7]

[[entries]]
id = "message-size"
term = "Message Size"
kind = "setting"
definition = "Up to {{256 KB}} per message."
lines = [8]

  [[entries.updates]]
  note = "256 KB per message."
  current = "Up to 1 MiB."
  since = "2025"
  source = "Some blog"

[[entries]]
id = "extended-client"
term = "Extended Client"
kind = "feature"
notes = ["Use S3 when a message is over {{256 KB}}."]
lines = [9]

[[entries]]
id = "queue-types"
term = "Queue Types"
lines = [10]

  [[entries.children]]
  id = "standard"
  term = "Standard Queue"
  kind = "type"
  definition = "Offers unlimited throughput and at-least-once delivery."
  lines = [11]

  [[entries.children]]
  id = "fifo"
  term = "FIFO Queue"
  kind = "type"
  definition = "Keeps the order of messages, with exactly-once processing."
  lines = [12]

  [[entries.children]]
  id = "delay"
  term = "Delay Queue"
  kind = "type"
  definition = "Hides new messages for a while."
  lines = [13]

[[entries]]
id = "gp2"
term = "gp2"
kind = "type"
definition = "SSD volume."
lines = [14]

[[entries]]
id = "io1"
term = "io1"
kind = "type"
definition = "SSD volume."
lines = [15]

[[questions]]
id = "sg-inbound"
origin = "notes"
type = "truefalse"
prompt = "A security group blocks all inbound traffic by default."
answer = true
explain = "All inbound traffic is blocked by default."
entry = "sg"
lines = [6]

[[questions]]
id = "eni-what"
origin = "curated"
type = "single"
prompt = "What is an ENI?"
choices = ["A virtual network card", "A disk"]
answer = "A virtual network card"
explain = "An ENI is a virtual network card."
entry = "eni"
lines = [2]
"""

TOPIC_B = """\
id = "msg"
number = 2
title = "Messaging"
lines = [20]

[[entries]]
id = "sqs"
term = "SQS"
full_form = "Simple Queue Service"
kind = "service"
definition = "A fully managed message queue."
lines = [21]

[[entries]]
id = "sns"
term = "SNS"
full_form = "Simple Notification Service"
kind = "service"
definition = "Pub/sub push delivery of messages."
lines = [22]

[[entries]]
id = "kinesis"
term = "Kinesis"
kind = "service"
definition = "Real-time streaming of data."
lines = [23]

[[entries]]
id = "spot"
term = "Spot Instances"
kind = "type"
definition = "Cheap instances you can lose."
notes = ["Up to a {{90%}} discount."]
lines = [24]

[[entries]]
id = "lambda-limits"
term = "Lambda Limits"
lines = [25]

  [[entries.children]]
  id = "env-size"
  term = "Environment variables size"
  kind = "setting"
  definition = "{{4 KB}}."
  lines = [26]
"""


@pytest.fixture(scope="module")
def small() -> QuestionBank:
    return QuestionBank.build(Course((parse_topic_text(TOPIC_A, "a.toml"), parse_topic_text(TOPIC_B, "b.toml"))))


def test_small_course_keeps_file_questions(small: QuestionBank) -> None:
    assert small.by_id["net/q/sg-inbound"].origin == "notes"
    assert small.by_id["net/q/eni-what"].origin == "curated"


def test_acronym_questions(small: QuestionBank) -> None:
    expand = small.by_id["net/gen/expand-eni"]
    assert (expand.type, expand.prompt, expand.answer) == (
        "typed",
        "What does ENI stand for?",
        "Elastic Network Interface",
    )
    # "ENI" is the initials of "Elastic Network Interface": asking for it reads it off the
    # question, so there is no "acronym" question; and the course has too few words
    # starting with E, N and I to make three full forms with the same initials.
    assert small.get("net/gen/acronym-eni") is None
    assert small.get("net/gen/pick-eni") is None
    assert small.acronyms["ENI"] == ("Elastic Network Interface",)
    assert "ENI" in expand.explain
    assert "Elastic Network Interface" in expand.explain
    # The bank grades with the course's acronyms.
    question = small.by_id["net/gen/expand-igw"]
    assert small.grade(question, "internet gateway").correct
    assert not small.grade(question, "IGW").correct  # that only copies the question


def test_pick_choices_share_the_answers_initials(bank: QuestionBank) -> None:
    pick = bank.by_id["messaging/gen/pick-sqs"]
    assert pick.answer == "Simple Queue Service"
    assert pick.choices[0] == pick.answer
    assert len(pick.choices) == 4
    # Not "Simple Notification Service": the initials alone would rule it out.
    assert all(initials(c, connectors=False) == "SQS" for c in pick.choices)
    assert bank.fact(pick.id) == bank.fact("messaging/gen/expand-sqs")
    assert bank.by_id["iam-ec2/gen/acronym-ec2"].answer == "EC2"


def test_definition_questions(small: QuestionBank) -> None:
    eni = small.by_id["net/gen/define-eni"]
    assert eni.prompt == 'Which term is defined as: "An ___ is a virtual network card of an instance."?'
    assert eni.answer == "ENI"
    assert eni.choices[0] == "ENI"
    assert set(eni.choices[1:]) <= {"IGW", "NAT", "NACL", "Security Group", "Extended Client"}
    fifo = small.by_id["net/gen/define-fifo"]
    assert set(fifo.choices[1:3]) == {"Standard Queue", "Delay Queue"}  # siblings first
    assert fifo.choices[3] in ("gp2", "io1")  # then the same kind in the same topic
    # Only two other services in the course: no fair 4-choice question, so none.
    assert small.get("msg/gen/define-kinesis") is None
    # No definition question for: "Similar to ...", a shared definition, a stale entry.
    for missing in ("define-sg", "define-gp2", "define-io1", "define-message-size"):
        assert small.get(f"net/gen/{missing}") is None, missing


def test_number_questions(small: QuestionBank) -> None:
    fact = small.by_id["net/gen/fact-visibility"]
    twin = small.by_id["net/gen/twin-visibility"]
    # The sentence names the term itself, so it stands alone; the next one gets the term as a prefix.
    assert fact.answer is True
    assert fact.prompt == "By default, the visibility timeout is 30 seconds."
    assert small.by_id["net/gen/fact-visibility-2"].prompt == "Visibility Timeout: The maximum is 12 hours."
    assert twin.answer is False
    changed = re.search(r"is (\d+) seconds", twin.prompt)
    assert changed
    assert int(changed.group(1)) in (15, 20)
    assert "{{30 seconds}}" in twin.explain
    assert twin.explain.startswith("False")
    assert small.fact(fact.id) == small.fact(twin.id)
    assert small.get("net/gen/fact-visibility-2") is not None  # "The maximum is 12 hours."
    assert small.get("net/gen/fact-visibility-3") is None  # the example is left out
    assert small.get("net/gen/fact-message-size") is None  # an entry with an update
    assert small.get("net/gen/fact-extended-client") is None  # a number an update of the topic changed
    # A child's term that says nothing of its context is led by its parent's.
    assert small.by_id["msg/gen/fact-env-size"].prompt == "Lambda Limits \u2013 Environment variables size: 4 KB."
    assert small.by_id["msg/gen/twin-env-size"].prompt in (
        "Lambda Limits \u2013 Environment variables size: 8 KB.",
        "Lambda Limits \u2013 Environment variables size: 2 KB.",
    )
    spot = small.by_id["msg/gen/twin-spot"]
    assert spot.prompt in ("Spot Instances: Up to a 45% discount.", "Spot Instances: Up to a 80% discount.")


def test_same_course_same_bank(small: QuestionBank) -> None:
    course = small.course
    assert QuestionBank.build(course).questions == small.questions
