"""Text from untrusted files: which characters it may hold, and Markdown that is safe to convert.

Everything under ``data/`` and ``content/`` is untrusted. Card texts and hand-written
pages go through the one converter here: raw HTML is shown as text, attribute lists
are not understood, every link is checked against a rule, and the input is bounded so
that Python-Markdown cannot take quadratic time or run out of stack on it. ``check``
reports what the converter would refuse; the build converts only what passed.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import markdown
import nh3
from markdown.inlinepatterns import HTML_RE, InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString
from markupsafe import Markup

from .messages import message, number

# --- characters ------------------------------------------------------------------------------

_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"  # control characters; tab and newline are text
    "\u202a-\u202e\u2066-\u2069"  # bidirectional embeddings, overrides and isolates
    "\ud800-\udfff\ufffe\uffff]"  # lone surrogates and non-characters: not encodable as UTF-8
)
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def character_problem(text: str) -> str | None:
    """Why ``text`` may not appear on a page, a sheet or in the open data; None when it may."""
    found = _FORBIDDEN.search(text)
    if found is None:
        return None
    key = "text.bidi_override" if _BIDI.match(found.group()) else "text.control_character"
    return message(key, code=f"{ord(found.group()):04X}", at=found.start() + 1)


# --- limits ----------------------------------------------------------------------------------

MAX_CARD_MARKDOWN = 20_000
"""Characters in one Markdown field of a card: a sheet is one page, this is several."""
MAX_PAGE_MARKDOWN = 64 * 1024
"""Characters in one hand-written page."""
MAX_NESTING = 24
"""Lists and quotes inside each other; Python-Markdown recurses per level and fails near 500."""
BRACKET_BUDGET = 200_000
"""``[`` in a paragraph times its length: each ``[`` that does not close makes Python-Markdown scan
to the paragraph's end, so their product bounds the time (about 0.2 s at this budget)."""

_NESTING_PREFIX = re.compile(r"(?:[ \t]*(?:>|[-*+]|\d{1,9}[.)])(?=[ \t]|$))*[ \t]*")


@dataclass(frozen=True)
class Issue:
    """Something wrong in a Markdown text, at ``line``:``col`` of that text (both from 1)."""

    line: int
    col: int
    message: str


def limit_issues(text: str, max_chars: int) -> list[Issue]:
    """Size and nesting, checked before the text is parsed at all."""
    if len(text) > max_chars:
        return [Issue(1, 1, message("text.too_long", length=number(len(text)), limit=number(max_chars)))]
    for line_number, line in enumerate(text.split("\n"), start=1):
        prefix = _NESTING_PREFIX.match(line).group()  # type: ignore[union-attr]
        markers = prefix.count(">") + len(re.findall(r"[-*+]|\d+[.)]", prefix))
        depth = markers + _indent_levels(prefix, markers)
        if depth > MAX_NESTING:
            return [Issue(line_number, 1, message("text.nested_too_deep", depth=depth, limit=MAX_NESTING))]
    return []


def _indent_levels(prefix: str, markers: int) -> int:
    """Indentation nests too; the one space after each marker does not count."""
    return max(len(re.sub(r"[^ \t]", "", prefix).expandtabs(4)) - markers, 0) // 4


# --- links -----------------------------------------------------------------------------------

WEB_SCHEMES = ("http", "https", "mailto")

LinkRule = Callable[[str], "str | None"]
"""Turns a link as written into the href to publish, or None when the link is not allowed."""


def absolute_link(href: str) -> str | None:
    """Cards: only absolute http(s) and mailto links, because a sheet is read on paper and off the site."""
    try:
        parts = urlsplit(href)
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc and "\\" not in href:
        return href
    if parts.scheme.lower() == "mailto" and parts.path:
        return href
    return None


def relative(target: str, from_page: str) -> str:
    """A link from the page at URL ``from_page`` (a folder URL like ``en/projecten/x/``) to ``target``."""
    start = from_page.rstrip("/") or "."
    link = posixpath.relpath(target.rstrip("/") or ".", start)
    return link + "/" if target.endswith("/") and link != "." else ("./" if link == "." else link)


PAGE_LINKS = "text.page_links"
"""The catalogue's text on the links a hand-written page may have (``allowed`` of ``link_issue``)."""
_FRAGMENT = re.compile(r"[A-Za-z0-9_.:-]*")


def page_link_rule(pages: dict[str, str], from_page: str) -> LinkRule:
    """Hand-written pages: web and mail links, ``#fragments``, and links to the site's own pages.

    ``pages`` maps a page's source as editors write it (``over.md``, ``projecten/atmp.md``)
    to its URL in the language's folder; a link to one becomes a relative link from ``from_page``.
    """

    def rule(href: str) -> str | None:
        if absolute_link(href):
            return href
        path, _, fragment = href.partition("#")
        if not _FRAGMENT.fullmatch(fragment) or "\\" in path or path.startswith("/"):
            return None
        if not path:
            return href if fragment else None
        target = pages.get(posixpath.normpath(path))
        if target is None:
            return None
        return relative(target, from_page) + (f"#{fragment}" if fragment else "")

    return rule


def within_site_or_absolute(href: str) -> str | None:
    """What a page may publish: an absolute web or mail link, or a link within the site (no host, no scheme)."""
    if absolute_link(href):
        return href
    try:
        parts = urlsplit(href)
    except ValueError:
        return None
    return href if not parts.scheme and not parts.netloc and "\\" not in href and not href.startswith("/") else None


def link_issue(href: str, rule: LinkRule, allowed: str) -> str | None:
    """The message for a link ``rule`` refuses; ``allowed`` is the catalogue's text on what it accepts."""
    if rule(href) is not None:
        return None
    if allowed == PAGE_LINKS and href.partition("#")[0].endswith(".md") and within_site_or_absolute(href):
        # A link to a page as editors write them, to a page that is not there (misspelt, or unreadable itself).
        return message("text.no_such_page", link=href[:80])
    return message("text.link_not_allowed", link=href[:80], allowed=message(allowed))


CARD_LINKS = "text.card_links"
"""The catalogue's text on the links a card's text may have."""


# --- the converter ---------------------------------------------------------------------------


class _RawHtmlAsText(InlineProcessor):
    """Raw HTML in untrusted text is an editor's mistake or an attack: it is shown as the text it is."""

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[str, int, int]:
        return AtomicString(m.group(0)), m.start(0), m.end(0)


class _Limits(Treeprocessor):
    """Before inline parsing: a paragraph with too many ``[`` for its length is not parsed further."""

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            count = element.text.count("[") if element.text else 0
            if count * len(element.text or "") > BRACKET_BUDGET:
                issue = message("text.too_many_brackets", count=number(count), length=number(len(element.text or "")))
                self.md.issues.append((element.text[:40], issue))  # type: ignore[attr-defined]
                element.text = AtomicString(element.text)


class _Links(Treeprocessor):
    """After inline parsing: each link passes the conversion's rule, or is dropped and reported."""

    def run(self, root: etree.Element) -> None:
        md: SafeMarkdown = self.md  # type: ignore[assignment]
        for element in root.iter():
            attribute = {"a": "href", "img": "src"}.get(element.tag)
            if attribute is None:
                continue
            written = element.get(attribute, "")
            if element.tag == "img":
                md.issues.append((written, message("text.no_images")))
                continue
            href = md.link_rule(written)
            if href is None:
                md.issues.append((written, link_issue(written, md.link_rule, md.allowed_links) or ""))
                element.attrib.pop(attribute, None)
            else:
                element.set(attribute, href)


class SafeMarkdown(markdown.Markdown):
    """Python-Markdown without raw HTML, with the project's limits and a link rule per conversion."""

    def __init__(self, extensions: tuple[str, ...]) -> None:
        super().__init__(extensions=list(extensions))
        self.link_rule: LinkRule = absolute_link
        self.allowed_links = CARD_LINKS
        self.issues: list[tuple[str, str]] = []
        self.preprocessors.deregister("html_block")
        self.inlinePatterns.deregister("automail")  # it hides the address in entities no link rule can read
        self.inlinePatterns.register(_RawHtmlAsText(HTML_RE, self), "html", 90)
        self.treeprocessors.register(_Limits(self), "limits", 30)
        self.treeprocessors.register(_Links(self), "links", 15)

    def convert_with(self, text: str, rule: LinkRule, allowed: str) -> str:
        self.reset()
        self.link_rule, self.allowed_links, self.issues = rule, allowed, []
        return self.convert(text)


CARD_TAGS = {"p", "ul", "ol", "li", "em", "strong", "a", "br", "code", "blockquote"}
PAGE_TAGS = CARD_TAGS | {"h1", "h2", "h3", "h4", "h5", "h6", "pre", "hr", "table", "thead", "tbody", "tr", "th", "td"}

_converters: dict[tuple[str, ...], SafeMarkdown] = {}


def _converter(extensions: tuple[str, ...]) -> SafeMarkdown:
    if extensions not in _converters:
        _converters[extensions] = SafeMarkdown(extensions)
    return _converters[extensions]


def safe_html(
    text: str,
    rule: LinkRule = absolute_link,
    allowed: str = CARD_LINKS,
    tags: set[str] = CARD_TAGS,
    extensions: tuple[str, ...] = ("sane_lists",),
    published: LinkRule = absolute_link,
) -> tuple[Markup, list[tuple[str, str]]]:
    """Markdown as sanitised HTML, and the (snippet, message) of everything it refused.

    ``rule`` turns each link as written into the link to publish; nh3 then cleans the HTML
    again and keeps only links that pass ``published``: a second, independent guard.
    """
    converter = _converter(extensions)
    html = converter.convert_with(text, rule, allowed)
    issues = list(converter.issues)

    def keep_allowed_links(tag: str, attribute: str, value: str) -> str | None:
        return published(value) if attribute == "href" else value

    clean = nh3.clean(
        html,
        tags=tags,
        attributes={"a": {"href", "title"}},
        attribute_filter=keep_allowed_links,
        url_schemes=set(WEB_SCHEMES),
        link_rel="noopener",
    )
    return Markup(clean), issues


def position_of(text: str, snippet: str) -> tuple[int, int]:
    """Line and column (from 1) of ``snippet``'s first occurrence in ``text``; 1:1 when it is not there."""
    index = text.find(snippet) if snippet else -1
    if index < 0:
        return 1, 1
    before = text[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1


def markdown_issues(
    text: str, max_chars: int, rule: LinkRule = absolute_link, allowed: str = CARD_LINKS
) -> list[Issue]:
    """Everything ``check`` reports about one Markdown text: characters, size, nesting, brackets, links."""
    problem = character_problem(text)
    if problem:
        return [Issue(1, 1, problem)]
    limits = limit_issues(text, max_chars)
    if limits:
        return limits
    _, found = safe_html(text, rule, allowed, extensions=("sane_lists", "tables"))
    return [Issue(*position_of(text, snippet), message) for snippet, message in found]
