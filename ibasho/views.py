"""The /ibasho/ list and its filters, and the GeoJSON the map reads. One query for the
places and one for their next openings, however many places there are."""

import datetime
import json
from decimal import Decimal

from django import forms
from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Occurrence, OccurrenceStatus
from events.schedules import TOKYO, WEEKDAYS_JA

from .models import IbashoAudience, IbashoPage

WEEKDAY_CHOICES = [("", _("Any day"))] + [(str(i), f"{d}曜") for i, d in enumerate(WEEKDAYS_JA)]


class IbashoFilterForm(forms.Form):
    day = forms.ChoiceField(label=_("Day of the week"), required=False, choices=WEEKDAY_CHOICES)
    who = forms.ChoiceField(
        label=_("Who it is for"),
        required=False,
        choices=[("", _("Everyone"))]
        + [c for c in IbashoAudience.choices if c[0] != IbashoAudience.ANYONE],
    )
    area = forms.ChoiceField(label=_("Area"), required=False)
    free = forms.BooleanField(label=_("Free of charge"), required=False)
    step_free = forms.BooleanField(label=_("Step-free access"), required=False)
    today = forms.BooleanField(label=_("Open today"), required=False)

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("All areas"))] + [(a, a) for a in areas]


def visible_places():
    return (
        IbashoPage.objects.live()
        .public()
        .filter(host__live=True)
        .select_related("host", "category")
        .order_by("area", "title")
    )


def index_context(request):
    places = list(visible_places())
    areas = sorted({p.area for p in places if p.area})
    form = IbashoFilterForm(request.GET or None, areas=areas)
    now = timezone.now()
    openings = {}
    for occurrence in (
        Occurrence.objects.filter(
            event__in=[p.pk for p in places],
            start__gte=now - datetime.timedelta(hours=12),
            start__lt=now + datetime.timedelta(days=28),
        )
        .exclude(status=OccurrenceStatus.CANCELLED)
        .order_by("start")
    ):
        if occurrence.end > now:
            openings.setdefault(occurrence.event_id, []).append(occurrence)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    today = now.astimezone(TOKYO).date()
    shown = []
    for place in places:
        upcoming = openings.get(place.pk, [])
        if data.get("who") and place.who_for not in {data["who"], IbashoAudience.ANYONE}:
            continue
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


def _number(value):
    return float(value) if isinstance(value, Decimal) else value


def geojson(request):
    """Every live public ibasho with a location, as GeoJSON ([longitude, latitude]); only
    public fields (no meeting links, no contact persons)."""
    features = []
    base = settings.BASE_URL
    from events.feeds import event_path, site_root_path

    root = site_root_path()
    for place in visible_places():
        if not place.has_location:
            continue
        features.append(
            {
                "type": "Feature",
                "id": place.pk,
                "geometry": {
                    "type": "Point",
                    "coordinates": [_number(place.longitude), _number(place.latitude)],
                },
                "properties": {
                    "name": place.title,
                    "url": base + event_path(place, root),
                    "kind": place.get_kind_display(),
                    "who": place.get_who_for_display(),
                    "area": place.area,
                    "address": place.venue_address,
                    "station": place.nearest_station,
                    "schedule": place.schedule_text,
                    "free": place.fee == 0,
                    "step_free": place.step_free,
                    "organisation": place.host.title if place.host else "",
                },
            }
        )
    body = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/geo+json; charset=utf-8")
    response["Cache-Control"] = "public, max-age=900"
    return response


def _print_groups():
    """``[(area, [place, …])]`` with each place's full URL, for the print list and PDF."""
    from events.feeds import event_path, site_root_path

    root = site_root_path()
    groups = {}
    for place in visible_places():
        place.print_url = settings.BASE_URL + event_path(place, root)
        groups.setdefault(place.area or str(_("Online")), []).append(place)
    return sorted(groups.items())


def print_view(request, index_page):
    """An A4 list grouped by area, with opening times and a QR code to each page: what the
    ward pastes into the special issue and leaflets."""
    from django.template.response import TemplateResponse

    import segno

    groups = _print_groups()
    for _area, places in groups:
        for place in places:
            place.qr_svg = segno.make(place.print_url, error="m").svg_inline(
                scale=3, title=place.title
            )
    context = index_page.get_context(request)
    context["groups"] = groups
    return TemplateResponse(request, "ibasho/ibasho_print.html", context)


def print_pdf(request, index_page):
    """The same list as a PDF download."""
    from home.models import ConsultationDesk

    from .pdf import ibasho_pdf

    desk = ConsultationDesk.for_request(request)
    groups = [(area, [(p, p.print_url) for p in places]) for area, places in _print_groups()]
    body = ibasho_pdf(
        groups,
        title="居場所マップ",
        intro="安心して過ごせる場所です。話さなくても大丈夫です。"
        "開いている日時や行き方は、QRコードからご覧ください。",
        footer=f"{desk.name} {desk.phone} {desk.anonymous_note}",
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="ibasho-map.pdf"'
    return response
