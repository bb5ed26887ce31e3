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
