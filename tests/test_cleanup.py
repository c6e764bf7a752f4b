"""Builds that fail or are killed: a clear message, the previous output kept, nothing left running or behind.

These build the fixture portfolio for real, some in a subprocess so that it can be limited or killed.
"""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from portfolios import make_project

from factsheets.problems import BuildError
from factsheets.publish import build_site
from factsheets.validate import load_portfolio

PROJECT = Path(__file__).resolve().parent.parent
BUILD = """\
import sys
from pathlib import Path
from factsheets.problems import BuildError
from factsheets.publish import build_site
from factsheets.validate import load_portfolio
project, out, cache = (Path(arg) for arg in sys.argv[1:4])
try:
    build_site(load_portfolio(project / "data", project), project, out, cache)
except BuildError as error:
    print(f"error: {error}", file=sys.stderr)
    sys.exit(1)
"""


def tree_hashes(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def start_build(project: Path, out: Path, cache: Path, **options: object) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(PROJECT), "SOURCE_DATE_EPOCH": "1700000000"}
    env.update(options.pop("env", {}))  # type: ignore[arg-type]
    command = [sys.executable, "-c", BUILD, str(project), str(out), str(cache)]
    return subprocess.Popen(command, cwd=PROJECT, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            **options)  # type: ignore[call-overload]  # fmt: skip


def leftovers(out: Path) -> list[str]:
    return sorted(path.name for path in out.parent.iterdir() if path.name.startswith(f".{out.name}."))


@pytest.fixture(scope="module")
def warm(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The fixture project and a cache that holds its PDFs and MkDocs output: builds of it are quick."""
    work = tmp_path_factory.mktemp("warm")
    project = make_project(work / "project")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        build(project, work / "site", work / "cache")
    return project, work / "cache"


@pytest.fixture
def project(warm: tuple[Path, Path], tmp_path: Path) -> Path:
    return Path(shutil.copytree(warm[0], tmp_path / "project"))


@pytest.fixture
def cache(warm: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    return Path(shutil.copytree(warm[1], tmp_path / "cache"))


def build(project: Path, out: Path, cache: Path) -> None:
    build_site(load_portfolio(project / "data", project), project, out, cache)


# --- a full disk, a read-only output ----------------------------------------------------------------


def _small_files_only() -> None:
    # As on a full disk, writing past 64 kB fails (EFBIG instead of ENOSPC), without a signal killing us.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))


def test_a_full_disk_gives_a_clear_message_and_keeps_the_previous_output(project, cache, tmp_path):
    out = tmp_path / "site"
    build(project, out, cache)
    before = tree_hashes(out)
    process = start_build(project, out, cache, preexec_fn=_small_files_only)
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 1, stderr
    assert stderr.startswith("error: could not write the site (File too large): ") and "Traceback" not in stderr
    assert tree_hashes(out) == before
    assert leftovers(out) == []


def test_a_read_only_output_folder_gives_a_clear_message(project, cache, tmp_path):
    parent = tmp_path / "read-only"
    parent.mkdir()
    if subprocess.run(["chattr", "+i", str(parent)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here (root ignores file modes, so nothing else makes it read-only)")
    try:
        with pytest.raises(BuildError, match=r"could not write the site \(Operation not permitted\)"):
            build(project, parent / "site", cache)
    finally:
        subprocess.run(["chattr", "-i", str(parent)], check=True)
    assert list(parent.iterdir()) == []


# --- what an interrupted build leaves -----------------------------------------------------------------


def test_the_next_build_removes_what_interrupted_builds_left_but_not_a_running_builds_folder(project, cache, tmp_path):
    out = tmp_path / "site"
    dead = 2**22 + 1  # above Linux's largest process id: no process has it
    running = subprocess.Popen(["sleep", "120"])
    try:
        for name in (f".site.building-{dead}-abc", f".site.old-{dead}-abc", ".site.building-xyz",
                     f".site.building-{running.pid}-def"):  # fmt: skip
            (tmp_path / name / "assets").mkdir(parents=True)
        build(project, out, cache)
        assert leftovers(out) == [f".site.building-{running.pid}-def"]
    finally:
        running.kill()
        running.wait()


def _processes_with(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _wait_for(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.2)
    return False


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="finds the workers through /proc")
def test_render_workers_die_with_a_killed_build_and_the_next_build_cleans_up(project, tmp_path):
    marker = f"FACTSHEETS_TEST_BUILD={os.getpid()}-{time.monotonic_ns()}"
    out = tmp_path / "site"
    build_process = start_build(project, out, tmp_path / "empty-cache", env=dict([marker.split("=", 1)]))
    try:
        # Besides the build: multiprocessing's resource tracker, the forkserver and at least one worker.
        assert _wait_for(lambda: len(_processes_with(marker)) >= 4, 120), "no render workers started"
        build_process.send_signal(signal.SIGKILL)
        build_process.wait(timeout=10)
        assert _wait_for(lambda: _processes_with(marker) == [], 20), f"still running: {_processes_with(marker)}"
    finally:
        for pid in _processes_with(marker):
            os.kill(pid, signal.SIGKILL)
    assert [name for name in leftovers(out) if name.startswith(".site.building-")]  # what kill -9 left
    build(project, out, tmp_path / "empty-cache")  # the PDFs the killed build finished are reused
    assert leftovers(out) == []


# --- builds sharing one cache ----------------------------------------------------------------------


def test_two_builds_at_once_on_one_empty_cache_both_succeed_with_the_same_pdfs(project, tmp_path):
    shared = tmp_path / "shared-cache"
    builds = [start_build(project, tmp_path / name, shared) for name in ("one", "two")]
    for process in builds:
        _, stderr = process.communicate(timeout=600)
        assert process.returncode == 0, stderr
    one, two = tree_hashes(tmp_path / "one"), tree_hashes(tmp_path / "two")
    assert one == two and "pdf/atmp.nl.pdf" in one
    assert not [path for path in shared.rglob("*.partial")]
