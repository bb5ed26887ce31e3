"""The repository-config allowlist judges keys, not sections (trust gaps, item 1). A folder's own
.git/config once passed every key of gc.*, fetch.*, lfs.*, protocol.* and transfer.*, so keys a
newer git or git-lfs reads (some run a program or fetch from another server) were obeyed. Now only
keys someone has judged pass; any other is named, with the command that removes it (exit 78), and
what `git init`, `git clone`, `git init --shared`, `git maintenance register` and git-lfs write
still works."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import git, log_committee, ok, run_pw
from test_untrusted import _evil_script

GIT_LFS = shutil.which("git-lfs")


def _shared(branch: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The branch pushed to a bare server, and a second clone of it (the other member)."""
    bare = tmp_path / "server.git"
    git("init", "-q", "--bare", str(bare), cwd=tmp_path)
    git("remote", "add", "origin", str(bare), cwd=branch)
    log_committee(branch)
    ok(run_pw("sync", cwd=branch))
    other = tmp_path / "other"
    git("clone", "-q", str(bare), str(other), cwd=tmp_path)
    return bare, other


def _push_lfs_pointer(other: Path) -> None:
    """Another member pushes a file git-lfs would fetch on checkout (its object is nowhere)."""
    (other / ".gitattributes").write_text("*.bin filter=lfs diff=lfs merge=lfs -text\n")
    (other / "scan.bin").write_text(
        "version https://git-lfs.github.com/spec/v1\noid sha256:" + "ab" * 32 + "\nsize 12\n",
        encoding="utf-8",
    )
    git("-c", "filter.lfs.clean=cat", "add", ".gitattributes", "scan.bin", cwd=other)
    git("commit", "-qm", "扫描件", cwd=other)
    git("push", "-q", "--no-verify", "origin", "HEAD:main", cwd=other)


@pytest.mark.skipif(GIT_LFS is None, reason="needs git-lfs")
def test_a_custom_lfs_transfer_agent_named_by_the_folder_never_runs(branch, tmp_path):
    """The user has git-lfs (its filter in their own config, as `git lfs install` leaves it); the
    folder names a transfer agent. pw sync checks out a pointer file, git-lfs's smudge would fetch
    its object through the folder's agent: the folder's program would run."""
    git("lfs", "install", "--skip-repo", cwd=tmp_path)  # the user's global filter.lfs
    _bare, other = _shared(branch, tmp_path)
    _push_lfs_pointer(other)
    script, marker = _evil_script(tmp_path)
    git("config", "lfs.standalonetransferagent", "evil", cwd=branch)
    git("config", "lfs.customtransfer.evil.path", str(script), cwd=branch)
    result = run_pw("sync", cwd=branch, timeout=60)
    assert not marker.exists(), "the folder's transfer agent ran"
    assert result.returncode == 78, (result.returncode, result.stderr)
    assert "lfs.standalonetransferagent" in result.stderr or "lfs.customtransfer" in result.stderr
    assert "git config --unset-all lfs." in result.stderr
    # once the user removes what pw named, sync works (the pointer stays a pointer without a
    # server: git-lfs's own failure, not the folder's program)
    git("config", "--remove-section", "lfs.customtransfer.evil", cwd=branch)
    git("config", "--unset", "lfs.standalonetransferagent", cwd=branch)
    run_pw("sync", cwd=branch, timeout=60)
    assert not marker.exists()


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("lfs.customtransfer.evil.path", "/tmp/evil"),  # a program git-lfs runs
        ("lfs.extension.evil.smudge", "/tmp/evil %f"),  # another
        ("lfs.url", "http://127.0.0.1:9/lfs"),  # objects fetched from (and pushed to) elsewhere
        ("fetch.bundleURI", "http://127.0.0.1:9/bundle"),  # git ≥ 2.42 fetches it first
        ("transfer.bundleURI", "true"),  # git ≥ 2.42: clone from bundles the server advertises
        ("gc.recentObjectsHook", "/tmp/evil"),  # git ≥ 2.42 runs it on gc (after pw's commits)
        ("fetch.fsck.skipList", "/dev/tty"),  # a file to read (which may never answer)
        ("protocol.allow", "always"),  # every transport, even those git refuses by default
        ("protocol.file.allow", "always"),
        ("core.unknownFutureKey", "x"),
    ],
)
def test_a_key_nobody_judged_is_refused_by_name(branch, key, value):
    log_committee(branch)
    git("config", key, value, cwd=branch)
    for command in (("status",), ("report", "quarter", "2026Q3", "--format", "json"), ("verify",)):
        result = run_pw(*command, cwd=branch)
        assert result.returncode == 78, (key, command, result.returncode, result.stderr)
        assert key.lower() in result.stderr.lower(), result.stderr
        assert "git config --unset-all" in result.stderr
        assert "Traceback" not in result.stderr
    english = run_pw("--lang", "en", "status", cwd=branch)
    assert english.returncode == 78 and "remove it" in english.stderr


