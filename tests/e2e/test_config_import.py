"""Issue 14: `pw config get|set`, `since:` in pw.yaml, `pw member import` (SPEC §3, §6.1, §7)."""

from __future__ import annotations

import json

from conftest import files_of, git, load_yaml, ok, run_pw, trailers


def head(branch):
    return git("rev-parse", "HEAD", cwd=branch).strip()


# -- pw config -----------------------------------------------------------------------------------


def test_config_set_is_one_commit_and_get_reads_it_back(branch):
    before = head(branch)
    ok(run_pw("config", "set", "rules.committee.min", "2", "--reason", "党委要求", cwd=branch))
    assert git("rev-list", "--count", f"{before}..HEAD", cwd=branch).strip() == "1"
    assert files_of(branch, "HEAD") == ["records/pw.yaml"]
    tr = trailers(branch, "HEAD")
    assert tr["Pw-Action"] == "config" and tr["Pw-Reason"] == "党委要求"
    assert load_yaml(branch / "records" / "pw.yaml")["rules"]["committee"]["min"] == 2
    assert ok(run_pw("config", "get", "rules.committee.min", cwd=branch)).stdout.strip() == "2"
    ok(run_pw("config", "set", "study_hours.member", "40", "--reason", "提高", cwd=branch))
    assert ok(run_pw("config", "get", "study_hours.member", cwd=branch)).stdout.strip() == "40"
    ok(
        run_pw(
            "config",
            "set",
            "recorders",
            "recorder@example.org, b@x.org",
            "--reason",
            "r",
            cwd=branch,
        )
    )
    assert load_yaml(branch / "records" / "pw.yaml")["recorders"] == [
        "recorder@example.org",
        "b@x.org",
    ]
    ok(run_pw("config", "set", "rules.lecture", "null", "--reason", "停用", cwd=branch))
    assert load_yaml(branch / "records" / "pw.yaml")["rules"]["lecture"] is None
    assert ok(run_pw("config", "get", "rules.lecture", cwd=branch)).stdout.strip() == "null"
    assert ok(run_pw("config", "get", "branch", cwd=branch)).stdout.strip() == "测试项目部党支部"
    result = run_pw("verify", cwd=branch)
    assert result.returncode == 0, result.stdout + result.stderr


def test_config_bad_value_or_key_writes_nothing(branch):
    before = head(branch)
    text = (branch / "records" / "pw.yaml").read_bytes()
    for key, value in (
        ("attendance_floor", "1.5"),
        ("rules.committee.every", "week"),
        ("lang", "fr"),
        ("since", "2026-13-01"),
        ("nonsense", "1"),
        ("rules.nonsense.min", "1"),
    ):
        result = run_pw("config", "set", key, value, "--reason", "x", cwd=branch)
        assert result.returncode != 0, (key, result.stderr)
        assert "Traceback" not in result.stderr
    assert head(branch) == before
    assert (branch / "records" / "pw.yaml").read_bytes() == text
    assert run_pw("config", "get", "nonsense", cwd=branch).returncode != 0


# -- since ---------------------------------------------------------------------------------------


def _missing(branch, *period):
    report = json.loads(ok(run_pw("report", *period, "--format", "json", cwd=branch)).stdout)
    return report, [u for entry in report["compliance"] for u in entry["missing"]]


def test_since_removes_earlier_months_from_missing(branch):
    _report, missing = _missing(branch, "year", "2026")
    assert "2026-01" in missing and "2026-06" in missing
    ok(run_pw("config", "set", "since", "2026-07-01", "--reason", "启用pw", cwd=branch))
    assert ok(run_pw("config", "get", "since", cwd=branch)).stdout.strip() == "2026-07-01"
    report, missing = _missing(branch, "year", "2026")
    assert not any(u < "2026-07" for u in missing if u[:4] == "2026" and "-" in u)
    assert "2026Q1" not in missing and "2026Q2" not in missing
    assert "2026-07" in missing  # from since on, periods are judged
    assert any("2026-01" in entry.get("not_tracked", []) for entry in report["compliance"])
    _report, missing = _missing(branch, "quarter", "2026Q2")
    assert missing == []
    # the yearly study target is pro-rated from since: July to November, 5 months of 12
    study = {row["member"]: row for row in report["study"]}
    assert study["刘洋"]["target_to_date"] == round(32 * 5 / 12, 1)
    assert run_pw("verify", cwd=branch).returncode == 0


