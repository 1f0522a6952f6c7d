"""Command palette providers: every topic, every entry and every action."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from tui.app import TutorApp


class _TutorProvider(Provider):
    @property
    def tutor_app(self) -> TutorApp:
        return self.app  # type: ignore[return-value]


class TopicCommands(_TutorProvider):
    """``Topic 18: DynamoDB`` opens the topic at its first entry."""

    def _items(self) -> list[tuple[str, str, str]]:
        return [
            (f"Topic {t.number}: {t.title}", f"Start the topic ({sum(1 for _ in t.walk())} entries)", t.id)
            for t in self.tutor_app.tutor.course.topics
        ]

    async def discover(self) -> Hits:
        for title, help_text, topic_id in self._items():
            yield DiscoveryHit(title, partial(self.tutor_app.open_topic, topic_id), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, topic_id in self._items():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self.tutor_app.open_topic, topic_id), help=help_text)


class EntryCommands(_TutorProvider):
    """Any entry of the course, found with the same index as ``awstutor lookup``."""

    async def search(self, query: str) -> Hits:
        if len(query.strip()) < 2:
            return
        index = await self.tutor_app.search_index()
        for rank, hit in enumerate(index.search(query, limit=12)):
            title = hit.term if not hit.full_form else f"{hit.term} ({hit.full_form})"
            # The palette sorts by score (0-1); keep the index's order.
            score = max(0.05, 0.95 - rank * 0.05)
            yield Hit(
                score,
                title,
                partial(self.tutor_app.open_entry, hit.id),
                text=title,
                help=f"{hit.topic_number} {hit.topic_title} - {hit.summary}",
            )


class ActionCommands(_TutorProvider):
    """Every action of the app, with its key."""

    def _items(self) -> list[tuple[str, str, str]]:
        return self.tutor_app.palette_actions(self.screen)

    async def discover(self) -> Hits:
        for title, help_text, action in self._items():
            yield DiscoveryHit(title, partial(self._run, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, action in self._items():
            score = matcher.match(f"{title} {help_text}")
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self._run, action), help=help_text)

    async def _run(self, action: str) -> None:
        await self.app.run_action(action, self.screen)
