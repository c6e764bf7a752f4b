"""Shared fixtures: a throw-away data folder next to the real site settings."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REAL_DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """``tmp_path/data`` with a copy of the real ``data/site.yml`` and an empty ``cards/`` folder.

    Pass ``root=tmp_path`` to load_portfolio so problems name files as ``data/cards/<id>.yml``.
    """
    data = tmp_path / "data"
    (data / "cards").mkdir(parents=True)
    shutil.copy(REAL_DATA / "site.yml", data / "site.yml")
    return data
