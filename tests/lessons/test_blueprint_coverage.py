"""The built-in course is tagged with the DVA-C02 blueprint: every topic names its task statement,
most entries are inside the blueprint, and every task statement is taught by enough entries."""

from __future__ import annotations

import tomllib
from collections import Counter
from pathlib import Path

import pytest

from lessons import blueprint
from lessons.loader import BUILTIN_DIR, load_course
from lessons.model import OUTSIDE

MIN_INSIDE_SHARE = 0.80  # of all entries
MIN_ENTRIES_PER_TASK = 10

TOPIC_FILES = sorted(Path(BUILTIN_DIR).glob("[0-9][0-9]-*.toml"))  # not scenarios/


def test_the_builtin_course_has_topic_files() -> None:
    notes_topics = [f for f in TOPIC_FILES if "lines" in tomllib.loads(f.read_text(encoding="utf-8"))]
    assert len(notes_topics) >= 23, [f.name for f in TOPIC_FILES]


@pytest.mark.parametrize("path", TOPIC_FILES, ids=lambda p: p.name)
def test_every_topic_file_names_its_task_explicitly(path: Path) -> None:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    assert "task" in raw, f"{path.name}: no top-level 'task' (the default task statement of its entries)"
    assert blueprint.is_valid(raw["task"]), f"{path.name}: task {raw['task']!r}"


def test_most_entries_are_inside_the_blueprint() -> None:
    result = load_course()
    assert result.problems == []
    entries = list(result.course.entries.values())
    inside = [e for e in entries if e.task != OUTSIDE]
    share = len(inside) / len(entries)
    assert share >= MIN_INSIDE_SHARE, (
        f"only {len(inside)}/{len(entries)} entries ({share:.0%}) are inside the blueprint"
    )


def test_every_task_statement_has_enough_entries() -> None:
    course = load_course().course
    counts = Counter(e.task for e in course.entries.values())
    short = {t.id: counts[t.id] for t in blueprint.TASKS if counts[t.id] < MIN_ENTRIES_PER_TASK}
    assert not short, f"task statements with fewer than {MIN_ENTRIES_PER_TASK} entries: {short}"


def test_topic_defaults_reach_their_entries_and_questions() -> None:
    """An entry without its own tag carries its topic's default; a notes question carries its entry's."""
    course = load_course().course
    lambda_topic = course.by_topic["lambda"]
    assert lambda_topic.task == "1.2"
    assert course.entries["lambda/lambda-timeout"].task == "1.2"  # from the topic
    assert course.entries["lambda/basic-execution-role"].task == "2.1"  # from its parent, the execution role
    assert course.questions["lambda/q/basic-execution-role"].task == "2.1"  # from its entry
    assert course.questions["lambda/q/blue-green"].task == "3.4"  # tests another skill than its entry
    assert course.entries["route53/weighted-routing"].task == OUTSIDE
