"""The Textual app and its one factory (used by the command line and by the tests)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from lessons import markup
from lessons.model import Course, Entry
from progress.scheduler import Scheduler
from progress.store import ProgressStore
from tui.commands import ActionCommands, EntryCommands, TopicCommands
from tui.screens.main import MainScreen
from tui.widgets.lesson import source_line

LIGHT_THEME = "textual-light"
DARK_THEME = "textual-dark"


@dataclass
class StartRequest:
    """What to open first: the lesson (default), or a quiz straight away."""

    quiz: Any = None  # a lessons.quiz.Quiz built (and validated) by the command line
    review: bool = False  # open the review of what is due


class TutorApp(App[None]):
    """awstutor: lessons, quizzes, a calculator and progress, keyboard first."""

    TITLE = "awstutor"
    CSS_PATH = ["app.tcss"]
    DEFAULT_MODE = "learn"
    MODES: ClassVar[dict[str, Callable[[], Screen]]] = {"learn": MainScreen}  # quiz and review are added as needed
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {TopicCommands, EntryCommands, ActionCommands}
    # -tiny: too small to draw; -small: stack side-by-side panels; -narrow: the tree becomes
    # a toggled panel (80x24 over SSH); -wide: tree and lesson side by side.
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [
        (0, "-tiny"),
        (30, "-small"),
        (60, "-narrow"),
        (100, "-wide"),
    ]
    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-short"), (8, "-tall")]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", priority=True, tooltip="Quit (progress is already saved)"),
        Binding("ctrl+t", "toggle_theme", "Light/dark", show=False, tooltip="Switch light and dark themes"),
        Binding("f1", "help", "Help", show=False),
    ]

    def __init__(
        self,
        course: Course,
        store: ProgressStore,
        *,
        notices: Iterable[str] = (),
        start: StartRequest | None = None,
        clock: Callable[[], datetime] | None = None,
        search_loader: Callable[[], Any] | None = None,
    ) -> None:
        super().__init__()
        from textual.scrollbar import ScrollBar

        from tui.widgets.fields import WholeCellScrollBarRender

        ScrollBar.renderer = WholeCellScrollBarRender
        self.course = course
        self.store = store
        self.start = start or StartRequest()
        self.clock = clock
        self._notices = list(notices)
        self._index = None
        self._index_task = None
        self._search_loader = search_loader
        self._bank = None
        self._due_cache: dict[str, int] | None = None
        self.scheduler = Scheduler(store, clock=clock)
        self.calc_history: list = []  # the session's calculations, shared by every screen
        self._marks: dict[str, str] = {}
        self._seen: set[str] = set()
        self._load_marks()
        theme = store.get_setting("theme")
        if theme in (LIGHT_THEME, DARK_THEME):
            self.theme = theme

    # ------------------------------------------------------------------ startup

    def on_mount(self) -> None:
        for notice in self._notices:
            self.notify(notice, severity="warning", timeout=12)
        if not self.store.get_setting("welcomed") and self.start.quiz is None and not self.start.review:
            self.store.set_setting("welcomed", True)
            self.notify(
                "Welcome. n and p step through a topic, g marks an entry learned, a marks it for again, "
                "q quizzes you, t shows the topics. ? lists every key; ctrl+q quits (all is saved as you go).",
                title="awstutor",
                timeout=15,
            )
        if self.start.quiz is not None:
            self.call_after_refresh(lambda: self.run_worker(self.start_quiz(self.start.quiz)))
        elif self.start.review:
            self.call_after_refresh(self.action_review)
        else:
            from tui import quiz_state

            saved = self.store.get_setting(quiz_state.SETTING)
            answered = len(saved.get("responses", {})) if isinstance(saved, dict) else 0
            if answered:
                total = len(saved.get("items", []))
                self.notify(
                    f"You have an unfinished quiz ({answered} of {total} answered). Press z to resume it.",
                    title="Welcome back",
                    timeout=12,
                )

    def on_resize(self, event) -> None:
        """Too small to draw: the notice must not hide under a toast."""
        from tui.widgets.status import TooSmall

        if event.size.width < TooSmall.MIN_WIDTH or event.size.height < TooSmall.MIN_HEIGHT:
            self.clear_notifications()

    # ------------------------------------------------------------------ progress

    def _load_marks(self) -> None:
        self._marks = self.store.latest_marks()

    def mark_of(self, entry_id: str) -> str | None:
        return self._marks.get(entry_id)

    def marks_summary(self) -> tuple[set[str], set[str]]:
        learned = {e for e, m in self._marks.items() if m == "got"}
        again = {e for e, m in self._marks.items() if m == "again"}
        return learned, again

    def mark_entry(self, entry_id: str, mark: str) -> None:
        """ "got it" / "again": stored, and the entry's card rated (Good / Again)."""
        self.store.mark_entry(entry_id, mark)
        self._marks[entry_id] = mark
        self.scheduler.rate_mark(entry_id, mark)
        self._due_changed()

    def resume_position(self) -> str | None:
        position = self.store.position()
        return position[1] if position else None

    def remember_position(self, topic_id: str, entry_id: str) -> None:
        """Where the learner is (to resume there) and that the entry was seen (once a session)."""
        self.store.save_position(topic_id, entry_id)
        if entry_id not in self._seen:
            self._seen.add(entry_id)
            self.store.mark_seen(entry_id)

    def due_count(self) -> int:
        return sum(self.due_by_topic().values())

    def due_by_topic(self) -> dict[str, int]:
        if self._due_cache is None:
            self._due_cache = self.scheduler.due_by_topic()
        return self._due_cache

    def _due_changed(self) -> None:
        self._due_cache = None

    def now_seconds(self) -> float:
        """Seconds on the app's clock (injectable: tests run exams on a fake clock)."""
        if self.clock is not None:
            return self.clock().timestamp()
        return time.monotonic()

    def record_answer(
        self, question, result, *, seconds: float, mode: str, session_id: str | None, rate: bool = True
    ) -> None:
        """Write-through: the attempt (and the card's new schedule) is on disk when this returns."""
        self.store.record_attempt(
            question.id,
            answer=result.given,
            correct=result.correct,
            seconds=round(seconds, 2),
            mode=mode,
            session_id=session_id,
        )
        if rate:
            return self.rate_answer(question, result.correct, seconds)
        return None

    def rate_answer(self, question, correct: bool, seconds: float | None) -> int:
        rating = self.scheduler.rate_answer(question.id, question.type, correct, seconds)
        self._due_changed()
        return rating

    def review_entry(self, entry_id: str, rating: int) -> None:
        """An entry flashcard rated in a review: a got-it / again mark and the card's schedule."""
        from progress.scheduler import AGAIN

        mark = "again" if rating == AGAIN else "got"
        self.store.mark_entry(entry_id, mark)
        self._marks[entry_id] = mark
        self.scheduler.rate(entry_id, rating)
        self._due_changed()

    def describe_when(self, moment: datetime) -> str:
        """'in 3 days (Mon 30 Nov, 10:04)' in the learner's local time."""
        from progress.dashboard import describe_when

        now = self.scheduler.now()
        return describe_when(moment, now, self.store.local(now).tzinfo)

    # ------------------------------------------------------------------ quizzes

    def bank(self):
        """The question bank, built on first use (the first screen does not need it)."""
        if self._bank is None:
            from lessons.bank import QuestionBank

            self._bank = QuestionBank.build(self.course)
        return self._bank

    def build_quiz(self, mode: str, topics: list[str] | None = None, count: int | None = None, seed: int | None = None):
        """A quiz for ``mode``, or None after telling the learner why not."""
        from lessons.quiz import QuizError, QuizSpec, build_quiz

        spec = QuizSpec(mode=mode, topics=list(topics or []), count=count, seed=seed)
        try:
            return build_quiz(self.bank(), spec, last_results=self.store.last_results())
        except QuizError as error:
            self.notify(str(error), severity="warning", timeout=6)
            return None

    @property
    def quiz_screen(self):
        from tui.screens.quiz import QuizScreen

        for screen in self._screen_stacks.get("quiz", []):
            if isinstance(screen, QuizScreen):
                return screen
        return None

    async def start_quiz(self, quiz, *, resume: dict | None = None) -> None:
        """Open ``quiz`` in quiz mode (replacing a finished or abandoned one)."""
        from tui.screens.quiz import QuizScreen

        if "quiz" in self._modes:
            if self.current_mode == "quiz":
                await self.switch_mode("learn")
            await self.remove_mode("quiz")
        if resume is not None and resume.get("session"):
            session_id = resume["session"]
        else:
            session_id = self.store.start_session(quiz.spec.mode, list(quiz.spec.topics))
        self.add_mode("quiz", lambda: QuizScreen(quiz, session_id, resume=resume))
        await self.switch_mode("quiz")

    def saved_quiz(self):
        """(quiz, progress) of an unfinished quiz left by an earlier session, if it can be rebuilt."""
        from tui import quiz_state

        data = self.store.get_setting(quiz_state.SETTING)
        if not data:
            return None
        return quiz_state.restore(data, self.bank())

    def finish_quiz(self, session_id: str | None, score) -> None:
        if session_id:
            self.store.finish_session(session_id, score.correct, score.total)

    async def close_quiz(self) -> None:
        await self.switch_mode("learn")
        if "quiz" in self._modes:
            await self.remove_mode("quiz")

    def _offer_quiz(self, mode: str, topics: list[str] | None = None) -> None:
        """Start a quiz, first asking whether to resume one still in progress."""
        current = self.quiz_screen
        if current is not None and not current.state.finished:
            from tui.screens.dialogs import ChoiceDialog

            done = len(current.state.responses)
            text = f"You are {done} of {len(current.quiz.items)} questions into a quiz."

            def decided(key: str | None) -> None:
                if key == "r":
                    self.run_worker(self.switch_mode("quiz"))
                elif key == "n":
                    self._new_quiz(mode, topics)

            self.push_screen(
                ChoiceDialog("A quiz is in progress", text, [("r", "Resume it"), ("n", "Start the new quiz")]),
                decided,
            )
            return
        self._new_quiz(mode, topics)

    def _new_quiz(self, mode: str, topics: list[str] | None) -> None:
        quiz = self.build_quiz(mode, topics)
        if quiz is not None:
            self.run_worker(self.start_quiz(quiz), exclusive=True, group="quiz")

    def current_topic_id(self) -> str | None:
        screen = self.learn_screen
        if screen is not None and screen.topic is not None:
            return screen.topic.id
        return self.course.topics[0].id if self.course.topics else None

    def action_quiz_topic(self) -> None:
        topic_id = self.current_topic_id()
        if topic_id:
            self._offer_quiz("topic", [topic_id])

    def action_quiz_mistakes(self) -> None:
        self._offer_quiz("mistakes")

    def action_exam(self) -> None:
        self._offer_quiz("exam")

    def action_quiz_mixed(self) -> None:
        from tui.screens.dialogs import TopicPicker

        topics = [(t.id, f"{t.number:>2} {t.title}") for t in self.course.topics]
        current = self.current_topic_id()

        def chosen(selected: list[str] | None) -> None:
            if selected:
                self._offer_quiz("mixed", selected)

        self.push_screen(TopicPicker(topics, [current] if current else []), chosen)

    # ------------------------------------------------------------------ panels

    def action_search(self) -> None:
        from tui.screens.search import SearchScreen

        if self.current_mode != "learn":
            self.notify("Search opens in the lessons: press l to go back to them.", timeout=4)
            return
        self.push_screen(SearchScreen())

    async def action_toggle_calculator(self) -> None:
        """Show or hide the calculator panel of the current screen (built on first use)."""
        from tui.widgets.calculator import CalculatorPanel

        screen = self.screen
        bodies = screen.query("#body")
        if not bodies:
            return
        panels = screen.query(CalculatorPanel)
        if panels:
            panel = panels.first()
        else:
            panel = CalculatorPanel(self.calc_history)
            await bodies.first().mount(panel)
        showing = not screen.has_class("-show-calc")
        screen.set_class(showing, "-show-calc")
        if showing:
            panel._show_history()
            panel.focus_first()
        else:
            self.restore_focus(screen)

    def on_calculator_panel_closed(self, event) -> None:
        self.run_worker(self.action_toggle_calculator())

    def restore_focus(self, screen: Screen) -> None:
        restore = getattr(screen, "restore_focus", None)
        if restore is not None:
            restore()
        else:
            screen.focus_next()

    def quiz_item(self, question, rng):
        """A question as a quiz asks it: choices shuffled, numeric parameters drawn."""
        from lessons.quiz import QuizSpec, build_quiz

        quiz = build_quiz(self.bank(), QuizSpec(mode="due", topics=[question.topic_id]), due_ids=[question.id], rng=rng)
        return quiz.items[0]

    def due_cards(self) -> list[str]:
        """Due cards that exist in the loaded course (entries or questions), most overdue first."""
        bank = self.bank()
        return [c for c in self.scheduler.due_now() if c in self.course.entries or bank.get(c) is not None]

    async def start_review(self) -> None:
        from tui.screens.review import ReviewScreen

        cards = self.due_cards()
        if not cards:
            nxt = self.scheduler.next_due()
            when = self.describe_when(nxt) if nxt else "once you have marked entries or answered questions"
            self.notify(f"Nothing is due now. The next card is due {when}.", timeout=6)
            return
        if "review" in self._modes:
            if self.current_mode == "review":
                await self.switch_mode("learn")
            await self.remove_mode("review")
        self.add_mode("review", lambda: ReviewScreen(cards))
        await self.switch_mode("review")

    def action_review(self) -> None:
        self.run_worker(self.start_review(), exclusive=True, group="review")

    def action_dashboard(self) -> None:
        from tui.screens.dashboard import DashboardScreen, open_dashboard

        if not isinstance(self.screen, DashboardScreen):
            open_dashboard(self)

    def action_resume_quiz(self) -> None:
        if self.quiz_screen is not None and not self.quiz_screen.state.finished:
            self.run_worker(self.switch_mode("quiz"))
            return
        saved = self.saved_quiz()
        if saved is not None:
            quiz, progress = saved
            self.run_worker(self.start_quiz(quiz, resume=progress), exclusive=True, group="quiz")
        else:
            self.notify("No quiz in progress: q starts one on the current topic.", timeout=4)

    # ------------------------------------------------------------------ keys

    _ASCII_KEYS = {"←": "left", "→": "right", "↑": "up", "↓": "down", "⏎": "Enter", "⌫": "bksp"}

    def get_key_display(self, binding: Binding) -> str:
        """Key names in plain ASCII: some remote terminals have no arrow glyphs."""
        display = super().get_key_display(binding)
        for glyph, name in self._ASCII_KEYS.items():
            display = display.replace(glyph, name)
        return display

    # ------------------------------------------------------------------ text

    def entry_as_text(self, entry: Entry) -> str:
        topic = self.course.topic_of(entry)
        lines = [entry.title, f"Topic {topic.number}: {topic.title}"]
        if entry.added:
            lines.append("(added - not in the original notes)")
        if entry.definition:
            lines.append(markup.plain(entry.definition))
        lines.extend(f"- {markup.plain(note)}" for note in entry.notes)
        for child in entry.children:
            lines.append(f"- {child.title}")
        if entry.unverified:
            lines.append(f"Unverified: {markup.plain(entry.unverified)}")
        for update in entry.updates:
            heading = markup.update_heading(update.since, update.kind)
            lines.append(f"{heading}: {markup.plain(update.current)} [{update.source}]")
        lines.append(f"({source_line(entry)})")
        return "\n".join(lines)

    # ------------------------------------------------------------------ navigation

    @property
    def learn_screen(self):
        from tui.screens.main import MainScreen

        for screen in self._screen_stacks.get("learn", []):
            if isinstance(screen, MainScreen):
                return screen
        return None

    async def open_entry(self, entry_id: str) -> None:
        """Show an entry in the lesson pane (from the palette, search or a quiz)."""
        if self.current_mode != "learn":
            await self.switch_mode("learn")
        while len(self.screen_stack) > 1:
            self.pop_screen()
        screen = self.learn_screen
        if screen is not None:
            screen.open_entry(entry_id)

    async def open_topic(self, topic_id: str) -> None:
        order = self.course.reading_order(topic_id)
        if order:
            await self.open_entry(order[0].id)

    async def search_index(self):
        """The search index (built once, off the event loop, on first use)."""
        if self._index is None:
            if self._index_task is None:
                self._index_task = asyncio.get_running_loop().run_in_executor(None, self._build_index)
            self._index = await self._index_task
        return self._index

    def _build_index(self):
        """The command passes a loader that shares ``awstutor lookup``'s cached index."""
        if self._search_loader is not None:
            return self._search_loader()
        from lessons.search import SearchIndex

        return SearchIndex.build(self.course)

    def palette_actions(self, screen: Screen) -> list[tuple[str, str, str]]:
        """(title, help, action) for every action reachable from ``screen``."""
        seen: set[str] = set()
        items: list[tuple[str, str, str]] = []
        for bindings, namespace in ((screen.BINDINGS, "screen"), (self.BINDINGS, "app")):
            for item in bindings:
                binding = item if isinstance(item, Binding) else Binding(*item)
                if binding.action.startswith(("follow_link", "answer_")) or binding.action in seen:
                    continue
                seen.add(binding.action)
                action = binding.action if "." in binding.action else f"{namespace}.{binding.action}"
                title = binding.tooltip or binding.description
                key = ", ".join(self.get_key_display(Binding(k, "")) for k in binding.key.split(","))
                items.append((title, f"key: {key}", action))
        return items

    # ------------------------------------------------------------------ actions

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT_THEME if self.current_theme.dark else DARK_THEME

    def watch_theme(self, theme: str) -> None:
        if theme in (LIGHT_THEME, DARK_THEME) and self.store.get_setting("theme") != theme:
            self.store.set_setting("theme", theme)

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Light theme", "Switch to the light theme", lambda: setattr(self, "theme", LIGHT_THEME))
        yield SystemCommand("Dark theme", "Switch to the dark theme", lambda: setattr(self, "theme", DARK_THEME))


def create_app(
    course: Course,
    store: ProgressStore,
    *,
    notices: Iterable[str] = (),
    start: StartRequest | None = None,
    clock: Callable[[], datetime] | None = None,
    search_loader: Callable[[], Any] | None = None,
) -> TutorApp:
    """The one way to build the app: the command line and the tests both come through here."""
    return TutorApp(course, store, notices=notices, start=start, clock=clock, search_loader=search_loader)
