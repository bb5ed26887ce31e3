"""The supervisor's report across branches, in every report format: a summary row per branch,
then each branch's own report."""

from __future__ import annotations

import csv
import io
import json

from partywork.i18n import t
from partywork.render import report_html, report_text
from partywork.render.sections import Section
from partywork.render.textsafe import csv_row, md_cell, md_text, one_line


def _summary(fleet: dict) -> Section:
    header = [
        t("report.branch"),
        t("fleet.rules"),
        t("fleet.attendance"),
        t("fleet.open"),
        t("fleet.overdue"),
        t("fleet.errors"),
        t("fleet.warnings"),
    ]
    rows = [
        [
            b["branch"],
            f"{b['rules_met']}/{b['rules']}",
            "—" if b["attendance"] is None else f"{b['attendance']:.0%}",
            b["open_actions"],
            b["overdue"],
            b["errors"],
            b["warnings"],
        ]
        for b in fleet["branches"]
    ]
    return Section("fleet", t("fleet.title", label=fleet["period"]["label"]), header, rows)


def render(fleet: dict, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(fleet, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return _csv(fleet)
    if fmt == "html":
        summary = _summary(fleet)
        parts = [f"<h1>{summary.title}</h1>", report_html.table(summary).split("\n", 1)[1]]
        for branch in fleet["branches"]:
            parts += report_html.body(branch["report"])
        return report_html.page(summary.title, parts, fleet["as_of"])
    summary = _summary(fleet)
    lines = [
        f"# {md_text(summary.title)}",
        "",
        "| " + " | ".join(md_cell(h) for h in summary.header) + " |",
        "|" + "|".join("---" for _ in summary.header) + "|",
    ]
    lines += ["| " + " | ".join(md_cell(v) for v in row) + " |" for row in summary.rows]
    text = "\n".join(lines) + "\n"
    for branch in fleet["branches"]:
        text += ("\n" + report_text.markdown(branch["report"])).replace("\n# ", "\n## ")
    return text


def _csv(fleet: dict) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "branch",
            "repo",
            "rules_met",
            "rules",
            "attendance",
            "open_actions",
            "overdue",
            "errors",
            "warnings",
        ]
    )
    for b in fleet["branches"]:
        writer.writerow(
            csv_row(
                [
                    b["branch"],
                    b["repo"],
                    b["rules_met"],
                    b["rules"],
                    "" if b["attendance"] is None else b["attendance"],
                    b["open_actions"],
                    b["overdue"],
                    b["errors"],
                    b["warnings"],
                ]
            )
        )
    text = buffer.getvalue()
    for b in fleet["branches"]:
        text += "\n" + _with_branch(report_text.csv_text(b["report"]), b["branch"])
    return text


def _with_branch(block: str, branch: str) -> str:
    """Each branch's meetings and attendance tables, with a first column naming the branch."""
    quoted = io.StringIO()
    csv.writer(quoted, lineterminator="").writerow(csv_row([branch]))
    lines: list[str] = []
    for line in block.split("\n"):
        if not line:
            lines.append(line)
        elif line.startswith(("id,", "member,")):
            lines.append("branch," + line)
        else:
            lines.append(quoted.getvalue() + "," + line)
    return "\n".join(lines)


def tables_text(fleet: dict, width: int, color: bool) -> str:
    """The branches side by side, then each branch's report, as a terminal (color) or a pipe
    shows them."""
    from rich.table import Table
    from rich.text import Text

    from partywork.render import console

    summary = _summary(fleet)
    # no box rules, as a single report's tables: a plain file or pipe reads the same either way
    table = Table(title=Text(one_line(summary.title)), title_justify="left", box=None)
    for name in summary.header:
        table.add_column(name, overflow="fold")  # a branch's name folded, never cut to "…"
    for row in summary.rows:
        table.add_row(*(Text(one_line(v)) for v in row))
    text = console.draw([table], width, color)
    for branch in fleet["branches"]:
        text += report_text.table_text(branch["report"], width, color)
    return text
