"""A card's history from git: when its file last changed, and what changed when in its budget, dates and readiness.

Dutch government sites say when a page last changed and what changed; a card page does the same from the
commits that changed its file. Two git processes read the whole portfolio's history: one ``git log`` names the
commits per card file, one ``git cat-file --batch`` reads the file as each of them left it. A project that is
not in git, or a card never committed, has no history: its page leaves both out.

Old versions are read as data and nothing more: a value that is missing or not what the model allows today
is shown as it was written, and a version that is not valid YAML is passed over.
"""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .load import plain_data

log = logging.getLogger(__name__)

CARDS_DIR = "data/cards"

TRACKED = {
    "budget": (("budget", "total_meur"),),
    "start": (("timeline", "start"),),
    "end": (("timeline", "end"),),
    "trl": (("readiness", "trl", "min"), ("readiness", "trl", "max")),
    "mrl": (("readiness", "market"),),
}
"""What a card's change history follows, by the interface label that names it, and where it is in the file."""


@dataclass(frozen=True)
class Change:
    """One followed value that a commit changed: ``before`` and ``after`` as written (a tuple for a range)."""

    date: str  # the commit's date, YYYY-MM-DD
    what: str  # a key of TRACKED
    before: tuple[Any, ...]
    after: tuple[Any, ...]


@dataclass(frozen=True)
class CardHistory:
    last_changed: str | None = None  # the date of the last commit that changed the card's file
    changes: tuple[Change, ...] = ()  # newest first
    first_committed: str | None = None  # the date of the first commit of the card's file


def card_histories(root: Path, card_ids: list[str]) -> dict[str, CardHistory]:
    """Each card's history, by its id; an empty history for every card when ``root`` is not in git."""
    commits = _commits_per_file(root)
    if not commits:
        return {card_id: CardHistory() for card_id in card_ids}
    wanted = [(card_id, sha) for card_id in card_ids for sha, _ in commits.get(_card_file(card_id), [])]
    versions = _versions(root, wanted)
    histories = {}
    for card_id in card_ids:
        dated = commits.get(_card_file(card_id), [])
        texts = [(date, versions.get((card_id, sha))) for sha, date in reversed(dated)]  # oldest first
        newest_first = [change for commit in reversed(list(_changes(texts))) for change in commit]
        first, last = (dated[-1][1], dated[0][1]) if dated else (None, None)
        histories[card_id] = CardHistory(last, tuple(newest_first), first)
    return histories


def _card_file(card_id: str) -> str:
    return f"{CARDS_DIR}/{card_id}.yml"


def _git(root: Path, *arguments: str, stdin: bytes | None = None) -> bytes | None:
    try:
        result = subprocess.run(["git", *arguments], cwd=root, input=stdin, capture_output=True, check=False)
    except OSError:  # no git on the machine
        return None
    return result.stdout if result.returncode == 0 else None


def _commits_per_file(root: Path) -> dict[str, list[tuple[str, str]]]:
    """Card file (relative to ``root``) -> [(commit, date)], newest first; empty when ``root`` is not in git."""
    output = _git(root, "log", "--no-renames", "--relative", "--format=%x1e%H %cs", "--name-only", "--", CARDS_DIR)
    commits: dict[str, list[tuple[str, str]]] = {}
    for entry in (output or b"").decode("utf-8", errors="replace").split("\x1e")[1:]:
        header, *names = entry.strip().split("\n")
        sha, date = header.split(" ")
        for name in names:
            if name.strip():
                commits.setdefault(name.strip(), []).append((sha, date))
    return commits


def _versions(root: Path, wanted: list[tuple[str, str]]) -> dict[tuple[str, str], bytes]:
    """(card id, commit) -> the card file's bytes as that commit left it (absent when the commit deleted it)."""
    if not wanted:
        return {}
    requests = "".join(f"{sha}:./{_card_file(card_id)}\n" for card_id, sha in wanted).encode()
    output = _git(root, "cat-file", "--batch", stdin=requests) or b""
    versions, position = {}, 0
    for key in wanted:
        end = output.index(b"\n", position)
        header = output[position:end].split(b" ")
        position = end + 1
        if header[-1] == b"missing":
            continue
        size = int(header[2])
        versions[key] = output[position : position + size]
        position += size + 1
    return versions


def _changes(versions: list[tuple[str, bytes | None]]) -> Iterator[list[Change]]:
    """Each commit's changes in TRACKED's order, oldest commit first; a version that cannot be read is passed over."""
    previous: dict[str, tuple[Any, ...]] | None = None
    for date, text in versions:
        values = _tracked_values(text)
        if values is None:
            continue
        if previous is not None:
            before = previous
            yield [Change(date, what, before[what], value) for what, value in values.items() if value != before[what]]
        previous = values


def _tracked_values(text: bytes | None) -> dict[str, tuple[Any, ...]] | None:
    if text is None:
        return None
    data = plain_data(text.decode("utf-8", errors="replace"))
    if not isinstance(data, dict):
        return None
    return {what: tuple(_at(data, path) for path in paths) for what, paths in TRACKED.items()}


def _at(data: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data if isinstance(data, (int, float, str)) or data is None else None
