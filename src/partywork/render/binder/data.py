"""What the binder is made from: analysis/binder.py fills it, render/binder lays it out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TypedDict


class RosterRow(TypedDict):
    name: str
    status: str
    group: str
    roles: list[str]
    joined: dt.date | None
    left: dt.date | None


@dataclass(repr=False, eq=False)
class BinderRecord:
    record: dict
    blob: str | None  # None: not committed (the footer says so)
    expected: int | None  # 应到 on the record's date, where the kind has an expected list


BEIJING = dt.timezone(dt.timedelta(hours=8))  # pw's users are in China: the day is theirs


@dataclass(repr=False, eq=False)
class Binder:
    branch: str
    parent: str
    period: str  # its label: 2026, 2026Q3, 2026-08
    start: dt.date
    end: dt.date
    commit: str | None
    made: dt.datetime | None  # the commit's date: the binder is the repository's, not the clock's
    report: dict
    as_of: dt.date | None = None  # the day overdue is judged on: the commit's, in Beijing time
    as_of_given: bool = False  # … or the day --today named
    records: list[BinderRecord] = field(default_factory=list)
    roster: list[RosterRow] = field(default_factory=list)
    groups: dict[str, str] = field(default_factory=dict)  # group id → name
    leaders: dict[str, str] = field(default_factory=dict)  # group id → its leader, where set
