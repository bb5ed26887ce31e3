"""Record files on disk: where they are, which belong to a period (from the file name alone, so a
period's records are found without parsing the rest), and reading one safely."""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path

from partywork.errors import DataError, NotFound
from partywork.i18n import t
from partywork.model.problems import ERROR, Problem
from partywork.model.schema import ID_PATTERN
from partywork.storage.git.gitio import Git
from partywork.storage.yamlio import MAX_BYTES, Document, parse

_YEAR = re.compile(r"^\d{4}$")
_ID_CHARS = re.compile(r"^[0-9a-z][0-9a-z-]{0,80}$")
_SUFFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def read_document(path: Path, label: str) -> tuple[Document | None, list[Problem]]:
    """Read one YAML file: a symlink or an over-size file is refused before its bytes are read."""
    try:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            return None, [
                Problem(
                    "SYMLINK",
                    ERROR,
                    label,
                    0,
                    0,
                    t("record.symlink", path=label),
                    t("record.symlink.hint"),
                )
            ]
        if not stat.S_ISREG(info.st_mode):  # a pipe would hang the read, a device never end it
            problem = t("record.not_regular", path=label)
            return None, [Problem("UNREADABLE", ERROR, label, 0, 0, problem, "")]
        if info.st_size > MAX_BYTES:
            return None, [
                Problem(
                    "TOO-LARGE",
                    ERROR,
                    label,
                    0,
                    0,
                    t("yaml.too_large", size=info.st_size),
                    t("yaml.too_large.hint"),
                )
            ]
        raw = path.read_bytes()
    except OSError as exc:
        return None, [
            Problem(
                "UNREADABLE",
                ERROR,
                label,
                0,
                0,
                t("record.unreadable", path=label, problem=exc.strerror or exc),
                t("write.io.hint"),
            )
        ]
    return parse(raw, label)


def year_folders(root: Path) -> list[Path]:
    """The year folders of records/; a symlinked one is not followed (nothing outside the repository
    is read: pw check names it, see linked_folders)."""
    base = root / "records"
    try:
        return sorted(
            p for p in base.iterdir() if _YEAR.match(p.name) and not p.is_symlink() and p.is_dir()
        )
    except FileNotFoundError:
        return []


def linked_folders(root: Path) -> list[str]:
    """`records/<name>` of every symlink to a folder in records/ (and records/ itself when it is
    one)."""
    base = root / "records"
    if base.is_symlink():
        return ["records"]
    try:
        with os.scandir(base) as entries:
            return sorted(f"records/{e.name}" for e in entries if e.is_symlink() and e.is_dir())
    except OSError:
        return []


def refuse_linked_folder(root: Path, path: str) -> None:
    """A record path whose folder under the repository is a symlink would be read from, or written
    to, somewhere outside it: refused, naming the folder."""
    parts = path.split("/")[:-1]
    for depth in range(1, len(parts) + 1):
        folder = "/".join(parts[:depth])
        if (root / folder).is_symlink():
            raise DataError(
                t("record.symlink_folder", path=folder), t("record.symlink_folder.hint")
            )


def record_files(
    root: Path, start: dt.date | None = None, end: dt.date | None = None
) -> Iterator[Path]:
    """Record files, oldest first; with a date range, only those whose file name falls in it."""
    for folder in year_folders(root):
        year = int(folder.name)
        if (start and year < start.year) or (end and year > end.year):
            continue
        for path in record_paths_in(folder):
            name = path.rsplit("/", 1)[-1]
            if start or end:
                day = _date_of(name[:-5])
                if day is None or (start and day < start) or (end and day > end):
                    continue
            yield folder / name


def record_paths(root: Path, months: set[str] | None = None) -> list[str]:
    """`records/<year>/<file>` of every record file (of these months only, by file name): plain
    strings, because a report on 100,000 records should not build 100,000 Path objects."""
    years = {m[:4] for m in months} if months is not None else None
    out = []
    for folder in year_folders(root):
        if years is not None and folder.name not in years:
            continue
        out += [
            p
            for p in record_paths_in(folder)
            if months is None or p.rsplit("/", 1)[-1][:7] in months
        ]
    return out


def read_as_record(path: str) -> bool:
    """Whether pw reads this file (from the records root) as a record: `records/<year>/<name>.yaml`,
    as record_paths lists them."""
    parts = path.split("/")
    return (
        len(parts) == 3
        and parts[0] == "records"
        and bool(_YEAR.match(parts[1]))
        and parts[2].endswith(".yaml")
        and not parts[2].startswith(".")
    )


def uncommitted(git: Git) -> list[str]:
    """Files under records/ that differ from HEAD, as `git status` says, and the record files it
    does not say because an ignore rule hides them: the report counts those too."""
    found = git.changed(["records"])
    return found + [p for p in git.ignored(["records"]) if read_as_record(p) and p not in found]


def record_paths_in(folder: Path) -> list[str]:
    return [
        f"records/{folder.name}/{name}"
        for name in sorted(os.listdir(folder))
        if name.endswith(".yaml") and not name.startswith(".")
    ]


def _date_of(stem: str) -> dt.date | None:
    match = ID_PATTERN.match(stem)
    if not match:
        return None
    try:
        return dt.date.fromisoformat(match.group(1))
    except ValueError:
        return None


def relative(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def find_record(root: Path, ident: str) -> Path:
    """The file of a record id, or of a unique id prefix. The id is checked before any path is
    built."""
    if not _ID_CHARS.match(ident or ""):
        raise DataError(t("record.invalid_id", id=ident), t("schema.bad_id.hint"))
    year = ident[:4]
    if _YEAR.match(year):
        refuse_linked_folder(root, f"records/{year}/{ident}.yaml")
        exact = root / "records" / year / f"{ident}.yaml"
        if exact.is_file() or exact.is_symlink():
            return exact
        folders = [root / "records" / year]
    else:
        folders = year_folders(root)
    matches = [p for folder in folders if folder.is_dir() for p in folder.glob(f"{ident}*.yaml")]
    if len(matches) == 1 and len(ident) >= 10:
        return matches[0]
    if len(matches) > 1 and len(ident) >= 10:
        raise DataError(
            t("record.ambiguous", id=ident, matches=", ".join(p.stem for p in matches[:5])),
            t("record.ambiguous.hint"),
        )
    raise NotFound(t("record.not_found", id=ident), t("record.not_found.hint"))


def new_id(root: Path, day: dt.date, kind: str) -> str:
    """A fresh `<date>-<kind>-<suffix>` whose file does not exist."""
    while True:
        suffix = "".join(secrets.choice(_SUFFIX_ALPHABET) for _ in range(4))
        record_id = f"{day.isoformat()}-{kind}-{suffix}"
        if not (root / "records" / str(day.year) / f"{record_id}.yaml").exists():
            return record_id
