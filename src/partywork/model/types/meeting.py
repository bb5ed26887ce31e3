"""type: meeting — 三会一课, 主题党日, 激励会 (SPEC §5.2, §13.4)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from partywork.model.fields import Checker
from partywork.model.types import base
from partywork.model.types.base import Kind, LogOption, RecordType
from partywork.model.types.hours import check_hours

if TYPE_CHECKING:  # the roster (and PyYAML behind it) is not needed to build the CLI
    from partywork.model.roster import Roster

ACTIVITIES = ("集中学习", "组织生活", "民主议事", "志愿服务")


def _lecturer(check: Checker, value: Any, path: tuple) -> Any:
    """A member's name, or {name, org} for a guest lecturer."""
    if isinstance(value, dict):
        return base.org_person(check, value, path)
    return check.text(value, path)


def _activities(check: Checker, value: Any, path: tuple) -> Any:
    items = check.texts(value, path)
    for i, item in enumerate(items or []):
        check.choice(item, path + (i,), ACTIVITIES)
    return items


def parse_lecturer(text: str) -> Any:
    from partywork.render.textsafe import clean_name

    name, sep, org = text.replace("｜", "|").partition("|")
    return {"name": name.strip(), "org": org.strip()} if sep else clean_name(text)


def parse_commendation(text: str) -> dict:
    """--commend "MEMBER|HONOUR|REASON"."""
    from partywork.render.textsafe import clean_name

    member, _, rest = text.replace("｜", "|").partition("|")
    honour, _, reason = rest.partition("|")
    return {"member": clean_name(member), "honour": honour.strip(), "reason": reason.strip()}


def expected(record: dict, roster: Roster) -> list[str] | None:
    """committee: the committee; group: that group; every other kind: every member."""
    day, kind = record.get("date"), record.get("kind")
    if not isinstance(day, dt.date):
        return None
    if kind == "committee":
        return [m.name for m in roster.committee(day)]
    if kind == "group":
        return [m.name for m in roster.group_members(record.get("group") or "", day)]
    return [m.name for m in roster.active(day)]


TYPE = RecordType(
    name="meeting",
    zh=("会议",),
    help="Record a meeting: 三会一课, theme day (主题党日), incentive meeting (激励会) or other.",
    kinds=(
        Kind("general", ("支部党员大会", "党员大会", "支部大会")),
        Kind("committee", ("支委会", "支部委员会", "支部委员会会议", "支委会会议")),
        Kind("group", ("党小组会", "党小组会议"), ("group",), ("group",)),
        Kind("lecture", ("党课",), ("lecturer", "hours"), ("lecturer",)),
        Kind("theme-day", ("主题党日", "主题党日活动"), ("activities",)),
        Kind("other", ("其他会议", "其他")),
        Kind("incentive", ("激励会", "表彰会"), ("commendations",)),
    ),
    fields=(
        *base.HEAD,
        "start",
        "end",
        "place",
        "mode",
        "host",
        "recorder",
        "group",
        "lecturer",
        "attendees",
        "absent",
        "observers",
        "topics",
        "activities",
        "hours",
        "minutes",
        "commendations",
        *base.TAIL,
    ),
    required=(*base.MEETING_REQUIRED, "topics", "minutes"),
    names=(*base.PEOPLE, ("lecturer", ""), ("commendations", "member")),
    converters={
        "group": base.text,
        "lecturer": _lecturer,
        "activities": _activities,
        "hours": base.number,
        "commendations": base.records_of(
            ("member", "honour", "reason"),
            ("member", "honour"),
            {"member": base.text, "honour": base.text, "reason": base.text},
        ),
    },
    checks=(check_hours,),
    expected=expected,
    options=(
        LogOption("--group", "group", "Party group id or name (group meetings)."),
        LogOption(
            "--lecturer",
            "lecturer",
            "Lecturer: a member, or 'NAME|ORG' for a guest.",
            parse=parse_lecturer,
        ),
        LogOption(
            "--hours", "hours", "Study hours credited to each attendee.", parse=base.hours_typed
        ),
        LogOption(
            "--commend",
            "commendations",
            '"MEMBER|HONOUR|REASON" (incentive meetings; repeatable).',
            repeatable=True,
            parse=parse_commendation,
        ),
    ),
    common_options=base.GATHERING_OPTIONS,
    form=(
        "start",
        "place",
        "host",
        "recorder",
        "group",
        "lecturer",
        "attendees",
        "topics",
        "activities",
        "hours",
        "minutes",
        "commendations",
        "decisions",
        "actions",
    ),
    attended=True,
    non_empty=("topics", "attendees"),
)
