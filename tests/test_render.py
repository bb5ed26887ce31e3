"""The report's renderers are pure (render/): a small hand-built `pw.report/1` in, text or bytes
out, the same every time. No repository, no subprocess."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
from rich.cells import cell_len

from conftest import each_record_listed_or_counted
from partywork.i18n import set_lang
from partywork.model.reportdata import Finding, Report
from partywork.render import report_html, report_text, report_xlsx, sections


def _finding(code: str, severity: str, record: str | None, message: str) -> Finding:
    return {
        "code": code,
        "severity": severity,
        "record": record,
        "commit": None,
        "message": message,
    }


def _report() -> Report:
    ids = [f"2026-07-{day:02d}-group-ab{day:02d}" for day in range(1, 21)]
    return {
        "schema": "pw.report/1",
        "branch": "测试支部",
        "type": "formal",
        "parent": "测试党委",
        "period": {"label": "2026Q3", "start": "2026-07-01", "end": "2026-09-30"},
        "as_of": "2026-11-26",
        "commit": "0123456789abcdef",
        "uncommitted": False,
        "attendance_floor": 0.8,
        "roster": {
            "on": "2026-09-30",
            "full": 3,
            "probationary": 0,
            "groups": [{"id": "g1", "name": "第一党小组（机关）", "members": 3}],
        },
        "compliance": [
            {
                "rule": "group",
                "group": "g1",
                "every": "month",
                "required": 3,
                "held": 2,
                "ok": False,
                "missing": ["2026-08"],
                "pending": [],
                "not_tracked": [],
            },
            {
                "rule": "org-life",
                "group": None,
                "every": "year",
                "required": 1,
                "held": 0,
                "ok": True,
                "missing": [],
                "pending": ["2026"],
                "not_tracked": [],
            },
        ],
        "meetings": [
            {
                "id": ids[0],
                "date": "2026-07-01",
                "type": "meeting",
                "kind": "group",
                "group": "g1",
                "title": "七月党小组会",
                "expected": 3,
                "present": 2,
                "rate": 0.667,
                "quorum_ok": True,
            }
        ],
        "attendance": [
            {
                "member": "王伟",
                "expected": 1,
                "attended": 1,
                "excused": 0,
                "unexcused": 0,
                "rate": 1.0,
                "below_floor": False,
                "months_absent": 0,
            }
        ],
        "study": [
            {
                "member": "王伟",
                "hours": 2.0,
                "year_to_date": 8.5,
                "target_to_date": 24.0,
                "leader": False,
            }
        ],
        "actions": [
            {
                "id": f"{ids[0]}#1",
                "record": ids[0],
                "task": "整改",
                "owner": "王伟",
                "due": "2026-08-31",
                "status": "open",
                "overdue": True,
                "done_on": None,
                "evidence": None,
            }
        ],
        "overdue_before": 0,
        "findings": [
            _finding("MISSING", "error", None, "2026-08 第一党小组（机关） 未开党小组会"),
            *[_finding("SIMILAR", "warning", i, f"与 {i} 相似") for i in ids],
            _finding("STUDY-HOURS", "info", None, "王伟 学时不足"),
            _finding("NEW-CODE", "warning", None, "a code without a label yet"),
        ],
    }


@pytest.fixture(autouse=True)
def _zh():
    set_lang("zh")
    yield
    set_lang("zh")


def test_the_verdict_names_what_is_missing_and_counts_the_rest_by_code():
    lines = sections.verdict_lines(_report())
    text = "\n".join(line for _, line, _ in lines)
    assert "1 项达标" not in text and "0 项达标，1 项未达标，1 项尚未到期" in text
    assert "未达标 党小组会（第一党小组（机关）） / 月：缺 2026-08" in text
    assert "尚未到期 组织生活会 / 年：待开 2026" in text
    assert "MISSING 未按规定开会  2026-08 第一党小组（机关） 未开党小组会" in text
    assert "SIMILAR 记录内容雷同 20" in text and "NEW-CODE 1" in text
    assert [bad for _, line, bad in lines if line.startswith("MISSING")] == [True]


def test_pending_is_not_met():
    assert sections.rule_result(_report()["compliance"][1]) == "待开 2026"
    assert sections.rule_result(_report()["compliance"][0]) == "未达标；缺 2026-08"


def test_findings_of_one_code_are_one_row_unless_every_one_is_asked_for():
    grouped = sections.grouped_findings(_report())
    assert [row[1] for row in grouped.rows] == [
        "MISSING 未按规定开会",
        "SIMILAR 记录内容雷同",
        "NEW-CODE",
        "STUDY-HOURS 学时不足",
    ]
    assert grouped.rows[1][2] == 20
    assert len(sections.findings(_report()).rows) == 23


def test_the_terminal_text_at_80_columns_keeps_ids_and_dates_whole(monkeypatch):
    report = _report()
    text = report_text.table_text(report, 80, color=False)
    assert text == report_text.table_text(report, 80, color=False)
    assert all(cell_len(line) <= 80 for line in text.splitlines())
    words = set(re.findall(r"\S+", text))
    assert words and each_record_listed_or_counted(text, report["findings"])
    assert "第一党小组" in text.split("会议", 1)[1]  # the meetings table names the group
    assert "\x1b" not in text
    monkeypatch.delenv("NO_COLOR", raising=False)  # NO_COLOR is honoured: the tests set it
    coloured = report_text.table_text(report, 80, color=True)
    assert "\x1b[31m" in coloured  # the missing meeting in red on a terminal


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_tables_laid_out_by_pw_read_exactly_as_rich_lays_them_out(monkeypatch, lang):
    """A table that fits is laid out by pw itself (thousands of rows; rich takes a millisecond
    each): the same text as rich's, at every width, and rich still lays out what must wrap."""
    from partywork.render import console

    set_lang(lang)
    report = _report()
    laid_out = console.laid_out
    for width in (50, 60, 80, 100, 1000):
        for every in (False, True):
            ours = report_text.table_text(report, width, color=False, every_finding=every)
            monkeypatch.setattr(console, "laid_out", lambda *args: None)
            theirs = report_text.table_text(report, width, color=False, every_finding=every)
            monkeypatch.setattr(console, "laid_out", laid_out)
            assert ours == theirs, (width, every)
    grid = console.Grid(
        "会议",
        ["日期", "标题"],
        [[console.Cell("2026-07-03"), console.Cell("甲" * 30)]],
        [True, False],
    )
    assert console.laid_out(grid, 80, False) == [
        "会议",
        " 日期       标题",
        " 2026-07-03 " + "甲" * 30,
    ]
    assert console.laid_out(grid, 60, False) is None  # 73 cells: rich wraps the title column


