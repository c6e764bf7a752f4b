"""Validate the loaded files into a Portfolio, collecting every problem first.

Each problem points at the line and column an editor has to change. Rules
that concern one card live in the model; rules across cards (ids, parents,
programme totals) live here.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from .content import ContentPage, PageSource, read_pages
from .i18n import label_problems
from .load import Document, display_name, dotted, kind_problem, load_yaml
from .messages import catalogue, did_you_mean, message
from .model import Card, PageMeta, SiteSettings
from .problems import InvalidInput, Problem
from .progress import Progress
from .provenance import unconfirmed_problems
from .text import MAX_PAGE_MARKDOWN, PAGE_LINKS, markdown_issues, page_link_rule


@dataclass(frozen=True)
class Portfolio:
    """The validated portfolio: its settings and its cards in programme order."""

    settings: SiteSettings
    cards: tuple[Card, ...]
    pages: tuple[ContentPage, ...] = ()
    """The hand-written pages of ``content/<lang>/``."""

    @property
    def languages(self) -> list[str]:
        return self.settings.languages

    def card(self, card_id: str) -> Card:
        return next(card for card in self.cards if card.id == card_id)

    def programmes(self) -> list[Card]:
        return [card for card in self.cards if card.kind == "programme"]

    def flagships_of(self, programme: Card) -> list[Card]:
        return [card for card in self.cards if card.parent == programme.id]

    def flagships_total_meur(self, programme: Card) -> float:
        return sum(card.budget.total_meur for card in self.flagships_of(programme))

    def domains(self) -> list[Domain]:
        """The domains in programme order, each with its cards; keyed by the default language's name."""
        grouped: dict[str, list[Card]] = {}
        for card in self.cards:
            grouped.setdefault(card.domain[self.settings.default_language], []).append(card)
        domains: list[Domain] = []
        for name, cards in grouped.items():
            slug, number = _slug(name), 1
            while any(domain.slug == slug for domain in domains):  # "Bouw" and "Bouw!" stay two pages
                number += 1
                slug = f"{_slug(name)}-{number}"
            domains.append(Domain(slug, tuple(cards)))
        return domains


@dataclass(frozen=True)
class Domain:
    """A domain of the portfolio (Life sciences en Biotech, Energie, ...) and its cards."""

    slug: str
    cards: tuple[Card, ...]

    @property
    def name(self) -> dict[str, str]:
        return self.cards[0].domain


def counted_cards(cards: tuple[Card, ...] | list[Card]) -> list[Card]:
    """The cards a total adds up: a flagship whose programme's total includes it is counted there."""
    included = {card.id for card in cards if card.kind == "programme" and card.budget.includes_flagships}
    return [card for card in cards if card.parent not in included]


def total_meur(cards: tuple[Card, ...] | list[Card]) -> float:
    """The cards' budgets together, counting a flagship once when its programme's total includes it."""
    return sum(card.budget.total_meur for card in counted_cards(cards))


MAX_DOMAIN_SLUG = 60
"""A domain's page name is made from its name; a file name has room for about 250 bytes."""


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower())[:MAX_DOMAIN_SLUG].strip("-") or "domein"


def load_portfolio(
    data_dir: Path, root: Path, progress: Progress | None = None, content_dir: Path | None = None
) -> Portfolio:
    """Load and validate ``data_dir/site.yml``, ``data_dir/cards/*.yml`` and the pages in ``content_dir``
    (default ``root/content``).

    Raises InvalidInput with every problem in every file.
    """
    progress = progress or Progress.silent()
    problems: list[Problem] = []
    with progress.step("load"):
        settings_document = _read(data_dir / "site.yml", root, problems, message("check.settings_missing"))
        card_files = _card_files(data_dir / "cards", root, problems)
        documents = [document for path in card_files if (document := _read(path, root, problems)) is not None]
    with progress.step("validate"):
        settings, languages = _validate_settings(settings_document, problems)
        sources = read_pages(content_dir or root / "content", root, settings.languages, problems) if settings else []
        cards: list[tuple[Card, Document]] = []
        for document in documents:
            card = _validate(Card, document, languages, problems)
            problems.extend(_dotted_thousands(document))
            problems.extend(_dropped_comments(document))
            if card is not None:
                problems.extend(unconfirmed_problems(card, document))
                cards.append((card, document))
        problems.extend(_cross_card_problems(cards, {Path(document.file).stem for document in documents}))
        if settings is not None:
            problems.extend(_name_problems(cards, settings.default_language))
        problems.extend(_order_problems(cards))
        if not card_files and settings is not None and (data_dir / "cards").is_dir() and not problems:
            cards_dir = display_name(data_dir / "cards", root)
            problems.append(Problem(cards_dir, 1, 1, "", message("check.no_cards")))
        progress.note("validate", message("progress.validate_note", cards=len(cards)))
        portfolio = None if settings is None else Portfolio(settings, tuple(_programme_order([c for c, _ in cards])))
        pages = _validate_pages(sources, portfolio, {Path(d.file).stem for d in documents}, problems)
    if problems or portfolio is None:
        raise InvalidInput(problems)
    return Portfolio(portfolio.settings, portfolio.cards, tuple(pages))


