"""Calendar feed URLs. They end in .ics, which Wagtail's page URLs cannot, so they sit in
front of the page tree; each mirrors the page it belongs to."""

from django.urls import path

from . import feed_views

urlpatterns = [
    path("events/calendar.ics", feed_views.all_events_feed, name="events_feed"),
    path("events/category/<slug:slug>.ics", feed_views.category_feed, name="events_category_feed"),
    path(
        "partners/<slug:organisation>/calendar.ics",
        feed_views.organisation_feed,
        name="events_organisation_feed",
    ),
    path(
        "partners/<slug:organisation>/<slug:event>/calendar.ics",
        feed_views.event_feed,
        name="events_event_feed",
    ),
]
