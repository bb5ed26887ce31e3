"""Plain-text rendering of one record for `pw show` (labels in the chosen language)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from partywork.i18n import comma, listed, paren, t
from partywork.model.roster import Roster
from partywork.model.schema import expected_names
from partywork.model.types import TYPES


def _name(value: Any) -> str:
    if isinstance(value, dict):
        return (
            f"{value.get('name', '')}{paren(value.get('org'))}"
            if value.get("org")
            else str(value.get("name", ""))
        )
    return str(value)


def record_text(record: dict, roster: Roster) -> str:
    """The record's head, then the fields of its type's form (types/<type>.py) in order."""
    lines: list[str] = []
    if record.get("voided"):
        lines.append(
            f"[{t('label.voided')}] {record['voided'].get('on')} {record['voided'].get('reason')}"
        )
    lines.append(f"{record.get('title', '')}")
    _field(lines, "id", record.get("id"))
    _field(lines, "kind", t(f"kind.{record.get('kind')}"))
    _field(lines, "date", record.get("date"))
    rtype = TYPES.get(str(record.get("type")))
    for key in rtype.form if rtype else ("place", "host", "recorder", "attendees", "minutes"):
        shown = _SHOWN.get(key)
        if shown is not None:
            shown(lines, record, roster)
        elif key in _LISTS:
            _list(lines, key, record.get(key))
        elif key in _TEXTS:
            _text(lines, key, record.get(key))
        else:
            _field(lines, key, record.get(key))
    _field(lines, "late_reason", record.get("late_reason"))
    return "\n".join(lines)


def _field(lines: list[str], label: str, value: Any) -> None:
    if value not in (None, "", []):
        lines.append(f"{t('label.' + label)}: {value}")


def _list(lines: list[str], key: str, items: Any) -> None:
    if items:
        lines.append(f"{t('label.' + key)}:")
        lines += [f"  {i}. {item}" for i, item in enumerate(items, 1)]


def _text(lines: list[str], key: str, value: Any) -> None:
    if value:
        lines.append(f"{t('label.' + key)}:")
        lines += [f"  {line}" for line in str(value).rstrip().split("\n")]


_LISTS = ("topics", "materials", "activities")
_TEXTS = ("minutes", "exchange")


def _time(lines: list[str], record: dict, _roster: Roster) -> None:
    if record.get("start"):
        _field(lines, "time", f"{record.get('start')}–{record.get('end') or ''}")


def _place(lines: list[str], record: dict, _roster: Roster) -> None:
    mode = t("mode." + str(record.get("mode", "offline")))
    _field(lines, "place", f"{record.get('place', '')}{paren(mode)}" if record.get("place") else "")


def _lecturer(lines: list[str], record: dict, _roster: Roster) -> None:
    if record.get("lecturer"):
        _field(lines, "lecturer", _name(record["lecturer"]))


def _grades(lines: list[str], record: dict, _roster: Roster) -> None:
    if record.get("grades"):
        lines.append(f"{t('label.grades')}:")
        for item in record["grades"]:
            note = paren(item.get("note")) if item.get("note") else ""
            lines.append(f"  {item.get('member')}: {t('grade.' + str(item.get('grade')))}{note}")


def _commendations(lines: list[str], record: dict, _roster: Roster) -> None:
    if record.get("commendations"):
        lines.append(f"{t('label.commendations')}:")
        lines += [
            f"  {c.get('member')}: {c.get('honour')}"
            + (f" — {c['reason']}" if c.get("reason") else "")
            for c in record["commendations"]
        ]


def _payments(lines: list[str], record: dict, _roster: Roster) -> None:
    if record.get("payments"):
        lines.append(f"{t('label.payments')}:")
        for p in record["payments"]:
            months = listed(p["months"]) if p.get("months") else ""
            lines.append(
                f"  {p.get('member')}: {p.get('amount')} {t('label.yuan')}"
                + f"{comma()}{p.get('paid_on')}"
                + (paren(months) if months else "")
            )
    for key in ("exempt", "unpaid"):
        if record.get(key):
            parts = [f"{e.get('name')}{paren(e.get('reason') or '')}" for e in record[key]]
            lines.append(f"{t('label.' + key)}: {listed(parts)}")


def _reasoned(_lines: list[str], _record: dict, _roster: Roster) -> None:
    """exempt and unpaid are shown with the payments."""


def _attendance(lines: list[str], record: dict, roster: Roster) -> None:
    present = record.get("attendees") or []
    expected = expected_names(record, roster)
    count = f"{len(present)}/{len(expected)}" if expected else str(len(present))
    lines.append(f"{t('label.attendees')} ({count}): {listed(present)}")
    absent = record.get("absent") or []
    if absent:
        parts = [
            a.get("name", "")
            + paren(
                (a.get("reason") or "")
                + ("" if a.get("excused", True) else comma() + t("label.unexcused"))
            )
            for a in absent
        ]
        lines.append(f"{t('label.absent')}: {listed(parts)}")
    if record.get("observers"):
        lines.append(f"{t('label.observers')}: {listed(_name(o) for o in record['observers'])}")
    if record.get("upper_attendee"):
        lines.append(f"{t('label.upper_attendee')}: {_name(record['upper_attendee'])}")


def _reviews(lines: list[str], record: dict, _roster: Roster | None = None) -> None:
    for review in record.get("self_reviews") or []:
        lines.append(f"{t('label.self_reviews')} — {review.get('member')}:")
        lines += [f"  {t('label.problems')}: {p}" for p in review.get("problems") or []]
        lines += [f"  {t('label.measures')}: {m}" for m in review.get("measures") or []]
    if record.get("criticisms"):
        lines.append(f"{t('label.criticisms')}:")
        lines += [
            f"  {c.get('from')} → {c.get('to')}: {c.get('content')}" for c in record["criticisms"]
        ]


def _decisions(lines: list[str], record: dict, _roster: Roster | None = None) -> None:
    if not record.get("decisions"):
        return
    lines.append(f"{t('label.decisions')}:")
    for i, decision in enumerate(record["decisions"], 1):
        vote = decision.get("vote")
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
        lines.append(f"  {i}. {decision.get('text')}{tally}")


def _actions(lines: list[str], record: dict, _roster: Roster | None = None) -> None:
    if not record.get("actions"):
        return
    lines.append(f"{t('label.actions')}:")
    for i, action in enumerate(record["actions"], 1):
        status = t(f"action.{action.get('status', 'open')}")
        lines.append(
            f"  #{i} {action.get('task')} — {t('label.owner')} {action.get('owner')}{comma()}"
            f"{t('label.due')} {action.get('due')}{comma()}{status}"
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


_SHOWN: dict[str, Callable[[list[str], dict, Roster], None]] = {
    "start": _time,
    "place": _place,
    "lecturer": _lecturer,
    "attendees": _attendance,
    "self_reviews": _reviews,
    "decisions": _decisions,
    "actions": _actions,
    "grades": _grades,
    "commendations": _commendations,
    "payments": _payments,
    "exempt": _reasoned,
    "unpaid": _reasoned,
}
