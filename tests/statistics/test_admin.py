"""The statistics in the admin: who sees what, small cells hidden on the page, in the
printable summary and in the XLSX export, and charts a screen reader can read."""

import re
from io import BytesIO

from django.contrib.auth import get_user_model
from django.utils import timezone

import pytest
from openpyxl import load_workbook

from events.statistics.report import count_cells, fiscal_year_label, rate_cell
from events.tally import fiscal_year

from .conftest import book, event_on, held, tokyo

pytestmark = pytest.mark.django_db

CELL = re.compile(r'<td class="stats-table__cell stats-table__cell--(\w+)[^"]*">([^<]*)</td>')


def test_small_counts_and_their_companions_are_hidden():
    cells = count_cells([12, 3, 20, 0, 8])
    assert [c.text for c in cells] == ["12", "5未満", "20", "0", "＊"]
    assert [c.value for c in cells] == [12, None, 20, 0, None]
    # Two small cells hide each other; none needs a companion.
    assert [c.text for c in count_cells([4, 1, 9])] == ["5未満", "5未満", "9"]
    assert [c.text for c in count_cells([5, 0])] == ["5", "0"]
    # A rate is hidden whenever one of its counts is.
    people, attended = count_cells([10], group=False)[0], count_cells([3], group=False)[0]
    assert rate_cell(attended, people).text == "—" and rate_cell(attended, people).hidden
    assert rate_cell(count_cells([7], group=False)[0], people).text == "70.0%"


def test_fiscal_year_labels():
    assert fiscal_year_label(2026) == "2026年度（令和8年度）"
    assert fiscal_year_label(2019) == "2019年度（令和元年度）"
    assert fiscal_year_label(2018) == "2018年度（平成30年度）"


@pytest.fixture
def year_2026(world):
    """FY2026: a gathering of partner A with 3 family members (a small cell) and 9 others,
    and a lecture of partner B with 8 supporters; FY2025: 6 people at A's gathering."""
    _, gathering = event_on(world.a, tokyo(2026, 5, 9, 14, 0), category="family-gathering")
    book(gathering, times=3, attended=2, who="family", residence="outside")
    book(gathering, times=9, attended=9, who="self", residence="ward", first_time=True)
    _, lecture = event_on(world.b, tokyo(2026, 6, 2, 18, 30), category="lecture")
    book(lecture, times=8, attended=6, who="supporter", residence="ward")
    _, last_year = event_on(world.a, tokyo(2025, 5, 10, 14, 0), category="family-gathering")
    book(last_year, times=6, attended=6, who="family", residence="ward")
    for occurrence in (gathering, lecture, last_year):
        held(occurrence)
    return world


def page_cells(html):
    """The text of every cell of people or bookings (dates held may be small)."""
    return [text for kind, text in CELL.findall(html) if kind != "held"]


