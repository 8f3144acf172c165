"""The checks of docs/deploy/stack.sh: a visitor through nginx (real TLS, the throwaway
certificate as the only authority), the worker's mail, the scheduler's jobs, and a
restored backup. Standard library only. Usage::

    python stack_client.py web HTTPS_BASE HTTP_BASE CAFILE BOOKING_PAGE RENDITION APP_LOG
    python stack_client.py mail MAIL_DIR TOKEN ADDRESS
    python stack_client.py state STATE_JSON           # after the booking's mail went out
    python stack_client.py during HTTPS_BASE CAFILE SECONDS COMMAND…  # e.g. a reload
    python stack_client.py same STATE_JSON RESTORED_STATE_JSON

Prints one line per check and "N passed, M failed"; exits non-zero on a failure.
``web`` prints TOKEN=… (the booking's secret) and ADDRESS=… (its e-mail address).
"""

import email
import email.header
import glob
import json
import re
import secrets
import subprocess
import sys
import threading
import time

import proxyclient  # beside this file
from smoke import check, results  # the smoke client's checks

SPOOFED = ("203.0.113.7", "203.0.113.8", "203.0.113.9")  # what a client may claim


class Browser(proxyclient.Browser):
    """A browser at the proxy: HTTPS verified against the test certificate only."""

    def __init__(self, base, cafile=None):
        super().__init__(base, cafile=cafile, user_agent="ibasho-stack")

    def book(self, page, address="", forwarded_for=None):
        """Fill in and send the booking form at ``page``: the response to the POST."""
        form = self.get(page)
        action = re.search(r'<form[^>]+action="([^"]*/book/)"', form.text)
        token = proxyclient.CSRF_FIELD.search(form.text)
        if not check(f"booking form on {page}", form.status == 200 and action and token):
            return None
        data = {
            "csrfmiddlewaretoken": token.group(1),
            "nickname": "スタック",
            "party_size": "1",
            "email": address,
            "audience_confirmed": "on",
        }
        headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else None
        return self.post(action.group(1), data, headers)


def not_in_app_log(path, app_log, what):
    with open(app_log, encoding="utf-8", errors="replace") as handle:
        check(f"{what} served by nginx (not in gunicorn's log)", path not in handle.read())


def web(https_base, http_base, cafile, booking_page, rendition, app_log):
    browser = Browser(https_base, cafile)
    plain = Browser(http_base).get("/events/")
    check(
        "http:// is redirected to https://",
        plain.status == 301 and plain.header("Location").startswith("https://"),
        f"{plain.status} {plain.header('Location')}",
    )
    home = browser.get("/")
    check("home page over TLS", home.status == 200, home.status)
    check("HSTS", "max-age=" in home.header("Strict-Transport-Security"))
    events = browser.get("/events/")
    check("/events/", events.status == 200 and "<main" in events.text, events.status)
    event_page = booking_page.rstrip("/").rsplit("/", 1)[0] + "/"
    page = browser.get(event_page)
    check(f"event page {event_page}", page.status == 200, page.status)

    feed = browser.get("/events/calendar.ics", **{"Accept-Encoding": "gzip"})
    etag = feed.header("ETag")
    check("feed", feed.status == 200 and etag, f"{feed.status} {etag!r}")
    check("feed's Cache-Control passed through", "max-age=" in feed.header("Cache-Control"))
    again = browser.get(
        "/events/calendar.ics", **{"If-None-Match": etag, "Accept-Encoding": "gzip"}
    )
    check("feed answers 304 to its ETag through nginx", again.status == 304, again.status)
    check("…with an empty body", again.body == b"", len(again.body))

    static = re.search(r'(/static/[^"\']+\.[0-9a-f]{12}\.css)', home.text)
    if check("a hashed static file in the home page", static):
        path = static.group(1)
        css = browser.get(path, **{"Accept-Encoding": "gzip"})
        check(f"static {path}", css.status == 200, css.status)
        check(
            "static: cached for a year, immutable",
            css.header("Cache-Control") == "public, max-age=31536000, immutable",
            css.header("Cache-Control"),
        )
        check("static: the precompressed .gz", css.header("Content-Encoding") == "gzip")
        not_in_app_log(path, app_log, "static file")

    image = browser.get(rendition)
    check(f"media {rendition}", image.status == 200, image.status)
    check("media is an image", image.header("Content-Type").startswith("image/"))
    check("media is sandboxed", "sandbox" in image.header("Content-Security-Policy"))
    not_in_app_log(rendition, app_log, "media file")
    hidden = browser.get("/media/documents/anything.pdf")
    check("/media/documents/ is not served", hidden.status == 404, hidden.status)

    address = f"stack-{secrets.token_hex(4)}@example.jp"
    booked = browser.book(booking_page, address)
    location = booked.header("Location") if booked else ""
    match = re.match(r"^/booking/([^/]+)/\?new=1$", location)
    if check("booking through nginx answers 303 to the secret link", match, location):
        manage = browser.get(location)
        check("secret link page", manage.status == 200, manage.status)
        print(f"TOKEN={match.group(1)}")
        print(f"ADDRESS={address}")

    # Three attempts from one address for one date are allowed, the fourth refused
    # (429), whatever X-Forwarded-For the client writes: nginx overwrites it.
    for claimed in SPOOFED[:2]:
        other = Browser(https_base, cafile).book(booking_page, forwarded_for=claimed)
        check(f"booking claiming to be {claimed}", other and other.status == 303, other.status)
    fourth = Browser(https_base, cafile).book(booking_page, forwarded_for=SPOOFED[2])
    check(
        "X-Forwarded-For from the client is not believed: the 4th booking is refused",
        fourth and fourth.status == 429,
        fourth and fourth.status,
    )


