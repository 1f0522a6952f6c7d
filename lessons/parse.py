"""Parse and validate one course file: a topic file or a scenarios file.

Every problem becomes a :class:`~lessons.errors.LessonError` naming the file, the
line and the problem (``tomllib`` keeps no positions, so :class:`_Locator` finds
them). Nothing here reads more than the one file it is given; linking topics
together is :mod:`lessons.loader`'s job.
"""

from __future__ import annotations

import math
import re
import tomllib
from pathlib import Path
from typing import Any

from lessons import blueprint, markup
from lessons.errors import LessonError
from lessons.model import (
    ENTRY_KINDS,
    OUTSIDE,
    QUESTION_ORIGINS,
    QUESTION_TYPES,
    SCENARIO,
    UPDATE_KINDS,
    Edit,
    Entry,
    Question,
    Skipped,
    Topic,
    Update,
)
from lessons.spelling import closest

MAX_FILE_BYTES = 4 * 1024 * 1024  # a topic file is ~100 KB; anything this big is not one
MAX_DEPTH = 8  # entries nested in entries: the course uses 4
_COUNT_WORDS = {2: "two", 3: "three"}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_HEADER = re.compile(r"^\s*\[\[\s*([A-Za-z0-9_.\s-]+?)\s*\]\]")
_TOML_POS = re.compile(r"\(at line (\d+), column (\d+)\)")
_HTML = re.compile(r"</?(?:ul|li|code|input|br|p|div|span)\b[^>]*>", re.IGNORECASE)

# --------------------------------------------------------------------------- parsing


