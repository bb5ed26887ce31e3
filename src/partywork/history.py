"""Every version of every record, from one pass over the git history (SPEC §9, `pw history`)."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from . import gitio
from .errors import DataError, NotFound
from .gitio import Commit, Git
from .i18n import t
from .schema import ID_PATTERN
from .yamlio import parse

_RECORD_PATH = re.compile(r"^records/\d{4}/(" + ID_PATTERN.pattern.strip("^$") + r")\.yaml$")


@dataclass(repr=False, eq=False)  # generated methods cost start-up time (see benchmarks)
class Version:
    record: str
    path: str
    status: str  # A added, M modified, D deleted
    commit: Commit


def record_id(path: str) -> str | None:
    match = _RECORD_PATH.match(path)
    return match.group(1) if match else None


def versions_by_record(commits: list[Commit], months: set[str] | None = None) -> dict[str, list[Version]]:
    """record id → its versions, oldest first (of records of these months only, when given)."""
    found: dict[str, list[Version]] = {}
    for commit in reversed(commits):
        for status, path in commit.files:
            if months is not None and path.rsplit("/", 1)[-1][:7] not in months:
                continue
            rid = record_id(path)
            if rid:
                found.setdefault(rid, []).append(Version(rid, path, status, commit))
    return found


def record_history(git: Git, ident: str) -> dict:
    if not ID_PATTERN.match(ident or ""):
        raise DataError(t("record.invalid_id", id=ident), t("schema.bad_id.hint"))
    versions = versions_by_record(gitio.history(git, f"records/{ident[:4]}/{ident}.yaml")).get(ident)
    if not versions:
        raise NotFound(t("record.not_found", id=ident), t("record.not_found.hint"))
    contents = _contents(git, versions)
    out = []
    for i, version in enumerate(versions):
        before = contents[i - 1] if i else None
        after = contents[i]
        out.append(_version_json(version, field_changes(before, after) if i else []))
    return {"schema": "pw.history/1", "record": ident, "versions": list(reversed(out))}


def _contents(git: Git, versions: list[Version]) -> list[dict | None]:
    specs = [f"{v.commit.hash}:{gitio.top_path(git, v.path)}" for v in versions]
    out = []
    for version, raw in zip(versions, gitio.blobs(git, specs)):
        if version.status == "D" or raw is None:
            out.append(None)
            continue
        doc, _problems = parse(raw, version.path)
        out.append(doc.data if doc else {"<unreadable>": raw.decode("utf-8", "replace")})
    return out


def _version_json(version: Version, changes: list[dict]) -> dict:
    commit = version.commit
    action = commit.action or ("deleted" if version.status == "D" else "outside-pw")
    return {"commit": commit.hash, "author": commit.author, "email": commit.author_email, "date": commit.commit_date,
            "author_date": commit.author_date, "action": action, "reason": commit.trailers.get("Pw-Reason"),
            "changes": changes}


def field_changes(before: dict | None, after: dict | None) -> list[dict]:
    before, after = before or {}, after or {}
    keys = list(before) + [k for k in after if k not in before]
    return [{"field": k, "before": before.get(k), "after": after.get(k)} for k in keys if before.get(k) != after.get(k)]


def describe(change: dict) -> str:
    """One line for a terminal: `attendees: +李芳 −张强`, `minutes: 3 lines changed`, `place: a → b`."""
    before, after = change["before"], change["after"]
    if isinstance(before, list) or isinstance(after, list):
        old, new = [_short(x) for x in before or []], [_short(x) for x in after or []]
        added = [f"+{x}" for x in new if x not in old]
        removed = [f"−{x}" for x in old if x not in new]
        return f"{change['field']}: {' '.join(added + removed) or t('history.reordered')}"
    if isinstance(before, str) and isinstance(after, str) and ("\n" in before or "\n" in after):
        diff = difflib.ndiff(before.splitlines(), after.splitlines())
        changed = sum(1 for line in diff if line.startswith(("+ ", "- ")))
        return f"{change['field']}: {t('history.lines_changed', count=changed)}"
    return f"{change['field']}: {_short(before)} → {_short(after)}"


def _short(value: Any) -> str:
    if value is None:
        return "∅"
    if isinstance(value, dict):
        return value.get("name") or value.get("task") or value.get("text") or ", ".join(f"{k}={v}" for k, v in value.items())
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"
