"""Issue 18: pw on the computers branches use. The code Windows runs is run here with what Windows
lacks taken away before pw is imported (tests/platform_shim/sitecustomize.py); text goes through
a real GBK locale (and a GBK stream, as a Chinese Windows pipes it); a Git-for-Windows checkout
(core.autocrlf, core.quotepath) is made with the real git."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest

from conftest import COMMITTEE_ARGS, commits, git, log_committee, ok, pw_argv, run_pw

SHIM = Path(__file__).resolve().parent.parent / "platform_shim"
WINDOWS_LIKE = "nofcntl,nospawn,nofork"
OUTSIDE_GBK = "王𠮷"  # 𠮷 (U+20BB7) is in GB18030 but not in GBK


def shimmed(tmp_path: Path, what: str = WINDOWS_LIKE) -> dict[str, str]:
    return {
        "PYTHONPATH": str(SHIM),
        "PW_TEST_PLATFORM": what,
        "PW_TEST_PLATFORM_TRACE": str(tmp_path / "seams.log"),
    }


def seams(tmp_path: Path) -> list[str]:
    path = tmp_path / "seams.log"
    return path.read_text(encoding="utf-8").split("\n") if path.exists() else []


def meeting(place: str) -> list[str]:
    return [a if a != "项目部会议室" else place for a in COMMITTEE_ARGS]


def test_the_shim_really_takes_away_what_windows_lacks(tmp_path):
    probe = (
        "import os, multiprocessing\n"
        "try:\n    import fcntl\nexcept ImportError:\n    print('no-fcntl')\n"
        "print(hasattr(os, 'posix_spawnp'), multiprocessing.get_all_start_methods())\n"
    )
    result = subprocess.run(
        [pw_argv()[0], "-c", probe],
        capture_output=True,
        text=True,
        env={**os.environ, **shimmed(tmp_path)},
        check=True,
    )
    assert result.stdout.split("\n")[:2] == ["no-fcntl", "False ['spawn']"]


# -- acceptance 1: log, check and report without fcntl, posix_spawnp or fork ---------------------


def test_log_check_report_verify_work_without_posix_only_calls(branch, tmp_path):
    env = shimmed(tmp_path)
    record = ok(run_pw(*COMMITTEE_ARGS, cwd=branch, env=env)).stdout.strip()
    assert "msvcrt.locking" in seams(tmp_path)  # the writer lock Windows takes
    assert ok(run_pw("show", record, cwd=branch, env=env)).stdout.count("研究三季度安全生产工作")
    checked = ok(run_pw("check", "--format", "json", cwd=branch, env=env))
    assert json.loads(checked.stdout)["problems"] == []
    report = ok(run_pw("report", "quarter", "2026Q3", "--format", "json", cwd=branch, env=env))
    assert json.loads(report.stdout)["schema"] == "pw.report/1"
    assert "subprocess diff-files" in seams(tmp_path)  # the head start, without posix_spawnp
    ok(run_pw("verify", cwd=branch, env=env))
    assert git("status", "--porcelain", cwd=branch) == ""


def test_two_writers_without_fcntl_are_still_two_commits(branch, tmp_path):
    env = {**os.environ, **shimmed(tmp_path)}
    before = len(commits(branch))
    procs = [
        subprocess.Popen(
            pw_argv(*meeting(f"会议室{i}")),
            cwd=branch,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(4)
    ]
    results = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    assert all(code == 0 for code, _out, _err in results), results
    assert len({out.strip() for _code, out, _err in results}) == 4
    assert seams(tmp_path).count("msvcrt.locking") >= 4  # each took the Windows lock
    assert len(commits(branch)) == before + 4
    for commit in git("rev-list", "-4", "HEAD", cwd=branch).split():
        changed = git("show", "--name-only", "--format=", commit, cwd=branch).split()
        assert len(changed) == 1  # one record per commit: no writer swept in another's file
    assert git("status", "--porcelain", cwd=branch) == ""


def test_a_held_windows_lock_makes_the_second_writer_wait_then_name_the_holder(branch, tmp_path):
    """The lock the msvcrt branch takes excludes another process (here a stand-in holder)."""
    holder = subprocess.Popen(
        [
            pw_argv()[0],
            "-c",
            "import msvcrt, os, sys, time\n"
            "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)\n"
            "os.write(fd, ' pid 4242 on 办公室电脑: log meeting'.encode())\n"
            "os.lseek(fd, 0, 0); msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)\n"
            "print('held', flush=True); time.sleep(30)\n",
            str(branch / ".git" / "pw.lock"),
        ],
        env={**os.environ, **shimmed(tmp_path)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        before = commits(branch)
        result = run_pw(
            *COMMITTEE_ARGS, cwd=branch, env={**shimmed(tmp_path), "PW_LOCK_TIMEOUT": "1"}
        )
        assert time.monotonic() - started >= 1
        assert result.returncode == 75, result.stderr
        assert "pid 4242 on 办公室电脑" in result.stderr
        assert commits(branch) == before
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    # the holder died: its lock went with it, and the next writer gets on at once
    ok(run_pw(*COMMITTEE_ARGS, cwd=branch, env={**shimmed(tmp_path), "PW_LOCK_TIMEOUT": "1"}))


def test_a_writer_killed_holding_the_windows_lock_leaves_nothing_stale(branch, tmp_path):
    env = shimmed(tmp_path)
    before = commits(branch)
    killed = run_pw(*COMMITTEE_ARGS, cwd=branch, env={**env, "PW_TEST_CRASHPOINT": "after_add"})
    assert killed.returncode != 0
    assert commits(branch) == before
    again = ok(run_pw(*meeting("会议室二"), cwd=branch, env={**env, "PW_LOCK_TIMEOUT": "2"}))
    assert len(commits(branch)) == len(before) + 1
    assert "草稿" in again.stderr or ".pw/drafts" in again.stderr  # the killed write, recovered
    assert git("status", "--porcelain", "--untracked-files=no", cwd=branch) == ""


# -- acceptance 2: text in and out ---------------------------------------------------------------


def _gbk_locale() -> str | None:
    names = subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout.split()
    return next((n for n in names if n.lower().replace("-", "") == "zh_cn.gbk"), None)


@pytest.fixture
def odd_name(branch) -> Path:
    ok(run_pw("member", "add", OUTSIDE_GBK, "--group", "g1", "--joined", "2024-01-01", cwd=branch))
    return branch


def _bytes_of(args: list, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(pw_argv(*args), cwd=cwd, capture_output=True, env={**os.environ, **env})


@pytest.mark.skipif(_gbk_locale() is None, reason="no zh_CN.GBK locale (localedef -i zh_CN -f GBK)")
def test_output_piped_in_a_gbk_locale_is_utf8_and_unchanged(odd_name):
    env = {"LC_ALL": _gbk_locale() or ""}
    # typed in a GBK terminal, the name arrives as GBK bytes
    typed = ["member", "add", "孙丽".encode("gbk"), "--group", "g1", "--joined", "2024-01-01"]
    assert _bytes_of(typed, odd_name, env).returncode == 0
    listed = _bytes_of(["member", "list"], odd_name, env)
    assert listed.returncode == 0, listed.stderr
    text = listed.stdout.decode("utf-8")  # UTF-8, not GBK, though the locale says GBK
    assert OUTSIDE_GBK in text and "张强" in text and "孙丽" in text
    assert b"\\U" not in listed.stdout
    # a message on stderr, also piped: UTF-8 Chinese
    missing = _bytes_of(["show", "2026-01-01-committee-0000"], odd_name, env)
    assert missing.returncode != 0 and "Traceback" not in missing.stderr.decode("utf-8")
    assert any("\u4e00" <= c <= "\u9fff" for c in missing.stderr.decode("utf-8"))


def test_output_into_a_gbk_stream_is_utf8_and_unchanged(odd_name, tmp_path):
    """What a Chinese Windows does to a pipe (`pw member list | findstr 王`): the stream is GBK."""
    env = shimmed(tmp_path, "gbkstreams")
    listed = _bytes_of(["member", "list"], odd_name, env)
    assert listed.returncode == 0, listed.stderr
    assert OUTSIDE_GBK in listed.stdout.decode("utf-8")
    log_committee(odd_name)
    # `pw report … > 报告.md`
    piped = _bytes_of(["report", "quarter", "2026Q3", "--format", "md"], odd_name, env)
    assert piped.returncode == 0, piped.stderr
    assert "测试项目部党支部" in piped.stdout.decode("utf-8")
    assert OUTSIDE_GBK in piped.stdout.decode("utf-8")
    report = odd_name / "报告.md"
    ok(run_pw("report", "quarter", "2026Q3", "-o", str(report), cwd=odd_name, env=env))
    assert report.read_bytes() == piped.stdout


def test_pythonioencoding_is_obeyed_and_never_fails(odd_name):
    chosen = _bytes_of(["member", "list"], odd_name, {"PYTHONIOENCODING": "gb18030"})
    assert chosen.returncode == 0 and OUTSIDE_GBK in chosen.stdout.decode("gb18030")
    narrow = _bytes_of(["member", "list"], odd_name, {"PYTHONIOENCODING": "gbk"})
    assert narrow.returncode == 0, narrow.stderr
    text = narrow.stdout.decode("gbk")  # what the user asked for; 𠮷 escaped, not a crash
    assert "张强" in text and "王\\U00020bb7" in text


def _crlf_checkout(root: Path) -> None:
    """What Git for Windows does: core.autocrlf=true, every file checked out again with CRLF."""
    git("config", "core.autocrlf", "true", cwd=root)
    git("rm", "-r", "-q", "--cached", ".", cwd=root)
    for path in (root / "records").rglob("*.yaml"):
        path.unlink()
    git("reset", "-q", "--hard", "HEAD", cwd=root)


def test_a_crlf_checkout_passes_check_verify_and_audit(branch):
    first = log_committee(branch)
    _crlf_checkout(branch)
    record = branch / "records" / "2026" / f"{first}.yaml"
    assert b"\r\n" in record.read_bytes()
    assert b"\r\n" in (branch / "records" / "members.yaml").read_bytes()
    # copied or touched files make git's stat data stale: pw must compare content, as git does
    later = time.time() + 5
    for path in (branch / "records").rglob("*.yaml"):
        os.utime(path, (later, later))
    checked = ok(run_pw("check", "--format", "json", cwd=branch))
    assert json.loads(checked.stdout)["problems"] == []
    ok(run_pw("verify", cwd=branch))
    findings = json.loads(ok(run_pw("audit", "--format", "json", cwd=branch)).stdout)["findings"]
    assert [f for f in findings if f["code"] == "OUTSIDE"] == []
    report = ok(run_pw("report", "quarter", "2026Q3", "--format", "json", cwd=branch))
    assert json.loads(report.stdout)["uncommitted"] is False  # diff-files' list, re-judged
    assert "研究三季度安全生产工作" in ok(run_pw("show", first, cwd=branch)).stdout
    # and the next write goes in as one commit of one LF file, the CRLF files untouched
    second = ok(run_pw(*meeting("会议室二"), cwd=branch)).stdout.strip()
    blob = subprocess.run(
        ["git", "cat-file", "blob", f"HEAD:records/2026/{second}.yaml"],
        cwd=branch,
        capture_output=True,
        check=True,
    ).stdout
    assert b"\r" not in blob
    # a read-modify-write of a CRLF file: the commit changes the one line, not every line
    ok(run_pw("member", "add", "孙丽", "--group", "g1", "--joined", "2024-01-01", cwd=branch))
    numstat = git("show", "--numstat", "--format=", "HEAD", cwd=branch).split()
    assert numstat[2] == "records/members.yaml" and int(numstat[1]) <= 1, numstat
    assert git("status", "--porcelain", cwd=branch) == ""
    ok(run_pw("verify", cwd=branch))


def test_quotepath_in_the_users_config_changes_nothing(tmp_path):
    """Git for Windows users often have core.quotepath=true; a records root under a Chinese folder
    inside a larger repository is where git would quote a path."""
    outer = tmp_path / "办公室"
    outer.mkdir()
    git("init", "-q", cwd=outer)
    git("config", "core.quotepath", "true", cwd=outer)
    ok(run_pw("init", "支部台账", "--branch", "测试支部", cwd=outer))
    root = outer / "支部台账"
    if not (root / ".git").exists():  # pw kept the outer repository: the prefix is Chinese
        assert git("rev-parse", "--show-toplevel", cwd=root).strip().endswith("办公室")
    git("config", "core.quotepath", "true", cwd=root)
    ok(run_pw("group", "add", "g1", "--name", "第一党小组", cwd=root))
    for name in ("王伟", "李芳", "张强"):
        ok(run_pw("member", "add", name, "--group", "g1", "--joined", "2024-01-01", cwd=root))
    record = ok(run_pw(*COMMITTEE_ARGS, cwd=root)).stdout.strip()
    ok(run_pw("check", cwd=root))
    ok(run_pw("verify", cwd=root))
    findings = json.loads(ok(run_pw("audit", "--format", "json", cwd=root)).stdout)["findings"]
    assert [f["code"] for f in findings if f["severity"] != "info"] == ["LATE"]  # written today
    history = ok(run_pw("history", record, cwd=root)).stdout
    assert "\\3" not in history and '"' not in history.split("\n")[0]


# -- acceptance 3: a Python older than pw's says what to do --------------------------------------


def _old_pythons() -> list[str]:
    """The Pythons UOS 20 (3.7) and Kylin V10 (3.8) ship, where this machine has them."""
    import glob
    import shutil

    found = []
    for version in ("3.6", "3.7", "3.8"):
        candidates = [shutil.which(f"python{version}")]
        candidates += sorted(
            glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}*/bin/python{version}"))
        )
        for path in candidates:
            if path and subprocess.run([path, "-c", ""], capture_output=True).returncode == 0:
                found.append(path)
                break
    return found


@pytest.mark.skipif(not _old_pythons(), reason="no Python 3.6-3.8 on this machine")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_old_python_gets_a_way_forward_not_a_traceback(tmp_path, lang):
    source = Path(__file__).resolve().parents[2] / "src"
    for python in _old_pythons():
        result = subprocess.run(
            [python, "-m", "partywork", "--lang", lang, "log", "meeting"],
            cwd=tmp_path,
            capture_output=True,
            env={**os.environ, "PYTHONPATH": str(source), "LC_ALL": "C.UTF-8"},
        )
        text = result.stderr.decode("utf-8")
        assert result.returncode == 78, text
        assert "Traceback" not in text and "uv tool install --python 3.12" in text
        assert ("需要 Python 3.10" if lang == "zh" else "needs Python 3.10") in text


@pytest.mark.parametrize("entry", ["module", "script"])
def test_check_of_many_files_in_spawned_workers_matches_the_serial_check(branch, tmp_path, entry):
    """From 2,000 files pw check uses worker processes; where there is no fork they are spawned,
    which re-imports pw in each: started as `python -m partywork` and as the installed `pw`."""
    first = log_committee(branch)
    folder = branch / "records" / "2026"
    data = (folder / f"{first}.yaml").read_bytes()
    for i in range(2100):
        (folder / f"2026-07-03-committee-{i:04x}.yaml").write_bytes(data)  # id ≠ name: a problem
    argv = pw_argv("check", "--format", "json")
    if entry == "script":
        argv = [str(Path(argv[0]).with_name("pw")), *argv[3:]]
    spawned = subprocess.run(
        argv, cwd=branch, capture_output=True, text=True, env={**os.environ, **shimmed(tmp_path)}
    )
    assert spawned.returncode == 1 and "Traceback" not in spawned.stderr, spawned.stderr
    assert "spawned worker" in seams(tmp_path)
    serial = run_pw("check", "--format", "json", cwd=branch, env=shimmed(tmp_path, "serial"))
    assert json.loads(spawned.stdout) == json.loads(serial.stdout)
    assert len(json.loads(serial.stdout)["problems"]) >= 2100
