"""Issue 12: pw on a folder someone else prepared (RELIABILITY §(e)). Verify, don't trust: pw runs
no program the repository names, believes nothing kept inside the folder it audits, reads nothing
outside it, and reports on a handed-over folder exactly what it reports on a fresh clone."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import COMMITTEE_ARGS, git, log_committee, ok, run_pw

REPORT = ("report", "quarter", "2026Q3", "--format", "json")


def _evil_script(tmp_path: Path) -> tuple[Path, Path]:
    """A program that leaves a trace when run (and passes its input through, as a filter would)."""
    marker = tmp_path / "ran"
    script = tmp_path / "evil.sh"
    script.write_text(f'#!/bin/sh\necho "$0 $*" >> "{marker}"\ncat\n', encoding="utf-8")
    script.chmod(0o755)
    return script, marker


def _hand_commit(root: Path, record_id: str) -> str:
    """An edit of a record outside pw: an OUTSIDE finding, the kind a `git replace` would hide."""
    path = root / "records" / "2026" / f"{record_id}.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("项目部会议室", "二楼会议室"), encoding="utf-8"
    )
    git("commit", "-qam", "改地点", cwd=root)
    return git("rev-parse", "HEAD", cwd=root).strip()


def _poison_caches(root: Path, record_id: str) -> None:
    """Misleading JSON where pw kept its caches (.pw/cache/) and where it keeps them now (the user's
    cache folder for this repository): the record's absence is gone and no minutes are similar."""
    from partywork.storage.userdirs import repo_cache

    blob = git("rev-parse", f"HEAD:records/2026/{record_id}.yaml", cwd=root).strip()
    forged = {
        "id": record_id,
        "type": "meeting",
        "kind": "committee",
        "date": "2026-07-03",
        "title": "伪造",
        "attendees": ["王伟", "李芳", "张强"],
        "absent": [],
        "minutes": "x",
        "actions": [],
    }
    request = json.dumps(
        {
            "unit": "quarter",
            "period": "2026Q3",
            "format": "json",
            "lang": "",
            "today": "2026-11-26",
        },
        ensure_ascii=False,
        sort_keys=True,
    )
    memo_name = hashlib.sha256(request.encode("utf-8")).hexdigest()[:32]
    for base in (root / ".pw" / "cache", repo_cache(root / ".git", root)):
        for version in ("v2", "v3"):
            folder = base / version
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "2026-07.json").write_text(
                json.dumps({"documents": {blob: forged}}), encoding="utf-8"
            )
            (folder / "memos.json").write_text(
                '{"memos": {"SIMILAR": {"key": "x", "value": []}}}', encoding="utf-8"
            )
            (folder / "2026.actions.json").write_text(
                '{"key": 1, "records": [1, {"actions": 2}]}', encoding="utf-8"
            )
            (folder / "2025-01.json").write_bytes(b"\xff\xfe not json")
        reports = base / "reports"
        reports.mkdir(parents=True, exist_ok=True)
        (reports / f"{memo_name}.memo").write_text(
            '{"request": "x"}\n{"planted": 1}\n', encoding="utf-8"
        )