def load_portfolio_settings(data_dir: Path, root: Path) -> SiteSettings:
    """Only ``data_dir/site.yml``, validated (for commands that need the languages, not the cards)."""
    problems: list[Problem] = []
    document = _read(data_dir / "site.yml", root, problems, message("check.settings_missing"))
    settings, _ = _validate_settings(document, problems)
    if problems or settings is None:
        raise InvalidInput(problems)
    return settings


def _validate_pages(
    sources: list[PageSource], portfolio: Portfolio | None, card_files: set[str], problems: list[Problem]
) -> list[ContentPage]:
    """Each page's front matter against the model, and its Markdown like a card's, with links to the site."""
    pages: list[ContentPage] = []
    for source in sources:
        meta = _validate(PageMeta, source.front_matter, None, problems)
        if meta is not None:
            pages.append(ContentPage(source.language, source.name, meta.title, meta.description, source.markdown))
    if portfolio is None:
        return pages
    draft = Portfolio(portfolio.settings, portfolio.cards, tuple(pages))
    for source in sources:
        known = _linkable_pages(draft, source.language, card_files)
        for issue in markdown_issues(source.markdown, MAX_PAGE_MARKDOWN, page_link_rule(known, ""), PAGE_LINKS):
            problems.append(Problem(source.file, source.body_line + issue.line - 1, issue.col, "", issue.message))
    return pages


def _linkable_pages(portfolio: Portfolio, code: str, card_files: set[str]) -> dict[str, str]:
    from .render import CARDS_FOLDER, site_pages  # render builds on this module; it knows where pages live

    # A card with problems of its own is still a page to link to: its problems are reported in its file.
    return site_pages(portfolio, code) | {f"{CARDS_FOLDER}/{stem}.md": f"{CARDS_FOLDER}/{stem}/" for stem in card_files}


def _read(path: Path, root: Path, problems: list[Problem], missing: str = "") -> Document | None:
    try:
        return load_yaml(path, root)
    except FileNotFoundError:
        problems.append(Problem(display_name(path, root), 1, 1, "", missing or message("check.file_missing")))
    except InvalidInput as invalid:
        problems.extend(invalid.problems)
    return None


def _validate_settings(
    document: Document | None, problems: list[Problem]
) -> tuple[SiteSettings | None, list[str] | None]:
    if document is None:
        return None, None
    raw = document.data.get("languages") if isinstance(document.data, dict) else None
    languages = raw if isinstance(raw, list) and all(isinstance(code, str) for code in raw) else None
    settings = _validate(SiteSettings, document, languages, problems)
    if settings is not None:
        for key, message in label_problems(settings.labels):
            line, col = document.position(("labels", key), of_key=True)
            problems.append(Problem(document.file, line, col, f"labels.{key}", message))
    return settings, languages


