"""The third attack round: a secretary hiding skipped meetings and late minutes, and a folder made
to make the supervisor's pw report "clean". Each attack first, then the honest history it must not
touch. Histories are made by pw under faketime (test_audit's `clean` branch) and changed with
plain git, as the secretary would."""

from __future__ import annotations

import hashlib
import json
import os
import struct
import subprocess
import time
from pathlib import Path

import pytest

import test_audit
from conftest import pw_argv
from test_audit import FAKETIME, at, audit, found, pw, raw_git, verify

# test_audit's fixtures, used here by name (an import would be shadowed by each test's parameter)
clean = test_audit.clean
branch = test_audit.branch

pytestmark = pytest.mark.skipif(
    FAKETIME is None, reason="faketime is not installed (.ci/run installs it)"
)

REPORT = ("report", "quarter", "2026Q3", "--format", "json")


def report(root: Path, env: dict, *args: str) -> dict:
    result = pw(root, env, *(args or REPORT))
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    return json.loads(result.stdout)


def record_file(root: Path, rid: str) -> Path:
    return root / "records" / rid[:4] / f"{rid}.yaml"


def committee(day: str, minutes: str, *extra: str) -> list[str]:
    return [
        "log",
        "meeting",
        "--kind",
        "committee",
        "--date",
        day,
        "--place",
        "项目部会议室",
        "--host",
        "王伟",
        "--recorder",
        "李芳",
        "--attendees",
        "王伟,李芳,张强",
        "--topic",
        "四季度工作",
        "--minutes",
        minutes,
        *extra,
    ]


# -- a record file an ignore rule hides from git status -------------------------------------------


def _fabricated(root: Path, ids: dict) -> str:
    """A committee meeting never committed: a copy of September's with another day and minutes."""
    rid = "2026-09-25-committee-ex01"
    text = (
        record_file(root, ids["committee-09"])
        .read_text(encoding="utf-8")
        .replace(ids["committee-09"], rid)
        .replace("date: 2026-09-02", "date: 2026-09-25")
    )
    text = text.split("minutes:")[0] + "minutes: 刘洋汇报党员教育情况，张强通报安全检查结果。\n"
    record_file(root, rid).write_text(text, encoding="utf-8")
    return rid


def test_a_record_hidden_by_an_ignore_rule_is_named_by_audit_verify_and_status(branch):
    root, env, ids = branch
    rid = _fabricated(root, ids)
    # .git/info/exclude: no commit shows it, and git status no longer lists the file
    with open(root / ".git" / "info" / "exclude", "a", encoding="utf-8") as handle:
        handle.write(f"records/2026/{rid}.yaml\n")
    assert rid in [m["id"] for m in report(root, env)["meetings"]]  # the report counts it
    assert [f["record"] for f in found(audit(root, env), "OUTSIDE")] == [rid]
    status, data = verify(root, env)
    assert status == 1 and [f["record"] for f in data["findings"]] == [rid]
    shown = pw(root, env, "status", "--format", "json")
    assert f"records/2026/{rid}.yaml" in json.loads(shown.stdout)["uncommitted"], shown.stderr


def test_a_committed_gitignore_hides_nothing_either(branch):
    root, env, ids = branch
    rid = _fabricated(root, ids)
    (root / "records" / ".gitignore").write_text("2026/*-ex01.yaml\n", encoding="utf-8")
    raw_git(root, env, "add", "records/.gitignore")
    raw_git(root, env, "commit", "-q", "-m", "ignore", when="2026-10-01T20:00:00+00:00")
    assert [f["record"] for f in found(audit(root, env), "OUTSIDE")] == [rid]
    assert verify(root, env)[0] == 1


def test_ignored_files_pw_never_reads_stay_quiet(branch):
    root, env, _ids = branch
    (root / ".git" / "info" / "exclude").write_text("*.swp\n*~\n", encoding="utf-8")
    (root / "records" / "2026" / ".2026-09-02.yaml.swp").write_bytes(b"\0swap")
    (root / "records" / "2026" / "notes.txt~").write_text("草稿", encoding="utf-8")
    assert verify(root, env) == (0, {"schema": "pw.verify/1", "ok": True, "findings": []})


# -- minutes written before the meeting -----------------------------------------------------------


