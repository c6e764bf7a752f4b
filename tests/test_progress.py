"""Progress: a live count on a terminal, one line per step in a log, nothing when quiet."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from factsheets.messages import catalogue, speaking
from factsheets.progress import Progress

ROOT = Path(__file__).resolve().parent.parent


def run_steps(progress: Progress) -> None:
    with progress.step("pdf"):
        for done in range(1, 4):
            progress.count("sheets", done, 3)
        progress.note("pdf", "3 rendered")
    with progress.step("publish"):
        pass


def test_a_log_gets_one_line_per_step_and_no_counts():
    stream = io.StringIO()
    run_steps(Progress(stream, live=False))
    lines = stream.getvalue().splitlines()
    assert [line.split(" (")[0] for line in lines] == ["making the PDFs: 3 rendered", "publishing"]
    assert all(line.endswith(" s)") for line in lines)
    assert "sheets" not in stream.getvalue()


@pytest.mark.parametrize(
    ("lang", "pdf", "sheets"), [("nl", "PDF's maken", "factsheets"), ("en", "making the PDFs", "sheets")]
)
def test_the_steps_are_named_in_the_editors_language_and_timed_under_their_own_names(lang, pdf, sheets):
    stream = io.StringIO()
    progress = Progress(stream, live=True)
    with speaking(lang):
        run_steps(progress)
    assert f"\r\x1b[K{sheets} 3/3" in stream.getvalue()
    assert f"\r\x1b[K{pdf}: 3 rendered (" in stream.getvalue()
    assert set(progress.timings) == {"pdf", "publish"}


def test_every_step_the_build_names_is_in_both_catalogues():
    code = "".join(path.read_text(encoding="utf-8") for path in (ROOT / "factsheets").glob("*.py"))
    steps = set(re.findall(r"progress\.(?:step|count)\(\"([^\"]+)\"", code))
    assert {"load", "validate", "render", "mkdocs", "pdf", "sheets", "publish"} <= steps
    for lang in ("nl", "en"):
        assert all(catalogue(lang).get("progress." + step.replace(" ", "_")) for step in steps), lang


def test_a_terminal_sees_the_count_rewritten_in_place():
    stream = io.StringIO()
    run_steps(Progress(stream, live=True))
    output = stream.getvalue()
    assert "\r\x1b[Ksheets 1/3" in output and "\r\x1b[Ksheets 3/3" in output
    assert "\r\x1b[Kmaking the PDFs: 3 rendered (" in output


def test_quiet_prints_nothing_but_still_times_the_steps():
    stream = io.StringIO()
    progress = Progress(stream, quiet=True, live=True)
    run_steps(progress)
    assert stream.getvalue() == ""
    assert set(progress.timings) == {"pdf", "publish"}
