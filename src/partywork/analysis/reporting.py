"""Gathering what a report needs from the repository, then building it (report.py is pure).

Only the report's window (report.window) is read record by record. Older years contribute their
actions: a year folder exactly as committed is summed up once (YearSummary) under its tree id, so a
new commit elsewhere leaves it valid and a report after `pw log` costs what its period costs; a
year that does not fit its summary is read from the cache's per-year file of actions.
"""

from __future__ import annotations

import bisect
import datetime as dt
import gc
import os
import time
from pathlib import Path
from typing import Any, TypedDict

from partywork.analysis import report
from partywork.model import periods, schema
from partywork.model.fields import parse_date
from partywork.storage.cache import DocumentCache
from partywork.storage.repo import Repo
from partywork.storage.store import record_paths, record_paths_in, year_folders


def build_report(
    repo: Repo, unit: str, period_text: str | None, scanned: list[str] | None = None
) -> dict:
    """The report; `scanned`: what differs from the index under records/, when already known
    (memo.serve)."""
    # hundreds of thousands of small objects (the history's files) and nothing cyclic: the
    # collector would only scan them again and again
    gc.disable()
    try:
        return _build(repo, unit, period_text, scanned)
    finally:
        gc.enable()


def _build(repo: Repo, unit: str, period_text: str | None, scanned: list[str] | None) -> dict:
    settings = repo.require_valid_settings()
    period = periods.parse(period_text, unit, repo.today, settings.year_start_month)
    start, end = report.window(period, settings.year_start_month, repo.today)
    git = repo.git
    # the years the window and the audit read file by file (audit.audit: the year before too)
    earliest = min(start, period.start - dt.timedelta(days=366)).year
    years = {str(y) for y in range(earliest, end.year + 1)}
    documents = DocumentCache(git, sorted(years), scanned)
    paths = record_paths(repo.root, set(periods.Period("", start, end).months()))
    paths = [p for p in paths if start.isoformat() <= p.rsplit("/", 1)[-1][:10] <= end.isoformat()]
    records = [r for path, data in documents.documents(paths).items() if (r := _typed(data, path))]
    records = [schema.as_now(r, repo.roster) for r in records]  # a former name is the member
    older, overdue_before = _older_actions(repo, documents, start, period)
    untracked = [p for p in paths if documents.blob(p) is None]
    inputs = report.Inputs(
        settings=settings,
        roster=repo.roster,
        records=records,
        period=period,
        as_of=repo.today,
        commit=git.head(),
        uncommitted=bool(documents.dirty or untracked or documents.staged()),
        older_actions=older,
        overdue_before=overdue_before,
    )
    inputs.findings = _integrity(repo, period, documents)
    documents.save()
    return report.build(inputs)


def _typed(data: Any, path: str) -> dict | None:
    if not isinstance(data, dict):
        return None
    record = schema.typed(data)
    return (
        record
        if isinstance(record.get("date"), dt.date) and isinstance(record.get("id"), str)
        else None
    )


SUMMARY_VERSION = "s3"  # changes whenever _summary does
QUIET_NS = 2_000_000_000  # a folder unchanged this long when summed up: its ctime is believed


class MonthSummary(TypedDict):
    """What one month's records of a year folder contribute to any later report, without reading
    them: their earliest date, every due and done date of their actions (sorted), and the due
    dates of their open actions with how many fall on each (sorted). Voided records and records
    without an id are left out, as _older_actions leaves them out."""

    earliest: str
    marks: list[str]
    open_due: list[str]
    open_count: list[int]


class YearSummary(TypedDict):
    """A year folder summed up per month (by the first seven characters of each record's date),
    and what it held: its number of record files, its ctime then, and whether it had been quiet
    (unchanged for QUIET_NS) — then an unchanged ctime proves no file came or went since. Not the
    mtime: touch -d or os.utime puts that back after a file is added; the ctime only the clock
    sets."""

    count: int
    stamp: int
    quiet: bool
    months: dict[str, MonthSummary]


def _older_actions(
    repo: Repo, documents: DocumentCache, start: dt.date, period: periods.Period
) -> tuple[list[dict], int]:
    """Records before the window whose actions matter to the period (done or due in it), and how
    many of their actions are still open past a due date before the period. Dates are compared as
    ISO text, so the many that do not matter are never parsed."""
    first, last, today = period.start.isoformat(), period.end.isoformat(), repo.today.isoformat()
    relevant: list[dict] = []
    carried = 0
    for folder in year_folders(repo.root):
        if (int(folder.name), 1, 1) >= (start.year, start.month, start.day):
            continue  # a year of the window: the report reads its records itself
        key = documents.year_key(folder.name)
        key = f"{SUMMARY_VERSION}:{key}" if key else None
        summary = _kept_summary(documents, folder.name, key) if key else None
        if summary is not None and _still(summary, folder):
            count = _carried(summary, start.isoformat(), first, last, min(first, today))
            if count is not None:
                carried += count
                continue
        stamp = os.stat(folder).st_ctime_ns
        paths = record_paths_in(folder)
        entries = [
            e
            for e in documents.actions(folder.name, paths)
            if not e.get("voided") and isinstance(e.get("id"), str)
        ]
        if key and summary is None and documents.year_fresh(paths):
            made = _summary(entries, len(paths), stamp)
            documents.keep(f"{folder.name}.summary", key, dict(made))
        found, count = _scan(entries, start.isoformat(), first, last, today)
        relevant += found
        carried += count
    return relevant, carried


