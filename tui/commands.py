"""Command palette providers: every topic, every entry and every action."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, cast

from textual.binding import Binding
from textual.command import CommandInput, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen

from tui.keys import as_binding
from tui.messages import OpenEntry, OpenTopic

if TYPE_CHECKING:
    from textual.app import App

    from tui.tutor import Tutor


class SteadyPalette(CommandPalette):
    """Textual's command palette with a cursor that does not blink: an open palette
    with nobody typing writes nothing to the terminal (a blink is ~1.4 KB/s)."""

    def on_mount(self) -> None:
        for box in self.query(CommandInput):
            box.cursor_blink = False


class _HasTutor(Protocol):
    tutor: Tutor


class _TutorProvider(Provider):
    @property
    def tutor(self) -> Tutor:
        return cast(_HasTutor, self.app).tutor

    def _post(self, message: OpenEntry | OpenTopic) -> None:
        self.app.post_message(message)


class TopicCommands(_TutorProvider):
    """``Topic 18: DynamoDB`` opens the topic at its first entry."""

    def _items(self) -> list[tuple[str, str, str]]:
        return [
            (f"Topic {t.number}: {t.title}", f"Start the topic ({sum(1 for _ in t.walk())} entries)", t.id)
            for t in self.tutor.course.topics
        ]

    async def discover(self) -> Hits:
        for title, help_text, topic_id in self._items():
            yield DiscoveryHit(title, lambda t=topic_id: self._post(OpenTopic(t)), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, topic_id in self._items():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), lambda t=topic_id: self._post(OpenTopic(t)), help=help_text)


class EntryCommands(_TutorProvider):
    """Any entry of the course, found with the same index as ``awstutor lookup``."""

    async def search(self, query: str) -> Hits:
        if len(query.strip()) < 2:
            return
        index = await self.app.run_worker(self.tutor.search_index, thread=True, group="index").wait()
        for rank, hit in enumerate(index.search(query, limit=12)):
            title = hit.term if not hit.full_form else f"{hit.term} ({hit.full_form})"
            # The palette sorts by score (0-1); keep the index's order.
            score = max(0.05, 0.95 - rank * 0.05)
            yield Hit(
                score,
                title,
                lambda e=hit.id: self._post(OpenEntry(e)),
                text=title,
                help=f"{hit.topic_number} {hit.topic_title} - {hit.summary}",
            )


def palette_actions(app: App, screen: Screen) -> list[tuple[str, str, str]]:
    """(title, help, action) for every action reachable from ``screen`` by a key."""
    seen: set[str] = set()
    items: list[tuple[str, str, str]] = []
    for bindings, namespace in ((screen.BINDINGS, "screen"), (app.BINDINGS, "app")):
        for item in bindings:
            binding = as_binding(item)
            if binding.action.startswith(("follow_link", "answer_", "pick")) or binding.action in seen:
                continue
            if not binding.show and not binding.tooltip:
                continue
            seen.add(binding.action)
            action = binding.action if "." in binding.action else f"{namespace}.{binding.action}"
            title = binding.tooltip or binding.description
            key = ", ".join(app.get_key_display(Binding(k, "")) for k in binding.key.split(","))
            items.append((title, f"key: {key}", action))
    return items


class ActionCommands(Provider):
    """Every action of the app, with its key."""

    def _items(self) -> list[tuple[str, str, str]]:
        return palette_actions(self.app, self.screen)

    async def discover(self) -> Hits:
        for title, help_text, action in self._items():
            yield DiscoveryHit(title, lambda a=action: self._run(a), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, action in self._items():
            score = matcher.match(f"{title} {help_text}")
            if score > 0:
                yield Hit(score, matcher.highlight(title), lambda a=action: self._run(a), help=help_text)

    def _run(self, action: str) -> None:
        self.app.call_later(self.app.run_action, action, self.screen)
