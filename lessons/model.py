"""The course model: topics, entries, questions, updates.

Plain frozen dataclasses built by :mod:`lessons.loader`. Nothing here reads files
or imports Textual; screens, the lookup index and the question bank all read
these objects.

Text fields may carry two kinds of light markup (see :mod:`lessons.markup`):
``{{...}}`` marks a number that matters (a limit, default or size) and
```...``` marks code (commands, API names, headers).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

EntryKind = Literal["service", "concept", "feature", "type", "api", "setting", "command", "practice"]
# DVA-C02 task statements are "1.1" .. "4.3" (see lessons.blueprint); content the exam
# guide does not cover is tagged OUTSIDE: still taught, weighed less in exams.
OUTSIDE = "outside"


def domain_of(task: str) -> int | None:
    """The exam domain (1-4) of a task statement, None for content outside the blueprint."""
    return int(task[0]) if task != OUTSIDE and task[:1].isdigit() else None


ENTRY_KINDS: tuple[str, ...] = (
    "service",  # an AWS service or product (SQS, CloudFront)
    "concept",  # an idea or mechanism (visibility timeout, sharding)
    "feature",  # a capability of a service (S3 versioning, DAX)
    "type",  # one variant among siblings (gp2, Spot, Weighted routing)
    "api",  # an API call, intrinsic function or managed policy name
    "setting",  # a configuration value or limit
    "command",  # a CLI command or file (sam deploy, buildspec.yml)
    "practice",  # advice, a best practice, a how-to or a worked example
)

QuestionType = Literal["single", "multi", "truefalse", "typed", "numeric"]
QUESTION_TYPES: tuple[str, ...] = ("single", "multi", "truefalse", "typed", "numeric")
QUESTION_ORIGINS: tuple[str, ...] = ("notes", "curated")  # allowed in topic files (the loader checks)
# Exam-style scenario questions live in a course folder's scenarios/ subfolder (ids "topic/s/slug").
SCENARIO = "scenario"
# The question bank also makes "generated" questions from the entries; never valid in a file.
GENERATED = "generated"
ALL_QUESTION_ORIGINS: tuple[str, ...] = (*QUESTION_ORIGINS, SCENARIO, GENERATED)
UPDATE_KINDS: tuple[str, ...] = ("update", "correction")


@dataclass(frozen=True, slots=True)
class Update:
    """A fact in the notes that AWS has since changed, or that the notes got wrong.

    ``kind`` is "update" (true once, changed since: see aws-updates.md) or
    "correction" (the notes were wrong). Either way the lesson shows the notes'
    wording beside the current fact, and quizzes grade by the current fact.
    """

    note: str  # what the notes say
    current: str  # what is true now
    since: str  # when it changed ("Dec 2020"); "" when unknown or a correction
    source: str  # the AWS page title it was checked against
    kind: str = "update"


@dataclass(frozen=True, slots=True)
class Entry:
    """One term of the course, possibly with sub-entries."""

    id: str  # full id: "topic/slug"
    slug: str
    topic_id: str
    term: str
    full_form: str | None
    definition: str | None
    notes: tuple[str, ...]
    children: tuple[Entry, ...]
    related: tuple[str, ...]  # full ids
    updates: tuple[Update, ...]
    added: bool  # not in the original notes
    kind: str
    aliases: tuple[str, ...]
    lines: tuple[int, ...]  # 1-based line numbers in the original notes
    parent_id: str | None = None
    source_file: str = ""
    source_line: int = 0  # where the entry starts in its course file
    task: str = OUTSIDE  # DVA-C02 task statement ("2.2"), or OUTSIDE the blueprint
    sources: tuple[str, ...] = ()  # AWS page titles that confirm added content
    unverified: str | None = None  # a doubt about a fact of the entry, shown to the learner

    @property
    def domain(self) -> int | None:
        return domain_of(self.task)

    def walk(self) -> Iterator[Entry]:
        """This entry, then its descendants depth-first."""
        yield self
        for child in self.children:
            yield from child.walk()

    @property
    def title(self) -> str:
        if self.full_form:
            return f"{self.term} ({self.full_form})"
        return self.term


@dataclass(frozen=True, slots=True)
class Question:
    """A question of a topic: from the notes, or curated from the notes' facts."""

    id: str  # full id: "topic/q/slug"
    slug: str
    topic_id: str
    origin: str  # "notes" | "curated"
    type: str  # see QUESTION_TYPES
    prompt: str
    choices: tuple[str, ...]
    answer: str | bool | float | tuple[str, ...]
    accept: tuple[str, ...]
    tolerance: float
    explain: str
    entry_id: str  # full id of the entry it tests
    lines: tuple[int, ...]
    uses_update: bool = False  # graded against an update, not the notes' wording
    source_file: str = ""
    source_line: int = 0
    task: str = OUTSIDE  # DVA-C02 task statement; by default the tested entry's
    reasons: tuple[str, ...] = ()  # scenario questions: why each choice is right or wrong (same order)
    sources: tuple[str, ...] = ()  # AWS page titles that confirm the question's facts

    @property
    def domain(self) -> int | None:
        return domain_of(self.task)

    @property
    def correct_choices(self) -> tuple[str, ...]:
        if self.type == "single":
            return (str(self.answer),)
        if self.type == "multi":
            return tuple(self.answer)  # type: ignore[arg-type]
        return ()


