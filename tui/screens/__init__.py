"""The app's screens. ``documented()`` lists those whose keys the help screen shows."""

from __future__ import annotations


def documented() -> list[tuple[str, type]]:
    """(title, screen class) for every screen with keys of its own, besides the lesson screen."""
    from tui.screens.dashboard import DashboardScreen
    from tui.screens.quiz import QuizScreen
    from tui.screens.quiz_results import QuizResults
    from tui.screens.review import ReviewScreen
    from tui.screens.search import SearchScreen

    return [
        ("Quizzes", QuizScreen),
        ("Quiz results", QuizResults),
        ("Review (spaced repetition)", ReviewScreen),
        ("Search", SearchScreen),
        ("Progress dashboard", DashboardScreen),
    ]
