"""Validate the loaded files into a Portfolio, collecting every problem first.

Each problem points at the line and column an editor has to change. Rules
that concern one card live in the model; rules across cards (ids, parents,
programme totals) live here.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from .i18n import label_problems
from .load import Document, display_name, dotted, load_yaml
from .model import Card, SiteSettings
from .problems import InvalidInput, Problem
from .progress import Progress
from .provenance import unconfirmed_problems


@dataclass(frozen=True)
class Portfolio:
    """The validated portfolio: its settings and its cards in programme order."""

    settings: SiteSettings
    cards: tuple[Card, ...]

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


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "domein"


def load_portfolio(data_dir: Path, root: Path, progress: Progress | None = None) -> Portfolio:
    """Load and validate ``data_dir/site.yml`` and ``data_dir/cards/*.yml``.

    Raises InvalidInput with every problem in every file.
    """
    progress = progress or Progress.silent()
    problems: list[Problem] = []
    with progress.step("load"):
        settings_document = _read(data_dir / "site.yml", root, problems, "the portfolio's settings file is missing")
        documents = [
            document
            for path in _card_files(data_dir / "cards", root, problems)
            if (document := _read(path, root, problems)) is not None
        ]
    with progress.step("validate"):
        settings, languages = _validate_settings(settings_document, problems)
        cards: list[tuple[Card, Document]] = []
        for document in documents:
            card = _validate(Card, document, languages, problems)
            problems.extend(_dotted_thousands(document))
            if card is not None:
                problems.extend(unconfirmed_problems(card, document))
                cards.append((card, document))
        problems.extend(_cross_card_problems(cards, {Path(document.file).stem for document in documents}))
        if not documents and settings is not None and (data_dir / "cards").is_dir():
            cards_dir = display_name(data_dir / "cards", root)
            problems.append(Problem(cards_dir, 1, 1, "", "there are no cards: add data/cards/<id>.yml files"))
        progress.note("validate", f"{len(cards)} cards")
    if problems or settings is None:
        raise InvalidInput(problems)
    return Portfolio(settings, tuple(_programme_order([card for card, _ in cards])))


def load_portfolio_settings(data_dir: Path, root: Path) -> SiteSettings:
    """Only ``data_dir/site.yml``, validated (for commands that need the languages, not the cards)."""
    problems: list[Problem] = []
    document = _read(data_dir / "site.yml", root, problems, "the portfolio's settings file is missing")
    settings, _ = _validate_settings(document, problems)
    if problems or settings is None:
        raise InvalidInput(problems)
    return settings


def _read(path: Path, root: Path, problems: list[Problem], missing: str = "") -> Document | None:
    try:
        return load_yaml(path, root)
    except FileNotFoundError:
        problems.append(Problem(display_name(path, root), 1, 1, "", missing or "the file is missing"))
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
        problems.append(Problem(display_name(cards_dir, root), 1, 1, "", "the cards folder is missing"))
        return []
    for stray in sorted(cards_dir.glob("*.yaml")):
        # A card saved with the wrong extension would otherwise vanish from the site unnoticed.
        problems.append(Problem(display_name(stray, root), 1, 1, "", "card files end in .yml; rename this file"))
    return sorted(cards_dir.glob("*.yml"))


def _dotted_thousands(document: Document) -> list[Problem]:
    problems = []
    for path, text in document.dotted_thousands.items():
        line, col = document.values[path]
        digits, value = text.replace(".", ""), f"{float(text):g}"
        message = f"{text} is read as {value} (the dot is a decimal point); write {digits} or {value}"
        problems.append(Problem(document.file, line, col, dotted(path), message))
    return problems


def _validate(model: type[BaseModel], document: Document, languages: list[str] | None, problems: list[Problem]) -> Any:
    try:
        return model.model_validate(document.data, context={"languages": languages})
    except ValidationError as error:
        problems.extend(_problem(document, model, detail) for detail in error.errors(include_url=False))
        return None


def _problem(document: Document, model: type[BaseModel], detail: Any) -> Problem:
    loc = tuple(detail["loc"])
    kind = detail["type"]
    if kind == "extra_forbidden":
        line, col = document.position(loc, of_key=True)
        message = f"unknown field '{loc[-1]}'{_suggestion(model, loc)}"
    elif kind == "missing":
        line, col = document.position(loc[:-1])
        message = "this required field is missing"
    elif detail.get("input", ...) is None and kind in _TYPE_ERRORS:
        line, col = document.position(loc)
        message = "is empty: fill it in"
    else:
        line, col = document.position(loc)
        message = _message(kind, detail)
    return Problem(document.file, line, col, dotted(loc), message)


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


def _message(kind: str, detail: dict[str, Any]) -> str:
    got = _got(detail.get("input"))
    ctx = detail.get("ctx") or {}
    messages = {
        "float_type": f"expected a number, got {got}",
        "float_parsing": f"expected a number, got {got}",
        "int_type": f"expected a whole number, got {got}",
        "int_parsing": f"expected a whole number, got {got}",
        "int_from_float": f"expected a whole number, got {got}",
        "string_type": f"expected text, got {got}",
        "bool_type": f"expected true or false, got {got}",
        "dict_type": f"expected a map of fields, got {got}",
        "model_type": f"expected a map of fields, got {got}",
        "model_attributes_type": f"expected a map of fields, got {got}",
        "list_type": f"expected a list, got {got}",
        "literal_error": f"expected one of {ctx.get('expected')}, got {got}",
        "greater_than": f"must be greater than {ctx.get('gt', 0):g}, got {got}",
        "greater_than_equal": f"must be at least {ctx.get('ge', 0):g}, got {got}",
        "less_than_equal": f"must be at most {ctx.get('le', 0):g}, got {got}",
        "string_too_short": "must not be empty",
        "string_too_long": f"is too long: at most {ctx.get('max_length')} characters",
        "too_short": f"needs at least {ctx.get('min_length')} item(s)",
        "too_long": f"has too many items: at most {ctx.get('max_length')}",
        "finite_number": f"expected a finite number, got {got}",
    }
    return messages.get(kind, detail["msg"])


def _suggestion(model: type[BaseModel], loc: tuple[Any, ...]) -> str:
    parent = _model_at(model, loc[:-1])
    if parent is None:
        return ""
    close = difflib.get_close_matches(str(loc[-1]), list(parent.model_fields), n=1, cutoff=0.5)
    return f"; did you mean '{close[0]}'?" if close else f"; known fields: {', '.join(parent.model_fields)}"


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
            problems.append(Problem(document.file, line, col, "id", f"'{card.id}' must equal the file name '{stem}'"))
        if card.id in by_id:
            other = by_id[card.id][1].file
            problems.append(Problem(document.file, line, col, "id", f"'{card.id}' is also the id of {other}"))
        else:
            by_id[card.id] = (card, document)
    for card, document in cards:
        if card.parent is None:
            continue
        line, col = document.position(("parent",))
        parent = by_id.get(card.parent)
        if parent is None and card.parent not in files:
            problems.append(Problem(document.file, line, col, "parent", f"there is no card with id '{card.parent}'"))
        elif parent is not None and parent[0].kind != "programme":
            problems.append(Problem(document.file, line, col, "parent", f"'{card.parent}' is not a programme"))
    for card, document in cards:
        if card.kind == "flagship" and card.budget.includes_flagships:
            line, col = document.position(("budget", "includes_flagships"))
            problems.append(Problem(document.file, line, col, "budget.includes_flagships", "is for programmes only"))
        if card.kind == "programme" and card.budget.includes_flagships:
            problems.extend(_programme_total_problems(card, document, [c for c, _ in cards if c.parent == card.id]))
    return problems


def _programme_total_problems(programme: Card, document: Document, flagships: list[Card]) -> list[Problem]:
    if not flagships:
        line, col = document.position(("budget", "includes_flagships"))
        message = "is true, but no flagship names this programme as its parent"
        return [Problem(document.file, line, col, "budget.includes_flagships", message)]
    flagship_sum = sum(card.budget.total_meur for card in flagships)
    # Budgets are decimal amounts; compare them as such, not as binary fractions.
    if round(flagship_sum, 6) > round(programme.budget.total_meur, 6):
        line, col = document.position(("budget", "total_meur"))
        message = (
            f"{programme.budget.total_meur:g} is less than its {len(flagships)} flagships together "
            f"({flagship_sum:g}), which it says it includes"
        )
        return [Problem(document.file, line, col, "budget.total_meur", message)]
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
