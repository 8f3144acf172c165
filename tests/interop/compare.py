"""Compare what a client shows with what the site has (its ``Occurrence`` rows).

The rule, for every client:

* a date that takes place is shown exactly once, at its (possibly moved) local time, with
  the event's title (a leading 【変更】 is allowed: the feed marks moved dates so);
* a cancelled date is either absent, or shown once *marked* cancelled: STATUS:CANCELLED
  where the client reads STATUS, or a title starting 【中止】 (calcurse has no status);
* nothing else is shown.

A client that gives no end for an all-day item (calcurse: its events are one day long) is
compared by start only, and a multi-day all-day date may show there as one-day items on
each of its days (calcurse does so for a single event) or on its first day only (for a
recurring one): that is the client's limit, not a feed error.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from .runners import Reading, Shown

MOVED_MARK = "【変更】"
CANCELLED_MARK = "【中止】"


@dataclass(frozen=True)
class Expected:
    """One ``Occurrence`` row as a client should show it."""

    start: str
    end: str
    all_day: bool
    title: str | None  # None: any title (the booking .ics has its own neutral title)
    cancelled: bool = False


def _bare_title(summary):
    for mark in (MOVED_MARK, CANCELLED_MARK):
        if summary.startswith(mark):
            return summary[len(mark) :]
    return summary


def _marked_cancelled(item: Shown):
    return item.status == "CANCELLED" or item.summary.startswith(CANCELLED_MARK)


def _matches(item: Shown, want: Expected):
    if item.start != want.start or item.all_day != want.all_day:
        return False
    if item.end is not None and item.end != want.end:
        return False
    return want.title is None or _bare_title(item.summary) == want.title


def _later_days(item: Shown, want: Expected):
    """Whether ``item`` is a one-day piece of ``want`` after its first day."""
    if not (want.all_day and item.all_day and item.end is None):
        return False
    first = datetime.date.fromisoformat(want.start)
    last = datetime.date.fromisoformat(want.end)
    day = datetime.date.fromisoformat(item.start)
    title_ok = want.title is None or _bare_title(item.summary) == want.title
    return first < day < last and title_ok


def problems(reading: Reading, expected: list[Expected]):
    """Readable lines for every way ``reading`` differs from ``expected`` (empty: agrees)."""
    found = [f"error: {message}" for message in reading.errors]
    used = Counter()
    for want in expected:
        hits = [i for i, item in enumerate(reading.shown) if _matches(item, want)]
        used.update(hits)
        used.update(i for i, item in enumerate(reading.shown) if _later_days(item, want))
        label = f"{want.start}–{want.end} {want.title or ''}".strip()
        if want.cancelled:
            unmarked = [i for i in hits if not _marked_cancelled(reading.shown[i])]
            if unmarked:
                found.append(f"cancelled date shown as taking place: {label}")
            elif len(hits) > 1:
                found.append(f"cancelled date shown {len(hits)} times: {label}")
        elif not hits:
            found.append(f"missing: {label}")
        else:
            if len(hits) > 1:
                found.append(f"shown {len(hits)} times: {label}")
            if any(_marked_cancelled(reading.shown[i]) for i in hits):
                found.append(f"shown as cancelled: {label}")
    for i, item in enumerate(reading.shown):
        if i not in used:
            found.append(f"not on the site: {item.start}–{item.end} {item.summary} ({item.uid})")
    return found


def summarise(found, limit=None):
    """A short cell for the results table: the kinds of problem with counts."""
    if not found:
        return "agrees"
    kinds = Counter(line.split(":", 1)[0] for line in found)
    return "; ".join(f"{kind} ×{count}" for kind, count in kinds.most_common(limit))
