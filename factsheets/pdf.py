"""The printed sheets and booklets: WeasyPrint, in parallel, cached by content hash.

A sheet is one A4 landscape page. WeasyPrint does not complain when content
runs onto a second page or past the page's bottom edge, so every laid-out
sheet is measured, and a sheet that does not fit fails the build naming the
card, the language and the block.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .problems import BuildError
from .render import Renderer, booklet_path, inside, pdf_path

log = logging.getLogger(__name__)

PDF_VARIANT = "pdf/ua-1"
"""Tagged for screen readers, with the document's language and title set."""


@dataclass(frozen=True)
class Job:
    """One PDF to write: its HTML, where it goes, and how many pages it must have."""

    html: str
    target: str
    pages: int
    what: str  # for messages: "card 'atmp', language en" or "booklet, language nl"


def write_pdfs(renderer: Renderer, root: Path, site: Path, cache_dir: Path) -> None:
    """Write every sheet and booklet into ``site``, reusing cached PDFs whose inputs did not change."""
    portfolio = renderer.portfolio
    jobs = [
        Job(renderer.sheet_html(card, code), pdf_path(card.id, code), 1, f"card '{card.id}', language {code}")
        for card in portfolio.cards
        for code in portfolio.languages
    ]
    jobs += [
        Job(renderer.booklet_html(code), booklet_path(code), len(portfolio.cards) + 2, f"booklet, language {code}")
        for code in portfolio.languages
    ]
    base_url = str(root / "templates" / "print") + "/"
    salt = _inputs_fingerprint(root / "templates")
    cache_dir.mkdir(parents=True, exist_ok=True)
    keys = {job.target: _key(job, salt) for job in jobs}
    missing = [job for job in jobs if not (cache_dir / f"{keys[job.target]}.pdf").exists()]
    log.info("pdf: %d of %d documents to render, %d from the cache", len(missing), len(jobs), len(jobs) - len(missing))
    _render_all(missing, base_url, cache_dir, keys)
    for job in jobs:
        target = inside(site, job.target)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cache_dir / f"{keys[job.target]}.pdf", target)


def _render_all(jobs: list[Job], base_url: str, cache_dir: Path, keys: dict[str, str]) -> None:
    if not jobs:
        return
    workers = min(len(jobs), os.cpu_count() or 1)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(render_pdf, job, base_url) for job in jobs]
        for done, (job, future) in enumerate(zip(jobs, futures, strict=True), start=1):
            pdf = future.result()
            # Write then rename, so an interrupted build never leaves half a PDF in the cache.
            partial = cache_dir / f"{keys[job.target]}.partial"
            partial.write_bytes(pdf)
            partial.rename(cache_dir / f"{keys[job.target]}.pdf")
            log.info("pdf %d/%d: %s", done, len(jobs), job.target)


def render_pdf(job: Job, base_url: str) -> bytes:
    """Lay out one document, check it fits its pages, and return the PDF's bytes."""
    from weasyprint import HTML

    document = HTML(string=job.html, base_url=base_url).render()
    overflow = overflowing_blocks(document, job.pages)
    if overflow:
        raise BuildError(
            f"{job.what}: does not fit on {job.pages} page(s); overflowing: {', '.join(overflow)}. "
            "Shorten the text of that block."
        )
    return document.write_pdf(pdf_variant=PDF_VARIANT)


def overflowing_blocks(document: object, pages: int) -> list[str]:
    """The ``data-block`` names of blocks laid out past the last allowed page or its bottom edge."""
    overflow: list[str] = []
    for number, page in enumerate(document.pages):  # type: ignore[attr-defined]
        page_box = page._page_box
        bottom = page_box.margin_height() - page_box.margin_bottom
        for box in page_box.descendants():
            block = getattr(box, "element", None) is not None and box.element.get("data-block")
            if not block or block in overflow:
                continue
            if number >= pages or box.position_y + box.margin_height() > bottom + 0.5:
                overflow.append(block)
    if len(document.pages) > pages and not overflow:  # type: ignore[attr-defined]
        overflow.append("page")
    return overflow


def _key(job: Job, salt: str) -> str:
    return hashlib.sha256(f"{salt}\n{job.target}\n{job.html}".encode()).hexdigest()


@cache
def _inputs_fingerprint(templates: Path) -> str:
    """Everything besides the card that shapes a PDF: templates, CSS, fonts, WeasyPrint's version."""
    import weasyprint

    digest = hashlib.sha256(f"weasyprint {weasyprint.__version__} {PDF_VARIANT}".encode())
    for path in sorted(templates.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(templates).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()
