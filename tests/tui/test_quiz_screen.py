"""Quizzes in the app, answered by keyboard, on a fake clock."""

from __future__ import annotations

import random

from textual.widgets import Input, OptionList

from lessons.bank import QuestionBank
from lessons.quiz import QuizSpec, build_quiz
from tui.app import StartRequest
from tui.screens.quiz import QuizScreen
from tui.screens.quiz_jump import JumpList
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
    if question.type == "numeric":
        text = item.correct[0] if right else "987654"
        return [*text, "enter"]
    text = item.correct[0] if right else "zzzz wrong"
    return [*text, "enter"]


def quiz_ready(app) -> bool:
    screen = app.screen
    return isinstance(screen, QuizScreen) and screen.is_mounted and screen.query_one(QuestionView).item is not None


def quiz_for(course, mode="topic", topics=("s3",), count: int | None = 4, seed=7, last_results=None):
    bank = QuestionBank.build(course)
    return build_quiz(
        bank, QuizSpec(mode=mode, topics=list(topics), count=count, seed=seed), last_results=last_results or {}
    )


CHOICES = ("single", "truefalse", "multi")


def exam_where(course, first_types=CHOICES, count: int = 2):
    """An exam whose first ``count`` questions are of ``first_types`` (the draw depends on the course)."""
    for seed in range(200):
        quiz = quiz_for(course, mode="exam", topics=(), count=None, seed=seed)
        if all(item.question.type in first_types for item in quiz.items[:count]):
            return quiz
    raise AssertionError("no such exam in 200 seeds")


def single_quiz(course, qtype: str, seed: int = 1):
    """A one-question quiz of a question of ``qtype``."""
    bank = QuestionBank.build(course)
    question = next(q for q in bank if q.type == qtype and not bank.is_template(q.id))
    return build_quiz(
        bank, QuizSpec(mode="due", topics=[question.topic_id]), due_ids=[question.id], rng=random.Random(seed)
    )


def status(app) -> str:
    bar = app.screen.query_one("StatusBar")
    return f"{bar.where} {bar.counts}"


async def test_a_full_topic_quiz_records_every_attempt(make_app, course, store, until) -> None:
    quiz = quiz_for(course, count=5)
    app = make_app(start=StartRequest(quiz=quiz))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: quiz_ready(app))
        for n, item in enumerate(quiz.items):
            right = n % 2 == 0
            await pilot.press(*answer_keys(item, right=right))
            await pilot.pause()
            # Write-through: the attempt is on disk while the feedback shows.
            attempts = [a for a in store.attempts() if a.question_id == item.question.id]
            assert len(attempts) == 1
            assert attempts[-1].correct is right
            feedback = str(app.screen.query_one(QuestionView).query_one("#feedback").content)
            assert ("Right." if right else "Wrong.") in feedback
            assert "o open" in feedback
            await pilot.press("enter")  # Enter again continues
            await pilot.pause()
        assert isinstance(app.screen, QuizResults)
        assert app.screen.score.correct == 3
        assert app.screen.score.total == 5
    sessions = store.sessions()
    assert sessions[-1].mode == "topic"
    assert sessions[-1].score == 3
    assert sessions[-1].total == 5
    for item in quiz.items:  # every answer also scheduled the question's card
        assert store.card(item.question.id) is not None
    assert store.get_setting("quiz_in_progress") is None


async def test_l_on_the_results_returns_to_the_lessons(make_app, course, until) -> None:
    quiz = quiz_for(course, count=1)
    app = make_app(start=StartRequest(quiz=quiz))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: quiz_ready(app))
        await pilot.press(*answer_keys(quiz.items[0], right=True), "enter")
        await until(pilot, lambda: isinstance(app.screen, QuizResults))
        await pilot.press("l")
        await until(pilot, lambda: app.current_mode == "learn")
        assert app.is_running
        assert app.return_code is None
        assert type(app.screen).__name__ == "MainScreen"
        assert app.quiz_screen is None  # the finished quiz is gone
        await pilot.press("n")  # and the lessons work
        await pilot.pause()
        assert app.is_running


