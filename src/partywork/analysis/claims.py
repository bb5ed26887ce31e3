"""Does a commit's change fit what it claims? (SPEC §9 FORGED, MISPLACED; issue 11.)

pw's trailers are text anyone can type. What pw can actually produce is narrow: `log` adds exactly
one record at the path its id implies, `void` only adds `voided`, and so on. Each commit's change
is compared with the change its claimed action produces; everything else is FORGED. Independently of
any claim, a record's id, type and date never change and its path follows from its id (MISPLACED).

This module also reads, from the same two versions of each file, what a supervisor needs later:
which record fields that matter were rewritten, which roster dates moved (they change who was
expected at past meetings) and which settings were weakened. All of it is a function of one commit
and its first parent, so it is worked out once per commit (changes.py keeps it).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from partywork.model.schema import ID_PATTERN
from partywork.storage.yamlio import parse

if TYPE_CHECKING:
    from partywork.analysis.changes import Change

SETTINGS = "records/pw.yaml"
ROSTER = "records/members.yaml"
ZERO = re.compile(r"^0+$")
# The record fields whose change alters what a report says happened (issue 11 scope 3)
WATCHED = (
    "attendees",
    "absent",
    "decisions",
    "hours",
    "hours_by_member",
    "grades",
    "payments",
    "exempt",
    "unpaid",
    "commendations",
)
ACTION_WATCHED = ("owner", "due")
# What `pw action done|drop` may change in the one action it names
ACTION_STATUS_FIELDS = {"status", "done_on", "evidence", "reason"}
ROSTER_ACTIONS = (
    "member",
    "member-edit",
    "member-remove",
    "member-promote",
    "member-import",
    "group",
)
SIGNING_RANK = {"off": 0, "sign": 1, "require": 2}
EVERY_RANK = {"month": 0, "quarter": 1, "year": 2}
DEFAULT_RULES = {
    "general": ("quarter", 1),
    "committee": ("month", 1),
    "group": ("month", 1),
    "lecture": ("quarter", 1),
    "theme-day": ("month", 1),
    "org-life": ("year", 1),
}
# setting → (default, which way is weaker: +1 higher, -1 lower)
NUMERIC = {
    "late_after_days": (3, 1),
    "clock_skew_minutes": (10, 1),
    "similarity_threshold": (0.8, 1),
    "attendance_floor": (0.8, -1),
}


def is_record_path(path: str) -> bool:
    return path.startswith("records/") and path.endswith(".yaml") and path not in (SETTINGS, ROSTER)


def canonical_path(record_id: str) -> str:
    return f"records/{record_id[:4]}/{record_id}.yaml"


def path_id(path: str) -> str | None:
    """The record id a file's name claims, when it is one."""
    stem = path.rsplit("/", 1)[-1][: -len(".yaml")] if path.endswith(".yaml") else ""
    return stem if ID_PATTERN.match(stem) else None


def blobs_wanted(changes: list[Change], bulk: int) -> set[str]:
    wanted: set[str] = set()
    for change in changes:
        records = [f for f in change.files if is_record_path(f[1])]
        if len(records) > bulk and not change.by_pw:
            records = []  # judged by path alone (changes.BULK)
        for _status, path, old, new in change.files:
            if path in (SETTINGS, ROSTER) or any(f[1] == path for f in records):
                wanted.update(b for b in (old, new) if not ZERO.match(b))
    return wanted


def parse_mapping(content: bytes, path: str) -> dict | None:
    """A settings, roster or record file's mapping, None when it does not read as one."""
    doc, _problems = parse(content, path)
    return doc.data if doc is not None and isinstance(doc.data, dict) else None


def _doc(contents: dict[str, bytes], blob: str, path: str) -> dict | None:
    if ZERO.match(blob) or blob not in contents:
        return None
    doc, _problems = parse(contents[blob], path)
    return doc.data if doc is not None and isinstance(doc.data, dict) else None


