"""pw fleet …: the supervisor's desk of branch clones (SPEC §10)."""

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from partywork.app.common import emit_json, emit_table, err
from partywork.app.main import app

fleet_app = typer.Typer(
    help="The supervisor's desk: a folder of branch clones (fleet.yaml), kept and reported on.",
    no_args_is_help=True,
)
report_app = typer.Typer(
    help="The compliance report of every branch on the desk.", no_args_is_help=True
)
app.add_typer(fleet_app, name="fleet")
fleet_app.add_typer(report_app, name="report")

DIR_HELP = "The desk's folder, holding fleet.yaml (default: the current folder)."
FORGET_HELP = (
    "Also forget what the desk witnessed of this branch (its name and url), so a rewritten"
    " history is accepted when it is added again. Without it, a branch added back is still held"
    " to what was seen (REWRITTEN)."
)


def _dir(value: str | None) -> Path:
    from partywork.storage import desk

    return desk.find(value)


@fleet_app.command("init")
def fleet_init(
    directory: str | None = typer.Option(None, "--dir", help=DIR_HELP),
) -> None:
    """Make this folder (or --dir) a desk: an empty fleet.yaml."""
    from partywork.i18n import t
    from partywork.ops import fleet

    folder = Path(directory or ".").resolve()
    fleet.init(folder)
    err(t("desk.created", path=folder))


@fleet_app.command("add")
def fleet_add(
    name: str = typer.Argument(..., help="The branch's name on the desk (its clone's folder)."),
    url: str = typer.Argument(..., help="Where its records are shared: the git server's url."),
    directory: str | None = typer.Option(None, "--dir", help=DIR_HELP),
) -> None:
    """Add a branch to fleet.yaml (pw fleet sync clones it)."""
    from partywork.i18n import t
    from partywork.ops import fleet

    branch = fleet.add(_dir(directory), name, url)
    err(t("desk.added", name=branch.name))


@fleet_app.command("remove")
def fleet_remove(
    name: str = typer.Argument(..., help="The branch's name on the desk."),
    directory: str | None = typer.Option(None, "--dir", help=DIR_HELP),
    forget: bool = typer.Option(False, "--forget", help=FORGET_HELP),
) -> None:
    """Take a branch off the desk and delete its clone."""
    from partywork.i18n import t
    from partywork.ops import fleet

    fleet.remove(_dir(directory), name, forget)
    err(t("desk.forgotten" if forget else "desk.removed", name=name))


@fleet_app.command("list")
def fleet_list(
    directory: str | None = typer.Option(None, "--dir", help=DIR_HELP),
    fmt: str = typer.Option("table", "--format", help="table | json."),
) -> None:
    """The branches on the desk, with what their last sync came to."""
    from partywork.i18n import t
    from partywork.storage import desk

    folder = _dir(directory)
    status = desk.load_status(folder)
    rows: list[dict[str, Any]] = [
        {
            "name": b.name,
            "url": b.url,
            "cloned": desk.clone_path(folder, b.name).is_dir(),
            "last_sync": status.get(b.name, {}).get("state", ""),
        }
        for b in desk.load(folder)
    ]
    if fmt == "json":
        emit_json({"schema": "pw.fleet-list/1", "branches": rows})
        return
    header = [t("report.branch"), "URL", t("fleet.last_sync")]
    emit_table(header, ([r["name"], r["url"], _said(r["last_sync"])] for r in rows))


def _said(state: str) -> str:
    from partywork.i18n import t

    if not state:
        return t("fleet.sync.never")
    label = t(f"fleet.sync.{state.lower()}")
    return f"{label} {state}" if state == "REWRITTEN" else label


@fleet_app.command("sync")
def fleet_sync(
    directory: str | None = typer.Option(None, "--dir", help=DIR_HELP),
) -> None:
    """Clone new branches and fetch all, fast-forward only; refuse any rewritten (REWRITTEN)."""
    from partywork.i18n import t
    from partywork.ops import fleet
    from partywork.storage import desk

    folder = _dir(directory)
    total = len(desk.load(folder))
    with _progress(total, t("fleet.syncing")) as step:
        outcomes = fleet.sync(folder, step)
    header = [t("report.branch"), t("fleet.result"), t("fleet.new"), t("fleet.detail")]
    emit_table(header, ([o.name, _said(o.state), o.new, o.detail] for o in outcomes))
    bad = [o for o in outcomes if o.state in (fleet.REWRITTEN, fleet.FAILED)]
    err(
        t("fleet.sync.bad", count=len(bad), total=total) if bad else t("fleet.sync.ok", total=total)
    )
    if bad:
        raise typer.Exit(1)


