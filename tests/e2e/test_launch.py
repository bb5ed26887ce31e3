"""The launcher starts a report's slow git scan before Python imports the command line (launch.py,
early.py) and hands it to gitio, which takes that result instead of running git again — the same
answer either way."""

from __future__ import annotations

from conftest import git, log_committee
from partywork.app.argv import split_args
from partywork.storage.git import early
from partywork.storage.git.gitio import Git


def _split(args: list[str]) -> tuple[list[str], list[str]]:
    options, words = split_args(args)
    return options.get("--repo", []), words


def test_global_options_are_told_from_the_command():
    assert _split(["--today", "2026-11-26", "report", "quarter", "2026Q3"]) == (
        [],
        ["report", "quarter", "2026Q3"],
    )
    assert _split(["--repo", "甲", "--repo=乙", "--debug", "report", "year"]) == (
        ["甲", "乙"],
        ["report", "year"],
    )
    assert _split(["--lang=en", "log", "meeting", "--repo", "x"]) == (
        [],
        ["log", "meeting", "--repo", "x"],
    )
    assert _split(["--repo"]) == ([""], [])
    assert split_args(["--lang", "en", "--help"])[0] == {"--lang": ["en"]}


def test_a_started_scan_is_taken_once_and_sees_a_hand_edit(branch):
    record = log_committee(branch)
    git("update-index", "-q", "--refresh", cwd=branch)
    path = branch / "records" / "2026" / f"{record}.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# 手工改过\n", encoding="utf-8")
    args = early.RECORDS_SCAN
    work_tree, git_dir = early.git_dirs(str(branch))
    started = early.start(str(branch), early.git_env(work_tree, git_dir), args)
    assert started is not None and started.matches(str(branch), args)
    repo_git = Git.at(branch, started)  # the launcher hands it in (launch.py → cli → Git)
    assert repo_git.dirty(["records"]) == [f"records/2026/{record}.yaml"]
    assert started.take() is None  # taken once; the next call runs git itself
    assert repo_git.dirty(["records"]) == [f"records/2026/{record}.yaml"]


def test_the_records_root_is_found_upwards(branch):
    inner = branch / "records" / "2026"
    inner.mkdir(exist_ok=True)
    assert early.records_root(None, str(inner)) == str(branch.resolve())
    assert early.records_root(str(branch / "records")) is None
