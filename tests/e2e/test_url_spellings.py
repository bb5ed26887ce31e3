"""One server, however its url is written, is one witness (trust gaps, item 3). The desk remembers
what it saw on a branch's server under the url; a branch that force-pushed could have the
supervisor add it again under another name and another spelling of the same url (a login in it,
`localhost` for 127.0.0.1, the ssh and scp forms of one address …) and start a witness afresh; and
pw sync's own witness of a remote was lost with `git remote set-url` to another spelling. A real
server: test_sync_auth's lighttpd serving git http-backend."""

from __future__ import annotations

import os
import urllib.parse
from pathlib import Path

import pytest

from conftest import COMMITTEE_ARGS, git, log_committee, ok, run_pw
from test_sync_auth import PASSWORD, USER, server  # noqa: F401 (server: a fixture)


def _credentials(url: str) -> None:
    """git's store helper knows the login under both names of the loopback host."""
    parts = urllib.parse.urlsplit(url)
    secret = urllib.parse.quote(PASSWORD, safe="")
    lines = [
        f"{parts.scheme}://{USER}:{secret}@{host}:{parts.port}\n"
        for host in ("127.0.0.1", "localhost")
    ]
    home = Path(os.environ["HOME"])
    (home / ".git-credentials").write_text("".join(lines), encoding="utf-8")
    git("config", "--global", "credential.helper", "store", cwd=home)


def _desk(branch: Path, url: str, tmp_path: Path) -> Path:
    git("remote", "add", "origin", url, cwd=branch)
    _credentials(url)
    log_committee(branch)
    ok(run_pw("sync", cwd=branch))
    folder = tmp_path / "desk"
    ok(run_pw("fleet", "init", "--dir", str(folder), cwd=tmp_path))
    ok(run_pw("fleet", "add", "一支部", url, cwd=folder))
    ok(run_pw("fleet", "sync", cwd=folder))
    return folder


def _spelt(url: str, how: str) -> str:
    return {
        "localhost": url.replace("127.0.0.1", "localhost"),
        "login": url.replace("://", f"://{USER}@"),
        "no-suffix": url.removesuffix(".git"),
        "slash-and-dot": url.replace("/git/", "/git/./") + "/",
    }[how]


@pytest.mark.parametrize("how", ["localhost", "login", "no-suffix", "slash-and-dot"])
def test_a_force_push_is_not_hidden_by_another_spelling_of_the_url(branch, server, tmp_path, how):  # noqa: F811
    folder = _desk(branch, server, tmp_path)
    witnessed = git("rev-parse", "HEAD", cwd=folder / "branches" / "一支部")
    # the branch rewrites what the desk saw, and has the supervisor add it anew
    git("commit", "-q", "--amend", "--allow-empty", "-m", "改过的记录", cwd=branch)
    git("push", "-q", "--force", "origin", "HEAD:main", cwd=branch)
    ok(run_pw("fleet", "remove", "一支部", cwd=folder))
    ok(run_pw("fleet", "add", "第一支部", _spelt(server, how), cwd=folder))
    result = run_pw("fleet", "sync", cwd=folder, timeout=60)
    line = next(x for x in result.stdout.splitlines() if x.startswith("第一支部"))
    assert result.returncode == 1 and "REWRITTEN" in line, (result.stdout, result.stderr)
    assert witnessed[:10] in line
    assert not (folder / "branches" / "第一支部").exists()


def test_an_honest_branch_added_under_another_spelling_stays_clean(branch, server, tmp_path):  # noqa: F811
    folder = _desk(branch, server, tmp_path)
    august = [a if a != "2026-07-03" else "2026-08-03" for a in COMMITTEE_ARGS]
    ok(run_pw(*august, cwd=branch))
    ok(run_pw("sync", cwd=branch))
    ok(run_pw("fleet", "remove", "一支部", cwd=folder))
    ok(run_pw("fleet", "add", "第一支部", _spelt(server, "localhost"), cwd=folder))
    synced = ok(run_pw("fleet", "sync", cwd=folder, timeout=60))
    assert "REWRITTEN" not in synced.stdout
    ok(run_pw("fleet", "verify", cwd=folder))


