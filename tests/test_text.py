"""factsheets.text: characters untrusted text may hold, and Markdown bounded so it converts in time."""

from __future__ import annotations

import sys
import time

import pytest

from factsheets.text import (
    BRACKET_BUDGET,
    MAX_CARD_MARKDOWN,
    MAX_NESTING,
    absolute_link,
    character_problem,
    markdown_issues,
    page_link_rule,
    safe_html,
    within_site_or_absolute,
)


@pytest.mark.parametrize("text", ["gewoon", "regel\nregel", "kolom\tkolom", "€ 1.200 — “citaat” 日本", "\u200f"])
def test_text_newline_and_tab_are_allowed(text):
    assert character_problem(text) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a\x00b", "contains a control character (U+0000) at character 2"),
        ("a\x1b[31m", "contains a control character (U+001B) at character 2"),
        ("a\rb", "contains a control character (U+000D)"),
        ("\x85", "contains a control character (U+0085)"),
        ("abc\u202etxt.exe", "contains a bidirectional override (U+202E) at character 4"),
        ("\u2066x", "contains a bidirectional override (U+2066)"),
        ("\ud800", "contains a control character (U+D800)"),
    ],
)
def test_control_characters_and_bidi_overrides_are_refused(text, message):
    assert message in (character_problem(text) or "")


def test_a_markdown_text_over_the_limit_is_refused_before_it_is_parsed():
    [issue] = markdown_issues("x" * (MAX_CARD_MARKDOWN + 1), MAX_CARD_MARKDOWN)
    assert issue.message == f"is {MAX_CARD_MARKDOWN + 1:,} characters long; at most {MAX_CARD_MARKDOWN:,} are allowed"


@pytest.mark.parametrize("marker", ["- ", "1. ", "> ", "> - ", "* "])
def test_nesting_beyond_the_limit_is_refused_on_its_line(marker):
    text = "Intro\n\n" + marker * (MAX_NESTING + 1) + "diep\n"
    [issue] = markdown_issues(text, MAX_CARD_MARKDOWN)
    assert (issue.line, issue.col) == (3, 1) and "nested" in issue.message


def test_indentation_counts_as_nesting():
    text = "".join("    " * level + "- x\n" for level in range(MAX_NESTING + 2))
    [issue] = markdown_issues(text, MAX_CARD_MARKDOWN)
    assert "nested" in issue.message


def test_nesting_at_the_limit_converts_even_with_a_small_stack():
    text = "- " * MAX_NESTING + "diep"
    assert markdown_issues(text, MAX_CARD_MARKDOWN) == []
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(400)  # far less than a build has left when it converts a card
    try:
        assert "<li>diep</li>" in safe_html(text)[0]
    finally:
        sys.setrecursionlimit(limit)


def test_horizontal_rules_and_dashes_are_not_nesting():
    assert markdown_issues("-" * 200 + "\n\n" + "- - - -\n", MAX_CARD_MARKDOWN) == []


BRACKETS = BRACKET_BUDGET // MAX_CARD_MARKDOWN
"""The most ``[`` a paragraph of the longest card text may hold."""


def test_a_paragraph_with_too_many_open_brackets_for_its_length_is_refused():
    [issue] = markdown_issues("[" * (BRACKETS + 1) + "x" * (MAX_CARD_MARKDOWN - BRACKETS - 1), MAX_CARD_MARKDOWN)
    assert (
        issue.message
        == f"has {BRACKETS + 1} '[' in a paragraph of 20,000 characters; use fewer brackets or split the paragraph"
    )
    assert markdown_issues("Short [a] [b] [c] " * 20, MAX_CARD_MARKDOWN) == []


@pytest.mark.parametrize(
    "worst",
    [
        "[" * BRACKETS + "x" * (MAX_CARD_MARKDOWN - BRACKETS),
        "[a](" * BRACKETS + "x" * (MAX_CARD_MARKDOWN - 4 * BRACKETS),
        "![" * BRACKETS + "x" * (MAX_CARD_MARKDOWN - 2 * BRACKETS),
        "\n\n".join(["[" * BRACKETS + "x" * (MAX_CARD_MARKDOWN // 10 - BRACKETS - 2)] * 10),
        "".join("> " * (MAX_NESTING - 1) + "- x\n" for _ in range(MAX_CARD_MARKDOWN // (2 * MAX_NESTING + 4))),
    ],
)
def test_the_worst_text_check_accepts_converts_in_linear_time(worst):
    assert len(worst) <= MAX_CARD_MARKDOWN
    started = time.perf_counter()
    markdown_issues(worst, MAX_CARD_MARKDOWN)
    safe_html(worst)
    assert time.perf_counter() - started < 5.0  # 0.3 s on an idle machine; without the limits, minutes


@pytest.mark.parametrize(
    ("href", "kept"),
    [
        ("https://example.org/x?y#z", True),
        ("http://example.org", True),
        ("mailto:info@example.org", True),
        ("HTTPS://EXAMPLE.ORG/", True),
        ("https:///nohost", False),
        ("https:\\\\evil.example", False),
        ("//evil.example/x", False),
        ("/etc/passwd", False),
        ("../x", False),
        ("#top", False),
        ("javascript:alert(1)", False),
        ("file:///etc/passwd", False),
        ("mailto:", False),
    ],
)
def test_a_card_keeps_only_absolute_web_and_mail_links(href, kept):
    assert (absolute_link(href) == href) is kept


def test_a_page_links_to_the_sites_pages_relative_to_itself():
    rule = page_link_rule({"index.md": "./", "over.md": "over/", "projecten/x.md": "projecten/x/"}, "nieuws/")
    assert rule("index.md") == "../"
    assert rule("over.md#wie") == "../over/#wie"
    assert rule("./projecten/x.md") == "../projecten/x/"
    assert rule("#boven") == "#boven"
    assert rule("https://example.org/") == "https://example.org/"
    for refused in ("nope.md", "../over.md/../../x.md", "/over.md", "over.md#a b", "#", "projecten/", "x\\over.md"):
        assert rule(refused) is None, refused


@pytest.mark.parametrize(("href", "kept"), [("../x/", True), ("#a", True), ("//h/x", False), ("/x", False)])
def test_what_a_page_may_publish(href, kept):
    assert (within_site_or_absolute(href) == href) is kept


def test_raw_html_and_images_never_become_elements():
    html, issues = safe_html("<b onclick=x>b</b> ![i](https://example.org/i.png) <https://example.org/>")
    assert "<b" not in html and "<img" not in html and "&lt;b onclick=x&gt;" in html
    assert '<a href="https://example.org/"' in html
    assert [message for _, message in issues] == ["images are not allowed; link to the picture instead"]
