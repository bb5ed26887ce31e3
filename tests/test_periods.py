"""Periods of SPEC §6, with year_start_month."""

from __future__ import annotations

import datetime as dt

import pytest

from partywork.errors import UsageError
from partywork.model.periods import parse

TODAY = dt.date(2026, 11, 26)


@pytest.mark.parametrize(
    "text, unit, start, end, label",
    [
        ("2026Q3", "quarter", "2026-07-01", "2026-09-30", "2026Q3"),
        ("2026-Q3", "quarter", "2026-07-01", "2026-09-30", "2026Q3"),
        ("Q1", "quarter", "2026-01-01", "2026-03-31", "2026Q1"),
        ("2026-07", "month", "2026-07-01", "2026-07-31", "2026-07"),
        ("2026-02", "month", "2026-02-01", "2026-02-28", "2026-02"),
        ("2026", "year", "2026-01-01", "2026-12-31", "2026"),
        ("2026-07-01..2026-09-30", "quarter", "2026-07-01", "2026-09-30", "2026-07-01..2026-09-30"),
        ("this", "quarter", "2026-10-01", "2026-12-31", "2026Q4"),
        ("last", "quarter", "2026-07-01", "2026-09-30", "2026Q3"),
        ("last", "month", "2026-10-01", "2026-10-31", "2026-10"),
        ("last", "year", "2025-01-01", "2025-12-31", "2025"),
        (None, "month", "2026-11-01", "2026-11-30", "2026-11"),
    ],
)
def test_forms(text, unit, start, end, label):
    period = parse(text, unit, TODAY)
    assert (period.start.isoformat(), period.end.isoformat(), period.label) == (start, end, label)


def test_reporting_year_starting_in_july():
    assert parse("2026Q1", "quarter", TODAY, 7).start == dt.date(2026, 7, 1)
    assert parse("2026", "year", TODAY, 7).end == dt.date(2027, 6, 30)
    assert parse("this", "quarter", TODAY, 7).label == "2026Q2"
    assert parse("last", "quarter", dt.date(2026, 10, 15)).label == "2026Q3"


@pytest.mark.parametrize(
    "text", ["2026Q5", "Q0", "2026-13", "26", "2026-09-30..2026-07-01", "下季度"]
)
def test_bad_periods_are_usage_errors(text):
    with pytest.raises(UsageError):
        parse(text, "quarter", TODAY)
