"""Load the course: every topic and scenarios file of the course folders, linked together.

A course folder holds one TOML file per topic (``NN-slug.toml``) and optionally a
``scenarios/`` folder. The built-in course ships in ``lessons/course``; extra folders
(``--lessons DIR``, the user's config folder) are loaded after it. Every problem is a
:class:`~lessons.errors.LessonError` naming file, line and problem:

* a file that cannot be read or parsed (bad TOML, nested too deep, not a regular
  file, too big) is left out, and the others still load;
* a link or a question that points at an entry that is not there is left out, and
  its topic still loads (a broken file elsewhere never takes other topics with it).

Content never ends in a traceback. :func:`load_course_cached` keeps the parsed
course in the user's cache folder (see :mod:`lessons.cache`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from lessons import cache, folders
from lessons.errors import LessonError
from lessons.model import Course, Edit, Entry, Question, Skipped, Topic, Update

__all__ = [
    "BUILTIN_DIR",
    "LoadResult",
    "course_files",
    "describe",
    "load_course",
    "load_course_cached",
]

BUILTIN_DIR = Path(folders.BUILTIN_DIR)


@dataclass
class LoadResult:
    course: Course
    problems: list[LessonError] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


def course_files(folder: Path) -> list[Path]:
    """The topic files of a course folder, in name order."""
    return [Path(p) for p in folders.topic_files(folder)]


def load_course(extra_dirs: Iterable[str | Path] = (), *, builtin: bool = True) -> LoadResult:
    """Load the built-in course (unless ``builtin`` is false) plus extra folders."""
    from lessons.parse import parse_topic_file  # (not needed when the course comes from the cache)

    dirs: list[Path] = [BUILTIN_DIR] if builtin else []
    problems: list[LessonError] = []
    for extra in extra_dirs:
        path = Path(extra).expanduser()
        if not path.is_dir():
            problems.append(LessonError(path, 0, "not a folder of course files"))
            continue
        dirs.append(path)
    for folder in dirs:
        problems.extend(LessonError(p, 0, "not a regular file: skipped") for p in folders.not_files(folder))
    files = [f for folder in dirs for f in course_files(folder)]
    topics: list[Topic] = []
    for file in files:
        try:
            topic = parse_topic_file(file)
        except LessonError as error:
            problems.append(error)
            continue
        clash = next((t for t in topics if t.id == topic.id or t.number == topic.number), None)
        if clash is not None:
            what = f"id '{topic.id}'" if clash.id == topic.id else f"number {topic.number}"
            problems.append(LessonError(file, 1, f"duplicate topic {what} (already loaded from {clash.source_file})"))
            continue
        topics.append(topic)
    topics.sort(key=lambda t: t.number)
    scenario_files = [Path(f) for folder in dirs for f in folders.scenario_files(folder)]
    topics = _attach_scenarios(topics, scenario_files, problems)
    files.extend(scenario_files)
    topics = _resolve_references(topics, problems)
    return LoadResult(Course(tuple(topics)), problems, files)


def _attach_scenarios(topics: list[Topic], files: list[Path], problems: list[LessonError]) -> list[Topic]:
    """Add each scenarios file's questions to its topic; a file with a problem is left out."""
    from lessons.parse import parse_scenario_file

    by_id = {t.id: t for t in topics}
    known = {e.id for t in topics for e in t.walk()}
    for file in files:
        try:
            topic_id, questions = parse_scenario_file(file)
        except LessonError as error:
            problems.append(error)
            continue
        topic = by_id.get(topic_id)
        if topic is None:
            problems.append(LessonError(file, 1, f"scenarios for unknown topic '{topic_id}'"))
            continue
        unknown = next((q for q in questions if q.entry_id not in known), None)
        if unknown is not None:
            problems.append(
                LessonError(
                    file, unknown.source_line, f"question '{unknown.slug}' tests unknown entry '{unknown.entry_id}'"
                )
            )
            continue
        have = {q.id: q for q in topic.questions}
        clash = next((q for q in questions if q.id in have), None)
        if clash is not None:
            first = have[clash.id]
            problems.append(
                LessonError(
                    file,
                    clash.source_line,
                    f"duplicate question id '{clash.slug}' (first used in {first.source_file}:{first.source_line})",
                )
            )
            continue
        by_id[topic_id] = replace(topic, questions=topic.questions + questions)
    return [by_id[t.id] for t in topics]


# --------------------------------------------------------------------------- links


def _resolve_references(topics: list[Topic], problems: list[LessonError]) -> list[Topic]:
    """Drop links and questions that point at no entry, one problem each; topics stay."""
    known = {e.id for t in topics for e in t.walk()}
    return [_checked(topic, known, problems) for topic in topics]


