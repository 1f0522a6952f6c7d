"""Learned, accuracy, due, streak and daily activity: the definitions, with a fake clock and timezone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from progress import activity
from progress.stats import summarize

TOPICS = [
    ("dynamodb", "DynamoDB", ["dynamodb/rcu", "dynamodb/wcu", "dynamodb/gsi"]),
    ("s3", "Amazon S3", ["s3/versioning", "s3/lifecycle"]),
]


def answer(store, question: str, correct: bool) -> None:
    store.record_attempt(question, answer="x", correct=correct, seconds=1, mode="quiz")


def test_summary_per_topic(open_store, clock):
    store = open_store(clock=clock)
    store.mark_entry("dynamodb/rcu", "got")
    store.mark_entry("dynamodb/wcu", "got")
    store.mark_entry("dynamodb/wcu", "again")  # latest mark "again": not learned
    store.mark_entry("dynamodb/gsi", "again")
    store.mark_entry("dynamodb/gsi", "got")
    store.mark_entry("dynamodb/removed-entry", "got")  # not in the course any more: not counted
    for correct in (True, True, False):
        answer(store, "dynamodb/q/optimistic-locking", correct)
    answer(store, "dynamodb/gen/abc123", True)
    answer(store, "s3/q/1", False)
    answer(store, "kinesis/q/1", True)  # a topic the course does not list
    store.save_card("dynamodb/rcu", {"due": "2026-11-27T19:02:11+00:00"})  # due now: counts
    store.save_card("dynamodb/q/optimistic-locking", {"due": "2026-11-20T00:00:00+00:00"})
    store.save_card("dynamodb/wcu", {"due": "2026-11-27T19:02:12+00:00"})  # a second from now
    store.save_card("s3/versioning", {"due": "2026-01-01T00:00:00+00:00"})

    data = summarize(store, TOPICS)

    dynamodb, s3, kinesis = data["topics"]
    assert dynamodb == {
        "id": "dynamodb",
        "title": "DynamoDB",
        "entries": 3,
        "learned": 2,
        "attempts": 4,
        "correct": 3,
        "accuracy": 75.0,
        "due": 2,
    }
    assert (s3["learned"], s3["attempts"], s3["correct"], s3["accuracy"], s3["due"]) == (0, 1, 0, 0.0, 1)
    assert kinesis["id"] == "kinesis"
    assert kinesis["unknown"]
    assert kinesis["attempts"] == 1
    assert data["totals"] == {
        "entries": 5,
        "learned": 2,
        "attempts": 6,
        "correct": 4,
        "due": 3,
        "accuracy": pytest.approx(66.7),
    }
    assert data["streak_days"] == 1


def test_summary_of_nothing(open_store):
    data = summarize(open_store(), TOPICS)
    assert [t["learned"] for t in data["topics"]] == [0, 0]
    assert data["totals"]["accuracy"] is None
    assert data["streak_days"] == 0


# ---------------------------------------------------------------- streak


@pytest.mark.parametrize(
    ("active", "expected"),
    [
        ([], 0),
        ([0], 1),
        ([0, 1, 2], 3),
        ([1, 2, 3], 3),  # nothing yet today: the streak ending yesterday still counts
        ([0, 2, 3], 1),  # a missed day breaks it
        ([2, 3, 4], 0),  # nothing today or yesterday
        ([0, 1, 3, 4, 5], 2),
    ],
)
def test_streak_definition(active, expected):
    today = date(2026, 11, 27)
    assert activity.streak({today - timedelta(days=d) for d in active}, today) == expected


def test_streak_counts_attempts_and_marks_on_local_days(open_store):
    tz = timezone(timedelta(hours=-8))  # the learner's local time: UTC-8
    now = [datetime(2026, 11, 27, 6, 30, tzinfo=UTC)]  # 26 Nov, 22:30 local
    store = open_store(clock=lambda: now[0], tz=tz)

    now[0] = datetime(2026, 11, 24, 20, 0, tzinfo=UTC)  # 24 Nov local
    answer(store, "s3/q/1", True)
    now[0] = datetime(2026, 11, 26, 7, 59, tzinfo=UTC)  # 25 Nov 23:59 local (26 Nov in UTC)
    store.mark_entry("s3/versioning", "got")
    now[0] = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)  # 26 Nov 00:00 local
    answer(store, "s3/q/2", False)

    now[0] = datetime(2026, 11, 27, 6, 30, tzinfo=UTC)  # 26 Nov 22:30 local: today has activity
    assert store.today() == date(2026, 11, 26)
    assert store.streak_days() == 3
    now[0] = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)  # 27 Nov 01:00 local: nothing yet today
    assert store.streak_days() == 3
    now[0] = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)  # 28 Nov local: yesterday was missed
    assert store.streak_days() == 0


def test_quarter_hour_time_zones(open_store):
    """Offsets like +05:30 and +05:45 move the day boundary off the hour."""
    now = [datetime(2026, 11, 26, 18, 20, tzinfo=UTC)]  # 23:50 in +05:30, 00:05 (27 Nov) in +05:45
    india = open_store(clock=lambda: now[0], tz=timezone(timedelta(hours=5, minutes=30)))
    answer(india, "s3/q/1", True)
    nepal = open_store(clock=lambda: now[0], tz=timezone(timedelta(hours=5, minutes=45)))
    assert india.daily_activity(2)[-2:] == [(date(2026, 11, 25), 0, 0, 0), (date(2026, 11, 26), 1, 1, 0)]
    assert nepal.daily_activity(2) == [(date(2026, 11, 26), 0, 0, 0), (date(2026, 11, 27), 1, 1, 0)]


def test_daylight_saving_days(open_store):
    zoneinfo = pytest.importorskip("zoneinfo")
    try:
        tz = zoneinfo.ZoneInfo("America/New_York")
    except zoneinfo.ZoneInfoNotFoundError:
        pytest.skip("no timezone database")
    now = [datetime(2026, 11, 1, 4, 30, tzinfo=UTC)]  # 1 Nov 00:30 EDT (UTC-4)
    store = open_store(clock=lambda: now[0], tz=tz)
    answer(store, "s3/q/1", True)
    now[0] = datetime(2026, 11, 2, 4, 30, tzinfo=UTC)  # 1 Nov 23:30 EST (UTC-5), after the change
    answer(store, "s3/q/1", False)
    assert store.daily_activity(1) == [(date(2026, 11, 1), 2, 1, 0)]


def test_daily_activity_rows(open_store, clock):
    tz = UTC
    store = open_store(clock=clock, tz=tz)
    answer(store, "s3/q/1", True)
    answer(store, "s3/q/2", False)
    store.mark_entry("s3/versioning", "got")
    store.mark_entry("s3/versioning", "again")
    clock.advance(days=2)
    answer(store, "s3/q/1", True)
    rows = store.daily_activity(4)
    assert rows == [
        (date(2026, 11, 26), 0, 0, 0),
        (date(2026, 11, 27), 2, 1, 2),
        (date(2026, 11, 28), 0, 0, 0),
        (date(2026, 11, 29), 1, 1, 0),
    ]
    assert store.streak_days() == 1
