"""Messages the core wants the user to see while it carries on (a recovered write, a skipped
file). The CLI decides where they go; by default, stderr."""

from __future__ import annotations

import sys


def _sink(text: str) -> None:
    return print(text, file=sys.stderr)


def warn(text: str) -> None:
    _sink(text)
