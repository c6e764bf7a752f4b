"""Problems found in an editor's files, reported as ``file:line:col: field: message``."""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _printable(text: str) -> str:
    """One problem, one line: a name or key with a line break must not start a fake problem line, and no
    control character or bidi override from a file may steer the terminal or the annotation."""
    return _UNPRINTABLE.sub(_escaped, text.replace("\r", "\\r").replace("\n", "\\n"))


def _escaped(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one file, at the place an editor has to change."""

    file: str
    line: int
    col: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{_printable(self.file)}:{self.line}:{self.col}: {self._text()}"

    def _text(self) -> str:
        text = f"{self.field}: {self.message}" if self.field else self.message
        return _printable(text)

    def as_github_annotation(self, level: str = "error") -> str:
        """The problem as a GitHub workflow command (``error`` or ``warning``), escaped as GitHub's toolkit does."""
        message = self._text().replace("%", "%25")
        file = _printable(self.file).replace("%", "%25").replace(":", "%3A").replace(",", "%2C")
        return f"::{level} file={file},line={self.line},col={self.col}::{message}"


class InvalidInput(Exception):
    """The portfolio's files have problems; nothing may be built from them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__(f"{len(self.problems)} problem(s)")


class BuildError(Exception):
    """The build cannot finish (a sheet that does not fit, a site MkDocs refuses); the message says why."""
