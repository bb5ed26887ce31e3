"""Supervision across branches (SPEC §10): one row per branch, then each branch's report."""

from __future__ import annotations

from partywork.analysis.reporting import build_report
from partywork.storage.repo import Repo


def summary(report: dict, path: str) -> dict:
    rules = report["compliance"]
    expected = sum(m["expected"] for m in report["meetings"])
    present = sum(m["present"] for m in report["meetings"])
    return {
        "branch": report["branch"],
        "repo": path,
        "rules_met": sum(1 for r in rules if r["ok"]),
        "rules": len(rules),
        "attendance": round(present / expected, 3) if expected else None,
        "open_actions": sum(1 for a in report["actions"] if a["status"] == "open"),
        "overdue": sum(1 for a in report["actions"] if a["overdue"])
        + report.get("overdue_before", 0),
        "errors": sum(1 for f in report["findings"] if f["severity"] == "error"),
        "warnings": sum(1 for f in report["findings"] if f["severity"] == "warning"),
    }


def build_fleet(repos: list[Repo], unit: str, period_text: str | None) -> dict:
    reports = [build_report(repo, unit, period_text) for repo in repos]
    return {
        "schema": "pw.fleet/1",
        "period": reports[0]["period"],
        "as_of": reports[0]["as_of"],
        "branches": [
            {**summary(report, str(repo.root)), "report": report}
            for repo, report in zip(repos, reports, strict=False)
        ],
    }
