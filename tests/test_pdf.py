"""The printed sheets and booklets, read back with pypdf the way WeasyPrint's own tests read PDF bytes.

Most tests read the PDFs of the three-domain portfolio (tests/fixtures/three-domains) built once by
the ``built_site`` fixture (conftest.py), found through the manifest ``portfolio.json``. The
cache tests call ``factsheets.pdf.write_pdfs`` directly on the same portfolio; the overflow
tests build the small portfolio made from ``tests/fixtures/too-long/cards`` and the fixture's site settings.
"""

from __future__ import annotations

import dataclasses
import io
import json
import logging
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from conftest import EPOCH, THREE_DOMAINS_DATA, fixture_portfolio, fixture_settings, money
from portfolios import FIXTURE_DATA
from pypdf import PdfReader
from pypdf.generic import BooleanObject, DictionaryObject, IndirectObject

from factsheets.pdf import Job, SheetsDoNotFit, render_pdf, write_pdfs
from factsheets.publish import build_site
from factsheets.render import Renderer, booklet_path, pdf_path
from factsheets.validate import Portfolio, load_portfolio

ROOT = Path(__file__).resolve().parent.parent
TOO_LONG_CARDS = ROOT / "tests" / "fixtures" / "too-long" / "cards"


@pytest.fixture
def too_long_data(tmp_path: Path) -> Path:
    """The real site settings with one programme card that is far too long in English."""
    data = tmp_path / "too-long"
    shutil.copytree(TOO_LONG_CARDS, data / "cards")
    shutil.copy(FIXTURE_DATA / "site.yml", data / "site.yml")
    return data


SETTINGS = fixture_settings()
LABELS = SETTINGS["labels"]
LANGUAGES: list[str] = SETTINGS["languages"]
CARD_IDS = sorted(path.stem for path in (THREE_DOMAINS_DATA / "cards").glob("*.yml"))
SHEETS = [(card_id, code) for card_id in CARD_IDS for code in LANGUAGES]

PROGRAMME, FLAGSHIP = "alpha", "alpha-vaccines"  # a programme that includes its flagships, and one of them
A4_LANDSCAPE = (841.89, 595.28)  # points
MARKET = {
    "nl": {"exploration": "Verkenning", "partly_operational": "Deels operationeel", "operational": "Operationeel"},
    "en": {"exploration": "Exploration", "partly_operational": "Partly operational", "operational": "Operational"},
}
# Labels that exist in one language only: none of them may appear on the other language's sheet.
ONLY_DUTCH = [
    "Tijdlijn", "Projectomvang", "Randvoorwaarden", "Kapitaal", "Publiek", "Privaat", "Betrokken bedrijven",
    "Verkenning", "Deels operationeel", "Operationeel", "miljoen", "miljard", "Eind", "Kerncijfers",
    "Niet beoordeeld", "Minder relevant", "Legenda", "Domein", "Sub-domein", "Project naam", "Koppeling aan",
    "Strategische relevantie", "Infrastructuur", "Energie", "Andere", "inclusief",
]  # fmt: skip
ONLY_ENGLISH = [
    "Timeline", "Project size", "Preconditions", "Capital", "Public", "Private", "Companies and institutions",
    "Exploration", "Partly operational", "Operational", "million", "billion", "Key figures", "Not assessed",
    "Less relevant", "Legend", "Domain", "Subdomain", "Project name", "Links with", "Strategic relevance",
    "Infrastructure", "Energy", "including",
]  # fmt: skip
OTHER_LANGUAGE_LABELS = {"en": ONLY_DUTCH, "nl": ONLY_ENGLISH}


# --- reading PDFs ------------------------------------------------------------------------------------


@cache
def read_pdf(path: Path) -> PdfReader:
    return PdfReader(io.BytesIO(path.read_bytes()))


def normalise(text: str) -> str:
    """Whitespace as one plain space: line breaks and no-break spaces (U+00A0) included."""
    return " ".join(text.replace("\xa0", " ").split())


def squeezed(text: str) -> str:
    """Text without any whitespace, for web addresses that the layout may break over lines."""
    return "".join(text.split())


def page_text(reader: PdfReader, index: int = 0) -> str:
    return normalise(reader.pages[index].extract_text())


def all_text(reader: PdfReader) -> str:
    return " ".join(page_text(reader, index) for index in range(len(reader.pages)))


