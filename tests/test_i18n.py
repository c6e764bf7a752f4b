"""factsheets.i18n: numbers and money per language, and the interface texts every template needs."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import get_args

import pytest
import yaml
from portfolios import FIXTURE_DATA

from factsheets.i18n import UI_LABELS, Language, label_problems, required_labels
from factsheets.model import PRECONDITION_GROUPS, Kind, Market, Unit

ROOT = Path(__file__).resolve().parent.parent
LABELS: dict[str, dict[str, str]] = yaml.safe_load((FIXTURE_DATA / "site.yml").read_text(encoding="utf-8"))["labels"]


@pytest.fixture(params=["nl", "en"])
def code(request: pytest.FixtureRequest) -> str:
    return request.param


def lang(code: str) -> Language:
    return Language(code, LABELS)


# --- numbers and money ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "nl", "en"),
    [
        (18400, "€ 18.400 miljoen", "€18,400 million"),
        (2675, "€ 2.675 miljoen", "€2,675 million"),
        (475, "€ 475 miljoen", "€475 million"),
        (1350.5, "€ 1.350,5 miljoen", "€1,350.5 million"),  # cents only when there are any
        (0.25, "€ 0,25 miljoen", "€0.25 million"),
        (1_000_000, "€ 1.000.000 miljoen", "€1,000,000 million"),
    ],
)
def test_money_meur(value: float, nl: str, en: str) -> None:
    assert lang("nl").money_meur(value) == nl
    assert lang("en").money_meur(value) == en


def test_money_uses_a_plain_space_not_a_no_break_space() -> None:
    # Readers and search must find "€ 1.350"; the templates keep amounts on one line instead.
    assert "\xa0" not in lang("nl").money_meur(18400)
    assert "\xa0" not in lang("nl").figure(12600, "meur")


@pytest.mark.parametrize(
    ("value", "unit", "nl", "en"),
    [
        (12600, "meur", "€ 12,6 miljard", "€12.6 billion"),
        (1000, "meur", "€ 1 miljard", "€1 billion"),
        (999, "meur", "€ 999 miljoen", "€999 million"),
        (1_500_000, "eur", "€ 1.500.000", "€1,500,000"),
        (8.6, "percent", "8,6%", "8.6%"),
        (100, "percent", "100%", "100%"),
        (2.5, "multiplier", "2,5×", "2.5×"),
        (21000, "jobs", "21.000 banen", "21,000 jobs"),
        (350, "fte", "350 fte", "350 FTE"),
        (1234, "count", "1.234", "1,234"),
    ],
)
def test_figure(value: float, unit: str, nl: str, en: str) -> None:
    assert lang("nl").figure(value, unit) == nl
    assert lang("en").figure(value, unit) == en


def test_every_unit_is_formatted() -> None:
    for unit in get_args(Unit):
        for code in ("nl", "en"):
            text = lang(code).figure(12, unit)
            assert "12" in text, (unit, code, text)


@pytest.mark.parametrize(
    ("value", "nl", "en"),
    [(21000, "21.000", "21,000"), (8.6, "8,6", "8.6"), (1234567.891, "1.234.567,891", "1,234,567.891"), (0, "0", "0")],
)
def test_number(value: float, nl: str, en: str) -> None:
    assert lang("nl").number(value) == nl
    assert lang("en").number(value) == en


@pytest.mark.parametrize(("value", "nl", "en"), [(8.6, "8,6%", "8.6%"), (35, "35%", "35%"), (0, "0%", "0%")])
def test_percent(value: float, nl: str, en: str) -> None:
    assert lang("nl").percent(value) == nl
    assert lang("en").percent(value) == en


def test_t_fills_in_values(code: str) -> None:
    expected = {
        "nl": "inclusief de 3 flagships voor totaal € 3.970 miljoen",
        "en": "including the 3 flagships totalling €3,970 million",
    }
    language = lang(code)
    assert language.t("includes_flagships", count=3, amount=language.money_meur(3970)) == expected[code]


def test_text_picks_the_language_and_tolerates_none(code: str) -> None:
    assert lang(code).text({"nl": "Tijdlijn", "en": "Timeline"}) == {"nl": "Tijdlijn", "en": "Timeline"}[code]
    assert lang(code).text(None) == ""


# --- the interface texts ---------------------------------------------------------------------------


def test_required_labels_cover_every_enum_value_and_precondition() -> None:
    keys = required_labels()
    assert len(keys) == len(set(keys)), "a label key is listed twice"
    for value in get_args(Kind):
        assert f"kind.{value}" in keys
    for value in get_args(Market):
        assert f"market.{value}" in keys
    for value in get_args(Unit):
        assert f"unit.{value}" in keys
    assert [key for key in keys if key.startswith("group.")] == [f"group.{group}" for group in PRECONDITION_GROUPS]
    conditions = [key for key in keys if key.startswith("precondition.")]
    assert len(conditions) == 16
    assert conditions == [f"precondition.{name}" for names in PRECONDITION_GROUPS.values() for name in names]
    # The three marks of the precondition grid and its legend are interface texts too.
    for mark in ("relevant", "less_relevant", "not_assessed", "legend"):
        assert mark in keys


def test_every_label_a_template_asks_for_is_required() -> None:
    """A template asking for an undeclared label would fail only when that block is rendered."""
    used: set[str] = set()
    for path in (ROOT / "templates").rglob("*.j2"):
        used |= set(re.findall(r"""lang\.t\(\s*["']([^"']+)["']""", path.read_text(encoding="utf-8")))
    assert used, "no lang.t() calls found: the pattern no longer matches the templates"
    assert sorted(used - set(required_labels())) == []


def test_the_real_site_labels_have_no_problems() -> None:
    assert list(label_problems(LABELS)) == []
    for key in UI_LABELS:
        assert set(LABELS[key]) == {"nl", "en"}, key


def test_label_problems_reports_a_missing_label() -> None:
    labels = copy.deepcopy(LABELS)
    del labels["timeline"]
    del labels["market.exploration"]
    assert sorted(label_problems(labels)) == [
        ("market.exploration", "this interface text is missing: add it under labels, with a text in each language"),
        ("timeline", "this interface text is missing: add it under labels, with a text in each language"),
    ]


def test_label_problems_reports_an_unknown_label_with_the_closest_known_key() -> None:
    labels = copy.deepcopy(LABELS)
    labels["timline"] = labels.pop("timeline")
    problems = dict(label_problems(labels))
    assert problems == {
        "timeline": "this interface text is missing: add it under labels, with a text in each language",
        "timline": "unknown interface text; did you mean 'timeline'?",
    }


def test_label_problems_suggests_nothing_when_nothing_is_close() -> None:
    labels = copy.deepcopy(LABELS)
    labels["zzzzqqqq"] = {"nl": "x", "en": "x"}
    assert list(label_problems(labels)) == [("zzzzqqqq", "unknown interface text")]


def test_label_problems_reports_an_unknown_placeholder() -> None:
    labels = copy.deepcopy(LABELS)
    labels["includes_flagships"]["nl"] = "inclusief de {cuont} flagships voor totaal {amount}"
    # What the build will do with it: a KeyError, nowhere near an editor-readable message.
    with pytest.raises(KeyError):
        Language("nl", labels).t("includes_flagships", count=3, amount="€ 1 miljoen")
    assert [key for key, _ in label_problems(labels)] == ["includes_flagships"]


@pytest.mark.parametrize(
    "text",
    [
        "{title:>200000000}: {amount}",  # a format spec that fills memory
        "{title!r}: {amount}",
        "{title.__class__.__mro__}: {amount}",
        "{title[0]}: {amount}",
        "{}: {amount}",
        "{0}: {amount}",
    ],
)
def test_label_problems_refuse_placeholders_that_are_more_than_a_name(text: str) -> None:
    labels = copy.deepcopy(LABELS)
    labels["budget_chart_alt"]["nl"] = text
    [(key, message)] = label_problems(labels)
    assert key == "budget_chart_alt" and message.startswith("write each {placeholder} as a plain {name}")
