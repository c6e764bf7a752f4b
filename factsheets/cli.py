"""The command line: ``python build.py [check|serve|schema] [options]``."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from .problems import BuildError, InvalidInput
from .progress import Progress
from .reference import update_guide
from .schema import card_schema_json
from .validate import Portfolio, load_portfolio

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger("factsheets")
GUIDES = {"CONTRIBUTING.md": "nl", "CONTRIBUTING.en.md": "en"}
"""The editor's guides, each with a field reference generated from the model."""


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    level = logging.WARNING - 10 * args.verbose + 10 * args.quiet
    logging.basicConfig(level=level, format="%(message)s")
    # The libraries' own progress is noise unless asked for twice (-vv).
    for library in ("weasyprint", "fontTools", "mkdocs", "mkdocs_static_i18n"):
        logging.getLogger(library).setLevel(level if args.verbose > 1 else max(level, logging.WARNING))
    data_dir = args.data.resolve()
    try:
        if args.command == "check":
            return _check(data_dir)
        if args.command == "schema":
            return _write_schema(data_dir)
        if args.command == "new":
            return _new_card(data_dir, args)
        if args.command == "diff":
            return _diff(data_dir, args)
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
        print(f"error: {error}", file=sys.stderr)
        if args.command in ("build", "serve"):
            print("nothing was published; the previous output is unchanged", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; the previous output is unchanged", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py", description="Validate the cards; build the site and PDFs.")
    parser.add_argument(
        "command",
        nargs="?",
        default="build",
        choices=["build", "check", "serve", "new", "diff", "schema", "unconfirmed"],
        help="build (default): the site with all PDFs; check: validate only; serve: live preview; "
        "new ID: a card to fill in; diff [BASE]: the portfolio's changes against a git revision (default: the "
        "merge base with the default branch); "
        "schema: regenerate data/schema/card.schema.json; unconfirmed: list every value marked unconfirmed",
    )
    parser.add_argument("target", nargs="?", help="new: the new card's id; diff: the git revision to compare with")
    parser.add_argument("--kind", choices=["programme", "flagship"], default="flagship", help="new: the card's kind")
    parser.add_argument("--parent", help="new: the programme a flagship belongs to")
    parser.add_argument(
        "--out",
        type=Path,
        help="build: the output folder (default: site/); serve: the preview's folder (default: .build/preview/); "
        "diff: a folder for summary.md and pictures",
    )
    parser.add_argument(
        "--base-url",
        metavar="URL",
        help="build: the site's public address for canonical links, the sitemap and the sheets' links and QR codes "
        "(default: base_url in data/site.yml)",
    )
    parser.add_argument(
        "--publish",
        action="store_true",
        help="build: a build for publication; refuses a placeholder address such as example.org or localhost",
    )
    parser.add_argument(
        "--offline", action="store_true", help="build: a copy that opens from the file system, without a server"
    )
    parser.add_argument(
        "--preview-url",
        metavar="URL",
        default="",
        help="diff --out: the change's published preview, with the --out folder copied into it; the summary "
        "links the preview and its pictures there (for a pull-request comment)",
    )
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="data folder (default: data/)")
    parser.add_argument(
        "--format",
        choices=["text", "github"],
        default="text",
        help="how problems are printed: text (file:line:col) or github annotations",
    )
    parser.add_argument(
        "--port", type=int, default=8000, help="serve: the port on localhost (default: 8000; 0: any free port)"
    )
    parser.add_argument("-q", "--quiet", action="count", default=0, help="print less")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="print more")
    return parser


def _build(data_dir: Path, args: argparse.Namespace) -> int:
    from .address import refuse_placeholder, with_address
    from .publish import build_site

    progress = Progress(quiet=args.quiet > 0)
    portfolio = with_address(load_portfolio(data_dir, ROOT, progress), args.base_url)
    if args.publish:
        refuse_placeholder(portfolio)
    out = (args.out or ROOT / "site").resolve()
    build_site(portfolio, ROOT, out, progress=progress, offline=args.offline)
    return 0


def _diff(data_dir: Path, args: argparse.Namespace) -> int:
    """The change summary on stdout, or in ``--out DIR`` with pictures; non-zero when a card cannot be read."""
    from .diff import compare, repository_of, write_review

    comparison = compare(repository_of(data_dir), data_dir, args.target)
    if args.out:
        target = write_review(comparison, ROOT, data_dir, args.out.resolve(), args.preview_url)
        print(f"wrote {target}")
    else:
        print(comparison.markdown, end="")
    for warning in comparison.warnings:
        print(warning.as_github_annotation("warning") if args.format == "github" else warning, file=sys.stderr)
    for card_id in comparison.unreadable:
        print(f"{card_id}: this card cannot be read; `build.py check` says why", file=sys.stderr)
    return 1 if comparison.unreadable else 0


def _check(data_dir: Path) -> int:
    portfolio = load_portfolio(data_dir, ROOT)
    print(_summary(portfolio))
    return 0


def _summary(portfolio: Portfolio) -> str:
    programmes = len(portfolio.programmes())
    return (
        f"{len(portfolio.cards)} cards valid ({programmes} programme(s), {len(portfolio.cards) - programmes} "
        f"flagship(s)) in {len(portfolio.languages)} languages: {', '.join(portfolio.languages)}"
    )


def _report(invalid: InvalidInput, output_format: str) -> None:
    for problem in invalid.problems:
        print(problem.as_github_annotation() if output_format == "github" else problem, file=sys.stderr)
    print(f"{len(invalid.problems)} problem(s) found; nothing was built.", file=sys.stderr)


def _new_card(data_dir: Path, args: argparse.Namespace) -> int:
    from .scaffold import write_new_card
    from .validate import load_portfolio_settings

    if not args.target:
        raise BuildError("give the new card's id: python build.py new ID --kind flagship --parent PROGRAMME")
    languages = load_portfolio_settings(data_dir, ROOT).languages
    target = write_new_card(data_dir / "cards", args.target, args.kind, args.parent, languages)
    print(f"wrote {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}: fill it in, then run check")
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
    print(f"wrote {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")
    for guide, code in GUIDES.items():
        if update_guide(ROOT / guide, code):
            print(f"updated the field reference in {guide}")
    return 0
