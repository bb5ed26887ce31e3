#!/usr/bin/env python3
"""SPEC §11's speed budgets, each measured beside its baseline in the same run.

usage: python benchmarks/run.py [--runs N] [--work DIR] [--quick] [--only log,report,after,…]

Builds (once, then reuses) repositories of 1,000, 10,000 and 100,000 records with
../shared/bench/make_repo.py, plus a 10,000-commit history, and prints a Markdown table of medians,
ratios and pass/fail. --quick uses 20,000 records instead of 100,000 (for a smoke run).
Not part of the test suite: timings on a shared machine belong here, not in tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MAKE_REPO = HERE.parent.parent / "shared" / "bench" / "make_repo.py"
PW = [str(Path(sys.executable).with_name("pw"))]
TODAY = "2026-06-30"  # the generated records end here
ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "基准",
    "GIT_AUTHOR_EMAIL": "m0@branch.example",
    "GIT_COMMITTER_NAME": "基准",
    "GIT_COMMITTER_EMAIL": "m0@branch.example",
    "PW_LOCK_TIMEOUT": "60",
}


def run(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=ENV, capture_output=True)
    elapsed = time.perf_counter() - started
    if result.returncode not in (0, 1):
        sys.exit(f"failed: {' '.join(command)}\n{result.stderr.decode(errors='replace')}")
    return elapsed


def median(command: list[str], cwd: Path, runs: int) -> float:
    return statistics.median(run(command, cwd) for _ in range(runs))


def repo(work: Path, records: int, history: bool = False) -> Path:
    dest = work / f"r{records}{'h' if history else ''}"
    if not (dest / "records" / "pw.yaml").exists():
        shutil.rmtree(dest, ignore_errors=True)
        subprocess.run(
            [
                sys.executable,
                str(MAKE_REPO),
                str(records),
                str(dest),
                *(["--history"] if history else []),
            ],
            check=True,
            env=ENV,
            capture_output=True,
        )
    return dest


LOG = [
    "log",
    "meeting",
    "--kind",
    "committee",
    "--date",
    TODAY,
    "--place",
    "项目部会议室",
    "--host",
    "王伟",
    "--recorder",
    "王芳",
    "--attendees",
    "王伟,王芳,王娜,李伟",
    "--absent",
    "李芳:出差",
    "--topic",
    "基准测试",
    "--minutes",
    "王伟主持会议。",
    "--no-edit",
]


def bench_log(work: Path, runs: int, size: int) -> tuple[float, float, float]:
    root = repo(work, size)
    pw_times, git_times, only_times = [], [], []
    subprocess.run(["git", "config", "gc.auto", "0"], cwd=root, check=True)  # no auto-gc in either
    for _i in range(runs):
        pw_times.append(run([*PW, "--today", TODAY, *LOG], root))
        target = root / "records" / "2026" / f"baseline-{time.time_ns()}.yaml"
        target.write_text("title: 基准\n", encoding="utf-8")
        started = time.perf_counter()
        subprocess.run(
            ["git", "add", "--", str(target)], cwd=root, env=ENV, check=True, capture_output=True
        )
        subprocess.run(
            ["git", "commit", "-q", "-m", "基准"],
            cwd=root,
            env=ENV,
            check=True,
            capture_output=True,
        )
        git_times.append(time.perf_counter() - started)
        # the path-limited commit, the only porcelain form that never sweeps in others' staged files
        target = root / "records" / "2026" / f"baseline-{time.time_ns()}.yaml"
        target.write_text("title: 基准\n", encoding="utf-8")
        started = time.perf_counter()
        subprocess.run(
            ["git", "add", "--", str(target)], cwd=root, env=ENV, check=True, capture_output=True
        )
        subprocess.run(
            ["git", "commit", "-q", "-m", "基准", "--", str(target)],
            cwd=root,
            env=ENV,
            check=True,
            capture_output=True,
        )
        only_times.append(time.perf_counter() - started)
    return statistics.median(pw_times), statistics.median(git_times), statistics.median(only_times)


def year_only(work: Path, size: int) -> Path:
    """A repository holding only the last year's records of the size-record one (its settings, its
    roster and records/2026, in one commit): what the report after a write is measured against."""
    dest = work / f"r{size}-2026"
    if not (dest / "records" / "pw.yaml").exists():
        source = repo(work, size) / "records"
        shutil.rmtree(dest, ignore_errors=True)
        (dest / "records").mkdir(parents=True)
        for name in ("pw.yaml", "members.yaml"):
            shutil.copy(source / name, dest / "records" / name)
        shutil.copytree(source / "2026", dest / "records" / "2026")
        for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "基准"]):
            subprocess.run(["git", *command], cwd=dest, env=ENV, check=True, capture_output=True)
    return dest


def report_command(fmt: str) -> list[str]:
    return [*PW, "--today", TODAY, "report", "quarter", "2026Q2", "--format", fmt]


def bench_report(work: Path, runs: int, size: int) -> tuple[float, float, float]:
    """Second runs on the large repository beside `git status` on it, and beside the same report
    on 1,000 records; interleaved, so the machine's drift hits both alike."""
    command = report_command("json")
    small, large = repo(work, 1000), repo(work, size)
    time.sleep(2.5)  # a report is not kept within two seconds of a change to the record folders
    for root in (small, large):
        run(command, root)  # fills the caches; the budget is for the runs after it
    large_times, small_times, status_times = [], [], []
    for _ in range(runs):
        large_times.append(run(command, large))
        status_times.append(run(["git", "status"], large))
        small_times.append(run(command, small))
    return (
        statistics.median(large_times),
        statistics.median(status_times),
        statistics.median(small_times),
    )


