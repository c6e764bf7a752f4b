"""``build.py new``: a new card file holding the fields an editor must fill in, empty, written the one way.

The file is what the form editor would write once the fields are filled in (``cardfile.card_yaml``,
with the empty values left in as ``""`` and nothing), so a filled-in card passes ``check`` without a
layout warning, and saving it in the form later changes only the fields that change. It holds no
comments, which the form could not keep: the guidance is printed instead (``fill_in_guide``), each
field's label and hint from the form's own tables in the editor's language, and ``check`` lists every
field still empty. Optional fields are left out, and named in the guidance.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from .cardfile import card_yaml
from .cms import FIELDS, INTERFACE_LANGUAGES, interface_words
from .messages import did_you_mean, language, message
from .model import SLUG, Card, plain_type
from .problems import BuildError

EMPTY_TEXT = "\x00text"
EMPTY_VALUE = "\x00value"
"""Stand-ins for an empty text and an empty value while ``card_yaml`` lays the file out: control characters,
so that no real value is ever written as they are (``"\\u0000text"``)."""
WRITTEN_AS = {'"\\u0000text"': '""', ' "\\u0000value"': ""}


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
    text = card_yaml(_skeleton(card_id, kind, parent, languages))
    for stand_in, empty in WRITTEN_AS.items():
        text = text.replace(stand_in, empty)
    return text


def _skeleton(card_id: str, kind: str, parent: str | None, languages: list[str]) -> dict[str, Any]:
    """The card's given fields and its required ones, empty; a programme says whether its total holds its
    flagships' budgets (off until the editor turns it on)."""
    card: dict[str, Any] = {**_required(Card, languages), "id": card_id, "kind": kind, "parent": parent}
    if kind == "programme":
        card["budget"]["includes_flagships"] = False
    return {key: value for key, value in card.items() if value is not None}


def _required(model: type[BaseModel], languages: list[str]) -> dict[str, Any]:
    return {name: _empty(field, languages) for name, field in _fields_to_fill(model)}


def _fields_to_fill(model: type[BaseModel]) -> list[tuple[str, FieldInfo]]:
    return [(name, field) for name, field in model.model_fields.items() if field.is_required() and name != "id"]


def _empty(field: FieldInfo, languages: list[str]) -> Any:
    annotation = plain_type(field.annotation)
    if get_origin(annotation) is dict:
        return dict.fromkeys(languages, EMPTY_TEXT)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _required(annotation, languages)
    return EMPTY_VALUE


def fill_in_guide(kind: str, languages: list[str]) -> str:
    """What ``new`` prints: each field to fill in with its label and hint, then the optional fields."""
    paths = _to_fill(Card, "")
    if kind == "programme":
        paths.insert(paths.index("budget.total_meur") + 1, "budget.includes_flagships")
    lines = [message("new.fill_in", languages=", ".join(languages)), *map(_explained, paths)]
    optional = [name for name, field in Card.model_fields.items() if not field.is_required() and name != "parent"]
    lines.append(message("new.optional", fields=", ".join(optional)))
    return "\n".join(lines)


def _to_fill(model: type[BaseModel], prefix: str) -> list[str]:
    """The paths of the values to fill in (``kind`` is given by the command)."""
    found = []
    for name, field in _fields_to_fill(model):
        annotation = plain_type(field.annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            found += _to_fill(annotation, f"{prefix}{name}.")
        elif name != "kind":
            found.append(f"{prefix}{name}")
    return found


def _explained(path: str) -> str:
    """The field with its label and hint from the form, in the editor's language, and the values it allows
    when it is a choice."""
    label, hint = interface_words(FIELDS[path], language() if language() in INTERFACE_LANGUAGES else "en")
    choices = _choices(path)
    return f"  {path}: {label}. {hint}" + (f" [{' | '.join(choices)}]" if choices else "")


def _choices(path: str) -> list[str]:
    annotation: Any = Card
    for name in path.split("."):
        annotation = plain_type(annotation.model_fields[name].annotation)
    if annotation is bool:
        return ["true", "false"]
    return [str(value) for value in get_args(annotation)] if get_origin(annotation) is Literal else []
