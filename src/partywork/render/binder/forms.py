"""The standard form of each record type: which rows, in which order, with which labels.

FORMS is the one place that knows a type's form (so it can later move into the type modules).
A type it does not know is printed on the generic form: every field in the order `pw show`
prints it (render/record.py), so a new type still prints.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypedDict

from partywork.i18n import colon, comma, listed, paren, semicolon, t
from partywork.render.binder.data import BinderRecord


class Row(TypedDict):
    label: str
    text: str  # one paragraph (newlines kept)
    items: list[str]  # or a numbered list


# field name → (catalogue key of its label, what the cell holds)
Cell = Callable[[BinderRecord, dict[str, str]], "str | list[str]"]

FORMS: dict[str, tuple[str, ...]] = {
    "meeting": (
        "time",
        "place",
        "host",
        "recorder",
        "group",
        "lecturer",
        "counts",
        "attendees",
        "absent",
        "observers",
        "topics",
        "activities",
        "minutes",
        "decisions",
        "actions",
    ),
    "study": (
        "time",
        "place",
        "host",
        "recorder",
        "leader",
        "lecturer",
        "hours",
        "attendees",
        "absent",
        "observers",
        "materials",
        "minutes",
        "exchange",
        "actions",
    ),
    "review": (
        "time",
        "place",
        "host",
        "recorder",
        "upper_attendee",
        "counts",
        "attendees",
        "absent",
        "observers",
        "topics",
        "self_reviews",
        "criticisms",
        "minutes",
        "decisions",
        "actions",
    ),
}
NUMBERED = re.compile(r"^\d+\.\s+")
# rows every form shows, even empty: a blank to fill in by hand is part of the paper form
ALWAYS = ("time", "place", "host", "recorder", "attendees", "absent")


def _name(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"  # 学时 2, not 2.0
    if isinstance(value, dict):
        org = value.get("org")
        return f"{value.get('name', '')}{paren(org)}" if org else str(value.get("name", ""))
    return "" if value is None else str(value)


def _names(values: Any) -> str:
    return listed(_name(v) for v in values or [])


def _time(entry: BinderRecord, _groups: dict[str, str]) -> str:
    record = entry.record
    span = f"{record.get('start') or ''}–{record.get('end') or ''}" if record.get("start") else ""
    return f"{record.get('date')} {span}".strip()


def _place(entry: BinderRecord, _groups: dict[str, str]) -> str:
    record = entry.record
    mode = record.get("mode") or "offline"
    place = str(record.get("place") or "")
    return place if mode == "offline" else place + paren(t("mode." + str(mode)))


def _counts(entry: BinderRecord, _groups: dict[str, str]) -> str:
    present = len(entry.record.get("attendees") or [])
    expected = "—" if entry.expected is None else entry.expected
    return t("binder.counts", expected=expected, present=present)


def _absent(entry: BinderRecord, _groups: dict[str, str]) -> list[str]:
    out = []
    for absence in entry.record.get("absent") or []:
        if not isinstance(absence, dict):
            continue
        reason = str(absence.get("reason") or "—")
        unexcused = t("label.unexcused")
        # a reason that already says 无故 (how --absent marks it) is not told twice
        if not absence.get("excused", True) and unexcused not in reason:
            reason += comma() + unexcused
        out.append(f"{absence.get('name')}{paren(reason)}")
    return out


def _decisions(entry: BinderRecord, _groups: dict[str, str]) -> list[str]:
    out = []
    for decision in entry.record.get("decisions") or []:
        vote = decision.get("vote") if isinstance(decision, dict) else None
        tally = (
            paren(
                t(
                    "show.vote",
                    votes_for=vote.get("for"),
                    against=vote.get("against"),
                    abstain=vote.get("abstain"),
                )
            )
            if isinstance(vote, dict)
            else ""
        )
        text = decision.get("text") if isinstance(decision, dict) else decision
        out.append(f"{text}{tally}")
    return out


def _actions(entry: BinderRecord, _groups: dict[str, str]) -> list[str]:
    out = []
    for action in entry.record.get("actions") or []:
        if not isinstance(action, dict):
            continue
        status = t("action." + str(action.get("status") or "open"))
        line = (
            f"{action.get('task')} — {t('label.owner')} {action.get('owner')}{comma()}"
            f"{t('label.due')} {action.get('due')}{comma()}{status}"
        )
        if action.get("done_on") or action.get("evidence"):
            line += semicolon() + t(
                "show.action_done",
                on=action.get("done_on") or "—",
                evidence=action.get("evidence") or "—",
            )
        out.append(line)
    return out


def _reviews(entry: BinderRecord, _groups: dict[str, str]) -> list[str]:
    out = []
    for review in entry.record.get("self_reviews") or []:
        problems = semicolon().join(str(p) for p in review.get("problems") or [])
        measures = semicolon().join(str(m) for m in review.get("measures") or [])
        said = semicolon() + t("label.measures") + colon() + measures if measures else ""
        out.append(f"{review.get('member')}{colon()}{t('label.problems')}{colon()}{problems}{said}")
    return out


def _criticisms(entry: BinderRecord, _groups: dict[str, str]) -> list[str]:
    return [
        f"{c.get('from')} → {c.get('to')}{colon()}{c.get('content')}"
        for c in entry.record.get("criticisms") or []
        if isinstance(c, dict)
    ]


def _field(key: str) -> Cell:
    def cell(entry: BinderRecord, _groups: dict[str, str]) -> str | list[str]:
        value = entry.record.get(key)
        if isinstance(value, list):
            return [_name(v) for v in value]
        return "" if value is None else _name(value)

    return cell


def _joined(key: str) -> Cell:
    return lambda entry, _groups: _names(entry.record.get(key))


CELLS: dict[str, tuple[str, Cell]] = {
    "time": ("binder.time", _time),
    "place": ("label.place", _place),
    "host": ("label.host", _field("host")),
    "recorder": ("label.recorder", _field("recorder")),
    "group": ("label.group", lambda e, groups: groups.get(str(e.record.get("group") or ""), "")),
    "lecturer": ("label.lecturer", _field("lecturer")),
    "leader": ("label.leader", _field("leader")),
    "hours": ("label.hours", _field("hours")),
    "upper_attendee": ("label.upper_attendee", _field("upper_attendee")),
    "counts": ("binder.counts_label", _counts),
    "attendees": ("binder.attendees", _joined("attendees")),
    "absent": ("binder.absent", _absent),
    "observers": ("label.observers", _joined("observers")),
    "topics": ("label.topics", _field("topics")),
    "activities": ("label.activities", _field("activities")),
    "materials": ("label.materials", _field("materials")),
    "minutes": ("binder.minutes", _field("minutes")),
    "exchange": ("label.exchange", _field("exchange")),
    "self_reviews": ("label.self_reviews", _reviews),
    "criticisms": ("label.criticisms", _criticisms),
    "decisions": ("binder.decisions", _decisions),
    "actions": ("binder.actions", _actions),
}


def form_rows(entry: BinderRecord, groups: dict[str, str]) -> list[Row]:
    """The rows of the record's form; the generic form where its type has none."""
    names = FORMS.get(str(entry.record.get("type")))
    if names is None:
        return generic_rows(entry)
    rows = []
    for name in names:
        key, cell = CELLS[name]
        value = cell(entry, groups)
        if value in ("", []) and name not in ALWAYS:
            continue
        rows.append(_row(t(key), value))
    if entry.record.get("late_reason"):
        rows.append(_row(t("label.late_reason"), str(entry.record["late_reason"])))
    return rows


def _row(label: str, value: str | list[str]) -> Row:
    if isinstance(value, list):
        return {"label": label, "text": "", "items": value}
    return {"label": label, "text": value, "items": []}


def generic_rows(entry: BinderRecord) -> list[Row]:
    """`pw show`'s lines as rows: `label: value`, or `label:` followed by indented items."""
    from partywork.model.roster import Roster
    from partywork.render.record import record_text

    record = {k: v for k, v in entry.record.items() if k != "voided"}
    lines = record_text(record, Roster()).split("\n")[1:]  # the title is the page's heading
    rows: list[Row] = []
    for line in lines:
        if line.startswith(" ") and rows:
            rows[-1]["items"].append(NUMBERED.sub("", line.strip()))  # the form numbers them
        elif ": " in line:
            label, value = line.split(": ", 1)
            rows.append(_row(label, value))
        elif line.endswith(":"):
            rows.append(_row(line[:-1], []))
        elif line.strip():
            rows.append(_row("", line))
    return rows
