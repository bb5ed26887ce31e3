"""Issue 12, third round (a tester's report on main a7d8879): a folder's own .git/config names a
remote helper (remote.<name>.vcs), a proxy or a cookie file; .git's objects or refs are symlinks
into another repository; a password hides in a malformed remote URL. pw runs nothing, sends
nothing, reads no other repository and prints no password — and an honest clone stays usable."""

from __future__ import annotations

import http.server
import os
import shutil
import threading
from collections.abc import Iterator

import pytest

from conftest import git, log_committee, ok, run_pw
from test_untrusted import _evil_script

REPORT = ("report", "quarter", "2026Q3", "--format", "json")


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Answers 404 to everything and keeps every request's headers."""

    seen: list[dict[str, str]]

    def _answer(self) -> None:
        self.seen.append({"path": self.path, **{k.lower(): v for k, v in self.headers.items()}})
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = do_CONNECT = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, list[dict[str, str]]]]:
    seen: list[dict[str, str]] = []
    handler = type("Handler", (_Recorder,), {"seen": seen})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{httpd.server_address[1]}", seen
    httpd.shutdown()
    httpd.server_close()


def test_a_remote_helper_named_by_the_folder_never_runs(branch, tmp_path):
    """H1: remote.<name>.vcs = x/../evil makes git run ./git-remote-x/../evil on any exchange."""
    log_committee(branch)
    script, marker = _evil_script(tmp_path)
    (branch / "git-remote-x").mkdir()
    shutil.copy(script, branch / "evil")
    bare = tmp_path / "bare.git"
    git("init", "-q", "--bare", str(bare), cwd=tmp_path)
    for name in ("origin", "second"):
        git("remote", "add", name, str(bare), cwd=branch)
        git("config", f"remote.{name}.vcs", "x/../evil", cwd=branch)
    for args in (("status",), ("sync",), REPORT):
        result = run_pw(*args, cwd=branch)
        assert result.returncode == 78, (args, result.returncode, result.stderr)
        assert "remote.origin.vcs" in result.stderr and "Traceback" not in result.stderr
    # a remote pw does not exchange with is no less refused
    git("config", "--unset", "remote.origin.vcs", cwd=branch)
    result = run_pw("status", cwd=branch)
    assert result.returncode == 78 and "remote.second.vcs" in result.stderr
    assert not marker.exists()


def test_a_cookie_file_or_proxy_named_by_the_folder_is_not_used(branch, tmp_path, server):
    """H8: http.cookieFile would send a local cookie to the folder's remote; a proxy the folder
    names would see the exchange."""
    address, seen = server
    cookies = tmp_path / "cookies.txt"
    cookies.write_text("127.0.0.1\tFALSE\t/\tFALSE\t0\tsession\tS3CRETCOOKIE\n", encoding="utf-8")
    git("remote", "add", "origin", f"http://{address}/branch.git", cwd=branch)
    git("config", "http.cookieFile", str(cookies), cwd=branch)
    git("config", "http.saveCookies", "true", cwd=branch)
    run_pw("status", cwd=branch)
    assert seen, "the test server was never asked: the exchange did not happen"
    assert not any("cookie" in request for request in seen), seen
    # a proxy: every request would go to the proxy's address instead
    for key in ("http.proxy", "remote.origin.proxy", f"http.http://{address}/.proxy"):
        seen.clear()
        git("config", key, "http://127.0.0.1:9", cwd=branch)  # the discard port: nobody there
        run_pw("status", cwd=branch)
        assert seen, f"{key}: the exchange went to the folder's proxy"
        git("config", "--unset", key, cwd=branch)


def test_a_url_rewrite_named_by_the_folder_is_refused(branch, tmp_path):
    """url.<base>.insteadOf has no harmless value to put over it: pw names it and stops."""
    git("remote", "add", "origin", "https://supervisor.example/branch.git", cwd=branch)
    git("config", "url.http://127.0.0.1:9/.insteadOf", "https://supervisor.example/", cwd=branch)
    result = run_pw("status", cwd=branch)
    assert result.returncode == 78 and "insteadof" in result.stderr.lower()
    assert "git config --unset" in result.stderr or "git config --unset" in result.stderr.lower()


