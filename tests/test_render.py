"""factsheets.render and templates/components: each block rendered alone, with its edge cases.

Each component macro is rendered with the project's own Jinja environment and its
output parsed with tinyhtml5 (the HTML parser WeasyPrint uses for the sheets), so the
assertions are about elements, classes and attributes, not string fragments.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from html import unescape
from pathlib import Path
from typing import Any, get_args
from urllib.parse import urljoin
from xml.etree.ElementTree import Element

import pytest
import tinyhtml5
import yaml
from portfolios import FIXTURE, FIXTURE_DATA

from factsheets.i18n import Language
from factsheets.model import PRECONDITION_GROUPS, Card, Market, Preconditions
from factsheets.render import Renderer, markdown_to_html, page_url, relative, sheet_params
from factsheets.validate import Portfolio, load_portfolio

ROOT = Path(__file__).resolve().parent.parent

MARKET_LABELS = {
    "nl": {"exploration": "Verkenning", "partly_operational": "Deels operationeel", "operational": "Operationeel"},
    "en": {"exploration": "Exploration", "partly_operational": "Partly operational", "operational": "Operational"},
}
NONE_LISTED = {"nl": "Nog niet opgegeven", "en": "None listed yet"}
GROUPS = {
    "nl": ["Infrastructuur", "Energie", "Talent", "Wet- en regelgeving", "Andere"],
    "en": ["Infrastructure", "Energy", "Talent", "Laws and regulations", "Other"],
}
MARK_LABELS = {
    "nl": {"relevant": "Relevant", "less_relevant": "Minder relevant", "not_assessed": "Niet beoordeeld"},
    "en": {"relevant": "Relevant", "less_relevant": "Less relevant", "not_assessed": "Not assessed"},
}


# --- helpers ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def portfolio() -> Portfolio:
    return load_portfolio(FIXTURE_DATA, FIXTURE)


@pytest.fixture(scope="module")
def renderer(portfolio: Portfolio) -> Renderer:
    return Renderer(portfolio, ROOT / "templates")


@pytest.fixture(params=["nl", "en"])
def code(request: pytest.FixtureRequest) -> str:
    return request.param


def render_component(renderer: Renderer, name: str, params: Any, code: str = "nl") -> str:
    template = renderer.env.from_string(
        f'{{% import "components/{name}.html.j2" as c with context %}}{{{{ c.render(params) }}}}'
    )
    return template.render(lang=Language(code, renderer.portfolio.settings.labels), params=params)


def parse(html: str) -> Element:
    """The ``<body>`` of ``html`` parsed as a browser (and WeasyPrint) would."""
    document = tinyhtml5.parse(html, namespace_html_elements=False)
    body = document.find("body")
    assert body is not None
    return body


def classes(element: Element) -> list[str]:
    return element.get("class", "").split()


def find_all(root: Element, tag: str = "*", cls: str | None = None) -> list[Element]:
    return [element for element in root.iter(tag) if cls is None or cls in classes(element)]


def find_one(root: Element, tag: str = "*", cls: str | None = None) -> Element:
    found = find_all(root, tag, cls)
    assert len(found) == 1, f"expected one <{tag} class={cls}>, found {len(found)}"
    return found[0]


def text(element: Element) -> str:
    return " ".join("".join(element.itertext()).split())


def with_card(portfolio: Portfolio, card: Card) -> Portfolio:
    return dataclasses.replace(portfolio, cards=tuple(card if c.id == card.id else c for c in portfolio.cards))


def language(portfolio: Portfolio, code: str) -> Language:
    return Language(code, portfolio.settings.labels)


# --- organisations -----------------------------------------------------------------------------------


def test_organisations_empty_shows_none_listed(renderer: Renderer, code: str) -> None:
    section = find_one(parse(render_component(renderer, "organisations", {"items": []}, code)), "section")
    assert section.get("data-block") == "organisations"
    assert find_all(section, "ul") == []
    assert text(find_one(section, "p", "fs-empty")) == NONE_LISTED[code]


def test_organisations_list_names_roles_and_links(renderer: Renderer) -> None:
    items = [
        {"name": "Leyden Labs", "role": "penvoerder", "url": "https://example.org/"},
        {"name": "A <b>&</b> B", "role": "", "url": None},
    ]
    body = parse(render_component(renderer, "organisations", {"items": items}))
    entries = find_all(find_one(body, "ul", "fs-organisations__list"), "li")
    assert [text(li) for li in entries] == ["Leyden Labs (penvoerder)", "A <b>&</b> B"]
    link = find_one(entries[0], "a")
    assert link.get("href") == "https://example.org/"
    assert "noopener" in link.get("rel", "")
    assert text(find_one(entries[0], "span", "fs-organisations__role")) == "(penvoerder)"
    # The second has no web address and no role: no link, no empty brackets, and its name is text.
    assert find_all(entries[1], "a") == [] and find_all(entries[1], "span") == []
    assert find_all(entries[1], "b") == []
    assert find_all(body, "p", "fs-empty") == []


# --- readiness ---------------------------------------------------------------------------------------


def test_every_market_value_has_a_label_in_both_languages() -> None:
    assert set(get_args(Market)) == set(MARKET_LABELS["nl"]) == set(MARKET_LABELS["en"])


@pytest.mark.parametrize("market", get_args(Market))
def test_readiness_shows_the_market_label(portfolio: Portfolio, renderer: Renderer, code: str, market: str) -> None:
    card = portfolio.card("atmp")
    card = card.model_copy(update={"readiness": card.readiness.model_copy(update={"market": market})})
    params = sheet_params(with_card(portfolio, card), card, language(portfolio, code))["readiness"]
    section = parse(render_component(renderer, "readiness", params, code))
    assert text(find_one(section, "p", "fs-readiness__market")) == MARKET_LABELS[code][market]


@pytest.mark.parametrize(("low", "high"), [(1, 1), (1, 9), (5, 9), (3, 8), (9, 9), (4, 4)])
def test_trl_marks_exactly_min_to_max(renderer: Renderer, low: int, high: int) -> None:
    params = {"trl_min": low, "trl_max": high, "market": "Verkenning"}
    body = parse(render_component(renderer, "readiness", params))
    scale = find_one(body, "ol", "fs-trl")
    cells = find_all(scale, "li")
    assert [text(cell) for cell in cells] == [str(level) for level in range(1, 10)]
    on = [int(text(cell)) for cell in cells if "is-on" in classes(cell)]
    assert on == list(range(low, high + 1))
    assert all(("is-on" in classes(cell)) != ("is-off" in classes(cell)) for cell in cells)
    assert text(find_one(body, "p", "fs-readiness__value")) == f"{low} – {high}"


# --- preconditions -----------------------------------------------------------------------------------


def test_preconditions_grid_has_all_16_in_5_groups_with_their_marks(
    portfolio: Portfolio, renderer: Renderer, code: str
) -> None:
    marks = {"digital_infrastructure": "relevant", "grid_congestion": "less_relevant", "other": "relevant"}
    card = portfolio.card("infectieziekten").model_copy(update={"preconditions": Preconditions(**marks)})
    lang = language(portfolio, code)
    params = sheet_params(with_card(portfolio, card), card, lang)["preconditions"]
    section = find_one(parse(render_component(renderer, "preconditions", params, code)), "section")
    assert section.get("data-block") == "preconditions"

    groups = find_all(section, "div", "fs-preconditions__group")
    assert [text(find_one(group, "h3")) for group in groups] == GROUPS[code]
    assert [len(find_all(group, "li")) for group in groups] == [len(names) for names in PRECONDITION_GROUPS.values()]

    items = find_all(section, "li", "fs-precondition")
    names = [name for group in PRECONDITION_GROUPS.values() for name in group]
    assert len(items) == len(names) == 16
    for name, item in zip(names, items, strict=True):
        mark = marks.get(name, "not_assessed")
        assert f"fs-precondition--{mark}" in classes(item), name
        # Colour is never the only carrier: a mark of its own shape class and the mark in words.
        shape = find_one(item, "span", "fs-mark")
        assert f"fs-mark--{mark}" in classes(shape) and shape.get("aria-hidden") == "true"
        hidden = find_one(item, "span", "fs-visually-hidden")
        assert text(hidden) == f": {MARK_LABELS[code][mark]}"
        assert text(item) == f"{lang.t('precondition.' + name)}: {MARK_LABELS[code][mark]}"
    assert Counter(m for item in items for m in ("relevant", "less_relevant", "not_assessed")
                   if f"fs-precondition--{m}" in classes(item)) == {"relevant": 2, "less_relevant": 1,
                                                                     "not_assessed": 13}  # fmt: skip


def test_preconditions_legend_names_all_three_marks(renderer: Renderer, portfolio: Portfolio, code: str) -> None:
    card = portfolio.card("atmp")
    params = sheet_params(portfolio, card, language(portfolio, code))["preconditions"]
    legend = find_one(parse(render_component(renderer, "preconditions", params, code)), "p", "fs-legend")
    entries = find_all(legend, "span", "fs-legend__item")
    assert [text(entry) for entry in entries] == list(MARK_LABELS[code].values())
    assert [classes(find_one(entry, "span", "fs-mark"))[1] for entry in entries] == [
        "fs-mark--relevant",
        "fs-mark--less_relevant",
        "fs-mark--not_assessed",
    ]
    assert text(find_one(legend, "span", "fs-visually-hidden")) == {"nl": "Legenda:", "en": "Legend:"}[code]


def test_preconditions_all_not_assessed_when_none_recorded(portfolio: Portfolio, renderer: Renderer) -> None:
    card = portfolio.card("atmp").model_copy(update={"preconditions": Preconditions()})
    params = sheet_params(with_card(portfolio, card), card, language(portfolio, "nl"))["preconditions"]
    items = find_all(parse(render_component(renderer, "preconditions", params)), "li", "fs-precondition")
    assert len(items) == 16
    assert all("fs-precondition--not_assessed" in classes(item) for item in items)


# --- shares --------------------------------------------------------------------------------------------


WIDTH = re.compile(r"^\s*width:\s*(\d+(?:\.\d+)?)%\s*;?\s*$")


@pytest.mark.parametrize(("capital", "public"), [(35, 33), (0, 100), (100, 0), (50, 50), (1, 99)])
def test_shares_bars_are_as_wide_as_their_numbers(
    portfolio: Portfolio, renderer: Renderer, code: str, capital: int, public: int
) -> None:
    card = portfolio.card("atmp")
    shares = card.shares.model_copy(
        update={"capital": capital, "rnd": 100 - capital, "public": public, "private": 100 - public}
    )
    card = card.model_copy(update={"shares": shares})
    lang = language(portfolio, code)
    params = sheet_params(with_card(portfolio, card), card, lang)["shares"]
    section = find_one(parse(render_component(renderer, "shares", params, code)), "section")
    splits = find_all(section, "div", "fs-split")
    assert len(splits) == 2
    expected = [
        [(lang.t("capital"), capital), (lang.t("rnd"), 100 - capital)],
        [(lang.t("public"), public), (lang.t("private"), 100 - public)],
    ]
    for split, pair in zip(splits, expected, strict=True):
        assert [text(label) for label in find_all(split, "span", "fs-split__label")] == [pair[0][0], pair[1][0]]
        bar = find_one(split, "span", "fs-split__bar")
        assert bar.get("role") == "img"
        assert bar.get("aria-label") == (
            f"{pair[0][0]} {lang.percent(pair[0][1])}, {pair[1][0]} {lang.percent(pair[1][1])}"
        )
        parts = find_all(bar, "span", "fs-split__part")
        assert len(parts) == 2
        for part, (_, value) in zip(parts, pair, strict=True):
            match = WIDTH.match(part.get("style", ""))
            assert match, part.get("style")
            assert float(match.group(1)) == value
            # The number is written in the bar, except in a bar of zero width.
            assert text(part) == (str(value) if value else "")


# --- timeline ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "scale_start", "scale_end"),
    [(2026, 2030, 2025, 2035), (2025, 2035, 2025, 2035), (2025, 2025, 2025, 2035), (2035, 2035, 2025, 2035),
     (1999, 2001, 1998, 2002), (2030, 2030, 2030, 2030)],
)  # fmt: skip
def test_timeline_marks_start_to_end_on_the_scale(
    renderer: Renderer, start: int, end: int, scale_start: int, scale_end: int
) -> None:
    params = {"start": start, "end": end, "scale_start": scale_start, "scale_end": scale_end}
    section = find_one(parse(render_component(renderer, "timeline", params)), "section")
    assert section.get("data-block") == "timeline"
    years = [strong.text for strong in find_all(find_one(section, "p", "fs-timeline__years"), "strong")]
    assert years == [str(start), str(end)]
    cells = find_all(find_one(section, "ol", "fs-timeline__bar"), "li")
    scale = list(range(scale_start, scale_end + 1))
    assert [text(cell) for cell in cells] == [f"{year % 100:02d}" for year in scale]
    assert [year for year, cell in zip(scale, cells, strict=True) if "is-on" in classes(cell)] == list(
        range(start, end + 1)
    )


def test_timeline_scale_is_the_portfolios(portfolio: Portfolio, code: str) -> None:
    """One scale for every card, so that the bars compare at the same spot."""
    lang = language(portfolio, code)
    scales = {
        (p["scale_start"], p["scale_end"])
        for p in (sheet_params(portfolio, card, lang)["timeline"] for card in portfolio.cards)
    }
    assert scales == {(min(c.timeline.start for c in portfolio.cards), max(c.timeline.end for c in portfolio.cards))}


# --- budget --------------------------------------------------------------------------------------------


def test_budget_without_included_flagships(renderer: Renderer, code: str) -> None:
    params = {"total_meur": 1350, "flagship_count": 0, "flagships_meur": 0}
    section = find_one(parse(render_component(renderer, "budget", params, code)), "section")
    assert text(find_one(section, "h2")) == {"nl": "Projectomvang", "en": "Project size"}[code]
    assert text(find_one(section, "p", "fs-budget__total")) == {"nl": "€ 1.350 miljoen", "en": "€1,350 million"}[code]
    assert find_all(section, "p", "fs-budget__includes") == []


def test_budget_with_included_flagships(renderer: Renderer, code: str) -> None:
    params = {"total_meur": 18400, "flagship_count": 3, "flagships_meur": 3970}
    section = find_one(parse(render_component(renderer, "budget", params, code)), "section")
    assert text(find_one(section, "p", "fs-budget__total")) == {"nl": "€ 18.400 miljoen", "en": "€18,400 million"}[code]
    assert (
        text(find_one(section, "p", "fs-budget__includes"))
        == {
            "nl": "(inclusief de 3 flagships voor totaal € 3.970 miljoen)",
            "en": "(including the 3 flagships totalling €3,970 million)",
        }[code]
    )


def test_budget_params_count_and_sum_the_flagships_only_when_included(portfolio: Portfolio) -> None:
    lang = language(portfolio, "nl")
    programme = portfolio.card("biotech-nexus")
    flagships = portfolio.flagships_of(programme)
    assert programme.budget.includes_flagships and len(flagships) == 3
    budget = sheet_params(portfolio, programme, lang)["budget"]
    # The notes on unconfirmed amounts are tested in test_provenance.py.
    assert {key: budget[key] for key in ("total_meur", "flagship_count", "flagships_meur")} == {
        "total_meur": programme.budget.total_meur,
        "flagship_count": 3,
        "flagships_meur": sum(card.budget.total_meur for card in flagships),
    }
    not_included = programme.model_copy(
        update={"budget": programme.budget.model_copy(update={"includes_flagships": False})}
    )
    assert sheet_params(with_card(portfolio, not_included), not_included, lang)["budget"]["flagship_count"] == 0
    flagship = portfolio.card("atmp")
    assert sheet_params(portfolio, flagship, lang)["budget"]["flagship_count"] == 0


# --- key figures, text blocks, header --------------------------------------------------------------------


def test_key_figures_absent_means_no_section(renderer: Renderer, code: str) -> None:
    html = render_component(renderer, "key_figures", {"items": []}, code)
    assert html.strip() == ""
    assert list(parse(html)) == []


def test_key_figures_listed_with_year_and_source(renderer: Renderer) -> None:
    items = [
        {"value": "8,6%", "label": "verwachte groei", "year": 2035, "source": "Doorrekening KPMG"},
        {"value": "2,5×", "label": "multiplier", "year": None, "source": ""},
    ]
    section = find_one(parse(render_component(renderer, "key_figures", {"items": items})), "section")
    assert section.get("data-block") == "key_figures"
    assert text(find_one(section, "h2")) == "Kerncijfers"
    entries = find_all(section, "li")
    assert [text(find_one(li, "strong")) for li in entries] == ["8,6%", "2,5×"]
    assert [text(li) for li in entries] == ["8,6% verwachte groei (2035); bron: Doorrekening KPMG", "2,5× multiplier"]


def test_key_figures_params_format_values_in_the_language(portfolio: Portfolio) -> None:
    card = portfolio.card("biotech-nexus")
    values = {}
    for code in ("nl", "en"):
        figures = sheet_params(portfolio, card, language(portfolio, code))["key_figures"]
        values[code] = [item["value"] for item in figures["items"]]
    assert "€ 12,6 miljard" in values["nl"] and "€12.6 billion" in values["en"]
    assert "2,5×" in values["nl"] and "2.5×" in values["en"]


def test_text_block_summary_has_no_heading_but_a_label(renderer: Renderer) -> None:
    params = {"id": "summary", "heading": "", "html": markdown_to_html("Een *korte* tekst.")}
    section = find_one(parse(render_component(renderer, "text_block", params)), "section")
    assert section.get("id") == "summary" and section.get("data-block") == "summary"
    assert section.get("aria-label") == "Samenvatting"
    assert find_all(section, "h2") == []
    assert text(find_one(section, "em")) == "korte"


def test_text_block_with_heading(renderer: Renderer) -> None:
    params = {"id": "relevance", "heading": "Relevantie", "html": markdown_to_html("x")}
    section = find_one(parse(render_component(renderer, "text_block", params)), "section")
    assert section.get("aria-label") is None
    assert text(find_one(section, "h2")) == "Relevantie"


def test_header_heading_and_facts(portfolio: Portfolio, renderer: Renderer, code: str) -> None:
    card = portfolio.card("infectieziekten")
    params = sheet_params(portfolio, card, language(portfolio, code))["header"]
    header = find_one(parse(render_component(renderer, "header", params, code)), "header")
    assert text(find_one(header, "h1")) == card.title[code]
    assert find_all(header, "h2") == []
    assert text(find_one(header, "p", "fs-header__kind")) == {"nl": "Flagship", "en": "Flagship"}[code]
    facts = [text(div) for div in find_one(header, "dl").findall("div")]
    labels = {"nl": ["Domein:", "Sub-domein:", "Project naam:"], "en": ["Domain:", "Subdomain:", "Project name:"]}
    values = [card.domain[code], card.subdomain[code], card.project_name[code]]
    assert facts == [f"{label} {value}" for label, value in zip(labels[code], values, strict=True)]


def test_header_kind_label_for_a_programme(portfolio: Portfolio, renderer: Renderer, code: str) -> None:
    params = sheet_params(portfolio, portfolio.card("biotech-nexus"), language(portfolio, code))["header"]
    header = parse(render_component(renderer, "header", params, code))
    assert text(find_one(header, "p", "fs-header__kind")) == {"nl": "Programma", "en": "Programme"}[code]


# --- the whole sheet -------------------------------------------------------------------------------------


SHEET_BLOCKS = [
    "summary", "relevance", "dutch_partnerships", "european_partnerships",
    "timeline", "budget", "shares", "readiness", "preconditions", "organisations",
]  # fmt: skip


@pytest.mark.parametrize("card_id", ["biotech-nexus", "infectieziekten", "atmp", "precision-diagnostics"])
def test_sheet_has_every_block_in_sheet_order(
    portfolio: Portfolio, renderer: Renderer, code: str, card_id: str
) -> None:
    card = portfolio.card(card_id)
    params = sheet_params(portfolio, card, language(portfolio, code))
    article = find_one(parse(render_component(renderer, "sheet", params, code)), "article", "fs-sheet")
    assert article.get("lang") == code
    blocks = [element.get("data-block") for element in article.iter() if element.get("data-block")]
    sources = ["sources"] if card.sources else []
    assert blocks == SHEET_BLOCKS[:4] + sources + SHEET_BLOCKS[4:] + (["key_figures"] if card.key_figures else [])
    text_column = find_one(article, "div", "fs-column--text")
    facts_column = find_one(article, "div", "fs-column--facts")
    assert [e.get("data-block") for e in text_column.iter() if e.get("data-block")] == SHEET_BLOCKS[:4] + sources
    assert [e.get("data-block") for e in facts_column.iter() if e.get("data-block")] == SHEET_BLOCKS[4:]


def test_print_sheet_footer_has_tagline_web_address_and_qr(portfolio: Portfolio, renderer: Renderer, code: str) -> None:
    card = portfolio.card("atmp")
    body = parse(renderer.sheet_html(card, code))
    footer = find_one(body, "footer", "fs-print-footer")
    assert text(find_one(footer, "p", "fs-print-footer__tagline")) == portfolio.settings.tagline[code]
    address = portfolio.settings.base_url + page_url(portfolio, card.id, code)
    assert address.startswith("https://portfolio.example.org/")
    link = find_one(footer, "a")
    assert link.get("href") == address and text(link) == address
    qr = find_one(footer, "img", "fs-print-footer__qr")
    assert qr.get("src") == "qr:" + address  # drawn by the PDF step, for the sheets it renders
    assert qr.get("alt") == portfolio.settings.labels["qr_alt"][code]


def test_ids_are_unique_in_sheets_and_covers(portfolio: Portfolio, renderer: Renderer, code: str) -> None:
    documents = [renderer.sheet_html(card, code) for card in portfolio.cards] + [renderer.cover_html(code)]
    for html in documents:
        ids = [element.get("id") for element in parse(html).iter() if element.get("id")]
        assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]


def test_cover_lists_each_programme_with_its_flagships(portfolio: Portfolio, renderer: Renderer, code: str) -> None:
    cover = find_one(parse(renderer.cover_html(code)), "section", "fs-cover")
    links = [text(a) for a in find_all(cover, "a")]
    assert links == [card.title[code] for card in portfolio.cards]  # the programme, then its flagships
    assert portfolio.cards[0].kind == "programme"


def test_closing_page_carries_the_tagline(portfolio: Portfolio, renderer: Renderer, code: str) -> None:
    body = parse(renderer.closing_html(code))
    assert text(find_one(body, "section", "fs-closing")) == portfolio.settings.tagline[code]


# --- card text: Markdown to safe HTML ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "Tekst <script>alert(1)</script> midden in een zin.",
        "a <img src=x onerror=alert(1)> b",
        '<iframe src="https://evil.example"></iframe>',
        "<div>\n<script>alert(1)</script>\n</div>",
        'x <b onclick="alert(1)">vet</b>',
        '<a href="javascript:alert(1)">klik</a>',
        "<style>body{display:none}</style>",
    ],
)
def test_markdown_raw_html_is_never_passed_through(source: str) -> None:
    html = str(markdown_to_html(source))
    body = parse(html)
    tags = {element.tag for element in body.iter()} - {"body"}
    assert tags <= {"p"}, tags
    assert not any(name.startswith("on") for element in body.iter() for name in element.attrib)
    # Escaped, not dropped: the editor sees what they wrote.
    assert "<" in text(body)


@pytest.mark.parametrize(
    "source",
    [
        "[klik](javascript:alert(1))",
        "[klik](JaVaScRiPt:alert(1))",
        "[klik](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[klik](vbscript:msgbox(1))",
        "<javascript:alert(1)>",
    ],
)
def test_markdown_dangerous_links_lose_their_address(source: str) -> None:
    body = parse(str(markdown_to_html(source)))
    hrefs = [element.get("href") for element in body.iter("a") if element.get("href") is not None]
    assert hrefs == []


def test_markdown_keeps_http_https_and_mailto_links() -> None:
    html = markdown_to_html("[a](https://example.org/x) [b](http://example.org) [c](mailto:info@example.org)")
    links = find_all(parse(str(html)), "a")
    assert [link.get("href") for link in links] == [
        "https://example.org/x",
        "http://example.org",
        "mailto:info@example.org",
    ]
    assert [text(link) for link in links] == ["a", "b", "c"]


def test_markdown_keeps_lists_and_emphasis() -> None:
    body = parse(str(markdown_to_html("Intro met *nadruk* en **vet**.\n\n- een\n- twee\n\n1. eerst\n2. dan")))
    assert text(find_one(body, "em")) == "nadruk"
    assert text(find_one(body, "strong")) == "vet"
    assert [text(li) for li in find_all(find_one(body, "ul"), "li")] == ["een", "twee"]
    assert [text(li) for li in find_all(find_one(body, "ol"), "li")] == ["eerst", "dan"]


def test_markdown_drops_images() -> None:
    assert find_all(parse(str(markdown_to_html("![logo](https://example.org/logo.png)"))), "img") == []


# --- pages for MkDocs ----------------------------------------------------------------------------------


def split_front_matter(page: str) -> tuple[dict[str, Any], str]:
    assert page.startswith("---\n")
    head, _, body = page[4:].partition("\n---\n")
    return yaml.safe_load(head), body


def assert_theme_safe(value: str, original: str) -> None:
    """Safe where MkDocs' theme prints it unescaped: no markup and no quote, and nothing else lost."""
    assert not set(value) & set('<>"'), value
    assert unescape(value) == original


