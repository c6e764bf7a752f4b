"""Publishing: the manifest, atomic replacement of the output, reproducible bytes, paths kept inside."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from portfolios import FIXTURE_DATA

from factsheets import publish
from factsheets.problems import BuildError, InvalidInput
from factsheets.publish import build_site
from factsheets.render import inside
from factsheets.validate import load_portfolio

ROOT = Path(__file__).resolve().parent.parent


def tree_hashes(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def data(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURE_DATA, tmp_path / "data")
    return tmp_path / "data"


def build(data: Path, out: Path, cache: Path) -> None:
    build_site(load_portfolio(data, ROOT), ROOT, out, cache)


@pytest.fixture
def cache(tmp_path: Path, pdf_cache: Path) -> Path:
    """A copy of the session's PDF cache, so unchanged sheets are not rendered again."""
    return Path(shutil.copytree(pdf_cache, tmp_path / "cache"))


def test_the_manifest_lists_every_card_with_paths_that_exist(built_site):
    manifest = json.loads((built_site / "portfolio.json").read_text())
    assert manifest["languages"] == ["nl", "en"] and manifest["default_language"] == "nl"
    assert [card["id"] for card in manifest["cards"]] == ["biotech-nexus", "infectieziekten", "atmp",
                                                          "precision-diagnostics"]  # fmt: skip
    for card in manifest["cards"]:
        for code, urls in card["urls"].items():
            assert (built_site / urls["page"] / "index.html").is_file()
            assert (built_site / urls["pdf"]).is_file()
            assert urls["page"] == ("" if code == "nl" else "en/") + f"projecten/{card['id']}/"
    assert all((built_site / path).is_file() for path in manifest["booklet"].values())


def test_two_builds_give_byte_identical_trees(data, cache, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build(data, tmp_path / "one", cache)
    build(data, tmp_path / "two", tmp_path / "cache-two")  # a fresh cache: every PDF rendered again
    one, two = tree_hashes(tmp_path / "one"), tree_hashes(tmp_path / "two")
    assert one.keys() == two.keys()
    assert [name for name in one if one[name] != two[name]] == []
    assert {"sitemap.xml", "search/search_index.json", "portfolio.json", "pdf/atmp.nl.pdf"} <= one.keys()


def test_a_broken_card_during_a_rebuild_leaves_the_previous_output_unchanged(data, cache, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    out = tmp_path / "site"
    build(data, out, cache)
    before = tree_hashes(out)
    card = data / "cards" / "atmp.yml"
    card.write_text(card.read_text().replace("total_meur: 2250", "total_meur: veel"))
    with pytest.raises(InvalidInput):
        build(data, out, cache)
    assert tree_hashes(out) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cache", "data", "site"]


def test_an_interrupted_build_keeps_the_old_output_and_leaves_no_temporary_folder(data, cache, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    out = tmp_path / "site"
    build(data, out, cache)
    before = tree_hashes(out)

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(publish.PdfBuild, "finish", interrupted)  # Ctrl-C after MkDocs wrote the new site
    with pytest.raises(KeyboardInterrupt):
        build(data, out, cache)
    assert tree_hashes(out) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cache", "data", "site"]


def test_a_failed_first_build_creates_no_output(data, tmp_path, monkeypatch):
    def failing(*args: object, **kwargs: object) -> None:
        raise BuildError("a sheet does not fit")

    monkeypatch.setattr(publish.PdfBuild, "finish", failing)
    with pytest.raises(BuildError):
        build(data, tmp_path / "site", tmp_path / "cache")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cache", "data"]  # no site, no staging folder


@pytest.mark.parametrize("path", ["../outside.pdf", "/etc/passwd", "pdf/../../x"])
def test_paths_that_leave_the_output_are_refused(tmp_path, path):
    with pytest.raises(BuildError, match="outside the output folder"):
        inside(tmp_path, path)


def test_paths_inside_the_output_are_allowed(tmp_path):
    assert inside(tmp_path, "pdf/atmp.nl.pdf") == (tmp_path / "pdf" / "atmp.nl.pdf").resolve()


def test_a_rebuild_with_nothing_changed_reuses_mkdocs_output_and_every_pdf(data, cache, tmp_path, monkeypatch):
    import io

    from factsheets.progress import Progress

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build(data, tmp_path / "first", cache)
    stream = io.StringIO()
    build_site(load_portfolio(data, ROOT), ROOT, tmp_path / "second", cache, Progress(stream, live=False))
    log = stream.getvalue()
    assert "mkdocs: unchanged, reused" in log
    assert "pdf: 0 rendered, 12 from the cache" in log
    assert tree_hashes(tmp_path / "first") == tree_hashes(tmp_path / "second")


@pytest.mark.parametrize("where", ["root", "parent", "foreign"])
def test_an_output_folder_that_is_not_a_site_is_never_replaced(data, tmp_path, where):
    foreign = tmp_path / "notes"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("precious")
    out = {"root": ROOT, "parent": ROOT.parent, "foreign": foreign}[where]
    with pytest.raises(BuildError, match="refusing to replace"):
        build_site(load_portfolio(data, ROOT), ROOT, out, tmp_path / "cache")
    assert (foreign / "notes.txt").read_text() == "precious"
    assert (ROOT / "data" / "site.yml").is_file()


def test_the_csv_keeps_every_digit_of_a_budget(data):
    from factsheets.publish import comparison_csv

    card = data / "cards" / "precision-diagnostics.yml"
    card.write_text(card.read_text().replace("total_meur: 460", "total_meur: 460.75"))
    rows = comparison_csv(load_portfolio(data, ROOT)).splitlines()
    assert any(row.startswith("precision-diagnostics,") and ",460.75," in row for row in rows)
