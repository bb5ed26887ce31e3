"""Issue 14, roster without hand edits: member edit / remove / promote, group edit, group leaders,
probationary voting, and every change pw check would refuse refused before writing."""

from __future__ import annotations

import datetime as dt
import json

from conftest import commits, files_of, log_committee, ok, run_pw, trailers
from partywork.model.roster import parse as parse_roster
from partywork.storage.store import read_document


def roster_of(branch):
    doc, problems = read_document(branch / "records" / "members.yaml", "members.yaml")
    assert problems == []
    return parse_roster(doc, "members.yaml")[0]


def one_roster_commit(branch, before: int, action: str) -> dict[str, str]:
    assert len(commits(branch)) == before + 1
    assert files_of(branch, "HEAD") == ["records/members.yaml"]
    found = trailers(branch, "HEAD")
    assert found["Pw-Action"] == action
    return found


def still_readable(branch) -> None:
    ok(run_pw("member", "list", cwd=branch))
    ok(run_pw("check", cwd=branch))


def test_probationary_member_is_added_without_a_vote(branch):
    ok(run_pw("member", "add", "孙丽", "--status", "probationary", "--group", "g1", cwd=branch))
    sun = roster_of(branch).members["孙丽"]
    assert sun.status == "probationary" and sun.voting is False
    assert roster_of(branch).members["王伟"].voting is True


def test_member_edit_sets_fields_in_one_commit(branch):
    before = len(commits(branch))
    ok(
        run_pw(
            "member",
            "edit",
            "赵磊",
            "--set",
            "joined=2026-07-01",
            "--set",
            "group=g1",
            "--set",
            "email=zhaolei@example.org",
            "--reason",
            "加入日期录错",
            cwd=branch,
        )
    )
    found = one_roster_commit(branch, before, "member-edit")
    assert found["Pw-Reason"] == "加入日期录错"
    zhao = roster_of(branch).members["赵磊"]
    assert zhao.joined == dt.date(2026, 7, 1) and zhao.group == "g1"
    assert zhao.email == "zhaolei@example.org"
    still_readable(branch)


def test_member_edit_refuses_bad_fields_and_values(branch):
    before = len(commits(branch))
    assert (
        run_pw("member", "edit", "赵磊", "--set", "shoe=42", "--reason", "x", cwd=branch).returncode
        == 2
    )
    assert (
        run_pw(
            "member", "edit", "赵磊", "--set", "joined=tomorrow", "--reason", "x", cwd=branch
        ).returncode
        == 2
    )
    assert (
        run_pw(
            "member", "edit", "赵磊", "--set", "group=g9", "--reason", "x", cwd=branch
        ).returncode
        == 66
    )
    assert (
        run_pw(
            "member", "edit", "无此人", "--set", "group=g1", "--reason", "x", cwd=branch
        ).returncode
        == 66
    )
    assert run_pw("member", "edit", "赵磊", "--reason", "x", cwd=branch).returncode == 2
    assert len(commits(branch)) == before


def test_leave_before_joined_is_refused_and_the_roster_stays_readable(branch):
    ok(run_pw("member", "add", "孙丽", "--joined", "2026-12-01", cwd=branch))
    before = len(commits(branch))
    result = run_pw("member", "leave", "孙丽", "--on", "2026-11-26", cwd=branch)
    assert result.returncode == 65 and "孙丽" in result.stderr
    result = run_pw(
        "member", "edit", "孙丽", "--set", "left=2026-11-01", "--reason", "x", cwd=branch
    )
    assert result.returncode == 65
    assert len(commits(branch)) == before
    still_readable(branch)
    # and the way out of a mistaken joined date
    ok(
        run_pw(
            "member", "edit", "孙丽", "--set", "joined=2026-11-01", "--reason", "录错", cwd=branch
        )
    )
    ok(run_pw("member", "leave", "孙丽", "--on", "2026-11-26", cwd=branch))
    still_readable(branch)


def test_changes_that_break_records_are_refused(branch):
    log_committee(branch)  # 2026-07-03: 王伟, 李芳 attend, 张强 absent
    before = len(commits(branch))
    result = run_pw(
        "member", "edit", "张强", "--set", "joined=2026-08-01", "--reason", "x", cwd=branch
    )
    assert result.returncode == 65 and "INACTIVE-MEMBER" in result.stderr
    result = run_pw("member", "leave", "李芳", "--on", "2026-06-30", cwd=branch)
    assert result.returncode == 65 and "INACTIVE-MEMBER" in result.stderr
    assert len(commits(branch)) == before
    still_readable(branch)


