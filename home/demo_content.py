"""Demo content for the site frame: home, sections, organisations, the consultation desk.

Drawn from Toshima ward's FY2023 hikikomori support plan (see shared/seed). Names of
partner organisations are made up; phone numbers and addresses are placeholders.
"""

import datetime

from django.apps import apps

from wagtail.models import Page

from .demo import ensure_site_root, remove_welcome_page, upsert_page
from .models import (
    ConsultationDesk,
    HomePage,
    OrganisationIndexPage,
    OrganisationKind,
    OrganisationPage,
    OutOfHoursHelp,
    SiteIdentity,
    StandardPage,
)

SITE_NAME = "ひきこもり支援 イベント・居場所"
CALENDAR_NAME = "としまの予定"  # what subscribed calendars are called: neutral

# National help lines for when the ward's desk is closed, with their published hours
# (checked in November 2026 on the lines' own pages; see docs/help_lines.md).
HELP_LINES = [
    {
        "name": "よりそいホットライン",
        "phone": "0120-279-338",
        "hours": "24時間・年中無休",
        "note": "通話料無料。暮らしの困りごと、どんなことでも",
    },
    {
        "name": "東京いのちの電話",
        "phone": "03-3264-4343",
        "hours": "24時間・年中無休",
        "note": "名乗らなくても大丈夫です（通話料がかかります）",
    },
    {
        "name": "自殺予防いのちの電話（フリーダイヤル）",
        "phone": "0120-783-556",
        "hours": "毎日16:00–21:00（毎月10日は8:00–翌日8:00）",
        "note": "通話料無料",
    },
]


def paragraph(html):
    return {"type": "paragraph", "value": html}


def heading(text):
    return {"type": "heading", "value": {"text": text, "level": "h2"}}


ORGANISATIONS = [
    {
        "slug": "toshima-ward",
        "title": "豊島区 ひきこもり相談窓口",
        "kind": OrganisationKind.WARD_OFFICE,
        "verified": True,
        "summary": (
            "臨床心理などの専門知識を持った生きづらさ支援員が、ご本人やご家族のお話を伺います。"
            "休日相談や合同相談会も開いています。"
        ),
        "description": (
            "<p>ひきこもり相談窓口への初回相談の約7割はご家族からです。"
            "「どのように接していいかわからない」「家族亡きあとの生活が心配」など、"
            "どんなことでもご相談ください。</p>"
            "<p>強制しない支援、断らない支援を目指しています。</p>"
        ),
        "contact_name": "生きづらさ支援担当",
        "phone": "03-0000-0000",
        "email": "soudan@example.jp",
        "address": "東京都豊島区（所在地はお問い合わせください）",
    },
    {
        "slug": "hidamari-family",
        "title": "としま家族会 ひだまり",
        "kind": OrganisationKind.FAMILY_ASSOCIATION,
        "verified": True,
        "summary": (
            "ひきこもりの家族を持つ親やきょうだいの会です。月に一度、家族交流会を開いています。"
        ),
        "description": (
            "<p>同じ立場の家族どうしで、話したいことを話し、聞きたいことを聞く場です。"
            "話さずに聞いているだけでも大丈夫です。</p>"
        ),
        "contact_name": "事務局",
        "email": "hidamari@example.jp",
    },
    {
        "slug": "peer-hotspace",
        "title": "当事者会 ほっとスペース",
        "kind": OrganisationKind.PEER_GROUP,
        "verified": True,
        "summary": "ひきこもり経験者が運営する当事者団体です。居場所と女子会を開いています。",
        "description": (
            "<p>ひきこもり経験者が主体となって活動しています。"
            "名前を名乗らなくても、途中で帰っても大丈夫です。</p>"
        ),
        "contact_name": "ほっとスペース 運営メンバー",
        "email": "hotspace@example.jp",
    },
    {
        "slug": "tama-network",
        "title": "多摩・島しょ広域連携 ひきこもり支援ネットワーク",
        "kind": OrganisationKind.PARTNER_MUNICIPALITY,
        "verified": True,
        "summary": (
            "多摩・島しょ地域の自治体が連携して、女子会や研修会を共同で開いています。"
            "区民以外の方も参加できます。"
        ),
        "description": (
            "<p>他自治体と一緒にイベントをつくりあげることで、自治体間の新たなつながりが"
            "生まれています。互いのイベントをカレンダーで共有しています。</p>"
        ),
        "website": "https://example.jp/tama-network/",
    },
    {
        "slug": "tsunagu-te",
        "title": "NPO法人 つなぐ手",
        "kind": OrganisationKind.NPO,
        "verified": False,
        "summary": "就労準備支援と連携し、地域のイベントに有志で参加する活動をしています。",
        "description": (
            "<p>地域の清掃活動やお祭りのお手伝いなど、無理のない範囲で参加できます。</p>"
        ),
        "contact_name": "事務局",
        "email": "tsunagu@example.jp",
    },
]