def is_a4_landscape(page: Any) -> bool:
    box = page.mediabox
    return (
        float(box.left) == 0
        and float(box.bottom) == 0
        and abs(float(box.width) - A4_LANDSCAPE[0]) <= 1
        and abs(float(box.height) - A4_LANDSCAPE[1]) <= 1
    )


def resolve(value: Any) -> Any:
    return value.get_object() if isinstance(value, IndirectObject) else value


def fonts_in(resources: Any, seen: set[int] | None = None) -> Iterator[DictionaryObject]:
    """Every font of a resource dictionary, those of its form XObjects and patterns included."""
    seen = set() if seen is None else seen
    resources = resolve(resources)
    if not resources or id(resources) in seen:
        return
    seen.add(id(resources))
    for font in (resolve(resources.get("/Font")) or {}).values():
        yield resolve(font)
    for kind in ("/XObject", "/Pattern"):
        for item in (resolve(resources.get(kind)) or {}).values():
            item = resolve(item)
            if "/Resources" in item:
                yield from fonts_in(item["/Resources"], seen)


def document_fonts(reader: PdfReader) -> list[DictionaryObject]:
    fonts = [font for page in reader.pages for font in fonts_in(page.get("/Resources"))]
    assert fonts, "no fonts found: the walk through the resources is broken"
    return fonts


def font_name(font: DictionaryObject) -> str:
    """``/ABCDEF+Source-Sans-3-Bold`` -> ``SourceSans3Bold``: subset tag and separators removed."""
    name = str(font.get("/BaseFont", ""))
    name = re.sub(r"^/?[A-Z]{6}\+", "", name.lstrip("/"))
    return re.sub(r"[^A-Za-z0-9]", "", name)


def struct_elements(reader: PdfReader) -> Iterator[DictionaryObject]:
    """Every element of the structure tree, following only the /K (kids) links."""
    stack = [resolve(reader.trailer["/Root"]["/StructTreeRoot"])]
    while stack:
        element = resolve(stack.pop())
        if not isinstance(element, DictionaryObject) or element.get("/Type") in ("/MCR", "/OBJR"):
            continue
        yield element
        kids = element.get("/K")
        if kids is None:
            continue
        kids = resolve(kids)
        stack.extend(reversed(kids) if isinstance(kids, list) else [kids])


def link_targets(reader: PdfReader, index: int = 0) -> list[str]:
    targets = []
    for annotation in reader.pages[index].get("/Annots") or []:
        annotation = resolve(annotation)
        action = resolve(annotation.get("/A")) or {}
        if annotation.get("/Subtype") == "/Link" and action.get("/S") == "/URI":
            targets.append(str(action["/URI"]))
    return targets


def is_true(value: Any) -> bool:
    """A PDF boolean ``true`` (pypdf's BooleanObject is not Python's ``True``)."""
    return isinstance(value, BooleanObject) and bool(value)


def has_word(text: str, phrase: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text) is not None


# --- the built site ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def manifest(built_site: Path) -> dict[str, Any]:
    return json.loads((built_site / "portfolio.json").read_text(encoding="utf-8"))


def card_entry(manifest: dict[str, Any], card_id: str) -> dict[str, Any]:
    return next(card for card in manifest["cards"] if card["id"] == card_id)


def sheet(built_site: Path, manifest: dict[str, Any], card_id: str, code: str) -> PdfReader:
    return read_pdf(built_site / card_entry(manifest, card_id)["urls"][code]["pdf"])


def booklet(built_site: Path, manifest: dict[str, Any], code: str) -> PdfReader:
    return read_pdf(built_site / manifest["booklet"][code])


def web_address(entry: dict[str, Any], code: str) -> str:
    return SETTINGS["base_url"] + entry["urls"][code]["page"]


def test_manifest_lists_every_card_and_booklet(manifest: dict[str, Any]) -> None:
    assert sorted(card["id"] for card in manifest["cards"]) == CARD_IDS
    assert manifest["languages"] == LANGUAGES
    assert sorted(manifest["booklet"]) == sorted(LANGUAGES)


# --- every sheet ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("card_id", "code"), SHEETS)
def test_sheet_is_one_a4_landscape_page(built_site: Path, manifest: dict[str, Any], card_id: str, code: str) -> None:
    reader = sheet(built_site, manifest, card_id, code)
    assert len(reader.pages) == 1
    assert is_a4_landscape(reader.pages[0]), reader.pages[0].mediabox


