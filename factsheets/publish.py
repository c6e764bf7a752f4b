"""Publish: the docs tree for MkDocs, the MkDocs build, the PDFs, the open data, one atomic swap.

Everything is written into a staging folder beside the output; the output is
replaced only when every step succeeded, so a failed or interrupted build
leaves the previous site exactly as it was.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import hashlib
import io
import json
import logging
import os
import posixpath
import re
import shutil
import string
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
import yaml

from .cms import INTERFACE_LANGUAGES, PAGE_TITLE, config_file_name, interface_words
from .fingerprint import add_tree, code_fingerprint, digest_file, is_intact, prune, seal
from .history import card_histories
from .i18n import Language
from .messages import message
from .model import PRECONDITION_GROUPS, Card
from .pagecache import PageCache
from .pdf import PdfBuild
from .problems import BuildError
from .progress import Progress
from .provenance import unconfirmed_notes
from .render import (
    CARDS_FOLDER,
    DOMAINS_FOLDER,
    PDF_FOLDER,
    SHARE_IMAGE_SIZE,
    Renderer,
    booklet_path,
    compiled_templates,
    inside,
    language_name,
    language_prefix,
    page_url,
    pdf_path,
    theme_safe,
    timeline_scale,
)
from .structured import catalogue_gaps, dcat_catalog
from .validate import Portfolio

log = logging.getLogger(__name__)


def build_site(
    portfolio: Portfolio,
    root: Path,
    out: Path,
    cache_dir: Path | None = None,
    progress: Progress | None = None,
    offline: bool = False,
    on_pages: Callable[[], None] | None = None,
) -> None:
    """Build the whole site with all PDFs into ``out``, replacing it only on success.

    ``cache_dir`` (default: ``$FACTSHEETS_CACHE_DIR``, else ``.cache/``) keeps rendered PDFs and the
    last MkDocs output by the hash of their inputs, so that a rebuild does only the work its changes need.
    An ``offline`` site opens from the file system (a downloaded preview), without a server.
    With ``on_pages`` (the live preview) the pages replace the output first, with the previous build's
    sheets; ``on_pages`` is called, and then the new sheets replace the old ones file by file.
    """
    _refuse_unsafe_output(out, root)
    try:
        cache_dir = cache_dir or default_cache_dir(root)
        _build(portfolio, root, out, cache_dir, progress or Progress.silent(), offline, on_pages)
    except OSError as error:
        # A full disk, a read-only or vanished folder: the reason and the file, not a traceback.
        reason, target = _reason(error)
        raise BuildError(message("build.write_failed", reason=reason) + (f": {target}" if target else "")) from None
    log.info("published %s", out)


def _reason(error: OSError) -> tuple[str, str]:
    """The system's reason and the file it concerns; ``shutil.copytree`` collects one error per file."""
    if isinstance(error, shutil.Error) and error.args and isinstance(error.args[0], list) and error.args[0]:
        _, target, why = error.args[0][0]
        found = re.search(r"\[Errno \d+\] ([^:]+)", str(why))
        return str(found.group(1) if found else why), str(target)
    return str(error.strerror or error), str(error.filename or "")


def _build(portfolio: Portfolio, root: Path, out: Path, cache_dir: Path, progress: Progress, offline: bool,
           on_pages: Callable[[], None] | None) -> None:  # fmt: skip
    histories = card_histories(root, [card.id for card in portfolio.cards])
    renderer = Renderer(portfolio, root / "templates", histories, compiled=cache_dir / "templates")
    with _source_date_epoch(root), tempfile.TemporaryDirectory(prefix="factsheets-") as work:
        docs = Path(work) / "docs"
        if on_pages is None:
            with _staging(out) as stage:
                # WeasyPrint renders in worker processes while the pages are written and MkDocs builds the site here.
                with PdfBuild(renderer, root, cache_dir / "sheets", progress) as pdfs:
                    _render(renderer, root, docs, progress)
                    _mkdocs(portfolio, root, docs, stage, Path(work), cache_dir, progress)
                    with progress.step("pdf"):
                        pdfs.finish(stage)
                _publish(portfolio, root, stage, offline, progress, renderer)
        else:
            after_pages: list[Callable[[Path], None]] = []
            with _staging(out) as stage:
                _render(renderer, root, docs, progress)
                # An offline copy's pages change after MkDocs; its cache entry is kept before, as MkDocs made them.
                _mkdocs(portfolio, root, docs, stage, Path(work), cache_dir, progress, None if offline else after_pages)
                _publish(portfolio, root, stage, offline, progress, renderer)
                _keep_previous_sheets(out, stage)
            on_pages()
            for step in after_pages:
                step(out)
            with PdfBuild(renderer, root, cache_dir / "sheets", progress) as pdfs, progress.step("pdf"):
                sheets = Path(work) / "sheets"
                pdfs.finish(sheets)
                _replace_files(sheets, out)
    _prune_caches(cache_dir)


