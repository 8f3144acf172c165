"""Read-only load with Debian's ``wrk`` against the gunicorn that ``bench/run.py`` starts
(through ``bench_bookings.measure_load``): a trivial view, ``/events/``, an event page, the
all-events feed from the cache and the same feed answered 304.

Each URL is first requested once with ``http.client`` (the status must be 200, or 304 for
the conditional feed request; the feed's first request also fills its cache and gives its
ETag), then ``wrk`` runs for ``duration`` seconds with ``connections`` connections on two
threads, against 127.0.0.1 only, with ``bench/wrk/report.lua`` printing requests, errors and
the 50th and 95th latency percentiles as one JSON line. Any response that is not 2xx or 3xx
is an error in wrk's count, as are connection, read and write errors and timeouts (10 s).
"""

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from http.client import HTTPConnection
from pathlib import Path

HOST = "127.0.0.1"
SCRIPT = Path(__file__).resolve().parent / "wrk" / "report.lua"
FEED_PATH = "/events/calendar.ics"
TRIVIAL_PATH = "/bench-trivial/"  # bench/load_wsgi.py: no database, no middleware
THREADS = 2
TIMEOUT_S = 10


@dataclass
class WrkResult:
    path: str
    rps: float
    p50_ms: float
    p95_ms: float
    errors: int
    kb_per_response: float  # headers included
    requests: int


def check_wrk():
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: run `make bench-deps` (Debian's wrk).")


def fetch(port, path, headers=None):
    """``(status, headers)`` of one GET, the body read and dropped."""
    connection = HTTPConnection(HOST, port, timeout=TIMEOUT_S)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response.status, response.headers
    finally:
        connection.close()


def run_wrk(port, path, duration, connections, header=None) -> WrkResult:
    env = {**os.environ, "WRK_HEADER_NAME": "", "WRK_HEADER_VALUE": ""}
    if header:
        env.update(WRK_HEADER_NAME=header[0], WRK_HEADER_VALUE=header[1])
    command = [
        "wrk",
        "-t",
        str(min(THREADS, connections)),
        "-c",
        str(connections),
        "-d",
        f"{duration:g}s",
        "--timeout",
        f"{TIMEOUT_S}s",
        "-s",
        str(SCRIPT),
        f"http://{HOST}:{port}{path}",
    ]
    done = subprocess.run(  # noqa: S603  (wrk, our own arguments)
        command, env=env, capture_output=True, text=True, timeout=duration + 60, check=False
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("WRK_JSON ")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"wrk failed for {path} ({done.returncode}):\n{done.stdout}{done.stderr}")
    data = json.loads(lines[-1].removeprefix("WRK_JSON "))
    requests = data["requests"]
    errors = sum(data[kind] for kind in ("connect", "read", "write", "status", "timeout"))
    return WrkResult(
        path=path,
        rps=requests / (data["duration_us"] / 1e6),
        p50_ms=data["p50_us"] / 1000,
        p95_ms=data["p95_us"] / 1000,
        errors=errors,
        kb_per_response=data["bytes"] / max(requests, 1) / 1024,
        requests=requests,
    )


def run_all(port, seed_info, duration, connections) -> dict[str, WrkResult]:
    """The wrk rows, label → result."""
    status, headers = fetch(port, FEED_PATH)  # builds the feed into the cache
    etag = headers.get("ETag")
    if status != 200 or not etag:
        raise SystemExit(f"{FEED_PATH} answered {status} (ETag {etag!r})")
    plan = {
        "trivial view": (TRIVIAL_PATH, None, 200),
        "/events/": ("/events/", None, 200),
        "event page": (seed_info["event_path"], None, 200),
        "feed, cached 200": (FEED_PATH, None, 200),
        "feed, 304": (FEED_PATH, ("If-None-Match", etag), 304),
    }
    results = {}
    for label, (path, header, expected) in plan.items():
        status, _ = fetch(port, path, dict([header]) if header else None)
        if status != expected:
            raise SystemExit(f"{label}: {path} answered {status}, not {expected}")
        print(f"wrk: {label} ({duration:g} s) …", flush=True, file=sys.stderr)
        results[label] = run_wrk(port, path, duration, connections, header)
    return results
