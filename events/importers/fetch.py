"""Fetching a partner's calendar from the internet without letting the internet reach
inside: http/https only, at most a few redirects (each hop checked), every address checked
after DNS resolution and the connection made to that checked address (so a DNS answer
cannot change between the check and the connection), time limits, a size cap enforced
while reading, and conditional GET (ETag / Last-Modified).

Addresses that are not public (loopback, private, link-local, reserved, multicast, …) are
refused unless listed in ``PARTNER_FEED_ALLOWED_ADDRESSES`` (addresses or networks).
"""

import ipaddress
import socket
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin

from django.conf import settings
from django.utils.translation import gettext as _

import httpx

REDIRECTS = {301, 302, 303, 307, 308}
# NAT64 (RFC 6052): the last 32 bits are an IPv4 address, which is what gets reached.
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class FeedError(Exception):
    """Fetching failed; ``reason`` says why in plain words, ``code`` for tests and logs."""

    def __init__(self, reason, code):
        super().__init__(reason)
        self.reason = str(reason)
        self.code = code


@dataclass(frozen=True)
class FetchConfig:
    allowed: tuple = ()
    max_bytes: int = 5 * 1024 * 1024
    connect_seconds: float = 5.0
    read_seconds: float = 15.0
    total_seconds: float = 60.0
    max_redirects: int = 3
    user_agent: str = "ibasho-calendar-import/1.0"

    @classmethod
    def from_settings(cls):
        allowed = tuple(
            ipaddress.ip_network(value.strip(), strict=False)
            for value in getattr(settings, "PARTNER_FEED_ALLOWED_ADDRESSES", ())
            if value.strip()
        )
        return cls(
            allowed=allowed,
            max_bytes=getattr(settings, "PARTNER_FEED_MAX_BYTES", cls.max_bytes),
            connect_seconds=getattr(settings, "PARTNER_FEED_CONNECT_TIMEOUT", cls.connect_seconds),
            read_seconds=getattr(settings, "PARTNER_FEED_READ_TIMEOUT", cls.read_seconds),
            total_seconds=getattr(settings, "PARTNER_FEED_TOTAL_TIMEOUT", cls.total_seconds),
        )


@dataclass
class FetchResult:
    not_modified: bool
    body: bytes = b""
    etag: str = ""
    last_modified: str = ""
    url: str = ""  # where the calendar was found, after redirects
    hops: list = field(default_factory=list)  # (url, address) of each request made


