"""Scheduler cards: one file per topic (schema 3), and the migration from schema 2's ``cards.json``."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from progress import schema
from progress.store import ProgressStore


def state(day: int, reviewed: int | None = None, **extra: object) -> dict:
    """A card state due on ``2026-11-<day>``, last reviewed on ``2026-10-<reviewed>`` (FSRS's field)."""
    out: dict = {"due": f"2026-11-{day:02d}T00:00:00+00:00", **extra}
    if reviewed is not None:
        out["fsrs"] = {"last_review": f"2026-10-{reviewed:02d}T12:00:00+00:00"}
    return out


def shard_names(data_dir: Path) -> list[str]:
    return sorted(p.name for p in (data_dir / "cards").iterdir() if schema.SHARD.match(p.name))


# ---------------------------------------------------------------- one file per topic


def test_each_topic_has_its_own_file_created_with_its_first_card(open_store, data_dir):
    store = open_store()
    assert shard_names(data_dir) == []  # lazily: no card, no file
    store.save_card("s3/versioning", state(1))
    store.save_card("s3/q/lifecycle", state(2))
    store.save_card("dynamodb/rcu", state(3))
    store.save_card("dynamodb", state(4))  # an id that is only a topic
    assert shard_names(data_dir) == ["dynamodb.json", "s3.json"]
    assert not (data_dir / "cards.json").exists()
    s3 = json.loads((data_dir / "cards" / "s3.json").read_text())
    assert s3["meta"]["1"] == {"schema": 3, "kind": "cards"}
    assert sorted(d["card"] for d in s3["cards"].values()) == ["s3/q/lifecycle", "s3/versioning"]
    assert [p.relative_to(data_dir).as_posix() for p in store.files()] == ["cards/dynamodb.json", "cards/s3.json"]
    store.close()

    again = open_store()
    assert again.notices == []
    assert again.cards() == {
        "s3/versioning": state(1),
        "s3/q/lifecycle": state(2),
        "dynamodb/rcu": state(3),
        "dynamodb": state(4),
    }


def test_saving_a_card_rewrites_only_its_topic_file(open_store, data_dir):
    store = open_store()
    for topic in ("s3", "ec2", "iam"):
        for i in range(30):
            store.save_card(f"{topic}/q/{i}", state(1 + i % 20))
    before = {name: os.stat(data_dir / "cards" / name) for name in shard_names(data_dir)}
    store.save_card("ec2/q/3", state(28))
    after = {name: os.stat(data_dir / "cards" / name) for name in shard_names(data_dir)}
    changed = [
        n for n in before if (before[n].st_ino, before[n].st_mtime_ns) != (after[n].st_ino, after[n].st_mtime_ns)
    ]
    assert changed == ["ec2.json"]
    assert store.card("ec2/q/3") == state(28) and len(store.cards()) == 90


@pytest.mark.parametrize(
    "card_id",
    [
        "Weird Topic/q/1",
        "../../escape/q/1",
        "..",
        "con/q/1",  # a name Windows reserves
        "-dash/q/1",
        "a" * 80 + "/q/1",
        "ünïcode/q/1",
        "s3.old/q/1",
        "_0123456789abcdef/q/1",
        "back\\slash/q",
    ],
)
def test_topics_that_are_not_slugs_get_a_safe_file_name(card_id, open_store, data_dir):
    store = open_store()
    store.save_card(card_id, state(1))
    store.save_card("s3/a", state(2))
    (odd,) = [n for n in shard_names(data_dir) if n != "s3.json"]
    assert odd.startswith("_") and len(odd) == len("_0123456789abcdef.json")
    assert sorted(p.name for p in data_dir.rglob("*.json")) == sorted([odd, "s3.json"])  # nothing outside cards/
    store.close()
    again = open_store()
    assert again.notices == []
    assert again.cards() == {card_id: state(1), "s3/a": state(2)}
    assert again.reset(card_id)["cards"] == 1
    assert again.cards() == {"s3/a": state(2)}


def test_shard_names():
    assert schema.shard_name("s3") == "s3.json"
    assert schema.shard_name("step-functions") == "step-functions.json"
    assert schema.card_shard("step-functions/q/x") == "step-functions.json"
    hashed = {schema.shard_name(t) for t in ("S3", "s3 ", "nul", "lpt1", "", "a/b", "x" * 65)}
    assert len(hashed) == 7 and all(schema.SHARD.match(n) and n.startswith("_") for n in hashed)
    assert schema.shard_name("x" * 64) == "x" * 64 + ".json"


def test_cards_another_store_adds_are_seen_in_new_and_known_shards(open_store):
    one, two = open_store(), open_store()
    one.save_card("s3/a", state(1))
    two.save_card("s3/b", state(2))  # a shard two had not read yet
    one.save_card("ec2/a", state(3))  # a shard two never heard of
    assert two.cards() == one.cards() == {"s3/a": state(1), "s3/b": state(2), "ec2/a": state(3)}
    assert two.card("ec2/a") == state(3)
    assert sorted(two.due_cards(two.now().replace(year=2027))) == ["ec2/a", "s3/a", "s3/b"]
    two.save_card("ec2/a", state(4))
    assert one.card("ec2/a") == state(4)


def test_reset_of_cards_by_topic_prefix_and_all(open_store, data_dir):
    store = open_store()
    for card in ("s3/a", "s3/q/1", "s3/q/2", "s3-extra/x", "dynamodb/rcu", "dynamodb/q/1"):
        store.save_card(card, state(1))
    assert store.reset("s3")["cards"] == 3
    assert sorted(store.cards()) == ["dynamodb/q/1", "dynamodb/rcu", "s3-extra/x"]
    assert store.reset("dynamodb/q")["cards"] == 1
    assert sorted(store.cards()) == ["dynamodb/rcu", "s3-extra/x"]
    assert store.reset("nothing")["cards"] == 0
    assert store.reset()["cards"] == 2
    assert store.cards() == {} and shard_names(data_dir) == []
    store.save_card("s3/a", state(2))
    assert store.cards() == {"s3/a": state(2)}


def test_a_reset_in_another_store_is_seen(open_store):
    one, two = open_store(), open_store()
    one.save_card("s3/a", state(1))
    assert two.card("s3/a") == state(1)
    one.reset()
    assert two.card("s3/a") is None and two.cards() == {}
    two.save_card("s3/b", state(2))
    assert one.cards() == {"s3/b": state(2)}


def test_export_keeps_one_flat_cards_mapping_and_import_fills_the_shards(open_store, tmp_path):
    store = open_store()
    store.save_card("s3/a", state(1, 3))
    store.save_card("ec2/b", state(2))
    exported = store.export()
    assert exported["schema"] == 2  # the export's shape did not change with schema 3
    assert exported["cards"] == {"s3/a": state(1, 3), "ec2/b": state(2)}
    copy = open_store(path=tmp_path / "copy")
    result = copy.import_data(json.loads(json.dumps(exported)))
    assert result.added["cards"] == 2
    assert copy.cards() == store.cards()
    assert shard_names(tmp_path / "copy") == ["ec2.json", "s3.json"]
    assert copy.import_data(exported).added["cards"] == 0
    as_3 = {"format": "awstutor-progress", "schema": 3, "cards": {"iam/x": state(5)}}
    assert copy.import_data(as_3).added["cards"] == 1 and copy.card("iam/x") == state(5)


# ---------------------------------------------------------------- migration from schema 2


def write_v2(data_dir: Path, cards: dict[str, dict]) -> bytes:
    """A schema-2 folder: progress.json, cards.json (every card), one attempts and one marks segment."""
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "attempts").mkdir(exist_ok=True)
    (data_dir / "marks").mkdir(exist_ok=True)
    main = {"meta": {"1": {"schema": 2, "kind": "main"}}, "settings": {"1": {"key": "theme", "value": "dark"}}}
    (data_dir / "progress.json").write_text(json.dumps(main))
    attempt = {
        "id": "a1",
        "at": "2026-10-01T10:00:00.000000+00:00",
        "question": "s3/q/1",
        "answer": "B",
        "correct": True,
        "seconds": 2.0,
        "mode": "quiz",
        "session": None,
    }
    segment = {"meta": {"1": {"schema": 2, "kind": "attempts"}}, "attempts": {"1": attempt}}
    (data_dir / "attempts" / "000001.json").write_text(json.dumps(segment))
    mark = {"id": "m1", "at": "2026-10-01T10:00:00.000000+00:00", "entry": "s3/a", "mark": "got"}
    (data_dir / "marks" / "000001.json").write_text(
        json.dumps({"meta": {"1": {"schema": 2, "kind": "marks"}}, "marks": {"1": mark}})
    )
    return write_v2_cards(data_dir, cards)


