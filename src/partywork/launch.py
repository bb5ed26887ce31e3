"""The `pw` command. Before Python spends its ~0.1 s importing the command line, a report's one
slow git call — `git diff-files` over records/, which stats every record file — is started in
another process, so the two overlap (early.py). Nothing here may fail: whatever cannot be
worked out from the arguments is left to the command itself."""
from __future__ import annotations

import sys

from . import early

_WITH_VALUE = {"--repo", "--lang", "--today"}


def main() -> None:
    try:
        _start_early(sys.argv[1:])
    except Exception:  # only a head start; the command does everything itself anyway
        pass
    from .cli import main as run

    run()


def _start_early(args: list[str]) -> None:
    repos, words = _split(args)
    if len(repos) > 1 or words[:1] != ["report"] or words[1:2] not in (["month"], ["quarter"], ["year"]):
        return
    root = early.records_root(repos[0] if repos else None)
    found = early.git_dirs(root) if root else None
    if found:
        early.start(root, early.git_env(*found), ("diff-files", "--name-only", "-z", "--", "records"))


def _split(args: list[str]) -> tuple[list[str], list[str]]:
    """The --repo values, and the words of the command (global options left out)."""
    repos: list[str] = []
    words: list[str] = []
    position = 0
    while position < len(args):
        arg = args[position]
        name, equals, value = arg.partition("=")
        if name in _WITH_VALUE and not words:
            if not equals:
                position += 1
                value = args[position] if position < len(args) else ""
            if name == "--repo":
                repos.append(value)
        elif not arg.startswith("-") or words:
            words.append(arg)
        position += 1
    return repos, words


if __name__ == "__main__":
    main()
