"""factsheets.fingerprint: what a cached output was made from, and whether a cached entry is still whole."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from factsheets import fingerprint
from factsheets.fingerprint import code_fingerprint, content_digest, digest_file, is_intact, prune, reused, seal


@pytest.fixture
def entry(tmp_path: Path) -> Path:
    path = tmp_path / "abc.pdf"
    path.write_bytes(b"%PDF-1.7 a whole document")
    return path


def test_a_sealed_entry_is_intact(entry):
    seal(entry)
    assert is_intact(entry)
    assert sorted(path.name for path in entry.parent.iterdir()) == ["abc.pdf", "abc.pdf.sha256"]


def test_an_entry_never_sealed_is_not_reused(entry):
    # What a build interrupted between writing and sealing leaves, or a sheet put there by other means.
    assert not is_intact(entry)


def test_a_missing_entry_is_not_intact(entry):
    seal(entry)
    entry.unlink()
    assert not is_intact(entry)


@pytest.mark.parametrize("change", [lambda b: b[:10], lambda b: b + b"x", lambda b: b.replace(b"whole", b"other")])
def test_a_changed_entry_is_not_intact(entry, change):
    seal(entry)
    entry.write_bytes(change(entry.read_bytes()))
    assert not is_intact(entry)


def test_a_folder_entry_notices_a_changed_added_or_removed_file(tmp_path):
    site = tmp_path / "site"
    (site / "en").mkdir(parents=True)
    (site / "index.html").write_text("<p>home</p>")
    (site / "en" / "index.html").write_text("<p>home</p>")
    seal(site)
    assert is_intact(site)
    (site / "extra.html").write_text("x")
    assert not is_intact(site)
    (site / "extra.html").unlink()
    assert is_intact(site)
    (site / "en" / "index.html").unlink()
    assert not is_intact(site)


def test_a_files_path_is_part_of_a_folders_digest(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    (one / "a").mkdir(parents=True)
    (two / "b").mkdir(parents=True)
    (one / "a" / "x").write_text("same")
    (two / "b" / "x").write_text("same")
    assert content_digest(one) != content_digest(two)


def test_the_code_fingerprint_follows_the_packages_python_files(tmp_path, monkeypatch):
    package = Path(shutil.copytree(fingerprint.PACKAGE, tmp_path / "factsheets"))
    monkeypatch.setattr(fingerprint, "PACKAGE", package)
    before = code_fingerprint()
    (package / "notes.txt").write_text("not code")
    assert code_fingerprint() == before
    with (package / "render.py").open("a", encoding="utf-8") as code:
        code.write("\n# changed\n")
    assert code_fingerprint() != before


# --- pruning: what no build has used for a while leaves the cache -----------------------------------------


def aged(path: Path, days: float) -> None:
    then = time.time() - days * 24 * 3600
    os.utime(path, (then, then))


def sealed_entry(folder: Path, name: str, days_unused: float) -> Path:
    entry = folder / name
    entry.write_bytes(f"%PDF-1.7 {name}".encode())
    seal(entry)
    for path in (entry, digest_file(entry)):
        aged(path, days_unused)
    return entry


def test_pruning_keeps_what_was_reused_or_recently_made_and_removes_the_rest(tmp_path):
    used = sealed_entry(tmp_path, "used.pdf", 40)
    sealed_entry(tmp_path, "forgotten.pdf", 40)
    sealed_entry(tmp_path, "recent.pdf", 2)
    (tmp_path / ".killed-build.partial").write_bytes(b"%PDF-1.7 half")
    aged(tmp_path / ".killed-build.partial", 40)
    assert reused(used)
    prune(tmp_path, 30)
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "recent.pdf", "recent.pdf.sha256", "used.pdf", "used.pdf.sha256"
    ]  # fmt: skip


def test_a_damaged_entry_is_not_marked_as_reused(tmp_path):
    entry = sealed_entry(tmp_path, "cut.pdf", 40)
    entry.write_bytes(b"%PDF-1.7 cu")
    aged(entry, 40)
    assert not reused(entry)
    prune(tmp_path, 30)
    assert not entry.exists() and not digest_file(entry).exists()
