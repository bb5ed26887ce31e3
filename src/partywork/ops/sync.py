"""`pw sync` and `pw status`: exchanging records with the shared git server (SPEC §10).

The remote is the witness. pw remembers, in the user's state folder (witness.py, never inside the
repository), the remote tip and the close tags it last saw there. A remote that no longer descends
from that tip, or whose close tags moved or vanished, was rewritten: pw refuses it and never
force-pushes. Local commits go on top of the remote
by fast-forward or rebase (`--ignore-date`: a rebased commit carries the time it entered the shared
history, so an honest offline week never looks backdated). A conflict aborts the rebase: the repo is
exactly as before, and the record is named.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from partywork.analysis.claims import path_id as record_id
from partywork.errors import Busy, ConfigError, DataError, ExitCode, GitError, PwError
from partywork.i18n import t
from partywork.model.periods import CLOSE_PREFIX
from partywork.storage.fsutil import exclusive_lock
from partywork.storage.git import gitio
from partywork.storage.git.gitio import Git, records_prefix
from partywork.storage.repo import Repo
from partywork.storage.txn import LOCK, lock_timeout, recover
from partywork.storage.witness import Witness

INCOMING = "refs/pw/incoming"


class Rewritten(PwError):
    code = ExitCode.PROBLEMS


@dataclass(repr=False, eq=False)
class SyncResult:
    remote: str
    branch: str
    pulled: int = 0
    pushed: int = 0
    tags: list[str] = field(default_factory=list)


def _remote(git: Git) -> str:
    names = gitio.remotes(git)
    if not names:
        raise ConfigError(t("sync.no_remote"), t("sync.no_remote.hint"))
    return "origin" if "origin" in names else names[0]


def _branch(git: Git) -> str:
    name = gitio.current_branch(git)
    if not name:
        raise DataError(t("sync.detached"), t("sync.detached.hint"))
    return name


def _witness(git: Git) -> Witness:
    roots = gitio.root_commits(git)
    return Witness(git, roots[0] if roots else None)


def _remote_key(git: Git, remote: str) -> str:
    """A remote is known by its address: the same name pointed elsewhere is another witness."""
    return gitio.remote_url(git, remote) or remote


def _fetch(git: Git, remote: str, branch: str) -> str | None:
    """The remote branch's tip fetched into a private ref (tags and tracking refs untouched)."""
    if gitio.remote_head(git, remote, branch) is None:
        return None
    return gitio.fetch_branch(git, remote, branch, INCOMING)


def _check_rewritten(git: Git, remote: str, incoming: str | None, tags: dict[str, str]) -> None:
    anchor = _witness(git).remotes.get(_remote_key(git, remote), {})
    anchor = anchor if isinstance(anchor, dict) else {}
    last = anchor.get("head")
    if last and (incoming is None or not gitio.is_ancestor(git, last, incoming)):
        raise Rewritten(
            t("sync.rewritten_head", remote=remote, last=last[:10], now=(incoming or "—")[:10]),
            t("sync.rewritten.hint"),
        )
    for name, sha in (anchor.get("tags") or {}).items():
        if tags.get(name) != sha:
            raise Rewritten(
                t("sync.rewritten_tag", tag=name, remote=remote), t("sync.rewritten.hint")
            )
    for name, sha in tags.items():
        local = gitio.tag_id(git, name)
        if local and local != sha:
            raise Rewritten(
                t("sync.rewritten_tag", tag=name, remote=remote), t("sync.rewritten.hint")
            )


def _require_clean(git: Git) -> None:
    dirty = gitio.uncommitted(git)
    if dirty:
        raise DataError(t("sync.dirty", path=dirty[0]), t("write.dirty.hint", path=dirty[0]))


def _integrate(git: Git, head: str, incoming: str) -> int:
    """Bring HEAD onto the remote tip; returns how many remote commits came in."""
    pulled = gitio.count_commits(git, f"{head}..{incoming}")
    if gitio.is_ancestor(git, incoming, head):
        return 0
    if gitio.is_ancestor(git, head, incoming):
        gitio.fast_forward(git, incoming)
        return pulled
    if not gitio.rebase(git, incoming):
        conflicted = gitio.conflicted(git)
        gitio.abort_rebase(git)
        if git.head() != head:  # never leave the repo anywhere but where it was
            gitio.reset_keep(git, head)
        raise DataError(
            t("sync.conflict", records=", ".join(_named(git, conflicted)) or "?"),
            t("sync.conflict.hint"),
        )
    return pulled


