"""Signal handlers: one line each, handing the page event to the publishing pipeline.

Receivers take every page and check the type: subclasses of EventPage (ibasho places)
send these signals with their own class as the sender."""

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from home.models import SiteIdentity

from . import publishing
from .importers.signals import partner_events_changed
from .models import EventCategory, EventPage, PartnerFeed
from .versions import invalidate_documents


@receiver(page_published)
def page_was_published(sender, instance, **kwargs):
    if isinstance(instance, EventPage):
        publishing.event_published(instance)
    else:
        publishing.page_changed(instance)  # e.g. an organisation's name, in its events' feeds


@receiver(page_unpublished)
def page_was_unpublished(sender, instance, **kwargs):
    if isinstance(instance, EventPage):
        publishing.event_unpublished(instance)
    else:
        publishing.page_changed(instance)


@receiver(pre_delete, sender=EventPage)
def event_deleted(sender, instance, **kwargs):
    publishing.event_deleted(instance)


@receiver(post_page_move)
def page_moved(sender, instance, parent_page_after, **kwargs):
    if issubclass(sender, EventPage):
        publishing.event_moved(instance, parent_page_after)
    else:
        publishing.page_changed(instance)  # the addresses of the events under it changed


@receiver(post_save, sender=EventCategory)
@receiver(post_delete, sender=EventCategory)
def category_changed(sender, instance, **kwargs):
    publishing.category_changed(instance)


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
def restriction_changed(sender, instance, **kwargs):
    publishing.restriction_changed(instance)


@receiver(post_delete, sender=Page)
def page_deleted(sender, **kwargs):
    invalidate_documents()  # its events went before it (``event_deleted``)


# What only the calendar around the dates shows, or imported dates (not kept per event):
# every cached feed is stale.
@receiver(post_save, sender=PartnerFeed)
@receiver(post_delete, sender=PartnerFeed)
@receiver(partner_events_changed)
@receiver(post_save, sender=SiteIdentity)  # the feeds' name
def feed_inputs_changed(sender, **kwargs):
    invalidate_documents()
