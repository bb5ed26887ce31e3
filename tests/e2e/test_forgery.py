"""The audit judges what each commit did, not what it says (issue 11).

Each test is an attack the way a branch that wants to hide something would make it, with plain git
on a history pw made under faketime; each must give a finding above info on the record or commit
concerned and make `pw verify` exit 1. Changes made through pw itself (a late attendance edit, a
backdated `member leave`) are warnings and verify passes. An honest history made on two clones
whose clocks differ by minutes stays clean.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import isolated_env, pw_argv
from test_audit import FAKETIME, at, audit, branch, clean, found, meeting, pw, raw_git, verify  # noqa: F401

pytestmark = pytest.mark.skipif(
    FAKETIME is None, reason="faketime is not installed (.ci/run installs it)"
)


def record_file(root: Path, rid: str) -> Path:
    return root / "records" / rid[:4] / f"{rid}.yaml"


def hand_commit(
    root: Path,
    env: dict,
    subject: str,
    *trailers: str,
    when: str = "2026-10-20T20:00:00+00:00",
    extra: tuple[str, ...] = (),
) -> None:
    message = subject + ("\n\n" + "\n".join(trailers) if trailers else "")
    raw_git(root, env, *extra, "commit", "-q", "-a", "-m", message, when=when)


def above_info(findings: list[dict], code: str) -> list[dict]:
    return [f for f in found(findings, code) if f["severity"] != "info"]


def fails_verify(root: Path, env: dict, code: str) -> dict:
    status, data = verify(root, env)
    assert status == 1 and data["ok"] is False, data
    hits = [f for f in data["findings"] if f["code"] == code]
    assert hits, data["findings"]
    return hits[0]


def with_unexcused_absence(root: Path, env: dict) -> str:
    args = [
        "log",
        "meeting",
        "--kind",
        "committee",
        "--date",
        "2026-09-20",
        "--place",
        "项目部会议室",
        "--host",
        "王伟",
        "--recorder",
        "李芳",
        "--attendees",
        "王伟,李芳",
        "--absent",
        "张强:无故缺席",
        "--topic",
        "研究四季度工作",
        "--minutes",
        "王伟：研究四季度安全生产工作安排。",
    ]
    return at("2026-09-20", root, env, *args).stdout.strip()


# -- merges ---------------------------------------------------------------------------------------


def _merge_with(root: Path, env: dict, change) -> None:
    """A side branch with an empty commit, merged with --no-commit; the change is made in the
    merge."""
    raw_git(root, env, "checkout", "-q", "-b", "side")
    raw_git(
        root, env, "commit", "-q", "--allow-empty", "-m", "side", when="2026-10-19T20:00:00+00:00"
    )
    raw_git(root, env, "checkout", "-q", "main")
    raw_git(root, env, "merge", "-q", "--no-ff", "--no-commit", "side")
    change()
    raw_git(root, env, "add", "-A", "records")
    raw_git(root, env, "commit", "-q", "-m", "合并", when="2026-10-20T20:00:00+00:00")


def test_a_merge_that_adds_a_record_is_seen_and_followed_by_history(branch):
    root, env, ids = branch
    source = record_file(root, ids["committee-08"])
    new_id = "2026-08-20-committee-zz01"

    def add() -> None:
        text = (
            source.read_text(encoding="utf-8")
            .replace(ids["committee-08"], new_id)
            .replace("2026-08-04", "2026-08-20")
        )
        record_file(root, new_id).write_text(text, encoding="utf-8")

    _merge_with(root, env, add)
    assert above_info(audit(root, env), "OUTSIDE")[0]["record"] == new_id
    assert fails_verify(root, env, "OUTSIDE")["record"] == new_id
    history = pw(root, env, "history", new_id, "--format", "json")
    assert history.returncode == 0, history.stderr
    assert [v["action"] for v in json.loads(history.stdout)["versions"]] == ["merge"]


def test_a_merge_that_changes_or_deletes_records(branch):
    root, env, ids = branch

    def change() -> None:
        path = record_file(root, ids["committee-07"])
        path.write_text(path.read_text(encoding="utf-8").replace("张强", "刘洋"), encoding="utf-8")
        record_file(root, ids["group-07"]).unlink()

    _merge_with(root, env, change)
    findings = audit(root, env)
    assert {f["record"] for f in above_info(findings, "OUTSIDE")} == {
        ids["committee-07"],
        ids["group-07"],
    }
    assert [f["record"] for f in found(findings, "DELETED")] == [ids["group-07"]]
    fails_verify(root, env, "OUTSIDE")


def test_a_merge_carrying_pw_trailers_is_forged(branch):
    root, env, ids = branch
    raw_git(root, env, "checkout", "-q", "-b", "side")
    raw_git(root, env, "commit", "-q", "--allow-empty", "-m", "side")
    raw_git(root, env, "checkout", "-q", "main")
    raw_git(
        root,
        env,
        "merge",
        "-q",
        "--no-ff",
        "side",
        "-m",
        "合并\n\nPw-Action: log\nPw-Record: " + ids["group-09"],
    )
    fails_verify(root, env, "FORGED")


# -- trailers that do not fit the change ----------------------------------------------------------


def test_void_trailer_over_turning_an_absence_into_attendance(branch):
    root, env, _ids = branch
    rid = with_unexcused_absence(root, env)
    path = record_file(root, rid)
    text = path.read_text(encoding="utf-8")
    text = text.replace("- 王伟\n- 李芳\n", "- 王伟\n- 李芳\n- 张强\n")
    text = text[: text.index("absent:")] + text[text.index("topics:") :]
    path.write_text(text, encoding="utf-8")
    hand_commit(
        root, env, "作废 重复录入", "Pw-Action: void", f"Pw-Record: {rid}", "Pw-Reason: 重复录入"
    )
    forged = above_info(audit(root, env), "FORGED")
    assert [f["record"] for f in forged] == [rid] and forged[0]["severity"] == "error"
    assert "attendees" in forged[0]["message"] or "voided" in forged[0]["message"]
    fails_verify(root, env, "FORGED")


def test_log_trailer_over_an_edit_of_an_old_record(branch):
    root, env, ids = branch
    path = record_file(root, ids["committee-07"])
    path.write_text(
        path.read_text(encoding="utf-8").replace("项目部会议室", "党员活动室"), encoding="utf-8"
    )
    hand_commit(root, env, "记录 支委会", "Pw-Action: log", f"Pw-Record: {ids['committee-07']}")
    assert [f["record"] for f in above_info(audit(root, env), "FORGED")] == [ids["committee-07"]]
    fails_verify(root, env, "FORGED")


def test_edit_trailer_over_a_move_to_another_year_folder(branch):
    root, env, ids = branch
    rid = ids["committee-09"]
    (root / "records" / "2025").mkdir()
    raw_git(root, env, "mv", f"records/2026/{rid}.yaml", f"records/2025/{rid}.yaml")
    hand_commit(root, env, "更正", "Pw-Action: edit", f"Pw-Record: {rid}", "Pw-Reason: 更正")
    findings = audit(root, env)
    assert rid in {f["record"] for f in above_info(findings, "FORGED")}
    misplaced = above_info(findings, "MISPLACED")
    assert [f["record"] for f in misplaced] == [rid] and "records/2025" in misplaced[0]["message"]
    assert found(findings, "DELETED") == []  # moved, and said so, not deleted
    fails_verify(root, env, "MISPLACED")
    # the quarter's report names it instead of silently losing the meeting
    report = json.loads(pw(root, env, "report", "quarter", "2026Q3", "--format", "json").stdout)
    assert rid in {f["record"] for f in report["findings"] if f["code"] == "MISPLACED"}


def test_edit_trailer_over_a_change_of_date(branch):
    root, env, ids = branch
    rid = ids["committee-08"]
    path = record_file(root, rid)
    path.write_text(
        path.read_text(encoding="utf-8").replace("date: 2026-08-04", "date: 2026-08-05"),
        encoding="utf-8",
    )
    hand_commit(
        root, env, "更正日期", "Pw-Action: edit", f"Pw-Record: {rid}", "Pw-Reason: 更正日期"
    )
    misplaced = above_info(audit(root, env), "MISPLACED")
    assert [f["record"] for f in misplaced] == [rid] and "2026-08-05" in misplaced[0]["message"]
    fails_verify(root, env, "MISPLACED")


def test_an_unknown_action_is_forged(branch):
    root, env, ids = branch
    path = record_file(root, ids["group-08"])
    path.write_text(path.read_text(encoding="utf-8") + "late_reason: 补\n", encoding="utf-8")
    hand_commit(root, env, "x", "Pw-Action: approve", f"Pw-Record: {ids['group-08']}")
    fails_verify(root, env, "FORGED")


# -- policy cannot switch itself off --------------------------------------------------------------


def test_an_unsigned_commit_that_switches_signing_off(branch, tmp_path):
    from test_audit import _keys, _require_signing

    root, env, ids = branch
    _require_signing(root, env, _keys(tmp_path))
    settings = root / "records" / "pw.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace("signing: require", "signing: 'off'"),
        encoding="utf-8",
    )
    path = record_file(root, ids["group-08"])
    path.write_text(
        path.read_text(encoding="utf-8").replace("安全生产", "安全检查"), encoding="utf-8"
    )
    hand_commit(root, env, "关闭签名", extra=("-c", "commit.gpgSign=false"))
    unsigned = fails_verify(root, env, "UNSIGNED")
    assert unsigned["commit"] == raw_git(root, env, "rev-parse", "HEAD").strip()
    weakened = found(verify(root, env)[1]["findings"], "WEAKENED")
    assert weakened and "signing" in weakened[0]["message"] and "require" in weakened[0]["message"]


def test_signatures_are_checked_against_the_verifiers_own_signers(branch, tmp_path):
    from test_audit import _keys, _require_signing

    root, env, ids = branch
    keys = _keys(tmp_path)
    _require_signing(root, env, keys)
    planted = tmp_path / "planted_signers"
    planted.write_text(
        f"recorder@example.org {(tmp_path / 'stranger.pub').read_text()}", encoding="utf-8"
    )
    raw_git(
        root, env, "config", "gpg.ssh.allowedSignersFile", str(planted)
    )  # the repository's own, ignored
    path = record_file(root, ids["group-08"])
    path.write_text(path.read_text(encoding="utf-8") + "late_reason: 补\n", encoding="utf-8")
    raw_git(
        root,
        env,
        "-c",
        f"user.signingkey={keys['stranger']}",
        "commit",
        "-q",
        "-S",
        "-am",
        "别人的钥匙",
    )
    fails_verify(root, env, "BAD-SIGNATURE")


def test_an_unknown_author_who_empties_recorders(branch):
    root, env, ids = branch
    settings = root / "records" / "pw.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace(
            "recorders: []", "recorders:\n- recorder@example.org"
        ),
        encoding="utf-8",
    )
    hand_commit(root, env, "只允许组织委员记录", when="2026-10-01T20:00:00+00:00")
    settings.write_text(
        settings.read_text(encoding="utf-8").replace(
            "recorders:\n- recorder@example.org", "recorders: []"
        ),
        encoding="utf-8",
    )
    path = record_file(root, ids["group-08"])
    path.write_text(
        path.read_text(encoding="utf-8").replace("安全生产", "安全检查"), encoding="utf-8"
    )
    hand_commit(root, env, "改", extra=("-c", "user.email=stranger@example.org"))
    unknown = fails_verify(root, env, "UNKNOWN-AUTHOR")
    assert "stranger@example.org" in unknown["message"]
    weakened = found(audit(root, env), "WEAKENED")
    assert (
        weakened
        and "recorders" in weakened[0]["message"]
        and "stranger@example.org" in weakened[0]["message"]
    )


def test_weakening_a_rule_is_shown_but_does_not_fail_verify(branch):
    root, env, _ids = branch
    settings = root / "records" / "pw.yaml"
    text = settings.read_text(encoding="utf-8")
    assert "late_after_days: 3" in text
    settings.write_text(text.replace("late_after_days: 3", "late_after_days: 30"), encoding="utf-8")
    hand_commit(root, env, "放宽补记期限")
    status, data = verify(root, env)
    assert status == 0 and data["ok"] is True
    assert [(f["code"], f["severity"]) for f in data["findings"]] == [("WEAKENED", "warning")]
    assert (
        "late_after_days" in data["findings"][0]["message"]
        and "30" in data["findings"][0]["message"]
    )


# -- what was shared stays witnessed --------------------------------------------------------------


def _closed_and_witnessed(root: Path, env: dict) -> None:
    at("2026-10-08", root, env, "close", "2026Q3")
    status, data = verify(root, env)
    assert status == 0, data


def test_a_close_tag_deleted_after_it_was_seen(branch):
    root, env, _ids = branch
    _closed_and_witnessed(root, env)
    raw_git(root, env, "tag", "-d", "pw/closed/2026Q3")
    assert "pw/closed/2026Q3" in fails_verify(root, env, "REWRITTEN")["message"]


def test_a_close_tag_moved_onto_a_later_commit(branch):
    root, env, _ids = branch
    _closed_and_witnessed(root, env)
    at("2026-10-09", root, env, *meeting("2026-10-09", "committee"))
    raw_git(
        root,
        env,
        "tag",
        "-f",
        "-a",
        "-m",
        "封存\n\nPw-Action: close\nPw-Period: 2026-07-01..2026-09-30",
        "pw/closed/2026Q3",
        "HEAD",
    )
    assert "pw/closed/2026Q3" in fails_verify(root, env, "REWRITTEN")["message"]


def test_the_witness_lives_outside_the_repository(branch, tmp_path):
    root, env, ids = branch
    remote = tmp_path / "remote.git"
    raw_git(tmp_path, env, "init", "-q", "--bare", str(remote))
    raw_git(root, env, "remote", "add", "origin", str(remote))
    assert at("2026-10-08", root, env, "sync").returncode == 0
    raw_git(root, env, "reset", "-q", "--hard", "HEAD~1")
    for planted in (root / ".git").glob("pw-*"):
        planted.write_text("{}", encoding="utf-8")
    (root / ".git" / "pw-anchor.json").write_text("{}", encoding="utf-8")
    fails_verify(root, env, "REWRITTEN")
    # a copy of the folder elsewhere answers to the same witness (keyed by the first commit)
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    fails_verify(copy, env, "REWRITTEN")


def test_a_history_replaced_from_its_first_commit(branch):
    root, env, _ids = branch
    _closed_and_witnessed(root, env)
    raw_git(root, env, "checkout", "-q", "--orphan", "fresh")
    raw_git(root, env, "commit", "-q", "-m", "重新开始\n\nPw-Action: init")
    raw_git(root, env, "branch", "-D", "main")
    raw_git(root, env, "branch", "-m", "main")
    raw_git(root, env, "tag", "-d", "pw/closed/2026Q3")
    fails_verify(root, env, "REWRITTEN")


# -- rewriting the past, through pw and by hand ----------------------------------------------------


def mark_present_through_pw(root: Path, env: dict, rid: str, day: str) -> None:
    """The recorder turns 张强's absence into attendance with `pw edit`, on this day."""
    at(
        day,
        root,
        env,
        "edit",
        rid,
        "--set",
        "attendees=王伟,李芳,张强",
        "--set",
        "absent=",
        "--reason",
        "张强实际到会",
    )


