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
    inputs.findings = _integrity(repo, period)
    return report.build(inputs), problems


def _integrity(repo: Repo, period: periods.Period) -> list[dict]:
    """SPEC §8.7: the audit findings for the period's records. A signing set-up that cannot verify
    is the audit's and verify's business; the report still shows everything else."""
    from .audit import audit
    from .errors import ConfigError

    try:
        return audit(repo, period)
    except ConfigError as error:
        return [report.finding("SIGNING", "warning", error.message)]
