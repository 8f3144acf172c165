"""Reading a partner's iCalendar file defensively. Pure, no Django: ``isolated`` runs it
in a child process with a memory limit, and tests call it directly.

What comes out is plain data (``ParsedOccurrence``), one item per date in the window:

- times are absolute and in Asia/Tokyo: TZIDs from VTIMEZONEs, Olson or Windows names are
  resolved by icalendar; a calendar's ``X-WR-TIMEZONE`` (Google) is applied with
  ``x-wr-timezone``; floating times without either are read as Japan time;
- all-day events stay dates;
- expansion (``recurring-ical-events``) is bounded by the window, per series and per
  feed, checked before it starts (``rules.check_rule``) and timed while it runs
  (``rules.Deadline``);
- a series that cannot be read is skipped and reported (``Problem``); a file that cannot be
  read at all raises ``Rejected``.
"""

import datetime
import hashlib
import zoneinfo
from dataclasses import dataclass, field

import icalendar
import recurring_ical_events
import x_wr_timezone

from .rules import Deadline, Limits, OutOfTime, SeriesProblem, check_rule, repaired_rule
from .text import one_line, plain_text, safe_link

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
UTC = datetime.UTC
PRIVATE_CLASSES = {"PRIVATE", "CONFIDENTIAL"}


@dataclass(frozen=True)
class ParsedOccurrence:
    """One date of a partner's event. ``start``/``end`` are dates when ``all_day`` (the end
    exclusive, as in iCalendar), else aware datetimes in Asia/Tokyo."""

    uid: str
    recurrence_id: str  # "" for a single event; else the original start, e.g. 20260509T050000Z
    start: datetime.date | datetime.datetime
    end: datetime.date | datetime.datetime
    all_day: bool
    title: str
    description: str = ""
    location: str = ""
    url: str = ""
    cancelled: bool = False
    moved: bool = False  # a changed date of a series (its RECURRENCE-ID differs from start)

    @property
    def original_date(self) -> datetime.date:
        """The date the series gives this occurrence (in Tokyo)."""
        if self.recurrence_id:
            return recurrence_date(self.recurrence_id)
        return self.start if self.all_day else self.start.date()


@dataclass(frozen=True)
class Problem:
    """Something left out: ``code`` names the reason (see ``reasons``), ``uid`` and
    ``summary`` the series when there is one."""

    code: str
    uid: str = ""
    summary: str = ""
    detail: str = ""


@dataclass
class ParseResult:
    occurrences: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    series: int = 0
    calendar_name: str = ""
    stats: dict = field(default_factory=dict)  # time and memory, when run by ``isolated``


class Rejected(Exception):  # noqa: N818 - the file is rejected, as a whole
    """The file cannot be imported at all; ``code`` says why (see ``reasons``)."""

    def __init__(self, code, detail=""):
        super().__init__(code, detail)
        self.code = code
        self.detail = str(detail)[:200]


def parse_calendar(data: bytes, window_start, window_end, limits=None) -> ParseResult:
    """Every occurrence in ``[window_start, window_end)`` (aware datetimes)."""
    limits = limits or Limits()
    deadline = Deadline(limits.max_total_seconds)
    try:
        return _parse(data, window_start, window_end, limits, deadline)
    except OutOfTime:
        raise Rejected("too_slow") from None
    except RecursionError:
        raise Rejected("unparseable", "nesting too deep") from None


def _parse(data, window_start, window_end, limits, deadline):
    result = ParseResult()
    calendars = read_calendars(data)
    components = 0
    for calendar in calendars:
        if not result.calendar_name and calendar.get("X-WR-CALNAME"):
            result.calendar_name = one_line(calendar.get("X-WR-CALNAME"), 100)
        calendar = _standard_times(calendar, result.problems)
        groups = _series_components(calendar)
        components += sum(len(group) for group in groups.values())
        for uid, group in groups.items():
            deadline.check()
            if len(result.occurrences) >= limits.max_per_feed:
                result.problems.append(Problem("feed_truncated", detail=str(limits.max_per_feed)))
                break
            summary = one_line(_first(group[0].get("SUMMARY")), 80)
            room = min(limits.max_per_series, limits.max_per_feed - len(result.occurrences))
            try:
                with deadline.series(limits.max_series_seconds):
                    items, truncated = _expand(
                        uid, group, window_start, window_end, limits, room, deadline
                    )
            except SeriesProblem as problem:
                result.problems.append(Problem(problem.code, uid, summary, problem.detail))
                continue
            except OutOfTime as out:
                if out.scope == "total":
                    raise
                result.problems.append(Problem("series_too_slow", uid, summary))
                continue
            except Exception as error:  # noqa: BLE001 - any library error skips this series only
                result.problems.append(Problem("bad_series", uid, summary, type(error).__name__))
                continue
            result.series += 1
            result.occurrences.extend(items)
            if truncated:
                result.problems.append(Problem("series_truncated", uid, summary, str(room)))
    if components and not result.series:
        raise Rejected("nothing_readable", _first_reasons(result.problems))
    result.occurrences.sort(key=lambda o: (_sort_key(o.start), o.uid, o.recurrence_id))
    return result