def test_a_late_attendance_edit_through_pw_is_a_warning_naming_the_change(branch):
    root, env, _ids = branch
    rid = with_unexcused_absence(root, env)
    mark_present_through_pw(root, env, rid, "2026-11-02")
    amended = [f for f in found(audit(root, env), "AMENDED") if f["record"] == rid]
    assert [f["severity"] for f in amended] == ["warning"]
    message = amended[0]["message"]
    assert "实到: +张强；缺席: −张强" in message and "张强实际到会" in message
    status, data = verify(root, env)
    assert status == 0, data


def test_an_edit_within_the_window_stays_information(branch):
    root, env, _ids = branch
    rid = with_unexcused_absence(root, env)
    mark_present_through_pw(root, env, rid, "2026-09-21")
    amended = [f for f in found(audit(root, env), "AMENDED") if f["record"] == rid]
    assert [f["severity"] for f in amended] == ["info"]


def test_member_leave_months_back_through_pw_is_a_warning(branch):
    """Issue 14: a back-dated leave that would make records name someone no longer in the branch
    is refused before writing; a back-dated change that breaks no record is a RETROACTIVE
    warning."""
    root, env, _ids = branch
    with_unexcused_absence(root, env)
    refused = pw(root, env, "member", "leave", "张强", "--on", "2026-07-01")
    assert refused.returncode == 65 and "INACTIVE-MEMBER" in refused.stderr
    assert "2026-07-03-committee" in refused.stderr
    at("2026-11-02", root, env, "member", "role", "刘洋", "committee", "--from", "2026-07-01")
    retro = found(audit(root, env), "RETROACTIVE")
    assert [f["severity"] for f in retro] == ["warning"]
    message = retro[0]["message"]
    assert "刘洋" in message and "2026-07-03-committee" in message
    status, data = verify(root, env)
    assert status == 0, data


