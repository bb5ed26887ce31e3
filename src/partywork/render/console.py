"""The one rich console pw draws tables with, and its one width policy. Renderers draw into a
string; the app decides where it goes."""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import RenderableType

# A pipe is read by programs: rows are not wrapped. A file (-o FILE.txt) is read in an editor.
PIPE_WIDTH, FILE_WIDTH = 1000, 100


def width(terminal: bool, file: bool = False) -> int:
    """COLUMNS when set (a user or a test asking for a width), else the terminal's, else the
    pipe's or the file's."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if terminal:
        return shutil.get_terminal_size().columns
    return FILE_WIDTH if file else PIPE_WIDTH


@dataclass(frozen=True)
class Cell:
    text: str
    style: str = ""  # "" or "red"


@dataclass(frozen=True)
class Grid:
    """A table without rules (pw's only kind): a bold title, a bold header, cells padded to their
    column. Laid out here when it fits the width, the way rich would lay it out; rich lays out
    one that must wrap. A quarter of a large branch has thousands of rows, which rich draws at
    a millisecond each (SPEC §11: the report's terminal table)."""

    title: str
    header: list[str]
    rows: list[list[Cell]]
    no_wrap: list[bool]


_ANSI = {"bold": "\x1b[1m", "red": "\x1b[31m"}


def _styled(text: str, style: str, color: bool) -> str:
    return f"{_ANSI[style]}{text}\x1b[0m" if color and style and text else text


def laid_out(grid: Grid, width: int, color: bool, no_color: bool = False) -> list[str] | None:
    """The grid's lines (trailing blanks dropped), or None when it is wider than `width`. On a
    terminal the header is bold, bad news red (not under NO_COLOR, as rich does it)."""
    from rich.cells import cell_len

    columns = len(grid.header)
    widths = [cell_len(h) for h in grid.header]
    lengths = [[cell_len(c.text) for c in row] for row in grid.rows]
    for sizes in lengths:
        widths = [max(w, n) for w, n in zip(widths, sizes, strict=True)]
    total = sum(widths) + columns + 1  # a blank before each column and after the last
    if total > width or cell_len(grid.title) > total:
        return None

    def line(cells: list[str], sizes: list[int], styles: list[str]) -> str:
        padded = [
            _styled(text, style, color) + " " * (w - n)
            for text, n, w, style in zip(cells, sizes, widths, styles, strict=True)
        ]
        return (" " + " ".join(padded)).rstrip()

    out = [_styled(grid.title, "bold", color)]
    out.append(line(grid.header, [cell_len(h) for h in grid.header], ["bold"] * columns))
    for cells, sizes in zip(grid.rows, lengths, strict=True):
        styles = ["" if no_color else c.style for c in cells]
        out.append(line([c.text for c in cells], sizes, styles))
    return out


def _rich_table(grid: Grid) -> RenderableType:
    from rich.table import Table
    from rich.text import Text

    table = Table(
        title=Text(grid.title, style="bold"),
        title_justify="left",
        box=None,
        show_edge=False,
        collapse_padding=True,
    )
    for name, no_wrap in zip(grid.header, grid.no_wrap, strict=True):
        table.add_column(name, no_wrap=no_wrap, overflow="fold")
    for row in grid.rows:
        # Text, not markup: a cell holding "[red]" is shown, not obeyed
        table.add_row(*(Text(c.text, style=c.style) for c in row))
    return table


def draw(renderables: Iterable[RenderableType | Grid], width: int, color: bool) -> str:
    """Renderables as text `width` cells wide; with colour, as a terminal shows them. Trailing
    blanks are dropped: rich pads every row to the table's width."""
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        highlight=False,
        force_terminal=color,
        no_color=None if color else True,
        color_system="standard" if color else None,
        soft_wrap=False,
        legacy_windows=False,
    )
    for item in renderables:
        lines = laid_out(item, width, color, console.no_color) if isinstance(item, Grid) else None
        if lines is not None:
            buffer.write("\n".join(lines) + "\n")
        else:
            console.print(_rich_table(item) if isinstance(item, Grid) else item)
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())
