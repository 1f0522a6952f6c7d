"""What every ``awstutor`` subcommand shares: exit codes, usage errors, the parser,
the data and course folders, loading the course and opening the store.

Cheap to import (``argparse``, ``os``, ``sys``): ``awstutor lookup`` goes through
here on its fast path. Everything heavier is imported inside the functions.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from lessons.loader import LoadResult
    from lessons.search import SearchIndex
    from progress.locations import Locations
    from progress.store import ProgressStore

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130
MAX_ECHO = 80  # characters of user input repeated in a message


class UsageError(Exception):
    """Bad arguments: one line on stderr, exit 2."""


class Parser(argparse.ArgumentParser):
    """argparse, but errors are one line (and never print a usage block)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def warn(message: str) -> None:
    print(message, file=sys.stderr)


def printable(text: str, limit: int = MAX_ECHO) -> str:
    """User input fit to repeat in a message: control characters shown as ``?``, cut to ``limit``."""
    clean = "".join(ch if ch.isprintable() else "?" for ch in text)
    return clean if len(clean) <= limit else clean[: limit - 3] + "..."


def add_common(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """``--data-dir``, ``--lessons`` and ``--ascii``, on the top parser and (without defaults) on each subcommand."""
    default = None if top else argparse.SUPPRESS
    parser.add_argument(
        "--ascii",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="write ASCII only (also $AWSTUTOR_ASCII=1; the default when the locale is not UTF-8)",
    )
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


def locations(args: argparse.Namespace) -> Locations:
    from progress.locations import Locations

    return Locations.resolve(getattr(args, "data_dir", None))


def extra_course_dirs(args: argparse.Namespace) -> list[Any]:
    """The course folders beyond the built-in one: the user's config ``lessons/`` folder, then ``--lessons``."""
    extra: list[Any] = list(getattr(args, "lessons", None) or [])
    where = locations(args)
    if where.lessons.is_dir():
        extra.insert(0, where.lessons)
    return extra


def load_course(args: argparse.Namespace, *, quiet: bool = False) -> LoadResult:
    """The built-in course plus extra folders (cached between runs); problems go to stderr, one line each."""
    from lessons.loader import describe, load_course_cached

    result = load_course_cached(extra_course_dirs(args), locations(args).cache)
    if not quiet:
        for line in describe(result.problems):
            warn(line)
    return result


def open_store(args: argparse.Namespace, *, quiet: bool = False) -> ProgressStore:
    """The progress store of ``--data-dir`` (its notices on stderr); raises ``ProgressError``."""
    from progress.store import ProgressStore

    store = ProgressStore.open(locations(args).data)
    if not quiet:
        for notice in store.notices:
            warn(notice)
    return store


def search_index(args: argparse.Namespace, build: Any = None) -> SearchIndex:
    """The search index, from ``lookup``'s cache when the course files are unchanged; else
    built from ``build()`` (default: load the course, its problems on stderr)."""
    from lessons.folders import course_dirs
    from lessons.search import SearchIndex
    from tui import __version__

    def load() -> Any:
        return load_course(args)

    return SearchIndex.load_or_build(
        locations(args).cache, course_dirs(extra_course_dirs(args)), build or load, version=__version__
    )


def interactive() -> bool:
    """Are stdin and stdout a terminal?"""
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def environ_flag(name: str) -> bool:
    """An on/off environment variable: set to anything but "", "0", "no", "false" or "off"."""
    return os.environ.get(name, "").strip().lower() not in ("", "0", "no", "false", "off")
