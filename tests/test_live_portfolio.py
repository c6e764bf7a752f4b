"""The live portfolio in data/ and content/: only what holds for any valid portfolio.

Editors change these files through pull requests; their values, counts and texts
are content, never pinned here (the fixture portfolio under tests/fixtures/ is).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from factsheets.publish import build_site
from factsheets.validate import load_portfolio

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def live_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("live") / "site"
    build_site(load_portfolio(ROOT / "data", ROOT), ROOT, out, tmp_path_factory.mktemp("live-cache"))
    return out


@pytest.fixture(scope="module")
def manifest(live_site: Path) -> dict[str, Any]:
    return json.loads((live_site / "portfolio.json").read_text(encoding="utf-8"))


def test_check_passes():
    result = subprocess.run([sys.executable, "build.py", "check"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr  # warnings (a card to tidy) may be on stderr


def test_every_card_has_a_page_and_a_one_page_sheet_in_every_language(live_site, manifest):
    assert manifest["cards"], "the live portfolio has no cards"
    for card in manifest["cards"]:
        for code in manifest["languages"]:
            urls = card["urls"][code]
            assert (live_site / urls["page"] / "index.html").is_file(), (card["id"], code)
            assert len(PdfReader(live_site / urls["pdf"]).pages) == 1, (card["id"], code)


def titles(outline: list[Any]) -> Iterator[str]:
    for item in outline:
        yield from titles(item) if isinstance(item, list) else [item.title]


def test_each_booklet_has_every_card(live_site, manifest):
    for code in manifest["languages"]:
        outline = list(titles(PdfReader(live_site / manifest["booklet"][code]).outline))
        for card in manifest["cards"]:
            assert card["title"][code] in outline, (card["id"], code)
