"""factsheets/page_styles.py: parsed stylesheets kept between builds (what each page keeps is tested in Chromium,
tests/test_browser.py)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from factsheets import page_styles
from factsheets.fingerprint import write_sealed

CSS = ".md-header{color:red}@media print{.md-footer{display:none}}"


@pytest.fixture(autouse=True)
def fresh_process_cache():
    """Each test starts as a new build's process would: nothing parsed in memory."""
    page_styles._rules.cache_clear()
    yield
    page_styles._rules.cache_clear()


def test_a_parsed_stylesheet_is_kept_for_the_next_build(tmp_path: Path):
    with page_styles.parsed_in(tmp_path):
        parsed = page_styles._rules(CSS)
    (entry,) = tmp_path.glob("*.pickle")
    assert pickle.loads(entry.read_bytes()) == parsed
    write_sealed(entry, pickle.dumps(parsed[:1]))  # what the next build finds (sealed) is what it uses
    page_styles._rules.cache_clear()
    with page_styles.parsed_in(tmp_path):
        assert page_styles._rules(CSS) == parsed[:1]


def test_a_damaged_entry_is_parsed_again(tmp_path: Path):
    with page_styles.parsed_in(tmp_path):
        parsed = page_styles._rules(CSS)
    (entry,) = tmp_path.glob("*.pickle")
    entry.write_bytes(b"\x80\x05 cut short")
    page_styles._rules.cache_clear()
    with page_styles.parsed_in(tmp_path):
        assert page_styles._rules(CSS) == parsed
    assert pickle.loads(entry.read_bytes()) == parsed


def test_another_stylesheet_or_outside_a_build_keeps_nothing(tmp_path: Path):
    page_styles._rules(CSS)
    assert list(tmp_path.iterdir()) == []
    page_styles._rules.cache_clear()
    with page_styles.parsed_in(tmp_path):
        page_styles._rules(CSS)
        page_styles._rules(CSS.replace("red", "blue"))
    assert len(list(tmp_path.glob("*.pickle"))) == 2
