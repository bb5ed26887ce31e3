"""The supervisor's desk (`pw fleet`, SPEC §10): a folder holding `fleet.yaml` (the branches, each
a name and a url) and a clone per branch under `branches/<name>`.

fleet.yaml may come from anyone (a template passed round by e-mail, a folder copied from a
colleague), so it is read as hostile: a name becomes a folder name, so it is one plain path
component; a url becomes an argument of `git clone`, so it may not start with `-` (an option) nor
name a `<transport>::` helper (`ext::` runs a command). Either is refused before git runs.

What each branch's last `pw fleet sync` came to is kept in the user's state folder
(userdirs.state_home), keyed by the desk's real path, never in the desk: a folder cannot clear its
own REWRITTEN mark.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from partywork.errors import DataError, NotFound, UsageError
from partywork.i18n import t
from partywork.storage import userdirs, yamlio
from partywork.storage.fsutil import write_atomic

FILE = "fleet.yaml"
CLONES = "branches"
MAX_NAME = 80
MAX_BRANCHES = 100_000
# scp-like `user@host:path` or a URL with a scheme git speaks natively
_SCHEMES = ("https://", "http://", "ssh://", "git://", "file://")
_SCP = re.compile(r"[A-Za-z0-9._~-]+@[A-Za-z0-9.-]+:[^:].*|[A-Za-z0-9.-]+:[^:/].*")


@dataclass(frozen=True, repr=False)
class Branch:
    name: str
    url: str


def name_problem(name: object) -> str | None:
    """Why this cannot be a branch's name (and so a folder name), or None."""
    if not isinstance(name, str) or not name.strip():
        return t("desk.name_empty")
    if len(name) > MAX_NAME:
        return t("desk.name_long", limit=MAX_NAME)
    if name in (".", "..") or name.startswith((".", "-")) or name != name.strip():
        return t("desk.name_path", name=name)
    if any(c in name for c in '/\\:*?"<>|') or any(
        unicodedata.category(c)[0] in "CZ" and c != " " for c in name
    ):
        return t("desk.name_path", name=name)
    return None


def url_problem(url: object) -> str | None:
    """Why git must not be handed this url, or None."""
    if not isinstance(url, str) or not url.strip():
        return t("desk.url_empty")
    if url != url.strip() or any(unicodedata.category(c)[0] == "C" for c in url):
        return t("desk.url_bad", url=url)
    if url.startswith("-") or "::" in url or "--upload-pack" in url or "--config" in url:
        return t("desk.url_bad", url=url)
    if url.startswith(_SCHEMES) or url.startswith("/") or _SCP.fullmatch(url):
        return None
    return t("desk.url_bad", url=url)


def check(name: object, url: object, file: str) -> Branch:
    problem = name_problem(name) or url_problem(url)
    if problem:
        raise DataError(t("desk.refused", file=file, problem=problem), t("desk.refused.hint"))
    assert isinstance(name, str) and isinstance(url, str)
    return Branch(name, url)


def find(given: str | None) -> Path:
    """--dir, else the current folder: where fleet.yaml is."""
    folder = Path(given or ".").resolve()
    if not (folder / FILE).is_file():
        raise NotFound(t("desk.none", path=folder), t("desk.none.hint"))
    return folder


def load(folder: Path) -> list[Branch]:
    """The branches fleet.yaml lists, every one checked; a single bad entry refuses the file."""
    path = folder / FILE
    if path.is_symlink():  # the desk's list is the desk's own file, not one kept elsewhere
        raise DataError(t("desk.linked", path=path), t("desk.linked.hint"))
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise NotFound(t("desk.none", path=folder), t("desk.none.hint")) from error
    document, problems = yamlio.parse(raw, FILE)
    if document is None:
        raise DataError(problems[0].render(), problems[0].hint)
    entries = document.data.get("branches") or []
    if not isinstance(entries, list) or len(entries) > MAX_BRANCHES:
        raise DataError(t("desk.refused", file=FILE, problem=t("desk.not_list")))
    branches: list[Branch] = []
    seen: set[str] = set()
    for entry in entries:
        if not isinstance(entry, dict):
            raise DataError(t("desk.refused", file=FILE, problem=t("desk.not_list")))
        branch = check(entry.get("name"), entry.get("url"), FILE)
        if branch.name.casefold() in seen:
            raise DataError(t("desk.refused", file=FILE, problem=t("desk.twice", name=branch.name)))
        seen.add(branch.name.casefold())
        branches.append(branch)
    return branches


def save(folder: Path, branches: list[Branch]) -> None:
    data = {"branches": [{"name": b.name, "url": b.url} for b in branches]}
    write_atomic(folder / FILE, yamlio.dump(data).encode("utf-8"))


def create(folder: Path) -> None:
    if (folder / FILE).exists():
        raise UsageError(t("desk.exists", path=folder / FILE))
    folder.mkdir(parents=True, exist_ok=True)
    save(folder, [])


def clone_path(folder: Path, name: str) -> Path:
    """The branch's clone under the desk: refused when `branches/` or the clone is a link, which
    would make fleet sync fast-forward, and fleet remove delete, a repository elsewhere."""
    from partywork.storage.fsutil import no_link_between

    path = folder / CLONES / name
    if not no_link_between(folder, path):
        raise DataError(t("desk.linked", path=path), t("desk.linked.hint"))
    return path


# -- what the last sync came to, per branch (the user's state folder) ---------------------------


def _status_file(folder: Path) -> Path:
    return userdirs.state_home() / "fleet" / f"{userdirs.folder_key(folder)}.json"


def load_status(folder: Path) -> dict[str, dict[str, str]]:
    try:
        data = json.loads(_status_file(folder).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        k: {a: b for a, b in v.items() if isinstance(a, str) and isinstance(b, str)}
        for k, v in data.items()
        if isinstance(k, str) and isinstance(v, dict)
    }


def save_status(folder: Path, status: dict[str, dict[str, str]]) -> None:
    path = _status_file(folder)
    os.makedirs(path.parent, exist_ok=True)
    write_atomic(path, json.dumps(status, ensure_ascii=False, indent=1).encode("utf-8"))
