"""Building a quiz from the question bank, and scoring it.

``build_quiz(bank, QuizSpec(...))`` picks the questions of a quiz:

- ``topic``: one topic (id or number), 10 questions by default;
- ``mixed``: the chosen topics (all when none), spread evenly, 20 by default;
- ``mistakes``: the questions whose latest answer was wrong (``last_results``), all of
  them by default; an error when there are none;
- ``due``: the given question ids (from the scheduler), in the given order;
- ``exam``: a simulation of the real DVA-C02 exam: 65 questions in proportion to the
  domain weights (32/26/24/18 %: 21/17/15/12 questions), spread over each domain's task
  statements, only the course files' questions (the notes', curated and scenario
  questions; no generated recall items), about three in four of them scenarios,
  nothing outside the blueprint; 130 minutes, scored on the 100-1000 scale with a pass
  mark of 720.

``domain`` (1-4) narrows any mode to the questions of one exam domain. Drills (topic
quizzes, reviews) mix the generated recall questions with the files' own; mixed
quizzes and exams prefer the scenario questions.

Fairness: a question never repeats within a quiz, and neither do two questions of one
fact group (e.g. "ENI -> full form" and "full form -> ENI"); different entries are
preferred; choices are shuffled (an "all/none of the above" stays last), never
duplicated, and always hold the right answer. With a ``seed`` the same spec and bank
give the identical quiz: questions, order, choice order and numeric parameters.

Errors (unknown topic, bad count, nothing to ask) raise :class:`QuizError` with a
one-line message for the learner.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from lessons import markup
from lessons.bank import QuestionBank
from lessons.blueprint import DOMAINS, EXAM_QUESTIONS, EXAM_TIME_S, PASS_SCORE, scaled_score
from lessons.grading import Grade
from lessons.markup import fold
from lessons.model import GENERATED, SCENARIO, Question, Topic
from lessons.numerals import format_number

__all__ = [
    "MODES",
    "MODE_TITLES",
    "EXAM_QUESTIONS",
    "EXAM_TIME_S",
    "PASS_SCORE",
    "Quiz",
    "QuizError",
    "QuizItem",
    "QuizSpec",
    "Score",
    "TopicScore",
    "build_quiz",
    "scaled_score",
]

K = TypeVar("K")
MODES: tuple[str, ...] = ("topic", "mixed", "mistakes", "exam", "due")
MODE_TITLES = {
    "topic": "Topic quiz",
    "mixed": "Mixed quiz",
    "mistakes": "My mistakes",
    "exam": "Exam simulation",
    "due": "Review",
}
DEFAULT_COUNT = {"topic": 10, "mixed": 20}
# How often each family of questions comes up, whatever its size (see _Builder._shuffled).
_FAMILY = {
    "expand": "acronym",
    "acronym": "acronym",
    "pick": "acronym",
    "define": "define",
    "fact": "number",
    "twin": "number",
}
_FAMILY_WEIGHT = {"file": 5.0, "scenario": 2.5, "define": 2.0, "number": 2.0, "acronym": 1.5, "calc": 1.5}
# Mixed quizzes lean on the exam-style scenarios; drills (above) on recall.
_MIXED_WEIGHT = {**_FAMILY_WEIGHT, "scenario": 40.0}
EXAM_ORIGINS = frozenset({"notes", "curated", SCENARIO})  # no generated recall items in an exam
EXAM_SCENARIO_SHARE = 0.75


class QuizError(Exception):
    """A quiz that cannot be built; ``message`` is one line for the learner."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class QuizSpec:
    mode: str = "topic"  # topic | mixed | mistakes | exam | due
    topics: list[str] = field(default_factory=list)  # ids or numbers ("dynamodb", "18")
    count: int | None = None  # None: the mode's default
    seed: int | None = None  # None: a fresh random quiz
    domain: int | None = None  # only the questions of this DVA-C02 domain (1-4)


@dataclass(frozen=True, slots=True)
class QuizItem:
    question: Question  # a numeric variant is a fresh Question with the template's id
    choices: tuple[str, ...]  # shuffled; ("True", "False") for true/false; () for typed/numeric
    correct: tuple[str, ...]  # the right choice texts (typed/numeric: the expected answer)

    @property
    def id(self) -> str:
        return self.question.id


@dataclass(frozen=True, slots=True)
class TopicScore:
    topic: str  # topic id
    title: str
    correct: int
    total: int


