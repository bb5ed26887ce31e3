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
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Busy, ConfigError, GitError, NotFound, StorageError
from .i18n import t

# How git says the disk is full (or read-only), across its code paths.
DISK_FULL = ("No space left", "Out of diskspace", "Disk quota exceeded", "Read-only file system")
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
        self.sign = False  # `signing: sign|require` in pw.yaml: commit with -S, tag with -s
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
            detail = _detail(result)
            if any(sign in detail for sign in DISK_FULL):
                raise StorageError(t("write.io", path=self.git_dir, detail=detail), t("write.io.hint"))
            raise GitError(t("git.failed", command=args[0], detail=detail))
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
        prefix = _prefix(self)  # porcelain paths are relative to the top level, pw's to the records root
        return [e[3:][len(prefix):] if e[3:].startswith(prefix) else e[3:]
                for e in entries if len(e) > 3 and e[2] == " "]

    def dirty(self, paths: list[str]) -> list[str]:
        """Tracked files under these paths whose work-tree content differs from the index."""
        out = self.run("diff-files", "--name-only", "-z", "--", *paths).stdout.decode("utf-8", "replace")
        prefix = _prefix(self)
        return [p[len(prefix):] for p in out.split("\0") if p and p.startswith(prefix)]

    def staged_paths(self) -> set[str]:
        """Paths staged against HEAD, relative to the records root."""
        prefix = _prefix(self)
        return {p[len(prefix):] for p in self._staged([]) if p.startswith(prefix)}

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

    def require_signing_key(self) -> None:
        """With signing on, a missing SSH key is a configuration error before anything is written."""
        if not self.sign or (config(self, "gpg.format") or "openpgp") != "ssh":
            return
        key = config(self, "user.signingkey")
        if not key or not (key.startswith(("key::", "ssh-")) or Path(key).expanduser().is_file()):
            raise ConfigError(t("git.no_signing_key"), t("git.no_signing_key.hint"))

    def commit(self, message: str, paths: list[str]) -> subprocess.CompletedProcess:
        """Porcelain `git commit` of exactly these paths (hooks, identity and signing apply).

        `--only -- paths` is always safe but makes git build a temporary index from HEAD, which on
        100,000 files costs half again a plain commit. So when nothing but these paths is staged,
        pw commits the index as it is, then checks the commit touched only its paths; if another
        process staged something in between, pw takes its own fresh commit back (`reset --soft`)
        and commits path-limited instead.
        """
        mine = {_prefix(self) + p for p in paths}
        if self._staged(paths) <= mine:
            result = self._commit(message, [])
            if result.returncode != 0 or self._committed() <= mine:
                return result
            self.run("reset", "-q", "--soft", "HEAD~1")
        return self._commit(message, ["--only", "--", *paths])

    def _commit(self, message: str, limit: list[str]) -> subprocess.CompletedProcess:
        # useConfigOnly: git refuses instead of inventing root@host (checked again before writing).
        sign = ["-S"] if self.sign else []
        return self.run("-c", "user.useConfigOnly=true", "commit", "-q", "--no-edit", *sign,
                        "--cleanup=verbatim", "-F", "-", *limit, stdin=message.encode("utf-8"), check=False)

    def _staged(self, paths: list[str]) -> set[str]:
        """Top-level paths staged against HEAD; a sentinel entry when there is no HEAD to compare."""
        result = self.run("diff", "--cached", "--name-only", "--no-renames", "-z", "HEAD", check=False)
        if result.returncode != 0:
            return {"\0unknown"}
        return {p for p in result.stdout.decode("utf-8", "replace").split("\0") if p}

    def _committed(self) -> set[str]:
        out = self.run("diff-tree", "--no-commit-id", "--name-only", "--no-renames", "-r", "-z", "HEAD").stdout
        return {p for p in out.decode("utf-8", "replace").split("\0") if p}

    def tag(self, name: str, message: str) -> None:
        self.run("tag", "-s" if self.sign else "-a", "-F", "-", "--", name, "HEAD", stdin=message.encode("utf-8"))

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


# -- reading the history -----------------------------------------------------------------------

_FIELDS = ("%H", "%P", "%an", "%ae", "%at", "%ai", "%cn", "%ce", "%ct", "%ci", "%s", "%(trailers:only,unfold)")
_HEX = frozenset("0123456789abcdef")


@dataclass(repr=False, eq=False)  # generated methods cost start-up time (see benchmarks)
class Commit:
    hash: str
    parents: list[str]
    author: str
    author_email: str
    author_time: int
    author_date: str
    committer: str
    committer_email: str
    commit_time: int
    commit_date: str  # ISO with the committer's own offset: its first 10 characters are their local day
    subject: str
    trailers: dict[str, str]
    files: list[tuple[str, str]] = field(default_factory=list)  # (A|M|D|T, path from the records root)

    @property
    def action(self) -> str | None:
        return self.trailers.get("Pw-Action")

    @property
    def day(self) -> str:
        return self.commit_date[:10]