async def test_the_results_open_at_the_score(make_app, course, until) -> None:
    quiz = exam_where(course, count=1)
    app = make_app(start=StartRequest(quiz=quiz))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: quiz_ready(app))
        await pilot.press("escape", "q")  # (out of an answer box, if any)
        await pilot.pause()
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, QuizResults))
        await pilot.pause()
        results = app.screen.query_one("#results")
        assert results.scroll_y == 0
        assert app.screen.focused is results
        assert len(app.screen.query_one("#wrong", OptionList).options) == 65
        await pilot.press("enter")  # first Enter: into the list of mistakes
        assert isinstance(app.screen.focused, OptionList)


async def test_open_entry_from_feedback_and_come_back(make_app, course, until) -> None:
    quiz = quiz_for(course, count=2)
    app = make_app(start=StartRequest(quiz=quiz))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: quiz_ready(app))
        await pilot.press(*answer_keys(quiz.items[0], right=False))
        await pilot.press("o")
        await until(pilot, lambda: app.current_mode == "learn")
        assert app.screen.current.id == quiz.items[0].question.entry_id
        await pilot.press("z")  # resume the quiz
        await until(pilot, lambda: app.current_mode == "quiz")
        assert app.screen.session.feedback


async def test_mistakes_quiz_after_wrong_answers(make_app, course, until) -> None:
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
        await until(pilot, lambda: quiz_ready(app) and app.screen.session.quiz.spec.mode == "mistakes")
        assert {i.question.id for i in app.screen.session.quiz.items} == wrong_ids


async def test_an_exam_question_answered_twice_is_one_attempt(make_app, course, store, until) -> None:
    quiz = exam_where(course, ("single",), count=1)
    app = make_app(start=StartRequest(quiz=quiz))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: quiz_ready(app))
        screen = app.screen
        first = quiz.items[0]
        await pilot.press(*answer_keys(first, right=False))
        await pilot.pause()
        assert screen.session.index == 1
        assert list(store.attempts()) == []
        await pilot.press("escape", "p")  # back to question 1 (out of an answer box first, if any)
        await pilot.pause()
        assert screen.session.index == 0
        await pilot.press(*answer_keys(first, right=True))  # answered again
        await pilot.pause()
        await pilot.press("escape", "q")  # (out of an answer box, if any)
        await pilot.pause()
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, QuizResults))
        assert app.screen.score.correct == 1
    attempts = list(store.attempts())
    assert [(a.question_id, a.correct, a.mode) for a in attempts] == [(first.question.id, True, "exam")]


async def test_exam_with_a_fake_clock_that_expires(make_app, course, clock, store, until) -> None:
    quiz = exam_where(course)
    assert len(quiz.items) == 65
    assert quiz.time_limit_s == 130 * 60
    app = make_app(start=StartRequest(quiz=quiz))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: quiz_ready(app))
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        assert screen.session.is_exam
        assert "2 h 10 min left" in status(app)
        await pilot.press(*answer_keys(quiz.items[0], right=True))
        await pilot.pause()
        assert screen.session.index == 1
        assert not screen.session.feedback
        await pilot.press("m")  # mark question 2: the timer stays on the status line
        assert 1 in screen.session.flagged
        assert "[marked]" in status(app)
        assert "2 h 10 min left" in status(app)
        await pilot.press("left")
        await pilot.pause()
        assert screen.session.index == 0
        clock.advance(minutes=129)
        screen.tick()
        assert "1:00 left" in status(app)
        clock.advance(minutes=2)
        screen.tick()  # the interval timer calls this every second
        await until(pilot, lambda: isinstance(app.screen, QuizResults))
        score = app.screen.score
        assert score.total == 65
        assert score.correct == 1
        assert score.scaled == 100 + round(900 / 65)
        assert score.passed is False
    assert [a.mode for a in store.attempts()] == ["exam"]


