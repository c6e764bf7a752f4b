"""build.py serve: a live preview on localhost that rebuilds when a card changes and reloads the open tab.

The timeouts are generous: a build on a busy machine (CI, a shared one) can take minutes;
they only bound how long a failing test waits.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import tinyhtml5
from portfolios import FIXTURE_DATA

from factsheets.serve import EVENTS_PATH, with_reload_script

ROOT = Path(__file__).resolve().parent.parent
SUMMARY = "Dit flagship is een voorbeeld"


def wait_for(predicate: Callable[[], bool], timeout: float = 300.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


class Preview:
    """``build.py serve`` running on a copy of the fixture portfolio, on a free port."""

    def __init__(self, tmp_path: Path) -> None:
        self.data = Path(shutil.copytree(FIXTURE_DATA, tmp_path / "data"))
        self.log = tmp_path / "serve.log"
        command = [sys.executable, "build.py", "serve", "--lang", "en", "--port", "0", "--data", str(self.data),
                   "--out", str(tmp_path / "preview")]  # fmt: skip
        with self.log.open("w") as output:
            self.process = subprocess.Popen(command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, text=True)
        wait_for(lambda: "preview on http://127.0.0.1:" in self.output() or self.process.poll() is not None)
        assert self.process.poll() is None, self.output()
        self.url = re.search(r"http://127\.0\.0\.1:\d+/", self.output()).group(0)

    def output(self) -> str:
        return self.log.read_text()

    def get(self, path: str) -> str:
        with urllib.request.urlopen(self.url + path, timeout=5) as response:
            return response.read().decode()

    def edit(self, card_id: str, old: str, new: str) -> None:
        card = self.data / "cards" / f"{card_id}.yml"
        text = card.read_text(encoding="utf-8")
        assert old in text
        card.write_text(text.replace(old, new), encoding="utf-8")

    def stop(self) -> None:
        self.process.terminate()  # as Ctrl-C: a sheet being rendered is finished first
        self.process.wait(timeout=300)


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[Preview]:
    running = Preview(tmp_path)
    try:
        yield running
    finally:
        running.stop()


def test_the_open_page_reloads_with_an_edit_shows_a_broken_card_and_comes_back(preview, browser):
    page = browser.new_page()
    try:
        page.goto(preview.url + "projecten/atmp/")
        article = page.locator("article.md-content__inner")
        assert SUMMARY in article.inner_text()
        page.evaluate("window.notReloaded = true")  # gone once the page has reloaded

        preview.edit("atmp", SUMMARY, "Dit vernieuwde flagship is een voorbeeld")
        page.wait_for_function("() => !window.notReloaded", timeout=300_000)
        page.wait_for_selector("article.md-content__inner")
        assert "Dit vernieuwde flagship is een voorbeeld" in article.inner_text()

        preview.edit("atmp", "total_meur: 2340", "total_meur: <b>veel</b>")
        overlay = page.locator("#preview-problems")
        overlay.wait_for(timeout=300_000)
        text = overlay.inner_text()
        assert re.search(r"data/cards/atmp\.yml:\d+:\d+: budget\.total_meur: expected a number", text), text
        assert "<b>veel</b>" in text  # shown as text: card text is never markup
        assert overlay.locator("b").count() == 0
        assert "Dit vernieuwde flagship" in article.inner_text()  # the last good page stays under it

        page.evaluate("window.notReloaded = true")
        preview.edit("atmp", "total_meur: <b>veel</b>", "total_meur: 2300")
        page.wait_for_function("() => !window.notReloaded", timeout=300_000)
        page.wait_for_selector("article.md-content__inner")
        assert overlay.count() == 0
        assert "€ 2.300 miljoen" in article.inner_text()
        assert "Traceback" not in preview.output()
    finally:
        page.close()


def test_a_page_opened_while_a_card_is_broken_shows_the_problem(preview, browser):
    preview.edit("atmp", "total_meur: 2340", "total_meur: veel")
    wait_for(lambda: "expected a number, got 'veel'" in preview.output())
    page = browser.new_page()
    try:
        page.goto(preview.url)
        overlay = page.locator("#preview-problems")
        overlay.wait_for(timeout=120_000)
        assert "budget.total_meur: expected a number, got 'veel'" in overlay.inner_text()
    finally:
        page.close()


def scripts(html: str) -> list:
    return tinyhtml5.parse(html, namespace_html_elements=False).findall(".//script")


def test_the_script_is_added_by_the_server_not_written_into_the_built_files(preview, tmp_path):
    assert any(EVENTS_PATH in (script.text or "") for script in scripts(preview.get("projecten/atmp/")))
    built = (tmp_path / "preview" / "projecten" / "atmp" / "index.html").read_text(encoding="utf-8")
    assert EVENTS_PATH not in built
    with pytest.raises(urllib.error.HTTPError) as missing:
        preview.get("projecten/does-not-exist/")
    assert missing.value.code == 404
    not_found = missing.value.read().decode()
    assert any(EVENTS_PATH in (script.text or "") for script in scripts(not_found))  # the site's 404 page
    # The form editor (make serve + make cms-server) reads its configuration only when it is served as YAML.
    with urllib.request.urlopen(preview.url + "admin/config.yml", timeout=5) as response:
        assert response.headers["Content-Type"] == "text/yaml"
        assert b"collections:" in response.read()


def test_the_script_goes_before_the_closing_body_tag():
    page = with_reload_script(b"<html><body><p>x</p></body></html>", "v1")
    body = tinyhtml5.parse(page, namespace_html_elements=False).find("body")
    assert [child.tag for child in body] == ["p", "script"]
    assert '"v1"' in body.find("script").text
