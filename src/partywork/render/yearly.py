"""The report's sections for the yearly obligations (SPEC §13): appraisals, talks, dues and
commendations. A section with nothing in the period is left out, so a branch that keeps none of
these records sees the report it always saw."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from partywork.i18n import listed, t
from partywork.render.sections import Section


def sections(report: Mapping[str, Any]) -> list[Section]:
    found = [
        _appraisals(report.get("appraisals") or []),
        *_talks(report.get("talks") or {}),
        _dues(report.get("dues") or [], report.get("attendance") or []),
        _commendations(report.get("commendations") or []),
    ]
    return [s for s in found if s.rows]


def _appraisals(rows: list[dict]) -> Section:
    return Section(
        "appraisals",
        t("report.appraisals"),
        [t("label.date"), t("label.year"), t("label.name"), t("label.grade")],
        [[r["date"], r["year"], r["member"], t("grade." + str(r["grade"]))] for r in rows],
        ["date", "number", "text", "text"],
    )


def _talks(talks: dict) -> list[Section]:
    held = Section(
        "talks",
        t("report.talks"),
        [t("label.date"), t("label.kind"), t("label.host"), t("report.talked_with")],
        [
            [r["date"], t("kind." + r["kind"]), r["host"] or "", listed(r["with"])]
            for r in talks.get("held") or []
        ],
        ["date", "text", "text", "text"],
    )
    missing = Section(
        "talks_missing",
        t("report.talks_missing"),
        [t("report.talks_missing_who")],
        [[f"{a} — {b}"] for a, b in talks.get("pairs_missing") or []]
        + [[name] for name in talks.get("members_missing") or []],
    )
    return [held, missing]


def _dues(rows: list[dict], attendance: list[dict]) -> Section:
    """Members with a month exempt or unpaid, beside their months absent (党章 第九条 treats six of
    either alike); the members who paid every month are counted in the title, not listed."""
    absent = {a["member"]: a.get("months_absent") for a in attendance}
    owing = [r for r in rows if r["exempt"] or r["unpaid"] or r["months_unpaid"]]
    return Section(
        "dues",
        t("report.dues_owing", paid=len(rows) - len(owing), owing=len(owing))
        if owing
        else t("report.dues_title_all", paid=len(rows)),
        [
            t("label.name"),
            t("report.dues_paid"),
            t("label.exempt"),
            t("label.unpaid"),
            t("report.months_unpaid"),
            t("report.months_absent"),
        ],
        [
            [
                r["member"],
                r["paid"],
                r["exempt"],
                r["unpaid"],
                r["months_unpaid"] or "",
                absent.get(r["member"]) or "",
            ]
            for r in owing
        ]
        or [[t("report.dues_all_paid"), "", "", "", "", ""]],
        ["text", "number", "number", "number", "number", "number"],
    )


def _commendations(rows: list[dict]) -> Section:
    return Section(
        "commendations",
        t("report.commendations"),
        [t("label.date"), t("label.name"), t("label.honour"), t("label.reason")],
        [[r["date"], r["member"], r["honour"], r["reason"] or ""] for r in rows],
        ["date", "text", "text", "text"],
    )
