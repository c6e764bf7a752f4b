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
from portfolios import FIXTURE_DATA

from factsheets.cli import main

CARD = "infectieziekten.yml"
TITLE = "title:\n  nl: Infectieziekten\n  en: Infectious Diseases\n"
PROBLEM = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<rest>.*)$")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE_DATA, tmp_path / "data"))


def line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


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
        replace("total_meur: 1200\n", "total_meur: 1,5\n"),
        0,
        "budget.total_meur: 1,5 heeft een decimale komma: schrijf 1.5 (met een punt)",
        "budget.total_meur: 1,5 has a decimal comma: write 1.5 (with a decimal point)",
    ),
    "ambiguous-thousands": (
        replace("total_meur: 1200\n", "total_meur: 1.200\n"),
        0,
        "budget.total_meur: 1.200 wordt gelezen als 1.2 (de punt is een decimaalteken): schrijf 1200 als je 1200 "
        "bedoelt, of 1.2 als je 1.2 bedoelt",
        "budget.total_meur: 1.200 is read as 1.2 (the dot is a decimal point): write 1200 if you mean 1200, "
        "or 1.2 if you mean 1.2",
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
    replace("total_meur: 1200\n", "total_meur: 0.125\n")(data)
    assert main(["check", "--data", str(data), "--lang", "nl"]) == 0
    replace("total_meur: 0.125\n", "total_meur: 1200\n")(data)
    assert main(["check", "--data", str(data), "--lang", "nl"]) == 0
    capsys.readouterr()


def test_both_readings_offered_for_1_200_are_accepted_by_check(data, capsys):
    for reading in ("1200", "1.2"):
        replace("total_meur: 1200\n", f"total_meur: {reading}\n")(data)
        assert main(["check", "--data", str(data)]) == 0, capsys.readouterr().err
        replace(f"total_meur: {reading}\n", "total_meur: 1200\n")(data)
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
