"""factsheets.validate: every rule, each with a small failing file, reported at file:line:col: field.

Each test writes small card files into a throw-away ``data/`` (with a copy of the test
fixture's site.yml, never the live portfolio's) and checks the problems load_portfolio reports;
the ``data/cards/...`` in the expected messages are those throw-away files. Positions are found in the
card's own text with ``where()``, so a test shows the place an editor would jump to.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from factsheets.problems import InvalidInput
from factsheets.validate import Portfolio, load_portfolio

PROGRAMME = """\
id: prog
kind: programme
domain: {nl: Domein, en: Domain}
subdomain: {nl: Subdomein, en: Subdomain}
title: {nl: Titel, en: Title}
project_name: {nl: Projectnaam, en: Project name}
summary: {nl: Samenvatting, en: Summary}
relevance: {nl: Relevantie, en: Relevance}
dutch_partnerships: {nl: Nederlands, en: Dutch}
european_partnerships: {nl: Europees, en: European}
budget:
  total_meur: 1000
timeline: {start: 2025, end: 2030}
shares: {capital: 40, rnd: 60, public: 30, private: 70}
readiness:
  trl: {min: 3, max: 7}
  market: exploration
organisations:
  - name: Acme
    url: https://example.org
"""
"""A valid programme card, ``prog``; tests change one line of it."""


def edit(text: str, old: str, new: str) -> str:
    """``text`` with the one occurrence of ``old`` replaced by ``new``."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def flagship(card_id: str, parent: str = "prog", total: float = 500) -> str:
    """A valid flagship card text: PROGRAMME with its own id, a parent (line 3) and a total."""
    text = edit(PROGRAMME, "id: prog\nkind: programme\n", f"id: {card_id}\nkind: flagship\nparent: {parent}\n")
    return edit(text, "total_meur: 1000", f"total_meur: {total}")


def where(text: str, needle: str) -> tuple[int, int]:
    """Line and column (1-based) where the one occurrence of ``needle`` starts in ``text``."""
    assert text.count(needle) == 1, f"{needle!r} occurs {text.count(needle)} times"
    before = text[: text.index(needle)]
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


def value_of(text: str, key_and_value: str) -> tuple[int, int]:
    """Line and column of the value in ``key: value``, found in ``text``."""
    row, col = where(text, key_and_value)
    return row, col + key_and_value.index(": ") + 2


def at(file: str, position: tuple[int, int], message: str) -> str:
    """A problem line as an editor reads it."""
    return f"data/cards/{file}:{position[0]}:{position[1]}: {message}"


def write(data_dir: Path, name: str, text: str | bytes) -> None:
    path = data_dir / "cards" / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)


def problems(data_dir: Path) -> list[str]:
    """Every problem load_portfolio reports, as the lines an editor reads."""
    with pytest.raises(InvalidInput) as raised:
        load_portfolio(data_dir, data_dir.parent)
    return [str(problem) for problem in raised.value.problems]


def problems_with(data_dir: Path, text: str, name: str = "prog.yml") -> list[str]:
    write(data_dir, name, text)
    return problems(data_dir)


def portfolio(data_dir: Path) -> Portfolio:
    return load_portfolio(data_dir, data_dir.parent)


# --- the base cards are valid (otherwise every failing test below proves nothing) -------------


def test_the_base_cards_are_valid(data_dir):
    write(data_dir, "prog.yml", PROGRAMME)
    write(data_dir, "flag.yml", flagship("flag"))
    assert [card.id for card in portfolio(data_dir).cards] == ["prog", "flag"]


# --- types and values ------------------------------------------------------------------------


def test_wrong_type_names_the_field_and_the_value(data_dir):
    text = edit(PROGRAMME, "total_meur: 1000", "total_meur: veel")
    assert problems_with(data_dir, text) == [
        "data/cards/prog.yml:12:15: budget.total_meur: expected a number, got 'veel'"
    ]


def test_a_quoted_number_is_text_not_a_number(data_dir):
    text = edit(PROGRAMME, "total_meur: 1000", 'total_meur: "1200"')
    assert problems_with(data_dir, text) == [
        "data/cards/prog.yml:12:15: budget.total_meur: expected a number, got '1200': remove the quotes around it"
    ]


