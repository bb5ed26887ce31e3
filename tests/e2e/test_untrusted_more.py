"""Issue 12, second round: what a tester found past the first fixes, each attack first. A folder
someone else prepared runs nothing (submodules, upload-pack), deletes nothing (a planted journal),
hides nothing behind stat settings, fetches nothing (partial clones), hangs on nothing (pipes,
devices), reads or writes nothing outside itself (.pw, templates), and -o never replaces what is
not a plain file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from conftest import git, log_committee, ok, run_pw
from test_untrusted import _evil_script

REPORT = ("report", "quarter", "2026Q3", "--format", "json")


def test_a_submodules_own_filter_never_runs(branch, tmp_path):
    log_committee(branch)
    script, marker = _evil_script(tmp_path)
    sub = tmp_path / "sub"
    sub.mkdir()
    git("init", "-q", cwd=sub)
    (sub / "a").write_text("a\n", encoding="utf-8")
    (sub / ".gitattributes").write_text("* filter=x\n", encoding="utf-8")
    git("add", ".", cwd=sub)
    git("commit", "-qm", "s", cwd=sub)
    git(
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        str(sub),
        "records/sub",
        cwd=branch,
    )
    git("commit", "-qm", "sub", cwd=branch)
    git("config", "filter.x.clean", str(script), cwd=branch / "records" / "sub")
    os.utime(branch / "records" / "sub" / "a", (1577836800, 1577836800))
    for args in (REPORT, ("audit",), ("verify",), ("status",)):
        run_pw(*args, cwd=branch)
    assert not marker.exists()


def test_a_repositorys_upload_pack_never_runs(branch, tmp_path):
    script, marker = _evil_script(tmp_path)
    remote = tmp_path / "remote.git"
    git("init", "-q", "--bare", str(remote), cwd=tmp_path)
    git("remote", "add", "origin", str(remote), cwd=branch)
    git("config", "remote.origin.uploadpack", f"{script}; git-upload-pack", cwd=branch)
    git("config", "remote.origin.receivepack", f"{script}; git-receive-pack", cwd=branch)
    run_pw("status", cwd=branch)
    run_pw("sync", cwd=branch)
    assert not marker.exists()


def test_a_planted_journal_deletes_nothing(branch, tmp_path):
    victim = tmp_path / "victim"
    victim.write_text("precious", encoding="utf-8")
    journal = {
        "paths": ["records/2026/2026-07-09-committee-junk.yaml", str(victim)],
        "new": [str(victim)],
        "pid": 1,
        "started": "x",
    }
    (branch / ".git" / "pw-journal.json").write_text(json.dumps(journal), encoding="utf-8")
    ok(run_pw("member", "add", "赵六", "--group", "g1", "--joined", "2026-01-01", cwd=branch))
    from partywork.storage.userdirs import folder_key, state_home

    own = state_home() / "journals" / f"{folder_key(branch / '.git', branch)}.json"
    own.parent.mkdir(parents=True, exist_ok=True)
    own.write_text(
        json.dumps(journal), encoding="utf-8"
    )  # even in pw's own place: not a path pw writes
    ok(run_pw("member", "add", "赵七", "--group", "g1", "--joined", "2026-01-01", cwd=branch))
    assert victim.read_text(encoding="utf-8") == "precious"


def test_an_edit_hidden_by_stat_settings_is_seen(branch, tmp_path):
    record = log_committee(branch)
    git("config", "core.checkStat", "minimal", cwd=branch)
    git("config", "core.trustctime", "false", cwd=branch)
    git("update-index", "--really-refresh", cwd=branch)
    time.sleep(1.1)  # not racily clean: git would look at the content of a file as new as its index
    os.utime(branch / ".git" / "index", None)
    path = branch / "records" / "2026" / f"{record}.yaml"
    before = path.stat()
    text = path.read_text(encoding="utf-8").replace("出差", "开会")
    assert len(text.encode()) == before.st_size
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    findings = json.loads(ok(run_pw("audit", "--format", "json", cwd=branch)).stdout)["findings"]
    assert any(
        f["code"] == "OUTSIDE" and f["record"] == record and f["commit"] is None for f in findings
    )
    assert run_pw("verify", cwd=branch).returncode == 1


def test_a_partial_clone_is_refused_before_it_fetches(branch):
    git("config", "core.repositoryformatversion", "1", cwd=branch)
    git("config", "extensions.partialClone", "origin", cwd=branch)
    git("remote", "add", "origin", "ssh://attacker.invalid/x", cwd=branch)
    result = run_pw("audit", cwd=branch)
    assert result.returncode == 78 and "partialclone" in result.stderr.lower()


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_pipe_or_device_named_like_a_record_is_not_read(branch, kind):
    target = branch / "records" / "2026" / "2026-07-06-committee-fifo.yaml"
    target.parent.mkdir(exist_ok=True)
    if kind == "fifo":
        os.mkfifo(target)
    else:
        if os.geteuid() != 0:
            pytest.skip("making a device node needs root")
        os.mknod(target, 0o600 | 0o020000, os.makedev(1, 5))  # /dev/zero
    for args in (("list",), ("check",), REPORT):
        result = run_pw(*args, cwd=branch, timeout=20)
        assert "Traceback" not in result.stderr
    assert "2026-07-06-committee-fifo" in run_pw("check", cwd=branch, timeout=20).stdout


def test_drafts_and_templates_stay_inside_the_repository(branch, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (branch / ".pw").mkdir(exist_ok=True)
    os.symlink(outside, branch / ".pw" / "drafts")
    secret = tmp_path / "secret.yaml"
    secret.write_text("# 秘密：不应出现\nplace: 秘密地点\n", encoding="utf-8")
    (branch / "templates" / "zh").mkdir(parents=True)
    os.symlink(secret, branch / "templates" / "zh" / "meeting.yaml")
    editor = tmp_path / "editor.sh"
    editor.write_text(f'#!/bin/sh\ncp "$1" "{tmp_path}/seen.yaml"\n', encoding="utf-8")
    editor.chmod(0o755)
    result = subprocess.run(
        [
            "script",
            "-qec",
            f"{sys.executable} -m partywork log meeting --kind committee",
            "/dev/null",
        ],
        cwd=branch,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "EDITOR": str(editor), "PW_REOPEN": "0"},
    )
    assert "Traceback" not in result.stdout + result.stderr
    assert list(outside.iterdir()) == []
    seen = tmp_path / "seen.yaml"
    assert not seen.exists() or "秘密" not in seen.read_text(encoding="utf-8")


@pytest.mark.parametrize("target", ["link", "fifo", "empty", "records"])
def test_o_never_replaces_what_is_not_a_plain_file(branch, tmp_path, target):
    log_committee(branch)
    if target == "link":
        (tmp_path / "t").write_text("keep", encoding="utf-8")
        os.symlink(tmp_path / "t", tmp_path / "l")
        out = str(tmp_path / "l")
    elif target == "fifo":
        os.mkfifo(tmp_path / "f")
        out = str(tmp_path / "f")
    elif target == "empty":
        out = ""
    else:
        out = "records/pw.yaml"
    settings = (branch / "records" / "pw.yaml").read_bytes()
    result = run_pw("report", "quarter", "2026Q3", "--format", "csv", "-o", out, cwd=branch)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert (branch / "records" / "pw.yaml").read_bytes() == settings
    if target == "link":
        assert (tmp_path / "l").is_symlink()


def test_a_void_without_a_reason_writes_nothing(branch):
    record = log_committee(branch)
    head = git("rev-parse", "HEAD", cwd=branch)
    assert run_pw("void", record, "--reason", " ", cwd=branch).returncode == 2
    assert git("rev-parse", "HEAD", cwd=branch) == head


def test_an_unreachable_remote_is_an_io_error_not_a_bug(branch):
    git("remote", "add", "origin", "/nonexistent/remote.git", cwd=branch)
    for args in (("sync",), ("status",)):
        result = run_pw(*args, cwd=branch)
        assert (
            result.returncode == 74
            and "Traceback" not in result.stderr
            and "git remote -v" in result.stderr
        )


def test_an_empty_today_is_a_usage_error(branch):
    assert run_pw("--today", "", "status", cwd=branch, today=None).returncode == 2
