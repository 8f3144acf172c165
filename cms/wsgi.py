"""WSGI entry point (gunicorn cms.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.production")

application = get_wsgi_application()

# gunicorn's access log writes request paths; booking tokens must not reach it.
from cms.logfilters import install as redact_booking_tokens  # noqa: E402

redact_booking_tokens()
