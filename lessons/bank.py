"""The question bank: the course's own questions plus questions generated from its entries.

``QuestionBank.build(course)`` gathers, as :class:`~lessons.model.Question` objects:

- every question of the course files (``origin`` "notes", "curated" or "scenario"),
  unchanged;
- questions generated from the entries (``origin`` "generated"; see
  :mod:`lessons.generate`), each with a stable id
  ``"<topic>/gen/<kind>-<entry-slug>[-n]"`` (progress keys on it: the same course
  always yields the same ids and content);
- one numeric template per formula of :mod:`lessons.formulas`
  (:mod:`lessons.numeric_questions`); :meth:`QuestionBank.numeric_variant` makes a
  fresh question with random realistic parameters (a quiz draws them from its
  seeded rng). Templates are not counted as questions of the bank (see
  :meth:`QuestionBank.counts`).

Questions that test the same fact share a *fact group* (:meth:`QuestionBank.fact`):
a quiz takes at most one question of a group (never "ENI -> full form" and "full
form -> ENI" together).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lessons.generate import QuestionGenerator, kind_of
from lessons.grading import Grade, grade
from lessons.model import Course, Question
from lessons.numeric_questions import NumericTemplate, make_numeric, numeric_templates

if TYPE_CHECKING:
    import random

__all__ = ["NumericTemplate", "QuestionBank"]


@dataclass
class QuestionBank:
    """Every question of a course, by id and by topic, with their fact groups."""

    course: Course
    questions: tuple[Question, ...]  # all of them, numeric templates included, course order
    by_id: dict[str, Question] = field(default_factory=dict)
    by_topic: dict[str, tuple[Question, ...]] = field(default_factory=dict)
    facts: dict[str, str] = field(default_factory=dict)  # question id -> fact group
    templates: dict[str, NumericTemplate] = field(default_factory=dict)  # question id -> template
    acronyms: dict[str, tuple[str, ...]] = field(default_factory=dict)  # "ENI" -> ("Elastic Network Interface",)
    terms: frozenset[str] = frozenset()  # every name of the course (terms, aliases, acronyms)
    seed: int = 0

    # -- building ------------------------------------------------------------

    @classmethod
    def build(cls, course: Course, *, seed: int = 0) -> QuestionBank:
        """All questions of ``course``: deterministic; ``seed`` only picks the example
        parameters shown by the numeric templates."""
        maker = QuestionGenerator(course)
        questions: list[Question] = []
        facts: dict[str, str] = {}
        for topic in course.topics:
            for question in topic.questions:
                questions.append(question)
                facts[question.id] = question.id
            for question, fact in maker.topic(topic.id):
                if question.id in facts:  # "fact-wcu-2" of entry "wcu" vs entry "wcu-2": keep the first
                    continue
                questions.append(question)
                facts[question.id] = fact
        templates: dict[str, NumericTemplate] = {}
        for template, question in numeric_templates(course, seed):
            questions.append(question)
            facts[question.id] = question.id
            templates[question.id] = template
        order = {t.id: i for i, t in enumerate(course.topics)}
        questions.sort(key=lambda q: order.get(q.topic_id, len(order)))  # stable: file order kept
        by_topic: dict[str, list[Question]] = defaultdict(list)
        for question in questions:
            by_topic[question.topic_id].append(question)
        return cls(
            course=course,
            questions=tuple(questions),
            by_id={q.id: q for q in questions},
            by_topic={t.id: tuple(by_topic.get(t.id, ())) for t in course.topics},
            facts=facts,
            templates=templates,
            acronyms=maker.acronyms,
            terms=frozenset(maker.terms),
            seed=seed,
        )

    # -- reading -------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.questions)

    def __iter__(self) -> Iterator[Question]:
        return iter(self.questions)

    def get(self, question_id: str) -> Question | None:
        return self.by_id.get(question_id)

    def fact(self, question_id: str) -> str:
        """The fact group of a question (questions of one group never share a quiz)."""
        return self.facts.get(question_id, question_id)

    def is_template(self, question_id: str) -> bool:
        return question_id in self.templates

    def domains(self) -> dict[str, int]:
        """Question id -> its DVA-C02 domain, for every question of the blueprint (plain data
        for the progress layer, which does not know the course)."""
        return {q.id: q.domain for q in self.questions if q.domain is not None}

    def topic_questions(self, topic_id: str, *, templates: bool = True) -> tuple[Question, ...]:
        found = self.by_topic.get(topic_id, ())
        if templates:
            return found
        return tuple(q for q in found if q.id not in self.templates)

    def grade(self, question: Question, response: object) -> Grade:
        """Grade with the course's acronyms and terms (see :func:`lessons.grading.grade`)."""
        return grade(question, response, acronyms=self.acronyms, terms=self.terms)

    def numeric_variant(self, name: str, rng: random.Random) -> Question:
        """A fresh numeric question for formula ``name``, parameters drawn from ``rng``."""
        template = next((t for t in self.templates.values() if t.name == name), None)
        if template is None:
            raise KeyError(f"no numeric template for formula {name!r}")
        return make_numeric(template, rng)

    def counts(self) -> dict[str, Any]:
        """Questions per topic, per type and per origin (numeric templates counted apart)."""
        real = [q for q in self.questions if q.id not in self.templates]
        per_topic: dict[str, dict[str, Any]] = {}
        for topic in self.course.topics:
            mine = [q for q in real if q.topic_id == topic.id]
            per_topic[topic.id] = {
                "total": len(mine),
                "by_type": dict(Counter(q.type for q in mine)),
                "by_origin": dict(Counter(q.origin for q in mine)),
                "templates": sum(1 for t in self.templates.values() if t.topic_id == topic.id),
            }
        return {
            "total": len(real),
            "by_type": dict(Counter(q.type for q in real)),
            "by_origin": dict(Counter(q.origin for q in real)),
            "by_kind": dict(Counter(kind_of(q) for q in real)),
            "templates": len(self.templates),
            "by_topic": per_topic,
        }