def _checked(topic: Topic, known: set[str], problems: list[LessonError]) -> Topic:
    from lessons.parse import _Locator

    locator: _Locator | None = None

    def where(needle: str, start: int) -> int:
        nonlocal locator
        if locator is None:
            try:
                locator = _Locator(Path(topic.source_file).read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError):
                return start
        slug = needle.split("/")[-1]
        for number in range(max(start, 1), len(locator.lines) + 1):
            if f'"{needle}"' in locator.lines[number - 1] or f'"{slug}"' in locator.lines[number - 1]:
                return number
        return start

    def entry(node: Entry) -> Entry:
        related = []
        for ref in node.related:
            if ref == node.id:
                problems.append(
                    LessonError(topic.source_file, where(ref, node.source_line), f"entry '{node.slug}' links to itself")
                )
            elif ref not in known:
                problems.append(
                    LessonError(
                        topic.source_file,
                        where(ref, node.source_line),
                        f"entry '{node.slug}' links to unknown entry '{ref}' (link left out)",
                    )
                )
            else:
                related.append(ref)
        children = tuple(entry(child) for child in node.children)
        if len(related) == len(node.related) and children == node.children:
            return node
        return replace(node, related=tuple(related), children=children)

    questions = []
    for question in topic.questions:
        if question.entry_id in known:
            questions.append(question)
        else:
            problems.append(
                LessonError(
                    question.source_file or topic.source_file,
                    where(question.entry_id, question.source_line),
                    f"question '{question.slug}' tests unknown entry '{question.entry_id}' (question left out)",
                )
            )
    entries = tuple(entry(e) for e in topic.entries)
    if entries == topic.entries and len(questions) == len(topic.questions):
        return topic
    return replace(topic, entries=entries, questions=tuple(questions))


def describe(problems: Sequence[LessonError]) -> list[str]:
    """One line per problem, for the command line and the app's notices."""
    return [f"lessons: {p}" for p in problems]


# --------------------------------------------------------------------------- cache

CACHE_FORMAT = 2
CACHE_NAME = "course.marshal"


def _signature(dirs: list[Path]) -> list:
    """What the cached course depends on: every course file's name, size and mtime, and this code."""
    sig: list = [CACHE_FORMAT, list(sys.version_info[:2]), folders.code_signature()]
    sig.extend(folders.folder_signature(folder) for folder in dirs)
    return sig


def load_course_cached(extra_dirs: Iterable[str | Path], cache_dir: str | Path | None) -> LoadResult:
    """:func:`load_course`, remembered between runs in ``cache_dir``.

    Parsing and validating the TOML files costs ~200 ms; the cached model loads in a
    fraction of that. The cache is keyed by every course file's size and mtime and by
    the code of this package, and rebuilt on any mismatch or doubt (see
    :mod:`lessons.cache`); failing to write it is not an error.
    """
    extra = [Path(d).expanduser() for d in extra_dirs]
    sig = _signature([BUILTIN_DIR, *extra])
    cached = cache.read(cache_dir, CACHE_NAME)
    if isinstance(cached, dict) and cached.get("signature") == sig:
        try:
            return _result_from(cached["result"])
        except Exception:  # noqa: BLE001 - a damaged cache is rebuilt, whatever the damage
            pass
    result = load_course(extra)
    cache.write(cache_dir, CACHE_NAME, {"signature": sig, "result": _result_data(result)})
    return result


# The course as plain values for marshal: each model object as the tuple of its fields.
_MODELS: dict[str, type] = {cls.__name__: cls for cls in (Topic, Entry, Question, Update, Skipped, Edit)}
# "@Entry" -> (Entry, its number of fields): positional construction, looked up once per
# object (the cached course is ~50,000 values; this is half of reading it back).
_BUILDERS: dict[str, tuple[type, int]] = {"@" + name: (cls, len(fields(cls))) for name, cls in _MODELS.items()}


def _plain(value: Any) -> Any:
    kind = type(value).__name__
    if kind in _MODELS and isinstance(value, _MODELS[kind]):
        return ("@" + kind, tuple(_plain(getattr(value, f.name)) for f in fields(value)))
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    return value


def _model(value: Any) -> Any:
    if type(value) is tuple:
        if len(value) == 2 and type(value[0]) is str and value[0] in _BUILDERS:
            cls, size = _BUILDERS[value[0]]
            values = value[1]
            if type(values) is not tuple or len(values) != size:
                raise ValueError(f"a cached {cls.__name__} of another shape")
            return cls(*[_model(v) for v in values])
        return tuple([_model(v) for v in value])
    return value


def _result_data(result: LoadResult) -> dict[str, Any]:
    return {
        "topics": tuple(_plain(t) for t in result.course.topics),
        "problems": [(str(p.path), p.line, p.problem) for p in result.problems],
        "files": [os.fspath(f) for f in result.files],
    }


def _result_from(data: dict[str, Any]) -> LoadResult:
    topics = tuple(_model(t) for t in data["topics"])
    if not all(isinstance(t, Topic) for t in topics):
        raise ValueError("not a course")
    problems = [LessonError(path, line, problem) for path, line, problem in data["problems"]]
    return LoadResult(Course(topics), problems, [Path(f) for f in data["files"]])


def __getattr__(name: str) -> Any:
    """``parse_topic_text`` and ``parse_scenario_text`` from :mod:`lessons.parse`, imported on
    first use: loading the course from its cache needs no parser (nor ``tomllib``)."""
    if name in ("parse_topic_text", "parse_scenario_text", "parse_topic_file", "parse_scenario_file"):
        from lessons import parse

        return getattr(parse, name)
    raise AttributeError(f"module 'lessons.loader' has no attribute {name!r}")
