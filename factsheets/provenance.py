"""What a card's numbers rest on: the paths of its numeric facts, and which of them are unconfirmed.

A card marks a value unconfirmed by naming its field path in ``unconfirmed``
(``shares.capital``, ``key_figures[0].value``), with a note. The path is checked
here against the card's real numbers, so a typo cannot leave a value unmarked;
the renderer, the open data and ``build.py unconfirmed`` all read the notes
from here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .load import Document, display_name, dotted, load_yaml
from .messages import did_you_mean, language, message
from .model import Card
from .problems import Problem

NOT_FACTS = {"order"}
"""Numbers on a card that say nothing about the project: they cannot be unconfirmed."""


def numeric_facts(card: Card) -> dict[str, float]:
    """Every number on the card by its field path, in the card's field order: ``{"shares.capital": 0, ...}``."""
    return dict(_numbers(card, ()))


def _numbers(value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[str, float]]:
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            if not path and name in NOT_FACTS:
                continue
            yield from _numbers(getattr(value, name), (*path, name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _numbers(item, (*path, index))
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield dotted(path), value


def unconfirmed_notes(card: Card) -> dict[str, dict[str, str]]:
    """The note of each unconfirmed value, by field path."""
    return {path: entry.note for entry in card.unconfirmed for path in entry.fields}


def unconfirmed_problems(card: Card, document: Document) -> list[Problem]:
    """A path that names no number on the card, or a value marked twice."""
    facts = numeric_facts(card)
    seen: set[str] = set()
    problems = []
    for i, entry in enumerate(card.unconfirmed):
        for j, path in enumerate(entry.fields):
            line, col = document.position(("unconfirmed", i, "fields", j))
            field = f"unconfirmed[{i}].fields[{j}]"
            if path not in facts:
                problems.append(Problem(document.file, line, col, field, _unknown_path(path, facts)))
            elif path in seen:
                problems.append(Problem(document.file, line, col, field, message("unconfirmed.twice", path=path)))
            seen.add(path)
    return problems


def _unknown_path(path: str, facts: dict[str, float]) -> str:
    hint = did_you_mean(path, list(facts)) or message("unconfirmed.numbers", numbers=", ".join(facts))
    return message("unconfirmed.not_a_number", path=path, hint=hint)


def unconfirmed_report(cards: tuple[Card, ...], data_dir: Path, root: Path, default: str) -> str:
    """Every unconfirmed value of the portfolio, one line each, ``file:line:col: path = value: note``.

    The notes are in the editor's language when the cards have it, else in ``default``.
    """
    lines = []
    for card in cards:
        if not card.unconfirmed:
            continue
        document = load_yaml(data_dir / "cards" / f"{card.id}.yml", root)
        facts = numeric_facts(card)
        for i, entry in enumerate(card.unconfirmed):
            code = language() if language() in entry.note else default
            for j, path in enumerate(entry.fields):
                line, col = document.position(("unconfirmed", i, "fields", j))
                lines.append(f"{document.file}:{line}:{col}: {path} = {facts[path]:g}: {entry.note[code]}")
    summary = message("unconfirmed.summary", count=len(lines), folder=display_name(data_dir / "cards", root))
    return "\n".join([*lines, summary]) + "\n"
