"""pw's own reading of argv, for what must be known before Typer parses it: the launcher's head
start (launch.py) and the language of `--help` (app/main.py). Uses nothing but the standard
library, and nothing at all at import."""

from __future__ import annotations

GLOBAL_WITH_VALUE = ("--repo", "--lang", "--today")


def split_args(args: list[str]) -> tuple[dict[str, list[str]], list[str]]:
    """pw's global options given before the command (name → values), and the command's words."""
    options: dict[str, list[str]] = {}
    words: list[str] = []
    position = 0
    while position < len(args):
        arg = args[position]
        name, equals, value = arg.partition("=")
        if name in GLOBAL_WITH_VALUE and not words:
            if not equals:
                position += 1
                value = args[position] if position < len(args) else ""
            options.setdefault(name, []).append(value)
        elif not arg.startswith("-") or words:
            words.append(arg)
        position += 1
    return options, words