def _cpu_run(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, pw and its git children) of one run: on a shared
    machine the wall time also measures the neighbours."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = run(command, cwd)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def bench_after_log(work: Path, runs: int, size: int, fmt: str) -> tuple[float, ...]:
    """`pw report quarter` just after a `pw log` (kept reports cannot be used), on the size-record
    repository of ten years and on one holding only its last year; interleaved. Wall medians,
    then CPU medians."""
    large, only = repo(work, size), year_only(work, size)
    command = report_command(fmt)
    for root in (large, only):
        run(command, root)  # parse cache and year summaries as after any earlier report
    times: dict[Path, list[tuple[float, float]]] = {large: [], only: []}
    for _ in range(runs):
        for root in (large, only):
            subprocess.run(
                [*PW, "--today", TODAY, *LOG], cwd=root, env=ENV, check=True, capture_output=True
            )
            times[root].append(_cpu_run(command, root))
    return tuple(
        statistics.median(t[i] for t in times[root]) for i in (0, 1) for root in (large, only)
    )


def bench_check(work: Path, runs: int) -> tuple[float, float]:
    source = repo(work, 10000)
    times = []
    for i in range(runs):
        clone = work / f"check-clone-{i}"
        shutil.rmtree(clone, ignore_errors=True)
        subprocess.run(
            ["git", "clone", "-q", str(source), str(clone)],
            check=True,
            env=ENV,
            capture_output=True,
        )
        times.append(run([*PW, "--today", TODAY, "check"], clone))
        shutil.rmtree(clone)
    return statistics.median(times), 10000 / statistics.median(times)


def bench_audit(work: Path, runs: int) -> tuple[float, float, float]:
    """The second run (everything known) and the first run after one new commit (that commit read,
    judged and added to the per-commit cache), each beside `git log --name-status`. The audit's
    cache lives in the user's cache folder: this run gets one of its own."""
    source = repo(work, 10000, history=True)
    root = work / "audit-history"
    shutil.rmtree(root, ignore_errors=True)
    subprocess.run(
        ["git", "clone", "-q", str(source), str(root)], check=True, env=ENV, capture_output=True
    )
    cache = work / "audit-cache"
    shutil.rmtree(cache, ignore_errors=True)
    ENV["XDG_CACHE_HOME"] = str(cache)
    audit = [*PW, "--today", TODAY, "audit", "--format", "json"]
    run(audit, root)
    warm = median(audit, root, runs)
    after_one = []
    for i in range(runs):
        subprocess.run(
            ["git", "commit", "-q", "--allow-empty", "-m", f"bench {i}"],
            cwd=root,
            env=ENV,
            check=True,
        )
        after_one.append(run(audit, root))
    ENV.pop("XDG_CACHE_HOME")
    return warm, statistics.median(after_one), median(["git", "log", "--name-status"], root, runs)


