"""The audit trail (SPEC §9): histories with each kind of tampering, built with plain git, and a
clean one built only by pw, each record on its meeting's day (time controlled with faketime)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import git, isolated_env, pw_argv

FAKETIME = shutil.which("faketime")
pytestmark = pytest.mark.skipif(
    FAKETIME is None, reason="faketime is not installed (.ci/run installs it)"
)

MINUTES = (
    "王伟：传达公司党委关于安全生产大检查的通知，要求各班组对照清单逐项自查。\n"
    "李芳：汇报上月整改落实情况，脚手架连墙件已全部补齐，临时用电线路重新敷设。\n"
    "张强：提出雨季前完成排水沟疏通，并组织一次防汛应急演练。"
)


def at(day: str, root: Path, env: dict, *args: str, stdin: str | None = None, check: bool = True):
    """Run pw as if it were 20:00 on `day`: git and Python both see that clock."""
    command = [FAKETIME, "-f", f"@{day} 20:00:00", *pw_argv(*args, today=None)]
    result = subprocess.run(
        command,
        cwd=root,
        input=stdin,
        capture_output=True,
        text=True,
        env={**env, "FAKETIME_DONT_FAKE_MONOTONIC": "1"},
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


def pw(root: Path, env: dict, *args: str, today: str = "2026-11-26") -> subprocess.CompletedProcess:
    return subprocess.run(
        pw_argv(*args, today=today),
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
    )


def raw_git(
    root: Path, env: dict, *args: str, when: str | None = None, author_when: str | None = None
) -> str:
    extra = {}
    if when:
        extra["GIT_COMMITTER_DATE"] = when
        extra["GIT_AUTHOR_DATE"] = author_when or when
    return subprocess.run(
        ["git", *args], cwd=root, env={**env, **extra}, check=True, capture_output=True, text=True
    ).stdout


def meeting(day: str, kind: str, *extra: str) -> list[str]:
    people = ["--host", "王伟", "--recorder", "李芳", "--attendees", "王伟,李芳,张强"]
    if kind == "group":
        people = ["--host", "王伟", "--recorder", "李芳", "--group", "g1", "--all-present"]
    return [
        "log",
        "meeting",
        "--kind",
        kind,
        "--date",
        day,
        "--place",
        "项目部会议室",
        *people,
        "--topic",
        "安全生产",
        "--minutes",
        f"{day} 会议：" + MINUTES[:20] + kind,
        *extra,
    ]


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> dict:
    """A branch kept only by pw, every record committed on its meeting's evening."""
    env = isolated_env(tmp_path_factory.mktemp("home"))
    env.update(
        {k: v for k, v in os.environ.items() if k.startswith(("PATH", "PYTHON", "VIRTUAL_ENV"))}
    )
    root = tmp_path_factory.mktemp("clean") / "branch"
    at("2026-06-30", root.parent, env, "init", str(root), "--branch", "审计测试党支部")
    at("2026-06-30", root, env, "group", "add", "g1", "--name", "第一党小组")
    for name, role in (
        ("王伟", "secretary"),
        ("李芳", "committee"),
        ("张强", "committee"),
        ("刘洋", None),
    ):
        at(
            "2026-06-30",
            root,
            env,
            "member",
            "add",
            name,
            "--group",
            "g1",
            "--joined",
            "2026-01-01",
            *(["--role", role] if role else []),
        )
    ids = {}
    for day, kind in (
        ("2026-07-03", "committee"),
        ("2026-07-10", "group"),
        ("2026-08-04", "committee"),
        ("2026-08-12", "group"),
        ("2026-09-02", "committee"),
        ("2026-09-15", "group"),
    ):
        ids[f"{kind}-{day[5:7]}"] = at(day, root, env, *meeting(day, kind)).stdout.strip()
    return {"root": root, "env": env, "ids": ids}