def write_v2_cards(data_dir: Path, cards: dict[str, dict]) -> bytes:
    docs = {str(i): {"card": card, "state": s} for i, (card, s) in enumerate(cards.items(), start=1)}
    raw = json.dumps({"meta": {"1": {"schema": 2, "kind": "cards"}}, "cards": docs}).encode()
    (data_dir / "cards.json").write_bytes(raw)
    return raw


V2_CARDS = {
    **{f"s3/q/{i}": state(1 + i % 28, 1 + i % 20, reviews=i) for i in range(40)},
    **{f"dynamodb/q/{i}": state(1 + i % 28, reviews=i) for i in range(30)},
    "ec2/launch": state(3, 2),
    "Odd Topic/x": state(4),
}


def check_migrated(store: ProgressStore, data_dir: Path, raw: bytes, cards: dict[str, dict], moved: int = 0) -> None:
    assert store.cards() == cards
    assert not (data_dir / "cards.json").exists()
    (backup,) = data_dir.glob("cards.schema-v2-backup*.json")
    assert backup.name == "cards.schema-v2-backup.json" and backup.read_bytes() == raw
    assert backup in store.moved_aside()
    assert shard_names(data_dir) == sorted({schema.card_shard(c) for c in cards})
    for name in shard_names(data_dir):
        data = json.loads((data_dir / "cards" / name).read_text())
        assert data["meta"]["1"] == {"schema": 3, "kind": "cards"}
    # the other kinds keep their schema-2 files, read as they are
    assert store.get_setting("theme") == "dark"
    assert [a.id for a in store.attempts()] == ["a1"] and store.learned_entries() == {"s3/a"}
    assert sum("moved it" in n for n in store.notices) == moved  # files moved aside as bad


