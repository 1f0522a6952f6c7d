"""Bad files are moved aside and told; schema 1 migrates (requirement 6)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from tinydb import TinyDB

from progress import schema
from progress.store import ProgressStore

GOOD_MAIN = {"meta": {"1": {"schema": 2, "kind": "main"}}, "settings": {"1": {"key": "theme", "value": "dark"}}}

# name -> (bytes, reason in the new name, words in the notice)
BAD_MAIN = {
    "truncated": (json.dumps(GOOD_MAIN)[:-7].encode(), "truncated", "was cut short"),
    "empty": (b"", "truncated", "was empty"),
    "not json": (b"hello, this is not JSON\n", "corrupt", "was not valid JSON"),
    "binary": (b"\xff\xfe\x00garbage", "corrupt", "was not valid JSON"),
    "a list": (b"[1, 2, 3]", "wrong-shape", "did not hold awstutor progress"),
    "table not an object": (
        json.dumps({"meta": {"1": {"schema": 2, "kind": "main"}}, "settings": [1]}).encode(),
        "wrong-shape",
        "table 'settings' is not an object",
    ),
    "document of the wrong shape": (
        json.dumps({"meta": {"1": {"schema": 2, "kind": "main"}}, "entries": {"1": {"entry": 5}}}).encode(),
        "wrong-shape",
        "'entry' is not an entry id",
    ),
    "unknown table": (
        json.dumps({"meta": {"1": {"schema": 2, "kind": "main"}}, "mystery": {"1": {"x": 1}}}).encode(),
        "wrong-shape",
        "unknown table 'mystery'",
    ),
    "newer schema": (
        json.dumps({"meta": {"1": {"schema": 9, "kind": "main"}}, "future": {"1": {"x": 1}}}).encode(),
        "newer-schema-v9",
        "is from a newer awstutor (schema v9)",
    ),
}

ASIDE = re.compile(r"^(?P<stem>[^.]+)\.(?P<reason>[a-z0-9-]+?)-(?P<stamp>\d{8}T\d{6}Z)(?:-(?P<n>\d+))?\.json$")


def aside_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if ASIDE.match(p.name))


@pytest.mark.parametrize("case", list(BAD_MAIN))
def test_a_bad_progress_file_is_moved_aside_and_the_store_starts_fresh(case, data_dir, open_store, clock):
    raw, reason, words = BAD_MAIN[case]
    data_dir.mkdir(parents=True)
    (data_dir / "progress.json").write_bytes(raw)

    store = open_store(clock=clock)

    (moved,) = aside_files(data_dir)
    assert moved.name == f"progress.{reason}-20261127T190211Z.json"
    assert moved.read_bytes() == raw  # kept as it was, byte for byte
    (notice,) = store.notices
    assert notice.startswith("progress: progress.json ")
    assert words in notice and str(moved) in notice and "started fresh" in notice
    assert "\n" not in notice
    assert store.get_setting("theme") is None  # fresh
    store.set_setting("theme", "light")  # and it works
    assert json.loads((data_dir / "progress.json").read_text())["settings"]["1"]["value"] == "light"


def test_moving_aside_never_overwrites(data_dir, open_store, clock):
    data_dir.mkdir(parents=True)
    for attempt in range(3):
        (data_dir / "progress.json").write_text(f"broken {attempt}")
        store = open_store(clock=clock)  # the same second each time: the name needs a counter
        store.close()
    names = [p.name for p in aside_files(data_dir)]
    assert names == [
        "progress.corrupt-20261127T190211Z-2.json",
        "progress.corrupt-20261127T190211Z-3.json",
        "progress.corrupt-20261127T190211Z.json",
    ]
    texts = sorted((data_dir / n).read_text() for n in names)
    assert texts == ["broken 0", "broken 1", "broken 2"]


def shard(*cards: str, schema: int = 3) -> bytes:
    docs = {str(i): {"card": c, "state": {"due": "2026-01-01T00:00:00+00:00"}} for i, c in enumerate(cards, 1)}
    return json.dumps({"meta": {"1": {"schema": schema, "kind": "cards"}}, "cards": docs}).encode()


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (
            b'{"meta": {"1": {"schema": 3, "kind": "cards"}}, "cards": {"1": {"card": "s3/a", "state": {}}}}',
            "wrong-shape",
        ),
        (b'{"meta": {"1": {"schema": 3, "kind": "cards"}}, "cards": {"1": {"card": "s3/a", "sta', "truncated"),
        (b'{"meta": {"1": {"schema": 4, "kind": "cards"}}}', "newer-schema-v4"),
        (b'{"cards": {}}', "wrong-shape"),  # no meta: every shard has one
        (b"\x00\x00\x00", "corrupt"),
        (b'{"meta": {"1": {"schema": 3, "kind": "main"}}}', "wrong-shape"),
        (shard("s3/a", schema=2), "wrong-shape"),  # shards are schema 3
        (shard("s3/a", "ec2/b"), "wrong-shape"),  # a card of another topic
    ],
)
def test_a_bad_card_shard_is_moved_aside_and_the_other_shards_are_kept(raw, reason, data_dir, open_store, clock):
    store = open_store(clock=clock)
    store.set_setting("theme", "dark")
    store.save_card("s3/a", {"due": "2026-01-01T00:00:00+00:00"})
    store.save_card("ec2/b", {"due": "2026-01-02T00:00:00+00:00"})
    store.close()
    (data_dir / "cards" / "s3.json").write_bytes(raw)
    store = open_store(clock=clock)
    (moved,) = aside_files(data_dir / "cards")
    assert moved.name == f"s3.{reason}-20261127T190211Z.json"
    assert moved.read_bytes() == raw
    (notice,) = store.notices  # found at open
    assert notice.startswith("progress: cards/s3.json ") and "started fresh" in notice and "\n" not in notice
    assert store.cards() == {"ec2/b": {"due": "2026-01-02T00:00:00+00:00"}}  # the other shard is intact
    assert store.get_setting("theme") == "dark"  # and the other files
    assert [p.name for p in store.moved_aside()] == [moved.name]
    store.save_card("s3/c", {"due": "2026-01-03T00:00:00+00:00"})  # the shard starts fresh
    assert sorted(store.cards()) == ["ec2/b", "s3/c"]
    assert sorted(p.name for p in (data_dir / "cards").glob("*.json") if "-2026" not in p.name) == [
        "ec2.json",
        "s3.json",
    ]


def test_a_shard_broken_while_running_is_handled_on_the_next_read(data_dir, open_store, clock):
    store = open_store(clock=clock)
    store.save_card("s3/a", {"due": "2026-01-01T00:00:00+00:00"})
    store.save_card("ec2/b", {"due": "2026-01-01T00:00:00+00:00"})
    (data_dir / "cards" / "ec2.json").write_text("{oops")
    assert store.card("ec2/b") is None
    assert len(store.notices) == 1 and "cards/ec2.json was not valid JSON" in store.notices[0]
    assert store.due_cards() == ["s3/a"]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (
            b'{"meta": {"1": {"schema": 2, "kind": "cards"}}, "cards": {"1": {"card": "s3/a", "state": {}}}}',
            "wrong-shape",
        ),
        (b'{"meta": {"1": {"schema": 2, "kind": "cards"}}, "cards": {"1": {"card": "s3/a", "sta', "truncated"),
        (b'{"meta": {"1": {"schema": 4, "kind": "cards"}}}', "newer-schema-v4"),
        (b'{"cards": {}}', "wrong-shape"),  # no meta: a schema-2 file always has one
    ],
)
def test_a_bad_schema_2_cards_file_is_moved_aside_not_migrated(raw, reason, data_dir, open_store, clock):
    store = open_store(clock=clock)
    store.set_setting("theme", "dark")
    store.save_card("ec2/b", {"due": "2026-01-02T00:00:00+00:00"})
    store.close()
    (data_dir / "cards.json").write_bytes(raw)
    store = open_store(clock=clock)
    (moved,) = aside_files(data_dir)
    assert moved.name == f"cards.{reason}-20261127T190211Z.json"
    assert moved.read_bytes() == raw
    assert len(store.notices) == 1 and "cards.json" in store.notices[0]
    assert store.cards() == {"ec2/b": {"due": "2026-01-02T00:00:00+00:00"}}
    assert store.get_setting("theme") == "dark"  # the other files are untouched
    assert not (data_dir / "cards.json").exists()


def test_a_bad_segment_is_moved_aside_and_the_rest_is_kept(data_dir, open_store, clock):
    store = open_store(clock=clock, segment_size=3)
    for i in range(8):
        store.record_attempt(f"s3/q/{i}", answer="a", correct=True, seconds=1, mode="quiz")
    store.close()
    sealed = data_dir / "attempts" / "000002.json"
    raw = sealed.read_bytes()[:-20]
    sealed.write_bytes(raw)

    store = open_store(clock=clock, segment_size=3)
    assert store.notices == []  # sealed segments are read when needed, not at open
    questions = sorted(a.question_id for a in store.attempts())
    assert questions == ["s3/q/0", "s3/q/1", "s3/q/2", "s3/q/6", "s3/q/7"]
    (notice,) = store.notices
    assert notice.startswith("progress: attempts/000002.json was cut short")
    assert "went on without its records" in notice
    (moved,) = aside_files(data_dir / "attempts")
    assert moved.name == "000002.truncated-20261127T190211Z.json" and moved.read_bytes() == raw
    assert store.attempt_count() == 5
    store.record_attempt("s3/q/9", answer="a", correct=True, seconds=1, mode="quiz")
    assert store.attempt_count() == 6


def test_a_bad_open_segment_is_found_at_open(data_dir, open_store, clock):
    store = open_store(clock=clock, segment_size=3)
    for i in range(4):
        store.record_attempt(f"s3/q/{i}", answer="a", correct=True, seconds=1, mode="quiz")
    store.close()
    last = data_dir / "attempts" / "000002.json"
    last.write_text('{"meta": {"1": {"schema": 2, "kind": "attempts"}}, "attempts": {"1": {"id": "x"}}}')
    store = open_store(clock=clock, segment_size=3)
    assert len(store.notices) == 1 and "attempts/000002.json did not hold awstutor progress" in store.notices[0]
    store.record_attempt("s3/q/9", answer="a", correct=True, seconds=1, mode="quiz")
    assert [a.question_id for a in store.attempts()] == ["s3/q/0", "s3/q/1", "s3/q/2", "s3/q/9"]


def test_a_file_broken_while_running_is_handled_on_the_next_read(data_dir, open_store, clock):
    store = open_store(clock=clock)
    store.set_setting("theme", "dark")
    other_writer = data_dir / "progress.json"
    other_writer.write_text("{oops")  # as if another program scribbled on it
    assert store.get_setting("theme") is None
    assert len(store.notices) == 1 and "moved it to" in store.notices[0]
    store.set_setting("theme", "light")
    assert store.get_setting("theme") == "light"


# ---------------------------------------------------------------- migration from schema 1


def write_v1(data_dir: Path, *, with_meta: bool = True) -> dict:
    """A schema-1 store: one plain TinyDB file (default storage and table layout)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    db = TinyDB(data_dir / "progress.json")
    if with_meta:
        db.table("meta").insert({"schema": 1})
    db.table("entries").insert_multiple(
        [
            {
                "entry": "s3/versioning",
                "first_seen": "2026-10-01T08:00:00+00:00",
                "last_seen": "2026-10-03T08:00:00Z",
                "marks": [
                    {"at": "2026-10-01T08:05:00+00:00", "mark": "again"},
                    {"at": "2026-10-02T08:05:00+02:00", "mark": "got"},
                ],
            },
            {"entry": "s3/lifecycle", "first_seen": "2026-10-01T09:00:00+00:00", "last_seen": None, "marks": []},
        ]
    )
    attempts = [
        {
            "id": f"v1-{i}",
            "at": f"2026-10-{1 + i % 20:02d}T10:{i % 60:02d}:00+00:00",
            "question": f"s3/q/{i % 4}",
            "answer": "B",
            "correct": i % 2 == 0,
            "seconds": 3.5,
            "mode": "quiz",
            "session": "sess-1" if i < 5 else None,
        }
        for i in range(25)
    ]
    db.table("attempts").insert_multiple(attempts)
    db.table("sessions").insert(
        {
            "id": "sess-1",
            "mode": "quiz",
            "topics": ["s3"],
            "started": "2026-10-01T10:00:00+00:00",
            "ended": "2026-10-01T10:10:00+00:00",
            "score": 3,
            "total": 5,
        }
    )
    db.table("position").insert({"topic": "s3", "entry": "s3/lifecycle"})
    db.table("settings").insert({"key": "theme", "value": "dark"})
    db.table("cards").insert({"card": "s3/versioning", "state": {"due": "2026-10-05T00:00:00+00:00", "stability": 2}})
    db.close()
    return {"attempts": attempts}


