"""Hostile card text never becomes code: checked in the built HTML and the PDFs."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from portfolios import FIXTURE_DATA
from pypdf import PdfReader

from factsheets.publish import build_site
from factsheets.validate import load_portfolio

ROOT = Path(__file__).resolve().parent.parent

HOSTILE_MARKDOWN = """\
<script>alert('summary')</script>
[click](javascript:alert('link')) and [data](data:text/html;base64,PHNjcmlwdD4=)
<img src=x onerror="alert('img')"> <iframe src="https://evil.example/"></iframe>
<form action="https://evil.example/"><input name=q></form> <object data="x.swf"></object>
<style>body { display: none }</style> <a href="https://example.org/" onclick="alert('a')">ok</a>
"""
HOSTILE_TITLE = "<script>alert('title')</script>Kwaadaardig"


class Collector(HTMLParser):
    """Every element with its attributes, and the text inside <script> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory, pdf_cache: Path) -> Path:
    work = tmp_path_factory.mktemp("hostile")
    data = Path(shutil.copytree(FIXTURE_DATA, work / "data"))
    card = data / "cards" / "atmp.yml"
    text = card.read_text()
    text = text.replace("  nl: ATMP (Advanced Therapy Medicinal Products) I&II\n", f'  nl: "{HOSTILE_TITLE}"\n', 1)
    text = text.replace("summary:\n  nl: |\n", "summary:\n  nl: |\n" + _indent(HOSTILE_MARKDOWN))
    text = text.replace("  - name: Galapagos", "  - name: \"<b onmouseover=alert('org')>Galapagos</b>\"")
    card.write_text(text)
    assert HOSTILE_TITLE in card.read_text() and "onerror" in card.read_text() and "onmouseover" in card.read_text()
    out = work / "site"
    build_site(load_portfolio(data, ROOT), ROOT, out, pdf_cache)
    return out


def _indent(block: str) -> str:
    return "".join(f"    {line}\n" for line in block.splitlines()) + "\n"


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_no_injected_script_or_handler_reaches_any_page(hostile_site):
    for page in _pages(hostile_site):
        collector = Collector()
        collector.feed(page.read_text())
        assert not [s for s in collector.scripts if "alert(" in s], page
        for tag, attrs in collector.elements:
            handlers = {name: value for name, value in attrs.items() if name.startswith("on")}
            assert not handlers, f"{page}: <{tag}> has {handlers}"
            for name in ("href", "src", "action", "data"):
                value = (attrs.get(name) or "").strip().lower()
                assert not value.startswith(("javascript:", "data:")), f"{page}: <{tag} {name}={value}>"
            assert tag not in {"iframe", "object", "embed"}, f"{page}: <{tag}>"


def test_card_text_shows_as_text_on_its_page(hostile_site):
    page = (hostile_site / "projecten" / "atmp" / "index.html").read_text()
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;Kwaadaardig" in page or \
        "&lt;script&gt;alert('title')&lt;/script&gt;Kwaadaardig" in page  # fmt: skip
    collector = Collector()
    collector.feed(page)
    content_tags = {tag for tag, _ in collector.elements}
    assert "form" in content_tags  # Material's search form: the check below must look only at card content
    sheet = page[page.index('<article class="fs-sheet"') : page.index("</article>")]
    inner = Collector()
    inner.feed(sheet)
    assert not {"form", "style", "input", "img", "iframe", "object", "script"} & {tag for tag, _ in inner.elements}
    assert "&lt;a href=" in sheet  # raw HTML, a link with a handler included, is shown as text


def test_the_pdf_carries_the_text_and_no_javascript(hostile_site):
    pdf = hostile_site / "pdf" / "atmp.nl.pdf"
    text = " ".join(PdfReader(pdf).pages[0].extract_text().split())
    assert "Kwaadaardig" in text
    raw = pdf.read_bytes()
    assert b"/JavaScript" not in raw and b"/JS " not in raw and b"javascript:" not in raw.lower()
