"""The dashboard screen, as a learner uses it: what it shows, its keys, small terminals, a snapshot.

The history is seeded on the fake clock (UTC) and the scheduler does not fuzz,
so every figure on screen is the same on every run.
"""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import Static

from progress.scheduler import AGAIN, GOOD, Scheduler
from tui.screens.dashboard import DashboardScreen, Drawn, bar, mastery_line, sparklines


def seed(app, clock) -> None:
    """A small history over the last 10 days, ending at the fake clock's now (Fri 27 Nov 2026, 09:00 UTC)."""
    store = app.tutor.store
    app.tutor.scheduler = Scheduler(store, clock=clock, fuzz=False)  # no random intervals: a stable screen
    end = clock.now
    clock.now = end - timedelta(days=9)
    session = store.start_session("exam", [])
    clock.advance(hours=2)
    store.finish_session(session, 41, 65)  # 668
    clock.now = end - timedelta(days=2)
    session = store.start_session("exam", [])
    clock.advance(hours=2)
    store.finish_session(session, 48, 65)  # 765
    for back, topic, results in [
        (3, "dynamodb", [True, False, False, False, True]),
        (2, "dynamodb", [False, True, False]),
        (2, "lambda", [True, True, True, False]),
        (1, "s3", [True, True, True, True]),
        (0, "iam-ec2", [True, False]),
    ]:
        clock.now = end - timedelta(days=back, hours=1)
        for n, correct in enumerate(results):
            store.record_attempt(f"{topic}/q/seed-{n}", answer="A", correct=correct, seconds=5, mode="topic")
            clock.advance(minutes=1)
    clock.now = end - timedelta(days=1)
    for entry in app.tutor.course.topic("s3").walk():
        store.mark_entry(entry.id, "got")
    for entry in list(app.tutor.course.topic("dynamodb").walk())[:6]:
        store.mark_entry(entry.id, "got")
        app.tutor.scheduler.rate(entry.id, GOOD)
    app.tutor.scheduler.rate(list(app.tutor.course.topic("dynamodb").walk())[6].id, AGAIN)  # due again now
    app.tutor.scheduler.rate(list(app.tutor.course.topic("lambda").walk())[0].id, AGAIN)
    clock.now = end


async def opened(app, pilot) -> DashboardScreen:
    app.action_dashboard()
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, DashboardScreen)
    assert screen.data is not None
    return screen


