"""Load test of web registration: many people booking one date at once, through gunicorn.

Run from the project root with the project's virtualenv (gunicorn and psycopg installed)::

    python bench/bench_bookings.py                      # 40 clients, 400 bookings, 150 seats
    python bench/bench_bookings.py --clients 40 --requests 400 --capacity 150
    python bench/bench_bookings.py --server-url postgresql://postgres@127.0.0.1:5432/postgres

It never touches ``db.sqlite3``, the test databases or the project's ``static/`` folder.

What it does:

1. Creates the PostgreSQL database ``ibasho_bench_load`` on ``--server-url`` (dropping it
   first if it exists; it needs the right to create databases), migrates it
   (``manage.py migrate`` with ``cms.settings.production``) and builds the site with
   ``bench/load_seed.py``: the tests' page tree and one event published as the booking tests
   do (first come, first served, ``--capacity`` persons, at most 4 per booking) with a single
   date 10 days ahead.
2. Starts ``gunicorn bench.load_wsgi:application --workers 2 --threads 1`` (sync workers) on
   a free port of 127.0.0.1 and waits until it answers. The environment is production's:
   a random 60-character ``SECRET_KEY``, ``ALLOWED_HOSTS=127.0.0.1``,
   ``SECURE_SSL_REDIRECT=0`` (plain http), ``CONN_MAX_AGE=0``, no ``REDIS_URL`` (so the rate
   limits count in each worker's local memory) and the locmem e-mail backend. Two bench-only
   modules stand in front of the unchanged app: ``bench/load_settings.py`` is
   ``cms.settings.production`` with ``STATIC_ROOT`` in a temporary folder (filled by
   ``collectstatic``, since WhiteNoise's manifest storage answers 500 for any page using
   ``{% static %}`` without it), and ``bench/load_wsgi.py`` wraps ``cms.wsgi.application``
   and answers ``/bench-write/`` itself by inserting one ``django_session`` row (the
   baseline). Before measuring, every worker is warmed up with a few page requests.
3. Booking phase: ``--clients`` threads, each with its own HTTP connection. Each GETs the
   occurrence page once (its own session: the ``csrftoken`` cookie and the form's
   ``csrfmiddlewaretoken``; not timed), then all start together and POST their share of
   ``--requests`` registrations (nickname, party size 1-3 drawn with a fixed seed) to
   ``<occurrence page>book/``, following no redirect. 303 (to ``/booking/<token>/?new=1``)
   is an accepted booking; 400, 409 and 429 are refusals.
4. Baseline phase: the same number of clients and requests against ``GET /bench-write/``.
5. Checks the database: confirmed persons (sum of ``party_size`` of confirmed bookings) must
   not exceed the capacity, and every accepted response must have created exactly one
   booking (the SHA-256 of each returned token is a stored ``token_hash``, nothing else was
   stored, and the party sizes add up); the baseline must have written one row per 200. It
   also counts the background tasks each phase queued (django-tasks' database backend).
6. Prints one table, then stops gunicorn and drops the database - always, even when a step
   fails. On any failure (a 5xx, a connection error, a failed check, a traceback in the
   log) it prints the tail of gunicorn's log and exits with status 1.

Rate limits: the app allows a few registrations per client address and date (and a wider
ceiling per address; ``events.bookings.web.RATE_LIMITS``, the tighter of the two read by
``load_seed.py``), and gunicorn sets ``REMOTE_ADDR`` from the TCP peer. So each client binds
its socket to its own loopback address (127.77.x.y; all of 127.0.0.0/8 reaches the loopback
interface on Linux) and moves to a fresh address before reaching that limit: no address
is ever refused, whatever the worker, and nothing in the app is changed. With
``--redis-url`` the counters (and the cache) are in Redis, under a key prefix of this run
whose keys are deleted at the end; without it, in each worker's memory.

Bounds: the server is only ever 127.0.0.1; each request times out after 10 s; no request
starts more than ``--time-limit`` seconds (at most 120) after its phase started; the
subprocesses (migrate, collectstatic, seeding, gunicorn's start and stop) have timeouts.

Reading the table: throughput is completed requests divided by the phase's wall time (from
the common start to the last response); latencies are per request, client side (connect,
send, server, read: the sync workers close every connection). The booking/trivial ratio says
how much of the server's capacity one registration takes compared with a bare request that
writes one row: both pay the same gunicorn and per-request PostgreSQL connection costs.
Timings only compare within one run on one machine.
"""

