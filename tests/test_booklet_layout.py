"""The booklet: a cover listing the cards with their page numbers, the sheets in order, a closing page,
and page numbers throughout, read back from the assembled PDF.

The booklet is built by ``write_pdfs`` (WeasyPrint in worker processes, assembly with pikepdf) from the
fixture cards in ``tests/fixtures/sheet-layout/cards`` and the fixture site settings. A cover for a long
portfolio is rendered on its own from copies of those cards.
"""

from __future__ import annotations

import dataclasses
import io
import pickle
import shutil
from pathlib import Path

import pikepdf
import pytest
from page_reading import MM, NORMAL_PT, PAGE_H, PAGE_W, Sheet
from portfolios import FIXTURE_DATA
from pypdf import PdfReader

from factsheets.booklet import digits_font
from factsheets.pdf import PAGE_NUMBER_FONT, Job, render_pdf, write_pdfs
from factsheets.render import CONTENTS_FIRST_PAGE_ROWS, Renderer, booklet_path, pdf_path
from factsheets.validate import Portfolio, load_portfolio

ROOT = Path(__file__).resolve().parent.parent
CARDS = ROOT / "tests" / "fixtures" / "sheet-layout" / "cards"
LANGUAGES = ("nl", "en")


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> Portfolio:
    data = tmp_path_factory.mktemp("booklet") / "data"
    shutil.copytree(CARDS, data / "cards")
    shutil.copy(FIXTURE_DATA / "site.yml", data / "site.yml")
    return load_portfolio(data, ROOT)


