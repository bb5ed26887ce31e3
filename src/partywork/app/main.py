"""The `pw` command line: a thin Typer layer. Each command parses its options, calls one core
function and prints the result. `PwGroup.invoke` is the single error boundary."""

import datetime as dt
import os
import sys
from typing import Any, Literal

import typer
from typer._click.exceptions import ClickException, NoArgsIsHelpError
from typer._click.exceptions import UsageError as ClickUsageError
from typer.core import TyperGroup
from typer.exceptions import Abort, Exit, TyperException

from partywork.app.common import State, report_error
from partywork.errors import ExitCode, PwError
from partywork.storage.git.early import Started


class PwGroup(TyperGroup):
    def main(  # type: ignore[override]
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Click's own messages (usage errors, "Aborted!") in pw's language: Typer's standalone
        handling is done here, with the text translated, instead of in Typer's `_main`."""
        _localise_help()
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except NoArgsIsHelpError as error:
            error.show()  # the help itself, as click shows it
            sys.exit(error.exit_code)
        except ClickException as error:
            print(click_text(error), file=sys.stderr)
            sys.exit(error.exit_code)
        except Abort:
            from partywork.i18n import t

            print(t("click.aborted"), file=sys.stderr)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (Exit, Abort, TyperException):
            raise
        except PwError as error:
            report_error(error)
            raise Exit(int(error.code)) from None
        except KeyboardInterrupt:
            from partywork.i18n import t

            print(t("cli.interrupted"), file=sys.stderr)
            raise Exit(int(ExitCode.INTERRUPTED)) from None
        except BrokenPipeError:
            _silence_stdout()
            raise Exit(141) from None
        except Exception as error:  # a bug: one line, and --debug shows the traceback
            if _debug(ctx):
                raise
            from partywork.i18n import t

            report_error(
                PwError(
                    t("cli.internal", error=f"{type(error).__name__}: {error}"),
                    t("cli.internal.hint"),
                )
            )
            raise Exit(int(ExitCode.INTERNAL)) from None


# Click's messages (typer/_click), each as a pattern and the catalogue key that says it in pw's
# language; the first that matches the whole message is used, anything else stays as it is
_CLICK_MESSAGES = [
    (r"Missing option (?P<name>.+?)\.(?P<rest>.*)", "click.missing_option"),
    (r"Missing argument (?P<name>.+?)\.(?P<rest>.*)", "click.missing_argument"),
    (r"Missing parameter:? (?P<name>.+?)\.?(?P<rest>)", "click.missing_parameter"),
    (r"Missing command\.(?P<rest>)", "click.missing_command"),
    (r"No such command (?P<name>.+)\.(?P<rest>)", "click.no_such_command"),
    (r"No such option: (?P<name>\S+)(?P<rest>.*)", "click.no_such_option"),
    (r"Invalid value for (?P<name>.+?): (?P<message>.*)(?P<rest>)", "click.invalid_value_for"),
    (r"Invalid value: (?P<message>.*)(?P<rest>)", "click.invalid_value"),
    (r"Option (?P<name>.+?) requires an argument\.(?P<rest>)", "click.requires_argument"),
    (
        r"Option (?P<name>.+?) requires (?P<count>\d+) arguments\.(?P<rest>)",
        "click.requires_arguments",
    ),
    (r"Got unexpected extra argument\(s\) \((?P<args>.*)\)(?P<rest>)", "click.extra_arguments"),
    (r"Option (?P<name>.+?) does not take a value\.(?P<rest>)", "click.no_value"),
]


# Click's help frame (its own words are English only), each as a pattern and the catalogue key
# that says it in pw's language; the help texts themselves come from i18n/helptext.py
_HELP_FRAME = [
    (r"(?m)^Usage: ", "help.usage"),
    (r"(?m)^Arguments:$", "help.arguments"),
    (r"(?m)^Options:$", "help.options"),
    (r"(?m)^Commands:$", "help.commands"),
    (r"Show this message and exit\.", "help.help"),
    (r"Install completion for the current shell\.", "help.install_completion"),
    (
        r"Show completion for the current shell, to copy it(\s+)or(\s+)customize(\s+)the"
        r"(\s+)installation\.",
        "help.show_completion",
    ),
    (r"\[default: (?P<value>[^\]]*)\]", "help.default"),
    (r"\[required\]", "help.required"),
    (r"\[OPTIONS\]", "help.options_metavar"),
    (r"COMMAND \[ARGS\]\.\.\.", "help.command_metavar"),
]


def localised_help(text: str) -> str:
    """A help page with click's frame in pw's language."""
    import re

    from partywork.i18n import t

    if _help_lang(sys.argv[1:]) == "en":  # help is written before --lang is read
        return text
    for pattern, key in _HELP_FRAME:

        def said(found: re.Match[str], key: str = key) -> str:
            return t(key, **found.groupdict())

        text = re.sub(pattern, said, text)
    return text


def _localise_help() -> None:
    """Every help page pw shows passes through click's Context.get_help: it is wrapped once."""
    from typer._click.core import Context

    plain = Context.get_help
    if getattr(plain, "pw_localised", False):
        return

    def get_help(self: Context) -> str:
        return localised_help(plain(self))

    get_help.pw_localised = True  # type: ignore[attr-defined]
    Context.get_help = get_help  # type: ignore[method-assign]


def _click_message(message: str) -> str:
    import re

    from partywork.i18n import t

    for pattern, key in _CLICK_MESSAGES:
        found = re.fullmatch(pattern, message, re.S)
        if found:
            values = found.groupdict()
            rest = values.pop("rest")
            if "message" in values:
                values["message"] = _click_message(values["message"])
            possible = re.fullmatch(r" ?\(Possible options: (.*)\)", rest)
            if possible:
                rest = " " + t("click.possible_options", options=possible.group(1))
            return t(key, **values) + rest
    invalid = re.fullmatch(r"(?P<value>.+?) is not a valid (?P<kind>[\w ]+)\.", message)
    if invalid:
        return t("click.not_valid", **invalid.groupdict())
    return message


def click_text(error: ClickException) -> str:
    """What click would print for this error, in pw's language."""
    import re

    from partywork.i18n import t

    lines = []
    ctx = getattr(error, "ctx", None) if isinstance(error, ClickUsageError) else None
    if ctx is not None:
        usage = ctx.get_usage().removeprefix("Usage:").strip()
        for pattern, key in _HELP_FRAME[-2:]:  # [OPTIONS], COMMAND [ARGS]... as help says them
            usage = re.sub(pattern, t(key).replace("\\", "\\\\"), usage)
        lines.append(t("click.usage") + usage)
        if ctx.command.get_help_option(ctx) is not None:
            command = f"{ctx.command_path} {ctx.help_option_names[0]}"
            lines.append(t("click.try_help", command=command))
        lines.append("")
    lines.append(t("click.error") + _click_message(error.format_message()))
    return "\n".join(lines)


def _require_utf8(args: list[str]) -> None:
    """Python hands over bytes that are not UTF-8 as lone surrogates, which no record can hold:
    refused here once, instead of failing deep inside a write. A file's own name may be any
    bytes."""
    from partywork.errors import UsageError
    from partywork.i18n import t
    from partywork.render.textsafe import one_line

    for arg in args:
        if any("\ud800" <= c <= "\udfff" for c in arg) and not os.path.lexists(
            arg.partition("=")[2] or arg
        ):
            raise UsageError(t("cli.not_utf8", value=one_line(arg)), t("cli.not_utf8.hint"))


def _debug(ctx: Any) -> bool:
    state = ctx.obj if isinstance(getattr(ctx, "obj", None), State) else None
    return bool(state and state.debug) or os.environ.get("PW_DEBUG") == "1"


def _silence_stdout() -> None:
    """`pw list | head -1`: the reader went away; leave quietly instead of failing on flush."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


# Boxes and colour only on a terminal (SPEC §6); piped errors stay plain lines.
_RICH: Literal["rich"] | None = (
    "rich" if sys.stderr.isatty() and "NO_COLOR" not in os.environ else None
)

app = typer.Typer(
    cls=PwGroup,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=_RICH,
    help="pw — 支部台账 / a git-backed record book for Party branches.",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _show_version(value: bool) -> None:
    if value:
        from partywork import __version__

        print(f"pw {__version__}")
        raise Exit(0)


@app.callback()
def main_options(
    ctx: typer.Context,
    repo: list[str] | None = typer.Option(
        None,
        "--repo",
        help="The records repository (default: PW_REPO, then search upwards). "
        "Several for a report across branches.",
    ),
    lang: str | None = typer.Option(
        None, "--lang", help="Language of messages and reports: zh or en."
    ),
    today: str | None = typer.Option(
        None, "--today", help="Pretend today is this date (YYYY-MM-DD)."
    ),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks of internal errors."),
    version: bool = typer.Option(
        False,
        "--version",
        is_eager=True,
        expose_value=False,
        callback=_show_version,
        help="Show pw's version and exit.",
    ),
) -> None:
    from partywork.i18n import set_lang, t
    from partywork.model.fields import parse_date

    chosen = lang or os.environ.get("PW_LANG")
    if chosen and chosen not in ("zh", "en"):
        raise typer.BadParameter(t("cli.bad_lang"), param_hint="--lang")
    set_lang(chosen or "zh")
    _require_utf8(sys.argv[1:])
    day = parse_date(today) if today is not None else dt.date.today()
    if day is None:
        raise typer.BadParameter(t("cli.bad_today", value=today), param_hint="--today")
    started = ctx.obj if isinstance(ctx.obj, Started) else None  # handed over by main()
    ctx.obj = State(
        repo_option=repo[0] if repo else None,
        lang=chosen,
        today=day,
        debug=debug,
        repos=list(repo or []),
        prefetched=started,
    )


# registering the commands, in the order `pw --help` lists them
from partywork.app import records, reports, roster, trail  # noqa: E402,F401,I001
from partywork.app import sync  # noqa: E402,F401,I001
from partywork.app import config  # noqa: E402,F401,I001
from partywork.app import drafts  # noqa: E402,F401,I001
from partywork.app import binder  # noqa: E402,F401,I001
from partywork.app import fleet  # noqa: E402,F401,I001


def _help_lang(args: list[str]) -> str:
    """--help is written before --lang is read, so the language is looked up here."""
    from partywork.app.argv import split_args

    given = split_args(args)[0].get("--lang")
    return given[-1] if given else os.environ.get("PW_LANG") or "zh"


def _localize() -> None:
    from partywork.i18n.helptext import localize

    localize(app, _help_lang(sys.argv[1:]))


_localize()


def _text_streams() -> None:
    """UTF-8 into pipes and files whatever the locale or code page (`pw report … > 报告.md` on a
    Chinese Windows would otherwise be GBK, and fail on a name outside it), as git writes UTF-8
    whatever the console. PYTHONIOENCODING, when the user sets it, is obeyed. A terminal keeps its
    own encoding (Windows' console takes Unicode anyway); what it cannot show is escaped, never an
    error."""
    chosen = os.environ.get("PYTHONIOENCODING", "")
    for stream in (sys.stdout, sys.stderr):
        if not hasattr(stream, "reconfigure"):
            continue
        try:
            if chosen:
                if ":" not in chosen:
                    stream.reconfigure(errors="backslashreplace")
            elif stream.isatty():
                stream.reconfigure(errors="backslashreplace")
            else:
                stream.reconfigure(encoding="utf-8", errors="backslashreplace")
        except (OSError, ValueError):  # a closed or detached stream: left as it is
            continue


def every_command() -> typer.Typer:
    """The app with every command made, for whoever walks them all."""
    records.register_log_commands()
    _localize()  # the commands made just now; what was translated before stays as it is
    return app


def _needs_log_commands(args: list[str]) -> bool:
    """`pw log …`, and shell completion, which may be asked for any command."""
    from partywork.app.argv import split_args

    words = split_args(args)[1]
    return words[:1] == ["log"] or any(k.endswith("_COMPLETE") for k in os.environ)


def main(started: Started | None = None) -> None:
    """Run the command line; `started` is the launcher's head start (launch.py), if any."""
    from partywork.render.textsafe import guard_streams

    if _needs_log_commands(sys.argv[1:]):
        every_command()

    _text_streams()
    guard_streams()
    try:
        app(obj=started)
    except BrokenPipeError:
        _silence_stdout()
        sys.exit(141)
