"""Issue 17: the supervisor's desk, `pw fleet`. Three branches, each made with `pw init` (so each
has a history of its own) and shared through a bare repository the test makes; the supervisor
keeps a desk of clones and is never fooled by a branch that rewrites what it already showed."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import COMMITTEE_ARGS, git, ok, run_pw
from test_sync_auth import PASSWORD, server, store_credential  # noqa: F401 (server: a fixture)

NAMES = ("一支部", "二支部", "三支部")
MEMBERS = (("王伟", "secretary"), ("李芳", "committee"), ("张强", "committee"))


def _log(root: Path, day: str) -> str:
    args = [a if a != "2026-07-03" else day for a in COMMITTEE_ARGS]
    return ok(run_pw(*args, cwd=root)).stdout.strip()


def _branch(tmp_path: Path, index: int) -> tuple[Path, Path]:
    """A branch's own working copy, with one meeting, pushed to its bare remote by pw sync."""
    name = NAMES[index]
    root = tmp_path / f"work{index}"
    ok(run_pw("init", str(root), "--branch", f"第{index + 1}项目部党支部", cwd=tmp_path))
    for member, role in MEMBERS:
        ok(run_pw("member", "add", member, "--joined", "2024-01-01", "--role", role, cwd=root))
    _log(root, "2026-07-03")
    remote = tmp_path / f"{name}.git"
    git("init", "-q", "--bare", str(remote), cwd=tmp_path)
    git("remote", "add", "origin", str(remote), cwd=root)
    ok(run_pw("sync", cwd=root))
    return root, remote


@pytest.fixture
def desk(tmp_path) -> tuple[Path, list[Path], list[Path]]:
    """A desk with the three branches added and synced."""
    made = [_branch(tmp_path, i) for i in range(3)]
    folder = tmp_path / "desk"
    ok(run_pw("fleet", "init", "--dir", str(folder), cwd=tmp_path))
    for name, (_root, remote) in zip(NAMES, made, strict=True):
        ok(run_pw("fleet", "add", name, str(remote), cwd=folder))
    synced = ok(run_pw("fleet", "sync", cwd=folder))
    assert all(name in synced.stdout for name in NAMES)
    return folder, [m[0] for m in made], [m[1] for m in made]


def _clone(folder: Path, index: int) -> Path:
    return folder / "branches" / NAMES[index]


def _report(folder: Path, *extra: str) -> dict:
    args = ("fleet", "report", "quarter", "2026Q3", "--format", "json", *extra)
    return json.loads(ok(run_pw(*args, cwd=folder)).stdout)


def test_three_branches_synced_reported_and_verified(desk, tmp_path):
    folder, _roots, _remotes = desk
    data = _report(folder)
    assert data["schema"] == "pw.fleet/1" and data["period"]["label"] == "2026Q3"
    assert sorted(b["branch"] for b in data["branches"]) == sorted(NAMES)
    for entry in data["branches"]:
        held = next(r for r in entry["report"]["compliance"] if r["rule"] == "committee")["held"]
        assert held == 1  # each clone holds its branch's meeting
    for fmt, marker in (("md", "| 二支部 |"), ("csv", "branch,repo,rules_met"), ("html", "<svg")):
        text = ok(run_pw("fleet", "report", "quarter", "2026Q3", "--format", fmt, cwd=folder))
        assert marker in text.stdout and all(name in text.stdout for name in NAMES)
    verified = run_pw("fleet", "verify", cwd=folder)
    assert verified.returncode == 0, verified.stderr
    assert all(name in verified.stdout for name in NAMES)
    assert ok(run_pw("fleet", "audit", cwd=folder)).stdout.count("支部") >= 3
    # the second run (kept reports) says the same
    assert _report(folder) == data


def test_a_static_site_with_a_page_per_branch(desk, tmp_path):
    folder, _roots, _remotes = desk
    site = tmp_path / "site"
    ok(run_pw("fleet", "report", "quarter", "2026Q3", "-o", f"{site}/", cwd=folder))
    index = (site / "index.html").read_text(encoding="utf-8")
    pages = sorted((site / "branches").glob("*.html"))
    assert len(pages) == 3
    for page in pages:
        assert f'href="branches/{page.name}"' in index
        assert "<svg" in page.read_text(encoding="utf-8")


