"""The Textual app: wiring, keys and modes. Course and progress live in :class:`tui.tutor.Tutor`.

Three modes, each its own screen stack: ``learn`` (the lessons), ``quiz`` and
``review``. A quiz or review mode is created when one starts and removed when it
ends; leaving it with ``l`` keeps it waiting (``z`` resumes a quiz).

:func:`create_app` is the one way to build the app: the command line and the
tests both come through it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual.actions import SkipAction
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.filter import ANSIToTruecolor, LineFilter, Monochrome, NoColor
from textual.screen import Screen

from lessons.model import Course
from progress.store import ProgressStore
from tui.commands import ActionCommands, EntryCommands, TopicCommands
from tui.messages import CloseReview, OfferQuiz, OpenEntry, OpenTopic, ToLessons
from tui.screens.main import MainScreen
from tui.terminal import Terminal
from tui.tutor import THEME_SETTING, Tutor

if TYPE_CHECKING:
    from lessons.quiz import Quiz
    from lessons.session import QuizSession
    from tui.screens.quiz import QuizScreen

LIGHT_THEME = "textual-light"
DARK_THEME = "textual-dark"
LEARN, QUIZ, REVIEW = "learn", "quiz", "review"
REFRESH_SECONDS = 60


@dataclass
class StartRequest:
    """What to open first: the lessons (default), a quiz straight away, or the review."""

    quiz: Quiz | None = None  # built (and validated) by the command line
    review: bool = False


class TutorApp(App[None]):
    """awstutor: lessons, quizzes, a calculator and progress, keyboard first."""

    TITLE = "awstutor"
    CSS_PATH = ["app.tcss"]
    DEFAULT_MODE = LEARN
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {TopicCommands, EntryCommands, ActionCommands}
    # -tiny: too small to draw; -small: stack side-by-side panels; -narrow: the tree becomes
    # a toggled panel (80x24 over SSH); -wide: tree and lesson side by side.
    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012 - Textual's own class attribute
        (0, "-tiny"),
        (30, "-small"),
        (60, "-narrow"),
        (100, "-wide"),
    ]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (8, "-tall")]  # noqa: RUF012 - Textual's own class attribute
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", priority=True, tooltip="Quit (progress is already saved)"),
        # Priority: "everywhere" in the help means also over dialogs and answer boxes.
        Binding(
            "ctrl+t", "toggle_theme", "Light/dark", show=False, priority=True, tooltip="Switch light and dark themes"
        ),
        Binding("f1", "help", "Help", show=False, priority=True, tooltip="All keys"),
        # Textual's command palette pages its list before the list is drawn when keys come
        # in one burst (typeahead over a slow link) and fails with KeyError: guarded here.
        Binding("pageup", "palette_page(-1)", show=False, priority=True),
        Binding("pagedown", "palette_page(1)", show=False, priority=True),
    ]

    def __init__(
        self,
        tutor: Tutor,
        *,
        notices: Iterable[str] = (),
        start: StartRequest | None = None,
        terminal: Terminal | None = None,
        handle_signals: bool = False,
    ) -> None:
        # Without a Terminal (tests), colour follows NO_COLOR as Textual reads it; glyphs are UTF-8.
        # Set before Textual's __init__, which asks get_css_variables().
        self.terminal = terminal if terminal is not None else Terminal(color="NO_COLOR" not in os.environ)
        super().__init__()
        if not self.terminal.color:
            self.no_color = True  # the :nocolor styles of app.tcss
        self._own_filters = self._make_filters()
        self.tutor = tutor
        self._handle_signals = handle_signals
        self.start = start or StartRequest()
        self._notices = list(notices)
        self._added_mode_names: set[str] = set()  # quiz / review modes added (add_mode), by name
        # What the stylesheet was parsed with: see refresh_css().
        self._css_variables: dict[str, str] | None = None
        self._css_sources: set[tuple[str, str]] = set()
        self.add_mode(LEARN, self._new_learn_screen)
        theme = tutor.setting(THEME_SETTING)
        if theme in (LIGHT_THEME, DARK_THEME):
            self.theme = theme

    # ------------------------------------------------------------------ what reaches the terminal

    def _make_filters(self) -> list[LineFilter]:
        from tui.filters import AsciiFilter, NoColorFilter

        filters: list[LineFilter] = []
        if self.terminal.ascii:
            filters.append(AsciiFilter())
        if not self.terminal.color:
            filters.append(NoColorFilter())
        return filters

    def get_line_filters(self) -> list[LineFilter]:
        """Textual's filters, then ours: ASCII glyphs on a terminal that is not UTF-8, and
        under NO_COLOR no colour at all (instead of Textual's greys, which are colours)."""
        filters = list(super().get_line_filters())
        if not self.terminal.color:
            filters = [f for f in filters if not isinstance(f, (Monochrome, NoColor, ANSIToTruecolor))]
        return [*filters, *self._own_filters]

    def get_css_variables(self) -> dict[str, str]:
        """The theme's variables, with readable colours on a 16-colour terminal and reversed
        cursors under NO_COLOR (see :mod:`tui.themes`)."""
        from tui.themes import variables_for

        variables = super().get_css_variables()
        console = getattr(self, "console", None)
        changed = variables_for(
            console.color_system if console is not None else None,
            dark=self.current_theme.dark,
            no_color=not self.terminal.color,
        )
        if changed:
            variables = {**variables, **changed}
            self.theme_variables = variables
        return variables

    # ------------------------------------------------------------------ styles

    def _new_learn_screen(self) -> Screen:
        # The stylesheet is first parsed (lazily) when this screen is registered, right
        # after this: with these variables, and every source added so far.
        variables = self.get_css_variables()
        self.stylesheet.set_variables(variables)
        self._css_variables, self._css_sources = variables, set(self.stylesheet.source)
        return MainScreen(self.tutor)

    def refresh_css(self, animate: bool = True) -> None:
        """Textual re-parses every stylesheet when a mode's screen first appears even when
        nothing changed that needs it: at start-up a second full parse (~15 ms of the
        first paint), and again on each switch back to the lessons. Skip the parse (not
        the restyling) when the variables (theme, colours) are those of the last parse and
        the only sources added since are widgets' own default CSS, which the stylesheet
        parses by itself before styling those widgets."""
        variables = self.get_css_variables()
        sources = self.stylesheet.source
        added = sources.keys() - self._css_sources
        if variables == self._css_variables and all(sources[key].is_defaults for key in added):
            self._css_sources |= added
            self.stylesheet.update(self, animate=animate)  # the rest of a refresh: restyle what is mounted
            return
        super().refresh_css(animate)
        self._css_variables, self._css_sources = variables, set(self.stylesheet.source)

    # ------------------------------------------------------------------ start-up

    def on_mount(self) -> None:
        if self._handle_signals:
            self._exit_on_signals()
        for notice in self._notices:
            self.notify(notice, severity="warning", timeout=12)
        tutor = self.tutor
        if tutor.read_only:
            self.notify(
                "Your progress folder is read-only: you can study, but nothing you do now is saved.",
                severity="warning",
                timeout=15,
            )
        # Another SSH session on the same data, and cards falling due while you study: looked
        # at once a minute (a stat per file); screens repaint only when something changed.
        self.set_interval(REFRESH_SECONDS, self.refresh_progress, name="progress refresh")
        if self.start.quiz is not None:
            quiz = self.start.quiz
            self.call_after_refresh(lambda: self.run_worker(self.open_quiz(tutor.start_session(quiz))))
            return
        if self.start.review:
            self.call_after_refresh(self.action_review)
            return
        if not tutor.setting("welcomed"):
            self._welcome()
        saved = tutor.saved_quiz_summary()
        if saved is not None:
            self.notify(
                f"You have an unfinished quiz ({saved[0]} of {saved[1]} answered). Press z to resume it.",
                title="Welcome back",
                timeout=12,
            )

    def _exit_on_signals(self) -> None:
        """SIGTERM (kill) and SIGHUP (the SSH connection dropped): exit the normal way, so the
        terminal gets its screen, cursor and mouse back. Everything is already saved."""
        import asyncio
        import signal

        loop = asyncio.get_running_loop()
        for name in ("SIGTERM", "SIGHUP"):
            number = getattr(signal, name, None)
            if number is not None:
                try:
                    loop.add_signal_handler(number, self.exit, None, 128 + number)
                except (NotImplementedError, RuntimeError, ValueError):
                    pass  # not the main thread, or a platform without it: the default stays

    def refresh_progress(self) -> None:
        """Marks and due cards written by another process, cards that fell due, and anything
        the store found meanwhile (a damaged file moved aside): shown when they change."""
        for notice in self.tutor.new_notices():
            self.notify(notice, severity="warning", timeout=15)
        if self.tutor.refresh():
            learn = self._learn_screen()
            if learn is not None and learn.is_mounted:
                learn.refresh_progress()

    def _welcome(self) -> None:
        """The first start's welcome, cut to what fits: a window too small to draw gets it another time."""
        from tui.widgets.status import TooSmall

        width, height = self.size
        if width < TooSmall.MIN_WIDTH or height < TooSmall.MIN_HEIGHT:
            return
        self.tutor.set_setting("welcomed", True)
        if width >= 80 and height >= 20:
            text = (
                "Welcome. n and p step through a topic, g marks an entry learned, a marks it for again, "
                "q quizzes you, t shows the topics. ? lists every key; ctrl+q quits (all is saved as you go)."
            )
        else:
            text = "Welcome. ? lists every key; ctrl+q quits."
        self.notify(text, title="awstutor", timeout=15)

    # ------------------------------------------------------------------ modes

    async def _open_mode(self, mode: str, factory: Callable[[], Screen]) -> None:
        """(Re)create ``mode`` with a fresh base screen and switch to it."""
        await self._drop_mode(mode)
        self.add_mode(mode, factory)
        self._added_mode_names.add(mode)
        await self.switch_mode(mode)

    async def _drop_mode(self, mode: str) -> None:
        if mode not in self._added_mode_names:
            return
        if self.current_mode == mode:
            await self.switch_mode(LEARN)
        self._added_mode_names.discard(mode)
        await self.remove_mode(mode)

    def _base_screen(self, mode: str) -> Screen | None:
        if mode not in self._added_mode_names:
            return None
        try:
            stack = self.get_screen_stack(mode)
        except KeyError:
            return None
        return stack[0] if stack else None

    async def action_lessons(self) -> None:
        """Back to the lessons; a quiz or review waits where it is."""
        if self.current_mode != LEARN:
            await self.switch_mode(LEARN)

    # ------------------------------------------------------------------ quizzes

    @property
    def quiz_screen(self) -> QuizScreen | None:
        from tui.screens.quiz import QuizScreen

        screen = self._base_screen(QUIZ)
        return screen if isinstance(screen, QuizScreen) else None

    def quiz_in_progress(self) -> QuizSession | None:
        screen = self.quiz_screen
        return screen.session if screen is not None and not screen.session.finished else None

    async def open_quiz(self, session: QuizSession) -> None:
        """Show ``session`` in quiz mode (replacing a finished or abandoned quiz)."""
        from tui.screens.quiz import QuizScreen

        await self._open_mode(QUIZ, lambda: QuizScreen(self.tutor, session))

    async def action_close_quiz(self) -> None:
        """From the results: back to the lessons, the quiz gone."""
        await self._drop_mode(QUIZ)

    def offer_quiz(self, mode: str, topics: list[str] | None = None, *, domain: int | None = None) -> None:
        """Start a quiz, first asking whether to resume one still in progress."""
        running = self.quiz_in_progress()
        if running is None:
            self._new_quiz(mode, topics, domain)
            return
        from tui.screens.dialogs import ChoiceDialog

        text = f"You are {running.answered} of {running.total} questions into a quiz."

        def decided(key: str | None) -> None:
            if key == "r":
                self.switch_mode(QUIZ)  # switches now; the mount need not be awaited
            elif key == "n":
                self._new_quiz(mode, topics, domain)

        self.push_screen(
            ChoiceDialog("A quiz is in progress", text, [("r", "Resume it"), ("n", "Start the new quiz")]),
            decided,
        )

    def _new_quiz(self, mode: str, topics: list[str] | None, domain: int | None = None) -> None:
        from lessons.quiz import QuizError

        try:
            quiz = self.tutor.build_quiz(mode, topics or [], domain=domain)
        except QuizError as error:
            self.notify(error.message, severity="warning", timeout=6)
            return
        session = self.tutor.start_session(quiz)
        self.run_worker(self.open_quiz(session), exclusive=True, group="quiz")

    def current_topic_id(self) -> str | None:
        screen = self._learn_screen()
        if screen is not None and screen.topic is not None:
            return screen.topic.id
        return self.tutor.course.topics[0].id if self.tutor.course.topics else None

    def action_quiz_topic(self) -> None:
        topic_id = self.current_topic_id()
        if topic_id:
            self.offer_quiz("topic", [topic_id])

    def action_quiz_mistakes(self) -> None:
        self.offer_quiz("mistakes")

    def action_exam(self) -> None:
        self.offer_quiz("exam")

    def action_quiz_mixed(self) -> None:
        from tui.screens.dialogs import TopicPicker

        topics = [(t.id, f"{t.number:>2} {t.title}") for t in self.tutor.course.topics]
        current = self.current_topic_id()

        def chosen(selected: list[str] | int | None) -> None:
            if isinstance(selected, int):
                self.offer_quiz("mixed", [], domain=selected)
            elif selected:
                self.offer_quiz("mixed", selected)

        self.push_screen(TopicPicker(topics, [current] if current else []), chosen)

    def action_resume_quiz(self) -> None:
        if self.quiz_in_progress() is not None:
            self.switch_mode(QUIZ)  # switches now; the mount need not be awaited
            return
        session = self.tutor.saved_quiz()
        if session is None:
            self.notify("No quiz in progress: q starts one on the current topic.", timeout=4)
            return
        self.run_worker(self.open_quiz(session), exclusive=True, group="quiz")

    # ------------------------------------------------------------------ review

    async def start_review(self) -> None:
        from tui.screens.review import ReviewScreen

        cards = self.tutor.due_cards()
        if not cards:
            self.notify(f"Nothing is due now. The next card is due {self.tutor.next_due_text()}.", timeout=6)
            return
        await self._open_mode(REVIEW, lambda: ReviewScreen(self.tutor, cards))

    def action_review(self) -> None:
        self.run_worker(self.start_review(), exclusive=True, group="review")

    # ------------------------------------------------------------------ panels and screens

    def action_search(self) -> None:
        from tui.screens.search import SearchScreen

        if self.current_mode != LEARN:
            self.notify("Search opens in the lessons: press l to go back to them.", timeout=4)
            return
        self.push_screen(SearchScreen(self.tutor))

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
            panel = CalculatorPanel(self.tutor.calc_history)
            await bodies.first().mount(panel)
        showing = not screen.has_class("-show-calc")
        screen.set_class(showing, "-show-calc")
        if showing:
            panel.show_history()
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

    def action_dashboard(self) -> None:
        from tui.screens.dashboard import DashboardScreen

        if not isinstance(self.screen, DashboardScreen):
            self.push_screen(DashboardScreen(self.tutor))

    def action_command_palette(self) -> None:
        """ctrl+p: the command palette, its cursor steady (nothing written while idle)."""
        from textual.command import CommandPalette

        from tui.commands import SteadyPalette

        if self.use_command_palette and not CommandPalette.is_open(cast("App[object]", self)):
            self.push_screen(SteadyPalette(id="--command-palette"))

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_palette_page(self, direction: int) -> None:
        """Page the command palette's list, and nothing when it is not drawn yet; elsewhere
        the key goes on to the screen's own bindings."""
        from textual.command import CommandList, CommandPalette

        if not isinstance(self.screen, CommandPalette):
            raise SkipAction()
        lists = self.screen.query(CommandList)
        if not lists:
            return
        options = lists.first()
        try:
            options.action_page_down() if direction > 0 else options.action_page_up()
        except (KeyError, IndexError):
            pass  # typeahead before the list is laid out: there is nothing to page through yet

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT_THEME if self.current_theme.dark else DARK_THEME

    def watch_theme(self, theme: str) -> None:
        if theme in (LIGHT_THEME, DARK_THEME):
            self.tutor.set_setting(THEME_SETTING, theme)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Light theme", "Switch to the light theme", lambda: setattr(self, "theme", LIGHT_THEME))
        yield SystemCommand("Dark theme", "Switch to the dark theme", lambda: setattr(self, "theme", DARK_THEME))

    # ------------------------------------------------------------------ navigation

    def _learn_screen(self) -> MainScreen | None:
        try:
            stack = self.get_screen_stack(LEARN)
        except KeyError:
            return None
        return next((s for s in stack if isinstance(s, MainScreen)), None)

    # ------------------------------------------------------------------ what screens ask for

    async def on_open_entry(self, message: OpenEntry) -> None:
        await self.open_entry(message.entry_id)

    async def on_open_topic(self, message: OpenTopic) -> None:
        await self.open_topic(message.topic_id)

    def on_offer_quiz(self, message: OfferQuiz) -> None:
        self.offer_quiz(message.mode, message.topics)

    async def on_to_lessons(self, message: ToLessons) -> None:
        await self.action_lessons()

    async def on_close_review(self, message: CloseReview) -> None:
        await self._drop_mode(REVIEW)

    async def open_entry(self, entry_id: str) -> None:
        """Show an entry in the lesson pane (from the palette, search, a quiz or a review)."""
        if self.current_mode != LEARN:
            await self.switch_mode(LEARN)
        while len(self.screen_stack) > 1:
            self.pop_screen()
        screen = self._learn_screen()
        if screen is not None:
            screen.open_entry(entry_id)

    async def open_topic(self, topic_id: str) -> None:
        order = self.tutor.course.reading_order(topic_id)
        if order:
            await self.open_entry(order[0].id)

    # ------------------------------------------------------------------ keys

    _ASCII_KEYS: ClassVar[dict[str, str]] = {
        "\u2190": "left",
        "\u2192": "right",
        "\u2191": "up",
        "\u2193": "down",
        "\u23ce": "Enter",
        "\u232b": "bksp",
    }

    def get_key_display(self, binding: Binding) -> str:
        """Key names in plain ASCII: some remote terminals have no arrow glyphs."""
        display = super().get_key_display(binding)
        for glyph, name in self._ASCII_KEYS.items():
            display = display.replace(glyph, name)
        return display


def create_app(
    course: Course,
    store: ProgressStore,
    *,
    notices: Iterable[str] = (),
    start: StartRequest | None = None,
    clock: Callable[[], datetime] | None = None,
    search_loader: Callable[[], Any] | None = None,
    terminal: Terminal | None = None,
    handle_signals: bool = False,
) -> TutorApp:
    """The one way to build the app: the command line and the tests both come through here.

    ``terminal`` is what :func:`tui.terminal.detect` found (the command passes it); on a
    terminal that is not UTF-8 the course's text is transliterated to ASCII once, here."""
    if terminal is not None and terminal.ascii:
        from tui.terminal import AsciiIndex, ascii_course

        course = ascii_course(course)
        loader = search_loader
        search_loader = (lambda: AsciiIndex(loader())) if loader is not None else None
    tutor = Tutor(course, store, clock=clock, search_loader=search_loader)
    return TutorApp(tutor, notices=notices, start=start, terminal=terminal, handle_signals=handle_signals)
