"""The fidelity check: a built site read against the source document its cards were transcribed from.

    python -m factsheets.fidelity SOURCE.txt [--context ARTICLE.txt ...] [--site site/] [--content content/]

``SOURCE.txt`` is the plain text of the original cards (a slide deck, extracted in reading
order, each card ending in its "Project naam:" field). The check reads what readers read, the
built pages and the PDF sheets, and reports:

- a figure of a source card that is missing from its card's Dutch page or Dutch sheet;
- a Dutch sentence of a source card that is missing from its card's Dutch page or Dutch sheet;
- a figure on a card's page or sheet, in any language, or on a hand-written content page, that
  is in no source document. A figure the card marks unconfirmed is listed apart, not as an error:
  the page says it is unconfirmed. Figures of the card's own source references (a page number)
  and the sheet's scales (years, TRL 1 to 9) are not statements.

The overview and domain pages are left out: their totals and counts are computed, not transcribed.
It compares with the live data, so it is a command for editors and reviewers, not a unit test;
the tests run it on the fixture portfolio. Exit status 1 when something is reported.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

EXTRACTION_DAMAGE = {
    "\ufffd100 miljoen": "€ 100 miljoen",
    "\ufffd1 miljard": "€ 1 miljard",
    "Quantum Deltal NL": "Quantum Delta NL",
    "Pilar III": "Pillar III",
    "\n5050\n": "\n50\n\n50\n",
    "\ufffd ": "",  # what is left of the replacement character is a lost bullet
}
"""Characters the text extraction lost or merged, and typos of the original, as the source's notes list them."""

CARD_END = re.compile(r"Project\s*\n\s*naam:")
SUMMARY_END = re.compile(r"Tijdlijn")
BUDGET = re.compile(r"€\s*[\d.]+")
"""The card's first prose block (the summary) ends at its timeline; the second (relevance and the
partnerships) at its budget ("€ 1.200" on a line of its own), the first fact after them."""
PROSE_START = "Strategische relevantie en maatschappelijke baten"
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"(])")
HEADINGS = re.compile(
    r"(Strategische relevantie en maatschappelijke baten|Koppeling aan (?:Nederlandse|Europese) samenwerkingen)"
)
NAMED_VERSION = re.compile(r"\bWCAG\)?\s*\d+(?:\.\d+)*")
"""A standard's version number is part of its name, not a figure: "(WCAG) 2.1"."""
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
WEB_ADDRESS = re.compile(r"https?://\S+")


@dataclass
class SourceCard:
    """One card of the source document: its heading, its Dutch sentences and its figures."""

    heading: str
    sentences: list[str]
    figures: set[Decimal]


@dataclass
class Report:
    """What the check found: problems (the exit status is 1) and notes on figures the cards mark unconfirmed."""

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --- reading the source --------------------------------------------------------------------------------------


def repaired(text: str) -> str:
    """The source text with its extraction damage undone."""
    for damaged, meant in EXTRACTION_DAMAGE.items():
        text = text.replace(damaged, meant)
    return text


def source_cards(text: str) -> list[SourceCard]:
    """The distinct cards of the source text (a page extracted twice counts once), in their order."""
    cards: dict[str, SourceCard] = {}
    for chunk in CARD_END.split(repaired(text))[:-1]:
        lines = [line.strip() for line in chunk.strip().splitlines()]
        heading = lines[0]
        if heading not in cards:
            prose = _prose(lines)
            cards[heading] = SourceCard(heading, _sentences(prose), figures(chunk, "nl"))
    return list(cards.values())


def _prose(lines: list[str]) -> str:
    summary = _between(lines, 2, SUMMARY_END)
    start = lines.index(PROSE_START) if PROSE_START in lines else len(lines)
    rest = _between(lines, start, BUDGET)
    return " ".join(summary + rest)


def _between(lines: list[str], start: int, end: re.Pattern[str]) -> list[str]:
    block = []
    for line in lines[start:]:
        if end.fullmatch(line):
            break
        block.append(line)
    return block