def test_an_honest_clone_with_everyday_settings_still_works(branch, tmp_path):
    """What git clone, git init and a careful user leave in .git/config needs no refusal."""
    record = log_committee(branch)
    bare = tmp_path / "bare.git"
    git("clone", "-q", "--bare", str(branch), str(bare), cwd=tmp_path)
    clone = tmp_path / "clone"
    git("clone", "-q", str(bare), str(clone), cwd=tmp_path)
    for key, value in (
        ("user.name", "张三"),
        ("user.email", "zhang@example.org"),
        ("pull.rebase", "true"),
        ("core.fsync", "added"),
        ("core.fsyncMethod", "fsync"),
        ("gc.auto", "300"),
        ("color.ui", "auto"),
        ("core.autocrlf", "false"),
        ("credential.username", "zhang"),
        ("http.postBuffer", "524288000"),
    ):
        git("config", key, value, cwd=clone)
    ok(run_pw("status", cwd=clone))
    ok(run_pw("sync", cwd=clone))
    assert record in ok(run_pw("list", "--format", "json", cwd=clone)).stdout


@pytest.mark.parametrize("part", ["objects", "refs", "packed-refs", "HEAD", "objects/pack"])
def test_git_data_symlinked_into_another_repository_is_refused(branch, tmp_path, part):
    """H6: .git/objects (or refs, …) as a symlink to another repository's."""
    log_committee(branch)
    other = tmp_path / "other"
    shutil.copytree(branch, other, symlinks=True)
    secret = log_committee(other)
    git("pack-refs", "--all", cwd=other)
    handed = tmp_path / "handed"
    shutil.copytree(branch, handed, symlinks=True)
    target = handed / ".git" / part
    if target.is_dir():
        shutil.rmtree(target)
    elif target.exists():
        target.unlink()
    os.symlink(other / ".git" / part, target)
    for args in (REPORT, ("verify",)):
        result = run_pw(*args, cwd=handed)
        assert result.returncode == 78, (part, args, result.returncode, result.stderr)
        assert str((other / ".git").resolve()) in result.stderr
        assert secret not in result.stdout


def test_a_symlink_inside_git_pointing_inside_it_is_fine(branch):
    """git itself once made HEAD a symlink (core.preferSymlinkRefs): inside .git it is harmless."""
    log_committee(branch)
    head = branch / ".git" / "HEAD"
    target = head.read_text(encoding="utf-8").split(":", 1)[1].strip()
    head.unlink()
    os.symlink(target, head)
    ok(run_pw("verify", cwd=branch))


@pytest.mark.parametrize(
    "url",
    [
        "http://user:p@ssB0ND@127.0.0.1:9/x.git",
        "http://user:E/B0ND@127.0.0.1:9/x.git",
        "http://ghp_B0ND@127.0.0.1:9/x.git",
        "http://user:B0ND:more@127.0.0.1:9/x.git",
    ],
)
def test_a_password_in_a_malformed_url_is_never_printed(branch, url):
    """H7: whatever lies between :// and the last @ of the address is hidden."""
    git("remote", "add", "origin", url, cwd=branch)
    for args in (("status",), ("sync",)):
        result = run_pw(*args, cwd=branch)
        assert result.returncode in (74, 77), (result.returncode, result.stderr)
        assert "B0ND" not in result.stderr + result.stdout, result.stderr
        assert "127.0.0.1" in result.stderr


def test_hide_secret_keeps_the_host_and_hides_everything_before_the_last_at():
    from partywork.storage.git.gitio import hide_secret

    assert hide_secret("http://u:p@ss@host/x.git") == "http://***@host/x.git"
    assert hide_secret("fatal: 'https://u:E/sec@host/'  x") == "fatal: 'https://***@host/'  x"
    assert hide_secret("https://host/x.git") == "https://host/x.git"
    assert (
        hide_secret("a http://t@h/ and ssh://g:x@h2:22/p")
        == "a http://***@h/ and ssh://***@h2:22/p"
    )


