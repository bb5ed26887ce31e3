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

from collections.abc import Callable
from dataclasses import dataclass, field

from partywork.analysis.claims import path_id as record_id
from partywork.errors import (
    ConfigError,
    DataError,
    ExitCode,
    GitError,
    PwError,
    UsageError,
)
from partywork.i18n import semicolon, t
from partywork.model.periods import CLOSE_PREFIX
from partywork.ops import drafts
from partywork.render.textsafe import spelled
from partywork.storage import store
from partywork.storage.fsutil import exclusive_lock
from partywork.storage.git import gitio
from partywork.storage.git.gitio import Git, records_prefix
from partywork.storage.repo import Repo
from partywork.storage.store import find_record, relative
from partywork.storage.txn import LOCK, commit_change, lock_timeout, message, recover
from partywork.storage.witness import Witness, desk_url, lookalikes

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
    fetched_tags: list[str] = field(default_factory=list)


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


def _remote_keys(git: Git, remote: str) -> list[str]:
    """A remote is known by its address: the same name pointed elsewhere is another witness, and
    the same server however its url is written is one (witness.desk_url), so that a rewritten
    server is not met afresh after `git remote set-url` to another spelling of it. The url as
    written is the key kept before urls were normalised: read, never written."""
    url = gitio.remote_url(git, remote)
    return [desk_url(url), url] if url else [remote]


def _fetch(git: Git, remote: str, branch: str) -> str | None:
    """The remote branch's tip fetched into a private ref (tags and tracking refs untouched).
    A branch on the remote whose name only prints like this one (`é` composed or decomposed)
    is refused: the records pushed would go where the others do not look, or a rewritten
    history could pass under the name the members know."""
    heads = gitio.remote_heads(git, remote)
    others = [name for name in lookalikes(branch, list(heads)) if name != branch]
    if others:
        raise Rewritten(
            t("sync.twin_branch", remote=remote, branch=spelled(branch), other=spelled(others[0])),
            t("sync.twin_branch.hint"),
        )
    if branch not in heads:
        return None
    return gitio.fetch_branch(git, remote, branch, INCOMING)


def _check_rewritten(git: Git, remote: str, incoming: str | None, tags: dict[str, str]) -> None:
    remotes = _witness(git).remotes
    for key in _remote_keys(git, remote):
        anchor = remotes.get(key)
        if isinstance(anchor, dict):
            _check_anchor(git, remote, anchor, incoming, tags)
    for name, sha in tags.items():
        local = gitio.tag_id(git, name)
        if local and local != sha:
            raise Rewritten(
                t("sync.rewritten_tag", tag=name, remote=remote), t("sync.rewritten.hint")
            )


def _check_anchor(
    git: Git, remote: str, anchor: dict, incoming: str | None, tags: dict[str, str]
) -> None:
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
    unsettled = _replay(git, head, incoming, lambda path: _same(git, head, incoming, path))
    if unsettled is not None:
        _conflict(git, head, incoming, unsettled)
    return pulled


Settle = Callable[[str], "int | None"]


def _same(git: Git, head: str, incoming: str, path: str) -> int | None:
    """Both sides end with the same file: take the remote's version of each step (stage 2)."""
    mine = gitio.blob_at(git, head, path)
    return 2 if mine is not None and mine == gitio.blob_at(git, incoming, path) else None


def _replay(git: Git, head: str, incoming: str, settle: Settle) -> list[str] | None:
    """Rebase HEAD onto incoming, settling each conflicted path as `settle` says (the stage to
    take); None when done, else the paths it could not settle, with the rebase still stopped."""
    done = gitio.rebase(git, incoming)
    for _ in range(gitio.count_commits(git, f"{incoming}..{head}") + 1):
        if done or not gitio.rebasing(git):
            return None if done else []
        paths = gitio.conflicted(git)
        stages = {p: settle(p) for p in paths}
        left = [p for p, stage in stages.items() if stage is None]
        if not paths or left:
            return left
        for path, stage in stages.items():
            if not gitio.take_stage(git, path, stage or 2):
                return [path]
        done = gitio.rebase_continue(git)
    return None if done else gitio.conflicted(git)


