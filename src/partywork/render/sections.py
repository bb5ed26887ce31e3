"""The report as a verdict and titled tables with labels in the chosen language: what every format
draws. Pure: the `pw.report/1` mapping in, plain values out."""

from __future__ import annotations

from dataclasses import dataclass, field

from partywork.i18n import colon, listed, paren, semicolon, t
from partywork.model.problems import severity_rank
from partywork.model.reportdata import Finding, Report, RuleResult

# A cell as the report holds it: text, a number, or nothing. Dates stay ISO text; a column's kind
# (Section.kinds) says what a spreadsheet should make of it.
Value = str | int | float | None
ERRORS_SHOWN = 8  # error findings the verdict lists one by one


@dataclass(repr=False, eq=False)  # generated methods cost start-up time (see benchmarks)
class Section:
    key: str
    title: str
    header: list[str]
    rows: list[list[Value]]
    # per column: "text", "code", "id", "date", "number" or "percent" (a spreadsheet types the
    # cell by it; a terminal and a browser wrap only "text")
    kinds: list[str] = field(default_factory=list)


@dataclass(repr=False, eq=False)
class FindingGroup:
    """The findings of one code and severity: one line of the report unless --all."""

    severity: str
    code: str
    findings: list[Finding]

    @property
    def records(self) -> list[str]:
        return list(dict.fromkeys(f["record"] for f in self.findings if f["record"]))

    @property
    def messages(self) -> list[str]:
        return list(dict.fromkeys(f["message"] for f in self.findings))


@dataclass(repr=False, eq=False)
class Verdict:
    """The first screen: the rules met or not, the errors, the rest counted by code."""

    rules: int
    met: int
    not_met: list[str]  # "rule: 缺 2026-08"
    pending: list[str]  # "rule: 待开 2026"
    errors: list[Finding]
    others: list[FindingGroup]


def code_name(code: str) -> str:
    """A finding code's label (code.label.<CODE>), or "" for a code without one yet."""
    key = f"code.label.{code}"
    label = t(key)
    return "" if label == key else label


def code_label(code: str) -> str:
    """`REWRITTEN 历史被改写`: the code stays beside its label, for people and for grep."""
    return f"{code} {code_name(code)}".strip()


def title(report: Report) -> str:
    return t("report.title", branch=report["branch"], label=report["period"]["label"])


def summary(report: Report) -> list[tuple[str, str]]:
    period = report["period"]
    roster = report["roster"]
    groups = listed(f"{g['name']}{paren(g['members'])}" for g in roster["groups"]) or t(
        "report.none"
    )
    commit = (report["commit"] or "—")[:12] + (
        " " + t("report.uncommitted") if report.get("uncommitted") else ""
    )
    return [
        (t("report.branch"), f"{report['branch']}{paren(t('branch_type.' + report['type']))}"),
        (t("report.parent"), report["parent"] or "—"),
        (t("report.period"), f"{period['label']}{colon()}{period['start']} – {period['end']}"),
        (
            t("report.roster"),
            t("report.roster_counts", full=roster["full"], probationary=roster["probationary"]),
        ),
        (t("report.groups"), groups),
        (t("report.commit"), commit),
        (t("report.as_of"), report["as_of"]),
    ]


# -- the verdict ---------------------------------------------------------------------------------


def groups(findings: list[Finding]) -> list[FindingGroup]:
    """Findings by (severity, code), most severe first, then the most frequent."""
    by_key: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        by_key.setdefault((f["severity"], f["code"]), []).append(f)
    ordered = sorted(
        by_key.items(), key=lambda kv: (severity_rank(kv[0][0]), -len(kv[1]), kv[0][1])
    )
    return [FindingGroup(severity, code, items) for (severity, code), items in ordered]


def verdict(report: Report) -> Verdict:
    rules = report["compliance"]
    judged = [e for e in rules if e["required"] or e["missing"] or e.get("pending")]
    return Verdict(
        rules=len(judged),
        met=sum(1 for e in judged if e["ok"] and not e.get("pending")),
        not_met=[
            f"{rule_name(e, report)}{colon()}{t('report.missing_units')} {', '.join(e['missing'])}"
            for e in rules
            if e["missing"]
        ],
        pending=[
            f"{rule_name(e, report)}{colon()}{t('report.pending_units')} {', '.join(e['pending'])}"
            for e in rules
            if e.get("pending") and not e["missing"]
        ],
        errors=[f for f in report["findings"] if f["severity"] == "error"],
        others=groups([f for f in report["findings"] if f["severity"] != "error"]),
    )


def verdict_lines(report: Report) -> list[tuple[int, str, bool]]:
    """The verdict as (indent level, text, whether it is bad news) lines, for the text formats."""
    v = verdict(report)
    head = (
        t("report.verdict.rules_ok", count=v.rules)
        if v.met == v.rules
        else t(
            "report.verdict.rules",
            ok=v.met,
            not_ok=len(v.not_met),
            pending=v.rules - v.met - len(v.not_met),
        )
    )
    lines = [(1, head, False)]
    lines += [(2, f"{t('report.verdict.not_met')} {line}", True) for line in v.not_met]
    lines += [(2, f"{t('report.verdict.pending')} {line}", False) for line in v.pending]
    errors = t("report.verdict.errors", count=len(v.errors))
    lines.append((1, errors if v.errors else t("report.verdict.no_errors"), False))
    lines += [
        (2, f"{code_label(f['code'])}  {f['message']}", True) for f in v.errors[:ERRORS_SHOWN]
    ]
    if len(v.errors) > ERRORS_SHOWN:  # the verdict stays one screen; the findings list them all
        lines.append((2, t("report.findings_more", count=len(v.errors)), True))
    lines.append((1, t("report.verdict.others") if v.others else t("report.verdict.none"), False))
    counts = [f"{code_label(g.code)} {len(g.findings)}{_unless_warning(g)}" for g in v.others]
    if counts:
        lines.append((2, " · ".join(counts), False))
    return lines


