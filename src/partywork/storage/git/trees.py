"""Git tree objects, in memory: parse, change, hash. Pure; gitio reads and writes them.

pw commits a record by changing HEAD's tree along that one path, instead of asking git to build a
tree from the whole index: on 100,000 files that is the difference between touching three trees
and refreshing 100,000 index entries. The tree format and the ids are git's own (checked against
`git mktree` on every commit, see gitio.Git._tree_commit).
"""

from __future__ import annotations

import hashlib

Entries = dict[bytes, tuple[bytes, bytes]]  # name → (mode, binary object id)

TREE_MODE = b"40000"
FILE_MODE = b"100644"


def parse(raw: bytes, id_size: int) -> Entries:
    """The entries of a raw tree object: `<mode> <name>\\0<id>` repeated (ids of 20 or 32 bytes)."""
    entries: Entries = {}
    position = 0
    while position < len(raw):
        space = raw.index(b" ", position)
        nul = raw.index(b"\0", space)
        entries[raw[space + 1 : nul]] = (raw[position:space], raw[nul + 1 : nul + 1 + id_size])
        position = nul + 1 + id_size
    return entries


def _sort_key(item: tuple[bytes, tuple[bytes, bytes]]) -> bytes:
    name, (mode, _oid) = item
    return name + b"/" if mode == TREE_MODE else name  # git's order: a tree sorts as "name/"


def serialize(entries: Entries) -> bytes:
    return b"".join(
        mode + b" " + name + b"\0" + oid
        for name, (mode, oid) in sorted(entries.items(), key=_sort_key)
    )


def object_id(raw: bytes, id_size: int) -> bytes:
    algorithm = hashlib.sha1 if id_size == 20 else hashlib.sha256
    return algorithm(b"tree %d\0" % len(raw) + raw).digest()


def mktree_input(entries: Entries) -> bytes:
    """The same tree as `git mktree -z` input lines."""
    kinds = {TREE_MODE: b"tree", b"160000": b"commit"}
    return b"".join(
        mode + b" " + kinds.get(mode, b"blob") + b" " + oid.hex().encode() + b"\t" + name + b"\0"
        for name, (mode, oid) in sorted(entries.items(), key=_sort_key)
    )


def folders_of(paths: list[str]) -> list[str]:
    """Every folder on the way to these files, deepest first ('' is the top)."""
    found = {""}
    for path in paths:
        parts = path.split("/")[:-1]
        found.update("/".join(parts[:i]) for i in range(1, len(parts) + 1))
    return sorted(found, key=lambda f: (-f.count("/") - (f != ""), f))
