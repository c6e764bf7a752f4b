"""The printed sheets and booklets: WeasyPrint, in parallel, cached by content hash.

A sheet is one A4 landscape page. WeasyPrint does not complain when content
runs onto a second page or past the page's bottom edge, so every laid-out
sheet is measured (fit.py): one that is too long is tightened step by step,
one with room to spare gets it spread between its blocks, and one that does
not fit even at the floor fails the build naming the card, the language and
the block.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import hashlib
import logging
import math
import multiprocessing
import os
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from .fingerprint import add_tree, code_fingerprint, remembered, reused, write_sealed
from .fit import FIT_CLASS, FLOOR_PT, Attempt, Measure, culprit, measure, next_attempt, spread
from .load import display_name, dotted, load_yaml
from .messages import message
from .problems import BuildError, InvalidInput, Problem
from .progress import Progress
from .render import QR_SCHEME, SHARE_IMAGE_SIZE, Renderer, booklet_path, inside, pdf_path, share_image_path

if TYPE_CHECKING:
    from .booklet import DigitsFont

log = logging.getLogger(__name__)

PDF_VARIANT = "pdf/ua-1"
"""Tagged for screen readers, with the document's language and title set."""

FONTS_EPOCH = "1700000000"
"""The date in every sheet's embedded font subsets, fixed: a sheet's bytes then depend on its card and the
templates only, not on the build's SOURCE_DATE_EPOCH (the last commit), so the sheet cache of an earlier
commit (CI's, kept between workflow runs) still holds every sheet whose card did not change."""

PAGE_NUMBER_FONT = "assets/fonts/source-sans-3-latin-700-normal.woff"
"""The booklet's page numbers, in the templates folder (so the cache sees a change to it)."""


@dataclass(frozen=True)
class Job:
    """One PDF to render: its HTML, its name, and how many pages it must have (None: as many as it needs)."""

    html: str
    name: str
    pages: int | None
    what: str  # for messages: "card 'atmp', language en"
    card: str = ""  # a sheet's card id and language, for the problem an editor acts on when it does not fit
    lang: str = ""


class SheetOverflow(BuildError):
    """A sheet too long even at the floor: which card, language and block, and about how much to cut.

    Made in a render worker and read in the build's process, which names the field's file:line:col
    (``overflow_problems``); the data travel as the exception's args, so that it pickles.
    """

    def __init__(self, card: str, lang: str, block: str, lines: int, chars: int, what: str) -> None:
        super().__init__(card, lang, block, lines, chars, what)
        self.card, self.lang, self.block, self.lines, self.chars, self.what = card, lang, block, lines, chars, what

    def __str__(self) -> str:
        return f"{self.what}: {overflow_message(self)}"


class PageOverflow(BuildError):
    """A booklet's cover or closing page that does not fit its pages: which parts, and about how much to cut.

    Made in a render worker; its message is written in the build's process, in the editor's language.
    """

    def __init__(self, what: str, pages: int, blocks: str, lines: int) -> None:
        super().__init__(what, pages, blocks, lines)
        self.what, self.pages, self.blocks, self.lines = what, pages, blocks, lines

    def __str__(self) -> str:
        return message("pdf.page_does_not_fit", what=self.what, pages=self.pages, blocks=self.blocks, lines=self.lines)


class SheetsDoNotFit(BuildError):
    """Every sheet of a build that does not fit, collected before the build stops."""

    def __init__(self, overflows: list[SheetOverflow]) -> None:
        super().__init__(overflows)
        self.overflows = overflows

    def __str__(self) -> str:
        return "\n".join(str(overflow) for overflow in self.overflows)


def overflow_message(overflow: SheetOverflow) -> str:
    return message(
        "pdf.does_not_fit" if overflow.chars else "pdf.does_not_fit_lines",
        card=overflow.card,
        language=overflow.lang,
        floor=f"{FLOOR_PT:g}",
        lines=overflow.lines,
        chars=overflow.chars,
    )


