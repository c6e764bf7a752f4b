"""A card's history from git, and the card page's "Last changed" and change table, on a project of the tests' own.

The three-domain portfolio is committed in a throw-away git repository with dates set by hand; then a
budget, a readiness level and a market level change in commits of their own, and a text-only change in
another card.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import fixture_settings, three_domain_project

from factsheets.history import CardHistory, Change, card_histories

LABELS = fixture_settings()["labels"]


def git(project: Path, *arguments: str, date: str = "2026-01-10") -> None:
    stamp = f"{date}T12:00:00+00:00"
    environment = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    identity = ["-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", *identity, *arguments], cwd=project, env=environment, check=True, capture_output=True)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path.name} any more"
    path.write_text(text.replace(old, new), encoding="utf-8")


def commit(project: Path, message: str, date: str) -> None:
    git(project, "add", "-A", date=date)
    git(project, "commit", "-q", "-m", message, date=date)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = three_domain_project(tmp_path_factory.mktemp("history") / "project")
    git(project, "init", "-q")
    commit(project, "the portfolio", "2026-01-10")
    cards = project / "data" / "cards"
    edit(cards / "beta.yml", "total_meur: 400", "total_meur: 450")
    edit(cards / "beta.yml", "  trl:\n    min: 4\n    max: 9", "  trl:\n    min: 4\n    max: 8")
    commit(project, "beta: a larger budget, a lower top TRL", "2026-03-05")
    edit(cards / "alpha.yml", "Betere zorg", "Nog betere zorg")
    commit(project, "alpha: a text", "2026-04-01")
    edit(cards / "beta.yml", "market: exploration", "market: partly_operational")
    commit(project, "beta: further along", "2026-05-02")
    return project


def test_a_project_outside_git_has_no_history(tmp_path):
    project = three_domain_project(tmp_path / "project")
    assert card_histories(project, ["alpha", "beta"]) == {"alpha": CardHistory(), "beta": CardHistory()}


def test_the_last_change_is_the_last_commit_that_changed_the_cards_file(project):
    histories = card_histories(project, ["alpha", "beta", "gamma-never-committed"])
    assert histories["alpha"].last_changed == "2026-04-01"
    assert histories["beta"].last_changed == "2026-05-02"
    assert histories["gamma-never-committed"] == CardHistory()


def test_the_changes_are_the_budget_dates_and_readiness_newest_first(project):
    histories = card_histories(project, ["alpha", "beta"])
    assert histories["beta"].changes == (
        Change("2026-05-02", "mrl", ("exploration",), ("partly_operational",)),
        Change("2026-03-05", "budget", (400,), (450,)),
        Change("2026-03-05", "trl", (4, 9), (4, 8)),
    )
    assert histories["alpha"].changes == ()  # its text changed, nothing it follows


def history_through_an_unreadable_version(tmp_path: Path, unreadable: str | Callable[[str], str]) -> CardHistory:
    """beta's history: committed, then as ``unreadable`` (2026-02-01), then valid with a larger budget (2026-02-02)."""
    project = three_domain_project(tmp_path / "project")
    git(project, "init", "-q")
    commit(project, "the portfolio", "2026-01-10")
    beta = project / "data" / "cards" / "beta.yml"
    good = beta.read_text(encoding="utf-8")
    beta.write_text(unreadable(good) if callable(unreadable) else unreadable, encoding="utf-8")
    commit(project, "unreadable", "2026-02-01")
    beta.write_text(good.replace("total_meur: 400", "total_meur: 500"), encoding="utf-8")
    commit(project, "readable again, and larger", "2026-02-02")
    return card_histories(project, ["beta"])["beta"]


def test_a_version_that_is_not_yaml_is_passed_over(tmp_path):
    history = history_through_an_unreadable_version(tmp_path, "budget: [unclosed\n")
    assert history.last_changed == "2026-02-02"
    assert history.changes == (Change("2026-02-02", "budget", (400,), (500,)),)


def test_a_version_with_an_alias_bomb_is_passed_over_not_expanded(tmp_path):
    # Any commit of a pull request reaches the preview's history: it is read as strictly as a card.
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + level)}: &{chr(98 + level)} [{', '.join([f'*{chr(97 + level)}'] * 9)}]\n" for level in range(12)
    )
    history = history_through_an_unreadable_version(
        tmp_path, lambda good: good.replace("total_meur: 400", "total_meur: 450") + bomb
    )
    assert history.changes == (Change("2026-02-02", "budget", (400,), (500,)),)


# --- on the built card pages --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from factsheets.publish import build_site
    from factsheets.validate import load_portfolio

    out = tmp_path_factory.mktemp("history-site") / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        build_site(load_portfolio(project / "data", project), project, out, tmp_path_factory.mktemp("cache"))
    return out


def history_of(page: Path):
    from test_site import parse

    return parse(page).find("section", cls="fs-history")


@pytest.mark.parametrize(
    ("code", "page", "date"), [("nl", "projecten/beta/", "2 mei 2026"), ("en", "en/projecten/beta/", "May 2, 2026")]
)
def test_a_card_page_says_when_it_last_changed_and_what_changed_when(built, code, page, date):
    section = history_of(built / page / "index.html")
    last = section.find("p", cls="fs-last-changed")
    assert last.text() == f"{LABELS['last_changed'][code]}: {date}"
    assert last.find("time").attrs["datetime"] == "2026-05-02"
    table = section.find("table")
    assert table.find("caption").text() == LABELS["changes_caption"][code]
    rows = [[cell.text() for cell in row.find_all("td")] for row in table.find("tbody").find_all("tr")]
    budget = {"nl": ("€ 400 miljoen", "€ 450 miljoen"), "en": ("€400 million", "€450 million")}[code]
    market = [LABELS[f"market.{level}"][code] for level in ("exploration", "partly_operational")]
    assert [row[1:] for row in rows] == [
        [LABELS["mrl"][code], *market],
        [LABELS["budget"][code], *budget],
        [LABELS["trl"][code], "4–9", "4–8"],
    ]


def test_a_card_whose_text_alone_changed_shows_the_date_and_no_table(built):
    section = history_of(built / "projecten" / "alpha" / "index.html")
    assert section.find("time").attrs["datetime"] == "2026-04-01"
    assert section.find_all("table") == []


def test_a_site_built_outside_git_shows_no_history(built_site):
    from test_site import parse

    assert parse(built_site / "projecten" / "beta" / "index.html").find_all("section", cls="fs-history") == []


def test_the_open_data_catalogue_is_dated_by_the_cards_first_and_last_commits(built):
    """Without a day of publication in site.yml, the open data was issued with its first card's commit."""
    from rdflib import RDF, XSD, Graph, Literal, Namespace
    from rdflib.namespace import DCTERMS

    graph = Graph().parse(data=(built / "catalog.jsonld").read_text(encoding="utf-8"), format="json-ld")
    (dataset,) = graph.subjects(RDF.type, Namespace("http://www.w3.org/ns/dcat#").Dataset)
    assert graph.value(dataset, DCTERMS.issued) == Literal("2026-01-10", datatype=XSD.date)
    assert graph.value(dataset, DCTERMS.modified) == Literal("2026-05-02", datatype=XSD.date)
