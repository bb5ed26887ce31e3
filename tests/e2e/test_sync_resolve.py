"""Issue 14 scope 1: identical content syncs; a real conflict is settled with `pw resolve`."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import git, ok, run_pw, trailers
from test_sync import clone, log


@pytest.fixture
def pair(branch, tmp_path) -> tuple[Path, Path]:
    """A branch whose records were pushed to an empty bare repository by pw sync."""
    remote = tmp_path / "remote.git"
    git("init", "-q", "--bare", str(remote), cwd=tmp_path)
    git("remote", "add", "origin", str(remote), cwd=branch)
    ok(run_pw("sync", cwd=branch))
    return branch, remote


def _diverge(bare_pair, tmp_path) -> tuple[Path, Path, str]:
    first, remote = bare_pair
    record = log(first, "2026-07-03", "一号会议室")
    ok(run_pw("sync", cwd=first))
    second = clone(str(remote), tmp_path / "second")
    ok(run_pw("edit", record, "--set", "place=党员活动室", "--reason", "更正地点", cwd=first))
    ok(run_pw("sync", cwd=first))
    return first, second, record


def _one_history(first: Path, second: Path) -> None:
    ok(run_pw("sync", cwd=first))
    assert git("rev-parse", "HEAD", cwd=first) == git("rev-parse", "HEAD", cwd=second)
    assert git("rev-list", "--merges", "HEAD", cwd=first) == ""
    for root in (first, second):
        ok(run_pw("verify", cwd=root))


def test_identical_edits_on_two_clones_sync(pair, tmp_path):
    first, second, record = _diverge(pair, tmp_path)
    ok(run_pw("edit", record, "--set", "place=党员活动室", "--reason", "更正地点", cwd=second))
    ok(run_pw("sync", cwd=second))
    _one_history(first, second)


def test_made_equal_with_edit_after_a_refused_sync(pair, tmp_path):
    first, second, record = _diverge(pair, tmp_path)
    ok(run_pw("edit", record, "--set", "place=三号会议室", "--reason", "更正地点", cwd=second))
    refused = run_pw("sync", cwd=second)
    assert refused.returncode == 65 and record in refused.stderr
    assert f"pw resolve {record}" in refused.stderr and "?" not in refused.stderr
    ok(run_pw("edit", record, "--set", "place=党员活动室", "--reason", "与对方一致", cwd=second))
    ok(run_pw("sync", cwd=second))
    _one_history(first, second)


def _place(root: Path, record: str) -> str:
    return (root / "records" / "2026" / f"{record}.yaml").read_text(encoding="utf-8")


def test_resolve_keep_theirs(pair, tmp_path):
    first, second, record = _diverge(pair, tmp_path)
    ok(run_pw("edit", record, "--set", "place=三号会议室", "--reason", "更正地点", cwd=second))
    assert run_pw("sync", cwd=second).returncode == 65
    ok(run_pw("resolve", record, "--keep", "theirs", "--reason", "以支部书记为准", cwd=second))
    made = trailers(second, "HEAD")
    assert made["Pw-Action"] == "resolve" and made["Pw-Record"] == record
    assert made["Pw-Reason"] == "以支部书记为准"
    ok(run_pw("verify", cwd=second))
    ok(run_pw("sync", cwd=second))
    _one_history(first, second)
    assert "党员活动室" in _place(first, record) and "三号会议室" not in _place(first, record)
    assert "三号会议室" in git("log", "-p", "--format=%s", cwd=first)  # the other version stays
    _resolve_is_honest(first, record)


def test_resolve_keep_mine(pair, tmp_path):
    first, second, record = _diverge(pair, tmp_path)
    ok(run_pw("edit", record, "--set", "place=三号会议室", "--reason", "更正地点", cwd=second))
    assert run_pw("sync", cwd=second).returncode == 65
    ok(run_pw("resolve", record, "--keep", "mine", "--reason", "现场核实", cwd=second))
    assert trailers(second, "HEAD")["Pw-Action"] == "resolve"
    ok(run_pw("verify", cwd=second))
    ok(run_pw("sync", cwd=second))
    _one_history(first, second)
    assert "三号会议室" in _place(first, record)
    assert "党员活动室" in git("log", "-p", "--format=%s", cwd=first)
    _resolve_is_honest(first, record)


def _resolve_is_honest(root: Path, record: str) -> None:
    """issue 17: the audit checks a resolve ends on one side's version; pw's own does, and its
    reason is read as one."""
    import json

    findings = json.loads(ok(run_pw("audit", "--format", "json", cwd=root)).stdout)["findings"]
    mine = [f for f in findings if f["record"] == record]
    assert [f for f in mine if f["code"] == "FORGED"] == []
    assert [f for f in mine if f["code"] == "AMENDED" and f["severity"] != "info"] == []


def test_resolve_without_a_conflict_is_refused(pair, tmp_path):
    first, _second, record = _diverge(pair, tmp_path)
    before = git("rev-parse", "HEAD", cwd=first)
    result = run_pw("resolve", record, "--keep", "mine", "--reason", "x", cwd=first)
    assert result.returncode in (2, 65) and git("rev-parse", "HEAD", cwd=first) == before


def test_resolve_never_takes_back_a_void(pair, tmp_path):
    """H5: one clone voided the record, the other edited it. Keeping the edited side would un-void
    it (FORGED under any claim), so pw refuses and writes nothing; keeping the void is clean."""
    first, second, record = _diverge(pair, tmp_path)
    ok(run_pw("edit", record, "--set", "place=三号会议室", "--reason", "更正地点", cwd=second))
    ok(run_pw("void", record, "--reason", "重复录入", cwd=second))
    assert run_pw("sync", cwd=second).returncode == 65
    before = git("rev-parse", "HEAD", cwd=second)
    refused = run_pw("resolve", record, "--keep", "theirs", "--reason", "以对方为准", cwd=second)
    assert refused.returncode == 65 and "作废" in refused.stderr
    assert git("rev-parse", "HEAD", cwd=second) == before
    ok(run_pw("resolve", record, "--keep", "mine", "--reason", "确认作废", cwd=second))
    assert "voided:" in _place(second, record)
    _resolve_is_honest(second, record)
