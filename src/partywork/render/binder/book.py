"""The binder laid out as plain data — sections of forms, tables and signature lines — that the PDF
(Typst) and the Word writer both print, so the two say the same thing.

Every text from the repository goes through textsafe.shown: a printed page must not hide or
reorder characters any more than a terminal may. Typst gets it as data (sys.inputs), never as
markup, so a record cannot inject Typst code."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypedDict

from partywork.i18n import colon, listed, paren, t
from partywork.render.binder.data import BEIJING, Binder, BinderRecord
from partywork.render.binder.forms import Row, form_rows
from partywork.render.textsafe import shown


class Table(TypedDict):
    title: str
    header: list[str]
    rows: list[list[str]]


class Section(TypedDict):
    heading: str  # in the contents
    subheading: str
    footer: str  # the record's id and blob id ("" outside the records)
    void: str  # the 作废 reason ("" when not voided)
    rows: list[Row]  # the form
    tables: list[Table]
    signatures: list[str]


class Book(TypedDict):
    lang: str
    title: str
    date: list[int]  # the commit's date, y m d H M S (the PDF's dates, for identical bytes)
    cover: list[list[str]]
    footer: str  # the cover's, contents' and other pages' that belong to no record: the commit
    labels: dict[str, str]
    sections: list[Section]


def _safe(value: Any) -> Any:
    if isinstance(value, str):
        return shown(value)
    if isinstance(value, list):
        return [_safe(v) for v in value]
    if isinstance(value, dict):
        return {k: _safe(v) for k, v in value.items()}
    return value


def book(binder: Binder, lang: str) -> Book:
    made = binder.made or dt.datetime(binder.end.year, binder.end.month, binder.end.day)
    made = made.astimezone(dt.timezone.utc) if made.tzinfo else made
    title = t("binder.title", branch=binder.branch, period=binder.period)
    cover = [
        [t("binder.branch"), binder.branch],
        [t("binder.parent"), binder.parent or "—"],
        [t("binder.period"), f"{binder.period}{paren(f'{binder.start} — {binder.end}')}"],
        [t("binder.records"), str(len(binder.records))],
        [t("binder.commit"), binder.commit or t("binder.no_commit")],
        [t("binder.made"), _beijing(binder.made) if binder.made else "—"],
        [t("binder.as_of"), _as_of(binder)],
    ]
    if binder.report.get("uncommitted"):
        cover.append([t("binder.uncommitted"), t("binder.uncommitted_note")])
    footer = t("binder.footer_commit", commit=binder.commit or t("binder.no_commit"))
    sections = [_roster(binder)]
    sections += [_record(entry, binder.groups) for entry in binder.records]
    sections.append(_report(binder.report, binder.groups))
    sections[0]["footer"] = sections[-1]["footer"] = footer
    out: Book = {
        "lang": lang,
        "title": title,
        "date": [made.year, made.month, made.day, made.hour, made.minute, made.second],
        "cover": cover,
        "footer": footer,
        "labels": {
            "contents": t("binder.contents"),
            "page": t("binder.page", x="{x}", y="{y}"),
            "void": t("binder.void"),
            "void_reason": t("binder.void_reason"),
            "signed": t("binder.signed_date"),
            "colon": colon(),  # ： in Chinese, ": " in English
        },
        "sections": sections,
    }
    return _safe(out)  # type: ignore[no-any-return]


def _beijing(made: dt.datetime) -> str:
    """The commit's time on the cover in Beijing time (UTC+8), the clock its readers keep."""
    local = made.astimezone(BEIJING) if made.tzinfo else made
    return local.strftime("%Y-%m-%d %H:%M ") + t("binder.beijing_time")


def _as_of(binder: Binder) -> str:
    if binder.as_of is None:
        return "—"
    key = (
        "binder.as_of_given"
        if binder.as_of_given
        else "binder.as_of_commit"
        if binder.made
        else "binder.as_of_today"
    )
    return t(key, date=binder.as_of.isoformat())


def _section(heading: str, subheading: str = "") -> Section:
    return {
        "heading": heading,
        "subheading": subheading,
        "footer": "",
        "void": "",
        "rows": [],
        "tables": [],
        "signatures": [],
    }


