"""factsheets.schema: the committed JSON schema is current, describes every field, and fits the cards."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator
from portfolios import FIXTURE_DATA

from factsheets.model import SLUG
from factsheets.schema import card_schema, card_schema_json

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "data" / "schema" / "card.schema.json"
CARD_FILES = sorted((ROOT / "data" / "cards").glob("*.yml")) + sorted((FIXTURE_DATA / "cards").glob("*.yml"))


def site_languages() -> list[str]:
    return yaml.safe_load((ROOT / "data" / "site.yml").read_text(encoding="utf-8"))["languages"]


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def read_card(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_the_committed_schema_is_up_to_date():
    current = card_schema_json(site_languages())
    assert SCHEMA_FILE.read_text(encoding="utf-8") == current, (
        "data/schema/card.schema.json is out of date with the model or site.yml's languages: run `make schema`"
    )


def test_there_are_cards_to_check():
    assert len(CARD_FILES) >= 4


@pytest.mark.parametrize("path", CARD_FILES, ids=lambda path: path.name)
def test_every_real_card_fits_the_schema(validator, path):
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(read_card(path))]
    assert errors == []


def properties(node: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every (path, schema) of a named property anywhere in the schema."""
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            yield f"{where}.{name}", sub
        for key, value in node.items():
            yield from properties(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from properties(item, f"{where}[{i}]")


def test_every_field_in_the_schema_has_a_description():
    schema = card_schema(site_languages())
    found = list(properties(schema))
    assert len(found) > 40  # the walk reaches into $defs, not just the top level
    # The language entries of the one Text definition are described by Text itself.
    undescribed = [where for where, sub in found if not where.startswith("/$defs/Text.") and not sub.get("description")]
    assert undescribed == []
    assert schema["$defs"]["Text"]["description"]


def test_texts_require_exactly_the_configured_languages():
    text = card_schema(["nl", "en", "de"])["$defs"]["Text"]
    assert text["required"] == ["nl", "en", "de"]
    assert text["additionalProperties"] is False
    assert card_schema(["nl"])["$defs"]["Text"]["required"] == ["nl"]


def test_the_id_pattern_is_the_models_slug():
    assert card_schema(site_languages())["properties"]["id"]["pattern"] == SLUG.pattern


def mutate(card: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(card)
    target = changed
    for part in path[:-1]:
        target = target[part]
    if value is None:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return changed


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("budget", "total_meur"), "1200"),
        (("budget", "total_meur"), 0),
        (("readiness", "market"), "verkenning"),
        (("readiness", "trl", "max"), 10),
        (("title", "en"), None),
        (("title", "de"), "Titel"),
        (("title", "nl"), ""),
        (("budget", "totl_meur"), 5),
        (("id",), "../etc"),
        (("kind",), None),
    ],
)
def test_the_schema_refuses_what_the_model_refuses(validator, path, value):
    card = read_card(FIXTURE_DATA / "cards" / "infectieziekten.yml")
    assert validator.is_valid(card)
    assert not validator.is_valid(mutate(card, path, value))
