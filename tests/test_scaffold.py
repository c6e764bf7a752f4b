"""build.py new: a card with every field, and check then lists exactly what is left to fill in."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from portfolios import FIXTURE_DATA

from factsheets.model import Card
from factsheets.problems import BuildError, InvalidInput
from factsheets.scaffold import write_new_card
from factsheets.validate import load_portfolio

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ["nl", "en"]
TEXT_FIELDS = ["domain", "subdomain", "title", "project_name", "summary", "relevance", "dutch_partnerships",
               "european_partnerships"]  # fmt: skip
NUMBER_FIELDS = [
    "budget.total_meur", "timeline.start", "timeline.end", "shares.capital", "shares.rnd",
    "shares.public", "shares.private", "readiness.trl.min", "readiness.trl.max", "readiness.market",
]  # fmt: skip


@pytest.fixture
def portfolio_dir(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, data)
    return data


def test_a_new_flagship_has_every_field_of_the_model(portfolio_dir):
    path = write_new_card(portfolio_dir / "cards", "nieuw", "flagship", "biotech-nexus", LANGUAGES)
    data = yaml.safe_load(path.read_text())
    assert set(data) == set(Card.model_fields)
    assert data["id"] == "nieuw" and data["parent"] == "biotech-nexus"
    assert path.read_text().startswith("# yaml-language-server: $schema=../schema/card.schema.json")


def test_every_field_is_commented_with_its_description(portfolio_dir):
    text = write_new_card(portfolio_dir / "cards", "nieuw", "flagship", "biotech-nexus", LANGUAGES).read_text()
    for field in Card.model_fields.values():
        assert f"# {field.description}" in text


def test_check_lists_exactly_the_unfilled_fields(portfolio_dir, tmp_path):
    write_new_card(portfolio_dir / "cards", "nieuw", "flagship", "biotech-nexus", LANGUAGES)
    with pytest.raises(InvalidInput) as raised:
        load_portfolio(portfolio_dir, tmp_path)
    problems = raised.value.problems
    assert all(problem.file == "data/cards/nieuw.yml" for problem in problems)
    assert [p.field for p in problems] == TEXT_FIELDS + NUMBER_FIELDS
    assert {p.message for p in problems if p.field in TEXT_FIELDS} == {"the text in nl, en is empty"}
    assert {p.message for p in problems if p.field in NUMBER_FIELDS} == {"is empty: fill it in"}


def test_a_new_programme_has_no_parent(portfolio_dir):
    data = yaml.safe_load(write_new_card(portfolio_dir / "cards", "nieuw", "programme", None, LANGUAGES).read_text())
    assert "parent" not in data and data["kind"] == "programme"


@pytest.mark.parametrize(
    ("card_id", "kind", "parent", "message"),
    [
        ("atmp", "flagship", "biotech-nexus", "already exists"),
        ("../evil", "flagship", "biotech-nexus", "not a valid id"),
        ("Bad_Id", "flagship", "biotech-nexus", "not a valid id"),
        ("nieuw", "flagship", None, "needs --parent"),
        ("nieuw", "flagship", "nope", "no card with id 'nope'"),
        ("nieuw", "programme", "biotech-nexus", "a programme has no parent"),
    ],
)
def test_new_refuses_bad_requests_and_writes_nothing(portfolio_dir, card_id, kind, parent, message):
    before = sorted(p.name for p in (portfolio_dir / "cards").iterdir())
    with pytest.raises(BuildError, match=message):
        write_new_card(portfolio_dir / "cards", card_id, kind, parent, LANGUAGES)
    assert sorted(p.name for p in (portfolio_dir / "cards").iterdir()) == before


def test_the_command_writes_the_card_and_check_then_fails(portfolio_dir):
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "build.py", *args, "--data", str(portfolio_dir)], cwd=ROOT,
                              capture_output=True, text=True)  # fmt: skip

    created = run("new", "nieuw", "--kind", "flagship", "--parent", "biotech-nexus")
    assert created.returncode == 0, created.stderr
    assert (portfolio_dir / "cards" / "nieuw.yml").exists()
    checked = run("check")
    assert checked.returncode == 1
    assert "nieuw.yml:" in checked.stderr and "budget.total_meur: is empty: fill it in" in checked.stderr
    again = run("new", "nieuw", "--parent", "biotech-nexus")
    assert again.returncode == 1 and "already exists" in again.stderr and "Traceback" not in again.stderr