def _conflict(git: Git, head: str, incoming: str, paths: list[str]) -> None:
    """Stop the rebase, put the repo back where it was, and name the records and the way out."""
    gitio.abort_rebase(git)
    if git.head() != head:  # never leave the repo anywhere but where it was
        gitio.reset_keep(git, head)
    if not paths:  # the rebase stopped without naming a file: name what both sides changed
        base = gitio.merge_base(git, head, incoming)
        if base:
            ours = set(gitio.changed_between(git, base, head))
            paths = sorted(ours & set(gitio.changed_between(git, base, incoming)))
    named = _named(git, paths)
    first = next((record_id(_local(git, p)) for p in paths if record_id(_local(git, p))), None)
    differs = [d for p in paths[:3] if (d := _differences(git, head, incoming, p))]
    raise DataError(
        t("sync.conflict", records=", ".join(named) or t("sync.conflict.unknown"))
        + "".join(t("sync.conflict.fields", fields=d) for d in differs),
        t("sync.conflict.resolve", record=first) if first else t("sync.conflict.hint"),
    )


def _differences(git: Git, head: str, incoming: str, path: str) -> str:
    """What the two versions of a record disagree on, field by field (地点：本地 A，远程 B), so
    the two recorders can agree which stands without reading git."""
    from partywork.analysis.history import field_changes, field_label, shown_value
    from partywork.storage.yamlio import MAX_BYTES, parse

    found = gitio.objects(git, [f"{head}:{path}", f"{incoming}:{path}"], limit=MAX_BYTES)
    sides = [parse(o[2], path)[0] if o else None for o in found]
    if not all(sides):
        return ""
    theirs, mine = (d.data if d and isinstance(d.data, dict) else {} for d in reversed(sides))
    changes = field_changes(theirs, mine)
    return semicolon().join(
        t(
            "sync.conflict.field",
            field=field_label(c["field"]),
            mine=shown_value(c["field"], c["after"]),
            theirs=shown_value(c["field"], c["before"]),
        )
        for c in changes[:5]
    )


def _local(git: Git, path: str) -> str:
    prefix = records_prefix(git)
    return path[len(prefix) :] if path.startswith(prefix) else path


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
        result.fetched_tags = _fetch_tags(git, remote, tags)
        _confirm(git, remote, branch, head)
        seen = {**tags, **{n: gitio.tag_id(git, n) or "" for n in result.tags}}
        _witness(git).remember(
            seen,
            [(head, branch)] if head else [],
            _remote_keys(git, remote)[0],
            {"head": head or "", "tags": seen},
        )
    return result


def _checkout(git: Git, incoming: str) -> int:
    gitio.reset_keep(git, incoming)
    return gitio.count_commits(git, incoming)


def _push(git: Git, remote: str, refspec: str) -> None:
    gitio.push(git, remote, refspec)


def _push_tags(git: Git, remote: str, remote_tags: dict[str, str]) -> list[str]:
    local = [n for n in gitio.tag_names(git, f"{CLOSE_PREFIX}*") if n not in remote_tags]
    for name in local:
        _push(git, remote, f"refs/tags/{name}:refs/tags/{name}")
    return local


def _fetch_tags(git: Git, remote: str, remote_tags: dict[str, str]) -> list[str]:
    """The close tags another clone pushed: without them this clone would let its own edits of
    the sealed period through, and a verify here would take the tag for deleted. A local tag
    that differs was refused above as REWRITTEN; it is never overwritten."""
    missing = sorted(n for n in remote_tags if gitio.tag_id(git, n) is None)
    gitio.fetch_tags(git, remote, missing)
    return missing


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
        "uncommitted": store.uncommitted(git),
        "drafts": drafts.listed(repo.root),  # as `pw draft list` shows them
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


# -- resolve (issue 14) ---------------------------------------------------------------------------


# --keep as a recorder says it
_KEEP = {"本地": "mine", "我的": "mine", "本机": "mine", "远程": "theirs", "对方": "theirs"}