def _still(summary: YearSummary, folder: os.PathLike) -> bool:
    """The folder holds the files it held when summed up (their content is the key's business):
    its ctime unchanged since a quiet moment, else the same number of record files."""
    if summary["quiet"] and os.stat(folder).st_ctime_ns == summary["stamp"]:
        return True
    return len(record_paths_in(Path(folder))) == summary["count"]


def _carried(summary: YearSummary, start: str, first: str, last: str, cutoff: str) -> int | None:
    """The open actions due before the cutoff of the year's records before the window start,
    when none of those records has an action due or done in the period (None: read the year)."""
    carried = 0
    for month, part in summary["months"].items():
        if month > start[:7] or (month == start[:7] and part["earliest"] >= start):
            continue  # records of the window: the report reads them itself
        marks = part["marks"]
        i = bisect.bisect_left(marks, first)
        if month == start[:7] or (i < len(marks) and marks[i] <= last):
            return None
        carried += sum(part["open_count"][: bisect.bisect_left(part["open_due"], cutoff)])
    return carried


def _scan(
    entries: list[dict], start: str, first: str, last: str, today: str
) -> tuple[list[dict], int]:
    """The records among these (before the window) with an action done or due in the period,
    typed; and the open actions of the others that were due before the period."""
    relevant, carried = [], 0
    for entry in entries:
        day = str(entry.get("date"))
        if day >= start:
            continue
        actions = [a for a in entry["actions"] if isinstance(a, dict)]
        if any(
            first <= str(a.get("done_on")) <= last or first <= str(a.get("due")) <= last
            for a in actions
        ):
            relevant.append(
                {
                    "id": entry["id"],
                    "date": parse_date(day),
                    "voided": False,
                    "actions": [_typed_action(a) for a in actions],
                }
            )
            continue  # the report counts its carried-over items itself
        carried += sum(
            1
            for a in actions
            if (a.get("status") or "open") == "open"
            and str(a.get("due")) < first
            and str(a.get("due")) < today
        )
    return relevant, carried


def _summary(entries: list[dict], count: int, stamp: int) -> YearSummary:
    by_month: dict[str, list[dict]] = {}
    for entry in entries:
        by_month.setdefault(str(entry.get("date"))[:7], []).append(entry)
    quiet = time.time_ns() - stamp > QUIET_NS
    months = {month: _month_summary(part) for month, part in sorted(by_month.items())}
    return {"count": count, "stamp": stamp, "quiet": quiet, "months": months}


def _month_summary(entries: list[dict]) -> MonthSummary:
    marks: set[str] = set()
    open_due: dict[str, int] = {}
    for entry in entries:
        for action in (a for a in entry["actions"] if isinstance(a, dict)):
            marks.update((str(action.get("done_on")), str(action.get("due"))))
            if (action.get("status") or "open") == "open":
                due = str(action.get("due"))
                open_due[due] = open_due.get(due, 0) + 1
    dues = sorted(open_due)
    return {
        "earliest": min(str(e.get("date")) for e in entries),
        "marks": sorted(marks),
        "open_due": dues,
        "open_count": [open_due[d] for d in dues],
    }


def _kept_summary(documents: DocumentCache, year: str, key: str) -> YearSummary | None:
    """The year's summary kept under this key, if it has exactly the shape _summary gives: the
    cache folder is only data (sorted lists, since they are searched by bisection)."""
    value = documents.kept(f"{year}.summary", key)
    if value is None:
        return None
    count, stamp, quiet, months = (value.get(k) for k in ("count", "stamp", "quiet", "months"))
    if type(count) is not int or type(stamp) is not int or type(quiet) is not bool:
        return None
    if not isinstance(months, dict):
        return None
    parts = {month: _month_part(part) for month, part in months.items()}
    if not all(parts.values()):
        return None
    return {"count": count, "stamp": stamp, "quiet": quiet, "months": months}


def _month_part(value: object) -> bool:
    if not isinstance(value, dict):
        return False
    earliest, marks = value.get("earliest"), value.get("marks")
    dues, counts = value.get("open_due"), value.get("open_count")
    return (
        isinstance(earliest, str)
        and _sorted_texts(marks)
        and _sorted_texts(dues)
        and isinstance(dues, list)
        and isinstance(counts, list)
        and len(counts) == len(dues)
        and all(type(c) is int and c > 0 for c in counts)
    )


def _sorted_texts(value: object) -> bool:
    return (
        isinstance(value, list)
        and all(isinstance(v, str) for v in value)
        and all(a < b for a, b in zip(value, value[1:], strict=False))
    )


def _typed_action(action: dict) -> dict:
    return {
        **action,
        "due": parse_date(str(action.get("due"))) or action.get("due"),
        "done_on": parse_date(str(action.get("done_on"))) if action.get("done_on") else None,
        "status": action.get("status") or "open",
    }


def _integrity(repo: Repo, period: periods.Period, documents: DocumentCache) -> list[dict]:
    """SPEC §8.7: the audit findings for the period's records. A signing set-up that cannot verify
    is the audit's and verify's business; the report still shows everything else."""
    from partywork.analysis.audit import audit
    from partywork.errors import ConfigError

    try:
        return audit(repo, period, documents)
    except ConfigError as error:
        return [report.finding("SIGNING", "warning", error.message)]
