"""records/members.yaml: the roster and party groups, versioned by date (SPEC §4).

Every question is asked "on a date": who was expected at the meeting of 2026-05-12 depends on who
had joined, not left, and held which role then, never on today's roster.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from partywork.i18n import t
from partywork.model.fields import Checker, suggest
from partywork.model.problems import Problem
from partywork.render.textsafe import clean_name, name_fault
from partywork.storage.yamlio import Document

STATUSES = ("full", "probationary")
ROLES = ("secretary", "deputy", "committee", "group-leader")
COMMITTEE_ROLES = ("secretary", "deputy", "committee")
# what a recorder types, in Chinese or English, for a status or a role (options and imports alike)
STATUS_NAMES = {
    "正式党员": "full",
    "正式": "full",
    "full": "full",
    "预备党员": "probationary",
    "预备": "probationary",
    "probationary": "probationary",
}
ROLE_NAMES = {
    "书记": "secretary",
    "支部书记": "secretary",
    "副书记": "deputy",
    "委员": "committee",
    "支委": "committee",
    "支部委员": "committee",
    "组织委员": "committee",
    "宣传委员": "committee",
    "纪检委员": "committee",
    "纪律检查委员": "committee",
    "青年委员": "committee",
    "保密委员": "committee",
    "党小组长": "group-leader",
    "小组长": "group-leader",
    **{role: role for role in ROLES},
}
GROUP_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")
MEMBER_KEYS = (
    "name",
    "former_names",
    "status",
    "full_since",
    "group",
    "joined",
    "left",
    "voting",
    "email",
    "roles",
)


@dataclass(repr=False, eq=False)  # generated methods cost start-up time (see benchmarks)
class Role:
    role: str
    start: dt.date | None
    end: dt.date | None = None

    def held_on(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(repr=False, eq=False)  # generated methods cost start-up time (see benchmarks)
class FormerName:
    """A name the member had until a rename: records dated up to `until` keep it (SPEC: a rename is
    carried into no old record) and are read as naming this member."""

    name: str
    until: dt.date


@dataclass(repr=False, eq=False)  # generated methods cost start-up time (see benchmarks)
class Member:
    name: str
    status: str = "full"
    full_since: dt.date | None = None
    group: str | None = None
    joined: dt.date | None = None
    left: dt.date | None = None
    voting: bool = True
    email: str | None = None
    roles: list[Role] = field(default_factory=list)
    former_names: list[FormerName] = field(default_factory=list)

    def active_on(self, day: dt.date) -> bool:
        return (self.joined is None or self.joined <= day) and (
            self.left is None or day <= self.left
        )

    def roles_on(self, day: dt.date) -> list[str]:
        return [r.role for r in self.roles if r.held_on(day)]

    def full_on(self, day: dt.date) -> bool:
        if self.full_since is not None:
            return day >= self.full_since
        return self.status == "full"

    def votes_on(self, day: dt.date) -> bool:
        return self.voting and self.full_on(day)

    def leads_on(self, day: dt.date) -> bool:
        return any(role in COMMITTEE_ROLES for role in self.roles_on(day))

    def as_mapping(self) -> dict:
        out: dict[str, Any] = {"name": self.name}
        if self.former_names:
            out["former_names"] = [{"name": f.name, "until": f.until} for f in self.former_names]
        out["status"] = self.status
        if self.full_since:
            out["full_since"] = self.full_since
        out.update(group=self.group, joined=self.joined, left=self.left, voting=self.voting)
        if self.email:
            out["email"] = self.email
        out["roles"] = [{"role": r.role, "from": r.start, "to": r.end} for r in self.roles]
        return out


@dataclass(repr=False, eq=False)  # generated methods cost start-up time (see benchmarks)
class Group:
    id: str
    name: str
    leader: str | None = None

    def as_mapping(self) -> dict:
        return {"id": self.id, "name": self.name, "leader": self.leader}


@dataclass(repr=False, eq=False)  # generated methods cost start-up time (see benchmarks)
class Roster:
    groups: dict[str, Group] = field(default_factory=dict)
    members: dict[str, Member] = field(default_factory=dict)
    _formers: dict[str, tuple[Member, FormerName]] | None = field(default=None, init=False)

    def group_named(self, text: str) -> str | None:
        """A group's id from its id or its name (第一党小组), as a recorder types it."""
        if text in self.groups:
            return text
        return next((g.id for g in self.groups.values() if g.name == text.strip()), None)

    def active(self, day: dt.date) -> list[Member]:
        return [m for m in self.members.values() if m.active_on(day)]

    def committee(self, day: dt.date) -> list[Member]:
        return [m for m in self.active(day) if m.leads_on(day)]

    def group_members(self, group: str, day: dt.date) -> list[Member]:
        return [m for m in self.active(day) if m.group == group]

    def suggest(self, name: str) -> str | None:
        return suggest(name, self.members)

    def named(self, name: str, day: dt.date | None) -> Member | None:
        """The member a record dated `day` means by this name: the one who bore it as a former
        name the record is not later than (a namesake who took the name since takes no old
        record, H3), else the member of that name now."""
        bore = self._former_index().get(name) if day is not None else None
        if bore is not None and day is not None and day <= bore[1].until:
            return bore[0]
        return self.members.get(name)

    def _former_index(self) -> dict[str, tuple[Member, FormerName]]:
        """former name → its bearer, built once: named() is asked for every name of every record
        (a roster is read, never changed, once records are read against it)."""
        if self._formers is None:
            self._formers = {}
            for member in self.members.values():
                for former in member.former_names:
                    self._formers.setdefault(former.name, (member, former))
        return self._formers

    def renamed(self, name: str) -> tuple[Member, FormerName] | None:
        """The member who was called `name` before a rename (None when it is a current name)."""
        if name in self.members:
            return None
        for member in self.members.values():
            for former in member.former_names:
                if former.name == name:
                    return member, former
        return None

    def has_renames(self) -> bool:
        return any(m.former_names for m in self.members.values())

    def as_mapping(self) -> dict:
        return {
            "groups": [g.as_mapping() for g in self.groups.values()],
            "members": [m.as_mapping() for m in self.members.values()],
        }


