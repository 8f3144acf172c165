#!/usr/bin/python3
"""Read an .ics file with libical (through GObject introspection, as Evolution does) and
print what a libical-based calendar shows over a window, one JSON line per occurrence.

Run with Debian's own ``/usr/bin/python3`` (``python3-gi`` and ``gir1.2-ical-3.0`` live
there, not in the project's virtualenv)::

    /usr/bin/python3 libical_expand.py FILE.ics 2026-12-01 400

Recurrences are expanded with libical's own ``icalcomponent_foreach_recurrence``, which
applies EXDATE; like Evolution (``e_cal_recur_generate_instances``), an instance that a
component with the same UID overrides through RECURRENCE-ID is replaced by that component.
libical's iTIP validator (``icalcomponent_check_restrictions``) runs too: each complaint is
printed as ``{"error": ...}``.
"""

import datetime
import json
import sys
import zoneinfo

import gi

gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib  # noqa: E402

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
UTC = datetime.UTC
VEVENT = ICalGLib.ComponentKind.VEVENT_COMPONENT


def errors(component):
    """The X-LIC-ERROR texts libical attached anywhere in ``component``."""
    found = []
    for line in component.as_ical_string().replace("\r\n ", "").splitlines():
        if line.startswith("X-LIC-ERROR"):
            found.append(line.split(":", 1)[1])
    return found


def vevents(calendar):
    component = calendar.get_first_component(VEVENT)
    while component is not None:
        yield component
        component = calendar.get_next_component(VEVENT)


def recurrence_id_epoch(calendar, component):
    """The RECURRENCE-ID as seconds since the epoch, or None (resolving its TZID against
    the calendar's VTIMEZONE, which ``get_recurrenceid`` leaves unresolved)."""
    prop = component.get_first_property(ICalGLib.PropertyKind.RECURRENCEID_PROPERTY)
    if prop is None:
        return None
    value = prop.get_recurrenceid()
    if value.is_date():
        return int(datetime.datetime.combine(value_date(value), datetime.time(), UTC).timestamp())
    tzid = prop.get_parameter_as_string("TZID")
    zone = calendar.get_timezone(tzid) if tzid else None
    if zone is None:
        zone = ICalGLib.Timezone.get_utc_timezone() if value.is_utc() else None
    return value.as_timet_with_zone(zone)


def value_date(value):
    return datetime.date(value.get_year(), value.get_month(), value.get_day())


def shown(calendar, start, end):
    """Yield one dict per occurrence a libical client shows in [start, end)."""
    window_start = ICalGLib.Time.new_from_timet_with_zone(
        int(start.timestamp()), 0, ICalGLib.Timezone.get_utc_timezone()
    )
    window_end = ICalGLib.Time.new_from_timet_with_zone(
        int(end.timestamp()), 0, ICalGLib.Timezone.get_utc_timezone()
    )
    components = list(vevents(calendar))
    overridden = {}
    for component in components:
        epoch = recurrence_id_epoch(calendar, component)
        if epoch is not None:
            overridden.setdefault(component.get_uid(), set()).add(epoch)
    for component in components:
        all_day = component.get_dtstart().is_date()
        is_override = recurrence_id_epoch(calendar, component) is not None
        length = datetime.timedelta(days=1)
        if all_day and not component.get_dtend().is_null_time():
            length = value_date(component.get_dtend()) - value_date(component.get_dtstart())
        skip = set() if is_override else overridden.get(component.get_uid(), set())
        spans = []

        def collect(_component, span, _data=None, spans=spans):
            spans.append((span.get_start(), span.get_end()))

        component.foreach_recurrence(window_start, window_end, collect)
        status = component.get_first_property(ICalGLib.PropertyKind.STATUS_PROPERTY)
        status_text = status.get_value_as_string() if status is not None else None
        for begin, finish in spans:
            if begin in skip:
                continue
            if all_day:
                # Date spans run from UTC midnight to 23:59:59 of the DTEND date (a
                # free/busy convention); Evolution shows DTSTART up to DTEND exclusive.
                first = datetime.datetime.fromtimestamp(begin, UTC).date()
                last = first + length
                start_text, end_text = first.isoformat(), last.isoformat()
                in_window = start.date() <= first < end.date()
            else:
                local_start = datetime.datetime.fromtimestamp(begin, TOKYO)
                local_end = datetime.datetime.fromtimestamp(finish, TOKYO)
                start_text = local_start.strftime("%Y-%m-%dT%H:%M")
                end_text = local_end.strftime("%Y-%m-%dT%H:%M")
                in_window = start <= local_start < end
            if in_window:
                yield {
                    "start": start_text,
                    "end": end_text,
                    "all_day": all_day,
                    "summary": component.get_summary() or "",
                    "status": status_text,
                    "uid": component.get_uid(),
                }


def main(path, first_day, days):
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    calendar = ICalGLib.Component.new_from_string(text)
    if calendar is None:
        print(json.dumps({"error": "libical could not parse the file"}))
        return
    for message in errors(calendar):
        print(json.dumps({"error": f"parse: {message}"}, ensure_ascii=False))
    checked = calendar.clone()
    checked.check_restrictions()
    for message in errors(checked):
        print(json.dumps({"error": f"validator: {message}"}, ensure_ascii=False))
    start = datetime.datetime.combine(
        datetime.date.fromisoformat(first_day), datetime.time(), TOKYO
    )
    end = start + datetime.timedelta(days=days)
    for item in shown(calendar, start, end):
        print(json.dumps(item, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
