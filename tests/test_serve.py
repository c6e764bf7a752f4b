"""build.py serve: a live preview on localhost that rebuilds when a card changes."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from portfolios import FIXTURE_DATA

ROOT = Path(__file__).resolve().parent.parent


def wait_for(predicate: Callable[[], bool], timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    raise AssertionError("timed out")


def test_the_preview_rebuilds_when_a_card_is_saved(tmp_path):
    data = Path(shutil.copytree(FIXTURE_DATA, tmp_path / "data"))
    log = tmp_path / "serve.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "build.py", "serve", "--port", "0", "--data", str(data)],
            cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
    try:
        wait_for(lambda: "preview on http://127.0.0.1:" in log.read_text())
        url = re.search(r"http://127\.0\.0\.1:\d+/", log.read_text()).group(0)

        def home() -> str:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode()

        assert "€ 2.250 miljoen" in home()
        card = data / "cards" / "atmp.yml"
        card.write_text(card.read_text().replace("total_meur: 2250", "total_meur: 2300"))
        wait_for(lambda: "€ 2.300 miljoen" in home())
        card.write_text(card.read_text().replace("total_meur: 2300", "total_meur: veel"))
        wait_for(lambda: "budget.total_meur: expected a number, got 'veel'" in log.read_text())
        assert "€ 2.300 miljoen" in home()  # the last good preview stays up
        assert "Traceback" not in log.read_text()
    finally:
        server.terminate()
        server.wait(timeout=30)
