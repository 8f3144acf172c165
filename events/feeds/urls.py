"""Calendar feed URLs: the only place they are defined; everything else reverses them by
name (``events.feeds.links``). They end in .ics, which Wagtail's page URLs cannot, so they
sit in front of the page tree, and they carry no language prefix (the content is
Japanese); each mirrors the page it belongs to."""

from django.urls import path, register_converter

from . import views


class PageSlugConverter:
    """A page slug as Wagtail allows it: letters of any script (家族のつどい-みらい),
    digits, "-" and "_"."""

    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(PageSlugConverter, "pageslug")

urlpatterns = [
    path("events/calendar.ics", views.all_events_feed, name="events_feed"),
    path("events/category/<slug:slug>.ics", views.category_feed, name="events_category_feed"),
    path(
        "partners/<pageslug:organisation>/calendar.ics",
        views.organisation_feed,
        name="events_organisation_feed",
    ),
    path(
        "partners/<pageslug:organisation>/<pageslug:event>/calendar.ics",
        views.event_feed,
        name="events_event_feed",
    ),
]
