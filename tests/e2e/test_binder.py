"""pw binder (issue 16): the printable 台账 of a branch built through the CLI, read back as a
person's tools would — pdftotext, pdffonts, pdfinfo — and the .docx read with python-docx."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import git, ok, run_pw

pytestmark = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("pdftotext", "pdffonts", "pdfinfo")),
    reason="poppler-utils (pdftotext, pdffonts, pdfinfo) is not installed",
)

PLACE = ["--place", "项目部二楼会议室"]
# a paragraph long enough to wrap many times, with punctuation wherever a line might break
LONG = (
    "会议要求，各党小组要结合施工生产实际，把党建工作与安全生产、质量管理、进度控制紧密结合起来，"
    "做到两手抓、两不误；对检查发现的问题，要逐项建立台账、明确责任人和完成时限。"
) * 4
RECORDS = [
    (
        "七月支委会：研究安全生产",
        [
            "log", "meeting", "--kind", "committee", "--date", "2026-07-03", *PLACE,
            "--host", "王伟", "--recorder", "李芳", "--attendees", "王伟,李芳",
            "--absent", "张强:在外地参加集团公司培训", "--topic", "研究三季度安全生产工作",
            "--minutes", "王伟：传达上级安全生产会议精神。\n李芳：汇报整改进展。\n" + LONG,
            "--decision", "同意三季度安全生产工作安排",
            "--action", "完善安全生产责任清单|张强|2026-08-31",
        ],
    ),
    (
        "第一党小组七月党小组会",
        [
            "log", "meeting", "--kind", "group", "--group", "g1", "--date", "2026-07-18",
            *PLACE, "--host", "刘洋", "--recorder", "李芳", "--attendees", "王伟,刘洋,李芳",
            "--topic", "交流本月工作", "--minutes", "刘洋领学有关条款。",
        ],
    ),
    (
        "第二党小组八月党小组会",
        [
            "log", "meeting", "--kind", "group", "--group", "g2", "--date", "2026-08-18",
            *PLACE, "--host", "张强", "--recorder", "赵磊", "--attendees", "张强,赵磊",
            "--absent", "陈静:病假住院", "--topic", "学习安全生产法",
            "--minutes", "张强领学。",
        ],
    ),
    (
        "八月集中学习：安全生产法",
        [
            "log", "study", "--kind", "collective", "--date", "2026-08-12", *PLACE,
            "--host", "王伟", "--recorder", "李芳", "--attendees", "王伟,李芳,张强,刘洋,陈静",
            "--absent", "赵磊:值班", "--material", "《中华人民共和国安全生产法》",
            "--hours", "2", "--minutes", "集体学习安全生产法第三章。",
        ],
    ),
    (
        "九月专题检讨会",
        [
            "log", "review", "--kind", "special", "--date", "2026-09-10", *PLACE,
            "--host", "王伟", "--recorder", "李芳",
            "--attendees", "王伟,李芳,张强,刘洋,陈静,赵磊",
            "--topic", "八月份高处作业安全隐患专题检讨", "--minutes", "王伟代表支部委员会作检讨。",
        ],
    ),
    (
        "九月支委会（误录）",
        [
            "log", "meeting", "--kind", "committee", "--date", "2026-09-05", *PLACE,
            "--host", "王伟", "--recorder", "李芳", "--attendees", "王伟,李芳,张强",
            "--topic", "研究党员发展工作", "--minutes", "按议程进行。",
        ],
    ),
]  # fmt: skip


@pytest.fixture(scope="module")
def built(tmp_path_factory, branch_template) -> dict:
    """The branch, its records' ids, and its 2026Q3 binder as PDF and Word."""
    root = tmp_path_factory.mktemp("binder") / "branch"
    shutil.copytree(branch_template, root, symlinks=True)
    ids = []
    for title, args in RECORDS:
        ids.append(ok(run_pw(*args, "--title", title, "--no-edit", cwd=root)).stdout.strip())
    ok(run_pw("void", ids[-1], "--reason", "当天未开会，误录", cwd=root))
    out = root.parent / "out"
    out.mkdir()
    pdf, docx = out / "台账.pdf", out / "台账.docx"
    ok(run_pw("binder", "2026Q3", "-o", str(pdf), cwd=root))
    ok(run_pw("binder", "2026Q3", "-o", str(docx), cwd=root))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return {
        "root": root,
        "ids": ids,
        "pdf": pdf,
        "docx": docx,
        "text": re.sub(r"\s+", "", text),
        "commit": git("rev-parse", "HEAD", cwd=root).strip(),
    }


