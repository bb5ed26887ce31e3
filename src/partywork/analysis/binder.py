"""Gathering a period's 台账 binder: its records (voided ones too, each with the git blob it was
read from), the roster of the period, the report, and the commit it was all read at.

The binder is printed and filed; a printed page is checked against the repository by the commit,
the record id and the blob id in its footer, so each record carries the blob it was read from."""

from __future__ import annotations

import datetime as dt

from partywork.analysis.reporting import build_report
from partywork.model import periods, schema
from partywork.model.roster import Roster
from partywork.render.binder.data import BEIJING, Binder, BinderRecord, RosterRow
from partywork.storage.cache import DocumentCache
from partywork.storage.git.gitio import log_raw
from partywork.storage.repo import Repo
from partywork.storage.store import record_paths


def binder_period(repo: Repo, text: str | None) -> periods.Period:
    """The period a user named (2026, 2026Q3, 2026-08); nothing: the current year."""
    unit = (
        periods.unit_of(text.strip()) if text and text.strip() not in ("this", "last") else "year"
    )
    return periods.parse(text, unit, repo.today, repo.require_valid_settings().year_start_month)


def gather(repo: Repo, text: str | None, today_given: bool = False) -> Binder:
    """The binder as of the commit's day (Beijing time), so it prints the same bytes whenever it
    is made from the same commit; as of repo.today only when --today named a day."""
    settings = repo.require_valid_settings()
    commit = repo.git.head()
    made = _commit_time(repo, commit)
    if made is not None and not today_given:
        repo.today = made.astimezone(BEIJING).date() if made.tzinfo else made.date()
    period = binder_period(repo, text)
    unit = "year" if not text or text.strip() in ("this", "last") else periods.unit_of(text)
    report = build_report(repo, unit, text)
    binder = Binder(
        branch=settings.branch,
        parent=settings.parent or "",
        period=period.label,
        start=period.start,
        end=period.end,
        commit=commit,
        made=made,
        report=report,
        as_of=repo.today,
        as_of_given=today_given,
        groups={g.id: g.name for g in repo.roster.groups.values()},
        leaders={g.id: g.leader for g in repo.roster.groups.values() if g.leader},
    )
    binder.records = _records(repo, period)
    binder.roster = _roster(repo.roster, period)
    return binder


def _commit_time(repo: Repo, commit: str | None) -> dt.datetime | None:
    if not commit:
        return None
    text = log_raw(repo.git, [commit], "%cI").decode("utf-8", "replace").strip("\x00\n ")
    try:
        return dt.datetime.fromisoformat(text.split("\n", 1)[0].split("\x00", 1)[0].strip())
    except ValueError:
        return None


def _records(repo: Repo, period: periods.Period) -> list[BinderRecord]:
    documents = DocumentCache(repo.git)
    first, last = period.start.isoformat(), period.end.isoformat()
    paths = [
        p
        for p in record_paths(repo.root, set(period.months()))
        if first <= p.rsplit("/", 1)[-1][:10] <= last
    ]
    # a file changed since HEAD (in the work tree or staged) has no blob in the commit on the cover
    uncommitted = documents.dirty | set(repo.git.staged_paths())
    out = []
    for path, data in documents.documents(paths).items():
        if not isinstance(data, dict):
            continue
        record = schema.typed(data)
        day = record.get("date")
        if not isinstance(day, dt.date) or not isinstance(record.get("id"), str):
            continue
        expected = schema.expected_names(record, repo.roster)
        out.append(
            BinderRecord(
                record,
                None if path in uncommitted else documents.blobs.get(path),
                None if expected is None else len(expected),
            )
        )
    documents.save()
    out.sort(key=lambda r: (r.record["date"], str(r.record.get("start") or ""), r.record["id"]))
    return out


def _roster(roster: Roster, period: periods.Period) -> list[RosterRow]:
    """Everyone who was a member on some day of the period, with the roles held in it."""
    rows: list[RosterRow] = []
    for member in roster.members.values():
        if (member.joined and member.joined > period.end) or (
            member.left and member.left < period.start
        ):
            continue
        group = roster.groups.get(member.group or "")
        rows.append(
            {
                "name": member.name,
                "status": member.status,
                "group": group.name if group else (member.group or ""),
                "roles": [
                    r.role
                    for r in member.roles
                    if (r.start is None or r.start <= period.end)
                    and (r.end is None or r.end >= period.start)
                ],
                "joined": member.joined,
                "left": member.left,
            }
        )
    return rows
