"""Issue 14: day-to-day work without dead ends — output, kinds, list --member, history, duplicates,
late entries. The real CLI on real git repositories."""

from __future__ import annotations

import json

import pytest

from conftest import COMMITTEE_ARGS, git, log_committee, ok, run_pw

# -- 10. output ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "suffix, starts",
    [
        (".json", "{"),
        (".md", "# "),
        (".csv", "id,date"),
        (".html", "<!DOCTYPE html>"),
        (".txt", ""),
    ],
)
def test_output_format_follows_the_extension(branch, tmp_path, suffix, starts):
    log_committee(branch)
    target = tmp_path / f"r{suffix}"
    ok(run_pw("report", "quarter", "2026Q3", "-o", str(target), cwd=branch))
    text = target.read_text(encoding="utf-8")
    if suffix == ".csv":  # issue 16: a CSV file starts with a BOM, for Excel on a Chinese Windows
        assert text.startswith("\ufeff")
        text = text[1:]
    assert text.startswith(starts)
    if suffix == ".json":
        assert json.loads(text)["schema"] == "pw.report/1"
    if suffix == ".txt":
        assert not text.startswith(("{", "#", "<")) and "|---" not in text
        assert "2026" in text


@pytest.mark.parametrize("name", ["r.pdf", "r.docx", "r"])  # .xlsx is written since issue 16
def test_output_refuses_an_extension_it_cannot_write(branch, tmp_path, name):
    target = tmp_path / name
    result = run_pw("report", "quarter", "2026Q3", "-o", str(target), cwd=branch)
    assert result.returncode == 2 and not target.exists()
    assert ".json" in result.stderr and ".html" in result.stderr and ".txt" in result.stderr
    assert "Traceback" not in result.stderr


def test_output_format_conflicting_with_the_extension(branch, tmp_path):
    target = tmp_path / "r.csv"
    result = run_pw(
        "report", "quarter", "2026Q3", "--format", "json", "-o", str(target), cwd=branch
    )
    assert result.returncode == 2 and not target.exists()
    ok(run_pw("report", "quarter", "2026Q3", "--format", "csv", "-o", str(target), cwd=branch))
    assert target.read_text(encoding="utf-8").startswith("\ufeffid,date")  # the BOM: issue 16


def test_version(tmp_path):
    from partywork import __version__

    result = ok(run_pw("--version", cwd=tmp_path))
    assert __version__ in result.stdout


def test_no_spec_in_help(branch):
    for args in (["report", "quarter"], ["audit"], ["--lang", "en", "report", "month"]):
        result = ok(run_pw(*args, "--help", cwd=branch))
        assert "SPEC" not in result.stdout


def test_click_messages_in_chinese(branch):
    result = run_pw("action", "done", "x", cwd=branch)
    assert result.returncode == 2
    for english in ("Missing option", "Usage:", "Try ", "Error:"):
        assert english not in result.stderr
    assert "--evidence" in result.stderr and "缺少选项" in result.stderr
    assert "用法" in result.stderr
    result = run_pw("nosuch", cwd=branch)
    assert result.returncode == 2 and "No such command" not in result.stderr
    assert "nosuch" in result.stderr
    result = run_pw("list", "--format", cwd=branch)
    assert result.returncode == 2 and "requires" not in result.stderr
    result = run_pw("--lang", "xx", "list", cwd=branch)
    assert result.returncode == 2 and "Invalid value" not in result.stderr


def test_no_arguments_show_the_help(branch):
    for args in ([], ["log"]):
        result = run_pw(*args, cwd=branch, today=None)
        shown = result.stdout + result.stderr
        assert result.returncode == 2 and "-h, --help" in shown
        assert not any(line.startswith(("Error", "错误")) for line in shown.splitlines())


def test_click_messages_in_english(branch):
    result = run_pw("--lang", "en", "action", "done", "x", cwd=branch)
    assert result.returncode == 2
    assert "Missing option '--evidence'" in result.stderr and "Usage:" in result.stderr


# -- 5. kinds -----------------------------------------------------------------------------------


def _committee_args(kind: str) -> list[str]:
    args = list(COMMITTEE_ARGS)
    args[args.index("--kind") + 1] = kind
    return args