def test_a_quoted_year_is_not_a_whole_number(data_dir):
    text = edit(PROGRAMME, "start: 2025", "start: '2025'")
    assert problems_with(data_dir, text) == [
        at(
            "prog.yml",
            value_of(text, "start: '2025'"),
            "timeline.start: expected a whole number, got '2025': remove the quotes around it",
        )
    ]


@pytest.mark.parametrize("total", ["-5", "0", "0.0"])
def test_a_budget_must_be_above_zero(data_dir, total):
    text = edit(PROGRAMME, "total_meur: 1000", f"total_meur: {total}")
    assert problems_with(data_dir, text) == [
        f"data/cards/prog.yml:12:15: budget.total_meur: must be greater than 0, got {total}"
    ]


def test_an_infinite_budget_is_refused(data_dir):
    text = edit(PROGRAMME, "total_meur: 1000", "total_meur: .inf")
    (problem,) = problems_with(data_dir, text)
    assert problem.startswith("data/cards/prog.yml:12:15: budget.total_meur: ")


def test_a_wrong_enum_value_lists_the_allowed_ones(data_dir):
    text = edit(PROGRAMME, "market: exploration", "market: verkenning")
    assert problems_with(data_dir, text) == [
        "data/cards/prog.yml:17:11: readiness.market: expected one of "
        "'exploration', 'partly_operational' or 'operational', got 'verkenning'"
    ]


def test_a_wrong_kind_is_reported(data_dir):
    text = edit(PROGRAMME, "kind: programme", "kind: flagschip")
    assert problems_with(data_dir, text) == [
        "data/cards/prog.yml:2:7: kind: expected one of 'programme' or 'flagship', got 'flagschip'"
    ]


def test_a_card_that_is_not_a_map_is_reported_at_its_start(data_dir):
    assert problems_with(data_dir, "- just\n- a list\n") == [
        "data/cards/prog.yml:1:1: expected a map of fields, got ['just', 'a list']"
    ]


# --- unknown and missing fields --------------------------------------------------------------


def test_an_unknown_key_names_the_closest_known_one(data_dir):
    text = edit(PROGRAMME, "  total_meur: 1000\n", "  total_meur: 1000\n  includes_flagship: true\n")
    assert problems_with(data_dir, text) == [
        "data/cards/prog.yml:13:3: budget.includes_flagship: "
        "unknown field 'includes_flagship'; did you mean 'includes_flagships'?"
    ]


def test_a_misspelt_key_is_reported_on_its_own_line_not_as_a_missing_field_elsewhere(data_dir):
    text = edit(PROGRAMME, "relevance:", "relevanse:")
    assert problems_with(data_dir, text) == [
        "data/cards/prog.yml:8:1: relevanse: unknown field 'relevanse'; did you mean 'relevance'?",
    ]


def test_an_unknown_key_in_a_list_item_is_placed_at_the_key(data_dir):
    text = edit(PROGRAMME, "    url: https://example.org", "    urll: https://example.org")
    assert problems_with(data_dir, text) == [
        "data/cards/prog.yml:20:5: organisations[0].urll: unknown field 'urll'; did you mean 'url'?"
    ]


def test_an_unknown_key_without_a_close_match_lists_the_known_ones(data_dir):
    text = edit(PROGRAMME, "end: 2030}", "end: 2030, zzz: 1}")
    assert problems_with(data_dir, text) == [
        at("prog.yml", where(text, "zzz"), "timeline.zzz: unknown field 'zzz'; known fields: start, end")
    ]


def test_a_missing_field_is_placed_at_its_parent(data_dir):
    text = edit(PROGRAMME, "  market: exploration\n", "")
    assert problems_with(data_dir, text) == [
        at("prog.yml", where(text, "trl: {"), "readiness.market: this required field is missing")
    ]


def test_a_missing_top_level_field_is_placed_at_the_start_of_the_file(data_dir):
    text = edit(PROGRAMME, "title: {nl: Titel, en: Title}\n", "")
    assert problems_with(data_dir, text) == ["data/cards/prog.yml:1:1: title: this required field is missing"]


# --- ids ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad_id",
    ["../etc", "a/b", "UPPER", "double--hyphen", "-lead", "trail-", "with space", "é", "x" * 65, "..", "a\\b"],
)
def test_an_id_must_be_a_safe_slug(data_dir, bad_id):
    text = edit(PROGRAMME, "id: prog", f"id: '{bad_id}'")
    (problem,) = problems_with(data_dir, text)
    assert problem.startswith("data/cards/prog.yml:1:5: id: ")
    assert f"'{bad_id}' is not a valid id: use lower-case a-z, 0-9 and single hyphens" in problem