import argparse
import hashlib
import ipaddress
import json
import math
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "ibasho_bench_load"
DEFAULT_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
HOST = "127.0.0.1"
WRITE_PATH = "/bench-write/"
WRITE_MARKER = "bench-write"  # session_data of the baseline's rows (see load_wsgi.py)
SEED = 20240611
MAX_TIME_LIMIT = 120.0
REQUEST_TIMEOUT = 10.0
STEP_TIMEOUT = 300.0  # migrate, collectstatic, seeding
START_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0
WARMUPS_PER_WORKER = 3
LOG_TAIL = 60
ACCEPTED = 303
REFUSED = (400, 409, 429)
TOKEN_LOCATION = re.compile(r"^/booking/([^/?]+)/\?new=1$")
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CSRF_COOKIE = re.compile(r"(?:^|;\s*)csrftoken=([^;]+)")


# --------------------------------------------------------------------------------------------
# The throwaway database


def database_urls(server_url: str) -> tuple[str, str]:
    """``(admin_url, bench_url)``: the server's maintenance database and ``DB_NAME``."""
    parts = urlsplit(server_url)
    given = parts.path.lstrip("/")
    maintenance = given if given and given != DB_NAME else "postgres"
    admin = urlunsplit(parts._replace(scheme="postgresql", path=f"/{maintenance}"))
    bench = urlunsplit(parts._replace(scheme="postgresql", path=f"/{DB_NAME}"))
    return admin, bench


def admin_execute(admin_url: str, statement):
    import psycopg

    with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as conn:
        conn.execute("SET statement_timeout = '60s'")
        conn.execute(statement)


def create_database(admin_url: str):
    from psycopg import sql

    drop_database(admin_url)
    admin_execute(admin_url, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB_NAME)))


def drop_database(admin_url: str):
    from psycopg import sql

    admin_execute(
        admin_url,
        sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DB_NAME)),
    )


# --------------------------------------------------------------------------------------------
# Subprocesses: migrate, collectstatic, seeding, gunicorn


def base_env(bench_url: str, static_root: Path, media_root: Path) -> dict[str, str]:
    """Production's environment for plain http on 127.0.0.1, pointing at the bench db."""
    dropped = ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "BASE_URL")
    env = {key: value for key, value in os.environ.items() if key not in dropped}
    env.update(
        DATABASE_URL=bench_url,
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        SECRET_KEY=secrets.token_urlsafe(45),  # 60 characters
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="0",
        CONN_MAX_AGE="0",
        BENCH_STATIC_ROOT=str(static_root),
        MEDIA_ROOT=str(media_root),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        PYTHONUNBUFFERED="1",
    )
    return env


def run_step(label: str, args: list[str], env: dict[str, str]) -> str:
    """Run ``python <args>`` in the project root; return stdout, or stop with its stderr."""
    print(f"{label} …", file=sys.stderr, flush=True)
    try:
        done = subprocess.run(  # noqa: S603  (our own interpreter and arguments)
            [sys.executable, *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=STEP_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise SystemExit(f"{label}: no result after {STEP_TIMEOUT:.0f} s") from error
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-LOG_TAIL:])
        raise SystemExit(f"{label} failed (exit {done.returncode}):\n{tail}")
    return done.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log_path: Path
    workers: int

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def log_tail(self, lines: int = LOG_TAIL) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def stop(self):
        """SIGTERM to gunicorn's master (graceful), SIGKILL to its own group if it hangs."""
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)  # its own session: only gunicorn
            self.process.wait(timeout=5)


def gunicorn_args(port: int, workers: int) -> list[str]:
    import gunicorn.config

    args = [
        "-m",
        "gunicorn",
        "bench.load_wsgi:application",
        "--chdir",
        str(ROOT),
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--threads",
        "1",
        "--timeout",
        "30",
        "--graceful-timeout",
        "5",
    ]
    flags = {flag for setting in gunicorn.config.KNOWN_SETTINGS for flag in setting.cli or ()}
    if "--no-control-socket" in flags:  # gunicorn >= 24 opens ~/.gunicorn/gunicorn.ctl
        args.append("--no-control-socket")
    return args


