"""Booking rate limits: per client address and date, a wide per-address ceiling (mobile
carriers share addresses), a site-wide ceiling; behind the trusted proxy each visitor is
counted on their own, and nobody can be locked out with their e-mail address."""

from django.test import override_settings

import pytest

from events.bookings import web as booking_web
from events.bookings.models import Booking, BookingStatus
from tests.redis_check import redis_missing

from .conftest import bookable_event, days_ahead

pytestmark = pytest.mark.django_db


def book(client, event, occurrence, address="203.0.113.9", forwarded=None, **data):
    payload = {"nickname": "匿名", "party_size": "1", **data}
    extra = {"REMOTE_ADDR": address}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    url = f"{event.url}{occurrence.original_date.isoformat()}/book/"
    return client.post(url, payload, **extra)


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_visitors_are_counted_one_by_one(client, site_tree):
    event, occurrence = bookable_event(site_tree.ward, capacity=40)
    for n in range(25):  # more than the old site-wide-in-effect limit of 20
        response = book(client, event, occurrence, "127.0.0.1", f"198.51.100.{n + 1}")
        assert response.status_code == 303, n
    assert Booking.objects.count() == 25


def test_one_address_cannot_fill_an_event(client, bookable):
    event, occurrence = bookable
    limit = booking_web.RATE_LIMITS["address_occurrence"][0]
    for _ in range(limit):
        assert book(client, event, occurrence).status_code == 303
    response = book(client, event, occurrence, nickname="四回目")
    assert response.status_code == 429
    html = response.content.decode()
    assert "しばらく待って" in html and 'value="四回目"' in html
    # Without a proxy setting a forged header changes nothing.
    assert book(client, event, occurrence, forwarded="198.51.100.1").status_code == 429
    # The same shared address can still book another date, and others this one.
    other, other_occurrence = bookable_event(event.get_parent(), slug="other")
    assert book(client, other, other_occurrence).status_code == 303
    assert book(client, event, occurrence, address="198.51.100.2").status_code == 303


@pytest.mark.parametrize("mode", ["lottery", "waiting"])
def test_the_limit_holds_for_lotteries_and_waiting_lists(client, site_tree, mode):
    if mode == "lottery":
        event, occurrence = bookable_event(site_tree.ward, booking_mode="lottery")
        expected = BookingStatus.LOTTERY
    else:
        event, occurrence = bookable_event(site_tree.ward, capacity=1)
        book(client, event, occurrence, address="198.51.100.99")  # takes the only seat
        expected = BookingStatus.WAITING
    limit = booking_web.RATE_LIMITS["address_occurrence"][0]
    for _ in range(limit):
        assert book(client, event, occurrence).status_code == 303
    assert book(client, event, occurrence).status_code == 429
    assert Booking.objects.filter(status=expected).count() == limit


def test_someone_elses_email_cannot_lock_a_person_out(client, site_tree):
    victim = "hanako@example.jp"
    for n in range(8):
        event, occurrence = bookable_event(site_tree.ward, slug=f"e{n}", start_date=days_ahead(5))
        assert book(client, event, occurrence, email=victim).status_code == 303
    event, occurrence = bookable_event(site_tree.ward, slug="mine")
    assert book(client, event, occurrence, "198.51.100.50", email=victim).status_code == 303


def test_the_per_address_ceiling_counts_across_dates(client, site_tree, settings):
    settings.BOOKING_RATE_LIMITS = {"address": (4, 3600)}
    codes = []
    for n in range(5):
        event, occurrence = bookable_event(site_tree.ward, slug=f"d{n}")
        codes.append(book(client, event, occurrence).status_code)
    assert codes == [303, 303, 303, 303, 429]


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_an_ipv6_line_is_one_address(client, bookable):
    event, occurrence = bookable
    limit = booking_web.RATE_LIMITS["address_occurrence"][0]
    for n in range(limit):
        assert book(client, event, occurrence, "::1", f"2001:db8:5:6::{n + 1}").status_code == 303
    assert book(client, event, occurrence, "::1", "2001:db8:5:6::ff").status_code == 429


def test_the_site_wide_ceiling(client, bookable, settings):
    settings.BOOKING_RATE_LIMITS = {"site": (5, 3600)}
    event, occurrence = bookable
    codes = [book(client, event, occurrence, f"198.51.100.{n}").status_code for n in range(6)]
    assert codes == [303] * 5 + [429]


def test_with_redis_the_counters_take_one_round_trip_and_expire(client, bookable, monkeypatch):
    """With Redis the three counters of a booking are counted in one pipelined round
    trip, each with its window as expiry, and the limits hold exactly as in memory."""
    import socket
    import uuid

    from cms.settings.base import cache_settings

    with socket.socket() as sock:
        if sock.connect_ex(("127.0.0.1", 6379)) != 0:
            redis_missing("no Redis server on 127.0.0.1:6379")
    import redis.client

    caches = cache_settings("redis://127.0.0.1:6379/15")
    prefix = f"test-rate-{uuid.uuid4().hex}"
    caches["default"]["KEY_PREFIX"] = prefix
    executed, single = [], []
    original_execute = redis.client.Pipeline.execute
    original_command = redis.client.Redis.execute_command

    def execute(pipe, *args, **kwargs):
        executed.append(len(pipe.command_stack))
        return original_execute(pipe, *args, **kwargs)

    def command(self, *args, **kwargs):
        if not isinstance(self, redis.client.Pipeline) and len(args) > 1:
            single.append(str(args[1]))
        return original_command(self, *args, **kwargs)

    monkeypatch.setattr(redis.client.Pipeline, "execute", execute)
    monkeypatch.setattr(redis.client.Redis, "execute_command", command)
    event, occurrence = bookable
    limit = booking_web.RATE_LIMITS["address_occurrence"][0]
    with override_settings(CACHES=caches):
        from django.core.cache import cache

        try:
            codes = [book(client, event, occurrence).status_code for _ in range(limit + 1)]
            assert codes == [303] * limit + [429]
            assert executed == [6] * (limit + 1)  # INCR and EXPIRE NX for three counters
            assert not [key for key in single if "-rate:" in key]  # nothing one by one
            server = cache._cache.get_client(None)
            keys = list(server.scan_iter(match=f"{prefix}:*booking-rate*"))
            assert len(keys) == 3
            windows = {window for _n, window in booking_web.RATE_LIMITS.values()}
            for key in keys:
                assert 0 < server.ttl(key) <= max(windows)
        finally:
            server = cache._cache.get_client(None)
            stale = list(server.scan_iter(match=f"{prefix}:*"))
            if stale:
                server.delete(*stale)
    assert Booking.objects.count() == limit
