"""Property-based fuzzing of the public forms and queries (hypothesis).

Deterministic and bounded: the "ibasho" profile derandomizes (the same examples every
run, nothing read from or written to an example database) and keeps the number of
examples modest, so the directory runs in well under a minute on SQLite. Set
``HYPOTHESIS_PROFILE=ibasho-deep`` for a longer search locally.

The database is not reset between the examples of one test (pytest-django's ``db`` is
per test function): each example that needs state creates its own event, and the
properties are about that event only.
"""

import os

import pytest
from hypothesis import HealthCheck, settings

COMMON = {
    "derandomize": True,
    "database": None,
    "deadline": None,
    "print_blob": False,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
settings.register_profile("ibasho", max_examples=15, **COMMON)
settings.register_profile("ibasho-deep", max_examples=300, **COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ibasho"))


@pytest.fixture
def generous_limits(settings):
    """Abuse limits out of the way (they are tested in tests/bookings): here every
    registration should reach the booking service."""
    wide = (10**6, 3600)
    settings.BOOKING_RATE_LIMITS = {"address_occurrence": wide, "address": wide, "site": wide}
