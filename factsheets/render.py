"""Render the validated portfolio through Jinja: Markdown pages for MkDocs, HTML for print.

The web page and the printed sheet call the same components in
``templates/components/`` with the same parameters, built here by
``sheet_params``: a change to a block changes both.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache
from html import unescape
from pathlib import Path
from typing import Any

import jinja2
import nh3
import yaml
from babel import Locale
from babel.dates import format_date
from markupsafe import Markup

from .content import ContentPage
from .fingerprint import code_fingerprint
from .history import CardHistory
from .i18n import Language
from .messages import message
from .model import PRECONDITION_GROUPS, Card
from .problems import BuildError
from .provenance import unconfirmed_notes
from .text import PAGE_LINKS, PAGE_TAGS, page_link_rule, relative, safe_html, within_site_or_absolute
from .validate import Domain, Portfolio, counted_cards, total_meur

CARDS_FOLDER = "projecten"
DOMAINS_FOLDER = "domeinen"
PDF_FOLDER = "pdf"

COMPARISON_SCRIPT = "assets/js/comparison.js"
"""The comparison table's filters and sorting: loaded by the pages that have the table (main.html's scripts)."""

QR_SCHEME = "qr:"
"""``<img src="qr:https://…">``: the QR code of that address, drawn when the PDF is rendered."""


# --- where things live in the output --------------------------------------------------------


def language_prefix(portfolio: Portfolio, code: str) -> str:
    """The default language lives at the root, the others under ``<code>/``."""
    return "" if code == portfolio.settings.default_language else f"{code}/"


def page_url(portfolio: Portfolio, card_id: str, code: str) -> str:
    return f"{language_prefix(portfolio, code)}{CARDS_FOLDER}/{card_id}/"


def pdf_path(card_id: str, code: str) -> str:
    return f"{PDF_FOLDER}/{card_id}.{code}.pdf"


def language_name(code: str, in_language: str) -> str:
    """The name of language ``code`` in language ``in_language``: "Engels", "Dutch"."""
    return Locale.parse(code).get_display_name(in_language).capitalize()


def domain_url(portfolio: Portfolio, slug: str, code: str) -> str:
    return f"{language_prefix(portfolio, code)}{DOMAINS_FOLDER}/{slug}/"


def booklet_path(code: str) -> str:
    return f"{PDF_FOLDER}/portfolio.{code}.pdf"


SHARE_IMAGE_SIZE = (1200, 848)
"""The share image in pixels: 1200 wide, as link previews show large pictures, and the A4 sheet's proportions."""


def share_image_path(card_id: str, code: str) -> str:
    """The card's picture for link previews (Open Graph): its sheet's page as a JPEG, beside the PDF."""
    return f"{PDF_FOLDER}/{card_id}.{code}.jpg"


def inside(base: Path, relative_path: str) -> Path:
    """``base / relative_path``, refusing any path that would leave ``base``."""
    target = (base / relative_path).resolve()
    if not target.is_relative_to(base.resolve()):
        raise BuildError(message("build.outside_output", path=relative_path))
    return target


# --- card text -------------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def markdown_to_html(text: str) -> Markup:
    """Card Markdown as safe HTML: raw HTML shown as text, links only absolute http(s) and mailto.

    Relative links mean nothing on a printed sheet (WeasyPrint would make them ``file://`` links),
    so ``check`` refuses them and they are dropped here.

    Remembered per text (the result depends on nothing else): each text is shown on the card's page and
    its sheet, and the live preview's rebuilds convert only the texts an edit changed.
    """
    return safe_html(text)[0]


def site_pages(portfolio: Portfolio, code: str) -> dict[str, str]:
    """The pages of one language as editors link to them (``over.md``) and their URLs in that language."""
    pages = {"index.md": "./"}
    pages.update({page.source: f"{page.name}/" for page in portfolio.pages if page.language == code})
    pages.update({f"{CARDS_FOLDER}/{card.id}.md": f"{CARDS_FOLDER}/{card.id}/" for card in portfolio.cards})
    pages.update({f"{DOMAINS_FOLDER}/{d.slug}.md": f"{DOMAINS_FOLDER}/{d.slug}/" for d in portfolio.domains()})
    return pages


