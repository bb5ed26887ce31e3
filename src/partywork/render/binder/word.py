"""The binder as a Word document (python-docx): offices submit Word. The same book as the PDF;
each record is a section of its own, so its footer carries its id and blob id. Word counts the
pages itself (PAGE / NUMPAGES fields); the contents list the sections without page numbers, which
only Word knows once it has laid the document out."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from partywork.render.binder.book import Book, Section, Table

FONT = "Noto Serif CJK SC"
LABEL_CM = 3.2  # the form's label column; the text column takes the rest of the 17 cm line
LINE_CM = 17.0


def docx(book: Book) -> bytes:
    from docx import Document
    from docx.enum.section import WD_SECTION
    from docx.shared import Cm, Pt

    document = Document()
    _style(document, Pt)
    first = document.sections[0]
    first.page_height, first.page_width = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(first, side, Cm(2))
    _cover(document, book)
    _footer(first, book["footer"], book)
    document.add_page_break()
    document.add_heading(book["labels"]["contents"], level=1)
    for section in book["sections"]:
        document.add_paragraph(section["heading"]).paragraph_format.space_after = Pt(2)
    for section in book["sections"]:
        page = document.add_section(WD_SECTION.NEW_PAGE)
        _footer(page, section["footer"], book)
        _section(document, section, book)
    document.core_properties.title = book["title"]
    return _fixed(document, book)


def _style(document: Any, Pt: Any) -> None:
    from docx.oxml.ns import qn
    from docx.shared import RGBColor

    for name in ("Normal", "Heading 1", "Title"):
        style = document.styles[name]
        style.font.name = FONT
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
        if name != "Normal":
            style.font.color.rgb = RGBColor(0, 0, 0)  # printed in black, like the PDF
    document.styles["Normal"].font.size = Pt(10.5)


def _cover(document: Any, book: Book) -> None:
    document.add_heading(book["title"], level=0)
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in book["cover"]:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    _widths(table, LABEL_CM)


def _footer(section: Any, note: str, book: Book) -> None:
    section.footer.is_linked_to_previous = False
    from docx.shared import Pt

    paragraph = section.footer.paragraphs[0]
    paragraph.style.font.size = Pt(7.5)
    paragraph.text = note + ("　" if note else "")
    before, rest = book["labels"]["page"].split("{x}", 1)
    middle, after = rest.split("{y}", 1)
    paragraph.add_run(before)
    _field(paragraph, "PAGE")
    paragraph.add_run(middle)
    _field(paragraph, "NUMPAGES")
    paragraph.add_run(after)


def _field(paragraph: Any, code: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    for kind, text in (
        ("begin", None),
        (None, code),
        ("separate", None),
        (None, "1"),
        ("end", None),
    ):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == code:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {code} "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def _section(document: Any, section: Section, book: Book) -> None:
    document.add_heading(section["heading"], level=1)
    if section["subheading"]:
        document.add_paragraph(section["subheading"])
    if section["void"]:
        document.add_paragraph().add_run(
            f"{book['labels']['void']}　{book['labels']['void_reason']}"
            f"{book['labels']['colon']}{section['void']}"
        ).bold = True
    if section["rows"]:
        table = document.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for row in section["rows"]:
            cells = table.add_row().cells
            cells[0].text = row["label"]
            items = row["items"]
            cells[1].text = (
                "\n".join(f"{i}. {item}" for i, item in enumerate(items, 1))
                if items
                else row["text"]
            )
        _widths(table, LABEL_CM)
    for table in section["tables"]:
        _table(document, table)
    if section["signatures"]:
        document.add_paragraph()
        colon = book["labels"]["colon"]
        document.add_paragraph(
            "　　".join(f"{s}{colon}＿＿＿＿＿＿＿" for s in section["signatures"])
        )
        document.add_paragraph(
            "　　".join(
                f"{book['labels']['signed']}{colon}＿＿＿＿＿＿＿" for _ in section["signatures"]
            )
        )


def _widths(table: Any, label_cm: float) -> None:
    """Word reads each cell's width, LibreOffice the table's grid: both are set."""
    from docx.shared import Cm

    table.autofit = False
    for column, width in zip(table.columns, (label_cm, LINE_CM - label_cm), strict=True):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)


def _table(document: Any, table: Table) -> None:
    document.add_paragraph().add_run(table["title"]).bold = True
    if not table["rows"]:
        document.add_paragraph("—")
        return
    grid = document.add_table(rows=1, cols=len(table["header"]))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, table["header"], strict=True):
        cell.text = text
    for row in table["rows"]:
        for cell, text in zip(grid.add_row().cells, row, strict=True):
            cell.text = text


def _fixed(document: Any, book: Book) -> bytes:
    """The .docx with the commit's date in its properties and its zip entries: the same
    repository, the same bytes."""
    import datetime as dt

    y, mo, d, h, mi, s = book["date"]
    when = dt.datetime(y, mo, d, h, mi, s)
    document.core_properties.created = when
    document.core_properties.modified = when
    document.core_properties.last_printed = when
    raw = io.BytesIO()
    document.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(max(y, 1980), mo, d, h, mi, s))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()