def overflow_problems(overflows: list[SheetOverflow], data_dir: Path, root: Path) -> list[Problem]:
    """Each sheet that does not fit as a problem at the field to shorten: its text in that language."""
    problems = []
    for overflow in overflows:
        field = BLOCK_FIELDS.get(overflow.block, (overflow.block,))
        path = (*field, overflow.lang) if field[0] in TEXT_BLOCKS else field
        card_file = data_dir / "cards" / f"{overflow.card}.yml"
        try:
            document = load_yaml(card_file, root)
            line, col = document.position(path)
            name = document.file
        except (InvalidInput, OSError):
            (line, col), name = (1, 1), display_name(card_file, root)
        problems.append(Problem(name, line, col, dotted(path), overflow_message(overflow)))
    return problems


@contextmanager
def sheets_as_problems(data_dir: Path, root: Path) -> Iterator[None]:
    """Sheets that do not fit become problems at the fields to shorten (InvalidInput), reported like any other:
    ``file:line:col: field: message`` in the terminal, the preview and a pull request's annotations."""
    try:
        yield
    except SheetsDoNotFit as too_long:
        raise InvalidInput(overflow_problems(too_long.overflows, data_dir, root)) from None


TEXT_BLOCKS = ("summary", "relevance", "dutch_partnerships", "european_partnerships")
"""Blocks that are one text field of the card, per language."""
BLOCK_FIELDS = {"flagships": ("id",), "footer": ("id",), "page": ("id",)}
"""Blocks that are not a field of the card: reported at its id. Every other block is the field of its name."""


def write_pdfs(
    renderer: Renderer,
    root: Path,
    site: Path,
    cache_dir: Path,
    progress: Progress | None = None,
    workers: int | None = None,
) -> None:
    """Write every sheet and booklet into ``site``, reusing cached PDFs whose inputs did not change."""
    with PdfBuild(renderer, root, cache_dir, progress, workers) as pdfs:
        pdfs.finish(site)