def _roster(binder: Binder) -> Section:
    section = _section(
        t("binder.roster"), f"{binder.period}{paren(f'{binder.start} — {binder.end}')}"
    )
    header = [
        t("label.name"),
        t("label.status"),
        t("label.group"),
        t("label.roles"),
        t("label.joined"),
        t("label.left"),
    ]
    rows = [
        [
            m["name"],
            t("status." + m["status"]),
            m["group"],
            listed(t("role." + r) for r in m["roles"]),
            str(m["joined"] or ""),
            str(m["left"] or ""),
        ]
        for m in binder.roster
    ]
    section["tables"].append({"title": t("binder.members"), "header": header, "rows": rows})
    section["tables"].append(
        {
            "title": t("binder.groups"),
            "header": [t("label.group"), t("label.leader_of_group"), t("binder.group_members")],
            "rows": [
                [
                    name,
                    binder.leaders.get(gid, ""),
                    str(sum(1 for m in binder.roster if m["group"] == name)),
                ]
                for gid, name in binder.groups.items()
            ],
        }
    )
    changes = sorted(
        [str(m[key]), m["name"], t("binder." + key)]
        for m in binder.roster
        for key in ("joined", "left")
        if m[key] and binder.start <= m[key] <= binder.end  # type: ignore[literal-required,operator]
    )
    if changes:
        section["tables"].append(
            {
                "title": t("binder.changes"),
                "header": [t("label.date"), t("label.name"), t("binder.change")],
                "rows": changes,
            }
        )
    return section


def _record(entry: BinderRecord, groups: dict[str, str]) -> Section:
    record = entry.record
    kind = t(f"kind.{record.get('kind')}") if record.get("kind") else str(record.get("type"))
    void = record.get("voided")
    heading = f"{record.get('date')}　{record.get('title', '')}"
    if void:
        heading += paren(t("binder.void"))
    section = _section(heading, f"{kind}　{t('label.id')} {record.get('id')}")
    section["footer"] = t(
        "binder.footer", id=record.get("id"), blob=entry.blob or t("binder.not_committed")
    )
    if isinstance(void, dict):
        section["void"] = f"{void.get('on') or ''} {void.get('reason') or ''}".strip()
    section["rows"] = form_rows(entry, groups)
    section["signatures"] = [t("binder.sign_host"), t("binder.sign_recorder")]
    return section


def _report(report: dict, groups: dict[str, str]) -> Section:
    section = _section(t("binder.report"), str((report.get("period") or {}).get("label", "")))
    section["tables"] += [
        _compliance(report, groups),
        _attendance(report),
        _study(report),
        _open_actions(report),
        _findings(report),
    ]
    return section


def _compliance(report: dict, groups: dict[str, str]) -> Table:
    rows = []
    for rule in report.get("compliance") or []:
        # pending is never shown as met: a rule whose period has not ended is 待开 until held
        state = (
            t("binder.rule_missing")
            if rule.get("missing")
            else t("binder.rule_pending")
            if rule.get("pending")
            else t("binder.rule_met")
            if rule.get("ok")
            else t("binder.rule_missing")
        )
        missing = listed(str(m) for m in (rule.get("missing") or []) + (rule.get("pending") or []))
        rows.append(
            [
                t("kind." + str(rule.get("rule")))
                + (paren(groups.get(rule["group"], rule["group"])) if rule.get("group") else ""),
                str(rule.get("required", "")),
                str(rule.get("held", "")),
                state + (f"{colon()}{missing}" if missing else ""),
            ]
        )
    return {
        "title": t("binder.compliance"),
        "header": [
            t("binder.rule"),
            t("binder.required"),
            t("binder.held"),
            t("binder.verdict"),
        ],
        "rows": rows,
    }


def _attendance(report: dict) -> Table:
    return {
        "title": t("binder.attendance"),
        "header": [
            t("label.name"),
            t("binder.expected"),
            t("attendance.attended"),
            t("attendance.excused"),
            t("attendance.unexcused"),
        ],
        "rows": [
            [
                str(a.get("member")),
                str(a.get("expected")),
                str(a.get("attended")),
                str(a.get("excused")),
                str(a.get("unexcused")),
            ]
            for a in report.get("attendance") or []
        ],
    }


def _study(report: dict) -> Table:
    return {
        "title": t("binder.study"),
        "header": [t("label.name"), t("label.hours"), t("binder.year_to_date")],
        "rows": [
            [
                str(s.get("member")),
                f"{s.get('hours', 0):g}",
                f"{s.get('year_to_date', 0):g} / {s.get('target_to_date', 0):g}",
            ]
            for s in report.get("study") or []
        ],
    }


def _open_actions(report: dict) -> Table:
    return {
        "title": t("binder.actions"),
        "header": [
            t("label.id"),
            t("label.actions"),
            t("label.owner"),
            t("label.due"),
            t("label.progress"),
        ],
        "rows": [
            [
                str(a.get("id")),
                str(a.get("task")),
                str(a.get("owner")),
                str(a.get("due")),
                t("action." + str(a.get("status") or "open"))
                + (paren(t("report.overdue_label")) if a.get("overdue") else ""),
            ]
            for a in report.get("actions") or []
        ],
    }


def _findings(report: dict) -> Table:
    return {
        "title": t("binder.findings"),
        # the record column: a printed page is read without the repository at hand
        "header": [
            t("binder.code"),
            t("binder.severity"),
            t("report.record"),
            t("binder.finding"),
        ],
        "rows": [
            [
                str(f.get("code")),
                t("severity." + str(f.get("severity"))),
                str(f.get("record") or ""),
                str(f.get("message")),
            ]
            for f in report.get("findings") or []
        ],
    }