_HEADING = re.compile(r" {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*")
_REFERENCE = re.compile(r" {0,3}\[[^\]]+\]:[ \t]*\S.*")
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")


def page_markdown(page: ContentPage, pages: dict[str, str]) -> str:
    """A hand-written page as MkDocs receives it: its headings, and between them sanitised HTML.

    Headings stay Markdown (escaped), so that MkDocs still makes the table of contents and the
    anchors; everything else is converted here like card text and reaches MkDocs as one HTML block,
    which MkDocs passes on without reading it as Markdown again.
    """
    rule = page_link_rule(pages, f"{page.name}/")
    lines = page.markdown.split("\n")
    references = [line for line in lines if _REFERENCE.fullmatch(line)]
    parts: list[str] = []
    chunk: list[str] = []
    for line in lines:
        heading = _HEADING.fullmatch(line)
        if heading is None:
            chunk.append(line)
            continue
        parts.append(_html_block(chunk, references, rule))
        parts.append(f"{heading.group(1)} {_heading_text(heading.group(2))}")
        chunk = []
    parts.append(_html_block(chunk, references, rule))
    return "\n\n".join(part for part in parts if part) + "\n"


def _html_block(lines: list[str], references: list[str], rule: Callable[[str], str | None]) -> str:
    if not "".join(lines).strip():
        return ""
    text = "\n".join([*lines, "", *references])
    html, _ = safe_html(text, rule, PAGE_LINKS, PAGE_TAGS, ("sane_lists", "tables"), within_site_or_absolute)
    # One line: a blank line would end MkDocs' HTML block and let it read the rest as Markdown.
    return '<div class="fs-prose">' + str(html).replace("\n", "&#10;") + "</div>"


def _heading_text(text: str) -> str:
    """A heading's words, with nothing in them that MkDocs could read as markup or attributes."""
    plain = nh3.clean(safe_html(text)[0], tags=set())  # text only, with < and & as entities
    return _MARKDOWN_SPECIALS.sub(r"\\\1", plain)


# --- the templates ---------------------------------------------------------------------------


def compiled_templates(folder: Path) -> jinja2.BytecodeCache:
    """Jinja's store of compiled templates in ``folder``: each is reused while its source's digest is the same.
    The environments' options are in the code, not in those digests, so there is a folder per version of the code."""
    versioned = folder / code_fingerprint()[:16]
    versioned.mkdir(parents=True, exist_ok=True)
    return jinja2.FileSystemBytecodeCache(str(versioned))


