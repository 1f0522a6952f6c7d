"""The end of a quiz: score, pass or fail, the breakdown, then the questions to review.

It opens at its top (the score and breakdown), whatever the length of the list of
mistakes below; ``l`` goes back to the lessons and closes the quiz.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from lessons import blueprint, markup
from lessons.quiz import MODE_TITLES, QuizItem, scaled_score
from lessons.session import QuizSession, duration_text
from tui.messages import OpenEntry
from tui.widgets.status import StatusBar, TooSmall

if TYPE_CHECKING:
    from tui.tutor import Tutor


def breakdown(session: QuizSession, key) -> list[tuple[str, int, int]]:
    """(group, right, asked) per group of the session's questions, in first-seen order."""
    groups: dict[str, list[int]] = {}
    for i, item in enumerate(session.quiz.items):
        name = key(item)
        if name is None:
            continue
        tally = groups.setdefault(name, [0, 0])
        grade = session.grades.get(i)
        tally[0] += int(bool(grade and grade.correct))
        tally[1] += 1
    return [(name, right, total) for name, (right, total) in groups.items()]


class QuizResults(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_selected", "Open entry", tooltip="Open the selected question's entry"),
        Binding("m", "app.quiz_mistakes", "Retry mistakes", tooltip="A new quiz of the questions you got wrong"),
        Binding("l", "app.close_quiz", "Lessons", tooltip="Back to the lessons"),
        Binding("question_mark", "app.help", "Help", show=False, tooltip="All keys"),
    ]

    def __init__(self, tutor: Tutor, session: QuizSession, duration: float) -> None:
        super().__init__()
        self.tutor = tutor
        self.session = session
        self.duration = duration
        self.score = session.score()
        self.wrong: list[tuple[QuizItem, Any]] = session.mistakes()

    def compose(self) -> ComposeResult:
        score = self.score
        yield StatusBar()
        with VerticalScroll(id="results"):
            title = MODE_TITLES.get(self.session.quiz.spec.mode, "Quiz")
            yield Static(Content.assemble((f"{title}: results", "bold")), classes="title")
            percent = round(100 * score.correct / score.total) if score.total else 0
            lines = [f"Score: {score.correct} of {score.total} ({percent}%)", f"Time: {duration_text(self.duration)}"]
            if score.scaled is not None:
                verdict = "PASS" if score.passed else "FAIL"
                lines.insert(0, f"Scaled score: {score.scaled} of 1000 ({blueprint.PASS_SCORE} to pass): {verdict}")
            yield Static("\n".join(lines), classes="summary")
            if self.session.is_exam:
                yield from self._exam_breakdown()
            if self.wrong:
                yield Static(f"To review ({len(self.wrong)}): Enter opens the entry", classes="section")
                yield OptionList(
                    *[self._wrong_option(n, item, given) for n, (item, given) in enumerate(self.wrong)], id="wrong"
                )
            else:
                yield Static("No mistakes. Well done.", classes="section")
        yield Footer(compact=True)
        yield TooSmall()

    def _exam_breakdown(self) -> ComposeResult:
        session = self.session
        domains = breakdown(session, lambda item: str(item.question.domain) if item.question.domain else None)
        if domains:
            rows = []
            for number, right, total in sorted(domains):
                name = blueprint.domain(int(number)).title
                rows.append(f"{right:>2}/{total:<2} {scaled_score(right, total):>4}  {number} {name}")
            yield Static("By exam domain (right/asked, scaled)", classes="section")
            yield Static("\n".join(rows), classes="breakdown")
            tasks = breakdown(session, lambda item: item.question.task if item.question.domain else None)
            rows = [
                f"{right:>2}/{total:<2} {scaled_score(right, total):>4}  {blueprint.label(task)}"
                for task, right, total in sorted(tasks)
            ]
            yield Static("By task statement", classes="section")
            yield Static("\n".join(rows), classes="breakdown")
        rows = []
        for topic_id, right, total in breakdown(session, lambda item: item.question.topic_id):
            topic = self.tutor.course.topic(topic_id)
            name = f"{topic.number} {topic.title}" if topic else topic_id
            rows.append(f"{right:>2}/{total:<2} {name}")
        yield Static("By topic", classes="section")
        yield Static("\n".join(rows), classes="breakdown")

    def _wrong_option(self, n: int, item: QuizItem, given: Any) -> Option:
        given_text = "no answer" if given is None else _answer_text(given)
        prompt = markup.plain(item.question.prompt)
        expected = ", ".join(item.correct) or _expected(item)
        return Option(Content(f"{prompt}\n  you: {given_text} | answer: {expected}"), id=str(n))

    def on_mount(self) -> None:
        status = self.query_one(StatusBar)
        status.where = f"{MODE_TITLES.get(self.session.quiz.spec.mode, 'Quiz')} | finished"
        status.counts = f"score {self.score.correct}/{self.score.total}"
        results = self.query_one("#results", VerticalScroll)
        results.focus()
        self.call_after_refresh(results.scroll_home, animate=False)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._open(int(event.option.id or 0))

    def action_open_selected(self) -> None:
        wrong = self.query("#wrong")
        if not wrong:
            return
        options = wrong.first(OptionList)
        if self.focused is not options:
            options.focus()  # first Enter: into the list (the screen opened at its top)
            options.highlighted = options.highlighted or 0
            return
        if options.highlighted is not None:
            self._open(options.highlighted)

    def _open(self, n: int) -> None:
        item, _ = self.wrong[n]
        self.post_message(OpenEntry(item.question.entry_id))


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
