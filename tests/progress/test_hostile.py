"""Hostile imports and hostile stored data (issue 13 item 5): one line or success, never a crash.

* ``progress import`` refuses, in one line naming the record, times outside
  1970-2200 (in any time zone), values nested too deep, numbers beyond 64 bits,
  oversized text, and files too deep or with numbers too long to parse;
* whatever is already stored out of range (a hand-edited file) is tolerated by
  every reader, in any local time zone, and exports into something that imports;
* the summaries cache is only a cache: anything hostile in it is rebuilt.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from progress.dashboard import dashboard
from progress.errors import InvalidImport
from progress.scheduler import GOOD, Scheduler
from progress.schema import EXPORT_FORMAT, check_export, load_export
from progress.stats import summarize
from progress.store import ProgressStore

ROOT = Path(__file__).resolve().parents[2]
TOPICS = [("s3", 7, "Amazon S3", ["s3/a", "s3/b"]), ("ec2", 2, "EC2", ["ec2/a"])]
ZONES = [timezone(timedelta(hours=14)), timezone(timedelta(hours=-12)), timezone(timedelta(hours=5, minutes=45))]


def attempt(at: str = "2026-11-27T19:02:11+00:00", **extra: Any) -> dict[str, Any]:
    doc = {"id": "x1", "at": at, "question": "s3/q/1", "answer": "a", "correct": True, "seconds": 1, "mode": "quiz"}
    return {**doc, **extra}


def export(**sections: Any) -> dict[str, Any]:
    return {"format": EXPORT_FORMAT, "schema": 2, **sections}


def nested(value: Any, depth: int) -> Any:
    for _ in range(depth):
        value = [value]
    return value


# ---------------------------------------------------------------- imports refused, in one line

REFUSED = {
    "answer in year 1": (export(attempts=[attempt("0001-01-01T00:00:00+00:00")]), "'attempts' item 1 (id 'x1'): 'at'"),
    "answer in 9999": (export(attempts=[attempt("9999-12-31T23:59:59+00:00")]), "'at' is not within 1970-2200"),
    "answer just before 1970": (export(attempts=[attempt("1970-01-01T23:00:00+00:00")]), "not within 1970-2200"),
    "card due year 1, +14:00": (
        export(cards={"s3/a": {"due": "0001-01-01T00:00:00+14:00"}}),
        "card 's3/a': 'due' is not within 1970-2200",
    ),
    "session ended in 9999": (
        export(
            sessions=[
                {
                    "id": "s",
                    "mode": "exam",
                    "topics": [],
                    "started": "2026-01-01T00:00:00Z",
                    "ended": "9999-01-01T00:00:00Z",
                }
            ]
        ),
        "'sessions' item 1 (id 's'): 'ended' is not within 1970-2200",
    ),
    "setting 900 deep": (
        export(settings={"deep": nested(1, 900)}),
        "setting 'deep': its value is nested more than 20 deep",
    ),
    "card state 25 deep": (
        export(cards={"s3/a": {"due": "2026-01-01T00:00:00Z", "x": nested(1, 25)}}),
        "card 's3/a': its state is nested more than 20 deep",
    ),
    "huge whole number": (
        export(settings={"big": 2**70}),
        "setting 'big': its value holds a whole number beyond 64 bits",
    ),
    "huge score": (
        export(
            sessions=[{"id": "s", "mode": "exam", "topics": [], "started": "2026-01-01T00:00:00Z", "score": 10**40}]
        ),
        "'score' is not between 0 and 1,000,000",
    ),
    "huge seconds": (export(attempts=[attempt(seconds=1e300)]), "'seconds' is more than 10,000,000"),
    "long answer": (export(attempts=[attempt(answer="x" * 20_000)]), "'answer' is longer than 10,000 characters"),
    "long id": (
        export(marks=[{"id": "m" * 600, "at": "2026-01-01T00:00:00Z", "entry": "s3/a", "mark": "got"}]),
        "'id' is longer than 500",
    ),
    "long setting text": (export(settings={"t": "y" * 20_000}), "its value holds text longer than 10,000 characters"),
    "a newline in a card id": (export(cards={"s3/\na": {"due": "nope"}}), "card 's3/\\na' has no valid 'due' time"),
    "a control character in a setting name": (
        export(settings={"a\x1bb ": 1}),
        "setting 'a\\x1bb ': not a setting name",
    ),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_an_import_beyond_the_limits_is_one_line_naming_the_record(case, tmp_path, capsys):
    from tui.cli import main

    data, words = REFUSED[case]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    code = main(["progress", "import", str(path), "--data-dir", str(tmp_path / "data")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"awstutor: cannot import {path}: "), err
    assert err.count("\n") == 1, err
    assert words in err
    assert not list((tmp_path / "data").glob("*/0*.json"))  # nothing written


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"[" * 10_000 + b"]" * 10_000, "not valid JSON (nested too deeply)"),
        (b'{"format": "awstutor-progress", "schema": ' + b"9" * 5000 + b"}", "a number with too many digits"),
        (b'{"format": "awstutor-progress", "schema": ' + b"9" * 4000 + b"}", "(schema number out of range)"),
        (b'{"format": "awstutor-progress", "schema": 2, "settings": {"x": NaN}}', "holds a number that is not finite"),
    ],
)
def test_a_file_that_cannot_be_parsed_safely_is_one_line(raw, words, tmp_path):
    path = tmp_path / "bad.json"
    path.write_bytes(raw)
    result = subprocess.run(
        [sys.executable, "-m", "tui", "progress", "import", str(path), "--data-dir", str(tmp_path / "d")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert words in result.stderr, result.stderr


def test_times_at_the_edges_of_the_range_are_taken_and_normalised(open_store):
    store = open_store()
    data = export(attempts=[attempt("1970-01-02T00:00:00+00:00"), attempt("2199-12-31T00:00:00+00:00", id="x2")])
    assert store.import_data(data).added["attempts"] == 2
    assert [a.at.year for a in store.attempts()] == [1970, 2199]


# ---------------------------------------------------------------- stored out of range: every reader copes


def hostile_folder(data_dir: Path) -> None:
    """A folder holding, by hand-editing, everything an import now refuses."""

    def write(name: str, kind: str, schema: int, tables: dict[str, list[dict[str, Any]]]) -> None:
        content: dict[str, Any] = {"meta": {"1": {"schema": schema, "kind": kind}}}
        content.update({table: {str(i): doc for i, doc in enumerate(docs, 1)} for table, docs in tables.items()})
        (data_dir / name).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        (data_dir / name).write_text(json.dumps(content))

    data_dir.mkdir(mode=0o700)
    write(
        "progress.json",
        "main",
        2,
        {
            "entries": [{"entry": "s3/a", "first_seen": "0001-01-01T00:00:00+14:00", "last_seen": "9999-12-31T23:59:59-12:00"}],
            "sessions": [
                {"id": "e1", "mode": "exam", "topics": [], "started": "0001-01-01T00:00:00+00:00",
                 "ended": "9999-12-31T23:59:59+00:00", "score": 10**30, "total": 10**30},
                {"id": "e2", "mode": "exam", "topics": ["s3"], "started": "2026-11-27T10:00:00+00:00",
                 "ended": "2026-11-27T11:00:00+00:00", "score": -5, "total": 0},
            ],
            "settings": [{"key": "deep", "value": nested("x", 900)}, {"key": "theme", "value": "dark"}],
        },
    )  # fmt: skip
    write(
        "attempts/000001.json",
        "attempts",
        2,
        {"attempts": [attempt("0001-01-01T00:00:00+00:00"), attempt("9999-12-31T23:59:59+00:00", id="x2"),
                      attempt("0001-01-01T00:00:00+14:00", id="x3"), attempt("2026-11-27T19:00:00+00:00", id="x4")]},
    )  # fmt: skip
    write(
        "marks/000001.json",
        "marks",
        2,
        {"marks": [{"id": "m1", "at": "0001-01-01T00:00:00+14:00", "entry": "s3/a", "mark": "got"},
                   {"id": "m2", "at": "9999-12-31T23:59:59-12:00", "entry": "s3/b", "mark": "again"}]},
    )  # fmt: skip
    fsrs = {"card_id": 1, "state": 2, "step": None, "stability": 3.0, "difficulty": 5.0,
            "due": "0001-01-01T00:00:00+14:00", "last_review": "9999-12-31T23:59:59-12:00"}  # fmt: skip
    write(
        "cards/s3.json",
        "cards",
        3,
        {"cards": [{"card": "s3/a", "state": {"due": "0001-01-01T00:00:00+14:00", "fsrs": fsrs}},
                   {"card": "s3/b", "state": {"due": "9999-12-31T23:59:59-12:00"}}]},
    )  # fmt: skip


def every_reader(store: ProgressStore, tz: Any) -> dict[str, Any]:
    """Everything a command or screen reads; returns the export, as the CLI writes it."""
    scheduler = Scheduler(store, fuzz=False)
    summarize(store, [(t, title, entries) for t, _, title, entries in TOPICS])
    board = dashboard(store, scheduler, TOPICS)
    json.dumps(board.__dict__, default=str)
    scheduler.forecast(8, store.today(), tz)
    store.daily_activity(30)
    for read in (scheduler.due_now, scheduler.next_due, store.streak_days, store.question_stats, store.sessions):
        read()
    for read in (store.latest_marks, store.seen_entries, store.settings):
        read()
    for entry in ("s3/a", "s3/b"):
        store.entry_state(entry)
    list(store.attempts())
    data = store.export()
    json.dumps(data, indent=1)  # what 'progress export' does: no RecursionError
    return data


@pytest.mark.parametrize("tz", ZONES, ids=["+14", "-12", "+5:45"])
def test_stored_data_out_of_range_is_tolerated_by_every_reader(tz, data_dir, open_store, tmp_path):
    hostile_folder(data_dir)
    store = open_store(tz=tz)
    assert store.notices == []  # nothing is moved aside for it
    data = every_reader(store, tz)
    assert store.get_setting("deep") is None
    assert store.get_setting("theme") == "dark"
    (notice,) = store.notices  # the setting beyond the limits, told once
    assert notice == "progress: the setting 'deep' is nested more than 20 deep; it is ignored"
    years = sorted(a.at.year for a in store.attempts())
    assert years == [1970, 1970, 2026, 2199]  # read as the nearest bound
    sessions = {s.id: s for s in store.sessions()}
    assert (sessions["e1"].score, sessions["e2"].score) == (None, None)  # no real quiz has such a score
    assert Scheduler(store, fuzz=False).rate("s3/a", GOOD)["reviews"] == 1  # an unusable FSRS state starts afresh
    # and the export imports into a fresh store: times as their nearest bound, the deep setting left out
    copy = open_store(path=tmp_path / "copy", tz=tz)
    result = copy.import_data(data)
    assert result.added["attempts"] == 4
    assert result.added["cards"] == 2
    assert "deep" not in copy.settings()


def test_under_a_far_local_time_zone_every_command_works(tmp_path):
    """The system's own time zone (no ``tz`` given): what a user in Kiritimati or on Baker Island runs."""
    data_dir = tmp_path / "data"
    hostile_folder(data_dir)
    for zone in ("Pacific/Kiritimati", "Etc/GMT+12"):
        env = {**os.environ, "TZ": zone, "AWSTUTOR_DATA_DIR": str(data_dir)}
        for command in (["progress"], ["progress", "--json"], ["progress", "export", str(tmp_path / "out.json")]):
            result = subprocess.run(
                [sys.executable, "-m", "tui", *command], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120
            )
            assert result.returncode == 0, (zone, command, result.stderr)
            assert "Traceback" not in result.stderr
        again = subprocess.run(
            [sys.executable, "-m", "tui", "progress", "import", str(tmp_path / "out.json"), "--data-dir", str(tmp_path / zone)],
            capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
        )  # fmt: skip
        assert again.returncode == 0, again.stderr


