"""The binder as a PDF, compiled by Typst (the `typst` package: the compiler is in the wheel).

Why Typst and not WeasyPrint, ReportLab or fpdf2: README "The printable binder". The PDF's dates
are the commit's (book["date"]) and Typst writes nothing else that changes between runs, so the
same repository gives the same bytes."""

from __future__ import annotations

import json
from pathlib import Path

from partywork.errors import ConfigError
from partywork.i18n import t
from partywork.render.binder.book import Book

TEMPLATE = Path(__file__).with_name("binder.typ")
# where Debian's fonts-noto-cjk puts them; Typst also searches the system's font folders
FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/opentype/noto-cjk")
CJK_FAMILIES = (
    "Noto Serif CJK SC",
    "Noto Sans CJK SC",
    "Source Han Serif SC",
    "Source Han Sans SC",
)


def pdf(book: Book) -> bytes:
    import typst

    font_paths = [d for d in FONT_DIRS if Path(d).is_dir()]
    data = json.dumps(book, ensure_ascii=False)
    try:
        # scanning every system font costs most of a second; Debian's Noto CJK folder is enough
        output, warnings = typst.compile_with_warnings(
            str(TEMPLATE),
            font_paths=font_paths,
            ignore_system_fonts=bool(font_paths),
            sys_inputs={"book": data},
        )
    except typst.TypstError as error:  # a fault of the template, never of the records' text
        raise ConfigError(t("binder.typst_failed", detail=str(error).strip()[:500])) from None
    _require_cjk_font(warnings)
    assert isinstance(output, bytes)
    return output


def _require_cjk_font(warnings: list) -> None:
    """Without a CJK font Typst draws empty boxes and only warns: a binder of blanks is refused."""
    unknown = [str(w).lower() for w in warnings if "unknown font family" in str(w).lower()]
    missing = [f for f in CJK_FAMILIES if any(f.lower() in m for m in unknown)]
    if len(missing) == len(CJK_FAMILIES):
        raise ConfigError(t("binder.no_font"), t("binder.no_font.hint"))