def _card_files(cards_dir: Path, root: Path, problems: list[Problem]) -> list[Path]:
    if not cards_dir.is_dir():
        problems.append(Problem(display_name(cards_dir, root), 1, 1, "", message("check.cards_folder_missing")))
        return []
    if cards_dir.is_symlink():
        problems.append(Problem(display_name(cards_dir, root), 1, 1, "", kind_problem(cards_dir) or ""))
        return []
    cards = []
    for path in sorted(cards_dir.iterdir()):
        # A card saved under another name (atmp.YML, atmp.yml.txt) would otherwise vanish from the site unnoticed.
        if path.name.startswith("."):
            continue  # editors' and systems' hidden files (.DS_Store, .gitkeep)
        if path.is_dir():
            problems.append(Problem(display_name(path, root), 1, 1, "", message("check.folder_in_cards")))
        elif path.name.endswith(".yml"):
            cards.append(path)
        else:
            name = _card_file_name(path.name)
            key = "check.not_a_card_file_beside" if (cards_dir / name).is_file() else "check.not_a_card_file"
            text = message(key, suggestion=name)
            problems.append(Problem(display_name(path, root), 1, 1, "", text))
    return cards


def _card_file_name(name: str) -> str:
    """The name a misnamed card file should have: ``atmp.YML``, ``atmp.yaml``, ``atmp.yml.txt`` -> ``atmp.yml``."""
    stem = re.sub(r"(\.(ya?ml|txt|bak|tmp))+$", "", name, flags=re.IGNORECASE)
    return f"{stem.lower()}.yml"


def _dotted_thousands(document: Document) -> list[Problem]:
    problems = []
    for path, text in document.dotted_thousands.items():
        line, col = document.values[path]
        digits, value = text.replace(".", ""), f"{float(text):g}"
        explained = message("check.dotted_thousands", text=text, value=value, digits=digits)
        problems.append(Problem(document.file, line, col, dotted(path), explained))
    return problems


def _dropped_comments(document: Document) -> list[Problem]:
    problems = []
    for path, comment in document.dropped_comments.items():
        line, col = document.values[path]
        problems.append(
            Problem(document.file, line, col, dotted(path), message("yaml.dropped_comment", comment=comment))
        )
    return problems


def _validate(model: type[BaseModel], document: Document, languages: list[str] | None, problems: list[Problem]) -> Any:
    try:
        return model.model_validate(document.data, context={"languages": languages})
    except ValidationError as error:
        details = _without_misspelt_missing(model, error.errors(include_url=False))
        problems.extend(_problem(document, model, detail) for detail in details)
        return None


def _without_misspelt_missing(model: type[BaseModel], details: list[Any]) -> list[Any]:
    """A misspelt key (``relevence``) is reported on its own line with the nearest field; the field it
    was meant to be is then not reported again as missing somewhere else."""
    meant = set()
    for detail in details:
        if detail["type"] == "extra_forbidden":
            loc = tuple(detail["loc"])
            parent = _model_at(model, loc[:-1])
            close = (
                difflib.get_close_matches(str(loc[-1]), list(parent.model_fields), n=1, cutoff=0.5) if parent else []
            )
            meant.update((*loc[:-1], name) for name in close)
    return [d for d in details if not (d["type"] == "missing" and tuple(d["loc"]) in meant)]


def _problem(document: Document, model: type[BaseModel], detail: Any) -> Problem:
    loc = tuple(detail["loc"])
    kind = detail["type"]
    if kind == "extra_forbidden":
        line, col = document.position(loc, of_key=True)
        text = message("check.unknown_field", name=loc[-1], hint=_suggestion(model, loc))
    elif kind == "missing":
        line, col = document.position(loc[:-1])
        text = message("check.missing")
    elif detail.get("input", ...) is None and kind in _TYPE_ERRORS:
        line, col = document.position(loc)
        text = message("check.empty")
    else:
        line, col = document.position(loc)
        text = _message(kind, detail)
    return Problem(document.file, line, col, dotted(loc), text)


_TYPE_ERRORS = {
    "float_type",
    "int_type",
    "string_type",
    "bool_type",
    "literal_error",
    "dict_type",
    "model_type",
    "model_attributes_type",
    "list_type",
}
"""Errors that, for an empty value (``key:`` with nothing after it), mean the field is still to be filled in."""


