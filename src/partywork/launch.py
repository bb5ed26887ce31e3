"""The `pw` command. Before Python spends its ~0.1 s importing the command line, a report's one
slow git call — `git diff-files` over records/, which stats every record file — is started in
another process, so the two overlap (early.py). Nothing here may fail: whatever cannot be
worked out from the arguments is left to the command itself.

Ctrl-C at any moment exits 130 without a traceback (SPEC §6): before the command runs there is
nothing to undo, so the process just ends; while it runs, KeyboardInterrupt unwinds through the
write's rollback (txn.py) to the CLI's error boundary."""

from __future__ import annotations

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


def main() -> None:
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


def _start_early(args: list[str]) -> early.Started | None:
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
