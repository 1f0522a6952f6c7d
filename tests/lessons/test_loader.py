"""The loader: the happy path and every kind of broken course file."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from lessons.errors import LessonError
from lessons.loader import BUILTIN_DIR, load_course, parse_topic_text

GOOD = """\
id = "widgets"
number = 40
title = "Widgets"
lines = [1]

[[entries]]
id = "gizmo"
term = "Gizmo"
full_form = "General Gizmo"
definition = "A small {{42 KB}} thing; see `make gizmo`."
notes = ["First note.", "Second note."]
related = ["sprocket"]
lines = [2, "3-4"]

  [[entries.children]]
  id = "gizmo-mini"
  term = "Mini Gizmo"
  kind = "type"
  notes = ["Smaller."]
  lines = [3]

  [[entries.updates]]
  note = "42 KB"
  current = "64 KB"
  since = "2024"
  source = "Gizmo guide"

[[entries]]
id = "sprocket"
term = "Sprocket"
definition = "Turns."
lines = [5]

[[questions]]
id = "gizmo-size"
origin = "curated"
type = "single"
prompt = "How big is a gizmo?"
choices = ["42 KB", "1 KB"]
answer = "42 KB"
explain = "The notes say 42 KB."
entry = "gizmo"
lines = [2]
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def load_one(tmp_path: Path, text: str, name: str = "40-widgets.toml"):
    folder = tmp_path / "course"
    write(folder, name, text)
    return load_course([folder], builtin=False)


def line_of(text: str, needle: str, start: int = 1) -> int:
    """1-based number of the first line at or after ``start`` that contains ``needle``."""
    for number, line in enumerate(text.splitlines(), 1):
        if number >= start and needle in line:
            return number
    raise AssertionError(f"{needle!r} not in text")


def only_problem(result) -> LessonError:
    assert len(result.problems) == 1, [str(p) for p in result.problems]
    return result.problems[0]


# ---------------------------------------------------------------- happy path


def test_good_file_loads_with_every_field(tmp_path: Path) -> None:
    result = load_one(tmp_path, GOOD)
    assert result.problems == []
    course = result.course
    topic = course.topic("widgets")
    assert topic is not None
    assert course.topic(40) is topic
    assert course.topic("40") is topic
    gizmo = course.entries["widgets/gizmo"]
    assert gizmo.full_form == "General Gizmo"
    assert gizmo.lines == (2, 3, 4)
    assert gizmo.related == ("widgets/sprocket",)
    assert [c.id for c in gizmo.children] == ["widgets/gizmo-mini"]
    assert gizmo.children[0].parent_id == "widgets/gizmo"
    assert gizmo.updates[0].current == "64 KB"
    assert gizmo.source_line == line_of(GOOD, "[[entries]]")
    assert [e.slug for e in topic.walk()] == ["gizmo", "gizmo-mini", "sprocket"]
    question = course.questions["widgets/q/gizmo-size"]
    assert question.entry_id == "widgets/gizmo"
    assert question.correct_choices == ("42 KB",)


def test_builtin_course_loads_clean_with_the_notes_23_topics_first() -> None:
    result = load_course()
    assert result.problems == [], [str(p) for p in result.problems]
    numbers = [t.number for t in result.course.topics]
    assert numbers == list(range(1, len(numbers) + 1))  # topics beyond the notes continue the numbering
    assert len(numbers) >= 23
    assert all(t.lines for t in result.course.topics[:23])
    assert len(list(BUILTIN_DIR.glob("*.toml"))) == len(numbers)
    titles = {t.id: t.title for t in result.course.topics}
    assert titles["cloudfront"] == "CloudFront"
    assert titles["dynamodb"] == "DynamoDB"


