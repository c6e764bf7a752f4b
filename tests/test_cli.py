"""factsheets.cli through ``python build.py check``: exit codes and the lines editors and CI read."""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from portfolios import FIXTURE_DATA

ROOT = Path(__file__).resolve().parent.parent
PROBLEM_LINE = re.compile(r"^(?P<file>[^\n]+?):(?P<line>\d+):(?P<col>\d+): (?P<rest>.+)$")
SUMMARY_LINE = re.compile(r"^\d+ problem\(s\) found; nothing was built\.$")


def check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "build.py", "check", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of the fixture portfolio's data/ folder, to break."""
    return Path(shutil.copytree(FIXTURE_DATA, tmp_path / "data"))


def card_path(data: Path, name: str = "infectieziekten.yml") -> Path:
    return data / "cards" / name


def shown(path: Path) -> str:
    """How the command names a file outside the project: its full path."""
    return path.resolve().as_posix()


def break_budget(data: Path) -> tuple[Path, int]:
    """Make infectieziekten's budget text; returns the file and the budget's line."""
    path = card_path(data)
    text = path.read_text(encoding="utf-8")
    assert text.count("total_meur: 1150\n") == 1
    path.write_text(text.replace("total_meur: 1150\n", "total_meur: veel\n"), encoding="utf-8")
    row = text[: text.index("total_meur: 1150")].count("\n") + 1
    return path, row


def assert_reported_cleanly(result: subprocess.CompletedProcess[str]) -> list[str]:
    """Exit 1, nothing on stdout, problem lines and a summary on stderr, no traceback; the problem lines."""
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines, "no problems were printed"
    assert SUMMARY_LINE.match(lines[-1]), lines[-1]
    assert lines[-1].startswith(f"{len(lines) - 1} problem(s)")
    for line in lines[:-1]:
        assert PROBLEM_LINE.match(line), line
    return lines[:-1]


def test_check_on_valid_data_passes_with_a_one_line_summary(data_copy):
    result = check("--data", str(data_copy))
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    assert result.stdout.splitlines() == ["4 cards valid (1 programme(s), 3 flagship(s)) in 2 languages: nl, en"]


def test_a_broken_card_gives_exit_1_and_file_line_col_field_message(data_copy):
    path, row = break_budget(data_copy)
    lines = assert_reported_cleanly(check("--data", str(data_copy)))
    assert lines == [f"{shown(path)}:{row}:15: budget.total_meur: expected a number, got 'veel'"]


def test_github_format_gives_annotations(data_copy):
    path, row = break_budget(data_copy)
    result = check("--data", str(data_copy), "--format", "github")
    assert "Traceback" not in result.stderr
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"::error file={shown(path)},line={row},col=15::budget.total_meur: expected a number, got 'veel'",
        "1 problem(s) found; nothing was built.",
    ]


def test_every_problem_in_every_file_is_reported_in_one_run(data_copy):
    break_budget(data_copy)
    atmp = card_path(data_copy, "atmp.yml")
    atmp.write_text(atmp.read_text(encoding="utf-8").replace("market: partly_operational", "market: deels"), "utf-8")
    (data_copy / "cards" / "stray.yaml").write_text("id: stray\n", encoding="utf-8")
    lines = assert_reported_cleanly(check("--data", str(data_copy)))
    files = [PROBLEM_LINE.match(line)["file"] for line in lines]
    assert [Path(f).name for f in files] == ["atmp.yml", "infectieziekten.yml", "stray.yaml"]


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(random.Random(0).randbytes(4096), id="random-bytes"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, id="png-like"),
        pytest.param(b"id: x\n" + b"y" * 1_000_000, id="one-megabyte"),
        pytest.param(b"\xff\xfei\x00d\x00:\x00", id="utf-16"),
        pytest.param(b"", id="empty"),
        pytest.param(b"!!python/object/apply:os.system ['echo owned']\n", id="python-tag"),
        pytest.param(b'a: &a ["x","x"]\nb: &b [*a,*a]\nc: [*b,*b]\n', id="aliases"),
    ],
)
def test_a_hostile_file_gives_exit_1_without_a_traceback(data_copy, content):
    card_path(data_copy).write_bytes(content)
    lines = assert_reported_cleanly(check("--data", str(data_copy)))
    assert any(line.startswith(shown(card_path(data_copy)) + ":") for line in lines)


def test_control_character_garbage_gives_exit_1_without_a_traceback(data_copy):
    card_path(data_copy).write_bytes(bytes(range(32)) * 64)
    assert_reported_cleanly(check("--data", str(data_copy)))


def test_deep_nesting_gives_exit_1_without_a_traceback(data_copy):
    card_path(data_copy).write_bytes(b"[" * 50_000)
    assert_reported_cleanly(check("--data", str(data_copy)))


def test_a_key_with_a_line_break_stays_on_one_line(data_copy):
    path = card_path(data_copy)
    path.write_text(path.read_text(encoding="utf-8") + '"x\\ndata/cards/fake.yml:1:1: y": 1\n', encoding="utf-8")
    lines = assert_reported_cleanly(check("--data", str(data_copy)))
    assert len(lines) == 1


def test_github_annotations_escape_the_file_name(data_copy):
    (data_copy / "cards" / "a,b.yaml").write_text("id: x\n", encoding="utf-8")
    result = check("--data", str(data_copy), "--format", "github")
    assert result.returncode == 1
    folder = shown(data_copy / "cards").replace(":", "%3A").replace(",", "%2C")
    assert result.stderr.splitlines()[0].startswith(f"::error file={folder}/a%2Cb.yaml,line=1,col=1::")


def test_a_missing_data_folder_gives_exit_1_without_a_traceback(tmp_path):
    assert_reported_cleanly(check("--data", str(tmp_path / "nowhere")))


def build(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "build.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize(
    "address",
    ["https://portfolio.example.org/", "http://localhost:8000/", "https://www.example.com/x/", "http://127.0.0.1/"],
)
def test_a_build_for_publication_refuses_a_placeholder_address(data_copy, tmp_path, address):
    result = build("--data", str(data_copy), "--out", str(tmp_path / "site"), "--publish", "--base-url", address)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{address} is a placeholder address" in result.stderr
    assert not (tmp_path / "site").exists()


def test_a_base_url_that_is_not_a_web_address_is_refused(data_copy, tmp_path):
    result = build("--data", str(data_copy), "--out", str(tmp_path / "site"), "--base-url", "portfolio.nl")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "--base-url portfolio.nl: expected a web address" in result.stderr


def test_the_address_gets_its_trailing_slash_wherever_it_is_set(data_copy):
    from factsheets.address import with_address
    from factsheets.validate import load_portfolio

    settings = data_copy / "site.yml"
    settings.write_text(
        settings.read_text().replace("base_url: https://portfolio.example.org/", "base_url: https://a.nl/p")
    )
    portfolio = load_portfolio(data_copy, data_copy.parent)
    assert portfolio.settings.base_url == "https://a.nl/p/"
    assert with_address(portfolio, "https://b.nl/pr-7").settings.base_url == "https://b.nl/pr-7/"
    assert with_address(portfolio, None).settings.base_url == "https://a.nl/p/"