def _hostile(branch: Path, tmp_path: Path) -> tuple[Path, Path, Path, str]:
    """(the prepared folder, a fresh clone of it made first, the marker file, a record id)."""
    record_id = log_committee(branch)
    own = "刘洋：学习新修订的安全生产法。\n王伟：提出每周一次隐患排查。"
    ok(run_pw(*[own if a.startswith("王伟：传达") else a for a in COMMITTEE_ARGS], cwd=branch))
    (branch / ".gitattributes").write_text("* filter=x diff=t\n", encoding="utf-8")
    git("add", ".gitattributes", cwd=branch)
    git("commit", "-qm", "attributes", cwd=branch)
    outside = _hand_commit(branch, record_id)
    clone = tmp_path / "clone"
    git("clone", "-q", str(branch), str(clone), cwd=tmp_path)

    script, marker = _evil_script(tmp_path)
    for key, value in (
        ("core.fsmonitor", str(script)),
        ("filter.x.clean", str(script)),
        ("filter.x.smudge", str(script)),
        ("filter.x.process", str(script)),
        ("filter.x.required", "true"),
        ("diff.external", str(script)),
        ("diff.t.textconv", str(script)),
        ("diff.t.command", str(script)),
        ("gpg.program", str(script)),
        ("gpg.ssh.program", str(script)),
        ("core.pager", str(script)),
        ("core.editor", str(script)),
    ):
        git("config", key, value, cwd=branch)
    # the hand commit dressed up as pw's own edit: a replace object hides the OUTSIDE finding
    raw = git("cat-file", "commit", outside, cwd=branch)
    dressed = raw.replace(
        "改地点",
        f"改地点\n\nPw-Action: edit\nPw-Record: {record_id}\nPw-Reason: 更正\nPw-Version: 0.3.0",
    )
    forged = subprocess.run(
        ["git", "hash-object", "-t", "commit", "-w", "--stdin"],
        cwd=branch,
        input=dressed,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    git("replace", outside, forged, cwd=branch)
    assert "Pw-Action" in git(
        "log", "-1", "--format=%B", outside, cwd=branch
    )  # git itself is fooled
    _poison_caches(branch, record_id)
    # stat data git has not seen (a copied folder): the index must be refreshed, which runs
    # fsmonitor
    # and, for racily clean entries, the clean filter
    for path in (branch / "records" / "2026").iterdir():
        os.utime(path, None)
    return branch, clone, marker, record_id


def test_a_prepared_folder_runs_nothing_and_reports_what_a_clone_reports(branch, tmp_path):
    folder, clone, marker, record_id = _hostile(branch, tmp_path)
    planted = sorted(p.relative_to(folder) for p in (folder / ".pw").rglob("*"))
    commands = [
        REPORT,
        ("audit", "--format", "json"),
        ("audit", "2026Q3", "--format", "json"),
        ("verify", "--format", "json"),
        ("status",),
        ("check",),
        ("list", "--format", "json"),
        ("history", record_id, "--format", "json"),
        ("show", record_id),
    ]
    for command in commands:
        result = run_pw(*command, cwd=folder)
        assert result.returncode in (0, 1), (command, result.stderr)
        assert "Traceback" not in result.stderr
        assert not marker.exists(), (command, marker.read_text())
    result = run_pw(
        "--repo",
        str(folder),
        "--repo",
        str(clone),
        "report",
        "quarter",
        "2026Q3",
        "--format",
        "json",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert not marker.exists(), marker.read_text()

    for command in (REPORT, ("audit", "--format", "json"), ("audit", "2026Q3", "--format", "json")):
        here = json.loads(ok(run_pw(*command, cwd=folder)).stdout)
        there = json.loads(ok(run_pw(*command, cwd=clone)).stdout)
        assert here == there, command
    audit = json.loads(ok(run_pw("audit", "--format", "json", cwd=folder)).stdout)
    assert any(f["code"] == "OUTSIDE" and f["severity"] == "warning" for f in audit["findings"])
    report = json.loads(ok(run_pw(*REPORT, cwd=folder)).stdout)
    meeting = next(m for m in report["meetings"] if m["id"] == record_id)
    assert meeting["present"] == 2  # the forged cache said three
    assert not marker.exists()
    assert (
        sorted(p.relative_to(folder) for p in (folder / ".pw").rglob("*")) == planted
    )  # nor writes there


def test_a_write_still_runs_the_repositorys_hooks_but_no_fsmonitor_or_filter(branch, tmp_path):
    """pw's own commits go through `git commit` when hooks are present, as git's porcelain would
    (SPEC §7); what the repository names for reading (fsmonitor, filters) stays off."""
    script, marker = _evil_script(tmp_path)
    hook_ran = tmp_path / "hook-ran"
    hook = branch / ".git" / "hooks" / "pre-commit"
    hook.parent.mkdir(exist_ok=True)
    hook.write_text(f"#!/bin/sh\ntouch '{hook_ran}'\n", encoding="utf-8")
    hook.chmod(0o755)
    git("config", "core.fsmonitor", str(script), cwd=branch)
    git("config", "filter.x.clean", str(script), cwd=branch)
    (branch / ".git" / "info").mkdir(exist_ok=True)
    (branch / ".git" / "info" / "attributes").write_text("* filter=x\n", encoding="utf-8")
    log_committee(branch)
    assert hook_ran.exists()
    assert not marker.exists(), marker.read_text()


def _as_nobody(path: Path) -> None:
    import pwd

    nobody = pwd.getpwnam("nobody")
    for folder, dirs, files in os.walk(path):
        for name in [folder, *(os.path.join(folder, n) for n in dirs + files)]:
            os.lchown(name, nobody.pw_uid, nobody.pw_gid)


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to give files away"
)
def test_a_folder_owned_by_someone_else_is_refused_as_git_refuses_it(branch, tmp_path):
    folder, clone, marker, record_id = _hostile(branch, tmp_path)
    _as_nobody(folder)
    assert (
        subprocess.run(["git", "status"], cwd=folder, capture_output=True).returncode != 0
    )  # git's own guard
    for command in (
        REPORT,
        ("audit",),
        ("verify",),
        ("status",),
        ("check",),
        ("list",),
        ("history", record_id),
    ):
        result = run_pw(*command, cwd=folder)
        assert result.returncode == 78, (command, result.returncode, result.stderr)
        assert "safe.directory" in result.stderr and str(folder) in result.stderr
        assert "Traceback" not in result.stderr
    result = run_pw(
        "--repo", str(clone), "--repo", str(folder), "report", "quarter", "2026Q3", cwd=tmp_path
    )
    assert result.returncode == 78 and "safe.directory" in result.stderr
    assert not marker.exists(), marker.read_text()
    # the repository cannot vouch for itself
    with open(folder / ".git" / "config", "a", encoding="utf-8") as handle:
        handle.write(f"[safe]\n\tdirectory = {folder}\n\tdirectory = *\n")
    assert run_pw(*REPORT, cwd=folder).returncode == 78
    # the supervisor can, in their own configuration: then it works, and still runs nothing
    git("config", "--global", "--add", "safe.directory", str(folder), cwd=tmp_path)
    here = json.loads(ok(run_pw(*REPORT, cwd=folder)).stdout)
    there = json.loads(ok(run_pw(*REPORT, cwd=clone)).stdout)
    assert here == there
    ok(run_pw("audit", cwd=folder))
    assert not marker.exists(), marker.read_text()
    git("config", "--global", "--unset-all", "safe.directory", cwd=tmp_path)
    git("config", "--global", "--add", "safe.directory", "*", cwd=tmp_path)
    ok(run_pw(*REPORT, cwd=folder))


def _index_state(root: Path) -> tuple[bytes, int]:
    index = root / ".git" / "index"
    return index.read_bytes(), index.stat().st_mtime_ns


def test_a_copied_folder_reports_what_a_fresh_clone_reports(branch, tmp_path):
    log_committee(branch)
    log_committee(branch)
    clone = tmp_path / "clone"
    git("clone", "-q", str(branch), str(clone), cwd=tmp_path)
    copy = tmp_path / "copy"
    subprocess.run(["cp", "-a", str(branch), str(copy)], check=True)
    before = _index_state(copy)
    for command in (("audit", "--format", "json"), ("audit", "2026Q3", "--format", "json"), REPORT):
        here = json.loads(ok(run_pw(*command, cwd=copy)).stdout)
        there = json.loads(ok(run_pw(*command, cwd=clone)).stdout)
        assert here == there, command
        assert not any(f["code"] == "OUTSIDE" for f in here.get("findings", [])), command
    ok(run_pw("status", cwd=copy))
    assert _index_state(copy) == before  # pw wrote nothing the user did not ask for
    assert git("status", "--porcelain", cwd=copy) == ""
    # a real change is still seen
    record = next((copy / "records" / "2026").glob("*.yaml"))
    record.write_text(record.read_text(encoding="utf-8") + "# 手改\n", encoding="utf-8")
    audit = json.loads(ok(run_pw("audit", "2026Q3", "--format", "json", cwd=copy)).stdout)
    assert any(f["code"] == "OUTSIDE" and f["record"] == record.stem for f in audit["findings"])
    report = json.loads(ok(run_pw(*REPORT, cwd=copy)).stdout)
    assert report["uncommitted"] is True


def test_a_symlinked_year_folder_is_not_followed(branch, tmp_path):
    record_id = log_committee(branch)
    outside = tmp_path / "outside" / "2026"
    shutil.move(str(branch / "records" / "2026"), str(outside))
    (branch / "records" / "2026").symlink_to(outside, target_is_directory=True)
    listed = json.loads(ok(run_pw("list", "--format", "json", cwd=branch)).stdout)
    assert listed["records"] == []
    shown = run_pw("show", record_id, cwd=branch)
    assert shown.returncode != 0 and "项目部会议室" not in shown.stdout
    assert "records/2026" in shown.stderr
    report = json.loads(ok(run_pw(*REPORT, cwd=branch)).stdout)
    assert report["meetings"] == [] and report["actions"] == []
    assert "项目部会议室" not in json.dumps(report, ensure_ascii=False)
    checked = run_pw("check", "--format", "json", cwd=branch)
    assert checked.returncode == 1
    problems = json.loads(checked.stdout)["problems"]
    assert any(p["code"] == "SYMLINK" and p["file"] == "records/2026" for p in problems)


def test_a_symlinked_records_folder_is_refused(branch, tmp_path):
    log_committee(branch)
    outside = tmp_path / "outside" / "records"
    shutil.move(str(branch / "records"), str(outside))
    (branch / "records").symlink_to(outside, target_is_directory=True)
    listed = run_pw("list", "--format", "json", cwd=branch)
    assert "项目部会议室" not in listed.stdout
    assert listed.returncode != 0 and "records" in listed.stderr


def test_every_program_the_repository_config_names_is_taken_back():
    """gitio.neutralised on the keys the acceptance test above does not run: the repository's own
    values are replaced, the user's own come back, and nothing outside the repository is touched."""
    from partywork.storage.git.gitio import neutralised

    entries = [
        ("global", "credential.helper", "store"),
        ("global", "core.sshcommand", "ssh -4"),
        ("global", "filter.lfs.clean", "git-lfs clean -- %f"),
        ("local", "credential.helper", "!evil"),
        ("local", "credential.https://x.org.helper", "!evil"),
        ("local", "core.sshcommand", "evil"),
        ("local", "remote.origin.uploadpack", "evil"),
        ("local", "remote.origin.url", "https://x.org/r.git"),
        ("local", "merge.ours.driver", "evil %A"),
        ("local", "filter.x.clean", "evil"),
        ("local", "filter.x.smudge", "evil"),
        ("worktree", "pager.log", "evil"),
        ("local", "core.gitproxy", "evil"),
        ("local", "user.name", "某人"),
    ]
    config, env = neutralised(entries)
    assert ("credential.helper", "") in config and ("credential.helper", "store") in config
    assert config.index(("credential.helper", "")) < config.index(("credential.helper", "store"))
    assert ("credential.https://x.org.helper", "") in config
    assert ("core.sshcommand", "ssh -4") in config
    assert ("remote.origin.uploadpack", "git-upload-pack") in config and (
        "merge.ours.driver",
        "",
    ) in config
    assert [c for c in config if c[0].startswith("filter.")] == [
        ("filter.x.clean", ""),
        ("filter.x.smudge", ""),
        ("filter.x.process", ""),
        ("filter.x.required", "false"),
    ]
    assert ("pager.log", "false") in config and env.get("GIT_PROXY_COMMAND") == ""
    assert not any(
        key in ("remote.origin.url", "user.name") or "lfs" in key for key, _value in config
    )
    assert not any("evil" in value for _key, value in config)
