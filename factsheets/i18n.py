"""Languages: interface texts from site.yml, and numbers and money per language.

Babel knows each language's separators and currency pattern, so the Dutch
sheet says "€ 21.200 miljoen" and the English one "€21,200 million" without
any formatting rules of our own.
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import get_args

from babel import Locale
from babel.numbers import format_currency, format_decimal

from .messages import did_you_mean, message
from .model import PRECONDITION_GROUPS, Kind, Market, Qualifier, Unit

UI_LABELS = (
    "domain", "subdomain", "project_name", "summary", "relevance", "dutch_partnerships", "european_partnerships",
    "timeline", "start", "end", "budget", "includes_flagships", "shares", "capital", "rnd", "public", "private",
    "trl", "mrl", "preconditions", "relevant", "less_relevant", "not_assessed", "legend",
    "organisations", "none_listed", "key_figures", "source", "million", "billion",
    "part_of", "flagships_of", "flagships_total", "total", "pdf_link", "web_link", "qr_alt",
    "overview", "projects", "comparison", "comparison_caption", "card", "kind", "years", "size",
    "timeline_chart", "timeline_chart_alt", "budget_chart", "budget_chart_alt",
    "open_data", "open_data_json", "open_data_csv", "booklet", "booklet_link", "cover_title", "programme",
    "flagships", "not_found_title", "not_found_text",
    "domains", "domains_caption", "programmes", "portfolio_total", "portfolio_total_note", "filter_heading",
    "filter_all", "trl_includes", "shown_count", "sort_by", "charts_by_domain",
    "sources", "source_page", "organisations_note",
    "last_changed", "changes", "changes_caption", "change_date", "change_what", "change_before", "change_after",
    "share_image_alt", "theme.header", "theme.footer", "theme.tabs", "theme.search", "theme.made_with",
)  # fmt: skip
"""Interface texts the templates use; each must be in site.yml in every language."""


def required_labels() -> list[str]:
    """Every label key: the interface texts plus one per enum value and precondition."""
    keys = list(UI_LABELS)
    keys += [f"kind.{value}" for value in get_args(Kind)]
    keys += [f"market.{value}" for value in get_args(Market)]
    keys += [f"unit.{value}" for value in get_args(Unit)]
    keys += [f"qualifier.{value}" for value in get_args(Qualifier)]
    keys += [f"group.{group}" for group in PRECONDITION_GROUPS]
    keys += [f"precondition.{name}" for names in PRECONDITION_GROUPS.values() for name in names]
    return keys


PLACEHOLDERS = {
    "includes_flagships": {"count", "amount"},
    "timeline_chart_alt": {"title", "start", "end"},
    "budget_chart_alt": {"title", "amount"},
    "shown_count": {"shown", "total"},
    "sort_by": {"column"},
    "source_page": {"page"},
    "share_image_alt": {"title"},
}
"""The ``{names}`` the templates fill into these texts; every other text has none."""


def label_problems(labels: dict[str, dict[str, str]]) -> Iterator[tuple[str, str]]:
    """(key, message) for each missing or unknown interface text, or a text with the wrong ``{placeholders}``."""
    known = required_labels()
    for key in known:
        if key not in labels:
            yield key, message("check.label_missing")
            continue
        expected = PLACEHOLDERS.get(key, set())
        for code, text in labels[key].items():
            found = _placeholders(text)
            if found is None:
                yield key, message("check.label_placeholder_not_a_name", code=code, found=repr(text[:80]))
            elif found != expected:
                wanted = ", ".join(f"{{{name}}}" for name in sorted(expected))
                key_of_message = "check.label_placeholders" if wanted else "check.label_no_placeholders"
                yield key, message(key_of_message, code=code, wanted=wanted, found=repr(text[:80]))
    for key in labels:
        if key not in known:
            yield key, message("check.label_unknown", hint=did_you_mean(key, known))


def _placeholders(text: str) -> set[str] | None:
    """The names in ``text``'s ``{placeholders}``; None when one is more than a name.

    ``str.format`` would run a format spec (``{title:>200000000}`` fills memory) or reach into
    attributes (``{title.__class__}``): a label may only name the values the templates give it.
    """
    names: set[str] = set()
    try:
        for _, name, spec, conversion in string.Formatter().parse(text):
            if name is None:
                continue
            if not name.isidentifier() or spec or conversion:
                return None
            names.add(name)
    except ValueError:  # an unmatched brace
        return None
    return names


@dataclass(frozen=True)
class Language:
    """Everything a template needs to speak one language."""

    code: str
    labels: dict[str, dict[str, str]]

    def t(self, key: str, **values: object) -> str:
        """The interface text ``key`` in this language, with ``{name}`` filled in."""
        text = self.labels[key][self.code]
        return text.format(**values) if values else text

    def text(self, localized: dict[str, str] | None) -> str:
        return localized[self.code] if localized else ""

    def number(self, value: float) -> str:
        return _decimal(value, self.code)

    def percent(self, value: float) -> str:
        return f"{self.number(value)}%"

    def money_meur(self, value: float) -> str:
        """A budget in millions of euros: "€ 1.200 miljoen" / "€1,200 million"."""
        return f"{_euros(value, self.code)} {self.t('million')}"

    def money_compact(self, value_meur: float) -> str:
        """Large key figures as people say them: "€ 12,6 miljard" / "€12.6 billion"."""
        if value_meur >= 1000:
            return f"{_euros(value_meur / 1000, self.code)} {self.t('billion')}"
        return self.money_meur(value_meur)

    def figure(self, value: float, unit: str) -> str:
        """A key figure's number with its unit."""
        if unit == "meur":
            return self.money_compact(value)
        if unit == "eur":
            return _euros(value, self.code)
        if unit == "percent":
            return self.percent(value)
        if unit == "multiplier":
            return f"{self.number(value)}×"
        if unit in ("jobs", "fte"):
            return f"{self.number(value)} {self.t('unit.' + unit)}"
        return self.number(value)


@cache
def _currency_pattern(code: str) -> str:
    # The language's own currency pattern, with cents only when there are any.
    pattern = Locale.parse(code).currency_formats["standard"].pattern
    return pattern.split(";")[0].replace("0.00", "0.##")


# Babel parses the locale's pattern on every call, a good part of rendering a page full of figures; a portfolio has
# few distinct figures, and the live preview renders the same ones again on every save.
@lru_cache(maxsize=4096)
def _decimal(value: float, code: str) -> str:
    return format_decimal(value, locale=code, decimal_quantization=False)


@lru_cache(maxsize=4096)
def _euros(value: float, code: str) -> str:
    text = format_currency(value, "EUR", format=_currency_pattern(code), locale=code, currency_digits=False)
    # A plain space, so that readers and search find "€ 1.200"; templates keep amounts on one line.
    return text.replace("\xa0", " ")
