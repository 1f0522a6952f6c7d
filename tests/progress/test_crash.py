"""Killed writers and two writers at once (requirements 4 and 5), with real processes."""

from __future__ import annotations

import json
import random
import signal
import time

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


def test_a_killed_migration_is_finished_by_the_next_open(data_dir, spawn_writer):
    from tinydb import TinyDB

    data_dir.mkdir(parents=True)
    v1 = TinyDB(data_dir / "progress.json")  # schema 1: one plain TinyDB file
    v1.table("meta").insert({"schema": 1})
    v1.table("attempts").insert_multiple(
        {
            "id": f"a{i}",
            "at": f"2026-10-{1 + i % 28:02d}T10:00:00+00:00",
            "question": f"s3/q/{i % 40}",
            "answer": "B",
            "correct": i % 3 == 0,
            "seconds": 4.0,
            "mode": "quiz",
            "session": None,
        }
        for i in range(6000)
    )
    v1.close()
    rng = random.Random(7)
    for _ in range(5):
        child = spawn_writer(data_dir, "open", 50)
        time.sleep(rng.uniform(0.05, 0.5))
        child.kill()
        child.communicate(timeout=30)
    store = ProgressStore.open(data_dir, segment_size=50)
    try:
        ids = [a.id for a in store.attempts()]
        assert sorted(ids) == sorted(f"a{i}" for i in range(6000))
        assert store.question_stats()["s3/q/0"].attempts == 150
        assert not any("moved it" in n for n in store.notices)
    finally:
        store.close()
    assert json.loads((data_dir / "progress.json").read_text())["meta"]["1"]["schema"] == 2


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


def test_a_killed_v2_cards_migration_is_finished_by_the_next_open(data_dir, spawn_writer):
    data_dir.mkdir(parents=True)
    (data_dir / "progress.json").write_text(json.dumps({"meta": {"1": {"schema": 2, "kind": "main"}}}))
    cards = {f"t{i % 500}/q/{i}": {"due": "2026-11-01T00:00:00+00:00", "n": i} for i in range(4000)}
    docs = {str(i): {"card": card, "state": state} for i, (card, state) in enumerate(cards.items(), start=1)}
    raw = json.dumps({"meta": {"1": {"schema": 2, "kind": "cards"}}, "cards": docs}).encode()
    (data_dir / "cards.json").write_bytes(raw)
    rng = random.Random(11)
    interrupted = 0
    for round_number in range(4):
        child = spawn_writer(data_dir, "open", 50)
        deadline = time.monotonic() + 30
        while child.poll() is None and time.monotonic() < deadline and not any((data_dir / "cards").glob("*.json")):
            time.sleep(0.002)  # until the migration has written its first shard
        time.sleep(rng.uniform(0, 0.02 if round_number == 0 else 0.2))
        child.kill()
        child.communicate(timeout=30)
        interrupted += (data_dir / "cards.json").exists()
    assert interrupted >= 1, "no kill landed during the migration: the test proved little"

    store = ProgressStore.open(data_dir, segment_size=50)
    try:
        assert store.cards() == cards
        assert not any("moved it" in n for n in store.notices)
    finally:
        store.close()
    assert not (data_dir / "cards.json").exists()
    assert [p.read_bytes() for p in data_dir.glob("cards.schema-v2-backup*.json")] == [raw]
    assert len(list((data_dir / "cards").glob("*.json"))) == 500
