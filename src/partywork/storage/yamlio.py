"""The only module that touches PyYAML: the strict reading dialect of SPEC §5.6, and pw's writer.

Reading walks libyaml's event stream with an explicit stack instead of composing nodes, because:
- the C composer recurses and segfaults on deeply nested input (RELIABILITY R24), events do not;
- anchors, aliases and explicit tags are visible on events, so they are refused before anything
  is built (no billion-laughs expansion, no `!!python/object`);
- every scalar stays the text it was written as; the schema, not YAML 1.1, gives it a type
  (`10:30` is not 630, `no` is not False, `0755` is not 493).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from partywork.i18n import t
from partywork.model.problems import ERROR, Problem

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 64

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_NULLS = {"", "~", "null", "Null", "NULL"}
# C0 controls but tab and newline, DEL, C1 controls (NEL among them) and the Unicode line and
# paragraph separators: invisible in an editor, and NEL does not survive a PyYAML round trip (R27).
_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]")

Path = tuple  # a path into the document: keys and list indexes


@dataclass(repr=False, eq=False)  # generated methods cost start-up time (see benchmarks)
class Document:
    """A parsed YAML mapping with the 1-based (line, column) of every key and list item."""

    data: dict
    marks: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Path) -> tuple[int, int]:
        while path and path not in self.marks:
            path = path[:-1]
        return self.marks.get(path, (0, 0))  # (0, 0): built from options, not read from a file


class _Stop(Exception):
    def __init__(self, code: str, message: str, line: int, column: int, hint: str = "") -> None:
        super().__init__(message)
        self.args_ = (code, message, line, column, hint)


def decode(raw: bytes, file: str) -> tuple[str | None, Problem | None]:
    """Bytes to text: UTF-8 only, a BOM and CRLF accepted, invisible control characters refused."""
    if len(raw) > MAX_BYTES:
        return None, _problem(
            file, "TOO-LARGE", t("yaml.too_large", size=len(raw)), 0, 0, t("yaml.too_large.hint")
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        bad = raw[exc.start : exc.start + 1].hex()
        return None, _problem(
            file, "ENCODING", t("yaml.not_utf8", byte=bad), line, column, t("yaml.not_utf8.hint")
        )
    text = text.replace("\r\n", "\n")
    bad_char = _FORBIDDEN.search(text)
    if bad_char:
        line = text.count("\n", 0, bad_char.start()) + 1
        column = bad_char.start() - (text.rfind("\n", 0, bad_char.start()) + 1) + 1
        return None, _problem(
            file,
            "CONTROL-CHAR",
            t("yaml.control_char", code=f"U+{ord(bad_char.group()):04X}"),
            line,
            column,
            t("yaml.control_char.hint"),
        )
    return text, None


def parse(raw: bytes, file: str) -> tuple[Document | None, list[Problem]]:
    """Read one record file's bytes. Returns the document, or None with the problem that stopped
    it."""
    text, problem = decode(raw, file)
    if problem:
        return None, [problem]
    assert text is not None
    try:
        return _walk(text, file)
    except _Stop as stop:
        code, message, line, column, hint = stop.args_
        return None, [_problem(file, code, message, line, column, hint)]
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_problem(exc, text, file)]
    except yaml.YAMLError as exc:  # libyaml reader errors carry no mark
        return None, [
            _problem(
                file,
                "YAML-SYNTAX",
                t("yaml.syntax", problem=str(exc).splitlines()[0]),
                0,
                0,
                t("yaml.syntax.hint"),
            )
        ]


# PyYAML's words → the catalogue's (issue 14: errors in the user's language). Every problem
# libyaml's scanner and parser report (and PyYAML's own wording where it differs), matched by a part
# of the text; the reader's problems (encoding, control characters) are caught in decode() first.
_SYNTAX_KEYS = (
    ("could not find expected ':'", "yaml.syntax.no_colon"),
    ("',' or ']'", "yaml.syntax.open_list"),
    ("',' or '}'", "yaml.syntax.open_mapping"),
    ("mapping values are not allowed", "yaml.syntax.colon_in_value"),
    ("found unexpected ':'", "yaml.syntax.colon_in_value"),
    ("mapping keys are not allowed", "yaml.complex_key"),
    ("block sequence entries are not allowed", "yaml.syntax.dash"),
    ("tab character", "yaml.syntax.tab"),
    ("cannot start any token", "yaml.syntax.bad_start"),
    ("found unexpected end of stream", "yaml.syntax.unclosed_quote"),
    ("found unexpected document indicator", "yaml.syntax.unclosed_quote"),
    ("did not find expected key", "yaml.syntax.indent"),
    ("expected <block end>", "yaml.syntax.indent"),
    ("did not find expected '-' indicator", "yaml.syntax.indent"),
    ("did not find expected node content", "yaml.syntax.no_value"),
    ("expected the node content", "yaml.syntax.no_value"),
    ("escape", "yaml.syntax.escape"),  # unknown escape character, invalid escape code
    ("hexdecimal number", "yaml.syntax.escape"),
    ("indentation indicator", "yaml.syntax.block"),
    ("expected comment or line break", "yaml.syntax.block"),
    ("alphabetic or numeric character", "yaml.alias"),
    ("found undefined alias", "yaml.alias"),
    ("tag", "yaml.syntax.tag"),  # tag handle, tag URI
    ("expected '!'", "yaml.syntax.tag"),
    ("expected '>'", "yaml.syntax.tag"),
    ("URI", "yaml.syntax.tag"),
    ("UTF-8 octet", "yaml.syntax.tag"),
    ("directive", "yaml.syntax.directive"),  # unknown, duplicate %YAML or %TAG
    ("YAML document", "yaml.syntax.directive"),  # incompatible %YAML version
    ("version", "yaml.syntax.directive"),
    ("digit or '.'", "yaml.syntax.directive"),
    ("expected whitespace", "yaml.syntax.directive"),
    ("<document start>", "yaml.syntax.directive"),
    ("<stream-start>", "yaml.syntax.directive"),
)
_SYNTAX_HINTS = {
    "yaml.syntax.colon_in_value": "yaml.syntax.colon_in_value.hint",
    "yaml.syntax.no_colon": "yaml.syntax.no_colon.hint",
    "yaml.syntax.bad_start": "yaml.syntax.quote.hint",
    "yaml.syntax.after_quote": "yaml.syntax.quote.hint",
    "yaml.syntax.escape": "yaml.syntax.escape.hint",
    "yaml.syntax.tag": "yaml.syntax.quote.hint",
    "yaml.syntax.directive": "yaml.syntax.quote.hint",
    "yaml.alias": "yaml.syntax.quote.hint",
    "yaml.syntax.dash": "yaml.syntax.dash.hint",
}
# Where PyYAML notices these only on the next line, the mistake is where the construct began
_AT_CONTEXT = ("while scanning a simple key", "while parsing a flow", "while scanning a quoted")
# `kind：committee`: a key ended by a full-width colon (no half-width colon before it)
_FULL_WIDTH_KEY = re.compile(r"^\s*(?:-\s+)?[^\s:#'\"-][^:]*?：")


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, file: str) -> Problem:
    context, problem = exc.context or "", exc.problem or ""
    mark = exc.problem_mark or exc.context_mark
    if exc.context_mark is not None and context.startswith(_AT_CONTEXT):
        mark = exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
    lines = text.split("\n")
    source_line = lines[line - 1] if 0 < line <= len(lines) else ""
    key = _syntax_key(problem, source_line, column)
    first = exc.context_mark.line + 1 if exc.context_mark is not None else line - 1
    full_width = _full_width_line(lines, max(1, min(first, line)), line)
    if full_width:  # the colon PyYAML could not see: point at it, whatever it tripped on after
        line = full_width
        column = lines[line - 1].index("：") + 1
        hint = t("yaml.full_width_colon.hint")
    elif key == "yaml.syntax.tab" or "\t" in source_line:
        key, hint = "yaml.syntax.tab", t("yaml.tab.hint")
    elif "、" in source_line or "，" in source_line:
        hint = t("yaml.list_comma.hint")
    else:
        hint = t(_SYNTAX_HINTS.get(key or "", "yaml.syntax.hint"))
    char = source_line[column - 1] if 0 < column <= len(source_line) else ""
    message = t(key, char=char) if key else t("yaml.syntax", problem=problem)
    return _problem(file, "YAML-SYNTAX", message, line, column, hint)


def _syntax_key(problem: str, source_line: str, column: int) -> str | None:
    key = next((k for words, k in _SYNTAX_KEYS if words in problem), None)
    if key == "yaml.syntax.bad_start" and source_line[column - 1 : column] == "\t":
        return "yaml.syntax.tab"
    if key == "yaml.syntax.indent" and source_line[: column - 1].strip():
        return "yaml.syntax.after_quote"  # `title: "a" b`: text after a closing quote or bracket
    return key


def _full_width_line(lines: list[str], first: int, last: int) -> int | None:
    """The line, from `last` back to `first`, whose key ends with a full-width colon."""
    for number in range(min(last, len(lines)), first - 1, -1):
        if _FULL_WIDTH_KEY.match(lines[number - 1]):
            return number
    return None


class _Frame:
    __slots__ = ("container", "path", "key", "key_lines")

    def __init__(self, container: Any, path: Path) -> None:
        self.container = container
        self.path = path
        self.key: str | None = None
        self.key_lines: dict[str, int] = {}


def _walk(text: str, file: str) -> tuple[Document | None, list[Problem]]:
    marks: dict[Path, tuple[int, int]] = {}
    problems: list[Problem] = []
    stack: list[_Frame] = []
    root: Any = _MISSING
    documents = 0
    event: Any  # yaml's Event subclasses carry the attributes read below
    for event in yaml.parse(text, Loader=_Loader):
        kind = type(event)
        if kind in (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent):
            continue
        line, column = event.start_mark.line + 1, event.start_mark.column + 1
        if kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _Stop(
                    "MULTI-DOC", t("yaml.multi_doc"), line, column, t("yaml.multi_doc.hint")
                )
            continue
        if kind is yaml.AliasEvent or getattr(event, "anchor", None):
            raise _Stop("ALIAS", t("yaml.alias"), line, column, t("yaml.alias.hint"))
        if getattr(event, "tag", None) is not None:
            raise _Stop("TAG", t("yaml.tag", tag=event.tag), line, column, t("yaml.tag.hint"))
        if kind in (yaml.MappingEndEvent, yaml.SequenceEndEvent):
            stack.pop()
            continue
        top = stack[-1] if stack else None
        if top is not None and isinstance(top.container, dict) and top.key is None:
            if kind is not yaml.ScalarEvent:
                raise _Stop(
                    "YAML-SYNTAX", t("yaml.complex_key"), line, column, t("yaml.syntax.hint")
                )
            _take_key(top, event.value, line, column, file, marks, problems)
            continue
        if kind is yaml.ScalarEvent:
            value: Any = (
                None if event.style in (None, "") and event.value in _NULLS else event.value
            )
        else:
            if len(stack) >= MAX_DEPTH:
                raise _Stop(
                    "TOO-DEEP",
                    t("yaml.too_deep", depth=MAX_DEPTH),
                    line,
                    column,
                    t("yaml.syntax.hint"),
                )
            value = {} if kind is yaml.MappingStartEvent else []
        path = _place(top, value, line, column, marks)
        if top is None:
            root = value
        if kind is not yaml.ScalarEvent:
            stack.append(_Frame(value, path))
    if root is _MISSING or root is None:
        raise _Stop("EMPTY", t("yaml.empty"), 1, 1, t("yaml.empty.hint"))
    if not isinstance(root, dict):
        raise _Stop("NOT-MAPPING", t("yaml.not_mapping"), 1, 1, t("yaml.not_mapping.hint"))
    return Document(root, marks), problems


_MISSING = object()


def _take_key(
    frame: _Frame, key: str, line: int, column: int, file: str, marks: dict, problems: list[Problem]
) -> None:
    first = frame.key_lines.get(key)
    if first is not None:
        problems.append(
            _problem(
                file,
                "DUPLICATE-KEY",
                t("yaml.duplicate_key", key=key, first=first),
                line,
                column,
                t("yaml.duplicate_key.hint"),
            )
        )
    else:
        frame.key_lines[key] = line
        marks[frame.path + (key,)] = (line, column)
    frame.key = key


def _place(top: _Frame | None, value: Any, line: int, column: int, marks: dict) -> Path:
    if top is None:
        marks[()] = (line, column)
        return ()
    if isinstance(top.container, list):
        path = top.path + (len(top.container),)
        top.container.append(value)
        marks[path] = (line, column)
        return path
    key = top.key
    assert key is not None
    top.key = None
    if key not in top.container:  # a duplicate keeps the first value; the problem is reported
        top.container[key] = value
    return top.path + (key,)


def _problem(file: str, code: str, message: str, line: int, column: int, hint: str) -> Problem:
    return Problem(code, ERROR, file, line, column, message, hint)


# ---------------------------------------------------------------------------------------------
# Writing


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent list items under their key, as people write them by hand.
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _represent_str)


def dump(data: dict) -> str:
    """pw's canonical YAML: keys in the given order, Chinese as UTF-8, multi-line text as blocks."""
    text = yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=100000,
        indent=2,
    )
    _check_round_trip(data, text)
    return text


