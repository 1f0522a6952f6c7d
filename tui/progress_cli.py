"""The ``progress`` and ``locate`` subcommands of ``awstutor``.

Registered by :func:`tui.cli.build_parser` through :func:`register`. Nothing
heavy at import time: the store, the course and ``json`` are imported inside
the run functions, and Textual never is.

* ``awstutor progress [--json]``: per-topic summary (learned of total, attempts,
  accuracy, due reviews) with totals; below it the streak, what is due (now,
  today, the next 7 days, the next card), the weakest topics and the exam
  readiness estimate with its explanation (see :mod:`progress.dashboard`). The
  text fits 80 columns and holds no escape codes. ``--json`` adds the key
  ``"dashboard"``: the dashboard's data, dates as ISO strings;
* ``awstutor progress export FILE`` (``-`` = standard output);
* ``awstutor progress import FILE`` (validated, idempotent);
* ``awstutor progress reset [--topic ID] [--yes]``;
* ``awstutor locate [--json]``: the folders and files in use.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from tui.commandline import EXIT_FAIL, EXIT_OK, UsageError, load_course, open_store, warn


def register(command: Callable[..., argparse.ArgumentParser]) -> None:
    """Add ``progress`` (with its actions) and ``locate`` through ``tui.cli``'s ``command`` factory."""
    p = command("progress", "show your progress per topic; export, import or reset it", run_progress)
    p.add_argument("--json", action="store_true", help="print JSON")
    actions = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p))

    def action(name: str, help: str) -> argparse.ArgumentParser:
        sub = actions.add_parser(name, help=help, description=help)
        sub.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS, help="where progress is kept")
        return sub

    a = action("export", "write all progress as JSON")
    a.add_argument("file", metavar="FILE", help="where to write it ('-' for standard output)")
    a = action("import", "merge progress exported by 'awstutor progress export' (importing twice adds nothing)")
    a.add_argument("file", metavar="FILE", help="the export to read ('-' for standard input)")
    a = action("reset", "delete progress (all of it, or one topic's); settings are kept")
    a.add_argument("--topic", metavar="ID", help="only this topic (id or number)")
    a.add_argument("--yes", action="store_true", help="do not ask first")

    p = command("locate", "show the folders and files awstutor uses", run_locate)
    p.add_argument("--json", action="store_true", help="print JSON")


# ------------------------------------------------------------------ helpers


def _topics(args: argparse.Namespace) -> list[tuple[str, int, str, list[str]]]:
    """The course as plain data: ``[(topic_id, number, title, [entry_ids])]``."""
    course = load_course(args).course
    return [(t.id, t.number, t.title, [e.id for e in t.walk()]) for t in course.topics]


# ------------------------------------------------------------------ progress


def run_progress(args: argparse.Namespace) -> int:
    from progress.store import ProgressError

    run = {"export": _export, "import": _import, "reset": _reset}.get(getattr(args, "action", None) or "", _summary)
    try:
        return run(args)
    except ProgressError as error:
        warn(f"awstutor: {error.message}")
        return EXIT_FAIL


def _summary(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from lessons import blueprint
    from lessons.bank import QuestionBank
    from progress.dashboard import dashboard
    from progress.scheduler import Scheduler
    from progress.stats import summarize

    course = load_course(args).course
    topics = [(t.id, t.number, t.title, [e.id for e in t.walk()]) for t in course.topics]
    domains = QuestionBank.build(course).domains()
    with open_store(args) as store:
        data = summarize(store, [(topic_id, title, entries) for topic_id, _, title, entries in topics])
        board = dashboard(store, Scheduler(store), topics, domains=domains, weights=blueprint.weights())
    if args.json:
        import json

        data["dashboard"] = asdict(board)
        print(json.dumps(data, indent=2))
        return EXIT_OK
    print(_table(data))
    print()
    print(_dashboard_text(board, tz=store.tz))
    return EXIT_OK


WIDTH = 79  # the text output fits an 80-column terminal


def _fit(title: str, topic_id: str, width: int) -> str:
    """``"Title (id)"`` in at most ``width`` characters: the title is shortened first (ASCII "...")."""
    text = f"{title} ({topic_id})" if title != topic_id else topic_id
    if len(text) <= width:
        return text
    room = width - len(topic_id) - 3 - 3  # " (" + ")" and "..."
    if title != topic_id and room >= 4:
        return f"{title[:room].rstrip()}... ({topic_id})"
    return text[: width - 3] + "..."


def _table(data: dict[str, Any]) -> str:
    def percent(value: float | None) -> str:
        return "-" if value is None else f"{value:.0f}%"

    rows = [
        (
            (row["title"], row["id"]),
            f"{row['learned']}/{row['entries']}" if not row.get("unknown") else f"{row['learned']}",
            str(row["attempts"]),
            percent(row["accuracy"]),
            str(row["due"]),
        )
        for row in data["topics"]
    ]
    totals = data["totals"]
    total = (
        "total",
        f"{totals['learned']}/{totals['entries']}",
        str(totals["attempts"]),
        percent(totals["accuracy"]),
        str(totals["due"]),
    )
    header = ("topic", "learned", "attempts", "accuracy", "due")
    widths = [0] + [max(len(r[i]) for r in [header, total, *rows]) for i in range(1, 5)]
    room = WIDTH - sum(widths[1:]) - 2 * 4
    names = [_fit(title, topic_id, room) for (title, topic_id), *_ in rows]
    widths[0] = max(len(n) for n in [header[0], total[0], *names])

    def line(cells: tuple[str, ...]) -> str:
        first = cells[0].ljust(widths[0])
        rest = "  ".join(c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))
        return f"{first}  {rest}"

    body = [line((name, *row[1:])) for name, row in zip(names, rows, strict=True)]
    return "\n".join([line(header), *body, line(total)])


