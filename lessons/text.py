"""Course content as plain text: line ranges, where an entry comes from, a whole entry.

Used for the clipboard (``y``), the lesson pane's source line and any front end
that prints entries without styling.
"""

from __future__ import annotations

from collections.abc import Iterable

from lessons import markup
from lessons.model import Course, Entry


def line_ranges(lines: Iterable[int]) -> str:
    """(5, 6, 7, 9) -> '5-7, 9'."""
    out: list[str] = []
    numbers = sorted(set(lines))
    start = prev = None
    for n in numbers:
        if start is None or prev is None:
            start = prev = n
        elif n == prev + 1:
            prev = n
        else:
            out.append(f"{start}-{prev}" if start != prev else f"{start}")
            start = prev = n
    if start is not None and prev is not None:
        out.append(f"{start}-{prev}" if start != prev else f"{start}")
    return ", ".join(out)


def source_line(entry: Entry) -> str:
    """Where an entry comes from: the notes' lines, and the AWS pages of added content."""
    parts: list[str] = []
    if entry.lines:
        parts.append(f"From the notes: lines {line_ranges(entry.lines)}")
    if entry.sources:
        parts.append("Sources: " + "; ".join(entry.sources))
    return ". ".join(parts) if parts else "Added: not in the original notes"


def entry_text(course: Course, entry: Entry) -> str:
    """An entry as plain text (what ``y`` copies)."""
    topic = course.topic_of(entry)
    lines = [entry.title, f"Topic {topic.number}: {topic.title}"]
    if entry.added:
        lines.append("(added - not in the original notes)")
    if entry.definition:
        lines.append(markup.plain(entry.definition))
    lines.extend(f"- {markup.plain(note)}" for note in entry.notes)
    lines.extend(f"- {child.title}" for child in entry.children)
    if entry.unverified:
        lines.append(f"Unverified: {markup.plain(entry.unverified)}")
    for update in entry.updates:
        heading = markup.update_heading(update.since, update.kind)
        lines.append(f"{heading}: {markup.plain(update.current)} [{update.source}]")
    lines.append(f"({source_line(entry)})")
    return "\n".join(lines)
