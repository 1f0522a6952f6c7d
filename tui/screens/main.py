"""The main screen: topic tree, lesson pane, guided stepping through a topic."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer

from lessons.model import Entry, Topic
from lessons.text import entry_text
from tui.tutor import SaveFailed
from tui.widgets.lesson import LessonView
from tui.widgets.status import StatusBar, TooSmall
from tui.widgets.topic_tree import TopicTree

if TYPE_CHECKING:
    from tui.tutor import Tutor


class MainScreen(Screen[None]):
    """Learn mode: browse the course, or step through a topic entry by entry."""

    AUTO_FOCUS = "LessonView"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "next", "Next", tooltip="Next entry of the topic"),
        Binding("p", "previous", "Prev", show=False, tooltip="Previous entry of the topic"),
        Binding("g", "got_it", "Got it", tooltip="Mark this entry learned and go on"),
        Binding("a", "again", "Again", tooltip="Mark this entry to see again and go on"),
        Binding("q", "app.quiz_topic", "Quiz", tooltip="Quiz on the current topic"),
        Binding("t", "toggle_tree", "Tree", tooltip="Show or hide the topic tree"),
        Binding("slash", "app.search", "Find", tooltip="Search the course as you type"),
        Binding(
            "equals_sign", "app.toggle_calculator", "Calc", tooltip="Calculator panel (capacity formulas with steps)"
        ),
        Binding("question_mark", "app.help", "Help", tooltip="All keys"),
        Binding("r", "app.review", "Review", show=False, tooltip="Review what is due (spaced repetition)"),
        Binding("d", "app.dashboard", "Progress", show=False, tooltip="Progress dashboard: mastery, streak, readiness"),
        Binding("m", "app.quiz_mistakes", "Mistakes", show=False, tooltip="Quiz on your last mistakes"),
        Binding("x", "app.exam", "Exam", show=False, tooltip="Exam simulation: 65 questions, 130 minutes"),
        Binding("k", "app.quiz_mixed", "Mixed quiz", show=False, tooltip="Mixed quiz over topics you choose"),
        Binding("z", "app.resume_quiz", "Resume quiz", show=False, tooltip="Back to the quiz in progress"),
        Binding("y", "copy_entry", "Copy", show=False, tooltip="Copy this entry as text (works over SSH)"),
        Binding("home", "first", "First entry", show=False, tooltip="First entry of the topic"),
        Binding("end", "last", "Last entry", show=False, tooltip="Last entry of the topic"),
        Binding("escape", "close_tree", "Close tree", show=False, tooltip="Close the topic tree"),
        *[Binding(str(n), f"follow_link({n})", f"Link {n}", show=False) for n in range(1, 10)],
    ]

    def __init__(self, tutor: Tutor) -> None:
        super().__init__()
        self.tutor = tutor
        self.topic: Topic | None = None
        self.order: list[Entry] = []
        self.index = 0

    def compose(self) -> ComposeResult:
        course = self.tutor.course
        learned, again = self.tutor.marks_summary()
        yield StatusBar(id="status")
        with Horizontal(id="body"):
            yield TopicTree(course, learned=learned, again=again, due=self.tutor.due_by_topic(), id="tree")
            yield LessonView(course, id="lesson")
        yield Footer(compact=True)
        yield TooSmall()

    def on_mount(self) -> None:
        course = self.tutor.course
        if not course.topics:
            self.query_one(LessonView).show_message(
                "No course loaded", "The course files could not be loaded: see the messages above."
            )
            return
        start = self.tutor.resume_position()
        entry = course.entry(start) if start else None
        if entry is None:
            entry = course.reading_order(course.topics[0].id)[0]
        self.show_entry(entry, save=False)

    def on_screen_resume(self) -> None:
        """Back from a quiz or review: marks and due counts may have changed (only changes repaint)."""
        if self.is_mounted:
            self.tutor.refresh()
            self.refresh_progress()

    # ------------------------------------------------------------------ state

    @property
    def topic_tree(self) -> TopicTree:
        return self.query_one(TopicTree)

    @property
    def lesson(self) -> LessonView:
        return self.query_one(LessonView)

    @property
    def current(self) -> Entry | None:
        if self.order and 0 <= self.index < len(self.order):
            return self.order[self.index]
        return None

    def show_entry(self, entry: Entry, *, save: bool = True, reveal: bool = True) -> None:
        course = self.tutor.course
        topic = course.topic_of(entry)
        if self.topic is None or self.topic.id != topic.id:
            self.topic = topic
            self.order = course.reading_order(topic.id)
        self.index = next(i for i, e in enumerate(self.order) if e.id == entry.id)
        self.lesson.show_entry(entry, index=self.index + 1, total=len(self.order), mark=self.tutor.mark_of(entry.id))
        self.topic_tree.current_id = entry.id
        if reveal:
            self.topic_tree.reveal(entry.id)
        self._update_status()
        if save:
            self.tutor.remember_position(topic.id, entry.id)

    def show_topic_start(self, topic_id: str) -> None:
        order = self.tutor.course.reading_order(topic_id)
        if order:
            self.show_entry(order[0])

    def _update_status(self) -> None:
        status = self.query_one(StatusBar)
        if self.topic is None:
            return
        total = len(self.order)
        where = f"{self.topic.number} {self.topic.title}"
        if self.current is not None:
            where += f" | entry {self.index + 1} of {total}"
            status.short = f"{self.topic.number} {self.current.term} {self.index + 1}/{total}"
        else:
            where += " | end of topic"
            status.short = f"{self.topic.number} end of topic"
        status.where = where
        learned = self.tutor.learned_in(self.order)
        due = self.tutor.due_count()
        status.counts = f"learned {learned}/{total}" + (f" | due {due}" if due else "")

    def refresh_progress(self) -> None:
        learned, again = self.tutor.marks_summary()
        self.topic_tree.show_progress(learned, again, self.tutor.due_by_topic())
        self._update_status()
        entry = self.current
        if entry is not None and self.lesson.mark != self.tutor.mark_of(entry.id):
            self.lesson.show_entry(
                entry, index=self.index + 1, total=len(self.order), mark=self.tutor.mark_of(entry.id)
            )

    # ------------------------------------------------------------------ messages

    def restore_focus(self) -> None:
        self.lesson.focus()

    @on(TopicTree.EntryChosen)
    def _entry_chosen(self, event: TopicTree.EntryChosen) -> None:
        entry = self.tutor.course.entry(event.entry_id)
        if entry is None:
            return
        self.show_entry(entry, reveal=False)
        if self.is_narrow:  # the panel covers the lesson: out of the way
            self.set_tree_visible(False)

    @on(TopicTree.TopicChosen)
    def _topic_chosen(self, event: TopicTree.TopicChosen) -> None:
        if self.topic is None or self.topic.id != event.topic_id:
            self.show_topic_start(event.topic_id)
        if self.is_narrow:
            self.set_tree_visible(False)

    # ------------------------------------------------------------------ actions

    def action_next(self) -> None:
        if self.topic is None:
            return
        if self.current is None:  # at the end page: on to the next topic
            following = self._next_topic()
            if following is not None:
                self.show_topic_start(following.id)
            return
        if self.index + 1 < len(self.order):
            self.show_entry(self.order[self.index + 1])
        else:
            self.index = len(self.order)
            learned = self.tutor.learned_in(self.order)
            self.lesson.show_end_of_topic(self.topic, self._next_topic(), learned, len(self.order))
            self._update_status()

    def action_previous(self) -> None:
        if self.order and self.index > 0:
            self.show_entry(self.order[min(self.index, len(self.order)) - 1])

    def action_first(self) -> None:
        if self.order:
            self.show_entry(self.order[0])

    def action_last(self) -> None:
        if self.order:
            self.show_entry(self.order[-1])

    def _mark(self, mark: str) -> None:
        entry = self.current
        if entry is None:
            return
        try:
            self.tutor.mark_entry(entry.id, mark)
        except SaveFailed as error:
            self.notify(self.tutor.failure_text(error), severity="error", timeout=15)
            return
        self.topic_tree.refresh_entry(entry, learned=mark == "got", again=mark == "again")
        self.action_next()

    def action_got_it(self) -> None:
        self._mark("got")

    def action_again(self) -> None:
        self._mark("again")

    def action_follow_link(self, number: int) -> None:
        link = self.lesson.link(number)
        if link is not None:
            self.show_entry(link.entry)

    def action_toggle_tree(self) -> None:
        self.set_tree_visible(not self.tree_visible)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "close_tree":  # Escape: only while the tree is open (or, beside the lesson, focused)
            return self.tree_visible and (self.is_narrow or self.topic_tree.has_focus)
        return True

    def action_close_tree(self) -> None:
        """Escape: the panel closes (under 100 columns); beside the lesson, the lesson takes the keys."""
        if self.is_narrow:
            self.set_tree_visible(False)
        else:
            self.lesson.focus()

    @property
    def is_narrow(self) -> bool:
        """Under 100 columns the tree is a panel toggled over the lesson."""
        return not self.has_class("-wide")

    @property
    def tree_visible(self) -> bool:
        if self.is_narrow:
            return self.has_class("-show-tree")
        return not self.has_class("-hide-tree")

    def set_tree_visible(self, visible: bool) -> None:
        if self.is_narrow:
            self.set_class(visible, "-show-tree")
        else:
            self.set_class(not visible, "-hide-tree")
        if visible:
            self.topic_tree.focus()
            if self.current is not None:
                self.topic_tree.reveal(self.current.id)
        else:
            self.lesson.focus()

    def action_copy_entry(self) -> None:
        entry = self.current
        if entry is None:
            return
        self.app.copy_to_clipboard(entry_text(self.tutor.course, entry))
        # OSC 52 asks the terminal to copy; nothing says whether it did (tmux drops it
        # unless set-clipboard is on, some terminals never allow it).
        self.notify(
            f"Sent '{entry.term}' to the terminal's clipboard. Some terminals drop it (tmux: set -g set-clipboard on).",
            timeout=5,
        )

    def _next_topic(self) -> Topic | None:
        return self.tutor.course.next_topic(self.topic.id) if self.topic is not None else None

    def open_entry(self, entry_id: str) -> None:
        entry = self.tutor.course.entry(entry_id)
        if entry is not None:
            self.show_entry(entry)
            self.lesson.focus()
