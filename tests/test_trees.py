"""The tree objects pw writes itself (storage/git/trees.py) are the ones git writes: same bytes,
same ids, same order."""

from __future__ import annotations

import subprocess

from partywork.storage.git import trees


def _git(*args: str, cwd, stdin: bytes | None = None) -> bytes:
    return subprocess.run(
        ["git", *args], cwd=cwd, input=stdin, check=True, capture_output=True
    ).stdout


def test_a_tree_pw_builds_is_the_tree_git_builds(tmp_path):
    _git("init", "-q", str(tmp_path), cwd=tmp_path)
    blob = bytes.fromhex(
        _git("hash-object", "-w", "--stdin", cwd=tmp_path, stdin=b"x\n").decode().strip()
    )
    sub = {b"a.yaml": (trees.FILE_MODE, blob)}
    sub_raw = trees.serialize(sub)
    sub_id = trees.object_id(sub_raw, 20)
    # "records" (a tree) sorts as "records/", after "records.yaml": git's own order
    top = {b"records": (trees.TREE_MODE, sub_id), b"records.yaml": (trees.FILE_MODE, blob)}
    top_raw = trees.serialize(top)
    assert [name for name in trees.parse(top_raw, 20)] == [b"records.yaml", b"records"]
    made = _git(
        "mktree",
        "-z",
        "--missing",
        "--batch",
        cwd=tmp_path,
        stdin=trees.mktree_input(sub) + b"\0" + trees.mktree_input(top),
    ).split()
    assert made == [sub_id.hex().encode(), trees.object_id(top_raw, 20).hex().encode()]
    assert _git("cat-file", "tree", made[1].decode(), cwd=tmp_path) == top_raw
    assert trees.parse(top_raw, 20) == top


def test_the_folders_of_some_files_deepest_first():
    assert trees.folders_of(["records/2026/a.yaml", "records/pw.yaml"]) == [
        "records/2026",
        "records",
        "",
    ]
