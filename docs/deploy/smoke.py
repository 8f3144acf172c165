"""The production smoke client: what a visitor does, through a pretend TLS proxy.

Every request carries the headers our nginx sets (``X-Forwarded-Proto: https`` and
``X-Forwarded-For``), the app trusts one proxy (``TRUSTED_PROXY_COUNT=1``). Standard
library only. Usage::

    python smoke.py full BASE_URL BOOKING_PAGE RENDITION ACCESS_LOG
    python smoke.py redis-down BASE_URL BOOKING_PAGE MANAGE_PATH
    python smoke.py database-down BASE_URL PHONE

Prints one line per check and ends with "N passed, M failed"; exits non-zero on a failure.
"""

import json
import re
import sys
import time

import proxyclient  # beside this file

CLIENT = "198.51.100.23"  # the visitor's address, as the proxy reports it
results = []


def visitor(base):
    """A visitor behind the pretend proxy."""
    return proxyclient.Browser(base, forwarded_for=CLIENT, user_agent="ibasho-smoke")


def check(name, condition, detail=""):
    results.append(bool(condition))
    print(f"{'ok  ' if condition else 'FAIL'} {name}{'' if condition else f'  ({detail})'}")
    return condition


def read_access_log(path, expected, wait=5.0):
    """The access log once it holds ``expected``: gunicorn writes a request's line after
    the response has gone, so the last request may not be there yet."""
    deadline = time.monotonic() + wait
    while True:
        with open(path, encoding="utf-8", errors="replace") as handle:
            log = handle.read()
        if expected in log or time.monotonic() > deadline:
            return log
        time.sleep(0.1)


def book(browser, page):
    form_page = browser.get(page)
    check(f"booking page {page}", form_page.status == 200, form_page.status)
    action = re.search(r'<form[^>]+action="([^"]*/book/)"', form_page.text)
    token = proxyclient.CSRF_FIELD.search(form_page.text)
    if not check("booking form with a CSRF token", action and token):
        return None
    response = browser.post(
        action.group(1),
        {
            "csrfmiddlewaretoken": token.group(1),
            "nickname": "スモーク",
            "party_size": "1",
            "audience_confirmed": "on",  # for meetings with an audience rule
        },
    )
    location = response.header("Location")
    check("booking POST answers 303 to the secret link", response.status == 303, response.status)
    match = re.match(r"^/booking/([^/]+)/\?new=1$", location)
    return match and (location, match.group(1))


def full(base, booking_page, rendition, access_log):
    browser = visitor(base)
    home = browser.get("/")
    check("home page", home.status == 200, home.status)
    csp = home.header("Content-Security-Policy")
    check("CSP without inline script", "script-src 'self';" in csp + ";", csp)
    check("Referrer-Policy", home.header("Referrer-Policy") == "same-origin")
    check("X-Content-Type-Options", home.header("X-Content-Type-Options") == "nosniff")
    check("HSTS", "max-age=" in home.header("Strict-Transport-Security"))
    check("Permissions-Policy", "geolocation=()" in home.header("Permissions-Policy"))
    plain = visitor(base)
    redirect = plain.request("GET", "/events/", headers={"X-Forwarded-Proto": "http"})
    check("plain HTTP is redirected to HTTPS", redirect.status == 301, redirect.status)
    events = browser.get("/events/")
    check("/events/", events.status == 200 and "<main" in events.text, events.status)
    feed = browser.get("/events/calendar.ics")
    check("feed", feed.status == 200 and feed.body.startswith(b"BEGIN:VCALENDAR"), feed.status)
    etag = feed.header("ETag")
    again = browser.get("/events/calendar.ics", **{"If-None-Match": etag})
    check("feed answers 304 to its ETag", again.status == 304, again.status)
    booked = book(browser, booking_page)
    if check("booking made", booked):
        location, token = booked
        manage = browser.get(location)
        check("secret link page", manage.status == 200, manage.status)
        check("secret link not cached", "no-store" in manage.header("Cache-Control"))
        log = read_access_log(access_log, "/booking/")
        check("access log has booking paths", "/booking/" in log)
        check("access log without the booking token", token not in log)
        print(f"MANAGE_PATH={location}")
    image = browser.get(rendition)
    check("uploaded image rendition", image.status == 200, image.status)
    check("image is an image", image.header("Content-Type").startswith("image/"))
    evil = browser.get("//evil.example/")
    check("//evil.example/ gives a 404", evil.status == 404, evil.status)
    check("…with no link to another host", "evil.example" not in evil.text)
    health = browser.get("/health/")
    body = json.loads(health.body or b"{}")
    check("health ok", health.status == 200 and body.get("status") == "ok", health.text[:200])


def redis_down(base, booking_page, manage_path):
    browser = visitor(base)
    events = browser.get("/events/")
    check("Redis down: /events/", events.status == 200, events.status)
    manage = browser.get(manage_path)
    check("Redis down: the secret link page", manage.status == 200, manage.status)
    check("Redis down: a booking", book(browser, booking_page))
    feed = browser.get("/events/calendar.ics")
    check("Redis down: feed", feed.status == 200, feed.status)
    health = browser.get("/health/")
    body = json.loads(health.body or b"{}")
    check(
        "Redis down: /health/ 503 naming the cache",
        health.status == 503 and body.get("degraded") == ["cache"],
        health.text[:200],
    )
    check("Redis down: database still fine", browser.get("/health/?checks=database").status == 200)


def database_down(base, phone):
    browser = visitor(base)
    for path in ("/", "/events/"):
        page = browser.get(path)
        check(f"database down: {path} answers 503", page.status == 503, page.status)
        check(f"database down: {path} gives the desk's phone", phone in page.text)


if __name__ == "__main__":
    mode, *arguments = sys.argv[1:]
    {"full": full, "redis-down": redis_down, "database-down": database_down}[mode](*arguments)
    passed, failed = results.count(True), results.count(False)
    print(f"smoke: {passed} passed, {failed} failed")
    sys.exit(1 if failed or not passed else 0)
