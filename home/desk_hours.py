"""When the consultation desk is open: pure functions over its opening hours (days, times,
public holidays, the year-end closure), in Asia/Tokyo. The site shows out-of-hours help
lines while the desk is closed and says when it opens next."""

import datetime
import zoneinfo
from functools import lru_cache

from django.utils.translation import gettext as _

import holidays

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
WEEKDAYS_JA = "月火水木金土日"
OPEN_DAYS = {"weekdays": range(5), "mon_sat": range(6), "every_day": range(7)}


@lru_cache(maxsize=8)
def _holidays(year):
    return holidays.country_holidays("JP", years=year)


def _is_year_end(day):
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def is_open_day(desk, day):
    if day.weekday() not in OPEN_DAYS.get(desk.open_days, ()):
        return False
    if desk.closed_on_public_holidays and day in _holidays(day.year):
        return False
    return not (desk.closed_at_year_end and _is_year_end(day))


def has_hours(desk):
    return bool(desk.opens_at and desk.closes_at and desk.opens_at < desk.closes_at)


def is_open(desk, now):
    """True while the desk is open; None when its hours are not set."""
    if not has_hours(desk):
        return None
    local = now.astimezone(TOKYO)
    return is_open_day(desk, local.date()) and desk.opens_at <= local.time() < desk.closes_at


def next_opening(desk, now, days_ahead=14):
    """The next time the desk opens after ``now`` (aware, Tokyo), or None."""
    if not has_hours(desk):
        return None
    local = now.astimezone(TOKYO)
    for offset in range(days_ahead + 1):
        day = local.date() + datetime.timedelta(days=offset)
        opening = datetime.datetime.combine(day, desk.opens_at, tzinfo=TOKYO)
        if opening > local and is_open_day(desk, day):
            return opening
    return None


def moment_ja(moment, now):
    """「今日 8:30」, 「明日 8:30」 or 「12月1日（火）8:30」 (dates are written the Japanese
    way in both languages, as everywhere on the site)."""
    day, today = moment.date(), now.astimezone(TOKYO).date()
    clock = f"{moment.hour}:{moment.minute:02d}"
    if day == today:
        return _("today at %(time)s") % {"time": clock}
    if day == today + datetime.timedelta(days=1):
        return _("tomorrow at %(time)s") % {"time": clock}
    return f"{day.month}月{day.day}日（{WEEKDAYS_JA[day.weekday()]}）{clock}"