def start_server(env: dict[str, str], workers: int, log_path: Path, probe_path: str) -> Server:
    port = free_port()
    env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "bench.load_settings",
        "BASE_URL": f"http://{HOST}:{port}",
    }
    print(f"Starting gunicorn on {HOST}:{port} …", file=sys.stderr, flush=True)
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603  (our own interpreter and arguments)
            [sys.executable, *gunicorn_args(port, workers)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(process, port, log_path, workers)
    try:
        wait_until_ready(server, probe_path)
    except BaseException:
        server.stop()
        raise
    return server


def wait_until_ready(server: Server, probe_path: str):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise SystemExit(f"gunicorn exited ({server.process.returncode}):\n{server.log_tail()}")
        connection = HTTPConnection(HOST, server.port, timeout=REQUEST_TIMEOUT)
        try:
            connection.request("GET", probe_path)
            response = connection.getresponse()
            response.read()
        except OSError:
            time.sleep(0.2)
            continue
        finally:
            connection.close()
        if response.status != 200:
            raise SystemExit(
                f"gunicorn answered {response.status} for {probe_path}:\n{server.log_tail()}"
            )
        return
    raise SystemExit(f"gunicorn did not answer within {START_TIMEOUT:.0f} s:\n{server.log_tail()}")


# --------------------------------------------------------------------------------------------
# Load clients


def identity(number: int) -> str:
    """The ``number``-th client source address: 127.77.x.y (a fresh ``REMOTE_ADDR``)."""
    if number >= 250 * 256:
        raise SystemExit("Too many client addresses: lower --requests.")
    return f"127.77.{number // 250}.{1 + number % 250}"


@dataclass
class Sample:
    status: int | str  # the HTTP status, or "error: <exception>"
    seconds: float
    finished: float  # time.perf_counter() at the end
    party_size: int = 0
    token: str = ""


@dataclass
class Phase:
    label: str
    samples: list[Sample] = field(default_factory=list)
    planned: int = 0
    wall: float = 0.0
    prepared: list[Sample] = field(default_factory=list)  # the CSRF page GETs

    @property
    def statuses(self) -> Counter:
        return Counter(sample.status for sample in self.samples)

    def latencies_ms(self) -> list[float]:
        return sorted(s.seconds * 1000 for s in self.samples if isinstance(s.status, int))

    @property
    def throughput(self) -> float:
        done = sum(1 for s in self.samples if isinstance(s.status, int))
        return done / self.wall if self.wall else 0.0


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an already sorted list (nan if empty)."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


class LoadClient:
    """One visitor's HTTP connection to 127.0.0.1, moving to a fresh source address after
    ``per_address`` requests. Cookies are kept by hand: production marks the CSRF cookie
    ``Secure``, which a browser (or ``requests``) would not send back over plain http."""

    def __init__(self, port: int, first_identity: int, per_address: int):
        self.port = port
        self.next_identity = first_identity
        self.per_address = per_address
        self.used = 0
        self.cookies: dict[str, str] = {}
        self.connection = None
        self._connect()

    def _connect(self):
        if self.connection is not None:
            self.connection.close()
        source = identity(self.next_identity)
        self.next_identity += 1
        self.used = 0
        self.connection = HTTPConnection(
            HOST, self.port, timeout=REQUEST_TIMEOUT, source_address=(source, 0)
        )

    def request(self, method: str, path: str, body: str | None = None):
        """``(status, headers, body bytes, seconds)``; raises OSError / HTTPException."""
        if self.used >= self.per_address:
            self._connect()
        self.used += 1
        headers = {"Accept-Language": "ja"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        except Exception:
            self.connection.close()  # the next request opens a new connection
            raise
        seconds = time.perf_counter() - started
        for cookie in response.headers.get_all("Set-Cookie") or ():
            match = CSRF_COOKIE.search(cookie)
            if match:
                self.cookies["csrftoken"] = match.group(1)
        return response.status, response.headers, content, seconds

    def close(self):
        if self.connection is not None:
            self.connection.close()


def error_sample(error: Exception) -> Sample:
    now = time.perf_counter()
    return Sample(f"error: {type(error).__name__}", 0.0, now)


def split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if n < total % parts else 0) for n in range(parts)]


