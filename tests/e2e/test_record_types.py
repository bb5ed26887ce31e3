"""Issue 15: the record types appraisal (民主评议党员), talk (谈心谈话), dues (党费) and the
incentive meeting (激励会), each logged with --from, shown, listed and checked through the real
CLI; and the 2026 year report's coverage rules on a branch a secretary would keep."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import jsonschema
import pytest

from conftest import ok, pw_argv, run_pw

APPRAISAL = """type: appraisal
kind: annual
title: 2026年度民主评议党员
date: 2026-11-20
year: 2026
place: 党员活动室
host: 王伟
recorder: 李芳
attendees: [王伟, 李芳, 张强, 刘洋, 陈静, 赵磊]
minutes: |
  个人自评、党员互评、民主测评。
grades:
  - {member: 王伟, grade: 优秀}
  - {member: 李芳, grade: qualified, note: 测评票数 6/0/0}
  - {member: 张强, grade: 合格}
  - {member: 刘洋, grade: 基本合格}
  - {member: 陈静, grade: qualified}
  - {member: 赵磊, grade: qualified}
"""

TALK = """type: talk
kind: one-to-one
title: 书记与张强谈心谈话
date: 2026-11-05
host: 王伟
attendees: [王伟, 张强]
topics: [工作思想状况]
minutes: |
  张强谈了项目一线的困难，王伟提出建议。
"""

DUES = """type: dues
kind: monthly
title: 2026年11月党费收缴
date: 2026-11-25
month: 2026-11
collector: 李芳
payments:
  - {member: 王伟, amount: 120.5, paid_on: 2026-11-10}
  - {member: 李芳, amount: 360, paid_on: 2026-11-08, months: [2026-11, 2026-12, 2027-01]}
  - {member: 张强, amount: 80, paid_on: 2026-11-10}
  - {member: 刘洋, amount: 60, paid_on: 2026-11-12}
exempt:
  - {name: 陈静, reason: 生活困难，经支部研究、报上级党委批准免交}
unpaid:
  - {name: 赵磊, reason: 出差未交}
"""

INCENTIVE = """type: meeting
kind: incentive
title: 2026年第1次激励会
date: 2026-11-18
place: 项目部会议室
host: 王伟
recorder: 李芳
attendees: [王伟, 李芳, 张强, 刘洋, 陈静, 赵磊]
topics: [表彰主体结构封顶突击队]
minutes: |
  王伟宣读表彰决定。
commendations:
  - {member: 张强, honour: 优秀共产党员, reason: 带领突击队提前完成主体结构封顶}
