"""factsheets.model: the rules that concern one card, checked on plain data without files.

Plus the Portfolio's programme order (factsheets.validate), which follows from the model's
``kind``, ``parent`` and ``order``.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, get_args

import pytest
import yaml
from portfolios import FIXTURE, FIXTURE_DATA
from pydantic import ValidationError

from factsheets.model import PRECONDITION_GROUPS, Card, Market, Preconditions, SiteSettings
from factsheets.validate import load_portfolio

LANGUAGES = {"languages": ["nl", "en"]}


def text(word: str) -> dict[str, str]:
    return {"nl": word, "en": word}


BASE: dict[str, Any] = {
    "id": "prog",
    "kind": "programme",
    "domain": text("Life sciences"),
    "subdomain": text("Biotech"),
    "title": text("Titel"),
    "project_name": text("Project"),
    "summary": text("Samenvatting"),
    "relevance": text("Relevantie"),
    "dutch_partnerships": text("NL"),
    "european_partnerships": text("EU"),
    "budget": {"total_meur": 1000},
    "timeline": {"start": 2025, "end": 2030},
    "shares": {"capital": 40, "rnd": 60, "public": 30, "private": 70},
    "readiness": {"trl": {"min": 3, "max": 7}, "market": "exploration"},
}
"""A valid programme; ``card()`` changes parts of it."""


def data(**changes: Any) -> dict[str, Any]:
    """BASE with top-level fields replaced; a value of None removes the field."""
    result = copy.deepcopy(BASE)
    for key, value in changes.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = value
    return result


def card(**changes: Any) -> Card:
    return Card.model_validate(data(**changes), context=LANGUAGES)


def errors(**changes: Any) -> list[tuple[tuple[Any, ...], str, str]]:
    """(location, error type, message) of each error the changed card has."""
    with pytest.raises(ValidationError) as raised:
        card(**changes)
    return [(tuple(e["loc"]), e["type"], e["msg"]) for e in raised.value.errors()]


def test_the_base_card_is_valid_and_fills_in_defaults():
    made = card()
    assert made.parent is None
    assert made.order is None
    assert made.budget.includes_flagships is False
    assert made.organisations == []
    assert made.key_figures == []
    assert made.preconditions == Preconditions()


def test_a_card_is_frozen():
    with pytest.raises(ValidationError):
        card().id = "other"  # type: ignore[misc]


# --- kind and parent -------------------------------------------------------------------------


def test_a_flagship_with_a_parent_is_valid():
    assert card(kind="flagship", parent="prog-x").parent == "prog-x"


def test_a_flagship_without_a_parent_is_refused():
    assert errors(kind="flagship") == [(("parent",), "parent", "a flagship needs the id of its programme as parent")]


def test_a_programme_with_a_parent_is_refused():
    assert errors(parent="other") == [(("parent",), "parent", "a programme has no parent; remove this line")]


def test_includes_flagships_on_a_programme_is_allowed():
    assert card(budget={"total_meur": 5, "includes_flagships": True}).budget.includes_flagships is True


@pytest.mark.parametrize("bad", ["../etc", "a/b", "UPPER", "double--hyphen", "", "x" * 65])
def test_ids_are_safe_slugs(bad):
    assert [(e[0], e[1]) for e in errors(id=bad)] == [(("id",), "slug")]


def test_an_id_of_64_characters_is_allowed():
    assert card(id="a" * 64).id == "a" * 64


# --- numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("budget", "loc", "kind"),
    [
        ({"total_meur": "1200"}, ("budget", "total_meur"), "float_type"),
        ({"total_meur": 0}, ("budget", "total_meur"), "greater_than"),
        ({"total_meur": -1}, ("budget", "total_meur"), "greater_than"),
        ({"total_meur": True}, ("budget", "total_meur"), "float_type"),
        ({"total_meur": 5, "includes_flagships": "yes"}, ("budget", "includes_flagships"), "bool_type"),
        ({"total_meur": 5, "extra": 1}, ("budget", "extra"), "extra_forbidden"),
    ],
)
def test_budget_is_strict(budget, loc, kind):
    assert [(e[0], e[1]) for e in errors(budget=budget)] == [(loc, kind)]


def test_a_whole_number_budget_is_a_number():
    assert card(budget={"total_meur": 1200}).budget.total_meur == 1200


def test_shares_must_add_up_to_100_in_both_splits():
    found = errors(shares={"capital": 50, "rnd": 60, "public": 10, "private": 10})
    assert [(loc, kind) for loc, kind, _ in found] == [
        (("shares", "rnd"), "shares_sum"),
        (("shares", "private"), "shares_sum"),
    ]
    assert found[0][2] == "capital + rnd must add up to 100, got 50 + 60 = 110"
    assert found[1][2] == "public + private must add up to 100, got 10 + 10 = 20"


@pytest.mark.parametrize("split", [(0, 100), (100, 0), (50, 50)])
def test_shares_at_the_edges_are_valid(split):
    shares = {"capital": split[0], "rnd": split[1], "public": split[1], "private": split[0]}
    assert card(shares=shares).shares.rnd == split[1]


def test_a_share_is_a_whole_number():
    ((loc, kind, _), *_rest) = errors(shares={"capital": 40.5, "rnd": 59.5, "public": 30, "private": 70})
    assert (loc, kind) == (("shares", "capital"), "int_type")


@pytest.mark.parametrize(
    ("trl", "loc", "kind"),
    [
        ({"min": 0, "max": 5}, ("readiness", "trl", "min"), "greater_than_equal"),
        ({"min": 1, "max": 10}, ("readiness", "trl", "max"), "less_than_equal"),
        ({"min": 8, "max": 2}, ("readiness", "trl", "max"), "order"),
    ],
)
def test_trl_is_1_to_9_with_min_not_above_max(trl, loc, kind):
    readiness = {"trl": trl, "market": "exploration"}
    assert [(e[0], e[1]) for e in errors(readiness=readiness)] == [(loc, kind)]


@pytest.mark.parametrize("market", get_args(Market))
def test_every_market_level_is_accepted(market):
    assert card(readiness={"trl": {"min": 1, "max": 9}, "market": market}).readiness.market == market


def test_the_timeline_ends_no_earlier_than_it_starts():
    assert errors(timeline={"start": 2030, "end": 2029}) == [
        (("timeline", "end"), "order", "the end year 2029 is before the start year 2030")
    ]


def test_years_are_plausible():
    assert [e[1] for e in errors(timeline={"start": 25, "end": 30})] == ["greater_than_equal", "greater_than_equal"]


# --- texts -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ({"nl": "Titel"}, "missing_translation"),
        ({"nl": "Titel", "en": ""}, "empty_translation"),
        ({"nl": "Titel", "en": " \n"}, "empty_translation"),
        ({"nl": "Titel", "en": "Title", "fr": "Titre"}, "unknown_language"),
    ],
)
def test_texts_have_exactly_the_configured_languages(title, kind):
    assert [(e[0], e[1]) for e in errors(title=title)] == [(("title",), kind)]


def test_a_third_language_is_configuration_not_code():
    three = {"languages": ["nl", "en", "de"]}
    with pytest.raises(ValidationError):
        Card.model_validate(data(), context=three)
    everything_in_three = {
        key: ({**value, "de": "x"} if isinstance(value, dict) and "nl" in value else value)
        for key, value in data().items()
    }
    assert Card.model_validate(everything_in_three, context=three).title["de"] == "x"


def test_without_languages_in_the_context_texts_are_not_checked():
    assert Card.model_validate(data(title={"xx": "?"})).title == {"xx": "?"}


# --- organisations, key figures, preconditions ---------------------------------------------


@pytest.mark.parametrize("url", ["https://example.org", "http://example.org/path?q=1", "HTTPS://EXAMPLE.ORG"])
def test_web_addresses_may_be_http_or_https(url):
    assert card(organisations=[{"name": "Acme", "url": url}]).organisations[0].url == url


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "file:///etc/passwd", "https://exa mple.org", " https://x.org"],
)
def test_other_addresses_are_refused(url):
    assert [(e[0], e[1]) for e in errors(organisations=[{"name": "Acme", "url": url}])] == [
        (("organisations", 0, "url"), "web_address")
    ]


def test_a_key_figure_needs_a_known_unit():
    figure = {"value": 8.6, "unit": "procent", "label": text("groei")}
    assert [(e[0], e[1]) for e in errors(key_figures=[figure])] == [(("key_figures", 0, "unit"), "literal_error")]


@pytest.mark.parametrize(("mark", "ok"), [("relevant", True), ("less_relevant", True), ("yes", False), (True, False)])
def test_a_precondition_is_relevant_or_less_relevant(mark, ok):
    changes = {"preconditions": {"talent": mark}}
    if ok:
        assert card(**changes).preconditions.talent == mark
    else:
        assert [(e[0], e[1]) for e in errors(**changes)] == [(("preconditions", "talent"), "literal_error")]


def test_the_precondition_groups_are_the_16_fields_in_order():
    names = [name for group in PRECONDITION_GROUPS.values() for name in group]
    assert len(names) == 16
    assert list(PRECONDITION_GROUPS) == ["infrastructure", "energy", "talent", "regulation", "other"]
    assert names == list(Preconditions.model_fields)


def test_the_first_language_is_the_default():
    settings = SiteSettings.model_validate(
        {
            "languages": ["en", "nl"],
            "name": text("n"),
            "tagline": text("t"),
            "description": text("d"),
            "publisher": text("p"),
            "base_url": "https://example.org/",
            "labels": {},
        },
        context={"languages": ["en", "nl"]},
    )
    assert settings.default_language == "en"


# --- programme order -------------------------------------------------------------------------


def write_card(data_dir: Path, card_id: str, kind: str = "programme", parent: str | None = None, **extra: Any) -> None:
    """A card file from BASE via yaml.safe_dump, with its id, kind, parent and any other fields."""
    fields = data(id=card_id, kind=kind, **extra)
    if parent:
        fields["parent"] = parent
    (data_dir / "cards" / f"{card_id}.yml").write_text(yaml.safe_dump(fields, sort_keys=False), encoding="utf-8")


def test_cards_come_in_programme_order_with_flagships_by_order(data_dir):
    write_card(data_dir, "alpha")  # no order: after the programmes that have one
    write_card(data_dir, "beta", order=2)
    write_card(data_dir, "gamma", order=1)
    write_card(data_dir, "b-second", "flagship", parent="beta", order=2)
    write_card(data_dir, "a-unordered", "flagship", parent="beta")
    write_card(data_dir, "z-first", "flagship", parent="beta", order=1)
    write_card(data_dir, "c-only", "flagship", parent="alpha", order=7)

    portfolio = load_portfolio(data_dir, data_dir.parent)

    assert [c.id for c in portfolio.cards] == ["gamma", "beta", "z-first", "b-second", "a-unordered", "alpha", "c-only"]
    assert [c.id for c in portfolio.programmes()] == ["gamma", "beta", "alpha"]
    assert [c.id for c in portfolio.flagships_of(portfolio.card("beta"))] == ["z-first", "b-second", "a-unordered"]
    assert portfolio.flagships_of(portfolio.card("gamma")) == []
    assert portfolio.flagships_total_meur(portfolio.card("beta")) == 3000
    assert portfolio.languages == ["nl", "en"]


def test_cards_without_an_order_follow_in_the_order_of_their_ids(data_dir):
    write_card(data_dir, "prog")
    for card_id in ("b", "c", "a"):
        write_card(data_dir, card_id, "flagship", parent="prog")
    assert [c.id for c in load_portfolio(data_dir, data_dir.parent).cards] == ["prog", "a", "b", "c"]


def test_domains_whose_names_make_the_same_slug_keep_their_own_pages():
    import dataclasses

    from factsheets.validate import load_portfolio

    real = load_portfolio(FIXTURE_DATA, FIXTURE)
    card = real.card("atmp")
    renamed = card.model_copy(update={"domain": {"nl": "Life sciences en Biotech!", "en": "Life sciences!"}})
    portfolio = dataclasses.replace(real, cards=tuple(renamed if c.id == "atmp" else c for c in real.cards))
    slugs = [domain.slug for domain in portfolio.domains()]
    assert slugs == ["life-sciences-en-biotech", "life-sciences-en-biotech-2"]


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("https://portfolio.example.org/", None),
        ("http://localhost:8000/preview/", None),
        ("https://portfolio.example.org", None),  # SiteSettings adds the slash
        ("https://x.example/?a=1/", "the site's address has no user name, ?query or #fragment"),
        ("javascript:alert(1)//", "expected a web address starting with https:// or http://"),
        ('https://x.example/"><script>/', "expected a web address starting with https:// or http://"),
    ],
)
def test_base_url_problem_says_why_an_address_cannot_be_the_sites(address, problem):
    from factsheets.model import base_url_problem

    found = base_url_problem(address)
    assert found == problem if problem is None else (found or "").startswith(problem)
