"""The editor's kept drafts under .pw/drafts/ (issue 14 scope 13): listed, dropped, and removed
once submitted. Drafts are the user's typed text, never records: nothing here touches git."""

from __future__ import annotations

from pathlib import Path

from partywork.errors import NotFound, UsageError
from partywork.i18n import t

FOLDER = Path(".pw") / "drafts"


def listed(root: Path) -> list[str]:
    """The drafts, as paths relative to the repository, oldest name first."""
    folder = root / FOLDER
    if not folder.is_dir() or folder.is_symlink():
        return []
    return sorted(p.relative_to(root).as_posix() for p in folder.glob("*.yaml") if p.is_file())


def kept_draft(root: Path, name: str) -> Path | None:
    """The draft this path names (relative to the working folder, or to the repository), None when
    it names no file under .pw/drafts/."""
    folder = (root / FOLDER).resolve()
    for base in (Path.cwd(), root):
        path = (base / name).resolve()
        if path.parent == folder and path.suffix == ".yaml" and path.is_file():
            return path
    return None


def drop(root: Path, name: str) -> str:
    """Delete one kept draft; returns its path relative to the repository."""
    path = kept_draft(root, name)
    if path is None:
        folder = (root / FOLDER).resolve()
        inside = any((b / name).resolve().parent == folder for b in (Path.cwd(), root))
        if inside:
            raise NotFound(t("draft.not_found", path=name), t("draft.hint"))
        raise UsageError(t("draft.not_a_draft", path=name), t("draft.hint"))
    label = path.relative_to(root.resolve()).as_posix()
    path.unlink()
    return label


def submitted(root: Path, name: str) -> None:
    """A draft given to `pw log --from` and recorded is done with."""
    if name == "-":
        return
    path = kept_draft(root, name)
    if path is not None:
        path.unlink(missing_ok=True)
