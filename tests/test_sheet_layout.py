"""The printed sheet's layout at the extremes editors can reach, read back from the PDF.

The fixture cards in ``tests/fixtures/sheet-layout/cards``: ``full`` has every block
full at once (a three-line title, long names, all 16 preconditions marked, 15
organisations, 6 key figures, a fifteen-year timeline, long texts) and must tighten
itself; ``empty`` has every block as empty as a valid card allows and a one-year
timeline, and must spread out at the normal size; ``long-title`` is an ordinary
card with a three-line title. Each sheet is rendered by WeasyPrint, then read
with pypdf (text, its position and size) and as a picture by pdftoppm (ink): see page_reading.py.
"""

from __future__ import annotations

import dataclasses
import itertools
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from page_reading import DPI, MM, NORMAL_PT, PAGE_H, PAGE_W, Sheet
from portfolios import FIXTURE_DATA

from factsheets.fit import FIT_LEVELS, FLOOR_PT, PX_PER_MM, Attempt, Measure, next_attempt
from factsheets.pdf import Job, SheetOverflow, render_pdf
from factsheets.render import Renderer, pdf_path
from factsheets.validate import Portfolio, load_portfolio

ROOT = Path(__file__).resolve().parent.parent
CARDS = ROOT / "tests" / "fixtures" / "sheet-layout" / "cards"
LANGUAGES = ("nl", "en")
SHEETS = [(card, code) for card in ("full", "empty", "long-title") for code in LANGUAGES]

OUTER = 10 * MM  # nothing may be printed this close to the paper's edge
BOTTOM_MARGIN = 11 * MM  # print.css: @page margin
BASE_URL = str(ROOT / "templates" / "print") + "/"


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> Portfolio:
    data = tmp_path_factory.mktemp("sheet-layout") / "data"
    shutil.copytree(CARDS, data / "cards")
    shutil.copy(FIXTURE_DATA / "site.yml", data / "site.yml")
    return load_portfolio(data, ROOT)


@pytest.fixture(scope="module")
def sheets(portfolio: Portfolio) -> dict[tuple[str, str], Sheet]:
    renderer = Renderer(portfolio, ROOT / "templates")
    rendered = {}
    for card_id, code in SHEETS:
        card = portfolio.card(card_id)
        job = Job(renderer.sheet_html(card, code), pdf_path(card_id, code), 1, f"card '{card_id}', language {code}")
        rendered[card_id, code] = Sheet(render_pdf(job, BASE_URL))
    return rendered


def rows_with_ink(sheet: Sheet) -> Iterator[int]:
    return (row for row, pixels in enumerate(sheet.ink) if any(pixels))


# --- every extreme: one A4 page, inside the margins, nothing under the floor ------------------------------


@pytest.mark.parametrize(("card_id", "code"), SHEETS)
def test_sheet_is_one_a4_landscape_page_with_a4_page_boxes(
    sheets: dict[tuple[str, str], Sheet], card_id: str, code: str
) -> None:
    reader = sheets[card_id, code].reader
    assert len(reader.pages) == 1
    page = reader.pages[0]
    for box in ("/MediaBox", "/TrimBox", "/BleedBox"):
        left, bottom, right, top = (float(value) for value in page[box])
        assert (left, bottom) == (0, 0), box
        assert abs(right - PAGE_W) < 0.5 and abs(top - PAGE_H) < 0.5, (box, right, top)


@pytest.mark.parametrize(("card_id", "code"), SHEETS)
def test_nothing_is_printed_in_the_outer_10_mm(sheets: dict[tuple[str, str], Sheet], card_id: str, code: str) -> None:
    ink = sheets[card_id, code].ink
    height, width = len(ink), len(ink[0])
    band = round(OUTER * DPI / 72)
    inked = [
        (row, col)
        for row in range(height)
        for col in range(width)
        if ink[row][col] and (row < band or row >= height - band or col < band or col >= width - band)
    ]
    assert inked == [], f"ink within 10 mm of the edge at (row, column) {inked[:5]}"
    for run in sheets[card_id, code].runs:
        assert OUTER <= run.x <= PAGE_W - OUTER and OUTER <= run.y <= PAGE_H - OUTER, run


@pytest.mark.parametrize(("card_id", "code"), SHEETS)
def test_no_text_is_smaller_than_the_floor(sheets: dict[tuple[str, str], Sheet], card_id: str, code: str) -> None:
    assert FLOOR_PT == 8
    small = [run for run in sheets[card_id, code].runs if run.size < FLOOR_PT - 0.01]
    assert small == []


@pytest.mark.parametrize(("card_id", "code"), SHEETS)
def test_footer_sits_at_the_foot_of_the_page(
    sheets: dict[tuple[str, str], Sheet], portfolio: Portfolio, card_id: str, code: str
) -> None:
    sheet = sheets[card_id, code]
    lowest_ink = max(rows_with_ink(sheet)) + 1  # the QR code's bottom edge, in points from the top
    page_area_bottom = PAGE_H - BOTTOM_MARGIN
    assert page_area_bottom - 1.5 * MM <= lowest_ink <= page_area_bottom + 0.5
    # The tagline and the web address: on the footer's bottom line, a few millimetres above the margin.
    for phrase in (portfolio.settings.tagline[code], f"/projecten/{card_id}/"):
        assert page_area_bottom - 5 * MM <= sheet.baseline_of(phrase) <= page_area_bottom, phrase


