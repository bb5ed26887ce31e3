"""The report as Markdown, CSV and a rich table. All deterministic: same data, same bytes."""

from __future__ import annotations

import csv
import io
from typing import Any

from partywork.i18n import t
from partywork.render.sections import sections, summary, title
from partywork.render.textsafe import csv_row, md_cell, md_text, one_line


def _cell(value: Any) -> str:
    return md_cell(value) if value not in (None, "") else ""


def markdown(report: dict) -> str:
    lines = [f"# {md_text(title(report))}", ""]
    lines += [f"- **{md_text(label)}**: {md_text(value)}" for label, value in summary(report)]
    for section in sections(report):
        lines += ["", f"## {md_text(section.title)}", ""]
        if not section.rows:
            lines.append(t("report.none"))
            continue
        lines.append("| " + " | ".join(md_cell(h) for h in section.header) + " |")
        lines.append("|" + "|".join("---" for _ in section.header) + "|")
        lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in section.rows]
    return "\n".join(lines) + "\n"


def csv_text(report: dict) -> str:
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


def table_text(report: dict) -> str:
    """The table as plain text, as it is printed to a pipe (for -o FILE.txt)."""
    from rich.console import Console

    buffer = io.StringIO()
    rich_table(report, Console(file=buffer, highlight=False, no_color=True, width=200))
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def rich_table(report: dict, console: Any = None) -> None:
    from rich import box
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    if console is None:
        console = Console(highlight=False)
        if not console.is_terminal:  # plain lines for pipes: no boxes, no colour, no wrapping
            console = Console(highlight=False, no_color=True, width=200)
    terminal = console.is_terminal
    console.print(
        f"[bold]{escape(one_line(title(report)))}[/bold]"
    )  # the branch's name is the repo's text
    for label, value in summary(report):
        console.print(f"  {one_line(label)}: {one_line(value)}", markup=False)
    for section in sections(report):
        table = Table(
            title=section.title,
            title_justify="left",
            box=box.SIMPLE_HEAD if terminal else None,
            show_edge=False,
        )
        for name in section.header:
            table.add_column(name, overflow="fold")
        for row in section.rows:
            table.add_row(*(_styled(section.key, v) for v in row))
        if not section.rows:
            table.add_row(t("report.none"), *[""] * (len(section.header) - 1))
        console.print(table)


def _styled(section: str, value: Any) -> str:
    from rich.markup import escape

    text = escape(one_line("" if value is None else value))
    if section in ("compliance", "meetings") and (
        text.startswith(t("report.not_ok")) or text == "✗"
    ):
        return f"[red]{text}[/red]"
    if section == "findings" and text == t("severity.error"):
        return f"[red]{text}[/red]"
    return text
