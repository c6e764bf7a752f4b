"""Property-based tests: check never raises an unhandled exception, and every valid card renders."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from portfolios import FIXTURE_DATA

from factsheets.problems import InvalidInput
from factsheets.render import Renderer
from factsheets.validate import load_portfolio

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BASE = yaml.safe_load((FIXTURE_DATA / "cards" / "infectieziekten.yml").read_text())


def check(files: dict[str, str | bytes]) -> Any:
    """Run validation on a portfolio of the real programme plus ``files``; return the Portfolio or problems."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        (data / "cards").mkdir(parents=True)
        shutil.copy(FIXTURE_DATA / "site.yml", data / "site.yml")
        shutil.copy(FIXTURE_DATA / "cards" / "biotech-nexus.yml", data / "cards")
        for name, content in files.items():
            path = data / "cards" / name
            path.write_bytes(content if isinstance(content, bytes) else content.encode())
        try:
            return load_portfolio(data, Path(tmp))
        except InvalidInput as invalid:
            assert invalid.problems, "InvalidInput without problems"
            for problem in invalid.problems:
                assert problem.line >= 1 and problem.col >= 1 and "\n" not in str(problem)
            return invalid.problems


scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30))
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


def paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*prefix, index))
    return found


@SETTINGS
@given(st.binary(max_size=400))
def test_any_bytes_give_problems_not_exceptions(content):
    check({"infectieziekten.yml": content})


@SETTINGS
@given(st.text(max_size=400))
def test_any_text_gives_problems_not_exceptions(content):
    check({"infectieziekten.yml": content})


@SETTINGS
@given(st.data())
def test_a_mutated_real_card_gives_problems_not_exceptions(data):
    card = yaml.safe_load(yaml.safe_dump(BASE))
    target = data.draw(st.sampled_from(paths(card)[1:]))
    parent = card
    for key in target[:-1]:
        parent = parent[key]
    parent[target[-1]] = data.draw(values)
    check({"infectieziekten.yml": yaml.safe_dump(card, allow_unicode=True)})


texts = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=200).filter(str.strip)


@st.composite
def valid_cards(draw: st.DrawFn) -> dict[str, Any]:
    start = draw(st.integers(1990, 2100))
    trl_min = draw(st.integers(1, 9))
    capital, public = draw(st.integers(0, 100)), draw(st.integers(0, 100))
    text = {"nl": draw(texts), "en": draw(texts)}
    card = yaml.safe_load(yaml.safe_dump(BASE))
    card.update(
        title=text, summary={"nl": draw(texts), "en": draw(texts)},
        budget={"total_meur": draw(st.floats(0.01, 20_000))},  # within what the programme includes
        timeline={"start": start, "end": draw(st.integers(start, 2200))},
        shares={"capital": capital, "rnd": 100 - capital, "public": public, "private": 100 - public},
        readiness={"trl": {"min": trl_min, "max": draw(st.integers(trl_min, 9))},
                   "market": draw(st.sampled_from(["exploration", "partly_operational", "operational"]))},
        organisations=[{"name": draw(texts), "role": dict(text)}],
    )  # fmt: skip
    return card


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_cards())
def test_every_valid_card_renders_as_page_and_sheet(card):
    portfolio = check({"infectieziekten.yml": yaml.safe_dump(card, allow_unicode=True)})
    assert not isinstance(portfolio, list), portfolio
    renderer = Renderer(portfolio, ROOT / "templates")
    rendered = portfolio.card("infectieziekten")
    for code in portfolio.languages:
        page = renderer.card_page(rendered, code)
        sheet = renderer.sheet_html(rendered, code)
        assert page.startswith("---\n") and "<script" not in page.split("---", 2)[2].lower()
        assert sheet.count('class="fs-sheet"') == 1
