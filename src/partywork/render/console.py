"""The one rich console pw draws tables with, and its one width policy. Renderers draw into a
string; the app decides where it goes."""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterable
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


def draw(renderables: Iterable[RenderableType], width: int, color: bool) -> str:
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
        console.print(item)
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())
