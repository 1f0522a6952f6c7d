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
scheduling are the same. No Textual here. This module holds the lessons and the
commands; :mod:`tui.linemode_quiz` asks quiz questions and review cards, and
:mod:`tui.lines` reads and writes the lines.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TextIO

from lessons import markup
from lessons.markup import plain
from lessons.model import Entry, Topic
from lessons.quiz import QuizError
from lessons.session import QuizSession
from lessons.text import source_line
from tui.commandline import printable
from tui.linemode_quiz import QuizLines
from tui.lines import EndOfInput, Lines
from tui.terminal import AsciiIndex, Terminal, ascii_course
from tui.tutor import SaveFailed, Tutor

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
        return self.tutor.course.next_topic(self.topic.id) if self.topic is not None else None

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
        """The quiz, until it ends or the learner goes back to the lessons (:mod:`tui.linemode_quiz`)."""
        QuizLines(self.tutor, self.out).take_quiz(session)

    def review(self) -> None:
        """What is due, card by card (:mod:`tui.linemode_quiz`)."""
        QuizLines(self.tutor, self.out).review()


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
