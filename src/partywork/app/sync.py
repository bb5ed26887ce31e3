"""pw sync | status: exchanging records with the shared git server."""

import typer

from partywork.app.common import emit_json, err, open_repo, out
from partywork.app.main import app


@app.command()
def sync(ctx: typer.Context) -> None:
    """Exchange records with the remote: fetch, fast-forward or rebase, push (never force), close tags too."""  # noqa: E501 (a key of helptext.ZH)
    from partywork.i18n import t
    from partywork.ops.sync import sync as sync_repo

    repo = open_repo(ctx.obj)
    result = sync_repo(repo)
    err(
        t(
            "sync.done",
            remote=result.remote,
            branch=result.branch,
            pulled=result.pulled,
            pushed=result.pushed,
        )
    )
    if result.tags:
        err(t("sync.tags", tags=", ".join(result.tags)))
    if result.fetched_tags:
        err(t("sync.tags_fetched", tags=", ".join(result.fetched_tags)))


@app.command()
def status(
    ctx: typer.Context, fmt: str = typer.Option("text", "--format", help="text | json.")
) -> None:
    """What is not shared yet: unpushed and unpulled commits, uncommitted changes, open drafts."""
    from partywork.i18n import t
    from partywork.ops.sync import status as repo_status
    from partywork.render.textsafe import one_line

    repo = open_repo(ctx.obj)
    data = repo_status(repo)
    if fmt == "json":
        emit_json(data)
        return
    if data["remote"] is None and not data["uncommitted"] and not data["drafts"]:
        return  # quiet when there is nothing to say and nowhere to send it
    if data["remote"]:
        if data["unpushed"]:
            out(t("status.unpushed", count=len(data["unpushed"])))
            for line in data["unpushed"]:
                out(f"  {one_line(line)}")
        if data["unpulled"]:
            out(t("status.unpulled", count=data["unpulled"]))
    if data["uncommitted"]:
        out(t("status.uncommitted", paths=", ".join(one_line(p) for p in data["uncommitted"])))
    if data["drafts"]:
        out(t("status.drafts", paths=", ".join(one_line(p) for p in data["drafts"])))
    if data["remote"] and not (
        data["unpushed"] or data["unpulled"] or data["uncommitted"] or data["drafts"]
    ):
        err(t("status.clean"))


@app.command()
def resolve(
    ctx: typer.Context,
    record: str = typer.Argument(..., help="The record the refused sync named."),
    keep: str = typer.Option(..., "--keep", help="mine | theirs: which version stands."),
    reason: str = typer.Option(..., "--reason", help="Why this version (goes into the history)."),
) -> None:
    """Settle a sync conflict on one record: keep mine or theirs (one commit); then pw sync."""
    from partywork.i18n import t
    from partywork.ops.sync import resolve as resolve_record

    repo = open_repo(ctx.obj)
    rid = resolve_record(repo, record, keep, reason)
    err(t("resolve.done", record=rid, keep=t("resolve.side." + keep)))
