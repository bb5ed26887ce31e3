"""Issue 12: names are names, and every bad input gets a clear error and writes nothing."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import partywork
from conftest import COMMITTEE_ARGS, git, ok, pw_argv, run_pw


def _unchanged(root: Path, result, code: int, *words: str, head: str) -> None:
    assert result.returncode == code, f"rc={result.returncode}\n{result.stderr}"
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr, result.stderr
    assert git("rev-parse", "HEAD", cwd=root) == head
    assert git("status", "--porcelain", cwd=root) == ""


def _head(root: Path) -> str:
    return git("rev-parse", "HEAD", cwd=root)


# --- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "",
        "   ",
        "王\x1b[2J伟",
        "\ufeff王伟",
        "王\u200b伟",
        "\u202e伟王",
        "王伟,李芳",
        "王伟、李芳",
        "王\n伟",
        "王伟:出差",
        "王伟|x",
        "王伟：出差",
    ],
)
def test_a_name_that_cannot_be_told_apart_or_named_is_refused(branch, name):
    head = _head(branch)
    result = run_pw("member", "add", name, cwd=branch)
    _unchanged(branch, result, 2, "姓名", head=head)
    ok(run_pw("member", "list", cwd=branch))  # the roster still reads


def test_names_are_nfkc_normalised_and_looked_up_so(branch):
    ok(run_pw("member", "add", "⽟伟", "--joined", "2024-01-01", cwd=branch))  # KANGXI RADICAL JADE
    assert "玉伟" in (branch / "records" / "members.yaml").read_text(encoding="utf-8")
    assert "⽟" not in (branch / "records" / "members.yaml").read_text(encoding="utf-8")
    args = [a if a != "王伟,李芳" else "王伟,李芳,⽟伟" for a in COMMITTEE_ARGS]
    ok(run_pw(*args, cwd=branch))
    ok(run_pw("check", cwd=branch))


def test_check_reports_a_bad_name_in_a_hand_edited_roster(branch):
    path = branch / "records" / "members.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("name: 刘洋", 'name: "刘\\u200b洋"').replace("name: 陈静", "name: 陈静,赵磊"),
        encoding="utf-8",
    )
    result = run_pw("check", cwd=branch)
    assert result.returncode == 1
    lines = [line for line in result.stdout.splitlines() if "BAD-NAME" in line]
    assert len(lines) == 2 and all(line.startswith("records/members.yaml:") for line in lines), (
        result.stdout
    )
    assert "\u200b" not in result.stdout


def test_an_email_with_an_escape_is_refused(branch):
    head = _head(branch)
    _unchanged(
        branch, run_pw("member", "add", "孙丽", "--email", "a\x1b@b.org", cwd=branch), 2, head=head
    )


# --- what pw writes, pw check reads back ------------------------------------------------------

_text = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12
)
_name = st.one_of(
    _text,
    st.sampled_from(["王伟", "⽟伟", "Wang Wei", "王伟(机电)", "😀", "王\u200b伟", " 李 ", "a\tb"]),
)


@pytest.fixture(scope="module")
def roster_copy(branch_template, tmp_path_factory):
    return branch_template, tmp_path_factory.mktemp("prop")


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(name=_name, title=_text, minutes=st.one_of(_text, st.just("第一行\n第二行\t😀")))
def test_whatever_pw_writes_pw_check_reads_back(roster_copy, name, title, minutes):
    template, folder = roster_copy
    root = folder / "branch"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(template, root, symlinks=True)
    for args in (
        ["member", "add", name, "--joined", "2024-01-01"],
        [
            "log",
            "meeting",
            "--kind",
            "other",
            "--date",
            "2026-08-01",
            "--title",
            title,
            "--place",
            "室",
            "--host",
            "王伟",
            "--recorder",
            "王伟",
            "--attendees",
            f"王伟,{name}",
            "--topic",
            "议题",
            "--minutes",
            minutes,
        ],
    ):
        head = _head(root)
        result = run_pw(*args, cwd=root)
        assert "Traceback" not in result.stderr
        if result.returncode == 0:
            ok(run_pw("check", cwd=root))
        else:
            assert result.returncode in (2, 65), result.stderr
            assert _head(root) == head and git("status", "--porcelain", cwd=root) == ""


# --- periods, encodings, absences, hours --------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("report", "year", "0001"),
        ("audit", "0001Q1"),
        ("report", "quarter", "0000Q1"),
        ("report", "month", "9999-12"),
        ("list", "--period", "0001-01-01..0001-03-31"),
    ],
)
def test_a_period_that_cannot_exist_is_a_usage_error(branch, args):
    result = run_pw(*args, cwd=branch)
    assert (
        result.returncode == 2 and "Traceback" not in result.stderr and "时间段" in result.stderr
    ), result.stderr


def test_invalid_utf8_in_an_option_is_refused(branch):
    head = _head(branch)
    args = [os.fsencode(a) for a in COMMITTEE_ARGS] + [b"--title", b"\xff\xfe\xce\xd2"]
    result = subprocess.run(
        pw_argv(*args),
        cwd=branch,
        capture_output=True,
        text=True,
    )
    _unchanged(branch, result, 2, "UTF-8", head=head)


def test_minutes_in_gbk_are_refused_not_stored_as_mojibake(branch, tmp_path):
    head = _head(branch)
    minutes = tmp_path / "minutes.txt"
    minutes.write_bytes("王伟：传达会议精神。".encode("gbk"))
    args = [a for a in COMMITTEE_ARGS if a != COMMITTEE_ARGS[COMMITTEE_ARGS.index("--minutes") + 1]]
    args = [a if a != "--minutes" else "--minutes-file" for a in args]
    args.insert(args.index("--minutes-file") + 1, str(minutes))
    _unchanged(branch, run_pw(*args, cwd=branch), 65, "UTF-8", str(minutes), head=head)
    # with a BOM (and Notepad's CRLF) it is UTF-8, taken without either
    minutes.write_bytes(b"\xef\xbb\xbf" + "王伟：传达会议精神。\r\n李芳：汇报。\r\n".encode())
    record = ok(run_pw(*args, cwd=branch)).stdout.strip()
    text = (branch / "records" / "2026" / f"{record}.yaml").read_text(encoding="utf-8")
    assert (
        "王伟：传达会议精神。\n  李芳：汇报。" in text and "\ufeff" not in text and "\r" not in text
    )


def test_an_absence_needs_its_reason(branch):
    head = _head(branch)
    args = [a if a != "张强:出差" else "张强" for a in COMMITTEE_ARGS]
    _unchanged(branch, run_pw(*args, cwd=branch), 2, "张强:", head=head)


@pytest.mark.parametrize("hours", ["99999999999999999999", "25", "9" * 400])
def test_absurd_study_hours_are_refused(branch, hours):
    head = _head(branch)
    result = run_pw(
        "log",
        "study",
        "--kind",
        "collective",
        "--date",
        "2026-08-01",
        "--place",
        "室",
        "--host",
        "王伟",
        "--recorder",
        "李芳",
        "--attendees",
        "王伟,李芳",
        "--material",
        "党章",
        "--hours",
        hours,
        cwd=branch,
    )
    _unchanged(branch, result, 65, "24", head=head)


def test_a_training_course_may_run_for_days(branch):
    ok(
        run_pw(
            "log",
            "study",
            "--kind",
            "training",
            "--date",
            "2026-08-01",
            "--place",
            "党校",
            "--host",
            "王伟",
            "--recorder",
            "李芳",
            "--attendees",
            "王伟,李芳",
            "--material",
            "党章",
            "--hours",
            "40",
            cwd=branch,
        )
    )


# --- Ctrl-C at any moment -----------------------------------------------------------------------

PW_SOURCE = str(Path(partywork.__file__).parent)


@pytest.mark.parametrize("delay_ms", [0, 10, 20, 35, 50, 70, 90, 110, 130, 150])
def test_ctrl_c_at_any_moment_exits_130_without_a_traceback(branch, delay_ms):
    args = pw_argv(*COMMITTEE_ARGS)
    process = subprocess.Popen(
        args, cwd=branch, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    time.sleep(delay_ms / 1000)
    process.send_signal(signal.SIGINT)
    _out, err = process.communicate(timeout=60)
    # Before the interpreter has started (the first few ms, no pw code yet) Python itself decides:
    # killed by the signal, or a traceback from its own start-up with no pw frame in it.
    if "Traceback" in err:
        # Python's own start-up (no frame of pw's code) is before pw can do anything
        assert PW_SOURCE not in err, err
    else:
        assert process.returncode in (0, 130, -signal.SIGINT), (process.returncode, err)
    assert git("status", "--porcelain", cwd=branch) == ""


# --- a full disk leaves the index as it found it --------------------------------------------------


def test_a_full_disk_leaves_nothing_staged(tmp_path):
    """A real full tmpfs (needs root and mount): whatever git managed to write before the disk
    filled, no `AD` entry stays in the index and pw verify still passes."""
    mount = tmp_path / "small"
    mount.mkdir()
    if (
        os.geteuid() != 0
        or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True
        ).returncode
        != 0
    ):
        pytest.skip("cannot mount a tmpfs here")
    try:
        root = mount / "branch"
        ok(run_pw("init", str(root), "--branch", "小磁盘党支部", cwd=tmp_path))
        ok(run_pw("member", "add", "王伟", "--joined", "2026-01-01", cwd=root))
        for free_kib in range(8, 44, 4):
            ballast = mount / "ballast"
            fd = os.open(ballast, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            try:
                while True:
                    os.write(fd, b"\0" * 4096)
            except OSError:
                pass
            os.ftruncate(fd, max(0, os.fstat(fd).st_size - free_kib * 1024))
            os.close(fd)
            result = run_pw(
                "log",
                "meeting",
                "--kind",
                "other",
                "--date",
                "2026-11-20",
                "--place",
                "室",
                "--host",
                "王伟",
                "--recorder",
                "王伟",
                "--attendees",
                "王伟",
                "--topic",
                "议题",
                "--minutes",
                "记录",
                cwd=root,
            )
            ballast.unlink()
            assert result.returncode in (0, 74), (free_kib, result.stderr)
            assert git("status", "--porcelain", cwd=root) == "", free_kib
            ok(run_pw("verify", cwd=root))
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True)


def test_a_roster_written_before_names_were_normalised_stays_readable(branch):
    """Full-width brackets are how Chinese users write a group's name, and a member name typed
    before pw normalised names must not lock the roster: a warning, and every command works."""
    path = branch / "records" / "members.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("name: 第一党小组", "name: 第一党小组（项目管理）").replace(
            "name: 刘洋", "name: 刘洋（机电）"
        ),
        encoding="utf-8",
    )
    git("commit", "-qam", "手改花名册", cwd=branch)
    check = run_pw("check", cwd=branch)
    assert check.returncode == 0, check.stdout + check.stderr
    assert (
        "BAD-NAME" in check.stdout
        and "刘洋（机电）" in check.stdout
        and "项目管理" not in check.stdout
    )
    ok(run_pw("member", "list", cwd=branch))
    ok(run_pw("group", "edit", "g1", "--name", "第一党小组（项目管理）", cwd=branch))


def test_the_sample_branch_of_make_demo_checks_clean():
    """`make demo` runs `pw check` on the sample records of this checkout first."""
    checkout = Path(__file__).resolve().parents[2]
    result = run_pw("check", cwd=checkout)
    assert result.returncode == 0, result.stdout + result.stderr