def _sentences(prose: str) -> list[str]:
    """The prose's sentences with their punctuation; a block's heading is a sentence of its own."""
    sentences = []
    for part in HEADINGS.split(" ".join(prose.split())):
        sentences += [sentence.strip() for sentence in SENTENCE_END.split(part) if sentence.strip()]
    return sentences


def figures(text: str, code: str) -> set[Decimal]:
    """Every number in ``text`` as a value, read with the separators of language ``code``."""
    thousands, decimal = (".", ",") if code == "nl" else (",", ".")
    found = set()
    for token in NUMBER.findall(NAMED_VERSION.sub(" ", WEB_ADDRESS.sub(" ", text))):
        if re.fullmatch(rf"\d{{1,3}}(\{thousands}\d{{3}})+", token):
            token = token.replace(thousands, "")
        token = token.replace(decimal, ".")
        if token.count(".") > 1:  # "30.09.2025" or "1.2.3": separate numbers
            found.update(Decimal(part).normalize() for part in token.split(".") if part)
        else:
            found.add(Decimal(token).normalize())
    return found


# --- reading the build ----------------------------------------------------------------------------------------


def page_texts(html: str, containers: Iterable[str]) -> tuple[str, str]:
    """The text of the page's main blocks: all of it, and what states figures (no hidden scales, plus aria labels)."""
    import tinyhtml5

    document = tinyhtml5.parse(html, namespace_html_elements=False)
    roots = [element for element in document.iter() if set(element.get("class", "").split()) & set(containers)]
    every, stated = [], []
    for root in roots:
        every.append(" ".join(root.itertext()))
        stated.append(" ".join(_stated(root)))
    return " ".join(every), " ".join(stated)


def _stated(element: Any) -> Iterator[str]:
    if element.get("aria-hidden") == "true":
        return
    if element.get("aria-label"):
        yield element.get("aria-label")
    if element.text:
        yield element.text
    for child in element:
        yield from _stated(child)
        if child.tail:
            yield child.tail


def sheet_text(path: Path) -> str:
    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(path).pages)


def without_scales(text: str, years: range) -> str:
    """The sheet's text without its two scales: the portfolio's years (as "25 26 …") and TRL 1 to 9."""
    for scale in ([f"{year % 100:02d}" for year in years], [str(level) for level in range(1, 10)]):
        text = re.sub(r"(?<!\S)" + r"\s+".join(scale) + r"(?!\S)", " ", text)
    return text


def squashed(text: str) -> str:
    """Text compared without its whitespace: line breaks, list markers' spacing and the extraction's spaces differ."""
    return re.sub(r"\s+", "", text)


# --- the check --------------------------------------------------------------------------------------------------


CARD_CONTAINERS = ("fs-sheet", "fs-page__aside")
CONTENT_CONTAINERS = ("md-content__inner",)


def check_card(source: SourceCard, where: str, text: str, stated: str, report: Report, code: str = "nl") -> None:
    """One Dutch page or sheet against its source card: every sentence and every figure present."""
    present = squashed(text)
    for sentence in source.sentences:
        if squashed(sentence) not in present:
            report.problems.append(f"{where}: a sentence of the source is missing: {sentence!r}")
    missing = source.figures - figures(stated, code)
    for value in sorted(missing):
        report.problems.append(f"{where}: a figure of the source is missing: {value:f}")


def check_figures(
    where: str, stated: str, code: str, known: set[Decimal], unconfirmed: dict[Decimal, str], report: Report
) -> None:
    """Every figure ``stated`` must be in a source; an unconfirmed one is noted instead."""
    for value in sorted(figures(stated, code) - known):
        if value in unconfirmed:
            report.notes.append(
                f"{where}: {value:f} is not in the source; the card marks it unconfirmed ({unconfirmed[value]})"
            )
        else:
            report.problems.append(f"{where}: states {value:f}, a figure in no source")