@dataclass(frozen=True, slots=True)
class Score:
    correct: int
    total: int
    scaled: int | None  # exam only: 100-1000
    passed: bool | None  # exam only: scaled >= 720
    by_topic: tuple[TopicScore, ...]

    @property
    def percent(self) -> float:
        return 100.0 * self.correct / self.total if self.total else 0.0


@dataclass
class Quiz:
    items: list[QuizItem]
    spec: QuizSpec
    time_limit_s: int | None = None  # exam only
    seed: int | None = None  # the seed actually used (None when an rng was passed in)
    bank: QuestionBank | None = field(default=None, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.items)

    def grade(self, index: int, response: object) -> Grade:
        """Grade the answer to item ``index`` (with the course's acronyms when known)."""
        question = self.items[index].question
        if self.bank is not None:
            return self.bank.grade(question, response)
        from lessons.grading import grade

        return grade(question, response)

    def score(self, answers: Mapping[str, bool | Grade] | Sequence[bool | Grade | None]) -> Score:
        """Score the quiz. ``answers``: by question id, or one per item in order; a
        missing answer counts as wrong. Exams also get the scaled score and pass mark."""
        results: list[bool] = []
        for index, item in enumerate(self.items):
            if isinstance(answers, Mapping):
                given = answers.get(item.id)
            else:
                given = answers[index] if index < len(answers) else None
            if isinstance(given, Grade):
                given = given.correct
            results.append(bool(given))
        titles: dict[str, str] = {}
        if self.bank is not None:
            titles = {t.id: t.title for t in self.bank.course.topics}
        per_topic: dict[str, list[int]] = {}
        for item, right in zip(self.items, results, strict=True):
            tally = per_topic.setdefault(item.question.topic_id, [0, 0])
            tally[0] += int(right)
            tally[1] += 1
        order = list(titles) or sorted(per_topic)
        by_topic = tuple(
            TopicScore(t, titles.get(t, t), per_topic[t][0], per_topic[t][1])
            for t in sorted(per_topic, key=lambda t: order.index(t) if t in order else len(order))
        )
        correct, total = sum(results), len(results)
        if self.spec.mode == "exam":
            scaled = scaled_score(correct, total)
            return Score(correct, total, scaled, scaled >= PASS_SCORE, by_topic)
        return Score(correct, total, None, None, by_topic)


# --------------------------------------------------------------------------- building


def build_quiz(
    bank: QuestionBank,
    spec: QuizSpec,
    *,
    last_results: Mapping[str, bool] | None = None,
    due_ids: Sequence[str] | None = None,
    rng: random.Random | None = None,
) -> Quiz:
    """Build the quiz ``spec`` asks for (see the module docstring)."""
    if spec.mode not in MODES:
        raise QuizError(f"unknown quiz mode '{spec.mode}' (one of {', '.join(MODES)})")
    if spec.count is not None and (isinstance(spec.count, bool) or not isinstance(spec.count, int) or spec.count < 1):
        raise QuizError("the number of questions must be at least 1")
    if spec.domain is not None and spec.domain not in {d.number for d in DOMAINS}:
        raise QuizError(f"unknown exam domain {spec.domain!r} (1 to {len(DOMAINS)})")
    seed = spec.seed
    if rng is None:
        if seed is None:
            seed = random.SystemRandom().randrange(2**32)
        rng = random.Random(seed)
    else:
        seed = None
    topics = _resolve_topics(bank, spec.topics)
    builder = _Builder(bank, rng, spec.domain)

    if spec.mode == "topic":
        if len(topics) != 1:
            raise QuizError("a topic quiz needs exactly one topic (give its id or number)")
        questions = builder.from_topics(topics, spec.count or DEFAULT_COUNT["topic"], what=f"topic '{topics[0].id}'")
    elif spec.mode == "mixed" and spec.domain is not None:
        chosen = topics or list(bank.course.topics)
        questions = builder.domain_quiz(chosen, spec.count or DEFAULT_COUNT["mixed"])
    elif spec.mode == "mixed":
        chosen = topics or list(bank.course.topics)
        questions = builder.from_topics(
            chosen, spec.count or DEFAULT_COUNT["mixed"], what="these topics", prefer_scenarios=True
        )
    elif spec.mode == "exam":
        chosen = topics or list(bank.course.topics)
        questions = builder.exam(chosen, spec.count or EXAM_QUESTIONS)
    elif spec.mode == "mistakes":
        questions = builder.mistakes(last_results or {}, topics, spec.count)
    else:
        questions = builder.due(due_ids or [], topics, spec.count)

    items = [builder.item(q) for q in questions]
    return Quiz(
        items=items,
        spec=spec,
        time_limit_s=EXAM_TIME_S if spec.mode == "exam" else None,
        seed=seed,
        bank=bank,
    )


