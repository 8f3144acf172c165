"""Run real calendar clients on an .ics file and read back what each one shows.

Every runner prints one JSON line per occurrence shown over a window, in one shape::

    {"start": "2026-12-05T14:00" | "2026-12-05", "end": ... | null, "all_day": bool,
     "summary": "...", "status": "CANCELLED" | "CONFIRMED" | null, "uid": ...}

with local Asia/Tokyo times (all-day items as dates, end exclusive), or ``{"error": ...}``
for anything the client refused or complained about. The clients are installed by
``make interop-deps`` (Debian packages and ``npm ci`` in ``clients/``), never here.
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

CLIENT_DIR = Path(__file__).resolve().parent / "clients"
SYSTEM_PYTHON = "/usr/bin/python3"
TIMEOUT = 60  # seconds for one client on one file


@dataclass(frozen=True)
class Shown:
    """One occurrence as a client shows it."""

    start: str
    end: str | None  # None: the client has no end for it (calcurse's all-day events)
    all_day: bool
    summary: str
    status: str | None = None
    uid: str | None = None


@dataclass
class Reading:
    """What one client made of one file."""

    client: str
    shown: list[Shown] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _node(script):
    return ["node", str(CLIENT_DIR / script)]


# name -> command prefix (the file, first day and number of days are appended)
COMMANDS = {
    "libical": [SYSTEM_PYTHON, str(CLIENT_DIR / "libical_expand.py")],
    "ical.js": _node("icaljs_expand.mjs"),
    "rrule.js": _node("rrulejs_expand.mjs"),
    "ical-expander": _node("icalexpander_expand.mjs"),
}
CLIENTS = ("libical", "ical.js", "rrule.js", "calcurse", "ical-expander")


def missing_clients():
    """What ``make interop-deps`` has not installed yet, as readable lines."""
    missing = []
    if not Path(SYSTEM_PYTHON).exists():
        missing.append(SYSTEM_PYTHON)
    else:
        probe = subprocess.run(
            [
                SYSTEM_PYTHON,
                "-c",
                "import gi; gi.require_version('ICalGLib', '3.0'); "
                "from gi.repository import ICalGLib",
            ],
            capture_output=True,
            check=False,
        )
        if probe.returncode:
            missing.append("Debian packages python3-gi and gir1.2-ical-3.0")
    if shutil.which("node") is None:
        missing.append("node")
    for package in ("ical.js", "rrule", "ical-expander"):
        if not (CLIENT_DIR / "node_modules" / package / "package.json").exists():
            missing.append(f"npm package {package} in {CLIENT_DIR}")
    if shutil.which("calcurse") is None:
        missing.append("Debian package calcurse")
    return missing


def read(client, path, first_day, days):
    """Run ``client`` on the .ics file ``path`` over ``days`` days from ``first_day``
    (an ISO date, local Tokyo)."""
    if client == "calcurse":
        return _calcurse(path, first_day, days)
    env = {**os.environ, "TZ": "Asia/Tokyo"}  # a person in Tokyo
    done = subprocess.run(
        [*COMMANDS[client], str(path), first_day, str(days)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env=env,
        check=False,
    )
    reading = Reading(client)
    if done.returncode:
        reading.errors.append(f"exit {done.returncode}: {done.stderr.strip()[-500:]}")
    for line in done.stdout.splitlines():
        item = json.loads(line)
        if "error" in item:
            reading.errors.append(item["error"])
        else:
            reading.shown.append(Shown(**item))
    return reading


# calcurse prints a day header, then the items of that day; a multi-day appointment is
# listed under every day it covers, so only the line under its own start day is kept.
CALCURSE_FORMATS = {
    "--format-apt": "A\t%(start:%Y-%m-%dT%H:%M)\t%(end:%Y-%m-%dT%H:%M)\t%m\n",
    "--format-recur-apt": "A\t%(start:%Y-%m-%dT%H:%M)\t%(end:%Y-%m-%dT%H:%M)\t%m\n",
    "--format-event": "E\t%m\n",
    "--format-recur-event": "E\t%m\n",
}
_REPORT = re.compile(r"(\d+) apps? / (\d+) events? / (\d+) todos? / (\d+) skipped")


def _calcurse(path, first_day, days):
    """calcurse, headless in TZ=Asia/Tokyo: import the file into an empty data directory,
    then query its calendar. It has no STATUS (a cancelled item keeps its 【中止】 title) and
    its all-day events are one day long (no end)."""
    reading = Reading("calcurse")
    with tempfile.TemporaryDirectory(prefix="calcurse-") as home:
        env = {**os.environ, "TZ": "Asia/Tokyo", "TMPDIR": home, "HOME": home}
        data = Path(home) / "data"
        data.mkdir()
        imported = subprocess.run(
            ["calcurse", "-D", str(data), "-i", str(path)],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            env=env,
            check=False,
        )
        report = _REPORT.search(imported.stdout)
        if report is None:
            reading.errors.append(f"import failed: {imported.stdout}{imported.stderr}"[-500:])
        elif int(report.group(4)):
            reading.errors.append(f"import skipped {report.group(4)} item(s)")
            for log in Path(home).glob("calcurse_log.*"):
                for line in log.read_text(errors="replace").splitlines():
                    if line.startswith(("VEVENT", "VTODO")):
                        reading.errors.append(line)
        options = [arg for pair in CALCURSE_FORMATS.items() for arg in pair]
        query = subprocess.run(
            [
                "calcurse",
                "-D",
                str(data),
                "-Q",
                "--filter-type",
                "cal",
                "--input-datefmt",
                "4",
                "--output-datefmt",
                "%Y-%m-%d",
                "--from",
                first_day,
                "--days",
                str(days),
                *options,
            ],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            env=env,
            check=False,
        )
        if query.returncode:
            reading.errors.append(f"query failed: {query.stderr.strip()[-500:]}")
    day = None
    for line in query.stdout.splitlines():
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}:", line):
            day = line[:-1]
        elif line.startswith("E\t"):
            reading.shown.append(Shown(day, None, True, line[2:]))
        elif line.startswith("A\t"):
            _, start, end, summary = line.split("\t", 3)
            if start[:10] == day:
                reading.shown.append(Shown(start, end, False, summary))
    return reading
