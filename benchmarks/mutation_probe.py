"""How strong are the output tests? Put plausible bugs into a copy of the project, one at a time.

Each mutant is a small edit a developer could make by mistake in the code that shapes what
readers see (pages, CSV, charts, sheets, booklets, caches, the atomic output). For each, the
relevant test files run on a copy of the project with that one edit; the mutant is *killed* when
they fail, and *survives* when they pass. The score is the share killed.

    .venv/bin/python benchmarks/mutation_probe.py            # every mutant
    .venv/bin/python benchmarks/mutation_probe.py 3 7        # only mutants 3 and 7
    .venv/bin/python benchmarks/mutation_probe.py --list     # what they are

A mutant whose edit no longer applies (the code changed) is reported as such, not counted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
OUTPUT_FOLDERS = {".git", ".venv", "site", ".cache", ".build"}  # at the project's top level only
ANYWHERE = {"__pycache__", ".pytest_cache", ".hypothesis", ".ruff_cache"}


def _not_copied(folder: str, names: list[str]) -> set[str]:
    top = Path(folder) == ROOT
    return {name for name in names if name in ANYWHERE or (top and name in OUTPUT_FOLDERS)}


SITE = ["tests/test_site.py"]
PDF = ["tests/test_booklet.py", "tests/test_pdf.py"]
PUBLISH = ["tests/test_publish.py"]
BROWSER = ["tests/test_browser.py"]
RENDER = ["tests/test_render.py"]


@dataclass(frozen=True)
class Mutant:
    what: str
    file: str
    edits: tuple[tuple[str, str], ...]
    tests: tuple[str, ...]


def mutant(
    what: str, file: str, old: str, new: str, *tests: list[str], more: tuple[tuple[str, str], ...] = ()
) -> Mutant:
    return Mutant(what, file, ((old, new), *more), tuple(path for group in tests for path in group))


MUTANTS = [
    # The bugs issue 18 lists, each one a user would notice.
    mutant("booklet not rebuilt when a sheet changes", "factsheets/pdf.py",
           "_key(title, *(f'{self.keys[n]} {e}' for n, e in parts), code)", "_key(title, code)", PDF, PUBLISH),
    mutant("portfolio total counts included flagships twice", "factsheets/validate.py",
           "for card in cards if card.parent not in included)", "for card in cards)", SITE, PDF),
    mutant("CSV's public and private columns swapped", "factsheets/publish.py",
           "card.shares.public,\n                card.shares.private,",
           "card.shares.private,\n                card.shares.public,", SITE, PUBLISH),
    mutant("booklet's StructParents not renumbered", "factsheets/booklet.py",
           "page.obj.StructParents = int(page.obj.StructParents) + offset",
           "page.obj.StructParents = int(page.obj.StructParents)", PDF),
    mutant("bookmarks all lead to the cover", "factsheets/booklet.py",
           "copy = OutlineItem(item.title, first_page + _page_index(source, item.destination))",
           "copy = OutlineItem(item.title, 0)", PDF, more=(("wrapper = OutlineItem(title, first_page)",
                                                            "wrapper = OutlineItem(title, 0)"),)),
    mutant("budget chart scaled to the smallest budget", "factsheets/render.py",
           '"max_meur": max(row["total_meur"]', '"max_meur": min(row["total_meur"]', SITE),
    mutant("comparison table's filter inverted", "templates/assets/js/comparison.js",
           "row.hidden = !visible;", "row.hidden = visible;", BROWSER),
    mutant("a domain page lists every card", "factsheets/render.py",
           "listing_params(portfolio, domain.cards, lang, link, chart_rows=[])",
           "listing_params(portfolio, portfolio.cards, lang, link, chart_rows=[])", SITE),
    mutant("cards menu dropped", "factsheets/publish.py",
           "if len(portfolio.cards) > NAV_CARDS:", "if True:", SITE),
    mutant("sheets' fetcher allowed onto the network", "factsheets/pdf.py",
           'allowed_protocols={"file"}', 'allowed_protocols={"file", "http", "https"}', PDF),
    mutant("build writes straight into the output folder", "factsheets/publish.py",
           'stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))',
           "out.mkdir(exist_ok=True)\n    stage = out", PUBLISH,
           more=(("        shutil.rmtree(stage, ignore_errors=True)\n        raise", "        raise"),
                 ("    if out.exists():\n        out.rename(old)\n    stage.rename(out)\n", ""))),
    mutant("sheet cache key without the project's code", "factsheets/fingerprint.py",
           "    return digest.hexdigest()\n\n\ndef content_digest", "    return ''\n\n\ndef content_digest", PUBLISH),
    mutant("a cache entry reused without checking its digest", "factsheets/fingerprint.py",
           'return record.read_text(encoding="ascii").strip() == content_digest(entry)', "return True", PUBLISH),
    mutant("SOURCE_DATE_EPOCH from git left in the environment", "factsheets/publish.py",
           '        os.environ.pop("SOURCE_DATE_EPOCH", None)\n', "        pass\n", PUBLISH),
    # More bugs of the same kind: what pages, sheets and booklets show.
    mutant("language switcher names each language in the default language", "factsheets/publish.py",
           '"name": language_name(code, code)', '"name": language_name(code, settings.default_language)', SITE),
    mutant("sheet's capital share shows the R&D number", "factsheets/render.py",
           '{"label": lang.t("capital"), "value": card.shares.capital}',
           '{"label": lang.t("capital"), "value": card.shares.rnd}', PDF),
    mutant("timeline scale ends at the latest start", "factsheets/render.py",
           "max(card.timeline.end for card in portfolio.cards)", "max(card.timeline.start for card in portfolio.cards)",
           SITE),
    mutant("manifest points every language to the default language's PDF", "factsheets/publish.py",
           '"pdf": pdf_path(card.id, code)', '"pdf": pdf_path(card.id, portfolio.settings.default_language)', SITE),
    mutant("comparison table sorts the wrong way round", "templates/assets/js/comparison.js",
           "return ascending ? order : -order;", "return ascending ? -order : order;", BROWSER),
    mutant("TRL filter leaves out a card's lowest level", "templates/assets/js/comparison.js",
           "Number(row.dataset.trlMin) <= level", "Number(row.dataset.trlMin) < level", BROWSER),
    mutant("domain total counts included flagships twice", "factsheets/render.py",
           "    total = total_meur(domain.cards)\n",
           "    total = sum(card.budget.total_meur for card in domain.cards)\n", SITE),
    mutant("booklet's cards in reverse order", "factsheets/pdf.py",
           "for card in portfolio.cards]\n        parts.append",
           "for card in reversed(portfolio.cards)]\n        parts.append", PDF),
    mutant("sheet's web address in the default language", "factsheets/render.py",
           "web_address = self._web_address(page_url(self.portfolio, card.id, lang.code))",
           "web_address = self._web_address(page_url(self.portfolio, card.id, "
           "self.portfolio.settings.default_language))", PDF),
    mutant("programme sheet states its own total as its flagships'", "factsheets/render.py",
           '"flagships_meur": portfolio.flagships_total_meur(card) if included else 0',
           '"flagships_meur": card.budget.total_meur if included else 0', PDF),
    mutant("overview counts programmes as flagships", "factsheets/render.py",
           '"flagship_count": len(cards) - len(programmes)', '"flagship_count": len(programmes)', SITE),
    mutant("site cache key without the docs tree", "factsheets/publish.py",
           "for folder in (docs, theme_overrides):", "for folder in (theme_overrides,):", PUBLISH),
    mutant("CSV's titles under each other's language", "factsheets/publish.py",
           "*(card.title[code] for code in portfolio.languages)",
           "*(card.title[code] for code in reversed(portfolio.languages))", SITE),
    mutant("booklet's ParentTree keys not offset", "factsheets/booklet.py",
           "parent_tree.append(key + offset)", "parent_tree.append(key)", PDF),
    mutant("closing page's tagline in the default language", "factsheets/render.py",
           "tagline = self.portfolio.settings.tagline[code]",
           "tagline = self.portfolio.settings.tagline[self.portfolio.settings.default_language]", PDF),
    mutant("cover's flagship total counts the programme too", "factsheets/validate.py",
           "return sum(card.budget.total_meur for card in self.flagships_of(programme))",
           "return programme.budget.total_meur + sum(card.budget.total_meur for card in self.flagships_of(programme))",
           PDF),
    # Written after the tests, without looking at them: what do they miss?
    mutant("key figures lose their year", "factsheets/render.py",
           '"year": figure.year,', '"year": None,', SITE, RENDER, PDF),
    mutant("key figures lose their source", "factsheets/render.py",
           '"source": lang.text(figure.source),', '"source": "",', SITE, RENDER, PDF),
    mutant("organisations lose their role", "factsheets/render.py",
           '"role": lang.text(org.role)', '"role": ""', SITE, RENDER, PDF),
    mutant("every precondition shown as not assessed", "factsheets/render.py",
           'mark = getattr(card.preconditions, name) or "not_assessed"', 'mark = "not_assessed"', SITE, RENDER, PDF),
    mutant("each flagship listed with its programme's amount", "factsheets/render.py",
           '"amount": lang.money_meur(card.budget.total_meur),',
           '"amount": lang.money_meur(programme.budget.total_meur),', SITE, RENDER, PDF),
    mutant("a large portfolio's charts list every card, not its domains", "factsheets/render.py",
           "by_domain = domains if len(portfolio.cards) > CHART_ROWS else []", "by_domain = []", SITE, RENDER),
    mutant("a flagship's 'part of' link leads to itself", "factsheets/render.py",
           '"url": relative(page_url(self.portfolio, parent.id, lang.code), url),',
           '"url": relative(page_url(self.portfolio, card.id, lang.code), url),', SITE, RENDER),
]  # fmt: skip


def apply(copy: Path, item: Mutant) -> str | None:
    """Put the mutant into the copy; the original text to restore, or None when an edit does not apply."""
    target = copy / item.file
    original = target.read_text(encoding="utf-8")
    text = original
    for old, new in item.edits:
        if text.count(old) != 1:
            return None
        text = text.replace(old, new)
    target.write_text(text, encoding="utf-8")
    return original


@dataclass(frozen=True)
class Outcome:
    passed: bool
    seconds: float
    failed: str  # the first failing test, so that a kill can be checked for its reason


def run_tests(copy: Path, tests: tuple[str, ...]) -> Outcome:
    started = time.monotonic()
    env = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
    result = subprocess.run(
        [str(PYTHON), "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests],
        cwd=copy, env=env, capture_output=True, text=True,
    )  # fmt: skip
    summary = [line for line in result.stdout.splitlines() if line.startswith(("FAILED tests/", "ERROR tests/"))]
    failed = summary[0] if summary else ""
    return Outcome(result.returncode == 0, time.monotonic() - started, failed)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("numbers", nargs="*", type=int, help="run only these mutants (1-based)")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    args = parser.parse_args()
    chosen = [
        (number, item) for number, item in enumerate(MUTANTS, start=1) if not args.numbers or number in args.numbers
    ]
    if args.list:
        for number, item in chosen:
            print(f"{number:2}. {item.what} ({item.file}; {' '.join(item.tests)})")
        return 0
    killed, survived, stale = [], [], []
    with tempfile.TemporaryDirectory(prefix="mutation-probe-") as folder:
        copy = Path(folder) / "project"
        shutil.copytree(ROOT, copy, ignore=_not_copied)
        (copy / ".venv").symlink_to(ROOT / ".venv")
        every_file = tuple(sorted({path for _, item in chosen for path in item.tests}))
        baseline = run_tests(copy, every_file)
        if not baseline.passed:
            print(f"the tests fail without any mutant, so nothing can be measured: {baseline.failed}")
            return 2
        print(f"baseline: {' '.join(every_file)} pass ({baseline.seconds:.0f} s)", flush=True)
        for number, item in chosen:
            original = apply(copy, item)
            if original is None:
                stale.append(item)
                print(f"{number:2}. {item.what}: the code changed, the mutant no longer applies", flush=True)
                continue
            try:
                outcome = run_tests(copy, item.tests)
            finally:
                (copy / item.file).write_text(original, encoding="utf-8")
            (survived if outcome.passed else killed).append(item)
            verdict = "SURVIVED" if outcome.passed else "killed  "
            print(f"{number:2}. {verdict} {item.what} ({outcome.seconds:.0f} s) {outcome.failed}", flush=True)
    counted = len(killed) + len(survived)
    print(f"\nmutation score: {len(killed)}/{counted} killed ({100 * len(killed) / max(counted, 1):.0f} %)"
          + (f"; {len(stale)} no longer apply" if stale else ""))  # fmt: skip
    for item in survived:
        print(f"  survived: {item.what}")
    return 0 if not survived and not stale else 1


if __name__ == "__main__":
    sys.exit(main())