class PdfBuild:
    """The PDFs of one build, rendered by WeasyPrint in worker processes while the caller goes on.

    Creating it starts the sheets, covers and closing pages that are not in the
    cache; ``finish`` waits for them, publishes the sheets and assembles each
    booklet from its parts without laying anything out again. Leaving the
    ``with`` block early (an error, Ctrl-C) cancels what has not started.
    """

    def __init__(
        self,
        renderer: Renderer,
        root: Path,
        cache_dir: Path,
        progress: Progress | None = None,
        workers: int | None = None,
    ) -> None:
        self.renderer = renderer
        self.cache_dir = cache_dir
        self.progress = progress or Progress.silent()
        portfolio = renderer.portfolio
        with self.progress.step("print html"):
            self.sheets = {
                (card.id, code): Job(renderer.sheet_html(card, code), pdf_path(card.id, code), 1,
                                     message("pdf.what_sheet", card=card.id, language=code), card.id, code)
                for card in portfolio.cards
                for code in portfolio.languages
            }  # fmt: skip
            self.covers = {
                code: Job(renderer.cover_html(code), f"cover.{code}", renderer.cover_page_count(),
                          message("pdf.what_cover", language=code))
                for code in portfolio.languages
            }  # fmt: skip
            self.closings = {
                code: Job(renderer.closing_html(code), f"closing.{code}", 1, message("pdf.what_closing", language=code))
                for code in portfolio.languages
            }
            jobs = [*self.sheets.values(), *self.covers.values(), *self.closings.values()]
            self.salt = _inputs_fingerprint(root / "templates")
            self.keys = {job.name: _key(job.name, job.html, self.salt) for job in jobs}
            cache_dir.mkdir(parents=True, exist_ok=True)
        # A cached document is reused only when its bytes are the ones sealed after it passed the page check.
        self.missing = [job for job in jobs if not reused(self._cached(job.name))]
        log.info("pdf: %d of %d documents to render, %d from the cache", len(self.missing), len(jobs),
                 len(jobs) - len(self.missing))  # fmt: skip
        self.progress.note("pdf", message("progress.pdf_note", rendered=len(self.missing),
                                          cached=len(jobs) - len(self.missing), booklets=len(self.covers)))  # fmt: skip
        self.pool = ProcessPoolExecutor(
            max_workers=min(max(len(self.missing), 1), workers or os.cpu_count() or 1),
            mp_context=_workers_context(),
            initializer=_die_with_the_build,
            initargs=(os.getpid(),),
        )
        base_url = str(root / "templates" / "print") + "/"
        with _collector_frozen():  # forked workers start at the first job
            self.futures = deque(self.pool.submit(render_document, job, base_url) for job in self.missing)

    def __enter__(self) -> PdfBuild:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

    def _cached(self, name: str) -> Path:
        return self.cache_dir / f"{self.keys[name]}.pdf"

    def wait(self) -> None:
        """Wait for every document; raise SheetsDoNotFit naming every sheet that does not fit."""
        overflows: list[SheetOverflow] = []
        with self.progress.step("weasyprint wait"):
            for done, job in enumerate(self.missing, start=1):
                # Taken off the queue: its PDF and picture leave the build's memory once they are written.
                future = self.futures.popleft()
                try:
                    pdf, share_image = future.result()
                except SheetOverflow as overflow:
                    overflows.append(overflow)  # the others are laid out too: every sheet to shorten in one run
                else:
                    write_sealed(self._cached(job.name), pdf)
                    if share_image is not None:
                        write_sealed(_share_image_of(self._cached(job.name)), share_image)
                log.info("pdf %d/%d: %s", done, len(self.missing), job.name)
                self.progress.count("sheets", done, len(self.missing))
        if overflows:
            raise SheetsDoNotFit(overflows)

    def finish(self, site: Path) -> None:
        self.wait()
        for job in self.sheets.values():
            _publish(self._cached(job.name), site, job.name)
        with self.progress.step("share images"):
            self._publish_share_images(site)
        # The render workers are done; shutting them down frees their memory before the booklets,
        # whose structure trees take about 1 MB per sheet while they are put together.
        self.pool.shutdown()
        for code in self.renderer.portfolio.languages:
            _publish(self._booklet(code), site, booklet_path(code))

    def _publish_share_images(self, site: Path) -> None:
        """Each sheet's page as a JPEG for link previews, cached beside the sheet: drawn by the worker that rendered
        the sheet, or here for a cached sheet whose image is missing."""
        cards = [(card_id, code) for card_id, code in self.sheets]
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as threads:
            images = list(threads.map(lambda key: self._share_image(self._cached(self.sheets[key].name)), cards))
        for (card_id, code), image in zip(cards, images, strict=True):
            _publish(image, site, share_image_path(card_id, code))

    @staticmethod
    def _share_image(pdf: Path) -> Path:
        image = _share_image_of(pdf)
        if not reused(image):
            write_sealed(image, sheet_as_jpeg(pdf.read_bytes()))
        return image

    def _page_number_digits(self) -> DigitsFont:
        """The page numbers' digits, subset from their font once and then read from the cache: fontTools takes a
        third of a second to load and subset, much of a rebuild that changed one card."""
        from .booklet import digits_font

        entry = self.cache_dir / f"{_key('page number digits', self.salt, version('fonttools'))}.digits"
        return remembered(entry, lambda: digits_font(self.renderer.templates_dir / PAGE_NUMBER_FONT))

    def _booklet(self, code: str) -> Path:
        """The booklet in the cache, keyed by its parts; assembled when it is not there yet."""
        portfolio = self.renderer.portfolio
        lang = self.renderer.language(code)
        parts = [(self.covers[code].name, lang.t("cover_title"))]
        parts += [(self.sheets[card.id, code].name, lang.text(card.title)) for card in portfolio.cards]
        parts.append((self.closings[code].name, lang.text(portfolio.settings.tagline)))
        title = self.renderer.booklet_title(code)
        # The parts' keys include the project's code, booklet.py's assembly among it.
        target = self.cache_dir / f"{_key(title, *(f'{self.keys[n]} {e}' for n, e in parts), code)}.pdf"
        if not reused(target):
            from .booklet import PageNumbers, Part, assemble  # pikepdf: imported when a booklet is assembled

            parts_pdf = [Part(self._cached(name).read_bytes(), entry) for name, entry in parts]
            pdf = assemble(parts_pdf, title, code, PageNumbers(self._page_number_digits()))
            write_sealed(target, pdf)
            log.info("pdf: booklet %s assembled from %d parts", code, len(parts))
        return target


