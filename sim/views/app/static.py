"""The page server's front-end files compressed once, not once per browser (issue 18).

Every browser that opens the page downloads solara's front end (about 1.3 MB: Vue, Vuetify, the
widget bundles, fonts). Solara's server gzips each response on the fly, which for a room of 30
opening the page at once was the largest share of the server's own CPU for a new session
(about 0.15 s of 0.25 s, measured in ``docs/classroom-server.md``). These files never change while
the server runs (their URLs carry versions), so this middleware keeps each one's gzip bytes after
the first request and answers later requests from them. The page itself and everything else
(websockets, the API, conditional and range requests) pass through untouched.
"""

from __future__ import annotations

import threading

STATIC_PREFIXES = ("/_solara/cdn/", "/static/", "/jupyter/nbextensions/")
MAX_BYTES = 32 * 1024 * 1024  # bound on what is kept (solara's front end is ~0.5 MB gzipped)
KEPT_HEADERS = {b"content-type", b"content-encoding", b"etag", b"last-modified", b"vary",
                b"cache-control"}


class StaticGzipCache:
    """ASGI middleware: GET requests for static files that ask for gzip, answered from memory
    after the first one (status 200 with ``Content-Encoding: gzip`` only)."""

    def __init__(self, app, prefixes: tuple[str, ...] = STATIC_PREFIXES,
                 max_bytes: int = MAX_BYTES):
        self.app, self.prefixes, self.max_bytes = app, prefixes, max_bytes
        self._kept: dict[str, tuple[list[tuple[bytes, bytes]], bytes]] = {}
        self._size = 0
        self._lock = threading.Lock()

    def _cacheable(self, scope) -> bool:
        if scope["type"] != "http" or scope["method"] != "GET":
            return False
        if not scope["path"].startswith(self.prefixes):
            return False
        headers = dict(scope["headers"])
        return (b"gzip" in headers.get(b"accept-encoding", b"") and b"range" not in headers
                and b"if-none-match" not in headers and b"if-modified-since" not in headers)

    async def __call__(self, scope, receive, send):
        if not self._cacheable(scope):
            await self.app(scope, receive, send)
            return
        key = scope["path"] + "?" + scope.get("query_string", b"").decode("latin-1")
        kept = self._kept.get(key)
        if kept is not None:
            headers, body = kept
            await send({"type": "http.response.start", "status": 200,
                        "headers": headers + [(b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
            return
        start: dict = {}
        chunks: list[bytes] = []

        async def record(message):
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    self._keep(key, start, b"".join(chunks))
            await send(message)

        await self.app(scope, receive, record)

    def _keep(self, key: str, start: dict, body: bytes) -> None:
        headers = [(k.lower(), v) for k, v in start.get("headers", [])]
        if start.get("status") != 200 or (b"content-encoding", b"gzip") not in headers:
            return
        with self._lock:
            if key in self._kept or self._size + len(body) > self.max_bytes:
                return
            self._kept[key] = ([h for h in headers if h[0] in KEPT_HEADERS], body)
            self._size += len(body)


def install() -> StaticGzipCache:
    """Put the cache in front of solara's server app (in the server process)."""
    from solara.server import starlette as solara_starlette

    app = solara_starlette.app
    if app.middleware_stack is None:
        app.middleware_stack = app.build_middleware_stack()
    if not isinstance(app.middleware_stack, StaticGzipCache):
        # solara imports the page during the server's start-up, after Starlette has built its
        # middleware stack: wrap the built stack rather than adding to the (already used) list
        app.middleware_stack = StaticGzipCache(app.middleware_stack)
    return app.middleware_stack