def judge(change: Change, contents: dict[str, bytes], bulk: int) -> dict[str, Any]:
    """Everything this commit's change says on its own: see the module's docstring."""
    verdict: dict[str, Any] = {
        "forged": [],
        "misplaced": [],
        "records": {},
        "rewrites": [],
        "roster": [],
        "weakened": [],
    }
    records = [f for f in change.files if is_record_path(f[1])]
    read = not (len(records) > bulk and not change.by_pw)
    versions: dict[str, tuple[dict | None, dict | None]] = {}
    for status, path, old, new in change.files:
        if path == SETTINGS:
            before, after = _doc(contents, old, path), _doc(contents, new, path)
            verdict["settings"] = policy(after) if status != "D" else policy(None)
            # an unreadable version holds nothing: pw would apply no rule of it. A pw.yaml that
            # comes into being is judged against the defaults pw init writes: a book begun by hand
            # with the rules off would otherwise never show them weakened
            verdict["weakened"] = weakened(before or {}, after or {}, begun=status == "A")
        elif path == ROSTER:
            verdict["roster"] = roster_moves(_doc(contents, old, path), _doc(contents, new, path))
        elif is_record_path(path):
            before = _doc(contents, old, path) if read else None
            after = _doc(contents, new, path) if read else None
            versions[path] = (before, after)
            verdict["records"][path] = _identity(path, before, after)
            _misplaced(verdict, status, path, before, after)
            fields = rewritten_fields(before, after) if status == "M" else []
            if fields:
                verdict["rewrites"].append([verdict["records"][path], fields])
    if change.action is not None:
        verdict["forged"] = forged(change, versions, verdict["roster"])
    # kept for every commit of the history: only what is not obvious from the paths
    verdict["records"] = {p: rid for p, rid in verdict["records"].items() if rid != path_id(p)}
    return {key: value for key, value in verdict.items() if value or key == "settings"}


def _identity(path: str, before: dict | None, after: dict | None) -> str:
    """The record a file holds: the id it carries, else the id its name claims, else its path."""
    for doc in (after, before):
        value = doc.get("id") if doc else None
        if isinstance(value, str) and ID_PATTERN.match(value):
            return value
    return path_id(path) or path


def _misplaced(
    verdict: dict, status: str, path: str, before: dict | None, after: dict | None
) -> None:
    rid = verdict["records"][path]
    if status != "D" and (not ID_PATTERN.match(rid) or canonical_path(rid) != path):
        verdict["misplaced"].append([rid, "audit.misplaced_path", {"path": path, "id": rid}])
    if status == "M" and before is not None and after is not None:
        for key in ("id", "type", "date"):
            if before.get(key) != after.get(key):
                verdict["misplaced"].append(
                    [
                        rid,
                        "audit.misplaced_field",
                        {
                            "field": key,
                            "before": _show(before.get(key)),
                            "after": _show(after.get(key)),
                        },
                    ]
                )


def _show(value: Any) -> str:
    if value is None:
        return "∅"
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "…"


# -- the claim -----------------------------------------------------------------------------------


def forged(
    change: Change,
    versions: dict[str, tuple[dict | None, dict | None]],
    moves: list[list] | None = None,
) -> list[list]:
    """Why this change cannot have come from the pw action its trailers name ([] when it can)."""
    action = change.action or ""
    if change.is_merge:
        return [["audit.forged_merge", {"action": action}]]
    record = change.trailers.get("Pw-Record", "")
    touched = [(f[0], f[1]) for f in change.files]
    if action in ("log", "edit", "void", "action-done", "action-drop", "resolve"):
        return _record_claim(change, action, record, touched, versions)
    if action in ROSTER_ACTIONS:
        return _only(touched, {ROSTER}, ("A", "M"), action) or _roster_claim(action, moves)
    if action == "config":
        return _only(touched, {SETTINGS}, ("M",), action)
    if action == "init":
        return _only(touched, {SETTINGS, ROSTER}, ("A", "M"), action)
    return [["audit.forged_action", {"action": _show(action)}]]


def _roster_claim(action: str, moves: list[list] | None) -> list[list]:
    """pw changes former names only by a rename (roster_moves leaves those out)."""
    if moves and former_names_moved(moves):
        return [["audit.forged_change", {"action": action, "what": "former_names"}]]
    return []