def test_minutes_committed_before_the_day_they_record_are_backdated(branch):
    root, env, _ids = branch
    # on 1 October, pretending it is 30 October, the minutes of a meeting "held" on the 28th
    ahead = at(
        "2026-10-01",
        root,
        env,
        "--today",
        "2026-10-30",
        *committee("2026-10-28", "王伟：布置四季度工作，要求各班组落实安全责任。"),
    ).stdout.strip()
    hits = [f for f in found(audit(root, env), "BACKDATE") if f["record"] == ahead]
    assert len(hits) == 1 and hits[0]["severity"] == "warning"
    assert "2026-10-01" in hits[0]["message"] and "27" in hits[0]["message"]
    assert ahead in [
        f["record"]
        for f in report(root, env, "report", "quarter", "2026Q4", "--format", "json")["findings"]
        if f["code"] == "BACKDATE"
    ]
    assert verify(root, env)[0] == 1


def test_a_record_logged_on_its_day_in_the_earliest_time_zone_is_not_backdated(branch):
    root, env, _ids = branch
    # 00:30 on 28 October at UTC+14 is still the 27th in UTC
    command = [
        FAKETIME,
        "-f",
        "@2026-10-28 00:30:00",  # read in TZ: UTC+14
        *pw_argv(today=None),
        *committee("2026-10-28", "王伟：布置四季度工作，各班组落实安全责任。"),
    ]
    result = subprocess.run(
        command,
        cwd=root,
        capture_output=True,
        text=True,
        env={**env, "TZ": "Pacific/Kiritimati", "FAKETIME_DONT_FAKE_MONOTONIC": "1"},
    )
    assert result.returncode == 0, result.stderr
    assert found(audit(root, env), "BACKDATE") == []
    assert verify(root, env)[0] == 0


# -- a commit date git cannot read ----------------------------------------------------------------


@pytest.mark.parametrize(
    "date",
    ["-5 +0000", "later +0000", "18446744073709551615 +0000"],
    ids=["negative", "text", "overflow"],
)
def test_a_commit_date_git_cannot_read_is_backdated_not_a_crash(branch, date):
    root, env, ids = branch
    rid = "2026-09-28-committee-zz01"
    text = (
        record_file(root, ids["committee-09"])
        .read_text(encoding="utf-8")
        .replace(ids["committee-09"], rid)
        .replace("date: 2026-09-02", "date: 2026-09-28")
    )
    record_file(root, rid).write_text(text, encoding="utf-8")
    raw_git(root, env, "add", "records")
    tree = raw_git(root, env, "write-tree").strip()
    parent = raw_git(root, env, "rev-parse", "HEAD").strip()
    body = (
        f"tree {tree}\nparent {parent}\nauthor 组织委员 <recorder@example.org> {date}\n"
        f"committer 组织委员 <recorder@example.org> {date}\n\n记录 支委会\n\n"
        f"Pw-Action: log\nPw-Record: {rid}\n"
    )
    made = subprocess.run(
        ["git", "hash-object", "-t", "commit", "-w", "--stdin", "--literally"],
        cwd=root,
        input=body.encode("utf-8"),
        capture_output=True,
        env=env,
        check=True,
    )
    raw_git(root, env, "reset", "-q", "--soft", made.stdout.decode().strip())
    hits = [f for f in found(audit(root, env), "BACKDATE") if f["record"] == rid]
    assert hits and all(f["severity"] == "warning" for f in hits)
    assert report(root, env)["findings"]
    status, data = verify(root, env)
    assert status == 1 and any(f["code"] == "BACKDATE" for f in data["findings"])
    shown = pw(root, env, "history", rid)
    assert shown.returncode == 0 and "1970-01-01" in shown.stdout, shown.stderr


# -- one meeting logged several times -------------------------------------------------------------


def _study(root: Path, env: dict, attendees: str) -> str:
    host, recorder = attendees.split(",")[:2]
    args = ["log", "study", "--kind", "collective", "--date", "2026-09-20", "--place", "会议室"]
    args += ["--host", host, "--recorder", recorder, "--attendees", attendees]
    args += ["--material", "党章", "--hours", "8", "--topic", "学习党章"]
    return at("2026-09-20", root, env, *args).stdout.strip()


def test_a_study_session_logged_three_times_is_named_in_the_report(branch):
    root, env, _ids = branch
    written = sorted(_study(root, env, "王伟,李芳,张强,刘洋") for _ in range(3))
    data = report(root, env)
    assert {row["member"]: row["hours"] for row in data["study"]}["刘洋"] == 24.0
    hits = found(data["findings"], "DUPLICATE")
    assert sorted(f["record"] for f in hits) == written[1:]
    assert all(f["severity"] == "warning" and written[0] in f["message"] for f in hits)
    markdown = pw(root, env, "report", "quarter", "2026Q3", "--format", "md").stdout
    assert "疑似重复记录" in markdown


