"""pw log, show, edit, void through the real CLI on a real git repository."""

from __future__ import annotations

import json

from conftest import (
    COMMITTEE_ARGS,
    commits,
    files_of,
    git,
    load_yaml,
    log_committee,
    ok,
    run_pw,
    trailers,
)


def test_log_writes_one_utf8_file_in_one_commit(branch):
    before = commits(branch)
    record_id = log_committee(branch)
    assert record_id.startswith("2026-07-03-committee-")
    path = branch / "records" / "2026" / f"{record_id}.yaml"
    text = path.read_text(encoding="utf-8")
    assert "项目部会议室" in text and "\\u" not in text
    assert commits(branch)[1:] == before
    assert files_of(branch, "HEAD") == [f"records/2026/{record_id}.yaml"]
    assert trailers(branch, "HEAD") == {
        "Pw-Action": "log",
        "Pw-Record": record_id,
        "Pw-Version": "0.3.0",
    }
    subject = git("show", "-s", "--format=%s", "HEAD", cwd=branch).strip()
    assert subject == "记录 支委会 2026-07-03 2026年第1次支委会"
    record = load_yaml(path)
    assert record["absent"] == [{"name": "张强", "reason": "出差", "excused": True}]
    assert record["actions"][0] == {
        "task": "完善安全生产责任清单",
        "owner": "张强",
        "due": record["actions"][0]["due"],
        "status": "open",
    }


def test_show_json_gives_back_what_log_wrote(branch):
    record_id = log_committee(branch)
    shown = json.loads(ok(run_pw("show", record_id, "--format", "json", cwd=branch)).stdout)
    on_disk = load_yaml(branch / "records" / "2026" / f"{record_id}.yaml")
    as_json = json.loads(json.dumps(on_disk, default=str))
    assert shown == as_json
    assert shown["minutes"] == "王伟：传达上级安全生产会议精神。\n李芳：汇报整改进展。"


def test_hand_written_time_reads_back_as_text(branch):
    record_id = log_committee(branch)
    path = branch / "records" / "2026" / f"{record_id}.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("place:", "start: 10:30\nend: 11:45\nplace:"),
        encoding="utf-8",
    )
    shown = json.loads(ok(run_pw("show", record_id, "--format", "json", cwd=branch)).stdout)
    assert shown["start"] == "10:30" and shown["end"] == "11:45"


def test_missing_fields_without_terminal_are_listed(branch):
    before = commits(branch)
    result = run_pw("log", "meeting", "--kind", "committee", "--host", "王伟", cwd=branch, input="")
    assert result.returncode == 65
    # said by their labels, each with the option that gives it
    assert "地点（--place）" in result.stderr and "记录人（--recorder）" in result.stderr
    assert "议题（--topic）" in result.stderr and "主持人" not in result.stderr
    assert commits(branch) == before


def test_unknown_member_is_refused_with_a_suggestion(branch):
    args = [a if a != "王伟,李芳" else "王伟,李方" for a in COMMITTEE_ARGS]
    result = run_pw(*args, cwd=branch)
    assert result.returncode == 65
    assert "李方" in result.stderr and "李芳" in result.stderr
    assert not list((branch / "records").glob("2026/*.yaml"))


def test_future_date_is_refused(branch):
    args = [a if a != "2026-07-03" else "2026-12-03" for a in COMMITTEE_ARGS]
    result = run_pw(*args, cwd=branch)
    assert result.returncode == 65 and "FUTURE-DATE" in result.stderr


def test_all_present_fills_the_expected_members(branch):
    result = ok(
        run_pw(
            "log",
            "meeting",
            "--kind",
            "group",
            "--group",
            "g2",
            "--date",
            "2026-09-10",
            "--place",
            "二号工地会议室",
            "--host",
            "张强",
            "--recorder",
            "陈静",
            "--all-present",
            "--absent",
            "赵磊：病假",
            "--topic",
            "学习安全规程",
            "--minutes",
            "张强领学。",
            cwd=branch,
        )
    )
    record = load_yaml(branch / "records" / "2026" / f"{result.stdout.strip()}.yaml")
    assert record["attendees"] == ["张强", "陈静"]
    assert record["absent"][0]["name"] == "赵磊"


def test_unexcused_absence(branch):
    args = [a if a != "张强:出差" else "张强：无故缺席" for a in COMMITTEE_ARGS]
    record_id = ok(run_pw(*args, cwd=branch)).stdout.strip()
    record = load_yaml(branch / "records" / "2026" / f"{record_id}.yaml")
    assert record["absent"] == [{"name": "张强", "reason": "无故缺席", "excused": False}]


