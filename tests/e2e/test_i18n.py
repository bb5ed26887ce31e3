"""SPEC §12: every message exists in Chinese and English with the same placeholders."""

from __future__ import annotations

import re
import string
from pathlib import Path

from conftest import ok, run_pw
from partywork.i18n.catalogue import EN, ZH


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_every_key():
    assert set(ZH) == set(EN)


def test_placeholders_match():
    for key in ZH:
        assert placeholders(ZH[key]) == placeholders(EN[key]), key


def test_every_key_used_in_the_code_exists():
    src = Path(__file__).resolve().parents[2] / "src" / "partywork"
    used = set()
    for path in src.rglob("*.py"):
        used |= set(
            re.findall(r"""\bt\(\s*["']([a-z_.-]+)["']""", path.read_text(encoding="utf-8"))
        )
    assert {k for k in used if not k.endswith(".")} - set(ZH) == set()


def test_chinese_messages_are_chinese():
    for key, text in ZH.items():
        if key.startswith(
            (
                "kind.",
                "label.",
                "type.",
                "mode.",
                "status.",
                "role.",
                "action.",
                "expected.",
                "commit.",
            )
        ) or key in ("hint",):
            continue
        assert re.search(r"[\u4e00-\u9fff]", text), key


def test_no_key_is_defined_twice():
    """A dict literal silently keeps the last of two equal keys; one such pair once turned the
    status label 已完成 into the message '已完成 {id}'."""
    import ast

    tree = ast.parse(
        (
            Path(__file__).resolve().parents[2] / "src" / "partywork" / "i18n" / "catalogue.py"
        ).read_text(encoding="utf-8")
    )
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
            assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)


def test_every_help_text_has_its_chinese():
    """The English help, as an English run of pw holds it, is all in the Chinese table."""
    import json
    import os
    import subprocess
    import sys

    from partywork.i18n.helptext import ZH

    dump = (
        "import json; from partywork.app.main import every_command; app = every_command(); "
        "from partywork.i18n.helptext import english, help_texts; "
        "print(json.dumps([english(h) for h in help_texts(app)]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", dump],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PW_LANG": "en"},
    ).stdout
    texts = json.loads(out)
    assert len(texts) > 100
    assert [text for text in texts if text not in ZH] == []


def test_help_is_chinese_unless_english_is_asked_for(tmp_path):
    chinese = ok(run_pw("log", "meeting", "--help", cwd=tmp_path, today=None)).stdout
    assert "记录一次会议" in chinese and "主持人" in chinese
    english_help = ok(
        run_pw("--lang", "en", "log", "meeting", "--help", cwd=tmp_path, today=None)
    ).stdout
    assert "Record a meeting" in english_help and "召开日期" not in english_help
    assert (
        "Record a meeting"
        in ok(
            run_pw("log", "meeting", "--help", cwd=tmp_path, today=None, env={"PW_LANG": "en"})
        ).stdout
    )