def test_an_id_must_be_text(data_dir):
    text = edit(PROGRAMME, "id: prog", "id: 123")
    assert problems_with(data_dir, text) == ["data/cards/prog.yml:1:5: id: expected text, got 123"]


def test_a_parent_must_be_a_safe_slug(data_dir):
    write(data_dir, "prog.yml", PROGRAMME)
    assert problems_with(data_dir, flagship("flag", parent="../prog"), "flag.yml") == [
        "data/cards/flag.yml:3:9: parent: '../prog' is not a valid id: "
        "use lower-case a-z, 0-9 and single hyphens, at most 64 characters"
    ]


def test_the_id_must_equal_the_file_name(data_dir):
    assert problems_with(data_dir, PROGRAMME, "other.yml") == [
        "data/cards/other.yml:1:5: id: 'prog' must equal the file name 'other'"
    ]


def test_duplicate_ids_are_reported(data_dir):
    write(data_dir, "prog.yml", PROGRAMME)
    assert problems_with(data_dir, PROGRAMME, "copy.yml") == [
        "data/cards/copy.yml:1:5: id: 'prog' must equal the file name 'copy'",
        "data/cards/prog.yml:1:5: id: 'prog' is also the id of data/cards/copy.yml",
    ]


# --- parents ---------------------------------------------------------------------------------


def test_a_flagship_needs_a_parent(data_dir):
    write(data_dir, "prog.yml", PROGRAMME)
    text = edit(flagship("flag"), "parent: prog\n", "")
    assert problems_with(data_dir, text, "flag.yml") == [
        "data/cards/flag.yml:1:1: parent: a flagship needs the id of its programme as parent"
    ]


def test_a_programme_has_no_parent(data_dir):
    text = edit(PROGRAMME, "kind: programme\n", "kind: programme\nparent: other\n")
    assert problems_with(data_dir, text) == [
        "data/cards/prog.yml:3:9: parent: a programme has no parent; remove this line"
    ]


def test_a_parent_must_exist(data_dir):
    write(data_dir, "prog.yml", PROGRAMME)
    assert problems_with(data_dir, flagship("flag", parent="nothere"), "flag.yml") == [
        "data/cards/flag.yml:3:9: parent: there is no card with id 'nothere'"
    ]


def test_a_parent_must_be_a_programme(data_dir):
    write(data_dir, "prog.yml", PROGRAMME)
    write(data_dir, "first.yml", flagship("first"))
    assert problems_with(data_dir, flagship("second", parent="first"), "second.yml") == [
        "data/cards/second.yml:3:9: parent: 'first' is not a programme"
    ]


# --- shares, readiness, timeline -------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("rnd: 60", "rnd: 50", "shares.rnd: capital + rnd must add up to 100, got 40 + 50 = 90"),
        ("private: 70", "private: 80", "shares.private: public + private must add up to 100, got 30 + 80 = 110"),
    ],
)
def test_each_split_of_the_shares_adds_up_to_100(data_dir, old, new, message):
    text = edit(PROGRAMME, old, new)
    assert problems_with(data_dir, text) == [at("prog.yml", value_of(text, new), message)]


@pytest.mark.parametrize(
    ("shares", "wrong", "message"),
    [
        ("{capital: 101, rnd: -1, public: 30, private: 70}", "capital: 101", "must be at most 100, got 101"),
        ("{capital: 101, rnd: -1, public: 30, private: 70}", "rnd: -1", "must be at least 0, got -1"),
        ("{capital: 40, rnd: 60, public: -10, private: 110}", "public: -10", "must be at least 0, got -10"),
        ("{capital: 40, rnd: 60, public: -10, private: 110}", "private: 110", "must be at most 100, got 110"),
    ],
)
def test_a_share_is_between_0_and_100(data_dir, shares, wrong, message):
    text = edit(PROGRAMME, "{capital: 40, rnd: 60, public: 30, private: 70}", shares)
    field = "shares." + wrong.split(":")[0]
    assert at("prog.yml", value_of(text, wrong), f"{field}: {message}") in problems_with(data_dir, text)


