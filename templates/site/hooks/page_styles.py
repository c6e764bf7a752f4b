"""MkDocs hook: each page carries the CSS it uses, inline in its head, and links no stylesheet.

Material's stylesheet is written for every feature the theme has (admonitions, code, tabs, colour palettes,
right-to-left scripts...); a page of this site uses a quarter of it. A linked stylesheet also holds up the
page's first paint until it has arrived (Lighthouse's "render-blocking resources"). So once the theme has
written a page, the stylesheets it links (Material's, its palette, blocks.css, site.css) are read, the rules
whose selectors cannot match anything on the page are left out, and the rest replaces the links, in one
<style> where the first link was.

A rule stays when one of its selectors could match: every element, class, id and attribute it requires is on
the page, or a word in a string of a script the page runs (Material's script builds the search results and
sets the header's states from class names in its code, so their rules stay). ``:is()``, ``:where()`` and
``:has()`` need one of their selectors, ``:not()`` and the other pseudo-classes nothing. A selector this hook
cannot parse keeps its rule, and so does every at-rule but @media and @supports (whose rules are sifted).
"""

from __future__ import annotations

import functools
import html.parser
import posixpath
import re
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import tinycss2
from cssselect2 import parser as selectors

_STYLESHEET_LINK = re.compile(r'<link rel="stylesheet" href="([^"]+)">\s*')
_SCRIPT = re.compile(r'<script src="([^"]+)"')
_STRING = re.compile(r""""((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'""")
_RELATIVE_URL = re.compile(r"""url\((['"]?)(?![a-z]+:|/|#)([^'")]+)\1\)""")
_VARIABLE = re.compile(r"var\(\s*(--[\w-]+)")
_SIFTED_AT_RULES = {"media", "supports"}


def on_post_page(output, page, config):
    return inline_styles(output, Path(config.site_dir), page_url=page.url)


def on_post_template(output_content, template_name, config):
    """The 404 page, served at any address, links the site's files from the root's path."""
    if template_name != "404.html":
        return output_content
    return inline_styles(output_content, Path(config.site_dir), page_url=None, root=urlsplit(config.site_url).path)


def inline_styles(page_html, site, page_url, root=None):
    """The page with the rules of its stylesheets that can match it in one <style>, in place of their links.

    ``page_url``: the page's address from the site's root, which its relative links start from; None for a
    page whose links start with ``root``, the root's path on the web."""
    links = _STYLESHEET_LINK.findall(page_html)
    if not links:
        return page_html
    to_root = root if page_url is None else "../" * page_url.count("/")
    scripts = [_site_file(site, src, page_url, root) for src in _SCRIPT.findall(page_html)]
    present = _Present.of(page_html, scripts)
    css = _page_css(site, [_site_file(site, href, page_url, root) for href in links], page_html, present, to_root)
    first = page_html.index('<link rel="stylesheet"')
    rest = _STYLESHEET_LINK.sub("", page_html[first:])
    return page_html[:first] + f"<style>{css}</style>\n" + rest


def _site_file(site, address, page_url, root):
    path = urlsplit(address).path
    if page_url is None:
        return site / path.removeprefix(root or "/")
    return site / posixpath.normpath(posixpath.join(posixpath.dirname(page_url), path))


class _Present:
    """What a page has (its elements, classes, ids and attributes) and the words of the scripts it runs."""

    def __init__(self, words):
        self.words = words
        self.tags, self.classes, self.ids, self.attributes, self.values = set(), set(), set(), set(), set()

    @classmethod
    def of(cls, page_html, scripts):
        present = cls(frozenset().union(*(_words(script) for script in scripts)))
        _Collector(present).feed(page_html)
        return present

    def can_match(self, selector):
        """Whether a parsed selector could match an element of the page, now or once its scripts have run."""
        match selector:
            case selectors.Selector():
                return self.can_match(selector.parsed_tree)
            case selectors.RelativeSelector():
                return self.can_match(selector.selector)
            case selectors.CombinedSelector():
                return self.can_match(selector.left) and self.can_match(selector.right)
            case selectors.CompoundSelector():
                return all(self.can_match(simple) for simple in selector.simple_selectors)
            case selectors.LocalNameSelector():
                return self._known(selector.lower_local_name, self.tags)
            case selectors.ClassSelector():
                return self._known(selector.class_name, self.classes)
            case selectors.IDSelector():
                return self._known(selector.ident, self.ids)
            case selectors.AttributeSelector():
                return self._attribute(selector)
            case selectors.MatchesAnySelector() | selectors.SpecificityAdjustmentSelector():  # :is(), :where()
                return any(self.can_match(inner) for inner in selector.selector_list)
            case selectors.RelationalSelector():  # :has()
                return any(self.can_match(inner) for inner in selector.selector_list)
        return True  # :not(), :hover, :nth-child() and the like require nothing of the page

    def _known(self, name, on_page):
        return name in on_page or name in self.words

    def _attribute(self, selector):
        if not self._known(selector.lower_name, self.attributes):
            return False
        if selector.operator != "=":
            return True
        return (selector.lower_name, selector.value) in self.values or selector.value in self.words


