"""Issue 18: each platform seam with the branch Windows takes forced here, in-process (the whole CLI
under the same conditions is tests/e2e/test_platform.py)."""

from __future__ import annotations

import datetime as dt
import io
import multiprocessing
import os
import shutil
import subprocess
import sys
import types

import pytest

from conftest import log_committee
from partywork.analysis import check
from partywork.errors import Busy, StorageError
from partywork.storage import fsutil
from partywork.storage.git import early
from partywork.storage.repo import Repo


def _no_fcntl(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "fcntl", None)  # `import fcntl` raises ImportError


def test_without_fcntl_or_msvcrt_pw_refuses_to_write_rather_than_write_unlocked(
    tmp_path, monkeypatch
):
    _no_fcntl(monkeypatch)
    monkeypatch.setitem(sys.modules, "msvcrt", None)
    with (
        pytest.raises(StorageError, match="fcntl"),
        fsutil.exclusive_lock(tmp_path / "pw.lock", 1),
    ):
        pass


def test_the_msvcrt_lock_is_byte_zero_and_is_let_go(tmp_path, monkeypatch):
    """The calls pw makes on Windows, recorded by a stand-in msvcrt (the lock itself, across
    processes, is tested in the e2e file)."""
    calls: list[tuple[int, int, int]] = []
    fake = types.ModuleType("msvcrt")
    fake.LK_UNLCK, fake.LK_NBLCK = 0, 2  # type: ignore[attr-defined]
    fake.locking = lambda fd, mode, n: calls.append((os.lseek(fd, 0, os.SEEK_CUR), mode, n))  # type: ignore[attr-defined]
    _no_fcntl(monkeypatch)
    monkeypatch.setitem(sys.modules, "msvcrt", fake)
    lock = tmp_path / "pw.lock"
    with fsutil.exclusive_lock(lock, 1):
        assert calls == [(0, 2, 1)]
        assert lock.read_text(encoding="utf-8").startswith(f" pid {os.getpid()} on ")
    assert calls == [(0, 2, 1), (0, 0, 1)]


def test_a_busy_msvcrt_lock_times_out_naming_the_holder(tmp_path, monkeypatch):
    fake = types.ModuleType("msvcrt")
    fake.LK_UNLCK, fake.LK_NBLCK = 0, 2  # type: ignore[attr-defined]

    def held(fd: int, mode: int, n: int) -> None:
        raise PermissionError(13, "Permission denied")

    fake.locking = held  # type: ignore[attr-defined]
    _no_fcntl(monkeypatch)
    monkeypatch.setitem(sys.modules, "msvcrt", fake)
    lock = tmp_path / "pw.lock"
    lock.write_text(" pid 4242 on 办公室电脑: log meeting", encoding="utf-8")
    with pytest.raises(Busy, match="pid 4242 on 办公室电脑"), fsutil.exclusive_lock(lock, 0.2):
        pass


def test_the_early_scan_without_posix_spawnp_gives_gits_own_output(branch, monkeypatch):
    log_committee(branch)
    (branch / "records" / "members.yaml").write_text("groups: []\n", encoding="utf-8")
    found = early.git_dirs(str(branch))
    assert found is not None
    env = early.git_env(*found)
    direct = subprocess.run(
        ["git", *early.RECORDS_SCAN], cwd=branch, env=env, capture_output=True, check=True
    ).stdout
    monkeypatch.delattr(os, "posix_spawnp")
    started = early.start(str(branch), env, early.RECORDS_SCAN)
    assert started is not None and not isinstance(started.process, int)  # the subprocess branch
    assert b"records/members.yaml\0" in direct
    assert started.take() == direct
    assert started.take() is None  # once


def test_an_early_scan_nobody_took_is_stopped_without_posix_calls(branch, monkeypatch):
    found = early.git_dirs(str(branch))
    assert found is not None
    monkeypatch.delattr(os, "posix_spawnp")
    started = early.start(str(branch), early.git_env(*found), early.RECORDS_SCAN)
    assert started is not None
    started.stop()
    assert not isinstance(started.process, int) and started.process.returncode is not None


def test_no_git_at_all_is_no_head_start_either(branch, monkeypatch):
    monkeypatch.delattr(os, "posix_spawnp")
    monkeypatch.setenv("PATH", str(branch))  # no git here
    assert early.start(str(branch), dict(os.environ), early.RECORDS_SCAN) is None