def _unless_warning(group: FindingGroup) -> str:
    """A count of notes says so: the same code may be counted twice (OUTSIDE: a record changed by
    hand is a warning, the roster changed by hand a note)."""
    if group.severity == "warning":
        return ""
    return t("report.verdict.severity_note", severity=t(f"severity.{group.severity}"))


# -- the tables ----------------------------------------------------------------------------------


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.0%}"


def group_name(report: Report, group: str | None, short: bool = False) -> str:
    """A group's name; short: without its bracketed part (第二党小组（施工一线） → 第二党小组)."""
    if not group:
        return ""
    name = {g["id"]: g["name"] for g in report["roster"]["groups"]}.get(group, group)
    return (name.split("（")[0].split("(")[0].strip() or name) if short else name


def rule_name(entry: RuleResult, report: Report) -> str:
    name = t("kind." + entry["rule"])
    if entry["group"]:
        name += paren(group_name(report, entry["group"]))
    return f"{name} / {t('every.' + entry['every'])}"


def rule_result(entry: RuleResult) -> str:
    """达标 only when every unit is over and met: a unit still to come is 待开, never met."""
    pending, missing = entry.get("pending"), entry["missing"]
    parts = [] if pending and not missing else [t("report.ok" if entry["ok"] else "report.not_ok")]
    if not entry["required"] and entry.get("not_tracked") and not pending:
        parts = []  # nothing of the period is judged: not "met", not tracked (since:)
    if missing:
        parts.append(f"{t('report.missing_units')} {', '.join(missing)}")
    if pending:
        parts.append(f"{t('report.pending_units')} {', '.join(pending)}")
    if entry.get("not_tracked"):
        parts.append(f"{t('report.not_tracked_units')} {', '.join(entry['not_tracked'])}")
    return semicolon().join(parts)


def compliance(report: Report) -> Section:
    return Section(
        "compliance",
        t("report.compliance"),
        [t("report.rule"), t("report.required"), t("report.held"), t("report.result")],
        [
            [rule_name(e, report), e["required"], e["held"], rule_result(e)]
            for e in report["compliance"]
        ],
        ["text", "number", "number", "text"],
    )


def meetings(report: Report) -> Section:
    return Section(
        "meetings",
        t("report.meetings"),
        [
            t("label.date"),
            t("label.kind"),
            t("report.group_col"),
            t("label.title"),
            t("report.expected"),
            t("report.present"),
            t("report.rate"),
            t("report.quorum_col"),
        ],
        [
            [
                m["date"],
                t("kind." + m["kind"]),
                group_name(report, m.get("group")),
                m["title"],
                m["expected"],
                m["present"],
                _percent(m["rate"]),
                t("report.quorum_ok" if m["quorum_ok"] else "report.quorum_bad"),
            ]
            for m in report["meetings"]
        ],
        ["date", "text", "text", "text", "number", "number", "percent", "text"],
    )


def attendance(report: Report) -> Section:
    return Section(
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
        ["text", "number", "number", "number", "number", "percent", "number"],
    )


def study(report: Report) -> Section:
    return Section(
        "study",
        t("report.study"),
        [t("label.name"), t("report.hours"), t("report.ytd"), t("report.target")],
        [
            [s["member"], s["hours"], s["year_to_date"], s["target_to_date"]]
            for s in report["study"]
        ],
        ["text", "number", "number", "number"],
    )


def actions(report: Report) -> Section:
    return Section(
        "actions",
        t("report.actions"),
        [t("label.id"), t("label.actions"), t("label.owner"), t("label.due"), t("label.progress")],
        [
            [
                a["id"],
                a["task"],
                a["owner"],
                a["due"],
                t("report.overdue_label") if a["overdue"] else t("action." + a["status"]),
            ]
            for a in report["actions"]
        ],
        ["id", "text", "text", "date", "text"],
    )


def findings(report: Report) -> Section:
    """Every finding, one row each (--all, and the spreadsheet)."""
    return Section(
        "findings",
        t("report.findings"),
        [t("report.severity"), t("report.code"), t("report.record"), t("report.message")],
        [
            [t("severity." + f["severity"]), code_label(f["code"]), f["record"] or "", f["message"]]
            for f in report["findings"]
        ],
        ["text", "code", "id", "text"],
    )


def grouped_findings(report: Report) -> Section:
    """One row per code: how many, and the records (or, without records, what was found)."""
    rows: list[list[Value]] = []
    for g in groups(report["findings"]):
        rows.append(
            [
                t("severity." + g.severity),
                code_label(g.code),
                len(g.findings),
                _group_detail(g),
            ]
        )
    return Section(
        "findings",
        t("report.findings"),
        [t("report.severity"), t("report.code"), t("report.count"), t("report.records")],
        rows,
        ["text", "code", "number", "text"],
    )


def _group_detail(group: FindingGroup) -> str:
    if len(group.findings) == 1:
        only = group.findings[0]
        return f"{only['record'] or ''} {only['message']}".strip()
    return " ".join(group.records) if group.records else semicolon().join(group.messages)


def sections(report: Report, every_finding: bool = False) -> list[Section]:
    from partywork.render.yearly import sections as yearly_sections

    return [
        compliance(report),
        meetings(report),
        attendance(report),
        study(report),
        actions(report),
        *yearly_sections(report),
        findings(report) if every_finding else grouped_findings(report),
    ]
