"""pw history | audit | close | verify: the audit trail for supervisors."""

import contextlib
from typing import TYPE_CHECKING

import typer

from partywork.app.common import emit_json, err, open_repo, out
from partywork.app.main import app

if TYPE_CHECKING:
    from partywork.storage.repo import Repo


def _finding_line(f: dict) -> str:
    from partywork.i18n import t
    from partywork.render.textsafe import one_line

    where = " ".join(one_line(x) for x in (f["record"], (f["commit"] or "")[:10]) if x)
    return f"[{t('severity.' + f['severity'])}] {f['code']} {where}: {one_line(f['message'])}"


def _summary(findings: list[dict]) -> None:
    from partywork.i18n import t

    errors = sum(1 for f in findings if f["severity"] == "error")
    warnings = sum(1 for f in findings if f["severity"] == "warning")
    err(
        t("audit.summary", count=len(findings), errors=errors, warnings=warnings)
        if findings
        else t("audit.none")
    )


@app.command()
def history(
    ctx: typer.Context,
    record_id: str = typer.Argument(
        ..., metavar="ID", help="The record's id (also of a deleted record), or a member's name."
    ),
    fmt: str = typer.Option("text", "--format", help="text | json."),
) -> None:
    """Every version of a record, newest first: who, when, why, what changed."""
    from partywork.analysis.history import (
        action_label,
        describe,
        field_label,
        member_history,
        record_history,
    )
    from partywork.errors import PwError
    from partywork.i18n import t
    from partywork.render.textsafe import one_line
    from partywork.storage.store import find_record

    repo = open_repo(ctx.obj)
    with contextlib.suppress(
        PwError
    ):  # a unique prefix, as pw show takes; a deleted record needs its full id
        record_id = find_record(repo.root, record_id).stem
    names = _member_names(repo, record_id)
    data = member_history(repo.git, names) if names else record_history(repo.git, record_id)
    if fmt == "json":
        emit_json(data)
        return
    for version in data["versions"]:
        # author, email and reason are whatever the committer typed: one line each, escaped
        reason = f" — {one_line(version['reason'])}" if version["reason"] else ""
        out(
            f"{one_line(version['commit'][:10])}  {one_line(version['date'])}  "
            f"{one_line(version['author'])} <{one_line(version['email'])}>  "
            f"{one_line(action_label(version['action']))}{reason}"
        )
        changes = version["changes"] or []
        if not changes:
            deleted = version["action"] == "deleted"
            out(f"    {t('history.deleted' if deleted else 'history.created')}")
        for change in changes:
            out(f"    {one_line(describe(change, field_label(change['field'])))}")


def _member_names(repo: "Repo", name: str) -> set[str]:
    """A member's current and former names when `name` is one of them (not a record id)."""
    from partywork.model.schema import ID_PATTERN

    if ID_PATTERN.match(name) or name[:1].isdigit():  # an id, or a mistyped one
        return set()
    member = repo.roster.members.get(name) or (repo.roster.renamed(name) or (None,))[0]
    if member is None:  # perhaps a former name the roster did not need to keep
        return {name}
    return {member.name, *(f.name for f in member.former_names)}


@app.command()
def audit(
    ctx: typer.Context,
    period: str | None = typer.Argument(
        None, help="Only records of this period (default: the whole history)."
    ),
    fmt: str = typer.Option("text", "--format", help="text | json."),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 on any warning or error."),
) -> None:
    """Integrity findings from the git history."""
    from partywork.analysis import audit as audit_mod
    from partywork.model.periods import parse

    repo = open_repo(ctx.obj)
    chosen = (
        parse(period, "quarter", repo.today, repo.settings.year_start_month) if period else None
    )
    findings = audit_mod.audit(repo, chosen)
    if fmt == "json":
        emit_json(
            {
                "schema": "pw.audit/1",
                "period": chosen.as_json() if chosen else None,
                "findings": findings,
            }
        )
    else:
        for f in findings:
            out(_finding_line(f))
        _summary(findings)
    if strict and any(f["severity"] in ("warning", "error") for f in findings):
        raise typer.Exit(1)


@app.command()
def close(
    ctx: typer.Context,
    period: str = typer.Argument(..., help="2026Q3, 2026-07 or 2026: a period that is over."),
) -> None:
    """Seal a period: annotated tag pw/closed/<label>, signed when signing is on."""
    from partywork.i18n import t
    from partywork.ops.sealing import close_period, empty_period

    repo = open_repo(ctx.obj)
    label, tag = close_period(repo, period)
    err(t("close.done", label=label, tag=tag))
    if empty_period(repo, period):  # sealed as it is; the recorder may have meant another period
        err(t("close.empty", label=label))
    out(tag)


@app.command()
def verify(
    ctx: typer.Context, fmt: str = typer.Option("text", "--format", help="text | json.")
) -> None:
    """The strict gate for CI: signatures, sealed periods, edits outside pw, git objects. Exit 1 on any problem."""  # noqa: E501 (a key of helptext.ZH)
    from partywork.analysis import audit as audit_mod
    from partywork.i18n import t

    repo = open_repo(ctx.obj)
    ok, findings = audit_mod.verify(repo)
    failing = [f for f in findings if f["code"] not in audit_mod.VERIFY_SHOWN]
    if fmt == "json":
        emit_json({"schema": "pw.verify/1", "ok": ok, "findings": findings})
    else:
        for f in findings:
            out(_finding_line(f))
        err(t("verify.failed", count=len(failing)) if not ok else t("verify.ok"))
    if not ok:
        raise typer.Exit(1)
