"""Nothing followed, nothing chmodded (issue 13, items 1 and 2).

A link (or a FIFO, or a folder) where a data file or subfolder should be is
moved aside as itself and told; its target is never read, written or chmodded.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from progress.store import ProgressStore

GOOD_MAIN = {"meta": {"1": {"schema": 2, "kind": "main"}}, "settings": {"1": {"key": "theme", "value": "planted"}}}


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder outside the data folder, open to all (what a link may point at)."""
    folder = tmp_path / "outside"
    folder.mkdir()
    os.chmod(folder, 0o755)
    return folder


def fresh(data_dir: Path, open_store) -> None:
    store = open_store()
    store.set_setting("theme", "dark")
    store.save_card("s3/a", {"due": "2026-01-01T00:00:00+00:00"})
    store.record_attempt("s3/q/1", answer="a", correct=True, seconds=1, mode="quiz")
    store.mark_entry("s3/a", "got")
    store.close()


@pytest.mark.parametrize("name", ["progress.json", "cards/s3.json", "attempts/000001.json", "marks/000001.json"])
@pytest.mark.parametrize("content", [b"not json at all", json.dumps(GOOD_MAIN).encode()])
def test_a_linked_data_file_is_moved_aside_as_the_link(name, content, data_dir, open_store, outside, clock):
    fresh(data_dir, open_store)
    target = outside / "victim.json"
    target.write_bytes(content)
    os.chmod(target, 0o644)
    (data_dir / name).unlink()
    (data_dir / name).symlink_to(target)

    store = open_store(clock=clock)
    (notice,) = store.notices
    assert notice.startswith(f"progress: {name} was a symbolic link (not followed); moved it to ")
    moved = Path(notice.split("moved it to ")[1].split(" and ")[0])
    assert moved.is_symlink()
    assert os.readlink(moved) == str(target)
    assert moved.name.startswith(Path(name).stem + ".symlink-")
    assert mode(target) == 0o644
    assert target.read_bytes() == content
    assert store.get_setting("theme") != "planted"  # and never read
    store.set_setting("theme", "light")
    store.save_card("s3/b", {"due": "2026-01-01T00:00:00+00:00"})
    store.record_attempt("s3/q/2", answer="a", correct=True, seconds=1, mode="quiz")
    store.mark_entry("s3/b", "got")
    assert not (data_dir / name).is_symlink()  # written fresh, as a file of its own
    assert mode(target) == 0o644
    assert target.read_bytes() == content
    assert sorted(os.listdir(outside)) == ["victim.json"]


@pytest.mark.parametrize("name", ["cards", "attempts", "marks"])
def test_a_linked_subfolder_is_moved_aside_and_its_target_never_touched(name, data_dir, open_store, outside, clock):
    fresh(data_dir, open_store)
    (outside / "000001.json").write_text("{}")
    for path in (data_dir / name).iterdir():
        path.unlink()
    (data_dir / name).rmdir()
    (data_dir / name).symlink_to(outside, target_is_directory=True)

    store = open_store(clock=clock)
    (notice,) = store.notices
    assert notice.startswith(f"progress: {name} is a symbolic link (not followed); moved it to ")
    assert (data_dir / f"{name}.symlink-20261127T190211Z").is_symlink()
    assert (data_dir / name).is_dir()
    assert not (data_dir / name).is_symlink()
    assert mode(data_dir / name) == 0o700
    store.save_card("s3/b", {"due": "2026-01-01T00:00:00+00:00"})
    store.record_attempt("s3/q/2", answer="a", correct=True, seconds=1, mode="quiz")
    store.mark_entry("s3/b", "got")
    assert mode(outside) == 0o755  # not chmodded
    assert sorted(os.listdir(outside)) == ["000001.json"]  # and nothing written into it
    assert [p.name for p in store.moved_aside()] == [f"{name}.symlink-20261127T190211Z"]


def test_a_folder_linked_while_running_is_never_written_into(data_dir, open_store, outside):
    store = open_store()
    store.record_attempt("s3/q/1", answer="a", correct=True, seconds=1, mode="quiz")
    os.rename(data_dir / "cards", data_dir / "cards.real")
    (data_dir / "cards").symlink_to(outside, target_is_directory=True)
    from progress.errors import StoreWriteError

    with pytest.raises(StoreWriteError, match="symbolic link"):
        store.save_card("s3/b", {"due": "2026-01-01T00:00:00+00:00"})
    assert store.cards() == {}  # a linked folder reads as empty: not followed
    assert os.listdir(outside) == []
    assert mode(outside) == 0o755


