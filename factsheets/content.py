"""Hand-written pages: ``content/<lang>/<name>.md``, front matter and Markdown, read as untrusted files.

Pages get the card texts' treatment: only regular files with safe names are read,
the front matter is plain YAML checked against a model, and the Markdown goes through
the converter in ``text.py`` (no raw HTML, no attribute lists, checked links).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from .load import Document, display_name, kind_problem, parse_yaml, read_text
from .messages import message
from .model import MAX_SLUG_LENGTH, SLUG
from .problems import InvalidInput, Problem
from .text import MAX_PAGE_MARKDOWN

RESERVED_NAMES = {"index", "404", "search", "sitemap", "assets", "pdf", "admin", "projecten", "domeinen"}
"""Names the site itself uses at the root of a language (with the language codes)."""


@dataclass(frozen=True)
class PageSource:
    """A page file as read: its front matter as a Document, and its Markdown from line ``body_line``."""

    language: str
    name: str
    file: str
    front_matter: Document
    markdown: str
    body_line: int


@dataclass(frozen=True)
class ContentPage:
    """A validated hand-written page."""

    language: str
    name: str
    title: str
    description: str | None
    markdown: str

    @property
    def source(self) -> str:
        """The page's file in the docs tree, relative to its language's folder."""
        return f"{self.name}.md"


def read_pages(content_dir: Path, root: Path, languages: list[str], problems: list[Problem]) -> list[PageSource]:
    """Every page under ``content_dir``; what cannot be read becomes a problem."""
    if not os.path.lexists(content_dir):
        return []
    if _refused(content_dir, root, problems):
        return []
    sources: list[PageSource] = []
    for folder in sorted(content_dir.iterdir()):
        if folder.name.startswith("."):
            continue
        if folder.name not in languages:
            text = message("content.not_a_language", languages=", ".join(languages))
            problems.append(Problem(display_name(folder, root), 1, 1, "", text))
            continue
        if _refused(folder, root, problems):
            continue
        for path in sorted(folder.iterdir()):
            if not path.name.startswith("."):
                source = _read_page(path, root, folder.name, languages, problems)
                if source is not None:
                    sources.append(source)
    return sources


def _refused(path: Path, root: Path, problems: list[Problem]) -> bool:
    """True (with a problem) when ``path`` is not a real folder of the repository."""
    if stat.S_ISDIR(os.lstat(path).st_mode):
        return False
    problems.append(
        Problem(display_name(path, root), 1, 1, "", kind_problem(path) or message("content.file_not_folder"))
    )
    return True


def _read_page(
    path: Path, root: Path, language: str, languages: list[str], problems: list[Problem]
) -> PageSource | None:
    name = display_name(path, root)
    problem = _name_problem(path.name, languages)
    if problem:
        problems.append(Problem(name, 1, 1, "", problem))
        return None
    try:
        text = read_text(path, name, MAX_PAGE_MARKDOWN)
        return _split(text.replace("\r\n", "\n").replace("\r", "\n"), name, language, path.name[:-3])
    except InvalidInput as invalid:
        problems.extend(invalid.problems)
    return None


def _name_problem(file_name: str, languages: list[str]) -> str | None:
    stem, dot, suffix = file_name.rpartition(".")
    if not dot or suffix != "md":
        return message("content.not_markdown")
    if not SLUG.fullmatch(stem) or len(stem) > MAX_SLUG_LENGTH:
        return message("content.bad_name", name=stem[:80], limit=MAX_SLUG_LENGTH)
    if stem in RESERVED_NAMES or stem in languages:
        return message("content.reserved_name", name=stem)
    return None


def _split(text: str, name: str, language: str, stem: str) -> PageSource:
    """Front matter between two ``---`` lines at the top, then the Markdown."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        raise InvalidInput([Problem(name, 1, 1, "", message("content.no_front_matter"))])
    end = next((number for number, line in enumerate(lines[1:], start=1) if line.rstrip() in ("---", "...")), None)
    if end is None:
        raise InvalidInput([Problem(name, 1, 1, "", message("content.front_matter_not_closed"))])
    front = "\n".join(lines[1:end])
    if not front.strip():
        raise InvalidInput([Problem(name, 2, 1, "", message("content.front_matter_empty"))])
    document = parse_yaml(front + "\n", name, first_line=2)
    return PageSource(language, stem, name, document, "\n".join(lines[end + 1 :]), end + 2)
