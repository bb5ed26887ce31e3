"""What supervisors need to see in the history (SPEC §9): late, batched, backdated, outside pw,
amended, edited after closing, deleted, voided, copied, unsigned, by unknown authors, rewritten.

The history is read once (`gitio.history`); everything else is computed from it and from the
records as they are now.
"""
from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field

from . import gitio, periods
from . import cache
from .store import record_paths
from .errors import ConfigError
from .gitio import Commit
from .history import Version, record_id, versions_by_record
from .i18n import t
from .periods import Period
from .report import finding
from .repo import Repo
from .similar import similar_pairs
from .yamlio import parse

DAY = 86400
CLOSE_PREFIX = "pw/closed/"
VERIFY_CODES = ("OUTSIDE", "DELETED", "CLOSED-EDIT", "BACKDATE", "REWRITTEN", "UNSIGNED", "BAD-SIGNATURE",
                "SIGNER-MISMATCH", "UNKNOWN-AUTHOR", "FSCK")


@dataclass(repr=False, eq=False)  # generated methods cost start-up time (see benchmarks)
class Trail:
    """The history and the present, read once."""

    repo: Repo
    commits: list[Commit]  # the commits touching records/, newest first
    times: dict[str, int]  # every commit's committer time, for BACKDATE's parent check
    versions: dict[str, list[Version]]
    records: dict[str, dict]
    cache: cache.DocumentCache
    scoped: bool = False  # records holds only some months (a period's audit)
    closed: dict[str, tuple[str, Period]] = field(default_factory=dict)  # tag → (commit, period)


def read_trail(repo: Repo, months: set[str] | None = None, documents: cache.DocumentCache | None = None) -> Trail:
    """The history, and the records now (of these months only, when given)."""
    git = repo.git
    everything = gitio.history(git)
    commits = []
    for commit in everything:
        commit.files = [(status, path) for status, path in commit.files if path.startswith("records/")]
        if commit.files:
            commits.append(commit)
    documents = documents or cache.DocumentCache(git)
    trail = Trail(repo, commits, {c.hash: c.commit_time for c in everything}, versions_by_record(commits, months),
                  _current(repo, documents, months), documents, scoped=months is not None)
    first_month = repo.settings.year_start_month
    for tag, (commit, message) in gitio.tags(git, CLOSE_PREFIX + "*").items():
        period = _tag_period(tag, message, repo.today, first_month)
        if period:
            trail.closed[tag] = (commit, period)
    return trail


def _tag_period(tag: str, message: str, today: dt.date, first_month: int) -> Period | None:
    for line in message.splitlines():
        if line.startswith("Pw-Period: ") and ".." in line:
            start, end = line[len("Pw-Period: "):].strip().split("..")
            try:
                return Period(tag[len(CLOSE_PREFIX):], dt.date.fromisoformat(start), dt.date.fromisoformat(end))
            except ValueError:
                return None
    try:
        return periods.parse(tag[len(CLOSE_PREFIX):], "quarter", today, first_month)
    except Exception:
        return None


def _current(repo: Repo, documents: cache.DocumentCache, months: set[str] | None) -> dict[str, dict]:
    """record id → its mapping as it is now (raw text values: the audit needs no typing)."""
    paths = record_paths(repo.root, months)
    out = {}
    for path, data in documents.documents(paths).items():
        rid = record_id(path)
        if rid and isinstance(data, dict):
            out[rid] = data
    return out


def record_day(rid: str) -> dt.date:
    return dt.date.fromisoformat(rid[:10])


def audit(repo: Repo, period: Period | None = None, documents: cache.DocumentCache | None = None) -> list[dict]:
    """Findings for the whole history, or for the records of a period (then copies are looked for
    among the records of the period and the year before it)."""
    months = set(periods.Period("", period.start - dt.timedelta(days=366), period.end).months()) if period else None
    trail = read_trail(repo, months, documents)
    findings: list[dict] = []
    for check in (_late, _batch, _backdate, _outside, _amended, _closed_edit, _deleted, _voided, _similar,
                  _unknown_author, _rewritten):
        findings += check(trail)
    findings += signature_findings(repo, trail)
    trail.cache.save()
    if period is not None:
        findings = [f for f in findings if f["record"] is None or period.contains(record_day(f["record"]))]
    return _ordered(findings)


def _ordered(findings: list[dict]) -> list[dict]:
    rank = {"error": 0, "warning": 1, "info": 2}
    return sorted(findings, key=lambda f: (f["record"] or "", rank.get(f["severity"], 3), f["code"], f["commit"] or ""))


# -- time ----------------------------------------------------------------------------------------


def _first_versions(trail: Trail) -> list[Version]:
    return [versions[0] for versions in trail.versions.values() if versions[0].status == "A"]