def test_card_page_front_matter_escapes_html(portfolio: Portfolio) -> None:
    title = '<script>alert(1)</script> "quoted" & co'
    card = portfolio.card("atmp").model_copy(
        update={
            "title": {"nl": title, "en": "Safe"},
            "summary": {"nl": 'Een <b>vet</b> "<img src=x onerror=alert(1)>" begin. Daarna meer.', "en": "Safe."},
        }
    )
    hostile = with_card(portfolio, card)
    meta, body = split_front_matter(Renderer(hostile, ROOT / "templates").card_page(card, "nl"))
    assert_theme_safe(meta["title"], title)
    assert_theme_safe(meta["description"], 'Een <b>vet</b> "<img src=x onerror=alert(1)>" begin.')
    assert meta["card_id"] == "atmp"
    page = parse(body)
    assert find_all(page, "script") == [] and find_all(page, "b") == []
    assert text(find_one(page, "h1")) == title


def test_card_page_links_to_its_pdf_and_programme(portfolio: Portfolio, renderer: Renderer) -> None:
    _, body = split_front_matter(renderer.card_page(portfolio.card("atmp"), "en"))
    page = parse(body)
    base = "https://portfolio.example.org/" + page_url(portfolio, "atmp", "en")
    hrefs = {urljoin(base, link.get("href", "")) for link in find_all(page, "a")}
    assert "https://portfolio.example.org/pdf/atmp.en.pdf" in hrefs
    assert "https://portfolio.example.org/en/projecten/biotech-nexus/" in hrefs


