"""The page server's front-end files are gzipped once and then answered from memory (issue 18)."""

from __future__ import annotations

import asyncio
import gzip

from sim.views.app.static import StaticGzipCache

BODY = b"console.log('solara');" * 200


def _inner(calls: list[str], encoding: bytes = b"gzip"):
    """A stand-in for solara's app behind its GZip middleware: counts what reaches it."""
    async def app(scope, receive, send):
        calls.append(scope["path"])
        body = gzip.compress(BODY) if encoding == b"gzip" else BODY
        headers = [(b"content-type", b"text/javascript"), (b"etag", b'"v1"')]
        if encoding:
            headers.append((b"content-encoding", encoding))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body[:50], "more_body": True})
        await send({"type": "http.response.body", "body": body[50:]})
    return app


def _get(app, path: str, **headers: str) -> tuple[int, dict, bytes]:
    messages = []
    scope = {"type": "http", "method": "GET", "path": path, "query_string": b"v=1",
             "headers": [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()]}

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        messages.append(message)

    asyncio.run(app(scope, receive, send))
    start = messages[0]
    body = b"".join(m.get("body", b"") for m in messages[1:])
    return start["status"], dict(start["headers"]), body


def test_a_static_file_is_compressed_once_and_served_whole_after():
    calls: list[str] = []
    app = StaticGzipCache(_inner(calls))
    path = "/_solara/cdn/app.min.js"
    first = _get(app, path, accept_encoding="gzip, deflate")
    again = _get(app, path, accept_encoding="gzip, deflate")
    assert calls == [path]  # the second answer came from memory
    assert again[0] == 200 and again[2] == first[2] and gzip.decompress(again[2]) == BODY
    assert again[1][b"content-encoding"] == b"gzip"
    assert again[1][b"content-length"] == str(len(again[2])).encode()
    assert again[1][b"content-type"] == b"text/javascript"


def test_pages_plain_and_conditional_requests_pass_through():
    calls: list[str] = []
    app = StaticGzipCache(_inner(calls))
    for _ in range(2):
        _get(app, "/", accept_encoding="gzip")  # the page itself: made per visit
        _get(app, "/static/main.js")  # no gzip asked: the inner app answers
        _get(app, "/static/other.js", accept_encoding="gzip", if_none_match='"v1"')
    assert calls == ["/", "/static/main.js", "/static/other.js"] * 2


def test_only_gzipped_answers_are_kept():
    calls: list[str] = []
    app = StaticGzipCache(_inner(calls, encoding=b""))  # e.g. too small to be compressed
    for _ in range(2):
        status, _, body = _get(app, "/static/tiny.css", accept_encoding="gzip")
        assert status == 200 and body == BODY
    assert len(calls) == 2