def test_the_same_leave_by_hand_is_an_error(branch):
    root, env, _ids = branch
    with_unexcused_absence(root, env)
    roster = root / "records" / "members.yaml"
    text = roster.read_text(encoding="utf-8")
    start = text.index("name: 张强")
    left = text.index("left: null", start)
    roster.write_text(
        text[:left] + "left: 2026-07-01" + text[left + len("left: null") :], encoding="utf-8"
    )
    hand_commit(root, env, "张强转出")
    retro = found(audit(root, env), "RETROACTIVE")
    assert [f["severity"] for f in retro] == ["error"]
    fails_verify(root, env, "RETROACTIVE")


def test_a_roster_entered_with_past_dates_before_any_record_is_clean(clean):
    findings = audit(clean["root"], {**clean["env"], "XDG_CACHE_HOME": "/nonexistent-pw-cache"})
    assert found(findings, "RETROACTIVE") == [] and found(findings, "WEAKENED") == []


# -- clock skew is not tampering ------------------------------------------------------------------


def test_a_quarter_on_two_clones_with_clocks_minutes_apart(tmp_path):
    env = isolated_env(tmp_path / "home")
    env.update(
        {k: v for k, v in os.environ.items() if k.startswith(("PATH", "PYTHON", "VIRTUAL_ENV"))}
    )
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True, env=env)
    first = tmp_path / "secretary" / "branch"
    first.parent.mkdir()
    at("2026-06-30", first.parent, env, "init", str(first), "--branch", "两台电脑党支部")
    at("2026-06-30", first, env, "group", "add", "g1", "--name", "第一党小组")
    for name, role in (("王伟", "secretary"), ("李芳", "committee"), ("张强", "committee")):
        at(
            "2026-06-30",
            first,
            env,
            "member",
            "add",
            name,
            "--group",
            "g1",
            "--joined",
            "2026-01-01",
            "--role",
            role,
        )
    subprocess.run(["git", "remote", "add", "origin", str(remote)], cwd=first, check=True, env=env)
    at("2026-06-30", first, env, "sync")
    second = tmp_path / "recorder" / "branch"
    subprocess.run(["git", "clone", "-q", str(remote), str(second)], check=True, env=env)

    def on(clone: Path, day: str, minutes_behind: int, *args: str) -> None:
        clock = f"@{day} 20:{59 - minutes_behind:02d}:00"
        command = [FAKETIME, "-f", clock, *pw_argv(*args, today=None)]
        result = subprocess.run(
            command,
            cwd=clone,
            capture_output=True,
            text=True,
            env={**env, "FAKETIME_DONT_FAKE_MONOTONIC": "1"},
        )
        assert result.returncode == 0, result.stderr

    for month, day in (("07", "03"), ("08", "04"), ("09", "02")):
        on(first, f"2026-{month}-{day}", 0, *meeting(f"2026-{month}-{day}", "committee"))
        on(first, f"2026-{month}-{day}", 0, "sync")
        on(second, f"2026-{month}-{day}", 4, "sync")  # this computer's clock is four minutes behind
        on(second, f"2026-{month}-{day}", 4, *meeting(f"2026-{month}-{day}", "group"))
        on(second, f"2026-{month}-{day}", 4, "sync")
        on(first, f"2026-{month}-{day}", 0, "sync")
    for clone in (first, second):
        findings = audit(clone, env)
        assert [f for f in findings if f["severity"] != "info"] == []
        assert verify(clone, env)[0] == 0


