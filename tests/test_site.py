"""The built website, read with an HTML parser: pages where the manifest says, languages, links, no third parties."""

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
import yaml
from portfolios import FIXTURE_DATA

ROOT = Path(__file__).resolve().parent.parent
SITE_URL = "https://portfolio.example.org/"
SITE_HOST = urlsplit(SITE_URL).netloc
SETTINGS = yaml.safe_load((FIXTURE_DATA / "site.yml").read_text(encoding="utf-8"))
LANGUAGES: list[str] = SETTINGS["languages"]
DEFAULT = LANGUAGES[0]
CARD_IDS = sorted(path.stem for path in (FIXTURE_DATA / "cards").glob("*.yml"))
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
    # Relative in the page (Material fetches sitemap.xml beside each alternate); absolute in sitemap.xml.
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
        ("nl", "biotech-nexus", "€ 21.200 miljoen"),
        ("nl", "precision-diagnostics", "€ 460 miljoen"),
        ("en", "biotech-nexus", "€21,200 million"),
        ("en", "atmp", "€2,250 million"),
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


def test_search_index_holds_every_card_page_of_every_language(built_site, manifest):
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {doc["location"] for doc in index["docs"]}
    expected = {urls["page"] for entry in manifest["cards"] for urls in entry["urls"].values()}
    assert expected - locations == set()
    texts = {doc["location"]: doc["text"] for doc in index["docs"]}
    nexus = next(entry for entry in manifest["cards"] if entry["id"] == "biotech-nexus")
    assert "vliegwiel" in texts[nexus["urls"]["nl"]["page"]].lower()
    assert "flywheel" in texts[nexus["urls"]["en"]["page"]].lower()


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
        '<body><a href="https://elsewhere.example.com/">fine</a><img src="https://portfolio.example.org/i.png">'
        '<img srcset="a.png 1x, https://img.example.com/b.png 2x"></body></html>'
    )
    (tmp_path / "x.css").write_text('@import "https://evil.example.com/a.css"; p { background: url(/ok.png) }')
    found = list(third_party_resources(tmp_path))
    assert len(found) == 4, found


def test_fonts_are_self_hosted(built_site):
    fonts = built_site / "assets" / "fonts"
    # WOFF 1, not WOFF2: WeasyPrint embeds the same files, and decompressing WOFF2 cost it 0.4 s a sheet.
    woff = sorted(fonts.glob("*.woff"))
    assert woff and all(path.read_bytes()[:4] == b"wOFF" for path in woff)
    stylesheet = built_site / "assets" / "css" / "site.css"
    faces = re.findall(r"@font-face\s*{([^}]*)}", stylesheet.read_text(encoding="utf-8"))
    assert faces
    for face in faces:
        sources = css_urls(face)
        assert sources, face
        for source in sources:
            target = (stylesheet.parent / source).resolve()
            assert target.parent == fonts.resolve() and target.suffix == ".woff" and target.is_file(), source
    for path in [*html_files(built_site), *built_site.rglob("*.css"), *built_site.rglob("*.js")]:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert "fonts.googleapis.com" not in text and "fonts.gstatic.com" not in text, path


# --- every internal link resolves ---------------------------------------------------------------------------


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
