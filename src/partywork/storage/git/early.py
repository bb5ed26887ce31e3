"""Finding the repository, and starting a git call before the rest of pw is imported.

This runs in pw's first milliseconds (launch.py), so it uses nothing but `os`. repo.py and gitio.py
find folders and build git's environment with these same functions, so a call started here is the
very call gitio would have made (the launcher hands it to gitio.Git.dirty).
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing itself costs milliseconds before the head start
if TYPE_CHECKING:
    from collections.abc import Iterator
    from subprocess import Popen

SETTINGS = os.path.join("records", "pw.yaml")
# Inherited GIT_DIR and friends could point pw at another repository, and GIT_*_DATE would let a
# client claim any time (RELIABILITY R12, pitfall 6).
SCRUBBED = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_COMMON_DIR",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_NAMESPACE",
    "GIT_CEILING_DIRECTORIES",
    "GIT_AUTHOR_DATE",
    "GIT_COMMITTER_DATE",
    "GIT_PREFIX",
)


def records_root(given: str | None, cwd: str | None = None) -> str | None:
    """--repo, else PW_REPO, else the first folder upwards holding records/pw.yaml."""
    given = given or os.environ.get("PW_REPO")
    if given:
        root = os.path.realpath(os.path.expanduser(given))
        return root if os.path.isfile(os.path.join(root, SETTINGS)) else None
    folder = os.path.realpath(cwd or os.getcwd())
    while True:
        if os.path.isfile(os.path.join(folder, SETTINGS)):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def git_dirs(start: str) -> tuple[str, str] | None:
    """The first (work tree, git dir) at or above start; never looks past it."""
    folder = start
    while True:
        dot_git = os.path.join(folder, ".git")
        if os.path.isdir(dot_git):
            return folder, dot_git
        if os.path.isfile(dot_git):  # a linked worktree or submodule: "gitdir: <path>"
            with open(dot_git, encoding="utf-8", errors="replace") as handle:
                text = handle.read().strip()
            if text.startswith("gitdir:"):
                return folder, os.path.realpath(
                    os.path.join(folder, text[len("gitdir:") :].strip())
                )
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


# Settings no repository may change, given to every git call as command-line configuration (which
# beats the repository's own): a folder someone else prepared can name programs in .git/config, and
# git would run them (RELIABILITY §(e)). core.fsmonitor runs on every index refresh; `ext::` remote
# URLs run a command on fetch. Per-filter and other command keys are added by gitio.Git when the
# repository's config defines any (see config_may_name_programs).
# A submodule's own config is never looked at, so git must not go into submodules at all; the
# stat settings decide whether an edit that kept a file's size and mtime is seen (git's racy-file
# model holds only with them on); the graft advice would otherwise follow every git error.
SAFE_CONFIG = (
    ("core.fsmonitor", "false"),
    ("protocol.ext.allow", "never"),
    ("diff.ignoreSubmodules", "all"),
    ("status.submoduleSummary", "false"),
    ("submodule.recurse", "false"),
    ("fetch.recurseSubmodules", "false"),
    ("push.recurseSubmodules", "no"),
    ("core.checkStat", "default"),
    ("core.trustctime", "true"),
    ("core.splitIndex", "false"),
    ("advice.graftFileDeprecated", "false"),
    # Git for Windows users often have quotepath on: paths stay raw UTF-8 ("\344\270\255" is
    # no file name), for any call not already reading NUL-separated names (-z)
    ("core.quotepath", "false"),
)


# Hooks are programs the folder names too (.git/hooks, core.hooksPath): they run only for pw's own
# commits and tags, as `git commit` would run them (SPEC §7); every other call (a sync's fetch,
# rebase, checkout and push, every read) runs none (issue 17).
NO_HOOKS = (("core.hooksPath", os.devnull),)


def git_env(
    work_tree: str,
    git_dir: str,
    config: tuple[tuple[str, str], ...] = (),
    hooks: bool = False,
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    # GIT_NO_REPLACE_OBJECTS and an empty graft file: `git replace` and grafts would let the folder
    # rewrite the history the audit reads. GIT_OPTIONAL_LOCKS=0: `git status` would otherwise write
    # the index it refreshed, and pw writes nothing the user did not ask for.
    env.update(
        GIT_DIR=git_dir,
        GIT_WORK_TREE=work_tree,
        LC_ALL="C",
        LANGUAGE="C",
        GIT_TERMINAL_PROMPT="0",
        GIT_NO_REPLACE_OBJECTS="1",
        GIT_GRAFT_FILE=os.devnull,
        GIT_OPTIONAL_LOCKS="0",
    )
    try:
        count = int(env.get("GIT_CONFIG_COUNT", "0"))  # the user's own, kept before ours
    except ValueError:
        count = 0
    for key, value in (*SAFE_CONFIG, *(() if hooks else NO_HOOKS), *config):
        env[f"GIT_CONFIG_KEY_{count}"] = key
        env[f"GIT_CONFIG_VALUE_{count}"] = value
        count += 1
    env["GIT_CONFIG_COUNT"] = str(count)
    return env


def outside(work_tree: str, git_dir: str) -> tuple[str, str] | None:
    """(what, where) when the repository's data lies outside the folder pw was given without git
    itself having linked it there: a `.git` file or a `commondir` naming another repository, or
    `objects/info/alternates` borrowing another's objects (issue 17). A folder handed over could
    otherwise make pw read, and report as its own, a repository it was never given. A linked
    worktree (whose git dir points back at it) and a submodule (inside its superproject's .git)
    are git's own links; None when nothing is borrowed."""
    top, own = os.path.realpath(work_tree), os.path.realpath(git_dir)
    linked = _points_back(own, os.path.join(top, ".git"))
    if not (_inside(own, top) or linked or _in_superproject(own, top)):
        return "gitdir", own
    common = own
    try:
        with open(os.path.join(own, "commondir"), encoding="utf-8", errors="replace") as handle:
            common = os.path.realpath(os.path.join(own, handle.read().strip()))
    except OSError:
        pass
    if common != own and not (_inside(common, top) or (linked and _owns_worktree(common, own))):
        return "commondir", common
    for alternate in _alternates(os.path.join(common, "objects"), 0):
        if not (_inside(alternate, top) or _inside(alternate, common)):
            return "alternates", alternate
    for folder in dict.fromkeys((own, common)):
        linked_out = _symlinked_out(folder)
        if linked_out:
            return "symlink", linked_out
    return None


# Where git reads a repository's data: a symlink among them (objects, refs, packed-refs, HEAD,
# config, info …, and inside objects/ and refs/) would make pw read another repository. git itself
# makes no symlink but HEAD's (core.preferSymlinkRefs), which stays inside .git.
_WALKED = ("objects", "refs", "worktrees")


def _symlinked_out(git_dir: str) -> str | None:
    """The first symlink in git_dir (its own entries, refs/ and worktrees/ throughout, objects/
    and its pack/ and info/) resolving outside it. The loose objects' own files are not opened one
    by one (thousands of them: milliseconds on every run), nor hooks/ and modules/, which are not
    data pw reads."""
    for entry in _entries(git_dir, _WALKED):
        if entry.is_symlink():
            target = os.path.realpath(entry.path)
            if not _inside(target, git_dir):
                return target
    return None


def _entries(git_dir: str, top: tuple[str, ...]) -> Iterator[os.DirEntry]:
    """Every entry of git_dir and of the folders walked below it: of its own folders those named
    in `top`, all their subfolders, but of objects/ only pack/ and info/."""
    stack = [(git_dir, "")]
    while stack:
        folder, where = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            yield entry
            if entry.is_symlink() or not entry.is_dir(follow_symlinks=False):
                continue
            name = entry.name
            if (name in top) if not where else (where != "objects" or name in ("pack", "info")):
                stack.append((entry.path, os.path.join(where, name)))


# What git opens by name in a git dir besides config (irregular_config): the ref and object
# indexes, HEAD, index, shallow, info/, logs/. A FIFO there makes the open wait for a writer that
# never comes, and /dev/zero never ends: a folder handed over would hold pw for ever.
_OPENED = ("refs", "worktrees", "objects", "info", "logs")


def irregular_data(git_dir: str) -> str | None:
    """The first file git or pw would open in the repository's data (git dir and common dir:
    their own entries, refs/, worktrees/, info/, logs/, objects/info and objects/pack) that is
    neither a plain file nor a folder, or a symlink to such a thing; None when there is none.
    Loose objects are not looked at one by one (hundreds of thousands in a large book: tenths of
    a second on every run)."""
    found = _irregular_in(git_dir)
    if found:
        return found
    try:
        with open(os.path.join(git_dir, "commondir"), encoding="utf-8") as handle:
            common = os.path.realpath(os.path.join(git_dir, handle.read().strip()))
    except (OSError, UnicodeDecodeError):
        return None
    return _irregular_in(common) if common != os.path.realpath(git_dir) else None


# The files git reads in a work tree by name, in every folder it walks or a path lies in
_PER_FOLDER = (".gitignore", ".gitattributes")


def irregular_worktree(work_tree: str, root: str) -> str | None:
    """The first .gitignore or .gitattributes that git would open on the way to records/ or
    anywhere under it and that is not a plain file (a FIFO: git waits for ever). Below records/
    a folder is listed only when its link count says it has subfolders (more than 2): a year of
    records costs one stat, not a listing of thousands of files on every run (file systems that
    keep no such count, btrfs and NTFS, show 1: their deeper folders go unlisted)."""
    top, folder = os.path.realpath(work_tree), os.path.realpath(root)
    chain = [folder]
    while _inside(folder, top) and folder != top:
        folder = os.path.dirname(folder)
        chain.append(folder)
    records = os.path.join(os.path.realpath(root), "records")
    pending = [records]
    for folder in chain:
        found = _irregular_named(folder)
        if found:
            return found
    while pending:
        folder = pending.pop()
        found = _irregular_named(folder)
        if found:
            return found
        try:
            if folder != records and os.lstat(folder).st_nlink <= 2:
                continue  # no subfolder, or no count to tell
            entries = list(os.scandir(folder))
        except OSError:
            continue
        pending += [e.path for e in entries if e.is_dir(follow_symlinks=False)]
    return None


def _irregular_named(folder: str) -> str | None:
    import stat

    for name in _PER_FOLDER:
        path = os.path.join(folder, name)
        try:
            mode = os.lstat(path).st_mode
        except OSError:
            continue
        if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):  # git opens no link here (2.32+)
            return path
    return None