# -- found by trying (issue 11, second round) ------------------------------------------------------


def unexcused_to_attended(root: Path, rid: str) -> None:
    path = record_file(root, rid)
    text = path.read_text(encoding="utf-8").replace("- 王伟\n- 李芳\n", "- 王伟\n- 李芳\n- 张强\n")
    path.write_text(text[: text.index("absent:")] + text[text.index("topics:") :], encoding="utf-8")


def test_control_characters_in_a_message_cannot_hide_its_commit(branch):
    root, env, _ids = branch
    rid = with_unexcused_absence(root, env)
    unexcused_to_attended(root, rid)
    forged_tail = "\x1fX\x1f\x1eZZ\x1f\x1fa\x1fb\x1f0\x1fd\x1fe\x1ff\x1f0\x1fh"
    hand_commit(root, env, "改错别字" + forged_tail)
    assert rid in {f["record"] for f in above_info(audit(root, env), "OUTSIDE")}
    fails_verify(root, env, "OUTSIDE")


@pytest.mark.parametrize("author", ["A\x1fB", "组织\x1e委员"])
def test_separators_in_names_and_subjects_do_not_crash_the_audit(branch, author):
    root, env, ids = branch
    path = record_file(root, ids["group-08"])
    path.write_text(
        path.read_text(encoding="utf-8").replace("安全生产", "安全检查"), encoding="utf-8"
    )
    hand_commit(root, env, "\x1e", extra=("-c", f"user.name={author}"))
    outside = above_info(audit(root, env), "OUTSIDE")
    assert [f["record"] for f in outside] == [ids["group-08"]]


