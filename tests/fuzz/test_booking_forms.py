"""Fuzzing the booking forms over HTTP (the Django test client): registration in every
mode (first come with its waiting list, lottery, appointment slots), changing the number
of people, cancelling, and link recovery.

Properties, after any sequence of such requests on a fresh date:
- no request answers 500 (the client re-raises any exception); a refusal is a 4xx whose
  page says why in Japanese;
- every accepted registration (a 303 to a secret link) is exactly one booking: none lost,
  none made twice, none made by a refused request;
- confirmed people never exceed the capacity (one party per slot), and nobody waits while
  a place they fit in is free;
- what is stored carries no control characters.
"""

import re
from urllib.parse import quote_from_bytes

import pytest
from hypothesis import given
from hypothesis import strategies as st

from events.bookings import lottery
from events.bookings.availability import party_limit
from events.bookings.models import Booking, BookingStatus
from events.bookings.tokens import find_booking
from events.choices import Residence, Who
from events.models import EventPage, Occurrence
from tests.bookings.conftest import bookable_event

from .strategies import CONTROL, KANA, long_text, numberish, text, value

pytestmark = pytest.mark.django_db

FIELDS = {
    "nickname": st.one_of(st.just("匿名"), text),
    "party_size": st.one_of(st.sampled_from(["1", "2", "3"]), numberish),
    "slot": numberish,
    "who": st.one_of(st.sampled_from(["", *Who.values]), text),
    "residence": st.one_of(st.sampled_from(["", *Residence.values]), text),
    "municipality": text,
    "first_time": st.one_of(st.sampled_from(["", "yes", "no"]), text),
    "email": st.one_of(st.just("person@example.jp"), st.emails().map(str), text),
    "wants_reminder": value,
    "needs": st.one_of(text, long_text),
    "audience_confirmed": value,
    "website": st.one_of(st.just(""), st.just(""), text),
}
# What a person sends (text fields with anything in them, which the form cleans) …
person = st.fixed_dictionaries(
    {
        "nickname": st.one_of(st.just("匿名"), text.map(lambda t: t[:40])),
        "party_size": st.sampled_from(["1", "1", "1", "2", "3"]),
        "audience_confirmed": st.just("on"),
        "slot": st.integers(0, 5),  # which of the date's times (taken or not)
    },
    optional={
        "who": st.sampled_from(["", *Who.values]),
        "residence": st.sampled_from(["", *Residence.values]),
        "municipality": text.map(lambda t: t[:40]),
        "first_time": st.sampled_from(["", "yes", "no"]),
        "email": st.sampled_from(["", "person@example.jp", "family@例え.jp"]),
        "needs": text,
    },
)
# … and anything at all in any field (a honeypot left empty, mostly).
anything = st.fixed_dictionaries(
    {"nickname": FIELDS["nickname"], "party_size": FIELDS["party_size"]},
    optional={k: v for k, v in FIELDS.items() if k not in ("nickname", "party_size")},
)

STEPS = {
    "book": lambda: st.tuples(st.just("book"), person),
    "junk": lambda: st.tuples(st.just("book"), anything),
    "change": lambda: st.tuples(
        st.just("change"),
        st.integers(0, 9),
        st.one_of(st.sampled_from(["1", "2", "3"]), numberish),
    ),
    "cancel": lambda: st.tuples(st.just("cancel"), st.integers(0, 9)),
    "draw": lambda: st.tuples(st.just("draw")),
}
# Drawn by kind first, so every kind turns up within a few examples.
step = st.sampled_from(["book", "book", "book", "junk", "change", "cancel", "cancel", "draw"])
actions = st.lists(step.flatmap(lambda kind: STEPS[kind]()), min_size=1, max_size=12)
event_settings = st.fixed_dictionaries(
    {
        "capacity": st.integers(1, 4),
        "max_party_size": st.integers(1, 3),
        "women_only": st.booleans(),
    }
)


def fresh_date(event, occurrence, fields):
    """The date as new, with this example's capacity and rules: its bookings (and their
    mails) gone, no draw, registration open. Cheaper than a new event per example."""
    Booking.objects.filter(occurrence=occurrence).delete()
    Occurrence.objects.filter(pk=occurrence.pk).update(
        lottery_drawn_at=None, lottery_log="", registration_closed=False
    )
    EventPage.objects.filter(pk=event.pk).update(**fields)
    return Occurrence.objects.select_related("event").get(pk=occurrence.pk)