@pytest.fixture
def branch(clean, tmp_path) -> tuple[Path, dict, dict]:
    root = tmp_path / "branch"
    shutil.copytree(clean["root"], root)
    # every copy shares its first commit: each test has its own witness (what pw saw) and caches
    env = {
        **clean["env"],
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    return root, env, clean["ids"]


def audit(root: Path, env: dict, *args: str) -> list[dict]:
    result = pw(root, env, "audit", "--format", "json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["findings"]


def found(findings: list[dict], code: str) -> list[dict]:
    return [f for f in findings if f["code"] == code]


def verify(root: Path, env: dict) -> tuple[int, dict]:
    result = pw(root, env, "verify", "--format", "json")
    return result.returncode, json.loads(result.stdout)


# -- the clean history ---------------------------------------------------------------------------


def test_clean_history_has_nothing_above_info_and_verifies(branch):
    root, env, _ids = branch
    findings = audit(root, env)
    assert [f for f in findings if f["severity"] != "info"] == []
    code, data = verify(root, env)
    assert code == 0 and data == {"schema": "pw.verify/1", "ok": True, "findings": []}


# -- time ----------------------------------------------------------------------------------------


def test_late_record_with_and_without_a_declared_reason(branch):
    root, env, _ids = branch
    late = at("2026-10-20", root, env, *meeting("2026-10-02", "committee")).stdout.strip()
    declared = at(
        "2026-10-20",
        root,
        env,
        *meeting("2026-10-05", "group"),
        "--late-reason",
        "会议记录本遗失后补记",
    ).stdout.strip()
    findings = found(audit(root, env), "LATE")
    by_record = {f["record"]: f for f in findings}
    assert by_record[late]["severity"] == "warning" and "18" in by_record[late]["message"]
    assert by_record[declared]["severity"] == "info" and "遗失" in by_record[declared]["message"]


def test_several_months_written_up_in_one_evening(branch):
    root, env, _ids = branch
    written = [
        at(
            "2026-10-28", root, env, *meeting(day, kind), "--late-reason", "季度末补记"
        ).stdout.strip()
        for day, kind in (
            ("2026-10-06", "committee"),
            ("2026-10-13", "group"),
            ("2026-09-28", "theme-day"),
        )
    ]
    batch = found(audit(root, env), "BATCH")
    assert sorted(f["record"] for f in batch) == sorted(written)
    assert all(f["severity"] == "warning" for f in batch)


def test_backdated_commits(branch):
    root, env, ids = branch
    path = next((root / "records" / "2026").glob(f"{ids['committee-07']}.yaml"))
    path.write_text(
        path.read_text(encoding="utf-8").replace("项目部会议室", "会议室"), encoding="utf-8"
    )
    raw_git(root, env, "commit", "-qam", "改地点", when="2026-07-04T20:00:00+08:00")
    findings = found(audit(root, env), "BACKDATE")
    assert [f["record"] for f in findings] == [ids["committee-07"]]
    skewed = at("2026-10-10", root, env, *meeting("2026-10-09", "committee")).stdout.strip()
    skew_path = root / "records" / "2026" / f"{skewed}.yaml"
    skew_path.write_text(
        skew_path.read_text(encoding="utf-8") + "late_reason: 补\n", encoding="utf-8"
    )
    raw_git(
        root,
        env,
        "commit",
        "-qam",
        "x",
        when="2026-10-11T20:00:00+08:00",
        author_when="2026-10-01T08:00:00+08:00",
    )
    assert skewed in [f["record"] for f in found(audit(root, env), "BACKDATE")]
    code, data = verify(root, env)
    assert code == 1 and "BACKDATE" in {f["code"] for f in data["findings"]}


def test_pw_ignores_an_inherited_commit_date(branch):
    root, env, _ids = branch
    at("2026-10-10", root, env, *meeting("2026-10-09", "committee"))
    subprocess.run(
        [
            FAKETIME,
            "-f",
            "@2026-10-10 20:00:00",
            *pw_argv(*meeting("2026-10-09", "group"), today=None),
        ],
        cwd=root,
        env={
            **env,
            "GIT_COMMITTER_DATE": "2001-01-01T00:00:00",
            "FAKETIME_DONT_FAKE_MONOTONIC": "1",
        },
        check=True,
        capture_output=True,
    )
    assert git("log", "-1", "--format=%cs", cwd=root).strip() == "2026-10-10"


# -- changes outside pw ---------------------------------------------------------------------------


def test_commit_without_trailers_is_outside(branch):
    root, env, ids = branch
    path = root / "records" / "2026" / f"{ids['group-08']}.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("安全生产", "安全生产检查"), encoding="utf-8"
    )
    raw_git(root, env, "commit", "-qam", "顺手改一下")
    findings = audit(root, env)
    outside = found(findings, "OUTSIDE")
    assert [(f["record"], f["severity"]) for f in outside] == [(ids["group-08"], "warning")]
    amended = found(findings, "AMENDED")
    assert [(f["record"], f["severity"]) for f in amended] == [(ids["group-08"], "warning")]
    code, data = verify(root, env)
    assert code == 1 and data["ok"] is False


def test_uncommitted_change_is_outside(branch):
    root, env, ids = branch
    path = root / "records" / "2026" / f"{ids['group-08']}.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "late_reason: 手工\n", encoding="utf-8")
    outside = found(audit(root, env), "OUTSIDE")
    assert outside and outside[0]["record"] == ids["group-08"] and outside[0]["commit"] is None


def test_amended_with_a_reason_is_information(branch):
    root, env, ids = branch
    at(
        "2026-09-20",
        root,
        env,
        "edit",
        ids["group-09"],
        "--set",
        "place=党员活动室",
        "--reason",
        "更正会议地点",
    )
    amended = found(audit(root, env), "AMENDED")
    assert [(f["record"], f["severity"]) for f in amended] == [(ids["group-09"], "info")]
    assert "更正会议地点" in amended[0]["message"]
    assert verify(root, env)[0] == 0


def test_deleted_record(branch):
    root, env, ids = branch
    raw_git(root, env, "rm", "-q", f"records/2026/{ids['committee-08']}.yaml")
    raw_git(root, env, "commit", "-qm", "删掉")
    deleted = found(audit(root, env), "DELETED")
    assert [(f["record"], f["severity"]) for f in deleted] == [(ids["committee-08"], "error")]
    assert verify(root, env)[0] == 1


def test_voided_record_is_information(branch):
    root, env, ids = branch
    at("2026-09-20", root, env, "void", ids["group-09"], "--reason", "重复录入")
    voided = found(audit(root, env), "VOIDED")
    assert [(f["record"], f["severity"]) for f in voided] == [(ids["group-09"], "info")]
    assert "重复录入" in voided[0]["message"]


def test_copied_minutes(branch):
    root, env, _ids = branch
    first = at(
        "2026-10-09", root, env, *meeting("2026-10-09", "committee")[:-2], "--minutes", MINUTES
    ).stdout.strip()
    copied = at(
        "2026-11-06",
        root,
        env,
        *meeting("2026-11-06", "committee")[:-2],
        "--minutes",
        MINUTES.replace("上月", "本月"),
    ).stdout.strip()
    other = at(
        "2026-11-10",
        root,
        env,
        *meeting("2026-11-10", "group")[:-2],
        "--minutes",
        "刘洋：学习新修订的安全生产法，重点是全员安全生产责任制。\n王伟：结合项目实际，提出每周一次隐患排查并公示结果。",
    ).stdout.strip()
    similar = found(audit(root, env), "SIMILAR")
    assert [(f["record"], f["severity"]) for f in similar] == [(copied, "warning")]
    assert first in similar[0]["message"] and other not in similar[0]["message"]


def test_unknown_author(branch):
    root, env, _ids = branch
    settings = root / "records" / "pw.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace(
            "recorders: []", "recorders: [someone@example.org]"
        ),
        encoding="utf-8",
    )
    raw_git(root, env, "commit", "-qam", "只允许指定记录人")
    at("2026-10-10", root, env, *meeting("2026-10-09", "committee"))
    unknown = found(audit(root, env), "UNKNOWN-AUTHOR")
    assert unknown and all("recorder@example.org" in f["message"] for f in unknown)
    assert verify(root, env)[0] == 1


