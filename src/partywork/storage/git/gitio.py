"""The only module that runs git. It uses git's command line, not GitPython (README: "Why no
GitPython"): pw commits with plumbing (`commit-tree`, `update-ref`) so it touches only its own
paths, and with porcelain `git commit` whenever hooks or signing are involved; the history is
read in one `git log` pass.

Every call runs with a scrubbed environment (RELIABILITY R12, pitfall 6): inherited GIT_DIR and
friends could point pw at another repository, and GIT_*_DATE would let a client claim any time.
"""

from __future__ import annotations

import os
import re
import shlex
import stat
import subprocess
import time
from pathlib import Path

from partywork.errors import (
    Busy,
    ConfigError,
    DataError,
    GitError,
    LoginNeeded,
    LoginRefused,
    NotFound,
    PwError,
    RemoteError,
    RemoteRefused,
    StorageError,
)
from partywork.i18n import t
from partywork.storage.git import early, trees

# How git says the disk is full (or read-only), across its code paths.
DISK_FULL = ("No space left", "Out of diskspace", "Disk quota exceeded", "Read-only file system")
_COMMIT_HOOKS = ("pre-commit", "prepare-commit-msg", "commit-msg", "post-commit")
_IN_PROGRESS = ("MERGE_HEAD", "CHERRY_PICK_HEAD", "REVERT_HEAD", "rebase-merge", "rebase-apply")


def find_git_dir(start: Path) -> tuple[Path, Path] | None:
    """The first (work tree, git dir) at or above start; never looks past it."""
    found = early.git_dirs(str(start))
    return (Path(found[0]), Path(found[1])) if found else None


_HIDDEN: dict[tuple[str, ...], list[str]] = {}  # Git.hidden, per folder, once per command


