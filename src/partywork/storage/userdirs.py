"""Where pw keeps what it believes: the user's own cache and state folders, never the repository.

A folder someone else prepared (a clone, a USB stick, an archive from a branch) may carry anything
in `.pw/` or `.git/`; pw trusts none of it (RELIABILITY §(e)). Caches live under `XDG_CACHE_HOME`
(deleting them loses nothing); the sync witness lives under `XDG_STATE_HOME` (deleting it forgets
what was seen, so it is not a cache).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

APP = "partywork"


def _base(variable: str, fallback: str) -> Path:
    given = os.environ.get(variable, "")
    # XDG: a relative path is invalid and must be ignored
    if given and os.path.isabs(given):
        return Path(given)
    return Path.home() / fallback


def cache_home() -> Path:
    return _base("XDG_CACHE_HOME", ".cache") / APP


def state_home() -> Path:
    return _base("XDG_STATE_HOME", ".local/state") / APP


def folder_key(*parts: str | Path) -> str:
    """A short, stable name for a repository folder (its real paths)."""
    text = "\0".join(os.path.realpath(str(p)) for p in parts)
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:24]


def repo_cache(git_dir: Path, records_root: Path) -> Path:
    """This repository's cache folder: keyed by where it is, since its content is what is cached."""
    return cache_home() / "repos" / folder_key(git_dir, records_root)


def witness_file(first_commit: str) -> Path:
    """What pw has seen shared of the repository whose history starts at this commit, wherever it
    is cloned: every clone of one branch answers to the same witness."""
    safe = "".join(c for c in first_commit if c in "0123456789abcdef")[:64] or "none"
    return state_home() / "witness" / f"{safe}.json"


def seal(data: bytes) -> bytes:
    """What pw keeps, preceded by its SHA-256: a damaged or hand-edited file is then told from a
    good one (unseal) and ignored, never believed. The user's own folder is trusted against forgery
    (whoever can write there can write their shell's start-up files); this guards against damage."""
    return hashlib.sha256(data).hexdigest().encode("ascii") + b"\n" + data


def unseal(raw: bytes) -> bytes | None:
    """The content of a sealed file, or None when it is not one or does not match its digest."""
    digest, newline, data = raw.partition(b"\n")
    if not newline or hashlib.sha256(data).hexdigest().encode("ascii") != digest:
        return None
    return data
