"""Messages the core wants the user to see while it carries on (a recovered write, a skipped
file). The CLI decides where they go; by default, stderr."""
from __future__ import annotations

import sys
from typing import Callable

_sink: Callable[[str], None] = lambda text: print(text, file=sys.stderr)


def set_sink(sink: Callable[[str], None]) -> None:
    global _sink
    _sink = sink


def warn(text: str) -> None:
    _sink(text)
