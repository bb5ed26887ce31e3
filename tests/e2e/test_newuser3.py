"""A new branch recorder's month with pw (newuser3): the dead ends found, each through the real CLI,
in Chinese where a user would type it."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import git, log_committee, ok, run_pw, trailers
from test_editor import editor_script
from test_sync import bare, clone

__all__ = ["bare"]  # the fixture, used by name


def test_history_shows_stored_values_in_the_users_language(branch: Path):
    record = log_committee(branch)
    ok(run_pw("edit", record, "--set", "mode=online", "--reason", "改为线上", cwd=branch))
    ok(run_pw("action", "done", record + "#1", "--evidence", "清单已印发", cwd=branch))
    ok(run_pw("void", record, "--reason", "重复录入", cwd=branch))
    text = ok(run_pw("history", record, cwd=branch)).stdout
    assert "形式: 线下 → 线上" in text
    assert "状态: 进行中 → 已完成" in text
    assert "完成日期: 无 → 2026-11-26" in text
    assert "日期 2026-11-26，原因 重复录入" in text
    for stored in ("offline", "online", "open", "done", "∅", "on=", "reason="):
        assert stored not in text, stored
    english = ok(run_pw("--lang", "en", "history", record, cwd=branch)).stdout
    assert "Mode: in person → online" in english
    # JSON keeps pw's own words, for scripts
    assert (
        '"after": "online"' in ok(run_pw("history", record, "--format", "json", cwd=branch)).stdout
    )


def test_history_shows_a_changed_kind_and_an_excuse_in_words(branch: Path, tmp_path: Path):
    record = log_committee(branch)
    text = (branch / "records/2026" / f"{record}.yaml").read_text(encoding="utf-8")
    draft = tmp_path / "改.yaml"
    draft.write_text(text.replace("excused: true", "excused: false"), encoding="utf-8")
    ok(run_pw("edit", record, "--from", str(draft), "--reason", "实为无故缺席", cwd=branch))
    shown = ok(run_pw("history", record, cwd=branch)).stdout
    assert "缺席#1.请假: 是 → 否" in shown, shown
    assert "true" not in shown and "false" not in shown


def test_member_leave_takes_a_reason_kept_in_the_members_history(branch: Path):
    ok(
        run_pw(
            "member",
            "leave",
            "陈静",
            "--on",
            "2026年11月20日",
            "--reason",
            "转往二公司党支部",
            cwd=branch,
        )
    )
    assert trailers(branch, "HEAD")["Pw-Reason"] == "转往二公司党支部"
    shown = ok(run_pw("history", "陈静", cwd=branch)).stdout
    first = shown.splitlines()[0]
    assert "花名册 — 转往二公司党支部" in first, shown
    assert "离开: 无 → 2026-11-20" in shown
    assert shown.rstrip().endswith("新建")  # the member's first version: the add
    audit = json.loads(ok(run_pw("audit", "--format", "json", cwd=branch)).stdout)
    assert not [f for f in audit["findings"] if f["code"] in ("FORGED", "OUTSIDE")]
    ok(run_pw("verify", cwd=branch))
    # a rename is found under either name, and a leave without a reason still works
    ok(
        run_pw(
            "member", "edit", "刘洋", "--set", "name=刘阳", "--reason", "按身份证更正", cwd=branch
        )
    )
    renamed = ok(run_pw("history", "刘洋", cwd=branch)).stdout
    assert "姓名: 刘洋 → 刘阳" in renamed and "按身份证更正" in renamed
    by_new_name = ok(run_pw("history", "刘阳", cwd=branch)).stdout
    assert "姓名: 刘洋 → 刘阳" in by_new_name and by_new_name.rstrip().endswith("新建")
    ok(run_pw("member", "leave", "刘阳", "--on", "2026-11-21", cwd=branch))
    missing = run_pw("history", "张三", cwd=branch)
    assert missing.returncode == 66 and "Traceback" not in missing.stderr


FULL_WIDTH = re.compile(r"[，：（）；、]")
MINUTES = ("王伟：传达上级安全生产会议精神。", "李芳：汇报整改进展。")


def test_english_output_has_no_full_width_punctuation(branch: Path):
    record = log_committee(branch)
    ok(run_pw("action", "done", record + "#1", "--evidence", "清单已印发", cwd=branch))
    dues = ok(
        run_pw(
            "log",
            "dues",
            "--date",
            "2026-11-25",
            "--collector",
            "李芳",
            "--paid",
            "王伟:120",
            "--paid",
            "李芳:90",
            "--exempt",
            "张强:困难",
            "--unpaid",
            "刘洋:出差",
            "--unpaid",
            "陈静:出差",
            "--unpaid",
            "赵磊:出差",
            cwd=branch,
        )
    ).stdout.strip()
    shown = {
        "show": ("show", record),
        "show dues": ("show", dues),
        "member list": ("member", "list"),
        "group list": ("group", "list"),
        "action list": ("action", "list"),
        "report": ("report", "quarter", "2026Q3", "--format", "md"),
        "report table": ("report", "quarter", "2026Q3", "--format", "table"),
        "year": ("report", "year", "2026", "--format", "md"),
        "history": ("history", record),
    }
    for what, args in shown.items():
        result = ok(run_pw("--lang", "en", *args, cwd=branch))
        text = result.stdout + result.stderr
        for line in MINUTES:  # the user's own words
            text = text.replace(line, "")
        assert not FULL_WIDTH.search(text), (what, FULL_WIDTH.findall(text), text)
    wrong = run_pw("--lang", "en", "log", "meeting", "--kind", "例会", cwd=branch)
    assert wrong.returncode == 2 and "committee (支委会)" in wrong.stderr, wrong.stderr
    assert not FULL_WIDTH.search(wrong.stderr), wrong.stderr
    ok(run_pw("--lang", "en", "binder", "2026Q3", "-o", str(branch.parent / "b.docx"), cwd=branch))
    import docx  # python-docx, the binder's own dependency

    words = "\n".join(p.text for p in docx.Document(str(branch.parent / "b.docx")).paragraphs)
    for line in MINUTES:
        words = words.replace(line, "")
    assert "Host's signature: " in words and not FULL_WIDTH.search(words), FULL_WIDTH.findall(words)
    # Chinese keeps its own punctuation
    chinese = ok(run_pw("show", record, cwd=branch)).stdout
    assert "张强（出差）" in chinese and "项目部会议室（线下）" in chinese


def _closed_q3(branch: Path) -> None:
    log_committee(branch)
    ok(run_pw("close", "2026Q3", cwd=branch))


def _as_older_pw_wrote_it(branch: Path) -> None:
    """HEAD's commit message without the Pw-After-Close trailer: what pw wrote before it refused
    a log into a sealed period (the version trailer never changed, so nothing else tells)."""
    message = git("show", "-s", "--format=%B", "HEAD", cwd=branch)
    kept = "\n".join(line for line in message.splitlines() if not line.startswith("Pw-After-Close"))
    git("commit", "--amend", "--allow-empty", "-q", "-m", kept, cwd=branch)


def _closed_edit_findings(branch: Path) -> list[tuple[str, str]]:
    data = json.loads(ok(run_pw("audit", "--format", "json", cwd=branch)).stdout)
    return [(f["severity"], f["message"]) for f in data["findings"] if f["code"] == "CLOSED-EDIT"]


SEPTEMBER = (
    "log",
    "meeting",
    "--kind",
    "主题党日",
    "--date",
    "2026年9月25日",
    "--place",
    "社区广场",
    "--host",
    "王伟",
    "--recorder",
    "李芳",
    "--attendees",
    "王伟，李芳，刘洋",
    "--topic",
    "志愿服务",
    "--minutes",
    "开展志愿服务。",
    "--late-reason",
    "纸质记录补录",
)


def test_a_log_an_older_pw_made_into_a_sealed_period_is_a_warning_not_an_error(branch: Path):
    _closed_q3(branch)
    ok(run_pw(*SEPTEMBER, "--after-close", cwd=branch))
    _as_older_pw_wrote_it(branch)
    found = _closed_edit_findings(branch)
    assert [s for s, _m in found] == ["warning"], found
    assert "--after-close" in found[0][1] and "pw/closed/2026Q3" in found[0][1]
    ok(run_pw("verify", cwd=branch))


def test_a_sealed_record_changed_without_after_close_is_still_an_error(branch: Path):
    _closed_q3(branch)
    record = next((branch / "records/2026").glob("2026-07-03-committee-*.yaml"))
    # an edit of a sealed record carrying pw's trailers but no Pw-After-Close: an error
    record.write_text(record.read_text(encoding="utf-8").replace("项目部会议室", "别处"), "utf-8")
    git("add", "-A", cwd=branch)
    git(
        "commit",
        "-q",
        "-m",
        "改\n\nPw-Action: edit\nPw-Record: " + record.stem + "\nPw-Reason: 改\nPw-Version: 0.3.0",
        cwd=branch,
    )
    # and a record added to the sealed quarter by hand, without pw's trailers: an error
    added = record.with_name(
        record.name.replace("2026-07-03", "2026-07-04").replace(record.stem[-4:], "zzzz")
    )
    text = record.read_text(encoding="utf-8").replace(record.stem, added.stem)
    added.write_text(text.replace("2026-07-03", "2026-07-04"), encoding="utf-8")
    git("add", "-A", cwd=branch)
    git("commit", "-q", "-m", "手工补一条", cwd=branch)
    found = _closed_edit_findings(branch)
    assert [s for s, _m in found] == ["error", "error"], found
    assert run_pw("verify", cwd=branch).returncode == 1


def test_usage_lines_in_errors_are_chinese_like_help(branch: Path):
    result = run_pw("edit", cwd=branch)
    assert result.returncode == 2
    assert "用法：" in result.stderr and "edit [选项]" in result.stderr
    assert "[OPTIONS]" not in result.stderr
    english = run_pw("--lang", "en", "edit", cwd=branch)
    assert "Usage: " in english.stderr and "edit [OPTIONS]" in english.stderr


GROUP_MEETING = (
    "log",
    "meeting",
    "--kind",
    "党小组会",
    "--group",
    "第一党小组",
    "--date",
    "2026年11月25日",
    "--place",
    "活动室",
    "--host",
    "王伟",
    "--recorder",
    "李芳",
    "--all-present",
    "--topic",
    "学习党章",
    "--minutes",
    "逐条学习党章第一章。",
    "--action",
    "整理学习笔记|李芳|2026年12月15日",
)


def test_a_group_meeting_takes_the_groups_name_and_a_due_date_typed_on_paper(branch: Path):
    result = ok(run_pw(*GROUP_MEETING, cwd=branch))
    record = result.stdout.strip()
    data = json.loads(ok(run_pw("show", record, "--format", "json", cwd=branch)).stdout)
    assert data["group"] == "g1" and data["actions"][0]["due"] == "2026-12-15"
    assert "NOT-EXPECTED" not in result.stderr
    assert data["title"] == "2026年第1次党小组会"


def test_a_missing_kind_does_not_ask_for_the_title_it_would_give(branch: Path):
    result = run_pw("log", "meeting", "--date", "2026-11-24", "--place", "活动室", cwd=branch)
    assert result.returncode == 65
    assert "种类（--kind）" in result.stderr and "--title" not in result.stderr


def test_action_list_takes_the_status_as_the_table_shows_it(branch: Path):
    record = log_committee(branch)
    ok(run_pw("action", "done", record + "#1", "--evidence", "清单已印发", cwd=branch))
    done = ok(run_pw("action", "list", "--status", "已完成", "--format", "json", cwd=branch))
    assert [a["id"] for a in json.loads(done.stdout)["actions"]] == [record + "#1"]
    assert (
        json.loads(
            ok(
                run_pw("action", "list", "--status", "进行中", "--format", "json", cwd=branch)
            ).stdout
        )["actions"]
        == []
    )
    wrong = run_pw("action", "list", "--status", "好了", cwd=branch)
    assert wrong.returncode == 2 and "已完成（done）" in wrong.stderr


def test_periods_as_a_chinese_recorder_types_them(branch: Path):
    log_committee(branch)
    for typed in ("2026年第三季度", "2026年三季度", "三季度", "第3季度"):
        data = json.loads(
            ok(run_pw("report", "quarter", typed, "--format", "json", cwd=branch)).stdout
        )
        assert data["period"]["label"] == "2026Q3", typed
    month = ok(run_pw("report", "month", "2026年7月", "--format", "json", cwd=branch)).stdout
    assert json.loads(month)["period"]["label"] == "2026-07"
    ok(run_pw("close", "2026年第三季度", cwd=branch))
    assert "pw/closed/2026Q3" in git("tag", "-l", cwd=branch)
    bad = run_pw("report", "quarter", "2026年第五季度", cwd=branch)
    assert bad.returncode == 2 and "2026年第三季度" in bad.stderr
    month13 = run_pw("report", "month", "2026年13月", cwd=branch)
    assert month13.returncode == 2 and "'2026年13月'" in month13.stderr


def test_check_says_which_problems_are_errors(branch: Path):
    log_committee(branch)
    record = next((branch / "records/2026").glob("*.yaml"))
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("host: 王伟", "host: 王玮"), encoding="utf-8")
    result = run_pw("check", cwd=branch)
    assert result.returncode == 1
    assert "UNKNOWN-MEMBER [错误]" in result.stdout, result.stdout
    assert "NOT-LISTED [警告]" in result.stdout or "[警告]" not in result.stdout


def test_a_probationary_member_rated_excellent_is_refused_when_logged(branch: Path):
    ok(
        run_pw(
            "member",
            "add",
            "孙莉",
            "--group",
            "g1",
            "--joined",
            "2026-01-10",
            "--status",
            "预备党员",
            cwd=branch,
        )
    )
    args = (
        "log",
        "appraisal",
        "--date",
        "2026-11-20",
        "--place",
        "党员活动室",
        "--host",
        "王伟",
        "--recorder",
        "李芳",
        "--all-present",
        "--minutes",
        "个人自评、党员互评、民主测评",
        "--grade",
        "王伟:合格",
    )
    before = git("rev-parse", "HEAD", cwd=branch)
    refused = run_pw(*args, "--grade", "孙莉：优秀", cwd=branch)
    assert refused.returncode == 65, refused.stderr
    assert "APPRAISAL-PROBATIONARY" in refused.stderr and "孙莉" in refused.stderr
    assert "pw member promote" in refused.stderr
    assert git("rev-parse", "HEAD", cwd=branch) == before
    ok(run_pw(*args, "--grade", "孙莉:合格", cwd=branch))


def test_edit_set_takes_the_fields_chinese_name(branch: Path):
    record = log_committee(branch)
    ok(run_pw("edit", record, "--set", "地点=党员活动室", "--reason", "地点写错", cwd=branch))
    shown = ok(run_pw("show", record, "--format", "json", cwd=branch)).stdout
    assert json.loads(shown)["place"] == "党员活动室"
    ok(run_pw("edit", record, "--set", "开始时间=09:00", "--reason", "补时间", cwd=branch))
    refused = run_pw("edit", record, "--set", "种类=支部党员大会", "--reason", "错", cwd=branch)
    assert refused.returncode == 2
    assert "地点（place）" in refused.stderr and "--from" in refused.stderr


def test_a_sync_conflict_says_what_differs_and_resolve_takes_chinese(bare, tmp_path: Path):
    first, remote = bare
    record = log_committee(first)
    ok(run_pw("sync", cwd=first))
    second = clone(str(remote), tmp_path / "第二台电脑")
    ok(run_pw("edit", record, "--set", "地点=社区党群服务中心", "--reason", "地点更正", cwd=second))
    ok(run_pw("sync", cwd=second))
    ok(run_pw("edit", record, "--set", "地点=第一会议室", "--reason", "更正地点", cwd=first))
    stopped = run_pw("sync", cwd=first)
    assert stopped.returncode == 65, stopped.stderr
    assert "地点：本地 “第一会议室”，远程 “社区党群服务中心”" in stopped.stderr, stopped.stderr
    ok(run_pw("resolve", record, "--keep", "远程", "--reason", "以王伟的为准", cwd=first))
    ok(run_pw("sync", cwd=first))
    shown = json.loads(ok(run_pw("show", record, "--format", "json", cwd=first)).stdout)
    assert shown["place"] == "社区党群服务中心"


def test_numbers_typed_with_their_unit_and_fields_named_as_pw_show_names_them(branch: Path):
    study = ok(
        run_pw(
            "log",
            "study",
            "--kind",
            "集中学习",
            "--date",
            "2026-11-26",
            "--place",
            "会议室",
            "--host",
            "王伟",
            "--recorder",
            "李芳",
            "--all-present",
            "--hours",
            "2.5小时",
            "--material",
            "《党章》",
            "--minutes",
            "集中学习党章。",
            cwd=branch,
        )
    ).stdout.strip()
    data = json.loads(ok(run_pw("show", study, "--format", "json", cwd=branch)).stdout)
    assert data["hours"] == 2.5
    dues = (
        "log",
        "dues",
        "--date",
        "2026-11-25",
        "--collector",
        "李芳",
        "--exempt",
        "张强:困难",
        "--unpaid",
        "刘洋:出差",
        "--unpaid",
        "陈静:出差",
        "--unpaid",
        "赵磊:出差",
    )
    wrong = run_pw(*dues, "--paid", "王伟:120元:2026年11月20日", "--paid", "李芳:九十", cwd=branch)
    assert wrong.returncode == 65
    assert "已交#2.金额（payments#2.amount）" in wrong.stderr, wrong.stderr
    paid = ok(run_pw(*dues, "--paid", "王伟:120元:2026年11月20日", "--paid", "李芳:90", cwd=branch))
    record = json.loads(
        ok(run_pw("show", paid.stdout.strip(), "--format", "json", cwd=branch)).stdout
    )
    assert record["payments"][0] == {"member": "王伟", "amount": 120, "paid_on": "2026-11-20"}


def test_dues_written_with_members_left_out_say_they_are_errors_that_block_close(branch: Path):
    logged = ok(
        run_pw(
            "log",
            "dues",
            "--date",
            "2026-09-25",
            "--collector",
            "李芳",
            "--paid",
            "王伟:120",
            "--late-reason",
            "补录",
            cwd=branch,
        )
    )
    assert "DUES-UNLISTED [错误]" in logged.stderr and "[警告]" not in logged.stderr
    assert "不能封存" in logged.stderr and "pw edit " + logged.stdout.strip() in logged.stderr
    refused = run_pw("close", "2026Q3", cwd=branch)
    assert refused.returncode == 65 and "pw check" in refused.stderr


def test_a_chinese_group_id_and_a_pdf_report_point_the_way(branch: Path):
    refused = run_pw("group", "add", "三组", "--name", "第三党小组", cwd=branch)
    assert refused.returncode == 2
    assert "pw group add g3 --name 第三党小组" in refused.stderr
    pdf = run_pw("report", "quarter", "2026Q3", "-o", str(branch / "报告.pdf"), cwd=branch)
    assert pdf.returncode == 2 and "pw binder" in pdf.stderr
    assert not (branch / "报告.pdf").exists()


def test_list_by_a_mistyped_member_says_the_roster_has_no_such_name(branch: Path):
    log_committee(branch)
    result = ok(run_pw("list", "--member", "王玮", "--format", "table", cwd=branch))
    assert "花名册中没有 '王玮'" in result.stderr and "王伟" in result.stderr
    known = ok(run_pw("list", "--member", "赵磊", "--format", "table", cwd=branch))
    assert "花名册中没有" not in known.stderr


def test_a_kind_given_as_the_types_name_says_which_kinds_there_are(branch: Path):
    result = run_pw("log", "talk", "--kind", "谈心谈话", "--date", "2026-11-20", cwd=branch)
    assert result.returncode == 2
    assert "“谈心谈话”是这类记录的名称" in result.stderr and "个别谈话" in result.stderr
    assert "是否想写 '集体谈话'" not in result.stderr


def test_init_without_since_tells_how_months_before_pw_would_count(tmp_path: Path):
    result = ok(
        run_pw(
            "init",
            str(tmp_path / "红星支部"),
            "--branch",
            "红星社区第一党支部",
            cwd=tmp_path,
            today=None,
        )
    )
    assert "--since" in result.stderr and "WEAKENED" in result.stderr
    quiet = ok(
        run_pw(
            "init",
            str(tmp_path / "新支部"),
            "--branch",
            "新支部",
            "--since",
            "2026-11-01",
            cwd=tmp_path,
        )
    )
    assert "--since" not in quiet.stderr


FIX_PLACE = """
path.write_text(text.replace("place: 项目部会议室", "place: 党员活动室"), encoding="utf-8")
"""


def test_edit_opens_the_editor_when_asked_without_a_terminal(branch: Path, tmp_path: Path):
    record = log_committee(branch)
    without = run_pw("edit", record, "--reason", "更正地点", cwd=branch)
    assert without.returncode == 2 and "--edit" in without.stderr
    env = {"EDITOR": editor_script(tmp_path, FIX_PLACE)}
    ok(run_pw("edit", record, "--edit", "--reason", "更正地点", cwd=branch, env=env))
    shown = json.loads(ok(run_pw("show", record, "--format", "json", cwd=branch)).stdout)
    assert shown["place"] == "党员活动室"
    assert "地点: 项目部会议室 → 党员活动室" in ok(run_pw("history", record, cwd=branch)).stdout