@pytest.mark.parametrize(("card_id", "code"), SHEETS)
def test_sheet_states_the_facts_in_its_language(
    built_site: Path, manifest: dict[str, Any], card_id: str, code: str
) -> None:
    entry = card_entry(manifest, card_id)
    text = page_text(sheet(built_site, manifest, card_id, code))
    label = {key: value[code] for key, value in LABELS.items()}

    assert normalise(entry["title"][code]) in text
    assert money(entry["budget"]["total_meur"], code) in text
    start, end = entry["timeline"]["start"], entry["timeline"]["end"]
    assert f"{label['start']} {start} {label['end']} {end}" in text
    trl = entry["readiness"]["trl"]
    assert f"{trl['min']} – {trl['max']}" in text
    assert MARKET[code][entry["readiness"]["market"]] in text
    shares = entry["shares"]
    for first, second in (("capital", "rnd"), ("public", "private")):
        # Each split: its labels around the bar, the bar's parts with their numbers (a zero-width part has none).
        numbers = [str(shares[key]) for key in (first, second) if shares[key]]
        assert " ".join([label[first], *numbers, label[second]]) in text
    for organisation in entry["organisations"]:
        assert normalise(organisation["name"]) in text
    if not entry["organisations"]:
        assert label["none_listed"] in text
    assert (label["key_figures"] in text) == bool(entry.get("key_figures"))


@pytest.mark.parametrize("code", LANGUAGES)
def test_programme_sheet_states_its_flagships_total(built_site: Path, manifest: dict[str, Any], code: str) -> None:
    programmes = [card for card in manifest["cards"] if card["kind"] == "programme"]
    assert programmes
    for programme in programmes:
        flagships = [card for card in manifest["cards"] if card.get("parent") == programme["id"]]
        text = page_text(sheet(built_site, manifest, programme["id"], code))
        total = sum(card["budget"]["total_meur"] for card in flagships)
        includes = LABELS["includes_flagships"][code].format(count=len(flagships), amount=money(total, code))
        assert (includes in text) == programme["budget"].get("includes_flagships", False), programme["id"]


@pytest.mark.parametrize(("card_id", "code"), SHEETS)
def test_sheet_has_no_label_of_the_other_language(
    built_site: Path, manifest: dict[str, Any], card_id: str, code: str
) -> None:
    text = page_text(sheet(built_site, manifest, card_id, code))
    assert [phrase for phrase in OTHER_LANGUAGE_LABELS[code] if has_word(text, phrase)] == []


@pytest.mark.parametrize(("card_id", "code"), SHEETS)
def test_sheet_is_tagged_with_language_and_title(
    built_site: Path, manifest: dict[str, Any], card_id: str, code: str
) -> None:
    reader = sheet(built_site, manifest, card_id, code)
    catalog = reader.trailer["/Root"]
    assert is_true(resolve(catalog["/MarkInfo"])["/Marked"])
    assert "/K" in resolve(catalog["/StructTreeRoot"])
    assert str(catalog["/Lang"]) == code
    title = card_entry(manifest, card_id)["title"][code]
    assert reader.metadata is not None and reader.metadata.title == title
    assert reader.xmp_metadata is not None and reader.xmp_metadata.dc_title == {"x-default": title}
    # WeasyPrint's pdf/ua-1 variant asks viewers to show the title instead of the file name ...
    assert is_true(resolve(catalog["/ViewerPreferences"])["/DisplayDocTitle"])
    # ... and declares the PDF/UA part in the XMP metadata.
    assert b'pdfuaid:part="1"' in resolve(catalog["/Metadata"]).get_data()


@pytest.mark.parametrize(("card_id", "code"), SHEETS)
def test_sheet_embeds_only_the_projects_font(
    built_site: Path, manifest: dict[str, Any], card_id: str, code: str
) -> None:
    for font in document_fonts(sheet(built_site, manifest, card_id, code)):
        assert_embedded_source_sans(font)


