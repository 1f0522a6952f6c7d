"""The data folder: made or checked at open, made safe to use, listed.

* The data folder is created with mode 0700 when it is created here; one that
  exists keeps its mode (it may be shared on purpose), and a notice says when
  others can read it. The data folder itself may be a link: the user chose it.
* Inside it nothing is followed: a link (or a file) where a subfolder or the
  ``.lock`` file should be is moved aside as itself and replaced by a fresh
  one; on a read-only folder, where nothing can be moved, it is refused.
* Listing (:func:`data_files`, :func:`moved_aside_files`) creates nothing and
  follows no link: ``awstutor locate`` uses it without opening a store.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path

from progress.cards import shard_names
from progress.errors import BadFile, ProgressError, StoreWriteError
from progress.files import (
    ASIDE_REASONS,
    is_regular_file,
    make_folder,
    move_aside,
    names_in,
    oserror_text,
    remove_stale_temp_files,
)
from progress.log import segment_numbers
from progress.schema import ATTEMPTS_DIR, CARDS_DIR, MAIN_FILE, MARKS_DIR, segment_name

LOCK_FILE = ".lock"
SUBFOLDERS = (CARDS_DIR, ATTEMPTS_DIR, MARKS_DIR)
# Errors that mean "nothing can be written here" (opening then gives a read-only store).
UNWRITABLE = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}

Notify = Callable[[str], None]


def data_files(data_dir: Path) -> list[Path]:
    """The progress files in ``data_dir`` (creates nothing, follows no link)."""
    data_dir = Path(data_dir)
    found = [data_dir / MAIN_FILE]
    found += [data_dir / CARDS_DIR / name for name in shard_names(data_dir / CARDS_DIR)]
    for folder in (ATTEMPTS_DIR, MARKS_DIR):
        found += [data_dir / folder / segment_name(n) for n in segment_numbers(data_dir / folder)]
    return [path for path in found if is_regular_file(path)]


def moved_aside_files(data_dir: Path) -> list[Path]:
    """Files moved aside as bad, by folder then name."""
    data_dir = Path(data_dir)
    try:
        names = {data_dir: os.listdir(data_dir)}  # the data folder may be a link the user made
    except OSError:
        return []
    names.update({data_dir / name: names_in(data_dir / name) for name in SUBFOLDERS})
    return [folder / n for folder, found in names.items() for n in sorted(found) if ASIDE_REASONS.search(n)]


def open_data_folder(data_dir: Path, notify: Notify) -> None:
    """Create the data folder 0700, or check that the one there is a folder (following a link to it).

    Tells ``notify`` when an existing folder can be read by others. Raises
    :class:`ProgressError` when it cannot be used at all."""
    try:
        created = False
        for _ in range(3):
            try:
                st = os.stat(data_dir)
                break
            except FileNotFoundError:
                data_dir.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.mkdir(data_dir, 0o700)
                    created = True
                except FileExistsError:
                    continue
        else:
            raise FileNotFoundError(errno.ENOENT, "appeared and vanished while being created")
        if not stat.S_ISDIR(st.st_mode):
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR))
    except OSError as error:
        raise ProgressError(f"cannot use the progress folder {data_dir}: {oserror_text(error)}") from error
    mode = stat.S_IMODE(st.st_mode)
    if not created and mode & 0o044:
        notify(
            f"progress: the folder {data_dir} can be read by other users (mode {mode:o}); "
            f"'chmod 700 {data_dir}' keeps your progress private"
        )


def clear_lock_path(data_dir: Path, stamp: Callable[[], str], notify: Notify) -> None:
    """A link (or anything but a file) at ``.lock`` is moved aside before locking: it is never followed."""
    path = data_dir / LOCK_FILE
    try:
        st = os.lstat(path)
    except OSError:
        return
    if stat.S_ISREG(st.st_mode):
        return
    reason = "symlink" if stat.S_ISLNK(st.st_mode) else "not-a-file"
    try:
        target = move_aside(path, reason, stamp())
    except OSError as error:
        raise ProgressError(
            f"cannot use the progress folder {data_dir}: {LOCK_FILE} is not a plain file "
            f"and could not be moved aside ({oserror_text(error)})"
        ) from error
    notify(f"progress: {LOCK_FILE} was not a plain file (not followed); moved it to {target}")


def prepare_subfolders(data_dir: Path, stamp: Callable[[], str], notify: Notify) -> None:
    """Under the lock: each subfolder is a real folder (a link in its place is moved aside as itself
    and the folder started fresh); temp files a killed writer left are removed.

    Raises :class:`StoreWriteError` (with the ``OSError`` as its cause) when a folder cannot be made."""
    for name in SUBFOLDERS:
        folder = data_dir / name
        try:
            try:
                make_folder(folder)
            except BadFile as bad:
                target = move_aside(folder, bad.reason, stamp())
                notify(f"progress: {name} {bad.detail}; moved it to {target} and started it fresh")
                make_folder(folder)
        except (OSError, BadFile) as error:
            why = oserror_text(error) if isinstance(error, OSError) else str(error)
            raise StoreWriteError(f"cannot use {folder}: {why}") from error
    for folder in (data_dir, *(data_dir / name for name in SUBFOLDERS)):
        remove_stale_temp_files(folder)


def check_subfolders(data_dir: Path) -> None:
    """On a read-only folder: refuse a link (or a file) where a subfolder should be; an absent one reads as empty."""
    for name in SUBFOLDERS:
        try:
            make_folder(data_dir / name)
        except BadFile as bad:
            raise ProgressError(f"cannot use the progress folder {data_dir}: {name} {bad.detail}") from None
        except OSError:
            pass  # absent, and cannot be made here
