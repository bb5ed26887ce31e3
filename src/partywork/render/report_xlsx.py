"""The report as an Excel workbook: 汇总 first, then one sheet per table, typed cells (dates as
dates, numbers as numbers), header row frozen, columns wide enough for Chinese. Pure: bytes out,
the same for the same report (the workbook's dates are fixed to the report's as_of)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import TYPE_CHECKING

from partywork.i18n import t
from partywork.model.reportdata import Report
from partywork.render import sections as sec
from partywork.render.textsafe import csv_cell, one_line

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PERCENT = re.compile(r"^(\d+)%")
_SHEETS = (
    ("meetings", "report.sheet.meetings"),
    ("attendance", "report.sheet.attendance"),
    ("study", "report.sheet.study"),
    ("actions", "report.sheet.actions"),
    ("findings", "report.sheet.findings"),
)
_MAX_WIDTH = 60
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def workbook(report: Report, every_finding: bool = True) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    summary_sheet = book.active
    assert summary_sheet is not None  # a new workbook always has its first sheet
    _summary(summary_sheet, report)
    tables = {s.key: s for s in sec.sections(report, every_finding)}
    for key, name in _SHEETS:
        _fill(book.create_sheet(t(name)), tables[key])
    when = dt.datetime.fromisoformat(report["as_of"])
    book.properties.created = book.properties.modified = when
    book.properties.creator = "pw"
    buffer = io.BytesIO()
    book.save(buffer)
    return _fixed_zip_times(buffer.getvalue(), when)


def _summary(sheet: Worksheet, report: Report) -> None:
    """The header, the verdict, then the compliance table: what a reader opens the file for."""
    sheet.title = t("report.sheet.summary")
    sheet.append([t("report.item"), t("report.value")])
    sheet.append([sec.title(report), ""])
    for label, value in sec.summary(report):
        sheet.append([label, _text(value)])
    sheet.append([])
    sheet.append([t("report.verdict"), ""])
    for level, text, _bad in sec.verdict_lines(report):
        sheet.append(["", ("    " * (level - 1)) + _text(text)])
    compliance = sec.compliance(report)
    sheet.append([])
    sheet.append([compliance.title])
    start = sheet.max_row + 1
    sheet.append(compliance.header)
    for row in compliance.rows:
        sheet.append([_typed(v, k) for v, k in zip(row, compliance.kinds, strict=True)])
    _style(sheet, header_rows=(1, start))


def _fill(sheet: Worksheet, section: sec.Section) -> None:
    sheet.append(section.header)
    for row in section.rows:
        sheet.append([_typed(v, k) for v, k in zip(row, section.kinds, strict=True)])
    _style(sheet, header_rows=(1,))


def _typed(value: sec.Value, kind: str) -> object:
    """A date as a date, a rate as a number shown as a percentage; text stays text, escaped so a
    cell from a record never becomes a formula."""
    if isinstance(value, str) and kind == "date" and _DATE.match(value):
        return dt.date.fromisoformat(value)
    if isinstance(value, str) and kind == "percent" and (match := _PERCENT.match(value)):
        return int(match.group(1)) / 100
    if isinstance(value, (int, float)) or value is None:
        return value
    return _text(value)


def _text(value: object) -> str:
    return str(csv_cell(one_line(value)))


def _style(sheet: Worksheet, header_rows: tuple[int, ...]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold, fill = Font(bold=True), PatternFill("solid", fgColor="F6F8FA")
    for number in header_rows:
        for cell in sheet[number]:
            cell.font, cell.fill = bold, fill
    sheet.freeze_panes = "A2"
    widths: dict[int, int] = {}
    rates = {c.column for c in sheet[1] if c.value == t("report.rate")}
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(cell.value, float) and cell.column in rates:
                cell.number_format = "0%"
            width = _cells_wide(cell.value)
            widths[cell.column] = max(widths.get(cell.column, 0), width)
            cell.alignment = Alignment(vertical="top", wrap_text=width > _MAX_WIDTH)
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(width + 2, _MAX_WIDTH)


def _cells_wide(value: object) -> int:
    """Excel's column width is in Latin characters: a Chinese character takes two."""
    if value is None:
        return 0
    if isinstance(value, dt.date):
        return 10
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in str(value))


def _fixed_zip_times(data: bytes, when: dt.datetime) -> bytes:
    """The same report, the same bytes: zip entries, and the workbook's "modified" (which openpyxl
    sets to the clock as it saves), carry the report's date."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", content)
            target.writestr(fixed, content)
    return out.getvalue()
