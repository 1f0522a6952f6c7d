"""The file operations of the progress layer: the one atomic write, reads that
follow no link, moving a bad file aside, folders created private.

* **Atomic, durable writes** (:func:`atomic_write_bytes`): a temp file in the
  same folder (created exclusively, mode 0600, never through a link), write,
  fsync, ``os.replace``, then fsync the folder (where the platform allows). A
  kill at any moment leaves the old file or the new one, never a broken one.
* **No link is followed**: data files are opened with ``O_NOFOLLOW`` (a link
  is a :class:`~progress.errors.BadFile` with reason ``symlink``), folders are
  checked with ``lstat``, anything that is not a regular file (a FIFO, a
  device, a folder) is refused without blocking, and moving aside renames the
  link itself. Nothing here ever calls ``chmod``.
* **Folders**: created 0700 when created here; an existing folder's mode is
  never changed.

The data folder itself may be a link (the user chose it); inside it nothing is.
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
from pathlib import Path
from typing import Any

from progress.errors import BadFile, StoreWriteError

Signature = tuple[int, int, int]  # (st_ino, st_mtime_ns, st_size)
POSIX = os.name == "posix"
_TEMP = re.compile(r"^\..+\.[0-9a-f]{16}\.tmp$")
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # a FIFO planted as a data file must not block the open
MAX_FILE_BYTES = 64 * 2**20  # a data file is a few MB at most: anything larger is not ours

LINKED = BadFile("symlink", "was a symbolic link (not followed)")


def signature(st: os.stat_result) -> Signature:
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def stat_signature(path: Path) -> Signature | None:
    """The signature of ``path`` itself (a link's own, never its target's); None when absent."""
    try:
        return signature(os.lstat(path))
    except (FileNotFoundError, NotADirectoryError):
        return None


def oserror_text(error: OSError) -> str:
    return error.strerror or str(error)


# ---------------------------------------------------------------- folders


def make_folder(path: Path, *, parents: bool = False) -> bool:
    """Create ``path`` with mode 0700 (True), or check that it is a real folder (False).

    Never changes the mode of a folder that exists. Raises :class:`BadFile`
    when a link or a file stands in its place, ``OSError`` when it cannot be
    created.
    """
    for _ in range(2):
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            if parents:
                path.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.mkdir(path, 0o700)
                return True
            except FileExistsError:
                continue  # made by another process meanwhile: check what it is
        if stat.S_ISLNK(st.st_mode):
            raise BadFile("symlink", "is a symbolic link (not followed)")
        if not stat.S_ISDIR(st.st_mode):
            raise BadFile("not-a-folder", "is not a folder")
        return False
    raise FileExistsError(errno.EEXIST, "appeared and vanished while being created", str(path))


def writable_folder(path: Path) -> None:
    """Make sure ``path`` is a real folder to write in (created 0700 if absent); raises :class:`StoreWriteError`."""
    try:
        make_folder(path)
    except BadFile as bad:
        raise StoreWriteError(f"cannot save progress in {path}: it {bad.detail}") from None
    except OSError as error:
        raise StoreWriteError(f"cannot save progress in {path}: {oserror_text(error)}") from error


def is_linked_folder(path: Path) -> bool:
    """Whether ``path`` is a link (to a folder or anything): a listing of it would follow the link."""
    try:
        return stat.S_ISLNK(os.lstat(path).st_mode)
    except OSError:
        return False


def names_in(folder: Path) -> list[str]:
    """The names in ``folder`` (none when it is absent, or a link: a folder is never listed through a link)."""
    if is_linked_folder(folder):
        return []
    try:
        return os.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return []


def fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX only; elsewhere a no-op)."""
    if not POSIX:
        return
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _CLOEXEC)
    try:
        os.fsync(fd)
    except OSError:  # some filesystems refuse fsync on a folder: nothing more to do
        pass
    finally:
        os.close(fd)


# ---------------------------------------------------------------- atomic writes


def temp_name(path: Path) -> Path:
    """A temp file beside ``path``, with a name :func:`remove_stale_temp_files` knows."""
    return path.with_name(f".{path.name}.{os.urandom(8).hex()}.tmp")


def atomic_write_bytes(path: Path, data: bytes, *, keep_open: bool = False) -> tuple[Signature, int | None]:
    """Replace ``path`` with ``data`` atomically and durably; the file is 0600.

    Returns the new file's signature and, with ``keep_open``, a read-only
    descriptor on it (the caller closes it) that pins its inode. Raises
    ``OSError`` (the old file is then as it was).
    """
    path = Path(path)
    temp = temp_name(path)
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _BINARY | _CLOEXEC
    fd = os.open(temp, flags, 0o600)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
        sig = signature(os.fstat(fd))
        if not keep_open or not POSIX:
            os.close(fd)
            fd = -1
        os.replace(temp, path)  # replaces a link at ``path`` itself, never its target
    except BaseException:
        if fd >= 0:
            os.close(fd)
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
    fsync_folder(path.parent)
    return sig, (fd if fd >= 0 else None)


