"""Demo events: one or more of every category, across the demo organisations, with weekly
and monthly rules, a holiday consultation, a cancelled and a moved date, a women-only and
a mothers' meeting and an online lecture. Places are real Toshima neighbourhoods; the
venues are made up."""

import datetime

from django.utils import timezone

import recurrence

from home.demo import upsert_page
from home.models import HomePage, OrganisationPage, StandardPage

from .models import (
    AttendanceMode,
    Audience,
    CalendarSharePage,
    EventCategory,
    EventException,
    EventPage,
)
from .occurrences import planned_occurrences
from .schedules import TOKYO

T = datetime.time
SERIES_START = datetime.date(2026, 4, 1)  # the fiscal year the demo series began


def rule(text):
    return recurrence.deserialize(text)


def events(today):
    lecture_day = today + datetime.timedelta(days=30)
    return [
        {
            "org": "toshima-ward",
            "slug": "joint-consultation-fair",
            "title": "ひきこもり合同相談会",
            "category": "joint-consultation-fair",
            "summary": (
                "区の相談窓口と家族会・当事者団体が一緒に開く相談会です。"
                "ご本人もご家族も、予約なしで立ち寄れます。"
            ),
            "what_happens": (
                "<ul><li>受付で名札は付けません（匿名でかまいません）</li>"
                "<li>団体ごとのブースで個別にお話しできます</li>"
                "<li>見学だけ、資料を受け取るだけでも大丈夫です</li></ul>"
            ),
            "audience": Audience.ANYONE,
            "booking_mode": "none",
            "venue_name": "としま区民センター 会議室",
            "venue_address": "東京都豊島区東池袋1丁目",
            "venue_access": "JR池袋駅東口から徒歩7分。グリーン大通りを進み、右手の建物です。",
            "area": "池袋",
            "start_date": SERIES_START,
            "start_time": T(13, 30),
            "end_time": T(16, 30),
            "recurrence": rule("RRULE:FREQ=MONTHLY;BYDAY=3SU"),
            "skip_year_end": True,
            "co_hosts": ["hidamari-family", "peer-hotspace"],
            "moved": True,
        },
        {
            "org": "hidamari-family",
            "slug": "family-gathering",
            "title": "家族交流会 ひだまりの会",
            "category": "family-gathering",
            "summary": "ひきこもりの家族を持つ方どうしで、日ごろの思いを話し合う会です。",
            "what_happens": (
                "<ol><li>はじめに簡単なごあいさつ（名前は言わなくてかまいません）</li>"
                "<li>少人数に分かれて話し合い</li><li>お茶を飲みながら自由に交流</li></ol>"
            ),
            "audience": Audience.FAMILY,
            "booking_mode": "first_come",
            "capacity": 12,
            "max_party_size": 2,
            "venue_name": "区民ひろば大塚",
            "venue_address": "東京都豊島区北大塚",
            "venue_access": "JR大塚駅北口から徒歩5分。",
            "area": "大塚",
            "start_date": SERIES_START,
            "start_time": T(14, 0),
            "end_time": T(16, 0),
            "recurrence": rule("RRULE:FREQ=MONTHLY;BYDAY=2SA"),
            "skip_public_holidays": True,
            "skip_year_end": True,
            "cancelled": "会場の設備点検のため",
        },
        {
            "org": "peer-hotspace",
            "slug": "ux-womens-meeting",
            "title": "ひきこもりUX女子会 in としま",
            "category": "ux-womens-meeting",
            "summary": (
                "生きづらさを抱える女性のための集まりです。豊島区民でなくても参加できます。"
                "オンラインでも参加できます。"
            ),
            "audience": Audience.SELF,
            "women_only": True,
            "camera_off_ok": True,
            "booking_mode": "lottery",
            "capacity": 15,
            "max_party_size": 1,
            "booking_opens_days_before": 30,
            "lottery_residents_first": False,
            "lottery_first_timers_first": True,
            "attendance_mode": AttendanceMode.HYBRID,
            "meeting_link": "https://meet.example.jp/ux-joshikai-private",
            "venue_name": "池袋 男女平等推進センター 研修室",
            "venue_address": "東京都豊島区",
            "area": "池袋",
            "start_date": SERIES_START,
            "start_time": T(13, 0),
            "end_time": T(15, 30),
            "recurrence": rule("RRULE:FREQ=MONTHLY;BYDAY=4SA"),
            "skip_year_end": True,
            "co_hosts": ["tama-network"],
        },
        {
            "org": "toshima-ward",
            "slug": "ux-mothers-meeting",
            "title": "ひきこもりUXママ会",
            "category": "ux-mothers-meeting",
            "summary": "子育て中、または子育てを終えたお母さんどうしで話せる会です。",
            "audience": Audience.SELF,
            "women_only": True,
            "mothers_only": True,
            "venue_name": "巣鴨地域文化創造館 和室",
            "venue_address": "東京都豊島区巣鴨",
            "venue_access": "JR・都営三田線 巣鴨駅から徒歩8分。",
            "area": "巣鴨",
            "start_date": SERIES_START,
            "start_time": T(10, 0),
            "end_time": T(12, 0),
            "recurrence": rule("RRULE:FREQ=MONTHLY;BYDAY=1WE;UNTIL=20270331T000000"),
            "skip_public_holidays": True,
            "skip_year_end": True,
        },
        {
            "org": "toshima-ward",
            "slug": "lecture-online",
            "title": "講演会「家族にできること、家族だからできること」",
            "category": "lecture",
            "summary": (
                "ひきこもり支援に詳しい臨床心理士を招いた講演会です。オンラインで、"
                "カメラ・マイクはオフのままご参加いただけます。"
            ),
            "audience": Audience.ANYONE,
            "camera_off_ok": True,
            "booking_mode": "first_come",
            "capacity": 100,
            "attendance_mode": AttendanceMode.ONLINE,
            "meeting_link": "https://meet.example.jp/lecture-private",
            "start_date": lecture_day,
            "start_time": T(18, 30),
            "end_time": T(20, 0),
            "recurrence": None,
        },
        {
            "org": "toshima-ward",
            "slug": "holiday-consultation",
            "title": "休日相談（ご家族向け）",
            "category": "holiday-consultation",
            "summary": "平日に相談の時間がとれないご家族のための、土日・祝日の個別相談です。",
            "audience": Audience.FAMILY,
            "no_need_to_talk": False,
            "booking_mode": "appointment",
            "max_party_size": 3,
            "slot_minutes": 50,
            "slot_break_minutes": 10,
            "venue_name": "豊島区役所 相談室",
            "venue_address": "東京都豊島区南池袋2丁目",
            "venue_access": "東京メトロ有楽町線 東池袋駅から直結。",
            "area": "池袋",
            "start_date": SERIES_START,
            "start_time": T(10, 0),
            "end_time": T(16, 0),
            "recurrence": rule("RRULE:FREQ=DAILY"),
            "only_weekends_and_holidays": True,
            "skip_year_end": True,
        },
        {
            "org": "tama-network",
            "slug": "supporter-training",
            "title": "支援者のための勉強会",
            "category": "study-training",
            "summary": "民生委員や支援員の方を対象に、ひきこもり支援の基本を学ぶ勉強会です。",
            "audience": Audience.SUPPORTERS,
            "attendance_mode": AttendanceMode.HYBRID,
            "meeting_link": "https://meet.example.jp/training-private",
            # Online places need a registration: that is how the private link is given.
            "booking_mode": "first_come",
            "capacity": 40,
            "venue_name": "駒込地域文化創造館 第1会議室",
            "venue_address": "東京都豊島区駒込",
            "area": "駒込",
            "start_date": SERIES_START,
            "start_time": T(18, 30),
            "end_time": T(20, 0),
            "recurrence": rule("RRULE:FREQ=MONTHLY;BYDAY=2TU,4TU"),
            "skip_public_holidays": True,
            "skip_year_end": True,
        },
        {
            "org": "toshima-ward",
            "slug": "network-meeting",
            "title": "ひきこもり支援ネットワーク会議",
            "category": "network-meeting",
            "summary": "家族会、当事者団体、医師・弁護士などの専門家、民生委員が集まる会議です。",
            "audience": Audience.SUPPORTERS,
            "anonymous_ok": False,
            "venue_name": "豊島区役所 会議室",
            "venue_address": "東京都豊島区南池袋2丁目",
            "area": "池袋",
            "start_date": datetime.date(2026, 10, 1),
            "start_time": T(14, 0),
            "end_time": T(16, 0),
            "recurrence": rule("RRULE:FREQ=MONTHLY;INTERVAL=2;BYDAY=1TH;COUNT=6"),
        },
        {
            "org": "peer-hotspace",
            "slug": "tuesday-talk",
            "title": "火曜のおしゃべり会",
            "category": "family-gathering",
            "summary": "ご本人もご家族も、毎週火曜の午後にゆっくり話せる時間です。",
            "audience": Audience.ANYONE,
            "booking_mode": "none",
            "venue_name": "ほっとスペース 目白",
            "venue_address": "東京都豊島区目白",
            "venue_access": "JR目白駅から徒歩6分。",
            "area": "目白",
            "start_date": SERIES_START,
            "start_time": T(13, 0),
            "end_time": T(16, 0),
            "recurrence": rule("RRULE:FREQ=WEEKLY;BYDAY=TU"),
            "skip_public_holidays": True,
            "skip_year_end": True,
        },
    ]


