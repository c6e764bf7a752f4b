"""The head of every page, the site's files for search engines, search per language and the theme's texts.

Read with an HTML parser on the three-domain portfolio's built site (tests/fixtures/three-domains), and in
Chromium where behaviour matters: every page loads without a failed request or a console error, and each
language searches its own pages with its own stemming.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, fixture_portfolio, fixture_settings, serving
from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF
from test_site import Element, html_files, page_file, parse, url_of

SETTINGS = fixture_settings()
SITE_URL = SETTINGS["base_url"]
SITE_PATH = "/" + SITE_URL.split("/", 3)[3]
LANGUAGES: list[str] = SETTINGS["languages"]
DEFAULT = LANGUAGES[0]
LABELS = SETTINGS["labels"]
OG_LOCALES = {"nl": "nl_NL", "en": "en_US"}  # Open Graph's names, spelled out here rather than computed


@pytest.fixture(scope="session")
def manifest(built_site: Path) -> dict[str, Any]:
    return json.loads((built_site / "portfolio.json").read_text(encoding="utf-8"))


def home_of(code: str) -> str:
    return "" if code == DEFAULT else f"{code}/"


def language_of(url: str) -> str:
    first = url.split("/")[0]
    return first if first in LANGUAGES[1:] else DEFAULT


def site_pages(site: Path) -> list[tuple[str, Element]]:
    """Every page a reader can reach (not the 404 pages, not the form editor), as (site-relative URL, document)."""
    pages = []
    for path in html_files(site):
        url = url_of(site, path).removesuffix("index.html")
        if not url.endswith("404.html") and "admin" not in url.split("/")[:2]:  # admin/, en/admin/
            pages.append((url, parse(path)))
    return pages


def meta(document: Element, key: str) -> list[str]:
    """The contents of every <meta name=key> or <meta property=key> in the head."""
    head = document.find("head")
    return [
        element.attrs.get("content", "")
        for element in head.find_all("meta")
        if key in (element.attrs.get("name"), element.attrs.get("property"))
    ]


def one_meta(document: Element, key: str) -> str:
    found = meta(document, key)
    assert len(found) == 1, f"{key}: {found}"
    return found[0]


def site_name(code: str) -> str:
    return SETTINGS["name"][code]


def card_entries(manifest: dict[str, Any]) -> Iterator[tuple[dict[str, Any], str]]:
    for entry in manifest["cards"]:
        for code in LANGUAGES:
            yield entry, code


# --- titles and descriptions ------------------------------------------------------------------------------


def test_every_page_has_its_own_title(built_site):
    titles: dict[str, list[str]] = {}
    for url, document in site_pages(built_site):
        titles.setdefault(document.find("title").text(), []).append(url)
    shared = {title: urls for title, urls in titles.items() if len(urls) > 1}
    assert shared == {}


@pytest.mark.parametrize("code", LANGUAGES)
def test_titles_name_the_page_then_the_site_and_the_home_page_is_the_sites_name(built_site, manifest, code):
    assert parse(page_file(built_site, home_of(code))).find("title").text() == site_name(code)
    for entry in manifest["cards"]:
        document = parse(page_file(built_site, entry["urls"][code]["page"]))
        assert document.find("title").text() == f"{entry['title'][code]} – {site_name(code)}"


def test_a_card_named_like_the_site_says_what_it_is(tmp_path):
    from portfolios import make_project

    from factsheets.publish import build_site
    from factsheets.validate import load_portfolio

    project = make_project(tmp_path / "project")
    portfolio = load_portfolio(project / "data", project)
    namesake = next(card for card in portfolio.cards if card.title["nl"] == portfolio.settings.name["nl"])
    out = tmp_path / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        build_site(portfolio, project, out)
    name = portfolio.settings.name["nl"]
    card_title = parse(out / "projecten" / namesake.id / "index.html").find("title").text()
    assert card_title == f"{name}: {portfolio.settings.labels['kind.programme']['nl']} – {name}"
    assert parse(out / "index.html").find("title").text() == name


def test_every_page_describes_itself_in_its_language(built_site):
    for url, document in site_pages(built_site):
        description = one_meta(document, "description")
        assert description.strip(), url
        assert "**" not in description and "<" not in description, f"{url}: markup in {description!r}"


def test_a_card_page_is_described_by_its_summarys_first_sentence_in_plain_words(built_site, manifest):
    alpha = next(entry for entry in manifest["cards"] if entry["id"] == "alpha")
    # tests/fixtures/three-domains/data/cards/alpha.yml, its summary without the Markdown emphasis
    expected = {
        "nl": "Het alfaprogramma bouwt een zonnebloemnetwerk van laboratoria.",
        "en": "The alpha programme builds a sunflower network of laboratories.",
    }
    for code in LANGUAGES:
        document = parse(page_file(built_site, alpha["urls"][code]["page"]))
        assert one_meta(document, "description") == expected[code]
        assert one_meta(document, "og:description") == expected[code]


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_home_page_is_described_by_the_portfolios_description(built_site, code):
    document = parse(page_file(built_site, home_of(code)))
    assert one_meta(document, "description") == SETTINGS["description"][code]


# --- canonical and language twins ---------------------------------------------------------------------------


def test_every_page_names_its_canonical_address(built_site):
    for url, document in site_pages(built_site):
        canonical = [link.attrs["href"] for link in document.find("head").find_all("link", rel="canonical")]
        assert canonical == [SITE_URL + url], url


def test_every_pages_language_twins_are_absolute_with_x_default(built_site, manifest):
    twins = {}  # each card page's twins, by the page
    for entry in manifest["cards"]:
        expected = {code: SITE_URL + entry["urls"][code]["page"] for code in LANGUAGES}
        expected["x-default"] = expected[DEFAULT]
        for code in LANGUAGES:
            twins[entry["urls"][code]["page"]] = expected
    for url, document in site_pages(built_site):
        alternates = {
            link.attrs["hreflang"]: link.attrs["href"]
            for link in document.find("head").find_all("link", rel="alternate")
            if "hreflang" in link.attrs
        }
        assert set(alternates) == {*LANGUAGES, "x-default"}, url
        assert all(href.startswith(SITE_URL) for href in alternates.values()), url
        assert alternates[language_of(url)] == SITE_URL + url, url
        assert alternates["x-default"] == alternates[DEFAULT], url
        if url in twins:
            assert alternates == twins[url], url


# --- link previews ------------------------------------------------------------------------------------------


def jpeg_size(path: Path) -> tuple[int, int]:
    from PIL import Image

    with Image.open(path) as image:
        assert image.format == "JPEG", f"{path} is not a JPEG"
        return image.size


def test_every_page_has_open_graph_and_twitter_tags_in_its_language(built_site):
    for url, document in site_pages(built_site):
        code = language_of(url)
        title = document.find("title").text()
        assert one_meta(document, "og:title") == title, url
        assert one_meta(document, "twitter:title") == title, url
        assert one_meta(document, "og:description") == one_meta(document, "description"), url
        assert one_meta(document, "og:url") == SITE_URL + url, url
        assert one_meta(document, "og:site_name") == site_name(code), url
        assert one_meta(document, "og:locale") == OG_LOCALES[code], url
        assert meta(document, "og:locale:alternate") == [OG_LOCALES[other] for other in LANGUAGES if other != code]


def test_every_card_page_shares_its_sheet_as_a_picture(built_site, manifest):
    for entry, code in card_entries(manifest):
        document = parse(page_file(built_site, entry["urls"][code]["page"]))
        image = one_meta(document, "og:image")
        assert image == one_meta(document, "twitter:image")
        assert image.startswith(SITE_URL) and image.endswith(".jpg")
        assert one_meta(document, "og:image:type") == "image/jpeg"
        path = built_site / image.removeprefix(SITE_URL)
        width, height = jpeg_size(path)
        assert (one_meta(document, "og:image:width"), one_meta(document, "og:image:height")) == (
            str(width),
            str(height),
        )
        assert width >= 1200 and 1.3 < width / height < 1.5, "the A4 landscape sheet, large enough for previews"
        assert entry["title"][code] in one_meta(document, "og:image:alt")
        assert one_meta(document, "twitter:card") == "summary_large_image"


def test_the_share_picture_is_the_sheets_page(built_site, manifest, tmp_path):
    import subprocess

    from PIL import Image, ImageChops, ImageStat

    alpha, beta = (next(entry for entry in manifest["cards"] if entry["id"] == name) for name in ("alpha", "beta"))
    picture = built_site / alpha["urls"]["nl"]["pdf"].replace(".pdf", ".jpg")

    def drawn(entry: dict[str, Any]) -> Path:
        """The sheet drawn again, independently, as a PNG (no JPEG's loss) of the picture's size."""
        pdf = built_site / entry["urls"]["nl"]["pdf"]
        width, height = jpeg_size(picture)
        size = ["-scale-to-x", str(width), "-scale-to-y", str(height)]
        subprocess.run(["pdftoppm", "-png", "-singlefile", *size, pdf, tmp_path / entry["id"]], check=True)
        return tmp_path / f"{entry['id']}.png"

    def difference(picture: Path, other: Path) -> float:
        """The mean difference of the two pictures' pixels, out of 255 per colour."""
        with Image.open(picture) as first, Image.open(other) as second:
            return max(ImageStat.Stat(ImageChops.difference(first.convert("RGB"), second.convert("RGB"))).mean)

    # The same page, JPEG-compressed, differs little; another card's sheet far more (the check can fail).
    assert difference(picture, drawn(alpha)) < 3 < difference(picture, drawn(beta))


# --- files for search engines and browsers -----------------------------------------------------------------


def test_robots_txt_allows_everything_but_the_form_editor_and_names_the_sitemap(built_site):
    lines = (built_site / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "User-agent: *" in lines and "Allow: /" in lines
    disallowed = [line.removeprefix("Disallow:").strip() for line in lines if line.startswith("Disallow:")]
    assert disallowed == ["/admin/", "/en/admin/"]
    assert (built_site / "admin" / "index.html").is_file() and (built_site / "en" / "admin" / "index.html").is_file()
    assert f"Sitemap: {SITE_URL}sitemap.xml" in lines
    assert (built_site / "sitemap.xml").is_file()


def test_every_page_links_a_favicon_set_that_exists(built_site):
    from test_site import resolve

    for url, document in site_pages(built_site):
        icons = {
            (link.attrs["rel"], link.attrs.get("type", "")): resolve(url, link.attrs["href"])
            for link in document.find("head").find_all("link")
            if link.attrs.get("rel") in ("icon", "apple-touch-icon")
        }
        assert {kind for kind in icons} >= {("icon", "image/svg+xml"), ("icon", "image/png")}, url
        assert any(rel == "apple-touch-icon" for rel, _ in icons), url
        for target in icons.values():
            assert target and (built_site / target).is_file(), f"{url}: {target}"


# --- speed: fonts preloaded, scripts only where they are used --------------------------------------------


def test_every_page_preloads_the_fonts_of_its_text_and_headings(built_site):
    from test_site import resolve

    for url, document in site_pages(built_site):
        preloads = [link for link in document.find("head").find_all("link") if link.attrs.get("rel") == "preload"]
        fonts = {resolve(url, link.attrs["href"]) for link in preloads if link.attrs.get("as") == "font"}
        assert fonts == {
            "assets/fonts/source-sans-3-latin-400-normal.woff2",
            "assets/fonts/source-sans-3-latin-700-normal.woff2",
        }
        assert all("crossorigin" in link.attrs for link in preloads), url  # fonts are fetched in CORS mode
        assert all(link.attrs.get("type") == "font/woff2" for link in preloads), url
        assert all((built_site / font).is_file() for font in fonts)
        # Before anything else in the head but the character set and the viewport: fetched first.
        first = [element.tag for element in document.find("head").iter() if element.tag in ("link", "style", "script")]
        assert first[: len(fonts)] == ["link"] * len(fonts), url


def page_css(document: Element) -> str:
    styles = document.find("head").find_all("style")
    assert len(styles) == 1
    return styles[0].text()


def stylesheet_rules(css: str) -> Iterator[tuple[str, tuple[tuple[str, str, bool], ...]]]:
    """(selector, declarations) of every style rule, inside @media and @supports too, whitespace as one space."""
    import tinycss2

    def spaced(tokens: Any) -> str:
        return " ".join(tinycss2.serialize(tokens).split())

    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type == "qualified-rule":
            declarations = tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True)
            kept = [each for each in declarations if each.type == "declaration"]
            yield spaced(rule.prelude), tuple((each.lower_name, spaced(each.value), each.important) for each in kept)
        elif rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports") and rule.content:
            yield from stylesheet_rules(tinycss2.serialize(rule.content))


ONLY_CLASSES = re.compile(r"(\.[\w-]+ ?[>+~,]? ?)+")
"""A selector of classes and combinators only: it matches on a page that has its classes."""


def classes_of(selector: str) -> set[str]:
    return set(re.findall(r"\.(-?[_a-zA-Z][\w-]*)", selector))


def test_no_page_links_a_stylesheet_each_carries_the_css_it_uses(built_site):
    """No render-blocking request: a page's CSS is in its head, and its fonts' addresses lead to the fonts."""
    from test_site import css_urls, resolve

    for url, document in [*site_pages(built_site), *not_found_pages(built_site)]:
        stylesheets = [link for link in document.find_all("link") if link.attrs.get("rel") == "stylesheet"]
        assert stylesheets == [], url
        css = page_css(document)
        fonts = [address for address in css_urls(css) if not address.startswith("data:")]
        assert {address.rsplit("/", 1)[-1] for address in fonts} >= {"source-sans-3-latin-400-normal.woff2"}, url
        for address in fonts:
            target = address.removeprefix(SITE_PATH) if address.startswith("/") else resolve(url, address)
            assert target and (built_site / target).is_file(), f"{url}: {address}"


def not_found_pages(site: Path) -> list[tuple[str, Element]]:
    return [(home_of(code) + "404.html", parse(site / home_of(code) / "404.html")) for code in LANGUAGES]


def test_a_pages_css_has_the_project_rules_for_what_is_on_it_and_none_for_what_is_not(built_site):
    """Every rule of the project's stylesheets whose classes are all on a page is in that page's CSS; a rule of
    Material's for something no page of this site has (content tabs, code, footnotes, colour palettes) is in none."""
    project = [
        rule
        for name in ("blocks.css", "site.css")
        for rule in stylesheet_rules((built_site / "assets" / "css" / name).read_text(encoding="utf-8"))
    ]
    for url, document in site_pages(built_site):
        on_page = {name for element in document.iter() for name in element.classes}
        rules = set(stylesheet_rules(page_css(document)))
        selectors = {selector for selector, _ in rules}
        for selector, declarations in project:
            if ONLY_CLASSES.fullmatch(selector) and classes_of(selector) <= on_page:
                assert (selector, declarations) in rules, f"{url}: {selector}"
        absent = ("tabbed-set", "highlighttable", "footnote", "md-banner")
        assert not any(name in selector for name in absent for selector in selectors), url
        assert not any("data-md-color-primary=indigo" in selector for selector in selectors), url
        # The search results are built by Material's script from class names in its code: their rules stay.
        assert any("md-search-result__item" in selector for selector in selectors), url


def test_the_comparison_script_loads_only_on_pages_with_the_comparison_table(built_site):
    for url, document in site_pages(built_site):
        scripts = [element.attrs["src"] for element in document.find_all("script") if "src" in element.attrs]
        has_table = bool(document.find_all("table", cls="fs-comparison"))
        assert any(src.endswith("assets/js/comparison.js") for src in scripts) == has_table, url
        assert all("defer" in element.attrs for element in document.find_all("script") if "src" in element.attrs)


# --- landmarks and the theme's texts ----------------------------------------------------------------------


def test_the_tagline_is_inside_the_footer_landmark(built_site):
    for url, document in site_pages(built_site):
        footer = document.find("footer")
        assert footer.find(cls="fs-footer-tagline").text() == SETTINGS["tagline"][language_of(url)], url


def test_the_search_dialog_is_named_in_the_pages_language(built_site):
    for url, document in site_pages(built_site):
        dialog = document.find(cls="md-search", role="dialog")
        assert dialog.attrs.get("aria-label") == LABELS["theme.search"][language_of(url)], url


def test_the_themes_texts_speak_the_pages_language(built_site):
    for url, document in site_pages(built_site):
        code = language_of(url)
        assert document.find("nav", cls="md-header__inner").attrs["aria-label"] == LABELS["theme.header"][code]
        assert document.find("nav", cls="md-tabs").attrs["aria-label"] == LABELS["theme.tabs"][code]
        copyright_line = document.find(cls="md-copyright").text()
        assert copyright_line.startswith(LABELS["theme.made_with"][code]), f"{url}: {copyright_line}"
        for nav in document.find("footer").find_all("nav"):
            assert nav.attrs["aria-label"] == LABELS["theme.footer"][code], url


SECTIONING = {"article", "section", "aside", "nav"}


def test_every_page_has_one_h1_in_the_pages_own_article(built_site):
    for url, document in site_pages(built_site):
        headings = document.find_all("h1")
        assert len(headings) == 1, f"{url}: {len(headings)} h1"
        sectioning = [node.tag for node in ancestors(headings[0]) if node.tag in SECTIONING]
        assert sectioning == ["article"], f"{url}: the h1 sits in {sectioning}"
        assert "md-content__inner" in next(node for node in ancestors(headings[0]) if node.tag == "article").classes


def ancestors(element: Element) -> Iterator[Element]:
    node = element.parent
    while node is not None:
        yield node
        node = node.parent


def test_every_table_has_a_caption(built_site):
    for url, document in site_pages(built_site):
        for table in document.find_all("table"):
            captions = [child for child in table.children if isinstance(child, Element) and child.tag == "caption"]
            assert len(captions) == 1 and captions[0].text(), f"{url}: a table without a caption"


# --- structured data -----------------------------------------------------------------------------------------


def json_ld(document: Element) -> dict[str, Any]:
    scripts = document.find("head").find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    return json.loads("".join(child for child in scripts[0].children if isinstance(child, str)))


def test_every_card_page_describes_its_project_and_data_in_json_ld(built_site, manifest):
    cards = {entry["id"]: entry for entry in manifest["cards"]}
    for entry, code in card_entries(manifest):
        url = SITE_URL + entry["urls"][code]["page"]
        graph = {
            node["@type"]: node for node in json_ld(parse(page_file(built_site, entry["urls"][code]["page"])))["@graph"]
        }
        assert set(graph) == {"WebPage", "Project", "Dataset"}
        assert graph["WebPage"]["url"] == url and graph["WebPage"]["inLanguage"] == code
        project = graph["Project"]
        assert project["name"] == entry["title"][code] and project["url"] == url
        amount = project["funding"]["amount"]
        assert (amount["currency"], amount["value"]) == ("EUR", entry["budget"]["total_meur"] * 1_000_000)
        assert amount["validFrom"] == f"{entry['timeline']['start']}-01-01"
        assert amount["validThrough"] == f"{entry['timeline']['end']}-12-31"
        parent = cards.get(entry.get("parent", ""))
        if parent and parent["budget"].get("includes_flagships"):
            assert project["funding"]["funder"] == {"@id": SITE_URL + parent["urls"][code]["page"] + "#project"}
        else:
            assert "funder" not in project["funding"]
        downloads = {item["contentUrl"]: item["encodingFormat"] for item in graph["Dataset"]["distribution"]}
        expected = {SITE_URL + entry["urls"][other]["pdf"]: "application/pdf" for other in LANGUAGES}
        expected |= {SITE_URL + "portfolio.json": "application/json", SITE_URL + "portfolio.csv": "text/csv"}
        assert downloads == expected
        assert all((built_site / address.removeprefix(SITE_URL)).is_file() for address in downloads)


DCAT = Namespace("http://www.w3.org/ns/dcat#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")


def catalogue_graph(site: Path) -> Graph:
    """catalog.jsonld read as RDF by rdflib's JSON-LD parser: what a harvester such as data.overheid.nl sees."""
    return Graph().parse(data=(site / "catalog.jsonld").read_text(encoding="utf-8"), format="json-ld")


def texts_of(graph: Graph, subject: Any, predicate: Any) -> dict[str, str]:
    return {literal.language: str(literal) for literal in graph.objects(subject, predicate)}


def the_dataset(graph: Graph) -> Any:
    (catalog,) = graph.subjects(RDF.type, DCAT.Catalog)
    (dataset,) = graph.objects(catalog, DCAT.dataset)
    assert (dataset, RDF.type, DCAT.Dataset) in graph
    return dataset


def test_the_open_data_is_described_for_catalogues_in_dcat_ap_nl(built_site, manifest):
    """DCAT-AP-NL 3.0's required properties of a dataset, each from site.yml (its open_data) or the build."""
    graph = catalogue_graph(built_site)
    dataset = the_dataset(graph)
    open_data = SETTINGS["open_data"]
    assert texts_of(graph, dataset, DCTERMS.title) == SETTINGS["name"]
    assert set(texts_of(graph, dataset, DCTERMS.description)) == set(LANGUAGES)
    assert graph.value(dataset, DCTERMS.identifier) == Literal(SITE_URL + "portfolio.json")
    publisher = graph.value(dataset, DCTERMS.publisher)
    assert publisher == URIRef(open_data["publisher"])  # the organisation by its TOOI identifier
    assert texts_of(graph, publisher, FOAF.name) == SETTINGS["publisher"]
    assert graph.value(dataset, DCTERMS.creator) == publisher  # who keeps the cards made the data
    contact = graph.value(dataset, DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Kind) in graph
    assert texts_of(graph, contact, VCARD.fn) == open_data["contact_point"]["name"]
    assert graph.value(contact, VCARD.hasEmail) == URIRef("mailto:" + open_data["contact_point"]["email"])
    assert set(graph.objects(dataset, DCAT.theme)) == {
        URIRef(EU + "data-theme/" + theme) for theme in open_data["themes"]
    }
    assert set(graph.objects(dataset, DCTERMS.language)) == {URIRef(EU + "language/" + code) for code in ("NLD", "ENG")}
    assert graph.value(dataset, DCTERMS.accessRights) == URIRef(EU + "access-right/PUBLIC")
    items = list(graph.objects(dataset, DCAT.distribution))
    distributions = {graph.value(item, DCAT.downloadURL): graph.value(item, DCAT.mediaType) for item in items}
    expected = {SITE_URL + "portfolio.json": "application/json", SITE_URL + "portfolio.csv": "text/csv"}
    expected |= {SITE_URL + manifest["booklet"][code]: "application/pdf" for code in LANGUAGES}
    assert {str(url): str(media) for url, media in distributions.items()} == expected
    assert all((built_site / str(address).removeprefix(SITE_URL)).is_file() for address in distributions)
    for item in items:
        assert graph.value(item, DCTERMS.license) == URIRef(open_data["licence"]), item
    # The fixture is not in git and its site.yml gives no day of publication: no dates (tests/test_history.py).
    assert graph.value(dataset, DCTERMS.issued) is None and graph.value(dataset, DCTERMS.modified) is None


def test_a_day_of_publication_in_site_yml_is_the_datasets_issue_date(tmp_path):
    from factsheets.structured import dcat_catalog
    from factsheets.validate import load_portfolio

    data = fixture_portfolio(tmp_path / "data")
    site_yml = data / "site.yml"
    site_yml.write_text(site_yml.read_text(encoding="utf-8").replace("  themes:", "  issued: 2026-02-01\n  themes:"))
    catalog = dcat_catalog(load_portfolio(data, ROOT), modified="2026-05-02", issued="2026-01-10")
    graph = Graph().parse(data=json.dumps(catalog), format="json-ld")
    dataset = the_dataset(graph)
    assert graph.value(dataset, DCTERMS.issued) == Literal("2026-02-01", datatype=XSD_DATE)  # not the first commit's
    assert graph.value(dataset, DCTERMS.modified) == Literal("2026-05-02", datatype=XSD_DATE)


def without_open_data(data: Path) -> Path:
    site_yml = data / "site.yml"
    text = site_yml.read_text(encoding="utf-8")
    start = text.index("open_data:  #")
    end = text.index("\n", text.index("  themes:", start)) + 1
    site_yml.write_text(text[:start] + text[end:], encoding="utf-8")
    return site_yml


def test_a_catalogue_without_open_data_leaves_out_what_it_does_not_know_and_check_names_it(tmp_path):
    from factsheets.structured import dcat_catalog
    from factsheets.validate import load_portfolio

    data = fixture_portfolio(tmp_path / "data")
    without_open_data(data)
    graph = Graph().parse(data=json.dumps(dcat_catalog(load_portfolio(data, ROOT), None, None)), format="json-ld")
    dataset = the_dataset(graph)
    publisher = graph.value(dataset, DCTERMS.publisher)
    assert isinstance(publisher, BNode)  # named, no organisation invented for it
    assert texts_of(graph, publisher, FOAF.name) == SETTINGS["publisher"]
    for absent in (DCAT.contactPoint, DCAT.theme):
        assert graph.value(dataset, absent) is None
    assert not list(graph.triples((None, DCTERMS.license, None)))

    result = run_check(data)
    assert result.returncode == 0, result.stderr
    fields = ("open_data.publisher", "open_data.contact_point", "open_data.licence", "open_data.themes")
    assert [line.split(": ")[1] for line in result.stderr.splitlines()] == list(fields)
    assert all(re.match(r"^\S*site\.yml:\d+:\d+: ", line) for line in result.stderr.splitlines()), result.stderr


def run_check(data: Path) -> Any:
    import subprocess
    import sys

    command = [sys.executable, "build.py", "check", "--data", str(data)]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=120)


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("publisher", "https://example.org/ministerie", "expected the organisation's TOOI identifier, such as"),
        ("licence", "CC-BY", "expected a licence from the EU's licence list, such as"),
        ("themes", "[HEALTH]", "expected one of 'AGRI', 'ECON'"),
    ],
)
def test_a_wrong_open_data_field_is_named_at_its_place_in_site_yml(tmp_path, field, value, expected):
    data = fixture_portfolio(tmp_path / "data")
    site_yml = data / "site.yml"
    lines = site_yml.read_text(encoding="utf-8").splitlines()
    row = next(number for number, line in enumerate(lines, 1) if line.startswith(f"  {field}:"))
    lines[row - 1] = f"  {field}: {value}"
    site_yml.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_check(data)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    (problem,) = [line for line in result.stderr.splitlines() if f"open_data.{field}" in line]
    assert re.match(rf"^.*site\.yml:{row}:\d+: open_data\.{field}(\[0\])?: {re.escape(expected)}", problem), problem


