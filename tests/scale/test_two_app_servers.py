"""Two app servers at once (issue 15): two gunicorn instances with production settings on
one PostgreSQL database and one Redis, driven over HTTP only, as a load balancer would
spread visitors over them. Capacity, rate limits, the feed cache and its invalidation hold
across them: book on one and cancel on the other, publish on one and the other serves the
fresh feed.

Skipped on SQLite (one file on one machine is not what scales out) and without Redis.
Redis: ``SCALE_TEST_REDIS_URL`` (default ``redis://127.0.0.1:6379/10``); the servers use
a key prefix of their own, and their keys are deleted afterwards.
"""

import os
import re
import secrets
import threading
import uuid

from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import User
from django.db import connection

import pytest

from events.bookings.models import Booking, BookingStatus
from events.bookings.tokens import find_booking
from tests.bookings.conftest import bookable_event
from tests.redis_check import redis_missing

from .servers import AppServer, Client, server_environment

REDIS_URL = os.environ.get("SCALE_TEST_REDIS_URL", "redis://127.0.0.1:6379/10")


def redis_or_none():
    import redis

    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5, socket_timeout=1)
        client.ping()
        return client
    except (redis.RedisError, OSError):
        return None


pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="several app servers share a PostgreSQL database; SQLite is one machine's file "
        "(run with DATABASE_URL=postgres://…)",
    ),
]


@pytest.fixture(scope="module")
def shared_redis():
    client = redis_or_none()
    if client is None:
        redis_missing(f"Redis is not reachable at {REDIS_URL} (set SCALE_TEST_REDIS_URL)")
    return client, f"scale-test-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="module")
def app_servers(django_db_setup, shared_redis, tmp_path_factory):
    """Servers A and B, started once for the module against the test database and one
    Redis (each test's data is its own: the database is emptied after each test)."""
    redis_client, prefix = shared_redis
    workdir = tmp_path_factory.mktemp("servers")
    env = server_environment(REDIS_URL, prefix, workdir)
    started = [AppServer(name, env, workdir) for name in ("a", "b")]
    try:
        for server in started:
            server.wait_until_up()
        yield started
    finally:
        for server in started:
            server.stop()
        for key in redis_client.scan_iter(f"{prefix}:*"):
            redis_client.delete(key)


@pytest.fixture
def servers(app_servers, shared_redis, site_tree):
    """Both servers, with nothing in their shared cache from an earlier test, and no
    error in their logs after this one."""
    redis_client, prefix = shared_redis
    for key in redis_client.scan_iter(f"{prefix}:*"):
        redis_client.delete(key)
    yield app_servers
    for server in app_servers:
        assert "Traceback" not in server.log_tail(), server.log_tail()


def date_path(occurrence):
    return f"{occurrence.event.url}{occurrence.original_date.isoformat()}/"


def booking_token(response):
    match = re.fullmatch(r"/booking/([^/]+)/\?new=1", response.header("Location"))
    assert response.status == 303 and match, (response.status, response.text[:500])
    return match.group(1)


def confirmed_people(occurrence):
    statuses = Booking.objects.filter(occurrence=occurrence, status=BookingStatus.CONFIRMED)
    return sum(statuses.values_list("party_size", flat=True))


def at_once(actions):
    """Run the actions in threads that start together; their results, in order."""
    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def run(index, prepare):
        send = prepare()  # fetch the form first, so the POSTs really overlap
        barrier.wait(timeout=60)
        results[index] = send()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a request hung"
    return results


def registration(server, path, index):
    """A visitor from an address of their own (the per-address limits are tested apart)."""

    def prepare():
        client = Client(server, address=f"203.0.113.{index + 1}")
        token = client.csrf_token(path)
        data = {"csrfmiddlewaretoken": token, "nickname": f"来場者{index}", "party_size": "1"}
        return lambda: client.post(path + "book/", data)

    return prepare


def cancellation(server, token):
    return lambda: lambda: Client(server).post(f"/booking/{token}/cancel/", {})


