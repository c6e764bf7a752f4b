"""build.py diff BASE on a temporary git repository: what a change does to the portfolio."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from portfolios import FIXTURE_DATA, PROJECT, make_project

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
    edit(repo / "data/cards/atmp.yml", "total_meur: 2340", "total_meur: 2300")
    out = diff(repo)
    assert "### `atmp`: ATMP (Advanced Therapy Medicinal Products) I&amp;II" in out
    assert "| `budget.total_meur` | € 2.340 miljoen | € 2.300 miljoen |" in out


def test_an_added_card_and_a_removed_card(repo):
    shutil.copy(repo / "data/cards/atmp.yml", repo / "data/cards/atmp-iii.yml")
    (repo / "data/cards/precision-diagnostics.yml").unlink()
    out = diff(repo)
    assert "### Cards added\n\n- `atmp-iii`: ATMP (Advanced Therapy Medicinal Products) I&amp;II" in out
    assert "### Cards removed\n\n- `precision-diagnostics`: Precision Diagnostics Platform" in out


def test_a_missing_translation_is_listed(repo):
    edit(repo / "data/cards/infectieziekten.yml", "title:\n  nl: Infectieziekten\n  en: Infectious Diseases\n",
         "title:\n  nl: Infectieziekten\n")  # fmt: skip
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


# --- what reviewers see: build.py diff with --out, pictures, knock-on changes, escaping ----------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A git repository of a whole project (templates, content, the fixture's cards), committed once."""
    repo = make_project(tmp_path / "repo")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    return repo


def run_diff(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(PROJECT / "build.py"), "diff", *args, "--data", str(repo / "data")]
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    return subprocess.run(command, cwd=repo, capture_output=True, text=True, env=env, timeout=300)


def test_a_changed_year_is_shown_as_written_not_as_a_number(repo):
    edit(repo / "data/cards/atmp.yml", "end: 2035", "end: 2034")
    assert "| `timeline.end` | 2035 | 2034 |" in diff(repo)


def test_a_flagships_budget_moves_its_programmes_flagship_total(repo):
    edit(repo / "data/cards/atmp.yml", "total_meur: 2340", "total_meur: 2300")
    out = diff(repo)
    assert "### Knock-on changes" in out
    assert "- `biotech-nexus`: Biotech Nexus: Totaal van de flagships € 3.970 miljoen → € 3.930 miljoen" in out


def test_a_title_cannot_hide_or_forge_the_summary(repo):
    edit(repo / "data/cards/atmp.yml", "total_meur: 2340", "total_meur: 2300")
    hostile = "<!-- hidden | [link](javascript:x) `code` **bold**"
    title = "ATMP (Advanced Therapy Medicinal Products) I&II"
    edit(repo / "data/cards/atmp.yml", f"  nl: {title}", f"  nl: '{hostile} {title}'")
    heading = next(line for line in diff(repo).splitlines() if line.startswith("### `atmp`"))
    assert "<" not in heading and "&lt;" in heading
    assert "\\[link\\]" in heading and "\\`code\\`" in heading and "\\*\\*bold\\*\\*" in heading
    assert " \\| " in heading


def test_a_translation_that_did_not_follow_is_listed(repo):
    edit(repo / "data/cards/atmp.yml", "De focus ligt op clinical trials", "De focus ligt vooral op clinical trials")
    assert "- `atmp`: summary.en may be out of date: summary.nl changed" in diff(repo)


def test_a_translation_that_did_not_follow_is_a_warning_annotation_on_its_line(project):
    card = project / "data/cards/atmp.yml"
    edit(card, "De focus ligt op clinical trials", "De focus ligt vooral op clinical trials")
    result = run_diff(project, "HEAD", "--format", "github")
    assert result.returncode == 0, result.stderr
    lines = card.read_text().splitlines()
    summary_at = next(n for n, line in enumerate(lines, 1) if line.startswith("summary:"))
    en_line = next(n for n, line in enumerate(lines, 1) if n > summary_at and line.strip().startswith("en:"))
    [warning] = [line for line in result.stderr.splitlines() if line.startswith("::warning")]
    assert f",line={en_line}," in warning
    assert warning.endswith("::summary.en: summary.en may be out of date: summary.nl changed")


