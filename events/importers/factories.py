"""Partner calendars for tests and benchmarks, shaped like what Google Calendar and
Outlook publish: single events, weekly and monthly series with cancelled and moved dates,
all-day events, HTML descriptions, Japanese text, folded lines, CRLF."""

import datetime
import random

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
TITLES = (
    "家族のつどい",
    "ひきこもり相談会",
    "居場所カフェ",
    "講演会「親ができること」",
    "ピアサポートの会",
    "就労体験説明会",
    "オンライン交流会",
    "休日相談",
)
PLACES = ("区民ひろば南", "地域文化創造館 第2会議室", "保健所 2階", "オンライン", "")


def _fold(line):
    """Fold at 75 octets as RFC 5545 asks (UTF-8 characters kept whole)."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += encoded
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def _escape(text):
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def realistic_feed(events=5000, first_day=None, seed=1, name="連携自治体のイベント"):
    """An iCalendar document with ``events`` VEVENT series (bytes, UTF-8, CRLF)."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    first_day = first_day or datetime.date.today() - datetime.timedelta(days=20)
    lines = [
        "BEGIN:VCALENDAR",
        "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{name}",
        "X-WR-TIMEZONE:Asia/Tokyo",
        "BEGIN:VTIMEZONE",
        "TZID:Asia/Tokyo",
        "BEGIN:STANDARD",
        "TZOFFSETFROM:+0900",
        "TZOFFSETTO:+0900",
        "TZNAME:JST",
        "DTSTART:19700101T000000",
        "END:STANDARD",
        "END:VTIMEZONE",
    ]
    for number in range(events):
        day = first_day + datetime.timedelta(days=rng.randrange(0, 400))
        hour = rng.choice((10, 13, 14, 18))
        uid = f"{number:06d}-{rng.getrandbits(40):010x}@example.lg.jp"
        title = f"{rng.choice(TITLES)}（第{number}回）"
        description = (
            f"<p>{title}のお知らせです。<br>どなたでも参加できます。</p>"
            f"<ul><li>参加費：無料</li><li>申込：不要</li></ul>"
            f'<p>詳しくは<a href="https://example.lg.jp/e/{number}">こちら</a></p>'
        )
        kind = rng.random()
        event = [
            "BEGIN:VEVENT",
            f"UID:{uid}",
            "DTSTAMP:20260101T000000Z",
            f"SUMMARY:{_escape(title)}",
            f"DESCRIPTION:{_escape(description)}",
            f"LOCATION:{_escape(rng.choice(PLACES))}",
            f"URL:https://example.lg.jp/events/{number}",
            "STATUS:CONFIRMED",
            "SEQUENCE:0",
        ]
        if kind < 0.1:  # all-day
            event += [
                f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
                f"DTEND;VALUE=DATE:{day + datetime.timedelta(days=1):%Y%m%d}",
            ]
        else:
            event += [
                f"DTSTART;TZID=Asia/Tokyo:{day:%Y%m%d}T{hour:02d}0000",
                f"DTEND;TZID=Asia/Tokyo:{day:%Y%m%d}T{hour + 2:02d}0000",
            ]
        overrides = []
        if 0.1 <= kind < 0.25:  # weekly for ten weeks, one date cancelled, one moved
            event.append(f"RRULE:FREQ=WEEKLY;COUNT=10;BYDAY={WEEKDAYS[day.weekday()]}")
            cancelled = day + datetime.timedelta(weeks=3)
            event.append(f"EXDATE;TZID=Asia/Tokyo:{cancelled:%Y%m%d}T{hour:02d}0000")
            moved = day + datetime.timedelta(weeks=5)
            overrides = [
                "BEGIN:VEVENT",
                f"UID:{uid}",
                "DTSTAMP:20260101T000000Z",
                f"RECURRENCE-ID;TZID=Asia/Tokyo:{moved:%Y%m%d}T{hour:02d}0000",
                f"DTSTART;TZID=Asia/Tokyo:{moved:%Y%m%d}T{hour + 1:02d}0000",
                f"DTEND;TZID=Asia/Tokyo:{moved:%Y%m%d}T{hour + 3:02d}0000",
                f"SUMMARY:{_escape(title)}（時間変更）",
                "SEQUENCE:1",
                "END:VEVENT",
            ]
        elif 0.25 <= kind < 0.3:  # monthly on the second Saturday, a year long
            event.append("RRULE:FREQ=MONTHLY;COUNT=12;BYDAY=2SA")
        elif 0.3 <= kind < 0.33:
            event[event.index("STATUS:CONFIRMED")] = "STATUS:CANCELLED"
        event.append("END:VEVENT")
        lines += event + overrides
    lines.append("END:VCALENDAR")
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode("utf-8")
