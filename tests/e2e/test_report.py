"""The quarterly report (SPEC §8) on a branch built through the CLI with known answers."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest

from conftest import git, isolated_env, ok, pw_argv, run_pw

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "schemas" / "pw.report-1.schema.json").read_text(
        encoding="utf-8"
    )
)
COMMON = ["--place", "项目部会议室", "--topic", "工作安排", "--minutes", "按议程进行。"]
EXTRA_MEMBERS = [
    ("孙丽", "g1", "full"),
    ("周杰", "g2", "full"),
    ("吴敏", "g2", "full"),
    ("郑浩", "g2", "probationary"),
]


def _log(root: Path, env: dict, *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        pw_argv(*args),
        cwd=root,
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture(scope="module")
def quarter(branch_template, tmp_path_factory) -> dict:
    """2026Q3 with known answers:
    - committee meetings in July and September only (the August one is voided), July's with 1 of 3;
    - g1 meets every month, g2 skips August;
    - a general meeting in September whose vote passed with 4 for out of 9 voting members;
    - 赵磊 joined on 08-01; a study session with a per-member override; an overdue action."""
    root = tmp_path_factory.mktemp("quarter") / "branch"
    shutil.copytree(branch_template, root)
    env = isolated_env(tmp_path_factory.mktemp("home"))
    env.update(
        {k: v for k, v in os.environ.items() if k.startswith(("PATH", "PYTHON", "VIRTUAL_ENV"))}
    )
    for name, group, status in EXTRA_MEMBERS:
        _log(
            root,
            env,
            "member",
            "add",
            name,
            "--group",
            group,
            "--status",
            status,
            "--joined",
            "2024-01-01",
        )
    ids = {}
    ids["july_committee"] = _log(
        root,
        env,
        "log",
        "meeting",
        "--kind",
        "committee",
        "--date",
        "2026-07-06",
        "--host",
        "王伟",
        "--recorder",
        "王伟",
        "--attendees",
        "王伟",
        "--absent",
        "李芳:出差",
        "--absent",
        "张强:病假",
        "--action",
        "完善安全生产责任清单|张强|2026-08-31",
        *COMMON,
    )
    ids["aug_committee"] = _log(
        root,
        env,
        "log",
        "meeting",
        "--kind",
        "committee",
        "--date",
        "2026-08-06",
        "--host",
        "王伟",
        "--recorder",
        "李芳",
        "--attendees",
        "王伟,李芳,张强",
        *COMMON,
    )
    _log(root, env, "void", ids["aug_committee"], "--reason", "误录：当天未开会")
    ids["sep_committee"] = _log(
        root,
        env,
        "log",
        "meeting",
        "--kind",
        "committee",
        "--date",
        "2026-09-06",
        "--host",
        "王伟",
        "--recorder",
        "李芳",
        "--attendees",
        "王伟,李芳,张强",
        *COMMON,
    )
    for month in ("07", "08", "09"):
        _log(
            root,
            env,
            "log",
            "meeting",
            "--kind",
            "group",
            "--group",
            "g1",
            "--date",
            f"2026-{month}-10",
            "--host",
            "王伟",
            "--recorder",
            "李芳",
            "--all-present",
            *COMMON,
        )
        if month != "08":
            _log(
                root,
                env,
                "log",
                "meeting",
                "--kind",
                "group",
                "--group",
                "g2",
                "--date",
                f"2026-{month}-11",
                "--host",
                "张强",
                "--recorder",
                "陈静",
                "--all-present",
                *COMMON,
            )
    ids["july_theme"] = _log(
        root,
        env,
        "log",
        "meeting",
        "--kind",
        "theme-day",
        "--date",
        "2026-07-20",
        "--host",
        "王伟",
        "--recorder",
        "李芳",
        "--all-present",
        *COMMON,
    )
    general = """kind: general
date: 2026-09-20
place: 项目部会议室
host: 王伟
recorder: 李芳
attendees: [王伟, 李芳, 张强, 刘洋, 陈静, 赵磊, 孙丽, 周杰, 郑浩]
absent: [{name: 吴敏, reason: 出差}]
topics: [讨论接收预备党员]
minutes: 逐一发表意见后表决。
decisions:
  - text: 同意接收某同志为预备党员
    vote: {for: 4, against: 3, abstain: 1}
