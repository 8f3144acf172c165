"""Demo ibasho: six places around Toshima (made-up venues at real neighbourhoods), with
varied opening times, one online only and one for women."""

import datetime
from decimal import Decimal

import recurrence

from events.models import EventCategory
from home.demo import upsert_page
from home.models import OrganisationPage

from .models import IbashoPage

T = datetime.time
START = datetime.date(2026, 4, 1)

PLACES = [
    (
        "toshima-ward",
        "ikebukuro-space",
        "居場所 いけぶくろ",
        "池袋",
        "池袋駅",
        "35.729500",
        "139.710900",
        "RRULE:FREQ=WEEKLY;BYDAY=TU,FR",
        T(13, 0),
        T(17, 0),
        {"step_free": True},
    ),
    (
        "hidamari-family",
        "otsuka-cafe",
        "ひだまりカフェ 大塚",
        "大塚",
        "大塚駅",
        "35.731800",
        "139.728600",
        "RRULE:FREQ=MONTHLY;BYDAY=1SA,3SA",
        T(14, 0),
        T(16, 0),
        {"kind": "cafe", "audience": "family", "fee": 200, "fee_note": "飲み物代"},
    ),
    (
        "peer-hotspace",
        "komagome-room",
        "ほっとスペース 駒込",
        "駒込",
        "駒込駅",
        "35.736500",
        "139.747000",
        "RRULE:FREQ=WEEKLY;BYDAY=WE",
        T(12, 0),
        T(18, 0),
        {"kind": "peer_meeting", "audience": "self", "quiet_room": True},
    ),
    (
        "tsunagu-te",
        "sugamo-garden",
        "つなぐ手の庭 巣鴨",
        "巣鴨",
        "巣鴨駅",
        "35.733400",
        "139.739300",
        "RRULE:FREQ=WEEKLY;BYDAY=SA",
        T(10, 0),
        T(15, 0),
        {"step_free": True, "accessible_toilet": True},
    ),
    (
        "peer-hotspace",
        "mejiro-women",
        "女性のための居場所 目白",
        "目白",
        "目白駅",
        "35.721200",
        "139.706600",
        "RRULE:FREQ=MONTHLY;BYDAY=2SU,4SU",
        T(13, 0),
        T(16, 0),
        {
            "women_only": True,
            "booking_mode": "first_come",
            "capacity": 8,
            "max_party_size": 1,
        },
    ),
    (
        "tama-network",
        "online-evening",
        "オンライン居場所 よるのへや",
        "",
        "",
        None,
        None,
        "RRULE:FREQ=WEEKLY;BYDAY=TH",
        T(20, 0),
        T(22, 0),
        {
            "kind": "online",
            "attendance_mode": "online",
            "camera_off_ok": True,
            "meeting_link": "https://meet.example.jp/yoru-private",
        },
    ),
]


def seed(command):
    category = EventCategory.objects.get(slug="ibasho")  # from ibasho's data migration
    for org, slug, title, area, station, lat, lon, rule, start, end, extra in PLACES:
        parent = OrganisationPage.objects.get(slug=org)
        fields = {
            "title": title,
            "category": category,
            "summary": "予約なしで立ち寄れる、安心して過ごせる場所です。話さなくても大丈夫です。",
            "area": area,
            "nearest_station": station,
            "venue_name": title,
            "venue_address": f"東京都豊島区{area}（詳しい場所はお問い合わせください）"
            if area
            else "",
            "venue_access": f"{station}から徒歩5分ほどです。" if station else "",
            "latitude": Decimal(lat) if lat else None,
            "longitude": Decimal(lon) if lon else None,
            "start_date": START,
            "start_time": start,
            "end_time": end,
            "recurrence": recurrence.deserialize(rule),
            "skip_public_holidays": True,
            "skip_year_end": True,
            **extra,
        }
        upsert_page(parent, IbashoPage, slug, **fields)
    command.stdout.write(f"居場所: {IbashoPage.objects.count()} 件")