def _late(trail: Trail) -> list[dict]:
    limit = trail.repo.settings.late_after_days
    out = []
    for first in _first_versions(trail):
        if first.record not in trail.records and trail.scoped:
            continue
        held = record_day(first.record)
        written = dt.date.fromisoformat(first.commit.day)
        days = (written - held).days
        if days > limit:
            reason = (trail.records.get(first.record) or {}).get("late_reason")
            out.append(finding("LATE", "info" if reason else "warning",
                               t("audit.late", held=held, written=written, days=days) +
                               (t("audit.late_reason", reason=reason) if reason else ""),
                               first.record, first.commit.hash))
    return out


def _batch(trail: Trail) -> list[dict]:
    """Three or more records of two or more months first committed within 24 hours. Linear: a
    sliding window with a count of months, and each record marked once."""
    firsts = sorted(_first_versions(trail), key=lambda v: (v.commit.commit_time, v.record))
    times = [v.commit.commit_time for v in firsts]
    months: dict[str, int] = {}
    flagged_to = -1
    start = 0
    out = []
    for end, version in enumerate(firsts):
        months[version.record[:7]] = months.get(version.record[:7], 0) + 1
        while times[end] - times[start] > DAY:
            month = firsts[start].record[:7]
            months[month] -= 1
            if not months[month]:
                del months[month]
            start += 1
        if end - start + 1 >= 3 and len(months) >= 2:
            for i in range(max(start, flagged_to + 1), end + 1):
                out.append(i)
            flagged_to = end
    return [finding("BATCH", "warning", t("audit.batch", count=_neighbours(times, i), day=firsts[i].commit.day),
                    firsts[i].record, firsts[i].commit.hash)
            for i in out if not trail.scoped or firsts[i].record in trail.records]


def _neighbours(times: list[int], i: int) -> int:
    """How many first commits lie within a day either side of this one."""
    return bisect.bisect_right(times, times[i] + DAY) - bisect.bisect_left(times, times[i] - DAY)


def _backdate(trail: Trail) -> list[dict]:
    known = trail.times
    out = []
    for commit in trail.commits:
        earlier = [p for p in commit.parents if p in known and commit.commit_time < known[p]]
        skew = abs(commit.author_time - commit.commit_time) > DAY
        if earlier or skew:
            message = t("audit.backdate_parent") if earlier else t("audit.backdate_skew", author=commit.author_date,
                                                                     committer=commit.commit_date)
            for rid in _records_of(commit) or [None]:
                out.append(finding("BACKDATE", "warning", message, rid, commit.hash))
    return out


def _records_of(commit: Commit) -> list[str]:
    return [rid for _status, path in commit.files if (rid := record_id(path))]


# -- changes -------------------------------------------------------------------------------------


def _outside(trail: Trail) -> list[dict]:
    out = []
    for commit in trail.commits:
        if commit.action is not None:
            continue
        records = [r for r in _records_of(commit) if not trail.scoped or r in trail.versions]
        message = t("audit.outside", subject=commit.subject[:60]) if records else ""
        out += [finding("OUTSIDE", "warning", message, rid, commit.hash) for rid in records]
        # SPEC §4 allows editing the roster (and settings have no command): seen, not failed
        for path in sorted({p for _s, p in commit.files if p in ("records/members.yaml", "records/pw.yaml")}):
            out.append(finding("OUTSIDE", "info", t("audit.outside_roster", path=path, subject=commit.subject[:60]),
                               None, commit.hash))
    for path in _uncommitted(trail):
        rid = record_id(path)
        out.append(finding("OUTSIDE", "warning", t("audit.uncommitted", path=path), rid, None))
    return out


def _uncommitted(trail: Trail) -> list[str]:
    """Files under records/ that differ from HEAD: in a period's audit, only its records', which the
    cache already knows about; for the whole history, what `git status` says."""
    if not trail.scoped:
        return trail.repo.git.changed(["records"])
    staged = trail.repo.git.staged_paths()
    paths = {f"records/{rid[:4]}/{rid}.yaml" for rid in trail.records}
    new = {p for p in trail.cache.untracked if p in paths or record_id(p) is None}
    return sorted((trail.cache.dirty | staged | new) & (paths | new))


def _amended(trail: Trail) -> list[dict]:
    out = []
    for rid, versions in trail.versions.items():
        for version in versions[1:]:
            action = version.commit.action
            if version.status != "M" or action == "void":
                continue
            reason = version.commit.trailers.get("Pw-Reason")
            if action in ("edit", "action-drop") and reason or action == "action-done":
                out.append(finding("AMENDED", "info", t("audit.amended_reason", reason=reason or action), rid,
                                   version.commit.hash))
            else:
                out.append(finding("AMENDED", "warning", t("audit.amended_silent"), rid, version.commit.hash))
    return out


