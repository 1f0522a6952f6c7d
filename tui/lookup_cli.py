"""The ``lookup`` subcommand: one fact from the course, offline, then exit.

``awstutor lookup sqs visibility timeout`` prints the best matches (3 by
default; ``-n N``, ``--all``) with their definition, notes and update callouts,
the matched words highlighted, wrapped to the terminal. ``--json`` prints the
hits for scripts.

Registered by :func:`tui.cli.build_parser` through :func:`register`, so this
module is imported for every ``awstutor`` command: it imports nothing heavy.
The lookup itself reads the search index from the cache
(:meth:`lessons.search.SearchIndex.load_or_build`) and only loads the course
when the course files changed. No rich, no Textual: the few ANSI codes are
written here, and only to a terminal without ``NO_COLOR``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from lessons.search import Hit, SearchIndex

from tui.commandline import EXIT_FAIL, EXIT_OK, UsageError, printable, search_index

MAX_QUERY = 500  # characters: a query is a few words; more is a mistake (and slow to match)
DEFAULT_COUNT = 3

# SGR codes: the whole palette.
RESET = "\033[0m"
BOLD = "\033[1m"
DIM = "\033[2m"
MATCH = "\033[1;33m"  # matched words: bold yellow
NUMBER = "\033[1;36m"  # {{numbers that matter}}: bold cyan
UPDATE = "\033[1;35m"  # "Update (since ...)": bold magenta


def register(command: Callable[..., argparse.ArgumentParser]) -> None:
    """Add ``lookup`` through ``tui.cli``'s ``command`` factory."""
    p = command("lookup", "look a term up in the course and print the answer", run)
    p.add_argument("query", nargs="*", metavar="WORD", help="what to look up, e.g. 'sqs visibility timeout'")
    p.add_argument(
        "-n", type=int, default=DEFAULT_COUNT, metavar="N", help=f"show the N best matches (default {DEFAULT_COUNT})"
    )
    p.add_argument("--all", action="store_true", help="show every match")
    p.add_argument("--json", action="store_true", help="print the matches as JSON")


# ------------------------------------------------------------------ running


def run(args: argparse.Namespace) -> int:
    text = " ".join(args.query).strip()
    if len(text) > MAX_QUERY:
        raise UsageError(f"the query is {len(text):,} characters long; lookup takes at most {MAX_QUERY}")
    if not any(ch.isalnum() for ch in text):
        raise UsageError("lookup needs a word to look up, e.g. 'awstutor lookup sqs visibility timeout'")
    if args.n < 1:
        raise UsageError(f"-n takes a number of matches of 1 or more, not {args.n}")
    index = open_index(args)
    hits = index.search(text, limit=None if args.all else args.n)
    out = sys.stdout
    try:
        out.reconfigure(errors="replace")  # type: ignore[union-attr]  # a stream that cannot encode a character gets "?"
    except (AttributeError, ValueError):
        pass
    if args.json:
        terminal = getattr(args, "terminal", None)
        return _print_json(index, hits, text, ascii=bool(terminal and terminal.ascii))
    if not hits:
        suggestions = index.suggest(text, 5)
        tail = f" Closest terms: {', '.join(suggestions)}." if suggestions else ""
        out.write(f'No match for "{printable(text)}".{tail}\n')
        return EXIT_FAIL
    style = Style.for_stream(out)
    width = _width()
    blocks = [render(index.record(hit.id), hit.matched, width, style) for hit in hits]
    out.write("\n\n".join(blocks) + "\n")
    return EXIT_OK


def open_index(args: argparse.Namespace) -> SearchIndex:
    """The search index: from the cache when the course files are unchanged,
    else built from the course (whose problems go to stderr, one line each)."""
    index = search_index(args)
    if index.from_cache:
        for line in index.notices:  # what the load said when the cache was built
            print(line, file=sys.stderr)
    return index


def _print_json(index: SearchIndex, hits: list[Hit], text: str, *, ascii: bool = False) -> int:
    """The hits as JSON; on a terminal that is not UTF-8, with \\u escapes (exact, and ASCII)."""
    import json

    from lessons.search import plain

    rows = []
    for hit in hits:
        record = index.record(hit.id)
        rows.append(
            {
                "id": hit.id,
                "topic": hit.topic_id,
                "topic_number": hit.topic_number,
                "topic_title": hit.topic_title,
                "term": hit.term,
                "full_form": hit.full_form,
                "summary": hit.summary,
                "score": hit.score,
                "matched": hit.matched,
                "parent": record["parent_id"],
                "kind": record["kind"],
                "added": record["added"],
                "definition": plain(record["definition"]) if record["definition"] else None,
                "notes": [plain(note) for note in record["notes"]],
                "updates": [{k: plain(v) for k, v in update.items()} for update in record["updates"]],
                "sources": record.get("sources", []),
                "unverified": plain(record["unverified"]) if record.get("unverified") else None,
                "task": record.get("task"),
            }
        )
    print(json.dumps(rows, indent=2, ensure_ascii=ascii))
    if not rows:
        suggestions = index.suggest(text, 5)
        tail = f" Closest terms: {', '.join(suggestions)}." if suggestions else ""
        print(f'awstutor: no match for "{printable(text)}".{tail}', file=sys.stderr)
        return EXIT_FAIL
    return EXIT_OK


def _width() -> int:
    import shutil

    return max(20, shutil.get_terminal_size((80, 24)).columns)


# ------------------------------------------------------------------ rendering


