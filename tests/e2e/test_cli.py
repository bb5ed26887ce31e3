"""Wiring: list filters and formats, help for every command, the error boundary, packaging."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from conftest import log_committee, ok, run_pw
from partywork.app.main import PwGroup
from partywork.errors import NotFound

ROOT = Path(__file__).resolve().parents[2]


def _study(branch, date, *extra):
    return ok(
        run_pw(
            "log",
            "study",
            "--kind",
            "collective",
            "--date",
            date,
            "--place",
            "会议室",
            "--host",
            "王伟",
            "--recorder",
            "李芳",
            "--attendees",
            "王伟,李芳,陈静",
            "--material",
            "学习材料",
            "--hours",
            "2",
            *extra,
            cwd=branch,
        )
    ).stdout.strip()


def test_list_filters(branch):
    committee = log_committee(branch)
    july = _study(branch, "2026-07-20")
    october = _study(branch, "2026-10-09", "--minutes", "学习安全生产法")

    def ids(*args):
        return [
            r["id"]
            for r in json.loads(ok(run_pw("list", "--format", "json", *args, cwd=branch)).stdout)[
                "records"
            ]
        ]

    assert ids() == [committee, july, october]
    assert ids("--type", "study") == [july, october]
    assert ids("--kind", "committee") == [committee]
    assert ids("--period", "2026Q3") == [committee, july]
    assert ids("--period", "2026-10") == [october]
    assert ids("--member", "陈静") == [july, october]
    assert ids("--member", "张强") == [committee]  # listed as absent
    assert ids("--grep", "安全生产法") == [october]


def test_list_csv_and_table(branch):
    record_id = log_committee(branch)
    rows = list(csv.reader(io.StringIO(ok(run_pw("list", "--format", "csv", cwd=branch)).stdout)))
    assert (
        rows[0] == ["id", "type", "kind", "date", "title", "path", "voided"]
        and rows[1][0] == record_id
    )
    table = ok(run_pw("list", cwd=branch)).stdout
    assert record_id in table and "支委会" in table and "│" not in table  # no boxes when piped


def test_show_text_is_readable(branch):
    record_id = log_committee(branch)
    text = ok(run_pw("show", record_id, cwd=branch)).stdout
    assert "实到 (2/3): 王伟、李芳" in text and "缺席: 张强（出差）" in text
    english = ok(run_pw("--lang", "en", "show", record_id, cwd=branch)).stdout
    assert "Present (2/3)" in english


def test_unique_prefix_finds_a_record(branch):
    record_id = log_committee(branch)
    assert (
        json.loads(ok(run_pw("show", record_id[:-2], "--format", "json", cwd=branch)).stdout)["id"]
        == record_id
    )


@pytest.mark.parametrize(
    "bad",
    [
        "../x",
        "../../etc/passwd",
        "/etc/passwd",
        "a/../../b",
        "..",
        ".git/config",
        "-rf",
        "--output=x",
        "x" * 300,
        "CON",
        "a\u202eb",
    ],
)
def test_hostile_ids_are_refused_before_touching_disk(branch, bad):
    result = run_pw("show", bad, cwd=branch)
    assert result.returncode in (2, 65, 66) and "Traceback" not in result.stderr


def test_repo_is_found_by_option_env_and_walking_up(branch, tmp_path):
    record_id = log_committee(branch)
    (branch / "records" / "2026" / "sub").mkdir()
    assert record_id in ok(run_pw("list", cwd=branch / "records" / "2026" / "sub")).stdout
    assert record_id in ok(run_pw("--repo", str(branch), "list", cwd=tmp_path)).stdout
    assert record_id in ok(run_pw("list", cwd=tmp_path, env={"PW_REPO": str(branch)})).stdout
    missing = run_pw("list", cwd=tmp_path)
    assert missing.returncode == 66 and "pw init" in missing.stderr


def test_bad_global_options_are_usage_errors(branch):
    assert run_pw("--today", "2026-13-01", "list", cwd=branch, today=None).returncode == 2
    assert run_pw("--lang", "fr", "list", cwd=branch).returncode == 2
    assert run_pw("list", "--period", "下个季度", cwd=branch).returncode == 2


def _boundary_app():
    app = typer.Typer(cls=PwGroup)

    @app.command()
    def boom() -> None:
        raise RuntimeError("secret detail")

    @app.command()
    def missing() -> None:
        raise NotFound("没有这条记录", "用 pw list 查看")

    return app


def test_boundary_maps_errors_to_exit_codes():
    runner = CliRunner()
    app = _boundary_app()
    bug = runner.invoke(app, ["boom"])
    assert bug.exit_code == 70 and "RuntimeError" in bug.stderr and "Traceback" not in bug.stderr
    assert bug.stdout == ""
    missing = runner.invoke(app, ["missing"])
    assert (
        missing.exit_code == 66 and "没有这条记录" in missing.stderr and "pw list" in missing.stderr
    )


def test_templates_are_inside_the_wheel(tmp_path):
    pytest.importorskip("hatchling")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("partywork-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for lang in ("zh", "en"):
        for typ in ("meeting", "study", "review"):
            assert f"partywork/templates/{lang}/{typ}.yaml" in names