class _Locator:
    """Finds the line of a table or key in a TOML text (tomllib keeps no positions)."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.tables: dict[tuple, int] = {}
        counters: dict[tuple, int] = {}
        latest: dict[str, tuple] = {}
        for number, raw in enumerate(self.lines, 1):
            match = _HEADER.match(raw)
            if not match:
                continue
            parts = [p.strip() for p in match.group(1).split(".")]
            parent: tuple = ()
            for depth in range(len(parts) - 1):
                parent = latest.get(".".join(parts[: depth + 1]), parent + (parts[depth], 0))
            key = (parent, parts[-1])
            index = counters.get(key, 0)
            counters[key] = index + 1
            location = parent + (parts[-1], index)
            dotted = ".".join(parts)
            latest[dotted] = location
            for deeper in [k for k in latest if k.startswith(dotted + ".")]:
                del latest[deeper]
            self.tables[location] = number

    def table(self, path: tuple) -> int:
        """Line of the table at ``path`` (or of its nearest located ancestor)."""
        while path:
            if path in self.tables:
                return self.tables[path]
            path = path[:-1]
        return 1

    def key(self, path: tuple, key: str) -> int:
        """Line where ``key`` is assigned inside the table at ``path``."""
        start = self.table(path) if path else 1
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for number in range(start, len(self.lines) + 1):
            line = self.lines[number - 1]
            if number > start and path and _HEADER.match(line):
                break
            if not path and number > start and line.lstrip().startswith("["):
                break
            if pattern.match(line):
                return number
        return start


class _FileParser:
    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.loc = _Locator(text)
        self.seen_entries: dict[str, int] = {}
        self.seen_questions: dict[str, int] = {}

    def fail(self, line: int, problem: str) -> LessonError:
        return LessonError(self.path, line, problem)

    # -- generic field checks -------------------------------------------------

    def check_keys(self, table: dict, path: tuple, allowed: dict[str, bool], what: str) -> None:
        for key in table:
            if key not in allowed:
                close = closest(key, allowed)
                hint = f" (did you mean '{close}'?)" if close else ""
                raise self.fail(self.loc.key(path, key), f"unknown key '{key}' in {what}{hint}")
        for key, required in allowed.items():
            if required and key not in table:
                raise self.fail(self.loc.table(path), f"missing field '{key}' in {what}")

    def text(self, table: dict, path: tuple, key: str, what: str, *, optional: bool = False) -> str | None:
        value = table.get(key)
        if value is None and optional:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(self.loc.key(path, key), f"'{key}' of {what} must be non-empty text")
        self.check_markup(value, path, key, what)
        return value.strip()

    def texts(self, table: dict, path: tuple, key: str, what: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(self.loc.key(path, key), f"'{key}' of {what} must be a list of non-empty texts")
        for v in value:
            self.check_markup(v, path, key, what)
        return tuple(v.strip() for v in value)

    def check_markup(self, value: str, path: tuple, key: str, what: str) -> None:
        broken = markup.unbalanced(value)
        if broken:
            raise self.fail(self.loc.key(path, key), f"{broken} in '{key}' of {what}")
        if _HTML.search(value):
            raise self.fail(self.loc.key(path, key), f"stray HTML in '{key}' of {what}")

    def line_numbers(self, table: dict, path: tuple, what: str, *, required: bool = True) -> tuple[int, ...]:
        value = table.get("lines")
        if value is None and not required:
            return ()
        where = self.loc.key(path, "lines")
        if not isinstance(value, list) or not value:
            raise self.fail(where, f"'lines' of {what} must be a non-empty list of line numbers")
        numbers: list[int] = []
        for item in value:
            if isinstance(item, int) and not isinstance(item, bool) and item > 0:
                numbers.append(item)
            elif isinstance(item, str) and re.fullmatch(r"\d+-\d+", item.strip()):
                low, high = (int(x) for x in item.split("-"))
                if not 0 < low <= high:
                    raise self.fail(where, f"bad line range '{item}' in {what}")
                numbers.extend(range(low, high + 1))
            else:
                raise self.fail(where, f'bad line number {item!r} in {what} (use 12 or "12-15")')
        return tuple(sorted(set(numbers)))

    # -- tables ---------------------------------------------------------------

    def topic(self, data: dict) -> Topic:
        self.check_keys(
            data,
            (),
            {
                "id": True,
                "number": True,
                "title": True,
                "lines": False,  # a topic added beyond the notes has none
                "entries": True,
                "questions": False,
                "skipped": False,
                "edits": False,
                "task": False,
            },
            "the topic",
        )
        topic_id = data["id"]
        if not isinstance(topic_id, str) or not SLUG.match(topic_id):
            raise self.fail(self.loc.key((), "id"), "topic 'id' must be a slug like 'dynamodb'")
        number = data["number"]
        if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= 999:
            raise self.fail(self.loc.key((), "number"), "topic 'number' must be a whole number from 1 to 999")
        title = self.text(data, (), "title", "the topic")
        lines = self.line_numbers(data, (), "the topic", required=False)
        task = self.task(data, (), "the topic", OUTSIDE)
        raw_entries = data["entries"]
        if not isinstance(raw_entries, list) or not raw_entries:
            raise self.fail(self.loc.key((), "entries"), "a topic needs at least one [[entries]] table")
        entries = tuple(self.entry(raw, ("entries", i), topic_id, None, task) for i, raw in enumerate(raw_entries))
        tasks = {e.id: e.task for top in entries for e in top.walk()}
        questions = tuple(
            self.question(raw, ("questions", i), topic_id, tasks, task)
            for i, raw in enumerate(self.table_list(data, "questions"))
        )
        skipped = tuple(self.skipped(raw, ("skipped", i)) for i, raw in enumerate(self.table_list(data, "skipped")))
        edits = tuple(self.edit(raw, ("edits", i)) for i, raw in enumerate(self.table_list(data, "edits")))
        return Topic(
            id=topic_id,
            number=number,
            title=title or topic_id,
            lines=lines,
            entries=entries,
            questions=questions,
            skipped=skipped,
            edits=edits,
            source_file=str(self.path),
            task=task,
        )

    def task(self, table: dict, path: tuple, what: str, default: str) -> str:
        """The DVA-C02 task statement of a topic, entry or question ("1.2", or "outside")."""
        value = table.get("task", default)
        if not isinstance(value, str) or not blueprint.is_valid(value):
            raise self.fail(
                self.loc.key(path, "task"),
                f'\'task\' of {what} must be a DVA-C02 task statement like "2.2" (1.1-4.3) or "{OUTSIDE}", not {value!r}',
            )
        return value

    def sources(self, table: dict, path: tuple, what: str) -> tuple[str, ...]:
        """AWS page titles that confirm content beyond the notes."""
        return self.texts(table, path, "sources", what)

    def scenarios(self, data: dict) -> tuple[str, tuple[Question, ...]]:
        """A scenarios file: ``topic = "dynamodb"`` and its ``[[questions]]``, all of origin "scenario"."""
        self.check_keys(data, (), {"topic": True, "questions": True}, "a scenarios file")
        topic_id = data["topic"]
        if not isinstance(topic_id, str) or not SLUG.match(topic_id):
            raise self.fail(self.loc.key((), "topic"), "'topic' must be the id of a topic, like 'dynamodb'")
        raw_questions = self.table_list(data, "questions")
        if not raw_questions:
            raise self.fail(self.loc.key((), "questions"), "a scenarios file needs at least one [[questions]] table")
        questions = tuple(
            self.question(raw, ("questions", i), topic_id, {}, OUTSIDE, scenario=True)
            for i, raw in enumerate(raw_questions)
        )
        return topic_id, questions

    def table_list(self, table: dict, key: str, path: tuple = ()) -> list[dict]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(self.loc.key(path, key), f"'{key}' must be a list of tables ([[{key}]])")
        return value

    def entry(self, raw: Any, path: tuple, topic_id: str, parent_id: str | None, default_task: str) -> Entry:
        line = self.loc.table(path)
        if not isinstance(raw, dict):
            raise self.fail(line, "an entry must be a table")
        if path.count("children") >= MAX_DEPTH:
            raise self.fail(line, f"entries nested more than {MAX_DEPTH} deep")
        what = f"entry '{raw.get('id', '?')}'"
        self.check_keys(
            raw,
            path,
            {
                "id": True,
                "term": True,
                "full_form": False,
                "definition": False,
                "notes": False,
                "children": False,
                "related": False,
                "updates": False,
                "added": False,
                "kind": False,
                "aliases": False,
                "lines": not raw.get("added", False),
                "task": False,
                "sources": False,
                "unverified": False,
            },
            what,
        )
        slug = raw["id"]
        if not isinstance(slug, str) or not SLUG.match(slug):
            raise self.fail(self.loc.key(path, "id"), f"entry id {slug!r} must be a slug like 'rcu'")
        if slug in self.seen_entries:
            raise self.fail(
                self.loc.key(path, "id"),
                f"duplicate entry id '{slug}' (first used at line {self.seen_entries[slug]})",
            )
        self.seen_entries[slug] = self.loc.key(path, "id")
        term = self.text(raw, path, "term", what)
        full_form = self.text(raw, path, "full_form", what, optional=True)
        definition = self.text(raw, path, "definition", what, optional=True)
        notes = self.texts(raw, path, "notes", what)
        kind = raw.get("kind", "concept")
        if kind not in ENTRY_KINDS:
            raise self.fail(
                self.loc.key(path, "kind"), f"unknown kind {kind!r} in {what} (one of {', '.join(ENTRY_KINDS)})"
            )
        added = raw.get("added", False)
        if not isinstance(added, bool):
            raise self.fail(self.loc.key(path, "added"), f"'added' of {what} must be true or false")
        related = self.texts(raw, path, "related", what)
        aliases = self.texts(raw, path, "aliases", what)
        task = self.task(raw, path, what, default_task)
        sources = self.sources(raw, path, what)
        unverified = self.text(raw, path, "unverified", what, optional=True)
        full_id = f"{topic_id}/{slug}"
        children = tuple(
            self.entry(child, path + ("children", i), topic_id, full_id, task)
            for i, child in enumerate(self.table_list(raw, "children", path))
        )
        updates = tuple(
            self.update(u, path + ("updates", i), what) for i, u in enumerate(self.table_list(raw, "updates", path))
        )
        if not (definition or notes or children or full_form):
            raise self.fail(line, f"{what} needs a full form, definition, notes or children")
        return Entry(
            id=full_id,
            slug=slug,
            topic_id=topic_id,
            term=term or slug,
            full_form=full_form,
            definition=definition,
            notes=notes,
            children=children,
            related=tuple(r if "/" in r else f"{topic_id}/{r}" for r in related),
            updates=updates,
            added=added,
            kind=kind,
            aliases=aliases,
            lines=self.line_numbers(raw, path, what, required=not added),
            parent_id=parent_id,
            source_file=str(self.path),
            source_line=line,
            task=task,
            sources=sources,
            unverified=unverified,
        )

    def update(self, raw: dict, path: tuple, owner: str) -> Update:
        what = f"an update of {owner}"
        kind = raw.get("kind", "update")
        self.check_keys(
            raw,
            path,
            {"note": True, "current": True, "since": kind == "update", "source": True, "kind": False},
            what,
        )
        if kind not in UPDATE_KINDS:
            raise self.fail(self.loc.key(path, "kind"), f"'kind' of {what} must be one of {', '.join(UPDATE_KINDS)}")
        return Update(
            note=self.text(raw, path, "note", what) or "",
            current=self.text(raw, path, "current", what) or "",
            since=self.text(raw, path, "since", what, optional=True) or "",
            source=self.text(raw, path, "source", what) or "",
            kind=kind,
        )

    def question(
        self,
        raw: dict,
        path: tuple,
        topic_id: str,
        tasks: dict[str, str],
        default_task: str,
        *,
        scenario: bool = False,
    ) -> Question:
        what = f"question '{raw.get('id', '?')}'" if isinstance(raw, dict) else "a question"
        if not isinstance(raw, dict):
            raise self.fail(self.loc.table(path), "a question must be a table")
        cites = bool(raw.get("sources"))
        self.check_keys(
            raw,
            path,
            {
                "id": True,
                "origin": True,
                "type": True,
                "prompt": True,
                "choices": False,
                "answer": True,
                "accept": False,
                "tolerance": False,
                "explain": True,
                "entry": True,
                "lines": not (scenario or cites),
                "uses_update": False,
                "task": scenario,
                "reasons": scenario,
                "sources": False,
            },
            what,
        )
        slug = raw["id"]
        if not isinstance(slug, str) or not SLUG.match(slug):
            raise self.fail(self.loc.key(path, "id"), f"question id {slug!r} must be a slug")
        if slug in self.seen_questions:
            raise self.fail(
                self.loc.key(path, "id"),
                f"duplicate question id '{slug}' (first used at line {self.seen_questions[slug]})",
            )
        self.seen_questions[slug] = self.loc.key(path, "id")
        origin, qtype = raw["origin"], raw["type"]
        if scenario and origin != SCENARIO:
            raise self.fail(
                self.loc.key(path, "origin"), f"'origin' of {what} must be \"{SCENARIO}\" in a scenarios file"
            )
        if not scenario and origin not in QUESTION_ORIGINS:
            hint = " (scenario questions go in the scenarios/ folder)" if origin == SCENARIO else ""
            raise self.fail(
                self.loc.key(path, "origin"), f"'origin' of {what} must be one of {', '.join(QUESTION_ORIGINS)}{hint}"
            )
        if qtype not in QUESTION_TYPES:
            raise self.fail(self.loc.key(path, "type"), f"'type' of {what} must be one of {', '.join(QUESTION_TYPES)}")
        prompt = self.text(raw, path, "prompt", what) or ""
        explain = self.text(raw, path, "explain", what) or ""
        entry = raw["entry"]
        if not isinstance(entry, str) or not entry:
            raise self.fail(self.loc.key(path, "entry"), f"'entry' of {what} must be an entry id")
        choices = self.texts(raw, path, "choices", what)
        accept = self.texts(raw, path, "accept", what)
        answer = raw["answer"]
        tolerance = raw.get("tolerance", 0)
        uses_update = raw.get("uses_update", False)
        if not isinstance(uses_update, bool):
            raise self.fail(self.loc.key(path, "uses_update"), f"'uses_update' of {what} must be true or false")
        answer_line = self.loc.key(path, "answer")
        folded = [c.casefold() for c in choices]
        if len(set(folded)) != len(folded):
            raise self.fail(self.loc.key(path, "choices"), f"duplicate choices in {what}")
        if qtype in ("single", "multi"):
            if not 2 <= len(choices) <= 6:
                raise self.fail(self.loc.key(path, "choices"), f"{what} needs 2 to 6 choices")
            if qtype == "single" and not isinstance(answer, str):
                raise self.fail(answer_line, f"'answer' of single-choice {what} must be one of its choices")
            if qtype == "multi" and (not isinstance(answer, list) or len(answer) < 2):
                raise self.fail(answer_line, f"'answer' of multiple-choice {what} must list 2 or more choices")
            wanted: list[str] = [answer] if isinstance(answer, str) else answer
            missing = [a for a in wanted if a not in choices]
            if missing:
                raise self.fail(answer_line, f"answer {missing[0]!r} of {what} is not among its choices")
            if qtype == "multi" and len(wanted) >= len(choices):
                raise self.fail(answer_line, f"{what} needs at least one wrong choice")
            value: str | bool | float | tuple[str, ...] = wanted[0] if qtype == "single" else tuple(wanted)
        else:
            if choices:
                raise self.fail(self.loc.key(path, "choices"), f"{qtype} {what} takes no choices")
            if qtype == "truefalse" and not isinstance(answer, bool):
                raise self.fail(answer_line, f"'answer' of true/false {what} must be true or false")
            if qtype == "typed" and (not isinstance(answer, str) or not answer.strip()):
                raise self.fail(answer_line, f"'answer' of typed {what} must be text")
            if qtype == "numeric":
                if isinstance(answer, bool) or not isinstance(answer, (int, float)) or not math.isfinite(answer):
                    raise self.fail(answer_line, f"'answer' of numeric {what} must be a number")
            value = float(answer) if qtype == "numeric" else answer
        if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) or tolerance < 0:
            raise self.fail(self.loc.key(path, "tolerance"), f"'tolerance' of {what} must be a number >= 0")
        entry_id = entry if "/" in entry else f"{topic_id}/{entry}"
        task = self.task(raw, path, what, tasks.get(entry_id, default_task))
        reasons = self.texts(raw, path, "reasons", what)
        sources = self.sources(raw, path, what)
        if scenario:
            self.check_scenario(raw, path, what, qtype, choices, value, reasons, prompt, task)
        elif reasons:
            raise self.fail(self.loc.key(path, "reasons"), f"'reasons' are for scenario questions only ({what})")
        return Question(
            id=f"{topic_id}/{'s' if scenario else 'q'}/{slug}",
            slug=slug,
            topic_id=topic_id,
            origin=origin,
            type=qtype,
            prompt=prompt,
            choices=choices,
            answer=value,
            accept=accept,
            tolerance=float(tolerance),
            explain=explain,
            entry_id=entry_id,
            lines=self.line_numbers(raw, path, what, required=not (scenario or cites)),
            uses_update=uses_update,
            source_file=str(self.path),
            source_line=self.loc.table(path),
            task=task,
            reasons=reasons,
            sources=sources,
        )

    def check_scenario(
        self,
        raw: dict,
        path: tuple,
        what: str,
        qtype: str,
        choices: tuple[str, ...],
        answer: object,
        reasons: tuple[str, ...],
        prompt: str,
        task: str,
    ) -> None:
        """The exam's shapes: one of four options, or "choose N" of five or more, each option explained."""
        if task == OUTSIDE:
            raise self.fail(self.loc.key(path, "task"), f"scenario {what} must name the task statement it tests")
        if qtype == "single" and len(choices) != 4:
            raise self.fail(self.loc.key(path, "choices"), f"single-answer scenario {what} needs exactly 4 choices")
        if qtype == "multi":
            count = len(answer) if isinstance(answer, tuple) else 0
            if len(choices) < 5:
                raise self.fail(self.loc.key(path, "choices"), f"multiple-answer scenario {what} needs 5 or 6 choices")
            word = _COUNT_WORDS.get(count, str(count))
            if f"(Choose {word}.)" not in prompt:
                raise self.fail(self.loc.key(path, "prompt"), f"the prompt of {what} must end with '(Choose {word}.)'")
        if qtype not in ("single", "multi"):
            raise self.fail(self.loc.key(path, "type"), f"scenario {what} must be single or multi, not {qtype}")
        if len(reasons) != len(choices):
            raise self.fail(
                self.loc.key(path, "reasons"),
                f"{what} needs one reason per choice, in the same order ({len(choices)} choices, {len(reasons)} reasons)",
            )

    def skipped(self, raw: dict, path: tuple) -> Skipped:
        what = "a [[skipped]] line"
        self.check_keys(raw, path, {"line": True, "text": True, "reason": True}, what)
        line = raw["line"]
        if not isinstance(line, int) or isinstance(line, bool) or line < 1:
            raise self.fail(self.loc.key(path, "line"), f"'line' of {what} must be a line number")
        text = raw["text"]
        if not isinstance(text, str):
            raise self.fail(self.loc.key(path, "text"), f"'text' of {what} must be text")
        return Skipped(line=line, text=text, reason=self.text(raw, path, "reason", what) or "")

    def edit(self, raw: dict, path: tuple) -> Edit:
        what = "an [[edits]] note"
        self.check_keys(raw, path, {"lines": True, "original": True, "decision": True}, what)
        return Edit(
            lines=self.line_numbers(raw, path, what),
            original=self.text(raw, path, "original", what) or "",
            decision=self.text(raw, path, "decision", what) or "",
        )


