"""records/pw.yaml: the branch's settings (SPEC §3), with the defaults of DOMAIN.md."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from partywork.i18n import t
from partywork.model.fields import Checker, parse_number, suggest
from partywork.model.problems import Problem
from partywork.storage.yamlio import Document

BRANCH_TYPES = ("formal", "temporary", "joint")
EVERY = ("month", "quarter", "year")
RULE_KINDS = ("general", "committee", "group", "lecture", "theme-day", "org-life")
SIGNING = ("off", "sign", "require")

DEFAULT_RULES: dict[str, dict[str, Any]] = {
    "general": {"every": "quarter", "min": 1},
    "committee": {"every": "month", "min": 1},
    "group": {"every": "month", "min": 1, "per_group": True},
    "lecture": {"every": "quarter", "min": 1},
    "theme-day": {"every": "month", "min": 1},
    "org-life": {"every": "year", "min": 1},
}


@dataclass(frozen=True, repr=False)
class Rule:
    kind: str
    every: str
    min: int
    per_group: bool = False


@dataclass
class Settings:
    branch: str = ""
    type: str = "formal"
    parent: str = ""
    lang: str = "zh"
    year_start_month: int = 1
    rules: dict[str, Rule | None] = field(default_factory=dict)
    late_after_days: int = 3
    attendance_floor: float = 0.8
    study_hours: dict[str, float] = field(default_factory=lambda: {"member": 32, "leader": 56})
    similarity_threshold: float = 0.8
    signing: str = "off"
    recorders: list[str] = field(default_factory=list)
    since: dt.date | None = None  # the record book's first day: periods before it are not judged
    clock_skew_minutes: int = 10


KEYS = (
    "branch",
    "type",
    "parent",
    "lang",
    "year_start_month",
    "rules",
    "late_after_days",
    "attendance_floor",
    "study_hours",
    "similarity_threshold",
    "signing",
    "recorders",
    "since",
    "clock_skew_minutes",
)


def parse(doc: Document, file: str) -> tuple[Settings, list[Problem]]:
    check = Checker(doc, file)
    data = doc.data
    check.unknown_keys(data, KEYS)
    settings = Settings(rules=_rules(check, data.get("rules", _ABSENT)))
    settings.branch = check.text(data.get("branch"), ("branch",)) or ""
    if not settings.branch.strip():
        check.add(
            ("branch",),
            "MISSING-FIELD",
            t("settings.missing_branch"),
            t("settings.missing_branch.hint"),
        )
    settings.type = check.choice(data.get("type"), ("type",), BRANCH_TYPES) or "formal"
    settings.parent = check.text(data.get("parent"), ("parent",)) or ""
    settings.lang = check.choice(data.get("lang"), ("lang",), ("zh", "en")) or "zh"
    settings.signing = check.choice(data.get("signing"), ("signing",), SIGNING) or "off"
    settings.year_start_month = _bounded(
        check, data, "year_start_month", 1, 12, "month", 1, whole=True
    )
    settings.late_after_days = _bounded(
        check, data, "late_after_days", 0, 3650, "integer", 3, whole=True
    )
    settings.clock_skew_minutes = _bounded(
        check, data, "clock_skew_minutes", 0, 1440, "integer", 10, whole=True
    )
    settings.attendance_floor = _bounded(check, data, "attendance_floor", 0, 1, "fraction", 0.8)
    settings.similarity_threshold = _bounded(
        check, data, "similarity_threshold", 0, 1, "fraction", 0.8
    )
    settings.study_hours = _study_hours(check, data.get("study_hours"))
    settings.recorders = check.texts(data.get("recorders"), ("recorders",)) or []
    settings.since = None if data.get("since") is None else check.date(data["since"], ("since",))
    return settings, check.problems


_ABSENT = object()


def _bad(check: Checker, key: tuple, value: Any, expected: str) -> None:
    check.add(
        key,
        "BAD-VALUE",
        t("settings.bad_value", key=".".join(map(str, key)), value=value),
        t("settings.bad_value.hint", expected=t(f"expected.{expected}")),
    )


def _bounded(
    check: Checker,
    data: dict,
    key: str,
    low: float,
    high: float,
    expected: str,
    default: Any,
    whole: bool = False,
) -> Any:
    value = data.get(key)
    if value is None:
        return default
    number = parse_number(value)
    if number is None or not low <= number <= high or (whole and not isinstance(number, int)):
        _bad(check, (key,), value, expected)
        return default
    return number


def _study_hours(check: Checker, value: Any) -> dict[str, float]:
    hours: dict[str, float] = {"member": 32, "leader": 56}
    mapping = check.mapping(value, ("study_hours",))
    if not mapping:
        return hours
    check.unknown_keys(mapping, hours, ("study_hours",))
    for key in hours:
        if mapping.get(key) is not None:
            number = parse_number(mapping[key])
            if number is None:
                _bad(check, ("study_hours", key), mapping[key], "number")
            else:
                hours[key] = number
    return hours


def _rules(check: Checker, value: Any) -> dict[str, Rule | None]:
    rules: dict[str, Rule | None] = {k: Rule(k, **v) for k, v in DEFAULT_RULES.items()}
    if value is _ABSENT or value is None:
        return rules
    mapping = check.mapping(value, ("rules",))
    if mapping is None:
        return rules
    for kind, spec in mapping.items():
        path = ("rules", kind)
        if kind not in RULE_KINDS:
            near = suggest(kind, RULE_KINDS)
            check.add(
                path,
                "UNKNOWN-FIELD",
                t("settings.unknown_key", key=f"rules.{kind}"),
                t("schema.unknown_field.hint", suggestion=near) if near else "",
            )
            continue
        rules[kind] = None if spec is None else _rule(check, kind, spec, path)
    return rules


def _rule(check: Checker, kind: str, spec: Any, path: tuple) -> Rule | None:
    base = DEFAULT_RULES[kind]
    if not isinstance(spec, dict):
        _bad(check, path, spec, "rule")
        return Rule(kind, **base)
    check.unknown_keys(spec, ("every", "min", "per_group"), path)
    every = check.choice(spec.get("every"), path + ("every",), EVERY) or base["every"]
    minimum = (
        base["min"] if spec.get("min") is None else check.integer(spec["min"], path + ("min",))
    )
    per_group = check.boolean(
        spec.get("per_group"), path + ("per_group",), base.get("per_group", False)
    )
    return Rule(kind, every, minimum if minimum is not None else base["min"], per_group)


def default_text(
    branch: str, parent: str, branch_type: str, lang: str, since: dt.date | None = None
) -> dict:
    """The mapping `pw init` writes: every setting spelled out, so the branch sees what it can
    change."""
    return {
        "branch": branch,
        "type": branch_type,
        "parent": parent,
        "lang": lang,
        "year_start_month": 1,
        "rules": {k: dict(v) for k, v in DEFAULT_RULES.items()},
        "late_after_days": 3,
        "attendance_floor": 0.8,
        "study_hours": {"member": 32, "leader": 56},
        "similarity_threshold": 0.8,
        "signing": "off",
        "recorders": [],
        **({"since": since} if since else {}),
        "clock_skew_minutes": 10,
    }
