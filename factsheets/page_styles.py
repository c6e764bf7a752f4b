"""Each page carries the CSS it uses, inline in its head, and links no stylesheet (run by the MkDocs hook
templates/site/hooks/page_styles.py; here, in the package, its parsed stylesheets outlive one build: the live
preview parses Material's once).

Material's stylesheet is written for every feature the theme has (admonitions, code, tabs, colour palettes,
right-to-left scripts...); a page of this site uses a quarter of it. A linked stylesheet also holds up the
page's first paint until it has arrived (Lighthouse's "render-blocking resources"). So once the theme has
written a page, the stylesheets it links (Material's, its palette, blocks.css, site.css) are read, the rules
whose selectors cannot match anything on the page are left out, and the rest replaces the links, in one
<style> where the first link was.

A rule stays when one of its selectors could match: every element, class, id and attribute it requires is on
the page, or a word in a string of a script the page runs (Material's script builds the search results and
sets the header's states from class names in its code, so their rules stay). ``:is()``, ``:where()`` and
``:has()`` need one of their selectors, ``:not()`` and the other pseudo-classes nothing. A selector this module
cannot parse keeps its rule, and so does every at-rule but @media and @supports (whose rules are sifted).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import html
import posixpath
import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

import tinycss2
from cssselect2 import parser as selectors

from .fingerprint import code_fingerprint, remembered

_STYLESHEET_LINK = re.compile(r'<link rel="stylesheet" href="([^"]+)">\s*')
_SCRIPT = re.compile(r'<script src="([^"]+)"')
_STRING = re.compile(r""""((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'""")
_RELATIVE_URL = re.compile(r"""url\((['"]?)(?![a-z]+:|/|#)([^'")]+)\1\)""")
_VARIABLE = re.compile(r"var\(\s*(--[\w-]+)")
_START_TAG = re.compile(r"<([a-zA-Z][\w-]*)((?:\s+[^\s>/=]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*)\s*/?>")
_ATTRIBUTE = re.compile(r"""([^\s>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")
_SIFTED_AT_RULES = {"media", "supports"}


def inline_styles(page_html: str, site: Path, page_url: str | None, root: str | None = None) -> str:
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


class _Need(NamedTuple):
    """What a selector requires of a page, worked out once per stylesheet: every one of ``atoms`` (an element,
    class, id or attribute, as ``("class", "md-nav")``), every ``[name=value]`` of ``values``, and one
    requirement of each group of ``choices`` (the selectors of an ``:is()``, ``:where()`` or ``:has()``)."""

    atoms: frozenset[tuple[str, str]]
    values: tuple[tuple[str, str], ...]
    choices: tuple[tuple[_Need, ...], ...]


_ATOM_KINDS = ("tag", "class", "id", "attribute")
_ALTERNATIVES = (selectors.MatchesAnySelector, selectors.SpecificityAdjustmentSelector, selectors.RelationalSelector)
""":is(), :where() and :has(): one of their selectors must be able to match."""


def _need(selector):
    atoms, values, choices = set(), [], []
    _gather(selector, atoms, values, choices)
    return _Need(frozenset(atoms), tuple(values), tuple(choices))


def _gather(selector, atoms, values, choices):
    match selector:
        case selectors.Selector():
            _gather(selector.parsed_tree, atoms, values, choices)
        case selectors.RelativeSelector():
            _gather(selector.selector, atoms, values, choices)
        case selectors.CombinedSelector():
            _gather(selector.left, atoms, values, choices)
            _gather(selector.right, atoms, values, choices)
        case selectors.CompoundSelector():
            for simple in selector.simple_selectors:
                _gather(simple, atoms, values, choices)
        case selectors.LocalNameSelector():
            atoms.add(("tag", selector.lower_local_name))
        case selectors.ClassSelector():
            atoms.add(("class", selector.class_name))
        case selectors.IDSelector():
            atoms.add(("id", selector.ident))
        case selectors.AttributeSelector():
            atoms.add(("attribute", selector.lower_name))
            if selector.operator == "=":
                values.append((selector.lower_name, selector.value))
        case _ if isinstance(selector, _ALTERNATIVES):
            choices.append(tuple(_need(inner) for inner in selector.selector_list))
        # :not(), :hover, :nth-child() and the like require nothing of the page


class _Present:
    """What a page has (its elements, classes, ids and attributes with their values) and the words of the strings
    of the scripts it runs, which may name what the scripts add to it."""

    def __init__(self, words):
        self.words = words
        self.atoms = set(_atoms_of(words))
        self.values = set()

    @classmethod
    def of(cls, page_html, scripts):
        present = cls(frozenset().union(*(_words(script) for script in scripts)))
        _collect(present, page_html)
        return present

    def can_match(self, need):
        """Whether a selector's requirements could be met by an element of the page, now or once its scripts ran."""
        return (
            need.atoms <= self.atoms
            and all((name, value) in self.values or value in self.words for name, value in need.values)
            and all(any(self.can_match(choice) for choice in group) for group in need.choices)
        )


@functools.lru_cache(maxsize=8)
def _atoms_of(words):
    return frozenset((kind, word) for word in words for kind in _ATOM_KINDS)


def _collect(present, page_html):
    """The page's elements, classes, ids and attributes into ``present``. Read with patterns rather than an HTML
    parser (four times as fast): a "<" in a script's text that reads as a tag only keeps rules that are unused."""
    for tag, attributes in _START_TAG.findall(page_html):
        present.atoms.add(("tag", tag.lower()))
        for name, quoted, single, bare in _ATTRIBUTE.findall(attributes):
            name, value = name.lower(), html.unescape(quoted or single or bare)
            present.atoms.add(("attribute", name))
            present.values.add((name, value))
            if name == "class":
                present.atoms.update(("class", each) for each in value.split())
            elif name == "id" and value:
                present.atoms.add(("id", value))


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
    selectors: tuple[_Need, ...] | None
    """None: selectors this module cannot parse, or an at-rule it does not sift; the rule stays."""
    prelude: str = ""
    declarations: tuple[_Declaration, ...] = ()


class _Group(NamedTuple):
    """@media or @supports, with the rules inside."""

    head: str
    rules: tuple[_Rule | _Group, ...]


_store: Path | None = None
"""Where parsed stylesheets are kept between builds (``parsed_in``)."""


@contextlib.contextmanager
def parsed_in(folder: Path) -> Iterator[None]:
    """For one build, keep each parsed stylesheet in ``folder`` too: parsing Material's takes almost half a second,
    a good part of a rebuild that changed one card, and it is the same stylesheet every time."""
    global _store
    previous, _store = _store, folder
    try:
        yield
    finally:
        _store = previous


@functools.lru_cache(maxsize=32)
def _rules(css):
    """A stylesheet's rules, parsed once for all the pages of a build (and for each language's build)."""
    if _store is None:
        return _parse(css)
    # The project's code is in the key: this module decides what a parsed rule holds.
    key = hashlib.sha256(f"{code_fingerprint()}\n{css}".encode()).hexdigest()
    return remembered(_store / f"{key}.pickle", lambda: _parse(css))


def _parse(css):
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
        parsed = tuple(_need(selector) for selector in selectors.parse(rule.prelude))
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