def test_the_allowlist_refuses_what_it_has_not_judged_and_puts_back_proxies():
    """gitio.refused and neutralised on keys the tests above do not plant one by one."""
    from partywork.storage.git.gitio import neutralised, refused

    entries = [
        ("global", "http.proxy", "http://own-proxy:3128"),
        ("global", "http.cookiefile", "/home/me/cookies"),
        ("local", "remote.origin.url", "https://x.org/r.git"),
        ("local", "remote.origin.fetch", "+refs/heads/*:refs/remotes/origin/*"),
        ("local", "branch.main.remote", "origin"),
        ("local", "core.worktree", "../.."),
        ("local", "http.proxy", "http://evil:1"),
        ("local", "remote.origin.proxy", "http://evil:1"),
        ("local", "http.https://x.org/.cookiefile", "/etc/evil"),
        ("local", "http.cookiefile", "/etc/evil"),
        ("local", "gpg.ssh.allowedsignersfile", "/evil"),
        ("local", "remote.origin.vcs", "x/../evil"),
        ("local", "url.http://evil/.insteadof", "https://x.org/"),
        ("local", "core.excludesfile", "/etc/shadow"),
        ("local", "http.sslcert", "/home/me/.ssh/id"),
        ("local", "trailer.x.command", "evil"),
        ("worktree", "difftool.x.cmd", "evil"),
    ]
    assert refused(entries) == [
        "remote.origin.vcs",
        "url.http://evil/.insteadof",
        "core.excludesfile",
        "http.sslcert",
        "trailer.x.command",
        "difftool.x.cmd",
    ]
    config, _env = neutralised(entries)
    assert ("http.proxy", "http://own-proxy:3128") in config
    assert ("remote.origin.proxy", "http://own-proxy:3128") in config
    assert ("http.cookiefile", "/home/me/cookies") in config
    assert ("http.https://x.org/.cookiefile", "") in config
    assert ("gpg.ssh.allowedsignersfile", "") in config
    assert not any("evil" in value for _key, value in config)


@pytest.mark.parametrize(
    ("text", "needs_a_look"),
    [
        (
            '[core]\n\tbare = false\n[remote "origin"]\n\turl = /x\n'
            '[branch "main"]\n\tremote = o\n'
            "[user]\n\tname = Z\n",
            False,
        ),
        ("[user]\n\tname = 张三\n", True),  # not plain ASCII: git reads it, pw looks
        ('[remote "origin"]\n\turl = /x\n\tvcs = x/../evil\n', True),
        ('[remote "origin"] vcs = evil\n', True),
        ('[remote "origin"]\n\turl = /x \\\n\tvcs = evil\n', True),
        ("[remote.origin]\n\tvcs = evil\n", True),
        ("[include]\n\tpath = other\n", True),
        ('[url "http://evil/"]\n\tinsteadOf = https://x/\n', True),
        ("[gc]\n\tauto = 0\n; a comment\n# another\n", False),
    ],
)
def test_the_head_start_reads_a_config_as_git_does_or_looks_again(tmp_path, text, needs_a_look):
    """early.config_may_name_programs spares the `git config --list` only for plainly inert keys."""
    from partywork.storage.git.early import config_may_name_programs

    (tmp_path / "config").write_text(text, encoding="utf-8")
    assert config_may_name_programs(str(tmp_path)) is needs_a_look


@pytest.mark.parametrize("where", ["included", "config"])
def test_a_config_that_is_a_fifo_is_refused_not_waited_on(branch, where):
    """A folder whose .git/config, or a file it includes, is a FIFO would make git (and pw's own
    reading of the config) wait for ever: refused at once, exit 78, naming the file."""
    dot_git = branch / ".git"
    if where == "included":
        os.mkfifo(dot_git / "fifo")
        with open(dot_git / "config", "a", encoding="utf-8") as config:
            config.write("[include]\n\tpath = fifo\n")
    else:
        (dot_git / "config").rename(dot_git / "config.kept")
        os.mkfifo(dot_git / "config")
    for command in (["report", "quarter", "2026Q3"], ["status"], ["audit"]):
        result = run_pw(*command, cwd=branch, timeout=20)
        assert result.returncode == 78 and "不是普通文件" in result.stderr, command
