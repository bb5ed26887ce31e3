"""The editor flow (like `git commit`): a draft under .pw/drafts/, the user's $EDITOR, validation,
reopen on errors. The draft stays on disk until the record is committed, so typed text survives
a crash, a kill or a refusal."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import typer

from partywork.app.common import err, problem_lines
from partywork.errors import DataError, InvalidRecords, PwError, UsageError
from partywork.i18n import t
from partywork.model.templates import error_notes, today_stamp
from partywork.storage.yamlio import Document, parse

_NOTE = "# ✗"


def draft_path(root: Path, stem: str) -> Path:
    from partywork.errors import StorageError
    from partywork.i18n import t
    from partywork.storage.fsutil import no_link_between

    folder = root / ".pw" / "drafts"
    if not no_link_between(root, folder):  # drafts hold what was typed: never written outside
        raise StorageError(t("record.symlink", path=".pw/drafts"), t("record.symlink.hint"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{stem}-{today_stamp()}.yaml"


def _editor_words(editor: str) -> list[str]:
    """EDITOR split as a shell would; on Windows backslashes are path separators, not escapes
    (`"C:\\Program Files\\Notepad++\\notepad++.exe" -multiInst`)."""
    if os.name != "nt":
        return shlex.split(editor)
    words = shlex.split(editor, posix=False)
    return [w[1:-1] if len(w) > 1 and w[0] == w[-1] == '"' else w for w in words]


def _default_editor() -> str:
    """Without VISUAL or EDITOR: Notepad on Windows; elsewhere nano, which shows its keys on the
    screen (a recorder on UOS or Kylin meeting vi cannot even leave it), and vi only without it."""
    import shutil

    if os.name == "nt":
        return "notepad"
    return "nano" if shutil.which("nano") else "vi"


def run_editor(path: Path) -> None:
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or _default_editor()
    try:
        code = subprocess.call([*_editor_words(editor), str(path)])
    except OSError:
        code = -1
    if code != 0:
        raise UsageError(t("editor.failed", editor=editor), t("editor.failed.hint"))


def _strip_notes(text: str) -> tuple[str, int]:
    lines = text.split("\n")
    count = 0
    while count < len(lines) and lines[count].startswith(("# ✗", "#   ✗")):
        count += 1
    return "\n".join(lines[count:]), count


def edit_until_valid(
    root: Path,
    draft: Path,
    initial: str,
    submit: Callable[[Document, str], object],
    retry_hint: str,
) -> object | None:
    """Open the draft until `submit` accepts it; on giving up, keep the draft and say where."""
    draft.write_text(initial, encoding="utf-8")
    label = draft.relative_to(root).as_posix()
    while True:
        run_editor(draft)
        text = draft.read_text(encoding="utf-8")
        if _strip_notes(text)[0] == _strip_notes(initial)[0]:
            draft.unlink(missing_ok=True)
            err(t("editor.unchanged"))
            return None
        problems = _submit(draft, label, submit)
        if problems is None:
            draft.unlink(missing_ok=True)
            return True
        for line in problem_lines(problems):
            err(line)
        body, old_notes = _strip_notes(text)
        new_notes = 1 + len(problems)
        notes = error_notes(
            _shifted(problems, new_notes - old_notes), "✗ " + t("editor.errors_header")
        )
        draft.write_text(notes + body, encoding="utf-8")  # the kept draft shows these errors
        try:
            again = _wants_reopen()
        except (typer.Abort, KeyboardInterrupt):  # Ctrl-C at the question: say where the text is
            err(t("editor.draft_kept", path=label))
            raise KeyboardInterrupt from None
        if not again:
            # the record was refused as invalid data (65), not an internal failure of pw
            raise DataError(t("editor.draft_kept", path=label), retry_hint.format(path=label))


def _wants_reopen() -> bool:
    answer = os.environ.get("PW_REOPEN")
    if answer is not None:  # scripted sessions answer the prompt here: 1 reopens, 0 gives up
        return answer == "1"
    if not sys.stdin.isatty():
        return False
    return typer.confirm(t("editor.reopen"), default=True, err=True)


def _shifted(problems: list, shift: int) -> list:
    from dataclasses import replace

    return [replace(p, line=p.line + shift) if p.line else p for p in problems]


def _submit(draft: Path, label: str, submit: Callable[[Document, str], object]) -> list | None:
    doc, problems = parse(draft.read_bytes(), label)
    if doc is None or any(p.severity == "error" for p in problems):
        return problems
    try:
        submit(doc, label)
    except InvalidRecords as error:
        return error.problems
    except PwError:  # refused otherwise (a sealed period …): the typed text is still on disk
        err(t("editor.draft_kept", path=label))
        raise
    return None
