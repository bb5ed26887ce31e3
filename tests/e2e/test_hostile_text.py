"""Issue 12, "text stays text": what a branch wrote — a reason, a commit's author, a record's field,
a file's name — reaches the supervisor's terminal escaped, and a report opened in a spreadsheet or a
Markdown viewer runs nothing."""

from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import git, log_committee, ok, run_pw

ESC = "\x1b[2J\x1b[H"
RLO = "\u202e"
HOSTILE = (ESC, RLO, "\u200b", "\x9b", "\x07")


def _clean(result, *, where: str) -> None:
    for bad in HOSTILE:
        assert bad not in result.stdout, f"{where}: {bad!r} on stdout"
        assert bad not in result.stderr, f"{where}: {bad!r} on stderr"
    assert "Traceback" not in result.stderr, where


@pytest.fixture
def planted(branch):
    """A branch where every kind of text pw prints carries ESC, bidi and zero-width characters."""
    record = log_committee(branch)
    # a reason given to pw itself
    ok(
        run_pw(
            "edit",
            record,
            "--set",
            "place=党员活动室",
            "--reason",
            f"ok{ESC}没有发现问题{RLO}",
            cwd=branch,
        )
    )
    # a record field, by hand (YAML escapes are how a control character gets into a file)
    path = branch / "records" / "2026" / f"{record}.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("title: ", 'title: "\\e[2J\\e[H假标题\\u202e\\u200b\\x9b\\a" # ', 1)
    path.write_text(text, encoding="utf-8")
    # and committed under an author whose name and email are escape sequences
    git(
        "-c",
        f"user.name=组织{ESC}委员{RLO}",
        "-c",
        f"user.email=x{ESC}@e\u200b.org",
        "commit",
        "-qam",
        f"手工修改{ESC}",
        cwd=branch,
    )
    # a file under records/ whose name is an escape sequence
    evil = branch / "records" / "2026" / f"2026-07-04-other-{ESC}{RLO}.yaml"
    evil.write_text("schema: 1\n", encoding="utf-8")
    git("add", "-A", cwd=branch)
    git("-c", f"user.name=坏人{ESC}", "commit", "-qm", "plant", cwd=branch)
    (branch / "records" / "2026" / f"uncommitted-{ESC}.yaml").write_text("x: 1\n", encoding="utf-8")
    return branch, record


COMMANDS = [
    ("history", "{id}"),
    ("history", "{id}", "--format", "json"),
    ("audit",),
    ("audit", "--format", "json"),
    ("audit", "2026Q3"),
    ("verify",),
    ("verify", "--format", "json"),
    ("check",),
    ("check", "--format", "json"),
    ("show", "{id}"),
    ("show", "{id}", "--format", "yaml"),
    ("show", "{id}", "--format", "json"),
    ("list",),
    ("list", "--format", "json"),
    ("list", "--format", "csv"),
    ("list", "--format", "table"),
    ("report", "quarter", "2026Q3", "--format", "table"),
    ("report", "quarter", "2026Q3", "--format", "md"),
    ("report", "quarter", "2026Q3", "--format", "csv"),
    ("report", "quarter", "2026Q3", "--format", "json"),
    ("report", "quarter", "2026Q3", "--format", "html"),
    ("action", "list"),
    ("action", "list", "--format", "json"),
    ("status",),
    ("status", "--format", "json"),
    ("member", "list"),
    ("group", "list"),
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: "-".join(a).replace("{id}", "ID"))
def test_escape_sequences_never_reach_the_terminal(planted, args):
    root, record = planted
    result = run_pw(*(a.replace("{id}", record) for a in args), cwd=root)
    _clean(result, where=" ".join(args))
    if "json" in args and result.stdout.strip():
        json.loads(result.stdout)  # still JSON: the escapes are JSON's own


def test_history_shows_the_planted_text_escaped(planted):
    root, record = planted
    out = ok(run_pw("history", record, cwd=root)).stdout
    assert "ok\\x1b[2J\\x1b[H没有发现问题\\u202e" in out
    assert "组织\\x1b[2J\\x1b[H委员\\u202e" in out
    data = json.loads(ok(run_pw("history", record, "--format", "json", cwd=root)).stdout)
    assert any(
        v["reason"] == f"ok{ESC}没有发现问题{RLO}" for v in data["versions"]
    )  # JSON keeps the data


def test_a_name_in_an_error_message_is_escaped(branch):
    result = run_pw("member", "leave", f"王伟{ESC}", "--on", "2026-11-01", cwd=branch)
    assert result.returncode != 0
    _clean(result, where="member leave")


def test_rich_markup_in_a_title_is_shown_not_obeyed(branch):
    record = log_committee(branch)
    ok(
        run_pw(
            "edit",
            record,
            "--set",
            "title=[/][bold red]已整改[/bold red] [link=http://x]点此[/link]",
            "--reason",
            "试",
            cwd=branch,
        )
    )
    out = ok(run_pw("list", "--format", "table", cwd=branch)).stdout
    assert "[link=http://x]" in out
    out = ok(run_pw("report", "quarter", "2026Q3", "--format", "table", cwd=branch)).stdout
    assert "[bold red]" in out


FORMULAS = ('=HYPERLINK("http://x","点此查看")', "@SUM(1+1)", "+1+1", "-2+3", "\t=1")


def _titled(branch, titles) -> None:
    for i, title in enumerate(titles):
        ok(
            run_pw(
                "log",
                "meeting",
                "--kind",
                "other",
                "--date",
                f"2026-08-{i + 1:02d}",
                "--title",
                title,
                "--place",
                "会议室",
                "--host",
                "王伟",
                "--recorder",
                "李芳",
                "--attendees",
                "王伟,李芳",
                "--topic",
                "议题",
                "--minutes",
                "记录",
                cwd=branch,
            )
        )


def _formula_cells(text: str) -> list[str]:
    return [
        cell
        for row in csv.reader(io.StringIO(text))
        for cell in row
        if cell[:1] in ("=", "+", "-", "@", "\t", "\r")
    ]


def test_csv_cells_are_never_formulas(branch):
    _titled(branch, [f for f in FORMULAS if not f.startswith("\t")])
    for args in (("report", "quarter", "2026Q3", "--format", "csv"), ("list", "--format", "csv")):
        out = ok(run_pw(*args, cwd=branch)).stdout
        assert _formula_cells(out) == [], args
        assert '\'=HYPERLINK(""http://x"",""点此查看"")' in out and "'@SUM(1+1)" in out


def test_csv_keeps_numbers_numeric():
    from partywork.render.textsafe import csv_cell

    assert (
        csv_cell(-3) == -3
        and csv_cell(0.5) == 0.5
        and csv_cell("-3") == "-3"
        and csv_cell("-2.5") == "-2.5"
    )
    assert (
        csv_cell("-2+3") == "'-2+3" and csv_cell("\t=1") == "'\t=1" and csv_cell("\r=1") == "'\\r=1"
    )
    assert csv_cell("普通标题") == "普通标题"


def test_markdown_escapes_html_and_pipes(branch):
    _titled(branch, ["<script>alert(1)</script>|伪造列"])
    out = ok(run_pw("report", "quarter", "2026Q3", "--format", "md", cwd=branch)).stdout
    assert "<script>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;\\|伪造列" in out


def test_the_escapes():
    from partywork.render.textsafe import one_line, shown

    assert shown("a\x1b[2Jb\u202ec\u200bd\x85e\tf\ng") == "a\\x1b[2Jb\\u202ec\\u200bd\\u0085e\tf\ng"
    assert one_line("a\nb\tc\rd") == "a\\nb\\tc\\rd"
    assert shown("王伟 2026年第11次支委会") == "王伟 2026年第11次支委会"
    assert json.loads(shown(json.dumps({"k": "\x7f\x85\u202e\ufeff"}, ensure_ascii=False))) == {
        "k": "\x7f\x85\u202e\ufeff"
    }


def test_a_terminal_keeps_pws_own_colours_only():
    from partywork.render.textsafe import shown_keeping_style

    assert shown_keeping_style("\x1b[1mbold\x1b[0m \x1b[2J") == "\x1b[1mbold\x1b[0m \\x1b[2J"