@dataclass
class Renderer:
    """Renders one portfolio's pages and sheets from the templates in ``templates_dir``."""

    portfolio: Portfolio
    templates_dir: Path
    histories: dict[str, CardHistory] = field(default_factory=dict)
    """Each card's git history (history.card_histories); a card without one shows neither date nor changes."""
    compiled: Path | None = None
    """Where compiled templates are kept between builds (Jinja checks each against its source's digest), or
    None to compile them in every build: compiling is a good part of a rebuild that has nothing else to do."""
    _sheets: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict, init=False, repr=False)

    def sheet(self, card: Card, lang: Language) -> dict[str, Any]:
        """The card's block parameters, made once for its web page and its sheet."""
        key = (card.id, lang.code)
        if key not in self._sheets:
            self._sheets[key] = sheet_params(self.portfolio, card, lang)
        return self._sheets[key]

    @cached_property
    def env(self) -> jinja2.Environment:
        # Autoescape everywhere, the Markdown page templates included: card text is never markup.
        return jinja2.Environment(
            loader=jinja2.FileSystemLoader(self.templates_dir),
            bytecode_cache=compiled_templates(self.compiled) if self.compiled else None,
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )

    def language(self, code: str) -> Language:
        return Language(code, self.portfolio.settings.labels)

    def render(self, template: str, code: str, **context: Any) -> str:
        return self.env.get_template(template).render(lang=self.language(code), portfolio=self.portfolio, **context)

    # pages for MkDocs

    def card_page(self, card: Card, code: str) -> str:
        from .structured import card_json_ld  # structured.py builds on this module's addresses and texts

        lang = self.language(code)
        url = page_url(self.portfolio, card.id, code)
        history = self.histories.get(card.id, CardHistory())
        body = self.render(
            "pages/card.md.j2",
            code,
            params=self.sheet(card, lang),
            relation=self._relation(card, lang, url),
            pdf_link=relative(pdf_path(card.id, code), url),
            history=history_params(history, lang),
        )
        title = lang.text(card.title)
        meta = {
            "title": title,
            # The site's name alone is the home page's title: a card of that name says what it is.
            "head_title": f"{title}: {lang.t(f'kind.{card.kind}')}" if title == self._site_name(lang) else title,
            "description": _first_sentence(plain_text(lang.text(card.summary))),
            "hide": ["toc"],
            "card_id": card.id,
            "share_image": share_image_path(card.id, code),
            "share_image_alt": lang.t("share_image_alt", title=title),
            "json_ld": card_json_ld(self.portfolio, card, code, history),
        }
        return front_matter(meta) + _without_blank_lines(body)

    def _site_name(self, lang: Language) -> str:
        return lang.text(self.portfolio.settings.name)

    def overview_page(self, code: str) -> str:
        lang = self.language(code)
        url = language_prefix(self.portfolio, code)
        overview = overview_params(self.portfolio, lang, lambda target: relative(target, url))
        body = self.render("pages/overview.md.j2", code, overview=overview)
        meta = {
            "title": lang.text(self.portfolio.settings.name),
            "head_title": self._site_name(lang),
            "hide": ["toc"],
            "scripts": [COMPARISON_SCRIPT],
            "description": lang.text(self.portfolio.settings.description),
        }
        return front_matter(meta) + _without_blank_lines(body)

    def content_page(self, page: ContentPage) -> str:
        meta = {"title": page.title} | ({"description": page.description} if page.description else {})
        return front_matter(meta) + page_markdown(page, site_pages(self.portfolio, page.language))

    def domain_page(self, domain: Domain, code: str) -> str:
        lang = self.language(code)
        url = domain_url(self.portfolio, domain.slug, code)
        params = domain_params(self.portfolio, domain, lang, lambda target: relative(target, url))
        body = self.render("pages/domain.md.j2", code, listing=params)
        meta = {
            "title": lang.text(domain.name),
            "hide": ["toc"],
            "scripts": [COMPARISON_SCRIPT],
            "description": f"{params['name']}: {params['count']} {lang.t('projects').lower()}, {params['total']}",
        }
        return front_matter(meta) + _without_blank_lines(body)

    def _relation(self, card: Card, lang: Language, url: str) -> dict[str, Any]:
        if card.kind == "flagship":
            parent = self.portfolio.card(card.parent or "")
            return {
                "part_of": {
                    "title": lang.text(parent.title),
                    "url": relative(page_url(self.portfolio, parent.id, lang.code), url),
                }
            }
        return {"flagships": flagships_params(self.portfolio, card, lang, lambda target: relative(target, url))}

    # HTML for WeasyPrint

    def sheet_html(self, card: Card, code: str) -> str:
        lang = self.language(code)
        return self.render(
            "print/sheet.html.j2",
            code,
            sheets=[self._print_params(card, lang)],
            title=lang.text(card.title),
        )

    def booklet_title(self, code: str) -> str:
        lang = self.language(code)
        return f"{lang.text(self.portfolio.settings.name)}: {lang.t('cover_title')}"

    def cover_html(self, code: str) -> str:
        lang = self.language(code)
        cover = overview_params(self.portfolio, lang, self._web_address)
        contents = contents_pages(self.portfolio, lang, self._web_address)
        return self.render(
            "print/cover.html.j2",
            code,
            cover=cover,
            contents=contents,
            spacious=len(contents) == 1 and len(contents[0][0]) <= SPACIOUS_ROWS,
            title=self.booklet_title(code),
        )

    def cover_page_count(self) -> int:
        """The cover's pages: one, and more for a list of cards too long for it (the same in every language)."""
        lang = self.language(self.portfolio.settings.default_language)
        return len(contents_pages(self.portfolio, lang, self._web_address))

    def closing_html(self, code: str) -> str:
        tagline = self.portfolio.settings.tagline[code]
        return self.render("print/closing.html.j2", code, tagline=tagline, title=self.booklet_title(code))

    def _web_address(self, path: str) -> str:
        """Paper cannot follow relative links: print carries full web addresses."""
        return self.portfolio.settings.base_url + path

    def _print_params(self, card: Card, lang: Language) -> dict[str, Any]:
        web_address = self._web_address(page_url(self.portfolio, card.id, lang.code))
        # The QR code is drawn by the PDF step only for sheets it renders (see pdf.QR_SCHEME).
        return {
            "sheet": self.sheet(card, lang),
            "web_address": web_address,
            "qr": QR_SCHEME + web_address,
        }


