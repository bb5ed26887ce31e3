"""`pw fleet init|add|remove|sync`: keeping the supervisor's desk of branch clones (SPEC §10).

`pw fleet sync` brings every clone up to date with its branch's server, many at once (each fetch
is a git process of its own, so threads spread them over the cores and the network). A clone only
ever fast-forwards: pw fleet makes no commit, no merge, no change of its own. Before anything is
changed, what the server now shows is held against what the supervisor witnessed there before
(witness.py: under the first commit and url, under the url however written, and under the
branch's name on this desk): a tip that no longer descends from a witnessed one, or a close tag
moved or gone, is REWRITTEN; that clone stays exactly as it was and the others go on. A clone made
afresh (after remove and add, its folder deleted, its url spelt anew) answers to the same witness
and is deleted if refused; only `pw fleet remove --forget` lets the desk forget. A branch
that fails (server down, a login missing) never stops the others either.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from partywork.errors import DataError, PwError, UsageError
from partywork.i18n import t
from partywork.model.periods import CLOSE_PREFIX
from partywork.storage import desk, userdirs, witness
from partywork.storage.git import gitio
from partywork.storage.git.gitio import Git

WORKERS = 8  # fetches wait on servers more than on the cores
# what a branch's sync came to; REWRITTEN and FAILED make `pw fleet sync` exit 1
CLONED, UPDATED, UNCHANGED, REWRITTEN, FAILED = (
    "cloned",
    "updated",
    "unchanged",
    "REWRITTEN",
    "failed",
)


@dataclass(repr=False)
class Outcome:
    name: str
    state: str
    detail: str = ""
    new: int = 0  # commits brought in


def init(folder: Path) -> None:
    desk.create(folder)


def add(folder: Path, name: str, url: str) -> desk.Branch:
    branches = desk.load(folder)
    branch = desk.check(name, url, "pw fleet add")
    if any(b.name.casefold() == name.casefold() for b in branches):
        raise UsageError(t("desk.twice", name=name))
    desk.save(folder, [*branches, branch])
    return branch


def remove(folder: Path, name: str, forget: bool = False) -> None:
    """Take a branch off the list and delete its clone. The witness keeps what was seen (under
    the name and the url), so adding it back answers to it, unless `forget`: the supervisor's
    explicit word that whatever the server shows next is accepted."""
    branches = desk.load(folder)
    kept = [b for b in branches if b.name != name]
    if len(kept) == len(branches):
        raise UsageError(t("desk.unknown", name=name))
    clone = desk.clone_path(folder, name)  # refused through a link: nothing elsewhere is deleted
    if forget:
        first = None
        if (clone / ".git").is_dir() and not clone.is_symlink():
            first = gitio.first_parent_root(Git.at(clone))
        for branch in branches:
            if branch.name == name:
                witness.forget_desk(first, branch.url, _desk_key(folder), name)
    desk.save(folder, kept)
    if clone.is_dir() and not clone.is_symlink():
        shutil.rmtree(clone)


def sync(folder: Path, progress: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Every branch brought up to date (in fleet.yaml's order); what each came to."""
    branches = desk.load(folder)
    (folder / desk.CLONES).mkdir(exist_ok=True)
    outcomes: list[Outcome] = []
    with ThreadPoolExecutor(max_workers=max(1, min(WORKERS, len(branches)))) as pool:
        for outcome in pool.map(lambda b: _sync_one(folder, b), branches):
            outcomes.append(outcome)
            if progress:
                progress(outcome)
    status = {o.name: {"state": o.state, "detail": o.detail} for o in outcomes}
    desk.save_status(folder, status)
    return outcomes


def _sync_one(folder: Path, branch: desk.Branch) -> Outcome:
    try:
        return _bring(folder, branch)
    except Rewritten as refused:
        return Outcome(branch.name, REWRITTEN, refused.message)
    except PwError as error:
        return Outcome(branch.name, FAILED, error.message)
    except Exception as error:  # one branch's surprise is that branch's failure, never the rest's
        return Outcome(branch.name, FAILED, f"{type(error).__name__}: {error}")


class Rewritten(PwError):
    pass