def parse(doc: Document, file: str) -> tuple[Roster, list[Problem]]:
    check = Checker(doc, file)
    check.unknown_keys(doc.data, ("groups", "members"))
    roster = Roster()
    for i, item in enumerate(check.sequence(doc.data.get("groups"), ("groups",)) or []):
        group = _group(check, item, ("groups", i))
        if group is None:
            continue
        if group.id in roster.groups:
            check.add(
                ("groups", i, "id"), "DUPLICATE-GROUP", t("roster.duplicate_group", group=group.id)
            )
        roster.groups[group.id] = group
    for i, item in enumerate(check.sequence(doc.data.get("members"), ("members",)) or []):
        member = _member(check, item, ("members", i), roster)
        if member is None:
            continue
        if member.name in roster.members:
            check.add(
                ("members", i, "name"),
                "DUPLICATE-MEMBER",
                t("roster.duplicate_member", name=member.name),
                t("roster.duplicate_member.hint"),
            )
        roster.members.setdefault(member.name, member)
    _check_former_unique(check, roster)
    for i, group in enumerate(roster.groups.values()):
        if group.leader and group.leader not in roster.members:
            check.add(
                ("groups", i, "leader"),
                "UNKNOWN-MEMBER",
                t("roster.group_leader", group=group.id, name=group.leader),
            )
    return roster, check.problems


def _check_former_unique(check: Checker, roster: Roster) -> None:
    """A former name means one member: two members who once bore it would make an old record
    ambiguous."""
    owner: dict[str, str] = {}
    for i, member in enumerate(roster.members.values()):
        for j, former in enumerate(member.former_names):
            first = owner.setdefault(former.name, member.name)
            namesake = roster.members.get(former.name)
            # a namesake who joined after the rename is plain: old records mean the one who bore
            # the name then (Roster.named); one who was there before makes old records unclear
            if namesake is not None and (namesake.joined is None or namesake.joined < former.until):
                check.warn(
                    ("members", i, "former_names", j, "name"),
                    "BAD-NAME",
                    t(
                        "roster.former_name_current",
                        name=former.name,
                        member=member.name,
                        until=former.until,
                    ),
                )
            elif first != member.name:
                check.add(
                    ("members", i, "former_names", j, "name"),
                    "DUPLICATE-MEMBER",
                    t("roster.former_name_shared", name=former.name, first=first),
                )


def _group(check: Checker, item: Any, path: tuple) -> Group | None:
    mapping = check.mapping(item, path)
    if mapping is None:
        return None
    check.unknown_keys(mapping, ("id", "name", "leader"), path)
    check.require(mapping, ("id", "name"), path)
    group_id = check.text(mapping.get("id"), path + ("id",))
    if group_id is None:
        return None
    if not GROUP_ID.match(group_id):
        check.add(path + ("id",), "BAD-VALUE", t("group.bad_id", id=group_id))
    # a group's name is shown, never typed to find it (--group takes the id): 第一党小组（项目管理）
    # keeps its full-width brackets; control characters are refused by the YAML reader already
    name = check.text(mapping.get("name"), path + ("name",))
    return Group(group_id, name or group_id, check.text(mapping.get("leader"), path + ("leader",)))


