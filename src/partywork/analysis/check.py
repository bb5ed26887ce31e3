"""`pw check`: every file in records/, every problem, one run (SPEC §5, §5.6)."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from dataclasses import dataclass, field
from pathlib import Path

from partywork.i18n import t
from partywork.model import schema
from partywork.model.problems import ERROR, WARNING, Problem
from partywork.model.roster import Roster
from partywork.storage.repo import MEMBERS, SETTINGS, Repo
from partywork.storage.store import linked_folders, read_document, record_files, relative


@dataclass(repr=False, eq=False)  # generated methods cost start-up time (see benchmarks)
class CheckResult:
    files: int = 0
    problems: list[Problem] = field(default_factory=list)

    def count(self, severity: str) -> int:
        return sum(1 for p in self.problems if p.severity == severity)

    def failed(self, strict: bool) -> bool:
        return self.count(ERROR) > 0 or (strict and self.count(WARNING) > 0)

    def as_json(self) -> dict:
        return {"schema": "pw.check/1", "problems": [p.as_json() for p in self.problems]}


# Below this, starting workers costs more than it saves. It holds for spawned workers too (Windows
# has no fork): each first imports pw, 0.09 s of CPU against 0.4 ms per record checked (both
# measured on the development VM), which pays off from a few hundred records.
PARALLEL_FROM = 2000


def _check_files(
    root: Path, paths: list[Path], roster: Roster, today: dt.date
) -> list[list[Problem]]:
    out = []
    for path in paths:
        label = relative(root, path)
        doc, problems = read_document(path, label)
        if doc is not None:
            ctx = schema.Context(roster, today, stem=path.stem, folder=path.parent.name)
            _record, more = schema.validate(doc, label, ctx)
            problems += more
        out.append(problems)
    return out


def _in_parallel(repo: Repo, paths: list[Path]) -> list[list[Problem]]:
    """Files checked on every core, by forked workers or, where there is no fork, spawned ones;
    results keep the file order."""
    workers = min(os.cpu_count() or 1, 8)
    method = _start_method()
    if workers < 2 or len(paths) < PARALLEL_FROM or method is None:
        return _check_files(repo.root, paths, repo.roster, repo.today)
    size = -(-len(paths) // workers)
    chunks = [paths[i : i + size] for i in range(0, len(paths), size)]
    try:
        with multiprocessing.get_context(method).Pool(workers) as pool:
            parts = pool.starmap(
                _check_files, [(repo.root, chunk, repo.roster, repo.today) for chunk in chunks]
            )
    except OSError:  # no processes to be had (a job object's limit, say): the same check, serially
        return _check_files(repo.root, paths, repo.roster, repo.today)
    return [problems for part in parts for problems in part]


def _start_method() -> str | None:
    methods = multiprocessing.get_all_start_methods()
    return next((m for m in ("fork", "spawn") if m in methods), None)


def check_repo(repo: Repo) -> CheckResult:
    result = CheckResult(files=2)
    result.problems += repo.settings_problems() + repo.roster_problems()
    paths = list(record_files(repo.root))
    first_seen: dict[str, str] = {}
    for path, problems in zip(paths, _in_parallel(repo, paths), strict=False):
        label = relative(repo.root, path)
        result.files += 1
        result.problems += problems
        if path.stem in first_seen:
            result.problems.append(
                Problem(
                    "DUPLICATE-ID",
                    ERROR,
                    label,
                    0,
                    0,
                    t("schema.duplicate_id", id=path.stem, other=first_seen[path.stem]),
                    t("schema.duplicate_id.hint"),
                )
            )
        first_seen.setdefault(path.stem, label)
    result.problems += _stray_files(repo)
    result.problems += _duplicates(repo, paths)
    for rule in ACROSS_RECORDS.values():
        result.problems += rule(repo, paths)
    result.problems += [
        Problem(
            "SYMLINK",
            ERROR,
            folder,
            0,
            0,
            t("record.symlink_folder", path=folder),
            t("record.symlink_folder.hint"),
        )
        for folder in linked_folders(repo.root)
    ]
    return result


def _stray_files(repo: Repo) -> list[Problem]:
    """YAML files in records/ that pw would never read: probably misplaced records."""
    known = {SETTINGS, MEMBERS}
    found = []
    for path in sorted((repo.root / "records").glob("*.yaml")):
        label = relative(repo.root, path)
        if label not in known:
            found.append(
                Problem(
                    "STRAY-FILE",
                    WARNING,
                    label,
                    0,
                    0,
                    t("schema.wrong_folder", year="<YYYY>"),
                    t("schema.wrong_folder.hint", year="<YYYY>"),
                )
            )
    return found


def _same_key(data: object) -> tuple[str, ...] | None:
    """What makes two live records the same event: type, kind, date and group."""
    if not isinstance(data, dict) or data.get("voided"):
        return None
    return tuple(str(data.get(k) or "") for k in ("type", "kind", "date", "group"))


def same_records(repo: Repo, record: dict) -> list[str]:
    """The ids of live records of the same type, kind, date (and group) as this one: a second
    `pw log` of one meeting. Only files named for that date and kind are read."""
    key = _same_key(record)
    folder = repo.root / "records" / str(record.get("date"))[:4]
    if key is None or not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob(f"{record.get('date')}-{record.get('kind')}-*.yaml")):
        if path.stem == record.get("id") or path.is_symlink():
            continue
        doc, _problems = read_document(path, relative(repo.root, path))
        if doc is not None and _same_key(doc.data) == key:
            found.append(path.stem)
    return found


def duplicate_problem(label: str, ident: str, other: str) -> Problem:
    return Problem(
        "DUPLICATE",
        WARNING,
        label,
        0,
        0,
        t("check.duplicate", id=ident, other=other),
        t("check.duplicate.hint", id=ident, other=other),
    )


def _duplicates(repo: Repo, paths: list[Path]) -> list[Problem]:
    """Pairs of live records of one event; files are read only where two share date and kind."""
    by_name: dict[str, list[Path]] = {}
    for path in paths:
        by_name.setdefault(path.stem[:-5], []).append(path)
    found = []
    for group in by_name.values():
        if len(group) < 2:
            continue
        first: dict[tuple[str, ...], str] = {}
        for path in group:
            label = relative(repo.root, path)
            doc, _problems = read_document(path, label)
            key = _same_key(doc.data if doc is not None else None)
            if key is None:
                continue
            if key in first:
                found.append(duplicate_problem(label, path.stem, first[key]))
            else:
                first[key] = path.stem
    return found


def _problem(code: str, severity: str, label: str, message: str, hint: str = "") -> Problem:
    return Problem(code, ERROR if severity == ERROR else WARNING, label, 0, 0, message, hint)


def dues_problems(repo: Repo, paths: list[Path]) -> list[Problem]:
    """SPEC §13.3 across dues records: one live record a month; every member active that month
    listed in it, unless another record's payment covers the month (quarterly, 补交). A
    temporary branch collects no dues: its dues records are a warning and nothing else."""
    from partywork.model.types.dues import payment_months

    live: list[tuple[str, dict]] = []
    for path in (p for p in paths if "-monthly-" in p.name):
        label = relative(repo.root, path)
        doc, _problems = read_document(path, label)
        data = doc.data if doc is not None else None
        if isinstance(data, dict) and data.get("type") == "dues" and not data.get("voided"):
            live.append((label, data))
    if repo.settings.type == "temporary":
        return [
            _problem("DUES-TEMPORARY", WARNING, label, t("dues.temporary")) for label, _ in live
        ]
    covered: dict[str, set[str]] = {}
    for _label, data in live:
        for p in data.get("payments") or []:
            if isinstance(p, dict):
                for month in payment_months(p, str(data.get("month"))):
                    covered.setdefault(month, set()).add(str(p.get("member")))
    found: list[Problem] = []
    first: dict[str, str] = {}
    for label, data in live:
        month = str(data.get("month"))
        if month in first:
            found.append(
                _problem(
                    "DUES-MONTH-TWICE",
                    ERROR,
                    label,
                    t("dues.month_twice", month=month, other=first[month]),
                )
            )
            continue
        first[month] = label
        found += _unlisted(repo.roster, label, data, covered.get(month, set()))
    return found


def _unlisted(roster: Roster, label: str, data: dict, covered: set[str]) -> list[Problem]:
    from partywork.model.fields import parse_date

    month = str(data.get("month"))
    start = parse_date(month + "-01")
    if start is None:
        return []
    end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    listed = {
        str(item.get(key))
        for field, key in (("payments", "member"), ("exempt", "name"), ("unpaid", "name"))
        for item in data.get(field) or []
        if isinstance(item, dict)
    }
    active = {m.name for m in roster.active(end)} | {m.name for m in roster.active(start)}
    return [
        _problem(
            "DUES-UNLISTED",
            ERROR,
            label,
            t("dues.unlisted", name=name, month=month),
            t("dues.unlisted.hint"),
        )
        for name in sorted(active - listed - covered)
    ]


# the rules of a record type that look across its records, by type (run by pw check, and after
# pw log of that type so the recorder hears of them at once)
ACROSS_RECORDS = {"dues": dues_problems}
