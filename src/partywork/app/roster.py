"""pw init | member … | group …"""

import datetime as dt
from pathlib import Path

import typer

from partywork.app.common import emit_json, emit_table, err, hint_line, open_repo, table_or_json
from partywork.app.main import app

member_app = typer.Typer(
    help="Keep the roster (花名册): add, edit, leave, promote, role, remove, list.",
    no_args_is_help=True,
)
group_app = typer.Typer(help="Party groups (党小组): add, edit, list.", no_args_is_help=True)
app.add_typer(member_app, name="member")
app.add_typer(group_app, name="group")


def _date(value: str | None, option: str) -> dt.date | None:
    return None if value is None else _day(value, option)


def _day(value: str, option: str) -> dt.date:
    from partywork.errors import UsageError
    from partywork.i18n import t
    from partywork.model.fields import parse_typed_date

    day = parse_typed_date(value)
    if day is None:
        raise UsageError(t("log.bad_date", option=option, value=value), t("schema.bad_date.hint"))
    return day


@app.command()
def init(
    ctx: typer.Context,
    path: Path = typer.Argument(Path("."), help="Where to create the records repository."),
    branch: str = typer.Option(..., "--branch", help="The branch's name, e.g. 示例项目部党支部."),
    parent: str = typer.Option("", "--parent", help="The supervising committee (上级党委)."),
    branch_type: str = typer.Option("formal", "--type", help="formal | temporary | joint."),
    since: str | None = typer.Option(
        None, "--since", help="The record book's first day: nothing before it is missing."
    ),
) -> None:
    """Create a records repository (git init when needed) with its first commit."""
    from partywork.i18n import lang, t
    from partywork.ops.rosterops import init_repo

    root = init_repo(
        path, branch, parent, branch_type, ctx.obj.lang or lang(), _date(since, "--since")
    )
    err(t("init.done", path=root, branch=branch))
    if since is None:  # later, moving `since` is WEAKENED in the audit for good
        err(hint_line(t("init.since.hint", day=ctx.obj.today.replace(day=1).isoformat())))


@member_app.command("add")
def member_add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="Name, unique in the roster (namesakes: 王伟(机电))."),
    status: str = typer.Option("full", "--status", help="full | probationary."),
    group: str | None = typer.Option(None, "--group", help="Party group id."),
    joined: str | None = typer.Option(
        None, "--joined", help="Joined this branch, YYYY-MM-DD (default: today)."
    ),
    role: str | None = typer.Option(
        None, "--role", help="secretary | deputy | committee | group-leader, from --joined."
    ),
    email: str | None = typer.Option(None, "--email", help="Matches the member's git commits."),
) -> None:
    """Add a member to the roster."""
    from partywork.i18n import t
    from partywork.ops.rosterops import add_member

    repo = open_repo(ctx.obj)
    member = add_member(repo, name, status, group, _date(joined, "--joined"), role, email)
    err(t("member.added", name=member.name))


@member_app.command("leave")
def member_leave(
    ctx: typer.Context,
    name: str = typer.Argument(...),
    on: str = typer.Option(
        ..., "--on", help="The day the member left (transfer etc.), YYYY-MM-DD."
    ),
    reason: str | None = typer.Option(
        None, "--reason", help="Why (transferred to …, died, expelled …); kept in the history."
    ),
) -> None:
    """Record that a member left the branch; open roles end that day."""
    from partywork.i18n import t
    from partywork.ops.rosterops import leave

    repo = open_repo(ctx.obj)
    member = leave(repo, name, _day(on, "--on"), reason)
    err(t("member.left", name=member.name, date=member.left))


@member_app.command("role")
def member_role(
    ctx: typer.Context,
    name: str = typer.Argument(...),
    role: str = typer.Argument(..., help="secretary | deputy | committee | group-leader."),
    start: str | None = typer.Option(None, "--from", help="First day in the role."),
    end: str | None = typer.Option(
        None, "--to", help="Last day in the role (alone: end the open term)."
    ),
) -> None:
    """Add a term of office, or end the current one with --to."""
    from partywork.i18n import t
    from partywork.ops.rosterops import set_role

    repo = open_repo(ctx.obj)
    term = set_role(repo, name, role, _date(start, "--from"), _date(end, "--to"))
    err(
        t(
            "member.role_set",
            name=name,
            role=term.role,
            start=term.start or "…",
            end=term.end or "…",
        )
    )


@member_app.command("edit")
def member_edit(
    ctx: typer.Context,
    name: str = typer.Argument(...),
    sets: list[str] = typer.Option(
        [],
        "--set",
        help=(
            "FIELD=VALUE (repeatable): name, status, full_since, group, joined, left, voting, "
            "email."
        ),
    ),
    reason: str = typer.Option(..., "--reason", help="Why the roster entry is corrected."),
) -> None:
    """Correct a roster entry (joined, left, group, email, status, a typo in the name)."""
    from partywork.i18n import t
    from partywork.ops.rosterops import edit_member

    repo = open_repo(ctx.obj)
    member = edit_member(repo, name, sets, reason)
    err(t("member.edit_done", name=member.name))


