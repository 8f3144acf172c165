"""``seed_demo`` gives the statistics a full previous fiscal year and the current one so
far, with believable figures, and running it again changes nothing."""

from io import StringIO

from django.core.management import call_command
from django.utils import timezone

import pytest

from events.models import AttendanceCounter, Occurrence, OccurrenceCounter
from events.statistics.figures import FISCAL_MONTHS, figures
from events.tally import fiscal_year

pytestmark = pytest.mark.django_db


def counters():
    return (
        sorted(AttendanceCounter.objects.values_list(*AttendanceCounter.KEY, "bookings", "people")),
        sorted(OccurrenceCounter.objects.values_list(*OccurrenceCounter.KEY, "held")),
    )


def test_seed_demo_fills_two_fiscal_years_once(client):
    call_command("seed_demo", stdout=StringIO())
    now = timezone.now()
    year = fiscal_year(now)
    first = counters()
    before = figures([year - 1, year], now=now)

    call_command("seed_demo", stdout=StringIO())
    assert counters() == first
    assert figures([year - 1, year], now=now) == before

    previous, current = before[year - 1], before[year]
    # Every month of last year had dates and people.
    assert all(previous.month(m).held > 0 for m in FISCAL_MONTHS)
    assert all(previous.month(m).people > 0 for m in FISCAL_MONTHS)
    # This year up to the current month.
    this_month = now.astimezone(timezone.get_current_timezone()).month
    assert current.month(4).people > 0 and current.month(this_month).held > 0
    assert previous.total.people > 500 and 0.7 < previous.total.attended / previous.total.people < 1
    # Families make up most of the holiday consultations; many women come from outside.
    consultation = previous.categories["holiday-consultation"]
    assert consultation.who["family"] / consultation.people > 0.5
    women = previous.categories["ux-womens-meeting"]
    assert women.residence["outside"] / women.people > 0.4
    # The dates counted from the demo are not counted again from the date rows.
    assert (
        not Occurrence.objects.filter(
            event__isnull=False, end__lte=now, counted=False, start__lt=now.replace(day=1)
        )
        .exclude(status="cancelled")
        .exists()
    )

    client.force_login(_ward_staff())
    page = client.get(f"/admin/statistics/{year}/")
    assert page.status_code == 200 and "休日相談" in page.content.decode()


def _ward_staff():
    from django.contrib.auth import get_user_model

    from home.partners import ensure_ward_staff

    user = get_user_model().objects.create_user("stats-staff", "s@example.jp", "pw")
    user.groups.add(ensure_ward_staff())
    return user