SAFE_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
"""libyaml's emitter where PyYAML has it: the same YAML, several times faster on every page of every build."""


def front_matter(meta: dict[str, Any]) -> str:
    """YAML front matter with texts made safe for the theme.

    Material prints a page's title and description unescaped in some places
    (``<title>``, ``<meta content="…">``) and escaped in others (``aria-label``).
    Replacing only ``<``, ``>`` and ``"`` makes both safe, and leaves the common
    ``&`` (as in "I&II") readable in both.
    """
    safe = {key: theme_safe(value) if isinstance(value, str) else value for key, value in meta.items()}
    return "---\n" + yaml.dump(safe, Dumper=SAFE_DUMPER, allow_unicode=True, sort_keys=True) + "---\n\n"


def theme_safe(text: str) -> str:
    """Text that Material may print raw in HTML or in an attribute: no tags, no attribute ends."""
    return text.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _without_blank_lines(html: str) -> str:
    # Markdown ends a raw HTML block at a blank line; the rendered block must stay one block.
    return "\n".join(line for line in html.splitlines() if line.strip()) + "\n"


@lru_cache(maxsize=8192)
def plain_text(markdown_text: str) -> str:
    """Card Markdown as the words a reader sees, without markup: for descriptions and link previews."""
    return unescape(nh3.clean(markdown_to_html(markdown_text), tags=set()))


def _first_sentence(text: str) -> str:
    plain = " ".join(text.split())
    end = plain.find(". ")
    return plain if end < 0 else plain[: end + 1]


def history_params(history: CardHistory, lang: Language) -> dict[str, Any]:
    """When the card last changed and what changed when, in the reader's language; empty when not in git."""
    return {
        "last_changed": _date(history.last_changed, lang) if history.last_changed else None,
        "changes": [
            {
                "date": _date(change.date, lang),
                "what": lang.t(change.what),
                "before": _tracked_value(change.what, change.before, lang),
                "after": _tracked_value(change.what, change.after, lang),
            }
            for change in history.changes
        ],
    }


def _date(iso_date: str, lang: Language) -> dict[str, str]:
    return {"iso": iso_date, "text": format_date(date.fromisoformat(iso_date), format="long", locale=lang.code)}


def _tracked_value(what: str, values: tuple[Any, ...], lang: Language) -> str:
    """A value as written in an old version of the card, formatted like today's when it has today's type."""
    if any(value is None for value in values):
        return "–"
    if what == "budget" and isinstance(values[0], (int, float)):
        return lang.money_meur(values[0])
    if what == "mrl" and f"market.{values[0]}" in lang.labels:
        return lang.t(f"market.{values[0]}")
    return "–".join(str(value) for value in values)


# --- the parameters of the components ------------------------------------------------------------


def value_note(cards: Iterable[Card], paths: Iterable[str], lang: Language) -> str:
    """The notes on these values of these cards in this language, each once; empty when all are confirmed.

    A figure made from several values (a sum, a range) carries the notes of each of them.
    """
    notes: dict[str, None] = {}
    for card in cards:
        marked = unconfirmed_notes(card)
        notes.update((lang.text(marked[path]), None) for path in paths if path in marked)
    return "; ".join(notes)