CACHE_KEPT_DAYS = 30
"""A sheet or parsed stylesheet in the cache that no build has used for this long is removed: the caches are
content-addressed, so each edit and each template change adds entries that only an old commit would ask for, and
the cache CI keeps between workflow runs would otherwise grow with every one of them."""


def _prune_caches(cache_dir: Path) -> None:
    for folder in (cache_dir / "sheets", cache_dir / "styles"):
        if folder.is_dir():
            prune(folder, CACHE_KEPT_DAYS)


def _render(renderer: Renderer, root: Path, docs: Path, progress: Progress) -> None:
    with progress.step("render"):
        write_docs_tree(renderer, root, docs)
        portfolio = renderer.portfolio
        progress.note("render", message("progress.render_note", pages=len(portfolio.cards) * len(portfolio.languages)))


def _mkdocs(portfolio: Portfolio, root: Path, docs: Path, stage: Path, work: Path, cache_dir: Path,
            progress: Progress, after_pages: list[Callable[[Path], None]] | None = None) -> None:  # fmt: skip
    with progress.step("mkdocs"):
        reused = run_mkdocs(portfolio, root, docs, stage, work, cache_dir, after_pages)
        progress.note("mkdocs", message("progress.mkdocs_reused" if reused else "progress.mkdocs_built"))


def _publish(portfolio: Portfolio, root: Path, stage: Path, offline: bool, progress: Progress,
             renderer: Renderer) -> None:  # fmt: skip
    """The open data, its catalogue (dated by the cards' first and last commits), the form editor and robots.txt;
    for an ``offline`` copy, links that open from the file system."""
    with progress.step("publish"):
        write_open_data(portfolio, stage)
        histories = renderer.histories.values()
        first = min(filter(None, (history.first_committed for history in histories)), default=None)
        last = max(filter(None, (history.last_changed for history in histories)), default=None)
        write_catalog(portfolio, stage, modified=last, issued=first)
        write_admin(portfolio, root, stage)
        write_robots_txt(portfolio, stage)
        if offline:
            make_search_work_from_files(portfolio, root, stage)
            make_browsable_from_files(stage, urlsplit(portfolio.settings.base_url).path)


def _keep_previous_sheets(out: Path, stage: Path) -> None:
    """The previous build's PDFs in the new output (linked, not copied), until the new ones are ready."""
    if (out / PDF_FOLDER).is_dir():
        shutil.copytree(out / PDF_FOLDER, stage / PDF_FOLDER, copy_function=_link_or_copy)


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:  # a file system without hard links
        shutil.copyfile(source, target)


def _replace_files(source: Path, target: Path) -> None:
    """Move every file of ``source`` into ``target``, each replacing its namesake in one step."""
    for path in sorted(source.rglob("*")):
        if path.is_file():
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, destination)


_LOCAL_LINK = re.compile(r'(\s(?:href|src)=")([^"#?:]*)(?=["#?])')
"""A link within the site in a page: no scheme, up to its fragment or query."""


SEARCH_FROM_FILES = "assets/javascripts/workers/search-from-files.js"
_MATERIALS_SCRIPT = re.compile(r'<script src="[^"]*assets/javascripts/bundle\.[0-9a-f]+\.min\.js"')
_SOURCE_MAP = re.compile(r"^//# sourceMappingURL=.*$", re.MULTILINE)