@pytest.mark.parametrize(
    ("trl", "wrong", "message"),
    [
        ("{min: 0, max: 7}", "min: 0", "readiness.trl.min: must be at least 1, got 0"),
        ("{min: 3, max: 10}", "max: 10", "readiness.trl.max: must be at most 9, got 10"),
        ("{min: 7, max: 3}", "max: 3", "readiness.trl.max: max 3 is below min 7"),
    ],
)
def test_trl_is_within_1_to_9_and_min_not_above_max(data_dir, trl, wrong, message):
    text = edit(PROGRAMME, "{min: 3, max: 7}", trl)
    assert problems_with(data_dir, text) == [at("prog.yml", value_of(text, wrong), message)]


def test_a_single_trl_level_is_allowed(data_dir):
    write(data_dir, "prog.yml", edit(PROGRAMME, "{min: 3, max: 7}", "{min: 9, max: 9}"))
    assert portfolio(data_dir).card("prog").readiness.trl.min == 9


def test_the_timeline_does_not_end_before_it_starts(data_dir):
    text = edit(PROGRAMME, "end: 2030", "end: 2020")
    assert problems_with(data_dir, text) == [
        at("prog.yml", value_of(text, "end: 2020"), "timeline.end: the end year 2020 is before the start year 2025")
    ]


def test_a_timeline_of_one_year_is_allowed(data_dir):
    write(data_dir, "prog.yml", edit(PROGRAMME, "end: 2030", "end: 2025"))
    assert portfolio(data_dir).card("prog").timeline.end == 2025


# --- a programme that includes its flagships -----------------------------------------------

INCLUDING = edit(PROGRAMME, "  total_meur: 1000\n", "  total_meur: 1000\n  includes_flagships: true\n")


def test_flagships_may_add_up_to_exactly_the_programme_total(data_dir):
    write(data_dir, "prog.yml", INCLUDING)
    write(data_dir, "a.yml", flagship("a", total=600))
    write(data_dir, "b.yml", flagship("b", total=400))
    programme = portfolio(data_dir).card("prog")
    assert portfolio(data_dir).flagships_total_meur(programme) == 1000


def test_flagships_may_not_exceed_the_total_that_includes_them(data_dir):
    write(data_dir, "a.yml", flagship("a", total=600))
    write(data_dir, "b.yml", flagship("b", total=500))
    assert problems_with(data_dir, INCLUDING) == [
        "data/cards/prog.yml:12:15: budget.total_meur: "
        "1000 is less than its 2 flagships together (1100), which it says it includes"
    ]


def test_flagships_may_exceed_a_total_that_does_not_include_them(data_dir):
    write(data_dir, "prog.yml", PROGRAMME)
    write(data_dir, "a.yml", flagship("a", total=600))
    write(data_dir, "b.yml", flagship("b", total=500))
    assert len(portfolio(data_dir).cards) == 3


def test_includes_flagships_needs_flagships(data_dir):
    assert problems_with(data_dir, INCLUDING) == [
        "data/cards/prog.yml:13:23: budget.includes_flagships: "
        "is true, but no flagship names this programme as its parent"
    ]


def test_includes_flagships_is_for_programmes_only(data_dir):
    write(data_dir, "prog.yml", PROGRAMME)
    text = edit(flagship("flag"), "  total_meur: 500\n", "  total_meur: 500\n  includes_flagships: true\n")
    assert problems_with(data_dir, text, "flag.yml") == [
        at("flag.yml", where(text, "true"), "budget.includes_flagships: is for programmes only")
    ]


# --- texts in every language ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("{nl: Titel}", "title: the text in en is missing"),
        ("{en: Title}", "title: the text in nl is missing"),
        ("{nl: '', en: Title}", "title: the text in nl is empty"),
        ("{nl: Titel, en: '   '}", "title: the text in en is empty"),
        ("{nl: Titel, en: Title, de: Titel}", "title: unknown language 'de' (the site's languages are nl, en)"),
        ("{}", "title: the text in nl, en is missing"),
    ],
)
def test_every_text_has_every_language_and_no_other(data_dir, title, message):
    text = edit(PROGRAMME, "{nl: Titel, en: Title}", title)
    assert problems_with(data_dir, text) == [at("prog.yml", value_of(text, f"title: {title}"), message)]