BUDGET = ("budget.total_meur",)
YEARS = ("timeline.start", "timeline.end")
TRL = ("readiness.trl.min", "readiness.trl.max")


def timeline_scale(portfolio: Portfolio) -> tuple[int, int]:
    """One scale for every card, so readers compare bars at the same spot."""
    return (min(card.timeline.start for card in portfolio.cards), max(card.timeline.end for card in portfolio.cards))


def sheet_params(portfolio: Portfolio, card: Card, lang: Language) -> dict[str, Any]:
    """Every block's parameters for one card in one language."""
    scale_start, scale_end = timeline_scale(portfolio)
    included = card.budget.includes_flagships
    flagships = portfolio.flagships_of(card) if included else []

    def note(*paths: str) -> str:
        return value_note([card], paths, lang)

    return {
        "header": {
            "title": lang.text(card.title),
            "kind": lang.t(f"kind.{card.kind}"),
            "domain": lang.text(card.domain),
            "subdomain": lang.text(card.subdomain),
            "project_name": lang.text(card.project_name),
        },
        "texts": [
            {"id": "summary", "heading": "", "html": markdown_to_html(lang.text(card.summary))},
            *(
                {
                    "id": name,
                    "heading": lang.t(name),
                    "html": markdown_to_html(lang.text(getattr(card, name))),
                }
                for name in ("relevance", "dutch_partnerships", "european_partnerships")
            ),
        ],
        "timeline": {
            "start": card.timeline.start,
            "end": card.timeline.end,
            "scale_start": scale_start,
            "scale_end": scale_end,
            "start_note": note(YEARS[0]),
            "end_note": note(YEARS[1]),
        },
        "budget": {
            "total_meur": card.budget.total_meur,
            "total_note": note(*BUDGET),
            "flagship_count": len(flagships),
            "flagships_meur": portfolio.flagships_total_meur(card) if included else 0,
            "flagships_note": value_note(flagships, BUDGET, lang),
        },
        "shares": {
            "splits": [
                [
                    {"label": lang.t("capital"), "value": card.shares.capital},
                    {"label": lang.t("rnd"), "value": card.shares.rnd},
                ],
                [
                    {"label": lang.t("public"), "value": card.shares.public},
                    {"label": lang.t("private"), "value": card.shares.private},
                ],
            ],
            "notes": [note("shares.capital", "shares.rnd"), note("shares.public", "shares.private")],
        },
        "readiness": {
            "trl_min": card.readiness.trl.min,
            "trl_max": card.readiness.trl.max,
            "trl_note": note(*TRL),
            "market": lang.t(f"market.{card.readiness.market}"),
        },
        "preconditions": {"groups": list(_precondition_groups(card, lang))},
        "organisations": {
            "items": [{"name": org.name, "role": lang.text(org.role), "url": org.url} for org in card.organisations]
        },
        "key_figures": {
            "items": [
                {
                    "value": lang.figure(figure.value, figure.unit),
                    "qualifier": lang.t(f"qualifier.{figure.qualifier}") if figure.qualifier else "",
                    "label": lang.text(figure.label),
                    "year": figure.year,
                    "source": lang.text(figure.source),
                    "note": note(f"key_figures[{i}].value", f"key_figures[{i}].year"),
                }
                for i, figure in enumerate(card.key_figures)
            ]
        },
        "sources": {
            "items": [
                {
                    "title": lang.text(source.title),
                    "date": source.date or "",
                    "page": source.page or "",
                    "url": source.url or "",
                    "note": lang.text(source.note),
                }
                for source in card.sources
            ]
        },
    }


CONTENTS_FIRST_PAGE_ROWS = 26
"""Lines of the list of cards on the cover's first page, beside the portfolio's name and totals."""

CONTENTS_PAGE_ROWS = 31
"""Lines in each of the two columns of the cover's further pages, for a long portfolio."""

SPACIOUS_ROWS = 12
"""A list of cards this short gets two lines a card in larger type, so that it fills the cover's page."""


