"""Course folders: which files make up a course, and a signature caches key on.

A course folder holds one ``NN-slug.toml`` per topic and, optionally, a
``scenarios/`` subfolder of exam-style questions for those topics. The loader,
the course cache and the search index's cache all read the same list, so a new
or edited file (scenarios included) invalidates both caches.

Plain ``os`` only: ``awstutor lookup`` imports this on its fast path.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

BUILTIN_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "course")
SCENARIOS = "scenarios"  # subfolder of a course folder with scenario questions


def course_dirs(extra: Iterable[str | os.PathLike[str]] = (), *, builtin: bool = True) -> list[str]:
    """The course folders a load reads, in order: the built-in course, then ``extra``."""
    folders = [BUILTIN_DIR] if builtin else []
    folders.extend(os.path.expanduser(os.fspath(folder)) for folder in extra)
    return folders


def _toml_names(folder: str) -> list[str] | None:
    try:
        with os.scandir(folder) as scan:
            return sorted(e.name for e in scan if e.name.endswith(".toml") and e.is_file())
    except OSError:
        return None


def not_files(folder: str | os.PathLike[str]) -> list[str]:
    """``*.toml`` names in the folder (or its ``scenarios/``) that are not regular files:
    folders, FIFOs, devices, links to them. They are skipped, and said so."""
    found: list[str] = []
    for sub in (os.fspath(folder), os.path.join(os.fspath(folder), SCENARIOS)):
        try:
            with os.scandir(sub) as scan:
                found += [e.path for e in scan if e.name.endswith(".toml") and not e.is_file()]
        except OSError:
            continue
    return sorted(found)


def topic_files(folder: str | os.PathLike[str]) -> list[str]:
    """The topic files of a course folder, in name order."""
    folder = os.fspath(folder)
    return [os.path.join(folder, name) for name in _toml_names(folder) or []]


def scenario_files(folder: str | os.PathLike[str]) -> list[str]:
    """The scenario files of a course folder (``scenarios/*.toml``), in name order."""
    sub = os.path.join(os.fspath(folder), SCENARIOS)
    return [os.path.join(sub, name) for name in _toml_names(sub) or []]


def code_signature() -> list[Any]:
    """``[[module, size, mtime_ns], ...]`` of the ``lessons`` package: a cache of the
    course model or the search index is stale when this code changes."""
    here = os.path.dirname(os.path.abspath(__file__))
    out: list[Any] = []
    for name in sorted(n for n in os.listdir(here) if n.endswith(".py")):
        try:
            st = os.stat(os.path.join(here, name))
        except OSError:
            continue
        out.append([name, st.st_size, st.st_mtime_ns])
    return out


def folder_signature(folder: str | os.PathLike[str]) -> list[Any]:
    """``[folder, [[relative name, size, mtime_ns], ...]]`` over topic and scenario files;
    ``[folder, None]`` when the folder cannot be read (rebuilt when that changes)."""
    folder = os.path.abspath(os.fspath(folder))
    names = _toml_names(folder)
    if names is None:
        return [folder, None]
    names = names + [f"{SCENARIOS}/{name}" for name in _toml_names(os.path.join(folder, SCENARIOS)) or []]
    files: list[Any] = []
    for name in names:
        try:
            st = os.stat(os.path.join(folder, name))
            files.append([name, st.st_size, st.st_mtime_ns])
        except OSError:
            files.append([name, None, None])
    return [folder, files]
