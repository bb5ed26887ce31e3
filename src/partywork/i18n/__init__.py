"""Chinese and English messages from one catalogue (SPEC §12).

The language is process-wide, like gettext's: it is chosen once at start-up (pw.yaml `lang`, then
`--lang`, then `PW_LANG`) and every message after that follows it.
"""

from __future__ import annotations

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
