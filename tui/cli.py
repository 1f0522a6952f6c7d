"""The ``awstutor`` command: the parser, the entry point, and the commands that open the app.

Subcommands import what they need inside their own function: ``lookup``,
``calc``, ``topics`` and ``progress`` never import Textual. Every failure the
user can cause ends in one line on stderr and a non-zero exit, never a
traceback. Shared pieces (exit codes, usage errors, folders, loading) are in
:mod:`tui.commandline`; each family of subcommands registers itself from its
own module (``lookup_cli``, ``calc_cli``, ``progress_cli``).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from tui import __version__
from tui.commandline import (
    EXIT_FAIL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    Parser,
    UsageError,
    add_common,
    interactive,
    load_course,
    printable,
    warn,
)

QUIZ_MODES = ("topic", "mixed", "mistakes", "exam", "due")


def build_parser(*, commands: bool = True) -> Parser:
    """The whole command line; ``commands=False``: only the options of the app itself, all
    a bare ``awstutor`` needs (the subcommands' parsers cost ~5 ms of the first screen)."""
    parser = Parser(
        prog="awstutor",
        description="A terminal tutor for the AWS Certified Developer - Associate course. "
        "With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"awstutor {__version__}")
    add_common(parser, top=True)
    parser.add_argument(
        "--plain",
        action="store_true",
        help="line mode: numbered prompts on stdin/stdout, no full screen (the default when TERM=dumb)",
    )
    if not commands:
        return parser
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    def command(name: str, help: str, run: Callable[[argparse.Namespace], int]) -> Parser:
        p = sub.add_parser(name, help=help, description=help)
        add_common(p, top=False)
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
        choices=QUIZ_MODES,
        help="topic (one topic), mixed (several or all), mistakes (last answered wrong), "
        "exam (65 questions, 130 minutes), due (spaced-repetition review); "
        "default: topic for one --topic, else mixed",
    )
    p.add_argument("--count", type=_positive_int, metavar="N", help="number of questions")
    p.add_argument("--seed", type=int, metavar="N", help="make the quiz reproducible")
    p.add_argument(
        "--domain",
        type=int,
        choices=[1, 2, 3, 4],
        metavar="1-4",
        help="only questions of one DVA-C02 domain (1 development, 2 security, 3 deployment, "
        "4 troubleshooting); with no --mode, a mixed quiz over all topics",
    )
    p.add_argument("--dry-run", action="store_true", help="print the questions the quiz would ask, and do not start it")
    p.add_argument("--json", action="store_true", help="with --dry-run: print JSON")
    p.add_argument("--plain", action="store_true", default=argparse.SUPPRESS, help="take it in line mode")

    from tui import calc_cli, lookup_cli, progress_cli, serve_cli

    progress_cli.register(command)
    lookup_cli.register(command)
    calc_cli.register(command)
    serve_cli.register(command)
    return parser


# ------------------------------------------------------------------ commands


def _run_topics(args: argparse.Namespace) -> int:
    result = load_course(args)
    course = result.course
    rows = [
        {
            "number": t.number,
            "id": t.id,
            "title": t.title,
            "task": t.task,
            "entries": sum(1 for _ in t.walk()),
            "added_entries": sum(1 for e in t.walk() if e.added),
            "questions": len(t.questions),
            "scenarios": sum(1 for q in t.questions if q.origin == "scenario"),
        }
        for t in course.topics
    ]
    if args.json:
        import json

        print(json.dumps({"topics": rows, "totals": _blueprint_totals(course)}, indent=2))
        return EXIT_OK
    if not rows:
        warn("awstutor: no topics loaded")
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
            f"{r['number']:>3}  {r['id']:<{id_width}}  {cut(r['title']):<{title_width}}  "
            f"{r['entries']:>7}  {r['questions']:>9}"
        )
    total_e = sum(r["entries"] for r in rows)
    total_q = sum(r["questions"] for r in rows)
    print(f"{'':>3}  {'':<{id_width}}  {'total':<{title_width}}  {total_e:>7}  {total_q:>9}")
    return EXIT_OK