class Git:
    def __init__(
        self,
        root: Path,
        work_tree: Path,
        git_dir: Path,
        prefetched: early.Started | None = None,
    ) -> None:
        self.sign = False  # `signing: sign|require` in pw.yaml: commit with -S, tag with -s
        self.root = root
        self.work_tree = work_tree
        self.git_dir = git_dir
        self.env = early.git_env(str(work_tree), str(git_dir))  # hooks off (early.NO_HOOKS)
        self._config: tuple[tuple[str, str], ...] = ()  # what _trust took back, for _hooks_env
        self._extra_env: dict[str, str] = {}
        self._trusted = False  # _trust runs before the first call
        # the records scan the launcher started (launch.py), taken by the first dirty(["records"])
        self.prefetched = prefetched

    @classmethod
    def at(cls, root: Path, prefetched: early.Started | None = None) -> Git:
        found = find_git_dir(root)
        if found is None:
            raise NotFound(t("repo.not_git", path=root), t("repo.not_git.hint"))
        return cls(root, *found, prefetched=prefetched)

    def check_access(self) -> None:
        """git's ownership rule (and the rest of _trust) applied now, before any file is read."""
        self.run("rev-parse", "--git-dir")

    def run(
        self,
        *args: str,
        stdin: bytes | None = None,
        check: bool = True,
        extra_env: dict[str, str] | None = None,
        hooks: bool = False,
        timeout: float | None = None,
    ) -> subprocess.CompletedProcess:
        if not self._trusted:
            self._trust()
        if args[:1] in (("diff",), ("log",), ("show",)):
            # porcelain diffs would run diff.external, diff.<driver>.command and textconv programs
            args = (args[0], "--no-ext-diff", "--no-textconv", *args[1:])
        try:
            env = self._hooks_env() if hooks else self.env
            env = {**env, **extra_env} if extra_env else env
            if timeout is not None:
                result = _run_within(["git", *args], self.root, env, stdin, timeout)
            else:
                result = subprocess.run(
                    ["git", *args], cwd=self.root, env=env, input=stdin, capture_output=True
                )
        except FileNotFoundError:
            raise ConfigError(t("git.missing"), t("git.missing.hint")) from None
        if check and result.returncode != 0:
            detail = _detail(result)
            if any(sign in detail for sign in DISK_FULL):
                raise StorageError(
                    t("write.io", path=self.git_dir, detail=detail), t("write.io.hint")
                )
            raise GitError(t("git.failed", command=args[0], detail=detail))
        return result

    def out(self, *args: str) -> str:
        return self.run(*args).stdout.decode("utf-8", "replace")

    # -- trusting the folder -----------------------------------------------------------------

    def _trust(self) -> None:
        """git's ownership rule, which pw's GIT_DIR would otherwise skip, and every program the
        repository's own config names switched off (RELIABILITY §(e)). Costs nothing for a
        repository of one's own whose config names no program (early.config_may_name_programs);
        otherwise one `git config --list`."""
        self._trusted = True
        work_tree, git_dir = str(self.work_tree), str(self.git_dir)
        waiting = early.irregular_data(git_dir) or early.irregular_worktree(
            work_tree, str(self.root)
        )
        if waiting:  # before anything there is opened, by pw (outside) or by git
            raise ConfigError(t("git.data_irregular", path=waiting), t("git.data_irregular.hint"))
        borrowed = early.outside(work_tree, git_dir)
        if borrowed:
            kind, where = borrowed
            raise ConfigError(
                t(f"git.outside.{kind}", folder=work_tree, path=where),
                t(f"git.outside.{kind}.hint"),
            )
        waiting = early.irregular_config(git_dir)
        if waiting:
            raise ConfigError(
                t("git.config_irregular", path=waiting), t("git.config_irregular.hint")
            )
        owned = early.owned(work_tree, git_dir)
        if owned and not early.config_may_name_programs(git_dir):
            return
        entries = self._config_entries()
        lazy = [
            key
            for scope, key, value in entries
            if key == "extensions.partialclone"
            or (key.startswith("remote.") and key.endswith(".promisor") and _truthy(value))
        ]
        if (
            lazy
        ):  # git would fetch missing objects from wherever the folder says, running its transport
            raise ConfigError(t("git.partial_clone", key=lazy[0]), t("git.partial_clone.hint"))
        if not owned and not _safe_directory(entries, work_tree):
            raise ConfigError(
                t("git.dubious_owner", path=work_tree), t("git.dubious_owner.hint", path=work_tree)
            )
        unknown = refused(entries)
        if unknown:
            raise ConfigError(
                t("git.config_refused", folder=work_tree, key=unknown[0], count=len(unknown)),
                t("git.config_refused.hint", key=unknown[0]),
            )
        config, env = neutralised(entries)
        if config or env:
            self._config, self._extra_env = tuple(config), env
            self.env = {**early.git_env(work_tree, git_dir, self._config), **env}

    def _hooks_env(self) -> dict[str, str]:
        """The environment of pw's own commits and tags: the repository's hooks run."""
        env = early.git_env(str(self.work_tree), str(self.git_dir), self._config, hooks=True)
        return {**env, **self._extra_env}

    def _config_entries(self) -> list[tuple[str, str, str]]:
        """(scope, key, value) of every setting git sees here, in git's order; keys as git
        lowercases them."""
        try:
            result = subprocess.run(
                ["git", "config", "-z", "--list", "--show-scope"],
                cwd=self.root,
                env=self.env,
                capture_output=True,
            )
        except FileNotFoundError:
            raise ConfigError(t("git.missing"), t("git.missing.hint")) from None
        if result.returncode != 0:
            raise GitError(t("git.failed", command="config", detail=_detail(result)))
        items = result.stdout.decode("utf-8", "surrogateescape").split("\0")
        entries = []
        for scope, entry in zip(items[0::2], items[1::2], strict=False):
            key, _newline, value = entry.partition("\n")
            entries.append((scope, key, value))
        return entries

    # -- identity and state ------------------------------------------------------------------

    def require_identity(self) -> None:
        """Exit 78 before anything is written when git would have to guess who is committing."""
        for var, key in (
            ("GIT_COMMITTER_NAME", "user.name"),
            ("GIT_COMMITTER_EMAIL", "user.email"),
        ):
            if self.env.get(var) or self.env.get(var.replace("COMMITTER", "AUTHOR")):
                continue
            if self.run("config", "--get", key, check=False).returncode != 0:
                raise ConfigError(t("git.no_identity"), t("git.no_identity.hint"))

    def head(self) -> str | None:
        result = self.run("rev-parse", "--verify", "-q", "HEAD", check=False)
        return result.stdout.decode().strip() or None

    def changed(self, paths: list[str]) -> list[str]:
        """Paths among these with changes not in HEAD: modified, staged or untracked."""
        out = self.run(
            "status",
            "--porcelain=v1",
            "-z",
            "--untracked-files=all",
            "--ignore-submodules=all",
            "--",
            *paths,
        ).stdout
        entries = [e for e in out.decode("utf-8", "replace").split("\0") if e]
        prefix = records_prefix(
            self
        )  # porcelain paths are relative to the top level, pw's to the records root
        return [
            e[3:][len(prefix) :] if e[3:].startswith(prefix) else e[3:]
            for e in entries
            if len(e) > 3 and e[2] == " "
        ]

    def ignored(self, paths: list[str]) -> list[str]:
        """Untracked files under these paths that an ignore rule keeps out of `git status`
        (.gitignore, or .git/info/exclude, which no commit shows): pw reads a record file
        whether git ignores it or not, so the audit names them as it names untracked ones."""
        args = ("ls-files", "--others", "--ignored", "--exclude-standard", "-z", "--", *paths)
        out = self.run(*args).stdout.decode("utf-8", "replace")
        return [p for p in out.split("\0") if p]

    def hidden(self, paths: list[str]) -> list[str]:
        """Tracked files git was told not to look at (skip-worktree, assume-unchanged): their
        changes show in no `git status`, so pw names them instead. Read once per command: pw
        never sets these flags (the memo and the report each hold a Git of the same folder)."""
        key = (str(self.git_dir), str(self.work_tree), str(self.root), *paths)
        if key not in _HIDDEN:
            _HIDDEN[key] = self._read_hidden(paths)
        return list(_HIDDEN[key])

    def _read_hidden(self, paths: list[str]) -> list[str]:
        raw = self.run("ls-files", "-v", "-z", "--", *paths).stdout
        if raw.count(b"\0") == raw.startswith(b"H ") + raw.count(b"\0H "):
            return []  # every entry plainly cached: no need to split 100,000 of them
        out = raw.decode("utf-8", "replace")
        prefix = records_prefix(self)
        return [
            e[2:][len(prefix) :]
            for e in out.split("\0")
            if len(e) > 2 and (e[0] == "S" or e[0].islower()) and e[2:].startswith(prefix)
        ]

    def dirty(self, paths: list[str]) -> list[str]:
        """Tracked files under these paths whose work-tree content differs from the index."""
        args = ("diff-files", "--name-only", "-z", "--ignore-submodules=all", "--", *paths)
        out = self._prefetched_or_run(args).decode("utf-8", "replace")
        prefix = records_prefix(self)
        listed = [p[len(prefix) :] for p in out.split("\0") if p and p.startswith(prefix)]
        return self._content_differs(listed, paths) if listed else []

    def _prefetched_or_run(self, args: tuple[str, ...]) -> bytes:
        """The launcher's head start when it ran this very call (once), else git run now."""
        if not self._trusted:
            self._trust()
        started = self.prefetched
        if started is not None and started.matches(str(self.root), args):
            self.prefetched = None
            output = started.take()
            if output is not None:
                return output
        return self.run(*args).stdout

    def hidden_edits(self, paths: list[str]) -> list[str]:
        """Those files git was told not to look at (hidden) that are on disk and differ from the
        index: diff-files passes over them, so a cache keyed by blob id would believe the committed
        content. One that is not on disk (a sparse checkout's) is read by no one."""
        present = self.hidden_present(paths)
        return self._content_differs(present, paths) if present else []

    def hidden_present(self, paths: list[str]) -> list[str]:
        """The hidden files (see hidden) that are on disk, where they can be edited unseen."""
        return [p for p in self.hidden(paths) if os.path.lexists(self.root / p)]

    def differs_from_index(self, paths: list[str]) -> list[str]:
        """Every tracked file under these paths whose content is not the index's, whatever its
        stat data says: an index written by hand can give an edited file its stat data and the
        committed blob, and `git status` (which goes by stat) then shows nothing. Reads every
        file: for pw verify, not for every run."""
        prefix = records_prefix(self)
        out = self.run("ls-files", "-z", "--full-name", "--", *paths).stdout
        tracked = [
            p[len(prefix) :]
            for p in dict.fromkeys(out.decode("utf-8", "replace").split("\0"))
            if p and p.startswith(prefix)
        ]
        return self._content_differs(tracked, paths) if tracked else []

    def _content_differs(self, listed: list[str], paths: list[str]) -> list[str]:
        """Those of the files diff-files listed whose content really differs from the index.

        diff-files goes by stat data, so in a folder copied with `cp -a` (or unpacked, or touched)
        it lists every file though nothing changed. `git status` then compares content, and
        rewrites the index; pw compares content the same way — git's own hashing, with the
        attributes' conversions but none of the repository's filters (see neutralised) — and writes
        nothing. A file that is gone, not a plain file, or unmerged counts as changed."""
        prefix = records_prefix(self)
        index: dict[str, tuple[str, str, str]] = {}
        out = self.run("ls-files", "-s", "-z", "--full-name", "--", *paths).stdout.decode(
            "utf-8", "replace"
        )
        for entry in out.split("\0"):
            meta, _tab, path = entry.partition("\t")
            parts = meta.split()
            if len(parts) == 3 and path.startswith(prefix):
                index[path[len(prefix) :]] = (parts[0], parts[1], parts[2])
        changed, candidates = [], []
        for path in listed:
            mode, blob, stage = index.get(path, ("", "", ""))
            try:
                plain = stat.S_ISREG(os.lstat(self.root / path).st_mode)
            except OSError:
                plain = False
            if not plain or stage != "0" or mode not in ("100644", "100755") or "\n" in path:
                changed.append(path)
            else:
                candidates.append(path)
        if candidates:
            # --stdin-paths reads paths from the top level (git moves there), not from the records
            # root
            listing = "".join(prefix + p + "\n" for p in candidates).encode("utf-8")
            hashed = self.run("hash-object", "--stdin-paths", stdin=listing).stdout.split()
            if len(hashed) != len(candidates):
                return listed  # cannot tell: as diff-files said
            changed += [
                p for p, h in zip(candidates, hashed, strict=False) if h.decode() != index[p][1]
            ]
        order = {p: i for i, p in enumerate(listed)}
        return sorted(changed, key=order.__getitem__)

    def staged_paths(self) -> set[str]:
        """Paths staged against HEAD, relative to the records root."""
        prefix = records_prefix(self)
        return {p[len(prefix) :] for p in self._staged([]) if p.startswith(prefix)}

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
        raise Busy(
            t("git.index_lock", path=lock, age=_age(age)), t("git.index_lock.hint", path=lock)
        )

    # -- writing -----------------------------------------------------------------------------

    def add(self, paths: list[str]) -> None:
        self.run("add", "--", *paths)

    def require_signing_key(self) -> None:
        """With signing on, a missing SSH key is a configuration error before anything is
        written."""
        if not self.sign or (config(self, "gpg.format") or "openpgp") != "ssh":
            return
        key = config(self, "user.signingkey")
        if not key or not (key.startswith(("key::", "ssh-")) or Path(key).expanduser().is_file()):
            raise ConfigError(t("git.no_signing_key"), t("git.no_signing_key.hint"))

    def commit(self, message: str, paths: list[str]) -> subprocess.CompletedProcess:
        """Commit exactly these paths (already added) on top of HEAD, and nothing else staged.

        Usually pw builds the commit itself: HEAD's tree changed along these paths only, then
        `commit-tree` and a compare-and-swap `update-ref`. That cannot sweep in anyone's staged
        files, and costs the same on 100,000 files as on 100, where porcelain `git commit` would
        refresh and rewrite the whole index. Hooks, signing, a merge in progress or a first commit
        are porcelain's business, so then pw runs `git commit` (see _porcelain_commit).
        """
        settings = self._commit_settings()
        if not self._needs_porcelain(settings):
            result = self._tree_commit(message, paths)
            if result is not None:
                if result.returncode == 0:
                    self._gc_auto(settings)
                return result
        return self._porcelain_commit(message, paths)

    def _porcelain_commit(self, message: str, paths: list[str]) -> subprocess.CompletedProcess:
        """`--only -- paths` is always safe but makes git build a temporary index from HEAD, which
        on 100,000 files costs half again a plain commit. So when nothing but these paths is
        staged, pw commits the index as it is, then checks the commit touched only its paths; if
        another process staged something in between, pw takes its own commit back
        (`reset --soft`) and commits path-limited instead."""
        mine = {records_prefix(self) + p for p in paths}
        if self._staged(paths) <= mine:
            result = self._commit(message, [])
            if result.returncode != 0 or self._committed() <= mine:
                return result
            self.run("reset", "-q", "--soft", "HEAD~1")
        return self._commit(message, ["--only", "--", *paths])

    def _commit_settings(self) -> dict[str, str]:
        result = self.run(
            "config",
            "-z",
            "--get-regexp",
            r"^(commit\.gpgsign|core\.hookspath|gc\.auto)$",
            check=False,
            hooks=True,
        )
        settings = {}
        for entry in result.stdout.decode("utf-8", "replace").split("\0"):
            key, _newline, value = entry.partition("\n")
            if key:
                settings[key.lower()] = value
        return settings

    def _needs_porcelain(self, settings: dict[str, str]) -> bool:
        if self.sign or _truthy(settings.get("commit.gpgsign", "false")):
            return True
        if any((self.git_dir / name).exists() for name in _IN_PROGRESS):
            return True
        hooks = settings.get("core.hookspath")
        folder = self.work_tree / Path(hooks).expanduser() if hooks else self.common_dir() / "hooks"
        return any(os.access(folder / hook, os.X_OK) for hook in _COMMIT_HOOKS)

    def common_dir(self) -> Path:
        """The git dir shared by linked worktrees (the git dir itself otherwise)."""
        pointer = self.git_dir / "commondir"
        if pointer.is_file():
            return (self.git_dir / pointer.read_text(encoding="utf-8").strip()).resolve()
        return self.git_dir

    def _tree_commit(self, message: str, paths: list[str]) -> subprocess.CompletedProcess | None:
        """None when this cannot be done here (no HEAD yet, a folder where a file should be, or
        nothing changed) and porcelain should try."""
        head = self.head()
        if head is None:
            return None
        top = [records_prefix(self) + p for p in paths]
        blob_ids = self.out("hash-object", "-w", "--", *paths).split()
        folders = trees.folders_of(top)
        found = objects(self, [f"{head}^{{tree}}" if not f else f"{head}:{f}" for f in folders])
        if len(blob_ids) != len(paths) or any(o is not None and o[1] != "tree" for o in found):
            return None
        id_size = len(head) // 2
        listing = {
            f: trees.parse(o[2], id_size) if o else {} for f, o in zip(folders, found, strict=False)
        }
        for path, blob in zip(top, blob_ids, strict=False):
            folder, _slash, name = path.rpartition("/")
            mode = listing[folder].get(name.encode(), (trees.FILE_MODE, b""))[0]
            if mode not in (b"100644", b"100755"):
                return None
            listing[folder][name.encode()] = (mode, bytes.fromhex(blob))
        tree = self._write_trees(folders, listing, id_size)
        last = found[-1]
        if tree is None or (last is not None and tree == last[0]):
            return None
        made = self.run(
            "-c",
            "user.useConfigOnly=true",
            "commit-tree",
            tree,
            "-p",
            head,
            "-F",
            "-",
            stdin=message.encode("utf-8"),
            check=False,
        )
        if made.returncode != 0:
            return made
        subject = message.split("\n", 1)[0]
        return self.run(
            "update-ref",
            "-m",
            f"commit: {subject}",
            "HEAD",
            made.stdout.decode().strip(),
            head,
            check=False,
            hooks=True,  # reference-transaction, as `git commit` runs it
        )

    def _write_trees(
        self, folders: list[str], listing: dict[str, trees.Entries], id_size: int
    ) -> str | None:
        """Write the changed trees, deepest first, in one `git mktree`; the root tree's id. pw
        computes every id itself too (a parent needs its child's), and steps aside if git
        disagrees."""
        ours, batch = [], []
        for folder in folders:
            raw = trees.serialize(listing[folder])
            oid = trees.object_id(raw, id_size)
            ours.append(oid.hex())
            batch.append(trees.mktree_input(listing[folder]))
            if folder:
                parent, _slash, name = folder.rpartition("/")
                listing[parent][name.encode()] = (trees.TREE_MODE, oid)
        written = (
            self.run("mktree", "-z", "--missing", "--batch", stdin=b"\0".join(batch))
            .stdout.decode()
            .split()
        )
        return ours[-1] if written == ours else None

    def _gc_auto(self, settings: dict[str, str]) -> None:
        """What porcelain commit does afterwards: let git pack when loose objects pile up, judged
        the way git judges it (one of the 256 object folders, scaled)."""
        try:
            limit = int(settings.get("gc.auto", "6700"))
            loose = sum(
                1 for name in os.listdir(self.common_dir() / "objects" / "17") if len(name) >= 38
            )
        except (ValueError, OSError):
            return
        if limit > 0 and loose > (limit + 255) // 256:
            self.run("gc", "--auto", "--quiet", check=False)

    def _commit(self, message: str, limit: list[str]) -> subprocess.CompletedProcess:
        # useConfigOnly: git refuses instead of inventing root@host (checked again before writing).
        sign = ["-S"] if self.sign else []
        return self.run(
            "-c",
            "user.useConfigOnly=true",
            "commit",
            "-q",
            "--no-edit",
            *sign,
            "--cleanup=verbatim",
            "-F",
            "-",
            *limit,
            stdin=message.encode("utf-8"),
            check=False,
            hooks=True,
        )

    def _staged(self, paths: list[str]) -> set[str]:
        """Top-level paths staged against HEAD; a sentinel entry when there is no HEAD to
        compare."""
        result = self.run(
            "diff", "--cached", "--name-only", "--no-renames", "-z", "HEAD", check=False
        )
        if result.returncode != 0:
            return {"\0unknown"}
        return {p for p in result.stdout.decode("utf-8", "replace").split("\0") if p}

    def _committed(self) -> set[str]:
        out = self.run(
            "diff-tree", "--no-commit-id", "--name-only", "--no-renames", "-r", "-z", "HEAD"
        ).stdout
        return {p for p in out.decode("utf-8", "replace").split("\0") if p}

    def tag(self, name: str, message: str) -> None:
        self.run(
            "tag",
            "-s" if self.sign else "-a",
            "-F",
            "-",
            "--",
            name,
            "HEAD",
            stdin=message.encode("utf-8"),
            hooks=True,
        )

    def restore(self, paths: list[str]) -> None:
        """Put these paths back as HEAD has them, in the index and the work tree."""
        self.run("checkout", "-q", "HEAD", "--", *paths)

    def unstage_new(self, paths: list[str]) -> None:
        self.run("rm", "-q", "--cached", "--ignore-unmatch", "--", *paths)


