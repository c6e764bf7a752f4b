"""The built website in real Chromium: navigation, language switch, accessibility, privacy, small screens, search."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import axe_playwright_python
import pytest
from conftest import build_three_domains, fixture_settings, serving
from test_site import page_file

pytestmark = pytest.mark.browser

AXE_JS = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RESULT_TIMEOUT_MS = 15_000


# --- shared helpers ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def base_url(built_site: Path) -> Iterator[str]:
    """The built site served on 127.0.0.1 (any free port) from a background thread."""
    with serving(built_site) as url:
        yield url


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    yield context
    context.close()


@pytest.fixture
def page(context: Any) -> Any:
    return context.new_page()


@pytest.fixture(scope="session")
def manifest(built_site: Path) -> dict[str, Any]:
    return json.loads((built_site / "portfolio.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def pages(built_site: Path) -> dict[str, list[str]]:
    """Every HTML page's URL path, by language: the default language's at the root, the others under <lang>/."""
    languages = json.loads((built_site / "portfolio.json").read_text(encoding="utf-8"))["languages"]
    by_language: dict[str, list[str]] = {code: [] for code in languages}
    for path in sorted(built_site.rglob("*.html")):
        url = path.relative_to(built_site).as_posix().removesuffix("index.html")
        first = url.split("/")[0] if "/" in url else ""
        by_language[first if first in languages[1:] else languages[0]].append(url)
    return by_language


def all_pages(pages: dict[str, list[str]]) -> list[str]:
    return [url for urls in pages.values() for url in urls]


def path_of(url: str) -> str:
    return urlsplit(url).path


# --- going from the overview to a card and to its English twin ------------------------------------------


def test_overview_to_card_then_to_english(page, base_url, manifest):
    flagship = next(card for card in manifest["cards"] if card["kind"] == "flagship")
    nl, en = flagship["urls"]["nl"]["page"], flagship["urls"]["en"]["page"]
    page.goto(base_url)
    page.locator("#comparison").get_by_role("link", name=flagship["title"]["nl"], exact=True).click()
    page.wait_for_url(base_url + nl)
    assert page.locator("h1").inner_text() == flagship["title"]["nl"]

    page.locator(".md-header .md-select button").hover()
    page.locator(".md-header .md-select").get_by_role("link", name="English").click()
    page.wait_for_url(base_url + en)
    assert path_of(page.url) == f"/en/projecten/{flagship['id']}/"
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == flagship["title"]["en"]


# --- accessibility: axe-core, WCAG 2.1 A and AA -----------------------------------------------------------

RUN_AXE = r"""async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
    targets: v.nodes.slice(0, 5).map(node => node.target.join(' ')),
    summary: v.nodes[0].failureSummary.replace(/\s+/g, ' ')
  }));
}"""


def axe_violations(page: Any, url: str) -> list[dict[str, Any]]:
    page.goto(url)
    page.evaluate("document.fonts.ready.then(() => true)")
    page.add_script_tag(content=AXE_JS)
    return page.evaluate(RUN_AXE, WCAG_TAGS)


@pytest.mark.parametrize("code", ["nl", "en"])
def test_axe_finds_no_wcag21_aa_violations(page, base_url, pages, code):
    report = []
    for url in pages[code]:
        for violation in axe_violations(page, base_url + url):
            report.append(
                f"/{url}: {violation['id']} ({violation['impact']}, {violation['count']} nodes): {violation['help']}\n"
                + "".join(f"      {target}\n" for target in violation["targets"])
                + f"      first: {violation['summary']}\n"
            )
    assert not report, "axe-core WCAG 2.1 A/AA violations:\n" + "".join(report)


def test_axe_catches_a_violation(page, base_url):
    """The check above can fail: an image without alt text on a served page is reported."""
    page.goto(base_url)
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<img src=\"assets/images/favicon.png\">')")
    page.add_script_tag(content=AXE_JS)
    assert "image-alt" in [violation["id"] for violation in page.evaluate(RUN_AXE, WCAG_TAGS)]


# --- privacy: every request stays on this machine ---------------------------------------------------------


def test_no_request_leaves_localhost(context, base_url, pages):
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    # Anything headed elsewhere is recorded above and then stopped here, so the test does not wait on the network.
    context.route(
        "**/*",
        lambda route: route.continue_() if urlsplit(route.request.url).hostname == "127.0.0.1" else route.abort(),
    )
    page = context.new_page()
    for url in all_pages(pages):
        page.goto(base_url + url, wait_until="networkidle")
    assert any(path_of(url) == "/search/search_index.json" for url in requested), "the search index was never loaded"
    outside = sorted(
        {
            url
            for url in requested
            if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).hostname != "127.0.0.1"
        }
    )
    assert outside == [], "requests to other hosts:\n" + "\n".join(outside)


# --- small screens: nothing scrolls sideways at 375 px ------------------------------------------------------

WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(element => element.getBoundingClientRect().right > window.innerWidth + 0.5)
  .slice(0, 5)
  .map(element => element.tagName.toLowerCase() + (element.className && typeof element.className === 'string'
       ? '.' + element.className.trim().split(/\\s+/).join('.') : '')
       + ' right=' + Math.round(element.getBoundingClientRect().right))"""


