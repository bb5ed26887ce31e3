"""analysis/claims.py on its own: does a change fit the pw action it claims, what did it rewrite,
which roster dates moved, which settings were weakened (issue 11). Pure functions over parsed
YAML; the end-to-end attacks on real histories are in tests/e2e/test_forgery.py."""

from __future__ import annotations

from partywork.analysis import claims
from partywork.analysis.changes import Change
from partywork.storage.yamlio import dump

RID = "2026-07-03-committee-ab12"
PATH = f"records/2026/{RID}.yaml"
ZERO = "0" * 40

RECORD = {
    "schema": "1",
    "id": RID,
    "type": "meeting",
    "kind": "committee",
    "title": "2026年第7次支委会",
    "date": "2026-07-03",
    "attendees": ["王伟", "李芳"],
    "absent": [{"name": "张强", "reason": "无故缺席", "excused": "false"}],
    "actions": [{"task": "完善清单", "owner": "张强", "due": "2026-08-31", "status": "open"}],
}


def change(trailers: dict[str, str], files: list[list[str]], parents: int = 1) -> Change:
    return Change(
        "c" * 40,
        ["p" * 40] * parents,
        "组织委员",
        "r@example.org",
        0,
        "",
        "组织委员",
        "r@example.org",
        0,
        "2026-07-03 20:00:00 +0800",
        "subject",
        trailers,
        files,
        {},
    )


def judged(
    trailers: dict[str, str],
    before: dict | None,
    after: dict | None,
    path: str = PATH,
    status: str | None = None,
) -> dict:
    contents, old, new = {}, ZERO, ZERO
    if before is not None:
        old = "a" * 40
        contents[old] = dump(before).encode("utf-8")
    if after is not None:
        new = "b" * 40
        contents[new] = dump(after).encode("utf-8")
    status = status or ("A" if before is None else "D" if after is None else "M")
    return claims.judge(change(trailers, [[status, path, old, new]]), contents, bulk=200)


def with_(record: dict, **fields) -> dict:
    return {**record, **fields}


def test_log_of_exactly_its_record_is_no_forgery():
    verdict = judged({"Pw-Action": "log", "Pw-Record": RID}, None, RECORD)
    assert "forged" not in verdict and "misplaced" not in verdict


def test_log_over_an_edit_is_forged():
    verdict = judged({"Pw-Action": "log", "Pw-Record": RID}, RECORD, with_(RECORD, title="改"))
    assert verdict["forged"][0][0] == "audit.forged_files"


def test_void_that_also_changes_attendance_is_forged():
    after = with_(
        RECORD, attendees=["王伟", "李芳", "张强"], voided={"on": "2026-07-05", "reason": "重复"}
    )
    verdict = judged({"Pw-Action": "void", "Pw-Record": RID, "Pw-Reason": "重复"}, RECORD, after)
    assert verdict["forged"] == [["audit.forged_change", {"action": "void", "what": "attendees"}]]


def test_a_clean_void_is_not():
    after = with_(RECORD, voided={"on": "2026-07-05", "reason": "重复"})
    assert "forged" not in judged(
        {"Pw-Action": "void", "Pw-Record": RID, "Pw-Reason": "重复"}, RECORD, after
    )


def test_edit_without_a_reason_or_removing_voided_is_forged():
    edited = with_(RECORD, title="改")
    assert (
        judged({"Pw-Action": "edit", "Pw-Record": RID}, RECORD, edited)["forged"][0][0]
        == "audit.forged_no_reason"
    )
    voided = with_(RECORD, voided={"on": "2026-07-05", "reason": "x"})
    verdict = judged({"Pw-Action": "edit", "Pw-Record": RID, "Pw-Reason": "x"}, voided, RECORD)
    assert verdict["forged"][0][1]["what"] == "voided"


def test_action_done_may_change_only_that_actions_status_fields():
    done = [
        {**RECORD["actions"][0], "status": "done", "done_on": "2026-08-01", "evidence": "已印发"}
    ]
    ok = judged({"Pw-Action": "action-done", "Pw-Record": RID}, RECORD, with_(RECORD, actions=done))
    assert "forged" not in ok
    moved_owner = [{**done[0], "owner": "李芳"}]
    bad = judged(
        {"Pw-Action": "action-done", "Pw-Record": RID}, RECORD, with_(RECORD, actions=moved_owner)
    )
    assert bad["forged"][0][1]["what"] == "actions#1.owner"


def test_a_merge_with_trailers_and_an_unknown_action_are_forged():
    merge = change({"Pw-Action": "log", "Pw-Record": RID}, [], parents=2)
    assert claims.forged(merge, {})[0][0] == "audit.forged_merge"
    assert (
        judged({"Pw-Action": "approve"}, RECORD, with_(RECORD, title="x"))["forged"][0][0]
        == "audit.forged_action"
    )


def test_a_record_at_the_wrong_path_or_with_a_new_date_is_misplaced():
    moved = judged({}, None, RECORD, path=f"records/2025/{RID}.yaml")
    assert moved["misplaced"][0][:2] == [RID, "audit.misplaced_path"]
    redated = judged({}, RECORD, with_(RECORD, date="2026-07-04"))
    assert redated["misplaced"] == [
        [
            RID,
            "audit.misplaced_field",
            {"field": "date", "before": "2026-07-03", "after": "2026-07-04"},
        ]
    ]