def run_phase(label, port, clients, plan, per_address, first_identity, time_limit, prepare, act):
    """Run ``plan`` (one list of request arguments per client) on ``clients`` threads that
    start together; ``prepare(client)`` runs first (untimed) and returns a Sample or None,
    ``act(client, item, state)`` makes one request and returns a Sample."""
    phase = Phase(label, planned=sum(len(items) for items in plan))
    start = {"at": 0.0, "deadline": 0.0}

    def go():  # runs once, before any thread is released
        start["at"] = time.perf_counter()
        start["deadline"] = start["at"] + time_limit

    barrier = threading.Barrier(clients + 1, action=go)
    results: list[list[Sample]] = [[] for _ in range(clients)]
    prepared: list[Sample | None] = [None] * clients
    identities = [first_identity]
    for items in plan[:-1]:
        identities.append(identities[-1] + max(1, math.ceil(len(items) / per_address)) + 1)

    def worker(n: int):
        client = None
        state: dict = {}
        try:
            client = LoadClient(port, identities[n], per_address)
            if prepare is not None:
                try:
                    prepared[n], state = prepare(client)
                except Exception as error:
                    prepared[n] = error_sample(error)
        finally:
            try:
                barrier.wait(timeout=START_TIMEOUT)
            except threading.BrokenBarrierError:
                return
        try:
            for item in plan[n]:
                if time.perf_counter() >= start["deadline"]:
                    break
                try:
                    results[n].append(act(client, item, state))
                except Exception as error:
                    results[n].append(error_sample(error))
        finally:
            if client is not None:
                client.close()

    threads = [
        threading.Thread(target=worker, args=(n,), name=f"{label}-{n}", daemon=True)
        for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    try:
        barrier.wait(timeout=START_TIMEOUT + REQUEST_TIMEOUT * 2)
    except threading.BrokenBarrierError as error:
        raise SystemExit(f"{label}: the clients did not get ready in time") from error
    # Started requests finish at most REQUEST_TIMEOUT after the deadline (each one times out).
    hard_end = start["deadline"] + REQUEST_TIMEOUT * 2 + 5
    for thread in threads:
        thread.join(timeout=max(0.0, hard_end - time.perf_counter()))
    for n, samples in enumerate(results):
        phase.samples.extend(list(samples))
        if prepared[n] is not None:
            phase.prepared.append(prepared[n])
    if phase.samples:
        phase.wall = max(s.finished for s in phase.samples) - start["at"]
    stuck = sum(1 for thread in threads if thread.is_alive())
    if stuck:
        print(f"{label}: {stuck} client(s) still busy at the hard limit", file=sys.stderr)
    return phase


def booking_phase(port, seed_info, args, per_address, rng):
    page_path, book_path = seed_info["page_path"], seed_info["book_path"]
    sizes = [rng.randint(1, 3) for _ in range(args.requests)]
    counts = split(args.requests, args.clients)
    plan, offset = [], 0
    for n, count in enumerate(counts):
        plan.append([(n, offset + i, sizes[offset + i]) for i in range(count)])
        offset += count

    def prepare(client):
        status, _headers, content, seconds = client.request("GET", page_path)
        sample = Sample(status, seconds, time.perf_counter())
        match = CSRF_INPUT.search(content.decode("utf-8", "replace"))
        if status != 200 or not match or "csrftoken" not in client.cookies:
            raise RuntimeError(f"no CSRF token from the occurrence page ({status})")
        return sample, {"csrf": match.group(1)}

    def act(client, item, state):
        n, number, party_size = item
        if "csrf" not in state:
            raise RuntimeError("no CSRF token")
        body = urlencode(
            {
                "csrfmiddlewaretoken": state["csrf"],
                "nickname": f"負荷{n}-{number}",
                "party_size": str(party_size),
            }
        )
        status, headers, _content, seconds = client.request("POST", book_path, body)
        token = ""
        if status == ACCEPTED:
            match = TOKEN_LOCATION.match(headers.get("Location", ""))
            token = match.group(1) if match else ""
        return Sample(status, seconds, time.perf_counter(), party_size, token)

    return run_phase(
        "booking POST",
        port,
        args.clients,
        plan,
        per_address,
        0,
        args.time_limit,
        prepare,
        act,
    )


def trivial_phase(port, args, first_identity):
    plan = [[None] * count for count in split(args.requests, args.clients)]

    def act(client, _item, _state):
        status, _headers, _content, seconds = client.request("GET", WRITE_PATH)
        return Sample(status, seconds, time.perf_counter())

    return run_phase(
        "trivial write",
        port,
        args.clients,
        plan,
        10**9,
        first_identity,
        args.time_limit,
        None,
        act,
    )


def warm_up(port: int, paths: list[str], rounds: int) -> Counter:
    """A few sequential requests per path, so the workers have loaded URLconfs and
    templates before anything is timed."""
    statuses = Counter()
    for _ in range(rounds):
        for path in paths:
            connection = HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                statuses[(path, response.status)] += 1
            except OSError as error:
                statuses[(path, f"error: {type(error).__name__}")] += 1
            finally:
                connection.close()
    return statuses


# --------------------------------------------------------------------------------------------
# Checking the database


def task_counts(bench_url: str, table: str) -> Counter:
    """Queued background tasks (django-tasks' database backend) by task path."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(bench_url, connect_timeout=10) as conn:
        conn.execute("SET statement_timeout = '30s'")
        rows = conn.execute(
            sql.SQL("SELECT task_path, count(*) FROM {} GROUP BY task_path").format(
                sql.Identifier(table)
            )
        )
        return Counter(dict(rows.fetchall()))


def tasks_text(before: Counter, after: Counter) -> str:
    new = after - before
    if not new:
        return "0"
    return ", ".join(f"{n} {path.rsplit('.', 1)[-1]}" for path, n in new.most_common())


def check_database(bench_url, seed_info, booking: Phase, trivial_ok: int) -> dict:
    import psycopg
    from psycopg import sql

    bookings = sql.Identifier(seed_info["booking_table"])
    sessions = sql.Identifier(seed_info["session_table"])
    with psycopg.connect(bench_url, connect_timeout=10) as conn:
        conn.execute("SET statement_timeout = '30s'")
        by_status = {
            status: (count, persons)
            for status, count, persons in conn.execute(
                sql.SQL(
                    "SELECT status, count(*), coalesce(sum(party_size), 0) FROM {} "
                    "WHERE occurrence_id = %s GROUP BY status"
                ).format(bookings),
                [seed_info["occurrence_id"]],
            )
        }
        hashes = Counter(
            row[0]
            for row in conn.execute(
                sql.SQL("SELECT token_hash FROM {} WHERE occurrence_id = %s").format(bookings),
                [seed_info["occurrence_id"]],
            )
        )
        all_bookings = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(bookings)).fetchone()[
            0
        ]
        written = conn.execute(
            sql.SQL("SELECT count(*) FROM {} WHERE session_data = %s").format(sessions),
            [WRITE_MARKER],
        ).fetchone()[0]
        version = conn.execute("SHOW server_version").fetchone()[0]
    accepted = [s for s in booking.samples if s.status == ACCEPTED]
    tokens = [s.token for s in accepted]
    token_hashes = Counter(hashlib.sha256(t.encode()).hexdigest() for t in tokens if t)
    stored = sum(count for count, _ in by_status.values())
    stored_persons = sum(persons for _, persons in by_status.values())
    one_each = (
        all(tokens)
        and stored == all_bookings == len(accepted)
        and all(hashes.get(h, 0) == 1 for h in token_hashes)
        and sum(token_hashes.values()) == len(accepted)
        and stored_persons == sum(s.party_size for s in accepted)
    )
    confirmed = by_status.get("confirmed", (0, 0))
    waiting = by_status.get("waiting", (0, 0))
    other = {k: v for k, v in by_status.items() if k not in {"confirmed", "waiting"}}
    return {
        "version": version,
        "confirmed_bookings": confirmed[0],
        "confirmed_persons": confirmed[1],
        "waiting_bookings": waiting[0],
        "waiting_persons": waiting[1],
        "other_statuses": other,
        "stored": stored,
        "capacity_ok": confirmed[1] <= seed_info["capacity"],
        "one_each_ok": bool(one_each),
        "rows_written": written,
        "rows_ok": written == trivial_ok,
    }


# --------------------------------------------------------------------------------------------
# Reporting


def print_table(headers, rows):
    widths = [max(len(str(r[c])) for r in [headers, *rows]) for c in range(len(headers))]

    def line(cells):
        first = str(cells[0]).ljust(widths[0])
        rest = (str(cell).rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True))
        return " | ".join([first, *rest])

    print(line(headers))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(line(row))


def status_text(counter: Counter) -> str:
    return ", ".join(f"{k}: {v}" for k, v in sorted(counter.items(), key=lambda kv: str(kv[0])))


def report(header, seed_info, booking: Phase, trivial: Phase, db: dict, warm_ok: int, tasks):
    b_lat, t_lat = booking.latencies_ms(), trivial.latencies_ms()
    ratio = booking.throughput / trivial.throughput if trivial.throughput else math.nan
    b_status, t_status = booking.statuses, trivial.statuses
    refused = sum(b_status.get(code, 0) for code in REFUSED)
    csrf = sorted(s.seconds * 1000 for s in booking.prepared if isinstance(s.status, int))
    capacity = seed_info["capacity"]
    verdict = "PASS" if db["capacity_ok"] else "FAIL"
    rows = [
        [
            "requests planned / completed",
            f"{booking.planned} / {len(b_lat)}",
            f"{trivial.planned} / {len(t_lat)}",
        ],
        ["wall time s", f"{booking.wall:.2f}", f"{trivial.wall:.2f}"],
        ["throughput req/s", f"{booking.throughput:.1f}", f"{trivial.throughput:.1f}"],
        ["throughput ratio booking/trivial", f"{ratio:.2f}×", "1.00×"],
        ["latency p50 ms", f"{percentile(b_lat, 50):.1f}", f"{percentile(t_lat, 50):.1f}"],
        ["latency p95 ms", f"{percentile(b_lat, 95):.1f}", f"{percentile(t_lat, 95):.1f}"],
        ["latency max ms", f"{percentile(b_lat, 100):.1f}", f"{percentile(t_lat, 100):.1f}"],
        ["status codes", status_text(b_status), status_text(t_status)],
        [
            "accepted (303) / refused (400, 409, 429)",
            f"{b_status.get(ACCEPTED, 0)} / {refused}",
            "—",
        ],
        ["confirmed persons / capacity", f"{db['confirmed_persons']} / {capacity} {verdict}", "—"],
        ["confirmed bookings", str(db["confirmed_bookings"]), "—"],
        [
            "waiting list: bookings (persons)",
            f"{db['waiting_bookings']} ({db['waiting_persons']})",
            "—",
        ],
        [
            "one booking per accepted response",
            "PASS" if db["one_each_ok"] else f"FAIL ({db['stored']} stored)",
            "—",
        ],
        [
            "rows written (one per 200, + warm-ups)",
            "—",
            f"{db['rows_written']} {'PASS' if db['rows_ok'] else 'FAIL'}",
        ],
        [
            "CSRF page GETs: n, p50 / p95 ms (untimed)",
            f"{len(csrf)}, {percentile(csrf, 50):.0f} / {percentile(csrf, 95):.0f}",
            "—",
        ],
    ]
    rows.append(["background tasks queued", tasks[0], tasks[1]])
    if db["other_statuses"]:
        rows.append(["bookings in other statuses", str(db["other_statuses"]), "—"])
    print()
    print(header)
    print()
    print_table(["", "booking POST", f"trivial write GET {WRITE_PATH}"], rows)
    print(
        f"(warm-up before timing: {warm_ok} sequential requests; the trivial view's warm-up "
        "requests wrote rows too)"
    )


def scan_log(text: str) -> dict:
    return {
        "tracebacks": text.count("Traceback (most recent call last)"),
        "worker timeouts": text.count("WORKER TIMEOUT"),
        "error lines": sum(1 for line in text.splitlines() if "[ERROR]" in line),
    }


# --------------------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=40, help="concurrent clients (40)")
    parser.add_argument("--requests", type=int, default=400, help="requests per phase (400)")
    parser.add_argument("--capacity", type=int, default=150, help="seats of the date (150)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument(
        "--time-limit", type=float, default=MAX_TIME_LIMIT, help="seconds per phase (≤ 120)"
    )
    parser.add_argument("--seed", type=int, default=SEED, help="seed of the party sizes")
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=0,
        help="seconds the server keeps a database connection (0: one per request; "
        "production's default is 600)",
    )
    parser.add_argument(
        "--redis-url",
        default="",
        help="Redis for the server's cache and rate limits, e.g. redis://127.0.0.1:6379/9 "
        "(keys under a prefix of this run, deleted at the end; default: local memory)",
    )
    parser.add_argument(
        "--server-url",
        default=DEFAULT_SERVER_URL,
        help=f"PostgreSQL server to create {DB_NAME} on ({DEFAULT_SERVER_URL})",
    )
    args = parser.parse_args(argv)
    if args.clients < 1 or args.requests < 1 or args.capacity < 1 or args.workers < 1:
        parser.error("--clients, --requests, --capacity and --workers must be at least 1")
    if args.clients > args.requests:
        parser.error("--clients cannot exceed --requests")
    if not 0 < args.time_limit <= MAX_TIME_LIMIT:
        parser.error(f"--time-limit must be in (0, {MAX_TIME_LIMIT:.0f}]")
    if urlsplit(args.server_url).scheme not in ("postgres", "postgresql"):
        parser.error("--server-url must be a postgresql:// URL")
    if not ipaddress.ip_address(HOST).is_loopback:  # the load only ever goes to loopback
        parser.error("the target must be a loopback address")
    return args


@dataclass
class Load:
    """What ``measure_load`` found."""

    seed_info: dict
    booking: Phase
    trivial: Phase
    db: dict
    warm: Counter
    warm_ok: int
    tasks: tuple[str, str]
    log: str
    log_tail: str
    header: str
    extra: object = None  # what ``while_up`` returned


def redis_prefix(env: dict[str, str], redis_url: str) -> str:
    """Point the server at ``redis_url`` with a cache key prefix of its own (so its rate
    counters start from nothing and nobody else's keys are touched); the prefix."""
    prefix = f"ibasho-bench-{secrets.token_hex(6)}"
    env.update(REDIS_URL=redis_url, CACHE_KEY_PREFIX=prefix)
    return prefix


def drop_redis_keys(redis_url: str, prefix: str):
    """Delete the keys of this run (and only those)."""
    import redis

    client = redis.Redis.from_url(redis_url, socket_timeout=5)
    try:
        batch = []
        for key in client.scan_iter(match=f"{prefix}:*", count=500):
            batch.append(key)
            if len(batch) >= 500:
                client.delete(*batch)
                batch = []
        if batch:
            client.delete(*batch)
    finally:
        client.close()


def measure_load(args, bench_url, workdir: Path, while_up=None, seed_events=0) -> Load:
    """Migrate and seed the bench database, start gunicorn, run ``while_up(port, seed_info)``
    if given (its result is ``Load.extra``), then the booking and the trivial phase; check
    the database. The caller creates and drops the database."""
    import random

    import django

    import wagtail

    import gunicorn

    static_root, media_root = workdir / "static", workdir / "media"
    env = base_env(bench_url, static_root, media_root)
    env["CONN_MAX_AGE"] = str(getattr(args, "conn_max_age", 0))
    prefix = redis_prefix(env, args.redis_url) if args.redis_url else ""
    run_step(f"Migrating {DB_NAME}", ["manage.py", "migrate", "--noinput", "-v0"], env)
    run_step(
        "Collecting static files into a temporary folder",
        ["manage.py", "collectstatic", "--noinput", "-v0"],
        {**env, "DJANGO_SETTINGS_MODULE": "bench.load_settings"},
    )
    output = run_step(
        "Building the site and the bookable event",
        ["bench/load_seed.py", "--capacity", str(args.capacity), "--events", str(seed_events)],
        env,
    )
    seed_info = json.loads(output.strip().splitlines()[-1])
    limit, window = seed_info["address_rate_limit"]

    server = start_server(env, args.workers, workdir / "gunicorn.log", seed_info["page_path"])
    try:
        rounds = WARMUPS_PER_WORKER * args.workers
        warm = warm_up(server.port, [seed_info["page_path"], WRITE_PATH], rounds)
        warm_ok = sum(n for (_path, status), n in warm.items() if status == 200)
        warm_writes = warm.get((WRITE_PATH, 200), 0)
        extra = while_up(server.port, seed_info) if while_up else None

        print(
            f"Booking phase: {args.clients} clients, {args.requests} POSTs …",
            file=sys.stderr,
            flush=True,
        )
        rng = random.Random(args.seed)
        queued = [task_counts(bench_url, seed_info["task_table"])]
        booking = booking_phase(server.port, seed_info, args, limit, rng)
        queued.append(task_counts(bench_url, seed_info["task_table"]))
        print(
            f"Trivial phase: {args.clients} clients, {args.requests} GETs …",
            file=sys.stderr,
            flush=True,
        )
        first = math.ceil(args.requests / limit) + 2 * args.clients + 1
        trivial = trivial_phase(server.port, args, first)
        queued.append(task_counts(bench_url, seed_info["task_table"]))
    finally:
        server.stop()
        if prefix:
            drop_redis_keys(args.redis_url, prefix)
    tasks = (tasks_text(queued[0], queued[1]), tasks_text(queued[1], queued[2]))
    trivial_ok = sum(1 for s in trivial.samples if s.status == 200) + warm_writes
    db = check_database(bench_url, seed_info, booking, trivial_ok)

    cache = "Redis" if args.redis_url else "local memory"
    header = (
        f"PostgreSQL {db['version']} | gunicorn {gunicorn.__version__} sync: {args.workers} "
        f"workers × 1 thread | CONN_MAX_AGE={env['CONN_MAX_AGE']} | cache: {cache} | "
        f"clients: {args.clients} | requests per phase: "
        f"{args.requests} | capacity {seed_info['capacity']} persons, "
        f"{seed_info['booking_mode']}, at most {seed_info['max_party_size']} per booking | "
        f"party sizes 1-3 (seed {args.seed}) | rate limit {limit}/{window} s per address | "
        f"Python {platform.python_version()} | Django {django.get_version()} | "
        f"Wagtail {wagtail.__version__} | CPUs: {os.cpu_count()}"
    )
    return Load(
        seed_info,
        booking,
        trivial,
        db,
        warm,
        warm_ok,
        tasks,
        server.log_text(),
        server.log_tail(),
        header,
        extra,
    )


def problems_of(load: Load) -> list[str]:
    """Everything that went wrong: 5xx, connection errors, oversold seats, mismatches, log."""
    problems = []
    for phase in (load.booking, load.trivial):
        server_errors = sum(n for s, n in phase.statuses.items() if isinstance(s, int) and s >= 500)
        errors = sum(n for s, n in phase.statuses.items() if not isinstance(s, int))
        unexpected = sum(
            n
            for s, n in phase.statuses.items()
            if isinstance(s, int) and s < 500 and s not in (ACCEPTED, *REFUSED, 200)
        )
        if server_errors:
            problems.append(f"{phase.label}: {server_errors} responses 5xx")
        if errors:
            problems.append(f"{phase.label}: {errors} connection errors / timeouts")
        if unexpected:
            problems.append(f"{phase.label}: {unexpected} unexpected status codes")
        missing = phase.planned - len(phase.samples)
        if missing:
            problems.append(f"{phase.label}: {missing} requests not made (time limit)")
    prepared_failed = [s for s in load.booking.prepared if s.status != 200]
    if prepared_failed:
        problems.append(f"{len(prepared_failed)} clients got no CSRF token")
    if any(status != 200 for (_path, status) in load.warm):
        problems.append(f"warm-up answers: {dict(load.warm)}")
    db, capacity = load.db, load.seed_info["capacity"]
    if not db["capacity_ok"]:
        problems.append(f"OVERSOLD: {db['confirmed_persons']} confirmed persons > {capacity}")
    if not db["one_each_ok"]:
        problems.append("accepted responses and stored bookings do not match one to one")
    if not db["rows_ok"]:
        problems.append("the trivial view's rows do not match its 200 responses")
    found = scan_log(load.log)
    if any(found.values()):
        problems.append(f"gunicorn log: {found}")
    return problems


def run(args, bench_url, workdir: Path) -> bool:
    load = measure_load(args, bench_url, workdir)
    report(
        load.header, load.seed_info, load.booking, load.trivial, load.db, load.warm_ok, load.tasks
    )
    problems = problems_of(load)
    print()
    if problems:
        print("PROBLEMS:")
        for problem in problems:
            print(f"  - {problem}")
        print(f"\n--- last {LOG_TAIL} lines of gunicorn's log ---")
        print(load.log_tail)
        print("--- end of log ---")
        return False
    print(f"No problems: no 5xx, no connection errors, gunicorn log clean ({scan_log(load.log)}).")
    return True


def main(argv=None):
    args = parse_args(argv)
    admin_url, bench_url = database_urls(args.server_url)
    workdir = Path(tempfile.mkdtemp(prefix=f"ibasho-bench-load-{os.getpid()}-"))
    ok = False
    try:
        print(f"Creating {DB_NAME} …", file=sys.stderr, flush=True)
        create_database(admin_url)
        ok = run(args, bench_url, workdir)
    finally:
        try:
            drop_database(admin_url)
            print(f"Dropped {DB_NAME}.", file=sys.stderr)
        except Exception as error:
            print(f"Could not drop {DB_NAME}: {error!r}", file=sys.stderr)
        shutil.rmtree(workdir, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
