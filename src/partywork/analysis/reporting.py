"""Gathering what a report needs from the repository, then building it (report.py is pure).

Only the report's window (report.window) is read record by record; older years contribute their
actions from the cache's small per-year files, so a long history costs little more than a short
one — except for its overdue actions, which belong in every report.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from partywork.analysis import report
from partywork.model import periods, schema
from partywork.model.fields import parse_date
from partywork.storage.cache import DocumentCache
from partywork.storage.repo import Repo
from partywork.storage.store import record_paths, record_paths_in, year_folders


def build_report(repo: Repo, unit: str, period_text: str | None) -> dict:
    settings = repo.require_valid_settings()
    period = periods.parse(period_text, unit, repo.today, settings.year_start_month)
    start, end = report.window(period, settings.year_start_month, repo.today)
    git = repo.git
    documents = DocumentCache(git)
    paths = record_paths(repo.root, set(periods.Period("", start, end).months()))
    paths = [p for p in paths if start.isoformat() <= p.rsplit("/", 1)[-1][:10] <= end.isoformat()]
    records = [r for path, data in documents.documents(paths).items() if (r := _typed(data, path))]
    records = [schema.as_now(r, repo.roster) for r in records]  # a former name is the member
    older, overdue_before = _older_actions(repo, documents, start, period)
    untracked = [p for p in paths if p not in documents.blobs]
    staged = [p for p in git.staged_paths() if p.startswith("records/")]
    inputs = report.Inputs(
        settings=settings,
        roster=repo.roster,
        records=records,
        period=period,
        as_of=repo.today,
        commit=git.head(),
        uncommitted=bool(documents.dirty or untracked or staged),
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


def _older_actions(
    repo: Repo, documents: DocumentCache, start: dt.date, period: periods.Period
) -> tuple[list[dict], int]:
    """Records before the window whose actions matter to the period (done or due in it), and how
    many of their actions are still open past a due date before the period. Dates are compared as
    ISO text, so the many that do not matter are never parsed."""
    first, last, today = period.start.isoformat(), period.end.isoformat(), repo.today.isoformat()
    relevant, carried = [], 0
    for folder in year_folders(repo.root):
        if int(folder.name) > start.year:
            continue
        paths = record_paths_in(folder)
        for entry in documents.actions(folder.name, paths):
            day = str(entry.get("date"))
            if (
                entry.get("voided")
                or not isinstance(entry.get("id"), str)
                or day >= start.isoformat()
            ):
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
