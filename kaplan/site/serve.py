"""``kaplan serve``: serve the output folder locally and rebuild it when its sources change.

Two background threads: one serves files from OUT (read-only, nothing outside it) on 127.0.0.1, one
waits for the operating system to report changes to the watched sources (:mod:`kaplan.site.watch`)
and calls ``rebuild`` with the changed paths. Every HTML page gets a small live-reload script in the
bytes it is served with (never on disk); it polls ``/__kaplan/version`` and reloads the page when a
rebuild has finished.

Only requests addressed to the loopback by name (``Host: 127.0.0.1:PORT``, ``localhost:PORT`` or
``[::1]:PORT``) are answered: a page elsewhere that rebinds its own DNS name to 127.0.0.1 gets 403,
never the preview.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any, cast
from urllib.parse import quote, unquote

from kaplan.site.watch import watch_changes

LOOPBACK = "127.0.0.1"
# The names a browser on this machine uses for the preview; DNS rebinding cannot forge these.
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
VERSION_URL = "/__kaplan/version"
RESERVED_PREFIX = "/__kaplan/"
INDEX = "index.html"
# How long start() waits for the OS to watch the sources; past it, serving goes on and watching follows.
WATCH_READY_S = 10.0

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "application/javascript; charset=utf-8",
    ".mjs": "application/javascript; charset=utf-8",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".pdf": "application/pdf",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
}
# Explicit rather than ``mimetypes``: that one reads the machine's /etc/mime.types and differs per host.
DEFAULT_CONTENT_TYPE = "application/octet-stream"
TEXT = "text/plain; charset=utf-8"
FORBIDDEN_BODY = b"403 forbidden: the preview answers only to 127.0.0.1, localhost or [::1] on its port\n"

# Same-origin fetch only; a failed poll (server stopped) is ignored and retried.
RELOAD_SCRIPT = (
    '<script>/* kaplan serve: live reload */(function(){{var v="{version}";'
    "function poll(){{fetch({url},{{cache:'no-store'}}).then(function(r){{return r.text()}})"
    ".then(function(t){{if(t.trim()!==v){{location.reload()}}else{{setTimeout(poll,1000)}}}})"
    ".catch(function(){{setTimeout(poll,1000)}})}}setTimeout(poll,1000)}})();</script>"
)


def content_type(path: Path) -> str:
    """The Content-Type header for a file, by its suffix."""
    return CONTENT_TYPES.get(path.suffix.lower(), DEFAULT_CONTENT_TYPE)


def inject_reload(html: bytes, version: int) -> bytes:
    """``html`` with the live-reload script just before its last ``</body>`` (or at the end)."""
    script = RELOAD_SCRIPT.format(version=version, url=f'"{VERSION_URL}"').encode()
    at = html.lower().rfind(b"</body>")
    if at < 0:
        return html + script
    return html[:at] + script + html[at:]


def allowed_hosts(port: int) -> frozenset[str]:
    """The ``Host`` header values a request to the preview on ``port`` may carry."""
    hosts = {f"{name}:{port}" for name in LOOPBACK_NAMES}
    if port == 80:  # a browser leaves out the default port
        hosts.update(LOOPBACK_NAMES)
    return frozenset(hosts)


def resolve_url_path(root: Path, url_path: str) -> Path | None:
    """The file or folder under ``root`` that a URL path names, or None if it would leave ``root``.

    ``root`` must already be resolved. Percent-escapes are decoded once (one that is not UTF-8 names
    nothing); any ``..`` segment, backslash or NUL is refused outright, and the result is resolved
    (symlinks followed) and must still lie in ``root``.
    """
    if not url_path.startswith("/"):
        return None
    try:
        decoded = unquote(url_path, errors="strict") if "%" in url_path else url_path
    except UnicodeDecodeError:
        return None
    if "\x00" in decoded or "\\" in decoded:
        return None
    parts = [p for p in decoded.split("/") if p not in ("", ".")]
    if ".." in parts:
        return None
    try:
        path = root.joinpath(*parts).resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return None
    return path if path.is_relative_to(root) else None


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _one_line(text: str) -> str:
    return " ".join(text.split())


class _HTTPServer(ThreadingHTTPServer):
    """Joins its request threads on close, after cutting any connection still waiting for a request."""

    daemon_threads = False
    block_on_close = True

    def __init__(self, port: int, preview: PreviewServer) -> None:
        self.preview = preview
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__((LOOPBACK, port), _Handler)
        self.allowed_hosts = allowed_hosts(self.server_address[1])  # the real port, also after port 0

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def cut_connections(self) -> None:
        """Wake every request thread blocked on a silent client (a browser's preconnect)."""
        with self._open_lock:
            for sock in self._open:
                with contextlib.suppress(OSError):  # already closed by the client
                    sock.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, ConnectionError | TimeoutError):
            return  # the browser went away mid-response: normal while reloading
        self.preview.log(f"serve error: {type(exc).__name__}: {_one_line(str(exc))[:200]}")


