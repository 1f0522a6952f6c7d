"""Building quizzes: every mode, fairness, reproducibility, the exam and its score."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from lessons import markup
from lessons.bank import QuestionBank
from lessons.grading import Grade
from lessons.loader import load_course
from lessons.quiz import (
    EXAM_QUESTIONS,
    EXAM_TIME_S,
    PASS_SCORE,
    Quiz,
    QuizError,
    QuizSpec,
    build_quiz,
    scaled_score,
)


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    return QuestionBank.build(load_course().course)


def snapshot(quiz: Quiz) -> list[tuple]:
    """Everything a learner sees of a quiz, in order."""
    return [(i.question.id, i.question.prompt, i.question.answer, i.choices, i.correct) for i in quiz.items]


def assert_fair(bank: QuestionBank, quiz: Quiz) -> None:
    ids = [i.question.id for i in quiz.items]
    assert len(ids) == len(set(ids)), "a question repeats"
    facts = [bank.fact(i) for i in ids]
    assert len(facts) == len(set(facts)), "two questions of one fact"
    for item in quiz.items:
        q = item.question
        if q.type in ("single", "multi"):
            folded = [" ".join(markup.plain(c).casefold().split()) for c in item.choices]
            assert len(folded) == len(set(folded)), f"duplicate choices in {q.id}"
            assert item.correct, q.id
            assert all(c in item.choices for c in item.correct), q.id
            assert sorted(item.choices) == sorted(q.choices)
            assert set(item.correct) == set(q.correct_choices)
        elif q.type == "truefalse":
            assert item.choices == ("True", "False")
            assert item.correct == (("True",) if q.answer else ("False",))
        else:
            assert item.choices == ()
            assert len(item.correct) == 1
            assert bank.grade(q, item.correct[0]).correct, q.id


# --------------------------------------------------------------------------- modes


def test_topic_quiz(bank: QuestionBank) -> None:
    quiz = build_quiz(bank, QuizSpec("topic", ["dynamodb"], seed=1))
    assert len(quiz.items) == 10
    assert quiz.time_limit_s is None
    assert quiz.seed == 1
    assert {i.question.topic_id for i in quiz.items} == {"dynamodb"}
    assert_fair(bank, quiz)
    by_number = build_quiz(bank, QuizSpec("topic", ["18"], seed=1))
    assert snapshot(by_number) == snapshot(quiz)
    assert snapshot(build_quiz(bank, QuizSpec("topic", [18], seed=1))) == snapshot(quiz)  # type: ignore[list-item]
    assert len(build_quiz(bank, QuizSpec("topic", ["sam"], count=3, seed=2)).items) == 3


def test_topic_quiz_mixes_file_and_generated_questions(bank: QuestionBank) -> None:
    origins: Counter[str] = Counter()
    for seed in range(40):
        quiz = build_quiz(bank, QuizSpec("topic", ["messaging"], seed=seed))
        origins.update("file" if i.question.origin != "generated" else "generated" for i in quiz.items)
    share = origins["file"] / sum(origins.values())
    assert 0.3 < share < 0.7, origins


def test_mixed_quiz_spreads_evenly(bank: QuestionBank) -> None:
    quiz = build_quiz(bank, QuizSpec("mixed", ["iam-ec2", "s3", "lambda"], count=9, seed=4))
    assert Counter(i.question.topic_id for i in quiz.items) == {"iam-ec2": 3, "s3": 3, "lambda": 3}
    quiz = build_quiz(bank, QuizSpec("mixed", ["iam-ec2", "s3", "lambda"], count=10, seed=4))
    spread = Counter(i.question.topic_id for i in quiz.items)
    assert sum(spread.values()) == 10
    assert max(spread.values()) - min(spread.values()) <= 1
    assert_fair(bank, quiz)
    everything = build_quiz(bank, QuizSpec("mixed", count=2 * len(bank.course.topics), seed=5))
    assert Counter(i.question.topic_id for i in everything.items) == {t.id: 2 for t in bank.course.topics}
    # Topics in a row are shuffled, not grouped.
    order = [i.question.topic_id for i in build_quiz(bank, QuizSpec("mixed", ["1", "2"], count=12, seed=9)).items]
    assert order != sorted(order)
    assert order != sorted(order, reverse=True)


def test_mistakes_quiz(bank: QuestionBank) -> None:
    wrong = ["dynamodb/q/optimistic-locking", "messaging/q/visibility-default", "iam-ec2/gen/expand-eni"]
    results = {qid: False for qid in wrong} | {"s3/q/" + "x": False, "dynamodb/gen/define-scan": True}
    quiz = build_quiz(bank, QuizSpec("mistakes", seed=3), last_results=results)
    assert sorted(i.question.id for i in quiz.items) == sorted(wrong)  # unknown ids are ignored
    only = build_quiz(bank, QuizSpec("mistakes", ["dynamodb"], seed=3), last_results=results)
    assert [i.question.id for i in only.items] == ["dynamodb/q/optimistic-locking"]
    assert len(build_quiz(bank, QuizSpec("mistakes", count=2, seed=3), last_results=results).items) == 2
    # Two variants of one fact are never asked together, even as mistakes.
    both = {"iam-ec2/gen/expand-eni": False, "iam-ec2/gen/acronym-eni": False}
    assert len(build_quiz(bank, QuizSpec("mistakes", seed=3), last_results=both).items) == 1


def test_due_quiz_keeps_the_schedulers_order(bank: QuestionBank) -> None:
    due = [
        "messaging/q/sqs-scales",
        "nope/q/gone",
        "dynamodb/q/optimistic-locking",
        "messaging/q/sqs-scales",
        "messaging/q/visibility-default",
        "iam-ec2/gen/expand-eni",
        "iam-ec2/gen/acronym-eni",  # the same fact as the one before it
    ]
    quiz = build_quiz(bank, QuizSpec("due", seed=1), due_ids=due)
    assert [i.question.id for i in quiz.items] == [
        "messaging/q/sqs-scales",
        "dynamodb/q/optimistic-locking",
        "messaging/q/visibility-default",
        "iam-ec2/gen/expand-eni",
    ]
    assert len(build_quiz(bank, QuizSpec("due", count=1, seed=1), due_ids=due).items) == 1


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 11])
def test_exam_draws_like_the_real_exam(bank: QuestionBank, seed: int) -> None:
    quiz = build_quiz(bank, QuizSpec("exam", seed=seed))
    assert len(quiz.items) == EXAM_QUESTIONS == 65
    assert quiz.time_limit_s == EXAM_TIME_S == 130 * 60
    questions = [i.question for i in quiz.items]
    domains = Counter(q.domain for q in questions)
    for wanted, number in zip((21, 17, 15, 12), (1, 2, 3, 4), strict=True):  # 32/26/24/18 % of 65
        assert abs(domains[number] - wanted) <= 1, domains
    assert {q.origin for q in questions} <= {"notes", "curated", "scenario"}  # no generated recall items
    assert sum(q.origin == "scenario" for q in questions) >= 0.7 * 65
    assert None not in domains  # nothing outside the blueprint
    assert len({q.task for q in questions}) == 13  # every task statement is asked
    assert_fair(bank, quiz)


def test_a_domain_quiz_keeps_to_its_domain_and_prefers_scenarios(bank: QuestionBank) -> None:
    for domain in (1, 2, 3, 4):
        quiz = build_quiz(bank, QuizSpec("mixed", domain=domain, count=20, seed=domain))
        questions = [i.question for i in quiz.items]
        assert len(questions) == 20
        assert {q.domain for q in questions} == {domain}
        assert sum(q.origin == "scenario" for q in questions) >= 0.7 * 20
        assert_fair(bank, quiz)
    exam = build_quiz(bank, QuizSpec("exam", domain=2, count=30, seed=1))
    assert {i.question.domain for i in exam.items} == {2}
    with pytest.raises(QuizError, match="unknown exam domain"):
        build_quiz(bank, QuizSpec("mixed", domain=5))


def test_mixed_quizzes_prefer_scenarios_and_topic_drills_keep_recall(bank: QuestionBank) -> None:
    mixed = build_quiz(bank, QuizSpec("mixed", count=40, seed=3))
    assert sum(i.question.origin == "scenario" for i in mixed.items) >= 20
    drill = build_quiz(bank, QuizSpec("topic", ["dynamodb"], count=20, seed=3))
    assert sum(i.question.origin == "generated" for i in drill.items) >= 5


def test_exam_score_scale_and_pass_mark(bank: QuestionBank) -> None:
    assert scaled_score(65, 65) == 1000
    assert scaled_score(0, 65) == 100
    assert scaled_score(45, 65) == 723
    assert scaled_score(44, 65) == 709
    assert scaled_score(1, 2) == 550
    assert PASS_SCORE == 720
    quiz = build_quiz(bank, QuizSpec("exam", seed=2))
    passed = quiz.score([True] * 45 + [False] * 20)
    assert (passed.correct, passed.total, passed.scaled, passed.passed) == (45, 65, 723, True)
    failed = quiz.score([True] * 44)  # missing answers count as wrong
    assert (failed.correct, failed.total, failed.scaled, failed.passed) == (44, 65, 709, False)
    assert sum(t.total for t in failed.by_topic) == 65
    assert sum(t.correct for t in failed.by_topic) == 44
    order = [t.id for t in bank.course.topics]
    assert [t.topic for t in failed.by_topic] == sorted({t.topic for t in failed.by_topic}, key=order.index)


def test_score_of_a_practice_quiz(bank: QuestionBank) -> None:
    quiz = build_quiz(bank, QuizSpec("mixed", ["s3", "vpc"], count=4, seed=8))
    first, second = quiz.items[0].question.id, quiz.items[1].question.id
    score = quiz.score({first: True, second: Grade(True, "x", "x")})
    assert (score.correct, score.total, score.scaled, score.passed) == (2, 4, None, None)
    assert score.percent == 50.0
    assert {t.topic for t in score.by_topic} == {"s3", "vpc"}


def test_quiz_grades_its_items(bank: QuestionBank) -> None:
    quiz = build_quiz(bank, QuizSpec("topic", ["iam-ec2"], count=13, seed=6))
    for index, item in enumerate(quiz.items):
        if item.question.type in ("single", "multi", "truefalse"):
            response = item.correct[0] if item.question.type != "multi" else set(item.correct)
        else:
            response = item.correct[0]
        assert quiz.grade(index, response).correct, item.question.id


# --------------------------------------------------------------------------- fairness and seeds


@pytest.mark.parametrize("mode", ["topic", "mixed", "exam"])
def test_same_seed_same_quiz(bank: QuestionBank, mode: str) -> None:
    spec = QuizSpec(mode, ["dynamodb"] if mode == "topic" else [], seed=42)
    first, second = build_quiz(bank, spec), build_quiz(bank, spec)
    assert snapshot(first) == snapshot(second)  # questions, order, choice order, numeric parameters
    other = build_quiz(bank, QuizSpec(mode, spec.topics, seed=43))
    assert snapshot(other) != snapshot(first)


def test_an_rng_can_be_passed_in(bank: QuestionBank) -> None:
    spec = QuizSpec("topic", ["lambda"])
    one = build_quiz(bank, spec, rng=random.Random(5))
    two = build_quiz(bank, spec, rng=random.Random(5))
    assert snapshot(one) == snapshot(two)
    assert one.seed is None
    fresh = build_quiz(bank, spec)
    assert fresh.seed is not None
    assert snapshot(build_quiz(bank, QuizSpec("topic", ["lambda"], seed=fresh.seed))) == snapshot(fresh)


def test_numeric_variants_get_fresh_parameters(bank: QuestionBank) -> None:
    prompts = set()
    for seed in range(30):
        quiz = build_quiz(bank, QuizSpec("topic", ["dynamodb"], count=40, seed=seed))
        for item in quiz.items:
            if item.question.id == "dynamodb/gen/calc-rcu":
                prompts.add(item.question.prompt)
                assert bank.grade(item.question, item.correct[0]).correct
    assert len(prompts) >= 3


@pytest.mark.parametrize("seed", range(12))
def test_fair_for_many_seeds(bank: QuestionBank, seed: int) -> None:
    topic = bank.course.topics[seed % len(bank.course.topics)].id
    assert_fair(bank, build_quiz(bank, QuizSpec("topic", [topic], seed=seed)))
    assert_fair(bank, build_quiz(bank, QuizSpec("mixed", count=30, seed=seed)))


def test_whole_topic_without_repeats(bank: QuestionBank) -> None:
    pool = bank.topic_questions("sam")
    facts = {bank.fact(q.id) for q in pool}
    quiz = build_quiz(bank, QuizSpec("topic", ["sam"], count=len(facts), seed=1))
    assert len(quiz.items) == len(facts)
    assert_fair(bank, quiz)


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        (QuizSpec("topic", ["no-such-topic"]), "unknown topic 'no-such-topic'"),
        (QuizSpec("topic", ["99"]), "unknown topic '99'"),
        (QuizSpec("mixed", ["s3", "nope"]), "unknown topic 'nope'"),
        (QuizSpec("topic", ["s3"], count=0), "at least 1"),
        (QuizSpec("topic", ["s3"], count=-3), "at least 1"),
        (QuizSpec("topic", ["s3"], count=5000), "only"),
        (QuizSpec("mixed", ["s3", "vpc"], count=5000), "only"),
        (QuizSpec("topic", []), "exactly one topic"),
        (QuizSpec("topic", ["s3", "vpc"]), "exactly one topic"),
        (QuizSpec("mistakes"), "no mistakes"),
        (QuizSpec("due"), "nothing is due"),
        (QuizSpec("cram"), "unknown quiz mode"),
    ],
)
def test_errors_are_one_line_for_the_learner(bank: QuestionBank, spec: QuizSpec, words: str) -> None:
    with pytest.raises(QuizError) as caught:
        build_quiz(bank, spec, last_results={"s3/q/x": True})
    assert words in caught.value.message
    assert "\n" not in caught.value.message
    assert str(caught.value) == caught.value.message


def test_more_mistakes_asked_than_made(bank: QuestionBank) -> None:
    with pytest.raises(QuizError, match="only 1 mistake to review"):
        build_quiz(bank, QuizSpec("mistakes", count=5), last_results={"dynamodb/q/optimistic-locking": False})
