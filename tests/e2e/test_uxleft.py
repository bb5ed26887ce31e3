"""The audit's messages in the user's words (uxleft): what a new user found still unpolished,
each through the real CLI, in Chinese where a user would type it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import log_committee, ok, run_pw


def _audit_lines(branch: Path, code: str, *lang: str) -> list[str]:
    result = run_pw(*lang, "audit", cwd=branch)
    assert "Traceback" not in result.stderr
    return [line for line in result.stdout.splitlines() if f" {code} " in line]


def test_amended_says_what_pw_did_and_why(branch: Path):
    record = log_committee(branch)
    ok(run_pw("action", "done", record + "#1", "--evidence", "清单已印发", cwd=branch))
    ok(run_pw("edit", record, "--set", "mode=online", "--reason", "改为线上", cwd=branch))
    amended = _audit_lines(branch, "AMENDED")
    assert any("首次提交后整改完成" in line for line in amended), amended
    assert any("首次提交后修改，原因：改为线上" in line for line in amended), amended
    assert not [line for line in amended if "action-done" in line or "原因：—" in line], amended
    english = _audit_lines(branch, "AMENDED", "--lang", "en")
    assert any("action done after it was first committed" in line for line in english), english
    assert any("edited after it was first committed; reason: 改为线上" in line for line in english)


def test_a_rewrite_shows_fields_and_values_as_history_does(branch: Path, tmp_path: Path):
    record = log_committee(branch)
    path = branch / "records/2026" / f"{record}.yaml"
    draft = tmp_path / "改.yaml"
    draft.write_text(
        path.read_text(encoding="utf-8").replace("excused: true", "excused: false"),
        encoding="utf-8",
    )
    ok(run_pw("edit", record, "--from", str(draft), "--reason", "实为无故缺席", cwd=branch))
    amended = [line for line in _audit_lines(branch, "AMENDED") if "改写" in line]
    assert len(amended) == 1, amended
    assert "缺席#1.请假: 是 → 否" in amended[0]
    assert "（原因：实为无故缺席）" in amended[0]
    for stored in ("excused", "false", "true", "reason=", "absent"):
        assert stored not in amended[0], stored
    # the same words pw history shows for this version
    assert "缺席#1.请假: 是 → 否" in ok(run_pw("history", record, cwd=branch)).stdout
    english = [line for line in _audit_lines(branch, "AMENDED", "--lang", "en") if "rewr" in line]
    assert english and "#1." in english[0] and ": yes → no" in english[0], english
    assert "excused=" not in english[0]


def test_retroactive_shows_the_reason_given_to_member_leave(branch: Path):
    log_committee(branch)
    ok(
        run_pw(
            "member",
            "leave",
            "刘洋",
            "--on",
            "2026年7月1日",
            "--reason",
            "转往二公司党支部",
            cwd=branch,
        )
    )
    retro = _audit_lines(branch, "RETROACTIVE")
    assert len(retro) == 1, retro
    assert "离开: 未填 → 2026-07-01" in retro[0]
    assert retro[0].endswith("（原因：转往二公司党支部）"), retro
    english = _audit_lines(branch, "RETROACTIVE", "--lang", "en")
    assert english[0].endswith(" (reason: 转往二公司党支部)"), english
    # a leave without a reason says nothing of one
    ok(run_pw("member", "leave", "陈静", "--on", "2026-07-02", cwd=branch))
    plain = [line for line in _audit_lines(branch, "RETROACTIVE") if "陈静" in line]
    assert plain and "原因" not in plain[0], plain


def test_weakened_says_none_for_a_setting_that_was_not_set(branch: Path):
    ok(run_pw("config", "set", "since", "2026-01-01", "--reason", "启用台账", cwd=branch))
    weakened = _audit_lines(branch, "WEAKENED")
    assert any("since：无 → 2026-01-01" in line for line in weakened), weakened
    assert not [line for line in weakened if "∅" in line], weakened
    english = _audit_lines(branch, "WEAKENED", "--lang", "en")
    assert any("none → 2026-01-01" in line for line in english), english
    assert not [line for line in english if "∅" in line], english


@pytest.mark.parametrize(
    "command", [("member", "list"), ("group", "list"), ("action", "list")], ids=" ".join
)
def test_a_list_refuses_a_format_it_does_not_know(branch: Path, command: tuple[str, str]):
    refused = run_pw(*command, "--format", "表格", cwd=branch)
    assert refused.returncode == 2, refused
    assert refused.stdout == ""
    assert "--format" in refused.stderr and "table | json" in refused.stderr
    assert "Traceback" not in refused.stderr
    # the formats it knows still work
    json.loads(ok(run_pw(*command, "--format", "json", cwd=branch)).stdout)
    ok(run_pw(*command, "--format", "table", cwd=branch))


def test_a_correction_after_the_close_without_a_reason_names_the_action(branch: Path):
    record = log_committee(branch)
    ok(run_pw("close", "2026Q3", cwd=branch))
    ok(run_pw("action", "done", f"{record}#1", "--evidence", "已印发", "--after-close", cwd=branch))
    closed = _audit_lines(branch, "CLOSED-EDIT")
    assert len(closed) == 1 and closed[0].endswith("更正：整改完成"), closed