def check_site(site: Path, source: Path, context: list[Path], content: Path | None) -> Report:
    """Every card page and sheet of the build at ``site``, and its content pages, against the sources."""
    report = Report()
    manifest = json.loads((site / "portfolio.json").read_text(encoding="utf-8"))
    source_text = source.read_text(encoding="utf-8")
    cards = source_cards(source_text)
    known = figures(repaired(source_text), "nl")
    for extra in context:
        known |= figures(extra.read_text(encoding="utf-8"), "nl")
    default = manifest["default_language"]
    by_heading = {" ".join(card.heading.split()): card for card in cards}
    titles = {" ".join(entry["title"][default].split()) for entry in manifest["cards"]}
    years = range(
        min(card["timeline"]["start"] for card in manifest["cards"]),
        max(card["timeline"]["end"] for card in manifest["cards"]) + 1,
    )
    for heading in by_heading.keys() - titles:
        report.problems.append(f"the source's card {heading!r} has no card in the build")
    for entry in manifest["cards"]:
        source_card = by_heading.get(" ".join(entry["title"][default].split()))
        allowed = _references(entry)
        unconfirmed = _unconfirmed_values(entry, default)
        for code in manifest["languages"]:
            urls = entry["urls"][code]
            html = (site / urls["page"] / "index.html").read_text(encoding="utf-8")
            text, stated = page_texts(html, CARD_CONTAINERS)
            sheet = without_scales(sheet_text(site / urls["pdf"]), years)
            for where, every, said in ((urls["page"], text, stated), (urls["pdf"], sheet, sheet)):
                if code == default and source_card is not None:
                    check_card(source_card, where, every, said, report, code)
                check_figures(where, said, code, known | allowed, unconfirmed, report)
        if source_card is None:
            report.problems.append(f"{entry['id']}: the card is not in the source")
    if content is not None:
        _check_content_pages(site, manifest, content, known, report)
    return report


def _references(entry: dict[str, Any]) -> set[Decimal]:
    """The figures of the card's own source references: they say where the card comes from."""
    found: set[Decimal] = set()
    for source in entry.get("sources", []):
        found |= figures(" ".join(str(source.get(key, "")) for key in ("page", "date")), "nl")
    return found


def _unconfirmed_values(entry: dict[str, Any], code: str) -> dict[Decimal, str]:
    values = {}
    for item in entry.get("unconfirmed", []):
        for path in item["fields"]:
            value = _value_at(entry, path)
            if isinstance(value, int | float):
                values[Decimal(str(value)).normalize()] = f"{path}: {item['note'][code]}"
    return values


def _value_at(entry: dict[str, Any], path: str) -> Any:
    value: Any = entry
    for part in re.findall(r"[^.\[\]]+", path):
        value = value[int(part)] if part.isdigit() else value.get(part)
    return value


def _check_content_pages(
    site: Path, manifest: dict[str, Any], content: Path, known: set[Decimal], report: Report
) -> None:
    for code in manifest["languages"]:
        prefix = "" if code == manifest["default_language"] else f"{code}/"
        for page in sorted((content / code).glob("*.md")):
            built = site / prefix / page.stem / "index.html"
            if not built.is_file():
                report.problems.append(f"{prefix}{page.stem}/: the content page was not built")
                continue
            _, stated = page_texts(built.read_text(encoding="utf-8"), CONTENT_CONTAINERS)
            check_figures(f"{prefix}{page.stem}/", stated, code, known, {}, report)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m factsheets.fidelity", description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="the plain text of the original cards")
    parser.add_argument(
        "--context", type=Path, action="append", default=[], help="another source document (repeatable)"
    )
    parser.add_argument("--site", type=Path, default=Path("site"), help="the built site (default: site/)")
    parser.add_argument(
        "--content", type=Path, default=Path("content"), help="the hand-written pages (default: content/)"
    )
    args = parser.parse_args(argv)
    report = check_site(args.site, args.source, args.context, args.content)
    for note in report.notes:
        print(f"note: {note}")
    for problem in report.problems:
        print(problem)
    print(f"{len(report.problems)} problem(s), {len(report.notes)} unconfirmed figure(s) noted")
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
