"""What every command shares: the global options, opening the repo, and the two output streams
(data on stdout, messages on stderr)."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from partywork.errors import InvalidRecords, PwError

if TYPE_CHECKING:
    from partywork.model.problems import Problem
    from partywork.storage.git.early import Started
    from partywork.storage.repo import Repo

# csv, json and rich are imported where they are used: `pw --help` must stay as quick as typer
# itself.


class State:
    """The global options, passed to every command through the Typer context."""

    def __init__(
        self,
        repo_option: str | None,
        lang: str | None,
        today: dt.date,
        debug: bool,
        repos: list[str] | None = None,
        prefetched: Started | None = None,
    ) -> None:
        self.repo_option = repo_option
        self.prefetched = prefetched  # the launcher's head start (launch.py), for the report
        self.repos = repos or []
        self.lang = lang
        self.today = today
        self.debug = debug


def open_repo(state: State) -> Repo:
    from partywork.errors import UsageError
    from partywork.i18n import set_lang, t
    from partywork.storage.repo import Repo, find_root  # noqa: F811 (at run time; the annotation is for mypy)

    if len(state.repos) > 1:
        raise UsageError(t("fleet.multi_repo"))
    repo = Repo(find_root(state.repo_option), state.today, prefetched=state.prefetched)
    if state.lang is None:
        set_lang(repo.settings.lang)
    return repo


def open_repos(state: State) -> list[Repo]:
    """Every --repo given (a supervisor's report across branches)."""
    from partywork.i18n import set_lang
    from partywork.storage.repo import Repo, find_root

    repos = [Repo(find_root(path), state.today) for path in state.repos]
    if state.lang is None:
        set_lang(repos[0].settings.lang)
    return repos


def err(text: str = "") -> None:
    from partywork.render.textsafe import shown

    print(shown(text), file=sys.stderr)


def out(text: str = "") -> None:
    from partywork.render.textsafe import shown

    print(shown(text))


def hint_line(hint: str) -> str:
    from partywork.i18n import t

    return f"  {t('hint')}: {hint}"


def problem_lines(problems: Iterable[Problem]) -> list[str]:
    lines = []
    from partywork.i18n import t
    from partywork.render.textsafe import one_line

    for problem in problems:  # a file name or a value from a file may hold a newline
        # the severity beside the code: which of them stop pw close and pw check is plain
        where, _, said = problem.render().partition(f" {problem.code} ")
        severity = t("severity." + problem.severity)
        lines.append(one_line(f"{where} {problem.code} [{severity}] {said}"))
        if problem.hint:
            lines.append(hint_line(one_line(problem.hint)))
    return lines


def report_error(error: PwError) -> None:
    if isinstance(error, InvalidRecords):
        for line in problem_lines(error.problems):
            err(line)
    from partywork.render.textsafe import one_line

    err(f"pw: {one_line(error.message)}")
    if error.hint:
        err(hint_line(one_line(error.hint)))


def show_warnings(problems: Iterable[Problem]) -> None:
    for line in problem_lines(p for p in problems if p.severity != "error"):
        err(line)


def emit_json(data: Any) -> None:
    import json

    out(json.dumps(data, ensure_ascii=False, indent=2, default=str))  # out() escapes as JSON does


def emit_csv(header: list[str], rows: Iterable[list[Any]]) -> None:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    from partywork.render.textsafe import csv_row

    writer.writerow(header)
    writer.writerows(csv_row(row) for row in rows)
    sys.stdout.write(buffer.getvalue())


def emit_table(header: list[str], rows: Iterable[list[Any]]) -> None:
    """A rich table on a terminal; plain aligned columns (no colour, no boxes) when piped."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from partywork.render import console
    from partywork.render.textsafe import one_line

    terminal = sys.stdout.isatty()
    table = Table(box=box.SIMPLE_HEAD if terminal else None, show_edge=False, pad_edge=False)
    for name in header:
        table.add_column(name, overflow="fold")
    for row in rows:
        # Text, not str: a cell holding "[red]" or "[/]" is shown, not taken for rich markup
        table.add_row(*(Text(one_line("" if v is None else v)) for v in row))
    sys.stdout.write(console.draw([table], console.width(terminal), terminal))


def choose_format(given: str | None, terminal_default: str, piped_default: str) -> str:
    if given:
        return given
    return terminal_default if sys.stdout.isatty() else piped_default


def table_or_json(given: str | None) -> str:
    """A list's --format: a value it does not know is a usage error (exit 2, naming the ones it
    does, as pw report's), not a table the user did not ask for."""
    if given not in (None, "table", "json"):
        import typer

        raise typer.BadParameter("table | json", param_hint="--format")
    return choose_format(given, "table", "table")