# -- sealed periods ------------------------------------------------------------------------------


def test_close_then_edit_is_closed_edit(branch):
    root, env, ids = branch
    closed = at("2026-10-08", root, env, "close", "2026Q3")
    assert closed.stdout.strip() == "pw/closed/2026Q3"
    assert "Pw-Period: 2026-07-01..2026-09-30" in git(
        "tag", "-l", "--format=%(contents)", "pw/closed/2026Q3", cwd=root
    )
    assert verify(root, env)[0] == 0
    edit = ("edit", ids["committee-08"], "--set", "place=别处", "--reason", "更正")
    refused = at("2026-10-09", root, env, *edit, check=False)
    assert refused.returncode == 65 and "pw/closed/2026Q3" in refused.stderr
    at("2026-10-09", root, env, *edit, "--after-close")  # issue 14: pw's own, a warning
    edits = found(audit(root, env), "CLOSED-EDIT")
    assert [(f["record"], f["severity"]) for f in edits] == [(ids["committee-08"], "warning")]
    assert verify(root, env)[0] == 0
    assert at("2026-10-09", root, env, "close", "2026Q3", check=False).returncode == 65


def test_reset_below_a_close_tag_is_rewritten(branch):
    root, env, _ids = branch
    at("2026-10-01", root, env, *meeting("2026-09-30", "theme-day"))
    at("2026-10-08", root, env, "close", "2026Q3")
    raw_git(root, env, "reset", "-q", "--hard", "HEAD~1")
    rewritten = found(audit(root, env), "REWRITTEN")
    assert (
        rewritten
        and rewritten[0]["severity"] == "error"
        and "pw/closed/2026Q3" in rewritten[0]["message"]
    )
    assert verify(root, env)[0] == 1


