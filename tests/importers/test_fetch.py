"""Fetching partner calendars from a local HTTP server (127.0.0.1, random port): what is
fetched, what is refused before any connection is made, and the limits on time and size."""

import gzip
import ipaddress
import socket

import pytest

from events.importers.fetch import FeedError, FetchConfig, fetch, is_public

ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nEND:VCALENDAR\r\n"
LOCAL = FetchConfig(allowed=(ipaddress.ip_network("127.0.0.1/32"),))


@pytest.fixture
def connections(monkeypatch):
    """Every address a connection is opened to."""
    opened = []
    original = socket.create_connection

    def create_connection(address, *args, **kwargs):
        opened.append(address[0])
        return original(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", create_connection)
    return opened


def test_a_calendar_is_fetched_with_a_neutral_user_agent(feed_server):
    url = feed_server.route("/feed.ics", body=ICS, headers={"ETag": '"v1"'})
    result = fetch(url, config=LOCAL)
    assert result.body == ICS and result.etag == '"v1"' and not result.not_modified
    ((_path, headers),) = feed_server.requests
    assert headers["User-Agent"] == "ibasho-calendar-import/1.0"
    assert headers["Host"] == f"127.0.0.1:{feed_server.port}"


def test_loopback_is_refused_unless_allowed(feed_server, connections, settings):
    url = feed_server.route("/feed.ics", body=ICS)
    settings.PARTNER_FEED_ALLOWED_ADDRESSES = []
    for address in (url, url.replace("127.0.0.1", "localhost")):
        with pytest.raises(FeedError) as caught:
            fetch(address)
        assert caught.value.code == "address"
    assert connections == [] and feed_server.requests == []
    settings.PARTNER_FEED_ALLOWED_ADDRESSES = ["127.0.0.1"]
    assert fetch(url.replace("127.0.0.1", "localhost")).body == ICS
    assert connections == ["127.0.0.1"]


def test_redirects_are_followed_three_times_and_each_hop_checked(feed_server):
    feed_server.route("/feed.ics", body=ICS)
    feed_server.route("/c", status=302, headers={"Location": "/feed.ics"})
    feed_server.route("/b", status=307, headers={"Location": feed_server.url("/c")})
    feed_server.route("/a", status=301, headers={"Location": "/b"})
    result = fetch(feed_server.url("/a"), config=LOCAL)
    assert result.body == ICS and result.url == feed_server.url("/feed.ics")
    assert [hop[1] for hop in result.hops] == ["127.0.0.1"] * 4
    feed_server.route("/z", status=302, headers={"Location": "/a"})
    with pytest.raises(FeedError) as caught:
        fetch(feed_server.url("/z"), config=LOCAL)
    assert caught.value.code == "redirects"


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/calendar.ics",
        "http://[::1]:8080/calendar.ics",
        "http://[::ffff:192.168.1.1]/calendar.ics",
        "http://0.0.0.0/",
        "file:///etc/passwd",
        "gopher://127.0.0.1/",
    ],
)
def test_a_redirect_inside_is_refused_without_connecting(feed_server, connections, target):
    url = feed_server.route("/moved", status=302, headers={"Location": target})
    with pytest.raises(FeedError) as caught:
        fetch(url, config=LOCAL)
    assert caught.value.code in {"address", "scheme"}
    assert connections == ["127.0.0.1"]  # only the partner's own server


