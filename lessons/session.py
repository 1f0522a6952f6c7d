"""A quiz being taken: the state machine behind every quiz screen, with no UI.

:class:`QuizSession` holds where the learner is in a :class:`~lessons.quiz.Quiz`
(current question, answers, flags, time) and decides what is *recorded*:

* **practice** modes (topic, mixed, mistakes, due): each submitted answer is
  graded and shown at once, and recorded once (an answered question is locked);
* **exam**: answers may be changed until the end; nothing is recorded while the
  exam runs (leaving mid-exam keeps it as resumable state, not as attempts) and
  :meth:`QuizSession.finish` records exactly one final answer per answered
  question.

Time is passed in as seconds on any monotonic clock (``now``), so the session is
testable without waiting; :meth:`QuizSession.snapshot` / :meth:`QuizSession.restore`
carry a quiz across a dropped connection (elapsed time, answers and flags
included; the exam clock does not run while the learner is away).

A screen renders the session and forwards keys; it never decides what is stored.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lessons import markup
from lessons.grading import Grade, parse_number
from lessons.model import Question
from lessons.quiz import Quiz, QuizItem, QuizSpec, Score

__all__ = [
    "FORMAT",
    "AnswerRejected",
    "Attempt",
    "QuizSession",
    "format_clock",
    "numeric_problem",
]

FORMAT = 2  # of snapshots; another format is not resumed
PRACTICE, EXAM = "practice", "exam"


class AnswerRejected(ValueError):
    """The response is not an answer to this question (not graded, not recorded)."""


@dataclass(frozen=True, slots=True)
class Attempt:
    """One answer the session decided to record."""

    index: int
    question: Question
    response: Any
    grade: Grade
    seconds: float  # time spent on the question (in an exam: over every visit)


# --------------------------------------------------------------------------- responses

_NUMBER_HEAD = re.compile(r"^\s*[-+\u2212]?\s*(?:\d[\d,_ ]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?\s*")
_MULTIPLIERS = {"k", "thousand", "million"}
_UNITS = frozenset(
    "b byte bytes kb kib mb mib gb gib tb tib kb/s mb/s gb/s ms s sec secs second seconds min mins minute minutes "
    "h hr hrs hour hours day days % percent".split()
)


def numeric_problem(question: Question, response: str) -> str | None:
    """Why ``response`` is not a number for ``question`` (None when it is one).

    A unit after the number is fine when it is a common unit or a word of the
    question ("24 RCU" when the question asks for RCUs); anything else is not
    graded: "ten", "about 5", "5 apples".
    """
    text = unicodedata.normalize("NFKC", response).strip()
    if not text:
        return "Type a number first."
    if parse_number(text) is None:
        return "Enter a number (digits, e.g. 24 or 1,000)."
    match = _NUMBER_HEAD.match(text)
    rest = text[match.end() :].strip().rstrip(".").strip() if match else text
    if not rest:
        return None
    words = {w.casefold() for w in re.findall(r"[A-Za-z%/]+", markup.plain(question.prompt))}
    for word in rest.split():
        folded = word.casefold()
        singular = folded[:-1] if folded.endswith("s") else folded
        if folded in _MULTIPLIERS or folded in _UNITS or folded in words or singular in words:
            continue
        return f"Enter a number: '{word}' is not a unit of this question."
    return None


def check_response(question: Question, response: Any) -> Any:
    """The response as the grader takes it, or :class:`AnswerRejected` with a message for the learner."""
    if response is None or response == "" or response == ():
        raise AnswerRejected("Choose or type an answer first.")
    if question.type == "numeric":
        problem = numeric_problem(question, str(response))
        if problem:
            raise AnswerRejected(problem)
    if question.type == "typed" and not str(response).strip():
        raise AnswerRejected("Type an answer first.")
    return response


def format_clock(seconds: float) -> str:
    """Time left as a status line shows it: ``1 h 52 min`` above 10 minutes (changes once a
    minute), ``9:59`` below (once a second)."""
    seconds = max(0, int(seconds))
    if seconds > 600:
        minutes = (seconds + 59) // 60  # round up: "11 min" until 10 minutes are left
        hours, minutes = divmod(minutes, 60)
        return f"{hours} h {minutes:02d} min left" if hours else f"{minutes} min left"
    return f"{seconds // 60}:{seconds % 60:02d} left"


def duration_text(seconds: float) -> str:
    """How long a quiz took, as its results show it: ``1 h 05 min``, ``4 min 09 s``, ``37 s``."""
    seconds = int(round(seconds))
    if seconds >= 3600:
        return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"
    if seconds >= 60:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds} s"


# --------------------------------------------------------------------------- the session


@dataclass
class QuizSession:
    """One quiz in progress; see the module docstring."""

    quiz: Quiz
    started: float  # clock seconds when this stretch of the quiz began
    session_id: str | None = None
    elapsed_before: float = 0.0  # time spent before a resume
    index: int = 0
    responses: dict[int, Any] = field(default_factory=dict)
    grades: dict[int, Grade] = field(default_factory=dict)
    flagged: set[int] = field(default_factory=set)
    shown_at: float = 0.0
    feedback: bool = False  # practice: the current answer's verdict is on screen
    finished: bool = False
    recorded: set[int] = field(default_factory=set)  # practice: answers already handed out for recording
    spent: dict[int, float] = field(default_factory=dict)  # seconds on each question so far

    def __post_init__(self) -> None:
        if not self.quiz.items:
            raise ValueError("a quiz session needs at least one question")
        self.shown_at = self.started

    # -- what is on screen ----------------------------------------------------------

    @property
    def is_exam(self) -> bool:
        return self.quiz.spec.mode == "exam"

    @property
    def total(self) -> int:
        return len(self.quiz.items)

    @property
    def item(self) -> QuizItem:
        return self.quiz.items[self.index]

    @property
    def question(self) -> Question:
        return self.item.question

    @property
    def answered(self) -> int:
        return len(self.responses)

    @property
    def locked(self) -> bool:
        """Can the current answer no longer change? (practice: once submitted)."""
        return self.finished or (not self.is_exam and self.index in self.responses)

    def state_of(self, index: int) -> str:
        """``answered`` / ``unanswered``, plus ``, flagged``: for the exam's question list."""
        state = "answered" if index in self.responses else "unanswered"
        return state + (", flagged" if index in self.flagged else "")

    def elapsed(self, now: float) -> float:
        return self.elapsed_before + max(0.0, now - self.started)

    def time_left(self, now: float) -> float | None:
        """Seconds left in a timed quiz (never below 0), None when untimed."""
        if not self.quiz.time_limit_s:
            return None
        return max(0.0, self.quiz.time_limit_s - self.elapsed(now))

    def expired(self, now: float) -> bool:
        left = self.time_left(now)
        return left is not None and left <= 0

    def correct_so_far(self) -> int:
        return sum(1 for g in self.grades.values() if g.correct)

    # -- answering --------------------------------------------------------------------

    def answer(self, response: Any, now: float) -> Attempt | None:
        """Submit ``response`` to the current question.

        Practice: grades it, shows the verdict (``feedback``) and returns the
        :class:`Attempt` to record; a question is answered once. Exam: keeps (or
        replaces) the answer, records nothing, moves to the next unanswered
        question. Raises :class:`AnswerRejected` for a response that is not an
        answer (nothing changes).
        """
        if self.finished:
            raise AnswerRejected("The quiz is over.")
        if self.locked:
            raise AnswerRejected("Already answered: Enter goes on.")
        response = check_response(self.question, response)
        grade = self.quiz.grade(self.index, response)
        index = self.index
        self.responses[index] = response
        self.grades[index] = grade
        self._leave(now)
        if self.is_exam:
            self._advance_exam()
            return None
        self.feedback = True
        self.recorded.add(index)
        return Attempt(index, self.question, response, grade, self.spent[index])

    def _leave(self, now: float) -> None:
        """The time on the current question, added up when the learner moves away or answers."""
        self.spent[self.index] = self.spent.get(self.index, 0.0) + max(0.0, now - self.shown_at)
        self.shown_at = now

    def proceed(self, now: float) -> bool:
        """Practice: after the verdict, on to the next question. True when that was the last."""
        if self.is_exam or self.finished:
            return self.finished
        self.feedback = False
        following = [i for i in range(self.index + 1, self.total) if i not in self.responses]
        if not following:
            following = [i for i in range(self.total) if i not in self.responses]
        if not following:
            return True
        self.index = following[0]
        self.shown_at = now
        return False

    def _advance_exam(self) -> None:
        unanswered = [i for i in range(self.total) if i not in self.responses]
        after = [i for i in unanswered if i > self.index] or unanswered
        if after:
            self.index = after[0]

    # -- exam navigation ----------------------------------------------------------------

    def move(self, delta: int, now: float) -> bool:
        """Exam: previous/next question. False when there is none that way."""
        return self.jump(self.index + delta, now)

    def jump(self, index: int, now: float) -> bool:
        if not self.is_exam or self.finished or not 0 <= index < self.total:
            return False
        self._leave(now)
        self.index = index
        return True

    def toggle_flag(self) -> bool:
        """Exam: flag or unflag the current question; True when it is now flagged."""
        if not self.is_exam or self.finished:
            return False
        self.flagged ^= {self.index}
        return self.index in self.flagged

    # -- the end ------------------------------------------------------------------------

    def finish(self) -> list[Attempt]:
        """End the quiz. Exam: the one final answer of every answered question, to record
        (practice answers were recorded as they were given). Idempotent."""
        if self.finished:
            return []
        self.finished = True
        self.feedback = False
        if not self.is_exam:
            return []
        return [
            Attempt(i, self.quiz.items[i].question, self.responses[i], self.grades[i], self.spent.get(i, 0.0))
            for i in sorted(self.responses)
        ]

    def score(self) -> Score:
        return self.quiz.score([self.grades.get(i) for i in range(self.total)])

    def mistakes(self) -> list[tuple[QuizItem, Any]]:
        """The items answered wrong or not at all, with what was given."""
        return [
            (item, self.responses.get(i))
            for i, item in enumerate(self.quiz.items)
            if not (i in self.grades and self.grades[i].correct)
        ]

    # -- across sessions ------------------------------------------------------------------

    def snapshot(self, now: float) -> dict[str, Any]:
        """JSON-able state for :meth:`restore` (a dropped session resumes here)."""
        items = []
        bank = self.quiz.bank
        for item in self.quiz.items:
            row: dict[str, Any] = {"id": item.question.id, "choices": list(item.choices), "correct": list(item.correct)}
            if bank is None or bank.get(item.question.id) != item.question:
                row["question"] = _question_fields(item.question)  # a numeric variant: keep what was asked
            items.append(row)
        return {
            "format": FORMAT,
            "mode": self.quiz.spec.mode,
            "topics": [str(t) for t in self.quiz.spec.topics],
            "seed": self.quiz.seed,
            "domain": self.quiz.spec.domain,
            "time_limit_s": self.quiz.time_limit_s,
            "session": self.session_id,
            "items": items,
            "index": self.index,
            "responses": {str(i): _jsonable(r) for i, r in self.responses.items()},
            "flagged": sorted(self.flagged),
            "spent": {str(i): round(s, 3) for i, s in self.spent.items()},
            "elapsed": round(self.elapsed(now), 3),
        }

    @classmethod
    def restore(cls, data: Any, bank: Any, now: float) -> QuizSession | None:
        """The session of a :meth:`snapshot`, or None when it cannot be rebuilt (another
        course, a question that no longer exists, a damaged or foreign value)."""
        try:
            if not isinstance(data, Mapping) or data.get("format") != FORMAT:
                return None
            items = []
            for row in data["items"]:
                if "question" in row:
                    question = _question_from(row["question"])
                else:
                    question = bank.get(row["id"])
                    if question is None:
                        return None
                items.append(QuizItem(question, tuple(row["choices"]), tuple(row["correct"])))
            if not items:
                return None
            domain = data.get("domain")
            spec = QuizSpec(
                mode=str(data["mode"]),
                topics=list(data["topics"]),
                count=len(items),
                seed=data.get("seed"),
                domain=domain if isinstance(domain, int) and not isinstance(domain, bool) else None,
            )
            quiz = Quiz(items=items, spec=spec, time_limit_s=data.get("time_limit_s"), seed=data.get("seed"), bank=bank)
            elapsed = float(data.get("elapsed", 0.0))
            if not elapsed >= 0:  # also NaN
                return None
            session = cls(quiz, started=now, session_id=data.get("session"), elapsed_before=elapsed)
            for key, response in dict(data.get("responses", {})).items():
                i = int(key)
                if not 0 <= i < len(items):
                    continue
                response = _from_json(items[i].question, response)
                session.responses[i] = response
                session.grades[i] = quiz.grade(i, response)
            session.recorded = set() if session.is_exam else set(session.responses)
            session.flagged = {int(i) for i in data.get("flagged", []) if 0 <= int(i) < len(items)}
            session.spent = {
                int(i): float(s)
                for i, s in dict(data.get("spent", {})).items()
                if 0 <= int(i) < len(items) and float(s) >= 0
            }
            session.index = min(max(int(data.get("index", 0)), 0), len(items) - 1)
            if not session.is_exam and session.index in session.responses:
                session.proceed(now)  # practice: back at the next unanswered question
            return session
        except (KeyError, TypeError, ValueError, OverflowError, AttributeError):
            return None


def _jsonable(response: Any) -> Any:
    return list(response) if isinstance(response, tuple) else response


def _from_json(question: Question, response: Any) -> Any:
    if question.type == "multi" and isinstance(response, list):
        return tuple(str(r) for r in response)
    if question.type == "truefalse" and not isinstance(response, bool):
        raise ValueError("a true/false answer must be true or false")
    return response


def _question_fields(question: Question) -> dict[str, Any]:
    data = dataclasses.asdict(question)
    for key, value in data.items():
        if isinstance(value, tuple):
            data[key] = list(value)
    return data


def _question_from(fields: Mapping[str, Any]) -> Question:
    data = dict(fields)
    known = {f.name for f in dataclasses.fields(Question)}
    data = {k: v for k, v in data.items() if k in known}
    for key in ("choices", "accept", "lines", "reasons", "sources"):
        data[key] = tuple(data.get(key) or ())
    if isinstance(data.get("answer"), list):
        data["answer"] = tuple(data["answer"])
    return Question(**data)
