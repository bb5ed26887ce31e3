"""Issue 14 leftovers: day-to-day work without dead ends. The real CLI on real git repositories,
typed as a Chinese branch recorder types it."""

from __future__ import annotations

import datetime as dt
import json
import os
import pty
import subprocess
import time

import pytest

from conftest import COMMITTEE_ARGS, ok, pw_argv, run_pw

STUDY_ARGS = [
    "log",
    "study",
    "--kind",
    "集中学习",
    "--date",
    "2026-08-12",
    "--place",
    "项目部会议室",
    "--host",
    "王伟",
    "--recorder",
    "李芳",
    "--attendees",
    "王伟、李芳、刘洋",
    "--material",
    "《中国共产党支部工作条例（试行）》",
    "--hours",
    "2",
]
REVIEW_ARGS = [
    "log",
    "review",
    "--kind",
    "组织生活会",
    "--date",
    "2026-07-20",
    "--place",
    "项目部会议室",
    "--host",
    "王伟",
    "--recorder",
    "李芳",
    "--attendees",
    "王伟、李芳、张强、刘洋、陈静",
    "--topic",
    "对照检查，开展批评和自我批评",
    "--minutes",
    "王伟：作对照检查发言。",
]


def _replaced(args: list[str], option: str, value: str) -> list[str]:
    args = list(args)
    args[args.index(option) + 1] = value
    return args


# -- 1. validate first, then ask about lateness -------------------------------------------------


def test_a_refused_late_record_says_only_why_it_is_refused(branch):
    result = run_pw(*_replaced(COMMITTEE_ARGS, "--attendees", "王伟,李芳,王小二"), cwd=branch)
    assert result.returncode == 65 and "王小二" in result.stderr
    assert "LATE" not in result.stderr and "--late-reason" not in result.stderr


def test_a_refused_late_record_on_a_terminal_is_not_asked_for_a_reason(branch):
    args = [*_replaced(COMMITTEE_ARGS, "--attendees", "王伟,李芳,王小二"), "--no-edit"]
    returncode, seen, _ = _on_terminal(branch, args, answer=None)
    assert returncode == 65 and "王小二" in seen and "LATE" not in seen


# -- 2. the late-entry question for every record type -------------------------------------------


