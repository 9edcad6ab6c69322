"""``kaplan serve``: files from OUT only, live reload, rebuild on change, clean stop."""

from __future__ import annotations

import http.client
import socket
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kaplan.serve import PreviewServer, inject_reload, serve_forever_until_interrupt

INDEX = b"<!doctype html>\n<html><head><title>Home</title></head><body><h1>Home</h1></body></html>\n"
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n%%EOF\n"
SECRET = b"top secret, outside OUT"
INTERVAL = 0.05


class Rebuilds:
    """A stand-in for the site build: records each call, optionally fails or blocks."""

    def __init__(self) -> None:
        self.calls: list[list[Path]] = []
        self.fail_next = False
        self.gate: threading.Event | None = None
        self.running = 0
        self.most_at_once = 0
        self._lock = threading.Lock()

    def __call__(self, changed: list[Path]) -> str:
        with self._lock:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        try:
            self.calls.append(changed)
            if self.gate is not None:
                self.gate.wait(2)
            if self.fail_next:
                self.fail_next = False
                raise ValueError("plans/a.yaml:3:1: error schema: bad\nsecond line")
            return f"{len(changed)} changed, site rebuilt"
        finally:
            with self._lock:
                self.running -= 1


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """A built site, a secret beside it, and symlinks that try to reach the secret."""
    out = tmp_path / "out"
    (out / "accounts").mkdir(parents=True)
    (out / "assets").mkdir()
    (out / "docs").mkdir()
    (out / "index.html").write_bytes(INDEX)
    (out / "docs" / "index.html").write_bytes(b"<html><body>docs</body></html>")
    (out / "accounts" / "acme.html").write_bytes(b"<html><BODY>Acme</BODY></html>")
    (out / "accounts" / "acme.pdf").write_bytes(PDF)
    (out / "assets" / "site.css").write_text("body { color: #123; }\n")
    (out / "assets" / "search.js").write_text("console.log(1);\n")
    (out / "assets" / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    (out / "assets" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "secret.txt").write_bytes(SECRET)
    (out / "accounts" / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (out / "outside").symlink_to(tmp_path, target_is_directory=True)
    (out / "home.html").symlink_to(out / "index.html")  # inside OUT: allowed
    return out


@pytest.fixture
def src(tmp_path: Path) -> Path:
    """The watched sources: a plans folder, kaplan.yaml and a templates folder."""
    src = tmp_path / "src"
    (src / "plans").mkdir(parents=True)
    (src / "templates").mkdir()
    (src / "plans" / "a.yaml").write_text("kaplan: 1\n")
    (src / "kaplan.yaml").write_text("title: T\n")
    (src / "templates" / "base.html").write_text("<html></html>")
    return src


@pytest.fixture
def rebuilds() -> Rebuilds:
    return Rebuilds()


@pytest.fixture
def logged() -> list[str]:
    return []


@pytest.fixture
def serve(
    out: Path, src: Path, rebuilds: Rebuilds, logged: list[str]
) -> Iterator[Callable[..., PreviewServer]]:
    """Start a preview server on a free port; every one started is stopped afterwards."""
    started: list[PreviewServer] = []

    def start(**kwargs: object) -> PreviewServer:
        watch = [src / "plans", src / "kaplan.yaml", src / "templates"]
        options: dict[str, object] = {"port": 0, "interval": INTERVAL, "log": logged.append, **kwargs}
        server = PreviewServer(out, watch, rebuilds, **options)  # type: ignore[arg-type]
        server.start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def fetch(server: PreviewServer, path: str) -> tuple[int, dict[str, str], bytes]:
    """GET a raw request target, exactly as written (no client-side normalising of ``..``)."""
    host, port = server.url.removeprefix("http://").rstrip("/").rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=2)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def version(server: PreviewServer) -> str:
    with urllib.request.urlopen(server.url + "__kaplan/version", timeout=2) as response:
        return str(response.read().decode())


def wait_for(condition: Callable[[], bool], timeout: float = 1.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def settle() -> None:
    """Long enough for the watcher to have seen anything there is to see."""
    time.sleep(INTERVAL * 6)


def test_serves_index_with_reload_script_and_leaves_the_file_alone(
    serve: Callable[..., PreviewServer], out: Path
) -> None:
    server = serve()
    assert server.url.startswith("http://127.0.0.1:")
    assert not server.url.endswith(":0/")
    with urllib.request.urlopen(server.url, timeout=2) as response:
        body = response.read()
        assert response.status == 200
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        assert response.headers["Cache-Control"] == "no-store"
        assert int(response.headers["Content-Length"]) == len(body)
    head, _, tail = body.partition(b"<script>")
    assert head == INDEX[: INDEX.index(b"</body>")]
    assert tail.endswith(b"</script></body></html>\n")
    assert b"/__kaplan/version" in tail
    assert b"no-store" in tail
    assert b"location.reload()" in tail
    assert b"http" not in tail  # no external fetch
    assert (out / "index.html").read_bytes() == INDEX


def test_html_pages_get_the_script_before_the_closing_body_in_any_case(
    serve: Callable[..., PreviewServer],
) -> None:
    server = serve()
    status, _, body = fetch(server, "/accounts/acme.html")
    assert status == 200
    assert body.startswith(b"<html><BODY>Acme<script>")
    assert body.endswith(b"</script></BODY></html>")
    assert inject_reload(b"<p>no body tag", 3).startswith(b"<p>no body tag<script>")
    assert b'"3"' in inject_reload(b"<p>", 3)


def test_folder_urls_serve_their_index(serve: Callable[..., PreviewServer]) -> None:
    server = serve()
    status, headers, _ = fetch(server, "/docs")
    assert status == 301
    assert headers["location"] == "/docs/"
    status, _, body = fetch(server, "/docs/?q=1")
    assert status == 200
    assert body.startswith(b"<html><body>docs<script>")
    status, _, _ = fetch(server, "/accounts/")  # a folder without index.html: no listing
    assert status == 404


@pytest.mark.parametrize(
    ("path", "ctype"),
    [
        ("/accounts/acme.pdf", "application/pdf"),
        ("/assets/site.css", "text/css; charset=utf-8"),
        ("/assets/search.js", "application/javascript; charset=utf-8"),
        ("/assets/logo.svg", "image/svg+xml"),
        ("/assets/logo.png", "image/png"),
    ],
)
def test_content_types(serve: Callable[..., PreviewServer], out: Path, path: str, ctype: str) -> None:
    server = serve()
    status, headers, body = fetch(server, path)
    assert status == 200
    assert headers["content-type"] == ctype
    assert headers["cache-control"] == "no-store"
    assert body == (out / path.lstrip("/")).read_bytes()  # only HTML is touched


def test_pdf_through_urllib(serve: Callable[..., PreviewServer]) -> None:
    server = serve()
    with urllib.request.urlopen(server.url + "accounts/acme.pdf", timeout=2) as response:
        assert response.headers["Content-Type"] == "application/pdf"
        assert response.read() == PDF


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/accounts/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/accounts/..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        "/%2e%2e%5csecret.txt",
        "/accounts/leak.txt",  # a symlink out of OUT
        "/outside/secret.txt",  # a symlinked folder out of OUT
        "/outside/",
        "//secret.txt",
        "/index.html%00.pdf",
        "/%ff",
        "/missing.html",
        "/__kaplan/other",
        "secret.txt",
    ],
)
def test_nothing_outside_out_is_served(serve: Callable[..., PreviewServer], path: str) -> None:
    server = serve()
    status, _, body = fetch(server, path)
    assert status == 404
    assert SECRET not in body