# issue 16: pw binder
def bench_binder(work: Path, runs: int) -> tuple[float, float, int]:
    """A year's binder (2025: about 100 of the 1,000 records, with one commit each) as PDF, and
    the year's report beside it (what the binder adds is the typesetting)."""
    root = repo(work, 1000, history=True)
    year = len(list((root / "records" / "2025").glob("*.yaml")))
    target = work / "binder-2025.pdf"
    binder = [*PW, "--today", TODAY, "binder", "2025", "-o", str(target)]
    report = [*PW, "--today", TODAY, "report", "year", "2025", "--format", "json"]
    run(binder, root)  # the parse cache filled, as for the report's budget
    return median(binder, root, min(runs, 5)), median(report, root, min(runs, 5)), year


def bench_help(runs: int) -> tuple[float, float]:
    return (
        median([*PW, "--help"], HERE, runs * 3),
        median([sys.executable, "-c", "import typer"], HERE, runs * 3),
    )


SECTIONS = ("log", "report", "after", "check", "audit", "binder", "help", "fleet")
# -- pw fleet: the supervisor's desk (issue 17) ---------------------------------------------------
FLEET_SIZES = (40, 200)
FLEET_RECORDS = 800
FLEET_REPORT = ["--today", TODAY, "report", "quarter", "2026Q2", "--format", "json"]


def _fleet_env(work: Path, cache: str) -> dict[str, str]:
    """The supervisor's own state (the desk's witness) kept; the cache as the measure needs it."""
    return {**ENV, "XDG_STATE_HOME": str(work / "fleet-state"), "XDG_CACHE_HOME": cache}


FLEET_CPU: dict[str, float] = {}  # CPU seconds (user + system, pw and its git and workers)


