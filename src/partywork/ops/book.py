"""Record operations: log, edit, void, show, list. Each write is validated in full first and
then made as one commit through txn."""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from partywork.errors import DataError, InvalidRecords, UsageError
from partywork.i18n import listed, paren, t
from partywork.model import schema
from partywork.model.fields import parse_date, parse_typed_date
from partywork.model.periods import Period
from partywork.model.problems import ERROR, Problem
from partywork.model.types import TYPES
from partywork.ops.sealing import sealed, sealed_for_log
from partywork.render.textsafe import clean_name
from partywork.storage import txn
from partywork.storage.repo import Repo
from partywork.storage.store import find_record, new_id, read_document, record_files, relative
from partywork.storage.yamlio import Document, dump

SEPARATORS = re.compile(r"[,，、]")
UNEXCUSED = ("无故", "unexcused")
SETTABLE_TEXT = (
    "title",
    "start",
    "end",
    "place",
    "mode",
    "host",
    "recorder",
    "minutes",
    "late_reason",
    "group",
    "lecturer",
    "hours",
    "leader",
    "exchange",
    "year",
    "month",
    "collector",
)
SETTABLE_LIST = ("attendees", "topics", "materials", "activities")


@dataclass(repr=False, eq=False)  # generated methods cost start-up time (see benchmarks)
class Written:
    id: str
    path: str
    warnings: list[Problem]


def split_names(text: str) -> list[str]:
    """Names as typed, in the spelling the roster keeps (NFKC, stripped), so ⽟伟 finds 玉伟."""
    return [clean_name(part) for part in SEPARATORS.split(text) if clean_name(part)]


def parse_absent(item: str) -> dict:
    name, sep, reason = item.replace("：", ":").partition(":")
    if not name.strip():
        raise UsageError(t("log.bad_absent", item=item))
    if not sep or not reason.strip():
        # a bare name used to count as excused leave: the one thing a recorder must say is why
        raise UsageError(
            t("log.absent_reason", item=item), t("log.absent_reason.hint", name=name.strip())
        )
    entry: dict[str, Any] = {"name": clean_name(name), "reason": reason.strip()}
    # 无故缺席 is how a recorder writes an unexcused absence; anything else is leave (请假).
    entry["excused"] = not reason.strip().lower().startswith(UNEXCUSED)
    return entry


def parse_action(item: str) -> dict:
    parts = [p.strip() for p in item.replace("｜", "|").split("|")]
    if len(parts) != 3 or not all(parts):
        raise UsageError(t("log.bad_action", item=item))
    typed = parse_typed_date(parts[2])  # 2026年12月15日 as in --date
    due = typed.isoformat() if typed else parts[2]
    return {"task": parts[0], "owner": clean_name(parts[1]), "due": due, "status": "open"}


def parse_lecturer(text: str) -> Any:
    name, sep, org = text.replace("｜", "|").partition("|")
    return {"name": name.strip(), "org": org.strip()} if sep else clean_name(text)


def missing_fields(typ: str, data: dict) -> list[str]:
    kind = data.get("kind")
    needed = [
        f
        for f in schema.required_fields(typ, kind if kind in schema.TYPE_OF_KIND else None)
        if f not in ("schema", "id", "type")
    ]
    missing = [f for f in needed if data.get(f) in (None, "", [])]
    # the title follows from the kind (2026年第3次支委会): asked for only once the kind is known
    return [f for f in missing if f != "title"] if "kind" in missing else missing


def default_title(repo: Repo, kind: str, day: dt.date, group: object = None) -> str:
    """2026年第11次支委会: the next number among this year's live records of the kind (of the
    same party group, for a group's own meetings): a voided record was not held, and each group
    counts its own meetings."""
    folder = repo.root / "records" / str(day.year)
    marker = f"-{kind}-"
    names = [n for n in os.listdir(folder) if marker in n] if folder.is_dir() else []
    count = _live_count(repo, [f"records/{day.year}/{n}" for n in names], group) if names else 0
    if repo.settings.lang == "en":
        return f"{t('kind.' + kind)} no. {count + 1}, {day.year}"
    return f"{day.year}年第{count + 1}次{t('kind.' + kind)}"