@pytest.fixture(scope="module")
def site(portfolio: Portfolio, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The PDFs written by a build: the sheets and the booklets."""
    folder = tmp_path_factory.mktemp("booklet-site")
    write_pdfs(Renderer(portfolio, ROOT / "templates"), ROOT, folder / "site", folder / "cache")
    return folder / "site"


@pytest.fixture(scope="module")
def booklets(site: Path) -> dict[str, bytes]:
    return {code: (site / booklet_path(code)).read_bytes() for code in LANGUAGES}


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_build_publishes_and_binds_the_fitted_sheet(site: Path, booklets: dict[str, bytes], code: str) -> None:
    """The cache holds each sheet under its card's own key, but what it holds is the sheet as fitted."""
    published = Sheet((site / pdf_path("full", code)).read_bytes())
    assert len(published.reader.pages) == 1
    assert max(run.size for run in published.runs if "EFPIA" in run.text) < NORMAL_PT - 0.1
    bound = page(booklets[code], 1)
    assert [run.size for run in bound.runs if "EFPIA" in run.text] == [
        run.size for run in published.runs if "EFPIA" in run.text
    ]


def page(pdf: bytes, index: int) -> Sheet:
    """One page of a PDF as a one-page document, to read with the sheet layout tests' helpers."""
    with pikepdf.open(io.BytesIO(pdf)) as source:
        single = pikepdf.new()
        single.pages.append(source.pages[index])
        buffer = io.BytesIO()
        single.save(buffer)
    return Sheet(buffer.getvalue())


def page_number_runs(sheet: Sheet) -> list[str]:
    """Texts drawn in the middle of the footer line, where the booklet's page number goes."""
    return [
        run.text
        for run in sheet.runs
        if abs(run.x - PAGE_W / 2) < 6 * MM and PAGE_H - 11 * MM - 5 * MM < run.y < PAGE_H - 11 * MM
    ]


@pytest.mark.parametrize("code", LANGUAGES)
def test_booklet_is_cover_sheets_in_order_and_closing_page(
    booklets: dict[str, bytes], portfolio: Portfolio, code: str
) -> None:
    reader = PdfReader(io.BytesIO(booklets[code]))
    assert len(reader.pages) == 1 + len(portfolio.cards) + 1
    for number, card in enumerate(portfolio.cards, start=2):
        assert f"/projecten/{card.id}/" in page(booklets[code], number - 1).text, (number, card.id)
    assert portfolio.settings.tagline[code] in page(booklets[code], len(reader.pages) - 1).text


def test_the_page_numbers_digits_are_subset_once_and_kept_with_the_sheets(site: Path) -> None:
    """The first booklet subsets the digits and caches them; the second (the other language, numbered as the test
    below reads) takes them from the cache."""
    (entry,) = (site.parent / "cache").glob("*.digits")
    assert pickle.loads(entry.read_bytes()) == digits_font(ROOT / "templates" / PAGE_NUMBER_FONT)


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_page_but_the_cover_has_its_number_in_the_footer_line(booklets: dict[str, bytes], code: str) -> None:
    count = len(PdfReader(io.BytesIO(booklets[code])).pages)
    assert page_number_runs(page(booklets[code], 0)) == []  # a cover, not page 1
    for index in range(1, count):
        assert page_number_runs(page(booklets[code], index)) == [str(index + 1)], index


@pytest.mark.parametrize("code", LANGUAGES)
def test_page_numbers_are_pagination_artifacts_in_the_projects_font(booklets: dict[str, bytes], code: str) -> None:
    with pikepdf.open(io.BytesIO(booklets[code])) as pdf:
        numbered = pdf.pages[1]
        stream = b"".join(part.read_bytes() for part in numbered.obj.Contents)
        assert b"/Artifact <</Type /Pagination" in stream
        fonts = [font for font in numbered.Resources.Font.values() if str(font.Subtype) == "/TrueType"]
        assert [str(font.BaseFont).split("+")[1] for font in fonts] == ["SourceSans3-Bold"]
        assert "/FontFile2" in fonts[0].FontDescriptor


@pytest.mark.parametrize("code", LANGUAGES)
def test_cover_lists_every_card_with_its_page_number(
    booklets: dict[str, bytes], portfolio: Portfolio, code: str
) -> None:
    cover = page(booklets[code], 0)
    for number, card in enumerate(portfolio.cards, start=2):
        title = next(run for run in cover.runs if run.text.startswith(card.title[code][:20]))
        numbers = [run.text for run in cover.runs if abs(run.y - title.y) < 1 and run.x > title.x]
        assert str(number) in numbers, (card.id, numbers)


@pytest.mark.parametrize("code", LANGUAGES)
def test_cover_states_the_portfolio_and_fills_its_page(
    booklets: dict[str, bytes], portfolio: Portfolio, code: str
) -> None:
    cover = page(booklets[code], 0)
    settings = portfolio.settings
    assert cover.text.startswith(settings.name[code])
    assert settings.tagline[code] in cover.text
    assert f"{settings.labels['projects'][code]} {len(portfolio.cards)}" in cover.text
    rows = [row for row, pixels in enumerate(cover.ink) if any(pixels)]
    assert min(rows) <= 12 * MM and max(rows) >= PAGE_H - 12 * MM, "the cover does not reach its page's edges"


def test_a_long_portfolio_continues_its_list_on_more_cover_pages(portfolio: Portfolio) -> None:
    """Every card's page number counts the cover's pages, which are known before the cover is laid out."""
    large = many_cards(portfolio, programmes=12)
    renderer = Renderer(large, ROOT / "templates")
    pages = renderer.cover_page_count()
    assert pages == 2
    base_url = str(ROOT / "templates" / "print") + "/"
    pdf = render_pdf(Job(renderer.cover_html("en"), "cover.en", pages, "booklet cover"), base_url)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == pages
    last = large.cards[-1]
    continued = page(pdf, 1)
    title = next(run for run in continued.runs if run.text == last.title["en"])
    assert [run.text for run in continued.runs if abs(run.y - title.y) < 1][-1] == str(pages + len(large.cards))
    assert len(large.cards) > CONTENTS_FIRST_PAGE_ROWS


def many_cards(portfolio: Portfolio, programmes: int) -> Portfolio:
    """``programmes`` copies of the fixture's programme, each with copies of its two flagships."""
    programme = portfolio.programmes()[0]
    flagships = portfolio.flagships_of(programme)
    cards = []
    for number in range(1, programmes + 1):
        parent = f"programme-{number:02d}"
        title = {code: f"Programme {number:02d}" for code in programme.title}
        cards.append(programme.model_copy(update={"id": parent, "title": title}))
        for flagship in flagships:
            name = {code: f"Flagship {flagship.id} of {number:02d}" for code in flagship.title}
            cards.append(flagship.model_copy(update={"id": f"{flagship.id}-{number:02d}", "parent": parent,
                                                     "title": name}))  # fmt: skip
    return dataclasses.replace(portfolio, cards=tuple(cards))
