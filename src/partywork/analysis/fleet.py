"""Supervision across branches (SPEC §10): one row per branch, then each branch's report."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from partywork.analysis.reporting import build_report
from partywork.storage.repo import Repo


def summary(report: dict, path: str) -> dict:
    rules = report["compliance"]
    expected = sum(m["expected"] for m in report["meetings"])
    present = sum(m["present"] for m in report["meetings"])
    return {
        "branch": report["branch"],
        "repo": path,
        "rules_met": sum(1 for r in rules if r["ok"]),
        "rules": len(rules),
        "attendance": round(present / expected, 3) if expected else None,
        "open_actions": sum(1 for a in report["actions"] if a["status"] == "open"),
        "overdue": sum(1 for a in report["actions"] if a["overdue"])
        + report.get("overdue_before", 0),
        "errors": sum(1 for f in report["findings"] if f["severity"] == "error"),
        "warnings": sum(1 for f in report["findings"] if f["severity"] == "warning"),
    }


def build_fleet(repos: list[Repo], unit: str, period_text: str | None) -> dict:
    reports = [build_report(repo, unit, period_text) for repo in repos]
    return {
        "schema": "pw.fleet/1",
        "period": reports[0]["period"],
        "as_of": reports[0]["as_of"],
        "branches": [
            {**summary(report, str(repo.root)), "report": report}
            for repo, report in zip(repos, reports, strict=False)
        ],
    }


# -- the supervisor's desk (pw fleet report|verify|audit): every clone, over the cores -----------
#
# Each branch is read in a worker process (reading records is Python's work, so threads would
# share one core) and only its result comes back, one at a time: memory does not grow with the
# number of branches beyond their summary rows. A branch's report is kept (memo.py) like
# `pw report`'s, so a second run costs what proving each clone unchanged costs.


def _workers(count: int) -> int:
    """Two workers a core: a branch's first report spends about a third of its time waiting for
    its cache files to reach the disk (fsync), when a core would otherwise idle (measured on the
    40-branch bench: 13 s against 32 s with one worker a core, the same CPU time)."""
    import os

    return max(1, min(count, 2 * len(os.sched_getaffinity(0))))


def _open(root: str, today: str, lang: str) -> Repo:
    import datetime as dt
    from pathlib import Path

    from partywork.i18n import set_lang

    set_lang(lang)
    return Repo(Path(root), dt.date.fromisoformat(today))


# A branch's part of the report in the format asked (the app's renderer, handed in: analysis
# does not import render/), from its row with the report under "report".
RenderPart = Callable[[dict, str], str]


def branch_report(job: tuple[str, str, str, str | None, str, str, str, str, RenderPart]) -> dict:
    """One branch's summary row with its part of the report already rendered (`part`), or with
    the error that stopped it (`error`): a branch that cannot be read never stops the others. The
    row and part are kept (memo.py), so a second run reads them back and renders nothing."""
    import json

    from partywork.errors import PwError
    from partywork.storage.memo import ReportMemo

    name, root, unit, period_text, today, lang, state, fmt, render = job
    row: dict = {"branch": name, "repo": root, "state": state}
    try:
        repo = _open(root, today, lang)
        request = {"fleet": "part/1", "unit": unit, "period": period_text or "", "lang": lang}
        request.update(today=today, state=state, format=fmt, branch=name)
        memo = ReportMemo(repo.git, request)
        kept = memo.lookup()
        if kept is not None:
            return dict(json.loads(kept))
        captured = memo.capture()
        report = build_report(repo, unit, period_text)
        row = {**summary(report, root), "branch": name, "state": state}
        row["period"], row["as_of"] = report["period"], report["as_of"]
        row["part"] = render({**row, "report": report}, fmt)
        if captured and repo.settings.signing != "require":
            memo.store(captured, json.dumps(row, ensure_ascii=False).encode("utf-8"))
        return row
    except PwError as error:
        row["error"] = error.message
    except Exception as error:  # a bug shown on that branch's row, not a stop for the rest
        row["error"] = f"{type(error).__name__}: {error}"
    row["part"] = render(row, fmt)
    return row


def _desk_findings(repo: Repo, url: str, name: str, clone: str) -> list[dict]:
    """The clone against what the desk witnessed on its server and under its name: its HEAD
    still descends from every tip seen, and every close tag seen is still there, unmoved."""
    from pathlib import Path

    from partywork.analysis.report import finding
    from partywork.i18n import t
    from partywork.model.periods import CLOSE_PREFIX
    from partywork.storage import userdirs, witness
    from partywork.storage.git import gitio

    git = repo.git
    roots = gitio.root_commits(git)
    desk_key = userdirs.folder_key(Path(clone).parent.parent)  # branches/<name> in the desk
    seen = witness.desk_anchors(roots[0] if roots else "", url, desk_key, name)
    now = git.head()
    out = []
    tags: dict[str, str] = {}
    for head, seen_tags in seen:
        tags.update(seen_tags)
        if head and (now is None or not gitio.is_ancestor(git, head, now)):
            message = t("desk.rewritten_head", last=head[:10], now=(now or "—")[:10])
            out.append(finding("REWRITTEN", "error", message, None, head))
    local = witness.close_tag_ids(git, CLOSE_PREFIX)
    for name, oid in sorted(tags.items()):
        if local.get(name) != oid:
            key = "desk.rewritten_tag_moved" if name in local else "desk.rewritten_tag_gone"
            out.append(finding("REWRITTEN", "error", t(key, tag=name), None, oid))
    return out


def branch_check(job: tuple[str, str, str, str | None, str, str, str]) -> dict:
    """`pw verify` (kind "verify") or `pw audit` (kind "audit") of one branch: its row. Nothing is
    remembered in the shared witness (its clones may share a first commit); the desk's own
    witness of the branch's server is checked instead."""
    from partywork.analysis import audit as audit_mod
    from partywork.errors import PwError
    from partywork.model.periods import parse

    name, root, kind, period_text, today, lang, url = job
    try:
        repo = _open(root, today, lang)
        if kind == "verify":
            ok, findings = audit_mod.verify(repo, remember_seen=False)
            findings += _desk_findings(repo, url, name, root)
            failing = [f for f in findings if f["code"] not in audit_mod.VERIFY_SHOWN]
            ok = not failing
        else:
            chosen = (
                parse(period_text, "quarter", repo.today, repo.settings.year_start_month)
                if period_text
                else None
            )
            findings = audit_mod.audit(repo, chosen) + _desk_findings(repo, url, name, root)
            failing = [f for f in findings if f["severity"] == "error"]
            ok = not failing
        return {"branch": name, "ok": ok, "failing": len(failing), "findings": findings}
    except PwError as error:
        return {"branch": name, "ok": False, "failing": 1, "findings": [], "error": error.message}
    except Exception as error:
        detail = f"{type(error).__name__}: {error}"
        return {"branch": name, "ok": False, "failing": 1, "findings": [], "error": detail}


def over_desk(work: str, jobs: list[tuple]) -> Iterator[dict]:
    """Each job's result, in the jobs' order, from a pool of worker processes (one per core)."""
    from concurrent.futures import ProcessPoolExecutor

    task = branch_report if work == "report" else branch_check
    if _workers(len(jobs)) == 1:
        yield from map(task, jobs)
        return
    with ProcessPoolExecutor(max_workers=_workers(len(jobs))) as pool:
        yield from pool.map(task, jobs, chunksize=max(1, min(8, len(jobs) // 16)))


def worst_first(rows: list[dict]) -> list[dict]:
    """The branches needing the supervisor most at the top: refused or unreadable, then errors,
    overdue actions, rules unmet, and the lowest attendance."""

    def weight(row: dict) -> tuple:
        if "rules" not in row:
            return (0, 0, 0, 0, 0.0, row["branch"])
        return (
            0 if row.get("state") == "REWRITTEN" else 1,
            -row["errors"],
            -row["overdue"],
            row["rules_met"] - row["rules"],
            row["attendance"] if row["attendance"] is not None else 2.0,
            row["branch"],
        )

    return sorted(rows, key=weight)