def test_chinese_kind_logs_a_committee_meeting(branch):
    record = ok(run_pw(*_committee_args("支委会"), cwd=branch)).stdout.strip()
    assert "-committee-" in record
    shown = json.loads(ok(run_pw("show", record, "--format", "json", cwd=branch)).stdout)
    assert shown["kind"] == "committee" and shown["title"]


def test_unknown_kind_names_the_valid_ones(branch):
    head = git("rev-parse", "HEAD", cwd=branch)
    result = run_pw(*_committee_args("支部会"), cwd=branch)
    assert result.returncode == 2
    assert "committee" in result.stderr and "支委会" in result.stderr
    assert "collective" not in result.stderr  # only the meeting kinds
    assert git("rev-parse", "HEAD", cwd=branch) == head


@pytest.mark.parametrize(
    "typ, own, other",
    [
        ("meeting", "支委会", "first-topic"),
        ("study", "集中学习", "theme-day"),
        ("review", "组织生活会", "theme-day"),
    ],
)
def test_log_help_lists_its_own_kinds(branch, typ, own, other):
    for lang in ("zh", "en"):
        result = ok(run_pw("--lang", lang, "log", typ, "--help", cwd=branch))
        text = " ".join(result.stdout.split())
        assert own in text and other not in text


def test_list_kind_takes_types_and_chinese_names(branch):
    record = log_committee(branch)
    for kind in ("committee", "支委会", "meeting"):
        rows = json.loads(ok(run_pw("list", "--kind", kind, "--format", "json", cwd=branch)).stdout)
        assert [r["id"] for r in rows["records"]] == [record], kind
    rows = json.loads(ok(run_pw("list", "--kind", "study", "--format", "json", cwd=branch)).stdout)
    assert rows["records"] == []
    result = run_pw("list", "--kind", "nonsense", cwd=branch)
    assert result.returncode == 2 and "committee" in result.stderr


# -- 12. list --member --------------------------------------------------------------------------


def test_list_member_shows_attendance(branch):
    record = log_committee(branch)  # 王伟, 李芳 present; 张强 absent (出差, excused)
    rows = json.loads(
        ok(run_pw("list", "--member", "张强", "--format", "json", cwd=branch)).stdout
    )["records"]
    assert [(r["id"], r["attendance"]) for r in rows] == [(record, "excused")]
    rows = json.loads(
        ok(run_pw("list", "--member", "王伟", "--format", "json", cwd=branch)).stdout
    )["records"]
    assert rows[0]["attendance"] == "attended"
    csv_text = ok(run_pw("list", "--member", "张强", "--format", "csv", cwd=branch)).stdout
    assert csv_text.splitlines()[0].endswith(",attendance") and "excused" in csv_text
    table = ok(run_pw("list", "--member", "张强", "--format", "table", cwd=branch)).stdout
    assert "请假" in table


# -- 11. history and show -----------------------------------------------------------------------


def test_history_after_action_done_shows_the_fields(branch):
    record = log_committee(branch)
    ok(
        run_pw(
            "action",
            "done",
            f"{record}#1",
            "--evidence",
            "清单已印发",
            "--on",
            "2026-08-20",
            cwd=branch,
        )
    )
    text = ok(run_pw("history", record, cwd=branch)).stdout
    assert "议定/整改事项#1.状态: 进行中 → 已完成" in text
    assert "议定/整改事项#1.完成日期: 无 → 2026-08-20" in text
    assert "议定/整改事项#1.完成依据: 无 → 清单已印发" in text
    assert "顺序调整" not in text
    data = json.loads(ok(run_pw("history", record, "--format", "json", cwd=branch)).stdout)
    fields = {c["field"] for c in data["versions"][0]["changes"]}
    assert fields == {"actions#1.status", "actions#1.done_on", "actions#1.evidence"}
    shown = ok(run_pw("show", record, cwd=branch)).stdout
    assert "清单已印发" in shown and "2026-08-20" in shown


