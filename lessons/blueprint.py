"""The DVA-C02 exam blueprint: domains, their weights and task statements.

From the AWS Certified Developer - Associate (DVA-C02) Exam Guide. Every entry and
question of the course carries one task statement ("2.2") or ``OUTSIDE`` for content
the guide does not cover; the exam simulation draws questions in proportion to the
domain weights.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from lessons.model import OUTSIDE, domain_of

EXAM_CODE = "DVA-C02"
EXAM_QUESTIONS = 65  # 50 scored, 15 unscored
EXAM_TIME_S = 130 * 60  # 130 minutes
PASS_SCORE = 720  # on the scaled score's 100-1000


def scaled_score(correct: int, total: int) -> int:
    """The exam's 100-1000 scale: ``100 + 900 * correct / total``, rounded half up.

    AWS does not publish its scaling (it equates forms of the exam); a straight line
    from 100 to 1000 is the usual estimate and the one every figure here uses.
    """
    if total <= 0:
        return 100
    return int(math.floor(100 + 900 * correct / total + 0.5))


@dataclass(frozen=True, slots=True)
class Domain:
    number: int
    title: str
    weight: int  # percent of the scored content


@dataclass(frozen=True, slots=True)
class Task:
    id: str  # "1.2"
    title: str

    @property
    def domain(self) -> int:
        return int(self.id[0])


DOMAINS: tuple[Domain, ...] = (
    Domain(1, "Development with AWS Services", 32),
    Domain(2, "Security", 26),
    Domain(3, "Deployment", 24),
    Domain(4, "Troubleshooting and Optimization", 18),
)

TASKS: tuple[Task, ...] = (
    Task("1.1", "Develop code for applications hosted on AWS"),
    Task("1.2", "Develop code for AWS Lambda"),
    Task("1.3", "Use data stores in application development"),
    Task("2.1", "Implement authentication and/or authorization for applications and AWS services"),
    Task("2.2", "Implement encryption by using AWS services"),
    Task("2.3", "Manage sensitive data in application code"),
    Task("3.1", "Prepare application artifacts to be deployed to AWS"),
    Task("3.2", "Test applications in development environments"),
    Task("3.3", "Automate deployment testing"),
    Task("3.4", "Deploy code by using AWS CI/CD services"),
    Task("4.1", "Assist in a root cause analysis"),
    Task("4.2", "Instrument code for observability"),
    Task("4.3", "Optimize applications by using AWS services and features"),
)

TASK_IDS: frozenset[str] = frozenset(t.id for t in TASKS)
VALID_TAGS: frozenset[str] = TASK_IDS | {OUTSIDE}
_DOMAINS = {d.number: d for d in DOMAINS}
_TASKS = {t.id: t for t in TASKS}


def domain(number: int) -> Domain:
    return _DOMAINS[number]


def task(task_id: str) -> Task | None:
    return _TASKS.get(task_id)


def is_valid(tag: str) -> bool:
    return tag in VALID_TAGS


def weights() -> dict[int, float]:
    """Domain number -> its percent of the exam's scored content."""
    return {d.number: float(d.weight) for d in DOMAINS}


def label(tag: str) -> str:
    """'2.2 Implement encryption by using AWS services', or 'outside the DVA-C02 blueprint'."""
    found = _TASKS.get(tag)
    return f"{found.id} {found.title}" if found else f"outside the {EXAM_CODE} blueprint"


__all__ = [
    "DOMAINS",
    "EXAM_CODE",
    "EXAM_QUESTIONS",
    "EXAM_TIME_S",
    "PASS_SCORE",
    "OUTSIDE",
    "TASKS",
    "TASK_IDS",
    "VALID_TAGS",
    "Domain",
    "Task",
    "domain",
    "domain_of",
    "is_valid",
    "label",
    "weights",
    "scaled_score",
    "task",
]
