"""Quiz mode: one question at a time, Enter submits and Enter again continues.

The screen does not write to disk itself: it asks the app, which records each
answer in the progress store before the feedback (or the next question) appears.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer

from lessons.grading import Grade
from lessons.quiz import Quiz, QuizItem
from tui.widgets.question import QuestionView
from tui.widgets.status import StatusBar, TooSmall

if TYPE_CHECKING:
    from tui.app import TutorApp

MODE_TITLES = {
    "topic": "Topic quiz",
    "mixed": "Mixed quiz",
    "mistakes": "My mistakes",
    "exam": "Exam simulation",
    "due": "Review",
}


@dataclass
class QuizState:
    """Where the learner is in a quiz; survives leaving to the lessons and coming back."""

    index: int = 0
    responses: dict[int, Any] = field(default_factory=dict)
    grades: dict[int, Grade] = field(default_factory=dict)
    flagged: set[int] = field(default_factory=set)
    started: float = 0.0  # app clock (seconds) when the quiz began
    shown_at: float = 0.0  # when the current question was shown
    finished: bool = False
    showing_feedback: bool = False


class QuizScreen(Screen[None]):
    """Asks the questions of a :class:`~lessons.quiz.Quiz`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", "Submit / next", tooltip="Submit the answer; Enter again goes on"),
        Binding("o", "open_entry", "Open entry", tooltip="Open the entry this question tests in the lesson pane"),
        Binding("f", "flag", "Flag", tooltip="Exam: flag this question for review"),
        Binding("left", "move(-1)", "Prev", show=False, tooltip="Exam: previous question"),
        Binding("right", "move(1)", "Next", show=False, tooltip="Exam: next question"),
        Binding("j", "jump", "Jump", tooltip="Exam: list the questions, jump to one"),
        Binding("e", "finish", "End exam", tooltip="Exam: finish and see the score"),
        Binding("l", "leave", "Lessons", tooltip="Back to the lessons (the quiz waits: z resumes it)"),
        Binding("equals_sign", "app.toggle_calculator", "Calc", tooltip="Calculator panel"),
        Binding("question_mark", "app.help", "Help", show=False),
        *[Binding(str(n), f"answer_pick({n - 1})", f"Choice {n}", show=False) for n in range(1, 7)],
        *[Binding(letter, f"answer_pick({i})", f"Choice {letter}", show=False) for i, letter in enumerate("abcd")],
    ]

    def __init__(self, quiz: Quiz, session_id: str | None, resume: dict | None = None) -> None:
        super().__init__()
        self.quiz = quiz
        self.session_id = session_id
        self.state = QuizState()
        self._resume = resume

    @property
    def tutor(self) -> TutorApp:
        return self.app  # type: ignore[return-value]

    @property
    def is_exam(self) -> bool:
        return self.quiz.spec.mode == "exam"

    @property
    def item(self) -> QuizItem:
        return self.quiz.items[self.state.index]

    @property
    def view(self) -> QuestionView:
        return self.query_one(QuestionView)

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield StatusBar()
        with Horizontal(id="body"):
            with VerticalScroll(id="quiz-body"):
                yield QuestionView()
        yield Footer(compact=True)
        yield TooSmall()

    async def on_mount(self) -> None:
        self.state.started = self.tutor.now_seconds()
        if self._resume:
            # Back after a dropped session: answers so far, and the time already spent.
            state = self.state
            state.index = self._resume["index"]
            state.responses = dict(self._resume["responses"])
            state.flagged = set(self._resume["flagged"])
            state.started -= self._resume["elapsed"]
            for i, response in state.responses.items():
                state.grades[i] = self.quiz.grade(i, response)
            if not self.is_exam and state.index in state.responses and state.index + 1 < len(self.quiz.items):
                state.index += 1
        else:
            self.save_progress()
        if self.is_exam:
            self.set_interval(1.0, self.tick, name="exam clock")
        await self.show_question()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in {"flag", "move", "jump", "finish"}:
            return self.is_exam and not self.state.finished
        if action == "open_entry":
            return True if (self.state.showing_feedback and not self.is_exam) else None
        return True

    def restore_focus(self) -> None:
        if self.state.showing_feedback:
            self.set_focus(None)
        else:
            self.view.focus_answer()

    # ------------------------------------------------------------------ showing

    async def show_question(self) -> None:
        state = self.state
        state.showing_feedback = False
        state.shown_at = self.tutor.now_seconds()
        suffix = "  (f: flag, j: jump, e: end exam)" if self.is_exam else ""
        await self.view.show(self.item, previous=state.responses.get(state.index), hint_suffix=suffix)
        self.query_one("#quiz-body", VerticalScroll).scroll_home(animate=False)
        self.refresh_bindings()
        self._update_status()

    def _update_status(self) -> None:
        status = self.query_one(StatusBar)
        total = len(self.quiz.items)
        title = MODE_TITLES.get(self.quiz.spec.mode, "Quiz")
        where = f"{title} | question {self.state.index + 1} of {total}"
        if self.state.index in self.state.flagged:
            where += " [flagged]"
        status.where = where
        status.short = f"{'Exam' if self.is_exam else 'Quiz'} {self.state.index + 1}/{total}"
        if self.is_exam:
            status.counts = f"answered {len(self.state.responses)}/{total} | {self._time_left()}"
        else:
            right = sum(1 for g in self.state.grades.values() if g.correct)
            status.counts = f"score {right}/{len(self.state.grades)}"

    # ------------------------------------------------------------------ exam clock

    def remaining_seconds(self) -> float:
        limit = self.quiz.time_limit_s or 0
        return limit - (self.tutor.now_seconds() - self.state.started)

    def _time_left(self) -> str:
        left = max(0, int(self.remaining_seconds()))
        return f"{left // 3600}:{left % 3600 // 60:02d}:{left % 60:02d} left"

    def tick(self) -> None:
        """Once a second during an exam: update the clock, finish when time is up."""
        if self.state.finished:
            return
        if self.remaining_seconds() <= 0:
            self.notify("Time is up: the exam is over.", severity="warning")
            self.finish()
        else:
            self._update_status()

    # ------------------------------------------------------------------ answering

    def action_answer_pick(self, index: int) -> None:
        if not self.state.showing_feedback:
            self.view.pick(index)

    @on(QuestionView.Submitted)
    async def _typed_submitted(self) -> None:
        await self.action_submit()

    async def action_submit(self) -> None:
        if self.state.finished:
            return
        if self.state.showing_feedback:
            await self._advance()
            return
        response = self.view.response()
        if response is None:
            self.notify("Choose or type an answer first.", severity="warning", timeout=3)
            return
        index = self.state.index
        result = self.quiz.grade(index, response)
        seconds = max(0.0, self.tutor.now_seconds() - self.state.shown_at)
        self.state.responses[index] = response
        self.state.grades[index] = result
        # Write-through: on disk before anything else is shown.
        self.tutor.record_answer(
            self.item.question,
            result,
            seconds=seconds,
            mode=self.quiz.spec.mode,
            session_id=self.session_id,
            rate=not self.is_exam,
        )
        self.save_progress()
        if self.is_exam:
            await self._advance()
        else:
            self.state.showing_feedback = True
            entry = self.tutor.course.entry(self.item.question.entry_id)
            self.view.show_feedback(result, entry_term=entry.term if entry else None)
            self.set_focus(None)
            self.refresh_bindings()
            self._update_status()

    async def _advance(self) -> None:
        state = self.state
        if self.is_exam:
            unanswered = [i for i in range(len(self.quiz.items)) if i not in state.responses]
            following = [i for i in unanswered if i > state.index] or unanswered
            if following:
                state.index = following[0]
                await self.show_question()
            else:
                self.action_finish()
            return
        if state.index + 1 < len(self.quiz.items):
            state.index += 1
            await self.show_question()
        else:
            self.finish()

    # ------------------------------------------------------------------ exam navigation

    def action_flag(self) -> None:
        self.state.flagged ^= {self.state.index}
        self.save_progress()
        self._update_status()

    async def action_move(self, delta: int) -> None:
        target = self.state.index + delta
        if 0 <= target < len(self.quiz.items):
            self.state.index = target
            await self.show_question()

    def action_jump(self) -> None:
        from tui.screens.quiz_jump import JumpList

        rows = []
        for i, item in enumerate(self.quiz.items):
            status = "answered" if i in self.state.responses else "unanswered"
            if i in self.state.flagged:
                status += ", flagged"
            rows.append((i, f"{i + 1:>2}. [{status}] {item.question.prompt}"))

        def chosen(index: int | None) -> None:
            if index is not None:
                self.state.index = index
                self.run_worker(self.show_question(), exclusive=True, group="show")

        self.app.push_screen(JumpList(rows, self.state.index), chosen)

    def action_finish(self) -> None:
        from tui.screens.dialogs import ChoiceDialog

        total = len(self.quiz.items)
        unanswered = total - len(self.state.responses)
        text = f"{unanswered} of {total} unanswered, {len(self.state.flagged)} flagged. {self._time_left()}."

        def decided(key: str | None) -> None:
            if key == "y":
                self.finish()

        self.app.push_screen(
            ChoiceDialog("Finish the exam?", text, [("y", "Finish and see the score"), ("n", "Keep going")]),
            decided,
        )

    # ------------------------------------------------------------------ leaving and finishing

    def action_open_entry(self) -> None:
        self.run_worker(self.tutor.open_entry(self.item.question.entry_id))

    def action_leave(self) -> None:
        self.run_worker(self.tutor.switch_mode("learn"))

    def save_progress(self) -> None:
        """Keep the unfinished quiz in the store, so a dropped session can resume it."""
        from tui import quiz_state

        data = quiz_state.snapshot(
            self.quiz,
            session_id=self.session_id,
            index=self.state.index,
            responses=self.state.responses,
            flagged=self.state.flagged,
            elapsed=self.tutor.now_seconds() - self.state.started,
        )
        self.tutor.store.set_setting(quiz_state.SETTING, data)

    def finish(self) -> None:
        if self.state.finished:
            return
        self.state.finished = True
        from tui import quiz_state

        self.tutor.store.set_setting(quiz_state.SETTING, None)
        score = self.quiz.score([self.state.grades.get(i) for i in range(len(self.quiz.items))])
        duration = self.tutor.now_seconds() - self.state.started
        if self.is_exam:  # exam answers may change until the end: rate the final ones now
            for i, result in self.state.grades.items():
                question = self.quiz.items[i].question
                self.tutor.rate_answer(question, result.correct, None)
        self.tutor.finish_quiz(self.session_id, score)
        from tui.screens.quiz_results import QuizResults

        wrong = [
            (self.quiz.items[i], self.state.responses.get(i))
            for i in range(len(self.quiz.items))
            if not (self.state.grades.get(i) and self.state.grades[i].correct)
        ]
        self.app.push_screen(QuizResults(self.quiz, score, duration, wrong))