def test_a_force_push_is_refused_and_the_others_still_come(desk, tmp_path):
    folder, roots, remotes = desk
    first = _log(roots[0], "2026-08-03")
    ok(run_pw("sync", cwd=roots[0]))
    ok(run_pw("fleet", "sync", cwd=folder))
    witnessed = git("rev-parse", "HEAD", cwd=_clone(folder, 0))
    assert (_clone(folder, 0) / "records" / "2026" / f"{first}.yaml").is_file()
    # the first branch takes back what the supervisor saw; the second logs a new meeting
    git("reset", "-q", "--hard", "HEAD~1", cwd=roots[0])
    git("push", "-q", "--force", "origin", "HEAD:main", cwd=roots[0])
    second = _log(roots[1], "2026-08-10")
    ok(run_pw("sync", cwd=roots[1]))

    result = run_pw("fleet", "sync", cwd=folder)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith(NAMES[0]))
    assert "REWRITTEN" in line
    assert git("rev-parse", "HEAD", cwd=_clone(folder, 0)) == witnessed  # kept as it was
    assert git("status", "--porcelain", cwd=_clone(folder, 0)) == ""
    assert (_clone(folder, 0) / "records" / "2026" / f"{first}.yaml").is_file()
    assert (_clone(folder, 1) / "records" / "2026" / f"{second}.yaml").is_file()

    data = _report(folder)
    assert data["branches"][0]["branch"] == NAMES[0]  # worst first
    assert data["branches"][0]["state"] == "REWRITTEN"
    held = next(r for r in data["branches"][0]["report"]["compliance"] if r["rule"] == "committee")
    assert held["held"] == 2  # its witnessed records, not the rewritten server's
    text = ok(run_pw("fleet", "report", "quarter", "2026Q3", "--format", "md", cwd=folder)).stdout
    assert "REWRITTEN" in text
    verified = run_pw("fleet", "verify", cwd=folder)
    assert verified.returncode == 1
    assert "REWRITTEN" in next(x for x in verified.stdout.splitlines() if NAMES[0] in x)
    # refused again next time: the witness does not forget
    assert run_pw("fleet", "sync", cwd=folder).returncode == 1


def test_a_close_tag_deleted_upstream_is_caught(desk, tmp_path):
    folder, roots, remotes = desk
    assert ok(run_pw("close", "2026Q3", cwd=roots[2])).stdout.strip() == "pw/closed/2026Q3"
    ok(run_pw("sync", cwd=roots[2]))
    ok(run_pw("fleet", "sync", cwd=folder))
    assert git("tag", "-l", "pw/closed/*", cwd=_clone(folder, 2)).split() == ["pw/closed/2026Q3"]
    git("tag", "-d", "pw/closed/2026Q3", cwd=remotes[2])

    result = run_pw("fleet", "sync", cwd=folder)
    assert result.returncode == 1
    line = next(x for x in result.stdout.splitlines() if x.startswith(NAMES[2]))
    assert "REWRITTEN" in line and "pw/closed/2026Q3" in line
    assert git("tag", "-l", "pw/closed/*", cwd=_clone(folder, 2)).split() == ["pw/closed/2026Q3"]
    assert run_pw("fleet", "verify", cwd=folder).returncode == 1


def test_a_moved_close_tag_is_caught(desk, tmp_path):
    folder, roots, remotes = desk
    ok(run_pw("close", "2026Q3", cwd=roots[2]))
    ok(run_pw("sync", cwd=roots[2]))
    ok(run_pw("fleet", "sync", cwd=folder))
    git("tag", "-f", "-a", "-m", "moved", "pw/closed/2026Q3", "HEAD~1", cwd=remotes[2])
    result = run_pw("fleet", "sync", cwd=folder)
    assert result.returncode == 1 and "REWRITTEN" in result.stdout


