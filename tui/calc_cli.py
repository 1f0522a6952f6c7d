"""The ``calc`` subcommand of ``awstutor``: the course's formulas and a safe calculator.

Registered by :func:`tui.cli.build_parser` through :func:`register`. Nothing
heavy at import time: the formulas, the calculator and ``json`` are imported
inside :func:`run` (and the formula list only when help is shown); Textual
never is.

* ``awstutor calc FORMULA --option VALUE ...``: a formula of
  :data:`lessons.formulas.FORMULAS` (``rcu``, ``wcu``, ``partitions``...), with
  its worked steps and warnings;
* ``awstutor calc EXPRESSION``: anything else is an arithmetic expression for
  :func:`lessons.calc.evaluate`; the words are joined, so ``awstutor calc 2 + 3``
  works unquoted. An expression that starts with ``-`` goes after ``--``
  (``awstutor calc -- -2*3``), as argparse would read it as an option;
* ``--json`` (before or after the rest) prints
  ``{"result": number, "unit": "...", "steps": ["..."]}``, plus ``"warnings"``
  when there are any.

Bad input (unknown formula, missing or bad option, refused expression) is one
line on stderr and exit status 2, through ``tui.cli``'s ``UsageError``.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from typing import Any

from tui.commandline import EXIT_OK, UsageError

_FORMULA_LIST = "\0formulas\0"  # epilog marker: replaced by the formula list when help is printed


def register(command: Callable[..., argparse.ArgumentParser]) -> None:
    """Add ``calc`` through ``tui.cli``'s ``command(name, help, run)`` factory."""
    p = command("calc", "work out a course formula (RCU, WCU, shards, ...) or an arithmetic expression", run)
    p.formatter_class = _HelpFormatter
    p.usage = "%(prog)s [--json] FORMULA [OPTIONS]\n       %(prog)s [--json] EXPRESSION"
    p.epilog = _FORMULA_LIST
    p.add_argument("--json", action="store_true", help='print {"result": ..., "unit": ..., "steps": [...]}')
    p.add_argument(
        "words",
        nargs=argparse.REMAINDER,
        metavar="FORMULA|EXPRESSION",
        help='a formula name and its options, or an expression such as "ceil(6 KB / 4 KB) * 10"',
    )


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the epilog's layout and fills in the formula list only when help is printed."""

    def add_text(self, text: str | None) -> None:
        if text == _FORMULA_LIST:
            text = _formula_help()
        super().add_text(text)


class _FormulaParser(argparse.ArgumentParser):
    """One formula's options; errors are one line (``UsageError``), never a usage block."""

    def error(self, message: str) -> Any:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _synopsis(formula: Any) -> str:
    parts = []
    for p in formula.params:
        if p.type is bool:
            parts.append(f"[{p.option}]")
            continue
        value = "|".join(p.choices) if p.choices else ("N" if p.type is int else "X")
        parts.append(f"{p.option} {value}" if p.required else f"[{p.option} {value}]")
    return " ".join(parts)


def _formula_help() -> str:
    from lessons.calc import FUNCTIONS, UNITS
    from lessons.formulas import FORMULAS

    width = max(len(name) for name in FORMULAS) + 2
    lines = ["formulas ('awstutor calc FORMULA --help' explains one):"]
    for f in FORMULAS.values():
        lines.append(f"  {f.name:<{width}}{f.title}")
        lines.append(f"  {'':<{width}}{_synopsis(f)}")
    lines += [
        "",
        "expressions:",
        f"  + - * / // % ** (or ^), parentheses, {', '.join(FUNCTIONS)};",
        f"  sizes in {', '.join(UNITS)} (binary: 1 KB = 1024 B): size / size is a number, size * number a size",
        "",
        "examples:",
        "  awstutor calc rcu --item-kb 12 --reads 16 --consistency eventual",
        "  awstutor calc wcu --item-kb 2 --writes 120 --per minute --json",
        '  awstutor calc "ceil(6 KB / 4 KB) * 10"',
        "  awstutor calc 16 MB / 400 KB",
        "  awstutor calc -- -2*3        (an expression starting with '-' goes after '--')",
    ]
    return "\n".join(lines)