def contents_pages(portfolio: Portfolio, lang: Language, link: Link) -> list[list[list[dict[str, Any]]]]:
    """The cover's list of cards with their page numbers in the booklet, cut into pages and columns.

    Each line is one row of print (titles that are too long end in an ellipsis), so the number of
    cover pages, and with it every card's page number, is known before anything is laid out.
    """
    rows = _contents_rows(portfolio, lang, link)
    first, rest = rows[:CONTENTS_FIRST_PAGE_ROWS], rows[CONTENTS_FIRST_PAGE_ROWS:]
    pages = [[first]]
    for start in range(0, len(rest), 2 * CONTENTS_PAGE_ROWS):
        chunk = rest[start : start + 2 * CONTENTS_PAGE_ROWS]
        pages.append([chunk[:CONTENTS_PAGE_ROWS], chunk[CONTENTS_PAGE_ROWS:]])
    cover_pages = len(pages)
    for row in rows:
        if "index" in row:
            row["page"] = cover_pages + row.pop("index") + 1
    return pages


def _contents_rows(portfolio: Portfolio, lang: Language, link: Link) -> list[dict[str, Any]]:
    """Each programme with its page, its flagships with theirs, and the flagships' total."""
    index = {card.id: number for number, card in enumerate(portfolio.cards)}
    rows: list[dict[str, Any]] = []
    for programme in portfolio.programmes():
        flagships = portfolio.flagships_of(programme)
        rows += [_contents_row(portfolio, card, lang, index[card.id], link) for card in (programme, *flagships)]
        if flagships:
            total = lang.money_meur(portfolio.flagships_total_meur(programme))
            rows.append({"kind": "total", "title": lang.t("flagships_total"), "amount": total, "url": ""})
    return rows


def _contents_row(portfolio: Portfolio, card: Card, lang: Language, index: int, link: Link) -> dict[str, Any]:
    trl = card.readiness.trl
    market = lang.t(f"market.{card.readiness.market}")
    return {
        "kind": card.kind,
        "title": lang.text(card.title),
        "amount": lang.money_meur(card.budget.total_meur),
        "details": f"{card.timeline.start}–{card.timeline.end} · TRL {trl.min}–{trl.max} · {market}",
        "url": link(page_url(portfolio, card.id, lang.code)),
        "index": index,  # made the page number once the cover's pages are counted
    }


def _precondition_groups(card: Card, lang: Language) -> Iterator[dict[str, Any]]:
    for group, names in PRECONDITION_GROUPS.items():
        items = []
        for name in names:
            mark = getattr(card.preconditions, name) or "not_assessed"
            items.append({"label": lang.t(f"precondition.{name}"), "mark": mark, "mark_label": lang.t(mark)})
        yield {"label": lang.t(f"group.{group}"), "items": items}


Link = Callable[[str], str]
"""Turns a path in the output (``projecten/x/``) into an href for the page being rendered."""


def flagships_params(portfolio: Portfolio, programme: Card, lang: Language, link: Link) -> dict[str, Any]:
    flagships = portfolio.flagships_of(programme)
    return {
        "programme": {
            "title": lang.text(programme.title),
            "total": lang.money_meur(programme.budget.total_meur),
            "total_note": value_note([programme], BUDGET, lang),
            "url": link(page_url(portfolio, programme.id, lang.code)),
        },
        "items": [
            {
                "title": lang.text(card.title),
                "amount": lang.money_meur(card.budget.total_meur),
                "amount_note": value_note([card], BUDGET, lang),
                "url": link(page_url(portfolio, card.id, lang.code)),
            }
            for card in flagships
        ],
        "sum": lang.money_meur(portfolio.flagships_total_meur(programme)),
        "sum_note": value_note(flagships, BUDGET, lang),
    }


CHART_ROWS = 40
"""Above this many cards the home page's charts show one bar per domain; each domain page shows its cards."""