def test_nothing_scrolls_sideways_at_375_px(browser, base_url, pages):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    try:
        page = context.new_page()
        too_wide = []
        for url in all_pages(pages):
            page.goto(base_url + url)
            scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if scroll_width > inner_width:
                too_wide.append(f"/{url}: scrollWidth {scroll_width} > {inner_width}; {page.evaluate(WIDEST)}")
    finally:
        context.close()
    assert too_wide == []


# --- search, in both languages -------------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "word"), [("nl", "zonnebloemnetwerk"), ("en", "sunflower")])
def test_search_finds_the_card_in_its_language(page, base_url, manifest, code, word):
    nexus = next(card for card in manifest["cards"] if card["id"] == "alpha")
    texts = [value[code] for value in nexus.values() if isinstance(value, dict) and isinstance(value.get(code), str)]
    assert word in " ".join(texts).lower(), f"{word!r} is not in the card any more: choose another word"
    home = "" if code == manifest["default_language"] else f"{code}/"
    page.goto(base_url + home)
    page.locator(".md-search__input").click()
    page.locator(".md-search__input").press_sequentially(word, delay=50)
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=RESULT_TIMEOUT_MS)
    hrefs = [path_of(href) for href in results.locator("a").evaluate_all("links => links.map(a => a.href)")]
    assert "/" + nexus["urls"][code]["page"] in hrefs


