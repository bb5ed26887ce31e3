"""What supervisors need to see in the history (SPEC §9): late, batched, backdated, outside pw,
forged, misplaced, amended (and the past rewritten), edited after closing, deleted, voided, copied,
weakened rules, unsigned, by unknown authors, rewritten.

Every commit is judged by what it did (changes.py, claims.py), never by what its message says;
the policy that applies to a commit is the one in force at its parent; what was seen shared is
remembered outside the repository (witness.py).
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import hashlib
import itertools
import operator
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from partywork import __version__
from partywork.analysis import changes, claims
from partywork.analysis.changes import Change
from partywork.analysis.report import finding
from partywork.analysis.similar import pairs_among, read_line, sample_line
from partywork.errors import ConfigError
from partywork.i18n import semicolon, t
from partywork.model import periods
from partywork.model.periods import CLOSE_PREFIX, Period
from partywork.model.problems import Severity, severity_rank
from partywork.model.schema import ID_PATTERN
from partywork.render.textsafe import spelled
from partywork.storage import cache, store, witness
from partywork.storage.git import gitio
from partywork.storage.repo import Repo
from partywork.storage.store import record_paths
from partywork.storage.yamlio import MAX_BYTES

DAY = 86400
VERIFY_CODES = (
    "OUTSIDE",
    "DELETED",
    "BACKDATE",
    "REWRITTEN",
    "FORGED",
    "MISPLACED",
    "UNSIGNED",
    "BAD-SIGNATURE",
    "SIGNER-MISMATCH",
    "UNKNOWN-AUTHOR",
    "FSCK",
)
# Failing only as errors: made by hand (pw's own are warnings, issue 11 scope 3)
VERIFY_ERRORS = ("RETROACTIVE", "CLOSED-EDIT")
# Shown by verify without failing it (SPEC §9: a change that weakens the rules or the audit)
VERIFY_SHOWN = ("WEAKENED",)
DEFAULT_POLICY = claims.policy(None)


@dataclass(repr=False, eq=False)  # generated methods cost start-up time (see benchmarks)
class Version:
    record: str
    path: str
    status: str  # A added, M modified, D deleted, T type changed
    commit: Change
    blob: str = ""  # the file's content after this commit


@dataclass(repr=False, eq=False)
class Trail:
    """The history and the present, read once."""

    repo: Repo
    changes: list[Change]  # every commit of HEAD, parents first
    times: dict[str, int]  # committer time of every commit, for BACKDATE's parent check
    policies: dict[str, dict]  # commit → the signing/recorders policy in force at its parent
    versions: dict[str, list[Version]]
    records: dict[str, dict]
    cache: cache.DocumentCache
    scoped: bool = False  # records holds only some months (a period's audit)
    paths: dict[str, str] = field(default_factory=dict)  # record id → its file, of records
    # a period's audit: the files of the year before it, whose minutes the period's may copy
    earlier: list[str] = field(default_factory=list)
    closed: dict[str, tuple[str, Period]] = field(default_factory=dict)  # tag → (commit, period)
    witness: witness.Witness | None = None
    unproven: set[str] = field(default_factory=set)  # resolves that kept no side (_unproven)
    index: Index | None = None


@dataclass(repr=False, eq=False)
class Index:
    """The history's record files, worked out once (a history may touch 100,000 files). For a
    period's audit (scoped) only the records whose findings the period keeps — those of its days,
    and those without a dated id — have versions and touched files; everything else is kept only
    as far as the checks that look across records need it (firsts, and which commits touched any
    record)."""

    # commit → (status, record id or, when it has none, path) of each record file it touched
    touched: dict[str, list[tuple[str, str]]]
    touched_any: set[str]  # the commits that touched a record file, kept or not
    firsts: list[Version]  # every kept record's first version, when it added the record (_batch)
    # the others added (their ids are dated, or they would be kept): commit time → their months
    others: list[tuple[int, Counter[str]]]
    period: Period | None  # a period's audit: only its findings are kept

    @property
    def scoped(self) -> bool:
        return self.period is not None

    def wanted(self, rid: str | None) -> bool:
        """A finding on this record would be kept (a period's audit keeps only its own)."""
        return self.period is None or rid is None or _kept(rid, self.period)


def read_trail(
    repo: Repo,
    months: set[str] | None = None,
    documents: cache.DocumentCache | None = None,
    period: Period | None = None,
    earlier: set[str] | None = None,
) -> Trail:
    """The history, and the records now (of these months only, when given); with a period, the
    history's records indexed only as far as that period's findings need (Index); `earlier`: the
    months whose files only copy detection reads (Trail.earlier)."""
    git = repo.git
    walked = changes.walk(git)
    documents = documents or cache.DocumentCache(git)
    # a resolve is judged against every version of the records it touched (_unproven), of any
    # period: then the whole history is indexed
    scope = None if any(c.action == "resolve" for c in walked) else period
    versions, index = _indexed(walked, scope, documents)
    records, paths = _current(repo, documents, months)
    trail = Trail(
        repo,
        walked,
        {c.hash: c.commit_time for c in walked},
        _policies(walked),
        versions,
        records,
        documents,
        scoped=months is not None,
        paths=paths,
        earlier=record_paths(repo.root, earlier) if earlier else [],
        index=index,
    )
    first_month = repo.settings.year_start_month
    for tag, (commit, message) in gitio.tags(git, CLOSE_PREFIX + "*").items():
        period = _tag_period(tag, message, repo.today, first_month)
        if period:
            trail.closed[tag] = (commit, period)
    root = witness.first_commit(git, [c.hash for c in walked], {c.hash: c.parents for c in walked})
    trail.witness = witness.Witness(git, root)
    trail.unproven = _unproven(trail.versions)
    return trail


def _policies(walked: list[Change]) -> dict[str, dict]:
    """The policy each commit must meet: the one its first parent left in force."""
    after: dict[str, dict] = {}
    at_parent: dict[str, dict] = {}
    for change in walked:
        before = _strictest(
            [after.get(p, DEFAULT_POLICY) for p in change.parents] or [DEFAULT_POLICY]
        )
        at_parent[change.hash] = before
        after[change.hash] = change.verdict.get("settings", before)
    return at_parent


def _strictest(policies: list[dict]) -> dict:
    """A merge answers to every line it joins: the highest signing, the narrowest recorders."""
    if len(policies) == 1:
        return policies[0]
    signing = max((p["signing"] for p in policies), key=lambda v: claims.SIGNING_RANK.get(v, 0))
    lists = [set(p["recorders"]) for p in policies if p["recorders"]]
    recorders = sorted(set.intersection(*lists)) if lists else []
    return {"signing": signing, "recorders": recorders or ([""] if lists else [])}


def _versions(walked: list[Change]) -> dict[str, list[Version]]:
    """record id → its versions, oldest first; a record is known by the id it carries, so a file
    moved or renamed stays the same record."""
    return _indexed(walked)[0]


def _indexed(
    walked: list[Change], period: Period | None = None, documents: cache.DocumentCache | None = None
) -> tuple[dict[str, list[Version]], Index]:
    """_versions and the Index, in one pass; with a period, versions only of the records whose
    findings it keeps (_in_period). A period's pass is kept in the user's cache (_Walk), so a new
    commit costs only itself."""
    restored = _Walk.restored(walked, period, documents)
    walk = restored or _Walk()
    since = len(walked) - walk.done
    for change in walked[walk.done :]:
        walk.step(change, period)
    walk.done = len(walked)
    # a few commits past the kept state are walked again next time rather than the index (some
    # megabytes on a large history) written again after every `pw log`
    if period is not None and documents is not None and (not restored or since >= KEEP_EVERY):
        walk.keep(walked, period, documents)
    # counted in C: a history's import adds 100,000 records in a few commits
    others = [(walked[i].commit_time, Counter(map(_MONTH, rids))) for i, rids in walk.out.items()]
    firsts = [v for v in walk.kept_firsts if record_day(v.record) is not None]
    return walk.found, Index(walk.touched, walk.touched_any, firsts, others, period)


_MONTH = operator.itemgetter(slice(0, 7))  # a dated record id's month
INDEX_VERSION = "i2"  # changes whenever _Walk.step or the shape _Walk.keep writes does
KEEP_EVERY = 64


class _Walk:
    """_indexed's state after the first `done` commits of the walk. The records a period does not
    keep are held only as ids, grouped by the commit that added them (`out`): BATCH needs only
    their commit's time and their months."""

    def __init__(self) -> None:
        self.done = 0
        self.found: dict[str, list[Version]] = {}
        self.touched: dict[str, list[tuple[str, str]]] = {}
        self.touched_any: set[str] = set()
        self.kept_firsts: list[Version] = []
        # walk position → the ids first added there that the period does not keep
        self.out: dict[int, list[str]] = {}
        self.seen: set[str] = set()

    def step(self, change: Change, period: Period | None) -> None:
        ids = change.verdict.get("records", {})
        mine = []
        for status, path, _old, new in change.files:
            if not claims.is_record_path(path):
                continue
            self.touched_any.add(change.hash)
            rid = ids.get(path)
            if rid:
                name = _known(rid) or path
            else:
                rid = name = claims.path_id(path) or path  # an id from the name is known
            first = rid not in self.seen
            if first:
                self.seen.add(rid)
            if period is not None and not _kept(rid, period):
                if first and status == "A":
                    self.out.setdefault(self.done, []).append(rid)
                continue
            version = Version(rid, path, status, change, new)
            if first:
                self.found[rid] = [version]
                if status == "A":
                    self.kept_firsts.append(version)
            else:
                self.found[rid].append(version)
            mine.append((status, name))
        if mine:
            self.touched[change.hash] = mine
        self.done += 1

    @staticmethod
    def _name(period: Period) -> str:
        return f"index-{period.start.isoformat()}-{period.end.isoformat()}"

    @staticmethod
    def _digest(walked: list[Change], count: int) -> str:
        return hashlib.sha256("\n".join(c.hash for c in walked[:count]).encode()).hexdigest()

    def keep(self, walked: list[Change], period: Period, documents: cache.DocumentCache) -> None:
        position = {c.hash: i for i, c in enumerate(walked)}
        listed = set(self.found) | {r for rids in self.out.values() for r in rids}
        value = {
            "n": self.done,
            "walk": self._digest(walked, self.done),
            "found": {
                rid: [[v.path, v.status, position[v.commit.hash], v.blob] for v in history]
                for rid, history in self.found.items()
            },
            "firsts": [v.record for v in self.kept_firsts],
            "touched": [[position[c], [list(t) for t in ts]] for c, ts in self.touched.items()],
            "any": sorted(position[c] for c in self.touched_any),
            "out": [[i, rids] for i, rids in self.out.items()],
            "seen": sorted(self.seen - listed),
        }
        documents.keep(self._name(period), f"{__version__}:{INDEX_VERSION}", value)

    @classmethod
    def restored(
        cls, walked: list[Change], period: Period | None, documents: cache.DocumentCache | None
    ) -> _Walk | None:
        """The kept state, when it was made from a beginning of this very walk and has exactly the
        shape keep() writes (the cache folder is only data)."""
        if period is None or documents is None:
            return None
        value = documents.kept(cls._name(period), f"{__version__}:{INDEX_VERSION}")
        try:
            return cls._from(walked, value) if value is not None else None
        except (TypeError, ValueError, KeyError, IndexError, AttributeError):
            return None

    @classmethod
    def _from(cls, walked: list[Change], value: dict) -> _Walk | None:
        done = value["n"]
        if type(done) is not int or not 0 < done <= len(walked):
            return None
        if value["walk"] != cls._digest(walked, done):
            return None
        walk = cls()
        walk.done = done
        for rid, history in _mapping(value["found"]).items():
            walk.found[rid] = [
                Version(rid, _text(p), _text(s), walked[_position(i, done)], _text(b))
                for p, s, i, b in _listed(history)
            ]
        walk.kept_firsts = [walk.found[_text(r)][0] for r in _listed(value["firsts"])]
        for i, ts in _listed(value["touched"]):
            walk.touched[walked[_position(i, done)].hash] = [
                (_text(s), _text(n)) for s, n in _listed(ts)
            ]
        walk.touched_any = {walked[_position(i, done)].hash for i in _listed(value["any"])}
        for i, rids in _listed(value["out"]):
            walk.out[_position(i, done)] = _texts(rids)
        walk.seen = set(walk.found)
        walk.seen.update(_texts(value["seen"]))
        for rids in walk.out.values():
            walk.seen.update(rids)
        return walk


def _mapping(value: object) -> dict:
    if not isinstance(value, dict):
        raise TypeError
    return value


def _listed(value: object) -> list:
    if not isinstance(value, list):
        raise TypeError
    return value


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError
    return value


def _texts(value: object) -> list[str]:
    """A list of texts, checked at C speed: the ids of a history's 100,000 records."""
    if not isinstance(value, list) or not set(map(type, value)) <= {str}:
        raise TypeError
    return value


def _position(value: object, done: int) -> int:
    if type(value) is not int or not 0 <= value < done:
        raise ValueError
    return value


def _kept(rid: str, period: Period) -> bool:
    """A finding on this record survives the period's filter (_in_period)."""
    day = record_day(rid)
    return day is None or period.contains(day)


def _unproven(versions: dict[str, list[Version]]) -> set[str]:
    """Commits claiming `resolve` that leave a record as it never was before. pw's resolve keeps
    one side's version, and both sides' versions are in the history before it (the other side's
    steps are replayed onto the fetched tip first); a third version is made up (issue 11's rule:
    what a change does, not what it says). A resolve settles a conflict for good: a version it
    set aside does not come back under a later one."""
    out = set()
    for history in versions.values():
        seen: set[str] = set()
        for version in history:
            if version.commit.action == "resolve" and version.status == "M":
                if version.blob not in seen:
                    out.add(version.commit.hash)
                seen = set()  # a conflict settled: what it set aside never comes back
            seen.add(version.blob)
    return out


def tag_period(tag: str, message: str, today: dt.date, first_month: int) -> Period | None:
    """The period a close tag seals (its Pw-Period line; else read from its name)."""
    return _tag_period(tag, message, today, first_month)


def _tag_period(tag: str, message: str, today: dt.date, first_month: int) -> Period | None:
    for line in message.splitlines():
        if line.startswith("Pw-Period: ") and ".." in line:
            start, end = line[len("Pw-Period: ") :].strip().split("..", 1)
            try:
                return Period(
                    tag[len(CLOSE_PREFIX) :],
                    dt.date.fromisoformat(start),
                    dt.date.fromisoformat(end),
                )
            except ValueError:
                return None
    try:
        return periods.parse(tag[len(CLOSE_PREFIX) :], "quarter", today, first_month)
    except Exception:
        return None


def _current(
    repo: Repo, documents: cache.DocumentCache, months: set[str] | None
) -> tuple[dict[str, dict], dict[str, str]]:
    """record id → its mapping as it is now (raw text values: the audit needs no typing), and
    record id → its file."""
    out, paths = {}, {}
    for path, data in documents.documents(record_paths(repo.root, months)).items():
        rid = claims.path_id(path)
        if rid and isinstance(data, dict):
            out[rid] = data
            paths[rid] = path
    return out, paths


@functools.cache  # asked for every record by several checks, and for every finding
def record_day(rid: str | None) -> dt.date | None:
    if not rid or not ID_PATTERN.match(rid):
        return None
    try:
        return dt.date.fromisoformat(rid[:10])
    except ValueError:
        return None


def audit(
    repo: Repo, period: Period | None = None, documents: cache.DocumentCache | None = None
) -> list[dict]:
    """Findings for the whole history, or for the records of a period (then copies are looked for
    among the records of the period and the year before it)."""
    months = set(period.months()) if period else None
    # copies are looked for in the year before the period too; those records' findings are not
    # the period's, so only their minutes are read
    earlier = (
        set(periods.Period("", period.start - dt.timedelta(days=366), period.end).months())
        - set(period.months())
        if period
        else None
    )
    trail = read_trail(repo, months, documents, period, earlier)
    findings: list[dict] = []
    for check in (
        _late,
        _before_held,
        _batch,
        _backdate,
        _outside,
        _forged,
        _misplaced,
        _amended,
        _retroactive,
        _weakened,
        _weakened_now,
        _closed_edit,
        _deleted,
        _voided,
        _similar,
        _unknown_author,
        _rewritten,
    ):
        findings += check(trail)
    findings += signature_findings(repo, trail)
    trail.cache.save()
    if period is not None:
        findings = [f for f in findings if _in_period(f, period)]
    return _ordered(findings)


def _in_period(item: dict, period: Period) -> bool:
    day = record_day(item["record"])
    return day is None or period.contains(day)


def _ordered(findings: list[dict]) -> list[dict]:
    return sorted(
        findings,
        key=lambda f: (
            f["record"] or "",
            severity_rank(f["severity"]),
            f["code"],
            f["commit"] or "",
        ),
    )


def _subject(change: Change) -> str:
    return change.subject[:60]


def _who(change: Change) -> str:
    return f"{change.author} <{change.author_email}>"


# -- time ----------------------------------------------------------------------------------------


def _first_versions(trail: Trail) -> list[Version]:
    """Each record's first version, when it added the record (and its id is dated)."""
    assert trail.index is not None
    return trail.index.firsts


def _late(trail: Trail) -> list[dict]:
    limit = trail.repo.settings.late_after_days
    out = []
    assert trail.index is not None
    for first in _first_versions(trail):
        if (
            first.record not in trail.records
            and trail.scoped
            or not trail.index.wanted(first.record)
        ):
            continue
        held = record_day(first.record)
        written = dt.date.fromisoformat(first.commit.day)
        assert held is not None
        days = (written - held).days
        if days > limit:
            reason = (trail.records.get(first.record) or {}).get("late_reason")
            out.append(
                finding(
                    "LATE",
                    "info" if reason else "warning",
                    t("audit.late", held=held, written=written, days=days)
                    + (t("audit.late_reason", reason=reason) if reason else ""),
                    first.record,
                    first.commit.hash,
                )
            )
    return out


# The earliest moment any clock on earth shows a given day: 00:00 at UTC+14
EARLIEST_OFFSET = 14 * 3600


def _before_held(trail: Trail) -> list[dict]:
    """A record first committed before the day it says it was held, in every time zone: minutes
    written in advance (`pw --today` a week ahead), or a clock set back. pw log refuses a date in
    the future, so only a lying clock or a pretended today gets there."""
    assert trail.index is not None
    out = []
    for first in _first_versions(trail):
        if not trail.index.wanted(first.record):
            continue
        held = record_day(first.record)
        assert held is not None
        start = dt.datetime.combine(held, dt.time(), dt.timezone.utc).timestamp()
        if first.commit.commit_time < start - EARLIEST_OFFSET:
            written = _commit_day(first.commit)
            out.append(
                finding(
                    "BACKDATE",
                    "warning",
                    t("audit.before_held", held=held, written=written, days=(held - written).days),
                    first.record,
                    first.commit.hash,
                )
            )
    return out


def _commit_day(change: Change) -> dt.date:
    try:
        return dt.date.fromisoformat(change.day)
    except ValueError:
        return dt.date(1970, 1, 1)


def _batch(trail: Trail) -> list[dict]:
    """Three or more records of two or more months first committed within 24 hours. Over the
    distinct commit times (a history adds its records in few commits): a sliding window with a
    count of months finds the times that end such a day; a record is marked when one lies within
    the day after its own first commit."""
    assert trail.index is not None
    wanted = trail.index.wanted
    stamps: dict[int, Counter[str]] = {}
    for version in _first_versions(trail):
        stamps.setdefault(version.commit.commit_time, Counter())[version.record[:7]] += 1
    for time, months in trail.index.others:
        stamps.setdefault(time, Counter()).update(months)
    times = sorted(stamps)
    sizes = [stamps[t].total() for t in times]
    upto = list(itertools.accumulate(sizes))
    ends = _batch_ends([stamps[t] for t in times], times, sizes)
    out = []
    for version in _first_versions(trail):
        if trail.scoped and version.record not in trail.records or not wanted(version.record):
            continue
        at = version.commit.commit_time
        i = bisect.bisect_left(ends, at)
        if i < len(ends) and ends[i] <= at + DAY:
            out.append(
                finding(
                    "BATCH",
                    "warning",
                    t("audit.batch", count=_neighbours(times, upto, at), day=version.commit.day),
                    version.record,
                    version.commit.hash,
                )
            )
    return out


def _batch_ends(months_at: list[Counter[str]], times: list[int], sizes: list[int]) -> list[int]:
    """The commit times T at which the first versions of [T - 24 h, T] are three or more, of two
    or more months (months_at, sizes: the months of the first versions at each time, how many)."""
    months: Counter[str] = Counter()
    start = size = 0
    ends = []
    for i, time in enumerate(times):
        months.update(months_at[i])
        size += sizes[i]
        while time - times[start] > DAY:
            months.subtract(months_at[start])
            for month in months_at[start]:
                if not months[month]:
                    del months[month]
            size -= sizes[start]
            start += 1
        if size >= 3 and len(months) >= 2:
            ends.append(time)
    return ends


def _neighbours(times: list[int], upto: list[int], at: int) -> int:
    """How many first versions lie within a day either side of this time (upto: how many lie at
    or before each of the times)."""
    hi = bisect.bisect_right(times, at + DAY)
    lo = bisect.bisect_left(times, at - DAY)
    return (upto[hi - 1] if hi else 0) - (upto[lo - 1] if lo else 0)


def _backdate(trail: Trail) -> list[dict]:
    """Committed before its parent by more than two honest clocks can differ, or authored and
    committed more than a day apart."""
    known = trail.times
    skew = trail.repo.settings.clock_skew_minutes * 60
    out = []
    for change in trail.changes:
        if not change.file_count:
            continue
        earlier = [p for p in change.parents if p in known and change.commit_time < known[p] - skew]
        apart = abs(change.author_time - change.commit_time) > DAY
        if earlier or apart:
            message = (
                t("audit.backdate_parent", minutes=(known[earlier[0]] - change.commit_time) // 60)
                if earlier
                else t(
                    "audit.backdate_skew", author=change.author_date, committer=change.commit_date
                )
            )
            for rid in _records_or(trail, change, None):
                out.append(finding("BACKDATE", "warning", message, rid, change.hash))
    return out


def _records_of(trail: Trail, change: Change) -> list[str]:
    assert trail.index is not None
    return [name for _status, name in trail.index.touched.get(change.hash, [])]


def _records_or(trail: Trail, change: Change, fallback: str | None) -> list[str | None]:
    """The records a change touched, or the fallback alone when it touched none (records the
    index left out count as touched: their findings are not the period's)."""
    assert trail.index is not None
    found: list[str | None] = list(_records_of(trail, change))
    return found or ([] if change.hash in trail.index.touched_any else [fallback])


@functools.cache
def _known(rid: str | None) -> str | None:
    return rid if rid and ID_PATTERN.match(rid) else None


def _finding(
    code: str, severity: Severity, message: str, rid: str | None, commit: str | None
) -> dict:
    """A finding on a record; one whose id cannot be told (a renamed file) names no record."""
    return finding(code, severity, message, _known(rid), commit)


# -- what each commit did ------------------------------------------------------------------------


def _outside(trail: Trail) -> list[dict]:
    out = []
    for change in trail.changes:
        if change.by_pw or not change.file_count:
            continue
        key = "audit.outside_merge" if change.is_merge else "audit.outside"
        records = [r for r in _records_of(trail, change) if not trail.scoped or r in trail.versions]
        message = t(key, subject=_subject(change))
        out += [_finding("OUTSIDE", "warning", message, rid, change.hash) for rid in records]
        # SPEC §4 allows editing the roster (and settings by hand): seen, not failed; a merge is no
        # hand edit
        for path in sorted(
            {f[1] for f in change.others if f[1] in (claims.ROSTER, claims.SETTINGS)}
        ):
            out.append(
                finding(
                    "OUTSIDE",
                    "warning" if change.is_merge else "info",
                    t("audit.outside_roster", path=path, subject=_subject(change)),
                    None,
                    change.hash,
                )
            )
    for change in trail.changes:
        for path in sorted(
            {f[1] for f in change.others if f[1].rsplit("/", 1)[-1] == ".gitattributes"}
        ):
            out.append(
                finding(
                    "OUTSIDE",
                    "warning",
                    t("audit.attributes", path=path, subject=_subject(change)),
                    None,
                    change.hash,
                )
            )
    for path in _uncommitted(trail):
        out.append(
            _finding(
                "OUTSIDE", "warning", t("audit.uncommitted", path=path), claims.path_id(path), None
            )
        )
    if not trail.scoped:
        for path in trail.repo.git.hidden(["records"]):
            out.append(
                _finding(
                    "OUTSIDE", "warning", t("audit.hidden", path=path), claims.path_id(path), None
                )
            )
    return out


def _uncommitted(trail: Trail) -> list[str]:
    """Files under records/ that differ from HEAD: in a period's audit, only its records', which the
    cache already knows about; for the whole history, what `git status` says and what an ignore rule
    keeps from it."""
    if not trail.scoped:
        return store.uncommitted(trail.repo.git)
    staged = trail.cache.staged()  # asked once per run: each asking reads git's whole index
    # the settings and roster judge every record of the period: changed and not committed, the
    # report would otherwise read them as if they were the branch's
    paths = {claims.canonical_path(rid) for rid in trail.records} | {claims.SETTINGS, claims.ROSTER}
    new = {p for p in trail.cache.untracked if p in paths or claims.path_id(p) is None}
    return sorted((trail.cache.dirty | staged | new) & (paths | new))


def _forged(trail: Trail) -> list[dict]:
    out = []
    for change in trail.changes:
        for key, args in change.verdict.get("forged", []):
            message = t("audit.forged", action=claims._show(change.action), why=t(key, **args))
            for rid in _records_or(trail, change, change.trailers.get("Pw-Record")):
                out.append(_finding("FORGED", "error", message, rid, change.hash))
        if change.hash in trail.unproven and not change.verdict.get("forged"):
            message = t("audit.forged", action="resolve", why=t("audit.forged_resolve"))
            for rid in _records_or(trail, change, change.trailers.get("Pw-Record")):
                out.append(_finding("FORGED", "error", message, rid, change.hash))
    return out


def _misplaced(trail: Trail) -> list[dict]:
    return [
        _finding("MISPLACED", "error", t(key, **args), rid, change.hash)
        for change in trail.changes
        for rid, key, args in change.verdict.get("misplaced", [])
    ]


def _honest(change: Change) -> bool:
    return change.by_pw and not change.verdict.get("forged")


def _amended(trail: Trail) -> list[dict]:
    late = trail.repo.settings.late_after_days
    out = []
    for rid, versions in trail.versions.items():
        for previous, version in zip(versions, versions[1:], strict=False):
            change = version.commit
            if version.status == "A" and previous.status != "D" or version.status == "T":
                out.append(
                    finding("AMENDED", "warning", t("audit.readded"), _known(rid), change.hash)
                )
                continue
            if version.status != "M" or (change.action == "void" and _honest(change)):
                continue
            fields: list[list[Any]] = next(
                (f for r, f in change.verdict.get("rewrites", []) if r == rid), []
            )
            reason = change.trailers.get("Pw-Reason")
            honest = _honest(change) and change.hash not in trail.unproven
            explained = honest and (
                change.action in ("edit", "action-drop", "resolve")
                and reason
                or change.action == "action-done"
            )
            day = record_day(rid)
            after_days = (dt.date.fromisoformat(change.day) - day).days if day else 0
            if fields and after_days > late:
                out.append(
                    finding(
                        "AMENDED",
                        "warning",
                        t(
                            "audit.rewrote_past",
                            days=after_days,
                            fields=_fields(fields),
                            reason=reason or "—",
                        ),
                        _known(rid),
                        change.hash,
                    )
                )
            elif explained:
                out.append(
                    finding(
                        "AMENDED",
                        "info",
                        _amended_by(change.action, reason),
                        _known(rid),
                        change.hash,
                    )
                )
            else:
                # a reason that came with a change pw did not make proves nothing, but was given
                said = t("audit.amended_unproven", reason=reason) if reason else None
                out.append(
                    finding(
                        "AMENDED",
                        "warning",
                        said or t("audit.amended_silent"),
                        _known(rid),
                        change.hash,
                    )
                )
    return out


def _amended_by(action: str | None, reason: str | None) -> str:
    """What pw did, in the user's words, and the reason given with it (Pw-Reason)."""
    if reason:
        return t("audit.amended_by_reason", action=_action_words(action), reason=reason)
    return t("audit.amended_by", action=_action_words(action))


def _action_words(action: str | None) -> str:
    from partywork.analysis.history import action_label  # its difflib only when a finding needs it

    return action_label(action) if action else "—"


def _fields(fields: list[list]) -> str:
    """The rewritten fields as `pw history` shows them: labels and stored words in the user's
    language, a list of mappings item by item (`缺席#1.请假: 是 → 否`)."""
    from partywork.analysis.history import describe, field_changes, field_label

    return semicolon().join(
        describe(change, field_label(change["field"]))
        for name, before, after in fields
        for change in field_changes({name: before}, {name: after})
    )


def _retroactive(trail: Trail) -> list[dict]:
    """A roster change that moves a date across records already written changes who was expected
    at them: through pw a warning naming them, by hand an error (issue 11 scope 3). One finding
    per member and commit."""
    existing: dict[str, str] = {}
    out = []
    moving = [i for i, c in enumerate(trail.changes) if c.verdict.get("roster")]
    last = moving[-1] if moving else -1
    for i, change in enumerate(trail.changes[: last + 1]):  # after the last, nothing is hit
        for member, moves in _roster_moves(change).items():
            hit = sorted(
                {
                    rid
                    for rid, day in existing.items()
                    for start, end, _text, name in moves
                    if start <= day <= end and (name is None or _names(trail, rid, name))
                }
            )
            if not hit:
                continue
            through_pw = _honest(change) and change.action in claims.ROSTER_ACTIONS
            shown = "、".join(hit[:5]) + (
                t("audit.and_more", count=len(hit) - 5) if len(hit) > 5 else ""
            )
            what = "；".join(text for _start, _end, text, _name in moves)
            reason = change.trailers.get("Pw-Reason") if through_pw else None
            out.append(
                finding(
                    "RETROACTIVE",
                    "warning" if through_pw else "error",
                    t("audit.retroactive", who=_who(change), member=member, what=what)
                    + t("audit.retroactive_records", count=len(hit), records=shown)
                    + (t("audit.retroactive_reason", reason=reason) if reason else ""),
                    None,
                    change.hash,
                )
            )
        for status, name in _touched_files(trail, change) if i < last else []:
            rid = _known(name)  # the files that are not records have no id
            if rid and status == "D":
                existing.pop(rid, None)
            elif rid:
                existing[rid] = rid[:10]
    return out


def _touched_files(trail: Trail, change: Change) -> list[tuple[str, str]]:
    """Index.touched of a commit, every record's even when the index is a period's: a roster
    change names records of any period."""
    assert trail.index is not None
    if trail.index.scoped and change.hash in trail.index.touched_any:
        return _indexed([change])[1].touched.get(change.hash, [])
    return trail.index.touched.get(change.hash, [])


def _roster_moves(change: Change) -> dict[str, list[tuple[str, str, str, str | None]]]:
    """member → (from, to, what changed, the one name a record must hold to be changed)."""
    moves: dict[str, list[tuple[str, str, str, str | None]]] = {}
    for member, name, before, after, start, end, *named in change.verdict.get("roster", []):
        shown = f"{_field_label(name)}: {_roster_value(before)} → {_roster_value(after)}"
        moves.setdefault(member, []).append((start, end, shown, named[0] if named else None))
    return moves


def _names(trail: Trail, rid: str, name: str) -> bool:
    """Whether the record names this person (as it is now; a record not read here may)."""
    from partywork.model.schema import member_names

    record = trail.records.get(rid)
    return record is None or any(n == name for _path, n in member_names(record))


def _field_label(name: str) -> str:
    """A roster field by its label in the user's language (label.<field>), else as written."""
    label = t(f"label.{name}")
    return name if label == f"label.{name}" else label


def _roster_value(value: str) -> str:
    """An empty field, a status and a yes/no as the user's language says them."""
    key = {
        "∅": "audit.roster_unset",
        "full": "status.full",
        "probationary": "status.probationary",
        "true": "label.yes",
        "false": "label.no",
    }.get(value.lower() if value in ("True", "False") else value)
    return t(key) if key else value


def _setting_value(value: object) -> str:
    """A setting as the recorder wrote it: 3 days, not 3.0; one not set, in words."""
    if value == "∅":
        return t("history.none")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _weakened(trail: Trail) -> list[dict]:
    return [
        finding(
            "WEAKENED",
            "warning",
            t(
                "audit.weakened",
                setting=name,
                before=_setting_value(before),
                after=_setting_value(after),
                who=_who(change),
            ),
            None,
            change.hash,
        )
        for change in trail.changes
        for name, before, after in change.verdict.get("weakened", [])
    ]


def _weakened_now(trail: Trail) -> list[dict]:
    """Settings weakened in the work tree and not committed: the report and the audit apply the
    file as it is now, so an uncommitted `late_after_days: 400` would silence LATE unseen."""
    git = trail.repo.git
    path = claims.SETTINGS
    changed = trail.cache.dirty | trail.cache.staged() if trail.scoped else set(git.changed([path]))
    if path not in changed:
        return []
    head = gitio.objects(git, [f"HEAD:{gitio.records_prefix(git)}{path}"], MAX_BYTES)[0]
    before = claims.parse_mapping(head[2], path) if head and head[1] == "blob" else None
    document, _problems = store.read_document(trail.repo.root / path, path)
    after = document.data if document is not None and isinstance(document.data, dict) else None
    if before is None or after is None:
        return []
    who = t("audit.weakened_uncommitted")
    return [
        finding(
            "WEAKENED",
            "warning",
            t(
                "audit.weakened",
                setting=name,
                before=_setting_value(old),
                after=_setting_value(new),
                who=who,
            ),
        )
        for name, old, new in claims.weakened(before, after)
    ]


def _closed_edit(trail: Trail) -> list[dict]:
    out = []
    for tag, (commit, period) in trail.closed.items():
        sealed = gitio.reachable(trail.repo.git, commit) if commit else set()
        for rid, versions in trail.versions.items():
            day = record_day(rid)
            if day is None or not period.contains(day):
                continue
            for version in versions:
                if version.commit.hash not in sealed:
                    change = version.commit
                    meant = _honest(change) and change.trailers.get("Pw-After-Close") == tag
                    reason = change.trailers.get("Pw-Reason") or _action_words(change.action)
                    older = not meant and _older_pw_log(change, version, versions)
                    out.append(
                        finding(
                            "CLOSED-EDIT",
                            "warning" if meant or older else "error",
                            t("audit.closed_edit_pw", tag=tag, reason=reason)
                            if meant
                            else t("audit.closed_log_older_pw", tag=tag)
                            if older
                            else t("audit.closed_edit", tag=tag),
                            rid,
                            change.hash,
                        )
                    )
    return out


def _older_pw_log(change: Change, version: Version, versions: list[Version]) -> bool:
    """A new record that pw logged into a sealed period before it asked for --after-close: the
    sealed records are untouched, and today's pw would have written the same with the flag (a
    warning), so it is a warning too (README, "an older pw's log into a sealed period")."""
    return _honest(change) and change.action == "log" and version is versions[0]


def _deleted(trail: Trail) -> list[dict]:
    return [
        _finding(
            "DELETED",
            "error",
            t("audit.deleted", reason=v[-1].commit.trailers.get("Pw-Reason") or "—"),
            rid,
            v[-1].commit.hash,
        )
        for rid, v in trail.versions.items()
        if v[-1].status == "D" and rid not in trail.records and not _moved(rid, v[-1])
    ]


def _moved(rid: str, last: Version) -> bool:
    """The file left this path in a commit that put the same record elsewhere (MISPLACED says
    so)."""
    return any(r == rid for r, _key, _args in last.commit.verdict.get("misplaced", []))


def _voided(trail: Trail) -> list[dict]:
    return [
        finding(
            "VOIDED",
            "info",
            t("audit.voided", on=r["voided"].get("on"), reason=r["voided"].get("reason")),
            rid,
        )
        for rid, r in trail.records.items()
        if isinstance(r.get("voided"), dict)
    ]


def _similar(trail: Trail) -> list[dict]:
    """Minutes copied: the records read now against each other and the year before them."""
    threshold = trail.repo.settings.similarity_threshold
    files = {rid: p for p in trail.earlier if (rid := claims.path_id(p))} | trail.paths
    kind = f"samples-{SAMPLES_VERSION}"
    found = trail.cache.made(kind, sorted(files.values()), _minutes_line, read_line)
    samples = {rid: found[path] for rid, path in files.items()}
    focus = set(trail.paths)

    def text_of(rid: str) -> str:
        record = trail.records.get(rid) or trail.cache.documents([files[rid]])[files[rid]] or {}
        minutes = record.get("minutes")
        return minutes if isinstance(minutes, str) else ""

    def compute() -> list:
        return pairs_among(samples, text_of, threshold, focus)

    marked = [f"{path}{' *' if rid in focus else ''}" for rid, path in files.items()]
    key = trail.cache.key_of(list(files.values()), "\n".join(sorted(marked)))
    if key is None:
        pairs = compute()
    else:
        pairs = trail.cache.memo(
            "similar", f"{threshold}:{SAMPLES_VERSION}", compute, _are_pairs, key
        )
    out = []
    for a, b, score in pairs:
        later, earlier = (b, a) if b > a else (a, b)
        out.append(
            finding(
                "SIMILAR", "warning", t("audit.similar", other=earlier, score=f"{score:.0%}"), later
            )
        )
    return out


SAMPLES_VERSION = (
    "m3"  # changes whenever similar.sample_of does (the name of the kept files; m3: NFKC)
)


def _minutes_line(record: dict | None) -> str | None:
    return sample_line(record.get("minutes")) if isinstance(record, dict) else None


def _are_pairs(value: object) -> bool:
    return isinstance(value, list) and all(
        isinstance(p, list) and len(p) == 3 and isinstance(p[0], str) and isinstance(p[1], str)
        for p in value
    )


def _unknown_author(trail: Trail) -> list[dict]:
    """The recorders in force at the commit's parent: a commit cannot let itself in."""
    out = []
    for change in trail.changes:
        allowed = set(trail.policies[change.hash]["recorders"])
        if not allowed or not change.file_count:
            continue
        # both: a recorder's name as author does not make the one who committed it a recorder
        strangers = [
            e
            for e in dict.fromkeys([change.author_email, change.committer_email])
            if e.lower() not in allowed
        ]
        if strangers:
            message = t("audit.unknown_author", email=", ".join(strangers))
            out += [
                _finding("UNKNOWN-AUTHOR", "warning", message, rid, change.hash)
                for rid in _records_or(trail, change, None)
            ]
    return out


def _rewritten(trail: Trail) -> list[dict]:
    """Close tags that left the history, or moved or vanished since pw saw them; shared tips pw
    saw that no local branch holds any more; a history replaced from its first commit."""
    git = trail.repo.git
    out = [
        finding("REWRITTEN", "error", t("audit.rewritten", tag=tag), None, commit or None)
        for tag, (commit, _period) in trail.closed.items()
        if not gitio.is_ancestor(git, commit)
    ]
    cut = gitio.shallow_boundary(git)
    if cut:  # what came before the cut is hidden, and the cut looks like a first commit
        shown = "、".join(c[:10] for c in cut[:3]) + ("…" if len(cut) > 3 else "")
        out.append(finding("REWRITTEN", "error", t("audit.shallow", commits=shown), None, None))
    seen = trail.witness
    if seen is None:
        return out
    now = witness.close_tag_ids(git, CLOSE_PREFIX)
    for tag, oid in sorted(seen.tags.items()):
        if now.get(tag) != oid:
            key = "audit.rewritten_tag_moved" if tag in now else "audit.rewritten_tag_gone"
            out.append(finding("REWRITTEN", "error", t(key, tag=tag), None, oid))
    names = gitio.branch_names(git)
    for group in witness.twins(names):
        out.append(
            finding(
                "REWRITTEN",
                "error",
                t("audit.rewritten_twins", names=" / ".join(spelled(n) for n in group)),
                None,
                None,
            )
        )
    for tip, branch in seen.tips:
        if not _still_holds(git, tip, branch, names):
            out.append(
                finding(
                    "REWRITTEN", "error", t("audit.rewritten_shared", commit=tip[:10]), None, tip
                )
            )
    replaced = seen.replaced()
    if replaced:
        out.append(
            finding(
                "REWRITTEN",
                "error",
                t("audit.rewritten_root", before=replaced[:10], now=(seen.root or "")[:10]),
                None,
                None,
            )
        )
    return out


# -- signatures ----------------------------------------------------------------------------------


def _still_holds(git: gitio.Git, tip: str, branch: str | None, names: list[str]) -> bool:
    """The branch that was shared must still descend from what was seen on it (another branch
    keeping the old commits proves nothing), and so must a branch whose name only prints like it
    (witness.lookalikes: `é` composed or not). A branch since removed or renamed: the branch
    checked out now (the old commits parked on a side branch while a rewritten history is shown
    under a new name prove nothing either); detached, some branch at all."""
    same = witness.lookalikes(branch, names) if branch else []
    if same:
        return all(gitio.is_ancestor(git, tip, f"refs/heads/{name}") for name in same)
    current = gitio.current_branch(git)
    if current and current in names:
        return gitio.is_ancestor(git, tip, f"refs/heads/{current}")
    return gitio.on_a_branch(git, tip)


def signature_findings(repo: Repo, trail: Trail) -> list[dict]:
    """Each commit whose parent had `signing: require` must be signed by its committer, checked
    against the verifying user's own allowed signers (never the audited repository's)."""
    required = [c.hash for c in trail.changes if trail.policies[c.hash]["signing"] == "require"]
    if not required:
        return []
    git = repo.git
    form = gitio.user_config(git, "gpg.format") or gitio.config(git, "gpg.format") or "openpgp"
    if form == "ssh" and not gitio.allowed_signers(git):
        raise ConfigError(t("audit.no_allowed_signers"), t("audit.no_allowed_signers.hint"))
    out = []
    for commit, status, signer, committer in gitio.signatures(git, required):
        if status == "N":
            out.append(finding("UNSIGNED", "error", t("audit.unsigned"), None, commit))
        elif status != "G":
            out.append(
                finding(
                    "BAD-SIGNATURE", "error", t("audit.bad_signature", status=status), None, commit
                )
            )
        elif signer.lower() != committer.lower():
            out.append(
                finding(
                    "SIGNER-MISMATCH",
                    "error",
                    t("audit.signer_mismatch", signer=signer, committer=committer),
                    None,
                    commit,
                )
            )
    return out


def verify(repo: Repo, remember_seen: bool = True) -> tuple[bool, list[dict]]:
    """(ok, findings): the findings verify shows, and whether any of them fails it. What it saw
    (close tags, the upstream tip) is remembered for next time, unless told not to (pw fleet
    keeps its own witness per server: its clones often share a first commit)."""
    findings = [
        f
        for f in audit(repo)
        if f["severity"] in ("warning", "error")
        and (
            f["code"] in VERIFY_CODES
            or f["code"] in VERIFY_SHOWN
            or (f["code"] in VERIFY_ERRORS and f["severity"] == "error")
        )
    ]
    findings += _disguised(repo, findings)
    findings += [finding("FSCK", "error", line) for line in gitio.fsck(repo.git)]
    failing = [f for f in findings if f["code"] not in VERIFY_SHOWN]
    if remember_seen:
        remember(repo)  # first seen wins (witness.py): a failing history cannot teach it anything
    return not failing, findings


def _disguised(repo: Repo, findings: list[dict]) -> list[dict]:
    """Record files whose content differs from the index though git status shows them clean (a
    forged index): read in full by verify only, as fsck reads every object."""
    named = {f["message"] for f in findings if f["code"] == "OUTSIDE"}
    out = []
    for path in repo.git.differs_from_index(["records"]):
        message = t("audit.uncommitted", path=path)
        if message not in named:
            out.append(_finding("OUTSIDE", "warning", message, claims.path_id(path), None))
    return out


def remember(repo: Repo) -> None:
    """Witness what this clone holds as shared: its close tags and its upstream's tip."""
    git = repo.git
    walked_root = _root(git)
    tip = witness.upstream_tip(git)
    tips = [(tip, gitio.current_branch(git))] if tip else []
    witness.Witness(git, walked_root).remember(witness.close_tag_ids(git, CLOSE_PREFIX), tips)


def _root(git: gitio.Git) -> str | None:
    roots = gitio.root_commits(git)
    return roots[0] if roots else None
