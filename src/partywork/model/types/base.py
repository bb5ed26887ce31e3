"""What a record type is (RecordType), and the pieces its module builds it from: converters that
type a field, the fields that hold member names, checks, `pw log` options. The common fields of
SPEC §5.1 live here once; each type module says which of them it takes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from partywork.model.fields import Checker

if TYPE_CHECKING:  # the roster (and PyYAML behind it) is not needed to build the CLI
    from partywork.model.roster import Roster

Converter = Callable[[Checker, Any, tuple], Any]


@dataclass(repr=False, eq=False)  # generated methods cost start-up time (see benchmarks)
class Context:
    """What validation needs besides the file: the roster, today, and where the file lies."""

    roster: Roster
    today: dt.date
    stem: str | None = None
    folder: str | None = None


Check = Callable[[Checker, dict, Context], None]
Expected = Callable[[dict, "Roster"], "list[str] | None"]


@dataclass(frozen=True, repr=False, eq=False)
class Kind:
    """A kind: its English name (in ids and files), its Chinese names (the first is its label;
    the others are accepted on the command line), and the fields only this kind has."""

    name: str
    zh: tuple[str, ...]
    fields: tuple[str, ...] = ()
    required: tuple[str, ...] = ()


def without_unit(text: str, *units: str) -> str:
    """A number typed with its unit (90元, 2.5小时): the number alone, as files keep it."""
    stripped = text.strip()
    for unit in units:
        if stripped.endswith(unit) and stripped[: -len(unit)].strip():
            return stripped[: -len(unit)].strip()
    return stripped


def hours_typed(text: str) -> str:
    return without_unit(text, "个学时", "学时", "小时", "h")


@dataclass(frozen=True, repr=False, eq=False)
class LogOption:
    """A `pw log TYPE` flag that sets one field. `parse` turns the typed text (each repetition,
    when repeatable) into the field's value; None keeps the text."""

    flag: str
    field: str
    help: str
    repeatable: bool = False
    parse: Callable[[str], Any] | None = None

    @property
    def param(self) -> str:
        return self.flag.lstrip("-").replace("-", "_")


# (field, how): "" a name; "*" a list of names; "keys" a mapping keyed by name; any other text
# the key of each mapping in a list that holds a name
NamePath = tuple[str, str]


@dataclass(frozen=True, repr=False, eq=False)
class RecordType:
    name: str
    zh: tuple[str, ...]  # 会议 …: accepted by `pw list --type`
    help: str  # `pw log TYPE --help` (its Chinese is in i18n/helptext.py)
    kinds: tuple[Kind, ...]
    fields: tuple[str, ...]  # every field it may hold, in the order pw writes them
    required: tuple[str, ...]
    names: tuple[NamePath, ...]  # the fields that hold member names, checked against the roster
    converters: Mapping[str, Converter] = field(default_factory=dict)
    checks: tuple[Check, ...] = ()
    expected: Expected | None = None  # who was expected (应到); None: no expected list
    options: tuple[LogOption, ...] = ()  # its own `pw log` flags, beside the common ones
    common_options: tuple[str, ...] = ()  # which common flags apply (fields they set)
    form: tuple[str, ...] = ()  # the fields `pw show` prints, in order (and the binder's form)
    attended: bool = False  # counts toward attendance in reports
    non_empty: tuple[str, ...] = ()  # list fields that must have an item when required
    complete: Callable[[dict], dict] | None = None  # what pw log fills in from what was given
    # the days its members must belong to the branch on one of (default: its date)
    span: Callable[[dict], tuple[dt.date, dt.date] | None] | None = None

    @property
    def template(self) -> str:
        """The editor template's file name under templates/<lang>/."""
        return f"{self.name}.yaml"

    def kind(self, name: str | None) -> Kind | None:
        return next((k for k in self.kinds if k.name == name), None)

    def allowed(self, kind: str | None) -> tuple[str, ...]:
        """The fields a record of this kind may hold: the kind's own, not other kinds'."""
        others = {f for k in self.kinds if k.name != kind for f in k.fields}
        found = self.kind(kind)
        mine = set(found.fields) if found else set()
        return tuple(f for f in self.fields if f not in others or f in mine)

    def required_for(self, kind: str | None) -> tuple[str, ...]:
        found = self.kind(kind)
        return self.required + (found.required if found else ())


# -- the common fields (SPEC §5.1) -----------------------------------------------------------

