"""SPEC §12: every message exists in Chinese and English with the same placeholders."""
from __future__ import annotations

import re
import string
from pathlib import Path

from partywork.catalogue import EN, ZH


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_every_key():
    assert set(ZH) == set(EN)


def test_placeholders_match():
    for key in ZH:
        assert placeholders(ZH[key]) == placeholders(EN[key]), key


def test_every_key_used_in_the_code_exists():
    src = Path(__file__).resolve().parents[1] / "src" / "partywork"
    used = set()
    for path in src.rglob("*.py"):
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_.-]+)["']""", path.read_text(encoding="utf-8")))
    assert {k for k in used if not k.endswith(".")} - set(ZH) == set()


def test_chinese_messages_are_chinese():
    for key, text in ZH.items():
        if key.startswith(("kind.", "label.", "type.", "mode.", "status.", "role.", "action.", "expected.", "commit.")) \
                or key in ("hint",):
            continue
        assert re.search(r"[\u4e00-\u9fff]", text), key


def test_no_key_is_defined_twice():
    """A dict literal silently keeps the last of two equal keys; one such pair once turned the status
    label 已完成 into the message '已完成 {id}'."""
    import ast

    tree = ast.parse((Path(__file__).resolve().parents[1] / "src" / "partywork" / "catalogue.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
            assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)