@pytest.mark.parametrize(
    "entry",
    [
        {"name": "../x", "url": "/srv/git/a.git"},
        {"name": "a/b", "url": "/srv/git/a.git"},
        {"name": ".git", "url": "/srv/git/a.git"},
        {"name": "甲", "url": "ext::sh -c touch% {marker}"},
        {"name": "乙", "url": "--upload-pack=touch {marker}"},
        {"name": "丙", "url": "-u touch {marker}"},
        {"name": "丁", "url": "fd::3"},
    ],
)
def test_a_hostile_fleet_yaml_is_refused(tmp_path, entry):
    folder = tmp_path / "desk"
    ok(run_pw("fleet", "init", "--dir", str(folder), cwd=tmp_path))
    marker = tmp_path / "pwned"
    shown = {"name": entry["name"], "url": entry["url"].format(marker=marker)}
    (folder / "fleet.yaml").write_text(
        f"branches:\n  - name: {json.dumps(shown['name'])}\n    url: {json.dumps(shown['url'])}\n",
        encoding="utf-8",
    )
    for command in (("fleet", "sync"), ("fleet", "list"), ("fleet", "report", "quarter")):
        result = run_pw(*command, cwd=folder)
        assert result.returncode == 65, (command, result.stderr)
        assert "fleet.yaml" in result.stderr and "Traceback" not in result.stderr
    added = run_pw("fleet", "add", "--", shown["name"], shown["url"], cwd=folder)
    assert added.returncode == 65
    assert not marker.exists() and not (tmp_path / "x").exists()
    assert sorted(p.name for p in folder.iterdir()) == ["fleet.yaml"]


def test_a_branch_that_cannot_be_reached_never_stops_the_others(desk, tmp_path):
    folder, roots, _remotes = desk
    ok(run_pw("fleet", "add", "四支部", str(tmp_path / "nowhere.git"), cwd=folder))
    new = _log(roots[1], "2026-08-10")
    ok(run_pw("sync", cwd=roots[1]))
    result = run_pw("fleet", "sync", cwd=folder)
    assert result.returncode == 1 and "四支部" in result.stdout
    assert (_clone(folder, 1) / "records" / "2026" / f"{new}.yaml").is_file()
    data = _report(folder)
    assert data["branches"][0]["branch"] == "四支部" and "error" in data["branches"][0]
    ok(run_pw("fleet", "remove", "四支部", cwd=folder))
    assert ok(run_pw("fleet", "sync", cwd=folder)).returncode == 0


def test_report_takes_repo_after_the_subcommand(desk, tmp_path):
    _folder, roots, _remotes = desk
    after = ["report", "quarter", "2026Q3", "--format", "json"]
    after += ["--repo", str(roots[0]), "--repo", str(roots[1])]
    before = ["--repo", str(roots[0]), "--repo", str(roots[1])]
    before += ["report", "quarter", "2026Q3", "--format", "json"]
    given_after = ok(run_pw(*after, cwd=tmp_path)).stdout
    assert given_after == ok(run_pw(*before, cwd=tmp_path)).stdout
    assert [b["branch"] for b in json.loads(given_after)["branches"]] == [
        "第1项目部党支部",
        "第2项目部党支部",
    ]


def test_branches_from_one_template_stay_apart(branch_template, tmp_path):
    """Branches copied from one template share their first commit: each is still witnessed on its
    own server, so an honest desk verifies clean however often it is synced and verified. (The
    branches work on their own computers: their pw keeps its own state.)"""
    elsewhere = {"XDG_STATE_HOME": str(tmp_path / "branches-state")}
    folder = tmp_path / "desk"
    ok(run_pw("fleet", "init", "--dir", str(folder), cwd=tmp_path))
    roots = []
    for index, name in enumerate(NAMES[:2]):
        root = tmp_path / f"copy{index}"
        shutil.copytree(branch_template, root, symlinks=True)
        _log(root, f"2026-07-0{index + 3}")
        remote = tmp_path / f"copy{index}.git"
        git("init", "-q", "--bare", str(remote), cwd=tmp_path)
        git("remote", "add", "origin", str(remote), cwd=root)
        ok(run_pw("sync", cwd=root, env=elsewhere))
        ok(run_pw("fleet", "add", name, str(remote), cwd=folder))
        roots.append(root)
    for _ in range(2):
        ok(run_pw("fleet", "sync", cwd=folder))
        ok(run_pw("fleet", "verify", cwd=folder))
    _log(roots[1], "2026-08-10")
    ok(run_pw("sync", cwd=roots[1], env=elsewhere))
    ok(run_pw("fleet", "sync", cwd=folder))
    ok(run_pw("fleet", "verify", cwd=folder))


