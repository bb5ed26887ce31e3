"""pw sync against a git server that asks for a login (issue 17 point 2): `git http-backend` behind
lighttpd with basic authentication, started by the test on 127.0.0.1 and serving a bare repository
the test made. Git's credential helpers work; on a terminal git's own prompt reaches the user;
without a terminal or with a wrong password pw says so (exit 77) within seconds."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import urllib.parse
from pathlib import Path

import pytest

from conftest import git, log_committee, ok, pw_argv, run_pw
from test_sync import _free_port, clone

USER = "zuzhi"
PASSWORD = "党支部2026"

LIGHTTPD = shutil.which("lighttpd") or (
    "/usr/sbin/lighttpd" if os.path.exists("/usr/sbin/lighttpd") else None
)
BACKEND = "/usr/lib/git-core/git-http-backend"
pytestmark = pytest.mark.skipif(
    LIGHTTPD is None or not os.path.exists(BACKEND), reason="needs lighttpd and git-http-backend"
)


def _config(root: Path, port: int) -> str:
    return f"""
server.document-root = "{root / "served"}"
server.bind = "127.0.0.1"
server.port = {port}
server.modules = ("mod_alias", "mod_auth", "mod_authn_file", "mod_cgi", "mod_setenv")
server.errorlog = "{root / "error.log"}"
auth.backend = "plain"
auth.backend.plain.userfile = "{root / "users"}"
alias.url = ( "/git/" => "{BACKEND}/" )
$HTTP["url"] =~ "^/git/" {{
  cgi.assign = ( "" => "" )
  setenv.set-environment = ( "GIT_PROJECT_ROOT" => "{root / "served"}",
                             "GIT_HTTP_EXPORT_ALL" => "1" )
  auth.require = ( "" => ( "method" => "basic", "realm" => "branch", "require" => "valid-user" ) )
}}
"""


@pytest.fixture
def server(tmp_path):
    """lighttpd on a free loopback port; yields the URL of an empty bare repository behind a
    login."""
    root = tmp_path / "http"
    (root / "served").mkdir(parents=True)
    bare = root / "served" / "branch.git"
    git("init", "-q", "--bare", str(bare), cwd=root)
    git("config", "http.receivepack", "true", cwd=bare)
    (root / "users").write_text(f"{USER}:{PASSWORD}\n", encoding="utf-8")
    port = _free_port()
    (root / "lighttpd.conf").write_text(_config(root, port), encoding="utf-8")
    proc = subprocess.Popen(
        [LIGHTTPD, "-D", "-f", str(root / "lighttpd.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/git/branch.git"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        import socket

        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def store_credential(url: str, password: str) -> None:
    """git's own `store` helper, in the test's isolated HOME and global config."""
    home = Path(os.environ["HOME"])
    parts = urllib.parse.urlsplit(url)
    secret = urllib.parse.quote(password, safe="")
    line = f"{parts.scheme}://{USER}:{secret}@{parts.netloc}\n"
    (home / ".git-credentials").write_text(line, encoding="utf-8")
    git("config", "--global", "credential.helper", "store", cwd=home)


def test_a_stored_credential_lets_sync_work(branch, server, tmp_path):
    store_credential(server, PASSWORD)
    git("remote", "add", "origin", server, cwd=branch)
    record = log_committee(branch)
    ok(run_pw("sync", cwd=branch))
    second = clone(server, tmp_path / "second")
    assert (second / "records" / "2026" / f"{record}.yaml").is_file()
    ok(run_pw("sync", cwd=branch))  # and again, with nothing new


def test_no_credential_and_no_terminal_is_exit_77_within_seconds(branch, server):
    git("remote", "add", "origin", server, cwd=branch)
    started = time.monotonic()
    result = run_pw("sync", cwd=branch, timeout=30)
    elapsed = time.monotonic() - started
    assert result.returncode == 77, result.stderr
    assert elapsed < 10
    assert "origin" in result.stderr and "127.0.0.1" in result.stderr
    assert "credential.helper" in result.stderr  # the fix
    assert "terminal prompts disabled" not in result.stderr  # git's words are not pw's message
    assert "Traceback" not in result.stderr and "internal" not in result.stderr.lower()


def test_no_credential_in_english_names_the_login(branch, server):
    git("remote", "add", "origin", server, cwd=branch)
    result = run_pw("--lang", "en", "sync", cwd=branch, timeout=30)
    assert result.returncode == 77
    assert "login" in result.stderr.lower() and "credential.helper" in result.stderr


def test_a_wrong_password_is_said_as_such(branch, server):
    store_credential(server, "错误的密码")
    git("remote", "add", "origin", server, cwd=branch)
    log_committee(branch)
    before = git("rev-parse", "HEAD", cwd=branch)
    result = run_pw("--lang", "en", "sync", cwd=branch, timeout=30)
    assert result.returncode == 77, result.stderr
    assert "refused the login" in result.stderr and "origin" in result.stderr
    assert "Authentication failed" not in result.stderr
    assert git("rev-parse", "HEAD", cwd=branch) == before


def test_a_password_in_the_url_is_never_printed(branch, server):
    parts = urllib.parse.urlsplit(server)
    with_secret = f"{parts.scheme}://{USER}:wrong-secret-xyz@{parts.netloc}{parts.path}"
    git("remote", "add", "origin", with_secret, cwd=branch)
    result = run_pw("sync", cwd=branch, timeout=30)
    assert result.returncode == 77
    assert "wrong-secret-xyz" not in result.stderr and "origin" in result.stderr


def _on_a_terminal(args: list[str], cwd: Path, answers: list[tuple[bytes, str]]):
    """Run pw with a pseudo-terminal as its controlling terminal (git's prompt opens /dev/tty);
    answer each prompt as it appears. Returns (exit code, everything the terminal showed)."""
    import fcntl
    import pty
    import termios

    master, slave = pty.openpty()

    def own_terminal() -> None:
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    process = subprocess.Popen(
        pw_argv(*args),
        cwd=cwd,
        stdin=slave,
        stderr=slave,
        stdout=subprocess.PIPE,
        env={**os.environ, "TERM": "dumb"},
        start_new_session=True,
        preexec_fn=own_terminal,
    )
    os.close(slave)
    seen = b""
    deadline = time.time() + 60
    for prompt, answer in answers:
        while prompt not in seen and time.time() < deadline:
            try:
                seen += os.read(master, 4096)
            except OSError:  # pw exited: the terminal is gone
                break
        os.write(master, (answer + "\n").encode())
    while process.poll() is None and time.time() < deadline:
        try:
            seen += os.read(master, 4096)  # keep reading: a full pty would block pw
        except OSError:
            break
    process.wait(timeout=60)
    os.close(master)
    return process.returncode, seen.decode("utf-8", "replace")


def test_on_a_terminal_gits_prompt_reaches_the_user_once(branch, server, tmp_path):
    git("remote", "add", "origin", server, cwd=branch)
    record = log_committee(branch)
    code, shown = _on_a_terminal(
        ["sync"], branch, [(b"Username for", USER), (b"Password for", PASSWORD)]
    )
    assert code == 0, shown
    assert shown.count("Password for") == 1  # asked once for the whole sync, not per git call
    assert PASSWORD not in shown  # git does not echo it
    second = clone_with(server, tmp_path / "second")
    assert (second / "records" / "2026" / f"{record}.yaml").is_file()


def clone_with(url: str, dest: Path) -> Path:
    parts = urllib.parse.urlsplit(url)
    secret = urllib.parse.quote(PASSWORD, safe="")
    authed = f"{parts.scheme}://{USER}:{secret}@{parts.netloc}{parts.path}"
    return clone(authed, dest)


def test_a_wrong_password_typed_on_a_terminal_is_said_as_such(branch, server):
    git("remote", "add", "origin", server, cwd=branch)
    code, shown = _on_a_terminal(
        ["--lang", "en", "sync"], branch, [(b"Username for", USER), (b"Password for", "错误的密码")]
    )
    assert code == 77, shown
    assert "refused the login" in shown and "Traceback" not in shown