def test_ward_staff_see_every_event_with_small_cells_hidden(client, year_2026):
    client.force_login(year_2026.staff)
    response = client.get("/admin/statistics/2026/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "2026年度（令和8年度）" in html and "2025年度（令和7年度）" in html
    assert "家族会A" in html and "当事者会B" in html
    cells = page_cells(html)
    assert "20" in cells  # people in FY2026: 12 + 8
    assert "6" in cells  # people in FY2025, beside it
    # The three family members of FY2026 are never shown as a number.
    assert "5未満" in cells
    assert not any(cell in {"1", "2", "3", "4"} for cell in cells)


def test_the_export_hides_the_same_cells(client, year_2026):
    client.force_login(year_2026.staff)
    response = client.get("/admin/statistics/2026/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert "statistics-2026.xlsx" in response["Content-Disposition"]
    book_ = load_workbook(BytesIO(response.content))
    assert [s.title for s in book_.worksheets] == ["概要", "月別", "種類別", "団体別"]
    summary = book_["概要"]
    rows = {row[0]: row[1:] for row in summary.iter_rows(values_only=True) if row and row[0]}
    assert rows["人数"] == (20, 6)
    assert rows["家族"][0] == "5未満"  # 3 family members in FY2026
    assert rows["家族"][1] == 6
    counts = list(count_values(book_))
    assert 20 in counts and 12 in counts
    assert not [n for n in counts if isinstance(n, int) and 0 < n < 5]
    assert "5未満" in counts


def count_values(book_):
    """Every cell of people or bookings in the workbook (not dates held, not rates)."""
    for sheet in book_.worksheets:
        header = None
        for row in sheet.iter_rows(values_only=True):
            if row and row[0] is None and len(row) > 2 and row[1]:
                header = row
                continue
            if header is None or not row or row[0] in {"開催回数", "来場率"}:
                continue
            for name, value in zip(header[1:], row[1:], strict=False):
                if name in {"開催回数", "来場率"} or value is None:
                    continue
                yield value


def test_partners_see_only_what_they_host_or_co_host(client, year_2026):
    world = year_2026
    client.force_login(world.editor_b)
    html = client.get("/admin/statistics/2026/").content.decode()
    assert "当事者会B" in html and "家族会A" not in html
    assert "講演会" in html and "家族交流会" not in html
    cells = page_cells(html)
    assert "8" in cells and "20" not in cells and "12" not in cells

    book_ = load_workbook(BytesIO(client.get("/admin/statistics/2026/export.xlsx").content))
    text = " ".join(
        str(v) for s in book_.worksheets for row in s.iter_rows(values_only=True) for v in row
    )
    assert "当事者会B" in text and "家族会A" not in text

    client.force_login(world.editor_a)
    html = client.get("/admin/statistics/2026/").content.decode()
    assert "家族会A" in html and "当事者会B" not in html and "講演会" not in html


def test_people_without_access_are_refused(client, year_2026):
    nobody = get_user_model().objects.create_user("nobody", "n@example.jp", "pw")
    client.force_login(nobody)
    assert client.get("/admin/statistics/2026/").status_code in {302, 403}
    assert client.get("/admin/statistics/2026/export.xlsx").status_code in {302, 403}
    client.logout()
    response = client.get("/admin/statistics/2026/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_years_out_of_range_are_a_clear_404(client, year_2026):
    client.force_login(year_2026.staff)
    assert client.get("/admin/statistics/1999/").status_code == 404
    response = client.get("/admin/statistics/")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/admin/statistics/{fiscal_year(timezone.now())}/")


def test_charts_are_accessible_and_draw_no_hidden_value(client, year_2026):
    client.force_login(year_2026.staff)
    html = client.get("/admin/statistics/2026/").content.decode()
    charts = re.findall(r"<svg [^>]*class=\"stats-chart\".*?</svg>", html, re.S)
    assert len(charts) == 2
    for svg in charts:
        assert 'role="img"' in svg
        labelled = re.search(r'aria-labelledby="([^"]+)"', svg).group(1).split()
        for ident in labelled:
            assert f'id="{ident}"' in svg
        assert "<title" in svg and "<desc" in svg
    who = next(svg for svg in charts if "chart-who" in svg)
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", who).group(1)
    assert "家族: 2026年度（令和8年度） 5未満" in desc
    # No bar for the hidden value: only bars with a shown value have a <rect> with title.
    assert not re.search(r"<rect[^>]*><title>家族 2026", who)


def test_the_printable_summary(client, year_2026):
    client.force_login(year_2026.staff)
    response = client.get("/admin/statistics/2026/summary/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "2026年度（令和8年度）" in html and "5未満" in html and "<svg" in html
    assert "css/statistics.css" in html
    assert not any(cell in {"1", "2", "3", "4"} for cell in page_cells(html))


def test_counts_kept_before_months_were_recorded_show_as_month_unknown(client, world):
    from events.models import AttendanceCounter

    AttendanceCounter.objects.create(
        fiscal_year=2025,
        category="family-gathering",
        who="family",
        residence="ward",
        first_time="yes",
        attended=True,
        bookings=7,
        people=9,
    )
    client.force_login(world.staff)
    html = client.get("/admin/statistics/2026/").content.decode()
    months = html.split("月別</caption>", 1)[1].split("</table>", 1)[0]
    assert "月不明" in months
    unknown = months.split("月不明", 1)[1].split("</tr>", 1)[0]
    assert [text for _kind, text in CELL.findall(unknown)][-1] == "9"  # last year's people
