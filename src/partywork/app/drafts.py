"""pw draft list | drop: the editor's kept drafts (issue 14 scope 13)."""

import typer

from partywork.app.common import err, open_repo, out
from partywork.app.main import app

draft_app = typer.Typer(
    help="The editor's kept drafts (.pw/drafts/): list, drop.", no_args_is_help=True
)
app.add_typer(draft_app, name="draft")


@draft_app.command("list")
def draft_list(ctx: typer.Context) -> None:
    """List the kept drafts, one path a line."""
    from partywork.ops.drafts import listed

    repo = open_repo(ctx.obj)
    for path in listed(repo.root):
        out(path)


@draft_app.command("drop")
def draft_drop(
    ctx: typer.Context,
    file: str = typer.Argument(..., metavar="FILE", help="A draft under .pw/drafts/."),
) -> None:
    """Delete a kept draft (nothing is committed; records are never touched)."""
    from partywork.i18n import t
    from partywork.ops.drafts import drop

    repo = open_repo(ctx.obj)
    err(t("draft.dropped", path=drop(repo.root, file)))
