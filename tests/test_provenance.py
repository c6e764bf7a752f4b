"""Provenance and unconfirmed values: the model's rules, and the marking everywhere a value appears.

The fixture portfolio lists sources on two cards and marks three kinds of values
unconfirmed: Infectieziekten's Kapitaal | R&D split and its budget, and one key
figure of Precision Diagnostics. Every assertion is about that fixture: pages
parsed as HTML, sheets read back with pypdf, the open data as JSON and CSV.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import pytest
import tinyhtml5
import yaml
from portfolios import FIXTURE, FIXTURE_DATA, built_portfolio
from pypdf import PdfReader

from factsheets.i18n import Language
from factsheets.problems import InvalidInput
from factsheets.provenance import numeric_facts
from factsheets.render import Renderer
from factsheets.validate import Portfolio, load_portfolio

ROOT = Path(__file__).resolve().parent.parent
SPLIT = {"nl": "verdeling nog niet bevestigd", "en": "split not yet confirmed"}
AMOUNT = {"nl": "bedrag nog niet bevestigd", "en": "amount not yet confirmed"}
ESTIMATE = {"nl": "schatting nog niet bevestigd", "en": "estimate not yet confirmed"}
LABELS = yaml.safe_load((FIXTURE_DATA / "site.yml").read_text(encoding="utf-8"))["labels"]


# --- helpers ---------------------------------------------------------------------------------------------


def words(text: str) -> str:
    return " ".join(text.split())


def text(element: Element) -> str:
    return words("".join(element.itertext()))


def parse(html: str) -> Element:
    return tinyhtml5.parse(html, namespace_html_elements=False)


def blocks(root: Element, name: str) -> list[Element]:
    return [element for element in root.iter() if element.get("data-block") == name]


def with_class(root: Element, name: str) -> list[Element]:
    return [element for element in root.iter() if name in element.get("class", "").split()]


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture portfolio (``tests/fixtures/portfolio``), built for real with MkDocs and WeasyPrint."""
    return built_portfolio(tmp_path_factory.getbasetemp())


@pytest.fixture(scope="module")
def manifest(built_site: Path) -> dict[str, Any]:
    return json.loads((built_site / "portfolio.json").read_text(encoding="utf-8"))


def card_entry(manifest: dict[str, Any], card_id: str) -> dict[str, Any]:
    return next(card for card in manifest["cards"] if card["id"] == card_id)


def page(built_site: Path, manifest: dict[str, Any], card_id: str, code: str) -> Element:
    url = card_entry(manifest, card_id)["urls"][code]["page"]
    return parse((built_site / url / "index.html").read_text(encoding="utf-8"))


def home(built_site: Path, manifest: dict[str, Any], code: str) -> Element:
    prefix = "" if code == manifest["default_language"] else f"{code}/"
    return parse((built_site / prefix / "index.html").read_text(encoding="utf-8"))


def sheet_text(built_site: Path, manifest: dict[str, Any], card_id: str, code: str) -> str:
    reader = PdfReader(built_site / card_entry(manifest, card_id)["urls"][code]["pdf"])
    return words(" ".join(page.extract_text() for page in reader.pages))


def row_of(table: Element, title: str) -> Element:
    rows = [row for row in table.iter("tr") if any(text(a) == title for a in row.iter("a"))]
    assert len(rows) == 1, title
    return rows[0]


def fixture_card(data_dir: Path, name: str, edit: tuple[str, str] | None = None, extra: str = "") -> Path:
    """Copy a fixture card into ``data_dir`` (with its programme), optionally editing its text."""
    for card in {"biotech-nexus.yml", name}:
        source = (FIXTURE_DATA / "cards" / card).read_text(encoding="utf-8")
        if card == name:
            if edit:
                assert edit[0] in source
                source = source.replace(edit[0], edit[1])
            source += extra
        (data_dir / "cards" / card).write_text(source, encoding="utf-8")
    return data_dir / "cards" / name


def problems(data_dir: Path, file: str = "data/cards/atmp.yml") -> list[str]:
    """The problems reported in ``file`` (its programme then misses a flagship, which is reported there)."""
    with pytest.raises(InvalidInput) as raised:
        load_portfolio(data_dir, data_dir.parent)
    return [str(problem) for problem in raised.value.problems if problem.file == file]


def line_of(path: Path, fragment: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if fragment in line)


# --- the model -------------------------------------------------------------------------------------------


def test_a_plain_source_title_is_the_same_in_every_language(data_dir: Path) -> None:
    fixture_card(data_dir, "atmp.yml", extra="\nsources:\n  - title: Projectkaarten\n    date: 2025\n    page: 4\n")
    card = load_portfolio(data_dir, data_dir.parent).card("atmp")
    assert card.sources[0].title == {"nl": "Projectkaarten", "en": "Projectkaarten"}
    # Unquoted numbers are read as the text they were meant to be.
    assert (card.sources[0].date, card.sources[0].page) == ("2025", "4")