# --- search per language -----------------------------------------------------------------------------------


def search_index(site: Path, code: str) -> dict[str, Any]:
    return json.loads((site / home_of(code) / "search" / "search_index.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("code", LANGUAGES)
def test_each_language_has_a_search_index_of_its_own_pages(built_site, manifest, code):
    index = search_index(built_site, code)
    assert index["config"]["lang"] == [code]
    pages = {home_of(code) + doc["location"].split("#")[0] for doc in index["docs"]}
    assert all(language_of(page) == code for page in pages), pages
    assert {entry["urls"][code]["page"] for entry in manifest["cards"]} <= pages
    assert all(page_file(built_site, page).is_file() for page in pages)


# --- in Chromium ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(built_site: Path) -> Iterator[str]:
    with serving(built_site) as url:
        yield url


@pytest.mark.browser
def test_no_page_fails_a_request_or_logs_to_the_console(browser, served, built_site):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    problems: list[str] = []
    try:
        page = context.new_page()
        page.on("console", lambda message: problems.append(f"{page.url}: console {message.type}: {message.text}"))
        page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
        page.on("response", lambda response: problems.append(f"{page.url}: {response.status} {response.url}")
                if response.status >= 400 else None)  # fmt: skip
        # A request the browser drops when the test goes on to the next page (net::ERR_ABORTED) is no failure.
        page.on("requestfailed", lambda request: problems.append(f"{page.url}: {request.failure} {request.url}")
                if "ERR_ABORTED" not in (request.failure or "") else None)  # fmt: skip
        not_found = [home_of(code) + "404.html" for code in LANGUAGES]
        for url in [url for url, _ in site_pages(built_site)] + not_found:
            page.goto(served + url, wait_until="networkidle")
    finally:
        context.close()
    assert problems == []


def search(page: Any, served: str, code: str, words: str) -> list[str]:
    """Search from the language's home page on a phone-sized screen; the results' pages, site-relative."""
    page.goto(served + home_of(code), wait_until="networkidle")
    page.locator("label.md-header__button[for=__search]").click()
    page.locator(".md-search__input").press_sequentially(words, delay=30)
    placeholder = json.loads(page.locator("#__config").text_content())["translations"]["search.result.placeholder"]
    meta_line = page.locator(".md-search-result__meta")
    shown = ""
    for _ in range(30):  # the worker answers each keystroke; the list is final when it stays the same
        page.wait_for_timeout(500)
        now = meta_line.inner_text() + "|" + "|".join(page.locator(".md-search-result__item").all_inner_texts())
        if now == shown and placeholder not in now:
            break
        shown = now
    hrefs = page.locator(".md-search-result__item > a").evaluate_all("links => links.map(a => a.href)")
    return sorted({href.removeprefix(served).split("?")[0].split("#")[0] for href in hrefs})


@pytest.mark.browser
@pytest.mark.parametrize(
    ("code", "words", "found"),
    [
        ("nl", "zonnebloemnetwerk", True),  # in alpha's Dutch summary
        ("nl", "sunflower", False),  # only in its English summary
        ("en", "sunflower", True),
        ("en", "zonnebloemnetwerk", False),
        ("nl", "zonnebloemnetwerken", True),  # the Dutch stemmer: the plural finds the word on the page
        ("en", "laboratory", True),  # the English stemmer: "laboratories" on the page
        ("en", "networks", True),  # "network" on the page
        ("nl", "van zonnebloemnetwerk", True),  # a Dutch stop word: "van" alone would find nearly every page
        ("en", "of sunflower", True),
    ],
)
def test_search_finds_the_pages_of_the_readers_language_only(browser, served, manifest, code, words, found):
    alpha = next(entry for entry in manifest["cards"] if entry["id"] == "alpha")
    context = browser.new_context(viewport={"width": 375, "height": 800})
    try:
        pages = search(context.new_page(), served, code, words)
    finally:
        context.close()
    assert pages == ([alpha["urls"][code]["page"]] if found else [])
