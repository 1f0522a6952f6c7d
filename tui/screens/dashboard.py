"""The progress dashboard: readiness, what is due, the weakest topics, 30 days of activity, mastery.

Every figure comes from :func:`progress.dashboard.dashboard` (its module
docstring defines them), worked out in a thread worker when the screen is shown
or comes back (after a quiz or a review); nothing repaints while idle. Bars and
sparklines are plain ASCII, drawn for the width they get, so the screen reads
the same without colour, at 80x24 (it scrolls) and in narrow terminals.

The app opens it over the current screen (``d``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from lessons import blueprint
from progress.dashboard import PASS_SCORE, Dashboard, DayActivity, TopicProgress, dashboard
from tui.messages import OfferQuiz
from tui.widgets.status import StatusBar, TooSmall

if TYPE_CHECKING:
    from tui.tutor import Tutor

RAMP = "_.-=#"  # five levels, lowest first; a blank is a day with nothing
GAUGE = 30  # width of the readiness gauge (100 .. 1000)


# ------------------------------------------------------------------ drawing (plain text)


def _cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` characters, shortened with ASCII "..."."""
    if len(text) <= width:
        return text
    if width <= 3:
        return text[: max(width, 0)]
    return text[: width - 3].rstrip() + "..."


def bar(percent: int, width: int) -> str:
    """``[######----]``: ``width`` cells between the brackets, filled in proportion."""
    filled = max(0, min(width, round(width * percent / 100)))
    return "[" + "#" * filled + "-" * (width - filled) + "]"


def mastery_line(row: TopicProgress, width: int) -> str:
    """One topic in at most ``width`` columns, e.g.
    ``18 DynamoDB            [######----]  60%  acc  72%  due  3``."""
    acc = "-" if row.recent_accuracy is None else f"{row.recent_accuracy:.0f}%"
    pct = f"{row.mastery:>3}%"
    if width >= 60:
        tail = f" {bar(row.mastery, 10)} {pct}  acc {acc:>4}  due {row.due:>2}"
    elif width >= 40:
        tail = f" {bar(row.mastery, 5)} {pct} acc {acc:>4} due {row.due:>2}"
    else:
        tail = f" {pct} {acc:>4} d{row.due}"
    room = max(1, width - 3 - len(tail))
    return f"{row.number:>2} {_cut(row.title, room).ljust(room)}{tail}"[:width]