def test_a_text_that_is_not_a_map_of_languages_is_reported(data_dir):
    text = edit(PROGRAMME, "title: {nl: Titel, en: Title}", "title: Titel")
    assert problems_with(data_dir, text) == [
        "data/cards/prog.yml:5:8: title: expected a text per language, got 'Titel': write one line per language "
        "under this field (nl: …, en: …)"
    ]


def test_a_language_text_must_be_text(data_dir):
    text = edit(PROGRAMME, "{nl: Titel, en: Title}", "{nl: 12, en: Title}")
    assert problems_with(data_dir, text) == ["data/cards/prog.yml:5:13: title.nl: expected text, got 12"]


def test_texts_in_lists_are_checked_too(data_dir):
    text = edit(PROGRAMME, "  - name: Acme\n", "  - name: Acme\n    role: {nl: penvoerder}\n")
    assert problems_with(data_dir, text) == [
        at("prog.yml", value_of(text, "role: {nl"), "organisations[0].role: the text in en is missing")
    ]


# --- organisations ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "ftp://example.org", "//example.org", "https://", "data:text/html,<b>x</b>", "example.org"],
)
def test_an_organisation_url_is_http_or_https(data_dir, url):
    text = edit(PROGRAMME, "url: https://example.org", f"url: '{url}'")
    assert problems_with(data_dir, text) == [
        "data/cards/prog.yml:20:10: organisations[0].url: expected a web address starting with https:// or http://"
    ]


def test_an_organisation_needs_a_name(data_dir):
    text = edit(PROGRAMME, "name: Acme", "name: ''")
    assert problems_with(data_dir, text) == ["data/cards/prog.yml:19:11: organisations[0].name: must not be empty"]


# --- many problems in one run --------------------------------------------------------------


def test_a_file_with_several_problems_reports_all_of_them_in_order(data_dir):
    text = edit(PROGRAMME, "market: exploration", "market: nope")
    text = edit(text, "end: 2030", "end: 2020")
    text = edit(text, "total_meur: 1000", "total_meur: veel")
    text = edit(text, "{nl: Titel, en: Title}", "{nl: Titel}")
    assert problems_with(data_dir, text) == [
        "data/cards/prog.yml:5:8: title: the text in en is missing",
        "data/cards/prog.yml:12:15: budget.total_meur: expected a number, got 'veel'",
        "data/cards/prog.yml:13:30: timeline.end: the end year 2020 is before the start year 2025",
        "data/cards/prog.yml:17:11: readiness.market: expected one of "
        "'exploration', 'partly_operational' or 'operational', got 'nope'",
    ]


def test_problems_in_several_files_come_out_in_one_run_sorted(data_dir):
    write(data_dir, "prog.yml", edit(PROGRAMME, "rnd: 60", "rnd: 61"))
    write(data_dir, "b.yml", edit(flagship("b"), "end: 2030", "end: 2020"))
    write(data_dir, "a.yml", b"id: a\ntitle: caf\xe9\n")
    write(data_dir, "c.yml", "id: c\nid: c\n")
    write(data_dir, "z.yaml", PROGRAMME)
    assert problems(data_dir) == [
        "data/cards/a.yml:2:11: the file is not UTF-8 (byte 0xe9); save it as UTF-8",
        "data/cards/b.yml:14:30: timeline.end: the end year 2020 is before the start year 2025",
        "data/cards/c.yml:2:1: id: duplicate key 'id' (first given on line 1): keep one of them",
        "data/cards/prog.yml:14:28: shares.rnd: capital + rnd must add up to 100, got 40 + 61 = 101",
        "data/cards/z.yaml:1:1: card files are named <id>.yml (lower-case .yml): rename this file to z.yml, "
        "or move it out of data/cards/",
    ]


def test_an_empty_card_file_is_reported(data_dir):
    write(data_dir, "prog.yml", PROGRAMME)
    assert problems_with(data_dir, "", "empty.yml") == ["data/cards/empty.yml:1:1: the file is empty"]


def test_a_stray_yaml_file_is_reported(data_dir):
    write(data_dir, "prog.yml", PROGRAMME)
    assert problems_with(data_dir, flagship("flag"), "flag.yaml") == [
        "data/cards/flag.yaml:1:1: card files are named <id>.yml (lower-case .yml): rename this file to flag.yml, "
        "or move it out of data/cards/"
    ]


