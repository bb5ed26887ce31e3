"""What pw has seen shared, kept where the audited folder cannot reach it (issue 11 scope 5).

`pw sync` and `pw verify` remember every close tag and every shared tip they have seen, in the
user's state folder (userdirs.py), keyed by the repository's first commit, so every clone of a
branch answers to the same memory. A close tag later deleted or moved, or a shared tip that left
the history, is REWRITTEN; editing or emptying anything inside the repository changes nothing. It
also remembers which first commit each folder had, so a folder whose whole history was replaced
(a new first commit) is REWRITTEN too.

Deleting the state folder forgets what was seen: it is a witness, not a cache.
"""

from __future__ import annotations

import contextlib
import json
import os
import posixpath
import re
import unicodedata
import urllib.parse
from pathlib import Path
from typing import Any

from partywork.storage import userdirs
from partywork.storage.fsutil import write_atomic
from partywork.storage.git import gitio
from partywork.storage.git.gitio import Git

_HEX = frozenset("0123456789abcdef")


def first_commit(git: Git, order: list[str], parents: dict[str, list[str]]) -> str | None:
    """The root reached from HEAD by first parents: the branch's own beginning (a root brought in
    by a merge of an unrelated history is not)."""
    if not order:
        return None
    commit = order[-1]
    while parents.get(commit):
        commit = parents[commit][0]
    return commit


def _read(path: str) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _write(path: str, data: dict[str, Any]) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    write_atomic(
        Path(path), json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    )


def _folders_file() -> str:
    return str(userdirs.state_home() / "witness" / "folders.json")


def _folder_key(git: Git) -> str:
    return userdirs.folder_key(git.git_dir, git.root)


class Witness:
    def __init__(self, git: Git, root: str | None) -> None:
        self.git = git
        self.root = root
        self.path = str(userdirs.witness_file(root)) if root else None
        data = _read(self.path) if self.path else {}
        tags, tips, remotes = data.get("tags"), data.get("tips"), data.get("remotes")
        self.tags: dict[str, str] = (
            {k: v for k, v in (tags or {}).items() if _is_id(v)} if isinstance(tags, dict) else {}
        )
        self.tips: list[tuple[str, str | None]] = [
            (t[0], t[1] if isinstance(t[1], str) else None)
            for t in (tips if isinstance(tips, list) else [])
            if isinstance(t, list) and len(t) == 2 and _is_id(t[0])
        ]
        self.remotes: dict[str, dict] = remotes if isinstance(remotes, dict) else {}
        folders = _read(_folders_file())
        self.folder_root = (
            folders.get(_folder_key(git))
            if isinstance(folders.get(_folder_key(git)), str)
            else None
        )

    def replaced(self) -> str | None:
        """The first commit this folder had when pw last saw it, if the history now starts
        elsewhere."""
        return (
            self.folder_root
            if self.folder_root and self.root and self.folder_root != self.root
            else None
        )

    def remember(
        self,
        tags: dict[str, str],
        tips: list[tuple[str, str | None]],
        remote: str | None = None,
        remote_state: dict | None = None,
    ) -> None:
        """Add what was seen now to what was seen before (nothing seen is ever forgotten here)."""
        if not self.path or not self.root:
            return
        # first seen wins: a tag that moved is REWRITTEN, never learnt again
        self.tags.update({k: v for k, v in tags.items() if _is_id(v) and k not in self.tags})
        self.tips = list(dict.fromkeys([*self.tips, *[(c, b) for c, b in tips if _is_id(c)]]))[
            -200:
        ]
        if remote and remote_state is not None:
            self.remotes[remote] = remote_state
        _write(
            self.path,
            {"tags": self.tags, "tips": [list(tip) for tip in self.tips], "remotes": self.remotes},
        )
        if self.replaced() is None:
            folders = _read(_folders_file())
            folders[_folder_key(self.git)] = self.root
            _write(_folders_file(), folders)


def _is_id(value: Any) -> bool:
    return isinstance(value, str) and len(value) in (40, 64) and set(value) <= _HEX


def lookalikes(name: str, names: list[str]) -> list[str]:
    """The names that are this one after Unicode normalisation (NFC), this one included: `é` as
    one character or as e and a combining accent, a CJK compatibility ideograph and its unified
    twin. git keeps each as a branch of its own, and they print alike: what pw saw shared on one
    must hold on every one of them."""
    wanted = unicodedata.normalize("NFC", name)
    return [other for other in names if unicodedata.normalize("NFC", other) == wanted]


def twins(names: list[str]) -> list[list[str]]:
    """The groups of two or more names that print alike (equal after NFC)."""
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(unicodedata.normalize("NFC", name), []).append(name)
    return [group for group in groups.values() if len(group) > 1]


def close_tag_ids(git: Git, prefix: str) -> dict[str, str]:
    """Close tag name → the tag object (or commit) it is now: moving a tag changes it."""
    return gitio.tag_ids(git, f"{prefix}*")


def upstream_tip(git: Git) -> str | None:
    """The tip of the current branch's upstream, as last fetched: the shared history a clone saw."""
    value = gitio.upstream_tip(git)
    return value if _is_id(value) else None


# -- the supervisor's desk (pw fleet, issue 17) --------------------------------------------------
# Branches often start from one template repository, so many share a first commit: what the desk
# saw on each server is kept apart, keyed by the first commit and the url together. Kept beside
# the rest of the witness, but never in folders.json (a desk clone's own first commit stays the
# one the audit knows it by).