def _irregular_in(git_dir: str) -> str | None:
    import stat

    for entry in _entries(git_dir, _OPENED):
        if entry.is_symlink():
            try:
                mode = os.stat(entry.path).st_mode
            except OSError:
                continue  # dangling: git reads nothing there
            if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                return entry.path
        elif not entry.is_dir(follow_symlinks=False) and not entry.is_file(follow_symlinks=False):
            return entry.path
    return None


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _points_back(git_dir: str, dot_git: str) -> bool:
    """A linked worktree's git dir names the `.git` file that names it (`git worktree add`)."""
    try:
        with open(os.path.join(git_dir, "gitdir"), encoding="utf-8", errors="replace") as handle:
            return os.path.realpath(handle.read().strip()) == os.path.realpath(dot_git)
    except OSError:
        return False


def _owns_worktree(common: str, git_dir: str) -> bool:
    return os.path.dirname(git_dir) == os.path.join(common, "worktrees")


def _in_superproject(git_dir: str, top: str) -> bool:
    """A submodule's git dir: <superproject>/.git/modules/…, the superproject above the folder."""
    marker = os.sep + os.path.join(".git", "modules") + os.sep
    head, found, _rest = git_dir.partition(marker)
    return bool(found) and _inside(top, head)


def _alternates(objects: str, depth: int) -> list[str]:
    """Every object folder objects/info/alternates borrows, and theirs (git follows 5 deep)."""
    try:
        with open(os.path.join(objects, "info", "alternates"), encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    found = []
    for line in lines:
        if not line.strip() or line.startswith("#"):
            continue
        path = os.path.realpath(os.path.join(objects, line.strip()))
        found.append(path if not line.startswith('"') else line)  # quoted: never inside
        if depth < 5 and not line.startswith('"'):
            found += _alternates(path, depth + 1)
    return found


def owner_ok(path: str) -> bool:
    """git's ownership rule (setup.c is_path_owned_by_current_uid): the path belongs to the user
    running pw, or to the user behind sudo when pw runs as root under sudo."""
    geteuid = getattr(os, "geteuid", None)
    if geteuid is None:
        # Windows: ownership is a security descriptor, not a uid; Git for Windows checks it itself
        # (its safe.directory error reaches the user through gitio)
        return True
    try:
        uid = os.lstat(path).st_uid
    except OSError:
        return True  # nothing there to own: git's own error will say so
    me = geteuid()
    if me == 0 and os.environ.get("SUDO_UID", "").isdigit():
        return uid == int(os.environ["SUDO_UID"]) or uid == 0
    return uid == me


def owned(work_tree: str, git_dir: str) -> bool:
    """Whether git would trust this repository without a safe.directory entry."""
    gitfile = os.path.join(work_tree, ".git")
    return (
        owner_ok(work_tree)
        and owner_ok(git_dir)
        and (not os.path.isfile(gitfile) or owner_ok(gitfile))
    )


# The repository's own config is read for what pw and git need and a clone or `git init` leaves
# there; every other key is either put back by gitio.neutralised (a program, a file to read, a
# proxy) or refused by name. An allowlist, not a list of dangerous words: a key nobody thought of
# (remote.<name>.vcs ran a program) is refused instead of obeyed (RELIABILITY §(e)).
# "section.variable" (no subsection), "section.*.variable" (any subsection), "section.*" (all).
INERT = frozenset(
    {
        *(
            f"core.{v}"
            for v in (
                "repositoryformatversion",
                "filemode",
                "bare",
                "logallrefupdates",
                "ignorecase",
                "precomposeunicode",
                "symlinks",
                "autocrlf",
                "eol",
                "safecrlf",
                "fsync",
                "fsyncmethod",
                "fsyncobjectfiles",
                "quotepath",
                "checkstat",
                "trustctime",
                "splitindex",
                "untrackedcache",
                "preloadindex",
                "compression",
                "loosecompression",
                "bigfilethreshold",
                "abbrev",
                "commentchar",
                "whitespace",
                "warnambiguousrefs",
                "sharedrepository",
                "multipackindex",
                "commitgraph",
                "longpaths",
                "fscache",
                "sparsecheckout",
                "sparsecheckoutcone",
                "checkroundtripencoding",
                "hidedotfiles",
                "fsmonitorhookversion",
            )
        ),
        *(
            f"remote.*.{v}"
            for v in (
                "url",
                "pushurl",
                "fetch",
                "push",
                "mirror",
                "skipdefaultupdate",
                "skipfetchall",
                "tagopt",
                "prune",
                "prunetags",
            )
        ),
        "remote.pushdefault",
        *(f"branch.{v}" for v in ("autosetupmerge", "autosetuprebase", "sort")),
        *(
            f"branch.*.{v}"
            for v in ("remote", "merge", "rebase", "pushremote", "description", "mergeoptions")
        ),
        "user.name",
        "user.email",
        "user.signingkey",
        "author.name",
        "author.email",
        "committer.name",
        "committer.email",
        "gpg.format",
        "commit.gpgsign",
        "tag.gpgsign",
        "tag.forcesignannotated",
        "init.defaultbranch",
        "extensions.worktreeconfig",
        "extensions.objectformat",
        "extensions.preciousobjects",
        "credential.username",
        "credential.usehttppath",
        "credential.*.username",
        "credential.*.usehttppath",
        *(
            f"http.{v}"
            for v in (
                "postbuffer",
                "lowspeedlimit",
                "lowspeedtime",
                "version",
                "maxrequests",
                "receivepack",
                "uploadpack",
                "getanyfile",
            )
        ),
        # Sections whose every value is a colour, a yes/no or a layout word: nothing git could
        # open, run or fetch, whatever a newer git adds to them.
        *(f"{section}.*" for section in ("color", "advice", "column")),
        # Everywhere else, the keys git 2.39 documents (`git help --config`), each judged: a key a
        # newer git or git-lfs adds (gc.recentObjectsHook runs a command, fetch.bundleURI and
        # transfer.bundleURI fetch from another server, lfs.customtransfer.*.path runs a program
        # in the user's own git-lfs filter) is refused by name until someone has judged it.
        *(
            f"gc.{v}"
            for v in (
                "aggressivedepth",
                "aggressivewindow",
                "auto",
                "autodetach",
                "autopacklimit",
                "bigpackthreshold",
                "cruftpacks",
                "logexpiry",
                "packrefs",
                "pruneexpire",
                "reflogexpire",
                "reflogexpireunreachable",
                "rerereresolved",
                "rerereunresolved",
                "worktreepruneexpire",
                "writecommitgraph",
                "*.reflogexpire",
                "*.reflogexpireunreachable",
            )
        ),
        "i18n.commitencoding",
        "i18n.logoutputencoding",
        *(
            f"pack.{v}"
            for v in (
                "allowpackreuse",
                "compression",
                "deltacachelimit",
                "deltacachesize",
                "depth",
                "indexversion",
                "island",
                "islandcore",
                "packsizelimit",
                "preferbitmaptips",
                "threads",
                "usebitmaps",
                "usesparse",
                "window",
                "windowmemory",
                "writebitmaphashcache",
                "writebitmaplookuptable",
                "writereverseindex",
            )
        ),
        *(f"pull.{v}" for v in ("ff", "octopus", "rebase", "twohead")),
        *(
            f"push.{v}"
            for v in (
                "autosetupremote",
                "default",
                "followtags",
                "gpgsign",
                "negotiate",
                "pushoption",
                "usebitmaps",
                "useforceifincludes",
            )
        ),
        # not fetch.fsck.*: skipList names a file to read, and a message id set to "ignore"
        # lets a malformed object in
        *(
            f"fetch.{v}"
            for v in (
                "fsckobjects",
                "negotiationalgorithm",
                "output",
                "parallel",
                "prune",
                "prunetags",
                "showforcedupdates",
                "unpacklimit",
                "writecommitgraph",
            )
        ),
        *(
            f"rebase.{v}"
            for v in (
                "abbreviatecommands",
                "autosquash",
                "autostash",
                "backend",
                "forkpoint",
                "instructionformat",
                "missingcommitscheck",
                "reschedulefailedexec",
                "stat",
                "updaterefs",
            )
        ),
        *(
            f"status.{v}"
            for v in (
                "aheadbehind",
                "branch",
                "displaycommentprefix",
                "relativepaths",
                "renamelimit",
                "renames",
                "short",
                "showstash",
                "showuntrackedfiles",
            )
        ),
        *(
            f"index.{v}"
            for v in (
                "recordendofindexentries",
                "recordoffsettable",
                "sparse",
                "threads",
                "version",
            )
        ),
        "feature.experimental",
        "feature.manyfiles",
        # read by git-receive-pack only, when this repository is pushed to (git init --shared
        # writes denyNonFastforwards); pw never serves a repository
        *(
            f"receive.{v}"
            for v in (
                "advertiseatomic",
                "advertisepushoptions",
                "autogc",
                "denycurrentbranch",
                "denydeletecurrent",
                "denydeletes",
                "denynonfastforwards",
                "fsckobjects",
                "hiderefs",
                "keepalive",
                "maxinputsize",
                "shallowupdate",
                "unpacklimit",
                "updateserverinfo",
            )
        ),
        *(
            f"transfer.{v}"
            for v in ("advertisesid", "credentialsinurl", "fsckobjects", "hiderefs", "unpacklimit")
        ),
        "rerere.autoupdate",
        "rerere.enabled",
        # what `git maintenance register` writes; maintenance.<task>.enabled|schedule|auto
        "maintenance.auto",
        "maintenance.strategy",
        "maintenance.*.enabled",
        "maintenance.*.schedule",
        "maintenance.*.auto",
        # what git-lfs writes in a repository by itself; lfs.url, custom transfer agents and
        # extensions would be obeyed by the user's own git-lfs filter
        "lfs.repositoryformatversion",
        "lfs.locksverify",
        "lfs.*.access",
        "lfs.*.locksverify",
        # protocol.allow and protocol.<name>.allow let git speak transports it refuses by default
        "protocol.version",
        "merge.conflictstyle",
        "merge.ff",
        "diff.renames",
        "diff.algorithm",
    }
)


def inert(key: str) -> bool:
    """Whether a key (as git prints it: section, subsection, variable) is on the allowlist."""
    section, _dot, rest = key.lower().partition(".")
    sub, dot, variable = rest.rpartition(".")
    if f"{section}.*" in INERT:
        return True
    return f"{section}.*.{variable}" in INERT if dot and sub else f"{section}.{rest}" in INERT


def irregular_config(git_dir: str) -> str | None:
    """A config file of the repository, or a file its [include]/[includeIf] sections name, that
    is not a regular file (a FIFO, /dev/tty): git would wait on it for ever, so pw refuses the
    folder before git reads it. stat() never waits; git ignores an include that does not exist."""
    import stat

    common = git_dir
    try:
        with open(os.path.join(git_dir, "commondir"), encoding="utf-8") as handle:
            common = os.path.join(git_dir, handle.read().strip())
    except OSError:
        pass
    pending = [os.path.join(common, "config"), os.path.join(git_dir, "config.worktree")]
    seen: set[str] = set()
    while pending and len(seen) < 32:  # git itself stops following includes at depth 10
        path = pending.pop()
        if path in seen:
            continue
        seen.add(path)
        try:
            info = os.stat(path)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode):
            return path
        pending += _includes(path)
    return None


