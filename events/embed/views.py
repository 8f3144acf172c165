"""The upcoming-events widget for partner sites, and the admin page with its snippet.

``/events/widget/`` is a small page (a sidebar's width) listing the next dates, narrowed
by category, organisation (host or co-host) or one ibasho. It is cached like the feeds
(a version that any publish bumps, a strong ETag, 304 for revalidation) and is the only
page that other sites may frame (``framing``).
"""

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from home.models import OrganisationPage, SiteIdentity
from home.partners import organisations_of

from ..feeds.http import cached_document
from ..models import EventCategory, EventIndexPage, EventPage, Occurrence
from ..schedule_text import format_date_ja
from ..schedules import TOKYO
from .framing import framable_by_any_site

DEFAULT_COUNT, MAX_COUNT = 5, 10
CONTENT_TYPE = "text/html; charset=utf-8"
IBASHO_MODEL = ("ibasho", "ibashopage")  # named, never imported: events knows no places


def ibasho_pages():
    """Live ibasho pages, if the ibasho app is installed."""
    try:
        content_type = ContentType.objects.get_by_natural_key(*IBASHO_MODEL)
    except ContentType.DoesNotExist:
        return EventPage.objects.none()
    return EventPage.objects.live().filter(content_type=content_type).order_by("title")


class WidgetForm(forms.Form):
    """The widget's filters. Unlike the calendar's, a wrong value is an error: a partner
    would otherwise show every event of the site without noticing."""

    category = forms.ChoiceField(label=gettext_lazy("Category"), required=False)
    organisation = forms.ChoiceField(label=gettext_lazy("Organisation"), required=False)
    ibasho = forms.TypedChoiceField(
        label=gettext_lazy("Ibasho"), required=False, coerce=int, empty_value=None
    )
    count = forms.TypedChoiceField(
        label=gettext_lazy("Number of dates shown"),
        required=False,
        coerce=int,
        empty_value=DEFAULT_COUNT,
        choices=[(n, n) for n in range(1, MAX_COUNT + 1)],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All categories"))] + [
            (c.slug, c.display_name) for c in EventCategory.objects.all()
        ]
        organisations = OrganisationPage.objects.live().order_by("title")
        self.fields["organisation"].choices = [("", _("All organisations"))] + [
            (o.slug, o.title) for o in organisations.only("slug", "title")
        ]
        self.fields["ibasho"].choices = [("", _("Any place"))] + [
            (p.pk, p.title) for p in ibasho_pages().only("pk", "title")
        ]

    def query(self):
        """The valid filters as a query string, in a fixed order (the cache key)."""
        data = self.cleaned_data
        params = {k: data[k] for k in ("category", "organisation", "ibasho") if data.get(k)}
        if data.get("count") and data["count"] != DEFAULT_COUNT:
            params["count"] = data["count"]
        return urlencode(params)

    def heading(self):
        """「家族会 ひだまり・家族交流会」: the filters in use, by name."""
        data = self.cleaned_data
        labels = [
            dict(self.fields[name].choices).get(data[name])
            for name in ("organisation", "category", "ibasho")
            if data.get(name)
        ]
        return "・".join(str(label) for label in labels if label)

    def occurrences(self, now):
        """The next dates of our own events (imported partner events are listed on
        their own sites)."""
        data = self.cleaned_data
        rows = Occurrence.objects.visible().upcoming(now).filter(event__isnull=False)
        if data.get("category"):
            rows = rows.filter(event__category__slug=data["category"])
        if data.get("organisation"):
            slug = data["organisation"]
            hosted = EventPage.hosted_by(slug=slug)
            rows = rows.filter(event__in=hosted.values("pk"))
        if data.get("ibasho"):
            rows = rows.filter(event_id=data["ibasho"])
        return rows.for_listing().order_by("start", "pk")[: data.get("count") or DEFAULT_COUNT]


def _item(occurrence):
    local_start = occurrence.local_start
    event = occurrence.event
    time = "" if occurrence.all_day else f"{local_start.hour}:{local_start.minute:02d}"
    return {
        "title": event.title,
        "url": occurrence.get_url(),
        "date": format_date_ja(local_start.date()).split("年", 1)[1],
        "iso": local_start.isoformat(),
        "time": time,
        "where": occurrence.location_text.split("、", 1)[0],
        "audience": event.audience_label,
        "cancelled": occurrence.is_cancelled,
    }


def _build(form, now, site_name):
    occurrences = list(form.occurrences(now))
    index = EventIndexPage.objects.live().first()
    more = index.url if index is not None else "/events/"
    filters = {k: v for k, v in form.cleaned_data.items() if k in {"category", "organisation"}}
    filters = urlencode({k: v for k, v in filters.items() if v})
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(
            "events/embed/upcoming.html",
            {
                "items": [_item(o) for o in occurrences],
                "heading": form.heading(),
                "more_url": more + (f"?{filters}" if filters else ""),
                "site_name": site_name,
            },
        )
    changed = max((o.updated_at for o in occurrences), default=now)
    return body.encode(), changed


def upcoming_widget(request):
    """The widget. Any site may frame it; a wrong filter is a 400 with a Japanese
    message (shown inside the partner's frame)."""
    form = WidgetForm(request.GET)  # bound even when empty: every field is optional
    if not form.is_valid():
        with translation.override(settings.LANGUAGE_CODE):
            body = render_to_string(
                "events/embed/upcoming.html",
                {"error": _("This widget's settings are not valid: please copy the code again.")},
            )
        return framable_by_any_site(HttpResponseBadRequest(body, content_type=CONTENT_TYPE))
    now = timezone.now()
    # A new key every hour, so dates that have ended leave the list; the ETag is the
    # body's, so a client revalidating across the hour still gets 304 if nothing changed.
    hour = now.astimezone(TOKYO).strftime("%Y%m%d%H")
    response = cached_document(
        request,
        f"widget:{request.get_host()}:{form.query()}:{hour}",  # each site has its own name
        lambda: _build(form, now, SiteIdentity.name_for_request(request)),
        CONTENT_TYPE,
        max_age=300,
        s_maxage=900,
    )
    return framable_by_any_site(response)


def snippet(url, title):
    """The HTML a partner pastes into its page."""
    return (
        f'<iframe src="{escape(url)}" title="{escape(title)}" width="300" height="460" '
        'loading="lazy" style="border:1px solid #ccc;max-width:100%"></iframe>'
    )


def embed_admin(request):
    """Where a partner copies the widget's code: its own organisation preselected."""
    if not request.user.has_perm("wagtailadmin.access_admin"):
        raise PermissionDenied
    mine = organisations_of(request.user).order_by("title").first()
    initial = {"organisation": mine.slug} if mine is not None else {}
    form = WidgetForm(request.GET or None, initial={**initial, "count": DEFAULT_COUNT})
    query = form.query() if request.GET and form.is_valid() else urlencode(initial)
    path = reverse("events_widget") + (f"?{query}" if query else "")
    site_name = SiteIdentity.name_for_request(request)
    title = _("Upcoming events and ibasho") + (f" | {site_name}" if site_name else "")
    context = {
        "form": form,
        "widget_path": path,
        "snippet": snippet(settings.BASE_URL + path, title),
    }
    return TemplateResponse(request, "events/admin/embed.html", context)