def _on_terminal(branch, args, answer: str | None):
    """pw with stdin and stderr on a pseudo-terminal, as a user at a shell runs it; answer is
    typed once the LATE question shows."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        pw_argv(*args),
        cwd=branch,
        stdin=slave,
        stderr=slave,
        stdout=subprocess.PIPE,
        env={**os.environ, "TERM": "dumb"},
    )
    os.close(slave)
    seen = b""
    deadline = time.time() + 30
    while time.time() < deadline and process.poll() is None:
        if answer is not None and b"LATE" in seen:
            os.write(master, (answer + "\n").encode())
            answer = None
        try:
            seen += os.read(master, 4096)
        except OSError:  # the terminal closed: pw has exited
            break
    stdout, _ = process.communicate(timeout=60)
    try:
        while chunk := os.read(master, 4096):
            seen += chunk
    except OSError:
        pass
    os.close(master)
    return process.returncode, seen.decode("utf-8", "replace"), stdout.decode()


@pytest.mark.parametrize("args, what", [(STUDY_ARGS, "集中学习"), (REVIEW_ARGS, "组织生活会")])
def test_late_study_and_review_warn_without_a_terminal(branch, args, what):
    result = ok(run_pw(*args, cwd=branch))
    assert "LATE" in result.stderr and "--late-reason" in result.stderr and what in result.stderr
    result = ok(run_pw(*args, "--late-reason", "书记外出学习，回来补记", cwd=branch))
    assert "--late-reason" not in result.stderr
    shown = run_pw("show", result.stdout.strip(), "--format", "json", cwd=branch)
    assert json.loads(ok(shown).stdout)["late_reason"] == "书记外出学习，回来补记"


@pytest.mark.parametrize("args", [STUDY_ARGS, REVIEW_ARGS])
def test_late_study_and_review_on_a_terminal_ask_for_the_reason(branch, args):
    returncode, seen, stdout = _on_terminal(branch, [*args, "--no-edit"], answer="会后补记")
    assert returncode == 0 and "LATE" in seen
    shown = run_pw("show", stdout.strip(), "--format", "json", cwd=branch)
    assert json.loads(ok(shown).stdout)["late_reason"] == "会后补记"


def test_a_recent_study_is_not_late(branch):
    result = ok(run_pw(*STUDY_ARGS, cwd=branch, today="2026-08-13"))
    assert "LATE" not in result.stderr


# -- 3. pw edit --from a kept draft; pw status lists drafts as pw draft list does -----------------


def test_edit_from_a_kept_draft_removes_it_and_status_agrees_with_draft_list(branch):
    from conftest import commits, log_committee

    record = log_committee(branch)
    drafts = branch / ".pw" / "drafts"
    drafts.mkdir(parents=True)
    draft = drafts / f"{record}-20261126-1.yaml"  # as `pw edit ID` keeps a draft it gave up on
    current = (branch / "records" / "2026" / f"{record}.yaml").read_text(encoding="utf-8")
    draft.write_text("# ✗ 上次的错误\n" + current.replace("项目部会议室", "党员活动室"), "utf-8")
    stray = drafts / "not-a-draft.txt"
    stray.write_text("笔记", encoding="utf-8")
    listed = ok(run_pw("draft", "list", cwd=branch)).stdout.split()
    status = json.loads(ok(run_pw("status", "--format", "json", cwd=branch)).stdout)
    assert status["drafts"] == listed == [f".pw/drafts/{draft.name}"]
    assert draft.name in ok(run_pw("status", cwd=branch)).stdout

    before = commits(branch)
    edited = run_pw("edit", record, "--from", str(draft), "--reason", "更正地点", cwd=branch)
    ok(edited)
    assert len(commits(branch)) == len(before) + 1 and not draft.exists()
    shown = json.loads(ok(run_pw("show", record, "--format", "json", cwd=branch)).stdout)
    assert shown["place"] == "党员活动室"
    assert ok(run_pw("draft", "list", cwd=branch)).stdout.strip() == ""
    assert json.loads(ok(run_pw("status", "--format", "json", cwd=branch)).stdout)["drafts"] == []


def test_a_refused_edit_keeps_the_draft(branch):
    from conftest import log_committee

    record = log_committee(branch)
    drafts = branch / ".pw" / "drafts"
    drafts.mkdir(parents=True)
    draft = drafts / f"{record}-20261126-1.yaml"
    current = (branch / "records" / "2026" / f"{record}.yaml").read_text(encoding="utf-8")
    draft.write_text(current.replace("host: 王伟", "host: 王小二"), encoding="utf-8")
    result = run_pw("edit", record, "--from", str(draft), "--reason", "更正主持人", cwd=branch)
    assert result.returncode == 65 and draft.exists()


def test_edit_from_a_file_outside_drafts_keeps_it(branch, tmp_path):
    from conftest import log_committee

    record = log_committee(branch)
    current = (branch / "records" / "2026" / f"{record}.yaml").read_text(encoding="utf-8")
    mine = tmp_path / "改正.yaml"
    mine.write_text(current.replace("项目部会议室", "党员活动室"), encoding="utf-8")
    ok(run_pw("edit", record, "--from", str(mine), "--reason", "更正地点", cwd=branch))
    assert mine.exists()


# -- 4. -o FILE with several --repo: the extension means what it means for one report ------------


def test_fleet_output_follows_the_extension_as_a_single_report_does(branch_template, tmp_path):
    import shutil

    from conftest import log_committee

    repos = []
    for i in range(2):
        root = tmp_path / f"branch{i}"
        shutil.copytree(branch_template, root)
        log_committee(root)
        repos += ["--repo", str(root)]
    single = tmp_path / "单个.txt"
    ok(run_pw("--repo", repos[1], "report", "quarter", "2026Q3", "-o", str(single), cwd=tmp_path))
    for suffix, starts in ((".txt", ""), (".md", "# "), (".csv", "branch,"), (".json", "{")):
        target = tmp_path / f"汇总{suffix}"
        ok(run_pw(*repos, "report", "quarter", "2026Q3", "-o", str(target), cwd=tmp_path))
        text = target.read_text(encoding="utf-8")
        assert text.startswith(starts) and "测试项目部党支部" in text
        if suffix == ".txt":  # plain tables, no Markdown, no boxes; each branch's table as alone
            assert not text.startswith(("#", "{", "<")) and "|---" not in text and "━" not in text
            body = single.read_text(encoding="utf-8")
            assert body in text
    refused = tmp_path / "汇总.pdf"
    result = run_pw(*repos, "report", "quarter", "2026Q3", "-o", str(refused), cwd=tmp_path)
    assert result.returncode == 2 and not refused.exists()


# -- 5. a Chinese kind name inside a --from file ------------------------------------------------

MEETING_FILE = """kind: 支委会
date: 2026-11-20
title: 2026年第11次支委会
place: 项目部会议室
host: 王伟
recorder: 李芳
attendees: [王伟, 李芳, 张强]
topics: [研究四季度工作]
minutes: 王伟主持会议。
"""


def test_a_chinese_kind_in_a_from_file_is_stored_in_english(branch):
    from conftest import load_yaml

    source = branch / "会议.yaml"
    source.write_text(MEETING_FILE, encoding="utf-8")
    record = ok(run_pw("log", "meeting", "--from", str(source), cwd=branch)).stdout.strip()
    stored = load_yaml(branch / "records" / "2026" / f"{record}.yaml")
    assert stored["kind"] == "committee" and "-committee-" in record
    listed = json.loads(
        ok(run_pw("list", "--kind", "支委会", "--format", "json", cwd=branch)).stdout
    )
    assert [r["id"] for r in listed["records"]] == [record]
    source.write_text(MEETING_FILE.replace("title: 2026年第11次支委会\n", ""), encoding="utf-8")
    again = ok(run_pw("log", "meeting", "--from", str(source), cwd=branch)).stdout.strip()
    assert load_yaml(branch / "records" / "2026" / f"{again}.yaml")["title"].endswith("支委会")


def test_a_kind_of_another_type_in_a_from_file_is_refused_at_its_line(branch):
    source = branch / "学习.yaml"
    source.write_text(MEETING_FILE.replace("kind: 支委会", "kind: 集中学习"), encoding="utf-8")
    result = run_pw("log", "meeting", "--from", str(source), cwd=branch)
    assert result.returncode == 65 and "学习.yaml:1" in result.stderr
    assert not list((branch / "records" / "2026").glob("*.yaml"))


# -- 6. YAML mistakes said in Chinese at their line ----------------------------------------------


@pytest.mark.parametrize(
    "mistake, line, words",
    [
        (("title: 2026年第11次支委会", "title: @全体党员 支委会"), 3, "“@”开头"),
        (("place: 项目部会议室", "place：项目部会议室"), 4, "全角冒号"),
        (("host: 王伟", "host: 王伟\n\trecorder: 李芳"), 6, "Tab"),
        (("minutes: 王伟主持会议。", 'minutes: "王伟\\q主持"'), 9, "反斜杠"),
        (("attendees: [王伟, 李芳, 张强]", "attendees: - 王伟"), 7, "列表项"),
        (("title: 2026年第11次支委会", 'title: "第11次" 支委会'), 3, "引号或括号结束后"),
    ],
)
def test_yaml_mistakes_in_a_from_file_are_said_in_chinese(branch, mistake, line, words):
    source = branch / "会议.yaml"
    source.write_text(MEETING_FILE.replace(*mistake), encoding="utf-8")
    result = run_pw("log", "meeting", "--from", str(source), cwd=branch)
    assert result.returncode == 65 and f"会议.yaml:{line}:" in result.stderr
    assert words in result.stderr
    for english in ("found", "expected", "could not", "not allowed", "token"):
        assert english not in result.stderr


# -- 7. a member's rename: old records keep the old name and still count as the member ----------


def _rename_after_records(branch):
    from conftest import log_committee

    committee = log_committee(branch)  # 张强 absent (出差) on 2026-07-03
    general = [
        *_replaced(COMMITTEE_ARGS, "--kind", "支部党员大会"),
        "--all-present",
    ]
    general = _replaced(general, "--date", "2026-08-05")
    general = _replaced(general, "--attendees", "王伟,李芳,张强,刘洋")
    general = _replaced(general, "--absent", "陈静:病假")
    general = _replaced(general, "--action", "整理安全台账|张强|2026-09-30")
    attended = ok(run_pw(*general, cwd=branch)).stdout.strip()
    rename = ["member", "edit", "张强", "--set", "name=张志强", "--reason", "按身份证更正姓名"]
    ok(run_pw(*rename, cwd=branch))
    return committee, attended


def test_rename_after_records_keeps_them_and_counts_the_member_once(branch):
    from conftest import load_yaml

    committee, attended = _rename_after_records(branch)
    roster = load_yaml(branch / "records" / "members.yaml")
    renamed = next(m for m in roster["members"] if m["name"] == "张志强")
    assert renamed["former_names"] == [{"name": "张强", "until": dt.date(2026, 11, 26)}]
    assert not any(m["name"] == "张强" for m in roster["members"])
    listed = json.loads(ok(run_pw("member", "list", "--format", "json", cwd=branch)).stdout)
    shown = next(m for m in listed["members"] if m["name"] == "张志强")
    assert shown["former_names"] == [{"name": "张强", "until": "2026-11-26"}]
    old = load_yaml(branch / "records" / "2026" / f"{attended}.yaml")
    assert "张强" in old["attendees"] and old["actions"][0]["owner"] == "张强"  # not rewritten

    result = ok(run_pw("check", "--strict", cwd=branch))
    assert "UNKNOWN-MEMBER" not in result.stdout and "NOT-LISTED" not in result.stdout

    report = json.loads(
        ok(run_pw("report", "quarter", "2026Q3", "--format", "json", cwd=branch)).stdout
    )
    rows = [r for r in report["attendance"] if r["member"] in ("张强", "张志强")]
    assert [r["member"] for r in rows] == ["张志强"]
    assert rows[0]["expected"] == 2 and rows[0]["attended"] == 1 and rows[0]["excused"] == 1

    for name in ("张志强", "张强"):
        listed = run_pw("list", "--member", name, "--format", "json", cwd=branch)
        found = {r["id"]: r["attendance"] for r in json.loads(ok(listed).stdout)["records"]}
        assert found == {committee: "excused", attended: "attended"}
        # his actions, by either name, under the name he has now (as the report shows them)
        owned = run_pw("action", "list", "--owner", name, "--format", "json", cwd=branch)
        actions = json.loads(ok(owned).stdout)
        actions = actions["actions"] if isinstance(actions, dict) else actions
        assert actions and {a["owner"] for a in actions} == {"张志强"}


def test_an_old_name_in_a_new_record_is_refused(branch):
    _rename_after_records(branch)
    args = _replaced(COMMITTEE_ARGS, "--date", "2026-11-20")
    args = _replaced(args, "--action", "完善安全生产责任清单|王伟|2026-12-31")
    result = run_pw(*_replaced(args, "--absent", "张强:出差"), cwd=branch)
    assert result.returncode == 65 and "FORMER-NAME" in result.stderr
    assert "张志强" in result.stderr  # names the current name
    old_dated = run_pw(*COMMITTEE_ARGS, cwd=branch)  # held before the rename, written after
    assert old_dated.returncode == 65 and "FORMER-NAME" in old_dated.stderr
    ok(run_pw(*_replaced(args, "--absent", "张志强:出差"), cwd=branch))
    ok(run_pw("check", cwd=branch))


def test_a_renamed_member_in_the_history_stays_verifiable(branch):
    _rename_after_records(branch)
    ok(run_pw("verify", cwd=branch))
    audit = ok(run_pw("audit", cwd=branch))  # the same person: no expected list changed
    assert "RETROACTIVE" not in audit.stdout and "张志强" not in audit.stdout
    removed = run_pw("member", "remove", "张志强", "--reason", "误加", cwd=branch)
    assert removed.returncode != 0  # old records name the member by the former name


@pytest.mark.parametrize(
    "former, words",
    [
        ("[{name: 张强}]", "until"),  # until is required
        ("[{name: 张强, until: 2026-13-01}]", "2026-13-01"),
        ("[{name: 张志强, until: 2026-11-26}]", "曾用名"),  # the current name itself
        ("[{name: 王伟, until: 2026-11-26}]", "现有党员同名"),  # a namesake: a warning
    ],
)
def test_a_hand_written_former_name_is_checked(branch, former, words):
    from conftest import git

    _rename_after_records(branch)
    members = branch / "records" / "members.yaml"
    text = members.read_text(encoding="utf-8")
    start = text.index("former_names:")
    end = text.index("\n", text.index("until:", start)) + 1
    members.write_text(text[:start] + f"former_names: {former}\n" + text[end:], "utf-8")
    git("commit", "-qam", "手工修改花名册", cwd=branch)
    result = run_pw("check", "--strict", cwd=branch)
    assert result.returncode == 1 and words in result.stdout + result.stderr


def test_a_former_name_given_to_another_member_by_hand_is_seen_by_the_audit(branch):
    """The attack: 张强's attendance credited to 刘洋 by a hand edit that drops 张强 and lists his
    name as one of 刘洋's former names. The audit names the roster change and the records it moves;
    a rename made by pw (above) stays clean."""
    from conftest import git, log_committee

    log_committee(branch)
    members = branch / "records" / "members.yaml"
    text = members.read_text(encoding="utf-8")
    start = text.index("  - name: 张强\n")
    end = text.index("  - name:", start + 5)
    text = text[:start] + text[end:]
    text = text.replace(
        "  - name: 刘洋\n", "  - name: 刘洋\n    former_names: [{name: 张强, until: 2026-11-26}]\n"
    )
    members.write_text(text, encoding="utf-8")
    git("commit", "-qam", "更新花名册", cwd=branch)
    audit = run_pw("audit", cwd=branch)
    assert "张强" in audit.stdout and "RETROACTIVE" in audit.stdout
    assert "OUTSIDE" in audit.stdout
