"""The end of a quiz: score, time, and the questions to review."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from lessons import markup
from lessons.quiz import Quiz, QuizItem
from tui.widgets.status import StatusBar, TooSmall

if TYPE_CHECKING:
    from tui.app import TutorApp


def duration_text(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds >= 3600:
        return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"
    if seconds >= 60:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds} s"


class QuizResults(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_selected", "Open entry", show=False, tooltip="Open the selected question's entry"),
        Binding("m", "app.quiz_mistakes", "Retry mistakes", tooltip="A new quiz of the questions you got wrong"),
        Binding("l", "close", "Lessons", tooltip="Back to the lessons"),
        Binding("question_mark", "app.help", "Help", show=False),
    ]

    def __init__(self, quiz: Quiz, score: Any, duration: float, wrong: list[tuple[QuizItem, Any]]) -> None:
        super().__init__()
        self.quiz = quiz
        self.score = score
        self.duration = duration
        self.wrong = wrong

    @property
    def tutor(self) -> TutorApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        from tui.screens.quiz import MODE_TITLES

        score = self.score
        yield StatusBar()
        with VerticalScroll(id="results"):
            title = MODE_TITLES.get(self.quiz.spec.mode, "Quiz")
            yield Static(Content.from_markup("[b]$title: results[/b]", title=title), classes="title")
            percent = round(100 * score.correct / score.total) if score.total else 0
            lines = [f"Score: {score.correct} of {score.total} ({percent}%)", f"Time: {duration_text(self.duration)}"]
            if getattr(score, "scaled", None) is not None:
                verdict = "PASS" if score.passed else "FAIL"
                lines.insert(0, f"Scaled score: {score.scaled} of 1000 (720 to pass): {verdict}")
            yield Static("\n".join(lines), classes="summary")
            if self.quiz.spec.mode == "exam" and getattr(score, "by_topic", None):
                yield Static("By topic", classes="section")
                rows = []
                for row in score.by_topic:
                    topic = self.tutor.course.topic(row.topic)
                    name = f"{topic.number} {topic.title}" if topic else row.title
                    rows.append(f"{row.correct:>2}/{row.total:<2} {name}")
                yield Static("\n".join(rows), classes="breakdown")
            if self.wrong:
                yield Static(f"To review ({len(self.wrong)}): Enter opens the entry", classes="section")
                options = []
                for n, (item, given) in enumerate(self.wrong):
                    given_text = "no answer" if given is None else _answer_text(given)
                    prompt = markup.plain(item.question.prompt)
                    options.append(
                        Option(
                            f"{prompt}\n  you: {given_text} | answer: {', '.join(item.correct) or _expected(item)}",
                            id=str(n),
                        )
                    )
                yield OptionList(*options, id="wrong")
            else:
                yield Static("No mistakes. Well done.", classes="section")
        yield Footer(compact=True)
        yield TooSmall()

    def on_mount(self) -> None:
        from tui.screens.quiz import MODE_TITLES

        status = self.query_one(StatusBar)
        status.where = f"{MODE_TITLES.get(self.quiz.spec.mode, 'Quiz')} | finished"
        status.counts = f"score {self.score.correct}/{self.score.total}"
        wrong = self.query("#wrong")
        if wrong:
            wrong.first().focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._open(int(event.option.id or 0))

    def action_open_selected(self) -> None:
        wrong = self.query("#wrong")
        if wrong:
            highlighted = wrong.first(OptionList).highlighted
            if highlighted is not None:
                self._open(highlighted)

    def _open(self, n: int) -> None:
        item, _ = self.wrong[n]
        self.run_worker(self.tutor.open_entry(item.question.entry_id))

    def action_close(self) -> None:
        self.run_worker(self.tutor.close_quiz())


def _answer_text(given: Any) -> str:
    if isinstance(given, bool):
        return "True" if given else "False"
    if isinstance(given, (list, tuple)):
        return ", ".join(str(g) for g in given)
    return str(given)


def _expected(item: QuizItem) -> str:
    answer = item.question.answer
    if isinstance(answer, bool):
        return "True" if answer else "False"
    if isinstance(answer, float) and answer.is_integer():
        return str(int(answer))
    return str(answer)
