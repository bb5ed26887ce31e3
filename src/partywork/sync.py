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

from .audit import CLOSE_PREFIX
from .claims import path_id as record_id
from .errors import Busy, ConfigError, DataError, ExitCode, GitError, PwError
from .fsutil import exclusive_lock
from .gitio import Git, _prefix
from .i18n import t
from .repo import Repo
from .txn import LOCK, lock_timeout, recover
from .witness import Witness

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
    names = git.out("remote").split()
    if not names:
        raise ConfigError(t("sync.no_remote"), t("sync.no_remote.hint"))
    return "origin" if "origin" in names else names[0]


def _branch(git: Git) -> str:
    result = git.run("symbolic-ref", "--short", "-q", "HEAD", check=False)
    name = result.stdout.decode().strip()
    if not name:
        raise DataError(t("sync.detached"), t("sync.detached.hint"))
    return name


def _witness(git: Git) -> Witness:
    roots = (
        git.out("rev-list", "--first-parent", "--max-parents=0", "HEAD").split()
        if git.head()
        else []
    )
    return Witness(git, roots[0] if roots else None)


def _remote_key(git: Git, remote: str) -> str:
    """A remote is known by its address: the same name pointed elsewhere is another witness."""
    result = git.run("remote", "get-url", remote, check=False)
    return result.stdout.decode("utf-8", "replace").strip() or remote


def _remote_tags(git: Git, remote: str) -> dict[str, str]:
    out = git.out("ls-remote", "--tags", remote, f"refs/tags/{CLOSE_PREFIX}*")
    tags = {}
    for line in out.splitlines():
        sha, _tab, ref = line.partition("\t")
        name = ref[len("refs/tags/") :]
        if name.endswith("^{}"):
            continue
        tags[name] = sha
    return tags


def _fetch(git: Git, remote: str, branch: str) -> str | None:
    """The remote branch's tip fetched into a private ref (tags and tracking refs untouched)."""
    heads = git.out("ls-remote", "--heads", remote, f"refs/heads/{branch}").split()
    if not heads:
        return None
    git.run("fetch", "-q", "--no-tags", remote, f"+refs/heads/{branch}:{INCOMING}")
    return git.out("rev-parse", INCOMING).strip()


def _check_rewritten(git: Git, remote: str, incoming: str | None, tags: dict[str, str]) -> None:
    anchor = _witness(git).remotes.get(_remote_key(git, remote), {})
    anchor = anchor if isinstance(anchor, dict) else {}
    last = anchor.get("head")
    if last and (
        incoming is None
        or not git.run("merge-base", "--is-ancestor", last, incoming, check=False).returncode == 0
    ):
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
        local = (
            git.run("rev-parse", "-q", "--verify", f"refs/tags/{name}", check=False)
            .stdout.decode()
            .strip()
        )
        if local and local != sha:
            raise Rewritten(
                t("sync.rewritten_tag", tag=name, remote=remote), t("sync.rewritten.hint")
            )


def _require_clean(git: Git) -> None:
    out = git.run("status", "--porcelain", "--untracked-files=no", "-z").stdout.decode(
        "utf-8", "replace"
    )
    dirty = [e[3:] for e in out.split("\0") if len(e) > 3]
    if dirty:
        raise DataError(t("sync.dirty", path=dirty[0]), t("write.dirty.hint", path=dirty[0]))


def _count(git: Git, revs: str) -> int:
    return int(git.out("rev-list", "--count", revs).strip() or 0)


def _integrate(git: Git, head: str, incoming: str) -> int:
    """Bring HEAD onto the remote tip; returns how many remote commits came in."""
    pulled = _count(git, f"{head}..{incoming}")
    if git.run("merge-base", "--is-ancestor", incoming, head, check=False).returncode == 0:
        return 0
    if git.run("merge-base", "--is-ancestor", head, incoming, check=False).returncode == 0:
        git.run("merge", "-q", "--ff-only", incoming)
        return pulled
    sign = ["--gpg-sign"] if git.sign else []
    result = git.run(
        "-c",
        "rebase.autoStash=false",
        "rebase",
        "-q",
        "--ignore-date",
        *sign,
        incoming,
        check=False,
    )
    if result.returncode != 0:
        conflicted = git.out("diff", "--name-only", "--diff-filter=U").split()
        git.run("rebase", "--abort", check=False)
        if git.head() != head:  # never leave the repo anywhere but where it was
            git.run("reset", "-q", "--keep", head)
        raise DataError(
            t("sync.conflict", records=", ".join(_named(git, conflicted)) or "?"),
            t("sync.conflict.hint"),
        )
    return pulled


def _named(git: Git, paths: list[str]) -> list[str]:
    prefix = _prefix(git)
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
        tags = _remote_tags(git, remote)
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
            result.pushed = _count(git, f"{incoming}..{head}") if incoming else _count(git, head)
            _push(git, remote, f"{head}:refs/heads/{branch}")
        result.tags = _push_tags(git, remote, tags)
        _confirm(git, remote, branch, head)
        seen = {**tags, **{n: _tag_id(git, n) for n in result.tags}}
        _witness(git).remember(
            seen,
            [(head, branch)] if head else [],
            _remote_key(git, remote),
            {"head": head or "", "tags": seen},
        )
    return result


def _checkout(git: Git, incoming: str) -> int:
    git.run("reset", "-q", "--keep", incoming)
    return _count(git, incoming)


def _push(git: Git, remote: str, refspec: str) -> None:
    result = git.run("push", "-q", "--porcelain", remote, refspec, check=False)
    if result.returncode != 0:
        detail = " ".join((result.stderr + result.stdout).decode("utf-8", "replace").split())[:300]
        if "rejected" in detail or "non-fast-forward" in detail or "fetch first" in detail:
            raise Busy(t("sync.moved"), t("sync.moved.hint"))
        raise GitError(t("git.failed", command="push", detail=detail))


def _tag_id(git: Git, name: str) -> str:
    return git.out("rev-parse", f"refs/tags/{name}").strip()


def _push_tags(git: Git, remote: str, remote_tags: dict[str, str]) -> list[str]:
    local = [n for n in git.out("tag", "-l", f"{CLOSE_PREFIX}*").split() if n not in remote_tags]
    for name in local:
        _push(git, remote, f"refs/tags/{name}:refs/tags/{name}")
    return local


def _confirm(git: Git, remote: str, branch: str, head: str | None) -> None:
    if head is None:
        return
    there = git.out("ls-remote", "--heads", remote, f"refs/heads/{branch}").split()
    if not there or there[0] != head:
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
    names = git.out("remote").split()
    head = git.head()
    if not names or head is None:
        return out
    remote = "origin" if "origin" in names else names[0]
    branch = _branch(git)
    out.update(remote=remote, branch=branch)
    incoming = _fetch(git, remote, branch)
    if incoming is None:
        out["unpushed"] = _subjects(git, head)
        return out
    out["unpushed"] = _subjects(git, f"{incoming}..{head}")
    out["unpulled"] = _count(git, f"{head}..{incoming}")
    return out


def _subjects(git: Git, revs: str) -> list[str]:
    return [line for line in git.out("log", "--format=%h %s", revs).splitlines() if line.strip()]


def _drafts(root: Path) -> list[str]:
    folder = root / ".pw" / "drafts"
    return (
        sorted(p.relative_to(root).as_posix() for p in folder.glob("*.yaml"))
        if folder.is_dir()
        else []
    )