def accuracy_level(percent: float | None) -> str:
    """``_`` under 20%, ``.`` under 40%, ``-`` under 60%, ``=`` under 80%, ``#`` 80% and over; blank: no answers."""
    if percent is None:
        return " "
    return RAMP[min(4, int(percent // 20))]


def count_level(count: int, most: int) -> str:
    """A day's count against the busiest day: five equal steps, blank for none."""
    if count <= 0 or most <= 0:
        return " "
    return RAMP[min(4, math.ceil(5 * count / most) - 1)]


def sparklines(days: Sequence[DayActivity], width: int) -> list[str]:
    """Accuracy and reviews per day as two framed ASCII rows, with a date axis and a scale."""
    label = 10 if width >= 44 else 4
    shown = list(days)[-max(1, min(len(days), width - label - 2)) :]
    n = len(shown)
    answers = sum(d.answers for d in shown)
    correct = sum(d.correct for d in shown)
    reviews = sum(d.reviews for d in shown)
    most = max((d.reviews for d in shown), default=0)
    acc_row = "".join(accuracy_level(d.accuracy) for d in shown)
    rev_row = "".join(count_level(d.reviews, most) for d in shown)
    if label == 10:
        acc_note = f" {100 * correct / answers:.0f}% of {answers}" if answers else " no answers"
        rev_note = f" {reviews} in all, top {most}/day" if reviews else " none"
        rows = [f"{'accuracy':<{label - 1}}|{acc_row}|{acc_note}", f"{'reviews':<{label - 1}}|{rev_row}|{rev_note}"]
    else:
        rows = [f"acc|{acc_row}|", f"rev|{rev_row}|"]
    first = date.fromisoformat(shown[0].date).strftime("%d %b") if shown else ""
    axis = " " * label + first
    axis += "today".rjust(max(0, n - len(first))) if n > len(first) + 5 else ""
    scale = [
        "accuracy: _ <20%  . <40%  - <60%  = <80%  # 80%+",
        f"reviews (answers + marks): _ . - = # up to the top day ({most}); blank: none",
    ]
    if width < 44:
        scale = ["acc: _ <20 . <40 - <60 = <80 # 80+%", f"rev: _ . - = # up to {most}/day"]
    return [_cut(line, width) for line in [*rows, axis, *scale]]


def gauge(score: int, width: int = GAUGE) -> str:
    """``100 [#########------|---] 1000``: the score on the exam's scale, ``|`` at the pass mark."""
    filled = max(0, min(width, round(width * (score - 100) / 900)))
    cells = ["#" if i < filled else "-" for i in range(width)]
    cells[min(width - 1, round(width * (PASS_SCORE - 100) / 900))] = "|"
    return "100 [" + "".join(cells) + "] 1000"


def week_row(board: Dashboard) -> str:
    days = [f"{date.fromisoformat(d.date).strftime('%a')} {d.cards}" for d in board.due_next_days]
    return "Next 7 days: " + " | ".join(days)


# ------------------------------------------------------------------ widgets


class Drawn(Static):
    """Text laid out for the widget's own width (lines never wrap), drawn again on resize."""

    def __init__(self, draw: Callable[[int], Content | str], **kwargs) -> None:
        super().__init__(**kwargs)
        self._draw = draw

    def on_mount(self) -> None:
        self.redraw()

    def on_resize(self) -> None:
        self.redraw()

    def redraw(self) -> None:
        self.update(self._draw(self.content_size.width or 76))


# ------------------------------------------------------------------ the screen


class DashboardScreen(Screen[None]):
    """Progress at a glance; 1-3 practise the weakest topics."""

    CSS_PATH = "dashboard.tcss"
    AUTO_FOCUS = "#dash-body"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "1",
            "practise(1)",
            "Practise",
            key_display="1-3",
            tooltip="Topic quiz on the weakest topic (2, 3: the next ones)",
        ),
        Binding("2", "practise(2)", "Practise 2", show=False, tooltip="Topic quiz on the second weakest topic"),
        Binding("3", "practise(3)", "Practise 3", show=False, tooltip="Topic quiz on the third weakest topic"),
        Binding("r", "review", "Review", tooltip="Review the cards due now (spaced repetition)"),
        Binding("l", "lessons", "Lessons", tooltip="Back to the lessons"),
        Binding("escape", "lessons", "Back", show=False, tooltip="Back to the lessons"),
        Binding("question_mark", "app.help", "Help", tooltip="All keys"),
    ]

    def __init__(self, tutor: Tutor, *, days: int = 30) -> None:
        super().__init__()
        self.tutor = tutor
        self.days = days
        self.data: Dashboard | None = None

    def compose(self) -> ComposeResult:
        yield StatusBar()
        with VerticalScroll(id="dash-body"):
            yield Static("", id="dash-notices")
            yield Static("Loading your progress...", id="dash-readiness")
            yield Static("", id="dash-due")
            yield Static(Content.from_markup("[b]Weakest topics[/b]"), classes="dash-section")
            yield Static("", id="dash-weak")
            yield Static(Content.from_markup(f"[b]Last {self.days} days[/b]"), classes="dash-section")
            yield Drawn(self._draw_activity, id="dash-activity")
            yield Static(
                Content.from_markup(f"[b]Topics[/b]: mastery (entries learned), accuracy ({self.days} days), due now"),
                classes="dash-section",
            )
            yield Drawn(self._draw_topics, id="dash-topics")
        yield Footer(compact=True)
        yield TooSmall()

    def on_mount(self) -> None:
        self.query_one(StatusBar).where = "Progress"

    def on_screen_resume(self) -> None:
        """Shown, or back from a quiz or a review: work the figures out again."""
        self.load()

    # ------------------------------------------------------------------ data

    def topics(self) -> list[tuple[str, int, str, list[str]]]:
        return [(t.id, t.number, t.title, [e.id for e in t.walk()]) for t in self.tutor.course.topics]

    @work(thread=True, exclusive=True, group="dashboard")
    def load(self) -> None:
        """The figures read the whole answer log: off the event loop."""
        from progress.store import ProgressError

        tutor = self.tutor
        try:
            board = dashboard(
                tutor.store,
                tutor.scheduler,
                self.topics(),
                days=self.days,
                domains=tutor.bank().domains(),
                weights=blueprint.weights(),
            )
        except ProgressError as error:  # e.g. the folder locked by another process for too long
            self.app.call_from_thread(self.show_error, error.message)
            return
        self.app.call_from_thread(self.show, board)

    def show_error(self, message: str) -> None:
        if self.is_attached:
            self.query_one("#dash-readiness", Static).update(f"Could not read your progress: {message}")

    def show(self, board: Dashboard) -> None:
        if not self.is_attached:
            return  # closed while the figures were worked out
        self.data = board
        status = self.query_one(StatusBar)
        streak = board.streak_days
        status.counts = f"streak {streak} day{'s' if streak != 1 else ''} | due {board.due_now}"
        self.tutor.new_notices()
        notices = self.tutor.notices
        notice_box = self.query_one("#dash-notices", Static)
        notice_box.display = bool(notices)
        if notices:
            notice_box.update(Content.assemble(("Notices", "bold"), *[part for n in notices for part in ("\n! ", n)]))
        self.query_one("#dash-readiness", Static).update(self._readiness_text(board))
        self.query_one("#dash-due", Static).update(self._due_text(board))
        self.query_one("#dash-weak", Static).update(self._weak_text(board))
        for drawn in self.query(Drawn):
            drawn.redraw()

    # ------------------------------------------------------------------ text

    def _readiness_text(self, board: Dashboard) -> Content:
        ready = board.readiness
        if ready.score is None:
            head = Content.from_markup("[b]Exam readiness[/b]: not enough data")
            return Content.assemble(head, "\n", ready.explanation)
        verdict = "PASS" if ready.passed else "FAIL"
        head = Content.from_markup(
            "[b]Exam readiness[/b]: $score of 1000, likely [b]$verdict[/b] ($mark to pass)",
            score=str(ready.score),
            verdict=verdict,
            mark=str(PASS_SCORE),
        )
        return Content.assemble(head, "\n", gauge(ready.score), "\n", ready.explanation)

    def _due_text(self, board: Dashboard) -> Content:
        streak = board.streak_days
        if board.next_due:
            nxt = self.tutor.describe_when(datetime.fromisoformat(board.next_due))
        else:
            nxt = "nothing scheduled yet"
        first = (
            f"Streak {streak} day{'s' if streak != 1 else ''} | due now {board.due_now} | due today {board.due_today}"
        )
        return Content.assemble(first, "\n", f"Next due {nxt}", "\n", week_row(board))

    def _weak_text(self, board: Dashboard) -> Content:
        if not board.weakest:
            return Content("Nothing weak: every topic you practised is solid.")
        parts: list[Content | str] = []
        for n, weak in enumerate(board.weakest, start=1):
            if parts:
                parts.append("\n")
            parts.append(Content.assemble((f"[{n}]", "bold"), f" {weak.number} {weak.title}: {weak.reason}"))
        keys = "1" if len(board.weakest) == 1 else f"1-{len(board.weakest)}"
        parts += ["\n", Content.assemble(("Press ", "dim"), (keys, "bold"), (" for a topic quiz on it.", "dim"))]
        return Content.assemble(*parts)

    def _draw_activity(self, width: int) -> str:
        if self.data is None:
            return ""
        return "\n".join(sparklines(self.data.activity, width))

    def _draw_topics(self, width: int) -> str:
        if self.data is None:
            return ""
        lines = [mastery_line(row, width) for row in self.data.topics]
        total = self.data.entries
        learned = self.data.learned
        percent = round(100 * learned / total) if total else 0
        lines.append(_cut(f"All topics: {learned}/{total} entries learned ({percent}%)", width))
        return "\n".join(lines)

    # ------------------------------------------------------------------ actions

    def _leave(self) -> None:
        """Take the dashboard off the screen stack (when it was pushed on one)."""
        stack = self.app.screen_stack
        if self.app.screen is self and len(stack) > 1:
            self.app.pop_screen()

    def action_practise(self, n: int) -> None:
        if self.data is None:
            return
        if n > len(self.data.weakest):
            self.notify("No weak topic under that number.", timeout=3)
            return
        topic_id = self.data.weakest[n - 1].id
        self._leave()
        self.post_message(OfferQuiz("topic", [topic_id]))

    async def action_review(self) -> None:
        if self.tutor.due_cards():
            self._leave()  # so that leaving the review lands in the lessons
        # else the app says nothing is due (and when the next card is), over the dashboard
        await self.run_action("app.review")

    def action_lessons(self) -> None:
        self._leave()
        if self.app.current_mode != "learn":
            self.app.run_worker(self.app.switch_mode("learn"))
