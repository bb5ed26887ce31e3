"""pw report … and pw action …"""

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from partywork.app.common import (
    choose_format,
    emit_json,
    emit_table,
    err,
    open_repo,
    out,
    table_or_json,
)
from partywork.app.main import app

if TYPE_CHECKING:
    from partywork.model.reportdata import Report

report_app = typer.Typer(
    help="The compliance report of a month, quarter or year.", no_args_is_help=True
)
action_app = typer.Typer(
    help="Rectification and follow-up items (整改事项): list, done, drop.", no_args_is_help=True
)
app.add_typer(report_app, name="report")
app.add_typer(action_app, name="action")

FORMATS = ("table", "md", "json", "csv", "html", "xlsx")
# -o FILE: the format each extension names (.txt is the plain table text)
EXTENSIONS = {
    ".json": "json",
    ".md": "md",
    ".csv": "csv",
    ".html": "html",
    ".txt": "table",
    ".xlsx": "xlsx",
}


def _output_format(fmt: str | None, output: Path) -> str | None:
    """The format -o FILE's extension names; an extension pw cannot write, or one that contradicts
    --format, is a usage error before anything is built or written."""
    from partywork.errors import UsageError
    from partywork.i18n import t

    suffix = output.suffix.lower()
    named = EXTENSIONS.get(suffix)
    known = " ".join(EXTENSIONS)
    if named is None and (suffix or fmt is None):
        raise UsageError(
            t("output.bad_extension", path=output, extensions=known),
            t("output.bad_extension.hint", extensions=known)
            + (t("output.pdf.hint") if suffix in (".pdf", ".doc", ".docx") else ""),
        )
    if named and fmt and fmt != named:
        raise UsageError(
            t("output.format_conflict", path=output, format=fmt, named=named),
            t("output.bad_extension.hint", extensions=known),
        )
    return named or fmt


def _check_output(ctx: typer.Context, output: Path) -> None:
    """-o names a file to (re)place: never a link, a pipe or a device (the rename would replace the
    node, and as root /dev/full with it), and never a file of the record book itself."""
    import stat

    from partywork.errors import UsageError
    from partywork.i18n import t
    from partywork.storage.git.early import records_root

    if not str(output).strip() or output.is_dir():
        raise UsageError(t("output.empty"))
    try:
        mode = output.lstat().st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        raise UsageError(t("output.not_a_file", path=output))
    target = output.resolve()
    for root in ctx.obj.repos or [r for r in [records_root(None)] if r]:
        if (Path(root).resolve() / "records") in target.parents:
            raise UsageError(t("output.inside_records", path=output))


def _report(
    ctx: typer.Context,
    unit: str,
    period: str | None,
    fmt: str | None,
    output: Path | None,
    every_finding: bool = False,
) -> None:
    from partywork.i18n import t
    from partywork.storage.fsutil import write_atomic

    fmt = _output_format(fmt, output) if output is not None else fmt
    fmt = fmt or choose_format(None, "table", "json")
    if fmt not in FORMATS:
        raise typer.BadParameter(" | ".join(FORMATS), param_hint="--format")
    if fmt == "xlsx" and output is None:  # a workbook is a file, not text for a terminal
        from partywork.errors import UsageError

        raise UsageError(t("report.xlsx_needs_file"))
    if output is not None:
        _check_output(ctx, output)
    if len(ctx.obj.repos) > 1:
        if fmt == "xlsx":  # one workbook per branch: the fleet's tables are not its sheets
            raise typer.BadParameter(" | ".join(FORMATS[:-1]), param_hint="--format")
        _fleet(ctx, unit, period, fmt, output)
        return

    def make(scanned: list[str] | None = None) -> tuple[bytes, bool]:
        return _make(ctx, unit, period, fmt, output, every_finding, scanned)

    data = _kept(ctx, unit, period, fmt, every_finding, make) if fmt != "table" else make()[0]
    if data is None:
        return
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        return
    if fmt == "csv":  # Excel on a Chinese Windows reads a CSV file without a BOM as GBK
        data = "\ufeff".encode() + data
    write_atomic(output, data, label=str(output))
    err(t("report.written", path=output))