def assert_explained(response):
    """A refusal: 4xx, with a page that says why in Japanese."""
    assert 400 <= response.status_code < 500, response.status_code
    assert KANA.search(response.content.decode()), response.content[:300]


def run_sequence(client, occurrence, steps, mode):
    path = f"{occurrence.event.url}{occurrence.original_date.isoformat()}/"
    tokens, cancelled = [], set()
    for step in steps:
        kind = step[0]
        if kind == "book":
            data = dict(step[1])
            if isinstance(data.get("slot"), int):  # a time as the form lists it
                times = list(occurrence.slots.order_by("start").values_list("pk", flat=True))
                data["slot"] = str(times[data["slot"] % len(times)]) if times else "1"
            response = client.post(path + "book/", data)
            if response.status_code == 303:
                token = re.fullmatch(r"/booking/([^/]+)/\?new=1", response["Location"]).group(1)
                tokens.append(token)
            else:
                assert_explained(response)
        elif kind == "change" and tokens:
            token = tokens[step[1] % len(tokens)]
            response = client.post(f"/booking/{token}/", {"party_size": step[2]})
            if response.status_code == 303:  # the change is made, exactly as asked
                assert find_booking(token).party_size == int(step[2])
            else:
                assert_explained(response)
        elif kind == "cancel" and tokens:
            token = tokens[step[1] % len(tokens)]
            response = client.post(f"/booking/{token}/cancel/")
            assert response.status_code in (200, 303), response.status_code
            if response.status_code == 303:
                cancelled.add(token)
        elif kind == "draw" and mode == "lottery":
            lottery.draw_lottery(occurrence.pk, seed=1)
            assert not Booking.objects.filter(
                occurrence=occurrence, status=BookingStatus.LOTTERY
            ).exists()
        check_invariants(occurrence, tokens, mode)
        # A cancellation stays a cancellation.
        assert all(find_booking(t).status == BookingStatus.CANCELLED for t in cancelled)
    return tokens


def check_invariants(occurrence, tokens, mode):
    bookings = list(Booking.objects.filter(occurrence=occurrence).order_by("created_at", "pk"))
    # Every accepted registration is one booking, and only those are.
    assert len(bookings) == len(tokens)
    found = [find_booking(token) for token in tokens]
    assert all(b is not None and b.occurrence_id == occurrence.pk for b in found)
    assert len({b.pk for b in found}) == len(tokens)
    confirmed = [b for b in bookings if b.status == BookingStatus.CONFIRMED]
    taken = sum(b.party_size for b in confirmed)
    capacity = occurrence.event.capacity
    if mode == "appointment":
        assert all(b.slot_id for b in confirmed)
        assert len({b.slot_id for b in confirmed}) == len(confirmed)  # one party per slot
    else:
        assert taken <= capacity
    waiting = [b for b in bookings if b.status == BookingStatus.WAITING]
    if waiting:  # the first in line does not fit (nobody waits beside a free place)
        assert taken + waiting[0].party_size > capacity
    for booking in bookings:
        assert 1 <= booking.party_size <= party_limit(occurrence)
        for field in ("nickname", "municipality", "email"):
            assert not CONTROL.search(getattr(booking, field)), (field, getattr(booking, field))
        assert "\r" not in booking.nickname and "\n" not in booking.nickname
        assert not CONTROL.search(booking.needs)


@pytest.mark.parametrize("mode", ["first_come", "lottery", "appointment"])
def test_any_sequence_of_bookings_changes_and_cancellations(
    mode, client, site_tree, generous_limits
):
    extra = {"slot_minutes": 30, "slot_break_minutes": 0} if mode == "appointment" else {}

    event, occurrence = bookable_event(site_tree.ward, booking_mode=mode, **extra)

    @given(steps=actions, fields=event_settings)
    def sequence(steps, fields):
        fresh = fresh_date(event, occurrence, fields)
        tokens = run_sequence(client, fresh, steps, mode)
        for token in tokens:  # each secret link shows where the booking stands
            assert client.get(f"/booking/{token}/").status_code == 200
            ics = client.get(f"/booking/{token}/calendar.ics")
            assert ics.status_code == 200 and ics.content.startswith(b"BEGIN:VCALENDAR")

    sequence()


@given(email=st.one_of(st.emails().map(str), text, long_text), address=st.integers(1, 250))
def test_link_recovery_takes_any_input(client, site_tree, email, address):
    """「予約を確認する」: a valid address is taken (or limited, 429), anything else gets a
    400 that says what to fix; never a 500."""
    response = client.post("/booking/", {"email": email}, REMOTE_ADDR=f"198.51.100.{address}")
    assert response.status_code in (200, 400, 429), response.status_code
    assert KANA.search(response.content.decode())