def test_close_is_refused_when_check_fails_or_the_period_is_not_over(branch):
    root, env, _ids = branch
    (root / "records" / "2026" / "2026-08-01-committee-bad1.yaml").write_text(
        "title: [\n", encoding="utf-8"
    )
    refused = at("2026-10-08", root, env, "close", "2026Q3", check=False)
    assert refused.returncode == 65 and "pw check" in refused.stderr
    (root / "records" / "2026" / "2026-08-01-committee-bad1.yaml").unlink()
    assert at("2026-09-20", root, env, "close", "2026Q3", check=False).returncode == 65
    assert (
        at("2026-10-08", root, env, "close", "2026-07-01..2026-09-30", check=False).returncode == 2
    )


# -- signatures ----------------------------------------------------------------------------------


def _keys(tmp_path: Path) -> dict:
    keys = {}
    for name, email in (("recorder", "recorder@example.org"), ("stranger", "stranger@example.org")):
        key = tmp_path / name
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", email, "-f", str(key)], check=True
        )
        keys[name] = key
    allowed = tmp_path / "allowed_signers"
    allowed.write_text(
        f"recorder@example.org {(tmp_path / 'recorder.pub').read_text()}", encoding="utf-8"
    )
    keys["allowed"] = allowed
    return keys


def _require_signing(root: Path, env: dict, keys: dict, mode: str = "require") -> None:
    for key, value in (("gpg.format", "ssh"), ("user.signingkey", str(keys["recorder"]))):
        raw_git(root, env, "config", key, value)
    # the verifier's own list of signers: pw never takes one from the audited repository
    raw_git(root, env, "config", "--global", "gpg.ssh.allowedSignersFile", str(keys["allowed"]))
    settings = root / "records" / "pw.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8")
        .replace("signing: 'off'", f"signing: {mode}")
        .replace("signing: off", f"signing: {mode}"),
        encoding="utf-8",
    )
    raw_git(root, env, "commit", "-q", "-S", "-am", "开启签名", when="2026-10-01T20:00:00+00:00")


def test_pw_signs_its_commits_and_tags(branch, tmp_path):
    root, env, _ids = branch
    _require_signing(root, env, _keys(tmp_path), "sign")
    at("2026-10-09", root, env, *meeting("2026-10-09", "committee"))
    assert "gpgsig" in git("cat-file", "-p", "HEAD", cwd=root)
    assert raw_git(root, env, "log", "-1", "--format=%G?").strip() == "G"
    at("2026-10-10", root, env, "close", "2026Q3")
    assert "SSH SIGNATURE" in git("cat-file", "-p", "pw/closed/2026Q3", cwd=root)


def test_signed_history_verifies_and_unsigned_or_foreign_commits_do_not(branch, tmp_path):
    root, env, ids = branch
    keys = _keys(tmp_path)
    _require_signing(root, env, keys)
    at("2026-10-09", root, env, *meeting("2026-10-09", "committee"))
    assert verify(root, env)[0] == 0  # commits before signing was required are not held to it
    path = root / "records" / "2026" / f"{ids['group-07']}.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "late_reason: 补\n", encoding="utf-8")
    raw_git(root, env, "commit", "-qam", "未签名", "--no-gpg-sign")
    path.write_text(
        path.read_text(encoding="utf-8").replace("late_reason: 补", "late_reason: 补记"),
        encoding="utf-8",
    )
    raw_git(
        root,
        env,
        "-c",
        f"user.signingkey={keys['stranger']}",
        "commit",
        "-q",
        "-S",
        "-am",
        "别人的钥匙",
    )
    codes = {f["code"] for f in verify(root, env)[1]["findings"]}
    assert {"UNSIGNED", "BAD-SIGNATURE"} <= codes


