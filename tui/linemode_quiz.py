"""Quizzes and the due review in line mode: one question per prompt, the answer on the next line.

:class:`QuizLines` asks the questions of a :class:`~lessons.session.QuizSession`
and the cards of the due review; :mod:`tui.linemode` hands it a session and
gets back to the lessons when it returns. Answers go to the store as they are
given, and an unfinished quiz is saved at every step, as the app does.
"""

from __future__ import annotations

import random
from typing import Any

from lessons.blueprint import PASS_SCORE
from lessons.markup import plain
from lessons.model import Entry
from lessons.quiz import MODE_TITLES, QuizItem
from lessons.session import AnswerRejected, Attempt, QuizSession, check_response, duration_text, format_clock
from progress.scheduler import AGAIN, EASY, GOOD, HARD, RATING_NAMES, ReviewQueue, rating_for_answer
from progress.store import ProgressError
from tui.commandline import printable
from tui.lines import EndOfInput, Lines
from tui.tutor import SaveFailed, Tutor

LETTERS = "abcdef"

QUIZ_HELP = """\
In a quiz: type the answer, then Enter. Choices: a number or a letter (2 or b);
several for "choose all": 1,3 or a c. True/false: 1 or t, 2 or f.
Commands start with a colon:
  :l     back to the lessons (the quiz is kept: z resumes it)
In the exam, also:
  :n     next question          :p     previous question
  :m     mark (flag) this one   :j     list the questions
  :j 12  go to question 12      :e     end the exam and see the score"""


