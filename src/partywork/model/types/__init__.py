"""The record types, registered here and only here: a further type is one module beside these
(its kinds, fields, names, checks, `pw log` options and `pw show` form), its templates in
templates/zh|en/<type>.yaml and its messages in the catalogue."""

from __future__ import annotations

from partywork.model.types import appraisal, dues, meeting, review, study, talk
from partywork.model.types.base import Kind, RecordType

TYPES: dict[str, RecordType] = {
    module.TYPE.name: module.TYPE for module in (meeting, study, review, appraisal, talk, dues)
}
KINDS: dict[str, Kind] = {kind.name: kind for typ in TYPES.values() for kind in typ.kinds}
TYPE_OF_KIND: dict[str, str] = {kind.name: typ.name for typ in TYPES.values() for kind in typ.kinds}


def kinds_of(typ: str) -> tuple[str, ...]:
    return tuple(k.name for k in TYPES[typ].kinds) if typ in TYPES else ()


def type_of(record: dict) -> RecordType | None:
    typ = record.get("type")
    return TYPES.get(typ) if isinstance(typ, str) else None


def all_fields() -> tuple[str, ...]:
    """Every field of every type, each once, in the order the types write them."""
    seen: dict[str, None] = {}
    for typ in TYPES.values():
        seen.update(dict.fromkeys(typ.fields))
    return tuple(seen)