def test_rewritten_fields_name_attendance_and_an_actions_due_date():
    after = with_(
        RECORD,
        attendees=["王伟", "李芳", "张强"],
        absent=[],
        actions=[{**RECORD["actions"][0], "due": "2026-12-31"}],
    )
    fields = {name for name, _before, _after in claims.rewritten_fields(RECORD, after)}
    assert fields == {"attendees", "absent", "actions#1.due"}
    assert claims.rewritten_fields(RECORD, with_(RECORD, title="改标题")) == []


def test_weakened_settings():
    before = {
        "signing": "require",
        "recorders": ["a@x"],
        "late_after_days": "3",
        "rules": {"committee": {"every": "month", "min": "1"}},
    }
    after = {
        "signing": "off",
        "recorders": [],
        "late_after_days": "30",
        "rules": {"committee": None},
    }
    names = [name for name, _old, _new in claims.weakened(before, after)]
    assert names == ["signing", "recorders", "late_after_days", "rules.committee"]
    assert claims.weakened(after, before) == []  # tightening is no finding


def test_roster_moves_span_only_the_dates_between():
    member = {
        "name": "张强",
        "joined": "2026-01-01",
        "left": None,
        "roles": [{"role": "committee", "from": "2026-01-01", "to": None}],
    }
    left = {
        **member,
        "left": "2026-07-01",
        "roles": [{"role": "committee", "from": "2026-01-01", "to": "2026-07-01"}],
    }
    moves = claims.roster_moves({"members": [member]}, {"members": [left]})
    spans = {(field, start, end) for _name, field, _old, _new, start, end in moves}
    assert spans == {("left", "2026-07-01", claims.FAR), ("roles", "2026-07-01", claims.FAR)}


def test_the_first_of_two_namesakes_counts_as_the_roster_reader_has_it():
    first = {"name": "张强", "joined": "2026-01-01", "left": "2026-06-30"}
    second = {"name": "张强", "joined": "2026-01-01", "left": None}
    moves = claims.roster_moves({"members": [second]}, {"members": [first, second]})
    assert [m[1] for m in moves] == ["left"]


def test_policy_reads_only_what_it_enforces():
    assert claims.policy({"signing": "require", "recorders": ["A@X"]}) == {
        "signing": "require",
        "recorders": ["a@x"],
    }
    assert claims.policy({"signing": "require "}) == {"signing": "off", "recorders": []}


# -- renames, promotions and voids (fixaudit) ------------------------------------------------------

LI = {"name": "李芳", "status": "full", "joined": "2026-01-01", "voting": "true"}
ZHANG = {"name": "张强", "status": "full", "joined": "2026-01-01", "voting": "true"}
FORMER = [{"name": "李芳", "until": "2026-11-26"}]


def roster(*members: dict) -> dict:
    return {"groups": [], "members": list(members)}


def test_a_rename_and_a_rename_back_move_nothing():
    renamed = {**LI, "name": "李方", "former_names": FORMER}
    assert claims.roster_moves(roster(LI, ZHANG), roster(renamed, ZHANG)) == []
    assert claims.roster_moves(roster(renamed, ZHANG), roster(LI, ZHANG)) == []


def test_a_former_name_moved_to_another_member_moves_the_records_up_to_until():
    renamed = {**LI, "name": "李方", "former_names": FORMER}
    moved = claims.roster_moves(
        roster(renamed, ZHANG), roster({**LI, "name": "李方"}, {**ZHANG, "former_names": FORMER})
    )
    assert {(m[0], m[1], m[4], m[5]) for m in moved} == {
        ("李方", "former_names", claims.EARLY, "2026-11-26"),
        ("张强", "former_names", claims.EARLY, "2026-11-26"),
    }


def _roster_change(before: dict, after: dict, action: str = "member-edit") -> dict:
    old, new = "a" * 40, "b" * 40
    contents = {old: dump(before).encode("utf-8"), new: dump(after).encode("utf-8")}
    trailers = {"Pw-Action": action, "Pw-Reason": "更正"}
    return claims.judge(change(trailers, [["M", claims.ROSTER, old, new]]), contents, bulk=200)


def test_former_names_changed_outside_a_rename_are_forged_under_a_roster_claim():
    renamed = {**LI, "name": "李方", "former_names": FORMER}
    assert "forged" not in _roster_change(roster(LI, ZHANG), roster(renamed, ZHANG))
    verdict = _roster_change(roster(renamed, ZHANG), roster({**LI, "name": "李方"}, ZHANG))
    assert verdict["forged"] == [
        ["audit.forged_change", {"action": "member-edit", "what": "former_names"}]
    ]


def test_a_promotion_moves_only_the_days_from_its_date():
    probationary = {**LI, "status": "probationary", "voting": "false"}
    promoted = {**LI, "full_since": "2026-11-25"}
    moves = claims.roster_moves(roster(probationary), roster(promoted))
    assert {m[1] for m in moves} == {"status", "full_since", "voting"}
    assert {(m[4], m[5]) for m in moves} == {("2026-11-25", claims.FAR)}
    earlier = claims.roster_moves(roster(promoted), roster({**LI, "full_since": "2026-07-01"}))
    assert [(m[1], m[4], m[5]) for m in earlier] == [("full_since", "2026-07-01", "2026-11-24")]


def test_taking_a_void_back_is_forged_under_every_claim():
    voided = with_(RECORD, voided={"on": "2026-07-05", "reason": "重复"})
    for action in ("resolve", "edit", "action-done"):
        verdict = judged({"Pw-Action": action, "Pw-Record": RID, "Pw-Reason": "x"}, voided, RECORD)
        assert verdict["forged"][0][0] == "audit.forged_change", action
