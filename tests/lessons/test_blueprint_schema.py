"""Course files carry the DVA-C02 blueprint, sources and corrections; scenario files load beside topics."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from lessons import blueprint
from lessons.loader import load_course, load_course_cached
from lessons.markup import update_heading
from lessons.model import OUTSIDE, domain_of

TOPIC = """\
id = "widgets"
number = 40
title = "Widgets"
lines = [1]
task = "1.3"

[[entries]]
id = "gizmo"
term = "Gizmo"
definition = "A small thing."
lines = [2]

  [[entries.children]]
  id = "gizmo-key"
  term = "Gizmo Key"
  task = "2.2"
  definition = "Encrypts gizmos."
  lines = [3]

    [[entries.children.children]]
    id = "gizmo-key-rotation"
    term = "Gizmo Key Rotation"
    definition = "Rotates gizmo keys."
    lines = [3]

  [[entries.updates]]
  kind = "correction"
  note = "Gizmos are big."
  current = "Gizmos are small."
  source = "Gizmo guide, \\"Sizes\\""

[[entries]]
id = "sprocket"
term = "Sprocket"
added = true
definition = "Turns."
sources = ["Sprocket guide, \\"What is a sprocket?\\""]
unverified = "Whether sprockets turn both ways."

[[questions]]
id = "key-q"
origin = "curated"
type = "truefalse"
prompt = "Gizmo keys encrypt."
answer = true
explain = "They do."
entry = "gizmo-key"
lines = [3]

[[questions]]
id = "sprocket-q"
origin = "curated"
type = "truefalse"
prompt = "Sprockets turn."
answer = true
explain = "They do."
entry = "sprocket"
sources = ["Sprocket guide, \\"What is a sprocket?\\""]
"""

SCENARIO = """\
topic = "widgets"

[[questions]]
id = "encrypt-gizmos"
origin = "scenario"
type = "single"
task = "2.2"
prompt = "A developer must encrypt gizmos with the LEAST operational overhead. What should the developer do?"
choices = ["Use a gizmo key.", "Write a cipher.", "Use a sprocket.", "Do nothing."]
answer = "Use a gizmo key."
reasons = ["Managed and built in.", "Hand-written crypto is overhead.", "Sprockets turn, they don't encrypt.", "Not encrypted."]
explain = "Gizmo keys are the managed way."
entry = "gizmo-key"

