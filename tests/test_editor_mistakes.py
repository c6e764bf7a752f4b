"""Each mistake an editor makes, fed through ``build.py check`` in Dutch and in English.

Every case asserts the reported file and line, and the message in both languages: what is wrong and
what to do. The cases are the mistakes of issue 11, made on a copy of the fixture portfolio.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from portfolios import FIXTURE_DATA, PROJECT, make_project

from factsheets.cli import main
from factsheets.messages import speaking
from factsheets.problems import InvalidInput
from factsheets.serve import PreviewState, _rebuild
from factsheets.validate import load_portfolio

CARD = "infectieziekten.yml"
TITLE = "title:\n  nl: Infectieziekten\n  en: Infectious Diseases\n"
PROBLEM = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<rest>.*)$")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE_DATA, tmp_path / "data"))


def line_of(text: str, fragment: str, start: int = 0) -> int:
    return text[: text.index(fragment, start)].count("\n") + 1


def replace(old: str, new: str, card: str = CARD) -> Callable[[Path], int]:
    """An edit of ``card``: ``old`` becomes ``new``; returns the line ``old`` started on."""

    def edit(data: Path) -> int:
        path = data / "cards" / card
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, old
        path.write_text(text.replace(old, new), encoding="utf-8")
        return line_of(text, old)

    return edit


def check(data: Path, lang: str, capsys: pytest.CaptureFixture[str]) -> list[tuple[str, int, str]]:
    """(file name, line, "field: message") of each problem ``check --lang`` reports; exit 1 and a summary."""
    code = main(["check", "--data", str(data), "--lang", lang])
    out, err = capsys.readouterr()
    assert code == 1, out + err
    assert "Traceback" not in err
    *lines, summary = err.splitlines()
    assert summary.startswith(f"{len(lines)} ")
    found = []
    for line in lines:
        match = PROBLEM.match(line)
        assert match, line
        found.append((Path(match["file"]).name, int(match["line"]), match["rest"]))
    return found


# (edit, line offset from the edited place, Dutch start, English start)
MISTAKES = {
    "tab": (
        replace(TITLE, "title:\n\tnl: Infectieziekten\n  en: Infectious Diseases\n"),
        1,
        "een tab in de inspringing: YAML staat alleen spaties toe; vervang de tab door spaties",
        "a tab in the indentation: YAML allows only spaces; replace the tab with spaces",
    ),
    "indented-too-far": (
        replace(TITLE, "title:\n  nl: Infectieziekten\n    en: Infectious Diseases\n"),
        2,
        "deze regel springt verder in dan regel ",
        "this line is indented further than line ",
    ),
    "indented-too-little": (
        replace(TITLE, "title:\n    nl: Infectieziekten\n  en: Infectious Diseases\n"),
        2,
        "deze regel springt minder in dan regel ",
        "this line is indented less than line ",
    ),
    "text-continued-without-indent": (
        replace(TITLE, "title:\n  nl: Infectie\nziekten\n  en: Infectious Diseases\n"),
        2,
        "deze regel is geen 'veld: waarde'",
        "this line is not 'field: value'",
    ),
    "colon-in-text": (
        replace(TITLE, "title:\n  nl: Let op: infectieziekten\n  en: Infectious Diseases\n"),
        1,
        "een dubbele punt met een spatie erna in een tekst zonder aanhalingstekens: zet de hele tekst tussen",
        "a colon followed by a space inside a text without quotes: put the whole text in quotes",
    ),
    "unclosed-quote": (
        replace(TITLE, 'title:\n  nl: "Infectieziekten\n  en: Infectious Diseases\n'),
        1,
        'het aanhalingsteken " dat hier begint wordt niet gesloten: sluit de tekst af met "',
        'the quote " that starts here is not closed: end the text with "',
    ),
    "unclosed-bracket": (
        replace(TITLE, "title: {nl: Infectieziekten, en: Infectious Diseases\n"),
        0,
        "de { die hier begint wordt niet gesloten: sluit af met }",
        "the { that starts here is not closed: end it with }",
    ),
    "text-where-the-pair-belongs": (
        replace(TITLE, "title: Infectieziekten\n"),
        0,
        "title: hier hoort een tekst per taal, gevonden: 'Infectieziekten'; schrijf onder dit veld één regel per taal",
        "title: expected a text per language, got 'Infectieziekten': write one line per language under this field",
    ),
    "hash-inside-a-text": (
        replace(TITLE, "title:\n  nl: Let op # geen commentaar\n  en: Infectious Diseases\n"),
        1,
        "title.nl: alles na ' #' is weggevallen (YAML leest het als commentaar: '#geen commentaar'): zet de hele",
        "title.nl: everything after ' #' was dropped (YAML reads it as a comment: '#geen commentaar'): put the whole",
    ),
    "misspelt-key": (
        replace("relevance:\n", "relevence:\n"),
        0,
        "relevence: onbekend veld 'relevence'; bedoel je 'relevance'?",
        "relevence: unknown field 'relevence'; did you mean 'relevance'?",
    ),
    "parent-typo": (
        replace("parent: biotech-nexus\n", "parent: biotech-nexsu\n"),
        0,
        "parent: er is geen kaart met id 'biotech-nexsu'; bedoel je 'biotech-nexus'?",
        "parent: there is no card with id 'biotech-nexsu'; did you mean 'biotech-nexus'?",
    ),
    "decimal-comma": (
        replace("total_meur: 1150\n", "total_meur: 1,5\n"),
        0,
        "budget.total_meur: 1,5 heeft een decimale komma: schrijf 1.5 (met een punt)",
        "budget.total_meur: 1,5 has a decimal comma: write 1.5 (with a decimal point)",
    ),
    "ambiguous-thousands": (
        replace("total_meur: 1150\n", "total_meur: 1.350\n"),
        0,
        "budget.total_meur: 1.350 wordt gelezen als 1.35 (de punt is een decimaalteken): schrijf 1350 als je 1350 "
        "bedoelt, of 1.35 als je 1.35 bedoelt",
        "budget.total_meur: 1.350 is read as 1.35 (the dot is a decimal point): write 1350 if you mean 1350, "
        "or 1.35 if you mean 1.35",
    ),
    "duplicate-order": (
        replace("order: 1\n", "order: 2\n"),
        0,
        "order: order 2 is ook de order van atmp (in ",
        "order: order 2 is also the order of atmp (in ",
    ),
    "domain-in-other-capitals": (
        replace(
            "\ndomain:\n  nl: Life sciences en Biotech\n",
            "\ndomain:\n  nl: Life Sciences en Biotech\n",
        ),
        2,
        "domain.nl: domain 'Life Sciences en Biotech' verschilt van 'Life sciences en Biotech' in ",
        "domain.nl: domain 'Life Sciences en Biotech' differs from 'Life sciences en Biotech' in ",
    ),
    "domain-with-other-english-name": (
        replace(
            "\ndomain:\n  nl: Life sciences en Biotech\n  en: Life Sciences and Biotech\n",
            "\ndomain:\n  nl: Life sciences en Biotech\n  en: Life sciences & biotech\n",
        ),
        3,
        "domain.en: domain 'Life sciences en Biotech' heet hier 'Life sciences & biotech' in het en, maar "
        "'Life Sciences and Biotech' in ",
        "domain.en: domain 'Life sciences en Biotech' is 'Life sciences & biotech' in en here but "
        "'Life Sciences and Biotech' in ",
    ),
    "duplicate-key": (
        replace("order: 1\n", "order: 1\norder: 2\n"),
        1,
        "order: 'order' staat er twee keer (eerst op regel 6): houd er één over",
        "order: duplicate key 'order' (first given on line 6): keep one of them",
    ),
    "bidi-override-in-a-text": (
        replace(TITLE, 'title:\n  nl: "Infectie\\u202eziekten"\n  en: Infectious Diseases\n'),
        1,
        "title: de nl-tekst bevat een teken dat de schrijfrichting omdraait (U+202E) op teken 9; haal het weg",
        "title: the nl text contains a bidirectional override (U+202E) at character 9; remove it",
    ),
    "link-not-allowed": (
        replace("summary:\n  nl: |\n", "summary:\n  nl: |\n    Zie [dit](javascript:alert(1)).\n"),
        1,
        "summary: de nl-tekst: de link 'javascript:alert(1)' is niet toegestaan: gebruik een volledig webadres "
        "(https://…) of mailto:",
        "summary: the nl text: the link 'javascript:alert(1)' is not allowed: use a full web address (https://…) "
        "or mailto:",
    ),
    "image-in-a-text": (
        replace("summary:\n  nl: |\n", "summary:\n  nl: |\n    Kijk.\n\n    ![foto](https://x.nl/a.png)\n\n"),
        1,
        "summary: de nl-tekst, regel 3: afbeeldingen zijn niet toegestaan; link naar de afbeelding",
        "summary: the nl text, line 3: images are not allowed; link to the picture instead",
    ),
}


@pytest.mark.parametrize("mistake", MISTAKES)
def test_each_mistake_is_reported_on_its_line_in_dutch_and_in_english(data, capsys, mistake):
    edit, offset, dutch, english = MISTAKES[mistake]
    line = edit(data) + offset
    for lang, expected in (("nl", dutch), ("en", english)):
        problems = check(data, lang, capsys)
        assert len(problems) == 1, problems
        ((name, reported, text),) = problems
        assert (name, reported) == (CARD, line), problems
        assert text.startswith(expected), text


@pytest.mark.parametrize(
    ("name", "dutch", "english"),
    [
        ("atmp2.YML", "hernoem dit bestand naar atmp2.yml", "rename this file to atmp2.yml"),
        ("atmp2.yml.txt", "hernoem dit bestand naar atmp2.yml", "rename this file to atmp2.yml"),
        ("atmp2.yaml", "hernoem dit bestand naar atmp2.yml", "rename this file to atmp2.yml"),
    ],
)
def test_a_card_file_with_another_name_is_reported_not_ignored(data, capsys, name, dutch, english):
    (data / "cards" / name).write_text("id: atmp2\n", encoding="utf-8")
    for lang, expected in (("nl", dutch), ("en", english)):
        assert [(file, line) for file, line, _ in check(data, lang, capsys)] == [(name, 1)]
        assert expected in check(data, lang, capsys)[0][2]


def test_a_folder_in_the_cards_folder_is_reported(data, capsys):
    (data / "cards" / "oud").mkdir()
    (data / "cards" / "oud" / "x.yml").write_text("id: x\n", encoding="utf-8")
    assert check(data, "nl", capsys) == [("oud", 1, "een map in data/cards/ wordt niet gelezen: zet de kaarten "
                                         "erin direct in data/cards/, of haal de map weg")]  # fmt: skip
    assert check(data, "en", capsys)[0][2].startswith("a folder in data/cards/ is not read")


def test_numbers_that_are_not_ambiguous_pass(data, capsys):
    replace("total_meur: 1150\n", "total_meur: 0.125\n")(data)
    assert main(["check", "--data", str(data), "--lang", "nl"]) == 0
    replace("total_meur: 0.125\n", "total_meur: 1150\n")(data)
    assert main(["check", "--data", str(data), "--lang", "nl"]) == 0
    capsys.readouterr()


def test_both_readings_offered_for_1_350_are_accepted_by_check(data, capsys):
    for reading in ("1350", "1.35"):
        replace("total_meur: 1150\n", f"total_meur: {reading}\n")(data)
        assert main(["check", "--data", str(data)]) == 0, capsys.readouterr().err
        replace(f"total_meur: {reading}\n", "total_meur: 1150\n")(data)
    capsys.readouterr()


def test_a_second_copy_of_a_card_under_another_name_is_reported_as_such(data, capsys):
    (data / "cards" / "atmp.YML").write_text("id: atmp\n", encoding="utf-8")
    [(name, line, dutch)] = check(data, "nl", capsys)
    assert (name, line) == ("atmp.YML", 1)
    assert dutch == (
        "kaartbestanden heten <id>.yml, en atmp.yml bestaat al: zet wat je hebt gewijzigd in atmp.yml "
        "en haal dit bestand weg"
    )
    [(_, _, english)] = check(data, "en", capsys)
    assert english.startswith("card files are named <id>.yml, and atmp.yml is there already")


# --- the interface texts in site.yml ---------------------------------------------------------------------------

# (site.yml's text, the mistake, and per problem: the start of its line, Dutch, English)
LABEL_MISTAKES = {
    "misspelt-label": (
        "  legend: {nl: Legenda, en: Legend}\n",
        "  legnd: {nl: Legenda, en: Legend}\n",
        [
            ("labels:",
             "labels.legend: deze interfacetekst ontbreekt: zet hem onder labels, met een tekst in elke taal",
             "labels.legend: this interface text is missing: add it under labels, with a text in each language"),
            ("  legnd:",
             "labels.legnd: onbekende interfacetekst; bedoel je 'legend'?",
             "labels.legnd: unknown interface text; did you mean 'legend'?"),
        ],
    ),
    "misspelt-placeholder": (
        'budget_chart_alt: {nl: "{title}: {amount}"',
        'budget_chart_alt: {nl: "{titel}: {amount}"',
        [
            ("  budget_chart_alt:",
             "labels.budget_chart_alt: de nl-tekst moet precies {amount}, {title} bevatten; "
             "gevonden: '{titel}: {amount}'",
             "labels.budget_chart_alt: the nl text must contain exactly {amount}, {title}; "
             "found: '{titel}: {amount}'"),
        ],
    ),
    "placeholder-with-a-format": (
        'budget_chart_alt: {nl: "{title}: {amount}"',
        'budget_chart_alt: {nl: "{title!r}: {amount}"',
        [
            ("  budget_chart_alt:",
             "labels.budget_chart_alt: schrijf elke {plaatshouder} als een gewone {naam}: zonder opmaak (:...), "
             "conversie (!r), attribuut of index; gevonden: '{title!r}: {amount}'",
             "labels.budget_chart_alt: write each {placeholder} as a plain {name}: no format specs (:...), "
             "conversions (!r), attributes or indexes; found: '{title!r}: {amount}'"),
        ],
    ),
}  # fmt: skip


@pytest.mark.parametrize("mistake", LABEL_MISTAKES)
def test_each_interface_text_mistake_is_reported_on_its_line_in_dutch_and_in_english(data, capsys, mistake):
    old, new, expected = LABEL_MISTAKES[mistake]
    site = data / "site.yml"
    text = site.read_text(encoding="utf-8")
    assert text.count(old) == 1
    edited = text.replace(old, new)
    site.write_text(edited, encoding="utf-8")
    for lang, index in (("nl", 0), ("en", 1)):
        lines = [("site.yml", line_of(edited, "\n" + start) + 1, texts[index]) for start, *texts in expected]
        assert check(data, lang, capsys) == [(name, line, texts) for name, line, texts in lines]


# --- files that are not what they seem ---------------------------------------------------------------------------


def test_a_symbolic_link_in_the_cards_folder_is_refused_in_plain_words(data, capsys):
    (data / "cards" / "kopie.yml").symlink_to(data / "cards" / CARD)
    assert check(data, "nl", capsys) == [
        ("kopie.yml", 1, "is een symbolische link; alleen gewone bestanden uit de repository worden gelezen: zet het "
                         "bestand zelf hier")
    ]  # fmt: skip
    assert check(data, "en", capsys) == [
        ("kopie.yml", 1, "is a symbolic link; only regular files of the repository are read: put the file itself here")
    ]


# --- hand-written pages in content/ -------------------------------------------------------------------------------

# (file in content/, its text, line:col, Dutch, English)
PAGE_MISTAKES = {
    "no-front-matter": (
        "nl/nieuws.md", "# Nieuws\n\nTekst.\n", "1:1",
        "een pagina begint met een kop: een regel ---, dan title: ..., dan een regel ---",
        "a page starts with front matter: a line ---, title: ..., and a line ---",
    ),
    "front-matter-not-closed": (
        "nl/nieuws.md", "---\ntitle: Nieuws\n\n# Nieuws\n", "1:1",
        "de kop heeft geen afsluitende regel ---",
        "the front matter has no closing --- line",
    ),
    "not-a-markdown-page": (
        "nl/over.txt", "Tekst\n", "1:1",
        "alleen Markdown-pagina's (<naam>.md) horen in content/<taal>/: hernoem dit bestand of haal het weg",
        "only Markdown pages (<name>.md) belong in content/<language>/: rename this file or remove it",
    ),
    "a-name-the-site-uses": (
        "nl/projecten.md", "---\ntitle: Projecten\n---\n\nTekst.\n", "1:1",
        "'projecten' is een naam die de site zelf gebruikt; kies een andere naam voor deze pagina",
        "'projecten' is a name the site uses itself; choose another name for this page",
    ),
    "link-not-allowed": (
        "nl/nieuws.md", "---\ntitle: Nieuws\n---\n\n# Nieuws\n\nZie [dit](javascript:alert(1)).\n", "7:11",
        "de link 'javascript:alert(1)' is niet toegestaan: gebruik een volledig webadres (https://…), mailto:, "
        "of een pagina van de site zoals over.md of projecten/<id>.md",
        "the link 'javascript:alert(1)' is not allowed: use a full web address (https://…), mailto:, or a page "
        "of the site such as over.md or projecten/<id>.md",
    ),
    "link-to-a-page-that-is-not-there": (
        "nl/nieuws.md", "---\ntitle: Nieuws\n---\n\nZie [over ons](over-ons.md).\n", "5:16",
        "de link 'over-ons.md' is niet toegestaan: de site heeft zo'n pagina niet; controleer de naam (pagina's "
        "schrijf je als over.md of projecten/<id>.md), en staat die pagina hier ook bij de problemen, verbeter hem "
        "dan eerst",
        "the link 'over-ons.md' is not allowed: the site has no such page; check the name (pages are written like "
        "over.md or projecten/<id>.md), and if that page is reported here too, correct it first",
    ),
}  # fmt: skip


@pytest.mark.parametrize("mistake", PAGE_MISTAKES)
def test_each_page_mistake_is_reported_on_its_line_in_dutch_and_in_english(tmp_path, mistake):
    name, text, place, dutch, english = PAGE_MISTAKES[mistake]
    project = make_project(tmp_path / "project")
    (project / "content" / name).write_text(text, encoding="utf-8")
    for lang, expected in (("nl", dutch), ("en", english)):
        with speaking(lang), pytest.raises(InvalidInput) as invalid:
            load_portfolio(project / "data", project)
        assert [str(problem) for problem in invalid.value.problems] == [f"content/{name}:{place}: {expected}"]


def test_a_folder_in_content_that_is_not_a_language_is_named(tmp_path):
    project = make_project(tmp_path / "project")
    (project / "content" / "de").mkdir()
    for lang, expected in (
        ("nl", "content/de:1:1: is geen van de talen van de site (nl, en); pagina's horen in content/<taal>/"),
        ("en", "content/de:1:1: is not one of the site's languages (nl, en); pages go in content/<language>/"),
    ):
        with speaking(lang), pytest.raises(InvalidInput) as invalid:
            load_portfolio(project / "data", project)
        assert [str(problem) for problem in invalid.value.problems] == [expected]


# --- a sheet that does not fit, in the live preview ----------------------------------------------------------------


def test_the_preview_reports_a_sheet_that_does_not_fit_at_its_field_as_the_build_does(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "true")  # Material sets it when MkDocs first loads it
    data = tmp_path / "data"
    shutil.copytree(PROJECT / "tests" / "fixtures" / "too-long" / "cards", data / "cards")
    shutil.copy(FIXTURE_DATA / "site.yml", data / "site.yml")
    card = (data / "cards" / "overlong.yml").read_text(encoding="utf-8")
    line = line_of(card, "\n  en:", card.index("\nsummary:")) + 1
    for lang, expected in (
        ("nl", "summary.en: de en-factsheet van kaart 'overlong' past niet op één pagina, ook niet met de tekst op de "
               "kleinste maat (8 pt): kort deze tekst in met ongeveer "),
        ("en", "summary.en: the en sheet of card 'overlong' does not fit on one page, even with its text at the "
               "smallest size (8 pt): shorten this text by about "),
    ):  # fmt: skip
        state = PreviewState()
        with speaking(lang):
            _rebuild(PROJECT, data, tmp_path / "preview", state)
        [problem] = state.problems
        match = PROBLEM.match(problem)
        assert match and (Path(match["file"]).name, int(match["line"])) == ("overlong.yml", line), problem
        assert match["rest"].startswith(expected), problem
        assert problem in capsys.readouterr().out.splitlines()  # the terminal shows the same line