def _includes(path: str) -> list[str]:
    """The paths a config file's include sections name, resolved as git resolves them."""
    try:
        with open(path, "rb") as handle:
            text = handle.read(1 << 20).decode("utf-8", "replace")
    except OSError:
        return []
    found, section = [], ""
    for raw in text.split("\n"):
        line = raw.strip()
        if line.startswith("["):
            section = line[1:].split("]", 1)[0].split(" ", 1)[0].split(".", 1)[0].lower()
            line = line.split("]", 1)[1].strip() if "]" in line else ""
        if section in ("include", "includeif") and "=" in line:
            key, value = (part.strip() for part in line.split("=", 1))
            if key.lower() == "path" and value:
                value = os.path.expanduser(value.strip('"'))
                found.append(
                    value if os.path.isabs(value) else os.path.join(os.path.dirname(path), value)
                )
    return found


def config_may_name_programs(git_dir: str) -> bool:
    """Whether the repository's own config files (common and per-worktree) might set any key
    not on the allowlist. A cheap reading of the file's section headers and key names, which errs
    only towards a second look (one `git config --list`, then gitio.neutralised): continuation
    lines, includes and anything it cannot read plainly all count as such."""
    if irregular_config(git_dir):  # never opened: a FIFO would block the open itself
        return True
    common = git_dir
    try:
        with open(os.path.join(git_dir, "commondir"), encoding="utf-8") as handle:
            common = os.path.join(git_dir, handle.read().strip())
    except OSError:
        pass
    for path in (os.path.join(common, "config"), os.path.join(git_dir, "config.worktree")):
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            continue
        try:
            text = data.decode("ascii")
        except UnicodeDecodeError:
            return True
        if not _plainly_inert(text):
            return True
    return False


