"""Live preview: build, serve on localhost, rebuild when a card, a page or a template changes, and reload
the open tab when the rebuild is done.

The preview server adds a small script to every HTML page it sends (the built files stay as they are).
The script listens on a server-sent-events address: when a build finishes it reloads the page; when a
build fails it shows the problems over the page, until a build succeeds again.
"""

from __future__ import annotations

import functools
import http.server
import json
import logging
import secrets
import signal
import threading
import time
from pathlib import Path
from typing import ClassVar
from urllib.parse import unquote, urlsplit

import jinja2

from .messages import message, template_problem
from .pdf import sheets_as_problems
from .problems import BuildError, InvalidInput
from .publish import build_site
from .validate import load_portfolio

log = logging.getLogger(__name__)

WATCHED = ("data", "content", "templates")
EVENTS_PATH = "/_preview/events"


class PreviewState:
    """What the open tabs need to know: which build they should show, and the problems of a failed one."""

    def __init__(self) -> None:
        self.changed = threading.Condition()
        # A fresh token per serve session, so that a tab opened on an earlier session reloads too.
        self._session = secrets.token_hex(4)
        self._builds = 0
        self.problems: list[str] = []

    @property
    def version(self) -> str:
        return f"{self._session}-{self._builds}"

    def built(self) -> None:
        with self.changed:
            self._builds += 1
            self.problems = []
            self.changed.notify_all()

    def failed(self, problems: list[str]) -> None:
        with self.changed:
            self.problems = problems
            self.changed.notify_all()

    def event(self) -> str:
        """The state as one server-sent event."""
        # The overlay's heading; the problems under it are the same lines the terminal shows.
        heading = message("serve.fix_problems_below") if self.problems else ""
        payload = json.dumps({"version": self.version, "heading": heading, "problems": self.problems})
        return f"data: {payload}\n\n"


def serve(root: Path, data_dir: Path, port: int, out: Path) -> int:
    """Serve the preview built in ``out`` until Ctrl-C. A broken card is shown over the page; the last good
    preview stays up under it."""
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    changed = threading.Event()
    state = PreviewState()

    class OnChange(FileSystemEventHandler):
        def on_any_event(self, event: object) -> None:
            path = str(getattr(event, "src_path", ""))
            # Reading files (the build itself) and compiling the theme's hook are not edits.
            edited = getattr(event, "event_type", "") in {"created", "modified", "deleted", "moved"}
            if edited and not getattr(event, "is_directory", False) and "__pycache__" not in path:
                changed.set()

    # Stopped by its parent (a test, an editor's tool) as by Ctrl-C: the sheets' workers are stopped too.
    signal.signal(signal.SIGTERM, _interrupt)
    observer = Observer()
    for folder in {data_dir, *(root / name for name in WATCHED[1:])}:
        observer.schedule(OnChange(), str(folder), recursive=True)
    _rebuild(root, data_dir, out, state)
    server = _start_server(out, port, state)
    observer.start()
    print(message("serve.running", port=server.server_address[1]), flush=True)
    try:
        while True:
            changed.wait()
            time.sleep(0.05)  # an editor's save is often several events; build once for all of them
            changed.clear()
            _rebuild(root, data_dir, out, state)
    except KeyboardInterrupt:
        return 0
    finally:
        observer.stop()
        server.shutdown()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _rebuild(root: Path, data_dir: Path, out: Path, state: PreviewState) -> None:
    started = time.perf_counter()

    def pages_ready() -> None:
        state.built()
        print(message("serve.pages_rebuilt", seconds=f"{time.perf_counter() - started:.1f}"), flush=True)

    try:
        with sheets_as_problems(data_dir, root):
            build_site(load_portfolio(data_dir, root), root, out, on_pages=pages_ready)
    except InvalidInput as invalid:
        _failed(state, [str(problem) for problem in invalid.problems])
    except BuildError as error:
        _failed(state, [str(error)])
    except jinja2.TemplateError as error:  # a template saved half-way: keep serving the last good build
        _failed(state, [template_problem(error, root)])
    else:
        print(message("serve.rebuilt", seconds=f"{time.perf_counter() - started:.1f}"), flush=True)


def _failed(state: PreviewState, problems: list[str]) -> None:
    for problem in problems:
        print(problem, flush=True)
    print(message("serve.fix_problems"), flush=True)
    state.failed(problems)


RELOAD_SCRIPT = """<script>
(() => {
  const shown = %s;
  const events = new EventSource(%s);
  events.onmessage = (message) => {
    const state = JSON.parse(message.data);
    if (state.problems.length) return showProblems(state.heading, state.problems);
    if (state.version !== shown) return location.reload();
    document.getElementById("preview-problems")?.remove();
  };
  // Card text is untrusted: the problems become text nodes, never markup.
  function showProblems(heading, problems) {
    let box = document.getElementById("preview-problems");
    if (!box) {
      box = document.createElement("div");
      box.id = "preview-problems";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:2rem;" +
        "background:#fff;color:#8b0000;font:15px/1.6 monospace;white-space:pre-wrap;border-top:.5rem solid #8b0000";
      document.body.append(box);
    }
    const title = document.createElement("p");
    title.style.cssText = "font:bold 18px/1.4 sans-serif;margin:0 0 1rem";
    title.textContent = heading;
    const lines = problems.map((problem) => {
      const line = document.createElement("div");
      line.textContent = problem;
      return line;
    });
    box.replaceChildren(title, ...lines);
  }
})();
</script>
"""


def reload_script(version: str) -> bytes:
    return (RELOAD_SCRIPT % (json.dumps(version), json.dumps(EVENTS_PATH))).encode()


def with_reload_script(html: bytes, version: str) -> bytes:
    """The page with the preview's script before its closing body tag (at its end when it has none)."""
    at = html.rfind(b"</body>")
    at = len(html) if at < 0 else at
    return html[:at] + reload_script(version) + html[at:]


def _start_server(folder: Path, port: int, state: PreviewState) -> http.server.ThreadingHTTPServer:
    class Handler(http.server.SimpleHTTPRequestHandler):
        # The form editor reads its config.yml only when it is served as YAML, as static hosts do;
        # Python guesses types from the machine's mime.types, which may not know .yml.
        extensions_map: ClassVar[dict[str, str]] = {
            **http.server.SimpleHTTPRequestHandler.extensions_map,
            ".yml": "text/yaml",
        }

        def log_message(self, format: str, *args: object) -> None:
            log.debug(format, *args)

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            if path == EVENTS_PATH:
                return self._send_events()
            target = Path(self.translate_path(path))
            if target.is_dir() and path.endswith("/"):
                target = target / "index.html"
            if target.is_file() and target.suffix == ".html":
                return self._send_page(target, 200)
            not_found = Path(self.directory) / "404.html"
            if not target.exists() and not_found.is_file() and unquote(path).endswith((".html", "/")):
                return self._send_page(not_found, 404)
            return super().do_GET()  # files as they are; a folder without its slash is redirected

        def _send_page(self, page: Path, status: int) -> None:
            with state.changed:
                version = state.version
            body = with_reload_script(page.read_bytes(), version)
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def _send_events(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            try:
                with state.changed:
                    event = state.event()
                while True:
                    self.wfile.write(event.encode())
                    self.wfile.flush()
                    with state.changed:
                        # A comment line now and then finds a closed tab, whose thread then ends.
                        notified = state.changed.wait(timeout=15)
                        event = state.event() if notified else ": still here\n\n"
            except (BrokenPipeError, ConnectionResetError):
                return

    # The folder is replaced as a whole on each build; serve it by name, not by an open handle.
    handler = functools.partial(Handler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