def _make(
    ctx: typer.Context,
    unit: str,
    period: str | None,
    fmt: str,
    output: Path | None,
    every_finding: bool,
    scanned: list[str] | None = None,
) -> tuple[bytes, bool]:
    """The report's bytes and whether they may be kept (not when signatures are checked: the
    allowed signers live outside the repository)."""
    from typing import cast

    from partywork.analysis.reporting import build_report
    from partywork.model.reportdata import Report

    repo = open_repo(ctx.obj)
    report = cast(Report, build_report(repo, unit, period, scanned))  # makes pw.report/1
    return _render(report, fmt, output, every_finding), repo.settings.signing != "require"


def _kept(
    ctx: typer.Context,
    unit: str,
    period: str | None,
    fmt: str,
    every_finding: bool,
    make: Callable[[list[str] | None], tuple[bytes, bool]],
) -> bytes | None:
    """This very report, kept or made (the policy is memo.serve's)."""
    from partywork.storage import memo
    from partywork.storage.git.gitio import Git
    from partywork.storage.repo import find_root

    state = ctx.obj
    request = {
        "unit": unit,
        "period": period or "",
        "format": fmt,
        "all": every_finding,
        "lang": state.lang or "",
        "today": state.today.isoformat(),
    }
    return memo.serve(Git.at(find_root(state.repo_option), state.prefetched), request, make)


def _fleet(
    ctx: typer.Context, unit: str, period: str | None, fmt: str, output: Path | None
) -> None:
    from partywork.analysis.fleet import build_fleet
    from partywork.app.common import open_repos
    from partywork.i18n import t
    from partywork.render import report_fleet
    from partywork.render.textsafe import shown, shown_keeping_style
    from partywork.storage.fsutil import write_atomic

    fleet = build_fleet(open_repos(ctx.obj), unit, period)
    if fmt == "table" and output is None:
        from partywork.render import console

        terminal = sys.stdout.isatty()
        text = report_fleet.tables_text(fleet, console.width(terminal), terminal)
        sys.stdout.write(shown_keeping_style(text) if terminal else shown(text))
        return
    if fmt == "table":  # -o FILE.txt: the plain tables, as for a single branch
        from partywork.render import console

        text = shown(report_fleet.tables_text(fleet, console.width(False, file=True), False))
    else:
        text = shown(report_fleet.render(fleet, fmt))
    if output is None:
        sys.stdout.write(text)
        return
    write_atomic(output, text.encode("utf-8"), label=str(output))
    err(t("report.written", path=output))


def _render(report: "Report", fmt: str, output: Path | None, every_finding: bool) -> bytes:
    import json

    from partywork.render import console, report_html, report_text
    from partywork.render.textsafe import shown, shown_keeping_style

    # shown() over the whole text, kept (memo.py) and written to -o FILE as printed: a report is
    # read on a terminal as often as in a file, and shown() leaves JSON meaning the same
    if fmt == "xlsx":
        from partywork.render import report_xlsx

        return report_xlsx.workbook(report, every_finding=True)
    if fmt == "table":
        terminal = output is None and sys.stdout.isatty()
        width = console.width(terminal, file=output is not None)
        text = report_text.table_text(report, width, terminal, every_finding)
        return (shown_keeping_style(text) if terminal else shown(text)).encode("utf-8")
    if fmt == "json":
        text = json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    elif fmt == "csv":
        text = report_text.csv_text(report)
    elif fmt == "html":
        text = report_html.html(report, every_finding)
    else:
        text = report_text.markdown(report, every_finding)
    return shown(text).encode("utf-8")


def _make_report(unit: str) -> Callable[..., None]:
    def command(
        ctx: typer.Context,
        period: str | None = typer.Argument(
            None, help="2026Q3, 2026-Q3, Q3, 2026-07, 2026, A..B, this, last (default: this)."
        ),
        fmt: str | None = typer.Option(
            None,
            "--format",
            help="table | md | json | csv | html | xlsx (default: table on a terminal, json when"
            " piped).",
        ),
        output: Path | None = typer.Option(
            None,
            "-o",
            "--output",
            help="Write to this file instead of stdout (.xlsx: an Excel workbook).",
        ),
        every_finding: bool = typer.Option(
            False, "--all", help="List every finding (by default one line per code)."
        ),
        repos: list[str] | None = typer.Option(
            None,
            "--repo",
            help="A branch's repository; several for a report across branches.",
        ),
    ) -> None:
        if repos:  # `pw report quarter --repo A --repo B`: as the global --repo would say
            ctx.obj.repos = [*ctx.obj.repos, *repos]
            ctx.obj.repo_option = ctx.obj.repos[0]
        _report(ctx, unit, period, fmt, output, every_finding)

    command.__doc__ = f"The compliance report of a {unit}."
    return command


