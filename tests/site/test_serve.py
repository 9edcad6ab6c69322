"""``kaplan serve``: files from OUT only, live reload, rebuild on change, clean stop.

Tests that something does *not* rebuild end with a save of a sentinel file and wait for its rebuild:
the OS reports changes in order, so by then anything that would have rebuilt has done so.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kaplan.site.scaffold import init_repository
from kaplan.site.serve import PreviewServer, inject_reload, serve_forever_until_interrupt

INDEX = b"<!doctype html>\n<html><head><title>Home</title></head><body><h1>Home</h1></body></html>\n"
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n%%EOF\n"
SECRET = b"top secret, outside OUT"
KAPLAN = Path(sys.executable).parent / "kaplan"
LONG_SEGMENT = "/" + "a" * 300  # longer than a file name may be (255 bytes): the OS says ENAMETOOLONG


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
        options: dict[str, object] = {"port": 0, "log": logged.append, **kwargs}
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


def port_of(server: PreviewServer) -> int:
    return int(server.url.rstrip("/").rsplit(":", 1)[1])


def ask(port: int, path: str = "/", host: str | None = None, method: str = "GET") -> tuple[int, bytes]:
    """Send one request with exactly the Host header given (``None``: no Host header at all)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        if host is not None:
            conn.putheader("Host", host)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def ask_raw(port: int, request: bytes) -> bytes:
    """Send bytes http.client would refuse to send (NUL, raw non-ASCII); the whole answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(request)
        answer = b""
        for _ in range(1000):  # bounded: the server closes after one HTTP/1.0 answer
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    return answer


def version(server: PreviewServer) -> str:
    with urllib.request.urlopen(server.url + "__kaplan/version", timeout=2) as response:
        return str(response.read().decode())


def wait_for(condition: Callable[[], bool], timeout: float = 5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def rebuilds_until_sentinel(rebuilds: Rebuilds, sentinel: Path) -> list[list[Path]]:
    """Save ``sentinel`` (a watched file); once its rebuild is done, every rebuild since the last one."""
    seen = len(rebuilds.calls)
    sentinel.write_text(f"sentinel {time.monotonic_ns()}\n")
    assert wait_for(lambda: any(sentinel in c for c in rebuilds.calls[seen:])), rebuilds.calls
    return rebuilds.calls[seen:]


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
    with PreviewServer(out, [tmp_path], rebuilds, port=0, log=logged.append):
        (out / "accounts" / "acme.html").write_text("<html><body>new</body></html>")
        (out / "accounts" / "new.html").write_text("<html><body>new</body></html>")
        (out / "index.html").unlink()
        (tmp_path / "#a.yaml#").write_text("x")
        (tmp_path / ".a.yaml.swp").write_text("x")
        (tmp_path / "a.yaml~").write_text("x")
        (tmp_path / ".git").mkdir()
        (tmp_path / ".git" / "index").write_text("x")
        sentinel = tmp_path / "plans.yaml"
        assert rebuilds_until_sentinel(rebuilds, sentinel) == [[sentinel]]


def test_one_save_is_one_rebuild_also_by_rename(
    serve: Callable[..., PreviewServer], src: Path, rebuilds: Rebuilds
) -> None:
    serve()
    plan = src / "plans" / "a.yaml"
    # As an editor saves: its swap file, a backup, the new text in a file of its own renamed over the plan.
    (src / "plans" / ".a.yaml.swp").write_text("swap")
    (src / "plans" / "a.yaml~").write_text(plan.read_text())
    (src / "plans" / ".a.yaml.tmp").write_text("kaplan: 1\nsaved: true\n")
    os.replace(src / "plans" / ".a.yaml.tmp", plan)
    (src / "plans" / ".a.yaml.swp").unlink()
    assert wait_for(lambda: len(rebuilds.calls) == 1)
    assert rebuilds.calls == [[plan]]
    # The plan replaced by rename is still watched: the next save rebuilds again.
    plan.write_text("kaplan: 1\nsaved: twice\n")
    assert wait_for(lambda: len(rebuilds.calls) == 2)
    assert rebuilds.calls[1] == [plan]
    sentinel = src / "plans" / "z.yaml"
    assert rebuilds_until_sentinel(rebuilds, sentinel) == [[sentinel]]


def test_kaplan_yaml_saved_by_rename_stays_watched(
    serve: Callable[..., PreviewServer], src: Path, rebuilds: Rebuilds
) -> None:
    serve()
    config = src / "kaplan.yaml"

    def save(title: str) -> None:
        (src / "kaplan.yaml.new").write_text(f"title: {title}\n")  # not watched: only kaplan.yaml is
        os.replace(src / "kaplan.yaml.new", config)

    save("One")
    assert wait_for(lambda: len(rebuilds.calls) == 1)
    save("Two")
    assert wait_for(lambda: len(rebuilds.calls) == 2)
    assert rebuilds.calls == [[config], [config]]


def test_a_folder_that_appears_later_is_watched(
    serve: Callable[..., PreviewServer], src: Path, rebuilds: Rebuilds
) -> None:
    (src / "templates" / "base.html").unlink()
    (src / "templates").rmdir()
    serve()
    (src / "templates").mkdir()
    assert wait_for(lambda: len(rebuilds.calls) == 1)
    page = src / "templates" / "dossier.html"
    page.write_text("<p>")
    assert wait_for(lambda: len(rebuilds.calls) == 2)
    assert rebuilds.calls[1] == [page]


def test_changes_through_a_symlink_out_do_not_trigger_rebuilds(
    serve: Callable[..., PreviewServer], src: Path, tmp_path: Path, rebuilds: Rebuilds
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (src / "plans" / "linked").symlink_to(elsewhere, target_is_directory=True)
    serve()
    (elsewhere / "b.yaml").write_text("kaplan: 1\n")
    assert rebuilds_until_sentinel(rebuilds, src / "plans" / "z.yaml") == [[src / "plans" / "z.yaml"]]


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
    gate.set()
    assert wait_for(lambda: server.version == 2)
    rebuilds.gate = None
    sentinel = src / "plans" / "z.yaml"
    assert rebuilds_until_sentinel(rebuilds, sentinel) == [[sentinel]]
    assert rebuilds.calls[1] == [src / "kaplan.yaml", src / "plans" / "b.yaml"]
    assert rebuilds.most_at_once == 1


def test_stop_ends_the_threads_and_releases_the_port(out: Path, src: Path, rebuilds: Rebuilds) -> None:
    before = threading.active_count()
    server = PreviewServer(out, [src], rebuilds, port=0, log=lambda _: None)
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
    server = PreviewServer(out, [src], rebuilds, port=0)

    def interrupt(_: float) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(time, "sleep", interrupt)  # the first wait for Ctrl-C gets it
    serve_forever_until_interrupt(server)
    assert not server.running
    assert threading.active_count() == before
    assert capsys.readouterr().err == ""


def forged_hosts(port: int) -> list[str | None]:
    """Host headers a page elsewhere can make a browser send (DNS rebinding), and odd ones."""
    return [
        f"evil.example:{port}",  # the attacker's name, rebound to 127.0.0.1
        f"127.0.0.1:{port + 1 if port < 65535 else port - 1}",  # the loopback, but another port
        "127.0.0.1",
        "localhost",
        f"127.0.0.1:{port}.evil.example",
        f"localhost.:{port}",
        f"127.0.0.2:{port}",
        f"[::ffff:127.0.0.1]:{port}",
        "",
        None,  # no Host header at all
    ]


def assert_forbidden(status: int, body: bytes) -> None:
    assert status == 403
    assert body.startswith(b"403 forbidden")
    assert len(body) < 200
    assert b"Home" not in body
    assert b"<" not in body  # plain text, nothing of the page


def test_only_loopback_host_headers_are_answered(serve: Callable[..., PreviewServer]) -> None:
    server = serve()
    port = port_of(server)
    for host in forged_hosts(port):
        for path in ("/", "/index.html", "/accounts/acme.pdf", "/__kaplan/version"):
            assert_forbidden(*ask(port, path, host))
        status, body = ask(port, "/", host, method="HEAD")
        assert (status, body) == (403, b"")
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"):
        status, body = ask(port, "/", host)
        assert status == 200
        assert body.startswith(INDEX[: INDEX.index(b"</body>")])
        assert ask(port, "/accounts/acme.pdf", host) == (200, PDF)


def test_two_host_headers_are_refused(serve: Callable[..., PreviewServer]) -> None:
    server = serve()
    port = port_of(server)
    for first, second in ((f"127.0.0.1:{port}", "evil.example"), ("evil.example", f"127.0.0.1:{port}")):
        answer = ask_raw(port, f"GET / HTTP/1.1\r\nHost: {first}\r\nHost: {second}\r\n\r\n".encode())
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.0 403 ")
        assert_forbidden(403, body)


def test_the_server_listens_on_the_loopback_only(serve: Callable[..., PreviewServer]) -> None:
    server = serve()
    httpd = server._httpd
    assert httpd is not None
    assert httpd.server_address[0] == "127.0.0.1"
    assert server.url == f"http://127.0.0.1:{port_of(server)}/"


@pytest.mark.parametrize(
    "path",
    [
        LONG_SEGMENT,
        LONG_SEGMENT + "/",
        LONG_SEGMENT + ".html",
        "/accounts" + LONG_SEGMENT,
        "/" + "/".join(["abcdefgh"] * 600),  # longer than a path may be (4096 bytes)
        "/%00",
        "/index.html%00",
        "/%2e%2e",
        "/..",
        "/%ff%fe",
        "/%c0%ae%c0%ae/secret.txt",  # overlong UTF-8 for ".."
        "/%ed%a0%80",  # a UTF-16 surrogate: not UTF-8
        "/%",
        "/%zz",
    ],
)
def test_odd_paths_get_a_clean_404(
    serve: Callable[..., PreviewServer],
    logged: list[str],
    capfd: pytest.CaptureFixture[str],
    path: str,
) -> None:
    server = serve()
    status, _, body = fetch(server, path)
    assert status == 404
    assert body == b"404 not found\n"
    assert fetch(server, "/")[0] == 200  # the server thread is still there
    assert logged == []
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.parametrize(
    "target", [b"/a\x00b", b"/\xff\xfe", b"/\xc3\xa9t\xc3\xa9.html", b"/" + b"a" * 300 + b"\x00"]
)
def test_raw_nul_and_non_ascii_bytes_get_a_clean_404(
    serve: Callable[..., PreviewServer], logged: list[str], target: bytes
) -> None:
    server = serve()
    port = port_of(server)
    answer = ask_raw(port, b"GET " + target + f" HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    assert answer.startswith(b"HTTP/1.0 404 ")
    assert answer.endswith(b"\r\n\r\n404 not found\n")
    assert logged == []


def test_a_request_line_too_long_gets_414_in_plain_text(
    serve: Callable[..., PreviewServer], logged: list[str]
) -> None:
    server = serve()
    port = port_of(server)
    answer = ask_raw(port, b"GET /" + b"a" * 70_000 + f" HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    assert answer.startswith(b"HTTP/1.0 414 ")
    assert b"text/plain" in answer
    assert fetch(server, "/")[0] == 200
    assert logged == []


# The real command, as a person starts it: a subprocess with its own temporary build folder.


class Served:
    """A running ``kaplan serve --port 0`` and where to look at it."""

    def __init__(self, proc: subprocess.Popen[bytes], port: int, tmp: Path, stderr: Path, repo: Path) -> None:
        self.proc = proc
        self.port = port
        self.repo = repo
        self.tmp = tmp
        self.stderr = stderr

    def build_folders(self) -> list[Path]:
        # tempfile.TemporaryDirectory(prefix="kaplan-serve-") in cli.serve, under TMPDIR.
        return sorted(self.tmp.glob("kaplan-serve-*"))

    def terminate(self, timeout: float = 15) -> float:
        """SIGTERM, then wait for the exit; how long that took."""
        started = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout)
        return time.monotonic() - started


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    repo = tmp_path / "repo"
    init_repository(repo, "en")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    stdout, stderr = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    env = {**os.environ, "TMPDIR": str(tmp), "PYTHONUNBUFFERED": "1"}
    with stdout.open("wb") as out, stderr.open("wb") as err:
        proc = subprocess.Popen(
            [str(KAPLAN), "serve", "--port", "0"], cwd=repo, env=env, stdout=out, stderr=err
        )
    try:
        deadline = time.monotonic() + 60
        found = None
        while found is None and proc.poll() is None and time.monotonic() < deadline:
            found = re.search(r"serving http://127\.0\.0\.1:(\d+)/", stdout.read_text())
            time.sleep(0.05)
        assert found is not None, stdout.read_text() + stderr.read_text()
        yield Served(proc, int(found.group(1)), tmp, stderr, repo)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


def assert_no_traceback(stderr: str) -> None:
    assert "Traceback" not in stderr
    assert "serve error" not in stderr
    assert "Exception" not in stderr


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM and loopback aliases are POSIX behaviour")
def test_kaplan_serve_refuses_forged_hosts_and_survives_odd_paths(served: Served) -> None:
    port = served.port
    for host in forged_hosts(port):
        assert_forbidden(*ask(port, "/", host))
        assert_forbidden(*ask(port, "/accounts/example-account.html", host))
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"):
        status, body = ask(port, "/", host)
        assert status == 200
        assert b"Example Account" in body
    for path in (LONG_SEGMENT, "/accounts" + LONG_SEGMENT + ".html", "/%00", "/..", "/%ff"):
        assert ask(port, path, f"127.0.0.1:{port}") == (404, b"404 not found\n")
    assert ask(port, "/", f"127.0.0.1:{port}")[0] == 200  # still serving
    assert served.terminate() < 10
    assert served.proc.returncode == 0
    assert_no_traceback(served.stderr.read_text())


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM is POSIX behaviour")
def test_kaplan_serve_removes_its_build_folder_on_sigterm(served: Served) -> None:
    (folder,) = served.build_folders()
    assert (folder / "index.html").is_file()  # the preview really is built there
    took = served.terminate()
    assert took < 10
    assert served.proc.returncode == 0  # stopped through the Ctrl-C path, not killed by the signal
    assert not folder.exists()
    assert served.build_folders() == []
    assert_no_traceback(served.stderr.read_text())


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM is POSIX behaviour")
def test_kaplan_serve_rebuilds_a_saved_plan_and_its_page_changes(served: Served) -> None:
    port = served.port
    host = f"127.0.0.1:{port}"
    plan = served.repo / "plans" / "example-account.yaml"
    before = ask(port, "/__kaplan/version", host)[1]
    marker = f"Marker-{time.monotonic_ns()}"
    plan.write_text(plan.read_text().replace("Why this account matters", marker, 1))
    assert wait_for(lambda: marker.encode() in ask(port, "/accounts/example-account.html", host)[1], 30)
    assert wait_for(lambda: ask(port, "/__kaplan/version", host)[1] != before, 30)
    assert b"rebuilt: " in served.stderr.read_bytes()
    assert served.terminate() < 10
    assert served.proc.returncode == 0
    assert_no_traceback(served.stderr.read_text())


def test_watchfiles_is_imported_only_once_serve_watches(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from kaplan.cli import main\n"
        "import kaplan.site.serve, kaplan.site.watch\n"
        "for args in (['--help'], ['check'], ['serve', '--help']):\n"
        "    CliRunner().invoke(main, args)\n"
        "print('watchfiles' in sys.modules)\n"
    )
    init_repository(tmp_path / "repo", "en")
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path / "repo", capture_output=True, text=True, check=True
    )
    assert result.stdout == "False\n"
