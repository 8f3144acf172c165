"""What the /ibasho/ pages show: the filtered list with each place's next openings, and the
print list (HTML and PDF). Context helpers for ``IbashoIndexPage``'s routes; they take the
visible places from the caller (``IbashoPage.visible()``), so they need no page model.

One query for the places and one for their next openings, however many places there are.
"""

import datetime

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

import segno

from events.choices import OccurrenceStatus
from events.filters import AUDIENCE_CHOICES, audience_q
from events.models import Occurrence
from events.public_urls import absolute_page_url, site_root_path
from events.schedules import TOKYO, WEEKDAYS_JA

from .pdf import ibasho_pdf

WEEKDAY_CHOICES = [("", _("Any day"))] + [(str(i), f"{d}曜") for i, d in enumerate(WEEKDAYS_JA)]
OPENINGS_AHEAD = datetime.timedelta(days=28)


class IbashoFilterForm(forms.Form):
    day = forms.ChoiceField(label=_("Day of the week"), required=False, choices=WEEKDAY_CHOICES)
    who = forms.ChoiceField(label=_("Who it is for"), required=False, choices=AUDIENCE_CHOICES)
    area = forms.ChoiceField(label=_("Area"), required=False)
    free = forms.BooleanField(label=_("Free of charge"), required=False)
    step_free = forms.BooleanField(label=_("Step-free access"), required=False)
    today = forms.BooleanField(label=_("Open today"), required=False)

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("All areas"))] + [(a, a) for a in areas]


def next_openings(places, now):
    """``{place_id: [occurrence, …]}``: each place's openings in the next four weeks that
    have not ended, in one query."""
    openings = {}
    rows = (
        Occurrence.objects.upcoming(now)
        .filter(event__in=[p.pk for p in places], start__lt=now + OPENINGS_AHEAD)
        .exclude(status=OccurrenceStatus.CANCELLED)
        .order_by("start")
    )
    for occurrence in rows:
        openings.setdefault(occurrence.event_id, []).append(occurrence)
    return openings


def index_context(request, queryset):
    """The list with its filters; ``queryset`` gives the visible places."""
    places = list(queryset)
    areas = sorted({p.area for p in places if p.area})
    form = IbashoFilterForm(request.GET or None, areas=areas)
    now = timezone.now()
    openings = next_openings(places, now)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if data.get("who"):
        # The same audience rule as the event filters, applied to the loaded places.
        matching = queryset.filter(audience_q(data["who"], prefix="")).values_list("pk", flat=True)
        allowed = set(matching)
        places = [p for p in places if p.pk in allowed]
    today = now.astimezone(TOKYO).date()
    shown = []
    for place in places:
        upcoming = openings.get(place.pk, [])
        if data.get("area") and place.area != data["area"]:
            continue
        if data.get("free") and place.fee:
            continue
        if data.get("step_free") and not place.step_free:
            continue
        days = {o.local_start.weekday() for o in upcoming}
        if data.get("day") not in (None, "") and int(data["day"]) not in days:
            continue
        if data.get("today") and not any(o.local_start.date() == today for o in upcoming):
            continue
        place.next_openings = upcoming[:3]
        shown.append(place)
    return {
        "form": form,
        "places": shown,
        "areas": areas,
        "map_tiles": settings.IBASHO_MAP_TILES,
        "map_centre": settings.IBASHO_MAP_CENTRE,
    }


def print_groups(places, with_qr=False):
    """``[(area, [place, …])]`` with each place's full URL (and QR code), for the print
    list and the PDF."""
    root = site_root_path()
    groups = {}
    for place in places:
        place.print_url = absolute_page_url(place, root)
        if with_qr:
            place.qr_svg = segno.make(place.print_url, error="m").svg_inline(
                scale=3, title=place.title
            )
        groups.setdefault(place.area or str(_("Online")), []).append(place)
    return sorted(groups.items())


def print_pdf(places, desk):
    """The print list as an A4 PDF (bytes)."""
    groups = [(area, [(p, p.print_url) for p in members]) for area, members in print_groups(places)]
    return ibasho_pdf(
        groups,
        title="居場所マップ",
        intro="安心して過ごせる場所です。話さなくても大丈夫です。"
        "開いている日時や行き方は、QRコードからご覧ください。",
        footer=f"{desk.name} {desk.phone} {desk.anonymous_note}",
    )
