"""One change, one commit (SPEC §7). Every pw write goes through `commit_files`.

Under pw's lock: recover from any interrupted earlier write, refuse to touch files someone else
changed, note the paths in a journal, write atomically, `git add -- paths`, then commit exactly
those paths (gitio.Git.commit). A failure rolls the paths back to HEAD; a SIGKILL leaves the
journal, and the next writer rolls back from it, saving what was typed under .pw/drafts/.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

from partywork import __version__
from partywork.errors import Busy, ConfigError, DataError, PwError, StorageError
from partywork.i18n import t
from partywork.render import notices
from partywork.storage import store, userdirs
from partywork.storage.fsutil import (
    exclusive_lock,
    no_link_between,
    remove_temp_files,
    write_atomic,
)
from partywork.storage.git.gitio import DISK_FULL, Git

JOURNAL = "pw-journal.json"
LOCK = "pw.lock"


def lock_timeout() -> float:
    return float(os.environ.get("PW_LOCK_TIMEOUT", "10"))


def message(
    subject: str,
    action: str,
    record: str | None = None,
    reason: str | None = None,
    after_close: str | None = None,
) -> str:
    lines = [one_line(subject), "", f"Pw-Action: {action}"]
    if record:
        lines.append(f"Pw-Record: {record}")
    if reason:
        lines.append(f"Pw-Reason: {one_line(reason)}")
    if after_close:  # the close tag of the sealed period this change was made in (issue 14)
        lines.append(f"Pw-After-Close: {one_line(after_close)}")
    lines.append(f"Pw-Version: {__version__}")
    return "\n".join(lines) + "\n"


def one_line(text: str) -> str:
    """Newlines out, so no title or reason can forge a trailer line."""
    return " ".join(str(text).split())


Change = tuple[dict[str, bytes], str]


def commit_files(git: Git, files: dict[str, bytes], message_text: str) -> None:
    """Write these files (paths relative to the records root) and commit exactly them."""
    commit_change(git, lambda: (files, message_text))


def commit_change(git: Git, build: Callable[[], Change | None]) -> bool:
    """Run `build` under the lock, after any recovery, and commit the files it returns.

    Reading the current state inside the lock is what keeps a read-modify-write (pw edit, pw
    member …) from acting on a crashed run's leftovers or losing a concurrent writer's change.
    Returns False when `build` found nothing to change.
    """
    git.require_identity()
    git.require_signing_key()
    with exclusive_lock(git.git_dir / LOCK, lock_timeout()):
        git.check_index_lock()
        recover(git)
        change = build()
        if change is None:
            return False
        files, message_text = change
        paths = list(files)
        for path in paths:
            store.refuse_linked_folder(git.root, path)
        existing = [p for p in paths if (git.root / p).exists()]
        dirty = git.changed(existing) if existing else []
        if dirty:
            raise DataError(t("write.dirty", path=dirty[0]), t("write.dirty.hint", path=dirty[0]))
        try:
            _write_journal(git, paths, [p for p in paths if p not in existing])
        except PwError:  # a failed fsync after the rename leaves a journal that describes nothing
            _journal(git).unlink(missing_ok=True)
            raise
        head = git.head()
        try:
            _crashpoint("after_journal")
            _write_and_commit(git, files, message_text)
        except BaseException:
            # Ctrl-C can land after git moved HEAD: the commit is whole, and undoing the files
            # now would leave them deleted from the index (a staged `D`) under a commit holding them
            if git.head() == head:
                _rollback(git, paths, [p for p in paths if p not in existing])
            _journal(git).unlink(missing_ok=True)
            raise
        _crashpoint("after_commit")
        _journal(git).unlink(missing_ok=True)
        _saved_index(git).unlink(missing_ok=True)
        return True


def _write_and_commit(git: Git, files: dict[str, bytes], message_text: str) -> None:
    for path, data in files.items():
        write_atomic(git.root / path, data, label=path)
    _crashpoint("after_write")
    _keep_index(git)
    git.add(list(files))
    _crashpoint("after_add")
    result = git.commit(message_text, list(files))
    _crashpoint("after_ref")
    if result.returncode != 0:
        raise _commit_error(result)


def _commit_error(result: subprocess.CompletedProcess) -> PwError:
    detail = " ".join((result.stderr or result.stdout or b"").decode("utf-8", "replace").split())[
        :500
    ]
    if (
        any(sign in detail for sign in DISK_FULL) or "couldn't write" in detail
    ):  # a ref on a full disk
        return StorageError(t("git.commit_failed", detail=detail), t("write.io.hint"))
    if "index.lock" in detail or "cannot lock ref" in detail:
        return Busy(t("git.commit_failed", detail=detail), t("lock.busy.hint"))
    if "user.useConfigOnly" in detail or "identity" in detail.lower():
        return ConfigError(t("git.no_identity"), t("git.no_identity.hint"))
    return ConfigError(t("git.commit_failed", detail=detail), t("git.commit_failed.hint"))


def _rollback(git: Git, paths: list[str], new: list[str]) -> None:
    """Back to HEAD for these paths; pw only writes paths that were clean, so nothing is lost.

    On a full disk git cannot write the index it would need to unstage with: the new file goes
    first (giving its space back), and if git still fails the index as it was before `git add`
    is put back by a rename, which needs no space. Otherwise a staged `AD` entry would stay and
    every later verify would fail on it."""
    for path in new:
        with contextlib.suppress(OSError):
            (git.root / path).unlink()
    try:
        if new:
            git.unstage_new(new)
        old = [p for p in paths if p not in new]
        if old:
            git.restore(old)
    except PwError:
        _restore_index(git)
    for path in paths:
        remove_temp_files((git.root / path).parent)
    _saved_index(git).unlink(missing_ok=True)


def _saved_index(git: Git) -> Path:
    return git.git_dir / "pw-index-before"


def _keep_index(git: Git) -> None:
    """A hard link to the index before `git add`: git replaces the index by renaming a new file
    over it, so the linked copy keeps the old one, at the cost of no disk space at all."""
    saved = _saved_index(git)
    saved.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        os.link(git.git_dir / "index", saved)


def _restore_index(git: Git) -> None:
    saved = _saved_index(git)
    if saved.exists():
        with contextlib.suppress(OSError):
            os.replace(saved, git.git_dir / "index")


def _journal(git: Git) -> Path:
    """In the user's state folder, not in .git/: a journal planted in a handed-over folder would
    otherwise tell pw's recovery which files to delete (issue 12)."""
    return userdirs.state_home() / "journals" / f"{userdirs.folder_key(git.git_dir, git.root)}.json"