def make_search_work_from_files(portfolio: Portfolio, root: Path, site: Path) -> None:
    """Material's search in a copy opened from the file system, where a page may fetch no file and start no
    worker from one: each language's index also as a script (``search/search_index.js``, which Material loads
    there instead), with its results' links to ``index.html`` files, and the search worker's scripts joined into
    one text that ``templates/offline/search-from-files.js`` starts the worker from, loaded before Material's."""
    for code in portfolio.languages:
        folder = inside(site, f"{language_prefix(portfolio, code)}search")
        index = json.loads((folder / "search_index.json").read_text(encoding="utf-8"))
        for doc in index["docs"]:
            doc["location"] = _file_location(doc["location"])
        text = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
        (folder / "search_index.json").write_text(text, encoding="utf-8")
        (folder / "search_index.js").write_text(f"var __index = {text};\n", encoding="utf-8")
    worker = json.dumps(_search_worker_text(portfolio, site / "assets" / "javascripts"))
    starter = (root / "templates" / "offline" / "search-from-files.js").read_text(encoding="utf-8")
    inside(site, SEARCH_FROM_FILES).write_text(f"var __searchWorker = {worker};\n{starter}", encoding="utf-8")


def _search_worker_text(portfolio: Portfolio, scripts: Path) -> str:
    """Our search worker, Material's, and Lunr's support for the site's languages, as one script that imports
    nothing (what each would import is in it)."""
    lunr = scripts / "lunr" / "min"
    languages = [lunr / f"lunr.{code}.min.js" for code in portfolio.languages]
    parts = [
        scripts / "workers" / "search-in-language.js",
        *sorted((scripts / "workers").glob("search.*.min.js")),
        lunr / "lunr.stemmer.support.min.js",
        *(path for path in languages if path.is_file()),
    ]
    texts = [_SOURCE_MAP.sub("", part.read_text(encoding="utf-8")) for part in parts]
    return "self.importScripts = function () {};  // what the scripts import is joined in below\n" + "\n;\n".join(texts)


def _file_location(location: str) -> str:
    """A search result's page as a file: ``projecten/x/#a`` -> ``projecten/x/index.html#a``."""
    path, hash_mark, fragment = location.partition("#")
    return (path + "index.html" if path.endswith("/") or not path else path) + hash_mark + fragment


def make_browsable_from_files(site: Path, site_path: str) -> None:
    """Make the site open from the file system, where no server answers a folder with its index page.

    Links to folders (``../projecten/x/``) point at their ``index.html``, and links from the site's
    root (``/en/``, as the theme writes its language switch; ``site_path`` is the root's path on
    the web) become relative. Only this copy changes; the public site keeps MkDocs' pretty URLs.
    """
    for page in site.rglob("*.html"):
        folder = page.parent.relative_to(site).as_posix()
        text = page.read_text(encoding="utf-8")
        relink = functools.partial(_file_link, folder=folder, site_path=site_path)
        page.write_text(_LOCAL_LINK.sub(relink, _with_search_from_files(text, folder)), encoding="utf-8")


def _with_search_from_files(page: str, folder: str) -> str:
    """The page with search-from-files.js loaded before Material's script, if it has Material's script."""
    script = f'<script src="{posixpath.relpath(SEARCH_FROM_FILES, folder)}" defer></script>'
    return _MATERIALS_SCRIPT.sub(lambda found: script + found.group(0), page, count=1)


def _file_link(match: re.Match[str], folder: str, site_path: str) -> str:
    attribute, path = match.groups()
    if path.startswith(site_path):
        path = posixpath.relpath(path.removeprefix(site_path) or ".", folder) + ("/" if path.endswith("/") else "")
    elif path.startswith("/"):
        return match.group(0)
    if path.endswith("/") or path in (".", ".."):
        path = path.rstrip("/") + "/index.html"
    return attribute + path


def _refuse_unsafe_output(out: Path, root: Path) -> None:
    """The output folder is replaced as a whole: never let that be the project or a folder of someone's files."""
    out, root = out.resolve(), root.resolve()
    if out == root or root.is_relative_to(out) or (root / "data").is_relative_to(out):
        raise BuildError(message("build.out_holds_project", out=out))
    if out.is_dir() and any(out.iterdir()) and not (out / "portfolio.json").exists():
        raise BuildError(message("build.out_not_a_build", out=out))


def default_cache_dir(root: Path) -> Path:
    """``.cache/`` in the project, unless ``FACTSHEETS_CACHE_DIR`` names another folder (the tests' own)."""
    return Path(os.environ.get("FACTSHEETS_CACHE_DIR") or root / ".cache")


