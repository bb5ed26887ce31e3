"""The report as Markdown, CSV and a rich table. Pure and deterministic: same data, same text; the
app prints it or writes it."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from partywork.i18n import paren, semicolon, t
from partywork.model.reportdata import MeetingRow, Report
from partywork.render import console
from partywork.render.sections import (
    Section,
    Value,
    code_label,
    group_name,
    groups,
    sections,
    summary,
    title,
    verdict_lines,
)
from partywork.render.textsafe import csv_row, md_cell, md_text, one_line

if TYPE_CHECKING:
    from rich.console import RenderableType

# Columns a table never wraps: a date, an id or a number broken over two lines is misread.
_NO_WRAP = ("code", "date", "id", "number", "percent")
_SHOWN = 3  # messages of a record-less code listed under it (the rest: --all)
_RECORD_LINES = 2  # lines of record ids under a warning or a note (the rest: --all)


def _cell(value: Value) -> str:
    return md_cell(value) if value not in (None, "") else ""


def markdown(report: Report, every_finding: bool = False) -> str:
    lines = [f"# {md_text(title(report))}", ""]
    lines += [f"- **{md_text(label)}**: {md_text(value)}" for label, value in summary(report)]
    lines += ["", f"## {md_text(t('report.verdict'))}", ""]
    lines += [("  " * (lvl - 1)) + f"- {md_text(text)}" for lvl, text, _ in verdict_lines(report)]
    for section in sections(report, every_finding):
        lines += ["", f"## {md_text(section.title)}", ""]
        if not section.rows:
            lines.append(t("report.none"))
            continue
        lines.append("| " + " | ".join(md_cell(h) for h in section.header) + " |")
        lines.append("|" + "|".join("---" for _ in section.header) + "|")
        lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in section.rows]
    return "\n".join(lines) + "\n"


def csv_text(report: Report) -> str:
    """The meetings table, a blank line, the attendance table (SPEC §8)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["id", "date", "type", "kind", "title", "expected", "present", "rate", "quorum_ok"]
    )
    for m in report["meetings"]:
        writer.writerow(
            csv_row(
                [
                    m["id"],
                    m["date"],
                    m["type"],
                    m["kind"],
                    m["title"],
                    m["expected"],
                    m["present"],
                    "" if m["rate"] is None else m["rate"],
                    str(m["quorum_ok"]).lower(),
                ]
            )
        )
    buffer.write("\n")
    writer.writerow(
        ["member", "expected", "attended", "excused", "unexcused", "rate", "months_absent"]
    )
    for a in report["attendance"]:
        writer.writerow(
            csv_row(
                [
                    a["member"],
                    a["expected"],
                    a["attended"],
                    a["excused"],
                    a["unexcused"],
                    "" if a["rate"] is None else a["rate"],
                    a["months_absent"],
                ]
            )
        )
    return buffer.getvalue()


def table_text(report: Report, width: int, color: bool, every_finding: bool = False) -> str:
    """The report as a terminal shows it (color: bold headers, red bad news) or as plain text; the
    same lines either way (no box rules: a table's rule costs a line of the first screen)."""
    return console.draw(_renderables(report, every_finding, width), width, color)


def _renderables(
    report: Report, every_finding: bool, width: int
) -> list[RenderableType | console.Grid]:
    from rich.text import Text

    out: list[RenderableType | console.Grid] = [Text(one_line(title(report)), style="bold")]
    out += [Text(f"  {one_line(label)}: {one_line(value)}") for label, value in summary(report)]
    out += _verdict(report, width)
    for section in sections(report, every_finding):
        if section.key == "findings":
            out += _every_finding(report, width) if every_finding else _grouped(report, width)
        elif section.key == "meetings":
            out.append(_table(_meetings(report, section)))
        elif section.key == "attendance":
            out.append(_table(_attendance_and_study(report, section)))
        elif section.key != "study":
            out.append(_table(section))
    return out


def _meetings(report: Report, section: Section) -> Section:
    """For a terminal: a group's meeting named by its group (第二党小组 rather than 党小组会),
    实到/应到 and the rate in one cell, so a row fits 80 columns."""
    rows: list[list[Value]] = [
        [row[0], _kind_and_group(report, m), row[3], f"{row[5]}/{row[4]} {row[6]}", row[7]]
        for row, m in zip(section.rows, report["meetings"], strict=True)
    ]
    header = section.header
    return Section(
        section.key,
        section.title,
        [
            header[0],
            f"{header[1]}/{header[2]}",
            header[3],
            f"{t('report.present_of')} {header[6]}",
            header[7],
        ],
        rows,
        ["date", "text", "text", "number", "text"],
    )


def _kind_and_group(report: Report, meeting: MeetingRow) -> str:
    group = group_name(report, meeting.get("group"), short=True)
    kind = t("kind." + meeting["kind"])
    if not group:
        return kind
    return group if meeting["kind"] == "group" else f"{kind}·{group}"