HEAD = ("schema", "id", "type", "kind", "title", "date")
TAIL = ("decisions", "actions", "late_reason", "voided")
# the common `pw log` flags of a type held as a meeting is (host, recorder, who came, what was said)
GATHERING_OPTIONS = (
    "start",
    "end",
    "place",
    "mode",
    "host",
    "recorder",
    "attendees",
    "absent",
    "topics",
    "minutes",
    "decisions",
    "actions",
)
MEETING_REQUIRED = (
    "schema",
    "id",
    "type",
    "kind",
    "title",
    "date",
    "place",
    "host",
    "recorder",
    "attendees",
)
# names every attended record holds
PEOPLE: tuple[NamePath, ...] = (
    ("host", ""),
    ("recorder", ""),
    ("attendees", "*"),
    ("absent", "name"),
    ("actions", "owner"),
)


def named(record: dict, paths: tuple[NamePath, ...]) -> list[tuple[tuple, str]]:
    """Every (path, name) in the record that must be a member of the roster."""
    found: list[tuple[tuple, str]] = []
    for key, how in paths:
        value = record.get(key)
        if how == "" and isinstance(value, str):
            found.append(((key,), value))
        elif how == "*" and isinstance(value, list):
            found += [((key, i), n) for i, n in enumerate(value) if isinstance(n, str)]
        elif how == "keys" and isinstance(value, dict):
            found += [((key, n), n) for n in value]
        elif how not in ("", "*", "keys") and isinstance(value, list):
            found += [
                ((key, i, how), item[how])
                for i, item in enumerate(value)
                if isinstance(item, dict) and isinstance(item.get(how), str)
            ]
    return found


# -- converters ------------------------------------------------------------------------------


def text(check: Checker, value: Any, path: tuple) -> Any:
    return check.text(value, path)


def names(check: Checker, value: Any, path: tuple) -> Any:
    found = check.texts(value, path)
    return [n.strip() for n in found] if found is not None else None


def date(check: Checker, value: Any, path: tuple) -> Any:
    return check.date(value, path)


def number(check: Checker, value: Any, path: tuple) -> Any:
    return check.number(value, path)


def records_of(
    keys: tuple[str, ...], required: tuple[str, ...], fields: dict[str, Callable]
) -> Converter:
    """A converter for a list of small mappings (absent, observers, actions, grades …)."""

    def convert(check: Checker, value: Any, path: tuple) -> list | None:
        items = check.sequence(value, path)
        if items is None:
            return None
        out = []
        for i, item in enumerate(items):
            where = path + (i,)
            mapping = check.mapping(item, where)
            if mapping is None:
                continue
            check.unknown_keys(mapping, keys, where)
            check.require(mapping, required, where)
            typed = {}
            for key in keys:
                if (
                    key in mapping
                    or key in fields
                    and getattr(fields[key], "default", None) is not None
                ):
                    raw = mapping.get(key)
                    typed[key] = fields[key](check, raw, where + (key,)) if key in fields else raw
                    if typed[key] is None and raw is not None:
                        typed[key] = raw
            out.append(typed)
        return out

    return convert


def org_person(check: Checker, value: Any, path: tuple) -> Any:
    """{name, org}: a guest lecturer, the supervising committee's representative."""
    mapping = check.mapping(value, path)
    if mapping is None:
        return None
    check.unknown_keys(mapping, ("name", "org"), path)
    check.require(mapping, ("name",), path)
    return {
        "name": check.text(mapping.get("name"), path + ("name",)),
        "org": check.text(mapping.get("org"), path + ("org",)),
    }


def choice_zh(choices: Mapping[str, tuple[str, ...]]) -> Converter:
    """An enumeration written in English, its Chinese names accepted on input and stored as the
    English value (优秀 → excellent)."""

    def convert(check: Checker, value: Any, path: tuple) -> Any:
        if isinstance(value, str):
            stripped = value.strip()
            for english, chinese in choices.items():
                if stripped.casefold() == english or stripped in chinese:
                    return english
        from partywork.i18n import paren

        labels = [f"{english}{paren(chinese[0])}" for english, chinese in choices.items()]
        return check.choice(value, path, labels) if value is not None else None

    return convert


def all_active(record: dict, roster: Roster) -> list[str] | None:
    """Expected attendance of a general-style meeting: every member active on its date."""
    day = record.get("date")
    return [m.name for m in roster.active(day)] if isinstance(day, dt.date) else None


def listed(record: dict, key: str) -> list:
    value = record.get(key)
    return value if isinstance(value, list) else []
