"""A fake oEmbed provider on 127.0.0.1, for the embeds' tests: a real HTTP server in a thread.

The embedded address's last part says how the provider behaves: `ok` (a video, or a post),
`missing` (404), `hang` (answers after HANG_SECONDS), `down` (503), `smuggle` (markup with
scripts and handlers), `huge` (more than any sane limit), `notjson`.
"""

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from tests.factories import picture_bytes

HANG_SECONDS = 3
HOSTILE = (
    '<script>steal()</script><img src=x onerror="steal()">'
    '<a href="javascript:steal()" onclick="steal()">click</a>'
    "<style>body{display:none}</style>"
)


class FakeProvider(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.asked: list[str] = []  # the embedded addresses the endpoint was asked about
        # Other files it serves, by path: (body, content type, Content-Security-Policy).
        self.files: dict[str, tuple[bytes, str, str]] = {}

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def providers(self) -> list[dict]:
        """EMBED_PROVIDERS naming this server: a video provider and a post provider."""
        origin = self.origin.replace(".", r"\.")
        return [
            {
                "name": "Testvideo",
                "patterns": [rf"{origin}/video/\w+"],
                "endpoint": f"{self.origin}/oembed",
                "kind": "frame",
                "hosts": [self.origin],
                "label": "Play on Testvideo",
            },
            {
                "name": "Testpost",
                "patterns": [rf"{origin}/post/\w+"],
                "endpoint": f"{self.origin}/oembed",
                "kind": "script",
                "hosts": [self.origin],
                "label": "Show the post from Testpost",
                "script": f"{self.origin}/widgets.js",
            },
        ]


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _send(self, status: int, body: bytes, kind: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(OSError):  # the client gave up waiting, as it should
            self.wfile.write(body)

    def do_GET(self):
        parts = urlsplit(self.path)
        if parts.path in self.server.files:
            body, kind, policy = self.server.files[parts.path]
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Security-Policy", policy)
            self.end_headers()
            self.wfile.write(body)
            return None
        if parts.path.startswith("/embed/"):
            return self._send(200, b"<!doctype html><title>Player</title><p>Playing", "text/html")
        if parts.path == "/thumb.png":
            return self._send(200, picture_bytes("PNG", (640, 360)), "image/png")
        if parts.path != "/oembed":
            return self._send(404, b"{}")
        url = parse_qs(parts.query)["url"][0]
        self.server.asked.append(url)
        kind, behaviour = urlsplit(url).path.split("/")[1:3]
        origin = self.server.origin
        if behaviour == "missing":
            return self._send(404, b'{"error": "not found"}')
        if behaviour == "down":
            return self._send(503, b"busy")
        if behaviour == "hang":
            time.sleep(HANG_SECONDS)
        if behaviour == "notjson":
            return self._send(200, b"<html>not json</html>", "text/html")
        if behaviour == "huge":
            # No length announced, and far longer than any limit: the reader must stop.
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            with contextlib.suppress(OSError):  # the client hung up, as it should
                self.wfile.write(b'{"title": "')
                for _ in range(100):
                    self.wfile.write(b"x" * 64 * 1024)
            return None
        hostile = HOSTILE if behaviour == "smuggle" else ""
        if kind == "video":
            html = (
                f'{hostile}<iframe src="{origin}/embed/{behaviour}" width="640" height="360" '
                'onload="steal()"></iframe>'
            )
        else:
            html = (
                f'<blockquote class="test-post" onmouseover="steal()"><p>Hello from the post '
                f'{hostile}</p><a href="{url}">Posted today</a></blockquote>'
                f'<script async src="{origin}/widgets.js"></script>'
            )
        answer = {
            "type": "video" if kind == "video" else "rich",
            "version": "1.0",
            "title": f"A {kind} called {behaviour}",
            "author_name": "Ada Reporter",
            "provider_name": "Testvideo" if kind == "video" else "Testpost",
            "width": 640,
            "height": 360,
            "html": html,
            "thumbnail_url": f"{origin}/thumb.png",
        }
        return self._send(200, json.dumps(answer).encode())


def start() -> FakeProvider:
    server = FakeProvider()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
