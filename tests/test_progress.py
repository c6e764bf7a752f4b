"""Progress: a live count on a terminal, one line per step in a log, nothing when quiet."""

from __future__ import annotations

import io

from factsheets.progress import Progress


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
    assert [line.split(" (")[0] for line in lines] == ["pdf: 3 rendered", "publish"]
    assert all(line.endswith(" s)") for line in lines)
    assert "sheets" not in stream.getvalue()


def test_a_terminal_sees_the_count_rewritten_in_place():
    stream = io.StringIO()
    run_steps(Progress(stream, live=True))
    output = stream.getvalue()
    assert "\r\x1b[Ksheets 1/3" in output and "\r\x1b[Ksheets 3/3" in output
    assert "\r\x1b[Kpdf: 3 rendered (" in output


def test_quiet_prints_nothing_but_still_times_the_steps():
    stream = io.StringIO()
    progress = Progress(stream, quiet=True, live=True)
    run_steps(progress)
    assert stream.getvalue() == ""
    assert set(progress.timings) == {"pdf", "publish"}
