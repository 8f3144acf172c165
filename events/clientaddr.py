"""The client's address, as the trusted reverse proxies in front of the site saw it.

Behind a TLS proxy every request comes from the proxy's address, so ``REMOTE_ADDR`` alone
would make every visitor one client. The proxy appends the address it saw to
``X-Forwarded-For``; a client can put anything in front of that, so the header is read from
the right and only as far as the configured proxies reach:

``TRUSTED_PROXIES``
    addresses or networks of our own proxies (``["127.0.0.1", "10.0.0.0/8"]``). Hops are
    followed while the address that sent the request is one of them. The safest setting:
    a client that reaches the app server directly is never believed.
``TRUSTED_PROXY_COUNT``
    the number of proxies in front of the app server (1 for one nginx). Only safe when the
    app server cannot be reached except through them (bound to 127.0.0.1 or a socket).

With neither set (the default) the header is ignored and ``REMOTE_ADDR`` is the client.
With both, a hop must be a trusted address and there are at most ``TRUSTED_PROXY_COUNT``.
Used by the booking rate limits and, through ``AXES_CLIENT_IP_CALLABLE``, by the login
lock-out; see docs/deployment.md.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

FORWARDED_HEADER = "HTTP_X_FORWARDED_FOR"


def parse_address(value):
    """An ``ipaddress`` object from one header or socket value, or None. Accepts the
    forms proxies write: ``192.0.2.1``, ``192.0.2.1:5678``, ``[2001:db8::1]:443``,
    ``2001:db8::1``; an IPv4-mapped IPv6 address becomes the IPv4 address."""
    value = (value or "").strip().strip('"')
    if not value:
        return None
    if value.startswith("["):  # [v6] or [v6]:port
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value.split("%", 1)[0])
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


@lru_cache(maxsize=8)
def _networks(entries):
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)


def trusted_networks():
    entries = getattr(settings, "TRUSTED_PROXIES", ()) or ()
    if isinstance(entries, str):
        entries = entries.split(",")
    return _networks(tuple(entry for entry in entries if entry.strip()))


def client_ip(request):
    """The client's address as an ``ipaddress`` object (None when the socket gave none)."""
    remote = parse_address(request.META.get("REMOTE_ADDR"))
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    networks = trusted_networks()
    if remote is None or (count <= 0 and not networks):
        return remote
    header = getattr(settings, "TRUSTED_PROXY_HEADER", FORWARDED_HEADER)
    chain = [part for part in request.META.get(header, "").split(",") if part.strip()]
    address, hops = remote, 0
    while chain:
        if networks and not any(address in network for network in networks):
            break  # the sender is not one of our proxies: what it forwarded is hearsay
        if count > 0 and hops >= count:
            break
        forwarded = parse_address(chain.pop())
        if forwarded is None:
            break  # a proxy of ours never writes garbage; stop at the last good address
        address, hops = forwarded, hops + 1
    return address


def client_address(request):
    """The client's address as a string ("" when unknown). The ``AXES_CLIENT_IP_CALLABLE``."""
    address = client_ip(request)
    return str(address) if address is not None else ""


def address_group(request):
    """The unit a rate limit counts: the IPv4 address, or the IPv6 /64 (one subscriber's
    prefix: a phone may change its address inside it at will)."""
    address = client_ip(request)
    if address is None:
        return ""
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)
