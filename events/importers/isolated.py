"""Run the parser in a child process with its own memory and time limits, so a hostile or
huge calendar can cost a worker neither its memory nor its time.

The parent (``parse_isolated``) starts ``python -m events.importers.isolated``, writes a
one-line JSON header and the file to its stdin, and reads JSON back. The child limits its
own address space (``RLIMIT_AS``) and CPU time before it reads anything; the parent kills
it when the wall-clock budget is spent. Results travel as JSON (never pickle: the child
handles untrusted input). Pure, no Django.
"""

import datetime
import json
import os
import resource
import signal
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

from .parse import ParsedOccurrence, ParseResult, Problem, Rejected, parse_calendar
from .rules import Limits

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def parse_isolated(data, window_start, window_end, limits=None, memory_mb=1024, seconds=60):
    """``parse_calendar`` in a child process. Raises ``Rejected`` (also for "too_big"
    when the memory limit is hit, "too_slow" when time runs out, "crashed")."""
    limits = limits or Limits()
    header = {
        "window": [window_start.isoformat(), window_end.isoformat()],
        "limits": asdict(limits),
        "memory_mb": memory_mb,
        "cpu_seconds": int(seconds) + 5,
    }
    payload = json.dumps(header).encode() + b"\n" + data
    try:
        finished = subprocess.run(  # noqa: S603 - our own module, no shell
            [sys.executable, "-m", "events.importers.isolated"],
            input=payload,
            capture_output=True,
            timeout=seconds,
            cwd=PROJECT_ROOT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise Rejected("too_slow") from None
    try:
        answer = json.loads(finished.stdout)
    except ValueError:
        raise Rejected(*_why_it_stopped(finished)) from None
    if not answer.get("ok"):
        raise Rejected(answer.get("code", "crashed"), answer.get("detail", ""))
    return result_from_json(answer["result"])


# What a child that ran out of memory may leave on stderr before dying without an answer
# (Python's MemoryError, or a C library that could not allocate while loading).
OUT_OF_MEMORY = (b"MemoryError", b"Cannot allocate memory", b"out of memory", b"bad_alloc")


def _why_it_stopped(finished):
    """``(code, detail)`` for a child that wrote no answer."""
    if finished.returncode == -signal.SIGXCPU:
        return "too_slow", "cpu"
    if finished.returncode == -signal.SIGKILL or any(
        word in finished.stderr for word in OUT_OF_MEMORY
    ):
        return "too_big", "memory"
    return "crashed", f"exit {finished.returncode}"


def result_to_json(result: ParseResult, stats=None):
    return {
        "occurrences": [_occurrence_to_json(o) for o in result.occurrences],
        "problems": [asdict(p) for p in result.problems],
        "series": result.series,
        "calendar_name": result.calendar_name,
        "stats": stats or {},
    }


def result_from_json(data) -> ParseResult:
    return ParseResult(
        occurrences=[_occurrence_from_json(o) for o in data["occurrences"]],
        problems=[Problem(**p) for p in data["problems"]],
        series=data["series"],
        calendar_name=data["calendar_name"],
        stats=data.get("stats", {}),
    )


def _occurrence_to_json(occurrence):
    data = asdict(occurrence)
    data["start"] = occurrence.start.isoformat()
    data["end"] = occurrence.end.isoformat()
    return data


def _occurrence_from_json(data):
    parse = datetime.date.fromisoformat if data["all_day"] else datetime.datetime.fromisoformat
    return ParsedOccurrence(**{**data, "start": parse(data["start"]), "end": parse(data["end"])})


def _limit_self(memory_mb, cpu_seconds):
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))


def _status_kb(field):
    """A figure in kB from /proc/self/status (``VmPeak``, ``VmHWM``…), or None."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


def _near_memory_limit(memory_mb):
    """Whether the address space came close to the limit (icalendar turns a MemoryError
    inside its parser into "cannot parse", sometimes without a trace of the cause)."""
    peak = _status_kb("VmPeak")
    return peak is not None and peak > memory_mb * 1024 * 0.85


def _peak_rss_kb():
    """This process's own peak resident memory. Not ``ru_maxrss``: Linux carries the
    parent's resident size into it across fork and exec, so a child of a large process
    (a long test run, a busy worker) would report the parent's size."""
    peak = _status_kb("VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main():
    stdin = sys.stdin.buffer
    header = json.loads(stdin.readline())
    _limit_self(header["memory_mb"], header["cpu_seconds"])
    # Kept until an answer must be written after memory ran out, then freed for it.
    ballast = bytearray(4 * 1024 * 1024)
    data = stdin.read()
    window_start, window_end = (datetime.datetime.fromisoformat(v) for v in header["window"])
    started = time.monotonic()
    try:
        result = parse_calendar(data, window_start, window_end, Limits(**header["limits"]))
        del data
        stats = {
            "seconds": round(time.monotonic() - started, 3),
            "max_rss_kb": _peak_rss_kb(),
        }
        answer = {"ok": True, "result": result_to_json(result, stats)}
    except Rejected as rejected:
        answer = {"ok": False, "code": rejected.code, "detail": rejected.detail}
        if rejected.code == "unparseable" and _near_memory_limit(header["memory_mb"]):
            answer = {"ok": False, "code": "too_big"}
    except MemoryError:
        del ballast
        answer = {"ok": False, "code": "too_big"}
    sys.stdout.write(json.dumps(answer, ensure_ascii=False))
    sys.stdout.flush()
    os._exit(0)  # skip interpreter teardown: the answer is written


if __name__ == "__main__":
    main()