@pytest.mark.parametrize("date", ["2025-10-01", "2025-10", '"2025"'])
def test_a_source_date_is_a_year_a_month_or_a_day(data_dir: Path, date: str) -> None:
    fixture_card(data_dir, "atmp.yml", extra=f"\nsources:\n  - title: Projectkaarten\n    date: {date}\n")
    card = load_portfolio(data_dir, data_dir.parent).card("atmp")
    assert card.sources[0].date == date.strip('"')


def test_a_source_date_in_words_is_reported_at_its_place(data_dir: Path) -> None:
    path = fixture_card(data_dir, "atmp.yml", extra="\nsources:\n  - title: Projectkaarten\n    date: oktober 2025\n")
    line = line_of(path, "date: oktober 2025")
    assert problems(data_dir) == [
        f"data/cards/atmp.yml:{line}:11: sources[0].date: expected a year, year-month or date: "
        "2025, 2025-10 or 2025-10-01"
    ]


def test_numeric_facts_are_every_number_on_the_card_but_its_order() -> None:
    card = load_portfolio(FIXTURE_DATA, FIXTURE).card("precision-diagnostics")
    facts = numeric_facts(card)
    assert facts["budget.total_meur"] == card.budget.total_meur
    assert facts["shares.public"] == card.shares.public
    assert facts["readiness.trl.max"] == card.readiness.trl.max
    assert facts["key_figures[1].value"] == card.key_figures[1].value
    assert "order" not in facts and "budget.includes_flagships" not in facts


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("shares.capitol", "'shares.capitol' is not a number on this card; did you mean 'shares.capital'?"),
        ("key_figures[0].value", "'key_figures[0].value' is not a number on this card; the numbers on this card are: "),
        ("title", "'title' is not a number on this card; the numbers on this card are: budget.total_meur, "),
    ],
)
def test_an_unconfirmed_path_must_name_a_number_on_the_card(data_dir: Path, path: str, message: str) -> None:
    extra = f'\nunconfirmed:\n  - fields: [shares.public, "{path}"]\n    note: {{nl: open, en: open}}\n'
    card = fixture_card(data_dir, "atmp.yml", extra=extra)
    line = line_of(card, "fields: [shares.public")
    [problem] = problems(data_dir)
    assert problem.startswith(f"data/cards/atmp.yml:{line}:29: unconfirmed[0].fields[1]: {message}")


def test_a_value_marked_unconfirmed_twice_is_reported(data_dir: Path) -> None:
    extra = (
        "\nunconfirmed:\n  - fields: [shares.public]\n    note: {nl: a, en: a}\n"
        "  - fields: [shares.public]\n    note: {nl: b, en: b}\n"
    )
    card = fixture_card(data_dir, "atmp.yml", extra=extra)
    line = line_of(card, "  - fields: [shares.public]") + 2
    assert problems(data_dir) == [
        f"data/cards/atmp.yml:{line}:14: unconfirmed[1].fields[0]: 'shares.public' is already marked unconfirmed"
    ]


def test_the_unconfirmed_command_lists_every_value_with_its_place_and_note(tmp_path: Path) -> None:
    data = shutil.copytree(FIXTURE_DATA, tmp_path / "data")
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "unconfirmed", "--data", str(data), "--lang", "nl"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    infectieziekten = data / "cards" / "infectieziekten.yml"
    precision = data / "cards" / "precision-diagnostics.yml"
    located = [re.sub(r"^.*?(\w[\w-]*\.yml):", r"\1:", line) for line in lines[:-1]]
    # Each value is reported where its path is listed (block style: "      - <path>", column 9).
    assert located == [
        f"infectieziekten.yml:{line_of(infectieziekten, '- shares.capital')}:9: shares.capital = 0: {SPLIT['nl']}",
        f"infectieziekten.yml:{line_of(infectieziekten, '- shares.rnd')}:9: shares.rnd = 100: {SPLIT['nl']}",
        f"infectieziekten.yml:{line_of(infectieziekten, '- budget.total_meur')}:9: budget.total_meur = 1150: "
        f"{AMOUNT['nl']}",
        f"precision-diagnostics.yml:{line_of(precision, '- key_figures[1]')}:9: "
        f"key_figures[1].value = 100: {ESTIMATE['nl']}",
    ]
    assert lines[-1].startswith("4 onbevestigde waarde(n) in ")


def test_the_unconfirmed_command_speaks_the_editors_language(tmp_path: Path) -> None:
    data = shutil.copytree(FIXTURE_DATA, tmp_path / "data")
    command = [sys.executable, str(ROOT / "build.py"), "unconfirmed", "--data", str(data), "--lang", "en"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].endswith(f"shares.capital = 0: {SPLIT['en']}")
    assert lines[-1].startswith("4 unconfirmed value(s) in ")


