"""Fresh across processes (issue 12 item 6): two stores on one data folder.

``fingerprint()`` says, from stats alone, whether anything changed since the
last look; the readers then return what the other store wrote.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from progress import files, storage
from progress.dashboard import dashboard
from progress.scheduler import AGAIN, GOOD, Scheduler
from progress.stats import summarize
from progress.store import ProgressStore

TOPICS = [("s3", 7, "Amazon S3", ["s3/a", "s3/b"]), ("ec2", 2, "EC2", ["ec2/a"])]


def read_everything(store: ProgressStore) -> None:
    scheduler = Scheduler(store, fuzz=False)
    summarize(store, [(t, title, entries) for t, _, title, entries in TOPICS])
    dashboard(store, scheduler, TOPICS)
    for read in (scheduler.due_now, scheduler.next_due, store.latest_marks, store.settings, store.position):
        read()
    store.export()


WRITES: list[tuple[str, Callable[[ProgressStore], Any]]] = [
    ("an answer", lambda s: s.record_attempt("s3/q/1", answer="a", correct=True, seconds=1, mode="quiz")),
    ("a second answer", lambda s: s.record_attempt("s3/q/2", answer="a", correct=False, seconds=1, mode="quiz")),
    ("an answer in a new segment", lambda s: s.record_attempt("s3/q/3", answer="b", correct=True, seconds=1, mode="quiz")),
    ("a mark", lambda s: s.mark_entry("s3/a", "got")),
    ("a mark in the same segment", lambda s: s.mark_entry("s3/b", "again")),
    ("a mark in a new segment", lambda s: s.mark_entry("ec2/a", "got")),
    ("a card of a new topic", lambda s: s.save_card("ec2/a", {"due": "2026-01-01T00:00:00+00:00"})),
    ("a card of the same topic", lambda s: s.save_card("ec2/b", {"due": "2026-01-01T00:00:00+00:00"})),
    ("a rating", lambda s: Scheduler(s, fuzz=False).rate("ec2/a", AGAIN)),
    ("a setting", lambda s: s.set_setting("theme", "dark")),
    ("an entry seen", lambda s: s.mark_seen("s3/a")),
    ("the position", lambda s: s.save_position("s3", "s3/b")),
    ("a quiz started", lambda s: s.start_session("quiz", ["s3"])),
    ("a quiz finished", lambda s: s.finish_session(s.sessions()[0].id, 3, 4)),
    (
        "an import",
        lambda s: s.import_data(
            {"format": "awstutor-progress", "schema": 2, "marks": [{"id": "i1", "at": "2026-11-01T00:00:00Z", "entry": "s3/c", "mark": "got"}]}
        ),
    ),
    ("a topic reset", lambda s: s.reset("ec2")),
    ("everything reset", lambda s: s.reset()),
    ("an answer after the reset", lambda s: s.record_attempt("s3/q/1", answer="a", correct=True, seconds=1, mode="quiz")),
]  # fmt: skip


def test_the_fingerprint_changes_with_every_write_of_another_store_and_only_then(open_store, clock):
    mine, theirs = open_store(segment_size=2, clock=clock), open_store(segment_size=2, clock=clock)
    seen = mine.fingerprint()
    read_everything(mine)
    assert mine.fingerprint() == seen  # reading changes nothing
    for what, write in WRITES:
        clock.advance(seconds=1)
        write(theirs)
        now = mine.fingerprint()
        assert now != seen, what
        assert mine.fingerprint() == now, what  # and it stays put while nothing happens
        read_everything(mine)
        assert mine.fingerprint() == now, what
        seen = now


def test_the_fingerprint_reads_no_file(open_store, monkeypatch):
    store = open_store()
    store.save_card("s3/a", {"due": "2026-01-01T00:00:00+00:00"})
    store.record_attempt("s3/q/1", answer="a", correct=True, seconds=1, mode="quiz")

    def no_reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("a file was read")

    monkeypatch.setattr(storage, "read_json_file", no_reading)
    monkeypatch.setattr(files, "read_bytes", no_reading)
    monkeypatch.setattr("os.open", no_reading)
    assert store.fingerprint() == store.fingerprint()


def test_readers_return_what_another_store_wrote(open_store, clock):
    mine, theirs = open_store(clock=clock), open_store(clock=clock)
    scheduler = Scheduler(mine, clock=clock, fuzz=False)
    assert mine.latest_marks() == {}
    assert scheduler.due_now() == []
    assert summarize(mine, [])["totals"]["attempts"] == 0

    their_scheduler = Scheduler(theirs, clock=clock, fuzz=False)
    theirs.mark_entry("s3/a", "again")
    their_scheduler.rate_mark("s3/a", "again")  # due again in 10 minutes
    theirs.mark_entry("s3/b", "got")
    their_scheduler.rate_mark("s3/b", "got")
    for correct in (True, False, True):
        theirs.record_attempt("s3/q/1", answer="a", correct=correct, seconds=3, mode="quiz")
    session = theirs.start_session("exam", [])
    theirs.finish_session(session, 50, 65)

    assert mine.latest_marks() == {"s3/a": "again", "s3/b": "got"}  # marks
    assert mine.learned_entries() == {"s3/b"}
    totals = summarize(mine, [("s3", "Amazon S3", ["s3/a", "s3/b"])])["totals"]
    assert (totals["attempts"], totals["correct"], totals["learned"]) == (3, 2, 1)  # stats
    board = dashboard(mine, scheduler, TOPICS)
    assert board.topics[0].attempts == 3
    assert board.readiness.basis == "exams"
    assert scheduler.due_now() == []  # due cards: not yet
    clock.advance(minutes=10)  # a card falls due while the app is open: no file changed, the reader sees it
    assert scheduler.due_now() == ["s3/a"]
    assert mine.fingerprint() == mine.fingerprint()

    their_scheduler.rate("s3/a", GOOD)
    assert scheduler.due_now() == []  # their review, seen at once
    theirs.set_setting("theme", "light")
    assert mine.get_setting("theme") == "light"
    theirs.reset("s3")
    assert mine.latest_marks() == {}
    assert mine.attempt_count() == 0
    assert mine.cards() == {}


@pytest.mark.parametrize("segment_size", [1, 3])
def test_the_fingerprint_follows_segments_another_store_opened(segment_size, open_store, clock):
    mine, theirs = (
        open_store(segment_size=segment_size, clock=clock),
        open_store(segment_size=segment_size, clock=clock),
    )
    mine.record_attempt("s3/q/0", answer="a", correct=True, seconds=1, mode="quiz")
    seen = mine.fingerprint()
    for i in range(1, 8):
        theirs.record_attempt(f"s3/q/{i}", answer="a", correct=True, seconds=1, mode="quiz")
        now = mine.fingerprint()
        assert now != seen, i
        seen = now
    assert mine.attempt_count() == 8
    assert mine.fingerprint() == seen  # the fold it just cached is not a change