class _Collector(html.parser.HTMLParser):
    def __init__(self, present):
        super().__init__(convert_charrefs=True)
        self.present = present

    def handle_starttag(self, tag, attrs):
        present = self.present
        present.tags.add(tag)
        for name, value in attrs:
            present.attributes.add(name)
            present.values.add((name, value or ""))
            if name == "class" and value:
                present.classes.update(value.split())
            elif name == "id" and value:
                present.ids.add(value)


def _words(script):
    return _words_of(script.read_text(encoding="utf-8")) if script.is_file() else frozenset()


@functools.lru_cache(maxsize=32)
def _words_of(script):
    strings = _STRING.findall(script)
    return frozenset(word for pair in strings for text in pair for word in text.split())


class _Declaration(NamedTuple):
    text: str
    custom: str | None
    """The custom property it sets (``--md-tooltip-x``), if it sets one."""
    uses: frozenset[str]
    """The custom properties its value reads with var()."""


class _Rule(NamedTuple):
    text: str
    selectors: list[Any] | None
    """None: selectors this hook cannot parse, or an at-rule it does not sift; the rule stays."""
    prelude: str = ""
    declarations: tuple[_Declaration, ...] = ()


class _Group(NamedTuple):
    """@media or @supports, with the rules inside."""

    head: str
    rules: tuple[_Rule | _Group, ...]


@functools.lru_cache(maxsize=32)
def _rules(css):
    """A stylesheet's rules, parsed once for all the pages of a build (and for each language's build)."""
    sheet = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    return tuple(_parsed(rule) for rule in sheet if rule.type != "error")


def _parsed(rule):
    if rule.type == "at-rule" and rule.lower_at_keyword in _SIFTED_AT_RULES and rule.content is not None:
        inner = tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
        head = f"@{rule.at_keyword} {tinycss2.serialize(rule.prelude).strip()}"
        return _Group(head, tuple(_parsed(each) for each in inner if each.type != "error"))
    if rule.type != "qualified-rule":
        return _Rule(rule.serialize(), None)
    try:
        parsed = list(selectors.parse(rule.prelude))
    except selectors.SelectorError:
        return _Rule(rule.serialize(), None)
    declarations = tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True)
    return _Rule(rule.serialize(), parsed, tinycss2.serialize(rule.prelude).strip(),
                 tuple(_declaration(each) for each in declarations if each.type == "declaration"))  # fmt: skip


def _declaration(declaration):
    text = declaration.serialize()
    custom = declaration.name if declaration.name.startswith("--") else None
    return _Declaration(text, custom, frozenset(_VARIABLE.findall(tinycss2.serialize(declaration.value))))


def _kept(rule, present):
    """The rule, or the group with its rules, if it can match the page; else None."""
    if isinstance(rule, _Group):
        inner = tuple(filter(None, (_kept(each, present) for each in rule.rules)))
        return _Group(rule.head, inner) if inner else None
    if rule.selectors is None or any(present.can_match(selector) for selector in rule.selectors):
        return rule
    return None


def _flat(rules):
    for rule in rules:
        yield from _flat(rule.rules) if isinstance(rule, _Group) else (rule,)


def _used_variables(rules, page_html, present):
    """The custom properties the kept rules, the page's own style attributes or its scripts read, and those these
    read in turn: Material declares dozens (mostly icons) for features a page may not have."""
    declared = {}
    used = set(_VARIABLE.findall(page_html)) | {word for word in present.words if word.startswith("--")}
    for rule in _flat(rules):
        if rule.selectors is None:
            used.update(_VARIABLE.findall(rule.text))
        for declaration in rule.declarations:
            if declaration.custom:
                declared.setdefault(declaration.custom, set()).update(declaration.uses)
            else:
                used.update(declaration.uses)
    waiting = list(used)
    while waiting:
        for name in declared.get(waiting.pop(), ()):
            if name not in used:
                used.add(name)
                waiting.append(name)
    return used


def _serialized(rule, used):
    if isinstance(rule, _Group):
        return f"{rule.head}{{{''.join(_serialized(each, used) for each in rule.rules)}}}"
    if rule.selectors is None:
        return rule.text
    declarations = [each.text for each in rule.declarations if each.custom is None or each.custom in used]
    return f"{rule.prelude}{{{';'.join(declarations)}}}" if declarations else ""


def _page_css(site, stylesheets, page_html, present, to_root):
    """The stylesheets' rules that can match the page, with the custom properties it reads, in one text whose
    relative addresses lead from the page."""
    kept = {sheet: _kept_rules(sheet, present) for sheet in stylesheets}
    used = _used_variables([rule for rules in kept.values() for rule in rules], page_html, present)
    texts = {sheet: "".join(_serialized(rule, used) for rule in rules) for sheet, rules in kept.items()}
    return "".join(_rebased(site, sheet, css, to_root) for sheet, css in texts.items())


def _kept_rules(stylesheet, present):
    rules = (_kept(rule, present) for rule in _rules(stylesheet.read_text(encoding="utf-8")))
    return [rule for rule in rules if rule]


def _rebased(site, stylesheet, css, to_root):
    folder = stylesheet.parent.relative_to(site).as_posix()
    return _RELATIVE_URL.sub(lambda found: f"url({to_root}{posixpath.normpath(posixpath.join(folder, found[2]))})", css)