def test_a_close_tag_deleted_in_the_clone_fails_verify(desk, tmp_path):
    folder, roots, _remotes = desk
    ok(run_pw("close", "2026Q3", cwd=roots[0]))
    ok(run_pw("sync", cwd=roots[0]))
    ok(run_pw("fleet", "sync", cwd=folder))
    ok(run_pw("fleet", "verify", cwd=folder))
    git("tag", "-d", "pw/closed/2026Q3", cwd=_clone(folder, 0))
    verified = run_pw("fleet", "verify", cwd=folder)
    assert verified.returncode == 1
    assert "REWRITTEN" in next(x for x in verified.stdout.splitlines() if NAMES[0] in x)


def test_a_branch_behind_a_login(branch, server, tmp_path):  # noqa: F811 (the fixture)
    """pw fleet sync fetches through pw sync's login handling (test_sync_auth's lighttpd): with a
    stored credential the branch is cloned; without one, and no terminal, that branch fails at
    once with the login named, never a hang."""
    import time

    url = server
    git("remote", "add", "origin", url, cwd=branch)
    store_credential(url, PASSWORD)
    ok(run_pw("sync", cwd=branch))
    folder = tmp_path / "desk"
    ok(run_pw("fleet", "init", "--dir", str(folder), cwd=tmp_path))
    ok(run_pw("fleet", "add", "登录支部", url, cwd=folder))
    ok(run_pw("fleet", "sync", cwd=folder))
    assert (folder / "branches" / "登录支部" / "records" / "pw.yaml").is_file()
    (Path(os.environ["HOME"]) / ".git-credentials").unlink()
    shutil.rmtree(folder / "branches" / "登录支部")
    started = time.monotonic()
    result = run_pw("fleet", "sync", cwd=folder, timeout=30)
    assert result.returncode == 1 and time.monotonic() - started < 15
    line = next(x for x in result.stdout.splitlines() if x.startswith("登录支部"))
    assert "REWRITTEN" not in line and "127.0.0.1" in line and "Traceback" not in result.stderr
    assert "terminal prompts disabled" not in result.stdout
    assert not (folder / "branches" / "登录支部").exists()  # no half-made clone left


def test_a_linked_branches_folder_touches_nothing_elsewhere(tmp_path):
    """A desk folder handed over with `branches` linked to the supervisor's own repositories:
    fleet sync must not fast-forward them, nor fleet remove delete them."""
    _root, remote = _branch(tmp_path, 0)
    victim = tmp_path / "mine"
    mine = victim / NAMES[0]
    git("init", "-q", str(mine), cwd=tmp_path)
    (mine / "a.txt").write_text("mine\n", encoding="utf-8")
    git("add", "a.txt", cwd=mine)
    git("commit", "-qm", "v1", cwd=mine)
    before = git("rev-parse", "HEAD", cwd=mine).strip()
    folder = tmp_path / "desk"
    folder.mkdir()
    (folder / "branches").symlink_to(victim)
    (folder / "fleet.yaml").write_text(
        f"branches:\n- name: {NAMES[0]}\n  url: {remote}\n", encoding="utf-8"
    )
    synced = run_pw("fleet", "sync", cwd=folder)
    assert synced.returncode != 0 and "符号链接" in synced.stdout + synced.stderr
    assert git("rev-parse", "HEAD", cwd=mine).strip() == before
    removed = run_pw("fleet", "remove", NAMES[0], cwd=folder)
    assert removed.returncode != 0 and (mine / "a.txt").exists()