def test_a_schema_2_folder_migrates_its_cards_into_shards(data_dir, open_store):
    raw = write_v2(data_dir, V2_CARDS)
    main_before = (data_dir / "progress.json").read_bytes()
    store = open_store()
    check_migrated(store, data_dir, raw, V2_CARDS)
    (notice,) = store.notices
    assert "cards.json" in notice and "schema 2 to 3" in notice and "cards.schema-v2-backup.json" in notice
    assert "\n" not in notice
    assert (data_dir / "progress.json").read_bytes() == main_before  # untouched: its layout did not change
    store.save_card("s3/q/1", state(20, 25))
    store.close()

    again = open_store()  # migrating is done once
    assert again.notices == []
    assert again.card("s3/q/1") == state(20, 25)
    assert len(again.cards()) == len(V2_CARDS)


@pytest.mark.parametrize(("stop_at", "nth"), [("backup", 1), ("shard", 1), ("shard", 3), ("done", 1)])
def test_a_v2_migration_killed_half_way_ends_the_same_when_run_again(stop_at, nth, data_dir, open_store):
    raw = write_v2(data_dir, V2_CARDS)

    class Killed(Exception):
        pass

    seen: list[str] = []

    def hook(step: str) -> None:
        seen.append(step)
        if step == stop_at and seen.count(step) == nth:
            raise Killed(step)

    with pytest.raises(Killed):
        ProgressStore.open(data_dir, migration_hook=hook)
    if stop_at != "done":
        assert (data_dir / "cards.json").read_bytes() == raw  # still there: the next open migrates again

    store = open_store()
    check_migrated(store, data_dir, raw, V2_CARDS)
    assert len(store.notices) == (0 if stop_at == "done" else 1)
    first = {name: (data_dir / "cards" / name).read_bytes() for name in shard_names(data_dir)}
    store.close()

    # the same files as a migration that was never stopped
    clean = data_dir.parent / "clean"
    write_v2(clean, V2_CARDS)
    open_store(path=clean).close()
    assert first == {name: (clean / "cards" / name).read_bytes() for name in shard_names(clean)}


