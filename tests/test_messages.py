"""The message catalogues and the editor's language: ``--lang``, the locale, the portfolio's default."""

from __future__ import annotations

import os
import string
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import THREE_DOMAINS_DATA

from factsheets.cli import COMMANDS
from factsheets.messages import LANGUAGES, catalogue

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
