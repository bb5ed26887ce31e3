"""The compliance report of SPEC §8, as data. Pure: records, roster, settings, a period and
`as_of` in; the `pw.report/1` mapping out. Renderers in render/ turn it into text.

Every rule is judged against the roster as it stood on each meeting's date (DOMAIN §3.2), and a
unit of time that is not over yet is `pending`, never `missing`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from partywork.analysis import yearly
from partywork.i18n import t
from partywork.model import periods
from partywork.model.periods import Period
from partywork.model.problems import Severity, severity_rank
from partywork.model.roster import Member, Roster
from partywork.model.schema import expected_names
from partywork.model.settings import Rule, Settings
from partywork.model.types import TYPES

ATTENDED_TYPES = tuple(name for name, typ in TYPES.items() if typ.attended)
LOCAL_RULES = (
    "lecture",
)  # a local default, not a regulation minimum (DOMAIN §2): warning, not error
STREAK_WARNING, STREAK_ERROR = 3, 6


@dataclass(repr=False, eq=False)  # generated methods cost start-up time (see benchmarks)
class Inputs:
    settings: Settings
    roster: Roster
    records: list[dict]  # the window's records (see window()), typed, voided ones included
    period: Period
    as_of: dt.date
    commit: str | None = None
    uncommitted: bool = False
    findings: list[dict] = field(default_factory=list)
    older_actions: list[dict] = field(
        default_factory=list
    )  # records before the window: id, date, voided, actions
    overdue_before: int = 0  # open actions of records before the window, due before the period
    _expected: dict = field(default_factory=dict, repr=False)

    def expected(self, record: dict) -> list[str]:
        """Who was expected at a record's meeting; computed once per record per report."""
        if record["id"] not in self._expected:
            self._expected[record["id"]] = expected_names(record, self.roster) or []
        return self._expected[record["id"]]


