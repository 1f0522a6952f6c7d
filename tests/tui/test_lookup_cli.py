"""``awstutor lookup`` as a user runs it: a subprocess, with and without a terminal."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
ESCAPE = "\x1b["
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def warm_cache(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """One index cache shared by the tests of this module (each build costs ~0.5 s)."""
    cache = tmp_path_factory.mktemp("lookup-cache")
    env = {"AWSTUTOR_CACHE_DIR": str(cache)}
    result = subprocess.run(
        [sys.executable, "-m", "tui", "lookup", "sqs"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **env, "AWSTUTOR_CONFIG_DIR": str(cache / "no-config")},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return env


def lookup(cli, warm_cache: dict[str, str], *args: str, env: dict[str, str] | None = None):
    return cli("lookup", *args, env={**warm_cache, **(env or {})})


def run_in_pty(args: list[str], env: dict[str, str]) -> str:
    """Run ``python -m tui ARGS`` with a pseudo-terminal as its stdout."""
    import pty

    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", *args],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env=env,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed its end
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr.decode()
    return b"".join(chunks).decode("utf-8", "replace")


# ------------------------------------------------------------------ output


def test_lookup_prints_the_answer(cli, warm_cache) -> None:
    result = lookup(cli, warm_cache, "sqs", "visibility", "timeout")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "SQS Visibility Timeout"
    assert lines[1] == "  topic 16: Messaging: SQS, SNS and Kinesis"
    text = result.stdout
    assert "30 seconds" in text
    assert "{{" not in text
    assert "`" not in text
    assert "ChangeMessageVisibility" in text
    assert result.stderr == ""


def test_no_escape_codes_without_a_terminal(cli, warm_cache) -> None:
    for env in ({}, {"NO_COLOR": "1"}, {"NO_COLOR": ""}):
        result = lookup(cli, warm_cache, "sqs", "message", "size", env=env)
        assert result.returncode == 0
        assert ESCAPE not in result.stdout
        assert ESCAPE not in result.stderr


def test_colours_on_a_terminal_and_none_with_no_color(warm_cache) -> None:
    env = {**os.environ, **warm_cache, "TERM": "xterm-256color", "COLUMNS": "80"}
    env.pop("NO_COLOR", None)
    coloured = run_in_pty(["lookup", "sqs", "message", "size", "-n", "1"], env)
    assert ESCAPE in coloured
    assert "\x1b[1;33mSQS Message Size\x1b[0m" in coloured  # matched words highlighted
    assert "\x1b[1;36m256 KB\x1b[0m" in coloured  # {{numbers}} highlighted
    plain = run_in_pty(["lookup", "sqs", "message", "size", "-n", "1"], {**env, "NO_COLOR": "1"})
    assert ESCAPE not in plain
    assert ANSI.sub("", coloured).replace("\r\n", "\n") == plain.replace("\r\n", "\n")


def test_update_callouts_and_added_labels(cli, warm_cache) -> None:
    result = lookup(cli, warm_cache, "sqs", "message", "size", "limit", "-n", "1")
    text = " ".join(result.stdout.split())
    assert "Update (since 2025): Up to 1 MiB per message" in text
    assert "- the notes say: Limitation of 256 KB per message sent." in text
    added = lookup(cli, warm_cache, "kcl", "-n", "1")
    assert "added, not in the original notes" in added.stdout
    assert "added, not in the original notes" not in result.stdout


def test_wraps_to_the_terminal_width_with_hanging_indents(cli, warm_cache) -> None:
    result = lookup(cli, warm_cache, "sqs", "visibility", "timeout", env={"COLUMNS": "40"})
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 40
    assert any(line.startswith("    ") for line in lines)  # a note continued under its bullet
    wide = lookup(cli, warm_cache, "sqs", "visibility", "timeout", env={"COLUMNS": "200"})
    assert len(wide.stdout.splitlines()) < len(lines)


# ------------------------------------------------------------------ options


def hits(result) -> list[dict]:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_json_lists_hits_best_first(cli, warm_cache) -> None:
    rows = hits(lookup(cli, warm_cache, "--json", "visiblity", "timeout"))
    assert len(rows) == 3
    assert rows[0]["id"] == "messaging/sqs-visibility-timeout"
    for row in rows:
        assert {"id", "topic", "term", "full_form", "summary", "score"} <= set(row)
        assert isinstance(row["score"], float)
        assert isinstance(row["summary"], str)
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    assert rows[0]["topic"] == "messaging"
    assert rows[0]["full_form"] is None
    eni = hits(lookup(cli, warm_cache, "--json", "-n", "1", "eni"))
    assert eni[0]["full_form"] == "Elastic Network Interface"


def test_count_options(cli, warm_cache) -> None:
    assert len(hits(lookup(cli, warm_cache, "--json", "sqs"))) == 3
    assert len(hits(lookup(cli, warm_cache, "--json", "-n", "1", "sqs"))) == 1
    assert len(hits(lookup(cli, warm_cache, "--json", "-n", "7", "sqs"))) == 7
    everything = hits(lookup(cli, warm_cache, "--json", "--all", "sqs"))
    assert len(everything) > 10
    one = lookup(cli, warm_cache, "-n", "1", "sqs")
    three = lookup(cli, warm_cache, "sqs")
    assert one.stdout.count("\n\n") == 0
    assert three.stdout.count("\n\n") == 2


def test_no_match_suggests_and_exits_1(cli, warm_cache) -> None:
    result = lookup(cli, warm_cache, "xyzzy")
    assert result.returncode == 1
    assert result.stdout.startswith('No match for "xyzzy".')
    typo = lookup(cli, warm_cache, "qqfargte")
    assert typo.returncode == 1
    assert "Closest terms: Fargate" in typo.stdout
    as_json = lookup(cli, warm_cache, "--json", "xyzzy")
    assert as_json.returncode == 1
    assert json.loads(as_json.stdout) == []
    assert "no match" in as_json.stderr


@pytest.mark.parametrize(
    "args", [[], ["   "], ["!!!", "..."], ["-n", "0", "sqs"], ["-n", "x", "sqs"], ["--bogus", "sqs"]]
)
def test_usage_errors_are_one_line_and_exit_2(cli, warm_cache, args) -> None:
    result = lookup(cli, warm_cache, *args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("awstutor: ")


def test_lookup_is_listed_in_help(cli) -> None:
    assert "lookup" in cli("--help").stdout
    assert "--all" in cli("lookup", "--help").stdout


# ------------------------------------------------------------------ cache and course folders


def test_the_first_lookup_builds_the_cache_and_the_next_reads_it(private_dirs: Path) -> None:
    probe = (
        "import sys; from tui.cli import main; code = main(['lookup', 'sqs']); "
        "print(code, 'tomllib' in sys.modules, 'lessons.loader' in sys.modules, file=sys.stderr)"
    )
    runs = [cli_python(probe) for _ in range(2)]
    assert runs[0].stderr.split() == ["0", "True", "True"]  # built: the course was parsed
    assert runs[1].stderr.split() == ["0", "False", "False"]  # from the cache: no TOML at all
    assert runs[0].stdout == runs[1].stdout
    assert any((private_dirs / "awstutor-cache").iterdir())


def cli_python(code: str):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)


def test_extra_course_folders_are_searched_and_their_problems_reported(cli, tmp_path: Path) -> None:
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "40-gadgets.toml").write_text(
        'id = "gadgets"\nnumber = 40\ntitle = "Gadgets"\nlines = [1]\n\n'
        '[[entries]]\nid = "gizmo"\nterm = "Gizmo"\ndefinition = "A small thing."\nlines = [2]\n',
        encoding="utf-8",
    )
    (extra / "41-broken.toml").write_text("id = [\n", encoding="utf-8")
    first = cli("lookup", "--lessons", str(extra), "gizmo")
    assert first.returncode == 0
    assert first.stdout.startswith("Gizmo\n  topic 40: Gadgets")
    problems = first.stderr.splitlines()
    assert len(problems) == 1
    assert problems[0].startswith("lessons: ")
    assert "41-broken.toml" in problems[0]
    again = cli("lookup", "--lessons", str(extra), "gizmo")  # from the cache: same answer, same notice
    assert (again.returncode, again.stdout, again.stderr) == (0, first.stdout, first.stderr)
    (extra / "41-broken.toml").unlink()
    fixed = cli("lookup", "--lessons", str(extra), "gizmo")
    assert fixed.returncode == 0
    assert fixed.stderr == ""
    without = cli("lookup", "gizmo")
    assert without.returncode == 1


def test_a_corrupt_cache_does_not_break_the_lookup(cli, private_dirs: Path) -> None:
    cache = private_dirs / "awstutor-cache"
    cache.mkdir(parents=True, exist_ok=True)
    (cache / "search-index.marshal").write_bytes(b"\x00garbage")
    result = cli("lookup", "dlq")
    assert result.returncode == 0
    assert result.stdout.startswith("SQS Dead Letter Queue")
    assert result.stderr == ""


# ------------------------------------------------------------------ import hygiene


def test_lookup_never_imports_textual_or_rich(warm_cache) -> None:
    code = (
        "import sys; from tui.cli import main; main(['lookup','sqs']); "
        "print('textual' in sys.modules, 'rich' in sys.modules, file=sys.stderr)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **warm_cache},
        timeout=60,
    )
    assert result.stderr.split() == ["False", "False"]
