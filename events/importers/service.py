"""Refreshing partner calendars: fetch, parse (in a budgeted child process), store, and
keep the feed's state (last attempt, success, error, counts) for staff to see. One
broken or slow feed never stops the others, and keeps showing its last good events.

``refresh_due_feeds()`` is what the worker runs for the scheduler; ``tasks.refresh_partner_feed``
refreshes one feed in the task worker.
"""

import datetime
import hashlib
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..occurrences import horizon_days
from ..schedules import TOKYO
from .fetch import FeedError, fetch
from .isolated import parse_isolated
from .models import PartnerFeed
from .parse import Rejected, parse_calendar
from .reasons import problems_text, rejected_reason
from .rules import Limits
from .sync import Stored, store

logger = logging.getLogger(__name__)

HISTORY_DAYS = 30  # dates behind today that an import refreshes
FULL_IMPORT_EVERY = datetime.timedelta(days=1)  # re-read even if unchanged: the window moves


@dataclass
class Outcome:
    """What one refresh did, for the command's summary and the task's result."""

    feed: PartnerFeed
    ok: bool
    not_modified: bool = False
    stored: Stored = field(default_factory=Stored)
    problems: list = field(default_factory=list)
    error: str = ""

    def summary(self) -> str:
        name = self.feed.name
        if not self.ok:
            return _("%(name)s: not imported. %(reason)s") % {"name": name, "reason": self.error}
        if self.not_modified:
            return _("%(name)s: unchanged since the last refresh.") % {"name": name}
        counts = {
            "name": name,
            "total": self.stored.total,
            "created": self.stored.created,
            "updated": self.stored.updated,
            "deleted": self.stored.deleted,
            "left": len(self.problems),
        }
        if self.problems:
            return (
                _(
                    "%(name)s: %(total)d dates (%(created)d new, %(updated)d changed, "
                    "%(deleted)d removed), %(left)d left out."
                )
                % counts
            )
        return (
            _(
                "%(name)s: %(total)d dates (%(created)d new, %(updated)d changed, "
                "%(deleted)d removed)."
            )
            % counts
        )


def parse_window(now):
    """From ``HISTORY_DAYS`` ago (at midnight in Tokyo) to the occurrence horizon."""
    first_day = (now - datetime.timedelta(days=HISTORY_DAYS)).astimezone(TOKYO).date()
    start = datetime.datetime.combine(first_day, datetime.time(0, 0), tzinfo=TOKYO)
    return start, now + datetime.timedelta(days=horizon_days())


def parse_document(data, now, window=None):
    """Parse with the configured limits, in a child process unless settings say not to."""
    start, end = window or parse_window(now)
    limits = Limits(**getattr(settings, "PARTNER_FEED_LIMITS", {}))
    if getattr(settings, "PARTNER_FEED_PARSE_IN_SUBPROCESS", True):
        return parse_isolated(
            data,
            start,
            end,
            limits,
            memory_mb=getattr(settings, "PARTNER_FEED_PARSE_MEMORY_MB", 768),
            seconds=getattr(settings, "PARTNER_FEED_PARSE_SECONDS", 90),
        )
    return parse_calendar(data, start, end, limits)


def import_document(feed, data, now=None, state=None, window=None) -> Outcome:
    """Import ``data`` (the calendar's bytes) into ``feed``'s dates (in ``window``, by
    default ``parse_window(now)``)."""
    now = now or timezone.now()
    window = window or parse_window(now)
    with translation.override(settings.LANGUAGE_CODE):
        try:
            result = parse_document(data, now, window)
        except Rejected as rejected:
            return _failed(feed, now, rejected_reason(rejected.code, rejected.detail))
        problems = list(result.problems)
        success = {
            "last_attempt_at": now,
            "last_success_at": now,
            "last_parsed_at": now,
            "last_error": "",
            "failures": 0,
            **(state or {}),
        }
        stored = store(feed, result.occurrences, window[0], now, problems, state=success)
        warnings = problems_text(problems)
        PartnerFeed.objects.filter(pk=feed.pk).update(last_warnings=warnings)
        feed.last_warnings = warnings
        return Outcome(feed, True, stored=stored, problems=problems)


def refresh_feed(feed, now=None, force=False) -> Outcome:
    """Fetch ``feed.url`` (conditionally, unless ``force`` or a daily full import is due)
    and import it. Failures are recorded on the feed; its rows stay as they were."""
    now = now or timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        full = force or feed.last_parsed_at is None or now - feed.last_parsed_at > FULL_IMPORT_EVERY
        try:
            fetched = fetch(
                feed.url,
                etag="" if full else feed.etag,
                last_modified="" if full else feed.last_modified,
            )
        except FeedError as error:
            return _failed(feed, now, error.reason)
        digest = "" if fetched.not_modified else hashlib.sha256(fetched.body).hexdigest()
        if fetched.not_modified or (not full and digest == feed.content_hash):
            _record(
                feed,
                last_attempt_at=now,
                last_success_at=now,
                last_error="",
                failures=0,
                etag=fetched.etag or feed.etag,
                last_modified=fetched.last_modified or feed.last_modified,
            )
            return Outcome(feed, True, not_modified=True)
        state = {
            "etag": fetched.etag,
            "last_modified": fetched.last_modified,
            "content_hash": digest,
        }
        return import_document(feed, fetched.body, now, state=state)


def refresh_due_feeds(now=None, every=False, progress=None) -> list:
    """Refresh every enabled feed whose interval has passed (``every``: all enabled
    feeds). Each feed is claimed first, so two runners never refresh the same feed at
    once. ``progress(outcome)`` is called after each feed."""
    now = now or timezone.now()
    feeds = PartnerFeed.objects.filter(enabled=True).exclude(url="").select_related("organisation")
    due = [feed for feed in feeds if every or feed.is_due(now)]
    outcomes = []
    for feed in due:
        if not _claim(feed, now):
            continue
        try:
            outcome = refresh_feed(feed)
        except Exception:
            logger.exception("Refreshing partner calendar %s failed", feed.pk)
            with translation.override(settings.LANGUAGE_CODE):
                outcome = _failed(feed, timezone.now(), _("An unexpected error occurred."))
        outcomes.append(outcome)
        if progress is not None:
            progress(outcome)
    return outcomes


def due_count(now=None, every=False):
    now = now or timezone.now()
    feeds = PartnerFeed.objects.filter(enabled=True).exclude(url="")
    return sum(1 for feed in feeds if every or feed.is_due(now))


def _claim(feed, now):
    """Take the feed for this runner: set its attempt time only if nobody else did."""
    previous = feed.last_attempt_at
    same = Q(last_attempt_at__isnull=True) if previous is None else Q(last_attempt_at=previous)
    taken = PartnerFeed.objects.filter(same, pk=feed.pk).update(last_attempt_at=now)
    if taken:
        feed.last_attempt_at = now
    return bool(taken)


def _failed(feed, now, reason):
    _record(feed, last_attempt_at=now, last_error=reason, failures=feed.failures + 1)
    return Outcome(feed, False, error=reason)


def _record(feed, **fields):
    """Save state without ``save()``: no signals, no overwriting what staff just edited."""
    PartnerFeed.objects.filter(pk=feed.pk).update(**fields)
    for name, value in fields.items():
        setattr(feed, name, value)