def test_extra_folder_adds_topics_after_builtin(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    write(folder, "40-widgets.toml", GOOD)
    result = load_course([folder])
    assert result.problems == []
    assert result.course.topics[-1].id == "widgets"
    assert result.course.topic("iam-ec2") is not None
    course = result.course
    assert course.next_topic(course.topics[-2].id) is course.topics[-1]
    assert course.next_topic("widgets") is None  # the last
    assert course.next_topic("no-such-topic") is None


# ---------------------------------------------------------------- broken files


def test_bad_syntax_names_file_and_line(tmp_path: Path) -> None:
    result = load_one(tmp_path, GOOD.replace('term = "Sprocket"', 'term = "Sprocket'))
    problem = only_problem(result)
    assert problem.path.endswith("40-widgets.toml")
    assert problem.line == line_of(GOOD, 'term = "Sprocket"')
    assert "TOML syntax" in problem.problem
    assert result.course.topics == ()


def test_missing_field(tmp_path: Path) -> None:
    problem = only_problem(load_one(tmp_path, GOOD.replace('term = "Sprocket"\n', "")))
    # the [[entries]] table that lacks it
    assert problem.line == line_of(GOOD, 'id = "sprocket"') - 1
    assert problem.problem == "missing field 'term' in entry 'sprocket'"


def test_unknown_key_suggests_the_right_one(tmp_path: Path) -> None:
    problem = only_problem(load_one(tmp_path, GOOD.replace('definition = "Turns."', 'defintion = "Turns."')))
    assert problem.line == line_of(GOOD, 'definition = "Turns."')
    assert "unknown key 'defintion'" in problem.problem
    assert "did you mean 'definition'" in problem.problem


def test_duplicate_entry_id(tmp_path: Path) -> None:
    problem = only_problem(load_one(tmp_path, GOOD.replace('id = "sprocket"', 'id = "gizmo-mini"')))
    assert problem.line == line_of(GOOD, 'id = "sprocket"')
    first = line_of(GOOD, 'id = "gizmo-mini"')
    assert f"duplicate entry id 'gizmo-mini' (first used at line {first})" in problem.problem


def test_duplicate_topic_id_keeps_the_first(tmp_path: Path) -> None:
    folder = tmp_path / "course"
    write(folder, "40-widgets.toml", GOOD)
    write(folder, "41-widgets-again.toml", GOOD.replace("number = 40", "number = 41"))
    result = load_course([folder], builtin=False)
    problem = only_problem(result)
    assert problem.path.endswith("41-widgets-again.toml")
    assert "duplicate topic id 'widgets'" in problem.problem
    assert [t.id for t in result.course.topics] == ["widgets"]


def test_a_bad_link_is_left_out_and_its_topic_stays(tmp_path: Path) -> None:
    folder = tmp_path / "course"
    write(folder, "40-widgets.toml", GOOD)
    other = GOOD.replace('id = "widgets"', 'id = "other"').replace("number = 40", "number = 41")
    other = other.replace('related = ["sprocket"]', 'related = ["widgets/nope"]')
    write(folder, "41-other.toml", other)
    result = load_course([folder], builtin=False)
    problem = only_problem(result)
    assert problem.path.endswith("41-other.toml")
    assert problem.line == line_of(GOOD, "related = ")
    assert "links to unknown entry 'widgets/nope' (link left out)" in problem.problem
    assert [t.id for t in result.course.topics] == ["widgets", "other"]
    assert result.course.entries["other/gizmo"].related == ()


def test_a_broken_file_never_takes_the_topics_that_link_to_it(tmp_path: Path) -> None:
    folder = tmp_path / "course"
    write(folder, "40-widgets.toml", GOOD.replace("[[entries]]", "[[entries]]\nbroken = [", 1))
    other = GOOD.replace('id = "widgets"', 'id = "other"').replace("number = 40", "number = 41")
    write(folder, "41-other.toml", other.replace('related = ["sprocket"]', 'related = ["widgets/gizmo"]'))
    result = load_course([folder], builtin=False)
    assert [t.id for t in result.course.topics] == ["other"]
    assert len(result.problems) == 2  # the broken file, and the one link into it
    assert any("TOML syntax" in str(p) for p in result.problems)


def test_question_testing_unknown_entry(tmp_path: Path) -> None:
    result = load_one(tmp_path, GOOD.replace('entry = "gizmo"', 'entry = "gadget"'))
    problem = only_problem(result)
    assert "tests unknown entry 'widgets/gadget' (question left out)" in problem.problem
    assert problem.line == line_of(GOOD, 'entry = "gizmo"')
    assert result.course.topic("widgets") is not None
    assert result.course.questions == {}


def test_hostile_course_files_are_one_line_each_and_the_rest_loads(tmp_path: Path) -> None:
    import os

    folder = tmp_path / "course"
    write(folder, "40-widgets.toml", GOOD)
    (folder / "41-deep.toml").write_text('id = "deep"\nnumber = 41\ntitle = "D"\nentries = ' + "[" * 5000 + "]" * 5000)
    (folder / "42-folder.toml").mkdir()
    os.mkfifo(folder / "43-fifo.toml")
    (folder / "44-zero.toml").symlink_to("/dev/zero")
    nested = "".join(
        f'{"  " * d}[[entries{".children" * d}]]\n{"  " * d}id = "e{d}"\n{"  " * d}term = "E"\n'
        f'{"  " * d}definition = "x"\n{"  " * d}lines = [1]\n'
        for d in range(12)
    )
    (folder / "45-nested.toml").write_text('id = "nested"\nnumber = 45\ntitle = "N"\nlines = [1]\n' + nested)
    result = load_course([folder], builtin=False)
    assert [t.id for t in result.course.topics] == ["widgets"]
    text = "\n".join(str(p) for p in result.problems)
    assert "41-deep.toml: nested too deeply" in text
    assert "42-folder.toml: not a regular file" in text
    assert "43-fifo.toml: not a regular file" in text
    assert "44-zero.toml: not a regular file" in text
    assert "45-nested.toml" in text
    assert "nested more than 8 deep" in text
    assert all("\n" not in str(p) for p in result.problems)


def test_a_course_file_that_is_too_big_is_skipped(tmp_path: Path) -> None:
    from lessons import parse

    folder = tmp_path / "course"
    write(folder, "40-widgets.toml", GOOD + "# " + "x" * parse.MAX_FILE_BYTES + "\n")
    result = load_course([folder], builtin=False)
    assert "too big for a course file" in str(only_problem(result))


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('answer = "42 KB"', 'answer = "2 KB"', "is not among its choices"),
        ('choices = ["42 KB", "1 KB"]', 'choices = ["42 KB", "42 kb"]', "duplicate choices"),
        ('type = "single"', 'type = "essay"', "'type' of question 'gizmo-size' must be one of"),
        ("number = 40", 'number = "forty"', "topic 'number' must be a whole number"),
        ('id = "gizmo"', 'id = "Gizmo Thing"', "must be a slug"),
        ('notes = ["First note.", "Second note."]', 'notes = "First note."', "must be a list of non-empty texts"),
        ('definition = "Turns."', 'definition = "Turns <code>x</code>."', "stray HTML"),
        ('definition = "Turns."', 'definition = "Turns {{fast."', "unbalanced {{ }}"),
        ("lines = [5]", 'lines = ["five"]', "bad line number"),
        ('kind = "type"', 'kind = "gadget"', "unknown kind 'gadget'"),
    ],
)
def test_wrong_values_are_named(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in GOOD
    problem = only_problem(load_one(tmp_path, GOOD.replace(old, new, 1)))
    assert message in problem.problem
    assert problem.line > 0
    text = GOOD.replace(old, new, 1).splitlines()
    assert new.split("=")[0].strip() in text[problem.line - 1] or "[[" in text[problem.line - 1]


def test_not_utf8(tmp_path: Path) -> None:
    folder = tmp_path / "course"
    folder.mkdir()
    (folder / "40-widgets.toml").write_bytes(GOOD.encode() + b'\nbad = "\xff"\n')
    problem = only_problem(load_course([folder], builtin=False))
    assert problem.problem == "not UTF-8 text"
    assert problem.line == GOOD.count("\n") + 2


def test_broken_file_does_not_stop_the_others(tmp_path: Path) -> None:
    folder = tmp_path / "course"
    write(folder, "40-widgets.toml", GOOD)
    write(folder, "41-broken.toml", "id = [")
    result = load_course([folder], builtin=False)
    assert len(result.problems) == 1
    assert result.problems[0].path.endswith("41-broken.toml")
    assert [t.id for t in result.course.topics] == ["widgets"]


def test_missing_folder_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    result = load_course([tmp_path / "nowhere"], builtin=False)
    assert "not a folder of course files" in only_problem(result).problem


def test_parse_text_directly_raises_lesson_error() -> None:
    with pytest.raises(LessonError) as info:
        parse_topic_text('id = "x"\nnumber = 1\n', "t.toml")
    assert str(info.value) == "t.toml:1: missing field 'title' in the topic"
