"""Calendar feed URLs: the only place they are defined; everything else reverses them by
name (``events.feeds.links``). They end in .ics, which Wagtail's page URLs cannot, so they
sit in front of the page tree, and they carry no language prefix (the content is
Japanese); each mirrors the page it belongs to."""

from django.urls import path

from . import views

urlpatterns = [
    path("events/calendar.ics", views.all_events_feed, name="events_feed"),
    path("events/category/<slug:slug>.ics", views.category_feed, name="events_category_feed"),
    path(
        "partners/<slug:organisation>/calendar.ics",
        views.organisation_feed,
        name="events_organisation_feed",
    ),
    path(
        "partners/<slug:organisation>/<slug:event>/calendar.ics",
        views.event_feed,
        name="events_event_feed",
    ),
]
