"""Plain lines out, whole lines in: what line mode reads and writes through.

No cursor addressing and no colour: a screen reader reads it in order, a script
drives it, and a piped answer is echoed after its prompt so a transcript reads
as the session did.
"""

from __future__ import annotations

import shutil
import textwrap
from typing import TextIO

from tui.commandline import printable


class EndOfInput(Exception):
    """stdin is at its end (ctrl+d, or the end of a piped file)."""


class Lines:
    """Plain lines out, whole lines in. Wraps to the terminal's width (80 when piped)."""

    def __init__(self, stdin: TextIO, stdout: TextIO, width: int | None = None) -> None:
        self.stdin = stdin
        self.stdout = stdout
        self.width = width or max(40, min(100, shutil.get_terminal_size((80, 24)).columns - 1))
        try:
            self.echo = not stdin.isatty()  # piped answers are shown after their prompt
        except (AttributeError, ValueError):
            self.echo = True

    def say(self, text: str = "") -> None:
        """Lines of text; one longer than the width is wrapped (its indent kept)."""
        lines: list[str] = []
        for line in text.split("\n"):
            if len(line) <= self.width:
                lines.append(line)
                continue
            indent = line[: len(line) - len(line.lstrip())]
            lines += textwrap.wrap(line, self.width, subsequent_indent=indent, break_on_hyphens=False)
        self.stdout.write("\n".join(lines) + "\n")
        self.stdout.flush()

    def para(self, text: str, indent: str = "", hanging: str | None = None) -> None:
        """A paragraph, wrapped, every line starting with ``indent`` (``hanging`` after the first)."""
        rest = indent if hanging is None else hanging
        lines = textwrap.wrap(
            text, self.width, initial_indent=indent, subsequent_indent=rest, break_on_hyphens=False
        ) or [indent.rstrip()]
        for line in lines:
            self.say(line)

    def ask(self, prompt: str) -> str:
        """One line of input (without its newline); raises :class:`EndOfInput` at the end."""
        self.stdout.write(prompt)
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            self.say()
            raise EndOfInput
        line = line.rstrip("\r\n")
        if self.echo:
            self.stdout.write(printable(line, 200) + "\n")
            self.stdout.flush()
        return line.strip()