def test_two_sessions_of_one_day_with_other_people_are_not_duplicates(branch):
    root, env, _ids = branch
    _study(root, env, "王伟,李芳")
    _study(root, env, "张强,刘洋")
    assert found(report(root, env)["findings"], "DUPLICATE") == []


# -- a record book begun with the rules off -------------------------------------------------------

WEAK_SETTINGS = """branch: 审计测试党支部
type: formal
lang: zh
late_after_days: 400
attendance_floor: 0.0
rules:
  committee: null
  group: null
  theme-day: null
"""


def test_settings_begun_weaker_than_the_defaults_are_weakened(clean, tmp_path):
    env = {
        **clean["env"],
        "XDG_STATE_HOME": str(tmp_path / "s"),
        "XDG_CACHE_HOME": str(tmp_path / "c"),
    }
    root = tmp_path / "book"
    (root / "records").mkdir(parents=True)
    raw_git(root, env, "init", "-q")
    (root / "records" / "pw.yaml").write_text(WEAK_SETTINGS, encoding="utf-8")
    members = (clean["root"] / "records" / "members.yaml").read_text(encoding="utf-8")
    (root / "records" / "members.yaml").write_text(members, encoding="utf-8")
    raw_git(root, env, "add", "records")
    raw_git(root, env, "commit", "-q", "-m", "初始化", when="2026-06-30T20:00:00+00:00")
    # July's committee meeting written up in October: nothing LATE at 400 days
    at("2026-10-20", root, env, *committee("2026-07-03", "王伟：布置三季度安全生产工作。"))
    weakened = {
        f["message"].split("：")[0].rsplit(" ", 1)[-1] for f in found(audit(root, env), "WEAKENED")
    }
    assert {"late_after_days", "attendance_floor", "rules.committee", "rules.group"} <= weakened
    assert "rules.theme-day" in weakened
    assert found(report(root, env)["findings"], "WEAKENED")
    status, data = verify(root, env)  # SPEC §9: shown by verify, not failing it
    assert status == 0 and found(data["findings"], "WEAKENED")


def test_a_book_begun_by_pw_init_with_its_own_choices_is_not_weakened(clean, tmp_path):
    env = {
        **clean["env"],
        "XDG_STATE_HOME": str(tmp_path / "s"),
        "XDG_CACHE_HOME": str(tmp_path / "c"),
    }
    root = tmp_path / "book"
    at(
        "2026-06-30",
        tmp_path,
        env,
        "init",
        str(root),
        "--branch",
        "临时党支部",
        "--type",
        "temporary",
        "--since",
        "2026-06-01",
    )
    assert found(audit(root, env), "WEAKENED") == []


# -- copied minutes with look-alike characters ----------------------------------------------------

COPIED = (
    "王伟：传达公司党委关于安全生产大检查的通知，要求各班组对照清单逐项自查。"
    "李芳：汇报上月整改落实情况，脚手架连墙件已全部补齐，临时用电线路重新敷设。"
    "张强：提出雨季前完成排水沟疏通，并组织一次防汛应急演练，要求人人参与，不留死角。"
)
# Kangxi radicals and CJK compatibility ideographs print as the character they stand for
LOOK_ALIKES = {
    "生": "⽣",
    "大": "⼤",
    "自": "⾃",
    "月": "⽉",
    "手": "⼿",
    "用": "⽤",
    "一": "⼀",
    "人": "⼈",
}


def test_minutes_copied_with_look_alike_characters_are_similar(branch):
    root, env, _ids = branch
    first = at("2026-09-03", root, env, *committee("2026-09-03", COPIED)).stdout.strip()
    disguised = "".join(LOOK_ALIKES.get(c, c) for c in COPIED)
    assert disguised != COPIED
    copy = at("2026-09-24", root, env, *committee("2026-09-24", disguised)).stdout.strip()
    hits = [f for f in found(audit(root, env), "SIMILAR") if f["record"] == copy]
    assert hits and first in hits[0]["message"]


# -- a folder whose git data or ignore files are pipes --------------------------------------------

PIPES = [
    ".git/index",
    ".git/HEAD",
    ".git/packed-refs",
    ".git/refs/heads/main",
    ".git/objects/info/alternates",
    ".git/info/exclude",
    ".git/shallow",
    ".git/logs/HEAD",
    ".gitattributes",
    "records/.gitignore",
    "records/2026/.gitignore",
    "records/2026/sub/.gitattributes",
]


