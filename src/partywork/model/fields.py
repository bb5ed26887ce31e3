"""Typing a parsed document by its schema: every value arrives as text and leaves as the type the
field declares, or as a problem with the file, line and a hint."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from partywork.i18n import paren, t
from partywork.model.problems import ERROR, WARNING, Problem, Severity

if TYPE_CHECKING:  # dates are parsed at start-up (--today); PyYAML is not needed for that
    from partywork.storage.yamlio import Document

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_NUMBER = re.compile(r"^\d+(\.\d+)?$")
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}


def parse_date(text: str) -> dt.date | None:
    match = _DATE.match(text.strip()) if isinstance(text, str) else None
    if not match:
        return None
    try:
        return dt.date(*map(int, match.groups()))
    except ValueError:
        return None


# What a recorder types on the command line or in a spreadsheet: 2026/8/30, 2026.8.30, 2026年8月30日
_TYPED_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def parse_typed_date(text: str) -> dt.date | None:
    """A date as typed (options, imports); files keep the one form YYYY-MM-DD."""
    match = _TYPED_DATE.match(text.strip()) if isinstance(text, str) else None
    if not match:
        return None
    try:
        return dt.date(*map(int, match.groups()))
    except ValueError:
        return None


def parse_number(text: Any) -> float | int | None:
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return text
    if not isinstance(text, str) or not _NUMBER.match(text.strip()):
        return None
    number = float(text)
    return int(number) if number.is_integer() else number


def suggest(word: str, choices: Iterable[str]) -> str | None:
    """The nearest of choices, for 'did you mean'. Chinese names are short, so the cut-off is
    low."""
    import difflib  # only when something is misspelt

    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.5)
    return found[0] if found else None


def label(path: tuple) -> str:
    """A field's path as a recorder counts: list items from 1 (actions#2.due), as action ids and
    pw history number them; with the names pw show prints when it has them, so a recorder who
    typed options reads 学时（hours）, and one editing the file still finds the key."""
    out = human = ""
    for part in path:
        if isinstance(part, int):
            out, human = out + f"#{part + 1}", human + f"#{part + 1}"
            continue
        out += f".{part}" if out else str(part)
        human += f".{_named(str(part))}" if human else _named(str(part))
    return out if human == out else human + paren(out)


def _named(key: str) -> str:
    for prefix in ("label.", "history.item."):
        said = t(prefix + key)
        if said != prefix + key:
            return said
    return key


class Checker:
    """Collects problems for one file while converting its values."""

    def __init__(self, doc: Document, file: str) -> None:
        self.doc = doc
        self.file = file
        self.problems: list[Problem] = []

    def add(
        self, path: tuple, code: str, message: str, hint: str = "", severity: Severity = ERROR
    ) -> None:
        line, column = self.doc.where(path)
        self.problems.append(Problem(code, severity, self.file, line, column, message, hint))

    def warn(self, path: tuple, code: str, message: str, hint: str = "") -> None:
        self.add(path, code, message, hint, WARNING)

    def _bad_type(self, path: tuple, expected: str) -> None:
        self.add(
            path,
            "BAD-TYPE",
            t("schema.bad_type", field=label(path), expected=t(f"expected.{expected}")),
        )

    def text(self, value: Any, path: tuple, required: bool = False) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            self._bad_type(path, "string")
            return None
        from partywork.storage.yamlio import forbidden_character

        bad = forbidden_character(value)
        if bad:
            self.add(
                path,
                "CONTROL-CHAR",
                t("schema.bad_text", field=label(path), code=bad),
                t("yaml.control_char.hint"),
            )
        if required and not value.strip():
            self.add(path, "EMPTY-FIELD", t("schema.empty_text", field=label(path)))
        return value

    def date(self, value: Any, path: tuple) -> dt.date | None:
        if value is None:
            return None
        if isinstance(value, dt.date):
            return value
        parsed = parse_date(value) if isinstance(value, str) else None
        if parsed is None:
            self.add(
                path,
                "BAD-DATE",
                t("schema.bad_date", field=label(path), value=value),
                t("schema.bad_date.hint"),
            )
        return parsed

    def time(self, value: Any, path: tuple) -> str | None:
        if value is None:
            return None
        match = _TIME.match(value) if isinstance(value, str) else None
        if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
            self.add(
                path,
                "BAD-TIME",
                t("schema.bad_time", field=label(path), value=value),
                t("schema.bad_time.hint"),
            )
            return None
        return f"{int(match.group(1)):02d}:{match.group(2)}"

    def number(self, value: Any, path: tuple) -> float | int | None:
        if value is None:
            return None
        number = parse_number(value)
        if number is None:
            self.add(path, "BAD-NUMBER", t("schema.bad_number", field=label(path), value=value))
        return number

    def integer(self, value: Any, path: tuple) -> int | None:
        number = self.number(value, path)
        if number is not None and not isinstance(number, int):
            self._bad_type(path, "integer")
            return None
        return number

    def boolean(self, value: Any, path: tuple, default: bool) -> bool:
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        self.add(path, "BAD-VALUE", t("schema.bad_bool", field=label(path), value=value))
        return default

    def choice(self, value: Any, path: tuple, choices: Iterable[str]) -> str | None:
        if value is None:
            return None
        options = list(choices)
        if value not in options:
            self.add(
                path,
                "BAD-VALUE",
                t("schema.bad_choice", field=label(path), value=value),
                t("schema.bad_choice.hint", choices=", ".join(options)),
            )
            return None
        return value

    def mapping(self, value: Any, path: tuple) -> dict | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            self._bad_type(path, "mapping")
            return None
        return value

    def sequence(self, value: Any, path: tuple) -> list | None:
        if value is None:
            return None
        if not isinstance(value, list):
            self._bad_type(path, "list")
            return None
        return value

    def texts(self, value: Any, path: tuple) -> list[str] | None:
        items = self.sequence(value, path)
        if items is None:
            return None
        out = []
        for i, item in enumerate(items):
            text = self.text(item, path + (i,))
            if text is not None:
                out.append(text)
        return out

    def unknown_keys(self, mapping: dict, allowed: Iterable[str], path: tuple = ()) -> None:
        known = list(allowed)
        for key in mapping:
            if key not in known:
                near = suggest(key, known)
                hint = (
                    t("schema.unknown_field.hint", suggestion=near)
                    if near
                    else t("schema.unknown_field.hint_none")
                )
                self.add(
                    path + (key,),
                    "UNKNOWN-FIELD",
                    t("schema.unknown_field", field=label(path + (key,))),
                    hint,
                )

    def require(self, mapping: dict, keys: Iterable[str], path: tuple = ()) -> None:
        for key in keys:
            if mapping.get(key) is None:
                where = path + (key,) if key in mapping else path
                self.add(
                    where,
                    "MISSING-FIELD",
                    t("schema.missing", field=label(path + (key,))),
                    t("schema.missing.hint", field=key),
                )
