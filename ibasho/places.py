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
from events.schedule_text import format_moment_ja
from events.schedules import TOKYO, WEEKDAYS_JA

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

    def active_filters(self):
        """Readable labels of the filters in use (for the folded filter box)."""
        if not self.is_bound or not self.is_valid():
            return []
        labels = []
        for name, value in self.cleaned_data.items():
            field = self.fields[name]
            if value in (None, "", False):
                continue
            if isinstance(field, forms.BooleanField):
                labels.append(str(field.label))
            else:
                labels.append(str(dict(field.choices).get(value, value)))
        return labels


def current_time():
    """Now, as the list reads it (tests put the clock at a chosen moment through this)."""
    return timezone.now()


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


def opening_status(upcoming, now):
    """When a place is open, in words, from its next openings (sorted, not ended):
    「開いています（17:00まで）」, 「今日 13:00から」 or 「次は 12月2日（水）13:00から」."""
    if not upcoming:
        return _("No opening dates planned yet")
    first = upcoming[0]
    start, end = first.local_start, first.local_end
    today = now.astimezone(TOKYO).date()
    if first.start <= now:
        return _("Open now (until %(time)s)") % {"time": f"{end.hour}:{end.minute:02d}"}
    if start.date() == today:
        return _("Opens today at %(time)s") % {"time": f"{start.hour}:{start.minute:02d}"}
    return _("Opens next on %(when)s") % {"when": format_moment_ja(start, today)}


def index_context(request, queryset):
    """The list with its filters; ``queryset`` gives the visible places."""
    places = list(queryset)
    areas = sorted({p.area for p in places if p.area})
    form = IbashoFilterForm(request.GET or None, areas=areas)
    now = current_time()
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
        place.next_openings = upcoming[:3]
        place.opening_status = opening_status(upcoming, now)
        place.open_today = any(o.local_start.date() == today for o in upcoming)
        shown.append(place)
    nothing_today = False
    if data.get("today"):
        open_today = [p for p in shown if p.open_today]
        if open_today:
            shown = open_today
        else:
            # Nothing (more) today, e.g. at night: every place, soonest opening first,
            # rather than an empty page.
            nothing_today = True
            far = now + OPENINGS_AHEAD
            shown.sort(key=lambda p: p.next_openings[0].start if p.next_openings else far)
    return {
        "form": form,
        "active_filters": form.active_filters(),
        "places": shown,
        "nothing_today": nothing_today,
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
    from .pdf import ibasho_pdf  # reportlab only where a PDF is made

    groups = [(area, [(p, p.print_url) for p in members]) for area, members in print_groups(places)]
    return ibasho_pdf(
        groups,
        title="居場所マップ",
        intro="安心して過ごせる場所です。話さなくても大丈夫です。"
        "開いている日時や行き方は、QRコードからご覧ください。",
        footer=f"{desk.name} {desk.phone} {desk.anonymous_note}",
    )