def _bring(folder: Path, branch: desk.Branch) -> Outcome:
    clone = desk.clone_path(folder, branch.name)
    if clone.is_symlink() or (clone.exists() and not (clone / ".git").is_dir()):
        raise DataError(t("desk.not_clone", path=clone))
    if not clone.exists():
        return _first_clone(folder, clone, branch)
    git = Git.at(clone)
    head, current = git.head(), gitio.current_branch(git)
    first = gitio.first_parent_root(git)
    if head is None or current is None or first is None:
        raise DataError(t("desk.not_clone", path=clone))
    fetched = {}
    try:
        fetched = _fetch(git, branch.url, current, head)
        tip = fetched.get(gitio.DESK_INCOMING)
        if tip is None:
            raise Rewritten(t("desk.rewritten_head", last=head[:10], now="—"))
        size = len(gitio.DESK_TAGS)
        tags = {ref[size:]: oid for ref, oid in fetched.items() if ref.startswith(gitio.DESK_TAGS)}
        local = _check(git, first, _seen(folder, branch, first), tip, tags)
        if head != tip and not gitio.is_ancestor(git, head, tip):
            raise Rewritten(t("desk.rewritten_head", last=head[:10], now=tip[:10]))
        new_tags = {name: oid for name, oid in tags.items() if name not in local}
        new = gitio.count_commits(git, f"{head}..{tip}") if head != tip else 0
        if new or new_tags:
            gitio.desk_advance(git, tip, new_tags, f"refs/remotes/origin/{current}")
    finally:
        gitio.drop_desk_refs(git, list(fetched))
    witness.remember_desk(first, branch.url, tip, tags, _desk_key(folder), branch.name)
    return Outcome(branch.name, UPDATED if new or new_tags else UNCHANGED, new=new)


def _fetch(git: Git, url: str, current: str, head: str) -> dict[str, str]:
    """fetch_for_desk; a server that answers but no longer has the branch the clone follows
    (deleted, or replaced by one whose name only prints like it) has dropped what was witnessed
    there: REWRITTEN, not a server that cannot be reached."""
    try:
        return gitio.fetch_for_desk(git, url, current, f"{CLOSE_PREFIX}*")
    except PwError:
        try:
            gone = current not in gitio.remote_heads(git, url)
        except PwError:
            gone = False
        if gone:
            raise Rewritten(t("desk.rewritten_head", last=head[:10], now="—")) from None
        raise


def _first_clone(folder: Path, clone: Path, branch: desk.Branch) -> Outcome:
    try:
        git = gitio.clone_repository(branch.url, clone, f"{CLOSE_PREFIX}*")
        tip, first = git.head(), gitio.first_parent_root(git)
        if tip is None or first is None:
            raise DataError(t("desk.empty", url=branch.url))
        tags = gitio.tag_ids(git, f"{CLOSE_PREFIX}*")
        # a clone made again (removed and added, its folder deleted, its url written another
        # way) answers to what was witnessed under its name and its server before
        _check(git, first, _seen(folder, branch, first), tip, tags)
    except BaseException:  # no half-made or rewritten clone: the next sync starts afresh
        shutil.rmtree(clone, ignore_errors=True)
        raise
    witness.remember_desk(first, branch.url, tip, tags, _desk_key(folder), branch.name)
    return Outcome(branch.name, CLONED, new=gitio.count_commits(git, tip))


def _desk_key(folder: Path) -> str:
    return userdirs.folder_key(folder)


def _seen(folder: Path, branch: desk.Branch, first: str) -> list[tuple[str, dict[str, str]]]:
    return witness.desk_anchors(first, branch.url, _desk_key(folder), branch.name)


def _check(
    git: Git, first: str, seen: list[tuple[str, dict[str, str]]], tip: str, tags: dict[str, str]
) -> dict[str, str]:
    """What the server shows now against everything witnessed of this branch, and against the
    clone; the clone's own close tags. A witnessed tip the new history lacks is not its
    ancestor (is_ancestor is false for a commit git does not have)."""
    witnessed: dict[str, str] = {}
    for last, last_tags in seen:
        if last and last != tip and not gitio.is_ancestor(git, last, tip):
            raise Rewritten(t("desk.rewritten_head", last=last[:10], now=tip[:10]))
        witnessed.update(last_tags)
    local = gitio.tag_ids(git, f"{CLOSE_PREFIX}*")
    for name, oid in sorted({**witnessed, **local}.items()):
        if tags.get(name) != oid:
            key = "desk.rewritten_tag_moved" if name in tags else "desk.rewritten_tag_gone"
            raise Rewritten(t(key, tag=name))
    return local