def test_a_symlink_that_stays_inside_out_is_served(serve: Callable[..., PreviewServer]) -> None:
    server = serve()
    status, _, body = fetch(server, "/home.html")
    assert status == 200
    assert body.startswith(INDEX[: INDEX.index(b"</body>")])


def test_version_goes_up_after_a_watched_file_changes(
    serve: Callable[..., PreviewServer], src: Path, rebuilds: Rebuilds, logged: list[str]
) -> None:
    server = serve()
    assert version(server) == "0"
    plan = src / "plans" / "a.yaml"
    plan.write_text("kaplan: 1\naccount: {name: Acme}\n")
    assert wait_for(lambda: version(server) == "1")
    assert rebuilds.calls == [[plan]]
    assert logged == ["rebuilt: 1 changed, site rebuilt"]
    status, _, body = fetch(server, "/")
    assert status == 200
    assert b'var v="1"' in body  # a page served now waits for the next version


def test_added_and_removed_files_count_as_changes(
    serve: Callable[..., PreviewServer], src: Path, rebuilds: Rebuilds
) -> None:
    server = serve()
    new = src / "templates" / "dossier.html"
    new.write_text("<p>")
    assert wait_for(lambda: server.version == 1)
    (src / "kaplan.yaml").unlink()
    assert wait_for(lambda: server.version == 2)
    assert rebuilds.calls == [[new], [src / "kaplan.yaml"]]


