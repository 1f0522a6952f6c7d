"""The one exception type of the lessons layer."""

from __future__ import annotations

from pathlib import Path


class LessonError(Exception):
    """A problem in a course file, told as ``file:line: problem``.

    ``line`` is 0 when the problem concerns the whole file (unreadable, say).
    """

    def __init__(self, path: str | Path, line: int, problem: str) -> None:
        self.path = str(path)
        self.line = line
        self.problem = problem
        super().__init__(str(self))

    def __reduce__(self):  # picklable (the course cache keeps problems too)
        return (LessonError, (self.path, self.line, self.problem))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.problem}"