def test_a_linked_lock_file_is_moved_aside_and_its_target_not_truncated(data_dir, open_store, outside, clock):
    fresh(data_dir, open_store)
    target = outside / "precious.txt"
    target.write_text("keep me")
    (data_dir / ".lock").unlink()
    (data_dir / ".lock").symlink_to(target)
    store = open_store(clock=clock)
    (notice,) = store.notices
    assert notice.startswith("progress: .lock was not a plain file (not followed); moved it to ")
    store.set_setting("theme", "light")  # the lock works, on a file of its own
    assert target.read_text() == "keep me"
    assert mode(target) == 0o644
    assert not (data_dir / ".lock").is_symlink()


def test_a_fifo_or_a_folder_in_place_of_a_data_file_is_moved_aside_without_blocking(data_dir, open_store, clock):
    fresh(data_dir, open_store)
    (data_dir / "progress.json").unlink()
    os.mkfifo(data_dir / "progress.json")  # opening it for reading would wait for a writer forever
    (data_dir / "cards" / "s3.json").unlink()
    (data_dir / "cards" / "s3.json").mkdir()
    store = open_store(clock=clock)
    assert len(store.notices) == 2
    assert all("was not a regular file" in n for n in store.notices)
    assert stat.S_ISFIFO(os.lstat(data_dir / "progress.not-a-file-20261127T190211Z.json").st_mode)
    assert (data_dir / "cards" / "s3.not-a-file-20261127T190211Z.json").is_dir()
    store.set_setting("theme", "light")
    assert store.get_setting("theme") == "light"


def test_a_linked_summaries_cache_is_replaced_not_written_through(data_dir, open_store, outside):
    store = open_store(segment_size=2)
    for i in range(5):
        store.record_attempt(f"s3/q/{i}", answer="a", correct=True, seconds=1, mode="quiz")
    assert store.attempt_count() == 5  # writes the cache
    store.close()
    target = outside / "cache.json"
    target.write_text("[" * 5000 + "]" * 5000)
    (data_dir / "attempts" / "summaries.json").unlink()
    (data_dir / "attempts" / "summaries.json").symlink_to(target)
    store = open_store(segment_size=2)
    assert store.attempt_count() == 5
    assert store.notices == []
    assert target.read_text() == "[" * 5000 + "]" * 5000
    assert not (data_dir / "attempts" / "summaries.json").is_symlink()


def test_locate_lists_no_linked_file(data_dir, open_store, outside):
    fresh(data_dir, open_store)
    (outside / "x.json").write_text("{}")
    (data_dir / "cards" / "ec2.json").symlink_to(outside / "x.json")
    from progress.store import data_files

    names = [p.relative_to(data_dir).as_posix() for p in data_files(data_dir)]
    assert names == ["progress.json", "cards/s3.json", "attempts/000001.json", "marks/000001.json"]


def test_the_data_folder_itself_may_be_a_link_the_user_made(tmp_path, outside):
    (tmp_path / "mine").symlink_to(outside, target_is_directory=True)
    with ProgressStore.open(tmp_path / "mine") as store:
        store.set_setting("theme", "dark")
        assert store.notices == [
            f"progress: the folder {tmp_path / 'mine'} can be read by other users (mode 755); "
            f"'chmod 700 {tmp_path / 'mine'}' keeps your progress private"
        ]
    assert (outside / "progress.json").is_file()
    assert mode(outside) == 0o755


# ---------------------------------------------------------------- item 2: folder modes, from the command line


@pytest.mark.parametrize("command", [["progress", "--json"], ["progress", "export", "-"]])
def test_a_shared_folder_given_as_data_dir_keeps_its_mode(command, tmp_path, capsys):
    from tui.cli import main

    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    assert main([*command, "--data-dir", str(shared)]) == 0
    err = capsys.readouterr().err
    assert mode(shared) == 0o1777  # the sticky bit and everyone's access stay
    assert f"progress: the folder {shared} can be read by other users (mode 1777)" in err
    assert err.count("\n") == 1


def test_a_data_folder_created_here_is_private(tmp_path):
    with ProgressStore.open(tmp_path / "new" / "data") as store:
        assert store.notices == []
    assert mode(tmp_path / "new" / "data") == 0o700