@pytest.mark.parametrize("where", PIPES)
def test_a_pipe_in_the_git_data_or_the_ignore_files_is_refused_not_waited_on(branch, where):
    root, env, _ids = branch
    pipe = root / where
    pipe.parent.mkdir(parents=True, exist_ok=True)
    pipe.unlink(missing_ok=True)
    os.mkfifo(pipe)
    for args in (REPORT, ("audit",), ("verify",), ("status",)):
        result = subprocess.run(
            pw_argv(*args), cwd=root, env=env, capture_output=True, text=True, timeout=30
        )
        assert result.returncode == 78 and "Traceback" not in result.stderr, result.stderr
        assert where.rsplit("/", 1)[-1] in result.stderr


def test_plain_ignore_and_attribute_files_and_a_head_link_inside_git_are_fine(branch):
    root, env, _ids = branch
    (root / "records" / ".gitignore").write_text("*.swp\n", encoding="utf-8")
    (root / "records" / "2026" / ".gitattributes").write_text("*.yaml text\n", encoding="utf-8")
    raw_git(root, env, "add", "records")
    raw_git(root, env, "commit", "-q", "-m", "ignore", when="2026-10-01T20:00:00+00:00")
    head = root / ".git" / "HEAD"  # as core.preferSymlinkRefs makes it
    head.unlink()
    os.symlink("refs/heads/main", head)
    result = pw(root, env, *REPORT)
    assert result.returncode == 0, result.stderr


# -- a shallow clone hiding where the history began -----------------------------------------------


def test_a_shallow_clone_says_its_history_is_cut_short(branch, tmp_path):
    root, env, ids = branch
    # a hand edit of July's minutes, then a pw record: cut the history just after the hand edit
    path = record_file(root, ids["committee-07"])
    path.write_text(path.read_text(encoding="utf-8").replace("张强", "刘洋"), encoding="utf-8")
    raw_git(root, env, "commit", "-q", "-a", "-m", "fix", when="2026-10-01T10:00:00+00:00")
    at("2026-10-02", root, env, *committee("2026-10-02", "王伟：布置四季度各项工作安排。"))
    shallow = tmp_path / "shallow"
    raw_git(tmp_path, env, "clone", "-q", "--depth", "1", f"file://{root}", str(shallow))
    status, data = verify(shallow, env)
    cut = [f for f in data["findings"] if f["code"] == "REWRITTEN"]
    assert status == 1 and cut and "shallow" in cut[0]["message"]
    assert verify(root, env)[0] == 1  # the whole history shows the hand edit itself
    assert not [f for f in found(audit(root, env), "REWRITTEN")]


# -- settings weakened in the work tree and never committed ---------------------------------------


def test_settings_weakened_and_not_committed_are_named_in_the_report(branch):
    root, env, _ids = branch
    # September's second committee meeting written up three weeks later
    late = at(
        "2026-10-20", root, env, *committee("2026-09-28", "王伟：补充落实三季度整改事项。")
    ).stdout.strip()
    settings = root / "records" / "pw.yaml"
    text = settings.read_text(encoding="utf-8").replace(
        "late_after_days: 3", "late_after_days: 400"
    )
    settings.write_text(text, encoding="utf-8")
    data = report(root, env)
    assert not [f for f in data["findings"] if f["code"] == "LATE" and f["record"] == late]
    assert any("records/pw.yaml" in f["message"] for f in found(data["findings"], "OUTSIDE"))
    weakened = found(data["findings"], "WEAKENED")
    assert weakened and "late_after_days" in weakened[0]["message"]
    assert verify(root, env)[0] == 1


def test_an_honest_report_names_no_settings_change(branch):
    root, env, _ids = branch
    data = report(root, env)
    assert found(data["findings"], "OUTSIDE") == [] and found(data["findings"], "WEAKENED") == []


# -- an index written by hand -------------------------------------------------------------------


def _index_says(root: Path, path: str, blob: str) -> None:
    """Rewrite .git/index so that path's entry names blob, its stat data left as the edited file's
    (format v2/v3: fixed 62-byte head, then the name, padded to 8)."""
    index = root / ".git" / "index"
    data = bytearray(index.read_bytes())
    assert data[:4] == b"DIRC"
    version, count = struct.unpack(">II", data[4:12])
    assert version in (2, 3)
    offset = 12
    for _ in range(count):
        flags = struct.unpack(">H", data[offset + 60 : offset + 62])[0]
        length = flags & 0xFFF
        extended = 2 if version == 3 and flags & 0x4000 else 0
        name = bytes(data[offset + 62 + extended : offset + 62 + extended + length])
        if name == path.encode("utf-8"):
            data[offset + 40 : offset + 60] = bytes.fromhex(blob)
        offset += (62 + extended + length + 8) & ~7
    body = bytes(data[:-20])
    index.write_bytes(body + hashlib.sha1(body).digest())