@contextlib.contextmanager
def _source_date_epoch(root: Path) -> Iterator[None]:
    """Date the build by the last commit, so that the same sources give the same bytes.

    MkDocs, WeasyPrint and fontTools read ``SOURCE_DATE_EPOCH`` from the environment. A value the
    caller set is kept; one taken from git is set for this build only and removed afterwards, so
    that nothing after the build (a later build in the same process, a test) inherits it.
    """
    if "SOURCE_DATE_EPOCH" in os.environ:
        yield
        return
    result = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True, text=True)
    os.environ["SOURCE_DATE_EPOCH"] = result.stdout.strip() if result.returncode == 0 and result.stdout.strip() else "0"
    try:
        yield
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)


@contextlib.contextmanager
def _staging(out: Path) -> Iterator[Path]:
    """A fresh folder beside ``out`` that replaces it when the block succeeds, and vanishes otherwise.

    It first removes what an interrupted build (killed, or its machine stopped) left beside ``out``;
    the folders' names carry their build's process id, so a build still running keeps its own.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(out)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-{os.getpid()}-", dir=out.parent))
    with _replacing(out, stage):
        yield stage


def _remove_leftovers(out: Path) -> None:
    for pattern in (f".{out.name}.building-*", f".{out.name}.old-*"):
        for leftover in out.parent.glob(pattern):
            if not _running(leftover.name.removeprefix(f".{out.name}.").split("-")[1]):
                log.info("removing %s, left by an interrupted build", leftover)
                shutil.rmtree(leftover, ignore_errors=True)


def _running(pid: str) -> bool:
    if not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, but belongs to someone else
        return True
    return True


@contextlib.contextmanager
def _replacing(out: Path, stage: Path) -> Iterator[None]:
    try:
        yield
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    old = out.parent / f".{out.name}.old-{stage.name.split('.building-', 1)[1]}"
    if out.exists():
        out.rename(old)
    try:
        stage.rename(out)
    except OSError:
        if old.exists() and not out.exists():
            old.rename(out)  # the previous output stays as it was
        shutil.rmtree(stage, ignore_errors=True)
        raise
    shutil.rmtree(old, ignore_errors=True)


def write_docs_tree(renderer: Renderer, root: Path, docs: Path) -> None:
    """The tree MkDocs reads: ``<lang>/`` pages (rendered and hand-written) and shared assets."""
    portfolio = renderer.portfolio
    for code in portfolio.languages:
        folder = docs / code
        # Hand-written pages were read and checked with the cards; MkDocs gets them converted, never the files.
        for page in portfolio.pages:
            if page.language == code:
                _write(inside(folder, page.source), renderer.content_page(page))
        _write(folder / "index.md", renderer.overview_page(code))
        for card in portfolio.cards:
            _write(inside(folder, f"{CARDS_FOLDER}/{card.id}.md"), renderer.card_page(card, code))
        for domain in portfolio.domains():
            _write(inside(folder, f"{DOMAINS_FOLDER}/{domain.slug}.md"), renderer.domain_page(domain, code))
    shutil.copytree(root / "templates" / "assets", docs / "assets")


CMS_SCRIPTS = ("decap-cms/dist", "*decap-cms.js"), ("js-yaml/dist", "js-yaml.min.js")
"""The form editor's scripts, installed from npm (package-lock.json) by `make`; served from the site itself."""
NODE_MODULES = Path(__file__).resolve().parent.parent / "node_modules"


def admin_folders(portfolio: Portfolio) -> dict[str, str]:
    """The form editor's page per interface language, on the site's side in that language: ``admin/`` in
    Dutch, ``en/admin/`` in English (as the site's default language is Dutch)."""
    return {
        code: f"{language_prefix(portfolio, code)}admin/" for code in INTERFACE_LANGUAGES if code in portfolio.languages
    }