def _ours(path: object) -> bool:
    """A path pw itself writes: under records/, relative, no way out of the folder."""
    return (
        isinstance(path, str)
        and path.startswith("records/")
        and ".." not in path.split("/")
        and "\\" not in path
        and not os.path.isabs(path)
    )


def _write_journal(git: Git, paths: list[str], new: list[str]) -> None:
    record = {
        "paths": paths,
        "new": new,
        "pid": os.getpid(),
        "started": dt.datetime.now().isoformat(),
    }
    write_atomic(_journal(git), json.dumps(record, ensure_ascii=False).encode("utf-8"))


def recover(git: Git) -> None:
    """Undo a write that was killed before its commit; keep what it wrote as a draft."""
    journal = _journal(git)
    if not journal.exists():
        return
    try:
        record = json.loads(journal.read_text(encoding="utf-8"))
        paths, new = list(record["paths"]), list(record["new"])
    except (ValueError, KeyError, OSError, TypeError):
        journal.unlink(missing_ok=True)
        return
    if not all(_ours(p) for p in paths) or not set(new) <= set(paths):
        journal.unlink(missing_ok=True)  # not one pw wrote: acting on it could delete anything
        return
    unfinished = git.changed(paths)
    if unfinished:
        kept = [_save_draft(git, p) for p in unfinished if (git.root / p).is_file()]
        _rollback(git, paths, new)
        notices.warn(
            t("write.recovered", draft=", ".join(str(k) for k in kept if k))
            if kept
            else t("write.recovered_clean")
        )
    else:
        for path in paths:
            remove_temp_files((git.root / path).parent)
    journal.unlink(missing_ok=True)


def _save_draft(git: Git, path: str) -> str | None:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = git.root / ".pw" / "drafts" / f"recovered-{stamp}-{Path(path).name}"
    if not no_link_between(git.root, target.parent):
        return None
    try:
        write_atomic(target, (git.root / path).read_bytes())
    except (OSError, PwError):
        return None
    return str(target.relative_to(git.root))


def _crashpoint(name: str) -> None:
    """Fault injection for the crash tests (RELIABILITY C1, C3): `after_add` dies here as if the
    power went out; `interrupt:after_add` is Ctrl-C at that point."""
    wanted = os.environ.get("PW_TEST_CRASHPOINT")
    if wanted == name:
        kill = getattr(signal, "SIGKILL", None)  # Windows has none: an exit that runs no cleanup
        if kill is None:
            os._exit(137)
        os.kill(os.getpid(), kill)
    elif wanted == f"interrupt:{name}":
        signal.raise_signal(signal.SIGINT)  # os.kill would end the process on Windows
