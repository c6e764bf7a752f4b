"""The tests' own portfolios: fixture data and content that editors' changes to data/ and content/ never touch."""

from __future__ import annotations

import shutil
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
"""The project's code: templates, mkdocs.yml, the package."""

FIXTURE = PROJECT / "tests" / "fixtures" / "portfolio"
"""A complete portfolio of the tests' own: a programme with three flagships, both languages, content pages."""

FIXTURE_DATA = FIXTURE / "data"


def make_project(target: Path, fixture: Path = FIXTURE) -> Path:
    """A project folder to build: the code's templates and mkdocs.yml with a fixture's data and content."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(PROJECT / "mkdocs.yml", target / "mkdocs.yml")
    shutil.copytree(PROJECT / "templates", target / "templates", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(fixture / "data", target / "data")
    shutil.copytree(fixture / "content", target / "content")
    return target
