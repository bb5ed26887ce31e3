"""The yearly obligations of SPEC §13 in the report: appraisal coverage (民主评议党员), talk
coverage (谈心谈话), dues (党费) and commendations (激励会). Pure, like report.py: typed records,
the roster and the period in; the report's sections and findings out.

Each section lists what falls in the period; the coverage rules are judged where they can be:
an appraisal's on the appraisals held in the period, talks once the reporting year is being
reported on, dues month by month over the report's window (six months before the period, so a
streak reaching back is seen)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import combinations

from partywork.i18n import t
from partywork.model import periods
from partywork.model.periods import Period
from partywork.model.problems import Severity
from partywork.model.roster import Roster
from partywork.model.types.dues import payment_months

DUES_STREAK_ERROR = 6  # 党章 第九条: six months without paying, like six without attending


@dataclass(repr=False, eq=False)  # generated methods cost start-up time (see benchmarks)
class Scope:
    roster: Roster
    period: Period
    as_of: dt.date
    first_month: int
    branch_type: str
    live: list[dict]  # the window's live records, typed

    @property
    def last_day(self) -> dt.date:
        return min(self.period.end, self.as_of)

    def of_type(self, typ: str) -> list[dict]:
        return [r for r in self.live if r.get("type") == typ]


def _finding(code: str, severity: Severity, message: str, record: str | None = None) -> dict:
    return {
        "code": code,
        "severity": severity,
        "record": record,
        "commit": None,
        "message": message,
    }


def sections(scope: Scope, findings: list[dict]) -> dict:
    return {
        "appraisals": appraisals(scope, findings),
        "talks": talks(scope, findings),
        "dues": dues(scope, findings),
        "commendations": commendations(scope),
    }


# -- 民主评议党员 ----------------------------------------------------------------------------------


def appraisals(scope: Scope, findings: list[dict]) -> list[dict]:
    """One row per grade given at the appraisals held in the period; the year's rules judged on
    every appraisal year that has an appraisal in the period."""
    held = [r for r in scope.of_type("appraisal") if scope.period.contains(r["date"])]
    years = sorted({int(r["year"]) for r in held if isinstance(r.get("year"), int)})
    for year in years:
        same = [r for r in scope.of_type("appraisal") if r.get("year") == year]
        _appraisal_rules(scope, same, findings)
    return [
        {
            "record": r["id"],
            "date": r["date"].isoformat(),
            "year": r.get("year"),
            "member": g.get("member"),
            "grade": g.get("grade"),
        }
        for r in held
        for g in r.get("grades") or []
        if isinstance(g, dict)
    ]


def _appraisal_rules(scope: Scope, records: list[dict], findings: list[dict]) -> None:
    last = max(records, key=lambda r: r["date"])
    grades = [(r, g) for r in records for g in r.get("grades") or [] if isinstance(g, dict)]
    graded = [g.get("member") for _r, g in grades]
    for member in scope.roster.active(last["date"]):
        if member.full_on(last["date"]) and member.name not in graded:
            findings.append(
                _finding(
                    "APPRAISAL-UNGRADED",
                    "warning",
                    t("report.appraisal_ungraded", member=member.name, year=last.get("year")),
                    last["id"],
                )
            )
    for name in sorted({n for n in graded if graded.count(n) > 1}, key=graded.index):
        findings.append(
            _finding("APPRAISAL-TWICE", "warning", t("report.appraisal_twice", member=name))
        )
    for record, grade in grades:
        rated = scope.roster.members.get(str(grade.get("member")))
        if grade.get("grade") == "excellent" and rated and not rated.full_on(record["date"]):
            findings.append(
                _finding(
                    "APPRAISAL-PROBATIONARY",
                    "error",
                    t("report.appraisal_probationary", member=rated.name),
                    record["id"],
                )
            )
    excellent = sum(1 for _r, g in grades if g.get("grade") == "excellent")
    if grades and excellent * 3 > len(grades):
        findings.append(
            _finding(
                "APPRAISAL-EXCELLENT-SHARE",
                "warning",
                t("report.appraisal_share", excellent=excellent, graded=len(grades)),
                last["id"],
            )
        )
    _unqualified(scope, grades, findings)


def _unqualified(scope: Scope, grades: list[tuple[dict, dict]], findings: list[dict]) -> None:
    """An unqualified member needs an action (整改) that names them: as its owner or in its task."""
    actions = [a for r in scope.live for a in r.get("actions") or [] if isinstance(a, dict)]
    for record, grade in grades:
        name = str(grade.get("member"))
        if grade.get("grade") != "unqualified":
            continue
        if not any(a.get("owner") == name or name in str(a.get("task") or "") for a in actions):
            findings.append(
                _finding(
                    "APPRAISAL-UNQUALIFIED",
                    "warning",
                    t("report.appraisal_unqualified", member=name),
                    record["id"],
                )
            )


# -- 谈心谈话 --------------------------------------------------------------------------------------


def talks(scope: Scope, findings: list[dict]) -> dict:
    """The talks held in the period; and, in the reporting year's reports (the year's, or a
    quarter's or month's in its last quarter), the committee pairs and members no committee
    member has talked with so far this year."""
    day = scope.last_day
    year = periods.containing(day, "year", scope.first_month)
    held = [
        r
        for r in scope.of_type("talk")
        if scope.period.contains(r["date"]) and r["date"] <= scope.as_of
    ]
    out: dict = {
        "held": [
            {
                "id": r["id"],
                "date": r["date"].isoformat(),
                "kind": r["kind"],
                "host": r.get("host"),
                "with": [n for n in r.get("attendees") or [] if n != r.get("host")],
            }
            for r in held
        ],
        "pairs_missing": [],
        "members_missing": [],
    }
    last_quarter = year.end - dt.timedelta(days=91) < day
    whole_year = scope.period.start <= year.start and scope.period.end >= year.end
    if not (whole_year or last_quarter):
        return out
    groups = [
        set(r.get("attendees") or [])
        for r in scope.of_type("talk")
        if year.start <= r["date"] <= day
    ]
    committee = [m.name for m in scope.roster.committee(day)]
    severity: Severity = "warning" if last_quarter else "info"
    for a, b in combinations(committee, 2):
        if not any(a in g and b in g for g in groups):
            out["pairs_missing"].append([a, b])
            findings.append(
                _finding("TALK-PAIR", severity, t("report.talk_pair", first=a, second=b))
            )
    for member in scope.roster.active(day):
        name = member.name
        if not any(name in g and any(c in g for c in committee if c != name) for g in groups):
            out["members_missing"].append(name)
            findings.append(_finding("TALK-MEMBER", severity, t("report.talk_member", member=name)))
    return out


# -- 党费 ------------------------------------------------------------------------------------------


def _dues_status(scope: Scope) -> dict[str, dict[str, str]]:
    """month → member → paid | exempt | unpaid, from each month's live dues record; a payment
    whose months cover the month (quarterly, or made up later: 补交) makes it paid; a member it
    leaves out and no payment covers is unpaid (pw check calls that an error)."""
    records = sorted(scope.of_type("dues"), key=lambda r: r["date"])
    covered: dict[str, set[str]] = {}
    for record in records:
        for p in record.get("payments") or []:
            for month in payment_months(p, str(record.get("month"))):
                covered.setdefault(month, set()).add(str(p.get("member")))
    status: dict[str, dict[str, str]] = {}
    for record in records:
        month = str(record.get("month"))
        if month in status:
            continue  # two live records of a month: pw check reports it; the first counts
        start = periods.month(int(month[:4]), int(month[5:7])) if len(month) == 7 else None
        if start is None:
            continue
        seen = status.setdefault(month, {})
        for p in record.get("payments") or []:
            seen[str(p.get("member"))] = "paid"
        for key in ("exempt", "unpaid"):
            for entry in record.get(key) or []:
                seen.setdefault(str(entry.get("name")), key)
        for member in scope.roster.active(start.end) or scope.roster.active(start.start):
            seen.setdefault(member.name, "unpaid")
        for name in covered.get(month, ()):  # paid ahead (quarterly) or made up later (补交)
            seen[name] = "paid"
    return status


def dues(scope: Scope, findings: list[dict]) -> list[dict]:
    """Per member, the period's months paid, exempt and unpaid, and the unpaid streak back from
    the period's last begun month (months without a dues record are passed over)."""
    if scope.branch_type == "temporary" or not scope.of_type("dues"):
        return []
    status = _dues_status(scope)
    months = [m for m in scope.period.months() if m <= f"{scope.as_of:%Y-%m}"]
    out = []
    for member in scope.roster.members.values():
        tally = {"paid": 0, "exempt": 0, "unpaid": 0}
        for month in months:
            state = status.get(month, {}).get(member.name)
            if state:
                tally[state] += 1
        streak = _unpaid_streak(status, member.name, scope.last_day)
        if not any(tally.values()) and not streak:
            continue
        if streak >= DUES_STREAK_ERROR:
            findings.append(
                _finding(
                    "DUES-UNPAID",
                    "error",
                    t("report.dues_unpaid", member=member.name, months=streak),
                )
            )
        out.append({"member": member.name, **tally, "months_unpaid": streak})
    return out


def _unpaid_streak(status: dict[str, dict[str, str]], name: str, last: dt.date) -> int:
    month = periods.month(last.year, last.month)
    count = 0
    while status and month.label >= min(status):
        state = status.get(month.label, {}).get(name)
        if state in ("paid", "exempt"):
            break
        count += state == "unpaid"
        month = periods.containing(month.start - dt.timedelta(days=1), "month")
    return count


# -- 激励会 ----------------------------------------------------------------------------------------


def commendations(scope: Scope) -> list[dict]:
    return [
        {
            "record": r["id"],
            "date": r["date"].isoformat(),
            "member": c.get("member"),
            "honour": c.get("honour"),
            "reason": c.get("reason"),
        }
        for r in scope.of_type("meeting")
        if r.get("kind") == "incentive" and scope.period.contains(r["date"])
        for c in r.get("commendations") or []
        if isinstance(c, dict)
    ]
