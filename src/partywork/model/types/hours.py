"""Study hours (学时) credited by a record: shared by study sessions and lectures."""

from __future__ import annotations

from typing import Any

from partywork.i18n import t
from partywork.model.fields import Checker, label
from partywork.model.types.base import Context

# 学时 per record (DOMAIN.md §3.2: 1 hour = 1 学时, half a day 4, a day 8). A session lasts at
# most a day; a training course (培训班) or an online course may run for weeks, so they get more
# room. Past these a number is a typing accident (or 99999999999999999999), not a record.
MAX_HOURS = 24
MAX_HOURS_COURSE = 400
COURSE_KINDS = ("training", "online")


def check_hours(check: Checker, record: dict, _ctx: Context) -> None:
    limit = MAX_HOURS_COURSE if record.get("kind") in COURSE_KINDS else MAX_HOURS
    found: list[tuple[tuple[str, ...], Any]] = [(("hours",), record.get("hours"))]
    if isinstance(record.get("hours_by_member"), dict):
        found += [(("hours_by_member", name), v) for name, v in record["hours_by_member"].items()]
    for path, value in found:
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value > limit:
            check.add(
                path,
                "BAD-NUMBER",
                t(
                    "schema.hours_range",
                    field=label(path),
                    value=value,
                    limit=limit,
                    kind=t("kind." + str(record.get("kind"))),
                ),
                t("schema.hours_range.hint", training=MAX_HOURS_COURSE),
            )
