"""Scheduler cards: one file per topic (schema 3)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from progress import schema


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
    assert store.card("ec2/q/3") == state(28)
    assert len(store.cards()) == 90


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
    assert odd.startswith("_")
    assert len(odd) == len("_0123456789abcdef.json")
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
    assert len(hashed) == 7
    assert all(schema.SHARD.match(n) and n.startswith("_") for n in hashed)
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
    assert store.cards() == {}
    assert shard_names(data_dir) == []
    store.save_card("s3/a", state(2))
    assert store.cards() == {"s3/a": state(2)}


def test_a_reset_in_another_store_is_seen(open_store):
    one, two = open_store(), open_store()
    one.save_card("s3/a", state(1))
    assert two.card("s3/a") == state(1)
    one.reset()
    assert two.card("s3/a") is None
    assert two.cards() == {}
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
    assert copy.import_data(as_3).added["cards"] == 1
    assert copy.card("iam/x") == state(5)
