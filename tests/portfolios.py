"""The tests' own portfolios: fixture data and content that editors' changes to data/ and content/ never touch."""

from __future__ import annotations

import shutil
from functools import cache
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


SOURCES = FIXTURE / "sources"
"""The documents the fixture portfolio is transcribed from: the project cards, and the news article behind its
news page (copies of the project's source documents, so that the fidelity check has a faithful build to read)."""


@cache
def built_portfolio(base: Path) -> Path:
    """The fixture portfolio built once per test session (``base``: the session's temporary folder)."""
    from pytest import MonkeyPatch

    from factsheets.publish import build_site
    from factsheets.validate import load_portfolio

    project = make_project(base / "portfolio-project")
    out = base / "portfolio-built" / "site"
    with MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        build_site(load_portfolio(project / "data", project), project, out, base / "portfolio-cache")
    return out