class QuizLines:
    """A quiz, or the due review, on numbered prompts."""

    def __init__(self, tutor: Tutor, lines: Lines) -> None:
        self.tutor = tutor
        self.out = lines

    def take_quiz(self, session: QuizSession) -> None:
        """Ask every question; back to the lessons at the end or on ``:l``. End of input
        keeps the quiz to resume (practice answers are already on disk)."""
        out = self.out
        title = MODE_TITLES.get(session.quiz.spec.mode, "Quiz")
        out.say()
        length = f"{session.total} question{'s' if session.total != 1 else ''}"
        if session.is_exam and session.quiz.time_limit_s:
            length += f", {format_clock(session.time_left(self.tutor.now_seconds()) or 0)}"
        out.say(f"{title}: {length}. Type :help for the commands.")
        step = "next"
        try:
            while True:
                if self._time_up(session):
                    break
                step = self._ask(session, show=step == "next")
                if step == "leave":
                    self.tutor.save_quiz(session)
                    out.say("Back to the lessons; the quiz is kept: z resumes it.")
                    return
                if step == "end":
                    break
        except EndOfInput:
            self.tutor.save_quiz(session)
            out.say(f"Input ended: the quiz is kept ({session.answered} of {session.total} answered); z resumes it.")
            raise
        self._finish(session)

    def _time_up(self, session: QuizSession) -> bool:
        if session.expired(self.tutor.now_seconds()):
            self.out.say("Time is up: the exam is over.")
            return True
        return False

    def _ask(self, session: QuizSession, *, show: bool) -> str:
        """One line for the current question (shown first when ``show``): ``"next"`` (show
        the question now current), ``"again"`` (the same one, not shown again), ``"leave"``
        (back to the lessons) or ``"end"`` (the last answer given, or the exam ended)."""
        out = self.out
        item = session.item
        now = self.tutor.now_seconds()
        if show:
            session.shown_at = now
            head = f"Question {session.index + 1} of {session.total}"
            if session.is_exam:
                head += f" | answered {session.answered} | {format_clock(session.time_left(now) or 0)}"
                if session.index in session.flagged:
                    head += " | marked"
            else:
                head += f" | score {session.correct_so_far()} of {len(session.grades)}"
            out.say()
            out.say(head)
            self._show_question(item, session.responses.get(session.index))
        prompt = "answer> "
        if session.is_exam:
            prompt = f"({format_clock(session.time_left(now) or 0)}) answer> "
        line = out.ask(prompt)
        if line.startswith(":"):
            return self._quiz_command(session, line[1:].strip())
        if session.expired(self.tutor.now_seconds()):
            return "again"  # the loop says the time is up
        index = session.index
        try:
            attempt = session.answer(parse_response(item, line), self.tutor.now_seconds())
        except AnswerRejected as rejected:
            out.say(str(rejected))
            return "again"
        if attempt is not None:
            try:
                self.tutor.record([attempt], mode=session.quiz.spec.mode, session_id=session.session_id)
            except SaveFailed as error:
                out.say(self.tutor.failure_text(error))
        self.tutor.save_quiz(session)
        if session.is_exam:
            out.say(f"Answer kept ({session.answered} of {session.total} answered).")
            if session.answered == session.total:
                out.say("Every question has an answer: :e ends the exam; :j lists the questions to change one.")
            return "next"
        self._feedback(item, session.grades[index])
        return "end" if session.proceed(self.tutor.now_seconds()) else "next"

    def _show_question(self, item: QuizItem, previous: Any = None) -> None:
        out = self.out
        question = item.question
        out.para(plain(question.prompt))
        for n, choice in enumerate(item.choices, start=1):
            out.para(f"{n}) {plain(choice)}", indent="  ", hanging="     ")
        letters = LETTERS[: max(1, len(item.choices))]
        hints = {
            "single": f"Choose one: 1-{len(item.choices)} or a-{letters[-1]}.",
            "multi": f"Choose all that apply, e.g. 1,3 (1-{len(item.choices)} or a-{letters[-1]}).",
            "truefalse": "1 or t for True, 2 or f for False.",
            "typed": "Type the answer.",
            "numeric": "Type a number (awstutor calc works out formulas).",
        }
        out.say(hints[question.type])
        if previous is not None:
            out.say(f"Your answer so far: {answer_text(previous)}")

    def _feedback(self, item: QuizItem, grade: Any, extra: str | None = None) -> None:
        out = self.out
        question = item.question
        verdict = "Right." if grade.correct else "Wrong."
        if not grade.correct or question.type in ("typed", "numeric"):
            verdict += f" The answer: {plain(grade.expected)}"
        out.para(verdict)
        if grade.note:
            out.para(grade.note)
        out.para(plain(question.explain))
        if question.reasons:
            reasons = dict(zip(question.choices, question.reasons, strict=False))
            for n, choice in enumerate(item.choices, start=1):
                why = reasons.get(choice)
                if why:
                    mark = "right" if choice in item.correct else "wrong"
                    out.para(f"{n}) {mark}: {plain(why)}", indent="  ", hanging="     ")
        if question.uses_update:
            out.say("(Graded by the update: the notes are out of date here.)")
        if extra:
            out.say(extra)

    def _quiz_command(self, session: QuizSession, command: str) -> str:
        out = self.out
        word, _, rest = command.partition(" ")
        word = word.lower()
        now = self.tutor.now_seconds()
        if word in ("l", "leave", "lessons", "q", "quit"):
            return "leave"
        if word in ("h", "help", "?", ""):
            out.say(QUIZ_HELP)
            return "again"
        if not session.is_exam:
            out.say("That command is for the exam; :l goes back to the lessons, :help lists the commands.")
            return "again"
        step = "again"
        if word in ("n", "next", "p", "prev", "previous"):
            if session.move(1 if word.startswith("n") else -1, now):
                step = "next"
            else:
                out.say("There is no question that way.")
        elif word in ("m", "mark", "flag"):
            out.say("Marked for review." if session.toggle_flag() else "Mark removed.")
        elif word in ("j", "jump", "list") and rest:
            if rest.isdigit() and session.jump(int(rest) - 1, now):
                step = "next"
            else:
                out.say(f"No question {printable(rest, 10)}: there are {session.total}.")
        elif word in ("j", "jump", "list"):
            for i, item in enumerate(session.quiz.items):
                out.para(f"{i + 1:>3}. [{session.state_of(i)}] {plain(item.question.prompt)}", hanging="     ")
            out.say(":j N goes to question N.")
        elif word in ("e", "end", "finish"):
            unanswered = session.total - session.answered
            sure = out.ask(f"{unanswered} of {session.total} unanswered. End the exam now? (y/n) ")
            if sure.lower() in ("y", "yes"):
                return "end"
        else:
            out.say(f"Not a command: :{printable(command, 30)}. :help lists them.")
        self.tutor.save_quiz(session)
        return step

    def _finish(self, session: QuizSession) -> None:
        """Record what the session says (an exam's final answers), then the score and mistakes."""
        out = self.out
        duration = session.elapsed(self.tutor.now_seconds())
        try:
            self.tutor.finish_quiz(session)
        except SaveFailed as error:
            out.say(self.tutor.failure_text(error))
        score = session.score()
        out.say()
        title = MODE_TITLES.get(session.quiz.spec.mode, "Quiz")
        percent = round(100 * score.correct / score.total) if score.total else 0
        out.say(
            f"{title}: results. Score: {score.correct} of {score.total} ({percent}%). Time: {duration_text(duration)}."
        )
        if score.scaled is not None:
            out.say(
                f"Scaled score: {score.scaled} of 1000 ({PASS_SCORE} to pass): {'PASS' if score.passed else 'FAIL'}."
            )
        wrong = session.mistakes()
        if wrong:
            out.say(f"To review ({len(wrong)}):")
            for n, (item, given) in enumerate(wrong, start=1):
                expected = ", ".join(plain(c) for c in item.correct) or answer_text(item.question.answer)
                out.para(f"{n:>3}. {plain(item.question.prompt)}", hanging="     ")
                out.para(
                    f"you: {'no answer' if given is None else answer_text(given)} | answer: {expected}", indent="     "
                )
        else:
            out.say("No mistakes. Well done.")
        out.say("Back in the lessons (m quizzes your mistakes).")

    # -------------------------------------------------------------- review

    def review(self) -> None:
        """What is due, card by card: an entry card is rated 1-4 by the learner, a question card by the answer."""
        tutor = self.tutor
        out = self.out
        cards = tutor.due_cards()
        if not cards:
            out.say(f"Nothing is due now. The next card is due {tutor.next_due_text()}.")
            return
        queue = ReviewQueue(list(cards))
        try:
            session_id: str | None = tutor.store.start_session("due", [])
        except (ProgressError, OSError):
            session_id = None
        ratings: dict[str, int] = {}
        rng = random.Random()
        out.say(f"Review: {len(cards)} card{'s' if len(cards) != 1 else ''} due. :l goes back to the lessons.")
        while queue.current is not None:
            card = queue.current
            out.say()
            out.say(f"Card {len(queue.done) + 1} of {len(cards)} | left {queue.remaining}")
            entry = tutor.course.entry(card)
            if entry is not None:
                rating = self._entry_card(entry)
                if rating is None:
                    return
                try:
                    tutor.review_entry(card, rating)
                except SaveFailed as error:
                    out.say(tutor.failure_text(error))
                    continue
            else:
                question = tutor.bank().get(card)
                if question is None:  # from a course folder no longer loaded
                    queue.answer(GOOD)
                    continue
                rating = self._question_card(tutor.quiz_item(question, rng), session_id)
                if rating is None:
                    return
            ratings[card] = rating
            queue.answer(rating)
        counts = {name: sum(1 for r in ratings.values() if r == value) for value, name in RATING_NAMES.items()}
        out.say()
        out.say(
            f"Review done: {len(ratings)} card{'s' if len(ratings) != 1 else ''} ("
            + ", ".join(f"{n} {name}" for name, n in counts.items() if n)
            + f"). The next card is due {tutor.next_due_text()}."
        )
        if session_id:
            try:
                tutor.store.finish_session(session_id, counts["good"] + counts["easy"] + counts["hard"], len(ratings))
            except (ProgressError, OSError):
                pass

    def _entry_card(self, entry: Entry) -> int | None:
        out = self.out
        topic = self.tutor.course.topic_of(entry)
        out.para(f"Topic {topic.number} {topic.title}: {entry.term}")
        if out.ask("Do you remember it? Enter shows the back. ").startswith(":"):
            return None
        if entry.full_form:
            out.para(f"Full form: {entry.full_form}")
        if entry.definition:
            out.para(plain(entry.definition))
        for note in entry.notes:
            out.para(plain(note), indent="  - ", hanging="    ")
        for update in entry.updates:
            out.para(f"Update: {plain(update.current)}", indent="  ", hanging="    ")
        while True:
            line = out.ask("How well did you remember it? 1 again, 2 hard, 3 good, 4 easy: ")
            if line.startswith(":"):
                return None
            if line in ("1", "2", "3", "4"):
                return {"1": AGAIN, "2": HARD, "3": GOOD, "4": EASY}[line]
            out.say("Type 1, 2, 3 or 4.")

    def _question_card(self, item: QuizItem, session_id: str | None) -> int | None:
        out = self.out
        tutor = self.tutor
        shown = tutor.now_seconds()
        self._show_question(item)
        while True:
            line = out.ask("answer> ")
            if line.startswith(":"):
                return None
            try:
                response = check_response(item.question, parse_response(item, line))
            except AnswerRejected as rejected:
                out.say(str(rejected))
                continue
            break
        grade = tutor.bank().grade(item.question, response)
        seconds = max(0.0, tutor.now_seconds() - shown)
        attempt = Attempt(0, item.question, response, grade, seconds)
        rating: int | None
        try:
            rating = tutor.record([attempt], mode="due", session_id=session_id)
        except SaveFailed as error:
            out.say(tutor.failure_text(error))
            rating = None
        if rating is None:
            rating = rating_for_answer(grade.correct, seconds, item.question.type)
        note = "It comes back later in this review." if rating == AGAIN else f"Rated {RATING_NAMES[rating]}."
        self._feedback(item, grade, extra=note)
        return rating


