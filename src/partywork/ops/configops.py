"""`pw config get|set` (SPEC §6.1): the branch settings of records/pw.yaml through pw, one commit
per change, each checked like the file before it is written."""

from __future__ import annotations

import datetime as dt
from typing import Any

from partywork.errors import InvalidRecords, UsageError
from partywork.i18n import t
from partywork.model import settings as settings_mod
from partywork.model.fields import parse_date, parse_number, suggest
from partywork.model.problems import ERROR
from partywork.storage import txn
from partywork.storage.repo import SETTINGS, Repo
from partywork.storage.yamlio import dump, parse

TEXT_KEYS = ("branch", "type", "parent", "lang", "signing")
NULLS = ("null", "~", "none")


def effective(settings: settings_mod.Settings) -> dict[str, Any]:
    """Every setting as it applies, the defaults filled in."""
    return {
        "branch": settings.branch,
        "type": settings.type,
        "parent": settings.parent,
        "lang": settings.lang,
        "year_start_month": settings.year_start_month,
        "rules": {
            kind: None
            if rule is None
            else {"every": rule.every, "min": rule.min, "per_group": rule.per_group}
            for kind, rule in settings.rules.items()
        },
        "late_after_days": settings.late_after_days,
        "attendance_floor": settings.attendance_floor,
        "study_hours": dict(settings.study_hours),
        "similarity_threshold": settings.similarity_threshold,
        "signing": settings.signing,
        "recorders": list(settings.recorders),
        "since": settings.since,
        "clock_skew_minutes": settings.clock_skew_minutes,
    }


def show(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, dict):
        return ", ".join(f"{k}: {show(v)}" for k, v in value.items())
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _unknown(key: str, choices: list[str]) -> UsageError:
    near = suggest(key, choices)
    return UsageError(
        t("config.unknown_key", key=key),
        t("schema.unknown_field.hint", suggestion=near)
        if near
        else t("config.unknown_key.hint", keys=", ".join(choices)),
    )


def keys() -> list[str]:
    """Every key `pw config` knows, dotted."""
    out = list(settings_mod.KEYS)
    for kind in settings_mod.RULE_KINDS:
        out += [f"rules.{kind}"] + [f"rules.{kind}.{k}" for k in ("every", "min", "per_group")]
    return out + ["study_hours.member", "study_hours.leader"]


def get(repo: Repo, key: str) -> Any:
    settings = repo.require_valid_settings()
    if key not in keys():
        raise _unknown(key, keys())
    return get_from(settings, key)


def _value(key: str, text: str) -> Any:
    """The typed value of what was typed, as a hand edit would have written it."""
    word = text.strip()
    if word.lower() in NULLS or word == "":
        return None
    top = key.split(".")[0]
    if top == "recorders":
        return [part.strip() for part in word.replace("，", ",").split(",") if part.strip()]
    if top == "since":
        return parse_date(word) or word
    if top in TEXT_KEYS:
        return word
    if word.lower() in ("true", "false"):
        return word.lower() == "true"
    number = parse_number(word)
    return word if number is None else number


def _typed(data: Any, path: tuple = ()) -> Any:
    """The file as read is all text; numbers and true/false go back as they were written."""
    if isinstance(data, dict):
        return {k: _typed(v, path + (k,)) for k, v in data.items()}
    if isinstance(data, list):
        return [_typed(v, path) for v in data]
    if not isinstance(data, str) or (path and path[0] in TEXT_KEYS + ("recorders",)):
        return data
    if path and path[0] == "since":
        return parse_date(data) or data
    return _value(".".join(map(str, path)) or "x", data) if data.strip() else data


def set_value(repo: Repo, key: str, text: str, reason: str) -> tuple[Any, bool]:
    """Set one dotted key; returns (the value now in force, whether a commit was made)."""
    parts = key.split(".")
    if key not in keys():
        raise _unknown(key, keys())
    result: list[Any] = []

    def build() -> txn.Change | None:
        repo.reload()
        raw = (repo.root / SETTINGS).read_bytes()
        doc, problems = parse(raw, SETTINGS)
        if doc is None:
            raise InvalidRecords(t("settings.invalid"), problems, t("settings.invalid.hint"))
        data = _typed(doc.data)
        node = data
        for part in parts[:-1]:
            if not isinstance(node.get(part), dict):
                node[part] = {}
            node = node[part]
        node[parts[-1]] = _value(key, text)
        new = dump(data).encode("utf-8")
        new_doc, problems = parse(new, SETTINGS)
        if new_doc is not None:
            problems += settings_mod.parse(new_doc, SETTINGS)[1]
        errors = [p for p in problems if p.severity == ERROR]
        if errors:
            raise InvalidRecords(t("config.invalid", key=key), errors, t("config.invalid.hint"))
        assert new_doc is not None
        now = settings_mod.parse(new_doc, SETTINGS)[0]
        old = settings_mod.parse(doc, SETTINGS)[0]
        result.append(get_from(now, key))
        if effective(now) == effective(old):
            return None
        subject = t("commit.config", key=key, value=show(result[0]))
        return {SETTINGS: new}, txn.message(subject, "config", reason=reason)

    committed = txn.commit_change(repo.git, build)
    return result[0], bool(committed)


def get_from(settings: settings_mod.Settings, key: str) -> Any:
    node: Any = effective(settings)
    for part in key.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node
