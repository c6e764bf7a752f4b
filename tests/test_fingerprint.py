"""factsheets.fingerprint: what a cached output was made from, and whether a cached entry is still whole."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from factsheets import fingerprint
from factsheets.fingerprint import code_fingerprint, content_digest, is_intact, seal


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