def test_expected_member_not_listed_is_a_warning_not_an_error(branch):
    args = [a for a in COMMITTEE_ARGS]
    i = args.index("--absent")
    del args[i : i + 2]
    result = ok(run_pw(*args, cwd=branch))
    assert "NOT-LISTED" in result.stderr and "张强" in result.stderr


def test_study_session_with_hours_and_materials(branch):
    result = ok(
        run_pw(
            "log",
            "study",
            "--kind",
            "collective",
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
            "2.5",
            cwd=branch,
        )
    )
    record = load_yaml(branch / "records" / "2026" / f"{result.stdout.strip()}.yaml")
    assert record["hours"] == 2.5 and record["materials"] == ["《中国共产党支部工作条例（试行）》"]


def test_lecture_needs_a_lecturer(branch):
    result = run_pw(
        "log",
        "meeting",
        "--kind",
        "lecture",
        "--date",
        "2026-08-20",
        "--place",
        "会议室",
        "--host",
        "王伟",
        "--recorder",
        "李芳",
        "--attendees",
        "王伟,李芳",
        "--topic",
        "党史",
        "--minutes",
        "讲授。",
        cwd=branch,
        input="",
    )
    assert result.returncode == 65 and "lecturer" in result.stderr
    result = ok(
        run_pw(
            "log",
            "meeting",
            "--kind",
            "lecture",
            "--date",
            "2026-08-20",
            "--place",
            "会议室",
            "--host",
            "王伟",
            "--recorder",
            "李芳",
            "--attendees",
            "王伟,李芳",
            "--topic",
            "党史",
            "--minutes",
            "讲授。",
            "--lecturer",
            "孙教授|市委党校",
            "--hours",
            "2",
            cwd=branch,
        )
    )
    record = load_yaml(branch / "records" / "2026" / f"{result.stdout.strip()}.yaml")
    assert record["lecturer"] == {"name": "孙教授", "org": "市委党校"}


def test_log_from_stdin(branch):
    text = (
        "kind: theme-day\ndate: 2026-09-05\ntitle: 9月主题党日\n"
        "place: 项目部\nhost: 王伟\nrecorder: 李芳\n"
        "attendees: [王伟, 李芳, 刘洋]\ntopics: [志愿服务]\n"
        "activities: [志愿服务]\nminutes: 清理工地周边道路。\n"
    )
    result = ok(run_pw("log", "meeting", "--from", "-", cwd=branch, input=text))
    record = load_yaml(branch / "records" / "2026" / f"{result.stdout.strip()}.yaml")
    assert record["title"] == "9月主题党日" and record["activities"] == ["志愿服务"]


def test_log_from_file_reports_the_file_and_line(branch, tmp_path):
    source = tmp_path / "会议.yaml"
    source.write_text(
        "kind: committee\ndate: 2026-07-03\nplace: 会议室\nhost: 王伟\nrecorder: 李芳\n"
        "attendees: [王伟, 李芳, 张三]\ntopics: [安全]\nminutes: 记录。\n",
        encoding="utf-8",
    )
    result = run_pw("log", "meeting", "--from", str(source), cwd=branch)
    assert result.returncode == 65
    assert f"{source}:6:" in result.stderr and "UNKNOWN-MEMBER" in result.stderr


def test_edit_needs_a_reason(branch):
    record_id = log_committee(branch)
    before = commits(branch)
    result = run_pw("edit", record_id, "--set", "place=党员活动室", cwd=branch)
    assert result.returncode == 2
    assert commits(branch) == before


def test_edit_with_reason_makes_one_commit(branch):
    record_id = log_committee(branch)
    ok(
        run_pw(
            "edit", record_id, "--set", "place=党员活动室", "--reason", "更正会议地点", cwd=branch
        )
    )
    assert trailers(branch, "HEAD") == {
        "Pw-Action": "edit",
        "Pw-Record": record_id,
        "Pw-Reason": "更正会议地点",
        "Pw-Version": "0.3.0",
    }
    assert files_of(branch, "HEAD") == [f"records/2026/{record_id}.yaml"]
    assert load_yaml(branch / "records" / "2026" / f"{record_id}.yaml")["place"] == "党员活动室"
    diff = git("show", "HEAD", cwd=branch)
    assert "-place: 项目部会议室" in diff and "+place: 党员活动室" in diff


