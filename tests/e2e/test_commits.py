"""How pw commits (gitio.Git.commit): its own tree commit, built from HEAD along the record's path,
must give exactly what `git commit -- <path>` would — in a branch kept inside a larger repository,
in a SHA-256 repository, next to someone's staged work — and must step aside for hooks."""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import COMMITTEE_ARGS, commits, files_of, git, install_hook, log_committee, ok, run_pw


def names(top: Path, commit: str) -> list[str]:
    return git(
        "-c", "core.quotepath=off", "show", "--name-only", "--format=", commit, cwd=top
    ).split()


def assert_clean_commit(top: Path, expected_path: str) -> None:
    assert files_of(top, "HEAD") == [expected_path]
    assert git("status", "--porcelain", cwd=top) == ""
    subprocess.run(
        ["git", "fsck", "--full", "--no-progress"], cwd=top, check=True, capture_output=True
    )
    # the index git would commit is the tree pw committed: nothing of git's own bookkeeping differs
    assert git("write-tree", cwd=top) == git("rev-parse", "HEAD^{tree}", cwd=top)


def test_the_commit_is_the_tree_git_would_build(branch):
    record = log_committee(branch)
    assert_clean_commit(branch, f"records/2026/{record}.yaml")
    assert (branch / "records" / "2026" / f"{record}.yaml").read_text(encoding="utf-8") == git(
        "show", f"HEAD:records/2026/{record}.yaml", cwd=branch
    )
    assert (
        git("reflog", "-1", "--format=%gs", cwd=branch)
        .strip()
        .startswith("commit: 记录 支委会 2026-07-03")
    )


def test_a_new_year_folder(branch):
    earlier = log_committee(branch)
    args = [
        {
            "2026-07-03": "2027-01-05",
            "完善安全生产责任清单|张强|2026-08-31": "完善责任清单|张强|2027-03-31",
        }.get(a, a)
        for a in COMMITTEE_ARGS
    ]
    record = ok(run_pw(*args, cwd=branch, today="2027-01-10")).stdout.strip()
    assert_clean_commit(branch, f"records/2027/{record}.yaml")
    assert git("ls-tree", "--name-only", "HEAD:records", cwd=branch).split() == [
        "2026",
        "2027",
        "members.yaml",
        "pw.yaml",
    ]
    assert git("ls-tree", "--name-only", "HEAD:records/2026", cwd=branch).split() == [
        f"{earlier}.yaml"
    ]


def test_a_branch_kept_inside_a_larger_repository(tmp_path):
    top = tmp_path / "公司台账"
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    (top / "说明.txt").write_text("各支部台账\n", encoding="utf-8")
    git("add", "说明.txt", cwd=top)
    git("commit", "-qm", "建立仓库", cwd=top)
    ok(run_pw("init", str(top / "一支部"), "--branch", "第一党支部", cwd=top))
    ok(
        run_pw(
            "member",
            "add",
            "王伟",
            "--joined",
            "2024-01-01",
            "--role",
            "secretary",
            cwd=top / "一支部",
        )
    )
    ok(run_pw("member", "add", "李芳", "--joined", "2024-01-01", cwd=top / "一支部"))
    (top / "说明.txt").write_text("各支部台账（修订中）\n", encoding="utf-8")
    git("add", "说明.txt", cwd=top)  # someone's staged work, not pw's to commit
    record = ok(
        run_pw(
            "log",
            "meeting",
            "--kind",
            "committee",
            "--date",
            "2026-07-03",
            "--place",
            "会议室",
            "--host",
            "王伟",
            "--recorder",
            "李芳",
            "--attendees",
            "王伟,李芳",
            "--topic",
            "学习",
            "--minutes",
            "王伟主持。",
            "--no-edit",
            cwd=top / "一支部",
        )
    ).stdout.strip()
    assert names(top, "HEAD") == [f"一支部/records/2026/{record}.yaml"]
    assert (
        git("-c", "core.quotepath=off", "diff", "--cached", "--name-only", cwd=top).strip()
        == "说明.txt"
    )
    assert git("show", "HEAD:说明.txt", cwd=top) == "各支部台账\n"


def test_a_sha256_repository(tmp_path):
    top = tmp_path / "branch"
    if subprocess.run(
        ["git", "init", "-q", "--object-format=sha256", str(top)], capture_output=True
    ).returncode:
        import pytest

        pytest.skip("this git cannot make SHA-256 repositories")
    ok(run_pw("init", str(top), "--branch", "第二党支部", cwd=tmp_path))
    ok(run_pw("member", "add", "王伟", "--joined", "2024-01-01", cwd=top))
    ok(run_pw("member", "add", "李芳", "--joined", "2024-01-01", cwd=top))
    record = ok(
        run_pw(
            "log",
            "meeting",
            "--kind",
            "general",
            "--date",
            "2026-07-03",
            "--place",
            "会议室",
            "--host",
            "王伟",
            "--recorder",
            "李芳",
            "--attendees",
            "王伟,李芳",
            "--topic",
            "学习",
            "--minutes",
            "王伟主持。",
            "--no-edit",
            cwd=top,
        )
    ).stdout.strip()
    assert len(git("rev-parse", "HEAD", cwd=top).strip()) == 64
    assert_clean_commit(top, f"records/2026/{record}.yaml")


def test_hooks_that_accept_still_run(branch):
    """With commit hooks present pw commits through porcelain git, so they run as the user
    expects."""
    install_hook(branch, "commit-msg", 'echo "Reviewed-by: 组织委员" >> "$1"\n')
    record = log_committee(branch)
    assert "Reviewed-by: 组织委员" in git("show", "-s", "--format=%B", "HEAD", cwd=branch)
    assert files_of(branch, "HEAD") == [f"records/2026/{record}.yaml"]


def test_a_refused_ref_update_changes_nothing(branch):
    """The last step of pw's own commit is a compare-and-swap of HEAD; when git refuses it (here a
    reference-transaction hook, in life another writer moving HEAD), nothing is left behind."""
    install_hook(
        branch,
        "reference-transaction",
        '[ "$1" = prepared ] && { echo "不许更新" >&2; exit 1; }\nexit 0\n',
    )
    before = commits(branch)
    result = run_pw(*COMMITTEE_ARGS, cwd=branch)
    assert result.returncode in (75, 78) and "Traceback" not in result.stderr
    assert commits(branch) == before
    assert git("status", "--porcelain", "--untracked-files=all", cwd=branch) == ""


def test_loose_objects_get_packed_as_git_commit_would(branch):
    """pw's own commit runs `git gc --auto` when loose objects pile up, judged as git judges it:
    by the objects in folder 17 against gc.auto/256."""
    import hashlib

    git(
        "config", "gc.auto", "300", cwd=branch
    )  # threshold: more than 2 loose objects in .git/objects/17
    git("config", "gc.autoDetach", "false", cwd=branch)
    made, n = 0, 0
    while made < 4:
        body = f"填充对象 {n}\n".encode()
        n += 1
        if hashlib.sha1(b"blob %d\0" % len(body) + body).hexdigest().startswith("17"):
            subprocess.run(
                ["git", "hash-object", "-w", "--stdin"],
                input=body,
                cwd=branch,
                check=True,
                capture_output=True,
            )
            made += 1
    assert not list((branch / ".git" / "objects" / "pack").glob("*.pack"))
    log_committee(branch)
    # the records' objects are packed (the unreachable fillers stay loose until they are old)
    assert list((branch / ".git" / "objects" / "pack").glob("*.pack"))
