"""Benchmark importing a large partner calendar shaped like what Google Calendar publishes
(``events.importers.factories.realistic_feed``: single events, weekly and monthly series
with excluded and moved dates, all-day events, HTML descriptions, Japanese text).

Run from the project root::

    python bench/bench_import.py                      # SQLite, 5000 events, 3 repeats
    python bench/bench_import.py --events 5000 --repeat 3
    python bench/bench_import.py --database-url postgresql://user:pw@localhost/postgres

Like the other benchmarks it builds its own throwaway database (``bench_events.py``'s
helpers) and removes it at the end. Each phase is run ``--repeat`` times; the table shows
the median wall time and rates in events (VEVENT series of the feed) and dates (their
occurrences in the import window) per second:

* ``parse, in process``: ``parse_calendar`` alone (icalendar, recurring-ical-events);
* ``parse, child process``: the same in the budgeted child process the importer uses
  (start-up, limits, JSON both ways), with the child's peak memory;
* ``store, first import``: writing every date (one transaction);
* ``store, unchanged``: the same calendar again (nothing to write);
* ``store, 10% changed``: every tenth event moved by an hour (the rates count every date
  compared; the last column says how many were rewritten).
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_events import (  # noqa: E402 - the helpers of the calendar benchmark
    build_site,
    print_table,
    run_in_bench_database,
    setup_django,
)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", default="")
    return parser.parse_args(argv)


def timed(function, repeat, setup=None):
    """Median wall time of ``function()`` (``setup()`` before each run, not timed)."""
    times, result = [], None
    for _ in range(repeat):
        if setup is not None:
            setup()
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def moved(data, share=10):
    """Every ``share``-th event an hour later (its first DTSTART line)."""
    lines = data.decode().split("\r\n")
    count = 0
    for index, line in enumerate(lines):
        if line == "BEGIN:VEVENT":
            count += 1
        if count % share == 0 and line.startswith("DTSTART;TZID=") and "T" in line[-7:]:
            hour = int(line[-6:-4])
            lines[index] = f"{line[:-6]}{hour + 1:02d}{line[-4:]}"
    return "\r\n".join(lines).encode()


def measure_import(tree, events, repeat):
    """Import a realistic partner calendar of ``events`` events into the site of ``tree``;
    ``(rows, facts)``: one ``(phase, median s, events, dates, extra)`` per phase, and the
    feed's size, dates in the window and the window."""
    from django.utils import timezone

    from events.importers.factories import realistic_feed
    from events.importers.isolated import parse_isolated
    from events.importers.parse import parse_calendar
    from events.importers.service import parse_window
    from events.importers.sync import store
    from events.models import Occurrence, PartnerFeed

    feed = PartnerFeed.objects.create(
        name="ベンチ",
        url="https://partner.example.jp/c.ics",
        organisation=tree.family,
        enabled=True,
    )
    data = realistic_feed(events=events)
    now = timezone.now()
    window = parse_window(now)
    rows = []

    seconds, parsed = timed(lambda: parse_calendar(data, *window), repeat)
    dates = len(parsed.occurrences)
    rows.append(("parse, in process", seconds, events, dates, ""))
    seconds, isolated = timed(lambda: parse_isolated(data, *window), repeat)
    memory = f"{isolated.stats['max_rss_kb'] / 1024:.0f} MB"
    rows.append(("parse, child process", seconds, events, len(isolated.occurrences), memory))

    def first_import():
        Occurrence.objects.filter(feed=feed).delete()
        return store(feed, parsed.occurrences, window[0], now)

    seconds, stored = timed(first_import, repeat)
    assert stored.created == Occurrence.objects.filter(feed=feed).count()
    rows.append(("store, first import", seconds, events, stored.created, ""))
    seconds, stored = timed(lambda: store(feed, parsed.occurrences, window[0], now), repeat)
    assert stored.unchanged == dates
    rows.append(("store, unchanged", seconds, events, dates, ""))
    changed = parse_calendar(moved(data), *window).occurrences
    seconds, stored = timed(
        lambda: store(feed, changed, window[0], now),
        repeat,
        setup=lambda: store(feed, parsed.occurrences, window[0], now),
    )
    rows.append(("store, 10% changed", seconds, events, dates, f"{stored.updated} updated"))
    return rows, {"megabytes": len(data) / 1e6, "dates": dates, "window": window}


def run(args, db):
    setup_django(db)
    tree, _organisations = build_site()
    rows, facts = measure_import(tree, args.events, args.repeat)
    dates, window = facts["dates"], facts["window"]

    print(
        f"\nImporting a partner calendar of {args.events} events "
        f"({facts['megabytes']:.1f} MB, {dates} dates in the window) on {db.label}\n"
    )
    print_table(
        ("phase", "median s", "events/s", "dates", "dates/s", "memory"),
        [
            (label, f"{s:.2f}", f"{events / s:,.0f}", f"{n:,}", f"{n / s:,.0f}", extra)
            for label, s, events, n, extra in rows
        ],
    )
    total = rows[1][1] + rows[2][1]
    print(f"\nWhole first import (child-process parse + store): {total:.1f} s, ", end="")
    print(f"{args.events / total:,.0f} events/s, {dates / total:,.0f} dates/s.")
    print(f"(The window: {window[0]:%Y-%m-%d} to {window[1]:%Y-%m-%d}.)")


def main(argv=None):
    run_in_bench_database(run, parse_args(argv))


if __name__ == "__main__":
    main()