def write_admin(portfolio: Portfolio, root: Path, site: Path) -> None:
    """The form editor: the CMS and its parts once at ``admin/``; per interface language a page and its
    configuration (from ``build.py schema``) in that language's folder."""
    templates = root / "templates" / "admin"
    admin = site / "admin"
    shutil.copytree(templates, admin, ignore=shutil.ignore_patterns("backend.yml", "index.html", "config*.yml"))
    for folder, pattern in CMS_SCRIPTS:
        scripts = sorted((NODE_MODULES / folder).glob(pattern))
        if not scripts:
            raise BuildError(message("build.no_form_editor_scripts", folder=NODE_MODULES / folder))
        for script in scripts:
            shutil.copy(script, admin / script.name)
    page = string.Template((templates / "index.html").read_text(encoding="utf-8"))
    folders = admin_folders(portfolio)
    for code, folder in folders.items():
        target = site / folder
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(templates / config_file_name(code), target / "config.yml")
        paths = {"root": "../" * folder.count("/"), "scripts": posixpath.relpath("admin", folder) + "/"}
        text = page.substitute(
            lang=code,
            title=interface_words(PAGE_TITLE, code),
            site=_admin_site_json(portfolio, code, folders, paths),
            **paths,
        )
        (target / "index.html").write_text(text, encoding="utf-8")


def _admin_site_json(portfolio: Portfolio, code: str, folders: dict[str, str], paths: dict[str, str]) -> str:
    """What the preview shows of the site, in the interface's language: labels, the timeline's scale, the links;
    and where the form is in the other interface language."""
    others = [other for other in folders if other != code]
    data = {
        "language": code,
        "labels": portfolio.settings.labels,
        "preconditions": PRECONDITION_GROUPS,
        "scale": timeline_scale(portfolio),
        "page": paths["root"] + page_url(portfolio, "{id}", code),
        "pdf": paths["root"] + pdf_path("{id}", code),
        **paths,
        "switch": {
            "code": others[0],
            "name": language_name(others[0], others[0]),
            "href": posixpath.relpath(folders[others[0]], folders[code]) + "/",
        }
        if others
        else None,
    }
    # Inside <script>, "</" would end the element early.
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


def _write(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


@contextlib.contextmanager
def _mkdocs_warnings() -> Iterator[list[str]]:
    """The warnings MkDocs logs while the block runs (a link to a missing page, a missing anchor)."""
    found: list[str] = []
    collector = logging.Handler(logging.WARNING)
    collector.emit = lambda record: found.append(record.getMessage())  # type: ignore[method-assign]
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    try:
        yield found
    finally:
        logger.removeHandler(collector)


def run_mkdocs(
    portfolio: Portfolio,
    root: Path,
    docs: Path,
    site: Path,
    work: Path,
    cache_dir: Path,
    after_pages: list[Callable[[Path], None]] | None = None,
) -> bool:
    """Run MkDocs on ``mkdocs.yml``, completed with this build's folders and navigation.

    When nothing MkDocs reads has changed since the last build, its output (in ``cache_dir/site``) is reused
    (returns True).
    Otherwise only the pages whose source or navigation changed are rendered again (see pagecache.py).
    Only the latest output is kept. With ``after_pages`` (the live preview), keeping it is left there, as a step
    to run on the published site once the reader has the pages: the copy is a good part of a one-card rebuild.
    """
    config = mkdocs_config(portfolio, root, docs, site)
    salt = _site_salt(config, docs, root / "templates" / "site")
    outputs = cache_dir / "site"
    cached = outputs / _key_with_docs(salt, docs)
    if _reused(cached, site):
        return True
    # Imported only now: MkDocs takes a quarter of a second to import, much of a rebuild that reuses its output.
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    from . import page_styles

    pages = PageCache(salt, _previous_output(outputs), outputs / PAGES_STORE)
    config_file = work / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True))
    try:
        with (
            pages.active(),
            _theme_compiled_in(cache_dir / "templates"),
            page_styles.parsed_in(cache_dir / "styles"),
            _mkdocs_warnings() as warnings,
        ):
            build(load_config(str(config_file)))
    except (Abort, ConfigurationError) as error:
        # In strict mode MkDocs only says how many warnings stopped it: the editor needs the warnings.
        raise BuildError(message("build.mkdocs_failed", reason="; ".join(warnings) or error)) from None
    split_search_index(portfolio, site)
    files = sorted(path.relative_to(site) for path in site.rglob("*") if path.is_file())

    def keep(published: Path) -> None:
        _keep_only(outputs, cached, published, files)
        pages.save()

    if after_pages is None:
        keep(site)
    else:
        after_pages.append(keep)
    return False