def check_v1_content(store: ProgressStore, v1: dict) -> None:
    assert sorted(a.id for a in store.attempts()) == sorted(a["id"] for a in v1["attempts"])
    first = next(a for a in store.attempts() if a.id == "v1-0")
    assert (first.question_id, first.answer, first.correct, first.session_id) == ("s3/q/0", "B", True, "sess-1")
    state = store.entry_state("s3/versioning")
    assert [m for _, m in state.marks] == ["again", "got"] and state.learned
    assert state.marks[1][0].isoformat() == "2026-10-02T06:05:00+00:00"  # normalised to UTC
    assert state.seen_at.isoformat() == "2026-10-03T08:00:00+00:00"
    assert store.entry_state("s3/lifecycle").first_seen is not None
    (session,) = store.sessions()
    assert (session.id, session.score, session.total) == ("sess-1", 3, 5)
    assert store.position() == ("s3", "s3/lifecycle")
    assert store.get_setting("theme") == "dark"
    assert store.card("s3/versioning") == {"due": "2026-10-05T00:00:00+00:00", "stability": 2}
    assert store.question_stats()["s3/q/1"].attempts == 6


@pytest.mark.parametrize("with_meta", [True, False])
def test_schema_1_migrates_keeping_every_record(with_meta, data_dir, open_store):
    v1 = write_v1(data_dir, with_meta=with_meta)
    original = (data_dir / "progress.json").read_bytes()
    store = open_store(segment_size=10)
    check_v1_content(store, v1)
    assert len(store.notices) == 1 and "from schema 1 to 3" in store.notices[0]
    assert (data_dir / "progress.schema-v1-backup.json").read_bytes() == original
    assert str(data_dir / "progress.schema-v1-backup.json") in store.notices[0]
    main = json.loads((data_dir / "progress.json").read_text())
    assert main["meta"]["1"] == {"schema": 2, "kind": "main"}  # the main file's layout is the same in schema 3
    assert not (data_dir / "cards.json").exists()
    cards = json.loads((data_dir / "cards" / "s3.json").read_text())
    assert cards["meta"]["1"] == {"schema": 3, "kind": "cards"} and len(cards["cards"]) == 1
    assert [p.name for p in sorted((data_dir / "attempts").glob("0*.json"))] == [
        "000001.json",
        "000002.json",
        "000003.json",
    ]
    store.close()

    again = open_store(segment_size=10)  # migrating is done once
    assert again.notices == []
    check_v1_content(again, v1)