_PROTECTED = ("system", "global", "command")  # the scopes the repository cannot write
# Command-valued keys the repository's own config may set, and what stands in for them: the user's
# own (protected) value when there is one, else git's default, else nothing ("" makes git run no
# program, or fail without running one). core.hooksPath is not here: pw's commits run hooks as
# `git commit` would (SPEC §7), and every other call runs none (early.NO_HOOKS).
_DEFAULTS = {
    "core.sshcommand": "ssh",
    "core.askpass": "",
    "core.pager": "cat",
    "core.editor": ":",
    "sequence.editor": ":",
    "gpg.program": "gpg",
    "gpg.openpgp.program": "gpg",
    "gpg.x509.program": "gpgsm",
    "gpg.ssh.program": "ssh-keygen",
    "gpg.ssh.defaultkeycommand": "",
    "core.alternaterefscommand": "",
    "diff.external": "",
    # the verifier's own signers list and revocations, never the audited folder's (_verifying)
    "gpg.ssh.allowedsignersfile": "",
    "gpg.ssh.revocationfile": "",
    # a cookie file the folder names would be read and its cookies sent to the folder's remote
    "http.cookiefile": "",
    "http.savecookies": "false",
}
# Keys naming a proxy: the folder's proxy would see (and could answer) every exchange. What stands
# in is the user's own http.proxy, else the proxy of the user's environment, else none.
_PROXIES = (("http", "proxy"), ("remote", "proxy"))
_BY_SUFFIX = {
    ("diff", "textconv"): "",
    ("diff", "command"): "",
    ("merge", "driver"): "",
    ("remote", "uploadpack"): "git-upload-pack",
    ("remote", "receivepack"): "git-receive-pack",
}


