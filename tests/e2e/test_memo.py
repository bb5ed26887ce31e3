"""A finished report is kept (memo.py) and served again only while the repository is as it was.

Each test first proves the kept copy is really served — it plants a marker in it, and the next
run prints the marker — then makes one change, and checks the report is made afresh: no marker,
and the same text as a run with the whole cache deleted."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from conftest import COMMITTEE_ARGS, git, log_committee, ok, run_pw
from partywork.storage.userdirs import repo_cache, seal, unseal

PLANTED = '{"planted": "备忘里的报表"}\n'


def report(root: Path) -> str:
    return ok(run_pw("report", "quarter", "2026Q3", "--format", "json", cwd=root)).stdout


def age_folders(root: Path) -> None:
    """The record folders were last changed a minute ago (a memo is not kept within seconds of a
    change to them: a change in the same clock tick would not move their mtime), and git's index
    knows the files' stat data (the fixture is a copied folder; any `git status` does this)."""
    git("update-index", "-q", "--refresh", cwd=root)
    past = time.time() - 60
    for folder in [root / "records", *(p for p in (root / "records").iterdir() if p.is_dir())]:
        os.utime(folder, (past, past))


def kept(root: Path) -> Path:
    """The user's cache folder of this repository (userdirs.py): pw keeps nothing in the folder."""
    return repo_cache(Path(git("rev-parse", "--absolute-git-dir", cwd=root).strip()), root)


def plant(root: Path) -> None:
    """A marker in place of the kept report, sealed as pw seals it (a file whose digest does not
    match is ignored: see test_a_damaged_memo_is_ignored)."""
    memos = list((kept(root) / "reports").glob("*.memo"))
    assert len(memos) == 1
    header = unseal(memos[0].read_bytes()).partition(b"\n")[0]
    memos[0].write_bytes(seal(header + b"\n" + PLANTED.encode("utf-8")))


def served_until(root: Path, change) -> str:
    """The kept report is served while nothing changes; after `change` the report is made afresh."""
    age_folders(root)
    report(root)
    plant(root)
    assert report(root) == PLANTED
    change()
    after = report(root)
    assert "planted" not in after
    shutil.rmtree(kept(root))
    assert report(root) == after
    return after


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_hand_edit_in_the_period(branch):
    record = log_committee(branch)
    path = branch / "records" / "2026" / f"{record}.yaml"
    after = served_until(branch, lambda: edit(path, "  - 李芳\n", ""))
    assert json.loads(after)["uncommitted"] is True


def test_a_hand_edit_years_before(branch):
    """Older years reach the report only through their open actions; an edit there still counts."""
    args = [
        {
            "2026-07-03": "2025-06-10",
            "完善安全生产责任清单|张强|2026-08-31": "完善安全生产责任清单|张强|2025-09-30",
        }.get(a, a)
        for a in COMMITTEE_ARGS
    ]
    record = ok(run_pw(*args, cwd=branch)).stdout.strip()
    log_committee(branch)
    assert json.loads(report(branch))["overdue_before"] == 1
    path = branch / "records" / "2025" / f"{record}.yaml"
    after = served_until(branch, lambda: edit(path, "2025-09-30", "2026-12-31"))
    assert json.loads(after)["overdue_before"] == 0


def test_a_new_file_not_yet_added(branch):
    record = log_committee(branch)
    source = branch / "records" / "2026" / f"{record}.yaml"
    copy = branch / "records" / "2026" / "2026-07-20-committee-zz99.yaml"
    after = served_until(
        branch,
        lambda: copy.write_text(
            source.read_text(encoding="utf-8")
            .replace(record, "2026-07-20-committee-zz99")
            .replace("2026-07-03", "2026-07-20"),
            encoding="utf-8",
        ),
    )
    assert "2026-07-20-committee-zz99" in after


def test_a_staged_change(branch):
    record = log_committee(branch)
    path = branch / "records" / "2026" / f"{record}.yaml"

    def stage() -> None:
        edit(path, "  - 李芳\n", "")
        git("add", str(path), cwd=branch)

    assert json.loads(served_until(branch, stage))["uncommitted"] is True


def test_a_new_commit(branch):
    log_committee(branch)
    after = served_until(branch, lambda: log_committee(branch))
    assert len(json.loads(after)["meetings"]) == 2