def _only(
    touched: list[tuple[str, str]], allowed: set[str], statuses: tuple[str, ...], action: str
) -> list[list]:
    bad = [
        f"{status} {path}"
        for status, path in touched
        if path not in allowed or status not in statuses
    ]
    return [["audit.forged_files", {"action": action, "files": _list(bad)}]] if bad else []


def _list(items: list[str]) -> str:
    return "、".join(items[:5]) + (f" …(+{len(items) - 5})" if len(items) > 5 else "")


def _record_claim(
    change: Change,
    action: str,
    record: str,
    touched: list[tuple[str, str]],
    versions: dict[str, tuple[dict | None, dict | None]],
) -> list[list]:
    if not ID_PATTERN.match(record):
        return [["audit.forged_no_record", {"action": action}]]
    path = canonical_path(record)
    if action == "resolve" and not touched:
        # keeping the version the history already ends on changes nothing (ops/sync.resolve)
        reason = change.trailers.get("Pw-Reason")
        return [] if reason else [["audit.forged_no_reason", {"action": action}]]
    expected = "A" if action == "log" else "M"
    if touched != [(expected, path)]:
        shown = _list([f"{s} {p}" for s, p in touched]) or "—"
        return [["audit.forged_files", {"action": action, "files": shown}]]
    before, after = versions.get(path, (None, None))
    if after is None or (expected == "M" and before is None):
        return [["audit.forged_unreadable", {"action": action, "path": path}]]
    if after.get("id") != record:
        return [
            ["audit.forged_id", {"action": action, "id": _show(after.get("id")), "record": record}]
        ]
    if action in ("edit", "void", "action-drop", "resolve") and not change.trailers.get(
        "Pw-Reason"
    ):
        return [["audit.forged_no_reason", {"action": action}]]
    problem = _shape(action, before or {}, after)
    return [["audit.forged_change", {"action": action, "what": problem}]] if problem else []


def _shape(action: str, before: dict, after: dict) -> str | None:
    """What, in the change from before to after, the action could not have done (None: nothing)."""
    if "voided" in before and before.get("voided") != after.get("voided"):
        return "voided"  # a void is for good: no pw action takes it back or rewrites it (H5)
    if action == "void":
        if "voided" in before or not isinstance(after.get("voided"), dict):
            return "voided"
        return _differing(before, after, {"voided"})
    if action in ("action-done", "action-drop"):
        return _action_change(action, before, after)
    if action == "edit" and before.get("voided") != after.get("voided"):
        return "voided"
    return None


def _differing(before: dict, after: dict, allowed: set[str]) -> str | None:
    changed = [
        k
        for k in dict.fromkeys([*before, *after])
        if k not in allowed and before.get(k) != after.get(k)
    ]
    return ", ".join(changed) if changed else None


def _action_change(action: str, before: dict, after: dict) -> str | None:
    other = _differing(before, after, {"actions"})
    if other:
        return other
    old, new = before.get("actions"), after.get("actions")
    if not isinstance(old, list) or not isinstance(new, list) or len(old) != len(new):
        return "actions"
    changed = [i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b]
    if (
        len(changed) != 1
        or not isinstance(old[changed[0]], dict)
        or not isinstance(new[changed[0]], dict)
    ):
        return "actions"
    a, b = old[changed[0]], new[changed[0]]
    fields = _differing(a, b, ACTION_STATUS_FIELDS)
    if fields:
        return f"actions#{changed[0] + 1}.{fields.split(', ')[0]}"
    wanted = "done" if action == "action-done" else "dropped"
    return None if b.get("status") == wanted else f"actions#{changed[0] + 1}.status"


# -- what a later reader needs -------------------------------------------------------------------