for _unit in ("month", "quarter", "year"):
    report_app.command(_unit)(_make_report(_unit))


# --status as the table shows it (进行中, 已过期 …) or as a recorder says it
_ACTION_STATUS = {
    **{word: "open" for word in ("进行中", "未完成", "未办结")},
    **{word: "overdue" for word in ("已过期", "过期", "逾期", "已逾期")},
    **{word: "done" for word in ("已完成", "完成", "已办结")},
    **{word: "dropped" for word in ("已撤销", "撤销")},
}


@action_app.command("list")
def action_list(
    ctx: typer.Context,
    status: str | None = typer.Option(
        None,
        "--status",
        help="open | overdue | done | dropped (or 进行中, 已过期, 已完成, 已撤销).",
    ),
    owner: str | None = typer.Option(None, "--owner", help="Only this owner's items."),
    fmt: str | None = typer.Option(None, "--format", help="table | json."),
) -> None:
    """List rectification and follow-up items, with overdue ones marked."""
    from partywork.i18n import paren, t
    from partywork.ops.actions import list_actions

    status = _ACTION_STATUS.get((status or "").strip(), status)
    if status not in (None, "open", "overdue", "done", "dropped"):
        raise typer.BadParameter(t("action.status_choices"), param_hint="--status")
    fmt = table_or_json(fmt)
    repo = open_repo(ctx.obj)
    rows = list_actions(repo, status, owner)
    if fmt == "json":
        emit_json({"schema": "pw.actions/1", "actions": rows})
        return
    header = [
        t("label.id"),
        t("label.actions"),
        t("label.owner"),
        t("label.due"),
        t("label.progress"),
    ]
    emit_table(
        header,
        (
            [
                r["id"],
                r["task"],
                r["owner"],
                r["due"],
                t("action." + r["status"])
                + (paren(t("report.overdue_label")) if r["overdue"] else ""),
            ]
            for r in rows
        ),
    )


@action_app.command("done")
def action_done(
    ctx: typer.Context,
    action_id: str = typer.Argument(
        ..., metavar="ACTION_ID", help="<record id>#<n>, e.g. 2026-07-03-committee-7k2m#1."
    ),
    evidence: str = typer.Option(..., "--evidence", help="What shows it is done (required)."),
    on: str | None = typer.Option(None, "--on", help="Day it was done (default: today)."),
    after_close: bool = typer.Option(
        False, "--after-close", help="Change a record of a closed period (the audit shows it)."
    ),
    reason: str | None = typer.Option(
        None, "--reason", help="Why, kept in the commit (after a close, the audit shows it)."
    ),
) -> None:
    """Mark an item done, with its evidence (one commit)."""
    from partywork.app.roster import _date
    from partywork.i18n import t
    from partywork.ops.actions import mark_done

    repo = open_repo(ctx.obj)
    written = mark_done(repo, action_id, evidence, _date(on, "--on"), after_close, reason)
    err(t("action.marked_done", id=written.id))
    out(written.id)


@action_app.command("drop")
def action_drop(
    ctx: typer.Context,
    action_id: str = typer.Argument(..., metavar="ACTION_ID"),
    reason: str = typer.Option(..., "--reason", help="Why the item is dropped (required)."),
    after_close: bool = typer.Option(
        False, "--after-close", help="Change a record of a closed period (the audit shows it)."
    ),
) -> None:
    """Drop an item; it keeps its place and id (one commit)."""
    from partywork.i18n import t
    from partywork.ops.actions import drop

    repo = open_repo(ctx.obj)
    written = drop(repo, action_id, reason, after_close)
    err(t("action.dropped_msg", id=written.id))
    out(written.id)