def _closed_edit(trail: Trail) -> list[dict]:
    out = []
    for tag, (commit, period) in trail.closed.items():
        sealed = gitio.reachable(trail.repo.git, commit) if commit else set()
        for rid, versions in trail.versions.items():
            if not period.contains(record_day(rid)):
                continue
            for version in versions:
                if version.commit.hash not in sealed:
                    out.append(finding("CLOSED-EDIT", "error", t("audit.closed_edit", tag=tag), rid, version.commit.hash))
    return out


def _deleted(trail: Trail) -> list[dict]:
    return [finding("DELETED", "error", t("audit.deleted", reason=v[-1].commit.trailers.get("Pw-Reason") or "—"),
                    rid, v[-1].commit.hash)
            for rid, v in trail.versions.items() if v[-1].status == "D" and rid not in trail.records]


def _voided(trail: Trail) -> list[dict]:
    return [finding("VOIDED", "info", t("audit.voided", on=r["voided"].get("on"), reason=r["voided"].get("reason")), rid)
            for rid, r in trail.records.items() if isinstance(r.get("voided"), dict)]


def _similar(trail: Trail) -> list[dict]:
    texts = {rid: r["minutes"] for rid, r in trail.records.items() if isinstance(r.get("minutes"), str)}
    threshold = trail.repo.settings.similarity_threshold
    pairs = trail.cache.memo("similar", str(threshold), lambda: similar_pairs(texts, threshold), _are_pairs)
    out = []
    for a, b, score in pairs:
        later, earlier = (b, a) if b > a else (a, b)
        out.append(finding("SIMILAR", "warning", t("audit.similar", other=earlier, score=f"{score:.0%}"), later))
    return out


def _are_pairs(value: object) -> bool:
    return isinstance(value, list) and all(
        isinstance(p, list) and len(p) == 3 and isinstance(p[0], str) and isinstance(p[1], str) for p in value)


def _unknown_author(trail: Trail) -> list[dict]:
    allowed = {e.lower() for e in trail.repo.settings.recorders}
    if not allowed:
        return []
    return [finding("UNKNOWN-AUTHOR", "warning", t("audit.unknown_author", email=c.author_email), rid, c.hash)
            for c in trail.commits if c.author_email.lower() not in allowed for rid in (_records_of(c) or [None])]


def _rewritten(trail: Trail) -> list[dict]:
    """Close tags that left the history, and shared history that did: the remote tip pw sync last
    saw must still be on a local branch (a `git reset` or a forced pull would drop it; looking at an
    old commit would not)."""
    from .sync import anchored_heads

    git = trail.repo.git
    out = [finding("REWRITTEN", "error", t("audit.rewritten", tag=tag), None, commit or None)
           for tag, (commit, _period) in trail.closed.items() if not gitio.is_ancestor(git, commit)]
    for remote, head in anchored_heads(git).items():
        if not gitio.on_a_branch(git, head):
            out.append(finding("REWRITTEN", "error", t("audit.rewritten_shared", remote=remote, commit=head[:10]),
                               None, head))
    return out


# -- signatures ----------------------------------------------------------------------------------


def _signing_since(trail: Trail) -> str | None | bool:
    """The commit that turned `signing: require` on (False when it is not on now)."""
    if trail.repo.settings.signing != "require":
        return False
    changes = [c for c in reversed(trail.commits) if any(p == "records/pw.yaml" for _s, p in c.files)]
    contents = gitio.blobs(trail.repo.git, [f"{c.hash}:{gitio.top_path(trail.repo.git, 'records/pw.yaml')}" for c in changes])
    since = None
    for commit, raw in zip(changes, contents):
        doc, _problems = parse(raw or b"", "records/pw.yaml")
        on = bool(doc) and doc.data.get("signing") == "require"
        if on and since is None:
            since = commit.hash
        elif not on:
            since = None
    return since


def signature_findings(repo: Repo, trail: Trail) -> list[dict]:
    since = _signing_since(trail)
    if since is False:
        return []
    git = repo.git
    if (gitio.config(git, "gpg.format") or "openpgp") == "ssh" and not gitio.config(git, "gpg.ssh.allowedSignersFile"):
        raise ConfigError(t("audit.no_allowed_signers"), t("audit.no_allowed_signers.hint"))
    out = []
    for commit, status, signer, committer in gitio.signatures(git, since if isinstance(since, str) else None):
        if status == "N":
            out.append(finding("UNSIGNED", "error", t("audit.unsigned"), None, commit))
        elif status != "G":
            out.append(finding("BAD-SIGNATURE", "error", t("audit.bad_signature", status=status), None, commit))
        elif signer.lower() != committer.lower():
            out.append(finding("SIGNER-MISMATCH", "error", t("audit.signer_mismatch", signer=signer,
                                                                committer=committer), None, commit))
    return out


def verify(repo: Repo) -> list[dict]:
    findings = [f for f in audit(repo) if f["code"] in VERIFY_CODES and f["severity"] in ("warning", "error")]
    findings += [finding("FSCK", "error", line) for line in gitio.fsck(repo.git)]
    return findings
