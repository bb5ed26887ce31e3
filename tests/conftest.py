"""Test harness: real git repositories in temp folders with an isolated git config, and the real
`pw` run as a subprocess (`python -m partywork`)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

GIT_VARS = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_COMMON_DIR",
    "GIT_AUTHOR_NAME",
    "GIT_AUTHOR_EMAIL",
    "GIT_COMMITTER_NAME",
    "GIT_COMMITTER_EMAIL",
    "GIT_AUTHOR_DATE",
    "GIT_COMMITTER_DATE",
    "PW_REPO",
    "PW_LANG",
    "EDITOR",
    "VISUAL",
    "PW_REOPEN",
)

TODAY = "2026-11-26"


def isolated_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in GIT_VARS}
    gitconfig = home / "gitconfig"
    if not gitconfig.exists():
        home.mkdir(parents=True, exist_ok=True)
        gitconfig.write_text(
            "[user]\n\tname = 组织委员\n\temail = recorder@example.org\n"
            "[init]\n\tdefaultBranch = main\n",
            encoding="utf-8",
        )
    # pw's caches and witness live in the user's folders (userdirs.py): each test has its own
    env.update(
        HOME=str(home),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=str(gitconfig),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_STATE_HOME=str(home / "state"),
        LC_ALL="C.UTF-8",
        NO_COLOR="1",
        PW_LOCK_TIMEOUT="20",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


@pytest.fixture(autouse=True)
def _isolate(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("home")
    for key, value in isolated_env(home).items():
        monkeypatch.setenv(key, value)
    for key in GIT_VARS:
        monkeypatch.delenv(key, raising=False)
    yield


def pw_argv(*args: str | bytes, today: str | None = TODAY) -> list:
    """The one way the tests start pw: the real command, `python -m partywork`, as a subprocess,
    on `today` (the global --today) unless told None."""
    return [sys.executable, "-m", "partywork", *(["--today", today] if today else []), *args]


def run_pw(
    *args: str,
    cwd: Path,
    input: str | None = None,
    env: dict | None = None,
    today: str | None = TODAY,
    timeout: float = 60,
) -> subprocess.CompletedProcess:
    command = pw_argv(*args, today=today)
    return subprocess.run(
        command,
        cwd=cwd,
        input=input,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=timeout,
    )


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


def ok(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, (
        f"rc={result.returncode}\nstdout:{result.stdout}\nstderr:{result.stderr}"
    )
    assert "Traceback" not in result.stderr
    return result


MEMBERS = [
    # name, group, joined, role
    ("王伟", "g1", "2024-01-01", "secretary"),
    ("李芳", "g1", "2024-01-01", "committee"),
    ("张强", "g2", "2024-01-01", "committee"),
    ("刘洋", "g1", "2024-01-01", None),
    ("陈静", "g2", "2024-01-01", None),
    ("赵磊", "g2", "2026-08-01", None),
]


@pytest.fixture(scope="session")
def branch_template(tmp_path_factory) -> Path:
    """A branch built through the CLI once: two groups, six members, three on the committee."""
    home = tmp_path_factory.mktemp("template-home")
    env = isolated_env(home)
    root = tmp_path_factory.mktemp("template") / "branch"
    runs = [
        ["init", str(root), "--branch", "测试项目部党支部", "--parent", "测试公司党委"],
        ["group", "add", "g1", "--name", "第一党小组"],
        ["group", "add", "g2", "--name", "第二党小组"],
    ]
    for name, group, joined, role in MEMBERS:
        runs.append(
            ["member", "add", name, "--group", group, "--joined", joined]
            + (["--role", role] if role else [])
        )
    for args in runs:
        ok(
            subprocess.run(
                pw_argv(*args, today=None),
                cwd=root.parent if args[0] == "init" else root,
                capture_output=True,
                text=True,
                env=env,
            )
        )
    return root


@pytest.fixture
def branch(branch_template, tmp_path) -> Path:
    target = tmp_path / "branch"
    shutil.copytree(branch_template, target, symlinks=True)
    return target


COMMITTEE_ARGS = [
    "log",
    "meeting",
    "--kind",
    "committee",
    "--date",
    "2026-07-03",
    "--place",
    "项目部会议室",
    "--host",
    "王伟",
    "--recorder",
    "李芳",
    "--attendees",
    "王伟,李芳",
    "--absent",
    "张强:出差",
    "--topic",
    "研究三季度安全生产工作",
    "--minutes",
    "王伟：传达上级安全生产会议精神。\n李芳：汇报整改进展。",
    "--action",
    "完善安全生产责任清单|张强|2026-08-31",
]


def log_committee(root: Path, **extra) -> str:
    result = ok(run_pw(*COMMITTEE_ARGS, cwd=root, **extra))
    return result.stdout.strip()


def load_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def commits(root: Path) -> list[str]:
    return git("rev-list", "HEAD", cwd=root).split()


def files_of(root: Path, commit: str) -> list[str]:
    return git("show", "--name-only", "--format=", commit, cwd=root).split()


def trailers(root: Path, commit: str) -> dict[str, str]:
    body = git("show", "-s", "--format=%B", commit, cwd=root)
    return dict(line.split(": ", 1) for line in body.splitlines() if line.startswith("Pw-"))


def install_hook(root: Path, name: str, script: str) -> None:
    """An executable git hook in the repository's own hooks folder."""
    hook = root / ".git" / "hooks" / name
    hook.parent.mkdir(exist_ok=True)
    hook.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    hook.chmod(0o755)


def each_record_listed_or_counted(text: str, findings: list) -> bool:
    """An error names every record; a warning or a note lists its records, or the first two lines
    of them and how many there are in all (--all lists every one)."""
    words = set(re.findall(r"\S+", text))
    by_code: dict = {}
    for f in findings:
        if f["record"]:
            by_code.setdefault((f["code"], f["severity"]), []).append(f["record"])
    for (_code, severity), records in by_code.items():
        unique = list(dict.fromkeys(records))
        if all(r in words for r in unique):
            continue
        if severity == "error" or f"共 {len(unique)} 条记录" not in text:
            return False
    return True