def test_without_base_the_merge_base_of_the_default_branch_is_used(project):
    git(project, "branch", "-M", "main")
    git(project, "checkout", "-qb", "edit")
    edit(project / "data/cards/atmp.yml", "total_meur: 2340", "total_meur: 2300")
    git(project, "commit", "-qam", "a committed change on the branch")
    result = run_diff(project)
    assert result.returncode == 0, result.stderr
    assert "| `budget.total_meur` | € 2.340 miljoen | € 2.300 miljoen |" in result.stdout  # not "no changes"


def test_an_unknown_base_is_a_clear_message_and_exit_1(project):
    result = run_diff(project, "no-such-branch")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "there is no git revision 'no-such-branch'" in result.stderr


def test_an_unreadable_card_still_gets_a_summary_and_exit_1(project):
    edit(project / "data/cards/atmp.yml", "total_meur: 2340", "total_meur: 2300")
    card = project / "data/cards/infectieziekten.yml"
    card.write_text(card.read_text() + "\n\tbroken: [\n")
    result = run_diff(project, "HEAD")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "€ 2.300 miljoen" in result.stdout
    assert "infectieziekten: this card cannot be read" in result.stderr


def test_out_writes_a_summary_with_before_and_after_pictures_of_the_changed_sheets(project, tmp_path):
    edit(project / "data/cards/atmp.yml", "total_meur: 2340", "total_meur: 2300")
    edit(project / "data/cards/atmp.yml", "end: 2035", "end: 2034")
    review = tmp_path / "review"
    result = run_diff(project, "HEAD", "--out", str(review))
    assert result.returncode == 0, result.stderr
    summary = (review / "summary.md").read_text()
    assert "| `budget.total_meur` | € 2.340 miljoen | € 2.300 miljoen |" in summary
    assert "| `timeline.end` | 2035 | 2034 |" in summary
    assert "€ 3.930 miljoen" in summary  # the programme's new flagship total
    changed = {"atmp", "biotech-nexus"}  # the flagship, and its programme whose sheet states the flagships' total
    pictures = sorted(path.name for path in review.glob("*.png"))
    assert pictures == sorted(
        f"{i}.{code}.{side}.png" for i in changed for code in ("nl", "en") for side in ("before", "after")
    )
    for name in pictures:
        assert f"]({name})" in summary
        assert (review / name).read_bytes().startswith(b"\x89PNG")
    assert "do not pass" not in summary


def test_a_new_card_has_only_an_after_picture_and_the_summary_links_the_published_preview(project, tmp_path):
    shutil.copy(project / "data/cards/atmp.yml", project / "data/cards/atmp-iii.yml")
    edit(project / "data/cards/atmp-iii.yml", "id: atmp", "id: atmp-iii")
    edit(project / "data/cards/atmp-iii.yml", "order: 2", "order: 4")  # a place of its own among its siblings
    review = tmp_path / "review"
    url = "https://example.github.io/repo/pr-preview/pr-7/"
    result = run_diff(project, "HEAD", "--out", str(review), "--preview-url", url)
    assert result.returncode == 0, result.stderr
    summary = (review / "summary.md").read_text()
    assert sorted(path.name for path in review.glob("atmp-iii.*")) == ["atmp-iii.en.after.png", "atmp-iii.nl.after.png"]
    assert summary.startswith(f"**Preview of this change:** {url}\n")
    picture = f"![ATMP (Advanced Therapy Medicinal Products) I&amp;II, after]({url}review/atmp-iii.nl.after.png)"
    assert f"| (new) | {picture} |" in summary
