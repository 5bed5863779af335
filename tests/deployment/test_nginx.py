"""The frontend's nginx configuration, run by the real nginx binary.

The shipped files (docker/nginx/nginx.conf, default.conf, security-headers.conf, proxy-params.conf)
are laid out as in the image under a temporary prefix, default.conf is rendered by `envsubst` with the
same variable filter as the nginx image's entrypoint, and nginx serves a small fake `dist/`. The API is
a stand-in HTTP server on 127.0.0.1 that records what reaches it: what is tested here is our nginx
configuration (headers, caching, compression, routing, WebSocket upgrade), not the API.
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
NGINX_DIR = ROOT / "docker" / "nginx"
TEMPLATE_VARIABLES = ("API_UPSTREAM", "NGINX_PORT", "NGINX_RESOLVER", "CSP_EXTRA_SOURCES")
SECURITY_HEADERS = (
    "X-Frame-Options",
    "X-Content-Type-Options",
    "X-XSS-Protection",
    "Referrer-Policy",
    "Permissions-Policy",
    "Content-Security-Policy",
)
INDEX_MARKER = b"<!-- campaign-manager spa shell -->"
BIG_ASSET = "assets/index-4f9a1c2b.js"
TINY_ASSET = "assets/tiny-0a1b2c3d.js"
WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def _nginx() -> str:
    found = Path("/usr/sbin/nginx") if Path("/usr/sbin/nginx").is_file() else None
    found = found or (Path(p) if (p := shutil.which("nginx")) else None)
    if found is None:
        pytest.fail("nginx is required for this test: apt-get install -y nginx (Debian) or brew install nginx")
    return str(found)


def _envsubst() -> str:
    found = shutil.which("envsubst")
    if found is None:
        pytest.fail("envsubst is required for this test: apt-get install -y gettext-base")
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- the stand-in API -------------------------------------------------------------------------


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Upstream:
    server: ThreadingHTTPServer
    seen: list[Seen] = field(default_factory=list)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.server.server_address[1]}"

    def paths(self) -> list[str]:
        return [s.path for s in self.seen]


def _handler(upstream: Upstream) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return

        def _record(self) -> Seen:
            length = int(self.headers.get("Content-Length") or 0)
            seen = Seen(
                self.command,
                self.path,
                {k.lower(): v for k, v in self.headers.items()},
                self.rfile.read(length) if length else b"",
            )
            upstream.seen.append(seen)
            return seen

        def _answer(self) -> None:
            seen = self._record()
            if seen.headers.get("upgrade", "").lower() == "websocket":
                self._switch(seen)
                return
            body = json.dumps({"path": seen.path, "method": seen.method}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            # nginx must replace the API's own copy, not send both
            self.send_header("X-Frame-Options", "SAMEORIGIN")
            self.end_headers()
            self.wfile.write(body)

        def _switch(self, seen: Seen) -> None:
            key = seen.headers.get("sec-websocket-key", "")
            accept = base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()
            self.send_response(101)
            self.send_header("Upgrade", "websocket")
            self.send_header("Connection", "Upgrade")
            self.send_header("Sec-WebSocket-Accept", accept)
            self.send_header("Sec-WebSocket-Protocol", seen.headers.get("sec-websocket-protocol", ""))
            self.end_headers()
            self.wfile.flush()
            data = self.rfile.read(4)  # after the switch, bytes flow through the tunnel untouched
            self.wfile.write(b"echo:" + data)
            self.wfile.flush()
            self.close_connection = True

        def do_GET(self) -> None:
            self._answer()

        def do_POST(self) -> None:
            self._answer()

    return Handler


@contextlib.contextmanager
def stand_in_api() -> Iterator[Upstream]:
    upstream = Upstream(server=None)  # type: ignore[arg-type]
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(upstream))
    server.daemon_threads = True
    upstream.server = server
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield upstream
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


# --- nginx with the shipped configuration -----------------------------------------------------


@dataclass
class Nginx:
    port: int
    prefix: Path
    asset: bytes


def _render_default_conf(values: dict[str, str]) -> str:
    """What the nginx image's 20-envsubst-on-templates.sh does with NGINX_ENVSUBST_FILTER set."""
    shell_format = " ".join(f"${{{name}}}" for name in TEMPLATE_VARIABLES)
    done = subprocess.run(
        [_envsubst(), shell_format],
        input=(NGINX_DIR / "default.conf").read_text(encoding="utf-8"),
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **values},
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return done.stdout