@given(token=text, suffix=st.sampled_from(["", "cancel/", "calendar.ics"]))
def test_a_made_up_booking_link_is_a_plain_404(client, site_tree, token, suffix):
    from urllib.parse import quote

    path = f"/booking/{quote(token, safe='')}/{suffix}" if token.strip("/") else "/booking/x/"
    for method in (client.get, client.post):
        response = method(path)
        assert response.status_code in (301, 404), (path, response.status_code)


ADDRESS = st.one_of(
    st.ip_addresses().map(str),
    st.ip_addresses(v=6).map(lambda a: f"[{a}]:443"),
    st.sampled_from(["unknown", "", " ", "1.2.3.4:", "[::1", "fe80::1%eth0", "::ffff:1.2.3.4"]),
    text,
)


def test_any_forwarded_for_header(client, site_tree, settings, generous_limits):
    """The client's address behind the proxies (rate limits, login lock-out) comes from a
    header anyone can write: whatever it holds, the registration goes through."""
    settings.TRUSTED_PROXY_COUNT = 2
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8", "2001:db8::/32"]
    _, occurrence = bookable_event(site_tree.ward, capacity=1)
    path = f"{occurrence.event.url}{occurrence.original_date.isoformat()}/book/"
    accepted = 0

    @given(chain=st.lists(ADDRESS, max_size=4), remote=st.sampled_from(["10.0.0.5", "::1"]))
    def register(chain, remote):
        nonlocal accepted
        response = client.post(
            path,
            {"nickname": "匿名", "party_size": "1"},
            REMOTE_ADDR=remote,
            HTTP_X_FORWARDED_FOR=", ".join(chain),
        )
        assert response.status_code == 303, response.status_code
        accepted += 1

    register()
    assert Booking.objects.filter(occurrence=occurrence).count() == accepted


RAW_BODY = st.one_of(
    st.binary(max_size=200),
    st.lists(
        st.tuples(st.sampled_from([*FIELDS, "csrfmiddlewaretoken"]), st.binary(max_size=12)),
        max_size=8,
    ).map(
        lambda pairs: b"&".join(k.encode() + b"=" + quote_from_bytes(v).encode() for k, v in pairs)
    ),
)


def test_raw_form_bodies(client, site_tree, generous_limits):
    """What a broken client or a script posts: bytes that are no form, escapes that are
    not UTF-8, repeated fields. The booking, change and recovery forms answer with a page,
    never a 500, and take a booking only from a form that is valid."""
    _, occurrence = bookable_event(site_tree.ward, capacity=2)
    path = f"{occurrence.event.url}{occurrence.original_date.isoformat()}/"
    booked = client.post(path + "book/", {"nickname": "匿名", "party_size": "1"})
    token = re.fullmatch(r"/booking/([^/]+)/\?new=1", booked["Location"]).group(1)
    accepted = 1

    @given(body=RAW_BODY, target=st.sampled_from(["book", "manage", "recover"]))
    def post(body, target):
        nonlocal accepted
        url = {"book": path + "book/", "manage": f"/booking/{token}/", "recover": "/booking/"}
        response = client.generic(
            "POST", url[target], body, content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code in (200, 303, 400, 409, 429), response.status_code
        if response.status_code >= 400:
            assert_explained(response)
        if target == "book" and response.status_code == 303:
            accepted += 1

    post()
    assert Booking.objects.filter(occurrence=occurrence).count() == accepted


def test_a_forged_csrf_token_books_nothing(site_tree):
    """A token that is not the one the form gave with this browser's cookie (missing,
    made up, the wrong length) is refused with a Japanese page, and no booking is made."""
    from django.test import Client

    _, occurrence = bookable_event(site_tree.ward)
    path = f"{occurrence.event.url}{occurrence.original_date.isoformat()}/book/"
    browser = Client(enforce_csrf_checks=True)
    browser.cookies["csrftoken"] = "k" * 32  # the browser's secret; the forger cannot read it

    @given(token=st.one_of(st.just(""), text, st.text("abcdefABCDEF0123456789", min_size=32)))
    def post(token):
        data = {"nickname": "匿名", "party_size": "1", "csrfmiddlewaretoken": token}
        assert_explained(browser.post(path, data))

    post()
    assert not Booking.objects.filter(occurrence=occurrence).exists()
