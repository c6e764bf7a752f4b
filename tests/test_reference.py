"""The editor's guides carry a field reference generated from the model; it must be up to date."""

from __future__ import annotations

from pathlib import Path

import pytest

from factsheets.cli import GUIDES
from factsheets.model import Card
from factsheets.reference import END, START, field_reference, replace_reference

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("guide", "code"), GUIDES.items())
def test_the_guide_field_reference_is_up_to_date(guide, code):
    text = (ROOT / guide).read_text(encoding="utf-8")
    assert replace_reference(text, code) == text, f"{guide} is out of date: run `make schema`"


def test_the_reference_lists_every_field_with_its_description():
    table = field_reference("en")
    for name, field in Card.model_fields.items():
        assert f"| `{name}` |" in table and field.description.replace("|", "/") in table
    assert "| `budget.total_meur` | yes | number |" in table
    assert "| `organisations[].name` | yes | text |" in table


def test_a_stale_reference_is_detected():
    stale = f"intro\n{START}\n\n| old | table |\n\n{END}\noutro\n"
    assert replace_reference(stale, "en") != stale
    assert replace_reference(replace_reference(stale, "en"), "en") == replace_reference(stale, "en")


@pytest.mark.parametrize(("guide", "code"), GUIDES.items())
def test_the_guide_lists_the_real_messages_in_its_own_language(guide, code):
    from factsheets.messages import catalogue
    from factsheets.reference import replace_messages

    text = (ROOT / guide).read_text(encoding="utf-8")
    assert replace_messages(text, code) == text, f"{guide}'s message list is out of date: run `make schema`"
    assert f"- `yaml.tab`: {catalogue(code)['yaml.tab']}" in text
