"""The parse cache is never a source of truth: it is keyed by git blob ids, a hand edit is read
from disk, and deleting it changes nothing. It lives in the user's cache folder, not the
repository."""

from __future__ import annotations

import json
import shutil

from conftest import COMMITTEE_ARGS, git, log_committee, ok, run_pw
from partywork.storage.userdirs import repo_cache

COPY = (
    "王伟：传达公司党委关于安全生产大检查的通知，要求各班组对照清单逐项自查。\n"
    "李芳：汇报上月整改落实情况，脚手架连墙件已全部补齐，临时用电线路重新敷设。"
)


def similar(branch) -> list[str]:
    data = json.loads(ok(run_pw("audit", "--format", "json", cwd=branch)).stdout)
    return sorted(f["record"] for f in data["findings"] if f["code"] == "SIMILAR")


def _set_minutes(branch, record_id, text):
    path = branch / "records" / "2026" / f"{record_id}.yaml"
    content = path.read_text(encoding="utf-8")
    start = content.index("minutes:")
    end = content.index("actions:")
    path.write_text(
        content[:start]
        + "minutes: |\n"
        + "".join(f"  {line}\n" for line in text.split("\n"))
        + content[end:],
        encoding="utf-8",
    )


def test_hand_edit_commit_branch_switch_and_deletion(branch):
    first = log_committee(branch)
    own = (
        "刘洋：学习新修订的安全生产法，重点是全员安全生产责任制。\n"
        "王伟：结合项目实际，提出每周一次隐患排查并公示结果。"
    )
    args = [own if a.startswith("王伟：传达") else a for a in COMMITTEE_ARGS]
    second = ok(run_pw(*args, cwd=branch)).stdout.strip()
    assert similar(branch) == []  # warms the cache
    assert (repo_cache(branch / ".git", branch) / "v3").is_dir()
    assert not (branch / ".pw" / "cache").exists()  # nothing kept in the folder itself
    assert git("status", "--porcelain", cwd=branch) == ""  # ignored by git
    _set_minutes(branch, first, COPY)
    _set_minutes(branch, second, COPY)
    assert similar(branch) == [max(first, second)]  # hand edits are read from disk
    git("checkout", "-q", "-b", "copied", cwd=branch)
    git("commit", "-qam", "抄写", cwd=branch)
    assert similar(branch) == [max(first, second)]  # committed: now cached under the new blobs
    git("checkout", "-q", "main", cwd=branch)
    assert similar(branch) == []  # a branch switch brings the old blobs back
    git("checkout", "-q", "copied", cwd=branch)
    shutil.rmtree(repo_cache(branch / ".git", branch))
    assert similar(branch) == [max(first, second)]  # deleting the cache loses nothing


def test_a_planted_cache_file_is_only_data(branch):
    log_committee(branch)
    from partywork.storage.userdirs import seal

    folder = repo_cache(branch / ".git", branch) / "v3"
    folder.mkdir(parents=True)
    # even sealed (digest right), data of the wrong shape is only data
    for name, text in (
        ("2026-07", '{"documents": "garbage"}'),
        ("memos", '{"memos": []}'),
        ("2026.actions", '{"key": 1, "records": [1, {"actions": 2}]}'),
    ):
        (folder / f"{name}.json").write_bytes(seal(text.encode("utf-8")))
    for command in (["audit"], ["report", "quarter", "2026Q3", "--format", "json"]):
        result = run_pw(*command, cwd=branch)
        assert result.returncode == 0 and "Traceback" not in result.stderr
    for name in ("2026-07", "memos", "2026.actions"):
        (folder / f"{name}.json").write_text("not json at all", encoding="utf-8")
    assert run_pw("audit", cwd=branch).returncode == 0
    for name in ("2026-07", "memos", "2026.actions"):
        (folder / f"{name}.json").write_bytes(seal(b"[" * 100000))
    assert run_pw("audit", cwd=branch).returncode == 0


def test_parallel_check_equals_serial(branch, monkeypatch):
    """pw check splits large repositories across cores; the problems and their order must not
    change."""
    import datetime as dt

    from partywork.analysis import check
    from partywork.storage.repo import Repo

    record_id = log_committee(branch)
    text = (branch / "records" / "2026" / f"{record_id}.yaml").read_text(encoding="utf-8")
    for i in range(60):
        new_id = f"2026-07-03-committee-p{i:03d}"
        body = text.replace(record_id, new_id)
        if i % 7 == 0:
            body = body.replace("王伟", "王小伟")  # an unknown member every seventh file
        (branch / "records" / "2026" / f"{new_id}.yaml").write_text(body, encoding="utf-8")
    repo = Repo(branch, dt.date(2026, 11, 26))
    monkeypatch.setattr(check, "PARALLEL_FROM", 10**9)
    serial = check.check_repo(repo).as_json()
    monkeypatch.setattr(check, "PARALLEL_FROM", 0)
    parallel = check.check_repo(repo).as_json()
    assert serial == parallel and len(serial["problems"]) >= 9


def test_a_pull_is_seen(branch, tmp_path):
    first = log_committee(branch)
    own = (
        "刘洋：学习新修订的安全生产法，重点是全员安全生产责任制。\n"
        "王伟：结合项目实际，提出每周一次隐患排查并公示结果。"
    )
    second = ok(
        run_pw(*[own if a.startswith("王伟：传达") else a for a in COMMITTEE_ARGS], cwd=branch)
    ).stdout.strip()
    assert similar(branch) == []
    other = tmp_path / "other"
    git("clone", "-q", str(branch), str(other), cwd=tmp_path)
    _set_minutes(other, first, COPY)
    _set_minutes(other, second, COPY)
    git("commit", "-qam", "在另一台电脑上修改", cwd=other)
    git("pull", "-q", "--ff-only", str(other), "HEAD", cwd=branch)
    assert similar(branch) == [max(first, second)]


def test_the_report_sees_a_hand_edit(branch):
    record_id = log_committee(branch)

    def present() -> int:
        data = json.loads(
            ok(run_pw("report", "quarter", "2026Q3", "--format", "json", cwd=branch)).stdout
        )
        return next(m["present"] for m in data["meetings"] if m["id"] == record_id)

    assert present() == 2
    path = branch / "records" / "2026" / f"{record_id}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  - 李芳\n", "", 1), encoding="utf-8")
    assert present() == 1
    data = json.loads(
        ok(run_pw("report", "quarter", "2026Q3", "--format", "json", cwd=branch)).stdout
    )
    assert data["uncommitted"] is True
