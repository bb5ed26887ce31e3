"""Issue 14 scope 13: YAML errors in Chinese at the line of the mistake, with hints; the kept
draft shows the current errors; a submitted draft is removed; pw draft list|drop."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

from conftest import commits, ok, run_pw
from test_editor import editor_script

GOOD = """type: meeting
kind: committee
date: 2026-07-03
title: 2026年第7次支委会
place: 项目部会议室
host: 王伟
recorder: 李芳
attendees: [王伟, 李芳, 张强]
topics: [研究安全生产]
minutes: 王伟主持会议。
"""


def _from(branch: Path, text: str, name: str = "draft.yaml"):
    path = branch / name
    path.write_text(text, encoding="utf-8")
    return run_pw("log", "meeting", "--from", str(path), cwd=branch)


def test_full_width_colon_is_named_at_its_line(branch):
    result = _from(branch, GOOD.replace("kind: committee", "kind：committee"))
    assert result.returncode == 65
    assert "draft.yaml:2:" in result.stderr
    assert "could not" not in result.stderr and "expected" not in result.stderr
    assert "全角冒号" in result.stderr


def test_unclosed_list_is_named_at_its_line(branch):
    result = _from(branch, GOOD.replace("[研究安全生产]", "[研究安全生产"))
    assert result.returncode == 65 and "draft.yaml:9:" in result.stderr
    assert "did not find" not in result.stderr


def test_a_list_written_with_the_enumeration_comma(branch):
    result = _from(branch, GOOD.replace("[王伟, 李芳, 张强]", "[王伟、李芳、张强]"))
    assert result.returncode == 65 and "、" in result.stderr
    assert "[王伟, 李芳]" in result.stderr  # the hint shows how a list is written


def test_kept_draft_shows_the_current_errors(branch, tmp_path):
    editor = editor_script(
        tmp_path,
        f"""
    good = {GOOD!r}
    if run == 1:
        text = good.replace("place: 项目部会议室", "place: [未闭合")
    elif run == 2:
        text = "\\n".join(l for l in text.split("\\n") if not l.startswith("#"))
        text = text.replace("place: [未闭合", "place: 项目部会议室").replace("张强", "张三")
    else:
        sys.exit(1)  # the user quits the editor: the draft stays as pw left it
    path.write_text(text, encoding="utf-8")
    """.replace("\n    ", "\n"),
    )
    result = run_pw(
        "log", "meeting", "--edit", cwd=branch, env={"EDITOR": editor, "PW_REOPEN": "1"}
    )
    assert result.returncode != 0
    kept = [p.read_text(encoding="utf-8") for p in (branch / ".pw" / "drafts").glob("*.yaml")]
    assert len(kept) == 1
    notes = [line for line in kept[0].split("\n") if line.startswith("#")]
    assert any("UNKNOWN-MEMBER" in n for n in notes) and not any("YAML" in n for n in notes)


def test_given_up_draft_shows_its_errors(branch, tmp_path):
    editor = editor_script(
        tmp_path,
        f"""
    text = {GOOD!r}.replace("张强", "张三")
    path.write_text(text, encoding="utf-8")
    """.replace("\n    ", "\n"),
    )
    result = run_pw(
        "log", "meeting", "--edit", cwd=branch, env={"EDITOR": editor, "PW_REOPEN": "0"}
    )
    assert result.returncode != 0
    kept = [p.read_text(encoding="utf-8") for p in (branch / ".pw" / "drafts").glob("*.yaml")]
    assert len(kept) == 1 and kept[0].startswith("# ✗") and "UNKNOWN-MEMBER" in kept[0]


def test_submitted_draft_is_removed_and_drafts_listed_and_dropped(branch):
    drafts = branch / ".pw" / "drafts"
    drafts.mkdir(parents=True)
    (drafts / "meeting-20261126-1.yaml").write_text(GOOD, encoding="utf-8")
    (drafts / "meeting-20261126-2.yaml").write_text("type: meeting\n", encoding="utf-8")
    listed = ok(run_pw("draft", "list", cwd=branch)).stdout
    assert ".pw/drafts/meeting-20261126-1.yaml" in listed and "20261126-2" in listed
    ok(run_pw("log", "meeting", "--from", ".pw/drafts/meeting-20261126-1.yaml", cwd=branch))
    assert not (drafts / "meeting-20261126-1.yaml").exists()
    before = commits(branch)
    ok(run_pw("draft", "drop", ".pw/drafts/meeting-20261126-2.yaml", cwd=branch))
    assert not (drafts / "meeting-20261126-2.yaml").exists() and commits(branch) == before
    assert ok(run_pw("draft", "list", cwd=branch)).stdout.strip() == ""
    outside = branch / "records" / "pw.yaml"
    assert run_pw("draft", "drop", str(outside), cwd=branch).returncode in (2, 66)
    assert outside.exists()


def test_a_file_outside_drafts_is_kept_after_log(branch):
    ok(_from(branch, GOOD))
    assert (branch / "draft.yaml").exists()


def test_ctrl_c_at_the_reopen_question_exits_130_naming_the_draft(branch, tmp_path):
    """Issue 14 scope 10: the typed text is kept, and the interrupted user is told where."""
    import pty
    import select
    import time

    from conftest import pw_argv

    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\nprintf "\\nplace: 会议室\\n" >> "$1"\n', encoding="utf-8")
    editor.chmod(0o755)
    master, slave = pty.openpty()
    process = subprocess.Popen(
        pw_argv("log", "meeting", "--kind", "committee"),
        cwd=branch,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env={**os.environ, "EDITOR": str(editor), "TERM": "dumb"},
    )
    os.close(slave)
    seen = b""
    deadline = time.time() + 30
    while b"[Y/n]" not in seen and time.time() < deadline:
        seen += os.read(master, 4096)
    assert b"[Y/n]" in seen, seen.decode("utf-8", "replace")
    process.send_signal(signal.SIGINT)  # what Ctrl-C on the user's terminal sends
    deadline, again = time.time() + 30, time.time() + 5
    while (
        process.poll() is None and time.time() < deadline
    ):  # keep reading: a full pty would block it
        if time.time() > again:  # as a user presses Ctrl-C again when nothing happens
            process.send_signal(signal.SIGINT)
            again = time.time() + 5
        if select.select([master], [], [], 0.5)[0]:
            try:
                seen += os.read(master, 4096)
            except OSError:
                break
    process.wait(timeout=30)
    try:
        while select.select([master], [], [], 0.2)[0] and (chunk := os.read(master, 4096)):
            seen += chunk
    except OSError:
        pass
    os.close(master)
    text = seen.decode("utf-8", "replace")
    assert process.returncode == 130 and "Traceback" not in text
    after_question = text[text.index("[Y/n]") :]
    assert "已输入的内容保存在 .pw/drafts/" in after_question
    assert list((branch / ".pw" / "drafts").glob("*.yaml"))