def neutralised(
    entries: list[tuple[str, str, str]],
) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """Command-line settings (and environment) that take back every program the repository's own
    config names: filters, diff and merge drivers, signing and ssh programs, credential helpers."""
    local = [(key, value) for scope, key, value in entries if scope in ("local", "worktree")]
    protected: dict[str, list[str]] = {}
    for scope, key, value in entries:
        if scope in _PROTECTED:
            protected.setdefault(key, []).append(value)
    config: list[tuple[str, str]] = []
    env: dict[str, str] = {}
    done: set[str] = set()
    for key, _value in local:
        if key in done:
            continue
        done.add(key)
        section, _dot, rest = key.partition(".")
        name, _dot, variable = rest.rpartition(".")
        if key in _DEFAULTS:
            config.append((key, protected.get(key, [_DEFAULTS[key]])[-1]))
        elif section == "filter" and name and f"filter.{name}" not in done:
            # the whole driver, whichever of its keys the repository set
            done.add(f"filter.{name}")
            config += [
                (f"filter.{name}.{part}", value)
                for part, value in (
                    ("clean", ""),
                    ("smudge", ""),
                    ("process", ""),
                    ("required", "false"),
                )
            ]
        elif (section, variable) in _BY_SUFFIX and name:
            config.append((key, _BY_SUFFIX[section, variable]))
        elif section == "pager" and rest:
            config.append((key, "false"))
        elif section == "credential" and variable == "helper":
            # a list: "" empties it, then the user's own helpers come back
            config += [(key, "")] + [(key, value) for value in protected.get(key, [])]
        elif (section, variable) in _PROXIES:
            config.append((key, _user_proxy(protected)))
        elif section == "http" and name and variable in ("cookiefile", "savecookies"):
            config.append((key, _DEFAULTS[f"http.{variable}"]))
        elif key == "core.gitproxy":
            env["GIT_PROXY_COMMAND"] = os.environ.get(
                "GIT_PROXY_COMMAND", ""
            )  # the first match wins: env comes first
    return config, env


def _user_proxy(protected: dict[str, list[str]]) -> str:
    own = protected.get("http.proxy")
    if own:
        return own[-1]
    for name in ("https_proxy", "HTTPS_PROXY", "http_proxy", "all_proxy", "ALL_PROXY"):
        if os.environ.get(name):
            return os.environ[name]
    return ""  # git's "no proxy at all"


# Keys of the repository's own config that pw does not need to be inert (early.INERT) but that
# neutralised puts back, or that git never acts on in pw's calls: include files (whose keys git
# lists as the repository's own, judged one by one), aliases (pw runs no alias: git's own commands
# cannot be shadowed), submodules (pw never enters them), safe.directory (git ignores the
# repository's), the settings pw's own command line fixes (early.SAFE_CONFIG, NO_HOOKS) and a
# diff or merge driver's inert attributes.
_SET_OVER = frozenset(
    {key.lower() for key, _value in (*early.SAFE_CONFIG, *early.NO_HOOKS)}
    | {"include.path", "safe.directory", "core.gitproxy", "extensions.partialclone"}
    | {"core.worktree"}  # a submodule's; pw's GIT_WORK_TREE comes first
)
_DRIVER_PARTS = {
    ("diff", "xfuncname"),
    ("diff", "funcname"),
    ("diff", "binary"),
    ("diff", "wordregex"),
    ("diff", "cachetextconv"),
    ("merge", "name"),
    ("merge", "recursive"),
    ("includeif", "path"),
    ("remote", "promisor"),
    ("remote", "partialclonefilter"),
}


def refused(entries: list[tuple[str, str, str]]) -> list[str]:
    """The keys of the repository's own config that are neither inert (early.INERT) nor put back
    by neutralised: a key nobody has judged (remote.<name>.vcs named a program, url.<base>.insteadOf
    rewrites the user's addresses) stops pw rather than being obeyed (RELIABILITY §(e))."""
    unknown: list[str] = []
    for scope, key, _value in entries:
        if scope not in ("local", "worktree") or key in unknown or early.inert(key):
            continue
        section, _dot, rest = key.partition(".")
        name, _dot, variable = rest.rpartition(".")
        if (
            key in _DEFAULTS
            or key in _SET_OVER
            or section in ("filter", "pager", "alias", "submodule")
            or (name and (section, variable) in _BY_SUFFIX)
            or (name and (section, variable) in _DRIVER_PARTS)
            or (section == "credential" and variable == "helper")
            or (section, variable) in _PROXIES
            or (section == "http" and variable in ("cookiefile", "savecookies"))
        ):
            continue
        unknown.append(key)
    return unknown


def _safe_directory(entries: list[tuple[str, str, str]], path: str) -> bool:
    """git's safe.directory (setup.c safe_directory_cb): only the user's own configuration counts;
    "" forgets the entries before it, "*" allows everything."""
    wanted = {path, os.path.realpath(path)}
    safe = False
    for scope, key, value in entries:
        if key != "safe.directory" or scope not in _PROTECTED:
            continue
        if not value:
            safe = False
        elif value == "*":
            safe = True
        else:
            expanded = os.path.expanduser(value)
            safe = safe or expanded in wanted or os.path.realpath(expanded) in wanted
    return safe


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


def records_prefix(git: Git) -> str:
    """The records root relative to the git top level ('' when they are the same folder)."""
    relative = git.root.resolve().relative_to(git.work_tree.resolve()).as_posix()
    return "" if relative == "." else relative + "/"


def _truthy(value: str) -> bool:
    """git's reading of a boolean setting ("[commit] gpgsign" alone means true)."""
    return value.strip().lower() not in ("false", "no", "off", "0")


_HEX = frozenset("0123456789abcdef")


