"""The quiz session: what is recorded, navigation, time, and resuming after a dropped session."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons.model import Question
from lessons.quiz import Quiz, QuizItem, QuizSpec
from lessons.session import AnswerRejected, QuizSession, duration_text, format_clock, numeric_problem


def question(slug: str, qtype: str, answer, choices: tuple[str, ...] = (), prompt: str = "?") -> Question:
    return Question(
        id=f"t/q/{slug}",
        slug=slug,
        topic_id="t",
        origin="curated",
        type=qtype,
        prompt=prompt,
        choices=choices,
        answer=answer,
        accept=(),
        tolerance=0.0,
        explain="Because.",
        entry_id="t/e",
        lines=(1,),
    )


QUESTIONS = [
    question("one", "single", "B", ("A", "B", "C", "D")),
    question("two", "truefalse", True, prompt="True?"),
    question("three", "numeric", 24.0, prompt="How many RCU do you need?"),
    question("four", "multi", ("A", "C"), ("A", "B", "C", "D", "E")),
    question("five", "typed", "SSE-KMS"),
]
RIGHT = ["B", True, "24", ("A", "C"), "SSE-KMS"]
WRONG = ["A", False, "25", ("A", "B"), "SSE-C"]


def make_quiz(mode: str = "exam", count: int = 5) -> Quiz:
    items = []
    for q in QUESTIONS[:count]:
        if q.type == "truefalse":
            items.append(QuizItem(q, ("True", "False"), ("True" if q.answer else "False",)))
        elif q.type in ("single", "multi"):
            items.append(QuizItem(q, q.choices, q.correct_choices))
        else:
            items.append(QuizItem(q, (), (str(q.answer),)))
    limit = 130 * 60 if mode == "exam" else None
    return Quiz(items=items, spec=QuizSpec(mode=mode), time_limit_s=limit, seed=1)


# ---------------------------------------------------------------- practice


def test_practice_records_each_answer_once_and_locks_it() -> None:
    session = QuizSession(make_quiz("topic"), started=100.0)
    attempt = session.answer("A", now=104.0)
    assert attempt is not None
    assert attempt.question.id == "t/q/one"
    assert not attempt.grade.correct
    assert attempt.seconds == pytest.approx(4.0)
    assert session.feedback
    assert session.locked
    with pytest.raises(AnswerRejected, match="Already answered"):
        session.answer("B", now=105.0)
    assert session.proceed(now=106.0) is False
    assert session.index == 1
    assert not session.feedback
    second = session.answer(True, now=109.0)
    assert second is not None
    assert second.grade.correct
    assert second.seconds == pytest.approx(3.0)
    assert session.finish() == []  # practice answers were recorded as given


def test_practice_last_question_ends() -> None:
    session = QuizSession(make_quiz("topic", count=1), started=0.0)
    session.answer("B", now=1.0)
    assert session.proceed(now=2.0) is True
    assert session.score().correct == 1


# ---------------------------------------------------------------- exam


def test_exam_records_one_final_answer_per_question_at_the_end() -> None:
    session = QuizSession(make_quiz("exam"), started=0.0)
    assert session.answer("A", now=5.0) is None  # nothing recorded while the exam runs
    assert session.index == 1  # on to the next unanswered question
    assert session.move(-1, now=6.0)
    assert session.index == 0
    assert session.answer("B", now=8.0) is None  # changed: still nothing recorded
    attempts = session.finish()
    assert [(a.question.slug, a.response, a.grade.correct) for a in attempts] == [("one", "B", True)]
    assert [a.seconds for a in attempts] == [pytest.approx(5.0 + 2.0)]  # both visits to question 1
    assert session.finish() == []  # idempotent


def test_exam_navigation_flags_and_states() -> None:
    session = QuizSession(make_quiz("exam"), started=0.0)
    assert session.toggle_flag() is True
    assert session.state_of(0) == "unanswered, flagged"
    session.answer("B", now=1.0)
    assert session.state_of(0) == "answered, flagged"
    assert session.state_of(1) == "unanswered"
    assert session.jump(4, now=2.0)
    assert session.index == 4
    assert not session.jump(5, now=2.0)
    assert not session.move(1, now=2.0)
    assert session.toggle_flag() is True
    assert session.flagged == {0, 4}


def test_exam_time_left_and_expiry() -> None:
    session = QuizSession(make_quiz("exam"), started=1000.0)
    assert session.time_left(1000.0) == 130 * 60
    assert not session.expired(1000.0 + 130 * 60 - 1)
    assert session.expired(1000.0 + 130 * 60)
    assert session.time_left(10**9) == 0


def test_unanswered_exam_questions_count_as_wrong() -> None:
    session = QuizSession(make_quiz("exam"), started=0.0)
    session.answer("B", now=1.0)
    session.finish()
    score = session.score()
    assert (score.correct, score.total) == (1, 5)
    assert score.scaled == 100 + 900 * 1 // 5
    assert score.passed is False
    assert [item.question.slug for item, _ in session.mistakes()] == ["two", "three", "four", "five"]


# ---------------------------------------------------------------- responses


@pytest.mark.parametrize("text", ["ten", "about 5", "5 apples", "", "24 or 25"])
def test_a_numeric_question_takes_a_number(text: str) -> None:
    q = QUESTIONS[2]
    assert numeric_problem(q, text) is not None
    session = QuizSession(make_quiz("topic"), started=0.0, index=2)
    with pytest.raises(AnswerRejected):
        session.answer(text, now=1.0)
    assert session.responses == {}
    assert not session.feedback


@pytest.mark.parametrize("text", ["24", "24 RCU", "24 rcus", "1,000", "2k", "24 KB", "1e3", "24."])
def test_numbers_with_the_question_units_are_numbers(text: str) -> None:
    assert numeric_problem(QUESTIONS[2], text) is None


def test_empty_responses_are_rejected() -> None:
    session = QuizSession(make_quiz("topic"), started=0.0)
    for empty in (None, "", ()):
        with pytest.raises(AnswerRejected, match="answer first"):
            session.answer(empty, now=1.0)


def test_clock_counts_minutes_above_ten_minutes() -> None:
    assert format_clock(130 * 60) == "2 h 10 min left"
    assert format_clock(11 * 60) == "11 min left"
    assert format_clock(10 * 60 + 1) == "11 min left"
    assert format_clock(600) == "10:00 left"
    assert format_clock(59) == "0:59 left"
    assert format_clock(-5) == "0:00 left"


def test_duration_of_a_quiz() -> None:
    assert duration_text(37.4) == "37 s"
    assert duration_text(249) == "4 min 09 s"
    assert duration_text(3900) == "1 h 05 min"


# ---------------------------------------------------------------- snapshots


def test_snapshot_restore_round_trips_mid_exam(tmp_path) -> None:
    session = QuizSession(make_quiz("exam"), started=50.0, session_id="s1")
    session.answer("B", now=60.0)
    session.answer(True, now=70.0)
    session.toggle_flag()
    data = json.loads(json.dumps(session.snapshot(now=110.0)))  # survives JSON, as in the store
    back = QuizSession.restore(data, bank=None, now=5000.0)
    assert back is not None
    assert back.session_id == "s1"
    assert back.index == session.index
    assert back.responses == session.responses
    assert back.flagged == session.flagged
    assert back.elapsed(5000.0) == pytest.approx(60.0)  # the clock did not run while away
    assert back.time_left(5000.0) == pytest.approx(130 * 60 - 60.0)
    assert {i: g.correct for i, g in back.grades.items()} == {0: True, 1: True}
    assert [a.question.id for a in back.finish()] == ["t/q/one", "t/q/two"]


def test_restore_refuses_what_it_cannot_rebuild() -> None:
    good = QuizSession(make_quiz("exam"), started=0.0).snapshot(now=1.0)
    assert QuizSession.restore(None, None, 0.0) is None
    assert QuizSession.restore({**good, "format": 1}, None, 0.0) is None
    assert QuizSession.restore({**good, "items": []}, None, 0.0) is None
    assert QuizSession.restore({**good, "elapsed": "soon"}, None, 0.0) is None
    assert QuizSession.restore({**good, "responses": {"1": "not a bool"}}, None, 0.0) is None
    assert QuizSession.restore({k: v for k, v in good.items() if k != "items"}, None, 0.0) is None


def test_practice_resumes_at_the_next_unanswered_question() -> None:
    session = QuizSession(make_quiz("topic"), started=0.0)
    session.answer("B", now=1.0)
    back = QuizSession.restore(session.snapshot(now=2.0), None, now=10.0)
    assert back is not None
    assert back.index == 1
    assert back.recorded == {0}
    assert not back.jump(0, now=11.0)  # a practice quiz never goes back to an answered question
    assert back.answer(True, now=12.0) is not None
    assert back.index == 1


# ---------------------------------------------------------------- any sequence of actions

ACTIONS = st.lists(
    st.one_of(
        st.tuples(st.just("answer"), st.integers(0, 1)),  # right (0) or wrong (1)
        st.tuples(st.just("move"), st.sampled_from([-1, 1])),
        st.tuples(st.just("jump"), st.integers(-1, 6)),
        st.tuples(st.just("flag"), st.just(0)),
        st.tuples(st.just("garbage"), st.just(0)),
        st.tuples(st.just("resume"), st.just(0)),
    ),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(actions=ACTIONS, mode=st.sampled_from(["exam", "topic"]))
def test_any_sequence_records_at_most_one_attempt_per_question(actions, mode: str) -> None:
    session = QuizSession(make_quiz(mode), started=0.0)
    recorded: list[str] = []
    now = 0.0
    for action, arg in actions:
        now += 1.0
        if action == "answer":
            response = (RIGHT if arg == 0 else WRONG)[session.index]
            try:
                attempt = session.answer(response, now)
            except AnswerRejected:
                attempt = None
            if attempt is not None:
                recorded.append(attempt.question.id)
            if not session.is_exam and session.feedback and session.proceed(now):
                break
        elif action == "move":
            session.move(arg, now)
        elif action == "jump":
            session.jump(arg, now)
        elif action == "flag":
            session.toggle_flag()
        elif action == "garbage":
            with pytest.raises(AnswerRejected):
                session.answer(None, now)
        else:  # a dropped connection and a resume
            restored = QuizSession.restore(json.loads(json.dumps(session.snapshot(now))), None, now + 500)
            assert restored is not None
            assert restored.responses == session.responses
            assert restored.flagged == session.flagged
            assert restored.elapsed(now + 500) == pytest.approx(session.elapsed(now))
            session = restored
            now += 500
    recorded += [a.question.id for a in session.finish()]
    assert len(recorded) == len(set(recorded)), recorded
    assert set(recorded) == {session.quiz.items[i].question.id for i in session.responses}
    assert session.finish() == []