def listing_params(
    portfolio: Portfolio, cards: tuple[Card, ...], lang: Language, link: Link, chart_rows: list[dict[str, Any]]
) -> dict[str, Any]:
    """A set of cards at a glance: totals, programmes, comparison table, charts (home page, domain pages)."""
    scale_start, scale_end = timeline_scale(portfolio)
    rows = [_row(portfolio, card, lang, link) for card in cards]
    programmes = [card for card in cards if card.kind == "programme"]
    return {
        "count": len(cards),
        "programme_count": len(programmes),
        "flagship_count": len(cards) - len(programmes),
        "total": lang.money_meur(total_meur(cards)),
        "total_note": value_note(counted_cards(cards), BUDGET, lang),
        "programmes": [flagships_params(portfolio, card, lang, link) for card in programmes],
        "rows": rows,
        "chart_rows": chart_rows or rows,
        "charts_by_domain": bool(chart_rows),
        "filters": _filters(rows),
        "scale_start": scale_start,
        "scale_end": scale_end,
        "max_meur": max(row["total_meur"] for row in chart_rows or rows),
    }


def _row(portfolio: Portfolio, card: Card, lang: Language, link: Link) -> dict[str, Any]:
    return {
        "id": card.id,
        "title": lang.text(card.title),
        "kind": lang.t(f"kind.{card.kind}"),
        "is_flagship": card.kind == "flagship",
        "url": link(page_url(portfolio, card.id, lang.code)),
        "domain": lang.text(card.domain),
        "total_meur": card.budget.total_meur,
        "size": lang.money_meur(card.budget.total_meur),
        "size_note": value_note([card], BUDGET, lang),
        "start": card.timeline.start,
        "end": card.timeline.end,
        "years_note": value_note([card], YEARS, lang),
        "trl_min": card.readiness.trl.min,
        "trl_max": card.readiness.trl.max,
        "trl": f"{card.readiness.trl.min}–{card.readiness.trl.max}",
        "trl_note": value_note([card], TRL, lang),
        "market": lang.t(f"market.{card.readiness.market}"),
        "market_rank": ["exploration", "partly_operational", "operational"].index(card.readiness.market),
    }


def _filters(rows: list[dict[str, Any]]) -> dict[str, list[str]]:
    """The values each filter of the comparison table offers, in first-seen order."""
    return {key: list(dict.fromkeys(row[key] for row in rows)) for key in ("domain", "kind", "market")}


def overview_params(portfolio: Portfolio, lang: Language, link: Link) -> dict[str, Any]:
    """The home page and booklet cover: the whole portfolio, its domains and the downloads."""
    domains = [_domain_row(portfolio, domain, lang, link) for domain in portfolio.domains()]
    by_domain = domains if len(portfolio.cards) > CHART_ROWS else []
    return {
        **listing_params(portfolio, portfolio.cards, lang, link, chart_rows=by_domain),
        "name": lang.text(portfolio.settings.name),
        "description": lang.text(portfolio.settings.description),
        "tagline": lang.text(portfolio.settings.tagline),
        "domains": domains,
        "booklets": [
            {"code": code, "language": language_name(code, lang.code), "url": link(booklet_path(code))}
            for code in portfolio.languages
        ],
        "json_url": link("portfolio.json"),
        "csv_url": link("portfolio.csv"),
    }


def _domain_row(portfolio: Portfolio, domain: Domain, lang: Language, link: Link) -> dict[str, Any]:
    """A domain in the domain table, and as one bar in the home page's charts of a large portfolio."""
    total = total_meur(domain.cards)
    return {
        "title": lang.text(domain.name),
        "url": link(domain_url(portfolio, domain.slug, lang.code)),
        "count": len(domain.cards),
        "programme_count": sum(card.kind == "programme" for card in domain.cards),
        "total_meur": total,
        "size": lang.money_meur(total),
        "size_note": value_note(counted_cards(domain.cards), BUDGET, lang),
        "start": min(card.timeline.start for card in domain.cards),
        "end": max(card.timeline.end for card in domain.cards),
        "years_note": value_note(domain.cards, YEARS, lang),
        "is_flagship": False,
    }


def domain_params(portfolio: Portfolio, domain: Domain, lang: Language, link: Link) -> dict[str, Any]:
    return {**listing_params(portfolio, domain.cards, lang, link, chart_rows=[]), "name": lang.text(domain.name)}
