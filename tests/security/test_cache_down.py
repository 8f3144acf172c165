"""Redis down is not the site down: with REDIS_URL at a closed port every public page,
a booking and its secret link still work (uncached, rate limits off), the failure is
logged once, and /health/ says what is degraded."""

import datetime
import json
import logging
import re
import socket
import uuid

from django.test import override_settings
from django.utils import timezone

import pytest

from cms import cache as fail_open
from cms.settings.base import cache_settings
from tests.redis_check import redis_missing

from ..bookings.conftest import bookable_event

pytestmark = pytest.mark.django_db


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_caches(url):
    """What the settings configure for ``REDIS_URL=url``."""
    return cache_settings(url)


@pytest.fixture
def redis_down():
    url = f"redis://127.0.0.1:{closed_port()}/0"
    fail_open._health.pop(url, None)
    with override_settings(CACHES=redis_caches(url)):
        yield url
    fail_open._health.pop(url, None)


@pytest.fixture(autouse=True)
def _clear_cache():
    """The shared fixture clears the cache, which is Redis here; nothing to clear."""
    yield


def test_public_pages_and_bookings_work_with_redis_down(client, site_tree, redis_down, caplog):
    event, occurrence = bookable_event(site_tree.ward)
    caplog.set_level(logging.ERROR, logger="cms.cache")
    for url in ("/", "/events/", event.url, "/events/calendar.ics", "/ibasho/", "/partners/"):
        assert client.get(url).status_code == 200, url
    book = f"{event.url}{occurrence.original_date.isoformat()}/book/"
    # The rate limiter fails open: more bookings from one address than its limit.
    for n in range(5):
        response = client.post(book, {"nickname": f"n{n}", "party_size": "1"})
        assert response.status_code == 303
    manage = response["Location"]
    assert re.match(r"^/booking/[^/]+/\?new=1$", manage)
    assert client.get(manage).status_code == 200
    logged = [r for r in caplog.records if r.name == "cms.cache"]
    assert len(logged) == 1, [r.getMessage() for r in logged]  # once, not per request
    assert "serving uncached" in logged[0].getMessage()
    assert redis_down.split("//")[1] not in logged[0].getMessage()


def test_health_names_the_degraded_cache_and_no_secrets(client, site_tree, redis_down):
    response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded" and body["degraded"] == ["cache"]
    assert body["database"] == {"ok": True}
    assert body["cache"]["ok"] is False
    text = json.dumps(body)
    assert redis_down.rsplit(":", 1)[1].split("/")[0] not in text  # not even the port
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    # A load balancer asks for the database only: the app server is still fit to serve.
    assert client.get("/health/?checks=database").status_code == 200


def test_health_is_ok_when_everything_is(client, site_tree):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert client.get("/health/?checks=nonsense").status_code == 400


def test_health_with_a_real_redis():
    with socket.socket() as sock:
        if sock.connect_ex(("127.0.0.1", 6379)) != 0:
            redis_missing("no Redis server on 127.0.0.1:6379")
    with override_settings(CACHES=redis_caches("redis://127.0.0.1:6379/15")):
        from django.core.cache import cache

        probe = f"probe-{uuid.uuid4().hex}"
        cache.set(probe, 41)
        assert cache.incr(probe) == 42
        with pytest.raises(ValueError):
            cache.incr(f"{probe}-missing")  # Django's contract holds while Redis is up
        from cms.health import check_cache

        assert check_cache()["ok"] is True
        cache.delete(probe)


def test_health_reports_a_task_backlog(client, site_tree):
    db_tasks = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with override_settings(TASKS=db_tasks):
        from django_tasks_db.models import DBTaskResult

        from events.tasks import extend_occurrence_horizon

        extend_occurrence_horizon.enqueue()
        assert client.get("/health/?checks=tasks").status_code == 200
        DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(minutes=30))
        response = client.get("/health/")
        assert response.status_code == 503
        body = response.json()
        assert body["degraded"] == ["tasks"]
        assert body["tasks"]["ready"] == 1 and body["tasks"]["oldest_waiting_seconds"] >= 1700