def test_a_server_that_never_answers_stops_no_one(tmp_path):
    """A branch's server accepts the connection and says nothing: after PW_NETWORK_TIMEOUT that
    branch has failed, and the others were brought as usual."""
    import socket
    import threading
    import time

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list = []
    threading.Thread(target=lambda: [held.append(listener.accept()) for _ in range(8)],
                     daemon=True).start()  # fmt: skip
    _root, remote = _branch(tmp_path, 0)
    folder = tmp_path / "desk"
    ok(run_pw("fleet", "init", "--dir", str(folder), cwd=tmp_path))
    port = listener.getsockname()[1]
    ok(run_pw("fleet", "add", NAMES[1], f"git://127.0.0.1:{port}/x.git", cwd=folder))
    ok(run_pw("fleet", "add", NAMES[0], str(remote), cwd=folder))
    started = time.monotonic()
    synced = run_pw("fleet", "sync", cwd=folder, env={"PW_NETWORK_TIMEOUT": "3"}, timeout=60)
    assert time.monotonic() - started < 45
    assert synced.returncode == 1 and NAMES[1] in synced.stdout
    assert (_clone(folder, 0) / "records" / "pw.yaml").exists()
    listener.close()


# -- H1: a clone made again answers to what the desk witnessed under that name and url -------------


def _amend_and_retag(root: Path) -> None:
    """The attacker's repro: the last record's commit amended, the close tag re-made on it, both
    force-pushed."""
    git("commit", "-q", "--amend", "--allow-empty", "-m", "改过的记录", cwd=root)
    git("tag", "-f", "-a", "-m", "moved", "pw/closed/2026-07", "HEAD", cwd=root)
    git("push", "-q", "--force", "origin", "HEAD:main", cwd=root)
    git("push", "-q", "--force", "origin", "--tags", cwd=root)


def _new_root(tmp_path: Path, remote: Path) -> None:
    """A whole new history (another first commit) force-pushed over the branch's server."""
    fresh = tmp_path / "fresh"
    ok(run_pw("init", str(fresh), "--branch", "第1项目部党支部", cwd=tmp_path))
    for member, role in MEMBERS:
        ok(run_pw("member", "add", member, "--joined", "2024-01-01", "--role", role, cwd=fresh))
    _log(fresh, "2026-07-05")
    git("push", "-q", "--force", str(remote), "HEAD:main", cwd=fresh)
    for tag in git("tag", "-l", "pw/closed/*", cwd=remote).split():
        git("tag", "-d", tag, cwd=remote)


@pytest.mark.parametrize(
    ("how", "url", "attack"),
    [
        ("re-added", "{remote}", "new-root"),
        ("re-added", "{remote}/", "amend"),
        ("re-added", "file://{remote}", "amend"),
        ("re-added", "{remote}//", "new-root"),
        ("clone-deleted", "{remote}", "new-root"),
        ("clone-deleted", "{remote}", "amend"),
    ],
)
def test_a_fresh_clone_of_a_witnessed_branch_is_checked(desk, tmp_path, how, url, attack):
    folder, roots, remotes = desk
    assert ok(run_pw("close", "2026-07", cwd=roots[0])).stdout.strip() == "pw/closed/2026-07"
    ok(run_pw("sync", cwd=roots[0]))
    ok(run_pw("fleet", "sync", cwd=folder))
    witnessed = git("rev-parse", "HEAD", cwd=_clone(folder, 0))
    if attack == "amend":
        _amend_and_retag(roots[0])
    else:
        _new_root(tmp_path, remotes[0])
    refused = run_pw("fleet", "sync", cwd=folder)
    assert refused.returncode == 1 and "REWRITTEN" in refused.stdout

    if how == "re-added":
        ok(run_pw("fleet", "remove", NAMES[0], cwd=folder))
        given = url.format(remote=remotes[0])
        ok(run_pw("fleet", "add", NAMES[0], given, cwd=folder))
    else:
        shutil.rmtree(_clone(folder, 0))
    result = run_pw("fleet", "sync", cwd=folder)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith(NAMES[0]))
    assert "REWRITTEN" in line
    assert not _clone(folder, 0).exists()  # the rewritten clone is not kept
    listed = json.loads(ok(run_pw("fleet", "list", "--format", "json", cwd=folder)).stdout)
    assert next(b for b in listed["branches"] if b["name"] == NAMES[0])["last_sync"] == "REWRITTEN"
    assert run_pw("fleet", "verify", cwd=folder).returncode == 1
    assert run_pw("fleet", "audit", cwd=folder).returncode == 1
    # refused every time, not only once
    assert run_pw("fleet", "sync", cwd=folder).returncode == 1
    assert witnessed  # what was seen is what the refusal held it to


