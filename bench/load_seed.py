"""Build the site for ``bench/bench_bookings.py``: one bookable event, one date ~10 days ahead.

Run by the benchmark as a subprocess, from the project root, with the benchmark's environment
(``DATABASE_URL`` pointing at the throwaway ``ibasho_bench_load`` database, which it refuses
to touch otherwise)::

    python bench/load_seed.py --capacity 150

It builds the tests' page tree (``tests.conftest.build_site_tree``) and publishes one event
exactly as the booking tests do (``tests.bookings.conftest.bookable_event``: first come,
first served, at most 4 people per booking, one occurrence 10 days ahead), with the capacity
asked for. It prints one JSON line on stdout that the benchmark reads: the occurrence page's
path, the booking path, the occurrence id, the table names to check afterwards (bookings,
sessions, queued background tasks), the app's per-address and site-wide rate limits, and
the path of one more event's page. With ``--events N`` it also seeds N events as
``bench/bench_events.py`` does (half weekly), for the pages under load.
"""

import argparse
import json
import logging
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXPECTED_DB = "ibasho_bench_load"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--capacity", type=int, required=True)
    parser.add_argument(
        "--events",
        type=int,
        default=0,
        help="also seed this many events as bench/bench_events.py does (half weekly)",
    )
    args = parser.parse_args(argv)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    logging.disable(logging.INFO)  # publishing logs every page and task at INFO

    from django.conf import settings
    from django.contrib.sessions.models import Session
    from django.core.cache import cache

    from django_tasks_db.models import DBTaskResult

    name = settings.DATABASES["default"]["NAME"]
    if name != EXPECTED_DB:  # never seed anybody else's database
        raise SystemExit(f"Refusing to seed {name!r}: not the load-test database.")

    from django.utils import timezone

    from bench.bench_events import build_site, seed_events
    from events.bookings import web
    from events.bookings.models import Booking
    from events.schedules import TOKYO
    from tests.bookings.conftest import bookable_event

    tree, organisations = build_site()
    event, occurrence = bookable_event(tree.ward, capacity=args.capacity)
    today = timezone.now().astimezone(TOKYO).date()
    recurring = seed_events(organisations, args.events, today) if args.events else None
    cache.clear()
    limits = {**web.RATE_LIMITS, **getattr(settings, "BOOKING_RATE_LIMITS", {})}
    # One client address may book one date this many times in the window: the tighter of
    # the per-address-and-date and the per-address limits.
    address_limit = min(limits["address_occurrence"], limits["address"])
    date = occurrence.original_date.isoformat()
    page_path = event.url + event.reverse_subpage("occurrence", args=(date,))
    print(
        json.dumps(
            {
                "page_path": page_path,
                "book_path": f"{page_path}book/",
                "occurrence_id": occurrence.pk,
                "start": occurrence.start.isoformat(),
                "capacity": event.capacity,
                "max_party_size": event.max_party_size,
                "booking_mode": event.booking_mode,
                "booking_table": Booking._meta.db_table,
                "session_table": Session._meta.db_table,
                "task_table": DBTaskResult._meta.db_table,
                "address_rate_limit": list(address_limit),
                "site_rate_limit": list(limits["site"]),
                "event_path": recurring.url if recurring else event.url,
                "events": args.events,
                "settings": os.environ.get("DJANGO_SETTINGS_MODULE", ""),
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
