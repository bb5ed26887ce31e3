"""A record's history, field by field (analysis/history.py): the pure parts, on small hand-built
records; the walk over git is tested end to end (tests/e2e/test_audit.py, test_issue14_cli.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from partywork.analysis.history import describe, field_changes, record_id
from partywork.i18n import set_lang

BEFORE = {
    "id": "2026-07-03-committee-a1b2",
    "place": "项目部会议室",
    "attendees": ["王伟", "李芳", "张强"],
    "absent": [{"name": "刘洋", "reason": "出差", "excused": True}],
    "actions": [
        {"task": "完善安全生产责任清单", "owner": "张强", "due": dt.date(2026, 8, 31)},
        {"task": "整理台账", "owner": "李芳", "due": dt.date(2026, 9, 30), "status": "open"},
    ],
    "minutes": "王伟：传达会议精神。\n李芳：汇报整改进展。",
}


@pytest.fixture(autouse=True)
def _chinese():
    set_lang("zh")


def test_an_unchanged_record_has_no_changes():
    assert field_changes(BEFORE, dict(BEFORE)) == []


def test_a_plain_field_change_names_both_values():
    after = {**BEFORE, "place": "党员活动室"}
    assert field_changes(BEFORE, after) == [
        {"field": "place", "before": "项目部会议室", "after": "党员活动室"}
    ]


def test_an_action_marked_done_shows_each_of_its_fields():
    done = {**BEFORE["actions"][1], "status": "done", "done_on": dt.date(2026, 9, 20)}
    done["evidence"] = "台账已归档"
    after = {**BEFORE, "actions": [BEFORE["actions"][0], done]}
    assert field_changes(BEFORE, after) == [
        {"field": "actions#2.status", "before": "open", "after": "done"},
        {"field": "actions#2.done_on", "before": None, "after": dt.date(2026, 9, 20)},
        {"field": "actions#2.evidence", "before": None, "after": "台账已归档"},
    ]


def test_an_added_and_a_removed_item_are_whole():
    extra = {"task": "组织学习", "owner": "王伟", "due": dt.date(2026, 10, 1)}
    grown = field_changes(BEFORE, {**BEFORE, "actions": [*BEFORE["actions"], extra]})
    assert grown == [{"field": "actions#3", "before": None, "after": extra}]
    shrunk = field_changes(BEFORE, {**BEFORE, "actions": BEFORE["actions"][:1]})
    assert shrunk == [{"field": "actions#2", "before": BEFORE["actions"][1], "after": None}]


def test_fields_added_removed_and_the_first_version():
    after = {k: v for k, v in BEFORE.items() if k != "place"} | {"late_reason": "补记"}
    assert field_changes(BEFORE, after) == [
        {"field": "place", "before": "项目部会议室", "after": None},
        {"field": "late_reason", "before": None, "after": "补记"},
    ]
    created = field_changes(None, {"id": "x", "place": "会议室"})
    assert [c["field"] for c in created] == ["id", "place"]
    assert field_changes(BEFORE, None)[0] == {"field": "id", "before": BEFORE["id"], "after": None}


def test_a_list_of_names_is_compared_as_a_whole():
    after = {**BEFORE, "attendees": ["王伟", "李芳", "刘洋"]}
    (change,) = field_changes(BEFORE, after)
    assert change["field"] == "attendees"
    assert describe(change) == "attendees: +刘洋 −张强"


def test_describe_a_reordering_a_text_and_a_value():
    reordered = {"field": "attendees", "before": ["王伟", "李芳"], "after": ["李芳", "王伟"]}
    assert describe(reordered) == "attendees: 顺序调整"
    minutes = {
        "field": "minutes",
        "before": BEFORE["minutes"],
        "after": "王伟：传达会议精神。\n李芳：汇报整改进展和下一步计划。\n张强：表态。",
    }
    assert describe(minutes) == "minutes: 3 行改动"  # one line replaced (two), one added
    assert describe({"field": "place", "before": None, "after": "会议室"}) == "place: 无 → 会议室"
    absent = {"field": "absent", "before": [], "after": [{"name": "刘洋", "reason": "出差"}]}
    assert describe(absent) == "absent: +刘洋"


def test_describe_shortens_a_long_value():
    long = "研究" * 40
    text = describe({"field": "title", "before": "短", "after": long})
    assert text.endswith("…") and len(text.split(" → ")[1]) == 58


def test_describe_in_english():
    set_lang("en")
    change = {"field": "minutes", "before": "a\nb", "after": "a\nc"}
    assert describe(change) == "minutes: 2 lines changed"


@pytest.mark.parametrize(
    "path, ident",
    [
        ("records/2026/2026-07-03-committee-a1b2.yaml", "2026-07-03-committee-a1b2"),
        ("records/2026/2026-07-03-theme-day-a1b2.yaml", "2026-07-03-theme-day-a1b2"),
        ("records/members.yaml", None),
        ("records/2026/notes.txt", None),
        ("elsewhere/2026/2026-07-03-committee-a1b2.yaml", None),
    ],
)
def test_record_id_of_a_path(path, ident):
    assert record_id(path) == ident
