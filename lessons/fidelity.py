"""Proof that the course is faithful to the original notes.

Every entry, question and topic records the 1-based line numbers of the notes
it came from. :func:`check` reads the notes and reports

* lines with content that nothing claims (coverage),
* claimed lines whose words barely appear in what claims them (a wrong line
  number, or a fact dropped in the rewrite),
* numbers of a line that the text claiming it lost (a fact dropped),
* ``[[skipped]]`` lines whose recorded text no longer matches the notes.

Used by the test-suite and by ``awstutor check --notes FILE``.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from lessons import markup
from lessons.model import Course, Entry, Question

HEADER_CELLS = ("terms", "full form", "definition", "note")
_WORD = re.compile(r"[a-z0-9]+")
# "1)", "(2)", "3." or a bare "4" in a cell of its own: list and question numbering, not facts.
_LIST_MARKER = re.compile(
    r"(?:^|(?<=\t)|(?<=\s))\(?\d{1,2}\s*\)|^\s*\d{1,2}\.(?!\d)|(?:^|(?<=\t))\s*\d{1,2}\s*(?=\t|$)"
)
# Digits that are part of a name (S3, EC2, t2.large, x4-large, v2, SHA-256 is kept: hyphen).
_NUMBER = re.compile(r"(?<![A-Za-z0-9.])\d+(?:\.\d+)?")
_STOP = frozenset(
    """the and for are but not you your with from that this can will into per its our all any has have
    use used using was were been being they them then than there their what when where which while who
    why how also only just more most much many some such each other over under same very via etc ex
    eg get got let lot may might must need needs should would could does did done dont don make made
    one two""".split()
)


@dataclass
class Report:
    uncovered: list[tuple[int, str]] = field(default_factory=list)
    weak: list[tuple[int, float, str]] = field(default_factory=list)
    lost_numbers: list[tuple[int, str, str]] = field(default_factory=list)
    bad_skips: list[tuple[int, str]] = field(default_factory=list)
    beyond_end: list[tuple[str, int]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.uncovered or self.weak or self.lost_numbers or self.bad_skips or self.beyond_end)

    def lines(self) -> list[str]:
        out = [f"line {n}: not covered: {t!r}" for n, t in self.uncovered]
        out += [f"line {n}: only {s:.0%} of its words appear in what claims it: {t!r}" for n, s, t in self.weak]
        out += [f"line {n}: number {num} missing from what claims it: {t!r}" for n, num, t in self.lost_numbers]
        out += [f"line {n}: [[skipped]] text does not match the notes: {t!r}" for n, t in self.bad_skips]
        out += [f"{who}: line {n} is beyond the end of the notes" for who, n in self.beyond_end]
        return out


def is_content(line: str) -> bool:
    """A non-blank line that is not a ``Terms / Full Form / Definition / NOTE`` header."""
    cells = [c.strip().lower() for c in line.split("\t")]
    if not any(cells):
        return False
    return tuple(c for c in cells if c) != HEADER_CELLS


def _tokens(text: str) -> list[str]:
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text.lower())
    return _WORD.findall(text)


def _significant(text: str) -> list[str]:
    return [t for t in _tokens(text) if (len(t) >= 3 and t not in _STOP and not t.isdigit())]


def _numbers(text: str, *, markers: bool = False) -> set[str]:
    if markers:
        text = _LIST_MARKER.sub(" ", text)
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    return set(_NUMBER.findall(text))


def entry_text(entry: Entry) -> str:
    parts = [entry.term, entry.full_form or "", entry.definition or "", *entry.notes, *entry.aliases]
    for update in entry.updates:
        parts.append(update.note)
    return markup.plain(" \n ".join(parts))


def question_text(question: Question) -> str:
    answer = question.answer
    if isinstance(answer, tuple):
        answer = " ".join(answer)
    parts = [question.prompt, *question.choices, str(answer), *question.accept, question.explain]
    return markup.plain(" \n ".join(parts))


def claims(course: Course) -> dict[int, list[tuple[str, str]]]:
    """Line number -> [(who, text)] for everything that claims the line."""
    out: dict[int, list[tuple[str, str]]] = {}

    def add(lines, who, text):
        for n in lines:
            out.setdefault(n, []).append((who, text))

    for topic in course.topics:
        add(topic.lines, f"topic {topic.id}", f"topic {topic.number} {topic.title} question questions")
        for entry in topic.walk():
            add(entry.lines, entry.id, entry_text(entry))
        for question in topic.questions:
            add(question.lines, question.id, question_text(question))
        for skip in topic.skipped:
            add([skip.line], f"{topic.id} skipped", skip.text)
    return out


def _similar(word: str, vocabulary: set[str]) -> bool:
    """Does ``vocabulary`` keep ``word`` of the notes in some form? Shared letters
    (difflib's ratio) rather than :func:`lessons.spelling.closest`'s typos, on purpose:
    a rewrite joins and splits words ("commit" is kept in "CodeCommit", "256kb" in
    "256 KB"), which an edit distance counts as many typos."""
    if word in vocabulary:
        return True
    if any(v.startswith(word) or word.startswith(v) for v in vocabulary if len(v) >= 4 and len(word) >= 4):
        return True
    return bool(difflib.get_close_matches(word, vocabulary, n=1, cutoff=0.75))


def check(course: Course, notes: str, *, threshold: float = 0.5) -> Report:
    """Compare ``course`` with the text of the original notes."""
    source = notes.splitlines()
    claimed = claims(course)
    report = Report()
    for topic in course.topics:
        for skip in topic.skipped:
            actual = source[skip.line - 1].strip() if skip.line <= len(source) else ""
            if " ".join(actual.split()) != " ".join(skip.text.split()):
                report.bad_skips.append((skip.line, skip.text))
    for number in sorted(claimed):
        if number > len(source):
            report.beyond_end.append((claimed[number][0][0], number))
    for number, line in enumerate(source, 1):
        if not is_content(line):
            continue
        who = claimed.get(number)
        if not who:
            report.uncovered.append((number, line.strip()))
            continue
        union = " \n ".join(text for _, text in who)
        vocabulary = set(_significant(union)) | set(_tokens(union))
        words = _significant(line)
        if words:
            found = sum(1 for w in words if _similar(w, vocabulary))
            share = found / len(words)
            if share < threshold:
                report.weak.append((number, share, line.strip()))
        have = _numbers(union)
        for num in sorted(_numbers(line, markers=True)):
            if num not in have:
                report.lost_numbers.append((number, num, line.strip()))
    return report
