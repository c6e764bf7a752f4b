"""Where a long build is: the current step and its count, and how long each step took.

On a terminal the count is rewritten in place (``sheets 37/800``); elsewhere
(CI logs) each step prints one line when it ends. ``quiet`` prints nothing.
The timings feed the benchmark table under the steps' own names; the editor
reads each step's name in their language (``progress.<name>`` in the catalogue).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from .messages import message


class Progress:
    def __init__(self, stream: TextIO | None = None, *, quiet: bool = False, live: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.live = self.stream.isatty() if live is None else live
        self.timings: dict[str, float] = {}
        self._notes: dict[str, str] = {}

    @classmethod
    def silent(cls) -> Progress:
        return cls(quiet=True, live=False)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Time the block as step ``name`` and report it when it ends."""
        started = time.perf_counter()
        yield
        elapsed = time.perf_counter() - started
        self.timings[name] = self.timings.get(name, 0.0) + elapsed
        note = self._notes.pop(name, "")
        self._print(f"{_shown(name)}{': ' + note if note else ''} ({elapsed:.1f} s)", end="\n")

    def count(self, name: str, done: int, total: int) -> None:
        """``done`` of ``total`` items of a step; shown live on a terminal only."""
        if self.live:
            self._print(f"{_shown(name)} {done}/{total}", end="")

    def note(self, name: str, text: str) -> None:
        """A summary (a catalogue text) printed with the step's closing line, e.g. ``12 rendered, 788 cached``."""
        self._notes[name] = text

    def _print(self, text: str, end: str) -> None:
        if self.quiet:
            return
        if self.live:
            self.stream.write(f"\r\x1b[K{text}{end}")
        else:
            if not end:
                return  # counts are for terminals; a log gets the closing line only
            self.stream.write(f"{text}{end}")
        self.stream.flush()


def _shown(name: str) -> str:
    """A step's name as the editor reads it: ``weasyprint wait`` is ``progress.weasyprint_wait``."""
    return message("progress." + name.replace(" ", "_"))
