"""An unfinished quiz, saved as the learner goes so a dropped session can resume it.

Saved in the progress store's settings after every answer (write-through, like
the answers themselves): the quiz's items exactly as asked (question ids, the
shuffled choices, and for numeric variants the drawn question itself), the
responses so far, flags, and the time spent (an exam's clock does not run
while the learner is disconnected).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from lessons.model import Question
from lessons.quiz import Quiz, QuizItem, QuizSpec

SETTING = "quiz_in_progress"
FORMAT = 1


def _question_fields(question: Question) -> dict[str, Any]:
    data = dataclasses.asdict(question)
    for key, value in data.items():
        if isinstance(value, tuple):
            data[key] = list(value)
    return data


def _question_from(fields: dict[str, Any]) -> Question:
    data = dict(fields)
    for key in ("choices", "accept", "lines"):
        data[key] = tuple(data.get(key) or ())
    if isinstance(data.get("answer"), list):
        data["answer"] = tuple(data["answer"])
    return Question(**data)


def snapshot(
    quiz: Quiz, *, session_id: str | None, index: int, responses: dict[int, Any], flagged: set[int], elapsed: float
) -> dict:
    items = []
    for item in quiz.items:
        row: dict[str, Any] = {"id": item.question.id, "choices": list(item.choices), "correct": list(item.correct)}
        if quiz.bank is None or quiz.bank.get(item.question.id) != item.question:
            row["question"] = _question_fields(item.question)  # a numeric variant: keep what was asked
        items.append(row)
    return {
        "format": FORMAT,
        "mode": quiz.spec.mode,
        "topics": [str(t) for t in quiz.spec.topics],
        "seed": quiz.seed,
        "time_limit_s": quiz.time_limit_s,
        "session": session_id,
        "items": items,
        "index": index,
        "responses": {str(i): r for i, r in responses.items()},
        "flagged": sorted(flagged),
        "elapsed": round(elapsed, 1),
    }


def restore(data: Any, bank) -> tuple[Quiz, dict] | None:
    """The quiz and its progress from :func:`snapshot`, or None when it cannot be rebuilt
    (another course, a question that no longer exists, a damaged setting)."""
    try:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
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
        spec = QuizSpec(mode=data["mode"], topics=list(data["topics"]), count=len(items), seed=data.get("seed"))
        quiz = Quiz(items=items, spec=spec, time_limit_s=data.get("time_limit_s"), seed=data.get("seed"), bank=bank)
        progress = {
            "session": data.get("session"),
            "index": min(int(data.get("index", 0)), len(items) - 1),
            "responses": {int(i): r for i, r in dict(data.get("responses", {})).items() if 0 <= int(i) < len(items)},
            "flagged": {int(i) for i in data.get("flagged", []) if 0 <= int(i) < len(items)},
            "elapsed": float(data.get("elapsed", 0.0)),
        }
        return quiz, progress
    except (KeyError, TypeError, ValueError):
        return None
