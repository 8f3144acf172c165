"""Two installations share both ways: site A (this test's live server and database) and
site B (another Django process on 127.0.0.1 with its own SQLite database) each import
the other's public feed. Every date of each appears on the other exactly once at the same
time — a moved date at its new time, a cancelled single event as cancelled — updates and
withdrawals arrive with the next refresh, and nothing comes back to where it started,
although both re-publish what they import.

A cancelled date of a series is written as an EXDATE by our feeds (so every calendar app
drops it), so the other site does not show it at all rather than showing it cancelled.
"""

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.db import connection

import pytest

from events.importers.service import refresh_feed
from tests.conftest import build_site_tree

from . import sharing

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
ROOT = Path(settings.BASE_DIR)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SiteB:
    def __init__(self, workdir, port):
        self.url = f"http://127.0.0.1:{port}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.importers.site_b_settings",
            "DATABASE_URL": f"sqlite:///{workdir / 'site-b.sqlite3'}",
            "BASE_URL": self.url,
            "PARTNER_FEED_ALLOWED_ADDRESSES": "127.0.0.1",
            "SECRET_KEY": "site-b-test-secret",
            "DEBUG": "0",
        }
        self.port = port
        self.database = workdir / "site-b.sqlite3"
        self.server = None

    def run(self, *args):
        done = subprocess.run(
            [sys.executable, "-m", "tests.importers.site_b", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def prepare_database(self):
        """A migrated database: a copy of this test database's schema when it is SQLite
        (fast), else ``migrate`` from nothing."""
        if connection.vendor == "sqlite":
            source = sqlite3.connect(connection.settings_dict["NAME"])
            target = sqlite3.connect(self.database)
            source.backup(target)
            source.close()
            target.close()
        manage = [sys.executable, "manage.py", "migrate", "--noinput"]
        done = subprocess.run(manage, cwd=ROOT, env=self.env, capture_output=True, timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]

    def start(self):
        command = [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{self.port}"]
        self.server = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/events/calendar.ics", timeout=5) as answer:  # noqa: S310
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise AssertionError(self.server.stderr.read(3000) if self.server.poll() else "no answer")

    def stop(self):
        if self.server is not None:
            self.server.terminate()
            try:
                self.server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()

    def shown(self):
        return json.loads(self.run("shown"))


@pytest.fixture
def site_b(tmp_path):
    site = SiteB(tmp_path, free_port())
    yield site
    site.stop()


def seen_by_partner(own):
    """What the other site should show of these own dates: all but cancelled dates of a
    series (an EXDATE in the feed), as (start, end, all day, status, title). A moved date
    is published as a date of its own at its new time (every calendar client shows it
    once that way), so the partner shows it once, at the new time, as a scheduled date."""
    return sorted(
        (
            r["start"],
            r["end"],
            r["all_day"],
            "scheduled" if r["status"] == "moved" else r["status"],
            r["title"],
        )
        for r in own
        if not (r["recurring"] and r["status"] == "cancelled")
    )


def as_shown(imported):
    return sorted((r["start"], r["end"], r["all_day"], r["status"], r["title"]) for r in imported)


def assert_moved_once(own, imported, times):
    """The dates one site moved are shown by the other exactly once, at the new time."""
    moved = sorted(r["start"] for r in own if r["status"] == "moved")
    assert [start[11:16] for start in moved] == times
    starts = [r["start"] for r in imported]
    assert all(starts.count(start) == 1 for start in moved)


def assert_shared(a, b):
    """Each site shows every date of the other exactly once, and none of its own back."""
    assert as_shown(a["imported"]) == seen_by_partner(b["own"])
    assert as_shown(b["imported"]) == seen_by_partner(a["own"])
    for site, host in ((a, "127.0.0.1"), (b, "testserver")):
        keys = [(r["uid"], r["start"]) for r in site["imported"]]
        assert len(keys) == len(set(keys))
        assert site["own_uids_imported"] == []
        assert all(
            r["uid"].startswith("event-") and f"@{host}" in r["uid"] for r in site["imported"]
        )
        assert site["feed"]["error"] == ""


def test_two_installations_share_both_ways(live_server, site_b, settings):
    settings.PARTNER_FEED_ALLOWED_ADDRESSES = ["127.0.0.1"]
    settings.PARTNER_FEED_PARSE_IN_SUBPROCESS = True
    tree = build_site_tree()
    sharing.build_events(tree, "A", weekday=5, hour=14)
    feed_of_b = sharing.subscribe(tree, f"{site_b.url}/events/calendar.ics")

    site_b.prepare_database()
    site_b.run("seed", f"{live_server.url}/events/calendar.ics")
    site_b.start()

    # A imports B, B imports A (and gets its own events back through A's feed), A again
    # (and gets its own back through B's feed).
    assert refresh_feed(feed_of_b).ok
    assert "「連携自治体のカレンダー」" in site_b.run("refresh")
    assert refresh_feed(feed_of_b).ok
    a, b = sharing.shown(), site_b.shown()
    assert len(a["own"]) == len(b["own"]) == 9  # 6 weekly, 1 lecture, 1 all-day, 1 plain
    assert_shared(a, b)
    assert "二重には取り込みません" in a["feed"]["warnings"]
    assert_moved_once(b["own"], a["imported"], ["10:00"])
    assert [r["title"] for r in a["imported"] if r["status"] == "cancelled"] == ["B 講演会"]
    assert [r["start"][:10] for r in a["imported"] if r["all_day"]] == [
        r["start"][:10] for r in b["own"] if r["all_day"]
    ]

    # Changes on both sides arrive with the next refresh.
    sharing.change_events("A")
    site_b.run("change")
    assert refresh_feed(feed_of_b).ok
    site_b.run("refresh")
    a, b = sharing.shown(), site_b.shown()
    assert len(a["own"]) == len(b["own"]) == 8
    assert_shared(a, b)
    assert not [r for r in a["imported"] if r["title"] == "B 相談会"]
    assert {r["title"] for r in b["imported"]} >= {"A 家族のつどい（会場変更あり）"}
    assert_moved_once(a["own"], b["imported"], ["10:00", "16:00"])
