"""MkDocs hook: a caption for every table that a page's Markdown makes.

Markdown has no way to write a table's caption, so a table in a hand-written page (content/) is named
after the heading above it, in a caption that screen readers announce and that is not shown again on
screen. The project's own tables (templates/components) carry captions of their own and are left alone.
"""

import re

_TABLE_OR_HEADING = re.compile(r"<h[1-6][^>]*>(?P<heading>.*?)</h[1-6]>|<table>", re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")


def on_page_content(html, page, config, files):
    heading = page.title or ""
    parts, position = [], 0
    for match in _TABLE_OR_HEADING.finditer(html):
        if match.group("heading") is not None:
            heading = _TAGS.sub("", match.group("heading")).strip()
            continue
        parts += [html[position : match.end()], f'<caption class="fs-visually-hidden">{heading}</caption>']
        position = match.end()
    return "".join(parts) + html[position:]