def _ours_merge_over(root: Path, env: dict, branch_point: str, rebuild) -> None:
    """The attacker's line made from an older commit becomes the first parent of a `-s ours` merge
    of the real history, which therefore stays an ancestor: nothing looks rewritten."""
    raw_git(root, env, "checkout", "-q", "-b", "x", branch_point)
    rebuild()
    raw_git(
        root,
        env,
        "merge",
        "-q",
        "-s",
        "ours",
        "--no-edit",
        "main",
        when="2026-10-20T20:05:00+00:00",
    )
    raw_git(root, env, "checkout", "-q", "main")
    raw_git(root, env, "reset", "-q", "--hard", "x")


def test_an_ours_merge_that_drops_a_record(branch):
    root, env, ids = branch
    dropped = ids["committee-09"]  # added by main~1

    def rebuild() -> None:
        raw_git(root, env, "cherry-pick", "main", when="2026-10-20T20:00:00+00:00")

    _ours_merge_over(root, env, "main~2", rebuild)
    assert not record_file(root, dropped).exists()
    findings = audit(root, env)
    assert dropped in {
        f["record"] for f in above_info(findings, "DELETED") + above_info(findings, "OUTSIDE")
    }
    fails_verify(root, env, "OUTSIDE")


def test_an_ours_merge_over_a_record_logged_again_with_other_content(branch):
    root, env, ids = branch
    rid = ids["committee-09"]
    original_message = raw_git(root, env, "log", "-1", "--format=%B", "main~1")

    def rebuild() -> None:
        raw_git(root, env, "checkout", "-q", "main~1", "--", f"records/2026/{rid}.yaml")
        path = record_file(root, rid)
        path.write_text(
            path.read_text(encoding="utf-8").replace("项目部会议室", "党员活动室"), encoding="utf-8"
        )
        raw_git(root, env, "add", "-A", "records")
        raw_git(root, env, "commit", "-q", "-m", original_message, when="2026-09-02T20:00:00+00:00")

    _ours_merge_over(root, env, "main~2", rebuild)
    findings = audit(root, env)
    assert rid in {f["record"] for f in above_info(findings, "OUTSIDE")}
    assert rid in {f["record"] for f in above_info(findings, "AMENDED")}
    fails_verify(root, env, "OUTSIDE")


def test_a_recorders_name_as_author_does_not_let_the_committer_in(branch):
    root, env, ids = branch
    settings = root / "records" / "pw.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace(
            "recorders: []", "recorders:\n- recorder@example.org"
        ),
        encoding="utf-8",
    )
    hand_commit(root, env, "只允许组织委员记录", when="2026-10-01T20:00:00+00:00")
    path = record_file(root, ids["group-08"])
    path.write_text(
        path.read_text(encoding="utf-8").replace("安全生产", "安全检查"), encoding="utf-8"
    )
    raw_git(
        root,
        env,
        "-c",
        "user.email=stranger@example.org",
        "-c",
        "user.name=书记",
        "commit",
        "-q",
        "-a",
        "--author",
        "组织委员 <recorder@example.org>",
        "-m",
        f"改\n\nPw-Action: edit\nPw-Record: {ids['group-08']}\nPw-Reason: 更正",
        when="2026-10-20T20:00:00+00:00",
    )
    assert raw_git(root, env, "log", "-1", "--format=%ae %ce").split() == [
        "recorder@example.org",
        "stranger@example.org",
    ]
    assert "stranger@example.org" in fails_verify(root, env, "UNKNOWN-AUTHOR")["message"]