def _got(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


_MESSAGE_OF_KIND = {
    "float_parsing": "float_type",
    "int_parsing": "int_type",
    "int_from_float": "int_type",
    "model_type": "dict_type",
    "model_attributes_type": "dict_type",
}
"""pydantic's error kinds that read the same to an editor."""
_LIMIT = {"greater_than": "gt", "greater_than_equal": "ge", "less_than_equal": "le"}
_LENGTH = ("string_too_long", "too_short", "too_long")
DECIMAL_COMMA = re.compile(r"^\s*-?\d+,\d+\s*$")
QUOTED_NUMBER = re.compile(r"^\s*-?\d+(\.\d+)?\s*$")
"""A number in quotes ('2250'): YAML reads it as text."""


def _message(kind: str, detail: dict[str, Any]) -> str:
    value = detail.get("input")
    got = _got(value)
    ctx = detail.get("ctx") or {}
    if kind in ("float_type", "int_type") and isinstance(value, str) and DECIMAL_COMMA.match(value):
        return message("check.decimal_comma", text=value.strip(), point=value.strip().replace(",", "."))
    if kind in ("float_type", "int_type") and isinstance(value, str) and QUOTED_NUMBER.match(value):
        return message(f"check.quoted_{kind}", got=got)
    if kind == "dict_type" and isinstance(value, str):
        # A Text field given one text: the pair of languages goes on the lines under it.
        return message("check.text_pair", got=got)
    if kind in _LIMIT:
        return message(f"check.{kind}", limit=f"{ctx.get(_LIMIT[kind], 0):.15g}", got=got)
    if kind in _LENGTH:
        return message(f"check.{kind}", limit=ctx.get("min_length", ctx.get("max_length")))
    if kind == "literal_error":
        return message("check.literal_error", expected=ctx.get("expected"), got=got)
    if kind == "parent":
        flagship = ctx.get("kind") == "flagship"
        return message("model.flagship_without_parent" if flagship else "model.programme_with_parent")
    if kind == "order":
        return message("model.end_before_start" if "end" in ctx else "model.max_below_min", **ctx)
    key = _MESSAGE_OF_KIND.get(kind, kind)
    for catalogued in (f"check.{key}", f"model.{key}"):
        if catalogued in catalogue("en"):
            return message(catalogued, got=got, **ctx)
    return detail["msg"]


def _suggestion(model: type[BaseModel], loc: tuple[Any, ...]) -> str:
    parent = _model_at(model, loc[:-1])
    if parent is None:
        return ""
    close = _nearest_field(model, loc)
    if close:
        return message("did_you_mean", name=close[0])
    return message("check.known_fields", fields=", ".join(parent.model_fields))


def _nearest_field(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The field of the model at ``loc[:-1]`` nearest to the unknown key ``loc[-1]``, if one is near."""
    parent = _model_at(model, loc[:-1])
    return difflib.get_close_matches(str(loc[-1]), list(parent.model_fields), n=1, cutoff=0.5) if parent else []


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part) if _is_model(current) else None
        if field is None:
            return None
        current = _inner_model(field.annotation)
    return current if _is_model(current) else None


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if _is_model(annotation):
        return annotation
    return next((found for arg in get_args(annotation) if (found := _inner_model(arg))), None)


def _is_model(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)


def _cross_card_problems(cards: list[tuple[Card, Document]], files: set[str]) -> list[Problem]:
    """Rules across cards. ``files`` are the ids of every card file, valid or not: a parent whose
    own file has problems is reported there, not again on each of its flagships."""
    problems: list[Problem] = []
    by_id: dict[str, tuple[Card, Document]] = {}
    for card, document in cards:
        line, col = document.position(("id",))
        stem = Path(document.file).stem
        if card.id != stem:
            problems.append(
                Problem(document.file, line, col, "id", message("check.id_not_file_name", id=card.id, stem=stem))
            )
        if card.id in by_id:
            other = by_id[card.id][1].file
            problems.append(Problem(document.file, line, col, "id", message("check.id_taken", id=card.id, other=other)))
        else:
            by_id[card.id] = (card, document)
    for card, document in cards:
        if card.parent is None:
            continue
        line, col = document.position(("parent",))
        parent = by_id.get(card.parent)
        if parent is None and card.parent not in files:
            programmes = [other.id for other, _ in cards if other.kind == "programme"]
            hint = did_you_mean(card.parent, programmes)
            problems.append(
                Problem(document.file, line, col, "parent", message("check.no_parent", id=card.parent, hint=hint))
            )
        elif parent is not None and parent[0].kind != "programme":
            text = message("check.parent_not_programme", id=card.parent)
            problems.append(Problem(document.file, line, col, "parent", text))
    for card, document in cards:
        if card.kind == "flagship" and card.budget.includes_flagships:
            line, col = document.position(("budget", "includes_flagships"))
            text = message("check.includes_flagships_programmes_only")
            problems.append(Problem(document.file, line, col, "budget.includes_flagships", text))
        if card.kind == "programme" and card.budget.includes_flagships:
            problems.extend(_programme_total_problems(card, document, [c for c, _ in cards if c.parent == card.id]))
    return problems


def _name_key(name: str) -> str:
    """A name without what editors easily vary: capitals, spacing, accents."""
    plain = "".join(char for char in unicodedata.normalize("NFKD", name) if not unicodedata.combining(char))
    return " ".join(plain.casefold().split())


def _name_problems(cards: list[tuple[Card, Document]], language: str) -> list[Problem]:
    """Domains and subdomains group the cards by name: the same name must be written the same on every card,
    or a second domain page appears for it."""
    problems: list[Problem] = []
    for field in ("domain", "subdomain"):
        first: dict[str, tuple[dict[str, str], Document]] = {}
        for card, document in cards:
            names: dict[str, str] = getattr(card, field)
            key = _name_key(names[language])
            if key not in first:
                first[key] = (names, document)
                continue
            other, other_document = first[key]
            line, col = document.position((field, language))
            if names[language] != other[language]:
                text = message(
                    "check.same_name_differs",
                    field=field,
                    name=names[language],
                    other=other[language],
                    other_file=other_document.file,
                )
                problems.append(Problem(document.file, line, col, f"{field}.{language}", text))
                continue
            for code, translation in names.items():
                if code in other and translation != other[code]:
                    line, col = document.position((field, code))
                    text = message(
                        "check.same_name_other_translation",
                        field=field,
                        name=names[language],
                        translation=translation,
                        language=code,
                        other=other[code],
                        other_file=other_document.file,
                    )
                    problems.append(Problem(document.file, line, col, f"{field}.{code}", text))
    return problems


def _order_problems(cards: list[tuple[Card, Document]]) -> list[Problem]:
    """Two cards beside each other (programmes, or the flagships of one programme) with the same ``order``."""
    problems: list[Problem] = []
    taken: dict[tuple[str | None, int], tuple[Card, Document]] = {}
    for card, document in cards:
        if card.order is None:
            continue
        place = (card.parent, card.order)
        if place in taken:
            other, other_document = taken[place]
            line, col = document.position(("order",))
            text = message("check.duplicate_order", order=card.order, other=other.id, other_file=other_document.file)
            problems.append(Problem(document.file, line, col, "order", text))
        else:
            taken[place] = (card, document)
    return problems


def _programme_total_problems(programme: Card, document: Document, flagships: list[Card]) -> list[Problem]:
    if not flagships:
        line, col = document.position(("budget", "includes_flagships"))
        text = message("check.includes_without_flagships")
        return [Problem(document.file, line, col, "budget.includes_flagships", text)]
    flagship_sum = sum(card.budget.total_meur for card in flagships)
    # Budgets are decimal amounts; compare them as such, not as binary fractions.
    if round(flagship_sum, 6) > round(programme.budget.total_meur, 6):
        line, col = document.position(("budget", "total_meur"))
        text = message(
            "check.total_below_flagships",
            total=f"{programme.budget.total_meur:g}",
            count=len(flagships),
            sum=f"{flagship_sum:g}",
        )
        return [Problem(document.file, line, col, "budget.total_meur", text)]
    return []


def _programme_order(cards: list[Card]) -> list[Card]:
    """Programmes, each followed by its flagships; by ``order``, then id."""

    def position(card: Card) -> tuple[int, str]:
        return (card.order if card.order is not None else 10_001, card.id)

    ordered: list[Card] = []
    for programme in sorted((c for c in cards if c.kind == "programme"), key=position):
        ordered.append(programme)
        ordered.extend(sorted((c for c in cards if c.parent == programme.id), key=position))
    return ordered