def test_rename_fixes_a_typo_and_keeps_a_named_members_former_name(branch):
    ok(run_pw("member", "add", "孙俪", cwd=branch))
    before = len(commits(branch))
    ok(run_pw("member", "edit", "孙俪", "--set", "name=孙丽", "--reason", "错字", cwd=branch))
    one_roster_commit(branch, before, "member-edit")
    names = roster_of(branch).members
    assert "孙丽" in names and "孙俪" not in names
    assert not names["孙丽"].former_names  # named in no record: nothing to remember
    log_committee(branch)
    ok(run_pw("member", "edit", "李芳", "--set", "name=李方", "--reason", "x", cwd=branch))
    assert [f.name for f in roster_of(branch).members["李方"].former_names] == ["李芳"]
    ok(run_pw("check", cwd=branch))
    result = run_pw("member", "edit", "孙丽", "--set", "name=王伟", "--reason", "x", cwd=branch)
    assert result.returncode == 65
    still_readable(branch)


def test_remove_only_a_member_named_in_no_record(branch):
    ok(run_pw("member", "add", "孙丽", cwd=branch))
    record = log_committee(branch)
    before = len(commits(branch))
    result = run_pw("member", "remove", "李芳", "--reason", "x", cwd=branch)
    assert result.returncode == 65 and record in result.stderr
    assert len(commits(branch)) == before
    ok(run_pw("member", "remove", "孙丽", "--reason", "误加", cwd=branch))
    found = one_roster_commit(branch, before, "member-remove")
    assert found["Pw-Reason"] == "误加"
    assert "孙丽" not in roster_of(branch).members
    still_readable(branch)


def test_promote_makes_a_probationary_member_full(branch):
    ok(
        run_pw(
            "member",
            "add",
            "孙丽",
            "--status",
            "probationary",
            "--joined",
            "2025-06-01",
            cwd=branch,
        )
    )
    before = len(commits(branch))
    ok(run_pw("member", "promote", "孙丽", "--on", "2026-06-01", cwd=branch))
    one_roster_commit(branch, before, "member-promote")
    sun = roster_of(branch).members["孙丽"]
    assert sun.status == "full" and sun.full_since == dt.date(2026, 6, 1) and sun.voting is True
    assert not sun.votes_on(dt.date(2026, 5, 31)) and sun.votes_on(dt.date(2026, 6, 1))
    assert run_pw("member", "promote", "孙丽", "--on", "2026-07-01", cwd=branch).returncode == 65
    still_readable(branch)


def test_group_edit_and_group_leader_role(branch):
    before = len(commits(branch))
    ok(run_pw("group", "edit", "g1", "--name", "一组", "--leader", "刘洋", cwd=branch))
    one_roster_commit(branch, before, "group")
    group = roster_of(branch).groups["g1"]
    assert group.name == "一组" and group.leader == "刘洋"
    assert run_pw("group", "edit", "g1", "--leader", "无此人", cwd=branch).returncode == 66
    assert run_pw("group", "edit", "g9", "--name", "x", cwd=branch).returncode == 66
    ok(run_pw("member", "add", "孙丽", "--group", "g2", "--role", "group-leader", cwd=branch))
    assert roster_of(branch).groups["g2"].leader == "孙丽"
    ok(run_pw("member", "role", "陈静", "group-leader", "--from", "2026-11-26", cwd=branch))
    assert roster_of(branch).groups["g2"].leader == "陈静"
    data = json.loads(ok(run_pw("group", "list", "--format", "json", cwd=branch)).stdout)
    assert [g["leader"] for g in data["groups"]] == ["刘洋", "陈静"]
    still_readable(branch)


def test_verify_stays_clean_after_a_sequence_of_roster_commands(branch):
    log_committee(branch)
    for args in (
        [
            "member",
            "add",
            "孙俪",
            "--status",
            "probationary",
            "--group",
            "g1",
            "--joined",
            "2026-09-01",
        ],
        ["member", "edit", "孙俪", "--set", "name=孙丽", "--reason", "错字"],
        ["member", "edit", "赵磊", "--set", "joined=2026-07-15", "--reason", "日期"],
        ["member", "promote", "孙丽", "--on", "2026-11-01"],
        ["group", "edit", "g1", "--leader", "孙丽"],
        ["member", "add", "周敏", "--joined", "2026-10-01"],
        ["member", "remove", "周敏", "--reason", "误加"],
    ):
        ok(run_pw(*args, cwd=branch))
    ok(run_pw("verify", cwd=branch))
    still_readable(branch)
