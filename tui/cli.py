"""The ``awstutor`` command.

Subcommands import what they need inside their own function: ``lookup``,
``calc``, ``topics`` and ``progress`` never import Textual. Every failure the
user can cause ends in one line on stderr and a non-zero exit, never a
traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from tui import __version__

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad arguments: one line on stderr, exit 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, but errors are one line (and never print a usage block)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _common(parser: argparse.ArgumentParser, *, top: bool) -> None:
    default = None if top else argparse.SUPPRESS
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        default=default,
        help="where progress is kept (default: $AWSTUTOR_DATA_DIR or the platform's user data folder)",
    )
    parser.add_argument(
        "--lessons",
        metavar="DIR",
        action="append",
        default=[] if top else argparse.SUPPRESS,
        help="also load the course files in DIR (repeatable)",
    )


def build_parser() -> _Parser:
    parser = _Parser(
        prog="awstutor",
        description="A terminal tutor for the AWS Certified Developer - Associate course. "
        "With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"awstutor {__version__}")
    _common(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name: str, help: str, run: Callable[[argparse.Namespace], int]) -> _Parser:
        p = sub.add_parser(name, help=help, description=help)
        _common(p, top=False)
        p.set_defaults(run=run)
        return p

    p = command("topics", "list the course's topics", _run_topics)
    p.add_argument("--json", action="store_true", help="print JSON")

    p = command("check", "validate course files (and, with --notes, their fidelity to the notes)", _run_check)
    p.add_argument("--notes", metavar="FILE", help="the original study notes to check coverage against")
    p.add_argument("--only", metavar="A-B", help="report notes lines A to B only")

    p = command("quiz", "open the app straight at a quiz", _run_quiz)
    p.add_argument(
        "--topic",
        action="append",
        default=[],
        metavar="ID_OR_NUMBER",
        help="a topic id (dynamodb) or number (18); repeat for several",
    )
    p.add_argument(
        "--mode",
        choices=["topic", "mixed", "mistakes", "exam", "due"],
        help="topic (one topic), mixed (several or all), mistakes (last answered wrong), "
        "exam (65 questions, 130 minutes), due (spaced-repetition review); "
        "default: topic for one --topic, else mixed",
    )
    p.add_argument("--count", type=_positive_int, metavar="N", help="number of questions")
    p.add_argument("--seed", type=int, metavar="N", help="make the quiz reproducible")

    from tui import progress_cli

    progress_cli.register(command)
    from tui import lookup_cli

    lookup_cli.register(command)
    from tui import calc_cli

    calc_cli.register(command)
    return parser


# ------------------------------------------------------------------ helpers


def _warn(message: str) -> None:
    print(message, file=sys.stderr)


def load_course(args: argparse.Namespace, *, quiet: bool = False):
    """The built-in course plus extra folders (cached between runs); problems go to stderr, one line each."""
    from lessons.loader import describe, load_course_cached
    from progress.locations import Locations

    locations = Locations.resolve(getattr(args, "data_dir", None))
    extra = list(getattr(args, "lessons", []) or [])
    if locations.lessons.is_dir():
        extra.insert(0, locations.lessons)
    result = load_course_cached(extra, locations.cache)
    if not quiet:
        for line in describe(result.problems):
            _warn(line)
    return result


# ------------------------------------------------------------------ commands


def _run_topics(args: argparse.Namespace) -> int:
    result = load_course(args)
    course = result.course
    rows = [
        {
            "number": t.number,
            "id": t.id,
            "title": t.title,
            "entries": sum(1 for _ in t.walk()),
            "questions": len(t.questions),
        }
        for t in course.topics
    ]
    if args.json:
        import json

        print(json.dumps(rows, indent=2))
        return EXIT_OK
    if not rows:
        _warn("awstutor: no topics loaded")
        return EXIT_FAIL
    import shutil

    id_width = max(len(r["id"]) for r in rows)
    room = shutil.get_terminal_size((80, 24)).columns - 1 - (3 + 2 + id_width + 2 + 2 + 7 + 2 + 9)
    title_width = max(12, min(max(len(r["title"]) for r in rows), room))

    def cut(title: str) -> str:
        return title if len(title) <= title_width else title[: title_width - 3].rstrip() + "..."

    print(f"{'#':>3}  {'id':<{id_width}}  {'title':<{title_width}}  entries  questions")
    for r in rows:
        print(
            f"{r['number']:>3}  {r['id']:<{id_width}}  {cut(r['title']):<{title_width}}  {r['entries']:>7}  {r['questions']:>9}"
        )
    total_e = sum(r["entries"] for r in rows)
    total_q = sum(r["questions"] for r in rows)
    print(f"{'':>3}  {'':<{id_width}}  {'total':<{title_width}}  {total_e:>7}  {total_q:>9}")
    return EXIT_OK


def _run_check(args: argparse.Namespace) -> int:
    result = load_course(args)
    status = EXIT_FAIL if result.problems else EXIT_OK
    course = result.course
    print(
        f"{len(result.files)} files, {len(course.topics)} topics, {len(course.entries)} entries, {len(course.questions)} questions"
    )
    if args.notes:
        from pathlib import Path

        from lessons.fidelity import check

        try:
            notes = Path(args.notes).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise UsageError(f"cannot read notes {args.notes}: {getattr(error, 'strerror', None) or error}") from None
        low, high = 1, 10**9
        if args.only:
            try:
                low, high = (int(x) for x in args.only.split("-"))
            except ValueError:
                raise UsageError(f"--only takes a line range like 100-200, not {args.only!r}") from None
        report = check(course, notes)
        lines = [line for line in report.lines() if _line_of(line) is None or low <= _line_of(line) <= high]
        for line in lines:
            print(line)
        print("notes: ok" if not lines else f"notes: {len(lines)} problems")
        if lines:
            status = EXIT_FAIL
    return status


def _line_of(message: str) -> int | None:
    parts = message.split()
    if len(parts) > 1 and parts[0] == "line":
        return int(parts[1].rstrip(":"))
    return None


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _run_quiz(args: argparse.Namespace) -> int:
    """Check the request (bad topic or count: one line, exit 2), then open the app at the quiz."""
    from lessons.bank import QuestionBank
    from lessons.quiz import QuizError, QuizSpec, build_quiz
    from progress.locations import Locations
    from progress.store import ProgressError, ProgressStore
    from tui.app import StartRequest

    mode = args.mode or ("topic" if len(args.topic) == 1 else "mixed")
    result = load_course(args, quiet=True)
    try:
        store = ProgressStore.open(Locations.resolve(args.data_dir).data)
    except ProgressError as error:
        _warn(f"awstutor: {error}")
        return EXIT_FAIL
    if mode == "due":
        from progress.scheduler import Scheduler

        scheduler = Scheduler(store)
        due = [c for c in scheduler.due_now(args.topic or None)]
        if not due:
            nxt = scheduler.next_due()
            when = f"at {nxt.astimezone():%a %d %b %H:%M}" if nxt else "once you have studied something"
            print(f"Nothing is due for review now; the next card is due {when}.")
            return EXIT_OK
        return _run_app(args, StartRequest(review=True), course_result=result, store=store)
    bank = QuestionBank.build(result.course)
    spec = QuizSpec(mode=mode, topics=list(args.topic), count=args.count, seed=args.seed)
    try:
        quiz = build_quiz(bank, spec, last_results=store.last_results())
    except QuizError as error:
        raise UsageError(str(error)) from None
    return _run_app(args, StartRequest(quiz=quiz), course_result=result, store=store)


def _run_app(args: argparse.Namespace, start=None, *, course_result=None, store=None) -> int:
    """Open the Textual app (the default when no command is given)."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError("the app needs a terminal; for scripts use 'awstutor lookup', 'topics' or 'progress'")
    from progress.locations import Locations
    from progress.store import ProgressError, ProgressStore

    result = course_result or load_course(args, quiet=True)
    if store is None:
        try:
            store = ProgressStore.open(Locations.resolve(args.data_dir).data)
        except ProgressError as error:
            _warn(f"awstutor: {error}")
            return EXIT_FAIL
    notices = [*store.notices, *(f"lessons: {p}" for p in result.problems)]
    for notice in notices:  # also on stderr, so they survive the app's screen
        _warn(notice)
    from tui.app import create_app

    def search_loader():
        """The same cached index as 'awstutor lookup' (built from the loaded course if stale)."""
        from lessons.folders import course_dirs
        from lessons.search import SearchIndex

        locations = Locations.resolve(args.data_dir)
        extra = list(getattr(args, "lessons", []) or [])
        if locations.lessons.is_dir():
            extra.insert(0, locations.lessons)
        return SearchIndex.load_or_build(locations.cache, course_dirs(extra), lambda: result, version=__version__)

    app = create_app(result.course, store, notices=notices, start=start, search_loader=search_loader)
    app.run()
    return app.return_code or EXIT_OK


# ------------------------------------------------------------------ entry point


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        run = getattr(args, "run", _run_app)
        return run(args)
    except UsageError as error:
        _warn(f"awstutor: {error}")
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Output piped into `head` and the like: not an error worth a traceback.
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