@member_app.command("remove")
def member_remove(
    ctx: typer.Context,
    name: str = typer.Argument(...),
    reason: str = typer.Option(..., "--reason", help="Why the member is taken off the roster."),
) -> None:
    """Undo a mistaken add: only for a member named in no record."""
    from partywork.i18n import t
    from partywork.ops.rosterops import remove_member

    repo = open_repo(ctx.obj)
    member = remove_member(repo, name, reason)
    err(t("member.removed", name=member.name))


@member_app.command("promote")
def member_promote(
    ctx: typer.Context,
    name: str = typer.Argument(...),
    on: str = typer.Option(..., "--on", help="The day the member became a full member."),
) -> None:
    """Probationary to full member (转正): status full, full_since, a vote."""
    from partywork.i18n import t
    from partywork.ops.rosterops import promote

    repo = open_repo(ctx.obj)
    member = promote(repo, name, _day(on, "--on"))
    err(t("member.promoted", name=member.name, date=member.full_since))


@member_app.command("list")
def member_list(
    ctx: typer.Context,
    on: str | None = typer.Option(
        None, "--on", help="The roster as it stood on this day (default: today)."
    ),
    fmt: str | None = typer.Option(None, "--format", help="table | json."),
) -> None:
    """The members active on a day, with status, group and roles."""
    from partywork.i18n import listed, t

    fmt = table_or_json(fmt)
    repo = open_repo(ctx.obj)
    day = _date(on, "--on") or repo.today
    members = repo.roster.active(day)
    if fmt == "json":
        emit_json(
            {
                "schema": "pw.members/1",
                "on": day.isoformat(),
                "members": [
                    {
                        "name": m.name,
                        "status": "full" if m.full_on(day) else "probationary",
                        "group": m.group,
                        "roles": m.roles_on(day),
                        "voting": m.votes_on(day),
                        "former_names": [  # a rename: records up to `until` use the old name
                            {"name": f.name, "until": f.until.isoformat()} for f in m.former_names
                        ],
                    }
                    for m in members
                ],
            }
        )
        return
    header = [
        t("label.name"),
        t("label.status"),
        t("label.group"),
        t("label.roles"),
        t("label.joined"),
    ]
    emit_table(
        header,
        (
            [
                m.name,
                t("status." + ("full" if m.full_on(day) else "probationary")),
                m.group or "",
                listed(t("role." + r) for r in m.roles_on(day)),
                m.joined or "",
            ]
            for m in members
        ),
    )


@group_app.command("add")
def group_add(
    ctx: typer.Context,
    group_id: str = typer.Argument(..., metavar="ID", help="Short id, e.g. g1."),
    name: str = typer.Option(..., "--name", help="e.g. 第一党小组."),
    leader: str | None = typer.Option(None, "--leader", help="Group leader (a member)."),
) -> None:
    """Add a party group."""
    from partywork.i18n import t
    from partywork.ops.rosterops import add_group

    repo = open_repo(ctx.obj)
    group = add_group(repo, group_id, name, leader)
    err(t("group.added", id=group.id, name=group.name))


@group_app.command("edit")
def group_edit(
    ctx: typer.Context,
    group_id: str = typer.Argument(..., metavar="ID", help="The group's id, e.g. g1."),
    name: str | None = typer.Option(None, "--name", help="The group's new name."),
    leader: str | None = typer.Option(
        None, "--leader", help="The group's leader (a member); an empty value clears it."
    ),
) -> None:
    """Rename a party group or set its leader."""
    from partywork.i18n import t
    from partywork.ops.rosterops import edit_group

    repo = open_repo(ctx.obj)
    group = edit_group(repo, group_id, name, leader)
    err(t("group.edited", id=group.id, name=group.name, leader=group.leader or "—"))


@group_app.command("list")
def group_list(
    ctx: typer.Context, fmt: str | None = typer.Option(None, "--format", help="table | json.")
) -> None:
    """The party groups and their members today."""
    from partywork.i18n import listed, t

    fmt = table_or_json(fmt)
    repo = open_repo(ctx.obj)
    groups = list(repo.roster.groups.values())
    if fmt == "json":
        emit_json(
            {
                "schema": "pw.groups/1",
                "groups": [
                    {
                        **g.as_mapping(),
                        "members": [m.name for m in repo.roster.group_members(g.id, repo.today)],
                    }
                    for g in groups
                ],
            }
        )
        return
    header = [t("label.id"), t("label.name"), t("label.leader_of_group"), t("label.members")]
    emit_table(
        header,
        (
            [
                g.id,
                g.name,
                g.leader or "",
                listed(m.name for m in repo.roster.group_members(g.id, repo.today)),
            ]
            for g in groups
        ),
    )


@member_app.command("import")
def member_import(
    ctx: typer.Context,
    file: Path = typer.Argument(
        ..., help="A .csv (UTF-8 or GBK) or .xlsx: 姓名, 党小组, 类别, 加入本支部日期, 职务, 邮箱."
    ),
    joined: str | None = typer.Option(
        None,
        "--joined",
        help="Date joined this branch for rows without one (default: such rows are refused).",
    ),
) -> None:
    """Add the members of a spreadsheet: every row checked, all or nothing, one commit."""
    from partywork.i18n import t
    from partywork.ops.importing import import_members

    members = import_members(open_repo(ctx.obj), file, _date(joined, "--joined"))
    err(t("import.done", count=len(members), file=file.name))