def _check_name(check: Checker, name: str, path: tuple) -> None:
    """The rules pw member add applies, for a hand-edited roster: a name that is empty, holds an
    invisible or separating character, or is not in its one (NFKC) spelling could never be matched
    by what a recorder types."""
    from partywork.storage.yamlio import forbidden_character

    if not name.strip() or forbidden_character(name):
        return  # already reported as empty or as holding a control character
    cleaned = clean_name(name)
    fault = name_fault(cleaned)
    if fault:
        key, char = fault
        check.add(path, "BAD-NAME", t(key, name=name, char=char), t("name.hint"))
    elif cleaned != name.strip():
        # a warning: a roster written before names were normalised must stay readable, and a
        # typed name is normalised the same way before it is looked up
        check.warn(
            path,
            "BAD-NAME",
            t("name.not_normal", name=name, normal=cleaned),
            t("name.not_normal.hint", normal=cleaned),
        )


def _member(check: Checker, item: Any, path: tuple, roster: Roster) -> Member | None:
    mapping = check.mapping(item, path)
    if mapping is None:
        return None
    check.unknown_keys(mapping, MEMBER_KEYS, path)
    check.require(mapping, ("name",), path)
    name = check.text(mapping.get("name"), path + ("name",), required=True)
    if not name:
        return None
    _check_name(check, name, path + ("name",))
    member = Member(
        name=name.strip(),
        status=check.choice(mapping.get("status"), path + ("status",), STATUSES) or "full",
        full_since=check.date(mapping.get("full_since"), path + ("full_since",)),
        group=check.text(mapping.get("group"), path + ("group",)),
        joined=check.date(mapping.get("joined"), path + ("joined",)),
        left=check.date(mapping.get("left"), path + ("left",)),
        voting=check.boolean(mapping.get("voting"), path + ("voting",), True),
        email=check.text(mapping.get("email"), path + ("email",)),
    )
    if member.group and member.group not in roster.groups:
        check.add(
            path + ("group",),
            "UNKNOWN-GROUP",
            t("schema.unknown_group", group=member.group),
            t("schema.unknown_group.hint", groups=", ".join(roster.groups) or "—"),
        )
    if member.joined and member.left and member.left < member.joined:
        check.add(path + ("left",), "BAD-DATE", t("roster.left_before_joined", name=name))
    member.roles = _roles(check, mapping.get("roles"), path + ("roles",), name)
    member.former_names = _former_names(
        check, mapping.get("former_names"), path + ("former_names",), member.name
    )
    return member


def _former_names(check: Checker, value: Any, path: tuple, name: str) -> list[FormerName]:
    """former_names: [{name, until}] — what a rename (pw member edit --set name=) leaves."""
    out: list[FormerName] = []
    for i, item in enumerate(check.sequence(value, path) or []):
        where = path + (i,)
        mapping = check.mapping(item, where)
        if mapping is None:
            continue
        check.unknown_keys(mapping, ("name", "until"), where)
        check.require(mapping, ("name", "until"), where)
        old = check.text(mapping.get("name"), where + ("name",))
        until = check.date(mapping.get("until"), where + ("until",))
        if not old or until is None:
            continue
        _check_name(check, old, where + ("name",))
        if old.strip() == name or any(f.name == old.strip() for f in out):
            check.add(where + ("name",), "BAD-VALUE", t("roster.former_name_twice", name=old))
            continue
        out.append(FormerName(old.strip(), until))
    return out


def _roles(check: Checker, value: Any, path: tuple, name: str) -> list[Role]:
    roles = []
    for i, item in enumerate(check.sequence(value, path) or []):
        where = path + (i,)
        mapping = check.mapping(item, where)
        if mapping is None:
            continue
        check.unknown_keys(mapping, ("role", "from", "to"), where)
        role = check.choice(mapping.get("role"), where + ("role",), ROLES)
        if role is None:
            check.require(mapping, ("role",), where)
            continue
        start = check.date(mapping.get("from"), where + ("from",))
        end = check.date(mapping.get("to"), where + ("to",))
        if start and end and end < start:
            check.add(where + ("to",), "BAD-DATE", t("roster.role_dates", name=name, role=role))
        roles.append(Role(role, start, end))
    return roles
