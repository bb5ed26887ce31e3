"""Chinese and English messages from one catalogue (SPEC §12).

The language is process-wide, like gettext's: it is chosen once at start-up (pw.yaml `lang`, then
`--lang`, then `PW_LANG`) and every message after that follows it.
"""

from __future__ import annotations

from collections.abc import Iterable

from partywork.i18n.catalogue import EN, ZH

LANGS = ("zh", "en")
_current = "zh"


def set_lang(lang: str) -> None:
    global _current
    _current = lang if lang in LANGS else "zh"


def lang() -> str:
    return _current


def t(key: str, /, **values: object) -> str:
    table = ZH if _current == "zh" else EN
    template = table.get(key) or EN.get(key) or key
    return template.format(**values)


# newuser3: punctuation as each language writes it, so English output carries no full-width ，：（）
def paren(text: object) -> str:
    """会议室（线下） in Chinese, room (in person) in English."""
    return f"（{text}）" if _current == "zh" else f" ({text})"


def listed(items: Iterable[object]) -> str:
    """王伟、李芳 in Chinese, 王伟, 李芳 in English."""
    return ("、" if _current == "zh" else ", ").join(str(i) for i in items)


def comma() -> str:
    return "，" if _current == "zh" else ", "


def semicolon() -> str:
    return "；" if _current == "zh" else "; "


def colon() -> str:
    return "：" if _current == "zh" else ": "