# --- relative links ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "from_page", "expected"),
    [
        ("pdf/atmp.nl.pdf", "projecten/atmp/", "../../pdf/atmp.nl.pdf"),
        ("pdf/atmp.en.pdf", "en/projecten/atmp/", "../../../pdf/atmp.en.pdf"),
        ("en/projecten/atmp/", "projecten/atmp/", "../../en/projecten/atmp/"),
        ("projecten/biotech-nexus/", "projecten/atmp/", "../biotech-nexus/"),
        ("projecten/atmp/", "projecten/atmp/", "./"),
        ("projecten/atmp/", "", "projecten/atmp/"),
        ("portfolio.json", "", "portfolio.json"),
        ("portfolio.json", "en/", "../portfolio.json"),
        ("", "", "./"),
    ],
)
def test_relative(target: str, from_page: str, expected: str) -> None:
    link = relative(target, from_page)
    assert link == expected
    # Whatever its spelling, the link must lead from the page to the target.
    assert urljoin("https://site.example/" + from_page, link) == "https://site.example/" + target


@pytest.mark.parametrize("from_page", ["projecten/atmp/", "en/", "en/projecten/atmp/"])
def test_relative_to_the_site_root_resolves_to_the_root(from_page: str) -> None:
    assert urljoin("https://site.example/" + from_page, relative("", from_page)) == "https://site.example/"
