"""The awstutor command as a user runs it: subprocess, no terminal."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from lessons.loader import load_course
from tui import __version__

ROOT = Path(__file__).resolve().parents[2]


def test_version(cli) -> None:
    result = cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"awstutor {__version__}"


def test_help_lists_the_commands(cli) -> None:
    result = cli("--help")
    assert result.returncode == 0
    for command in ("topics", "check"):
        assert command in result.stdout


TOPICS = len(load_course().course.topics)  # the notes' 23 and the topics added for the exam


def test_topics_table_lists_every_topic(cli) -> None:
    result = cli("topics")
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if re.match(r"\s*\d+\s+[a-z0-9-]+\s", line)]
    assert len(rows) == TOPICS >= 23
    assert "cloudfront" in result.stdout
    assert "CloudFront" in result.stdout
    assert result.stderr == ""


def test_topics_json(cli) -> None:
    result = cli("topics", "--json")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    topics = data["topics"]
    assert [t["number"] for t in topics] == list(range(1, TOPICS + 1))
    for topic in topics:
        assert set(topic) >= {"number", "id", "title", "entries", "added_entries", "questions", "scenarios", "task"}
        assert topic["entries"] > 0
        assert topic["questions"] >= 12
    totals = data["totals"]
    assert totals["scenarios"] == sum(t["scenarios"] for t in topics) >= 300
    assert all(task["scenarios"] >= 10 for task in totals["tasks"].values()), totals["tasks"]
    assert [d["weight"] for d in totals["domains"].values()] == [32, 26, 24, 18]
    assert {t["id"] for t in topics} >= {"dynamodb", "messaging", "lambda", "s3"}


def test_unknown_option_is_one_line_exit_2(cli) -> None:
    result = cli("topics", "--bogus")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "unrecognized arguments: --bogus" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_command_is_one_line_exit_2(cli) -> None:
    result = cli("frobnicate")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "invalid choice" in result.stderr


def test_broken_extra_course_folder_is_reported_and_the_rest_loads(cli, tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "40-broken.toml").write_text('id = "broken"\nnumber = 40\ntitle = "B"\nlines = [1]\nentries = 3\n')
    result = cli("--lessons", str(folder), "topics", "--json")
    assert result.returncode == 0
    assert len(json.loads(result.stdout)["topics"]) == TOPICS
    assert result.stderr.strip().startswith("lessons: ")
    assert "40-broken.toml:5:" in result.stderr
    assert result.stderr.count("\n") == 1


def test_check_fails_on_a_broken_folder(cli, tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "40-broken.toml").write_text("id = [")
    result = cli("check", "--lessons", str(folder))
    assert result.returncode == 1
    assert "40-broken.toml:1: TOML syntax" in result.stderr


def test_check_against_the_notes(cli, notes_text: str, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text(notes_text, encoding="utf-8")
    result = cli("check", "--notes", str(notes))
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().endswith("notes: ok")
    # A line the course does not cover is reported with its number.
    notes.write_text(notes_text + "\nA brand new fact nobody curated\n", encoding="utf-8")
    result = cli("check", "--notes", str(notes))
    assert result.returncode == 1
    last = len((notes_text + "\nA brand new fact nobody curated\n").splitlines())
    assert f"line {last}: not covered" in result.stdout


def test_app_refuses_without_a_terminal(cli) -> None:
    result = cli()
    assert result.returncode == 2
    assert "needs a terminal" in result.stderr
    assert result.stderr.count("\n") == 1


def test_headless_layers_never_import_textual() -> None:
    code = (
        "import sys, lessons, progress, lessons.loader, lessons.fidelity, lessons.markup, "
        "progress.locations, tui, tui.cli\n"
        "print('textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "False", out.stderr


def test_topics_command_never_imports_textual() -> None:
    code = "import sys, io, contextlib\nfrom tui.cli import main\nwith contextlib.redirect_stdout(io.StringIO()):\n    main(['topics'])\nprint('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "False", out.stderr


def test_topics_table_fits_the_terminal(cli) -> None:
    for width in (80, 70):
        result = cli("topics", env={"COLUMNS": str(width)})
        assert result.returncode == 0
        assert max(len(line) for line in result.stdout.splitlines()) < width
        assert "..." in result.stdout  # long titles are cut, not wrapped


@pytest.mark.parametrize("seed", ["1", "2", "3", "4", "5"])
def test_the_exam_plan_as_data(cli, seed: str) -> None:
    result = cli("quiz", "--mode", "exam", "--seed", seed, "--dry-run", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 65
    assert all(set(row) == {"id", "topic", "domain", "task", "type", "origin"} for row in rows)
    domains = [sum(1 for r in rows if r["domain"] == d) for d in (1, 2, 3, 4)]
    assert all(abs(got - want) <= 1 for got, want in zip(domains, (21, 17, 15, 12), strict=True)), domains
    assert not any(r["origin"] == "generated" for r in rows)
    assert sum(r["origin"] == "scenario" for r in rows) >= 0.7 * 65


def test_a_domain_quiz_from_the_command_line(cli) -> None:
    result = cli("quiz", "--domain", "2", "--count", "10", "--seed", "1", "--dry-run", "--json")
    assert result.returncode == 0, result.stderr
    assert {r["domain"] for r in json.loads(result.stdout)} == {2}
    bad = cli("quiz", "--domain", "7", "--dry-run")
    assert bad.returncode == 2
    assert bad.stderr.count("\n") == 1
    assert cli("quiz", "--json").returncode == 2  # --json needs --dry-run


def test_another_projects_package_of_the_same_name_is_one_line(cli, tmp_path: Path) -> None:
    """pip install progress (a popular PyPI package) in the same environment shadows ours."""
    other = tmp_path / "site" / "progress"
    other.mkdir(parents=True)
    (other / "__init__.py").write_text("from .bar import Bar  # not awstutor's\n")
    (other / "bar.py").write_text("class Bar: pass\n")
    env = dict(os.environ, PYTHONPATH=f"{tmp_path / 'site'}{os.pathsep}{ROOT}")
    # Not from the project folder (it would come first on the path): as an installed command runs.
    result = subprocess.run(
        [sys.executable, "-m", "tui", "topics"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60
    )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "the package 'progress' at" in result.stderr
    assert "is not awstutor's" in result.stderr
    assert "pipx install ." in result.stderr
    assert "Traceback" not in result.stderr


def test_what_the_user_typed_is_never_echoed_with_control_characters(cli) -> None:
    for args in (("quiz", "--topic", "\x1b[31mred\x07", "--dry-run"), ("lookup", "zzqxvw\x1b\x07")):
        result = cli(*args)
        assert result.returncode in (1, 2)
        assert "zzqxvw" in result.stderr + result.stdout or "red" in result.stderr  # echoed, cleaned
        assert "\x1b" not in result.stderr + result.stdout
        assert "\x07" not in result.stderr + result.stdout
    long = cli("lookup", "x" * 100_000)
    assert long.returncode == 2
    assert "at most 500" in long.stderr


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def test_readme_figures_match_topics_json(cli) -> None:
    """The README's opening paragraph quotes the course's size: it must be today's."""
    totals = json.loads(cli("topics", "--json").stdout)["totals"]
    intro = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split("## Install")[0].split())
    found = re.search(
        r"(\d+) topics and ([\d,]+) entries \(([\d,]+) from the notes, ([\d,]+) added .*?"
        r"([\d,]+) written quiz questions \(([\d,]+) of them exam-style scenarios\)",
        intro,
    )
    assert found, "the README's opening paragraph no longer states the course's size"
    topics, entries, from_notes, added, questions, scenarios = map(_number, found.groups())
    assert topics == TOPICS
    assert entries == totals["entries"]
    assert added == totals["added_entries"]
    assert from_notes == totals["entries"] - totals["added_entries"]
    assert questions == totals["questions"]
    assert scenarios == totals["scenarios"]


@pytest.mark.parametrize(
    "argv", [[], ["--ascii"], ["--data-dir", "topics", "--plain"], ["--lessons=a", "--lessons", "b", "--data-dir=d"]]
)
def test_bare_awstutor_parses_as_the_whole_parser_would(argv: list[str]) -> None:
    from tui.cli import _only_app_options, build_parser

    assert _only_app_options(argv)
    short = vars(build_parser(commands=False).parse_args(argv))
    full = vars(build_parser().parse_args(argv))
    assert full.pop("command") is None
    assert short == full


@pytest.mark.parametrize(
    "argv", [["topics"], ["--data-dir"], ["-h"], ["--version"], ["--data-dir", "x", "lookup", "sqs"], ["--asci"]]
)
def test_anything_else_gets_the_whole_parser(argv: list[str]) -> None:
    from tui.cli import _only_app_options

    assert not _only_app_options(argv)
