"""make audit: Lighthouse (mobile) and the Nu Html Checker over the built site, served with compression.

The pages: the home page, a domain page, a card page and the news page, in every language. Lighthouse
(npm, pinned in audit/package-lock.json) runs each in Chromium at /usr/bin/chromium with its mobile
defaults, three times: a page's scores are those of its median run by performance, as Lighthouse's
documentation advises against the variance of one run (on a shared machine, mostly the blocking time).
The run fails below performance 95 or below 100 in accessibility, best practices and SEO. Every run's
report stays in audit/reports/ (page-run.json), to read what a page's time goes to.
The Nu Html Checker (npm vnu-jar, Java) reads the same pages; it fails on any error that does not come
from Material for MkDocs' own markup, which is listed below with the reason it is not ours to fix.
The table it prints is the one in the README.

    python audit/run.py [SITE] [--runs N]     (default: site/, as `make build` writes it; 3 runs)
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

AUDIT = Path(__file__).resolve().parent
REPORTS = AUDIT / "reports"
LIGHTHOUSE = AUDIT / "node_modules" / ".bin" / "lighthouse"
VNU = AUDIT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM = "/usr/bin/chromium"
CATEGORIES = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
COMPRESSED = {".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".jsonld"}

MATERIAL_MARKUP = {
    "Attribute “autocomplete” is only allowed when the input type is": "Material's drawer and search toggles "
    "(base.html: <input type=checkbox autocomplete=off>), which keep browsers from restoring their state",
    "Bad value “” for attribute “tabindex” on element “label”": "Material's navigation (partials/nav-item.html) "
    "writes tabindex with an empty value on section labels",
}
"""Nu errors in Material's own templates, by the start of the message, with where they come from."""


class CompressingHandler(http.server.SimpleHTTPRequestHandler):
    """Files as a static host serves them: text gzip-compressed when the browser accepts it."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (path.is_file() and path.suffix in COMPRESSED and accepts):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=3600")
        self.end_headers()
        return _Body(body)


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, *_: object) -> bytes:
        data, self.data = self.data, b""
        return data

    def close(self) -> None:
        pass


def pages(site: Path) -> list[str]:
    """Home, a domain page, a card page and the news page, per language, as site-relative URLs."""
    manifest = json.loads((site / "portfolio.json").read_text(encoding="utf-8"))
    default = manifest["default_language"]
    domain = sorted(path.name for path in (site / "domeinen").iterdir() if path.is_dir())[0]
    found = []
    for code in manifest["languages"]:
        home = "" if code == default else f"{code}/"
        card = manifest["cards"][0]["urls"][code]["page"]
        found += [home, f"{home}domeinen/{domain}/", card, f"{home}nieuws/"]
    return found


@contextlib.contextmanager
def serve(site: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(CompressingHandler, directory=site))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def lighthouse(url: str, report: Path) -> dict[str, Any]:
    flags = "--headless=new --no-sandbox --disable-gpu --no-first-run --disable-background-networking"
    command = [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
               f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={flags}"]  # fmt: skip
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": CHROMIUM})
    return json.loads(report.read_text(encoding="utf-8"))


def shortfalls(result: dict[str, Any]) -> list[str]:
    """The audits that cost a category its points, for the categories below their target."""
    found = []
    for name, target in CATEGORIES.items():
        category = result["categories"][name]
        if round(category["score"] * 100) >= target:
            continue
        for ref in category["auditRefs"]:
            audit = result["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                found.append(f"{name}: {ref['id']} ({audit['score']:.2f}) {audit.get('displayValue', '')}".strip())
    return found


def nu_errors(files: list[Path]) -> tuple[list[str], list[str]]:
    """(our errors, Material's errors) of the Nu Html Checker, each as "file:line: message"."""
    result = subprocess.run(["java", "-jar", str(VNU), "--format", "json", "--errors-only", *map(str, files)],
                            capture_output=True, text=True, check=False)  # fmt: skip
    ours, materials = [], []
    for message in json.loads(result.stderr or '{"messages": []}')["messages"]:
        text = f"{message.get('url', '').removeprefix('file:')}:{message.get('lastLine', '?')}: {message['message']}"
        origin = next((why for start, why in MATERIAL_MARKUP.items() if message["message"].startswith(start)), None)
        (materials if origin else ours).append(text)
    return ours, materials


def median_run(url: str, runs: int, name: str) -> dict[str, Any]:
    """Lighthouse's report of the page's median run by performance score."""
    results = [lighthouse(url, REPORTS / f"{name}-{number + 1}.json") for number in range(runs)]
    return sorted(results, key=lambda result: result["categories"]["performance"]["score"])[runs // 2]


def report_name(url: str) -> str:
    return url.strip("/").replace("/", "-") or "home"


def main(site: Path, runs: int) -> int:
    urls = pages(site)
    rows, problems = [], []
    REPORTS.mkdir(exist_ok=True)
    for old in REPORTS.glob("*.json"):
        old.unlink()
    with serve(site) as base:
        for url in urls:
            result = median_run(base + url, runs, report_name(url))
            scores = {name: round(result["categories"][name]["score"] * 100) for name in CATEGORIES}
            rows.append((url or "/", scores))
            problems += [f"/{url}: {text}" for text in shortfalls(result)]
    files = [site / url / "index.html" for url in urls]
    ours, materials = nu_errors(files)
    print(f"Lighthouse, median of {runs} runs per page:\n")
    print("| page | performance | accessibility | best practices | SEO |")
    print("|---|---|---|---|---|")
    for url, scores in rows:
        print(f"| `/{url.lstrip('/')}` | " + " | ".join(str(scores[name]) for name in CATEGORIES) + " |")
    print(f"\nNu Html Checker: {len(ours)} errors from the project's templates, "
          f"{len(materials)} from Material for MkDocs' own markup.")  # fmt: skip
    for text in problems + ours:
        print("below target:" if text in problems else "Nu error:", text, file=sys.stderr)
    return 1 if problems or ours else 0


if __name__ == "__main__":
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("site", nargs="?", default="site", type=Path)
    arguments.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page (the median counts)")
    options = arguments.parse_args()
    sys.exit(main(options.site.resolve(), max(1, options.runs)))