def assert_embedded_source_sans(font: DictionaryObject) -> None:
    parts = [resolve(d) for d in font["/DescendantFonts"]] if "/DescendantFonts" in font else [font]
    for part in [font, *parts]:
        assert "SourceSans" in font_name(part), part.get("/BaseFont")
        assert "DejaVu" not in font_name(part)
    for part in parts:
        descriptor = resolve(part.get("/FontDescriptor"))
        assert descriptor is not None, f"{part.get('/BaseFont')} has no font descriptor"
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), f"{part.get('/BaseFont')} is not embedded"


@pytest.mark.parametrize(("card_id", "code"), SHEETS)
def test_sheet_footer_has_tagline_web_address_and_qr_code(
    built_site: Path, manifest: dict[str, Any], card_id: str, code: str
) -> None:
    reader = sheet(built_site, manifest, card_id, code)
    entry = card_entry(manifest, card_id)
    address = web_address(entry, code)
    assert address.startswith(SETTINGS["base_url"])
    text = page_text(reader)
    assert SETTINGS["tagline"][code] in text
    assert squeezed(f"{LABELS['web_link'][code]}: {address}") in squeezed(text)
    assert address in link_targets(reader)
    # The QR code: an SVG image drawn into the page, tagged as a figure with its text alternative.
    figures = [element for element in struct_elements(reader) if element.get("/S") == "/Figure"]
    assert [str(figure.get("/Alt")) for figure in figures] == [LABELS["qr_alt"][code]]


@pytest.mark.parametrize("code", LANGUAGES)
def test_sheet_web_address_is_printed_on_one_line(built_site: Path, manifest: dict[str, Any], code: str) -> None:
    for card_id in CARD_IDS:
        reader = sheet(built_site, manifest, card_id, code)
        lines = [line.strip() for line in reader.pages[0].extract_text().splitlines()]
        address = web_address(card_entry(manifest, card_id), code)
        assert any(address in line for line in lines), card_id


# --- the booklets ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", LANGUAGES)
def test_booklet_has_cover_every_card_and_closing_page(built_site: Path, manifest: dict[str, Any], code: str) -> None:
    reader = booklet(built_site, manifest, code)
    assert len(reader.pages) == len(manifest["cards"]) + 2 == len(CARD_IDS) + 2
    assert all(is_a4_landscape(page) for page in reader.pages)


@pytest.mark.parametrize("code", LANGUAGES)
def test_booklet_cover_names_portfolio_programme_and_flagships(
    built_site: Path, manifest: dict[str, Any], code: str
) -> None:
    cover = page_text(booklet(built_site, manifest, code), 0)
    assert cover.startswith(SETTINGS["name"][code])
    assert LABELS["cover_title"][code] in cover
    for entry in manifest["cards"]:
        assert f"{normalise(entry['title'][code])}" in cover
        assert money(entry["budget"]["total_meur"], code) in cover
    for programme in (card for card in manifest["cards"] if card["kind"] == "programme"):
        flagships = [card for card in manifest["cards"] if card.get("parent") == programme["id"]]
        assert f"{programme['title'][code]}: {money(programme['budget']['total_meur'], code)}" in cover
        total = sum(card["budget"]["total_meur"] for card in flagships)
        assert f"{LABELS['flagships_total'][code]} {money(total, code)}" in cover


@pytest.mark.parametrize("code", LANGUAGES)
def test_booklet_has_each_card_on_its_own_page_in_programme_order(
    built_site: Path, manifest: dict[str, Any], code: str
) -> None:
    reader = booklet(built_site, manifest, code)
    kinds = [entry["kind"] for entry in manifest["cards"]]
    assert kinds[0] == "programme"
    for number, entry in enumerate(manifest["cards"], start=1):
        text = page_text(reader, number)
        assert normalise(entry["title"][code]) in text, (number, entry["id"])
        assert money(entry["budget"]["total_meur"], code) in text
        # The page's footer points to this card's own page, so the order is really the manifest's.
        assert squeezed(web_address(entry, code)) in squeezed(text), (number, entry["id"])
        others = [web_address(other, code) for other in manifest["cards"] if other is not entry]
        assert not [address for address in others if squeezed(address) in squeezed(text)]


@pytest.mark.parametrize("code", LANGUAGES)
def test_booklet_closes_with_the_tagline(built_site: Path, manifest: dict[str, Any], code: str) -> None:
    reader = booklet(built_site, manifest, code)
    expected = {"nl": "Samen proeven wij de toekomst.", "en": "Together we test the future."}
    assert expected[code] == SETTINGS["tagline"][code]
    # The tagline, and the page number stamped in the footer line (see test_booklet_layout.py).
    assert page_text(reader, len(reader.pages) - 1) == f"{expected[code]} {len(reader.pages)}"


