"""Live preview: build, serve on localhost, and rebuild when a card, a page or a template changes."""

from __future__ import annotations

import functools
import http.server
import logging
import threading
import time
from pathlib import Path

import jinja2

from .problems import BuildError, InvalidInput
from .publish import build_site
from .validate import load_portfolio

log = logging.getLogger(__name__)

WATCHED = ("data", "content", "templates")


def serve(root: Path, data_dir: Path, port: int) -> int:
    """Serve the preview until Ctrl-C. A broken card is reported and the last good preview stays up."""
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    out = root / ".build" / "preview"
    changed = threading.Event()

    class OnChange(FileSystemEventHandler):
        def on_any_event(self, event: object) -> None:
            path = str(getattr(event, "src_path", ""))
            # Reading files (the build itself) and compiling the theme's hook are not edits.
            edited = getattr(event, "event_type", "") in {"created", "modified", "deleted", "moved"}
            if edited and not getattr(event, "is_directory", False) and "__pycache__" not in path:
                changed.set()

    observer = Observer()
    for folder in {data_dir, *(root / name for name in WATCHED[1:])}:
        observer.schedule(OnChange(), str(folder), recursive=True)
    _rebuild(root, data_dir, out)
    server = _start_server(out, port)
    observer.start()
    print(f"preview on http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C stops)", flush=True)
    try:
        while True:
            changed.wait()
            time.sleep(0.3)  # an editor's save is often several events; build once for all of them
            changed.clear()
            _rebuild(root, data_dir, out)
    except KeyboardInterrupt:
        return 0
    finally:
        observer.stop()
        server.shutdown()


def _rebuild(root: Path, data_dir: Path, out: Path) -> None:
    started = time.perf_counter()
    try:
        build_site(load_portfolio(data_dir, root), root, out)
    except InvalidInput as invalid:
        for problem in invalid.problems:
            print(problem, flush=True)
        print("not rebuilt: fix the problems above; the preview shows the last good build", flush=True)
    except BuildError as error:
        print(f"not rebuilt: {error}", flush=True)
    except jinja2.TemplateError as error:  # a template saved half-way: keep serving the last good build
        print(f"not rebuilt: template {getattr(error, 'name', '') or ''}: {error}", flush=True)
    else:
        print(f"rebuilt in {time.perf_counter() - started:.1f} s", flush=True)


def _start_server(folder: Path, port: int) -> http.server.ThreadingHTTPServer:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            log.debug(format, *args)

    # The folder is replaced as a whole on each build; serve it by name, not by an open handle.
    handler = functools.partial(Handler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