def _first_reasons(problems):
    return ", ".join(sorted({p.code for p in problems}))[:200]


# ------------------------------------------------------------------------------------------
# Reading the file


def read_calendars(data: bytes):
    """The VCALENDARs in ``data`` (bare VEVENTs are wrapped in one). Raises ``Rejected``."""
    if not data or not data.strip():
        raise Rejected("empty")
    text = _decode(data)
    head = text.lstrip()[:200].lower()
    if head.startswith(("<!doctype", "<html", "<?xml", "{", "[")):
        raise Rejected("not_calendar")
    if "begin:" not in text[:10000].lower():
        raise Rejected("not_calendar")
    try:
        components = icalendar.Calendar.from_ical(text, multiple=True)
    except Exception as error:  # noqa: BLE001 - the parser's own errors are all "cannot read"
        if _out_of_memory(error):
            raise MemoryError from None
        raise Rejected("unparseable", str(error)) from None
    calendars = [c for c in components if c.name == "VCALENDAR"]
    events = [c for c in components if c.name == "VEVENT"]
    if not calendars and events:
        wrapper = icalendar.Calendar()
        for event in events:
            wrapper.add_component(event)
        calendars = [wrapper]
    if not calendars:
        raise Rejected("no_calendar")
    return calendars


def _out_of_memory(error):
    """icalendar turns any error while parsing into a ValueError; the memory limit's
    MemoryError is then only in the chain."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, MemoryError):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Shift_JIS (cp932) as older Japanese systems
    write, else UTF-8 with replacement characters."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def _standard_times(calendar, problems):
    """Apply X-WR-TIMEZONE (Google's calendar-wide zone for floating and UTC times)."""
    name = calendar.get("X-WR-TIMEZONE")
    if name is None:
        return calendar
    try:
        zone = zoneinfo.ZoneInfo(str(name).strip())
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        problems.append(Problem("unknown_calendar_timezone", detail=str(name)[:60]))
        return calendar
    return x_wr_timezone.to_standard(calendar, timezone=zone)


def _series_components(calendar):
    """VEVENTs grouped by UID. Events without a UID get one made from their content, so
    the same event keeps the same key at the next import."""
    groups = {}
    for component in calendar.walk("VEVENT"):
        uid = str(component.get("UID", "")).strip()[:255]
        if not uid:
            uid = _made_uid(component)
            component["UID"] = uid
        groups.setdefault(uid, []).append(component)
    return groups


def _made_uid(component):
    names = ("DTSTART", "DTEND", "RECURRENCE-ID", "RRULE", "RDATE", "SUMMARY", "LOCATION")
    facts = [component.get(name) for name in names]
    raw = "|".join(_ical_text(value) for value in facts)
    return "nouid-" + hashlib.sha256(raw.encode("utf-8", "replace")).hexdigest()[:32]


def _ical_text(value):
    if value is None:
        return ""
    if isinstance(value, list):
        return ",".join(_ical_text(item) for item in value)
    try:
        return value.to_ical().decode("utf-8", "replace")
    except Exception:  # noqa: BLE001 - broken values still give a stable key
        return str(value)


# ------------------------------------------------------------------------------------------
# One series


def _check_component(component, window_end, limits):
    """Refuse what would be read wrongly or cost too much; repair what Exchange breaks."""
    if str(component.get("CLASS", "")).upper() in PRIVATE_CLASSES:
        raise SeriesProblem("private")
    start = _moment(component, "DTSTART", required=True)
    _moment(component, "DTEND")
    _moment(component, "RECURRENCE-ID")
    if component.get("DURATION") is not None:
        try:
            duration = component["DURATION"].dt
        except Exception:  # noqa: BLE001 - icalendar raises on reading a broken value
            duration = None
        if not isinstance(duration, datetime.timedelta):
            raise SeriesProblem("bad_end", "DURATION")
    rules = component.get("RRULE")
    if rules is not None:
        rules = rules if isinstance(rules, list) else [rules]
        repaired = [repaired_rule(rule) for rule in rules]
        for rule in repaired:
            check_rule(rule, start, window_end, limits.max_rule_steps)
        component.pop("RRULE")
        for rule in repaired:
            component.add("RRULE", rule)
    dates = 0
    for name in ("RDATE", "EXDATE"):
        values = component.get(name)
        if values is None:
            continue
        for value in values if isinstance(values, list) else [values]:
            try:
                listed = value.dts
                kinds = {type(item.dt) for item in listed}
            except Exception:  # noqa: BLE001 - icalendar raises on reading a broken value
                raise SeriesProblem("bad_dates", name) from None
            if datetime.time in kinds:
                raise SeriesProblem("bad_dates", f"{name};VALUE=TIME")
            dates += len(listed)
    if dates > limits.max_dates_per_series:
        raise SeriesProblem("too_many_dates", str(dates))


def _moment(component, name, required=False):
    value = component.get(name)
    if value is None:
        if required:
            raise SeriesProblem("no_start")
        return None
    if isinstance(value, list):
        raise SeriesProblem(
            "bad_start" if name == "DTSTART" else "bad_end", f"{name} ×{len(value)}"
        )
    try:
        moment = value.dt
    except Exception:  # noqa: BLE001 - icalendar raises on reading a broken value
        moment = None
    if not isinstance(moment, datetime.date):
        raise SeriesProblem("bad_start" if name == "DTSTART" else "bad_end", name)
    tzid = getattr(value, "params", {}).get("TZID")
    if tzid and isinstance(moment, datetime.datetime) and moment.tzinfo is None:
        raise SeriesProblem("unknown_timezone", str(tzid)[:60])
    return moment


class _Adapter(recurring_ical_events.EventAdapter):
    def __init__(self, component):
        super().__init__(component)
        self.source = component


class _Occurrence(recurring_ical_events.Occurrence):
    """An occurrence that keeps the VEVENT it comes from (the series' master or the
    changed date), so its texts are read once per VEVENT, not once per date."""

    def __init__(self, adapter, start=None, end=None, sequence=-1):
        super().__init__(adapter, start, end, sequence)
        self.source = adapter.source


class _Series(recurring_ical_events.Series):
    def occurrence(self, adapter, start=None, end=None):
        return _Occurrence(adapter, start, end, sequence=self.sequence)


def _expand(uid, components, window_start, window_end, limits, room, deadline):
    for component in components:
        _check_component(component, window_end, limits)
    recurring = len(components) > 1 or any(
        component.get(name) is not None
        for component in components
        for name in ("RRULE", "RDATE", "RECURRENCE-ID")
    )
    # Only the rule engine runs under the trace-based deadline (tracing costs time).
    series = deadline.call(_Series, [_Adapter(component) for component in components])
    occurrences = deadline.call(series.between, window_start, window_end)
    facts = {}
    items = []
    while True:
        occurrence = deadline.call(next, occurrences, None)
        if occurrence is None:
            return items, False
        if len(items) >= room:
            return items, True
        key = id(occurrence.source)
        if key not in facts:
            facts[key] = _facts(occurrence.source)
        items.append(_occurrence(uid, occurrence, recurring, facts[key]))


def _facts(component):
    """What every date of one VEVENT shares: texts, link, status, RECURRENCE-ID."""
    original = component.get("RECURRENCE-ID")
    return {
        "title": one_line(_first(component.get("SUMMARY")), 255),
        "description": plain_text(_first(_description(component)), 2000),
        "location": one_line(_first(component.get("LOCATION")), 120),
        "url": safe_link(_first(component.get("URL"))),
        "cancelled": str(_first(component.get("STATUS")) or "").upper() == "CANCELLED",
        "recurrence_id": recurrence_key(original.dt) if original is not None else "",
    }


def _first(value):
    """Properties that should appear once sometimes appear twice: the first one counts."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _occurrence(uid, occurrence, recurring, facts):
    start, end = occurrence.start, occurrence.end
    all_day = not isinstance(start, datetime.datetime)
    if all_day:
        if isinstance(end, datetime.datetime):
            end = end.date()
        if end is None or end <= start:
            end = start + datetime.timedelta(days=1)
    else:
        start = _tokyo(start)
        end = start if not isinstance(end, datetime.datetime) else max(_tokyo(end), start)
    recurrence_id, moved = "", False
    if recurring:
        recurrence_id = facts["recurrence_id"] or recurrence_key(start)
        moved = recurrence_id != recurrence_key(start)
    return ParsedOccurrence(
        uid=uid,
        recurrence_id=recurrence_id,
        start=start,
        end=end,
        all_day=all_day,
        title=facts["title"],
        description=facts["description"],
        location=facts["location"],
        url=facts["url"],
        cancelled=facts["cancelled"],
        moved=moved,
    )


def _description(component):
    """The plain description, or Outlook's HTML one (X-ALT-DESC) when that is all."""
    value = component.get("DESCRIPTION")
    if value is None or not str(value).strip():
        value = component.get("X-ALT-DESC")
    return value


def _tokyo(moment):
    if moment.tzinfo is None:  # floating time: read as Japan time
        return moment.replace(tzinfo=TOKYO)
    return moment.astimezone(TOKYO)


def recurrence_key(moment) -> str:
    """A stable text for an occurrence's original start: ``YYYYMMDD`` for a date, UTC
    ``YYYYMMDDTHHMMSSZ`` for a time (floating times read as Japan time)."""
    if not isinstance(moment, datetime.datetime):
        return moment.strftime("%Y%m%d")
    return _tokyo(moment).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def recurrence_date(key: str) -> datetime.date:
    """The Tokyo date of a ``recurrence_key``."""
    if len(key) == 8:
        return datetime.datetime.strptime(key, "%Y%m%d").date()  # noqa: DTZ007
    moment = datetime.datetime.strptime(key, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    return moment.astimezone(TOKYO).date()


def _sort_key(moment):
    if isinstance(moment, datetime.datetime):
        return moment
    return datetime.datetime(moment.year, moment.month, moment.day, tzinfo=TOKYO)
