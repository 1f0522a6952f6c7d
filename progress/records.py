"""The records the store hands out: plain frozen values, built from stored documents.

Building one never fails on a document that passed the file's validation
(:mod:`progress.schema`): a time outside 1970-2200 reads as the nearest bound,
a quiz score or total beyond any real quiz reads as unknown (None).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from progress.limits import MAX_COUNT, parse_time
from progress.schema import topic_of

__all__ = ["Attempt", "EntryState", "QuestionStats", "Session"]


@dataclass(frozen=True, slots=True)
class Attempt:
    id: str
    at: datetime
    question_id: str
    answer: str
    correct: bool
    seconds: float
    mode: str
    session_id: str | None = None

    @property
    def topic(self) -> str:
        return topic_of(self.question_id)

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Attempt:
        return cls(
            id=doc["id"],
            at=parse_time(doc["at"]),
            question_id=doc["question"],
            answer=doc["answer"],
            correct=doc["correct"],
            seconds=doc["seconds"],
            mode=doc["mode"],
            session_id=doc.get("session"),
        )


@dataclass(frozen=True, slots=True)
class EntryState:
    seen_at: datetime | None  # last time the entry was shown
    marks: list[tuple[datetime, str]]  # ("got" | "again"), oldest first
    learned: bool  # the latest mark is "got"
    first_seen: datetime | None = None


@dataclass(frozen=True, slots=True)
class QuestionStats:
    attempts: int
    correct: int
    last_correct: bool
    last_at: datetime


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_COUNT else None


@dataclass(frozen=True, slots=True)
class Session:
    id: str
    mode: str
    topics: tuple[str, ...]
    started: datetime
    ended: datetime | None = None
    score: int | None = None
    total: int | None = None

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Session:
        return cls(
            id=doc["id"],
            mode=doc["mode"],
            topics=tuple(doc["topics"]),
            started=parse_time(doc["started"]),
            ended=parse_time(doc["ended"]) if doc.get("ended") else None,
            score=_count(doc.get("score")),
            total=_count(doc.get("total")),
        )