@pytest.mark.parametrize(
    "old,new,setting",
    [
        ("  member: 32\n  leader: 56", "  member: 1\n  leader: 1", "study_hours"),
        ("    per_group: true", "    per_group: false", "rules.group"),
        ("year_start_month: 1", "year_start_month: 2", "year_start_month"),
        ("type: formal", "type: temporary", "type"),
    ],
)
def test_every_weakening_of_the_settings_is_named(branch, old, new, setting):
    root, env, _ids = branch
    settings = root / "records" / "pw.yaml"
    text = settings.read_text(encoding="utf-8")
    assert old in text
    settings.write_text(text.replace(old, new), encoding="utf-8")
    hand_commit(root, env, "调整设置")
    weakened = found(audit(root, env), "WEAKENED")
    assert weakened and setting in weakened[0]["message"]


def test_weakening_behind_an_unreadable_version_is_still_named(branch):
    root, env, _ids = branch
    settings = root / "records" / "pw.yaml"
    text = settings.read_text(encoding="utf-8").replace("late_after_days: 3", "late_after_days: 1")
    settings.write_text(text, encoding="utf-8")
    hand_commit(root, env, "更严格", when="2026-10-01T20:00:00+00:00")
    settings.write_text(text.replace("branch: ", "branch: !!str "), encoding="utf-8")
    hand_commit(root, env, "格式", when="2026-10-02T20:00:00+00:00")
    settings.write_text(
        text.replace("late_after_days: 1", "late_after_days: 365"), encoding="utf-8"
    )
    hand_commit(root, env, "恢复", when="2026-10-03T20:00:00+00:00")
    messages = [f["message"] for f in found(audit(root, env), "WEAKENED")]
    assert any("late_after_days" in m and "365" in m for m in messages)


def test_a_namesake_prepended_to_the_roster(branch):
    root, env, _ids = branch
    with_unexcused_absence(root, env)
    roster = root / "records" / "members.yaml"
    text = roster.read_text(encoding="utf-8")
    twin = (
        "  - name: 张强\n    status: full\n    group: g1\n"
        "    joined: 2026-01-01\n    left: 2026-06-30\n"
        "    voting: true\n"
    )
    roster.write_text(text.replace("members:\n", "members:\n" + twin, 1), encoding="utf-8")
    hand_commit(root, env, "整理花名册")
    fails_verify(root, env, "RETROACTIVE")


@pytest.mark.parametrize("flag", ["--skip-worktree", "--assume-unchanged"])
def test_changes_hidden_from_git_status_are_named(branch, flag):
    root, env, _ids = branch
    rid = with_unexcused_absence(root, env)
    unexcused_to_attended(root, rid)
    raw_git(root, env, "update-index", flag, f"records/2026/{rid}.yaml")
    assert raw_git(root, env, "status", "--porcelain") == ""
    assert rid in {f["record"] for f in above_info(audit(root, env), "OUTSIDE")}
    fails_verify(root, env, "OUTSIDE")


def test_a_gitattributes_that_changes_how_records_are_read(branch):
    root, env, ids = branch
    (root / ".gitattributes").write_text(
        f"records/2026/{ids['committee-07']}.yaml working-tree-encoding=UTF-16LE\n",
        encoding="utf-8",
    )
    raw_git(root, env, "add", ".gitattributes")
    hand_commit(root, env, "统一换行")
    outside = above_info(audit(root, env), "OUTSIDE")
    assert any(".gitattributes" in f["message"] for f in outside)
    fails_verify(root, env, "OUTSIDE")


def test_a_witnessed_tip_kept_on_another_branch_does_not_hide_a_rewrite(branch, tmp_path):
    root, env, _ids = branch
    remote = tmp_path / "remote.git"
    raw_git(tmp_path, env, "init", "-q", "--bare", str(remote))
    raw_git(root, env, "remote", "add", "origin", str(remote))
    at("2026-10-08", root, env, "sync")
    raw_git(root, env, "branch", "keep")
    raw_git(root, env, "reset", "-q", "--hard", "HEAD~1")
    fails_verify(root, env, "REWRITTEN")


# -- issue 17: a resolve must end on one of the versions it reconciles ----------------------------


def test_a_resolve_trailer_over_invented_content(branch):
    """`Pw-Action: resolve` claims one side's version was kept; a hand commit that writes a third
    version (here: the unexcused absentee turned into an attendee) is FORGED, and its AMENDED
    warning does not pretend no reason was given."""
    root, env, _ids = branch
    rid = with_unexcused_absence(root, env)
    path = record_file(root, rid)
    text = path.read_text(encoding="utf-8").replace("- 王伟\n- 李芳\n", "- 王伟\n- 李芳\n- 张强\n")
    path.write_text(text[: text.index("absent:")] + text[text.index("topics:") :], "utf-8")
    hand_commit(
        root,
        env,
        f"解决同步冲突 {rid}：保留远程版本",
        "Pw-Action: resolve",
        f"Pw-Record: {rid}",
        "Pw-Reason: 以支部书记为准",
    )
    findings = audit(root, env)
    forged = above_info(findings, "FORGED")
    assert [f["record"] for f in forged] == [rid] and forged[0]["severity"] == "error"
    amended = [f for f in found(findings, "AMENDED") if f["record"] == rid]
    assert amended and all("no reason" not in f["message"] for f in amended)
    assert all("没有说明原因" not in f["message"] for f in amended)
    fails_verify(root, env, "FORGED")


