#!/usr/bin/env python3
"""How the binder's PDF engine was chosen (README "打印台账 / The printable binder"): the same
meeting form, 100 records, typeset by Typst and by WeasyPrint; time, size, and whether two runs
give the same bytes. Each engine is tried only if it is installed (WeasyPrint is not a dependency
of pw: `pip install weasyprint`, and Debian's libpango-1.0-0 and libpangoft2-1.0-0).

usage: python benchmarks/binder_engines.py [N] [--out DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import os
import time
from pathlib import Path

FONTS = "/usr/share/fonts/opentype/noto"
MINUTES = (
    "王建国传达了集团公司党委关于加强项目部党建工作的通知精神，要求各党小组结合施工生产实际，"
    "把党建工作与安全生产、质量管理、进度控制紧密结合起来，做到两手抓、两不误。"
)
ROWS = [
    ("出席", "王建国、李芳、刘洋、陈静、杨帆、赵磊、张强、黄海"),
    ("缺席及原因", "周敏（出差，在外地参加集团公司组织的项目经理培训班，已请假）"),
    ("列席", "吴涛（集团公司党委组织部）"),
    ("议题", "1. 学习传达上级会议精神，研究贯彻落实意见。"),
    ("内容", MINUTES * 3),
    ("决议及表决结果", "1. 同意第三季度党员发展工作计划。（赞成 8 票，反对 0 票，弃权 0 票）"),
    ("整改事项", "完善安全生产责任清单 — 责任人 刘洋，期限 2026-07-31，进行中"),
]


def records(n: int) -> list[dict]:
    return [
        {
            "id": f"2026-07-03-committee-{i:04d}",
            "title": f"第{i + 1}次支委会：研究部署安全生产和党建工作（“三会一课”落实情况）",
            "rows": ROWS,
        }
        for i in range(n)
    ]


TYPST = """
#let data = json(bytes(sys.inputs.data))
#set document(date: datetime(year: 2026, month: 9, day: 30))
#set text(font: "Noto Serif CJK SC", size: 10.5pt, lang: "zh", region: "cn")
#set par(justify: true)
#set page(paper: "a4", margin: 2cm, footer: context {
  let r = query(selector(<rec>).before(here()))
  set text(size: 8pt)
  grid(columns: (1fr, auto), if r.len() > 0 { r.last().value.id },
    [第 #counter(page).display() 页 / 共 #counter(page).final().first() 页])
})
#for r in data [
  #pagebreak(weak: true)
  #metadata(r) <rec>
  #align(center, text(size: 15pt, weight: "bold", r.title))
  #table(columns: (7em, 1fr), inset: 5pt, ..r.rows.map(x => (x.at(0), x.at(1))).flatten())
  #v(2em)
  主持人签字：#box(width: 8em, stroke: (bottom: 0.5pt)) #h(4em)
  记录人签字：#box(width: 8em, stroke: (bottom: 0.5pt))
]
"""

CSS = """@page { size: A4; margin: 2cm;
  @bottom-right { content: "第 " counter(page) " 页 / 共 " counter(pages) " 页"; font-size: 8pt }
  @bottom-left { content: string(rid); font-size: 8pt } }
body { font-family: "Noto Serif CJK SC"; font-size: 10.5pt }
section { page-break-before: always }
h1 { text-align: center; font-size: 15pt; string-set: rid attr(data-id) }
table { width: 100%; border-collapse: collapse }
th, td { border: 0.5pt solid; padding: 4pt; text-align: left } th { width: 7em }"""


def typst_pdf(data: list[dict], work: Path) -> bytes:
    import typst

    template = work / "form.typ"
    template.write_text(TYPST, encoding="utf-8")
    pdf = typst.compile(
        str(template),
        font_paths=[FONTS],
        ignore_system_fonts=True,
        sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
    )
    assert isinstance(pdf, bytes)
    return pdf


def weasy_pdf(data: list[dict], work: Path) -> bytes:
    import weasyprint

    os.environ["SOURCE_DATE_EPOCH"] = "1790726400"  # its dates, fixed
    body = "".join(
        f'<section><h1 data-id="{r["id"]}">{html.escape(r["title"])}</h1><table>'
        + "".join(f"<tr><th>{k}</th><td>{html.escape(v)}</td></tr>" for k, v in r["rows"])
        + "</table><p>主持人签字：＿＿＿＿＿＿　记录人签字：＿＿＿＿＿＿</p></section>"
        for r in data
    )
    page = f"<html lang=zh-CN><meta charset=utf-8><style>{CSS}</style><body>{body}</body></html>"
    pdf = weasyprint.HTML(string=page).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=100)
    parser.add_argument("--out", type=Path, default=Path("/tmp/pw-binder-engines"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    data = records(args.n)
    print(f"| engine | {args.n} forms | pages' bytes | two runs identical |")
    print("|---|---|---|---|")
    for name, make in (("typst", typst_pdf), ("weasyprint", weasy_pdf)):
        try:
            started = time.perf_counter()
            first = make(data, args.out)
        except ImportError:
            print(f"| {name} | not installed | — | — |")
            continue
        elapsed = time.perf_counter() - started
        second = make(data, args.out)
        (args.out / f"{name}.pdf").write_bytes(first)
        same = hashlib.sha256(first).digest() == hashlib.sha256(second).digest()
        print(f"| {name} | {elapsed:.2f} s | {len(first):,} | {'yes' if same else 'no'} |")


if __name__ == "__main__":
    main()