def _workers_context() -> multiprocessing.context.BaseContext:
    """How the workers start.

    In a process with one thread (a build from the command line), they are forked from the build itself, before
    MkDocs runs: at once, with what the build has loaded, and each imports WeasyPrint while MkDocs builds the site.
    Forking a process with other threads (the live preview's server) could copy a lock one of them holds; there
    the workers are forked from a small server that has WeasyPrint loaded: it takes a second and a half to start,
    once, and its workers do not carry a copy of MkDocs' pages either.
    """
    if threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["weasyprint", "factsheets.pdf"])
    return context


@contextmanager
def _collector_frozen() -> Iterator[None]:
    """A forked worker shares the build's memory until either writes to it, and Python's garbage collector writes
    to every object it visits: the objects the build has when the workers fork are kept out of the collector's
    reach (``gc.freeze``), so that the workers neither copy them nor spend time going over them."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _die_with_the_build(build_pid: int) -> None:
    """A render worker ends when the build does, even when the build is killed (``kill -9``).

    Workers may be children of the forkserver, not of the build, and each holds the pipe by which the
    forkserver would notice the build is gone: so each worker watches the build itself. Linux's
    parent-death signal ends it too when its parent dies.
    """
    _parent_death_signal(signal.SIGKILL)
    threading.Thread(target=_exit_when_gone, args=(build_pid,), daemon=True, name="watch-build").start()


def _parent_death_signal(number: int) -> None:
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)  # the process's own symbols, the C library's among them
        libc.prctl(PR_SET_PDEATHSIG, number, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux
        return
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)


PR_SET_PDEATHSIG = 1


def _exit_when_gone(pid: int) -> None:
    """Wait for process ``pid`` to end (a pidfd where there is one: no polling, no reused ids), then exit."""
    try:
        descriptor = os.pidfd_open(pid)
    except (AttributeError, OSError):
        descriptor = None
    if descriptor is not None:
        select.select([descriptor], [], [])
        os._exit(1)
    while True:
        time.sleep(1)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            os._exit(1)
        except OSError:
            pass


def _publish(cached: Path, site: Path, name: str) -> None:
    target = inside(site, name)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cached, target)


def _share_image_of(cached_sheet: Path) -> Path:
    return cached_sheet.with_suffix(".share.jpg")


def sheet_as_jpeg(pdf: bytes) -> bytes:
    """The PDF's first page as a JPEG of ``SHARE_IMAGE_SIZE``, drawn by pdftoppm (Debian's poppler-utils).

    JPEG, not PNG: drawing the page takes pdftoppm a few hundredths of a second, compressing it as a PNG of this
    size ten times as long (and the PNG is larger); at quality 85 the sheet's text stays sharp in a preview."""
    width, height = SHARE_IMAGE_SIZE
    with tempfile.TemporaryDirectory(prefix="factsheets-share-") as work:
        source = Path(work, "sheet.pdf")
        source.write_bytes(pdf)
        size = ["-scale-to-x", str(width), "-scale-to-y", str(height)]
        options = ["-jpeg", "-jpegopt", "quality=85", "-singlefile", "-f", "1", "-l", "1", *size]
        command = ["pdftoppm", *options, str(source), str(Path(work, "sheet"))]
        try:
            subprocess.run(command, check=True, capture_output=True)
        except FileNotFoundError:
            raise BuildError(message("diff.no_pdftoppm")) from None
        except subprocess.CalledProcessError as error:
            reason = error.stderr.decode(errors="replace").strip()
            raise BuildError(message("pdf.pdftoppm_failed", reason=reason)) from None
        return Path(work, "sheet.jpg").read_bytes()


