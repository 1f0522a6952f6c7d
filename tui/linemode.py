"""Line mode: the course on plain numbered prompts, for ``TERM=dumb``, screen readers and pipes.

``awstutor --plain`` (and ``awstutor`` on a terminal that cannot place the cursor)
runs this instead of the full-screen app. It writes whole lines of text and reads
whole lines from stdin: no cursor addressing, no colour, nothing written while it
waits, so a screen reader reads it in order and a script can drive it
(``printf '1\\n2\\n' | awstutor quiz --topic messaging --plain``). End of input ends it
cleanly: answers are on disk as they are given, and an unfinished quiz is kept to
resume (``z``), as the app does.

It drives the same :class:`~tui.tutor.Tutor` and
:class:`~lessons.session.QuizSession` as the app, so progress, grading and
scheduling are the same. No Textual here.
"""

from __future__ import annotations

import random
import shutil
import sys
import textwrap
from collections.abc import Callable
from typing import Any, TextIO

from lessons import markup
from lessons.model import Entry, Topic
from lessons.quiz import MODE_TITLES, QuizError, QuizItem
from lessons.session import AnswerRejected, Attempt, QuizSession, check_response, format_clock
from lessons.text import source_line
from progress.scheduler import AGAIN, EASY, GOOD, HARD, RATING_NAMES, ReviewQueue, rating_for_answer
from progress.store import ProgressError
from tui.commandline import printable
from tui.terminal import AsciiIndex, Terminal, ascii_course
from tui.tutor import SaveFailed, Tutor

LETTERS = "abcdef"

LESSON_HELP = """\
In the lessons (type a command, then Enter):
  Enter or n   next entry            p      previous entry
  g            got it, and go on     a      again (see it again soon), and go on
  1-9          follow a numbered link, or pick from the last numbered list
  .            read the entry again  e      the entries of this topic
  t            the topics            t 18   open topic 18
  / WORDS      search (also: s WORDS)
  q            quiz on this topic    q 18   quiz on topic 18
  k 3 18       mixed quiz (k alone: all topics)
  m            quiz on your last mistakes
  x            exam simulation (65 questions, 130 minutes)
  z            resume an unfinished quiz
  r            review what is due (spaced repetition)
  d            your progress
  help         this list             quit   leave (ctrl+d too; all is saved)"""

QUIZ_HELP = """\
In a quiz: type the answer, then Enter. Choices: a number or a letter (2 or b);
several for "choose all": 1,3 or a c. True/false: 1 or t, 2 or f.
Commands start with a colon:
  :l     back to the lessons (the quiz is kept: z resumes it)
In the exam, also:
  :n     next question          :p     previous question
  :m     mark (flag) this one   :j     list the questions
  :j 12  go to question 12      :e     end the exam and see the score"""


class EndOfInput(Exception):
    """stdin is at its end (ctrl+d, or the end of a piped file)."""


class Lines:
    """Plain lines out, whole lines in. Wraps to the terminal's width (80 when piped)."""

    def __init__(self, stdin: TextIO, stdout: TextIO, width: int | None = None) -> None:
        self.stdin = stdin
        self.stdout = stdout
        self.width = width or max(40, min(100, shutil.get_terminal_size((80, 24)).columns - 1))
        try:
            self.echo = not stdin.isatty()  # piped answers are shown after their prompt
        except (AttributeError, ValueError):
            self.echo = True

    def say(self, text: str = "") -> None:
        """Lines of text; one longer than the width is wrapped (its indent kept)."""
        lines: list[str] = []
        for line in text.split("\n"):
            if len(line) <= self.width:
                lines.append(line)
                continue
            indent = line[: len(line) - len(line.lstrip())]
            lines += textwrap.wrap(line, self.width, subsequent_indent=indent, break_on_hyphens=False)
        self.stdout.write("\n".join(lines) + "\n")
        self.stdout.flush()

    def para(self, text: str, indent: str = "", hanging: str | None = None) -> None:
        """A paragraph, wrapped, every line starting with ``indent`` (``hanging`` after the first)."""
        rest = indent if hanging is None else hanging
        lines = textwrap.wrap(
            text, self.width, initial_indent=indent, subsequent_indent=rest, break_on_hyphens=False
        ) or [indent.rstrip()]
        for line in lines:
            self.say(line)

    def ask(self, prompt: str) -> str:
        """One line of input (without its newline); raises :class:`EndOfInput` at the end."""
        self.stdout.write(prompt)
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            self.say()
            raise EndOfInput
        line = line.rstrip("\r\n")
        if self.echo:
            self.stdout.write(printable(line, 200) + "\n")
            self.stdout.flush()
        return line.strip()


