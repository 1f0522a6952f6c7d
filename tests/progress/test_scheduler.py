"""Spaced repetition on a fake clock: FSRS for days, our queue for the session."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from progress.scheduler import (
    AGAIN,
    EASY,
    GOOD,
    HARD,
    LEARNING_STEP,
    ReviewQueue,
    Scheduler,
    rating_for_answer,
    rating_for_mark,
)
from progress.schema import parse_time


@pytest.fixture
def sched(open_store, clock):
    store = open_store(clock=clock, tz=UTC)
    return Scheduler(store, fuzz=False)


def test_good_comes_back_later_than_again(sched, clock) -> None:
    good = sched.rate("dynamodb/rcu", GOOD)
    again = sched.rate("dynamodb/wcu", AGAIN)
    assert parse_time(good["due"]) > parse_time(again["due"]) >= clock.now
    # Good goes to the long term (at least a day out); Again comes back in minutes.
    assert parse_time(good["due"]) - clock.now >= timedelta(days=1)
    assert parse_time(again["due"]) - clock.now == LEARNING_STEP == timedelta(minutes=10)
    # And a second Good pushes it further than the first interval.
    clock.advance(days=(parse_time(good["due"]) - clock.now).days + 1)
    first_interval = parse_time(good["due"]) - parse_time(sched.store.card("dynamodb/rcu")["fsrs"]["last_review"])
    second = sched.rate("dynamodb/rcu", GOOD)
    assert parse_time(second["due"]) - clock.now > first_interval


def test_again_comes_back_in_the_same_session_and_the_due_list_offers_it(sched, clock) -> None:
    """Issue 12 item 5: marking an entry "again" then pressing r said "nothing due, next in 23 h"."""
    sched.rate_mark("s3/versioning", "again")  # a new card
    assert sched.due_now() == []
    assert sched.next_due() == clock.now + timedelta(minutes=10)
    clock.advance(minutes=9, seconds=59)
    assert sched.due_now() == []
    clock.advance(seconds=1)
    assert sched.due_now() == ["s3/versioning"]  # the due list offers it when it is due
    state = sched.rate("s3/versioning", GOOD)  # learned this time: now the long term
    assert parse_time(state["due"]) - clock.now >= timedelta(days=1)
    assert state["reviews"] == 2
    assert state["lapses"] == 1


def test_a_known_card_rated_again_relearns_in_minutes_then_goes_back_to_days(sched, clock) -> None:
    first = sched.rate("s3/lifecycle", GOOD)
    clock.now = parse_time(first["due"])  # due: reviewed, and forgotten
    lapse = sched.rate("s3/lifecycle", AGAIN)
    assert parse_time(lapse["due"]) - clock.now == timedelta(minutes=10)
    assert lapse["lapses"] == 1
    clock.advance(minutes=10)
    assert sched.due_now() == ["s3/lifecycle"]
    again = sched.rate("s3/lifecycle", GOOD)
    assert parse_time(again["due"]) - clock.now >= timedelta(days=1)


def test_hard_on_a_new_card_is_soon_too_and_easy_is_long_term(sched, clock) -> None:
    hard = sched.rate("s3/a", HARD)
    easy = sched.rate("s3/b", EASY)
    assert parse_time(hard["due"]) - clock.now == timedelta(minutes=15)
    assert parse_time(easy["due"]) - clock.now >= timedelta(days=1)


def test_cards_rated_before_learning_steps_keep_their_schedule(sched, clock) -> None:
    """A card reviewed by the earlier scheduler (no steps: straight to Review) goes on in days."""
    from fsrs import Card, Rating
    from fsrs import Scheduler as FSRS

    old = FSRS(learning_steps=(), relearning_steps=(), enable_fuzzing=False)
    card, _ = old.review_card(Card(card_id=7), Rating.Good, review_datetime=clock.now)
    sched.store.save_card("s3/old", {"due": card.due.isoformat(), "fsrs": card.to_dict(), "reviews": 1})
    clock.now = card.due
    state = sched.rate("s3/old", GOOD)
    assert parse_time(state["due"]) - clock.now >= timedelta(days=2)
    assert state["reviews"] == 2


def test_easy_is_later_than_good_is_later_than_hard(sched) -> None:
    dues = {r: parse_time(sched.rate(f"s3/card-{r}", r)["due"]) for r in (HARD, GOOD, EASY)}
    assert dues[HARD] <= dues[GOOD] <= dues[EASY]
    assert dues[HARD] < dues[EASY]


def test_due_counts_drop_after_a_review(sched, clock) -> None:
    for card in ("dynamodb/rcu", "dynamodb/wcu", "s3/s3-bucket"):
        sched.rate(card, GOOD)
    assert sched.due_now() == []
    clock.advance(days=400)
    assert sorted(sched.due_now()) == ["dynamodb/rcu", "dynamodb/wcu", "s3/s3-bucket"]
    assert sched.due_by_topic() == {"dynamodb": 2, "s3": 1}
    sched.rate("dynamodb/rcu", GOOD)
    assert sched.due_by_topic() == {"dynamodb": 1, "s3": 1}
    assert "dynamodb/rcu" not in sched.due_now()
    assert sched.due_now(topics=["s3"]) == ["s3/s3-bucket"]


def test_state_is_on_disk_and_in_utc(sched, open_store, data_dir, clock) -> None:
    sched.rate("lambda/cold-start", AGAIN, seconds=4.2)
    reopened = open_store(clock=clock)
    state = reopened.card("lambda/cold-start")
    assert state["last_rating"] == "again"
    assert state["lapses"] == 1
    assert state["reviews"] == 1
    assert parse_time(state["due"]).utcoffset() == timedelta(0)


def test_next_due_and_forecast(sched, clock) -> None:
    assert sched.next_due() is None
    sched.rate("s3/a", GOOD)
    sched.rate("s3/b", AGAIN)
    nxt = sched.next_due()
    assert nxt is not None
    assert nxt > clock.now
    today = clock.now.date()
    forecast = sched.forecast(7, today, tz=UTC)
    assert [d for d, _ in forecast] == [today + timedelta(days=n) for n in range(7)]
    assert sum(n for _, n in forecast) >= 1


def test_naive_clock_is_refused(open_store) -> None:
    store = open_store()
    scheduler = Scheduler(store, clock=lambda: datetime(2026, 1, 1), fuzz=False)
    with pytest.raises(ValueError, match="timezone-aware"):
        scheduler.rate("s3/a", GOOD)


@pytest.mark.parametrize(
    ("correct", "seconds", "qtype", "rating"),
    [
        (False, 2, "single", AGAIN),
        (False, None, "typed", AGAIN),
        (True, 3, "single", EASY),
        (True, 15, "single", GOOD),
        (True, 31, "single", HARD),
        (True, 5, "truefalse", EASY),
        (True, 6, "truefalse", GOOD),
        (True, 60, "numeric", GOOD),
        (True, 95, "numeric", HARD),
        (True, None, "multi", GOOD),
    ],
)
def test_answer_ratings(correct, seconds, qtype, rating) -> None:
    assert rating_for_answer(correct, seconds, qtype) == rating


def test_mark_ratings() -> None:
    assert rating_for_mark("got") == GOOD
    assert rating_for_mark("again") == AGAIN


def test_review_queue_brings_failed_cards_back_in_the_session() -> None:
    queue = ReviewQueue(["a", "b", "c", "d", "e"], gap=2)
    assert queue.current == "a"
    queue.answer(AGAIN)  # a comes back after two others
    assert queue.cards == ["b", "c", "a", "d", "e"]
    queue.answer(GOOD)
    queue.answer(GOOD)
    assert queue.current == "a"
    queue.answer(AGAIN)  # failed again: back once more
    assert queue.failed == {"a": 2}
    order = []
    while queue.current is not None:
        order.append(queue.current)
        queue.answer(GOOD)
    assert order == ["d", "e", "a"]
    assert queue.remaining == 0
    assert sorted(queue.done) == ["a", "b", "c", "d", "e"]


def test_streak_survives_midnight_and_breaks_after_a_missed_day(open_store) -> None:
    tz = timezone(timedelta(hours=2))  # the learner's local time
    now = [datetime(2026, 3, 1, 21, 50, tzinfo=UTC)]  # 23:50 local, 1 March
    store = open_store(clock=lambda: now[0], tz=tz)
    scheduler = Scheduler(store, clock=lambda: now[0], fuzz=False)
    store.mark_entry("s3/s3-bucket", "got")
    scheduler.rate_mark("s3/s3-bucket", "got")
    now[0] = datetime(2026, 3, 1, 22, 10, tzinfo=UTC)  # 00:10 local, 2 March: a new local day
    store.record_attempt("s3/q/x", answer="a", correct=True, seconds=3.0, mode="topic")
    assert store.today() == date(2026, 3, 2)
    assert store.streak_days() == 2
    now[0] = datetime(2026, 3, 3, 20, 0, tzinfo=UTC)  # 22:00 local, 3 March: nothing yet today
    assert store.streak_days() == 2
    now[0] = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)  # 4 March: 3 March was missed
    assert store.streak_days() == 0
