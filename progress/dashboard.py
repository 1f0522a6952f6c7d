"""The progress dashboard: every figure the dashboard screen and ``awstutor progress`` show.

``dashboard(store, scheduler, topics, days=30)`` returns a :class:`Dashboard`,
plain data: ``dataclasses.asdict`` of it is JSON as it is (dates and times are
ISO strings). The course comes in as plain data, ``[(topic_id, number, title,
[entry_ids])]``; nothing here imports Textual, ``tui`` or ``lessons``.

Definitions (``days`` = 30 by default; "the window" is the last ``days`` local
days, today included, from local midnight ``days - 1`` days ago):

* **learned**: entries whose latest mark is "got it"; **mastery** = learned /
  entries, a whole percent.
* **recent accuracy** of a topic: correct / answers over the window, a percent
  with one decimal, None when it has no answers in the window. **attempts** and
  **correct** are all time.
* **due** (per topic, and ``due_now``): cards whose due time is at or before
  now. ``due_today`` counts cards due by the end of today, overdue ones
  included; ``due_next_days`` the cards falling due on each of the 7 days after
  today (:meth:`progress.scheduler.Scheduler.forecast`).
* **activity** per local day of the window: answers, correct, marks, *reviews*
  = answers + marks, and accuracy (None on a day without answers).
* **streak**: consecutive local days with an answer or a mark, ending today (or
  yesterday when today has none yet).

**Weakest topics** (up to 3). A topic is *touched* when it has an answer (ever),
a mark on one of its entries, or a scheduler card. A touched topic is *solid*
when all its entries are learned and its recent accuracy (if any) is at least
80%; every other touched topic is a candidate. Candidates are ranked by

1. the smoothed recent accuracy ``(correct + 1) / (answers + 2)``, lowest first:
   low accuracy over many answers ranks weaker than the same accuracy over a
   few, and a topic with no answers in the window sits at 50%;
2. then mastery, lowest first; 3. then course order.

Topics never touched count as weak only when there is no candidate at all: then
the first untouched topics in course order are listed ("not started").

**Exam readiness**, on the exam's 100-1000 scale (720 to pass, rounded half up):

1. From exam simulations: when at least one exam-simulation session (mode
   ``exam``) finished within the window, the estimate is the mean scaled score
   of the last (up to) 3 of them, each ``100 + 900 x correct / questions``.
2. Otherwise from answers: when the window holds at least 20 answers (any
   mode). With the exam's domains (the caller passes each question's domain and
   the domain weights, 32/26/24/18 for DVA-C02): ``p`` = the mean of the
   practised domains' recent accuracies weighted by the domain weights,
   ``coverage`` = the share of the exam's weight those domains carry. Without
   them: ``p`` weighted by topic size (entries), ``coverage`` = the share of the
   course's entries in the practised topics. The estimate is
   ``100 + 900 x p x coverage`` either way (an unpractised part counts as 0
   correct).
3. Otherwise: "not enough data" (no score, no verdict).

The guess is "pass" when the estimate is at least 720, "fail" below; the
:attr:`Readiness.explanation` says in plain words which rule applied, with its
numbers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING

from progress.schema import topic_of

if TYPE_CHECKING:
    from progress.scheduler import Scheduler
    from progress.store import ProgressStore

__all__ = [
    "Dashboard",
    "DayActivity",
    "DomainAccuracy",
    "DueDay",
    "ExamResult",
    "Readiness",
    "TopicProgress",
    "WeakTopic",
    "dashboard",
    "describe_when",
    "scaled",
]

TopicData = tuple[str, int, str, Sequence[str]]  # (topic id, number, title, entry ids)

PASS_SCORE = 720  # DVA-C02: 720 on a scale of 100-1000
EXAMS_USED = 3  # the last this many exam simulations make the estimate
MIN_ANSWERS = 20  # answers in the window needed to project from quizzes
SOLID_ACCURACY = 80.0  # percent: a fully learned topic at or above this is not "weak"
WEAKEST = 3
FORECAST_DAYS = 7


# ---------------------------------------------------------------- the data


@dataclass
class TopicProgress:
    id: str
    number: int
    title: str
    entries: int
    learned: int
    mastery: int  # percent of entries learned (0 when the topic has no entries)
    attempts: int  # all time
    correct: int  # all time
    recent_attempts: int  # in the window
    recent_correct: int
    recent_accuracy: float | None  # percent, one decimal; None: no answers in the window
    due: int  # cards due now
    touched: bool  # any answer, mark or card


@dataclass
class DayActivity:
    date: str  # ISO local date
    answers: int
    correct: int
    marks: int
    reviews: int  # answers + marks
    accuracy: float | None  # percent; None: no answers that day


@dataclass
class DueDay:
    date: str  # ISO local date
    cards: int


@dataclass
class WeakTopic:
    id: str
    number: int
    title: str
    reason: str


@dataclass
class ExamResult:
    ended: str  # ISO time, UTC
    date: str  # ISO local date it ended
    correct: int
    total: int
    scaled: int


@dataclass
class DomainAccuracy:
    domain: int
    weight: float  # percent of the exam
    answers: int  # in the window
    accuracy: float | None  # percent; None without answers


@dataclass
class Readiness:
    score: int | None  # 100-1000; None: not enough data
    passed: bool | None  # score >= 720
    basis: str  # "exams" | "answers" | "none"
    explanation: str
    exams: list[ExamResult] = field(default_factory=list)  # the ones averaged, newest first
    answers: int = 0  # answers in the window
    accuracy: float | None = None  # "answers" basis: p, percent
    coverage: float | None = None  # "answers" basis: percent of the exam weight (or entries) practised
    domains: list[DomainAccuracy] = field(default_factory=list)  # "answers" basis by exam domain

    @property
    def verdict(self) -> str:
        if self.score is None:
            return "not enough data"
        return "likely pass" if self.passed else "likely fail"


@dataclass
class Dashboard:
    now: str  # ISO time, UTC
    today: str  # ISO local date
    days: int  # the window
    topics: list[TopicProgress]
    activity: list[DayActivity]  # oldest first, today last
    streak_days: int
    due_now: int
    due_today: int  # by the end of today, overdue included
    due_next_days: list[DueDay]  # the 7 days after today
    next_due: str | None  # ISO time (UTC) of the next card not yet due; None: none
    weakest: list[WeakTopic]
    readiness: Readiness
    learned: int = 0  # totals over the listed topics
    entries: int = 0


# ---------------------------------------------------------------- helpers


def scaled(correct: int, total: int) -> int:
    """The exam's scale: ``100 + 900 * correct / total``, rounded half up (100 when total is 0)."""
    if total <= 0:
        return 100
    return int(math.floor(100 + 900 * correct / total + 0.5))


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _local_midnight(day: date, tz: tzinfo | None) -> datetime:
    """The first moment of a local day, as an aware time."""
    if tz is not None:
        return datetime.combine(day, time(), tzinfo=tz)
    return datetime.combine(day, time()).astimezone()


