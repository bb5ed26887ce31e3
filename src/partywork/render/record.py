"""Plain-text rendering of one record for `pw show` (labels in the chosen language)."""

from __future__ import annotations

from typing import Any

from partywork.i18n import t
from partywork.model.roster import Roster
from partywork.model.schema import expected_names


def _name(value: Any) -> str:
    if isinstance(value, dict):
        return (
            f"{value.get('name', '')}（{value.get('org')}）"
            if value.get("org")
            else str(value.get("name", ""))
        )
    return str(value)


def record_text(record: dict, roster: Roster) -> str:
    lines: list[str] = []

    def field(label: str, value: Any) -> None:
        if value not in (None, "", []):
            lines.append(f"{t('label.' + label)}: {value}")

    if record.get("voided"):
        lines.append(
            f"[{t('label.voided')}] {record['voided'].get('on')} {record['voided'].get('reason')}"
        )
    lines.append(f"{record.get('title', '')}")
    field("id", record.get("id"))
    field("kind", t(f"kind.{record.get('kind')}"))
    field("date", record.get("date"))
    if record.get("start"):
        field("time", f"{record.get('start')}–{record.get('end') or ''}")
    field(
        "place", f"{record.get('place', '')}（{t('mode.' + str(record.get('mode', 'offline')))}）"
    )
    field("host", record.get("host"))
    field("recorder", record.get("recorder"))
    for key in ("group", "leader"):
        field(key, record.get(key))
    if record.get("lecturer"):
        field("lecturer", _name(record["lecturer"]))
    _attendance(lines, record, roster)
    for key in ("topics", "materials", "activities"):
        if record.get(key):
            lines.append(f"{t('label.' + key)}:")
            lines += [f"  {i}. {item}" for i, item in enumerate(record[key], 1)]
    field("hours", record.get("hours"))
    for key in ("minutes", "exchange"):
        if record.get(key):
            lines.append(f"{t('label.' + key)}:")
            lines += [f"  {line}" for line in str(record[key]).rstrip().split("\n")]
    _reviews(lines, record)
    _decisions(lines, record)
    _actions(lines, record)
    field("late_reason", record.get("late_reason"))
    return "\n".join(lines)


def _attendance(lines: list[str], record: dict, roster: Roster) -> None:
    present = record.get("attendees") or []
    expected = expected_names(record, roster)
    count = f"{len(present)}/{len(expected)}" if expected else str(len(present))
    lines.append(f"{t('label.attendees')} ({count}): {'、'.join(present)}")
    absent = record.get("absent") or []
    if absent:
        parts = [
            f"{a.get('name')}（{a.get('reason') or ''}"
            f"{'' if a.get('excused', True) else '，' + t('label.unexcused')}）"
            for a in absent
        ]
        lines.append(f"{t('label.absent')}: {'、'.join(parts)}")
    if record.get("observers"):
        lines.append(f"{t('label.observers')}: {'、'.join(_name(o) for o in record['observers'])}")
    if record.get("upper_attendee"):
        lines.append(f"{t('label.upper_attendee')}: {_name(record['upper_attendee'])}")


def _reviews(lines: list[str], record: dict) -> None:
    for review in record.get("self_reviews") or []:
        lines.append(f"{t('label.self_reviews')} — {review.get('member')}:")
        lines += [f"  {t('label.problems')}: {p}" for p in review.get("problems") or []]
        lines += [f"  {t('label.measures')}: {m}" for m in review.get("measures") or []]
    if record.get("criticisms"):
        lines.append(f"{t('label.criticisms')}:")
        lines += [
            f"  {c.get('from')} → {c.get('to')}: {c.get('content')}" for c in record["criticisms"]
        ]


def _decisions(lines: list[str], record: dict) -> None:
    if not record.get("decisions"):
        return
    lines.append(f"{t('label.decisions')}:")
    for i, decision in enumerate(record["decisions"], 1):
        vote = decision.get("vote")
        tally = (
            "（"
            + t(
                "show.vote",
                votes_for=vote.get("for"),
                against=vote.get("against"),
                abstain=vote.get("abstain"),
            )
            + "）"
            if isinstance(vote, dict)
            else ""
        )
        lines.append(f"  {i}. {decision.get('text')}{tally}")


def _actions(lines: list[str], record: dict) -> None:
    if not record.get("actions"):
        return
    lines.append(f"{t('label.actions')}:")
    for i, action in enumerate(record["actions"], 1):
        status = t(f"action.{action.get('status', 'open')}")
        lines.append(
            f"  #{i} {action.get('task')} — {t('label.owner')} {action.get('owner')}，"
            f"{t('label.due')} {action.get('due')}，{status}"
        )
        if action.get("done_on") or action.get("evidence"):
            lines.append(
                "     "
                + t(
                    "show.action_done",
                    on=action.get("done_on") or "—",
                    evidence=action.get("evidence") or "—",
                )
            )
