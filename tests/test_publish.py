"""Publishing: the manifest, atomic replacement of the output, reproducible bytes, paths kept inside, the caches.

Every build here is of the three-domain portfolio (tests/fixtures/three-domains) in a project folder of
the test's own, into its temporary folder, with a cache of its own: a copy of the session's cache, so
unchanged sheets are not rendered again.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from pathlib import Path

import pytest
from conftest import EPOCH, money, three_domain_project
from pypdf import PdfReader

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
    """The data folder of a project folder (templates, content, mkdocs.yml) made for this test."""
    return three_domain_project(tmp_path / "project") / "data"


def documents_rendered_by_a_build(data: Path) -> int:
    """Every sheet in every language, and each language's booklet cover and closing page."""
    return (len(list((data / "cards").glob("*.yml"))) + 2) * len(load_portfolio(data, ROOT).languages)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path.name} any more"
    path.write_text(text.replace(old, new), encoding="utf-8")


def build(data: Path, out: Path, cache: Path) -> None:
    build_site(load_portfolio(data, data.parent), data.parent, out, cache)


@pytest.fixture
def cache(tmp_path: Path, pdf_cache: Path) -> Path:
    """A copy of the session's PDF cache, so unchanged sheets are not rendered again."""
    return Path(shutil.copytree(pdf_cache, tmp_path / "cache"))


def test_the_manifest_lists_every_card_with_paths_that_exist(built_site):
    manifest = json.loads((built_site / "portfolio.json").read_text())
    assert manifest["languages"] == ["nl", "en"] and manifest["default_language"] == "nl"
    assert [card["id"] for card in manifest["cards"]] == ["alpha", "alpha-vaccines", "alpha-grid", "beta",
                                                          "beta-delta"]  # programme order  # fmt: skip
    for card in manifest["cards"]:
        for code, urls in card["urls"].items():
            assert (built_site / urls["page"] / "index.html").is_file()
            assert (built_site / urls["pdf"]).is_file()
            assert urls["page"] == ("" if code == "nl" else "en/") + f"projecten/{card['id']}/"
    assert all((built_site / path).is_file() for path in manifest["booklet"].values())