# --- site.yml --------------------------------------------------------------------------------


def site_text(data_dir: Path) -> str:
    return (data_dir / "site.yml").read_text(encoding="utf-8")


def test_a_missing_interface_text_is_reported(data_dir):
    write(data_dir, "prog.yml", PROGRAMME)
    site = site_text(data_dir)
    (data_dir / "site.yml").write_text(edit(site, "  legend: {nl: Legenda, en: Legend}\n", ""), encoding="utf-8")
    row, col = where(site, "labels:\n")
    assert problems(data_dir) == [
        f"data/site.yml:{row}:{col}: labels.legend: this interface text is missing: add it under labels, "
        "with a text in each language"
    ]


def test_an_unknown_interface_text_names_the_closest_known_one(data_dir):
    write(data_dir, "prog.yml", PROGRAMME)
    site = edit(
        site_text(data_dir), "  timeline: {nl: Tijdlijn", "  timelime: {nl: x, en: y}\n  timeline: {nl: Tijdlijn"
    )
    (data_dir / "site.yml").write_text(site, encoding="utf-8")
    row, col = where(site, "timelime")
    assert problems(data_dir) == [
        f"data/site.yml:{row}:{col}: labels.timelime: unknown interface text; did you mean 'timeline'?"
    ]


def test_an_interface_text_needs_every_language(data_dir):
    write(data_dir, "prog.yml", PROGRAMME)
    site = edit(site_text(data_dir), "legend: {nl: Legenda, en: Legend}", "legend: {nl: Legenda}")
    (data_dir / "site.yml").write_text(site, encoding="utf-8")
    row, col = value_of(site, "legend: {nl: Legenda}")
    assert problems(data_dir) == [f"data/site.yml:{row}:{col}: labels.legend: the text in en is missing"]


def test_a_card_text_in_a_language_the_site_lacks_is_unknown(data_dir):
    site = edit(site_text(data_dir), "languages: [nl, en]", "languages: [nl]")
    (data_dir / "site.yml").write_text(site, encoding="utf-8")
    reported = problems_with(data_dir, PROGRAMME)
    assert "data/cards/prog.yml:5:8: title: unknown language 'en' (the site's languages are nl)" in reported


def test_a_missing_site_file_is_reported_by_its_path(data_dir):
    (data_dir / "site.yml").unlink()
    write(data_dir, "prog.yml", PROGRAMME)
    assert problems(data_dir) == ["data/site.yml:1:1: the portfolio's settings file is missing"]


def test_a_missing_cards_folder_is_reported_by_its_path(data_dir):
    (data_dir / "cards").rmdir()
    assert problems(data_dir) == ["data/cards:1:1: the cards folder is missing"]


def test_no_cards_at_all_is_a_problem_not_an_empty_site(data_dir):
    assert problems(data_dir) == ["data/cards:1:1: there are no cards: add data/cards/<id>.yml files"]


def test_flagships_adding_up_to_a_decimal_total_are_not_too_much(data_dir):
    write(data_dir, "prog.yml", edit(INCLUDING, "total_meur: 1000", "total_meur: 3.3"))
    write(data_dir, "a.yml", flagship("a", total=1.1))
    write(data_dir, "b.yml", flagship("b", total=2.2))
    assert math.isclose(portfolio(data_dir).flagships_total_meur(portfolio(data_dir).card("prog")), 3.3)


def test_a_number_with_a_dutch_thousands_dot_is_refused(data_dir):
    text = edit(PROGRAMME, "total_meur: 1000", "total_meur: 18.400")
    assert problems_with(data_dir, text, "prog.yml") == [
        at(
            "prog.yml",
            value_of(text, "total_meur: 18.400"),
            "budget.total_meur: 18.400 is read as 18.4 (the dot is a decimal point): write 18400 if you mean 18400, "
            "or 18.4 if you mean 18.4",
        )
    ]


def test_a_broken_programme_does_not_make_its_flagships_orphans(data_dir):
    write(data_dir, "prog.yml", edit(PROGRAMME, "total_meur: 1000", "total_meur: veel"))
    write(data_dir, "a.yml", flagship("a"))
    assert [line.split(": ", 2)[1] for line in problems(data_dir)] == ["budget.total_meur"]


