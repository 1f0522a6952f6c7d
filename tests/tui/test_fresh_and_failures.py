"""The app keeps up with other sessions, tells what the store found, and never crashes on a failed write."""

from __future__ import annotations

from progress.errors import StoreWriteError
from progress.store import ProgressStore
from tui.app import StartRequest
from tui.screens.dashboard import DashboardScreen
from tui.screens.main import MainScreen
from tui.screens.quiz_results import QuizResults


def status(app) -> str:
    bar = app.screen.query_one("StatusBar")
    return f"{bar.where} {bar.counts}"


async def test_marks_and_due_cards_from_another_session_show_up(make_app, store, data_dir, clock, until) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, MainScreen) and app.screen.current is not None)
        screen = app.screen
        first = screen.current
        assert "learned 0/" in status(app)
        assert screen.lesson.mark is None
        assert app.tutor.refresh() is False  # nothing changed: nothing to repaint
        other = ProgressStore.open(data_dir, clock=clock)  # a second SSH session on the same data
        try:
            other.mark_entry(first.id, "got")
            app.refresh_progress()  # what the once-a-minute timer does
            await pilot.pause()
            assert "learned 1/" in status(app)
            assert screen.lesson.mark == "got"  # the open entry shows its new mark
            from progress.scheduler import AGAIN, Scheduler

            Scheduler(other, clock=clock).rate(first.id, AGAIN)  # due again in minutes
        finally:
            other.close()
        app.refresh_progress()
        await pilot.pause()
        assert "due" not in status(app)  # not due yet
        clock.advance(minutes=30)  # the card falls due while the app is open
        app.refresh_progress()
        await pilot.pause()
        assert "due 1" in status(app)


async def test_a_failed_write_is_said_and_the_answer_kept_for_a_retry(make_app, store, course, until, monkeypatch):
    from lessons.bank import QuestionBank
    from lessons.quiz import QuizSpec, build_quiz

    quiz = build_quiz(QuestionBank.build(course), QuizSpec("topic", ["s3"], count=2, seed=4))
    app = make_app(start=StartRequest(quiz=quiz))
    said: list[str] = []
    app.notify = lambda message, **kwargs: said.append(str(message))  # type: ignore[method-assign]
    real = store.record_attempt
    failing = {"on": True}

    def record_attempt(*args, **kwargs):
        if failing["on"]:
            raise StoreWriteError("the disk is full")
        return real(*args, **kwargs)

    monkeypatch.setattr(store, "record_attempt", record_attempt)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.screen.query("QuestionView") and app.screen.query_one("QuestionView").item)
        item = quiz.items[0]
        if item.question.type in ("typed", "numeric"):
            await pilot.press(*item.correct[0], "enter")
        else:
            await pilot.press(str(item.choices.index(item.correct[0]) + 1), "enter")
        await pilot.pause()
        assert app.is_running
        assert "Right." in str(app.screen.query_one("#feedback").content)
        assert any("Could not save the answer: the disk is full" in line and "kept in memory" in line for line in said)
        assert app.tutor.pending == 1
        assert list(store.attempts()) == []
        failing["on"] = False  # the disk has room again: the next answer saves both
        await pilot.press("enter")
        await pilot.pause()
        item = quiz.items[1]
        if item.question.type in ("typed", "numeric"):
            await pilot.press(*item.correct[0], "enter")
        else:
            await pilot.press(str(item.choices.index(item.correct[0]) + 1), "enter")
        await pilot.pause()
        assert app.tutor.pending == 0
        assert [a.question_id for a in store.attempts()] == [quiz.items[0].question.id, quiz.items[1].question.id]
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, QuizResults))


async def test_a_read_only_store_says_so_and_marks_fail_in_one_line(make_app, store, until, monkeypatch) -> None:
    monkeypatch.setattr(store, "read_only", True)

    def refuse(*args, **kwargs):
        raise StoreWriteError(f"progress in {store.data_dir} is read-only; nothing was saved")

    for name in ("mark_entry", "mark_seen", "save_position", "set_setting", "record_attempt", "start_session"):
        monkeypatch.setattr(store, name, refuse)
    app = make_app()
    said: list[str] = []
    app.notify = lambda message, **kwargs: said.append(str(message))  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, MainScreen) and app.screen.current is not None)
        assert any("read-only: you can study, but nothing you do now is saved" in line for line in said)
        before = app.screen.current
        await pilot.press("g")
        await pilot.pause()
        assert app.is_running
        assert app.screen.current == before
        assert any("Could not save the mark" in line and "read-only" in line for line in said)
        await pilot.press("n", "q")  # stepping on and a quiz still work
        await pilot.pause()
        assert app.is_running


async def test_what_the_store_finds_while_running_reaches_the_app_and_the_dashboard(
    make_app, store, until, monkeypatch
) -> None:
    app = make_app()
    said: list[str] = []
    app.notify = lambda message, **kwargs: said.append(str(message))  # type: ignore[method-assign]
    found = ["progress: attempts/000001.json was damaged: moved it to attempts/000001.json.damaged (250 answers)"]
    monkeypatch.setattr(store, "new_notices", lambda: [found.pop()] if found else [])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.refresh_progress()
        assert any("moved it to" in line for line in said)
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, DashboardScreen) and app.screen.data is not None)
        notices = str(app.screen.query_one("#dash-notices").render())
        assert "Notices" in notices
        assert "250 answers" in notices


async def test_again_comes_back_in_the_same_sitting(make_app, clock, until) -> None:
    """'a' (again) on an entry: r offers it minutes later, not tomorrow."""
    from tui.screens.review import ReviewScreen

    app = make_app()
    said: list[str] = []
    app.notify = lambda message, **kwargs: said.append(str(message))  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, MainScreen) and app.screen.current is not None)
        entry = app.screen.current
        await pilot.press("a")  # again
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert any("in 10 min" in line for line in said), said  # not "in 23 h"
        clock.advance(minutes=11)
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.card_id is not None)
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert review.card_id == entry.id