class _Handler(BaseHTTPRequestHandler):
    """GET and HEAD of files under OUT, plus the build version."""

    server_version = "kaplan-serve"
    timeout = 30  # a silent connection does not hold a thread for ever
    # http.server's own refusals (400, 414, 501) in plain text, like every other answer here.
    error_message_format = "%(code)d %(message)s\n"
    error_content_type = TEXT

    def parse_request(self) -> bool:
        """Parse the request line and headers, then refuse any Host but the loopback's (403)."""
        if not super().parse_request():
            return False
        hosts = self.headers.get_all("Host") or []
        if len(hosts) == 1 and hosts[0] in cast(_HTTPServer, self.server).allowed_hosts:
            return True
        self.close_connection = True
        self._send(HTTPStatus.FORBIDDEN, TEXT, FORBIDDEN_BODY, self.command != "HEAD")
        return False

    def do_GET(self) -> None:
        self._respond(body=True)

    def do_HEAD(self) -> None:
        self._respond(body=False)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # a preview server's access log is noise

    def _respond(self, body: bool) -> None:
        preview = cast(_HTTPServer, self.server).preview
        url_path = self.path.split("?", 1)[0].split("#", 1)[0]
        if url_path == VERSION_URL:
            self._send(HTTPStatus.OK, TEXT, str(preview.version).encode(), body)
            return
        if url_path.startswith(RESERVED_PREFIX):
            self._not_found(body)
            return
        root = preview.out.resolve()
        try:
            path = resolve_url_path(root, url_path)
            if path is not None and path.is_dir():
                if not url_path.endswith("/"):
                    self._redirect(url_path + "/", body)
                    return
                path = resolve_url_path(root, url_path + INDEX)
            found = path is not None and path.is_file()
        except OSError:  # a name or path too long for the file system names no file
            found = False
        if path is None or not found:
            self._not_found(body)
            return
        try:
            with path.open("rb") as f:
                if path.suffix.lower() in (".html", ".htm"):
                    data = inject_reload(f.read(), preview.version)
                    self._send(HTTPStatus.OK, content_type(path), data, body)
                else:
                    self._send_headers(HTTPStatus.OK, content_type(path), os.fstat(f.fileno()).st_size)
                    if body:
                        shutil.copyfileobj(f, self.wfile)
        except (FileNotFoundError, IsADirectoryError, PermissionError):  # replaced during a rebuild
            self._not_found(body)

    def _send_headers(self, status: HTTPStatus, ctype: str, length: int, **extra: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()

    def _send(self, status: HTTPStatus, ctype: str, data: bytes, body: bool, **extra: str) -> None:
        self._send_headers(status, ctype, len(data), **extra)
        if body:
            self.wfile.write(data)

    def _not_found(self, body: bool) -> None:
        self._send(HTTPStatus.NOT_FOUND, TEXT, b"404 not found\n", body)

    def _redirect(self, location: str, body: bool) -> None:
        target = quote(unquote(location), safe="/")
        self._send(HTTPStatus.MOVED_PERMANENTLY, TEXT, b"", body, Location=target)


class PreviewServer:
    """Serve ``out`` on 127.0.0.1:``port`` and call ``rebuild`` when a file under ``watch`` changes.

    ``rebuild(changed_paths)`` runs in the watcher thread, never two at once; a burst of changes (one
    save) makes one rebuild, and changes that arrive during a rebuild are gathered into one more. It
    returns a one-line summary. The version served at ``/__kaplan/version`` goes up after each rebuild
    that returns; one that raises is logged and the previous files keep being served.
    """

    def __init__(
        self,
        out: Path,
        watch: Sequence[Path],
        rebuild: Callable[[list[Path]], str],
        port: int = 8000,
        log: Callable[[str], None] = _stderr,
    ) -> None:
        self.out = Path(out)
        self.watch = [Path(p) for p in watch]
        self.rebuild = rebuild
        self.port = port
        self.log = log
        self._version = 0
        self._version_lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: _HTTPServer | None = None
        self._threads: list[threading.Thread] = []

    @property
    def version(self) -> int:
        """How many rebuilds have finished since the server started."""
        with self._version_lock:
            return self._version

    @property
    def running(self) -> bool:
        """True between :meth:`start` and :meth:`stop`."""
        return self._httpd is not None

    @property
    def url(self) -> str:
        """The address to open, e.g. ``http://127.0.0.1:8000/`` (the real port once started)."""
        port = self._httpd.server_address[1] if self._httpd is not None else self.port
        return f"http://{LOOPBACK}:{port}/"

    def start(self) -> None:
        """Bind (port 0: any free port), then serve and watch in background threads.

        Returns once the sources are watched: a file saved from then on is rebuilt.
        """
        if self._httpd is not None:
            raise RuntimeError("the preview server is already running")
        self._httpd = _HTTPServer(self.port, self)
        self._stopping.clear()
        watching = threading.Event()
        self._threads = [
            threading.Thread(
                target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1}, name="kaplan-serve"
            ),
            threading.Thread(target=self._watch_loop, args=(watching,), name="kaplan-watch"),
        ]
        for t in self._threads:
            t.start()
        watching.wait(WATCH_READY_S)

    def stop(self) -> None:
        """Stop serving and watching; waits for a running rebuild and every thread to end."""
        httpd = self._httpd
        if httpd is None:
            return
        self._stopping.set()
        httpd.shutdown()
        httpd.cut_connections()
        httpd.server_close()
        for t in self._threads:
            t.join()
        self._threads = []
        self._httpd = None

    def __enter__(self) -> PreviewServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _watch_loop(self, watching: threading.Event) -> None:
        try:
            for changed in watch_changes(self.watch, self.out, self._stopping, watching.set):
                if self._stopping.is_set():
                    break  # stop() came while these were gathered: no rebuild nobody will see
                self._rebuild(changed)
        except Exception as exc:  # a watcher that dies silently is worse than a noisy one
            self.log(f"watch error: {type(exc).__name__}: {_one_line(str(exc))}; saves are not rebuilt")
        finally:
            watching.set()  # start() waits no longer for a watcher that is gone

    def _rebuild(self, changed: list[Path]) -> None:
        try:
            summary = self.rebuild(changed)
        except Exception as exc:
            self.log(f"rebuild failed: {_one_line(str(exc)) or type(exc).__name__}")
            return
        with self._version_lock:
            self._version += 1
        self.log(f"rebuilt: {_one_line(summary)}")


def serve_forever_until_interrupt(server: PreviewServer) -> None:
    """Run ``server`` until Ctrl-C, then stop it cleanly."""
    if not server.running:
        server.start()
    try:
        while server.running:
            time.sleep(0.2)  # short sleeps: Ctrl-C is only seen between them on some platforms
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """While inside, the first SIGTERM acts as Ctrl-C: a KeyboardInterrupt in the main thread.

    So ``kill`` or a process manager stops the preview through the same path as Ctrl-C, and every
    ``finally`` and ``with`` (the temporary build folder) still cleans up. Later SIGTERMs are
    ignored until the block ends: a second one must not cut that cleanup short. Outside the main
    thread, where Python cannot take signals, this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    fired = False

    def interrupt(signum: int, frame: FrameType | None) -> None:
        nonlocal fired
        if not fired:
            fired = True
            raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