def objects(
    git: Git, specs: list[str], limit: int | None = None
) -> list[tuple[str, str, bytes] | None]:
    """(id, type, content) of each `<rev>:<path>` spec (paths from the git top level), None when
    missing; one process. With a limit, objects larger than it are None too and never read: a
    history may hold a blob of gigabytes that a record never is."""
    if not specs:
        return []
    if limit is not None:
        sizes = _sizes(git, specs)
        small = [
            s for s, size in zip(specs, sizes, strict=True) if size is not None and size <= limit
        ]
        found = dict(zip(small, objects(git, small), strict=True))
        return [found.get(s) for s in specs]
    data = git.run(
        "cat-file", "--batch", stdin="".join(s + "\n" for s in specs).encode("utf-8")
    ).stdout
    out: list[tuple[str, str, bytes] | None] = []
    position = 0
    for _ in specs:
        end = data.index(b"\n", position)
        header = data[position:end].split()
        position = end + 1
        if len(header) < 3 or header[-1] == b"missing":
            out.append(None)
            continue
        size = int(header[2])
        out.append((header[0].decode(), header[1].decode(), data[position : position + size]))
        position += size + 1
    return out


def _sizes(git: Git, specs: list[str]) -> list[int | None]:
    listing = "".join(s + "\n" for s in specs).encode("utf-8")
    out = git.run("cat-file", "--batch-check=%(objectsize)", stdin=listing)
    sizes: list[int | None] = []
    for line in out.stdout.decode("utf-8", "replace").splitlines()[: len(specs)]:
        sizes.append(int(line) if line.isdigit() else None)
    return sizes + [None] * (len(specs) - len(sizes))


def blobs(git: Git, specs: list[str]) -> list[bytes | None]:
    return [found[2] if found else None for found in objects(git, specs)]


def tags(git: Git, pattern: str) -> dict[str, tuple[str, str]]:
    """tag name → (commit it points to, its message)."""
    out = git.run(
        "for-each-ref",
        "--format=%(refname:strip=2)%00%(*objectname)%(objectname)%00%(contents)%1e",
        f"refs/tags/{pattern}",
    ).stdout.decode("utf-8", "replace")
    messages = {}
    for entry in out.split("\x1e"):
        parts = entry.strip("\n").split("\0")
        if len(parts) >= 3 and parts[0]:
            messages[parts[0]] = parts[2]
    if not messages:
        return {}
    # every tag's commit in one process (a branch may push thousands of tags: one git each cost
    # 1.6 ms apiece in every report)
    names = list(messages)
    asked = "".join(f"refs/tags/{name}^{{commit}}\n" for name in names).encode("utf-8")
    lines = git.run("cat-file", "--batch-check", stdin=asked).stdout.decode().splitlines()
    found = {}
    for name, line in zip(names, lines, strict=False):
        oid, _space, kind = line.partition(" ")
        found[name] = (oid if kind.startswith("commit") else "", messages[name])
    return found


def reachable(git: Git, rev: str) -> set[str]:
    return set(git.out("rev-list", rev).split())


def is_ancestor(git: Git, ancestor: str, descendant: str = "HEAD") -> bool:
    if not ancestor or not set(ancestor) <= _HEX:
        return False
    return git.run("merge-base", "--is-ancestor", ancestor, descendant, check=False).returncode == 0


def on_a_branch(git: Git, commit: str) -> bool:
    """Whether some local branch still holds this commit."""
    if not commit or not set(commit) <= _HEX:
        return False
    result = git.run("for-each-ref", "--count=1", "--contains", commit, "refs/heads/", check=False)
    return result.returncode == 0 and bool(result.stdout.strip())


def user_config(git: Git, key: str) -> str | None:
    """A setting from the user's own git configuration (global, then system), never the
    repository's: an audited repository must not choose how it is verified."""
    for scope in ("--global", "--system"):
        result = git.run("config", scope, "--get", key, check=False)
        if result.returncode == 0 and result.stdout.strip():
            return result.stdout.decode("utf-8", "replace").strip()
    return None


def allowed_signers(git: Git) -> str | None:
    return user_config(git, "gpg.ssh.allowedSignersFile")


def _verifying(git: Git) -> list[str]:
    """-c options that put the user's own verification set-up over whatever the repository says:
    its allowed signers, and the programs that check signatures (a repository naming a program
    would otherwise have it run)."""
    options = ["-c", f"gpg.ssh.allowedSignersFile={allowed_signers(git) or ''}"]
    for key, default in (
        ("gpg.program", "gpg"),
        ("gpg.ssh.program", "ssh-keygen"),
        ("gpg.x509.program", "gpgsm"),
        ("gpg.ssh.revocationFile", ""),
    ):
        options += ["-c", f"{key}={user_config(git, key) or default}"]
    return options


def signatures(git: Git, commits: list[str]) -> list[tuple[str, str, str, str]]:
    """(commit, %G?, signer, committer email) for these commits."""
    if not commits:
        return []
    out = git.run(
        *_verifying(git),
        "log",
        "--no-walk=unsorted",
        "--stdin",
        "--format=%H%x1f%G?%x1f%GS%x1f%ce%x1e",
        stdin="".join(c + "\n" for c in commits).encode(),
    ).stdout.decode("utf-8", "replace")
    found = []
    for entry in out.split("\x1e"):
        parts = entry.strip("\n").split("\x1f", 3)
        if len(parts) == 4:
            found.append((parts[0], parts[1], parts[2], parts[3]))
    return found


def fsck(git: Git) -> list[str]:
    result = git.run("fsck", "--full", "--no-progress", "--no-dangling", check=False)
    if result.returncode == 0:
        return []
    text = (result.stderr + result.stdout).decode("utf-8", "replace")
    return [line for line in text.splitlines() if line.strip()][:20] or [
        f"git fsck exited {result.returncode}"
    ]


def config(git: Git, key: str) -> str | None:
    result = git.run("config", "--get", key, check=False)
    return result.stdout.decode().strip() if result.returncode == 0 else None


# -- verbs for the rest of pw: every git command line pw writes is in this module ----------------


def init_repository(root: Path) -> None:
    """`git init` a new records repository, made to fsync what it writes (RELIABILITY R21)."""
    env_git = Git(root, root, root / ".git")
    try:
        subprocess.run(
            ["git", "init", "-q", str(root)], env=env_git.env, check=True, capture_output=True
        )
    except FileNotFoundError:
        raise DataError(t("git.missing"), t("git.missing.hint")) from None
    # Records are evidence: make git fsync objects, refs and the index (RELIABILITY R21).
    env_git.run("config", "core.fsync", "added")
    env_git.run("config", "core.fsyncMethod", "fsync")


def remotes(git: Git) -> list[str]:
    return git.out("remote").split()


def remote_url(git: Git, remote: str) -> str:
    result = git.run("remote", "get-url", remote, check=False)
    return result.stdout.decode("utf-8", "replace").strip()


def current_branch(git: Git) -> str | None:
    result = git.run("symbolic-ref", "--short", "-q", "HEAD", check=False)
    return result.stdout.decode("utf-8", "replace").strip() or None


def branch_exists(git: Git, branch: str) -> bool:
    result = git.run("rev-parse", "--verify", "-q", f"refs/heads/{branch}", check=False)
    return result.returncode == 0


def branch_names(git: Git) -> list[str]:
    """Every local branch's name, as git keeps it (no Unicode normalisation)."""
    out = git.run("for-each-ref", "--format=%(refname)", "refs/heads/", check=False).stdout
    names = out.decode("utf-8", "surrogateescape").splitlines()
    return [name[len("refs/heads/") :] for name in names if name.startswith("refs/heads/")]


def upstream_tip(git: Git) -> str | None:
    """The commit the current branch's upstream points to, as last fetched."""
    result = git.run("rev-parse", "--verify", "-q", "@{upstream}", check=False)
    value = result.stdout.decode().strip()
    return value if result.returncode == 0 else None


def root_commits(git: Git) -> list[str]:
    """The first-parent roots of HEAD (none when there is no HEAD yet)."""
    if not git.head():
        return []
    return git.out("rev-list", "--first-parent", "--max-parents=0", "HEAD").split()