@contextlib.contextmanager
def _theme_compiled_in(folder: Path) -> Iterator[None]:
    """MkDocs compiles the theme's templates anew for every language in every build, a good part of a rebuild
    that changed one card; for one build, each theme environment keeps them compiled in ``folder`` too."""
    from mkdocs.theme import Theme

    get_env = Theme.get_env

    def get_env_compiled_in_folder(theme: Theme) -> jinja2.Environment:
        env = get_env(theme)
        env.bytecode_cache = compiled_templates(folder)
        return env

    Theme.get_env = get_env_compiled_in_folder  # type: ignore[method-assign]
    try:
        yield
    finally:
        Theme.get_env = get_env  # type: ignore[method-assign]


def split_search_index(portfolio: Portfolio, site: Path) -> None:
    """One search index per language, at the root of its language, so that a reader searches the pages they read.

    mkdocs-static-i18n gathers every language's pages into the one index the search plugin writes; Material
    loads ``search/search_index.json`` from the page's ``base``, which main.html sets to the language's root.
    Each index names its own language only, so that Material's search stems and drops stop words for it alone;
    the locations become relative to that root, as Material reads them.
    """
    merged = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    by_language: dict[str, list[dict[str, Any]]] = {code: [] for code in portfolio.languages}
    for doc in merged["docs"]:
        code = _language_of(portfolio, doc["location"])
        prefix = language_prefix(portfolio, code)
        by_language[code].append({**doc, "location": doc["location"].removeprefix(prefix)})
    for code, docs in by_language.items():
        index = {**merged, "config": {**merged["config"], "lang": [code]}, "docs": docs}
        target = inside(site, f"{language_prefix(portfolio, code)}search/search_index.json")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _language_of(portfolio: Portfolio, location: str) -> str:
    """The language of a page by its location: the default language's pages have no language folder."""
    for code in portfolio.languages:
        prefix = language_prefix(portfolio, code)
        if prefix and location.startswith(prefix):
            return code
    return portfolio.settings.default_language


PAGES_STORE = "pages.pickle"
"""Beside the cached output: what each of its pages gave MkDocs (pagecache.py)."""


def _previous_output(cache_dir: Path) -> Path | None:
    """The last build's MkDocs output, when it is still the one that was stored."""
    if not cache_dir.is_dir():
        return None
    folders = [entry for entry in cache_dir.iterdir() if entry.is_dir() and not entry.name.startswith(".")]
    return next((folder for folder in folders if is_intact(folder)), None)


def _site_salt(config: dict[str, Any], docs: Path, theme_overrides: Path) -> str:
    """Everything MkDocs reads but the pages' contents: the configuration (less this build's folders), the
    names of the docs' files, the theme, the stylesheets and scripts, the tools' versions and the project's own
    code (which writes the configuration and the pages)."""
    from importlib.metadata import version

    digest = hashlib.sha256()
    for package in ("mkdocs", "mkdocs-material", "mkdocs-static-i18n"):
        digest.update(f"{package} {version(package)}\n".encode())
    digest.update(f"code {code_fingerprint()}\n".encode())
    digest.update(f"epoch {os.environ.get('SOURCE_DATE_EPOCH', '')}\n".encode())
    stable = {key: value for key, value in config.items() if key not in ("docs_dir", "site_dir")}
    digest.update(yaml.safe_dump(stable).encode())
    digest.update("\n".join(sorted(path.relative_to(docs).as_posix() for path in docs.rglob("*"))).encode())
    add_tree(digest, theme_overrides)
    add_tree(digest, docs / "assets")  # every page carries the CSS it uses (factsheets/page_styles.py)
    return digest.hexdigest()


def _site_key(config: dict[str, Any], docs: Path, theme_overrides: Path) -> str:
    """Everything MkDocs reads."""
    return _key_with_docs(_site_salt(config, docs, theme_overrides), docs)


def _key_with_docs(salt: str, docs: Path) -> str:
    digest = hashlib.sha256(salt.encode())
    add_tree(digest, docs)
    return digest.hexdigest()


def _reused(cached: Path, site: Path) -> bool:
    """Copy an earlier, intact MkDocs output; False when there is none (or another build just replaced it)."""
    if not cached.is_dir() or not is_intact(cached):
        return False
    try:
        shutil.copytree(cached, site, dirs_exist_ok=True)
    except (OSError, shutil.Error):
        if cached.is_dir():
            raise
        return False  # MkDocs builds the site again, into a folder it empties first
    return True