def test_a_branch_switch(branch):
    record = log_committee(branch)
    git("checkout", "-q", "-b", "另一版本", cwd=branch)
    edit(branch / "records" / "2026" / f"{record}.yaml", "  - 李芳\n", "")
    git("commit", "-qam", "另一版本", cwd=branch)
    git("checkout", "-q", "main", cwd=branch)
    served_until(branch, lambda: git("checkout", "-q", "另一版本", cwd=branch))


def test_a_pull(branch, tmp_path):
    log_committee(branch)
    other = tmp_path / "other"
    git("clone", "-q", str(branch), str(other), cwd=tmp_path)
    log_committee(other)
    served_until(branch, lambda: git("pull", "-q", "--ff-only", str(other), "HEAD", cwd=branch))


def test_pw_sync(branch, tmp_path):
    remote = tmp_path / "remote.git"
    git("init", "-q", "--bare", str(remote), cwd=tmp_path)
    git("remote", "add", "origin", str(remote), cwd=branch)
    log_committee(branch)
    ok(run_pw("sync", cwd=branch))
    other = tmp_path / "other"
    git("clone", "-q", str(remote), str(other), cwd=tmp_path)
    log_committee(other)
    ok(run_pw("sync", cwd=other))
    after = served_until(branch, lambda: ok(run_pw("sync", cwd=branch)))
    assert len(json.loads(after)["meetings"]) == 2


def test_closing_the_period(branch):
    log_committee(branch)
    served_until(branch, lambda: ok(run_pw("close", "2026Q3", cwd=branch)))


def test_kept_reports_stay_out_of_git(branch):
    log_committee(branch)
    age_folders(branch)
    report(branch)
    assert list((kept(branch) / "reports").glob("*.memo"))
    assert not (branch / ".pw" / "cache").exists()
    assert git("status", "--porcelain", "--untracked-files=all", cwd=branch) == ""


@pytest.mark.parametrize(
    "request_change", [("--lang", "en"), ("--today", "2026-11-27"), ("--format", "csv")]
)
def test_another_request_is_another_report(branch, request_change):
    log_committee(branch)
    age_folders(branch)
    report(branch)
    plant(branch)
    option, value = request_change
    extra = [option, value] if option != "--format" else []
    args = [
        *extra,
        "report",
        "quarter",
        "2026Q3",
        "--format",
        value if option == "--format" else "json",
    ]
    result = ok(run_pw(*args, cwd=branch, today=None if option == "--today" else "2026-11-26"))
    assert "planted" not in result.stdout


def test_a_branch_inside_a_larger_repository(tmp_path):
    """git reports paths from its top level; the records may sit in a folder below it."""
    top = tmp_path / "公司台账"
    import subprocess

    subprocess.run(["git", "init", "-q", str(top)], check=True)
    root = top / "一支部"
    ok(run_pw("init", str(root), "--branch", "第一党支部", cwd=top))
    for name in ("王伟", "李芳", "张强"):
        ok(run_pw("member", "add", name, "--joined", "2024-01-01", cwd=root))
    record = log_committee(root)
    served_until(root, lambda: edit(root / "records" / "2026" / f"{record}.yaml", "  - 李芳\n", ""))


def test_a_damaged_memo_is_ignored(branch):
    log_committee(branch)
    age_folders(branch)
    first = report(branch)
    memo = next((kept(branch) / "reports").glob("*.memo"))
    raw = memo.read_bytes()
    digest, _newline, rest = raw.partition(b"\n")
    header = rest.partition(b"\n")[0]
    memo.write_bytes(
        digest + b"\n" + header + b"\n" + PLANTED.encode("utf-8")
    )  # the digest no longer matches
    assert report(branch) == first


def test_the_code_fingerprint_covers_every_sub_package(tmp_path, monkeypatch):
    """A kept report is served only to the pw that made it: a change in any module of any
    sub-package (not just the top folder and render/) makes new reports."""
    import os

    from partywork.storage import memo

    for name in ("launch.py", "storage/memo.py", "analysis/report.py", "storage/git/gitio.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("", encoding="utf-8")
    monkeypatch.setattr(memo, "__file__", str(tmp_path / "storage" / "memo.py"))
    before = memo._code()
    for name in ("analysis/report.py", "storage/git/gitio.py", "launch.py"):
        os.utime(tmp_path / name, ns=(1, 1))
        after = memo._code()
        assert after != before, name
        before = after