def _rewritten_elsewhere(bare: Path, tmp_path: Path) -> None:
    """Someone with the server's keys amends its last commit and force-pushes."""
    other = tmp_path / "other"
    git("clone", "-q", str(bare), str(other), cwd=tmp_path)
    git("commit", "-q", "--amend", "--allow-empty", "-m", "改过的记录", cwd=other)
    git("push", "-q", "--force", "origin", "HEAD:main", cwd=other)


@pytest.mark.parametrize("spelling", ["file://{bare}/", "{bare}/../server.git", "{bare}/"])
def test_pw_sync_knows_a_rewritten_remote_under_another_spelling(branch, tmp_path, spelling):
    bare = tmp_path / "server.git"
    git("init", "-q", "--bare", str(bare), cwd=tmp_path)
    git("remote", "add", "origin", str(bare), cwd=branch)
    log_committee(branch)
    ok(run_pw("sync", cwd=branch))
    witnessed = git("rev-parse", "HEAD", cwd=branch).strip()
    _rewritten_elsewhere(bare, tmp_path)
    git("remote", "set-url", "origin", spelling.format(bare=bare), cwd=branch)
    result = run_pw("sync", cwd=branch)
    assert result.returncode == 1 and "REWRITTEN" in result.stderr, result.stderr
    assert witnessed[:10] in result.stderr
    assert git("rev-parse", "HEAD", cwd=branch).strip() == witnessed


def test_pw_sync_under_another_spelling_of_an_honest_remote(branch, tmp_path):
    bare = tmp_path / "server.git"
    git("init", "-q", "--bare", str(bare), cwd=tmp_path)
    git("remote", "add", "origin", str(bare), cwd=branch)
    log_committee(branch)
    ok(run_pw("sync", cwd=branch))
    git("remote", "set-url", "origin", f"file://{bare}/", cwd=branch)
    august = [a if a != "2026-07-03" else "2026-08-03" for a in COMMITTEE_ARGS]
    ok(run_pw(*august, cwd=branch))
    ok(run_pw("sync", cwd=branch))
    ok(run_pw("sync", cwd=branch))
    ok(run_pw("verify", cwd=branch))


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("ssh://git@git.example.org/dangwei/yizhibu.git", "git@git.example.org:dangwei/yizhibu"),
        ("ssh://git@git.example.org:22/~/yizhibu", "git.example.org:yizhibu.git/"),
        ("https://git.example.org/DangWei/YiZhiBu.git", "git@git.example.org:dangwei/yizhibu"),
        ("http://zuzhi:secret@GIT.example.org:8080/x", "https://git.example.org/x.git"),
        (
            "https://例子.中国/一支部.git",
            "https://xn--fsqu00a.xn--fiqs8s/%E4%B8%80%E6%94%AF%E9%83%A8",
        ),
        ("https://host/Cafe\u0301", "https://host/caf%C3%A9.git"),  # é decomposed / composed
        ("http://[::1]:3000/x", "http://localhost/x/"),
        ("/srv/git/yizhibu.git", "file:///srv/git//yizhibu.git/"),
        ("/srv/git/yizhibu/.git", "/srv/git/./yizhibu"),
    ],
)
def test_spellings_of_one_server_are_one_witness(one, other):
    from partywork.storage.witness import desk_url

    assert desk_url(one) == desk_url(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("https://git.example.org/a/x.git", "https://git.example.org/b/x.git"),
        ("https://git.example.org/x.git", "https://git.example.com/x.git"),
        ("/srv/git/x.git", "https://srv/git/x.git"),  # a folder here is no server
        ("/srv/git/X.git", "/srv/git/x.git"),  # folders keep their case
    ],
)
def test_different_servers_stay_apart(one, other):
    from partywork.storage.witness import desk_url

    assert desk_url(one) != desk_url(other)


def test_a_folder_reached_through_a_symlink_is_the_same_folder(tmp_path):
    from partywork.storage.witness import desk_url

    (tmp_path / "real.git").mkdir()
    os.symlink(tmp_path / "real.git", tmp_path / "link")
    assert desk_url(str(tmp_path / "link")) == desk_url(f"file://{tmp_path}/real.git")