@pytest.mark.parametrize("code", LANGUAGES)
def test_booklet_is_tagged_in_its_language_with_the_projects_font(
    built_site: Path, manifest: dict[str, Any], code: str
) -> None:
    reader = booklet(built_site, manifest, code)
    catalog = reader.trailer["/Root"]
    assert is_true(resolve(catalog["/MarkInfo"])["/Marked"])
    assert "/K" in resolve(catalog["/StructTreeRoot"])
    assert str(catalog["/Lang"]) == code
    assert reader.metadata is not None
    assert reader.metadata.title == f"{SETTINGS['name'][code]}: {LABELS['cover_title'][code]}"
    assert is_true(resolve(catalog["/ViewerPreferences"])["/DisplayDocTitle"])
    text = all_text(reader)
    assert [phrase for phrase in OTHER_LANGUAGE_LABELS[code] if has_word(text, phrase)] == []
    for font in document_fonts(reader):
        assert_embedded_source_sans(font)
    qr_codes = [e for e in struct_elements(reader) if e.get("/S") == "/Figure"]
    assert [str(e.get("/Alt")) for e in qr_codes] == [LABELS["qr_alt"][code]] * len(manifest["cards"])


def outline_titles(outline: list[Any]) -> list[Any]:
    """pypdf's outline as nested lists of titles: ``[title, [children...], title, ...]``."""
    return [outline_titles(item) if isinstance(item, list) else str(item["/Title"]) for item in outline]


@pytest.mark.parametrize("code", LANGUAGES)
def test_booklet_bookmarks_nest_each_cards_blocks_under_its_title(
    built_site: Path, manifest: dict[str, Any], code: str
) -> None:
    titles = outline_titles(booklet(built_site, manifest, code).outline)
    card_titles = [entry["title"][code] for entry in manifest["cards"]]
    block = LABELS["timeline"][code]
    top = [title for title in titles if not isinstance(title, list)]
    assert [title for title in top if title in card_titles] == card_titles, "one top-level bookmark per card"
    assert block not in top, "a card's block is bookmarked beside the card titles"
    for title in card_titles:
        position = titles.index(title, titles.index(LABELS["cover_title"][code]) + 1)
        children = titles[position + 1] if position + 1 < len(titles) else None
        assert isinstance(children, list) and block in children, f"{title!r} has no blocks below it"


# --- determinism -------------------------------------------------------------------------------------------


def test_render_pdf_gives_the_same_bytes_for_the_same_input(
    built_site: Path, manifest: dict[str, Any], fixture_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)  # as in the built_site fixture
    portfolio = load_portfolio(fixture_data, ROOT)
    renderer = Renderer(portfolio, ROOT / "templates")
    card = portfolio.card(FLAGSHIP)
    job = Job(renderer.sheet_html(card, "en"), pdf_path(card.id, "en"), 1, f"card '{FLAGSHIP}', language en")
    base_url = str(ROOT / "templates" / "print") + "/"
    first = render_pdf(job, base_url)
    second = render_pdf(job, base_url)
    assert first[:5] == b"%PDF-"
    assert first == second
    # The build rendered the same sheet in a worker process: same bytes there too.
    assert (built_site / card_entry(manifest, FLAGSHIP)["urls"]["en"]["pdf"]).read_bytes() == first


# --- a card that does not fit -----------------------------------------------------------------------------


SUMMARY_EN_LINE = 15
"""Where overlong.yml's English summary starts (its ``en: |``): the field to shorten."""
OVERFLOW = re.compile(
    r"^(?P<file>.+):(?P<line>\d+):(?P<col>\d+): summary\.en: the en sheet of card '(?P<card>[a-z-]+)' does not fit "
    r"on one page, even with its text at the smallest size \(8 pt\): shorten this text by about (?P<lines>\d+) "
    r"line\(s\) \(about (?P<chars>\d+) characters\)$"
)