@pytest.mark.parametrize("stop_after", ["backup", "cards", "attempts", "marks"])
def test_a_migration_killed_half_way_is_redone_without_doubles(stop_after, data_dir, open_store):
    v1 = write_v1(data_dir)

    class Killed(Exception):
        pass

    def hook(step: str) -> None:
        if step == stop_after:
            raise Killed(step)

    with pytest.raises(Killed):
        ProgressStore.open(data_dir, segment_size=10, migration_hook=hook)
    assert schema.schema_of(json.loads((data_dir / "progress.json").read_text()), "main") == 1  # still in force

    store = open_store(segment_size=10)
    check_v1_content(store, v1)
    assert store.attempt_count() == 25
    assert len(list((data_dir).glob("progress.schema-v1-backup*.json"))) == 1


def test_a_v1_file_of_the_wrong_shape_is_moved_aside_not_migrated(data_dir, open_store, clock):
    data_dir.mkdir(parents=True)
    raw = json.dumps({"meta": {"1": {"schema": 1}}, "attempts": {"1": {"id": "x", "correct": "yes"}}}).encode()
    (data_dir / "progress.json").write_bytes(raw)
    store = open_store(clock=clock)
    (moved,) = aside_files(data_dir)
    assert moved.name.startswith("progress.wrong-shape-") and moved.read_bytes() == raw
    assert store.attempt_count() == 0


def test_files_and_moved_aside_are_listed(data_dir, open_store, clock):
    data_dir.mkdir(parents=True)
    (data_dir / "progress.json").write_text("nope")
    store = open_store(clock=clock)
    store.record_attempt("s3/q/1", answer="a", correct=True, seconds=1, mode="quiz")
    assert [p.relative_to(data_dir).as_posix() for p in store.files()] == ["attempts/000001.json"]
    assert [p.name for p in store.moved_aside()] == ["progress.corrupt-20261127T190211Z.json"]