# --- untrusted values: characters, sizes, patterns ---------------------------------------------


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ('"Titel\\u0007"', "title: the nl text contains a control character (U+0007) at character 6; remove it"),
        ('"Titel\\u202e"', "title: the nl text contains a bidirectional override (U+202E) at character 6; remove it"),
        ('"' + "x" * 501 + '"', "title: the nl text is 501 characters long; at most 500 are allowed"),
    ],
)
def test_a_plain_text_refuses_control_characters_bidi_overrides_and_essays(data_dir, title, message):
    text = edit(PROGRAMME, "title: {nl: Titel, en: Title}", f"title: {{nl: {title}, en: Title}}")
    assert problems_with(data_dir, text) == [at("prog.yml", value_of(text, "title: {"), message)]


def test_an_organisation_name_refuses_control_characters(data_dir):
    text = edit(PROGRAMME, "  - name: Acme", '  - name: "Acme\\u001b[2J"')
    [problem] = problems_with(data_dir, text)
    assert "organisations[0].name: contains a control character (U+001B)" in problem


def test_markdown_texts_keep_newlines_and_tabs(data_dir):
    text = edit(PROGRAMME, "summary: {nl: Samenvatting, en: Summary}", 'summary: {nl: "a\\n\\tb", en: "c\\n\\nd"}')
    write(data_dir, "prog.yml", text)
    assert portfolio(data_dir).card("prog").summary["nl"] == "a\n\tb"


def test_a_markdown_problem_names_the_language_and_the_line_in_the_text(data_dir):
    text = edit(PROGRAMME, "relevance: {nl: Relevantie, en: Relevance}",
                'relevance: {nl: Relevantie, en: "Fine.\\n\\nSee [x](../x)."}')  # fmt: skip
    assert problems_with(data_dir, text) == [
        at(
            "prog.yml",
            value_of(text, "relevance: {"),
            "relevance: the en text, line 3: the link '../x' is not allowed: use a full web address (https://…) "
            "or mailto:",
        )
    ]


def test_an_id_with_a_trailing_newline_is_not_a_slug(data_dir):
    text = edit(PROGRAMME, "id: prog", 'id: "prog\\n"')
    [problem] = problems_with(data_dir, text)
    assert "id: 'prog\\n' is not a valid id" in problem


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("total_meur: 1.0e+308", "budget.total_meur: must be at most 1000000, got 1e+308"),
        ("total_meur: 1.0e+400", "budget.total_meur: expected a finite number, got inf"),
        ("total_meur: " + "9" * 5000, "budget.total_meur: the number has 5,000 digits; that is not a number a card"),
    ],
)
def test_huge_numbers_are_reported_not_raised(data_dir, line, message):
    text = edit(PROGRAMME, "total_meur: 1000", line)
    [problem] = problems_with(data_dir, text)
    assert message in problem


def test_a_huge_key_figure_is_refused(data_dir):
    text = PROGRAMME + "key_figures:\n  - {value: 1.0e+300, unit: count, label: {nl: x, en: x}}\n"
    [problem] = problems_with(data_dir, text)
    assert "key_figures[0].value: must be at most 1000000000000" in problem


def test_a_long_domain_name_gives_a_short_page_name(data_dir):
    name = "Domein " * 70
    write(data_dir, "prog.yml", edit(PROGRAMME, "domain: {nl: Domein, en: Domain}", f"domain: {{nl: {name}, en: D}}"))
    [domain] = portfolio(data_dir).domains()
    assert len(domain.slug) <= 60 and domain.slug.startswith("domein-domein")


# --- site.yml: languages, address, placeholders --------------------------------------------------


def with_site(data_dir: Path, old: str, new: str) -> list[str]:
    write(data_dir, "prog.yml", PROGRAMME)
    (data_dir / "site.yml").write_text(edit(site_text(data_dir), old, new), encoding="utf-8")
    return problems(data_dir)


@pytest.mark.parametrize(
    ("languages", "message"),
    [
        ("[nl, xx]", "languages[1]: 'xx' is not a language code Babel knows"),
        ("[nl, en-gb]", "languages[1]: 'en-gb' is not a language code Babel knows"),
        ("[nl, projecten]", "languages[1]: 'projecten' is not a language code Babel knows"),
        ("[nl, en, nl]", "languages: nl given more than once"),
    ],
)
def test_unknown_or_repeated_language_codes_are_reported(data_dir, languages, message):
    found = with_site(data_dir, "languages: [nl, en]", f"languages: {languages}")
    assert any(message in line for line in found), found


