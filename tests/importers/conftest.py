"""Partner calendars: a feed owned by a partner, and a small HTTP server on 127.0.0.1
(random port) whose answers each test scripts."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from events.models import PartnerFeed


@pytest.fixture
def inprocess(settings):
    """Parse in this process (faster); the child-process path has its own tests."""
    settings.PARTNER_FEED_PARSE_IN_SUBPROCESS = False
    return settings


@pytest.fixture
def loopback_allowed(settings):
    settings.PARTNER_FEED_ALLOWED_ADDRESSES = ["127.0.0.1"]
    return settings


@pytest.fixture
def partner(site_tree):
    organisation = site_tree.family
    organisation.website = "https://hidamari.example.jp/"
    organisation.save_revision().publish()
    organisation.refresh_from_db()
    return organisation


@pytest.fixture
def feed(partner):
    return PartnerFeed.objects.create(
        name="ひだまりの予定",
        url="https://hidamari.example.jp/calendar.ics",
        organisation=partner,
        enabled=True,
    )


class Route:
    """One scripted answer: status, headers, body (bytes or a callable(request) → bytes,
    or an iterable of chunks sent with ``delay`` seconds between them), after waiting
    ``before`` seconds."""

    def __init__(self, status=200, body=b"", headers=None, delay=0.0, chunks=None, before=0.0):
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.delay = delay
        self.chunks = chunks
        self.before = before


class FeedServer:
    def __init__(self):
        self.routes = {}
        self.requests = []  # (path, headers) of every request received
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):  # noqa: N802 - http.server's naming
                server.requests.append((self.path, dict(self.headers)))
                route = server.routes.get(self.path, Route(404, b"not found"))
                if route.before:
                    threading.Event().wait(route.before)
                body = route.body(self) if callable(route.body) else route.body
                status = route.status
                if isinstance(body, tuple):  # (status, body) from a callable route
                    status, body = body
                try:
                    self.send_response(status)
                    for name, value in route.headers.items():
                        self.send_header(name, value)
                    if route.chunks is None:
                        if "Content-Length" not in route.headers:
                            self.send_header("Content-Length", str(len(body)))
                        self.end_headers()
                        self.wfile.write(body)
                        return
                    self.end_headers()
                    for chunk in route.chunks:
                        self.wfile.write(chunk)
                        self.wfile.flush()
                        threading.Event().wait(route.delay)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path, **kwargs):
        self.routes[path] = Route(**kwargs)
        return self.url(path)


@pytest.fixture
def feed_server():
    server = FeedServer()
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()