# ---------------------------------------------------------------- arbitrary JSON at import

offsets = st.builds(timezone, st.timedeltas(timedelta(hours=-23, minutes=59), timedelta(hours=23, minutes=59)))
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["\ud800", "a\udfffb", "\x00", "line\nbreak"]),  # lone surrogates: valid JSON, not UTF-8
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=12,
)
deep = st.builds(nested, values, st.integers(15, 40))
odd_times = st.sampled_from(
    [
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-12:00",
        "1970-01-01T00:00:00+00:00",
        "2199-12-31T23:00:00-12:00",
        "2026-11-27",
        "2026-11-27T19:02:11",
        "yesterday",
        "",
    ]
)
hostile = st.one_of(values, deep, odd_times, st.just("z" * 20_000), st.just(10**30))

# What a real export holds, edges included: times anywhere in range with any offset, any text, values
# as deep and as large as allowed.
sane_times = st.datetimes(min_value=datetime(1970, 1, 3), max_value=datetime(2199, 12, 29), timezones=offsets).map(
    lambda d: d.isoformat()
)
sane_text = st.text(st.characters(codec="utf-8"), max_size=12)
sane_ids = st.one_of(
    st.sampled_from(["s3/q/1", "s3/a", "s3/b", "ec2/a", "Odd Topic/x", "con/q", "s3"]),
    sane_text.map(lambda t: t.strip() or "x"),
)
sane_values = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(-(2**63) + 1, 2**63 - 1), st.floats(allow_nan=False, allow_infinity=False),
        sane_text,
    ),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(sane_text, inner, max_size=3),
    max_leaves=10,
)  # fmt: skip
sane_export = st.fixed_dictionaries(
    {"format": st.just(EXPORT_FORMAT), "schema": st.sampled_from([1, 2, 3])},
    optional={
        "attempts": st.lists(
            st.fixed_dictionaries(
                {
                    "id": sane_ids, "at": sane_times, "question": sane_ids, "answer": sane_text, "correct": st.booleans(),
                    "seconds": st.floats(0, 1e6), "mode": sane_text,
                },
                optional={"session": st.none() | sane_ids},
            ),
            max_size=5,
        ),
        "marks": st.lists(
            st.fixed_dictionaries(
                {"id": sane_ids, "at": sane_times, "entry": sane_ids, "mark": st.sampled_from(["got", "again"])}
            ),
            max_size=5,
        ),
        "entries": st.lists(
            st.fixed_dictionaries(
                {"entry": sane_ids}, optional={"first_seen": st.none() | sane_times, "last_seen": st.none() | sane_times}
            ),
            max_size=3,
        ),
        "sessions": st.lists(
            st.fixed_dictionaries(
                {"id": sane_ids, "mode": st.sampled_from(["exam", "quiz", "due"]), "topics": st.lists(sane_ids, max_size=2),
                 "started": sane_times},
                optional={"ended": st.none() | sane_times, "score": st.integers(0, 10**6), "total": st.integers(0, 10**6)},
            ),
            max_size=4,
        ),
        "position": st.none() | st.fixed_dictionaries({"topic": sane_ids, "entry": sane_ids}),
        "settings": st.dictionaries(sane_ids, sane_values, max_size=3),
        "cards": st.dictionaries(
            sane_ids,
            st.fixed_dictionaries(
                {"due": sane_times}, optional={"fsrs": sane_values, "last_review": sane_times, "reviews": st.integers(0, 9)}
            ),
            max_size=4,
        ),
    },
)  # fmt: skip