def window(period: Period, first_month: int, as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The dates any section but actions looks at: the months the absence streak looks back over
    (_months_without: six, the error threshold, back from the period's last begun month), and the
    reporting year that holds the period (a quarterly rule in a month's report is judged over its
    whole quarter). Older history costs nothing, except its actions."""
    last = min(period.end, as_of)
    back = last.replace(day=1)
    for _ in range(STREAK_ERROR - 1):
        back = (back - dt.timedelta(days=1)).replace(day=1)
    start = min(periods.containing(period.start, "year", first_month).start, back)
    end = max(min(periods.containing(period.end, "year", first_month).end, as_of), period.end)
    return start, end


def finding(
    code: str,
    severity: Severity,
    message: str,
    record: str | None = None,
    commit: str | None = None,
) -> dict:
    return {
        "code": code,
        "severity": severity,
        "record": record,
        "commit": commit,
        "message": message,
    }


def build(inputs: Inputs) -> dict:
    live = [r for r in inputs.records if not r.get("voided")]
    known = {r["id"] for r in inputs.records}
    everything = live + [
        r for r in inputs.older_actions if not r.get("voided") and r["id"] not in known
    ]
    in_period = [r for r in live if inputs.period.contains(r["date"])]
    findings: list[dict] = []
    report = {
        "schema": "pw.report/1",
        **_header(inputs),
        "compliance": _compliance(inputs, live, findings),
        "meetings": _meetings(inputs, in_period, findings),
        "attendance": _attendance(inputs, live, in_period, findings),
        "study": _study(inputs, live, findings),
        "actions": _actions(inputs, everything, findings),
        **yearly.sections(_scope(inputs, live), findings),
    }
    _duplicates(in_period, findings)
    report["overdue_before"] = inputs.overdue_before
    report["findings"] = sorted(
        findings + inputs.findings, key=lambda f: severity_rank(f["severity"])
    )
    return report


def _duplicates(in_period: list[dict], findings: list[dict]) -> None:
    """Live records of one event — type, kind, day, group and the same people — each count
    toward attendance, study hours and the rules: one meeting logged twice (or three times)
    multiplies its hours unseen unless the report names it (`pw check` only warns the writer)."""
    first: dict[tuple, str] = {}
    for record in sorted(in_period, key=lambda r: r["id"]):
        people = record.get("attendees")
        key = (
            record.get("type"),
            record.get("kind"),
            record["date"],
            str(record.get("group") or ""),
            tuple(sorted(str(n) for n in people)) if isinstance(people, list) else (),
        )
        if key in first:
            message = t("report.duplicate", other=first[key])
            findings.append(finding("DUPLICATE", "warning", message, record["id"]))
        else:
            first[key] = record["id"]


def _scope(inputs: Inputs, live: list[dict]) -> yearly.Scope:
    return yearly.Scope(
        roster=inputs.roster,
        period=inputs.period,
        as_of=inputs.as_of,
        first_month=inputs.settings.year_start_month,
        branch_type=inputs.settings.type,
        live=live,
    )


# -- header --------------------------------------------------------------------------------------


def _roster_day(inputs: Inputs) -> dt.date:
    return min(inputs.period.end, inputs.as_of)


def _header(inputs: Inputs) -> dict:
    day = _roster_day(inputs)
    active = inputs.roster.active(day)
    full = sum(1 for m in active if m.full_on(day))
    return {
        "branch": inputs.settings.branch,
        "type": inputs.settings.type,
        "parent": inputs.settings.parent,
        "period": inputs.period.as_json(),
        "as_of": inputs.as_of.isoformat(),
        "commit": inputs.commit,
        "uncommitted": inputs.uncommitted,
        "attendance_floor": inputs.settings.attendance_floor,
        "roster": {
            "on": day.isoformat(),
            "full": full,
            "probationary": len(active) - full,
            "groups": [
                {"id": g.id, "name": g.name, "members": len(inputs.roster.group_members(g.id, day))}
                for g in inputs.roster.groups.values()
            ],
        },
    }


# -- compliance ----------------------------------------------------------------------------------


def _units(rule: Rule, period: Period, first_month: int, as_of: dt.date) -> list[Period]:
    """The months, quarters or years the rule is judged over: those overlapping the period that
    have begun by as_of."""
    units: list[Period] = []
    day = period.start
    while day <= period.end and day <= as_of:
        unit = periods.containing(day, rule.every, first_month)
        units.append(unit)
        day = unit.end + dt.timedelta(days=1)
    return units


def _held(live: Iterable[dict], kind: str, group: str | None, unit: Period, as_of: dt.date) -> int:
    end = min(unit.end, as_of)
    return sum(
        1
        for r in live
        if r.get("kind") == kind
        and unit.start <= r["date"] <= end
        and (group is None or r.get("group") == group)
    )


def _compliance(inputs: Inputs, live: list[dict], findings: list[dict]) -> list[dict]:
    out = []
    for _kind, rule in inputs.settings.rules.items():
        if rule is None:
            continue
        for group in list(inputs.roster.groups) if rule.per_group else [None]:
            out.append(_rule_entry(inputs, live, rule, group, findings))
    return out


def _rule_entry(
    inputs: Inputs, live: list[dict], rule: Rule, group: str | None, findings: list[dict]
) -> dict:
    required = held = 0
    missing: list[str] = []
    pending: list[str] = []
    not_tracked: list[str] = []  # before `since:` (SPEC §3): never missing
    since = inputs.settings.since
    for unit in _units(rule, inputs.period, inputs.settings.year_start_month, inputs.as_of):
        if since is not None and unit.end < since:
            not_tracked.append(unit.label)
            continue
        if group is not None and not inputs.roster.group_members(
            group, min(unit.end, inputs.as_of)
        ):
            continue  # a group with nobody in it that month owes no meeting
        count = _held(live, rule.kind, group, unit, inputs.as_of)
        required += rule.min
        held += count
        if count < rule.min:
            (missing if unit.end < inputs.as_of else pending).append(unit.label)
    for label in missing:
        severity: Severity = "warning" if rule.kind in LOCAL_RULES else "error"
        who = f"{inputs.roster.groups[group].name} " if group else ""
        findings.append(
            finding(
                "MISSING",
                severity,
                t(
                    "report.missing",
                    unit=label,
                    who=who,
                    kind=t("kind." + rule.kind),
                    min=rule.min,
                    every=t("every." + rule.every),
                ),
            )
        )
    return {
        "rule": rule.kind,
        "group": group,
        "every": rule.every,
        "required": required,
        "held": held,
        "ok": not missing,
        "missing": missing,
        "pending": pending,
        "not_tracked": not_tracked,
    }


# -- meetings and quorum -------------------------------------------------------------------------


def _meetings(inputs: Inputs, in_period: list[dict], findings: list[dict]) -> list[dict]:
    out = []
    for record in in_period:
        if record.get("type") not in ATTENDED_TYPES:
            continue
        expected = inputs.expected(record)
        present = [n for n in record.get("attendees") or [] if n in expected]
        rate = round(len(present) / len(expected), 3) if expected else None
        quorum_ok = _quorum(record, inputs.roster, present, expected, findings)
        if rate is not None and rate < inputs.settings.attendance_floor:
            findings.append(
                finding(
                    "LOW-ATTENDANCE",
                    "warning",
                    t(
                        "report.low_attendance",
                        present=len(present),
                        expected=len(expected),
                        floor=f"{inputs.settings.attendance_floor:.0%}",
                    ),
                    record["id"],
                )
            )
        out.append(
            {
                "id": record["id"],
                "date": record["date"].isoformat(),
                "type": record["type"],
                "kind": record["kind"],
                "group": record.get("group"),
                "title": record.get("title"),
                "expected": len(expected),
                "present": len(present),
                "rate": rate,
                "quorum_ok": quorum_ok,
            }
        )
    return out


def _quorum(
    record: dict, roster: Roster, present: list[str], expected: list[str], findings: list[dict]
) -> bool:
    if record["kind"] == "committee" and expected and len(present) * 2 <= len(expected):
        findings.append(
            finding(
                "QUORUM",
                "error",
                t("report.committee_quorum", present=len(present), expected=len(expected)),
                record["id"],
            )
        )
        return False
    if record["kind"] != "general":
        return True
    votes = [
        d["vote"]
        for d in record.get("decisions") or []
        if isinstance(d, dict) and isinstance(d.get("vote"), dict)
    ]
    if not votes:
        return True
    return _general_votes(record, roster, votes, findings)


def _general_votes(record: dict, roster: Roster, votes: list[dict], findings: list[dict]) -> bool:
    day = record["date"]
    voting = [m.name for m in roster.active(day) if m.votes_on(day)]
    present_voting = [n for n in record.get("attendees") or [] if n in voting]
    ok = True
    if len(present_voting) * 2 <= len(voting):
        findings.append(
            finding(
                "QUORUM",
                "error",
                t("report.vote_quorum", present=len(present_voting), voting=len(voting)),
                record["id"],
            )
        )
        ok = False
    for vote in votes:
        cast = sum(vote.get(k) or 0 for k in ("for", "against", "abstain"))
        if (vote.get("for") or 0) * 2 <= len(voting):
            findings.append(
                finding(
                    "VOTE",
                    "error",
                    t("report.vote_passed", votes=vote.get("for") or 0, voting=len(voting)),
                    record["id"],
                )
            )
            ok = False
        if cast > len(present_voting):
            findings.append(
                finding(
                    "VOTE",
                    "warning",
                    t("report.vote_count", cast=cast, present=len(present_voting)),
                    record["id"],
                )
            )
    return ok


# -- attendance ----------------------------------------------------------------------------------


def _members_of(inputs: Inputs) -> list[Member]:
    p = inputs.period
    return [
        m
        for m in inputs.roster.members.values()
        if (m.joined is None or m.joined <= p.end) and (m.left is None or m.left >= p.start)
    ]


def _attendance(
    inputs: Inputs, live: list[dict], in_period: list[dict], findings: list[dict]
) -> list[dict]:
    by_month = _meetings_by_month(inputs, live)
    meetings = [(r, set(inputs.expected(r))) for r in in_period if r.get("type") in ATTENDED_TYPES]
    out = []
    for member in _members_of(inputs):
        tally = {"expected": 0, "attended": 0, "excused": 0, "unexcused": 0}
        for record, expected in meetings:
            if member.name in expected:
                tally["expected"] += 1
                tally[_presence(record, member.name)] += 1
        rate = round(tally["attended"] / tally["expected"], 3) if tally["expected"] else None
        months = _months_without(inputs, by_month, member)
        entry = {
            "member": member.name,
            **tally,
            "rate": rate,
            "below_floor": rate is not None and rate < inputs.settings.attendance_floor,
            "months_absent": months,
        }
        _attendance_findings(inputs, entry, findings)
        out.append(entry)
    return out


def _meetings_by_month(inputs: Inputs, live: list[dict]) -> dict[str, list[tuple[set, set]]]:
    """month label → [(expected names, attendee names)] of the meetings held that month."""
    by_month: dict[str, list[tuple[set, set]]] = {}
    for record in live:
        if record.get("type") in ATTENDED_TYPES:
            label = f"{record['date'].year:04d}-{record['date'].month:02d}"
            by_month.setdefault(label, []).append(
                (set(inputs.expected(record)), set(record.get("attendees") or []))
            )
    return by_month


def _presence(record: dict, name: str) -> str:
    if name in (record.get("attendees") or []):
        return "attended"
    for absent in record.get("absent") or []:
        if absent.get("name") == name:
            return "excused" if absent.get("excused", True) else "unexcused"
    return "unexcused"  # expected, yet neither present nor excused


def _attendance_findings(inputs: Inputs, entry: dict, findings: list[dict]) -> None:
    if entry["below_floor"]:
        findings.append(
            finding(
                "MEMBER-ATTENDANCE",
                "warning",
                t(
                    "report.member_attendance",
                    member=entry["member"],
                    rate=f"{entry['rate']:.0%}",
                    floor=f"{inputs.settings.attendance_floor:.0%}",
                ),
            )
        )
    months = entry["months_absent"]
    if months >= STREAK_WARNING:
        severity: Severity = "error" if months >= STREAK_ERROR else "warning"
        findings.append(
            finding(
                "ABSENT-MONTHS",
                severity,
                t("report.absent_months", member=entry["member"], months=months),
            )
        )


def _months_without(
    inputs: Inputs, by_month: dict[str, list[tuple[set, set]]], member: Member
) -> int:
    """Consecutive months, back from the period's last begun month, in which the member was
    expected somewhere and attended nothing. Months with nothing to attend are passed over."""
    last = min(inputs.period.end, inputs.as_of)
    month = periods.month(last.year, last.month)
    count = 0
    for _ in range(STREAK_ERROR):
        if member.joined and month.end < member.joined:
            break
        if inputs.settings.since and month.end < inputs.settings.since:
            break
        held = by_month.get(month.label, [])
        if any(member.name in attendees for _expected, attendees in held):
            break
        if any(member.name in expected for expected, _attendees in held):
            count += 1
        month = periods.containing(month.start - dt.timedelta(days=1), "month")
    return count


# -- study ---------------------------------------------------------------------------------------


def _credited(record: dict, name: str) -> float:
    if record.get("type") not in ("study", "meeting") or name not in (
        record.get("attendees") or []
    ):
        return 0.0
    if record.get("type") == "meeting" and record.get("kind") != "lecture":
        return 0.0
    overrides = record.get("hours_by_member") or {}
    hours = overrides.get(name, record.get("hours"))
    return float(hours) if isinstance(hours, (int, float)) else 0.0


def _study(inputs: Inputs, live: list[dict], findings: list[dict]) -> list[dict]:
    end = min(inputs.period.end, inputs.as_of)
    year = periods.containing(end, "year", inputs.settings.year_start_month)
    in_period: dict[str, float] = {}
    to_date: dict[str, float] = {}
    for record in live:  # one pass over the records, not one per member
        if not year.start <= record["date"] <= end or record.get("type") not in (
            "study",
            "meeting",
        ):
            continue
        for name in record.get("attendees") or []:
            hours = _credited(record, name)
            if hours:
                to_date[name] = to_date.get(name, 0.0) + hours
                if inputs.period.contains(record["date"]):
                    in_period[name] = in_period.get(name, 0.0) + hours
    out = []
    for member in _members_of(inputs):
        leader = member.leads_on(end)
        target = inputs.settings.study_hours["leader" if leader else "member"]
        start = year.start
        if inputs.settings.since and inputs.settings.since > start:  # pro-rated from since
            start = inputs.settings.since.replace(day=1)
        target_to_date = round(target * _active_months(member, start, end) / 12, 1)
        ytd = round(to_date.get(member.name, 0.0), 1)
        if ytd < target_to_date:
            findings.append(
                finding(
                    "STUDY-HOURS",
                    "info",
                    t("report.study_hours", member=member.name, hours=ytd, target=target_to_date),
                )
            )
        out.append(
            {
                "member": member.name,
                "hours": round(in_period.get(member.name, 0.0), 1),
                "year_to_date": ytd,
                "target_to_date": target_to_date,
                "leader": leader,
            }
        )
    return out


def _active_months(member: Member, start: dt.date, end: dt.date) -> int:
    """Months of the reporting year up to `end` in which the member belonged to the branch."""
    count, month = 0, periods.month(start.year, start.month)
    while month.start <= end:
        if member.active_on(min(month.end, end)) or member.active_on(month.start):
            count += 1
        month = periods.containing(month.end + dt.timedelta(days=1), "month")
    return count


# -- actions -------------------------------------------------------------------------------------


def action_rows(records: Iterable[dict], as_of: dt.date) -> list[dict]:
    """Every action of every live record, with its id `<record>#<n>` and whether it is overdue."""
    rows = []
    for record in records:
        if record.get("voided"):
            continue
        for n, action in enumerate(record.get("actions") or [], 1):
            due = action.get("due")
            status = action.get("status") or "open"
            overdue = status == "open" and isinstance(due, dt.date) and due < as_of
            rows.append(
                {
                    "id": f"{record['id']}#{n}",
                    "record": record["id"],
                    "task": action.get("task"),
                    "owner": action.get("owner"),
                    "due": _iso(due),
                    "status": status,
                    "overdue": overdue,
                    "done_on": _iso(action.get("done_on")),
                    "evidence": action.get("evidence"),
                    "opened": record["date"].isoformat(),
                }
            )
    return rows


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _actions(inputs: Inputs, live: list[dict], findings: list[dict]) -> list[dict]:
    """SPEC §8.6: actions opened, done, or falling due and missed in the period. Items overdue since
    before it are counted, not listed: they were in their own period's report, and in
    `pw action list --status overdue`; listing them all would make a report grow with history."""
    p = inputs.period
    start, end = p.start.isoformat(), p.end.isoformat()
    out, carried = [], inputs.overdue_before
    for row in action_rows(live, inputs.as_of):
        opened = start <= row["opened"] <= end
        done = row["done_on"] is not None and start <= row["done_on"] <= end
        missed = row["overdue"] and start <= str(row["due"]) <= end
        if row["overdue"] and str(row["due"]) < start:
            carried += 1
        if not (opened or done or missed):
            continue
        if missed:
            findings.append(
                finding(
                    "OVERDUE",
                    "warning",
                    t("report.overdue", task=row["task"], owner=row["owner"], due=row["due"]),
                    row["record"],
                )
            )
        out.append({k: v for k, v in row.items() if k != "opened"})
    if carried:
        findings.append(
            finding(
                "OVERDUE-BEFORE", "warning", t("report.overdue_before", count=carried, start=start)
            )
        )
    inputs.overdue_before = carried
    return out
