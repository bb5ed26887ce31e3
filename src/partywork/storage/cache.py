"""Parsed record files keyed by their git blob id, in the user's cache folder for this repository
(userdirs.repo_cache): never inside the folder, which may come from someone else (RELIABILITY §(e)).

Content-addressed, so it is never a source of truth and never stale: a commit, a pull or a branch
switch changes the blob id of whatever changed, and a file that differs from the index (a hand
edit, or one not added yet) is read from disk and not cached. Deleting the cache loses nothing. It
is JSON, not pickle, so a cache file can never run code; and each file carries the SHA-256 of its
content (userdirs.seal), so a damaged or hand-edited one is ignored rather than believed.

One file per month (of the record's date), so a report reads only the months it looks at; and per
year folder a small file of just the records' actions, which every report needs from every year.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from typing import Any

from partywork.storage import userdirs
from partywork.storage.fsutil import write_atomic
from partywork.storage.git import gitio
from partywork.storage.git.gitio import Git, records_prefix
from partywork.storage.store import read_document

VERSION = 3  # 3: in the user's cache folder, each file sealed with its digest


def _actions_of(data: dict | None) -> dict | None:
    """The part of a record every report needs, whatever its year."""
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("actions"), list)
        or not data["actions"]
    ):
        return None
    return {
        "id": data.get("id"),
        "date": data.get("date"),
        "voided": bool(data.get("voided")),
        "actions": data["actions"],
    }


def month_of(path: str) -> str:
    """records/2026/2026-07-03-committee-7k2m.yaml → 2026-07 (other names share one bucket)."""
    name = path.rsplit("/", 1)[-1]
    return (
        name[:7]
        if len(name) > 7 and name[:4].isdigit() and name[4] == "-" and name[5:7].isdigit()
        else "other"
    )


class DocumentCache:
    def __init__(
        self, git: Git, years: list[str] | None = None, scanned: list[str] | None = None
    ) -> None:
        """`years`: the year folders whose index entries are read now (None: all of them); any
        other year's are read when a path of it is first asked about. `scanned`: Git.dirty over
        records/, when already made."""
        self.git = git
        self.root = git.root
        # what differs from the index anywhere under records/: the launcher's one scan (launch.py)
        self.dirty = set(git.dirty(["records"]) if scanned is None else scanned)
        self.dirty |= set(git.hidden_edits(["records"]))  # skip-worktree, assume-unchanged
        self.blobs: dict[str, str] = {}  # the index's blob ids, of the years read so far
        self._years: set[str] | None = None  # None: every year read
        self._load_blobs(["records"] if years is None else [f"records/{y}" for y in years])
        self._years = None if years is None else set(years)
        self.untracked: set[str] = set()  # record files seen on disk that the index does not have
        self.buckets: dict[str, dict] = {}
        self.derived: dict[str, dict] = {}  # (kind-month) → blob id → a value made from the file
        self.changed: set[str] = set()
        self.fingerprint: str | None = None
        self.folder = userdirs.repo_cache(git.git_dir, git.root) / f"v{VERSION}"
        self._staged: set[str] | None = None
        self._trees: dict[str, str] | None = None
        memos = self._read("memos").get("memos")
        self.memos: dict[str, Any] = memos if isinstance(memos, dict) else {}

    def _load_blobs(self, paths: list[str]) -> None:
        """records-root-relative path → blob id, for every record file in the index under paths."""
        prefix = records_prefix(self.git)
        self.blobs.update(
            (path[len(prefix) :], blob)
            for _mode, blob, _stage, path in gitio.index_entries(self.git, paths)
            if path.endswith(".yaml")
        )

    def blob(self, path: str) -> str | None:
        """The index's blob id of a record file, None when the index does not have it."""
        year = path.split("/", 2)[1] if path.count("/") >= 2 else ""
        if self._years is not None and year not in self._years:
            self._years.add(year)
            self._load_blobs([f"records/{year}"])
        return self.blobs.get(path)

    def staged(self) -> set[str]:
        """Paths under records/ staged against HEAD."""
        if self._staged is None:
            self._staged = {p for p in self.git.staged_paths() if p.startswith("records/")}
        return self._staged

    def year_key(self, year: str) -> str | None:
        """What a year folder holds, as a key: its tree id at HEAD, while nothing in it differs
        from HEAD (nothing modified or staged: a tracked file gone from disk is modified); None
        otherwise. A summary kept under this key was made only when every file of the folder was
        in the index (year_fresh); a file added since is the summary's to notice (its count)."""
        if self._trees is None:
            self._trees = gitio.folder_trees(self.git, "HEAD", "records")
        tree = self._trees.get(year)
        folder = f"records/{year}/"
        # a hidden file (skip-worktree, assume-unchanged) can go unseen, keeping the count
        unseen = self.dirty | self.staged() | set(self.git.hidden(["records"]))
        if tree is None or any(p.startswith(folder) for p in unseen):
            return None
        return tree

    def year_fresh(self, paths: list[str]) -> bool:
        """Every one of these files is in the index and as the index has it."""
        return all(self._cacheable(p) for p in paths)

    def kept(self, name: str, key: str) -> dict | None:
        """A value kept with keep() under this key; None when there is none, or not this key's."""
        stored = self._read(name)
        value = stored.get("value")
        return value if stored.get("key") == key and isinstance(value, dict) else None

    def keep(self, name: str, key: str, value: dict) -> None:
        self._write(name, {"key": key, "value": value})

    def _read(self, name: str) -> dict:
        try:
            data = json.loads(
                userdirs.unseal((self.folder / f"{name}.json").read_bytes()) or b"null"
            )
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError, RecursionError):
            return {}

    def _bucket(self, name: str) -> dict:
        if name not in self.buckets:
            stored = self._read(name).get("documents")
            # whatever is in the file is only data, and only trusted in the shape pw writes
            self.buckets[name] = (
                {k: v for k, v in stored.items() if v is None or isinstance(v, dict)}
                if isinstance(stored, dict)
                else {}
            )
        return self.buckets[name]

    def _cacheable(self, path: str) -> str | None:
        blob = self.blob(path)
        return blob if blob is not None and path not in self.dirty else None

    def documents(self, paths: list[str]) -> dict[str, dict | None]:
        """path → the parsed mapping (raw text values) of each record file, None when unreadable."""
        out: dict[str, dict | None] = {}
        clean = True
        for path in paths:
            blob = self._cacheable(path)
            clean = clean and blob is not None
            name = month_of(path)
            bucket = self._bucket(name)
            if blob is not None and blob in bucket:
                out[path] = bucket[blob]
                continue
            doc, _problems = read_document(self.root / path, path)
            out[path] = doc.data if doc else None
            if blob is not None:
                bucket[blob] = out[path]
                self.changed.add(name)
            elif self.blob(path) is None:
                self.untracked.add(path)
        if clean:
            digest = hashlib.sha256(
                "\n".join(f"{p} {self.blobs[p]}" for p in sorted(paths)).encode()
            )
            self.fingerprint = digest.hexdigest()
        return out

    def actions(self, year: str, paths: list[str]) -> list[dict]:
        """The actions of one year's records (see _actions_of), from the small file when it is
        fresh."""
        stored = self._read(f"{year}.actions")
        key = hashlib.sha256(
            "\n".join(f"{p} {self.blob(p)}" for p in sorted(paths)).encode()
        ).hexdigest()
        fresh = all(self._cacheable(p) for p in paths)
        if fresh and stored.get("key") == key and isinstance(stored.get("records"), list):
            return [
                r
                for r in stored["records"]
                if isinstance(r, dict) and isinstance(r.get("actions"), list)
            ]
        found = [a for a in map(_actions_of, self.documents(paths).values()) if a]
        if fresh:
            self._write(f"{year}.actions", {"key": key, "records": found})
        return found

    def made(
        self,
        kind: str,
        paths: list[str],
        make: Callable[[dict | None], Any],
        parse: Callable[[Any], tuple[bool, Any]],
    ) -> dict[str, Any]:
        """path → parse(make(the file's parsed mapping)), make's value kept per month under the
        file's blob id (so never stale): a later run reads the small value, not the record. A kept
        value is used only when parse finds it in the shape make gives."""
        out: dict[str, Any] = {}
        by_month: dict[str, list[str]] = {}
        for path in paths:
            by_month.setdefault(month_of(path), []).append(path)
        for month, some in by_month.items():
            name = f"{kind}-{month}"
            kept = self._derived(name)
            for path in some:
                blob = None if path in self.dirty else self.blob(path)
                if blob is not None and blob in kept:
                    valid, out[path] = parse(kept[blob])
                    if valid:
                        continue
                value = make(self.documents([path])[path])
                out[path] = parse(value)[1]
                if blob is not None:
                    kept[blob] = value
                    self.changed.add(name)
        return out

    def _derived(self, name: str) -> dict:
        if name not in self.derived:
            stored = self._read(name).get("values")
            self.derived[name] = stored if isinstance(stored, dict) else {}
        return self.derived[name]

    def key_of(self, paths: list[str], extra: str = "") -> str | None:
        """What these files hold, as a key (their paths and blob ids); None when one of them is not
        as the index has it."""
        if not all(self._cacheable(p) for p in paths):
            return None
        lines = "\n".join(f"{p} {self.blobs[p]}" for p in sorted(paths))
        return hashlib.sha256(f"{extra}\n{lines}".encode()).hexdigest()

    def memo(
        self,
        name: str,
        key: str,
        compute: Callable[[], Any],
        check: Callable[[Any], bool],
        fingerprint: str | None = None,
    ) -> Any:
        """A result computed from the documents, reused while the same files give the same key
        (those of the last documents() call, unless a fingerprint of others is given)."""
        fingerprint = fingerprint or self.fingerprint
        if fingerprint is None:
            return compute()
        full_key = f"{fingerprint}:{key}"
        entry = self.memos.get(name)
        if isinstance(entry, dict) and entry.get("key") == full_key and check(entry.get("value")):
            return entry["value"]
        value = compute()
        self.memos[name] = {"key": full_key, "value": value}
        self.changed.add("memos")
        return value

    def save(self) -> None:
        live = set(self.blobs.values())
        for name in sorted(self.changed):
            if name == "memos":
                self._write("memos", {"memos": self.memos})
            elif name in self.derived:
                values = {b: v for b, v in self.derived[name].items() if b in live}
                self._write(name, {"values": values})
            else:
                kept = self.buckets[name]
                if name != "other" or self._years is None:  # "other" may hold any year's files
                    kept = {b: d for b, d in kept.items() if b in live}
                self._write(name, {"documents": kept})
        self.changed.clear()

    def _write(self, name: str, data: dict) -> None:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
        try:
            write_atomic(self.folder / f"{name}.json", userdirs.seal(text.encode("utf-8")))
        except Exception:  # a cache that cannot be written is only slower, never wrong
            if os.environ.get("PW_DEBUG") == "1":
                raise