@st.composite
def spoiled(draw: st.DrawFn) -> dict[str, Any]:
    """A sane export with one hostile value put in one place."""
    data: dict[str, Any] = draw(sane_export)
    records = [(name, doc) for name in ("attempts", "marks", "entries", "sessions") for doc in data.get(name, [])]
    place = draw(st.sampled_from(["record", "setting", "card", "card state", "position", "schema", "section"]))
    bad = draw(hostile)
    if place == "record" and records:
        _, doc = draw(st.sampled_from(records))
        doc[draw(st.sampled_from(sorted(doc)))] = bad
    elif place == "setting":
        data.setdefault("settings", {})[draw(st.sampled_from(["k", "\ud800", " k", "k" * 600]))] = bad
    elif place == "card":
        data.setdefault("cards", {})["s3/x"] = bad
    elif place == "card state":
        data.setdefault("cards", {})["s3/x"] = {"due": draw(st.one_of(sane_times, odd_times)), "fsrs": bad}
    elif place in ("position", "schema"):
        data[place] = bad
    else:
        data[draw(st.sampled_from(["attempts", "marks", "entries", "sessions", "settings", "cards"]))] = bad
    return data


@pytest.fixture
def far_local_time() -> Iterator[None]:
    """The process's own time zone set to +14:00 (what a reader without ``tz`` converts to)."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Pacific/Kiritimati"
    time.tzset()
    yield
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=st.one_of(sane_export, spoiled(), values, deep))
def test_arbitrary_json_at_import_is_one_line_or_success_and_every_reader_still_works(
    data, tmp_path_factory, far_local_time
):
    text = json.dumps(data)  # as a file would hold it (NaN and Infinity included: JSON as Python writes it)
    refused, loaded = None, None
    try:
        loaded = load_export(text.encode())
        check_export(loaded)
    except InvalidImport as error:
        refused = error.message
    if refused is not None:
        assert "\n" not in refused
        assert 0 < len(refused) < 300, refused
        event("refused")
        return
    event("imported")
    folder = tmp_path_factory.mktemp("import")
    with ProgressStore.open(folder) as store:
        store.import_data(loaded)
        exported = every_reader(store, None)
        with ProgressStore.open(tmp_path_factory.mktemp("again")) as again:
            again.import_data(json.loads(json.dumps(exported)))  # an export always imports


# ---------------------------------------------------------------- the summaries cache


def spoil(fold: dict[str, Any], how: str) -> Any:
    if how == "count is text":
        next(iter(fold["q"].values()))[0] = "many"
    if how == "count is a bool":
        next(iter(fold["q"].values()))[1] = True
    if how == "time is not a time":
        next(iter(fold["q"].values()))[3] = "nonsense"
    if how == "bucket far away":
        fold["b"]["999999999999"] = [1, 1]
    if how == "bucket not a number":
        fold["b"]["soon"] = [1, 1]
    if how == "rows are a list":
        fold["q"] = []
    return fold


@pytest.mark.parametrize(
    "how",
    ["deep", "count is text", "count is a bool", "time is not a time", "bucket far away", "bucket not a number",
     "rows are a list", "header deep", "header of another kind", "no second line"],
)  # fmt: skip
def test_a_hostile_summaries_cache_is_rebuilt(how, data_dir, open_store):
    store = open_store(segment_size=2)
    for i in range(7):
        store.record_attempt(f"s3/q/{i % 3}", answer="a", correct=i % 2 == 0, seconds=1, mode="quiz")
    expected = (store.question_stats(), store.daily_activity(3), store.attempt_count())
    store.close()
    cache = data_dir / "attempts" / "summaries.json"
    header, fold = cache.read_text().split("\n", 1)  # the sealed segments' signatures, then the fold
    if how == "deep":  # valid JSON, nested far beyond what the parser takes
        cache.write_text(header + "\n" + "[" * 100_000 + "]" * 100_000)
    elif how == "header deep":
        cache.write_text("[" * 100_000 + "]" * 100_000 + "\n" + fold)
    elif how == "header of another kind":
        cache.write_text(header.replace('"attempts"', '"marks"') + "\n" + fold)
    elif how == "no second line":
        cache.write_text(header)
    else:
        cache.write_text(header + "\n" + json.dumps(spoil(json.loads(fold), how)))
    fresh = open_store(segment_size=2)
    assert (fresh.question_stats(), fresh.daily_activity(3), fresh.attempt_count()) == expected
    assert fresh.notices == []  # a cache: rebuilt, not reported
    assert json.loads(cache.read_text().split("\n", 1)[1])["n"] == 6  # and written again, whole


def test_the_last_day_in_range_is_a_day_like_any_other(open_store):
    store = open_store(tz=ZONES[0])
    store.save_card("s3/a", {"due": "2199-12-31T00:00:00+00:00"})
    scheduler = Scheduler(store)
    assert scheduler.forecast(3, date(2199, 12, 30), ZONES[0]) == [
        (date(2199, 12, 30), 0),
        (date(2199, 12, 31), 1),  # 14:00 local
        (date(2200, 1, 1), 0),
    ]
    next_due = scheduler.next_due()
    assert next_due is not None
    assert next_due.astimezone(UTC).year == 2199