async def test_exam_jump_list_shows_each_state_and_the_finish_dialog(make_app, course, until) -> None:
    quiz = exam_where(course)
    app = make_app(start=StartRequest(quiz=quiz))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: quiz_ready(app))
        screen = app.screen
        await pilot.press("m", *answer_keys(quiz.items[0], right=True))
        await pilot.press("escape", "j")  # (question 2 may have an answer box: leave it first)
        await until(pilot, lambda: isinstance(app.screen, JumpList))
        prompts = [str(o.prompt) for o in app.screen.query_one(OptionList).options]
        assert prompts[0].startswith(" 1. [answered, flagged] ")
        assert prompts[1].startswith(" 2. [unanswered] ")
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert screen.session.index == 3
        await pilot.press("escape", "q")  # (out of an answer box, if any)
        await pilot.pause()
        await pilot.press("n")  # keep going
        await pilot.pause()
        assert app.screen is screen
        assert not screen.session.finished
        await pilot.press("escape", "q")  # (out of an answer box, if any)
        await pilot.pause()
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, QuizResults))


async def test_exam_keys_work_from_a_typed_question_without_typing_them(make_app, course, until) -> None:
    bank = QuestionBank.build(course)
    quiz, typed = None, None
    for seed in range(200):
        quiz = build_quiz(bank, QuizSpec(mode="exam", seed=seed))
        typed = next((i for i, item in enumerate(quiz.items) if item.question.type in ("typed", "numeric")), None)
        if typed is not None and quiz.items[0].question.type in CHOICES:
            break
    assert quiz is not None
    assert typed is not None
    app = make_app(start=StartRequest(quiz=quiz))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: quiz_ready(app))
        screen = app.screen
        await pilot.press("j")
        await until(pilot, lambda: isinstance(app.screen, JumpList))
        app.screen.dismiss(typed)
        await until(pilot, lambda: screen.session.index == typed and isinstance(app.focused, Input))
        box = app.screen.query_one(Input)
        await pilot.press("f", "j", "m", "q", "e")  # letters go into the box
        assert box.value == "fjmqe"
        assert screen.session.flagged == set()
        assert app.screen is screen
        footer_keys = {key for key, active in screen.active_bindings.items() if active.binding.show}
        assert "m" not in footer_keys
        assert "escape" in footer_keys
        await pilot.press("escape")  # out of the box: now the keys are the exam's
        assert not isinstance(app.focused, Input)
        await pilot.press("m")
        assert screen.session.flagged == {typed}
        await pilot.press("j")
        await until(pilot, lambda: isinstance(app.screen, JumpList))
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        await pilot.press("escape", "q")  # (out of an answer box, if any)
        await pilot.pause()
        assert type(app.screen).__name__ == "ChoiceDialog"
        await pilot.press("n")
        await pilot.pause()
        assert box.value == "fjmqe"


async def test_six_options_and_the_exam_keys_do_not_collide(make_app, course, until) -> None:
    bank = QuestionBank.build(course)
    multi = next((q for q in bank if q.type == "multi" and len(q.choices) == 6), None)
    if multi is None:
        multi = next(q for q in bank if q.type == "multi")
    quiz = build_quiz(bank, QuizSpec(mode="exam", seed=1))
    quiz.items[0] = build_quiz(
        bank, QuizSpec(mode="due", topics=[multi.topic_id]), due_ids=[multi.id], rng=random.Random(0)
    ).items[0]
    app = make_app(start=StartRequest(quiz=quiz))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: quiz_ready(app))
        screen = app.screen
        letters = "abcdef"[: len(quiz.items[0].choices)]
        await pilot.press(*letters)  # every option toggled, nothing else happens
        assert screen.query_one("#choices").selected == set(range(len(letters)))
        assert screen.session.flagged == set()
        assert app.screen is screen
        assert screen.session.index == 0