# --- components, rendered alone -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    portfolio: Portfolio = load_portfolio(FIXTURE_DATA, FIXTURE)
    return Renderer(portfolio, ROOT / "templates")


def component(renderer: Renderer, name: str, params: Any, code: str = "nl") -> Element:
    template = renderer.env.from_string(
        f'{{% import "components/{name}.html.j2" as c with context %}}{{{{ c.render(params) }}}}'
    )
    html = template.render(lang=Language(code, renderer.portfolio.settings.labels), params=params)
    return parse(html)


def test_timeline_and_readiness_carry_the_note_after_their_value(renderer: Renderer) -> None:
    timeline = component(
        renderer, "timeline", {"start": 2026, "end": 2030, "scale_start": 2025, "scale_end": 2035, "end_note": "n1"}
    )
    years = text(with_class(timeline, "fs-timeline__years")[0])
    assert years == f"{LABELS['start']['nl']} 2026 {LABELS['end']['nl']} 2030 (n1)"
    readiness = component(renderer, "readiness", {"trl_min": 6, "trl_max": 7, "trl_note": "n2", "market": "x"})
    assert text(with_class(readiness, "fs-readiness__value")[0]) == "6 – 7 (n2)"


def test_a_key_figure_states_its_qualifier_and_its_note(renderer: Renderer) -> None:
    params = {"items": [{"value": "€ 100 miljoen", "qualifier": "circa", "label": "potentieel", "year": None,
                         "source": "", "note": "n3"}]}  # fmt: skip
    figures = component(renderer, "key_figures", params)
    assert text(next(figures.iter("li"))) == "circa € 100 miljoen (n3) potentieel"


def test_no_sources_no_block(renderer: Renderer) -> None:
    assert not blocks(component(renderer, "sources", {"items": []}), "sources")


def test_a_source_with_every_part(renderer: Renderer) -> None:
    params = {"items": [{"title": "Kaarten", "date": "2025-10", "page": "3", "url": "https://example.org/k",
                         "note": "Zonder logo's."}]}  # fmt: skip
    [block] = blocks(component(renderer, "sources", params), "sources")
    assert text(block) == "Bronnen Kaarten, 2025-10, blz. 3. Zonder logo's."
    assert [a.get("href") for a in block.iter("a")] == ["https://example.org/k"]


# --- the card's page --------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["nl", "en"])
def test_the_page_marks_the_unconfirmed_split_in_words_and_in_its_aria_label(
    built_site: Path, manifest: dict[str, Any], code: str
) -> None:
    document = page(built_site, manifest, "infectieziekten", code)
    [shares] = blocks(document, "shares")
    labels = [bar.get("aria-label") for bar in with_class(shares, "fs-split__bar")]
    capital, rnd, public, private = (LABELS[key][code] for key in ("capital", "rnd", "public", "private"))
    assert labels[0].endswith(f"{rnd} 100% ({SPLIT[code]})") and labels[0].startswith(f"{capital} 0%")
    assert labels[1] == f"{public} 30%, {private} 70%", "the confirmed split carries no note"
    assert [text(note) for note in with_class(shares, "fs-unconfirmed")] == [f"({SPLIT[code]})"]
    [budget] = blocks(document, "budget")
    assert text(budget).endswith(f"({AMOUNT[code]})")


@pytest.mark.parametrize("code", ["nl", "en"])
def test_the_page_marks_an_unconfirmed_key_figure(built_site: Path, manifest: dict[str, Any], code: str) -> None:
    [figures] = blocks(page(built_site, manifest, "precision-diagnostics", code), "key_figures")
    marked = [text(item) for item in figures.iter("li") if with_class(item, "fs-unconfirmed")]
    assert len(marked) == 1 and f"({ESTIMATE[code]})" in marked[0]


def test_a_card_with_nothing_unconfirmed_has_no_note(built_site: Path, manifest: dict[str, Any]) -> None:
    for code in manifest["languages"]:
        assert not with_class(page(built_site, manifest, "atmp", code), "fs-unconfirmed")


@pytest.mark.parametrize("code", ["nl", "en"])
def test_the_page_lists_its_sources(built_site: Path, manifest: dict[str, Any], code: str) -> None:
    [block] = blocks(page(built_site, manifest, "infectieziekten", code), "sources")
    note = {"nl": "De markeringen bij Randvoorwaarden zijn niet overgenomen.",
            "en": "The precondition marks were not carried over."}[code]  # fmt: skip
    second = {"nl": "Toelichting bij de kaart", "en": "Notes on the card"}[code]
    page_label = LABELS["source_page"][code].format(page="3")
    items = [text(item) for item in block.iter("li")]
    assert items == [f"Projectkaarten Life sciences en Biotech, 2025-10, {page_label}. {note}", second]
    assert [a.get("href") for a in block.iter("a")] == ["https://example.org/toelichting"]
    assert not blocks(page(built_site, manifest, "atmp", code), "sources"), "a card without sources has no block"


