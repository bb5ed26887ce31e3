"""Issue 14 scope 9: a record of a closed period is changed only with --after-close."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import commits, git, log_committee, ok, run_pw, trailers


def _closed(branch: Path) -> str:
    record = log_committee(branch)
    assert ok(run_pw("close", "2026Q3", cwd=branch)).stdout.strip() == "pw/closed/2026Q3"
    return record


def _closed_edits(root: Path) -> list[dict]:
    data = json.loads(ok(run_pw("audit", "--format", "json", cwd=root)).stdout)
    return [f for f in data["findings"] if f["code"] == "CLOSED-EDIT"]


def test_changes_to_a_sealed_record_are_refused(branch):
    record = _closed(branch)
    before = commits(branch)
    for args in (
        ("edit", record, "--set", "place=别处", "--reason", "更正"),
        ("void", record, "--reason", "重复"),
        ("action", "done", f"{record}#1", "--evidence", "清单已印发", "--on", "2026-08-20"),
        ("action", "drop", f"{record}#1", "--reason", "不再需要"),
    ):
        result = run_pw(*args, cwd=branch)
        assert result.returncode in (2, 65), (args, result.stderr)
        assert "pw/closed/2026Q3" in result.stderr and "--after-close" in result.stderr
        assert commits(branch) == before
        assert git("status", "--porcelain", cwd=branch) == ""
    assert _closed_edits(branch) == []


def test_after_close_is_a_warning_with_the_reason(branch):
    record = _closed(branch)
    ok(
        run_pw(
            "edit",
            record,
            "--set",
            "place=别处",
            "--reason",
            "地点笔误",
            "--after-close",
            cwd=branch,
        )
    )
    assert trailers(branch, "HEAD")["Pw-After-Close"] == "pw/closed/2026Q3"
    ok(run_pw("action", "done", f"{record}#1", "--evidence", "已印发", "--after-close", cwd=branch))
    edits = _closed_edits(branch)
    assert [f["severity"] for f in edits] == ["warning", "warning"]
    assert "地点笔误" in edits[0]["message"] + edits[1]["message"]
    assert ok(run_pw("verify", cwd=branch)).returncode == 0


def test_a_hand_edit_of_a_sealed_record_is_an_error(branch):
    record = _closed(branch)
    path = branch / "records" / "2026" / f"{record}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("项目部会议室", "别处"), "utf-8")
    message = f"改\n\nPw-Action: edit\nPw-Record: {record}\nPw-After-Close: pw/closed/2026Q3\n"
    git("commit", "-qam", message, cwd=branch)  # no reason: the claim fails, so not pw's
    edits = _closed_edits(branch)
    assert [f["severity"] for f in edits] == ["error"]
    assert run_pw("verify", cwd=branch).returncode == 1


def test_closing_a_period_with_no_record_says_so(branch):
    log_committee(branch)  # 2026-07-03: Q3 holds a record, October none
    quiet = ok(run_pw("close", "2026Q3", cwd=branch))
    assert "没有任何记录" not in quiet.stderr
    empty = ok(run_pw("close", "2026-10", cwd=branch))
    assert "2026-10 没有任何记录就封存了" in empty.stderr and "--after-close" in empty.stderr


def test_an_item_finished_after_the_close_carries_its_reason(branch):
    """Q3's rectification items are often finished in Q4: done --after-close --reason says why."""
    record = _closed(branch)
    args = ["action", "done", f"{record}#1", "--evidence", "已印发", "--after-close"]
    ok(run_pw(*args, "--reason", "整改在四季度完成", cwd=branch))
    assert trailers(branch, "HEAD")["Pw-Reason"] == "整改在四季度完成"
    edits = _closed_edits(branch)
    assert [f["severity"] for f in edits] == ["warning"] and "整改在四季度完成" in edits[0][
        "message"
    ]
    assert ok(run_pw("verify", cwd=branch)).returncode == 0
