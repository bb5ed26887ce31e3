"""Text from records, commits and file names is shown, never obeyed (RELIABILITY (e)).

A branch's repository is written by people a supervisor has to be able to doubt. What pw prints
from it must not be able to drive the terminal (ESC sequences that clear the screen and print a
clean result), reorder what is shown (bidi controls, Trojan Source), hide characters (zero-width),
run in a spreadsheet (CSV formulas) or in a Markdown viewer (`<script>`). And two names that look
the same must not be two members.

Escapes: C0 controls as `\\x1b`, everything else as `\\u202e`. The second form is also a valid JSON
escape, so JSON output passed through `shown` still parses to the same strings (json.dumps already
escapes C0 but leaves DEL, C1, bidi and zero-width characters raw). Backslashes are not doubled:
the point is that nothing invisible reaches the reader, not a reversible encoding.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

# C0 but tab and newline, DEL, C1 (NEL among them), soft hyphen, Arabic letter mark, zero-width
# and bidi marks, line and paragraph separators, bidi embeddings, word joiner and invisible
# operators, bidi isolates, BOM / zero-width no-break space, interlinear annotation marks, and lone
# surrogates (how Python carries bytes that were not UTF-8).
_INVISIBLE = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff"
)
_UNSAFE = re.compile(f"[{_INVISIBLE}]")
_UNSAFE_LINE = re.compile(f"[{_INVISIBLE}\t\n]")
# What rich writes to a terminal for colour and bold; let through only where pw itself styles.
_SGR = re.compile(r"(\x1b\[[0-9;]*m)")

_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _escape(match: re.Match) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x20 else f"\\u{code:04x}"


def shown(text: Any) -> str:
    """Text for a reader: newlines and tabs kept (minutes are multi-line), every other control,
    bidi or invisible character escaped."""
    text = text if isinstance(text, str) else str(text)
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text


def one_line(text: Any) -> str:
    """As `shown`, for a field printed on one line (a reason, an author): a newline in it could
    otherwise start a line that looks like pw's own."""
    text = "" if text is None else text if isinstance(text, str) else str(text)
    return _UNSAFE_LINE.sub(_escape, text) if _UNSAFE_LINE.search(text) else text


def shown_keeping_style(text: str) -> str:
    """For a terminal stream: rich's colour codes pass, anything else is escaped. Only text pw
    already escaped reaches rich, so an SGR sequence here is pw's own."""
    if "\x1b" not in text:
        return shown(text)
    return "".join(part if i % 2 else shown(part) for i, part in enumerate(_SGR.split(text)))


class GuardedStream:
    """sys.stdout / sys.stderr as the CLI sees them: the last line of defence for anything printed
    without going through pw's own output helpers (click's messages, a library's warning)."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        try:
            self._terminal = stream.isatty()
        except (AttributeError, ValueError):
            self._terminal = False

    def write(self, text: str) -> int:
        if not isinstance(text, str):  # click probes for a binary stream by writing b""
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self._stream.write(shown_keeping_style(text) if self._terminal else shown(text))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def guard_streams() -> None:
    import sys

    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, GuardedStream):
            setattr(sys, name, GuardedStream(stream))


# --- spreadsheets and Markdown ------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def csv_cell(value: Any) -> Any:
    """OWASP "CSV Injection": a cell that a spreadsheet would take for a formula gets a leading
    `'`. Numbers stay numbers, a negative one included."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value)
    if text.startswith(_FORMULA_START) and not _NUMBER.match(text):
        text = "'" + text
    return shown(text)


def csv_row(row: Iterable[Any]) -> list[Any]:
    return [csv_cell(v) for v in row]


_MD_ENTITIES = str.maketrans({"<": "&lt;", ">": "&gt;", "[": "&#91;", "]": "&#93;"})


def md_text(value: Any) -> str:
    """Markdown renders inline HTML (`<script>` in a title would run in a viewer) and fetches
    images: `![](http://…)` in a record would tell its sender who opened the report, and when.
    Brackets become entities, so no image, link or reference can form (a backslash escape could
    itself be undone by a backslash before it)."""
    return one_line(value).translate(_MD_ENTITIES)


def md_cell(value: Any) -> str:
    return md_text(value).replace("|", "\\|")


# --- names ---------------------------------------------------------------------------------------

# What splits a list of names on the command line (--attendees A,B、C), separates a name from its
# reason (--absent NAME:REASON) or an action's fields (--action TASK|OWNER|DUE), or ends a line.
NAME_SEPARATORS = ",，、:：|｜;；\n\r"


def clean_name(text: str) -> str:
    """The one spelling of a name: NFKC (so the Kangxi radical ⽟ is 玉, full-width letters are
    ASCII), stripped. Input names are looked up in this form."""
    return unicodedata.normalize("NFKC", text).strip()


def name_fault(name: str) -> tuple[str, str] | None:
    """Why this (already cleaned) name cannot be a member's or a group's: a catalogue key and the
    offending character, or None when it is a name."""
    if not name:
        return "name.empty", ""
    for char in name:
        category = unicodedata.category(char)
        if _UNSAFE.match(char) or category in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            return "name.invisible", f"U+{ord(char):04X}"
        if char in NAME_SEPARATORS:
            return "name.separator", char
        if category == "Zs" and char != " ":
            return "name.invisible", f"U+{ord(char):04X}"
    return None


def spelled(name: str) -> str:
    """A name with the code points of its non-ASCII characters, so that two names that print
    alike (a composed and a decomposed é) can be told apart in a message."""
    points = " ".join(f"U+{ord(c):04X}" for c in name if ord(c) > 127)
    return f"{shown(name)} ({points})" if points else shown(name)