def test_a_resolve_trailer_that_puts_back_an_earlier_version_is_not_forged(branch):
    """A resolve may only end on a version the record already had in this history (the other
    side's, which pw's own resolve leaves in the history): putting back the version before a hand
    edit is what `pw resolve --keep theirs` does."""
    root, env, _ids = branch
    rid = with_unexcused_absence(root, env)
    path = record_file(root, rid)
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace("项目部会议室", "党员活动室"), encoding="utf-8")
    hand_commit(root, env, "更正地点", "Pw-Action: edit", f"Pw-Record: {rid}", "Pw-Reason: 更正")
    path.write_text(original, encoding="utf-8")
    hand_commit(
        root,
        env,
        f"解决同步冲突 {rid}：保留远程版本",
        "Pw-Action: resolve",
        f"Pw-Record: {rid}",
        "Pw-Reason: 以支部书记为准",
    )
    assert [f for f in above_info(audit(root, env), "FORGED") if f["record"] == rid] == []


# -- renames, resolves and promotions (fixaudit H2–H5) ---------------------------------------------


def rename_li_fang(root: Path, env: dict) -> None:
    at(
        "2026-11-26",
        root,
        env,
        "member",
        "edit",
        "李芳",
        "--set",
        "name=李方",
        "--reason",
        "错别字更正",
    )


def _without_former_names(text: str) -> tuple[str, str]:
    """The roster text without 李方's former_names block, and that block."""
    start = text.rindex("\n", 0, text.index("former_names:")) + 1
    end = text.index("\n", text.index("until:", start)) + 1
    return text[:start] + text[end:], text[start:end]


def move_former_name_to_zhang(root: Path) -> None:
    roster = root / "records" / "members.yaml"
    text, block = _without_former_names(roster.read_text(encoding="utf-8"))
    head = text.index("- name: 张强\n") + len("- name: 张强\n")
    roster.write_text(text[:head] + block + text[head:], encoding="utf-8")
    assert "李芳" in roster.read_text(encoding="utf-8")


def test_a_former_name_moved_to_another_member_under_pw_trailers_is_forged(branch):
    """H2: 李芳's old records credited to 张强 by moving the former name that the (genuine)
    rename left, committed with forged member-edit trailers."""
    root, env, ids = branch
    rename_li_fang(root, env)
    move_former_name_to_zhang(root)
    assert pw(root, env, "member", "list").returncode == 0  # the roster still reads
    hand_commit(
        root,
        env,
        "修改党员 李方",
        "Pw-Action: member-edit",
        "Pw-Reason: 更正",
        "Pw-Version: 0.3.0",
        when="2026-11-26T21:00:00+00:00",
    )
    findings = audit(root, env)
    forged = above_info(findings, "FORGED")
    assert forged and "former_names" in forged[0]["message"]
    retro = above_info(findings, "RETROACTIVE")
    assert retro and all(f["severity"] == "error" for f in retro)
    message = " ".join(f["message"] for f in retro)
    assert "张强" in message and "李芳" in message and ids["committee-07"] in message
    assert "曾用名" in message and "former_names" not in message
    fails_verify(root, env, "FORGED")


def test_the_same_move_by_hand_is_a_retroactive_error(branch):
    root, env, ids = branch
    args = meeting("2026-09-25", "lecture", "--lecturer", "王伟")
    args[args.index("--recorder") + 1], args[args.index("--attendees") + 1] = "王伟", "王伟,张强"
    without = at("2026-09-25", root, env, *args)  # a record that does not name 李芳
    rename_li_fang(root, env)
    move_former_name_to_zhang(root)
    hand_commit(root, env, "更新花名册", when="2026-11-26T21:00:00+00:00")
    retro = above_info(audit(root, env), "RETROACTIVE")
    assert retro and {f["severity"] for f in retro} == {"error"}
    assert ids["committee-07"] in retro[0]["message"]
    assert without.stdout.strip() and all("已有的 6 条记录" in f["message"] for f in retro)
    fails_verify(root, env, "RETROACTIVE")


def test_an_honest_rename_and_rename_back_stay_clean(branch):
    root, env, _ids = branch
    rename_li_fang(root, env)
    at("2026-11-27", root, env, "member", "edit", "李方", "--set", "name=李芳", "--reason", "改回")
    findings = audit(root, env)
    assert [f for f in findings if f["severity"] != "info"] == []
    status, data = verify(root, env)
    assert status == 0, data


def test_a_newcomer_with_a_former_name_takes_no_old_record(branch):
    """H3: 李芳 renamed 李方, then a new 李芳 joins: the July–September records naming 李芳 still
    mean 李方 (the report credits him), the newcomer is expected at none of them; the variant, a
    member named in no record renamed to 李芳, the same."""
    root, env, ids = branch
    rename_li_fang(root, env)
    at("2026-11-26", root, env, "member", "add", "李芳", "--group", "g1", "--joined", "2026-11-26")

    def q3() -> dict[str, dict]:
        result = pw(root, env, "report", "quarter", "2026Q3", "--format", "json")
        assert result.returncode == 0, result.stderr
        return {r["member"]: r for r in json.loads(result.stdout)["attendance"]}

    rows = q3()
    assert "李芳" not in rows and rows["李方"]["attended"] == rows["李方"]["expected"] == 6
    listed = pw(root, env, "list", "--member", "李方", "--format", "json")
    assert ids["committee-07"] in {r["id"] for r in json.loads(listed.stdout)["records"]}
    assert [f for f in audit(root, env) if f["severity"] != "info"] == []
    strict = pw(root, env, "check", "--strict")
    assert strict.returncode == 0, strict.stdout + strict.stderr  # no namesake warning either

    at("2026-11-27", root, env, "member", "remove", "李芳", "--reason", "误加")
    at("2026-11-27", root, env, "member", "add", "赵敏", "--group", "g1", "--joined", "2026-11-27")
    at("2026-11-27", root, env, "member", "edit", "赵敏", "--set", "name=李芳", "--reason", "更正")
    rows = q3()
    assert "李芳" not in rows and rows["李方"]["attended"] == 6