def seed(command):
    today = timezone.now().astimezone(TOKYO).date()
    categories = {c.slug: c for c in EventCategory.objects.all()}
    organisations = {o.slug: o for o in OrganisationPage.objects.all()}
    for spec in events(today):
        spec = dict(spec)
        parent = organisations[spec.pop("org")]
        co_hosts = [organisations[s] for s in spec.pop("co_hosts", [])]
        cancelled_reason = spec.pop("cancelled", None)
        moved = spec.pop("moved", False)
        spec["category"] = categories[spec["category"]]
        page, _ = upsert_page(parent, EventPage, spec.pop("slug"), **spec)
        exceptions = _demo_exceptions(page, today, cancelled_reason, moved)
        changed = set(page.co_hosts.all()) != set(co_hosts)
        changed |= _exception_key(page.exceptions.all()) != _exception_key(exceptions)
        if changed:
            page.co_hosts = co_hosts
            page.exceptions = exceptions
            page.save_revision().publish()
    demo_bookings()
    command.stdout.write(f"イベント: {EventPage.objects.count()} 件")


def finish(command):
    """After every app's content exists (ibasho adds its category and places)."""
    from .demo_statistics import seed_statistics

    share_calendar_page()
    dates = seed_statistics()
    command.stdout.write(f"統計のデモデータ: 開催 {dates} 回（前年度と今年度）")