def _desk_file(first: str, url: str) -> str:
    import hashlib

    key = hashlib.sha256(f"desk\0{first}\0{url}".encode("utf-8", "surrogateescape")).hexdigest()
    return str(userdirs.witness_file(key))


def desk_url(url: str) -> str:
    """One spelling for every way of writing the same server, so that a url written differently is
    never a branch the witness has not seen (a force-push hidden by adding the branch again):
    `/x.git`, `/x.git/`, `/x/.git`, `file:///x` and a symlink to it; `https://host/x.git`,
    `http://user@HOST:443/x`, `ssh://git@host/x`, `git@host:x` (the scp form) — transport,
    login and port set aside, the host in one case and encoding, the path decoded, in one Unicode
    form and case (the big forges' paths ignore case). Merging two real servers here can only cost
    a false REWRITTEN (which `pw fleet remove --forget` answers), never a false pass."""
    text = unicodedata.normalize("NFC", url.strip())
    if text.startswith("file://"):
        text = text[len("file://") :]
        if not text.startswith("/"):  # file://host/path: the host is this machine
            text = "/" + text.partition("/")[2]
    scheme, sep, rest = text.partition("://")
    if sep:
        host, _slash, path = rest.partition("/")
    elif _SCP.fullmatch(text):
        host, _colon, path = text.partition(":")
    else:  # a folder on this machine: every spelling of it resolves to one place
        return _trimmed(os.path.realpath(text) if os.path.isabs(text) else text)
    host = host.rpartition("@")[2]  # the login is not part of where the server is
    # the port too: a server answering on two ports is one server (a lost REWRITTEN costs more
    # than a false one)
    host = host.partition("]")[0] + "]" if host.startswith("[") else host.partition(":")[0]
    path = urllib.parse.unquote(path).lstrip("/")
    path = path[2:] if path.startswith("~/") else path
    return f"//{_host(host)}/" + _trimmed(posixpath.normpath("/" + path).lstrip("/")).casefold()


# [user@]host:path, the scp form git reads as ssh (a one-letter host is a Windows drive, C:\x)
_SCP = re.compile(r"[^/:@]+@[^/:]+:.*|[^/:]{2,}:[^/].*")
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "[::1]", "::1"})


def _host(host: str) -> str:
    name = host.lower().rstrip(".")
    if name in _LOOPBACK:
        return "localhost"
    try:
        return name.encode("idna").decode("ascii")  # 例子.中国 and xn--fsqu00a.xn--fiqs8s
    except UnicodeError:
        return name


def _trimmed(path: str) -> str:
    while "//" in path:
        path = path.replace("//", "/")
    path = path.rstrip("/")
    for suffix in ("/.git", ".git"):
        path = path.removesuffix(suffix).rstrip("/")
    return path


def _desk_url_file(url: str) -> str:
    """The server however its history now begins: a whole new first commit is not a new branch."""
    return _desk_file("url", desk_url(url))


def _desk_name_file(desk_key: str, name: str) -> str:
    """The branch under its name on this desk, whatever url it is added with next."""
    return _desk_file(f"name\0{desk_key}", name.casefold())


def _anchor_at(path: str) -> tuple[str | None, dict[str, str]]:
    data = _read(path).get("desk")
    data = data if isinstance(data, dict) else {}
    head, tags = data.get("head"), data.get("tags")
    tags = {k: v for k, v in tags.items() if _is_id(v)} if isinstance(tags, dict) else {}
    return (head if _is_id(head) else None), tags


def _files(first: str, url: str, desk_key: str | None, name: str | None) -> list[str]:
    files = [_desk_file(first, url)] if first else []  # as kept before urls were normalised
    files.append(_desk_url_file(url))
    if desk_key and name:
        files.append(_desk_name_file(desk_key, name))
    return files


def desk_anchors(
    first: str, url: str, desk_key: str | None = None, name: str | None = None
) -> list[tuple[str, dict[str, str]]]:
    """Every tip (with its close tags) witnessed for this branch: on its server (by first commit
    and url, and by the url alone, however written) and under its name on this desk."""
    out = []
    for path in _files(first, url, desk_key, name):
        head, tags = _anchor_at(path)
        if head or tags:
            out.append((head or "", tags))
    return out


def desk_anchor(first: str, url: str) -> tuple[str | None, dict[str, str]]:
    """The tip and close tags (name → id) last witnessed on this branch's server."""
    return _anchor_at(_desk_file(first, url))


def remember_desk(
    first: str,
    url: str,
    head: str,
    tags: dict[str, str],
    desk_key: str | None = None,
    name: str | None = None,
) -> None:
    """What the server showed now (a sync refused as REWRITTEN never comes here)."""
    for path in _files(first, url, desk_key, name):
        if _anchor_at(path) != (head, tags):
            # unchanged files stay as they are (every kept report that stats them too)
            _write(path, {"desk": {"url": url, "head": head, "tags": tags, "first": first}})


def forget_desk(first: str | None, url: str, desk_key: str, name: str) -> None:
    """`pw fleet remove --forget`: the supervisor accepts whatever the server shows next."""
    kept = _files("", url, desk_key, name)
    # the clone may be gone (a refused one is deleted): the first commits seen are kept with it
    firsts = {first} if first else set()
    for path in kept:
        seen = _read(path).get("desk")
        if isinstance(seen, dict) and _is_id(seen.get("first")):
            firsts.add(seen["first"])
    for path in [*kept, *(_desk_file(f, url) for f in firsts)]:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
