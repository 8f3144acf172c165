"""Japanese wording of dates and schedules: ``2026年5月9日（土）14:00–16:00`` and
``毎週火曜 13:00–17:00（祝日・年末年始を除く）``.

Pure functions over the schedule engine's values (no database, no models).
"""

from __future__ import annotations

import datetime

import recurrence
from recurrence.base import to_weekday

from .schedules import TOKYO, WEEKDAYS_JA, Schedule, expand, local_date

_MIDNIGHT = datetime.time(0, 0)
_ONE_DAY = datetime.timedelta(days=1)
_WEEKDAYS_MON_FRI = (0, 1, 2, 3, 4)
_ALL_WEEKDAYS = (0, 1, 2, 3, 4, 5, 6)


def _format_time(t: datetime.time) -> str:
    # Unpadded hour, as in Japanese notices: 9:00, 13:30.
    return f"{t.hour}:{t.minute:02d}"


def format_date_ja(d: datetime.date) -> str:
    """``2026年5月9日（土）``. Aware datetimes are converted to Tokyo first."""
    d = local_date(d)
    return f"{d.year}年{d.month}月{d.day}日（{WEEKDAYS_JA[d.weekday()]}）"


def format_moment_ja(moment: datetime.datetime, today: datetime.date | None = None) -> str:
    """One point in time, as deadlines are written: ``12月8日（火）17:00``, with the year
    only when it is not ``today``'s year, and no clock time at midnight (``12月1日（火）``)."""
    moment = _to_tokyo(moment)
    day = moment.date()
    text = format_date_ja(day)
    if today is not None and today.year == day.year:
        text = text.removeprefix(f"{day.year}年")
    if moment.time() != _MIDNIGHT:
        text += _format_time(moment.time())
    return text


def _format_later_date_ja(d: datetime.date, since: datetime.date) -> str:
    """A second date in a range: the year is repeated only when it changes."""
    if d.year != since.year:
        return format_date_ja(d)
    return f"{d.month}月{d.day}日（{WEEKDAYS_JA[d.weekday()]}）"


def _to_tokyo(value: datetime.datetime) -> datetime.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        return value  # already Tokyo wall-clock time
    return value.astimezone(TOKYO)


def format_range_ja(start: datetime.datetime, end: datetime.datetime, all_day: bool) -> str:
    """Format an occurrence for display, in Tokyo time.

    ``2026年5月9日（土）14:00–16:00``; across days ``2026年5月9日（土）14:00 – 5月10日（日）12:00``;
    all-day ``2026年5月9日（土）終日`` or ``2026年5月9日（土）〜5月11日（月）`` (``end`` is the
    exclusive end, so the last day shown is the day before it). An unknown end (``end ==
    start``) shows the start time only; an end at the following midnight shows as 24:00.
    """
    start, end = _to_tokyo(start), _to_tokyo(end)
    first_day = start.date()
    if all_day:
        last_day = end.date() - _ONE_DAY if end.time() == _MIDNIGHT else end.date()
        if last_day <= first_day:
            return f"{format_date_ja(first_day)}終日"
        return f"{format_date_ja(first_day)}〜{_format_later_date_ja(last_day, first_day)}"

    head = f"{format_date_ja(first_day)}{_format_time(start.time())}"
    if end <= start:
        return head
    if end.date() == first_day:
        return f"{head}–{_format_time(end.time())}"
    if end.date() == first_day + _ONE_DAY and end.time() == _MIDNIGHT:
        return f"{head}–24:00"
    return f"{head} – {_format_later_date_ja(end.date(), first_day)}{_format_time(end.time())}"


