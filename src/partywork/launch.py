"""The `pw` command. Before Python spends its ~0.1 s importing the command line, a report's one
slow git call — `git diff-files` over records/, which stats every record file — is started in
another process, so the two overlap (early.py). Nothing here may fail: whatever cannot be
worked out from the arguments is left to the command itself.

Ctrl-C at any moment exits 130 without a traceback (SPEC §6): before the command runs there is
nothing to undo, so the process just ends; while it runs, KeyboardInterrupt unwinds through the
write's rollback (txn.py) to the CLI's error boundary.

This file is read by Pythons older than pw's, too (UOS 20 ships 3.7, Kylin V10 3.8, older systems
3.6): it must parse there, so it has no `from __future__ import annotations` and no newer syntax."""

import os
import signal
import sys

TYPE_CHECKING = False  # typing itself costs milliseconds before the head start

if TYPE_CHECKING:
    from partywork.storage.git import early

_interrupted = False


def _leave(*_args: object) -> None:
    os._exit(130)


def _interrupt(*_args: object) -> None:
    global _interrupted
    _interrupted = True
    raise KeyboardInterrupt


OLDEST = (3, 10)  # pyproject.toml's requires-python

# Said before anything else is imported, so it cannot come from the catalogue (the i18n package
# itself needs a newer Python): both languages are here.
TOO_OLD = {
    "zh": "pw: 需要 Python {need} 或更新版本，此处是 {have}（{exe}）\n"
    "  提示: 不必升级系统自带的 Python：安装 uv 后运行 "
    "uv tool install --python 3.12 <pw 的安装包或源码目录>，uv 会另备一份 Python 3.12；"
    "详见 README「在 Windows、统信 UOS、银河麒麟上安装」",
    "en": "pw: needs Python {need} or newer; this is {have} ({exe})\n"
    "  hint: the system's Python can stay: install uv, then run uv tool install --python 3.12 "
    "<pw's package or source folder>, and uv brings a Python 3.12 of its own; see the README, "
    "Installing on Windows, UOS and Kylin",
}


def _refuse_old_python(args: list) -> None:
    """A Python too old for pw would fail on its syntax with a traceback; say what to do instead
    and exit 78 (configuration)."""
    if sys.version_info >= OLDEST:
        return
    given = [a.split("=", 1)[1] for a in args if a.startswith("--lang=")]
    given += [args[i + 1] for i in range(len(args) - 1) if args[i] == "--lang"]
    lang = (given or [os.environ.get("PW_LANG", "zh")])[-1]
    values = {
        "need": "{}.{}".format(*OLDEST),
        "have": sys.version.split()[0],
        "exe": sys.executable,
    }
    text = TOO_OLD["en" if lang == "en" else "zh"].format(**values)
    try:
        text.encode(sys.stderr.encoding or "ascii")
    except (UnicodeEncodeError, LookupError):  # an old Python in an ASCII locale
        text = TOO_OLD["en"].format(**values)
    print(text, file=sys.stderr)
    sys.exit(78)


def main() -> None:
    _refuse_old_python(sys.argv[1:])
    signal.signal(signal.SIGINT, _leave)
    try:
        started = None
        try:  # noqa: SIM105 (contextlib is not imported before the head start)
            started = _start_early(sys.argv[1:])
        except Exception:  # only a head start; the command does everything itself anyway
            pass
        from partywork.app.main import main as run

        signal.signal(signal.SIGINT, _interrupt)
        run(started)
    except KeyboardInterrupt:
        _quit_interrupted()
    except SystemExit as done:
        # click turns a Ctrl-C during its own parsing into "Aborted!" and exit 1
        if _interrupted and done.code not in (0, 130):
            _quit_interrupted()
        raise
    finally:
        signal.signal(signal.SIGINT, _leave)  # a late Ctrl-C must not raise during shutdown


def _quit_interrupted() -> None:
    signal.signal(signal.SIGINT, _leave)
    try:
        from partywork.i18n import t

        print(t("cli.interrupted"), file=sys.stderr)
    except Exception:
        pass
    sys.exit(130)


def _start_early(args: "list[str]") -> "early.Started | None":
    """The records scan of `pw report month|quarter|year`, started now; handed to the command."""
    from partywork.app.argv import split_args
    from partywork.storage.git import early

    options, words = split_args(args)
    repos = options.get("--repo", [])
    if (
        len(repos) > 1
        or words[:1] != ["report"]
        or words[1:2] not in (["month"], ["quarter"], ["year"])
    ):
        return None
    root = early.records_root(repos[0] if repos else None)
    found = early.git_dirs(root) if root else None
    # Only a repository git itself would trust, whose config names no program: anything else is
    # left to gitio, which looks first (the head start is an optimisation, never a risk).
    if root and found and early.owned(*found) and not early.config_may_name_programs(found[1]):
        return early.start(root, early.git_env(*found), early.RECORDS_SCAN)
    return None


if __name__ == "__main__":
    main()