def seed(command):
    root = Page.get_first_root_node()  # created by Wagtail's migrations
    remove_welcome_page(root)
    home, _ = upsert_page(
        root,
        HomePage,
        "home",
        title=SITE_NAME,
        intro=(
            "ひとりで抱え込まず、まずは知ることから。豊島区と地域の団体が開く相談会・"
            "家族交流会・居場所をご案内します。名前を出さずに申し込めるものもあります。"
        ),
        body=[
            heading("はじめての方へ"),
            paragraph(
                "<p>どのイベントも、途中から参加したり途中で帰ったりしてかまいません。"
                "話さずに聞いているだけでも大丈夫です。</p>"
            ),
        ],
    )
    site = ensure_site_root(home, SITE_NAME)

    upsert_page(
        home,
        _model("events", "EventIndexPage"),
        "events",
        title="イベント",
        show_in_menus=True,
        intro="相談会、家族交流会、女子会、講演会など、これから開かれる催しの一覧です。",
    )
    upsert_page(
        home,
        _model("ibasho", "IbashoIndexPage"),
        "ibasho",
        title="居場所",
        show_in_menus=True,
        intro="安心して過ごせる場所の地図と一覧です。予約のいらない場所もあります。",
    )
    partners, _ = upsert_page(
        home,
        OrganisationIndexPage,
        "partners",
        title="団体",
        show_in_menus=True,
        intro="区と一緒にひきこもり支援に取り組む団体です。",
    )
    contact, _ = upsert_page(
        home,
        StandardPage,
        "soudan",
        title="相談する",
        show_in_menus=True,
        intro="電話でもメールでも、匿名でのご相談もできます。ご家族からのご相談も歓迎します。",
        body=[
            heading("相談窓口"),
            paragraph(
                "<p>平日 8:30–17:15 に電話でご相談いただけます。"
                "土日・祝日は休日相談（予約制）をご利用ください。</p>"
            ),
            heading("名前を言わなくても大丈夫です"),
            paragraph("<p>お名前やご住所を伺わずにお話を聞くこともできます。</p>"),
        ],
    )
    upsert_page(
        home,
        StandardPage,
        "about",
        title="このサイトについて",
        intro="豊島区のひきこもり支援の取り組みと、連携団体の催し・居場所をまとめたサイトです。",
        body=[
            paragraph(
                "<p>申し込みのときにお預かりした情報は、催しの運営のためだけに使い、"
                "開催日から一定の期間が過ぎると消去します。</p>"
            ),
        ],
    )

    for spec in ORGANISATIONS:
        spec = dict(spec)
        upsert_page(partners, OrganisationPage, spec.pop("slug"), **spec)

    desk = ConsultationDesk.for_site(site)
    desk.name = "豊島区 ひきこもり相談窓口"
    desk.phone = "03-0000-0000"
    desk.hours = "平日 8:30–17:15（土日・祝日・年末年始を除く）"
    desk.email = "soudan@example.jp"
    desk.anonymous_note = "匿名でのご相談もできます"
    desk.contact_page = contact
    desk.open_days = "weekdays"
    desk.opens_at = datetime.time(8, 30)
    desk.closes_at = datetime.time(17, 15)
    desk.closed_on_public_holidays = desk.closed_at_year_end = True
    desk.save()
    identity = SiteIdentity.for_site(site)
    identity.public_name = SITE_NAME  # the demo keeps its name; a ward may choose a neutral one
    identity.calendar_name = CALENDAR_NAME
    identity.save()
    out_of_hours_help(site)
    command.stdout.write(f"サイト: {site.site_name} / 団体 {len(ORGANISATIONS)} 件")
    demo_people(command)


def out_of_hours_help(site):
    help_lines = OutOfHoursHelp.for_site(site)
    help_lines.heading = "今すぐ誰かと話したいとき"
    help_lines.intro = (
        "相談窓口が閉まっている時間も、電話で話を聞いてもらえます。名前を言わなくても大丈夫です。"
        "受付時間は変わることがあるため、各窓口の案内もご確認ください。"
    )
    help_lines.lines = [("line", line) for line in HELP_LINES]
    help_lines.save()


DEMO_PASSWORD = "ibasho-demo"  # noqa: S105  (local demo accounts only; printed on purpose)


def demo_people(command):
    """Ward staff and two partners' editors, so the roles can be tried out."""
    from django.contrib.auth import get_user_model

    from .partners import add_partner, ensure_ward_staff, ensure_workflow

    staff_group = ensure_ward_staff()
    ensure_workflow()
    user_model = get_user_model()
    staff, _ = user_model.objects.get_or_create(
        username="ward-staff", defaults={"email": "staff@example.jp", "is_staff": True}
    )
    staff.groups.add(staff_group)
    logins = [("区職員", staff)]
    for slug, username in (
        ("hidamari-family", "hidamari-editor"),
        ("peer-hotspace", "hotspace-editor"),
    ):
        organisation = OrganisationPage.objects.get(slug=slug)
        result = add_partner(organisation.title, organisation.kind, slug=slug)
        editor, _ = user_model.objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.jp"}
        )
        editor.groups.add(result.group)
        logins.append((organisation.title, editor))
    for label, user in logins:
        if not user.has_usable_password() or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save()
        command.stdout.write(f"  {label}: {user.username} / {DEMO_PASSWORD}")


def _model(app_label, model_name):
    # The index pages belong to apps that build on this one; home never imports them.
    return apps.get_model(app_label, model_name)
