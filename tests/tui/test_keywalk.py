"""Every key a screen shows (footer or help) is pressed, on every screen.

For each screen the walk reaches it afresh, presses one of its keys, and checks
that the app is still running and on a screen that key is meant to lead to. It
would have caught ``l`` on the quiz results quitting the app.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.binding import Binding

from lessons.quiz import QuizSpec, build_quiz
from tui.app import QUIZ, REVIEW, TutorApp

QUIT_KEYS = {"ctrl+q"}  # leaves on purpose: tested on its own below


def keys_of(screen_class: type) -> list[str]:
    """Every key bound on the screen (what help lists) and the app's, but quitting."""
    keys: list[str] = []
    for item in [*screen_class.BINDINGS, *TutorApp.BINDINGS]:
        binding = item if isinstance(item, Binding) else Binding(*item)
        keys += [k.strip() for k in binding.key.split(",") if k.strip() not in QUIT_KEYS]
    return list(dict.fromkeys(keys))


async def reset(app: TutorApp, pilot) -> None:
    """Back to the lessons, nothing on top, no quiz or review."""
    await app.action_lessons()
    while len(app.screen_stack) > 1:
        app.pop_screen()
    app.screen.set_class(False, "-show-calc")  # a calculator left open would take the keys
    for mode in (QUIZ, REVIEW):
        await app._drop_mode(mode)  # noqa: SLF001 - the test's own clean slate
    await pilot.pause()


def choice_quiz(app: TutorApp, mode: str):
    bank = app.tutor.bank()
    for seed in range(200):
        spec = QuizSpec(mode=mode, topics=[] if mode == "exam" else ["s3"], count=None if mode == "exam" else 3)
        quiz = build_quiz(bank, QuizSpec(spec.mode, spec.topics, spec.count, seed))
        if all(item.question.type in ("single", "multi", "truefalse") for item in quiz.items[:3]):
            return quiz
    raise AssertionError("no quiz of choice questions")


async def open_quiz(app: TutorApp, pilot, mode: str) -> None:
    await reset(app, pilot)
    await app.open_quiz(app.tutor.start_session(choice_quiz(app, mode)))
    await pilot.pause()


async def reach(app: TutorApp, pilot, name: str, clock) -> None:
    if name == "MainScreen":
        await reset(app, pilot)
    elif name == "QuizScreen":
        await open_quiz(app, pilot, "topic")
    elif name == "ExamScreen":
        await open_quiz(app, pilot, "exam")
    elif name == "QuizResults":
        await open_quiz(app, pilot, "topic")
        app.screen.finish()  # type: ignore[attr-defined]
    elif name == "ReviewScreen":
        await reset(app, pilot)
        app.tutor.store.save_card("s3/s3-bucket", {"due": (clock.now - timedelta(hours=1)).isoformat()})
        app.tutor.reload()
        await app.start_review()
    else:
        await reset(app, pilot)
        if name in ("JumpList", "ChoiceDialog"):
            await open_quiz(app, pilot, "exam")
        await pilot.press(
            {
                "SearchScreen": "slash",
                "DashboardScreen": "d",
                "HelpScreen": "question_mark",
                "TopicPicker": "k",
                "JumpList": "j",
                "ChoiceDialog": "q",
            }[name]
        )
    for _ in range(50):
        await pilot.pause()
        if type(app.screen).__name__ == ("QuizScreen" if name == "ExamScreen" else name):
            return
    raise AssertionError(f"could not reach {name}: on {type(app.screen).__name__}")


def screen_class(name: str) -> type:
    from tui.screens.dashboard import DashboardScreen
    from tui.screens.dialogs import ChoiceDialog, TopicPicker
    from tui.screens.help import HelpScreen
    from tui.screens.main import MainScreen
    from tui.screens.quiz import QuizScreen
    from tui.screens.quiz_jump import JumpList
    from tui.screens.quiz_results import QuizResults
    from tui.screens.review import ReviewScreen
    from tui.screens.search import SearchScreen

    return {
        "MainScreen": MainScreen,
        "QuizScreen": QuizScreen,
        "ExamScreen": QuizScreen,
        "QuizResults": QuizResults,
        "ReviewScreen": ReviewScreen,
        "SearchScreen": SearchScreen,
        "DashboardScreen": DashboardScreen,
        "HelpScreen": HelpScreen,
        "TopicPicker": TopicPicker,
        "JumpList": JumpList,
        "ChoiceDialog": ChoiceDialog,
    }[name]