def _live_count(repo: Repo, paths: list[str], group: object) -> int:
    """How many of these files are live records (of this group, when one is given). Without a
    group only a file that mentions `voided` at all can be void, so only those are parsed: `pw log`
    on a large book stays as fast as it was."""
    if group is None:
        paths_to_read = [p for p in paths if b"voided" in (repo.root / p).read_bytes()]
    else:
        paths_to_read = paths
    if not paths_to_read:
        return len(paths)
    from partywork.storage.cache import DocumentCache

    documents = DocumentCache(repo.git, [paths[0].split("/")[1]])
    found = documents.documents(paths_to_read).values()
    documents.save()
    left_out = sum(
        1
        for data in found
        if isinstance(data, dict)
        and (data.get("voided") or (group is not None and data.get("group") != group))
    )
    return len(paths) - left_out


def complete(repo: Repo, typ: str, data: dict) -> dict:
    """Fill what pw knows: date (today), mode, a numbered title, everyone expected for
    --all-present."""
    data = {k: v for k, v in data.items() if v not in (None, [], "")}
    data.setdefault("date", repo.today.isoformat())
    if "mode" in schema.order_of(typ):
        data.setdefault("mode", "offline")
    rtype = TYPES.get(typ)
    if rtype is not None and len(rtype.kinds) == 1:
        data.setdefault("kind", rtype.kinds[0].name)  # appraisal is annual, dues monthly
    if rtype is not None and rtype.complete is not None:
        data = rtype.complete(data)
    if isinstance(data.get("group"), str):  # --group 第一党小组, as pw member add takes it
        data["group"] = repo.roster.group_named(data["group"]) or data["group"]
    kind, day = data.get("kind"), parse_date(str(data.get("date")))
    if kind in schema.TYPE_OF_KIND and day and "title" not in data:
        data["title"] = default_title(repo, kind, day, data.get("group"))
    return data


def fill_all_present(repo: Repo, typ: str, data: dict) -> dict:
    kind, day = data.get("kind"), parse_date(str(data.get("date") or ""))
    if kind not in schema.TYPE_OF_KIND or day is None:
        raise UsageError(t("log.all_present_needs"))
    probe = {"type": typ, "kind": kind, "date": day, "group": data.get("group")}
    expected = schema.expected_names(probe, repo.roster) or [
        m.name for m in repo.roster.active(day)
    ]
    absent = {a.get("name") for a in data.get("absent") or []}
    listed = list(data.get("attendees") or [])
    data["attendees"] = listed + [n for n in expected if n not in absent and n not in listed]
    return data


def _context(repo: Repo, path: Path | None = None) -> schema.Context:
    if path is None:
        return schema.Context(repo.roster, repo.today)
    return schema.Context(repo.roster, repo.today, stem=path.stem, folder=path.parent.name)


def _raise_on_errors(problems: list[Problem]) -> list[Problem]:
    errors = [p for p in problems if p.severity == ERROR]
    if errors:
        raise InvalidRecords(
            t("record.invalid", count=len(errors)), problems, t("record.invalid.hint")
        )
    return problems


def _ordered(data: dict) -> dict:
    known = [k for k in schema.order_of(data.get("type")) if k in data]
    return {**{k: data[k] for k in known}, **{k: v for k, v in data.items() if k not in known}}


def validate_new(
    repo: Repo, typ: str, data: dict, label: str = "pw log", marks: dict | None = None
) -> tuple[dict, list[Problem]]:
    """Validate a new record; assigns its id when date and kind allow."""
    raw = dict(data, schema="1", type=typ)
    raw.pop("id", None)
    day, kind = parse_date(str(raw.get("date") or "")), raw.get("kind")
    raw["id"] = new_id(repo.root, day, kind) if day and kind in schema.KINDS.get(typ, ()) else "?"
    doc = Document(_ordered(raw), marks or {})
    record, problems = schema.validate(doc, label, _context(repo))
    if raw["id"] == "?":
        problems = [p for p in problems if p.code != "BAD-ID"]
    return record, problems + _former_names(repo, doc, label)


