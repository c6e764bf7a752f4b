"""What a cached output was made from, and whether a cached file is still the one that was stored.

A cache key that misses an input reuses a stale output, so the keys of the sheet cache and of the
MkDocs cache are made from the same pieces: folders of files, the project's own code and the tools'
versions. Each cached entry also carries the digest of its own bytes, written once the entry was
made (and, for a sheet, had passed the one-page check); an entry whose bytes no longer match it
(a truncated PDF, an edited file) is made again instead of being published.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

PACKAGE = Path(__file__).resolve().parent
"""The project's own code: a change to the layout check, the sheet parameters or the site's
configuration changes what the same cards and templates give."""

DIGEST_SUFFIX = ".sha256"


def add_tree(digest: Any, folder: Path) -> None:
    """Every file under ``folder``: its relative path, its size and its bytes (compiled caches left out)."""
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            content = path.read_bytes()
            digest.update(f"{path.relative_to(folder).as_posix()}\0{len(content)}\0".encode())
            digest.update(content)


def code_fingerprint() -> str:
    """The digest of the package's Python files."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.glob("*.py")):
        digest.update(f"{path.name}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def content_digest(entry: Path) -> str:
    """The digest of a cached file's bytes, or of every file in a cached folder."""
    digest = hashlib.sha256()
    if entry.is_dir():
        add_tree(digest, entry)
    else:
        digest.update(entry.read_bytes())
    return digest.hexdigest()


def digest_file(entry: Path) -> Path:
    return entry.with_name(entry.name + DIGEST_SUFFIX)


def seal(entry: Path) -> None:
    """Record the digest of a finished cache entry; only a sealed entry is ever reused."""
    partial = entry.with_name(entry.name + ".digest-partial")
    partial.write_text(content_digest(entry), encoding="ascii")
    partial.rename(digest_file(entry))


def is_intact(entry: Path) -> bool:
    """The entry exists, was sealed, and its bytes are still the sealed ones."""
    record = digest_file(entry)
    if not entry.exists() or not record.is_file():
        return False
    return record.read_text(encoding="ascii").strip() == content_digest(entry)


def reused(entry: Path) -> bool:
    """Whether ``entry`` is intact (see ``is_intact``). An intact entry is marked as used now, it and its digest
    (their modification time), so that ``prune`` keeps it."""
    if not is_intact(entry):
        return False
    for path in (entry, digest_file(entry)):
        with contextlib.suppress(OSError):  # a cache on a read-only disk is still read
            os.utime(path)
    return True


def prune(folder: Path, unused_for_days: float) -> None:
    """Remove the files in ``folder`` that no build has made or reused (``reused``) for ``unused_for_days``:
    entries, their digests, and the partial files of killed builds. Content-addressed caches otherwise only grow:
    every edited card and every change to the templates adds entries that no later build asks for."""
    cutoff = time.time() - unused_for_days * 24 * 3600
    for path in folder.iterdir():
        with contextlib.suppress(OSError):  # removed meanwhile by another build sharing the cache
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()


def write_sealed(target: Path, content: bytes) -> None:
    """A cache entry written whole or not at all, then sealed: an interrupted build never leaves half a file that
    looks finished. The temporary name is unique, so builds sharing the cache never write into each other's file."""
    descriptor, partial = tempfile.mkstemp(prefix=f".{target.stem[:16]}-", suffix=".partial", dir=target.parent)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(content)
        os.replace(partial, target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    seal(target)


def remembered(entry: Path, make: Callable[[], T]) -> T:
    """The object kept in the cache entry ``entry`` (pickled and sealed); made by ``make`` and kept there when the
    entry is missing or damaged. ``entry``'s name must change with everything ``make``'s result depends on."""
    if reused(entry):
        with contextlib.suppress(pickle.UnpicklingError, EOFError, AttributeError, TypeError):
            return pickle.loads(entry.read_bytes())
    made = make()
    entry.parent.mkdir(parents=True, exist_ok=True)
    write_sealed(entry, pickle.dumps(made, protocol=pickle.HIGHEST_PROTOCOL))
    return made
