"""Reading a PDF page the way a reader sees it: the text runs with their position and size (pypdf),
and the ink (pdftoppm's grey picture). Shared by the sheet layout and booklet tests."""

from __future__ import annotations

import io
import subprocess
from dataclasses import dataclass
from functools import cached_property

from pypdf import PdfReader

MM = 72 / 25.4  # points per millimetre
PAGE_W, PAGE_H = 297 * MM, 210 * MM  # A4 landscape
DPI = 72  # one pixel a point in the pictures
NORMAL_PT = 8.9  # print.css: a sheet's body text at fit level 0, before any tightening


@dataclass(frozen=True)
class Run:
    """A piece of text as drawn: its content, where its baseline starts (points from the top left), its size."""

    text: str
    x: float
    y: float
    size: float


@dataclass
class Sheet:
    """The first page of a PDF."""

    pdf: bytes

    @cached_property
    def reader(self) -> PdfReader:
        return PdfReader(io.BytesIO(self.pdf))

    @cached_property
    def runs(self) -> list[Run]:
        runs: list[Run] = []

        def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
            if not text.strip():
                return
            *_, c, d, e, f = _multiply(tm, cm)
            runs.append(Run(text.strip(), e, PAGE_H - f, size * (c * c + d * d) ** 0.5))

        self.reader.pages[0].extract_text(visitor_text=visit)
        assert runs, "no text found: the visitor is broken"
        return runs

    @cached_property
    def text(self) -> str:
        return " ".join(self.reader.pages[0].extract_text().replace("\xa0", " ").split())

    @cached_property
    def ink(self) -> list[list[bool]]:
        """The page as pdftoppm prints it in grey at 72 dpi: True where a pixel is not white."""
        grey = subprocess.run(
            ["pdftoppm", "-gray", "-r", str(DPI), "-f", "1", "-l", "1", "-singlefile", "-"],
            input=self.pdf,
            capture_output=True,
            check=True,
        ).stdout
        magic, width, height, maximum, pixels = grey.split(maxsplit=4)
        assert magic == b"P5" and maximum == b"255"
        w, h = int(width), int(height)
        return [[pixels[row * w + col] < 245 for col in range(w)] for row in range(h)]

    def size_of(self, phrase: str) -> float:
        return next(run.size for run in self.runs if phrase in run.text)

    def baseline_of(self, phrase: str) -> float:
        return next(run.y for run in self.runs if phrase in run.text)


def _multiply(m: list[float], n: list[float]) -> tuple[float, ...]:
    """The PDF matrix product m x n, both as [a b c d e f]."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )
