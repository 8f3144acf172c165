"""Admin pages of the yearly statistics: the report of a fiscal year with the previous one
beside it, its XLSX export and a printable summary.

Ward staff (``events.view_all_bookings``) see every event; a partner's editors see only the
dates their organisations host or co-host. Nobody sees anything finer than the counters.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from home.partners import organisations_of

from ..schedule_text import format_date_ja
from ..schedules import TOKYO
from ..tally import fiscal_year_bounds
from . import charts
from .export import workbook_bytes
from .figures import available_years, current_fiscal_year, figures
from .report import build_report, legend

FIRST_YEAR, LAST_YEAR = 2000, 2100


def scope_of(user):
    """``(organisation ids or None for all, label)``; refuses users without access."""
    if not user.is_active or not user.has_perm("events.view_booking"):
        raise PermissionDenied
    if user.is_superuser or user.has_perm("events.view_all_bookings"):
        return None, _("Every event on the site")
    organisations = list(organisations_of(user).order_by("title"))
    names = "、".join(o.title for o in organisations) or _("no organisation")
    return {o.pk for o in organisations}, _("Events hosted or co-hosted by %(organisations)s") % {
        "organisations": names
    }


def report_for(request, year):
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404(_("There are no statistics for that fiscal year."))
    organisations, label = scope_of(request.user)
    by_year = figures([year - 1, year], organisations=organisations)
    return build_report(by_year[year], by_year[year - 1], label)


def period_text(year, now=None):
    """「2026年4月1日（水）〜2027年3月31日（水）」, and 「（11月30日まで）」 while it runs."""
    now = now or timezone.now()
    start, end = fiscal_year_bounds(year)
    last_day = (end.astimezone(TOKYO) - datetime.timedelta(days=1)).date()
    text = f"{format_date_ja(start.date())}〜{format_date_ja(last_day)}"
    today = now.astimezone(TOKYO).date()
    if start.date() <= today <= last_day:
        text += _("(up to %(day)s)") % {"day": format_date_ja(today)}
    return text


def statistics_index(request):
    scope_of(request.user)
    return redirect("events_statistics", current_fiscal_year())


def statistics_year(request, year):
    report = report_for(request, year)
    context = {
        "report": report,
        "period": period_text(year),
        "legend": legend(),
        "years": available_years(),
        "monthly_chart": charts.monthly_people_chart(report),
        "who_chart": charts.who_chart(report),
    }
    return TemplateResponse(request, "events/admin/statistics.html", context)


def statistics_export(request, year):
    report = report_for(request, year)
    response = HttpResponse(
        workbook_bytes(report),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="statistics-{year}.xlsx"'
    response["Cache-Control"] = "no-store, private"
    return response


def statistics_summary(request, year):
    report = report_for(request, year)
    context = {
        "report": report,
        "period": period_text(year),
        "legend": legend(),
        "monthly_chart": charts.monthly_people_chart(report),
        "who_chart": charts.who_chart(report),
    }
    return TemplateResponse(request, "events/admin/statistics_summary.html", context)
