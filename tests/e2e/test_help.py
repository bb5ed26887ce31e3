"""Every command's --help, in both languages (issue 13): the list of commands comes from the app
itself, so a new command is walked without anyone adding it here."""

from __future__ import annotations

import subprocess

import pytest
import typer

from conftest import pw_argv
from partywork.app.main import every_command

app = every_command()


def _commands(group: typer.core.TyperGroup | None = None, path: tuple[str, ...] = ()) -> list:
    group = group or typer.main.get_command(app)
    found = [path]
    for name, command in sorted(group.commands.items()):
        if hasattr(command, "commands"):
            found += _commands(command, (*path, name))
        else:
            found.append((*path, name))
    return found


COMMANDS = _commands()


def test_the_walk_sees_every_group_and_command():
    names = {" ".join(c) for c in COMMANDS}
    for expected in ("log meeting", "report quarter", "action done", "member role", "group add"):
        assert expected in names
    for expected in ("check", "audit", "verify", "close", "history", "sync", "status", "init"):
        assert expected in names
    assert len(COMMANDS) >= 30


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_help_exits_0_without_a_traceback(lang, tmp_path):
    for command in COMMANDS:
        args = [*(["--lang", "en"] if lang == "en" else []), *command, "--help"]
        result = subprocess.run(
            pw_argv(*args, today=None), cwd=tmp_path, capture_output=True, text=True, timeout=60
        )
        shown = " ".join(command) or "pw"
        assert result.returncode == 0, f"{shown}: {result.stderr}"
        assert "Traceback" not in result.stderr, shown
        assert result.stdout.startswith("Usage:" if lang == "en" else "用法："), shown
        if lang == "zh":  # click's own frame is said in Chinese too, not only pw's help texts
            for english in ("Options:", "Show this message", "[default:", "[required]"):
                assert english not in result.stdout, f"{shown}: {english}"
        assert not result.stderr, f"{shown}: {result.stderr}"
        if not command:  # the language really changes: pw's own line differs
            assert ("a git-backed record book" in result.stdout) == (lang == "en")
