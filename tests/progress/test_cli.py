"""``awstutor progress`` (summary, export, import, reset) and ``awstutor locate`` (requirement 8)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from progress.locations import Locations
from progress.store import ProgressStore
from tui.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def course_topic() -> tuple[str, str, list[str]]:
    """The first topic of the built-in course (whatever it is today)."""
    from lessons.loader import load_course

    topic = load_course().course.topics[0]
    return topic.id, topic.title, [e.id for e in topic.walk()]


@pytest.fixture
def filled(course_topic):
    """Some progress in the default data folder (AWSTUTOR_DATA_DIR)."""
    topic_id, _, entries = course_topic
    store = ProgressStore.open(Locations.resolve(None).data)
    store.mark_entry(entries[0], "got")
    store.mark_entry(entries[1], "again")
    store.mark_seen(entries[0])
    for correct in (True, False, True, True):
        store.record_attempt(f"{topic_id}/q/one", answer="A", correct=correct, seconds=2, mode="quiz")
    store.record_attempt("other-topic/gen/x1", answer="A", correct=False, seconds=2, mode="drill")
    store.save_card(entries[0], {"due": "2000-01-01T00:00:00+00:00"})
    store.save_card(f"{topic_id}/q/one", {"due": "2199-01-01T00:00:00+00:00"})
    session = store.start_session("quiz", [topic_id])
    store.finish_session(session, 3, 4)
    store.set_setting("theme", "dark")
    store.save_position(topic_id, entries[0])
    yield store
    store.close()


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_progress_json(capsys, filled, course_topic):
    code, out, err = run(capsys, "progress", "--json")
    assert code == 0, err
    data = json.loads(out)
    first = data["topics"][0]
    assert set(first) >= {"id", "title", "entries", "learned", "attempts", "correct", "due"}
    assert first["id"] == course_topic[0]
    assert first["title"] == course_topic[1]
    assert (first["entries"], first["learned"], first["attempts"], first["correct"], first["due"]) == (
        len(course_topic[2]),
        1,
        4,
        3,
        1,
    )
    assert set(data["totals"]) >= {"learned", "attempts", "correct", "due"}
    assert data["totals"]["attempts"] == 5
    assert data["totals"]["learned"] == 1
    assert data["streak_days"] == 1
    assert any(t["id"] == "other-topic" for t in data["topics"])
    assert data["dashboard"]["topics"][0]["id"] == course_topic[0]
    assert data["dashboard"]["streak_days"] == 1


def test_progress_table(capsys, filled, course_topic):
    code, out, err = run(capsys, "progress")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["topic", "learned", "attempts", "accuracy", "due"]
    row = next(line for line in lines if f"({course_topic[0]})" in line)
    assert row.split()[-4:] == [f"1/{len(course_topic[2])}", "4", "75%", "1"]
    assert any(line.startswith("total") for line in lines)
    assert "streak: 1 day" in lines  # then what is due, the weakest topics, readiness
    assert all(len(line) <= 80 for line in lines)


def test_export_then_import_into_another_folder_twice(capsys, filled, tmp_path):
    target = tmp_path / "export.json"
    code, out, err = run(capsys, "progress", "export", str(target))
    assert code == 0, err
    assert "5 attempts" in out
    exported = json.loads(target.read_text())
    assert exported["format"] == "awstutor-progress"
    assert len(exported["attempts"]) == 5

    other = tmp_path / "other-data"
    code, out, err = run(capsys, "progress", "import", str(target), "--data-dir", str(other))
    assert code == 0, err
    assert "added 5 attempts" in out
    code, out, err = run(capsys, "progress", "import", str(target), "--data-dir", str(other))
    assert code == 0, err
    assert "added nothing" in out  # importing twice adds nothing

    copy = ProgressStore.open(other)
    try:
        assert copy.export() | {"exported_at": None} == filled.export() | {"exported_at": None}
    finally:
        copy.close()


def test_export_to_standard_output(capsys, filled):
    code, out, err = run(capsys, "progress", "export", "-")
    assert code == 0, err
    assert len(json.loads(out)["attempts"]) == 5


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"{not json", "not valid JSON"),
        (b'{"format": "something-else"}', "not an awstutor progress export"),
        (b'{"format": "awstutor-progress", "schema": 7}', "newer awstutor"),
        (b'{"format": "awstutor-progress", "schema": 2, "attempts": [{"id": "x"}]}', "'attempts' item 1"),
        (b'{"format": "awstutor-progress", "schema": 2, "cards": {"a/b": {"due": "soon"}}}', "card 'a/b'"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_a_bad_import_is_one_line_and_exit_2(capsys, tmp_path, content, words):
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    code, out, err = run(capsys, "progress", "import", str(bad))
    assert code == 2
    assert err.count("\n") == 1
    assert err.startswith("awstutor: cannot import")
    assert words in err
    assert not list(Locations.resolve(None).data.glob("attempts/0*.json"))  # nothing was written


def test_import_of_a_missing_file(capsys, tmp_path):
    code, out, err = run(capsys, "progress", "import", str(tmp_path / "nope.json"))
    assert code == 2
    assert "No such file" in err
    assert err.count("\n") == 1


def test_reset_refuses_without_a_terminal_or_yes(capsys, filled, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("y\n"))  # piped: not a terminal
    code, out, err = run(capsys, "progress", "reset")
    assert code == 2
    assert err.count("\n") == 1
    assert "--yes" in err
    assert filled.attempt_count() == 5


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_reset_asks_first(capsys, filled, monkeypatch, course_topic):
    monkeypatch.setattr(sys, "stdin", FakeTerminal("n\n"))
    code, out, err = run(capsys, "progress", "reset", "--topic", course_topic[0])
    assert code == 1
    assert "nothing deleted" in err
    assert f"Delete progress for topic '{course_topic[0]}'" in out
    assert "[y/N]" in out
    assert filled.attempt_count() == 5

    monkeypatch.setattr(sys, "stdin", FakeTerminal("y\n"))
    code, out, err = run(capsys, "progress", "reset", "--topic", course_topic[0])
    assert code == 0, err
    assert "4 attempts" in out
    assert [a.question_id for a in filled.attempts()] == ["other-topic/gen/x1"]
    assert filled.learned_entries() == set()
    assert filled.cards() == {}
    assert filled.sessions() == []
    assert filled.position() is None
    assert filled.get_setting("theme") == "dark"  # settings are not progress


def test_reset_everything_with_yes(capsys, filled, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code, out, err = run(capsys, "progress", "reset", "--yes")
    assert code == 0, err
    assert "all topics" in out
    assert filled.attempt_count() == 0
    assert filled.cards() == {}
    assert filled.learned_entries() == set()


def test_locate(capsys, filled, private_dirs):
    code, out, err = run(capsys, "locate")
    assert code == 0, err
    data_dir = private_dirs / "awstutor-data"
    assert f"data     {data_dir}" in out
    assert f"config   {private_dirs / 'awstutor-config'}" in out
    assert f"cache    {private_dirs / 'awstutor-cache'}" in out
    assert "lessons" in out
    assert str(data_dir / "progress.json") in out

    code, out, err = run(capsys, "locate", "--json")
    info = json.loads(out)
    assert info["data"] == str(data_dir)
    assert info["user_lessons"] == str(private_dirs / "awstutor-config" / "lessons")
    assert str(data_dir / "attempts" / "000001.json") in info["progress_files"]
    assert info["lessons"][0].endswith("course")


def test_locate_creates_nothing(capsys, private_dirs):
    code, out, err = run(capsys, "locate", "--json")
    assert code == 0
    assert json.loads(out)["progress_files"] == []
    assert not (private_dirs / "awstutor-data").exists()


def test_an_unusable_data_folder_is_one_line_and_exit_1(capsys, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, out, err = run(capsys, "progress", "--data-dir", str(blocker / "data"))
    assert code == 1
    assert err.count("\n") == 1
    assert err.startswith("awstutor: cannot use the progress folder")


def test_bad_files_are_reported_on_stderr(capsys, private_dirs):
    data_dir = private_dirs / "awstutor-data"
    data_dir.mkdir()
    (data_dir / "progress.json").write_text("garbage")
    code, out, err = run(capsys, "progress", "--json")
    assert code == 0
    assert "progress: progress.json was not valid JSON; moved it to" in err
    json.loads(out)


def test_a_broken_sealed_segment_is_reported_on_stderr_with_its_count(capsys, private_dirs):
    """Issue 13 item 4: totals dropped (260 -> 10 answers) and no command said so."""
    data_dir = private_dirs / "awstutor-data"
    with ProgressStore.open(data_dir) as store:
        for i in range(260):
            store.record_attempt(f"s3/q/{i % 7}", answer="a", correct=True, seconds=1, mode="quiz")
        assert store.attempt_count() == 260
    (data_dir / "attempts" / "000001.json").write_bytes(b'{"meta": garbage')
    code, out, err = run(capsys, "progress", "--json")
    assert code == 0
    (line,) = err.splitlines()
    assert line.startswith("progress: attempts/000001.json was not valid JSON; moved it to ")
    assert line.endswith("and went on without its 250 answers")
    assert json.loads(out)["totals"]["attempts"] == 10
    code, out, err = run(capsys, "progress", "--json")
    assert err == ""
    assert json.loads(out)["totals"]["attempts"] == 10


def test_commands_run_headless_without_textual(private_dirs):
    code = """
import sys
from tui.cli import main
for args in (["progress", "--json"], ["progress"], ["locate", "--json"], ["progress", "export", "-"]):
    assert main(args) == 0, args
loaded = sorted(m for m in sys.modules if m.split(".")[0] == "textual")
assert not loaded, loaded
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr


def test_as_a_user_runs_it(private_dirs):
    result = subprocess.run(
        [sys.executable, "-m", "tui", "progress", "reset"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().startswith("awstutor: not deleting anything without --yes")
