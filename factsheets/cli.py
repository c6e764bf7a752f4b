"""The command line: ``python build.py [COMMAND] [options]``, one ``--help`` per command.

Every text an editor reads comes from the message catalogue (messages.py), in
the language of ``--lang``, of the environment's locale, or the portfolio's default.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml
from jinja2 import TemplateError

from .cardfile import format_cards, formatting_problems
from .cms import INTERFACE_LANGUAGES, cms_config_yaml, config_file_name
from .messages import LANGUAGES, choose_language, did_you_mean, message, speaking, template_problem
from .problems import BuildError, InvalidInput
from .progress import Progress
from .reference import update_guide
from .schema import card_schema_json
from .structured import catalogue_problems
from .validate import Portfolio, load_portfolio

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger("factsheets")
ADMIN = ROOT / "templates" / "admin"
"""The form editor's page, scripts and configuration (``config.yml`` generated from ``backend.yml`` and the model)."""
GUIDES = {"CONTRIBUTING.md": "nl", "CONTRIBUTING.en.md": "en"}
"""The editor's guides, each with a field reference generated from the model."""

COMMANDS = ("build", "check", "serve", "new", "diff", "schema", "tidy", "unconfirmed")
"""``build`` is the default: ``build.py --out site`` builds."""


def main(argv: list[str]) -> int:
    with speaking(_language_before_parsing(argv)):
        return _run(argv)


