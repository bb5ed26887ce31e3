"""Issue 12's leftovers (issue 17): a folder handed to a supervisor must not make pw read another
repository (a `.git` file, a `commondir` or `objects/info/alternates` pointing outside it), pw's
exchanges must not run the folder's hooks, and a report opened in a Markdown viewer must not fetch
an image a record names."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import COMMITTEE_ARGS, git, install_hook, log_committee, ok, run_pw

REPORT = ("report", "quarter", "2026Q3", "--format", "json")


def _other(branch: Path, tmp_path: Path) -> tuple[Path, str]:
    """Another branch's repository on the supervisor's disk, holding a record of its own."""
    other = tmp_path / "other"
    shutil.copytree(branch, other, symlinks=True)
    return other, log_committee(other)


def _refused(result, outside: Path) -> None:
    assert result.returncode == 78, (result.returncode, result.stderr)
    assert str(outside.resolve()) in result.stderr or str(outside) in result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr


def test_a_git_file_pointing_at_another_repository_is_refused(branch, tmp_path):
    other, secret = _other(branch, tmp_path)
    handed = tmp_path / "handed"
    shutil.copytree(branch / "records", handed / "records")
    (handed / ".git").write_text(f"gitdir: {other / '.git'}\n", encoding="utf-8")
    for args in (REPORT, ("verify",), ("audit",), ("history", secret)):
        result = run_pw(*args, cwd=handed)
        _refused(result, other / ".git")
        assert secret not in result.stdout


def test_a_commondir_pointing_at_another_repository_is_refused(branch, tmp_path):
    other, secret = _other(branch, tmp_path)
    handed = tmp_path / "handed"
    shutil.copytree(branch, handed, symlinks=True)
    (handed / ".git" / "commondir").write_text(f"{other / '.git'}\n", encoding="utf-8")
    result = run_pw(*REPORT, cwd=handed)
    _refused(result, other / ".git")


def test_alternates_pointing_outside_the_folder_are_refused(branch, tmp_path):
    other, secret = _other(branch, tmp_path)
    handed = tmp_path / "handed"
    git("clone", "-q", "--shared", str(other), str(handed), cwd=tmp_path)
    alternates = handed / ".git" / "objects" / "info" / "alternates"
    assert alternates.is_file()
    result = run_pw("verify", cwd=handed)
    _refused(result, other / ".git" / "objects")
    assert "alternates" in result.stderr and "repack" in result.stderr  # the way out
    # which works: the folder then holds its own objects
    git("repack", "-q", "-a", "-d", cwd=handed)
    alternates.unlink()
    ok(run_pw("verify", cwd=handed))
    assert secret in ok(run_pw("list", "--format", "json", cwd=handed)).stdout


def test_a_linked_worktree_and_a_plain_clone_still_work(branch, tmp_path):
    record = log_committee(branch)
    linked = tmp_path / "linked"
    git("worktree", "add", "-q", str(linked), "-b", "另一个工作区", cwd=branch)
    assert record in ok(run_pw("list", "--format", "json", cwd=linked)).stdout
    ok(run_pw("verify", cwd=linked))
    cloned = tmp_path / "cloned"
    git("clone", "-q", str(branch), str(cloned), cwd=tmp_path)  # hard links, no alternates
    ok(run_pw("verify", cwd=cloned))


# -- hooks ------------------------------------------------------------------------------------

HOOKS = (
    "pre-rebase",
    "post-rewrite",
    "post-checkout",
    "post-merge",
    "pre-push",
    "reference-transaction",
    "post-commit",
    "pre-auto-gc",
)


def _plant_hooks(root: Path, marker: Path) -> None:
    for name in HOOKS:
        install_hook(root, name, f"echo {name} >> '{marker}'\nexit 0\n")
    elsewhere = root.parent / f"{root.name}-hooks"
    elsewhere.mkdir()
    for name in HOOKS:
        hook = elsewhere / name
        hook.write_text(f"#!/bin/sh\necho hooksPath-{name} >> '{marker}'\n", encoding="utf-8")
        hook.chmod(0o755)


def test_sync_runs_none_of_the_repositorys_hooks(branch, tmp_path):
    """A fetch, a rebase onto the other clone's record and a push: a repository received from
    elsewhere runs no code on pw sync, neither from .git/hooks nor from core.hooksPath."""
    remote = tmp_path / "remote.git"
    git("init", "-q", "--bare", str(remote), cwd=tmp_path)
    git("remote", "add", "origin", str(remote), cwd=branch)
    ok(run_pw("sync", cwd=branch))
    second = tmp_path / "second"
    git("clone", "-q", str(remote), str(second), cwd=tmp_path)
    log_committee(second)
    ok(run_pw("sync", cwd=second))
    args = [a if a != "项目部会议室" else "二号会议室" for a in COMMITTEE_ARGS]
    ok(run_pw(*args, cwd=branch))
    marker = tmp_path / "hooks-ran"
    _plant_hooks(branch, marker)
    ok(run_pw("sync", cwd=branch))  # rebases onto the second clone's record, then pushes
    ok(run_pw("status", cwd=branch))
    assert not marker.exists(), marker.read_text()
    git("config", "core.hooksPath", str(tmp_path / "branch-hooks"), cwd=branch)
    ok(run_pw("sync", cwd=second))
    log_committee(second, env={})
    ok(run_pw("sync", cwd=second))
    ok(run_pw("sync", cwd=branch))  # a fast-forward this time
    assert not marker.exists(), marker.read_text()
    assert git("rev-parse", "HEAD", cwd=branch) == git("rev-parse", "HEAD", cwd=second)


# -- Markdown ---------------------------------------------------------------------------------


def test_markdown_keeps_no_image_or_link_from_record_text(branch):
    args = [
        *COMMITTEE_ARGS,
        "--title",
        "![](http://127.0.0.1:9/track.png)支委会[点此](http://x.example/)",
    ]
    ok(run_pw(*args, cwd=branch))
    md = ok(run_pw("report", "quarter", "2026Q3", "--format", "md", cwd=branch)).stdout
    assert "track.png" in md  # the text is shown …
    assert "![](" not in md and "](http" not in md  # … but is no image or link
    data = json.loads(ok(run_pw(*REPORT, cwd=branch)).stdout)  # JSON keeps the text as typed
    assert any(
        "![](http://127.0.0.1:9/track.png)" in json.dumps(m, ensure_ascii=False)
        for m in data["meetings"]
    )
