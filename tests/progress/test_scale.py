"""Segments and cached summaries (requirement 7): a write touches one small file, and the
cached aggregates always equal what the records say. Speed itself is measured by
bench/progress_store.py, not asserted here."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from progress import storage
from progress.schema import EXPORT_FORMAT, SCHEMA_VERSION, format_time
from progress.store import ProgressStore


def expected_stats(store: ProgressStore) -> dict[str, tuple[int, int, bool]]:
    """Question stats worked out the slow way, from every attempt."""
    rows: dict[str, list] = {}
    for a in store.attempts():
        row = rows.setdefault(a.question_id, [0, 0, None, None])
        row[0] += 1
        row[1] += a.correct
        if row[3] is None or a.at >= row[3]:  # same time: the later in the log wins
            row[2], row[3] = a.correct, a.at
    return {q: (n, ok, last) for q, (n, ok, last, _) in rows.items()}


def fast_stats(store: ProgressStore) -> dict[str, tuple[int, int, bool]]:
    return {q: (s.attempts, s.correct, s.last_correct) for q, s in store.question_stats().items()}


def history(count: int, start: int = 0) -> dict:
    from datetime import UTC, datetime, timedelta

    base = datetime(2026, 9, 1, tzinfo=UTC)
    return {
        "format": EXPORT_FORMAT,
        "schema": SCHEMA_VERSION,
        "attempts": [
            {
                "id": f"h{i}",
                "at": format_time(base + timedelta(minutes=7 * i)),
                "question": f"t{i % 5}/q/{i % 37}",
                "answer": "A",
                "correct": i % 3 != 0,
                "seconds": 2.0,
                "mode": "quiz",
                "session": None,
            }
            for i in range(start, start + count)
        ],
    }


def test_recording_rewrites_only_the_open_segment_whatever_the_history(open_store, data_dir, monkeypatch):
    store = open_store(segment_size=50)
    store.import_data(history(3000))
    assert len(list((data_dir / "attempts").glob("0*.json"))) == 60

    written: list[tuple[Path, int]] = []
    real = storage.atomic_write_bytes

    def spy(path: Path, data: bytes, **kwargs):
        written.append((path, len(data)))
        return real(path, data, **kwargs)

    monkeypatch.setattr(storage, "atomic_write_bytes", spy)
    for i in range(120):
        store.record_attempt(f"t1/q/{i}", answer="B", correct=True, seconds=1, mode="quiz")
    assert len(written) == 120  # one file per answer...
    assert {p.name for p, _ in written} == {"000061.json", "000062.json", "000063.json"}  # ...the last one
    one_record = max(size for _, size in written) / 50
    assert all(size <= 50 * one_record for _, size in written)  # never more than one segment's worth
    assert store.attempt_count() == 3120


def test_sealed_segments_are_not_read_again_for_aggregates(open_store, data_dir, monkeypatch):
    store = open_store(segment_size=20)
    store.import_data(history(400))
    assert fast_stats(store) == expected_stats(store)  # folds the sealed segments once

    read: list[str] = []
    real = storage.read_json_file

    def spy(path: Path):
        read.append(f"{path.parent.name}/{path.name}")
        return real(path)

    monkeypatch.setattr(storage, "read_json_file", spy)
    for i in range(30):
        store.record_attempt("t0/q/0", answer="B", correct=i % 2 == 0, seconds=1, mode="quiz")
        store.question_stats()
        store.streak_days()
    open_ones = {"attempts/000020.json", "attempts/000021.json", "attempts/000022.json", "marks/000001.json"}
    assert set(read) <= open_ones, set(read)  # only the open segment(s)

    expected = expected_stats(store)  # (reads every segment)
    read.clear()
    fresh = open_store(segment_size=20)  # a new process: the fold comes from summaries.json
    assert fast_stats(fresh) == expected
    assert {r for r in read if r.startswith("attempts/")} == {"attempts/000022.json"}, set(read)


def test_aggregates_follow_another_process_and_a_reset(open_store):
    mine, other = open_store(segment_size=4), open_store(segment_size=4)
    mine.import_data(history(30))
    assert fast_stats(mine) == expected_stats(mine)
    for i in range(11):
        other.record_attempt(f"t2/q/{i % 3}", answer="B", correct=False, seconds=1, mode="quiz")
    assert fast_stats(mine) == expected_stats(other)
    assert mine.attempt_count() == 41
    other.reset("t2")
    assert fast_stats(mine) == expected_stats(mine)
    assert not any(q.startswith("t2/") for q in mine.question_stats())
    other.reset()
    assert mine.question_stats() == {}
    assert mine.attempt_count() == 0


def test_import_is_bulk_and_idempotent_at_scale(open_store, data_dir):
    store = open_store(segment_size=100)
    result = store.import_data(history(1000))
    assert result.added["attempts"] == 1000
    again = store.import_data(history(1200))  # 1000 known, 200 new
    assert again.added["attempts"] == 200
    assert again.already >= 1000
    assert store.attempt_count() == 1200
    assert len({a.id for a in store.attempts()}) == 1200
    data = json.loads((data_dir / "attempts" / "000012.json").read_text())
    assert len(data["attempts"]) == 100


# ---------------------------------------------------------------- a property: any sequence of operations


operation = st.one_of(
    st.tuples(st.just("answer"), st.integers(0, 5), st.booleans()),
    st.tuples(st.just("mark"), st.integers(0, 3), st.sampled_from(["got", "again"])),
    st.tuples(st.just("tick"), st.integers(1, 3000), st.none()),
    st.tuples(st.just("reopen"), st.none(), st.none()),
    st.tuples(st.just("other"), st.integers(0, 5), st.booleans()),
    st.tuples(st.just("reset"), st.sampled_from(["a", "b"]), st.none()),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(operation, max_size=30))
def test_cached_aggregates_always_match_the_records(tmp_path_factory, ops):
    from datetime import UTC, datetime, timedelta

    folder = tmp_path_factory.mktemp("prop")
    now = [datetime(2026, 11, 1, tzinfo=UTC)]

    def clock():
        return now[0]

    def opened():
        return ProgressStore.open(folder, clock=clock, segment_size=3)

    store, other = opened(), opened()
    model_marks: dict[str, str] = {}
    try:
        for kind, arg, flag in ops:
            if kind in ("answer", "other"):
                target = store if kind == "answer" else other
                target.record_attempt(f"{'ab'[arg % 2]}/q/{arg}", answer="x", correct=flag, seconds=1, mode="quiz")
            elif kind == "mark":
                store.mark_entry(f"{'ab'[arg % 2]}/e{arg}", flag)
                model_marks[f"{'ab'[arg % 2]}/e{arg}"] = flag
            elif kind == "tick":
                now[0] += timedelta(minutes=arg)
            elif kind == "reopen":
                store.close()
                store = opened()
            elif kind == "reset":
                other.reset(arg)
                model_marks = {e: m for e, m in model_marks.items() if not e.startswith(arg + "/")}
            assert fast_stats(store) == expected_stats(store)
            assert store.learned_entries() == {e for e, m in model_marks.items() if m == "got"}
            assert store.attempt_count() == len(list(store.attempts()))
        days = store.daily_activity(10)
        by_day = Counter(store.local(a.at).date() for a in store.attempts())
        assert {d: n for d, n, _, _ in days if n} == {d: n for d, n in by_day.items() if d in {x[0] for x in days}}
    finally:
        store.close()
        other.close()


def test_memory_while_recording_does_not_grow_with_history(open_store, tmp_path):
    import gc
    import tracemalloc

    def peak(stored: int) -> int:
        store = open_store(path=tmp_path / f"m{stored}", segment_size=50)
        store.import_data(history(stored))
        gc.collect()
        tracemalloc.start()
        try:
            for i in range(100):
                store.record_attempt(f"t1/q/{i % 9}", answer="B", correct=True, seconds=1, mode="quiz")
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak(100), peak(5000)
    assert large < 2 * small, (small, large)
