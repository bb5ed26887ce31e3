"""Every version of a record, from the audit's reading of the history (SPEC §9, `pw history`)."""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING, Any

from partywork.analysis import changes
from partywork.errors import DataError, NotFound
from partywork.i18n import comma, listed, t
from partywork.model.schema import ID_PATTERN
from partywork.storage.git import gitio
from partywork.storage.git.gitio import Git
from partywork.storage.yamlio import MAX_BYTES, parse

if TYPE_CHECKING:
    from partywork.analysis.audit import Version

ROSTER = "records/members.yaml"
_RECORD_PATH = re.compile(r"^records/\d{4}/(" + ID_PATTERN.pattern.strip("^$") + r")\.yaml$")


def record_id(path: str) -> str | None:
    match = _RECORD_PATH.match(path)
    return match.group(1) if match else None


def record_history(git: Git, ident: str) -> dict:
    """Every version of the record, wherever its file was (a move or a merge included): the
    audit's own reading of the history (changes.py), so history and audit never disagree."""
    from partywork.analysis.audit import _versions

    if not ID_PATTERN.match(ident or ""):
        raise DataError(t("record.invalid_id", id=ident), t("schema.bad_id.hint"))
    versions = _versions(changes.walk(git)).get(ident)
    if not versions:
        raise NotFound(t("record.not_found", id=ident), t("record.not_found.hint"))
    contents = _contents(git, versions)
    out = []
    for i, version in enumerate(versions):
        before = contents[i - 1] if i else None
        out.append(_version_json(version, field_changes(before, contents[i]) if i else []))
    return {"schema": "pw.history/1", "record": ident, "versions": list(reversed(out))}


def member_history(git: Git, names: set[str]) -> dict:
    """Every roster commit that changed this member's entry (under any of `names`, and the names a
    rename gave it since), newest first: the same shape as a record's history, so a leave, a
    rename or a removal shows with who, when and the reason given (`--reason`)."""
    commits = [c for c in changes.walk(git) if any(f[1] == ROSTER for f in c.files)]
    blobs = [next(f[3] for f in c.files if f[1] == ROSTER) for c in commits]
    wanted = [b for b in blobs if not set(b) <= {"0"}]
    found = dict(zip(wanted, gitio.objects(git, wanted, limit=MAX_BYTES), strict=True))
    rosters = [_entries(o[2]) if (o := found.get(blob)) else [] for blob in blobs]
    names = _aliases(rosters[::-1], _aliases(rosters, set(names)))  # renames either way
    out, before = [], None
    for commit, entries in zip(commits, rosters, strict=True):
        after = next((m for m in entries if m.get("name") in names), None)
        if after != before:
            out.append(_version_json_of(commit, field_changes(before, after) if before else []))
        before = after
    if not out:
        raise NotFound(t("member.not_found", name=listed(sorted(names))))
    return {"schema": "pw.history/1", "member": sorted(names)[0], "versions": list(reversed(out))}


def _aliases(rosters: list[list[dict]], names: set[str]) -> set[str]:
    """`names` and every name a rename gave the member, walking the rosters in the order given."""
    names, previous = set(names), None
    known: set[str] = set()
    for entries in rosters:
        current = _entry(entries, names, previous, known)
        if current is not None:
            names.add(str(current.get("name")))
        previous, known = current, {str(m.get("name")) for m in entries}
    return names


def _entries(raw: bytes) -> list[dict]:
    doc, _problems = parse(raw, ROSTER)
    members = doc.data.get("members") if doc and isinstance(doc.data, dict) else None
    return [m for m in members if isinstance(m, dict)] if isinstance(members, list) else []


def _entry(
    entries: list[dict], names: set[str], before: dict | None, known: set[str]
) -> dict | None:
    """The member's entry: by name, else (a rename) the one new name whose entry is `before` but
    for its name."""
    same = [m for m in entries if m.get("name") in names]
    if same or before is None:
        return same[0] if same else None
    unchanged = {k: v for k, v in before.items() if k not in ("name", "former_names")}
    renamed = [
        m
        for m in entries
        if m.get("name") not in known and all(m.get(k) == v for k, v in unchanged.items())
    ]
    return renamed[0] if len(renamed) == 1 else None


def _contents(git: Git, versions: list[Version]) -> list[dict | None]:
    blobs = [next(f[3] for f in v.commit.files if f[1] == v.path) for v in versions]
    found = gitio.objects(git, [b for b in blobs if not set(b) <= {"0"}], limit=MAX_BYTES)
    by_blob = {
        b: o[2]
        for b, o in zip([b for b in blobs if not set(b) <= {"0"}], found, strict=False)
        if o is not None
    }
    out: list[dict | None] = []
    for version, blob in zip(versions, blobs, strict=False):
        raw = by_blob.get(blob)
        if version.status == "D" or raw is None:
            out.append(None)
            continue
        doc, _problems = parse(raw, version.path)
        out.append(doc.data if doc else {"<unreadable>": raw.decode("utf-8", "replace")})
    return out


def _version_json(version: Version, changes: list[dict]) -> dict:
    return _version_json_of(version.commit, changes, deleted=version.status == "D")