def _former_names(repo: Repo, doc: Document, label: str) -> list[Problem]:
    """A new record names people as they are called now: a name given up in a rename is kept
    only by the records written before it."""
    out = []
    day = parse_date(str(doc.data.get("date") or ""))
    for path, name in schema.member_names(doc.data):
        renamed = repo.roster.renamed(name) if isinstance(name, str) else None
        if renamed and repo.roster.named(name, day) is not None:  # else the schema said so
            line, column = doc.where(path)
            out.append(
                Problem(
                    "FORMER-NAME", ERROR, label, line, column, *schema.former_name(name, *renamed)
                )
            )
    return out


def check_new(
    repo: Repo,
    typ: str,
    data: dict,
    label: str = "pw log",
    marks: dict | None = None,
    after_close: bool = False,
) -> None:
    """Refuse a new record pw would not write, before anything is asked about it."""
    repo.require_valid_settings()
    repo.require_valid_roster()
    record, problems = validate_new(repo, typ, data, label, marks)
    _raise_on_errors(problems)
    sealed_for_log(repo, {**record, "late_reason": "-"}, after_close)  # the reason may be asked


def log_record(
    repo: Repo,
    typ: str,
    data: dict,
    label: str = "pw log",
    marks: dict | None = None,
    after_close: bool = False,
) -> Written:
    repo.require_valid_settings()
    repo.require_valid_roster()
    record, problems = validate_new(repo, typ, data, label, marks)
    _raise_on_errors(problems)
    tag = sealed_for_log(repo, record, after_close)
    path = schema.record_path(record["id"])
    from partywork.analysis.check import duplicate_problem, same_records

    problems = problems + [
        duplicate_problem(path, record["id"], other) for other in same_records(repo, record)
    ]
    subject = t(
        "commit.log", kind=t("kind." + record["kind"]), date=record["date"], title=record["title"]
    )
    txn.commit_files(
        repo.git,
        {path: dump(record).encode("utf-8")},
        txn.message(subject, "log", record["id"], record.get("late_reason") if tag else None, tag),
    )
    return Written(record["id"], path, problems + _across(repo, typ, path))


def _across(repo: Repo, typ: str, path: str) -> list[Problem]:
    """What pw check will say of the new record across its type's records (a member left out of
    a month's dues), told now with the severity pw check gives it: the record is written (it may
    be filled in over the month), and the recorder hears that pw check and pw close will refuse
    it until it is."""
    from partywork.analysis.check import ACROSS_RECORDS

    rule = ACROSS_RECORDS.get(typ)
    if rule is None:
        return []
    found = rule(repo, list(record_files(repo.root)))
    return [p for p in found if p.file == path]


# ---------------------------------------------------------------------------------------------


def read_record(repo: Repo, ident: str) -> tuple[Path, Document, dict, list[Problem]]:
    path = find_record(repo.root, ident)
    label = relative(repo.root, path)
    doc, problems = read_document(path, label)
    if doc is None:
        raise InvalidRecords(
            t("record.unreadable", path=label, problem=problems[0].message), problems
        )
    record, more = schema.validate(doc, label, _context(repo, path))
    return path, doc, record, problems + more


def check_typed(repo: Repo, record: dict, path: Path) -> list[Problem]:
    """Validate a record pw changed in memory; raises when it no longer holds."""
    _record, problems = schema.validate(
        Document(record, {}), relative(repo.root, path), _context(repo, path)
    )
    return _raise_on_errors(problems)


def apply_sets(data: dict, sets: list[str]) -> dict:
    data = dict(data)
    for item in sets:
        field, sep, value = item.partition("=")
        field = field.strip()
        if not sep or not field:
            raise UsageError(t("record.set_syntax", item=item))
        field = _set_labels().get(field, field)  # --set 地点=… as pw show labels it
        if field not in SETTABLE_TEXT + SETTABLE_LIST + ("absent",):
            raise UsageError(
                t("record.set_field", field=field),
                t("record.set_field.choices", fields=_settable_said()),
            )
        value = value.strip()
        if not value:
            data.pop(field, None)
        elif field in SETTABLE_LIST:
            data[field] = split_names(value)
        elif field == "absent":
            data[field] = [parse_absent(part) for part in split_names(value)]
        elif field == "lecturer":
            data[field] = parse_lecturer(value)
        elif field in _name_fields(data):
            data[field] = clean_name(value)
        else:
            data[field] = value
    return data


