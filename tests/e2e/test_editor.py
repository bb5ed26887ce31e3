"""The editor flow of `pw log` and `pw edit`: template filled with what was given, errors shown
and the file reopened, a draft kept when the user gives up. Typed text is never lost."""

from __future__ import annotations

import shlex
import sys
import textwrap

from conftest import commits, load_yaml, log_committee, ok, pw_argv, run_pw


def editor_script(tmp_path, body: str):
    """An $EDITOR that runs `body` with `path` (the draft) and `text` (its content) and a run
    counter."""
    script = tmp_path / "editor.py"
    script.write_text(
        textwrap.dedent(f"""
        import sys, pathlib
        path = pathlib.Path(sys.argv[1])
        counter = pathlib.Path(r"{tmp_path}") / "runs"
        run = int(counter.read_text()) + 1 if counter.exists() else 1
        counter.write_text(str(run))
        text = path.read_text(encoding="utf-8")
    """)
        + textwrap.dedent(body),
        encoding="utf-8",
    )
    return f"{sys.executable} {script}"


FILL = """
    text = text.replace("place:\\n", "place: 项目部会议室\\n", 1)
    text = text.replace("attendees:\\n", "attendees: [王伟, 李芳, 张强]\\n", 1)
    text = text.replace("topics:\\n", "topics: [研究安全生产]\\n", 1)
    text = text.replace("minutes: |\\n", "minutes: 王伟主持会议。\\n", 1)
"""


def test_template_is_filled_and_the_record_written(branch, tmp_path):
    seen = tmp_path / "seen.yaml"
    editor = editor_script(
        tmp_path,
        f"""
    pathlib.Path(r"{seen}").write_text(text, encoding="utf-8")
    {FILL.strip()}
    path.write_text(text, encoding="utf-8")
    """.replace("\n    ", "\n"),
    )
    result = ok(
        run_pw(
            "log",
            "meeting",
            "--kind",
            "committee",
            "--date",
            "2026-07-03",
            "--host",
            "王伟",
            "--recorder",
            "李芳",
            "--edit",
            cwd=branch,
            env={"EDITOR": editor},
        )
    )
    template = seen.read_text(encoding="utf-8")
    assert (
        "kind: committee" in template
        and "host: 王伟" in template
        and "date: 2026-07-03" in template
    )
    assert "# 主持人" in template
    assert (
        "lecturer" not in template and "activities" not in template
    )  # other kinds' fields left out
    record = load_yaml(branch / "records" / "2026" / f"{result.stdout.strip()}.yaml")
    assert record["place"] == "项目部会议室" and record["attendees"] == ["王伟", "李芳", "张强"]
    assert not list((branch / ".pw" / "drafts").glob("*.yaml"))


def test_errors_reopen_the_editor_until_valid(branch, tmp_path):
    second = tmp_path / "second.yaml"
    editor = editor_script(
        tmp_path,
        f"""
    if run == 1:
        {FILL.strip().replace(chr(10) + "    ", chr(10) + "        ")}
        text = text.replace("[王伟, 李芳, 张强]", "[王伟, 李芳, 张三]")
    else:
        pathlib.Path(r"{second}").write_text(text, encoding="utf-8")
        text = text.replace("张三", "张强")
    path.write_text(text, encoding="utf-8")
    """.replace("\n    ", "\n"),
    )
    result = ok(
        run_pw(
            "log",
            "meeting",
            "--kind",
            "committee",
            "--date",
            "2026-07-03",
            "--host",
            "王伟",
            "--recorder",
            "李芳",
            "--edit",
            cwd=branch,
            env={"EDITOR": editor, "PW_REOPEN": "1"},
        )
    )
    reopened = second.read_text(encoding="utf-8")
    assert reopened.startswith("# ✗") and "UNKNOWN-MEMBER" in reopened and "张强" in reopened
    line = int(reopened.split("#   ✗ ")[1].split(":")[0])
    assert "张三" in reopened.split("\n")[line - 1]  # the note's line number points at the bad name
    assert "UNKNOWN-MEMBER" in result.stderr
    assert (
        load_yaml(branch / "records" / "2026" / f"{result.stdout.strip()}.yaml")["attendees"][2]
        == "张强"
    )


def test_giving_up_keeps_the_draft(branch, tmp_path):
    editor = editor_script(
        tmp_path,
        """
    text = text.replace("place:\\n", "place: 我输入的会议室\\n", 1)
    path.write_text(text, encoding="utf-8")
    """.replace("\n    ", "\n"),
    )
    before = commits(branch)
    result = run_pw(
        "log",
        "meeting",
        "--kind",
        "committee",
        "--edit",
        cwd=branch,
        env={"EDITOR": editor, "PW_REOPEN": "0"},
    )
    assert result.returncode != 0 and "Traceback" not in result.stderr
    drafts = list((branch / ".pw" / "drafts").glob("meeting-*.yaml"))
    assert len(drafts) == 1 and "我输入的会议室" in drafts[0].read_text(encoding="utf-8")
    assert ".pw/drafts/meeting-" in result.stderr
    assert commits(branch) == before


def test_unchanged_template_records_nothing(branch, tmp_path):
    editor = editor_script(tmp_path, "pass\n")
    before = commits(branch)
    result = run_pw("log", "meeting", "--edit", cwd=branch, env={"EDITOR": editor})
    assert result.returncode == 0 and commits(branch) == before


def test_edit_in_the_editor(branch, tmp_path):
    record_id = log_committee(branch)
    editor = editor_script(
        tmp_path,
        """
    path.write_text(text.replace("项目部会议室", "党员活动室"), encoding="utf-8")
    """.replace("\n    ", "\n"),
    )
    # pw edit opens the editor only on a terminal; `script` gives it one
    import shutil
    import subprocess

    if not shutil.which("script"):
        import pytest

        pytest.skip("needs util-linux `script` for a terminal")
    command = shlex.join(pw_argv("edit", record_id, "--reason", "更正地点"))
    subprocess.run(
        ["script", "-qec", command, "/dev/null"],
        cwd=branch,
        env={**__import__("os").environ, "EDITOR": editor},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert load_yaml(branch / "records" / "2026" / f"{record_id}.yaml")["place"] == "党员活动室"