def _local(moment: datetime, tz: tzinfo | None) -> datetime:
    return moment.astimezone(tz) if tz is not None else moment.astimezone()


def _from_domains(
    by_domain: Mapping[int, Sequence[int]], weights: Mapping[int, float], answers: int, days: int
) -> Readiness:
    """Rule 2 with the exam's domain weights (see the module docstring)."""
    total = sum(weights.values())
    rows = []
    for domain in sorted(weights):
        n, ok = (list(by_domain.get(domain, (0, 0))) + [0, 0])[:2]
        rows.append(DomainAccuracy(domain, weights[domain], n, _percent(ok, n)))
    practised = [r for r in rows if r.answers]
    coverage = sum(r.weight for r in practised) / total if total else 0.0
    p = (
        sum(r.weight * (r.accuracy or 0.0) / 100 for r in practised) / sum(r.weight for r in practised)
        if practised
        else 0.0
    )
    score = int(math.floor(100 + 900 * p * coverage + 0.5))
    parts = ", ".join(
        f"domain {r.domain} ({r.weight:g}%): " + (f"{r.accuracy:.0f}% of {r.answers}" if r.answers else "not practised")
        for r in rows
    )
    explanation = (
        f"Projected from your {answers} answers of the last {days} days, by exam domain ({parts}): "
        f"{100 * p:.0f}% correct in the domains you practised, weighted as the exam weighs them, times "
        f"their share of the exam {100 * coverage:.0f}%: 100 + 900 x {p:.2f} x {coverage:.2f} = {score}. "
        "No exam simulation in that time: one gives a better estimate."
    )
    return Readiness(
        score,
        score >= PASS_SCORE,
        "answers",
        explanation,
        answers=answers,
        accuracy=round(100 * p, 1),
        coverage=round(100 * coverage, 1),
        domains=rows,
    )