def test_show_labels_votes(branch, tmp_path):
    record = log_committee(branch)
    data = json.loads(ok(run_pw("show", record, "--format", "json", cwd=branch)).stdout)
    path = branch / "records" / "2026" / f"{record}.yaml"
    text = path.read_text(encoding="utf-8")
    assert "decisions" not in text
    text = text.replace(
        "actions:",
        "decisions:\n- text: 同意清单\n  vote:\n    for: 1\n    against: 0\n"
        "    abstain: 1\nactions:",
    )
    source = tmp_path / "fixed.yaml"
    source.write_text(text, encoding="utf-8")
    ok(run_pw("edit", record, "--from", str(source), "--reason", "补记表决", cwd=branch))
    shown = ok(run_pw("show", record, cwd=branch)).stdout
    assert "赞成 1" in shown and "反对 0" in shown and "弃权 1" in shown
    shown = ok(run_pw("--lang", "en", "show", record, cwd=branch)).stdout
    assert "for 1" in shown and "against 0" in shown and "abstain 1" in shown
    assert data["id"] == record


# -- 7. duplicates ------------------------------------------------------------------------------


def test_second_identical_log_warns_and_check_strict_fails(branch):
    first = log_committee(branch)
    ok(run_pw("check", "--strict", cwd=branch))
    result = ok(run_pw(*COMMITTEE_ARGS, cwd=branch))
    second = result.stdout.strip()
    assert second != first and first in result.stderr  # written, and the first one named
    result = ok(run_pw("check", cwd=branch))  # a warning only
    assert first in result.stdout + result.stderr and second in result.stdout + result.stderr
    result = run_pw("check", "--strict", cwd=branch)
    assert result.returncode == 1
    assert first in result.stdout and second in result.stdout and "DUPLICATE" in result.stdout
    # voiding one of them settles it
    ok(run_pw("void", second, "--reason", "重复录入", cwd=branch))
    ok(run_pw("check", "--strict", cwd=branch))


def test_same_day_other_kind_is_no_duplicate(branch):
    log_committee(branch)
    args = list(COMMITTEE_ARGS)
    args[args.index("--kind") + 1] = "general"
    args[args.index("--attendees") + 1] = "王伟,李芳,刘洋,陈静"
    args[args.index("--absent") + 1] = "张强:出差"
    result = ok(run_pw(*args, cwd=branch))
    assert "DUPLICATE" not in result.stderr


# -- 8. late entries ----------------------------------------------------------------------------


def test_late_meeting_without_a_terminal_warns(branch):
    result = ok(run_pw(*COMMITTEE_ARGS, cwd=branch))  # held 2026-07-03, logged 2026-11-26
    assert "LATE" in result.stderr and "--late-reason" in result.stderr
    result = ok(run_pw(*COMMITTEE_ARGS, "--late-reason", "记录人出差，回来补记", cwd=branch))
    assert "--late-reason" not in result.stderr
    record = result.stdout.strip()
    shown = json.loads(ok(run_pw("show", record, "--format", "json", cwd=branch)).stdout)
    assert shown["late_reason"] == "记录人出差，回来补记"


def test_recent_meeting_is_not_late(branch):
    result = ok(run_pw(*COMMITTEE_ARGS, cwd=branch, today="2026-07-04"))
    assert "--late-reason" not in result.stderr


def test_late_meeting_on_a_terminal_asks_for_the_reason(branch):
    import os
    import pty
    import subprocess
    import time

    from conftest import pw_argv

    master, slave = pty.openpty()
    process = subprocess.Popen(
        pw_argv(*COMMITTEE_ARGS, "--no-edit"),
        cwd=branch,
        stdin=slave,
        stderr=slave,
        stdout=subprocess.PIPE,
        env={**os.environ, "TERM": "dumb"},
    )
    os.close(slave)
    seen = b""
    deadline = time.time() + 30
    while b"LATE" not in seen and time.time() < deadline:
        seen += os.read(master, 4096)
    os.write(master, "会后补记\n".encode())
    stdout, _ = process.communicate(timeout=60)
    os.close(master)
    assert process.returncode == 0 and "LATE" in seen.decode("utf-8", "replace")
    record = stdout.decode().strip()
    shown = json.loads(ok(run_pw("show", record, "--format", "json", cwd=branch)).stdout)
    assert shown["late_reason"] == "会后补记"
