"""The record types registry (model/types/): each type complete in itself, and the pure pieces a
type is built from."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from partywork.i18n.catalogue import EN, ZH
from partywork.model import schema
from partywork.model.fields import Checker
from partywork.model.types import TYPES
from partywork.model.types.base import choice_zh, named
from partywork.model.types.dues import month_index, payment_months
from partywork.storage.yamlio import Document

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("typ", list(TYPES))
def test_each_type_has_its_templates_labels_and_kinds(typ):
    rtype = TYPES[typ]
    for lang in ("zh", "en"):
        assert (ROOT / "templates" / lang / rtype.template).is_file()
        catalogue = ZH if lang == "zh" else EN
        assert f"type.{typ}" in catalogue
        for kind in rtype.kinds:
            assert f"kind.{kind.name}" in catalogue
        for key in rtype.form:
            assert f"label.{key}" in catalogue or key == "start"
    assert set(rtype.required) <= set(rtype.fields)
    assert {key for key, _how in rtype.names} <= set(rtype.fields)
    for kind in rtype.kinds:
        assert set(kind.fields) <= set(rtype.fields)


def test_the_kinds_of_all_types_are_distinct():
    names = [kind.name for rtype in TYPES.values() for kind in rtype.kinds]
    assert len(names) == len(set(names))


def test_a_kind_s_own_fields_are_not_allowed_to_the_other_kinds():
    meeting = TYPES["meeting"]
    assert "commendations" in meeting.allowed("incentive")
    assert "commendations" not in meeting.allowed("committee")
    assert "group" in meeting.allowed("group") and "group" not in meeting.allowed("lecture")


def test_kind_names_in_chinese():
    assert schema.kind_named("激励会", "meeting") == "incentive"
    assert schema.kind_named("个别谈话") == "one-to-one"
    assert schema.type_named("党费") == "dues"
    assert schema.kind_named("激励会", "study") is None


def _checker(data: dict) -> Checker:
    return Checker(Document(data, {}), "x.yaml")


def test_grades_in_chinese_become_english_and_a_wrong_one_is_named():
    convert = choice_zh({"excellent": ("优秀",), "basic": ("基本合格",)})
    check = _checker({})
    assert convert(check, "优秀", ("grade",)) == "excellent"
    assert convert(check, " basic ", ("grade",)) == "basic"
    assert check.problems == []
    assert convert(check, "优良", ("grade",)) is None
    assert [p.code for p in check.problems] == ["BAD-VALUE"]
    assert "优良" in check.problems[0].message


def test_named_finds_every_name_a_type_holds():
    record = {
        "collector": "李芳",
        "payments": [{"member": "王伟"}, {"member": "张强"}],
        "exempt": [{"name": "陈静"}],
        "unpaid": [],
    }
    found = named(record, TYPES["dues"].names)
    assert [name for _path, name in found] == ["李芳", "王伟", "张强", "陈静"]
    assert found[1][0] == ("payments", 0, "member")


def test_months_of_a_payment():
    assert month_index("2026-01") - month_index("2025-12") == 1
    assert month_index("2026-13") is None
    assert payment_months({"member": "王伟"}, "2026-11") == ["2026-11"]
    assert payment_months({"months": ["2026-11", "2026-12"]}, "2026-11") == ["2026-11", "2026-12"]


def _validate(data: dict) -> list[str]:
    from partywork.model.roster import Member, Roster

    roster = Roster(
        members={n: Member(name=n, status="full", group="g1") for n in ("王伟", "李芳", "张强")},
        groups={},
    )
    ctx = schema.Context(roster, dt.date(2026, 11, 26))
    _record, problems = schema.validate(Document(data, {}), "x.yaml", ctx)
    return [f"{p.code} {p.message}" for p in problems if p.severity == "error"]


def test_a_dues_record_refuses_a_make_up_more_than_six_months_back_and_a_name_twice():
    base = {
        "schema": 1,
        "id": "2026-11-25-monthly-ab12",
        "type": "dues",
        "kind": "monthly",
        "title": "t",
        "date": "2026-11-25",
        "month": "2026-11",
        "collector": "李芳",
    }
    payments = [{"member": "王伟", "amount": "50", "paid_on": "2026-11-10", "months": ["2026-04"]}]
    errors = _validate({**base, "payments": payments, "unpaid": [{"name": "王伟"}]})
    assert any("2026-04" in e for e in errors)
    assert any(e.startswith("DUPLICATE-NAME") and "王伟" in e for e in errors)
    assert not _validate({**base, "payments": [dict(payments[0], months=["2026-05"])]})


def test_a_talk_needs_two():
    errors = _validate(
        {
            "schema": 1,
            "id": "2026-11-05-one-to-one-ab12",
            "type": "talk",
            "kind": "one-to-one",
            "title": "t",
            "date": "2026-11-05",
            "host": "王伟",
            "attendees": ["王伟"],
            "topics": ["工作"],
            "minutes": "m",
        }
    )
    assert [e.split()[0] for e in errors] == ["BAD-VALUE"]