def shallow_boundary(git: Git) -> list[str]:
    """The commits a shallow repository treats as having no parents (.git/shallow): the history
    before them is not there to read. Empty for a whole history."""
    answer = git.run("rev-parse", "--is-shallow-repository", check=False).stdout.decode().strip()
    if answer != "true":
        return []
    common = git.out("rev-parse", "--git-common-dir").strip()
    try:
        text = (git.root / common / "shallow").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ["?"]
    return [line.strip() for line in text.splitlines() if line.strip()] or ["?"]


def commits_oldest_first(git: Git) -> list[str]:
    return git.out("rev-list", "--topo-order", "--reverse", "HEAD").split()


def count_commits(git: Git, revs: str) -> int:
    return int(git.out("rev-list", "--count", revs).strip() or 0)


def subjects(git: Git, revs: str) -> list[str]:
    """`<short id> <subject>` of each commit in revs."""
    return [line for line in git.out("log", "--format=%h %s", revs).splitlines() if line.strip()]


def tag_id(git: Git, name: str) -> str | None:
    """What the tag refs/tags/<name> points to (the tag object), None when there is none."""
    result = git.run("rev-parse", "-q", "--verify", f"refs/tags/{name}", check=False)
    if result.returncode != 0:
        return None
    return result.stdout.decode().strip() or None


def tag_names(git: Git, pattern: str) -> list[str]:
    return git.out("tag", "-l", pattern).split()


def tag_ids(git: Git, pattern: str) -> dict[str, str]:
    """Tag name → the tag object (or commit) each tag matching refs/tags/<pattern> is now."""
    out = git.out(
        "for-each-ref", "--format=%(refname:strip=2) %(objectname)", f"refs/tags/{pattern}"
    )
    pairs = (line.rsplit(" ", 1) for line in out.splitlines() if " " in line)
    return {name: oid for name, oid in pairs}


def refs_listing(git: Git) -> str:
    """HEAD and every tag, as `git show-ref --head --tags` lists them."""
    return git.run("show-ref", "--head", "--tags", check=False).stdout.decode("utf-8", "replace")


def uncommitted(git: Git) -> list[str]:
    """Tracked paths (from the top level) with changes not committed, staged or not."""
    out = git.run(
        "status", "--porcelain", "--untracked-files=no", "--ignore-submodules=all", "-z"
    ).stdout
    return [e[3:] for e in out.decode("utf-8", "replace").split("\0") if len(e) > 3]


def staged_under(git: Git, path: str) -> bool:
    """Whether anything under path is staged against HEAD."""
    result = git.run("diff-index", "--cached", "--quiet", "HEAD", "--", path, check=False)
    return result.returncode != 0


def untracked_under(git: Git, path: str) -> list[str]:
    """Untracked files under path, as given (relative to the records root)."""
    out = git.run("ls-files", "--others", "-z", "--", path, check=False).stdout
    return [p for p in out.decode("utf-8", "replace").split("\0") if p]


def index_entries(git: Git, paths: list[str]) -> list[tuple[str, str, str, str]]:
    """(mode, blob id, stage, path as ls-files prints it) of each index entry under paths."""
    out = git.run("ls-files", "-s", "-z", "--", *paths).stdout.decode("utf-8", "replace")
    entries = []
    for entry in out.split("\0"):
        meta, _tab, path = entry.partition("\t")
        parts = meta.split()
        if len(parts) == 3:
            entries.append((parts[0], parts[1], parts[2], path))
    return entries


def conflicted(git: Git) -> list[str]:
    out = git.run("diff", "--name-only", "-z", "--diff-filter=U").stdout
    return sorted({p for p in out.decode("utf-8", "replace").split("\0") if p})


# -- exchanging with a remote (pw sync) ----------------------------------------------------------

# On the command line: a repository's remote.<name>.uploadpack / receivepack would come first among
# configured values and name the program run for the exchange.
UPLOAD_PACK = "--upload-pack=git-upload-pack"
RECEIVE_PACK = "--receive-pack=git-receive-pack"
# How servers and transports say no (exit 77) rather than cannot be reached (exit 74)
_REFUSED = (
    "Permission denied",
    "403",
    "401",
    "not allowed",
    "denied",
)
# git asked for a login and could not: prompts off (no terminal) or nothing could be read
_NO_LOGIN = ("could not read Username", "could not read Password", "terminal prompts disabled")
_BAD_LOGIN = ("Authentication failed", "Invalid username or password")
# user:password@ in an address git quotes (a remote URL may carry a secret; it is never shown)
# Everything between :// and the last @ of the address (up to a space or a quote) is a login: a
# password may itself hold @, / or : (a malformed URL git still tries), and a user name alone may
# be a token. It is never shown.
_SECRET_IN_URL = re.compile(r"(://)[^\s'\"<>]*@")


def hide_secret(text: str) -> str:
    """An address or git message with any login in a URL replaced by ***."""
    return _SECRET_IN_URL.sub(r"\1***@", text)


def remote_failure(git: Git, remote: str, detail: str) -> PwError:
    """The network's or the server's failure, not a bug of pw's: a login that could not be asked
    for, a login refused, another refusal (exit 77), or no answer (exit 74). git's own words
    appear only in the last two, with any secret taken out."""
    where = _where(git, remote)
    if any(sign in detail for sign in _BAD_LOGIN):
        return LoginRefused(
            t("sync.login_refused", remote=where), t("sync.login_refused.hint"), remote=remote
        )
    if any(sign in detail for sign in _NO_LOGIN):
        return LoginNeeded(
            t("sync.login_needed", remote=where), t("sync.login_needed.hint"), remote=remote
        )
    detail = hide_secret(detail)
    if any(sign in detail for sign in _REFUSED):
        return RemoteRefused(t("sync.refused", detail=detail), t("sync.refused.hint"))
    return RemoteError(t("sync.unreachable", detail=detail), t("sync.unreachable.hint"))


def _where(git: Git, remote: str) -> str:
    """`origin (https://host/branch.git)` for a named remote; the address alone for an address."""
    url = hide_secret(remote_url(git, remote)) if remote in remotes(git) else ""
    return f"{remote} ({url})" if url and url != remote else hide_secret(remote)


def _remote(git: Git, remote: str, *args: str) -> str:
    result = _exchange(git, *args)
    if result.returncode != 0:
        raise remote_failure(git, remote, _detail(result))
    return result.stdout.decode("utf-8", "replace")


def network_timeout() -> float:
    """Seconds a server may take to answer one exchange without a terminal (PW_NETWORK_TIMEOUT,
    else 120): a server that accepts and never answers must not hold pw sync, or a supervisor's
    fleet sync, for ever."""
    given = os.environ.get("PW_NETWORK_TIMEOUT", "")
    try:
        return max(1.0, float(given)) if given else 120.0
    except ValueError:
        return 120.0


class Stalled(Exception):
    """A server exchange that did not finish in time; its git processes were killed."""


def _run_within(
    command: list[str], cwd: Path, env: dict[str, str], stdin: bytes | None, seconds: float
) -> subprocess.CompletedProcess:
    """subprocess.run with a deadline that kills git and its helpers (remote-http, ssh) too:
    they run in a session of their own, killed as a group by a watchdog thread. (Not
    communicate(timeout=…): its polling sleep fails under a faked clock, as the tests' faketime.)"""
    import signal
    import threading

    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=hasattr(os, "killpg"),
    )
    stalled: list[bool] = []

    def stop() -> None:
        if process.poll() is None:
            stalled.append(True)
            if hasattr(os, "killpg"):
                os.killpg(process.pid, signal.SIGKILL)
            else:  # Windows: no process groups; git's own child ends with its pipe
                process.kill()

    watchdog = threading.Timer(seconds, stop)
    watchdog.daemon = True
    watchdog.start()
    try:
        out, err = process.communicate(stdin)
    finally:
        watchdog.cancel()
    if stalled:
        raise Stalled(seconds)
    return subprocess.CompletedProcess(command, process.returncode, out, err)


