"""The course's caches: plain data that cannot run code, only in a folder that is the user's own."""

from __future__ import annotations

import marshal
import os
import pickle
from pathlib import Path

from lessons import cache
from lessons.loader import CACHE_NAME, load_course_cached

GOOD = """\
id = "widgets"
number = 40
title = "Widgets"
lines = [1]

[[entries]]
id = "gizmo"
term = "Gizmo"
definition = "A small thing."
lines = [2]
"""


def course_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "course"
    folder.mkdir()
    (folder / "40-widgets.toml").write_text(GOOD, encoding="utf-8")
    return folder


def test_the_course_cache_round_trips_and_is_marshal_not_pickle(tmp_path: Path) -> None:
    folder, where = course_folder(tmp_path), tmp_path / "cache"
    first = load_course_cached([folder], where)
    raw = (where / CACHE_NAME).read_bytes()
    data = marshal.loads(raw)  # plain values only
    assert isinstance(data, dict)
    assert "signature" in data
    assert not raw.startswith(b"\x80")  # not a pickle stream
    again = load_course_cached([folder], where)
    assert again.course.entries.keys() == first.course.entries.keys()
    assert again.course.entry("widgets/gizmo") == first.course.entry("widgets/gizmo")
    assert oct(where.stat().st_mode & 0o777) == "0o700"
    assert oct((where / CACHE_NAME).stat().st_mode & 0o777) == "0o600"


def test_a_planted_pickle_is_never_unpickled(tmp_path: Path) -> None:
    folder, where = course_folder(tmp_path), tmp_path / "cache"
    where.mkdir(mode=0o700)
    marker = tmp_path / "pwned"

    class Boom:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    (where / CACHE_NAME).write_bytes(pickle.dumps(Boom()))
    (where / "course.pickle").write_bytes(pickle.dumps(Boom()))  # the old name, too
    result = load_course_cached([folder], where)
    assert "widgets" in result.course.by_topic
    assert not marker.exists()


def test_a_cache_folder_others_can_write_is_neither_read_nor_written(tmp_path: Path) -> None:
    folder, where = course_folder(tmp_path), tmp_path / "shared-cache"
    where.mkdir()
    load_course_cached([folder], where)  # a good cache there
    os.chmod(where, 0o777)
    assert cache.read(where, CACHE_NAME) is None
    (where / CACHE_NAME).unlink()
    result = load_course_cached([folder], where)
    assert "widgets" in result.course.by_topic
    assert not (where / CACHE_NAME).exists()  # nothing left where others could swap it


def test_a_symlinked_cache_file_or_folder_is_not_followed(tmp_path: Path) -> None:
    folder, where = course_folder(tmp_path), tmp_path / "cache"
    load_course_cached([folder], where)
    elsewhere = tmp_path / "elsewhere"
    (where / CACHE_NAME).rename(elsewhere)
    (where / CACHE_NAME).symlink_to(elsewhere)
    assert cache.read(where, CACHE_NAME) is None
    link = tmp_path / "linked-cache"
    link.symlink_to(where)
    assert not cache.folder_ok(link)
    assert cache.read(link, CACHE_NAME) is None


def test_damaged_caches_are_rebuilt(tmp_path: Path) -> None:
    folder, where = course_folder(tmp_path), tmp_path / "cache"
    load_course_cached([folder], where)
    for damage in (b"", b"\x00garbage", marshal.dumps({"signature": None}), marshal.dumps([1, 2, 3])):
        (where / CACHE_NAME).write_bytes(damage)
        assert "widgets" in load_course_cached([folder], where).course.by_topic
    good = marshal.loads((where / CACHE_NAME).read_bytes())
    good["result"]["topics"] = (("@Topic", ("too", "short")),)
    (where / CACHE_NAME).write_bytes(marshal.dumps(good))
    assert "widgets" in load_course_cached([folder], where).course.by_topic
