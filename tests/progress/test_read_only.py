"""A data folder that cannot be written (issue 13 item 6): open read-only, refuse writes in one line, lose nothing.

The file system is made read-only (or full) at the system-call layer for the
data folder only; a real read-only mount and a real ``chmod 555`` folder run
where the machine allows them.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from progress.errors import ProgressError, StoreWriteError
from progress.store import ProgressStore

ROOT = Path(__file__).resolve().parents[2]
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


class Broken:
    """Makes every write under ``folder`` fail with ``code`` (read-only file system, disk full...)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, folder: Path, code: int) -> None:
        self.folder = str(folder)
        self.code = code
        self.on = False
        real_open, real_write = os.open, os.write
        self.files: set[int] = set()

        def inside(path: Any) -> bool:
            return self.on and os.fspath(path).startswith(self.folder)

        def fail(path: Any) -> OSError:
            return OSError(self.code, os.strerror(self.code), os.fspath(path))

        def guarded_open(path: Any, flags: int, mode: int = 0o777, **kwargs: Any) -> int:
            if inside(path) and flags & WRITE_FLAGS and self.code != errno.ENOSPC:
                raise fail(path)
            fd = real_open(path, flags, mode, **kwargs)
            if inside(path) and flags & WRITE_FLAGS:
                self.files.add(fd)
            return fd

        def guarded_write(fd: int, data: Any) -> int:
            if self.on and fd in self.files:
                raise OSError(self.code, os.strerror(self.code))
            return real_write(fd, data)

        def guard(name: str) -> None:
            real: Callable[..., Any] = getattr(os, name)

            def guarded(*args: Any, **kwargs: Any) -> Any:
                if inside(args[0]) and self.code != errno.ENOSPC or name == "mkdir" and inside(args[0]):
                    raise fail(args[0])
                return real(*args, **kwargs)

            monkeypatch.setattr(os, name, guarded)

        monkeypatch.setattr(os, "open", guarded_open)
        monkeypatch.setattr(os, "write", guarded_write)
        for name in ("mkdir", "replace", "rename", "link", "unlink"):
            guard(name)


