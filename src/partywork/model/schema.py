"""The record schema of SPEC §5: typing each field, then the rules that need the roster on the
record's date. The common fields and rules are here; what a record type adds (its kinds, fields,
names, checks) is its module in model/types/. `validate` always returns its best-effort typed
record with the problems, so a record with a misspelt name can still be shown, voided or fixed."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from partywork.i18n import paren, t
from partywork.model.fields import Checker, parse_date, parse_number
from partywork.model.problems import Problem
from partywork.model.roster import Member, Roster
from partywork.model.types import KINDS as ALL_KINDS
from partywork.model.types import TYPE_OF_KIND, TYPES, all_fields, base, kinds_of
from partywork.model.types.base import MEETING_REQUIRED, Context, listed, named, records_of
from partywork.storage.yamlio import Document

__all__ = ["TYPE_OF_KIND", "Context"]

KINDS = {name: kinds_of(name) for name in TYPES}
# the Chinese names a kind or a type is given on the command line (the first is its label)
KIND_NAMES_ZH = {name: kind.zh for name, kind in ALL_KINDS.items()}
TYPE_NAMES_ZH = {name: typ.zh for name, typ in TYPES.items()}


def kind_named(value: str, typ: str | None = None) -> str | None:
    """The kind a command-line value names — its English name or one of its Chinese names —
    among the kinds of `typ` (all kinds without one); None when it names none of them."""
    import unicodedata

    text = unicodedata.normalize("NFKC", value).strip()
    for kind in KINDS[typ] if typ else TYPE_OF_KIND:
        if text.casefold() == kind or text in KIND_NAMES_ZH[kind]:
            return kind
    return None


def type_named(value: str) -> str | None:
    """The record type a command-line value names (meeting, 会议 …); None when none."""
    import unicodedata

    text = unicodedata.normalize("NFKC", value).strip()
    for typ in KINDS:
        if text.casefold() == typ or text in TYPE_NAMES_ZH[typ]:
            return typ
    return None


def kind_choices(typ: str | None = None) -> str:
    """The valid kinds, each with its Chinese name: committee（支委会）, …"""
    kinds = KINDS[typ] if typ else tuple(TYPE_OF_KIND)
    return ", ".join(f"{kind}{paren(KIND_NAMES_ZH[kind][0])}" for kind in kinds)


MODES = ("offline", "online", "hybrid")
ACTION_STATUSES = ("open", "done", "dropped")

ID_PATTERN = re.compile(r"^(\d{4}-\d{2}-\d{2})-([a-z]+(?:-[a-z]+)*)-([a-z0-9]{4})$")

# The order pw writes keys in when the type is unknown; each type has its own (types/<type>.py).
ORDER = all_fields()


def allowed_fields(typ: str | None, kind: str | None) -> tuple[str, ...]:
    return TYPES[typ].allowed(kind) if typ in TYPES else ORDER


def required_fields(typ: str | None, kind: str | None) -> tuple[str, ...]:
    return TYPES[typ].required_for(kind) if typ in TYPES else MEETING_REQUIRED


def order_of(typ: str | None) -> tuple[str, ...]:
    return TYPES[typ].fields if typ in TYPES else ORDER


def record_path(record_id: str) -> str:
    return f"records/{record_id[:4]}/{record_id}.yaml"


def validate(doc: Document, file: str, ctx: Context) -> tuple[dict, list[Problem]]:
    check = Checker(doc, file)
    data = doc.data
    typ = check.choice(data.get("type"), ("type",), KINDS)
    kind = _kind(check, data.get("kind"), typ)
    check.unknown_keys(data, allowed_fields(typ, kind) if typ and kind else ORDER)
    check.require(data, [f for f in required_fields(typ, kind) if f != "mode"])
    record = _typed(check, data, typ, kind)
    if data.get("schema") is not None and record.get("schema") not in (1, None):
        check.add(
            ("schema",),
            "BAD-VALUE",
            t("schema.bad_schema", value=data["schema"]),
            t("schema.bad_schema.hint"),
        )
    _check_id(check, record, ctx)
    _check_dates(check, record, ctx.today)
    for rule in TYPES[typ].checks if typ in TYPES else ():
        rule(check, record, ctx)
    if isinstance(record.get("date"), dt.date):
        _check_people(check, record, ctx.roster)
    _check_actions(check, record)
    return {k: record[k] for k in order_of(typ) if k in record}, check.problems


def typed(data: dict) -> dict:
    """The record's dates, numbers and flags typed, nothing checked: what reports read. A file
    that would not pass `pw check` is typed as far as it goes; check is where it gets reported."""
    record = dict(data)
    record["date"] = parse_date(str(data.get("date")))
    if "hours" in data:
        record["hours"] = parse_number(data["hours"])
    if isinstance(data.get("hours_by_member"), dict):
        record["hours_by_member"] = {k: parse_number(v) for k, v in data["hours_by_member"].items()}
    record["absent"] = [
        dict(a, excused=a.get("excused") not in ("false", "False", "FALSE", False))
        for a in data.get("absent") or []
        if isinstance(a, dict)
    ]
    record["decisions"] = [
        dict(d, vote={k: parse_number(v) or 0 for k, v in d["vote"].items()})
        if isinstance(d, dict) and isinstance(d.get("vote"), dict)
        else d
        for d in data.get("decisions") or []
    ]
    if "year" in data:
        record["year"] = parse_number(data["year"])
    if isinstance(data.get("payments"), list):
        record["payments"] = [
            dict(p, amount=parse_number(p.get("amount")), paid_on=parse_date(str(p.get("paid_on"))))
            for p in data["payments"]
            if isinstance(p, dict)
        ]
    record["actions"] = [
        dict(
            a,
            due=parse_date(str(a.get("due"))) or a.get("due"),
            done_on=parse_date(str(a.get("done_on"))) if a.get("done_on") else None,
            status=a.get("status") or "open",
        )
        for a in data.get("actions") or []
        if isinstance(a, dict)
    ]
    return record


def _kind(check: Checker, value: Any, typ: str | None) -> str | None:
    if value is None or typ is None:
        return check.text(value, ("kind",))
    if value not in KINDS[typ]:
        check.add(
            ("kind",),
            "BAD-VALUE",
            t("schema.kind_for_type", type=typ, kind=value),
            t("schema.bad_choice.hint", choices=", ".join(KINDS[typ])),
        )
        return None
    return value


# ---------------------------------------------------------------------------------------------
# typing


def _typed(check: Checker, data: dict, typ: str | None, kind: str | None) -> dict:
    record: dict[str, Any] = {}
    converters = converters_of(typ)
    for key, value in data.items():
        convert = converters.get(key)
        record[key] = convert(check, value, (key,)) if convert else value
        if record[key] is None and value is not None:
            record[key] = value  # keep what was written; the problem is reported
    record["type"], record["kind"] = typ or data.get("type"), kind or data.get("kind")
    if "mode" in order_of(typ):
        record.setdefault("mode", "offline")
    non_empty = TYPES[typ].non_empty if typ in TYPES else ("topics", "attendees")
    for key in non_empty:
        if (
            isinstance(record.get(key), list)
            and not record[key]
            and key in required_fields(typ, kind)
        ):
            check.add((key,), "EMPTY-LIST", t("schema.empty_list", field=key))
    for key in ("title", "place", "minutes", "host", "recorder"):
        if isinstance(record.get(key), str) and not record[key].strip():
            check.add((key,), "EMPTY-FIELD", t("schema.empty_text", field=key))
    return record


def converters_of(typ: str | None) -> dict[str, Callable]:
    """The common fields' converters and the type's own (every type's when it is unknown)."""
    if typ in TYPES:
        return {**_CONVERTERS, **TYPES[typ].converters}
    merged = dict(_CONVERTERS)
    for other in TYPES.values():
        merged.update(other.converters)
    return merged


def _excused(check: Checker, value: Any, path: tuple) -> bool:
    return check.boolean(value, path, True)


_excused.default = True  # type: ignore[attr-defined]


def _action_status(check: Checker, value: Any, path: tuple) -> Any:
    return check.choice(value, path, ACTION_STATUSES) if value is not None else "open"


_action_status.default = "open"  # type: ignore[attr-defined]


def _vote(check: Checker, value: Any, path: tuple) -> Any:
    mapping = check.mapping(value, path)
    if mapping is None:
        return None
    check.unknown_keys(mapping, ("for", "against", "abstain"), path)
    return {
        k: check.integer(mapping.get(k), path + (k,)) or 0 for k in ("for", "against", "abstain")
    }


def _schema_version(check: Checker, value: Any, path: tuple) -> Any:
    return check.integer(value, path)


def _mode(check: Checker, value: Any, path: tuple) -> Any:
    return check.choice(value, path, MODES)


_CONVERTERS: dict[str, Callable] = {
    "schema": _schema_version,
    "id": base.text,
    "title": base.text,
    "place": base.text,
    "host": base.text,
    "recorder": base.text,
    "minutes": base.text,
    "late_reason": base.text,
    "date": base.date,
    "start": lambda c, v, p: c.time(v, p),
    "end": lambda c, v, p: c.time(v, p),
    "mode": _mode,
    "attendees": base.names,
    "topics": base.names,
    "absent": records_of(
        ("name", "reason", "excused"),
        ("name",),
        {"name": base.text, "reason": base.text, "excused": _excused},
    ),
    "observers": records_of(("name", "role"), ("name",), {"name": base.text, "role": base.text}),
    "decisions": records_of(("text", "vote"), ("text",), {"text": base.text, "vote": _vote}),
    "actions": records_of(
        ("task", "owner", "due", "status", "done_on", "evidence", "reason"),
        ("task", "owner", "due"),
        {
            "task": base.text,
            "owner": base.text,
            "due": base.date,
            "status": _action_status,
            "done_on": base.date,
            "evidence": base.text,
            "reason": base.text,
        },
    ),
    "voided": lambda c, v, p: _voided(c, v, p),
}


def _voided(check: Checker, value: Any, path: tuple) -> Any:
    mapping = check.mapping(value, path)
    if mapping is None:
        return None
    check.unknown_keys(mapping, ("on", "reason"), path)
    if mapping.get("on") is None or not mapping.get("reason"):
        check.add(path, "MISSING-FIELD", t("schema.voided_reason"))
    return {
        "on": check.date(mapping.get("on"), path + ("on",)),
        "reason": check.text(mapping.get("reason"), path + ("reason",)),
    }


# ---------------------------------------------------------------------------------------------
# rules


def _check_id(check: Checker, record: dict, ctx: Context) -> None:
    record_id = record.get("id")
    if not isinstance(record_id, str):
        return
    match = ID_PATTERN.match(record_id)
    if not match:
        check.add(("id",), "BAD-ID", t("schema.bad_id", id=record_id), t("schema.bad_id.hint"))
        return
    day, kind = match.group(1), match.group(2)
    date = record.get("date")
    if (isinstance(date, dt.date) and date.isoformat() != day) or (
        record.get("kind") and kind != record["kind"]
    ):
        check.add(
            ("id",), "ID-MISMATCH", t("schema.id_date", id=record_id), t("record.id_changed.hint")
        )
    if ctx.stem is not None and ctx.stem != record_id:
        check.add(
            ("id",),
            "ID-MISMATCH",
            t("schema.id_mismatch", id=record_id, stem=ctx.stem),
            t("schema.id_mismatch.hint"),
        )
    if ctx.folder is not None and ctx.folder != day[:4]:
        check.add(
            ("id",),
            "WRONG-FOLDER",
            t("schema.wrong_folder", year=day[:4]),
            t("schema.wrong_folder.hint", year=day[:4]),
        )


def _check_dates(check: Checker, record: dict, today: dt.date) -> None:
    date = record.get("date")
    if isinstance(date, dt.date) and date > today:
        check.add(
            ("date",),
            "FUTURE-DATE",
            t("schema.future_date", date=date, today=today),
            t("schema.future_date.hint"),
        )
    start, end = record.get("start"), record.get("end")
    if (
        isinstance(start, str)
        and isinstance(end, str)
        and ":" in start
        and ":" in end
        and end <= start
    ):
        check.add(
            ("end",),
            "BAD-TIME",
            t("schema.end_before_start", start=start, end=end),
            t("schema.end_before_start.hint"),
        )


def member_names(record: dict) -> list[tuple[tuple, str]]:
    """Every (path, name) in the record that must be a member of the roster: the names its type
    holds (types/<type>.py)."""
    typ = TYPES.get(str(record.get("type")))
    return named(record, typ.names) if typ else []


def former_name(name: str, member: Any, former: Any) -> tuple[str, str]:
    """The message and hint for a record naming a member by a name given up before its date."""
    return (
        t("schema.former_name", name=name, now=member.name, until=former.until),
        t("schema.former_name.hint", name=name, now=member.name),
    )


def as_now(record: dict, roster: Roster) -> dict:
    """The record with each name a member bore when it was written (a former name, SPEC: renames
    reach no old record) read as the member's name today, for counting and comparing; the record
    itself is unchanged."""
    if not roster.has_renames():
        return record
    day = record.get("date")
    day = day if isinstance(day, dt.date) else parse_date(str(day))
    renames = {}
    for _path, name in member_names(record):
        member = roster.named(name, day)
        if member is not None and member.name != name:
            renames[name] = member.name
    if not renames:
        return record
    import copy

    out = copy.deepcopy(record)
    for path, name in member_names(record):
        if name in renames:
            *parents, last = path
            holder = out
            for key in parents:
                holder = holder[key]
            if path[0] == "hours_by_member":  # the name is the key
                holder[renames[name]] = holder.pop(last)
            else:
                holder[last] = renames[name]
    return out


_list = listed


def _check_people(check: Checker, record: dict, roster: Roster) -> None:
    day = record["date"]
    for path, name in member_names(record):
        member = roster.named(name, day)  # a name the member bore then counts as the member
        renamed = roster.renamed(name) if member is None else None
        if renamed is not None:
            check.add(path, "FORMER-NAME", *former_name(name, *renamed))
        elif member is None:
            near = roster.suggest(name)
            hint = (
                t("schema.list_comma.hint", name=name)
                if "、" in str(name) or "，" in str(name)
                else t("schema.unknown_member.hint", suggestion=near)
                if near
                else t("schema.unknown_member.hint_none")
            )
            check.add(path, "UNKNOWN-MEMBER", t("schema.unknown_member", name=name), hint)
        elif not _active(member, record, day):
            check.add(
                path,
                "INACTIVE-MEMBER",
                t(
                    "schema.inactive_member",
                    name=name,
                    date=day,
                    joined=member.joined or "—",
                    left=member.left or "—",
                ),
                t("schema.inactive_member.hint", name=name),
            )
    record = as_now(record, roster)
    attendees = [n for n in _list(record, "attendees") if isinstance(n, str)]
    absent = [a.get("name") for a in _list(record, "absent") if isinstance(a, dict)]
    _check_duplicates(check, "attendees", attendees)
    _check_duplicates(check, "absent", absent)
    for i, name in enumerate(attendees):
        if name in absent:
            check.add(
                ("attendees", i),
                "ATTENDEE-ABSENT",
                t("schema.attendee_absent", name=name),
                t("schema.attendee_absent.hint"),
            )
    for key, message in (("host", "schema.host_absent"), ("recorder", "schema.recorder_absent")):
        person = record.get(key)
        if isinstance(person, str) and attendees and person not in attendees:
            check.add((key,), "NOT-PRESENT", t(message, name=person), t("schema.host_absent.hint"))
    _check_group(check, record, roster)
    _check_expected(check, record, roster, attendees, absent)


def _active(member: Member, record: dict, day: dt.date) -> bool:
    """Active on the record's date, or, for a type that covers a span (a dues month), on some
    day of it."""
    typ = TYPES.get(str(record.get("type")))
    span = typ.span(record) if typ and typ.span else None
    if span is None:
        return member.active_on(day)
    start, end = span
    return (member.joined is None or member.joined <= end) and (
        member.left is None or member.left >= start
    )


def _check_duplicates(check: Checker, key: str, names: list) -> None:
    seen: set = set()
    for i, name in enumerate(names):
        if name in seen:
            check.add((key, i), "DUPLICATE-NAME", t("schema.duplicate_name", name=name, field=key))
        seen.add(name)


def _check_group(check: Checker, record: dict, roster: Roster) -> None:
    group = record.get("group")
    if isinstance(group, str) and group not in roster.groups:
        check.add(
            ("group",),
            "UNKNOWN-GROUP",
            t("schema.unknown_group", group=group),
            t("schema.unknown_group.hint", groups=", ".join(roster.groups) or "—"),
        )


def expected_names(record: dict, roster: Roster) -> list[str] | None:
    """Who was expected (应到) on the record's date; None where the type has no expected list."""
    typ = TYPES.get(str(record.get("type")))
    if typ is None or typ.expected is None or not isinstance(record.get("date"), dt.date):
        return None
    return typ.expected(record, roster)


def _check_expected(
    check: Checker, record: dict, roster: Roster, attendees: list, absent: list
) -> None:
    expected = expected_names(record, roster)
    if expected is None:
        return
    for name in expected:
        if name not in attendees and name not in absent:
            check.warn(
                ("attendees",),
                "NOT-LISTED",
                t("schema.not_listed", name=name),
                t("schema.not_listed.hint"),
            )
    for i, name in enumerate(attendees):
        if name in roster.members and name not in expected:
            check.warn(
                ("attendees", i),
                "NOT-EXPECTED",
                t("schema.not_expected", name=name),
                t("schema.not_expected.hint"),
            )


def _check_actions(check: Checker, record: dict) -> None:
    day = record.get("date")
    for i, action in enumerate(_list(record, "actions")):
        if not isinstance(action, dict):
            continue
        due = action.get("due")
        if isinstance(due, dt.date) and isinstance(day, dt.date) and due < day:
            check.add(
                ("actions", i, "due"),
                "BAD-DATE",
                t("schema.action_due", due=due, date=day),
                t("schema.action_due.hint"),
            )
        if action.get("status") == "done" and not action.get("evidence"):
            check.add(
                ("actions", i, "status"),
                "MISSING-FIELD",
                t("schema.action_done_evidence"),
                t("schema.action_done_evidence.hint"),
            )
    for i, decision in enumerate(_list(record, "decisions")):
        vote = decision.get("vote") if isinstance(decision, dict) else None
        present = len(_list(record, "attendees"))
        if isinstance(vote, dict) and present and sum(v or 0 for v in vote.values()) > present:
            check.add(
                ("decisions", i, "vote"),
                "BAD-VALUE",
                t("schema.vote_counts", total=sum(v or 0 for v in vote.values()), present=present),
            )


def to_json(value: Any) -> Any:
    """A record with dates as ISO strings: what `pw show --format json` prints."""
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
