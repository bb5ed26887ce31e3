"""What each commit did to the record book, read from git and checked, once per commit.

The audit (SPEC §9) must judge a commit by its change, not by what its message claims. Every commit
of HEAD is diffed against its first parent (merges included: pw never makes one, so whatever a merge
brings in against its first parent is a change the merge made), the record files it touched are
read, and `claims.judge` says whether the change is one the claimed pw action can produce.

A commit id names its content and its parents, so what is found for a commit never changes: it is
kept in the user's cache folder (userdirs.py), keyed by commit id, and a new commit costs that
commit. The cache is pw's own conclusion, written by pw; a cache file that does not read back is
simply ignored.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

from partywork import __version__
from partywork.analysis import claims
from partywork.errors import GitError
from partywork.i18n import t
from partywork.storage import userdirs
from partywork.storage.fsutil import write_atomic
from partywork.storage.git import gitio
from partywork.storage.git.gitio import Git, objects, records_prefix
from partywork.storage.yamlio import MAX_BYTES

CACHE_VERSION = 6  # 5: the files kept apart from the rest (_Files); 6: gitlinks, unreadable dates
# New commits are kept in a small second file until there are more than this many (or a tenth of
# the large file's): a commit on a history of 100,000 files must not rewrite all of it (SPEC §11,
# the report right after `pw log`).
TAIL, TAIL_SIZE = "-recent", 200
# The fields of `git log` pw reads, in order (see _parse_log)
_FIELDS = (
    "%H",
    "%P",
    "%an",
    "%ae",
    "%at",
    "%ai",
    "%cn",
    "%ce",
    "%ct",
    "%ci",
    "%s",
    "%(trailers:only,unfold)",
)
# Above this many record files, a commit without pw's trailers (an import, a bulk hand edit) is
# judged by its paths alone: it is OUTSIDE whatever the files say, and reading 100,000 blobs would
# make the first audit of a large repository take minutes.
BULK = 200
_RAW = re.compile(r"^:(\d{6}) (\d{6}) ([0-9a-f]+) ([0-9a-f]+) ([A-Z])")


@dataclass(repr=False, eq=False)  # generated methods cost start-up time (see benchmarks)
class Change:
    """One commit and what it did under records/ (paths from the records root)."""

    hash: str
    parents: list[str]
    author: str
    author_email: str
    author_time: int
    author_date: str
    committer: str
    committer_email: str
    commit_time: int
    commit_date: (
        str  # ISO with the committer's own offset: its first 10 characters are their local day
    )
    subject: str
    trailers: dict[str, str]
    # [status A|M|D|T, path, old blob, new blob] of each file; None while only in the cache's
    # second file (_Files): a history that adds 100,000 record files holds megabytes of them,
    # which a period's audit does not need (its index of record files is kept on its own)
    _files: list[list[str]] | None
    verdict: dict[str, Any]  # claims.judge's findings about this change alone
    others: list[list[str]] = field(default_factory=list)  # the files that are no record files
    file_count: int = 0
    _store: _Files | None = None

    def __post_init__(self) -> None:
        if self._files is not None:
            self._counted()

    def _counted(self) -> None:
        files = self._files or []
        self.others = [f for f in files if not claims.is_record_path(f[1])]
        self.file_count = len(files)

    @property
    def files(self) -> list[list[str]]:
        if self._files is None:
            self._files = self._store.files_of(self) if self._store is not None else []
        return self._files

    def add_files(self, entries: list[list[str]]) -> None:
        self.files.extend(entries)
        self._counted()

    @property
    def action(self) -> str | None:
        return self.trailers.get("Pw-Action")

    @property
    def day(self) -> str:
        return self.commit_date[:10]

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1

    @property
    def by_pw(self) -> bool:
        """Claims to be pw's and is not a merge (pw makes none); FORGED says whether the claim
        holds."""
        return self.action is not None and not self.is_merge

    def as_json(self) -> list:
        """Everything but the files (kept apart: _Files)."""
        return [
            self.parents,
            self.author,
            self.author_email,
            self.author_time,
            self.author_date,
            self.committer,
            self.committer_email,
            self.commit_time,
            self.commit_date,
            self.subject,
            self.trailers,
            self.others,
            self.file_count,
            self.verdict,
        ]

    @classmethod
    def from_json(cls, commit: str, value: list, store: _Files) -> Change:
        (parents, author, author_email, author_time, author_date) = value[:5]
        (committer, committer_email, commit_time, commit_date, subject) = value[5:10]
        trailers, others, count, verdict = value[10:]
        if not isinstance(others, list) or type(count) is not int or not isinstance(verdict, dict):
            raise TypeError
        return cls(
            commit,
            parents,
            author,
            author_email,
            author_time,
            author_date,
            committer,
            committer_email,
            commit_time,
            commit_date,
            subject,
            trailers,
            None,
            verdict,
            others,
            count,
            store,
        )


class _Files:
    """The files of the commits read from the cache, loaded when first asked for; a commit the
    file does not hold (or holds in another shape) is read from git again."""

    def __init__(self, git: Git, part: str) -> None:
        self.git = git
        self.part = part
        self.loaded: dict[str, list] | None = None

    def files_of(self, change: Change) -> list[list[str]]:
        if self.loaded is None:
            self.loaded = _load_files(self.git, self.part)
        files = self.loaded.get(change.hash)
        if _are_entries(files) and len(files) == change.file_count:
            return files
        again = _parse_log(self.git, [change.hash])[0]
        if again.is_merge:
            _add_other_parents(self.git, again)
        return again.files


def _are_entries(value: object) -> TypeGuard[list[list[str]]]:
    return isinstance(value, list) and all(
        isinstance(f, list) and len(f) == 4 and all(isinstance(x, str) for x in f) for f in value
    )


def walk(git: Git) -> list[Change]:
    """Every commit of HEAD, parents before children, each with what it did."""
    order = _commits(git)
    if not order:
        return []
    known = _load(git)
    tail = _load(git, TAIL)
    kept = len(known)
    known.update(tail)
    missing = [c for c in order if c not in known]
    if missing:
        for change in _read(git, missing):
            known[change.hash] = change
        if kept and len(tail) + len(missing) <= max(TAIL_SIZE, kept // 10):
            # a few new commits go to the small file: the large one is not written again
            recent = set(tail) | set(missing)
            _save(git, {c: known[c] for c in order if c in recent}, TAIL)
        else:
            _save(git, {c: known[c] for c in order if c in known})
            _save(git, {}, TAIL)
    return [known[c] for c in order if c in known]


def _commits(git: Git) -> list[str]:
    if git.head() is None:
        return []
    return gitio.commits_oldest_first(git)


def _cache_file(git: Git, part: str = "") -> str:
    name = f"changes-v{CACHE_VERSION}{part}.json"
    return str(userdirs.repo_cache(git.git_dir, git.root) / name)


def _load(git: Git, part: str = "") -> dict[str, Change]:
    """The commits kept in the cache file (the large one, or the small one of recent commits)."""
    # tens of thousands of small objects and nothing cyclic: the collector would only rescan them
    gc.disable()
    try:
        with open(_cache_file(git, part), encoding="utf-8") as handle:
            data = json.load(handle)
        if data.get("pw") != __version__ or data.get("prefix") != records_prefix(git):
            return {}
        store = _Files(git, part)
        return {
            commit: Change.from_json(commit, value, store)
            for commit, value in data["commits"].items()
        }
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}  # never there, or not pw's: computed again
    finally:
        gc.enable()


def _load_files(git: Git, part: str) -> dict[str, list]:
    gc.disable()
    try:
        with open(_cache_file(git, part + "-files"), encoding="utf-8") as handle:
            data = json.load(handle)
        commits = data.get("commits") if isinstance(data, dict) else None
        return commits if isinstance(commits, dict) else {}
    except (OSError, ValueError, RecursionError):
        return {}
    finally:
        gc.enable()


def _save(git: Git, changes: dict[str, Change], part: str = "") -> None:
    """The files first: a commit whose files are missing is read from git again, never empty."""
    _write(git, part + "-files", {"commits": {c: ch.files for c, ch in changes.items()}})
    _write(
        git,
        part,
        {
            "pw": __version__,
            "prefix": records_prefix(git),
            "commits": {c: ch.as_json() for c, ch in changes.items()},
        },
    )


def _write(git: Git, part: str, data: dict) -> None:
    path = _cache_file(git, part)
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        write_atomic(
            Path(path), json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        )
    except Exception:  # a cache that cannot be written costs time next run, nothing else
        pass


def _read(git: Git, commits: list[str]) -> list[Change]:
    changes = _parse_log(git, commits)
    for change in changes:
        if change.is_merge:
            _add_other_parents(git, change)
    wanted = claims.blobs_wanted(changes, BULK)
    contents = _blob_texts(git, sorted(wanted))
    for change in changes:
        change.verdict = claims.judge(change, contents, BULK)
    return changes


def _watched(git: Git) -> tuple[str, str]:
    """(records/ path prefix, records root prefix), from the git top level."""
    return records_prefix(git) + "records/", records_prefix(git)


def _keep(path: str, records: str, root: str) -> bool:
    """records/, and any .gitattributes in the records root: it decides how git checks files out."""
    return path.startswith(records) or (
        path.startswith(root) and path.rsplit("/", 1)[-1] == ".gitattributes"
    )


def _parse_log(git: Git, commits: list[str]) -> list[Change]:
    """One `git log` over these commits. Commit messages and names are anyone's text, so the
    separators carry a token made for this run: no message can imitate them."""
    token = secrets.token_hex(8)
    commit_mark, field_mark = f"\x1e{token}\x1e", f"\x1f{token}\x1f"
    fmt = f"%x1e{token}%x1e" + f"%x1f{token}%x1f".join(_FIELDS) + f"%x1f{token}%x1f"
    raw = gitio.log_raw(git, commits, fmt)
    records, root = _watched(git)
    out = []
    for chunk in raw.decode("utf-8", "surrogateescape").split(commit_mark)[1:]:
        parts = chunk.split(field_mark)
        if len(parts) != len(_FIELDS) + 1:
            raise GitError(t("git.unreadable_history", commit=_shown(parts[0])))
        values = parts[: len(_FIELDS)]
        files = [f for f in _raw_entries(parts[-1]) if _keep(f[1], records, root)]
        out.append(
            Change(
                values[0],
                values[1].split(),
                values[2],
                values[3],
                *_when(values[4], values[5]),
                values[6],
                values[7],
                *_when(values[8], values[9]),
                values[10],
                _trailers(values[11]),
                [[status, path[len(root) :], old, new] for status, path, old, new in files],
                {},
            )
        )
    if [c.hash for c in out] != commits:
        raise GitError(t("git.unreadable_history", commit=_shown(commits[0] if commits else "")))
    return out


def _raw_entries(text: str) -> list[tuple[str, str, str, str]]:
    """(status, path, old blob, new blob) from `--raw -z` output."""
    tokens = text.lstrip("\0\n").split("\0")
    out = []
    for i in range(0, len(tokens) - 1, 2):
        match = _RAW.match(tokens[i].lstrip("\n"))
        if match:
            out.append((match.group(5), tokens[i + 1], match.group(3), match.group(4)))
    return out


def _add_other_parents(git: Git, merge: Change) -> None:
    """A merge's change is judged against every parent: what it kept from one line it may have
    dropped or rewritten from another (`git merge -s ours`). Paths that differ from a later parent
    only are added, as that parent sees them."""
    records, root = _watched(git)
    seen = {f[1] for f in merge.files}
    added: list[list[str]] = []
    for parent in merge.parents[1:]:
        raw = gitio.diff_raw(git, parent, merge.hash).decode("utf-8", "surrogateescape")
        for status, path, old, new in _raw_entries(raw):
            local = path[len(root) :]
            if _keep(path, records, root) and local not in seen:
                seen.add(local)
                added.append([status, local, old, new])
    merge.add_files(added)


# A commit's date is whatever its maker wrote: one git cannot read (a negative or overflowing
# timestamp, text) is shown by git as nothing or as 1970, and would otherwise crash the audit or
# slip past LATE. It is taken as 1970-01-01, which BACKDATE (earlier than its parent, or than the
# day its record was held) then names.
_EPOCH = "1970-01-01 00:00:00 +0000"
_LAST_TIME = 253402300799  # 9999-12-31 23:59:59 UTC


def _when(stamp: str, iso: str) -> tuple[int, str]:
    """(seconds, ISO date) of a commit's author or committer date, each readable or the epoch."""
    seconds = _int(stamp)
    try:
        dt.date.fromisoformat(iso[:10])
    except ValueError:
        return 0, _EPOCH
    return (seconds, iso) if 0 <= seconds <= _LAST_TIME else (0, _EPOCH)


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        return 0


def _shown(value: str) -> str:
    return "".join(c for c in value[:40] if c in "0123456789abcdef") or "?"


def _trailers(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(": ")
        if sep and key.startswith("Pw-"):
            out.setdefault(key, value.strip())
    return out


def _blob_texts(git: Git, blob_ids: list[str]) -> dict[str, bytes]:
    found = objects(git, blob_ids, limit=MAX_BYTES)
    return {
        blob: entry[2]
        for blob, entry in zip(blob_ids, found, strict=False)
        if entry is not None and entry[1] == "blob"
    }
