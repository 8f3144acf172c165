"""The client's address comes from the trusted proxies only, never from a header a client
can set when no proxy is configured."""

from django.test import RequestFactory, override_settings

import pytest

from events.clientaddr import address_group, client_address

rf = RequestFactory()


def request(remote="203.0.113.9", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return rf.get("/", **extra)


def test_without_a_proxy_setting_the_header_is_ignored():
    assert client_address(request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_one_proxy_takes_the_address_it_appended():
    # The client wrote "1.1.1.1" itself; nginx appended what it saw.
    assert client_address(request("127.0.0.1", "1.1.1.1, 198.51.100.7")) == "198.51.100.7"
    # Reached without the header (a health check from the proxy host): the socket address.
    assert client_address(request("127.0.0.1")) == "127.0.0.1"


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_two_proxies_walk_two_hops():
    chain = "6.6.6.6, 198.51.100.7, 10.0.0.5"
    assert client_address(request("10.0.0.4", chain)) == "198.51.100.7"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8", "127.0.0.1"])
def test_trusted_networks_follow_hops_only_from_our_proxies():
    assert client_address(request("10.0.0.4", "198.51.100.7, 10.0.0.5")) == "198.51.100.7"
    # A client that reached the app server directly is not believed.
    assert client_address(request("203.0.113.9", "10.0.0.1")) == "203.0.113.9"
    # A spoofed chain to the left of the first untrusted hop stops there.
    assert client_address(request("127.0.0.1", "10.0.0.2, 198.51.100.7")) == "198.51.100.7"


@override_settings(TRUSTED_PROXIES="127.0.0.1", TRUSTED_PROXY_COUNT=1)
def test_both_settings_need_a_trusted_hop_and_at_most_the_count():
    assert client_address(request("127.0.0.1", "198.51.100.1, 127.0.0.1")) == "127.0.0.1"
    assert client_address(request("192.0.2.1", "198.51.100.1")) == "192.0.2.1"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("198.51.100.7:5678", "198.51.100.7"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("2001:db8::1", "2001:db8::1"),
        ("::ffff:198.51.100.7", "198.51.100.7"),
        ("unknown", "127.0.0.1"),  # garbage: stay with the last address we trust
        ("", "127.0.0.1"),
        (" , ", "127.0.0.1"),
        ("<script>", "127.0.0.1"),
    ],
)
@override_settings(TRUSTED_PROXY_COUNT=1)
def test_forms_proxies_write_and_garbage(header, expected):
    assert client_address(request("127.0.0.1", header)) == expected


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_rate_limits_count_an_ipv6_subscriber_prefix_as_one():
    one = address_group(request("127.0.0.1", "2001:db8:1:2::a"))
    other_device_same_line = address_group(request("127.0.0.1", "2001:db8:1:2:ffff::1"))
    neighbour = address_group(request("127.0.0.1", "2001:db8:1:3::a"))
    assert one == other_device_same_line == "2001:db8:1:2::/64"
    assert neighbour != one
    assert address_group(request("127.0.0.1", "198.51.100.7")) == "198.51.100.7"
