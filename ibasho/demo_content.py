"""Demo ibasho: six places around Toshima (made-up venues at real neighbourhoods), with
varied opening times, one online only and one for women that takes bookings.

Each place's words must agree with its settings: ``seed_demo`` refuses contradictions
(``IbashoPage.contradictions``)."""

import datetime
from decimal import Decimal

import recurrence

from events.models import EventCategory
from home.demo import upsert_page
from home.models import OrganisationPage

from .models import IbashoPage

T = datetime.time
START = datetime.date(2026, 4, 1)
DROP_IN = "予約なしで立ち寄れる、安心して過ごせる場所です。話さなくても大丈夫です。"

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
        {"step_free": True, "summary": DROP_IN},
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
        {
            "kind": "cafe",
            "audience": "family",
            "fee": 200,
            "fee_note": "飲み物代",
            "summary": "ご家族がお茶を飲みながら過ごせるカフェです。予約なしで立ち寄れます。"
            "話さなくても大丈夫です。",
        },
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
        {"kind": "peer_meeting", "audience": "self", "quiet_room": True, "summary": DROP_IN},
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
        {"step_free": True, "accessible_toilet": True, "summary": DROP_IN},
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
            "kind": "peer_meeting",
            "women_only": True,
            "booking_mode": "first_come",
            "capacity": 8,
            "max_party_size": 1,
            # Seats are limited, so it is not "come and go as you like".
            "join_late_leave_early": False,
            "summary": "女性だけで過ごせる、少人数の居場所です。"
            "定員があるため、事前にお申し込みください。話さなくても大丈夫です。",
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
            # The meeting link is private: it reaches people who register for the evening.
            "booking_mode": "first_come",
            "booking_closes_days_before": 0,
            "booking_closes_time": T(20, 0),
            "summary": "夜に、オンラインで顔を出さずに過ごせる居場所です。人数の制限はありません。"
            "その日の20時までに申し込むと、参加のしかたが表示されます。",
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
            "area": area,
            "nearest_station": station,
            "venue_name": title,
            "venue_address": f"東京都豊島区{area}" if area else "",
            # The demo's venues are made up: their pages say whom to ask for the place.
            "address_on_request": bool(area),
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