@dataclass(frozen=True, slots=True)
class Skipped:
    """A non-blank line of the notes deliberately left out, with the reason."""

    line: int
    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class Edit:
    """An editorial judgement: where the notes were wrong or unclear and what we did."""

    lines: tuple[int, ...]
    original: str
    decision: str


@dataclass(frozen=True, slots=True)
class Topic:
    id: str
    number: int
    title: str
    lines: tuple[int, ...]  # heading and question-block headings in the notes
    entries: tuple[Entry, ...]
    questions: tuple[Question, ...]
    skipped: tuple[Skipped, ...] = ()
    edits: tuple[Edit, ...] = ()
    source_file: str = ""
    task: str = OUTSIDE  # the default task statement of the topic's entries

    def walk(self) -> Iterator[Entry]:
        """Every entry of the topic in reading order (parents before children)."""
        for entry in self.entries:
            yield from entry.walk()


@dataclass(slots=True)
class Course:
    """All loaded topics, in order, with lookups by id."""

    topics: tuple[Topic, ...]
    entries: dict[str, Entry] = field(default_factory=dict)
    questions: dict[str, Question] = field(default_factory=dict)
    by_topic: dict[str, Topic] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for topic in self.topics:
            self.by_topic[topic.id] = topic
            for entry in topic.walk():
                self.entries[entry.id] = entry
            for question in topic.questions:
                self.questions[question.id] = question

    def topic(self, key: str | int) -> Topic | None:
        """A topic by id or by number (``"dynamodb"``, ``18`` or ``"18"``)."""
        if isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
            number = int(key)
            return next((t for t in self.topics if t.number == number), None)
        return self.by_topic.get(key.strip().lower())

    def entry(self, entry_id: str) -> Entry | None:
        return self.entries.get(entry_id)

    def topic_of(self, entry: Entry) -> Topic:
        return self.by_topic[entry.topic_id]

    def next_topic(self, topic_id: str) -> Topic | None:
        """The topic after ``topic_id`` in course order (None after the last, or for an unknown id)."""
        ids = [t.id for t in self.topics]
        if topic_id not in ids:
            return None
        position = ids.index(topic_id)
        return self.topics[position + 1] if position + 1 < len(self.topics) else None

    def reading_order(self, topic_id: str) -> list[Entry]:
        """The entries of a topic as a guided lesson steps through them."""
        return list(self.by_topic[topic_id].walk())
