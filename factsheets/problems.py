"""Problems found in an editor's files, reported as ``file:line:col: field: message``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one file, at the place an editor has to change."""

    file: str
    line: int
    col: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.col}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"

    def as_github_annotation(self) -> str:
        text = f"{self.field}: {self.message}" if self.field else self.message
        # Workflow commands end at a newline and treat % specially.
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::error file={self.file},line={self.line},col={self.col}::{text}"


class InvalidInput(Exception):
    """The portfolio's files have problems; nothing may be built from them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__(f"{len(self.problems)} problem(s)")


class BuildError(Exception):
    """The build cannot finish (a sheet that does not fit, a site MkDocs refuses); the message says why."""