def _plainly_inert(text: str) -> bool:
    section: str | None = None
    for raw in text.split("\n"):
        line = raw.strip()
        if line.endswith("\\"):
            return False  # a continuation: the next line is no key of its own
        if line.startswith("["):
            head, closed, line = line[1:].partition("]")
            if not closed:
                return False
            name, space, sub = head.partition(" ")
            if not space and "." in name:  # the old [section.subsection] form
                name, sub = name.split(".", 1)
            if not name.replace("-", "").isalnum():
                return False
            section = name.lower() + (".*" if sub else "")
            line = line.strip()
        if not line or line[0] in "#;":
            continue
        name = line.split("=", 1)[0].strip()
        if section is None or not name.replace("-", "").isalnum() or not name[0].isalpha():
            return False
        if not inert(f"{section}.{name}"):
            return False
    return True


# The report's one slow git call: `git diff-files` over records/, which stats every record file
# (gitio.Git.dirty(["records"]) makes the same call, and takes this one's output instead).
RECORDS_SCAN = ("diff-files", "--name-only", "-z", "--ignore-submodules=all", "--", "records")

_started: list[Started] = []  # stopped at exit when nobody took them


class Started:
    """A git call running since pw's first milliseconds; its output can be taken once."""

    def __init__(self, root: str, args: tuple[str, ...], process: int | Popen, reader: int) -> None:
        self.root, self.args, self.process, self.reader = root, args, process, reader
        self.done = False

    def matches(self, root: str, args: tuple[str, ...]) -> bool:
        return not self.done and os.path.realpath(root) == self.root and tuple(args) == self.args

    def take(self) -> bytes | None:
        """The call's output, once; None when taken before or the call failed."""
        if self.done:
            return None
        self.done = True
        chunks = []
        while chunk := os.read(self.reader, 1 << 16):
            chunks.append(chunk)
        os.close(self.reader)
        return b"".join(chunks) if self._wait() == 0 else None

    def stop(self) -> None:
        """A started call nobody took (the command failed first, say) is read-only: stop it."""
        if self.done:
            return
        self.done = True
        os.close(self.reader)
        try:
            if isinstance(self.process, int):
                os.kill(self.process, 9)
            else:
                self.process.kill()
            self._wait()
        except OSError:
            pass

    def _wait(self) -> int:
        if isinstance(self.process, int):
            return os.waitstatus_to_exitcode(os.waitpid(self.process, 0)[1])
        return self.process.wait()