def _blueprint_totals(course) -> dict:
    """Entries, questions and scenario questions per exam domain and task statement."""
    from lessons import blueprint

    def counts(keep) -> dict:
        entries = [e for e in course.entries.values() if keep(e)]
        questions = [q for q in course.questions.values() if keep(q)]
        return {
            "entries": len(entries),
            "questions": len(questions),
            "scenarios": sum(1 for q in questions if q.origin == "scenario"),
        }

    return {
        "entries": len(course.entries),
        "added_entries": sum(1 for e in course.entries.values() if e.added),
        "questions": len(course.questions),
        "scenarios": sum(1 for q in course.questions.values() if q.origin == "scenario"),
        "domains": {
            str(d.number): {"title": d.title, "weight": d.weight, **counts(lambda x, n=d.number: x.domain == n)}
            for d in blueprint.DOMAINS
        },
        "tasks": {t.id: {"title": t.title, **counts(lambda x, i=t.id: x.task == i)} for t in blueprint.TASKS},
        "outside": counts(lambda x: x.domain is None),
    }


def _run_check(args: argparse.Namespace) -> int:
    result = load_course(args)
    status = EXIT_FAIL if result.problems else EXIT_OK
    course = result.course
    print(
        f"{len(result.files)} files, {len(course.topics)} topics, {len(course.entries)} entries, "
        f"{len(course.questions)} questions"
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
        lines = [line for line in report.lines() if _line_of(line) is None or low <= (_line_of(line) or 0) <= high]
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
    from progress.store import ProgressError
    from tui.commandline import open_store

    mode = args.mode or ("topic" if len(args.topic) == 1 and not args.domain else "mixed")
    if args.json and not args.dry_run:
        raise UsageError("--json goes with --dry-run (the quiz itself opens in the app)")
    result = load_course(args, quiet=True)
    try:
        store = open_store(args, quiet=True)
    except ProgressError as error:
        warn(f"awstutor: {error.message}")
        return EXIT_FAIL
    if mode == "due":
        from progress.scheduler import Scheduler

        scheduler = Scheduler(store)
        due = list(scheduler.due_now(args.topic or None))
        if not due:
            nxt = scheduler.next_due()
            when = f"at {nxt.astimezone():%a %d %b %H:%M}" if nxt else "once you have studied something"
            print(f"Nothing is due for review now; the next card is due {when}.")
            return EXIT_OK
        return _open(args, review=True, course_result=result, store=store)
    bank = QuestionBank.build(result.course)
    spec = QuizSpec(mode=mode, topics=list(args.topic), count=args.count, seed=args.seed, domain=args.domain)
    try:
        quiz = build_quiz(bank, spec, last_results=store.last_results())
    except QuizError as error:
        raise UsageError(str(error)) from None
    if args.dry_run:
        return _print_plan(quiz, as_json=args.json)
    return _open(args, quiz=quiz, course_result=result, store=store)


def _print_plan(quiz, *, as_json: bool) -> int:
    """The drawn questions, without starting the quiz: id, topic, domain, task, type, origin."""
    rows = [
        {
            "id": item.question.id,
            "topic": item.question.topic_id,
            "domain": item.question.domain,
            "task": item.question.task,
            "type": item.question.type,
            "origin": item.question.origin,
        }
        for item in quiz.items
    ]
    if as_json:
        import json

        print(json.dumps(rows, indent=2))
        return EXIT_OK
    for n, row in enumerate(rows, start=1):
        print(f"{n:>3}  {row['task']:<7}  {row['origin']:<9}  {row['type']:<9}  {row['id']}")
    return EXIT_OK


def _run_app(args: argparse.Namespace) -> int:
    """No command: the app at the lessons."""
    return _open(args)


def _open(args: argparse.Namespace, *, quiz=None, review: bool = False, course_result=None, store=None) -> int:
    """Open the Textual app, or the line mode when the terminal cannot show it (``--plain``,
    ``TERM=dumb``): at the lessons, straight at ``quiz``, or at the due ``review``. A tab of
    ``awstutor serve`` is the full app in a browser: no terminal needed, no line mode."""
    from tui.serve_cli import enter_served_mode

    served = enter_served_mode()
    terminal = args.terminal
    if served:
        from tui.terminal import Terminal

        terminal = Terminal()  # a browser: UTF-8 and colour, whatever the server's locale
    elif not args.plain and not interactive():  # TERM=dumb alone is no reason to read a pipe
        raise UsageError(
            "the app needs a terminal; for scripts use 'awstutor --plain', 'lookup', 'topics' or 'progress'"
        )
    from progress.store import ProgressError
    from tui.commandline import open_store, search_index

    result = course_result or load_course(args, quiet=True)
    if store is None:
        try:
            store = open_store(args, quiet=True)
        except ProgressError as error:
            warn(f"awstutor: {error.message}")
            return EXIT_FAIL
    notices = [*store.notices, *(f"lessons: {p}" for p in result.problems)]
    for notice in notices:  # also on stderr, so they survive the app's screen
        warn(notice)

    def search_loader():
        """The same cached index as 'awstutor lookup' (built from the loaded course if stale)."""
        return search_index(args, lambda: result)

    if terminal.line_mode is not None:
        from tui.linemode import run_line_mode

        return run_line_mode(
            result.course, store, quiz=quiz, review=review, terminal=terminal, search_loader=search_loader
        )
    from tui.app import StartRequest, create_app

    start = StartRequest(quiz=quiz, review=review)
    app = create_app(
        result.course,
        store,
        notices=notices,
        start=start,
        search_loader=search_loader,
        terminal=terminal,
        handle_signals=True,
    )
    app.run()
    return app.return_code or EXIT_OK


# ------------------------------------------------------------------ entry point


def shadowed() -> str | None:
    """One line when ``lessons`` or ``progress`` is not awstutor's own package (another
    project of the same name installed in this environment, or a folder in the way)."""
    import importlib

    home = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for name in ("lessons", "progress"):
        try:
            module = importlib.import_module(name)
        except Exception:  # noqa: BLE001 - any failure here means "not ours"
            module = None
        where = getattr(module, "__file__", None) or ""
        ours = getattr(module, "OWNER", None) == "awstutor" and os.path.dirname(os.path.dirname(where)) == home
        if not ours:
            found = os.path.dirname(where) if where else "nowhere"
            return (
                f"awstutor: the package '{name}' at {found} is not awstutor's (another project named '{name}' "
                "is installed in this environment); install awstutor on its own: pipx install . "
                "(or uv tool install ., or a fresh venv)"
            )
    return None


def _only_app_options(argv: Sequence[str]) -> bool:
    """Does ``argv`` hold only the app's own options (no subcommand, no help, no version)?"""
    needs_value = False
    for arg in argv:
        if needs_value:
            needs_value = False
        elif arg in ("--data-dir", "--lessons"):
            needs_value = True
        elif arg not in ("--ascii", "--plain") and not arg.startswith(("--data-dir=", "--lessons=")):
            return False
    return not needs_value


def main(argv: Sequence[str] | None = None) -> int:
    streams = sys.stdout, sys.stderr
    try:
        clash = shadowed()
        if clash:
            warn(clash)
            return EXIT_FAIL
        arguments = sys.argv[1:] if argv is None else list(argv)
        args = build_parser(commands=not _only_app_options(arguments)).parse_args(arguments)
        from tui.terminal import AsciiWriter, detect

        args.terminal = detect(ascii=args.ascii, plain=args.plain)
        if args.terminal.ascii:  # every line printed, by any command, in ASCII
            sys.stdout, sys.stderr = AsciiWriter(sys.stdout), AsciiWriter(sys.stderr)  # type: ignore[assignment]
        run = getattr(args, "run", _run_app)
        return run(args)
    except UsageError as error:
        # What the user typed may be repeated in the message: never its control characters.
        warn(f"awstutor: {printable(str(error), 300)}")
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # Output piped into `head` and the like: not an error worth a traceback.
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - replaces stdout for the rest of the run
        except OSError:
            pass
        return EXIT_OK
    finally:
        # Put back what main() wrapped (a caller in the same process keeps its streams).
        for name, stream in zip(("stdout", "stderr"), streams, strict=True):
            if getattr(getattr(sys, name), "wraps", None) is stream:
                setattr(sys, name, stream)


if __name__ == "__main__":
    raise SystemExit(main())
