"""Numeric questions made from the course's formulas, with fresh numbers each time.

One template per formula of :mod:`lessons.formulas` whose entry is in the course
(id ``"<topic>/gen/calc-<name>"``). :func:`make_numeric` asks the formula's question
with parameters drawn from a random generator (a quiz passes its seeded one), and
the answer, the worked steps and the tolerance come from the formula itself. The
formulas are imported only when a template is made.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from lessons.model import GENERATED, Course, Question
from lessons.stable import stable_hash

__all__ = ["NumericTemplate", "make_numeric", "numeric_templates"]


@dataclass(frozen=True, slots=True)
class NumericTemplate:
    """A formula of :mod:`lessons.formulas` the bank makes numeric questions from."""

    name: str  # the formula's registry name ("rcu")
    question_id: str  # stable id of its template question
    topic_id: str
    entry_id: str
    lines: tuple[int, ...] = ()
    source_file: str = ""
    source_line: int = 0


def numeric_templates(course: Course, seed: int) -> Iterator[tuple[NumericTemplate, Question]]:
    """One template question per formula of :mod:`lessons.formulas` whose entry is in the course."""
    from lessons.formulas import FORMULAS

    for name, formula in FORMULAS.items():
        entry = course.entries.get(formula.entry)
        if entry is None:
            continue  # a course without that topic (e.g. a user's own lessons only)
        template = NumericTemplate(
            name=name,
            question_id=f"{entry.topic_id}/gen/calc-{name}",
            topic_id=entry.topic_id,
            entry_id=entry.id,
            lines=tuple(formula.lines) or entry.lines,
            source_file=entry.source_file,
            source_line=entry.source_line,
        )
        yield template, make_numeric(template, random.Random(stable_hash(str(seed), name)))


def make_numeric(template: NumericTemplate, rng: random.Random) -> Question:
    """A numeric question of ``template``'s formula with parameters drawn from ``rng``."""
    from lessons.formulas import FORMULAS, FormulaError

    formula = FORMULAS[template.name]
    for _ in range(50):
        args = formula.sample(rng)
        try:
            result = formula(**args)
        except FormulaError:  # a combination the formula refuses (e.g. too big for a batch)
            continue
        break
    else:  # pragma: no cover - every formula has workable samples
        args = formula.defaults()
        result = formula(**args)
    value = float(result.value)
    prompt = formula.question(args)
    tolerance = 0.0
    if round(value, 2) != value:
        prompt += " (to 2 decimal places)"
        tolerance = 0.005
    explain = "\n".join([*result.steps, *result.warnings])
    if formula.added:
        explain += "\n(Added, not from the original notes.)"
    return Question(
        id=template.question_id,
        slug=template.question_id.rsplit("/", 1)[1],
        topic_id=template.topic_id,
        origin=GENERATED,
        type="numeric",
        prompt=prompt,
        choices=(),
        answer=value,
        accept=(),
        tolerance=tolerance,
        explain=explain,
        entry_id=template.entry_id,
        lines=template.lines,
        source_file=template.source_file,
        source_line=template.source_line,
    )