def test_output_folder_and_editor_files_do_not_trigger_rebuilds(
    out: Path, tmp_path: Path, rebuilds: Rebuilds, logged: list[str]
) -> None:
    # OUT inside a watched folder: the rebuild's own writes must not start another one.
    with PreviewServer(out, [tmp_path], rebuilds, port=0, interval=INTERVAL, log=logged.append):
        (out / "accounts" / "acme.html").write_text("<html><body>new</body></html>")
        (tmp_path / "#a.yaml#").write_text("x")
        (tmp_path / ".a.yaml.swp").write_text("x")
        (tmp_path / "a.yaml~").write_text("x")
        settle()
    assert rebuilds.calls == []


def test_a_rebuild_that_raises_does_not_stop_the_server(
    serve: Callable[..., PreviewServer], src: Path, rebuilds: Rebuilds, logged: list[str]
) -> None:
    server = serve()
    rebuilds.fail_next = True
    plan = src / "plans" / "a.yaml"
    plan.write_text("broken: [\n")
    assert wait_for(lambda: len(rebuilds.calls) == 1)
    assert wait_for(lambda: bool(logged))
    assert logged == ["rebuild failed: plans/a.yaml:3:1: error schema: bad second line"]
    assert version(server) == "0"  # the previous site is still the current one
    assert fetch(server, "/")[0] == 200
    plan.write_text("kaplan: 1\nfixed: true\n")
    assert wait_for(lambda: version(server) == "1")
    assert logged[-1] == "rebuilt: 1 changed, site rebuilt"


def test_changes_during_a_rebuild_make_one_more_rebuild(
    serve: Callable[..., PreviewServer], src: Path, rebuilds: Rebuilds
) -> None:
    gate = threading.Event()
    rebuilds.gate = gate
    server = serve()
    (src / "plans" / "a.yaml").write_text("kaplan: 1\n# first\n")
    assert wait_for(lambda: len(rebuilds.calls) == 1)
    assert fetch(server, "/")[0] == 200  # still serving while the rebuild runs
    (src / "plans" / "b.yaml").write_text("kaplan: 1\n")
    (src / "kaplan.yaml").write_text("title: Changed\n")
    settle()
    gate.set()
    assert wait_for(lambda: server.version == 2)
    settle()
    assert len(rebuilds.calls) == 2
    assert rebuilds.calls[1] == [src / "kaplan.yaml", src / "plans" / "b.yaml"]
    assert rebuilds.most_at_once == 1


def test_stop_ends_the_threads_and_releases_the_port(out: Path, src: Path, rebuilds: Rebuilds) -> None:
    before = threading.active_count()
    server = PreviewServer(out, [src], rebuilds, port=0, interval=INTERVAL, log=lambda _: None)
    server.start()
    port = int(server.url.rstrip("/").rsplit(":", 1)[1])
    assert fetch(server, "/")[0] == 200
    # A browser's preconnect: a connection that never sends a request must not hold stop() up.
    silent = socket.create_connection(("127.0.0.1", port))
    try:
        assert wait_for(lambda: threading.active_count() >= before + 3)
        started = time.monotonic()
        server.stop()
        assert time.monotonic() - started < 1
    finally:
        silent.close()
    assert threading.active_count() == before
    assert not server.running
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    with PreviewServer(out, [src], rebuilds, port=port, log=lambda _: None) as again:
        assert again.url == f"http://127.0.0.1:{port}/"
        assert fetch(again, "/")[0] == 200
    server.stop()  # a second stop is harmless


def test_ctrl_c_stops_cleanly(
    out: Path,
    src: Path,
    rebuilds: Rebuilds,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = threading.active_count()
    server = PreviewServer(out, [src], rebuilds, port=0, interval=INTERVAL)

    def interrupt(_: float) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(time, "sleep", interrupt)  # the first wait for Ctrl-C gets it
    serve_forever_until_interrupt(server)
    assert not server.running
    assert threading.active_count() == before
    assert capsys.readouterr().err == ""