def _run(argv: list[str]) -> int:
    with _argparse_in_our_words():
        args = _parser().parse_args(argv)
    level = logging.WARNING - 10 * args.verbose + 10 * args.quiet
    logging.basicConfig(level=level, format="%(message)s")
    # The libraries' own progress is noise unless asked for twice (-vv).
    for library in ("weasyprint", "fontTools", "mkdocs", "mkdocs_static_i18n"):
        logging.getLogger(library).setLevel(level if args.verbose > 1 else max(level, logging.WARNING))
    data_dir = args.data.resolve()
    try:
        if args.command == "check":
            return _check(data_dir, args)
        if args.command == "schema":
            return _write_schema(data_dir)
        if args.command == "new":
            return _new_card(data_dir, args)
        if args.command == "diff":
            return _diff(data_dir, args)
        if args.command == "tidy":
            return _tidy(data_dir)
        if args.command == "unconfirmed":
            return _unconfirmed(data_dir)
        if args.command == "serve":
            from .serve import serve

            return serve(ROOT, data_dir, args.port, (args.out or ROOT / ".build" / "preview").resolve())
        return _build(data_dir, args)
    except InvalidInput as invalid:
        _report(invalid, args.format)
        return 1
    except BuildError as error:
        print(message("cli.error", error=error), file=sys.stderr)
        if args.command in ("build", "serve"):
            print(message("cli.nothing_published"), file=sys.stderr)
        return 1
    except TemplateError as error:  # a template saved half-way: its file and line, no traceback
        print(message("cli.error", error=template_problem(error, ROOT)), file=sys.stderr)
        print(message("cli.nothing_published"), file=sys.stderr)
        return 1
    except OSError as error:  # a file or folder the system refuses: the reason and the path, no traceback
        where = f": {error.filename}" if error.filename else ""
        print(message("cli.error", error=f"{error.strerror or error}{where}"), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(message("cli.interrupted"), file=sys.stderr)
        return 130


def _language_before_parsing(argv: list[str]) -> str:
    """``--lang`` if given (so that ``--help`` speaks it too), else the environment's or the portfolio's."""
    given = [word.split("=", 1)[1] for word in argv if word.startswith("--lang=")]
    given += [argv[index + 1] for index, word in enumerate(argv[:-1]) if word == "--lang"]
    if given and given[-1] in LANGUAGES:
        return given[-1]
    # An unknown --lang (de) is refused by the parser, in the language the editor would get without it.
    data = ROOT / "data"
    for index, word in enumerate(argv[:-1]):
        if word == "--data":
            data = Path(argv[index + 1])
    languages, default = _portfolio_languages(data)
    return choose_language(None, languages, default)


def _portfolio_languages(data_dir: Path) -> tuple[list[str] | None, str | None]:
    """The languages of ``site.yml`` and its default, or (None, None) when it cannot be read (check says why)."""
    from .validate import load_portfolio_settings

    try:
        settings = load_portfolio_settings(data_dir.resolve(), ROOT)
    except (InvalidInput, OSError):
        return None, None
    return settings.languages, settings.default_language


class _CommandParser(argparse.ArgumentParser):
    """Subcommands, with ``build`` when none is named (``build.py --out site``)."""

    def parse_known_args(self, args=None, namespace=None):  # type: ignore[no-untyped-def, override]
        words = list(sys.argv[1:] if args is None else args)
        named = next((index for index, word in enumerate(words) if word in COMMANDS), None)
        if named is not None:  # options before the command are its options: ``--lang en check``
            words = [words[named], *words[:named], *words[named + 1 :]]
        elif words and not words[0].startswith("-"):
            hint = did_you_mean(words[0], COMMANDS)
            self.error(message("cli.unknown_command", command=words[0], commands=", ".join(COMMANDS)) + hint)
        elif not any(word in ("-h", "--help") for word in words):
            words.insert(0, "build")
        return super().parse_known_args(words, namespace)


ARGPARSE_TEXTS = {
    "usage: ": "help.usage",
    "positional arguments": "help.positionals",
    "options": "help.optionals",
    "show this help message and exit": "help.help",
    "%(prog)s: error: %(message)s\n": "argparse.error",
    "argument %(argument_name)s: %(message)s": "argparse.argument",
    "unrecognized arguments: %s": "argparse.unrecognized",
    "the following arguments are required: %s": "argparse.required",
    "expected one argument": "argparse.expected_one",
    "expected at most one argument": "argparse.expected_at_most_one",
    "expected at least one argument": "argparse.expected_at_least_one",
    "invalid %(type)s value: %(value)r": "argparse.invalid_value",
    "invalid choice: %(value)r (choose from %(choices)s)": "argparse.invalid_choice",
    "ambiguous option: %(option)s could match %(matches)s": "argparse.ambiguous",
    "ignored explicit argument %r": "argparse.ignored_argument",
}
"""argparse's own words (its usage line, its errors) and their messages in our catalogue."""


@contextmanager
def _argparse_in_our_words() -> Iterator[None]:
    """argparse's texts from our catalogue while the command line is read.

    argparse asks ``gettext`` for its texts in the default domain, whose catalogues are compiled
    ``.mo`` files of the system's locale; ours is a ``.po`` file read at run time in the editor's
    language. Its module-level ``_`` is the one hook it offers, so that is replaced for the parse.
    """
    before = argparse._  # type: ignore[attr-defined]
    argparse._ = _in_our_words  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._ = before  # type: ignore[attr-defined]


def _in_our_words(text: str) -> str:
    return message(ARGPARSE_TEXTS[text]) if text in ARGPARSE_TEXTS else text


def _parser() -> argparse.ArgumentParser:
    """The command line in the editor's language: one subcommand per task, each with its own ``--help``."""
    parser = _CommandParser(
        prog="build.py",
        description=message("help.description"),
        epilog=message("help.epilog"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data", type=Path, default=ROOT / "data", help=message("help.data"))
    common.add_argument("--format", choices=["text", "github"], default="text", help=message("help.format"))
    common.add_argument("--lang", choices=LANGUAGES, help=message("help.lang"))
    common.add_argument("-q", "--quiet", action="count", default=0, help=message("help.quiet"))
    common.add_argument("-v", "--verbose", action="count", default=0, help=message("help.verbose"))
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", title=message("help.commands"), parser_class=argparse.ArgumentParser
    )
    for name in COMMANDS:
        sub = commands.add_parser(
            name,
            parents=[common],
            help=message(f"help.{name}"),
            description=message(f"help.{name}"),
            epilog=message("help.example", example=message(f"help.{name}.example")),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        _COMMAND_OPTIONS.get(name, lambda _: None)(sub)
    return parser


def _build_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--out", type=Path, help=message("help.build.out"))
    sub.add_argument("--base-url", metavar="URL", help=message("help.build.base_url"))
    sub.add_argument("--publish", action="store_true", help=message("help.build.publish"))
    sub.add_argument("--offline", action="store_true", help=message("help.build.offline"))


def _serve_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--port", type=int, default=8000, help=message("help.serve.port"))
    sub.add_argument("--out", type=Path, help=message("help.serve.out"))


def _new_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("target", nargs="?", metavar="ID", help=message("help.new.id"))
    sub.add_argument("--kind", choices=["programme", "flagship"], default="flagship", help=message("help.new.kind"))
    sub.add_argument("--parent", help=message("help.new.parent"))


def _diff_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("target", nargs="?", metavar="BASE", help=message("help.diff.base"))
    sub.add_argument("--out", type=Path, help=message("help.diff.out"))
    sub.add_argument("--preview-url", metavar="URL", default="", help=message("help.diff.preview_url"))


def _check_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--sheets", action="store_true", help=message("help.check.sheets"))


_COMMAND_OPTIONS = {
    "check": _check_options,
    "build": _build_options,
    "serve": _serve_options,
    "new": _new_options,
    "diff": _diff_options,
}


def _build(data_dir: Path, args: argparse.Namespace) -> int:
    from .address import refuse_placeholder, with_address
    from .pdf import sheets_as_problems
    from .publish import build_site

    progress = Progress(quiet=args.quiet > 0)
    portfolio = with_address(load_portfolio(data_dir, ROOT, progress), args.base_url)
    if args.publish:
        refuse_placeholder(portfolio)
    out = (args.out or ROOT / "site").resolve()
    with sheets_as_problems(data_dir, ROOT):
        build_site(portfolio, ROOT, out, progress=progress, offline=args.offline)
    return 0


def _diff(data_dir: Path, args: argparse.Namespace) -> int:
    """The change summary on stdout, or in ``--out DIR`` with pictures; non-zero when a card cannot be read."""
    from .diff import compare, repository_of, write_review

    comparison = compare(repository_of(data_dir), data_dir, args.target)
    if args.out:
        target = write_review(comparison, ROOT, data_dir, args.out.resolve(), args.preview_url)
        print(message("cli.wrote", file=target))
    else:
        print(comparison.markdown, end="")
    for warning in comparison.warnings:
        print(warning.as_github_annotation("warning") if args.format == "github" else warning, file=sys.stderr)
    for card_id in comparison.unreadable:
        print(message("diff.unreadable", card=card_id), file=sys.stderr)
    return 1 if comparison.unreadable else 0


def _check(data_dir: Path, args: argparse.Namespace) -> int:
    portfolio = load_portfolio(data_dir, ROOT)
    # The form editor rewrites a card whole: cards written its way keep its diffs to the fields it changed.
    # A card written otherwise is still a valid card (a new one from `new`, an edit on GitHub's web page):
    # a warning with the command that rewrites it, not an error that blocks the editor's change. So is what the
    # open data's catalogue entry still lacks (site.yml's open_data).
    warnings = [
        *formatting_problems(data_dir / "cards", ROOT),
        *catalogue_problems(portfolio.settings.open_data, data_dir / "site.yml", ROOT),
    ]
    for problem in warnings:
        print(problem.as_github_annotation("warning") if args.format == "github" else problem, file=sys.stderr)
    if args.sheets:
        _check_sheets(portfolio, data_dir, args)
    print(_summary(portfolio))
    return 0


def _check_sheets(portfolio: Portfolio, data_dir: Path, args: argparse.Namespace) -> None:
    """Lay out every sheet as the build does (cached alike), publishing nothing; report each that does not fit."""
    from .pdf import PdfBuild, sheets_as_problems
    from .publish import default_cache_dir
    from .render import Renderer

    progress = Progress(quiet=args.quiet > 0)
    with (
        sheets_as_problems(data_dir, ROOT),
        PdfBuild(Renderer(portfolio, ROOT / "templates"), ROOT, default_cache_dir(ROOT) / "sheets", progress) as pdfs,
    ):
        pdfs.wait()


def _summary(portfolio: Portfolio) -> str:
    programmes = len(portfolio.programmes())
    return message(
        "check.summary",
        cards=len(portfolio.cards),
        programmes=programmes,
        flagships=len(portfolio.cards) - programmes,
        count=len(portfolio.languages),
        languages=", ".join(portfolio.languages),
    )


def _report(invalid: InvalidInput, output_format: str) -> None:
    for problem in invalid.problems:
        print(problem.as_github_annotation() if output_format == "github" else problem, file=sys.stderr)
    print(message("check.problems_found", count=len(invalid.problems)), file=sys.stderr)


def _new_card(data_dir: Path, args: argparse.Namespace) -> int:
    from .scaffold import fill_in_guide, write_new_card
    from .validate import load_portfolio_settings

    if not args.target:
        raise BuildError(message("new.give_id"))
    languages = load_portfolio_settings(data_dir, ROOT).languages
    target = write_new_card(data_dir / "cards", args.target, args.kind, args.parent, languages)
    print(message("new.wrote", file=_shown(target)))
    print(fill_in_guide(args.kind, languages))
    return 0


def _unconfirmed(data_dir: Path) -> int:
    """Every value the cards mark unconfirmed, with its note, for the editors to follow up."""
    from .provenance import unconfirmed_report

    portfolio = load_portfolio(data_dir, ROOT)
    print(unconfirmed_report(portfolio.cards, data_dir, ROOT, portfolio.settings.default_language), end="")
    return 0


def _write_schema(data_dir: Path) -> int:
    portfolio = load_portfolio(data_dir, ROOT)
    target = data_dir / "schema" / "card.schema.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(card_schema_json(portfolio.languages), encoding="utf-8")
    print(message("cli.wrote", file=_shown(target)))
    backend = yaml.safe_load((ADMIN / "backend.yml").read_text(encoding="utf-8"))
    for interface in INTERFACE_LANGUAGES:
        config = ADMIN / config_file_name(interface)
        config.write_text(cms_config_yaml(portfolio.languages, backend, interface), encoding="utf-8")
        print(message("cli.wrote", file=_shown(config)))
    for guide, code in GUIDES.items():
        if update_guide(ROOT / guide, code):
            print(message("schema.updated_guide", guide=guide))
    return 0


def _tidy(data_dir: Path) -> int:
    load_portfolio(data_dir, ROOT)  # only valid cards are rewritten: their values are known to survive
    for path in format_cards(data_dir / "cards"):
        print(message("tidy.rewrote", file=_shown(path)))
    return 0


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
