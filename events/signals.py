"""Signal handlers: one line each, handing the page event to the publishing pipeline.

Receivers take every page and check the type: subclasses of EventPage (ibasho places)
send these signals with their own class as the sender."""

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import publishing
from .feeds.http import invalidate_documents
from .importers.signals import partner_events_changed
from .models import EventCategory, EventPage, PartnerFeed


@receiver(page_published)
def page_was_published(sender, instance, **kwargs):
    if isinstance(instance, EventPage):
        publishing.event_published(instance)
    else:
        invalidate_documents()  # e.g. an organisation's name, shown in every feed


@receiver(page_unpublished)
def page_was_unpublished(sender, instance, **kwargs):
    if isinstance(instance, EventPage):
        publishing.event_unpublished(instance)
    else:
        invalidate_documents()


@receiver(pre_delete, sender=EventPage)
def event_deleted(sender, instance, **kwargs):
    publishing.event_deleted(instance)


@receiver(post_page_move)
def page_moved(sender, instance, parent_page_after, **kwargs):
    if issubclass(sender, EventPage):
        publishing.event_moved(instance, parent_page_after)
    else:
        invalidate_documents()  # an organisation moved: its feed URL and pages changed


# Anything else that can change what a public feed shows makes every cached feed stale.
@receiver(post_delete, sender=Page)
@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
@receiver(post_save, sender=EventCategory)
@receiver(post_delete, sender=EventCategory)
@receiver(post_save, sender=PartnerFeed)
@receiver(post_delete, sender=PartnerFeed)
@receiver(partner_events_changed)
def feed_inputs_changed(sender, **kwargs):
    invalidate_documents()
