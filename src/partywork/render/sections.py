"""The report as titled tables with labels in the chosen language: what every format draws."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from partywork.i18n import t


@dataclass(repr=False, eq=False)  # generated methods cost start-up time (see benchmarks)
class Section:
    key: str
    title: str
    header: list[str]
    rows: list[list[Any]]


def title(report: dict) -> str:
    return t("report.title", branch=report["branch"], label=report["period"]["label"])


def summary(report: dict) -> list[tuple[str, str]]:
    period = report["period"]
    roster = report["roster"]
    groups = "、".join(f"{g['name']}（{g['members']}）" for g in roster["groups"]) or t(
        "report.none"
    )
    commit = (report["commit"] or "—")[:12] + (
        " " + t("report.uncommitted") if report.get("uncommitted") else ""
    )
    return [
        (t("report.branch"), f"{report['branch']}（{t('branch_type.' + report['type'])}）"),
        (t("report.parent"), report["parent"] or "—"),
        (t("report.period"), f"{period['label']}：{period['start']} – {period['end']}"),
        (
            t("report.roster"),
            t("report.roster_counts", full=roster["full"], probationary=roster["probationary"]),
        ),
        (t("report.groups"), groups),
        (t("report.commit"), commit),
        (t("report.as_of"), report["as_of"]),
    ]


def _percent(rate: Any) -> str:
    return "—" if rate is None else f"{rate:.0%}"


def _rule_name(entry: dict, report: dict) -> str:
    name = t("kind." + entry["rule"])
    if entry["group"]:
        groups = {g["id"]: g["name"] for g in report["roster"]["groups"]}
        name += f"（{groups.get(entry['group'], entry['group'])}）"
    return f"{name} / {t('every.' + entry['every'])}"


def _rule_result(entry: dict) -> str:
    parts = [t("report.ok") if entry["ok"] else t("report.not_ok")]
    if not entry["required"] and entry.get("not_tracked") and not entry.get("pending"):
        parts = []  # nothing of the period is judged: not "met", not tracked (since:)
    if entry["missing"]:
        parts.append(f"{t('report.missing_units')} {', '.join(entry['missing'])}")
    if entry.get("pending"):
        parts.append(f"{t('report.pending_units')} {', '.join(entry['pending'])}")
    if entry.get("not_tracked"):
        parts.append(f"{t('report.not_tracked_units')} {', '.join(entry['not_tracked'])}")
    return "；".join(parts)


def sections(report: dict) -> list[Section]:
    return [
        Section(
            "compliance",
            t("report.compliance"),
            [t("report.rule"), t("report.required"), t("report.held"), t("report.result")],
            [
                [_rule_name(e, report), e["required"], e["held"], _rule_result(e)]
                for e in report["compliance"]
            ],
        ),
        Section(
            "meetings",
            t("report.meetings"),
            [
                t("label.date"),
                t("label.kind"),
                t("label.title"),
                t("report.expected"),
                t("report.present"),
                t("report.rate"),
                t("report.quorum"),
            ],
            [
                [
                    m["date"],
                    t("kind." + m["kind"]),
                    m["title"],
                    m["expected"],
                    m["present"],
                    _percent(m["rate"]),
                    "✓" if m["quorum_ok"] else "✗",
                ]
                for m in report["meetings"]
            ],
        ),
        Section(
            "attendance",
            t("report.attendance"),
            [
                t("label.name"),
                t("report.expected"),
                t("report.attended"),
                t("label.excused"),
                t("label.unexcused"),
                t("report.rate"),
                t("report.months_absent"),
            ],
            [
                [
                    a["member"],
                    a["expected"],
                    a["attended"],
                    a["excused"],
                    a["unexcused"],
                    _percent(a["rate"]) + (" ⚠" if a["below_floor"] else ""),
                    a["months_absent"] or "",
                ]
                for a in report["attendance"]
            ],
        ),
        Section(
            "study",
            t("report.study"),
            [t("label.name"), t("report.hours"), t("report.ytd"), t("report.target")],
            [
                [s["member"], s["hours"], s["year_to_date"], s["target_to_date"]]
                for s in report["study"]
            ],
        ),
        Section(
            "actions",
            t("report.actions"),
            [
                t("label.id"),
                t("label.actions"),
                t("label.owner"),
                t("label.due"),
                t("label.progress"),
            ],
            [
                [
                    a["id"],
                    a["task"],
                    a["owner"],
                    a["due"],
                    t("action." + a["status"])
                    + (f"（{t('report.overdue_label')}）" if a["overdue"] else ""),
                ]
                for a in report["actions"]
            ],
        ),
        Section(
            "findings",
            t("report.findings"),
            [t("report.severity"), t("report.code"), t("report.record"), t("report.message")],
            [
                [t("severity." + f["severity"]), f["code"], f["record"] or "", f["message"]]
                for f in report["findings"]
            ],
        ),
    ]
