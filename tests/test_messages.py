"""The message catalogues and the editor's language: ``--lang``, the locale, the portfolio's default."""

from __future__ import annotations

import argparse
import json
import os
import re
import string
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest
from babel.messages.pofile import read_po
from conftest import THREE_DOMAINS_DATA
from portfolios import make_project

from factsheets.cli import ARGPARSE_TEXTS, COMMANDS
from factsheets.messages import LANGUAGES, catalogue, speaking, template_problem
from factsheets.problems import BuildError
from factsheets.publish import build_site, run_mkdocs, write_docs_tree
from factsheets.render import Renderer
from factsheets.validate import load_portfolio

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {name: value for name, value in os.environ.items() if name not in ("LC_ALL", "LC_MESSAGES", "LANG")}
    return subprocess.run(
        [sys.executable, "build.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        env={**environment, **(env or {})},
    )


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_catalogues_have_the_same_messages_with_the_same_placeholders():
    english, dutch = catalogue("en"), catalogue("nl")
    assert set(english) == set(dutch)
    for key, text in english.items():
        assert placeholders(text) == placeholders(dutch[key]), key


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        pytest.param(["--lang", "en"], {"LANG": "nl_NL.UTF-8"}, "5 cards valid", id="lang-en-wins-over-locale"),
        pytest.param(["--lang", "nl"], {"LANG": "en_GB.UTF-8"}, "5 kaarten in orde", id="lang-nl-wins-over-locale"),
        pytest.param([], {"LANG": "en_GB.UTF-8"}, "5 cards valid", id="english-locale"),
        pytest.param([], {"LC_ALL": "nl_BE.UTF-8", "LANG": "en_GB"}, "5 kaarten in orde", id="lc-all-first"),
        pytest.param([], {"LANG": "de_DE.UTF-8"}, "5 kaarten in orde", id="other-locale-portfolio-default"),
        pytest.param([], {"LANG": "C.UTF-8"}, "5 kaarten in orde", id="c-locale-portfolio-default"),
    ],
)
def test_check_speaks_the_chosen_language(args, env, expected):
    result = run("check", "--data", str(THREE_DOMAINS_DATA), *args, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(expected), result.stdout


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(
    ("lang", "words"), [("nl", ("gebruik:", "voorbeeld:", "opties:")), ("en", ("usage:", "example:", "options:"))]
)
def test_every_command_has_its_own_help_with_an_example_in_the_editors_language(command, lang, words):
    result = run(command, "--help", "--lang", lang)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{words[0]} build.py {command}")
    example = result.stdout.split(words[1], 1)[1].strip()
    assert example.startswith(f"python build.py {command}"), result.stdout
    assert words[2] in result.stdout
    assert catalogue(lang)[f"help.{command}"].split(";")[0][:30] in " ".join(result.stdout.split())


def test_options_before_the_command_and_no_command_at_all_still_work():
    from factsheets.cli import _parser

    args = _parser().parse_args(["--lang", "en", "--data", "x", "check"])
    assert (args.command, args.lang, args.data) == ("check", "en", Path("x"))
    args = _parser().parse_args(["--publish", "--base-url", "https://example.net/", "--out", "site"])
    assert (args.command, args.publish, args.out) == ("build", True, Path("site"))


def test_an_unknown_language_is_refused_in_plain_words():
    result = run("check", "--lang", "de")
    assert result.returncode == 2
    assert "--lang" in result.stderr and "Traceback" not in result.stderr


def test_the_catalogues_cover_the_languages():
    assert set(LANGUAGES) == {path.name for path in (ROOT / "factsheets" / "locale").iterdir()}


# --- argparse's own words: the command line's mistakes and its help


def run_in(lang: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``build.py ARGS`` on a machine whose locale is ``lang`` (no --lang: a mistake in the options comes first)."""
    return run(*args, env={"LC_MESSAGES": {"nl": "nl_NL.UTF-8", "en": "en_GB.UTF-8"}[lang]})


# (arguments, the Dutch error, the English error): the editor's typing mistakes, in argparse's words made ours
COMMAND_LINE_MISTAKES = {
    "misspelt-command": (
        ["chek"],
        "build.py: fout: 'chek' is geen opdracht; de opdrachten zijn build, check, serve, new, diff, schema, tidy, "
        "unconfirmed; bedoel je 'check'?",
        "build.py: error: 'chek' is not a command; the commands are build, check, serve, new, diff, schema, tidy, "
        "unconfirmed; did you mean 'check'?",
    ),
    "unknown-option": (
        ["check", "--fromat", "github"],
        "build.py: fout: onbekende optie(s) of waarde(n): --fromat github; `--help` na de opdracht toont wat kan",
        "build.py: error: unknown option(s) or value(s): --fromat github; `--help` after the command lists what "
        "it takes",
    ),
    "missing-value": (
        ["check", "--lang"],
        "build.py check: fout: optie --lang: geef er een waarde achter",
        "build.py check: error: option --lang: give a value after it",
    ),
    "invalid-choice": (
        ["check", "--format", "xml"],
        "build.py check: fout: optie --format: 'xml' is geen van de keuzes: kies uit 'text', 'github'",
        "build.py check: error: option --format: 'xml' is not one of the choices: choose from 'text', 'github'",
    ),
    "unknown-language": (
        ["check", "--lang", "de"],
        "build.py check: fout: optie --lang: 'de' is geen van de keuzes: kies uit 'nl', 'en'",
        "build.py check: error: option --lang: 'de' is not one of the choices: choose from 'nl', 'en'",
    ),
    "not-a-number": (
        ["serve", "--port", "acht"],
        "build.py serve: fout: optie --port: 'acht' is hier geen geldige waarde: `--help` na de opdracht zegt wat "
        "deze optie neemt",
        "build.py serve: error: option --port: 'acht' is not a valid value here: `--help` after the command says "
        "what this option takes",
    ),
}


@pytest.mark.parametrize("mistake", COMMAND_LINE_MISTAKES)
def test_a_mistake_on_the_command_line_is_explained_in_the_editors_language(mistake):
    args, dutch, english = COMMAND_LINE_MISTAKES[mistake]
    for lang, expected, usage in (("nl", dutch, "gebruik: build.py"), ("en", english, "usage: build.py")):
        result = run_in(lang, *args)
        assert (result.returncode, result.stdout) == (2, ""), result.stderr
        assert "Traceback" not in result.stderr
        assert result.stderr.startswith(usage), result.stderr
        assert result.stderr.splitlines()[-1] == expected


def test_help_speaks_the_locales_language_without_lang():
    dutch, english = run_in("nl", "new", "--help"), run_in("en", "new", "--help")
    assert dutch.stdout.startswith("gebruik: build.py new") and "\nopties:\n" in dutch.stdout
    assert "\nargumenten:\n" in dutch.stdout and "toon deze hulp en stop" in dutch.stdout
    assert english.stdout.startswith("usage: build.py new") and "\noptions:\n" in english.stdout
    assert "show this help and stop" in english.stdout


# --- every message the code gives is in both catalogues -------------------------------------------------------

MESSAGE_ID = re.compile(
    r"\"((?:argparse|build|check|cli|content|diff|help|load|model|new|pdf|progress|schema|serve|text|tidy|unconfirmed|"
    r"yaml)(?:\.[a-z_]+)+|did_you_mean)\""
)
NOT_MESSAGES = {"build.py", "unconfirmed.fields", "unconfirmed.note"}
"""Quoted names in the code that look like message ids but are a file and a card's fields."""


def raw_catalogue(code: str) -> dict[str, str]:
    """The catalogue as written, empty translations included (``catalogue`` leaves those out)."""
    with (ROOT / "factsheets" / "locale" / code / "LC_MESSAGES" / "factsheets.po").open("rb") as po:
        return {entry.id: entry.string for entry in read_po(po, locale=code) if entry.id}


def test_every_message_id_in_the_code_has_a_translation_in_both_catalogues():
    code = "\n".join(path.read_text(encoding="utf-8") for path in (ROOT / "factsheets").glob("*.py"))
    used = set(MESSAGE_ID.findall(code)) - NOT_MESSAGES
    assert {"check.label_missing", "text.link_not_allowed", "content.no_front_matter", "argparse.error"} <= used
    for lang in LANGUAGES:
        written = raw_catalogue(lang)
        assert sorted(used - set(written)) == [], lang
        assert [key for key in sorted(used) if not written[key].strip()] == [], lang


def test_every_error_kind_of_the_card_model_has_a_message_in_both_catalogues():
    kinds = set(re.findall(r'PydanticCustomError\(\s*"([a-z_]+)"', (ROOT / "factsheets" / "model.py").read_text()))
    special = {"parent", "order"}  # each of these kinds has two messages, chosen by validate._message
    assert kinds > special
    for lang in LANGUAGES:
        assert [kind for kind in sorted(kinds - special) if f"model.{kind}" not in catalogue(lang)] == [], lang


def test_every_argparse_text_we_translate_is_one_argparse_really_asks_for():
    source = Path(argparse.__file__).read_text(encoding="utf-8")
    for text, key in ARGPARSE_TEXTS.items():
        assert repr(text) in source or json.dumps(text) in source, text
        assert all(catalogue(lang).get(key) for lang in LANGUAGES), key


# --- a template or the site's pages that MkDocs refuses --------------------------------------------------------


BROKEN_TEMPLATES = {  # (template, text, replaced by, the line of the mistake below the text's line)
    "syntax": ("site/main.html", '{% extends "base.html" %}', '{% extends "base.html" %}\n{% if %}', 1),
    "runtime": ("print/sheet.html.j2", "<body", "{{ no_such_value.name }}\n<body", 0),
}


@pytest.mark.parametrize("kind", BROKEN_TEMPLATES)
def test_a_broken_template_is_named_with_its_file_line_and_what_to_do(tmp_path, monkeypatch, kind):
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "true")  # Material sets it when MkDocs first loads it
    name, old, new, below = BROKEN_TEMPLATES[kind]
    project = make_project(tmp_path / "project")
    template = project / "templates" / name
    text = template.read_text(encoding="utf-8")
    assert old in text
    template.write_text(text.replace(old, new, 1), encoding="utf-8")
    line = text[: text.index(old)].count("\n") + 1 + below
    with pytest.raises(jinja2.TemplateError) as broken:
        build_site(load_portfolio(project / "data", project), project, tmp_path / "site", tmp_path / "cache")
    assert not (tmp_path / "site").exists()
    for lang, expected in (
        ("nl", "dit sjabloon is onbruikbaar ("),
        ("en", "this template cannot be used ("),
    ):
        with speaking(lang):
            text = template_problem(broken.value, project)
        assert text.startswith(f"templates/{name}:{line}: {expected}"), text
    assert text.endswith(f"undo the last change to it (`git diff templates/{name}` shows it)")


def test_pages_mkdocs_refuses_are_named_in_the_message_in_both_languages(tmp_path, monkeypatch):
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "true")
    project = make_project(tmp_path / "project")
    portfolio = load_portfolio(project / "data", project)
    docs = tmp_path / "docs"
    (tmp_path / "work").mkdir()
    write_docs_tree(Renderer(portfolio, project / "templates"), project, docs)
    with (docs / "nl" / "over.md").open("a", encoding="utf-8") as page:
        page.write("\n[Bronnen](bestaat-niet.md)\n")
    for lang, expected in (
        ("nl", "MkDocs kon de site niet bouwen: Doc file 'nl/over.md' contains a link 'bestaat-niet.md'"),
        ("en", "MkDocs could not build the site: Doc file 'nl/over.md' contains a link 'bestaat-niet.md'"),
    ):
        with speaking(lang), pytest.raises(BuildError) as refused:
            run_mkdocs(portfolio, project, docs, tmp_path / "site", tmp_path / "work", tmp_path / "cache")
        assert str(refused.value).startswith(expected), refused.value
        assert ("content/<taal>/" if lang == "nl" else "content/<language>/") in str(refused.value)
