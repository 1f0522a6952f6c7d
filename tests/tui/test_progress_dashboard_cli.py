"""``awstutor progress``: the dashboard below the table, in plain text and in ``--json``."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from lessons.loader import load_course
from progress.locations import Locations
from progress.store import ProgressStore
from tui.cli import main


@pytest.fixture
def history(private_dirs):
    """Today: 25 DynamoDB answers (18 right), an exam simulation (50 of 65: 792), two cards."""
    store = ProgressStore.open(Locations.resolve(None).data)
    for n in range(25):
        store.record_attempt(f"dynamodb/q/{n}", answer="A", correct=n < 18, seconds=4, mode="topic")
    session = store.start_session("exam", [])
    store.finish_session(session, 50, 65)
    now = datetime.now(UTC)
    store.save_card("dynamodb/q/0", {"due": (now - timedelta(hours=1)).isoformat()})
    store.save_card("dynamodb/q/1", {"due": (now + timedelta(days=3)).isoformat()})
    yield store
    store.close()


DYNAMODB_ENTRIES = sum(1 for _ in load_course().course.by_topic["dynamodb"].walk())


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_text_shows_the_dashboard_in_80_columns(capsys, history):
    code, out, err = run(capsys, "progress")
    assert code == 0, err
    lines = out.splitlines()
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    assert "\x1b" not in out  # not a terminal: no escape codes (there are none at all)
    row = next(line for line in lines if "(dynamodb)" in line)
    assert row.split()[-4:] == [f"0/{DYNAMODB_ENTRIES}", "25", "72%", "1"]  # learned, attempts, accuracy, due now
    total = next(line for line in lines if line.startswith("total"))
    assert total.split()[-2:] == ["72%", "1"]
    assert "streak: 1 day" in lines
    due = next(line for line in lines if line.startswith("due now:"))
    assert due.startswith("due now: 1 | due today: 1 | next due: in 2 days")  # 3 days less a few seconds
    week = next(line for line in lines if line.startswith("next 7 days:"))
    assert week.endswith("(1 in all)")
    at = lines.index("weakest topics:")
    assert lines[at + 1] == f"  18 DynamoDB: 72% of 25 answers in 30 days, 0/{DYNAMODB_ENTRIES} learned"
    assert lines[at + 2] == "  (practise one: awstutor quiz --topic 18)"
    assert lines[at + 3] == "exam readiness: 792 of 1000, likely PASS (720 to pass)"
    explanation = " ".join(line.strip() for line in lines[at + 4 :])
    assert explanation.startswith("The scaled score of your last exam simulation (")
    assert ": 792), in the last 30 days; each is 100 + 900 x correct / questions." in explanation


def test_the_json_keeps_its_shape_and_adds_the_dashboard(capsys, history):
    code, out, err = run(capsys, "progress", "--json")
    assert code == 0, err
    data = json.loads(out)
    dynamodb = next(t for t in data["topics"] if t["id"] == "dynamodb")
    assert {k: dynamodb[k] for k in ("title", "entries", "learned", "attempts", "correct", "due")} == {
        "title": "DynamoDB",
        "entries": DYNAMODB_ENTRIES,
        "learned": 0,
        "attempts": 25,
        "correct": 18,
        "due": 1,
    }
    assert {k: data["totals"][k] for k in ("learned", "attempts", "correct", "due")} == {
        "learned": 0,
        "attempts": 25,
        "correct": 18,
        "due": 1,
    }
    assert data["streak_days"] == 1
    board = data["dashboard"]
    assert board["readiness"]["score"] == 792
    assert board["readiness"]["passed"] is True
    assert board["readiness"]["basis"] == "exams"
    assert len(board["readiness"]["exams"]) == 1
    assert board["due_now"] == 1
    assert board["streak_days"] == 1
    assert len(board["activity"]) == 30
    assert [w["id"] for w in board["weakest"]] == ["dynamodb"]
    dynamodb = next(t for t in board["topics"] if t["id"] == "dynamodb")
    assert (dynamodb["number"], dynamodb["recent_accuracy"], dynamodb["mastery"]) == (18, 72.0, 0)
    datetime.fromisoformat(board["now"])
    datetime.fromisoformat(board["next_due"])
    assert board["activity"][-1]["date"] == board["today"]  # dates are ISO strings


def test_as_a_user_runs_it_with_no_progress(cli):
    result = cli("progress")
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout
    assert all(len(line) <= 80 for line in result.stdout.splitlines())
    assert "exam readiness: not enough data" in result.stdout
    assert re.search(r"^weakest topics:\n   1 .+: not started, 0/\d+ learned$", result.stdout, re.M)