@pytest.fixture
def broken(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> Callable[[int], Broken]:
    return lambda code: Broken(monkeypatch, data_dir, code)


def filled(open_store: Callable[..., ProgressStore]) -> ProgressStore:
    store = open_store(segment_size=2)
    store.set_setting("theme", "dark")
    for i in range(5):
        store.record_attempt(f"s3/q/{i}", answer="a", correct=True, seconds=1, mode="quiz")
    store.mark_entry("s3/a", "got")
    store.save_card("s3/a", {"due": "2026-01-01T00:00:00+00:00"})
    session = store.start_session("quiz", ["s3"])
    store.finish_session(session, 4, 5)
    store.save_position("s3", "s3/a")
    return store


WRITES: dict[str, Callable[[ProgressStore], object]] = {
    "mark_seen": lambda s: s.mark_seen("s3/b"),
    "mark_entry": lambda s: s.mark_entry("s3/b", "again"),
    "record_attempt": lambda s: s.record_attempt("s3/q/9", answer="b", correct=False, seconds=2, mode="quiz"),
    "start_session": lambda s: s.start_session("exam", []),
    "finish_session": lambda s: s.finish_session(s.sessions()[0].id, 1, 2),
    "save_position": lambda s: s.save_position("s3", "s3/b"),
    "set_setting": lambda s: s.set_setting("theme", "light"),
    "update_setting": lambda s: s.update_setting("n", lambda n: (n or 0) + 1),
    "save_card": lambda s: s.save_card("s3/b", {"due": "2026-01-02T00:00:00+00:00"}),
    "update_card": lambda s: s.update_card("s3/a", lambda old: {"due": "2026-01-03T00:00:00+00:00"}),
    "import_data": lambda s: s.import_data({"format": "awstutor-progress", "schema": 2, "settings": {"x": 1}}),
    "reset": lambda s: s.reset(),
    "reset a topic": lambda s: s.reset("s3"),
}


def snapshot(store: ProgressStore) -> dict[str, Any]:
    data = store.export()
    data.pop("exported_at")
    return data


@pytest.mark.parametrize("code", [errno.EROFS, errno.EACCES])
def test_a_folder_that_cannot_be_written_opens_read_only_and_every_write_is_one_error(
    code, open_store, broken, data_dir
):
    before = snapshot(filled(open_store))
    broken(code).on = True
    store = open_store(segment_size=2)
    assert store.read_only
    (notice,) = store.notices
    assert notice == f"progress: {data_dir} cannot be written ({os.strerror(code)}): opened read-only"
    assert snapshot(store) == before  # everything reads
    assert store.attempt_count() == 5
    assert store.get_setting("theme") == "dark"
    assert store.new_notices() == []
    for name, write in WRITES.items():
        with pytest.raises(StoreWriteError) as caught:
            write(store)
        message = caught.value.message
        assert message == f"progress in {data_dir} is read-only ({os.strerror(code)}); nothing was saved", name
    assert snapshot(store) == before


def test_a_bad_file_in_a_read_only_folder_is_left_as_it_is_and_told_once(open_store, broken, data_dir):
    filled(open_store).close()
    (data_dir / "cards" / "s3.json").write_text("{not json")
    broken(errno.EROFS).on = True
    store = open_store(segment_size=2)
    assert store.read_only
    assert store.cards() == {}
    assert store.card("s3/a") is None
    assert store.notices[1] == "progress: cards/s3.json was not valid JSON; read as empty (the folder is read-only)"
    assert len(store.notices) == 2  # told once, however often it is read
    assert (data_dir / "cards" / "s3.json").read_text() == "{not json"  # not moved


def test_a_linked_subfolder_in_a_read_only_folder_is_refused_in_one_line(open_store, broken, data_dir, tmp_path):
    filled(open_store).close()
    shutil.rmtree(data_dir / "marks")
    (tmp_path / "elsewhere").mkdir()
    (data_dir / "marks").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    broken(errno.EROFS).on = True
    with pytest.raises(ProgressError) as caught:
        open_store()
    assert caught.value.message == (
        f"cannot use the progress folder {data_dir}: marks is a symbolic link (not followed)"
    )


def test_a_full_disk_refuses_each_write_in_one_line_and_keeps_what_was_there(open_store, broken, data_dir):
    store = filled(open_store)
    before = snapshot(store)
    disk = broken(errno.ENOSPC)
    disk.on = True
    for name, write in WRITES.items():
        with pytest.raises(StoreWriteError) as caught:
            write(store)
        assert "No space left on device" in caught.value.message, name
        assert "\n" not in caught.value.message, name
    assert snapshot(store) == before  # the store's view: unchanged
    disk.on = False
    assert list(data_dir.rglob("*.tmp")) == []  # no temp file left behind
    with ProgressStore.open(data_dir, segment_size=2) as other:
        assert snapshot(other) == before
        assert other.notices == []
    store.record_attempt("s3/q/9", answer="b", correct=False, seconds=2, mode="quiz")  # space again: it works
    assert store.attempt_count() == 6


def test_a_full_disk_at_open_gives_a_read_only_store(tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o700)  # there, but its subfolders cannot be made: no space
    Broken(monkeypatch, data_dir, errno.ENOSPC).on = True
    store = ProgressStore.open(data_dir)
    try:
        assert store.read_only
        assert store.attempt_count() == 0
        assert store.cards() == {}
        assert store.notices == [f"progress: {data_dir} cannot be written (No space left on device): opened read-only"]
    finally:
        store.close()


def test_the_command_line_reads_a_read_only_folder_and_refuses_to_change_it(
    open_store, broken, data_dir, capsys, tmp_path
):
    from tui.cli import main

    filled(open_store).close()
    source = tmp_path / "in.json"
    source.write_text(json.dumps({"format": "awstutor-progress", "schema": 2, "settings": {"x": 1}}))
    broken(errno.EROFS).on = True
    assert main(["progress", "--json", "--data-dir", str(data_dir)]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["totals"]["attempts"] == 5
    assert err == f"progress: {data_dir} cannot be written (Read-only file system): opened read-only\n"
    assert main(["progress", "import", str(source), "--data-dir", str(data_dir)]) == 1
    err = capsys.readouterr().err
    assert (
        err.splitlines()[-1]
        == f"awstutor: progress in {data_dir} is read-only (Read-only file system); nothing was saved"
    )


# ---------------------------------------------------------------- the real thing, where the machine allows it

PROBE = """
import sys
from progress.store import ProgressStore, StoreWriteError
store = ProgressStore.open(sys.argv[1])
assert store.read_only, store.notices
assert store.get_setting("theme") == "dark" and store.attempt_count() == 5
try:
    store.set_setting("theme", "light")
except StoreWriteError as error:
    print(error.message)
"""


def test_a_real_read_only_mount(open_store, data_dir):
    if sys.platform != "linux" or os.geteuid() != 0 or not shutil.which("unshare"):
        pytest.skip("needs root and unshare to make a read-only bind mount")
    filled(open_store).close()
    script = (
        f"mount --bind {data_dir} {data_dir} && mount -o remount,ro,bind {data_dir} {data_dir} && "
        f"{sys.executable} -c '{PROBE}' {data_dir}"
    )
    result = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60)
    if "Operation not permitted" in result.stderr or "permission denied" in result.stderr.lower():
        pytest.skip(f"no mount here: {result.stderr.strip()}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"progress in {data_dir} is read-only (Read-only file system); nothing was saved"


def test_a_real_folder_without_write_permission(open_store, data_dir):
    if os.name != "posix" or os.geteuid() == 0:
        pytest.skip("root writes through any permission")
    filled(open_store).close()
    os.chmod(data_dir, 0o555)
    try:
        with ProgressStore.open(data_dir) as store:
            assert store.read_only
            assert store.get_setting("theme") == "dark"
            with pytest.raises(StoreWriteError, match="read-only"):
                store.set_setting("theme", "light")
    finally:
        os.chmod(data_dir, 0o700)
