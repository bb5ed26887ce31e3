"""pw check on hand-broken records (SPEC §5.6): every file, its line, exit 1, and the valid
records beside them still listed."""

from __future__ import annotations

import json
import time

from conftest import log_committee, ok, run_pw

GOOD = """schema: 1
id: {id}
type: meeting
kind: committee
title: 2026年第8次支委会
date: {date}
place: 项目部会议室
mode: offline
host: 王伟
recorder: 李芳
attendees:
  - 王伟
  - 李芳
  - 张强
topics:
  - 研究安全生产
minutes: 王伟主持。
"""


def _good(record_id: str, date: str = "2026-08-05") -> str:
    return GOOD.format(id=record_id, date=date)


BROKEN = {
    "2026-08-05-committee-dupk": (
        _good("2026-08-05-committee-dupk").replace(
            "place: 项目部会议室\n", "place: 项目部会议室\ntitle: 又一个标题\n"
        ),
        8,
        "DUPLICATE-KEY",
    ),
    "2026-08-06-committee-miss": (
        _good("2026-08-06-committee-miss", "2026-08-06").replace("  - 李芳\n", "  - 李方\n"),
        13,
        "UNKNOWN-MEMBER",
    ),
    "2026-08-07-committee-both": (
        _good("2026-08-07-committee-both", "2026-08-07")
        + "absent:\n  - name: 张强\n    reason: 出差\n",
        14,
        "ATTENDEE-ABSENT",
    ),
    "2026-08-08-committee-tabs": (
        _good("2026-08-08-committee-tabs", "2026-08-08").replace("  - 王伟", "\t- 王伟"),
        12,
        "YAML-SYNTAX",
    ),
    "2026-08-09-committee-pyob": (
        _good("2026-08-09-committee-pyob", "2026-08-09").replace(
            "minutes: 王伟主持。",
            "minutes: !!python/object/apply:os.system ['touch /tmp/pw-pwned']",
        ),
        17,
        "TAG",
    ),
    "2026-08-10-committee-bomb": (
        'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n'
        "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n",
        1,
        "ALIAS",
    ),
    "2026-08-12-committee-gbkx": (None, 5, "ENCODING"),
    "2026-08-13-committee-futr": (
        _good("2026-12-13-committee-futr", "2026-12-13"),
        6,
        "FUTURE-DATE",
    ),
    "2026-02-28-committee-feb3": (_good("2026-02-28-committee-feb3", "2026-02-30"), 6, "BAD-DATE"),
    "2026-08-14-committee-empt": ("", 1, "EMPTY"),
    "2026-08-15-committee-list": ("- a\n- b\n", 1, "NOT-MAPPING"),
}


def _write_broken(branch):
    folder = branch / "records" / "2026"
    folder.mkdir(exist_ok=True)
    for record_id, (text, _line, _code) in BROKEN.items():
        path = folder / f"{record_id}.yaml"
        if text is None:  # GBK bytes: a file saved in the wrong encoding
            path.write_bytes(
                _good(record_id, "2026-08-12").replace("项目部会议室", "会议").encode("gbk")
            )
        else:
            path.write_text(text, encoding="utf-8")
    (folder / "2026-08-11-committee-huge.yaml").write_bytes(
        b"minutes: " + b"x" * (2 * 1024 * 1024) + b"\n"
    )


def test_check_names_every_broken_file_with_its_line(branch):
    good_id = log_committee(branch)
    _write_broken(branch)
    started = time.monotonic()
    result = run_pw("check", cwd=branch)
    elapsed = time.monotonic() - started
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    for record_id, (_text, line, code) in BROKEN.items():
        expected = f"records/2026/{record_id}.yaml:{line}:"
        matching = [
            ln for ln in result.stdout.splitlines() if ln.startswith(expected) and code in ln
        ]
        assert matching, f"{record_id}: no '{expected} … {code}' in\n{result.stdout}"
    assert "records/2026/2026-08-11-committee-huge.yaml: TOO-LARGE" in result.stdout
    assert good_id not in result.stdout
    assert "Tab" in result.stdout  # the tab-indented file gets the "spaces, not tabs" hint
    assert elapsed < 10
    listed = json.loads(ok(run_pw("list", "--format", "json", cwd=branch)).stdout)["records"]
    assert good_id in [r["id"] for r in listed]


def test_unsafe_tag_is_never_executed(branch, tmp_path):
    marker = tmp_path / "pwned"
    folder = branch / "records" / "2026"
    folder.mkdir(exist_ok=True)
    (folder / "2026-08-09-committee-pyob.yaml").write_text(
        f"id: !!python/object/apply:os.system ['touch {marker}']\n", encoding="utf-8"
    )
    result = run_pw("check", cwd=branch)
    assert result.returncode == 1 and "TAG" in result.stdout
    assert not marker.exists()


def test_check_hints_the_nearest_member(branch):
    _write_broken(branch)
    result = run_pw("check", cwd=branch)
    assert "李芳" in result.stdout  # the hint for 李方


def test_check_json_shape(branch):
    _write_broken(branch)
    result = run_pw("check", "--format", "json", cwd=branch)
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["schema"] == "pw.check/1"
    first = data["problems"][0]
    assert set(first) == {"code", "severity", "file", "line", "column", "message", "hint"}


def test_clean_repo_passes_and_strict_fails_on_warnings(branch):
    log_committee(branch)
    ok(run_pw("check", cwd=branch))
    folder = branch / "records" / "2026"
    (folder / "2026-08-05-committee-warn.yaml").write_text(
        _good("2026-08-05-committee-warn").replace("  - 张强\n", ""), encoding="utf-8"
    )
    assert run_pw("check", cwd=branch).returncode == 0
    strict = run_pw("check", "--strict", cwd=branch)
    assert strict.returncode == 1 and "NOT-LISTED" in strict.stdout


def test_id_must_match_file_name_and_folder(branch):
    folder = branch / "records" / "2025"
    folder.mkdir()
    (folder / "2026-08-05-committee-abcd.yaml").write_text(
        _good("2026-08-05-committee-abce"), encoding="utf-8"
    )
    result = run_pw("check", cwd=branch)
    assert result.returncode == 1
    assert "ID-MISMATCH" in result.stdout and "WRONG-FOLDER" in result.stdout


def test_roster_problems_are_reported(branch):
    members = branch / "records" / "members.yaml"
    members.write_text(
        members.read_text(encoding="utf-8").replace("status: full", "status: ful", 1),
        encoding="utf-8",
    )
    result = run_pw("check", cwd=branch)
    assert (
        result.returncode == 1
        and "records/members.yaml:" in result.stdout
        and "BAD-VALUE" in result.stdout
    )


def test_settings_unknown_key_gets_did_you_mean(branch):
    settings = branch / "records" / "pw.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace("late_after_days", "late_after_day"),
        encoding="utf-8",
    )
    result = run_pw("check", cwd=branch)
    assert result.returncode == 1 and "late_after_days" in result.stdout
