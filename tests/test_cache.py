"""The parse cache is never a source of truth: it is keyed by git blob ids, a hand edit is read
from disk, and deleting it changes nothing."""
from __future__ import annotations

import json
import shutil

from conftest import COMMITTEE_ARGS, git, log_committee, ok, run_pw

COPY = ("王伟：传达公司党委关于安全生产大检查的通知，要求各班组对照清单逐项自查。\n"
        "李芳：汇报上月整改落实情况，脚手架连墙件已全部补齐，临时用电线路重新敷设。")


def similar(branch) -> list[str]:
    data = json.loads(ok(run_pw("audit", "--format", "json", cwd=branch)).stdout)
    return sorted(f["record"] for f in data["findings"] if f["code"] == "SIMILAR")


def _set_minutes(branch, record_id, text):
    path = branch / "records" / "2026" / f"{record_id}.yaml"
    content = path.read_text(encoding="utf-8")
    start = content.index("minutes:")
    end = content.index("actions:")
    path.write_text(content[:start] + "minutes: |\n" + "".join(f"  {line}\n" for line in text.split("\n"))
                    + content[end:], encoding="utf-8")


def test_hand_edit_commit_branch_switch_and_deletion(branch):
    first = log_committee(branch)
    own = "刘洋：学习新修订的安全生产法，重点是全员安全生产责任制。\n王伟：结合项目实际，提出每周一次隐患排查并公示结果。"
    args = [own if a.startswith("王伟：传达") else a for a in COMMITTEE_ARGS]
    second = ok(run_pw(*args, cwd=branch)).stdout.strip()
    assert similar(branch) == []  # warms the cache
    assert (branch / ".pw" / "cache").is_dir()
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
    shutil.rmtree(branch / ".pw" / "cache")
    assert similar(branch) == [max(first, second)]  # deleting the cache loses nothing


def test_a_planted_cache_file_is_only_data(branch):
    log_committee(branch)
    folder = branch / ".pw" / "cache"
    folder.mkdir(parents=True)
    (folder / "documents-v1.json").write_text('{"version": 1, "documents": "garbage", "memos": []}', encoding="utf-8")
    result = run_pw("audit", cwd=branch)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    (folder / "documents-v1.json").write_text("not json at all", encoding="utf-8")
    assert run_pw("audit", cwd=branch).returncode == 0