def resolve(repo: Repo, ident: str, keep: str, reason: str) -> str:
    """Settle a refused sync on one record: local commits go on top of the fetched remote tip, the
    record's conflicting steps replayed as they were, then one commit (`Pw-Action: resolve`) makes
    the record the kept side's version (with mine it already is: the commit changes no file). Both
    versions are in the history before it, so the audit can check it kept one of them. Returns
    the record's id."""
    keep = _KEEP.get(keep.strip(), keep)
    if keep not in ("mine", "theirs"):
        raise UsageError(t("resolve.keep", keep=keep))
    if not (reason or "").strip():
        raise UsageError(t("reason.empty", option="--reason"))
    git = repo.git
    git.require_identity()
    git.require_signing_key()
    label = relative(repo.root, find_record(repo.root, ident))
    rid = record_id(label) or ident
    path = records_prefix(git) + label
    with exclusive_lock(git.git_dir / LOCK, lock_timeout()):
        git.check_index_lock()
        recover(git)
        _require_clean(git)
        head, incoming = git.head(), gitio.ref_id(git, INCOMING)
        if not head or not incoming or gitio.is_ancestor(git, incoming, head):
            raise DataError(t("resolve.nothing", record=rid), t("resolve.nothing.hint"))
        mine, theirs = gitio.blob_at(git, head, path), gitio.blob_at(git, incoming, path)
        if theirs is None or mine == theirs:
            raise DataError(t("resolve.same", record=rid), t("resolve.nothing.hint"))
        chosen = mine if keep == "mine" else theirs
        kept = gitio.blobs(git, [chosen])[0] if chosen else None
        _no_unvoid(git, mine if keep == "theirs" else theirs, kept, rid)

        def settle(conflicted: str) -> int | None:
            # my steps are replayed as they were on top of theirs, so both versions are in the
            # history before the resolve, which the audit checks it ends on (audit._unproven);
            # theirs: the resolve then puts their version back; mine: mine already stands
            if conflicted == path:
                return 3
            return _same(git, head, incoming, conflicted)

        if not gitio.is_ancestor(git, head, incoming):
            unsettled = _replay(git, head, incoming, settle)
            if unsettled is not None:
                _conflict(git, head, incoming, unsettled)
        else:
            gitio.fast_forward(git, incoming)
        if keep == "mine" and chosen and gitio.blob_at(git, "HEAD", path) == chosen:
            # nothing left to change: the decision and its reason are still a commit of their own
            subject = t("commit.resolve", record=rid, keep=t("resolve.side." + keep))
            gitio.commit_empty(git, message(subject, "resolve", rid, reason))
            return rid
    if kept is None:
        raise DataError(t("resolve.same", record=rid), t("resolve.nothing.hint"))
    subject = t("commit.resolve", record=rid, keep=t("resolve.side." + keep))
    wrote = commit_change(git, lambda: _resolved(repo, label, kept, subject, rid, reason))
    if not wrote:
        raise DataError(t("resolve.same", record=rid), t("resolve.nothing.hint"))
    return rid


def _no_unvoid(git: Git, other: str | None, kept: bytes | None, rid: str) -> None:
    """A void is for good: keeping the side that lacks it would take it back, which the audit
    calls FORGED under any claim (H5)."""
    from partywork.storage.yamlio import parse

    def voided(text: bytes | None) -> object:
        doc = parse(text, rid)[0] if text is not None else None
        return doc.data.get("voided") if doc is not None and isinstance(doc.data, dict) else None

    dropped = voided(gitio.blobs(git, [other])[0] if other else None)
    if dropped is not None and voided(kept) != dropped:
        raise DataError(t("resolve.unvoid", record=rid), t("resolve.unvoid.hint"))


def _resolved(
    repo: Repo, label: str, kept: bytes, subject: str, rid: str, reason: str
) -> tuple[dict[str, bytes], str] | None:
    current = (repo.root / label).read_bytes() if (repo.root / label).is_file() else None
    if current == kept:
        return None
    return {label: kept}, message(subject, "resolve", rid, reason)