def test_signed_by_one_committed_as_another(branch, tmp_path):
    root, env, ids = branch
    _require_signing(root, env, _keys(tmp_path))
    path = root / "records" / "2026" / f"{ids['group-07']}.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "late_reason: 补\n", encoding="utf-8")
    raw_git(root, env, "-c", "user.email=impostor@example.org", "commit", "-q", "-S", "-am", "冒名")
    mismatch = found(verify(root, env)[1]["findings"], "SIGNER-MISMATCH")
    assert (
        mismatch
        and "recorder@example.org" in mismatch[0]["message"]
        and "impostor@example.org" in mismatch[0]["message"]
    )


def test_required_signing_without_a_key_writes_nothing(branch, tmp_path):
    root, env, _ids = branch
    _require_signing(root, env, _keys(tmp_path))
    raw_git(root, env, "config", "--unset", "user.signingkey")
    before = git("rev-parse", "HEAD", cwd=root)
    result = at("2026-10-09", root, env, *meeting("2026-10-09", "committee"), check=False)
    assert result.returncode == 78 and "signingkey" in result.stderr
    assert (
        git("rev-parse", "HEAD", cwd=root) == before
        and git("status", "--porcelain", cwd=root) == ""
    )


# -- pw history, verify's fsck, the report ---------------------------------------------------------


def test_history_field_by_field(branch):
    root, env, ids = branch
    record = ids["committee-07"]
    at(
        "2026-07-05",
        root,
        env,
        "edit",
        record,
        "--set",
        "attendees=王伟,李芳",
        "--set",
        "absent=张强:出差",
        "--reason",
        "补充缺席人员",
    )
    at(
        "2026-07-06",
        root,
        env,
        "edit",
        record,
        "--set",
        f"minutes={MINUTES}",
        "--reason",
        "补全发言",
    )
    data = json.loads(pw(root, env, "history", record, "--format", "json").stdout)
    assert data["schema"] == "pw.history/1" and data["record"] == record
    assert [v["action"] for v in data["versions"]] == ["edit", "edit", "log"]
    newest, middle = data["versions"][0], data["versions"][1]
    assert middle["reason"] == "补充缺席人员"
    assert {c["field"] for c in middle["changes"]} == {"attendees", "absent"}
    assert set(newest) >= {"commit", "author", "email", "date", "action", "reason", "changes"}
    text = pw(root, env, "history", record[:-2]).stdout  # a unique prefix, as pw show takes
    assert "实到: −张强" in text and "记录: " in text and "行改动" in text


def test_history_of_a_deleted_record(branch):
    root, env, ids = branch
    raw_git(root, env, "rm", "-q", f"records/2026/{ids['committee-09']}.yaml")
    raw_git(root, env, "commit", "-qm", "删掉")
    data = json.loads(pw(root, env, "history", ids["committee-09"], "--format", "json").stdout)
    assert [v["action"] for v in data["versions"]] == ["deleted", "log"]
    assert pw(root, env, "history", "2026-01-01-committee-zzzz").returncode == 66


def test_verify_reports_object_corruption(branch):
    root, env, ids = branch
    blob = git("rev-parse", f"HEAD:records/2026/{ids['group-09']}.yaml", cwd=root).strip()
    obj = root / ".git" / "objects" / blob[:2] / blob[2:]
    obj.chmod(0o644)
    obj.write_bytes(b"corrupt")
    code, data = verify(root, env)
    assert code == 1 and any(f["code"] == "FSCK" for f in data["findings"])


def test_report_carries_the_audit_findings(branch):
    root, env, _ids = branch
    late = at("2026-09-30", root, env, *meeting("2026-09-10", "theme-day")).stdout.strip()
    report = json.loads(pw(root, env, "report", "quarter", "2026Q3", "--format", "json").stdout)
    assert any(f["code"] == "LATE" and f["record"] == late for f in report["findings"])


def test_audit_of_a_period_and_strict(branch):
    root, env, _ids = branch
    late = at("2026-10-20", root, env, *meeting("2026-10-02", "committee")).stdout.strip()
    assert found(audit(root, env, "2026Q3"), "LATE") == []
    assert [f["record"] for f in found(audit(root, env, "2026Q4"), "LATE")] == [late]
    assert pw(root, env, "audit").returncode == 0
    assert pw(root, env, "audit", "--strict").returncode == 1
