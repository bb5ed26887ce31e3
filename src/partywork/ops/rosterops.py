"""Roster upkeep (`pw member …`, `pw group …`) and `pw init`. One commit each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from partywork.errors import DataError, NotFound, UsageError
from partywork.i18n import t
from partywork.model import settings as settings_mod
from partywork.model.roster import GROUP_ID, ROLES, STATUSES, Group, Member, Role, Roster
from partywork.render.textsafe import clean_name, name_fault
from partywork.storage import txn
from partywork.storage.git import gitio
from partywork.storage.git.gitio import Git, find_git_dir
from partywork.storage.repo import MEMBERS, SETTINGS, Repo
from partywork.storage.yamlio import dump

T = TypeVar("T")


def _change(repo: Repo, mutate: Callable[[Roster], tuple[T, str]]) -> T:
    """Read the roster under the lock, apply one change, commit members.yaml."""
    done: list = []

    def build() -> txn.Change:
        repo.reload()
        roster = repo.require_valid_roster()
        result, what = mutate(roster)
        done.append(result)
        text = dump(roster.as_mapping()).encode("utf-8")
        _readable(text)
        return {MEMBERS: text}, txn.message(t("commit.member", what=what), "member")

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
        raise UsageError(t("group.bad_id", id=group_id))
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
    if status not in STATUSES:
        raise UsageError(
            t("schema.bad_choice", field="--status", value=status),
            t("schema.bad_choice.hint", choices=", ".join(STATUSES)),
        )
    _check_role(role)

    def mutate(roster: Roster) -> tuple[Member, str]:
        if name in roster.members:
            raise DataError(t("member.exists", name=name), t("member.exists.hint", name=name))
        if group and group not in roster.groups:
            raise NotFound(
                t("group.not_found", id=group),
                t("schema.unknown_group.hint", groups=", ".join(roster.groups) or "—"),
            )
        member = Member(name, status=status, group=group, joined=joined or repo.today, email=email)
        if role:
            member.roles.append(Role(role, member.joined))
        roster.members[name] = member
        return member, t("member.added", name=name)

    return _change(repo, mutate)


def _check_role(role: str | None) -> None:
    if role and role not in ROLES:
        raise UsageError(
            t("roster.bad_role", role=role), t("schema.bad_choice.hint", choices=", ".join(ROLES))
        )


def leave(repo: Repo, name: str, on: dt.date) -> Member:
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

    return _change(repo, mutate)


def set_role(repo: Repo, name: str, role: str, start: dt.date | None, end: dt.date | None) -> Role:
    """Add a term of office, or with only --to, end the open one."""
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
        return term, t(
            "member.role_set", name=name, role=role, start=term.start or "…", end=term.end or "…"
        )

    return _change(repo, mutate)


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
