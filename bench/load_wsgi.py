"""WSGI entry point for ``bench/bench_bookings.py``: the site, plus a trivial write page.

``gunicorn bench.load_wsgi:application`` serves ``cms.wsgi.application`` unchanged, except
for one path, ``/bench-write/`` (any method), which this wrapper answers itself: it inserts
one row into ``django_session`` (a random key, ``session_data = "bench-write"``, expiring in
an hour; harmless, and ``clearsessions`` would remove it) and returns ``ok``.

That is the load test's baseline: gunicorn, Django's database connection handling and one
INSERT, with no middleware, URL resolving, template or transaction of the site. To keep the
connection handling the same as for a real request, it sends Django's ``request_started`` and
``request_finished`` signals around the write, so with ``CONN_MAX_AGE=0`` each request opens
and closes its own PostgreSQL connection, just as the booking requests do.

``/bench-trivial/`` is the same without the INSERT (no database at all): the floor of a
request through gunicorn, for the pages under load.

The app itself is not changed; the settings module defaults to ``bench.load_settings``.
"""

import datetime
import os
import secrets

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.load_settings")

from django.core import signals  # noqa: E402

from cms.wsgi import application as site_application  # noqa: E402  (sets Django up)

WRITE_PATH = "/bench-write/"
READ_PATH = "/bench-trivial/"
MARKER = "bench-write"


def write_one_row():
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    Session.objects.create(
        session_key=secrets.token_hex(16),
        session_data=MARKER,
        expire_date=timezone.now() + datetime.timedelta(hours=1),
    )


def application(environ, start_response):
    path = environ.get("PATH_INFO")
    if path not in (WRITE_PATH, READ_PATH):
        return site_application(environ, start_response)
    signals.request_started.send(sender=__name__, environ=environ)
    try:
        if path == WRITE_PATH:
            write_one_row()
    finally:
        signals.request_finished.send(sender=__name__)
    body = b"ok"
    start_response(
        "200 OK",
        [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store"),
        ],
    )
    return [body]