def test_remove_reads_the_names_the_roster_once_gave(branch):
    """H4: after the former name is dropped by hand, remove still sees 李方 named in records."""
    root, env, _ids = branch
    rename_li_fang(root, env)
    roster = root / "records" / "members.yaml"
    roster.write_text(_without_former_names(roster.read_text(encoding="utf-8"))[0], "utf-8")
    hand_commit(root, env, "整理花名册", when="2026-11-26T21:00:00+00:00")
    removed = pw(root, env, "member", "remove", "李方", "--reason", "误加")
    assert removed.returncode != 0 and "2026-07" in removed.stderr
    assert "name: 李方" in roster.read_text(encoding="utf-8")


def test_a_resolve_trailer_that_takes_back_a_void_is_forged(branch):
    """H5: the version before `pw void` put back under `Pw-Action: resolve`."""
    root, env, ids = branch
    rid = ids["committee-09"]
    path = record_file(root, rid)
    before = path.read_text(encoding="utf-8")
    at("2026-10-10", root, env, "void", rid, "--reason", "重复录入")
    path.write_text(before, encoding="utf-8")
    hand_commit(
        root,
        env,
        f"解决同步冲突 {rid}：保留远程版本",
        "Pw-Action: resolve",
        f"Pw-Record: {rid}",
        "Pw-Reason: 以支部书记为准",
    )
    forged = above_info(audit(root, env), "FORGED")
    assert [f["record"] for f in forged] == [rid] and "voided" in forged[0]["message"]
    fails_verify(root, env, "FORGED")


def test_a_resolve_cannot_bring_back_what_an_earlier_resolve_set_aside(branch):
    root, env, _ids = branch
    rid = with_unexcused_absence(root, env)
    path = record_file(root, rid)
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace("项目部会议室", "党员活动室"), encoding="utf-8")
    hand_commit(root, env, "更正地点", "Pw-Action: edit", f"Pw-Record: {rid}", "Pw-Reason: 更正")
    resolve = ("Pw-Action: resolve", f"Pw-Record: {rid}", "Pw-Reason: 以支部书记为准")
    path.write_text(original, encoding="utf-8")
    hand_commit(root, env, "解决同步冲突", *resolve)
    assert [f for f in above_info(audit(root, env), "FORGED") if f["record"] == rid] == []
    path.write_text(original.replace("项目部会议室", "党员活动室"), encoding="utf-8")
    hand_commit(root, env, "解决同步冲突", *resolve, when="2026-10-21T20:00:00+00:00")
    assert [f["record"] for f in above_info(audit(root, env), "FORGED")] == [rid]


def test_a_promotion_after_the_records_is_silent_and_speaks_chinese(tmp_path):
    """转正 dated after every record changes none of them; dated before some, it names them with
    the catalogue's labels (no English field names, no ∅)."""
    env = isolated_env(tmp_path / "home")
    env.update(
        {k: v for k, v in os.environ.items() if k.startswith(("PATH", "PYTHON", "VIRTUAL_ENV"))}
    )
    root = tmp_path / "branch"
    at("2026-06-30", tmp_path, env, "init", str(root), "--branch", "转正测试党支部")
    at("2026-06-30", root, env, "group", "add", "g1", "--name", "第一党小组")
    for name, extra in (
        ("王伟", ["--role", "secretary"]),
        ("李芳", ["--role", "committee"]),
        ("吴涛", ["--status", "probationary"]),
    ):
        at(
            "2026-06-30",
            root,
            env,
            "member",
            "add",
            name,
            "--group",
            "g1",
            "--joined",
            "2026-01-01",
            *extra,
        )
    first = at("2026-07-10", root, env, *meeting("2026-07-10", "group")).stdout.strip()
    at("2026-08-12", root, env, *meeting("2026-08-12", "group"))
    at("2026-11-25", root, env, "member", "promote", "吴涛", "--on", "2026-11-25")
    assert found(audit(root, env), "RETROACTIVE") == []
    status, data = verify(root, env)
    assert status == 0, data

    roster = root / "records" / "members.yaml"
    text = roster.read_text(encoding="utf-8")
    roster.write_text(text.replace("full_since: 2026-11-25", "full_since: 2026-07-01"), "utf-8")
    hand_commit(root, env, "更正转正日期", when="2026-11-26T20:00:00+00:00")
    retro = found(audit(root, env), "RETROACTIVE")
    assert len(retro) == 1 and first in retro[0]["message"]
    message = retro[0]["message"]
    assert "转正日期" in message and "full_since" not in message and "∅" not in message
