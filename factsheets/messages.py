"""Messages for editors, from one gettext catalogue per language.

The catalogues are ``locale/<code>/LC_MESSAGES/factsheets.po``, read at run time
with Babel (no compile step a fresh clone would lack). Each message has an id
(``check.summary``) and named ``{placeholders}``; ``message`` fills them in, in
the editor's language.

The editor's language is the one a command is given (``--lang``); without it,
the environment's locale (LC_ALL, LC_MESSAGES, LANG) when that is one of the
portfolio's languages, else the portfolio's default language.
"""

from __future__ import annotations

import difflib
import os
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("nl", "en")
"""The languages with a catalogue; Dutch is the portfolio's usual default."""
DEFAULT_LANGUAGE = "nl"

_chosen: list[str] = []
"""The language a command set for this process (``speaking``); empty until one did."""


@cache
def catalogue(code: str) -> dict[str, str]:
    """The message id -> text table of one language."""
    with (LOCALE_DIR / code / "LC_MESSAGES" / "factsheets.po").open("rb") as po:
        return {entry.id: entry.string for entry in read_po(po, locale=code) if entry.id and entry.string}


def message(key: str, /, **values: object) -> str:
    """The message ``key`` in the editor's language, with its ``{placeholders}`` filled in."""
    text = catalogue(language()).get(key) or catalogue("en")[key]
    return text.format(**values) if values else text


@contextmanager
def speaking(code: str) -> Iterator[None]:
    """Every message in ``code`` while the block runs (a command's run); the earlier choice afterwards."""
    before = list(_chosen)
    _chosen[:] = [code if code in LANGUAGES else "en"]
    try:
        yield
    finally:
        _chosen[:] = before


def language() -> str:
    """The language chosen by the command, else the environment's, else Dutch."""
    if _chosen:
        return _chosen[0]
    return environment_language(LANGUAGES) or DEFAULT_LANGUAGE


def environment_language(portfolio_languages: list[str] | tuple[str, ...]) -> str | None:
    """The language of the environment's locale (``nl_NL.UTF-8`` -> nl) when the portfolio has it."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:  # the first one set decides, as in POSIX
            code = value.split(".")[0].split("_")[0].split("@")[0].lower()
            return code if code in portfolio_languages and code in LANGUAGES else None
    return None


def choose_language(given: str | None, portfolio_languages: list[str] | None, default: str | None) -> str:
    """``--lang`` when given; else the environment's locale if the portfolio has it; else its default language."""
    if given:
        return given
    from_environment = environment_language(portfolio_languages or LANGUAGES)
    if from_environment:
        return from_environment
    return default if default in LANGUAGES else DEFAULT_LANGUAGE


def number(value: float) -> str:
    """A count or size as the editor's language writes it: 20.000 in Dutch, 20,000 in English."""
    return format_decimal(value, locale=language())


def template_problem(error: Exception, root: Path) -> str:
    """A template that cannot be used (a Jinja error: a template saved half-way), at its file and line."""
    filename, line = _template_place(error)
    path = Path(filename)
    shown = path.relative_to(root).as_posix() if path.is_absolute() and path.is_relative_to(root) else filename
    reason = getattr(error, "message", None) or str(error)
    return message("build.template_error", file=shown, line=line, reason=reason)


def _template_place(error: Exception) -> tuple[str, int]:
    """Where a Jinja error is: a syntax error says so itself; an error while a template runs is in the
    innermost frame of template code in its traceback (Jinja gives those frames the template's file and line)."""
    if getattr(error, "filename", None):
        return error.filename, getattr(error, "lineno", None) or 1  # type: ignore[attr-defined]
    place = ("templates", 1)
    for frame, line in traceback.walk_tb(error.__traceback__):
        if "__jinja_exception__" in frame.f_globals:
            place = (frame.f_code.co_filename, line)
    return place


def did_you_mean(wrong: str, known: list[str] | tuple[str, ...]) -> str:
    """``; did you mean 'x'?`` for the known name nearest to ``wrong``, or nothing when none is near."""
    close = difflib.get_close_matches(wrong, list(known), n=1, cutoff=0.6)
    return message("did_you_mean", name=close[0]) if close else ""
