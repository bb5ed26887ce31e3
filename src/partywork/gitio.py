"""The only module that runs git. It uses git's command line, not GitPython (README: "Why no
GitPython"): porcelain `git commit` honours the user's identity, hooks and signing, and the
history is read in one `git log` pass.

Every call runs with a scrubbed environment (RELIABILITY R12, pitfall 6): inherited GIT_DIR and
friends could point pw at another repository, and GIT_*_DATE would let a client claim any time.
"""
from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from .errors import Busy, ConfigError, GitError, NotFound
from .i18n import t

_SCRUBBED = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR",
             "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_NAMESPACE", "GIT_CEILING_DIRECTORIES",
             "GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE", "GIT_PREFIX")


def find_git_dir(start: Path) -> tuple[Path, Path] | None:
    """The first (work tree, git dir) at or above start; never looks past it."""
    for folder in (start, *start.parents):
        dot_git = folder / ".git"
        if dot_git.is_dir():
            return folder, dot_git
        if dot_git.is_file():  # a linked worktree or submodule: "gitdir: <path>"
            text = dot_git.read_text(encoding="utf-8", errors="replace").strip()
            if text.startswith("gitdir:"):
                target = Path(text[len("gitdir:"):].strip())
                return folder, (folder / target).resolve() if not target.is_absolute() else target
    return None


class Git:
    def __init__(self, root: Path, work_tree: Path, git_dir: Path) -> None:
        self.root = root
        self.work_tree = work_tree
        self.git_dir = git_dir
        self.env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED}
        self.env.update(GIT_DIR=str(git_dir), GIT_WORK_TREE=str(work_tree), LC_ALL="C", LANGUAGE="C",
                        GIT_TERMINAL_PROMPT="0")

    @classmethod
    def at(cls, root: Path) -> "Git":
        found = find_git_dir(root)
        if found is None:
            raise NotFound(t("repo.not_git", path=root), t("repo.not_git.hint"))
        return cls(root, *found)

    def run(self, *args: str, stdin: bytes | None = None, check: bool = True) -> subprocess.CompletedProcess:
        try:
            result = subprocess.run(["git", *args], cwd=self.root, env=self.env, input=stdin,
                                    capture_output=True)
        except FileNotFoundError:
            raise ConfigError(t("git.missing"), t("git.missing.hint")) from None
        if check and result.returncode != 0:
            raise GitError(t("git.failed", command=args[0], detail=_detail(result)))
        return result

    def out(self, *args: str) -> str:
        return self.run(*args).stdout.decode("utf-8", "replace")

    # -- identity and state ------------------------------------------------------------------

    def require_identity(self) -> None:
        """Exit 78 before anything is written when git would have to guess who is committing."""
        for var, key in (("GIT_COMMITTER_NAME", "user.name"), ("GIT_COMMITTER_EMAIL", "user.email")):
            if self.env.get(var) or self.env.get(var.replace("COMMITTER", "AUTHOR")):
                continue
            if self.run("config", "--get", key, check=False).returncode != 0:
                raise ConfigError(t("git.no_identity"), t("git.no_identity.hint"))

    def head(self) -> str | None:
        result = self.run("rev-parse", "--verify", "-q", "HEAD", check=False)
        return result.stdout.decode().strip() or None

    def changed(self, paths: list[str]) -> list[str]:
        """Paths among these with changes not in HEAD: modified, staged or untracked."""
        out = self.run("status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *paths).stdout
        entries = [e for e in out.decode("utf-8", "replace").split("\0") if e]
        return [e[3:] for e in entries if len(e) > 3 and e[2] == " "]

    def check_index_lock(self, wait: float = 2.0) -> None:
        """A live git may hold the index for a moment; a stale lock is reported, never deleted."""
        lock = self.git_dir / "index.lock"
        deadline = time.monotonic() + wait
        while lock.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        try:
            age = time.time() - lock.stat().st_mtime
        except FileNotFoundError:
            return
        holder = _process_holding(lock)
        if holder:
            raise Busy(t("git.index_lock_busy", pid=holder), t("git.index_lock_busy.hint"))
        raise Busy(t("git.index_lock", path=lock, age=_age(age)), t("git.index_lock.hint", path=lock))

    # -- writing -----------------------------------------------------------------------------

    def add(self, paths: list[str]) -> None:
        self.run("add", "--", *paths)

    def commit(self, message: str, paths: list[str]) -> subprocess.CompletedProcess:
        # useConfigOnly: git refuses instead of inventing root@host (checked again before writing).
        return self.run("-c", "user.useConfigOnly=true", "commit", "-q", "--no-edit",
                        "--cleanup=verbatim", "-F", "-", "--only", "--", *paths,
                        stdin=message.encode("utf-8"), check=False)

    def restore(self, paths: list[str]) -> None:
        """Put these paths back as HEAD has them, in the index and the work tree."""
        self.run("checkout", "-q", "HEAD", "--", *paths)

    def unstage_new(self, paths: list[str]) -> None:
        self.run("rm", "-q", "--cached", "--ignore-unmatch", "--", *paths)

    def tracked(self, path: str) -> bool:
        return self.run("ls-files", "--error-unmatch", "--", path, check=False).returncode == 0


def _detail(result: subprocess.CompletedProcess) -> str:
    text = (result.stderr or result.stdout or b"").decode("utf-8", "replace").strip()
    return " ".join(text.split())[:500] or f"exit {result.returncode}"


def _age(seconds: float) -> str:
    if seconds < 120:
        return f"{int(seconds)} s"
    if seconds < 7200:
        return f"{int(seconds // 60)} min"
    return f"{seconds / 3600:.1f} h"


def _process_holding(path: Path) -> int | None:
    """The pid of a process with this file open, from /proc (Linux); None when none or unknown."""
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    target = str(path)
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            for fd in (entry / "fd").iterdir():
                if os.readlink(fd) == target:
                    return int(entry.name)
        except OSError:
            continue
    return None