[[questions]]
id = "two-things"
origin = "scenario"
type = "multi"
task = "1.3"
prompt = "Which two are true of gizmos? (Choose two.)"
choices = ["Small", "Encryptable", "Round", "Blue", "Loud"]
answer = ["Small", "Encryptable"]
reasons = ["Yes.", "Yes.", "No.", "No.", "No."]
explain = "Small and encryptable."
entry = "gizmo"
"""


def course_dir(tmp_path: Path, topic: str = TOPIC, scenario: str | None = SCENARIO) -> Path:
    folder = tmp_path / "course"
    (folder / "scenarios").mkdir(parents=True, exist_ok=True)
    (folder / "40-widgets.toml").write_text(textwrap.dedent(topic), encoding="utf-8")
    if scenario is not None:
        (folder / "scenarios" / "40-widgets.toml").write_text(textwrap.dedent(scenario), encoding="utf-8")
    return folder


def problems(folder: Path) -> list[str]:
    return [str(p) for p in load_course([folder], builtin=False).problems]


def test_tasks_inherit_from_topic_and_parent_and_questions_from_their_entry(tmp_path: Path) -> None:
    course = load_course([course_dir(tmp_path)], builtin=False).course
    assert course.by_topic["widgets"].task == "1.3"
    assert course.entries["widgets/gizmo"].task == "1.3"
    assert course.entries["widgets/gizmo-key"].task == "2.2"
    assert course.entries["widgets/gizmo-key-rotation"].task == "2.2"  # from its parent
    assert course.questions["widgets/q/key-q"].task == "2.2"  # from the entry it tests
    assert course.entries["widgets/gizmo-key"].domain == 2


def test_sources_unverified_and_correction_are_kept(tmp_path: Path) -> None:
    course = load_course([course_dir(tmp_path)], builtin=False).course
    sprocket = course.entries["widgets/sprocket"]
    assert sprocket.added
    assert sprocket.lines == ()
    assert sprocket.sources == ('Sprocket guide, "What is a sprocket?"',)
    assert sprocket.unverified == "Whether sprockets turn both ways."
    update = course.entries["widgets/gizmo"].updates[0]
    assert update.kind == "correction"
    assert update.since == ""
    assert update_heading(update.since, update.kind) == "Correction"
    assert course.questions["widgets/q/sprocket-q"].lines == ()


def test_scenarios_join_their_topic_with_their_own_ids(tmp_path: Path) -> None:
    result = load_course([course_dir(tmp_path)], builtin=False)
    assert result.problems == []
    topic = result.course.by_topic["widgets"]
    ids = [q.id for q in topic.questions]
    assert ids == ["widgets/q/key-q", "widgets/q/sprocket-q", "widgets/s/encrypt-gizmos", "widgets/s/two-things"]
    single = result.course.questions["widgets/s/encrypt-gizmos"]
    assert single.origin == "scenario"
    assert single.task == "2.2"
    assert len(single.reasons) == 4
    assert result.course.questions["widgets/s/two-things"].answer == ("Small", "Encryptable")
    assert any(f.name == "40-widgets.toml" and f.parent.name == "scenarios" for f in result.files)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'task = "2.2"\nprompt = "A developer',
            'task = "5.1"\nprompt = "A developer',
            "must be a DVA-C02 task statement",
        ),
        ('task = "2.2"\n', 'task = "outside"\n', "must name the task statement it tests"),
        ('task = "2.2"\n', "", "missing field 'task'"),
        ('"Use a sprocket.", "Do nothing."]', '"Use a sprocket."]', "needs exactly 4 choices"),
        ('"Not encrypted."]', "]", "needs one reason per choice"),
        ("(Choose two.)", "", "must end with '(Choose two.)'"),
        ('origin = "scenario"\ntype = "single"', 'origin = "curated"\ntype = "single"', 'must be "scenario"'),
        ('entry = "gizmo-key"', 'entry = "nope"', "tests unknown entry 'widgets/nope'"),
        ('type = "multi"', 'type = "truefalse"', "takes no choices"),
    ],
)
def test_a_bad_scenario_file_is_one_line_and_the_topic_still_loads(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    assert old in SCENARIO
    folder = course_dir(tmp_path, scenario=SCENARIO.replace(old, new, 1))
    result = load_course([folder], builtin=False)
    assert len(result.problems) == 1, [str(p) for p in result.problems]
    assert message in str(result.problems[0])
    assert "scenarios" in str(result.problems[0])
    assert "widgets" in result.course.by_topic  # the topic is not lost with its scenarios
    assert not [q for q in result.course.questions.values() if q.origin == "scenario"]


def test_scenarios_for_an_unknown_topic_or_a_clashing_id(tmp_path: Path) -> None:
    folder = course_dir(tmp_path, scenario=SCENARIO.replace('topic = "widgets"', 'topic = "gadgets"'))
    assert any("scenarios for unknown topic 'gadgets'" in p for p in problems(folder))
    folder = course_dir(tmp_path / "b", scenario=SCENARIO)
    (folder / "scenarios" / "41-more.toml").write_text(SCENARIO, encoding="utf-8")
    assert any("duplicate question id 'encrypt-gizmos'" in p for p in problems(folder))


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('task = "1.3"\n', 'task = "9.9"\n', "'task' of the topic must be a DVA-C02 task statement"),
        ('  task = "2.2"\n', "  task = 2.2\n", "'task' of entry 'gizmo-key'"),
        ('  kind = "correction"\n', '  kind = "rumour"\n', "must be one of update, correction"),
        ('  kind = "correction"\n', "", "missing field 'since'"),  # an update needs its date
        ('unverified = "Whether sprockets turn both ways."', "unverified = 3", "'unverified' of entry 'sprocket'"),
    ],
)
def test_bad_blueprint_fields_in_a_topic_file(tmp_path: Path, old: str, new: str, message: str) -> None:
    text = textwrap.dedent(TOPIC)
    assert old in text, old
    found = problems(course_dir(tmp_path, topic=text.replace(old, new, 1), scenario=None))
    assert len(found) == 1, found
    assert message in found[0], found


def test_a_question_needs_notes_lines_or_sources(tmp_path: Path) -> None:
    text = textwrap.dedent(TOPIC)
    cut = text.rindex("sources = ")  # the last question's sources
    found = problems(course_dir(tmp_path, topic=text[:cut], scenario=None))
    assert len(found) == 1, found
    assert "missing field 'lines' in question 'sprocket-q'" in found[0], found


def test_a_new_scenario_file_invalidates_the_course_cache(tmp_path: Path) -> None:
    folder = course_dir(tmp_path, scenario=None)
    cache = tmp_path / "cache"
    first = load_course_cached([folder], cache)
    assert not [q for q in first.course.by_topic["widgets"].questions if q.origin == "scenario"]
    (folder / "scenarios" / "40-widgets.toml").write_text(SCENARIO, encoding="utf-8")
    os.utime(folder / "scenarios" / "40-widgets.toml")
    again = load_course_cached([folder], cache)
    assert len([q for q in again.course.by_topic["widgets"].questions if q.origin == "scenario"]) == 2


def test_blueprint_domains_and_tasks() -> None:
    assert sum(d.weight for d in blueprint.DOMAINS) == 100
    assert [d.number for d in blueprint.DOMAINS] == [1, 2, 3, 4]
    assert {t.domain for t in blueprint.TASKS} == {1, 2, 3, 4}
    assert len(blueprint.TASKS) == 13
    assert blueprint.label("2.2") == "2.2 Implement encryption by using AWS services"
    assert blueprint.label(OUTSIDE) == "outside the DVA-C02 blueprint"
    assert domain_of("3.4") == 3
    assert domain_of(OUTSIDE) is None


def test_a_topic_added_beyond_the_notes_needs_no_lines(tmp_path: Path) -> None:
    text = textwrap.dedent(TOPIC).replace("lines = [1]\n", "", 1)
    result = load_course([course_dir(tmp_path, topic=text, scenario=None)], builtin=False)
    assert result.problems == []
    assert result.course.by_topic["widgets"].lines == ()
