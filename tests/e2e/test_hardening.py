"""RELIABILITY.md's test plan, the rows not covered elsewhere: crash points for every write,
Ctrl-C, a live git holding the index, a full disk (real and injected), encodings rewritten,
symlinks, case, signing by the user's own git settings, and the yaml-test-suite when present."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import COMMITTEE_ARGS, git, log_committee, ok, run_pw
from partywork.storage.yamlio import parse


def invariants(root: Path) -> None:
    """Nothing lost: fsck clean, no lock or journal left, records/ as committed, every record
    readable."""
    subprocess.run(
        ["git", "fsck", "--full", "--no-progress"], cwd=root, check=True, capture_output=True
    )
    assert not (root / ".git" / "index.lock").exists()
    assert not list(Path(os.environ["XDG_STATE_HOME"]).glob("partywork/journals/*.json"))
    assert git("status", "--porcelain", "--", "records", cwd=root) == ""
    assert not list((root / "records").rglob(".pw-tmp-*"))
    for path in (root / "records").rglob("*.yaml"):
        assert parse(path.read_bytes(), str(path))[0] is not None


COMMANDS = {
    "log": lambda rid: COMMITTEE_ARGS,
    "edit": lambda rid: ["edit", rid, "--set", "place=党员活动室", "--reason", "更正地点"],
    "void": lambda rid: ["void", rid, "--reason", "重复录入"],
}


@pytest.mark.parametrize("point", ["after_journal", "after_write", "after_add", "after_commit"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_crash_point_matrix(branch, command, point):
    """C1: every write killed at every point: the record is at the old version or the new one,
    never torn, and the next write recovers."""
    record = log_committee(branch)
    path = branch / "records" / "2026" / f"{record}.yaml"
    old = path.read_bytes()
    head = git("rev-parse", "HEAD", cwd=branch)
    crashed = run_pw(*COMMANDS[command](record), cwd=branch, env={"PW_TEST_CRASHPOINT": point})
    assert crashed.returncode == -signal.SIGKILL
    ok(
        run_pw(
            "log",
            "meeting",
            "--kind",
            "committee",
            "--date",
            "2026-07-20",
            "--place",
            "会议室",
            "--host",
            "王伟",
            "--recorder",
            "李芳",
            "--attendees",
            "王伟,李芳,张强",
            "--topic",
            "下一次",
            "--minutes",
            "记录。",
            cwd=branch,
        )
    )
    invariants(branch)
    committed = point == "after_commit"
    new_commits = git("rev-list", f"{head.strip()}..HEAD", cwd=branch).split()
    assert len(new_commits) == (2 if committed else 1)
    if command != "log":
        assert (path.read_bytes() != old) == committed


@pytest.mark.parametrize("command", ["log", "edit"])
def test_ctrl_c_rolls_back_with_exit_130(branch, command):
    """C3: Ctrl-C during the write: exit 130, no traceback, the tree as HEAD has it."""
    record = log_committee(branch)
    head = git("rev-parse", "HEAD", cwd=branch)
    result = run_pw(
        *COMMANDS[command](record), cwd=branch, env={"PW_TEST_CRASHPOINT": "interrupt:after_add"}
    )
    assert result.returncode == 130 and "Traceback" not in result.stderr
    assert git("rev-parse", "HEAD", cwd=branch) == head
    invariants(branch)
    assert git("status", "--porcelain", cwd=branch) == ""


@pytest.mark.parametrize("command", ["log", "edit"])
def test_ctrl_c_after_git_moved_head_keeps_the_whole_commit(branch, command):
    """Ctrl-C in the instant after the commit landed: exit 130, the commit stays, and the index
    matches it (no staged deletion of the file just committed)."""
    record = log_committee(branch)
    head = git("rev-parse", "HEAD", cwd=branch)
    result = run_pw(
        *COMMANDS[command](record), cwd=branch, env={"PW_TEST_CRASHPOINT": "interrupt:after_ref"}
    )
    assert result.returncode == 130 and "Traceback" not in result.stderr
    assert git("rev-parse", "HEAD~1", cwd=branch) == head
    invariants(branch)
    assert git("status", "--porcelain", cwd=branch) == ""


def test_a_live_git_holding_the_index_is_named(branch):
    """C5: another process holds .git/index.lock: pw waits, then exits 75 naming it."""
    lock = branch / ".git" / "index.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c", f"f = open({str(lock)!r}, 'w'); import time; time.sleep(30)"]
    )
    try:
        deadline = time.monotonic() + 10
        while not lock.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        result = run_pw(*COMMANDS["log"](""), cwd=branch)
        assert result.returncode == 75 and str(holder.pid) in result.stderr
        assert not (branch / "records" / "2026").exists()
    finally:
        holder.kill()
        holder.wait()
        lock.unlink(missing_ok=True)


def _injected(monkeypatch, name: str, fail_at: int) -> None:
    import partywork.storage.fsutil as fsutil

    real = getattr(os, name)
    calls = {"n": 0}

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == fail_at:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(fsutil.os, name, failing)


@pytest.mark.parametrize("name", ["fsync", "replace"])
@pytest.mark.parametrize("fail_at", [1, 2, 3, 4])
def test_injected_disk_full_changes_nothing(branch, monkeypatch, name, fail_at):
    """C8: the n-th fsync or rename fails with ENOSPC: exit 74, the record byte-identical, no temp
    file, or (once n passes the number of calls) the edit simply succeeds."""
    from partywork.app.main import app

    record = log_committee(branch)
    path = branch / "records" / "2026" / f"{record}.yaml"
    old = path.read_bytes()
    with pytest.MonkeyPatch.context() as injected:  # undone alone: the test's own environment stays
        _injected(injected, name, fail_at)
        result = CliRunner().invoke(
            app, ["--repo", str(branch), "--today", "2026-11-26", *COMMANDS["edit"](record)]
        )
    assert result.exit_code in (0, 74), result.output
    if result.exit_code == 74:
        assert path.read_bytes() == old and (record in result.stderr or "journals" in result.stderr)
    invariants(branch)


def test_a_full_tmpfs(tmp_path):
    """C7: a real full disk (needs root and mount; skipped otherwise): exit 74, nothing changed."""
    mount = tmp_path / "small"
    mount.mkdir()
    if (
        os.geteuid() != 0
        or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True
        ).returncode
        != 0
    ):
        pytest.skip("cannot mount a tmpfs here")
    try:
        root = mount / "branch"
        ok(run_pw("init", str(root), "--branch", "小磁盘党支部", cwd=tmp_path))
        ok(run_pw("member", "add", "王伟", "--joined", "2026-01-01", cwd=root))
        ballast = mount / "ballast"
        with open(ballast, "wb") as handle:
            try:
                while True:
                    handle.write(b"\0" * 65536)
                    handle.flush()
            except OSError:
                pass
        before = (root / "records" / "members.yaml").read_bytes()
        result = run_pw("member", "add", "李芳", "--joined", "2026-01-01", cwd=root)
        assert result.returncode == 74 and "Traceback" not in result.stderr
        assert (root / "records" / "members.yaml").read_bytes() == before
        assert not list((root / "records").rglob(".pw-tmp-*"))
        ballast.unlink()
        assert git("status", "--porcelain", "--", "records", cwd=root) == ""
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True)


def test_bom_and_crlf_are_read_then_rewritten_plain(branch):
    """Y8: a record saved with a BOM and CRLF reads fine; pw's next write is UTF-8 without BOM, LF
    only."""
    record = log_committee(branch)
    path = branch / "records" / "2026" / f"{record}.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    git("commit", "-qam", "用 Windows 记事本保存", cwd=branch)
    ok(run_pw("check", cwd=branch))
    ok(run_pw("edit", record, "--set", "place=党员活动室", "--reason", "更正地点", cwd=branch))
    data = path.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r\n" not in data


def test_a_symlinked_record_is_refused(branch, tmp_path):
    """P2: a record that is a symlink is never read or written through."""
    record = log_committee(branch)
    path = branch / "records" / "2026" / f"{record}.yaml"
    outside = tmp_path / "outside.yaml"
    outside.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(outside)
    before = outside.read_bytes()
    result = run_pw("edit", record, "--set", "place=别处", "--reason", "试试", cwd=branch)
    assert result.returncode == 65 and "符号链接" in result.stderr
    assert outside.read_bytes() == before
    assert "SYMLINK" in run_pw("check", cwd=branch).stdout


def test_ids_are_lowercase_only(branch):
    """P3: ids are lowercase ASCII, so no two can differ only by case or normalisation."""
    record = log_committee(branch)
    assert run_pw("show", record.upper(), cwd=branch).returncode == 65
    assert run_pw("show", record.replace("committee", "commıttee"), cwd=branch).returncode == 65


def test_the_users_own_signing_setting_applies(branch, tmp_path):
    """S5: pw commits with porcelain git, so commit.gpgsign in the user's config signs pw's
    commits."""
    key = tmp_path / "key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    for k, v in (("gpg.format", "ssh"), ("user.signingkey", str(key)), ("commit.gpgsign", "true")):
        git("config", k, v, cwd=branch)
    log_committee(branch)
    assert "gpgsig" in git("cat-file", "-p", "HEAD", cwd=branch)


def test_yaml_test_suite():
    """Y1: every case of the yaml-test-suite loads or gives pw's own problem, quickly. The corpus is
    not shipped: set PW_YTS_DIR to a checkout of its data release."""
    corpus = os.environ.get("PW_YTS_DIR")
    if not corpus or not Path(corpus).is_dir():
        pytest.skip("PW_YTS_DIR not set")
    for case in sorted(Path(corpus).glob("*/in.yaml")) + sorted(Path(corpus).glob("*/*/in.yaml")):
        started = time.monotonic()
        doc, problems = parse(case.read_bytes(), str(case))
        assert doc is not None or problems
        assert time.monotonic() - started < 1, case
