"""The dashboard's figures from small hand-built histories, on a fake clock and fixed timezones."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import asdict
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from progress.dashboard import dashboard, describe_when, scaled
from progress.scheduler import Scheduler

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 27, 19, 2, 11, tzinfo=UTC)  # the fake clock's start: a Friday

TOPICS = [
    ("dynamodb", 18, "DynamoDB", ["dynamodb/rcu", "dynamodb/wcu", "dynamodb/gsi", "dynamodb/lsi"]),
    ("s3", 7, "Amazon S3", ["s3/versioning", "s3/lifecycle"]),
    ("vpc", 6, "VPC Fundamentals", ["vpc/nacl", "vpc/sg", "vpc/flow-logs", "vpc/endpoints"]),
]


def answers(store, clock, topic: str, results: str, *, at: datetime | None = None, mode: str = "topic") -> None:
    """Record answers ("1" right, "0" wrong) a minute apart, from ``at`` (default: the clock now)."""
    if at is not None:
        clock.now = at
    for n, mark in enumerate(results):
        store.record_attempt(f"{topic}/q/{n}", answer="A", correct=mark == "1", seconds=3, mode=mode)
        clock.advance(minutes=1)


def exam(store, clock, ended: datetime, correct: int, total: int = 65, mode: str = "exam") -> None:
    clock.now = ended - timedelta(hours=2)
    session = store.start_session(mode, [])
    clock.now = ended
    store.finish_session(session, correct, total)


def board(store, clock, topics=TOPICS, **kwargs):
    clock.now = kwargs.pop("now", NOW)
    return dashboard(store, Scheduler(store, clock=clock, fuzz=False), topics, **kwargs)


# ---------------------------------------------------------------- per topic, per day, due


def test_per_topic_figures(open_store, clock):
    store = open_store(clock=clock, tz=UTC)
    store.mark_entry("dynamodb/rcu", "got")
    store.mark_entry("dynamodb/wcu", "got")
    store.mark_entry("dynamodb/wcu", "again")  # latest mark "again": not learned
    store.mark_entry("dynamodb/gsi", "got")
    store.mark_entry("dynamodb/gone", "got")  # not in the course: not counted
    answers(store, clock, "dynamodb", "000", at=NOW - timedelta(days=40))  # all time only
    answers(store, clock, "dynamodb", "1101", at=NOW - timedelta(hours=3))
    store.save_card("dynamodb/rcu", {"due": "2026-11-27T19:02:11+00:00"})  # due exactly now
    store.save_card("dynamodb/wcu", {"due": "2026-11-27T19:02:12+00:00"})  # a second later: not yet
    store.save_card("s3/versioning", {"due": "2026-01-01T00:00:00+00:00"})

    dynamodb, s3, vpc = board(store, clock).topics

    assert (dynamodb.entries, dynamodb.learned, dynamodb.mastery) == (4, 2, 50)
    assert (dynamodb.attempts, dynamodb.correct) == (7, 3)
    assert (dynamodb.recent_attempts, dynamodb.recent_correct, dynamodb.recent_accuracy) == (4, 3, 75.0)
    assert dynamodb.due == 1
    assert dynamodb.touched
    assert (s3.learned, s3.mastery, s3.recent_accuracy, s3.due, s3.touched) == (0, 0, None, 1, True)
    assert (vpc.attempts, vpc.due, vpc.touched) == (0, 0, False)


def test_activity_streak_and_due(open_store, clock):
    store = open_store(clock=clock, tz=UTC)
    answers(store, clock, "s3", "110", at=NOW - timedelta(days=2))
    clock.now = NOW - timedelta(days=1)
    store.mark_entry("s3/versioning", "got")
    store.mark_entry("s3/lifecycle", "again")
    answers(store, clock, "s3", "1", at=NOW - timedelta(hours=1))
    answers(store, clock, "s3", "0", at=NOW - timedelta(days=31))  # before the window
    for card, due in [
        ("s3/a", NOW - timedelta(days=3)),  # overdue
        ("s3/b", NOW),  # due now
        ("s3/c", NOW + timedelta(hours=2)),  # later today (21:02 UTC)
        ("s3/d", NOW + timedelta(days=1)),  # tomorrow, Saturday
        ("s3/e", NOW + timedelta(days=3)),  # Monday
        ("s3/f", NOW + timedelta(days=7)),  # next Friday: the 7th day after today
        ("s3/g", NOW + timedelta(days=8)),  # beyond the forecast
    ]:
        store.save_card(card, {"due": due.isoformat()})

    data = board(store, clock)

    assert data.today == "2026-11-27"
    assert data.days == 30
    assert len(data.activity) == 30
    assert data.activity[0].date == "2026-10-29"
    assert data.activity[-1].date == "2026-11-27"
    two_days_ago, yesterday, today = data.activity[-3:]
    assert (two_days_ago.answers, two_days_ago.correct, two_days_ago.marks, two_days_ago.reviews) == (3, 2, 0, 3)
    assert two_days_ago.accuracy == pytest.approx(66.7)
    assert (yesterday.answers, yesterday.marks, yesterday.reviews, yesterday.accuracy) == (0, 2, 2, None)
    assert (today.answers, today.reviews, today.accuracy) == (1, 1, 100.0)
    assert sum(d.answers for d in data.activity) == 4  # the answer 31 days ago is outside
    assert data.streak_days == 3

    assert (data.due_now, data.due_today) == (2, 3)
    assert [(d.date, d.cards) for d in data.due_next_days] == [
        ("2026-11-28", 1),
        ("2026-11-29", 0),
        ("2026-11-30", 1),
        ("2026-12-01", 0),
        ("2026-12-02", 0),
        ("2026-12-03", 0),
        ("2026-12-04", 1),
    ]
    assert data.next_due == (NOW + timedelta(hours=2)).isoformat()


def test_nothing_at_all(open_store, clock):
    data = board(open_store(clock=clock, tz=UTC), clock)
    assert data.streak_days == 0
    assert data.due_now == data.due_today == 0
    assert data.next_due is None
    assert all(d.reviews == 0 and d.accuracy is None for d in data.activity)
    assert data.readiness.score is None
    assert data.readiness.basis == "none"
    assert (data.learned, data.entries) == (0, 10)


def test_it_is_json_as_it_is(open_store, clock):
    store = open_store(clock=clock, tz=UTC)
    answers(store, clock, "s3", "1" * 25)
    exam(store, clock, NOW - timedelta(days=1), 50)
    store.save_card("s3/a", {"due": (NOW + timedelta(days=2)).isoformat()})
    data = asdict(board(store, clock))
    assert json.loads(json.dumps(data)) == data
    assert data["today"] == "2026-11-27"
    assert data["readiness"]["exams"][0]["date"] == "2026-11-26"
    assert set(data) >= {"topics", "activity", "streak_days", "due_now", "due_today", "due_next_days", "next_due"}
    assert set(data) >= {"weakest", "readiness"}


# ---------------------------------------------------------------- local days


def test_local_day_boundaries(open_store, clock):
    """In UTC-5 the day turns at 05:00 UTC: the window starts at local midnight 29 days ago."""
    tz = timezone(timedelta(hours=-5))
    store = open_store(clock=clock, tz=tz)
    now = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)  # 22:00 on Thursday 26 Nov, local
    start = datetime(2026, 10, 28, 5, 0, tzinfo=UTC)  # local midnight starting 28 Oct, 29 days before
    answers(store, clock, "s3", "0", at=start - timedelta(seconds=1))  # 27 Oct, local: outside
    answers(store, clock, "s3", "1", at=start)  # 28 Oct, local: inside
    answers(store, clock, "s3", "1", at=datetime(2026, 11, 27, 2, 59, tzinfo=UTC))  # still 26 Nov, local
    exam(store, clock, start - timedelta(seconds=1), 60)  # ended outside the window
    exam(store, clock, start, 52)  # ended inside: 820

    data = board(store, clock, now=now)

    assert data.today == "2026-11-26"
    assert data.activity[0].date == "2026-10-28"
    assert data.activity[0].answers == 1
    assert data.activity[-1].answers == 1
    s3 = data.topics[1]
    assert (s3.recent_attempts, s3.recent_correct, s3.attempts) == (2, 2, 3)
    assert [e.date for e in data.readiness.exams] == ["2026-10-28"]
    assert data.readiness.score == 820

    # a day later, local, the first of those days has left the window
    later = board(store, clock, now=now + timedelta(days=1))
    assert later.topics[1].recent_attempts == 1
    assert later.readiness.basis == "none"


def test_describe_when():
    assert describe_when(NOW + timedelta(minutes=5), NOW, UTC) == "in 5 min (Fri 27 Nov, 19:07)"
    assert describe_when(NOW + timedelta(hours=5), NOW, UTC) == "in 5 h (Sat 28 Nov, 00:02)"
    assert describe_when(NOW + timedelta(days=1), NOW, UTC) == "in 1 day (Sat 28 Nov, 19:02)"
    assert describe_when(NOW + timedelta(days=3), NOW, timezone(timedelta(hours=2))) == "in 3 days (Mon 30 Nov, 21:02)"
    assert describe_when(NOW - timedelta(days=3), NOW, UTC).startswith("now")


# ---------------------------------------------------------------- weakest topics

FIVE = [
    ("a", 1, "Alpha", ["a/1", "a/2"]),
    ("b", 2, "Bravo", ["b/1", "b/2"]),
    ("c", 3, "Charlie", ["c/1", "c/2"]),
    ("d", 4, "Delta", ["d/1", "d/2"]),
    ("e", 5, "Echo", ["e/1", "e/2"]),
    ("f", 6, "Foxtrot", ["f/1", "f/2"]),
]


def test_weakest_ranking(open_store, clock):
    store = open_store(clock=clock, tz=UTC)
    answers(store, clock, "a", "1" * 5 + "0" * 5)  # 50% of 10: (5+1)/12 = 0.50
    answers(store, clock, "b", "0")  # 0% of 1:   (0+1)/3  = 0.33
    answers(store, clock, "c", "1100000000")  # 20% of 10: (2+1)/12 = 0.25, the weakest
    store.mark_entry("d/1", "again")  # touched, no answers: 0.50 like Alpha, and mastery 0
    store.mark_entry("a/1", "got")  # Alpha: mastery 50, so Delta ranks before it
    for entry in ("e/1", "e/2"):  # Echo: all learned and 90% right: solid, not weak
        store.mark_entry(entry, "got")
    answers(store, clock, "e", "1111111110")
    # Foxtrot: never touched

    weakest = board(store, clock, topics=FIVE).weakest

    assert [w.id for w in weakest] == ["c", "b", "d"]
    assert weakest[0].reason == "20% of 10 answers in 30 days, 0/2 learned"
    assert weakest[1].reason == "0% of 1 answer in 30 days, 0/2 learned"
    assert weakest[2].reason == "no answers in 30 days, 0/2 learned"
    assert (weakest[0].number, weakest[0].title) == (3, "Charlie")


def test_more_answers_at_the_same_accuracy_rank_weaker(open_store, clock):
    store = open_store(clock=clock, tz=UTC)
    answers(store, clock, "a", "0001")  # 25% of 4:  (1+1)/6  = 0.33
    answers(store, clock, "b", "0001" * 3)  # 25% of 12: (3+1)/14 = 0.29
    assert [w.id for w in board(store, clock, topics=FIVE).weakest][:2] == ["b", "a"]


def test_untouched_topics_count_only_when_nothing_else_is_weak(open_store, clock):
    store = open_store(clock=clock, tz=UTC)
    weakest = board(store, clock, topics=FIVE).weakest
    assert [w.id for w in weakest] == ["a", "b", "c"]  # nothing done: the first topics
    assert weakest[0].reason == "not started, 0/2 learned"

    for entry in ("b/1", "b/2"):
        store.mark_entry(entry, "got")
    answers(store, clock, "b", "1111")  # Bravo solid: still nothing weak among the touched
    assert [w.id for w in board(store, clock, topics=FIVE).weakest] == ["a", "c", "d"]

    answers(store, clock, "f", "1")  # one weak touched topic: only it is listed
    assert [w.id for w in board(store, clock, topics=FIVE).weakest] == ["f"]


def test_nothing_weak_when_every_topic_is_solid(open_store, clock):
    store = open_store(clock=clock, tz=UTC)
    for entry in ("s3/versioning", "s3/lifecycle"):
        store.mark_entry(entry, "got")
    assert board(store, clock, topics=TOPICS[1:2]).weakest == []


# ---------------------------------------------------------------- readiness


def test_scaled():
    assert scaled(65, 65) == 1000
    assert scaled(0, 65) == 100
    assert scaled(0, 0) == 100
    assert scaled(48, 65) == 765
    assert scaled(1, 2) == 550


def test_readiness_from_the_last_three_exams(open_store, clock):
    store = open_store(clock=clock, tz=UTC)
    exam(store, clock, NOW - timedelta(days=40), 65)  # too old
    exam(store, clock, NOW - timedelta(days=20), 30)  # 515: the fourth most recent, left out
    exam(store, clock, NOW - timedelta(days=9), 41)  # 668
    exam(store, clock, NOW - timedelta(days=5), 52)  # 820
    exam(store, clock, NOW - timedelta(days=2), 48)  # 765
    exam(store, clock, NOW - timedelta(days=1), 10, mode="topic")  # not an exam simulation
    clock.now = NOW - timedelta(hours=1)
    store.start_session("exam", [])  # started, never finished
    answers(store, clock, "s3", "0" * 30)  # answers do not matter when there are exams

    ready = board(store, clock).readiness

    assert (ready.basis, ready.score, ready.passed, ready.verdict) == ("exams", 751, True, "likely pass")
    assert [(e.date, e.scaled) for e in ready.exams] == [("2026-11-25", 765), ("2026-11-22", 820), ("2026-11-18", 668)]
    assert ready.explanation == (
        "The mean scaled score of your last 3 exam simulations (2026-11-25: 765, 2026-11-22: 820, "
        "2026-11-18: 668), in the last 30 days; each is 100 + 900 x correct / questions."
    )


def test_readiness_from_one_exam_can_fail(open_store, clock):
    store = open_store(clock=clock, tz=UTC)
    exam(store, clock, NOW - timedelta(days=3), 40)  # 654
    ready = board(store, clock).readiness
    assert (ready.score, ready.passed, ready.verdict) == (654, False, "likely fail")
    assert ready.explanation.startswith("The scaled score of your last exam simulation (2026-11-24: 654)")


def test_readiness_from_answers(open_store, clock):
    store = open_store(clock=clock, tz=UTC)
    answers(store, clock, "dynamodb", "1" * 9 + "0")  # 90% on 4 entries
    answers(store, clock, "s3", "1" * 6 + "0" * 4)  # 60% on 2 entries
    exam(store, clock, NOW - timedelta(days=45), 65)  # too old to count

    ready = board(store, clock).readiness

    # p = (4 x 0.9 + 2 x 0.6) / 6 = 0.8; coverage = 6 of 10 entries; 100 + 900 x 0.8 x 0.6 = 532
    assert (ready.basis, ready.score, ready.passed) == ("answers", 532, False)
    assert (ready.accuracy, ready.coverage, ready.answers) == (80.0, 60.0, 20)
    assert "20 answers of the last 30 days: 80% correct over 2 of 3 topics" in ready.explanation
    assert "coverage 60%" in ready.explanation
    assert "100 + 900 x 0.80 x 0.60 = 532" in ready.explanation


def test_readiness_from_answers_weighs_the_exam_domains(open_store, clock):
    store = open_store(clock=clock, tz=UTC)
    answers(store, clock, "dynamodb", "1" * 20)  # domain 1: 100% of 20
    answers(store, clock, "kms", "1" * 5 + "0" * 5)  # domain 2: 50% of 10
    answers(store, clock, "vpc", "0" * 5)  # outside the blueprint: not weighed
    domains = {f"dynamodb/q/{n}": 1 for n in range(20)} | {f"kms/q/{n}": 2 for n in range(10)}
    weights = {1: 32.0, 2: 26.0, 3: 24.0, 4: 18.0}

    ready = board(store, clock, domains=domains, weights=weights).readiness

    # p = (32 x 1.0 + 26 x 0.5) / 58 = 0.776; coverage = 58 of 100; 100 + 900 x 0.776 x 0.58 = 505
    assert (ready.basis, ready.score, ready.passed) == ("answers", 505, False)
    assert (ready.accuracy, ready.coverage) == (77.6, 58.0)
    assert [(d.domain, d.answers, d.accuracy) for d in ready.domains] == [
        (1, 20, 100.0),
        (2, 10, 50.0),
        (3, 0, None),
        (4, 0, None),
    ]
    assert "domain 3 (24%): not practised" in ready.explanation
    assert "100 + 900 x 0.78 x 0.58 = 505" in ready.explanation


def test_readiness_needs_enough_data(open_store, clock):
    store = open_store(clock=clock, tz=UTC)
    answers(store, clock, "s3", "1" * 19)
    exam(store, clock, NOW - timedelta(days=31), 65)
    ready = board(store, clock).readiness
    assert (ready.score, ready.passed, ready.basis, ready.verdict) == (None, None, "none", "not enough data")
    assert ready.explanation.startswith(
        "Not enough data: no exam simulation finished in the last 30 days and 19 answers"
    )
    answers(store, clock, "s3", "1")
    assert board(store, clock).readiness.basis == "answers"


def test_a_shorter_window(open_store, clock):
    store = open_store(clock=clock, tz=UTC)
    answers(store, clock, "s3", "1", at=NOW - timedelta(days=7))
    answers(store, clock, "s3", "0", at=NOW - timedelta(days=6))
    data = board(store, clock, days=7)
    assert len(data.activity) == 7
    assert data.topics[1].recent_attempts == 1
    assert "in 7 days" in data.weakest[0].reason
    with pytest.raises(ValueError, match="days must be at least 1"):
        board(store, clock, days=0)


def test_no_textual_and_no_lessons():
    code = "import sys, progress.dashboard; bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'tui', 'lessons')]; assert not bad, bad"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