@pytest.mark.parametrize("width", [375, 1280])
def test_the_timeline_and_trl_scales_lie_on_one_line(browser, base_url, width):
    """Material styles every content list; the sheet's scales are lists and must stay horizontal bars."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(base_url + "projecten/alpha-vaccines/")
        for scale in (".fs-timeline__bar", ".fs-trl"):
            tops = page.eval_on_selector_all(
                f"{scale} li", "cells => cells.map(c => Math.round(c.getBoundingClientRect().top))"
            )
            assert len(tops) >= 9 and len(set(tops)) == 1, (scale, tops)
    finally:
        page.close()


# --- the comparison table's filters and sorting, driven as a reader does ----------------------------------

SETTINGS = fixture_settings()
LABELS = SETTINGS["labels"]
VISIBLE_TITLES = "rows => rows.filter(row => !row.hidden).map(row => row.querySelector('th a').textContent.trim())"


def shown_titles(page: Any) -> list[str]:
    return page.eval_on_selector_all("#comparison tbody tr", VISIBLE_TITLES)


@pytest.mark.parametrize("code", ["nl", "en"])
def test_the_comparison_table_filters_by_each_field(page, base_url, manifest, code):
    cards = manifest["cards"]
    page.goto(base_url + ("" if code == manifest["default_language"] else f"{code}/"))
    form = page.locator("form.fs-filters")
    assert form.is_visible(), "the script did not show the filters"
    assert shown_titles(page) == [card["title"][code] for card in cards]

    def choose(name: str, label: str, expected: list[dict[str, Any]]) -> None:
        form.locator(f"select[name={name}]").select_option(label=label)
        assert shown_titles(page) == [card["title"][code] for card in expected], (name, label)
        count = LABELS["shown_count"][code].format(shown=len(expected), total=len(cards))
        assert form.locator("output").inner_text() == count
        form.locator(f"select[name={name}]").select_option(value="")

    energy = cards[2]["domain"][code]
    choose("domain", energy, [card for card in cards if card["domain"][code] == energy])
    choose("kind", LABELS["kind.flagship"][code], [card for card in cards if card["kind"] == "flagship"])
    market = LABELS["market.exploration"][code]
    choose("market", market, [card for card in cards if card["readiness"]["market"] == "exploration"])
    for level in (2, 9):
        within = [card for card in cards if card["readiness"]["trl"]["min"] <= level <= card["readiness"]["trl"]["max"]]
        assert 0 < len(within) < len(cards)
        choose("trl", str(level), within)
    assert shown_titles(page) == [card["title"][code] for card in cards]


def test_the_comparison_table_sorts_by_size_and_by_name(page, base_url, manifest):
    cards = manifest["cards"]
    code = manifest["default_language"]
    page.goto(base_url)
    by_size = [card["title"][code] for card in sorted(cards, key=lambda card: card["budget"]["total_meur"])]
    assert shown_titles(page) != by_size, "the fixture is already in size order: the test would prove nothing"
    size = page.locator("#comparison thead").get_by_role("button", name=LABELS["size"][code], exact=False)
    size.click()
    assert shown_titles(page) == by_size
    assert page.locator("#comparison thead th").nth(3).get_attribute("aria-sort") == "ascending"
    size.click()
    assert shown_titles(page) == by_size[::-1]
    page.locator("#comparison thead").get_by_role("button", name=LABELS["card"][code], exact=False).click()
    assert shown_titles(page) == sorted((card["title"][code] for card in cards), key=str.lower)


# --- search in the offline copy, opened from the file system -----------------------------------------------------


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory: pytest.TempPathFactory, pdf_cache: Path) -> Path:
    """The three-domain portfolio built as ``build.py --offline`` builds it (its sheets from the session's cache)."""
    return build_three_domains(tmp_path_factory, pdf_cache, offline=True)


@pytest.mark.parametrize(("code", "word"), [("nl", "zonnebloemnetwerken"), ("en", "laboratory")])
def test_search_works_in_the_offline_copy_opened_from_files(browser, offline_site, manifest, code, word):
    """A page opened from a file may fetch no file and start no worker from one: the offline copy searches all the
    same, in the page's language with its stemming, and its results open the pages' files."""
    alpha = next(card for card in manifest["cards"] if card["id"] == "alpha")
    home = "" if code == manifest["default_language"] else f"{code}/"
    page = browser.new_page(viewport={"width": 375, "height": 800})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto((offline_site / home / "index.html").as_uri())
        page.locator("label.md-header__button[for=__search]").click()
        page.locator(".md-search__input").press_sequentially(word, delay=50)
        results = page.locator(".md-search-result__item")
        results.first.wait_for(timeout=RESULT_TIMEOUT_MS)
        hrefs = [href.split("?")[0] for href in results.locator("a").evaluate_all("links => links.map(a => a.href)")]
        card_file = (offline_site / alpha["urls"][code]["page"] / "index.html").as_uri()
        assert card_file in hrefs
        results.locator(f"a[href^='{card_file}']").first.click()
        page.wait_for_url(card_file + "*")
        assert page.locator("h1").first.inner_text() == alpha["title"][code]
    finally:
        page.close()
    assert errors == []


# --- each page's own CSS: the same page as with every stylesheet ----------------------------------------------

COMPUTED_STYLES = r"""() => {
  const still = document.createElement('style');
  still.textContent = '*, ::before, ::after { transition: none !important; animation: none !important; }';
  document.head.append(still);
  return Array.from(document.querySelectorAll('body, body *')).map(element => {
    const style = getComputedStyle(element);
    const values = Array.from(style).filter(name => !name.startsWith('--'))
      .map(name => name + ':' + style.getPropertyValue(name));
    return element.tagName + '.' + element.className + ' ' + values.join(';');
  });
}"""


def with_every_stylesheet(page_html: str, site: Path) -> str:
    """The page as the theme wrote it: Material's stylesheets and the project's linked, in mkdocs.yml's order."""
    stylesheets = [
        *(f"/assets/stylesheets/{path.name}" for name in ("main", "palette")
          for path in (site / "assets" / "stylesheets").glob(f"{name}.*.min.css")),
        "/assets/css/blocks.css",
        "/assets/css/site.css",
    ]  # fmt: skip
    links = "".join(f'<link rel="stylesheet" href="{href}">' for href in stylesheets)
    start, end = page_html.index("<style>"), page_html.index("</style>") + len("</style>")
    return page_html[:start] + links + page_html[end:]


def computed_styles(page: Any, url: str) -> list[str]:
    page.goto(url, wait_until="networkidle")
    page.evaluate("document.fonts.ready.then(() => true)")
    return page.evaluate(COMPUTED_STYLES)


@pytest.mark.parametrize("width", [375, 1280])
def test_every_element_looks_as_it_would_with_every_stylesheet(browser, base_url, built_site, manifest, width):
    """The rules a page's CSS leaves out (factsheets/page_styles.py) are the ones that style nothing on it: each
    element's computed style is the same as with Material's and the project's whole stylesheets linked."""
    card_page = manifest["cards"][0]["urls"]["nl"]["page"]
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()

        def every_stylesheet(route: Any) -> None:
            path = page_file(built_site, urlsplit(route.request.url).path.lstrip("/"))
            body = with_every_stylesheet(path.read_text(encoding="utf-8"), built_site)
            route.fulfill(content_type="text/html", body=body)

        page.route("**/*?every-stylesheet", every_stylesheet)
        for url in ("", card_page, "en/nieuws/", "404.html"):
            trimmed = computed_styles(page, base_url + url)
            whole = computed_styles(page, base_url + url + "?every-stylesheet")
            assert len(trimmed) == len(whole) > 50, url
            assert [style for style in trimmed if style not in whole] == [], url
    finally:
        context.close()


# --- fonts: the stand-in font takes the place the web font will take -----------------------------------------

TEXT_BOXES = """() => Array.from(document.querySelectorAll('article h1, article h2, article p, article li, article td'))
  .map(element => element.getBoundingClientRect()).filter(box => box.top < innerHeight)
  .flatMap(box => [box.top, box.bottom])"""
"""The tops and bottoms of the text blocks on the first screen: what the reader would see move (what Lighthouse's
layout shift counts)."""


def text_boxes(context: Any, url: str, fonts: bool) -> tuple[list[float], list[str]]:
    """The tops and bottoms of a page's text blocks, with or without its web fonts; and the faces it drew with."""
    page = context.new_page()
    if not fonts:
        page.route("**/*.woff2", lambda route: route.abort())
    page.goto(url, wait_until="networkidle")
    page.evaluate("document.fonts.ready.then(() => true)")
    faces = page.evaluate("() => [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)")
    boxes = page.evaluate(TEXT_BOXES)
    page.close()
    return boxes, faces


def test_text_set_in_the_stand_in_font_takes_the_place_of_the_web_font(browser, base_url, manifest):
    """No layout shift when the fonts arrive: until they do, the text is set in a local font scaled to their
    metrics (site.css), on this machine DejaVu Sans; every text block on the first screen is where it will stay.
    (Unscaled, DejaVu Sans sets running text about a fifth wider than Source Sans 3.)"""
    context = browser.new_context(viewport={"width": 375, "height": 800})
    try:
        for url in ("", manifest["cards"][0]["urls"]["nl"]["page"], "en/nieuws/"):
            with_fonts, faces = text_boxes(context, base_url + url, fonts=True)
            stand_in, stand_in_faces = text_boxes(context, base_url + url, fonts=False)
            assert "Source Sans 3" in faces and "Source Sans 3" not in stand_in_faces, url
            assert "Source Sans 3 fallback DejaVu" in stand_in_faces, url
            assert len(with_fonts) == len(stand_in) >= 6, url
            moved = max(abs(edge - other) for edge, other in zip(with_fonts, stand_in, strict=True))
            assert moved < 2, f"{url}: a text block moves {moved:.0f} px when the fonts arrive"
    finally:
        context.close()