def _timed(command: list[str], cwd: Path, env: dict[str, str], cpu: str = "") -> float:
    """Wall time; with cpu, the CPU time the command and its children took is added to
    FLEET_CPU[cpu] (on a shared machine the wall time also measures the neighbours)."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{result.stderr.decode(errors='replace')}")
    if cpu:
        used = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        FLEET_CPU[cpu] = FLEET_CPU.get(cpu, 0.0) + used
    return elapsed


def fleet_desk(work: Path, count: int) -> Path:
    """count distinct branches of 800 records (a seed each), served from their folders, and a desk
    that has cloned them all (built once, then reused)."""
    sources = work / "fleet-branches"
    for index in range(count):
        dest = sources / f"b{index:03d}"
        if not (dest / "records" / "pw.yaml").exists():
            shutil.rmtree(dest, ignore_errors=True)
            subprocess.run(
                [sys.executable, str(MAKE_REPO), str(FLEET_RECORDS), str(dest)]
                + ["--history", "--seed", str(1000 + index)],
                check=True,
                env=ENV,
                capture_output=True,
            )
    desk = work / f"fleet-{count}"
    if not (desk / "fleet.yaml").exists():
        shutil.rmtree(desk, ignore_errors=True)
        desk.mkdir(parents=True)
        lines = ["branches:"]
        for index in range(count):
            lines += [f"- name: 支部{index:03d}", f"  url: {sources / f'b{index:03d}'}"]
        (desk / "fleet.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        _timed([*PW, "fleet", "sync"], desk, _fleet_env(work, str(work / "fleet-cache")))
        time.sleep(2.5)  # no report is kept within two seconds of a change (memo.py)
    return desk


def bench_fleet(work: Path, runs: int, count: int) -> dict[str, float]:
    """Each first run with an empty cache (a new cache folder), as the issue asks."""
    import tempfile

    desk = fleet_desk(work, count)
    kept = str(work / "fleet-cache")
    out: dict[str, float] = {}
    out["sync"] = statistics.median(
        _timed([*PW, "fleet", "sync"], desk, _fleet_env(work, kept)) for _ in range(runs)
    )
    with tempfile.TemporaryDirectory(dir=work) as empty:
        env = _fleet_env(work, empty)
        out["first"] = _timed(
            [*PW, *FLEET_REPORT[:2], "fleet", *FLEET_REPORT[2:]], desk, env, f"first{count}"
        )
        out["second"] = statistics.median(
            _timed([*PW, *FLEET_REPORT[:2], "fleet", *FLEET_REPORT[2:]], desk, env)
            for _ in range(runs)
        )
    with tempfile.TemporaryDirectory(dir=work) as empty:
        out["verify"] = _timed([*PW, "fleet", "verify"], desk, _fleet_env(work, empty))
    if count == FLEET_SIZES[0]:
        clones = sorted((desk / "branches").iterdir())
        with tempfile.TemporaryDirectory(dir=work) as empty:
            env = _fleet_env(work, empty)
            out["singles"] = sum(_timed([*PW, *FLEET_REPORT], c, env, "singles") for c in clones)
            out["single_second"] = statistics.median(
                _timed([*PW, *FLEET_REPORT], clones[0], env) for _ in range(runs)
            )
    return out


def fleet_rows(work: Path, runs: int) -> list[tuple]:
    rows: list[tuple] = []
    small = bench_fleet(work, runs, FLEET_SIZES[0])
    first, singles = small["first"], small["singles"]
    rows.append(
        (
            f"`pw fleet report` over {FLEET_SIZES[0]} × {FLEET_RECORDS}, first run",
            f"{first:.3f} s",
            f"{FLEET_SIZES[0]} single first runs {singles:.3f} s",
            first / singles,
            "≤ 0.75×",
            first / singles <= 0.75,
        )
    )
    cpu_fleet, cpu_singles = FLEET_CPU[f"first{FLEET_SIZES[0]}"], FLEET_CPU["singles"]
    rows.append(
        (
            "(same, CPU time: user + system, with git and the workers)",
            f"{cpu_fleet:.3f} s",
            f"{cpu_singles:.3f} s",
            cpu_fleet / cpu_singles,
            "(info)",
            True,
        )
    )
    second, one = small["second"], small["single_second"]
    rows.append(
        (
            f"`pw fleet report` over {FLEET_SIZES[0]}, second run",
            f"{second:.3f} s",
            f"one branch's second run {one:.3f} s",
            second / one,
            "≤ 8×",
            second / one <= 8,
        )
    )
    for count in FLEET_SIZES:
        figures = small if count == FLEET_SIZES[0] else bench_fleet(work, runs, count)
        for key, what in (
            ("sync", "`pw fleet sync`, nothing new"),
            ("verify", "`pw fleet verify`"),
            ("first", "`pw fleet report`, first run"),
            ("second", "`pw fleet report`, second run"),
        ):
            rows.append(
                (
                    f"{what}, {count} branches",
                    f"{figures[key]:.3f} s",
                    f"{figures[key] / count * 1000:.1f} ms a branch; "
                    f"1,000 branches ≈ {figures[key] / count * 1000:.0f} s",
                    None,
                    "(info)",
                    True,
                )
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument(
        "--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "pw-bench"
    )
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--only", default=",".join(SECTIONS), help="some of: " + ", ".join(SECTIONS)
    )
    parser.add_argument("--fleet-only", action="store_true", help="only pw fleet's figures")
    parser.add_argument("--fleet-sizes", default="40,200", help="branches on the desks measured")
    args = parser.parse_args()
    only = set(args.only.split(","))
    args.work.mkdir(parents=True, exist_ok=True)
    # Real installs have bytecode (pip compiles it; an editable install writes it on first run);
    # without it every run would also pay for compiling pw's source.
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(HERE.parent / "src" / "partywork")],
        check=True,
    )
    ENV.pop("PYTHONDONTWRITEBYTECODE", None)
    big = 20000 if args.quick else 100000
    global FLEET_SIZES
    FLEET_SIZES = tuple(int(n) for n in args.fleet_sizes.split(","))
    rows = fleet_rows(args.work, args.runs) if "fleet" in only or args.fleet_only else []
    if args.fleet_only:
        _print(args.runs, rows)
        return

    if "log" in only:
        log_pw, log_git, log_only = bench_log(args.work, args.runs, big)
        rows.append(
            (
                f"`pw log` on {big:,} records",
                f"{log_pw:.3f} s",
                f"`git add`+`git commit` {log_git:.3f} s",
                log_pw / log_git,
                "≤ 1.5×",
                log_pw / log_git <= 1.5,
            )
        )
        rows.append(
            (
                "(same, against `git commit -- <path>`)",
                f"{log_pw:.3f} s",
                f"{log_only:.3f} s",
                log_pw / log_only,
                "(info)",
                True,
            )
        )

    if "report" in only:
        report_big, report_status, report_small = bench_report(args.work, args.runs, big)
        rows.append(
            (
                f"`pw report quarter` on {big:,}, second run",
                f"{report_big:.3f} s",
                f"`git status` {report_status:.3f} s",
                report_big / report_status,
                "≤ 1.2×",
                report_big / report_status <= 1.2,
            )
        )
        rows.append(
            (
                "(same, against the report on 1,000 records)",
                f"{report_big:.3f} s",
                f"{report_small:.3f} s",
                report_big / report_small,
                "(info)",
                True,
            )
        )

    if "after" in only:
        for fmt in ("json", "table"):
            after_big, after_only, cpu_big, cpu_only = bench_after_log(
                args.work, args.runs, big, fmt
            )
            rows.append(
                (
                    f"`pw report quarter --format {fmt}` right after `pw log`, {big:,} (ten years)",
                    f"{after_big:.3f} s",
                    f"on 2026's records only {after_only:.3f} s",
                    after_big / after_only,
                    "≤ 1.5×",
                    after_big / after_only <= 1.5,
                )
            )
            rows.append(
                (
                    "(same, CPU seconds of pw and its git)",
                    f"{cpu_big:.3f} s",
                    f"{cpu_only:.3f} s",
                    cpu_big / cpu_only,
                    "(info)",
                    cpu_big / cpu_only <= 1.5,
                )
            )

    if "check" in only:
        check_time, rate = bench_check(args.work, args.runs)
        rows.append(
            (
                "`pw check` of 10,000 in a fresh clone",
                f"{check_time:.3f} s",
                "3,000 records/s",
                rate,
                "≥ 3,000/s",
                rate >= 3000,
            )
        )

    if "audit" in only:
        audit_pw, audit_new, audit_git = bench_audit(args.work, args.runs)
        rows.append(
            (
                "`pw audit` over 10,000 commits, second run",
                f"{audit_pw:.3f} s",
                f"`git log --name-status` {audit_git:.3f} s",
                audit_pw / audit_git,
                "≤ 2×",
                audit_pw / audit_git <= 2,
            )
        )
        rows.append(
            (
                "`pw audit`, first run after one new commit",
                f"{audit_new:.3f} s",
                f"`git log --name-status` {audit_git:.3f} s",
                audit_new / audit_git,
                "≤ 3×",
                audit_new / audit_git <= 3,
            )
        )

    if "binder" in only:
        binder_time, binder_report, binder_records = bench_binder(args.work, args.runs)
        rows.append(
            (
                f"`pw binder 2025 -o x.pdf` ({binder_records} records)",
                f"{binder_time:.3f} s",
                f"`pw report year 2025` {binder_report:.3f} s",
                None,
                "< 10 s",
                binder_time < 10,
            )
        )

    if "help" in only:
        help_pw, help_typer = bench_help(args.runs)
        rows.append(
            (
                "`pw --help`",
                f"{help_pw:.3f} s",
                f'`python -c "import typer"` {help_typer:.3f} s',
                help_pw / help_typer,
                "≤ 1.5×",
                help_pw / help_typer <= 1.5,
            )
        )

    _print(args.runs, rows)


def _print(runs: int, rows: list[tuple]) -> None:
    git_version = subprocess.run(
        ["git", "--version"], capture_output=True, text=True
    ).stdout.strip()
    print(
        f"Measured {dt.date.today()} on {platform.node()} "
        f"({platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {git_version}); "
        f"medians of {runs} runs\n"
    )
    print("| budget | pw | baseline | ratio | limit | result |")
    print("|---|---|---|---|---|---|")
    for name, ours, base, ratio, limit, passed in rows:
        shown = (
            "—"
            if ratio is None
            else f"{ratio:,.0f}/s"
            if limit.startswith("≥")
            else f"{ratio:.2f}×"
        )
        print(f"| {name} | {ours} | {base} | {shown} | {limit} | {'pass' if passed else 'FAIL'} |")
    sys.exit(0 if all(r[-1] for r in rows) else 1)


if __name__ == "__main__":
    main()
