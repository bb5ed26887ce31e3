"""pw binder: the printable 台账 of a period, as PDF or Word."""

from pathlib import Path

import typer

from partywork.app.common import err, open_repo
from partywork.app.main import app

WRITERS = (".pdf", ".docx")


@app.command("binder")
def binder(
    ctx: typer.Context,
    period: str | None = typer.Argument(
        None, help="2026, 2026Q3, 2026-08, this, last (default: the current year)."
    ),
    output: Path = typer.Option(
        ..., "-o", "--output", help="The file to write: .pdf, or .docx for Word."
    ),
) -> None:
    """The printable record book (台账) of a period, as PDF or Word."""
    from partywork.analysis.binder import gather
    from partywork.app.reports import _check_output
    from partywork.errors import UsageError
    from partywork.i18n import lang, t
    from partywork.render.binder.book import book
    from partywork.storage.fsutil import write_atomic

    suffix = output.suffix.lower()
    if suffix not in WRITERS:
        known = " ".join(WRITERS)
        raise UsageError(
            t("output.bad_extension", path=output, extensions=known),
            t("binder.extension.hint", extensions=known),
        )
    _check_output(ctx, output)
    today_given = ctx.find_root().params.get("today") is not None
    laid_out = book(gather(open_repo(ctx.obj), period, today_given), lang())
    if suffix == ".pdf":
        from partywork.render.binder.pdf import pdf

        data = pdf(laid_out)
    else:
        from partywork.render.binder.word import docx

        data = docx(laid_out)
    write_atomic(output, data, label=str(output))
    err(t("binder.written", path=output, records=len(laid_out["sections"]) - 2))
