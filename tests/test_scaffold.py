"""build.py new: a card with the fields to fill in, a printed guide to them, check then lists exactly what is left,
and once filled in the card is written the form editor's way."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from portfolios import FIXTURE_DATA

from factsheets.cardfile import card_yaml, formatting_problems
from factsheets.messages import speaking
from factsheets.model import Card
from factsheets.problems import BuildError, InvalidInput
from factsheets.scaffold import fill_in_guide, write_new_card
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


def test_a_new_flagship_has_every_required_field_and_its_parent(portfolio_dir):
    path = write_new_card(portfolio_dir / "cards", "nieuw", "flagship", "biotech-nexus", LANGUAGES)
    data = yaml.safe_load(path.read_text())
    required = {name for name, field in Card.model_fields.items() if field.is_required()}
    assert set(data) == required | {"parent"}
    assert data["id"] == "nieuw" and data["parent"] == "biotech-nexus"
    assert data["title"] == {"nl": "", "en": ""} and data["budget"] == {"total_meur": None}
    assert path.read_text().startswith("# yaml-language-server: $schema=../schema/card.schema.json\n\nid: nieuw\n")


FILLED = {
    "total_meur": "120",
    "start": "2026",
    "end": "2030",
    "capital": "60",
    "rnd": "40",
    "public": "50",
    "private": "50",
    "min": "3",
    "max": "5",
    "market": "exploration",
}
"""A value for every empty field of a new card that is not a text, as an editor types it."""


def fill_in(text: str) -> str:
    """The new card with every empty field typed in, line by line, as an editor does it in a text editor."""
    lines = []
    for line in text.splitlines():
        key = line.strip().removesuffix(":")
        if line.endswith(': ""'):
            line = line.replace('""', "Een tekst")
        elif line.endswith(":") and key in FILLED:
            line = f"{line} {FILLED[key]}"
        lines.append(line)
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("kind", ["programme", "flagship"])
def test_a_new_card_filled_in_is_written_the_form_editors_way(portfolio_dir, tmp_path, kind):
    """No layout warning once filled in: the form saves it later changing only the fields that change."""
    parent = "biotech-nexus" if kind == "flagship" else None
    path = write_new_card(portfolio_dir / "cards", "nieuw", kind, parent, LANGUAGES)
    path.write_text(fill_in(path.read_text()))
    portfolio = load_portfolio(portfolio_dir, tmp_path)
    assert "nieuw" in {card.id for card in portfolio.cards}
    assert formatting_problems(portfolio_dir / "cards", tmp_path) == []
    assert path.read_text() == card_yaml(yaml.safe_load(path.read_text()))


def test_the_guide_names_every_field_to_fill_in_with_the_forms_words():
    with speaking("nl"):
        guide = fill_in_guide("programme", LANGUAGES).splitlines()
    assert guide[0].startswith("Vul in (elke tekst in elke taal: nl, en)")
    fields = [line.split(":")[0].strip() for line in guide[1:-1]]
    assert fields == TEXT_FIELDS + NUMBER_FIELDS[:1] + ["budget.includes_flagships"] + NUMBER_FIELDS[1:]
    assert "  budget.total_meur: Totaal in miljoen euro. Groter dan 0; 1350 betekent € 1.350 miljoen." in guide
    assert guide[-2].endswith("[exploration | partly_operational | operational]")
    assert guide[-1].endswith("order, preconditions, organisations, key_figures, sources, unconfirmed")
    with speaking("en"):
        assert "  title: Title. The card's heading." in fill_in_guide("flagship", LANGUAGES).splitlines()


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

    created = run("new", "nieuw", "--kind", "flagship", "--parent", "biotech-nexus", "--lang", "en")
    assert created.returncode == 0, created.stderr
    assert "  readiness.trl.min: TRL from. The lowest level." in created.stdout.splitlines()
    assert (portfolio_dir / "cards" / "nieuw.yml").exists()
    checked = run("check")
    assert checked.returncode == 1
    assert "nieuw.yml:" in checked.stderr and "budget.total_meur: is empty: fill it in" in checked.stderr
    again = run("new", "nieuw", "--parent", "biotech-nexus")
    assert again.returncode == 1 and "already exists" in again.stderr and "Traceback" not in again.stderr
