"""pw sync and pw status against real remotes: a bare repository on disk and `git daemon` on
loopback, both started by the tests. And the supervisor's report across branches."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from conftest import COMMITTEE_ARGS, git, ok, run_pw


def log(root: Path, day: str, place: str) -> str:
    args = [a if a != "2026-07-03" else day for a in COMMITTEE_ARGS]
    args = [a if a != "项目部会议室" else place for a in args]
    return ok(run_pw(*args, cwd=root)).stdout.strip()


def snapshot(root: Path) -> tuple:
    files = {
        p.relative_to(root).as_posix(): p.read_bytes() for p in (root / "records").rglob("*.yaml")
    }
    return git("rev-parse", "HEAD", cwd=root), git("status", "--porcelain", cwd=root), files


@pytest.fixture
def bare(branch, tmp_path) -> tuple[Path, Path]:
    """A branch whose records were pushed to an empty bare repository by pw sync."""
    remote = tmp_path / "remote.git"
    git("init", "-q", "--bare", str(remote), cwd=tmp_path)
    git("remote", "add", "origin", str(remote), cwd=branch)
    ok(run_pw("sync", cwd=branch))
    return branch, remote


def clone(url: str, dest: Path) -> Path:
    git("clone", "-q", url, str(dest), cwd=dest.parent)
    return dest


def two_clones_meet(first: Path, second: Path) -> None:
    a = log(first, "2026-07-03", "一号会议室")
    b = log(second, "2026-07-10", "二号会议室")
    ok(run_pw("sync", cwd=first))
    ok(run_pw("sync", cwd=second))
    ok(run_pw("sync", cwd=first))
    assert git("rev-parse", "HEAD", cwd=first) == git("rev-parse", "HEAD", cwd=second)
    assert git("rev-list", "--merges", "HEAD", cwd=first) == ""  # linear
    for root in (first, second):
        names = {p.stem for p in (root / "records" / "2026").glob("*.yaml")}
        assert {a, b} <= names
    subjects = git("log", "--format=%(trailers:key=Pw-Record,valueonly)", "-2", cwd=first).split()
    assert sorted(subjects) == sorted([a, b])


def test_two_clones_through_a_bare_repository(bare, tmp_path):
    first, remote = bare
    second = clone(str(remote), tmp_path / "second")
    git("config", "pull.ff", "only", cwd=second)  # the user's pull settings do not matter
    git("config", "pull.rebase", "true", cwd=first)
    two_clones_meet(first, second)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def daemon(tmp_path):
    base = tmp_path / "served"
    base.mkdir()
    port = _free_port()
    proc = subprocess.Popen(
        [
            "git",
            "daemon",
            "--reuseaddr",
            f"--base-path={base}",
            "--export-all",
            "--enable=receive-pack",
            "--listen=127.0.0.1",
            f"--port={port}",
            str(base),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    yield base, f"git://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=10)


def test_two_clones_through_git_daemon_on_loopback(branch, daemon, tmp_path):
    base, url = daemon
    git("init", "-q", "--bare", str(base / "branch.git"), cwd=tmp_path)
    git("remote", "add", "origin", f"{url}/branch.git", cwd=branch)
    ok(run_pw("sync", cwd=branch))
    second = clone(f"{url}/branch.git", tmp_path / "second")
    two_clones_meet(branch, second)


def test_empty_remote_and_another_branch_name(branch, tmp_path):
    git("branch", "-m", "台账", cwd=branch)
    remote = tmp_path / "remote.git"
    git("init", "-q", "--bare", str(remote), cwd=tmp_path)
    git("remote", "add", "origin", str(remote), cwd=branch)
    ok(run_pw("sync", cwd=branch))
    assert git("rev-parse", "refs/heads/台账", cwd=remote) == git("rev-parse", "HEAD", cwd=branch)


def test_the_same_record_edited_on_both_sides(bare, tmp_path):
    first, remote = bare
    record = log(first, "2026-07-03", "一号会议室")
    ok(run_pw("sync", cwd=first))
    second = clone(str(remote), tmp_path / "second")
    ok(run_pw("edit", record, "--set", "place=党员活动室", "--reason", "更正地点", cwd=first))
    ok(run_pw("sync", cwd=first))
    ok(run_pw("edit", record, "--set", "place=三号会议室", "--reason", "更正地点", cwd=second))
    before = snapshot(second)
    result = run_pw("sync", cwd=second)
    assert result.returncode == 65
    assert record in result.stderr and f"records/2026/{record}.yaml" in result.stderr
    assert snapshot(second) == before
    assert (
        not (second / ".git" / "rebase-merge").exists()
        and not (second / ".git" / "rebase-apply").exists()
    )
    assert "<<<<<<<" not in (second / "records" / "2026" / f"{record}.yaml").read_text(
        encoding="utf-8"
    )


def test_a_remote_moved_back_is_refused(bare):
    first, remote = bare
    for day in ("2026-07-03", "2026-07-10", "2026-07-17"):
        log(first, day, "会议室")
    ok(run_pw("sync", cwd=first))
    git("update-ref", "refs/heads/main", "HEAD~2", cwd=remote)
    before = snapshot(first)
    result = run_pw("sync", cwd=first)
    assert result.returncode == 1 and "REWRITTEN" in result.stderr
    assert snapshot(first) == before
    assert git("rev-parse", "refs/heads/main", cwd=remote) != git(
        "rev-parse", "HEAD", cwd=first
    )  # no force-push


def test_a_close_tag_deleted_on_the_remote_is_refused(bare):
    first, remote = bare
    log(first, "2026-07-03", "会议室")
    ok(run_pw("close", "2026Q3", cwd=first))
    ok(run_pw("sync", cwd=first))
    assert git("tag", "-l", cwd=remote).split() == ["pw/closed/2026Q3"]
    git("tag", "-d", "pw/closed/2026Q3", cwd=remote)
    result = run_pw("sync", cwd=first)
    assert (
        result.returncode == 1
        and "REWRITTEN" in result.stderr
        and "pw/closed/2026Q3" in result.stderr
    )


def test_status_shows_an_unpushed_commit(bare, tmp_path):
    first, remote = bare
    data = json.loads(ok(run_pw("status", "--format", "json", cwd=first)).stdout)
    assert data["unpushed"] == [] and data["unpulled"] == 0
    record = log(first, "2026-07-03", "会议室")
    data = json.loads(ok(run_pw("status", "--format", "json", cwd=first)).stdout)
    assert (
        len(data["unpushed"]) == 1
        and "2026-07-03" in data["unpushed"][0]
        and record.startswith("2026-07-03")
    )
    assert "未推送的提交：1" in ok(run_pw("status", cwd=first)).stdout
    second = clone(str(remote), tmp_path / "second")
    ok(run_pw("sync", cwd=first))
    assert json.loads(ok(run_pw("status", "--format", "json", cwd=second)).stdout)["unpulled"] == 1


def test_status_is_quiet_without_a_remote_and_sync_says_why(branch):
    result = ok(run_pw("status", cwd=branch))
    assert result.stdout == "" and result.stderr == ""
    refused = run_pw("sync", cwd=branch)
    assert refused.returncode == 78 and "git remote add" in refused.stderr


def test_fleet_report_over_three_branches(branch_template, tmp_path):
    repos = []
    for i, place in enumerate(("一号", "二号", "三号")):
        root = tmp_path / f"branch{i}"
        shutil.copytree(branch_template, root)
        settings = root / "records" / "pw.yaml"
        settings.write_text(
            settings.read_text(encoding="utf-8").replace(
                "测试项目部党支部", f"第{i + 1}项目部党支部"
            ),
            encoding="utf-8",
        )
        git("commit", "-qam", "改名", cwd=root)
        for day in ("03", "13", "23")[: i + 1]:
            log(root, f"2026-07-{day}", place)
        repos += ["--repo", str(root)]
    data = json.loads(
        ok(run_pw(*repos, "report", "quarter", "2026Q3", "--format", "json", cwd=tmp_path)).stdout
    )
    assert data["schema"] == "pw.fleet/1" and data["period"]["label"] == "2026Q3"
    assert [b["branch"] for b in data["branches"]] == [
        "第1项目部党支部",
        "第2项目部党支部",
        "第3项目部党支部",
    ]
    committee = [
        next(r for r in b["report"]["compliance"] if r["rule"] == "committee")["held"]
        for b in data["branches"]
    ]
    assert committee == [1, 2, 3]
    assert all(b["report"]["schema"] == "pw.report/1" for b in data["branches"])
    for fmt, marker in (
        ("md", "第3项目部党支部"),
        ("csv", "branch,repo,rules_met"),
        ("html", "<svg"),
    ):
        text = ok(
            run_pw(*repos, "report", "quarter", "2026Q3", "--format", fmt, cwd=tmp_path)
        ).stdout
        assert marker in text and text.count("第2项目部党支部") >= 2
    assert run_pw(*repos, "list", cwd=tmp_path).returncode == 2


def test_audit_sees_shared_history_dropped_locally(bare):
    """The remote tip pw sync last saw must stay on a local branch; looking at an old commit is
    fine."""
    branch, _remote = bare
    log(branch, "2026-07-03", "一号会议室")
    ok(run_pw("sync", cwd=branch))

    def rewritten() -> list[dict]:
        findings = json.loads(ok(run_pw("audit", "--format", "json", cwd=branch)).stdout)[
            "findings"
        ]
        return [f for f in findings if f["code"] == "REWRITTEN"]

    assert rewritten() == []
    git("checkout", "-q", "--detach", "HEAD~1", cwd=branch)
    assert rewritten() == []
    git("checkout", "-q", "-", cwd=branch)
    git("reset", "-q", "--hard", "HEAD~1", cwd=branch)
    found = rewritten()
    assert len(found) == 1 and found[0]["commit"][:10] in found[0]["message"]
    result = run_pw("verify", cwd=branch)
    assert result.returncode == 1 and "REWRITTEN" in result.stdout + result.stderr