@pytest.mark.parametrize("code", ["nl", "en"])
def test_the_organisations_say_where_their_names_come_from(built_site: Path, manifest: dict[str, Any], code: str):
    [block] = blocks(page(built_site, manifest, "infectieziekten", code), "organisations")
    assert text(with_class(block, "fs-organisations__note")[0]) == LABELS["organisations_note"][code]


# --- everywhere else the values appear ----------------------------------------------------------------------


@pytest.mark.parametrize("code", ["nl", "en"])
def test_listings_mark_an_unconfirmed_budget(built_site: Path, manifest: dict[str, Any], code: str) -> None:
    title = card_entry(manifest, "infectieziekten")["title"][code]
    overview = home(built_site, manifest, code)
    table = next(t for t in overview.iter("table") if t.get("id") == "comparison")
    size = row_of(table, title).findall("td")[2]
    assert text(size).endswith(f"({AMOUNT[code]})")
    other = row_of(table, card_entry(manifest, "atmp")["title"][code]).findall("td")[2]
    assert not with_class(other, "fs-unconfirmed")
    # The chart is SVG: its elements are in the SVG namespace.
    [description] = [text(e) for e in overview.iter() if e.tag.endswith("desc") and e.get("id") == "budget-chart-desc"]
    assert f"{title}: " in description and f"({AMOUNT[code]})" in description
    # The programme's flagship table: the flagship's row and the sum it is part of.
    programme = page(built_site, manifest, "biotech-nexus", code)
    [flagships] = blocks(programme, "flagships")
    assert text(row_of(flagships, title)).endswith(f"({AMOUNT[code]})")
    assert text(next(flagships.iter("tfoot"))).endswith(f"({AMOUNT[code]})")
    [budget] = blocks(programme, "budget")
    assert text(with_class(budget, "fs-budget__includes")[0]).endswith(f"({AMOUNT[code]}))")


@pytest.mark.parametrize("code", ["nl", "en"])
def test_the_sheet_marks_unconfirmed_values_and_lists_sources(
    built_site: Path, manifest: dict[str, Any], code: str
) -> None:
    sheet = sheet_text(built_site, manifest, "infectieziekten", code)
    assert f"({SPLIT[code]})" in sheet
    assert f"({AMOUNT[code]})" in sheet
    assert LABELS["sources"][code] in sheet and LABELS["source_page"][code].format(page="3") in sheet
    assert "https://example.org/toelichting" in sheet, "paper prints the address a link would follow"
    assert LABELS["organisations_note"][code] in sheet
    assert f"({ESTIMATE[code]})" in sheet_text(built_site, manifest, "precision-diagnostics", code)
    assert "(" + AMOUNT[code] not in sheet_text(built_site, manifest, "atmp", code)


def test_the_json_carries_sources_and_unconfirmed_values(manifest: dict[str, Any]) -> None:
    card = card_entry(manifest, "infectieziekten")
    assert card["unconfirmed"] == [
        {"fields": ["shares.capital", "shares.rnd"], "note": SPLIT},
        {"fields": ["budget.total_meur"], "note": AMOUNT},
    ]
    title = "Projectkaarten Life sciences en Biotech"
    assert card["sources"][0] == {
        "title": {"nl": title, "en": title},
        "date": "2025-10",
        "page": "3",
        "note": {"nl": "De markeringen bij Randvoorwaarden zijn niet overgenomen.",
                 "en": "The precondition marks were not carried over."},
    }  # fmt: skip
    assert "unconfirmed" not in card_entry(manifest, "atmp") or not card_entry(manifest, "atmp")["unconfirmed"]


def test_the_csv_names_unconfirmed_values_and_sources(built_site: Path) -> None:
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO((built_site / "portfolio.csv").read_text()))}
    row = rows["infectieziekten"]
    assert (row["capital"], row["rnd"]) == ("0", "100")
    assert row["unconfirmed"] == "shares.capital; shares.rnd; budget.total_meur"
    assert row["unconfirmed_note_nl"] == f"{SPLIT['nl']}; {AMOUNT['nl']}"
    assert row["unconfirmed_note_en"] == f"{SPLIT['en']}; {AMOUNT['en']}"
    assert row["sources_nl"] == (
        "Projectkaarten Life sciences en Biotech, 2025-10, blz. 3 | Toelichting bij de kaart, https://example.org/toelichting"
    )
    assert rows["atmp"]["unconfirmed"] == "" and rows["atmp"]["sources_en"] == ""