def _exchange(git: Git, *args: str) -> subprocess.CompletedProcess:
    """A git call that talks to a server. On a terminal git may ask for a login there (its own
    prompt, on /dev/tty), once per pw run: the answer is kept by git's credential-cache in a
    private socket until pw exits. Without a terminal git must not ask (it would wait on
    nothing): it fails at once and pw says what to do."""
    terminal = _on_a_terminal()
    try:
        if not terminal:
            return git.run(*args, check=False, timeout=network_timeout())
        helper = f"credential.helper=cache --timeout=900 --socket={shlex.quote(_login_socket())}"
        prompt = {"GIT_TERMINAL_PROMPT": "1"}
        # no deadline here: git asks for a login on the terminal (a session of its own would lose
        # it), and the person at the terminal can press Ctrl-C
        return git.run("-c", helper, *args, check=False, extra_env=prompt)
    except Stalled as stalled:
        raise RemoteError(
            t("sync.stalled", seconds=int(stalled.args[0])), t("sync.stalled.hint")
        ) from None


def _on_a_terminal() -> bool:
    try:
        return os.isatty(0) and os.isatty(2)
    except OSError:
        return False


_sockets: list[str] = []


def _login_socket() -> str:
    """The credential-cache socket of this pw run, in a folder only this user can enter; the
    cache is told to exit, and the folder removed, when pw exits."""
    if not _sockets:
        import atexit
        import tempfile

        folder = tempfile.mkdtemp(prefix="pw-login-")
        _sockets.append(os.path.join(folder, "socket"))
        atexit.register(_forget_login)
    return _sockets[0]


def _forget_login() -> None:
    import shutil

    for socket in _sockets:
        subprocess.run(
            ["git", "credential-cache", f"--socket={socket}", "exit"],
            env={k: v for k, v in os.environ.items() if k not in early.SCRUBBED},
            capture_output=True,
            check=False,
        )
        shutil.rmtree(os.path.dirname(socket), ignore_errors=True)


def remote_tags(git: Git, remote: str, pattern: str) -> dict[str, str]:
    """Tag name → id on the remote, for tags matching refs/tags/<pattern> (peeled lines skipped)."""
    out = _remote(git, remote, "ls-remote", UPLOAD_PACK, "--tags", remote, f"refs/tags/{pattern}")
    found = {}
    for line in out.splitlines():
        sha, _tab, ref = line.partition("\t")
        name = ref[len("refs/tags/") :]
        if not name.endswith("^{}"):
            found[name] = sha
    return found


def remote_head(git: Git, remote: str, branch: str) -> str | None:
    """The remote branch's tip, as the remote says now; None when it has no such branch."""
    heads = _remote(
        git, remote, "ls-remote", UPLOAD_PACK, "--heads", remote, f"refs/heads/{branch}"
    ).split()
    return heads[0] if heads else None


def remote_heads(git: Git, remote: str) -> dict[str, str]:
    """Every branch on the remote (name → tip), as the remote says now: one exchange, like
    remote_head's."""
    out = _remote(git, remote, "ls-remote", UPLOAD_PACK, "--heads", remote)
    heads = {}
    for line in out.splitlines():
        sha, _tab, ref = line.partition("\t")
        if ref.startswith("refs/heads/"):
            heads[ref[len("refs/heads/") :]] = sha
    return heads


def fetch_branch(git: Git, remote: str, branch: str, into: str) -> str:
    """Fetch the remote branch into a private ref (tags and tracking refs untouched); its tip."""
    _remote(
        git, remote, "fetch", UPLOAD_PACK, "-q", "--no-tags", remote, f"+refs/heads/{branch}:{into}"
    )
    return git.out("rev-parse", into).strip()


def fetch_tags(git: Git, remote: str, names: list[str]) -> None:
    """Fetch these tags from the remote as they are there. Never forced: a local tag of the same
    name that differs stays, and git refuses (the caller has already called that REWRITTEN)."""
    if names:
        refspecs = [f"refs/tags/{name}:refs/tags/{name}" for name in names]
        _remote(git, remote, "fetch", UPLOAD_PACK, "-q", "--no-tags", remote, *refspecs)


def commit_empty(git: Git, message: str) -> None:
    """A commit that changes no file (pw resolve keeping the version the history already ends
    on), through porcelain `git commit` so hooks and signing apply as to any pw commit."""
    sign = ["-S"] if git.sign else []
    result = git.run(
        "-c",
        "user.useConfigOnly=true",
        "commit",
        "-q",
        "--allow-empty",
        "--no-edit",
        *sign,
        "--cleanup=verbatim",
        "-F",
        "-",
        stdin=message.encode("utf-8"),
        check=False,
        hooks=True,
    )
    if result.returncode != 0:
        raise GitError(t("git.failed", command="commit", detail=_detail(result)))


def fast_forward(git: Git, rev: str) -> None:
    git.run("merge", "-q", "--ff-only", rev)


def rebase(git: Git, upstream: str) -> bool:
    """Rebase HEAD onto upstream, each commit dated now (signed when pw signs); False on conflict,
    with the rebase still in progress (see abort_rebase)."""
    sign = ["--gpg-sign"] if git.sign else []
    args = ("-c", "rebase.autoStash=false", "rebase", "-q", "--ignore-date", *sign, upstream)
    return git.run(*args, check=False).returncode == 0


def abort_rebase(git: Git) -> None:
    git.run("rebase", "--abort", check=False)


def rebasing(git: Git) -> bool:
    return (git.git_dir / "rebase-merge").is_dir() or (git.git_dir / "rebase-apply").is_dir()


def take_stage(git: Git, path: str, stage: int) -> bool:
    """Settle one conflicted path (relative to the top level) with one side's version: stage 2 is
    the side being rebased onto, stage 3 the commit being replayed.
    False when that side has none."""
    side = "--ours" if stage == 2 else "--theirs"
    spec = f":(top,literal){path}"
    if git.run("checkout", side, "--", spec, check=False).returncode != 0:
        return False
    return git.run("add", "--", spec, check=False).returncode == 0


def rebase_continue(git: Git) -> bool:
    """Go on with a rebase whose conflicts are settled (skipping a commit that became empty);
    False when it stopped again."""
    staged = git.run("diff", "--cached", "--quiet", check=False).returncode != 0
    step = ("rebase", "--continue") if staged else ("rebase", "--skip")
    return git.run("-c", "core.editor=true", *step, check=False).returncode == 0


def blob_at(git: Git, rev: str, path: str) -> str | None:
    """The blob id of path (relative to the top level) at rev, None when it has none."""
    result = git.run("rev-parse", "-q", "--verify", f"{rev}:{path}", check=False)
    return result.stdout.decode().strip() or None if result.returncode == 0 else None


def changed_between(git: Git, base: str, rev: str) -> list[str]:
    """Paths (relative to the top level) that differ between two commits."""
    out = git.run("diff-tree", "-r", "--name-only", "-z", "--no-renames", base, rev)
    return [p for p in out.stdout.decode("utf-8", "replace").split("\0") if p]


def merge_base(git: Git, a: str, b: str) -> str | None:
    result = git.run("merge-base", a, b, check=False)
    return result.stdout.decode().strip() or None if result.returncode == 0 else None


def reset_keep(git: Git, rev: str) -> None:
    """Move HEAD (and the work tree, keeping local changes) to rev."""
    git.run("reset", "-q", "--keep", rev)


def push(git: Git, remote: str, refspec: str) -> None:
    """Push one refspec (never forced). A push the remote turned away because it moved on is
    `Busy` (run pw sync again); a login or a network failure as remote_failure says."""
    result = _exchange(git, "push", RECEIVE_PACK, "-q", "--porcelain", remote, refspec)
    if result.returncode == 0:
        return
    detail = " ".join((result.stderr + result.stdout).decode("utf-8", "replace").split())[:300]
    if "rejected" in detail or "non-fast-forward" in detail or "fetch first" in detail:
        raise Busy(t("sync.moved"), t("sync.moved.hint"))
    raise remote_failure(git, remote, detail)