def test_the_checked_address_is_the_one_connected_to(feed_server, connections, monkeypatch):
    """DNS rebinding: a name that first resolves to an allowed address and then to another
    is looked up once per hop, and the connection goes to the address that was checked."""
    url = feed_server.route("/feed.ics", body=ICS)
    lookups = []
    original = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host == "calendar.partner.test":
            lookups.append(host)
            address = "127.0.0.1" if len(lookups) == 1 else "10.0.0.1"
            return original(address, port, *args, **kwargs)
        return original(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    result = fetch(url.replace("127.0.0.1", "calendar.partner.test"), config=LOCAL)
    assert result.body == ICS
    assert lookups == ["calendar.partner.test"]
    assert connections == ["127.0.0.1"]
    assert feed_server.requests[0][1]["Host"] == f"calendar.partner.test:{feed_server.port}"


def test_conditional_get_answers_not_modified(feed_server):
    def answer(request):
        if request.headers.get("If-None-Match") == '"v1"':
            return 304, b""
        return 200, ICS

    url = feed_server.route("/feed.ics", body=answer, headers={"ETag": '"v1"'})
    first = fetch(url, config=LOCAL)
    second = fetch(
        url, etag=first.etag, last_modified="Sun, 01 Nov 2026 00:00:00 GMT", config=LOCAL
    )
    assert second.not_modified and second.body == b""
    headers = feed_server.requests[1][1]
    assert headers["If-None-Match"] == '"v1"'
    assert headers["If-Modified-Since"] == "Sun, 01 Nov 2026 00:00:00 GMT"


def test_a_slow_server_is_given_up(feed_server):
    url = feed_server.route("/slow", body=ICS, before=3)
    config = FetchConfig(allowed=LOCAL.allowed, read_seconds=0.5)
    with pytest.raises(FeedError) as caught:
        fetch(url, config=config)
    assert caught.value.code == "timeout"


def test_a_server_that_drips_bytes_is_given_up(feed_server):
    url = feed_server.route("/drip", chunks=[b"BEGIN:VCALENDAR\r\n"] * 50, delay=0.2)
    config = FetchConfig(allowed=LOCAL.allowed, read_seconds=1, total_seconds=1)
    with pytest.raises(FeedError) as caught:
        fetch(url, config=config)
    assert caught.value.code == "timeout"


def test_the_size_cap_is_enforced_while_reading(feed_server):
    chunk = b"X" * (256 * 1024)
    declared = feed_server.route("/declared", body=chunk * 24)  # 6 MB, with Content-Length
    streamed = feed_server.route("/streamed", chunks=[chunk] * 40)  # 10 MB, no length
    for url in (declared, streamed):
        with pytest.raises(FeedError) as caught:
            fetch(url, config=LOCAL)
        assert caught.value.code == "size"
        assert "5 MB" in caught.value.reason


def test_compressed_answers_are_decoded_and_capped_by_their_decoded_size(feed_server):
    url = feed_server.route("/gz", body=gzip.compress(ICS), headers={"Content-Encoding": "gzip"})
    assert fetch(url, config=LOCAL).body == ICS
    bomb = gzip.compress(b"A" * (6 * 1024 * 1024))  # 6 MB in a few kilobytes
    url = feed_server.route("/bomb", body=bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(FeedError) as caught:
        fetch(url, config=LOCAL)
    assert caught.value.code == "size"


@pytest.mark.parametrize(
    ("status", "words"),
    [(404, "見つかりません"), (403, "公開されていません"), (503, "問題が起きています")],
)
def test_http_errors_are_explained(feed_server, status, words):
    url = feed_server.route("/err", status=status, body=b"no")
    with pytest.raises(FeedError) as caught:
        fetch(url, config=LOCAL)
    assert words in caught.value.reason and str(status) in caught.value.reason


def test_an_unknown_host_is_explained(monkeypatch):
    def getaddrinfo(*args, **kwargs):
        raise socket.gaierror("no such name")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with pytest.raises(FeedError) as caught:
        fetch("https://calendar.invalid/feed.ics")
    assert caught.value.code == "dns" and "calendar.invalid" in caught.value.reason


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:4700:4700::1111", True),
        ("127.0.0.1", False),
        ("10.0.0.1", False),
        ("172.16.5.4", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),  # noqa: S104 - an address to refuse, not to bind
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("ff02::1", False),
        ("::ffff:127.0.0.1", False),
        ("64:ff9b::a00:1", False),  # NAT64 of 10.0.0.1
        ("2002:a00:1::", False),  # 6to4 of 10.0.0.1
    ],
)
def test_which_addresses_are_public(address, public):
    assert is_public(ipaddress.ip_address(address)) is public