def plain(text: str) -> str:
    return markup.plain(text)


# ------------------------------------------------------------------ the lessons


class LineMode:
    """The lessons, quizzes and review on numbered prompts."""

    def __init__(self, tutor: Tutor, lines: Lines) -> None:
        self.tutor = tutor
        self.out = lines
        self.topic: Topic | None = None
        self.order: list[Entry] = []
        self.index = 0
        self.picks: list[tuple[str, Callable[[], None]]] = []  # the last numbered list shown
        self.quitting = False

    # -------------------------------------------------------------- running

    def run(self, *, quiz: Any = None, review: bool = False) -> None:
        out = self.out
        out.say(
            "awstutor, line mode. Type help for the commands; quit or ctrl+d leaves. Everything is saved as you go."
        )
        self._start_position()
        try:
            if quiz is not None:
                self.take_quiz(self.tutor.start_session(quiz))
            elif review:
                self.review()
            else:
                saved = self.tutor.saved_quiz_summary()
                if saved is not None:
                    out.say(f"You have an unfinished quiz ({saved[0]} of {saved[1]} answered): z resumes it.")
                self.show()
            while not self.quitting:
                self.command(out.ask(self.prompt()))
        except EndOfInput:
            pass
        out.say("Bye. Your progress is saved.")

    def prompt(self) -> str:
        if self.topic is None:
            return "> "
        where = f"{self.index + 1} of {len(self.order)}" if self.current else "end of topic"
        return f"[{self.topic.number} {self.topic.title} | {where}] > "

    def command(self, line: str) -> None:
        word, _, rest = line.partition(" ")
        word = word.lower()
        rest = rest.strip()
        if line.startswith("/"):
            self.search(line[1:].strip())
            return
        actions: dict[str, Callable[[], None]] = {
            "": self.next,
            "n": self.next,
            "next": self.next,
            "p": self.previous,
            "prev": self.previous,
            "previous": self.previous,
            "g": lambda: self.mark("got"),
            "a": lambda: self.mark("again"),
            ".": self.show,
            "read": self.show,
            "e": self.list_entries,
            "entries": self.list_entries,
            "t": lambda: self.topics(rest),
            "topics": lambda: self.topics(rest),
            "s": lambda: self.search(rest),
            "search": lambda: self.search(rest),
            "find": lambda: self.search(rest),
            "q": lambda: self.quiz("topic", rest),
            "quiz": lambda: self.quiz("topic", rest),
            "k": lambda: self.quiz("mixed", rest),
            "mixed": lambda: self.quiz("mixed", rest),
            "m": lambda: self.quiz("mistakes", ""),
            "mistakes": lambda: self.quiz("mistakes", ""),
            "x": lambda: self.quiz("exam", ""),
            "exam": lambda: self.quiz("exam", ""),
            "z": self.resume,
            "resume": self.resume,
            "r": self.review,
            "review": self.review,
            "d": self.progress,
            "progress": self.progress,
            "help": lambda: self.out.say(LESSON_HELP),
            "h": lambda: self.out.say(LESSON_HELP),
            "?": lambda: self.out.say(LESSON_HELP),
        }
        if word in ("quit", "exit", "bye"):
            self.quitting = True
        elif word.isdigit() and not rest:
            self.pick(int(word))
        elif word in actions:
            actions[word]()
        else:
            self.out.say(f"Not a command: {printable(line, 40)}. Type help for the list.")

    # -------------------------------------------------------------- where we are

    @property
    def current(self) -> Entry | None:
        if self.order and 0 <= self.index < len(self.order):
            return self.order[self.index]
        return None

    def _start_position(self) -> None:
        course = self.tutor.course
        if not course.topics:
            return
        start = self.tutor.resume_position()
        entry = course.entry(start) if start else None
        self._go(entry or course.reading_order(course.topics[0].id)[0], save=False)

    def _go(self, entry: Entry, *, save: bool = True) -> None:
        course = self.tutor.course
        topic = course.topic_of(entry)
        if self.topic is None or self.topic.id != topic.id:
            self.topic = topic
            self.order = course.reading_order(topic.id)
        self.index = next(i for i, e in enumerate(self.order) if e.id == entry.id)
        if save:
            self.tutor.remember_position(topic.id, entry.id)

    def open(self, entry: Entry) -> None:
        self._go(entry)
        self.show()

    # -------------------------------------------------------------- reading

    def show(self) -> None:
        entry = self.current
        out = self.out
        if self.topic is None:
            out.say("No course is loaded.")
            return
        if entry is None:
            self._show_end()
            return
        course = self.tutor.course
        out.say()
        out.para(f"{self._crumbs(entry)}  [{self.index + 1} of {len(self.order)}]")
        out.para(entry.title)
        mark = self.tutor.mark_of(entry.id)
        badges = [
            *(["added, not in the original notes"] if entry.added else []),
            *({"got": ["marked: got it"], "again": ["marked: again"]}.get(mark or "", [])),
        ]
        if badges:
            out.para("(" + "; ".join(badges) + ")")
        if entry.definition:
            out.para(plain(entry.definition))
        for note in entry.notes:
            out.para(plain(note), indent="  - ", hanging="    ")
        if entry.unverified:
            out.para("Unverified: " + plain(entry.unverified), indent="  ", hanging="    ")
        for update in entry.updates:
            heading = markup.update_heading(update.since, update.kind)
            out.para(
                f"{heading}: {plain(update.current)} The notes say: {plain(update.note)} (source: {update.source})",
                indent="  ",
                hanging="    ",
            )
        self.picks = []
        groups: list[tuple[str, list[Entry]]] = []
        if entry.parent_id and course.entry(entry.parent_id):
            groups.append(("Part of", [course.entries[entry.parent_id]]))
        if entry.children:
            groups.append(("Sub-entries", list(entry.children)))
        related = [course.entries[r] for r in entry.related if r in course.entries]
        if related:
            groups.append(("Related", related))
        for heading, targets in groups:
            out.say(f"{heading}:")
            for target in targets:
                n = len(self.picks) + 1
                label = target.title
                if target.topic_id != entry.topic_id:
                    label += f" (topic {course.topic_of(target).number} {course.topic_of(target).title})"
                out.para(f"[{n}] {label}", indent="  ", hanging="      ")
                self.picks.append((label, lambda t=target: self.open(t)))
        out.para(source_line(entry))

    def _crumbs(self, entry: Entry) -> str:
        course = self.tutor.course
        topic = course.topic_of(entry)
        trail: list[str] = []
        parent_id = entry.parent_id
        while parent_id and course.entry(parent_id):
            parent = course.entries[parent_id]
            trail.insert(0, parent.term)
            parent_id = parent.parent_id
        return " > ".join([f"Topic {topic.number} {topic.title}", *trail])

    def _show_end(self) -> None:
        assert self.topic is not None
        learned = self.tutor.learned_in(self.order)
        self.out.say()
        self.out.say(f"End of topic {self.topic.number}: {self.topic.title}.")
        self.out.say(f"You have marked {learned} of {len(self.order)} entries as learned.")
        following = self._next_topic()
        self.out.say(
            "q takes this topic's quiz"
            + (f"; n starts topic {following.number}: {following.title}." if following else ".")
        )

    def next(self) -> None:
        if self.topic is None:
            return
        if self.current is None:
            following = self._next_topic()
            if following is None:
                self.out.say("This is the last topic.")
                return
            self.open(self.tutor.course.reading_order(following.id)[0])
            return
        if self.index + 1 < len(self.order):
            self.open(self.order[self.index + 1])
        else:
            self.index = len(self.order)
            self.show()

    def previous(self) -> None:
        if self.order and self.index > 0:
            self.open(self.order[min(self.index, len(self.order)) - 1])
        else:
            self.out.say("This is the first entry of the topic.")

    def mark(self, mark: str) -> None:
        entry = self.current
        if entry is None:
            self.out.say("No entry to mark here: p goes back to the last one.")
            return
        try:
            self.tutor.mark_entry(entry.id, mark)
        except SaveFailed as error:
            self.out.say(self.tutor.failure_text(error))
            return
        self.out.say(f"Marked '{entry.term}': {'got it' if mark == 'got' else 'again'}.")
        self.next()

    def _next_topic(self) -> Topic | None:
        topics = self.tutor.course.topics
        if self.topic is None:
            return None
        position = next(i for i, t in enumerate(topics) if t.id == self.topic.id)
        return topics[position + 1] if position + 1 < len(topics) else None

    # -------------------------------------------------------------- lists

    def pick(self, number: int) -> None:
        if not self.picks:
            self.out.say("There is no numbered list to pick from: t lists the topics, e the entries.")
            return
        if not 1 <= number <= len(self.picks):
            self.out.say(f"Pick a number from 1 to {len(self.picks)}.")
            return
        self.picks[number - 1][1]()

    def _numbered(self, rows: list[tuple[str, Callable[[], None]]], heading: str) -> None:
        self.out.say(heading)
        for n, (label, _) in enumerate(rows, start=1):
            self.out.para(f"{n:>3}. {label}", hanging="     ")
        self.picks = rows

    def topics(self, which: str = "") -> None:
        course = self.tutor.course
        if which:
            topic = course.topic(which)
            if topic is None:
                self.out.say(f"No topic {printable(which, 20)}: t lists them.")
                return
            self.open(course.reading_order(topic.id)[0])
            return
        learned, _ = self.tutor.marks_summary()
        due = self.tutor.due_by_topic()
        rows = []
        for topic in course.topics:
            ids = [e.id for e in topic.walk()]
            count = sum(1 for i in ids if i in learned)
            tail = f", due {due[topic.id]}" if due.get(topic.id) else ""
            rows.append(
                (f"{topic.title} ({count}/{len(ids)} learned{tail})", lambda t=topic: self.topics(str(t.number)))
            )
        self._numbered(rows, "Topics (a number opens one):")

    def list_entries(self) -> None:
        if self.topic is None:
            return
        rows = []
        for entry in self.order:
            mark = {"got": " (got it)", "again": " (again)"}.get(self.tutor.mark_of(entry.id) or "", "")
            rows.append((entry.title + mark, lambda e=entry: self.open(e)))
        self._numbered(rows, f"Entries of topic {self.topic.number} {self.topic.title} (a number opens one):")

    def search(self, query: str) -> None:
        if not query:
            query = self.out.ask("Search for: ")
            if not query:
                return
        index = self.tutor.search_index()
        hits = index.search(query, limit=12)
        if not hits:
            closest = index.suggest(query, n=5)
            self.out.say("No match." + (f" Closest: {', '.join(closest)}." if closest else ""))
            return
        course = self.tutor.course
        rows = []
        for hit in hits:
            title = hit.term + (f" ({hit.full_form})" if hit.full_form else "")
            label = f"{title} - topic {hit.topic_number} {hit.topic_title}"
            if hit.summary:
                label += f": {hit.summary}"
            entry = course.entry(hit.id)
            if entry is not None:
                rows.append((label, lambda e=entry: self.open(e)))
        self._numbered(rows, f"{len(rows)} result{'s' if len(rows) != 1 else ''} (a number opens one):")

    def progress(self) -> None:
        learned, again = self.tutor.marks_summary()
        total = len(self.tutor.course.entries)
        due = self.tutor.due_count()
        self.out.say(f"Learned {len(learned)} of {total} entries; {len(again)} marked again.")
        self.out.say(
            f"Due for review now: {due}." + ("" if due else f" The next card is due {self.tutor.next_due_text()}.")
        )
        self.out.say("awstutor progress (a command of its own) prints the whole dashboard.")

    # -------------------------------------------------------------- quizzes

    def quiz(self, mode: str, which: str) -> None:
        topics: list[str] = []
        if mode == "topic":
            topic = self.tutor.course.topic(which) if which else self.topic
            if topic is None:
                self.out.say(f"No topic {printable(which, 20)}: t lists them.")
                return
            topics = [topic.id]
        elif mode == "mixed":
            topics = [t for t in which.replace(",", " ").split() if t.lower() != "all"]
        running = self.tutor.saved_quiz_summary()
        if running is not None:
            answer = self.out.ask(
                f"An unfinished quiz is waiting ({running[0]} of {running[1]} answered). Start the new one? (y/n) "
            )
            if answer.lower() not in ("y", "yes"):
                self.out.say("Kept it: z resumes it.")
                return
        try:
            quiz = self.tutor.build_quiz(mode, topics)
        except QuizError as error:
            self.out.say(error.message)
            return
        self.take_quiz(self.tutor.start_session(quiz))

    def resume(self) -> None:
        session = self.tutor.saved_quiz()
        if session is None:
            self.out.say("No quiz in progress: q starts one on this topic.")
            return
        self.take_quiz(session)

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
            from lessons.blueprint import PASS_SCORE

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


def duration_text(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds >= 3600:
        return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"
    if seconds >= 60:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds} s"


# ------------------------------------------------------------------ the entry point


def run_line_mode(
    course: Any,
    store: Any,
    *,
    quiz: Any = None,
    review: bool = False,
    terminal: Terminal | None = None,
    search_loader: Callable[[], Any] | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    clock: Any = None,
) -> int:
    """Run the line mode until ``quit`` or the end of input; returns the exit status."""
    terminal = terminal or Terminal(color=False, line_mode="--plain")
    if terminal.ascii:
        course = ascii_course(course)
        if search_loader is not None:
            loader = search_loader
            search_loader = lambda: AsciiIndex(loader())  # noqa: E731
    tutor = Tutor(course, store, clock=clock, search_loader=search_loader)
    lines = Lines(stdin or sys.stdin, stdout or sys.stdout)
    LineMode(tutor, lines).run(quiz=quiz, review=review)
    return 0
