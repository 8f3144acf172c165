"""Booking tokens are cut out of logged paths: Django's request log, runserver's log and
gunicorn's access log."""

import logging
import re

import pytest

from cms.logfilters import RedactBookingTokens, install

from ..bookings.conftest import bookable_event

pytestmark = pytest.mark.django_db


class Capture(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.fixture
def request_log():
    logger = logging.getLogger("django.request")
    capture = Capture()
    level = logger.level
    logger.setLevel(logging.WARNING)  # 404s are logged at WARNING
    logger.addHandler(capture)
    yield capture
    logger.removeHandler(capture)
    logger.setLevel(level)


def test_a_booking_link_in_the_request_log_is_redacted(client, site_tree, request_log):
    event, occurrence = bookable_event(site_tree.ward)
    response = client.post(
        f"{event.url}{occurrence.original_date.isoformat()}/book/",
        {"nickname": "匿名", "party_size": "1"},
    )
    token = re.match(r"^/booking/([^/]+)/", response["Location"]).group(1)
    # A path that is logged: a wrong sub-page behind the real token is a 404.
    assert client.get(f"/booking/{token}/no-such-page/").status_code == 404
    assert client.get(f"/en/booking/{token}x/").status_code == 404
    logged = "\n".join(request_log.lines)
    assert "/booking/…/no-such-page/" in logged and "/en/booking/…/" in logged
    assert token not in logged


def test_gunicorn_access_log_lines_are_redacted():
    install()
    logger = logging.getLogger("gunicorn.access")
    assert any(isinstance(f, RedactBookingTokens) for f in logger.filters)
    capture = Capture()
    logger.addHandler(capture)
    logger.setLevel(logging.INFO)
    try:
        # gunicorn logs its access format with a dict of "atoms".
        atoms = {"h": "198.51.100.7", "r": "GET /booking/SeCrEt-ToKeN_123/?new=1 HTTP/1.1"}
        logger.info('%(h)s "%(r)s"', atoms)
        logger.info("%(h)s 100%% done", {"h": "x"})  # formatting still works
    finally:
        logger.removeHandler(capture)
    assert capture.lines[0] == '198.51.100.7 "GET /booking/…/?new=1 HTTP/1.1"'
    assert capture.lines[1] == "x 100% done"


def test_the_console_handler_and_runserver_log_are_filtered(settings):
    handlers = settings.LOGGING["handlers"]
    assert "booking_tokens" in handlers["console"]["filters"]
    assert "booking_tokens" in handlers["django.server"]["filters"]
    server = logging.getLogger("django.server")
    assert any(isinstance(f, RedactBookingTokens) for f in server.filters)
