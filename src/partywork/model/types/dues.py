"""type: dues — 党费收缴 (SPEC §13.3): one record per month; each active member paid, exempt or
unpaid, unless an earlier payment's `months` (quarterly, or 补交) already covers the month. The
rules across records (coverage, one record a month) are in analysis/check.py."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from partywork.i18n import t
from partywork.model.fields import Checker, label, parse_typed_date
from partywork.model.types import base
from partywork.model.types.base import Context, Kind, LogOption, RecordType

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
MAKE_UP_MONTHS = 6  # 补交: at most six months back (DOMAIN.md §10)


def month_index(text: Any) -> int | None:
    """2026-11 → a number that counts months, so that differences are month counts."""
    match = MONTH.match(text) if isinstance(text, str) else None
    return int(match.group(1)) * 12 + int(match.group(2)) - 1 if match else None


def _month(check: Checker, value: Any, path: tuple) -> Any:
    if value is None:
        return None
    if month_index(value) is None:
        check.add(path, "BAD-DATE", t("dues.bad_month", field=label(path), value=value))
        return None
    return value


def _months(check: Checker, value: Any, path: tuple) -> Any:
    items = check.texts(value, path)
    return [_month(check, m, path + (i,)) or m for i, m in enumerate(items or [])]


def _amount(check: Checker, value: Any, path: tuple) -> Any:
    number = check.number(value, path)
    if isinstance(value, str) and "." in value and len(value.split(".")[1]) > 2:
        check.add(path, "BAD-NUMBER", t("dues.amount_cents", value=value))
    return round(number, 2) if number is not None else None


def payment_months(payment: dict, month: str) -> list[str]:
    """The months a payment pays for: its `months`, else the record's month."""
    months = payment.get("months")
    return [m for m in months if isinstance(m, str)] if isinstance(months, list) else [month]


def parse_payment(text: str) -> dict:
    """--paid NAME:AMOUNT[:PAID_ON]."""
    from partywork.render.textsafe import clean_name

    parts = [p.strip() for p in text.replace("：", ":").split(":")]
    entry: dict[str, Any] = {"member": clean_name(parts[0])}
    if len(parts) > 1:
        entry["amount"] = base.without_unit(parts[1], "元")  # 90元 as typed
    if len(parts) > 2:
        typed = parse_typed_date(parts[2])  # 2026年11月25日 as in --date
        entry["paid_on"] = typed.isoformat() if typed else parts[2]
    return entry


def parse_reasoned(text: str) -> dict:
    """--exempt / --unpaid NAME:REASON."""
    from partywork.render.textsafe import clean_name

    name, _, reason = text.replace("：", ":").partition(":")
    return {"name": clean_name(name), "reason": reason.strip()}


def _check_payments(check: Checker, record: dict, _ctx: Context) -> None:
    seen: set[str] = set()
    for key, who in (("payments", "member"), ("exempt", "name"), ("unpaid", "name")):
        for i, item in enumerate(base.listed(record, key)):
            name = item.get(who) if isinstance(item, dict) else None
            if isinstance(name, str) and name in seen:
                check.add((key, i, who), "DUPLICATE-NAME", t("dues.twice", name=name))
            seen.add(str(name))
    month = month_index(record.get("month"))
    if month is None:
        return
    for i, payment in enumerate(base.listed(record, "payments")):
        for j, paid in enumerate(payment.get("months") or [] if isinstance(payment, dict) else []):
            index = month_index(paid)
            if index is not None and month - index > MAKE_UP_MONTHS:
                check.add(
                    ("payments", i, "months", j),
                    "BAD-VALUE",
                    t("dues.too_far_back", month=paid, limit=MAKE_UP_MONTHS),
                    t("dues.too_far_back.hint"),
                )


def span(record: dict) -> tuple[dt.date, dt.date] | None:
    """A member who paid and then left within the month belonged to it: the month's days."""
    index = month_index(record.get("month"))
    if index is None:
        return None
    start = dt.date(index // 12, index % 12 + 1, 1)
    following = dt.date((index + 1) // 12, (index + 1) % 12 + 1, 1)
    return start, following - dt.timedelta(days=1)


def complete(data: dict) -> dict:
    """The month defaults to the date's, a payment's day to the date."""
    day = str(data.get("date") or "")
    data = dict(data)
    if "month" not in data and len(day) >= 7:
        data["month"] = day[:7]
    month = str(data.get("month") or "")
    if "title" not in data and month_index(month) is not None:
        data["title"] = f"{month[:4]}年{int(month[5:])}月党费收缴"
    data["payments"] = [
        {**p, "paid_on": p.get("paid_on") or day} if isinstance(p, dict) else p
        for p in data.get("payments") or []
    ] or None
    return {k: v for k, v in data.items() if v is not None}


_REASONED = base.records_of(("name", "reason"), ("name",), {"name": base.text, "reason": base.text})

TYPE = RecordType(
    name="dues",
    zh=("党费", "党费收缴"),
    help="Record a month's dues collection (党费收缴): who paid, who is exempt, who has not paid.",
    kinds=(Kind("monthly", ("党费收缴", "月度党费")),),
    fields=(
        *base.HEAD,
        "month",
        "collector",
        "payments",
        "exempt",
        "unpaid",
        "actions",
        "late_reason",
        "voided",
    ),
    required=("schema", "id", "type", "kind", "title", "date", "month", "collector"),
    names=(
        ("collector", ""),
        ("payments", "member"),
        ("exempt", "name"),
        ("unpaid", "name"),
        ("actions", "owner"),
    ),
    converters={
        "month": _month,
        "collector": base.text,
        "payments": base.records_of(
            ("member", "amount", "paid_on", "months"),
            ("member", "amount", "paid_on"),
            {"member": base.text, "amount": _amount, "paid_on": base.date, "months": _months},
        ),
        "exempt": _REASONED,
        "unpaid": _REASONED,
    },
    checks=(_check_payments,),
    expected=None,
    options=(
        LogOption("--month", "month", "The month collected, YYYY-MM (default: that of --date)."),
        LogOption("--collector", "collector", "Who collected the dues (收缴人)."),
        LogOption(
            "--paid",
            "payments",
            "NAME:AMOUNT[:PAID_ON] (repeatable; PAID_ON defaults to --date).",
            repeatable=True,
            parse=parse_payment,
        ),
        LogOption("--exempt", "exempt", "NAME:REASON (免交; repeatable).", True, parse_reasoned),
        LogOption("--unpaid", "unpaid", "NAME:REASON (未交; repeatable).", True, parse_reasoned),
    ),
    common_options=("actions",),
    complete=complete,
    span=span,
    form=("month", "collector", "payments", "exempt", "unpaid", "actions"),
)
