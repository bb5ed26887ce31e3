"""The `pw.report/1` mapping (SPEC §8) as types: what analysis/report.py builds and render/ draws.
The JSON keys are the contract; these types only name them, so no bare dict crosses into render."""

from __future__ import annotations

from typing import TypedDict


class PeriodData(TypedDict):
    label: str
    start: str
    end: str


class GroupData(TypedDict):
    id: str
    name: str
    members: int


class RosterData(TypedDict):
    on: str
    full: int
    probationary: int
    groups: list[GroupData]


class RuleResult(TypedDict):
    rule: str
    group: str | None
    every: str
    required: int
    held: int
    ok: bool
    missing: list[str]
    pending: list[str]
    not_tracked: list[str]


class MeetingRow(TypedDict):
    id: str
    date: str
    type: str
    kind: str
    group: str | None
    title: str | None
    expected: int
    present: int
    rate: float | None
    quorum_ok: bool


class AttendanceRow(TypedDict):
    member: str
    expected: int
    attended: int
    excused: int
    unexcused: int
    rate: float | None
    below_floor: bool
    months_absent: int


class StudyRow(TypedDict):
    member: str
    hours: float
    year_to_date: float
    target_to_date: float
    leader: bool


class ActionRow(TypedDict):
    id: str
    record: str
    task: str | None
    owner: str | None
    due: str | None
    status: str
    overdue: bool
    done_on: str | None
    evidence: str | None


class Finding(TypedDict):
    code: str
    severity: str
    record: str | None
    commit: str | None
    message: str


class Report(TypedDict):
    schema: str
    branch: str
    type: str
    parent: str | None
    period: PeriodData
    as_of: str
    commit: str | None
    uncommitted: bool
    attendance_floor: float
    roster: RosterData
    compliance: list[RuleResult]
    meetings: list[MeetingRow]
    attendance: list[AttendanceRow]
    study: list[StudyRow]
    actions: list[ActionRow]
    overdue_before: int
    findings: list[Finding]
