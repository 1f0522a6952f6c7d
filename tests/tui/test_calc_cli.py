"""``awstutor calc``, run as a user runs it: a subprocess, output, JSON and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lessons.formulas import FORMULAS

ROOT = Path(__file__).resolve().parents[2]


def _one_line_error(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert result.returncode == 2, result
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("awstutor: ")
    for fragment in fragments:
        assert fragment in lines[0]


def test_formula_prints_result_and_steps(cli) -> None:
    result = cli("calc", "rcu", "--item-kb", "12", "--reads", "16", "--consistency", "eventual")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "24 RCU"
    assert "  (16 / 2) * (12 / 4) = 24 RCU" in lines
    assert result.stderr == ""


def test_formula_json(cli) -> None:
    result = cli("calc", "wcu", "--item-kb", "2", "--writes", "120", "--per", "minute", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == ["result", "unit", "steps"]
    assert data["result"] == 4
    assert data["unit"] == "WCU"
    assert data["steps"][-1] == "120 / 60 * 2 = 4 WCU"
    assert all(isinstance(step, str) for step in data["steps"])


def test_json_before_the_formula_and_warnings(cli) -> None:
    result = cli("calc", "--json", "lambda-concurrency", "--rps", "3000", "--duration-ms", "1250")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == ["result", "unit", "steps", "warnings"]
    assert data["result"] == 3750
    assert data["unit"] == "concurrent executions"
    assert "1000" in data["warnings"][0]


def test_warnings_in_text_output(cli) -> None:
    result = cli("calc", "stream-concurrency", "--shards", "200", "--parallelization", "10")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "2000 concurrent executions"
    assert result.stdout.splitlines()[-1].startswith("warning: ")


@pytest.mark.parametrize(
    ("args", "first_line"),
    [
        (["partitions", "--rcu", "1000", "--wcu", "500", "--size-gb", "25"], "3 partitions"),
        (["kinesis-shards", "--in-mb", "3", "--in-records", "2500", "--out-mb", "5"], "3 shards"),
        (["s3-prefixes", "--gets", "12000", "--puts", "4000"], "3 prefixes"),
        (["xray", "--rps", "50"], "3.45 traces/s"),
        (["wcu", "--item-kb", "4.5", "--writes", "6", "--transactional"], "60 WCU"),
        (["batch-write", "--items", "60", "--item-kb", "4"], "3 calls"),
    ],
)
def test_other_formulas(cli, args: list[str], first_line: str) -> None:
    result = cli("calc", *args)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == first_line


def test_expressions(cli) -> None:
    assert cli("calc", "ceil(6 KB / 4 KB) * 10").stdout == "20\n"
    assert cli("calc", "2", "+", "3").stdout == "5\n"  # unquoted
    assert cli("calc", "6 KB * 10").stdout == "60 KB\n"
    assert cli("calc", "--", "-2*3").stdout == "-6\n"


def test_expression_json(cli) -> None:
    data = json.loads(cli("calc", "16 MB / 400 KB", "--json").stdout)
    assert data == {"result": 40.96, "unit": "", "steps": ["16 MB / 400 KB = 40.96"]}
    data = json.loads(cli("calc", "--json", "1.5 MB * 2").stdout)
    assert (data["result"], data["unit"]) == (3, "MB")


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["rcx", "--item-kb", "4"], ["unknown formula 'rcx'", "did you mean 'rcu'"]),
        (["rcu", "--reads", "10"], ["--item-kb", "calc rcu --help"]),
        (["rcu", "--item-kb", "abc", "--reads", "10"], ["--item-kb", "must be a number"]),
        (["rcu", "--item-kb", "0", "--reads", "10"], ["more than 0"]),
        (["rcu", "--item-kb", "4", "--reads", "-5"], ["cannot be negative"]),
        (["rcu", "--item-kb", "4", "--reads", "1", "--per", "hour"], ["--per"]),
        (["rcu", "--item-kb", "4", "--reads", "1", "--colour", "red"], ["--colour"]),
        (["9**9**9"], ["too large"]),
        (["1 / 0"], ["division by zero"]),
        (["__import__('os')"], ["quotes"]),
        ([], ["needs a formula or an expression"]),
    ],
)
def test_bad_input_is_one_line_and_exit_2(cli, args: list[str], fragments: list[str]) -> None:
    _one_line_error(cli("calc", *args), *fragments)


def test_help_lists_the_formulas(cli) -> None:
    result = cli("calc", "--help")
    assert result.returncode == 0
    for name in FORMULAS:
        assert f"  {name} " in result.stdout
    assert "1 KB = 1024 B" in result.stdout
    formula_help = cli("calc", "rcu", "--help")
    assert formula_help.returncode == 0
    assert "--consistency" in formula_help.stdout
    assert "dynamodb/rcu" in formula_help.stdout


@pytest.mark.parametrize("args", [["calc", "1+1"], ["calc", "rcu", "--item-kb", "6", "--reads", "10", "--json"]])
def test_calc_never_imports_textual(args: list[str]) -> None:
    code = f"import sys; from tui.cli import main; main({args!r}); print('textual' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "False"


def test_building_the_parser_does_not_load_the_formulas() -> None:
    code = "import sys; from tui.cli import build_parser; build_parser(); print('lessons.formulas' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.stdout.strip() == "False", result.stderr
