"""pw member / group: roster upkeep through the CLI, versioned by date (SPEC §4)."""

from __future__ import annotations

import datetime as dt
import json

from conftest import COMMITTEE_ARGS, files_of, load_yaml, ok, run_pw, trailers
from partywork.model.roster import parse as parse_roster
from partywork.storage.store import read_document


def roster_of(branch):
    doc, problems = read_document(branch / "records" / "members.yaml", "members.yaml")
    assert problems == []
    return parse_roster(doc, "members.yaml")[0]


def test_member_add_is_one_commit_on_members_yaml(branch):
    ok(
        run_pw(
            "member",
            "add",
            "孙丽",
            "--status",
            "probationary",
            "--group",
            "g1",
            "--joined",
            "2026-03-01",
            "--email",
            "sunli@example.org",
            cwd=branch,
        )
    )
    assert files_of(branch, "HEAD") == ["records/members.yaml"]
    assert trailers(branch, "HEAD")["Pw-Action"] == "member"
    member = roster_of(branch).members["孙丽"]
    assert (
        member.status == "probationary"
        and member.group == "g1"
        and member.joined == dt.date(2026, 3, 1)
    )


def test_duplicate_member_and_unknown_group_are_refused(branch):
    assert run_pw("member", "add", "王伟", cwd=branch).returncode == 65
    result = run_pw("member", "add", "孙丽", "--group", "g9", cwd=branch)
    assert result.returncode == 66 and "g1" in result.stderr


def test_leave_ends_roles_and_expected_attendance_follows_the_date(branch):
    ok(run_pw("member", "leave", "张强", "--on", "2026-08-15", cwd=branch))
    roster = roster_of(branch)
    zhang = roster.members["张强"]
    assert zhang.left == dt.date(2026, 8, 15) and zhang.roles[0].end == dt.date(2026, 8, 15)
    assert "张强" in [m.name for m in roster.committee(dt.date(2026, 7, 3))]
    assert "张强" not in [m.name for m in roster.committee(dt.date(2026, 9, 3))]
    # a September committee meeting no longer expects 张强; naming him is an error
    args = [a if a != "2026-07-03" else "2026-09-03" for a in COMMITTEE_ARGS]
    result = run_pw(*args, cwd=branch)
    assert result.returncode == 65 and "INACTIVE-MEMBER" in result.stderr


def test_roles_over_time(branch):
    ok(run_pw("member", "role", "刘洋", "committee", "--from", "2026-09-01", cwd=branch))
    ok(run_pw("member", "role", "李芳", "committee", "--to", "2026-08-31", cwd=branch))
    roster = roster_of(branch)
    assert [m.name for m in roster.committee(dt.date(2026, 8, 1))] == ["王伟", "李芳", "张强"]
    assert [m.name for m in roster.committee(dt.date(2026, 9, 1))] == ["王伟", "张强", "刘洋"]
    assert (
        run_pw("member", "role", "刘洋", "committee", "--from", "2026-10-01", cwd=branch).returncode
        == 65
    )
    assert (
        run_pw("member", "role", "刘洋", "boss", "--from", "2026-10-01", cwd=branch).returncode == 2
    )


def test_member_list_on_a_date(branch):
    data = json.loads(
        ok(run_pw("member", "list", "--on", "2026-07-01", "--format", "json", cwd=branch)).stdout
    )
    names = [m["name"] for m in data["members"]]
    assert "赵磊" not in names and "王伟" in names  # 赵磊 joined on 2026-08-01
    assert data["members"][0]["roles"] == ["secretary"]
    table = ok(run_pw("member", "list", cwd=branch)).stdout
    assert "赵磊" in table and "书记" in table


def test_group_add_and_list(branch):
    ok(run_pw("group", "add", "g3", "--name", "第三党小组", "--leader", "陈静", cwd=branch))
    data = json.loads(ok(run_pw("group", "list", "--format", "json", cwd=branch)).stdout)
    assert [g["id"] for g in data["groups"]] == ["g1", "g2", "g3"]
    assert run_pw("group", "add", "g3", "--name", "重复", cwd=branch).returncode == 65
    assert run_pw("group", "add", "G 4", "--name", "坏编号", cwd=branch).returncode == 2


def test_probationary_member_becomes_full(branch):
    members = branch / "records" / "members.yaml"
    data = load_yaml(members)
    assert data["members"][0]["name"] == "王伟"
    text = members.read_text(encoding="utf-8").replace(
        "  - name: 刘洋\n    status: full\n",
        "  - name: 刘洋\n    status: full\n    full_since: 2026-06-01\n",
    )
    members.write_text(text, encoding="utf-8")
    liu = roster_of(branch).members["刘洋"]
    assert not liu.votes_on(dt.date(2026, 5, 1)) and liu.votes_on(dt.date(2026, 6, 1))


def test_a_recorder_types_status_role_and_group_in_chinese(branch):
    """The words on the branch's paper roster work as options, as they do in an import."""
    ok(
        run_pw(
            "member", "add", "钱多多", "--status", "预备党员", "--group", "第一党小组",
            "--joined", "2026-03-01", "--role", "组织委员", cwd=branch,
        )
    )  # fmt: skip
    member = roster_of(branch).members["钱多多"]
    assert (member.status, member.group, member.voting) == ("probationary", "g1", False)
    assert [r.role for r in member.roles] == ["committee"]
    ok(run_pw("member", "role", "钱多多", "党小组长", "--from", "2026-04-01", cwd=branch))
    assert "group-leader" in [r.role for r in roster_of(branch).members["钱多多"].roles]
    wrong = run_pw("member", "add", "孙丽", "--group", "第三党小组", cwd=branch)
    assert wrong.returncode != 0 and "g1（第一党小组）" in wrong.stderr
