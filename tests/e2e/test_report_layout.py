"""Issue 16, a report people read: on the sample branch of `make demo` (records/ of this checkout),
the verdict and the MISSING on the first screen at 80 columns, findings grouped by code with their
Chinese (or English) labels, --all for every finding; an Excel workbook and a CSV file Excel on a
Chinese Windows reads; the HTML shows the verdict in Chromium."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from rich.cells import cell_len

from conftest import each_record_listed_or_counted, ok, run_pw

CHECKOUT = Path(__file__).resolve().parents[2]
QUARTER = ("report", "quarter", "2026Q3")
SCREEN = 24  # lines of the first screen of a terminal


@pytest.fixture(autouse=True)
def _no_columns(monkeypatch):
    """A width is what a test asks for, not what the shell running the tests has."""
    monkeypatch.delenv("COLUMNS", raising=False)


def _sample(*args: str, columns: int | None = None) -> str:
    env = {"COLUMNS": str(columns)} if columns else {}
    return ok(run_pw(*QUARTER, *args, cwd=CHECKOUT, env=env)).stdout


@pytest.fixture(scope="module")
def sample_json() -> dict:
    return json.loads(ok(run_pw(*QUARTER, "--format", "json", cwd=CHECKOUT)).stdout)


def test_the_verdict_and_the_missing_meeting_are_on_the_first_screen_at_80_columns(sample_json):
    text = _sample("--format", "table", columns=80)
    lines = text.splitlines()
    assert len(lines) <= 110, len(lines)  # "about 100 lines" (it was about 400)
    first = lines[:SCREEN]
    assert any(line.strip() == "结论" for line in first)
    assert any("MISSING" in line and "2026-08 第二党小组" in line for line in first), first
    assert any("未达标" in line and "缺 2026-08" in line for line in first)
    # the rest counted by code, each code beside its label
    assert any("SIMILAR 记录内容雷同 43" in line for line in first)
    assert all(cell_len(line) <= 80 for line in lines)


def test_nothing_is_cut_in_two_at_80_columns(sample_json):
    """Dates, record and action ids and counts stay whole on one line."""
    text = _sample("--format", "table", columns=80)
    words = set(re.findall(r"\S+", text))
    for meeting in sample_json["meetings"]:
        assert meeting["date"] in text
    for action in sample_json["actions"]:
        assert action["id"] in words and action["due"] in text
    assert words and each_record_listed_or_counted(text, sample_json["findings"])
    assert not re.search(r"\d{4}-\d{2}\s*\n\s*-\d{2}", text)
    every = _sample("--format", "table", "--all", columns=80)
    assert all(cell_len(line) <= 80 for line in every.splitlines())
    assert not re.search(r"(\d{4}-\d{2}-|\d{4}-)\s*\n|\n\s*-\d{2}\b", every)
    for finding in sample_json["findings"]:
        for date in re.findall(r"\d{4}-\d{2}-\d{2}", finding["message"]):
            assert date in every


def test_pending_is_never_shown_as_met(sample_json):
    text = _sample("--format", "table", columns=80)
    row = next(line for line in text.splitlines() if line.strip().startswith("组织生活会 / 年"))
    assert "待开 2026" in row and "达标" not in row
    assert "尚未到期 组织生活会 / 年：待开 2026" in text


def test_findings_are_grouped_by_code_and_all_lists_every_one(sample_json):
    messages = [f["message"] for f in sample_json["findings"]]
    assert len(messages) > 80
    grouped = _sample("--format", "table", columns=80)
    # one line per code: the 43 SIMILAR findings are one line, their records after it
    assert grouped.count("SIMILAR") == 2  # the verdict's count and the group's line
    assert sum(1 for m in set(messages) if m in grouped) < 10
    every = _sample("--format", "table", "--all", columns=200)
    assert all(m in every for m in messages)
    md = _sample("--format", "md", "--all")
    assert all(m in md for m in messages)
    assert md.count("| SIMILAR 记录内容雷同 |") == 43


def test_codes_and_columns_have_labels_in_chinese_and_english():
    zh = _sample("--format", "table", columns=120)
    assert "BATCH 集中补录" in zh and "STUDY-HOURS 学时不足" in zh and "LATE 补记" in zh
    assert "法定人数" in zh and "党小组" in zh.split("会议", 1)[1].splitlines()[1]
    en = ok(run_pw("--lang", "en", *QUARTER, "--format", "table", cwd=CHECKOUT)).stdout
    assert "BATCH written up in a batch" in en and "SIMILAR copied minutes" in en
    assert "Verdict" in en and "Quorum" in en and "Group" in en
    assert "未按规定开会" not in en


def test_the_meetings_table_names_the_group(sample_json):
    md = _sample("--format", "md")
    group_rows = [line for line in md.splitlines() if "党小组7月党小组会" in line]
    assert len(group_rows) == 2
    assert any("第一党小组（项目管理）" in r for r in group_rows)
    assert any("第二党小组（施工一线）" in r for r in group_rows)
    assert all(m.get("group") in ("g1", "g2", None) for m in sample_json["meetings"])


def test_the_workbook_opens_with_its_sheets_typed_cells_and_frozen_headers(tmp_path):
    target = tmp_path / "报告.xlsx"
    result = run_pw(*QUARTER, "-o", str(target), cwd=CHECKOUT)
    assert result.returncode == 0 and result.stdout == "", result.stderr
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["汇总", "会议", "出勤", "学时", "整改事项", "发现的问题"]
    summary = book["汇总"]
    assert any("MISSING" in str(c.value) for row in summary.iter_rows() for c in row)
    meetings = book["会议"]
    header = [c.value for c in meetings[1]]
    assert header[:4] == ["日期", "种类", "党小组", "标题"] and "法定人数" in header
    assert isinstance(meetings["A2"].value, dt.datetime)  # a date, not the text of one
    assert isinstance(meetings["E2"].value, int)  # 应到, a number
    assert meetings.freeze_panes == "A2"
    title_width = meetings.column_dimensions["D"].width
    assert title_width >= max(cell_len(str(c.value or "")) for c in meetings["D"])  # 汉字: 2
    actions = book["整改事项"]
    assert isinstance(actions["D2"].value, dt.datetime)
    findings = book["发现的问题"]
    assert findings.max_row - 1 > 80  # every finding, one a row
    # the same repository, the same bytes
    again = tmp_path / "again.xlsx"
    ok(run_pw(*QUARTER, "-o", str(again), cwd=CHECKOUT))
    assert again.read_bytes() == target.read_bytes()


def test_the_workbook_in_english(tmp_path):
    target = tmp_path / "report.xlsx"
    ok(run_pw("--lang", "en", *QUARTER, "-o", str(target), cwd=CHECKOUT))
    book = openpyxl.load_workbook(target)
    assert book.sheetnames[0] == "Summary" and len(book.sheetnames) >= 4
    assert book["Meetings"]["A1"].value == "Date"


def test_xlsx_is_a_file_not_text_for_a_terminal():
    result = run_pw(*QUARTER, "--format", "xlsx", cwd=CHECKOUT)
    assert result.returncode == 2 and result.stdout == ""


def test_a_csv_file_starts_with_a_bom_and_stdout_does_not(tmp_path):
    target = tmp_path / "报告.csv"
    ok(run_pw(*QUARTER, "-o", str(target), cwd=CHECKOUT))
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data[3:].startswith(b"id,date,")
    assert "第二党小组9月党小组会" in data.decode("utf-8-sig")
    stdout = run_pw(*QUARTER, "--format", "csv", cwd=CHECKOUT)
    assert stdout.stdout.startswith("id,date,")


CHROMIUM = (
    shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
)


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_the_html_shows_the_verdict_first_in_chromium(tmp_path):
    page = tmp_path / "report.html"
    ok(run_pw(*QUARTER, "-o", str(page), cwd=CHECKOUT))
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    dom = subprocess.run(
        [CHROMIUM, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120
    ).stdout
    verdict = dom.index('class="verdict"')
    assert verdict < dom.index("<svg") < dom.index('id="findings"')
    box = re.sub(r"<[^>]+>", "", dom[verdict : dom.index("</section>", verdict)])  # its text
    assert "结论" in box and "MISSING" in box and "2026-08 第二党小组" in box
    assert "SIMILAR 记录内容雷同 43" in box
    assert dom.count("<details") >= 5  # one folded line per code
    assert "<th>法定人数</th>" in dom and "<th>人数</th>" not in dom