def test_init_since(tmp_path):
    ok(run_pw("init", "b", "--branch", "新支部", "--since", "2026-07-01", cwd=tmp_path))
    assert str(load_yaml(tmp_path / "b" / "records" / "pw.yaml")["since"]) == "2026-07-01"


# -- member import -------------------------------------------------------------------------------

ROWS = [
    ["姓名", "党小组", "类别", "加入本支部日期", "职务", "邮箱"],
    ["孙丽", "g1", "预备党员", "2024/3/1", "", "sunli@example.org"],
    ["周敏", "第二党小组", "正式", "2024-03-01", "党小组长", ""],
    ["吴刚", "g2", "正式党员", "2025/10/8", "委员", ""],
]


def _check_imported(branch):
    members = {m["name"]: m for m in load_yaml(branch / "records" / "members.yaml")["members"]}
    sun, zhou, wu = members["孙丽"], members["周敏"], members["吴刚"]
    assert sun["status"] == "probationary" and sun["group"] == "g1"
    assert str(sun["joined"]) == "2024-03-01" and sun["email"] == "sunli@example.org"
    assert zhou["group"] == "g2" and zhou["roles"][0]["role"] == "group-leader"
    assert wu["roles"][0]["role"] == "committee" and str(wu["joined"]) == "2025-10-08"
    assert "王伟" in members  # the existing roster stays
    assert files_of(branch, "HEAD") == ["records/members.yaml"]
    assert trailers(branch, "HEAD")["Pw-Action"] == "member-import"
    result = run_pw("verify", cwd=branch)
    assert result.returncode == 0, result.stdout + result.stderr
    assert ok(run_pw("check", cwd=branch))


def _csv(rows):
    return "\r\n".join(",".join(r) for r in rows) + "\r\n"


def test_import_utf8_bom_csv(branch, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(b"\xef\xbb\xbf" + _csv(ROWS).encode("utf-8"))
    before = head(branch)
    ok(run_pw("member", "import", str(path), cwd=branch))
    assert git("rev-list", "--count", f"{before}..HEAD", cwd=branch).strip() == "1"
    _check_imported(branch)


def test_import_gbk_csv_with_english_headers_too(branch, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(_csv(ROWS).encode("gbk"))
    ok(run_pw("member", "import", str(path), cwd=branch))
    _check_imported(branch)


def test_import_english_headers(branch, tmp_path):
    path = tmp_path / "roster.csv"
    rows = [["name", "group", "status", "joined", "role", "email"]] + ROWS[1:]
    path.write_text(_csv(rows), encoding="utf-8")
    ok(run_pw("member", "import", str(path), cwd=branch))
    _check_imported(branch)


def test_import_xlsx(branch, tmp_path):
    import datetime as dt

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in ROWS:
        sheet.append(row)
    sheet["D4"] = dt.datetime(2025, 10, 8)  # Excel keeps dates as dates
    path = tmp_path / "roster.xlsx"
    book.save(path)
    ok(run_pw("member", "import", str(path), cwd=branch))
    _check_imported(branch)


def test_import_with_bad_rows_lists_them_all_and_writes_nothing(branch, tmp_path):
    rows = ROWS + [
        ["王伟", "g1", "正式", "2024-01-01", "", ""],  # row 5: already in the roster
        ["郑一", "g9", "正式", "2024-13-01", "", ""],  # row 6: unknown group, bad date
    ]
    path = tmp_path / "roster.csv"
    path.write_text(_csv(rows), encoding="utf-8")
    before = head(branch)
    text = (branch / "records" / "members.yaml").read_bytes()
    result = run_pw("member", "import", str(path), cwd=branch)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "5" in result.stderr and "6" in result.stderr
    assert "王伟" in result.stderr and "g9" in result.stderr
    assert head(branch) == before
    assert (branch / "records" / "members.yaml").read_bytes() == text