def text_of(screen: DashboardScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_the_dashboard_shows_the_figures(make_app, clock):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        seed(app, clock)
        screen = await opened(app, pilot)

        readiness = text_of(screen, "#dash-readiness")
        assert "Exam readiness: 717 of 1000, likely FAIL (720 to pass)" in readiness
        assert "2026-11-25: 765, 2026-11-18: 668" in readiness
        assert "100 + 900 x correct / questions" in readiness

        due = text_of(screen, "#dash-due")
        assert "Streak 4 days | due now 2 | due today 2" in due  # the two cards rated Again a day ago
        assert "Next due in 1 day (Sat 28 Nov, 09:00)" in due
        assert "Next 7 days: Sat 6 | Sun 0 | Mon 0 | Tue 0 | Wed 0 | Thu 0 | Fri 0" in due

        course = app.tutor.course

        def size(topic: str) -> int:  # the course grows: figures follow it
            return sum(1 for _ in course.topic(topic).walk())

        weak = text_of(screen, "#dash-weak")
        assert weak.splitlines()[:3] == [
            f"[1] 18 DynamoDB: 38% of 8 answers in 30 days, 6/{size('dynamodb')} learned",
            f"[2] 1 IAM and EC2: 50% of 2 answers in 30 days, 0/{size('iam-ec2')} learned",
            f"[3] 17 Serverless: Lambda: 75% of 4 answers in 30 days, 0/{size('lambda')} learned",
        ]  # not S3: all learned, 100% right
        assert "Press 1-3 for a topic quiz" in weak

        topics = text_of(screen, "#dash-topics").splitlines()
        assert len(topics) == len(app.tutor.course.topics) + 1
        dynamo = round(100 * 6 / size("dynamodb"))
        assert " ".join(topics[17].split()) == f"18 DynamoDB {bar(dynamo, 10)} {dynamo}% acc 38% due 1"
        assert " ".join(topics[6].split()) == "7 Amazon S3 [##########] 100% acc 100% due 0"
        assert " ".join(topics[0].split()) == "1 IAM and EC2 [----------] 0% acc 50% due 0"
        learned = size("s3") + 6
        total = len(course.entries)
        assert topics[-1] == f"All topics: {learned}/{total} entries learned ({round(100 * learned / total)}%)"
        assert all(len(line) <= 78 for line in topics)

        activity = text_of(screen, "#dash-activity").splitlines()
        assert activity[0].startswith("accuracy |")
        assert activity[0].endswith("| 61% of 18")
        # four days of answers, ending today: 40%, 57%, 100%, 50% right
        assert activity[0][10:40] == " " * 26 + "--#-"
        # answers + marks: 5, 7, 29 (4 answers and 25 marks), 2; scaled to the top day
        # 18 answers, every S3 entry and 6 DynamoDB entries marked; the busiest day (yesterday) adds 4 answers
        reviews, top = 18 + size("s3") + 6, size("s3") + 6 + 4
        assert activity[1] == "reviews  |" + " " * 26 + f"_.#_| {reviews} in all, top {top}/day"
        assert activity[2].split() == ["29", "Oct", "today"]

        assert "streak 4 days | due 2" in str(screen.query_one("StatusBar").render())


async def test_a_practise_key_starts_a_topic_quiz_on_a_weak_topic(make_app, clock):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        seed(app, clock)
        await opened(app, pilot)
        await pilot.press("1")
        for _ in range(50):
            await pilot.pause()
            if app.current_mode == "quiz":
                break
        assert app.current_mode == "quiz"
        quiz = app.quiz_screen.session.quiz
        assert quiz.spec.mode == "topic"
        assert quiz.spec.topics == ["dynamodb"]
        assert not any(isinstance(s, DashboardScreen) for s in app.get_screen_stack("learn"))


async def test_r_reviews_what_is_due(make_app, clock):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        seed(app, clock)
        await opened(app, pilot)
        await pilot.press("r")
        for _ in range(50):
            await pilot.pause()
            if app.current_mode == "review":
                break
        assert app.current_mode == "review"
        assert not any(isinstance(s, DashboardScreen) for s in app.get_screen_stack("learn"))


async def test_with_nothing_due_r_says_so_and_l_goes_back_to_the_lessons(make_app):
    app = make_app()
    said: list[str] = []
    app.notify = lambda message, **kwargs: said.append(str(message))  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(app, pilot)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert app.current_mode == "learn"
        assert any("Nothing is due now" in line for line in said)
        await pilot.press("l")
        await pilot.pause()
        assert not isinstance(app.screen, DashboardScreen)
        assert app.current_mode == "learn"


async def test_nothing_yet_and_a_tiny_terminal(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(app, pilot)
        assert "not enough data" in text_of(screen, "#dash-readiness")
        assert "[1] 1 IAM and EC2: not started" in text_of(screen, "#dash-weak")
        await pilot.resize_terminal(40, 12)
        await pilot.pause()
        assert app.screen is screen
        assert all(len(line) <= 38 for line in text_of(screen, "#dash-topics").splitlines())
        await pilot.resize_terminal(20, 6)  # too small: the notice covers it
        await pilot.pause()
        await pilot.resize_terminal(80, 24)
        await pilot.pause()


async def test_the_screen_is_readable_at_40x12(make_app, clock):
    app = make_app()
    async with app.run_test(size=(40, 12)) as pilot:
        seed(app, clock)
        screen = await opened(app, pilot)
        for drawn in screen.query(Drawn):
            width = drawn.content_size.width
            assert width
            assert all(len(line) <= width for line in str(drawn.render()).splitlines())
        body = screen.query_one("#dash-body")
        assert body.has_focus
        assert body.max_scroll_y > 0
        body.scroll_end(animate=False)
        await pilot.pause()
        assert body.scroll_y == body.max_scroll_y


def test_drawing_fits_any_width(make_app):
    from progress.dashboard import DayActivity, TopicProgress

    row = TopicProgress("x", 23, "A very long topic title that goes on and on", 10, 3, 30, 5, 4, 5, 4, 80.0, 12, True)
    days = [DayActivity(f"2026-11-{d:02d}", d % 3, d % 2, 1, d % 3 + 1, None) for d in range(1, 31)]
    for width in range(20, 120):
        assert len(mastery_line(row, width)) <= width
        assert all(len(line) <= width for line in sparklines(days, width))


def test_snapshot_80x24(snap_compare, make_app, clock):
    app = make_app()

    async def run_before(pilot) -> None:
        seed(app, clock)
        await opened(app, pilot)
        app.clear_notifications()  # the first-run welcome: not part of the dashboard
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


async def test_a_store_that_cannot_be_read_is_said_on_screen(make_app, monkeypatch):
    import tui.screens.dashboard as module
    from progress.store import ProgressError

    def fail(*args, **kwargs):
        raise ProgressError("the progress folder is locked by another awstutor")

    monkeypatch.setattr(module, "dashboard", fail)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_dashboard()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        assert screen.data is None
        assert text_of(screen, "#dash-readiness") == (
            "Could not read your progress: the progress folder is locked by another awstutor"
        )
        await pilot.press("1")  # nothing to practise yet: no crash
        assert app.screen is screen