class _progress:
    """A progress bar on stderr when it is a terminal; nothing otherwise."""

    def __init__(self, total: int, label: str) -> None:
        self.total, self.label = total, label
        self.bar: Any = None

    def __enter__(self) -> Callable[[Any], None]:
        import os

        if sys.stderr.isatty() and self.total and "NO_COLOR" not in os.environ:
            from rich.console import Console
            from rich.progress import Progress

            self.bar = Progress(console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task(self.label, total=self.total)
        return self.step

    def step(self, _done: Any) -> None:
        if self.bar is not None:
            self.bar.advance(self.task)

    def __exit__(self, *_exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


# -- pw fleet report ---------------------------------------------------------------------------


def _jobs(
    ctx: typer.Context, folder: Path, *middle: Any, with_url: bool = False
) -> tuple[list[tuple], dict]:
    from partywork.i18n import lang
    from partywork.storage import desk

    state = ctx.obj
    jobs = [
        (b.name, str(desk.clone_path(folder, b.name)), *middle, state.today.isoformat(), lang())
        + ((b.url,) if with_url else ())
        for b in desk.load(folder)
    ]
    return jobs, desk.load_status(folder)


def _desk_report(
    ctx: typer.Context,
    unit: str,
    period: str | None,
    fmt: str | None,
    given: str | None,
    directory: str | None,
) -> None:
    from partywork.app.common import choose_format
    from partywork.app.reports import FORMATS, _check_output, _output_format
    from partywork.render.report_fleet import desk_part

    folder = _dir(directory)
    output = Path(given) if given is not None else None
    # Path() drops the trailing slash that asks for a site
    site = output is not None and (given or "").endswith("/") or bool(output and output.is_dir())
    if output is not None and not site:
        fmt = _output_format(fmt, output)
        _check_output(ctx, output)
    fmt = "site" if site else fmt or choose_format(None, "table", "json")
    formats = [f for f in FORMATS if f != "xlsx"]  # the workbook is one branch's
    if fmt not in (*formats, "site"):
        raise typer.BadParameter(" | ".join(formats), param_hint="--format")
    jobs, status = _jobs(ctx, folder, unit, period)
    if not jobs:
        from partywork.errors import UsageError
        from partywork.i18n import t

        raise UsageError(t("desk.no_branches"), t("desk.no_branches.hint"))
    # each job: (name, clone, unit, period, today, lang) + the state its last sync left, the
    # format, and the renderer of its part (run in the worker)
    jobs = [(*job, status.get(job[0], {}).get("state", ""), fmt, desk_part) for job in jobs]
    if site:
        assert output is not None
        _site(jobs, output)
        return
    _stream(jobs, fmt, output)


def _stream(jobs: list[tuple], fmt: str, output: Path | None) -> None:
    """Each branch's part spooled to a temporary file as it comes, then everything written worst
    first: memory holds the summary rows, not the reports."""
    import tempfile

    from partywork.analysis.fleet import over_desk, worst_first
    from partywork.render import report_fleet
    from partywork.render.textsafe import shown

    places: dict[str, tuple[int, int]] = {}
    rows: list[dict] = []
    with tempfile.TemporaryFile() as spool:
        for row in over_desk("report", jobs):
            part = row.pop("part").encode("utf-8")
            places[row["branch"]] = (spool.tell(), len(part))
            spool.write(part)
            rows.append(row)
        rows = worst_first(rows)
        label, as_of, period = _label(rows)
        head = report_fleet.desk_head(rows, label, as_of, fmt, period)
        if fmt == "table" and output is None:
            report_fleet.rich_summary(report_fleet.desk_summary(rows, label))
            head = ""
        target = open(output, "wb") if output is not None else sys.stdout.buffer  # noqa: SIM115
        sys.stdout.flush()
        try:
            target.write(shown(head).encode("utf-8"))
            for index, row in enumerate(rows):
                start, size = places[row["branch"]]
                spool.seek(start)
                part = spool.read(size).decode("utf-8")
                if fmt == "json" and index:
                    part = ",\n" + part
                target.write(shown(part).encode("utf-8"))
            target.write(shown(report_fleet.desk_tail(fmt, as_of)).encode("utf-8"))
        finally:
            if output is not None:
                target.close()
    if output is not None:
        from partywork.i18n import t

        err(t("report.written", path=output))


def _label(rows: list[dict]) -> tuple[str, str, dict | None]:
    """The period and day of the report, from the first branch that has one."""
    first = next((row for row in rows if "period" in row), None)
    if first is None:
        return "", "", None
    return first["period"]["label"], first["as_of"], first["period"]


def _site(jobs: list[tuple], folder: Path) -> None:
    """-o DIR/: a static site, an index page with the summary and a page per branch."""
    from partywork.analysis.fleet import over_desk, worst_first
    from partywork.i18n import t
    from partywork.render import report_fleet
    from partywork.render.textsafe import shown
    from partywork.storage.fsutil import write_atomic

    pages: dict[str, str] = {}
    rows: list[dict] = []
    for row in over_desk("report", jobs):
        part = row.pop("part")
        if part:
            page = f"branches/{len(pages) + 1:04d}.html"
            write_atomic(folder / page, shown(part).encode("utf-8"))
            pages[row["branch"]] = page
        rows.append(row)
    rows = worst_first(rows)
    label, as_of, _period = _label(rows)
    index = report_fleet.site_index(rows, label, as_of, pages)
    write_atomic(folder / "index.html", shown(index).encode("utf-8"))
    err(t("report.written", path=folder / "index.html"))


def _make_report(unit: str) -> Callable[..., None]:
    def command(
        ctx: typer.Context,
        period: str | None = typer.Argument(
            None, help="2026Q3, 2026-Q3, Q3, 2026-07, 2026, A..B, this, last (default: this)."
        ),
        fmt: str | None = typer.Option(
            None,
            "--format",
            help="table | md | json | csv | html (default: table on a terminal, json when piped).",
        ),
        output: str | None = typer.Option(
            None, "-o", "--output", help="Write to this file; a folder (DIR/) gets a static site."
        ),
        directory: str | None = typer.Option(None, "--dir", help=DIR_HELP),
    ) -> None:
        _desk_report(ctx, unit, period, fmt, output, directory)

    command.__doc__ = f"The compliance report of a {unit}, every branch on the desk."
    return command


for _unit in ("month", "quarter", "year"):
    report_app.command(_unit)(_make_report(_unit))


# -- pw fleet verify | audit ---------------------------------------------------------------------


def _checks(
    ctx: typer.Context, kind: str, period: str | None, directory: str | None, fmt: str
) -> None:
    from partywork.analysis.fleet import over_desk
    from partywork.i18n import t

    folder = _dir(directory)
    jobs, status = _jobs(ctx, folder, kind, period, with_url=True)
    rows = []
    for row in over_desk("check", jobs):
        last = status.get(row["branch"], {})
        if last.get("state") == "REWRITTEN":  # refused at its last sync: the desk holds old news
            row["ok"] = False
            row["failing"] += 1
            row["findings"].append(
                {"code": "REWRITTEN", "severity": "error", "message": last.get("detail", "")}
            )
        rows.append(row)
    if fmt == "json":
        emit_json(
            {"schema": f"pw.fleet-{kind}/1", "ok": all(r["ok"] for r in rows), "branches": rows}
        )
    else:
        header = [t("report.branch"), t("fleet.result"), t("fleet.findings"), t("fleet.detail")]
        emit_table(header, (_check_row(r) for r in rows))
    bad = sum(1 for r in rows if not r["ok"])
    err(
        t("fleet.check.bad", count=bad, total=len(rows))
        if bad
        else t("fleet.check.ok", total=len(rows))
    )
    if bad:
        raise typer.Exit(1)


def _check_row(row: dict) -> list:
    from partywork.i18n import t

    codes = sorted({f["code"] for f in row["findings"] if f["severity"] == "error"})
    detail = row.get("error") or " ".join(codes)
    return [
        row["branch"],
        t("fleet.check.pass") if row["ok"] else t("fleet.check.fail"),
        row["failing"],
        detail,
    ]


@fleet_app.command("verify")
def fleet_verify(
    ctx: typer.Context,
    directory: str | None = typer.Option(None, "--dir", help=DIR_HELP),
    fmt: str = typer.Option("text", "--format", help="text | json."),
) -> None:
    """pw verify on every branch: one row each; exit 1 if any fails."""
    _checks(ctx, "verify", None, directory, fmt)


@fleet_app.command("audit")
def fleet_audit(
    ctx: typer.Context,
    period: str | None = typer.Argument(
        None, help="Only records of this period (default: the whole history)."
    ),
    directory: str | None = typer.Option(None, "--dir", help=DIR_HELP),
    fmt: str = typer.Option("text", "--format", help="text | json."),
) -> None:
    """pw audit on every branch: one row each; exit 1 if any has an error."""
    _checks(ctx, "audit", period, directory, fmt)
