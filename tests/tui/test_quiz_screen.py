"""Quizzes in the app, answered by keyboard, on a fake clock."""

from __future__ import annotations

from lessons.bank import QuestionBank
from lessons.quiz import QuizSpec, build_quiz
from tui.app import StartRequest
from tui.screens.quiz import QuizScreen
from tui.screens.quiz_results import QuizResults
from tui.widgets.question import QuestionView


def answer_keys(item, *, right: bool) -> list[str]:
    """The keys that answer ``item`` right (or wrong)."""
    question = item.question
    if question.type in ("single", "truefalse"):
        index = next(i for i, c in enumerate(item.choices) if (c in item.correct) == right)
        return [str(index + 1), "enter"]
    if question.type == "multi":
        picks = (
            [i for i, c in enumerate(item.choices) if c in item.correct]
            if right
            else [next(i for i, c in enumerate(item.choices) if c not in item.correct)]
        )
        return [str(i + 1) for i in picks] + ["enter"]
    text = item.correct[0] if right else "zzzz wrong 999"
    return [*text, "enter"]


def quiz_ready(app) -> bool:
    screen = app.screen
    return isinstance(screen, QuizScreen) and screen.is_mounted and screen.query_one(QuestionView).item is not None


def quiz_for(course, mode="topic", topics=("s3",), count=4, seed=7, last_results=None):
    bank = QuestionBank.build(course)
    return build_quiz(
        bank, QuizSpec(mode=mode, topics=list(topics), count=count, seed=seed), last_results=last_results or {}
    )


async def test_a_full_topic_quiz_records_every_attempt(make_app, course, store, until) -> None:
    quiz = quiz_for(course, count=5)
    app = make_app(start=StartRequest(quiz=quiz))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: quiz_ready(app))
        assert isinstance(app.screen, QuizScreen)
        for n, item in enumerate(quiz.items):
            right = n % 2 == 0
            await pilot.press(*answer_keys(item, right=right))
            await pilot.pause()
            # Write-through: the attempt is on disk while the feedback shows.
            attempts = [a for a in store.attempts() if a.question_id == item.question.id]
            assert attempts and attempts[-1].correct is right
            feedback = str(app.screen.query_one(QuestionView).query_one("#feedback").content)
            assert ("Right." if right else "Wrong.") in feedback
            assert "o open" in feedback
            await pilot.press("enter")  # Enter again continues
            await pilot.pause()
        assert isinstance(app.screen, QuizResults)
        assert app.screen.score.correct == 3 and app.screen.score.total == 5
    sessions = store.sessions()
    assert sessions[-1].mode == "topic" and sessions[-1].score == 3 and sessions[-1].total == 5
    # Every answer also scheduled the question's card.
    for item in quiz.items:
        assert store.card(item.question.id) is not None


async def test_open_entry_from_feedback_and_come_back(make_app, course, until) -> None:
    quiz = quiz_for(course, count=2)
    app = make_app(start=StartRequest(quiz=quiz))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: quiz_ready(app))
        await pilot.press(*answer_keys(quiz.items[0], right=False))
        await pilot.press("o")
        await until(pilot, lambda: app.current_mode == "learn")
        assert app.current_mode == "learn"
        assert app.screen.current.id == quiz.items[0].question.entry_id
        await pilot.press("z")  # resume the quiz
        await until(pilot, lambda: app.current_mode == "quiz")
        assert app.current_mode == "quiz" and app.screen.state.showing_feedback


async def test_mistakes_quiz_after_wrong_answers(make_app, course, store, until) -> None:
    quiz = quiz_for(course, count=4, seed=11)
    app = make_app(start=StartRequest(quiz=quiz))
    wrong_ids = set()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: quiz_ready(app))
        for n, item in enumerate(quiz.items):
            right = n >= 2
            if not right:
                wrong_ids.add(item.question.id)
            await pilot.press(*answer_keys(item, right=right), "enter")
            await pilot.pause()
        assert isinstance(app.screen, QuizResults)
        await pilot.press("m")  # retry mistakes
        await until(pilot, lambda: quiz_ready(app) and app.screen.quiz.spec.mode == "mistakes")
        assert isinstance(app.screen, QuizScreen)
        assert app.screen.quiz.spec.mode == "mistakes"
        assert {i.question.id for i in app.screen.quiz.items} == wrong_ids


