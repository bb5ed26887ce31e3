"""The supervisor's report across branches, in every report format: a summary row per branch,
then each branch's own report."""

from __future__ import annotations

import csv
import io
import json
import re

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
    text = _csv_summary(fleet["branches"])
    for b in fleet["branches"]:
        text += "\n" + _with_branch(report_text.csv_text(b["report"]), b["branch"])
    return text


def _csv_summary(branches: list[dict]) -> str:
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
    for b in branches:
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
    return buffer.getvalue()


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


# -- the supervisor's desk (pw fleet report): a head, then each branch's part, then a tail, so
# the branches' parts can be written one at a time (app/fleet.py spools them) ------------------

MARK = "\x00part\x00"


def _state(row: dict) -> str:
    if "error" in row:
        return t("fleet.unreadable", detail=one_line(row["error"]))
    if row.get("state") == "REWRITTEN":
        return t("fleet.refused_mark")
    return ""


def desk_summary(rows: list[dict], label: str) -> Section:
    header = [
        t("report.branch"),
        t("fleet.rules"),
        t("fleet.attendance"),
        t("fleet.open"),
        t("fleet.overdue"),
        t("fleet.errors"),
        t("fleet.warnings"),
        t("fleet.state"),
    ]
    body = []
    for b in rows:
        if "rules" not in b:
            body.append([b["branch"], "—", "—", "—", "—", "—", "—", _state(b)])
            continue
        body.append(
            [
                b["branch"],
                f"{b['rules_met']}/{b['rules']}",
                "—" if b["attendance"] is None else f"{b['attendance']:.0%}",
                b["open_actions"],
                b["overdue"],
                b["errors"],
                b["warnings"],
                _state(b),
            ]
        )
    return Section("fleet", t("fleet.title", label=label), header, body)


def desk_head(rows: list[dict], label: str, as_of: str, fmt: str, period: dict | None) -> str:
    summary = desk_summary(rows, label)
    if fmt == "json":
        meta = json.dumps(
            {"schema": "pw.fleet/1", "period": period, "as_of": as_of}, ensure_ascii=False
        )
        return meta[:-1] + ', "branches": [\n'
    if fmt == "csv":
        return _csv_summary([r for r in rows if "rules" in r])
    if fmt == "html":
        head = report_html.page(summary.title, [MARK], as_of).split(MARK)[0]
        return head + f"<h1>{summary.title}</h1>\n" + report_html.table(summary).split("\n", 1)[1]
    return _md_table(summary)


def _md_table(summary: Section) -> str:
    lines = [
        f"# {md_text(summary.title)}",
        "",
        "| " + " | ".join(md_cell(h) for h in summary.header) + " |",
        "|" + "|".join("---" for _ in summary.header) + "|",
    ]
    lines += ["| " + " | ".join(md_cell(v) for v in row) + " |" for row in summary.rows]
    return "\n".join(lines) + "\n"


def desk_part(row: dict, fmt: str) -> str:
    """One branch's part; an unreadable branch has none but in JSON (its row, with the error).
    fmt "site" is the branch's own page of the static site."""
    if fmt == "json":
        return json.dumps(row, ensure_ascii=False, indent=2)
    if "report" not in row:
        return ""
    if fmt == "site":
        return site_page(row)
    report = row["report"]
    note = t("fleet.refused_note") if row.get("state") == "REWRITTEN" else ""
    if fmt == "csv":
        return "\n" + _with_branch(report_text.csv_text(report), row["branch"])
    if fmt == "html":
        parts = report_html.body(report)
        return "\n".join(
            parts[:1] + ([f"<p><strong>{note}</strong></p>"] if note else []) + parts[1:]
        )
    if fmt == "table":
        from partywork.render import console

        text = report_text.table_text(report, console.width(False, file=True), False)
        return "\n" + (note + "\n" if note else "") + text
    text = ("\n" + report_text.markdown(report)).replace("\n# ", "\n## ")
    return text.replace("\n\n", f"\n\n> {md_text(note)}\n\n", 1) if note else text


def desk_tail(fmt: str, as_of: str) -> str:
    if fmt == "json":
        return "\n]}\n"
    if fmt == "html":
        return report_html.page("", [MARK], as_of).split(MARK)[1]
    return ""


def site_index(rows: list[dict], label: str, as_of: str, pages: dict[str, str]) -> str:
    """The static site's index: the summary, each branch's name a link to its page."""
    from html import escape

    summary = desk_summary(rows, label)
    table = report_html.table(summary).split("\n", 1)[1]
    for row in rows:
        if row["branch"] in pages:
            # the row's first cell, whatever classes the table gave it
            cell = re.compile(r"(<tr><td[^>]*>)" + re.escape(escape(row["branch"])) + "</td>")
            link = f'<a href="{escape(pages[row["branch"]])}">{escape(row["branch"])}</a>'
            table = cell.sub(r"\g<1>" + link.replace("\\", "\\\\") + "</td>", table, 1)
    return report_html.page(summary.title, [f"<h1>{escape(summary.title)}</h1>", table], as_of)


def site_page(row: dict) -> str:
    report = row["report"]
    back = f'<p><a href="../index.html">{t("fleet.back")}</a></p>'
    body = report_html.body(report)
    if row.get("state") == "REWRITTEN":
        body.insert(1, f"<p><strong>{t('fleet.refused_note')}</strong></p>")
    return report_html.page(row["branch"], [back, *body], report["as_of"])


def rich_summary(summary: Section) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(one_line(summary.title)), title_justify="left")
    for name in summary.header:
        table.add_column(name)
    for row in summary.rows:
        table.add_row(*(Text(one_line(v)) for v in row))
    Console(highlight=False).print(table)
