"""Roster upkeep (`pw member …`, `pw group …`) and `pw init`. One commit each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from partywork.errors import DataError, NotFound, PwError, UsageError
from partywork.i18n import listed, paren, t
from partywork.model import settings as settings_mod
from partywork.model.problems import Problem
from partywork.model.roster import (
    GROUP_ID,
    ROLE_NAMES,
    ROLES,
    STATUS_NAMES,
    STATUSES,
    FormerName,
    Group,
    Member,
    Role,
    Roster,
)
from partywork.render.textsafe import clean_name, name_fault
from partywork.storage import txn
from partywork.storage.git import gitio
from partywork.storage.git.gitio import Git, find_git_dir
from partywork.storage.repo import MEMBERS, SETTINGS, Repo
from partywork.storage.yamlio import dump

T = TypeVar("T")


def _change(
    repo: Repo,
    mutate: Callable[[Roster], tuple[T, str]],
    action: str = "member",
    reason: str | None = None,
    recheck: bool = False,
) -> T:
    """Read the roster under the lock, apply one change, commit members.yaml. With `recheck`, the
    records are checked against the new roster first: a change that gives any record an error
    `pw check` would report is refused, nothing written."""
    done: list = []

    def build() -> txn.Change:
        repo.reload()
        old = _record_errors(repo, repo.require_valid_roster()) if recheck else None
        repo.reload()  # mutate works on a fresh copy
        roster = repo.require_valid_roster()
        result, what = mutate(roster)
        done.append(result)
        text = dump(roster.as_mapping()).encode("utf-8")
        _readable(text)
        if old is not None:
            _no_new_errors(repo, text, old)
        return {MEMBERS: text}, txn.message(t("commit.member", what=what), action, reason=reason)

    txn.commit_change(repo.git, build)
    return done[0]


def _readable(text: bytes) -> None:
    """What pw writes, pw check reads back: a roster that every later command would refuse to
    read is not written."""
    from partywork.errors import InvalidRecords
    from partywork.model.roster import parse as parse_roster
    from partywork.storage.yamlio import parse

    doc, problems = parse(text, MEMBERS)
    if doc is not None:
        problems += [p for p in parse_roster(doc, MEMBERS)[1] if p.severity == "error"]
    if problems:
        raise InvalidRecords(
            t("record.invalid", count=len(problems)), problems, t("record.invalid.hint")
        )


Fault = tuple[str, str, int, int]  # file, code, line, column


def _record_errors(repo: Repo, roster: Roster) -> dict[Fault, Problem]:
    """The errors `pw check` finds in the records when read against this roster."""
    from partywork.analysis.check import _check_files
    from partywork.model.problems import ERROR
    from partywork.storage.store import record_files

    paths = list(record_files(repo.root))
    found: dict[Fault, Problem] = {}
    for problems in _check_files(repo.root, paths, roster, repo.today):
        for p in problems:
            if p.severity == ERROR:
                found.setdefault((p.file, p.code, p.line, p.column), p)
    return found


def _no_new_errors(repo: Repo, text: bytes, old: dict[Fault, Problem]) -> None:
    """Refuse a roster that gives a record an error it did not have (a left date before a meeting
    the member attended, a joined date after one …)."""
    from partywork.errors import InvalidRecords
    from partywork.model.roster import parse as parse_roster
    from partywork.storage.yamlio import parse

    doc, _problems = parse(text, MEMBERS)
    assert doc is not None  # _readable has passed
    roster = parse_roster(doc, MEMBERS)[0]
    new = [p for key, p in _record_errors(repo, roster).items() if key not in old]
    if new:
        raise InvalidRecords(
            t("roster.breaks_records", count=len(new)), new, t("roster.breaks_records.hint")
        )


def records_naming(repo: Repo, names: set[str]) -> dict[str, str]:
    """For each of these names, the first record (its id) that names the person."""
    from partywork.model.schema import member_names
    from partywork.storage.store import read_document, record_files

    found: dict[str, str] = {}
    for path in record_files(repo.root):
        doc, _problems = read_document(path, path.name)
        if doc is None or not isinstance(doc.data, dict):
            continue
        for _where, name in member_names(doc.data):
            if isinstance(name, str) and name in names:
                found.setdefault(name, path.stem)
        if len(found) == len(names):
            break
    return found


def records_meaning(repo: Repo, roster: Roster, member: Member) -> dict[str, str]:
    """For each name the member bore (now, as a former name, or in any committed roster), the
    first record that names it and means this member, or no one: a record dated before a
    namesake took the name over means the one who bore it then (Roster.named)."""
    from partywork.model.fields import parse_date
    from partywork.model.schema import member_names
    from partywork.storage.store import read_document, record_files

    names = {member.name, *(f.name for f in member.former_names)} | names_borne(repo, member.name)
    found: dict[str, str] = {}
    for path in record_files(repo.root):
        doc, _problems = read_document(path, path.name)
        if doc is None or not isinstance(doc.data, dict):
            continue
        day = parse_date(str(doc.data.get("date")))
        for _where, name in member_names(doc.data):
            if isinstance(name, str) and name in names:
                meant = roster.named(name, day)
                if meant is None or meant is member:
                    found.setdefault(name, path.stem)
    return found


def names_borne(repo: Repo, name: str) -> set[str]:
    """Every name the member now called `name` bore in any committed version of the roster: a
    former name dropped since (by hand) still names the member in old records (H4)."""
    from partywork.analysis import changes, claims
    from partywork.storage.yamlio import parse

    blobs = {f[3] for c in changes.walk(repo.git) for f in c.others if f[1] == claims.ROSTER}
    rosters = []
    for text in gitio.blobs(repo.git, sorted(b for b in blobs if b.strip("0"))):
        doc = parse(text, MEMBERS)[0] if text is not None else None
        members = doc.data.get("members") if doc is not None and isinstance(doc.data, dict) else []
        rosters.append([m for m in members or [] if isinstance(m, dict)])
    names = {name}
    grown = True
    while grown:
        before = len(names)
        for members in rosters:
            for member in members:
                formers = member.get("former_names")
                borne = {
                    str(f.get("name"))
                    for f in (formers if isinstance(formers, list) else [])
                    if isinstance(f, dict)
                }
                if str(member.get("name")) in names:
                    names |= borne
        grown = len(names) > before
    return names


def _former_of_someone(repo: Repo, name: str) -> bool:
    try:
        roster = repo.roster
    except PwError:
        return False
    return any(f.name == name for m in roster.members.values() for f in m.former_names)


def valid_name(name: str) -> str:
    """A member's or a group's name as typed, in its one spelling; refused when it could not be
    told apart from another, or could not be named in --attendees, --absent or --action."""
    cleaned = clean_name(name)
    fault = name_fault(cleaned)
    if fault:
        key, char = fault
        raise UsageError(t(key, name=name, char=char), t("name.hint"))
    return cleaned


def _member(roster: Roster, name: str) -> Member:
    name = clean_name(name)
    member = roster.members.get(name)
    if member is None:
        near = roster.suggest(name)
        raise NotFound(
            t("member.not_found", name=name),
            t("member.not_found.hint", suggestion=near)
            if near
            else t("schema.unknown_member.hint_none"),
        )
    return member


def add_group(repo: Repo, group_id: str, name: str, leader: str | None) -> Group:
    if not GROUP_ID.match(group_id):
        raise UsageError(
            t("group.bad_id", id=group_id),
            t("group.bad_id.hint", count=len(repo.roster.groups) + 1, name=name),
        )
    name = valid_name(name)
    leader = clean_name(leader) if leader else leader

    def mutate(roster: Roster) -> tuple[Group, str]:
        if group_id in roster.groups:
            raise DataError(t("group.exists", id=group_id))
        if leader:
            _member(roster, leader)
        roster.groups[group_id] = Group(group_id, name, leader)
        return roster.groups[group_id], t("group.added", id=group_id, name=name)

    return _change(repo, mutate)


def add_member(
    repo: Repo,
    name: str,
    status: str,
    group: str | None,
    joined: dt.date | None,
    role: str | None,
    email: str | None,
) -> Member:
    name = valid_name(name)
    if email is not None and (name_fault(email.strip()) or any(c.isspace() for c in email.strip())):
        raise UsageError(t("member.bad_email", email=email))
    status = STATUS_NAMES.get(status.strip(), status)
    role = ROLE_NAMES.get(role.strip(), role) if role else role
    if status not in STATUSES:
        raise UsageError(
            t("schema.bad_choice", field="--status", value=status),
            t("schema.bad_choice.hint", choices=", ".join(STATUSES)),
        )
    _check_role(role)
    if role == "group-leader" and not group:
        raise UsageError(t("member.leader_needs_group"))

    def mutate(roster: Roster) -> tuple[Member, str]:
        nonlocal group
        if name in roster.members:
            raise DataError(t("member.exists", name=name), t("member.exists.hint", name=name))
        group = (roster.group_named(group) or group) if group else group
        if group and group not in roster.groups:
            raise NotFound(
                t("group.not_found", id=group),
                t("schema.unknown_group.hint", groups=_group_list(roster)),
            )
        member = Member(
            name,
            status=status,
            group=group,
            joined=joined or repo.today,
            voting=status == "full",  # 预备党员 have no vote
            email=email,
        )
        if role:
            member.roles.append(Role(role, member.joined))
        roster.members[name] = member
        if role == "group-leader":
            _lead(roster, member)
        return member, t("member.added", name=name)

    # a name someone bore before a rename: old records keep meaning them (Roster.named), later
    # ones the newcomer, so the records are checked against the new roster first (H3)
    return _change(repo, mutate, recheck=_former_of_someone(repo, name))


def _group_list(roster: Roster) -> str:
    """The groups as a recorder knows them: id and name."""
    return listed(f"{g.id}{paren(g.name)}" for g in roster.groups.values()) or "—"


def _check_role(role: str | None) -> None:
    if role and role not in ROLES:
        raise UsageError(
            t("roster.bad_role", role=role), t("schema.bad_choice.hint", choices=", ".join(ROLES))
        )


def leave(repo: Repo, name: str, on: dt.date, reason: str | None = None) -> Member:
    """`pw member leave NAME --on DATE [--reason]`: the reason goes in the commit (Pw-Reason), where
    `pw history NAME` and the audit read it."""
    name = clean_name(name)

    def mutate(roster: Roster) -> tuple[Member, str]:
        member = _member(roster, name)
        if member.left:
            raise DataError(t("member.left_already", name=name, date=member.left))
        member.left = on
        for role in member.roles:
            if role.end is None:
                role.end = on
        return member, t("member.left", name=name, date=on)

    return _change(repo, mutate, reason=reason or None, recheck=True)


def set_role(repo: Repo, name: str, role: str, start: dt.date | None, end: dt.date | None) -> Role:
    """Add a term of office, or with only --to, end the open one."""
    role = ROLE_NAMES.get(role.strip(), role)
    _check_role(role)
    name = clean_name(name)
    if start is None and end is None:
        raise UsageError(t("member.role_needs_date"))

    def mutate(roster: Roster) -> tuple[Role, str]:
        member = _member(roster, name)
        if start is None:
            term = next((r for r in member.roles if r.role == role and r.end is None), None)
            if term is None:
                raise DataError(t("member.role_open_missing", name=name, role=role))
            term.end = end
        else:
            term = Role(role, start, end)
            if any(r.role == role and _overlap(r, term) for r in member.roles):
                raise DataError(t("member.role_overlap", name=name, role=role))
            member.roles.append(term)
        if role == "group-leader":
            _lead(roster, member, term)
        return term, t(
            "member.role_set", name=name, role=role, start=term.start or "…", end=term.end or "…"
        )

    return _change(repo, mutate, recheck=True)


def _lead(roster: Roster, member: Member, term: Role | None = None) -> None:
    """A group-leader term makes the member the leader of their group while it runs; ending it
    takes the lead away."""
    if not member.group:
        raise UsageError(t("member.leader_needs_group"))
    group = roster.groups[member.group]
    if term is None or term.end is None:
        group.leader = member.name
    elif group.leader == member.name:
        group.leader = None


def _overlap(a: Role, b: Role) -> bool:
    far = dt.date.max
    return (a.start or dt.date.min) <= (b.end or far) and (b.start or dt.date.min) <= (a.end or far)


def init_repo(
    path: Path,
    branch: str,
    parent: str,
    branch_type: str,
    lang: str,
    since: dt.date | None = None,
) -> Path:
    root = path.expanduser().resolve()
    if (root / SETTINGS).exists():
        raise DataError(t("repo.exists", path=root), t("repo.exists.hint"))
    if branch_type not in settings_mod.BRANCH_TYPES:
        raise UsageError(
            t("schema.bad_choice", field="--type", value=branch_type),
            t("schema.bad_choice.hint", choices=", ".join(settings_mod.BRANCH_TYPES)),
        )
    root.mkdir(parents=True, exist_ok=True)
    created = find_git_dir(root) is None
    if created:
        gitio.init_repository(root)
    git = Git.at(root)
    git.require_identity()
    files = {
        SETTINGS: dump(settings_mod.default_text(branch, parent, branch_type, lang, since)).encode(
            "utf-8"
        ),
        MEMBERS: dump({"groups": [], "members": []}).encode("utf-8"),
        ".gitignore": _gitignore(root / ".gitignore"),
    }
    txn.commit_files(git, files, txn.message(t("commit.init", branch=branch), "init"))
    return root


def _gitignore(path: Path) -> bytes:
    current = path.read_text(encoding="utf-8") if path.is_file() else ""
    if ".pw/" in current.split():
        return current.encode("utf-8")
    prefix = current if not current or current.endswith("\n") else current + "\n"
    return (prefix + "# pw's drafts and cache\n.pw/\n").encode("utf-8")


# -- corrections without hand edits (issue 14) ----------------------------------------------------

EDITABLE = ("name", "status", "full_since", "group", "joined", "left", "voting", "email")
_CLEARABLE = ("full_since", "group", "left", "email")
_NULL = ("", "null", "none", "~", "无")


def _parse_sets(sets: list[str]) -> dict[str, str]:
    if not sets:
        raise UsageError(
            t("member.edit_nothing"), t("member.edit_fields", fields=", ".join(EDITABLE))
        )
    out: dict[str, str] = {}
    for item in sets:
        key, sep, value = item.replace("＝", "=").partition("=")
        key = key.strip()
        if not sep or key not in EDITABLE:
            raise UsageError(
                t("member.edit_bad_set", item=item),
                t("member.edit_fields", fields=", ".join(EDITABLE)),
            )
        out[key] = value.strip()
    return out


def _typed(key: str, value: str) -> object:
    """A --set value as the roster holds it; a usage error when it cannot be."""
    from partywork.model.fields import parse_date

    if key in _CLEARABLE and value.lower() in _NULL:
        return None
    if key in ("joined", "left", "full_since"):
        day = parse_date(value)
        if day is None:
            raise UsageError(
                t("log.bad_date", option=f"--set {key}", value=value), t("schema.bad_date.hint")
            )
        return day
    if key == "status" and value not in STATUSES:
        raise UsageError(
            t("schema.bad_choice", field=key, value=value),
            t("schema.bad_choice.hint", choices=", ".join(STATUSES)),
        )
    if key == "voting":
        if value.lower() not in ("true", "false"):
            raise UsageError(
                t("schema.bad_choice", field=key, value=value),
                t("schema.bad_choice.hint", choices="true, false"),
            )
        return value.lower() == "true"
    if key == "name":
        return valid_name(value)
    if key == "email" and (name_fault(value) or any(c.isspace() for c in value) or not value):
        raise UsageError(t("member.bad_email", email=value))
    return value


def edit_member(repo: Repo, name: str, sets: list[str], reason: str) -> Member:
    """`pw member edit NAME --set FIELD=VALUE … --reason`: one commit, checked like `pw check`.

    A new name is carried into no record (records keep the name they were written with): when
    records name the member, the old name goes into the member's former_names, until today, and
    those records are read as naming the member; a new record must use the new name."""
    name = clean_name(name)
    changes = {key: _typed(key, value) for key, value in _parse_sets(sets).items()}
    new_name = changes.get("name")
    named = bool(records_naming(repo, {name})) if new_name not in (None, name) else False

    def mutate(roster: Roster) -> tuple[Member, str]:
        member = _member(roster, name)
        group = changes.get("group")
        if isinstance(group, str) and group not in roster.groups:
            raise NotFound(
                t("group.not_found", id=group),
                t("schema.unknown_group.hint", groups=", ".join(roster.groups) or "—"),
            )
        if "status" in changes and "voting" not in changes:
            member.voting = changes["status"] == "full"
        for key, value in changes.items():
            if key != "name":
                setattr(member, key, value)
        if isinstance(new_name, str) and new_name != name:
            if new_name in roster.members:
                raise DataError(t("member.exists", name=new_name))
            if named:
                member.former_names.append(FormerName(name, repo.today))
            member.former_names = [f for f in member.former_names if f.name != new_name]
            member.name = new_name
            roster.members = {
                (new_name if key == name else key): m for key, m in roster.members.items()
            }
            for g in roster.groups.values():
                if g.leader == name:
                    g.leader = new_name
        what = ", ".join(f"{k}={'' if v is None else v}" for k, v in changes.items())
        return member, t("member.edited", name=name, changes=what)

    return _change(repo, mutate, "member-edit", reason, recheck=True)


def remove_member(repo: Repo, name: str, reason: str) -> Member:
    """`pw member remove NAME --reason`: only a mistaken add, a member named in no record."""
    name = clean_name(name)

    def mutate(roster: Roster) -> tuple[Member, str]:
        member = _member(roster, name)
        named = records_meaning(repo, roster, member)
        if named:
            raise DataError(
                t("member.remove_named", name=name, record=next(iter(named.values()))),
                t("member.remove_named.hint", name=name),
            )
        for group in roster.groups.values():
            if group.leader == name:
                group.leader = None
        del roster.members[name]
        return member, t("member.removed", name=name)

    return _change(repo, mutate, "member-remove", reason)


def promote(repo: Repo, name: str, on: dt.date) -> Member:
    """`pw member promote NAME --on DATE` (转正): full from that day, with a vote."""
    name = clean_name(name)

    def mutate(roster: Roster) -> tuple[Member, str]:
        member = _member(roster, name)
        if member.status == "full":
            raise DataError(t("member.already_full", name=name))
        member.status, member.full_since, member.voting = "full", on, True
        return member, t("member.promoted", name=name, date=on)

    return _change(repo, mutate, "member-promote", recheck=True)


def edit_group(repo: Repo, group_id: str, name: str | None, leader: str | None) -> Group:
    """`pw group edit ID [--name] [--leader]`."""
    if name is None and leader is None:
        raise UsageError(t("group.edit_nothing"))
    name = valid_name(name) if name is not None else None
    leader = clean_name(leader) if leader else leader

    def mutate(roster: Roster) -> tuple[Group, str]:
        group = roster.groups.get(group_id)
        if group is None:
            raise NotFound(
                t("group.not_found", id=group_id),
                t("schema.unknown_group.hint", groups=", ".join(roster.groups) or "—"),
            )
        if name is not None:
            group.name = name
        if leader is not None:
            group.leader = _member(roster, leader).name if leader else None
        return group, t("group.edited", id=group.id, name=group.name, leader=group.leader or "—")

    return _change(repo, mutate, "group")
