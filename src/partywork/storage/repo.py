"""Finding the records repository (SPEC §2) and reading its settings and roster on demand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from partywork.errors import ConfigError, DataError, InvalidRecords, NotFound
from partywork.i18n import t
from partywork.model.problems import ERROR
from partywork.storage.git import early
from partywork.storage.git.gitio import Git

if TYPE_CHECKING:  # the YAML side is imported when first read: finding the repo must stay cheap
    from partywork.model import roster as roster_mod
    from partywork.model import settings as settings_mod
    from partywork.model.problems import Problem

SETTINGS = "records/pw.yaml"
MEMBERS = "records/members.yaml"


def find_root(option: str | None, cwd: Path | None = None) -> Path:
    """--repo, else PW_REPO, else the first folder upwards holding records/pw.yaml."""
    found = early.records_root(option, str(cwd) if cwd else None)
    if found is None:
        raise NotFound(t("repo.not_found"), t("repo.not_found.hint"))
    root = Path(found)
    if (root / "records").is_symlink():  # everything would be read from outside the repository
        raise DataError(t("record.symlink_folder", path="records"), t("record.symlink_folder.hint"))
    dirs = early.git_dirs(found)
    if dirs and not early.owned(*dirs):
        # git's ownership rule before any file is read, even by commands that run no git (pw check)
        Git(root, Path(dirs[0]), Path(dirs[1])).check_access()
    return root


@dataclass(repr=False, eq=False)  # generated methods cost start-up time (see benchmarks)
class Repo:
    root: Path
    today: dt.date
    _git: Git | None = field(default=None, repr=False)
    _settings: settings_mod.Settings | None = field(default=None, repr=False)
    _settings_problems: list[Problem] = field(default_factory=list, repr=False)
    _roster: roster_mod.Roster | None = field(default=None, repr=False)
    _roster_problems: list[Problem] = field(default_factory=list, repr=False)
    prefetched: early.Started | None = field(default=None, repr=False)  # see launch.py

    def reload(self) -> None:
        """Forget what was read, so a write under the lock sees the files as they are now."""
        self._settings = self._roster = None

    @property
    def git(self) -> Git:
        if self._git is None:
            self._git = Git.at(self.root, self.prefetched)
            self._git.sign = self.settings.signing != "off"
        return self._git

    def _load(self, label: str, parse: Callable, empty: Any) -> tuple[Any, list[Problem]]:
        from partywork.storage.store import read_document

        doc, problems = read_document(self.root / label, label)
        if doc is None:
            return empty, problems
        value, more = parse(doc, label)
        return value, problems + more

    @property
    def settings(self) -> settings_mod.Settings:
        if self._settings is None:
            from partywork.model import settings as settings_mod

            self._settings, self._settings_problems = self._load(
                SETTINGS, settings_mod.parse, settings_mod.Settings()
            )
        return self._settings

    def settings_problems(self) -> list[Problem]:
        _ = self.settings
        return self._settings_problems

    def require_valid_settings(self) -> settings_mod.Settings:
        settings = self.settings
        if any(p.severity == ERROR for p in self._settings_problems):
            raise ConfigError(t("settings.invalid"), t("settings.invalid.hint"))
        return settings

    @property
    def roster(self) -> roster_mod.Roster:
        if self._roster is None:
            from partywork.model import roster as roster_mod

            self._roster, self._roster_problems = self._load(
                MEMBERS, roster_mod.parse, roster_mod.Roster()
            )
        return self._roster

    def roster_problems(self) -> list[Problem]:
        _ = self.roster
        return self._roster_problems

    def require_valid_roster(self) -> roster_mod.Roster:
        roster = self.roster
        errors = [p for p in self._roster_problems if p.severity == ERROR]
        if errors:
            raise InvalidRecords(
                t("record.unreadable", path=MEMBERS, problem=errors[0].message), errors
            )
        return roster