def _check_round_trip(data: dict, text: str) -> None:
    document, problems = parse(text.encode("utf-8"), "<output>")
    if document is None or problems:
        raise ValueError(f"pw wrote YAML it cannot read back: {problems}")
    changed = _first_difference(data, document.data, ())
    if changed is not None:
        raise ValueError(f"text in {'.'.join(map(str, changed))} does not survive writing")


def _first_difference(wanted: Any, got: Any, path: Path) -> Path | None:
    if isinstance(wanted, dict):
        if not isinstance(got, dict) or list(wanted) != list(got):
            return path
        for key in wanted:
            found = _first_difference(wanted[key], got[key], path + (key,))
            if found is not None:
                return found
        return None
    if isinstance(wanted, list):
        if not isinstance(got, list) or len(wanted) != len(got):
            return path
        for i, (a, b) in enumerate(zip(wanted, got, strict=False)):
            found = _first_difference(a, b, path + (i,))
            if found is not None:
                return found
        return None
    if isinstance(wanted, str) and wanted != got:
        return path
    return None


def forbidden_character(text: str) -> str | None:
    """The first character pw refuses to store in a record's text, as U+XXXX, or None."""
    match = _FORBIDDEN.search(text)
    return f"U+{ord(match.group()):04X}" if match else None