def test_a_cards_json_written_again_by_an_older_awstutor_is_merged_in(data_dir, open_store):
    raw = write_v2(data_dir, V2_CARDS)
    open_store().close()
    # An older awstutor knows nothing of cards/: it starts a cards.json of its own.
    older = {
        "s3/q/1": state(27, 28),  # reviewed later there: wins
        "s3/q/2": state(27, 1),  # reviewed earlier: the shard's state stays
        "dynamodb/q/1": state(27),  # no review time: the shard's state stays
        "iam/new": state(9, 9),  # new: added
    }
    raw2 = write_v2_cards(data_dir, older)
    store = open_store()
    expected = {**V2_CARDS, "s3/q/1": older["s3/q/1"], "iam/new": older["iam/new"]}
    assert store.cards() == expected
    assert (data_dir / "cards.schema-v2-backup.json").read_bytes() == raw
    assert (data_dir / "cards.schema-v2-backup-2.json").read_bytes() == raw2
    assert not (data_dir / "cards.json").exists()


def test_a_bad_shard_is_moved_aside_before_a_migration_writes_that_topic(data_dir, open_store, clock):
    raw = write_v2(data_dir, V2_CARDS)
    (data_dir / "cards").mkdir()
    (data_dir / "cards" / "s3.json").write_text('{"meta": ')
    store = open_store(clock=clock)
    assert sorted(p.name for p in (data_dir / "cards").glob("s3.*")) == [
        "s3.json",
        "s3.truncated-20261127T190211Z.json",
    ]
    assert (data_dir / "cards" / "s3.truncated-20261127T190211Z.json").read_text() == '{"meta": '
    check_migrated(store, data_dir, raw, V2_CARDS, moved=1)
    assert len(store.notices) == 2 and "cards/s3.json was cut short" in store.notices[0]


def test_schema_2_folder_without_cards_needs_no_migration(data_dir, open_store):
    write_v2(data_dir, {})
    (data_dir / "cards.json").unlink()
    store = open_store()
    assert store.notices == [] and store.cards() == {} and store.get_setting("theme") == "dark"


def test_merge_cards_rules():
    have = [{"card": "a", "state": state(1, 5)}, {"card": "b", "state": state(1)}]
    assert schema.merge_cards(have, [{"card": "a", "state": state(1, 5)}]) is have  # nothing new: unchanged
    assert schema.merge_cards(have, [{"card": "a", "state": state(2, 4)}]) is have  # older review
    assert schema.merge_cards(have, [{"card": "b", "state": state(2)}]) is have  # no review time
    merged = schema.merge_cards(have, [{"card": "a", "state": state(2, 6)}, {"card": "c", "state": state(3)}])
    assert merged == [{"card": "a", "state": state(2, 6)}, have[1], {"card": "c", "state": state(3)}]
    assert schema.review_time({"due": "x", "last_review": "2026-01-01T00:00:00+00:00"}).year == 2026
    assert schema.review_time({"due": "x", "fsrs": {"last_review": "nonsense"}}) is None
