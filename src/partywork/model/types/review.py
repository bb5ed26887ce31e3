"""type: review — 组织生活会 / 专题检讨会 (SPEC §5.4)."""

from __future__ import annotations

from partywork.model.types import base
from partywork.model.types.base import Kind, RecordType

TYPE = RecordType(
    name="review",
    zh=("检讨",),
    help="Record a review (组织生活会 / 专题检讨会) with self-criticism and rectification items.",
    kinds=(
        Kind("org-life", ("组织生活会",)),
        Kind("special", ("专题检讨会", "检讨会")),
    ),
    fields=(
        *base.HEAD,
        "start",
        "end",
        "place",
        "mode",
        "host",
        "recorder",
        "attendees",
        "absent",
        "observers",
        "topics",
        "minutes",
        "self_reviews",
        "criticisms",
        "upper_attendee",
        *base.TAIL,
    ),
    required=(*base.MEETING_REQUIRED, "topics", "minutes"),
    names=(
        *base.PEOPLE,
        ("self_reviews", "member"),
        ("criticisms", "from"),
        ("criticisms", "to"),
    ),
    converters={
        "self_reviews": base.records_of(
            ("member", "problems", "measures"),
            ("member",),
            {"member": base.text, "problems": base.names, "measures": base.names},
        ),
        "criticisms": base.records_of(
            ("from", "to", "content"),
            ("from", "to", "content"),
            {"from": base.text, "to": base.text, "content": base.text},
        ),
        "upper_attendee": base.org_person,
    },
    expected=base.all_active,
    common_options=base.GATHERING_OPTIONS,
    form=(
        "start",
        "place",
        "host",
        "recorder",
        "attendees",
        "topics",
        "minutes",
        "self_reviews",
        "decisions",
        "actions",
    ),
    attended=True,
    non_empty=("topics", "attendees"),
)
