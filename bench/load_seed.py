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
sessions, queued background tasks) and the app's per-address rate limit.
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

    from events.bookings import web
    from events.bookings.models import Booking
    from tests.bookings.conftest import bookable_event
    from tests.conftest import build_site_tree

    tree = build_site_tree()
    event, occurrence = bookable_event(tree.ward, capacity=args.capacity)
    cache.clear()
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
                "ip_rate_limit": list(web.RATE_LIMITS["ip"]),
                "settings": os.environ.get("DJANGO_SETTINGS_MODULE", ""),
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
