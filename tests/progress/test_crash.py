"""Killed writers and several writers at once (requirements 4 and 5), with real processes."""

from __future__ import annotations

import json
import random
import signal
import time

import pytest

from progress.store import ProgressStore


def parse(output: str) -> dict[str, list]:
    """What the writer said it had stored; an unfinished last line (killed mid-print) is dropped."""
    done: dict[str, list] = {"A": [], "M": [], "C": [], "S": []}
    lines = output.split("\n")
    for line in lines[:-1]:  # the part after the last newline was never finished
        kind, *rest = line.split(" ")
        if kind in done:
            done[kind].append(rest)
    return done


def check_everything_reported_is_there(store: ProgressStore, reported: dict[str, list]) -> None:
    ids = [a.id for a in store.attempts()]
    assert len(ids) == len(set(ids)), "an attempt was stored twice"
    missing = {rest[0] for rest in reported["A"]} - set(ids)
    assert not missing, f"{len(missing)} returned attempts are missing"
    learned = store.learned_entries()
    assert {rest[0] for rest in reported["M"]} <= learned
    cards = store.cards()
    final_cards: dict[str, int] = {}
    for card, n in reported["C"]:
        final_cards[card] = int(n)
    for card, n in final_cards.items():
        # At least the last value whose call returned (a later call may have finished unreported).
        assert cards[card]["n"] >= n, card
    settings = store.settings()
    final_settings: dict[str, int] = {}
    for key, n in reported["S"]:
        final_settings[key] = int(n)
    for key, n in final_settings.items():
        assert settings[key] >= n, key


def test_kill_at_random_moments_loses_nothing_that_was_returned(data_dir, spawn_writer):
    rng = random.Random(20261127)
    reported: dict[str, list] = {"A": [], "M": [], "C": [], "S": []}
    kills = 30
    for round_number in range(kills):
        child = spawn_writer(data_dir, "loop", 9)  # tiny segments: kills land on segment changes too
        time.sleep(rng.uniform(0.05, 0.6))
        sent = signal.SIGHUP if round_number % 3 == 2 else signal.SIGKILL
        child.send_signal(sent)
        out, err = child.communicate(timeout=30)
        assert child.returncode == -sent, err
        for kind, items in parse(out).items():
            reported[kind].extend(items)

        store = ProgressStore.open(data_dir, segment_size=9)
        try:
            assert store.notices == [], store.notices  # no file was ever broken
            check_everything_reported_is_there(store, reported)
            assert list(data_dir.rglob("*.tmp")) == []  # a killed writer's temp file is cleaned up on open
            for path in store.files():
                json.loads(path.read_text())  # every file is whole JSON
        finally:
            store.close()
    assert len(reported["A"]) > 100, "the writer hardly ran: the test proved little"


def test_two_processes_keep_every_answer(data_dir, spawn_writer, tmp_path):
    go = tmp_path / "go"
    children = [spawn_writer(data_dir, "count", 37, 500, go) for _ in range(2)]
    for child in children:
        assert child.stdout.readline().strip() == "ready"
    go.touch()  # both start at once
    reported: dict[str, list] = {"A": [], "M": [], "C": [], "S": []}
    for child in children:
        out, err = child.communicate(timeout=180)
        assert child.returncode == 0, err
        for kind, items in parse(out).items():
            reported[kind].extend(items)
    assert len(reported["A"]) == 1000

    store = ProgressStore.open(data_dir, segment_size=37)
    try:
        assert store.notices == []
        assert store.attempt_count() == 1000
        check_everything_reported_is_there(store, reported)
        assert sum(s.attempts for s in store.question_stats().values()) == 1000
        segments = sorted(p.name for p in (data_dir / "attempts").glob("0*.json"))
        assert len(segments) == -(-1000 // 37)  # every segment filled to the brim, none skipped
    finally:
        store.close()


def test_two_processes_saving_cards_of_one_topic_keep_both(data_dir, spawn_writer, tmp_path):
    go = tmp_path / "go"
    children = [spawn_writer(data_dir, "cards", 37, 100, go) for _ in range(2)]
    for child in children:
        assert child.stdout.readline().strip() == "ready"
    go.touch()
    reported: dict[str, list] = {"A": [], "M": [], "C": [], "S": []}
    for child in children:
        out, err = child.communicate(timeout=180)
        assert child.returncode == 0, err
        for kind, items in parse(out).items():
            reported[kind].extend(items)
    assert len(reported["C"]) == 200

    store = ProgressStore.open(data_dir, segment_size=37)
    try:
        assert store.notices == []
        cards = store.cards()
        assert {card: state["n"] for card, state in cards.items() if card != "shared/both"} == {
            card: int(n) for card, n in reported["C"]
        }
        assert cards["shared/both"]["n"] == 99  # each writer's last save of it came after its 99th card
        assert [p.name for p in (data_dir / "cards").iterdir()] == ["shared.json"]
    finally:
        store.close()


@pytest.mark.parametrize(("processes", "each"), [(2, 100), (4, 50)])
def test_processes_rating_one_card_at_once_keep_every_review(processes, each, data_dir, spawn_writer, tmp_path):
    """Issue 13 item 3: the rating used to read the card outside the lock (2 x 200 kept 200 of 400)."""
    go = tmp_path / "go"
    children = [spawn_writer(data_dir, "rate", 37, each, go) for _ in range(processes)]
    for child in children:
        assert child.stdout.readline().strip() == "ready"
    go.touch()
    for child in children:
        _, err = child.communicate(timeout=180)
        assert child.returncode == 0, err

    with ProgressStore.open(data_dir) as store:
        state = store.card("shared/one")
        assert state is not None
        assert state["reviews"] == processes * each  # every review counted
        assert state["lapses"] == processes * len([i for i in range(each) if i % 3 == 0])
        assert store.get_setting("count") == processes * each  # and every read-modify-write of a setting
        assert store.notices == []
