"""Shared fixtures: a throw-away data folder next to the real site settings."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from portfolios import FIXTURE_DATA, make_project


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """``tmp_path/data`` with a copy of the fixture's ``data/site.yml`` and an empty ``cards/`` folder.

    Pass ``root=tmp_path`` to load_portfolio so problems name files as ``data/cards/<id>.yml``.
    """
    data = tmp_path / "data"
    (data / "cards").mkdir(parents=True)
    shutil.copy(FIXTURE_DATA / "site.yml", data / "site.yml")
    return data



@pytest.fixture(scope="session")
def pdf_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One PDF cache for the session: builds of unchanged cards reuse each other's sheets."""
    return tmp_path_factory.mktemp("pdf-cache")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory, pdf_cache: Path) -> Path:
    """The fixture portfolio built once, for real (MkDocs and WeasyPrint), into a temporary folder."""
    from factsheets.publish import build_site
    from factsheets.validate import load_portfolio

    project = make_project(tmp_path_factory.mktemp("project"))
    out = tmp_path_factory.mktemp("built") / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        build_site(load_portfolio(project / "data", project), project, out, pdf_cache)
    return out
