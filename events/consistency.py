"""Contradictions a page's own fields can reveal: its words say one thing, its settings
another (「予約なしで立ち寄れる」 on a page that takes bookings, 「どなたでも」 on a page for
women only …). A frightened reader believes the words and meets the settings at the door.

``seed_demo`` refuses demo content with any of these; the rules read only what the model
holds, so they cannot judge everything (a wrong address, a wrong time).
"""

import re

from django.utils.html import strip_tags

from .choices import AttendanceMode, BookingMode

NO_BOOKING_WORDS = (
    "予約なし",
    "予約不要",
    "予約は不要",
    "予約はいりません",
    "申し込み不要",
    "申込不要",
)
BOOKING_WORDS = ("事前に申し込", "事前申込", "事前のお申し込み", "要予約", "予約制", "要申込")
ANYONE_WORDS = ("どなたでも", "誰でも", "だれでも")
WOMEN_WORDS = ("女性限定", "女性のみ", "女性専用")
COME_AND_GO_WORDS = ("出入り自由", "出入りは自由", "いつ来ても", "いつでも来て")
ONLINE_WORDS = ("オンラインでも参加", "オンラインで参加")
OTHER_RESIDENTS_WORDS = ("区民でなくても", "区外の方も", "区民以外の方も")


def page_text(page, extra_fields=()):
    """Everything a visitor reads about the page, as plain text."""
    parts = [page.title, page.summary, strip_tags(page.what_happens or "")]
    for name in extra_fields:
        parts.append(strip_tags(str(getattr(page, name, "") or "")))
    if page.body:
        for piece in page.body.stream_block.get_searchable_content(page.body):
            parts.append(strip_tags(str(piece)))
    return re.sub(r"\s+", " ", " ".join(parts))


def _says(text, words):
    return next((word for word in words if word in text), None)


def event_contradictions(page, text=None):
    """``[message, …]``: where the page's words contradict its settings."""
    text = page_text(page) if text is None else text
    found = []
    takes_bookings = page.booking_mode != BookingMode.NONE
    limited = page.booking_mode in {BookingMode.FIRST_COME, BookingMode.LOTTERY}
    if takes_bookings and (word := _says(text, NO_BOOKING_WORDS)):
        found.append(f"「{word}」と書かれていますが、申し込みが必要な設定です")
    if not takes_bookings and (word := _says(text, BOOKING_WORDS)):
        found.append(f"「{word}」と書かれていますが、予約不要の設定です")
    if (page.women_only or page.mothers_only) and (word := _says(text, ANYONE_WORDS)):
        found.append(f"「{word}」と書かれていますが、対象が限られています（女性・母親）")
    if not page.women_only and (word := _says(text, WOMEN_WORDS)):
        found.append(f"「{word}」と書かれていますが、「女性のみ」の設定になっていません")
    if limited and page.capacity and (word := _says(text, COME_AND_GO_WORDS)):
        found.append(f"「{word}」と書かれていますが、定員のある申し込み制です")
    if page.attendance_mode == AttendanceMode.IN_PERSON and (word := _says(text, ONLINE_WORDS)):
        found.append(f"「{word}」と書かれていますが、会場のみの設定です")
    if not page.all_municipalities_welcome and (word := _says(text, OTHER_RESIDENTS_WORDS)):
        found.append(f"「{word}」と書かれていますが、区外の方は対象外の設定です")
    if page.attendance_mode != AttendanceMode.IN_PERSON and not takes_bookings:
        found.append(
            "オンライン参加の方法は申し込んだ方にだけ届きますが、申し込みを受け付けない設定です"
        )
    if page.fee and "無料" in text:
        found.append("「無料」と書かれていますが、参加費が設定されています")
    return found
