"""build.py diff BASE on a temporary git repository: what a change does to the portfolio."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from portfolios import FIXTURE_DATA

from factsheets.diff import portfolio_diff
from factsheets.problems import BuildError

ROOT = Path(__file__).resolve().parent.parent


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args], cwd=repo,
                   check=True, capture_output=True)  # fmt: skip


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURE_DATA, tmp_path / "data")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "base")
    return tmp_path


def diff(repo: Path) -> str:
    return portfolio_diff(repo, repo / "data", "HEAD")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_nothing_changed(repo):
    assert diff(repo) == "No changes to the portfolio against `HEAD`.\n"


def test_a_changed_budget_shows_old_and_new_amounts(repo):
    edit(repo / "data/cards/atmp.yml", "total_meur: 2250", "total_meur: 2300")
    out = diff(repo)
    assert "### `atmp`: ATMP (Advanced Therapy Medicinal Products) I&II" in out
    assert "| `budget.total_meur` | € 2.250 miljoen | € 2.300 miljoen |" in out


def test_an_added_card_and_a_removed_card(repo):
    shutil.copy(repo / "data/cards/atmp.yml", repo / "data/cards/atmp-iii.yml")
    (repo / "data/cards/precision-diagnostics.yml").unlink()
    out = diff(repo)
    assert "### Cards added\n\n- `atmp-iii`: ATMP (Advanced Therapy Medicinal Products) I&II" in out
    assert "### Cards removed\n\n- `precision-diagnostics`: Precision Diagnostics Platform" in out


def test_a_missing_translation_is_listed(repo):
    edit(repo / "data/cards/infectieziekten.yml", "title: {nl: Infectieziekten, en: Infectious Diseases}",
         "title: {nl: Infectieziekten}")  # fmt: skip
    out = diff(repo)
    assert "### Missing translations\n\n- `infectieziekten`: `title.en`" in out
    assert "| `title.en` | Infectious Diseases | (none) |" in out


def test_a_long_text_is_shown_as_a_word_level_change(repo):
    edit(repo / "data/cards/atmp.yml", "De focus ligt op clinical trials", "De focus ligt vooral op clinical trials")
    out = diff(repo)
    row = next(line for line in out.splitlines() if line.startswith("| `summary.nl`"))
    assert "**vooral**" in row
    assert len(row) < 300  # a few words of context, not the whole text twice


def test_an_unknown_revision_is_a_clear_error(repo):
    with pytest.raises(BuildError, match="nonexistent"):
        portfolio_diff(repo, repo / "data", "nonexistent")


def test_a_data_folder_outside_the_repository_is_a_clear_error(repo, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere")
    with pytest.raises(BuildError, match="not inside the repository"):
        portfolio_diff(repo, outside, "HEAD")