def _read_text(path: Path) -> str:
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise LessonError(path, 0, f"cannot read: {error.strerror or error}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise LessonError(path, 0, f"too big for a course file (over {MAX_FILE_BYTES // (1024 * 1024)} MB): skipped")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise LessonError(path, line, "not UTF-8 text") from None


def parse_topic_file(path: Path) -> Topic:
    """Parse and validate one topic file; raise :class:`LessonError` on any problem."""
    return parse_topic_text(_read_text(path), path)


def parse_topic_text(text: str, path: str | Path = "<text>") -> Topic:
    path = Path(path)
    return _FileParser(path, text).topic(_toml(text, path))


def parse_scenario_file(path: Path) -> tuple[str, tuple[Question, ...]]:
    """Parse one scenarios file: ``(topic id, its scenario questions)``."""
    return parse_scenario_text(_read_text(path), path)


def parse_scenario_text(text: str, path: str | Path = "<text>") -> tuple[str, tuple[Question, ...]]:
    path = Path(path)
    return _FileParser(path, text).scenarios(_toml(text, path))


def _toml(text: str, path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise LessonError(path, 0, "nested too deeply to be a course file: skipped") from None
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        match = _TOML_POS.search(message)
        line = int(match.group(1)) if match else 0
        if "(at end of document)" in message:
            line = max(1, len(text.splitlines()))
            message = message.replace("(at end of document)", "at the end of the file")
        detail = _TOML_POS.sub("", message).strip()
        column = f" at column {match.group(2)}" if match else ""
        raise LessonError(path, line, f"TOML syntax: {detail}{column}") from None