"""
    ids["general"] = _log(root, env, "log", "meeting", "--from", "-", stdin=general)
    _log(
        root,
        env,
        "log",
        "study",
        "--kind",
        "collective",
        "--date",
        "2026-08-15",
        "--host",
        "王伟",
        "--recorder",
        "李芳",
        "--attendees",
        "王伟,李芳,赵磊",
        "--material",
        "支部工作条例",
        "--hours",
        "2",
        "--place",
        "会议室",
    )
    lecture = _log(
        root,
        env,
        "log",
        "meeting",
        "--kind",
        "lecture",
        "--date",
        "2026-09-25",
        "--host",
        "王伟",
        "--recorder",
        "李芳",
        "--all-present",
        "--lecturer",
        "王伟",
        "--hours",
        "3",
        *COMMON,
    )
    path = next((root / "records" / "2026").glob("2026-08-15-collective-*.yaml"))
    record_id = path.stem
    text = path.read_text(encoding="utf-8").replace(
        "hours: 2\n", "hours: 2\nhours_by_member:\n  王伟: 1.5\n"
    )
    (root / "override.yaml").write_text(text, encoding="utf-8")
    _log(
        root,
        env,
        "edit",
        record_id,
        "--reason",
        "王伟提前离场",
        "--from",
        str(root / "override.yaml"),
    )
    (root / "override.yaml").unlink()
    ids["lecture"] = lecture

    def report(*args: str, today: str = "2026-11-26") -> subprocess.CompletedProcess:
        return subprocess.run(
            pw_argv("report", *args, today=today),
            cwd=root,
            capture_output=True,
            text=True,
            env=env,
        )

    data = json.loads(report("quarter", "2026Q3", "--format", "json").stdout)
    return {"root": root, "env": env, "ids": ids, "data": data, "report": report}


def _rule(data: dict, rule: str, group: str | None = None) -> dict:
    return next(e for e in data["compliance"] if e["rule"] == rule and e["group"] == group)


def _codes(data: dict, code: str) -> list[dict]:
    return [f for f in data["findings"] if f["code"] == code]


def test_json_matches_the_schema(quarter):
    jsonschema.validate(quarter["data"], SCHEMA)
    assert quarter["data"]["period"] == {
        "label": "2026Q3",
        "start": "2026-07-01",
        "end": "2026-09-30",
    }
    assert quarter["data"]["commit"] == git("rev-parse", "HEAD", cwd=quarter["root"]).strip()


def test_missing_august_committee_meeting(quarter):
    committee = _rule(quarter["data"], "committee")
    assert (committee["required"], committee["held"], committee["ok"], committee["missing"]) == (
        3,
        2,
        False,
        ["2026-08"],
    )


def test_group_without_august_meeting_is_reported_alone(quarter):
    assert _rule(quarter["data"], "group", "g1")["missing"] == []
    assert _rule(quarter["data"], "group", "g2")["missing"] == ["2026-08"]
    missing = [f["message"] for f in _codes(quarter["data"], "MISSING")]
    assert any("第二党小组" in m and "2026-08" in m for m in missing)
    assert not any("第一党小组" in m for m in missing)


def test_committee_quorum(quarter):
    july = next(
        m for m in quarter["data"]["meetings"] if m["id"] == quarter["ids"]["july_committee"]
    )
    assert (july["expected"], july["present"], july["quorum_ok"]) == (3, 1, False)
    assert any(
        f["record"] == july["id"] and f["severity"] == "error"
        for f in _codes(quarter["data"], "QUORUM")
    )


def test_vote_without_a_majority_of_voting_members(quarter):
    errors = [f for f in _codes(quarter["data"], "VOTE") if f["severity"] == "error"]
    assert [f["record"] for f in errors] == [quarter["ids"]["general"]]
    assert "9" in errors[0]["message"] and "4" in errors[0]["message"]
    general = next(m for m in quarter["data"]["meetings"] if m["id"] == quarter["ids"]["general"])
    assert general["quorum_ok"] is False


def test_member_who_joined_in_august_is_not_expected_in_july(quarter):
    july_theme = next(
        m for m in quarter["data"]["meetings"] if m["id"] == quarter["ids"]["july_theme"]
    )
    assert july_theme["expected"] == 9  # the ten members but 赵磊
    zhao = next(a for a in quarter["data"]["attendance"] if a["member"] == "赵磊")
    assert (
        zhao["expected"] == 3
    )  # g2 in September (g2 skipped August), the general meeting, the lecture
    wang = next(a for a in quarter["data"]["attendance"] if a["member"] == "王伟")
    assert (wang["expected"], wang["attended"]) == (8, 8)
    li = next(a for a in quarter["data"]["attendance"] if a["member"] == "李芳")
    assert (li["excused"], li["unexcused"]) == (1, 0)


def test_study_hours_add_up_with_overrides(quarter):
    study = {s["member"]: s for s in quarter["data"]["study"]}
    assert study["王伟"]["hours"] == 1.5 + 3
    assert study["李芳"]["hours"] == 2 + 3
    assert study["赵磊"]["hours"] == 2 + 3
    assert study["刘洋"]["hours"] == 3
    assert study["王伟"]["target_to_date"] == 42.0 and study["刘洋"]["target_to_date"] == 24.0


def test_overdue_action(quarter):
    action = next(
        a for a in quarter["data"]["actions"] if a["id"] == quarter["ids"]["july_committee"] + "#1"
    )
    assert action["overdue"] is True and action["status"] == "open"
    assert _codes(quarter["data"], "OVERDUE")


def test_voided_meeting_counts_nowhere(quarter):
    assert quarter["ids"]["aug_committee"] not in [m["id"] for m in quarter["data"]["meetings"]]


def test_same_repo_same_today_same_bytes(quarter):
    for fmt in ("md", "json", "csv", "html"):
        first = quarter["report"]("quarter", "2026Q3", "--format", fmt).stdout
        second = quarter["report"]("quarter", "2026Q3", "--format", fmt).stdout
        assert first == second and first


def test_month_and_year_reports(quarter):
    month = json.loads(quarter["report"]("month", "2026-08", "--format", "json").stdout)
    assert month["period"]["label"] == "2026-08"
    assert _rule(month, "committee")["missing"] == ["2026-08"]
    assert _rule(month, "general")["held"] == 1  # the quarter's general meeting, counted to date
    year = json.loads(quarter["report"]("year", "2026", "--format", "json").stdout)
    assert _rule(year, "committee")["required"] == 11  # January to November have begun
    assert _rule(year, "org-life")["pending"] == ["2026"] and _rule(year, "org-life")["ok"]


def test_last_quarter_on_the_fifteenth_of_october(quarter):
    data = json.loads(
        quarter["report"]("quarter", "last", "--format", "json", today="2026-10-15").stdout
    )
    assert data["period"]["label"] == "2026Q3"


def test_markdown_and_csv_in_chinese_and_english(quarter):
    md = quarter["report"]("quarter", "2026Q3", "--format", "md").stdout
    assert "## 三会一课落实情况" in md and "缺 2026-08" in md
    english = subprocess.run(
        pw_argv("--lang", "en", "report", "quarter", "2026Q3", "--format", "md"),
        cwd=quarter["root"],
        capture_output=True,
        text=True,
        env=quarter["env"],
    ).stdout
    assert "## Rules of branch work" in english and "missing 2026-08" in english
    csv_text = quarter["report"]("quarter", "2026Q3", "--format", "csv").stdout
    meetings, attendance = csv_text.split("\n\n")
    assert meetings.startswith("id,date,type,kind") and attendance.startswith("member,expected")


def test_output_file(quarter, tmp_path):
    target = tmp_path / "报告.html"
    result = quarter["report"]("quarter", "2026Q3", "-o", str(target))
    assert result.returncode == 0 and result.stdout == ""
    text = target.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "<svg" in text
    assert "<script" not in text and "http://" not in text.replace("http://www.w3.org/2000/svg", "")


CHROMIUM = (
    shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
)


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_html_opens_in_headless_chromium_with_its_charts(quarter, tmp_path):
    page = tmp_path / "report.html"
    quarter["report"]("quarter", "2026Q3", "-o", str(page))
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    dom = subprocess.run(
        [CHROMIUM, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120
    ).stdout
    assert dom.count("<svg") == 2 and dom.count("<rect") >= 12
    assert "三会一课落实情况" in dom
    shot = tmp_path / "report.png"
    subprocess.run(
        [CHROMIUM, *flags, f"--screenshot={shot}", "--window-size=1000,1400", page.as_uri()],
        capture_output=True,
        timeout=120,
    )
    assert shot.exists() and shot.stat().st_size > 20000


def test_action_done_needs_evidence_and_makes_one_commit(quarter, tmp_path):
    root = tmp_path / "copy"
    shutil.copytree(quarter["root"], root)
    action = quarter["ids"]["july_committee"] + "#1"
    assert run_pw("action", "done", action, cwd=root).returncode == 2
    ok(
        run_pw(
            "action",
            "done",
            action,
            "--evidence",
            "责任清单已印发（项目部〔2026〕12号）",
            "--on",
            "2026-09-01",
            cwd=root,
        )
    )
    body = git("show", "-s", "--format=%B", "HEAD", cwd=root)
    assert (
        "Pw-Action: action-done" in body
        and f"Pw-Record: {quarter['ids']['july_committee']}" in body
    )
    assert git("show", "--name-only", "--format=", "HEAD", cwd=root).split() == [
        f"records/2026/{quarter['ids']['july_committee']}.yaml"
    ]
    listed = json.loads(ok(run_pw("action", "list", "--format", "json", cwd=root)).stdout)
    assert listed["schema"] == "pw.actions/1"
    done = next(a for a in listed["actions"] if a["id"] == action)
    assert (done["status"], done["overdue"], done["done_on"]) == ("done", False, "2026-09-01")
    assert run_pw("action", "done", action, "--evidence", "again", cwd=root).returncode == 65
    overdue = json.loads(
        ok(run_pw("action", "list", "--status", "overdue", "--format", "json", cwd=root)).stdout
    )
    assert action not in [a["id"] for a in overdue["actions"]]
    assert "已完成" in ok(run_pw("action", "list", cwd=root)).stdout  # the status label, in a table
    md = ok(run_pw("report", "quarter", "2026Q3", "--format", "md", cwd=root)).stdout
    assert f"| {action} |" in md and "已完成" in md


def test_action_drop_keeps_the_numbering(quarter, tmp_path):
    root = tmp_path / "copy"
    shutil.copytree(quarter["root"], root)
    action = quarter["ids"]["july_committee"] + "#1"
    assert run_pw("action", "drop", action, cwd=root).returncode == 2
    ok(run_pw("action", "drop", action, "--reason", "并入年度整改清单", cwd=root))
    assert "Pw-Reason: 并入年度整改清单" in git("show", "-s", "--format=%B", "HEAD", cwd=root)
    listed = json.loads(ok(run_pw("action", "list", "--format", "json", cwd=root)).stdout)[
        "actions"
    ]
    assert next(a for a in listed if a["id"] == action)["status"] == "dropped"
    assert run_pw("action", "done", "nonsense", "--evidence", "x", cwd=root).returncode == 65
    assert (
        run_pw(
            "action", "done", quarter["ids"]["july_committee"] + "#9", "--evidence", "x", cwd=root
        ).returncode
        == 66
    )


def test_items_overdue_before_the_period_are_counted_not_listed(quarter):
    q4 = json.loads(quarter["report"]("quarter", "2026Q4", "--format", "json").stdout)
    action = quarter["ids"]["july_committee"] + "#1"
    assert action not in [a["id"] for a in q4["actions"]]  # due 2026-08-31: it was Q3's to report
    assert q4["overdue_before"] == 1
    assert [f["severity"] for f in q4["findings"] if f["code"] == "OVERDUE-BEFORE"] == ["warning"]
    q3 = json.loads(quarter["report"]("quarter", "2026Q3", "--format", "json").stdout)
    assert action in [a["id"] for a in q3["actions"]] and q3["overdue_before"] == 0
