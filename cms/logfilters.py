"""Booking tokens never reach the logs.

A booking's secret link is ``/booking/<token>/``: whoever reads a log line with it could
cancel the booking. This filter rewrites every record's message to ``/booking/…/`` before
a handler sees it. It is attached to the console handler and to Django's request loggers
(settings), and to gunicorn's access and error loggers (``install`` from cms/wsgi.py:
gunicorn configures those before Django starts).
"""

import logging
import re

TOKEN_IN_PATH = re.compile(r"(/booking/)[^/\s?#\"']+")
REDACTED = r"\1…"
GUNICORN_LOGGERS = ("gunicorn.access", "gunicorn.error")


def redact(text):
    return TOKEN_IN_PATH.sub(REDACTED, text)


class RedactBookingTokens(logging.Filter):
    def filter(self, record):
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True  # a malformed record: leave it to the handler's own error path
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


def install(logger_names=GUNICORN_LOGGERS):
    """Attach the filter to loggers configured outside Django's LOGGING (gunicorn's)."""
    for name in logger_names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactBookingTokens) for f in logger.filters):
            logger.addFilter(RedactBookingTokens())