def test_two_builds_give_byte_identical_trees(data, cache, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    build(data, tmp_path / "one", cache)
    build(data, tmp_path / "two", tmp_path / "cache-two")  # a fresh cache: every PDF rendered again
    one, two = tree_hashes(tmp_path / "one"), tree_hashes(tmp_path / "two")
    assert one.keys() == two.keys()
    assert [name for name in one if one[name] != two[name]] == []
    assert {"sitemap.xml", "search/search_index.json", "portfolio.json", "pdf/alpha-grid.nl.pdf"} <= one.keys()


def test_an_invalid_card_during_a_rebuild_leaves_the_previous_output_unchanged(data, cache, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    out = tmp_path / "site"
    build(data, out, cache)
    before = tree_hashes(out)
    edit(data / "cards" / "alpha-vaccines.yml", "total_meur: 300", "total_meur: veel")
    with pytest.raises(InvalidInput):
        build(data, out, cache)
    assert tree_hashes(out) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cache", "project", "site"]


def built_then_retitled(data: Path, cache: Path, tmp_path: Path) -> tuple[Path, dict]:
    """A built site and its files' hashes, then a card's title changed: every page's menu will differ."""
    out = tmp_path / "site"
    build(data, out, cache)
    before = tree_hashes(out)
    edit(
        data / "cards" / "beta.yml",
        "  nl: Bètaprogramma\n  en: Beta Programme\n",
        "  nl: Nieuwe titel\n  en: New Title\n",
    )
    return out, before


def test_a_sheet_that_fails_after_the_site_was_built_leaves_the_previous_output_unchanged(
    data, cache, tmp_path, monkeypatch
):
    # Valid cards whose pages MkDocs builds, then one sheet overflows: the new pages exist by then,
    # so a build that wrote into the output folder itself would leave them there.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    out, before = built_then_retitled(data, cache, tmp_path)
    edit(data / "cards" / "beta-delta.yml", "en: A trial in the delta.", "en: " + "A trial in the delta. " * 600)
    with pytest.raises(BuildError, match="beta-delta"):
        build(data, out, cache)
    assert tree_hashes(out) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cache", "project", "site"]


def test_an_interrupted_build_keeps_the_old_output_and_leaves_no_temporary_folder(data, cache, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    # The interrupted build's MkDocs writes pages that differ from the published ones.
    out, before = built_then_retitled(data, cache, tmp_path)

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(publish.PdfBuild, "finish", interrupted)  # Ctrl-C after MkDocs wrote the new site
    with pytest.raises(KeyboardInterrupt):
        build(data, out, cache)
    assert tree_hashes(out) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cache", "project", "site"]


def test_templates_edited_between_two_builds_with_one_cache_show_in_the_next_build(data, cache, tmp_path):
    # Compiled templates are kept in the cache: a template changed since must be compiled anew.
    build(data, tmp_path / "first", cache)
    assert list((cache / "templates").rglob("*.cache")), "no compiled templates were kept"
    templates = data.parent / "templates"
    edit(templates / "pages" / "card.md.j2", "\n", "\n<!-- edited page template -->\n")
    edit(templates / "site" / "partials" / "footer.html", '<footer class="md-footer">',
         '<footer class="md-footer" data-edited-theme>')  # fmt: skip
    build(data, tmp_path / "second", cache)
    page = (tmp_path / "second" / "projecten" / "beta" / "index.html").read_text(encoding="utf-8")
    assert "edited page template" in page and "data-edited-theme" in page


def test_a_failed_first_build_creates_no_output(data, tmp_path, monkeypatch):
    def failing(*args: object, **kwargs: object) -> None:
        raise BuildError("a sheet does not fit")

    monkeypatch.setattr(publish.PdfBuild, "finish", failing)
    with pytest.raises(BuildError):
        build(data, tmp_path / "site", tmp_path / "cache")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cache", "project"]  # no site, no staging folder


@pytest.mark.parametrize("path", ["../outside.pdf", "/etc/passwd", "pdf/../../x"])
def test_paths_that_leave_the_output_are_refused(tmp_path, path):
    with pytest.raises(BuildError, match="outside the output folder"):
        inside(tmp_path, path)


def test_paths_inside_the_output_are_allowed(tmp_path):
    assert inside(tmp_path, "pdf/atmp.nl.pdf") == (tmp_path / "pdf" / "atmp.nl.pdf").resolve()


def test_a_rebuild_with_nothing_changed_reuses_mkdocs_output_and_every_pdf(data, cache, tmp_path, monkeypatch):
    import io

    from factsheets.progress import Progress

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    build(data, tmp_path / "first", cache)
    stream = io.StringIO()
    build_site(load_portfolio(data, data.parent), data.parent, tmp_path / "second", cache, Progress(stream, live=False))
    log = stream.getvalue()
    assert "building the website: unchanged, reused" in log
    assert f"making the PDFs: 0 laid out, {documents_rendered_by_a_build(data)} from the cache" in log
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

    edit(data / "cards" / "beta-delta.yml", "total_meur: 60", "total_meur: 60.75")
    rows = comparison_csv(load_portfolio(data, ROOT)).splitlines()
    assert any(row.startswith("beta-delta,") and ",60.75," in row for row in rows)


# --- the caches: keys that cover every input, entries checked before they are reused ----------------------


def cached_copies_of(cache: Path, published: Path) -> list[Path]:
    """The cache entries with a published PDF's bytes: the one it was published from, and the same sheet under
    the keys of other builds that share the session's cache."""
    content = published.read_bytes()
    return [path for path in sorted((cache / "sheets").glob("*.pdf")) if path.read_bytes() == content]


def build_and_log(data: Path, out: Path, cache: Path) -> str:
    import io

    from factsheets.progress import Progress

    stream = io.StringIO()
    build_site(load_portfolio(data, data.parent), data.parent, out, cache, Progress(stream, live=False))
    return stream.getvalue()


def test_a_truncated_pdf_in_the_cache_is_rendered_again(data, cache, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    build(data, tmp_path / "first", cache)
    for entry in cached_copies_of(cache, tmp_path / "first" / "pdf" / "alpha.en.pdf"):
        entry.write_bytes(entry.read_bytes()[:2000])  # a disk that filled up, a copy cut short
    log = build_and_log(data, tmp_path / "second", cache)
    assert f"making the PDFs: 1 laid out, {documents_rendered_by_a_build(data) - 1} from the cache" in log
    assert tree_hashes(tmp_path / "second") == tree_hashes(tmp_path / "first")


def test_a_build_keeps_the_cached_pdfs_it_reuses_and_removes_those_no_build_used_for_a_month(
    data, cache, tmp_path, monkeypatch
):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    build(data, tmp_path / "first", cache)
    two_months_ago = time.time() - 60 * 24 * 3600
    stale = cache / "sheets" / "0123abcd.pdf"  # a sheet only an old commit's cards would ask for
    shutil.copyfile(tmp_path / "first" / "pdf" / "alpha.en.pdf", stale)
    for path in (cache / "sheets").iterdir():
        os.utime(path, (two_months_ago, two_months_ago))
    log = build_and_log(data, tmp_path / "second", cache)
    assert f"making the PDFs: 0 laid out, {documents_rendered_by_a_build(data)} from the cache" in log
    assert not stale.exists()
    log = build_and_log(data, tmp_path / "third", cache)  # what the second build reused is still there
    assert f"making the PDFs: 0 laid out, {documents_rendered_by_a_build(data)} from the cache" in log
    assert tree_hashes(tmp_path / "third") == tree_hashes(tmp_path / "first")


def test_the_preview_keeps_mkdocs_output_after_showing_the_pages_as_a_build_would(data, cache, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)

    def cached_outputs() -> set[Path]:
        return {path for path in (cache / "site").glob("*") if path.is_dir()}

    before, cached_when_shown = cached_outputs(), []
    build_site(load_portfolio(data, data.parent), data.parent, tmp_path / "preview", cache,
               on_pages=lambda: cached_when_shown.append(cached_outputs()))  # fmt: skip
    assert cached_when_shown == [before], "the output was copied into the cache before the pages were shown"
    (kept,) = [path for path in (cache / "site").iterdir() if path.is_dir()]
    assert not (kept / "pdf").exists() and not (kept / "portfolio.json").exists()  # the build's, not MkDocs'
    log = build_and_log(data, tmp_path / "built", cache)
    assert "building the website: unchanged, reused" in log
    assert tree_hashes(tmp_path / "built") == tree_hashes(tmp_path / "preview")


def test_an_altered_file_in_the_cached_site_makes_mkdocs_build_again(data, cache, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    build(data, tmp_path / "first", cache)
    (cached_site,) = [path for path in (cache / "site").iterdir() if path.is_dir()]
    (cached_site / "index.html").write_text("<p>altered</p>", encoding="utf-8")
    log = build_and_log(data, tmp_path / "second", cache)
    assert "building the website: built anew" in log
    assert tree_hashes(tmp_path / "second") == tree_hashes(tmp_path / "first")


def test_the_projects_own_code_is_an_input_of_both_caches(tmp_path, monkeypatch):
    from factsheets import fingerprint
    from factsheets.pdf import _inputs_fingerprint

    docs = tmp_path / "docs"
    docs.mkdir()
    config = {"site_name": "x"}

    def keys() -> tuple[str, str]:
        return _inputs_fingerprint(ROOT / "templates"), publish._site_key(config, docs, ROOT / "templates" / "site")

    package = Path(
        shutil.copytree(fingerprint.PACKAGE, tmp_path / "factsheets", ignore=shutil.ignore_patterns("*.pyc"))
    )
    monkeypatch.setattr(fingerprint, "PACKAGE", package)
    before = keys()
    with (package / "pdf.py").open("a", encoding="utf-8") as code:
        code.write("\n# a changed page check\n")
    after = keys()
    assert after[0] != before[0], "the sheet cache would reuse PDFs made by other code"
    assert after[1] != before[1], "the site cache would reuse pages made by other code"


def test_the_build_dates_itself_by_git_without_leaving_the_date_behind(monkeypatch):
    import os
    import subprocess

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    last_commit = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True)
    with publish._source_date_epoch(ROOT):
        assert os.environ["SOURCE_DATE_EPOCH"] == (last_commit.stdout.strip() or "0")
    assert "SOURCE_DATE_EPOCH" not in os.environ
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "123")
    with publish._source_date_epoch(ROOT):
        assert os.environ["SOURCE_DATE_EPOCH"] == "123"
    assert os.environ["SOURCE_DATE_EPOCH"] == "123"


def test_a_build_given_no_cache_uses_the_folder_the_environment_names(tmp_path, monkeypatch):
    monkeypatch.setenv("FACTSHEETS_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert publish.default_cache_dir(ROOT) == tmp_path / "elsewhere"
    monkeypatch.delenv("FACTSHEETS_CACHE_DIR")
    assert publish.default_cache_dir(ROOT) == ROOT / ".cache"


def test_hypothesis_is_seeded_on_ci_and_random_locally():
    import os

    from hypothesis import settings

    assert settings.default.derandomize == bool(os.environ.get("CI"))


def test_a_rebuild_after_a_card_changed_shows_the_change_on_its_page_and_in_the_booklet(
    data, cache, tmp_path, monkeypatch
):
    from factsheets.render import booklet_path, page_url

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    build(data, tmp_path / "first", cache)
    edit(data / "cards" / "beta-delta.yml", "total_meur: 60", "total_meur: 70")
    build(data, tmp_path / "second", cache)  # the same cache: only what changed is made again
    portfolio = load_portfolio(data, ROOT)
    position = [card.id for card in portfolio.cards].index("beta-delta")
    for code in portfolio.languages:
        page = tmp_path / "second" / page_url(portfolio, "beta-delta", code) / "index.html"
        assert money(70, code) in page.read_text(encoding="utf-8").replace("\xa0", " ")
        booklet = PdfReader(tmp_path / "second" / booklet_path(code))
        text = " ".join(booklet.pages[1 + position].extract_text().replace("\xa0", " ").split())
        assert money(70, code) in text and money(60, code) not in text, "the booklet shows the old sheet"
