"""Atomic file writes (RELIABILITY R17): a failed write leaves the old bytes and no temp file."""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from partywork.errors import Busy, StorageError
from partywork.i18n import t

TEMP_PREFIX = ".pw-tmp-"


def write_atomic(path: Path, data: bytes, label: str | None = None) -> None:
    shown = label or str(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.parent / f"{TEMP_PREFIX}{os.urandom(6).hex()}"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except OSError as exc:
        raise StorageError(
            t("write.io", path=shown, detail=exc.strerror or exc), t("write.io.hint")
        ) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
        _fsync_dir(path.parent)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise StorageError(
            t("write.io", path=shown, detail=exc.strerror or exc), t("write.io.hint")
        ) from exc


def _fsync_dir(folder: Path) -> None:
    """The rename made durable. Windows cannot open a folder as a file (NTFS journals the rename
    itself), so there the attempt is skipped rather than failing the write."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_temp_files(folder: Path) -> None:
    if folder.is_dir():
        for leftover in folder.glob(TEMP_PREFIX + "*"):
            with contextlib.suppress(OSError):
                leftover.unlink()


LockCalls = tuple[Callable[[int], bool], Callable[[int], None]]  # (try to lock, unlock) a file


def _lock_calls() -> LockCalls:
    """flock on POSIX, msvcrt's byte-range lock on Windows. Both belong to the process, so the
    system drops them when it dies, however it dies."""
    try:
        import fcntl
    except ImportError:
        return _msvcrt_calls()

    def try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    return try_lock, lambda fd: fcntl.flock(fd, fcntl.LOCK_UN)


def _msvcrt_calls() -> LockCalls:
    try:
        import msvcrt
    except ImportError:  # neither: no lock pw can trust, so no write
        raise StorageError(t("lock.unsupported"), t("lock.unsupported.hint")) from None
    windows: Any = msvcrt  # typeshed declares msvcrt for win32 only

    def try_lock(fd: int) -> bool:
        os.lseek(fd, 0, os.SEEK_SET)  # msvcrt locks from the current position: always byte 0
        try:
            windows.locking(fd, windows.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        windows.locking(fd, windows.LK_UNLCK, 1)

    return try_lock, unlock


@contextlib.contextmanager
def exclusive_lock(lock_path: Path, timeout: float) -> Iterator[None]:
    """pw's writer lock. It dies with its process, so a killed pw never leaves it stale. The file
    holds a note naming the holder, starting with a space: Windows locks the first byte against
    reading too, and the rest still tells a waiting writer who is writing."""
    try_lock, unlock = _lock_calls()
    handle = open(lock_path, "a+b")  # noqa: SIM115 (held until the lock is released below)
    fd = handle.fileno()
    try:
        deadline = time.monotonic() + timeout
        while not try_lock(fd):
            if time.monotonic() >= deadline:
                raise Busy(
                    t("lock.busy", holder=_holder(fd), seconds=int(timeout)), t("lock.busy.hint")
                ) from None
            time.sleep(0.05)
        note = f" pid {os.getpid()} on {socket.gethostname()}: {' '.join(sys.argv[1:4])}"
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, note.encode("utf-8", "replace"))
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                unlock(fd)
    finally:
        handle.close()


def _holder(fd: int) -> str:
    """The holder's note; on Windows the locked first byte cannot be read, so from the second."""
    for start in (0, 1):
        try:
            os.lseek(fd, start, os.SEEK_SET)
            return os.read(fd, 4096).decode("utf-8", "replace").strip() or "?"
        except OSError:
            continue
    return "?"


def no_link_between(root: Path, folder: Path) -> bool:
    """Whether every folder from root down to folder is a real folder, not a symlink: pw's own
    folders in a handed-over repository (.pw/drafts, templates) must not lead outside it."""
    try:
        relative = folder.relative_to(root)
    except ValueError:
        return False
    current = root
    for part in relative.parts:
        current = current / part
        if current.is_symlink():
            return False
    return True


def read_bounded(path: Path, limit: int) -> bytes:
    """A file the user named, read only if it is a regular file of at most `limit` bytes (a pipe
    would hang, /dev/zero never end); raises OSError otherwise."""
    import errno
    import stat

    nonblocking = getattr(os, "O_NONBLOCK", 0)  # Windows has no FIFO to hang on in a folder
    with open(path, "rb", opener=lambda p, flags: os.open(p, flags | nonblocking)) as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise OSError(errno.EFBIG, f"larger than {limit} bytes")
    return data