# -- reading the history in bulk (changes.py) ---------------------------------------------------


def log_raw(git: Git, commits: list[str], fmt: str) -> bytes:
    """One `git log` over these commits in this order: each with fmt, then its first-parent
    changes as `--raw -z` lines."""
    return git.run(
        "log",
        "--stdin",
        "--no-walk=unsorted",
        "--diff-merges=first-parent",
        "--raw",
        "--no-renames",
        "--no-abbrev",
        "-z",
        # a gitlink (a submodule's commit) under records/ is a change like any other: the
        # ignoreSubmodules pw sets for the work tree must not hide it from the history
        "--ignore-submodules=none",
        f"--format={fmt}",
        "--no-ext-diff",
        "--no-textconv",
        stdin="".join(c + "\n" for c in commits).encode(),
    ).stdout


def diff_raw(git: Git, parent: str, commit: str) -> bytes:
    """What changed from parent to commit, as `--raw -z` lines (whole tree, no renames)."""
    return git.run(
        "diff-tree",
        "-r",
        "--raw",
        "-z",
        "--no-renames",
        "--no-abbrev",
        "--no-ext-diff",
        "--no-textconv",
        "--ignore-submodules=none",
        parent,
        commit,
    ).stdout


def ref_id(git: Git, ref: str) -> str | None:
    """The commit a full ref name points to, None when there is none."""
    result = git.run("rev-parse", "-q", "--verify", f"{ref}^{{commit}}", check=False)
    return result.stdout.decode().strip() or None if result.returncode == 0 else None


def folder_trees(git: Git, rev: str, folder: str) -> dict[str, str]:
    """Name → tree id of each folder directly inside `folder` (from the records root) at rev."""
    prefix = records_prefix(git)
    out = git.run("ls-tree", "-z", rev, "--", f"{prefix}{folder}/", check=False).stdout
    trees = {}
    for entry in out.decode("utf-8", "replace").split("\0"):
        meta, _tab, path = entry.partition("\t")
        parts = meta.split()
        if len(parts) == 3 and parts[1] == "tree":
            trees[path.rsplit("/", 1)[-1]] = parts[2]
    return trees


# -- the supervisor's desk (pw fleet): cloning and bringing branch clones up to date -------------

# While pw fleet brings a clone up to date no hook runs (a ref update alone runs
# reference-transaction), and git does no housekeeping of its own in the middle of the sync.
_DESK = ("-c", "core.hooksPath=/dev/null", "-c", "gc.auto=0", "-c", "maintenance.auto=false")
DESK_INCOMING = "refs/pw/fleet/incoming"
DESK_TAGS = "refs/pw/fleet/tags/"


def clone_repository(url: str, dest: Path, tag_pattern: str) -> Git:
    """Clone a branch's repository into dest (an empty folder): its default branch, checked out
    and tracking origin, and its tags matching refs/tags/<tag_pattern>; no submodules, no hooks.
    Made as init + fetch, so the exchange goes through _exchange (a login asked for on a
    terminal, a clear exit 77 without one) like pw sync's."""
    dest.mkdir(parents=True, exist_ok=True)
    git = Git(dest, dest, dest / ".git")
    git.run("init", "-q")
    git.run("remote", "add", "origin", url)
    heads = _remote(git, url, "ls-remote", UPLOAD_PACK, "--symref", "--", url, "HEAD")
    branch = next(
        (
            line.split()[1][len("refs/heads/") :]
            for line in heads.splitlines()
            if line.startswith("ref: refs/heads/")
        ),
        None,
    )
    if branch is None:
        raise NotFound(t("desk.empty", url=url))
    specs = [f"+refs/heads/{branch}:refs/remotes/origin/{branch}"]
    specs.append(f"+refs/tags/{tag_pattern}:refs/tags/{tag_pattern}")
    args = ("fetch", UPLOAD_PACK, "-q", "--no-tags", "--no-write-fetch-head", "--", url, *specs)
    _remote(git, url, *_DESK, *args)
    refuse_oversized(git, f"refs/remotes/origin/{branch}")
    git.run(*_DESK, "checkout", "-q", "-b", branch, "--track", f"origin/{branch}")
    return git


def fetch_for_desk(git: Git, url: str, branch: str, tag_pattern: str) -> dict[str, str]:
    """One fetch from url: its branch's tip into DESK_INCOMING and its tags matching
    refs/tags/<tag_pattern> under DESK_TAGS (nothing the clone shows is touched; --prune clears
    what an interrupted run left there); those private refs (name → id) after it. The caller
    drops them again (drop_desk_refs)."""
    specs = [
        f"+refs/heads/{branch}:{DESK_INCOMING}",
        f"+refs/tags/{tag_pattern}:{DESK_TAGS}{tag_pattern}",
    ]
    args = ("fetch", UPLOAD_PACK, "-q", "--prune", "--no-tags", "--no-write-fetch-head")
    _remote(git, url, *_DESK, *args, "--", url, *specs)
    out = git.out("for-each-ref", "--format=%(refname) %(objectname)", "refs/pw/fleet/")
    pairs = (line.rsplit(" ", 1) for line in out.splitlines() if " " in line)
    return {name: oid for name, oid in pairs}


# What a branch's checkout may write on the supervisor's disk. git compresses a file of zeros a
# thousandfold: a server could send megabytes that check out as gigabytes. A record is at most
# 1 MiB (yamlio.MAX_BYTES); scans kept beside the records stay far below these.
DESK_FILE_LIMIT = 64 << 20
DESK_TREE_LIMIT = 2 << 30


def refuse_oversized(git: Git, rev: str) -> None:
    """Refuse (DataError) a tree whose checkout would write a file over DESK_FILE_LIMIT, or over
    DESK_TREE_LIMIT in all, before anything of it is written."""
    out = git.run("ls-tree", "-r", "-l", "-z", "--full-tree", rev).stdout
    total = 0
    for entry in out.decode("utf-8", "replace").split("\0"):
        meta, _tab, path = entry.partition("\t")
        parts = meta.split()
        if len(parts) != 4 or not parts[3].isdigit():
            continue
        size = int(parts[3])
        total += size
        if size > DESK_FILE_LIMIT or total > DESK_TREE_LIMIT:
            raise DataError(
                t("desk.too_large", path=path, size=size >> 20, total=total >> 20),
                t("desk.too_large.hint"),
            )


def drop_desk_refs(git: Git, refs: list[str]) -> None:
    lines = "".join(f"delete {ref}\n" for ref in refs)
    if lines:
        git.run(*_DESK, "update-ref", "--stdin", stdin=lines.encode())


def first_parent_root(git: Git) -> str | None:
    """The first-parent root of HEAD in one call (root_commits asks for HEAD first)."""
    result = git.run("rev-list", "--first-parent", "--max-parents=0", "HEAD", check=False)
    roots = result.stdout.decode().split() if result.returncode == 0 else []
    return roots[0] if roots else None


def desk_advance(git: Git, tip: str, tags: dict[str, str], tracking: str) -> None:
    """Bring the clone to tip (fast-forward only: a clone with anything of its own fails), add the
    new tags (name → id) and move the tracking ref, with no hook running."""
    if git.head() != tip:
        refuse_oversized(git, tip)
        git.run(*_DESK, "merge", "-q", "--ff-only", "--no-edit", tip)
    lines = [f"create refs/tags/{name} {oid}\n" for name, oid in tags.items()]
    lines.append(f"update {tracking} {tip}\n")
    git.run(*_DESK, "update-ref", "--stdin", stdin="".join(lines).encode())
