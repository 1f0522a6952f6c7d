"""What the store keeps, where, and that each call is on disk when it returns."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from progress.locations import Locations
from progress.store import Attempt, ProgressError, ProgressStore

ROOT = Path(__file__).resolve().parents[2]


def test_entries_seen_and_marked(open_store, clock):
    store = open_store(clock=clock)
    first = clock.now
    store.mark_seen("dynamodb/rcu")
    clock.advance(minutes=5)
    store.mark_seen("dynamodb/rcu")
    store.mark_entry("dynamodb/rcu", "again")
    clock.advance(minutes=1)
    store.mark_entry("dynamodb/rcu", "got")

    state = store.entry_state("dynamodb/rcu")
    assert state.first_seen == first
    assert state.seen_at == first + timedelta(minutes=5)
    assert state.marks == [(first + timedelta(minutes=5), "again"), (first + timedelta(minutes=6), "got")]
    assert state.learned
    assert store.learned_entries() == {"dynamodb/rcu"}
    assert store.seen_entries() == {"dynamodb/rcu": first + timedelta(minutes=5)}

    clock.advance(minutes=1)
    store.mark_entry("dynamodb/rcu", "again")
    assert not store.entry_state("dynamodb/rcu").learned  # the latest mark decides
    assert store.learned_entries() == set()

    never = store.entry_state("dynamodb/wcu")
    assert never.seen_at is None
    assert never.marks == []
    assert not never.learned
    with pytest.raises(ValueError, match="mark must be 'got' or 'again'"):
        store.mark_entry("dynamodb/rcu", "maybe")


def test_attempts_are_kept_whole(open_store, clock):
    store = open_store(clock=clock)
    session = store.start_session("quiz", ["dynamodb"])
    first = store.record_attempt(
        "dynamodb/q/optimistic-locking", answer="B", correct=False, seconds=12.5, mode="quiz", session_id=session
    )
    clock.advance(seconds=30)
    second = store.record_attempt("dynamodb/gen/abc123", answer="4 RCU", correct=True, seconds=3, mode="drill")
    clock.advance(seconds=30)
    third = store.record_attempt("dynamodb/q/optimistic-locking", answer="A", correct=True, seconds=8, mode="quiz")

    assert isinstance(first, Attempt)
    assert first.question_id == "dynamodb/q/optimistic-locking"
    assert first.topic == "dynamodb"
    assert (first.answer, first.correct, first.seconds, first.mode, first.session_id) == (
        "B",
        False,
        12.5,
        "quiz",
        session,
    )
    assert second.topic == "dynamodb"
    assert second.session_id is None
    assert first.at == clock.now - timedelta(seconds=60)
    assert first.at.tzinfo is not None
    assert len({first.id, second.id, third.id}) == 3

    assert list(store.attempts()) == [first, second, third]
    assert list(store.attempts("dynamodb/q/optimistic-locking")) == [first, third]
    assert store.last_results() == {"dynamodb/q/optimistic-locking": True, "dynamodb/gen/abc123": True}
    stats = store.question_stats()["dynamodb/q/optimistic-locking"]
    assert (stats.attempts, stats.correct, stats.last_correct, stats.last_at) == (2, 1, True, third.at)
    assert store.attempt_count() == 3


def test_sessions_position_settings(open_store, clock):
    store = open_store(clock=clock)
    assert store.position() is None
    store.save_position("s3", "s3/versioning")
    store.save_position("dynamodb", "dynamodb/rcu")
    assert store.position() == ("dynamodb", "dynamodb/rcu")

    session = store.start_session("exam", ["s3", "dynamodb"])
    clock.advance(minutes=20)
    assert store.finish_session(session, 7, 10)
    assert not store.finish_session("no-such-session", 1, 1)
    (kept,) = store.sessions()
    assert kept.id == session
    assert kept.topics == ("s3", "dynamodb")
    assert kept.mode == "exam"
    assert (kept.score, kept.total) == (7, 10)
    assert kept.ended - kept.started == timedelta(minutes=20)

    assert store.get_setting("theme") is None
    assert store.get_setting("theme", "dark") == "dark"
    store.set_setting("theme", "light")
    store.set_setting("layout", {"sidebar": True, "width": [1, 2]})
    store.set_setting("theme", "dark")
    assert store.get_setting("theme") == "dark"
    value = store.get_setting("layout")
    value["sidebar"] = False  # a copy: changing it changes nothing stored
    assert store.get_setting("layout") == {"sidebar": True, "width": [1, 2]}
    with pytest.raises(TypeError):
        store.set_setting("bad", object())


def test_scheduler_cards(open_store, clock):
    store = open_store(clock=clock)
    fsrs_state = {
        "card_id": 1,
        "state": 2,
        "step": None,
        "stability": 3.2,
        "difficulty": 5.1,
        "due": "2026-11-28T19:02:11.000000+00:00",
        "last_review": "2026-11-27T19:02:11.000000+00:00",
    }
    store.save_card("dynamodb/rcu", fsrs_state)
    store.save_card("dynamodb/q/optimistic-locking", {"due": "2026-11-20T00:00:00+00:00"})
    assert store.card("dynamodb/rcu") == fsrs_state
    assert store.card("nothing/here") is None
    assert set(store.cards()) == {"dynamodb/rcu", "dynamodb/q/optimistic-locking"}
    assert store.due_cards() == ["dynamodb/q/optimistic-locking"]
    store.save_card("dynamodb/rcu", {**fsrs_state, "due": "2026-11-27T00:00:00+00:00"})
    assert sorted(store.due_cards()) == ["dynamodb/q/optimistic-locking", "dynamodb/rcu"]
    for bad in ({"state": 1}, {"due": "tomorrow"}, {"due": "2026-11-28T19:02:11"}):
        with pytest.raises(ValueError, match="a card state needs 'due'"):
            store.save_card("dynamodb/rcu", bad)


def test_everything_survives_reopening(open_store, data_dir, clock):
    store = open_store(clock=clock)
    store.mark_seen("s3/versioning")
    store.mark_entry("s3/versioning", "got")
    attempt = store.record_attempt("s3/q/1", answer="C", correct=True, seconds=2, mode="quiz")
    store.save_position("s3", "s3/versioning")
    store.set_setting("theme", "dark")
    store.save_card("s3/versioning", {"due": "2026-12-01T00:00:00+00:00"})
    session = store.start_session("quiz", ["s3"])
    store.close()

    again = open_store(clock=clock)
    assert again.notices == []
    assert again.learned_entries() == {"s3/versioning"}
    assert list(again.attempts()) == [attempt]
    assert again.position() == ("s3", "s3/versioning")
    assert again.get_setting("theme") == "dark"
    assert again.card("s3/versioning") == {"due": "2026-12-01T00:00:00+00:00"}
    assert [s.id for s in again.sessions()] == [session]


def test_files_hold_the_schema_version_and_every_time_is_aware_utc(open_store, data_dir):
    store = open_store()
    store.mark_seen("s3/a")
    store.mark_entry("s3/a", "got")
    store.record_attempt("s3/q/1", answer="x", correct=True, seconds=1, mode="quiz")
    store.save_card("s3/a", {"due": "2026-12-01T00:00:00+00:00"})
    for path in store.files():
        data = json.loads(path.read_text())
        kind = "cards" if path.parent.name == "cards" else data["meta"]["1"]["kind"]
        assert data["meta"]["1"] == {"schema": 3 if kind == "cards" else 2, "kind": kind}  # schema 3 changed cards only
    main = json.loads((data_dir / "progress.json").read_text())
    entry = main["entries"]["1"]
    for value in (entry["first_seen"], entry["last_seen"]):
        assert datetime.fromisoformat(value).utcoffset() == timedelta(0)
    names = [p.relative_to(data_dir).as_posix() for p in store.files()]
    assert names == ["progress.json", "cards/s3.json", "attempts/000001.json", "marks/000001.json"]


def test_clock_must_be_timezone_aware(open_store):
    store = open_store(clock=lambda: datetime(2026, 1, 1, 12, 0))
    with pytest.raises(ValueError, match="timezone-aware"):
        store.mark_seen("s3/a")


# ---------------------------------------------------------------- where (requirement 2)


def test_lives_in_the_data_folder_with_private_modes(private_dirs, monkeypatch):
    folder = Locations.resolve(None).data
    assert folder == private_dirs / "awstutor-data"  # AWSTUTOR_DATA_DIR
    store = ProgressStore.open(folder, segment_size=2)
    try:
        for i in range(3):
            store.record_attempt(f"s3/q/{i}", answer="a", correct=True, seconds=1, mode="quiz")
        store.mark_seen("s3/a")
        store.mark_entry("s3/a", "got")
        store.save_card("s3/a", {"due": "2026-12-01T00:00:00+00:00"})
        store.attempt_count()  # writes the summaries cache too
    finally:
        store.close()
    for path in [folder, *folder.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))
    assert (folder / "attempts" / "000002.json").exists()

    override = private_dirs / "elsewhere"
    assert Locations.resolve(override).data == override  # --data-dir wins


@pytest.mark.parametrize("mode", [0o755, 0o750, 0o1777])
def test_an_existing_folder_keeps_its_mode_and_a_readable_one_is_told(mode, data_dir, open_store):
    data_dir.mkdir()
    os.chmod(data_dir, mode)
    store = open_store()
    store.mark_seen("s3/a")
    assert stat.S_IMODE(data_dir.stat().st_mode) == mode  # never chmod a folder awstutor did not create
    (notice,) = store.notices
    assert notice == (
        f"progress: the folder {data_dir} can be read by other users (mode {mode:o}); "
        f"'chmod 700 {data_dir}' keeps your progress private"
    )
    assert stat.S_IMODE((data_dir / "cards").stat().st_mode) == 0o700  # what it creates is private


def test_a_private_existing_folder_is_not_told(data_dir, open_store):
    data_dir.mkdir(mode=0o700)
    assert open_store().notices == []


def test_an_unusable_folder_is_one_progress_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(ProgressError) as caught:
        ProgressStore.open(blocker / "data")
    assert "cannot use the progress folder" in caught.value.message
    assert "\n" not in caught.value.message


def test_a_write_that_fails_is_one_progress_error(open_store, data_dir, monkeypatch):
    store = open_store()
    store.record_attempt("s3/q/1", answer="a", correct=True, seconds=1, mode="quiz")

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("progress.storage.atomic_write_bytes", full)
    with pytest.raises(ProgressError, match="No space left on device"):
        store.record_attempt("s3/q/2", answer="a", correct=True, seconds=1, mode="quiz")
    with pytest.raises(ProgressError):
        store.set_setting("theme", "dark")
    monkeypatch.undo()
    assert [a.question_id for a in store.attempts()] == ["s3/q/1"]  # the failed write left no trace
    assert store.get_setting("theme") is None


# ---------------------------------------------------------------- write-through (requirement 3)


def test_each_recording_call_fsyncs_file_and_folder_before_returning(open_store, data_dir, monkeypatch):
    store = open_store()
    store.save_card("s3/a", {"due": "2026-12-01T00:00:00+00:00"})
    synced: list[str] = []
    real_fsync = os.fsync

    def spy(fd: int) -> None:
        real_fsync(fd)
        synced.append("folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")

    monkeypatch.setattr(os, "fsync", spy)
    calls = {
        "mark_seen": lambda: store.mark_seen("s3/a"),
        "mark_entry": lambda: store.mark_entry("s3/a", "got"),
        "record_attempt": lambda: store.record_attempt("s3/q/1", answer="a", correct=True, seconds=1, mode="quiz"),
        "start_session": lambda: store.start_session("quiz", ["s3"]),
        "save_position": lambda: store.save_position("s3", "s3/a"),
        "set_setting": lambda: store.set_setting("theme", "dark"),
        "save_card": lambda: store.save_card("s3/a", {"due": "2026-12-02T00:00:00+00:00"}),
    }
    for name, call in calls.items():
        synced.clear()
        call()
        assert "file" in synced, name
        assert "folder" in synced, name
        assert synced.index("file") < synced.index("folder"), name  # data first, then the rename

    # And another process (here: another store, sharing no memory) sees it all at once.
    other = ProgressStore.open(data_dir)
    try:
        assert other.get_setting("theme") == "dark"
        assert other.learned_entries() == {"s3/a"}
        assert (other.card("s3/a") or {})["due"].startswith("2026-12-02")
        assert other.position() == ("s3", "s3/a")
    finally:
        other.close()


def test_two_stores_in_one_process_see_each_others_writes(open_store):
    one, two = open_store(segment_size=3), open_store(segment_size=3)
    for i in range(5):
        one.record_attempt(f"s3/q/{i}", answer="a", correct=True, seconds=1, mode="quiz")
        two.record_attempt(f"s3/q/{i}", answer="b", correct=False, seconds=1, mode="quiz")
    one.set_setting("a", 1)
    two.set_setting("b", 2)
    assert one.settings() == two.settings() == {"a": 1, "b": 2}
    assert one.attempt_count() == two.attempt_count() == 10
    assert one.last_results() == two.last_results() == {f"s3/q/{i}": False for i in range(5)}


def nested(value: object, depth: int) -> object:
    for _ in range(depth):
        value = [value]
    return value


def test_read_modify_writes_build_on_what_another_store_wrote(open_store):
    one, two = open_store(), open_store()
    for store in (one, two, one, two, one):
        store.update_setting("count", lambda n: n + 1, 0)
        store.update_card("s3/a", lambda s: {"due": "2026-12-01T00:00:00+00:00", "n": (s or {"n": 0})["n"] + 1})
    assert two.get_setting("count") == 5
    assert one.card("s3/a") == {"due": "2026-12-01T00:00:00+00:00", "n": 5}

    def spoil(state):
        state["n"] = 99  # the change works on a copy: nothing is stored unless it is returned
        raise RuntimeError("changed my mind")

    with pytest.raises(RuntimeError):
        one.update_card("s3/a", spoil)
    assert two.card("s3/a") == {"due": "2026-12-01T00:00:00+00:00", "n": 5}
    with pytest.raises(ValueError, match="'due'"):
        one.update_card("s3/a", lambda s: {"n": 1})
    with pytest.raises(ValueError, match="nested more than 20 deep"):
        one.update_setting("count", lambda n: nested(n, 21))
    assert one.get_setting("count") == 5


def test_threads_share_one_store(open_store):
    store = open_store(segment_size=7)

    def work(n: int) -> None:
        for i in range(20):
            store.record_attempt(f"t{n}/q/{i}", answer="a", correct=True, seconds=1, mode="quiz")
            store.set_setting(f"t{n}", i)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert store.attempt_count() == 80
    assert len({a.id for a in store.attempts()}) == 80
    assert store.settings() == {f"t{n}": 19 for n in range(4)}


def test_stale_temp_files_are_removed_on_open(data_dir, open_store):
    store = open_store()
    store.record_attempt("s3/q/1", answer="a", correct=True, seconds=1, mode="quiz")
    store.close()
    stale = [
        data_dir / ".progress.json.0123456789abcdef.tmp",
        data_dir / "attempts" / ".000001.json.fedcba9876543210.tmp",
    ]
    for path in stale:
        path.write_text('{"half": ')
    keep = data_dir / "notes.txt"
    keep.write_text("not ours")
    open_store()
    assert not any(path.exists() for path in stale)
    assert keep.exists()


# ---------------------------------------------------------------- layering


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)


def test_progress_never_imports_textual_tui_or_lessons_and_filelock_waits_for_open(tmp_path):
    code = f"""
