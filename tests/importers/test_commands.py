"""The commands: ``import_feed`` imports one file or URL and says so in one line, or
fails with a one-line reason; ``import_partner_feeds`` refreshes what is due, with a
progress bar on a terminal."""

import datetime
import io

from django.core.management import CommandError, call_command
from django.utils import timezone

import pytest

from events.models import Occurrence, PartnerFeed

pytestmark = pytest.mark.django_db


def ics(days=(3, 4)):
    events = ""
    for number, offset in enumerate(days):
        start = timezone.now() + datetime.timedelta(days=offset)
        events += (
            f"BEGIN:VEVENT\r\nUID:{number}@partner\r\nSUMMARY:会 {number}\r\n"
            f"DTSTART:{start:%Y%m%dT%H%M00Z}\r\nEND:VEVENT\r\n"
        )
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n{events}END:VCALENDAR\r\n".encode()


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_import_a_file(tmp_path, partner, inprocess):
    path = tmp_path / "partner.ics"
    path.write_bytes(ics())
    output = run("import_feed", str(path), "--organisation", "hidamari")
    assert output == "「ファイル：partner.ics」：2 件の日程（新規 2・変更 0・削除 0）。\n"
    feed = PartnerFeed.objects.get(name="ファイル：partner.ics")
    assert feed.enabled and feed.url == "" and feed.organisation == partner
    path.write_bytes(ics(days=(3,)))
    output = run("import_feed", str(path), "--organisation", "hidamari")
    assert "削除 1" in output
    assert Occurrence.objects.filter(feed=feed).count() == 1


def test_import_a_url(feed_server, partner, inprocess, loopback_allowed):
    url = feed_server.route("/cal.ics", body=ics())
    output = run("import_feed", url, "--organisation", "hidamari", "--name", "ひだまり")
    assert output.startswith("「ひだまり」：2 件の日程")
    feed = PartnerFeed.objects.get(url=url)
    assert feed.enabled and feed.last_success_at is not None


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("/nonexistent/partner.ics", "を読めません"),
        ("http://10.0.0.1/calendar.ics", "内部のネットワーク"),
        ("ftp://example.jp/calendar.ics", "http:// または https://"),
    ],
)
def test_failures_are_one_line_and_leave_nothing_behind(partner, inprocess, source, reason):
    with pytest.raises(CommandError) as caught:
        run("import_feed", source, "--organisation", "hidamari")
    message = str(caught.value)
    assert reason in message and "\n" not in message
    assert not PartnerFeed.objects.exists()


def test_a_broken_file_is_refused_with_its_reason(tmp_path, partner, inprocess):
    path = tmp_path / "broken.ics"
    path.write_bytes(
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    with pytest.raises(CommandError) as caught:
        run("import_feed", str(path), "--organisation", "hidamari")
    assert str(caught.value) == (
        "「ファイル：broken.ics」：取り込めませんでした。"
        "ファイルの予定を一つも読み取れませんでした。（開始日時がありません）"
    )


def test_an_unknown_organisation(tmp_path, site_tree):
    with pytest.raises(CommandError, match="団体「nosuch」が見つかりません。"):
        run("import_feed", str(tmp_path / "x.ics"), "--organisation", "nosuch")


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_refresh_due_feeds_with_a_progress_bar_on_a_terminal(
    feed_server, partner, inprocess, loopback_allowed, capsys
):
    for number, name in enumerate(("一", "二")):
        PartnerFeed.objects.create(
            name=name,
            url=feed_server.route(f"/{number}.ics", body=ics()),
            organisation=partner,
            enabled=True,
        )
    plain = run("import_partner_feeds")
    assert plain.splitlines() == [
        "「一」：2 件の日程（新規 2・変更 0・削除 0）。",
        "「二」：2 件の日程（新規 2・変更 0・削除 0）。",
        "2 件のカレンダーを更新しました（失敗 0 件）。",
    ]
    assert run("import_partner_feeds") == "更新の時期が来た連携先のカレンダーはありません。\n"
    terminal = Terminal()
    call_command("import_partner_feeds", "--all", stdout=terminal)
    shown = capsys.readouterr().out
    assert "2/2" in shown and "「一」：前回の取得から変わっていません。" in shown
    assert terminal.getvalue() == "2 件のカレンダーを更新しました（失敗 0 件）。\n"
