"""pw config get | set"""

import typer

from partywork.app.common import err, open_repo, out
from partywork.app.main import app

config_app = typer.Typer(help="Branch settings (records/pw.yaml): get, set.", no_args_is_help=True)
app.add_typer(config_app, name="config")


@config_app.command("get")
def config_get(
    ctx: typer.Context,
    key: str = typer.Argument(..., help="A setting, dotted for nested ones: rules.committee.min."),
) -> None:
    """Print a setting as it applies (defaults filled in)."""
    from partywork.ops.configops import get, show

    out(show(get(open_repo(ctx.obj), key)))


@config_app.command("set")
def config_set(
    ctx: typer.Context,
    key: str = typer.Argument(..., help="A setting, dotted for nested ones: study_hours.member."),
    value: str = typer.Argument(
        ..., help="The new value; null switches a rule off; recorders as a comma list."
    ),
    reason: str = typer.Option(..., "--reason", help="Why; kept in the commit as Pw-Reason."),
) -> None:
    """Change one setting: checked like pw.yaml, then one commit."""
    from partywork.i18n import t
    from partywork.ops.configops import set_value, show

    now, committed = set_value(open_repo(ctx.obj), key, value, reason)
    err(t("config.set" if committed else "config.unchanged", key=key, value=show(now)))