def rewritten_fields(before: dict | None, after: dict | None) -> list[list]:
    """[field, before, after] for each change to what a report counts (attendance, votes, hours,
    an action's owner or due date)."""
    if before is None or after is None:
        return []
    out = [
        [key, before.get(key), after.get(key)]
        for key in WATCHED
        if before.get(key) != after.get(key)
    ]
    old, new = before.get("actions"), after.get("actions")
    if isinstance(old, list) and isinstance(new, list):
        for i, (a, b) in enumerate(zip(old, new, strict=False)):
            if isinstance(a, dict) and isinstance(b, dict):
                out += [
                    [f"actions#{i + 1}.{k}", a.get(k), b.get(k)]
                    for k in ACTION_WATCHED
                    if a.get(k) != b.get(k)
                ]
    return out


def policy(settings: dict | None) -> dict:
    """The part of pw.yaml the audit enforces per commit: signing and recorders."""
    settings = settings or {}
    recorders = settings.get("recorders")
    return {
        "signing": settings.get("signing") if settings.get("signing") in SIGNING_RANK else "off",
        "recorders": [str(r).lower() for r in recorders] if isinstance(recorders, list) else [],
    }


def weakened(before: dict, after: dict, begun: bool = False) -> list[list]:
    """[setting, old, new] for each change that lets more through (issue 11 scope 4); `begun`:
    the settings are new, and the branch's own choices at `pw init` (since, type, the first month
    of its year) are no weakening."""
    out = []
    old_sign, new_sign = policy(before)["signing"], policy(after)["signing"]
    if SIGNING_RANK[new_sign] < SIGNING_RANK[old_sign]:
        out.append(["signing", old_sign, new_sign])
    old_rec, new_rec = set(policy(before)["recorders"]), set(policy(after)["recorders"])
    if old_rec and (not new_rec or not new_rec <= old_rec):
        out.append(
            ["recorders", _show(sorted(old_rec)), _show(sorted(new_rec)) if new_rec else "[]"]
        )
    for key, (default, weaker) in NUMERIC.items():
        old, new = _number(before.get(key), default), _number(after.get(key), default)
        if old is not None and new is not None and (new - old) * weaker > 0:
            out.append([key, _show(old), _show(new)])
    chosen = () if begun else (("since", None), ("year_start_month", "1"), ("type", "formal"))
    for name, fallback in chosen:
        if str(before.get(name, fallback)) != str(after.get(name, fallback)):
            out.append([name, _show(before.get(name, fallback)), _show(after.get(name, fallback))])
    out += _lower_hours(before.get("study_hours"), after.get("study_hours"))
    out += _weaker_rules(before.get("rules"), after.get("rules"))
    return out


def _lower_hours(before: Any, after: Any) -> list[list]:
    out = []
    for key, default in (("member", 32.0), ("leader", 56.0)):
        old = _number(before.get(key) if isinstance(before, dict) else None, default)
        new = _number(after.get(key) if isinstance(after, dict) else None, default)
        if old is not None and new is not None and new < old:
            out.append([f"study_hours.{key}", _show(old), _show(new)])
    return out


def _number(value: Any, default: float) -> float | None:
    if value is None:
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _rule(rules: Any, kind: str) -> tuple[str, float] | None:
    """A rule as (every, min), None when off; the default where the file leaves it out."""
    every, minimum = DEFAULT_RULES.get(kind, ("year", 0))
    if not isinstance(rules, dict) or kind not in rules:
        return (every, minimum) if kind in DEFAULT_RULES else None
    spec = rules[kind]
    if spec is None:
        return None
    if not isinstance(spec, dict):
        return (every, minimum)
    value = _number(spec.get("min"), minimum)
    return (str(spec.get("every") or every), value if value is not None else minimum)


def _weaker_rules(before: Any, after: Any) -> list[list]:
    kinds = list(DEFAULT_RULES) + [
        k for r in (before, after) if isinstance(r, dict) for k in r if k not in DEFAULT_RULES
    ]
    out = []
    for kind in dict.fromkeys(kinds):
        old, new = _rule(before, kind), _rule(after, kind)
        if old is None:
            continue
        if (
            new is None
            or new[1] < old[1]
            or EVERY_RANK.get(new[0], 3) > EVERY_RANK.get(old[0], 3)
            or (_per_group(before, kind) and not _per_group(after, kind))
        ):
            out.append([f"rules.{kind}", _rule_text(old), _rule_text(new)])
    return out


