"""Atomic file writes (RELIABILITY R17): a failed write leaves the old bytes and no temp file."""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

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


@contextlib.contextmanager
def exclusive_lock(lock_path: Path, timeout: float) -> Iterator[None]:
    """pw's writer lock. flock dies with its process, so a killed pw never leaves it stale."""
    handle = open(lock_path, "a+", encoding="utf-8")  # noqa: SIM115 (held until the lock is released below)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "?"
                    raise Busy(
                        t("lock.busy", holder=holder, seconds=int(timeout)), t("lock.busy.hint")
                    ) from None
                time.sleep(0.05)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} on {os.uname().nodename}: {' '.join(sys.argv[1:4])}")
        handle.flush()
        yield
    finally:
        handle.close()


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

    with open(path, "rb", opener=lambda p, flags: os.open(p, flags | os.O_NONBLOCK)) as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise OSError(errno.EFBIG, f"larger than {limit} bytes")
    return data
