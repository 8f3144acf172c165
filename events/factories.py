"""Factories for events (tests and benchmarks)."""

import datetime

import factory
import wagtail_factories

from .models import EventCategory, EventPage


def category(slug="family-gathering"):
    """One of the default categories (created by the events app's data migration)."""
    return EventCategory.objects.get(slug=slug)


class EventPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"家族交流会 その{n}")
    slug = factory.Sequence(lambda n: f"event-{n}")
    category = factory.LazyFunction(category)
    summary = "家族どうしで話せる会です。"
    start_date = datetime.date(2026, 12, 1)
    start_time = datetime.time(14, 0)
    end_time = datetime.time(16, 0)
    venue_name = "区民ひろば"
    area = "池袋"

    class Meta:
        model = EventPage


def publish_event(parent, **fields):
    """Create an event under ``parent`` and publish it (which materialises occurrences)."""
    page = EventPageFactory(parent=parent, **fields)
    page.save_revision().publish()
    page.refresh_from_db()
    return page
