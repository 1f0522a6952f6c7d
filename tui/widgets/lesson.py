"""The lesson pane: one entry of the course, readable at 80x24 and without colour."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from lessons import markup
from lessons.model import Course, Entry, Topic, Update
from lessons.text import source_line

NUMBER_STYLE = "bold underline $text-accent"
CODE_STYLE = "bold $text-secondary"


def render_markup(text: str) -> Content:
    """Course markup to Content: key numbers bold+underlined, code bold (both survive NO_COLOR)."""
    parts: list[str | tuple[str, str]] = []
    for kind, piece in markup.spans(text):
        if kind == "number":
            parts.append((piece, NUMBER_STYLE))
        elif kind == "code":
            parts.append((piece, CODE_STYLE))
        else:
            parts.append(piece)
    return Content.assemble(*parts)


@dataclass(frozen=True)
class Link:
    number: int  # 1-based, the key that follows it
    entry: Entry
    kind: str  # "child" | "related" | "parent"


class Bullet(Horizontal):
    """A list item with a hanging indent."""

    DEFAULT_CSS = """
    Bullet { height: auto; }
    Bullet > .marker { width: 2; }
    Bullet > .text { width: 1fr; }
    """

    def __init__(self, content: Content | str, marker: str = "-", **kwargs) -> None:
        super().__init__(**kwargs)
        self._bullet_text = content
        self._bullet_marker = marker

    def compose(self) -> ComposeResult:
        yield Static(self._bullet_marker, classes="marker")
        yield Static(self._bullet_text, classes="text")


class LessonView(VerticalScroll, can_focus=True):
    """Shows an entry: term, full form, definition, notes, sub-entries, updates, links."""

    def __init__(self, course: Course, **kwargs) -> None:
        super().__init__(**kwargs)
        self.course = course
        self.links: list[Link] = []
        self.entry: Entry | None = None
        self.mark: str | None = None  # the shown entry's mark

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Home and End go to the first and last entry (the screen's keys), not to the
        top and bottom of a long entry; Page Up/Down and the arrows scroll."""
        if action in ("scroll_home", "scroll_end"):
            return False
        return True

    # ------------------------------------------------------------------ public

    def show_entry(self, entry: Entry, *, index: int, total: int, mark: str | None) -> None:
        """Render ``entry`` (``index`` of ``total`` in its topic's reading order)."""
        self.entry = entry
        self.mark = mark
        self.links = self._links_for(entry)
        self._replace(self._entry_widgets(entry, index, total, mark))

    def show_end_of_topic(self, topic: Topic, next_topic: Topic | None, learned: int, total: int) -> None:
        self.entry = None
        self.links = []
        widgets: list[Widget] = [
            Static(Content.from_markup(f"[b]End of topic {topic.number}: {topic.title}[/b]"), classes="term"),
            Static(f"You have marked {learned} of {total} entries as learned.", classes="definition"),
            Static(Content.from_markup("Press [b]q[/b] to take this topic's quiz."), classes="cta"),
        ]
        if next_topic is not None:
            widgets.append(
                Static(
                    Content.from_markup(f"Press [b]n[/b] to start topic {next_topic.number}: ")
                    + Content(next_topic.title),
                    classes="cta",
                )
            )
        widgets.append(Static("Press p to go back to the last entry.", classes="cta"))
        self._replace(widgets)

    def show_message(self, title: str, text: str) -> None:
        self.entry = None
        self.links = []
        self._replace([Static(Content(title), classes="term"), Static(Content(text), classes="definition")])

    def link(self, number: int) -> Link | None:
        return next((link for link in self.links if link.number == number), None)

    # ------------------------------------------------------------------ building

    def _replace(self, widgets: list[Widget]) -> None:
        with self.app.batch_update():
            self.remove_children()
            self.mount_all(widgets)
        self.scroll_home(animate=False)

    def _links_for(self, entry: Entry) -> list[Link]:
        links: list[Link] = []
        if entry.parent_id:
            parent = self.course.entry(entry.parent_id)
            if parent is not None:
                links.append(Link(len(links) + 1, parent, "parent"))
        for child in entry.children:
            links.append(Link(len(links) + 1, child, "child"))
        for ref in entry.related:
            target = self.course.entry(ref)
            if target is not None:
                links.append(Link(len(links) + 1, target, "related"))
        return links

    def _crumbs(self, entry: Entry) -> str:
        topic = self.course.topic_of(entry)
        trail = [f"{topic.number} {topic.title}"]
        parent_id = entry.parent_id
        parents: list[str] = []
        while parent_id:
            parent = self.course.entry(parent_id)
            if parent is None:
                break
            parents.append(parent.term)
            parent_id = parent.parent_id
        trail.extend(reversed(parents))
        return " > ".join(trail)

    def _entry_widgets(self, entry: Entry, index: int, total: int, mark: str | None) -> list[Widget]:
        widgets: list[Widget] = [Static(Content(f"{self._crumbs(entry)}   [{index} of {total}]"), classes="crumbs")]
        title = Content.assemble((entry.term, "bold"))
        if entry.full_form:
            title += Content.assemble("  ", (entry.full_form, "italic"))
        widgets.append(Static(title, classes="term"))
        badges: list[str] = []
        if entry.added:
            badges.append("[added - not in the original notes]")
        if mark == "got":
            badges.append("[got it]")
        elif mark == "again":
            badges.append("[again]")
        if badges:
            widgets.append(Static(Content("  ".join(badges)), classes="badges"))
        if entry.definition:
            widgets.append(Static(render_markup(entry.definition), classes="definition"))
        for note in entry.notes:
            widgets.append(Bullet(render_markup(note), classes="note"))
        if entry.unverified:
            widgets.append(
                Static(
                    Content.assemble(("Unverified: ", "bold"), render_markup(entry.unverified)), classes="unverified"
                )
            )
        for update in entry.updates:
            widgets.append(self._update_widget(update))
        for kind, heading in (("parent", "Part of"), ("child", "Sub-entries"), ("related", "Related")):
            group = [link for link in self.links if link.kind == kind]
            if not group:
                continue
            widgets.append(Static(heading, classes="section"))
            for link in group:
                widgets.append(self._link_widget(link))
        widgets.append(Static(source_line(entry), classes="source"))
        return widgets

    def _update_widget(self, update: Update) -> Widget:
        """The notes' statement and the current fact side by side (stacked when narrow)."""
        before = Static(Content.assemble(("The notes say:", "bold"), "\n", render_markup(update.note)), classes="old")
        after = Static(Content.assemble(("Now:", "bold"), "\n", render_markup(update.current)), classes="new")
        source = Static(Content.assemble(("Source: ", "italic"), (update.source, "italic")), classes="update-source")
        box = Vertical(Horizontal(before, after, classes="compare"), source, classes="update")
        box.border_title = markup.update_heading(update.since, update.kind)
        return box

    def _link_widget(self, link: Link) -> Widget:
        target = link.entry
        key = f"[{link.number}]" if link.number <= 9 else "   "
        summary = target.term
        if target.full_form:
            summary += f" ({target.full_form})"
        if link.kind == "related" and target.topic_id != (self.entry.topic_id if self.entry else ""):
            summary += f"  - {self.course.topic_of(target).title}"
        text = Content.assemble((key, "bold"), " ", (summary, "underline"))
        text = text.stylize(f"@click=screen.follow_link({link.number})", 0, len(text))
        return Static(text, classes="link")
