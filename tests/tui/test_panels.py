"""The search box, the calculator panel and the review session, by keyboard."""

from __future__ import annotations

from textual.widgets import Input, OptionList, Static

from progress.scheduler import AGAIN, GOOD
from tui.app import StartRequest
from tui.screens.main import MainScreen
from tui.screens.review import ReviewScreen
from tui.screens.search import SearchScreen
from tui.widgets.calculator import CalculatorPanel
from tui.widgets.question import QuestionView


async def test_search_updates_as_you_type_and_opens_the_entry(make_app, until) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash")
        await until(
            pilot, lambda: isinstance(app.screen, SearchScreen) and getattr(app.screen, "index", None) is not None
        )
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*"visiblity")  # a typo
        await pilot.pause()
        first = app.screen.hits[0]
        assert first.id == "messaging/sqs-visibility-timeout"
        await pilot.press(*" timeout")
        await pilot.pause()
        assert app.screen.hits[0].id == "messaging/sqs-visibility-timeout"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        assert isinstance(app.screen, MainScreen)
        assert app.screen.current is not None
        assert app.screen.current.id == "messaging/sqs-visibility-timeout"


async def test_search_results_by_keyboard_and_no_match(make_app, until) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash")
        await until(
            pilot, lambda: isinstance(app.screen, SearchScreen) and getattr(app.screen, "index", None) is not None
        )
        await pilot.press(*"eni")
        await pilot.pause()
        second = app.screen.hits[1].id
        await pilot.press("down")  # into the results
        assert isinstance(app.focused, OptionList)
        await pilot.press("down", "enter")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        assert app.screen.current.id == second
        await pilot.press("slash")
        await until(
            pilot, lambda: isinstance(app.screen, SearchScreen) and getattr(app.screen, "index", None) is not None
        )
        await pilot.press(*"qqqqzzzz")
        await pilot.pause()
        assert app.screen.hits == []
        assert "No match." in str(app.screen.query_one("#search-count", Static).content)
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_calculator_panel_computes_an_rcu_with_steps(make_app, until) -> None:
    app = make_app()
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("equals_sign")
        await pilot.pause()
        panel = app.screen.query_one(CalculatorPanel)
        assert app.screen.has_class("-show-calc")
        assert panel.display
        # At 80 columns it overlays the lesson instead of squeezing it.
        assert panel.styles.layer == "overlay"
        assert isinstance(app.focused, Input)
        await pilot.press(*"16 KB / 4 KB * 2", "enter")
        await pilot.pause()
        assert panel.history[-1].result == "8"
        # Switch to the RCU form: the Select is the field above.
        panel.query_one("#calc-kind").value = "rcu"
        await until(pilot, lambda: bool(panel.query("#p-item_kb")))
        panel.query_one("#p-item_kb", Input).value = "12"
        panel.query_one("#p-reads", Input).value = "16"
        panel.query_one("#p-consistency").value = "eventual"
        await until(pilot, lambda: "24 RCU" in str(panel.query_one("#calc-result", Static).content))
        result = str(panel.query_one("#calc-result", Static).content)
        assert "= 24 RCU" in result
        assert "(16 / 2) * (12 / 4) = 24 RCU" in result
        await pilot.press("ctrl+y")
        assert copied
        assert "24 RCU" in copied[-1]
        await pilot.press("escape")
        await pilot.pause()
        assert not app.screen.has_class("-show-calc")


async def test_calculator_stays_available_during_a_quiz(make_app, course, until) -> None:
    from lessons.bank import QuestionBank
    from lessons.quiz import QuizSpec, build_quiz

    quiz = build_quiz(QuestionBank.build(course), QuizSpec(mode="topic", topics=["dynamodb"], count=2, seed=2))
    app = make_app(start=StartRequest(quiz=quiz))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.current_mode == "quiz" and app.screen.query_one(QuestionView).item is not None)
        await pilot.press("equals_sign")
        await pilot.pause()
        assert app.screen.has_class("-show-calc")
        await pilot.press(*"ceil(100 / 3)", "enter")
        await pilot.pause()
        # The history is the app's: the same calculation on every screen.
        assert app.tutor.calc_history[-1].result == "34"
        await pilot.press("escape")
        await pilot.pause()
        assert not app.screen.has_class("-show-calc")
        # Digits go to the answer again, not the panel.
        await pilot.press("1")
        view = app.screen.query_one(QuestionView)
        assert view.response() is not None or view.item.question.type in ("typed", "numeric")


async def test_review_session_mixes_flashcards_and_questions(make_app, store, clock, until) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        # Seed two cards due now: an entry and a question.
        question_id = next(q.id for q in app.tutor.bank() if q.topic_id == "s3" and q.type == "truefalse")
        app.tutor.scheduler.rate("s3/s3-versioning", GOOD)
        app.tutor.scheduler.rate(question_id, AGAIN)
        clock.advance(days=60)
        app.tutor.reload()
        assert app.tutor.due_count() == 2
        await pilot.press("r")
        await until(
            pilot,
            lambda: (
                isinstance(app.screen, ReviewScreen)
                and app.screen.phase != "front"
                or getattr(app.screen, "card_id", None) is not None
            ),
        )
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert screen.total == 2
        seen = set()
        for _ in range(4):
            card = screen.card_id
            if card is None:
                break
            seen.add(card)
            if card == "s3/s3-versioning":
                await pilot.press("space")  # reveal the back
                await pilot.pause()
                assert screen.phase == "back"
                await pilot.press("3")  # Good
            else:
                item = screen.item
                assert item is not None
                right = next(i for i, c in enumerate(item.choices) if c in item.correct)
                await pilot.press(str(right + 1), "enter")
                await pilot.pause()
                assert screen.phase == "feedback"
                await pilot.press("enter")
            await pilot.pause()
        assert seen == {"s3/s3-versioning", question_id}
        assert screen.phase == "done"
        text = "\n".join(str(w.content) for w in screen.query("#card Static").results(Static))
        assert "Nothing more is due now" in text
        assert "next card is due in" in text
        assert app.tutor.due_count() == 0
    assert store.entry_state("s3/s3-versioning").learned


async def test_failed_flashcard_comes_back_in_the_session(make_app, clock, until) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.tutor.scheduler.rate("s3/s3-bucket", GOOD)
        app.tutor.scheduler.rate("s3/s3-object", GOOD)
        clock.advance(days=60)
        app.tutor.reload()
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.card_id is not None)
        screen = app.screen
        first = screen.card_id
        await pilot.press("enter")  # reveal
        await pilot.pause()
        await pilot.press("1")  # Again: it comes back
        await pilot.pause()
        order = [first]
        while screen.card_id is not None:
            order.append(screen.card_id)
            await pilot.press("enter")
            await pilot.pause()
            await pilot.press("3")
            await pilot.pause()
        assert order.count(first) == 2


async def test_nothing_due_says_when(make_app, until) -> None:
    app = make_app()
    messages: list[str] = []
    app.notify = lambda message, **kw: messages.append(message)  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        app.tutor.scheduler.rate("s3/s3-bucket", GOOD)
        app.tutor.reload()
        await pilot.press("r")
        await until(pilot, lambda: bool(messages))
        assert isinstance(app.screen, MainScreen)
    assert messages
    assert "Nothing is due now. The next card is due in" in messages[-1]