@functools.cache
def _set_labels() -> dict[str, str]:
    """Each settable field's label in either language (地点, Place) → the field."""
    from partywork.i18n.catalogue import EN, ZH

    out: dict[str, str] = {}
    for field in SETTABLE_TEXT + SETTABLE_LIST + ("absent",):
        for table in (ZH, EN):
            label = table.get("label." + field)
            if label:
                out.setdefault(label, field)
                out.setdefault(label.casefold(), field)
    return out


def _settable_said() -> str:
    fields = SETTABLE_TEXT + SETTABLE_LIST + ("absent",)
    return listed(
        f"{t('label.' + f)}{paren(f)}" if t("label." + f) != "label." + f else f for f in fields
    )


def _name_fields(data: dict) -> tuple[str, ...]:
    """The fields of the record's type that hold one member's name (host, recorder …)."""
    rtype = TYPES.get(str(data.get("type")))
    return tuple(key for key, how in rtype.names if how == "") if rtype else ()


def edit_record(
    repo: Repo,
    ident: str,
    reason: str,
    replacement: Document | None,
    sets: list[str],
    after_close: bool = False,
) -> Written | None:
    """Amend a record; None when the result equals what is there."""
    require_reason(reason)
    repo.require_valid_settings()
    done: list[Written] = []

    def build() -> txn.Change | None:
        repo.reload()
        path, doc, current, _ = read_record(repo, ident)
        tag = sealed(repo, str(current.get("id") or path.stem), after_close)
        record, problems = _amended(repo, path, doc, current, replacement, sets)
        label = relative(repo.root, path)
        text = dump(record).encode("utf-8")
        if text == path.read_bytes():
            return None
        done.append(Written(record["id"], label, problems))
        subject = t(
            "commit.edit",
            kind=t("kind." + record["kind"]),
            date=record["date"],
            title=record["title"],
        )
        return {label: text}, txn.message(subject, "edit", record["id"], reason, tag)

    txn.commit_change(repo.git, build)
    return done[0] if done else None


def _amended(
    repo: Repo,
    path: Path,
    doc: Document,
    current: dict,
    replacement: Document | None,
    sets: list[str],
) -> tuple[dict, list[Problem]]:
    if current.get("voided"):
        raise DataError(t("record.voided_edit", id=current.get("id") or path.stem))
    data = dict(replacement.data) if replacement is not None else dict(doc.data)
    for key in ("schema", "id", "type"):
        data.setdefault(key, doc.data.get(key))
    if data.get("id") != doc.data.get("id") or data.get("type") != doc.data.get("type"):
        raise DataError(
            t("record.id_changed", old=doc.data.get("id"), new=data.get("id")),
            t("record.id_changed.hint"),
        )
    data = apply_sets(data, sets)
    marks = replacement.marks if replacement is not None else (doc.marks if not sets else {})
    record, problems = schema.validate(
        Document(_ordered(data), marks), relative(repo.root, path), _context(repo, path)
    )
    _raise_on_errors(problems)
    return record, problems


def require_reason(reason: str | None, option: str = "--reason") -> None:
    """A correction without a reason is the silent rewrite the audit exists to catch."""
    if not (reason or "").strip():
        raise UsageError(t("reason.empty", option=option))