def _attendance_and_study(report: Report, section: Section) -> Section:
    """For a terminal: the study hours as three more columns of the attendance table (the same
    members, in the same order)."""
    hours = {s["member"]: s for s in report["study"]}
    rows: list[list[Value]] = []
    for row, a in zip(section.rows, report["attendance"], strict=True):
        s = hours.get(a["member"])
        extra: list[Value] = [s["hours"], s["year_to_date"], s["target_to_date"]] if s else []
        rows.append(row + (extra or ["", "", ""]))
    return Section(
        section.key,
        f"{section.title} · {t('report.study')}",
        section.header + [t("report.hours_col"), t("report.ytd"), t("report.target_col")],
        rows,
        section.kinds + ["number", "number", "number"],
    )


def _verdict(report: Report, width: int) -> list[RenderableType]:
    from rich.text import Text

    out: list[RenderableType] = [Text(t("report.verdict"), style="bold")]
    for level, text, bad in verdict_lines(report):
        items = text.split(" · ") if level == 2 else [text]
        out += _wrapped(items, " · ", width, 2 * level, "red" if bad else "")
    return out


def _every_finding(report: Report, width: int) -> list[RenderableType]:
    """--all: each finding's severity, code and record on a line, what was found below it, wrapped
    between words (a table's narrow last column would cut its dates)."""
    from rich.text import Text

    out: list[RenderableType] = [Text(t("report.findings"), style="bold")]
    if not report["findings"]:
        out.append(Text(" " + t("report.none")))
    for f in report["findings"]:
        head = f" {t('severity.' + f['severity'])}  {code_label(f['code'])}  {f['record'] or ''}"
        out.append(Text(one_line(head.rstrip()), style="red" if f["severity"] == "error" else ""))
        out += _wrapped([f["message"]], " ", width, 7)
    return out


def _grouped(report: Report, width: int) -> list[RenderableType]:
    """One line per code, the records (or what was found) indented below it."""
    from rich.text import Text

    out: list[RenderableType] = [
        Text(t("report.findings") + paren(t("report.findings_all_hint")), style="bold")
    ]
    found = groups(report["findings"])
    if not found:
        out.append(Text(" " + t("report.none")))
    for g in found:
        head = f" {t('severity.' + g.severity)}  {code_label(g.code)}  {len(g.findings)}"
        out.append(Text(one_line(head), style="red" if g.severity == "error" else ""))
        if len(g.findings) == 1:
            only = g.findings[0]
            items, sep = [f"{only['record'] or ''} {only['message']}".strip()], " "
        elif g.records:
            items, sep = g.records, " "
            if g.severity != "error":  # an error names every record; the rest fit the first screen
                out += _at_most(items, _RECORD_LINES, width, 7)
                continue
        else:  # what was found, without a record to name: the first few, the rest in --all
            items, sep = g.messages[:_SHOWN], semicolon()
            if len(g.messages) > _SHOWN:
                items.append(t("report.findings_more", count=len(g.messages)))
        out += _wrapped(items, sep, width, 7)
    return out


def _at_most(items: list[str], lines: int, width: int, indent: int) -> list[RenderableType]:
    """Record ids in at most `lines` lines, the last ending with how many there are in all (a
    year's BATCH names thousands: filled once, in one pass)."""
    from rich.cells import cell_len

    filled = _fill(items, " ", width - indent)
    if len(filled) > lines:
        more = t("report.records_more", count=len(items))
        filled = filled[:lines]
        last = filled[-1].split(" ")
        while len(last) > 1 and cell_len(" ".join([*last, more])) > width - indent:
            last.pop()
        filled[-1] = " ".join([*last, more])
    return _padded(filled, width, indent)


def _fill(items: list[str], sep: str, room: int) -> list[str]:
    """Items joined by sep into lines of `room` cells, broken only between items."""
    from rich.cells import cell_len

    lines: list[str] = []
    for item in (one_line(i) for i in items):
        if lines and cell_len(lines[-1] + sep + item) <= room:
            lines[-1] += sep + item
        else:
            lines.append(item)
    return lines


def _padded(lines: list[str], width: int, indent: int, style: str = "") -> list[RenderableType]:
    from rich.padding import Padding
    from rich.text import Text

    return [Padding(Text(line, style=style), (0, 0, 0, indent)) for line in lines]


def _wrapped(
    items: list[str], sep: str, width: int, indent: int, style: str = ""
) -> list[RenderableType]:
    """Items joined by sep into lines of `width` cells, broken only between items: an id, a date
    or a count is never cut in two. An item wider than a line is left to rich to fold."""
    return _padded(_fill(items, sep, width - indent), width, indent, style)


def _table(section: Section) -> console.Grid:
    kinds = section.kinds or ["text"] * len(section.header)
    rows = [[_styled(section.key, v) for v in row] for row in section.rows]
    if not section.rows:
        rows = [[console.Cell(t("report.none"))] + [console.Cell("")] * (len(section.header) - 1)]
    return console.Grid(section.title, section.header, rows, [k in _NO_WRAP for k in kinds])


def _styled(section: str, value: Value) -> console.Cell:
    text = one_line("" if value is None else value)
    bad = (
        (section == "compliance" and text.startswith(t("report.not_ok")))
        or (section == "meetings" and text == t("report.quorum_bad"))
        or (section == "findings" and text == t("severity.error"))
    )
    return console.Cell(text, "red" if bad else "")