def fetch(url, etag="", last_modified="", config=None) -> FetchResult:
    """GET ``url``. Raises ``FeedError``; a 304 gives ``not_modified=True``."""
    config = config or FetchConfig.from_settings()
    deadline = time.monotonic() + config.total_seconds
    headers = {
        "User-Agent": config.user_agent,
        "Accept": "text/calendar, text/plain;q=0.5, */*;q=0.1",
        "Accept-Encoding": "gzip, deflate",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    timeout = httpx.Timeout(config.read_seconds, connect=config.connect_seconds)
    hops = []
    # trust_env=False: no proxy from the environment, which would connect on our behalf
    # to addresses we have not checked.
    with httpx.Client(trust_env=False, follow_redirects=False, timeout=timeout) as client:
        current = url
        for _hop in range(config.max_redirects + 1):
            target, host, address = _checked(current, config)
            hops.append((current, address))
            request = client.build_request(
                "GET",
                target,
                headers={**headers, "Host": host},
                extensions={"sni_hostname": httpx.URL(current).host},
            )
            response = _send(client, request, config)
            try:
                if response.status_code in REDIRECTS:
                    location = response.headers.get("Location", "").strip()
                    if not location:
                        raise FeedError(_("The server sent a redirect without an address."), "http")
                    current = urljoin(current, location)
                    continue
                if response.status_code == 304:
                    return FetchResult(
                        True, etag=etag, last_modified=last_modified, url=current, hops=hops
                    )
                if response.status_code != 200:
                    raise FeedError(_status_reason(response.status_code), "http")
                body = _read_capped(response, config, deadline)
                return FetchResult(
                    False,
                    body=body,
                    etag=response.headers.get("ETag", "")[:200],
                    last_modified=response.headers.get("Last-Modified", "")[:100],
                    url=current,
                    hops=hops,
                )
            finally:
                response.close()
    raise FeedError(
        _("Too many redirects (more than %(count)d).") % {"count": config.max_redirects},
        "redirects",
    )


def _checked(url, config):
    """``(url with the checked address as host, Host header, address)`` or FeedError."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        raise FeedError(_("The calendar's address is not a valid URL."), "url") from None
    if parsed.scheme not in {"http", "https"}:
        raise FeedError(_("Only http:// and https:// addresses can be imported."), "scheme")
    if not parsed.raw_host:
        raise FeedError(_("The calendar's address is not a valid URL."), "url")
    hostname = parsed.raw_host.decode("ascii")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    permitted = [address for address in _resolve(hostname, port) if _allowed(address, config)]
    if not permitted:
        raise FeedError(
            _("The address %(host)s is inside a private network; it is not fetched.")
            % {"host": hostname},
            "address",
        )
    address = permitted[0]
    host_header = hostname if parsed.port is None else f"{hostname}:{parsed.port}"
    return parsed.copy_with(host=str(address)), host_header, str(address)


def _resolve(hostname, port):
    try:
        infos = socket.getaddrinfo(hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FeedError(
            _("The server name %(host)s was not found.") % {"host": hostname}, "dns"
        ) from None
    addresses = []
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def _allowed(address, config):
    if any(address in network for network in config.allowed):
        return True
    return is_public(address)


def is_public(address) -> bool:
    """A globally reachable unicast address (also what IPv6 wrappers of IPv4 reach)."""
    if address.version == 6:
        embedded = address.ipv4_mapped or address.sixtofour
        if address.teredo:
            embedded = address.teredo[1]
        if address in NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None and not is_public(embedded):
            return False
    return address.is_global and not (
        address.is_multicast
        or address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_unspecified
    )


def _send(client, request, config):
    try:
        return client.send(request, stream=True)
    except httpx.ConnectTimeout:
        raise FeedError(
            _("The server did not answer within %(seconds)d seconds.")
            % {"seconds": config.connect_seconds},
            "timeout",
        ) from None
    except httpx.TimeoutException:
        raise FeedError(
            _("The server answered too slowly, so the download stopped."), "timeout"
        ) from None
    except httpx.ConnectError as error:
        if "CERTIFICATE" in str(error).upper() or "SSL" in str(error).upper():
            raise FeedError(
                _("The server's secure connection (certificate) could not be verified."), "tls"
            ) from None
        raise FeedError(_("Could not connect to the server."), "connect") from None
    except httpx.HTTPError:
        raise FeedError(_("The connection to the server failed."), "connect") from None


def _read_capped(response, config, deadline):
    too_big = FeedError(
        _("The calendar is larger than %(size)d MB, so it was not imported.")
        % {"size": max(1, config.max_bytes // (1024 * 1024))},
        "size",
    )
    length = response.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > config.max_bytes:
        raise too_big
    chunks, total = [], 0
    try:
        for chunk in response.iter_bytes():
            total += len(chunk)
            if total > config.max_bytes:
                raise too_big
            if time.monotonic() > deadline:
                raise FeedError(_("The download took too long, so it was stopped."), "timeout")
            chunks.append(chunk)
    except httpx.TimeoutException:
        raise FeedError(
            _("The server answered too slowly, so the download stopped."), "timeout"
        ) from None
    except httpx.HTTPError:
        raise FeedError(_("The download was interrupted."), "connect") from None
    return b"".join(chunks)


def _status_reason(status):
    if status == 404 or status == 410:
        return _("The calendar was not found at this address (HTTP %(status)d).") % {
            "status": status
        }
    if status in {401, 403}:
        return _(
            "The calendar is not public (HTTP %(status)d). Check that the address is the "
            "public one."
        ) % {"status": status}
    if status >= 500:
        return _("The partner's server has a problem (HTTP %(status)d).") % {"status": status}
    return _("The server gave an unexpected answer (HTTP %(status)d).") % {"status": status}