def describe_when(moment: datetime, now: datetime, tz: tzinfo | None = None) -> str:
    """``'in 3 days (Mon 30 Nov, 10:04)'`` in local time; ``'now'`` when already past."""
    seconds = (moment - now).total_seconds()
    stamp = _local(moment, tz).strftime("%a %d %b, %H:%M")
    if seconds <= 0:
        return f"now ({stamp})"
    if seconds < 3600:
        span = f"in {max(1, int(seconds // 60))} min"
    elif seconds < 86400:
        span = f"in {int(seconds // 3600)} h"
    else:
        whole = int(seconds // 86400)
        span = f"in {whole} day{'s' if whole != 1 else ''}"
    return f"{span} ({stamp})"


# ---------------------------------------------------------------- the figures


def dashboard(
    store: ProgressStore,
    scheduler: Scheduler,
    topics: Iterable[TopicData],
    *,
    days: int = 30,
    domains: Mapping[str, int] | None = None,
    weights: Mapping[int, float] | None = None,
) -> Dashboard:
    """Every figure of the dashboard (see the module docstring for the definitions).

    ``domains`` (question id -> exam domain) and ``weights`` (domain -> percent of the
    exam) make the readiness estimate weigh answers as the exam does."""
    if days < 1:
        raise ValueError("days must be at least 1")
    topics = list(topics)
    tz = store.tz
    now = scheduler.now()
    today = _local(now, tz).date()
    first_day = today - timedelta(days=days - 1)
    since = _local_midnight(first_day, tz)
    until = _local_midnight(today + timedelta(days=1), tz)

    # answers: all time from the summary, the window by streaming the log
    all_time: dict[str, list[int]] = {}
    for qid, row in store.question_stats().items():
        counts = all_time.setdefault(topic_of(qid), [0, 0])
        counts[0] += row.attempts
        counts[1] += row.correct
    recent: dict[str, list[int]] = {}
    by_domain: dict[int, list[int]] = {}
    for attempt in store.attempts():
        if since <= attempt.at < until:
            counts = recent.setdefault(attempt.topic, [0, 0])
            counts[0] += 1
            counts[1] += attempt.correct
            domain = domains.get(attempt.question_id) if domains else None
            if domain is not None:
                tally = by_domain.setdefault(domain, [0, 0])
                tally[0] += 1
                tally[1] += attempt.correct

    learned = store.learned_entries()
    cards = store.cards()
    card_topics = {topic_of(card) for card in cards}
    due_by_topic = scheduler.due_by_topic()

    rows: list[TopicProgress] = []
    for topic_id, number, title, entry_ids in topics:
        entries = list(dict.fromkeys(entry_ids))
        n_learned = sum(1 for e in entries if e in learned)
        n, ok = all_time.get(topic_id, (0, 0))
        rn, rok = recent.get(topic_id, (0, 0))
        touched = bool(n) or topic_id in card_topics or any(store.entry_state(e).marks for e in entries)
        rows.append(
            TopicProgress(
                id=topic_id,
                number=number,
                title=title,
                entries=len(entries),
                learned=n_learned,
                mastery=round(100 * n_learned / len(entries)) if entries else 0,
                attempts=n,
                correct=ok,
                recent_attempts=rn,
                recent_correct=rok,
                recent_accuracy=_percent(rok, rn),
                due=due_by_topic.get(topic_id, 0),
                touched=touched,
            )
        )

    activity = [
        DayActivity(
            date=day.isoformat(),
            answers=n,
            correct=ok,
            marks=marks,
            reviews=n + marks,
            accuracy=_percent(ok, n),
        )
        for day, n, ok, marks in store.daily_activity(days)
    ]

    forecast = scheduler.forecast(FORECAST_DAYS + 1, today, tz)
    next_due = scheduler.next_due()
    return Dashboard(
        now=now.isoformat(),
        today=today.isoformat(),
        days=days,
        topics=rows,
        activity=activity,
        streak_days=store.streak_days(),
        due_now=len(scheduler.due_now()),
        due_today=forecast[0][1],
        due_next_days=[DueDay(day.isoformat(), n) for day, n in forecast[1:]],
        next_due=next_due.isoformat() if next_due else None,
        weakest=weakest_topics(rows, days=days),
        readiness=readiness(
            store.sessions(),
            rows,
            since=since,
            until=until,
            tz=tz,
            days=days,
            by_domain=by_domain if domains and weights else None,
            weights=weights,
        ),
        learned=sum(r.learned for r in rows),
        entries=sum(r.entries for r in rows),
    )


def weakest_topics(rows: Sequence[TopicProgress], *, days: int = 30, limit: int = WEAKEST) -> list[WeakTopic]:
    """Up to ``limit`` weakest topics, by the rule in the module docstring."""

    def solid(row: TopicProgress) -> bool:
        accurate = row.recent_accuracy is None or row.recent_accuracy >= SOLID_ACCURACY
        return row.entries > 0 and row.learned >= row.entries and accurate

    candidates = [r for r in rows if r.touched and not solid(r)]
    if candidates:
        order = {r.id: i for i, r in enumerate(rows)}
        candidates.sort(key=lambda r: ((r.recent_correct + 1) / (r.recent_attempts + 2), r.mastery, order[r.id]))
        return [WeakTopic(r.id, r.number, r.title, _weak_reason(r, days)) for r in candidates[:limit]]
    fresh = [r for r in rows if not r.touched]
    return [WeakTopic(r.id, r.number, r.title, f"not started, 0/{r.entries} learned") for r in fresh[:limit]]


def _weak_reason(row: TopicProgress, days: int) -> str:
    learned = f"{row.learned}/{row.entries} learned"
    if row.recent_attempts:
        plural = "s" if row.recent_attempts != 1 else ""
        return f"{row.recent_accuracy:.0f}% of {row.recent_attempts} answer{plural} in {days} days, {learned}"
    return f"no answers in {days} days, {learned}"


def readiness(
    sessions: Iterable,
    rows: Sequence[TopicProgress],
    *,
    since: datetime,
    until: datetime,
    tz: tzinfo | None = None,
    days: int = 30,
    by_domain: Mapping[int, Sequence[int]] | None = None,
    weights: Mapping[int, float] | None = None,
) -> Readiness:
    """The exam-readiness estimate (see the module docstring for the rule).

    ``by_domain``: exam domain -> (answers, correct) in the window; with ``weights``
    (domain -> percent of the exam), rule 2 weighs the domains as the exam does.

    ``sessions``: :class:`progress.store.Session` records (mode, score, total, ended);
    ``since`` / ``until``: the window (the first moment in it, the first moment after it).
    """
    exams = [
        s
        for s in sessions
        if s.mode == "exam" and s.ended is not None and s.score is not None and s.total and since <= s.ended < until
    ]
    exams.sort(key=lambda s: s.ended, reverse=True)
    answers = sum(r.recent_attempts for r in rows)
    if exams:
        used = [
            ExamResult(
                ended=s.ended.isoformat(),
                date=_local(s.ended, tz).date().isoformat(),
                correct=s.score,
                total=s.total,
                scaled=scaled(s.score, s.total),
            )
            for s in exams[:EXAMS_USED]
        ]
        score = int(math.floor(sum(e.scaled for e in used) / len(used) + 0.5))
        listed = ", ".join(f"{e.date}: {e.scaled}" for e in used)
        if len(used) == 1:
            how = f"The scaled score of your last exam simulation ({listed})"
        else:
            how = f"The mean scaled score of your last {len(used)} exam simulations ({listed})"
        explanation = f"{how}, in the last {days} days; each is 100 + 900 x correct / questions."
        return Readiness(score, score >= PASS_SCORE, "exams", explanation, used, answers=answers)

    if by_domain is not None and weights and answers >= MIN_ANSWERS:
        return _from_domains(by_domain, weights, answers, days)
    practised = [r for r in rows if r.recent_attempts]
    size = sum(r.entries for r in rows)
    if answers >= MIN_ANSWERS and practised and size:
        weight = sum(max(r.entries, 1) for r in practised)
        p = sum(max(r.entries, 1) * r.recent_correct / r.recent_attempts for r in practised) / weight
        coverage = min(1.0, sum(r.entries for r in practised) / size)
        score = int(math.floor(100 + 900 * p * coverage + 0.5))
        explanation = (
            f"Projected from your {answers} answers of the last {days} days: "
            f"{100 * p:.0f}% correct over {len(practised)} of {len(rows)} topics (each topic's accuracy "
            f"weighted by its number of entries), times your coverage {100 * coverage:.0f}% (the share "
            f"of the course's entries in the topics you practised): 100 + 900 x {p:.2f} x {coverage:.2f} = {score}. "
            "No exam simulation in that time: one gives a better estimate."
        )
        return Readiness(
            score,
            score >= PASS_SCORE,
            "answers",
            explanation,
            answers=answers,
            accuracy=round(100 * p, 1),
            coverage=round(100 * coverage, 1),
        )

    plural = "s" if answers != 1 else ""
    explanation = (
        f"Not enough data: no exam simulation finished in the last {days} days and {answers} "
        f"answer{plural} (at least {MIN_ANSWERS} are needed to project a score). Take an exam "
        "simulation or a few quizzes."
    )
    return Readiness(None, None, "none", explanation, answers=answers)
