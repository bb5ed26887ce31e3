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


def readme_examples() -> list[str]:
    """Every `pw …` line of the README's sh blocks, its comment dropped ("…" marks an ellipsis
    in prose, not a command)."""
    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
    lines = [line for b in blocks for line in b.replace("\\\n", " ").splitlines()]
    return [
        re.sub(r"\s+#\s.*$", "", line)
        for line in lines
        if line.startswith("pw ") and "…" not in line
    ]


def test_every_readme_example_is_a_command_pw_knows(tmp_path):
    """Each example's command and options parse (--help at the end stops short of running it)."""
    examples = readme_examples()
    assert len(examples) > 30
    for line in examples:
        result = subprocess.run(
            pw_argv(*shlex.split(line)[1:], "--help", today=None),
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, (line, result.stderr)


def test_the_readme_redirect_example_writes_markdown(branch):
    from conftest import log_committee

    log_committee(branch)
    text = README.read_text(encoding="utf-8")
    assert "`pw report quarter > 报告.md`" not in text  # piped, the default is JSON
    example = re.search(r"`(pw report quarter [^`]*> 报告\.md)`", text)
    assert example, "the README's example of a report redirected to a file"
    command, _, target = example.group(1).partition(" > ")
    with open(branch / target, "wb") as out:
        subprocess.run(
            pw_argv(*shlex.split(command)[1:]), cwd=branch, stdout=out, check=True, timeout=60
        )
    written = (branch / target).read_text(encoding="utf-8")
    assert written.startswith("#") and not written.lstrip().startswith("{")
