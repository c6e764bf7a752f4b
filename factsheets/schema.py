"""The JSON schema of a card, generated from the model for editors' text editors."""

from __future__ import annotations

import json
from typing import Any

from .model import Card


def card_schema(languages: list[str]) -> dict[str, Any]:
    """The card's JSON schema, with a text required in each of ``languages``."""
    schema = _link_texts(Card.model_json_schema())
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$defs"]["Text"] = {
        "type": "object",
        "description": "A text in each of the site's languages: " + ", ".join(languages),
        "properties": {language: {"type": "string", "minLength": 1} for language in languages},
        "required": list(languages),
        "additionalProperties": False,
    }
    return schema


def _link_texts(node: Any) -> Any:
    """Point each text field (marked by the model) at the one Text definition."""
    if isinstance(node, dict):
        if node.pop("x-localized-text", False):
            node.pop("type", None)
            node["$ref"] = "#/$defs/Text"
        return {key: _link_texts(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_link_texts(item) for item in node]
    return node


def card_schema_json(languages: list[str]) -> str:
    return json.dumps(card_schema(languages), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