@pytest.mark.parametrize(("card_id", "code"), SHEETS)
def test_the_blocks_fill_the_page_down_to_the_footer(
    sheets: dict[tuple[str, str], Sheet], card_id: str, code: str
) -> None:
    """Between the last block and the footer's rule there is one gap, not an empty half page."""
    sheet = sheets[card_id, code]
    ink = sheet.ink
    width = len(ink[0])
    full_width = [row for row in range(len(ink)) if sum(ink[row]) > 0.9 * (width - 2 * 12 * MM)]
    rule = max(full_width)  # the footer's rule is the lowest line across the page ...
    while rule - 1 in full_width:  # ... and thicker than one pixel: its top
        rule -= 1
    last_block = max(row for row in range(rule) if any(ink[row]))
    assert 1 * MM <= rule - last_block <= 6 * MM, (rule, last_block)


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_block_of_the_full_card_is_on_the_sheet(
    sheets: dict[tuple[str, str], Sheet], portfolio: Portfolio, code: str
) -> None:
    card = portfolio.card("full")
    text = sheets["full", code].text
    squeezed = "".join(text.split())
    assert "".join(card.title[code].split()) in squeezed
    assert "".join(card.project_name[code].split()) in squeezed
    for organisation in card.organisations:
        assert "".join(organisation.name.split()) in squeezed, organisation.name
    for figure in card.key_figures:
        assert "".join(figure.label[code].split()) in squeezed, figure.label[code]
    for last_words in ("EFPIA", "2039"):
        assert last_words in text


# --- the fit: tighter only when needed, never larger than normal -------------------------------------------------


@pytest.mark.parametrize("code", LANGUAGES)
def test_full_card_is_tightened_but_not_under_the_floor(sheets: dict[tuple[str, str], Sheet], code: str) -> None:
    size = sheets["full", code].size_of("EFPIA")  # body text of the last text block
    assert FLOOR_PT - 0.01 <= size < NORMAL_PT - 0.1


@pytest.mark.parametrize(("card_id", "code"), [("empty", code) for code in LANGUAGES])
def test_shorter_cards_keep_the_normal_size(
    sheets: dict[tuple[str, str], Sheet], portfolio: Portfolio, card_id: str, code: str
) -> None:
    """The room left over goes between the blocks, never into larger text."""
    sheet = sheets[card_id, code]
    summary = portfolio.card(card_id).summary[code].strip()
    assert [run.size for run in sheet.runs if run.text == summary] == [pytest.approx(NORMAL_PT, abs=0.01)]
    assert max(run.size for run in sheet.runs) <= 2.3 * NORMAL_PT + 0.01  # the heading, at its normal size


# --- what the fit tries, and what it says when nothing fits -------------------------------------------------


def test_the_fit_widens_the_overfull_column_before_it_makes_type_smaller() -> None:
    room = -20 * PX_PER_MM
    text_too_tall = Measure(["key_figures"], 10.0, 600.0, {"text": 10.0, "facts": room})
    assert next_attempt(Attempt(), text_too_tall) == Attempt(0, "text")
    # Widened and still too tall: tighter type, the column kept wide.
    assert next_attempt(Attempt(0, "text"), text_too_tall) == Attempt(1, "text")
    # Both columns full: straight to tighter type, as many levels as the excess asks for.
    both_full = Measure(["key_figures"], 0.12 * 600, 600.0, {"text": 5.0, "facts": 3.0})
    assert next_attempt(Attempt(), both_full) == Attempt(3)
    assert next_attempt(Attempt(FIT_LEVELS - 1), both_full) is None


def test_print_css_defines_every_fit_level_and_the_floor() -> None:
    css = (ROOT / "templates" / "print" / "print.css").read_text(encoding="utf-8")
    for level in range(1, FIT_LEVELS):
        assert f"html.fs-fit-{level} {{" in css, level
    assert f"html.fs-fit-{FIT_LEVELS - 1} {{ font-size: {FLOOR_PT:g}pt;" in css


def test_a_card_too_long_even_at_the_floor_says_which_blocks_and_how_much_to_cut(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "tests" / "fixtures" / "too-long" / "cards", data / "cards")
    shutil.copy(FIXTURE_DATA / "site.yml", data / "site.yml")
    portfolio = load_portfolio(data, ROOT)
    card = portfolio.card("overlong")
    html = Renderer(portfolio, ROOT / "templates").sheet_html(card, "en")
    with pytest.raises(SheetOverflow) as raised:
        render_pdf(Job(html, pdf_path(card.id, "en"), 1, "card 'overlong', language en", card.id, "en"), BASE_URL)
    overflow = raised.value
    assert f"smallest size ({FLOOR_PT:g} pt)" in str(overflow)
    assert overflow.block == "summary"  # the block that grew, not the footer it pushed off the page
    assert overflow.lines > 10 and f"about {overflow.lines} line(s)" in str(overflow), str(overflow)


def test_a_long_timeline_scale_keeps_its_year_labels_apart(portfolio: Portfolio) -> None:
    """Another card running from 2020 to 2050 stretches every sheet's scale to 31 years."""
    empty = portfolio.card("empty")
    long_card = empty.model_copy(update={"timeline": empty.timeline.model_copy(update={"start": 2020, "end": 2050})})
    stretched = dataclasses.replace(portfolio, cards=tuple(long_card if c is empty else c for c in portfolio.cards))
    html = Renderer(stretched, ROOT / "templates").sheet_html(stretched.card("full"), "en")
    sheet = Sheet(render_pdf(Job(html, pdf_path("full", "en"), 1, "card 'full', language en"), BASE_URL))
    start = sheet.baseline_of("Start")  # the bar's labels are the line below "Start 2025 End 2039"
    bar = sorted(
        run.x for run in sheet.runs if len(run.text) == 2 and run.text.isdigit() and 0 < run.y - start < 8 * MM
    )
    assert len(bar) >= 10
    assert min(right - left for left, right in itertools.pairwise(bar)) >= 3.5 * MM  # a label is 3 mm wide
