"""Parsed record files keyed by their git blob id, in .pw/cache/ (ignored by git).

Content-addressed, so it is never a source of truth and never stale: a commit, a pull or a branch
switch changes the blob id of whatever changed, and a file that differs from the index (a hand
edit) is read from disk and not cached. Deleting the cache loses nothing. It is JSON, not pickle,
because a file planted in .pw/ must not be able to run code.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Callable

from .fsutil import write_atomic
from .gitio import Git, _prefix
from .store import read_document

VERSION = 1
FILE = Path(".pw") / "cache" / f"documents-v{VERSION}.json"


class DocumentCache:
    def __init__(self, git: Git) -> None:
        self.git = git
        self.blobs = self._index_blobs()
        self.dirty = set(git.changed(["records"]))
        stored = self._load()
        documents, memos = stored.get("documents"), stored.get("memos")
        # whatever is in the file is only data, and only trusted in the shape pw writes
        self.stored: dict[str, Any] = {k: v for k, v in documents.items() if v is None or isinstance(v, dict)} \
            if isinstance(documents, dict) else {}
        self.memos: dict[str, Any] = memos if isinstance(memos, dict) else {}
        self.fresh: dict[str, Any] = {}
        self.fingerprint: str | None = None

    def _index_blobs(self) -> dict[str, str]:
        """records-root-relative path → blob id, for every record file in the index."""
        out = self.git.run("ls-files", "-s", "-z", "--", "records").stdout.decode("utf-8", "replace")
        prefix = _prefix(self.git)
        blobs = {}
        for entry in out.split("\0"):
            meta, _tab, path = entry.partition("\t")
            parts = meta.split()
            if len(parts) == 3 and path.endswith(".yaml"):
                blobs[path[len(prefix):]] = parts[1]
        return blobs

    def _load(self) -> dict:
        try:
            data = json.loads((self.git.root / FILE).read_text(encoding="utf-8"))
            return data if isinstance(data, dict) and data.get("version") == VERSION else {}
        except (OSError, ValueError):
            return {}

    def documents(self, paths: list[str]) -> dict[str, dict | None]:
        """path → the parsed mapping (raw text values) of each record file, None when unreadable."""
        out: dict[str, dict | None] = {}
        clean = True
        for path in paths:
            blob = self.blobs.get(path)
            cacheable = blob is not None and path not in self.dirty
            clean = clean and cacheable
            if cacheable and blob in self.stored:
                out[path] = self.stored[blob]
                continue
            doc, _problems = read_document(self.git.root / path, path)
            out[path] = doc.data if doc else None
            if cacheable:
                self.fresh[blob] = out[path]
        if clean:
            digest = hashlib.sha256("\n".join(f"{p} {self.blobs[p]}" for p in sorted(paths)).encode())
            self.fingerprint = digest.hexdigest()
        return out

    def memo(self, name: str, key: str, compute: Callable[[], Any], check: Callable[[Any], bool]) -> Any:
        """A result computed from the documents, reused while the same files give the same key."""
        if self.fingerprint is None:
            return compute()
        full_key = f"{self.fingerprint}:{key}"
        entry = self.memos.get(name)
        if isinstance(entry, dict) and entry.get("key") == full_key and check(entry.get("value")):
            return entry["value"]
        value = compute()
        self.memos[name] = {"key": full_key, "value": value}
        self.fresh.setdefault("", None)  # something changed: save
        return value

    def _keep_out_of_git(self) -> None:
        """pw init ignores .pw/; a repo pw did not create gets it in .git/info/exclude instead."""
        if self.git.run("check-ignore", "-q", str(FILE), check=False).returncode == 0:
            return
        exclude = self.git.git_dir / "info" / "exclude"
        exclude.parent.mkdir(parents=True, exist_ok=True)
        with open(exclude, "a", encoding="utf-8") as handle:
            handle.write(f"\n/{_prefix(self.git)}.pw/\n")

    def save(self) -> None:
        if not self.fresh:
            return
        live = set(self.blobs.values())
        documents = {b: d for b, d in {**self.stored, **self.fresh}.items() if b in live}
        text = json.dumps({"version": VERSION, "documents": documents, "memos": self.memos}, ensure_ascii=False,
                          separators=(",", ":"), default=str)
        try:
            write_atomic(self.git.root / FILE, text.encode("utf-8"))
            self._keep_out_of_git()
        except Exception:  # a cache that cannot be written is only slower, never wrong
            if os.environ.get("PW_DEBUG") == "1":
                raise
