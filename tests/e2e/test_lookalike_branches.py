"""Branch names that print alike (trust gaps, item 2). `café` with é as one character (NFC) and as e
plus a combining accent (NFD) are two branches to git and one name to a reader. The witness
remembers the shared tip with its branch's name; a folder that keeps the witnessed commits on a
side branch and shows a rewritten history under a look-alike name must not pass verify, and pw
sync must not push into (or take its history from) a look-alike branch on the server. pw fleet
does not key its witness by branch name at all: the last test shows a look-alike changes nothing
there."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import COMMITTEE_ARGS, git, log_committee, ok, run_pw

COMPOSED = "支部-caf\u00e9"
DECOMPOSED = "支部-cafe\u0301"
AUGUST = [a if a != "2026-07-03" else "2026-08-03" for a in COMMITTEE_ARGS]


def _shared(branch: Path, tmp_path: Path, name: str = COMPOSED) -> Path:
    """The branch, on a branch called `name`, synced with a bare server and verified."""
    git("branch", "-m", name, cwd=branch)
    bare = tmp_path / "server.git"
    git("init", "-q", "--bare", str(bare), cwd=tmp_path)
    git("symbolic-ref", "HEAD", f"refs/heads/{name}", cwd=bare)
    git("remote", "add", "origin", str(bare), cwd=branch)
    log_committee(branch)
    ok(run_pw("sync", cwd=branch))
    ok(run_pw("verify", cwd=branch))
    return bare


@pytest.mark.parametrize("shared_branch", ["deleted", "kept"])
def test_a_rewritten_history_under_a_lookalike_name_fails_verify(branch, tmp_path, shared_branch):
    _shared(branch, tmp_path)
    witnessed = git("rev-parse", "HEAD", cwd=branch).strip()
    # the cheat: the shared commits kept on a side branch, the last record dropped and another
    # logged by pw itself on a branch whose name prints like the shared one
    git("branch", "旧稿", COMPOSED, cwd=branch)
    git("checkout", "-q", "-b", DECOMPOSED, cwd=branch)
    git("reset", "-q", "--hard", "HEAD~1", cwd=branch)
    ok(run_pw(*AUGUST, cwd=branch))
    if shared_branch == "deleted":
        git("branch", "-D", COMPOSED, cwd=branch)
    result = run_pw("verify", cwd=branch)
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "REWRITTEN" in result.stdout and witnessed[:10] in result.stdout
    audit = json.loads(run_pw("audit", "--format", "json", cwd=branch).stdout)
    codes = [f["code"] for f in audit["findings"]]
    assert "REWRITTEN" in codes
    if shared_branch == "kept":  # the pair itself is named, with what tells them apart
        assert "U+0301" in result.stdout and "U+00E9" in result.stdout


def test_a_rewritten_history_under_a_new_name_fails_verify(branch, tmp_path):
    """The same cheat with a name that does not even look alike: the shared branch deleted, its
    commits parked on a side branch, a rewritten history checked out under another name."""
    _shared(branch, tmp_path)
    witnessed = git("rev-parse", "HEAD", cwd=branch).strip()
    git("branch", "旧稿", COMPOSED, cwd=branch)
    git("checkout", "-q", "-b", "台账", cwd=branch)
    git("reset", "-q", "--hard", "HEAD~1", cwd=branch)
    ok(run_pw(*AUGUST, cwd=branch))
    git("branch", "-D", COMPOSED, cwd=branch)
    result = run_pw("verify", cwd=branch)
    assert result.returncode == 1 and witnessed[:10] in result.stdout, result.stdout


def test_an_honest_rename_of_the_branch_stays_clean(branch, tmp_path):
    _shared(branch, tmp_path)
    git("branch", "-m", "台账", cwd=branch)
    git("branch", "旧稿", "HEAD~1", cwd=branch)  # an older side branch harms nothing
    ok(run_pw(*AUGUST, cwd=branch))
    ok(run_pw("verify", cwd=branch))


@pytest.mark.parametrize("name", [COMPOSED, DECOMPOSED, "主分支"])
def test_an_honest_branch_with_such_a_name_stays_clean(branch, tmp_path, name):
    _shared(branch, tmp_path, name)
    ok(run_pw(*AUGUST, cwd=branch))
    ok(run_pw("sync", cwd=branch))
    ok(run_pw("verify", cwd=branch))
    second = tmp_path / "second"
    git("clone", "-q", str(tmp_path / "server.git"), str(second), cwd=tmp_path)
    assert git("symbolic-ref", "--short", "HEAD", cwd=second).strip() == name
    ok(run_pw("sync", cwd=second))
    ok(run_pw("verify", cwd=second))


def test_pw_sync_refuses_a_lookalike_branch_on_the_server(branch, tmp_path):
    bare = _shared(branch, tmp_path)
    # someone pushes a history of their own under a name that prints like the shared branch
    other = tmp_path / "other"
    git("clone", "-q", str(bare), str(other), cwd=tmp_path)
    git("checkout", "-q", "-b", DECOMPOSED, cwd=other)
    git("reset", "-q", "--hard", "HEAD~1", cwd=other)
    git("commit", "-q", "--allow-empty", "-m", "另一套记录", cwd=other)
    git("push", "-q", "origin", DECOMPOSED, cwd=other)
    log_committee(branch, input=None)  # work of the member's own, waiting to be shared
    before = git("rev-parse", f"refs/heads/{COMPOSED}", cwd=bare)
    result = run_pw("sync", cwd=branch)
    assert result.returncode == 1 and "REWRITTEN" in result.stderr, result.stderr
    assert "U+0301" in result.stderr and "U+00E9" in result.stderr
    assert "git branch -m" in result.stderr
    assert git("rev-parse", f"refs/heads/{COMPOSED}", cwd=bare) == before  # nothing pushed
    english = run_pw("--lang", "en", "sync", cwd=branch)
    assert english.returncode == 1 and "prints like" in english.stderr


def test_pw_fleet_is_not_fooled_by_a_lookalike_default_branch(branch, tmp_path):
    """The desk's witness is the server's (first commit and url, url, name on the desk), never a
    branch name: a server whose default branch becomes a look-alike with a rewritten history is
    REWRITTEN for a clone made afresh, and the old clone is never moved onto it."""
    bare = _shared(branch, tmp_path)
    folder = tmp_path / "desk"
    ok(run_pw("fleet", "init", "--dir", str(folder), cwd=tmp_path))
    ok(run_pw("fleet", "add", "一支部", str(bare), cwd=folder))
    ok(run_pw("fleet", "sync", cwd=folder))
    clone = folder / "branches" / "一支部"
    witnessed = git("rev-parse", "HEAD", cwd=clone).strip()
    git("checkout", "-q", "-b", DECOMPOSED, cwd=branch)
    git("reset", "-q", "--hard", "HEAD~1", cwd=branch)
    ok(run_pw(*AUGUST, cwd=branch))
    git("push", "-q", "origin", DECOMPOSED, cwd=branch)
    git("symbolic-ref", "HEAD", f"refs/heads/{DECOMPOSED}", cwd=bare)
    git("branch", "-D", COMPOSED, cwd=bare)
    kept = run_pw("fleet", "sync", cwd=folder)
    assert kept.returncode == 1 and "REWRITTEN" in kept.stdout, kept.stdout
    assert git("rev-parse", "HEAD", cwd=clone).strip() == witnessed
    shutil.rmtree(clone)
    fresh = run_pw("fleet", "sync", cwd=folder)
    assert fresh.returncode == 1 and "REWRITTEN" in fresh.stdout, fresh.stdout
    assert witnessed[:10] in fresh.stdout
    assert not clone.exists()