async def test_numeric_questions_want_a_number_and_open_the_calculator(make_app, course, store, until) -> None:
    quiz = single_quiz(course, "numeric")
    app = make_app(start=StartRequest(quiz=quiz))
    said: list[str] = []
    app.notify = lambda message, **kwargs: said.append(str(message))  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: quiz_ready(app))
        screen = app.screen
        await pilot.press("t", "e", "n", "enter")
        await pilot.pause()
        assert screen.session.responses == {}
        assert list(store.attempts()) == []
        assert any("Enter a number" in line for line in said), said
        box = screen.query_one(Input)
        assert box.value == "ten"
        await pilot.press("equals_sign")  # = opens the calculator from the box
        await until(pilot, lambda: screen.has_class("-show-calc"))
        assert box.value == "ten"


async def test_typed_answers_forgive_case_and_spacing(make_app, course, until) -> None:
    bank = QuestionBank.build(course)
    typed = next(q for q in bank if q.type == "typed" and q.origin == "generated" and q.id.endswith("-eni"))
    quiz = build_quiz(bank, QuizSpec(mode="due", topics=[typed.topic_id]), due_ids=[typed.id], rng=random.Random(1))
    app = make_app(start=StartRequest(quiz=quiz))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: quiz_ready(app))
        answer = str(typed.answer).upper().replace(" ", "  ")
        await pilot.press(*answer, "enter")
        await pilot.pause()
        assert app.screen.session.grades[0].correct


async def test_q_in_the_lessons_during_a_quiz_offers_to_resume(make_app, course, until) -> None:
    quiz = quiz_for(course, count=3)
    app = make_app(start=StartRequest(quiz=quiz))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: quiz_ready(app))
        session = app.screen.session
        await pilot.press("l")  # back to lessons
        await until(pilot, lambda: app.current_mode == "learn")
        await pilot.press("escape", "q")  # (out of an answer box, if any)
        await pilot.pause()
        await pilot.press("r")  # resume
        await until(pilot, lambda: app.current_mode == "quiz")
        assert app.screen.session is session


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
        session = again.screen.session
        assert [i.question.id for i in session.quiz.items] == [i.question.id for i in quiz.items]
        assert [i.choices for i in session.quiz.items] == [i.choices for i in quiz.items]
        assert set(session.responses) == {0, 1}
        assert session.index == 2  # on to the first unanswered question
        assert "score 1/2" in status(again)
        for item in quiz.items[2:]:
            await pilot.press(*answer_keys(item, right=True), "enter")
            await pilot.pause()
        await until(pilot, lambda: isinstance(again.screen, QuizResults))
        assert again.screen.score.correct == 3
        assert again.screen.score.total == 4
    assert store.get_setting("quiz_in_progress") is None
    assert len(list(store.attempts())) == 4


async def test_a_dropped_exam_resumes_with_its_clock_and_answers(make_app, course, clock, store, until) -> None:
    quiz = exam_where(course)
    first = make_app(start=StartRequest(quiz=quiz))
    async with first.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: quiz_ready(first))
        await pilot.press(*answer_keys(quiz.items[0], right=True))
        await pilot.pause()
        await pilot.press("m")
        clock.advance(minutes=30)
        await pilot.press(*answer_keys(quiz.items[1], right=False))
        await pilot.pause()
    assert list(store.attempts()) == []  # an unfinished exam is not attempts
    clock.advance(hours=5)  # away for a while: the exam clock does not run
    again = make_app()
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("z")
        await until(pilot, lambda: quiz_ready(again))
        session = again.screen.session
        assert session.is_exam
        assert set(session.responses) == {0, 1}
        assert session.flagged == {1}
        assert "1 h 40 min left" in status(again)


async def test_a_quiz_on_one_exam_domain_from_the_mixed_quiz_dialog(make_app, until) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("k")
        await pilot.pause()
        await pilot.press("2")
        await until(pilot, lambda: quiz_ready(app))
        quiz = app.screen.session.quiz
        assert quiz.spec.mode == "mixed"
        assert quiz.spec.domain == 2
        assert {item.question.domain for item in quiz.items} == {2}


