"""Reporting periods (SPEC §6): 2026Q3, 2026-Q3, Q3, 2026-07, 2026, A..B, this, last.

Quarters and years follow `year_start_month`: with 7, the year 2026 runs from 2026-07-01 to
2027-06-30 and its Q1 is July to September. Months are calendar months.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from partywork.errors import UsageError
from partywork.i18n import t

# The annotated tag `pw close` puts on a period: pw/closed/2026Q3 (sealing.py, audit.py, sync.py).
CLOSE_PREFIX = "pw/closed/"
_QUARTER = re.compile(r"^(?:(\d{4})-?)?[Qq]([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")
# Reports look a year back and forward from a period (year to date, `last`), so the calendar's
# own ends (years 1 and 9999) are out of reach; and no branch kept records before 1900.
FIRST_YEAR, LAST_YEAR = 1900, 9998


@dataclass(frozen=True)
class Period:
    label: str
    start: dt.date
    end: dt.date

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def months(self) -> list[str]:
        out, day = [], self.start.replace(day=1)
        while day <= self.end:
            out.append(f"{day.year:04d}-{day.month:02d}")
            day = _add_months(day, 1)
        return out

    def as_json(self) -> dict:
        return {"label": self.label, "start": self.start.isoformat(), "end": self.end.isoformat()}


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month(year: int, number: int) -> Period:
    start = dt.date(year, number, 1)
    return Period(f"{year:04d}-{number:02d}", start, _add_months(start, 1) - dt.timedelta(days=1))


def quarter(year: int, number: int, first_month: int = 1) -> Period:
    start = _add_months(dt.date(year, first_month, 1), 3 * (number - 1))
    return Period(f"{year:04d}Q{number}", start, _add_months(start, 3) - dt.timedelta(days=1))


def year(number: int, first_month: int = 1) -> Period:
    start = dt.date(number, first_month, 1)
    return Period(f"{number:04d}", start, _add_months(start, 12) - dt.timedelta(days=1))


def reporting_year(day: dt.date, first_month: int = 1) -> int:
    return day.year if day.month >= first_month else day.year - 1


def containing(day: dt.date, unit: str, first_month: int = 1) -> Period:
    if unit == "month":
        return month(day.year, day.month)
    ry = reporting_year(day, first_month)
    if unit == "year":
        return year(ry, first_month)
    offset = day.year * 12 + day.month - (ry * 12 + first_month)
    return quarter(ry, offset // 3 + 1, first_month)


def unit_of(text: str) -> str:
    """The unit an explicit period names: 2026-07 a month, 2026 a year, anything else a quarter."""
    text = plain(text)
    return "month" if _MONTH.match(text) else "year" if _YEAR.match(text) else "quarter"


# a period as a recorder says it: 2026年第三季度, 三季度, 2026年9月, 2026年度, 上季度
_ZH_QUARTER = re.compile(r"^(?:(\d{4})\s*年\s*(?:度\s*)?)?第?\s*([1-4一二三四])\s*季度?$")
_ZH_MONTH = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月份?$")
_ZH_YEAR = re.compile(r"^(\d{4})\s*年度?$")
_ZH_RELATIVE = {"本季度": "this", "本月": "this", "今年": "this", "本年度": "this"}
_ZH_RELATIVE |= {"上季度": "last", "上个季度": "last", "上月": "last", "上个月": "last"}
_ZH_RELATIVE |= {"去年": "last", "上年度": "last"}


def plain(text: str) -> str:
    """The period in pw's own spelling (2026Q3, 2026-09, 2026), or the text as it was."""
    value = text.strip()
    if match := _ZH_QUARTER.match(value):
        number = "一二三四".find(match.group(2)) + 1 or int(match.group(2))
        return f"{match.group(1) or ''}Q{number}"
    if match := _ZH_MONTH.match(value):
        return f"{match.group(1)}-{int(match.group(2)):02d}"
    if match := _ZH_YEAR.match(value):
        return match.group(1)
    return _ZH_RELATIVE.get(value, value)


def parse(text: str | None, unit: str, today: dt.date, first_month: int = 1) -> Period:
    """The period a user typed; nothing (or `this`) means the current one of the unit."""
    value = plain(text or "this")
    if value in ("this", "last"):
        current = containing(today, unit, first_month)
        return (
            current
            if value == "this"
            else containing(current.start - dt.timedelta(days=1), unit, first_month)
        )
    try:
        period = _explicit(value, today, first_month)
    except (ValueError, OverflowError):  # named as the user typed it
        raise UsageError(
            t("period.bad", value=(text or value).strip()), t("period.bad.hint")
        ) from None
    if period.start.year < FIRST_YEAR or period.end.year > LAST_YEAR:
        raise UsageError(
            t("period.out_of_range", value=value, first=FIRST_YEAR, last=LAST_YEAR),
            t("period.bad.hint"),
        )
    return period


def _explicit(value: str, today: dt.date, first_month: int) -> Period:
    if match := _QUARTER.match(value):
        ry = int(match.group(1)) if match.group(1) else reporting_year(today, first_month)
        return quarter(ry, int(match.group(2)), first_month)
    if match := _MONTH.match(value):
        return month(int(match.group(1)), int(match.group(2)))
    if match := _YEAR.match(value):
        return year(int(match.group(1)), first_month)
    if match := _RANGE.match(value):
        start, end = dt.date.fromisoformat(match.group(1)), dt.date.fromisoformat(match.group(2))
        if end < start:
            raise ValueError(value)
        return Period(value, start, end)
    raise ValueError(value)