def test_edit_that_breaks_the_record_is_refused(branch):
    record_id = log_committee(branch)
    result = run_pw("edit", record_id, "--set", "host=王小伟", "--reason", "改主持人", cwd=branch)
    assert result.returncode == 65 and "王伟" in result.stderr
    assert git("status", "--porcelain", cwd=branch) == ""


def test_edit_from_file_cannot_change_the_id(branch, tmp_path):
    record_id = log_committee(branch)
    path = branch / "records" / "2026" / f"{record_id}.yaml"
    changed = tmp_path / "new.yaml"
    changed.write_text(
        path.read_text(encoding="utf-8").replace(record_id, "2026-07-03-committee-zzzz"),
        encoding="utf-8",
    )
    result = run_pw("edit", record_id, "--from", str(changed), "--reason", "试图改编号", cwd=branch)
    assert result.returncode == 65


def test_void_keeps_the_file(branch):
    record_id = log_committee(branch)
    ok(run_pw("void", record_id, "--reason", "重复录入", cwd=branch))
    record = load_yaml(branch / "records" / "2026" / f"{record_id}.yaml")
    assert record["voided"]["reason"] == "重复录入"
    assert trailers(branch, "HEAD")["Pw-Action"] == "void"
    assert trailers(branch, "HEAD")["Pw-Reason"] == "重复录入"
    listed = json.loads(ok(run_pw("list", "--format", "json", cwd=branch)).stdout)["records"]
    assert [r["voided"] for r in listed] == [True]
    assert (
        run_pw("edit", record_id, "--set", "place=x", "--reason", "r", cwd=branch).returncode == 65
    )


def test_title_and_reason_cannot_forge_trailers(branch):
    args = COMMITTEE_ARGS + ["--title", "第1次\nPw-Action: void"]
    record_id = ok(run_pw(*args, cwd=branch)).stdout.strip()
    parsed = git("show", "-s", "--format=%(trailers:key=Pw-Action,valueonly)", "HEAD", cwd=branch)
    assert parsed.split() == ["log"]
    ok(run_pw("void", record_id, "--reason", "原因\nPw-Record: other", cwd=branch))
    assert trailers(branch, "HEAD")["Pw-Record"] == record_id


def test_english_messages(branch):
    result = run_pw("--lang", "en", "show", "2026-01-01-committee-zzzz", cwd=branch)
    assert result.returncode == 66 and "no record" in result.stderr
    result = run_pw("show", "2026-01-01-committee-zzzz", cwd=branch)
    assert "找不到记录" in result.stderr


def test_an_impossible_date_is_named_as_such(branch):
    args = [a if a != "2026-07-03" else "2026-13-40" for a in COMMITTEE_ARGS]
    result = run_pw(*args, cwd=branch)
    assert result.returncode == 2
    assert (
        "--date" in result.stderr
        and "2026-13-40" in result.stderr
        and "Traceback" not in result.stderr
    )
    assert not list((branch / "records").rglob("*2026-13-40*"))


def test_a_misspelt_kind_gets_a_suggestion_and_list_items_count_from_one(branch):
    """What a new recorder typed wrong is named as they count it: the third action is #3 (the
    committee meeting of COMMITTEE_ARGS already has one)."""
    typo = run_pw("log", "meeting", "--kind", "committe", "--date", "2026-07-03", cwd=branch)
    assert typo.returncode == 2 and "是否想写 'committee'" in typo.stderr
    args = [*COMMITTEE_ARGS, "--action", "整理台账|张强|2026-08-31"]
    args += ["--action", "补齐物资|张强|2026-13-40"]
    wrong = run_pw(*args, cwd=branch)
    assert wrong.returncode == 65 and "actions#3.due" in wrong.stderr
    assert "[1]" not in wrong.stderr


def test_a_date_typed_as_on_paper_is_written_as_iso(branch):
    """--date 2026/7/3 (or 2026年7月3日), as the import takes it, is stored as 2026-07-03."""
    args = [a if a != "2026-07-03" else "2026/7/3" for a in COMMITTEE_ARGS]
    record = ok(run_pw(*args, cwd=branch)).stdout.strip()
    assert record.startswith("2026-07-03-committee-")
    text = (branch / "records" / "2026" / f"{record}.yaml").read_text(encoding="utf-8")
    assert "date: 2026-07-03\n" in text
    ok(run_pw("member", "add", "孙丽", "--joined", "2024年3月1日", cwd=branch))
