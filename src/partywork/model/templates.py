"""Record templates for the editor: the repo's own `templates/<lang>/<type>.yaml` if it has one,
else the packaged one, filled with what the user already gave on the command line."""

from __future__ import annotations

import datetime as dt
import re
from importlib import resources
from pathlib import Path

from partywork.model import schema
from partywork.model.fields import parse_date
from partywork.storage.fsutil import no_link_between
from partywork.storage.yamlio import dump

_KEY = re.compile(r"^([a-z_]+):")
_SOURCE_TREE = Path(__file__).resolve().parents[3] / "templates"


def template_text(root: Path, typ: str, lang: str) -> str:
    name = f"{lang}/{typ}.yaml"
    for candidate in (root / "templates" / name, _SOURCE_TREE / name):
        # a repository's own template through a symlink could show any file of the user's
        if candidate.is_file() and no_link_between(candidate.parents[2], candidate):
            return candidate.read_text(encoding="utf-8")
    return resources.files("partywork").joinpath("templates", name).read_text(encoding="utf-8")


def _blocks(text: str) -> tuple[list[tuple[str, list[str]]], list[str]]:
    """[(key, lines)] where lines are the key's notes and its value, plus any trailing notes."""
    blocks: list[tuple[str, list[str]]] = []
    pending: list[str] = []
    for line in text.splitlines():
        match = _KEY.match(line)
        if match:
            blocks.append((match.group(1), pending + [line]))
            pending = []
        elif line.startswith((" ", "-")) and blocks and not pending:
            blocks[-1][1].append(line)
        else:
            pending.append(line)
    return blocks, pending


def fill(text: str, typ: str, values: dict) -> str:
    """The template with given values in place and fields of other kinds left out."""
    kind = values.get("kind")
    allowed = (
        schema.allowed_fields(typ, kind) if kind in schema.TYPE_OF_KIND else schema.order_of(typ)
    )
    blocks, trailing = _blocks(text)
    seen, out = set(), []
    for key, lines in blocks:
        if key not in allowed:
            continue
        seen.add(key)
        if key in values and values[key] not in (None, "", []):
            notes = [line for line in lines if line.startswith("#") or not line.strip()]
            out.extend(notes + _value_lines(key, values[key]))
        else:
            out.extend(lines)
    for key, value in values.items():
        if key not in seen and key in allowed and key not in ("schema", "id", "type"):
            out.extend([""] + _value_lines(key, value))
    return "\n".join(out + trailing) + "\n"


def _value_lines(key: str, value: object) -> list[str]:
    return dump({key: _readable(key, value)}).rstrip("\n").split("\n")


def _readable(key: str, value: object) -> object:
    """Dates given as text are shown as dates, not quoted strings."""
    if key in ("date",) and isinstance(value, str) and parse_date(value):
        return parse_date(value)
    if key == "actions" and isinstance(value, list):
        return [
            {**a, "due": parse_date(a["due"]) or a["due"]}
            if isinstance(a, dict) and isinstance(a.get("due"), str)
            else a
            for a in value
        ]
    return value


def strip_empty(data: dict) -> dict:
    """What the user left blank in the template counts as not given."""
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


def error_notes(problems: list, header: str) -> str:
    """Problems as comment lines for the top of a reopened draft: one line each."""
    lines = [f"# {header}"]
    for p in problems:
        where = f"{p.line}: " if p.line else ""
        lines.append(f"#   ✗ {where}{p.code} {p.message}" + (f" — {p.hint}" if p.hint else ""))
    return "\n".join(lines) + "\n"


def today_stamp(now: dt.datetime | None = None) -> str:
    return (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