def void_record(repo: Repo, ident: str, reason: str, after_close: bool = False) -> Written:
    require_reason(reason)
    done: list[Written] = []

    def build() -> txn.Change:
        repo.reload()
        path, _doc, record, _ = read_record(repo, ident)
        record_id = record.get("id") or path.stem
        if record.get("voided"):
            raise DataError(t("record.voided_already", id=record_id))
        tag = sealed(repo, record_id, after_close)
        if record.get("voided"):
            raise DataError(t("record.voided_already", id=record_id))
        record["voided"] = {"on": repo.today, "reason": txn.one_line(reason)}
        label = relative(repo.root, path)
        done.append(Written(record_id, label, []))
        subject = t(
            "commit.void",
            kind=t("kind." + str(record.get("kind"))),
            date=record.get("date"),
            title=record.get("title"),
        )
        return {label: dump(record).encode("utf-8")}, txn.message(
            subject, "void", record_id, reason, tag
        )

    txn.commit_change(repo.git, build)
    return done[0]


# ---------------------------------------------------------------------------------------------


@dataclass(repr=False, eq=False)  # generated methods cost start-up time (see benchmarks)
class Row:
    id: str
    type: str
    kind: str
    date: str
    title: str
    path: str
    voided: bool
    attendance: str | None = None  # with --member: attended | excused | unexcused | ""

    def as_json(self) -> dict:
        shown = dict(self.__dict__)
        if self.attendance is None:
            del shown["attendance"]
        return shown


def _mentions(data: dict, name: str) -> bool:
    return any(found == name for _path, found in schema.member_names(data))


def _attendance(repo: Repo, data: dict, name: str) -> str | None:
    """How a member took part in a record: attended, excused, unexcused (absent without excuse,
    or expected and not listed at all), "" when named otherwise; None when not concerned."""
    if name in (data.get("attendees") or []):
        return "attended"
    for entry in data.get("absent") or []:
        if isinstance(entry, dict) and entry.get("name") == name:
            return "unexcused" if entry.get("excused") in (False, "false", "no") else "excused"
    if _mentions(data, name):
        return ""
    day = data.get("date")
    day = day if isinstance(day, dt.date) else parse_date(str(day))
    if day is None or data.get("voided"):
        return None
    expected = schema.expected_names({**data, "date": day}, repo.roster)
    return "unexcused" if expected and name in expected else None


def list_records(
    repo: Repo,
    typ: str | None = None,
    kind: str | None = None,
    period: Period | None = None,
    member: str | None = None,
    grep: str | None = None,
) -> tuple[list[Row], list[Problem]]:
    rows, problems = [], []
    member = clean_name(member) if member else member
    renamed = repo.roster.renamed(member) if member else None
    member = renamed[0].name if renamed else member  # a former name finds the member too
    start, end = (period.start, period.end) if period else (None, None)
    needle = grep.casefold() if grep else None
    for path in record_files(repo.root, start, end):
        if kind and f"-{kind}-" not in path.name:
            continue
        label = relative(repo.root, path)
        doc, found = read_document(path, label)
        if doc is None:
            problems += found
            continue
        data = doc.data
        if typ and data.get("type") != typ or kind and data.get("kind") != kind:
            continue
        attendance = _attendance(repo, schema.as_now(data, repo.roster), member) if member else None
        if member and attendance is None:
            continue
        if needle and needle not in path.read_text(encoding="utf-8", errors="replace").casefold():
            continue
        rows.append(
            Row(
                str(data.get("id") or path.stem),
                str(data.get("type")),
                str(data.get("kind")),
                str(data.get("date")),
                str(data.get("title") or ""),
                label,
                bool(data.get("voided")),
                attendance,
            )
        )
    return rows, problems


def load_records(
    repo: Repo, start: dt.date | None = None, end: dt.date | None = None
) -> tuple[list[dict], list[Problem]]:
    """Typed records (voided ones included) whose file name falls in the range; a record that
    cannot be read or has no valid date is left out and its problems returned."""
    records, problems = [], []
    for path in record_files(repo.root, start, end):
        label = relative(repo.root, path)
        doc, found = read_document(path, label)
        if doc is None:
            problems += found
            continue
        record, more = schema.validate(doc, label, _context(repo, path))
        if isinstance(record.get("date"), dt.date) and isinstance(record.get("id"), str):
            records.append(record)
        problems += [p for p in more if p.severity == ERROR]
    return records, problems
