"""Dead ends a new branch recorder hit in a quarter of work with pw, each through the real CLI."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import COMMITTEE_ARGS, commits, git, log_committee, ok, pw_argv, run_pw, trailers
from test_editor import editor_script
from test_sync import bare, clone

__all__ = ["bare"]  # the fixture, used by name

LATE_MEETING = (
    "log",
    "meeting",
    "--kind",
    "group",
    "--group",
    "g1",
    "--date",
    "2026-09-29",
    "--place",
    "项目部会议室",
    "--host",
    "王伟",
    "--recorder",
    "李芳",
    "--attendees",
    "王伟,李芳,刘洋",
    "--topic",
    "学习安全生产规定",
    "--minutes",
    "王伟：传达文件。",
)


def _closed(branch: Path) -> None:
    log_committee(branch)
    ok(run_pw("close", "2026Q3", cwd=branch))


def _closed_edits(root: Path) -> list[dict]:
    data = json.loads(ok(run_pw("audit", "--format", "json", cwd=root)).stdout)
    return [f for f in data["findings"] if f["code"] == "CLOSED-EDIT"]


def test_log_into_a_closed_period_is_refused_naming_the_tag(branch):
    _closed(branch)
    before = commits(branch)
    result = run_pw(*LATE_MEETING, "--late-reason", "漏记", cwd=branch)
    assert result.returncode == 65, result.stderr
    assert "pw/closed/2026Q3" in result.stderr and "--after-close" in result.stderr
    assert "已封存" in result.stderr
    assert commits(branch) == before
    assert git("status", "--porcelain", cwd=branch) == ""
    assert ok(run_pw("verify", cwd=branch)).returncode == 0


def test_log_after_close_needs_a_reason_and_is_a_warning_carrying_it(branch):
    _closed(branch)
    before = commits(branch)
    result = run_pw(*LATE_MEETING, "--after-close", cwd=branch)
    assert result.returncode == 2 and "--late-reason" in result.stderr
    assert commits(branch) == before
    record = ok(
        run_pw(*LATE_MEETING, "--late-reason", "漏记", "--after-close", cwd=branch)
    ).stdout.strip()
    assert trailers(branch, "HEAD")["Pw-After-Close"] == "pw/closed/2026Q3"
    edits = _closed_edits(branch)
    assert [(f["severity"], f["record"]) for f in edits] == [("warning", record)]
    assert "漏记" in edits[0]["message"]
    assert ok(run_pw("verify", cwd=branch)).returncode == 0
    # voiding it again after the close is a second warning carrying its own reason
    ok(run_pw("void", record, "--reason", "重复录入", "--after-close", cwd=branch))
    edits = _closed_edits(branch)
    assert [f["severity"] for f in edits] == ["warning", "warning"]
    messages = " ".join(f["message"] for f in edits)
    assert "漏记" in messages and "重复录入" in messages
    assert ok(run_pw("verify", cwd=branch)).returncode == 0


def test_a_log_outside_the_closed_period_is_not_touched(branch):
    _closed(branch)
    ok(run_pw(*LATE_MEETING[:7], "2026-10-09", *LATE_MEETING[8:], cwd=branch))
    assert "Pw-After-Close" not in trailers(branch, "HEAD")


INVALID = """
text = text.replace("place:\\n", "place: 我输入的会议室\\n", 1)
text = text.replace("attendees:\\n", "attendees: [不在花名册的人]\\n", 1)
path.write_text(text, encoding="utf-8")
"""


def test_an_abandoned_draft_is_a_data_error_naming_the_draft(branch, tmp_path):
    before = commits(branch)
    result = run_pw(
        "log",
        "meeting",
        "--kind",
        "group",
        "--group",
        "g2",
        "--edit",
        cwd=branch,
        env={"EDITOR": editor_script(tmp_path, INVALID), "PW_REOPEN": "0"},
    )
    assert result.returncode == 65, result.stderr
    assert "内部错误" not in result.stderr and "Traceback" not in result.stderr
    drafts = list((branch / ".pw" / "drafts").glob("meeting-*.yaml"))
    assert len(drafts) == 1 and "我输入的会议室" in drafts[0].read_text(encoding="utf-8")
    assert f".pw/drafts/{drafts[0].name}" in result.stderr
    assert commits(branch) == before


def _october(root: Path) -> str:
    args = [a if a != "2026-09-29" else "2026-10-09" for a in LATE_MEETING]
    return ok(run_pw(*args, "--late-reason", "补录", cwd=root)).stdout.strip()


def test_sync_brings_down_the_close_tags_another_clone_pushed(bare, tmp_path):
    first, remote = bare
    october = _october(first)
    ok(run_pw("sync", cwd=first))
    second = clone(str(remote), tmp_path / "second")
    ok(run_pw("close", "2026-10", cwd=first))
    ok(run_pw("sync", cwd=first))
    result = ok(run_pw("sync", cwd=second))
    assert "pw/closed/2026-10" in result.stderr
    tag = "refs/tags/pw/closed/2026-10"
    assert git("rev-parse", tag, cwd=second) == git("rev-parse", tag, cwd=first)
    edited = run_pw("edit", october, "--set", "place=别处", "--reason", "更正", cwd=second)
    assert edited.returncode == 65 and "pw/closed/2026-10" in edited.stderr
    # the supervisor's verify, with the witness that saw the tag pushed, finds nothing wrong
    verified = run_pw("verify", cwd=second)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "REWRITTEN" not in verified.stdout + verified.stderr


def test_sync_never_overwrites_a_local_close_tag_that_differs(bare, tmp_path):
    first, remote = bare
    _october(first)
    ok(run_pw("sync", cwd=first))
    second = clone(str(remote), tmp_path / "second")
    ok(run_pw("close", "2026-10", cwd=first))
    ok(run_pw("sync", cwd=first))
    git("tag", "-a", "pw/closed/2026-10", "-m", "另一个封存", cwd=second)
    mine = git("rev-parse", "refs/tags/pw/closed/2026-10", cwd=second)
    result = run_pw("sync", cwd=second)
    assert result.returncode == 1 and "REWRITTEN" in result.stderr
    assert git("rev-parse", "refs/tags/pw/closed/2026-10", cwd=second) == mine


def _import(branch: Path, tmp_path: Path, rows: list[list[str]], *options: str):
    path = tmp_path / "名单.csv"
    path.write_text("\r\n".join(",".join(r) for r in rows) + "\r\n", encoding="utf-8")
    members = (branch / "records" / "members.yaml").read_bytes()
    before = commits(branch)
    result = run_pw("member", "import", str(path), *options, cwd=branch)
    unchanged = commits(branch) == before
    assert unchanged == ((branch / "records" / "members.yaml").read_bytes() == members)
    return result, unchanged


def test_import_refuses_columns_it_does_not_read(branch, tmp_path):
    rows = [["姓名", "党小组", "类别", "入党日期"], ["孙丽", "g1", "正式党员", "2010-07-01"]]
    result, unchanged = _import(branch, tmp_path, rows)
    assert result.returncode == 65 and unchanged
    assert "入党日期" in result.stderr
    for column in ("姓名", "党小组", "类别", "加入本支部日期", "职务", "邮箱", "joined"):
        assert column in result.stderr
    assert "不是加入本支部日期" in result.stderr


def test_import_without_the_join_date_says_so_or_takes_joined(branch, tmp_path):
    rows = [["姓名", "党小组", "类别"], ["孙丽", "g1", "正式党员"]]
    result, unchanged = _import(branch, tmp_path, rows)
    assert result.returncode == 65 and unchanged
    assert "加入本支部日期" in result.stderr and "--joined" in result.stderr
    result, unchanged = _import(branch, tmp_path, rows, "--joined", "2024-03-01")
    assert result.returncode == 0 and not unchanged, result.stderr
    members = (branch / "records" / "members.yaml").read_text(encoding="utf-8")
    assert "孙丽" in members and "2024-03-01" in members


def test_import_an_empty_join_date_cell_is_a_row_error(branch, tmp_path):
    rows = [["姓名", "党小组", "加入本支部日期"], ["孙丽", "g1", ""], ["周敏", "g2", "2024-03-01"]]
    result, unchanged = _import(branch, tmp_path, rows)
    assert result.returncode == 65 and unchanged
    assert "第 2 行" in result.stderr and "孙丽" in result.stderr


def test_an_inactive_member_hint_names_the_pw_command_not_members_yaml(branch):
    args = [a if a != "王伟,李芳" else "王伟,李芳,赵磊" for a in COMMITTEE_ARGS]
    result = run_pw(*args, cwd=branch)
    assert result.returncode == 65 and "赵磊" in result.stderr
    assert "members.yaml" not in result.stderr
    assert "pw member edit 赵磊 --set joined=" in result.stderr
    # the hint, followed, is the way out
    ok(
        run_pw(
            "member", "edit", "赵磊", "--set", "joined=2026-06-01", "--reason", "录错", cwd=branch
        )
    )
    ok(run_pw(*args, cwd=branch))


def _binder_on(root: Path, day: str, target: Path) -> bytes:
    """`pw binder` run on another day of the clock (faketime), without --today."""
    command = [
        "faketime",
        f"{day} 10:00:00",
        *pw_argv("binder", "2026Q3", "-o", str(target), today=None),
    ]
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return target.read_bytes()


def _pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.skipif(
    not (shutil.which("faketime") and shutil.which("pdftotext")), reason="faketime, pdftotext"
)
def test_the_binder_is_the_same_bytes_whichever_day_it_is_made(branch, tmp_path):
    log_committee(branch)  # its action is due 2026-08-31: overdue or not depends on the day
    before_due = _binder_on(branch, "2026-08-20", tmp_path / "a.pdf")
    after_due = _binder_on(branch, "2027-03-01", tmp_path / "b.pdf")
    assert before_due == after_due
    made = subprocess.run(
        ["git", "log", "-1", "--format=%cI"], cwd=branch, capture_output=True, text=True
    ).stdout.strip()
    day = dt.datetime.fromisoformat(made).astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    text = re.sub(r"\s+", "", _pdf_text(tmp_path / "a.pdf"))
    assert f"{day.isoformat()}（提交日期，北京时间" in text and "北京时间（UTC+8）" in text
    # --today still names the day overdue is judged on, and the cover says so
    given = tmp_path / "given.pdf"
    ok(run_pw("binder", "2026Q3", "-o", str(given), cwd=branch, today="2026-08-20"))
    assert "2026-08-20（由--today指定）" in re.sub(r"\s+", "", _pdf_text(given))


def _group_meeting(root: Path, group: str, day: str) -> str:
    people = ("王伟", "李芳", "王伟,李芳,刘洋") if group == "g1" else ("张强", "陈静", "张强,陈静")
    args = ["log", "meeting", "--kind", "group", "--group", group, "--date", day]
    args += ["--place", "项目部会议室", "--host", people[0], "--recorder", people[1]]
    args += ["--attendees", people[2], "--topic", "学习", "--minutes", "按议程进行。"]
    return ok(run_pw(*args, "--late-reason", "补录", cwd=root)).stdout.strip()


def _title(root: Path, record: str) -> str:
    return json.loads(ok(run_pw("show", record, "--format", "json", cwd=root)).stdout)["title"]


def test_default_titles_count_each_groups_live_meetings(branch):
    first = _group_meeting(branch, "g1", "2026-07-10")
    other = _group_meeting(branch, "g2", "2026-07-15")
    second = _group_meeting(branch, "g1", "2026-07-20")
    assert [_title(branch, r) for r in (first, other, second)] == [
        "2026年第1次党小组会",
        "2026年第1次党小组会",
        "2026年第2次党小组会",
    ]
    ok(run_pw("void", second, "--reason", "误录", cwd=branch))
    again = _group_meeting(branch, "g1", "2026-08-10")
    assert _title(branch, again) == "2026年第2次党小组会"


def test_history_names_actions_and_fields_in_chinese(branch):
    record = log_committee(branch)
    ok(run_pw("action", "done", f"{record}#1", "--evidence", "清单已印发", cwd=branch))
    ok(run_pw("edit", record, "--set", "place=党员活动室", "--reason", "更正地点", cwd=branch))
    text = ok(run_pw("history", record, cwd=branch)).stdout
    lines = text.splitlines()
    assert "修改 — 更正地点" in lines[0] and "地点: 项目部会议室 → 党员活动室" in text
    assert "整改完成" in text and "议定/整改事项#1.状态: 进行中 → 已完成" in text
    assert "录入" in lines[-2] and "新建" in lines[-1]
    for english in (" edit", " log", "action-done", "actions#", "place:"):
        assert english not in text
    # the JSON keeps pw's own words for programs
    data = json.loads(ok(run_pw("history", record, "--format", "json", cwd=branch)).stdout)
    assert [v["action"] for v in data["versions"]] == ["edit", "action-done", "log"]