def dumps(data: Any) -> bytes:
    """JSON as UTF-8; text UTF-8 cannot carry (a lone surrogate) is written as a ``\\ud800`` escape instead."""
    try:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(data, separators=(",", ":")).encode("ascii")


def remove_stale_temp_files(folder: Path) -> list[Path]:
    """Delete temp files left by a killed writer. Call only while holding the store lock."""
    removed = []
    for name in names_in(folder):
        if _TEMP.match(name):
            try:
                os.unlink(folder / name)  # unlink removes a link itself, never its target
                removed.append(folder / name)
            except OSError:
                pass
    return removed


# ---------------------------------------------------------------- reading


def parse_json_bytes(raw: bytes) -> Any:
    """Parse a data file's bytes, or raise :class:`BadFile` saying what is wrong."""
    if not raw.strip():
        raise BadFile("truncated", "was empty")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadFile("corrupt", "was not valid JSON (not UTF-8 text)") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        if error.pos >= len(text.rstrip()) or error.msg.startswith("Unterminated string"):
            raise BadFile("truncated", "was cut short (not valid JSON)") from None
        raise BadFile("corrupt", "was not valid JSON") from None
    except RecursionError:
        raise BadFile("corrupt", "was not valid JSON (nested too deeply)") from None
    except ValueError:  # e.g. a number of more than 4,300 digits
        raise BadFile("corrupt", "was not valid JSON (a number too long)") from None


def open_regular(path: Path) -> int | None:
    """A read-only descriptor on the regular file ``path``; None when absent.

    Raises :class:`BadFile` for a link (never followed) or anything that is
    not a regular file, ``OSError`` otherwise.
    """
    if not _NOFOLLOW and os.path.islink(path):  # no O_NOFOLLOW here: check first
        raise LINKED
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _BINARY | _CLOEXEC)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.EMLINK) or os.path.islink(path):
            raise LINKED from None
        raise
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise BadFile("not-a-file", "was not a regular file")
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_bytes(path: Path, *, limit: int = MAX_FILE_BYTES) -> tuple[bytes, Signature, int] | None:
    """``(bytes, signature, fd)`` of ``path``, or None when it does not exist.

    The descriptor is still open (the caller keeps or closes it), so the bytes
    and the signature are of the same file even if it is replaced meanwhile.
    Raises :class:`BadFile` (a link, not a regular file, larger than ``limit``).
    """
    fd = open_regular(path)
    if fd is None:
        return None
    try:
        sig = signature(os.fstat(fd))
        if sig[2] > limit:
            raise BadFile("too-large", f"was larger than {limit // 2**20} MB")
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, max(sig[2] + 1, 65536))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise BadFile("too-large", f"was larger than {limit // 2**20} MB")
        return b"".join(chunks), sig, fd
    except BaseException:
        os.close(fd)
        raise


def read_whole(path: Path, *, limit: int = MAX_FILE_BYTES) -> bytes | None:
    """The bytes of the regular file ``path`` (None when absent); raises :class:`BadFile` like :func:`read_bytes`."""
    found = read_bytes(path, limit=limit)
    if found is None:
        return None
    os.close(found[2])
    return found[0]


def read_json_file(path: Path) -> tuple[Any, Signature, int] | None:
    """``(data, signature, fd)`` of ``path`` (see :func:`read_bytes`); raises :class:`BadFile`."""
    found = read_bytes(path)
    if found is None:
        return None
    raw, sig, fd = found
    try:
        return parse_json_bytes(raw), sig, fd
    except BaseException:
        os.close(fd)
        raise


def is_regular_file(path: Path) -> bool:
    """Whether ``path`` itself (not a link's target) is a regular file."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


# ---------------------------------------------------------------- moving bad files aside

ASIDE_REASONS = re.compile(
    r"\.(?:truncated|corrupt|wrong-shape|(?:newer|older)-schema-v\d+|symlink|not-a-file|not-a-folder|too-large)"
    r"-\d{8}T\d{6}Z(?:-\d+)?(?:\.json)?$"
)


def aside_name(path: Path, reason: str, stamp: str) -> Path:
    """``progress.json`` -> ``progress.corrupt-20261127T190211Z.json`` (or ``...Z-2.json``)."""
    suffix = path.suffix if path.suffix == ".json" else ""
    base = path.name[: -len(suffix)] if suffix else path.name
    candidate = path.with_name(f"{base}.{reason}-{stamp}{suffix}")
    counter = 2
    while os.path.lexists(candidate):
        candidate = path.with_name(f"{base}.{reason}-{stamp}-{counter}{suffix}")
        counter += 1
    return candidate


def move_aside(path: Path, reason: str, stamp: str) -> Path:
    """Move ``path`` itself (a link as the link) to a name that says why, never overwriting anything."""
    while True:
        target = aside_name(path, reason, stamp)
        try:
            os.link(path, target, follow_symlinks=False)  # fails if target exists: nothing is overwritten
        except FileExistsError:
            continue
        except (OSError, NotImplementedError):
            # No hard links here (a folder, some network or FAT file systems): rename, after the check above.
            os.rename(path, target)
            break
        os.unlink(path)
        break
    fsync_folder(path.parent)
    return target