def test_a_new_name_for_a_witnessed_url_is_checked(desk, tmp_path):
    """The url alone (written any way) is remembered too: the same server added under another name
    still answers to what was seen there."""
    folder, _roots, remotes = desk
    _new_root(tmp_path, remotes[0])
    ok(run_pw("fleet", "remove", NAMES[0], cwd=folder))
    ok(run_pw("fleet", "add", "别名支部", f"file://{remotes[0]}/", cwd=folder))
    result = run_pw("fleet", "sync", cwd=folder)
    assert result.returncode == 1
    assert "REWRITTEN" in next(x for x in result.stdout.splitlines() if x.startswith("别名支部"))


def test_an_honest_branch_re_added_stays_clean(desk, tmp_path):
    folder, roots, remotes = desk
    ok(run_pw("close", "2026-07", cwd=roots[0]))
    ok(run_pw("sync", cwd=roots[0]))
    ok(run_pw("fleet", "sync", cwd=folder))
    _log(roots[0], "2026-08-03")
    ok(run_pw("sync", cwd=roots[0]))
    ok(run_pw("fleet", "remove", NAMES[0], cwd=folder))
    ok(run_pw("fleet", "add", NAMES[0], f"{remotes[0]}/", cwd=folder))
    synced = ok(run_pw("fleet", "sync", cwd=folder))
    assert "REWRITTEN" not in synced.stdout
    ok(run_pw("fleet", "verify", cwd=folder))
    ok(run_pw("fleet", "sync", cwd=folder))


def test_remove_forget_accepts_a_rewritten_branch(desk, tmp_path):
    """A supervisor who means to accept a rewritten branch says so: remove --forget."""
    folder, _roots, remotes = desk
    _new_root(tmp_path, remotes[0])
    assert run_pw("fleet", "sync", cwd=folder).returncode == 1
    ok(run_pw("fleet", "remove", NAMES[0], cwd=folder))
    ok(run_pw("fleet", "add", NAMES[0], str(remotes[0]), cwd=folder))
    assert run_pw("fleet", "sync", cwd=folder).returncode == 1
    help_text = ok(run_pw("fleet", "remove", "--help", cwd=folder)).stdout
    assert "--forget" in help_text
    ok(run_pw("fleet", "remove", NAMES[0], "--forget", cwd=folder))
    ok(run_pw("fleet", "add", NAMES[0], f"{remotes[0]}/", cwd=folder))
    synced = ok(run_pw("fleet", "sync", cwd=folder))
    assert "REWRITTEN" not in synced.stdout
    ok(run_pw("fleet", "verify", cwd=folder))


def test_remove_forget_after_a_refused_amend(desk, tmp_path):
    """--forget works when the refused clone is already gone (the amend keeps the first commit)."""
    folder, roots, remotes = desk
    ok(run_pw("close", "2026-07", cwd=roots[0]))
    ok(run_pw("sync", cwd=roots[0]))
    ok(run_pw("fleet", "sync", cwd=folder))
    _amend_and_retag(roots[0])
    shutil.rmtree(_clone(folder, 0))
    assert run_pw("fleet", "sync", cwd=folder).returncode == 1
    assert not _clone(folder, 0).exists()
    ok(run_pw("fleet", "remove", NAMES[0], "--forget", cwd=folder))
    ok(run_pw("fleet", "add", NAMES[0], str(remotes[0]), cwd=folder))
    synced = ok(run_pw("fleet", "sync", cwd=folder))
    assert "REWRITTEN" not in synced.stdout
    assert git("rev-parse", "HEAD", cwd=_clone(folder, 0)) == git("rev-parse", "HEAD", cwd=roots[0])
    # (fleet verify would still flag it here: the branch's own pw sync ran on this machine and
    # its witness, shared by every clone of that first commit, saw the tag before it moved)
