"""type: study — 学习 (SPEC §5.3)."""

from __future__ import annotations

from typing import Any

from partywork.model.fields import Checker
from partywork.model.types import base
from partywork.model.types.base import Kind, LogOption, RecordType
from partywork.model.types.hours import check_hours


def _hours_by_member(check: Checker, value: Any, path: tuple) -> Any:
    mapping = check.mapping(value, path)
    if mapping is None:
        return None
    return {name: check.number(hours, path + (name,)) for name, hours in mapping.items()}


TYPE = RecordType(
    name="study",
    zh=("学习",),
    help="Record a study session (学习) with hours per member.",
    kinds=(
        Kind("collective", ("集中学习",)),
        Kind("seminar", ("专题研讨",)),
        Kind("first-topic", ("第一议题",)),
        Kind("online", ("线上学习",)),
        Kind("training", ("培训班",)),
        Kind("self", ("自学",)),
    ),
    fields=(
        *base.HEAD,
        "start",
        "end",
        "place",
        "mode",
        "host",
        "recorder",
        "leader",
        "attendees",
        "absent",
        "observers",
        "topics",
        "materials",
        "hours",
        "hours_by_member",
        "minutes",
        "exchange",
        *base.TAIL,
    ),
    required=(*base.MEETING_REQUIRED, "materials", "hours"),
    names=(*base.PEOPLE, ("leader", ""), ("hours_by_member", "keys")),
    converters={
        "leader": base.text,
        "exchange": base.text,
        "materials": base.names,
        "hours": base.number,
        "hours_by_member": _hours_by_member,
    },
    checks=(check_hours,),
    expected=None,  # study has no 应到: hours are credited to whoever attended
    options=(
        LogOption(
            "--hours", "hours", "Study hours credited to each attendee.", parse=base.hours_typed
        ),
        LogOption("--material", "materials", "Study material (repeatable).", repeatable=True),
        LogOption("--leader", "leader", "Who led the study (领学人)."),
    ),
    common_options=base.GATHERING_OPTIONS,
    form=(
        "start",
        "place",
        "host",
        "recorder",
        "leader",
        "attendees",
        "topics",
        "materials",
        "hours",
        "minutes",
        "exchange",
        "decisions",
        "actions",
    ),
    non_empty=("attendees", "materials"),
)
