"""The README's tour (快速上手), run top to bottom in a temporary folder as a new recorder would
type it, so the tour stays true (issue 14). The one command that needs a terminal (the editor) is
checked for its plain refusal instead."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

from conftest import ok, pw_argv

README = Path(__file__).resolve().parents[2] / "README.md"


def tour_commands() -> list[str]:
    text = README.read_text(encoding="utf-8")
    start = text.index("## 快速上手")
    block = text[
        text.index("```sh", start) + len("```sh") : text.index(
            "```", text.index("```sh", start) + 5
        )
    ]
    return [
        line
        for line in block.replace("\\\n", " ").splitlines()
        if line.strip() and not line.startswith("#")
    ]


def test_the_readme_tour_runs_as_written(tmp_path):
    folder = tmp_path
    record = None
    commands = tour_commands()
    assert len(commands) > 15
    for line in commands:
        words = shlex.split(re.sub(r"\s+#\s.*$", "", line))  # a shell's comment: after a space
        if words[0] == "cd":
            folder = folder / words[1]
            continue
        assert words[0] == "pw", line
        if record:
            words = [w.replace("2026-07-03-committee-xxxx", record) for w in words]
        result = subprocess.run(
            pw_argv(*words[1:], today=None),
            cwd=folder,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=60,
        )
        if (
            words[1:3] == ["log", "meeting"] and "--place" not in words
        ):  # needs a terminal for the editor
            assert (
                result.returncode == 65
                and "place" in result.stderr
                and "Traceback" not in result.stderr
            )
            continue
        ok(result)
        if words[1:3] == ["log", "meeting"]:
            record = result.stdout.strip()
            assert re.fullmatch(r"2026-07-03-committee-[a-z0-9]{4}", record)
    assert record and (folder / "报告.html").is_file()
