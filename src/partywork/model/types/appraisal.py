"""type: appraisal — 民主评议党员 (SPEC §13.1): one grade per member appraised."""

from __future__ import annotations

import datetime as dt
from typing import Any

from partywork.i18n import t
from partywork.model.fields import Checker
from partywork.model.types import base
from partywork.model.types.base import Context, Kind, LogOption, RecordType

GRADES = {
    "excellent": ("优秀",),
    "qualified": ("合格",),
    "basic": ("基本合格",),
    "unqualified": ("不合格",),
}


def _year(check: Checker, value: Any, path: tuple) -> Any:
    return check.integer(value, path)


def parse_grade(text: str) -> dict:
    """--grade NAME:GRADE (优秀 or excellent …)."""
    from partywork.render.textsafe import clean_name

    name, _, grade = text.replace("：", ":").partition(":")
    return {"member": clean_name(name), "grade": grade.strip()}


def _check_grades(check: Checker, record: dict, ctx: Context) -> None:
    seen: set[str] = set()
    for i, item in enumerate(base.listed(record, "grades")):
        member = item.get("member") if isinstance(item, dict) else None
        _probationary_excellent(check, record, ctx, i, item)
        if isinstance(member, str) and member in seen:
            check.add(
                ("grades", i, "member"),
                "DUPLICATE-NAME",
                t("schema.duplicate_name", name=member, field="grades"),
            )
        seen.add(str(member))
    year, day = record.get("year"), record.get("date")
    if isinstance(year, int) and isinstance(day, dt.date) and not 0 <= day.year - year <= 1:
        check.add(("year",), "BAD-VALUE", t("appraisal.year", year=year, date=day))


def _probationary_excellent(check: Checker, record: dict, ctx: Context, i: int, item: Any) -> None:
    """A probationary member is never rated 优秀 (SPEC §13.1): refused when written, not only
    found by the year's report."""
    day = record.get("date")
    if (
        not isinstance(item, dict)
        or item.get("grade") != "excellent"
        or not isinstance(day, dt.date)
    ):
        return
    rated = ctx.roster.named(str(item.get("member")), day)
    if rated is not None and not rated.full_on(day):
        check.add(
            ("grades", i, "grade"),
            "APPRAISAL-PROBATIONARY",
            t("report.appraisal_probationary", member=rated.name),
            t("appraisal.probationary.hint"),
        )


def complete(data: dict) -> dict:
    """The year appraised defaults to the year of the date."""
    day = str(data.get("date") or "")
    data = {"year": day[:4], **data} if day[:4].isdigit() else dict(data)
    if "title" not in data and str(data.get("year") or "").isdigit():
        data["title"] = f"{data['year']}年度民主评议党员"
    return data


TYPE = RecordType(
    name="appraisal",
    zh=("民主评议", "民主评议党员", "评议"),
    help="Record the annual appraisal of members (民主评议党员): one grade per member.",
    kinds=(Kind("annual", ("民主评议党员", "年度评议", "民主评议")),),
    fields=(
        *base.HEAD,
        "year",
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
        "grades",
        *base.TAIL,
    ),
    required=(*base.MEETING_REQUIRED, "year", "minutes", "grades"),
    names=(*base.PEOPLE, ("grades", "member")),
    converters={
        "year": _year,
        "grades": base.records_of(
            ("member", "grade", "note"),
            ("member", "grade"),
            {"member": base.text, "grade": base.choice_zh(GRADES), "note": base.text},
        ),
    },
    checks=(_check_grades,),
    complete=complete,
    expected=base.all_active,
    options=(
        LogOption("--year", "year", "The year appraised (default: the year of --date)."),
        LogOption(
            "--grade",
            "grades",
            "NAME:GRADE, grade excellent 优秀 | qualified 合格 | basic 基本合格 | "
            "unqualified 不合格 (repeatable).",
            repeatable=True,
            parse=parse_grade,
        ),
    ),
    common_options=base.GATHERING_OPTIONS,
    form=(
        "year",
        "start",
        "place",
        "host",
        "recorder",
        "attendees",
        "topics",
        "minutes",
        "grades",
        "decisions",
        "actions",
    ),
    attended=False,  # its meeting is usually a general meeting, logged as one
    non_empty=("attendees", "grades"),
)