def _named(git: Git, paths: list[str]) -> list[str]:
    prefix = records_prefix(git)
    names = []
    for path in paths:
        local = path[len(prefix) :] if path.startswith(prefix) else path
        rid = record_id(local)
        names.append(f"{rid} ({local})" if rid else local)
    return names


def sync(repo: Repo) -> SyncResult:
    git = repo.git
    git.require_identity()
    remote, branch = _remote(git), _branch(git)
    with exclusive_lock(git.git_dir / LOCK, lock_timeout()):
        git.check_index_lock()
        recover(git)
        _require_clean(git)
        tags = gitio.remote_tags(git, remote, f"{CLOSE_PREFIX}*")
        incoming = _fetch(git, remote, branch)
        _check_rewritten(git, remote, incoming, tags)
        head = git.head()
        result = SyncResult(remote, branch)
        if incoming:
            result.pulled = (
                _integrate(git, head or "", incoming) if head else _checkout(git, incoming)
            )
        head = git.head()
        if head and head != incoming:
            revs = f"{incoming}..{head}" if incoming else head
            result.pushed = gitio.count_commits(git, revs)
            _push(git, remote, f"{head}:refs/heads/{branch}")
        result.tags = _push_tags(git, remote, tags)
        _confirm(git, remote, branch, head)
        seen = {**tags, **{n: gitio.tag_id(git, n) or "" for n in result.tags}}
        _witness(git).remember(
            seen,
            [(head, branch)] if head else [],
            _remote_key(git, remote),
            {"head": head or "", "tags": seen},
        )
    return result


def _checkout(git: Git, incoming: str) -> int:
    gitio.reset_keep(git, incoming)
    return gitio.count_commits(git, incoming)


def _push(git: Git, remote: str, refspec: str) -> None:
    detail = gitio.push(git, remote, refspec)
    if detail is None:
        return
    if "rejected" in detail or "non-fast-forward" in detail or "fetch first" in detail:
        raise Busy(t("sync.moved"), t("sync.moved.hint"))
    raise gitio.remote_failure(detail)


def _push_tags(git: Git, remote: str, remote_tags: dict[str, str]) -> list[str]:
    local = [n for n in gitio.tag_names(git, f"{CLOSE_PREFIX}*") if n not in remote_tags]
    for name in local:
        _push(git, remote, f"refs/tags/{name}:refs/tags/{name}")
    return local


def _confirm(git: Git, remote: str, branch: str, head: str | None) -> None:
    if head is None:
        return
    if gitio.remote_head(git, remote, branch) != head:
        raise GitError(t("sync.unconfirmed", remote=remote))


# -- status ---------------------------------------------------------------------------------------


def status(repo: Repo) -> dict:
    """What is not yet shared: unpushed and unpulled commits, uncommitted changes, open drafts."""
    git = repo.git
    out: dict = {
        "schema": "pw.status/1",
        "remote": None,
        "branch": None,
        "unpushed": [],
        "unpulled": 0,
        "uncommitted": git.changed(["records"]),
        "drafts": _drafts(repo.root),
    }
    names = gitio.remotes(git)
    head = git.head()
    if not names or head is None:
        return out
    remote = "origin" if "origin" in names else names[0]
    branch = _branch(git)
    out.update(remote=remote, branch=branch)
    incoming = _fetch(git, remote, branch)
    if incoming is None:
        out["unpushed"] = gitio.subjects(git, head)
        return out
    out["unpushed"] = gitio.subjects(git, f"{incoming}..{head}")
    out["unpulled"] = gitio.count_commits(git, f"{head}..{incoming}")
    return out


def _drafts(root: Path) -> list[str]:
    folder = root / ".pw" / "drafts"
    return (
        sorted(p.relative_to(root).as_posix() for p in folder.glob("*.yaml"))
        if folder.is_dir()
        else []
    )