def start(root: str, env: dict[str, str], args: tuple[str, ...]) -> Started | None:
    """Start `git <args>` in root, reading nothing (stdin and stderr are /dev/null: a call that
    fails is simply run again by gitio, which reports its error)."""
    reader, writer = os.pipe()
    argv = ["git", "-C", root, *args]
    try:
        process = _spawn(argv, env, reader, writer)
    except OSError:
        os.close(reader)
        return None
    finally:
        os.close(writer)
    if not _started:
        import atexit

        atexit.register(_stop)
    started = Started(os.path.realpath(root), tuple(args), process, reader)
    _started.append(started)
    return started


def _spawn(argv: list[str], env: dict[str, str], reader: int, writer: int) -> int | Popen:
    """posix_spawnp where the system has it (no fork of a Python process, no subprocess import);
    elsewhere — Windows — subprocess, which costs its import but does the same."""
    spawn = getattr(os, "posix_spawnp", None)
    if spawn is not None:
        actions = [
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_DUP2, writer, 1),
            (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
            (os.POSIX_SPAWN_CLOSE, reader),
        ]
        pid: int = spawn("git", argv, env, file_actions=actions)
        return pid
    import subprocess

    try:
        return subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=writer,
            stderr=subprocess.DEVNULL,
            env=env,
            close_fds=True,
        )
    except (ValueError, subprocess.SubprocessError) as error:
        raise OSError(str(error)) from error


def _stop() -> None:
    for started in _started:
        started.stop()