def contradictions():
    """``[(page title, message), …]`` for every live event and place whose words
    contradict its settings; ``seed_demo`` refuses to finish with any."""
    found = []
    for page in EventPage.objects.live().specific().order_by("path"):
        found += [(page.title, message) for message in page.contradictions()]
    return found


def demo_bookings():
    """A few registrations on the family gathering's next date (once)."""
    from .bookings.models import Booking
    from .bookings.registration import BookingRefused, register
    from .models import Occurrence

    event = EventPage.objects.filter(slug="family-gathering").first()
    if event is None or Booking.objects.filter(occurrence__event=event).exists():
        return
    upcoming = (
        Occurrence.objects.filter(event=event, start__gt=timezone.now(), status="scheduled")
        .order_by("start")
        .first()
    )
    if upcoming is None:
        return
    people = [
        ("匿名", 1, "family", "ward", True),
        ("ひまわり", 2, "family", "ward", False),
        ("K", 1, "self", "outside", True),
    ]
    for nickname, size, who, residence, first in people:
        try:
            register(
                upcoming.pk,
                party_size=size,
                nickname=nickname,
                who=who,
                residence=residence,
                first_time=first,
                channel="phone",
            )
        except BookingRefused:
            return


def share_calendar_page():
    """「カレンダーを共有する」: the calendars, their addresses (built when the page is
    shown) and how to subscribe in each app come from ``CalendarSharePage``; the demo
    writes its introduction and a word to partners. A plain page of the same address
    left by an older demo is replaced."""
    home = HomePage.objects.first()
    old = StandardPage.objects.child_of(home).filter(slug="calendar-share").first()
    if old is not None:
        old.delete()
    body = [
        {"type": "heading", "value": {"text": "連携自治体・団体の皆さまへ", "level": "h2"}},
        {
            "type": "paragraph",
            "value": (
                "<p>皆さまのイベントカレンダー（iCalendar 形式）のアドレスをお知らせいただければ、"
                "このサイトのカレンダーにも掲載し、元のページへのリンクを表示します。"
                "相談窓口までご連絡ください。</p>"
            ),
        },
    ]
    upsert_page(
        home,
        CalendarSharePage,
        "calendar-share",
        title="カレンダーを共有する",
        intro=(
            "このサイトのイベントは、Google カレンダー、iPhone・Mac のカレンダー、Outlook、"
            "Thunderbird などに登録して、いつでも確認できます。"
        ),
        body=body,
    )


def _demo_exceptions(page, today, cancelled_reason, moved):
    """A cancelled or moved date: the series' next date at least a week away."""
    if not (cancelled_reason or moved):
        return []
    now = datetime.datetime.combine(today, T(0, 0), tzinfo=TOKYO)
    upcoming = planned_occurrences(
        page, now + datetime.timedelta(days=7), now + datetime.timedelta(days=120)
    )
    if not upcoming:
        return []
    date = upcoming[0].original_date
    if cancelled_reason:
        return [EventException(original_date=date, kind="cancelled", reason=cancelled_reason)]
    return [
        EventException(
            original_date=date,
            kind="moved",
            reason="会場の都合により、この回のみ会場と時間が変わります",
            new_start_time=T(13, 0),
            new_end_time=T(16, 0),
            new_venue_name="としま区民センター 多目的ホール",
            new_venue_address="東京都豊島区東池袋1丁目",
        )
    ]


def _exception_key(exceptions):
    return sorted(
        (
            e.original_date,
            e.kind,
            e.reason,
            e.new_date,
            e.new_start_time,
            e.new_end_time,
            e.new_venue_name,
            e.new_venue_address,
        )
        for e in exceptions
    )