async def test_exam_with_a_fake_clock_that_expires(make_app, course, clock, store, until) -> None:
    quiz = quiz_for(course, mode="exam", topics=(), count=None, seed=3)
    assert len(quiz.items) == 65 and quiz.time_limit_s == 130 * 60
    app = make_app(start=StartRequest(quiz=quiz))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: quiz_ready(app))
        screen = app.screen
        assert isinstance(screen, QuizScreen) and screen.is_exam
        assert "2:10:00 left" in screen.query_one("StatusBar").counts
        # No feedback in the exam: Enter records and moves on.
        await pilot.press(*answer_keys(quiz.items[0], right=True))
        await pilot.pause()
        assert screen.state.index == 1 and not screen.state.showing_feedback
        await pilot.press("f")  # flag question 2
        assert 1 in screen.state.flagged
        await pilot.press("left")  # back to question 1, its answer still chosen
        await pilot.pause()
        assert screen.state.index == 0
        clock.advance(minutes=129)
        screen.tick()
        assert "0:01:00 left" in screen.query_one("StatusBar").counts
        clock.advance(minutes=2)
        screen.tick()  # the interval timer calls this every second
        await until(pilot, lambda: isinstance(app.screen, QuizResults))
        assert isinstance(app.screen, QuizResults)
        score = app.screen.score
        assert score.total == 65 and score.correct == 1
        assert score.scaled == 100 + round(900 / 65) and score.passed is False
        assert len(score.by_topic) == 23
    assert [a.mode for a in store.attempts()] == ["exam"]


async def test_exam_jump_list_and_finish_dialog(make_app, course, until) -> None:
    # The keys below ("f", "j", "e", "n", "y") would be typed into a text answer: use a
    # seed whose first and third questions are choice questions, whatever the course holds.
    quiz = next(
        q
        for q in (quiz_for(course, mode="exam", topics=(), count=None, seed=s) for s in range(5, 100))
        if all(q.items[i].question.type not in ("typed", "numeric") for i in (0, 2))
    )
    app = make_app(start=StartRequest(quiz=quiz))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: quiz_ready(app))
        screen = app.screen
        await pilot.press("f", "j")
        await pilot.pause()
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert screen.state.index == 2
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("n")  # keep going
        await pilot.pause()
        assert app.screen is screen and not screen.state.finished
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, QuizResults))
        assert isinstance(app.screen, QuizResults)


async def test_typed_answers_forgive_case_and_spacing(make_app, course, until) -> None:
    bank = QuestionBank.build(course)
    typed = next(q for q in bank if q.type == "typed" and q.origin == "generated" and q.id.endswith("-eni"))
    quiz = build_quiz(
        bank, QuizSpec(mode="due", topics=[typed.topic_id]), due_ids=[typed.id], rng=__import__("random").Random(1)
    )
    app = make_app(start=StartRequest(quiz=quiz))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: quiz_ready(app))
        answer = str(typed.answer).upper().replace(" ", "  ")
        await pilot.press(*answer, "enter")
        await pilot.pause()
        assert app.screen.state.grades[0].correct


async def test_q_during_a_quiz_offers_to_resume(make_app, course, until) -> None:
    quiz = quiz_for(course, count=3)
    app = make_app(start=StartRequest(quiz=quiz))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: quiz_ready(app))
        await pilot.press("l")  # back to lessons
        await until(pilot, lambda: app.current_mode == "learn")
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("r")  # resume
        await until(pilot, lambda: app.current_mode == "quiz")
        assert app.current_mode == "quiz" and app.screen.quiz is quiz


async def test_a_dropped_session_resumes_the_unfinished_quiz(make_app, course, store, until) -> None:
    quiz = quiz_for(course, count=4, seed=21)
    first = make_app(start=StartRequest(quiz=quiz))
    async with first.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: quiz_ready(first))
        await pilot.press(*answer_keys(quiz.items[0], right=True), "enter")
        await pilot.pause()
        await pilot.press(*answer_keys(quiz.items[1], right=False))
        await pilot.pause()
        # The connection drops here: nothing more is saved than what the store already has.
    again = make_app()
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("z")
        await until(pilot, lambda: quiz_ready(again))
        screen = again.screen
        assert [i.question.id for i in screen.quiz.items] == [i.question.id for i in quiz.items]
        assert [i.choices for i in screen.quiz.items] == [i.choices for i in quiz.items]
        assert set(screen.state.responses) == {0, 1}
        assert screen.state.index == 2  # on to the first unanswered question
        assert "score 1/2" in screen.query_one("StatusBar").counts
        for item in quiz.items[2:]:
            await pilot.press(*answer_keys(item, right=True), "enter")
            await pilot.pause()
        await until(pilot, lambda: isinstance(again.screen, QuizResults))
        assert again.screen.score.correct == 3 and again.screen.score.total == 4
    assert store.get_setting("quiz_in_progress") is None
    assert len([a for a in store.attempts()]) == 4
