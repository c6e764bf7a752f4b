"""The booklets and sheets as a reader's PDF viewer and screen reader use them, read with pikepdf and pypdf.

Where the bookmarks lead, whether the tag tree still ties every page to its structure after the
booklet was put together from the sheets, that a changed card shows in the booklet of the next
build, which actions the PDFs carry, and that rendering a sheet never reaches the network.
All on the three-domain portfolio (tests/fixtures/three-domains), built once by ``built_site``.
"""

from __future__ import annotations

import dataclasses
import functools
import http.server
import io
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from conftest import EPOCH, ROOT, counted_once, fixture_cards, fixture_settings, money
from pypdf import PdfReader

from factsheets.pdf import Job, render_pdf, write_pdfs
from factsheets.render import Renderer, booklet_path, pdf_path
from factsheets.validate import load_portfolio

SETTINGS = fixture_settings()
LANGUAGES: list[str] = SETTINGS["languages"]


@pytest.fixture(scope="module")
def manifest(built_site: Path) -> dict[str, Any]:
    return json.loads((built_site / "portfolio.json").read_text(encoding="utf-8"))


@functools.cache
def open_pdf(path: Path) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(path.read_bytes()))


def text_of(path: Path, page: int) -> str:
    return " ".join(PdfReader(io.BytesIO(path.read_bytes())).pages[page].extract_text().replace("\xa0", " ").split())


# --- bookmarks lead to their card's page -------------------------------------------------------------------


def bookmarks(path: Path) -> list[tuple[str, int, list[int]]]:
    """Each top-level bookmark: its title, the page it opens, and the pages its children open."""
    reader = PdfReader(io.BytesIO(path.read_bytes()))

    def page_of(item: Any) -> int:
        return reader.get_destination_page_number(item)

    def below(items: list[Any]) -> list[int]:
        pages: list[int] = []
        for item in items:
            pages += below(item) if isinstance(item, list) else [page_of(item)]
        return pages

    outline, entries = reader.outline, []
    for index, item in enumerate(outline):
        if isinstance(item, list):
            continue
        children = outline[index + 1] if index + 1 < len(outline) and isinstance(outline[index + 1], list) else []
        entries.append((str(item["/Title"]), page_of(item), below(children)))
    return entries


@pytest.mark.parametrize("code", LANGUAGES)
def test_each_cards_bookmark_opens_its_own_page_in_the_booklet(built_site, manifest, code):
    booklet = built_site / manifest["booklet"][code]
    entries = bookmarks(booklet)
    by_title = {title: (page, children) for title, page, children in entries}
    assert len(open_pdf(booklet).pages) == len(manifest["cards"]) + 2
    for number, card in enumerate(manifest["cards"], start=1):
        page, children = by_title[card["title"][code]]
        assert page == number, f"{card['id']}: its bookmark opens page {page + 1}, not its own page {number + 1}"
        assert children and set(children) == {number}, f"{card['id']}: a block's bookmark leads elsewhere"
        assert card["title"][code] in text_of(booklet, page)
    assert entries[0][1] == 0  # the cover
    assert entries[-1][1] == len(manifest["cards"]) + 1  # the closing page


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_cover_states_the_portfolios_total_counting_included_flagships_once(built_site, manifest, code):
    cover = text_of(built_site / manifest["booklet"][code], 0)
    assert f"{SETTINGS['labels']['portfolio_total'][code]} {money(counted_once(fixture_cards()), code)}" in cover
    assert counted_once(fixture_cards()) == 1460  # tests/fixtures/three-domains/README.md


# --- the tag tree: every page's content tied to its own structure elements -------------------------------------


def parent_tree(pdf: pikepdf.Pdf) -> dict[int, Any]:
    """The ParentTree as a plain mapping, its intermediate nodes followed."""
    found: dict[int, Any] = {}

    def walk(node: Any) -> None:
        nums = node.get("/Nums", [])
        for index in range(0, len(nums), 2):
            key = int(nums[index])
            assert key not in found, f"the ParentTree has key {key} twice"
            found[key] = nums[index + 1]
        for kid in node.get("/Kids", []):
            walk(kid)

    walk(pdf.Root.StructTreeRoot.ParentTree)
    return found


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_booklets_tag_tree_ties_each_page_to_its_own_structure(built_site, manifest, code):
    pdf = open_pdf(built_site / manifest["booklet"][code])
    tree = parent_tree(pdf)
    root = pdf.Root.StructTreeRoot
    assert int(root.ParentTreeNextKey) > max(tree)
    page_keys = [int(page.obj.StructParents) for page in pdf.pages]
    assert len(set(page_keys)) == len(page_keys), f"pages share StructParents keys: {page_keys}"
    for number, (page, key) in enumerate(zip(pdf.pages, page_keys, strict=True)):
        assert key in tree, f"page {number + 1}: StructParents {key} is not in the ParentTree"
        elements = [element for element in tree[key] if isinstance(element, pikepdf.Dictionary)]
        assert elements, f"page {number + 1} has no structure elements"
        on_pages = {element.Pg.objgen for element in elements if "/Pg" in element}
        assert on_pages == {page.obj.objgen}, f"page {number + 1}'s marked content belongs to another page"
        for annotation in page.obj.get("/Annots", []):
            if "/StructParent" in annotation:
                owner = tree[int(annotation.StructParent)]
                assert isinstance(owner, pikepdf.Dictionary) and pikepdf.Name.Link == owner.S
    # One Document element, a section per part, each part's elements on that part's pages.
    (document,) = root.K
    assert pikepdf.Name.Document == document.S and len(document.K) == len(pdf.pages)