def test_an_edit_hidden_by_a_forged_index_fails_verify(branch):
    root, env, ids = branch
    rid = ids["committee-09"]
    path = f"records/2026/{rid}.yaml"
    committed = raw_git(root, env, "rev-parse", f"HEAD:{path}").strip()
    target = root / path
    target.write_text(target.read_text(encoding="utf-8").replace("张强", "刘洋"), encoding="utf-8")
    raw_git(root, env, "update-index", "--", path)  # the index takes the edited file's stat data
    time.sleep(1.1)  # and is written later than the file: not racily clean
    _index_says(root, path, committed)
    assert raw_git(root, env, "status", "--porcelain") == ""  # git itself sees nothing
    status, data = verify(root, env)
    assert status == 1 and [f["record"] for f in found(data["findings"], "OUTSIDE")] == [rid]


# -- a server whose history checks out as gigabytes -----------------------------------------------


def _push_zeros(server: Path, env: dict, tmp_path: Path, megabytes: int) -> None:
    """A commit on the server's main adding records/2026/zeros.bin: megabytes of zeros, which git
    keeps in a few kilobytes."""
    work = tmp_path / "work"
    raw_git(tmp_path, env, "clone", "-q", str(server), str(work))
    blob = (
        subprocess.run(
            ["git", "hash-object", "-w", "--stdin"],
            cwd=work,
            env=env,
            input=bytes(megabytes << 20),
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .strip()
    )
    raw_git(
        work, env, "update-index", "--add", "--cacheinfo", f"100644,{blob},records/2026/zeros.bin"
    )
    raw_git(work, env, "commit", "-q", "-m", "zeros", when="2026-10-20T20:00:00+00:00")
    raw_git(work, env, "push", "-q", "origin", "HEAD:main")


def test_a_branch_whose_checkout_would_fill_the_disk_is_refused(branch, tmp_path):
    root, env, _ids = branch
    server = tmp_path / "server.git"
    raw_git(tmp_path, env, "clone", "-q", "--bare", str(root), str(server))
    desk = tmp_path / "desk"
    desk.mkdir()
    for args in (("fleet", "init"), ("fleet", "add", "b1", str(server)), ("fleet", "sync")):
        result = pw(desk, env, *args)
        assert result.returncode == 0, result.stderr
    before = raw_git(desk / "branches" / "b1", env, "rev-parse", "HEAD")
    _push_zeros(server, env, tmp_path, 80)
    result = pw(desk, env, "fleet", "sync")
    assert result.returncode == 1 and "zeros.bin" in result.stdout + result.stderr
    assert raw_git(desk / "branches" / "b1", env, "rev-parse", "HEAD") == before
    assert not (desk / "branches" / "b1" / "records" / "2026" / "zeros.bin").exists()
    # a clone made afresh is refused too, and nothing of it is left
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    pw(fresh, env, "fleet", "init")
    pw(fresh, env, "fleet", "add", "b2", str(server))
    assert pw(fresh, env, "fleet", "sync").returncode == 1
    assert not (fresh / "branches" / "b2").exists()


# -- a gitlink where a record should be -----------------------------------------------------------


@pytest.mark.parametrize("claimed", [False, True], ids=["by-hand", "with-pw-trailers"])
def test_a_gitlink_committed_among_the_records_is_seen(branch, claimed):
    root, env, _ids = branch
    rid = "2026-09-20-committee-gl01"
    head = raw_git(root, env, "rev-parse", "HEAD").strip()
    raw_git(
        root, env, "update-index", "--add", "--cacheinfo", f"160000,{head},records/2026/{rid}.yaml"
    )
    message = "记录" + (f"\n\nPw-Action: log\nPw-Record: {rid}" if claimed else "")
    raw_git(root, env, "commit", "-q", "-m", message, when="2026-10-01T20:00:00+00:00")
    code = "FORGED" if claimed else "OUTSIDE"
    assert [f for f in found(audit(root, env), code) if f["commit"]], audit(root, env)
    assert verify(root, env)[0] == 1
