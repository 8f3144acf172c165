"""What a test does when the Redis server it needs is not there: skip it on a developer's
machine, fail it in CI (``REQUIRE_REDIS=1``, exported by .ci/run), where a Redis test
that silently skips would prove nothing."""

import os

import pytest


def redis_missing(reason):
    """Fail with ``reason`` when REQUIRE_REDIS=1, else skip the test with it."""
    if os.environ.get("REQUIRE_REDIS") == "1":
        pytest.fail(f"{reason} (REQUIRE_REDIS=1)", pytrace=False)
    pytest.skip(reason)
