"""A pull request's preview as reviewers open it: served under a sub-path, and opened from the file system.

The site is built by ``build.py`` itself (``--base-url``, ``--offline``) and driven in real Chromium.
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from portfolios import FIXTURE_DATA, PROJECT
from pypdf import PdfReader

pytestmark = pytest.mark.browser

SUBPATH = "/pr-7/"


def build(*args: str, out: Path, data: Path) -> None:
    command = [sys.executable, "build.py", "-q", "--data", str(data), "--out", str(out), *args]
    result = subprocess.run(command, cwd=PROJECT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def server_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A static host on 127.0.0.1: (the folder it serves, its address)."""
    root = tmp_path_factory.mktemp("host")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return Path(shutil.copytree(FIXTURE_DATA, tmp_path_factory.mktemp("data") / "data"))


@pytest.fixture(scope="module")
def preview(server_root: tuple[Path, str], data: Path) -> tuple[Path, str]:
    """The fixture portfolio built for ``<host>/pr-7`` (no trailing slash, as a user may type it)."""
    root, host = server_root
    site = root / SUBPATH.strip("/")
    build("--base-url", host + SUBPATH.rstrip("/"), out=site, data=data)
    return site, host + SUBPATH


def page_urls(site: Path, address: str) -> list[str]:
    return [address + path.relative_to(site).as_posix().removesuffix("index.html")
            for path in sorted(site.rglob("index.html"))]  # fmt: skip


def test_every_page_under_a_sub_path_loads_everything_it_links_from_that_path(browser, preview):
    site, address = preview
    context = browser.new_context()
    page = context.new_page()
    failures: list[str] = []
    page.on("response", lambda r: failures.append(f"{r.status} {r.url}") if _broken(r) else None)
    page.on("request", lambda r: failures.append(f"outside {r.url}") if _escapes(r.url, address) else None)
    urls = page_urls(site, address)
    assert len(urls) > 10
    for url in urls:
        page.goto(url)
        links = page.eval_on_selector_all("a[href]", "links => links.map(link => link.getAttribute('href'))")
        for href in links:
            target = urljoin(url, href)
            if target.startswith(address) and not _exists(site, address, target):
                failures.append(f"{url} links to missing {target}")
    context.close()
    assert failures == []


def _broken(response: Any) -> bool:
    # Material probes "sitemap.xml" beside each <link rel=alternate>, taking them for language roots; it
    # falls back quietly when there is none. That probe is the theme's, not a link of the pages.
    return response.status >= 400 and not response.url.endswith("/sitemap.xml")


def _escapes(url: str, address: str) -> bool:
    """A request to the preview's host outside the preview's own path (it would break on a shared host)."""
    return urlsplit(url).hostname == "127.0.0.1" and not url.startswith(address)


def _exists(site: Path, address: str, url: str) -> bool:
    path = urlsplit(url).path.removeprefix(urlsplit(address).path)
    target = site / path
    return (target / "index.html").is_file() if path.endswith("/") or not path else target.is_file()


def test_the_language_switch_stays_under_the_sub_path(browser, preview):
    site, address = preview
    manifest = json.loads((site / "portfolio.json").read_text())
    card = manifest["cards"][0]["urls"]
    page = browser.new_page()
    page.goto(address + card["nl"]["page"])
    page.locator("a[hreflang='en']").first.dispatch_event("click")
    page.wait_for_url(address + card["en"]["page"])
    page.close()


def test_the_sheets_links_and_addresses_carry_the_preview_address(preview):
    site, address = preview
    manifest = json.loads((site / "portfolio.json").read_text())
    for card in manifest["cards"]:
        for code, urls in card["urls"].items():
            reader = PdfReader(site / urls["pdf"])
            links = [annotation.get_object()["/A"]["/URI"] for annotation in reader.pages[0].get("/Annots", [])]
            assert address + urls["page"] in links, (card["id"], code, links)
            assert address + urls["page"] in reader.pages[0].extract_text().replace("\n", ""), (card["id"], code)


def test_the_offline_copy_opens_card_pages_from_the_file_system(browser, data, tmp_path_factory):
    site = tmp_path_factory.mktemp("offline") / "site"
    build("--offline", out=site, data=data)
    manifest = json.loads((site / "portfolio.json").read_text())
    page = browser.new_page()
    page.goto((site / "index.html").as_uri())
    for card in manifest["cards"]:
        page.locator(f"a[href$='{card['urls']['nl']['page']}index.html']").first.dispatch_event("click")
        page.wait_for_url((site / card["urls"]["nl"]["page"] / "index.html").as_uri())
        assert page.locator("h1").first.inner_text() == card["title"]["nl"]
        page.go_back()
        page.wait_for_url((site / "index.html").as_uri())
    page.locator("a[hreflang='en']").first.dispatch_event("click")
    page.wait_for_url((site / "en" / "index.html").as_uri())
    page.close()
