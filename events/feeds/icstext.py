"""iCalendar content lines written directly, byte for byte as ``icalendar`` 7 writes them.

The feeds' VEVENTs are written here rather than through ``icalendar.Event``: building a
component and serialising it costs several times what the text itself needs, and a feed of
a thousand events has about 17,000 lines. The forms are icalendar's own (what its
``to_ical()`` gives for the same values), so a feed parsed and written again by icalendar
is byte for byte the same; ``tests/feeds/test_icstext.py`` compares each writer here with
icalendar, and the feed tests check the whole round trip.

Only the value types the feeds use are here: TEXT, DATE, DATE-TIME (Asia/Tokyo or UTC),
lists of those, INTEGER, URI, CAL-ADDRESS with a CN parameter. A VEVENT's properties
are written in icalendar's order: its ``canonical_order`` first, the rest alphabetically.
"""

import datetime

from icalendar import Parameters

from home.text import multi_line, single_line

TOKYO_PARAMS = ";TZID=Asia/Tokyo"
DATE_PARAMS = ";VALUE=DATE"
LIMIT = 75  # octets: icalendar folds before a line reaches this length
_CONTINUATION = 0x80  # UTF-8 continuation bytes are 0b10xxxxxx
_KEEP_WITH_NEXT = (ord("\\"), ord("^"))  # escape characters are not left at a line's end


def escape_line(value: str) -> str:
    """A one-line TEXT value (SUMMARY, LOCATION…): line breaks and control characters
    gone (``home.text``), then escaped."""
    return escape(single_line(value))


def escape(value: str) -> str:
    """A TEXT value (RFC 5545, 3.3.11) as ``icalendar.vText`` escapes it, after control
    characters are removed (a line break is kept)."""
    return (
        multi_line(value)
        .replace(r"\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", r"\;")
        .replace(",", r"\,")
        .replace("\r\n", r"\n")
        .replace("\n", r"\n")
        .replace("\r", r"\n")
    )


def fold(line: str) -> bytes:
    """One content line as UTF-8, folded as icalendar folds it: each physical line holds
    at most 74 octets of the content (the continuation's leading space makes 75), cut
    between characters, never right after a backslash or caret."""
    data = line.encode()
    if len(data) < LIMIT:
        return data
    parts = []
    start, size = 0, len(data)
    while size - start >= LIMIT:
        end = start + LIMIT - 1
        while data[end] & 0xC0 == _CONTINUATION:
            end -= 1  # back to the first byte of the character that would not fit
        if end - start > 1 and data[end - 1] in _KEEP_WITH_NEXT:
            end -= 1
        parts.append(data[start:end])
        start = end
    parts.append(data[start:])
    return b"\r\n ".join(parts)


def date_value(day: datetime.date) -> str:
    return f"{day.year:04}{day.month:02}{day.day:02}"


def local_value(moment: datetime.datetime) -> str:
    """A DATE-TIME in its own zone's wall-clock time (the caller gives the TZID)."""
    return (
        f"{moment.year:04}{moment.month:02}{moment.day:02}"
        f"T{moment.hour:02}{moment.minute:02}{moment.second:02}"
    )


def utc_value(moment: datetime.datetime) -> str:
    return local_value(moment.astimezone(datetime.UTC)) + "Z"


def cn_parameter(name: str) -> str:
    """``;CN=…`` with icalendar's quoting and RFC 6868 escaping (one call per event)."""
    return ";" + Parameters({"CN": single_line(name)}).to_ical().decode()