# Where a key may lead from a screen (default: it stays on the same screen). Keys that open
# something else say so; nothing may quit or hang.
ANYWHERE = {"ctrl+t": None, "f1": {"HelpScreen"}, "question_mark": {"HelpScreen"}, "ctrl+p": {"SteadyPalette"}}
LEADS_TO: dict[str, dict[str, set[str] | None]] = {
    "MainScreen": {
        "q": {"QuizScreen"},
        "x": {"QuizScreen"},
        "slash": {"SearchScreen"},
        "d": {"DashboardScreen"},
        "k": {"TopicPicker"},
        "r": {"MainScreen", "ReviewScreen"},
        "z": {"MainScreen", "QuizScreen"},  # resumes the quiz an earlier key started
    },
    "QuizScreen": {"l": {"MainScreen"}, "o": {"MainScreen", "QuizScreen"}, "enter": {"QuizScreen"}},
    "ExamScreen": {"l": {"MainScreen"}, "j": {"JumpList"}, "q": {"ChoiceDialog"}, "enter": {"QuizScreen"}},
    "QuizResults": {"l": {"MainScreen"}, "m": {"QuizScreen", "QuizResults"}, "enter": {"QuizResults", "MainScreen"}},
    "ReviewScreen": {"l": {"MainScreen"}, "o": {"MainScreen", "ReviewScreen"}},
    "SearchScreen": {"escape": {"MainScreen"}, "enter": {"MainScreen", "SearchScreen"}},
    "DashboardScreen": {
        "l": {"MainScreen"},
        "escape": {"MainScreen"},
        "r": {"DashboardScreen", "ReviewScreen", "MainScreen"},
        "1": {"DashboardScreen", "QuizScreen"},
        "2": {"DashboardScreen", "QuizScreen"},
        "3": {"DashboardScreen", "QuizScreen"},
    },
    "HelpScreen": {"escape": {"MainScreen"}, "q": {"MainScreen"}, "question_mark": {"MainScreen"}},
    "TopicPicker": {
        "escape": {"MainScreen"},
        "enter": {"QuizScreen", "TopicPicker"},
        **{str(d): {"QuizScreen"} for d in (1, 2, 3, 4)},  # a quiz on one exam domain
    },
    "JumpList": {"escape": {"QuizScreen"}, "enter": {"QuizScreen"}},
    "ChoiceDialog": {"escape": {"QuizScreen"}, "y": {"QuizResults"}, "n": {"QuizScreen"}},
}


def allowed(name: str, key: str) -> set[str]:
    key = key.removeprefix("alt+")  # Esc + a letter in one burst: the letter's action
    here = {"QuizScreen" if name == "ExamScreen" else name}
    if key in LEADS_TO.get(name, {}):
        return LEADS_TO[name][key] or here
    if key in ANYWHERE:
        return ANYWHERE[key] or here
    return here


@pytest.mark.parametrize("name", list(LEADS_TO))
async def test_every_key_of_the_screen_keeps_the_app_running(name: str, make_app, clock) -> None:
    app = make_app()
    visited: list[tuple[str, str]] = []
    async with app.run_test(size=(80, 24)) as pilot:
        app.tutor.set_setting("welcomed", True)
        extra = ["ctrl+p"]
        for key in [*keys_of(screen_class(name)), *extra]:
            await reach(app, pilot, name, clock)
            await pilot.press(key)
            for _ in range(4):
                await pilot.pause()
            landed = type(app.screen).__name__
            assert app.is_running, (name, key)
            assert app.return_code is None, (name, key)
            assert landed in allowed(name, key), f"{name}: {key} led to {landed}"
            visited.append((key, landed))
    assert len(visited) >= 3


async def test_ctrl_q_quits_from_every_mode(make_app, clock) -> None:
    for name in ("MainScreen", "ExamScreen", "QuizResults"):
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await reach(app, pilot, name, clock)
            await pilot.press("ctrl+q")
            await pilot.pause()
        assert app.return_code == 0
        assert not app.is_running
