"""The filters of /events/: a plain GET form whose state lives in the URL."""

import datetime
from urllib.parse import urlencode

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from home.models import OrganisationPage
from home.text import PlainTextFormMixin, single_line

from .choices import AttendanceMode, Audience
from .models.pages import EventPage
from .models.records import EventCategory
from .schedule_text import format_date_ja
from .schedules import TOKYO

MAX_KEYWORD = 100
WOMEN = "women"
AUDIENCE_CHOICES = [
    ("", _("Everyone")),
    *[c for c in Audience.choices if c[0] != Audience.ANYONE],
    (WOMEN, _("Women")),
]


def audience_q(value, prefix="event__"):
    """Who a listing is for, as one rule for every filter (events and places): "what can
    I go to, as …". A group finds what is meant for it, and what is open to anyone without
    a restriction (a place for women is not listed for "families": not every family member
    is a woman); "women" also finds what is only for women."""

    def q(**lookups):
        return Q(**{f"{prefix}{name}": value for name, value in lookups.items()})

    unrestricted = q(audience=Audience.ANYONE, mothers_only=False)
    if value == WOMEN:
        return q(women_only=True) | unrestricted
    return q(audience=value) | (unrestricted & q(women_only=False))


class EventFilterForm(PlainTextFormMixin, forms.Form):
    q = forms.CharField(label=_("Keyword"), required=False, max_length=MAX_KEYWORD)
    category = forms.ChoiceField(label=_("Category"), required=False)
    audience = forms.ChoiceField(label=_("Who it is for"), required=False, choices=AUDIENCE_CHOICES)
    organisation = forms.ChoiceField(label=_("Organisation"), required=False)
    area = forms.ChoiceField(label=_("Area"), required=False)
    online = forms.BooleanField(label=_("Online only"), required=False)
    on = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = list(EventCategory.objects.all())
        self.fields["category"].choices = [("", _("All categories"))] + [
            (c.slug, c.display_name) for c in self.categories
        ]
        organisations = OrganisationPage.objects.live().public().order_by("title")
        self.fields["organisation"].choices = [("", _("All organisations"))] + [
            (o.slug, o.title) for o in organisations.only("slug", "title")
        ]
        areas = (
            EventPage.objects.live()
            .exclude(area="")
            .order_by("area")
            .values_list("area", flat=True)
            .distinct()
        )
        self.fields["area"].choices = [("", _("All areas"))] + [(a, a) for a in areas]

    def applied(self, exclude=()):
        """The filters in force: the fields whose values validated, without empty ones.

        The one value that both the filtering and every link or cache key made from the
        filters come from, so a URL can never be filtered one way and named another. An
        invalid value is left out of both (pages ignore it; feeds refuse it with a 400).
        """
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            name: value
            for name in self.fields
            if name not in exclude and (value := data.get(name)) not in (None, "", False)
        }

    def filter(self, occurrences, exclude=()):
        """Apply the filters in force (``applied``)."""
        data = self.applied(exclude)
        if data.get("category"):
            occurrences = occurrences.filter(
                Q(event__category__slug=data["category"])
                | Q(event__isnull=True, feed__category__slug=data["category"])
            )
        if data.get("audience"):
            occurrences = occurrences.filter(audience_q(data["audience"]))
        if data.get("organisation"):
            slug = data["organisation"]
            hosted = EventPage.hosted_by(slug=slug)
            occurrences = occurrences.filter(
                Q(event__in=hosted.values("pk")) | Q(feed__organisation__slug=slug)
            )
        if data.get("area"):
            occurrences = occurrences.filter(event__area=data["area"])
        if data.get("online"):
            occurrences = occurrences.filter(
                event__attendance_mode__in=[AttendanceMode.ONLINE, AttendanceMode.HYBRID]
            )
        if data.get("on"):
            start = datetime.datetime.combine(data["on"], datetime.time(0, 0), tzinfo=TOKYO)
            occurrences = occurrences.filter(
                start__gte=start, start__lt=start + datetime.timedelta(days=1)
            )
        keyword = data.get("q", "")
        if keyword:
            occurrences = occurrences.filter(
                Q(event__title__icontains=keyword)
                | Q(event__summary__icontains=keyword)
                | Q(event__venue_name__icontains=keyword)
                | Q(title__icontains=keyword)
            )
        return occurrences

    def clean_q(self):
        return single_line(self.cleaned_data.get("q") or "")

    def clean_on(self):
        day = self.cleaned_data.get("on")
        if day and not (datetime.date(2000, 1, 1) <= day <= datetime.date(2100, 12, 31)):
            return None  # out of any calendar we show: ignored like other bad values
        return day

    def day(self):
        """The single day asked for with ``on``, if any."""
        return self.applied().get("on")

    def active_filters(self, exclude=()):
        """Readable labels of the filters in force, for the results heading."""
        labels = []
        for name, value in self.applied(exclude).items():
            field = self.fields[name]
            if isinstance(field, forms.ChoiceField):
                value = dict(field.choices).get(value, value)
            elif isinstance(field, forms.BooleanField):
                value = field.label
            elif isinstance(value, datetime.date):
                value = format_date_ja(value)
            labels.append(str(value))
        return labels

    def query_string(self, exclude=(), **overrides):
        """The filters in force as a canonical query string (fields in the form's order),
        for month links, feed links and cache keys."""
        params = self.applied(exclude)
        params.update({k: v for k, v in overrides.items() if v})
        params = {
            k: ("1" if v is True else v.isoformat() if isinstance(v, datetime.date) else v)
            for k, v in params.items()
        }
        return urlencode(params)
