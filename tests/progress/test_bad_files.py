"""Bad files are moved aside and told; a file of another schema version too (requirement 6)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

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
    data_dir.mkdir(parents=True, mode=0o700)
    (data_dir / "progress.json").write_bytes(raw)

    store = open_store(clock=clock)

    (moved,) = aside_files(data_dir)
    assert moved.name == f"progress.{reason}-20261127T190211Z.json"
    assert moved.read_bytes() == raw  # kept as it was, byte for byte
    (notice,) = store.notices
    assert notice.startswith("progress: progress.json ")
    assert words in notice
    assert str(moved) in notice
    assert "started fresh" in notice
    assert "\n" not in notice
    assert store.get_setting("theme") is None  # fresh
    store.set_setting("theme", "light")  # and it works
    assert json.loads((data_dir / "progress.json").read_text())["settings"]["1"]["value"] == "light"


def test_moving_aside_never_overwrites(data_dir, open_store, clock):
    data_dir.mkdir(parents=True, mode=0o700)
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
        (shard("s3/a", schema=2), "older-schema-v2"),  # shards are schema 3
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
    assert notice.startswith("progress: cards/s3.json ")
    assert "started fresh" in notice
    assert "\n" not in notice
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
    assert len(store.notices) == 1
    assert "cards/ec2.json was not valid JSON" in store.notices[0]
    assert store.due_cards() == ["s3/a"]


def answers(store, count: int, start: int = 0) -> None:
    for i in range(start, start + count):
        store.record_attempt(f"s3/q/{i}", answer="a", correct=True, seconds=1, mode="quiz")


def test_a_bad_sealed_segment_is_found_at_open_moved_aside_and_told_with_its_count(data_dir, open_store, clock):
    store = open_store(clock=clock, segment_size=3)
    answers(store, 8)
    assert store.attempt_count() == 8  # the fold of the sealed segments is cached, with each one's count
    store.close()
    sealed = data_dir / "attempts" / "000002.json"
    raw = sealed.read_bytes()[:-20]
    sealed.write_bytes(raw)

    store = open_store(clock=clock, segment_size=3)
    (notice,) = store.notices  # at open, not only when an aggregate happens to read it
    assert notice.startswith("progress: attempts/000002.json was cut short")
    assert "went on without its 3 answers" in notice
    assert "\n" not in notice
    questions = sorted(a.question_id for a in store.attempts())
    assert questions == ["s3/q/0", "s3/q/1", "s3/q/2", "s3/q/6", "s3/q/7"]
    (moved,) = aside_files(data_dir / "attempts")
    assert moved.name == "000002.truncated-20261127T190211Z.json"
    assert moved.read_bytes() == raw
    assert str(moved) in notice
    assert store.attempt_count() == 5
    answers(store, 1, start=9)
    assert store.attempt_count() == 6
    assert len(store.notices) == 1  # told once


def test_without_the_cache_the_count_is_not_guessed(data_dir, open_store, clock):
    store = open_store(clock=clock, segment_size=3)
    answers(store, 8)
    store.close()
    (data_dir / "attempts" / "summaries.json").unlink(missing_ok=True)
    (data_dir / "attempts" / "000001.json").write_text("{")
    store = open_store(clock=clock, segment_size=3)
    (notice,) = store.notices
    assert notice.startswith("progress: attempts/000001.json was cut short")
    assert "went on without its answers" in notice


def test_a_segment_broken_while_running_is_told_through_new_notices(data_dir, open_store, clock):
    store = open_store(clock=clock, segment_size=3)
    for entry in range(7):
        store.mark_entry(f"s3/e{entry}", "got")
    assert store.new_notices() == []
    assert len(store.learned_entries()) == 7
    (data_dir / "marks" / "000001.json").write_bytes(b"\x00garbage")  # another program, while the app runs
    assert store.learned_entries() == {f"s3/e{n}" for n in range(3, 7)}
    (fresh,) = store.new_notices()
    assert fresh.startswith("progress: marks/000001.json was not valid JSON")
    assert "went on without its 3 marks" in fresh
    assert store.new_notices() == []  # each notice is handed out once
    (data_dir / "marks" / "000003.json").write_text("[]")  # the open segment
    assert len(store.learned_entries()) == 3
    (fresh,) = store.new_notices()
    assert fresh.startswith("progress: marks/000003.json did not hold awstutor progress")
    assert "went on without its 1 mark;" not in fresh
    assert fresh.endswith("went on without its 1 mark")
    assert len(store.notices) == 2


def test_a_bad_open_segment_is_found_at_open(data_dir, open_store, clock):
    store = open_store(clock=clock, segment_size=3)
    for i in range(4):
        store.record_attempt(f"s3/q/{i}", answer="a", correct=True, seconds=1, mode="quiz")
    store.close()
    last = data_dir / "attempts" / "000002.json"
    last.write_text('{"meta": {"1": {"schema": 2, "kind": "attempts"}}, "attempts": {"1": {"id": "x"}}}')
    store = open_store(clock=clock, segment_size=3)
    assert len(store.notices) == 1
    assert "attempts/000002.json did not hold awstutor progress" in store.notices[0]
    store.record_attempt("s3/q/9", answer="a", correct=True, seconds=1, mode="quiz")
    assert [a.question_id for a in store.attempts()] == ["s3/q/0", "s3/q/1", "s3/q/2", "s3/q/9"]


def test_a_file_broken_while_running_is_handled_on_the_next_read(data_dir, open_store, clock):
    store = open_store(clock=clock)
    store.set_setting("theme", "dark")
    other_writer = data_dir / "progress.json"
    other_writer.write_text("{oops")  # as if another program scribbled on it
    assert store.get_setting("theme") is None
    assert len(store.notices) == 1
    assert "moved it to" in store.notices[0]
    store.set_setting("theme", "light")
    assert store.get_setting("theme") == "light"


# ---------------------------------------------------------------- files of another schema version

GOOD = {
    "progress.json": {"meta": {"1": {"schema": 2, "kind": "main"}}},
    "cards/s3.json": {"meta": {"1": {"schema": 3, "kind": "cards"}}},
    "attempts/000001.json": {"meta": {"1": {"schema": 2, "kind": "attempts"}}},
    "marks/000001.json": {"meta": {"1": {"schema": 2, "kind": "marks"}}},
}
OTHER_VERSIONS = [
    ("progress.json", {"entries": {}}, "older-schema-v1"),  # the first layout wrote no meta table
    ("progress.json", {"meta": {"1": {"schema": 1}}, "entries": {}}, "older-schema-v1"),
    ("progress.json", {"meta": {"1": {"schema": 7, "kind": "main"}}}, "newer-schema-v7"),
    ("cards/s3.json", {"meta": {"1": {"schema": 2, "kind": "cards"}}, "cards": {}}, "older-schema-v2"),
    ("cards/s3.json", {"meta": {"1": {"schema": 4, "kind": "cards"}}}, "newer-schema-v4"),
    ("attempts/000001.json", {"meta": {"1": {"schema": 1, "kind": "attempts"}}}, "older-schema-v1"),
    ("marks/000001.json", {"meta": {"1": {"schema": 3, "kind": "marks"}}}, "newer-schema-v3"),
]


@pytest.mark.parametrize(("name", "content", "reason"), OTHER_VERSIONS)
def test_a_file_of_another_schema_version_is_moved_aside_and_told(name, content, reason, data_dir, open_store, clock):
    store = open_store(clock=clock)
    store.set_setting("theme", "dark")
    store.save_card("s3/a", {"due": "2026-01-01T00:00:00+00:00"})
    store.save_card("ec2/b", {"due": "2026-01-02T00:00:00+00:00"})
    store.record_attempt("s3/q/1", answer="a", correct=True, seconds=1, mode="quiz")
    store.mark_entry("s3/a", "got")
    store.close()
    assert json.loads((data_dir / name).read_text())["meta"] == GOOD[name]["meta"]  # the versions written today
    raw = json.dumps(content).encode()
    (data_dir / name).write_bytes(raw)

    store = open_store(clock=clock)
    (moved,) = aside_files((data_dir / name).parent)
    assert moved.name == f"{Path(name).stem}.{reason}-20261127T190211Z.json"
    assert moved.read_bytes() == raw  # kept as it was
    (notice,) = store.notices
    newer = reason.startswith("newer")
    assert notice.startswith(f"progress: {name} is from {'a newer' if newer else 'an older'} awstutor (schema v")
    assert str(moved) in notice
    assert "\n" not in notice
    kind = Path(name).parent.name or "main"
    assert (store.get_setting("theme") is None) == (kind == "main")  # only that file starts fresh
    assert (store.card("s3/a") is None) == (kind == "cards")
    assert store.card("ec2/b") is not None
    assert store.attempt_count() == (0 if kind == "attempts" else 1)
    assert store.learned_entries() == (set() if kind == "marks" else {"s3/a"})
    store.set_setting("theme", "light")  # and every kind is written again in today's version
    store.save_card("s3/c", {"due": "2026-01-03T00:00:00+00:00"})
    store.record_attempt("s3/q/2", answer="a", correct=True, seconds=1, mode="quiz")
    store.mark_entry("s3/c", "again")
    assert json.loads((data_dir / name).read_text())["meta"] == GOOD[name]["meta"]


def test_files_and_moved_aside_are_listed(data_dir, open_store, clock):
    data_dir.mkdir(parents=True, mode=0o700)
    (data_dir / "progress.json").write_text("nope")
    store = open_store(clock=clock)
    store.record_attempt("s3/q/1", answer="a", correct=True, seconds=1, mode="quiz")
    assert [p.relative_to(data_dir).as_posix() for p in store.files()] == ["attempts/000001.json"]
    assert [p.name for p in store.moved_aside()] == ["progress.corrupt-20261127T190211Z.json"]