def _per_group(rules: Any, kind: str) -> bool:
    spec = rules.get(kind) if isinstance(rules, dict) else None
    if isinstance(spec, dict) and "per_group" in spec:
        return str(spec["per_group"]).lower() in ("true", "yes", "on", "1")
    return kind == "group"


def _rule_text(rule: tuple[str, float] | None) -> str:
    return "off" if rule is None else f"{rule[0]} ≥ {rule[1]:g}"


# -- the roster ----------------------------------------------------------------------------------

FAR = "9999-12-31"
EARLY = "0000-01-01"


def roster_moves(before: dict | None, after: dict | None) -> list[list]:
    """[member, field, old, new, from, to] for each roster change that alters who was expected, or
    in which role, between two dates: a record dated between them already counted otherwise. A
    former name's move carries the name as a seventh item: only records naming it change."""
    old, new = _members(before), _members(after)
    was_of = {}
    for was, now in _renames(old, new).items():  # a rename is the same person: compared as one
        old[now] = old.pop(was)
        was_of[now] = was
    out = []
    for name in dict.fromkeys([*old, *new]):
        a, b = old.get(name), new.get(name)
        if a is None or b is None:
            entry = a or b or {}
            span = [_day(entry.get("joined"), EARLY), _day(entry.get("left"), FAR)]
            out.append(
                [
                    name,
                    "added" if a is None else "removed",
                    "∅" if a is None else name,
                    name if a is None else "∅",
                    *span,
                ]
            )
            out += _former_moves(name, a or {}, b or {}, None)
            continue
        for key, missing in (("joined", EARLY), ("left", FAR)):
            if _day(a.get(key), missing) != _day(b.get(key), missing):
                ends = sorted([_day(a.get(key), missing), _day(b.get(key), missing)])
                out.append([name, key, _show(a.get(key)), _show(b.get(key)), *ends])
        out += _standing_moves(name, a, b)
        if a.get("group") != b.get("group"):
            span = [_day(b.get("joined"), EARLY), _day(b.get("left"), FAR)]
            out.append([name, "group", _show(a.get("group")), _show(b.get("group")), *span])
        out += _role_moves(name, a.get("roles"), b.get("roles"))
        out += _former_moves(name, a, b, was_of.get(name))
    return out


def former_names_moved(moves: list[list]) -> bool:
    """A change of former names other than a rename's own: pw never makes one (H2)."""
    return any(move[1] == "former_names" for move in moves)


def _renames(old: dict[str, dict], new: dict[str, dict]) -> dict[str, str]:
    """{former name: new name} for each member renamed between the two rosters: `pw member edit
    --set name=` keeps the old name in former_names, a rename back drops the new name from them."""
    out: dict[str, str] = {}
    for now in (n for n in new if n not in old):
        for was in (w for w in old if w not in new and w not in out):
            if was in _formers(new[now]) or now in _formers(old[was]):
                out[was] = now
                break
    return out


def _formers(member: dict) -> dict[str, str]:
    """{former name: until} as written (an entry without a name is kept under its text)."""
    formers = member.get("former_names")
    out: dict[str, str] = {}
    for former in formers if isinstance(formers, list) else []:
        if isinstance(former, dict):
            out.setdefault(str(former.get("name")), _day(former.get("until"), EARLY))
        else:
            out.setdefault(_show(former), EARLY)
    return out


def _former_moves(name: str, before: dict, after: dict, was: str | None) -> list[list]:
    """A former name decides whom a record dated up to its `until` means: adding, dropping or
    moving one changes those records (H2). A rename's own entry (the old name gained, or on a
    rename back the new name dropped) is the same person and changes nothing."""
    old, new = _formers(before), _formers(after)
    if was is not None:
        new.pop(was, None)
        old.pop(name, None)
    out = []
    for former in dict.fromkeys([*old, *new]):
        if old.get(former) != new.get(former):
            end = max(old.get(former, EARLY), new.get(former, EARLY))
            shown = [f"{former} ≤ {old[former]}" if former in old else "∅"]
            shown.append(f"{former} ≤ {new[former]}" if former in new else "∅")
            out.append([name, "former_names", *shown, EARLY, end, former])
    return out