def test_capacity_holds_across_servers(servers, site_tree):
    """Twenty people at once for five places, spread over both servers: five confirmed,
    the rest on the waiting list, no error, each booking once. Then cancellations on one
    server race registrations on the other: each freed place goes to the waiting list."""
    a, b = servers
    _, occurrence = bookable_event(site_tree.ward, capacity=5, max_party_size=1)
    path = date_path(occurrence)
    responses = at_once([registration(servers[i % 2], path, i) for i in range(20)])
    assert [r.status for r in responses] == [303] * 20, [r.status for r in responses]
    tokens = [booking_token(r) for r in responses]
    assert len(set(tokens)) == 20  # nobody's booking lost or given twice
    assert confirmed_people(occurrence) == 5
    assert Booking.objects.filter(occurrence=occurrence).count() == 20
    assert Booking.objects.filter(occurrence=occurrence, status=BookingStatus.WAITING).count() == 15
    for server in servers:  # both tell the next visitor that only the waiting list is left
        page = Client(server).get(path)
        assert page.status == 200 and "満席・キャンセル待ち受付中" in page.text

    confirmed = [t for t in tokens if find_booking(t).status == BookingStatus.CONFIRMED]
    first_waiting = sorted(
        (find_booking(t) for t in tokens if find_booking(t).status == BookingStatus.WAITING),
        key=lambda booking: (booking.created_at, booking.pk),
    )[:3]
    results = at_once(
        [cancellation(b, token) for token in confirmed[:3]]
        + [registration(a, path, 100 + i) for i in range(6)]
    )
    assert [r.status for r in results] == [303] * 9, [r.status for r in results]
    assert confirmed_people(occurrence) == 5  # three freed, three promoted, none oversold
    promoted = {booking.pk for booking in first_waiting}
    now_confirmed = Booking.objects.filter(occurrence=occurrence, status=BookingStatus.CONFIRMED)
    assert promoted <= set(now_confirmed.values_list("pk", flat=True))  # in order
    assert Booking.objects.filter(occurrence=occurrence).count() == 26


def test_book_on_one_server_cancel_on_the_other(servers, site_tree):
    a, b = servers
    _, occurrence = bookable_event(site_tree.ward, capacity=10)
    path = date_path(occurrence)
    token = booking_token(Client(a).book(path))
    for server in servers:
        assert "残り9席" in Client(server).get(path).text, server.name
    cancelled = Client(b).post(f"/booking/{token}/cancel/", {})
    assert cancelled.status == 303, cancelled.status
    for server in servers:
        page = Client(server).get(path).text
        assert "残り10席" in page and "残り9席" not in page, server.name
    manage = Client(a).get(f"/booking/{token}/")
    assert manage.status == 200 and "キャンセル済み" in manage.text
    assert confirmed_people(occurrence) == 0


def test_rate_limits_are_shared(servers, site_tree):
    """Three registrations a day for one date from one address (``address_occurrence``):
    counted over both servers, so the fourth is refused wherever it arrives."""
    a, b = servers
    _, occurrence = bookable_event(site_tree.ward, capacity=10)
    path = date_path(occurrence)
    for server in (a, b, a):
        booking_token(Client(server, address="192.0.2.44").book(path))
    for server in (b, a):
        refused = Client(server, address="192.0.2.44").book(path)
        assert refused.status == 429, (server.name, refused.status)
        assert "短い時間に多くの申し込みがありました" in refused.text
    # Another address is not held back by that one.
    booking_token(Client(b, address="192.0.2.45").book(path))
    assert Booking.objects.filter(occurrence=occurrence).count() == 4


def login(client, username, password):
    token = client.csrf_token("/admin/login/")
    response = client.post(
        "/admin/login/",
        {"csrfmiddlewaretoken": token, "username": username, "password": password},
    )
    assert response.status == 302 and "/admin/" in response.header("Location"), response.status


def test_feed_cache_and_its_invalidation_across_servers(servers, site_tree):
    """B keeps the feed cached; an editor publishes a change on A's admin; B serves the
    fresh feed at once (the cache's version is in the shared Redis)."""
    a, b = servers
    event, _ = bookable_event(site_tree.ward, title="家族のつどい（春）")
    feed = Client(b).get("/events/calendar.ics")
    assert feed.status == 200 and "家族のつどい（春）" in feed.text
    etag = feed.header("ETag")
    assert Client(a).get("/events/calendar.ics").header("ETag") == etag  # one cache
    assert Client(b).get("/events/calendar.ics", **{"If-None-Match": etag}).status == 304

    # An editor saves a draft with a new title (nothing public changes yet) …
    draft = event.specific
    draft.title = "家族のつどい（夏）"
    draft.save_revision()
    assert Client(b).get("/events/calendar.ics", **{"If-None-Match": etag}).status == 304

    # … and publishes it in server A's admin.
    password = secrets.token_urlsafe(16)
    User.objects.create(
        username="editor",
        password=PBKDF2PasswordHasher().encode(password, PBKDF2PasswordHasher().salt()),
        is_staff=True,
        is_superuser=True,
    )
    editor = Client(a, address="192.0.2.80")
    login(editor, "editor", password)
    publish = f"/admin/bulk/wagtailcore/page/publish/?id={event.pk}"
    published = editor.post(publish, {"csrfmiddlewaretoken": editor.csrf_token(publish)})
    assert published.status == 302, published.status

    fresh = Client(b).get("/events/calendar.ics", **{"If-None-Match": etag})
    assert fresh.status == 200, fresh.status
    assert "家族のつどい（夏）" in fresh.text and "家族のつどい（春）" not in fresh.text
    assert fresh.header("ETag") != etag
    assert Client(a).get("/events/calendar.ics").header("ETag") == fresh.header("ETag")
