"""The report as one self-contained HTML file: no scripts, fonts or images from outside; charts
are inline SVG; it prints on A4."""

from __future__ import annotations

import re
from html import escape

from partywork import __version__
from partywork.i18n import lang, t
from partywork.model.reportdata import Report
from partywork.render.sections import (
    Section,
    Value,
    code_name,
    groups,
    sections,
    summary,
    title,
    verdict_lines,
)

_CSS = """
@page { size: A4; margin: 14mm 12mm; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", \
"Microsoft YaHei", sans-serif;
       color: #1f2328; margin: 24px auto; max-width: 960px; font-size: 14px; line-height: 1.5; }
h1 { font-size: 22px; border-bottom: 3px solid #c8102e; padding-bottom: 6px; }
h2 { font-size: 17px; margin-top: 28px; color: #8b0000; }
dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; }
dl.summary dt { font-weight: bold; } dl.summary dd { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; }
th, td { border: 1px solid #d0d7de; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
tr { page-break-inside: avoid; }
td.bad { color: #c8102e; font-weight: bold; }
th, td.keep, span.keep { white-space: nowrap; }
section.verdict { border: 2px solid #c8102e; border-radius: 6px; padding: 4px 16px 8px; \
margin: 16px 0; }
section.verdict h2 { margin-top: 8px; }
section.verdict ul { margin: 4px 0; padding-left: 20px; }
section.verdict li.bad, summary.bad { color: #c8102e; font-weight: bold; }
details { margin: 2px 0; } details summary { cursor: pointer; }
details table { margin-left: 16px; width: calc(100% - 16px); }
code { font-family: "Noto Sans Mono CJK SC", monospace; font-size: 13px; }
.charts { display: flex; flex-wrap: wrap; gap: 24px; }
figure { margin: 0; } figcaption { font-weight: bold; margin-bottom: 4px; }
footer { margin-top: 32px; color: #6e7781; font-size: 12px; }
@media print { body { margin: 0; max-width: none; font-size: 11px; } \
h2 { page-break-after: avoid; } }
"""

GREEN, RED, GREY = "#2da44e", "#c8102e", "#d0d7de"
# A date, a month or a record id inside a sentence: a browser would break it after a hyphen
_UNBROKEN = re.compile(r"\d{4}-\d{2}(?:-\d{2})?(?:-[a-z][a-z0-9-]*)?(?:#\d+)?")


def _text(value: object) -> str:
    """Escaped text whose dates and ids never break across lines."""
    return _UNBROKEN.sub(
        lambda m: f'<span class="keep">{m.group()}</span>',
        escape("" if value is None else str(value)),
    )


def page(heading: str, body: list[str], as_of: str) -> str:
    parts = [
        f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang() == "zh" else "en"}">\n'
        '<head>\n<meta charset="utf-8">',
        f"<title>{escape(heading)}</title>\n<style>{_CSS}</style>\n</head>\n<body>",
        *body,
        f"<footer>{escape(t('report.generated', version=__version__))} · {escape(as_of)}</footer>",
        "</body>\n</html>\n",
    ]
    return "\n".join(parts)


def body(report: Report, every_finding: bool = False) -> list[str]:
    parts = [
        f"<h1>{escape(title(report))}</h1>",
        _summary(report),
        _verdict(report),
        '<div class="charts">',
        _compliance_chart(report),
        _attendance_chart(report),
        "</div>",
    ]
    for section in sections(report, every_finding):
        grouped = section.key == "findings" and not every_finding
        parts.append(_grouped_findings(report) if grouped else _table(section))
    return parts


def html(report: Report, every_finding: bool = False) -> str:
    return page(title(report), body(report, every_finding), report["as_of"])


def _summary(report: Report) -> str:
    rows = "".join(f"<dt>{escape(k)}</dt><dd>{escape(str(v))}</dd>" for k, v in summary(report))
    return f'<dl class="summary">{rows}</dl>'


def _verdict(report: Report) -> str:
    """The first screen: each heading line with its details below it, bad news in red."""
    items: list[tuple[str, bool, list[tuple[str, bool]]]] = []
    for level, text, bad in verdict_lines(report):
        if level == 1 or not items:
            items.append((text, bad, []))
        else:
            items[-1][2].append((text, bad))
    out = [f'<section class="verdict" id="verdict"><h2>{escape(t("report.verdict"))}</h2><ul>']
    for text, bad, details in items:
        inner = "".join(f"<li{_bad(b)}>{_text(d)}</li>" for d, b in details)
        out.append(f"<li{_bad(bad)}>{_text(text)}" + (f"<ul>{inner}</ul>" if inner else ""))
        out.append("</li>")
    out.append("</ul></section>")
    return "".join(out)


def _bad(bad: bool) -> str:
    return ' class="bad"' if bad else ""