def _version_json_of(commit: changes.Change, diffs: list[dict], deleted: bool = False) -> dict:
    action = (commit.action if commit.by_pw else None) or (
        "deleted" if deleted else "merge" if commit.is_merge else "outside-pw"
    )
    return {
        "commit": commit.hash,
        "author": commit.author,
        "email": commit.author_email,
        "date": commit.commit_date,
        "author_date": commit.author_date,
        "action": action,
        "reason": commit.trailers.get("Pw-Reason"),
        "changes": diffs,
    }


def field_changes(before: dict | None, after: dict | None) -> list[dict]:
    """What changed, field by field; in a list of mappings (actions, absent, decisions) item by
    item and key by key: `actions#1.status`, numbered from 1 as action ids are."""
    before, after = before or {}, after or {}
    keys = list(before) + [k for k in after if k not in before]
    out: list[dict] = []
    for key in keys:
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if isinstance(old, list) and isinstance(new, list) and _mappings(old) and _mappings(new):
            out += _item_changes(key, old, new)
        else:
            out.append({"field": key, "before": old, "after": new})
    return out


def _mappings(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(x, dict) for x in value)


def _item_changes(field: str, before: list, after: list) -> list[dict]:
    out: list[dict] = []
    for i in range(max(len(before), len(after))):
        old = before[i] if i < len(before) else None
        new = after[i] if i < len(after) else None
        name = f"{field}#{i + 1}"
        if old == new:
            continue
        if isinstance(old, dict) and isinstance(new, dict):
            keys = list(old) + [k for k in new if k not in old]
            out += [
                {"field": f"{name}.{k}", "before": old.get(k), "after": new.get(k)}
                for k in keys
                if old.get(k) != new.get(k)
            ]
        else:
            out.append({"field": name, "before": old, "after": new})
    return out


def describe(change: dict, shown_as: str | None = None) -> str:
    """One line for a terminal: `attendees: +李芳 −张强`, `minutes: 3 lines changed`, `place: a →
    b`; the field named `shown_as` when given (its label in the user's language), and stored words
    (`open`, `online`, `true`, a kind) in the user's language too."""
    before, after = change["before"], change["after"]
    key = change["field"].rpartition(".")[2].partition("#")[0]
    change = {**change, "field": shown_as or change["field"]}
    if isinstance(before, list) or isinstance(after, list):
        old = [_short(x, key) for x in before or []]
        new = [_short(x, key) for x in after or []]
        added = [f"+{x}" for x in new if x not in old]
        removed = [f"−{x}" for x in old if x not in new]
        return f"{change['field']}: {' '.join(added + removed) or t('history.reordered')}"
    if isinstance(before, str) and isinstance(after, str) and ("\n" in before or "\n" in after):
        diff = difflib.ndiff(before.splitlines(), after.splitlines())
        changed = sum(1 for line in diff if line.startswith(("+ ", "- ")))
        return f"{change['field']}: {t('history.lines_changed', count=changed)}"
    return f"{change['field']}: {_short(before, key)} → {_short(after, key)}"


def shown_value(path: str, value: Any) -> str:
    """A stored value of the field at `path` (`actions#1.status`) as the user reads it."""
    key = path.rpartition(".")[2].partition("#")[0]
    if isinstance(value, list):
        return listed(_short(x, key) for x in value) or t("history.none")
    return _short(value, key)


# the catalogue's words for a field's stored values (JSON keeps the stored ones)
_VALUE_WORDS = {
    "kind": ("kind.",),
    "mode": ("mode.",),
    "status": ("action.", "status."),  # an action's, or a member's
    "grade": ("grade.",),
    "role": ("role.",),
}
_FLAGS = ("excused", "voting")  # read back as the text YAML holds


def _short(value: Any, key: str = "") -> str:
    if value is None:
        return t("history.none")
    if isinstance(value, bool) or key in _FLAGS and value in ("true", "false"):
        return t("label.yes" if value in (True, "true") else "label.no")
    if isinstance(value, dict):
        return str(
            value.get("name")
            or value.get("task")
            or value.get("text")
            or comma().join(
                f"{_label(k, 'history.item.', 'label.')} {_short(v, k)}" for k, v in value.items()
            )
        )
    text = str(value)
    if key in _VALUE_WORDS and isinstance(value, str):
        text = _label(value, *_VALUE_WORDS[key])
    return text if len(text) <= 60 else text[:57] + "…"


# what a version's action is called on a terminal (JSON keeps pw's own words)
ACTIONS: tuple[str, ...] = ("log", "edit", "void", "action-done", "action-drop", "resolve")
ACTIONS += ("deleted", "merge", "init", "member", "member-edit", "member-remove")
ACTIONS += ("member-promote", "member-import", "group")


def action_label(action: str) -> str:
    return t("history.action." + action) if action in ACTIONS + ("outside-pw",) else action


def field_label(path: str) -> str:
    """`actions#2.status` as the user reads it: 议定/整改事项#2.状态."""
    head, _, inner = path.partition(".")
    key, hash_, number = head.partition("#")
    shown = _label(key, "label.") + hash_ + number
    return shown + ("." + (_label(inner, "history.item.", "label.")) if inner else "")


def _label(key: str, *prefixes: str) -> str:
    for prefix in prefixes:
        text = t(prefix + key)
        if text != prefix + key:
            return text
    return key