def _trailers(text: str) -> dict[str, str]:
    out = {}
    for line in text.splitlines():
        key, sep, value = line.partition(": ")
        if sep and key.startswith("Pw-"):
            out.setdefault(key, value.strip())
    return out


def _prefix(git: "Git") -> str:
    """The records root relative to the git top level ('' when they are the same folder)."""
    relative = git.root.resolve().relative_to(git.work_tree.resolve()).as_posix()
    return "" if relative == "." else relative + "/"


def history(git: "Git", *paths: str) -> list[Commit]:
    """Every commit of HEAD (touching these paths, when given), newest first, with its files under
    the records root: one `git log`. Without paths git walks fastest (no history simplification)."""
    if git.head() is None:
        return []
    fmt = "%x1e" + "%x1f".join(_FIELDS) + "%x1f"
    limit = ["--", *paths] if paths else []
    raw = git.run("log", "--no-renames", "--name-status", "-z", f"--format={fmt}", "HEAD", *limit).stdout
    prefix = _prefix(git)
    commits = []
    for chunk in raw.decode("utf-8", "replace").split("\x1e")[1:]:
        parts = chunk.split("\x1f")
        values, rest = parts[:len(_FIELDS)], parts[len(_FIELDS)] if len(parts) > len(_FIELDS) else ""
        tokens = [t for t in rest.lstrip("\0\n").split("\0") if t.strip("\n")]
        files = [(tokens[i], tokens[i + 1][len(prefix):]) for i in range(0, len(tokens) - 1, 2)
                 if tokens[i + 1].startswith(prefix)]
        commits.append(Commit(values[0], values[1].split(), values[2], values[3], int(values[4]), values[5],
                              values[6], values[7], int(values[8]), values[9], values[10], _trailers(values[11]),
                              [(status[0], path) for status, path in files]))
    return commits


def blobs(git: "Git", specs: list[str]) -> list[bytes | None]:
    """The contents of `<commit>:<path>` specs (paths from the git top level), in one process."""
    if not specs:
        return []
    data = git.run("cat-file", "--batch", stdin="".join(s + "\n" for s in specs).encode("utf-8")).stdout
    out: list[bytes | None] = []
    position = 0
    for _ in specs:
        end = data.index(b"\n", position)
        header = data[position:end].split()
        position = end + 1
        if len(header) < 3 or header[-1] == b"missing":
            out.append(None)
            continue
        size = int(header[2])
        out.append(data[position:position + size])
        position += size + 1
    return out


def top_path(git: "Git", path: str) -> str:
    return _prefix(git) + path


def tags(git: "Git", pattern: str) -> dict[str, tuple[str, str]]:
    """tag name → (commit it points to, its message)."""
    out = git.run("for-each-ref", "--format=%(refname:strip=2)%00%(*objectname)%(objectname)%00%(contents)%1e",
                  f"refs/tags/{pattern}").stdout.decode("utf-8", "replace")
    found = {}
    for entry in out.split("\x1e"):
        parts = entry.strip("\n").split("\0")
        if len(parts) >= 3 and parts[0]:
            found[parts[0]] = (git.out("rev-parse", "--verify", "-q", f"{parts[0]}^{{commit}}").strip(), parts[2])
    return found


def reachable(git: "Git", rev: str) -> set[str]:
    return set(git.out("rev-list", rev).split())


def is_ancestor(git: "Git", ancestor: str, descendant: str = "HEAD") -> bool:
    if not ancestor or not set(ancestor) <= _HEX:
        return False
    return git.run("merge-base", "--is-ancestor", ancestor, descendant, check=False).returncode == 0


def signatures(git: "Git", since: str | None) -> list[tuple[str, str, str, str]]:
    """(commit, %G?, signer, committer email) for the commits after `since` (all when None)."""
    revs = [f"{since}..HEAD"] if since else ["HEAD"]
    out = git.run("log", "--format=%H%x1f%G?%x1f%GS%x1f%ce", *revs).stdout.decode("utf-8", "replace")
    return [tuple(line.split("\x1f")) for line in out.splitlines() if line.count("\x1f") == 3]  # type: ignore[misc]


def fsck(git: "Git") -> list[str]:
    result = git.run("fsck", "--full", "--no-progress", "--no-dangling", check=False)
    if result.returncode == 0:
        return []
    text = (result.stderr + result.stdout).decode("utf-8", "replace")
    return [line for line in text.splitlines() if line.strip()][:20] or [f"git fsck exited {result.returncode}"]


def config(git: "Git", key: str) -> str | None:
    result = git.run("config", "--get", key, check=False)
    return result.stdout.decode().strip() if result.returncode == 0 else None