def test_too_long_card_fails_the_build_naming_card_language_and_block(
    tmp_path: Path, too_long_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    out = tmp_path / "out" / "site"
    with pytest.raises(SheetsDoNotFit) as raised:
        build_site(load_portfolio(too_long_data, ROOT), ROOT, out, tmp_path / "cache")
    [overflow] = raised.value.overflows
    assert (overflow.card, overflow.lang, overflow.block) == ("overlong", "en", "summary")
    assert overflow.lines > 10 and overflow.chars > 10 * overflow.lines  # far too long: many lines of text
    assert not out.exists()
    assert list(out.parent.iterdir()) == [], "a staging folder was left behind"


def test_too_long_card_fails_the_command_cleanly_at_the_field_to_shorten(tmp_path: Path, too_long_data: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "previous.txt").write_text("the previous build", encoding="utf-8")
    (out / "portfolio.json").write_text("{}", encoding="utf-8")  # what marks a folder as an earlier build
    result = subprocess.run(
        [sys.executable, "build.py", "-q", "--data", str(too_long_data), "--out", str(out), "--lang", "en"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
        timeout=600,
    )
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    assert result.returncode == 1, result.stderr
    problem, summary = result.stderr.splitlines()
    match = OVERFLOW.match(problem)
    assert match, problem
    assert (Path(match["file"]).name, int(match["line"]), match["card"]) == (
        "overlong.yml",
        SUMMARY_EN_LINE,
        "overlong",
    )
    assert summary == "1 problem(s) found; nothing was built."
    # The previous output is left exactly as it was, and no staging folder stays behind.
    assert sorted(path.name for path in out.iterdir()) == ["portfolio.json", "previous.txt"]
    assert (out / "previous.txt").read_text(encoding="utf-8") == "the previous build"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["site", "too-long"]  # no staging folder


def test_every_sheet_that_does_not_fit_is_reported_at_its_field_by_check_sheets(
    tmp_path: Path, too_long_data: Path
) -> None:
    cards = too_long_data / "cards"
    text = (cards / "overlong.yml").read_text(encoding="utf-8")
    (cards / "overlong-two.yml").write_text(text.replace("id: overlong\n", "id: overlong-two\n"), encoding="utf-8")
    command = [
        sys.executable,
        "build.py",
        "check",
        "--sheets",
        "-q",
        "--data",
        str(too_long_data),
        "--format",
        "github",
    ]
    environment = {**os.environ, "FACTSHEETS_CACHE_DIR": str(tmp_path / "cache")}
    result = subprocess.run(
        [*command, "--lang", "en"], cwd=ROOT, capture_output=True, text=True, env=environment, timeout=900
    )
    assert result.returncode == 1, result.stderr
    # Warnings (a card not written the form editor's way) may come first; the errors are what this is about.
    *annotations, summary = [line for line in result.stderr.splitlines() if not line.startswith("::warning")]
    assert summary == "2 problem(s) found; nothing was built."
    places = [
        re.match(r"::error file=(.+?),line=(\d+),col=\d+::summary\.en: the en sheet of card '([a-z-]+)'", a)
        for a in annotations
    ]
    assert all(places), annotations
    found = sorted((Path(m[1].replace("%3A", ":")).name, int(m[2]), m[3]) for m in places)
    assert found == [
        ("overlong-two.yml", SUMMARY_EN_LINE, "overlong-two"),
        ("overlong.yml", SUMMARY_EN_LINE, "overlong"),
    ]
    dutch = subprocess.run(
        [*command, "--lang", "nl"], cwd=ROOT, capture_output=True, text=True, env=environment, timeout=900
    )
    assert dutch.returncode == 1, dutch.stderr
    assert sum("summary.en: de en-factsheet van kaart 'overlong" in line for line in dutch.stderr.splitlines()) == 2
    assert "kort deze tekst in met ongeveer" in dutch.stderr


# --- the cache --------------------------------------------------------------------------------------------


SHEET_TARGETS = {pdf_path(card_id, code) for card_id, code in SHEETS}
COVERS = {f"cover.{code}" for code in LANGUAGES}
# WeasyPrint renders the sheets, covers and closing pages; the booklets are assembled from them.
RENDERABLE = SHEET_TARGETS | COVERS | {f"closing.{code}" for code in LANGUAGES}
ALL_TARGETS = SHEET_TARGETS | {booklet_path(code) for code in LANGUAGES}
SUMMARY = re.compile(r"^pdf: (\d+) of (\d+) documents to render, (\d+) from the cache$")
RENDERED = re.compile(r"^pdf \d+/\d+: (.+)$")


@dataclasses.dataclass
class Run:
    to_render: int
    total: int
    rendered: set[str]


def run_from(messages: list[str]) -> Run:
    summaries = [match for message in messages if (match := SUMMARY.match(message))]
    assert len(summaries) == 1, messages
    to_render, total, cached = (int(group) for group in summaries[0].groups())
    assert to_render + cached == total
    rendered = {match.group(1) for message in messages if (match := RENDERED.match(message))}
    assert len(rendered) == to_render, messages
    return Run(to_render, total, rendered)


class Messages(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def write_and_log(renderer: Renderer, root: Path, site: Path, cache_dir: Path) -> Run:
    """``write_pdfs``, reading what it did from its log (it renders in worker processes)."""
    logger = logging.getLogger("factsheets.pdf")
    handler, level = Messages(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        write_pdfs(renderer, root, site, cache_dir)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    return run_from(handler.messages)


@dataclasses.dataclass
class Warm:
    portfolio: Portfolio
    cache: Path
    site: Path
    first_run: Run


@pytest.fixture(scope="module")
def warm(tmp_path_factory: pytest.TempPathFactory) -> Warm:
    """The fixture portfolio's PDFs written once with a fresh cache."""
    folder = tmp_path_factory.mktemp("warm")
    portfolio = load_portfolio(fixture_portfolio(folder / "data"), ROOT)
    run = write_and_log(Renderer(portfolio, ROOT / "templates"), ROOT, folder / "site", folder / "cache")
    return Warm(portfolio, folder / "cache", folder / "site", run)


def cache_copy(warm: Warm, tmp_path: Path) -> Path:
    return Path(shutil.copytree(warm.cache, tmp_path / "cache"))


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    # Not the modification time: a build marks what it reuses (fingerprint.reused). A rewrite is a new file.
    return {path.name: (path.stat().st_ino, path.read_bytes()) for path in folder.iterdir()}


def templates_copy(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    shutil.copytree(ROOT / "templates", root / "templates", ignore=shutil.ignore_patterns("__pycache__"))
    return root


def test_first_run_renders_every_document_once(warm: Warm) -> None:
    assert warm.first_run.total == len(RENDERABLE) == (len(CARD_IDS) + 2) * len(LANGUAGES)
    assert warm.first_run.to_render == len(RENDERABLE)
    assert warm.first_run.rendered == RENDERABLE
    assert len(list(warm.cache.glob("*.pdf"))) == len(RENDERABLE) + len(LANGUAGES)  # and the assembled booklets
    assert list(warm.cache.glob("*.partial")) == []
    assert {path.relative_to(warm.site).as_posix() for path in warm.site.rglob("*.pdf")} == ALL_TARGETS


def test_second_run_renders_nothing(warm: Warm, tmp_path: Path) -> None:
    cache_dir = cache_copy(warm, tmp_path)
    before = snapshot(cache_dir)
    run = write_and_log(Renderer(warm.portfolio, ROOT / "templates"), ROOT, tmp_path / "site", cache_dir)
    assert (run.to_render, run.total, run.rendered) == (0, len(RENDERABLE), set())
    assert snapshot(cache_dir) == before, "a cached PDF was rewritten"
    for target in ALL_TARGETS:
        assert (tmp_path / "site" / target).read_bytes() == (warm.site / target).read_bytes(), target


def with_budget(portfolio: Portfolio, card_id: str, total_meur: float) -> Portfolio:
    card = portfolio.card(card_id)
    changed = card.model_copy(update={"budget": card.budget.model_copy(update={"total_meur": total_meur})})
    return dataclasses.replace(portfolio, cards=tuple(changed if c.id == card_id else c for c in portfolio.cards))


def test_changed_card_rerenders_only_its_sheets_and_the_covers(warm: Warm, tmp_path: Path) -> None:
    # The covers list the programme's total; the booklets are assembled anew, not laid out again.
    portfolio = with_budget(warm.portfolio, PROGRAMME, 1100)
    site = tmp_path / "site"
    run = write_and_log(Renderer(portfolio, ROOT / "templates"), ROOT, site, cache_copy(warm, tmp_path))
    sheets = {pdf_path(PROGRAMME, code) for code in LANGUAGES}
    assert run.rendered == sheets | COVERS
    expected = sheets | {booklet_path(c) for c in LANGUAGES}
    assert money(1100, "en") in page_text(read_pdf(site / pdf_path(PROGRAMME, "en")))
    assert money(1100, "nl") in page_text(read_pdf(site / pdf_path(PROGRAMME, "nl")))
    for target in ALL_TARGETS - expected:
        assert (site / target).read_bytes() == (warm.site / target).read_bytes(), target


def test_changed_flagship_also_rerenders_the_programme_that_includes_it(warm: Warm, tmp_path: Path) -> None:
    # The programme's sheet states the sum of its flagships: it changes with the flagship.
    portfolio = with_budget(warm.portfolio, FLAGSHIP, 350)
    site = tmp_path / "site"
    run = write_and_log(Renderer(portfolio, ROOT / "templates"), ROOT, site, cache_copy(warm, tmp_path))
    changed_sheets = {pdf_path(card_id, code) for card_id in (FLAGSHIP, PROGRAMME) for code in LANGUAGES}
    assert run.rendered == changed_sheets | COVERS
    flagships_total = sum(card.budget.total_meur for card in portfolio.flagships_of(portfolio.card(PROGRAMME)))
    assert flagships_total == 350 + 200  # the fixture's other flagship of the programme
    assert money(flagships_total, "en") in page_text(read_pdf(site / pdf_path(PROGRAMME, "en")))


def test_templates_in_another_folder_with_the_same_content_reuse_the_cache(warm: Warm, tmp_path: Path) -> None:
    root = templates_copy(tmp_path)
    run = write_and_log(
        Renderer(warm.portfolio, root / "templates"), root, tmp_path / "site", cache_copy(warm, tmp_path)
    )
    assert run.to_render == 0


def test_changed_print_css_rerenders_every_document(warm: Warm, tmp_path: Path) -> None:
    root = templates_copy(tmp_path)
    with (root / "templates" / "print" / "print.css").open("a", encoding="utf-8") as css:
        css.write("\n/* a changed template */\n")
    run = write_and_log(
        Renderer(warm.portfolio, root / "templates"), root, tmp_path / "site", cache_copy(warm, tmp_path)
    )
    assert (run.to_render, run.rendered) == (len(RENDERABLE), RENDERABLE)


def test_print_css_edited_between_two_builds_in_one_process_rerenders(warm: Warm, tmp_path: Path) -> None:
    root = templates_copy(tmp_path)
    cache_dir = cache_copy(warm, tmp_path)
    renderer = Renderer(warm.portfolio, root / "templates")
    assert write_and_log(renderer, root, tmp_path / "site", cache_dir).to_render == 0
    with (root / "templates" / "print" / "print.css").open("a", encoding="utf-8") as css:
        css.write("\n.fs-header__heading { color: #000; }\n")
    run = write_and_log(renderer, root, tmp_path / "site", cache_dir)
    assert (run.to_render, run.rendered) == (len(RENDERABLE), RENDERABLE)


def test_render_pdf_gives_the_same_bytes_whatever_the_source_date_epoch(
    fixture_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # fontTools dates the fonts it writes while WeasyPrint lays out (web fonts) and writes (subsets).
    portfolio = load_portfolio(fixture_data, ROOT)
    card = portfolio.card(FLAGSHIP)
    job = Job(Renderer(portfolio, ROOT / "templates").sheet_html(card, "en"), pdf_path(card.id, "en"), 1, "sheet")
    rendered = []
    for epoch in ("1000000000", "1200000000"):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        rendered.append(render_pdf(job, str(ROOT / "templates" / "print") + "/"))
    assert rendered[0] == rendered[1]


def test_a_sheet_has_the_same_bytes_and_key_whatever_the_builds_date(
    warm: Warm, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The build is dated by the last commit; a pull request's commit must still find its base's sheets in
    # CI's cache. The warm cache was written without SOURCE_DATE_EPOCH; this build has another one.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1000000000")
    site = tmp_path / "site"
    run = write_and_log(Renderer(warm.portfolio, ROOT / "templates"), ROOT, site, tmp_path / "cache")
    assert run.to_render == len(RENDERABLE)
    for target in ALL_TARGETS:
        assert (site / target).read_bytes() == (warm.site / target).read_bytes(), target
    assert sorted(path.name for path in (tmp_path / "cache").glob("*.pdf")) == sorted(
        path.name for path in warm.cache.glob("*.pdf")
    )