def test_without_geteuid_ownership_is_left_to_git(tmp_path, monkeypatch):
    monkeypatch.delattr(os, "geteuid")
    assert early.owner_ok(str(tmp_path))


def test_quotepath_is_off_in_every_git_call():
    env = early.git_env("/w", "/w/.git")
    pairs = {
        env[f"GIT_CONFIG_KEY_{i}"]: env[f"GIT_CONFIG_VALUE_{i}"]
        for i in range(int(env["GIT_CONFIG_COUNT"]))
    }
    assert pairs["core.quotepath"] == "false"


def _many_records(branch, count: int) -> None:
    """One real record, copied under other names (each copy has an id/name mismatch: problems to
    find), and one file that is not YAML at all."""
    first = log_committee(branch)
    folder = branch / "records" / "2026"
    for i in range(count):
        shutil.copy(folder / f"{first}.yaml", folder / f"2026-07-03-committee-x{i:03d}.yaml")
    (folder / "2026-07-04-committee-bad0.yaml").write_text("a: [\n", encoding="utf-8")


def test_check_in_spawned_workers_finds_what_a_serial_check_finds(branch, monkeypatch):
    _many_records(branch, 40)
    serial = check.check_repo(Repo(branch, dt.date(2026, 11, 26)))
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    monkeypatch.setattr(check, "PARALLEL_FROM", 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert check._start_method() == "spawn"
    spawned = check.check_repo(Repo(branch, dt.date(2026, 11, 26)))
    assert spawned.files == serial.files == 44
    assert [p.as_json() for p in spawned.problems] == [p.as_json() for p in serial.problems]
    assert any(p.file.endswith("bad0.yaml") for p in spawned.problems)


def test_check_without_any_start_method_is_serial_and_complete(branch, monkeypatch):
    _many_records(branch, 5)
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: [])
    monkeypatch.setattr(check, "PARALLEL_FROM", 1)
    result = check.check_repo(Repo(branch, dt.date(2026, 11, 26)))
    assert result.files == 9 and any(p.file.endswith("bad0.yaml") for p in result.problems)


def _gbk_stream(tty: bool) -> io.TextIOWrapper:
    class Raw(io.BytesIO):
        def isatty(self) -> bool:
            return tty

    return io.TextIOWrapper(Raw(), encoding="gbk", errors="strict")


def test_a_gbk_pipe_becomes_utf8(monkeypatch):
    from partywork.app.main import _text_streams

    monkeypatch.delenv("PYTHONIOENCODING", raising=False)
    out, err = _gbk_stream(False), _gbk_stream(False)
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    _text_streams()
    print("王𠮷 张强")
    print("错误", file=sys.stderr)
    out.flush()
    err.flush()
    assert out.buffer.getvalue().decode("utf-8") == "王𠮷 张强\n"  # type: ignore[attr-defined]
    assert err.buffer.getvalue().decode("utf-8") == "错误\n"  # type: ignore[attr-defined]


def test_a_gbk_terminal_keeps_gbk_and_escapes_what_it_cannot_show(monkeypatch):
    from partywork.app.main import _text_streams

    monkeypatch.delenv("PYTHONIOENCODING", raising=False)
    out = _gbk_stream(True)
    monkeypatch.setattr(sys, "stdout", out)
    _text_streams()
    print("王𠮷")
    out.flush()
    assert out.buffer.getvalue().decode("gbk") == "王\\U00020bb7\n"  # type: ignore[attr-defined]


def test_pythonioencoding_is_left_as_the_user_set_it(monkeypatch):
    from partywork.app.main import _text_streams

    monkeypatch.setenv("PYTHONIOENCODING", "gbk:strict")
    out = _gbk_stream(False)
    monkeypatch.setattr(sys, "stdout", out)
    _text_streams()
    assert (out.encoding, out.errors) == ("gbk", "strict")


@pytest.mark.parametrize(
    ("editor", "words"),
    [
        ('"C:\\Program Files\\Notepad++\\notepad++.exe" -multiInst', None),
        ("notepad", ["notepad"]),
    ],
)
def test_editor_words_on_windows_keep_backslashes(monkeypatch, editor, words):
    from partywork.app import editing

    monkeypatch.setattr(editing.os, "name", "nt")
    expected = words or ["C:\\Program Files\\Notepad++\\notepad++.exe", "-multiInst"]
    assert editing._editor_words(editor) == expected