# --- a changed card shows in the next build's booklet ----------------------------------------------------------


def test_a_changed_card_shows_in_the_booklet_built_with_the_same_cache(
    built_site, pdf_cache, fixture_data, tmp_path, monkeypatch
):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)  # as the shared build: its cached sheets are reused
    cache = Path(shutil.copytree(pdf_cache / "sheets", tmp_path / "cache"))
    portfolio = load_portfolio(fixture_data, ROOT)
    card = portfolio.card("alpha-vaccines")
    changed = card.model_copy(update={"budget": card.budget.model_copy(update={"total_meur": 350})})
    portfolio = dataclasses.replace(portfolio, cards=tuple(changed if c.id == card.id else c for c in portfolio.cards))
    write_pdfs(Renderer(portfolio, ROOT / "templates"), ROOT, tmp_path / "site", cache)
    number = 1 + [c.id for c in portfolio.cards].index(card.id)
    for code in LANGUAGES:
        assert money(350, code) in text_of(tmp_path / "site" / pdf_path(card.id, code), 0)
        page = text_of(tmp_path / "site" / booklet_path(code), number)
        assert money(350, code) in page and money(300, code) not in page, "the booklet shows the old sheet"


# --- actions: links to the web and within the document, nothing that runs -------------------------------------

ALLOWED_ACTIONS = {"/URI", "/GoTo"}
RUNNING_ACTIONS = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/ResetForm", "/Rendition"}
FORBIDDEN_KEYS = {"/JS", "/JavaScript", "/OpenAction", "/AA", "/Launch", "/EmbeddedFiles", "/RichMedia"}


def actions_that_are_not_links(pdf: pikepdf.Pdf) -> list[str]:
    """Every action or trigger in the file (all objects, compressed streams included) that is not a plain link."""
    found = []
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary):
            continue
        found += [f"{obj.objgen}: {key}" for key in sorted(set(obj.keys()) & FORBIDDEN_KEYS)]
        if str(obj.get("/S")) in RUNNING_ACTIONS:
            found.append(f"{obj.objgen}: {obj.get('/S')}")
        # /A of an annotation or a bookmark is its action (of a structure element, its attributes).
        action = obj.get("/A") if "/Subtype" in obj or "/Title" in obj else None
        if isinstance(action, pikepdf.Dictionary):
            kind = str(action.get("/S"))
            uri = str(action.get("/URI", ""))
            if kind not in ALLOWED_ACTIONS or (kind == "/URI" and not uri.startswith(("https://", "http://"))):
                found.append(f"{obj.objgen}: {kind} {uri}")
    names = pdf.Root.get("/Names")
    if isinstance(names, pikepdf.Dictionary) and "/JavaScript" in names:
        found.append("the catalogue's /Names has /JavaScript")
    return found


def every_pdf(site: Path) -> list[Path]:
    pdfs = sorted(site.rglob("*.pdf"))
    assert pdfs
    return pdfs


def test_the_pdfs_carry_only_links(built_site):
    found = {path.name: actions_that_are_not_links(open_pdf(path)) for path in every_pdf(built_site)}
    assert {name: actions for name, actions in found.items() if actions} == {}


def test_the_sheets_links_lead_to_the_cards_page_and_its_organisations(built_site, manifest):
    for entry in manifest["cards"]:
        for code in LANGUAGES:
            pdf = open_pdf(built_site / entry["urls"][code]["pdf"])
            uris = {str(annotation.A.URI) for annotation in pdf.pages[0].obj.get("/Annots", []) if "/A" in annotation}
            expected = {SETTINGS["base_url"] + entry["urls"][code]["page"]}
            expected |= {organisation["url"] for organisation in entry["organisations"] if "url" in organisation}
            assert uris == expected, (entry["id"], code)


def test_the_action_check_finds_javascript(tmp_path):
    """The check above can fail: a document that runs JavaScript when opened is reported."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    script = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)")))
    pdf.Root.OpenAction = script
    buffer = io.BytesIO()
    pdf.save(buffer, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    found = actions_that_are_not_links(pikepdf.open(io.BytesIO(buffer.getvalue())))
    assert any("/OpenAction" in item for item in found) and any("/JS" in item for item in found)


# --- the sheets' fetcher stays off the network --------------------------------------------------------------


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str]

    def do_GET(self) -> None:
        self.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/svg+xml")
        self.end_headers()
        self.wfile.write(b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def listening() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on 127.0.0.1 that records what is asked of it."""
    requests: list[str] = []
    handler = type("Handler", (_Recorder,), {"requests": requests})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", requests
    server.shutdown()
    server.server_close()
    thread.join()


def test_a_sheet_never_fetches_from_the_network(listening):
    address, requests = listening
    html = (
        f'<html><head><link rel="stylesheet" href="{address}style.css"></head>'
        f'<body><p>Een kaart</p><img src="{address}tracker.svg" alt=""></body></html>'
    )
    pdf = render_pdf(Job(html, "probe", None, "probe"), str(ROOT / "templates" / "print") + "/")
    assert pdf.startswith(b"%PDF-")
    assert requests == [], f"WeasyPrint fetched {requests} from the network"


def test_the_network_probe_would_see_a_fetch(listening):
    """The test above can fail: the same server does record a request."""
    import urllib.request

    address, requests = listening
    with urllib.request.urlopen(address + "tracker.svg", timeout=5) as response:
        assert response.status == 200
    assert requests == ["/tracker.svg"]
