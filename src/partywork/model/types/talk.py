"""type: talk — 谈心谈话 (SPEC §13.2): a committee member talks with one member or several."""

from __future__ import annotations

from partywork.i18n import t
from partywork.model.fields import Checker
from partywork.model.types import base
from partywork.model.types.base import Context, Kind, RecordType


def _check_two(check: Checker, record: dict, _ctx: Context) -> None:
    attendees = base.listed(record, "attendees")
    if attendees and len(set(attendees)) < 2:
        check.add(("attendees",), "BAD-VALUE", t("talk.two"), t("talk.two.hint"))


TYPE = RecordType(
    name="talk",
    zh=("谈心谈话", "谈话"),
    help="Record a talk (谈心谈话): one-to-one 个别谈话 or one-to-many 集体谈话.",
    kinds=(
        Kind("one-to-one", ("个别谈话",)),
        Kind("one-to-many", ("集体谈话",)),
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
        "topics",
        "minutes",
        *base.TAIL,
    ),
    required=(
        "schema",
        "id",
        "type",
        "kind",
        "title",
        "date",
        "host",
        "attendees",
        "topics",
        "minutes",
    ),
    names=(("host", ""), ("recorder", ""), ("attendees", "*"), ("actions", "owner")),
    checks=(_check_two,),
    expected=None,  # a talk has participants, not an expected list
    common_options=(
        "start",
        "end",
        "place",
        "mode",
        "host",
        "recorder",
        "attendees",
        "topics",
        "minutes",
        "decisions",
        "actions",
    ),
    form=("start", "place", "host", "recorder", "attendees", "topics", "minutes", "actions"),
    non_empty=("topics", "attendees"),
)