def _dashboard_text(board: Any, *, tz: Any = None) -> str:
    """Below the table: streak, what is due, the weakest topics and the readiness estimate."""
    import textwrap
    from datetime import date, datetime

    from progress.dashboard import PASS_SCORE, describe_when

    def wrap(text: str, indent: str = "  ") -> list[str]:
        return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent)

    days = board.streak_days
    lines = [f"streak: {days} day{'s' if days != 1 else ''}"]
    if board.next_due:
        when = describe_when(datetime.fromisoformat(board.next_due), datetime.fromisoformat(board.now), tz)
    else:
        when = "nothing scheduled yet"
    lines += wrap(f"due now: {board.due_now} | due today: {board.due_today} | next due: {when}", "")
    week = ", ".join(f"{date.fromisoformat(d.date).strftime('%a')} {d.cards}" for d in board.due_next_days)
    lines += wrap(f"next 7 days: {week} ({sum(d.cards for d in board.due_next_days)} in all)", "")
    if board.weakest:
        lines.append("weakest topics:")
        for weak in board.weakest:
            lines += textwrap.wrap(
                f"{weak.number:>2} {weak.title}: {weak.reason}", WIDTH, initial_indent="  ", subsequent_indent="     "
            )
        lines.append(f"  (practise one: awstutor quiz --topic {board.weakest[0].number})")
    else:
        lines.append("weakest topics: none (every topic you practised is solid)")
    ready = board.readiness
    if ready.score is None:
        lines.append("exam readiness: not enough data")
    else:
        verdict = "PASS" if ready.passed else "FAIL"
        lines.append(f"exam readiness: {ready.score} of 1000, likely {verdict} ({PASS_SCORE} to pass)")
    lines += wrap(ready.explanation)
    return "\n".join(lines)


def _export(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from progress.storage import atomic_write_bytes

    with open_store(args) as store:
        data = store.export()
    text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    if args.file == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return EXIT_OK
    target = Path(args.file).expanduser()
    try:
        atomic_write_bytes(target, text.encode("utf-8"))
    except OSError as error:
        warn(f"awstutor: cannot write {target}: {error.strerror or error}")
        return EXIT_FAIL
    print(
        f"exported {len(data['attempts'])} attempts, {len(data['marks'])} marks, "
        f"{len(data['sessions'])} sessions and {len(data['cards'])} cards to {target}"
    )
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from progress.schema import InvalidImport, check_export, load_export

    name = "standard input" if args.file == "-" else args.file
    try:
        raw = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).expanduser().read_bytes()
    except OSError as error:
        raise UsageError(f"cannot import {name}: {error.strerror or error}") from None
    try:
        data = load_export(raw)  # not JSON, too deep, a number too long: one line
        check_export(data)  # before opening the store: a bad file changes nothing
    except InvalidImport as error:
        raise UsageError(f"cannot import {name}: {error.message}") from None
    with open_store(args) as store:
        result = store.import_data(data)
    print(f"imported {name}: {result.describe()}")
    return EXIT_OK


def _reset(args: argparse.Namespace) -> int:
    prefix = args.topic
    what = "all topics"
    if prefix is not None:
        course = load_course(args, quiet=True).course
        topic = course.topic(prefix)
        if topic is not None:
            prefix, what = topic.id, f"topic '{topic.id}' ({topic.title})"
        else:
            prefix = prefix.strip()
            what = f"'{prefix}'"
        if not prefix:
            raise UsageError("--topic needs a topic id")
    if not args.yes:
        if sys.stdin is None or not sys.stdin.isatty():
            raise UsageError("not deleting anything without --yes (standard input is not a terminal to ask on)")
        try:
            answer = input(f"Delete progress for {what}? [y/N] ")
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("y", "yes"):
            warn("awstutor: nothing deleted")
            return EXIT_FAIL
    with open_store(args) as store:
        removed = store.reset(prefix)
    parts = [f"{n} {kind}" for kind, n in removed.items() if n]
    print(f"deleted progress for {what}: " + (", ".join(parts) if parts else "there was none"))
    return EXIT_OK


# ------------------------------------------------------------------ locate


def run_locate(args: argparse.Namespace) -> int:
    from lessons.loader import BUILTIN_DIR
    from progress.locations import Locations
    from progress.store import data_files, moved_aside_files

    where = Locations.resolve(getattr(args, "data_dir", None))
    extra = [str(p) for p in (getattr(args, "lessons", None) or [])]
    lessons = [str(BUILTIN_DIR)] + ([str(where.lessons)] if where.lessons.is_dir() else []) + extra
    info = {
        "data": str(where.data),
        "config": str(where.config),
        "cache": str(where.cache),
        "lessons": lessons,
        "user_lessons": str(where.lessons),
        "progress_files": [str(p) for p in data_files(where.data)],
        "moved_aside": [str(p) for p in moved_aside_files(where.data)],
    }
    if args.json:
        import json

        print(json.dumps(info, indent=2))
        return EXIT_OK
    print(f"data     {info['data']}")
    print(f"config   {info['config']}")
    print(f"cache    {info['cache']}")
    user_note = "" if where.lessons.is_dir() else " (not there yet: put extra course files here)"
    print(f"lessons  {BUILTIN_DIR} (built in)")
    print(f"         {where.lessons} (yours){user_note}")
    for path in extra:
        print(f"         {path} (--lessons)")
    files = info["progress_files"]
    print("progress files:" if files else "progress files: none yet")
    for path in files:
        print(f"  {path}")
    if info["moved_aside"]:
        print("moved aside (kept, no longer used):")
        for path in info["moved_aside"]:
            print(f"  {path}")
    return EXIT_OK
