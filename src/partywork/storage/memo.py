"""A finished report, kept with the state of the repository it was made from, so asking for it
again costs what checking that state costs (SPEC §11: the second run on 100,000 records).

A report is kept only when the records are exactly as committed — nothing under records/
modified, staged or untracked — and it is served only while that is still so:
- the same HEAD and tags (`git show-ref --head --tags`; close tags feed the integrity section);
- nothing under records/ differs from the index (`git diff-files`), and the index is the one
  seen then (else nothing staged against HEAD, `git diff-index --cached`);
- no file added to or taken from a record folder (the folders' mtimes, read before the report
  was made; a folder changed in the last seconds means the report is not kept, since a change in
  the same clock tick would not move its mtime);
- the same request (period, format, language, day) and the same pw code.
Anything else is a miss and the report is made afresh. (Files whose stat data git has not seen —
a copied folder, say — count as changed until git refreshes its index, as any `git status` does;
pw's report does not write the index itself.) Like the parse cache it lives in the user's cache
folder for this repository (userdirs.repo_cache), never in the folder itself, sealed with its digest
(userdirs.seal), and is never a source of truth: deleting it loses nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Callable
from pathlib import Path

from partywork import __version__
from partywork.storage import userdirs
from partywork.storage.fsutil import write_atomic
from partywork.storage.git import gitio
from partywork.storage.git.gitio import Git

FOLDER = "reports"
KEEP = 16
RACY_SECONDS = 2.0
_RECORD_FILE = re.compile(r"records/\d{4}/[^/]+\.yaml")


Made = Callable[[list[str] | None], tuple[bytes, bool] | None]


def serve(git: Git, request: dict[str, str], make: Made) -> bytes | None:
    """The report this request asks for: the kept copy while the repository is as it was, else
    what `make` makes (its bytes and whether they may be kept; None when it went to the terminal
    itself), kept when the records were exactly as committed before it was made. `make` is given
    the records scan (Git.dirty over records/) when this already made it: on 100,000 files a
    second one would cost what the first did."""
    memo = ReportMemo(git, request)
    data = memo.lookup()
    if data is not None:
        return data
    state = memo.capture()
    made = make(memo.scanned)
    if made is None:
        return None
    data, keep = made
    if state and keep:
        memo.store(state, data)
    return data


class ReportMemo:
    def __init__(self, git: Git, request: dict[str, str]) -> None:
        self.git = git
        self.request = json.dumps(request, ensure_ascii=False, sort_keys=True)
        name = hashlib.sha256(self.request.encode("utf-8")).hexdigest()[:32]
        self.path = userdirs.repo_cache(git.git_dir, git.root) / FOLDER / f"{name}.memo"
        self.scanned: list[str] | None = None  # the records scan, once made

    def lookup(self) -> bytes | None:
        """The kept report, if the repository is still as it was when it was made."""
        try:
            header, _newline, body = (userdirs.unseal(self.path.read_bytes()) or b"").partition(
                b"\n"
            )
            saved = json.loads(header)
        except (OSError, ValueError, RecursionError):
            return None
        if (
            not isinstance(saved, dict)
            or saved.get("request") != self.request
            or saved.get("code") != _code()
        ):
            return None
        if saved.get("refs") != self._refs() or saved.get("folders") != self._folders():
            return None
        if self._changed_in_work_tree():
            return None
        if saved.get("index") != self._index() and (self._staged() or self._hidden()):
            return None
        return body

    def capture(self) -> dict | None:
        """The state to keep a report with, read before the report is made; None when the records
        are not exactly as committed, or a record folder changed too recently to tell."""
        started = time.time()
        folders = self._folders()
        state = {
            "request": self.request,
            "code": _code(),
            "refs": self._refs(),
            "folders": folders,
            "index": self._index(),
        }
        if any(mtime / 1e9 > started - RACY_SECONDS for _name, mtime, _inode in folders):
            return None
        if self._changed_in_work_tree() or self._staged() or self._untracked() or self._hidden():
            return None
        return state

    def store(self, state: dict, data: bytes) -> None:
        header = json.dumps(state, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        try:
            write_atomic(self.path, userdirs.seal(header + b"\n" + data))
            _prune(self.path.parent)
        except Exception:  # a memo that cannot be written is only slower, never wrong
            if os.environ.get("PW_DEBUG") == "1":
                raise

    # -- the state -------------------------------------------------------------------------------

    def _refs(self) -> str:
        """HEAD, the tags, and the remote tips pw sync last saw (the audit checks HEAD holds
        them)."""
        refs = gitio.refs_listing(self.git)
        try:
            anchor = os.stat(
                userdirs.state_home() / "witness"
            )  # what sync and verify saw (witness.py)
            return f"{refs}anchor {anchor.st_ino} {anchor.st_mtime_ns} {anchor.st_size}\n"
        except OSError:
            return refs

    def _folders(self) -> list[list]:
        base = self.git.root / "records"
        try:
            names = sorted(n for n in os.listdir(base) if len(n) == 4 and n.isdigit())
        except OSError:
            return []
        out = []
        for name in ["", *names]:
            try:
                info = os.stat(base / name)
            except OSError:
                continue
            out.append([name, info.st_mtime_ns, info.st_ino])
        return out

    def _index(self) -> list[int] | None:
        try:
            info = os.stat(self.git.git_dir / "index")
        except OSError:
            return None
        return [info.st_ino, info.st_size, info.st_mtime_ns]

    def _changed_in_work_tree(self) -> bool:
        if self.scanned is None:
            self.scanned = self.git.dirty(["records"])  # started early by the launcher (launch.py)
        return bool(self.scanned)

    def _staged(self) -> bool:
        return gitio.staged_under(self.git, "records")

    def _hidden(self) -> bool:
        """A record file git does not look at (skip-worktree, assume-unchanged) can be edited
        with no trace the state above sees; marking one rewrites the index."""
        return bool(self.git.hidden_present(["records"]))

    def _untracked(self) -> bool:
        return any(_RECORD_FILE.fullmatch(p) for p in gitio.untracked_under(self.git, "records"))


def _code() -> str:
    """pw's version and the age of its source, every module in every sub-package: a changed pw
    makes new reports."""
    package = Path(__file__).resolve().parents[1]  # partywork/, from partywork/storage/memo.py
    stamps = [__version__]
    for folder, subfolders, _files in os.walk(package):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith((".", "__")))
        relative = os.path.relpath(folder, package)
        with os.scandir(folder) as entries:
            stamps += sorted(
                f"{relative}/{e.name}:{e.stat().st_mtime_ns}"
                for e in entries
                if e.name.endswith(".py")
            )
    return hashlib.sha256("|".join(stamps).encode()).hexdigest()[:16]


def _prune(folder: Path) -> None:
    """Keep the most recent few reports."""
    kept = sorted(folder.glob("*.memo"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in kept[KEEP:]:
        old.unlink(missing_ok=True)