def _layout(prefix: Path, port: int, upstream: str) -> bytes:
    """/etc/nginx as the image builds it, under `prefix`; returns the big asset's content."""
    main, temp_paths = re.subn(
        r"^(\s*\w+_temp_path\s+)/tmp/",
        lambda m: f"{m.group(1)}{prefix}/",
        (NGINX_DIR / "nginx.conf").read_text(encoding="utf-8"),
        flags=re.M,
    )
    assert temp_paths == 5, "nginx.conf should keep its five temp paths under /tmp (writable when unprivileged)"
    assert not re.search(r"^\s*(user|pid|daemon)\s", main, re.M), "user/pid/daemon belong to the image's CMD"
    (prefix / "nginx.conf").write_text(main, encoding="utf-8")
    mime = Path("/etc/nginx/mime.types")
    if not mime.is_file():
        pytest.fail("/etc/nginx/mime.types is missing: apt-get install -y nginx")
    shutil.copy(mime, prefix / "mime.types")
    (prefix / "snippets").mkdir()
    for name in ("security-headers.conf", "proxy-params.conf"):
        shutil.copy(NGINX_DIR / name, prefix / "snippets" / name)
    rendered = _render_default_conf(
        {
            "API_UPSTREAM": upstream,
            "NGINX_PORT": str(port),
            "NGINX_RESOLVER": "127.0.0.1",
            "CSP_EXTRA_SOURCES": "",
        }
    )
    assert "${" not in rendered, "default.conf kept an unrendered ${...}"
    assert "$http_upgrade" in rendered and "$uri" in rendered, "envsubst replaced nginx's own variables"
    html = prefix / "html"
    assert rendered.count("root /usr/share/nginx/html;") == 1
    (prefix / "conf.d").mkdir()
    (prefix / "conf.d" / "default.conf").write_text(
        rendered.replace("root /usr/share/nginx/html;", f"root {html};"), encoding="utf-8"
    )
    (html / "assets").mkdir(parents=True)
    (html / "index.html").write_bytes(b"<!doctype html><html><body>" + INDEX_MARKER + b"</body></html>\n")
    asset = b"".join(b"export const line%d = 'campaign manager asset line %d';\n" % (i, i) for i in range(600))
    (html / BIG_ASSET).write_bytes(asset)
    (html / TINY_ASSET).write_bytes(b"export const tiny = '" + b"x" * 300 + b"';\n")  # 20 < size < 1024
    (html / "favicon.svg").write_bytes(b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    for path in [prefix, *prefix.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)  # workers may run as `nobody`
    return asset


@contextlib.contextmanager
def running_nginx(upstream: str) -> Iterator[Nginx]:
    nginx = _nginx()
    prefix = Path(tempfile.mkdtemp(prefix="campaign-nginx-"))
    port = _free_port()
    proc: subprocess.Popen[bytes] | None = None
    log = prefix / "nginx.log"
    try:
        asset = _layout(prefix, port, upstream)
        argv = [nginx, "-p", f"{prefix}/", "-c", str(prefix / "nginx.conf"), "-e", "stderr"]
        directives = f"daemon off; pid {prefix}/nginx.pid;"
        check = subprocess.run([*argv, "-t", "-g", directives], capture_output=True, text=True, timeout=30, check=False)
        assert check.returncode == 0, f"nginx -t rejects the configuration:\n{check.stderr}"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [*argv, "-g", directives], stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + 15
        while True:
            if proc.poll() is not None:
                pytest.fail(f"nginx exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
            with socket.socket() as sock:
                sock.settimeout(0.2)
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if time.monotonic() > deadline:
                pytest.fail(f"nginx did not listen on {port}:\n{log.read_text(errors='replace')}")
            time.sleep(0.05)
        yield Nginx(port=port, prefix=prefix, asset=asset)
    finally:
        if proc is not None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)  # the group we created: nginx and its workers
                proc.wait(5)
        shutil.rmtree(prefix, ignore_errors=True)


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        values = self.all(name)
        assert len(values) <= 1, f"{name} sent {len(values)} times: {values}"
        return values[0] if values else None

    def all(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name.lower()]


def fetch(
    port: int,
    path: str,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
) -> Reply:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return Reply(response.status, response.getheaders(), response.read())
    finally:
        conn.close()


@pytest.fixture(scope="module")
def api() -> Iterator[Upstream]:
    with stand_in_api() as upstream:
        yield upstream


@pytest.fixture(scope="module")
def server(api: Upstream) -> Iterator[Nginx]:
    with running_nginx(api.address) as nginx:
        yield nginx


# --- the checks -------------------------------------------------------------------------------


def assert_security_headers(reply: Reply, where: str) -> None:
    for name in SECURITY_HEADERS:
        assert reply.header(name), f"{where}: {name} missing (status {reply.status})"
    assert reply.header("X-Frame-Options") == "DENY", where
    assert reply.header("X-Content-Type-Options") == "nosniff", where
    csp = reply.header("Content-Security-Policy") or ""
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert directives["default-src"] == ["'self'"], csp
    assert directives["script-src"] == ["'self'"], csp
    assert "blob:" in directives["worker-src"], f"MapLibre needs blob: workers: {csp}"
    assert {"'self'", "ws:", "wss:"} <= set(directives["connect-src"]), f"GraphQL WebSocket blocked: {csp}"
    assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"], csp


def test_security_headers_on_every_location(server: Nginx, api: Upstream) -> None:
    port = server.port
    graphql = {"Content-Type": "application/json"}
    cases = {
        "/": fetch(port, "/"),
        "/index.html": fetch(port, "/index.html"),
        "/favicon.svg": fetch(port, "/favicon.svg"),
        f"/{BIG_ASSET}": fetch(port, f"/{BIG_ASSET}", headers={"Accept-Encoding": "gzip"}),
        "/assets/missing (404)": fetch(port, "/assets/missing-00000000.js"),
        "/campaigns/1/map": fetch(port, "/campaigns/1/map"),
        "/health": fetch(port, "/health"),
        "/graphql": fetch(port, "/graphql", "POST", graphql, b'{"query":"{ __typename }"}'),
        "/auth/login": fetch(port, "/auth/login", "POST", graphql, b"{}"),
        "/api/v1/ping": fetch(port, "/api/v1/ping"),
        "/.env (404)": fetch(port, "/.env"),
    }
    for where, reply in cases.items():
        assert_security_headers(reply, where)
    assert cases["/assets/missing (404)"].status == 404
    assert cases["/.env (404)"].status == 404
    assert cases["/graphql"].header("X-Frame-Options") == "DENY", "the API's own copy must be hidden"


def test_hsts_only_over_https(server: Nginx) -> None:
    assert fetch(server.port, "/").header("Strict-Transport-Security") is None
    behind_tls = fetch(server.port, "/", headers={"X-Forwarded-Proto": "https"})
    hsts = behind_tls.header("Strict-Transport-Security") or ""
    assert "max-age=31536000" in hsts, hsts


def test_gzip_for_large_text_assets_only(server: Nginx) -> None:
    big = fetch(server.port, f"/{BIG_ASSET}", headers={"Accept-Encoding": "gzip"})
    assert big.status == 200
    assert big.header("Content-Encoding") == "gzip", big.headers
    assert gzip.decompress(big.body) == server.asset
    assert "Accept-Encoding" in (big.header("Vary") or "")
    tiny = fetch(server.port, f"/{TINY_ASSET}", headers={"Accept-Encoding": "gzip"})
    assert tiny.status == 200 and tiny.header("Content-Encoding") is None, "gzip_min_length is 1024"
    plain = fetch(server.port, f"/{BIG_ASSET}")
    assert plain.header("Content-Encoding") is None and plain.body == server.asset


def test_hashed_assets_are_immutable_and_the_shell_is_revalidated(server: Nginx) -> None:
    asset = fetch(server.port, f"/{BIG_ASSET}")
    cache = asset.header("Cache-Control") or ""
    assert "max-age=31536000" in cache and "immutable" in cache, cache
    missing = fetch(server.port, "/assets/gone-12345678.js")
    assert missing.status == 404 and INDEX_MARKER not in missing.body, "a missing asset must not get the shell"
    assert "immutable" not in (missing.header("Cache-Control") or "")
    for path in ("/", "/index.html", "/campaigns/1/map"):
        assert fetch(server.port, path).header("Cache-Control") == "no-cache", path


def test_spa_fallback_serves_the_shell(server: Nginx, api: Upstream) -> None:
    for path in ("/", "/campaigns/1/map", "/campaigns/1/timeline?at=4707", "/authors"):
        reply = fetch(server.port, path)
        assert reply.status == 200 and INDEX_MARKER in reply.body, path
    assert "/authors" not in api.paths(), "/authors is an SPA route, not /auth"


def test_health_is_answered_by_nginx(server: Nginx, api: Upstream) -> None:
    reply = fetch(server.port, "/health")
    assert reply.status == 200 and json.loads(reply.body) == {"status": "ok"}
    assert reply.header("Cache-Control") == "no-store"
    assert not [p for p in api.paths() if p.startswith("/health")], "nginx must not proxy its own /health"


def test_api_routes_reach_the_api(server: Nginx, api: Upstream) -> None:
    body = b'{"query":"{ __typename }"}'
    reply = fetch(server.port, "/graphql", "POST", {"Content-Type": "application/json"}, body)
    assert reply.status == 200 and json.loads(reply.body) == {"path": "/graphql", "method": "POST"}
    seen = next(s for s in reversed(api.seen) if s.path == "/graphql")
    assert seen.body == body
    assert seen.headers["host"] == f"127.0.0.1:{server.port}", "the browser's Host (with port) must be kept"
    assert seen.headers["x-forwarded-for"] == "127.0.0.1"
    assert seen.headers["x-forwarded-proto"] == "http"
    assert seen.headers.get("x-request-id")
    for path, method in (("/auth/login", "POST"), ("/auth/refresh", "POST"), ("/api/v1/ping", "GET")):
        reply = fetch(server.port, path, method, {"Content-Type": "application/json"}, b"{}")
        assert reply.status == 200 and json.loads(reply.body)["path"] == path, path
    assert "/metrics" not in api.paths()
    assert fetch(server.port, "/metrics").status == 200 and "/metrics" not in api.paths(), "metrics leak"


def test_websocket_upgrade_is_forwarded(server: Nginx, api: Upstream) -> None:
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        "GET /graphql HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{server.port}\r\n"
        "Upgrade: websocket\r\n"
        "Connection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\n"
        "Sec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(request.encode())
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = sock.recv(4096)
            assert chunk, f"connection closed during the handshake: {received!r}"
            received += chunk
        head, _, rest = received.partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        assert lines[0].startswith("HTTP/1.1 101"), lines[0]
        headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        expected = base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()
        assert headers["sec-websocket-accept"] == expected
        assert headers["upgrade"].lower() == "websocket"
        sock.sendall(b"ping")
        while len(rest) < len(b"echo:ping"):
            chunk = sock.recv(4096)
            assert chunk, f"tunnel closed early: {rest!r}"
            rest += chunk
        assert rest == b"echo:ping", rest
    seen = next(s for s in reversed(api.seen) if s.headers.get("upgrade"))
    assert seen.path == "/graphql"
    assert seen.headers["upgrade"].lower() == "websocket"
    assert seen.headers["connection"].lower() == "upgrade"
    assert seen.headers["sec-websocket-protocol"] == "graphql-transport-ws"
    assert seen.headers["sec-websocket-key"] == key


def test_health_without_the_api_and_errors_keep_headers() -> None:
    with running_nginx(f"127.0.0.1:{_free_port()}") as nginx:  # nothing listens there
        health = fetch(nginx.port, "/health")
        assert health.status == 200
        assert_security_headers(health, "/health (API down)")
        down = fetch(nginx.port, "/graphql", "POST", {"Content-Type": "application/json"}, b"{}")
        assert down.status == 502
        assert_security_headers(down, "/graphql (API down)")
        assert fetch(nginx.port, "/").status == 200