import sys
import progress, progress.store, progress.stats, progress.schema, progress.storage
assert "filelock" not in sys.modules, "filelock imported before a store is opened"
from progress.store import ProgressStore
store = ProgressStore.open({str(tmp_path / "d")!r})
store.record_attempt("s3/q/1", answer="a", correct=True, seconds=1, mode="quiz")
from progress.stats import summarize
summarize(store, [("s3", "S3", ["s3/a"])])
bad = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "tui", "lessons"))
assert not bad, bad
print("ok")
"""
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_the_summaries_cache_is_only_a_cache(open_store, data_dir):
    store = open_store(segment_size=2)
    for i in range(7):
        store.record_attempt(f"s3/q/{i % 3}", answer="a", correct=i % 2 == 0, seconds=1, mode="quiz")
    expected = store.question_stats()
    store.close()
    (data_dir / "attempts" / "summaries.json").write_text("{ not json")
    fresh = open_store(segment_size=2)
    assert fresh.question_stats() == expected
    assert fresh.notices == []  # a broken cache is rebuilt, not reported
    fresh.close()
    (data_dir / "attempts" / "summaries.json").write_text(
        json.dumps({"version": 2, "kind": "attempts", "sealed": [], "fold": {"n": "x"}})
    )
    assert open_store(segment_size=2).question_stats() == expected


def test_utc_times_round_trip(open_store, clock):
    clock.now = datetime(2026, 3, 29, 0, 59, 59, 999999, tzinfo=UTC)
    store = open_store(clock=clock)
    attempt = store.record_attempt("s3/q/1", answer="a", correct=True, seconds=0.25, mode="quiz")
    assert next(iter(store.attempts())).at == clock.now == attempt.at


def test_shape_messages_read_as_english() -> None:
    import pytest

    from progress.schema import Shape, check_doc

    with pytest.raises(Shape, match="^an attempt is not an object$"):
        check_doc("attempt", [])
    with pytest.raises(Shape, match="^an entry has no "):
        check_doc("entry", {})
    with pytest.raises(Shape, match="^a mark is not an object$"):
        check_doc("mark", 3)