class Style:
    """ANSI codes, or nothing at all."""

    def __init__(self, color: bool, bullet: str = "-") -> None:
        self.color = color
        self.bullet = bullet

    @classmethod
    def for_stream(cls, stream: Any) -> Style:
        try:
            tty = stream.isatty()
        except (AttributeError, ValueError):
            tty = False
        color = tty and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"
        return cls(color, "-")  # ASCII: right on any terminal, font or locale

    def paint(self, text: str, code: str) -> str:
        return f"{code}{text}{RESET}" if self.color and code and text else text


Fragment = tuple[str, str]  # (text, SGR code or "")


def fragments(text: str, matched: set[str], base: str = "") -> list[Fragment]:
    """Course text as styled fragments: ``{{numbers}}`` highlighted, backtick
    code shown plainly, matched words highlighted."""
    from lessons.markup import spans

    out: list[Fragment] = []
    for kind, piece in spans(text):
        if kind == "number":
            out.append((piece, NUMBER))
        else:
            out.extend(_highlight(piece, matched, base))
    return out


def _highlight(text: str, matched: set[str], base: str) -> list[Fragment]:
    from lessons.search import mark

    return [(piece, MATCH if hit else base) for piece, hit in mark(text, matched)]


def wrap(parts: list[Fragment], width: int, first: str, rest: str, style: Style) -> list[str]:
    """Fill styled fragments into lines of ``width`` columns: ``first`` starts
    the first line, ``rest`` (a hanging indent) the others. Words never break
    unless one is longer than a whole line."""
    words: list[list[Fragment]] = []
    current: list[Fragment] = []
    for text, code in parts:
        for i, piece in enumerate(text.split(" ")):
            if i > 0 and current:
                words.append(current)
                current = []
            if piece:
                current.append((piece, code))
    if current:
        words.append(current)

    lines: list[list[Fragment]] = []
    line: list[Fragment] = [(first, "")]
    used = len(first)
    fresh = True  # nothing on this line yet but the indent
    for word in words:
        size = sum(len(t) for t, _ in word)
        if not fresh and used + 1 + size > width:
            lines.append(line)
            line, used, fresh = [(rest, "")], len(rest), True
        if fresh and used + size > width and width - used >= 10:
            flat, code = "".join(t for t, _ in word), word[0][1]
            while len(flat) > width - used:  # a word longer than a line: cut it
                lines.append(line + [(flat[: width - used], code)])
                flat = flat[width - used :]
                line, used = [(rest, "")], len(rest)
            word, size = [(flat, code)], len(flat)
        if not fresh:
            # A space takes the style of the words around it when they share one.
            line.append((" ", word[0][1] if line[-1][1] == word[0][1] else ""))
            used += 1
        line.extend(word)
        used += size
        fresh = False
    lines.append(line)
    return [_paint(fragments_, style).rstrip() for fragments_ in lines]


def _paint(line: list[Fragment], style: Style) -> str:
    """One line: runs of the same style painted once."""
    out: list[str] = []
    text, code = "", ""
    for piece, piece_code in line:
        if piece_code != code and text:
            out.append(style.paint(text, code))
            text = ""
        text, code = text + piece, piece_code
    out.append(style.paint(text, code))
    return "".join(out)


def render(record: dict[str, Any], matched: list[str], width: int, style: Style) -> str:
    """One entry as the lookup prints it."""
    found = set(matched)
    lines: list[str] = []
    head = fragments(record["term"], found, BOLD)
    if record["full_form"]:
        head += [(" (", "")] + fragments(record["full_form"], found) + [(")", "")]
    if record["parent_term"]:
        head += [(f" · part of {record['parent_term']}", DIM)]
    lines += wrap(head, width, "", "  ", style)
    where = f"topic {record['topic_number']}: {record['topic_title']}"
    lines += wrap([(where, DIM)], width, "  ", "  ", style)
    if record["added"]:
        lines += wrap([("added, not in the original notes", DIM)], width, "  ", "  ", style)
    if record.get("unverified"):
        lines += wrap(
            [("Unverified:", UPDATE), (" ", "")] + fragments(record["unverified"], found), width, "  ", "    ", style
        )
    if record["definition"]:
        lines += wrap(fragments(record["definition"], found), width, "  ", "  ", style)
    bullet = f"  {style.bullet} "
    for note in record["notes"]:
        lines += wrap(fragments(note, found), width, bullet, " " * len(bullet), style)
    for update in record["updates"]:
        from lessons.markup import update_heading

        parts = [(f"{update_heading(update['since'], update.get('kind', 'update'))}:", UPDATE), (" ", "")]
        parts += fragments(update["current"], found)
        parts += [(" - the notes say: ", DIM)] + fragments(update["note"], found, DIM)
        parts += [(f" (source: {update['source']})", DIM)]
        lines += wrap(parts, width, "  ", "    ", style)
    if record.get("sources"):
        lines += wrap([("Sources: " + "; ".join(record["sources"]), DIM)], width, "  ", "    ", style)
    children = {child["id"] for child in record["children"]}
    see_also = [other for other in record.get("related", []) if other["id"] not in children]
    for label, others in (("Sub-entries:", record["children"]), ("See also:", see_also)):
        if others:
            parts = [(label, DIM), (" ", "")]
            for i, other in enumerate(others):
                if i:
                    parts.append(("; ", ""))
                parts += fragments(other["term"], found)
            lines += wrap(parts, width, "  ", "    ", style)
    return "\n".join(lines)
