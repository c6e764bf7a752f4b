"""Shared fixtures: the three-domain portfolio built once, throw-away data folders, and the suite's isolation.

Isolation: every test runs with ``FACTSHEETS_CACHE_DIR`` pointing at a folder of its own (so a build
that names no cache, a ``build.py`` subprocess included, never reads or writes the working tree's
``.cache/``), and fails when it leaves the process environment changed for the tests after it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml
from hypothesis import settings
from portfolios import FIXTURE, FIXTURE_DATA, make_project

ROOT = Path(__file__).resolve().parent.parent
THREE_DOMAINS = ROOT / "tests" / "fixtures" / "three-domains"
"""The output tests' portfolio: five cards in three domains (see its README.md)."""
THREE_DOMAINS_DATA = THREE_DOMAINS / "data"
EPOCH = "1700000000"
"""SOURCE_DATE_EPOCH of the shared fixture build: the same sources give the same bytes."""

# Hypothesis: the same examples on every CI run (a red build is reproducible), new ones on every local run.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")

# Messages follow the locale (factsheets/messages.py). The suite's assertions are in English, whatever the
# machine's language; the tests of the language choice set the locale, or --lang, themselves.
if os.environ.get("LC_ALL"):
    os.environ["LC_CTYPE"] = os.environ.pop("LC_ALL")  # keeps the character encoding, frees the messages' language
os.environ["LC_MESSAGES"] = "en_US.UTF-8"
# Material sets this on its first import (in whichever test builds first); set before any test looks.
os.environ.setdefault("NO_MKDOCS_2_WARNING", "true")


def fixture_settings() -> dict[str, Any]:
    """The three-domain portfolio's ``site.yml``."""
    return yaml.safe_load((THREE_DOMAINS_DATA / "site.yml").read_text(encoding="utf-8"))


def fixture_cards() -> list[dict[str, Any]]:
    """The three-domain portfolio's cards as written, for tests that compute what the output must say."""
    paths = sorted((THREE_DOMAINS_DATA / "cards").glob("*.yml"))
    return [yaml.safe_load(path.read_text(encoding="utf-8")) for path in paths]


def money(total_meur: float, code: str) -> str:
    """An amount as the reader sees it, spelled out independently of factsheets.i18n (whole millions only)."""
    assert total_meur == int(total_meur), "this helper knows whole millions only"
    grouped = f"{int(total_meur):,}"
    if code == "nl":
        return f"€ {grouped.replace(',', '.')} miljoen"
    return f"€{grouped} million"


def counted_once(cards: list[dict[str, Any]]) -> float:
    """The cards' budgets together as written, a flagship left out when its programme here includes it."""
    including = {card["id"] for card in cards if card["budget"].get("includes_flagships")}
    return sum(card["budget"]["total_meur"] for card in cards if card.get("parent") not in including)


def fixture_portfolio(data: Path) -> Path:
    """``data``: a copy of the three-domain portfolio's data folder."""
    shutil.copytree(THREE_DOMAINS_DATA, data)
    return data


def three_domain_project(target: Path) -> Path:
    """A project folder to build: the code's templates, the fixture's content pages, the three-domain data."""
    project = make_project(target, FIXTURE)
    shutil.rmtree(project / "data")
    fixture_portfolio(project / "data")
    return project


# --- isolation ------------------------------------------------------------------------------------------


PYTEST_OWN = {"PYTEST_CURRENT_TEST"}  # pytest's note of the phase it is in


@pytest.fixture(autouse=True)
def _environment_left_as_found() -> Iterator[None]:
    before = {name: value for name, value in os.environ.items() if name not in PYTEST_OWN}
    yield
    after = {name: value for name, value in os.environ.items() if name not in PYTEST_OWN}
    changed = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
    assert changed == [], f"the test left these environment variables changed: {changed}"


@pytest.fixture(scope="session", autouse=True)
def _caches(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Where the tests' caches go; also the cache of builds that module and session fixtures make
    before any test's own cache folder is set."""
    caches = tmp_path_factory.mktemp("caches")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FACTSHEETS_CACHE_DIR", str(caches / "fixtures"))
        yield caches


@pytest.fixture(autouse=True)
def _own_cache(
    _environment_left_as_found: None, _caches: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cache folder for this test alone, for every build that is not given one."""
    name = hashlib.sha256(request.node.nodeid.encode()).hexdigest()[:16]
    monkeypatch.setenv("FACTSHEETS_CACHE_DIR", str(_caches / name))


# --- data folders -----------------------------------------------------------------------------------------


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """``tmp_path/data`` with a copy of the fixture's ``data/site.yml`` and an empty ``cards/`` folder.

    Pass ``root=tmp_path`` to load_portfolio so problems name files as ``data/cards/<id>.yml``.
    """
    data = tmp_path / "data"
    (data / "cards").mkdir(parents=True)
    shutil.copy(FIXTURE_DATA / "site.yml", data / "site.yml")
    return data


@pytest.fixture
def fixture_data(tmp_path: Path) -> Path:
    """A copy of the three-domain portfolio's data folder that the test may change."""
    return fixture_portfolio(tmp_path / "data")


# --- the fixture portfolio, built once ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def pdf_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The cache of the session's shared build: later builds of unchanged cards copy it and reuse its sheets."""
    return tmp_path_factory.mktemp("pdf-cache")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory, pdf_cache: Path) -> Path:
    """The three-domain portfolio built once, for real (MkDocs and WeasyPrint), into a temporary folder."""
    return build_three_domains(tmp_path_factory, pdf_cache)


def build_three_domains(tmp_path_factory: pytest.TempPathFactory, pdf_cache: Path, offline: bool = False) -> Path:
    """The three-domain portfolio built into a temporary folder (``offline``: as ``build.py --offline`` builds it)."""
    from factsheets.publish import build_site
    from factsheets.validate import load_portfolio

    project = three_domain_project(tmp_path_factory.mktemp("project"))
    out = tmp_path_factory.mktemp("built") / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        build_site(load_portfolio(project / "data", project), project, out, pdf_cache, offline=offline)
    return out


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".yml": "text/yaml",  # as static hosts serve it
    }

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serving(directory: Path) -> Iterator[str]:
    """``directory`` served as a static host would, on 127.0.0.1 (any free port) from a background thread."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]  # fmt: skip


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One Chromium for the whole session: Playwright's sync API allows one instance per process."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
