"""``build.py new``: a new card file with every field present, each commented from the model.

The comments are the model's field descriptions, so the scaffold cannot drift
from the format. Unfilled fields are left empty, and ``check`` lists each of
them until an editor fills them in.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, get_origin

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from .messages import did_you_mean, message
from .model import SLUG, Card, plain_type
from .problems import BuildError

SCHEMA_COMMENT = "# yaml-language-server: $schema=../schema/card.schema.json"


def write_new_card(cards_dir: Path, card_id: str, kind: str, parent: str | None, languages: list[str]) -> Path:
    """Write ``cards_dir/<card_id>.yml``; refuse a bad slug, an existing id or a parent on a programme."""
    if not SLUG.fullmatch(card_id) or len(card_id) > 64:
        raise BuildError(message("new.bad_id", id=card_id))
    target = cards_dir / f"{card_id}.yml"
    if target.exists():
        raise BuildError(message("new.exists", id=card_id, file=target.name))
    if kind == "programme" and parent:
        raise BuildError(message("new.programme_parent"))
    if kind == "flagship" and not parent:
        raise BuildError(message("new.flagship_needs_parent"))
    if parent and not (cards_dir / f"{parent}.yml").exists():
        known = [path.stem for path in cards_dir.glob("*.yml")]
        raise BuildError(message("new.no_parent", id=parent, suggestion=did_you_mean(parent, known)))
    target.write_text(new_card_yaml(card_id, kind, parent, languages), encoding="utf-8")
    return target


def new_card_yaml(card_id: str, kind: str, parent: str | None, languages: list[str]) -> str:
    given = {"id": card_id, "kind": kind, "parent": parent}
    lines = [SCHEMA_COMMENT, f"# {message('new.scaffold_intro')}", ""]
    lines += _fields(Card, given, languages, indent="")
    return "\n".join(lines) + "\n"


def _fields(model: type[BaseModel], given: dict[str, Any], languages: list[str], indent: str) -> list[str]:
    lines: list[str] = []
    for name, field in model.model_fields.items():
        if name == "parent" and given.get("kind") == "programme":
            continue
        lines.append(f"{indent}# {field.description}")
        annotation = plain_type(field.annotation)
        if name in given:
            lines.append(f"{indent}{name}: {given[name]}")
        elif _is_text(annotation):
            lines.append(f"{indent}{name}:")
            lines += [f'{indent}  {code}: ""' for code in languages]
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            lines.append(f"{indent}{name}:")
            lines += _fields(annotation, {}, languages, indent + "  ")
        elif get_origin(annotation) is list:
            lines.append(f"{indent}{name}: []")
        elif field.default not in (None, PydanticUndefined):
            lines.append(f"{indent}{name}: {json.dumps(field.default)}")
        else:
            lines.append(f"{indent}{name}:")
        if not indent:
            lines.append("")
    return lines


def _is_text(annotation: Any) -> bool:
    return get_origin(annotation) is dict
