"""Gathering what a report needs from the repository, then building it (report.py is pure)."""
from __future__ import annotations

from . import periods, report
from .book import load_records
from .problems import Problem
from .repo import Repo


def build_report(repo: Repo, unit: str, period_text: str | None) -> tuple[dict, list[Problem]]:
    settings = repo.require_valid_settings()
    period = periods.parse(period_text, unit, repo.today, settings.year_start_month)
    records, problems = load_records(repo)
    git = repo.git
    inputs = report.Inputs(settings=settings, roster=repo.roster, records=records, period=period, as_of=repo.today,
                           commit=git.head(), uncommitted=bool(git.changed(["records"])))
    return report.build(inputs), problems