def render_document(job: Job, base_url: str) -> tuple[bytes, bytes | None]:
    """What a render worker gives for one job: the PDF, and for a sheet its share image (drawn by pdftoppm in the
    worker too, so that more workers draw more images at once)."""
    pdf = render_pdf(job, base_url)
    return pdf, sheet_as_jpeg(pdf) if job.card else None


def render_pdf(job: Job, base_url: str) -> bytes:
    """Lay out one document, fit it to its pages, and return the PDF's bytes.

    A sheet that is too long is laid out again, wider in its overfull column or at a tighter fit
    level (see fit.py), until it fits or reaches the floor; the PDF returned, and cached under the
    job's key, is the one that fits.
    """
    # fontTools dates every font it writes: the web fonts WeasyPrint converts while laying out, the subsets it embeds.
    with _fonts_dated(FONTS_EPOCH):
        attempt = Attempt()
        while True:
            document = _layout(attempt.html(job.html), base_url)
            result = measure(document, job.pages)
            if not result.overflowing:
                break
            # Only a sheet's HTML carries the fit class; covers and closing pages are not tightened.
            following = next_attempt(attempt, result) if FIT_CLASS in job.html else None
            if following is None:
                if job.card:
                    raise _overflow(job, document, result)
                raise _page_overflow(job, result)
            log.info("pdf: %s does not fit as %s, trying %s", job.name, attempt, following)
            attempt = following
        spread(document)
        return document.write_pdf(pdf_variant=PDF_VARIANT)


@contextlib.contextmanager
def _fonts_dated(epoch: str) -> Iterator[None]:
    """fontTools dates the fonts it writes by ``SOURCE_DATE_EPOCH``: set to ``epoch`` for the block only."""
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = epoch
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("SOURCE_DATE_EPOCH")
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before


def _layout(html: str, base_url: str) -> object:
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url, url_fetcher=_fetcher()).render()


def _page_overflow(job: Job, result: Measure) -> PageOverflow:
    lines = math.ceil(result.excess / LINE_AT_FLOOR_PX) if result.excess else 1
    return PageOverflow(job.what, job.pages or 1, ", ".join(result.overflowing), lines)


def _overflow(job: Job, document: object, result: Measure) -> SheetOverflow:
    found = culprit(document, result)
    block = found.block if found else (result.overflowing[0] if result.overflowing else "page")
    excess = found.excess if found else result.excess
    lines = max(math.ceil(excess / LINE_AT_FLOOR_PX), 1)
    chars = math.ceil(excess * found.chars_per_px / 10) * 10 if found and found.chars_per_px else 0
    return SheetOverflow(job.card, job.lang, block, lines, chars, job.what)


LINE_AT_FLOOR_PX = FLOOR_PT * 1.15 * 96 / 72
"""One line of body text at the floor (8 pt, line height 1.15), in CSS px."""


def _fetcher() -> object:
    """WeasyPrint's fetcher for local files only, plus ``qr:<address>``: the QR code of that address."""
    import segno
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SheetFetcher(URLFetcher):
        def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
            if url.startswith(QR_SCHEME):
                svg = segno.make(url.removeprefix(QR_SCHEME), error="m").svg_inline(dark="#154273", border=0)
                return URLFetcherResponse(url, svg.encode(), headers={"Content-Type": "image/svg+xml"})
            return super().fetch(url, headers)

    # Sheets need nothing from the network: templates, CSS and fonts are local files.
    return SheetFetcher(allowed_protocols={"file"})


def _key(*inputs: str) -> str:
    return hashlib.sha256("\n".join(inputs).encode()).hexdigest()


def _inputs_fingerprint(templates: Path) -> str:
    """Everything besides the card that shapes a PDF: templates, CSS, fonts, WeasyPrint's version, and the
    project's own code (the page check and the booklet's assembly among it). The versions are read from the
    packages' metadata: importing WeasyPrint takes a second that a build with every sheet cached need not spend."""
    versions = f"weasyprint {version('weasyprint')} pikepdf {version('pikepdf')} {PDF_VARIANT} {FONTS_EPOCH}"
    digest = hashlib.sha256(f"{versions}\ncode {code_fingerprint()}\n".encode())
    add_tree(digest, templates)
    return digest.hexdigest()