def mail(mail_dir, token, address):
    """The worker sent the confirmation with the secret link (file backend)."""
    deadline = time.monotonic() + 60
    found = None
    while time.monotonic() < deadline and not found:
        for name in sorted(glob.glob(f"{mail_dir}/*.log")):
            with open(name, "rb") as handle:
                for raw in handle.read().split(b"-" * 79):
                    message = email.message_from_bytes(raw.strip())
                    if message.get("To") == address:
                        found = message
        if not found:
            time.sleep(0.5)
    if not check("the worker sent the confirmation mail", found, f"nothing in {mail_dir}"):
        return
    subject = str(email.header.make_header(email.header.decode_header(found["Subject"])))
    check("its subject is neutral", subject == "ご予約の受付", subject)
    body = found.get_payload(decode=True).decode(found.get_content_charset() or "utf-8")
    check("it carries the secret link", f"/booking/{token}/" in body)


def state(state_json):
    found = json.loads(state_json)
    for name in found["jobs_expected"]:
        job = found["jobs"].get(name, {})
        check(
            f"scheduler ran {name}",
            job.get("runs", 0) >= 1 and not job.get("error") and not job.get("owner"),
            job,
        )
    confirmations = [m["status"] for m in found["mail"] if m["kind"] == "confirmation"]
    check("the outbox has the confirmation as sent", confirmations == ["sent"], confirmations)
    failed = {k: n for k, n in found["tasks"].items() if k.endswith(":FAILED")}
    delivered = found["tasks"].get("events.bookings.mail.deliver_mail:SUCCESSFUL", 0)
    check("the worker ran deliver_mail", delivered >= 1, found["tasks"])
    check("no task failed", not failed, failed)


def during(https_base, cafile, seconds, *command):
    """Requests /events/ through nginx without pause while ``command`` runs (after a
    second): every answer must be a 200."""
    statuses, stop = [], threading.Event()

    def visit():
        browser = Browser(https_base, cafile)
        while not stop.is_set():
            try:
                statuses.append(browser.get("/events/").status)
            except OSError as error:
                statuses.append(type(error).__name__)

    visitor = threading.Thread(target=visit)
    visitor.start()
    time.sleep(1)
    ran = subprocess.run(command, check=False)  # noqa: S603 (the unit's own ExecReload)
    time.sleep(float(seconds))
    stop.set()
    visitor.join()
    check(f"{' '.join(command)} ran", ran.returncode == 0, ran.returncode)
    failed = [status for status in statuses if status != 200]
    check(f"{len(statuses)} requests meanwhile, all answered 200", statuses and not failed, failed)


def same(state_json, restored_json):
    before, after = json.loads(state_json)["counts"], json.loads(restored_json)["counts"]
    for name, count in before.items():
        check(f"restored {name}: {count}", after.get(name) == count, after.get(name))


if __name__ == "__main__":
    mode, *arguments = sys.argv[1:]
    {"web": web, "mail": mail, "state": state, "during": during, "same": same}[mode](*arguments)
    passed, failed = results.count(True), results.count(False)
    print(f"stack {mode}: {passed} passed, {failed} failed")
    sys.exit(1 if failed or not passed else 0)