# ------------------------------------------------------------------ running


def run(args: argparse.Namespace) -> int:
    words = list(args.words)
    if words[:1] == ["--"]:
        words = words[1:]
    if not words:
        raise UsageError("calc needs a formula or an expression (see 'awstutor calc --help')")
    from lessons.formulas import find

    formula = find(words[0])
    if formula is not None:
        return _run_formula(formula, words[1:], args.json)
    return _run_expression(words, args.json)


def _run_formula(formula: Any, words: list[str], as_json: bool) -> int:
    from lessons.formulas import FormulaError

    parser = _FormulaParser(
        prog=f"awstutor calc {formula.name}",
        description=f"{formula.title}: {formula.summary}.",
        epilog=f"Course entry: {formula.entry}.",
    )
    for p in formula.params:
        if p.type is bool:
            parser.add_argument(p.option, dest=p.name, action="store_true", help=p.help)
            continue
        metavar = "|".join(p.choices) if p.choices else ("N" if p.type is int else "X")
        default = "" if p.required else f" (default: {p.default})"
        parser.add_argument(
            p.option,
            dest=p.name,
            metavar=metavar,
            type=_converter(p),
            choices=p.choices or None,
            required=p.required,
            default=None,
            help=p.help + default,
        )
    parser.add_argument("--json", action="store_true", help="print JSON")
    options = parser.parse_args(words)
    raw = {p.name: getattr(options, p.name) for p in formula.params if getattr(options, p.name) is not None}
    try:
        result = formula(**formula.coerce(raw))
    except FormulaError as error:
        raise UsageError(f"calc {formula.name}: {error}") from None
    if as_json or options.json:
        _print_json(result.as_dict())
        return EXIT_OK
    print(result.text)
    for step in result.steps:
        print(f"  {step}")
    for warning in result.warnings:
        print(f"warning: {warning}")
    return EXIT_OK


def _converter(param: Any) -> Callable[[str], Any]:
    """argparse ``type=`` for a parameter: its own parsing, its message on failure."""
    from lessons.formulas import FormulaError

    def convert(text: str) -> Any:
        try:
            return param.parse(text)
        except FormulaError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return convert


_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


def _run_expression(words: list[str], as_json: bool) -> int:
    from lessons.calc import FUNCTIONS, UNITS, CalcError, evaluate

    tokens = [w for w in words if w != "--json"]
    as_json = as_json or len(tokens) != len(words)
    first = tokens[0] if tokens else ""
    known = {name.lower() for name in (*FUNCTIONS, *UNITS, "ceiling")}
    if (
        _WORD.fullmatch(first)
        and first.lower() not in known
        and (len(tokens) == 1 or "-" in first or tokens[1].startswith("--"))
    ):
        raise UsageError(_unknown_formula(first))
    text = " ".join(tokens)
    try:
        result = evaluate(text)
    except CalcError as error:
        raise UsageError(f"calc: {error}") from None
    if as_json:
        _print_json({"result": result.value, "unit": result.unit or "", "steps": [f"{text.strip()} = {result.text}"]})
    else:
        print(result.text)
    return EXIT_OK


def _unknown_formula(name: str) -> str:
    from lessons.formulas import FORMULAS
    from lessons.spelling import closest

    close = closest(name.lower(), FORMULAS)
    hint = f"did you mean '{close}'? " if close else ""
    return f"calc: unknown formula {name!r}; {hint}formulas: {', '.join(FORMULAS)} (or give an expression; see 'awstutor calc --help')"


def _print_json(data: dict[str, Any]) -> None:
    import json

    print(json.dumps(data))
