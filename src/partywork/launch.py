"""The `pw` command. Before Python spends its ~0.1 s importing the command line, a report's one
slow git call — `git diff-files` over records/, which stats every record file — is started in
another process, so the two overlap (early.py). Nothing here may fail: whatever cannot be
worked out from the arguments is left to the command itself."""
from __future__ import annotations

import sys

from . import early

def main() -> None:
    try:
        _start_early(sys.argv[1:])
    except Exception:  # only a head start; the command does everything itself anyway
        pass
    from .cli import main as run

    run()


def _start_early(args: list[str]) -> None:
    options, words = early.split_args(args)
    repos = options.get("--repo", [])
    if len(repos) > 1 or words[:1] != ["report"] or words[1:2] not in (["month"], ["quarter"], ["year"]):
        return
    root = early.records_root(repos[0] if repos else None)
    found = early.git_dirs(root) if root else None
    # Only a repository git itself would trust, whose config names no program: anything else is
    # left to gitio, which looks first (the head start is an optimisation, never a risk).
    if found and early.owned(*found) and not early.config_may_name_programs(found[1]):
        early.start(root, early.git_env(*found), ("diff-files", "--name-only", "-z", "--", "records"))


if __name__ == "__main__":
    main()