def _resolve_topics(bank: QuestionBank, keys: Iterable[str | int]) -> list[Topic]:
    found: list[Topic] = []
    numbers = [t.number for t in bank.course.topics]
    for raw in keys:
        topic = bank.course.topic(raw if isinstance(raw, int) else str(raw).strip())
        if topic is None:
            span = f"{min(numbers)} to {max(numbers)}" if numbers else "none loaded"
            raise QuizError(f"unknown topic '{raw}': give a topic id (e.g. 'dynamodb') or a number ({span})")
        if topic not in found:
            found.append(topic)
    return found


class _Builder:
    def __init__(self, bank: QuestionBank, rng: random.Random, domain: int | None = None) -> None:
        self.bank = bank
        self.rng = rng
        self.domain = domain

    def _questions(self, topic_id: str, *, templates: bool = True) -> tuple[Question, ...]:
        """A topic's questions, of the chosen domain when there is one."""
        found = self.bank.topic_questions(topic_id, templates=templates)
        if self.domain is None:
            return found
        return tuple(q for q in found if q.domain == self.domain)

    # -- picking -------------------------------------------------------------

    def _family(self, question: Question) -> str:
        if self.bank.is_template(question.id):
            return "calc"
        if question.origin == SCENARIO:
            return "scenario"
        if question.origin != GENERATED:
            return "file"
        return _FAMILY.get(question.slug.split("-", 1)[0], "other")

    def _shuffled(self, pool: Sequence[Question], weights: Mapping[str, float] = _FAMILY_WEIGHT) -> list[Question]:
        """A weighted random order (Efraimidis-Spirakis) in which each family of questions
        (the course files' own, scenarios, acronyms, definitions, numbers, calculations)
        gets a fixed share whatever its size: in a drill the files' questions about 40%,
        the notes' own most of all."""
        families = Counter(self._family(q) for q in pool)
        keyed = []
        for i, question in enumerate(pool):
            family = self._family(question)
            weight = weights.get(family, 1.0) / families[family]
            if question.origin == "notes":
                weight *= 2.0
            keyed.append((self.rng.random() ** (1.0 / weight), i))
        keyed.sort(reverse=True)
        return [pool[i] for _, i in keyed]

    def _pick(
        self,
        pool: Sequence[Question],
        count: int,
        used_facts: set[str],
        used_entries: set[str],
        weights: Mapping[str, float] = _FAMILY_WEIGHT,
    ) -> list[Question]:
        """Up to ``count`` questions of ``pool``: one per fact group, different entries first."""
        ordered = self._shuffled(pool, weights)
        picked: list[Question] = []
        for strict in (True, False):
            for question in ordered:
                if len(picked) == count:
                    return picked
                fact = self.bank.fact(question.id)
                if fact in used_facts or question in picked:
                    continue
                if strict and question.entry_id in used_entries:
                    continue
                picked.append(question)
                used_facts.add(fact)
                used_entries.add(question.entry_id)
        return picked

    def _one_per_fact(self, questions: Sequence[Question]) -> list[Question]:
        """``questions`` in their order, keeping the first of each fact group."""
        seen: set[str] = set()
        kept = []
        for question in questions:
            fact = self.bank.fact(question.id)
            if fact not in seen:
                seen.add(fact)
                kept.append(question)
        return kept

    def _available(self, pool: Sequence[Question]) -> int:
        return len({self.bank.fact(q.id) for q in pool})

    def from_topics(
        self, topics: Sequence[Topic], count: int, *, what: str, prefer_scenarios: bool = False
    ) -> list[Question]:
        weights = _MIXED_WEIGHT if prefer_scenarios else _FAMILY_WEIGHT
        pools = {t.id: self._questions(t.id) for t in topics}
        pools = {t: p for t, p in pools.items() if p}
        if not pools:
            raise QuizError(f"no questions are available for {what}")
        available = sum(self._available(p) for p in pools.values())
        if count > available:
            raise QuizError(f"only {available} questions are available for {what}; ask for {available} or fewer")
        # Spread evenly: equal shares, the remainder to random topics; a topic that runs
        # out hands its share on to the others.
        order = list(pools)
        self.rng.shuffle(order)
        share = {t: count // len(order) for t in order}
        for t in order[: count % len(order)]:
            share[t] += 1
        used_facts: set[str] = set()
        used_entries: set[str] = set()
        picked: dict[str, list[Question]] = {t: [] for t in order}
        missing = 0
        for t in order:
            got = self._pick(pools[t], share[t], used_facts, used_entries, weights)
            picked[t] = got
            missing += share[t] - len(got)
        while missing:
            progress = False
            for t in order:
                if not missing:
                    break
                more = self._pick([q for q in pools[t] if q not in picked[t]], 1, used_facts, used_entries, weights)
                if more:
                    picked[t].extend(more)
                    missing -= 1
                    progress = True
            if not progress:  # pragma: no cover - guarded by the count check above
                break
        questions = [q for t in order for q in picked[t]]
        self.rng.shuffle(questions)
        return questions

    def exam(self, topics: Sequence[Topic], count: int) -> list[Question]:
        """Like the real exam: per domain in proportion to its weight, spread over its task
        statements, scenarios first (see the module docstring)."""
        pool = [
            q
            for t in topics
            for q in self._questions(t.id, templates=False)
            if q.origin in EXAM_ORIGINS and q.domain is not None
        ]
        by_domain: dict[int, list[Question]] = {}
        for question in pool:
            by_domain.setdefault(question.domain or 0, []).append(question)
        available = sum(self._available(p) for p in by_domain.values())
        if count > available:
            raise QuizError(f"only {available} exam questions are available; ask for {available} or fewer")
        weights = {d.number: d.weight for d in DOMAINS if d.number in by_domain}
        share = _apportion(weights, count, at_least_one=False)  # 65 -> 21/17/15/12
        used_facts: set[str] = set()
        used_entries: set[str] = set()
        picked: list[Question] = []
        for number in sorted(share):
            picked += self._domain_share(by_domain[number], share[number], used_facts, used_entries)
        if len(picked) < count:  # a thin domain (a small course): top up from the others
            rest = [q for q in pool if q not in picked]
            picked += self._pick(rest, count - len(picked), used_facts, used_entries, _MIXED_WEIGHT)
        self.rng.shuffle(picked)
        return picked[:count]

    def domain_quiz(self, topics: Sequence[Topic], count: int) -> list[Question]:
        """A mixed quiz on one exam domain: its task statements in turn, scenarios first."""
        pool = [q for t in topics for q in self._questions(t.id, templates=False)]
        available = self._available(pool)
        if count > available:
            raise QuizError(f"only {available} questions are available for domain {self.domain}; ask for fewer")
        picked = self._domain_share(pool, count, set(), set())
        self.rng.shuffle(picked)
        return picked

    def _domain_share(
        self, pool: Sequence[Question], need: int, used_facts: set[str], used_entries: set[str]
    ) -> list[Question]:
        """``need`` questions of one domain: about three in four scenarios, the task
        statements taking turns so that each is asked."""
        scenarios = [q for q in pool if q.origin == SCENARIO]
        others = [q for q in pool if q.origin != SCENARIO]
        want = min(len(scenarios), math.ceil(need * EXAM_SCENARIO_SHARE))
        picked = self._by_task(scenarios, want, used_facts, used_entries)
        picked += self._by_task(others, need - len(picked), used_facts, used_entries)
        if len(picked) < need:  # few notes questions here: more scenarios
            picked += self._by_task(
                [q for q in scenarios if q not in picked], need - len(picked), used_facts, used_entries
            )
        return picked

    def _by_task(
        self, pool: Sequence[Question], need: int, used_facts: set[str], used_entries: set[str]
    ) -> list[Question]:
        """Up to ``need`` questions of ``pool``, one task statement after another in random order."""
        if need <= 0:
            return []
        tasks: dict[str, list[Question]] = {}
        for question in self._shuffled(pool):
            tasks.setdefault(question.task, []).append(question)
        order = list(tasks)
        self.rng.shuffle(order)
        picked: list[Question] = []
        while len(picked) < need and any(tasks.values()):
            for task in order:
                if len(picked) == need:
                    break
                got = self._pick(tasks[task], 1, used_facts, used_entries)
                tasks[task] = [q for q in tasks[task] if q not in got and self.bank.fact(q.id) not in used_facts]
                picked += got
        return picked

    def mistakes(self, last_results: Mapping[str, bool], topics: Sequence[Topic], count: int | None) -> list[Question]:
        wanted = {t.id for t in topics}
        wrong = [
            self.bank.by_id[qid]
            for qid, right in last_results.items()
            if not right and qid in self.bank.by_id and (not wanted or self.bank.by_id[qid].topic_id in wanted)
        ]
        if self.domain is not None:
            wrong = [q for q in wrong if q.domain == self.domain]
        if not wrong:
            where = " in these topics" if wanted else ""
            raise QuizError(f"no mistakes to review yet{where}: every question you last answered was right")
        unique = self._one_per_fact(wrong)
        if count is not None and count > len(unique):
            n = len(unique)
            raise QuizError(f"only {n} mistake{'s' if n != 1 else ''} to review; ask for {n} or fewer")
        self.rng.shuffle(unique)
        return unique[: count or len(unique)]

    def due(self, due_ids: Sequence[str], topics: Sequence[Topic], count: int | None) -> list[Question]:
        wanted = {t.id for t in topics}
        found = [
            self.bank.by_id[qid]
            for qid in dict.fromkeys(due_ids)
            if qid in self.bank.by_id and (not wanted or self.bank.by_id[qid].topic_id in wanted)
        ]
        if not found:
            raise QuizError("nothing is due for review right now")
        unique = self._one_per_fact(found)
        if count is not None and count > len(unique):
            n = len(unique)
            raise QuizError(f"only {n} question{'s are' if n != 1 else ' is'} due; ask for {n} or fewer")
        return unique[: count or len(unique)]

    # -- items ---------------------------------------------------------------

    def item(self, question: Question) -> QuizItem:
        template = self.bank.templates.get(question.id)
        if template is not None:
            question = self.bank.numeric_variant(template.name, random.Random(self.rng.getrandbits(64)))
        if question.type in ("single", "multi"):
            choices = _unique_choices(question)
            last = [c for c in choices if _pinned_last(c)]
            rest = [c for c in choices if not _pinned_last(c)]
            self.rng.shuffle(rest)
            shuffled = tuple(rest + last)
            right = {fold(c) for c in question.correct_choices}
            correct = tuple(c for c in shuffled if fold(c) in right)
            return QuizItem(question, shuffled, correct)
        if question.type == "truefalse":
            return QuizItem(question, ("True", "False"), ("True",) if question.answer else ("False",))
        if question.type == "numeric":
            return QuizItem(question, (), (format_number(float(question.answer), grouped=True),))  # type: ignore[arg-type]
        return QuizItem(question, (), (markup.plain(str(question.answer)),))


def _pinned_last(choice: str) -> bool:
    folded = fold(choice)
    return folded.startswith(("all of the above", "none of the above", "both of the above"))


def _unique_choices(question: Question) -> list[str]:
    """The choices without duplicates (case and markup ignored), the right ones kept."""
    right = {fold(c) for c in question.correct_choices}
    seen: dict[str, str] = {}
    for choice in question.choices:
        folded = fold(choice)
        if folded not in seen or folded in right and seen[folded] not in question.correct_choices:
            seen[folded] = choice
    for answer in question.correct_choices:  # the right answer is always offered
        seen.setdefault(fold(answer), answer)
    return list(seen.values())


def _apportion(sizes: Mapping[K, int], total: int, *, at_least_one: bool = True) -> dict[K, int]:
    """``total`` seats shared by size (largest remainder), at least one each when possible
    (unless ``at_least_one`` is false: then strictly in proportion)."""
    names = [n for n in sizes if sizes[n] > 0]
    share = {n: 0 for n in sizes}
    if not names or total <= 0:
        return share
    base = min(1, total // len(names)) if at_least_one and total >= len(names) else 0
    for n in names:
        share[n] = base
    left = total - base * len(names)
    weight = sum(sizes[n] for n in names)
    exact = {n: left * sizes[n] / weight for n in names}
    for n in names:
        share[n] += int(exact[n])
    remainder = total - sum(share.values())
    for n in sorted(names, key=lambda n: (-(exact[n] - int(exact[n])), n))[:remainder]:
        share[n] += 1
    return share