def _format_plain_date_ja(d: datetime.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _describe_time(schedule: Schedule) -> str:
    """The time part of a recurring description: ``13:00–17:00``, ``終日`` …"""
    duration = schedule._duration()
    if schedule.all_day:
        days = duration.days
        return "終日" if days == 1 else f"終日（{days}日間）"
    start = datetime.datetime.combine(schedule.start_date, schedule.start_time)
    text = _format_time(schedule.start_time)
    if not duration:
        return text
    end = start + duration
    days = (end.date() - start.date()).days
    if days == 0:
        return f"{text}–{_format_time(end.time())}"
    if days == 1 and end.time() == _MIDNIGHT:
        return f"{text}–24:00"
    prefix = "翌日" if days == 1 else f"{days}日後の"
    return f"{text}–{prefix}{_format_time(end.time())}"


def _weekday_list(numbers: list[int]) -> str:
    return "・".join(WEEKDAYS_JA[n] for n in sorted(set(numbers))) + "曜"


def _position_ja(n: int) -> str:
    if n > 0:
        return f"第{n}"
    if n == -1:
        return "最終"
    return f"最後から{-n}番目の"


def _every(interval: int, unit: str, every: str, every_other: str) -> str:
    if interval == 1:
        return every
    if interval == 2:
        return every_other
    return f"{interval}{unit}ごと"


def _describe_monthly_positions(pairs: list[tuple[int, int]]) -> str:
    """``[(5, 2), (5, 4)]`` (weekday, position) -> ``第2・第4土曜``."""
    by_weekday: dict[int, list[int]] = {}
    for weekday, position in pairs:
        by_weekday.setdefault(weekday, []).append(position)
    parts = []
    for weekday, positions in by_weekday.items():
        # First, second … then counted from the end: 第1・第3・最終.
        ordered = sorted(set(positions), key=lambda n: (n < 0, n))
        parts.append("・".join(_position_ja(n) for n in ordered) + WEEKDAYS_JA[weekday] + "曜")
    return "・".join(parts)


def _describe_rule(rule: recurrence.Rule, start_date: datetime.date) -> str | None:
    """The pattern part (``毎週火曜``, ``毎月第2・第4土曜`` …) or None if not expressible."""
    if any(getattr(rule, p, None) for p in ("byyearday", "byweekno", "byhour", "byminute")):
        return None
    if getattr(rule, "bysecond", None) or getattr(rule, "bymonth", None):
        return None
    interval = rule.interval or 1
    days = [to_weekday(d) for d in getattr(rule, "byday", None) or []]
    setpos = list(getattr(rule, "bysetpos", None) or [])
    monthdays = list(getattr(rule, "bymonthday", None) or [])
    indexed = any(d.index for d in days)

    if rule.freq in (recurrence.DAILY, recurrence.WEEKLY):
        if setpos or monthdays or indexed:
            return None
        if rule.freq == recurrence.DAILY:
            if not days:
                return _every(interval, "日", "毎日", "隔日")
            if interval != 1:
                return None
        numbers = sorted({d.number for d in days} or {start_date.weekday()})
        if interval == 1 and tuple(numbers) == _ALL_WEEKDAYS:
            return "毎日"
        if interval == 1 and tuple(numbers) == _WEEKDAYS_MON_FRI:
            return "平日"
        return _every(interval, "週", "毎週", "隔週") + _weekday_list(numbers)

    if rule.freq == recurrence.MONTHLY:
        prefix = _every(interval, "か月", "毎月", "隔月")
        if monthdays:
            if days or setpos:
                return None
            ordered = sorted(set(monthdays), key=lambda n: (n < 0, n))
            if any(n < -1 for n in ordered):
                return None
            return prefix + "・".join("末" if n == -1 else str(n) for n in ordered) + "日"
        if days and setpos:
            if indexed or len(days) != 1:
                return None  # e.g. "last weekday of the month": rare, let the fallback say it
            return prefix + _describe_monthly_positions([(days[0].number, n) for n in setpos])
        if days:
            if not all(d.index for d in days):
                return None  # every Saturday of the month is just weekly
            return prefix + _describe_monthly_positions([(d.number, d.index) for d in days])
        if setpos:
            return None
        return f"{prefix}{start_date.day}日"

    if rule.freq == recurrence.YEARLY and not (days or setpos or monthdays):
        return _every(interval, "年", "毎年", "隔年") + f"{start_date.month}月{start_date.day}日"
    return None


def describe(schedule: Schedule) -> str:
    """A natural one-line Japanese description of the schedule, e.g.

    ``毎週火曜 13:00–17:00（祝日・年末年始を除く）``, ``毎月第2・第4土曜 14:00–16:00``,
    ``毎月第1日曜 10:00–12:00（2027年3月31日まで）``, ``土日・祝日 10:00–16:00``,
    ``2026年5月9日（土）14:00–16:00`` for a one-off. Anything the wording below cannot say
    (several rules, exclusion rules, unusual by-parameters) is described as ``不定期`` plus the
    time. Exclusion and extra dates are not mentioned: the occurrence list shows them.
    """
    if not schedule.is_recurring:
        first = expand(
            schedule,
            datetime.datetime.combine(schedule.start_date, _MIDNIGHT, tzinfo=TOKYO),
            datetime.datetime.combine(schedule.start_date + _ONE_DAY, _MIDNIGHT, tzinfo=TOKYO),
        )[0]
        return format_range_ja(first.start, first.end, first.all_day)

    rec = schedule.recurrence
    rule = rec.rrules[0] if len(rec.rrules) == 1 and not rec.exrules else None
    pattern = _describe_rule(rule, schedule.start_date) if rule is not None else None

    notes = []
    excluded = []
    if pattern is None:
        pattern = "不定期"
    elif schedule.only_weekends_and_holidays:
        if pattern == "毎日":
            # Every day, filtered down to weekends and holidays: say just that.
            pattern = "土日" if schedule.skip_public_holidays else "土日・祝日"
        else:
            notes.append("土日・祝日のみ")
    if schedule.skip_public_holidays and pattern != "土日":
        excluded.append("祝日")
    if schedule.skip_year_end:
        excluded.append("年末年始")
    if excluded:
        notes.append("・".join(excluded) + "を除く")
    if rule is not None and pattern != "不定期":
        if rule.count:
            notes.append(f"全{rule.count}回")
        elif rule.until is not None:
            notes.append(f"{_format_plain_date_ja(local_date(rule.until))}まで")

    text = f"{pattern} {_describe_time(schedule)}"
    if notes:
        text += "（" + "、".join(notes) + "）"
    return text
