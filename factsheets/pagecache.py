"""MkDocs page by page: a page whose source and navigation did not change is not rendered again.

MkDocs' own ``--dirty`` builds cannot give the bytes of a clean build: an unchanged page is not read,
so its front-matter title is missing from the navigation of the pages that are rendered, and it is
missing from the search index; mkdocs-static-i18n also decides on ``--dirty`` for its other languages
by reading ``sys.argv``. So every build here is a complete MkDocs build, and two of its steps remember
what they gave per page, in the cache:

- reading a page (front matter, Markdown to HTML, table of contents, anchors): reused when the page's
  source, the configuration, the theme, the tools, the project's code and the list of files are the same;
- writing a page (the theme's template around it, and its search-index entries): reused, by copying the
  page's HTML from the previous output, when in addition the navigation (every page's address, title and
  front matter but the fields only its own page shows) is the same.

A changed card thus re-renders its own pages and the pages that list it (their sources change with it);
a new title changes the navigation and every page is written again. The output is the same as a clean
build's: ``tests/test_publish.py`` compares the two.

MkDocs offers no event to skip writing a page, so the two steps are wrapped (``mkdocs.commands.build``'s
``_populate_page`` and ``_build_page``) for the duration of one build only.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import pickle
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .fingerprint import is_intact, seal

log = logging.getLogger(__name__)

OWN_FIELDS = ("description", "json_ld")
"""The front-matter fields that only their own page shows (in its head): its description, and its structured
data, which holds the card's summary."""

READ_STATE = ("markdown", "meta", "content", "toc", "_title_from_render", "present_anchor_ids")
"""What reading a page leaves on MkDocs' Page object, besides its links to anchors (kept by file name)."""


class PageCache:
    """What each page's reading and writing gave in the previous build, and what they give in this one."""

    def __init__(self, salt: str, previous_output: Path | None, store: Path) -> None:
        self.salt = salt
        self.previous_output = previous_output
        self.store = store
        # Kept pickled as soon as they are made: the theme and the plugins change their objects later on.
        self.read: dict[str, bytes] = {}
        self.written: dict[str, bytes] = {}
        self._old_read, self._old_written = self._load() if previous_output else ({}, {})
        self._navigation_keys: dict[int, str] = {}
        self.counts = {"read": 0, "reread": 0, "written": 0, "rewritten": 0}

    def _load(self) -> tuple[dict[str, Any], dict[str, Any]]:
        # Only a sealed store is read: it is written by this module after a build that succeeded.
        if not is_intact(self.store):
            return {}, {}
        try:
            stored = pickle.loads(self.store.read_bytes())
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return {}, {}
        if stored.get("salt") != self.salt:
            return {}, {}
        return stored["read"], stored["written"]

    def save(self) -> None:
        """Keep what this build's pages gave (and nothing of older builds), sealed."""
        partial = self.store.with_name(self.store.name + ".partial")
        partial.write_bytes(pickle.dumps({"salt": self.salt, "read": self.read, "written": self.written}))
        partial.rename(self.store)
        seal(self.store)

    @contextlib.contextmanager
    def active(self) -> Iterator[None]:
        """MkDocs' page steps go through this cache while the block runs."""
        from mkdocs.commands import build as mkdocs_build

        populate, build_page = mkdocs_build._populate_page, mkdocs_build._build_page

        def cached_populate(page: Any, config: Any, files: Any, dirty: bool = False) -> None:
            self._read_page(populate, page, config, files, dirty)

        def cached_build_page(page: Any, config: Any, doc_files: Any, nav: Any, *args: Any, **kw: Any) -> None:
            self._write_page(build_page, page, config, doc_files, nav, *args, **kw)

        mkdocs_build._populate_page, mkdocs_build._build_page = cached_populate, cached_build_page
        try:
            yield
        finally:
            mkdocs_build._populate_page, mkdocs_build._build_page = populate, build_page
        log.info("mkdocs pages: %s", self.counts)

    # reading

    def _read_key(self, page: Any) -> str:
        return _digest(self.salt, "read", page.file.src_uri, page.file.content_bytes)

    def _read_page(self, populate: Any, page: Any, config: Any, files: Any, dirty: bool) -> None:
        key = self._read_key(page)
        state = self._old_read.get(key)
        if state is not None and _restore(page, pickle.loads(state), files):
            self.counts["reread"] += 1
        else:
            populate(page, config, files, dirty)
            self.counts["read"] += 1
            read = {name: getattr(page, name) for name in READ_STATE}
            anchors = page.links_to_anchors or {}
            read["links_to_anchors"] = {target.src_uri: links for target, links in anchors.items()}
            state = pickle.dumps(read)
        self.read[key] = state

    # writing

    def _navigation_key(self, nav: Any, doc_files: Any) -> str:
        """What every page shows of the others: their addresses, titles and front matter (but the description)."""
        if id(nav) not in self._navigation_keys:
            pages = [
                (
                    file.src_uri,
                    file.url,
                    file.page.title,
                    {key: value for key, value in file.page.meta.items() if key not in OWN_FIELDS},
                )
                for file in doc_files
            ]
            self._navigation_keys[id(nav)] = _digest(self.salt, json.dumps(pages, sort_keys=True, default=str))
        return self._navigation_keys[id(nav)]

    def _write_page(
        self, build_page: Any, page: Any, config: Any, doc_files: Any, nav: Any, *args: Any, **kw: Any
    ) -> None:
        key = _digest(self._read_key(page), self._navigation_key(nav, doc_files), page.file.dest_uri)
        index = _search_entries(config)
        entries = self._old_written.get(key)
        earlier = self.previous_output / page.file.dest_uri if self.previous_output else None
        if entries is not None and earlier is not None and _copied(earlier, Path(page.file.abs_dest_path)):
            index.extend(pickle.loads(entries))
            self.counts["rewritten"] += 1
        else:
            before = len(index)
            build_page(page, config, doc_files, nav, *args, **kw)
            entries = pickle.dumps(index[before:])
            self.counts["written"] += 1
        self.written[key] = entries


def _copied(earlier: Path, target: Path) -> bool:
    """Put a page of the previous output in this one; False when it is gone (another build sharing the cache
    replaced it).

    Linked, not copied, where the file system allows: a copy of every unchanged page took a good part of a
    one-card rebuild. The link is safe because the previous output is removed when this build's output is
    stored (``publish._keep_only``, which copies), and because a page written into in the meantime would no
    longer match the previous output's seal, which is then not used again."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(earlier, target)
    except FileNotFoundError:
        return False
    except OSError:  # another file system, or one without hard links
        try:
            shutil.copyfile(earlier, target)
        except FileNotFoundError:
            return False
    return True


def _restore(page: Any, state: dict[str, Any], files: Any) -> bool:
    """Put a page's reading back on it; False when a page it links to is gone."""
    links = {}
    for src_uri, anchors in state["links_to_anchors"].items():
        target = files.get_file_from_path(src_uri)
        if target is None:
            return False
        links[target] = anchors
    for name in READ_STATE:
        setattr(page, name, state[name])
    page.links_to_anchors = links
    return True


def _search_entries(config: Any) -> list[dict[str, Any]]:
    """The search plugin's list of this build's index entries (a throw-away list when search is off)."""
    for plugin in config.plugins.values():
        index = getattr(plugin, "search_index", None)
        if index is not None and isinstance(getattr(index, "entries", None), list):
            return index.entries
    return []


def _digest(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else part.encode())
        digest.update(b"\0")
    return digest.hexdigest()
