"""The one way a card file is written, so that the form editor and hand edits agree line for line.

The form editor (``templates/admin/card-yaml.js``) writes a card with exactly these rules, and
``python build.py tidy`` rewrites hand-edited cards with them; ``check`` reports a card that
differs. Both sides follow the same short list, so changing one field changes only its lines:

- the schema comment for editors' text editors, a blank line, then the fields;
- the card's fields in the model's order (unknown keys after them); nested keys in the file's order;
- a key without a value (null or empty text) is left out, as if it were not there;
- a blank line before each top-level field that is a non-empty group or list;
- groups and lists in block style, two spaces per level, list items as ``- `` under their key;
- text plain when it is safe (starts with a letter; no ``:``, ``#``, control characters or trailing
  space; not a YAML word such as ``no``), as a ``|`` block when it has several lines, else in
  double quotes with JSON-like escapes; numbers as JavaScript writes them (``2250``, not ``2250.0``).

Comments other than the schema comment are not kept: the form editor cannot keep them either.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import yaml

from .load import display_name
from .messages import message
from .model import Card
from .problems import BuildError, Problem

SCHEMA_COMMENT = "# yaml-language-server: $schema=../schema/card.schema.json"
CARD_FIELDS = list(Card.model_fields)
YAML_WORDS = {"true", "false", "yes", "no", "on", "off", "null", "y", "n"}
"""Plain words that YAML 1.1 or 1.2 reads as something other than text."""
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def card_yaml(data: dict[str, Any]) -> str:
    """The text of a card file holding ``data`` (a card as read from YAML)."""
    lines = [SCHEMA_COMMENT, ""]
    fields = _without_empty(data)
    for key in sorted(fields, key=_field_rank):
        value = fields[key]
        if isinstance(value, dict | list) and value and lines[-1] != "":
            lines.append("")
        lines += _entry(key, value, "")
    return "\n".join(lines) + "\n"


def _field_rank(key: str) -> int:
    return CARD_FIELDS.index(key) if key in CARD_FIELDS else len(CARD_FIELDS)


def _without_empty(value: Any) -> Any:
    """The value as the form editor keeps it: without empty keys, dates as their text."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _without_empty(item) for key, item in value.items() if item is not None and item != ""}
    if isinstance(value, list):
        return [_without_empty(item) for item in value]
    return value


def _entry(key: Any, value: Any, indent: str) -> list[str]:
    head = f"{indent}{_string(str(key))}:"
    if isinstance(value, dict) and value:
        return [head] + [line for sub, item in value.items() for line in _entry(sub, item, indent + "  ")]
    if isinstance(value, list) and value:
        return [head] + [line for item in value for line in _item(item, indent + "  ")]
    if isinstance(value, str) and _is_block(value):
        body = [f"{indent}  {line}" if line else "" for line in value.removesuffix("\n").split("\n")]
        return [f"{head} {'|' if value.endswith(chr(10)) else '|-'}", *body]
    return [f"{head} {_scalar(value)}"]


def _item(value: Any, indent: str) -> list[str]:
    """A list item: ``- `` and its first line, the rest indented under it."""
    if isinstance(value, dict) and value:
        lines = [line for key, item in value.items() for line in _entry(key, item, indent + "  ")]
    elif isinstance(value, list) and value:
        lines = [line for item in value for line in _item(item, indent + "  ")]
    else:
        return [f"{indent}- {_scalar(value)}"]
    return [f"{indent}- {lines[0].lstrip(' ')}", *lines[1:]]


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    if isinstance(value, datetime.date):
        return _string(value.isoformat())  # as text: the form editor reads 2025-10-01 as text, not as a date
    return _string(str(value))


def _number(value: float) -> str:
    """As JavaScript's ``String(number)`` writes it, for the numbers a card holds."""
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return repr(value)


def _string(text: str) -> str:
    return text if _is_plain(text) else _quoted(text)


def _is_plain(text: str) -> bool:
    return (
        text[:1].isalpha()
        and not _UNSAFE.search(text)
        and ":" not in text
        and "#" not in text
        and not text.endswith(" ")
        and text.lower() not in YAML_WORDS
    )


def _is_block(text: str) -> bool:
    lines = text.removesuffix("\n").split("\n")
    return (
        "\n" in text
        and not _UNSAFE.search(text.replace("\n", ""))
        and not text.startswith((" ", "\n"))
        and not text.endswith("\n\n")
        and not any(line.strip(" ") == "" and line for line in lines)
    )


def _quoted(text: str) -> str:
    escaped = "".join(_ESCAPES.get(char) or (f"\\u{ord(char):04x}" if _UNSAFE.match(char) else char) for char in text)
    return f'"{escaped}"'


def formatting_problems(cards_dir: Path, root: Path) -> list[Problem]:
    """One problem per card file not written the one way, at its first line that differs."""
    problems = []
    for path in unformatted(cards_dir):
        have, want = path.read_text(encoding="utf-8").split("\n"), _formatted(path).split("\n")
        line = next((at for at, (a, b) in enumerate(zip(have, want, strict=False), 1) if a != b), len(want))
        problems.append(Problem(display_name(path, root), line, 1, "", message("tidy.not_tidy")))
    return problems


def unformatted(cards_dir: Path) -> list[Path]:
    """The card files whose text is not the one way of writing their data."""
    return [path for path in sorted(cards_dir.glob("*.yml")) if _formatted(path) != path.read_text(encoding="utf-8")]


def format_cards(cards_dir: Path) -> list[Path]:
    """Rewrite every card that is not formatted; refuse (changing nothing) if any value would change."""
    changes = {path: _formatted(path) for path in unformatted(cards_dir)}
    for path, text in changes.items():
        if _without_empty(yaml.safe_load(text)) != _without_empty(_read(path)):
            raise BuildError(message("tidy.would_change_value", file=path.name))
    for path, text in changes.items():
        path.write_text(text, encoding="utf-8")
    return list(changes)


def _formatted(path: Path) -> str:
    data = _read(path)
    if not isinstance(data, dict):
        raise BuildError(message("tidy.not_a_card", file=path.name))
    return card_yaml(data)


def _read(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError:
        raise BuildError(message("tidy.not_a_card", file=path.name)) from None