"""


def _log(root: Path, typ: str, text: str, name: str = "record.yaml") -> str:
    source = root.parent / name
    source.write_text(text, encoding="utf-8")
    return ok(run_pw("log", typ, "--from", str(source), cwd=root)).stdout.strip()


def _shown(root: Path, ident: str) -> dict:
    return json.loads(ok(run_pw("show", ident, "--format", "json", cwd=root)).stdout)


@pytest.mark.parametrize(
    "typ,text,expected",
    [
        (
            "appraisal",
            APPRAISAL,
            {"year": 2026, "grades": [{"member": "王伟", "grade": "excellent"}]},
        ),
        ("talk", TALK, {"attendees": ["王伟", "张强"], "host": "王伟"}),
        (
            "dues",
            DUES,
            {
                "month": "2026-11",
                "payments": [{"member": "王伟", "amount": 120.5, "paid_on": "2026-11-10"}],
                "exempt": [{"name": "陈静", "reason": "生活困难，经支部研究、报上级党委批准免交"}],
            },
        ),
        (
            "meeting",
            INCENTIVE,
            {
                "commendations": [
                    {
                        "member": "张强",
                        "honour": "优秀共产党员",
                        "reason": "带领突击队提前完成主体结构封顶",
                    }
                ]
            },
        ),
    ],
)
def test_each_new_type_is_logged_shown_listed_and_checked_clean(branch, typ, text, expected):
    ident = _log(branch, typ, text)
    shown = _shown(branch, ident)
    assert shown["type"] == typ
    for key, value in expected.items():
        if isinstance(value, list) and isinstance(value[0], dict):
            assert shown[key][: len(value)] == value
        else:
            assert shown[key] == value
    listed = json.loads(ok(run_pw("list", "--type", typ, "--format", "json", cwd=branch)).stdout)
    assert [r["id"] for r in listed["records"]] == [ident]
    check = ok(run_pw("check", "--strict", cwd=branch))
    assert ident not in check.stdout
    text_view = ok(run_pw("show", ident, cwd=branch)).stdout
    assert shown["title"] in text_view


def test_grades_in_chinese_are_stored_in_english(branch):
    ident = _log(branch, "appraisal", APPRAISAL)
    stored = (branch / "records" / "2026" / f"{ident}.yaml").read_text(encoding="utf-8")
    assert "grade: excellent" in stored and "grade: basic" in stored
    assert "优秀" not in stored and "基本合格" not in stored
    shown = ok(run_pw("show", ident, cwd=branch)).stdout
    assert "王伟: 优秀" in shown  # shown in Chinese again


def test_a_wrong_grade_is_refused_naming_it(branch):
    source = branch.parent / "bad.yaml"
    source.write_text(APPRAISAL.replace("grade: 合格}", "grade: 优良}"), encoding="utf-8")
    result = run_pw("log", "appraisal", "--from", str(source), cwd=branch)
    assert result.returncode == 65, result.stderr
    assert "优良" in result.stderr
    assert not list((branch / "records").glob("2026/*appraisal*"))


def test_a_payer_not_in_the_roster_is_refused_naming_them(branch):
    source = branch.parent / "bad.yaml"
    source.write_text(DUES.replace("member: 张强", "member: 张三"), encoding="utf-8")
    result = run_pw("log", "dues", "--from", str(source), cwd=branch)
    assert result.returncode == 65, result.stderr
    assert "张三" in result.stderr


def test_list_kind_finds_the_incentive_meeting_by_its_chinese_name(branch):
    ident = _log(branch, "meeting", INCENTIVE)
    _log(branch, "talk", TALK, "talk.yaml")
    found = json.loads(
        ok(run_pw("list", "--kind", "激励会", "--format", "json", cwd=branch)).stdout
    )
    assert [r["id"] for r in found["records"]] == [ident]


def test_flags_log_a_dues_record_and_an_unlisted_member_fails_check(branch):
    logged = ok(
        run_pw(
            "log",
            "dues",
            "--date",
            "2026-10-31",
            "--collector",
            "李芳",
            "--paid",
            "王伟:120",
            "--paid",
            "李芳:80",
            "--paid",
            "张强:80",
            "--exempt",
            "陈静:生活困难",
            "--unpaid",
            "赵磊:出差",
            cwd=branch,
        )
    )
    assert "DUES-UNLISTED" in logged.stderr and "刘洋" in logged.stderr  # told at once
    shown = _shown(branch, logged.stdout.strip())
    assert shown["title"] == "2026年10月党费收缴" and shown["month"] == "2026-10"
    assert shown["payments"][0] == {"member": "王伟", "amount": 120, "paid_on": "2026-10-31"}
    check = run_pw("check", cwd=branch)
    assert check.returncode == 1
    assert "DUES-UNLISTED" in check.stdout and "刘洋" in check.stdout


def test_the_editor_template_of_a_talk_explains_its_fields(branch, tmp_path):
    import sys

    seen = tmp_path / "seen.yaml"
    script = tmp_path / "editor.py"
    script.write_text(
        "import sys, pathlib\n"
        "path = pathlib.Path(sys.argv[1])\n"
        "text = path.read_text(encoding='utf-8')\n"
        f"pathlib.Path(r'{seen}').write_text(text, encoding='utf-8')\n"
        "text = text.replace('topics:\\n', 'topics: [工作思想状况]\\n', 1)\n"
        "text = text.replace('minutes: |\\n', 'minutes: 谈了项目一线的困难。\\n', 1)\n"
        "path.write_text(text, encoding='utf-8')\n",
        encoding="utf-8",
    )
    result = ok(
        run_pw(
            "log",
            "talk",
            "--kind",
            "个别谈话",
            "--date",
            "2026-11-05",
            "--host",
            "王伟",
            "--attendees",
            "王伟,张强",
            "--edit",
            cwd=branch,
            env={"EDITOR": f"{sys.executable} {script}"},
        )
    )
    template = seen.read_text(encoding="utf-8")
    assert "kind: one-to-one" in template and "# 谈话人" in template
    assert "absent" not in template  # not a field of a talk
    record = _shown(branch, result.stdout.strip())
    assert record["topics"] == ["工作思想状况"] and record["attendees"] == ["王伟", "张强"]


def test_a_quarterly_payment_covers_the_later_months(branch):
    _log(branch, "dues", DUES)
    december = DUES.replace("2026-11", "2026-12").replace("2026年11月", "2026年12月")
    december = december.replace("date: 2026-12-25", "date: 2026-11-26")
    lines = [line for line in december.splitlines() if "李芳, amount" not in line]
    ident = _log(branch, "dues", "\n".join(lines) + "\n", "dec.yaml")
    check = ok(run_pw("check", cwd=branch))
    assert ident not in check.stdout  # 李芳 paid December in November: not unlisted
    again = run_pw("log", "dues", "--from", str(branch.parent / "dec.yaml"), cwd=branch)
    assert again.returncode == 0
    check = run_pw("check", cwd=branch)
    assert "DUES-MONTH-TWICE" in check.stdout


# -- the 2026 year report -------------------------------------------------------------------------

MORE = [("黄海", "full"), ("周敏", "full"), ("吴涛", "full"), ("徐丽", "full")]


def _year_branch(root: Path) -> None:
    for name, status in MORE:
        ok(
            run_pw(
                "member",
                "add",
                name,
                "--group",
                "g2",
                "--status",
                status,
                "--joined",
                "2024-01-01",
                cwd=root,
            )
        )
    everyone = ["王伟", "李芳", "张强", "刘洋", "陈静", "赵磊", "黄海", "周敏", "吴涛", "徐丽"]
    grades = dict.fromkeys(["王伟", "李芳", "刘洋", "陈静", "黄海"], "优秀")
    grades.update(dict.fromkeys(["张强", "赵磊", "周敏", "吴涛"], "合格"))  # 徐丽 left out
    appraisal = (
        APPRAISAL.replace(
            "attendees: [王伟, 李芳, 张强, 刘洋, 陈静, 赵磊]", f"attendees: [{', '.join(everyone)}]"
        ).split("grades:")[0]
        + "grades:\n"
        + "".join(f"  - {{member: {m}, grade: {g}}}\n" for m, g in grades.items())
    )
    _log(root, "appraisal", appraisal, "appraisal.yaml")
    # 王伟 talks with 李芳 and with the members; 张强, on the committee, with nobody
    _log(root, "talk", TALK.replace("张强", "李芳"), "talk1.yaml")
    group_talk = TALK.replace("kind: one-to-one", "kind: one-to-many").replace(
        "attendees: [王伟, 张强]", "attendees: [王伟, 刘洋, 陈静, 赵磊, 黄海, 周敏, 吴涛, 徐丽]"
    )
    _log(root, "talk", group_talk, "talk2.yaml")
    # 刘洋 unpaid from June to November: six months in a row
    for month in range(6, 12):
        label = f"2026-{month:02d}"
        paid = [n for n in everyone if n != "刘洋"]
        text = (
            f"type: dues\nkind: monthly\ntitle: 2026年{month}月党费收缴\n"
            f"date: {label}-25\nmonth: {label}\ncollector: 李芳\npayments:\n"
            + "".join(
                f"  - {{member: {n}, amount: 50, paid_on: {label}-10}}\n"
                for n in paid
                if not (n == "赵磊" and month < 8)
            )
            + "unpaid:\n  - {name: 刘洋, reason: 未交}\n"
        )
        _log(root, "dues", text, f"dues{month}.yaml")


def test_the_year_report_judges_appraisals_talks_and_dues(branch):
    _year_branch(branch)
    assert ok(run_pw("check", cwd=branch)).returncode == 0
    report = json.loads(ok(run_pw("report", "year", "2026", "--format", "json", cwd=branch)).stdout)
    by_code: dict[str, list[dict]] = {}
    for f in report["findings"]:
        by_code.setdefault(f["code"], []).append(f)
    ungraded = by_code["APPRAISAL-UNGRADED"]
    assert [f["severity"] for f in ungraded] == ["warning"]
    assert "徐丽" in ungraded[0]["message"]
    share = by_code["APPRAISAL-EXCELLENT-SHARE"][0]
    assert "5" in share["message"] and "9" in share["message"]
    talked = [f["message"] for f in by_code["TALK-MEMBER"]]
    assert len(talked) == 1 and "张强" in talked[0]
    assert by_code["TALK-MEMBER"][0]["severity"] == "warning"  # November: the last quarter
    assert {tuple(p) for p in report["talks"]["pairs_missing"]} == {
        ("王伟", "张强"),
        ("李芳", "张强"),
    }
    unpaid = by_code["DUES-UNPAID"]
    assert [f["severity"] for f in unpaid] == ["error"] and "刘洋" in unpaid[0]["message"]
    assert "6" in unpaid[0]["message"]
    schema = Path(__file__).resolve().parents[2] / "schemas" / "pw.report-1.schema.json"
    jsonschema.validate(report, json.loads(schema.read_text(encoding="utf-8")))
    row = next(r for r in report["dues"] if r["member"] == "刘洋")
    assert row["unpaid"] == 6 and row["months_unpaid"] == 6
    markdown = ok(run_pw("report", "year", "2026", "--format", "md", cwd=branch)).stdout
    for heading in ("民主评议党员", "谈心谈话", "党费收缴"):
        assert f"## {heading}" in markdown


def test_a_quarter_report_shows_the_commendations_and_talks_in_it(branch):
    _log(branch, "meeting", INCENTIVE)
    _log(branch, "talk", TALK, "talk.yaml")
    report = json.loads(
        ok(run_pw("report", "quarter", "2026Q4", "--format", "json", cwd=branch)).stdout
    )
    assert [c["member"] for c in report["commendations"]] == ["张强"]
    assert [t["with"] for t in report["talks"]["held"]] == [["张强"]]
    q3 = json.loads(
        ok(run_pw("report", "quarter", "2026Q3", "--format", "json", cwd=branch)).stdout
    )
    assert q3["commendations"] == [] and q3["talks"]["held"] == []
    assert not [f for f in q3["findings"] if f["code"].startswith("TALK")]  # judged from Q4


def _later(root: Path, *args: str) -> None:
    """pw run on 2026-12-20, by git's clock and Python's."""
    command = ["faketime", "-f", "@2026-12-20 20:00:00", *pw_argv(*args, today=None)]
    env = {**os.environ, "FAKETIME_DONT_FAKE_MONOTONIC": "1"}
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr


def test_a_grade_or_a_payment_changed_afterwards_is_amended_in_the_audit(branch):
    appraisal = _log(branch, "appraisal", APPRAISAL)
    dues = _log(branch, "dues", DUES, "dues.yaml")
    changed = branch.parent / "changed.yaml"
    stored = (branch / "records" / "2026" / f"{appraisal}.yaml").read_text(encoding="utf-8")
    changed.write_text(stored.replace("grade: basic", "grade: 合格"), encoding="utf-8")
    _later(branch, "edit", appraisal, "--from", str(changed), "--reason", "更正等次")
    stored = (branch / "records" / "2026" / f"{dues}.yaml").read_text(encoding="utf-8")
    changed.write_text(stored.replace("amount: 80", "amount: 100"), encoding="utf-8")
    _later(branch, "edit", dues, "--from", str(changed), "--reason", "更正金额")
    history = ok(run_pw("history", appraisal, cwd=branch)).stdout
    assert "更正等次" in history and "评定等次" in history
    audit = json.loads(ok(run_pw("audit", "--format", "json", cwd=branch)).stdout)["findings"]
    amended = {f["record"]: f for f in audit if f["code"] == "AMENDED"}
    # both changed weeks after the day they record: the rewrite of grades and payments is named
    assert set(amended) == {appraisal, dues}
    assert "评定等次#4.等次: 基本合格 → 合格" in amended[appraisal]["message"]
    assert "grades" not in amended[appraisal]["message"]
    assert "已交#3.金额: 80 → 100" in amended[dues]["message"]


def test_a_voided_appraisal_counts_nowhere(branch):
    ident = _log(branch, "appraisal", APPRAISAL)
    ok(run_pw("void", ident, "--reason", "重复录入", cwd=branch))
    report = json.loads(ok(run_pw("report", "year", "2026", "--format", "json", cwd=branch)).stdout)
    assert report["appraisals"] == []
    assert not [f for f in report["findings"] if f["code"].startswith("APPRAISAL")]


def test_a_temporary_branch_s_dues_record_is_a_warning_and_counts_nowhere(branch):
    ok(run_pw("config", "set", "type", "temporary", "--reason", "改为临时党支部", cwd=branch))
    ident = _log(
        branch, "dues", DUES.replace("  - {member: 张强, amount: 80, paid_on: 2026-11-10}\n", "")
    )
    check = ok(run_pw("check", cwd=branch))  # no DUES-UNLISTED error for 张强: no rule applies
    assert "DUES-TEMPORARY" in check.stdout and "DUES-UNLISTED" not in check.stdout
    assert ident in check.stdout
    report = json.loads(ok(run_pw("report", "year", "2026", "--format", "json", cwd=branch)).stdout)
    assert report["dues"] == []


def test_in_english_too(branch):
    source = branch.parent / "bad.yaml"
    source.write_text(APPRAISAL.replace("grade: 合格}", "grade: 优良}"), encoding="utf-8")
    refused = run_pw("--lang", "en", "log", "appraisal", "--from", str(source), cwd=branch)
    assert refused.returncode == 65
    assert "'优良' is not valid" in refused.stderr or "优良" in refused.stderr
    assert "excellent (优秀)" in refused.stderr  # the valid grades, with their Chinese
    ident = _log(branch, "appraisal", APPRAISAL)
    shown = ok(run_pw("--lang", "en", "show", ident, cwd=branch)).stdout
    assert (
        "Grades:" in shown and "王伟: excellent" in shown and "刘洋: basically qualified" in shown
    )
    talk = _log(branch, "talk", TALK, "talk.yaml")
    listed = ok(run_pw("--lang", "en", "list", "--type", "talk", cwd=branch)).stdout
    assert talk in listed and "one-to-one talk" in listed