def _standing_moves(name: str, before: dict, after: dict) -> list[list]:
    """status, full_since and voting decide from which day a member counts as full and votes:
    a change alters only the records between the old day and the new (a promotion dated D changes
    nothing before D)."""
    fields = [
        key
        for key in ("status", "full_since", "voting")
        if _show(before.get(key)) != _show(after.get(key))
    ]
    spans = [
        _between(_full_from(before), _full_from(after)),
        _between(_vote_from(before), _vote_from(after)),
    ]
    found = [span for span in spans if span is not None]
    if not fields or not found:
        return []
    start, end = min(s[0] for s in found), max(s[1] for s in found)
    return [
        [name, key, _show(before.get(key)), _show(after.get(key)), start, end] for key in fields
    ]


def _full_from(member: dict) -> str:
    """The first day the member counts as full (model/roster.Member.full_on); FAR: never."""
    since = member.get("full_since")
    if since not in (None, "", "null"):
        return str(since)
    return EARLY if str(member.get("status") or "full") == "full" else FAR


def _vote_from(member: dict) -> str:
    voting = str(member.get("voting", True)).lower() not in ("false", "no", "off", "0")
    return _full_from(member) if voting else FAR


def _between(first: str, second: str) -> list[str] | None:
    """The days on which 'from first' and 'from second' disagree: [earlier, the day before the
    later]."""
    if first == second:
        return None
    early, late = sorted([first, second])
    return [early, late if late == FAR else _day_before(late)]


def _day_before(day: str) -> str:
    import datetime as dt

    try:
        return (dt.date.fromisoformat(day) - dt.timedelta(days=1)).isoformat()
    except ValueError:
        return day


def _members(roster: dict | None) -> dict[str, dict]:
    members = roster.get("members") if isinstance(roster, dict) else None
    if not isinstance(members, list):
        return {}
    found: dict[str, dict] = {}
    for member in members:  # the first of two namesakes counts, as the roster reader has it
        if isinstance(member, dict) and member.get("name") is not None:
            found.setdefault(str(member.get("name")), member)
    return found


def _day(value: Any, missing: str) -> str:
    return str(value) if value not in (None, "", "null") else missing


def _role_moves(name: str, before: Any, after: Any) -> list[list]:
    """A role whose end (or start) moved changes the past only between the two dates; a role
    added or removed, over its whole span."""
    old, new = _roles(before), _roles(after)
    out = []
    for role, start, end in sorted(old - new):
        same_start = [r for r in new - old if r[0] == role and r[1] == start]
        same_end = [r for r in new - old if r[0] == role and r[2] == end]
        if same_start:
            new.discard(same_start[0])
            out.append(
                _role_move(
                    name, (role, start, end), same_start[0], *sorted([end, same_start[0][2]])
                )
            )
        elif same_end:
            new.discard(same_end[0])
            out.append(
                _role_move(name, (role, start, end), same_end[0], *sorted([start, same_end[0][1]]))
            )
        else:
            out.append(_role_move(name, (role, start, end), None, start, end))
    for role, start, end in sorted(new - old):
        out.append(_role_move(name, None, (role, start, end), start, end))
    return out


def _roles(roles: Any) -> set[tuple[str, str, str]]:
    if not isinstance(roles, list):
        return set()
    return {
        (str(r.get("role")), _day(r.get("from"), EARLY), _day(r.get("to"), FAR))
        for r in roles
        if isinstance(r, dict)
    }


def _role_move(name: str, before: tuple | None, after: tuple | None, start: str, end: str) -> list:
    def text(role: tuple | None) -> str:
        if role is None:
            return "∅"
        start = role[1] if role[1] != EARLY else "…"
        end = role[2] if role[2] != FAR else "…"
        return f"{role[0]} {start}..{end}"

    return [name, "roles", text(before), text(after), start, end]
