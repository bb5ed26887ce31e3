"""Severities (model/problems.py): one ranking, used by the report and the audit alike."""

from __future__ import annotations

from partywork.model.problems import ERROR, INFO, SEVERITIES, WARNING, Problem, severity_rank


def test_errors_sort_first_then_warnings_then_information_then_anything_else():
    assert SEVERITIES == ("error", "warning", "info")
    given = ["info", "bogus", "warning", "error", "info", "error"]
    assert sorted(given, key=severity_rank) == [
        "error",
        "error",
        "warning",
        "info",
        "info",
        "bogus",
    ]
    assert severity_rank(ERROR) < severity_rank(WARNING) < severity_rank(INFO)


def test_a_problem_keeps_its_severity_as_plain_text_in_json():
    problem = Problem("BAD-DATE", WARNING, "records/2026/x.yaml", 3, 7, "message", "hint")
    assert problem.as_json()["severity"] == "warning"
    assert problem.render() == "records/2026/x.yaml:3:7: BAD-DATE message"