STALE_PARTIAL_SECONDS = 3600
"""A half-copied cache entry this old belongs to a build that was killed, not to one still copying."""


def _keep_only(cache_dir: Path, target: Path, site: Path, files: list[Path]) -> None:
    """Keep this build's MkDocs output (``files``, in ``site``) as the only cached one, sealed with the digest of
    its files. Only MkDocs' files: ``site`` may hold what the build published beside them.

    Builds sharing the cache each copy into a folder of their own and rename it into place;
    the first to finish stores and seals it, the others find it there.
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=".site-", suffix=".partial", dir=cache_dir))
    try:
        for name in files:
            (partial / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(site / name, partial / name)
        partial.rename(target)
    except OSError:
        shutil.rmtree(partial, ignore_errors=True)
        if not target.is_dir():
            raise
    else:
        seal(target)
    keep = {target, digest_file(target)}
    for old in cache_dir.iterdir():
        if old in keep or (old.suffix == ".partial" and not _older_than(old, STALE_PARTIAL_SECONDS)):
            continue
        if old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink(missing_ok=True)


def _older_than(path: Path, seconds: float) -> bool:
    try:
        return time.time() - path.stat().st_mtime > seconds
    except OSError:
        return False


def mkdocs_config(portfolio: Portfolio, root: Path, docs: Path, site: Path) -> dict[str, Any]:
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    settings = portfolio.settings
    config.update(docs_dir=str(docs), site_dir=str(site), site_url=settings.base_url)
    config["site_name"] = theme_safe(settings.name[settings.default_language])
    config["site_description"] = theme_safe(settings.description[settings.default_language])
    config["theme"]["custom_dir"] = str(root / config["theme"]["custom_dir"])
    config["hooks"] = [str(root / hook) for hook in config.get("hooks", [])]
    i18n = next(plugin["i18n"] for plugin in config["plugins"] if isinstance(plugin, dict) and "i18n" in plugin)
    i18n["languages"] = [_language_config(portfolio, root, code) for code in portfolio.languages]
    return config


def _language_config(portfolio: Portfolio, root: Path, code: str) -> dict[str, Any]:
    settings = portfolio.settings
    labels = settings.labels
    content_pages = sorted(page.source for page in portfolio.pages if page.language == code)
    return {
        "locale": code,
        "name": language_name(code, code),
        "default": code == settings.default_language,
        "build": True,
        # Material prints these texts unescaped in some places: they reach MkDocs theme-safe.
        "site_name": theme_safe(settings.name[code]),
        "site_description": theme_safe(settings.description[code]),
        "nav": [
            {theme_safe(labels["overview"][code]): "index.md"},
            {theme_safe(labels["domains"][code]): [f"{DOMAINS_FOLDER}/{d.slug}.md" for d in portfolio.domains()]},
            *_cards_nav(portfolio, theme_safe(labels["projects"][code])),
            *content_pages,
        ],
        "extra": {
            "not_found_title": labels["not_found_title"][code],
            "not_found_text": labels["not_found_text"][code],
            "home_url": language_prefix(portfolio, code),
            "tagline": settings.tagline[code],
            "default_language": settings.default_language,
            "og_locale": open_graph_locale(code),
            "og_locale_alternates": [open_graph_locale(other) for other in portfolio.languages if other != code],
            "share_image_size": list(SHARE_IMAGE_SIZE),
            "theme_texts": {key: labels[f"theme.{key}"][code] for key in THEME_TEXTS},
        },
    }


THEME_TEXTS = ("header", "footer", "tabs", "search", "made_with")
"""Material's texts that its own translations leave in English on Dutch pages, from site.yml's ``theme.*`` labels."""


def open_graph_locale(code: str) -> str:
    """A language as Open Graph names it, with its likeliest country: ``nl`` -> ``nl_NL``, ``en`` -> ``en_US``."""
    from babel import Locale
    from babel.core import get_global

    locale = Locale.parse(get_global("likely_subtags").get(code, code))
    return f"{locale.language}_{locale.territory}" if locale.territory else locale.language


NAV_CARDS = 40
"""A navigation menu lists the cards up to this many; beyond it the domain pages lead to them, because a
menu of hundreds of entries helps nobody and MkDocs renders it into every page."""


def _cards_nav(portfolio: Portfolio, label: str) -> list[dict[str, list[str]]]:
    if len(portfolio.cards) > NAV_CARDS:
        return []
    return [{label: [f"{CARDS_FOLDER}/{card.id}.md" for card in portfolio.cards]}]


def write_catalog(portfolio: Portfolio, site: Path, modified: str | None, issued: str | None) -> None:
    """``catalog.jsonld``: the open data described for open-data catalogues (DCAT-AP-NL, structured.dcat_catalog),
    with a warning naming what DCAT-AP-NL requires that site.yml does not give yet."""
    gaps = catalogue_gaps(portfolio.settings.open_data)
    if gaps:
        log.warning(message("catalog.incomplete", fields=", ".join(gaps)))
    catalog = dcat_catalog(portfolio, modified, issued)
    inside(site, "catalog.jsonld").write_text(
        json.dumps(catalog, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


def write_robots_txt(portfolio: Portfolio, site: Path) -> None:
    """Every page may be indexed but the form editor's; the sitemap (with each page's language twins) is where
    search engines find them."""
    base = portfolio.settings.base_url
    editors = "".join(f"Disallow: {urlsplit(base).path}{folder}\n" for folder in admin_folders(portfolio).values())
    text = f"User-agent: *\nAllow: /\n{editors}\nSitemap: {base}sitemap.xml\n"
    inside(site, "robots.txt").write_text(text, encoding="utf-8")


def write_open_data(portfolio: Portfolio, site: Path) -> None:
    """``portfolio.json`` (the contract's manifest) and ``portfolio.csv`` (the comparison table)."""
    inside(site, "portfolio.json").write_text(
        json.dumps(manifest(portfolio), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    inside(site, "portfolio.csv").write_text(comparison_csv(portfolio), encoding="utf-8")


def manifest(portfolio: Portfolio) -> dict[str, Any]:
    cards = []
    for card in portfolio.cards:
        data = card.model_dump(mode="json", exclude_none=True)
        data["urls"] = {
            code: {"page": page_url(portfolio, card.id, code), "pdf": pdf_path(card.id, code)}
            for code in portfolio.languages
        }
        cards.append(data)
    return {
        "languages": portfolio.languages,
        "default_language": portfolio.settings.default_language,
        "cards": cards,
        "booklet": {code: booklet_path(code) for code in portfolio.languages},
    }


def comparison_csv(portfolio: Portfolio) -> str:
    """The comparison table, with each card's unconfirmed values (their field paths and notes) and sources."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    titles = [f"title_{code}" for code in portfolio.languages]
    writer.writerow(
        [
            "id",
            "kind",
            "parent",
            *titles,
            "total_meur",
            "start",
            "end",
            "trl_min",
            "trl_max",
            "market",
            "capital",
            "rnd",
            "public",
            "private",
            "unconfirmed",
            *(f"unconfirmed_note_{code}" for code in portfolio.languages),
            *(f"sources_{code}" for code in portfolio.languages),
        ]
    )
    for card in portfolio.cards:
        writer.writerow(
            _inert(value)
            for value in [
                card.id,
                card.kind,
                card.parent or "",
                *(card.title[code] for code in portfolio.languages),
                _plain_number(card.budget.total_meur),
                card.timeline.start,
                card.timeline.end,
                card.readiness.trl.min,
                card.readiness.trl.max,
                card.readiness.market,
                card.shares.capital,
                card.shares.rnd,
                card.shares.public,
                card.shares.private,
                "; ".join(unconfirmed_notes(card)),
                *("; ".join(entry.note[code] for entry in card.unconfirmed) for code in portfolio.languages),
                *(_sources_text(card, Language(code, portfolio.settings.labels)) for code in portfolio.languages),
            ]
        )
    return buffer.getvalue()


def _sources_text(card: Card, lang: Language) -> str:
    """The card's sources in one cell: "title, date, p. 3, address", separated by " | "."""
    sources = []
    for source in card.sources:
        page = lang.t("source_page", page=source.page) if source.page else ""
        sources.append(", ".join(part for part in (lang.text(source.title), source.date, page, source.url) if part))
    return " | ".join(sources)


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _inert(value: object) -> object:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe (OWASP's advice).

    Only texts: the numbers the CSV carries are written by us and stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _plain_number(value: float) -> str:
    """A number as data: no rounding, no exponent, no trailing ".0"."""
    return f"{value:.6f}".rstrip("0").rstrip(".")
