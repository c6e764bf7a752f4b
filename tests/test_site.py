"""The built website, read with an HTML parser: pages where the manifest says, languages, links, no third parties.

The site is the three-domain portfolio's (tests/fixtures/three-domains), built once by the ``built_site`` fixture.
"""

from __future__ import annotations

import functools
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from conftest import THREE_DOMAINS_DATA, counted_once, fixture_cards, fixture_portfolio, fixture_settings, money

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = fixture_settings()
SITE_URL = SETTINGS["base_url"]
SITE_HOST = urlsplit(SITE_URL).netloc
LANGUAGES: list[str] = SETTINGS["languages"]
DEFAULT = LANGUAGES[0]
CARD_IDS = sorted(path.stem for path in (THREE_DOMAINS_DATA / "cards").glob("*.yml"))
LABELS = SETTINGS["labels"]
CARDS = {card["id"]: card for card in fixture_cards()}  # as written in the fixture's files
PORTFOLIO_TOTAL = 1460  # tests/fixtures/three-domains/README.md: alpha's flagships are in its 1000
CARD_LANGUAGES = [(card_id, code) for card_id in CARD_IDS for code in LANGUAGES]


# --- a small DOM on top of the stdlib's html.parser -------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Element:
    def __init__(self, tag: str, attrs: dict[str, str], parent: Element | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Element | str] = []

    def iter(self) -> Iterator[Element]:
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[Element]:
        return [
            element
            for element in self.iter()
            if (tag is None or element.tag == tag)
            and (cls is None or cls in element.classes)
            and all(element.attrs.get(name) == value for name, value in attrs.items())
        ]

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> Element:
        found = self.find_all(tag, cls, **attrs)
        assert found, f"no <{tag or '*'}> with class={cls} {attrs}"
        return found[0]

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def text(self) -> str:
        parts = (child if isinstance(child, str) else child.text() for child in self.children)
        return " ".join(" ".join(parts).replace("\xa0", " ").replace("\u202f", " ").split())


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = self.current = Element("#document", {}, None)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs}, self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Element(tag, {name: value or "" for name, value in attrs}, self.current))

    def handle_endtag(self, tag: str) -> None:
        node: Element | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:  # a stray end tag is ignored
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


@functools.cache
def parse(path: Path) -> Element:
    builder = _TreeBuilder()
    builder.feed(path.read_text(encoding="utf-8"))
    builder.close()
    return builder.root


# --- where things are ---------------------------------------------------------------------------------


def page_file(site: Path, url_path: str) -> Path:
    """The file a site-relative URL path is served from: a folder URL is its index.html."""
    target = site / url_path
    return target / "index.html" if url_path in ("", ".") or url_path.endswith("/") or target.is_dir() else target


def resolve(page_url: str, href: str) -> str | None:
    """``href`` on the page at site-relative ``page_url``, as a site-relative path; None when it leaves the site."""
    parts = urlsplit(urljoin(SITE_URL + page_url, href))
    if parts.scheme not in ("http", "https") or parts.netloc != SITE_HOST:
        return None
    return parts.path.lstrip("/")


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def url_of(site: Path, file: Path) -> str:
    """The site-relative URL a built file is served at."""
    return file.relative_to(site).as_posix()


def home_of(code: str) -> str:
    return "" if code == DEFAULT else f"{code}/"


def is_third_party(url: str) -> bool:
    url = url.strip()
    if not re.match(r"(?i)^(https?:)?//", url):
        return False
    return urlsplit(url if not url.startswith("//") else "https:" + url).netloc.lower() != SITE_HOST


CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)['"]""", re.IGNORECASE)


def css_urls(css: str) -> list[str]:
    return [url or imported for url, imported in CSS_URL.findall(css)]


@pytest.fixture(scope="session")
def manifest(built_site: Path) -> dict[str, Any]:
    return json.loads((built_site / "portfolio.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def card(manifest: dict[str, Any]) -> Callable[[str], dict[str, Any]]:
    cards = {entry["id"]: entry for entry in manifest["cards"]}
    return lambda card_id: cards[card_id]


# --- the manifest -----------------------------------------------------------------------------------------


def test_manifest_has_the_contracts_shape(manifest):
    assert manifest["languages"] == LANGUAGES
    assert manifest["default_language"] == DEFAULT
    assert sorted(entry["id"] for entry in manifest["cards"]) == CARD_IDS
    for entry in manifest["cards"]:
        assert {"id", "kind", "title", "budget", "timeline", "urls"} <= entry.keys(), entry["id"]
        assert entry["kind"] in ("programme", "flagship")
        assert set(entry["title"]) == set(LANGUAGES) and all(entry["title"].values())
        assert entry["budget"]["total_meur"] > 0
        assert entry["timeline"]["start"] <= entry["timeline"]["end"]
        assert set(entry["urls"]) == set(LANGUAGES)
        for code, urls in entry["urls"].items():
            assert set(urls) >= {"page", "pdf"}
            assert urls["page"].endswith("/") and urls["page"].startswith(home_of(code))
            if code == DEFAULT:  # the default language lives at the root, not under another language
                assert urls["page"].split("/")[0] not in LANGUAGES
    assert set(manifest["booklet"]) == set(LANGUAGES)


def test_every_path_in_the_manifest_exists(built_site, manifest):
    paths = [urls[kind] for entry in manifest["cards"] for urls in entry["urls"].values() for kind in ("page", "pdf")]
    paths += list(manifest["booklet"].values())
    missing = [path for path in paths if not page_file(built_site, path).is_file()]
    assert missing == []
    pdfs = [path for path in paths if path.endswith(".pdf")]
    assert all((built_site / path).read_bytes()[:5] == b"%PDF-" for path in pdfs)


# --- every card page in every language ------------------------------------------------------------------


@pytest.mark.parametrize(("card_id", "code"), CARD_LANGUAGES)
def test_card_page_is_where_the_manifest_says_in_its_language(built_site, card, card_id, code):
    entry = card(card_id)
    path = page_file(built_site, entry["urls"][code]["page"])
    assert path.is_file()
    document = parse(path)
    assert document.find("html").attrs.get("lang") == code
    assert document.find("title").text().startswith(entry["title"][code])
    assert document.find("h1").text() == entry["title"][code]


@pytest.mark.parametrize(("card_id", "code"), CARD_LANGUAGES)
def test_card_page_names_its_twins_with_hreflang_links(built_site, card, card_id, code):
    # Absolute in the page and in sitemap.xml (test_metadata.py reads the addresses as written).
    entry = card(card_id)
    page = entry["urls"][code]["page"]
    document = parse(page_file(built_site, page))
    alternates = {
        link.attrs["hreflang"]: resolve(page, link.attrs["href"]) for link in document.find_all("link", rel="alternate")
    }
    expected = {other: entry["urls"][other]["page"] for other in LANGUAGES}
    expected["x-default"] = entry["urls"][DEFAULT]["page"]
    assert alternates == expected


@pytest.mark.parametrize(("card_id", "code"), CARD_LANGUAGES)
def test_card_page_links_its_pdf(built_site, card, card_id, code):
    entry = card(card_id)
    page, pdf = entry["urls"][code]["page"], entry["urls"][code]["pdf"]
    links = [
        a.attrs["href"]
        for a in parse(page_file(built_site, page)).find_all("a")
        if a.attrs.get("href", "").endswith(pdf)
    ]
    assert links, f"no link to {pdf} on {page}"
    assert {resolve(page, href) for href in links} == {pdf}
    assert (built_site / pdf).is_file()


@pytest.mark.parametrize(("card_id", "code"), CARD_LANGUAGES)
def test_language_switcher_leads_to_the_same_card(built_site, card, card_id, code):
    entry = card(card_id)
    page = entry["urls"][code]["page"]
    header = parse(page_file(built_site, page)).find("header", cls="md-header")
    switcher = header.find(cls="md-select")
    targets = {
        a.attrs["hreflang"]: resolve(page, a.attrs["href"]) for a in switcher.find_all("a") if "hreflang" in a.attrs
    }
    assert targets == {other: entry["urls"][other]["page"] for other in LANGUAGES}


# --- the overview -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", LANGUAGES)
def test_overview_links_every_card_its_booklet_and_the_open_data(built_site, manifest, code):
    home = home_of(code)
    document = parse(page_file(built_site, home))
    assert document.find("html").attrs.get("lang") == code
    targets = {resolve(home, a.attrs["href"]) for a in document.find_all("a") if "href" in a.attrs}
    expected = {entry["urls"][code]["page"] for entry in manifest["cards"]}
    expected |= {manifest["booklet"][code], "portfolio.json", "portfolio.csv"}
    assert expected - targets == set()


def test_the_overviews_together_link_both_booklets(built_site, manifest):
    targets = {
        resolve(home_of(code), a.attrs["href"])
        for code in LANGUAGES
        for a in parse(page_file(built_site, home_of(code))).find_all("a")
        if "href" in a.attrs
    }
    assert set(manifest["booklet"].values()) <= targets


@pytest.mark.parametrize("code", LANGUAGES)
def test_overview_names_its_twins_with_hreflang_links(built_site, code):
    home = home_of(code)
    document = parse(page_file(built_site, home))
    alternates = {
        link.attrs["hreflang"]: resolve(home, link.attrs["href"]) for link in document.find_all("link", rel="alternate")
    }
    expected = {other: home_of(other) for other in LANGUAGES} | {"x-default": home_of(DEFAULT)}
    assert alternates == expected


@pytest.mark.parametrize(
    ("code", "card_id", "amount"),
    [
        ("nl", "alpha", "€ 1.000 miljoen"),
        ("nl", "beta-delta", "€ 60 miljoen"),
        ("en", "alpha", "€1,000 million"),
        ("en", "alpha-grid", "€200 million"),
    ],
)
def test_overview_formats_money_per_language(built_site, card, code, card_id, amount):
    home = home_of(code)
    table = parse(page_file(built_site, home)).find("table", id="comparison")
    rows = [
        row
        for row in table.find_all("tr")
        if any(resolve(home, a.attrs.get("href", "")) == card(card_id)["urls"][code]["page"] for a in row.find_all("a"))
    ]
    assert len(rows) == 1
    size = rows[0].find("td", cls="fs-num")
    assert size.text() == amount


# --- not found, sitemap, search ---------------------------------------------------------------------------


@pytest.mark.parametrize("code", LANGUAGES)
def test_404_page_speaks_its_language(built_site, code):
    document = parse(built_site / home_of(code) / "404.html")
    assert document.find("html").attrs.get("lang") == code
    assert document.find("h1").text() == SETTINGS["labels"]["not_found_title"][code]


def test_sitemap_lists_every_card_page_of_every_language(built_site, manifest):
    tree = ET.parse(built_site / "sitemap.xml")
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = {loc.text for loc in tree.getroot().findall("s:url/s:loc", namespace)}
    expected = {SITE_URL + urls["page"] for entry in manifest["cards"] for urls in entry["urls"].values()}
    assert expected - locations == set()


def test_search_indexes_together_hold_every_card_page_of_every_language(built_site, manifest):
    # One index per language, at its root, with locations relative to that root (test_metadata.py).
    texts = {}
    for code in LANGUAGES:
        index = json.loads((built_site / home_of(code) / "search" / "search_index.json").read_text(encoding="utf-8"))
        texts.update({home_of(code) + doc["location"]: doc["text"] for doc in index["docs"]})
    expected = {urls["page"] for entry in manifest["cards"] for urls in entry["urls"].values()}
    assert expected - texts.keys() == set()
    alpha = next(entry for entry in manifest["cards"] if entry["id"] == "alpha")
    assert "zonnebloemnetwerk" in texts[alpha["urls"]["nl"]["page"]].lower()
    assert "sunflower" in texts[alpha["urls"]["en"]["page"]].lower()


# --- nothing from third parties, fonts self-hosted ----------------------------------------------------------

RESOURCE_ATTRIBUTES = ("src", "href", "srcset", "poster", "data", "action", "formaction")


def fetched_urls(element: Element) -> Iterator[str]:
    """What the browser fetches for one element: its resource attributes (not a link's href) and its CSS."""
    for name in RESOURCE_ATTRIBUTES:
        value = element.attrs.get(name)
        if value is None or (name == "href" and element.tag == "a"):
            continue
        if name == "srcset":
            yield from (part.split()[0] for part in value.split(",") if part.strip())
        else:
            yield value
    yield from css_urls(element.attrs.get("style", "") + (element.text() if element.tag == "style" else ""))


def third_party_resources(site: Path) -> Iterator[str]:
    """Every reference in an HTML page or a CSS file that the browser would fetch from another host."""
    for path in html_files(site):
        for element in parse(path).iter():
            yield from (
                f"{url_of(site, path)}: <{element.tag}> {url}" for url in fetched_urls(element) if is_third_party(url)
            )
    for path in sorted(site.rglob("*.css")):
        yield from (
            f"{url_of(site, path)}: {url}" for url in css_urls(path.read_text(encoding="utf-8")) if is_third_party(url)
        )


def test_no_page_or_stylesheet_loads_anything_from_another_host(built_site):
    assert list(third_party_resources(built_site)) == []


def test_the_third_party_scan_sees_what_it_should(tmp_path):
    """The scan above can fail: a script, a stylesheet, an image and a CSS url() from elsewhere are all caught."""
    (tmp_path / "index.html").write_text(
        '<html><head><script src="https://cdn.example.com/x.js"></script>'
        '<link rel="stylesheet" href="//fonts.googleapis.com/css"></head>'
        f'<body><a href="https://elsewhere.example.com/">fine</a><img src="{SITE_URL}i.png">'
        '<img srcset="a.png 1x, https://img.example.com/b.png 2x"></body></html>'
    )
    (tmp_path / "x.css").write_text('@import "https://evil.example.com/a.css"; p { background: url(/ok.png) }')
    found = list(third_party_resources(tmp_path))
    assert len(found) == 4, found


def test_fonts_are_self_hosted(built_site):
    fonts = built_site / "assets" / "fonts"
    # The sheets embed WOFF 1 (decompressing WOFF2 cost WeasyPrint 0.4 s a sheet); the pages load WOFF2, smaller.
    woff = sorted(fonts.glob("*.woff"))
    assert woff and all(path.read_bytes()[:4] == b"wOFF" for path in woff)
    stylesheet = built_site / "assets" / "css" / "site.css"
    faces = re.findall(r"@font-face\s*{([^}]*)}", stylesheet.read_text(encoding="utf-8"))
    downloaded = [face for face in faces if css_urls(face)]
    assert downloaded
    for face in downloaded:
        for source in css_urls(face):
            target = (stylesheet.parent / source).resolve()
            assert target.parent == fonts.resolve() and target.suffix == ".woff2", source
            assert target.read_bytes()[:4] == b"wOF2", source
    # The other faces are the metric-compatible stand-ins: fonts of the reader's system, fetched from nowhere.
    assert all("local(" in face and "url(" not in face for face in faces if face not in downloaded)
    for path in [*html_files(built_site), *built_site.rglob("*.css"), *built_site.rglob("*.js")]:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert "fonts.googleapis.com" not in text and "fonts.gstatic.com" not in text, path


def test_every_internal_link_and_resource_exists(built_site):
    broken, checked = [], 0
    for path in html_files(built_site):
        page = url_of(built_site, path)
        for element in parse(path).iter():
            for name in ("href", "src"):
                value = element.attrs.get(name, "").strip()
                if not value or value.startswith("#") or re.match(r"(?i)^(mailto|tel|javascript|data):", value):
                    continue
                target = resolve(page, value)
                checked += target is not None
                if target is not None and not page_file(built_site, target).is_file():
                    broken.append(f"{page}: <{element.tag} {name}={value}>")
    assert checked > 100 and broken == []


# --- text is escaped once, never twice ------------------------------------------------------------------------

ESCAPED = re.compile(r"&(amp|lt|gt|quot|#\d+|#x[0-9a-f]+);", re.IGNORECASE)


def test_no_page_shows_an_html_entity_as_text(built_site):
    """After parsing, an entity left in a text or an attribute was escaped twice (the reader sees "&amp;")."""
    found = []
    for path in html_files(built_site):
        for element in parse(path).iter():
            if element.tag in ("script", "style"):
                continue
            texts = [child.strip() for child in element.children if isinstance(child, str)]
            values = [f"{name}={value!r}" for name, value in element.attrs.items()]
            found += [
                f"{url_of(built_site, path)}: <{element.tag}> {text}" for text in texts + values if ESCAPED.search(text)
            ]
    assert found == []


def test_sitemap_names_every_card_pages_twins_with_absolute_hreflang_links(built_site, manifest):
    import xml.etree.ElementTree as ET

    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    urls = {
        url.findtext("s:loc", namespaces=ns): {
            link.get("hreflang"): link.get("href") for link in url.findall("x:link", ns)
        }
        for url in ET.parse(built_site / "sitemap.xml").getroot().findall("s:url", ns)
    }
    for entry in manifest["cards"]:
        expected = {code: SITE_URL + entry["urls"][code]["page"] for code in LANGUAGES}
        expected["x-default"] = SITE_URL + entry["urls"][DEFAULT]["page"]
        for code in LANGUAGES:
            assert urls[SITE_URL + entry["urls"][code]["page"]] == expected


# --- what readers read: the overview's and domain pages' figures, against the fixture computed here ---------


def stats(document: Element) -> dict[str, Element]:
    """The figures at the top of an overview or domain page, by their label."""
    return {item.find("dt").text(): item.find("dd") for item in document.find("dl", cls="fs-stats").find_all("div")}


def domains_of_fixture() -> dict[str, list[dict[str, Any]]]:
    """The fixture's cards by their domain's name in the default language."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for card in CARDS.values():
        grouped.setdefault(card["domain"][DEFAULT], []).append(card)
    return grouped


def table_rows(table: Element) -> list[list[str]]:
    return [
        [cell.text() for cell in row.find_all() if cell.tag in ("th", "td")]
        for row in table.find("tbody").find_all("tr")
    ]


def linked_pages(element: Element, page: str) -> list[str | None]:
    return [resolve(page, a.attrs["href"]) for a in element.find_all("a") if "href" in a.attrs]


def test_the_fixture_total_counts_included_flagships_once():
    assert counted_once(list(CARDS.values())) == PORTFOLIO_TOTAL
    assert sum(card["budget"]["total_meur"] for card in CARDS.values()) > PORTFOLIO_TOTAL


@pytest.mark.parametrize("code", LANGUAGES)
def test_overview_states_the_portfolios_counts_and_total(built_site, code):
    figures = stats(parse(page_file(built_site, home_of(code))))
    kinds = [card["kind"] for card in CARDS.values()]
    assert figures[LABELS["projects"][code]].text() == str(len(CARDS))
    assert figures[LABELS["programmes"][code]].text() == str(kinds.count("programme"))
    assert figures[LABELS["flagships"][code]].text() == str(kinds.count("flagship"))
    assert figures[LABELS["portfolio_total"][code]].find("span").text() == money(PORTFOLIO_TOTAL, code)


@pytest.mark.parametrize("code", LANGUAGES)
def test_overview_domain_table_counts_each_domain(built_site, code):
    table = parse(page_file(built_site, home_of(code))).find("table", cls="fs-domains")
    expected = [
        [
            cards[0]["domain"][code],
            str(len(cards)),
            str(sum(card["kind"] == "programme" for card in cards)),
            money(counted_once(cards), code),
            f"{min(c['timeline']['start'] for c in cards)}–{max(c['timeline']['end'] for c in cards)}",
        ]
        for cards in domains_of_fixture().values()
    ]
    assert len(expected) >= 3
    assert sorted(table_rows(table)) == sorted(expected)


@pytest.mark.parametrize("code", LANGUAGES)
def test_each_domain_page_lists_its_own_cards_and_their_total(built_site, manifest, code):
    home = home_of(code)
    overview = parse(page_file(built_site, home))
    links = {a.text(): resolve(home, a.attrs["href"]) for a in overview.find("table", cls="fs-domains").find_all("a")}
    urls = {entry["id"]: entry["urls"][code]["page"] for entry in manifest["cards"]}
    for cards in domains_of_fixture().values():
        page = links[cards[0]["domain"][code]]
        document = parse(page_file(built_site, page))
        assert document.find("h1").text() == cards[0]["domain"][code]
        listed = linked_pages(document.find("table", id="comparison"), page)
        assert sorted(listed) == sorted(urls[card["id"]] for card in cards), page
        assert stats(document)[LABELS["portfolio_total"][code]].find("span").text() == money(counted_once(cards), code)


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_comparison_table_has_every_cards_facts(built_site, manifest, code):
    home = home_of(code)
    table = parse(page_file(built_site, home)).find("table", id="comparison")
    rows = table.find("tbody").find_all("tr")
    assert [resolve(home, row.find("a").attrs["href"]) for row in rows] == [
        entry["urls"][code]["page"] for entry in manifest["cards"]
    ]
    for row, entry in zip(rows, manifest["cards"], strict=True):
        card = CARDS[entry["id"]]
        cells = [cell.text() for cell in row.find_all() if cell.tag in ("th", "td")]
        trl = card["readiness"]["trl"]
        assert cells[0] == card["title"][code]
        assert cells[1] == card["domain"][code]
        assert cells[2] == LABELS[f"kind.{card['kind']}"][code]
        assert cells[3] == money(card["budget"]["total_meur"], code)
        assert cells[4] == f"{card['timeline']['start']}–{card['timeline']['end']}"
        assert cells[5] == f"{trl['min']}–{trl['max']}"
        assert cells[6] == LABELS[f"market.{card['readiness']['market']}"][code]
        assert row.attrs["data-trl-min"] == str(trl["min"]) and row.attrs["data-trl-max"] == str(trl["max"])
        assert ("is-flagship" in row.classes) == (card["kind"] == "flagship")


def test_the_csv_has_every_cards_values_in_their_columns(built_site, manifest):
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO((built_site / "portfolio.csv").read_text(encoding="utf-8"))))
    assert [row["id"] for row in rows] == [entry["id"] for entry in manifest["cards"]]
    for row in rows:
        card = CARDS[row["id"]]
        shares, trl = card["shares"], card["readiness"]["trl"]
        # The provenance columns (unconfirmed values, sources) are tested in test_provenance.py.
        row = {key: value for key, value in row.items() if not key.startswith(("unconfirmed", "sources_"))}
        assert row == {
            "id": card["id"],
            "kind": card["kind"],
            "parent": card.get("parent", ""),
            **{f"title_{code}": card["title"][code] for code in LANGUAGES},
            "total_meur": str(card["budget"]["total_meur"]),
            "start": str(card["timeline"]["start"]),
            "end": str(card["timeline"]["end"]),
            "trl_min": str(trl["min"]),
            "trl_max": str(trl["max"]),
            "market": card["readiness"]["market"],
            **{key: str(shares[key]) for key in ("capital", "rnd", "public", "private")},
        }


# --- the charts: one scale, the largest budget filling it ---------------------------------------------------


def chart(document: Element, name: str) -> Element:
    return next(svg for svg in document.find_all("svg") if svg.attrs.get("aria-labelledby", "").startswith(name))


def bars(svg: Element) -> list[tuple[float, float]]:
    return [(float(rect.attrs["x"]), float(rect.attrs["width"])) for rect in svg.find_all("rect", cls="fs-chart__bar")]


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_budget_chart_draws_every_budget_on_one_scale_that_the_largest_fills(built_site, manifest, code):
    svg = chart(parse(page_file(built_site, home_of(code))), "budget-chart")
    width = float(svg.attrs["viewbox"].split()[2])  # html.parser lower-cases attribute names
    drawn = bars(svg)
    totals = [CARDS[entry["id"]]["budget"]["total_meur"] for entry in manifest["cards"]]
    assert len(drawn) == len(totals)
    per_meur = drawn[totals.index(max(totals))][1] / max(totals)
    for (x, bar_width), total in zip(drawn, totals, strict=True):
        assert bar_width == pytest.approx(total * per_meur, abs=0.1), (total, bar_width)
        assert x + bar_width <= width
    x, widest = max(drawn, key=lambda bar: bar[1])
    assert widest >= (width - x) / 2, "the largest budget does not fill the chart's scale"


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_timeline_chart_draws_every_card_from_its_first_to_its_last_year(built_site, manifest, code):
    svg = chart(parse(page_file(built_site, home_of(code))), "timeline-chart")
    axis = {int(text.text()): float(text.attrs["x"]) for text in svg.find_all("text", cls="fs-chart__axis")}
    starts = [CARDS[e["id"]]["timeline"]["start"] for e in manifest["cards"]]
    ends = [CARDS[e["id"]]["timeline"]["end"] for e in manifest["cards"]]
    assert sorted(axis) == list(range(min(starts), max(ends) + 1))
    year = axis[min(starts) + 1] - axis[min(starts)]
    for (x, bar_width), start, end in zip(bars(svg), starts, ends, strict=True):
        assert x == pytest.approx(axis[start] - year / 2, abs=1.2), start
        assert x + bar_width == pytest.approx(axis[end] + year / 2, abs=1.2), end


# --- navigation and the language switcher, as the HTML says them ---------------------------------------------


def language_pages(site: Path, code: str) -> list[Path]:
    """The reader's pages of one language: not the form editor at admin/ (en/admin/), which is no page of the site's."""
    others = [other for other in LANGUAGES if other != DEFAULT]
    if code == DEFAULT:
        return [path for path in html_files(site) if url_of(site, path).split("/")[0] not in [*others, "admin"]]
    return [path for path in html_files(site / code) if url_of(site, path).split("/")[1] != "admin"]


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_page_has_the_cards_menu(built_site, manifest, code):
    expected = sorted(entry["urls"][code]["page"] for entry in manifest["cards"])
    pages = language_pages(built_site, code)
    assert len(pages) > len(CARDS)
    for path in pages:
        page = url_of(built_site, path)
        nav = parse(path).find("nav", cls="md-nav--primary")
        sections = [
            item
            for item in nav.find_all("li", cls="md-nav__item--nested")
            if item.find("label", cls="md-nav__link").text() == LABELS["projects"][code]
        ]
        assert len(sections) == 1, f"{page}: no menu {LABELS['projects'][code]!r}"
        assert sorted(linked_pages(sections[0], page)) == expected, page


LANGUAGE_NAMES = {"nl": "Nederlands", "en": "English"}  # each language's name in itself
SWITCHER_LABEL = {"nl": "Selecteer taal", "en": "Select language"}  # Material's text, in the page's language


@pytest.mark.parametrize(("card_id", "code"), CARD_LANGUAGES)
def test_language_switcher_names_each_language_in_itself_and_speaks_the_pages_language(built_site, card, card_id, code):
    for page in (card(card_id)["urls"][code]["page"], home_of(code)):
        switcher = parse(page_file(built_site, page)).find("header", cls="md-header").find(cls="md-select")
        assert switcher.find("button").attrs.get("aria-label") == SWITCHER_LABEL[code], page
        shown = {a.attrs["hreflang"]: a.text() for a in switcher.find_all("a") if "hreflang" in a.attrs}
        assert shown == {other: LANGUAGE_NAMES[other] for other in LANGUAGES}, page


# --- each card's blocks as written: the same components make the sheet, so they are read once here ---------


def precondition_keys() -> list[str]:
    return [key.removeprefix("precondition.") for key in LABELS if key.startswith("precondition.")]


@pytest.mark.parametrize(("card_id", "code"), CARD_LANGUAGES)
def test_card_page_marks_each_precondition_as_the_card_says(built_site, card, card_id, code):
    document = parse(page_file(built_site, card(card_id)["urls"][code]["page"]))
    shown = {}
    for item in document.find("section", cls="fs-preconditions").find_all("li", cls="fs-precondition"):
        (mark,) = [
            name.removeprefix("fs-precondition--") for name in item.classes if name.startswith("fs-precondition--")
        ]
        label, spoken = item.text().rsplit(" : ", 1)
        assert spoken == LABELS[mark][code], "a screen reader hears another mark than the one shown"
        shown[label] = mark
    written = CARDS[card_id].get("preconditions") or {}
    keys = precondition_keys()
    assert len(keys) == 16
    assert shown == {LABELS[f"precondition.{key}"][code]: written.get(key, "not_assessed") for key in keys}


@pytest.mark.parametrize(("card_id", "code"), CARD_LANGUAGES)
def test_card_page_lists_organisations_with_their_roles_and_key_figures_with_year_and_source(
    built_site, card, card_id, code
):
    written = CARDS[card_id]
    page = card(card_id)["urls"][code]["page"]
    document = parse(page_file(built_site, page))
    organisations = document.find("section", cls="fs-organisations")
    expected = [
        f"{org['name']} ({org['role'][code]})" if "role" in org else org["name"] for org in written["organisations"]
    ]
    assert [item.text() for item in organisations.find_all("li")] == expected
    links = {a.text(): a.attrs["href"] for a in organisations.find_all("a")}
    assert links == {org["name"]: org["url"] for org in written["organisations"] if "url" in org}
    figures = document.find_all("section", cls="fs-key-figures")
    assert len(figures) == bool(written["key_figures"])
    for item, figure in zip(figures[0].find_all("li") if figures else [], written["key_figures"], strict=True):
        text = item.text()
        assert f"{figure['label'][code]} ({figure['year']})" in text
        assert text.endswith(f"{LABELS['source'][code].lower()}: {figure['source'][code]}")


@pytest.mark.parametrize(("card_id", "code"), CARD_LANGUAGES)
def test_card_page_leads_to_its_programme_or_lists_its_flagships(built_site, card, manifest, card_id, code):
    written = CARDS[card_id]
    page = card(card_id)["urls"][code]["page"]
    document = parse(page_file(built_site, page))
    if written["kind"] == "flagship":
        link = document.find("p", cls="fs-relation").find("a")
        assert link.text() == CARDS[written["parent"]]["title"][code]
        assert resolve(page, link.attrs["href"]) == card(written["parent"])["urls"][code]["page"]
        return
    flagships = [CARDS[entry["id"]] for entry in manifest["cards"] if entry.get("parent") == card_id]
    table = document.find("table", cls="fs-flagships__table")
    assert table_rows(table) == [[f["title"][code], money(f["budget"]["total_meur"], code)] for f in flagships]
    total = sum(f["budget"]["total_meur"] for f in flagships)
    assert [cell.text() for cell in table.find("tfoot").find_all() if cell.tag in ("th", "td")] == [
        LABELS["flagships_total"][code],
        money(total, code),
    ]


@pytest.mark.parametrize("code", LANGUAGES)
def test_overview_shows_each_programme_with_its_flagships_amounts(built_site, manifest, code):
    home = home_of(code)
    sections = parse(page_file(built_site, home)).find("div", cls="fs-overview__programmes").find_all("section")
    programmes = [entry for entry in manifest["cards"] if entry["kind"] == "programme"]
    assert len(sections) == len(programmes)
    for section, entry in zip(sections, programmes, strict=True):
        heading = section.find("a")
        assert resolve(home, heading.attrs["href"]) == entry["urls"][code]["page"]
        flagships = [CARDS[other["id"]] for other in manifest["cards"] if other.get("parent") == entry["id"]]
        rows = table_rows(section.find("table"))
        assert rows == [[f["title"][code], money(f["budget"]["total_meur"], code)] for f in flagships]


def test_a_large_portfolios_home_charts_show_one_bar_per_domain(tmp_path):
    """Above CHART_ROWS cards the home page charts domains, not cards (each domain page charts its cards)."""
    from factsheets.render import CHART_ROWS, Renderer
    from factsheets.validate import load_portfolio

    data = fixture_portfolio(tmp_path / "data")
    flagship = (data / "cards" / "beta-delta.yml").read_text(encoding="utf-8")
    for number in range(CHART_ROWS):
        copy = flagship.replace("id: beta-delta", f"id: beta-delta-{number}")
        copy = copy.replace("order: 1", f"order: {number + 2}")  # siblings each have their own order
        (data / "cards" / f"beta-delta-{number}.yml").write_text(copy, encoding="utf-8")
    portfolio = load_portfolio(data, tmp_path)
    assert len(portfolio.cards) > CHART_ROWS
    html = Renderer(portfolio, ROOT / "templates").overview_page(DEFAULT).split("---\n", 2)[2]
    builder = _TreeBuilder()
    builder.feed(html)
    svg = chart(builder.root, "budget-chart")
    domains = domains_of_fixture()
    labels = [text.text() for text in svg.find_all("text", cls="fs-chart__label")]
    assert sorted(labels) == sorted(cards[0]["domain"][DEFAULT] for cards in domains.values())
