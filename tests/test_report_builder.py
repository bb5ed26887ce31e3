"""The report builder is pure (analysis/report.py): settings, roster, records and a date in, the
`pw.report/1` mapping out. Small hand-built inputs, no repository."""

from __future__ import annotations

import datetime as dt

from partywork.analysis import report
from partywork.i18n import set_lang
from partywork.model import periods, schema
from partywork.model import roster as roster_model
from partywork.model import settings as settings_model
from partywork.render import sections
from partywork.storage import yamlio

SETTINGS = """\
branch: 测试支部
type: formal
parent: 测试党委
lang: zh
rules:
  group: {every: month, min: 1, per_group: true}
  org-life: {every: year, min: 1}
attendance_floor: 0.8
"""
ROSTER = """\
groups:
  - {id: g1, name: 第一党小组（机关）, leader: null}
  - {id: g2, name: 第二党小组（一线）, leader: null}
members:
  - {name: 王伟, status: full, group: g1, joined: 2025-01-01}
  - {name: 李芳, status: full, group: g1, joined: 2025-01-01}
  - {name: 张强, status: full, group: g2, joined: 2025-01-01}
"""


def _parsed(text: str, parse):
    doc, problems = yamlio.parse(text.encode("utf-8"), "x.yaml")
    assert doc is not None and not problems
    value, problems = parse(doc, "x.yaml")
    assert not [p for p in problems if p.severity == "error"], problems
    return value


def _meeting(day: str, group: str, attendees: list[str]) -> dict:
    return schema.typed(
        {
            "schema": 1,
            "id": f"{day}-group-{group}aa",
            "type": "meeting",
            "kind": "group",
            "title": f"{group} 党小组会",
            "date": dt.date.fromisoformat(day),
            "group": group,
            "attendees": attendees,
        }
    )


def _build(records: list[dict], as_of: str = "2026-11-26") -> dict:
    set_lang("zh")
    return report.build(
        report.Inputs(
            settings=_parsed(SETTINGS, settings_model.parse),
            roster=_parsed(ROSTER, roster_model.parse),
            records=records,
            period=periods.parse("2026Q3", "quarter", dt.date(2026, 11, 26), 1),
            as_of=dt.date.fromisoformat(as_of),
        )
    )


def test_a_group_without_its_august_meeting_is_missing_and_named():
    records = [_meeting(f"2026-{m:02d}-10", "g1", ["王伟", "李芳"]) for m in (7, 8, 9)]
    records += [_meeting(f"2026-{m:02d}-12", "g2", ["张强"]) for m in (7, 9)]
    built = _build(records)
    g2 = next(e for e in built["compliance"] if e["group"] == "g2")
    assert g2["missing"] == ["2026-08"] and not g2["ok"]
    groups = [f for f in built["findings"] if f["code"] == "MISSING" and "党小组会" in f["message"]]
    assert len(groups) == 1 and "2026-08 第二党小组（一线）" in groups[0]["message"]
    assert groups[0]["severity"] == "error"
    severities = [f["severity"] for f in built["findings"]]
    assert severities == sorted(severities, key=["error", "warning", "info"].index)


def test_each_meeting_row_names_its_group():
    built = _build([_meeting("2026-07-10", "g2", ["张强"])])
    assert built["meetings"][0]["group"] == "g2"
    assert sections.group_name(built, "g2") == "第二党小组（一线）"
    assert sections.group_name(built, "g2", short=True) == "第二党小组"


def test_a_year_not_over_is_pending_not_met():
    built = _build([], as_of="2026-11-26")
    org_life = next(e for e in built["compliance"] if e["rule"] == "org-life")
    assert org_life["pending"] == ["2026"] and org_life["held"] == 0
    assert sections.rule_result(org_life) == "待开 2026"
    assert "达标" not in sections.rule_result(org_life)


def test_same_inputs_same_report():
    records = [_meeting("2026-07-10", "g1", ["王伟"])]
    assert _build(records) == _build(records)


def _streak_inputs(period: str, as_of: str, records: list[dict]) -> report.Inputs:
    set_lang("zh")
    return report.Inputs(
        settings=_parsed(SETTINGS, settings_model.parse),
        roster=_parsed(ROSTER, roster_model.parse),
        records=records,
        period=periods.parse(period, "quarter", dt.date.fromisoformat(as_of), 1),
        as_of=dt.date.fromisoformat(as_of),
    )


def test_six_months_absent_across_the_new_year_is_an_error_and_the_window_holds_them():
    """张强 came to none of his group's meetings from October 2025 to March 2026: the 2026Q1
    report, made at the end of March, names six months (an error); made mid-February, the six
    months end in February. The window (what the report reads) holds exactly those months."""
    months = ["2025-09", "2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03"]
    records = [_meeting(f"{m}-12", "g2", ["张强"] if m == "2025-09" else []) for m in months]
    for as_of, months_absent, first_read in (
        ("2026-03-31", 6, "2025-10-01"),
        ("2026-02-15", 5, "2025-09-01"),
    ):
        inputs = _streak_inputs("2026Q1", as_of, records)
        start, _end = report.window(inputs.period, 1, inputs.as_of)
        assert start.isoformat() == first_read
        inputs.records = [r for r in records if r["date"] >= start]
        built = report.build(inputs)
        entry = next(e for e in built["attendance"] if e["member"] == "张强")
        assert entry["months_absent"] == months_absent
        absent = [f for f in built["findings"] if f["code"] == "ABSENT-MONTHS"]
        assert [f["severity"] for f in absent] == ["error" if months_absent == 6 else "warning"]
        assert "张强" in absent[0]["message"]


def test_a_quarter_late_in_the_year_reads_only_its_year():
    """Six months back from June lie within the year: a 2026Q2 report reads nothing of 2025 but
    its actions (SPEC §11: the cost comes from the period, not from history)."""
    period = periods.parse("2026Q2", "quarter", dt.date(2026, 6, 30), 1)
    assert report.window(period, 1, dt.date(2026, 6, 30))[0] == dt.date(2026, 1, 1)
