"""Rebuilds render only the pages a change touches, and give the same bytes as a clean build.

Each build here is of the three-domain portfolio in a project folder of the test's own. The "clean"
build to compare with has an empty MkDocs cache; its sheets come from a copy of the same sheet cache
(sheets are cached by their contents, and tests/test_publish.py tests that cache on its own).
"""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path

import pytest
from conftest import EPOCH, three_domain_project
from test_publish import edit, tree_hashes

from factsheets.publish import build_site
from factsheets.validate import load_portfolio


def build(project: Path, out: Path, cache: Path, caplog: pytest.LogCaptureFixture) -> dict[str, int]:
    """Build, and return how many pages MkDocs read and wrote anew and how many it took from the cache."""
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="factsheets.pagecache"):
        build_site(load_portfolio(project / "data", project), project, out, cache)
    (counts,) = [record.getMessage() for record in caplog.records if record.getMessage().startswith("mkdocs pages")]
    return {name: int(number) for name, number in re.findall(r"'(\w+)': (\d+)", counts)}


def clean_build(project: Path, out: Path, cache: Path, caplog: pytest.LogCaptureFixture) -> dict[str, int]:
    fresh = out.parent / f"{out.name}-cache"
    shutil.copytree(cache / "sheets", fresh / "sheets")
    return build(project, out, fresh, caplog)


@pytest.fixture
def project(tmp_path: Path, built_site: Path, pdf_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The three-domain project, with a copy of the sheets of the session's build of it (``built_site``)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    shutil.copytree(pdf_cache, tmp_path / "cache")
    return three_domain_project(tmp_path / "project")


def test_a_one_card_edit_renders_its_pages_and_the_listings_again_and_gives_a_clean_builds_bytes(
    project, tmp_path, caplog
):
    out, cache = tmp_path / "site", tmp_path / "cache"
    first = build(project, out, cache, caplog)
    assert first["reread"] == first["rewritten"] == 0

    edit(project / "data" / "cards" / "alpha-grid.yml", "Hospitals that manage", "Hospitals that jointly manage")
    again = build(project, out, cache, caplog)
    # Only the pages whose source changed: its English page (listings show no summaries), nothing in Dutch.
    assert again["read"] == 1, again
    assert again["written"] == again["read"], again
    assert again["rewritten"] == first["written"] - again["written"], again

    clean = clean_build(project, tmp_path / "clean", cache, caplog)
    assert clean["reread"] == clean["rewritten"] == 0
    assert tree_hashes(out) == tree_hashes(tmp_path / "clean")
    assert "Hospitals that jointly manage" in (out / "en" / "projecten" / "alpha-grid" / "index.html").read_text()


def test_a_new_title_changes_the_navigation_and_every_page_is_written_again(project, tmp_path, caplog):
    out, cache = tmp_path / "site", tmp_path / "cache"
    first = build(project, out, cache, caplog)

    edit(project / "data" / "cards" / "alpha-grid.yml", "title:\n  nl: Slim stroomnet\n  en: Smart Grid\n",
         "title:\n  nl: Slimmer stroomnet\n  en: Smarter Grid\n")  # fmt: skip
    again = build(project, out, cache, caplog)
    assert again["written"] == first["written"] and again["rewritten"] == 0, again
    assert again["reread"] > 0, again  # pages whose source is the same are still not read again

    clean_build(project, tmp_path / "clean", cache, caplog)
    assert tree_hashes(out) == tree_hashes(tmp_path / "clean")
    for page in (tmp_path / "clean" / "en").rglob("*.html"):
        if "admin" not in page.relative_to(tmp_path / "clean").parts:  # the form editor's page has no navigation
            assert "Smarter Grid" in page.read_text(), page  # in every page's navigation