def test_what_git_and_git_lfs_write_themselves_still_works(branch, tmp_path):
    """A clone with what git clone, git init --shared, git maintenance register, git-lfs (even
    where it is not installed) and an everyday user leave in .git/config."""
    _bare, other = _shared(branch, tmp_path)
    url = git("config", "remote.origin.url", cwd=other).strip()
    for key, value in (
        ("core.sharedRepository", "group"),
        ("receive.denyNonFastforwards", "true"),
        ("maintenance.auto", "false"),
        ("maintenance.strategy", "incremental"),
        ("maintenance.gc.enabled", "true"),
        ("lfs.repositoryformatversion", "0"),
        (f"lfs.{url}/info/lfs.access", "basic"),
        (f"lfs.{url}/info/lfs.locksverify", "false"),
        ("filter.lfs.clean", "git-lfs clean -- %f"),
        ("filter.lfs.smudge", "git-lfs smudge -- %f"),
        ("filter.lfs.process", "git-lfs filter-process"),
        ("filter.lfs.required", "true"),
        ("remote.pushDefault", "origin"),
        ("branch.main.rebase", "true"),
        ("branch.autoSetupMerge", "always"),
        ("gc.auto", "0"),
        ("gc.pruneExpire", "2.weeks.ago"),
        ("gc.refs/remotes/*.reflogExpire", "never"),
        ("fetch.prune", "true"),
        ("fetch.parallel", "0"),
        ("pull.rebase", "true"),
        ("push.default", "simple"),
        ("protocol.version", "2"),
        ("transfer.fsckObjects", "true"),
        ("rebase.autoStash", "true"),
        ("status.showUntrackedFiles", "no"),
        ("index.version", "4"),
        ("feature.manyFiles", "true"),
        ("rerere.enabled", "true"),
        ("i18n.commitEncoding", "UTF-8"),
        ("color.ui", "auto"),
        ("color.diff.meta", "yellow bold"),
        ("advice.detachedHead", "false"),
        ("author.name", "张三"),
        ("committer.email", "zhang@example.org"),
    ):
        git("config", key, value, cwd=other)
    ok(run_pw("status", cwd=other))
    record = log_committee(other)
    ok(run_pw("sync", cwd=other))
    assert record in ok(run_pw("list", "--format", "json", cwd=other)).stdout
    ok(run_pw("verify", cwd=other))
    ok(run_pw("sync", cwd=branch))
    assert record in ok(run_pw("list", "--format", "json", cwd=branch)).stdout


def test_the_allowlist_names_keys_not_sections():
    """gitio.refused on the keys the e2e tests above do not plant one by one."""
    from partywork.storage.git.early import inert
    from partywork.storage.git.gitio import refused

    judged = [
        "gc.auto",
        "gc.refs/remotes/*.reflogexpire",
        "fetch.prune",
        "lfs.repositoryformatversion",
        "lfs.https://x.org/r.git/info/lfs.access",
        "protocol.version",
        "transfer.fsckobjects",
        "maintenance.commit-graph.auto",
        "branch.主分支.merge",
        "color.diff.meta",
    ]
    unjudged = [
        "gc.recentobjectshook",
        "fetch.bundleuri",
        "fetch.fsck.skiplist",
        "fetch.fsck.missingemail",
        "transfer.bundleuri",
        "lfs.url",
        "lfs.customtransfer.x.path",
        "lfs.standalonetransferagent",
        "lfs.extension.x.clean",
        "protocol.allow",
        "branch.main.vcs",
        "maintenance.repo",
        "author.signingkey",
    ]
    assert all(inert(key) for key in judged), [k for k in judged if not inert(k)]
    assert not any(inert(key) for key in unjudged), [k for k in unjudged if inert(k)]
    entries = [("local", key, "x") for key in [*judged, *unjudged]]
    assert refused(entries) == unjudged
    # never inert, and never obeyed: pw sets them over on every git call (fsmonitor off; hooks
    # off but for pw's own commits and tags, SPEC §7), as test_untrusted.py and
    # test_untrusted_borrowed.py show by running what the folder names
    from partywork.storage.git.early import NO_HOOKS, SAFE_CONFIG

    assert not inert("core.fsmonitor") and not inert("core.hookspath")
    assert ("core.fsmonitor", "false") in SAFE_CONFIG and NO_HOOKS[0][0] == "core.hooksPath"
    # the user's own settings are never judged
    assert refused([("global", key, "x") for key in unjudged]) == []