# ------------------------------------------------------------------ answers


def parse_response(item: QuizItem, line: str) -> Any:
    """The learner's line as the grader takes it (typed and numeric answers: the text
    itself); :class:`~lessons.session.AnswerRejected` says why a line is not a choice."""
    question = item.question
    text = line.strip()
    if question.type in ("typed", "numeric"):
        return text or None
    if not text:
        return None
    count = len(item.choices)
    if question.type == "truefalse":
        folded = text.lower()
        if folded in ("1", "t", "true", "y", "yes", "a"):
            return True
        if folded in ("2", "f", "false", "n", "no", "b"):
            return False
        raise AnswerRejected("Answer 1 (true) or 2 (false).")
    tokens = text.replace(",", " ").split()
    if len(tokens) == 1 and tokens[0].isalpha() and len(tokens[0]) > 1 and question.type == "multi":
        tokens = list(tokens[0])  # "ac"
    picked: list[int] = []
    for token in tokens:
        token = token.lower().rstrip(").")
        if token.isdigit() and 1 <= int(token) <= count:
            picked.append(int(token) - 1)
        elif len(token) == 1 and token in LETTERS[:count]:
            picked.append(LETTERS.index(token))
        else:
            raise AnswerRejected(f"Not a choice: {printable(token, 20)}. Type 1-{count} or a-{LETTERS[count - 1]}.")
    if question.type == "single":
        if len(set(picked)) != 1:
            raise AnswerRejected("Choose one answer.")
        return item.choices[picked[0]]
    return tuple(item.choices[i] for i in sorted(set(picked)))


def answer_text(given: Any) -> str:
    if isinstance(given, bool):
        return "True" if given else "False"
    if isinstance(given, (list, tuple)):
        return ", ".join(plain(str(g)) for g in given)
    if isinstance(given, float) and given.is_integer():
        return str(int(given))
    return plain(str(given))