def test_the_pdf_holds_what_an_inspector_checks(built):
    text = built["text"]
    assert "测试项目部党支部" in text and "测试公司党委" in text
    for title, _ in RECORDS:
        assert title in text, title
    for absence in ("张强（在外地参加集团公司培训）", "陈静（病假住院）", "赵磊（值班）"):
        assert absence in text, absence
    assert "主持人王伟" in text and "记录人李芳" in text and "记录人赵磊" in text
    assert "主持人签字" in text and "记录人签字" in text
    assert built["commit"] in text
    assert "决议及表决结果" in text and "缺席及原因" in text and "应到/实到人数" in text


def test_no_line_starts_with_closing_punctuation(built):
    """Chinese line breaking: a comma or full stop never opens a printed line."""
    text = subprocess.run(
        ["pdftotext", str(built["pdf"]), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "会议要求" in text
    assert [line for line in text.splitlines() if line and line[0] in "，。、；：）」』！？"] == []


def test_the_voided_record_is_marked_with_its_reason(built):
    assert "作废" in built["text"] and "当天未开会，误录" in built["text"]


def test_every_page_has_a_footer_with_page_count_and_record_blob(built):
    root, pdf = built["root"], built["pdf"]
    pages = int(re.search(r"Pages:\s+(\d+)", _pdfinfo(pdf)).group(1))
    assert pages >= len(RECORDS)
    assert f"第1页/共{pages}页" in built["text"] and f"第{pages}页/共{pages}页" in built["text"]
    committee = built["ids"][0]
    path = f"records/2026/{committee}.yaml"
    blob = git("rev-parse", f"HEAD:{path}", cwd=root).strip()
    assert f"记录{committee}·blob{blob}" in built["text"]


def test_every_font_is_embedded(built):
    fonts = subprocess.run(
        ["pdffonts", str(built["pdf"])], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert fonts, "no fonts listed"
    assert any("CJK" in line for line in fonts)
    for line in fonts:
        assert line.split()[-5] == "yes", line  # the emb column


def test_a_second_run_gives_identical_bytes(built, tmp_path):
    again = tmp_path / "again.pdf"
    ok(run_pw("binder", "2026Q3", "-o", str(again), cwd=built["root"]))
    assert again.read_bytes() == built["pdf"].read_bytes()
    again_docx = tmp_path / "again.docx"
    ok(run_pw("binder", "2026Q3", "-o", str(again_docx), cwd=built["root"]))
    assert again_docx.read_bytes() == built["docx"].read_bytes()


def test_the_pdf_dates_are_the_commits(built):
    import datetime as dt

    seconds = int(git("log", "-1", "--format=%ct", cwd=built["root"]))
    committed = dt.datetime.fromtimestamp(seconds, dt.timezone.utc).strftime("%Y%m%d%H%M")
    info = subprocess.run(
        ["pdfinfo", "-isodates", str(built["pdf"])], capture_output=True, text=True
    ).stdout
    created = re.search(r"CreationDate:\s+(\S+)", info).group(1)
    assert re.sub(r"\D", "", created)[:12] == committed


def test_the_docx_holds_the_same_text(built):
    import docx

    document = docx.Document(str(built["docx"]))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    text = re.sub(r"\s+", "", "".join(parts))
    for title, _ in RECORDS:
        assert title in text
    for expected in ("测试项目部党支部", "张强（在外地参加集团公司培训）", "陈静（病假住院）"):
        assert expected in text
    assert "主持人签字" in text and "当天未开会，误录" in text and built["commit"] in text
    footers = "".join(p.text for s in document.sections for p in s.footer.paragraphs)
    assert built["ids"][0] in footers


@pytest.mark.parametrize("name", ["台账.txt", "台账.html", "台账"])
def test_a_bad_extension_exits_2_writing_nothing(built, tmp_path, name):
    target = tmp_path / name
    result = run_pw("binder", "2026Q3", "-o", str(target), cwd=built["root"])
    assert result.returncode == 2, result.stderr
    assert ".pdf" in result.stderr and ".docx" in result.stderr
    assert not target.exists() and list(tmp_path.iterdir()) == []


def test_the_default_is_the_current_year(built, tmp_path):
    target = tmp_path / "year.pdf"
    ok(run_pw("binder", "-o", str(target), cwd=built["root"], today="2026-11-26"))
    text = subprocess.run(
        ["pdftotext", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "2026-01-01" in text and "2026-12-31" in text


def test_a_type_without_a_form_prints_on_the_generic_form():
    """A record type added later (issue 16's concurrent types) still prints: every field `pw show`
    prints, in its order."""
    from partywork.i18n import set_lang
    from partywork.render.binder.data import BinderRecord
    from partywork.render.binder.forms import form_rows

    set_lang("zh")
    record = {
        "id": "2026-09-01-talk-ab12",
        "type": "talk",
        "kind": "talk",
        "title": "谈心谈话",
        "date": "2026-09-01",
        "place": "书记办公室",
        "host": "王伟",
        "recorder": "李芳",
        "attendees": ["王伟", "赵磊"],
        "topics": ["思想动态"],
    }
    rows = form_rows(BinderRecord(record, None, None), {})
    labels = [r["label"] for r in rows]
    assert labels.index("地点") < labels.index("主持人") < labels.index("记录人")
    assert any("书记办公室" in r["text"] for r in rows)
    assert next(r["items"] for r in rows if r["label"] == "议题") == ["思想动态"]


def _pdfinfo(path: Path) -> str:
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout


def test_without_a_chinese_font_the_binder_is_refused_not_printed_blank(built):
    """Typst only warns when no CJK font is found and then draws empty boxes; pw refuses (78).
    The template is compiled for real with Typst's own fonts only, as on a machine without
    fonts-noto-cjk."""
    import typst

    from partywork.errors import ConfigError
    from partywork.render.binder import pdf

    book = json.dumps(
        {
            "lang": "zh",
            "title": "测试",
            "date": [2026, 9, 30, 0, 0, 0],
            "cover": [["党支部", "测试项目部党支部"]] * 5,
            "footer": "",
            "labels": {"contents": "目录", "page": "{x}/{y}", "void": "作废", "void_reason": "原因",
                       "signed": "日期"},
            "sections": [],
        },
        ensure_ascii=False,
    )  # fmt: skip
    _, warnings = typst.compile_with_warnings(
        str(pdf.TEMPLATE), font_paths=[], ignore_system_fonts=True, sys_inputs={"book": book}
    )
    with pytest.raises(ConfigError) as refused:
        pdf._require_cjk_font(warnings)
    assert refused.value.code == 78 and "fonts-noto-cjk" in (refused.value.hint or "")
    _, found = typst.compile_with_warnings(
        str(pdf.TEMPLATE), font_paths=list(pdf.FONT_DIRS), sys_inputs={"book": book}
    )
    pdf._require_cjk_font(found)  # with Debian's fonts: no complaint


def test_record_text_is_printed_never_obeyed(branch, tmp_path):
    """Typst markup in a record (entered through pw) and a bidi override (committed by hand, past
    pw's checks) are printed as the characters they are: no code runs, no page changes size, no
    text is reordered."""
    record_id = ok(
        run_pw(
            "log", "meeting", "--kind", "committee", "--date", "2026-07-03",
            "--place", "#set page(width: 1cm)", "--host", "王伟", "--recorder", "李芳",
            "--attendees", "王伟,李芳", "--absent", "张强:出差",
            "--topic", '#panic("boom") *粗体* $x^2$ <section> ]',
            "--minutes", "正文", "--title", "标题 #{1+1} @ref", "--no-edit",
            cwd=branch,
        )
    ).stdout.strip()  # fmt: skip
    path = branch / "records" / "2026" / f"{record_id}.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("正文", "正文\u202e倒序"), encoding="utf-8"
    )
    git("commit", "-qam", "hand edit", cwd=branch)
    target = tmp_path / "x.pdf"
    ok(run_pw("binder", "2026Q3", "-o", str(target), cwd=branch))
    text = subprocess.run(
        ["pdftotext", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout
    for literal in ("标题 #{1+1} @ref", "#set page(width: 1cm)", '#panic("boom") *粗体* $x^2$'):
        assert literal in text
    assert "\u202e" not in text and "正文\\u202e" in text
    info = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True).stdout
    assert "595.276 x 841.89" in info  # A4 still


def test_uncommitted_changes_are_said_on_the_cover_and_in_the_footer(built, tmp_path):
    """A record changed after the commit is printed as it is on disk, so its footer must not claim
    the committed blob: it says 未提交, and the cover says the binder holds uncommitted changes."""
    clone = tmp_path / "clone"
    git("clone", "-q", str(built["root"]), str(clone), cwd=tmp_path)
    record = built["ids"][1]
    path = clone / "records" / "2026" / f"{record}.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("刘洋领学有关条款。", "刘洋领学有关条款（改）。"),
        encoding="utf-8",
    )
    target = tmp_path / "dirty.pdf"
    ok(run_pw("binder", "2026Q3", "-o", str(target), cwd=clone))
    text = re.sub(
        r"\s+",
        "",
        subprocess.run(
            ["pdftotext", str(target), "-"], capture_output=True, text=True, check=True
        ).stdout,
    )
    assert "刘洋领学有关条款（改）" in text and f"记录{record}·blob未提交" in text
    assert "未提交的修改" in text
    first = built["ids"][0]
    blob = git("rev-parse", f"HEAD:records/2026/{first}.yaml", cwd=clone).strip()
    assert f"记录{first}·blob{blob}" in text  # the unchanged ones keep their blob
    assert f"提交{built['commit']}" in text  # the pages of no record name the commit


def test_the_form_template_is_inside_the_wheel(tmp_path):
    """`pip install .` must carry binder.typ, or the binder works only from a checkout."""
    import sys
    import zipfile

    pytest.importorskip("hatchling")
    root = Path(__file__).resolve().parents[2]
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(root)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    wheel = next(tmp_path.glob("partywork-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "partywork/render/binder/binder.typ" in names
    metadata = next(n for n in names if n.endswith("METADATA"))
    requires = zipfile.ZipFile(wheel).read(metadata).decode()
    assert "Requires-Dist: typst" in requires and "Requires-Dist: python-docx" in requires


def test_the_contents_give_each_records_page(built):
    """The contents line of a record names the page its form is on (its footer is there)."""
    pages = subprocess.run(
        ["pdftotext", str(built["pdf"]), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    contents = next(p for p in pages if "目录" in p)
    for (title, _), record_id in zip(RECORDS, built["ids"], strict=True):
        line = next(x for x in contents.splitlines() if title in x)
        number = int(re.search(r"(\d+)\s*$", line).group(1))
        assert f"记录 {record_id}" in pages[number - 1], (title, number)


def test_a_months_binder_holds_that_month_only(built, tmp_path):
    target = tmp_path / "august.pdf"
    ok(run_pw("binder", "2026-08", "-o", str(target), cwd=built["root"]))
    text = re.sub(
        r"\s+",
        "",
        subprocess.run(
            ["pdftotext", str(target), "-"], capture_output=True, text=True, check=True
        ).stdout,
    )
    assert "第二党小组八月党小组会" in text and "八月集中学习：安全生产法" in text
    assert "七月支委会：研究安全生产" not in text and "九月专题检讨会" not in text