def test_record_text_cannot_drive_the_terminal_or_become_markup():
    report = _report()
    report["meetings"][0]["title"] = "[red]假[/red]\x1b[2J"
    text = report_text.table_text(report, 100, color=True)
    assert "[red]假[/red]" in text and "\x1b[2J" not in text


def test_english_labels():
    set_lang("en")
    text = report_text.markdown(_report())
    assert "## Verdict" in text and "SIMILAR copied minutes" in text and "| Quorum |" in text


def test_html_puts_the_verdict_first_and_folds_each_code():
    page = report_html.html(_report())
    assert page.index('class="verdict"') < page.index("<svg") < page.index('id="findings"')
    assert page.count("<details") == 4 and "<details open>" in page  # the error unfolded
    assert page.count("<details") == 4 and "<th>法定人数</th>" in page
    every = report_html.html(_report(), every_finding=True)
    assert "<details" not in every and every.count("SIMILAR 记录内容雷同") == 20 + 1


def test_the_workbook_is_typed_and_the_same_bytes_every_time():
    data = report_xlsx.workbook(_report())
    assert data == report_xlsx.workbook(_report())
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames[0] == "汇总" and len(book.sheetnames) == 6
    assert book.properties.modified == dt.datetime(2026, 11, 26)  # not the clock's second
    meetings = book["会议"]
    assert meetings["A2"].value == dt.datetime(2026, 7, 1)
    assert meetings["E2"].value == 3 and meetings["G2"].value == pytest.approx(0.67)
    assert meetings["G2"].number_format == "0%"
    assert book["学时"]["C2"].value == 8.5


def test_a_cell_from_a_record_never_becomes_a_formula():
    report = _report()
    report["meetings"][0]["title"] = '=HYPERLINK("http://x")'
    book = openpyxl.load_workbook(io.BytesIO(report_xlsx.workbook(report)))
    assert book["会议"]["D2"].value == '\'=HYPERLINK("http://x")'
    assert book["会议"]["D2"].data_type == "s"


def test_every_finding_code_pw_makes_has_a_label_in_both_languages():
    """A code added later (code.label.<CODE>) fails here until it has its Chinese and English."""
    from pathlib import Path

    from partywork.i18n.catalogue import EN, ZH

    source = Path(sections.__file__).resolve().parents[1]
    codes = {
        code
        for path in source.rglob("*.py")
        for code in re.findall(r'\b_?finding\(\s*"([A-Z][A-Z0-9-]+)"', path.read_text("utf-8"))
    }
    assert {"MISSING", "REWRITTEN", "SIMILAR", "LOW-ATTENDANCE"} <= codes
    assert sorted(c for c in codes if f"code.label.{c}" not in ZH) == []
    assert sorted(c for c in codes if f"code.label.{c}" not in EN) == []
    assert sections.code_label("REWRITTEN") == "REWRITTEN 历史被改写"
    assert sections.code_label("LOW-ATTENDANCE") == "LOW-ATTENDANCE 到会率低"


def test_the_verdict_stays_one_screen_with_many_errors():
    report = _report()
    report["findings"] = [
        _finding("QUORUM", "error", f"2026-07-{d:02d}-committee-aa{d:02d}", f"第 {d} 次到会不足")
        for d in range(1, 21)
    ]
    lines = sections.verdict_lines(report)
    assert len(lines) < 16
    texts = [text for _, text, _ in lines]
    assert "错误 20 项" in texts and "等 20 项" in texts
    assert sum(1 for text in texts if text.startswith("QUORUM")) == sections.ERRORS_SHOWN
    grouped = sections.grouped_findings(report)
    assert len(grouped.rows) == 1 and grouped.rows[0][2] == 20