async def test_the_exam_timer_is_on_the_status_line_at_80_columns_marked_or_not(make_app, course, until) -> None:
    quiz = exam_where(course, count=1)
    app = make_app(start=StartRequest(quiz=quiz))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: quiz_ready(app))
        shown = str(app.screen.query_one("StatusBar").render())
        assert "question 1 of 65" in shown
        assert "2 h 10 min left" in shown
        await pilot.press("m")
        await pilot.pause()
        shown = str(app.screen.query_one("StatusBar").render())
        assert "2 h 10 min left" in shown  # marking a question never pushes the clock off
        assert "*" in shown or "[marked]" in shown


async def test_escape_and_a_letter_in_one_burst_still_work(make_app, course, until) -> None:
    """tmux turns Esc + a letter typed quickly into alt+letter: the exam keys answer to it too."""
    bank = QuestionBank.build(course)
    quiz = next(
        q
        for seed in range(200)
        if (q := build_quiz(bank, QuizSpec(mode="exam", seed=seed))).items[0].question.type in ("typed", "numeric")
    )
    app = make_app(start=StartRequest(quiz=quiz))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: quiz_ready(app) and isinstance(app.focused, Input))
        screen = app.screen
        await pilot.press("alt+m")
        assert screen.session.flagged == {0}
        assert app.screen.query_one(Input).value == ""
        await pilot.press("alt+q")
        await pilot.pause()
        assert type(app.screen).__name__ == "ChoiceDialog"


async def test_a_mixed_quiz_over_all_topics_with_a(make_app, course, until) -> None:
    """ctrl+a used to choose every topic: GNU screen's prefix key, which never reaches the app."""
    from tui.screens.dialogs import TopicPicker

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("k")
        await until(pilot, lambda: isinstance(app.screen, TopicPicker))
        await pilot.press("a", "enter")
        await until(pilot, lambda: quiz_ready(app))
        assert app.quiz_in_progress().quiz.spec.topics == [t.id for t in course.topics]


def test_no_key_is_a_terminal_multiplexers_prefix() -> None:
    """ctrl+a (GNU screen) and ctrl+b (tmux) are taken before the app sees them: none of
    our keys may need them (Textual's own input keeps ctrl+a as a second Home)."""
    import importlib
    import inspect
    import pkgutil

    from textual.binding import Binding

    import tui

    found = []
    for info in pkgutil.walk_packages(tui.__path__, "tui."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            for item in cls.__dict__.get("BINDINGS", ()) if cls.__module__ == module.__name__ else ():
                binding = item if isinstance(item, Binding) else Binding(*item)
                keys = {k.strip() for k in binding.key.split(",")}
                if keys & {"ctrl+a", "ctrl+b"}:
                    found.append(f"{cls.__name__}: {binding.key}")
    assert found == []


async def test_the_exam_clock_repaints_only_the_status_line(make_app, course, clock, until, monkeypatch) -> None:
    """Above 10 minutes the clock counts minutes (a repaint a minute); below, seconds; and a
    tick repaints the status line alone, never the question."""
    from textual.widget import Widget

    from tui.widgets.status import StatusBar

    quiz = exam_where(course)
    app = make_app(start=StartRequest(quiz=quiz))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: quiz_ready(app))
        await pilot.pause()
        screen = app.screen
        repainted: list[str] = []
        refresh = Widget.refresh

        def counting(self, *args, **kwargs):
            repainted.append(type(self).__name__)
            return refresh(self, *args, **kwargs)

        monkeypatch.setattr(Widget, "refresh", counting)
        for _ in range(50):  # 50 s at 2 h 10 min left: the text does not change
            clock.advance(seconds=1)
            screen.tick()
        assert repainted == []
        clock.advance(minutes=121)  # 9 min left or so
        screen.tick()
        repainted.clear()
        for _ in range(3):
            clock.advance(seconds=1)
            screen.tick()
        assert repainted and set(repainted) == {StatusBar.__name__}
        assert len(repainted) <= 3
