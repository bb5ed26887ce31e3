"""`pw member import FILE` (SPEC §6.1): a roster kept in Excel, as .csv (UTF-8 with or without a
BOM, or GBK as Excel on Chinese Windows saves it) or .xlsx. Every row is checked first; one error
anywhere writes nothing; otherwise the new members go in with one commit."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

from partywork.errors import DataError, InvalidRecords, NotFound, UsageError
from partywork.i18n import listed, paren, t
from partywork.model.fields import parse_typed_date
from partywork.model.problems import Problem
from partywork.model.roster import ROLE_NAMES, STATUS_NAMES, Member, Role, Roster
from partywork.render.textsafe import clean_name, name_fault
from partywork.storage import txn
from partywork.storage.repo import MEMBERS, Repo
from partywork.storage.yamlio import dump

COLUMNS = {
    "name": ("姓名", "name"),
    "group": ("党小组", "所在党小组", "group"),
    "status": ("类别", "党员类别", "status"),
    "joined": ("加入本支部日期", "加入日期", "joined"),
    "role": ("职务", "role"),
    "email": ("邮箱", "电子邮箱", "email"),
}
STATUS = STATUS_NAMES
ROLE = ROLE_NAMES


def read_table(path: Path) -> list[list[Any]]:
    """The file's rows, cells as text (or dates, from .xlsx)."""
    if not path.is_file():
        raise NotFound(t("import.no_file", path=path))
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _xlsx(path)
    if suffix != ".csv":
        raise UsageError(t("import.bad_format", path=path), t("import.bad_format.hint"))
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # gb18030 decodes any bytes; kept for the type checker
        raise UsageError(t("import.bad_encoding", path=path))
    return [row for row in csv.reader(io.StringIO(text, newline=""))]


def _xlsx(path: Path) -> list[list[Any]]:
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - a dependency of pw
        raise UsageError(t("import.no_openpyxl")) from exc
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # a damaged or mislabelled file
        raise UsageError(t("import.bad_xlsx", path=path, problem=exc)) from exc
    try:
        sheet = book.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return str(cell).strip()


def _date(cell: Any) -> dt.date | None:
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    return parse_typed_date(_text(cell))


def _header(row: list[Any], file: str, joined: dt.date | None) -> dict[str, int]:
    where: dict[str, int] = {}
    unknown: list[str] = []
    for index, cell in enumerate(row):
        word = _text(cell).lower()
        column = next((c for c, names in COLUMNS.items() if word in names), None)
        if column is not None and column not in where:
            where[column] = index
        elif word and column is None:
            unknown.append(_text(cell))
    if "name" not in where:
        raise UsageError(
            t("import.no_name_column", file=file),
            t("import.columns.hint", columns=listed(n[0] for n in COLUMNS.values())),
        )
    if unknown:
        # a column pw does not read would be dropped without a word (入党日期 taken for none)
        party_date = any("入党" in word or "party" in word.lower() for word in unknown)
        raise DataError(
            t("import.unknown_columns", file=file, columns=listed(map(clean_name, unknown)))
            + t("import.read_columns", columns=_columns_read()),
            t("import.party_date.hint") if party_date else t("import.unknown_columns.hint"),
        )
    if "joined" not in where and joined is None:
        raise DataError(t("import.no_joined_column", file=file), t("import.no_joined_column.hint"))
    return where


def _columns_read() -> str:
    return listed(n[0] for n in COLUMNS.values()) + paren(
        ", ".join(n[-1] for n in COLUMNS.values())
    )


def plan(
    rows: list[list[Any]], roster: Roster, file: str, joined_default: dt.date | None = None
) -> tuple[list[Member], list[Problem]]:
    """The members the rows add, and every problem found, each with its row number. A member
    without a join date takes `joined_default` (`--joined`); without one that is an error."""
    if not rows:
        raise UsageError(t("import.empty", file=file))
    where = _header(rows[0], file, joined_default)
    members: list[Member] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    groups_by_name = {g.name: g.id for g in roster.groups.values()}
    for number, row in enumerate(rows[1:], start=2):
        cells = {k: row[i] if i < len(row) else None for k, i in where.items()}
        if not any(_text(c) for c in row):
            continue  # an empty line

        def bad(key: str, number: int = number, **values: Any) -> None:
            problems.append(
                Problem(
                    "IMPORT",
                    "error",
                    file,
                    number,
                    0,
                    t("import.row", row=number) + t(key, **values),
                )
            )

        name = clean_name(_text(cells.get("name")))
        fault = name_fault(name) if name else None
        if not name:
            bad("import.no_name")
        elif fault:
            bad(fault[0], name=name, char=fault[1])
        elif name in roster.members:
            bad("member.exists", name=name)
        elif name in seen:
            bad("import.twice", name=name, first=seen[name])
        seen.setdefault(name, number)
        status_text = _text(cells.get("status")) or "正式党员"
        status = STATUS.get(status_text.lower())
        if status is None:
            bad("import.bad_status", value=status_text)
        group_text = _text(cells.get("group"))
        group = None
        if group_text:
            group = group_text if group_text in roster.groups else groups_by_name.get(group_text)
            if group is None:
                bad("import.bad_group", value=group_text, groups=", ".join(roster.groups) or "—")
        joined_cell = cells.get("joined")
        joined = _date(joined_cell)
        if _text(joined_cell) and joined is None:
            bad("import.bad_date", value=_text(joined_cell))
        elif joined is None and joined_default is None:
            bad("import.no_joined", name=name)
        joined = joined or joined_default
        role_text = _text(cells.get("role"))
        roles = []
        for word in re.split(r"[、,，/;；\s]+", role_text):
            if not word:
                continue
            role = ROLE.get(word.lower())
            if role is None:
                bad("import.bad_role", value=word)
            else:
                roles.append(role)
        email = _text(cells.get("email")) or None
        if email and (name_fault(email) or any(c.isspace() for c in email) or "@" not in email):
            bad("import.bad_email", email=email)
        if "group-leader" in roles and group is None:
            bad("import.leader_needs_group", name=name)
        members.append(
            Member(
                name,
                status=status or "full",
                group=group,
                joined=joined,
                voting=status != "probationary",
                email=email,
                roles=[Role(r, joined) for r in roles],
            )
        )
    if not members and not problems:
        raise UsageError(t("import.empty", file=file))
    return members, problems


def import_members(repo: Repo, path: Path, joined: dt.date | None = None) -> list[Member]:
    rows = read_table(path)
    file = path.name
    added: list[Member] = []

    def build() -> txn.Change:
        from partywork.ops.rosterops import _readable

        repo.reload()
        roster = repo.require_valid_roster()
        members, problems = plan(rows, roster, file, joined)
        if problems:
            raise InvalidRecords(
                t("import.invalid", count=len(problems), file=file),
                problems,
                t("import.invalid.hint"),
            )
        for member in members:
            member.joined = member.joined or joined or repo.today  # plan refused it missing
            for role in member.roles:
                role.start = role.start or member.joined
                group = roster.groups.get(member.group or "")
                if role.role == "group-leader" and group is not None and not group.leader:
                    group.leader = member.name
            roster.members[member.name] = member
        text = dump(roster.as_mapping()).encode("utf-8")
        _readable(text)
        added.extend(members)
        subject = t("commit.member_import", count=len(members), file=file)
        return {MEMBERS: text}, txn.message(subject, "member-import")

    txn.commit_change(repo.git, build)
    return added