@pytest.mark.parametrize(
    "address",
    [
        "ftp://portfolio.example.org/",
        "javascript:alert(1)//",
        'https://portfolio.example.org/"><script>/',
        "https://user:pw@portfolio.example.org/",
        "https://portfolio.example.org/?q=1/",
        "https:///",
        "/relative/",
    ],
)
def test_the_base_url_is_an_absolute_http_address(data_dir, address):
    found = with_site(data_dir, "base_url: https://portfolio.example.org/", f"base_url: '{address}'")
    assert len(found) == 1 and found[0].startswith("data/site.yml:14:11: base_url: "), found


@pytest.mark.parametrize(
    "label",
    ["{title:>200000000}: {amount}", "{title!r}: {amount}", "{title.__class__}: {amount}", "{title[0]}: {amount}"],
)
def test_a_label_placeholder_is_a_plain_name(data_dir, label):
    found = with_site(data_dir, 'budget_chart_alt: {nl: "{title}: {amount}"', f'budget_chart_alt: {{nl: "{label}"')
    assert len(found) == 1 and "write each {placeholder} as a plain {name}" in found[0], found


def test_a_site_text_refuses_control_characters(data_dir):
    found = with_site(data_dir, "name: {nl: Biotech Nexus,", 'name: {nl: "Biotech\\u202eNexus",')
    assert found == ["data/site.yml:6:7: name: the nl text contains a bidirectional override (U+202E) at character "
                     "8; remove it"]  # fmt: skip


# --- only regular files ------------------------------------------------------------------------


def test_a_symlinked_card_is_refused_without_reading_its_target(data_dir, tmp_path):
    secret = tmp_path / "token.txt"
    secret.write_text("id: GITHUB_TOKEN=ghp_secret\n")
    write(data_dir, "prog.yml", PROGRAMME)
    (data_dir / "cards" / "a.yml").symlink_to(secret)
    [problem] = problems(data_dir)
    assert problem.startswith("data/cards/a.yml:1:1: is a symbolic link") and "ghp" not in problem


def test_a_symlink_loop_is_refused(data_dir):
    write(data_dir, "prog.yml", PROGRAMME)
    (data_dir / "cards" / "a.yml").symlink_to(data_dir / "cards" / "a.yml")
    assert problems(data_dir) == [
        "data/cards/a.yml:1:1: is a symbolic link; only regular files of the repository are read: put the file "
        "itself here"
    ]


def test_a_folder_named_like_a_card_is_refused(data_dir):
    write(data_dir, "prog.yml", PROGRAMME)
    (data_dir / "cards" / "a.yml").mkdir()
    [problem] = problems(data_dir)
    assert problem.startswith("data/cards/a.yml:1:1: a folder in data/cards/ is not read")


def test_a_fifo_card_is_refused_without_hanging(data_dir):
    import os
    import threading

    write(data_dir, "prog.yml", PROGRAMME)
    os.mkfifo(data_dir / "cards" / "a.yml")
    found: list[str] = []
    reader = threading.Thread(target=lambda: found.extend(problems(data_dir)), daemon=True)
    reader.start()
    reader.join(timeout=20)
    assert not reader.is_alive(), "check hangs on a FIFO"
    assert found == ["data/cards/a.yml:1:1: is a named pipe (FIFO), not a regular file"]


def test_a_symlinked_cards_folder_is_refused(data_dir, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    (data_dir / "cards").rename(elsewhere)
    write_path = elsewhere / "prog.yml"
    write_path.write_text(PROGRAMME)
    (data_dir / "cards").symlink_to(elsewhere)
    assert problems(data_dir) == [
        "data/cards:1:1: is a symbolic link; only regular files of the repository are read: put the file itself here"
    ]


def test_a_symlinked_settings_file_is_refused(data_dir, tmp_path):
    write(data_dir, "prog.yml", PROGRAMME)
    (data_dir / "site.yml").rename(tmp_path / "site.yml")
    (data_dir / "site.yml").symlink_to(tmp_path / "site.yml")
    [problem] = problems(data_dir)
    assert problem.startswith("data/site.yml:1:1: is a symbolic link")
