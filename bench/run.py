"""One benchmark table: pages, feeds, import and the site under load (``make bench``).

Run from the project root with the project's virtualenv::

    python bench/run.py                                  # everything, about 6-9 minutes
    python bench/run.py --markdown bench-table.md        # also write the table as Markdown
    python bench/run.py --events 200 --repeat 5 --requests 120 --duration 3   # a quick look
    python bench/run.py --skip-load                      # only the in-process parts

It runs the other scripts' measurements (their functions, not copies) and prints one table:

1. **Pages** (``bench_events.measure_pages``): SQLite, the site empty, then with
   ``--events`` events (half weekly), through ``django.test.Client``: ``/events/``, this
   and next month's grid, ``/ibasho/``, an ibasho page, an event page, each as a ratio to
   the same page on the empty site (aim ≤ 1.5×; the event page, which has no empty
   counterpart, against the empty ``/events/``) and to a trivial view in the same run;
   queries of one request (empty → loaded) and the body's size.
2. **Feed** (``bench_feeds.measure_feeds``), on the same database: the all-events feed
   built cold, rebuilt after one change, served from the cache and answered 304, with
   bench_feeds' aims (÷ icalendar's own serialisation, ÷ the trivial view).
3. **Import** (``bench_import.measure_import``), on the same database: a Google-shaped
   partner calendar of ``--import-events`` events parsed in the child process and stored.
4. **Under load** (``bench_bookings.measure_load``): a throwaway PostgreSQL database
   (``ibasho_bench_load`` on ``--server-url``), gunicorn with production settings on
   127.0.0.1 (``--workers`` sync workers), the cache and rate limits in Redis
   (``--redis-url``, under a key prefix of this run whose keys are deleted at the end),
   ``--load-events`` events seeded. Debian's ``wrk`` (``make bench-deps``) requests, for
   ``--duration`` seconds each with ``--connections`` connections: a trivial view (no
   database), ``/events/``, an event page, the feed from the cache and the feed with
   ``If-None-Match`` (304). Then bench_bookings' own client: ``--clients`` visitors POST
   ``--requests`` registrations for one date of ``--capacity`` seats (CSRF token and cookie
   from the page, each visitor on its own loopback address), and as many requests to a
   trivial view that writes one row. Afterwards the database is checked: confirmed persons
   ≤ capacity (oversold seats), one booking per accepted response.

Columns: **value** (median ms in process; requests/s under load), **÷ empty** (the loaded
page ÷ the same page on the empty site), **÷ trivial** (in process: ÷ the trivial view's
median; under load: throughput ÷ the trivial view's throughput, so lower means costlier),
**queries** (of one request), **KB** (body), **p50 / p95 ms** (latency under load, client
side, queueing included), **errors** (5xx, wrong status, connection errors, timeouts),
**aim** and **met?** (with the shortfall when missed). Timings only compare within one run
on one machine; the load clients share the CPUs with the server.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_bookings  # noqa: E402 - the other scripts, run as modules next to this one
import bench_events  # noqa: E402
import bench_feeds  # noqa: E402
import bench_import  # noqa: E402
import load_wrk  # noqa: E402

PAGE_AIM = bench_events.AIM
BOOKING_AIM = 0.5  # registrations/s ÷ trivial writes/s, at least
COLUMNS = (
    "measure",
    "value",
    "÷ empty",
    "÷ trivial",
    "queries",
    "KB",
    "p50 / p95 ms",
    "errors",
    "aim",
    "met?",
)


def row(measure, value, **cells):
    names = ("by_empty", "by_trivial", "queries", "size", "latency", "errors", "aim", "met")
    return [
        measure,
        value,
        *(cells.get(name, "—" if name not in ("aim", "met") else "") for name in names),
    ]


def throughput_ratio(ratio):
    return f"{ratio:.2f}×" if ratio >= 0.1 else f"{ratio:.3f}×"


def at_most(ratio, aim):
    return "yes" if ratio <= aim else f"NO: {ratio / aim:.2f}× the aim (+{ratio - aim:.2f})"


def at_least(ratio, aim):
    return "yes" if ratio >= aim else f"NO: {ratio / aim:.2f}× the aim ({ratio - aim:+.2f})"


# --------------------------------------------------------------------------------------------
# In process, SQLite: pages, feed, import


def page_rows(found: bench_events.Pages):
    rows = []
    trivial = found.loaded["trivial view"].median_ms
    loaded = {**found.loaded, **found.after_change}
    pages = dict(found.pages)
    for label in found.after_change:
        pages[label] = found.pages[label.removesuffix(bench_events.AFTER_CHANGE)]
    for label, url in pages.items():
        now = loaded[label]
        if label == "trivial view":
            noise = now.median_ms / found.empty[label].median_ms
            rows.append(
                row(
                    f"page: trivial view {url}",
                    f"{now.median_ms:.2f} ms",
                    by_empty=f"{noise:.2f}× (noise)",
                    by_trivial="1.0×",
                    queries=str(now.queries),
                    size=f"{now.size_kb:.1f}",
                )
            )
            continue
        if label == bench_events.EVENT_LABEL:
            base, mark, queries = found.empty["/events/"], "†", str(now.queries)
        else:
            base, mark = found.empty[label.removesuffix(bench_events.AFTER_CHANGE)], ""
            queries = f"{base.queries} → {now.queries}"
        ratio = now.median_ms / base.median_ms
        name = label if label == url else f"{label} {url}"
        if label.endswith(bench_events.AFTER_CHANGE):
            name = f"{label} (first request after a publish)"
        rows.append(
            row(
                f"page: {name}",
                f"{now.median_ms:.1f} ms",
                by_empty=f"{ratio:.2f}×{mark}",
                by_trivial=f"{now.median_ms / trivial:.1f}×",
                queries=queries,
                size=f"{now.size_kb:.1f}",
                aim=f"≤ {PAGE_AIM:g}× empty",
                met=at_most(ratio, PAGE_AIM),
            )
        )
    return rows


def feed_rows(feeds: bench_feeds.Feeds):
    results = feeds.results
    floor = results["floor"].median_ms
    trivial = results["trivial view"].median_ms
    rows = []
    for label, result in results.items():
        if label == "trivial view":
            continue  # the feed group's own trivial view: only the ÷ trivial below uses it
        cells = {"queries": str(result.queries), "by_trivial": f"{result.median_ms / trivial:.1f}×"}
        if result.size_kb is not None:
            cells["size"] = f"{result.size_kb:.0f}"
        if label in bench_feeds.AIMS:
            aim = bench_feeds.AIMS[label]
            ratio = result.median_ms / floor
            cells.update(aim=f"≤ {aim:g}× floor", met=f"{ratio:.2f}×: {at_most(ratio, aim)}")
        elif label == "304":
            ratio = result.median_ms / trivial
            cells.update(
                aim=f"≤ {bench_feeds.NOT_MODIFIED_AIM:g}× trivial",
                met=at_most(ratio, bench_feeds.NOT_MODIFIED_AIM),
            )
        rows.append(row(f"feed: {label}", f"{result.median_ms:.1f} ms", **cells))
    return rows


def import_rows(phases, facts):
    rows = []
    for label, seconds, events, dates, extra in phases:
        rows.append(
            row(
                f"import: {label}",
                f"{events / seconds:,.0f} events/s",
                size=extra or "—",
                errors="0",
                aim=f"{dates / seconds:,.0f} dates/s; {seconds:.2f} s",
            )
        )
    parse, first = phases[1][1], phases[2][1]
    events = phases[0][2]
    rows.append(
        row(
            "import: whole first import (child parse + store)",
            f"{events / (parse + first):,.0f} events/s",
            aim=f"{facts['dates'] / (parse + first):,.0f} dates/s; {facts['megabytes']:.1f} MB",
        )
    )
    return rows


def in_process(args):
    """Pages, feed and import on one throwaway SQLite database; (rows, header lines)."""
    from django.test import Client

    os.environ.pop("REDIS_URL", None)  # the feed bench clears the cache: never a shared one
    db = bench_events.sqlite_database()
    try:
        bench_events.setup_django(db)
        from django.conf import settings

        backend = settings.CACHES["default"]["BACKEND"]
        if backend != bench_feeds.LOCAL_CACHE:
            raise SystemExit(f"Refusing to run: the cache is {backend}.")
        bench_events.install_urlconf()
        found = bench_events.measure_pages(args.events, args.repeat, "temporary SQLite file")
        rows = page_rows(found)
        feeds = bench_feeds.measure_feeds(
            Client(HTTP_HOST="localhost"), found.event, args.feed_repeat
        )
        rows += feed_rows(feeds)
        print(f"Importing {args.import_events} events …", file=sys.stderr, flush=True)
        phases, facts = bench_import.measure_import(
            found.tree, args.import_events, args.import_repeat
        )
        rows += import_rows(phases, facts)
        notes = [
            found.header,
            f"Seeding {args.events} events took {found.seconds_seeding:.0f} s; "
            f"{found.occurrences} occurrences. Feed: {feeds.vevents} VEVENTs, {feeds.rows} "
            f"rows in its window; {feeds.remark}",
            "† the event page against the empty /events/ (no event page exists there).",
        ]
        return rows, notes
    finally:
        bench_events.close_connections()
        db.cleanup()


# --------------------------------------------------------------------------------------------
# Under load: gunicorn, PostgreSQL, Redis


def wrk_cells(result, trivial_rps=None):
    cells = {
        "latency": f"{result.p50_ms:.0f} / {result.p95_ms:.0f}",
        "errors": str(result.errors),
        "size": f"{result.kb_per_response:.1f}",
    }
    if trivial_rps:
        cells["by_trivial"] = throughput_ratio(result.rps / trivial_rps)
    return cells


def load_rows(load, wrk_results):
    booking, trivial, db = load.booking, load.trivial, load.db
    rows = []
    trivial_read = wrk_results["trivial view"]
    for label, result in wrk_results.items():
        rps = trivial_read.rps if label != "trivial view" else None
        rows.append(
            row(
                f"load: {label} ({result.path})",
                f"{result.rps:,.0f} req/s",
                **wrk_cells(result, rps),
            )
        )

    def phase_cells(phase, refusals_ok):
        latencies = phase.latencies_ms()
        statuses = phase.statuses
        good = {200} | (
            {bench_bookings.ACCEPTED, *bench_bookings.REFUSED} if refusals_ok else set()
        )
        errors = sum(n for status, n in statuses.items() if status not in good)
        errors += phase.planned - len(phase.samples)
        p50 = bench_bookings.percentile(latencies, 50)
        p95 = bench_bookings.percentile(latencies, 95)
        return {"latency": f"{p50:.0f} / {p95:.0f}", "errors": str(errors)}

    ratio = booking.throughput / trivial.throughput if trivial.throughput else 0.0
    accepted = booking.statuses.get(bench_bookings.ACCEPTED, 0)
    refused = sum(booking.statuses.get(code, 0) for code in bench_bookings.REFUSED)
    rows.append(
        row(
            f"load: registrations (POST …/{load.seed_info['book_path'].split('/')[-3]}/book/)",
            f"{booking.throughput:,.1f} req/s",
            by_trivial=f"{ratio:.2f}×",
            **phase_cells(booking, True),
            aim=f"≥ {BOOKING_AIM:g}× trivial write",
            met=at_least(ratio, BOOKING_AIM),
        )
    )
    rows.append(
        row(
            f"load: trivial write ({bench_bookings.WRITE_PATH}, one INSERT)",
            f"{trivial.throughput:,.1f} req/s",
            by_trivial="1.00×",
            **phase_cells(trivial, False),
        )
    )
    capacity = load.seed_info["capacity"]
    oversold = max(0, db["confirmed_persons"] - capacity)
    rows.append(
        row(
            "load: oversold seats (confirmed persons − capacity)",
            str(oversold),
            aim="0",
            met="yes" if oversold == 0 else f"NO: {oversold} oversold",
            errors=f"{accepted} accepted, {refused} refused",
        )
    )
    rows.append(
        row(
            "load: one booking per accepted response",
            "yes" if db["one_each_ok"] else f"NO ({db['stored']} stored)",
            aim="yes",
            met="yes" if db["one_each_ok"] else "NO",
            errors=f"{db['confirmed_persons']}/{capacity} confirmed, "
            f"{db['waiting_persons']} waiting",
        )
    )
    return rows


def under_load(args):
    admin_url, bench_url = bench_bookings.database_urls(args.server_url)
    workdir = Path(tempfile.mkdtemp(prefix=f"ibasho-bench-run-{os.getpid()}-"))
    options = SimpleNamespace(
        clients=args.clients,
        requests=args.requests,
        capacity=args.capacity,
        workers=args.workers,
        time_limit=bench_bookings.MAX_TIME_LIMIT,
        seed=bench_bookings.SEED,
        redis_url=args.redis_url,
        conn_max_age=args.conn_max_age,
    )

    def while_up(port, seed_info):
        return load_wrk.run_all(port, seed_info, args.duration, args.connections)

    try:
        print(f"Creating {bench_bookings.DB_NAME} …", file=sys.stderr, flush=True)
        bench_bookings.create_database(admin_url)
        load = bench_bookings.measure_load(
            options, bench_url, workdir, while_up, seed_events=args.load_events
        )
    finally:
        try:
            bench_bookings.drop_database(admin_url)
        except Exception as error:
            print(f"Could not drop {bench_bookings.DB_NAME}: {error!r}", file=sys.stderr)
        shutil.rmtree(workdir, ignore_errors=True)
    problems = bench_bookings.problems_of(load)
    notes = [
        load.header + f" | wrk: {args.connections} connections, {args.duration:g} s each | "
        f"events seeded: {load.seed_info['events']}",
    ]
    if problems:
        notes.append("PROBLEMS: " + "; ".join(problems))
        notes.append("gunicorn log tail:\n" + load.log_tail)
    return load_rows(load, load.extra), notes, problems


# --------------------------------------------------------------------------------------------
# Output


def markdown(rows, notes, took):
    def cell(text):
        return str(text).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(cell(c) for c in r) + " |" for r in rows]
    lines.append("")
    lines += [f"- {cell(note)}" for note in notes if "\n" not in note]
    lines.append(f"- `make bench` took {took / 60:.1f} minutes.")
    return "\n".join(lines) + "\n"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add = parser.add_argument
    add("--events", type=int, default=1000, help="events for the pages and feed (1000)")
    add("--repeat", type=int, default=20, help="timed requests per page (20)")
    add("--feed-repeat", type=int, default=7, help="timed runs per feed measurement (7)")
    add("--import-events", type=int, default=2000, help="events of the imported calendar")
    add("--import-repeat", type=int, default=1, help="runs of each import phase (1)")
    add(
        "--server-url",
        default=bench_bookings.DEFAULT_SERVER_URL,
        help=f"PostgreSQL server for {bench_bookings.DB_NAME} (created and dropped)",
    )
    add(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"),
        help="Redis for the server under load (only this run's keys are written and deleted)",
    )
    add("--load-events", type=int, default=200, help="events seeded for the load test (200)")
    add("--workers", type=int, default=2, help="gunicorn sync workers (2)")
    add(
        "--conn-max-age",
        type=int,
        default=0,
        help="database connection lifetime under load (0: one per request; production: 600)",
    )
    add("--duration", type=float, default=8, help="seconds of each wrk run (8)")
    add("--connections", type=int, default=20, help="wrk connections (20)")
    add("--clients", type=int, default=40, help="concurrent registering visitors (40)")
    add("--requests", type=int, default=400, help="registrations, and trivial writes (400)")
    add("--capacity", type=int, default=150, help="seats of the date booked (150)")
    add("--markdown", help="also write the table as Markdown to this file")
    add("--skip-load", action="store_true", help="no gunicorn/PostgreSQL/Redis part")
    args = parser.parse_args(argv)
    if min(args.events, args.repeat, args.feed_repeat, args.import_events) < 1:
        parser.error("counts must be at least 1")
    if not 0 < args.duration <= 30:
        parser.error("--duration must be in (0, 30]")
    return args


def main(argv=None):
    args = parse_args(argv)
    started = time.monotonic()
    problems = []
    if not args.skip_load:
        load_wrk.check_wrk()
    rows, notes = in_process(args)
    if not args.skip_load:
        more_rows, more_notes, problems = under_load(args)
        rows += more_rows
        notes += more_notes
    took = time.monotonic() - started
    print()
    bench_events.print_table(COLUMNS, rows)
    print()
    for note in notes:
        print(note)
    print(f"Took {took / 60:.1f} minutes.")
    if args.markdown:
        Path(args.markdown).write_text(markdown(rows, notes, took), encoding="utf-8")
        print(f"Markdown table written to {args.markdown}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
