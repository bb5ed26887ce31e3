"""A problem found in a file: what `pw check` lists and what stops `pw log` from writing."""

from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    code: str
    severity: str
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


def has_errors(problems: list[Problem], strict: bool = False) -> bool:
    return any(p.severity == ERROR or strict for p in problems)