def _grouped_findings(report: Report) -> str:
    """One folded line per code; opening it shows each finding."""
    out = [f'<h2 id="findings">{escape(t("report.findings"))}</h2>']
    found = groups(report["findings"])
    if not found:
        out.append(f"<p>{escape(t('report.none'))}</p>")
    for g in found:
        rows = "".join(
            f'<tr><td class="keep">{escape(f["record"] or "")}</td>'
            f"<td>{_text(f['message'])}</td></tr>"
            for f in g.findings
        )
        bad = ' class="bad"' if g.severity == "error" else ""
        out.append(
            f"<details{' open' if g.severity == 'error' else ''}><summary{bad}>"
            f"{escape(t('severity.' + g.severity))} <code>{escape(g.code)}</code> "
            f"{escape(code_name(g.code))} · {len(g.findings)}</summary>"
            f"<table><thead><tr><th>{escape(t('report.record'))}</th>"
            f"<th>{escape(t('report.message'))}</th></tr></thead><tbody>{rows}</tbody></table>"
            "</details>"
        )
    return "\n".join(out)


def table(section: Section) -> str:
    return _table(section)


def _table(section: Section) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in section.header)
    kinds = section.kinds or ["text"] * len(section.header)
    body = "".join(
        "<tr>"
        + "".join(_td(v, k, i == 0) for i, (v, k) in enumerate(zip(row, kinds, strict=True)))
        + "</tr>"
        for row in section.rows
    )
    if not section.rows:
        body = f'<tr><td colspan="{len(section.header)}">{escape(t("report.none"))}</td></tr>'
    return (
        f'<h2 id="{section.key}">{escape(section.title)}</h2>\n'
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def _td(value: Value, kind: str, first: bool) -> str:
    text = "" if value is None else str(value)
    bad = text.startswith(t("report.not_ok")) or text in (
        t("severity.error"),
        t("report.quorum_bad"),
    )
    # dates, numbers and a short first column (a severity, a name) never wrap a character a line
    keep = kind != "text" or (first and len(text) <= 8)
    classes = " ".join(c for c, on in (("bad", bad), ("keep", keep)) if on)
    return f'<td class="{classes}">{_text(text)}</td>' if classes else f"<td>{_text(text)}</td>"


def _months(report: Report) -> list[str]:
    start, end = report["period"]["start"][:7], report["period"]["end"][:7]
    year, month = int(start[:4]), int(start[5:])
    out: list[str] = []
    while f"{year:04d}-{month:02d}" <= end and len(out) < 24:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _compliance_chart(report: Report) -> str:
    """A grid: one row per monthly rule (per group), one column per month; green met, red missing,
    grey not over yet."""
    months = _months(report)
    rules = [e for e in report["compliance"] if e["every"] == "month"]
    groups = {g["id"]: g["name"] for g in report["roster"]["groups"]}
    label_w, cell_w, cell_h = 190, 54, 24
    width, height = label_w + cell_w * len(months) + 10, 30 + cell_h * len(rules) + 10
    out = [
        f"<figure><figcaption>{escape(t('report.chart_compliance'))}</figcaption>",
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(t("report.chart_compliance"))}" font-size="12">',
    ]
    for j, month in enumerate(months):
        x = label_w + j * cell_w + cell_w / 2
        out.append(f'<text x="{x}" y="18" text-anchor="middle">{month}</text>')
    for i, entry in enumerate(rules):
        y = 28 + i * cell_h
        name = t("kind." + entry["rule"]) + (
            f" {groups.get(entry['group'], entry['group'])}" if entry["group"] else ""
        )
        out.append(f'<text x="4" y="{y + 16}">{escape(name)}</text>')
        for j, month in enumerate(months):
            color = (
                RED
                if month in entry["missing"]
                else GREY
                if month in entry.get("pending", []) or month in entry.get("not_tracked", [])
                else GREEN
            )
            out.append(
                f'<rect x="{label_w + j * cell_w + 2}" y="{y + 2}" '
                f'width="{cell_w - 4}" height="{cell_h - 4}" '
                f'rx="3" fill="{color}"><title>{escape(name)} {month}</title></rect>'
            )
    out.append("</svg></figure>")
    return "".join(out)


def _attendance_chart(report: Report) -> str:
    """Horizontal bars of each member's attendance rate, with the floor as a dashed line."""
    members = [a for a in report["attendance"] if a["rate"] is not None]
    label_w, bar_w, row_h = 90, 300, 20
    width, height = label_w + bar_w + 60, 20 + row_h * len(members) + 10
    floor = report.get("attendance_floor")
    out = [
        f"<figure><figcaption>{escape(t('report.chart_attendance'))}</figcaption>",
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(t("report.chart_attendance"))}" font-size="12">',
    ]
    for i, entry in enumerate(members):
        y = 10 + i * row_h
        rate = entry["rate"] or 0.0
        length = bar_w * rate
        color = RED if entry["below_floor"] else GREEN
        out.append(f'<text x="4" y="{y + 14}">{escape(entry["member"])}</text>')
        out.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{length:.1f}" '
            f'height="{row_h - 6}" fill="{color}"/>'
        )
        out.append(f'<text x="{label_w + length + 4:.1f}" y="{y + 14}">{rate:.0%}</text>')
    if floor is not None and members:
        x = label_w + bar_w * floor
        out.append(
            f'<line x1="{x:.1f}" y1="6" x2="{x:.1f}" y2="{height - 4}" '
            'stroke="#6e7781" stroke-dasharray="4 3"/>'
        )
    out.append("</svg></figure>")
    return "".join(out)
