"""What screens ask of the app. Screens post these; the app, which owns the modes and
screen stacks, handles them (``TutorApp.on_...``). Screens never import the app."""

from __future__ import annotations

from textual.message import Message


class OpenEntry(Message):
    """Show an entry in the lesson pane (switching to the lessons if need be)."""

    def __init__(self, entry_id: str) -> None:
        super().__init__()
        self.entry_id = entry_id


class OpenTopic(Message):
    """Show a topic's first entry in the lesson pane."""

    def __init__(self, topic_id: str) -> None:
        super().__init__()
        self.topic_id = topic_id


class OfferQuiz(Message):
    """Start a quiz (asking first when one is in progress)."""

    def __init__(self, mode: str, topics: list[str] | None = None) -> None:
        super().__init__()
        self.mode = mode
        self.topics = list(topics or [])


class ToLessons(Message):
    """Back to the lessons; a quiz or review in progress waits."""


class CloseReview(Message):
    """A finished review: back to the lessons and the review gone."""
