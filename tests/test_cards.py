"""The real cards in data/: they load, and they say what the source deck says."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from factsheets.validate import Portfolio, load_portfolio

ROOT = Path(__file__).resolve().parent.parent
IDS = ["biotech-nexus", "infectieziekten", "atmp", "precision-diagnostics"]


@pytest.fixture(scope="module")
def portfolio() -> Portfolio:
    return load_portfolio(ROOT / "data", ROOT)


def test_the_four_cards_load_in_programme_order(portfolio):
    assert [card.id for card in portfolio.cards] == IDS
    assert [card.kind for card in portfolio.cards] == ["programme", "flagship", "flagship", "flagship"]
    assert [card.parent for card in portfolio.cards] == [None, "biotech-nexus", "biotech-nexus", "biotech-nexus"]


@pytest.mark.parametrize(
    ("card_id", "total", "years", "trl", "market"),
    [
        ("biotech-nexus", 21200, (2025, 2035), (3, 8), "exploration"),
        ("infectieziekten", 1200, (2026, 2030), (6, 7), "operational"),
        ("atmp", 2250, (2025, 2035), (5, 9), "partly_operational"),
        ("precision-diagnostics", 460, (2025, 2035), (4, 8), "exploration"),
    ],
)
def test_budget_years_and_readiness_match_the_source(portfolio, card_id, total, years, trl, market):
    card = portfolio.card(card_id)
    assert card.budget.total_meur == total
    assert (card.timeline.start, card.timeline.end) == years
    assert (card.readiness.trl.min, card.readiness.trl.max) == trl
    assert card.readiness.market == market


@pytest.mark.parametrize(
    ("card_id", "capital", "rnd", "public", "private"),
    [
        ("biotech-nexus", 35, 65, 35, 65),
        ("infectieziekten", 0, 100, 30, 70),
        ("atmp", 35, 65, 33, 67),
        ("precision-diagnostics", 20, 80, 50, 50),
    ],
)
def test_shares_match_the_source(portfolio, card_id, capital, rnd, public, private):
    shares = portfolio.card(card_id).shares
    assert (shares.capital, shares.rnd, shares.public, shares.private) == (capital, rnd, public, private)


def test_biotech_nexus_includes_its_three_flagships_totalling_3910(portfolio):
    programme = portfolio.card("biotech-nexus")
    assert programme.budget.includes_flagships is True
    assert [card.id for card in portfolio.flagships_of(programme)] == IDS[1:]
    assert portfolio.flagships_total_meur(programme) == 3910


def test_only_the_programme_includes_flagships(portfolio):
    assert [card.id for card in portfolio.cards if card.budget.includes_flagships] == ["biotech-nexus"]


@pytest.mark.parametrize(
    ("card_id", "start"),
    [
        ("biotech-nexus", "Investeren in de rode-biotechsector levert structurele economische groei"),
        (
            "infectieziekten",
            "Het Flagship Infectieziekten geeft een voorbeeld hoe Nederland via gerichte investeringen",
        ),
        ("atmp", "Dit flagship is een voorbeeld hoe investeringen vanuit Biotech Nexus het bestaande ecosysteem"),
        ("precision-diagnostics", "Dit flagship maakt Nederland Europees koploper in advanced biotech diagnostics."),
    ],
)
def test_each_dutch_summary_starts_as_in_the_source(portfolio, card_id, start):
    assert portfolio.card(card_id).summary["nl"].startswith(start)


@pytest.mark.parametrize(
    ("card_id", "title"),
    [
        ("biotech-nexus", "Biotech Nexus"),
        ("infectieziekten", "Infectieziekten"),
        ("atmp", "ATMP (Advanced Therapy Medicinal Products) I&II"),
        ("precision-diagnostics", "Precision Diagnostics Platform"),
    ],
)
def test_each_dutch_title_is_the_cards_heading(portfolio, card_id, title):
    assert portfolio.card(card_id).title["nl"] == title


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings(item)


def test_no_text_contains_the_replacement_character(portfolio):
    texts = [text for card in portfolio.cards for text in strings(card.model_dump())]
    assert len(texts) > 100
    assert [text for text in texts if "\ufffd" in text] == []
    assert [p.name for p in (ROOT / "data").rglob("*.yml") if "\ufffd" in p.read_text(encoding="utf-8")] == []


def test_no_text_keeps_the_sources_typos(portfolio):
    texts = " ".join(text for card in portfolio.cards for text in strings(card.model_dump()))
    assert "Quantum Deltal" not in texts
    assert "Pilar III" not in texts


def test_every_text_is_in_dutch_and_english(portfolio):
    for card in portfolio.cards:
        for name in ("domain", "subdomain", "title", "project_name", "summary", "relevance"):
            assert set(getattr(card, name)) == {"nl", "en"}, (card.id, name)


def figures(portfolio: Portfolio, card_id: str) -> list[tuple[float, str, int | None]]:
    return sorted((f.value, f.unit, f.year) for f in portfolio.card(card_id).key_figures)


def test_biotech_nexus_key_figures(portfolio):
    assert figures(portfolio, "biotech-nexus") == [
        (1.2, "percent", 2035),  # 1,2% of GDP in 2035
        (2.5, "multiplier", None),  # 2,5x private investment
        (12600, "meur", 2035),  # € 12,6 miljard GDP impact in 2035
        (21000, "jobs", None),  # 21.000 extra jobs
    ]
    kpmg = [f for f in portfolio.card("biotech-nexus").key_figures if f.value in (12600, 1.2)]
    assert all(f.source and "KPMG" in f.source["nl"] for f in kpmg)


def test_infectieziekten_key_figures(portfolio):
    assert figures(portfolio, "infectieziekten") == [(8.6, "percent", None)]


def test_precision_diagnostics_key_figures(portfolio):
    assert [(value, unit) for value, unit, _ in figures(portfolio, "precision-diagnostics")] == [
        (100, "meur"),  # about € 100 miljoen per year in NL
        (1000, "meur"),  # over € 1 miljard in Europe and the US
        (20000, "fte"),  # more than 20.000 fte productivity
    ]


def test_atmp_states_no_key_figures(portfolio):
    assert figures(portfolio, "atmp") == []


@pytest.mark.parametrize(
    ("card_id", "named"),
    [
        ("infectieziekten", "Leyden Labs"),
        ("precision-diagnostics", "Trinitas DX"),
        ("atmp", "Galapagos"),
        ("atmp", "NecstGen"),
    ],
)
def test_the_organisations_named_in_the_texts_are_listed(portfolio, card_id, named):
    assert named in [organisation.name for organisation in portfolio.card(card_id).organisations]
