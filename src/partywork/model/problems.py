"""A problem found in a file: what `pw check` lists and what stops `pw log` from writing."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

# How bad a problem or an audit finding is. Plain strings, as the JSON output spells them.
Severity = Literal["error", "warning", "info"]
ERROR: Severity = "error"
WARNING: Severity = "warning"
INFO: Severity = "info"
SEVERITIES: tuple[Severity, ...] = (ERROR, WARNING, INFO)  # the worst first


_RANK: dict[str, int] = {severity: rank for rank, severity in enumerate(SEVERITIES)}


def severity_rank(severity: str) -> int:
    """Where a severity sorts: errors first, then warnings, then information, then anything else."""
    return _RANK.get(severity, len(SEVERITIES))


@dataclass(frozen=True)
class Problem:
    code: str
    severity: Severity
    file: str
    line: int
    column: int
    message: str
    hint: str = ""

    def as_json(self) -> dict:
        return asdict(self)

    def render(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        return f"{where}: {self.code} {self.message}"
